// The interpreter tier. Validated wasm is translated once per function into
// "slot code": a stream of instructions whose operands are byte offsets into
// the current frame (params, then locals, then one slot per operand-stack
// height), so no value is pushed or popped at run time. Calls are zero-copy:
// a callee's frame starts at its caller's first argument slot.
//
// Frame layout (8-byte slots, fp-relative):
//   [0, num_params)            params (results are returned here too)
//   [num_params, num_locals)   declared locals, zeroed on entry
//   [num_locals, frame_slots)  operand stack
#pragma once
#include <atomic>
#include <optional>
#include <string>
#include <csetjmp>
#include <cstdint>
#include <vector>

#include "runtime/fault_handler.h"
#include "runtime/objects.h"

namespace brisk {

class CpuControl;

struct InterpCode {
  std::vector<uint8_t> code;
  uint32_t num_params = 0;
  uint32_t num_locals = 0;   // params included
  uint32_t num_results = 0;
  uint32_t frame_slots = 0;  // locals + max operand stack
  // Code offset of each loop header, by loop index (the order in which the
  // walker visits loops; the JIT numbers its OSR entries the same way).
  std::vector<uint32_t> loop_headers;
};

// One record per wasm activation, pushed on entry by whichever tier runs the
// callee (the interpreter's call sequence, a JIT prologue or an OSR stub) and
// describing its *caller*: where to resume, the caller's frame and function.
// Records of interpreted callees have ret_pc/fp set; JIT-pushed ones have
// only func set (nothing reads their ret_pc or fp) and are popped by JIT
// code only. Backtraces use func alone, and
// ExecContext::activation_base (not a null field) marks where the host entered.
struct CallFrame {
  const uint8_t* ret_pc;  // interpreter: null means return to the entry's caller
  uint64_t* fp;
  Function* func;         // the caller; null when called by the host
};

// Execution state of one store: the value stack and the call-frame stack.
// Re-entrant: a host function called from wasm may call into wasm again.
struct ExecContext {
  ExecContext(size_t stack_bytes, uint32_t max_frames);
  ~ExecContext();
  ExecContext(const ExecContext&) = delete;
  ExecContext& operator=(const ExecContext&) = delete;

  uint64_t* stack_base = nullptr;
  uint64_t* stack_end = nullptr;
  size_t stack_bytes = 0;
  CallFrame* frames = nullptr;  // lazily committed mapping of max_frames + 1
  uint32_t max_frames = 0;
  uint32_t depth = 0;           // frames in use
  // frames[activation_base] is the record of the outermost function of the
  // innermost host->wasm call (exec_call); deeper records belong to it too.
  // Backtraces stop here: frames below belong to an outer call that is
  // suspended in a host function.
  uint32_t activation_base = 0;
  uint64_t* top = nullptr;      // first free slot: where a nested entry starts
  Function* cur_func = nullptr; // innermost running wasm function (for traps)
  // Attention flag, tested by every tier's check sites: set when the slow
  // path check_attention() must run (interrupt, epoch deadline, timeout;
  // the reasons are in attention_reasons).
  std::atomic<bool> interrupt{false};
  uintptr_t native_stack_limit = 0;  // JIT prologues trap below this stack pointer
  // What JIT prologues compare the stack pointer with: native_stack_limit,
  // or UINTPTR_MAX while the attention flag is set, so that one compare
  // covers both the native-stack check and the attention check at function
  // entry (the slow path tells them apart). Kept by sync_jit_entry_limit()
  // and CpuControl::notify (runtime/cpu_control.h); UINTPTR_MAX until the
  // first call sets it, which only sends prologues to the slow path.
  std::atomic<uintptr_t> jit_entry_limit{UINTPTR_MAX};
  uint32_t pending_trap = 0;         // set by runtime helpers that return no code
  FaultJmp* fault_jmp = nullptr;  // where a guard-page fault resumes (runtime/fault_handler.h)
  Store* store = nullptr;
  HostCall* host_call = nullptr;    // details of a trapping host call
  std::string trap_message;
  std::vector<TrapFrame> last_trap_frames;
  bool trap_recorded = false;       // last_trap_frames describes the trap in flight
  int exit_code = 0;
  // Remaining fuel when the store consumes fuel, charged per instruction
  // block by every tier; negative once a charge ran out.
  int64_t fuel = 0;
  std::atomic<uint32_t> attention_reasons{0};  // kAttention* bits (cpu_control.h)
  CpuControl* cpu = nullptr;                   // the store's epochs and timeouts
};

// Translates {f}'s body (idempotent; called lazily on first call).
InterpCode* interp_prepare(Function* f);

// Calls {f} through its entry with arguments already in {fp}[0..params);
// results are left in {fp}[0..results). Turns guard-page faults into
// traps and, on a trap, sets {trap}. Returns TrapKind::None on success.
TrapKind exec_call(ExecContext& ctx, Function* f, uint64_t* fp, std::optional<Trap>* trap);

// Entry thunks (EntryFn) for interpreted and host functions.
uint32_t interp_entry(ExecContext* ctx, uint64_t* fp, Function* self);
uint32_t host_entry(ExecContext* ctx, uint64_t* fp, Function* self);

// Records the backtrace of a trap at the current frame (once per trap).
void record_trap_frames(ExecContext* ctx);

// What every host-function entry (host_entry, and the C API's own entries
// in api/linker_api.cc) does around the embedder's code: host->wasm calls
// it makes start above its frame ({frame_end}: fp + max(param slots,
// result slots)), and a fault in host code is not a wasm trap.
class HostFrameScope {
 public:
  HostFrameScope(ExecContext* ctx, uint64_t* frame_end)
      : ctx_(ctx), saved_top_(ctx->top), saved_jmp_(ctx->fault_jmp) {
    ctx->top = frame_end;
    ctx->fault_jmp = nullptr;
  }
  ~HostFrameScope() {
    ctx_->fault_jmp = saved_jmp_;
    ctx_->top = saved_top_;
  }
  HostFrameScope(const HostFrameScope&) = delete;
  HostFrameScope& operator=(const HostFrameScope&) = delete;

 private:
  ExecContext* ctx_;
  uint64_t* saved_top_;
  FaultJmp* saved_jmp_;
};
// A host function ended the call with {kind} (TrapKind::Host with
// {message}, or TrapKind::Exit with {exit_code}): records the details and
// the backtrace for exec_call and returns the kind as an entry's result.
uint32_t host_trap(ExecContext* ctx, TrapKind kind, std::string message, int exit_code = 0);

}  // namespace brisk

// The JIT's runtime side: executable code memory (W^X), entry thunks that
// compile lazily, and the C helpers that JIT code calls for traps,
// indirect-call checks and out-of-line instructions.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "interp/interp.h"
#include "runtime/objects.h"

namespace brisk::jit {

// False when this build or CPU has no JIT (then every mode interprets).
bool jit_available();
bool jit_cpu_supported();  // per-arch masm

struct JitStats {
  uint64_t functions = 0;
  uint64_t wasm_bytes = 0;
  uint64_t code_bytes = 0;
  // CPU time of the compiling threads, summed (EngineConfig::time_compiles).
  double compile_seconds = 0;
  uint64_t tier_ups = 0;
  uint64_t osr_entries = 0;
  uint64_t failures = 0;  // functions that could not be compiled and stay interpreted
  // Compiled functions with v128 values or SIMD instructions.
  uint64_t simd_functions = 0;
  // Their SIMD ops compiled to inline code (v128 in registers) and through
  // the generic path (a call of the interpreter's semantics), counted per
  // op in the code (simd_compiler.inc).
  uint64_t simd_inline_ops = 0;
  uint64_t simd_generic_ops = 0;
};

// Why every SIMD op of JIT code takes the generic path, for --stats: the
// environment forces it (BRISK_JIT_SIMD=generic, read once) or the CPU
// lacks what the inline code needs ("no SSE4.1"); null when ops with
// inline code are compiled inline (compiler.cc).
const char* simd_generic_reason();

// Executable memory, W^X by dual mapping: each chunk is mapped twice,
// writable and executable, so no page is ever both and installing a
// function needs no mprotect. Falls back to mprotect toggling when shared
// anonymous memory is unavailable. Allocation, release and the statistics
// are locked: background compile threads write code while the store runs.
//
// Ownership: a block belongs to the function whose code it holds, which
// belongs to its instance (code embeds the instance's addresses, so it is
// never shared between instances). The store releases an instance's blocks
// when it destroys the instance (no frame of it can be running then: the
// destruction is deferred while wasm runs); released space is reused by
// later compiles, and a chunk left without live code is unmapped, so a
// store that loads and unloads instances forever keeps its code memory
// bounded.
class CodeArena {
 public:
  CodeArena() = default;
  ~CodeArena();
  CodeArena(const CodeArena&) = delete;
  CodeArena& operator=(const CodeArena&) = delete;

  struct Block {
    uint8_t* exec = nullptr;   // where the code runs
    uint8_t* write = nullptr;  // where it is written (may equal exec)
  };
  // Reserves {size} bytes; exec is null when memory is exhausted.
  Block allocate(size_t size);
  void begin_write(const Block& b, size_t size);
  void end_write(const Block& b, size_t size);
  // Gives back the block starting at {exec} (from allocate; null is a
  // no-op). Its code must not run any more.
  void release(void* exec);

  // Bytes of code in live blocks, and bytes of code memory mapped (each
  // chunk counted once, not per mapping).
  struct Usage {
    size_t live_bytes = 0;
    size_t mapped_bytes = 0;
  };
  Usage usage();

  // Chunks of dropped arenas kept mapped for the next one (jit_runtime.cc:
  // a fresh chunk faults in page by page), at most kMaxCachedChunks.
  static size_t cached_chunks();
  static constexpr size_t kMaxCachedChunks = 32;

  // Written under the lock (add_stats); read directly only when no
  // background compile can run (after CompileQueue::drain, or in a store
  // without compile threads); otherwise through snapshot().
  JitStats stats;
  JitStats snapshot();
  template <typename F>
  void add_stats(F&& update) {
    std::lock_guard<std::mutex> lock(mu_);
    update(stats);
  }

 private:
  struct Chunk {
    uint8_t* exec;
    uint8_t* write;  // null: single mapping toggled with mprotect
    size_t size;
    size_t used;     // bump pointer: [used, size) was never handed out
    size_t populated = 0;  // write mapping: [0, populated) faulted in ahead (populate_ahead)
    size_t live = 0; // bytes in live blocks
    // Released ranges below {used}: offset -> size, coalesced.
    std::map<size_t, size_t> free;
    // Live blocks: offset -> size (release() needs the size).
    std::unordered_map<size_t, size_t> blocks;
  };
  bool map_chunk(size_t min_size);
  static void populate_ahead(Chunk& c, size_t end);
  void unmap(const Chunk& c);
  std::vector<Chunk> chunks_;
  std::mutex mu_;
};

// True when code memory can be written while other code of the same arena
// runs (the dual mapping works here): a precondition of compile threads,
// since the mprotect fallback briefly makes pages non-executable.
bool concurrent_code_writes_supported();

// Compiles {f} (a wasm function) and switches its entry to the code.
// Returns false if the function cannot be compiled (it stays interpreted).
bool compile_function(Function* f);

// The two halves of compile_function. compile_code writes {f}'s machine
// code into the store's arena and touches nothing of {f} or its store but
// the (locked) arena, so it may run on a compile thread; install_code, on
// the thread running the store, switches {f}'s entry to the code.
struct CompiledCode {
  uint8_t* code = nullptr;
  uint32_t fast_entry_offset = 0;        // the internal-convention entry, from code
  std::vector<uint32_t> osr_offsets;     // per loop, from code
  std::vector<Function*> adapter_callees;  // see install_code
};
bool compile_code(Function* f, CompiledCode* out);
void install_code(Function* f, CompiledCode&& code);

// Tiered mode: {f} used up its budget (a call or a loop back-edge in the
// interpreter). Returns true when f runs JIT code from now on (compiled
// here, or a background compile finished and was installed here); false
// while a background compile is pending or when f cannot be compiled, with
// f's budget set to when to ask again. {loop}: the check is a loop
// back-edge (f is running now: its background compile goes first).
bool tier_up(Store* store, Function* f, bool loop = false);
// Functions that failed to compile in this process (any store): code too
// large for the architecture's branch ranges, code memory exhausted.
uint64_t jit_compile_failures();

// Entry thunks (EntryFn).
uint32_t jit_lazy_entry(ExecContext* ctx, uint64_t* fp, Function* self);
uint32_t tiered_entry(ExecContext* ctx, uint64_t* fp, Function* self);
// The OSR entry of {f}'s loop number {loop_index} (compiling f if needed),
// or null when f cannot be compiled.
EntryFn osr_entry_for(Function* f, uint32_t loop_index);

// Helpers called from JIT code.
uint32_t jit_record_trap(ExecContext* ctx, uint32_t kind);
uint32_t jit_record_trap_noframe(ExecContext* ctx, uint32_t kind);
Function* jit_resolve_indirect(ExecContext* ctx, Table* table, uint32_t index, uint32_t sig_id);
// The attention slow path (runtime/cpu_control.h) at a check site: 0 to
// continue, or the TrapKind (frames recorded). Called through call_runtime.
uint32_t jit_check_attention(ExecContext* ctx, uint64_t* fp, uint64_t, uint64_t, uint64_t);
// a0 = op | imm0 << 32, a1 = imm1 | dst_off << 32, a2 = offset of the first operand slot.
uint32_t jit_misc(ExecContext* ctx, uint64_t* fp, uint64_t a0, uint64_t a1, uint64_t a2);

}  // namespace brisk::jit

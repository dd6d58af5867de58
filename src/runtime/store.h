// The runtime's object model: a Store owns every runtime object (functions,
// memories, tables, globals, instances) created in it; objects of different
// stores never mix. Nothing here is global: two stores are fully isolated.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "core/module.h"
#include "jit/tuning.h"
#include "runtime/trap.h"

namespace brisk {

class Store;
class Instance;
namespace jit {
class CodeArena;
class CompileQueue;
}
class Memory;
class Table;
struct Global;
struct Function;
struct InterpCode;
struct ExecContext;
using EntryFn = uint32_t (*)(ExecContext* ctx, uint64_t* fp, Function* self);

enum class ExecMode : uint8_t { Interp, Jit, Tiered };
enum class BoundsMode : uint8_t {
  Guard,     // 8 GiB reservation + guard pages; faults become traps (64-bit hosts)
  Explicit,  // every access checked in code; no signal handler needed
};

struct EngineConfig {
  ExecMode mode = ExecMode::Interp;
  BoundsMode bounds = BoundsMode::Guard;
  uint32_t max_call_depth = 100000;            // nested wasm calls before "call stack exhausted"
  size_t value_stack_bytes = 64u << 20;        // interpreter locals + operands (lazily committed)
  uint32_t tier_up_threshold = tuning::kDefaultTierUpThreshold;
  // Bisection aid: when set, only functions whose index is in
  // [jit_filter_lo, jit_filter_hi] are compiled; the rest stay interpreted.
  bool jit_filter = false;
  uint32_t jit_filter_lo = 0, jit_filter_hi = 0;
  // Charge fuel per instruction block in every tier (compiled in only when set).
  bool consume_fuel = false;
  // Tiered mode: threads that compile tier-up requests in the background
  // while the interpreter runs on (kCompileThreadsAuto: from the core count,
  // tuning::default_compile_threads; 0: compile on the calling thread).
  // Jit mode: only a number set here (not kCompileThreadsAuto) starts
  // threads, which compile every function ahead of its first call.
  static constexpr uint32_t kCompileThreadsAuto = UINT32_MAX;
  uint32_t compile_threads = kCompileThreadsAuto;
  // Test hook: a background tier-up request returns only once its worker
  // finished, so tier-up happens at the same points as without threads.
  bool wait_for_background_compiles = false;
  // Measure each compile's CPU time for JitStats::compile_seconds (two
  // system calls per compiled function: the thread CPU clock has no vDSO
  // path). Off: compile_seconds stays 0. `brisk run --stats` sets it.
  bool time_compiles = false;
};

// A typed runtime value. For references, bits is a Function* (funcref) or an
// opaque host value (externref); 0 is null.
struct Value {
  ValType type = ValType::I32;
  uint64_t bits = 0;  // v128: the low 8 bytes
  uint64_t hi = 0;    // v128: the high 8 bytes

  static Value i32(int32_t v) { return {ValType::I32, uint64_t(uint32_t(v))}; }
  static Value i64(int64_t v) { return {ValType::I64, uint64_t(v)}; }
  static Value f32_bits(uint32_t b) { return {ValType::F32, b}; }
  static Value f64_bits(uint64_t b) { return {ValType::F64, b}; }
  int32_t as_i32() const { return int32_t(uint32_t(bits)); }
  int64_t as_i64() const { return int64_t(bits); }
};

// What a host callback sees of its caller.
struct HostCall {
  Store* store = nullptr;
  Instance* caller = nullptr;   // null when called directly by the embedder
  Memory* memory = nullptr;     // caller's memory 0, if any
  std::string message;          // set with trap()
  int exit_code = 0;            // set with exit()

  TrapKind trap(std::string msg) { message = std::move(msg); return TrapKind::Host; }
  TrapKind exit(int code) { exit_code = code; return TrapKind::Exit; }
};

// Arguments and results are raw 64-bit slots in the function type's order.
using HostCallback = std::function<TrapKind(HostCall&, const uint64_t* args, uint64_t* results)>;

struct Extern {
  ExternKind kind = ExternKind::Func;
  void* ptr = nullptr;  // Function*, Table*, Memory* or Global*
  Function* func() const { return static_cast<Function*>(ptr); }
  Table* table() const { return static_cast<Table*>(ptr); }
  Memory* memory() const { return static_cast<Memory*>(ptr); }
  Global* global() const { return static_cast<Global*>(ptr); }
};

// Resolves imports by (module, name): host modules and registered instances.
class Linker {
 public:
  void define(std::string module, std::string name, Extern e);
  void define_instance(const std::string& module, Instance* inst);
  std::optional<Extern> resolve(std::string_view module, std::string_view name) const;

 private:
  std::unordered_map<std::string, Extern> map_;  // key: module + '\0' + name
};

struct InstantiateResult {
  Instance* instance = nullptr;   // set even when the start function trapped
  std::optional<Error> link_error;
  std::optional<Error> resource_error;  // a store limit, or no address space for a memory
  std::optional<Trap> trap;       // segment initialisation or start function
  bool ok() const { return instance && !link_error && !trap; }
};

struct CallResult {
  std::optional<Trap> trap;
  bool ok() const { return !trap; }
};

class Engine;
class CpuControl;
class ResourceLimiter;

class Store {
 public:
  // {engine}: the epoch counter this store follows; null: a private one.
  explicit Store(EngineConfig config = {}, std::shared_ptr<Engine> engine = nullptr);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const EngineConfig& config() const { return config_; }

  Function* create_host_function(const FuncType& type, HostCallback cb, std::string name);
  // The same with an entry of its own that every tier calls directly
  // instead of host_entry (no HostCallback call per call); {entry_data}
  // (HostFunc::entry_data) must be owned by what {cb} captures. {cb} stays
  // the function's behaviour by definition: {entry} must do what it does.
  Function* create_host_function(const FuncType& type, HostCallback cb, std::string name, EntryFn entry,
                                 const void* entry_data);
  Memory* create_memory(const MemoryType& type);
  Table* create_table(const TableType& type, uint64_t init_ref = 0);
  Global* create_global(const GlobalType& type, uint64_t bits);

  InstantiateResult instantiate(std::shared_ptr<const Module> module, const Linker& linker);
  // Instantiation in two steps: resolve and type-check every import once
  // ({out} gets one Extern per import, in order), then instantiate from
  // the resolved list as often as needed. The Externs must stay alive
  // (retain them) between the two steps.
  std::optional<Error> resolve_imports(const Module& module, const Linker& linker, std::vector<Extern>& out);
  // What instantiating a module in this store needs that does not depend
  // on the new instance (an instance_pre computes it once).
  struct InstancePlan {
    std::vector<uint32_t> func_sigs;  // interned signature of each defined function
  };
  InstancePlan plan_instance(const Module& module);
  InstantiateResult instantiate(std::shared_ptr<const Module> module, const std::vector<Extern>& imports,
                                const InstancePlan* plan = nullptr);

  // Lifetimes. Instances and host functions start with one reference (their
  // creator's). release() drops one; at zero the object is destroyed: an
  // instance frees what it defines (memories and their reservations,
  // tables, globals, code) and releases what it imported; a host function
  // destroys its callback. Their Functions become shells that trap when
  // called, since funcrefs may still point at them. Destruction during a
  // call into this store is deferred until the outermost call returns.
  void retain(Instance* inst);
  void release(Instance* inst);
  void retain_host(Function* host_func);
  void release_host(Function* host_func);
  // Called just before an instance's objects are freed (the C API drops
  // its handles to them).
  std::function<void(Instance*)> on_instance_destroyed;
  // Called just before the shell of a dead function is freed (no table,
  // global or segment refers to it any more).
  std::function<void(Function*)> on_function_freed;
  // True while wasm of this store runs (a host function is on the stack).
  bool in_call() const;
  // Live instances (including deleted ones that importers keep alive).
  size_t instance_count() const;

 private:
  void flush_pending();
  void sweep_shells();

 public:

  // Calls {f} with raw argument slots; results receives one slot per result.
  // {args} and {results} are in slot layout: one uint64_t per value, two
  // (low half first) per v128 (see val_slots).
  CallResult call(Function* f, const uint64_t* args, uint64_t* results);
  CallResult call(Function* f, const std::vector<Value>& args, std::vector<Value>& results);
  // The same without copies or a CallResult (the C API's path): the
  // caller writes the arguments, in slot layout, straight into the frame
  // at exec().top after checking that
  // exec().top + max(param slots, result slots) + 1 <= exec().stack_end,
  // and finds the results there afterwards. Returns TrapKind::None, or the
  // kind of the trap, whose details (message, exit code, frames)
  // take_trap() then gives once.
  TrapKind call_in_frame(Function* f, uint64_t* fp);
  Trap take_trap();
  ExecContext& exec() { return *exec_; }

  // Interned signature ids: equal FuncTypes have equal ids across modules.
  uint32_t intern_sig(const FuncType& t);
  const FuncType& sig(uint32_t id) const { return sigs_[id]->type; }
  // What a call needs to know of a signature, computed once when interned
  // (the call path must not walk the type lists).
  struct SigShape {
    uint32_t param_slots = 0, result_slots = 0;  // slot layout: a v128 takes two
    // Every param and result is i32, i64, f32 or f64 (one slot each, no
    // references to check): the C API's fast path.
    bool plain_numbers = false;
  };
  const SigShape& sig_shape(uint32_t id) const { return sigs_[id]->shape; }

  // Asks wasm code of this store to stop with TrapKind::Interrupted at its
  // next check (loop back-edge or call), or, when none runs, the next call
  // before it starts. Sticky until a call observes it. Safe from any thread.
  void interrupt();
  // The native stack wasm calls of this store run on: [lowest, lowest+size).
  // Used at the outermost call when its stack pointer lies inside; size 0
  // (or a call outside the range) means automatic: see native_stack_limit()
  // in store.cc.
  void set_native_stack(const void* lowest, size_t size);
  // Drops a pending interrupt request (for a watchdog that disarms after
  // the call it guarded: a late request must not stop the next call).
  void clear_interrupt();
  // Limits on memories, tables and instances (limits.h).
  ResourceLimiter& limiter();
  // Epoch deadline and call timeout (cpu_control.h).
  CpuControl& cpu();
  // Fuel (config().consume_fuel stores): remaining, set, add (saturating).
  uint64_t fuel() const;
  void set_fuel(uint64_t fuel);
  void add_fuel(uint64_t delta);
  // Executable memory and statistics of the JIT tier.
  jit::CodeArena& code_arena();
  // The background compile threads of a tiered store (created on first
  // use); null when tier-up compiles on the calling thread.
  jit::CompileQueue* compile_queue();
  // Test hook: waits until no background compile is queued or running
  // (finished ones are installed at the functions' next tier-up check).
  void wait_for_compiles();
  struct Internals;
  Internals& internals() { return *internals_; }

 private:
  std::optional<Error> check_limits(const Module& m);
  EngineConfig config_;
  struct InternedSig {
    FuncType type;
    SigShape shape;
  };
  std::vector<std::unique_ptr<InternedSig>> sigs_;
  std::unordered_map<std::string, uint32_t> sig_ids_;
  // intern_sig runs on compile threads too (call_indirect); instantiation
  // interns every type of a module first, so those calls only look up.
  std::mutex sig_mu_;
  std::unique_ptr<Internals> internals_;
  ExecContext* exec_ = nullptr;  // &internals_->ctx, for exec() inline
};

}  // namespace brisk

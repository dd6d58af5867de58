// Store, Linker and instantiation: import matching by the spec's rules,
// segment initialisation, the start function, and calls from the host.
#include "runtime/store.h"

#include <cstring>

#include <pthread.h>

#include <algorithm>
#include <thread>
#include <unordered_set>

#include "interp/interp.h"
#include "jit/compile_queue.h"
#include "jit/jit_runtime.h"
#include "jit/tuning.h"
#include "runtime/cpu_control.h"
#include "runtime/fault_handler.h"
#include "runtime/limits.h"
#include "runtime/objects.h"
#include "runtime/runtime_ops.h"

namespace brisk {

struct Store::Internals {
  Internals(const EngineConfig& c, std::shared_ptr<Engine> engine)
      : ctx(c.value_stack_bytes, c.max_call_depth),
        cpu(&ctx, engine ? std::move(engine) : std::make_shared<Engine>()) {}
  ResourceLimiter limiter;  // before the memories and tables: they report their release to it
  // Host functions and shells of dead functions (see Function::dead).
  // Declared first so that they are destroyed last: instances may be
  // destroyed before the host functions they imported.
  std::vector<std::unique_ptr<Function>> funcs;
  std::vector<std::unique_ptr<Function>> shells;
  size_t sweep_at = 256;  // sweep shells when there are this many
  std::vector<std::unique_ptr<Memory>> memories;
  std::vector<std::unique_ptr<Table>> tables;
  std::vector<std::unique_ptr<Global>> globals;
  std::vector<std::unique_ptr<Instance>> instances;
  std::vector<Instance*> pending_instances;  // refs hit zero during a call
  std::vector<Function*> pending_hosts;
  ExecContext ctx;
  CpuControl cpu;
  jit::CodeArena arena;
  uintptr_t stack_lo = 0, stack_hi = 0;  // set_native_stack; empty: automatic
  // The stack of the thread that made the last outermost call, so that
  // the next call on it computes its native-stack limit without a TLS
  // look-up (see outermost_stack_limit).
  pthread_t stack_thread{};
  uintptr_t thread_lo = 0, thread_hi = 0;
  // The trap of the last call_in_frame, until take_trap() (lives here so
  // that a call that returns constructs and zeroes no Trap).
  std::optional<Trap> last_trap;
  // Last, so destroyed first: its workers read instances and the arena.
  std::unique_ptr<jit::CompileQueue> compiles;
  bool compiles_decided = false;
};

jit::CodeArena& Store::code_arena() { return internals_->arena; }

jit::CompileQueue* Store::compile_queue() {
  Internals& in = *internals_;
  if (!in.compiles_decided) {
    in.compiles_decided = true;
    uint32_t n = config_.compile_threads;
    // --mode=jit compiles ahead on threads only when they are asked for
    // (jit::jit_lazy_entry); tiered mode has them by default.
    const bool wanted = config_.mode == ExecMode::Tiered || (config_.mode == ExecMode::Jit && n != EngineConfig::kCompileThreadsAuto);
    if (n == EngineConfig::kCompileThreadsAuto) n = tuning::default_compile_threads(std::thread::hardware_concurrency());
    if (wanted && n > 0 && jit::concurrent_code_writes_supported())
      in.compiles = std::make_unique<jit::CompileQueue>(n, config_.wait_for_background_compiles);
  }
  return in.compiles.get();
}

void Store::wait_for_compiles() {
  if (internals_->compiles) internals_->compiles->drain();
}

std::string Function::display_name() const {
  if (host) return host->name;
  if (instance) return instance->module->func_display_name(index);
  return "?";
}

// ---------------------------------------------------------------- Linker

void Linker::define(std::string module, std::string name, Extern e) {
  map_[module + '\0' + name] = e;
}

void Linker::define_instance(const std::string& module, Instance* inst) {
  for (const Export& e : inst->module->exports) define(module, e.name, inst->export_extern(e));
}

std::optional<Extern> Linker::resolve(std::string_view module, std::string_view name) const {
  std::string key;
  key.reserve(module.size() + name.size() + 1);
  key.append(module).push_back('\0');
  key.append(name);
  auto it = map_.find(key);
  if (it == map_.end()) return std::nullopt;
  return it->second;
}

// ---------------------------------------------------------------- Store

Store::Store(EngineConfig config, std::shared_ptr<Engine> engine)
    : config_(config), internals_(std::make_unique<Internals>(config, std::move(engine))) {
  internals_->ctx.store = this;
  exec_ = &internals_->ctx;
  internals_->ctx.cpu = &internals_->cpu;
  if (config_.bounds == BoundsMode::Guard) install_fault_handler();
}

Store::~Store() = default;

uint32_t Store::intern_sig(const FuncType& t) {
  std::lock_guard<std::mutex> lock(sig_mu_);
  std::string key;
  key.reserve(t.params.size() + t.results.size() + 1);
  for (ValType v : t.params) key.push_back(char(v));
  key.push_back('\0');  // not a value type byte
  for (ValType v : t.results) key.push_back(char(v));
  auto [it, inserted] = sig_ids_.emplace(std::move(key), uint32_t(sigs_.size()));
  if (inserted) {
    auto is = std::make_unique<InternedSig>(InternedSig{t, {}});
    is->shape.param_slots = slot_count(t.params);
    is->shape.result_slots = slot_count(t.results);
    auto plain = [](ValType v) {
      return v == ValType::I32 || v == ValType::I64 || v == ValType::F32 || v == ValType::F64;
    };
    is->shape.plain_numbers = std::all_of(t.params.begin(), t.params.end(), plain) &&
                              std::all_of(t.results.begin(), t.results.end(), plain);
    sigs_.push_back(std::move(is));
  }
  return it->second;
}

void Store::set_native_stack(const void* lowest, size_t size) {
  internals_->stack_lo = lowest ? reinterpret_cast<uintptr_t>(lowest) : 0;
  internals_->stack_hi = lowest ? internals_->stack_lo + size : 0;
}

void Store::interrupt() { internals_->cpu.notify(kAttentionInterrupt); }
void Store::clear_interrupt() { internals_->ctx.attention_reasons.fetch_and(~kAttentionInterrupt); }
ResourceLimiter& Store::limiter() { return internals_->limiter; }
CpuControl& Store::cpu() { return internals_->cpu; }
uint64_t Store::fuel() const { return uint64_t(std::max<int64_t>(internals_->ctx.fuel, 0)); }
void Store::set_fuel(uint64_t fuel) { internals_->ctx.fuel = int64_t(std::min<uint64_t>(fuel, INT64_MAX)); }
void Store::add_fuel(uint64_t delta) {
  const uint64_t now = fuel();
  set_fuel(delta > UINT64_MAX - now ? UINT64_MAX : now + delta);
}

Function* Store::create_host_function(const FuncType& type, HostCallback cb, std::string name) {
  auto f = std::make_unique<Function>();
  f->sig_id = intern_sig(type);
  f->type = &sig(f->sig_id);
  f->host = std::make_unique<HostFunc>(HostFunc{std::move(cb), std::move(name)});
  f->entry = host_entry;
  internals_->funcs.push_back(std::move(f));
  return internals_->funcs.back().get();
}

Function* Store::create_host_function(const FuncType& type, HostCallback cb, std::string name, EntryFn entry,
                                      const void* entry_data) {
  Function* f = create_host_function(type, std::move(cb), std::move(name));
  f->host->entry_data = entry_data;
  f->entry = entry;
  return f;
}

Memory* Store::create_memory(const MemoryType& type) {
  internals_->memories.push_back(std::make_unique<Memory>(type, config_.bounds, cpu().engine().memory_pool()));
  Memory* m = internals_->memories.back().get();
  m->limiter_ = &internals_->limiter;
  internals_->limiter.memory_created(m->size_bytes());
  return m;
}

Table* Store::create_table(const TableType& type, uint64_t init_ref) {
  internals_->tables.push_back(std::make_unique<Table>(type, init_ref));
  Table* t = internals_->tables.back().get();
  t->limiter_ = &internals_->limiter;
  internals_->limiter.table_created();
  return t;
}

Global* Store::create_global(const GlobalType& type, uint64_t bits) {
  internals_->globals.push_back(std::make_unique<Global>(Global{type, bits}));
  return internals_->globals.back().get();
}

namespace {

// Limits subtyping for imports: the provided object must be at least as
// large and, when the import states a maximum, no larger at most.
bool limits_match(uint64_t actual_min, bool actual_has_max, uint64_t actual_max, const Limits& want) {
  if (actual_min < want.min) return false;
  if (want.has_max) {
    if (!actual_has_max || actual_max > want.max) return false;
  }
  return true;
}

// ---- native stack ----
// wasm -> host -> wasm recursion and JIT frames grow the native stack, so the
// outermost call computes the lowest stack pointer JIT prologues (and nested
// Store::call) accept. It must describe the stack the call actually runs on,
// which for a coroutine/fiber (makecontext, boost.context, green threads) is
// not the thread's stack.

// Below the limit stays a margin for host functions, the interpreter's own
// native frames and the fault handler (which runs on the faulting stack
// unless the host set up sigaltstack). {size} is what is left below the
// entry, not the whole stack: the top of a thread's stack may hold its TLS
// (large under ThreadSanitizer) and the host's own frames.
size_t stack_margin(size_t size) { return std::min<size_t>(size / 4, 256 * 1024); }

// A stack whose bounds brisk does not know (the call runs outside the
// thread's stack and the host passed none): assume this much below the
// entry's stack pointer is usable, of which stack_margin() stays free. Hosts
// with smaller fiber stacks, or wanting deeper JIT recursion on larger ones,
// pass the bounds with Store::set_native_stack / brisk_store_set_native_stack.
constexpr size_t kUnknownStackBudget = 64 * 1024;

struct StackRange {
  uintptr_t lo = 0, hi = 0;
  bool contains(uintptr_t p) const { return p >= lo && p < hi; }
};

StackRange thread_stack() {
  thread_local StackRange range = [] {
    StackRange r;
    pthread_attr_t attr;
    void* addr = nullptr;
    size_t size = 0;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      pthread_attr_getstack(&attr, &addr, &size);
      pthread_attr_destroy(&attr);
    }
    r.lo = reinterpret_cast<uintptr_t>(addr);
    r.hi = r.lo + size;
    return r;
  }();
  return range;
}

// The lowest stack address JIT code may use for a call entered at {sp}.
uintptr_t native_stack_limit(uintptr_t sp, StackRange host_given) {
  if (host_given.contains(sp)) return host_given.lo + stack_margin(sp - host_given.lo);
  const StackRange t = thread_stack();
  if (t.contains(sp)) return t.lo + stack_margin(sp - t.lo);
  // Unknown stack: a budget below the entry point.
  const size_t usable = kUnknownStackBudget - stack_margin(kUnknownStackBudget);
  return sp > usable ? sp - usable : 0;
}

EntryFn initial_entry(ExecMode mode) {
  if (mode == ExecMode::Interp || !jit::jit_available()) return interp_entry;
  return mode == ExecMode::Jit ? jit::jit_lazy_entry : jit::tiered_entry;
}

Error link_error(const Import& imp, const std::string& why) {
  return Error{Error::kNoOffset, why + ": " + imp.module + "." + imp.name};
}

std::string count_limit_message(const char* what, size_t have, size_t want, uint32_t limit, const char* field) {
  return "instantiation needs " + std::to_string(want) + " more " + what + " but the store has " +
         std::to_string(have) + " of its limit of " + std::to_string(limit) + " (" + field + ")";
}

uint64_t declared_max(const Limits& l) { return l.has_max ? l.max : UINT64_MAX; }

}  // namespace

// The store's limits for the instances, memories and tables {m} defines.
std::optional<Error> Store::check_limits(const Module& m) {
  const ResourceLimiter& lim = internals_->limiter;
  const ResourceLimits& L = lim.limits;
  auto fail = [](std::string msg) { return std::optional<Error>(Error{Error::kNoOffset, std::move(msg)}); };
  const size_t new_memories = m.memories.size() - m.num_imported_memories;
  const size_t new_tables = m.tables.size() - m.num_imported_tables;
  if (L.instances && internals_->instances.size() + 1 > L.instances)
    return fail(count_limit_message("instance", internals_->instances.size(), 1, L.instances, "instances"));
  if (L.memories && lim.memories_live() + new_memories > L.memories)
    return fail(count_limit_message("memories", lim.memories_live(), new_memories, L.memories, "memories"));
  if (L.tables && lim.tables_live() + new_tables > L.tables)
    return fail(count_limit_message("tables", lim.tables_live(), new_tables, L.tables, "tables"));
  uint64_t total = 0;
  for (size_t i = m.num_imported_memories; i < m.memories.size(); ++i) {
    const Limits& l = m.memories[i].limits;
    const uint64_t bytes = l.min * kPageSize;
    total += bytes;
    const uint64_t max_bytes = l.has_max ? l.max * kPageSize : UINT64_MAX;
    if (auto why = lim.admit_memory("memory " + std::to_string(i), bytes, max_bytes)) return fail(*why);
  }
  if (L.total_memory_bytes && total > L.total_memory_bytes - std::min(L.total_memory_bytes, lim.memory_in_use()))
    return fail("instantiation needs " + std::to_string(total) + " bytes of linear memory, but the store's memories "
                "already use " + std::to_string(lim.memory_in_use()) + " of its " +
                std::to_string(L.total_memory_bytes) + " bytes in total (total_memory_bytes)");
  for (size_t i = m.num_imported_tables; i < m.tables.size(); ++i)
    if (auto why = lim.admit_table("table " + std::to_string(i), m.tables[i].limits.min,
                                   declared_max(m.tables[i].limits)))
      return fail(*why);
  return std::nullopt;
}


std::optional<Error> Store::resolve_imports(const Module& m, const Linker& linker, std::vector<Extern>& out) {
  out.clear();
  out.reserve(m.imports.size());
  for (const Import& imp : m.imports) {
    std::optional<Extern> e = linker.resolve(imp.module, imp.name);
    if (!e) return link_error(imp, "unknown import");
    if (e->kind != imp.kind) return link_error(imp, "incompatible import type");
    bool match = true;
    switch (imp.kind) {
      case ExternKind::Func: match = e->func()->sig_id == intern_sig(m.types[imp.func_type]); break;
      case ExternKind::Table: {
        const Table* t = e->table();
        match = t->type().elem == imp.table.elem &&
                limits_match(t->size(), t->type().limits.has_max, t->type().limits.max, imp.table.limits);
        break;
      }
      case ExternKind::Memory: {
        const Memory* mem = e->memory();
        match = limits_match(mem->pages(), mem->type().limits.has_max, mem->type().limits.max, imp.memory.limits);
        break;
      }
      case ExternKind::Global: {
        const Global* g = e->global();
        match = g->type.type == imp.global.type && g->type.mut == imp.global.mut;
        break;
      }
    }
    if (!match) return link_error(imp, "incompatible import type");
    out.push_back(*e);
  }
  return std::nullopt;
}

InstantiateResult Store::instantiate(std::shared_ptr<const Module> module, const Linker& linker) {
  std::vector<Extern> imports;
  if (auto err = resolve_imports(*module, linker, imports)) {
    InstantiateResult res;
    res.link_error = std::move(err);
    return res;
  }
  return instantiate(std::move(module), imports);
}

namespace {
// The instance that defines an imported object (null: created by the store).
Instance* owner_of(const Extern& e) {
  switch (e.kind) {
    case ExternKind::Func: return e.func()->instance;
    case ExternKind::Table: return e.table()->owner;
    case ExternKind::Memory: return e.memory()->owner;
    case ExternKind::Global: return e.global()->owner;
  }
  return nullptr;
}
}  // namespace

Store::InstancePlan Store::plan_instance(const Module& m) {
  InstancePlan p;
  p.func_sigs.reserve(m.num_funcs() - m.num_imported_funcs);
  for (uint32_t i = m.num_imported_funcs; i < m.num_funcs(); ++i) p.func_sigs.push_back(intern_sig(m.func_type(i)));
  return p;
}

InstantiateResult Store::instantiate(std::shared_ptr<const Module> module, const std::vector<Extern>& imports,
                                     const InstancePlan* plan) {
  InstantiateResult res;
  const Module& m = *module;
  auto owned = std::make_unique<Instance>();
  Instance* inst = owned.get();
  inst->store = this;
  inst->module = module;
  // Every vector sized once (no regrowth while filling them).
  inst->funcs.reserve(m.num_funcs());
  inst->tables.reserve(m.tables.size());
  inst->memories.reserve(m.memories.size());
  inst->globals.reserve(m.globals.size());
  inst->own_funcs.reserve(m.num_funcs() - m.num_imported_funcs);
  inst->own_tables.reserve(m.tables.size() - m.num_imported_tables);
  inst->own_memories.reserve(m.memories.size() - m.num_imported_memories);
  inst->own_globals.reserve(m.globals.size() - m.num_imported_globals);
  for (const Extern& e : imports) {
    switch (e.kind) {
      case ExternKind::Func: inst->funcs.push_back(e.func()); break;
      case ExternKind::Table: inst->tables.push_back(e.table()); break;
      case ExternKind::Memory: inst->memories.push_back(e.memory()); break;
      case ExternKind::Global: inst->globals.push_back(e.global()); break;
    }
  }

  if (auto e = check_limits(m)) {
    res.resource_error = std::move(e);
    return res;
  }

  // Every type now, so that compile threads interning a call_indirect
  // signature never add one (see sig_mu_).
  for (const FuncType& t : m.types) intern_sig(t);
  // Defined functions, tables, memories, globals.
  for (uint32_t i = m.num_imported_funcs; i < m.num_funcs(); ++i) {
    auto f = std::make_unique<Function>();
    f->sig_id = plan ? plan->func_sigs[i - m.num_imported_funcs] : intern_sig(m.func_type(i));
    f->type = &sig(f->sig_id);
    f->instance = inst;
    f->index = i;
    f->entry = initial_entry(config_.mode);
    f->budget = config_.mode == ExecMode::Tiered ? int32_t(std::min<uint32_t>(config_.tier_up_threshold, INT32_MAX))
                                                 : tuning::kBackedgeCheckPeriod;
    inst->funcs.push_back(f.get());
    inst->own_funcs.push_back(std::move(f));
  }
  inst->interp_code.resize(m.bodies.size());
  for (size_t i = m.num_imported_tables; i < m.tables.size(); ++i) {
    // A valid module may ask for up to 2^32-1 elements; beyond the growth
    // limit instantiation fails instead of the allocation killing the host.
    if (m.tables[i].limits.min > kMaxTableSize) {
      res.resource_error = Error{Error::kNoOffset, "cannot allocate table " + std::to_string(i) + ": " +
                                                       std::to_string(m.tables[i].limits.min) +
                                                       " elements exceed the limit of " +
                                                       std::to_string(kMaxTableSize)};
      return res;
    }
    inst->own_tables.push_back(std::make_unique<Table>(m.tables[i], 0));
    Table* t = inst->own_tables.back().get();
    t->owner = inst;
    t->limiter_ = &internals_->limiter;
    internals_->limiter.table_created();
    inst->tables.push_back(t);
  }
  for (size_t i = m.num_imported_memories; i < m.memories.size(); ++i) {
    inst->own_memories.push_back(std::make_unique<Memory>(m.memories[i], config_.bounds, cpu().engine().memory_pool()));
    Memory* mem = inst->own_memories.back().get();
    if (!mem->valid()) {
      res.resource_error = Error{Error::kNoOffset, "cannot allocate linear memory " + std::to_string(i) + " of " +
                                                       std::to_string(m.memories[i].limits.min) +
                                                       " pages: out of address space or memory"};
      return res;
    }
    mem->owner = inst;
    mem->limiter_ = &internals_->limiter;
    internals_->limiter.memory_created(mem->size_bytes());
    inst->memories.push_back(mem);
  }
  for (size_t i = m.num_imported_globals; i < m.globals.size(); ++i) {
    inst->own_globals.push_back(std::make_unique<Global>(Global{m.globals[i].type, eval_const(*inst, m.globals[i].init), inst}));
    inst->own_globals.back()->hi = eval_const_hi(*inst, m.globals[i].init);
    inst->globals.push_back(inst->own_globals.back().get());
  }

  inst->elem_values.resize(m.elems.size());
  for (size_t i = 0; i < m.elems.size(); ++i) {
    auto& vals = inst->elem_values[i];
    vals.reserve(m.elems[i].items.size());
    for (const ConstExpr& item : m.elems[i].items) vals.push_back(eval_const(*inst, item));
  }
  inst->dropped_datas.assign(m.datas.size(), 0);

  // From here on the instance exists: hold what it imported.
  for (const Extern& e : imports) {
    if (e.kind == ExternKind::Func && e.func()->host) {
      if (e.func()->dead) continue;
      if (std::find(inst->host_deps.begin(), inst->host_deps.end(), e.func()) == inst->host_deps.end()) {
        inst->host_deps.push_back(e.func());
        retain_host(e.func());
      }
    } else if (Instance* dep = owner_of(e); dep && dep != inst) {
      if (std::find(inst->deps.begin(), inst->deps.end(), dep) == inst->deps.end()) {
        inst->deps.push_back(dep);
        retain(dep);
      }
    }
  }
  internals_->instances.push_back(std::move(owned));
  res.instance = inst;

  // Active segments, in order; a failing one traps after earlier ones applied.
  for (size_t i = 0; i < m.elems.size(); ++i) {
    const ElemSegment& seg = m.elems[i];
    if (seg.mode == SegmentMode::Active) {
      uint64_t off = uint32_t(eval_const(*inst, seg.offset));
      Table* t = inst->tables[seg.table];
      const auto& vals = inst->elem_values[i];
      if (off > t->size() || vals.size() > t->size() - off) {
        res.trap = Trap{TrapKind::TableOutOfBounds, trap_message(TrapKind::TableOutOfBounds), 0, {}};
        return res;
      }
      std::copy(vals.begin(), vals.end(), t->elems_.begin() + off);
    }
    if (seg.mode != SegmentMode::Passive) inst->elem_values[i].clear();
  }
  for (size_t i = 0; i < m.datas.size(); ++i) {
    const DataSegment& seg = m.datas[i];
    if (seg.mode != SegmentMode::Active) continue;
    uint64_t off = uint32_t(eval_const(*inst, seg.offset));
    Memory* mem = inst->memories[seg.memory];
    if (!mem->in_bounds(off, seg.size)) {
      res.trap = Trap{TrapKind::MemoryOutOfBounds, trap_message(TrapKind::MemoryOutOfBounds), 0, {}};
      return res;
    }
    if (seg.size) std::memcpy(mem->data() + off, m.bytes.data() + seg.data_offset, seg.size);
    inst->dropped_datas[i] = 1;
  }

  if (m.start) {
    CallResult r = call(inst->funcs[*m.start], nullptr, nullptr);
    if (r.trap) res.trap = std::move(r.trap);
  }
  return res;
}

// ---------------------------------------------------------------- lifetimes

namespace {
// A dead function becomes a host function that traps with a message that
// says why (a funcref outlived its instance or host function). Every tier
// calls host functions through their entry, so no tier needs a check.
void make_shell(Function* f) {
  f->dead = true;
  f->host = std::make_unique<HostFunc>(HostFunc{
      [](HostCall& hc, const uint64_t*, uint64_t*) {
        return hc.trap("call to a function whose instance or host function was deleted");
      },
      "(deleted function)", 0});
  f->entry = host_entry;
  f->instance = nullptr;
  f->interp = nullptr;
  f->jit_code = nullptr;
  f->fast_entry = nullptr;  // pointed into code that is freed now
  f->osr_entries.clear();
  f->osr_entries.shrink_to_fit();
  f->budget = INT32_MAX;
}
}  // namespace

bool Store::in_call() const { return internals_->ctx.depth > 0; }
size_t Store::instance_count() const { return internals_->instances.size(); }

void Store::retain(Instance* inst) { ++inst->refs; }

void Store::retain_host(Function* f) {
  if (f->host && !f->dead) ++f->host->refs;
}

void Store::release(Instance* inst) {
  if (!inst || inst->refs == 0 || --inst->refs > 0) return;
  if (in_call()) {
    internals_->pending_instances.push_back(inst);
    return;
  }
  if (on_instance_destroyed) on_instance_destroyed(inst);
  auto& all = internals_->instances;
  auto it = std::find_if(all.begin(), all.end(), [inst](const auto& p) { return p.get() == inst; });
  if (it == all.end()) return;
  std::unique_ptr<Instance> owned = std::move(*it);
  *it = std::move(all.back());
  all.pop_back();
  if (internals_->compiles) internals_->compiles->cancel(inst);
  for (auto& f : inst->own_funcs) {
    // Its code goes back to the arena: the instance owns the code of its
    // functions (no other instance's code jumps into it: cross-instance
    // calls go through Function::entry, which the shell replaces).
    internals_->arena.release(f->jit_code);
    make_shell(f.get());
    internals_->shells.push_back(std::move(f));
  }
  std::vector<Instance*> deps = std::move(inst->deps);
  std::vector<Function*> hosts = std::move(inst->host_deps);
  owned.reset();  // frees memories (and their reservations), tables, globals, code
  for (Instance* d : deps) release(d);
  for (Function* h : hosts) release_host(h);
  if (internals_->shells.size() >= internals_->sweep_at) sweep_shells();
}

// Frees the shells no funcref can reach any more. Funcrefs live only in
// tables, globals and element segments (releases are deferred while wasm
// runs, so no frame holds one); the C API holds handles, not shells, and
// is told through on_function_freed.
void Store::sweep_shells() {
  auto& in = *internals_;
  std::unordered_set<const Function*> reachable;
  auto mark_table = [&](const Table& t) {
    if (t.type().elem != ValType::FuncRef) return;
    for (uint64_t v : t.elems_)
      if (v) reachable.insert(reinterpret_cast<const Function*>(v));
  };
  auto mark_global = [&](const Global& g) {
    if (g.type.type == ValType::FuncRef && g.bits) reachable.insert(reinterpret_cast<const Function*>(g.bits));
  };
  for (const auto& t : in.tables) mark_table(*t);
  for (const auto& g : in.globals) mark_global(*g);
  for (const auto& inst : in.instances) {
    for (const auto& t : inst->own_tables) mark_table(*t);
    for (const auto& g : inst->own_globals) mark_global(*g);
    for (size_t i = 0; i < inst->elem_values.size(); ++i)
      if (inst->module->elems[i].type == ValType::FuncRef)
        for (uint64_t v : inst->elem_values[i])
          if (v) reachable.insert(reinterpret_cast<const Function*>(v));
  }
  auto& shells = in.shells;
  size_t kept = 0;
  for (auto& f : shells) {
    if (reachable.count(f.get())) {
      shells[kept++] = std::move(f);
      continue;
    }
    if (on_function_freed) on_function_freed(f.get());
    f.reset();
  }
  shells.resize(kept);
  in.sweep_at = std::max<size_t>(256, 2 * kept);
}

void Store::release_host(Function* f) {
  if (!f || !f->host || f->dead || f->host->refs == 0 || --f->host->refs > 0) return;
  if (in_call()) {
    internals_->pending_hosts.push_back(f);
    return;
  }
  std::unique_ptr<HostFunc> h = std::move(f->host);
  make_shell(f);
  auto& funcs = internals_->funcs;
  for (auto& p : funcs)
    if (p.get() == f) {
      internals_->shells.push_back(std::move(p));
      p = std::move(funcs.back());
      funcs.pop_back();
      break;
    }
  h.reset();  // destroys the callback and what it captured (C API: runs the finalizer)
}

void Store::flush_pending() {
  auto& in = *internals_;
  while (!in.pending_instances.empty() || !in.pending_hosts.empty()) {
    std::vector<Instance*> insts = std::move(in.pending_instances);
    std::vector<Function*> hosts = std::move(in.pending_hosts);
    in.pending_instances.clear();
    in.pending_hosts.clear();
    // refs are already zero: give each one back so release() destroys it.
    for (Instance* i : insts) {
      i->refs = 1;
      release(i);
    }
    for (Function* f : hosts) {
      if (f->dead) continue;
      f->host->refs = 1;
      release_host(f);
    }
  }
}

namespace {
// The lowest stack pointer JIT code may use for an outermost call entered
// at {sp}: native_stack_limit() without its TLS look-up when the call runs
// on the stack of the thread that made the last one (the common case).
// Host-given bounds win over it (set_native_stack), and a call outside the
// thread's stack (a fiber) takes the full computation.
uintptr_t outermost_stack_limit(Store::Internals& in, uintptr_t sp) {
  if (sp >= in.stack_lo && sp < in.stack_hi) return in.stack_lo + stack_margin(sp - in.stack_lo);
  const pthread_t self = pthread_self();
  // A range of a thread that has exited may since hold another thread's
  // stack: the thread must match too.
  if (sp >= in.thread_lo && sp < in.thread_hi && pthread_equal(self, in.stack_thread))
    return in.thread_lo + stack_margin(sp - in.thread_lo);
  const StackRange t = thread_stack();
  if (t.contains(sp)) {
    in.stack_thread = self;
    in.thread_lo = t.lo;
    in.thread_hi = t.hi;
  }
  return native_stack_limit(sp, StackRange{in.stack_lo, in.stack_hi});
}
}  // namespace

TrapKind Store::call_in_frame(Function* f, uint64_t* fp) {
  Internals& in = *internals_;
  ExecContext& ctx = in.ctx;
  CpuControl& cpu = in.cpu;
  if (cpu.in_callback()) [[unlikely]] {
    in.last_trap.emplace(Trap{TrapKind::Host, "a CPU-control callback may not call into wasm", 0, {}});
    return TrapKind::Host;
  }
  const bool outermost = ctx.depth == 0;
  const uintptr_t sp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  if (outermost) {
    cpu.call_started();
    const uintptr_t limit = outermost_stack_limit(in, sp);
    // Usually the same as for the last call (same thread, same stack): then
    // jit_entry_limit is already right, or UINTPTR_MAX with the attention
    // flag set, which the slow path resynchronises (check_attention). Only
    // a change needs the (sequentially consistent) update.
    if (limit != ctx.native_stack_limit) [[unlikely]] {
      ctx.native_stack_limit = limit;
      sync_jit_entry_limit(&ctx);
    }
  }
  TrapKind k = TrapKind::None;
  // A pending interrupt (sticky until observed) or a passed deadline stops
  // the call before it starts, even when its code has no check site.
  if (ctx.interrupt.load(std::memory_order_relaxed)) [[unlikely]]
    k = check_attention(&ctx);
  // wasm -> host -> wasm recursion nests on the native stack: trap before it
  // overflows (JIT prologues check the same limit). No value-stack room is
  // the same trap (fp is null; see call()).
  if (k == TrapKind::None && (!fp || sp < ctx.native_stack_limit)) [[unlikely]]
    k = TrapKind::StackExhausted;
  if (k != TrapKind::None) [[unlikely]] {
    in.last_trap.emplace(Trap{k, trap_message(k), 0, {}});
  } else {
    // The trap, if any, is built in place.
    k = exec_call(ctx, f, fp, &in.last_trap);
  }
  if (ctx.fuel < 0) [[unlikely]] ctx.fuel = 0;  // an out-of-fuel charge overshot
  if (outermost) {
    cpu.call_finished();
    if (!in.pending_instances.empty() || !in.pending_hosts.empty()) [[unlikely]] {
      // Destroying them runs embedder code (finalizers), which may call
      // into this store and so reuse the frame: keep the results.
      const size_t n = sig_shape(f->sig_id).result_slots;
      std::vector<uint64_t> keep(fp, fp + (fp && k == TrapKind::None ? n : 0));
      flush_pending();
      std::copy(keep.begin(), keep.end(), fp);
    }
  }
  return k;
}

Trap Store::take_trap() {
  std::optional<Trap>& t = internals_->last_trap;
  Trap out = t ? std::move(*t) : Trap{TrapKind::Host, "internal error: no trap recorded", 0, {}};
  t.reset();
  return out;
}

CallResult Store::call(Function* f, const uint64_t* args, uint64_t* results) {
  CallResult res;
  const FuncType& ft = *f->type;
  ExecContext& ctx = internals_->ctx;
  uint64_t* fp = ctx.top;
  const SigShape& shape = sig_shape(f->sig_id);
  const size_t slots = std::max<size_t>(shape.param_slots, shape.result_slots);
  if (fp + slots + 1 > ctx.stack_end) {
    fp = nullptr;  // call_in_frame traps after its attention check
  } else {
    for (size_t i = 0; i < shape.param_slots; ++i) fp[i] = args[i];
  }
  if (call_in_frame(f, fp) != TrapKind::None) {
    res.trap = take_trap();
    return res;
  }
  size_t slot = 0;
  for (ValType t : ft.results) {
    uint64_t v = fp[slot];
    if (t == ValType::I32 || t == ValType::F32) v = uint32_t(v);
    results[slot++] = v;
    if (t == ValType::V128) results[slot] = fp[slot], ++slot;
  }
  return res;
}

CallResult Store::call(Function* f, const std::vector<Value>& args, std::vector<Value>& results) {
  const FuncType& ft = *f->type;
  std::vector<uint64_t> a(slot_count(ft.params)), r(slot_count(ft.results) + 1);
  size_t slot = 0;
  for (size_t i = 0; i < ft.params.size() && i < args.size(); ++i) {
    uint64_t v = args[i].bits;
    if (ft.params[i] == ValType::I32 || ft.params[i] == ValType::F32) v = uint32_t(v);
    a[slot++] = v;
    if (ft.params[i] == ValType::V128) a[slot++] = args[i].hi;
  }
  CallResult res = call(f, a.data(), r.data());
  results.clear();
  if (res.ok()) {
    slot = 0;
    for (ValType t : ft.results) {
      Value v{t, r[slot++]};
      if (t == ValType::V128) v.hi = r[slot++];
      results.push_back(v);
    }
  }
  return res;
}

}  // namespace brisk

// Linkers and host functions: defining imports (host functions, single
// exports, whole instances), both host-function flavours, and the caller
// context a brisk_host_func_t receives.
#include <algorithm>

#include "api/handles.h"
#include "interp/interp.h"

using namespace brisk;
using namespace brisk_api;

void brisk_holds::hold(Store& s, const Extern& e) {
  if (e.kind == ExternKind::Func && e.func()->host) {
    s.retain_host(e.func());
    hosts.push_back(e.func());
    return;
  }
  Instance* owner = nullptr;
  switch (e.kind) {
    case ExternKind::Func: owner = e.func()->instance; break;
    case ExternKind::Table: owner = e.table()->owner; break;
    case ExternKind::Memory: owner = e.memory()->owner; break;
    case ExternKind::Global: owner = e.global()->owner; break;
  }
  if (!owner) return;  // store-created: lives as long as the store
  s.retain(owner);
  instances.push_back(owner);
}

void brisk_holds::release_all(Store& s) {
  for (Instance* i : instances) s.release(i);
  for (Function* f : hosts) s.release_host(f);
  instances.clear();
  hosts.clear();
}

namespace {

bool has_refs(const FuncType& ft) {
  for (ValType t : ft.params)
    if (is_ref_type(t)) return true;
  for (ValType t : ft.results)
    if (is_ref_type(t)) return true;
  return false;
}

// The embedder's state of a brisk_host_func_t. Destroyed with the runtime's
// host function (its last holder gone, or the store deleted): that is when
// the finalizer runs.
struct HostEnv {
  brisk_store* store;
  brisk_host_func_t fn;
  void* data;
  brisk_finalizer_t finalizer;
  FuncType type;
  uint32_t frame_end;  // max(param slots, result slots)
  HostEnv(brisk_store* s, brisk_host_func_t f, void* d, brisk_finalizer_t fin, FuncType t)
      : store(s), fn(f), data(d), finalizer(fin), type(std::move(t)),
        frame_end(uint32_t(std::max(slot_count(type.params), slot_count(type.results)))) {}
  ~HostEnv() {
    if (finalizer) finalizer(data);
  }
  HostEnv(const HostEnv&) = delete;
  HostEnv& operator=(const HostEnv&) = delete;
};

TrapKind run_host(HostEnv& env, HostCall& hc, const uint64_t* a, uint64_t* r) {
  const FuncType& ft = env.type;
  const size_t np = ft.params.size(), nr = ft.results.size();
  constexpr size_t kInline = 16;
  brisk_val_t abuf[kInline], rbuf[kInline];
  std::vector<brisk_val_t> abig, rbig;
  brisk_val_t* av = np > kInline ? (abig.resize(np), abig.data()) : abuf;
  brisk_val_t* rv = nr > kInline ? (rbig.resize(nr), rbig.data()) : rbuf;
  for (size_t i = 0, slot = 0; i < np; slot += val_slots(ft.params[i]), ++i)
    av[i] = slot_to_val_at(env.store, ft.params[i], &a[slot]);
  for (size_t i = 0; i < nr; ++i) {
    rv[i].type = brisk_valtype_t(ft.results[i]);
    rv[i].of.i64 = 0;
  }
  brisk_caller caller{&hc, env.store};
  const char* msg = env.fn(&caller, env.data, av, np, rv, nr);
  if (caller.exit_requested) return hc.exit(caller.exit_code);
  if (msg) return hc.trap(msg);
  for (size_t i = 0, slot = 0; i < nr; slot += val_slots(ft.results[i]), ++i) {
    const char* why = nullptr;
    if (!val_to_slot(env.store, rv[i], ft.results[i], &r[slot], &why))
      return hc.trap("host function result " + std::to_string(i) + " " + why);
  }
  return TrapKind::None;
}

// The raw flavour with references in its type: funcref slots cross as
// handles both ways, and references it returns are checked.
TrapKind run_raw_with_refs(brisk_store* s, const FuncType& ft, brisk_host_fn fn, void* env, HostCall& hc,
                           const uint64_t* a, uint64_t* r) {
  std::vector<uint64_t> args(a, a + slot_count(ft.params));  // a v128 takes two slots
  for (size_t i = 0, slot = 0; i < ft.params.size(); slot += val_slots(ft.params[i]), ++i)
    if (ft.params[i] == ValType::FuncRef) args[slot] = slot_to_val(s, ValType::FuncRef, args[slot]).of.ref;
  const char* msg = nullptr;
  if (fn(env, args.data(), r, &msg) != 0) return hc.trap(msg ? msg : "host function trapped");
  for (size_t i = 0, slot = 0; i < ft.results.size(); slot += val_slots(ft.results[i]), ++i) {
    if (!is_ref_type(ft.results[i])) continue;
    brisk_val_t v;
    v.type = brisk_valtype_t(ft.results[i]);
    v.of.ref = r[slot];
    const char* why = nullptr;
    if (!val_to_slot(s, v, ft.results[i], &r[slot], &why))
      return hc.trap("host function result " + std::to_string(i) + " " + why);
  }
  return TrapKind::None;
}

bool live_caller(const brisk_caller* c) { return c && c->call && c->store; }

// ---- the direct entries (Store::create_host_function with an EntryFn)
// The common host functions, numbers only and at most kDirectMax of them
// each way, are entered straight from wasm code of every tier (Function::
// entry) without a HostCallback, HostCall or any allocation per call; the
// callback each is created with does the same the slow way (host_entry).

constexpr size_t kDirectMax = 16;

bool direct_shape(const FuncType& ft) {
  auto number = [](ValType t) {
    return t == ValType::I32 || t == ValType::I64 || t == ValType::F32 || t == ValType::F64;
  };
  return ft.params.size() <= kDirectMax && ft.results.size() <= kDirectMax &&
         std::all_of(ft.params.begin(), ft.params.end(), number) &&
         std::all_of(ft.results.begin(), ft.results.end(), number);
}

struct RawHost {
  brisk_host_fn fn;
  void* env;
  uint32_t params;      // = slots (numbers only)
  uint32_t frame_end;   // max(params, results)
};

// The raw flavour: the callback reads the arguments from a copy (results
// are written into the frame, which the arguments occupy).
[[gnu::cold, gnu::noinline]] uint32_t raw_host_trapped(ExecContext* ctx, const char* msg) {
  return host_trap(ctx, TrapKind::Host, msg ? msg : "host function trapped");
}
uint32_t raw_host_entry(ExecContext* ctx, uint64_t* fp, Function* self) {
  const RawHost& h = *static_cast<const RawHost*>(self->host->entry_data);
  uint64_t args[kDirectMax];
  switch (h.params) {  // the few-argument cases without a call to memcpy
    case 2: args[1] = fp[1]; [[fallthrough]];
    case 1: args[0] = fp[0]; [[fallthrough]];
    case 0: break;
    default: std::memcpy(args, fp, h.params * 8); break;
  }
  const char* msg = nullptr;
  int rc;
  {
    HostFrameScope frame(ctx, fp + h.frame_end);
    rc = h.fn(h.env, args, fp, &msg);
  }
  if (rc != 0) [[unlikely]]
    return raw_host_trapped(ctx, msg);
  return 0;
}

[[gnu::cold, gnu::noinline]] uint32_t wrong_result_type(ExecContext* ctx, size_t i) {
  return host_trap(ctx, TrapKind::Host, "host function result " + std::to_string(i) + " has the wrong type");
}

// The caller-context flavour (brisk_func_new), as run_host does it.
uint32_t caller_host_entry(ExecContext* ctx, uint64_t* fp, Function* self) {
  const HostEnv& env = *static_cast<const HostEnv*>(self->host->entry_data);
  const ValType* pt = env.type.params.data();
  const ValType* rt = env.type.results.data();
  const size_t np = env.type.params.size(), nr = env.type.results.size();
  brisk_val_t av[kDirectMax], rv[kDirectMax];
  for (size_t i = 0; i < np; ++i) {
    const ValType t = pt[i];
    const uint64_t bits = t == ValType::I32 || t == ValType::F32 ? uint32_t(fp[i]) : fp[i];
    av[i].type = brisk_valtype_t(t);
    std::memcpy(&av[i].of, &bits, 8);
  }
  for (size_t i = 0; i < nr; ++i) {
    rv[i].type = brisk_valtype_t(rt[i]);
    rv[i].of.i64 = 0;
  }
  HostCall hc;
  hc.store = ctx->store;
  hc.caller = ctx->cur_func ? ctx->cur_func->instance : nullptr;
  hc.memory = hc.caller && !hc.caller->memories.empty() ? hc.caller->memories[0] : nullptr;
  brisk_caller caller{&hc, env.store};
  const char* msg;
  {
    HostFrameScope frame(ctx, fp + env.frame_end);
    msg = env.fn(&caller, env.data, av, np, rv, nr);
  }
  if (caller.exit_requested) [[unlikely]]
    return host_trap(ctx, TrapKind::Exit, std::string(), caller.exit_code);
  if (msg) [[unlikely]]
    return host_trap(ctx, TrapKind::Host, msg);
  for (size_t i = 0; i < nr; ++i) {
    const ValType t = rt[i];
    if (raw_enum(rv[i].type) != int(t)) [[unlikely]]
      return wrong_result_type(ctx, i);
    uint64_t bits;
    std::memcpy(&bits, &rv[i].of, 8);
    fp[i] = t == ValType::I32 || t == ValType::F32 ? uint32_t(bits) : bits;
  }
  return 0;
}

}  // namespace

extern "C" {

brisk_linker_t* brisk_linker_new(brisk_store_t* s) {
  if (!s) return nullptr;
  return add_handle(s, std::make_unique<brisk_linker>(s));
}

void brisk_linker_delete(brisk_linker_t* handle) {
  brisk_linker* l = live_handle(handle, HandleKind::Linker);
  if (!l) return;
  retire_handle(l->store, l);
  l->linker = Linker{};
  l->holds.release_all(l->store->store);
}

brisk_result_t brisk_linker_define_func(brisk_linker_t* l, const char* module, const char* name,
                                        const brisk_valtype_t* params, size_t num_params,
                                        const brisk_valtype_t* results, size_t num_results, brisk_host_fn fn,
                                        void* env) {
  if (!(l = live_handle(l, HandleKind::Linker)) || !module || !name || !fn) return null_arg();
  brisk_store* s = l->store;
  bool ok_types;
  FuncType ft = functype_from(params, num_params, results, num_results, &ok_types);
  if (!ok_types) return bad_arg(s, "invalid parameter or result types");
  HostCallback cb;
  std::string fname = std::string(module) + "." + name;
  Function* f;
  if (direct_shape(ft)) {
    const uint32_t np = uint32_t(ft.params.size()), nr = uint32_t(ft.results.size());
    auto raw = std::make_shared<const RawHost>(RawHost{fn, env, np, std::max(np, nr)});
    cb = [raw](HostCall& call, const uint64_t* args, uint64_t* res) {
      const char* msg = nullptr;
      if (raw->fn(raw->env, args, res, &msg) != 0) return call.trap(msg ? msg : "host function trapped");
      return TrapKind::None;
    };
    f = s->store.create_host_function(ft, std::move(cb), std::move(fname), raw_host_entry, raw.get());
  } else if (!has_refs(ft)) {
    cb = [fn, env](HostCall& call, const uint64_t* args, uint64_t* res) {
      const char* msg = nullptr;
      if (fn(env, args, res, &msg) != 0) return call.trap(msg ? msg : "host function trapped");
      return TrapKind::None;
    };
    f = s->store.create_host_function(ft, std::move(cb), std::move(fname));
  } else {
    cb = [s, ft, fn, env](HostCall& call, const uint64_t* args, uint64_t* res) {
      return run_raw_with_refs(s, ft, fn, env, call, args, res);
    };
    f = s->store.create_host_function(ft, std::move(cb), std::move(fname));
  }
  l->linker.define(module, name, Extern{ExternKind::Func, f});
  l->holds.hosts.push_back(f);  // the function's one reference is the linker's
  return ok();
}

brisk_result_t brisk_func_new(brisk_store_t* s, const brisk_valtype_t* params, size_t num_params,
                              const brisk_valtype_t* results, size_t num_results, brisk_host_func_t fn, void* data,
                              brisk_finalizer_t finalizer, brisk_func_t** out) {
  if (out) *out = nullptr;
  if (!s || !fn || !out) return null_arg();
  bool ok_types;
  FuncType ft = functype_from(params, num_params, results, num_results, &ok_types);
  if (!ok_types) return bad_arg(s, "invalid parameter or result types");
  auto env = std::make_shared<HostEnv>(s, fn, data, finalizer, ft);
  HostCallback cb = [env](HostCall& hc, const uint64_t* a, uint64_t* r) { return run_host(*env, hc, a, r); };
  Function* f = direct_shape(ft) ? s->store.create_host_function(ft, std::move(cb), "host", caller_host_entry, env.get())
                                 : s->store.create_host_function(ft, std::move(cb), "host");
  brisk_func* h = func_handle(s, f);
  if (!h) {
    s->store.release_host(f);
    return fail(s, BRISK_ERR_RESOURCE, "out of memory for a function handle");
  }
  slot_of(h)->owns_ref = true;
  *out = h;
  return ok();
}

brisk_result_t brisk_func_delete(brisk_store_t* s, brisk_func_t* handle) {
  if (!s || !handle) return null_arg();
  brisk_func* f = slot_of(handle);
  auto it = s->issued.find(f);
  if (it == s->issued.end() || it->second != HandleKind::Func || f->generation != generation_of(handle))
    return bad_arg(s, "not a function handle of this store");
  if (!f->owns_ref) return bad_arg(s, "not a host function made by brisk_func_new, or already deleted");
  f->owns_ref = false;
  s->store.release_host(f->func);
  return ok();
}

brisk_result_t brisk_linker_define(brisk_linker_t* l, const char* module, const char* name,
                                   const brisk_extern_t* item) {
  if (!(l = live_handle(l, HandleKind::Linker)) || !module || !name || !item) return null_arg();
  Extern e;
  if (!extern_object(l->store, *item, &e))
    return bad_arg(l->store, std::string("cannot define ") + module + "." + name +
                                 ": not a live object of this linker's store");
  l->holds.hold(l->store->store, e);
  l->linker.define(module, name, e);
  return ok();
}

brisk_result_t brisk_linker_define_instance(brisk_linker_t* l, const char* name, brisk_instance_t* inst) {
  if (!(l = live_handle(l, HandleKind::Linker)) || !name || !inst) return null_arg();
  if (!(inst = check_handle(l->store, inst, HandleKind::Instance)))
    return bad_arg(l->store, std::string("cannot define instance ") + name +
                                 ": not a live instance of this linker's store");
  l->store->store.retain(inst->instance);
  l->holds.instances.push_back(inst->instance);
  l->linker.define_instance(name, inst->instance);
  return ok();
}

brisk_store_t* brisk_caller_store(brisk_caller_t* c) { return live_caller(c) ? c->store : nullptr; }

void* brisk_caller_store_data(brisk_caller_t* c) { return live_caller(c) ? c->store->data : nullptr; }

int brisk_caller_export_get(brisk_caller_t* c, const char* name, brisk_extern_t* out) {
  if (!live_caller(c) || !c->call->caller || !name || !out) return 0;
  auto e = c->call->caller->get_export(name);
  if (!e) return 0;
  *out = extern_handle(c->store, *e);
  return 1;
}

static bool caller_export(brisk_caller_t* c, const char* name, brisk_extern_kind_t kind, brisk_extern_t* x) {
  return brisk_caller_export_get(c, name, x) && x->kind == kind;
}

brisk_func_t* brisk_caller_func(brisk_caller_t* c, const char* name) {
  brisk_extern_t x;
  return caller_export(c, name, BRISK_EXTERN_FUNC, &x) ? x.of.func : nullptr;
}
brisk_memory_t* brisk_caller_memory_named(brisk_caller_t* c, const char* name) {
  brisk_extern_t x;
  return caller_export(c, name, BRISK_EXTERN_MEMORY, &x) ? x.of.memory : nullptr;
}
brisk_table_t* brisk_caller_table(brisk_caller_t* c, const char* name) {
  brisk_extern_t x;
  return caller_export(c, name, BRISK_EXTERN_TABLE, &x) ? x.of.table : nullptr;
}
brisk_global_t* brisk_caller_global(brisk_caller_t* c, const char* name) {
  brisk_extern_t x;
  return caller_export(c, name, BRISK_EXTERN_GLOBAL, &x) ? x.of.global : nullptr;
}

uint8_t* brisk_caller_memory(brisk_caller_t* c, size_t* size) {
  if (size) *size = 0;
  if (!live_caller(c) || !c->call->memory) return nullptr;
  if (size) *size = size_t(c->call->memory->size_bytes());
  return c->call->memory->data();
}

const char* brisk_caller_exit(brisk_caller_t* c, int code) {
  if (!live_caller(c)) return "brisk_caller_exit: no caller";
  c->exit_requested = true;
  c->exit_code = code;
  return "exit";
}

}  // extern "C"

// The C API (include/brisk/brisk.h) over the C++ runtime. Handles are thin
// wrappers; the store owns every wrapper it hands out.
#include "brisk/brisk.h"

#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "api/handles.h"
#include "core/module_decoder.h"

using namespace brisk;
using namespace brisk_api;

namespace {

bool valid_type(brisk_valtype_t t) {
  return t == BRISK_I32 || t == BRISK_I64 || t == BRISK_F32 || t == BRISK_F64 || t == BRISK_FUNCREF ||
         t == BRISK_EXTERNREF;
}
uint64_t to_bits(const brisk_val_t& v) {
  uint64_t b = 0;
  switch (v.type) {
    case BRISK_I32: return uint32_t(v.of.i32);
    case BRISK_I64: return uint64_t(v.of.i64);
    case BRISK_F32: std::memcpy(&b, &v.of.f32, 4); return b;
    case BRISK_F64: std::memcpy(&b, &v.of.f64, 8); return b;
    default: return v.of.ref;
  }
}
brisk_val_t from_bits(ValType t, uint64_t b) {
  brisk_val_t v;
  v.type = brisk_valtype_t(t);
  switch (t) {
    case ValType::I32: v.of.i32 = int32_t(uint32_t(b)); break;
    case ValType::I64: v.of.i64 = int64_t(b); break;
    case ValType::F32: {
      uint32_t x = uint32_t(b);
      std::memcpy(&v.of.f32, &x, 4);
      break;
    }
    case ValType::F64: std::memcpy(&v.of.f64, &b, 8); break;
    default: v.of.ref = b; break;
  }
  return v;
}

}  // namespace

extern "C" {

void brisk_config_default(brisk_config_t* c) {
  if (!c) return;
  c->mode = BRISK_MODE_INTERP;
  c->explicit_bounds_checks = 0;
  c->max_call_depth = 0;
  c->tier_up_threshold = 0;
  c->consume_fuel = 0;
}

brisk_store_t* brisk_store_new(const brisk_config_t* config) {
  EngineConfig cfg;
  if (config) {
    cfg.mode = config->mode == BRISK_MODE_JIT ? ExecMode::Jit
             : config->mode == BRISK_MODE_TIERED ? ExecMode::Tiered : ExecMode::Interp;
    cfg.bounds = config->explicit_bounds_checks ? BoundsMode::Explicit : BoundsMode::Guard;
    if (config->max_call_depth) cfg.max_call_depth = config->max_call_depth;
    if (config->tier_up_threshold) cfg.tier_up_threshold = config->tier_up_threshold;
    cfg.consume_fuel = config->consume_fuel != 0;
  }
  return new (std::nothrow) brisk_store(cfg);
}

void brisk_store_delete(brisk_store_t* store) { delete store; }

void brisk_store_interrupt(brisk_store_t* store) {
  if (store) store->store.interrupt();
}

brisk_result_t brisk_module_new(brisk_store_t* s, const uint8_t* bytes, size_t len, brisk_module_t** out) {
  if (!s || !out || (!bytes && len)) return brisk_result_t{BRISK_ERR_ARGUMENT, "null argument", UINT64_MAX, 0, 0};
  *out = nullptr;
  auto m = decode_module(std::vector<uint8_t>(bytes, bytes + len));
  if (!m.ok()) return fail(s, BRISK_ERR_INVALID_MODULE, m.error().message, m.error().offset);
  s->modules.push_back(std::make_unique<brisk_module>(brisk_module{m.value()}));
  *out = s->modules.back().get();
  return ok();
}

brisk_linker_t* brisk_linker_new(brisk_store_t* s) {
  if (!s) return nullptr;
  s->linkers.push_back(std::make_unique<brisk_linker>());
  s->linkers.back()->store = s;
  return s->linkers.back().get();
}

brisk_result_t brisk_linker_define_func(brisk_linker_t* l, const char* module, const char* name,
                                        const brisk_valtype_t* params, size_t num_params,
                                        const brisk_valtype_t* results, size_t num_results, brisk_host_fn fn,
                                        void* env) {
  if (!l || !module || !name || !fn || (num_params && !params) || (num_results && !results))
    return brisk_result_t{BRISK_ERR_ARGUMENT, "null argument", UINT64_MAX, 0, 0};
  FuncType ft;
  for (size_t i = 0; i < num_params; ++i) {
    if (!valid_type(params[i])) return fail(l->store, BRISK_ERR_ARGUMENT, "invalid parameter type");
    ft.params.push_back(ValType(params[i]));
  }
  for (size_t i = 0; i < num_results; ++i) {
    if (!valid_type(results[i])) return fail(l->store, BRISK_ERR_ARGUMENT, "invalid result type");
    ft.results.push_back(ValType(results[i]));
  }
  Function* f = l->store->store.create_host_function(
      ft,
      [fn, env](HostCall& call, const uint64_t* args, uint64_t* res) {
        const char* msg = nullptr;
        if (fn(env, args, res, &msg) != 0) return call.trap(msg ? msg : "host function trapped");
        return TrapKind::None;
      },
      std::string(module) + "." + name);
  l->linker.define(module, name, Extern{ExternKind::Func, f});
  return ok();
}

void brisk_linker_define_instance(brisk_linker_t* l, const char* name, brisk_instance_t* inst) {
  if (l && name && inst) l->linker.define_instance(name, inst->instance);
}

brisk_result_t brisk_instantiate(brisk_linker_t* l, brisk_module_t* m, brisk_instance_t** out) {
  if (!l || !m || !out) return brisk_result_t{BRISK_ERR_ARGUMENT, "null argument", UINT64_MAX, 0, 0};
  *out = nullptr;
  brisk_store* s = l->store;
  InstantiateResult r = s->store.instantiate(m->module, l->linker);
  if (r.resource_error) return fail(s, BRISK_ERR_RESOURCE, r.resource_error->message);
  if (r.link_error) return fail(s, BRISK_ERR_LINK, r.link_error->message);
  if (r.trap) return from_trap(s, *r.trap);
  s->instances.push_back(std::make_unique<brisk_instance>(brisk_instance{r.instance, s}));
  *out = s->instances.back().get();
  return ok();
}

brisk_func_t* brisk_instance_func(brisk_instance_t* inst, const char* name) {
  if (!inst || !name) return nullptr;
  Function* f = inst->instance->get_func(name);
  if (!f) return nullptr;
  auto& wrappers = inst->owner->funcs;
  for (auto& w : wrappers)
    if (w->func == f) return w.get();
  wrappers.push_back(std::make_unique<brisk_func>(brisk_func{f}));
  return wrappers.back().get();
}

uint8_t* brisk_instance_memory(brisk_instance_t* inst, size_t* size) {
  if (!inst || inst->instance->memories.empty()) {
    if (size) *size = 0;
    return nullptr;
  }
  Memory* m = inst->instance->memories[0];
  if (size) *size = size_t(m->size_bytes());
  return m->data();
}

brisk_result_t brisk_func_call(brisk_store_t* s, brisk_func_t* func, const brisk_val_t* args, size_t num_args,
                               brisk_val_t* results, size_t num_results) {
  if (!s || !func || (num_args && !args) || (num_results && !results))
    return brisk_result_t{BRISK_ERR_ARGUMENT, "null argument", UINT64_MAX, 0, 0};
  Function* f = func->func;
  const FuncType& ft = *f->type;
  if (num_args != ft.params.size() || num_results != ft.results.size())
    return fail(s, BRISK_ERR_ARGUMENT, "expected " + std::to_string(ft.params.size()) + " argument(s) and " +
                                           std::to_string(ft.results.size()) + " result(s) for " + ft.to_string());
  std::vector<uint64_t> a(num_args), r(num_results + 1);
  for (size_t i = 0; i < num_args; ++i) {
    if (ValType(args[i].type) != ft.params[i])
      return fail(s, BRISK_ERR_ARGUMENT, "argument " + std::to_string(i) + " has the wrong type");
    a[i] = to_bits(args[i]);
  }
  CallResult cr = s->store.call(f, a.data(), r.data());
  if (cr.trap) return from_trap(s, *cr.trap);
  for (size_t i = 0; i < num_results; ++i) results[i] = from_bits(ft.results[i], r[i]);
  return ok();
}

}  // extern "C"

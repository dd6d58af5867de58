// wasm.h functions: host functions (with and without an environment and
// its finalizer) made with brisk_func_new, their types, and calls.
#include <new>

#include "api/wasm_c_api/wasm_internal.h"

using namespace wasmc;

namespace {

// The data of a wasm.h host function (brisk's finalizer frees it).
struct HostFunc {
  wasm_store_t* store;
  wasm_func_callback_t callback = nullptr;
  wasm_func_callback_with_env_t callback_with_env = nullptr;
  void* env = nullptr;
  void (*env_finalizer)(void*) = nullptr;
  std::vector<brisk_valtype_t> params, results;
  std::string trap_message;  // of the last trap; brisk copies it at once
};

void free_host_func(void* data) {
  auto* h = static_cast<HostFunc*>(data);
  if (h->env_finalizer) h->env_finalizer(h->env);
  delete h;
}

void delete_vals(std::vector<wasm_val_t>& vals) {
  for (wasm_val_t& v : vals) wasm_val_delete(&v);
}

// Arguments are lent to the callback (deleted after it returns); results
// are the callback's, converted and deleted here.
const char* call_host(brisk_caller_t*, void* data, const brisk_val_t* args, size_t num_args, brisk_val_t* results,
                      size_t num_results) {
  auto* h = static_cast<HostFunc*>(data);
  std::vector<wasm_val_t> a(num_args), r(num_results);
  for (size_t i = 0; i < num_args; ++i) a[i] = from_brisk(h->store, args[i]);
  for (size_t i = 0; i < num_results; ++i) {
    r[i].kind = kind_of(h->results[i]);
    r[i].of.i64 = 0;
    if (wasm_valkind_is_ref(r[i].kind)) r[i].of.ref = nullptr;
  }
  wasm_val_vec_t av{num_args, a.data()}, rv{num_results, r.data()};
  wasm_trap_t* trap = h->callback_with_env ? h->callback_with_env(h->env, &av, &rv) : h->callback(&av, &rv);
  delete_vals(a);
  if (trap) {
    h->trap_message = trap->obj->message;
    wasm_trap_delete(trap);
    delete_vals(r);
    return h->trap_message.c_str();
  }
  std::string error;
  for (size_t i = 0; i < num_results; ++i) {
    if (!to_brisk(h->store, r[i], h->results[i], &results[i], &error)) {
      h->trap_message = "host function result " + std::to_string(i) + ": " + error;
      delete_vals(r);
      return h->trap_message.c_str();
    }
  }
  delete_vals(r);
  return nullptr;
}

wasm_func_t* make_host_func(wasm_store_t* s, const wasm_functype_t* type, HostFunc* h) {
  for (size_t i = 0; i < type->params.size; ++i) h->params.push_back(brisk_type_of(type->params.data[i]->kind));
  for (size_t i = 0; i < type->results.size; ++i) h->results.push_back(brisk_type_of(type->results.data[i]->kind));
  brisk_func_t* f = nullptr;
  brisk_result_t r = brisk_func_new(s->store, h->params.data(), h->params.size(), h->results.data(),
                                    h->results.size(), call_host, h, free_host_func, &f);
  if (r.status != BRISK_OK) {  // brisk took nothing: the env stays the caller's
    set_error(s, std::string("wasm_func_new: ") + (r.message ? r.message : "failed"));
    delete h;
    return nullptr;
  }
  Object* o = new_object(Kind::Func, s, f);
  o->func = f;
  o->owns_func = true;
  return handle<wasm_func_t>(o);
}

}  // namespace

extern "C" {

wasm_func_t* wasm_func_new(wasm_store_t* s, const wasm_functype_t* type, wasm_func_callback_t callback) {
  if (!s || !type || !callback) return nullptr;
  auto* h = new HostFunc{s};
  h->callback = callback;
  return make_host_func(s, type, h);
}

wasm_func_t* wasm_func_new_with_env(wasm_store_t* s, const wasm_functype_t* type,
                                    wasm_func_callback_with_env_t callback, void* env, void (*finalizer)(void*)) {
  if (!s || !type || !callback) return nullptr;
  auto* h = new HostFunc{s};
  h->callback_with_env = callback;
  h->env = env;
  h->env_finalizer = finalizer;
  return make_host_func(s, type, h);
}

wasm_functype_t* wasm_func_type(const wasm_func_t* f) {
  brisk_functype_t t;
  if (!f || !brisk_func_type(f->obj->func, &t)) return nullptr;
  return functype_from(t);
}

size_t wasm_func_param_arity(const wasm_func_t* f) {
  brisk_functype_t t;
  return f && brisk_func_type(f->obj->func, &t) ? t.num_params : 0;
}

size_t wasm_func_result_arity(const wasm_func_t* f) {
  brisk_functype_t t;
  return f && brisk_func_type(f->obj->func, &t) ? t.num_results : 0;
}

wasm_trap_t* wasm_func_call(const wasm_func_t* f, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  if (!f) return nullptr;  // nothing to report the error to
  wasm_store_t* s = f->obj->store;
  brisk_functype_t t;
  if (!brisk_func_type(f->obj->func, &t))
    return trap_with_message(s, "wasm_func_call: the function no longer exists (its instance was deleted)");
  size_t nargs = args ? args->size : 0, nres = results ? results->size : 0;
  if (nargs != t.num_params)
    return trap_with_message(s, "wasm_func_call: the function takes " + std::to_string(t.num_params) +
                                    " arguments, " + std::to_string(nargs) + " given");
  if (nres != t.num_results)
    return trap_with_message(s, "wasm_func_call: the function returns " + std::to_string(t.num_results) +
                                    " results, the results vector has room for " + std::to_string(nres));
  for (size_t i = 0; i < nargs + nres; ++i)
    if ((i < nargs ? t.params[i] : t.results[i - nargs]) == BRISK_V128)
      return trap_with_message(s, "wasm_func_call: a v128 value cannot cross wasm.h (use brisk.h's brisk_func_call)");
  std::vector<brisk_val_t> a(nargs), r(nres);
  std::string error;
  for (size_t i = 0; i < nargs; ++i)
    if (!to_brisk(s, args->data[i], t.params[i], &a[i], &error))
      return trap_with_message(s, "wasm_func_call: argument " + std::to_string(i) + ": " + error);
  brisk_result_t res = brisk_func_call(s->store, f->obj->func, a.data(), nargs, r.data(), nres);
  if (res.status != BRISK_OK) return trap_from_result(s, res);
  for (size_t i = 0; i < nres; ++i) results->data[i] = from_brisk(s, r[i]);
  return nullptr;
}

}  // extern "C"

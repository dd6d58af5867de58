/* hello: a host function without environment called from wasm. */
#include "wasmc_test.h"

static int g_calls = 0;

static wasm_trap_t* hello_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK(args->size == 0 && results->size == 0);
  ++g_calls;
  return NULL;
}

int main(int argc, char** argv) {
  wasm_engine_t* engine = test_engine(argc, argv);
  wasm_store_t* store = wasm_store_new(engine);
  CHECK(store != NULL);
  wasm_module_t* module = load_module(store, "hello");

  wasm_functype_t* hello_type = wasm_functype_new_0_0();
  wasm_func_t* hello_func = wasm_func_new(store, hello_type, hello_callback);
  CHECK(hello_func != NULL);
  wasm_functype_delete(hello_type);

  wasm_extern_t* externs[] = {wasm_func_as_extern(hello_func)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_trap_t* trap = (wasm_trap_t*)1;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
  CHECK(instance != NULL);
  CHECK(trap == NULL); /* cleared on success */
  wasm_func_delete(hello_func); /* the instance keeps what it imported */

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  CHECK(exports.size == 1);
  CHECK(wasm_extern_kind(exports.data[0]) == WASM_EXTERN_FUNC);
  const wasm_func_t* run = wasm_extern_as_func(exports.data[0]);
  CHECK(run != NULL);
  CHECK(wasm_func_param_arity(run) == 0 && wasm_func_result_arity(run) == 0);
  wasm_instance_delete(instance); /* the export keeps it alive */
  wasm_module_delete(module);

  wasm_val_vec_t args = WASM_EMPTY_VEC, results = WASM_EMPTY_VEC;
  for (int i = 0; i < 3; ++i) check_no_trap(wasm_func_call(run, &args, &results), "run");
  CHECK(g_calls == 3);

  /* A bad argument count is a trap, not a crash. */
  wasm_val_t extra[] = {WASM_I32_VAL(1)};
  wasm_val_vec_t bad_args = WASM_ARRAY_VEC(extra);
  check_trap(wasm_func_call(run, &bad_args, &results), "takes 0 arguments");
  CHECK(g_calls == 3);

  wasm_extern_vec_delete(&exports);
  wasm_store_delete(store);
  wasm_engine_delete(engine);

  /* The default engine (no config: tiered), with a bare wasm_config_t given
   * and taken too. */
  wasm_engine_t* defaults[2] = {wasm_engine_new(), wasm_engine_new_with_config(wasm_config_new())};
  for (int e = 0; e < 2; ++e) {
    CHECK(defaults[e] != NULL);
    wasm_store_t* s = wasm_store_new(defaults[e]);
    wasm_module_t* m = load_module(s, "hello");
    wasm_functype_t* t = wasm_functype_new_0_0();
    wasm_func_t* h = wasm_func_new(s, t, hello_callback);
    wasm_functype_delete(t);
    wasm_extern_t* imp[] = {wasm_func_as_extern(h)};
    wasm_extern_vec_t iv = WASM_ARRAY_VEC(imp);
    wasm_instance_t* inst = wasm_instance_new(s, m, &iv, NULL);
    CHECK(inst != NULL);
    wasm_extern_vec_t ev;
    wasm_instance_exports(inst, &ev);
    check_no_trap(wasm_func_call(wasm_extern_as_func(ev.data[0]), &args, &results), "run");
    wasm_extern_vec_delete(&ev);
    wasm_instance_delete(inst);
    wasm_func_delete(h);
    wasm_module_delete(m);
    wasm_store_delete(s);
    wasm_engine_delete(defaults[e]);
  }
  CHECK(g_calls == 5);
  printf("hello: ok\n");
  return 0;
}

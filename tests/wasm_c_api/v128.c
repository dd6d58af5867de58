/* v128: a function whose signature has a v128 reflects it with brisk's
 * WASM_BRISK_V128 kind, and calling it through wasm.h (whose wasm_val_t
 * cannot hold a v128) is a trap with a message, not a crash or a garbage
 * result. */
#include "wasmc_test.h"

int main(int argc, char** argv) {
  wasm_engine_t* engine = test_engine(argc, argv);
  wasm_store_t* store = wasm_store_new(engine);
  CHECK(store != NULL);
  wasm_module_t* module = load_module(store, "v128");
  wasm_extern_vec_t imports = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  CHECK(exports.size == 1);
  const wasm_func_t* splat = wasm_extern_as_func(exports.data[0]);
  CHECK(splat != NULL);

  wasm_functype_t* type = wasm_func_type(splat);
  const wasm_valtype_vec_t* results = wasm_functype_results(type);
  CHECK(results->size == 1);
  CHECK(wasm_valtype_kind(results->data[0]) == WASM_BRISK_V128);
  wasm_functype_delete(type);

  wasm_val_t args_v[] = {WASM_I32_VAL(7)};
  wasm_val_t results_v[1];
  results_v[0].kind = WASM_I32;
  results_v[0].of.i64 = 0;
  wasm_val_vec_t args = WASM_ARRAY_VEC(args_v), res = WASM_ARRAY_VEC(results_v);
  check_trap(wasm_func_call(splat, &args, &res), "v128 value cannot cross wasm.h");

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}

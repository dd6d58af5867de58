/* multi: multiple results, through a host function and from wasm. */
#include "wasmc_test.h"

/* Reverses its four arguments. */
static wasm_trap_t* reverse_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK(args->size == 4 && results->size == 4);
  for (size_t i = 0; i < 4; ++i) wasm_val_copy(&results->data[i], &args->data[3 - i]);
  return NULL;
}

int main(int argc, char** argv) {
  wasm_engine_t* engine = test_engine(argc, argv);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "multi");

  wasm_valtype_t* ps[4] = {wasm_valtype_new_i32(), wasm_valtype_new_i64(), wasm_valtype_new_i64(),
                           wasm_valtype_new_i32()};
  wasm_valtype_t* rs[4] = {wasm_valtype_new_i32(), wasm_valtype_new_i64(), wasm_valtype_new_i64(),
                           wasm_valtype_new_i32()};
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new(&params, 4, ps);
  wasm_valtype_vec_new(&results, 4, rs);
  wasm_functype_t* type = wasm_functype_new(&params, &results); /* takes both vectors */
  wasm_functype_t* type_copy = wasm_functype_copy(type);
  CHECK(wasm_functype_results(type_copy)->size == 4);
  CHECK(wasm_valtype_kind(wasm_functype_results(type_copy)->data[2]) == WASM_I64);
  wasm_functype_delete(type_copy);
  wasm_func_t* f = wasm_func_new(store, type, reverse_callback);
  wasm_functype_delete(type);
  CHECK(wasm_func_param_arity(f) == 4 && wasm_func_result_arity(f) == 4);

  wasm_extern_t* externs[] = {wasm_func_as_extern(f)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t* g = wasm_extern_as_func(find_export(module, &exports, "g"));
  wasm_func_t* swap_f = wasm_extern_as_func(find_export(module, &exports, "swap_f"));

  /* g(a, b, c, d) = f(a, c, b, d) = (d, b, c, a). */
  wasm_val_t vals[4] = {WASM_I32_VAL(1), WASM_I64_VAL(2), WASM_I64_VAL(3), WASM_I32_VAL(4)};
  wasm_val_t out[4];
  wasm_val_vec_t args = WASM_ARRAY_VEC(vals), res = WASM_ARRAY_VEC(out);
  check_no_trap(wasm_func_call(g, &args, &res), "g");
  CHECK(out[0].kind == WASM_I32 && out[0].of.i32 == 4);
  CHECK(out[1].kind == WASM_I64 && out[1].of.i64 == 2);
  CHECK(out[2].kind == WASM_I64 && out[2].of.i64 == 3);
  CHECK(out[3].kind == WASM_I32 && out[3].of.i32 == 1);

  /* Values beyond 32 bits survive. */
  vals[1].of.i64 = INT64_MIN;
  vals[2].of.i64 = 0x123456789abcdefLL;
  check_no_trap(wasm_func_call(g, &args, &res), "g");
  CHECK(out[1].of.i64 == INT64_MIN && out[2].of.i64 == 0x123456789abcdefLL);

  /* Results in an owned vector. */
  wasm_val_vec_t owned;
  wasm_val_vec_new_uninitialized(&owned, 2);
  wasm_val_t fs[2] = {WASM_F32_VAL(1.5f), WASM_F64_VAL(-2.25)};
  wasm_val_vec_t fargs = WASM_ARRAY_VEC(fs);
  check_no_trap(wasm_func_call(swap_f, &fargs, &owned), "swap_f");
  CHECK(owned.data[0].kind == WASM_F64 && owned.data[0].of.f64 == -2.25);
  CHECK(owned.data[1].kind == WASM_F32 && owned.data[1].of.f32 == 1.5f);
  wasm_val_vec_t owned_copy;
  wasm_val_vec_copy(&owned_copy, &owned);
  CHECK(owned_copy.size == 2 && owned_copy.data[1].of.f32 == 1.5f);
  wasm_val_vec_delete(&owned_copy);
  wasm_val_vec_delete(&owned);

  wasm_func_delete(f);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("multi: ok\n");
  return 0;
}

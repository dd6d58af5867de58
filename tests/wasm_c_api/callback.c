/* callback: host functions with and without environment (and the env's
 * finalizer), arguments and results of every number type, host traps and
 * host results of the wrong type. */
#include "wasmc_test.h"

static int g_printed = -1;
static int g_finalized = 0;

static wasm_trap_t* print_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK(args->size == 1 && args->data[0].kind == WASM_I32);
  CHECK(results->size == 1);
  g_printed = args->data[0].of.i32;
  wasm_val_copy(&results->data[0], &args->data[0]);
  return NULL;
}

static wasm_trap_t* closure_callback(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK(args->size == 0 && results->size == 1);
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = *(int*)env;
  return NULL;
}

typedef struct {
  wasm_store_t* store;
  int calls;
} combine_env_t;

static wasm_trap_t* combine_callback(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  combine_env_t* e = (combine_env_t*)env;
  ++e->calls;
  CHECK(args->size == 3 && args->data[0].kind == WASM_I64 && args->data[1].kind == WASM_F32 &&
        args->data[2].kind == WASM_F64);
  int64_t i = args->data[0].of.i64;
  if (i < 0) {
    wasm_message_t msg;
    wasm_name_new_from_string_nt(&msg, "combine: negative input");
    wasm_trap_t* trap = wasm_trap_new(e->store, &msg);
    wasm_name_delete(&msg);
    return trap;
  }
  if (i == 999) { /* a result of the wrong type */
    results->data[0].kind = WASM_I32;
    results->data[0].of.i32 = 1;
    return NULL;
  }
  results->data[0].kind = WASM_F64;
  results->data[0].of.f64 = (double)i + args->data[1].of.f32 + args->data[2].of.f64;
  return NULL;
}

/* Calls back into wasm: the instance's "square" export. */
static const wasm_func_t* g_square = NULL;
static wasm_trap_t* reenter_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK(g_square != NULL);
  return wasm_func_call(g_square, args, results);
}

static void finalize_env(void* env) {
  CHECK(*(int*)env == 42);
  ++g_finalized;
}

static double call_mix(const wasm_func_t* mix, int64_t i, float f, double d, wasm_trap_t** trap) {
  wasm_val_t as[] = {WASM_I64_VAL(i), WASM_F32_VAL(f), WASM_F64_VAL(d)};
  wasm_val_t rs[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(as), results = WASM_ARRAY_VEC(rs);
  *trap = wasm_func_call(mix, &args, &results);
  if (*trap) return 0;
  CHECK(rs[0].kind == WASM_F64);
  return rs[0].of.f64;
}

int main(int argc, char** argv) {
  wasm_engine_t* engine = test_engine(argc, argv);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "callback");

  wasm_functype_t* print_type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* print_func = wasm_func_new(store, print_type, print_callback);
  wasm_functype_delete(print_type);

  static int env_value = 42;
  wasm_functype_t* closure_type = wasm_functype_new_0_1(wasm_valtype_new_i32());
  wasm_func_t* closure_func = wasm_func_new_with_env(store, closure_type, closure_callback, &env_value, finalize_env);
  wasm_functype_delete(closure_type);

  combine_env_t combine_env = {store, 0};
  wasm_functype_t* combine_type = wasm_functype_new_3_1(wasm_valtype_new_i64(), wasm_valtype_new_f32(),
                                                        wasm_valtype_new_f64(), wasm_valtype_new_f64());
  wasm_func_t* combine_func = wasm_func_new_with_env(store, combine_type, combine_callback, &combine_env, NULL);
  wasm_functype_t* reenter_type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* reenter_func = wasm_func_new(store, reenter_type, reenter_callback);
  wasm_functype_delete(reenter_type);
  CHECK(print_func && closure_func && combine_func && reenter_func);

  /* wasm_func_type describes the host function. */
  wasm_functype_t* got = wasm_func_type(combine_func);
  CHECK(wasm_functype_params(got)->size == 3 && wasm_functype_results(got)->size == 1);
  CHECK(wasm_valtype_kind(wasm_functype_params(got)->data[1]) == WASM_F32);
  CHECK(wasm_valtype_kind(wasm_functype_results(got)->data[0]) == WASM_F64);
  wasm_functype_delete(got);
  wasm_functype_delete(combine_type);

  wasm_extern_t* externs[] = {wasm_func_as_extern(print_func), wasm_func_as_extern(closure_func),
                              wasm_func_as_extern(combine_func), wasm_func_as_extern(reenter_func)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
  CHECK(instance != NULL && trap == NULL);

  /* Fewer imports than the module needs: NULL and a trap saying why. */
  wasm_extern_vec_t too_few = {2, externs};
  CHECK(wasm_instance_new(store, module, &too_few, &trap) == NULL);
  check_trap(trap, "4 imports, 2 given");
  /* A function of the wrong type: a link error. */
  wasm_extern_t* wrong[] = {wasm_func_as_extern(closure_func), wasm_func_as_extern(closure_func),
                            wasm_func_as_extern(combine_func), wasm_func_as_extern(reenter_func)};
  wasm_extern_vec_t wrong_imports = WASM_ARRAY_VEC(wrong);
  CHECK(wasm_instance_new(store, module, &wrong_imports, &trap) == NULL);
  CHECK(trap != NULL);
  wasm_trap_delete(trap);
  CHECK(wasm_store_brisk_last_error(store) != NULL);

  wasm_func_delete(print_func);
  wasm_func_delete(closure_func);
  CHECK(g_finalized == 0); /* the instance still uses it */

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  CHECK(exports.size == 4);
  const wasm_func_t* run = wasm_extern_as_func(exports.data[0]);
  const wasm_func_t* mix = wasm_extern_as_func(exports.data[1]);
  CHECK(run && mix);
  CHECK(wasm_func_param_arity(run) == 2 && wasm_func_result_arity(run) == 1);

  wasm_val_t as[] = {WASM_I32_VAL(3), WASM_I32_VAL(4)};
  wasm_val_t rs[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(as), results = WASM_ARRAY_VEC(rs);
  check_no_trap(wasm_func_call(run, &args, &results), "run");
  CHECK(g_printed == 7);
  CHECK(rs[0].kind == WASM_I32 && rs[0].of.i32 == 7 + 42);

  /* Wrong argument type and result room: traps naming the problem. */
  as[1].kind = WASM_I64;
  check_trap(wasm_func_call(run, &args, &results), "argument 1");
  wasm_val_vec_t no_results = WASM_EMPTY_VEC;
  as[1].kind = WASM_I32;
  check_trap(wasm_func_call(run, &args, &no_results), "returns 1 results");

  double r = call_mix(mix, 5, 0.5f, 0.25, &trap);
  check_no_trap(trap, "mix");
  CHECK(r == 5.75);
  call_mix(mix, -1, 0, 0, &trap);
  check_trap(trap, "combine: negative input");
  call_mix(mix, 999, 0, 0, &trap);
  check_trap(trap, "host function result 0");
  CHECK(combine_env.calls == 3);

  /* A host function called directly, without wasm. */
  r = call_mix(combine_func, 1, 2.0f, 3.0, &trap);
  check_no_trap(trap, "combine");
  CHECK(r == 6.0);
  CHECK(combine_env.calls == 4);

  /* wasm -> host -> wasm. */
  g_square = wasm_extern_as_func(exports.data[2]);
  wasm_val_t sq = call1(wasm_extern_as_func(exports.data[3]), 1, (wasm_val_t)WASM_I32_VAL(9), (wasm_val_t)WASM_INIT_VAL);
  CHECK(sq.kind == WASM_I32 && sq.of.i32 == 82);

  wasm_func_delete(combine_func);
  wasm_func_delete(reenter_func);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  CHECK(g_finalized == 1); /* exactly once, by the store's deletion at the latest */
  wasm_engine_delete(engine);
  printf("callback: ok\n");
  return 0;
}

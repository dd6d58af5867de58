/* threads: one module compiled once, shared (wasm_module_share) with
 * several threads, each obtaining it in its own store of one engine,
 * instantiating it with its own host function and global and calling it
 * many times, while the creating store and module are already deleted. */
#include <pthread.h>

#include "wasmc_test.h"

#define N_THREADS 4
#define N_REPS 200

typedef struct {
  wasm_engine_t* engine;
  wasm_shared_module_t* shared;
  int id;
  int calls;    /* of the host function, with the right id */
  int bad_ids;  /* calls with another id */
} thread_args_t;

static wasm_trap_t* hello_callback(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)results;
  thread_args_t* t = (thread_args_t*)env;
  if (args->data[0].of.i32 == t->id)
    ++t->calls;
  else
    ++t->bad_ids;
  return NULL;
}

static void* run(void* p) {
  thread_args_t* t = (thread_args_t*)p;
  wasm_store_t* store = wasm_store_new(t->engine);
  CHECK(store != NULL);
  wasm_module_t* module = wasm_module_obtain(store, t->shared);
  CHECK(module != NULL);

  wasm_functype_t* ft = wasm_functype_new_1_0(wasm_valtype_new_i32());
  wasm_func_t* func = wasm_func_new_with_env(store, ft, hello_callback, t, NULL);
  wasm_functype_delete(ft);
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
  wasm_val_t id = WASM_I32_VAL(t->id);
  wasm_global_t* global = wasm_global_new(store, gt, &id);
  wasm_globaltype_delete(gt);
  CHECK(func && global);

  wasm_extern_t* externs[] = {wasm_func_as_extern(func), wasm_global_as_extern(global)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  for (int rep = 0; rep < N_REPS; ++rep) {
    wasm_trap_t* trap = NULL;
    wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
    check_no_trap(trap, "instantiate");
    CHECK(instance != NULL);
    wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);
    CHECK(exports.size == 1);
    wasm_val_vec_t args = WASM_EMPTY_VEC, results = WASM_EMPTY_VEC;
    check_no_trap(wasm_func_call(wasm_extern_as_func(exports.data[0]), &args, &results), "run");
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
  }
  wasm_func_delete(func);
  wasm_global_delete(global);
  wasm_module_delete(module);
  wasm_store_delete(store);
  return NULL;
}

int main(int argc, char** argv) {
  wasm_engine_t* engine = test_engine(argc, argv);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "threads");
  wasm_shared_module_t* shared = wasm_module_share(module);
  CHECK(shared != NULL);

  pthread_t threads[N_THREADS];
  thread_args_t args[N_THREADS];
  for (int i = 0; i < N_THREADS; ++i) {
    args[i] = (thread_args_t){engine, shared, i + 1, 0, 0};
    CHECK(pthread_create(&threads[i], NULL, run, &args[i]) == 0);
  }
  /* The shared module keeps the compiled module alive by itself. */
  wasm_module_delete(module);
  wasm_store_delete(store);
  for (int i = 0; i < N_THREADS; ++i) CHECK(pthread_join(threads[i], NULL) == 0);
  for (int i = 0; i < N_THREADS; ++i) CHECK(args[i].calls == N_REPS && args[i].bad_ids == 0);

  wasm_shared_module_delete(shared);
  wasm_engine_delete(engine);
  printf("threads: ok\n");
  return 0;
}

/* finalize: host-info finalizers run exactly once, when the last handle
 * (or user inside brisk) of an object goes, or with the store: many
 * instances in two stores, an instance kept alive by its export, a module
 * with copies, a foreign object held by wasm as an externref. */
#include <stdint.h>

#include "wasmc_test.h"

#define ITERATIONS 2000

static int g_finalized = 0;
static int g_last = -1;

static void finalize(void* data) {
  g_last = (int)(intptr_t)data;
  ++g_finalized;
}

/* A finalizer may drop handles it owns, also while its store is deleted. */
static int g_dropped = 0;
static void drop_foreign(void* data) {
  wasm_foreign_delete((wasm_foreign_t*)data);
  ++g_dropped;
}

static void run_in_store(wasm_store_t* store, int base) {
  wasm_module_t* module = load_module(store, "finalize");
  for (int i = 0; i < ITERATIONS; ++i) {
    wasm_instance_t* instance = wasm_instance_new(store, module, NULL, NULL);
    CHECK(instance != NULL);
    wasm_instance_set_host_info_with_finalizer(instance, (void*)(intptr_t)(base + i), finalize);
    CHECK(wasm_instance_get_host_info(instance) == (void*)(intptr_t)(base + i));
    int before = g_finalized;
    wasm_instance_delete(instance);
    CHECK(g_finalized == before + 1 && g_last == base + i); /* at once: nothing else used it */
  }
  wasm_module_delete(module);
}

int main(int argc, char** argv) {
  wasm_engine_t* engine = test_engine(argc, argv);
  wasm_store_t* store1 = wasm_store_new(engine);
  wasm_store_t* store2 = wasm_store_new(engine);
  run_in_store(store1, 0);
  run_in_store(store2, ITERATIONS);
  CHECK(g_finalized == 2 * ITERATIONS);

  /* An export keeps its instance (and its host info) alive. */
  wasm_module_t* module = load_module(store1, "finalize");
  wasm_instance_t* instance = wasm_instance_new(store1, module, NULL, NULL);
  wasm_instance_set_host_info_with_finalizer(instance, (void*)(intptr_t)-1, finalize);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_instance_delete(instance);
  CHECK(g_finalized == 2 * ITERATIONS);
  wasm_val_vec_t args = WASM_EMPTY_VEC;
  wasm_val_t r[1];
  wasm_val_vec_t results = WASM_ARRAY_VEC(r);
  check_no_trap(wasm_func_call(wasm_extern_as_func(exports.data[2]), &args, &results), "g");
  CHECK(r[0].of.i32 == 7);

  /* A foreign object stored in a wasm global outlives its handles: its
   * finalizer runs with the store. */
  wasm_foreign_t* foreign = wasm_foreign_new(store1);
  wasm_foreign_set_host_info_with_finalizer(foreign, (void*)(intptr_t)-2, finalize);
  /* (First one whose host info is a handle its finalizer deletes, kept
   * alive as an externref once, until the store goes.) */
  wasm_foreign_t* owner = wasm_foreign_new(store1);
  wasm_foreign_t* owned = wasm_foreign_new(store1);
  wasm_foreign_set_host_info_with_finalizer(owner, owned, drop_foreign);
  wasm_val_t ov = WASM_REF_VAL(wasm_foreign_as_ref(owner));
  wasm_global_set(wasm_extern_as_global(exports.data[0]), &ov);
  wasm_foreign_delete(owner);
  wasm_val_t v = WASM_REF_VAL(wasm_foreign_as_ref(foreign));
  wasm_global_set(wasm_extern_as_global(exports.data[0]), &v);
  wasm_foreign_delete(foreign);
  CHECK(g_dropped == 0);
  CHECK(g_finalized == 2 * ITERATIONS);
  wasm_val_t got;
  wasm_global_get(wasm_extern_as_global(exports.data[0]), &got);
  CHECK(got.of.ref != NULL && wasm_ref_get_host_info(got.of.ref) == (void*)(intptr_t)-2);
  wasm_val_delete(&got);

  wasm_extern_vec_delete(&exports);
  CHECK(g_finalized == 2 * ITERATIONS + 1 && g_last == -1); /* the instance, with its last export */

  /* A module's host info stays with the module through its copies. */
  wasm_module_set_host_info_with_finalizer(module, (void*)(intptr_t)-3, finalize);
  wasm_module_t* module_copy = wasm_module_copy(module);
  CHECK(wasm_module_same(module, module_copy));
  CHECK(wasm_module_get_host_info(module_copy) == (void*)(intptr_t)-3);
  wasm_module_delete(module);
  CHECK(g_finalized == 2 * ITERATIONS + 1);
  wasm_module_delete(module_copy);
  CHECK(g_finalized == 2 * ITERATIONS + 2 && g_last == -3);

  /* Plain host info has no finalizer. */
  wasm_foreign_t* plain = wasm_foreign_new(store2);
  wasm_foreign_set_host_info(plain, &g_finalized);
  CHECK(wasm_foreign_get_host_info(plain) == &g_finalized);
  wasm_foreign_delete(plain);
  CHECK(g_finalized == 2 * ITERATIONS + 2);

  wasm_store_delete(store2);
  CHECK(g_finalized == 2 * ITERATIONS + 2);
  wasm_store_delete(store1);
  CHECK(g_finalized == 2 * ITERATIONS + 3 && g_last == -2); /* the foreign object, with its store */
  CHECK(g_dropped == 1);
  wasm_engine_delete(engine);
  printf("finalize: ok\n");
  return 0;
}

/* serialize: wasm_module_serialize output deserializes (in another store)
 * into a working module; foreign or damaged bytes give NULL with a reason;
 * wasm_module_validate says yes and no. */
#include "wasmc_test.h"

static int g_seen = 0;

static wasm_trap_t* hello_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)results;
  g_seen = args->data[0].of.i32;
  return NULL;
}

int main(int argc, char** argv) {
  wasm_engine_t* engine = test_engine(argc, argv);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_byte_vec_t binary;
  load_wasm("serialize", &binary);
  CHECK(wasm_module_validate(store, &binary));
  wasm_module_t* module = wasm_module_new(store, &binary);
  CHECK(module != NULL);

  wasm_byte_vec_t serialized;
  wasm_module_serialize(module, &serialized);
  CHECK(serialized.size > binary.size);
  wasm_module_delete(module);

  /* In a fresh store. */
  wasm_store_t* store2 = wasm_store_new(engine);
  wasm_module_t* restored = wasm_module_deserialize(store2, &serialized);
  CHECK(restored != NULL);
  wasm_exporttype_vec_t exports_t;
  wasm_module_exports(restored, &exports_t);
  CHECK(exports_t.size == 1 && name_is(wasm_exporttype_name(exports_t.data[0]), "run"));
  wasm_exporttype_vec_delete(&exports_t);

  wasm_functype_t* ft = wasm_functype_new_1_0(wasm_valtype_new_i32());
  wasm_func_t* hello = wasm_func_new(store2, ft, hello_callback);
  wasm_functype_delete(ft);
  wasm_extern_t* externs[] = {wasm_func_as_extern(hello)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_instance_t* instance = wasm_instance_new(store2, restored, &imports, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  call1(wasm_extern_as_func(exports.data[0]), 1, (wasm_val_t)WASM_I32_VAL(14), (wasm_val_t)WASM_INIT_VAL);
  CHECK(g_seen == 42);

  /* An object of another store as an import: refused. */
  wasm_extern_vec_t foreign_imports = WASM_ARRAY_VEC(externs);
  wasm_module_t* in_store1 = wasm_module_new(store, &binary);
  wasm_trap_t* trap = NULL;
  CHECK(wasm_instance_new(store, in_store1, &foreign_imports, &trap) == NULL);
  check_trap(trap, "another store");
  wasm_module_delete(in_store1);

  /* Plain wasm is not a serialized module; a damaged one fails validation. */
  CHECK(wasm_module_deserialize(store2, &binary) == NULL);
  CHECK(strstr(wasm_store_brisk_last_error(store2), "wasm_module_deserialize") != NULL);
  wasm_byte_vec_t damaged;
  wasm_byte_vec_copy(&damaged, &serialized);
  damaged.size -= 3; /* truncated */
  CHECK(wasm_module_deserialize(store2, &damaged) == NULL);
  damaged.size += 3;
  wasm_byte_vec_delete(&damaged);
  wasm_byte_vec_t empty = WASM_EMPTY_VEC;
  CHECK(wasm_module_deserialize(store2, &empty) == NULL);

  /* validate and new say no to bad bytes, with the decoder's reason. */
  binary.data[4] = 9; /* version */
  CHECK(!wasm_module_validate(store, &binary));
  CHECK(wasm_module_new(store, &binary) == NULL);
  CHECK(strstr(wasm_store_brisk_last_error(store), "offset") != NULL);
  fprintf(stderr, "as expected: %s\n", wasm_store_brisk_last_error(store));

  wasm_func_delete(hello);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(restored);
  wasm_byte_vec_delete(&serialized);
  wasm_byte_vec_delete(&binary);
  wasm_store_delete(store2);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("serialize: ok\n");
  return 0;
}

/* memory: an exported memory read and written by the host and by wasm,
 * bounds traps, growth up to the maximum, and host-made memories. */
#include "wasmc_test.h"

static wasm_func_t* g_load;
static wasm_func_t* g_store;

static int32_t load(int32_t addr, wasm_trap_t** trap) {
  wasm_val_t as[] = {WASM_I32_VAL(addr)};
  wasm_val_t rs[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(as), results = WASM_ARRAY_VEC(rs);
  *trap = wasm_func_call(g_load, &args, &results);
  return *trap ? 0 : rs[0].of.i32;
}

static wasm_trap_t* store8(int32_t addr, int32_t value) {
  wasm_val_t as[] = {WASM_I32_VAL(addr), WASM_I32_VAL(value)};
  wasm_val_vec_t args = WASM_ARRAY_VEC(as), results = WASM_EMPTY_VEC;
  return wasm_func_call(g_store, &args, &results);
}

static void check_load(int32_t addr, int32_t expected) {
  wasm_trap_t* trap;
  int32_t v = load(addr, &trap);
  check_no_trap(trap, "load");
  CHECK(v == expected);
}

int main(int argc, char** argv) {
  wasm_engine_t* engine = test_engine(argc, argv);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "memory");
  wasm_instance_t* instance = wasm_instance_new(store, module, NULL, NULL); /* no imports needed */
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_memory_t* memory = wasm_extern_as_memory(find_export(module, &exports, "memory"));
  wasm_func_t* size = wasm_extern_as_func(find_export(module, &exports, "size"));
  g_load = wasm_extern_as_func(find_export(module, &exports, "load"));
  g_store = wasm_extern_as_func(find_export(module, &exports, "store"));
  CHECK(memory && size && g_load && g_store);

  wasm_memorytype_t* mt = wasm_memory_type(memory);
  CHECK(wasm_memorytype_limits(mt)->min == 2 && wasm_memorytype_limits(mt)->max == 3);
  wasm_memorytype_delete(mt);

  /* Initial contents. */
  CHECK(wasm_memory_size(memory) == 2);
  CHECK(wasm_memory_data_size(memory) == 2 * MEMORY_PAGE_SIZE);
  byte_t* data = wasm_memory_data(memory);
  CHECK(data != NULL);
  CHECK(data[0] == 0 && data[0x1000] == 1 && data[0x1003] == 4);
  CHECK(call1(size, 0, (wasm_val_t)WASM_INIT_VAL, (wasm_val_t)WASM_INIT_VAL).of.i32 == 2);
  check_load(0, 0);
  check_load(0x1002, 3);
  check_load(0x1fff, 0);
  wasm_trap_t* trap;
  load(0x20000, &trap);
  check_trap(trap, "out of bounds memory access");

  /* The host's writes are seen by wasm and the other way round. */
  data[0x1003] = 5;
  check_load(0x1003, 5);
  check_no_trap(store8(0x1002, 7), "store");
  CHECK(data[0x1002] == 7);
  check_trap(store8(0x20000, 5), "out of bounds memory access");
  CHECK(store8(0x1fffe, -1) == NULL);
  CHECK((unsigned char)data[0x1fffe] == 0xff); /* char is unsigned on AArch64 */

  /* Growth. */
  CHECK(wasm_memory_grow(memory, 1));
  CHECK(wasm_memory_size(memory) == 3 && wasm_memory_data_size(memory) == 3 * MEMORY_PAGE_SIZE);
  data = wasm_memory_data(memory); /* may have moved */
  check_load(0x20000, 0);
  check_load(0x2ffff, 0);
  check_no_trap(store8(0x2ffff, 6), "store");
  CHECK(data[0x2ffff] == 6);
  load(0x30000, &trap);
  check_trap(trap, "out of bounds");
  CHECK(!wasm_memory_grow(memory, 1)); /* past the maximum */
  CHECK(wasm_memory_grow(memory, 0));
  CHECK(wasm_memory_size(memory) == 3);

  /* A host-made memory. */
  wasm_limits_t limits = {5, 5};
  wasm_memorytype_t* t2 = wasm_memorytype_new(&limits);
  wasm_memory_t* m2 = wasm_memory_new(store, t2);
  CHECK(m2 != NULL);
  wasm_memorytype_delete(t2);
  CHECK(wasm_memory_size(m2) == 5 && wasm_memory_data_size(m2) == 5 * MEMORY_PAGE_SIZE);
  CHECK(!wasm_memory_grow(m2, 1));
  wasm_memory_data(m2)[5 * MEMORY_PAGE_SIZE - 1] = 9;
  limits.min = 0;
  limits.max = wasm_limits_max_default;
  wasm_memorytype_t* t3 = wasm_memorytype_new(&limits);
  wasm_memory_t* m3 = wasm_memory_new(store, t3);
  CHECK(m3 != NULL && wasm_memory_size(m3) == 0 && wasm_memory_data_size(m3) == 0);
  CHECK(wasm_memory_grow(m3, 2) && wasm_memory_size(m3) == 2);
  wasm_memorytype_t* t3b = wasm_memory_type(m3);
  CHECK(wasm_memorytype_limits(t3b)->max == wasm_limits_max_default);
  wasm_memorytype_delete(t3b);
  wasm_memorytype_delete(t3);
  /* Invalid limits: NULL with the validator's reason. */
  limits.min = 70000;
  wasm_memorytype_t* bad = wasm_memorytype_new(&limits);
  CHECK(wasm_memory_new(store, bad) == NULL);
  CHECK(wasm_store_brisk_last_error(store) != NULL);
  fprintf(stderr, "as expected: %s\n", wasm_store_brisk_last_error(store));
  wasm_memorytype_delete(bad);

  wasm_memory_delete(m2);
  wasm_memory_delete(m3);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("memory: ok\n");
  return 0;
}

/* Point 4: lifetimes. Instances, modules, linkers, instance_pres and host
 * functions are deleted one by one; what an importer uses stays alive;
 * memories (8 GiB reservations in guard mode) are released; handles of
 * another store and stale handles are rejected. */
#include "api_test.h"

static int host_inc(void* env, const uint64_t* args, uint64_t* results, const char** trap) {
  results[0] = (uint32_t)args[0] + (uint32_t)args[1];
  return 0;
}

static brisk_linker_t* small_linker(brisk_store_t* s) {
  brisk_linker_t* l = brisk_linker_new(s);
  const brisk_valtype_t t[2] = {BRISK_I32, BRISK_I32};
  CHECK_OK(brisk_linker_define_func(l, "host", "inc", t, 2, t, 1, host_inc, NULL));
  return l;
}

/* An importer keeps its exporter's memory, function and table alive. */
static void importer_keeps_exporter(void) {
  brisk_store_t* s = new_store();
  brisk_module_t* lib_m = load_module(s, "lib");
  brisk_module_t* imp_m = load_module(s, "importer");
  brisk_linker_t* l = brisk_linker_new(s);
  brisk_instance_t* lib = NULL;
  CHECK_OK(brisk_instantiate(l, lib_m, &lib));
  brisk_table_t* table = brisk_instance_table(lib, "table");
  brisk_val_t seven = brisk_val_funcref(brisk_instance_func(lib, "seven"));
  CHECK_OK(brisk_table_set(s, table, 0, &seven));
  brisk_memory_t* lib_mem = brisk_instance_memory_named(lib, "memory");
  CHECK_OK(brisk_linker_define_instance(l, "lib", lib));
  brisk_instance_t* imp = NULL;
  CHECK_OK(brisk_instantiate(l, imp_m, &imp));
  brisk_linker_delete(l);
  brisk_module_delete(lib_m);
  brisk_module_delete(imp_m);
  brisk_instance_delete(lib);

  /* lib's handle is gone, its objects are not. */
  CHECK(brisk_instance_func(lib, "add") == NULL);
  CHECK(call_i32(s, imp, "use", 1, 41, 0) == 42);
  CHECK(call_i32(s, imp, "read", 1, 8, 0) == 41);
  CHECK(call_i32(s, imp, "call0", 0, 0, 0) == 7);
  size_t size;
  CHECK(brisk_memory_data(lib_mem, &size) != NULL && size == 65536);

  /* Deleting the importer frees both; lib's memory handle goes stale. */
  brisk_instance_delete(imp);
  CHECK(brisk_memory_data(lib_mem, &size) == NULL && size == 0);
  uint64_t old;
  CHECK_STATUS(brisk_memory_grow(s, lib_mem, 1, &old), BRISK_ERR_ARGUMENT);
  brisk_instance_delete(imp); /* a second delete is harmless */
  brisk_store_delete(s);
}

/* Without releasing memories, 20000 instances of 8 GiB reservations would
 * exceed a 47-bit address space. */
static void memories_are_released(void) {
  brisk_store_t* s = new_store();
  brisk_module_t* m = load_module(s, "small");
  brisk_linker_t* l = small_linker(s);
  for (int i = 0; i < 20000; ++i) {
    brisk_instance_t* inst = NULL;
    CHECK_OK(brisk_instantiate(l, m, &inst));
    if (i % 1000 == 0) CHECK(call_i32(s, inst, "load", 1, 0, 0) == 0x73697262); /* "bris" */
    brisk_instance_delete(inst);
  }
  brisk_store_delete(s);
}

/* instance_pre: resolve once, instantiate many times; it keeps its
 * imports alive after the linker is gone. */
static void instance_pre(void) {
  brisk_store_t* s = new_store();
  brisk_module_t* m = load_module(s, "small");
  brisk_linker_t* l = small_linker(s);
  brisk_instance_pre_t* pre = NULL;
  CHECK_OK(brisk_instance_pre_new(l, m, &pre));
  brisk_linker_delete(l);
  brisk_module_delete(m);
  for (int i = 0; i < 100; ++i) {
    brisk_instance_t* inst = NULL;
    CHECK_OK(brisk_instance_pre_instantiate(pre, &inst));
    CHECK(call_i32(s, inst, "call_host", 2, i, 1) == i + 1);
    brisk_instance_delete(inst);
  }
  /* Unresolvable imports fail at pre time, as a link error. */
  brisk_linker_t* empty = brisk_linker_new(s);
  brisk_module_t* m2 = load_module(s, "small");
  brisk_instance_pre_t* bad = NULL;
  brisk_result_t r = brisk_instance_pre_new(empty, m2, &bad);
  CHECK(r.status == BRISK_ERR_LINK && bad == NULL && strstr(r.message, "host.inc"));
  brisk_instance_pre_delete(pre);
  brisk_instance_t* inst = NULL;
  CHECK_STATUS(brisk_instance_pre_instantiate(pre, &inst), BRISK_ERR_ARGUMENT);
  brisk_store_delete(s);
}

/* Today's use-after-free: store A's memory imported into store B, then A
 * deleted. Objects of another store are now refused. */
static void cross_store(void) {
  brisk_store_t* a = new_store();
  brisk_store_t* b = new_store();
  brisk_module_t* lib_m = load_module(a, "lib");
  brisk_linker_t* la = brisk_linker_new(a);
  brisk_instance_t* lib = NULL;
  CHECK_OK(brisk_instantiate(la, lib_m, &lib));
  brisk_linker_t* lb = brisk_linker_new(b);
  CHECK_STATUS(brisk_linker_define_instance(lb, "lib", lib), BRISK_ERR_ARGUMENT);
  brisk_extern_t x;
  CHECK(brisk_instance_export_get(lib, "memory", &x));
  CHECK_STATUS(brisk_linker_define(lb, "lib", "memory", &x), BRISK_ERR_ARGUMENT);
  CHECK(brisk_instance_export_get(lib, "add", &x));
  CHECK_STATUS(brisk_linker_define(lb, "lib", "add", &x), BRISK_ERR_ARGUMENT);
  CHECK(brisk_instance_export_get(lib, "table", &x));
  CHECK_STATUS(brisk_linker_define(lb, "lib", "table", &x), BRISK_ERR_ARGUMENT);
  brisk_val_t args[2] = {val_i32(1), val_i32(2)}, res;
  CHECK_STATUS(brisk_func_call(b, brisk_instance_func(lib, "add"), args, 2, &res, 1), BRISK_ERR_ARGUMENT);
  uint64_t old;
  CHECK_STATUS(brisk_memory_grow(b, brisk_instance_memory_named(lib, "memory"), 1, &old), BRISK_ERR_ARGUMENT);
  /* The module itself is shared: store B may instantiate it. */
  brisk_instance_t* lib_b = NULL;
  CHECK_OK(brisk_instantiate(lb, lib_m, &lib_b));
  brisk_store_delete(a);
  brisk_module_t* imp_m = load_module(b, "importer");
  brisk_instance_t* imp = NULL;
  CHECK_STATUS(brisk_instantiate(lb, imp_m, &imp), BRISK_ERR_LINK); /* nothing of A got in */
  CHECK_OK(brisk_linker_define_instance(lb, "lib", lib_b));
  CHECK_OK(brisk_instantiate(lb, imp_m, &imp));
  CHECK(call_i32(b, imp, "use", 1, 1, 0) == 2);
  brisk_store_delete(b);
}

/* Deleting the running instance from its own host function takes effect
 * when the call returns. */
static brisk_instance_t* g_self;
static int delete_self(void* env, const uint64_t* args, uint64_t* results, const char** trap) {
  brisk_instance_delete(g_self);
  results[0] = 5;
  return 0;
}
static void delete_during_call(void) {
  brisk_store_t* s = new_store();
  brisk_module_t* m = load_module(s, "small");
  brisk_linker_t* l = brisk_linker_new(s);
  const brisk_valtype_t t[2] = {BRISK_I32, BRISK_I32};
  CHECK_OK(brisk_linker_define_func(l, "host", "inc", t, 2, t, 1, delete_self, NULL));
  CHECK_OK(brisk_instantiate(l, m, &g_self));
  brisk_func_t* f = brisk_instance_func(g_self, "call_host");
  brisk_memory_t* mem = brisk_instance_memory_named(g_self, "memory");
  brisk_val_t args[2] = {val_i32(1), val_i32(2)}, res;
  CHECK_OK(brisk_func_call(s, f, args, 2, &res, 1));
  CHECK(res.of.i32 == 5);
  /* Now it is gone: its function and memory handles are stale. */
  CHECK_STATUS(brisk_func_call(s, f, args, 2, &res, 1), BRISK_ERR_ARGUMENT);
  CHECK(brisk_memory_data(mem, NULL) == NULL);
  brisk_store_delete(s);
}

/* A funcref that outlives its instance (held in another instance's table)
 * is a shell: calling it traps, it never jumps into freed code. */
static void funcref_outlives_instance(void) {
  brisk_store_t* s = new_store();
  brisk_linker_t* l = brisk_linker_new(s);
  brisk_module_t* lib_m = load_module(s, "lib");
  brisk_instance_t* holder = NULL, *victim = NULL;
  CHECK_OK(brisk_instantiate(l, lib_m, &holder));
  CHECK_OK(brisk_instantiate(l, lib_m, &victim));
  brisk_val_t ref = brisk_val_funcref(brisk_instance_func(victim, "seven"));
  CHECK_OK(brisk_table_set(s, brisk_instance_table(holder, "table"), 0, &ref));
  CHECK_OK(brisk_linker_define_instance(l, "lib", holder));
  brisk_module_t* imp_m = load_module(s, "importer");
  brisk_instance_t* imp = NULL;
  CHECK_OK(brisk_instantiate(l, imp_m, &imp));
  CHECK(call_i32(s, imp, "call0", 0, 0, 0) == 7);
  brisk_instance_delete(victim);
  brisk_val_t res;
  brisk_result_t r = brisk_func_call(s, brisk_instance_func(imp, "call0"), NULL, 0, &res, 1);
  CHECK(r.status == BRISK_ERR_TRAP && r.trap_code == BRISK_TRAP_HOST && strstr(r.message, "deleted"));
  /* Churn: thousands of dead functions make the store sweep the shells no
   * table refers to; the one in holder's table must survive. */
  brisk_func_t* stale_handle = NULL;
  for (int i = 0; i < 3000; ++i) {
    brisk_instance_t* tmp = NULL;
    CHECK_OK(brisk_instantiate(l, lib_m, &tmp));
    if (i == 0) stale_handle = brisk_instance_func(tmp, "seven");
    brisk_instance_delete(tmp);
  }
  r = brisk_func_call(s, brisk_instance_func(imp, "call0"), NULL, 0, &res, 1);
  CHECK(r.status == BRISK_ERR_TRAP && r.trap_code == BRISK_TRAP_HOST && strstr(r.message, "deleted"));
  CHECK_STATUS(brisk_func_call(s, stale_handle, NULL, 0, &res, 1), BRISK_ERR_ARGUMENT);
  brisk_functype_t ft;
  CHECK(!brisk_func_type(stale_handle, &ft));
  brisk_val_t stale_ref = brisk_val_funcref(stale_handle);
  CHECK_STATUS(brisk_table_set(s, brisk_instance_table(holder, "table"), 0, &stale_ref), BRISK_ERR_ARGUMENT);
  /* The stale funcref in the table cannot be handed back out as callable. */
  brisk_val_t got;
  CHECK_OK(brisk_table_get(s, brisk_instance_table(holder, "table"), 0, &got));
  CHECK(got.type == BRISK_FUNCREF && got.of.ref != 0);
  CHECK(brisk_val_as_func(s, &got) == NULL);
  CHECK_STATUS(brisk_func_call(s, (brisk_func_t*)(uintptr_t)got.of.ref, NULL, 0, &res, 1), BRISK_ERR_ARGUMENT);
  brisk_store_delete(s);
}

/* A start function that traps: the instance is not returned and is freed. */
static void failed_instantiation_is_freed(void) {
  brisk_store_t* s = new_store();
  static const unsigned char kTrapStart[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01,
                                             0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x05, 0x03, 0x01, 0x00,
                                             0x01, 0x08, 0x01, 0x00, 0x0a, 0x05, 0x01, 0x03, 0x00, 0x00, 0x0b};
  brisk_module_t* m = NULL;
  CHECK_OK(brisk_module_new(s, kTrapStart, sizeof kTrapStart, &m));
  brisk_linker_t* l = brisk_linker_new(s);
  for (int i = 0; i < 20000; ++i) {
    brisk_instance_t* inst = (brisk_instance_t*)1;
    brisk_result_t r = brisk_instantiate(l, m, &inst);
    CHECK(r.status == BRISK_ERR_TRAP && r.trap_code == BRISK_TRAP_UNREACHABLE && inst == NULL);
  }
  brisk_store_delete(s);
}

int main(int argc, char** argv) {
  test_init(argc, argv);
  importer_keeps_exporter();
  memories_are_released();
  instance_pre();
  cross_store();
  delete_during_call();
  funcref_outlives_instance();
  failed_instantiation_is_freed();
  return TEST_DONE();
}

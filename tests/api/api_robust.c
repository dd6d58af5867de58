/* Bad inputs never crash the host: NULL and garbage arguments to every
 * function, stale handles, wrong counts and types, and the cases that
 * crashed before (forged funcrefs, cross-store imports, see api_refs.c and
 * api_lifetime.c). */
#include "api_test.h"

static const char* cb(brisk_caller_t* c, void* d, const brisk_val_t* a, size_t na, brisk_val_t* r, size_t nr) {
  return NULL;
}
static int raw(void* env, const uint64_t* args, uint64_t* results, const char** trap) { return 0; }

static void null_everything(void) {
  brisk_config_default(NULL);
  brisk_store_delete(NULL);
  brisk_store_interrupt(NULL);
  brisk_store_set_data(NULL, NULL);
  CHECK(brisk_store_get_data(NULL) == NULL);
  CHECK(brisk_trap_frame_count(NULL) == 0);
  brisk_module_t* m = (brisk_module_t*)1;
  CHECK_STATUS(brisk_module_new(NULL, NULL, 0, &m), BRISK_ERR_ARGUMENT);
  CHECK(m == NULL);
  brisk_module_delete(NULL);
  CHECK(brisk_module_import_count(NULL) == 0 && brisk_module_export_count(NULL) == 0);
  CHECK(!brisk_module_import(NULL, 0, NULL) && !brisk_module_export(NULL, 0, NULL));
  CHECK(brisk_module_custom_section(NULL, "x", 0, NULL) == NULL);
  CHECK(brisk_linker_new(NULL) == NULL);
  brisk_linker_delete(NULL);
  CHECK_STATUS(brisk_linker_define_func(NULL, "a", "b", NULL, 0, NULL, 0, raw, NULL), BRISK_ERR_ARGUMENT);
  CHECK_STATUS(brisk_linker_define(NULL, "a", "b", NULL), BRISK_ERR_ARGUMENT);
  CHECK_STATUS(brisk_linker_define_instance(NULL, "a", NULL), BRISK_ERR_ARGUMENT);
  brisk_func_t* f = (brisk_func_t*)1;
  CHECK_STATUS(brisk_func_new(NULL, NULL, 0, NULL, 0, cb, NULL, NULL, &f), BRISK_ERR_ARGUMENT);
  CHECK(f == NULL);
  CHECK_STATUS(brisk_func_delete(NULL, NULL), BRISK_ERR_ARGUMENT);
  brisk_instance_t* inst = (brisk_instance_t*)1;
  CHECK_STATUS(brisk_instantiate(NULL, NULL, &inst), BRISK_ERR_ARGUMENT);
  CHECK(inst == NULL);
  brisk_instance_delete(NULL);
  brisk_instance_pre_t* pre = (brisk_instance_pre_t*)1;
  CHECK_STATUS(brisk_instance_pre_new(NULL, NULL, &pre), BRISK_ERR_ARGUMENT);
  CHECK(pre == NULL);
  CHECK_STATUS(brisk_instance_pre_instantiate(NULL, &inst), BRISK_ERR_ARGUMENT);
  brisk_instance_pre_delete(NULL);
  CHECK(brisk_instance_func(NULL, "x") == NULL && brisk_instance_memory_named(NULL, "x") == NULL);
  CHECK(brisk_instance_table(NULL, "x") == NULL && brisk_instance_global(NULL, "x") == NULL);
  brisk_extern_t x;
  CHECK(!brisk_instance_export_get(NULL, "x", &x) && brisk_instance_export_count(NULL) == 0);
  CHECK(!brisk_instance_export_nth(NULL, 0, NULL, &x));
  size_t size = 5;
  CHECK(brisk_instance_memory(NULL, &size) == NULL && size == 0);
  CHECK_STATUS(brisk_func_call(NULL, NULL, NULL, 0, NULL, 0), BRISK_ERR_ARGUMENT);
  brisk_functype_t ft;
  CHECK(!brisk_func_type(NULL, &ft));
  CHECK(brisk_caller_store(NULL) == NULL && brisk_caller_store_data(NULL) == NULL);
  CHECK(!brisk_caller_export_get(NULL, "x", &x) && brisk_caller_func(NULL, "x") == NULL);
  CHECK(brisk_caller_memory_named(NULL, "x") == NULL && brisk_caller_table(NULL, "x") == NULL);
  CHECK(brisk_caller_global(NULL, "x") == NULL && brisk_caller_memory(NULL, &size) == NULL);
  CHECK(brisk_caller_exit(NULL, 1) != NULL);
  CHECK(brisk_memory_data(NULL, &size) == NULL && brisk_memory_pages(NULL) == 0);
  brisk_memorytype_t mt;
  CHECK(!brisk_memory_type(NULL, &mt));
  CHECK_STATUS(brisk_memory_grow(NULL, NULL, 1, NULL), BRISK_ERR_ARGUMENT);
  brisk_tabletype_t tt;
  CHECK(brisk_table_size(NULL) == 0 && !brisk_table_type(NULL, &tt));
  brisk_val_t v;
  CHECK_STATUS(brisk_table_get(NULL, NULL, 0, &v), BRISK_ERR_ARGUMENT);
  CHECK_STATUS(brisk_table_set(NULL, NULL, 0, &v), BRISK_ERR_ARGUMENT);
  CHECK_STATUS(brisk_table_grow(NULL, NULL, 0, NULL, NULL), BRISK_ERR_ARGUMENT);
  brisk_globaltype_t gt;
  CHECK(!brisk_global_type(NULL, &gt));
  CHECK_STATUS(brisk_global_get(NULL, NULL, &v), BRISK_ERR_ARGUMENT);
  CHECK_STATUS(brisk_global_set(NULL, NULL, &v), BRISK_ERR_ARGUMENT);
  CHECK(brisk_val_as_func(NULL, &v) == NULL);
  CHECK_STATUS(brisk_externref_new(NULL, NULL, NULL, &v), BRISK_ERR_ARGUMENT);
  void* d;
  CHECK_STATUS(brisk_externref_data(NULL, &v, &d), BRISK_ERR_ARGUMENT);
  CHECK_STATUS(brisk_externref_delete(NULL, &v), BRISK_ERR_ARGUMENT);
}

static void bad_arguments(void) {
  brisk_store_t* s = new_store();
  brisk_module_t* m = NULL;
  /* Invalid wasm: an error with an offset. */
  static const unsigned char kBad[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x7f};
  brisk_result_t r = brisk_module_new(s, kBad, sizeof kBad, &m);
  CHECK(r.status == BRISK_ERR_INVALID_MODULE && m == NULL && r.offset != UINT64_MAX && r.message[0]);
  CHECK_STATUS(brisk_module_new(s, NULL, 4, &m), BRISK_ERR_ARGUMENT);
  CHECK_STATUS(brisk_module_new(s, NULL, 0, &m), BRISK_ERR_INVALID_MODULE);
  m = load_module(s, "small");

  brisk_linker_t* l = brisk_linker_new(s);
  const brisk_valtype_t bogus = (brisk_valtype_t)0x55, i32 = BRISK_I32;
  CHECK_STATUS(brisk_linker_define_func(l, "host", "inc", &bogus, 1, NULL, 0, raw, NULL), BRISK_ERR_ARGUMENT);
  CHECK_STATUS(brisk_linker_define_func(l, "host", "inc", NULL, 2, NULL, 0, raw, NULL), BRISK_ERR_ARGUMENT);
  CHECK_STATUS(brisk_linker_define_func(l, "host", NULL, NULL, 0, NULL, 0, raw, NULL), BRISK_ERR_ARGUMENT);
  brisk_func_t* f = NULL;
  CHECK_STATUS(brisk_func_new(s, &bogus, 1, NULL, 0, cb, NULL, NULL, &f), BRISK_ERR_ARGUMENT);
  CHECK_STATUS(brisk_func_new(s, NULL, 0, NULL, 0, NULL, NULL, NULL, &f), BRISK_ERR_ARGUMENT);
  brisk_extern_t x;
  x.kind = (brisk_extern_kind_t)9;
  x.of.func = NULL;
  CHECK_STATUS(brisk_linker_define(l, "a", "b", &x), BRISK_ERR_ARGUMENT);
  x.kind = BRISK_EXTERN_MEMORY;
  int garbage[16] = {0};
  x.of.memory = (brisk_memory_t*)garbage; /* never dereferenced: not issued by the store */
  CHECK_STATUS(brisk_linker_define(l, "a", "b", &x), BRISK_ERR_ARGUMENT);
  CHECK_STATUS(brisk_memory_grow(s, (brisk_memory_t*)garbage, 1, NULL), BRISK_ERR_ARGUMENT);
  CHECK_STATUS(brisk_table_get(s, (brisk_table_t*)garbage, 0, NULL), BRISK_ERR_ARGUMENT);
  brisk_val_t v;
  CHECK_STATUS(brisk_global_get(s, (brisk_global_t*)garbage, &v), BRISK_ERR_ARGUMENT);
  CHECK_STATUS(brisk_func_call(s, (brisk_func_t*)garbage, NULL, 0, NULL, 0), BRISK_ERR_ARGUMENT);
  CHECK_STATUS(brisk_func_delete(s, (brisk_func_t*)garbage), BRISK_ERR_ARGUMENT);

  /* Missing import. */
  brisk_instance_t* inst = NULL;
  r = brisk_instantiate(l, m, &inst);
  CHECK(r.status == BRISK_ERR_LINK && strstr(r.message, "host.inc") && inst == NULL);
  /* Wrong import type. */
  CHECK_OK(brisk_linker_define_func(l, "host", "inc", &i32, 1, &i32, 1, raw, NULL));
  r = brisk_instantiate(l, m, &inst);
  CHECK(r.status == BRISK_ERR_LINK && strstr(r.message, "incompatible"));
  const brisk_valtype_t t2[2] = {BRISK_I32, BRISK_I32};
  CHECK_OK(brisk_linker_define_func(l, "host", "inc", t2, 2, t2, 1, raw, NULL)); /* redefinition replaces */
  CHECK_OK(brisk_instantiate(l, m, &inst));

  brisk_func_t* add = brisk_instance_func(inst, "add");
  brisk_val_t args[3] = {val_i32(1), val_i32(2), val_i32(3)}, res[2];
  /* Counts: too few/many args, results buffer too small or too big. */
  CHECK_STATUS(brisk_func_call(s, add, args, 1, res, 1), BRISK_ERR_ARGUMENT);
  CHECK_STATUS(brisk_func_call(s, add, args, 3, res, 1), BRISK_ERR_ARGUMENT);
  CHECK_STATUS(brisk_func_call(s, add, args, 2, res, 0), BRISK_ERR_ARGUMENT);
  CHECK_STATUS(brisk_func_call(s, add, args, 2, NULL, 1), BRISK_ERR_ARGUMENT);
  CHECK_STATUS(brisk_func_call(s, add, args, 2, res, 2), BRISK_ERR_ARGUMENT);
  /* Types. */
  brisk_val_t wrong[2] = {val_i64(1), val_i32(2)};
  r = brisk_func_call(s, add, wrong, 2, res, 1);
  CHECK(r.status == BRISK_ERR_ARGUMENT && strstr(r.message, "argument 0"));
  wrong[0].type = (brisk_valtype_t)0x12;
  CHECK_STATUS(brisk_func_call(s, add, wrong, 2, res, 1), BRISK_ERR_ARGUMENT);
  CHECK_OK(brisk_func_call(s, add, args, 2, res, 1));
  CHECK(res[0].of.i32 == 3);
  /* Exports that do not exist or are of another kind. */
  CHECK(brisk_instance_func(inst, "memory") == NULL && brisk_instance_func(inst, "") == NULL);
  CHECK(brisk_instance_global(inst, "add") == NULL && brisk_instance_table(inst, "g") == NULL);
  /* brisk_instance_memory follows growth. */
  size_t size;
  brisk_instance_memory(inst, &size);
  CHECK(size == 65536);
  uint64_t old;
  CHECK_OK(brisk_memory_grow(s, brisk_instance_memory_named(inst, "memory"), 2, &old));
  brisk_instance_memory(inst, &size);
  CHECK(size == 3 * 65536);
  /* Deleting twice, using after delete. */
  brisk_instance_delete(inst);
  brisk_instance_delete(inst);
  CHECK(brisk_instance_memory(inst, &size) == NULL);
  CHECK_STATUS(brisk_func_call(s, add, args, 2, res, 1), BRISK_ERR_ARGUMENT);
  CHECK_STATUS(brisk_linker_define_instance(l, "x", inst), BRISK_ERR_ARGUMENT);
  brisk_linker_delete(l);
  brisk_linker_delete(l);
  CHECK_STATUS(brisk_instantiate(l, m, &inst), BRISK_ERR_ARGUMENT);
  CHECK_STATUS(brisk_linker_define_func(l, "a", "b", NULL, 0, NULL, 0, raw, NULL), BRISK_ERR_ARGUMENT);
  brisk_module_delete(m);
  brisk_module_delete(m);
  brisk_linker_t* l2 = brisk_linker_new(s);
  CHECK_STATUS(brisk_instantiate(l2, m, &inst), BRISK_ERR_ARGUMENT);
  brisk_store_delete(s);
}

int main(int argc, char** argv) {
  test_init(argc, argv);
  null_everything();
  bad_arguments();
  return TEST_DONE();
}

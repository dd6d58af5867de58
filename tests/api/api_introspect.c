/* Point 5: introspection and every export kind: a module's imports and
 * exports with their types, custom sections by name, and an instance's
 * globals, tables, memories and functions through their handles. */
#include "api_test.h"

static const char* noop(brisk_caller_t* c, void* data, const brisk_val_t* args, size_t na, brisk_val_t* res,
                        size_t nr) {
  res[0].type = BRISK_F64;
  res[0].of.f64 = 0.5;
  return NULL;
}

/* (module) with two custom sections "meta" ("abc", then "de") and one
 * "other" ("x"), plus the name section wat2wasm does not make here. */
static const unsigned char kCustom[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
                                        0x00, 0x08, 0x04, 'm',  'e',  't',  'a',  'a',  'b',  'c',
                                        0x00, 0x07, 0x04, 'm',  'e',  't',  'a',  'd',  'e',
                                        0x00, 0x07, 0x05, 'o',  't',  'h',  'e',  'r',  'x'};

static void module_introspection(brisk_store_t* s) {
  brisk_module_t* m = load_module(s, "objects");
  CHECK(brisk_module_import_count(m) == 3);
  brisk_import_t imp;
  CHECK(brisk_module_import(m, 0, &imp));
  CHECK(strcmp(imp.module, "env") == 0 && strcmp(imp.name, "f") == 0 && imp.type.kind == BRISK_EXTERN_FUNC);
  CHECK(imp.type.of.func.num_params == 1 && imp.type.of.func.params[0] == BRISK_I64);
  CHECK(imp.type.of.func.num_results == 1 && imp.type.of.func.results[0] == BRISK_F64);
  CHECK(brisk_module_import(m, 1, &imp) && imp.type.kind == BRISK_EXTERN_TABLE);
  CHECK(imp.type.of.table.elem == BRISK_FUNCREF && imp.type.of.table.limits.min == 1);
  CHECK(imp.type.of.table.limits.has_max && imp.type.of.table.limits.max == 8);
  CHECK(brisk_module_import(m, 2, &imp) && imp.type.kind == BRISK_EXTERN_GLOBAL);
  CHECK(imp.type.of.global.type == BRISK_I64 && !imp.type.of.global.is_mutable);
  CHECK(!brisk_module_import(m, 3, &imp));

  size_t n = brisk_module_export_count(m);
  CHECK(n == 13);
  int seen = 0;
  for (size_t i = 0; i < n; ++i) {
    brisk_export_t e;
    CHECK(brisk_module_export(m, i, &e));
    if (strcmp(e.name, "mem") == 0) {
      CHECK(e.type.kind == BRISK_EXTERN_MEMORY && e.type.of.memory.limits.min == 1);
      CHECK(e.type.of.memory.limits.has_max && e.type.of.memory.limits.max == 3);
      seen |= 1;
    } else if (strcmp(e.name, "tab") == 0) {
      CHECK(e.type.kind == BRISK_EXTERN_TABLE && e.type.of.table.limits.min == 2 && e.type.of.table.limits.max == 10);
      seen |= 2;
    } else if (strcmp(e.name, "ext") == 0) {
      CHECK(e.type.kind == BRISK_EXTERN_TABLE && e.type.of.table.elem == BRISK_EXTERNREF &&
            !e.type.of.table.limits.has_max);
      seen |= 4;
    } else if (strcmp(e.name, "gm") == 0) {
      CHECK(e.type.kind == BRISK_EXTERN_GLOBAL && e.type.of.global.type == BRISK_I64 && e.type.of.global.is_mutable);
      seen |= 8;
    } else if (strcmp(e.name, "call_slot") == 0) {
      CHECK(e.type.kind == BRISK_EXTERN_FUNC && e.type.of.func.num_params == 3 && e.type.of.func.num_results == 1);
      seen |= 16;
    }
  }
  CHECK(seen == 31);
  brisk_export_t e;
  CHECK(!brisk_module_export(m, n, &e));

  brisk_module_t* c = NULL;
  CHECK_OK(brisk_module_new(s, kCustom, sizeof kCustom, &c));
  size_t len = 99;
  const uint8_t* p = brisk_module_custom_section(c, "meta", 0, &len);
  CHECK(p && len == 3 && memcmp(p, "abc", 3) == 0);
  p = brisk_module_custom_section(c, "meta", 1, &len);
  CHECK(p && len == 2 && memcmp(p, "de", 2) == 0);
  CHECK(brisk_module_custom_section(c, "meta", 2, &len) == NULL && len == 0);
  p = brisk_module_custom_section(c, "other", 0, &len);
  CHECK(p && len == 1 && p[0] == 'x');
  CHECK(brisk_module_custom_section(c, "missing", 0, &len) == NULL);
  CHECK(brisk_module_custom_section(m, "name", 0, &len) != NULL); /* wat2wasm --debug-names */
  brisk_module_delete(c);
  CHECK(brisk_module_export_count(c) == 0 && brisk_module_custom_section(c, "meta", 0, &len) == NULL);
  brisk_module_delete(m);
}

static void instance_exports(brisk_store_t* s) {
  brisk_linker_t* l = brisk_linker_new(s);
  brisk_instance_t* lib = NULL, *gi = NULL;
  CHECK_OK(brisk_instantiate(l, load_module(s, "lib"), &lib));
  CHECK_OK(brisk_instantiate(l, load_module(s, "global"), &gi));
  brisk_extern_t x;
  CHECK(brisk_instance_export_get(lib, "table", &x) && x.kind == BRISK_EXTERN_TABLE);
  CHECK_OK(brisk_linker_define(l, "env", "t", &x));
  CHECK(brisk_instance_export_get(gi, "g", &x) && x.kind == BRISK_EXTERN_GLOBAL);
  CHECK_OK(brisk_linker_define(l, "env", "g", &x));
  const brisk_valtype_t i64 = BRISK_I64, f64 = BRISK_F64;
  CHECK_OK(brisk_func_new(s, &i64, 1, &f64, 1, noop, NULL, NULL, &x.of.func));
  x.kind = BRISK_EXTERN_FUNC;
  CHECK_OK(brisk_linker_define(l, "env", "f", &x));
  brisk_instance_t* inst = NULL;
  CHECK_OK(brisk_instantiate(l, load_module(s, "objects"), &inst));

  /* Exports by index, every kind. */
  CHECK(brisk_instance_export_count(inst) == 13);
  int kinds = 0;
  for (size_t i = 0; i < brisk_instance_export_count(inst); ++i) {
    const char* name = NULL;
    CHECK(brisk_instance_export_nth(inst, i, &name, &x) && name);
    kinds |= 1 << x.kind;
  }
  CHECK(kinds == 15);

  /* Function types. */
  brisk_functype_t ft;
  CHECK(brisk_func_type(brisk_instance_func(inst, "add"), &ft));
  CHECK(ft.num_params == 2 && ft.params[0] == BRISK_I32 && ft.params[1] == BRISK_I32);
  CHECK(ft.num_results == 1 && ft.results[0] == BRISK_I32);
  CHECK(brisk_func_type(brisk_instance_func(inst, "identity"), &ft) && ft.params[0] == BRISK_FUNCREF);
  CHECK(brisk_instance_func(inst, "mem") == NULL && brisk_instance_func(inst, "nope") == NULL);

  /* Globals: typed get/set, mutability checked. */
  brisk_global_t* gi32 = brisk_instance_global(inst, "gi");
  brisk_global_t* gm = brisk_instance_global(inst, "gm");
  brisk_global_t* gf = brisk_instance_global(inst, "gf");
  CHECK(gi32 && gm && gf && brisk_instance_global(inst, "add") == NULL);
  brisk_globaltype_t gt;
  CHECK(brisk_global_type(gi32, &gt) && gt.type == BRISK_I32 && !gt.is_mutable);
  brisk_val_t v;
  CHECK_OK(brisk_global_get(s, gi32, &v));
  CHECK(v.type == BRISK_I32 && v.of.i32 == 42);
  brisk_val_t nv = val_i32(1);
  CHECK_STATUS(brisk_global_set(s, gi32, &nv), BRISK_ERR_ARGUMENT);
  CHECK_STATUS(brisk_global_set(s, gm, &nv), BRISK_ERR_ARGUMENT); /* i32 into i64 */
  nv = val_i64(1234567890123ll);
  CHECK_OK(brisk_global_set(s, gm, &nv));
  CHECK_OK(brisk_global_get(s, gm, &v));
  CHECK(v.type == BRISK_I64 && v.of.i64 == 1234567890123ll);
  brisk_val_t fref = brisk_val_funcref(brisk_instance_func(inst, "add"));
  CHECK_OK(brisk_global_set(s, gf, &fref));
  CHECK_OK(brisk_global_get(s, gf, &v));
  CHECK(brisk_val_as_func(s, &v) == brisk_instance_func(inst, "add"));
  /* The imported global is the exporter's. */
  CHECK_OK(brisk_global_get(s, brisk_instance_global(gi, "g"), &v));
  CHECK(v.of.i64 == 9);

  /* Tables: size, get, set, grow. */
  brisk_table_t* tab = brisk_instance_table(inst, "tab");
  CHECK(tab && brisk_table_size(tab) == 2);
  brisk_tabletype_t tt;
  CHECK(brisk_table_type(tab, &tt) && tt.elem == BRISK_FUNCREF && tt.limits.max == 10);
  CHECK_OK(brisk_table_get(s, tab, 0, &v));
  CHECK(brisk_val_as_func(s, &v) == brisk_instance_func(inst, "add")); /* from the elem segment */
  CHECK_OK(brisk_table_get(s, tab, 1, &v));
  CHECK(v.type == BRISK_FUNCREF && v.of.ref == 0);
  CHECK_STATUS(brisk_table_get(s, tab, 2, &v), BRISK_ERR_ARGUMENT);
  CHECK_STATUS(brisk_table_set(s, tab, 2, &fref), BRISK_ERR_ARGUMENT);
  uint32_t old = 0;
  CHECK_OK(brisk_table_grow(s, tab, 3, &fref, &old));
  CHECK(old == 2 && brisk_table_size(tab) == 5);
  CHECK_OK(brisk_table_get(s, tab, 4, &v));
  CHECK(brisk_val_as_func(s, &v) == brisk_instance_func(inst, "add"));
  CHECK_STATUS(brisk_table_grow(s, tab, 6, NULL, &old), BRISK_ERR_ARGUMENT); /* past max 10 */
  CHECK(brisk_table_size(tab) == 5);
  brisk_val_t args3[3] = {val_i32(4), val_i32(2), val_i32(3)};
  CHECK_OK(brisk_func_call(s, brisk_instance_func(inst, "call_slot"), args3, 3, &v, 1));
  CHECK(v.of.i32 == 5);
  brisk_table_t* ext = brisk_instance_table(inst, "ext");
  CHECK(brisk_table_type(ext, &tt) && tt.elem == BRISK_EXTERNREF);
  CHECK_STATUS(brisk_table_set(s, ext, 0, &fref), BRISK_ERR_ARGUMENT); /* funcref into externref table */

  /* Memories by name: data, size, grow, and memory 0. */
  brisk_memory_t* mem = brisk_instance_memory_named(inst, "mem");
  CHECK(mem && brisk_instance_memory_named(inst, "tab") == NULL);
  size_t size = 0;
  uint8_t* data = brisk_memory_data(mem, &size);
  CHECK(data && size == 65536 && brisk_memory_pages(mem) == 1);
  data[100] = 0x2a;
  brisk_val_t at = val_i32(100);
  CHECK_OK(brisk_func_call(s, brisk_instance_func(inst, "load"), &at, 1, &v, 1));
  CHECK(v.of.i32 == 0x2a);
  uint64_t old_pages = 0;
  CHECK_OK(brisk_memory_grow(s, mem, 2, &old_pages));
  CHECK(old_pages == 1 && brisk_memory_pages(mem) == 3);
  CHECK_STATUS(brisk_memory_grow(s, mem, 1, &old_pages), BRISK_ERR_ARGUMENT); /* max 3 */
  CHECK_OK(brisk_func_call(s, brisk_instance_func(inst, "mem_size"), NULL, 0, &v, 1));
  CHECK(v.of.i32 == 3);
  /* brisk_instance_memory sees the grown size. */
  uint8_t* m0 = brisk_instance_memory(inst, &size);
  CHECK(m0 == brisk_memory_data(mem, NULL) && size == 3 * 65536);
  m0[size - 1] = 7;
  brisk_memorytype_t mt;
  CHECK(brisk_memory_type(mem, &mt) && mt.limits.min == 3 && mt.limits.max == 3);
}

int main(int argc, char** argv) {
  test_init(argc, argv);
  brisk_store_t* s = new_store();
  module_introspection(s);
  instance_exports(s);
  brisk_store_delete(s);
  return TEST_DONE();
}

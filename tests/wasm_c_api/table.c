/* table: an exported funcref table read, written and grown from the host,
 * call_indirect through it (wasm and host functions, null and out-of-range
 * entries trap), and host-made tables of funcref and externref. */
#include "wasmc_test.h"

static wasm_trap_t* neg_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = -args->data[0].of.i32;
  return NULL;
}

static int32_t call_indirect(const wasm_func_t* f, int32_t arg, int32_t index, wasm_trap_t** trap) {
  wasm_val_t as[] = {WASM_I32_VAL(arg), WASM_I32_VAL(index)};
  wasm_val_t rs[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(as), results = WASM_ARRAY_VEC(rs);
  *trap = wasm_func_call(f, &args, &results);
  return *trap ? 0 : rs[0].of.i32;
}

static void check_call(const wasm_func_t* f, int32_t arg, int32_t index, int32_t expected) {
  wasm_trap_t* trap;
  int32_t r = call_indirect(f, arg, index, &trap);
  check_no_trap(trap, "call_indirect");
  CHECK(r == expected);
}

int main(int argc, char** argv) {
  wasm_engine_t* engine = test_engine(argc, argv);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "table");
  wasm_extern_vec_t no_imports = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, module, &no_imports, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_table_t* table = wasm_extern_as_table(find_export(module, &exports, "table"));
  wasm_func_t* call = wasm_extern_as_func(find_export(module, &exports, "call_indirect"));
  wasm_func_t* f = wasm_extern_as_func(find_export(module, &exports, "f"));
  wasm_func_t* g = wasm_extern_as_func(find_export(module, &exports, "g"));
  CHECK(table && call && f && g);
  CHECK(wasm_extern_as_func(find_export(module, &exports, "table")) == NULL);

  wasm_functype_t* neg_type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* h = wasm_func_new(store, neg_type, neg_callback);
  wasm_functype_delete(neg_type);

  /* Type and initial state. */
  wasm_tabletype_t* tt = wasm_table_type(table);
  CHECK(wasm_valtype_kind(wasm_tabletype_element(tt)) == WASM_FUNCREF);
  CHECK(wasm_tabletype_limits(tt)->min == 2 && wasm_tabletype_limits(tt)->max == 10);
  wasm_tabletype_delete(tt);
  CHECK(wasm_table_size(table) == 2);
  CHECK(wasm_table_get(table, 0) == NULL);
  wasm_ref_t* r1 = wasm_table_get(table, 1);
  CHECK(r1 != NULL && wasm_func_same(wasm_ref_as_func(r1), f));
  wasm_ref_delete(r1);
  CHECK(wasm_table_get(table, 2) == NULL); /* out of range */

  wasm_trap_t* trap;
  check_call(call, 7, 1, 7);
  call_indirect(call, 7, 0, &trap);
  check_trap(trap, "uninitialized element");
  CHECK(wasm_trap_origin(trap = wasm_func_call(call, NULL, NULL)) == NULL); /* bad arity: no frames */
  wasm_trap_delete(trap);
  call_indirect(call, 0, 2, &trap);
  check_trap(trap, "undefined element");

  /* Mutation: wasm and host functions in the table. */
  CHECK(wasm_table_set(table, 0, wasm_func_as_ref(g)));
  CHECK(wasm_table_set(table, 1, NULL));
  CHECK(!wasm_table_set(table, 2, wasm_func_as_ref(f))); /* out of range */
  CHECK(wasm_table_get(table, 1) == NULL);
  check_call(call, 7, 0, 666);
  call_indirect(call, 7, 1, &trap);
  check_trap(trap, "uninitialized element");
  CHECK(wasm_table_set(table, 1, wasm_func_as_ref(h)));
  check_call(call, 7, 1, -7);

  /* A foreign object is no funcref. */
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  CHECK(!wasm_table_set(table, 0, wasm_foreign_as_ref(foreign)));

  /* Growth, up to the maximum. */
  CHECK(wasm_table_grow(table, 3, NULL));
  CHECK(wasm_table_size(table) == 5);
  CHECK(wasm_table_set(table, 4, wasm_func_as_ref(h)));
  check_call(call, 5, 4, -5);
  CHECK(wasm_table_grow(table, 2, wasm_func_as_ref(f)));
  CHECK(wasm_table_size(table) == 7);
  check_call(call, 5, 6, 5);
  CHECK(!wasm_table_grow(table, 5, NULL)); /* past 10 */
  CHECK(wasm_table_size(table) == 7);
  CHECK(wasm_table_grow(table, 3, NULL));
  CHECK(!wasm_table_grow(table, 1, NULL));
  CHECK(wasm_table_size(table) == 10);

  /* Host-made tables. */
  wasm_limits_t limits = {5, 5};
  wasm_tabletype_t* fn_type = wasm_tabletype_new(wasm_valtype_new_funcref(), &limits);
  wasm_table_t* t2 = wasm_table_new(store, fn_type, wasm_func_as_ref(h));
  CHECK(t2 != NULL);
  wasm_tabletype_delete(fn_type);
  CHECK(wasm_table_size(t2) == 5);
  wasm_ref_t* e = wasm_table_get(t2, 4);
  CHECK(e != NULL && wasm_func_same(wasm_ref_as_func(e), h));
  wasm_ref_delete(e);
  CHECK(!wasm_table_grow(t2, 1, NULL));

  limits.min = 0;
  limits.max = wasm_limits_max_default;
  wasm_tabletype_t* ext_type = wasm_tabletype_new(wasm_valtype_new_externref(), &limits);
  wasm_table_t* t3 = wasm_table_new(store, ext_type, NULL);
  CHECK(t3 != NULL);
  wasm_tabletype_delete(ext_type);
  tt = wasm_table_type(t3);
  CHECK(wasm_valtype_kind(wasm_tabletype_element(tt)) == WASM_EXTERNREF);
  CHECK(wasm_tabletype_limits(tt)->min == 0 && wasm_tabletype_limits(tt)->max == wasm_limits_max_default);
  wasm_tabletype_delete(tt);
  CHECK(wasm_table_size(t3) == 0);
  CHECK(wasm_table_grow(t3, 2, wasm_foreign_as_ref(foreign)));
  e = wasm_table_get(t3, 1);
  CHECK(e != NULL && wasm_foreign_same(wasm_ref_as_foreign(e), foreign));
  wasm_ref_delete(e);
  CHECK(wasm_table_set(t3, 0, wasm_func_as_ref(f))); /* any reference is an externref */
  e = wasm_table_get(t3, 0);
  CHECK(e != NULL && wasm_func_same(wasm_ref_as_func(e), f));
  wasm_ref_delete(e);

  wasm_table_delete(t2);
  wasm_table_delete(t3);
  wasm_foreign_delete(foreign);
  wasm_func_delete(h);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("table: ok\n");
  return 0;
}

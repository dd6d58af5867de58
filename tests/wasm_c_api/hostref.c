/* hostref: host references (foreign objects, functions, any reference as
 * externref) through wasm globals, tables, calls and host callbacks, with
 * identity (wasm_ref_same), copies and host info kept. */
#include "wasmc_test.h"

static int g_callback_calls = 0;

/* Returns its argument (a copy: results are owned). */
static wasm_trap_t* identity_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  ++g_callback_calls;
  CHECK(args->data[0].kind == WASM_EXTERNREF);
  results->data[0].kind = WASM_EXTERNREF;
  results->data[0].of.ref = args->data[0].of.ref ? wasm_ref_copy(args->data[0].of.ref) : NULL;
  return NULL;
}

static wasm_ref_t* call_ref(const wasm_func_t* f, int nargs, wasm_val_t a0, wasm_val_t a1) {
  wasm_val_t r = call1(f, nargs, a0, a1);
  CHECK(wasm_valkind_is_ref(r.kind));
  return r.of.ref;
}

static void check_same(wasm_ref_t* got, const wasm_ref_t* expected) {
  if (!expected) {
    CHECK(got == NULL);
    return;
  }
  CHECK(got != NULL && wasm_ref_same(got, expected));
  CHECK(wasm_ref_get_host_info(got) == wasm_ref_get_host_info(expected));
  wasm_ref_delete(got);
}

int main(int argc, char** argv) {
  wasm_engine_t* engine = test_engine(argc, argv);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "hostref");

  wasm_functype_t* ft = wasm_functype_new_1_1(wasm_valtype_new_externref(), wasm_valtype_new_externref());
  wasm_func_t* callback = wasm_func_new(store, ft, identity_callback);
  wasm_functype_delete(ft);
  wasm_extern_t* externs[] = {wasm_func_as_extern(callback)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
#define FUNC(name) wasm_extern_as_func(find_export(module, &exports, name))
  wasm_func_t* global_set = FUNC("global.set");
  wasm_func_t* global_get = FUNC("global.get");
  wasm_func_t* table_set = FUNC("table.set");
  wasm_func_t* table_get = FUNC("table.get");
  wasm_func_t* func_call = FUNC("func.call");
  wasm_func_t* funcref_id = FUNC("funcref.id");
  wasm_global_t* global = wasm_extern_as_global(find_export(module, &exports, "global"));
  wasm_table_t* table = wasm_extern_as_table(find_export(module, &exports, "table"));

  wasm_foreign_t* host1 = wasm_foreign_new(store);
  wasm_foreign_t* host2 = wasm_foreign_new(store);
  wasm_foreign_set_host_info(host1, (void*)1);
  wasm_foreign_set_host_info(host2, (void*)2);
  wasm_ref_t* r1 = wasm_foreign_as_ref(host1);
  wasm_ref_t* r2 = wasm_foreign_as_ref(host2);
  CHECK(!wasm_ref_same(r1, r2));
  wasm_ref_t* r1_copy = wasm_ref_copy(r1);
  CHECK(wasm_ref_same(r1_copy, r1) && wasm_foreign_same(wasm_ref_as_foreign(r1_copy), host1));
  CHECK(wasm_ref_get_host_info(r1_copy) == (void*)1);
  wasm_ref_delete(r1_copy);

  const wasm_val_t NONE = WASM_INIT_VAL;
  /* Through a wasm global, from wasm and from the host. */
  check_same(call_ref(global_get, 0, NONE, NONE), NULL);
  call1(global_set, 1, (wasm_val_t)WASM_REF_VAL(r1), NONE);
  check_same(call_ref(global_get, 0, NONE, NONE), r1);
  wasm_val_t v;
  wasm_global_get(global, &v);
  check_same(v.of.ref, r1);
  v = (wasm_val_t)WASM_REF_VAL(r2);
  wasm_global_set(global, &v);
  check_same(call_ref(global_get, 0, NONE, NONE), r2);
  call1(global_set, 1, (wasm_val_t)WASM_REF_VAL(NULL), NONE);
  check_same(call_ref(global_get, 0, NONE, NONE), NULL);

  /* Through a table. */
  call1(table_set, 2, (wasm_val_t)WASM_I32_VAL(0), (wasm_val_t)WASM_REF_VAL(r1));
  call1(table_set, 2, (wasm_val_t)WASM_I32_VAL(1), (wasm_val_t)WASM_REF_VAL(r2));
  check_same(call_ref(table_get, 1, (wasm_val_t)WASM_I32_VAL(0), NONE), r1);
  check_same(call_ref(table_get, 1, (wasm_val_t)WASM_I32_VAL(1), NONE), r2);
  check_same(call_ref(table_get, 1, (wasm_val_t)WASM_I32_VAL(2), NONE), NULL);
  check_same(wasm_table_get(table, 1), r2);
  CHECK(wasm_table_set(table, 2, r1));
  check_same(call_ref(table_get, 1, (wasm_val_t)WASM_I32_VAL(2), NONE), r1);

  /* Through a host callback called by wasm. */
  check_same(call_ref(func_call, 1, (wasm_val_t)WASM_REF_VAL(r1), NONE), r1);
  check_same(call_ref(func_call, 1, (wasm_val_t)WASM_REF_VAL(NULL), NONE), NULL);
  CHECK(g_callback_calls == 2);

  /* A function is a reference too: as externref and as funcref. */
  wasm_ref_t* fref = wasm_func_as_ref(callback);
  check_same(call_ref(func_call, 1, (wasm_val_t)WASM_REF_VAL(fref), NONE), fref);
  wasm_val_t fv = {.kind = WASM_FUNCREF, .of = {.ref = fref}};
  wasm_ref_t* back = call_ref(funcref_id, 1, fv, NONE);
  CHECK(back != NULL && wasm_func_same(wasm_ref_as_func(back), callback));
  CHECK(wasm_ref_as_func_const(back) != NULL && wasm_ref_as_foreign(back) == NULL);
  wasm_ref_delete(back);
  /* A foreign object is not a funcref: the call is refused. */
  wasm_val_t bad_arg[] = {{.kind = WASM_FUNCREF, .of = {.ref = r1}}};
  wasm_val_t res[1];
  wasm_val_vec_t bad_args = WASM_ARRAY_VEC(bad_arg), results = WASM_ARRAY_VEC(res);
  check_trap(wasm_func_call(funcref_id, &bad_args, &results), "not a function");

  /* Handles dropped while wasm still holds the objects: identity stays. */
  wasm_foreign_delete(host1);
  wasm_ref_t* again = wasm_table_get(table, 0);
  CHECK(again != NULL && wasm_ref_get_host_info(again) == (void*)1);
  wasm_ref_t* again2 = wasm_table_get(table, 2);
  CHECK(wasm_ref_same(again, again2));
  wasm_ref_delete(again);
  wasm_ref_delete(again2);

  wasm_foreign_delete(host2);
  wasm_func_delete(callback);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("hostref: ok\n");
  return 0;
}

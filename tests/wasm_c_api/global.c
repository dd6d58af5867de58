/* global: host globals of every kind (const and var, numbers and
 * references) imported by wasm, exported globals, wasm_global_get/set from
 * the host seen by wasm and the other way round, and global types. */
#include "wasmc_test.h"

static wasm_trap_t* nop_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  return NULL;
}

static wasm_global_t* new_global(wasm_store_t* store, wasm_valkind_t kind, wasm_mutability_t mut, wasm_val_t init) {
  wasm_globaltype_t* type = wasm_globaltype_new(wasm_valtype_new(kind), mut);
  wasm_global_t* g = wasm_global_new(store, type, &init);
  if (!g) fprintf(stderr, "wasm_global_new: %s\n", wasm_store_brisk_last_error(store));
  CHECK(g != NULL);
  wasm_globaltype_delete(type);
  return g;
}

static wasm_val_t get(const wasm_global_t* g) {
  wasm_val_t v;
  wasm_global_get(g, &v);
  return v;
}

#define FUNC(name) wasm_extern_as_func(find_export(module, &exports, name))
#define GLOBAL(name) wasm_extern_as_global(find_export(module, &exports, name))
static const wasm_val_t NONE = WASM_INIT_VAL;

int main(int argc, char** argv) {
  wasm_engine_t* engine = test_engine(argc, argv);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "global");

  wasm_functype_t* ft = wasm_functype_new_0_0();
  wasm_func_t* nop = wasm_func_new(store, ft, nop_callback);
  wasm_functype_delete(ft);
  wasm_foreign_t* foreign = wasm_foreign_new(store);

  wasm_global_t* const_f32_import = new_global(store, WASM_F32, WASM_CONST, (wasm_val_t)WASM_F32_VAL(1));
  wasm_global_t* const_i64_import = new_global(store, WASM_I64, WASM_CONST, (wasm_val_t)WASM_I64_VAL(-2));
  wasm_global_t* var_f32_import = new_global(store, WASM_F32, WASM_VAR, (wasm_val_t)WASM_F32_VAL(3));
  wasm_global_t* var_i64_import = new_global(store, WASM_I64, WASM_VAR, (wasm_val_t)WASM_I64_VAL(4));
  wasm_global_t* var_ref_import = new_global(store, WASM_EXTERNREF, WASM_VAR, (wasm_val_t)WASM_REF_VAL(wasm_foreign_as_ref(foreign)));
  wasm_val_t func_init = {.kind = WASM_FUNCREF, .of = {.ref = wasm_func_as_ref(nop)}};
  wasm_global_t* const_func_import = new_global(store, WASM_FUNCREF, WASM_CONST, func_init);
  /* i32 and f64 too, with values beyond what a small LEB holds. */
  wasm_global_t* g_i32 = new_global(store, WASM_I32, WASM_CONST, (wasm_val_t)WASM_I32_VAL(-123456789));
  wasm_global_t* g_f64 = new_global(store, WASM_F64, WASM_CONST, (wasm_val_t)WASM_F64_VAL(2.5e300));
  CHECK(get(g_i32).of.i32 == -123456789 && get(g_f64).of.f64 == 2.5e300);

  /* An init value of the wrong kind, and an immutable non-null externref
   * (not expressible in brisk): NULL with a reason. */
  wasm_globaltype_t* i32_type = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_VAR);
  wasm_val_t wrong = WASM_I64_VAL(1);
  CHECK(wasm_global_new(store, i32_type, &wrong) == NULL);
  CHECK(strstr(wasm_store_brisk_last_error(store), "i64") != NULL);
  wasm_globaltype_delete(i32_type);

  /* Types. */
  wasm_globaltype_t* t = wasm_global_type(var_f32_import);
  CHECK(wasm_valtype_kind(wasm_globaltype_content(t)) == WASM_F32 && wasm_globaltype_mutability(t) == WASM_VAR);
  wasm_globaltype_t* t2 = wasm_globaltype_copy(t);
  CHECK(wasm_valtype_kind(wasm_globaltype_content(t2)) == WASM_F32);
  wasm_externtype_t* et = wasm_globaltype_as_externtype(t2);
  CHECK(wasm_externtype_kind(et) == WASM_EXTERN_GLOBAL && wasm_externtype_as_globaltype(et) == t2);
  CHECK(wasm_externtype_as_functype(et) == NULL);
  wasm_externtype_delete(et); /* deletes t2 */
  wasm_globaltype_delete(t);
  t = wasm_global_type(const_func_import);
  CHECK(wasm_valtype_kind(wasm_globaltype_content(t)) == WASM_FUNCREF && wasm_globaltype_mutability(t) == WASM_CONST);
  CHECK(wasm_valtype_is_ref(wasm_globaltype_content(t)));
  wasm_globaltype_delete(t);

  wasm_extern_t* externs[] = {wasm_global_as_extern(const_f32_import), wasm_global_as_extern(const_i64_import),
                              wasm_global_as_extern(var_f32_import),   wasm_global_as_extern(var_i64_import),
                              wasm_global_as_extern(var_ref_import),   wasm_global_as_extern(const_func_import)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
  check_no_trap(trap, "instantiate");
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);

  wasm_global_t* const_f32_export = GLOBAL("const f32");
  wasm_global_t* const_i64_export = GLOBAL("const i64");
  wasm_global_t* var_f32_export = GLOBAL("var f32");
  wasm_global_t* var_i64_export = GLOBAL("var i64");

  /* Initial values, read by the host and by wasm. */
  CHECK(get(const_f32_import).of.f32 == 1 && get(const_i64_import).of.i64 == -2);
  CHECK(get(var_f32_import).of.f32 == 3 && get(var_i64_import).of.i64 == 4);
  CHECK(get(const_f32_export).of.f32 == 5 && get(const_i64_export).of.i64 == 6);
  CHECK(get(var_f32_export).of.f32 == 7 && get(var_i64_export).of.i64 == 8);
  CHECK(call1(FUNC("get const f32 import"), 0, NONE, NONE).of.f32 == 1);
  CHECK(call1(FUNC("get const i64 import"), 0, NONE, NONE).of.i64 == -2);
  CHECK(call1(FUNC("get var f32 import"), 0, NONE, NONE).of.f32 == 3);
  CHECK(call1(FUNC("get var i64 import"), 0, NONE, NONE).of.i64 == 4);
  CHECK(call1(FUNC("get var f32 export"), 0, NONE, NONE).of.f32 == 7);
  CHECK(call1(FUNC("get var i64 export"), 0, NONE, NONE).of.i64 == 8);

  /* References keep their identity through globals and wasm. */
  wasm_val_t r = call1(FUNC("get var ref import"), 0, NONE, NONE);
  CHECK(r.kind == WASM_EXTERNREF && r.of.ref != NULL);
  CHECK(wasm_ref_same(r.of.ref, wasm_foreign_as_ref(foreign)));
  CHECK(wasm_ref_as_foreign(r.of.ref) != NULL && wasm_ref_as_func(r.of.ref) == NULL);
  wasm_val_delete(&r);
  r = call1(FUNC("get const funcref import"), 0, NONE, NONE);
  CHECK(r.kind == WASM_FUNCREF && r.of.ref != NULL);
  CHECK(wasm_func_same(wasm_ref_as_func(r.of.ref), nop));
  wasm_val_delete(&r);
  r = get(const_func_import);
  CHECK(wasm_func_same(wasm_ref_as_func(r.of.ref), nop));
  wasm_val_delete(&r);

  /* Set by the host, seen by wasm. */
  wasm_val_t v = WASM_F32_VAL(36);
  wasm_global_set(var_f32_import, &v);
  v = (wasm_val_t)WASM_I64_VAL(37);
  wasm_global_set(var_i64_import, &v);
  v = (wasm_val_t)WASM_F32_VAL(38);
  wasm_global_set(var_f32_export, &v);
  v = (wasm_val_t)WASM_I64_VAL(39);
  wasm_global_set(var_i64_export, &v);
  CHECK(call1(FUNC("get var f32 import"), 0, NONE, NONE).of.f32 == 36);
  CHECK(call1(FUNC("get var i64 import"), 0, NONE, NONE).of.i64 == 37);
  CHECK(call1(FUNC("get var f32 export"), 0, NONE, NONE).of.f32 == 38);
  CHECK(call1(FUNC("get var i64 export"), 0, NONE, NONE).of.i64 == 39);
  /* Setting a const global or with the wrong kind changes nothing. */
  v = (wasm_val_t)WASM_I64_VAL(99);
  wasm_global_set(const_i64_import, &v);
  CHECK(get(const_i64_import).of.i64 == -2);
  wasm_global_set(var_f32_import, &v);
  CHECK(get(var_f32_import).of.f32 == 36);
  CHECK(strstr(wasm_store_brisk_last_error(store), "wasm_global_set") != NULL);

  /* Set by wasm, seen by the host. */
  call1(FUNC("set var f32 import"), 1, (wasm_val_t)WASM_F32_VAL(76), NONE);
  call1(FUNC("set var i64 import"), 1, (wasm_val_t)WASM_I64_VAL(77), NONE);
  call1(FUNC("set var f32 export"), 1, (wasm_val_t)WASM_F32_VAL(78), NONE);
  call1(FUNC("set var i64 export"), 1, (wasm_val_t)WASM_I64_VAL(79), NONE);
  call1(FUNC("set var ref import"), 1, (wasm_val_t)WASM_REF_VAL(NULL), NONE);
  CHECK(get(var_f32_import).of.f32 == 76 && get(var_i64_import).of.i64 == 77);
  CHECK(get(var_f32_export).of.f32 == 78 && get(var_i64_export).of.i64 == 79);
  r = get(var_ref_import);
  CHECK(r.kind == WASM_EXTERNREF && r.of.ref == NULL);

  /* The same global, imported and seen again: one object. */
  wasm_global_t* copy = wasm_global_copy(var_f32_import);
  CHECK(wasm_global_same(copy, var_f32_import) && !wasm_global_same(copy, var_i64_import));
  wasm_global_delete(copy);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_global_delete(const_f32_import);
  wasm_global_delete(const_i64_import);
  wasm_global_delete(var_f32_import);
  wasm_global_delete(var_i64_import);
  wasm_global_delete(var_ref_import);
  wasm_global_delete(const_func_import);
  wasm_global_delete(g_i32);
  wasm_global_delete(g_f64);
  wasm_func_delete(nop);
  wasm_foreign_delete(foreign);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("global: ok\n");
  return 0;
}

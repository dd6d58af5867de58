/* reflect: a module's import and export types, the extern types of an
 * instance's exports, the as_* conversions between extern types and their
 * kinds, and copies of import/export types. */
#include "wasmc_test.h"

static wasm_trap_t* log_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  return NULL;
}

static void check_limits(const wasm_limits_t* l, uint32_t min, uint32_t max) {
  CHECK(l->min == min && l->max == max);
}

static void check_functype(const wasm_functype_t* t, size_t np, const wasm_valkind_t* ps, size_t nr,
                           const wasm_valkind_t* rs) {
  CHECK(t != NULL);
  CHECK(wasm_functype_params(t)->size == np && wasm_functype_results(t)->size == nr);
  for (size_t i = 0; i < np; ++i) CHECK(wasm_valtype_kind(wasm_functype_params(t)->data[i]) == ps[i]);
  for (size_t i = 0; i < nr; ++i) CHECK(wasm_valtype_kind(wasm_functype_results(t)->data[i]) == rs[i]);
}

int main(int argc, char** argv) {
  wasm_engine_t* engine = test_engine(argc, argv);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "reflect");

  /* Imports. */
  wasm_importtype_vec_t imports;
  wasm_module_imports(module, &imports);
  CHECK(imports.size == 4);
  const char* names[] = {"log", "limit", "mem", "tab"};
  const wasm_externkind_t kinds[] = {WASM_EXTERN_FUNC, WASM_EXTERN_GLOBAL, WASM_EXTERN_MEMORY, WASM_EXTERN_TABLE};
  for (size_t i = 0; i < 4; ++i) {
    CHECK(name_is(wasm_importtype_module(imports.data[i]), "env"));
    CHECK(name_is(wasm_importtype_name(imports.data[i]), names[i]));
    CHECK(wasm_externtype_kind(wasm_importtype_type(imports.data[i])) == kinds[i]);
  }
  const wasm_valkind_t log_ps[] = {WASM_I32, WASM_I64};
  check_functype(wasm_externtype_as_functype_const(wasm_importtype_type(imports.data[0])), 2, log_ps, 0, NULL);
  const wasm_globaltype_t* gt = wasm_externtype_as_globaltype_const(wasm_importtype_type(imports.data[1]));
  CHECK(gt && wasm_valtype_kind(wasm_globaltype_content(gt)) == WASM_I32 && wasm_globaltype_mutability(gt) == WASM_CONST);
  const wasm_memorytype_t* mt = wasm_externtype_as_memorytype_const(wasm_importtype_type(imports.data[2]));
  CHECK(mt != NULL);
  check_limits(wasm_memorytype_limits(mt), 1, 4);
  const wasm_tabletype_t* tt = wasm_externtype_as_tabletype_const(wasm_importtype_type(imports.data[3]));
  CHECK(tt && wasm_valtype_kind(wasm_tabletype_element(tt)) == WASM_FUNCREF);
  check_limits(wasm_tabletype_limits(tt), 1, wasm_limits_max_default);
  CHECK(wasm_externtype_as_tabletype_const(wasm_importtype_type(imports.data[2])) == NULL);

  /* A copy is deep and equal. */
  wasm_importtype_vec_t imports_copy;
  wasm_importtype_vec_copy(&imports_copy, &imports);
  wasm_importtype_vec_delete(&imports);
  CHECK(imports_copy.size == 4 && name_is(wasm_importtype_name(imports_copy.data[3]), "tab"));
  wasm_importtype_t* one = wasm_importtype_copy(imports_copy.data[0]);
  wasm_importtype_vec_delete(&imports_copy);
  CHECK(name_is(wasm_importtype_module(one), "env") && name_is(wasm_importtype_name(one), "log"));
  wasm_importtype_delete(one);

  /* Import and export types made by the host. */
  wasm_name_t mod_name, item_name;
  wasm_name_new_from_string(&mod_name, "m");
  wasm_name_new_from_string(&item_name, "x");
  wasm_limits_t lim = {2, 7};
  wasm_importtype_t* made =
      wasm_importtype_new(&mod_name, &item_name, wasm_memorytype_as_externtype(wasm_memorytype_new(&lim)));
  CHECK(name_is(wasm_importtype_module(made), "m") && name_is(wasm_importtype_name(made), "x"));
  check_limits(wasm_memorytype_limits(wasm_externtype_as_memorytype_const(wasm_importtype_type(made))), 2, 7);
  wasm_importtype_delete(made);
  wasm_name_t export_name;
  wasm_name_new_from_string_nt(&export_name, "e");
  CHECK(export_name.size == 2 && export_name.data[1] == '\0');
  wasm_exporttype_t* made_export = wasm_exporttype_new(&export_name, wasm_functype_as_externtype(wasm_functype_new_0_0()));
  wasm_exporttype_t* made_copy = wasm_exporttype_copy(made_export);
  wasm_exporttype_delete(made_export);
  CHECK(wasm_externtype_kind(wasm_exporttype_type(made_copy)) == WASM_EXTERN_FUNC);
  wasm_exporttype_delete(made_copy);

  /* Exports of the module. */
  wasm_exporttype_vec_t exports_t;
  wasm_module_exports(module, &exports_t);
  CHECK(exports_t.size == 5);
  const char* enames[] = {"func", "global", "table", "memory", "funcref global"};
  for (size_t i = 0; i < 5; ++i) CHECK(name_is(wasm_exporttype_name(exports_t.data[i]), enames[i]));
  const wasm_valkind_t func_ps[] = {WASM_I32, WASM_F64, WASM_F32}, func_rs[] = {WASM_I32};
  check_functype(wasm_externtype_as_functype_const(wasm_exporttype_type(exports_t.data[0])), 3, func_ps, 1, func_rs);
  wasm_exporttype_vec_delete(&exports_t);

  /* Instantiate with host objects of the imported types. */
  wasm_functype_t* log_type = wasm_functype_new_2_0(wasm_valtype_new_i32(), wasm_valtype_new_i64());
  wasm_func_t* log = wasm_func_new(store, log_type, (wasm_func_callback_t)NULL);
  CHECK(log == NULL); /* a callback is required */
  wasm_functype_delete(log_type);
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_instance_t* inst = wasm_instance_new(store, module, &none, NULL);
  CHECK(inst == NULL);

  /* Host objects of the imported types; wasm_extern_type describes them. */
  log_type = wasm_functype_new_2_0(wasm_valtype_new_i32(), wasm_valtype_new_i64());
  log = wasm_func_new(store, log_type, log_callback);
  wasm_functype_delete(log_type);
  wasm_globaltype_t* limit_type = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
  wasm_val_t limit_value = WASM_I32_VAL(3);
  wasm_global_t* limit = wasm_global_new(store, limit_type, &limit_value);
  wasm_globaltype_delete(limit_type);
  wasm_limits_t mem_limits = {1, 4}, tab_limits = {1, wasm_limits_max_default};
  wasm_memorytype_t* mem_type = wasm_memorytype_new(&mem_limits);
  wasm_memory_t* mem = wasm_memory_new(store, mem_type);
  wasm_memorytype_delete(mem_type);
  wasm_tabletype_t* tab_type = wasm_tabletype_new(wasm_valtype_new_funcref(), &tab_limits);
  wasm_table_t* tab = wasm_table_new(store, tab_type, NULL);
  wasm_tabletype_delete(tab_type);
  CHECK(log && limit && mem && tab);
  wasm_extern_t* externs[] = {wasm_func_as_extern(log), wasm_global_as_extern(limit), wasm_memory_as_extern(mem),
                              wasm_table_as_extern(tab)};
  for (size_t i = 0; i < 4; ++i) {
    wasm_externtype_t* et = wasm_extern_type(externs[i]);
    CHECK(wasm_externtype_kind(et) == kinds[i] && wasm_extern_kind(externs[i]) == kinds[i]);
    wasm_externtype_t* et_copy = wasm_externtype_copy(et);
    CHECK(wasm_externtype_kind(et_copy) == kinds[i]);
    wasm_externtype_delete(et_copy);
    wasm_externtype_delete(et);
  }
  /* Imports in the wrong order: a link error naming the import. */
  wasm_extern_t* swapped[] = {externs[1], externs[0], externs[2], externs[3]};
  wasm_extern_vec_t bad = WASM_ARRAY_VEC(swapped);
  wasm_trap_t* trap = NULL;
  CHECK(wasm_instance_new(store, module, &bad, &trap) == NULL);
  check_trap(trap, "env.log");

  wasm_extern_vec_t imports_v = WASM_ARRAY_VEC(externs);
  inst = wasm_instance_new(store, module, &imports_v, &trap);
  check_no_trap(trap, "instantiate");
  CHECK(inst != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(inst, &exports);
  CHECK(exports.size == 5);
  wasm_externtype_t* et = wasm_extern_type(exports.data[0]);
  check_functype(wasm_externtype_as_functype(et), 3, func_ps, 1, func_rs);
  wasm_externtype_delete(et);
  et = wasm_extern_type(exports.data[1]);
  const wasm_globaltype_t* egt = wasm_externtype_as_globaltype_const(et);
  CHECK(egt && wasm_valtype_kind(wasm_globaltype_content(egt)) == WASM_F64 && wasm_globaltype_mutability(egt) == WASM_VAR);
  wasm_externtype_delete(et);
  et = wasm_extern_type(exports.data[2]);
  const wasm_tabletype_t* ett = wasm_externtype_as_tabletype_const(et);
  CHECK(ett && wasm_valtype_kind(wasm_tabletype_element(ett)) == WASM_EXTERNREF);
  check_limits(wasm_tabletype_limits(ett), 0, 50);
  wasm_externtype_delete(et);
  et = wasm_extern_type(exports.data[3]);
  check_limits(wasm_memorytype_limits(wasm_externtype_as_memorytype(et)), 1, 4);
  CHECK(wasm_memory_same(wasm_extern_as_memory(exports.data[3]), mem)); /* the imported memory, re-exported */
  wasm_externtype_delete(et);
  et = wasm_extern_type(exports.data[4]);
  CHECK(wasm_valtype_kind(wasm_globaltype_content(wasm_externtype_as_globaltype(et))) == WASM_FUNCREF);
  wasm_externtype_delete(et);
  /* as_* between externs and their kinds, and refs. */
  CHECK(wasm_extern_as_global(exports.data[0]) == NULL && wasm_extern_as_func(exports.data[0]) != NULL);
  CHECK(wasm_func_as_extern(wasm_extern_as_func(exports.data[0])) == exports.data[0]);
  CHECK(wasm_ref_as_extern(wasm_extern_as_ref(exports.data[2])) == exports.data[2]);
  CHECK(wasm_ref_as_table(wasm_extern_as_ref(exports.data[2])) != NULL);
  CHECK(wasm_ref_as_memory_const(wasm_extern_as_ref_const(exports.data[2])) == NULL);
  CHECK(wasm_ref_as_instance(wasm_instance_as_ref(inst)) == inst);
  CHECK(wasm_ref_as_extern(wasm_instance_as_ref(inst)) == NULL);
  CHECK(wasm_ref_as_module(wasm_module_as_ref(module)) == module);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(inst);
  wasm_func_delete(log);
  wasm_global_delete(limit);
  wasm_memory_delete(mem);
  wasm_table_delete(tab);
  /* Vectors of every element type: empty, uninitialized (all null), filled
   * (adopting the elements), copied deeply, deleted with their elements. */
  wasm_valtype_vec_t vt;
  wasm_valtype_vec_new_empty(&vt);
  CHECK(vt.size == 0 && vt.data == NULL);
  wasm_valtype_vec_delete(&vt);
  wasm_functype_vec_t fts;
  wasm_functype_vec_new_uninitialized(&fts, 3);
  CHECK(fts.size == 3 && fts.data[0] == NULL && fts.data[2] == NULL);
  fts.data[1] = wasm_functype_new_0_2(wasm_valtype_new_f32(), wasm_valtype_new_funcref());
  wasm_functype_vec_t fts_copy;
  wasm_functype_vec_copy(&fts_copy, &fts);
  wasm_functype_vec_delete(&fts);
  CHECK(fts.size == 0 && fts.data == NULL);
  CHECK(fts_copy.size == 3 && fts_copy.data[0] == NULL);
  CHECK(wasm_valtype_kind(wasm_functype_results(fts_copy.data[1])->data[1]) == WASM_FUNCREF);
  wasm_functype_vec_delete(&fts_copy);
  wasm_limits_t l3 = {3, 9};
  wasm_globaltype_t* gts[] = {wasm_globaltype_new(wasm_valtype_new_i64(), WASM_VAR)};
  wasm_tabletype_t* tts[] = {wasm_tabletype_new(wasm_valtype_new_externref(), &l3)};
  wasm_memorytype_t* mts[] = {wasm_memorytype_new(&l3)};
  wasm_globaltype_vec_t gv;
  wasm_tabletype_vec_t tv;
  wasm_memorytype_vec_t mv;
  wasm_globaltype_vec_new(&gv, 1, gts);
  wasm_tabletype_vec_new(&tv, 1, tts);
  wasm_memorytype_vec_new(&mv, 1, mts);
  wasm_globaltype_vec_t gv2;
  wasm_tabletype_vec_t tv2;
  wasm_memorytype_vec_t mv2;
  wasm_globaltype_vec_copy(&gv2, &gv);
  wasm_tabletype_vec_copy(&tv2, &tv);
  wasm_memorytype_vec_copy(&mv2, &mv);
  CHECK(gv2.data[0] != gv.data[0] && wasm_globaltype_mutability(gv2.data[0]) == WASM_VAR);
  CHECK(wasm_tabletype_limits(tv2.data[0])->max == 9);
  CHECK(wasm_memorytype_limits(mv2.data[0])->min == 3);
  wasm_externtype_t* ets[] = {wasm_memorytype_as_externtype(wasm_memorytype_copy(mv.data[0])),
                              wasm_tabletype_as_externtype(wasm_tabletype_copy(tv.data[0]))};
  wasm_externtype_vec_t ev, ev2;
  wasm_externtype_vec_new(&ev, 2, ets);
  wasm_externtype_vec_copy(&ev2, &ev);
  CHECK(wasm_externtype_kind(ev2.data[1]) == WASM_EXTERN_TABLE);
  CHECK(wasm_externtype_as_tabletype(ev2.data[1]) != NULL && wasm_externtype_as_memorytype(ev2.data[1]) == NULL);
  wasm_externtype_vec_delete(&ev);
  wasm_externtype_vec_delete(&ev2);
  wasm_globaltype_vec_delete(&gv);
  wasm_globaltype_vec_delete(&gv2);
  wasm_tabletype_vec_delete(&tv);
  wasm_tabletype_vec_delete(&tv2);
  wasm_memorytype_vec_delete(&mv);
  wasm_memorytype_vec_delete(&mv2);
  wasm_exporttype_vec_t xv;
  wasm_module_exports(module, &xv);
  wasm_exporttype_vec_t xv2;
  wasm_exporttype_vec_copy(&xv2, &xv);
  wasm_exporttype_vec_delete(&xv);
  CHECK(xv2.size == 5 && name_is(wasm_exporttype_name(xv2.data[4]), "funcref global"));
  wasm_exporttype_vec_delete(&xv2);
  wasm_name_t nm, nm2;
  wasm_name_new_empty(&nm);
  CHECK(nm.size == 0);
  wasm_name_delete(&nm);
  wasm_name_new_from_string(&nm, "abc");
  wasm_name_copy(&nm2, &nm);
  CHECK(name_is(&nm2, "abc") && nm2.data != nm.data);
  wasm_name_delete(&nm);
  wasm_name_delete(&nm2);
  wasm_val_vec_t vals;
  wasm_val_t init[2] = {WASM_I32_VAL(5), WASM_F64_VAL(1.25)};
  wasm_val_vec_new(&vals, 2, init);
  CHECK(vals.data[1].kind == WASM_F64 && vals.data[1].of.f64 == 1.25);
  wasm_val_vec_delete(&vals);

  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("reflect: ok\n");
  return 0;
}

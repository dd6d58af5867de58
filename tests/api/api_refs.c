/* Point 6: references as checked handles. Funcrefs crossing the API are
 * brisk_func_t handles, externrefs registered ids; made-up, stale and
 * foreign values are BRISK_ERR_ARGUMENT (or, returned by a host function, a
 * trap), never a jump to a raw pointer. */
#include "api_test.h"

static brisk_val_t ref_val(brisk_valtype_t t, uint64_t bits) {
  brisk_val_t v;
  v.type = t;
  v.of.ref = bits;
  return v;
}

static uint64_t g_forged;
/* Raw flavour returning a made-up funcref. */
static int return_forged(void* env, const uint64_t* args, uint64_t* results, const char** trap) {
  results[0] = g_forged;
  return 0;
}
/* Caller flavour returning a made-up externref. */
static const char* return_bad_extern(brisk_caller_t* c, void* data, const brisk_val_t* args, size_t na,
                                     brisk_val_t* res, size_t nr) {
  res[0] = ref_val(BRISK_EXTERNREF, 0x1234567);
  return NULL;
}
/* Caller flavour passing a funcref through (it arrives as a handle). */
static const char* pass_func(brisk_caller_t* c, void* data, const brisk_val_t* args, size_t na, brisk_val_t* res,
                             size_t nr) {
  if (args[0].of.ref && !brisk_val_as_func(brisk_caller_store(c), &args[0])) return "argument is not a handle";
  res[0] = args[0];
  return NULL;
}

int main(int argc, char** argv) {
  test_init(argc, argv);
  brisk_store_t* s = new_store();
  brisk_store_t* other = new_store();
  brisk_module_t* m = load_module(s, "objects");
  brisk_linker_t* l = brisk_linker_new(s);
  /* objects.wat imports env.f (i64)->f64, env.t table, env.g i64. */
  brisk_module_t* lib_m = load_module(s, "lib");
  brisk_instance_t* lib = NULL;
  CHECK_OK(brisk_instantiate(l, lib_m, &lib));
  brisk_extern_t x;
  CHECK(brisk_instance_export_get(lib, "table", &x));
  CHECK_OK(brisk_linker_define(l, "env", "t", &x));
  const brisk_valtype_t i64 = BRISK_I64, f64 = BRISK_F64, fr = BRISK_FUNCREF, er = BRISK_EXTERNREF;
  brisk_func_t* hf = NULL;
  CHECK_OK(brisk_func_new(s, &fr, 1, &fr, 1, pass_func, NULL, NULL, &hf));
  brisk_func_t* f_i64 = NULL;
  CHECK_OK(brisk_func_new(s, &i64, 1, &f64, 1, return_bad_extern, NULL, NULL, &f_i64)); /* wrong type on purpose: unused */
  x.kind = BRISK_EXTERN_FUNC;
  x.of.func = f_i64;
  CHECK_OK(brisk_linker_define(l, "env", "f", &x));
  /* A global import from another module's export. */
  brisk_module_t* gm = load_module(s, "global");
  brisk_instance_t* gi = NULL;
  CHECK_OK(brisk_instantiate(l, gm, &gi));
  CHECK(brisk_instance_export_get(gi, "g", &x));
  CHECK_OK(brisk_linker_define(l, "env", "g", &x));
  brisk_instance_t* inst = NULL;
  CHECK_OK(brisk_instantiate(l, m, &inst));

  brisk_func_t* add = brisk_instance_func(inst, "add");
  brisk_func_t* identity = brisk_instance_func(inst, "identity");
  brisk_table_t* tab = brisk_instance_table(inst, "tab");

  /* Round trip: a handle in, the same handle out. */
  brisk_val_t in = brisk_val_funcref(add), out;
  CHECK_OK(brisk_func_call(s, identity, &in, 1, &out, 1));
  CHECK(out.type == BRISK_FUNCREF && out.of.ref == in.of.ref && brisk_val_as_func(s, &out) == add);
  brisk_val_t null_ref = ref_val(BRISK_FUNCREF, 0);
  CHECK_OK(brisk_func_call(s, identity, &null_ref, 1, &out, 1));
  CHECK(out.of.ref == 0);

  /* Forged funcrefs: a made-up integer, a pointer to non-handle memory, a
   * handle of another kind, a handle of another store. */
  int not_a_handle = 0;
  const uint64_t forged[] = {0x41414141u, (uint64_t)(uintptr_t)&not_a_handle, (uint64_t)(uintptr_t)tab,
                             (uint64_t)(uintptr_t)inst};
  for (size_t i = 0; i < sizeof forged / sizeof forged[0]; ++i) {
    brisk_val_t bad = ref_val(BRISK_FUNCREF, forged[i]);
    CHECK_STATUS(brisk_func_call(s, identity, &bad, 1, &out, 1), BRISK_ERR_ARGUMENT);
    CHECK_STATUS(brisk_table_set(s, tab, 1, &bad), BRISK_ERR_ARGUMENT);
    CHECK(brisk_val_as_func(s, &bad) == NULL);
  }
  brisk_func_t* foreign = NULL;
  CHECK_OK(brisk_func_new(other, &fr, 1, &fr, 1, pass_func, NULL, NULL, &foreign));
  brisk_val_t fv = brisk_val_funcref(foreign);
  CHECK_STATUS(brisk_func_call(s, identity, &fv, 1, &out, 1), BRISK_ERR_ARGUMENT);
  CHECK_STATUS(brisk_table_set(s, tab, 1, &fv), BRISK_ERR_ARGUMENT);
  /* A funcref argument of the wrong value type. */
  brisk_val_t as_i32 = val_i32(5);
  CHECK_STATUS(brisk_func_call(s, identity, &as_i32, 1, &out, 1), BRISK_ERR_ARGUMENT);

  /* A good funcref stored in a table is callable through call_indirect. */
  brisk_val_t good = brisk_val_funcref(add);
  CHECK_OK(brisk_table_set(s, tab, 1, &good));
  brisk_val_t args3[3] = {val_i32(1), val_i32(20), val_i32(22)}, r1;
  CHECK_OK(brisk_func_call(s, brisk_instance_func(inst, "call_slot"), args3, 3, &r1, 1));
  CHECK(r1.of.i32 == 42);
  /* A host function stored in the table: it gets handles, not pointers. */
  brisk_val_t hv = brisk_val_funcref(hf);
  CHECK_OK(brisk_table_set(s, tab, 1, &hv));
  brisk_val_t got;
  CHECK_OK(brisk_table_get(s, tab, 1, &got));
  CHECK(brisk_val_as_func(s, &got) == hf);
  CHECK_OK(brisk_func_call(s, hf, &good, 1, &out, 1));
  CHECK(brisk_val_as_func(s, &out) == add);

  /* A raw-flavour host function returning a forged funcref traps the guest. */
  brisk_linker_t* l2 = brisk_linker_new(s);
  CHECK_OK(brisk_linker_define_func(l2, "h", "forge", NULL, 0, &fr, 1, return_forged, NULL));
  brisk_module_t* fm = load_module(s, "forge");
  brisk_instance_t* fi = NULL;
  CHECK_OK(brisk_instantiate(l2, fm, &fi));
  g_forged = 0x4141414141ull;
  brisk_result_t r = brisk_func_call(s, brisk_instance_func(fi, "run"), NULL, 0, NULL, 0);
  CHECK(r.status == BRISK_ERR_TRAP && r.trap_code == BRISK_TRAP_HOST && strstr(r.message, "function handle"));
  g_forged = (uint64_t)(uintptr_t)add; /* a real handle: works */
  CHECK_STATUS(brisk_func_call(s, brisk_instance_func(fi, "run"), NULL, 0, NULL, 0), BRISK_ERR_TRAP);
  CHECK(strstr(brisk_func_call(s, brisk_instance_func(fi, "run"), NULL, 0, NULL, 0).message, "indirect call type"));

  /* Externrefs: registered ids, checked in, opaque in wasm, data back out. */
  int payload = 99, finalized = 0;
  brisk_val_t e1;
  CHECK_OK(brisk_externref_new(s, &payload, NULL, &e1));
  CHECK(e1.type == BRISK_EXTERNREF && e1.of.ref != 0);
  brisk_val_t set_args[2] = {val_i32(1), e1};
  CHECK_OK(brisk_func_call(s, brisk_instance_func(inst, "ext_set"), set_args, 2, NULL, 0));
  brisk_val_t idx = val_i32(1), back;
  CHECK_OK(brisk_func_call(s, brisk_instance_func(inst, "ext_get"), &idx, 1, &back, 1));
  void* data = NULL;
  CHECK_OK(brisk_externref_data(s, &back, &data));
  CHECK(data == &payload);
  brisk_val_t made_up = ref_val(BRISK_EXTERNREF, 0x777);
  set_args[1] = made_up;
  CHECK_STATUS(brisk_func_call(s, brisk_instance_func(inst, "ext_set"), set_args, 2, NULL, 0), BRISK_ERR_ARGUMENT);
  CHECK_STATUS(brisk_externref_data(s, &made_up, &data), BRISK_ERR_ARGUMENT);
  CHECK_STATUS(brisk_externref_data(other, &e1, &data), BRISK_ERR_ARGUMENT);
  CHECK_OK(brisk_externref_delete(s, &e1));
  CHECK_STATUS(brisk_externref_data(s, &e1, &data), BRISK_ERR_ARGUMENT); /* stale */
  CHECK_STATUS(brisk_externref_delete(s, &e1), BRISK_ERR_ARGUMENT);
  set_args[1] = e1;
  CHECK_STATUS(brisk_func_call(s, brisk_instance_func(inst, "ext_set"), set_args, 2, NULL, 0), BRISK_ERR_ARGUMENT);
  /* A new externref reusing the slot gets a new id; the old one stays stale. */
  brisk_val_t e2;
  CHECK_OK(brisk_externref_new(s, &finalized, (brisk_finalizer_t)0, &e2));
  CHECK(e2.of.ref != e1.of.ref);
  CHECK_STATUS(brisk_externref_data(s, &e1, &data), BRISK_ERR_ARGUMENT);
  /* The guest still holds the old id: it comes out, and does not resolve. */
  CHECK_OK(brisk_func_call(s, brisk_instance_func(inst, "ext_get"), &idx, 1, &back, 1));
  CHECK(back.of.ref == e1.of.ref);
  CHECK_STATUS(brisk_externref_data(s, &back, &data), BRISK_ERR_ARGUMENT);
  /* A host function returning a made-up externref traps. */
  brisk_func_t* bad_ext = NULL;
  CHECK_OK(brisk_func_new(s, NULL, 0, &er, 1, return_bad_extern, NULL, NULL, &bad_ext));
  r = brisk_func_call(s, bad_ext, NULL, 0, &back, 1);
  CHECK(r.status == BRISK_ERR_TRAP && strstr(r.message, "externref"));

  brisk_store_delete(other);
  brisk_store_delete(s);
  return TEST_DONE();
}

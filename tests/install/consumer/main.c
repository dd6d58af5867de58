/* A program that uses brisk the way an embedder does: only <brisk/brisk.h>
 * and the standard <wasm.h>, linked against an installed (or
 * add_subdirectory'd) libbrisk. It runs a small module in every execution
 * mode and bounds mode, through a host function and into a trap, then once
 * more through wasm.h, and exits nonzero on any wrong result. */
#include <brisk/brisk.h>
#include <wasm.h>

#include <stdio.h>
#include <string.h>

/* brisk's internal headers (src/) must not be on an embedder's include path. */
#if defined(__has_include)
#if __has_include("api/handles.h") || __has_include("core/module.h") || __has_include("runtime/store.h")
#error "brisk's internal headers (src/) are on the consumer's include path"
#endif
#endif

/* (module
 *   (import "host" "add_one" (func $add_one (param i32) (result i32)))
 *   (memory 1)
 *   (func $fac (export "fac") (param i64) (result i64)
 *     (if (result i64) (i64.le_u (local.get 0) (i64.const 1))
 *       (then (i64.const 1))
 *       (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
 *   (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
 *   (func (export "twice_plus_one") (param i32) (result i32)
 *     (call $add_one (i32.mul (local.get 0) (i32.const 2))))) */
static const unsigned char kModule[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0b, 0x02, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x01,
    0x7e, 0x01, 0x7e, 0x02, 0x10, 0x01, 0x04, 0x68, 0x6f, 0x73, 0x74, 0x07, 0x61, 0x64, 0x64, 0x5f, 0x6f, 0x6e,
    0x65, 0x00, 0x00, 0x03, 0x04, 0x03, 0x01, 0x00, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x1f, 0x03, 0x03,
    0x66, 0x61, 0x63, 0x00, 0x01, 0x04, 0x6c, 0x6f, 0x61, 0x64, 0x00, 0x02, 0x0e, 0x74, 0x77, 0x69, 0x63, 0x65,
    0x5f, 0x70, 0x6c, 0x75, 0x73, 0x5f, 0x6f, 0x6e, 0x65, 0x00, 0x03, 0x0a, 0x2b, 0x03, 0x17, 0x00, 0x20, 0x00,
    0x42, 0x01, 0x58, 0x04, 0x7e, 0x42, 0x01, 0x05, 0x20, 0x00, 0x20, 0x00, 0x42, 0x01, 0x7d, 0x10, 0x01, 0x7e,
    0x0b, 0x0b, 0x07, 0x00, 0x20, 0x00, 0x28, 0x02, 0x00, 0x0b, 0x09, 0x00, 0x20, 0x00, 0x41, 0x02, 0x6c, 0x10,
    0x00, 0x0b};

static int add_one(void* env, const uint64_t* args, uint64_t* results, const char** trap) {
  (void)trap;
  ++*(int*)env;
  results[0] = (uint32_t)((uint32_t)args[0] + 1);
  return 0;
}

static int failures = 0;

static void expect(int ok, const char* where, const char* what) {
  if (!ok) {
    fprintf(stderr, "FAIL %s: %s\n", where, what);
    ++failures;
  }
}

static brisk_result_t call1(brisk_store_t* store, brisk_instance_t* inst, const char* name, brisk_val_t arg,
                            brisk_val_t* result) {
  brisk_func_t* f = brisk_instance_func(inst, name);
  if (!f) {
    brisk_result_t missing = {.status = BRISK_ERR_ARGUMENT, .message = "export not found"};
    return missing;
  }
  return brisk_func_call(store, f, &arg, 1, result, 1);
}

static void run(brisk_mode_t mode, int explicit_bounds, const char* where) {
  brisk_config_t cfg;
  brisk_config_default(&cfg);
  cfg.mode = mode;
  cfg.explicit_bounds_checks = explicit_bounds;
  cfg.tier_up_threshold = 1; /* tiered: compile on the first call */
  brisk_store_t* store = brisk_store_new(&cfg);
  if (!store) {
    expect(0, where, "brisk_store_new returned NULL");
    return;
  }
  brisk_module_t* module = NULL;
  brisk_result_t r = brisk_module_new(store, kModule, sizeof kModule, &module);
  expect(r.status == BRISK_OK, where, "the module is valid");
  brisk_linker_t* linker = brisk_linker_new(store);
  brisk_valtype_t i32 = BRISK_I32;
  int host_calls = 0;
  r = brisk_linker_define_func(linker, "host", "add_one", &i32, 1, &i32, 1, add_one, &host_calls);
  expect(r.status == BRISK_OK, where, "define host.add_one");
  brisk_instance_t* inst = NULL;
  if (module) r = brisk_instantiate(linker, module, &inst);
  expect(inst != NULL && r.status == BRISK_OK, where, "instantiate");
  if (inst) {
    brisk_val_t res = {BRISK_I64, {.i64 = 0}};
    brisk_val_t arg64 = {BRISK_I64, {.i64 = 20}};
    r = call1(store, inst, "fac", arg64, &res);
    expect(r.status == BRISK_OK && res.of.i64 == 2432902008176640000LL, where, "fac(20) = 2432902008176640000");

    brisk_val_t arg32 = {BRISK_I32, {.i32 = 20}};
    r = call1(store, inst, "twice_plus_one", arg32, &res);
    expect(r.status == BRISK_OK && res.of.i32 == 41 && host_calls == 1, where,
           "twice_plus_one(20) = 41 through the host function");

    arg32.of.i32 = 65532;
    r = call1(store, inst, "load", arg32, &res);
    expect(r.status == BRISK_OK && res.of.i32 == 0, where, "load(65532) = 0");
    arg32.of.i32 = 65533;
    r = call1(store, inst, "load", arg32, &res);
    expect(r.status == BRISK_ERR_TRAP && r.message && strstr(r.message, "out of bounds"), where,
           "load(65533) traps: out of bounds memory access");
    /* The store is usable after a trap. */
    arg32.of.i32 = 4;
    r = call1(store, inst, "twice_plus_one", arg32, &res);
    expect(r.status == BRISK_OK && res.of.i32 == 9, where, "twice_plus_one(4) = 9 after the trap");
  }
  brisk_store_delete(store);
}

/* The same module through the standard C API. */
static wasm_trap_t* wasm_add_one(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + 1;
  return NULL;
}

static void run_wasm_h(void) {
  const char* where = "wasm.h";
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_byte_vec_t binary;
  wasm_byte_vec_new(&binary, sizeof kModule, (const wasm_byte_t*)kModule);
  wasm_module_t* module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  expect(module != NULL, where, "wasm_module_new");
  if (!module) return;
  wasm_functype_t* type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* add_one_func = wasm_func_new(store, type, wasm_add_one);
  wasm_functype_delete(type);
  wasm_extern_t* externs[] = {wasm_func_as_extern(add_one_func)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  expect(instance != NULL, where, "wasm_instance_new");
  if (instance) {
    wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);
    expect(exports.size == 3, where, "three exports");
    wasm_val_t as[1] = {WASM_I32_VAL(4)};
    wasm_val_t rs[1] = {WASM_INIT_VAL};
    wasm_val_vec_t args = WASM_ARRAY_VEC(as), results = WASM_ARRAY_VEC(rs);
    wasm_trap_t* trap = exports.size == 3 ? wasm_func_call(wasm_extern_as_func(exports.data[2]), &args, &results) : NULL;
    expect(!trap && rs[0].of.i32 == 9, where, "twice_plus_one(4) = 9");
    if (trap) wasm_trap_delete(trap);
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
  }
  wasm_func_delete(add_one_func);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

int main(void) {
  static const struct {
    brisk_mode_t mode;
    const char* name;
  } modes[] = {{BRISK_MODE_INTERP, "interp"}, {BRISK_MODE_JIT, "jit"}, {BRISK_MODE_TIERED, "tiered"}};
  for (size_t m = 0; m < sizeof modes / sizeof modes[0]; ++m) {
    for (int explicit_bounds = 0; explicit_bounds <= 1; ++explicit_bounds) {
      char where[64];
      snprintf(where, sizeof where, "%s, %s bounds", modes[m].name, explicit_bounds ? "explicit" : "guard-page");
      run(modes[m].mode, explicit_bounds, where);
    }
  }
  run_wasm_h();
  if (failures) {
    fprintf(stderr, "brisk consumer: %d check(s) failed\n", failures);
    return 1;
  }
  printf("brisk consumer: all checks passed\n");
  return 0;
}

/* v128 values through the C API (BRISK_V128, brisk_val_t.of.v128) in every
 * mode: arguments and results mixed with scalars, host functions with v128
 * in their type, globals, SIMD traps; and a scalar function (compiled in
 * jit/tiered mode) calling an interpreted SIMD function. */
#include <string.h>

#include "api_test.h"

static brisk_val_t v128_i32x4(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  brisk_val_t v;
  uint32_t lanes[4] = {a, b, c, d};
  v.type = BRISK_V128;
  memcpy(v.of.v128, lanes, 16);
  return v;
}
static int is_i32x4(const brisk_val_t* v, uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  brisk_val_t w = v128_i32x4(a, b, c, d);
  return v->type == BRISK_V128 && memcmp(v->of.v128, w.of.v128, 16) == 0;
}

/* (v128 x, i32 k) -> (i32 lane0(x) + k, x with every lane + k) */
static const char* vhost(brisk_caller_t* c, void* data, const brisk_val_t* args, size_t na, brisk_val_t* res,
                         size_t nr) {
  if (na != 2 || nr != 2 || args[0].type != BRISK_V128 || args[1].type != BRISK_I32) return "bad signature";
  uint32_t lanes[4];
  memcpy(lanes, args[0].of.v128, 16);
  res[0] = val_i32((int32_t)lanes[0] + args[1].of.i32);
  res[1] = v128_i32x4(lanes[0] + args[1].of.i32, lanes[1] + args[1].of.i32, lanes[2] + args[1].of.i32,
                      lanes[3] + args[1].of.i32);
  return NULL;
}

int main(int argc, char** argv) {
  test_init(argc, argv);
  brisk_store_t* s = new_store();
  brisk_module_t* m = load_module(s, "simd");
  brisk_linker_t* l = brisk_linker_new(s);
  const brisk_valtype_t hp[2] = {BRISK_V128, BRISK_I32}, hr[2] = {BRISK_I32, BRISK_V128};
  brisk_func_t* hf = NULL;
  CHECK_OK(brisk_func_new(s, hp, 2, hr, 2, vhost, NULL, NULL, &hf));
  brisk_extern_t x;
  x.kind = BRISK_EXTERN_FUNC;
  x.of.func = hf;
  CHECK_OK(brisk_linker_define(l, "env", "vhost", &x));
  brisk_instance_t* inst = NULL;
  CHECK_OK(brisk_instantiate(l, m, &inst));

  /* v128 arguments around a scalar one, a v128 result. */
  brisk_func_t* vadd = brisk_instance_func(inst, "vadd");
  CHECK(vadd != NULL);
  brisk_val_t args[3] = {v128_i32x4(1, 2, 3, 4), val_i32(100), v128_i32x4(10, 20, 30, 0xffffffffu)};
  brisk_val_t res[2];
  CHECK_OK(brisk_func_call(s, vadd, args, 3, res, 1));
  CHECK(is_i32x4(&res[0], 111, 122, 133, 103)); /* 4 + (2^32 - 1) + 100 wraps */
  /* A scalar where a v128 is expected is an argument error. */
  args[0] = val_i32(1);
  CHECK_STATUS(brisk_func_call(s, vadd, args, 3, res, 1), BRISK_ERR_ARGUMENT);

  /* Through a host function with v128 in its type. */
  brisk_func_t* via = brisk_instance_func(inst, "via_host");
  brisk_val_t a1 = v128_i32x4(7, 8, 9, 10);
  CHECK_OK(brisk_func_call(s, via, &a1, 1, res, 2));
  CHECK(res[0].type == BRISK_I32 && res[0].of.i32 == 12);
  CHECK(is_i32x4(&res[1], 12, 13, 14, 15));

  /* A mutable v128 global. */
  CHECK(brisk_instance_export_get(inst, "gv", &x));
  CHECK(x.kind == BRISK_EXTERN_GLOBAL);
  brisk_val_t g;
  CHECK_OK(brisk_global_get(s, x.of.global, &g));
  CHECK(is_i32x4(&g, 1, 2, 3, 4));
  brisk_val_t ng = v128_i32x4(5, 6, 7, 0x80000000u);
  CHECK_OK(brisk_global_set(s, x.of.global, &ng));
  CHECK_OK(brisk_global_get(s, x.of.global, &g));
  CHECK(is_i32x4(&g, 5, 6, 7, 0x80000000u));

  /* A scalar function calling a SIMD one (JIT code into the interpreter
   * in jit and tiered mode), enough calls to tier up. */
  brisk_func_t* sc = brisk_instance_func(inst, "scalar_calls_simd");
  for (int round = 0; round < 3; ++round) {
    brisk_val_t n = val_i32(1000);
    CHECK_OK(brisk_func_call(s, sc, &n, 1, res, 1));
    CHECK(res[0].of.i32 == 3 * 1000 * 999);
  }

  /* A SIMD load past the end traps precisely, with the SIMD function on top. */
  brisk_func_t* load = brisk_instance_func(inst, "load");
  brisk_val_t at = val_i32(65536 - 15);
  brisk_result_t r = brisk_func_call(s, load, &at, 1, res, 1);
  CHECK(r.status == BRISK_ERR_TRAP && r.trap_code == BRISK_TRAP_MEMORY_OUT_OF_BOUNDS);
  at = val_i32(65536 - 16);
  CHECK_OK(brisk_func_call(s, load, &at, 1, res, 1));
  CHECK(is_i32x4(&res[0], 0, 0, 0, 0));

  brisk_linker_delete(l);
  brisk_module_delete(m);
  brisk_store_delete(s);
  return TEST_DONE();
}

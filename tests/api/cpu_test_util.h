/* Shared by the limits/CPU-control C API tests: reading fixture modules,
 * checks that count failures, and the execution modes every test runs in.
 * Uses only the public header. */
#ifndef BRISK_TESTS_API_CPU_TEST_UTIL_H
#define BRISK_TESTS_API_CPU_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brisk/brisk.h"
#include "read_file.h"

static int g_failures = 0;
static int g_checks = 0;

#define CHECK(cond, ...)                                             \
  do {                                                               \
    ++g_checks;                                                      \
    if (!(cond)) {                                                   \
      ++g_failures;                                                  \
      fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                  \
      fputc('\n', stderr);                                           \
    }                                                                \
  } while (0)

/* Interp, JIT, and tiered with tier-up (and OSR) on the first call. */
static const brisk_mode_t kModes[] = {BRISK_MODE_INTERP, BRISK_MODE_JIT, BRISK_MODE_TIERED};
static const char* const kModeNames[] = {"interp", "jit", "tiered"};
#define NUM_MODES 3

static brisk_config_t mode_config(int m) {
  brisk_config_t c;
  brisk_config_default(&c);
  c.mode = kModes[m];
  if (c.mode == BRISK_MODE_TIERED) c.tier_up_threshold = 1;
  return c;
}

static const char* g_fixtures = ".";

static uint8_t* read_file(const char* name, size_t* len) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", g_fixtures, name);
  return api_read_file(path, len);
}

/* Decodes and instantiates {name} in {s} with no imports; NULL on failure
 * (the result is left in *r). */
static brisk_instance_t* instantiate_file(brisk_store_t* s, const char* name, brisk_result_t* r) {
  size_t len = 0;
  uint8_t* bytes = read_file(name, &len);
  brisk_module_t* m = NULL;
  *r = brisk_module_new(s, bytes, len, &m);
  free(bytes);
  if (r->status != BRISK_OK) return NULL;
  brisk_linker_t* l = brisk_linker_new(s);
  brisk_instance_t* inst = NULL;
  *r = brisk_instantiate(l, m, &inst);
  return inst;
}

static brisk_instance_t* must_instantiate(brisk_store_t* s, const char* name) {
  brisk_result_t r;
  brisk_instance_t* inst = instantiate_file(s, name, &r);
  if (!inst) {
    fprintf(stderr, "instantiating %s failed: %s\n", name, r.message);
    exit(2);
  }
  return inst;
}

/* Calls export {name} with up to one i32 argument and one i32 result. */
static brisk_result_t call_i32(brisk_store_t* s, brisk_instance_t* inst, const char* name, int nargs, int32_t arg,
                               int nresults, int32_t* result) {
  brisk_func_t* f = brisk_instance_func(inst, name);
  if (!f) {
    fprintf(stderr, "no export %s\n", name);
    exit(2);
  }
  brisk_val_t a, res;
  a.type = BRISK_I32;
  a.of.i32 = arg;
  res.type = BRISK_I32;
  res.of.i32 = 0;
  brisk_result_t r = brisk_func_call(s, f, &a, (size_t)nargs, &res, (size_t)nresults);
  if (result) *result = res.of.i32;
  return r;
}

static int finish(const char* what) {
  printf("%s: %d checks, %d failed\n", what, g_checks, g_failures);
  return g_failures ? 1 : 0;
}

#endif

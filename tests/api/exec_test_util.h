/* Helpers of the execution-plumbing C tests (native_stack.c, signals.c), through the public header only. */
#ifndef BRISK_EXEC_TEST_UTIL_H
#define BRISK_EXEC_TEST_UTIL_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brisk/brisk.h"
#include "read_file.h"

static int api_failures = 0;
#define CHECK(cond, ...)                                              \
  do {                                                                \
    if (!(cond)) {                                                    \
      fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                   \
      fprintf(stderr, "\n");                                          \
      api_failures++;                                                 \
    }                                                                 \
  } while (0)


/* A store of {mode} with {module_path} instantiated (no imports). */
typedef struct {
  brisk_store_t* store;
  brisk_instance_t* inst;
} api_env_t;

static inline api_env_t api_instantiate(const char* module_path, brisk_mode_t mode, int explicit_bounds,
                                        uint32_t tier_up_threshold) {
  api_env_t e;
  brisk_config_t cfg;
  brisk_config_default(&cfg);
  cfg.mode = mode;
  cfg.explicit_bounds_checks = explicit_bounds;
  cfg.tier_up_threshold = tier_up_threshold;
  e.store = brisk_store_new(&cfg);
  size_t len = 0;
  unsigned char* bytes = api_read_file(module_path, &len);
  brisk_module_t* m = NULL;
  brisk_result_t r = brisk_module_new(e.store, bytes, len, &m);
  free(bytes);
  if (r.status != BRISK_OK) {
    fprintf(stderr, "module: %s\n", r.message);
    exit(2);
  }
  r = brisk_instantiate(brisk_linker_new(e.store), m, &e.inst);
  if (r.status != BRISK_OK) {
    fprintf(stderr, "instantiate: %s\n", r.message);
    exit(2);
  }
  return e;
}

/* Calls export {name}(i32) -> i32. */
static inline brisk_result_t api_call_i32(api_env_t* e, const char* name, int32_t arg, int32_t* result) {
  brisk_val_t a, r;
  a.type = BRISK_I32;
  a.of.i32 = arg;
  r.of.i32 = 0;
  brisk_result_t res = brisk_func_call(e->store, brisk_instance_func(e->inst, name), &a, 1, &r, 1);
  if (result) *result = r.of.i32;
  return res;
}

static const struct {
  const char* name;
  brisk_mode_t mode;
  uint32_t threshold;
} api_modes[] = {
    {"interp", BRISK_MODE_INTERP, 0},
    {"jit", BRISK_MODE_JIT, 0},
    {"tiered1", BRISK_MODE_TIERED, 1},
    {"tiered", BRISK_MODE_TIERED, 0},
};
#define API_NUM_MODES (sizeof api_modes / sizeof api_modes[0])

#endif

/* Shared helpers of the C API tests: checks that print what failed, the
 * execution mode from argv[1] (interp, jit, tiered: tier-up threshold 1),
 * and loading the test modules compiled from wat/ at build time. Only the
 * public header is used. */
#ifndef BRISK_API_TEST_H
#define BRISK_API_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brisk/brisk.h"
#include "read_file.h"

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

#define CHECK_STATUS(expr, want)                                                                \
  do {                                                                                          \
    brisk_result_t r_ = (expr);                                                                 \
    if (r_.status != (want)) {                                                                  \
      fprintf(stderr, "%s:%d: %s: status %d (%s), want %d\n", __FILE__, __LINE__, #expr,        \
              (int)r_.status, r_.message ? r_.message : "(null)", (int)(want));                \
      exit(1);                                                                                  \
    }                                                                                           \
  } while (0)
#define CHECK_OK(expr) CHECK_STATUS(expr, BRISK_OK)

static brisk_config_t g_config;
static const char* g_mode_name = "interp";

/* Sets g_config from argv[1]. */
static inline void test_init(int argc, char** argv) {
  brisk_config_default(&g_config);
  if (argc > 1) g_mode_name = argv[1];
  if (strcmp(g_mode_name, "jit") == 0) {
    g_config.mode = BRISK_MODE_JIT;
  } else if (strcmp(g_mode_name, "tiered") == 0) {
    g_config.mode = BRISK_MODE_TIERED;
    g_config.tier_up_threshold = 1;
  } else if (strcmp(g_mode_name, "interp") != 0) {
    fprintf(stderr, "unknown mode %s\n", g_mode_name);
    exit(2);
  }
}

static inline brisk_store_t* new_store(void) {
  brisk_store_t* s = brisk_store_new(&g_config);
  CHECK(s != NULL);
  return s;
}

/* Reads BRISK_API_WASM_DIR/<name>.wasm (the caller frees it). */
static inline unsigned char* read_wasm(const char* name, size_t* len) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s.wasm", BRISK_API_WASM_DIR, name);
  return api_read_file(path, len);
}

static inline brisk_module_t* load_module(brisk_store_t* s, const char* name) {
  size_t len;
  unsigned char* bytes = read_wasm(name, &len);
  brisk_module_t* m = NULL;
  CHECK_OK(brisk_module_new(s, bytes, len, &m));
  free(bytes);
  return m;
}

static inline brisk_val_t val_i32(int32_t v) {
  brisk_val_t x;
  x.type = BRISK_I32;
  x.of.i32 = v;
  return x;
}
static inline brisk_val_t val_i64(int64_t v) {
  brisk_val_t x;
  x.type = BRISK_I64;
  x.of.i64 = v;
  return x;
}

/* Calls an (i32...)->i32 export and returns its result (must succeed). */
static inline int32_t call_i32(brisk_store_t* s, brisk_instance_t* inst, const char* name, int n, int32_t a, int32_t b) {
  brisk_func_t* f = brisk_instance_func(inst, name);
  CHECK(f != NULL);
  brisk_val_t args[2] = {val_i32(a), val_i32(b)}, res;
  CHECK_OK(brisk_func_call(s, f, args, (size_t)n, &res, 1));
  CHECK(res.type == BRISK_I32);
  return res.of.i32;
}

#define TEST_DONE() (printf("ok (%s)\n", g_mode_name), 0)

#endif

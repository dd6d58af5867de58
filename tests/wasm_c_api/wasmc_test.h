/* Shared helpers of the wasm.h tests: C programs using only <wasm.h> (and
 * <wasm_brisk.h> to choose the execution mode), linked with libbrisk.so.
 * argv[1]: interp, jit or tiered (tier-up at the first call); argv[2]: the
 * directory of the modules built from the .wat files here. Any mismatch
 * prints where and exits with status 1. */
#ifndef BRISK_WASMC_TEST_H
#define BRISK_WASMC_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasm.h>
#include <wasm_brisk.h>

#define CHECK(cond)                                                              \
  do {                                                                           \
    if (!(cond)) {                                                               \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);  \
      exit(1);                                                                   \
    }                                                                            \
  } while (0)

static const char* g_wasm_dir = ".";

/* The engine for the mode in argv[1]. */
static inline wasm_engine_t* test_engine(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s interp|jit|tiered WASM_DIR\n", argv[0]);
    exit(2);
  }
  g_wasm_dir = argv[2];
  wasm_config_t* config = wasm_config_new();
  CHECK(config != NULL);
  if (strcmp(argv[1], "interp") == 0) {
    CHECK(wasm_config_set_brisk_mode(config, WASM_BRISK_MODE_INTERP));
  } else if (strcmp(argv[1], "jit") == 0) {
    CHECK(wasm_config_set_brisk_mode(config, WASM_BRISK_MODE_JIT));
  } else if (strcmp(argv[1], "tiered") == 0) {
    CHECK(wasm_config_set_brisk_mode(config, WASM_BRISK_MODE_TIERED));
    wasm_config_set_brisk_tier_up_threshold(config, 1);
  } else {
    fprintf(stderr, "unknown mode %s\n", argv[1]);
    exit(2);
  }
  CHECK(!wasm_config_set_brisk_mode(config, (wasm_brisk_mode_t)7)); /* rejected, unchanged */
  wasm_engine_t* engine = wasm_engine_new_with_config(config);     /* takes the config */
  CHECK(engine != NULL);
  return engine;
}

/* Reads WASM_DIR/NAME.wasm into *out (owned). */
static inline void load_wasm(const char* name, wasm_byte_vec_t* out) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s.wasm", g_wasm_dir, name);
  FILE* f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(1);
  }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  wasm_byte_vec_new_uninitialized(out, (size_t)size);
  CHECK(fread(out->data, 1, (size_t)size, f) == (size_t)size);
  fclose(f);
}

static inline wasm_module_t* load_module(wasm_store_t* store, const char* name) {
  wasm_byte_vec_t binary;
  load_wasm(name, &binary);
  wasm_module_t* module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (!module) fprintf(stderr, "%s: %s\n", name, wasm_store_brisk_last_error(store));
  CHECK(module != NULL);
  return module;
}

/* Fails on a trap, printing its message. */
static inline void check_no_trap(wasm_trap_t* trap, const char* what) {
  if (!trap) return;
  wasm_message_t m;
  wasm_trap_message(trap, &m);
  fprintf(stderr, "%s trapped: %s\n", what, m.data);
  exit(1);
}

/* Checks that {trap} is a trap whose message contains {text}; deletes it. */
static inline void check_trap(wasm_trap_t* trap, const char* text) {
  CHECK(trap != NULL);
  wasm_message_t m;
  wasm_trap_message(trap, &m);
  CHECK(m.size > 0 && m.data != NULL && m.data[m.size - 1] == '\0');
  if (!strstr(m.data, text)) {
    fprintf(stderr, "trap message \"%s\" lacks \"%s\"\n", m.data, text);
    exit(1);
  }
  wasm_byte_vec_delete(&m);
  wasm_trap_delete(trap);
}

static inline int name_is(const wasm_name_t* n, const char* s) {
  return n->size == strlen(s) && memcmp(n->data, s, n->size) == 0;
}

/* The instance's export called {name} (borrowed from *exports, which
 * wasm_instance_exports filled), found through the module's export types. */
static inline wasm_extern_t* find_export(const wasm_module_t* module, wasm_extern_vec_t* exports, const char* name) {
  wasm_exporttype_vec_t types;
  wasm_module_exports(module, &types);
  CHECK(types.size == exports->size);
  wasm_extern_t* found = NULL;
  for (size_t i = 0; i < types.size; ++i)
    if (name_is(wasm_exporttype_name(types.data[i]), name)) found = exports->data[i];
  wasm_exporttype_vec_delete(&types);
  if (!found) fprintf(stderr, "no export %s\n", name);
  CHECK(found != NULL);
  return found;
}

/* Calls a function of at most 2 arguments and 1 result; returns the result
 * (owned) or fails on a trap. */
static inline wasm_val_t call1(const wasm_func_t* f, int nargs, wasm_val_t a0, wasm_val_t a1) {
  wasm_val_t as[2] = {a0, a1};
  wasm_val_t rs[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = {(size_t)nargs, as}, results = {wasm_func_result_arity(f), rs};
  CHECK(results.size <= 1);
  check_no_trap(wasm_func_call(f, &args, &results), "call1");
  return rs[0];
}

#endif

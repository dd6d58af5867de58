/* Embedding brisk from C: load a module, provide a host function, call an
 * export, and handle a trap as an error value.
 *   cc examples/embed.c $(pkg-config --cflags --libs brisk) -o embed   (brisk installed: see README) */
#include <stdio.h>

#include "brisk/brisk.h"

/* (module (import "host" "twice" (func $twice (param i32) (result i32)))
 *   (func (export "run") (param i32) (result i32) (call $twice (local.get 0)))
 *   (func (export "boom") unreachable)) */
static const unsigned char kModule[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x09, 0x02, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60,
    0x00, 0x00, 0x02, 0x0e, 0x01, 0x04, 0x68, 0x6f, 0x73, 0x74, 0x05, 0x74, 0x77, 0x69, 0x63, 0x65, 0x00,
    0x00, 0x03, 0x03, 0x02, 0x00, 0x01, 0x07, 0x0e, 0x02, 0x03, 0x72, 0x75, 0x6e, 0x00, 0x01, 0x04, 0x62,
    0x6f, 0x6f, 0x6d, 0x00, 0x02, 0x0a, 0x0c, 0x02, 0x06, 0x00, 0x20, 0x00, 0x10, 0x00, 0x0b, 0x03, 0x00,
    0x00, 0x0b};

static int twice(void* env, const uint64_t* args, uint64_t* results, const char** trap) {
  (void)env;
  (void)trap;
  results[0] = (uint32_t)args[0] * 2;
  return 0;
}

int main(void) {
  brisk_config_t cfg;
  brisk_config_default(&cfg);
  cfg.mode = BRISK_MODE_TIERED;
  brisk_store_t* store = brisk_store_new(&cfg);
  brisk_module_t* module;
  brisk_result_t r = brisk_module_new(store, kModule, sizeof kModule, &module);
  if (r.status != BRISK_OK) {
    fprintf(stderr, "invalid module at offset %llu: %s\n", (unsigned long long)r.offset, r.message);
    return 1;
  }
  brisk_linker_t* linker = brisk_linker_new(store);
  brisk_valtype_t i32 = BRISK_I32;
  brisk_linker_define_func(linker, "host", "twice", &i32, 1, &i32, 1, twice, NULL);
  brisk_instance_t* inst;
  r = brisk_instantiate(linker, module, &inst);
  if (r.status != BRISK_OK) {
    fprintf(stderr, "instantiate: %s\n", r.message);
    return 1;
  }
  brisk_val_t arg = {BRISK_I32, {.i32 = 21}}, res;
  r = brisk_func_call(store, brisk_instance_func(inst, "run"), &arg, 1, &res, 1);
  printf("run(21) = %d\n", res.of.i32);
  r = brisk_func_call(store, brisk_instance_func(inst, "boom"), NULL, 0, NULL, 0);
  printf("boom: %s (status %d)\n", r.message, (int)r.status);
  brisk_store_delete(store);
  return 0;
}

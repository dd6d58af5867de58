// Instruction counts of a host->guest call (the two-int "add" of
// small_module.h through brisk_func_call), for callgrind, which counts the
// same on a loaded machine as on an idle one:
//
//   valgrind --tool=callgrind --toggle-collect=brisk_func_call
//       build/bench/brisk_api_call_count jit 100000   (one command line)
//
// gives the instructions of 100000 calls (divide; setup is not collected).
// Prints the last result so that a broken call cannot go unnoticed.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "brisk/brisk.h"
#include "small_module.h"

namespace {
int raw_inc(void*, const uint64_t* args, uint64_t* results, const char**) {
  results[0] = uint32_t(args[0] + args[1]);
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || (std::strcmp(argv[1], "interp") != 0 && std::strcmp(argv[1], "jit") != 0)) {
    std::fprintf(stderr, "usage: %s interp|jit CALLS\n", argv[0]);
    return 2;
  }
  const long calls = std::atol(argv[2]);
  brisk_config_t cfg;
  brisk_config_default(&cfg);
  cfg.mode = std::strcmp(argv[1], "jit") == 0 ? BRISK_MODE_JIT : BRISK_MODE_INTERP;
  brisk_store_t* store = brisk_store_new(&cfg);
  brisk_module_t* module = nullptr;
  brisk_instance_t* inst = nullptr;
  brisk_linker_t* linker = brisk_linker_new(store);
  const brisk_valtype_t t[2] = {BRISK_I32, BRISK_I32};
  if (brisk_module_new(store, kSmall, sizeof kSmall, &module).status != BRISK_OK ||
      brisk_linker_define_func(linker, "host", "inc", t, 2, t, 1, raw_inc, nullptr).status != BRISK_OK ||
      brisk_instantiate(linker, module, &inst).status != BRISK_OK) {
    std::fprintf(stderr, "setup failed\n");
    return 1;
  }
  brisk_func_t* add = brisk_instance_func(inst, "add");
  brisk_val_t args[2], res;
  args[0].type = args[1].type = BRISK_I32;
  args[0].of.i32 = 1;
  args[1].of.i32 = 2;
  res.of.i32 = 0;
  for (long i = 0; i < calls; ++i) {
    if (brisk_func_call(store, add, args, 2, &res, 1).status != BRISK_OK) {
      std::fprintf(stderr, "call %ld failed\n", i);
      return 1;
    }
    args[0].of.i32 = res.of.i32 & 0xffff;
  }
  std::printf("%ld calls, last result %d\n", calls, res.of.i32);
  brisk_store_delete(store);
  return 0;
}

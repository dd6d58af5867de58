// Instruction counts of the C API's call paths with the two-int functions of
// small_module.h, for callgrind, which counts the same on a loaded machine
// as on an idle one:
//
//   valgrind --tool=callgrind --toggle-collect=brisk_func_call
//       build/bench/brisk_api_call_count jit 100000   (one command line)
//
// gives the instructions of 100000 calls (divide; setup is not collected).
// Kinds (third argument, default h2g):
//   h2g         host->guest: CALLS calls of "add" through brisk_func_call
//   g2h         guest->host: one call of "loop_host", which makes CALLS
//               calls of the raw host function (brisk_linker_define_func)
//   g2h-caller  the same with the caller-context flavour (brisk_func_new)
// (g2h counts include the wasm loop around each host call: a few
// instructions, as in the BM_ApiGuestToHost* benchmarks.)
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
const char* caller_inc(brisk_caller_t*, void*, const brisk_val_t* args, size_t, brisk_val_t* results, size_t) {
  results[0].of.i32 = args[0].of.i32 + args[1].of.i32;
  return nullptr;
}
}  // namespace

int main(int argc, char** argv) {
  const char* kind = argc == 4 ? argv[2] : "h2g";
  const bool known_kind =
      std::strcmp(kind, "h2g") == 0 || std::strcmp(kind, "g2h") == 0 || std::strcmp(kind, "g2h-caller") == 0;
  if ((argc != 3 && argc != 4) || !known_kind ||
      (std::strcmp(argv[1], "interp") != 0 && std::strcmp(argv[1], "jit") != 0)) {
    std::fprintf(stderr, "usage: %s interp|jit [h2g|g2h|g2h-caller] CALLS\n", argv[0]);
    return 2;
  }
  const long calls = std::atol(argv[argc - 1]);
  const bool caller_flavour = std::strcmp(kind, "g2h-caller") == 0;
  brisk_config_t cfg;
  brisk_config_default(&cfg);
  cfg.mode = std::strcmp(argv[1], "jit") == 0 ? BRISK_MODE_JIT : BRISK_MODE_INTERP;
  brisk_store_t* store = brisk_store_new(&cfg);
  brisk_module_t* module = nullptr;
  brisk_instance_t* inst = nullptr;
  brisk_linker_t* linker = brisk_linker_new(store);
  const brisk_valtype_t t[2] = {BRISK_I32, BRISK_I32};
  bool defined;
  if (caller_flavour) {
    brisk_func_t* f = nullptr;
    brisk_extern_t x;
    x.kind = BRISK_EXTERN_FUNC;
    defined = brisk_func_new(store, t, 2, t, 1, caller_inc, nullptr, nullptr, &f).status == BRISK_OK &&
              (x.of.func = f, brisk_linker_define(linker, "host", "inc", &x).status == BRISK_OK);
  } else {
    defined = brisk_linker_define_func(linker, "host", "inc", t, 2, t, 1, raw_inc, nullptr).status == BRISK_OK;
  }
  if (brisk_module_new(store, kSmall, sizeof kSmall, &module).status != BRISK_OK || !defined ||
      brisk_instantiate(linker, module, &inst).status != BRISK_OK) {
    std::fprintf(stderr, "setup failed\n");
    return 1;
  }
  brisk_val_t args[2], res;
  args[0].type = args[1].type = BRISK_I32;
  res.of.i32 = 0;
  if (std::strcmp(kind, "h2g") != 0) {
    brisk_func_t* loop = brisk_instance_func(inst, "loop_host");
    args[0].of.i32 = int32_t(calls);
    if (brisk_func_call(store, loop, args, 1, &res, 1).status != BRISK_OK || res.of.i32 != int32_t(calls)) {
      std::fprintf(stderr, "loop_host(%ld) failed or returned %d\n", calls, res.of.i32);
      return 1;
    }
    std::printf("%ld host calls, result %d\n", calls, res.of.i32);
    brisk_store_delete(store);
    return 0;
  }
  brisk_func_t* add = brisk_instance_func(inst, "add");
  args[0].of.i32 = 1;
  args[1].of.i32 = 2;
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

// Helpers shared by the C++ wrapper tests (cpp_wrapper_test.cc, cpp_wasi_test.cc), which use
// <brisk/brisk.hpp> only: checks that print where they failed and exit 1, reading a module, and
// the Config of the mode named in argv[1].
#pragma once
#include <brisk/brisk.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#define CHECK(cond)                                                                 \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      std::exit(1);                                                                 \
    }                                                                               \
  } while (0)
// A Result that must be ok (prints the error otherwise).
#define CHECK_OK(res)                                                                     \
  do {                                                                                    \
    const auto& r_ = (res);                                                               \
    if (!r_.ok()) {                                                                       \
      std::fprintf(stderr, "%s:%d: %s failed: status %d: %s\n", __FILE__, __LINE__, #res, \
                   (int)r_.error().status, r_.error().message.c_str());                  \
      std::exit(1);                                                                       \
    }                                                                                     \
  } while (0)

// The whole file at {path}; a file that cannot be opened fails the test.
inline std::vector<uint8_t> read_wasm_file(const char* path) {
  std::ifstream f(path, std::ios::binary);
  if (!f.good()) std::fprintf(stderr, "cannot open %s\n", path);
  CHECK(f.good());
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}

// The Config of {mode}: interp, jit, or tiered with tier-up at the first call. An unknown
// mode exits with status 2, so a misspelt test command cannot pass as another mode.
inline brisk::Config config_for_mode(const char* mode) {
  brisk::Config config;
  if (std::strcmp(mode, "jit") == 0) {
    config.mode = BRISK_MODE_JIT;
  } else if (std::strcmp(mode, "tiered") == 0) {
    config.mode = BRISK_MODE_TIERED;
    config.tier_up_threshold = 1;
  } else if (std::strcmp(mode, "interp") != 0) {
    std::fprintf(stderr, "unknown mode %s\n", mode);
    std::exit(2);
  }
  return config;
}

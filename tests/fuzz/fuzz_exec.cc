// Fuzz target: a module that decodes is instantiated with stub imports in
// interp, jit and tiered (tier-up threshold 1) and every export is called;
// the configurations must agree on results (NaN payloads aside), trap kinds,
// stub calls, globals, tables and memory (see fuzz_support.h). A
// disagreement aborts with both sides described. Set BRISK_FUZZ_VERBOSE=1
// to print every call's outcome, BRISK_FUZZ_BOTH_BOUNDS=1 to also run each
// configuration with explicit bounds checks.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "core/module_decoder.h"
#include "fuzz_support.h"

using namespace brisk;

namespace {
bool env_on(const char* name) {
  const char* v = std::getenv(name);
  return v && *v && *v != '0';
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<fuzz::ModeConfig> modes = fuzz::exec_modes(env_on("BRISK_FUZZ_BOTH_BOUNDS"),
                                                                      /*max_call_depth=*/200);
  static const fuzz::DiffOptions opts = [] {
    fuzz::DiffOptions o;
    o.call_ms = 30;
    o.module_ms = 500;
    o.max_memory_bytes = 16u << 20;
    o.verbose = env_on("BRISK_FUZZ_VERBOSE");
    return o;
  }();
  auto r = decode_module(std::vector<uint8_t>(data, data + size));
  if (!r.ok()) return 0;
  fuzz::DiffReport rep = fuzz::run_differential(r.value(), modes, opts);
  if (opts.verbose)
    std::fprintf(stderr, "%s: %zu calls, %zu interrupted%s%s\n",
                 rep.status == fuzz::DiffReport::Skipped ? "skipped" : "compared", rep.calls, rep.interrupted,
                 rep.detail.empty() ? "" : ": ", rep.detail.c_str());
  if (rep.status == fuzz::DiffReport::Mismatch) {
    std::fprintf(stderr, "execution modes disagree: %s\n", rep.detail.c_str());
    std::abort();
  }
  return 0;
}

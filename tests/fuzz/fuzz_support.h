// Shared by the fuzz targets and the binaryen differential driver: running
// one decoded module in several engine configurations side by side and
// saying where they disagree. Every import is satisfied by a type-correct
// stub (functions record their arguments and return zeros; memories, tables
// and globals are created at their minimum), every exported function is
// called with zero and simple arguments, and after each call the results,
// the trap kind, the stubs' call log, globals, tables and memory contents
// are compared. Runaway code is stopped by a watchdog thread that calls
// Store::interrupt(); a configuration that was interrupted is no longer
// compared (its state then depends on timing).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/module.h"
#include "runtime/objects.h"

namespace brisk::fuzz {

struct ModeConfig {
  std::string name;
  EngineConfig cfg;
};

// interp, jit and tiered with tier-up threshold 1 (the JIT ones only where a
// JIT exists), with guard-page bounds; {both_bounds} adds each again with
// explicit bounds checks.
std::vector<ModeConfig> exec_modes(bool both_bounds, uint32_t max_call_depth);

struct DiffOptions {
  int call_ms = 100;               // watchdog per call (and per instantiation)
  int module_ms = 2000;            // stop calling exports after this much time in total
  size_t max_exports = 32;         // exported functions called per module
  uint64_t max_memory_bytes = 64ull << 20;  // initial memory beyond this: module skipped
  uint64_t max_table_elems = 1u << 20;      // imported table minimum beyond this: skipped
  bool verbose = false;            // print every call's outcome
};

struct DiffReport {
  enum Status { Agreed, Skipped, Mismatch } status = Agreed;
  std::string detail;  // why skipped, or the first disagreement
  size_t calls = 0;
  size_t interrupted = 0;  // configurations stopped by the watchdog
};

// Instantiates {m} in every configuration of {modes} (the first one is the
// reference) and compares everything observable; stops at the first
// disagreement.
DiffReport run_differential(const std::shared_ptr<const Module>& m, const std::vector<ModeConfig>& modes,
                            const DiffOptions& opts);

// True when bit patterns {a} and {b} of type {t} are equal, or both NaN.
bool same_value(ValType t, uint64_t a, uint64_t b);

// True when {a} and {b} (each {n} bytes) are equal except in places where
// both hold a NaN (as f32 or f64 at any byte position): the spec leaves NaN
// payloads nondeterministic, and a NaN may be stored to memory.
bool same_memory(const uint8_t* a, const uint8_t* b, uint64_t n);

}  // namespace brisk::fuzz

// Every tiering threshold of brisk, one commented line each.
#pragma once
#include <cstdint>

namespace brisk::tuning {

// Tiered mode: budget units (one per call and per loop back-edge executed in
// the interpreter) before a function is compiled; --tier-up-threshold.
// A small function compiles in a few microseconds, about what 200-300
// interpreted calls cost over JIT calls; at 1000, bench/manyfuncs (3000
// functions) spent 6% more than --mode=jit, at 300 it spends 1-2% (and
// hello world still compiles nothing).
constexpr uint32_t kDefaultTierUpThreshold = 300;
// Interpreter back-edges between two checks of the interrupt flag (and,
// in tiered mode, of the tier-up budget) when no tier-up is pending.
constexpr int32_t kBackedgeCheckPeriod = 1000;

}  // namespace brisk::tuning

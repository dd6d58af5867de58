// Every tiering threshold of brisk, one commented line each.
#pragma once
#include <cstdint>

namespace brisk::tuning {

// Tiered mode: budget units (one per call and per loop back-edge executed in
// the interpreter) before a function is compiled; --tier-up-threshold.
constexpr uint32_t kDefaultTierUpThreshold = 1000;
// Interpreter back-edges between two checks of the interrupt flag (and,
// in tiered mode, of the tier-up budget) when no tier-up is pending.
constexpr int32_t kBackedgeCheckPeriod = 1000;

}  // namespace brisk::tuning

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
// Tiered mode with compile threads: calls and back-edges between two looks
// at a pending background compile (a locked map lookup, ~50 ns): a
// finished compile is installed within this many interpreted events.
constexpr int32_t kTierUpPollPeriod = 200;
// Tiered mode with compile threads: looks at a request still queued (no
// worker started it) before the asking thread compiles it itself. At 1, a
// start-up burst (bench/large_rs.rs: ~100 requests) was compiled mostly by
// the store's thread, tiered 1.13x the time of --mode=interp; at 50 (10,000
// interpreted events of the function, under a millisecond) 1.02x, with
// json_rs, fib_rs, manyfuncs and lu unchanged against --mode=jit.
constexpr unsigned kTierUpStealPolls = 50;
// Compile threads per tiered store when not configured (--compile-threads):
// one per core beyond the first, at most 2 (a tier-up compile is short;
// more threads mostly help a large module's start-up burst). One core:
// none, compile on the calling thread.
inline unsigned default_compile_threads(unsigned cores) { return cores <= 1 ? 0 : cores - 1 < 2 ? cores - 1 : 2; }

}  // namespace brisk::tuning

// Validation keeps at most kHotLocalsPerClass hot locals per class
// (core/module.h); the JIT's choose_homes is exact only while no class has
// more home registers than that on the architecture built for.
#include <gtest/gtest.h>

#include "core/module.h"
#include "jit/masm.h"

namespace brisk::jit {
namespace {

TEST(HomeCapacity, EveryClassFitsTheRankedCandidates) {
  const RegInfo& ri = Masm::regs();
  // GP: the pool homes, the callee-saved ones and the guard-bounds one.
  EXPECT_LE(ri.gp_homes.size() + ri.gp_saved_homes.size() + (ri.gp_saved_home_guard != kNoReg ? 1 : 0),
            kHotLocalsPerClass);
  // f32/f64 take the fp homes; v128 also up to 4 pool registers
  // (kV128ExtraHomes, jit/simd_compiler.inc).
  EXPECT_LE(ri.fp_homes.size() + 4, kHotLocalsPerClass);
}

}  // namespace
}  // namespace brisk::jit

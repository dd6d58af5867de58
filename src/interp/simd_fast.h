// Inline versions of the most frequent, one-instruction SIMD ops, for the
// interpreter's handlers: the out-of-line call per op cost as much as the
// op itself. simd::fast::NAME is the inline function where one is defined
// here and otherwise, through the using-directive, the out-of-line
// simd::NAME of simd_ops.h (qualified lookup only looks into nominated
// namespaces when the namespace itself declares no NAME). The semantics
// must match simd_ops.cc exactly; the spec suite runs both (interp here,
// the JIT's helper calls there).
#pragma once
#include <cstdint>

#include "base/v128.h"
#include "interp/simd_ops.h"

namespace brisk::interp::simd::fast {

using namespace brisk::interp::simd;

#define BRISK_SIMD_FAST_BIN(name, V, expr)                                \
  inline void name(void* d, const void* a, const void* b) {             \
    const V x = v128::load<V>(a), y = v128::load<V>(b);                 \
    v128::store(d, expr);                                               \
  }
BRISK_SIMD_FAST_BIN(v128_and, v128::u64x2, x & y)
BRISK_SIMD_FAST_BIN(v128_or, v128::u64x2, x | y)
BRISK_SIMD_FAST_BIN(v128_xor, v128::u64x2, x ^ y)
BRISK_SIMD_FAST_BIN(v128_andnot, v128::u64x2, x & ~y)
BRISK_SIMD_FAST_BIN(i8x16_add, v128::u8x16, x + y)
BRISK_SIMD_FAST_BIN(i8x16_sub, v128::u8x16, x - y)
BRISK_SIMD_FAST_BIN(i16x8_add, v128::u16x8, x + y)
BRISK_SIMD_FAST_BIN(i16x8_sub, v128::u16x8, x - y)
BRISK_SIMD_FAST_BIN(i16x8_mul, v128::u16x8, x * y)
BRISK_SIMD_FAST_BIN(i32x4_add, v128::u32x4, x + y)
BRISK_SIMD_FAST_BIN(i32x4_sub, v128::u32x4, x - y)
BRISK_SIMD_FAST_BIN(i64x2_add, v128::u64x2, x + y)
BRISK_SIMD_FAST_BIN(i64x2_sub, v128::u64x2, x - y)
BRISK_SIMD_FAST_BIN(f32x4_add, v128::f32x4, x + y)
BRISK_SIMD_FAST_BIN(f32x4_sub, v128::f32x4, x - y)
BRISK_SIMD_FAST_BIN(f32x4_mul, v128::f32x4, x * y)
BRISK_SIMD_FAST_BIN(f64x2_add, v128::f64x2, x + y)
BRISK_SIMD_FAST_BIN(f64x2_sub, v128::f64x2, x - y)
BRISK_SIMD_FAST_BIN(f64x2_mul, v128::f64x2, x * y)
#undef BRISK_SIMD_FAST_BIN

// Shifts: the count (an i32 operand) modulo the lane width.
#define BRISK_SIMD_FAST_SHIFT(name, V, op, bits)                          \
  inline void name(void* d, const void* a, const void* n) {             \
    uint32_t c;                                                         \
    std::memcpy(&c, n, 4);                                              \
    v128::store(d, v128::load<V>(a) op int(c & (bits - 1)));            \
  }
BRISK_SIMD_FAST_SHIFT(i16x8_shl, v128::u16x8, <<, 16)
BRISK_SIMD_FAST_SHIFT(i16x8_shr_u, v128::u16x8, >>, 16)
BRISK_SIMD_FAST_SHIFT(i16x8_shr_s, v128::i16x8, >>, 16)
BRISK_SIMD_FAST_SHIFT(i32x4_shl, v128::u32x4, <<, 32)
BRISK_SIMD_FAST_SHIFT(i32x4_shr_u, v128::u32x4, >>, 32)
BRISK_SIMD_FAST_SHIFT(i32x4_shr_s, v128::i32x4, >>, 32)
#undef BRISK_SIMD_FAST_SHIFT

inline void v128_load(void* d, const uint8_t* s) { std::memcpy(d, s, 16); }
inline void v128_store(uint8_t* d, const void* s) { std::memcpy(d, s, 16); }
inline void i32x4_splat(void* d, const void* x) {
  uint32_t v;
  std::memcpy(&v, x, 4);
  v128::store(d, v128::u32x4{v, v, v, v});
}
inline void f32x4_splat(void* d, const void* x) { i32x4_splat(d, x); }  // bits, NaNs kept

}  // namespace brisk::interp::simd::fast

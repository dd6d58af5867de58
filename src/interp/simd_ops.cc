// The semantics of every fixed-width SIMD instruction for the interpreter
// (one function per row of simd_ops.inc), on the vector types of
// base/v128.h. Exact wasm results: integer arithmetic wraps (computed on
// unsigned lanes), shifts count modulo the lane width, saturating ops clamp,
// float min/max propagate NaN and order -0 below +0, nearest rounds to even,
// trunc_sat clamps and maps NaN to 0. NaN payloads are not canonicalised
// (wasm allows any arithmetic NaN), but a NaN never becomes a number.
#include "interp/simd_ops.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "base/v128.h"

#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif

namespace brisk::interp::simd {

using namespace brisk::v128;

namespace {

template <typename T>
T fmin_wasm(T a, T b) {
  if (a != a || b != b) return a + b;  // NaN in, NaN out
  if (a == b) return std::signbit(a) ? a : b;
  return a < b ? a : b;
}
template <typename T>
T fmax_wasm(T a, T b) {
  if (a != a || b != b) return a + b;
  if (a == b) return std::signbit(a) ? b : a;
  return a > b ? a : b;
}
// Rounding functions may pass a signaling NaN through; wasm wants it quieted.
template <typename T>
T quiet(T r) {
  return r != r ? r + r : r;
}
template <typename I, typename F>
I sat_trunc(F x) {
  if (x != x) return 0;
  constexpr F lo = F(std::numeric_limits<I>::min());
  constexpr F hi = F(std::numeric_limits<I>::max());
  if (x <= lo) return std::numeric_limits<I>::min();
  if (x >= hi) return std::numeric_limits<I>::max();  // hi may round up to 2^N
  return I(x);
}
template <typename T>
T sat(int64_t v) {
  if (v < int64_t(std::numeric_limits<T>::min())) return std::numeric_limits<T>::min();
  if (v > int64_t(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
  return T(v);
}

// Lane-wise map over one or two vectors of the same type.
template <typename V, typename F>
void map1(void* d, const void* a, F f) {
  V x = load<V>(a), r;
  for (int i = 0; i < lanes<V>(); ++i) r[i] = f(x[i]);
  store(d, r);
}
template <typename V, typename F>
void map2(void* d, const void* a, const void* b, F f) {
  V x = load<V>(a), y = load<V>(b), r;
  for (int i = 0; i < lanes<V>(); ++i) r[i] = f(x[i], y[i]);
  store(d, r);
}
// Lanes of {N} (narrow) widened into {W}: from the low or high half.
template <typename W, typename N>
W widen(const void* a, int half) {
  N x = load<N>(a);
  W r;
  for (int i = 0; i < lanes<W>(); ++i) r[i] = x[i + half * lanes<W>()];
  return r;
}
template <typename W, typename N>
void extend(void* d, const void* a, int half) {
  store(d, widen<W, N>(a, half));
}
template <typename W, typename N>
void extmul(void* d, const void* a, const void* b, int half) {
  W x = widen<W, N>(a, half), y = widen<W, N>(b, half);
  using U = std::make_unsigned_t<std::remove_reference_t<decltype(x[0])>>;
  W r;
  for (int i = 0; i < lanes<W>(); ++i) r[i] = decltype(x[0] + 0)(U(x[i]) * U(y[i]));
  store(d, r);
}
// Pairwise sums of {N} lanes widened into {W}.
template <typename W, typename N>
void extadd_pairwise(void* d, const void* a) {
  N x = load<N>(a);
  W r;
  for (int i = 0; i < lanes<W>(); ++i) r[i] = x[2 * i] + x[2 * i + 1];
  store(d, r);
}
// Narrowing with saturation: {a}'s lanes, then {b}'s, into lanes of type T.
template <typename R, typename T, typename W>
void narrow(void* d, const void* a, const void* b) {
  W x = load<W>(a), y = load<W>(b);
  R r;
  constexpr int n = lanes<W>();
  for (int i = 0; i < n; ++i) {
    r[i] = sat<T>(x[i]);
    r[i + n] = sat<T>(y[i]);
  }
  store(d, r);
}
template <typename V>
void splat_from(void* d, decltype(V{}[0] + 0) v) {
  V r;
  for (int i = 0; i < lanes<V>(); ++i) r[i] = v;
  store(d, r);
}
template <typename V>
uint32_t all_true_of(const void* a) {
  V x = load<V>(a);
  for (int i = 0; i < lanes<V>(); ++i)
    if (x[i] == 0) return 0;
  return 1;
}
template <typename V>
uint32_t bitmask_of(const void* a) {
  V x = load<V>(a);  // signed lanes
  uint32_t m = 0;
  for (int i = 0; i < lanes<V>(); ++i) m |= uint32_t(x[i] < 0) << i;
  return m;
}
inline void put32(void* d, uint32_t v) {
  uint64_t s = v;
  std::memcpy(d, &s, 8);
}
inline void put64(void* d, uint64_t v) { std::memcpy(d, &v, 8); }
inline uint32_t get32(const void* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline uint64_t get64(const void* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

}  // namespace

// --- memory ---
void v128_load(void* d, const uint8_t* s) { std::memcpy(d, s, 16); }
template <typename W, typename N>
static void load_ext(void* d, const uint8_t* s) {
  N n{};
  std::memcpy(&n, s, 8);
  store(d, widen<W, N>(&n, 0));
}
void v128_load8x8_s(void* d, const uint8_t* s) { load_ext<i16x8, i8x16>(d, s); }
void v128_load8x8_u(void* d, const uint8_t* s) { load_ext<u16x8, u8x16>(d, s); }
void v128_load16x4_s(void* d, const uint8_t* s) { load_ext<i32x4, i16x8>(d, s); }
void v128_load16x4_u(void* d, const uint8_t* s) { load_ext<u32x4, u16x8>(d, s); }
void v128_load32x2_s(void* d, const uint8_t* s) { load_ext<i64x2, i32x4>(d, s); }
void v128_load32x2_u(void* d, const uint8_t* s) { load_ext<u64x2, u32x4>(d, s); }
void v128_load8_splat(void* d, const uint8_t* s) { splat_from<u8x16>(d, s[0]); }
void v128_load16_splat(void* d, const uint8_t* s) {
  uint16_t v;
  std::memcpy(&v, s, 2);
  splat_from<u16x8>(d, v);
}
void v128_load32_splat(void* d, const uint8_t* s) { splat_from<u32x4>(d, get32(s)); }
void v128_load64_splat(void* d, const uint8_t* s) { splat_from<u64x2>(d, get64(s)); }
void v128_load32_zero(void* d, const uint8_t* s) {
  u32x4 r = {get32(s), 0, 0, 0};
  store(d, r);
}
void v128_load64_zero(void* d, const uint8_t* s) {
  u64x2 r = {get64(s), 0};
  store(d, r);
}
void v128_store(uint8_t* d, const void* s) { std::memcpy(d, s, 16); }
template <int Bytes>
static void load_lane(void* d, const void* vec, const uint8_t* s, uint32_t lane) {
  uint8_t v[16];
  std::memcpy(v, vec, 16);
  std::memcpy(v + lane * Bytes, s, Bytes);
  std::memcpy(d, v, 16);
}
void v128_load8_lane(void* d, const void* v, const uint8_t* s, uint32_t l) { load_lane<1>(d, v, s, l); }
void v128_load16_lane(void* d, const void* v, const uint8_t* s, uint32_t l) { load_lane<2>(d, v, s, l); }
void v128_load32_lane(void* d, const void* v, const uint8_t* s, uint32_t l) { load_lane<4>(d, v, s, l); }
void v128_load64_lane(void* d, const void* v, const uint8_t* s, uint32_t l) { load_lane<8>(d, v, s, l); }
void v128_store8_lane(uint8_t* d, const void* v, uint32_t l) { std::memcpy(d, static_cast<const uint8_t*>(v) + l, 1); }
void v128_store16_lane(uint8_t* d, const void* v, uint32_t l) { std::memcpy(d, static_cast<const uint8_t*>(v) + 2 * l, 2); }
void v128_store32_lane(uint8_t* d, const void* v, uint32_t l) { std::memcpy(d, static_cast<const uint8_t*>(v) + 4 * l, 4); }
void v128_store64_lane(uint8_t* d, const void* v, uint32_t l) { std::memcpy(d, static_cast<const uint8_t*>(v) + 8 * l, 8); }

// --- shuffles, splats, lanes ---
// Shuffle and swizzle take their lane indices at run time, which no
// portable vector expression turns into a byte table lookup: a lane-by-lane
// loop was the most expensive op of the SIMD benchmarks. x86_64 uses pshufb
// (SSSE3, present on every x86_64 CPU since 2006; checked once at start-up,
// the loop stays the fallback), AArch64 uses tbl.
#if defined(__x86_64__)
namespace {
const bool kHasSsse3 = [] {
  __builtin_cpu_init();
  return __builtin_cpu_supports("ssse3") != 0;
}();
// pshufb zeroes a byte whose index has bit 7 set: {a} serves indices 0-15
// (16-31 forced to 0xff), {b} indices 16-31 (0-15 wrap below zero to 0xf0+).
__attribute__((target("ssse3"))) void shuffle_ssse3(void* d, const void* a, const void* b, const uint8_t* idx) {
  const __m128i v = _mm_and_si128(_mm_loadu_si128(static_cast<const __m128i*>(static_cast<const void*>(idx))),
                                  _mm_set1_epi8(31));
  const __m128i ma = _mm_or_si128(v, _mm_cmpgt_epi8(v, _mm_set1_epi8(15)));
  const __m128i mb = _mm_sub_epi8(v, _mm_set1_epi8(16));
  const __m128i x = _mm_loadu_si128(static_cast<const __m128i*>(a));
  const __m128i y = _mm_loadu_si128(static_cast<const __m128i*>(b));
  _mm_storeu_si128(static_cast<__m128i*>(d), _mm_or_si128(_mm_shuffle_epi8(x, ma), _mm_shuffle_epi8(y, mb)));
}
// Indices 16-255 must select 0: saturating +0x70 sets bit 7 for exactly those
// and keeps the low four bits of the others.
__attribute__((target("ssse3"))) void swizzle_ssse3(void* d, const void* a, const void* b) {
  const __m128i s = _mm_adds_epu8(_mm_loadu_si128(static_cast<const __m128i*>(b)), _mm_set1_epi8(0x70));
  _mm_storeu_si128(static_cast<__m128i*>(d), _mm_shuffle_epi8(_mm_loadu_si128(static_cast<const __m128i*>(a)), s));
}
}  // namespace
#endif
void i8x16_shuffle(void* d, const void* a, const void* b, const uint8_t* idx) {
#if defined(__x86_64__)
  if (kHasSsse3) return shuffle_ssse3(d, a, b, idx);
#elif defined(__aarch64__)
  const uint8x16x2_t t = {{vld1q_u8(static_cast<const uint8_t*>(a)), vld1q_u8(static_cast<const uint8_t*>(b))}};
  vst1q_u8(static_cast<uint8_t*>(d), vqtbl2q_u8(t, vandq_u8(vld1q_u8(idx), vdupq_n_u8(31))));
  return;
#endif
  uint8_t src[32], r[16];
  std::memcpy(src, a, 16);
  std::memcpy(src + 16, b, 16);
  for (int i = 0; i < 16; ++i) r[i] = src[idx[i] & 31];
  std::memcpy(d, r, 16);
}
void i8x16_swizzle(void* d, const void* a, const void* b) {
#if defined(__x86_64__)
  if (kHasSsse3) return swizzle_ssse3(d, a, b);
#elif defined(__aarch64__)
  // tbl yields 0 for an index past the table, as swizzle wants.
  vst1q_u8(static_cast<uint8_t*>(d), vqtbl1q_u8(vld1q_u8(static_cast<const uint8_t*>(a)),
                                                vld1q_u8(static_cast<const uint8_t*>(b))));
  return;
#endif
  u8x16 x = load<u8x16>(a), s = load<u8x16>(b), r;
  for (int i = 0; i < 16; ++i) r[i] = s[i] < 16 ? x[s[i]] : 0;
  store(d, r);
}
void i8x16_splat(void* d, const void* x) { splat_from<u8x16>(d, uint8_t(get32(x))); }
void i16x8_splat(void* d, const void* x) { splat_from<u16x8>(d, uint16_t(get32(x))); }
void i32x4_splat(void* d, const void* x) { splat_from<u32x4>(d, get32(x)); }
void i64x2_splat(void* d, const void* x) { splat_from<u64x2>(d, get64(x)); }
void f32x4_splat(void* d, const void* x) { splat_from<u32x4>(d, get32(x)); }  // bits, NaNs kept
void f64x2_splat(void* d, const void* x) { splat_from<u64x2>(d, get64(x)); }
void i8x16_extract_lane_s(void* d, const void* a, uint32_t l) { put32(d, uint32_t(int32_t(load<i8x16>(a)[l]))); }
void i8x16_extract_lane_u(void* d, const void* a, uint32_t l) { put32(d, load<u8x16>(a)[l]); }
void i16x8_extract_lane_s(void* d, const void* a, uint32_t l) { put32(d, uint32_t(int32_t(load<i16x8>(a)[l]))); }
void i16x8_extract_lane_u(void* d, const void* a, uint32_t l) { put32(d, load<u16x8>(a)[l]); }
void i32x4_extract_lane(void* d, const void* a, uint32_t l) { put32(d, load<u32x4>(a)[l]); }
void i64x2_extract_lane(void* d, const void* a, uint32_t l) { put64(d, load<u64x2>(a)[l]); }
void f32x4_extract_lane(void* d, const void* a, uint32_t l) { put32(d, load<u32x4>(a)[l]); }
void f64x2_extract_lane(void* d, const void* a, uint32_t l) { put64(d, load<u64x2>(a)[l]); }
template <typename V>
static void replace(void* d, const void* a, decltype(V{}[0] + 0) x, uint32_t l) {
  V v = load<V>(a);
  v[l] = x;
  store(d, v);
}
void i8x16_replace_lane(void* d, const void* a, const void* x, uint32_t l) { replace<u8x16>(d, a, uint8_t(get32(x)), l); }
void i16x8_replace_lane(void* d, const void* a, const void* x, uint32_t l) { replace<u16x8>(d, a, uint16_t(get32(x)), l); }
void i32x4_replace_lane(void* d, const void* a, const void* x, uint32_t l) { replace<u32x4>(d, a, get32(x), l); }
void i64x2_replace_lane(void* d, const void* a, const void* x, uint32_t l) { replace<u64x2>(d, a, get64(x), l); }
void f32x4_replace_lane(void* d, const void* a, const void* x, uint32_t l) { replace<u32x4>(d, a, get32(x), l); }
void f64x2_replace_lane(void* d, const void* a, const void* x, uint32_t l) { replace<u64x2>(d, a, get64(x), l); }

// --- comparisons: all-ones lanes for true ---
#define CMP(name, V, op) \
  void name(void* d, const void* a, const void* b) { store(d, load<V>(a) op load<V>(b)); }
#define CMP_INT(shape, S, U)         \
  CMP(shape##_eq, U, ==)             \
  CMP(shape##_ne, U, !=)             \
  CMP(shape##_lt_s, S, <)            \
  CMP(shape##_lt_u, U, <)            \
  CMP(shape##_gt_s, S, >)            \
  CMP(shape##_gt_u, U, >)            \
  CMP(shape##_le_s, S, <=)           \
  CMP(shape##_le_u, U, <=)           \
  CMP(shape##_ge_s, S, >=)           \
  CMP(shape##_ge_u, U, >=)
CMP_INT(i8x16, i8x16, u8x16)
CMP_INT(i16x8, i16x8, u16x8)
CMP_INT(i32x4, i32x4, u32x4)
CMP(i64x2_eq, u64x2, ==)
CMP(i64x2_ne, u64x2, !=)
CMP(i64x2_lt_s, i64x2, <)
CMP(i64x2_gt_s, i64x2, >)
CMP(i64x2_le_s, i64x2, <=)
CMP(i64x2_ge_s, i64x2, >=)
#define CMP_FLOAT(shape)        \
  CMP(shape##_eq, shape, ==)    \
  CMP(shape##_ne, shape, !=)    \
  CMP(shape##_lt, shape, <)     \
  CMP(shape##_gt, shape, >)     \
  CMP(shape##_le, shape, <=)    \
  CMP(shape##_ge, shape, >=)
CMP_FLOAT(f32x4)
CMP_FLOAT(f64x2)
#undef CMP_FLOAT
#undef CMP_INT
#undef CMP

// --- bitwise ---
void v128_not(void* d, const void* a) { store(d, ~load<u64x2>(a)); }
void v128_and(void* d, const void* a, const void* b) { store(d, load<u64x2>(a) & load<u64x2>(b)); }
void v128_andnot(void* d, const void* a, const void* b) { store(d, load<u64x2>(a) & ~load<u64x2>(b)); }
void v128_or(void* d, const void* a, const void* b) { store(d, load<u64x2>(a) | load<u64x2>(b)); }
void v128_xor(void* d, const void* a, const void* b) { store(d, load<u64x2>(a) ^ load<u64x2>(b)); }
void v128_bitselect(void* d, const void* a, const void* b, const void* c) {
  u64x2 m = load<u64x2>(c);
  store(d, (load<u64x2>(a) & m) | (load<u64x2>(b) & ~m));
}
void v128_any_true(void* d, const void* a) {
  u64x2 x = load<u64x2>(a);
  put32(d, (x[0] | x[1]) != 0);
}

// --- integer arithmetic (wrapping ops on unsigned lanes) ---
// Shift counts are taken modulo the lane width.
#define INT_ARITH(shape, S, U, lane_bits)                                                          \
  void shape##_add(void* d, const void* a, const void* b) { store(d, load<U>(a) + load<U>(b)); }  \
  void shape##_sub(void* d, const void* a, const void* b) { store(d, load<U>(a) - load<U>(b)); }  \
  void shape##_neg(void* d, const void* a) { store(d, U{} - load<U>(a)); }                         \
  void shape##_shl(void* d, const void* a, const void* n) {                                        \
    store(d, load<U>(a) << int(get32(n) & (lane_bits - 1)));                                       \
  }                                                                                                \
  void shape##_shr_s(void* d, const void* a, const void* n) {                                      \
    store(d, load<S>(a) >> int(get32(n) & (lane_bits - 1)));                                       \
  }                                                                                                \
  void shape##_shr_u(void* d, const void* a, const void* n) {                                      \
    store(d, load<U>(a) >> int(get32(n) & (lane_bits - 1)));                                       \
  }                                                                                                \
  void shape##_abs(void* d, const void* a) {                                                       \
    /* |min| wraps to min: negate as unsigned */                                                   \
    map1<U>(d, a, [](auto x) { return (x >> (lane_bits - 1)) ? decltype(x)(0 - x) : x; });         \
  }                                                                                                \
  void shape##_all_true(void* d, const void* a) { put32(d, all_true_of<U>(a)); }                   \
  void shape##_bitmask(void* d, const void* a) { put32(d, bitmask_of<S>(a)); }
INT_ARITH(i8x16, i8x16, u8x16, 8)
INT_ARITH(i16x8, i16x8, u16x8, 16)
INT_ARITH(i32x4, i32x4, u32x4, 32)
INT_ARITH(i64x2, i64x2, u64x2, 64)
#undef INT_ARITH

void i16x8_mul(void* d, const void* a, const void* b) { store(d, load<u16x8>(a) * load<u16x8>(b)); }
void i32x4_mul(void* d, const void* a, const void* b) { store(d, load<u32x4>(a) * load<u32x4>(b)); }
void i64x2_mul(void* d, const void* a, const void* b) { store(d, load<u64x2>(a) * load<u64x2>(b)); }

#define MINMAX(shape, S, U)                                                                          \
  void shape##_min_s(void* d, const void* a, const void* b) { map2<S>(d, a, b, [](auto x, auto y) { return x < y ? x : y; }); } \
  void shape##_min_u(void* d, const void* a, const void* b) { map2<U>(d, a, b, [](auto x, auto y) { return x < y ? x : y; }); } \
  void shape##_max_s(void* d, const void* a, const void* b) { map2<S>(d, a, b, [](auto x, auto y) { return x > y ? x : y; }); } \
  void shape##_max_u(void* d, const void* a, const void* b) { map2<U>(d, a, b, [](auto x, auto y) { return x > y ? x : y; }); }
MINMAX(i8x16, i8x16, u8x16)
MINMAX(i16x8, i16x8, u16x8)
MINMAX(i32x4, i32x4, u32x4)
#undef MINMAX

// Saturating add/sub and rounding average (8- and 16-bit lanes), computed
// in 64-bit and clamped.
#define SATURATING(shape, S, U, st, ut)                                                                            \
  void shape##_add_sat_s(void* d, const void* a, const void* b) { map2<S>(d, a, b, [](auto x, auto y) { return sat<st>(int64_t(x) + y); }); } \
  void shape##_add_sat_u(void* d, const void* a, const void* b) { map2<U>(d, a, b, [](auto x, auto y) { return sat<ut>(int64_t(x) + y); }); } \
  void shape##_sub_sat_s(void* d, const void* a, const void* b) { map2<S>(d, a, b, [](auto x, auto y) { return sat<st>(int64_t(x) - y); }); } \
  void shape##_sub_sat_u(void* d, const void* a, const void* b) { map2<U>(d, a, b, [](auto x, auto y) { return sat<ut>(int64_t(x) - y); }); } \
  void shape##_avgr_u(void* d, const void* a, const void* b) { map2<U>(d, a, b, [](auto x, auto y) { return ut((uint32_t(x) + y + 1) >> 1); }); }
SATURATING(i8x16, i8x16, u8x16, int8_t, uint8_t)
SATURATING(i16x8, i16x8, u16x8, int16_t, uint16_t)
#undef SATURATING

void i8x16_popcnt(void* d, const void* a) {
  map1<u8x16>(d, a, [](auto x) { return uint8_t(__builtin_popcount(x)); });
}
void i16x8_q15mulr_sat_s(void* d, const void* a, const void* b) {
  map2<i16x8>(d, a, b, [](auto x, auto y) { return sat<int16_t>((int64_t(x) * y + 0x4000) >> 15); });
}
void i32x4_dot_i16x8_s(void* d, const void* a, const void* b) {
  i16x8 x = load<i16x8>(a), y = load<i16x8>(b);
  u32x4 r;
  for (int i = 0; i < 4; ++i)
    r[i] = uint32_t(int32_t(x[2 * i]) * y[2 * i]) + uint32_t(int32_t(x[2 * i + 1]) * y[2 * i + 1]);
  store(d, r);
}

// Saturating narrowing is one instruction on both targets (packss/packus;
// sqxtn/sqxtun); only the unsigned 32->16 form needs SSE4.1 on x86_64, so
// it is built from SSE2 there: clamp to [0, 65535], bias into the signed
// range, packssdw, unbias.
#if defined(__x86_64__)
namespace {
inline __m128i ld(const void* p) { return _mm_loadu_si128(static_cast<const __m128i*>(p)); }
inline void st(void* p, __m128i v) { _mm_storeu_si128(static_cast<__m128i*>(p), v); }
inline __m128i clamp_u16_biased(__m128i x) {
  x = _mm_andnot_si128(_mm_srai_epi32(x, 31), x);  // negative -> 0
  const __m128i top = _mm_set1_epi32(0xffff);
  const __m128i over = _mm_cmpgt_epi32(x, top);
  x = _mm_or_si128(_mm_andnot_si128(over, x), _mm_and_si128(over, top));
  return _mm_sub_epi32(x, _mm_set1_epi32(0x8000));
}
}  // namespace
void i8x16_narrow_i16x8_s(void* d, const void* a, const void* b) { st(d, _mm_packs_epi16(ld(a), ld(b))); }
void i8x16_narrow_i16x8_u(void* d, const void* a, const void* b) { st(d, _mm_packus_epi16(ld(a), ld(b))); }
void i16x8_narrow_i32x4_s(void* d, const void* a, const void* b) { st(d, _mm_packs_epi32(ld(a), ld(b))); }
void i16x8_narrow_i32x4_u(void* d, const void* a, const void* b) {
  const __m128i r = _mm_packs_epi32(clamp_u16_biased(ld(a)), clamp_u16_biased(ld(b)));
  st(d, _mm_xor_si128(r, _mm_set1_epi16(int16_t(0x8000))));
}
#elif defined(__aarch64__)
void i8x16_narrow_i16x8_s(void* d, const void* a, const void* b) {
  store(d, vcombine_s8(vqmovn_s16(load<i16x8>(a)), vqmovn_s16(load<i16x8>(b))));
}
void i8x16_narrow_i16x8_u(void* d, const void* a, const void* b) {
  store(d, vcombine_u8(vqmovun_s16(load<i16x8>(a)), vqmovun_s16(load<i16x8>(b))));
}
void i16x8_narrow_i32x4_s(void* d, const void* a, const void* b) {
  store(d, vcombine_s16(vqmovn_s32(load<i32x4>(a)), vqmovn_s32(load<i32x4>(b))));
}
void i16x8_narrow_i32x4_u(void* d, const void* a, const void* b) {
  store(d, vcombine_u16(vqmovun_s32(load<i32x4>(a)), vqmovun_s32(load<i32x4>(b))));
}
#else
void i8x16_narrow_i16x8_s(void* d, const void* a, const void* b) { narrow<i8x16, int8_t, i16x8>(d, a, b); }
void i8x16_narrow_i16x8_u(void* d, const void* a, const void* b) { narrow<u8x16, uint8_t, i16x8>(d, a, b); }
void i16x8_narrow_i32x4_s(void* d, const void* a, const void* b) { narrow<i16x8, int16_t, i32x4>(d, a, b); }
void i16x8_narrow_i32x4_u(void* d, const void* a, const void* b) { narrow<u16x8, uint16_t, i32x4>(d, a, b); }

#endif

#define EXTEND(W, N, wide, narrow_, sfx)                                                                          \
  void wide##_extend_low_##narrow_##_##sfx(void* d, const void* a) { extend<W, N>(d, a, 0); }                      \
  void wide##_extend_high_##narrow_##_##sfx(void* d, const void* a) { extend<W, N>(d, a, 1); }                     \
  void wide##_extmul_low_##narrow_##_##sfx(void* d, const void* a, const void* b) { extmul<W, N>(d, a, b, 0); }   \
  void wide##_extmul_high_##narrow_##_##sfx(void* d, const void* a, const void* b) { extmul<W, N>(d, a, b, 1); }
EXTEND(i16x8, i8x16, i16x8, i8x16, s)
EXTEND(u16x8, u8x16, i16x8, i8x16, u)
EXTEND(i32x4, i16x8, i32x4, i16x8, s)
EXTEND(u32x4, u16x8, i32x4, i16x8, u)
EXTEND(i64x2, i32x4, i64x2, i32x4, s)
EXTEND(u64x2, u32x4, i64x2, i32x4, u)
#undef EXTEND
void i16x8_extadd_pairwise_i8x16_s(void* d, const void* a) { extadd_pairwise<i16x8, i8x16>(d, a); }
void i16x8_extadd_pairwise_i8x16_u(void* d, const void* a) { extadd_pairwise<u16x8, u8x16>(d, a); }
void i32x4_extadd_pairwise_i16x8_s(void* d, const void* a) { extadd_pairwise<i32x4, i16x8>(d, a); }
void i32x4_extadd_pairwise_i16x8_u(void* d, const void* a) { extadd_pairwise<u32x4, u16x8>(d, a); }

// --- floating point ---
// abs and neg only touch the sign bit (NaN payloads included).
#define FLOAT_ARITH(shape, U, T, sign)                                                                     \
  void shape##_abs(void* d, const void* a) { store(d, load<U>(a) & ~U{} >> 1); }                          \
  void shape##_neg(void* d, const void* a) { store(d, load<U>(a) ^ (U{} + sign)); }                      \
  void shape##_add(void* d, const void* a, const void* b) { store(d, load<shape>(a) + load<shape>(b)); }  \
  void shape##_sub(void* d, const void* a, const void* b) { store(d, load<shape>(a) - load<shape>(b)); }  \
  void shape##_mul(void* d, const void* a, const void* b) { store(d, load<shape>(a) * load<shape>(b)); }  \
  void shape##_div(void* d, const void* a, const void* b) { store(d, load<shape>(a) / load<shape>(b)); }  \
  void shape##_sqrt(void* d, const void* a) { map1<shape>(d, a, [](T x) { return std::sqrt(x); }); }      \
  void shape##_ceil(void* d, const void* a) { map1<shape>(d, a, [](T x) { return quiet(std::ceil(x)); }); } \
  void shape##_floor(void* d, const void* a) { map1<shape>(d, a, [](T x) { return quiet(std::floor(x)); }); } \
  void shape##_trunc(void* d, const void* a) { map1<shape>(d, a, [](T x) { return quiet(std::trunc(x)); }); } \
  /* nearbyint rounds in the default mode: to nearest, ties to even */                                     \
  void shape##_nearest(void* d, const void* a) { map1<shape>(d, a, [](T x) { return quiet(std::nearbyint(x)); }); } \
  void shape##_min(void* d, const void* a, const void* b) { map2<shape>(d, a, b, fmin_wasm<T>); }         \
  void shape##_max(void* d, const void* a, const void* b) { map2<shape>(d, a, b, fmax_wasm<T>); }         \
  /* pmin/pmax: b < a ? b : a and a < b ? b : a, as written in the spec */                                 \
  void shape##_pmin(void* d, const void* a, const void* b) { map2<shape>(d, a, b, [](T x, T y) { return y < x ? y : x; }); } \
  void shape##_pmax(void* d, const void* a, const void* b) { map2<shape>(d, a, b, [](T x, T y) { return x < y ? y : x; }); }
FLOAT_ARITH(f32x4, u32x4, float, 0x80000000u)
FLOAT_ARITH(f64x2, u64x2, double, 0x8000000000000000ull)
#undef FLOAT_ARITH

void f32x4_demote_f64x2_zero(void* d, const void* a) {
  f64x2 x = load<f64x2>(a);
  f32x4 r = {float(x[0]), float(x[1]), 0.0f, 0.0f};
  store(d, r);
}
void f64x2_promote_low_f32x4(void* d, const void* a) {
  f32x4 x = load<f32x4>(a);
  f64x2 r = {double(x[0]), double(x[1])};
  store(d, r);
}
void f32x4_convert_i32x4_s(void* d, const void* a) {
  i32x4 x = load<i32x4>(a);
  f32x4 r;
  for (int i = 0; i < 4; ++i) r[i] = float(x[i]);
  store(d, r);
}
void f32x4_convert_i32x4_u(void* d, const void* a) {
  u32x4 x = load<u32x4>(a);
  f32x4 r;
  for (int i = 0; i < 4; ++i) r[i] = float(x[i]);
  store(d, r);
}
void f64x2_convert_low_i32x4_s(void* d, const void* a) {
  i32x4 x = load<i32x4>(a);
  f64x2 r = {double(x[0]), double(x[1])};
  store(d, r);
}
void f64x2_convert_low_i32x4_u(void* d, const void* a) {
  u32x4 x = load<u32x4>(a);
  f64x2 r = {double(x[0]), double(x[1])};
  store(d, r);
}
void i32x4_trunc_sat_f32x4_s(void* d, const void* a) {
  f32x4 x = load<f32x4>(a);
  i32x4 r;
  for (int i = 0; i < 4; ++i) r[i] = sat_trunc<int32_t>(x[i]);
  store(d, r);
}
void i32x4_trunc_sat_f32x4_u(void* d, const void* a) {
  f32x4 x = load<f32x4>(a);
  u32x4 r;
  for (int i = 0; i < 4; ++i) r[i] = sat_trunc<uint32_t>(x[i]);
  store(d, r);
}
void i32x4_trunc_sat_f64x2_s_zero(void* d, const void* a) {
  f64x2 x = load<f64x2>(a);
  i32x4 r = {sat_trunc<int32_t>(x[0]), sat_trunc<int32_t>(x[1]), 0, 0};
  store(d, r);
}
void i32x4_trunc_sat_f64x2_u_zero(void* d, const void* a) {
  f64x2 x = load<f64x2>(a);
  u32x4 r = {sat_trunc<uint32_t>(x[0]), sat_trunc<uint32_t>(x[1]), 0, 0};
  store(d, r);
}

}  // namespace brisk::interp::simd

// The interpreter's SIMD ops that have target-specific fast paths (pshufb /
// tbl shuffles, packss/packus and sqxtn narrows) against lane-by-lane
// references written from the spec, on edge values and random bytes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>

#include "interp/simd_ops.h"

namespace brisk::interp::simd {
namespace {

struct V {
  uint8_t b[16];
};

template <typename T>
T lane(const V& v, int i) {
  T x;
  std::memcpy(&x, v.b + i * sizeof(T), sizeof(T));
  return x;
}
template <typename T>
void set_lane(V& v, int i, T x) {
  std::memcpy(v.b + i * sizeof(T), &x, sizeof(T));
}
template <typename T>
T clamp_to(int64_t x, int64_t lo, int64_t hi) {
  return T(std::min(std::max(x, lo), hi));
}

// Random vectors, plus ones whose lanes are the saturation edges.
std::vector<V> inputs() {
  std::mt19937 rng(14);
  std::vector<V> vs;
  for (int k = 0; k < 200; ++k) {
    V v;
    for (auto& x : v.b) x = uint8_t(rng());
    vs.push_back(v);
  }
  const int32_t edges32[] = {0, 1, -1, 0x7fff, 0x8000, -0x8000, -0x8001, 0xffff, 0x10000, INT32_MIN, INT32_MAX, 255, 256, -128, -129, 127};
  for (int k = 0; k < 4; ++k) {
    V v;
    for (int i = 0; i < 4; ++i) set_lane<int32_t>(v, i, edges32[4 * k + i]);
    vs.push_back(v);
  }
  const int16_t edges16[] = {0, 1, -1, 127, 128, -128, -129, 255, 256, INT16_MIN, INT16_MAX, 0x7f, -0x80, 0xff, 2, -2};
  for (int k = 0; k < 2; ++k) {
    V v;
    for (int i = 0; i < 8; ++i) set_lane<int16_t>(v, i, edges16[8 * k + i]);
    vs.push_back(v);
  }
  return vs;
}

TEST(SimdOps, ShuffleSelectsFromBothOperands) {
  auto vs = inputs();
  std::mt19937 rng(7);
  for (size_t k = 0; k + 1 < vs.size(); ++k) {
    uint8_t idx[16];
    for (auto& i : idx) i = uint8_t(rng() % 32);
    if (k == 0)
      for (int i = 0; i < 16; ++i) idx[i] = uint8_t(31 - i);  // every lane of b, reversed
    V r, want;
    i8x16_shuffle(&r, &vs[k], &vs[k + 1], idx);
    for (int i = 0; i < 16; ++i) want.b[i] = idx[i] < 16 ? vs[k].b[idx[i]] : vs[k + 1].b[idx[i] - 16];
    ASSERT_EQ(0, std::memcmp(r.b, want.b, 16)) << "input " << k;
  }
}

TEST(SimdOps, SwizzleZeroesOutOfRangeIndices) {
  auto vs = inputs();
  V all;  // every index value 0-255 in turn, 16 at a time
  for (int base = 0; base < 256; base += 16) {
    for (int i = 0; i < 16; ++i) all.b[i] = uint8_t(base + i);
    vs.push_back(all);
  }
  for (size_t k = 0; k + 1 < vs.size(); ++k) {
    const V& a = vs[k];
    const V& s = vs[k + 1];
    V r, want;
    i8x16_swizzle(&r, &a, &s);
    for (int i = 0; i < 16; ++i) want.b[i] = s.b[i] < 16 ? a.b[s.b[i]] : 0;
    ASSERT_EQ(0, std::memcmp(r.b, want.b, 16)) << "input " << k;
  }
}

TEST(SimdOps, NarrowingSaturates) {
  auto vs = inputs();
  for (size_t k = 0; k + 1 < vs.size(); ++k) {
    const V& a = vs[k];
    const V& b = vs[k + 1];
    V r, want;
    i8x16_narrow_i16x8_s(&r, &a, &b);
    for (int i = 0; i < 8; ++i) {
      set_lane<int8_t>(want, i, clamp_to<int8_t>(lane<int16_t>(a, i), -128, 127));
      set_lane<int8_t>(want, i + 8, clamp_to<int8_t>(lane<int16_t>(b, i), -128, 127));
    }
    ASSERT_EQ(0, std::memcmp(r.b, want.b, 16)) << "i8x16.narrow_i16x8_s, input " << k;
    i8x16_narrow_i16x8_u(&r, &a, &b);
    for (int i = 0; i < 8; ++i) {
      set_lane<uint8_t>(want, i, clamp_to<uint8_t>(lane<int16_t>(a, i), 0, 255));
      set_lane<uint8_t>(want, i + 8, clamp_to<uint8_t>(lane<int16_t>(b, i), 0, 255));
    }
    ASSERT_EQ(0, std::memcmp(r.b, want.b, 16)) << "i8x16.narrow_i16x8_u, input " << k;
    i16x8_narrow_i32x4_s(&r, &a, &b);
    for (int i = 0; i < 4; ++i) {
      set_lane<int16_t>(want, i, clamp_to<int16_t>(lane<int32_t>(a, i), INT16_MIN, INT16_MAX));
      set_lane<int16_t>(want, i + 4, clamp_to<int16_t>(lane<int32_t>(b, i), INT16_MIN, INT16_MAX));
    }
    ASSERT_EQ(0, std::memcmp(r.b, want.b, 16)) << "i16x8.narrow_i32x4_s, input " << k;
    i16x8_narrow_i32x4_u(&r, &a, &b);
    for (int i = 0; i < 4; ++i) {
      set_lane<uint16_t>(want, i, clamp_to<uint16_t>(lane<int32_t>(a, i), 0, 0xffff));
      set_lane<uint16_t>(want, i + 4, clamp_to<uint16_t>(lane<int32_t>(b, i), 0, 0xffff));
    }
    ASSERT_EQ(0, std::memcmp(r.b, want.b, 16)) << "i16x8.narrow_i32x4_u, input " << k;
  }
}

}  // namespace
}  // namespace brisk::interp::simd

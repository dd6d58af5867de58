// A dot-product kernel over int32 and float vectors, to compare brisk's tiers
// on SIMD code (bench/simd/README.md). Built twice from this one source: with
// -msimd128 the kernels use wasm_simd128.h intrinsics, without it the same
// loops in scalar C.
#include <stdint.h>
#include <stdio.h>
#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

#define N 4096
static int32_t ia[N], ib[N];
static float fa[N], fb[N];

static int32_t dot_i32(const int32_t* a, const int32_t* b, int n) {
#ifdef __wasm_simd128__
  v128_t acc = wasm_i32x4_splat(0);
  for (int i = 0; i < n; i += 4)
    acc = wasm_i32x4_add(acc, wasm_i32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
  return wasm_i32x4_extract_lane(acc, 0) + wasm_i32x4_extract_lane(acc, 1) + wasm_i32x4_extract_lane(acc, 2) +
         wasm_i32x4_extract_lane(acc, 3);
#else
  int32_t s = 0;
  for (int i = 0; i < n; ++i) s += a[i] * b[i];
  return s;
#endif
}

static float dot_f32(const float* a, const float* b, int n) {
#ifdef __wasm_simd128__
  v128_t acc = wasm_f32x4_splat(0);
  for (int i = 0; i < n; i += 4)
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
  return wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1) + wasm_f32x4_extract_lane(acc, 2) +
         wasm_f32x4_extract_lane(acc, 3);
#else
  // Four partial sums in the SIMD version's lane order: same rounding.
  float s[4] = {0, 0, 0, 0};
  for (int i = 0; i < n; ++i) s[i & 3] += a[i] * b[i];
  return s[0] + s[1] + s[2] + s[3];
#endif
}

int main(void) {
  for (int i = 0; i < N; ++i) {
    ia[i] = (i * 7) % 13 - 6;
    ib[i] = (i * 5) % 11 - 5;
    fa[i] = (float)((i * 3) % 17) * 0.25f;
    fb[i] = (float)((i * 11) % 7) * 0.5f;
  }
  int64_t isum = 0;
  double fsum = 0;
  for (int rep = 0; rep < 3000; ++rep) {
    ia[rep % N] ^= 1;  // keeps each round's work live
    isum += dot_i32(ia, ib, N);
    fsum += dot_f32(fa, fb, N);
  }
  printf("%lld %.1f\n", (long long)isum, fsum);
  return 0;
}

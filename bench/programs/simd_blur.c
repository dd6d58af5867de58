/* simd_blur: 3x3 Gaussian blur ([1 2 1] x [1 2 1] / 16, rounded) and unsharp
 * masking (2*img - blur, saturated to 0..255) on an 8-bit grey image,
 * alternating, 16 pixels at a time. SIMD ops: u8x16 loads at unaligned
 * offsets, u8 -> u16 widening (extend low/high), i16x8 add/shl/sub, u16x8
 * shr, saturating narrow i16x8 -> u8x16, u8x16 add_sat/sub_sat, v128 stores.
 * Columns left over after the 16-pixel blocks run scalar code.
 *
 * Built with -msimd128 the kernel uses wasm_simd128.h; otherwise the same
 * kernel is written with GCC/Clang vector extensions (native: SSE2/NEON;
 * wasm without simd128: lowered to scalar code).
 *
 * Self-check (exit 1 on failure): four iterations of the SIMD kernel against
 * the scalar reference, byte for byte.
 * Usage: simd_blur [ITERATIONS [WIDTH HEIGHT]] (default 900 on 1000x600). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Image size: 1000x600 by default (W - 2 = 998: 62 blocks of 16 and 6 columns
 * of scalar code per row); the tests use a small one. */
static int W = 1000, H = 600;

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
typedef v128_t vec;
#define LOAD(p) wasm_v128_load(p)
#define STORE(p, v) wasm_v128_store(p, v)
#define WIDEN_LO(v) wasm_u16x8_extend_low_u8x16(v)
#define WIDEN_HI(v) wasm_u16x8_extend_high_u8x16(v)
#define ADD16(a, b) wasm_i16x8_add(a, b)
#define SUB16(a, b) wasm_i16x8_sub(a, b)
#define SHL16(a, n) wasm_i16x8_shl(a, n)
#define SHRU16(a, n) wasm_u16x8_shr(a, n)
#define SPLAT16(x) wasm_i16x8_splat(x)
#define NARROW_SAT(lo, hi) wasm_u8x16_narrow_i16x8(lo, hi)
#define ADDSAT8(a, b) wasm_u8x16_add_sat(a, b)
#define SUBSAT8(a, b) wasm_u8x16_sub_sat(a, b)
#define SPLAT8(x) wasm_u8x16_splat(x)
#else
typedef uint8_t vec __attribute__((vector_size(16)));
typedef uint8_t vec8h __attribute__((vector_size(8)));
typedef int16_t vec16 __attribute__((vector_size(16)));
typedef uint16_t vecu16 __attribute__((vector_size(16)));
static inline vec LOAD(const void *p) { vec v; memcpy(&v, p, sizeof v); return v; }
static inline void STORE(void *p, vec v) { memcpy(p, &v, sizeof v); }
static inline vec16 WIDEN_LO(vec v) {
  return __builtin_convertvector(__builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7), vec16);
}
static inline vec16 WIDEN_HI(vec v) {
  return __builtin_convertvector(__builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15), vec16);
}
#define ADD16(a, b) ((a) + (b))
#define SUB16(a, b) ((a) - (b))
#define SHL16(a, n) ((a) << (n))
#define SHRU16(a, n) ((vec16)((vecu16)(a) >> (n)))
#define SPLAT16(x) ((vec16){(x), (x), (x), (x), (x), (x), (x), (x)})
static inline vec16 clamp_u8(vec16 v) {      /* signed i16 -> 0..255, as narrow_u does */
  v &= (vec16)(v > 0);
  vec16 big = (vec16)(v > 255);
  return (v & ~big) | (big & 255);
}
static inline vec NARROW_SAT(vec16 lo, vec16 hi) {
  vec8h a = __builtin_convertvector(clamp_u8(lo), vec8h), b = __builtin_convertvector(clamp_u8(hi), vec8h);
  return __builtin_shufflevector(a, b, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
}
static inline vec ADDSAT8(vec a, vec b) { vec s = a + b; return s | (vec)(s < a); }
static inline vec SUBSAT8(vec a, vec b) { vec d = a - b; return d & (vec)(a >= b); }
#define SPLAT8(x) ((vec){(x), (x), (x), (x), (x), (x), (x), (x), (x), (x), (x), (x), (x), (x), (x), (x)})
#endif

/* ---- scalar reference ---- */
static int blur_px(const uint8_t *s, int x) {
  const uint8_t *u = s - W, *d = s + W;
  int h0 = u[x - 1] + 2 * u[x] + u[x + 1];
  int h1 = s[x - 1] + 2 * s[x] + s[x + 1];
  int h2 = d[x - 1] + 2 * d[x] + d[x + 1];
  return (h0 + 2 * h1 + h2 + 8) >> 4;
}
static uint8_t sat_u8(int v) { return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v); }

/* One iteration: odd iterations blur, even ones sharpen (2*img - blur); a
 * brightness nudge (+k, then -k/2, saturating) keeps values moving. The
 * one-pixel border is copied. */
static void step_scalar(const uint8_t *src, uint8_t *dst, int it) {
  uint8_t k = (uint8_t)(it % 7 + 1);
  memcpy(dst, src, W);
  memcpy(dst + (H - 1) * W, src + (H - 1) * W, W);
  for (int y = 1; y < H - 1; y++) {
    const uint8_t *s = src + y * W;
    uint8_t *o = dst + y * W;
    o[0] = s[0];
    o[W - 1] = s[W - 1];
#pragma clang loop vectorize(disable) interleave(disable)
    for (int x = 1; x < W - 1; x++) {
      int b = blur_px(s, x);
      int v = (it & 1) ? b : sat_u8(2 * s[x] - b);
      v = sat_u8(v + k);
      o[x] = sat_u8(v - k / 2);
    }
  }
}

/* ---- SIMD kernel ---- */
static void step_simd(const uint8_t *src, uint8_t *dst, int it) {
  uint8_t k = (uint8_t)(it % 7 + 1);
  vec vk = SPLAT8(k), vk2 = SPLAT8((uint8_t)(k / 2));
  memcpy(dst, src, W);
  memcpy(dst + (H - 1) * W, src + (H - 1) * W, W);
  for (int y = 1; y < H - 1; y++) {
    const uint8_t *s = src + y * W;
    uint8_t *o = dst + y * W;
    o[0] = s[0];
    o[W - 1] = s[W - 1];
    int x = 1;
    for (; x + 16 <= W - 1; x += 16) {
      /* horizontal [1 2 1] of the three rows, low and high 8 lanes */
      const uint8_t *rows[3] = {s - W, s, s + W};
      __typeof__(WIDEN_LO(LOAD(s))) hl[3], hh[3];
      vec centre = LOAD(s + x);
      for (int r = 0; r < 3; r++) {
        vec l = LOAD(rows[r] + x - 1), c = LOAD(rows[r] + x), rr = LOAD(rows[r] + x + 1);
        hl[r] = ADD16(ADD16(WIDEN_LO(l), WIDEN_LO(rr)), SHL16(WIDEN_LO(c), 1));
        hh[r] = ADD16(ADD16(WIDEN_HI(l), WIDEN_HI(rr)), SHL16(WIDEN_HI(c), 1));
      }
      __typeof__(hl[0]) bl = SHRU16(ADD16(ADD16(hl[0], hl[2]), ADD16(SHL16(hl[1], 1), SPLAT16(8))), 4);
      __typeof__(hl[0]) bh = SHRU16(ADD16(ADD16(hh[0], hh[2]), ADD16(SHL16(hh[1], 1), SPLAT16(8))), 4);
      vec v;
      if (it & 1) {
        v = NARROW_SAT(bl, bh);
      } else {
        v = NARROW_SAT(SUB16(SHL16(WIDEN_LO(centre), 1), bl), SUB16(SHL16(WIDEN_HI(centre), 1), bh));
      }
      STORE(o + x, SUBSAT8(ADDSAT8(v, vk), vk2));
    }
    for (; x < W - 1; x++) {
      int b = blur_px(s, x);
      int v = (it & 1) ? b : sat_u8(2 * s[x] - b);
      v = sat_u8(v + k);
      o[x] = sat_u8(v - k / 2);
    }
  }
}

static uint64_t fnv1a(const uint8_t *p, size_t n) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

int main(int argc, char **argv) {
  int iters = argc > 1 ? atoi(argv[1]) : 900;
  if (argc > 3) {
    W = atoi(argv[2]);
    H = atoi(argv[3]);
    if (W < 3 || H < 3) return 2;
  }
  size_t n = (size_t)W * H;
  uint8_t *a = malloc(n), *b = malloc(n), *ra = malloc(n), *rb = malloc(n);
  if (!a || !b || !ra || !rb) return 1;
  /* A test card: gradients, a checkerboard of hard edges (saturates when
   * sharpened) and noise. */
  uint32_t x = 88172645u;
  for (int y = 0; y < H; y++)
    for (int i = 0; i < W; i++) {
      x ^= x << 13; x ^= x >> 17; x ^= x << 5;
      int v = (i * 255 / W + y * 128 / H) / 2 + ((((i >> 5) ^ (y >> 5)) & 1) ? 90 : 0) + (int)(x % 32);
      a[y * W + i] = (uint8_t)(v > 255 ? 255 : v);
    }
  memcpy(ra, a, n);

  int ok = 1;
  uint8_t *s = a, *d = b, *rs = ra, *rd = rb;
  for (int it = 0; it < 4; it++) {
    step_simd(s, d, it);
    step_scalar(rs, rd, it);
    uint8_t *t = s; s = d; d = t;
    t = rs; rs = rd; rd = t;
  }
  if (memcmp(s, rs, n) != 0) {
    size_t i = 0;
    while (s[i] == rs[i]) i++;
    fprintf(stderr, "simd_blur: SIMD result differs from the scalar reference at pixel (%zu, %zu): %d vs %d\n",
            i % W, i / W, s[i], rs[i]);
    ok = 0;
  }
  for (int it = 4; it < iters; it++) {
    step_simd(s, d, it);
    uint8_t *t = s; s = d; d = t;
  }
  unsigned long hist_hi = 0;
  for (size_t i = 0; i < n; i++) hist_hi += s[i] >= 128;
  printf("checksum: %016llx %lu\n", (unsigned long long)fnv1a(s, n), hist_hi);
  free(a); free(b); free(ra); free(rb);
  return ok ? 0 : 1;
}

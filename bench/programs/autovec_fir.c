/* autovec_fir: a 48-tap f32 FIR low-pass filter over a long signal, the loop
 * nest written tap-outer so the inner loop (y[i] += h[k] * x[i + k]) has no
 * reduction and clang -O2 -msimd128 vectorises it (f32x4 mul/add, v128
 * loads/stores at unaligned offsets); native clang -O2 uses SSE2/NEON. Then
 * a second stage, the clamped residual signal - filtered (f32x4 sub, compares
 * and selects).
 *
 * Self-check (exit 1 on failure): the first block against the same loops with
 * vectorisation disabled, bit for bit (each y[i] is summed in the same order).
 * Usage: autovec_fir [BLOCKS] (default 2400 blocks of 16384 samples). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma STDC FP_CONTRACT OFF   /* separate mul and add, like f32x4.mul + f32x4.add */

enum { TAPS = 48, LEN = 16384 };

static void fir(const float *x, const float *h, float *y, int n) {
  for (int i = 0; i < n; i++) y[i] = 0.0f;
  for (int k = 0; k < TAPS; k++) {
    float c = h[k];
    for (int i = 0; i < n; i++) y[i] = y[i] + c * x[i + k];
  }
}

/* The high-frequency residual (signal minus low-pass, the filter's delay of
 * TAPS/2 samples), clamped: element-wise, no loop-carried values. (A 3-point
 * stencil over y here was not vectorised by clang 14: its loads become a
 * second-order recurrence.) */
static void residual(const float *restrict x, const float *restrict y, float *restrict z, int n) {
  for (int i = 0; i < n; i++) {
    float v = x[i + TAPS / 2] - y[i];
    v = v > 1.0f ? 1.0f : v;
    z[i] = v < -1.0f ? -1.0f : v;
  }
}

static void fir_ref(const float *x, const float *h, float *y, int n) {
#pragma clang loop vectorize(disable) interleave(disable)
  for (int i = 0; i < n; i++) y[i] = 0.0f;
  for (int k = 0; k < TAPS; k++) {
    float c = h[k];
#pragma clang loop vectorize(disable) interleave(disable)
    for (int i = 0; i < n; i++) y[i] = y[i] + c * x[i + k];
  }
}

static void residual_ref(const float *x, const float *y, float *z, int n) {
#pragma clang loop vectorize(disable) interleave(disable)
  for (int i = 0; i < n; i++) {
    float v = x[i + TAPS / 2] - y[i];
    v = v > 1.0f ? 1.0f : v;
    z[i] = v < -1.0f ? -1.0f : v;
  }
}

int main(int argc, char **argv) {
  int blocks = argc > 1 ? atoi(argv[1]) : 2400;
  float *x = malloc(sizeof(float) * (LEN + TAPS)), *h = malloc(sizeof(float) * TAPS);
  float *y = malloc(sizeof(float) * LEN), *z = calloc(LEN, sizeof(float));
  float *yr = malloc(sizeof(float) * LEN), *zr = calloc(LEN, sizeof(float));
  if (!x || !h || !y || !z || !yr || !zr) return 1;
  /* windowed-sinc-like taps from a rational approximation (no libm needed) */
  float sum = 0.0f;
  for (int k = 0; k < TAPS; k++) {
    float t = (float)(k - TAPS / 2) / (TAPS / 2);
    h[k] = (1.0f - t * t) * (1.0f - t * t) / (1.0f + 12.0f * t * t);
    sum += h[k];
  }
  for (int k = 0; k < TAPS; k++) h[k] /= sum;
  uint32_t s = 2891336453u;
  int ok = 1;
  uint64_t hash = 0xcbf29ce484222325ull;
  for (int b = 0; b < blocks; b++) {
    /* a new block of signal: a square wave plus noise (cheap to generate:
     * only the first block is generated in full, later ones shift in 64) */
    int fresh = b == 0 ? LEN + TAPS : 64;
    memmove(x, x + fresh % (LEN + TAPS), sizeof(float) * (LEN + TAPS - fresh % (LEN + TAPS)));
    for (int i = LEN + TAPS - fresh; i < LEN + TAPS; i++) {
      s = s * 1664525u + 1013904223u;
      x[i] = ((((unsigned)(i + b * 64) >> 6) & 1) ? 0.7f : -0.7f) + (float)(int)(s >> 20) / 8192.0f - 0.25f;
    }
    fir(x, h, y, LEN);
    residual(x, y, z, LEN);
    if (b < 2) {
      fir_ref(x, h, yr, LEN);
      residual_ref(x, yr, zr, LEN);
      if (memcmp(y, yr, sizeof(float) * LEN) != 0 || memcmp(z, zr, sizeof(float) * LEN) != 0) {
        fprintf(stderr, "autovec_fir: block %d differs from the scalar loops\n", b);
        ok = 0;
      }
    }
    for (int i = b % 31; i < LEN; i += 257) {
      uint32_t bits;
      memcpy(&bits, &z[i], 4);
      hash = (hash ^ bits) * 0x100000001b3ull;
    }
  }
  printf("checksum: %016llx\n", (unsigned long long)hash);
  free(x); free(h); free(y); free(z); free(yr); free(zr);
  return ok ? 0 : 1;
}

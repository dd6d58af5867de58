/* simd_gemm: two small matrix kernels.
 *  - f32 matrix multiply C = A*B (n x n), a 4x8 register block of f32x4
 *    accumulators: f32x4 splat (from a scalar load), mul, add, v128
 *    loads/stores. The products are summed in k order in each lane, exactly as
 *    the scalar reference does, so the results agree bit for bit.
 *  - int16 matrix-vector product y = W*x (quantised-inference style),
 *    i32x4.dot_i16x8_s, i32x4 add, lane extracts for the horizontal sum.
 *
 * Built with -msimd128 the kernels use wasm_simd128.h; otherwise the same
 * kernels are written with GCC/Clang vector extensions (native: SSE2/NEON;
 * wasm without simd128: lowered to scalar code).
 *
 * Self-check (exit 1 on failure): the first product and the first matrix-
 * vector product against scalar references, exactly.
 * Usage: simd_gemm [REPS [N]] (default 120 rounds, each a 256x256 multiply
 * and 3 matrix-vector products with a 512x1024 int16 matrix). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The reference must round each product and each sum separately, like the
 * wasm f32x4 ops: no fused multiply-add (AArch64 would fuse otherwise). */
#pragma STDC FP_CONTRACT OFF

/* f32 matrices N x N, int16 matrix M x K with M = 2N, K = 4N; N = 256 by
 * default (a multiple of 8); the tests use a small one. */
static int N = 256, M = 512, K = 1024;

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
typedef v128_t vf;
typedef v128_t vi;
#define FSPLAT(x) wasm_f32x4_splat(x)
#define FLOAD(p) wasm_v128_load(p)
#define FSTORE(p, v) wasm_v128_store(p, v)
#define FMUL(a, b) wasm_f32x4_mul(a, b)
#define FADD(a, b) wasm_f32x4_add(a, b)
#define FZERO() wasm_f32x4_splat(0.0f)
#define ILOAD(p) wasm_v128_load(p)
#define IDOT(a, b) wasm_i32x4_dot_i16x8(a, b)
#define IADD(a, b) wasm_i32x4_add(a, b)
#define IZERO() wasm_i32x4_splat(0)
#define IHSUM(v) (wasm_i32x4_extract_lane(v, 0) + wasm_i32x4_extract_lane(v, 1) + \
                  wasm_i32x4_extract_lane(v, 2) + wasm_i32x4_extract_lane(v, 3))
#else
typedef float vf __attribute__((vector_size(16)));
typedef int16_t vi16 __attribute__((vector_size(16)));
typedef int32_t vi __attribute__((vector_size(16)));
#define FSPLAT(x) ((vf){(x), (x), (x), (x)})
static inline vf FLOAD(const void *p) { vf v; memcpy(&v, p, sizeof v); return v; }
static inline void FSTORE(void *p, vf v) { memcpy(p, &v, sizeof v); }
#define FMUL(a, b) ((a) * (b))
#define FADD(a, b) ((a) + (b))
#define FZERO() ((vf){0, 0, 0, 0})
static inline vi16 ILOAD(const void *p) { vi16 v; memcpy(&v, p, sizeof v); return v; }
/* dot_i16x8_s: products of adjacent signed 16-bit pairs, summed into 32 bits. */
static inline vi IDOT(vi16 a, vi16 b) {
  vi ae = __builtin_convertvector(__builtin_shufflevector(a, a, 0, 2, 4, 6), vi);
  vi ao = __builtin_convertvector(__builtin_shufflevector(a, a, 1, 3, 5, 7), vi);
  vi be = __builtin_convertvector(__builtin_shufflevector(b, b, 0, 2, 4, 6), vi);
  vi bo = __builtin_convertvector(__builtin_shufflevector(b, b, 1, 3, 5, 7), vi);
  return ae * be + ao * bo;
}
#define IADD(a, b) ((a) + (b))
#define IZERO() ((vi){0, 0, 0, 0})
#define IHSUM(v) ((v)[0] + (v)[1] + (v)[2] + (v)[3])
#endif

/* ---- scalar references ---- */
static void gemm_scalar(const float *a, const float *b, float *c) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      float s = 0.0f;
#pragma clang loop vectorize(disable) interleave(disable)
      for (int k = 0; k < N; k++) s = s + a[i * N + k] * b[k * N + j];
      c[i * N + j] = s;
    }
}

static void gemv_scalar(const int16_t *w, const int16_t *x, int32_t *y) {
  for (int i = 0; i < M; i++) {
    uint32_t s = 0;
#pragma clang loop vectorize(disable) interleave(disable)
    for (int k = 0; k < K; k++) s += (uint32_t)((int32_t)w[i * K + k] * x[k]);
    y[i] = (int32_t)s;
  }
}

/* ---- SIMD kernels ---- */
static void gemm_simd(const float *a, const float *b, float *c) {
  for (int i = 0; i < N; i += 4)
    for (int j = 0; j < N; j += 8) {
      vf acc[4][2];
      for (int r = 0; r < 4; r++) acc[r][0] = acc[r][1] = FZERO();
      for (int k = 0; k < N; k++) {
        vf b0 = FLOAD(b + k * N + j), b1 = FLOAD(b + k * N + j + 4);
        for (int r = 0; r < 4; r++) {
          vf av = FSPLAT(a[(i + r) * N + k]);
          acc[r][0] = FADD(acc[r][0], FMUL(av, b0));
          acc[r][1] = FADD(acc[r][1], FMUL(av, b1));
        }
      }
      for (int r = 0; r < 4; r++) {
        FSTORE(c + (i + r) * N + j, acc[r][0]);
        FSTORE(c + (i + r) * N + j + 4, acc[r][1]);
      }
    }
}

static void gemv_simd(const int16_t *w, const int16_t *x, int32_t *y) {
  for (int i = 0; i < M; i++) {
    __typeof__(IZERO()) s0 = IZERO(), s1 = IZERO();
    const int16_t *row = w + i * K;
    for (int k = 0; k < K; k += 16) {
      s0 = IADD(s0, IDOT(ILOAD(row + k), ILOAD(x + k)));
      s1 = IADD(s1, IDOT(ILOAD(row + k + 8), ILOAD(x + k + 8)));
    }
    y[i] = IHSUM(IADD(s0, s1));
  }
}

static uint64_t mix64(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ull; }

int main(int argc, char **argv) {
  int reps = argc > 1 ? atoi(argv[1]) : 120;
  if (argc > 2) {
    N = atoi(argv[2]);
    if (N < 8 || N % 8) return 2;
    M = 2 * N;
    K = 4 * N;
  }
  float *a = malloc(sizeof(float) * N * N), *b = malloc(sizeof(float) * N * N);
  float *c = malloc(sizeof(float) * N * N), *cr = malloc(sizeof(float) * N * N);
  int16_t *w = malloc(sizeof(int16_t) * M * K), *x = malloc(sizeof(int16_t) * K);
  int32_t *y = malloc(sizeof(int32_t) * M), *yr = malloc(sizeof(int32_t) * M);
  if (!a || !b || !c || !cr || !w || !x || !y || !yr) return 1;
  uint32_t s = 1234567u;
#define NEXT() (s = s * 1664525u + 1013904223u, s >> 8)
  for (int i = 0; i < N * N; i++) a[i] = (float)(NEXT() % 2001) / 1000.0f - 1.0f;
  for (int i = 0; i < N * N; i++) b[i] = (float)(NEXT() % 2001) / 997.0f - 1.0f;
  /* weights over the full int16 range (dot_i16x8's pairwise products reach
   * 2^30), activations small; the reference sums in uint32 so that it wraps
   * exactly as i32x4 lanes do, without C's signed-overflow UB. */
  for (int i = 0; i < M * K; i++) w[i] = (int16_t)((int)(NEXT() % 65536) - 32768);
  for (int i = 0; i < K; i++) x[i] = (int16_t)((int)(NEXT() % 129) - 64);

  int ok = 1;
  gemm_simd(a, b, c);
  gemm_scalar(a, b, cr);
  if (memcmp(c, cr, sizeof(float) * N * N) != 0) {
    int i = 0;
    while (memcmp(&c[i], &cr[i], sizeof(float)) == 0) i++;
    fprintf(stderr, "simd_gemm: f32 product differs from the scalar reference at (%d, %d): %.9g vs %.9g\n",
            i / N, i % N, c[i], cr[i]);
    ok = 0;
  }
  gemv_simd(w, x, y);
  gemv_scalar(w, x, yr);
  if (memcmp(y, yr, sizeof(int32_t) * M) != 0) {
    int i = 0;
    while (y[i] == yr[i]) i++;
    fprintf(stderr, "simd_gemm: int16 matrix-vector product differs at row %d: %d vs %d\n", i, y[i], yr[i]);
    ok = 0;
  }

  uint64_t h = 0xcbf29ce484222325ull;
  for (int r = 0; r < reps; r++) {
    a[(r * 7919) % (N * N)] += 0.5f;     /* each round multiplies a new matrix */
    gemm_simd(a, b, c);
    for (int i = 0; i < N * N; i += 97) {
      uint32_t bits;
      memcpy(&bits, &c[i], 4);
      h = mix64(h, bits);
    }
    for (int q = 0; q < 3; q++) {
      x[(r * 3 + q) % K] ^= 0x15;
      gemv_simd(w, x, y);
      for (int i = 0; i < M; i += 5) h = mix64(h, (uint32_t)y[i]);
    }
  }
  printf("checksum: %016llx\n", (unsigned long long)h);
  free(a); free(b); free(c); free(cr); free(w); free(x); free(y); free(yr);
  return ok ? 0 : 1;
}

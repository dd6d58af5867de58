/* One tight loop per operation class, for "no pathological operation":
 * each loop carries a dependency through the op so neither clang nor a
 * runtime can hoist it. Usage: ops NAME [ITERATIONS]; prints a checksum.
 * bench/ops/run compares brisk's JIT with the native build per op. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOOP(T, init, body)        \
  do {                             \
    T x = init;                    \
    for (long i = 0; i < n; i++) { \
      body;                        \
    }                              \
    sink = (double)x;              \
  } while (0)

static double sink;
static uint32_t mem32[1024];

int main(int argc, char** argv) {
  const char* op = argc > 1 ? argv[1] : "i32.add";
  long n = argc > 2 ? atol(argv[2]) : 100000000;
  uint32_t k = (uint32_t)n | 3; /* opaque to the compiler */
  if (!strcmp(op, "i32.add")) LOOP(uint32_t, 1, x = x + k + (uint32_t)i);
  else if (!strcmp(op, "i32.mul")) LOOP(uint32_t, 1, x = x * k + (uint32_t)i);
  else if (!strcmp(op, "i32.div_s")) LOOP(int32_t, 1 << 30, x = (x / (int32_t)(k | 1)) + (int32_t)i);
  else if (!strcmp(op, "i32.rem_u")) LOOP(uint32_t, 12345, x = (x % (k | 1)) + (uint32_t)i * 7);
  else if (!strcmp(op, "i32.shl")) LOOP(uint32_t, 1, x = (x << (k & 7)) ^ (uint32_t)i);
  else if (!strcmp(op, "i32.rotl")) LOOP(uint32_t, 1, x = ((x << 5) | (x >> 27)) + (uint32_t)i);
  else if (!strcmp(op, "i32.clz")) LOOP(uint32_t, 1, x = (uint32_t)__builtin_clz(x | 1) + (uint32_t)i);
  else if (!strcmp(op, "i32.popcnt")) LOOP(uint32_t, 1, x = (uint32_t)__builtin_popcount(x) + (uint32_t)i);
  else if (!strcmp(op, "i64.mul")) LOOP(uint64_t, 1, x = x * (uint64_t)k + (uint64_t)i);
  else if (!strcmp(op, "i64.div_u")) LOOP(uint64_t, 1ull << 60, x = x / (k | 1) + (uint64_t)i * 977);
  else if (!strcmp(op, "i32.lt_s")) LOOP(int32_t, 1, x = (x < (int32_t)i) + x * 3);
  else if (!strcmp(op, "select")) LOOP(int32_t, 1, x = (i & 1) ? x + 3 : x ^ 5);
  else if (!strcmp(op, "f64.add")) LOOP(double, 1.0, x = x + 1.0000001);
  else if (!strcmp(op, "f64.mul")) LOOP(double, 1.0, x = x * 1.0000001);
  else if (!strcmp(op, "f64.div")) LOOP(double, 1e300, x = x / 1.0000001);
  else if (!strcmp(op, "f64.sqrt")) LOOP(double, 2.0, x = sqrt(x) + 1.0);
  else if (!strcmp(op, "f64.min")) LOOP(double, 2.0, x = fmin(x, (double)i) + 1.0);
  else if (!strcmp(op, "f64.nearest")) LOOP(double, 2.0, x = nearbyint(x * 1.5) + 0.25);
  else if (!strcmp(op, "f64.abs")) LOOP(double, -2.0, x = -fabs(x) * 1.0000001);
  else if (!strcmp(op, "f64.copysign")) LOOP(double, 2.0, x = copysign(x, (double)(i & 1) - 0.5) * 1.0000001);
  else if (!strcmp(op, "f32.add")) LOOP(float, 1.0f, x = x + 1.5f);
  else if (!strcmp(op, "f32.mul")) LOOP(float, 1.0f, x = x * 1.0000001f);
  else if (!strcmp(op, "i32.trunc_f64_s")) LOOP(int32_t, 1, x = (int32_t)((double)x * 0.5 + 3.5));
  else if (!strcmp(op, "f64.convert_i64_u")) LOOP(double, 1.0, x = (double)((uint64_t)x + (uint64_t)i) * 0.5);
  else if (!strcmp(op, "i64.trunc_f64_u")) LOOP(uint64_t, 1, x = (uint64_t)((double)x * 0.5 + 7.0));
  else if (!strcmp(op, "load_store")) LOOP(uint32_t, 1, { mem32[x & 1023] = x; x = mem32[(x * 7) & 1023] + (uint32_t)i; });
  else {
    fprintf(stderr, "unknown op %s\n", op);
    return 2;
  }
  printf("checksum: %.17g\n", sink);
  return 0;
}

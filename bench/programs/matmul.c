/* matmul: dense double-precision matrix multiply C = A * B, i-k-j loop order
 * over row-major arrays, repeated with a rescaled A so no pass is redundant.
 * Streams rows of B and C through the cache; multiply-add heavy.
 * Usage: matmul [N]   (default N = 640, 6 multiplications) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void matmul(const double *a, const double *b, double *c, int n) {
  memset(c, 0, (size_t)n * n * sizeof *c);
  for (int i = 0; i < n; i++) {
    double *ci = c + (size_t)i * n;
    for (int k = 0; k < n; k++) {
      double aik = a[(size_t)i * n + k];
      const double *bk = b + (size_t)k * n;
      for (int j = 0; j < n; j++) ci[j] += aik * bk[j];
    }
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 640;
  size_t nn = (size_t)n * n;
  double *a = malloc(nn * sizeof *a), *b = malloc(nn * sizeof *b),
         *c = malloc(nn * sizeof *c);
  if (!a || !b || !c) return 1;
  unsigned x = 2463534242u;
  for (size_t i = 0; i < nn; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    a[i] = (double)(x % 2001) / 1000.0 - 1.0;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    b[i] = (double)(x % 2001) / 1000.0 - 1.0;
  }
  double check = 0;
  for (int rep = 0; rep < 6; rep++) {
    matmul(a, b, c, n);
    double trace = 0, sum = 0;
    for (int i = 0; i < n; i++) trace += c[(size_t)i * n + i];
    for (size_t i = 0; i < nn; i++) sum += c[i];
    check += trace + sum * 1e-3;
    double s = 1.0 / (1.0 + rep);
    for (size_t i = 0; i < nn; i++) a[i] = a[i] * s + c[i] * 1e-4;
  }
  printf("c[0][0] = %.9f\n", c[0]);
  printf("checksum: %.6f %.9f\n", check, c[nn - 1]);
  free(a);
  free(b);
  free(c);
  return 0;
}

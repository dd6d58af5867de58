/* lu: in-place LU decomposition (Doolittle, no pivoting, PolyBench lu
 * style) of a diagonally dominant n x n double matrix, so no pivot is
 * small. The factors are then checked against a saved copy of the input:
 * sampled entries of L*U must reproduce A.
 * Usage: lu [N]   (default N = 900) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void lu(double *a, int n) {
  for (int i = 0; i < n; i++) {
    double *ai = a + (size_t)i * n;
    for (int j = 0; j < i; j++) {
      for (int k = 0; k < j; k++) ai[j] -= ai[k] * a[(size_t)k * n + j];
      ai[j] /= a[(size_t)j * n + j];
    }
    for (int j = i; j < n; j++)
      for (int k = 0; k < i; k++) ai[j] -= ai[k] * a[(size_t)k * n + j];
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 900;
  if (n < 2) return 1;
  size_t nn = (size_t)n * n;
  double *a = malloc(nn * sizeof *a), *orig = malloc(nn * sizeof *orig);
  if (!a || !orig) return 1;
  unsigned x = 88172645u;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      double v = (double)(x % 1000) / 1000.0 - 0.5;
      a[(size_t)i * n + j] = i == j ? v + n : v;
    }
  memcpy(orig, a, nn * sizeof *a);
  lu(a, n);
  /* (L*U)[i][j] = sum over k <= min(i, j) of L[i][k] * U[k][j], L unit lower. */
  double maxerr = 0;
  for (int s = 0; s < 4000; s++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    int i = (int)(x % (unsigned)n), j = (int)((x >> 11) % (unsigned)n);
    int m = i < j ? i : j;
    double v = 0;
    for (int k = 0; k <= m; k++) {
      double l = k == i ? 1.0 : a[(size_t)i * n + k];
      v += l * a[(size_t)k * n + j];
    }
    double err = fabs(v - orig[(size_t)i * n + j]);
    if (err > maxerr) maxerr = err;
  }
  if (maxerr > 1e-9 * n) {
    printf("error: L*U differs from A by %g\n", maxerr);
    return 2;
  }
  double trace = 0, sum = 0;
  for (int i = 0; i < n; i++) trace += a[(size_t)i * n + i];
  for (size_t p = 0; p < nn; p++) sum += a[p];
  printf("u[n-1][n-1] = %.9f\n", a[nn - 1]);
  printf("checksum: %.6f %.9f\n", trace, sum);
  free(a);
  free(orig);
  return 0;
}

/* spectral: spectral norm of the infinite matrix A(i,j) = 1/((i+j)(i+j+1)/2+i+1)
 * truncated to N x N, by power iteration on A^T A.
 * Double-precision multiply-add with an integer-computed divisor in an O(N^2)
 * inner loop, small function calls.
 * Usage: spectral [N]   (default N = 3000, 10 power iterations) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static inline double a(int i, int j) {
  return 1.0 / ((double)(i + j) * (i + j + 1) / 2 + i + 1);
}

static void mul_a(const double *v, double *out, int n) {
  for (int i = 0; i < n; i++) {
    double s = 0;
    for (int j = 0; j < n; j++) s += a(i, j) * v[j];
    out[i] = s;
  }
}

static void mul_at(const double *v, double *out, int n) {
  for (int i = 0; i < n; i++) {
    double s = 0;
    for (int j = 0; j < n; j++) s += a(j, i) * v[j];
    out[i] = s;
  }
}

static void mul_ata(const double *v, double *out, double *tmp, int n) {
  mul_a(v, tmp, n);
  mul_at(tmp, out, n);
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 3000;
  double *u = malloc(n * sizeof *u), *v = malloc(n * sizeof *v),
         *tmp = malloc(n * sizeof *tmp);
  if (!u || !v || !tmp) return 1;
  for (int i = 0; i < n; i++) u[i] = 1.0;
  for (int it = 0; it < 10; it++) {
    mul_ata(u, v, tmp, n);
    mul_ata(v, u, tmp, n);
  }
  double vbv = 0, vv = 0;
  for (int i = 0; i < n; i++) {
    vbv += u[i] * v[i];
    vv += v[i] * v[i];
  }
  printf("spectral norm: %.9f\n", sqrt(vbv / vv));
  printf("checksum: %.9f %.6e\n", sqrt(vbv / vv), vv);
  free(u);
  free(v);
  free(tmp);
  return 0;
}

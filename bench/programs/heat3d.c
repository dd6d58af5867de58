/* heat3d: a 3-D heat-equation stencil (PolyBench heat-3d style). Two n^3
 * double grids, each time step sweeps A -> B and B -> A with the 7-point
 * stencil over the interior; the boundary stays fixed. Memory-bound loop
 * nest with three-level index arithmetic.
 * Usage: heat3d [N] [STEPS]   (default N = 100, 80 steps) */
#include <stdio.h>
#include <stdlib.h>

#define IX(i, j, k) (((size_t)(i) * n + (j)) * n + (k))

static void sweep(const double *a, double *b, int n) {
  for (int i = 1; i < n - 1; i++)
    for (int j = 1; j < n - 1; j++)
      for (int k = 1; k < n - 1; k++)
        b[IX(i, j, k)] = 0.125 * (a[IX(i + 1, j, k)] - 2.0 * a[IX(i, j, k)] + a[IX(i - 1, j, k)]) +
                         0.125 * (a[IX(i, j + 1, k)] - 2.0 * a[IX(i, j, k)] + a[IX(i, j - 1, k)]) +
                         0.125 * (a[IX(i, j, k + 1)] - 2.0 * a[IX(i, j, k)] + a[IX(i, j, k - 1)]) +
                         a[IX(i, j, k)];
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 100;
  int steps = argc > 2 ? atoi(argv[2]) : 80;
  if (n < 3 || steps < 1) return 1;
  size_t nnn = (size_t)n * n * n;
  double *a = malloc(nnn * sizeof *a), *b = malloc(nnn * sizeof *b);
  if (!a || !b) return 1;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      for (int k = 0; k < n; k++) a[IX(i, j, k)] = b[IX(i, j, k)] = (double)(i + j + (n - k)) * 10.0 / n;
  /* A point source that diffuses: its total heat over the grid is what the
   * check below follows. */
  a[IX(n / 2, n / 2, n / 2)] = b[IX(n / 2, n / 2, n / 2)] = 1000.0;
  for (int t = 0; t < steps; t++) {
    sweep(a, b, n);
    sweep(b, a, n);
  }
  double sum = 0, weighted = 0, lo = a[0], hi = a[0];
  for (size_t p = 0; p < nnn; p++) {
    sum += a[p];
    weighted += a[p] * (double)(p % 97);
    if (a[p] < lo) lo = a[p];
    if (a[p] > hi) hi = a[p];
  }
  /* The stencil is a convex combination of its neighbours (weights 1/8 and
   * 1/4), so every value stays within the initial range: a broken sweep
   * shows up as a value outside it. */
  if (lo < 0.0 || hi > 1000.0) {
    printf("error: value outside the initial range [%f, %f]\n", lo, hi);
    return 2;
  }
  printf("centre %.9f\n", a[IX(n / 2, n / 2, n / 2)]);
  printf("checksum: %.6f %.6f %.9f\n", sum, weighted * 1e-3, a[IX(1, 2, 3)]);
  free(a);
  free(b);
  return 0;
}

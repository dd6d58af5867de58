/* mandelbrot: escape-time iteration over a grid of the complex plane.
 * Tight double-precision loop with a data-dependent exit branch; the result
 * is a histogram of iteration counts and a packed bitmap checksum.
 * Usage: mandelbrot [SIZE]   (default SIZE = 1600: a SIZE x SIZE grid,
 * at most 200 iterations per point) */
#include <stdio.h>
#include <stdlib.h>

#define MAX_ITER 200

int main(int argc, char **argv) {
  int size = argc > 1 ? atoi(argv[1]) : 1600;
  unsigned long long total = 0;
  unsigned bits = 0, packed = 0, inside = 0;
  unsigned hist[8] = {0};
  for (int py = 0; py < size; py++) {
    double ci = 2.0 * py / size - 1.0;
    for (int px = 0; px < size; px++) {
      double cr = 2.5 * px / size - 2.0;
      double zr = 0, zi = 0, zr2 = 0, zi2 = 0;
      int it = 0;
      while (it < MAX_ITER && zr2 + zi2 <= 4.0) {
        zi = 2.0 * zr * zi + ci;
        zr = zr2 - zi2 + cr;
        zr2 = zr * zr;
        zi2 = zi * zi;
        it++;
      }
      total += it;
      hist[it * 8 / (MAX_ITER + 1)]++;
      bits = bits << 1 | (it == MAX_ITER);
      inside += it == MAX_ITER;
      if ((px & 31) == 31) packed = (packed * 16777619u) ^ bits;
    }
  }
  unsigned h = 0;
  for (int i = 0; i < 8; i++) h = h * 131 + hist[i];
  printf("points inside: %u of %d\n", inside, size * size);
  printf("checksum: %llu %u %u\n", total, packed, h);
  return 0;
}

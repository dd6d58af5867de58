/* quicksort: sorts arrays of pseudo-random 32-bit integers with a hand-written
 * quicksort (median-of-three pivot, Hoare-style partition, insertion sort for
 * short ranges, recursion on the smaller half). Memory-bound swaps and
 * unpredictable compare branches over a multi-megabyte array.
 * Usage: quicksort [N]   (default N = 3000000 elements, sorted 3 times) */
#include <stdio.h>
#include <stdlib.h>

static void insertion_sort(int *a, long lo, long hi) {
  for (long i = lo + 1; i <= hi; i++) {
    int v = a[i];
    long j = i - 1;
    while (j >= lo && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

static inline void swap(int *a, long i, long j) {
  int t = a[i];
  a[i] = a[j];
  a[j] = t;
}

static void quicksort(int *a, long lo, long hi) {
  while (hi - lo > 16) {
    long mid = lo + (hi - lo) / 2;
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    int pivot = a[mid];
    long i = lo - 1, j = hi + 1;
    for (;;) {
      do i++; while (a[i] < pivot);
      do j--; while (a[j] > pivot);
      if (i >= j) break;
      swap(a, i, j);
    }
    /* a[lo..j] <= pivot <= a[j+1..hi]; recurse on the smaller side */
    if (j - lo < hi - j) {
      quicksort(a, lo, j);
      lo = j + 1;
    } else {
      quicksort(a, j + 1, hi);
      hi = j;
    }
  }
  insertion_sort(a, lo, hi);
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 3000000;
  int *a = malloc(n * sizeof *a);
  if (!a) return 1;
  unsigned long long x = 0x2545F4914F6CDD1Dull;
  unsigned long long check = 0;
  int sorted = 1;
  for (int round = 0; round < 3; round++) {
    /* round 0: full 32-bit range; 1: many duplicates; 2: nearly sorted */
    for (long i = 0; i < n; i++) {
      x ^= x >> 12;
      x ^= x << 25;
      x ^= x >> 27;
      unsigned r = (unsigned)((x * 0x2545F4914F6CDD1Dull) >> 32);
      if (round == 0) a[i] = (int)r;
      else if (round == 1) a[i] = (int)(r % 1000);
      else a[i] = (int)(i * 4) + (int)(r % 64) - 32;
    }
    quicksort(a, 0, n - 1);
    for (long i = 1; i < n; i++)
      if (a[i - 1] > a[i]) sorted = 0;
    for (long i = 0; i < n; i += 997) check = check * 1000003 + (unsigned)a[i];
  }
  printf("sorted: %s\n", sorted ? "yes" : "NO");
  printf("checksum: %llu %d %d\n", check, a[0], a[n - 1]);
  free(a);
  return sorted ? 0 : 1;
}

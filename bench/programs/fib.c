/* fib: naive doubly-recursive Fibonacci with fib(0) = fib(1) = 1, the
 * benchmark from brisk's origin story (see fib_rs.rs for the Rust version).
 * Stresses calls and returns: almost no work per call, deep call chains.
 * Usage: fib [N]   (default N = 40) */
#include <stdio.h>
#include <stdlib.h>

static unsigned long long fib(unsigned n) {
  if (n < 2) return 1;
  return fib(n - 1) + fib(n - 2);
}

int main(int argc, char **argv) {
  unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 40;
  unsigned long long f = fib(n);
  printf("fib(%u) = %llu\n", n, f);
  printf("checksum: %llu\n", f);
  return 0;
}

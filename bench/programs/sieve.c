/* sieve: sieve of Eratosthenes over a byte array, repeated.
 * Integer loops with strided stores and a sequential counting pass.
 * Usage: sieve [LIMIT]   (default LIMIT = 8000000; the sieve runs 16 times,
 * each round over a slightly different limit so no pass can be skipped). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned sieve(unsigned char *composite, unsigned limit,
                      unsigned long long *sum) {
  memset(composite, 0, limit + 1);
  for (unsigned i = 2; (unsigned long long)i * i <= limit; i++) {
    if (composite[i]) continue;
    for (unsigned j = i * i; j <= limit; j += i) composite[j] = 1;
  }
  unsigned count = 0;
  unsigned long long s = 0;
  for (unsigned i = 2; i <= limit; i++) {
    if (!composite[i]) {
      count++;
      s += i;
    }
  }
  *sum += s;
  return count;
}

int main(int argc, char **argv) {
  unsigned limit = argc > 1 ? (unsigned)atoi(argv[1]) : 8000000;
  unsigned char *composite = malloc(limit + 1);
  if (!composite) return 1;
  unsigned long long sum = 0, check = 0;
  unsigned last = 0;
  for (unsigned round = 0; round < 16; round++) {
    unsigned lim = limit - round * 7;
    last = sieve(composite, lim, &sum);
    check = check * 31 + last;
  }
  printf("primes <= %u: %u\n", limit - 105, last);
  printf("checksum: %llu %llu\n", check, sum);
  free(composite);
  return 0;
}

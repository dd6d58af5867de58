/* Reads numbers from stdin, prints their sum, exits with (sum % 256). */
#include "check.h"

int main(void) {
  long sum = 0, x;
  while (scanf("%ld", &x) == 1) sum += x;
  printf("sum %ld\n", sum);
  fflush(stdout);
  exit((int)(sum % 256));
}

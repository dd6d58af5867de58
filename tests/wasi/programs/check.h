/* Tiny self-checking helpers for the WASI test programs. */
#ifndef BRISK_WASI_CHECK_H
#define BRISK_WASI_CHECK_H
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int g_failures;
#define CHECK(cond)                                                                     \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      fprintf(stderr, "%s:%d: check failed: %s (errno %d: %s)\n", __FILE__, __LINE__, #cond, \
              errno, strerror(errno));                                                  \
      g_failures++;                                                                     \
    }                                                                                   \
  } while (0)
#define DONE()                                                      \
  do {                                                              \
    if (g_failures) fprintf(stderr, "%d check(s) failed\n", g_failures); \
    else printf("ok\n");                                            \
    return g_failures ? 1 : 0;                                      \
  } while (0)
#endif

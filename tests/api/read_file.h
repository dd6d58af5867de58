/* The one file reader of the C API tests: the whole file, malloc'ed (the
 * caller frees it); exits with status 2 when it cannot be read, since no
 * test can go on without its module. */
#ifndef BRISK_TESTS_API_READ_FILE_H
#define BRISK_TESTS_API_READ_FILE_H
#include <stdio.h>
#include <stdlib.h>

static inline unsigned char* api_read_file(const char* path, size_t* len) {
  FILE* f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char* buf = (unsigned char*)malloc(n > 0 ? (size_t)n : 1);
  if (!buf || n < 0 || fread(buf, 1, (size_t)n, f) != (size_t)n) {
    fprintf(stderr, "cannot read %s\n", path);
    exit(2);
  }
  fclose(f);
  *len = (size_t)n;
  return buf;
}
#endif

/* The WASI guest of tests/api/api_wasi.c, compiled to wasm32-wasi at build
 * time. argv[1] picks what it does; each mode prints what the host test
 * checks, and exits 1 with a reason when something in the guest is off. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static int failures = 0;

/* Expects {ok} == 0 and errno == {want}. */
static void expect_errno(const char* what, int result_ok, int want) {
  if (result_ok) {
    printf("FAIL %s: succeeded\n", what);
    failures++;
  } else if (errno != want) {
    printf("FAIL %s: errno %d (%s), want %d\n", what, errno, strerror(errno), want);
    failures++;
  }
}

static int args_env(int argc, char** argv) {
  printf("argc=%d", argc);
  for (int i = 0; i < argc; ++i) printf(" [%s]", argv[i]);
  const char* names[] = {"A", "B", "C", "BRISK_HOST_VAR", "BRISK_HOST_OVERRIDE"};
  for (size_t i = 0; i < sizeof names / sizeof *names; ++i) {
    const char* v = getenv(names[i]);
    printf(" %s=%s", names[i], v ? v : "(unset)");
  }
  printf("\n");
  return 0;
}

/* stdin to stdout ("in:" + bytes), a note to stderr. */
static int echo(void) {
  char buf[256];
  size_t n = fread(buf, 1, sizeof buf, stdin);
  printf("in:%.*s", (int)n, buf);
  fflush(stdout);
  fprintf(stderr, "err:%zu bytes", n);
  return ferror(stdin) ? 1 : 0;
}

/* /data is read-only, /rw writable; /data/hello.txt holds "hello". */
static int read_only(void) {
  char buf[16] = {0};
  FILE* f = fopen("/data/hello.txt", "r");
  if (!f || fread(buf, 1, sizeof buf - 1, f) != 5 || strcmp(buf, "hello") != 0) {
    printf("FAIL reading /data/hello.txt\n");
    return 1;
  }
  fclose(f);
  struct stat st;
  if (stat("/data/hello.txt", &st) != 0 || st.st_size != 5) failures++, printf("FAIL stat\n");
  if (stat("/data/sub", &st) != 0 || !S_ISDIR(st.st_mode)) failures++, printf("FAIL stat sub\n");
  f = fopen("/data/sub/inner.txt", "r");  /* reads work below a subdirectory too */
  if (!f) failures++, printf("FAIL reading /data/sub/inner.txt: %s\n", strerror(errno));
  else fclose(f);

  expect_errno("create", fopen("/data/new.txt", "w") != NULL, EROFS);
  expect_errno("create in sub", open("/data/sub/new.txt", O_WRONLY | O_CREAT, 0644) >= 0, EROFS);
  expect_errno("truncate on open", open("/data/hello.txt", O_WRONLY | O_TRUNC) >= 0, EROFS);
  expect_errno("append", fopen("/data/hello.txt", "a") != NULL, EROFS);
  expect_errno("truncate", truncate("/data/hello.txt", 0) == 0, EROFS);
  expect_errno("unlink", unlink("/data/hello.txt") == 0, EROFS);
  expect_errno("mkdir", mkdir("/data/d", 0755) == 0, EROFS);
  expect_errno("rmdir", rmdir("/data/sub") == 0, EROFS);
  expect_errno("rename", rename("/data/hello.txt", "/data/moved.txt") == 0, EROFS);
  expect_errno("rename out", rename("/data/hello.txt", "/rw/moved.txt") == 0, EROFS);
  expect_errno("rename in", rename("/rw/w.txt", "/data/w.txt") == 0, EROFS);
  expect_errno("link out", link("/data/hello.txt", "/rw/link.txt") == 0, EROFS);
  expect_errno("symlink", symlink("hello.txt", "/data/sym") == 0, EROFS);
  struct timeval tv[2] = {{1, 0}, {1, 0}};
  expect_errno("utimes", utimes("/data/hello.txt", tv) == 0, EROFS);

  /* An fd opened for reading under /data has no write rights. */
  int fd = open("/data/hello.txt", O_RDONLY);
  if (fd < 0) {
    printf("FAIL open read-only: %s\n", strerror(errno));
    return 1;
  }
  expect_errno("write", write(fd, "x", 1) == 1, EROFS);
  expect_errno("ftruncate", ftruncate(fd, 0) == 0, EROFS);
  struct timespec ts[2] = {{1, 0}, {1, 0}};
  expect_errno("futimens", futimens(fd, ts) == 0, EROFS);
  close(fd);

  /* The writable preopen still writes (the refusals above are /data's). */
  f = fopen("/rw/created.txt", "w");
  if (!f || fputs("made", f) < 0 || fclose(f) != 0) failures++, printf("FAIL writing /rw/created.txt\n");
  if (failures) return 1;
  printf("read-only ok\n");
  return 0;
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "args") == 0) return args_env(argc, argv);
  if (strcmp(mode, "echo") == 0) return echo();
  if (strcmp(mode, "ro") == 0) return read_only();
  if (strcmp(mode, "exit3") == 0) {
    printf("exiting\n");
    exit(3);
  }
  if (strcmp(mode, "hello") == 0) {
    printf("hello from wasi\n");
    return 0;
  }
  printf("unknown mode '%s'\n", mode);
  return 2;
}

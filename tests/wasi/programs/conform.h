/* Helpers for the WASI preview1 conformance programs (conform_*.c). They call
 * the __wasi_* functions of <wasi/api.h> directly, so that every errno is the
 * one the host returned, not one libc translated. Each check prints one line
 * ("ok ..." or "FAIL ..."); the program ends with "ok" and status 0 only if
 * every check passed. The sandbox is preopened as /sandbox (run_wasi_test.sh).
 *
 * Expected values follow wasi_snapshot_preview1.witx and its docs; where
 * witx is silent, wasmtime's behaviour is the de-facto rule, and the check
 * says so in a comment. */
#ifndef BRISK_WASI_CONFORM_H
#define BRISK_WASI_CONFORM_H
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

static int g_checks, g_failed;

static const char* errno_name(int e) {
  switch (e) {
    case __WASI_ERRNO_SUCCESS: return "SUCCESS";
    case __WASI_ERRNO_ACCES: return "ACCES";
    case __WASI_ERRNO_BADF: return "BADF";
    case __WASI_ERRNO_BUSY: return "BUSY";
    case __WASI_ERRNO_EXIST: return "EXIST";
    case __WASI_ERRNO_FAULT: return "FAULT";
    case __WASI_ERRNO_INVAL: return "INVAL";
    case __WASI_ERRNO_IO: return "IO";
    case __WASI_ERRNO_ISDIR: return "ISDIR";
    case __WASI_ERRNO_LOOP: return "LOOP";
    case __WASI_ERRNO_NAMETOOLONG: return "NAMETOOLONG";
    case __WASI_ERRNO_NOENT: return "NOENT";
    case __WASI_ERRNO_NOSYS: return "NOSYS";
    case __WASI_ERRNO_NOTDIR: return "NOTDIR";
    case __WASI_ERRNO_NOTEMPTY: return "NOTEMPTY";
    case __WASI_ERRNO_NOTSOCK: return "NOTSOCK";
    case __WASI_ERRNO_NOTSUP: return "NOTSUP";
    case __WASI_ERRNO_PERM: return "PERM";
    case __WASI_ERRNO_SPIPE: return "SPIPE";
    case __WASI_ERRNO_XDEV: return "XDEV";
    case __WASI_ERRNO_NOTCAPABLE: return "NOTCAPABLE";
  }
  static char buf[16];
  snprintf(buf, sizeof buf, "errno %d", e);
  return buf;
}

static void check_errno(int line, const char* what, int got, int want) {
  g_checks++;
  if (got == want) {
    printf("ok   %s -> %s\n", what, errno_name(got));
  } else {
    char g[24];
    snprintf(g, sizeof g, "%s", errno_name(got));
    printf("FAIL line %d: %s -> %s, expected %s\n", line, what, g, errno_name(want));
    g_failed++;
  }
}

/* Either of two answers is conforming (the docs or wasmtime allow both). */
__attribute__((unused)) static void check_errno2(int line, const char* what, int got, int want1, int want2) {
  check_errno(line, what, got, got == want2 ? want2 : want1);
}

static void check_true(int line, const char* what, int cond) {
  g_checks++;
  if (cond) printf("ok   %s\n", what);
  else {
    printf("FAIL line %d: %s\n", line, what);
    g_failed++;
  }
}

#define EXPECT_ERRNO(call, want) check_errno(__LINE__, #call, (call), (want))
#define EXPECT_ERRNO2(call, w1, w2) check_errno2(__LINE__, #call, (call), (w1), (w2))
#define EXPECT_OK(call) check_errno(__LINE__, #call, (call), __WASI_ERRNO_SUCCESS)
#define EXPECT(cond) check_true(__LINE__, #cond, (cond))

static int finish(void) {
  if (g_failed) {
    printf("%d of %d checks failed\n", g_failed, g_checks);
    return 1;
  }
  printf("all %d checks passed\nok\n", g_checks);
  return 0;
}

/* The first preopened directory (the sandbox). */
static inline __wasi_fd_t sandbox_fd(void) {
  for (__wasi_fd_t fd = 3; fd < 64; fd++) {
    __wasi_prestat_t ps;
    if (__wasi_fd_prestat_get(fd, &ps) == 0 && ps.tag == __WASI_PREOPENTYPE_DIR) return fd;
  }
  printf("FAIL: no preopened directory\n");
  return (__wasi_fd_t)-1;
}

/* Raw imports, for arguments that the <wasi/api.h> wrappers cannot express
 * (paths with an embedded NUL: the wrappers take C strings). */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_open"))) int32_t raw_path_open(
    int32_t fd, int32_t dirflags, int32_t path, int32_t path_len, int32_t oflags, int64_t base, int64_t inh,
    int32_t fdflags, int32_t out);

static inline __wasi_errno_t open_file(__wasi_fd_t dir, const char* path, __wasi_oflags_t oflags, __wasi_rights_t base,
                                __wasi_fd_t* out) {
  return __wasi_path_open(dir, 0, path, oflags, base, 0, 0, out);
}

/* Creates (or truncates) {path} under {dir} holding {content}. */
static inline int make_file(__wasi_fd_t dir, const char* path, const char* content) {
  __wasi_fd_t fd;
  if (open_file(dir, path, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, __WASI_RIGHTS_FD_WRITE, &fd) != 0) return -1;
  __wasi_ciovec_t iov = {(const uint8_t*)content, strlen(content)};
  __wasi_size_t n = 0;
  __wasi_errno_t e = __wasi_fd_write(fd, &iov, 1, &n);
  __wasi_errno_t c = __wasi_fd_close(fd);
  return e == 0 && c == 0 && n == strlen(content) ? 0 : -1;
}

static inline __wasi_errno_t write_str(__wasi_fd_t fd, const char* s, __wasi_size_t* n) {
  __wasi_ciovec_t iov = {(const uint8_t*)s, strlen(s)};
  return __wasi_fd_write(fd, &iov, 1, n);
}

static inline __wasi_errno_t read_buf(__wasi_fd_t fd, char* buf, size_t len, __wasi_size_t* n) {
  __wasi_iovec_t iov = {(uint8_t*)buf, len};
  return __wasi_fd_read(fd, &iov, 1, n);
}

static inline __wasi_rights_t rights_of(__wasi_fd_t fd) {
  __wasi_fdstat_t st;
  if (__wasi_fd_fdstat_get(fd, &st) != 0) return 0;
  return st.fs_rights_base;
}

#endif

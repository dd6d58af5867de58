/* Raw WASI calls with pointers outside linear memory: EFAULT, never a crash. */
#include <stdint.h>
#include <wasi/api.h>

#include "check.h"

#define BAD ((void*)0xfffffff0u)

/* The raw import: wasi-libc's wrapper would strlen() the path itself. */
int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t path_len, int32_t oflags, int64_t base,
                      int64_t inheriting, int32_t fdflags, int32_t out)
    __attribute__((__import_module__("wasi_snapshot_preview1"), __import_name__("path_open")));

int main(void) {
  CHECK(__wasi_args_sizes_get(BAD, BAD) == __WASI_ERRNO_FAULT);
  CHECK(__wasi_environ_sizes_get(BAD, BAD) == __WASI_ERRNO_FAULT);
  CHECK(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, BAD) == __WASI_ERRNO_FAULT);
  CHECK(__wasi_random_get(BAD, 64) == __WASI_ERRNO_FAULT);
  __wasi_ciovec_t iov = {(const uint8_t*)BAD, 100};
  __wasi_size_t n;
  CHECK(__wasi_fd_write(1, &iov, 1, &n) == __WASI_ERRNO_FAULT);
  CHECK(__wasi_fd_write(1, (const __wasi_ciovec_t*)BAD, 1, &n) == __WASI_ERRNO_FAULT);
  __wasi_fdstat_t st;
  CHECK(__wasi_fd_fdstat_get(1, (__wasi_fdstat_t*)BAD) == __WASI_ERRNO_FAULT);
  CHECK(__wasi_fd_fdstat_get(12345, &st) == __WASI_ERRNO_BADF);
  __wasi_fd_t fd;
  CHECK(raw_path_open(3, 0, (int32_t)0xfffffff0u, 100, 0, 0, 0, 0, (int32_t)(intptr_t)&fd) == __WASI_ERRNO_FAULT);
  CHECK(raw_path_open(3, 0, (int32_t)(intptr_t) "x", 1, 0, 0, 0, 0, (int32_t)0xfffffffeu) == __WASI_ERRNO_FAULT);
  CHECK(__wasi_fd_read(0, (const __wasi_iovec_t*)BAD, 2, &n) == __WASI_ERRNO_FAULT);
  uint8_t buf[8];
  __wasi_size_t used;
  CHECK(__wasi_fd_readdir(3, BAD, 100, 0, &used) == __WASI_ERRNO_FAULT);
  CHECK(__wasi_fd_readdir(3, buf, sizeof buf, 0, BAD) == __WASI_ERRNO_FAULT);
  __wasi_event_t ev;
  CHECK(__wasi_poll_oneoff((const __wasi_subscription_t*)BAD, &ev, 1, &n) == __WASI_ERRNO_FAULT);
  DONE();
}

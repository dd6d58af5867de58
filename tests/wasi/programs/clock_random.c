/* Clocks, sleeping (poll_oneoff) and random_get. */
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

#include "check.h"

static long long now_ns(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void) {
  long long t0 = now_ns(CLOCK_MONOTONIC);
  struct timespec req = {0, 30 * 1000000};
  CHECK(nanosleep(&req, NULL) == 0);
  long long t1 = now_ns(CLOCK_MONOTONIC);
  CHECK(t1 - t0 >= 30 * 1000000LL);
  CHECK(t1 - t0 < 5000 * 1000000LL);
  CHECK(now_ns(CLOCK_REALTIME) > 1600000000LL * 1000000000LL);
  struct timespec res;
  CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0);
  unsigned char a[64] = {0}, b[64] = {0};
  CHECK(__wasi_random_get(a, sizeof a) == 0);
  CHECK(__wasi_random_get(b, sizeof b) == 0);
  CHECK(memcmp(a, b, sizeof a) != 0);
  __wasi_timestamp_t t;
  CHECK(__wasi_clock_time_get(99, 0, &t) == __WASI_ERRNO_INVAL);
  CHECK(__wasi_sched_yield() == 0);
  DONE();
}

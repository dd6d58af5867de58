/* poll_oneoff: relative and absolute clock subscriptions (they wait at least
 * as long as asked, the earliest one fires alone), fd readiness (regular
 * files are always ready, with the bytes left to read), per-subscription
 * errors (bad fd, directory, missing right) and invalid arguments. */
#include "conform.h"

#define R(x) __WASI_RIGHTS_##x
#define MS 1000000ull

static __wasi_timestamp_t mono(void) {
  __wasi_timestamp_t t = 0;
  if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t) != 0) return 0;
  return t;
}

static __wasi_subscription_t clock_sub(__wasi_userdata_t ud, __wasi_clockid_t id, __wasi_timestamp_t timeout,
                                       __wasi_subclockflags_t flags) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = ud;
  s.u.tag = __WASI_EVENTTYPE_CLOCK;
  s.u.u.clock.id = id;
  s.u.u.clock.timeout = timeout;
  s.u.u.clock.precision = 0;
  s.u.u.clock.flags = flags;
  return s;
}

static __wasi_subscription_t fd_sub(__wasi_userdata_t ud, __wasi_eventtype_t type, __wasi_fd_t fd) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = ud;
  s.u.tag = type;
  s.u.u.fd_read.file_descriptor = fd;
  return s;
}

static const __wasi_event_t* by_userdata(const __wasi_event_t* ev, __wasi_size_t n, __wasi_userdata_t ud) {
  for (__wasi_size_t i = 0; i < n; i++)
    if (ev[i].userdata == ud) return &ev[i];
  return NULL;
}

int main(void) {
  __wasi_fd_t root = sandbox_fd();
  __wasi_subscription_t subs[4];
  __wasi_event_t ev[4];
  __wasi_size_t n;
  __wasi_timestamp_t t0, t1;

  /* No subscriptions: EINVAL (nothing could ever wake it). */
  EXPECT_ERRNO(__wasi_poll_oneoff(subs, ev, 0, &n), __WASI_ERRNO_INVAL);

  /* A relative monotonic timeout waits at least that long. */
  subs[0] = clock_sub(42, __WASI_CLOCKID_MONOTONIC, 20 * MS, 0);
  t0 = mono();
  EXPECT_OK(__wasi_poll_oneoff(subs, ev, 1, &n));
  t1 = mono();
  EXPECT(n == 1 && ev[0].userdata == 42 && ev[0].type == __WASI_EVENTTYPE_CLOCK && ev[0].error == 0);
  EXPECT(t1 - t0 >= 20 * MS);
  /* Absolute: until the given monotonic time. */
  t0 = mono();
  subs[0] = clock_sub(7, __WASI_CLOCKID_MONOTONIC, t0 + 30 * MS, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
  EXPECT_OK(__wasi_poll_oneoff(subs, ev, 1, &n));
  t1 = mono();
  EXPECT(n == 1 && ev[0].userdata == 7);
  EXPECT(t1 >= t0 + 30 * MS);
  /* An absolute time in the past fires at once. */
  subs[0] = clock_sub(8, __WASI_CLOCKID_MONOTONIC, 1, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
  t0 = mono();
  EXPECT_OK(__wasi_poll_oneoff(subs, ev, 1, &n));
  EXPECT(n == 1 && ev[0].userdata == 8 && mono() - t0 < 500 * MS);
  /* Realtime clock, relative and absolute. */
  subs[0] = clock_sub(9, __WASI_CLOCKID_REALTIME, 10 * MS, 0);
  t0 = mono();
  EXPECT_OK(__wasi_poll_oneoff(subs, ev, 1, &n));
  EXPECT(n == 1 && ev[0].userdata == 9 && mono() - t0 >= 10 * MS);
  __wasi_timestamp_t rt;
  EXPECT_OK(__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &rt));
  subs[0] = clock_sub(10, __WASI_CLOCKID_REALTIME, rt + 15 * MS, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
  t0 = mono();
  EXPECT_OK(__wasi_poll_oneoff(subs, ev, 1, &n));
  EXPECT(n == 1 && ev[0].userdata == 10 && mono() - t0 >= 10 * MS);
  /* Two clocks: the earlier fires alone, long before the later one. */
  subs[0] = clock_sub(1, __WASI_CLOCKID_MONOTONIC, 2000 * MS, 0);
  subs[1] = clock_sub(2, __WASI_CLOCKID_MONOTONIC, 10 * MS, 0);
  t0 = mono();
  EXPECT_OK(__wasi_poll_oneoff(subs, ev, 2, &n));
  t1 = mono();
  EXPECT(n == 1 && ev[0].userdata == 2);
  EXPECT(t1 - t0 >= 10 * MS && t1 - t0 < 1500 * MS);
  /* An unknown clock is EINVAL. */
  subs[0] = clock_sub(1, 17, 10 * MS, 0);
  EXPECT_ERRNO(__wasi_poll_oneoff(subs, ev, 1, &n), __WASI_ERRNO_INVAL);
  /* So is an unknown event type. */
  subs[0] = fd_sub(1, 3, 0);
  EXPECT_ERRNO(__wasi_poll_oneoff(subs, ev, 1, &n), __WASI_ERRNO_INVAL);

  /* A regular file is always ready; reading reports the bytes left. */
  EXPECT(make_file(root, "f", "0123456789") == 0);
  __wasi_fd_t f;
  EXPECT_OK(open_file(root, "f", 0, R(FD_READ) | R(FD_WRITE) | R(FD_SEEK) | R(POLL_FD_READWRITE), &f));
  __wasi_filesize_t pos;
  EXPECT_OK(__wasi_fd_seek(f, 4, __WASI_WHENCE_SET, &pos));
  subs[0] = fd_sub(100, __WASI_EVENTTYPE_FD_READ, f);
  subs[1] = fd_sub(101, __WASI_EVENTTYPE_FD_WRITE, f);
  subs[2] = clock_sub(102, __WASI_CLOCKID_MONOTONIC, 5000 * MS, 0);
  t0 = mono();
  EXPECT_OK(__wasi_poll_oneoff(subs, ev, 3, &n));
  EXPECT(mono() - t0 < 2000 * MS); /* did not wait for the clock */
  EXPECT(n == 2);
  const __wasi_event_t* e = by_userdata(ev, n, 100);
  EXPECT(e && e->type == __WASI_EVENTTYPE_FD_READ && e->error == 0 && e->fd_readwrite.nbytes == 6);
  e = by_userdata(ev, n, 101);
  EXPECT(e && e->type == __WASI_EVENTTYPE_FD_WRITE && e->error == 0);
  EXPECT(by_userdata(ev, n, 102) == NULL);

  /* Errors are per subscription, in the event. */
  __wasi_fdstat_t fst;
  EXPECT_OK(__wasi_fd_fdstat_get(f, &fst));
  subs[0] = fd_sub(200, __WASI_EVENTTYPE_FD_READ, 999);  /* not open */
  subs[1] = fd_sub(201, __WASI_EVENTTYPE_FD_READ, root); /* a directory */
  subs[2] = fd_sub(202, __WASI_EVENTTYPE_FD_READ, f);
  EXPECT_OK(__wasi_poll_oneoff(subs, ev, 3, &n));
  EXPECT(n == 3);
  e = by_userdata(ev, n, 200);
  EXPECT(e && e->error == __WASI_ERRNO_BADF && e->type == __WASI_EVENTTYPE_FD_READ);
  e = by_userdata(ev, n, 201);
  EXPECT(e && e->error == __WASI_ERRNO_BADF);
  e = by_userdata(ev, n, 202);
  EXPECT(e && e->error == 0);
  /* Without poll_fd_readwrite the fd cannot be polled. */
  EXPECT_OK(__wasi_fd_fdstat_set_rights(f, fst.fs_rights_base & ~R(POLL_FD_READWRITE), 0));
  subs[0] = fd_sub(300, __WASI_EVENTTYPE_FD_WRITE, f);
  EXPECT_OK(__wasi_poll_oneoff(subs, ev, 1, &n));
  EXPECT(n == 1 && ev[0].userdata == 300 && ev[0].error == __WASI_ERRNO_NOTCAPABLE);
  EXPECT_OK(__wasi_fd_close(f));

  /* stdout can be polled for writing (a file or a pipe under the test driver). */
  subs[0] = fd_sub(400, __WASI_EVENTTYPE_FD_WRITE, 1);
  subs[1] = clock_sub(401, __WASI_CLOCKID_MONOTONIC, 2000 * MS, 0);
  EXPECT_OK(__wasi_poll_oneoff(subs, ev, 2, &n));
  e = by_userdata(ev, n, 400);
  EXPECT(e && e->error == 0 && e->type == __WASI_EVENTTYPE_FD_WRITE);

  /* stdin is a pipe holding "abc" (run_wasi_test.sh): readable with the
   * byte count, and at end of file ready again with the hangup flag. */
  __wasi_fdstat_t in;
  EXPECT_OK(__wasi_fd_fdstat_get(0, &in));
  EXPECT((in.fs_rights_base & (R(FD_SEEK) | R(FD_TELL))) == 0); /* a pipe cannot seek */
  subs[0] = fd_sub(500, __WASI_EVENTTYPE_FD_READ, 0);
  subs[1] = clock_sub(501, __WASI_CLOCKID_MONOTONIC, 5000 * MS, 0);
  EXPECT_OK(__wasi_poll_oneoff(subs, ev, 2, &n));
  e = by_userdata(ev, n, 500);
  EXPECT(n == 1 && e && e->error == 0 && e->fd_readwrite.nbytes == 3);
  char in_buf[8];
  __wasi_size_t got = 0, total = 0;
  while (total < 3 && read_buf(0, in_buf + total, sizeof in_buf - total, &got) == 0 && got > 0) total += got;
  EXPECT(total == 3 && memcmp(in_buf, "abc", 3) == 0);
  t0 = mono();
  EXPECT_OK(__wasi_poll_oneoff(subs, ev, 2, &n));
  e = by_userdata(ev, n, 500);
  EXPECT(e && e->error == 0 && (e->fd_readwrite.flags & __WASI_EVENTRWFLAGS_FD_READWRITE_HANGUP) &&
         e->fd_readwrite.nbytes == 0);
  EXPECT(mono() - t0 < 2000 * MS);

  /* Bad pointers are EFAULT. */
  subs[0] = clock_sub(1, __WASI_CLOCKID_MONOTONIC, 0, 0);
  EXPECT_ERRNO(__wasi_poll_oneoff((const __wasi_subscription_t*)0xfffffff0, ev, 1, &n), __WASI_ERRNO_FAULT);
  EXPECT_ERRNO(__wasi_poll_oneoff(subs, (__wasi_event_t*)0xfffffff0, 1, &n), __WASI_ERRNO_FAULT);
  return finish();
}

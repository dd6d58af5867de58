/* Filestat and times: every filestat field, nanosecond timestamps through
 * fd_filestat_set_times and path_filestat_set_times, each FSTFLAGS bit on its
 * own, the invalid combinations, and following or not following symlinks. */
#include "conform.h"

#define R(x) __WASI_RIGHTS_##x
#define FST(x) __WASI_FSTFLAGS_##x

static const __wasi_timestamp_t T1 = 1000000000123456789ull; /* 2001-09-09, odd nanoseconds */
static const __wasi_timestamp_t T2 = 1234567890987654321ull;
static const __wasi_timestamp_t T3 = 1500000000000000001ull;

static __wasi_timestamp_t now(void) {
  __wasi_timestamp_t t = 0;
  if (__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &t) != 0) return 0;
  return t;
}

static int near_now(__wasi_timestamp_t t) {
  __wasi_timestamp_t n = now();
  return t + 10000000000ull > n && t < n + 10000000000ull; /* within 10 s */
}

int main(void) {
  __wasi_fd_t root = sandbox_fd();
  __wasi_filestat_t st, st2;
  __wasi_fd_t f;

  /* Fields. */
  EXPECT(make_file(root, "f", "hello") == 0);
  EXPECT_OK(open_file(root, "f", 0, R(FD_FILESTAT_GET) | R(FD_FILESTAT_SET_TIMES) | R(FD_WRITE), &f));
  EXPECT_OK(__wasi_fd_filestat_get(f, &st));
  EXPECT(st.filetype == __WASI_FILETYPE_REGULAR_FILE);
  EXPECT(st.size == 5);
  EXPECT(st.nlink == 1);
  EXPECT(st.ino != 0);
  EXPECT(near_now(st.mtim) && near_now(st.ctim) && near_now(st.atim));
  EXPECT_OK(__wasi_path_filestat_get(root, 0, "f", &st2));
  EXPECT(st2.dev == st.dev && st2.ino == st.ino && st2.size == st.size && st2.mtim == st.mtim);
  EXPECT_OK(__wasi_path_link(root, 0, "f", root, "f2"));
  EXPECT_OK(__wasi_fd_filestat_get(f, &st));
  EXPECT(st.nlink == 2);
  EXPECT_OK(__wasi_path_filestat_get(root, 0, ".", &st2));
  EXPECT(st2.filetype == __WASI_FILETYPE_DIRECTORY && st2.dev == st.dev);

  /* Nanosecond precision, both times. */
  EXPECT_OK(__wasi_fd_filestat_set_times(f, T1, T2, FST(ATIM) | FST(MTIM)));
  EXPECT_OK(__wasi_fd_filestat_get(f, &st));
  EXPECT(st.atim == T1);
  EXPECT(st.mtim == T2);
  /* One flag at a time: the other time is left alone. */
  EXPECT_OK(__wasi_fd_filestat_set_times(f, 0, T3, FST(MTIM)));
  EXPECT_OK(__wasi_fd_filestat_get(f, &st));
  EXPECT(st.atim == T1 && st.mtim == T3);
  EXPECT_OK(__wasi_fd_filestat_set_times(f, T2, 0, FST(ATIM)));
  EXPECT_OK(__wasi_fd_filestat_get(f, &st));
  EXPECT(st.atim == T2 && st.mtim == T3);
  EXPECT_OK(__wasi_fd_filestat_set_times(f, T1, T1, 0)); /* no flags: nothing changes */
  EXPECT_OK(__wasi_fd_filestat_get(f, &st));
  EXPECT(st.atim == T2 && st.mtim == T3);
  /* _NOW flags take the current time and ignore the value given. */
  EXPECT_OK(__wasi_fd_filestat_set_times(f, T1, 0, FST(ATIM_NOW)));
  EXPECT_OK(__wasi_fd_filestat_get(f, &st));
  EXPECT(near_now(st.atim) && st.mtim == T3);
  EXPECT_OK(__wasi_fd_filestat_set_times(f, 0, T1, FST(MTIM_NOW)));
  EXPECT_OK(__wasi_fd_filestat_get(f, &st));
  EXPECT(near_now(st.mtim));
  /* A time and its _NOW together are EINVAL, and change nothing. */
  EXPECT_OK(__wasi_fd_filestat_set_times(f, T1, T2, FST(ATIM) | FST(MTIM)));
  EXPECT_ERRNO(__wasi_fd_filestat_set_times(f, T3, T3, FST(ATIM) | FST(ATIM_NOW)), __WASI_ERRNO_INVAL);
  EXPECT_ERRNO(__wasi_fd_filestat_set_times(f, T3, T3, FST(MTIM) | FST(MTIM_NOW)), __WASI_ERRNO_INVAL);
  EXPECT_ERRNO(__wasi_fd_filestat_set_times(f, T3, T3, 1 << 4), __WASI_ERRNO_INVAL); /* undefined flag */
  EXPECT_OK(__wasi_fd_filestat_get(f, &st));
  EXPECT(st.atim == T1 && st.mtim == T2);
  /* Writing updates mtime (and ctime). */
  __wasi_size_t n;
  EXPECT_OK(write_str(f, "more", &n));
  EXPECT_OK(__wasi_fd_filestat_get(f, &st));
  EXPECT(near_now(st.mtim) && near_now(st.ctim) && st.size == 5);
  EXPECT_OK(__wasi_fd_close(f));

  /* path_filestat_set_times, with and without following a symlink. */
  EXPECT_OK(__wasi_path_symlink("f", root, "link"));
  EXPECT_OK(__wasi_path_filestat_set_times(root, 0, "f", T1, T2, FST(ATIM) | FST(MTIM)));
  EXPECT_OK(__wasi_path_filestat_get(root, 0, "f", &st));
  EXPECT(st.atim == T1 && st.mtim == T2);
  EXPECT_OK(__wasi_path_filestat_set_times(root, 0, "link", T3, T3, FST(ATIM) | FST(MTIM))); /* the link itself */
  EXPECT_OK(__wasi_path_filestat_get(root, 0, "link", &st));
  EXPECT(st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK && st.mtim == T3);
  EXPECT_OK(__wasi_path_filestat_get(root, 0, "f", &st));
  EXPECT(st.mtim == T2); /* the target is untouched */
  EXPECT_OK(__wasi_path_filestat_set_times(root, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "link", T2, T1,
                                           FST(ATIM) | FST(MTIM)));
  EXPECT_OK(__wasi_path_filestat_get(root, 0, "f", &st));
  EXPECT(st.atim == T2 && st.mtim == T1);
  EXPECT_OK(__wasi_path_filestat_get(root, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "link", &st2));
  EXPECT(st2.ino == st.ino && st2.mtim == T1);
  EXPECT_ERRNO(__wasi_path_filestat_set_times(root, 0, "f", T1, T1, FST(ATIM) | FST(ATIM_NOW)), __WASI_ERRNO_INVAL);
  EXPECT_ERRNO(__wasi_path_filestat_set_times(root, 0, "missing", 0, 0, FST(MTIM_NOW)), __WASI_ERRNO_NOENT);
  EXPECT_ERRNO(__wasi_path_filestat_set_times(root, 0, "f/", 0, 0, FST(MTIM_NOW)), __WASI_ERRNO_NOTDIR);
  /* A directory's times. */
  EXPECT_OK(__wasi_path_create_directory(root, "dir"));
  EXPECT_OK(__wasi_path_filestat_set_times(root, 0, "dir/", T3, T2, FST(ATIM) | FST(MTIM)));
  EXPECT_OK(__wasi_path_filestat_get(root, 0, "dir", &st));
  EXPECT(st.atim == T3 && st.mtim == T2);

  /* fd_filestat_set_size: grows with zeros, shrinks. */
  EXPECT_OK(open_file(root, "f", 0, R(FD_FILESTAT_GET) | R(FD_FILESTAT_SET_SIZE) | R(FD_READ), &f));
  EXPECT_OK(__wasi_fd_filestat_set_size(f, 4096));
  EXPECT_OK(__wasi_fd_filestat_get(f, &st));
  EXPECT(st.size == 4096);
  EXPECT_OK(__wasi_fd_filestat_set_size(f, 2));
  EXPECT_OK(__wasi_fd_filestat_get(f, &st));
  EXPECT(st.size == 2);
  EXPECT_OK(__wasi_fd_close(f));

  /* Clocks: resolution and monotonicity. */
  __wasi_timestamp_t res, a, b;
  EXPECT_OK(__wasi_clock_res_get(__WASI_CLOCKID_MONOTONIC, &res));
  EXPECT(res > 0 && res <= 1000000);
  EXPECT_OK(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &a));
  EXPECT_OK(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &b));
  EXPECT(b >= a);
  EXPECT_OK(__wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 0, &a));
  EXPECT_OK(__wasi_clock_time_get(__WASI_CLOCKID_THREAD_CPUTIME_ID, 0, &a));
  EXPECT_ERRNO(__wasi_clock_time_get(4, 0, &a), __WASI_ERRNO_INVAL);
  EXPECT_ERRNO(__wasi_clock_res_get(4, &a), __WASI_ERRNO_INVAL);
  return finish();
}

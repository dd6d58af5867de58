/* File descriptors: close, renumber, fdstat flags (append, nonblock, the
 * sync flags), seek/tell in every whence, pread/pwrite leaving the offset
 * alone, allocate, advise, and the stdio descriptors. */
#include "conform.h"

#define R(x) __WASI_RIGHTS_##x
static const __wasi_rights_t kRW = R(FD_READ) | R(FD_WRITE) | R(FD_SEEK) | R(FD_TELL) | R(FD_FDSTAT_SET_FLAGS) |
                                   R(FD_FILESTAT_GET) | R(FD_FILESTAT_SET_SIZE) | R(FD_ALLOCATE) | R(FD_ADVISE) |
                                   R(FD_SYNC) | R(FD_DATASYNC);

static uint16_t flags_of(__wasi_fd_t fd) {
  __wasi_fdstat_t st;
  if (__wasi_fd_fdstat_get(fd, &st) != 0) return 0xffff;
  return st.fs_flags;
}

static __wasi_filesize_t size_of(__wasi_fd_t fd) {
  __wasi_filestat_t st;
  if (__wasi_fd_filestat_get(fd, &st) != 0) return (__wasi_filesize_t)-1;
  return st.size;
}

int main(void) {
  __wasi_fd_t root = sandbox_fd();
  __wasi_fd_t a, b, c;
  __wasi_filesize_t pos;
  __wasi_size_t n;
  char buf[32];

  /* close and renumber. */
  EXPECT_OK(open_file(root, "a", __WASI_OFLAGS_CREAT, kRW, &a));
  EXPECT_OK(open_file(root, "b", __WASI_OFLAGS_CREAT, kRW, &b));
  EXPECT_OK(write_str(a, "from a", &n));
  EXPECT_OK(write_str(b, "from b", &n));
  EXPECT_OK(__wasi_fd_renumber(a, a)); /* to itself: nothing happens */
  EXPECT_OK(__wasi_fd_tell(a, &pos));
  EXPECT(pos == 6);
  __wasi_fdstat_t before, after;
  EXPECT_OK(__wasi_fd_fdstat_set_rights(a, kRW & ~R(FD_ADVISE), 0)); /* make a's fdstat recognisable */
  EXPECT_OK(__wasi_fd_fdstat_get(a, &before));
  EXPECT_OK(__wasi_fd_renumber(a, b)); /* b is closed, a now lives at b */
  EXPECT_ERRNO(__wasi_fd_tell(a, &pos), __WASI_ERRNO_BADF);
  EXPECT_OK(__wasi_fd_fdstat_get(b, &after));
  EXPECT(after.fs_rights_base == before.fs_rights_base && after.fs_flags == before.fs_flags &&
         after.fs_filetype == before.fs_filetype && after.fs_rights_inheriting == before.fs_rights_inheriting);
  EXPECT_OK(__wasi_fd_seek(b, 0, __WASI_WHENCE_SET, &pos));
  memset(buf, 0, sizeof buf);
  EXPECT_OK(read_buf(b, buf, sizeof buf, &n));
  EXPECT(n == 6 && memcmp(buf, "from a", 6) == 0);
  EXPECT_ERRNO(__wasi_fd_renumber(a, b), __WASI_ERRNO_BADF);    /* from a closed fd */
  EXPECT_ERRNO(__wasi_fd_renumber(b, 4000), __WASI_ERRNO_BADF); /* to an fd never opened */
  EXPECT_OK(__wasi_fd_close(b));
  EXPECT_ERRNO(__wasi_fd_close(b), __WASI_ERRNO_BADF);
  /* A freed number is reused by the next open (lowest free). */
  EXPECT_OK(open_file(root, "a", 0, kRW, &c));
  EXPECT(c == a || c == b);
  EXPECT_OK(__wasi_fd_close(c));

  /* fdstat flags. */
  EXPECT_OK(__wasi_path_open(root, 0, "a", 0, kRW, 0, __WASI_FDFLAGS_APPEND, &a));
  EXPECT(flags_of(a) == __WASI_FDFLAGS_APPEND);
  EXPECT_OK(write_str(a, "+", &n)); /* append: lands at the end whatever the offset */
  EXPECT_OK(__wasi_fd_seek(a, 0, __WASI_WHENCE_SET, &pos));
  EXPECT_OK(write_str(a, "!", &n));
  EXPECT(size_of(a) == 8);
  EXPECT_OK(__wasi_fd_pread(a, &(__wasi_iovec_t){(uint8_t*)buf, 8}, 1, 0, &n));
  EXPECT(n == 8 && memcmp(buf, "from a+!", 8) == 0);
  EXPECT_OK(__wasi_fd_fdstat_set_flags(a, __WASI_FDFLAGS_NONBLOCK));
  EXPECT(flags_of(a) == __WASI_FDFLAGS_NONBLOCK);
  EXPECT_OK(__wasi_fd_fdstat_set_flags(a, 0));
  EXPECT(flags_of(a) == 0);
  EXPECT_OK(__wasi_fd_seek(a, 0, __WASI_WHENCE_SET, &pos));
  EXPECT_OK(write_str(a, "F", &n)); /* no longer appending */
  EXPECT(size_of(a) == 8);
  /* Sync flags cannot change on an open fd (Linux ignores them in
   * F_SETFL): asking is ENOTSUP, not a silent no-op. */
  EXPECT_ERRNO(__wasi_fd_fdstat_set_flags(a, __WASI_FDFLAGS_SYNC), __WASI_ERRNO_NOTSUP);
  EXPECT_ERRNO(__wasi_fd_fdstat_set_flags(a, __WASI_FDFLAGS_DSYNC), __WASI_ERRNO_NOTSUP);
  EXPECT_ERRNO(__wasi_fd_fdstat_set_flags(a, 1 << 7), __WASI_ERRNO_INVAL);
  EXPECT(flags_of(a) == 0);
  EXPECT_OK(__wasi_fd_close(a));
  /* ... but they can be given at open, and fdstat reports them. */
  EXPECT_OK(__wasi_path_open(root, 0, "a", 0, kRW, 0, __WASI_FDFLAGS_DSYNC, &a));
  EXPECT(flags_of(a) == __WASI_FDFLAGS_DSYNC);
  EXPECT_OK(__wasi_fd_fdstat_set_flags(a, __WASI_FDFLAGS_DSYNC | __WASI_FDFLAGS_APPEND)); /* unchanged sync part */
  EXPECT(flags_of(a) == (__WASI_FDFLAGS_DSYNC | __WASI_FDFLAGS_APPEND));
  EXPECT_OK(__wasi_fd_close(a));
  EXPECT_OK(__wasi_path_open(root, 0, "a", 0, kRW, 0, __WASI_FDFLAGS_SYNC, &a));
  EXPECT((flags_of(a) & __WASI_FDFLAGS_SYNC) != 0);
  EXPECT_OK(__wasi_fd_close(a));
  EXPECT_ERRNO(__wasi_path_open(root, 0, "a", 0, kRW, 0, 1 << 6, &a), __WASI_ERRNO_INVAL);

  /* seek and tell. */
  EXPECT(make_file(root, "s", "0123456789") == 0);
  EXPECT_OK(open_file(root, "s", 0, kRW, &a));
  EXPECT_OK(__wasi_fd_tell(a, &pos));
  EXPECT(pos == 0);
  EXPECT_OK(__wasi_fd_seek(a, 4, __WASI_WHENCE_SET, &pos));
  EXPECT(pos == 4);
  EXPECT_OK(__wasi_fd_seek(a, 2, __WASI_WHENCE_CUR, &pos));
  EXPECT(pos == 6);
  EXPECT_OK(__wasi_fd_seek(a, -1, __WASI_WHENCE_CUR, &pos));
  EXPECT(pos == 5);
  EXPECT_OK(__wasi_fd_seek(a, -3, __WASI_WHENCE_END, &pos));
  EXPECT(pos == 7);
  EXPECT_OK(read_buf(a, buf, 2, &n));
  EXPECT(n == 2 && memcmp(buf, "78", 2) == 0);
  EXPECT_OK(__wasi_fd_tell(a, &pos));
  EXPECT(pos == 9);
  EXPECT_ERRNO(__wasi_fd_seek(a, -11, __WASI_WHENCE_END, &pos), __WASI_ERRNO_INVAL); /* before the start */
  EXPECT_ERRNO(__wasi_fd_seek(a, 0, 3, &pos), __WASI_ERRNO_INVAL);                    /* no such whence */
  EXPECT_OK(__wasi_fd_tell(a, &pos));
  EXPECT(pos == 9); /* failed seeks leave the offset */
  EXPECT_OK(__wasi_fd_seek(a, 100, __WASI_WHENCE_SET, &pos)); /* past the end is allowed */
  EXPECT_OK(read_buf(a, buf, 4, &n));
  EXPECT(n == 0);
  /* pread/pwrite leave the offset alone. */
  EXPECT_OK(__wasi_fd_seek(a, 2, __WASI_WHENCE_SET, &pos));
  EXPECT_OK(__wasi_fd_pwrite(a, &(__wasi_ciovec_t){(const uint8_t*)"AB", 2}, 1, 0, &n));
  EXPECT_OK(__wasi_fd_pread(a, &(__wasi_iovec_t){(uint8_t*)buf, 4}, 1, 0, &n));
  EXPECT(n == 4 && memcmp(buf, "AB23", 4) == 0);
  EXPECT_OK(__wasi_fd_tell(a, &pos));
  EXPECT(pos == 2);
  EXPECT_ERRNO(__wasi_fd_pread(a, &(__wasi_iovec_t){(uint8_t*)buf, 4}, 1, 1ull << 63, &n), __WASI_ERRNO_INVAL);
  /* Several iovecs are filled in order. */
  char x[3], y[3];
  __wasi_iovec_t two[2] = {{(uint8_t*)x, 3}, {(uint8_t*)y, 3}};
  EXPECT_OK(__wasi_fd_pread(a, two, 2, 0, &n));
  EXPECT(n == 6 && memcmp(x, "AB2", 3) == 0 && memcmp(y, "345", 3) == 0);

  /* allocate, advise, sync. */
  EXPECT_OK(__wasi_fd_allocate(a, 0, 64));
  EXPECT(size_of(a) == 64);
  EXPECT_OK(__wasi_fd_allocate(a, 0, 16)); /* never shrinks */
  EXPECT(size_of(a) == 64);
  EXPECT_OK(__wasi_fd_advise(a, 0, 10, __WASI_ADVICE_SEQUENTIAL));
  EXPECT_ERRNO(__wasi_fd_advise(a, 0, 10, 6), __WASI_ERRNO_INVAL);
  EXPECT_OK(__wasi_fd_sync(a));
  EXPECT_OK(__wasi_fd_datasync(a));
  EXPECT_OK(__wasi_fd_filestat_set_size(a, 3));
  EXPECT(size_of(a) == 3);
  EXPECT_ERRNO(__wasi_fd_filestat_set_size(a, 1ull << 63), __WASI_ERRNO_INVAL);
  EXPECT_OK(__wasi_fd_close(a));

  /* stdio: open, of a known kind, with file rights and no path rights. */
  for (__wasi_fd_t s = 0; s < 3; s++) {
    __wasi_fdstat_t st;
    EXPECT_OK(__wasi_fd_fdstat_get(s, &st));
    EXPECT(st.fs_filetype != __WASI_FILETYPE_DIRECTORY);
    EXPECT((st.fs_rights_base & R(PATH_OPEN)) == 0);
    EXPECT((st.fs_rights_base & (s == 0 ? R(FD_READ) : R(FD_WRITE))) != 0);
    /* Unseekable stdio (a pipe, a terminal) carries no fd_seek/fd_tell,
     * which is how wasi-libc's isatty() tells a terminal; seeking it is ESPIPE. */
    __wasi_errno_t e = __wasi_fd_tell(s, &pos);
    if (st.fs_rights_base & R(FD_TELL)) EXPECT(e == __WASI_ERRNO_SUCCESS);
    else EXPECT_ERRNO(e, __WASI_ERRNO_SPIPE);
  }
  return finish();
}

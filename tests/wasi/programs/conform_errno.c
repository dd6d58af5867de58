/* The errno of every failure path not covered by the other conform_*
 * programs: EBADF from every function taking an fd when the fd is not open,
 * EFAULT from every guest pointer out of bounds (checked before anything
 * happens), ENOENT/EEXIST/ENOTEMPTY from the path functions, EINVAL for bad
 * enum values, ENOTSOCK/EBADF from the socket calls, ENOSYS from proc_raise. */
#include "conform.h"

#define R(x) __WASI_RIGHTS_##x
#define BAD_FD 777
#define BAD ((void*)0xfffffff0) /* beyond any memory this program has */

/* proc_raise is in witx but no longer in <wasi/api.h>. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise"))) int32_t raw_proc_raise(int32_t);

int main(void) {
  __wasi_fd_t root = sandbox_fd();
  char buf[64];
  __wasi_size_t n;
  __wasi_filesize_t pos;
  __wasi_fdstat_t fst;
  __wasi_filestat_t st;
  __wasi_prestat_t ps;
  __wasi_fd_t fd;
  __wasi_iovec_t iov = {(uint8_t*)buf, sizeof buf};
  __wasi_ciovec_t ciov = {(const uint8_t*)buf, 1};

  /* EBADF: an fd that is not open, for every call that takes one. */
  EXPECT_ERRNO(__wasi_fd_advise(BAD_FD, 0, 0, 0), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_allocate(BAD_FD, 0, 1), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_close(BAD_FD), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_datasync(BAD_FD), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_fdstat_get(BAD_FD, &fst), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_fdstat_set_flags(BAD_FD, 0), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_fdstat_set_rights(BAD_FD, 0, 0), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_filestat_get(BAD_FD, &st), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_filestat_set_size(BAD_FD, 0), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_filestat_set_times(BAD_FD, 0, 0, 0), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_pread(BAD_FD, &iov, 1, 0, &n), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_prestat_get(BAD_FD, &ps), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_prestat_dir_name(BAD_FD, (uint8_t*)buf, sizeof buf), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_pwrite(BAD_FD, &ciov, 1, 0, &n), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_read(BAD_FD, &iov, 1, &n), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_readdir(BAD_FD, (uint8_t*)buf, sizeof buf, 0, &n), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_renumber(BAD_FD, 1), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_seek(BAD_FD, 0, __WASI_WHENCE_SET, &pos), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_sync(BAD_FD), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_tell(BAD_FD, &pos), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_write(BAD_FD, &ciov, 1, &n), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_path_create_directory(BAD_FD, "x"), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_path_filestat_get(BAD_FD, 0, "x", &st), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_path_filestat_set_times(BAD_FD, 0, "x", 0, 0, 0), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_path_link(BAD_FD, 0, "x", root, "y"), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_path_link(root, 0, "x", BAD_FD, "y"), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_path_open(BAD_FD, 0, "x", 0, 0, 0, 0, &fd), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_path_readlink(BAD_FD, "x", (uint8_t*)buf, sizeof buf, &n), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_path_remove_directory(BAD_FD, "x"), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_path_rename(BAD_FD, "x", root, "y"), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_path_rename(root, "x", BAD_FD, "y"), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_path_symlink("x", BAD_FD, "y"), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_path_unlink_file(BAD_FD, "x"), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_sock_accept(BAD_FD, 0, &fd), __WASI_ERRNO_BADF);
  __wasi_size_t rn;
  __wasi_roflags_t rf;
  EXPECT_ERRNO(__wasi_sock_recv(BAD_FD, &iov, 1, 0, &rn, &rf), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_sock_send(BAD_FD, &ciov, 1, 0, &rn), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_sock_shutdown(BAD_FD, __WASI_SDFLAGS_RD), __WASI_ERRNO_BADF);
  /* ... and a huge fd number is no different. */
  EXPECT_ERRNO(__wasi_fd_close(0xffffffffu), __WASI_ERRNO_BADF);

  /* ENOTSOCK: brisk grants no sockets, so an open fd is never one. */
  EXPECT_ERRNO(__wasi_sock_accept(1, 0, &fd), __WASI_ERRNO_NOTSOCK);
  EXPECT_ERRNO(__wasi_sock_recv(0, &iov, 1, 0, &rn, &rf), __WASI_ERRNO_NOTSOCK);
  EXPECT_ERRNO(__wasi_sock_send(1, &ciov, 1, 0, &rn), __WASI_ERRNO_NOTSOCK);
  EXPECT_ERRNO(__wasi_sock_shutdown(root, __WASI_SDFLAGS_WR), __WASI_ERRNO_NOTSOCK);
  /* proc_raise is not supported. */
  EXPECT_ERRNO(raw_proc_raise(15 /* TERM */), __WASI_ERRNO_NOSYS);
  EXPECT_OK(__wasi_sched_yield());

  /* EFAULT: out-of-bounds result and argument pointers. */
  EXPECT(make_file(root, "f", "hello") == 0);
  __wasi_fd_t f;
  EXPECT_OK(open_file(root, "f", 0, R(FD_READ) | R(FD_WRITE) | R(FD_SEEK) | R(FD_TELL) | R(FD_FILESTAT_GET), &f));
  EXPECT_ERRNO(__wasi_fd_fdstat_get(f, BAD), __WASI_ERRNO_FAULT);
  EXPECT_ERRNO(__wasi_fd_filestat_get(f, BAD), __WASI_ERRNO_FAULT);
  EXPECT_ERRNO(__wasi_fd_seek(f, 0, __WASI_WHENCE_SET, BAD), __WASI_ERRNO_FAULT);
  EXPECT_ERRNO(__wasi_fd_tell(f, BAD), __WASI_ERRNO_FAULT);
  EXPECT_ERRNO(__wasi_fd_read(f, BAD, 1, &n), __WASI_ERRNO_FAULT);
  EXPECT_ERRNO(__wasi_fd_read(f, &iov, 1, BAD), __WASI_ERRNO_FAULT);
  __wasi_iovec_t bad_iov = {(uint8_t*)BAD, 64};
  EXPECT_ERRNO(__wasi_fd_read(f, &bad_iov, 1, &n), __WASI_ERRNO_FAULT);
  EXPECT_ERRNO(__wasi_fd_pread(f, &bad_iov, 1, 0, &n), __WASI_ERRNO_FAULT);
  __wasi_ciovec_t bad_ciov = {(const uint8_t*)BAD, 64};
  EXPECT_ERRNO(__wasi_fd_write(f, &bad_ciov, 1, &n), __WASI_ERRNO_FAULT);
  EXPECT_ERRNO(__wasi_fd_pwrite(f, &bad_ciov, 1, 0, &n), __WASI_ERRNO_FAULT);
  EXPECT_OK(__wasi_fd_tell(f, &pos));
  EXPECT(pos == 0); /* a refused read consumed nothing */
  EXPECT_ERRNO(__wasi_fd_prestat_get(root, BAD), __WASI_ERRNO_FAULT);
  EXPECT_ERRNO(__wasi_fd_prestat_dir_name(root, BAD, 64), __WASI_ERRNO_FAULT);
  EXPECT_ERRNO(__wasi_fd_readdir(root, BAD, 64, 0, &n), __WASI_ERRNO_FAULT);
  EXPECT_ERRNO(__wasi_fd_readdir(root, (uint8_t*)buf, sizeof buf, 0, BAD), __WASI_ERRNO_FAULT);
  EXPECT_ERRNO(__wasi_path_filestat_get(root, 0, "f", BAD), __WASI_ERRNO_FAULT);
  EXPECT_ERRNO(__wasi_path_open(root, 0, "f", 0, 0, 0, 0, BAD), __WASI_ERRNO_FAULT);
  EXPECT_ERRNO(raw_path_open(root, 0, (int32_t)BAD, 4, 0, 0, 0, 0, (int32_t)&fd), __WASI_ERRNO_FAULT);
  EXPECT_ERRNO(raw_path_open(root, 0, (int32_t)"f", 0x7fffffff, 0, 0, 0, 0, (int32_t)&fd), __WASI_ERRNO_FAULT);
  EXPECT_ERRNO(__wasi_path_readlink(root, "f", BAD, 64, &n), __WASI_ERRNO_FAULT);
  EXPECT_ERRNO(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, BAD), __WASI_ERRNO_FAULT);
  EXPECT_ERRNO(__wasi_clock_res_get(__WASI_CLOCKID_MONOTONIC, BAD), __WASI_ERRNO_FAULT);
  EXPECT_ERRNO(__wasi_random_get(BAD, 64), __WASI_ERRNO_FAULT);
  EXPECT_ERRNO(__wasi_args_sizes_get(BAD, &n), __WASI_ERRNO_FAULT);
  EXPECT_ERRNO(__wasi_args_get(BAD, (uint8_t*)buf), __WASI_ERRNO_FAULT);
  EXPECT_ERRNO(__wasi_environ_sizes_get(&n, BAD), __WASI_ERRNO_FAULT);
  EXPECT_OK(__wasi_random_get((uint8_t*)buf, 0));
  EXPECT_OK(__wasi_random_get((uint8_t*)buf, sizeof buf));

  /* EINVAL: values outside their enums. */
  EXPECT_ERRNO(__wasi_fd_seek(f, 0, 9, &pos), __WASI_ERRNO_INVAL);
  EXPECT_ERRNO(__wasi_fd_seek(f, -1, __WASI_WHENCE_SET, &pos), __WASI_ERRNO_INVAL);
  EXPECT_ERRNO(__wasi_clock_res_get(99, (__wasi_timestamp_t*)buf), __WASI_ERRNO_INVAL);
  EXPECT_OK(__wasi_fd_close(f));

  /* The path errors of POSIX. */
  EXPECT_ERRNO(__wasi_path_open(root, 0, "missing", 0, 0, 0, 0, &fd), __WASI_ERRNO_NOENT);
  EXPECT_ERRNO(__wasi_path_open(root, 0, "f", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, 0, 0, 0, &fd),
               __WASI_ERRNO_EXIST);
  EXPECT_ERRNO(__wasi_path_open(root, 0, "f/x", 0, 0, 0, 0, &fd), __WASI_ERRNO_NOTDIR);
  EXPECT_ERRNO(__wasi_path_filestat_get(root, 0, "missing", &st), __WASI_ERRNO_NOENT);
  EXPECT_ERRNO(__wasi_path_filestat_get(root, 0, "f/x", &st), __WASI_ERRNO_NOTDIR);
  EXPECT_ERRNO(__wasi_path_readlink(root, "missing", (uint8_t*)buf, sizeof buf, &n), __WASI_ERRNO_NOENT);
  EXPECT_ERRNO(__wasi_path_unlink_file(root, "missing"), __WASI_ERRNO_NOENT);
  EXPECT_ERRNO(__wasi_path_remove_directory(root, "missing"), __WASI_ERRNO_NOENT);
  EXPECT_ERRNO(__wasi_path_rename(root, "missing", root, "x"), __WASI_ERRNO_NOENT);
  EXPECT_ERRNO(__wasi_path_link(root, 0, "missing", root, "x"), __WASI_ERRNO_NOENT);
  EXPECT_ERRNO(__wasi_path_symlink("f", root, "missing/x"), __WASI_ERRNO_NOENT);
  EXPECT_ERRNO(__wasi_path_create_directory(root, "f"), __WASI_ERRNO_EXIST);
  EXPECT_OK(__wasi_path_create_directory(root, "d"));
  EXPECT(make_file(root, "d/inner", "x") == 0);
  EXPECT_ERRNO(__wasi_path_remove_directory(root, "d"), __WASI_ERRNO_NOTEMPTY);
  EXPECT_ERRNO(__wasi_path_rename(root, "d", root, "d/inner2"), __WASI_ERRNO_INVAL); /* into itself */
  /* A name longer than NAME_MAX. */
  char longname[300];
  memset(longname, 'n', sizeof longname - 1);
  longname[sizeof longname - 1] = 0;
  EXPECT_ERRNO(__wasi_path_open(root, 0, longname, __WASI_OFLAGS_CREAT, 0, 0, 0, &fd), __WASI_ERRNO_NAMETOOLONG);
  return finish();
}

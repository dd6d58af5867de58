/* Directories: opening them (O_DIRECTORY with and without read/write rights,
 * O_TRUNC, O_CREAT), the file operations they refuse, the path operations a
 * non-directory refuses, and the preopen's prestat. The EBADF answers for
 * data operations on a directory are wasmtime's (its dir_fd_op_failures and
 * directory_seek tests); POSIX would say EISDIR for read and let lseek or
 * fsync succeed. */
#include "conform.h"

#define R(x) __WASI_RIGHTS_##x

static void refuses_file_ops(__wasi_fd_t d) {
  char buf[8];
  __wasi_size_t n;
  __wasi_iovec_t iov = {(uint8_t*)buf, sizeof buf};
  __wasi_ciovec_t ciov = {(const uint8_t*)buf, sizeof buf};
  __wasi_filesize_t pos;
  EXPECT_ERRNO(__wasi_fd_read(d, &iov, 1, &n), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_pread(d, &iov, 1, 0, &n), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_write(d, &ciov, 1, &n), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_pwrite(d, &ciov, 1, 0, &n), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_seek(d, 0, __WASI_WHENCE_CUR, &pos), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_seek(d, 0, __WASI_WHENCE_SET, &pos), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_seek(d, 0, __WASI_WHENCE_END, &pos), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_tell(d, &pos), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_advise(d, 0, 0, __WASI_ADVICE_DONTNEED), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_allocate(d, 0, 1), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_datasync(d), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_sync(d), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_fdstat_set_flags(d, __WASI_FDFLAGS_NONBLOCK), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_fd_filestat_set_size(d, 0), __WASI_ERRNO_BADF);
}

int main(void) {
  __wasi_fd_t root = sandbox_fd();
  __wasi_fdstat_t fst;
  EXPECT_OK(__wasi_fd_fdstat_get(root, &fst));
  __wasi_filestat_t st;
  EXPECT_OK(__wasi_fd_filestat_get(root, &st));
  EXPECT(st.filetype == __WASI_FILETYPE_DIRECTORY);
  EXPECT(fst.fs_flags == 0);

  /* Preopen name. */
  __wasi_prestat_t ps;
  EXPECT_OK(__wasi_fd_prestat_get(root, &ps));
  EXPECT(ps.tag == __WASI_PREOPENTYPE_DIR && ps.u.dir.pr_name_len == strlen("/sandbox"));
  char name[32];
  EXPECT_ERRNO(__wasi_fd_prestat_dir_name(root, (uint8_t*)name, 0), __WASI_ERRNO_NAMETOOLONG);
  EXPECT_ERRNO(__wasi_fd_prestat_dir_name(root, (uint8_t*)name, 3), __WASI_ERRNO_NAMETOOLONG);
  memset(name, 0, sizeof name);
  EXPECT_OK(__wasi_fd_prestat_dir_name(root, (uint8_t*)name, sizeof name));
  EXPECT(memcmp(name, "/sandbox", 8) == 0);
  EXPECT_ERRNO(__wasi_fd_prestat_get(0, &ps), __WASI_ERRNO_BADF); /* stdin is no preopen */

  /* Opening a directory (wasmtime's path_open_preopen). */
  __wasi_fd_t d;
  EXPECT_OK(__wasi_path_open(root, 0, ".", 0, fst.fs_rights_base, fst.fs_rights_inheriting, 0, &d));
  EXPECT_OK(__wasi_fd_close(d));
  EXPECT_OK(__wasi_path_open(root, 0, ".", 0, 0, 0, 0, &d));
  EXPECT_OK(__wasi_fd_close(d));
  EXPECT_OK(__wasi_path_open(root, 0, ".", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &d));
  EXPECT_OK(__wasi_fd_close(d));
  EXPECT_OK(__wasi_path_open(root, 0, ".", __WASI_OFLAGS_DIRECTORY, R(FD_READ), 0, 0, &d));
  EXPECT_OK(__wasi_fd_close(d));
  EXPECT_ERRNO(__wasi_path_open(root, 0, ".", __WASI_OFLAGS_DIRECTORY, R(FD_READ) | R(FD_WRITE), 0, 0, &d),
               __WASI_ERRNO_ISDIR);
  EXPECT_ERRNO(__wasi_path_open(root, 0, ".", 0, R(FD_WRITE), 0, 0, &d), __WASI_ERRNO_ISDIR);
  EXPECT_OK(__wasi_path_create_directory(root, "sub"));
  EXPECT_ERRNO(__wasi_path_open(root, 0, "sub", __WASI_OFLAGS_DIRECTORY | __WASI_OFLAGS_TRUNC, 0, 0, 0, &d),
               __WASI_ERRNO_ISDIR);
  EXPECT_ERRNO(__wasi_path_open(root, 0, "sub", __WASI_OFLAGS_TRUNC, 0, 0, 0, &d), __WASI_ERRNO_ISDIR);
  /* O_CREAT|O_DIRECTORY is refused outright: directories are made with
   * path_create_directory (Linux's own answer has changed across versions). */
  EXPECT_ERRNO(__wasi_path_open(root, 0, "newdir", __WASI_OFLAGS_DIRECTORY | __WASI_OFLAGS_CREAT, 0, 0, 0, &d),
               __WASI_ERRNO_INVAL);
  EXPECT_ERRNO(__wasi_path_open(root, 0, "sub", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, 0, 0, 0, &d),
               __WASI_ERRNO_EXIST);
  EXPECT_ERRNO(__wasi_path_open(root, 0, "sub", __WASI_OFLAGS_CREAT, 0, 0, 0, &d), __WASI_ERRNO_ISDIR);
  EXPECT(make_file(root, "file", "abc") == 0);
  EXPECT_ERRNO(__wasi_path_open(root, 0, "file", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &d), __WASI_ERRNO_NOTDIR);
  EXPECT_ERRNO(__wasi_path_open(root, 0, "file", 1 << 4, 0, 0, 0, &d), __WASI_ERRNO_INVAL); /* unknown oflag */

  /* Data operations on directories: the preopen, and an opened directory. */
  refuses_file_ops(root);
  EXPECT_OK(__wasi_path_open(root, 0, "sub", __WASI_OFLAGS_DIRECTORY, fst.fs_rights_inheriting & ~R(FD_WRITE),
                             fst.fs_rights_inheriting, 0, &d));
  refuses_file_ops(d);
  EXPECT_OK(__wasi_fd_filestat_get(d, &st));
  EXPECT(st.filetype == __WASI_FILETYPE_DIRECTORY);
  EXPECT_OK(__wasi_fd_filestat_set_times(d, 5000000000ull, 6000000000ull,
                                         __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  EXPECT_OK(__wasi_fd_filestat_get(d, &st));
  EXPECT(st.atim == 5000000000ull && st.mtim == 6000000000ull);
  /* Path operations through the opened directory. */
  EXPECT(make_file(d, "inner", "x") == 0);
  EXPECT_OK(__wasi_path_filestat_get(root, 0, "sub/inner", &st));
  EXPECT(st.size == 1);
  EXPECT_OK(__wasi_path_unlink_file(d, "inner"));
  EXPECT_ERRNO(__wasi_path_filestat_get(d, 0, "../file", &st), __WASI_ERRNO_PERM); /* d is a root of its own */
  EXPECT_OK(__wasi_fd_close(d));

  /* A file fd refuses path operations (ENOTDIR) and fd_readdir (ENOTDIR). */
  __wasi_fd_t f;
  EXPECT_OK(open_file(root, "file", 0, R(FD_READ), &f));
  EXPECT_ERRNO(__wasi_path_open(f, 0, "x", 0, 0, 0, 0, &d), __WASI_ERRNO_NOTDIR);
  EXPECT_ERRNO(__wasi_path_create_directory(f, "x"), __WASI_ERRNO_NOTDIR);
  EXPECT_ERRNO(__wasi_path_filestat_get(f, 0, "x", &st), __WASI_ERRNO_NOTDIR);
  EXPECT_ERRNO(__wasi_path_unlink_file(f, "x"), __WASI_ERRNO_NOTDIR);
  EXPECT_ERRNO(__wasi_path_symlink("a", f, "x"), __WASI_ERRNO_NOTDIR);
  EXPECT_ERRNO(__wasi_path_rename(f, "a", root, "b"), __WASI_ERRNO_NOTDIR);
  EXPECT_ERRNO(__wasi_path_rename(root, "a", f, "b"), __WASI_ERRNO_NOTDIR);
  EXPECT_ERRNO(__wasi_path_link(f, 0, "a", root, "b"), __WASI_ERRNO_NOTDIR);
  uint8_t buf[64];
  __wasi_size_t n;
  EXPECT_ERRNO(__wasi_fd_readdir(f, buf, sizeof buf, 0, &n), __WASI_ERRNO_NOTDIR);
  EXPECT_ERRNO(__wasi_fd_prestat_get(f, &ps), __WASI_ERRNO_BADF);
  EXPECT_OK(__wasi_fd_close(f));

  /* A closed preopen is gone like any fd. */
  EXPECT_OK(__wasi_path_open(root, 0, ".", __WASI_OFLAGS_DIRECTORY, fst.fs_rights_base, fst.fs_rights_inheriting, 0,
                             &d));
  EXPECT_OK(__wasi_fd_renumber(d, root)); /* the copy replaces the preopen */
  EXPECT_ERRNO(__wasi_fd_prestat_get(root, &ps), __WASI_ERRNO_BADF);
  EXPECT_OK(__wasi_path_filestat_get(root, 0, "file", &st));
  EXPECT_OK(__wasi_fd_close(root));
  EXPECT_ERRNO(__wasi_path_filestat_get(root, 0, "file", &st), __WASI_ERRNO_BADF);
  return finish();
}

/* Rights: what a preopen, a directory and a file carry, and that every
 * operation is refused (ENOTCAPABLE, witx's "capabilities insufficient";
 * EBADF for fd_read/fd_write, as POSIX and wasmtime) when its right is missing: dropped with fd_fdstat_set_rights, never
 * granted by path_open, or not inheritable from the directory. */
#include "conform.h"

#define R(x) __WASI_RIGHTS_##x

static const __wasi_rights_t kDirRights =
    R(PATH_CREATE_DIRECTORY) | R(PATH_CREATE_FILE) | R(PATH_LINK_SOURCE) | R(PATH_LINK_TARGET) | R(PATH_OPEN) |
    R(FD_READDIR) | R(PATH_READLINK) | R(PATH_RENAME_SOURCE) | R(PATH_RENAME_TARGET) | R(PATH_SYMLINK) |
    R(PATH_REMOVE_DIRECTORY) | R(PATH_UNLINK_FILE) | R(PATH_FILESTAT_GET) | R(PATH_FILESTAT_SET_TIMES) |
    R(FD_FILESTAT_GET) | R(FD_FILESTAT_SET_TIMES);
static const __wasi_rights_t kFileOnly = R(FD_READ) | R(FD_WRITE) | R(FD_SEEK) | R(FD_TELL) |
                                         R(FD_FILESTAT_SET_SIZE) | R(FD_ALLOCATE) | R(FD_DATASYNC) |
                                         R(FD_SYNC) | R(FD_ADVISE) | R(FD_FDSTAT_SET_FLAGS);

/* Opens a fresh subdirectory fd of the sandbox with every right it may have,
 * for dropping rights without touching the preopen. */
static __wasi_fd_t subdir(__wasi_fd_t root) {
  __wasi_fdstat_t st;
  EXPECT_OK(__wasi_fd_fdstat_get(root, &st));
  __wasi_fd_t fd = (__wasi_fd_t)-1;
  EXPECT_OK(__wasi_path_open(root, 0, "sub", __WASI_OFLAGS_DIRECTORY,
                             st.fs_rights_inheriting & (kDirRights | R(PATH_FILESTAT_SET_SIZE)), st.fs_rights_inheriting,
                             0, &fd));
  return fd;
}

static void drop(__wasi_fd_t fd, __wasi_rights_t right) {
  __wasi_fdstat_t st;
  EXPECT_OK(__wasi_fd_fdstat_get(fd, &st));
  EXPECT_OK(__wasi_fd_fdstat_set_rights(fd, st.fs_rights_base & ~right, st.fs_rights_inheriting));
}

int main(void) {
  __wasi_fd_t root = sandbox_fd();
  __wasi_fdstat_t st;

  /* A preopened directory: every directory right (wasmtime's
   * path_open_preopen list), no file right, and file rights to inherit. */
  EXPECT_OK(__wasi_fd_fdstat_get(root, &st));
  EXPECT(st.fs_filetype == __WASI_FILETYPE_DIRECTORY);
  EXPECT((st.fs_rights_base & kDirRights) == kDirRights);
  EXPECT((st.fs_rights_base & R(PATH_FILESTAT_SET_SIZE)) != 0); /* O_TRUNC through it needs this */
  EXPECT((st.fs_rights_base & R(FD_SEEK)) == 0);
  EXPECT((st.fs_rights_base & R(FD_TELL)) == 0);
  EXPECT((st.fs_rights_base & R(FD_READ)) == 0);
  EXPECT((st.fs_rights_base & R(FD_WRITE)) == 0);
  EXPECT((st.fs_rights_base & R(FD_FILESTAT_SET_SIZE)) == 0);
  EXPECT((st.fs_rights_inheriting & (kDirRights | kFileOnly)) == (kDirRights | kFileOnly));

  /* A directory opened asking for everything but fd_write (which is EISDIR,
   * see conform_dirs) still gets directory rights only. */
  EXPECT_OK(__wasi_path_create_directory(root, "sub"));
  __wasi_fd_t d;
  EXPECT_OK(__wasi_path_open(root, 0, "sub", __WASI_OFLAGS_DIRECTORY, st.fs_rights_inheriting & ~(R(FD_WRITE)),
                             st.fs_rights_inheriting, 0, &d));
  EXPECT((rights_of(d) & R(FD_SEEK)) == 0);
  EXPECT((rights_of(d) & R(FD_READ)) == 0);
  EXPECT((rights_of(d) & kDirRights) == kDirRights);
  EXPECT_OK(__wasi_fd_close(d));

  /* A file gets what it asked for, and no path_* rights. */
  EXPECT(make_file(root, "f", "0123456789") == 0);
  __wasi_fd_t f;
  EXPECT_OK(open_file(root, "f", 0, R(FD_READ) | R(PATH_OPEN) | R(FD_READDIR), &f));
  EXPECT((rights_of(f) & R(FD_READ)) != 0);
  EXPECT((rights_of(f) & (R(FD_WRITE) | R(PATH_OPEN) | R(FD_READDIR))) == 0);
  __wasi_size_t n;
  char buf[16];
  EXPECT_OK(read_buf(f, buf, 4, &n));
  /* Without fd_write the fd is "not open for writing": EBADF (POSIX, and
   * wasmtime's path_open_read_write test); other missing rights are ENOTCAPABLE. */
  EXPECT_ERRNO(write_str(f, "x", &n), __WASI_ERRNO_BADF);
  __wasi_filesize_t pos;
  EXPECT_ERRNO(__wasi_fd_seek(f, 0, __WASI_WHENCE_SET, &pos), __WASI_ERRNO_NOTCAPABLE);
  EXPECT_ERRNO(__wasi_fd_tell(f, &pos), __WASI_ERRNO_NOTCAPABLE);
  EXPECT_ERRNO(__wasi_fd_filestat_set_size(f, 0), __WASI_ERRNO_NOTCAPABLE);
  __wasi_filestat_t fs;
  EXPECT_ERRNO(__wasi_fd_filestat_get(f, &fs), __WASI_ERRNO_NOTCAPABLE);
  EXPECT_ERRNO(__wasi_fd_filestat_set_times(f, 0, 0, __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_NOTCAPABLE);
  EXPECT_ERRNO(__wasi_fd_sync(f), __WASI_ERRNO_NOTCAPABLE);
  EXPECT_ERRNO(__wasi_fd_datasync(f), __WASI_ERRNO_NOTCAPABLE);
  EXPECT_ERRNO(__wasi_fd_advise(f, 0, 0, __WASI_ADVICE_NORMAL), __WASI_ERRNO_NOTCAPABLE);
  EXPECT_ERRNO(__wasi_fd_allocate(f, 0, 1), __WASI_ERRNO_NOTCAPABLE);
  EXPECT_ERRNO(__wasi_fd_fdstat_set_flags(f, 0), __WASI_ERRNO_NOTCAPABLE);
  __wasi_iovec_t iov = {(uint8_t*)buf, 4};
  EXPECT_ERRNO(__wasi_fd_pread(f, &iov, 1, 0, &n), __WASI_ERRNO_NOTCAPABLE); /* needs fd_seek too */
  EXPECT_OK(__wasi_fd_close(f));

  /* Write-only: reading is refused. */
  EXPECT_OK(open_file(root, "f", 0, R(FD_WRITE), &f));
  EXPECT_ERRNO(read_buf(f, buf, 4, &n), __WASI_ERRNO_BADF);
  EXPECT_OK(write_str(f, "ab", &n));
  EXPECT_OK(__wasi_fd_close(f));

  /* With the right, the same operations work. */
  EXPECT_OK(open_file(root, "f", 0, R(FD_READ) | R(FD_SEEK) | R(FD_TELL) | R(FD_FILESTAT_SET_SIZE) | R(FD_FILESTAT_GET),
                      &f));
  EXPECT_OK(__wasi_fd_seek(f, 3, __WASI_WHENCE_SET, &pos));
  EXPECT_OK(__wasi_fd_tell(f, &pos));
  EXPECT(pos == 3);
  EXPECT_OK(__wasi_fd_filestat_set_size(f, 5));
  EXPECT_OK(__wasi_fd_filestat_get(f, &fs));
  EXPECT(fs.size == 5);
  /* fd_tell needs only fd_tell: dropping fd_seek keeps it, and keeps fd_seek(0, CUR) (wasmtime's rule). */
  drop(f, R(FD_SEEK));
  EXPECT_ERRNO(__wasi_fd_seek(f, 1, __WASI_WHENCE_SET, &pos), __WASI_ERRNO_NOTCAPABLE);
  EXPECT_ERRNO(__wasi_fd_seek(f, 0, __WASI_WHENCE_END, &pos), __WASI_ERRNO_NOTCAPABLE);
  EXPECT_OK(__wasi_fd_seek(f, 0, __WASI_WHENCE_CUR, &pos));
  EXPECT_OK(__wasi_fd_tell(f, &pos));
  drop(f, R(FD_FILESTAT_SET_SIZE));
  EXPECT_ERRNO(__wasi_fd_filestat_set_size(f, 1), __WASI_ERRNO_NOTCAPABLE);
  EXPECT_OK(__wasi_fd_filestat_get(f, &fs));
  EXPECT(fs.size == 5); /* the refused truncate did nothing */
  drop(f, R(FD_READ));
  EXPECT_ERRNO(read_buf(f, buf, 4, &n), __WASI_ERRNO_BADF);
  /* Rights can only be dropped, never regained. */
  EXPECT_ERRNO(__wasi_fd_fdstat_set_rights(f, rights_of(f) | R(FD_READ), 0), __WASI_ERRNO_NOTCAPABLE);
  EXPECT_OK(__wasi_fd_close(f));

  /* path_* rights of a directory fd, each dropped in turn. */
  d = subdir(root);
  EXPECT(make_file(root, "sub/a", "a") == 0);
  EXPECT_OK(__wasi_path_symlink("a", d, "lnk"));
  EXPECT_OK(__wasi_path_create_directory(d, "emptydir"));
  drop(d, R(PATH_CREATE_DIRECTORY));
  EXPECT_ERRNO(__wasi_path_create_directory(d, "x"), __WASI_ERRNO_NOTCAPABLE);
  drop(d, R(PATH_CREATE_FILE));
  EXPECT_ERRNO(open_file(d, "new", __WASI_OFLAGS_CREAT, R(FD_WRITE), &f), __WASI_ERRNO_NOTCAPABLE);
  EXPECT_OK(open_file(d, "a", 0, R(FD_READ), &f)); /* opening an existing file needs no create right */
  EXPECT_OK(__wasi_fd_close(f));
  /* O_TRUNC needs path_filestat_set_size (wasmtime's truncation_rights test). */
  EXPECT_OK(open_file(d, "a", __WASI_OFLAGS_TRUNC, 0, &f));
  EXPECT_OK(__wasi_fd_close(f));
  drop(d, R(PATH_FILESTAT_SET_SIZE));
  EXPECT_ERRNO(open_file(d, "a", __WASI_OFLAGS_TRUNC, 0, &f), __WASI_ERRNO_NOTCAPABLE);
  drop(d, R(PATH_UNLINK_FILE));
  EXPECT_ERRNO(__wasi_path_unlink_file(d, "a"), __WASI_ERRNO_NOTCAPABLE);
  drop(d, R(PATH_REMOVE_DIRECTORY));
  EXPECT_ERRNO(__wasi_path_remove_directory(d, "emptydir"), __WASI_ERRNO_NOTCAPABLE);
  drop(d, R(PATH_RENAME_SOURCE));
  EXPECT_ERRNO(__wasi_path_rename(d, "a", root, "moved"), __WASI_ERRNO_NOTCAPABLE);
  EXPECT_ERRNO(__wasi_path_rename(root, "f", d, "moved"), __WASI_ERRNO_SUCCESS); /* d may still be a target */
  drop(d, R(PATH_RENAME_TARGET));
  EXPECT(make_file(root, "f", "f") == 0);
  EXPECT_ERRNO(__wasi_path_rename(root, "f", d, "moved2"), __WASI_ERRNO_NOTCAPABLE);
  drop(d, R(PATH_SYMLINK));
  EXPECT_ERRNO(__wasi_path_symlink("a", d, "lnk2"), __WASI_ERRNO_NOTCAPABLE);
  drop(d, R(PATH_READLINK));
  char lb[8];
  EXPECT_ERRNO(__wasi_path_readlink(d, "lnk", (uint8_t*)lb, sizeof lb, &n), __WASI_ERRNO_NOTCAPABLE);
  drop(d, R(PATH_LINK_SOURCE));
  EXPECT_ERRNO(__wasi_path_link(d, 0, "a", root, "hl"), __WASI_ERRNO_NOTCAPABLE);
  drop(d, R(PATH_LINK_TARGET));
  EXPECT_ERRNO(__wasi_path_link(root, 0, "f", d, "hl"), __WASI_ERRNO_NOTCAPABLE);
  drop(d, R(PATH_FILESTAT_GET));
  EXPECT_ERRNO(__wasi_path_filestat_get(d, 0, "a", &fs), __WASI_ERRNO_NOTCAPABLE);
  drop(d, R(PATH_FILESTAT_SET_TIMES));
  EXPECT_ERRNO(__wasi_path_filestat_set_times(d, 0, "a", 0, 0, __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_NOTCAPABLE);
  drop(d, R(FD_READDIR));
  uint8_t dirbuf[128];
  EXPECT_ERRNO(__wasi_fd_readdir(d, dirbuf, sizeof dirbuf, 0, &n), __WASI_ERRNO_NOTCAPABLE);
  drop(d, R(FD_FILESTAT_GET));
  EXPECT_ERRNO(__wasi_fd_filestat_get(d, &fs), __WASI_ERRNO_NOTCAPABLE);

  /* Inheriting rights bound what path_open may grant (witx: requested
   * rights beyond the directory's inheriting rights are not given). */
  EXPECT_OK(__wasi_fd_fdstat_get(d, &st));
  EXPECT_OK(__wasi_fd_fdstat_set_rights(d, st.fs_rights_base, st.fs_rights_inheriting & ~R(FD_WRITE)));
  EXPECT_ERRNO(open_file(d, "a", 0, R(FD_WRITE), &f), __WASI_ERRNO_NOTCAPABLE);
  EXPECT_OK(open_file(d, "a", 0, R(FD_READ), &f));
  EXPECT((rights_of(f) & R(FD_WRITE)) == 0);
  EXPECT_OK(__wasi_fd_close(f));
  EXPECT_ERRNO(__wasi_path_open(d, 0, "a", 0, R(FD_READ), R(FD_WRITE), 0, &f), __WASI_ERRNO_NOTCAPABLE);
  drop(d, R(PATH_OPEN));
  EXPECT_ERRNO(open_file(d, "a", 0, R(FD_READ), &f), __WASI_ERRNO_NOTCAPABLE);
  EXPECT_OK(__wasi_fd_close(d));

  /* The preopen itself can drop rights too. */
  EXPECT_OK(__wasi_fd_fdstat_get(root, &st));
  EXPECT_OK(__wasi_fd_fdstat_set_rights(root, st.fs_rights_base & ~R(PATH_UNLINK_FILE), st.fs_rights_inheriting));
  EXPECT_ERRNO(__wasi_path_unlink_file(root, "f"), __WASI_ERRNO_NOTCAPABLE);
  return finish();
}

/* Paths: "." and "..", absolute paths, embedded NULs, trailing slashes on
 * every path function, and symlinks (followed or not, dangling, loops,
 * pointing out). Expected errnos are Linux's POSIX answers as wasmtime
 * reports them (its interesting_paths, *_trailing_slashes, path_link,
 * nofollow_errors and readlink tests). */
#include "conform.h"

#define R(x) __WASI_RIGHTS_##x

static __wasi_errno_t open_path(__wasi_fd_t dir, __wasi_lookupflags_t lf, const char* p, __wasi_oflags_t of) {
  __wasi_fd_t fd;
  __wasi_errno_t e = __wasi_path_open(dir, lf, p, of, R(FD_READ), 0, 0, &fd);
  if (e == 0) e = __wasi_fd_close(fd);
  return e;
}

static __wasi_filetype_t type_of(__wasi_fd_t dir, __wasi_lookupflags_t lf, const char* p) {
  __wasi_filestat_t st;
  if (__wasi_path_filestat_get(dir, lf, p, &st) != 0) return 255;
  return st.filetype;
}

int main(void) {
  __wasi_fd_t root = sandbox_fd();
  const __wasi_lookupflags_t FOLLOW = __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW;
  EXPECT_OK(__wasi_path_create_directory(root, "dir"));
  EXPECT_OK(__wasi_path_create_directory(root, "dir/nested"));
  EXPECT(make_file(root, "dir/nested/file", "data") == 0);

  /* "." and ".." inside the sandbox are fine; leaving it is EPERM (wasmtime). */
  EXPECT_OK(open_path(root, 0, "dir/.//nested/../../dir/nested/../nested///./file", 0));
  EXPECT_OK(open_path(root, 0, ".", __WASI_OFLAGS_DIRECTORY));
  EXPECT_OK(open_path(root, 0, "dir/..", __WASI_OFLAGS_DIRECTORY));
  EXPECT_ERRNO(open_path(root, 0, "/dir/nested/file", 0), __WASI_ERRNO_PERM);
  EXPECT_ERRNO(open_path(root, 0, "..", __WASI_OFLAGS_DIRECTORY), __WASI_ERRNO_PERM);
  EXPECT_ERRNO(open_path(root, 0, "dir/nested/../../../sandbox/dir/nested/file", 0), __WASI_ERRNO_PERM);
  EXPECT_ERRNO(__wasi_path_create_directory(root, "../evil"), __WASI_ERRNO_PERM);
  EXPECT_ERRNO(__wasi_path_unlink_file(root, "/etc/passwd"), __WASI_ERRNO_PERM);
  EXPECT_ERRNO(open_path(root, 0, "", 0), __WASI_ERRNO_NOENT);
  EXPECT_ERRNO(open_path(root, 0, "missing", 0), __WASI_ERRNO_NOENT);
  EXPECT_ERRNO(open_path(root, 0, "missing/file", 0), __WASI_ERRNO_NOENT);
  /* An embedded NUL is EINVAL (wasmtime on unix). */
  __wasi_fd_t fd;
  static const char nul_path[] = "dir/nested/file\0";
  EXPECT_ERRNO(raw_path_open(root, 0, (int32_t)nul_path, sizeof nul_path - 1, 0, R(FD_READ), 0, 0, (int32_t)&fd),
               __WASI_ERRNO_INVAL);

  /* Trailing slashes with path_open: a file is ENOTDIR, a directory opens. */
  EXPECT_ERRNO(open_path(root, 0, "dir/nested/file/", 0), __WASI_ERRNO_NOTDIR);
  EXPECT_ERRNO(open_path(root, 0, "dir/nested/file///", 0), __WASI_ERRNO_NOTDIR);
  EXPECT_OK(open_path(root, 0, "dir/nested/", 0));
  EXPECT_OK(open_path(root, 0, "dir/nested///", __WASI_OFLAGS_DIRECTORY));
  EXPECT_ERRNO(open_path(root, 0, "dir/nested/file", __WASI_OFLAGS_DIRECTORY), __WASI_ERRNO_NOTDIR);
  /* Creating "name/" is EISDIR, as Linux answers, whatever name is. */
  EXPECT_ERRNO(open_path(root, 0, "dir/newfile/", __WASI_OFLAGS_CREAT), __WASI_ERRNO_ISDIR);
  EXPECT_ERRNO(open_path(root, 0, "dir/nested/file/", __WASI_OFLAGS_CREAT), __WASI_ERRNO_ISDIR);
  EXPECT_ERRNO(open_path(root, 0, "dir/nested/", __WASI_OFLAGS_CREAT), __WASI_ERRNO_ISDIR);
  EXPECT_ERRNO(open_path(root, 0, "nodir/newfile/", __WASI_OFLAGS_CREAT), __WASI_ERRNO_NOENT);
  EXPECT_ERRNO(open_path(root, 0, "../newfile/", __WASI_OFLAGS_CREAT), __WASI_ERRNO_PERM);
  EXPECT(type_of(root, 0, "dir/newfile") == 255); /* nothing was created */

  /* path_filestat_get: "file/" is ENOTDIR, "dir/" a directory. */
  EXPECT(type_of(root, 0, "dir/nested/file") == __WASI_FILETYPE_REGULAR_FILE);
  __wasi_filestat_t st;
  EXPECT_ERRNO(__wasi_path_filestat_get(root, 0, "dir/nested/file/", &st), __WASI_ERRNO_NOTDIR);
  EXPECT(type_of(root, 0, "dir/nested/") == __WASI_FILETYPE_DIRECTORY);

  /* path_unlink_file (wasmtime's unlink_file_trailing_slashes). */
  EXPECT_OK(__wasi_path_create_directory(root, "d"));
  EXPECT_ERRNO(__wasi_path_unlink_file(root, "d"), __WASI_ERRNO_ISDIR);
  EXPECT_ERRNO(__wasi_path_unlink_file(root, "d/"), __WASI_ERRNO_ISDIR);
  EXPECT(make_file(root, "file", "x") == 0);
  EXPECT_ERRNO(__wasi_path_unlink_file(root, "file/"), __WASI_ERRNO_NOTDIR);
  EXPECT_ERRNO(__wasi_path_unlink_file(root, "missing/"), __WASI_ERRNO_NOENT);
  EXPECT_OK(__wasi_path_unlink_file(root, "file"));
  EXPECT_ERRNO(__wasi_path_unlink_file(root, "file"), __WASI_ERRNO_NOENT);

  /* path_remove_directory: a trailing slash on a directory is fine (POSIX). */
  EXPECT_OK(__wasi_path_remove_directory(root, "d/"));
  EXPECT(make_file(root, "file", "x") == 0);
  EXPECT_ERRNO(__wasi_path_remove_directory(root, "file"), __WASI_ERRNO_NOTDIR);
  EXPECT_ERRNO(__wasi_path_remove_directory(root, "file/"), __WASI_ERRNO_NOTDIR);
  EXPECT_ERRNO(__wasi_path_remove_directory(root, "dir"), __WASI_ERRNO_NOTEMPTY);
  EXPECT_ERRNO(__wasi_path_remove_directory(root, "."), __WASI_ERRNO_INVAL);

  /* path_create_directory: "x/" creates x; existing names are EEXIST. */
  EXPECT_OK(__wasi_path_create_directory(root, "made/"));
  EXPECT(type_of(root, 0, "made") == __WASI_FILETYPE_DIRECTORY);
  EXPECT_ERRNO(__wasi_path_create_directory(root, "made"), __WASI_ERRNO_EXIST);
  EXPECT_ERRNO(__wasi_path_create_directory(root, "file"), __WASI_ERRNO_EXIST);
  EXPECT_ERRNO(__wasi_path_create_directory(root, "."), __WASI_ERRNO_EXIST);
  EXPECT_ERRNO(__wasi_path_create_directory(root, "nope/sub"), __WASI_ERRNO_NOENT);

  /* path_rename of a file (wasmtime's path_rename_file_trailing_slashes). */
  EXPECT_OK(__wasi_path_rename(root, "file", root, "target"));
  EXPECT_OK(__wasi_path_rename(root, "target", root, "file"));
  EXPECT_ERRNO(__wasi_path_rename(root, "file/", root, "target"), __WASI_ERRNO_NOTDIR);
  EXPECT_ERRNO(__wasi_path_rename(root, "file", root, "target/"), __WASI_ERRNO_NOTDIR);
  EXPECT_ERRNO(__wasi_path_rename(root, "file/", root, "target/"), __WASI_ERRNO_NOTDIR);
  EXPECT(type_of(root, 0, "file") == __WASI_FILETYPE_REGULAR_FILE); /* nothing moved */
  EXPECT(type_of(root, 0, "target") == 255);
  /* ... and of a directory: slashes are allowed on both sides. */
  EXPECT_OK(__wasi_path_rename(root, "made/", root, "made2/"));
  EXPECT_OK(__wasi_path_rename(root, "made2", root, "made/"));
  EXPECT_OK(__wasi_path_rename(root, "made/", root, "made2"));
  EXPECT(type_of(root, 0, "made2") == __WASI_FILETYPE_DIRECTORY);
  /* Directory/file mismatches (wasmtime's path_rename test). */
  EXPECT_ERRNO(__wasi_path_rename(root, "made2", root, "file"), __WASI_ERRNO_NOTDIR);
  EXPECT_ERRNO(__wasi_path_rename(root, "file", root, "made2"), __WASI_ERRNO_ISDIR);
  EXPECT_ERRNO(__wasi_path_rename(root, "made2", root, "dir"), __WASI_ERRNO_NOTEMPTY);
  EXPECT_ERRNO(__wasi_path_rename(root, "missing", root, "x"), __WASI_ERRNO_NOENT);
  EXPECT_ERRNO(__wasi_path_rename(root, "file", root, "../out"), __WASI_ERRNO_PERM);

  /* path_symlink (wasmtime's path_symlink_trailing_slashes). */
  EXPECT_ERRNO(__wasi_path_symlink("source", root, "newlink/"), __WASI_ERRNO_NOENT);
  EXPECT_OK(__wasi_path_symlink("source", root, "newlink"));
  EXPECT(type_of(root, 0, "newlink") == __WASI_FILETYPE_SYMBOLIC_LINK);
  EXPECT_OK(__wasi_path_unlink_file(root, "newlink"));
  EXPECT_ERRNO(__wasi_path_symlink("source", root, "made2/"), __WASI_ERRNO_EXIST);
  EXPECT_ERRNO(__wasi_path_symlink("source", root, "made2"), __WASI_ERRNO_EXIST);
  EXPECT_ERRNO(__wasi_path_symlink("source", root, "file/"), __WASI_ERRNO_NOTDIR);
  EXPECT_ERRNO(__wasi_path_symlink("source", root, "file"), __WASI_ERRNO_EXIST);
  /* An absolute target could never be followed inside the sandbox. */
  EXPECT_ERRNO(__wasi_path_symlink("/etc/passwd", root, "abs"), __WASI_ERRNO_PERM);

  /* path_link (wasmtime's path_link test). */
  EXPECT_OK(__wasi_path_link(root, 0, "file", root, "hard"));
  EXPECT_OK(__wasi_path_filestat_get(root, 0, "hard", &st));
  EXPECT(st.nlink == 2);
  EXPECT_OK(__wasi_path_unlink_file(root, "hard"));
  EXPECT_ERRNO(__wasi_path_link(root, 0, "file", root, "hard/"), __WASI_ERRNO_NOENT);
  EXPECT_ERRNO(__wasi_path_link(root, 0, "file/", root, "hard"), __WASI_ERRNO_NOTDIR);
  EXPECT_ERRNO(__wasi_path_link(root, 0, "file", root, "file"), __WASI_ERRNO_EXIST);
  EXPECT_ERRNO(__wasi_path_link(root, 0, "file", root, "made2"), __WASI_ERRNO_EXIST);
  EXPECT_ERRNO2(__wasi_path_link(root, 0, "made2", root, "dirlink"), __WASI_ERRNO_PERM, __WASI_ERRNO_ACCES);
  EXPECT_ERRNO(__wasi_path_link(root, 0, "made2/", root, "dirlink"), __WASI_ERRNO_PERM);
  EXPECT_ERRNO(__wasi_path_link(root, FOLLOW, "file", root, "hard"), __WASI_ERRNO_INVAL);
  EXPECT_ERRNO(__wasi_path_link(root, 0, "missing", root, "hard"), __WASI_ERRNO_NOENT);
  EXPECT_ERRNO(__wasi_path_link(root, 0, "file", root, "../hard"), __WASI_ERRNO_PERM);
  /* A dangling symlink can be hard-linked: the link itself is not followed. */
  EXPECT_OK(__wasi_path_symlink("nowhere", root, "dangling"));
  EXPECT_OK(__wasi_path_link(root, 0, "dangling", root, "hard"));
  EXPECT(type_of(root, 0, "hard") == __WASI_FILETYPE_SYMBOLIC_LINK);
  EXPECT_OK(__wasi_path_unlink_file(root, "hard"));

  /* Symlinks to a directory and to a file (wasmtime's nofollow_errors). */
  EXPECT_OK(__wasi_path_symlink("made2", root, "dirsym"));
  EXPECT_OK(__wasi_path_symlink("file", root, "filesym"));
  EXPECT_ERRNO2(open_path(root, 0, "dirsym", __WASI_OFLAGS_DIRECTORY), __WASI_ERRNO_LOOP, __WASI_ERRNO_NOTDIR);
  EXPECT_ERRNO(open_path(root, 0, "dirsym", 0), __WASI_ERRNO_LOOP);
  EXPECT_OK(open_path(root, FOLLOW, "dirsym", __WASI_OFLAGS_DIRECTORY));
  EXPECT_ERRNO(open_path(root, 0, "filesym", 0), __WASI_ERRNO_LOOP);
  EXPECT_OK(open_path(root, FOLLOW, "filesym", 0));
  EXPECT_ERRNO(open_path(root, FOLLOW, "filesym", __WASI_OFLAGS_DIRECTORY), __WASI_ERRNO_NOTDIR);
  EXPECT_ERRNO(open_path(root, FOLLOW, "dangling", 0), __WASI_ERRNO_NOENT);
  /* A trailing slash follows the link (POSIX), whatever the lookup flags. */
  EXPECT_OK(open_path(root, 0, "dirsym/", 0));
  EXPECT(type_of(root, 0, "dirsym/") == __WASI_FILETYPE_DIRECTORY);
  EXPECT_ERRNO(__wasi_path_filestat_get(root, 0, "filesym/", &st), __WASI_ERRNO_NOTDIR);
  /* Stat without and with following. */
  EXPECT(type_of(root, 0, "filesym") == __WASI_FILETYPE_SYMBOLIC_LINK);
  EXPECT(type_of(root, FOLLOW, "filesym") == __WASI_FILETYPE_REGULAR_FILE);
  EXPECT(type_of(root, FOLLOW, "dirsym") == __WASI_FILETYPE_DIRECTORY);
  EXPECT_ERRNO(__wasi_path_filestat_get(root, FOLLOW, "dangling", &st), __WASI_ERRNO_NOENT);
  /* Intermediate symlinks are always followed. */
  EXPECT_OK(open_path(root, 0, "dirsym/../file", 0));
  /* Removing and renaming act on the link, not on what it names. */
  EXPECT_ERRNO(__wasi_path_remove_directory(root, "dirsym"), __WASI_ERRNO_NOTDIR);
  EXPECT_ERRNO(__wasi_path_remove_directory(root, "dirsym/"), __WASI_ERRNO_NOTDIR);
  EXPECT_ERRNO(__wasi_path_unlink_file(root, "dirsym/"), __WASI_ERRNO_NOTDIR);
  EXPECT_OK(__wasi_path_rename(root, "dirsym", root, "dirsym2"));
  EXPECT(type_of(root, 0, "made2") == __WASI_FILETYPE_DIRECTORY);
  EXPECT_ERRNO(__wasi_path_rename(root, "dirsym2/", root, "dirsym"), __WASI_ERRNO_NOTDIR);
  EXPECT_OK(__wasi_path_unlink_file(root, "dirsym2"));
  EXPECT(type_of(root, 0, "made2") == __WASI_FILETYPE_DIRECTORY);

  /* path_readlink: truncation, non-links, trailing slashes. */
  char buf[16];
  __wasi_size_t n;
  memset(buf, 0, sizeof buf);
  EXPECT_OK(__wasi_path_readlink(root, "filesym", (uint8_t*)buf, sizeof buf, &n));
  EXPECT(n == 4 && memcmp(buf, "file", 4) == 0 && buf[4] == 0);
  EXPECT_OK(__wasi_path_readlink(root, "filesym", (uint8_t*)buf, 2, &n));
  EXPECT(n == 2 && memcmp(buf, "fi", 2) == 0);
  EXPECT_ERRNO(__wasi_path_readlink(root, "file", (uint8_t*)buf, sizeof buf, &n), __WASI_ERRNO_INVAL);
  EXPECT_ERRNO(__wasi_path_readlink(root, "missing", (uint8_t*)buf, sizeof buf, &n), __WASI_ERRNO_NOENT);
  EXPECT_ERRNO(__wasi_path_readlink(root, "filesym/", (uint8_t*)buf, sizeof buf, &n), __WASI_ERRNO_NOTDIR);
  EXPECT_OK(__wasi_path_symlink("made2", root, "dirsym"));
  EXPECT_ERRNO(__wasi_path_readlink(root, "dirsym/", (uint8_t*)buf, sizeof buf, &n), __WASI_ERRNO_INVAL);

  /* Loops and links pointing out of the sandbox. */
  EXPECT_OK(__wasi_path_symlink("loop2", root, "loop1"));
  EXPECT_OK(__wasi_path_symlink("loop1", root, "loop2"));
  EXPECT_ERRNO(open_path(root, FOLLOW, "loop1", 0), __WASI_ERRNO_LOOP);
  EXPECT_ERRNO(open_path(root, 0, "loop1/x", 0), __WASI_ERRNO_LOOP);
  EXPECT_OK(__wasi_path_symlink("../outside", root, "up"));
  EXPECT_ERRNO(open_path(root, 0, "up/secret", 0), __WASI_ERRNO_PERM);
  EXPECT_ERRNO(__wasi_path_filestat_get(root, FOLLOW, "up", &st), __WASI_ERRNO_PERM);
  EXPECT_ERRNO(__wasi_path_filestat_get(root, 0, "up/", &st), __WASI_ERRNO_PERM);
  EXPECT_ERRNO(__wasi_path_filestat_set_times(root, 0, "up/", 0, 0, __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_PERM);
  EXPECT_ERRNO(__wasi_path_readlink(root, "up/", (uint8_t*)buf, sizeof buf, &n), __WASI_ERRNO_PERM);
  /* ... but the link itself can be looked at and removed. */
  EXPECT(type_of(root, 0, "up") == __WASI_FILETYPE_SYMBOLIC_LINK);
  EXPECT_OK(__wasi_path_unlink_file(root, "up"));
  return finish();
}

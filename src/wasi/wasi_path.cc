// wasi_snapshot_preview1: operations on paths (path_*). Every path is
// resolved beneath its directory descriptor by the sandbox (sandbox.h);
// operations on a final component use the parent directory it returns and
// the *at() syscalls, so a final symlink is followed only when asked for.
#ifdef BRISK_WASI_UNITY  // compiled as part of wasi.cc (see the note there)
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "wasi/host_map.h"
#include "wasi/wasi_calls.h"

namespace brisk::wasi::preview1 {

namespace {

// The directory descriptor a path is resolved beneath.
Errno dir_entry(Ctx& c, uint32_t fd, uint64_t rights, FdEntry** out) {
  FdEntry* e = c.fds.get(fd);
  if (!e) return kBadf;
  if (e->filetype != kFiletypeDirectory) return kNotdir;
  return c.fds.get(fd, rights, out);
}

// A guest path argument: checked, copied, no NUL inside, not too long.
Errno read_path(const Mem& m, uint32_t ptr, uint32_t len, std::string* out) {
  if (!m.in_bounds(ptr, len)) return kFault;
  if (len > kMaxPathLength) return kNametoolong;
  m.read_string(ptr, len, out);
  if (out->find('\0') != std::string::npos) return kInval;
  return kSuccess;
}

Errno open_parent(Ctx& c, FdEntry* d, const std::string& path, bool follow_last, ParentDir* p) {
  int r = resolve_parent(c.resolver, d->host_fd, path, follow_last, p);
  return r < 0 ? sandbox_errno(r) : kSuccess;
}

// For a path written with a trailing slash: the object, if it exists, must
// be a directory.
Errno check_trailing_slash(const ParentDir& p) {
  if (!p.trailing_slash) return kSuccess;
  struct stat st;
  if (fstatat(p.fd, p.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return errno == ENOENT ? kSuccess : last_host_errno();
  return S_ISDIR(st.st_mode) ? kSuccess : kNotdir;
}

Errno status(int r) { return r == 0 ? kSuccess : last_host_errno(); }

}  // namespace

Errno path_open(Ctx& c, const Mem& m, uint32_t fd, uint32_t dirflags, uint32_t path_ptr, uint32_t path_len,
                uint32_t oflags, uint64_t base, uint64_t inheriting, uint32_t fdflags, uint32_t out) {
  uint64_t need = kRightPathOpen;
  if (oflags & kOflagCreat) need |= kRightPathCreateFile;
  if (oflags & kOflagTrunc) need |= kRightPathFilestatSetSize;
  FdEntry* d;
  if (Errno r = dir_entry(c, fd, need, &d)) return r;
  if ((oflags & ~uint32_t(kOflagsAll)) || (fdflags & ~uint32_t(kFdflagsAll))) return kInval;
  std::string path;
  if (Errno r = read_path(m, path_ptr, path_len, &path)) return r;
  if (!m.in_bounds(out, 4)) return kFault;
  // A new descriptor gets at most what its directory may hand down.
  base &= d->rights_inheriting;
  inheriting &= d->rights_inheriting;
  int flags = 0;
  if (oflags & kOflagCreat) flags |= O_CREAT;
  if (oflags & kOflagExcl) flags |= O_EXCL;
  if (oflags & kOflagTrunc) flags |= O_TRUNC;
  if (fdflags & kFdflagAppend) flags |= O_APPEND;
  if (fdflags & kFdflagNonblock) flags |= O_NONBLOCK;
  if (fdflags & kFdflagDsync) flags |= O_DSYNC;
  if (fdflags & kFdflagSync) flags |= O_SYNC;
  if (fdflags & kFdflagRsync) flags |= O_RSYNC;
  const bool write = base & (kRightFdWrite | kRightFdAllocate | kRightFdFilestatSetSize);
  const bool read = base & (kRightFdRead | kRightFdReaddir);
  if (oflags & kOflagDirectory)
    flags |= O_DIRECTORY | O_RDONLY;
  else
    flags |= write ? (read ? O_RDWR : O_WRONLY) : O_RDONLY;
  int h = resolve_open(c.resolver, d->host_fd, path, flags, 0666, dirflags & kLookupSymlinkFollow);
  if (h < 0) return sandbox_errno(h);
  struct stat st;
  if (fstat(h, &st) != 0) {
    Errno r = last_host_errno();
    close(h);
    return r;
  }
  FdEntry e;
  e.host_fd = h;
  e.filetype = filetype_of(st.st_mode);
  e.rights_base = base & rights_for_filetype(e.filetype);
  e.rights_inheriting = e.filetype == kFiletypeDirectory ? inheriting : 0;
  e.sync_flags = uint16_t(fdflags & (kFdflagDsync | kFdflagRsync | kFdflagSync));
  uint32_t n;
  if (Errno r = c.fds.insert(std::move(e), &n)) return r;
  m.store<uint32_t>(out, n);
  return kSuccess;
}

Errno path_create_directory(Ctx& c, const Mem& m, uint32_t fd, uint32_t path_ptr, uint32_t path_len) {
  FdEntry* d;
  if (Errno r = dir_entry(c, fd, kRightPathCreateDirectory, &d)) return r;
  std::string path;
  if (Errno r = read_path(m, path_ptr, path_len, &path)) return r;
  ParentDir p;
  if (Errno r = open_parent(c, d, path, false, &p)) return r;
  return status(mkdirat(p.fd, p.name.c_str(), 0777));
}

Errno path_filestat_get(Ctx& c, const Mem& m, uint32_t fd, uint32_t lookupflags, uint32_t path_ptr,
                        uint32_t path_len, uint32_t out) {
  FdEntry* d;
  if (Errno r = dir_entry(c, fd, kRightPathFilestatGet, &d)) return r;
  std::string path;
  if (Errno r = read_path(m, path_ptr, path_len, &path)) return r;
  if (!m.in_bounds(out, layout::kFilestatSize)) return kFault;
  struct stat st;
  if ((lookupflags & kLookupSymlinkFollow) || (!path.empty() && path.back() == '/')) {
    int h = resolve_open(c.resolver, d->host_fd, path, O_PATH, 0, true);
    if (h < 0) return sandbox_errno(h);
    int r = fstat(h, &st);
    Errno err = r == 0 ? kSuccess : last_host_errno();
    close(h);
    if (err) return err;
  } else {
    ParentDir p;
    if (Errno r = open_parent(c, d, path, false, &p)) return r;
    if (fstatat(p.fd, p.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return last_host_errno();
  }
  return write_filestat(m, out, st);
}

Errno path_filestat_set_times(Ctx& c, const Mem& m, uint32_t fd, uint32_t lookupflags, uint32_t path_ptr,
                              uint32_t path_len, uint64_t atim, uint64_t mtim, uint32_t fst) {
  FdEntry* d;
  if (Errno r = dir_entry(c, fd, kRightPathFilestatSetTimes, &d)) return r;
  std::string path;
  if (Errno r = read_path(m, path_ptr, path_len, &path)) return r;
  timespec ts[2];
  if (Errno r = times_from_fstflags(atim, mtim, fst, ts)) return r;
  // With follow, the sandbox resolves a final symlink to its target's
  // directory and name; the update itself never follows a link.
  ParentDir p;
  if (Errno r = open_parent(c, d, path, lookupflags & kLookupSymlinkFollow, &p)) return r;
  if (Errno r = check_trailing_slash(p)) return r;
  return status(utimensat(p.fd, p.name.c_str(), ts, AT_SYMLINK_NOFOLLOW));
}

Errno path_link(Ctx& c, const Mem& m, uint32_t old_fd, uint32_t old_flags, uint32_t old_ptr, uint32_t old_len,
                uint32_t new_fd, uint32_t new_ptr, uint32_t new_len) {
  FdEntry *od, *nd;
  if (Errno r = dir_entry(c, old_fd, kRightPathLinkSource, &od)) return r;
  if (Errno r = dir_entry(c, new_fd, kRightPathLinkTarget, &nd)) return r;
  std::string from, to;
  if (Errno r = read_path(m, old_ptr, old_len, &from)) return r;
  if (Errno r = read_path(m, new_ptr, new_len, &to)) return r;
  ParentDir a, b;
  if (Errno r = open_parent(c, od, from, old_flags & kLookupSymlinkFollow, &a)) return r;
  if (Errno r = check_trailing_slash(a)) return r;
  if (Errno r = open_parent(c, nd, to, false, &b)) return r;
  if (b.trailing_slash) return kNoent;
  return status(linkat(a.fd, a.name.c_str(), b.fd, b.name.c_str(), 0));
}

Errno path_readlink(Ctx& c, const Mem& m, uint32_t fd, uint32_t path_ptr, uint32_t path_len, uint32_t buf,
                    uint32_t buf_len, uint32_t used_out) {
  FdEntry* d;
  if (Errno r = dir_entry(c, fd, kRightPathReadlink, &d)) return r;
  std::string path;
  if (Errno r = read_path(m, path_ptr, path_len, &path)) return r;
  if (!m.in_bounds(buf, buf_len) || !m.in_bounds(used_out, 4)) return kFault;
  ParentDir p;
  if (Errno r = open_parent(c, d, path, false, &p)) return r;
  char tmp[kMaxPathLength + 1];
  ssize_t n = readlinkat(p.fd, p.name.c_str(), tmp, sizeof tmp);
  if (n < 0) return last_host_errno();
  // Like readlink(2): a target longer than the buffer is cut off.
  const uint32_t k = uint32_t(std::min<uint64_t>(uint64_t(n), buf_len));
  m.write_bytes(buf, tmp, k);
  m.store<uint32_t>(used_out, k);
  return kSuccess;
}

Errno path_remove_directory(Ctx& c, const Mem& m, uint32_t fd, uint32_t path_ptr, uint32_t path_len) {
  FdEntry* d;
  if (Errno r = dir_entry(c, fd, kRightPathRemoveDirectory, &d)) return r;
  std::string path;
  if (Errno r = read_path(m, path_ptr, path_len, &path)) return r;
  ParentDir p;
  if (Errno r = open_parent(c, d, path, false, &p)) return r;
  return status(unlinkat(p.fd, p.name.c_str(), AT_REMOVEDIR));
}

Errno path_unlink_file(Ctx& c, const Mem& m, uint32_t fd, uint32_t path_ptr, uint32_t path_len) {
  FdEntry* d;
  if (Errno r = dir_entry(c, fd, kRightPathUnlinkFile, &d)) return r;
  std::string path;
  if (Errno r = read_path(m, path_ptr, path_len, &path)) return r;
  ParentDir p;
  if (Errno r = open_parent(c, d, path, false, &p)) return r;
  if (p.trailing_slash) {
    struct stat st;
    if (fstatat(p.fd, p.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return last_host_errno();
    return S_ISDIR(st.st_mode) ? kIsdir : kNotdir;
  }
  return status(unlinkat(p.fd, p.name.c_str(), 0));
}

Errno path_rename(Ctx& c, const Mem& m, uint32_t fd, uint32_t old_ptr, uint32_t old_len, uint32_t new_fd,
                  uint32_t new_ptr, uint32_t new_len) {
  FdEntry *od, *nd;
  if (Errno r = dir_entry(c, fd, kRightPathRenameSource, &od)) return r;
  if (Errno r = dir_entry(c, new_fd, kRightPathRenameTarget, &nd)) return r;
  std::string from, to;
  if (Errno r = read_path(m, old_ptr, old_len, &from)) return r;
  if (Errno r = read_path(m, new_ptr, new_len, &to)) return r;
  ParentDir a, b;
  if (Errno r = open_parent(c, od, from, false, &a)) return r;
  if (Errno r = open_parent(c, nd, to, false, &b)) return r;
  if (a.trailing_slash || b.trailing_slash) {
    struct stat st;
    if (fstatat(a.fd, a.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return last_host_errno();
    if (!S_ISDIR(st.st_mode)) return kNotdir;
  }
  return status(renameat(a.fd, a.name.c_str(), b.fd, b.name.c_str()));
}

Errno path_symlink(Ctx& c, const Mem& m, uint32_t old_ptr, uint32_t old_len, uint32_t fd, uint32_t new_ptr,
                   uint32_t new_len) {
  FdEntry* d;
  if (Errno r = dir_entry(c, fd, kRightPathSymlink, &d)) return r;
  std::string target, link;
  if (Errno r = read_path(m, old_ptr, old_len, &target)) return r;
  if (Errno r = read_path(m, new_ptr, new_len, &link)) return r;
  if (target.empty()) return kNoent;
  // The target is stored as given; following it later is sandboxed, and an
  // absolute target (a host path) could never be followed: refused.
  if (target[0] == '/') return kNotcapable;
  ParentDir p;
  if (Errno r = open_parent(c, d, link, false, &p)) return r;
  if (p.trailing_slash) return kNoent;
  return status(symlinkat(target.c_str(), p.fd, p.name.c_str()));
}

}  // namespace brisk::wasi::preview1
#endif  // BRISK_WASI_UNITY

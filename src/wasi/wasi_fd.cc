// wasi_snapshot_preview1: operations on descriptors (fd_*): reads and
// writes, seeking, stat, flags and rights, preopens, readdir with cookies.
#ifdef BRISK_WASI_UNITY  // compiled as part of wasi.cc (see the note there)
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <climits>

#include "wasi/host_map.h"
#include "wasi/wasi_calls.h"

namespace brisk::wasi::preview1 {

namespace {

enum class Io { kRead, kWrite };

// fd_read, fd_write, fd_pread and fd_pwrite. {offset} < 0: at the file position.
Errno fd_io(Ctx& c, const Mem& m, Io io, uint32_t fd, uint32_t iovs, uint32_t n, int64_t offset,
            bool positioned, uint32_t out) {
  FdEntry* e = c.fds.get(fd);
  if (!e) return kBadf;
  if (e->filetype == kFiletypeDirectory) return kIsdir;
  uint64_t need = (io == Io::kRead ? kRightFdRead : kRightFdWrite) | (positioned ? kRightFdSeek : 0);
  if (Errno r = c.fds.get(fd, need, &e)) return r;
  std::vector<iovec> v;
  if (Errno r = read_iovecs(m, iovs, n, &v)) return r;
  if (!m.in_bounds(out, 4)) return kFault;
  if (positioned && offset < 0) return kInval;
  const int h = e->host_fd;
  ssize_t k = retry_eintr([&]() -> ssize_t {
    if (positioned)
      return io == Io::kWrite ? pwritev(h, v.data(), int(v.size()), off_t(offset))
                              : preadv(h, v.data(), int(v.size()), off_t(offset));
    return io == Io::kWrite ? writev(h, v.data(), int(v.size())) : readv(h, v.data(), int(v.size()));
  });
  if (k < 0) return last_host_errno();
  m.store<uint32_t>(out, uint32_t(k));
  return kSuccess;
}

uint8_t filetype_of_dirent(int dir, const dirent* de) {
  switch (de->d_type) {
    case DT_REG: return kFiletypeRegularFile;
    case DT_DIR: return kFiletypeDirectory;
    case DT_LNK: return kFiletypeSymbolicLink;
    case DT_CHR: return kFiletypeCharacterDevice;
    case DT_BLK: return kFiletypeBlockDevice;
    case DT_SOCK: return kFiletypeSocketStream;
    case DT_FIFO: return kFiletypeUnknown;
    default: break;
  }
  struct stat st;
  return fstatat(dir, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? filetype_of(st.st_mode) : uint8_t(kFiletypeUnknown);
}

// Reads the whole directory behind {host_fd}: "." and ".." first, then the
// rest in the host's order.
Errno list_directory(int host_fd, DirListing* out) {
  int fd = openat(host_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return last_host_errno();
  DIR* d = fdopendir(fd);
  if (!d) {
    Errno r = last_host_errno();
    close(fd);
    return r;
  }
  out->entries.clear();
  DirListing::Entry dot{".", 0, kFiletypeDirectory}, dotdot{"..", 0, kFiletypeDirectory};
  std::vector<DirListing::Entry> rest;
  for (;;) {
    errno = 0;
    dirent* de = readdir(d);
    if (!de) break;
    std::string name = de->d_name;
    if (name == ".") {
      dot.ino = de->d_ino;
    } else if (name == "..") {
      dotdot.ino = de->d_ino;
    } else {
      rest.push_back({std::move(name), uint64_t(de->d_ino), filetype_of_dirent(dirfd(d), de)});
    }
  }
  Errno r = errno ? last_host_errno() : kSuccess;
  closedir(d);
  if (r) return r;
  out->entries.push_back(std::move(dot));
  out->entries.push_back(std::move(dotdot));
  for (auto& e : rest) out->entries.push_back(std::move(e));
  return kSuccess;
}

}  // namespace

Errno fd_read(Ctx& c, const Mem& m, uint32_t fd, uint32_t iovs, uint32_t n, uint32_t out) {
  return fd_io(c, m, Io::kRead, fd, iovs, n, -1, false, out);
}
Errno fd_write(Ctx& c, const Mem& m, uint32_t fd, uint32_t iovs, uint32_t n, uint32_t out) {
  return fd_io(c, m, Io::kWrite, fd, iovs, n, -1, false, out);
}
Errno fd_pread(Ctx& c, const Mem& m, uint32_t fd, uint32_t iovs, uint32_t n, uint64_t offset, uint32_t out) {
  if (offset > uint64_t(INT64_MAX)) return kInval;
  return fd_io(c, m, Io::kRead, fd, iovs, n, int64_t(offset), true, out);
}
Errno fd_pwrite(Ctx& c, const Mem& m, uint32_t fd, uint32_t iovs, uint32_t n, uint64_t offset, uint32_t out) {
  if (offset > uint64_t(INT64_MAX)) return kInval;
  return fd_io(c, m, Io::kWrite, fd, iovs, n, int64_t(offset), true, out);
}

Errno fd_seek(Ctx& c, const Mem& m, uint32_t fd, uint64_t offset, uint32_t whence, uint32_t out) {
  FdEntry* e = c.fds.get(fd);
  if (!e) return kBadf;
  int w = whence == kWhenceSet ? SEEK_SET : whence == kWhenceCur ? SEEK_CUR : whence == kWhenceEnd ? SEEK_END : -1;
  if (w < 0) return kInval;
  // Asking for the position only needs fd_tell (fd_seek implies it).
  const bool tell_only = offset == 0 && whence == kWhenceCur;
  if (!(e->rights_base & kRightFdSeek) && !(tell_only && (e->rights_base & kRightFdTell))) return kNotcapable;
  if (!m.in_bounds(out, 8)) return kFault;
  off_t r = lseek(e->host_fd, off_t(int64_t(offset)), w);
  if (r < 0) return last_host_errno();
  m.store<uint64_t>(out, uint64_t(r));
  return kSuccess;
}

Errno fd_tell(Ctx& c, const Mem& m, uint32_t fd, uint32_t out) { return fd_seek(c, m, fd, 0, kWhenceCur, out); }

Errno fd_close(Ctx& c, const Mem&, uint32_t fd) { return c.fds.close(fd); }

Errno fd_renumber(Ctx& c, const Mem&, uint32_t from, uint32_t to) { return c.fds.renumber(from, to); }

Errno fd_fdstat_get(Ctx& c, const Mem& m, uint32_t fd, uint32_t out) {
  FdEntry* e = c.fds.get(fd);
  if (!e) return kBadf;
  if (!m.in_bounds(out, layout::kFdstatSize)) return kFault;
  uint16_t flags = e->sync_flags;
  int fl = fcntl(e->host_fd, F_GETFL);
  if (fl >= 0) {
    if (fl & O_APPEND) flags |= kFdflagAppend;
    if (fl & O_NONBLOCK) flags |= kFdflagNonblock;
  }
  m.fill(out, 0, layout::kFdstatSize);
  m.store<uint8_t>(out + layout::kFdstatFiletype, e->filetype);
  m.store<uint16_t>(out + layout::kFdstatFlags, flags);
  m.store<uint64_t>(out + layout::kFdstatRightsBase, e->rights_base);
  m.store<uint64_t>(out + layout::kFdstatRightsInheriting, e->rights_inheriting);
  return kSuccess;
}

Errno fd_fdstat_set_flags(Ctx& c, const Mem&, uint32_t fd, uint32_t flags) {
  FdEntry* e;
  if (Errno r = c.fds.get(fd, kRightFdFdstatSetFlags, &e)) return r;
  if (flags & ~uint32_t(kFdflagsAll)) return kInval;
  // Linux cannot change the synchronous-I/O flags of an open file.
  const uint16_t sync = uint16_t(flags & (kFdflagDsync | kFdflagRsync | kFdflagSync));
  if (sync != e->sync_flags) return kNotsup;
  int fl = fcntl(e->host_fd, F_GETFL);
  if (fl < 0) return last_host_errno();
  fl &= ~(O_APPEND | O_NONBLOCK);
  if (flags & kFdflagAppend) fl |= O_APPEND;
  if (flags & kFdflagNonblock) fl |= O_NONBLOCK;
  return fcntl(e->host_fd, F_SETFL, fl) == 0 ? kSuccess : last_host_errno();
}

Errno fd_fdstat_set_rights(Ctx& c, const Mem&, uint32_t fd, uint64_t base, uint64_t inheriting) {
  FdEntry* e = c.fds.get(fd);
  if (!e) return kBadf;
  // Rights can only be dropped, never gained.
  if ((base & ~e->rights_base) || (inheriting & ~e->rights_inheriting)) return kNotcapable;
  e->rights_base = base;
  e->rights_inheriting = inheriting;
  return kSuccess;
}

Errno fd_filestat_get(Ctx& c, const Mem& m, uint32_t fd, uint32_t out) {
  FdEntry* e;
  if (Errno r = c.fds.get(fd, kRightFdFilestatGet, &e)) return r;
  if (!m.in_bounds(out, layout::kFilestatSize)) return kFault;
  struct stat st;
  if (fstat(e->host_fd, &st) != 0) return last_host_errno();
  return write_filestat(m, out, st);
}

Errno fd_filestat_set_size(Ctx& c, const Mem&, uint32_t fd, uint64_t size) {
  FdEntry* e;
  if (Errno r = c.fds.get(fd, kRightFdFilestatSetSize, &e)) return r;
  if (size > uint64_t(INT64_MAX)) return kFbig;
  return retry_eintr([&] { return ftruncate(e->host_fd, off_t(size)); }) == 0 ? kSuccess : last_host_errno();
}

Errno fd_filestat_set_times(Ctx& c, const Mem&, uint32_t fd, uint64_t atim, uint64_t mtim, uint32_t fst) {
  FdEntry* e;
  if (Errno r = c.fds.get(fd, kRightFdFilestatSetTimes, &e)) return r;
  timespec ts[2];
  if (Errno r = times_from_fstflags(atim, mtim, fst, ts)) return r;
  return futimens(e->host_fd, ts) == 0 ? kSuccess : last_host_errno();
}

Errno fd_sync(Ctx& c, const Mem&, uint32_t fd) {
  FdEntry* e;
  if (Errno r = c.fds.get(fd, kRightFdSync, &e)) return r;
  return fsync(e->host_fd) == 0 ? kSuccess : last_host_errno();
}

Errno fd_datasync(Ctx& c, const Mem&, uint32_t fd) {
  FdEntry* e;
  if (Errno r = c.fds.get(fd, kRightFdDatasync, &e)) return r;
  return fdatasync(e->host_fd) == 0 ? kSuccess : last_host_errno();
}

Errno fd_advise(Ctx& c, const Mem&, uint32_t fd, uint64_t offset, uint64_t len, uint32_t advice) {
  FdEntry* e;
  if (Errno r = c.fds.get(fd, kRightFdAdvise, &e)) return r;
  static const int kHostAdvice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                    POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED,   POSIX_FADV_NOREUSE};
  if (advice > kAdviceNoreuse || offset > uint64_t(INT64_MAX) || len > uint64_t(INT64_MAX)) return kInval;
  int r = posix_fadvise(e->host_fd, off_t(offset), off_t(len), kHostAdvice[advice]);
  return errno_from_host(r);
}

Errno fd_allocate(Ctx& c, const Mem&, uint32_t fd, uint64_t offset, uint64_t len) {
  FdEntry* e;
  if (Errno r = c.fds.get(fd, kRightFdAllocate, &e)) return r;
  if (offset > uint64_t(INT64_MAX) || len > uint64_t(INT64_MAX) - offset) return kFbig;
  int r = posix_fallocate(e->host_fd, off_t(offset), off_t(len));
  return errno_from_host(r);
}

Errno fd_prestat_get(Ctx& c, const Mem& m, uint32_t fd, uint32_t out) {
  FdEntry* e = c.fds.get(fd);
  if (!e || !e->preopen) return kBadf;
  if (!m.in_bounds(out, layout::kPrestatSize)) return kFault;
  m.fill(out, 0, layout::kPrestatSize);
  m.store<uint8_t>(out + layout::kPrestatTag, kPreopentypeDir);
  m.store<uint32_t>(out + layout::kPrestatNameLen, uint32_t(e->preopen_name.size()));
  return kSuccess;
}

Errno fd_prestat_dir_name(Ctx& c, const Mem& m, uint32_t fd, uint32_t path, uint32_t len) {
  FdEntry* e = c.fds.get(fd);
  if (!e || !e->preopen) return kBadf;
  if (len < e->preopen_name.size()) return kNametoolong;
  if (!m.write_bytes(path, e->preopen_name.data(), e->preopen_name.size())) return kFault;
  return kSuccess;
}

Errno fd_readdir(Ctx& c, const Mem& m, uint32_t fd, uint32_t buf, uint32_t len, uint64_t cookie, uint32_t used_out) {
  FdEntry* e = c.fds.get(fd);
  if (!e) return kBadf;
  if (e->filetype != kFiletypeDirectory) return kNotdir;
  if (Errno r = c.fds.get(fd, kRightFdReaddir, &e)) return r;
  if (!m.in_bounds(buf, len) || !m.in_bounds(used_out, 4)) return kFault;
  // Cookie 0 starts over with a fresh listing; any other cookie reads on in
  // the listing it came from.
  if (cookie == 0 || !e->listing) {
    auto listing = std::make_shared<DirListing>();
    if (Errno r = list_directory(e->host_fd, listing.get())) return r;
    e->listing = std::move(listing);
  }
  const auto& entries = e->listing->entries;
  uint64_t used = 0;
  for (uint64_t i = cookie; i < entries.size() && used < len; ++i) {
    const DirListing::Entry& de = entries[i];
    uint8_t header[layout::kDirentSize] = {};
    const uint64_t next = i + 1;
    const uint32_t namlen = uint32_t(de.name.size());
    std::memcpy(header + layout::kDirentNext, &next, 8);
    std::memcpy(header + layout::kDirentIno, &de.ino, 8);
    std::memcpy(header + layout::kDirentNamlen, &namlen, 4);
    header[layout::kDirentType] = de.type;
    // An entry that does not fit is cut off; bufused == buf_len tells the
    // guest to read again (with a bigger buffer) from this entry's cookie.
    uint64_t n = std::min<uint64_t>(sizeof header, len - used);
    m.write_bytes(buf + used, header, n);
    used += n;
    n = std::min<uint64_t>(namlen, len - used);
    m.write_bytes(buf + used, de.name.data(), n);
    used += n;
  }
  m.store<uint32_t>(used_out, uint32_t(used));
  return kSuccess;
}

}  // namespace brisk::wasi::preview1
#endif  // BRISK_WASI_UNITY

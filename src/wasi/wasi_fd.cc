// The WASI fd_* functions: close, stat and flags, read and write (host fds
// and the embedder's stdio streams), prestat, readdir, renumber, seek, sync,
// advise and allocate. Every fd and guest buffer is checked first.

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "wasi/sandbox.h"
#include "wasi/wasi_call.h"

namespace brisk::wasi {

Errno fd_close(Call& c, uint32_t fd) {
  FdEntry* e = c.ctx.get(fd);
  if (!e) return kBadf;
  if (e->owned && e->host_fd > 2) close(e->host_fd);
  c.ctx.fds[fd].reset();
  return kSuccess;
}

Errno fd_fdstat_get(Call& c, uint32_t fd, uint32_t out) {
  FdEntry* e = c.ctx.get(fd);
  if (!e) return kBadf;
  if (!c.mem.ok(out, kFdstatSize)) return kFault;
  std::memset(c.mem.at(out), 0, kFdstatSize);
  c.mem.put_u8(out, e->filetype);
  uint16_t flags = e->fdflags;
  int fl = fcntl(e->host_fd, F_GETFL);
  if (fl >= 0) {
    if (fl & O_APPEND) flags |= kFdflagAppend;
    if (fl & O_NONBLOCK) flags |= kFdflagNonblock;
  }
  c.mem.put_u16(out + 2, flags);
  c.mem.put_u64(out + 8, e->rights_base);
  c.mem.put_u64(out + 16, e->rights_inheriting);
  return kSuccess;
}

Errno fd_fdstat_set_flags(Call& c, uint32_t fd, uint32_t flags) {
  FdEntry* e;
  if (Errno r = file_fd(c, fd, kRightFdFdstatSetFlags, &e)) return r;
  if (flags & ~uint32_t(kFdflagAppend | kFdflagDsync | kFdflagNonblock | kFdflagRsync | kFdflagSync)) return kInval;
  // Linux cannot change O_SYNC/O_DSYNC on an open fd (F_SETFL ignores
  // them): asking for other sync flags than the fd was opened with is
  // ENOTSUP rather than a silent no-op. Passing back what fdstat_get
  // reported (the usual F_GETFL/F_SETFL pattern) is fine.
  const uint16_t kSyncFlags = kFdflagDsync | kFdflagRsync | kFdflagSync;
  if ((flags & kSyncFlags) != e->fdflags) return kNotsup;
  int fl = fcntl(e->host_fd, F_GETFL);
  if (fl < 0) return host_err();
  fl &= ~(O_APPEND | O_NONBLOCK);
  if (flags & kFdflagAppend) fl |= O_APPEND;
  if (flags & kFdflagNonblock) fl |= O_NONBLOCK;
  if (fcntl(e->host_fd, F_SETFL, fl) != 0) return host_err();
  return kSuccess;
}

Errno fd_fdstat_set_rights(Call& c, uint32_t fd, uint64_t base, uint64_t inh) {
  FdEntry* e = c.ctx.get(fd);
  if (!e) return kBadf;
  // Rights can only be dropped.
  if ((base & ~e->rights_base) || (inh & ~e->rights_inheriting)) return kNotcapable;
  e->rights_base = base;
  e->rights_inheriting = inh;
  return kSuccess;
}

Errno fd_filestat_get(Call& c, uint32_t fd, uint32_t out) {
  FdEntry* e;
  if (Errno r = lookup(c, fd, kRightFdFilestatGet, &e)) return r;
  if (!c.mem.ok(out, kFilestatSize)) return kFault;
  if (e->stream) {  // no inode: all zero but the type
    std::memset(c.mem.at(out), 0, kFilestatSize);
    c.mem.put_u8(out + 16, e->filetype);
    return kSuccess;
  }
  struct stat st;
  if (fstat(e->host_fd, &st) != 0) return host_err();
  write_filestat(c, out, st);
  return kSuccess;
}

Errno fd_filestat_set_size(Call& c, uint32_t fd, uint64_t size) {
  FdEntry* e;
  if (Errno r = file_fd(c, fd, kRightFdFilestatSetSize, &e)) return r;
  if (size > uint64_t(INT64_MAX)) return kInval;
  return ftruncate(e->host_fd, off_t(size)) == 0 ? kSuccess : host_err();
}

Errno fd_filestat_set_times(Call& c, uint32_t fd, uint64_t atim, uint64_t mtim, uint32_t fst) {
  FdEntry* e;
  if (Errno r = lookup(c, fd, kRightFdFilestatSetTimes, &e)) return r;
  timespec ts[2];
  if (Errno r = times_from(atim, mtim, fst, ts)) return r;
  return futimens(e->host_fd, ts) == 0 ? kSuccess : host_err();
}

// Reads or writes an embedder's stream; returns the bytes moved. One
// fd_write reaches the sink as one call: a single buffer as it is, several
// gathered (so a line printf wrote in two pieces arrives whole), at most
// kMaxGather bytes of them (a short write, which callers retry: iovecs may
// overlap, so their sum is no bound on what the guest can name).
constexpr size_t kMaxGather = size_t(1) << 20;

static size_t stream_rw(HostStream& s, const std::vector<iovec>& v, bool write) {
  size_t total = 0;
  if (!write) {
    for (const iovec& io : v) {
      size_t k = std::min(io.iov_len, s.input.size() - s.pos);
      if (k) std::memcpy(io.iov_base, s.input.data() + s.pos, k);
      s.pos += k;
      total += k;
    }
    return total;
  }
  size_t nonempty = 0;
  const iovec* only = nullptr;
  for (const iovec& io : v)
    if (io.iov_len) {
      ++nonempty;
      only = &io;
    }
  if (nonempty == 0) return 0;
  const bool discard = !s.sink || !s.sink->write;
  if (nonempty == 1) {
    if (!discard) s.sink->write(s.sink->user, static_cast<const uint8_t*>(only->iov_base), only->iov_len);
    return only->iov_len;
  }
  std::vector<uint8_t> joined;
  for (const iovec& io : v) {
    const size_t k = std::min(io.iov_len, kMaxGather - joined.size());
    const uint8_t* p = static_cast<const uint8_t*>(io.iov_base);
    joined.insert(joined.end(), p, p + k);
    if (joined.size() == kMaxGather) break;
  }
  if (!discard) s.sink->write(s.sink->user, joined.data(), joined.size());
  return joined.size();
}

Errno fd_rw(Call& c, uint32_t fd, uint32_t iovs, uint32_t n, uint32_t out, bool write, bool positioned,
            uint64_t offset) {
  FdEntry* e;
  // pread/pwrite also need fd_seek (as in wasmtime's rights era); on a pipe
  // or terminal, which has no fd_seek right, they are ESPIPE as in POSIX.
  uint64_t right = (write ? kRightFdWrite : kRightFdRead);
  if (positioned) {
    FdEntry* f = c.ctx.get(fd);
    if (f && f->filetype != kFiletypeDirectory && !f->seekable) return kSpipe;
    right |= kRightFdSeek;
  }
  // An fd without fd_read/fd_write is one "not open for reading/writing":
  // EBADF, as POSIX and wasmtime answer (its path_open_read_write test
  // accepts EBADF or EPERM), rather than the ENOTCAPABLE of other rights.
  // Under a read-only preopen a write is EROFS, as on a read-only mount.
  FdEntry* f = c.ctx.get(fd);
  if (f && f->filetype != kFiletypeDirectory && !(f->rights_base & (write ? kRightFdWrite : kRightFdRead)))
    return write && f->read_only ? kRofs : kBadf;
  if (Errno r = file_fd(c, fd, right, &e)) return r;
  std::vector<iovec> v;
  if (Errno r = iovecs(c, iovs, n, &v)) return r;
  if (!c.mem.ok(out, 4)) return kFault;
  if (e->stream) {
    c.mem.put_u32(out, uint32_t(stream_rw(*e->stream, v, write)));
    return kSuccess;
  }
  if (positioned && offset > uint64_t(INT64_MAX)) return kInval;
  ssize_t k;
  if (positioned)
    k = write ? pwritev(e->host_fd, v.data(), int(v.size()), off_t(offset))
              : preadv(e->host_fd, v.data(), int(v.size()), off_t(offset));
  else
    k = write ? writev(e->host_fd, v.data(), int(v.size())) : readv(e->host_fd, v.data(), int(v.size()));
  if (k < 0) return host_err();
  c.mem.put_u32(out, uint32_t(k));
  return kSuccess;
}

Errno fd_prestat_get(Call& c, uint32_t fd, uint32_t out) {
  FdEntry* e = c.ctx.get(fd);
  if (!e) return kBadf;
  if (e->preopen_name.empty()) return kBadf;
  if (!c.mem.ok(out, kPrestatSize)) return kFault;
  c.mem.put_u32(out, 0);
  c.mem.put_u32(out + 4, uint32_t(e->preopen_name.size()));
  return kSuccess;
}

Errno fd_prestat_dir_name(Call& c, uint32_t fd, uint32_t path, uint32_t len) {
  FdEntry* e = c.ctx.get(fd);
  if (!e || e->preopen_name.empty()) return kBadf;
  if (len < e->preopen_name.size()) return kNametoolong;
  if (!c.mem.ok(path, e->preopen_name.size())) return kFault;
  std::memcpy(c.mem.at(path), e->preopen_name.data(), e->preopen_name.size());
  return kSuccess;
}

Errno fd_readdir(Call& c, uint32_t fd, uint32_t buf, uint32_t len, uint64_t cookie, uint32_t used_ptr) {
  FdEntry* e = c.ctx.get(fd);
  if (!e) return kBadf;
  if (e->filetype != kFiletypeDirectory) return kNotdir;
  if (Errno r = lookup(c, fd, kRightFdReaddir, &e)) return r;
  if (!c.mem.ok(buf, len) || !c.mem.ok(used_ptr, 4)) return kFault;
  int dupfd = openat(e->host_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dupfd < 0) return host_err();
  DIR* d = fdopendir(dupfd);
  if (!d) {
    close(dupfd);
    return host_err();
  }
  if (cookie != 0) seekdir(d, long(cookie));
  uint32_t used = 0;
  while (used < len) {
    errno = 0;
    dirent* de = readdir(d);
    if (!de) break;
    size_t namlen = std::strlen(de->d_name);
    uint8_t header[kDirentHeaderSize] = {};
    uint64_t next = uint64_t(telldir(d));
    std::memcpy(header, &next, 8);
    uint64_t ino = de->d_ino;
    std::memcpy(header + 8, &ino, 8);
    uint32_t nl = uint32_t(namlen);
    std::memcpy(header + 16, &nl, 4);
    uint8_t type = kFiletypeUnknown;
    switch (de->d_type) {
      case DT_REG: type = kFiletypeRegularFile; break;
      case DT_DIR: type = kFiletypeDirectory; break;
      case DT_LNK: type = kFiletypeSymbolicLink; break;
      case DT_CHR: type = kFiletypeCharacterDevice; break;
      case DT_BLK: type = kFiletypeBlockDevice; break;
      case DT_SOCK: type = kFiletypeSocketStream; break;
      default: {  // DT_UNKNOWN (some file systems): ask the inode
        struct stat st;
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) type = filetype_of(st.st_mode);
        break;
      }
    }
    header[20] = type;
    // Entries that do not fit are truncated; the guest sees bufused == len.
    uint32_t n = std::min<uint32_t>(kDirentHeaderSize, len - used);
    std::memcpy(c.mem.at(buf + used), header, n);
    used += n;
    n = std::min<uint32_t>(uint32_t(namlen), len - used);
    std::memcpy(c.mem.at(buf + used), de->d_name, n);
    used += n;
  }
  closedir(d);
  c.mem.put_u32(used_ptr, used);
  return kSuccess;
}

Errno fd_renumber(Call& c, uint32_t from, uint32_t to) {
  FdEntry* a = c.ctx.get(from);
  FdEntry* b = c.ctx.get(to);
  if (!a || !b) return kBadf;
  if (from == to) return kSuccess;
  if (b->owned && b->host_fd > 2) close(b->host_fd);
  c.ctx.fds[to] = std::move(c.ctx.fds[from]);
  c.ctx.fds[from].reset();
  return kSuccess;
}

// fd_seek needs fd_seek, except the pure query (offset 0 from the current
// position, which is what fd_tell is), which needs only fd_tell: wasmtime's
// rule in its rights era. Directories are EBADF (file_fd); pipes and
// terminals ESPIPE, as POSIX says, although they carry neither right.
Errno fd_seek(Call& c, uint32_t fd, int64_t offset, uint32_t whence, uint32_t out) {
  FdEntry* e = c.ctx.get(fd);
  if (e && e->filetype != kFiletypeDirectory && !e->seekable) return kSpipe;
  uint64_t right = (offset == 0 && whence == kWhenceCur) ? kRightFdTell : kRightFdSeek;
  if (Errno r = file_fd(c, fd, right, &e)) return r;
  if (!c.mem.ok(out, 8)) return kFault;
  int w = whence == kWhenceSet ? SEEK_SET : whence == kWhenceCur ? SEEK_CUR : whence == kWhenceEnd ? SEEK_END : -1;
  if (w < 0) return kInval;
  off_t r = lseek(e->host_fd, off_t(offset), w);
  if (r < 0) return host_err();
  c.mem.put_u64(out, uint64_t(r));
  return kSuccess;
}

Errno fd_sync(Call& c, uint32_t fd, bool data_only) {
  FdEntry* e;
  if (Errno r = file_fd(c, fd, data_only ? kRightFdDatasync : kRightFdSync, &e)) return r;
  return (data_only ? fdatasync(e->host_fd) : fsync(e->host_fd)) == 0 ? kSuccess : host_err();
}

Errno fd_advise(Call& c, uint32_t fd, uint64_t offset, uint64_t len, uint32_t advice) {
  FdEntry* e;
  if (Errno r = file_fd(c, fd, kRightFdAdvise, &e)) return r;
  if (advice > 5 || offset > uint64_t(INT64_MAX) || len > uint64_t(INT64_MAX)) return kInval;
  static const int kAdvice[] = {POSIX_FADV_NORMAL, POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
  int r = posix_fadvise(e->host_fd, off_t(offset), off_t(len), kAdvice[advice]);
  return r == 0 ? kSuccess : errno_from_host(r);
}

Errno fd_allocate(Call& c, uint32_t fd, uint64_t offset, uint64_t len) {
  FdEntry* e;
  if (Errno r = file_fd(c, fd, kRightFdAllocate, &e)) return r;
  if (offset > uint64_t(INT64_MAX) || len > uint64_t(INT64_MAX)) return kInval;
  int r = posix_fallocate(e->host_fd, off_t(offset), off_t(len));
  return r == 0 ? kSuccess : errno_from_host(r);
}

}  // namespace brisk::wasi

// What every group of WASI functions shares: the checks of a guest's fd,
// rights, iovecs, paths and times, and the filestat and rights of an entry.
// The functions themselves live in wasi_fd.cc, wasi_path.cc, wasi_poll.cc
// and wasi_proc.cc; this file holds no preview1 function.

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "wasi/sandbox.h"
#include "wasi/wasi_call.h"

namespace brisk::wasi {

uint8_t filetype_of(mode_t m) {
  if (S_ISREG(m)) return kFiletypeRegularFile;
  if (S_ISDIR(m)) return kFiletypeDirectory;
  if (S_ISCHR(m)) return kFiletypeCharacterDevice;
  if (S_ISBLK(m)) return kFiletypeBlockDevice;
  if (S_ISLNK(m)) return kFiletypeSymbolicLink;
  if (S_ISSOCK(m)) return kFiletypeSocketStream;
  return kFiletypeUnknown;
}

// Gives {e} the rights of its kind (see kRightsDirectory), bounded by
// {base}/{inheriting}. A host fd that cannot seek (pipe, terminal, socket)
// has no fd_seek/fd_tell: wasi-libc's isatty() relies on exactly that.
void set_kind_rights(FdEntry& e, uint64_t base, uint64_t inheriting) {
  if (e.filetype == kFiletypeDirectory) {
    e.rights_base = base & kRightsDirectory;
    e.rights_inheriting = inheriting & (kRightsDirectory | kRightsFile);
    e.seekable = false;
    return;
  }
  e.seekable = lseek(e.host_fd, 0, SEEK_CUR) >= 0;
  e.rights_base = base & kRightsFile & (e.seekable ? kRightsAll : ~uint64_t(kRightFdSeek | kRightFdTell));
  // The host fd's access mode bounds it too (stdin is often read-only).
  const int fl = fcntl(e.host_fd, F_GETFL);
  if (fl >= 0 && (fl & O_ACCMODE) == O_RDONLY)
    e.rights_base &= ~uint64_t(kRightFdWrite | kRightFdAllocate | kRightFdFilestatSetSize);
  if (fl >= 0 && (fl & O_ACCMODE) == O_WRONLY) e.rights_base &= ~uint64_t(kRightFdRead);
  e.rights_inheriting = inheriting & kRightsFile;
}

// The answer to a missing right: under a read-only preopen, a right it
// withholds is EROFS (what a write to a read-only mount says), any other
// ENOTCAPABLE.
Errno missing_rights(const FdEntry& e, uint64_t missing) {
  return e.read_only && !(missing & ~kRightsMutating) ? kRofs : kNotcapable;
}

// Looks up {fd} and checks it has {rights}; a missing right is ENOTCAPABLE
// (witx: "capabilities insufficient"). Rights are enforced as witx defines
// them and as wasmtime did while it implemented them (wasi-common); today's
// wasmtime, built on preview2, checks only read/write, so a program that
// asks path_open for fewer rights than it then uses works there and gets
// ENOTCAPABLE here. wasi-libc and Rust's std ask for every right they use.
Errno lookup(Call& c, uint32_t fd, uint64_t rights, FdEntry** out) {
  FdEntry* e = c.ctx.get(fd);
  if (!e) return kBadf;
  if ((e->rights_base & rights) != rights) return missing_rights(*e, rights & ~e->rights_base);
  *out = e;
  return kSuccess;
}

// An fd for a data operation (read, write, seek, tell, sync, advise,
// allocate, set size or flags). A directory supports none of them: EBADF,
// as wasmtime answers (its dir_fd_op_failures test), where POSIX would say
// EISDIR for read or even succeed for lseek and fsync.
Errno file_fd(Call& c, uint32_t fd, uint64_t rights, FdEntry** out) {
  FdEntry* e = c.ctx.get(fd);
  if (!e || e->filetype == kFiletypeDirectory) return kBadf;
  return lookup(c, fd, rights, out);
}

// Reads an iovec array into host iovecs, checking every buffer.
// More than IOV_MAX is EINVAL, as readv/writev answer (and the host never
// allocates a table for millions of them).
Errno iovecs(Call& c, uint32_t iovs, uint32_t n, std::vector<iovec>* out) {
  if (n > IOV_MAX) return kInval;
  if (!c.mem.ok(iovs, uint64_t(n) * 8)) return kFault;
  out->resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t p = c.mem.u32(iovs + 8 * i), len = c.mem.u32(iovs + 8 * i + 4);
    if (!c.mem.ok(p, len)) return kFault;
    (*out)[i] = iovec{c.mem.at(p), len};
  }
  return kSuccess;
}

void write_filestat(Call& c, uint32_t p, const struct stat& st) {
  std::memset(c.mem.at(p), 0, kFilestatSize);
  c.mem.put_u64(p, st.st_dev);
  c.mem.put_u64(p + 8, st.st_ino);
  c.mem.put_u8(p + 16, filetype_of(st.st_mode));
  c.mem.put_u64(p + 24, st.st_nlink);
  c.mem.put_u64(p + 32, uint64_t(st.st_size));
  auto ns = [](const timespec& t) { return uint64_t(t.tv_sec) * 1000000000ull + uint64_t(t.tv_nsec); };
  c.mem.put_u64(p + 40, ns(st.st_atim));
  c.mem.put_u64(p + 48, ns(st.st_mtim));
  c.mem.put_u64(p + 56, ns(st.st_ctim));
}

Errno times_from(uint64_t atim, uint64_t mtim, uint32_t fst, timespec out[2]) {
  if (fst & ~uint32_t(kFstAtim | kFstAtimNow | kFstMtim | kFstMtimNow)) return kInval;
  if (((fst & kFstAtim) && (fst & kFstAtimNow)) || ((fst & kFstMtim) && (fst & kFstMtimNow))) return kInval;
  auto set = [](timespec* t, uint64_t v, bool given, bool now) {
    if (now) {
      t->tv_sec = 0;
      t->tv_nsec = UTIME_NOW;
    } else if (given) {
      t->tv_sec = time_t(v / 1000000000ull);
      t->tv_nsec = long(v % 1000000000ull);
    } else {
      t->tv_sec = 0;
      t->tv_nsec = UTIME_OMIT;
    }
  };
  set(&out[0], atim, fst & kFstAtim, fst & kFstAtimNow);
  set(&out[1], mtim, fst & kFstMtim, fst & kFstMtimNow);
  return kSuccess;
}

// A guest path argument, read and checked.
Errno path_arg(Call& c, uint32_t ptr, uint32_t len, std::string* out) {
  if (!c.mem.string(ptr, len, out)) return kFault;
  if (out->find('\0') != std::string::npos) return kInval;
  return kSuccess;
}

}  // namespace brisk::wasi

// Host <-> WASI translation (see host_map.h).
#ifdef BRISK_WASI_UNITY  // compiled as part of wasi.cc (see the note there)
#include "wasi/host_map.h"

#include <cstring>

namespace brisk::wasi {

Errno errno_from_host(int e) {
  switch (e) {
    case 0: return kSuccess;
    case E2BIG: return k2Big;
    case EACCES: return kAcces;
    case EADDRINUSE: return kAddrinuse;
    case EADDRNOTAVAIL: return kAddrnotavail;
    case EAFNOSUPPORT: return kAfnosupport;
    case EAGAIN: return kAgain;
    case EALREADY: return kAlready;
    case EBADF: return kBadf;
    case EBADMSG: return kBadmsg;
    case EBUSY: return kBusy;
    case ECANCELED: return kCanceled;
    case ECHILD: return kChild;
    case ECONNABORTED: return kConnaborted;
    case ECONNREFUSED: return kConnrefused;
    case ECONNRESET: return kConnreset;
    case EDEADLK: return kDeadlk;
    case EDESTADDRREQ: return kDestaddrreq;
    case EDOM: return kDom;
    case EDQUOT: return kDquot;
    case EEXIST: return kExist;
    case EFAULT: return kFault;
    case EFBIG: return kFbig;
    case EHOSTUNREACH: return kHostunreach;
    case EIDRM: return kIdrm;
    case EILSEQ: return kIlseq;
    case EINPROGRESS: return kInprogress;
    case EINTR: return kIntr;
    case EINVAL: return kInval;
    case EIO: return kIo;
    case EISCONN: return kIsconn;
    case EISDIR: return kIsdir;
    case ELOOP: return kLoop;
    case EMFILE: return kMfile;
    case EMLINK: return kMlink;
    case EMSGSIZE: return kMsgsize;
    case EMULTIHOP: return kMultihop;
    case ENAMETOOLONG: return kNametoolong;
    case ENETDOWN: return kNetdown;
    case ENETRESET: return kNetreset;
    case ENETUNREACH: return kNetunreach;
    case ENFILE: return kNfile;
    case ENOBUFS: return kNobufs;
    case ENODEV: return kNodev;
    case ENOENT: return kNoent;
    case ENOEXEC: return kNoexec;
    case ENOLCK: return kNolck;
    case ENOLINK: return kNolink;
    case ENOMEM: return kNomem;
    case ENOMSG: return kNomsg;
    case ENOPROTOOPT: return kNoprotoopt;
    case ENOSPC: return kNospc;
    case ENOSYS: return kNosys;
    case ENOTCONN: return kNotconn;
    case ENOTDIR: return kNotdir;
    case ENOTEMPTY: return kNotempty;
    case ENOTRECOVERABLE: return kNotrecoverable;
    case ENOTSOCK: return kNotsock;
    case ENOTSUP: return kNotsup;  // == EOPNOTSUPP on Linux
    case ENOTTY: return kNotty;
    case ENXIO: return kNxio;
    case EOVERFLOW: return kOverflow;
    case EOWNERDEAD: return kOwnerdead;
    case EPERM: return kPerm;
    case EPIPE: return kPipe;
    case EPROTO: return kProto;
    case EPROTONOSUPPORT: return kProtonosupport;
    case EPROTOTYPE: return kPrototype;
    case ERANGE: return kRange;
    case EROFS: return kRofs;
    case ESPIPE: return kSpipe;
    case ESRCH: return kSrch;
    case ESTALE: return kStale;
    case ETIMEDOUT: return kTimedout;
    case ETXTBSY: return kTxtbsy;
    case EXDEV: return kXdev;
    default: return kIo;
  }
}

uint8_t filetype_of(mode_t m) {
  if (S_ISREG(m)) return kFiletypeRegularFile;
  if (S_ISDIR(m)) return kFiletypeDirectory;
  if (S_ISCHR(m)) return kFiletypeCharacterDevice;
  if (S_ISBLK(m)) return kFiletypeBlockDevice;
  if (S_ISLNK(m)) return kFiletypeSymbolicLink;
  if (S_ISSOCK(m)) return kFiletypeSocketStream;
  return kFiletypeUnknown;  // FIFOs have no WASI file type
}

uint64_t rights_for_filetype(uint8_t filetype) {
  switch (filetype) {
    case kFiletypeRegularFile:
    case kFiletypeBlockDevice: return kRightsRegularFile;
    case kFiletypeDirectory: return kRightsDirectory;
    case kFiletypeSocketStream:
    case kFiletypeSocketDgram: return kRightsSocket;
    default: return kRightsStream;
  }
}

uint64_t timespec_to_ns(const timespec& t) {
  if (t.tv_sec < 0) return 0;
  return uint64_t(t.tv_sec) * 1000000000ull + uint64_t(t.tv_nsec);
}

Errno write_filestat(const GuestMemory& mem, uint64_t p, const struct stat& st) {
  if (!mem.fill(p, 0, layout::kFilestatSize)) return kFault;
  mem.store<uint64_t>(p + layout::kFilestatDev, uint64_t(st.st_dev));
  mem.store<uint64_t>(p + layout::kFilestatIno, uint64_t(st.st_ino));
  mem.store<uint8_t>(p + layout::kFilestatFiletype, filetype_of(st.st_mode));
  mem.store<uint64_t>(p + layout::kFilestatNlink, uint64_t(st.st_nlink));
  mem.store<uint64_t>(p + layout::kFilestatSize_, uint64_t(st.st_size));
  mem.store<uint64_t>(p + layout::kFilestatAtim, timespec_to_ns(st.st_atim));
  mem.store<uint64_t>(p + layout::kFilestatMtim, timespec_to_ns(st.st_mtim));
  mem.store<uint64_t>(p + layout::kFilestatCtim, timespec_to_ns(st.st_ctim));
  return kSuccess;
}

Errno times_from_fstflags(uint64_t atim, uint64_t mtim, uint32_t fst, timespec out[2]) {
  if ((fst & ~uint32_t(kFstflagsAll)) || ((fst & kFstAtim) && (fst & kFstAtimNow)) ||
      ((fst & kFstMtim) && (fst & kFstMtimNow)))
    return kInval;
  auto set = [](timespec* t, uint64_t v, bool given, bool now) {
    if (now) {
      *t = timespec{0, UTIME_NOW};
    } else if (given) {
      t->tv_sec = time_t(v / 1000000000ull);
      t->tv_nsec = long(v % 1000000000ull);
    } else {
      *t = timespec{0, UTIME_OMIT};
    }
  };
  set(&out[0], atim, fst & kFstAtim, fst & kFstAtimNow);
  set(&out[1], mtim, fst & kFstMtim, fst & kFstMtimNow);
  return kSuccess;
}

bool host_clock(uint32_t id, clockid_t* out) {
  switch (id) {
    case kClockRealtime: *out = CLOCK_REALTIME; return true;
    case kClockMonotonic: *out = CLOCK_MONOTONIC; return true;
    case kClockProcessCputime: *out = CLOCK_PROCESS_CPUTIME_ID; return true;
    case kClockThreadCputime: *out = CLOCK_THREAD_CPUTIME_ID; return true;
  }
  return false;
}

}  // namespace brisk::wasi
#endif  // BRISK_WASI_UNITY

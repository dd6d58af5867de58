// The WASI context (fd table, stdio, preopens), the host-errno mapping, and
// the wasi_snapshot_preview1 import table. The functions are grouped by
// concern in wasi_fd.cc, wasi_path.cc, wasi_poll.cc and wasi_proc.cc (shared
// checks: wasi_call.cc); each checks its guest pointers, resolves paths
// through the sandbox (sandbox.h) and answers with a WASI errno; nothing
// aborts or lets a bad guest argument reach the host.
#include "wasi/wasi.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "wasi/sandbox.h"
#include "wasi/wasi_call.h"

namespace brisk::wasi {

// ------------------------------------------------------------ context

WasiContext::~WasiContext() {
  for (auto& e : fds)
    if (e && e->owned && e->host_fd > 2) close(e->host_fd);
}

uint32_t WasiContext::insert(FdEntry e) {
  for (uint32_t i = 3; i < fds.size(); ++i)
    if (!fds[i]) {
      fds[i] = std::move(e);
      return i;
    }
  fds.push_back(std::move(e));
  return uint32_t(fds.size() - 1);
}

namespace {

// A stdio entry for an embedder's host fd: a duplicate (at 3 or above, so
// that the context owns and closes it) of {host_fd}.
Result<FdEntry> stdio_fd_entry(int host_fd, const char* which) {
  int fd = fcntl(host_fd, F_DUPFD_CLOEXEC, 3);
  if (fd < 0)
    return Error{Error::kNoOffset,
                 std::string(which) + ": cannot use host fd " + std::to_string(host_fd) + ": " + std::strerror(errno)};
  FdEntry e;
  e.host_fd = fd;
  struct stat st;
  if (fstat(fd, &st) == 0) e.filetype = filetype_of(st.st_mode);
  set_kind_rights(e, kRightsAll, 0);
  return e;
}

// A stdio entry without a host fd: stdin's bytes, or an output sink. The
// rights are a pipe's (no seek, tell, sync or resize).
FdEntry stdio_stream_entry(const StdioConfig& c, bool input) {
  FdEntry e;
  e.owned = false;
  e.seekable = false;
  e.stream = std::make_shared<HostStream>();
  e.stream->is_input = input;
  if (input)
    e.stream->input = c.bytes;
  else
    e.stream->sink = c.sink;
  e.rights_base = (input ? kRightFdRead : kRightFdWrite) | kRightPollFdReadwrite | kRightFdFilestatGet;
  e.rights_inheriting = 0;
  return e;
}

}  // namespace

Errno errno_from_host(int e) {
  switch (e) {
    case 0: return kSuccess;
    case E2BIG: return k2Big;
    case EACCES: return kAcces;
    case EAGAIN: return kAgain;
    case EBADF: return kBadf;
    case EBUSY: return kBusy;
    case EEXIST: return kExist;
    case EFAULT: return kFault;
    case EFBIG: return kFbig;
    case EINTR: return kIntr;
    case EINVAL: return kInval;
    case EIO: return kIo;
    case EISDIR: return kIsdir;
    case ELOOP: return kLoop;
    case EMFILE: return kMfile;
    case EMLINK: return kMlink;
    case ENAMETOOLONG: return kNametoolong;
    case ENFILE: return kNfile;
    case ENODEV: return kNodev;
    case ENOENT: return kNoent;
    case ENOMEM: return kNomem;
    case ENOSPC: return kNospc;
    case ENOSYS: return kNosys;
    case ENOTDIR: return kNotdir;
    case ENOTEMPTY: return kNotempty;
    case ENOTSUP: return kNotsup;
    case ENOTTY: return kNotty;
    case ENXIO: return kNxio;
    case EOVERFLOW: return kOverflow;
    case EPERM: return kPerm;
    case EPIPE: return kPipe;
    case ERANGE: return kRange;
    case EROFS: return kRofs;
    case ESPIPE: return kSpipe;
    case ETXTBSY: return kTxtbsy;
    case EXDEV: return kXdev;
    case ENOTSOCK: return kNotsock;
    // The rest of witx's list, so that no host errno it names becomes EIO.
    case EADDRINUSE: return kAddrinuse;
    case EADDRNOTAVAIL: return kAddrnotavail;
    case EAFNOSUPPORT: return kAfnosupport;
    case EALREADY: return kAlready;
    case EBADMSG: return kBadmsg;
    case ECANCELED: return kCanceled;
    case ECHILD: return kChild;
    case ECONNABORTED: return kConnaborted;
    case ECONNREFUSED: return kConnrefused;
    case ECONNRESET: return kConnreset;
    case EDEADLK: return kDeadlk;
    case EDESTADDRREQ: return kDestaddrreq;
    case EDOM: return kDom;
    case EDQUOT: return kDquot;
    case EHOSTUNREACH: return kHostunreach;
    case EIDRM: return kIdrm;
    case EILSEQ: return kIlseq;
    case EINPROGRESS: return kInprogress;
    case EISCONN: return kIsconn;
    case EMSGSIZE: return kMsgsize;
    case EMULTIHOP: return kMultihop;
    case ENETDOWN: return kNetdown;
    case ENETRESET: return kNetreset;
    case ENETUNREACH: return kNetunreach;
    case ENOBUFS: return kNobufs;
    case ENOEXEC: return kNoexec;
    case ENOLCK: return kNolck;
    case ENOLINK: return kNolink;
    case ENOMSG: return kNomsg;
    case ENOPROTOOPT: return kNoprotoopt;
    case ENOTCONN: return kNotconn;
    case ENOTRECOVERABLE: return kNotrecoverable;
    case EOWNERDEAD: return kOwnerdead;
    case EPROTO: return kProto;
    case EPROTONOSUPPORT: return kProtonosupport;
    case EPROTOTYPE: return kPrototype;
    case ESRCH: return kSrch;
    case ESTALE: return kStale;
    case ETIMEDOUT: return kTimedout;
    default: return kIo;
  }
}

Result<std::shared_ptr<WasiContext>> create_context(const WasiConfig& config) {
  // Testing aid: exercise the portable resolver where openat2 exists.
  if (std::getenv("BRISK_WASI_PORTABLE_SANDBOX")) sandbox_force_fallback(true);
  auto ctx = std::make_shared<WasiContext>();
  ctx->args = config.args;
  ctx->env = config.env;
  static const char* const kNames[3] = {"stdin", "stdout", "stderr"};
  for (int i = 0; i < 3; ++i) {
    const StdioConfig& sc = config.stdio[i];
    if (sc.kind == StdioConfig::Kind::Fd) {
      auto e = stdio_fd_entry(sc.fd, kNames[i]);
      if (!e.ok()) return e.error();
      ctx->fds.push_back(std::move(e.value()));
    } else {
      ctx->fds.push_back(stdio_stream_entry(sc, i == 0));
    }
  }
  for (const Preopen& p : config.preopens) {
    int fd = open(p.host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
      return Error{Error::kNoOffset, "cannot open directory '" + p.host_path + "' (to preopen as '" + p.guest_path +
                                         "'): " + std::strerror(errno)};
    FdEntry e;
    e.host_fd = fd;
    e.filetype = kFiletypeDirectory;
    const uint64_t allowed = p.read_only ? ~kRightsMutating : kRightsAll;
    set_kind_rights(e, kRightsAll & allowed, kRightsAll & allowed);
    e.read_only = p.read_only;
    e.preopen_name = p.guest_path;
    ctx->fds.push_back(std::move(e));
  }
  return ctx;
}

std::vector<Function*> define_imports(const std::shared_ptr<WasiContext>& ctx, Store& store, Linker& linker) {
  constexpr ValType I = ValType::I32, L = ValType::I64;
  std::vector<Function*> made;
  auto def = [&](const char* name, std::vector<ValType> params, auto fn) {
    FuncType ft{std::move(params), {ValType::I32}};
    Function* f = store.create_host_function(
        ft,
        [ctx, fn](HostCall& hc, const uint64_t* a, uint64_t* r) {
          Call c(*ctx, hc);
          r[0] = uint32_t(fn(c, a));
          return TrapKind::None;
        },
        std::string("wasi:") + name);
    linker.define("wasi_snapshot_preview1", name, Extern{ExternKind::Func, f});
    made.push_back(f);
  };
  def("args_get", {I, I}, [](Call& c, Args a) { return strings_get(c, c.ctx.args, a32(a, 0), a32(a, 1)); });
  def("args_sizes_get", {I, I}, [](Call& c, Args a) { return strings_sizes(c, c.ctx.args, a32(a, 0), a32(a, 1)); });
  def("environ_get", {I, I}, [](Call& c, Args a) { return strings_get(c, c.ctx.env, a32(a, 0), a32(a, 1)); });
  def("environ_sizes_get", {I, I}, [](Call& c, Args a) { return strings_sizes(c, c.ctx.env, a32(a, 0), a32(a, 1)); });
  def("clock_res_get", {I, I}, [](Call& c, Args a) { return clock_query(c, a32(a, 0), a32(a, 1), clock_getres); });
  def("clock_time_get", {I, L, I}, [](Call& c, Args a) { return clock_query(c, a32(a, 0), a32(a, 2), clock_gettime); });
  def("fd_advise", {I, L, L, I}, [](Call& c, Args a) { return fd_advise(c, a32(a, 0), a[1], a[2], a32(a, 3)); });
  def("fd_allocate", {I, L, L}, [](Call& c, Args a) { return fd_allocate(c, a32(a, 0), a[1], a[2]); });
  def("fd_close", {I}, [](Call& c, Args a) { return fd_close(c, a32(a, 0)); });
  def("fd_datasync", {I}, [](Call& c, Args a) { return fd_sync(c, a32(a, 0), true); });
  def("fd_fdstat_get", {I, I}, [](Call& c, Args a) { return fd_fdstat_get(c, a32(a, 0), a32(a, 1)); });
  def("fd_fdstat_set_flags", {I, I}, [](Call& c, Args a) { return fd_fdstat_set_flags(c, a32(a, 0), a32(a, 1)); });
  def("fd_fdstat_set_rights", {I, L, L},
      [](Call& c, Args a) { return fd_fdstat_set_rights(c, a32(a, 0), a[1], a[2]); });
  def("fd_filestat_get", {I, I}, [](Call& c, Args a) { return fd_filestat_get(c, a32(a, 0), a32(a, 1)); });
  def("fd_filestat_set_size", {I, L}, [](Call& c, Args a) { return fd_filestat_set_size(c, a32(a, 0), a[1]); });
  def("fd_filestat_set_times", {I, L, L, I},
      [](Call& c, Args a) { return fd_filestat_set_times(c, a32(a, 0), a[1], a[2], a32(a, 3)); });
  def("fd_pread", {I, I, I, L, I},
      [](Call& c, Args a) { return fd_rw(c, a32(a, 0), a32(a, 1), a32(a, 2), a32(a, 4), false, true, a[3]); });
  def("fd_prestat_get", {I, I}, [](Call& c, Args a) { return fd_prestat_get(c, a32(a, 0), a32(a, 1)); });
  def("fd_prestat_dir_name", {I, I, I},
      [](Call& c, Args a) { return fd_prestat_dir_name(c, a32(a, 0), a32(a, 1), a32(a, 2)); });
  def("fd_pwrite", {I, I, I, L, I},
      [](Call& c, Args a) { return fd_rw(c, a32(a, 0), a32(a, 1), a32(a, 2), a32(a, 4), true, true, a[3]); });
  def("fd_read", {I, I, I, I},
      [](Call& c, Args a) { return fd_rw(c, a32(a, 0), a32(a, 1), a32(a, 2), a32(a, 3), false, false, 0); });
  def("fd_readdir", {I, I, I, L, I},
      [](Call& c, Args a) { return fd_readdir(c, a32(a, 0), a32(a, 1), a32(a, 2), a[3], a32(a, 4)); });
  def("fd_renumber", {I, I}, [](Call& c, Args a) { return fd_renumber(c, a32(a, 0), a32(a, 1)); });
  def("fd_seek", {I, L, I, I},
      [](Call& c, Args a) { return fd_seek(c, a32(a, 0), int64_t(a[1]), a32(a, 2), a32(a, 3)); });
  def("fd_sync", {I}, [](Call& c, Args a) { return fd_sync(c, a32(a, 0), false); });
  def("fd_tell", {I, I}, [](Call& c, Args a) { return fd_seek(c, a32(a, 0), 0, kWhenceCur, a32(a, 1)); });
  def("fd_write", {I, I, I, I},
      [](Call& c, Args a) { return fd_rw(c, a32(a, 0), a32(a, 1), a32(a, 2), a32(a, 3), true, false, 0); });
  def("path_create_directory", {I, I, I},
      [](Call& c, Args a) { return path_create_directory(c, a32(a, 0), a32(a, 1), a32(a, 2)); });
  def("path_filestat_get", {I, I, I, I, I},
      [](Call& c, Args a) { return path_filestat_get(c, a32(a, 0), a32(a, 1), a32(a, 2), a32(a, 3), a32(a, 4)); });
  def("path_filestat_set_times", {I, I, I, I, L, L, I}, [](Call& c, Args a) {
    return path_filestat_set_times(c, a32(a, 0), a32(a, 1), a32(a, 2), a32(a, 3), a[4], a[5], a32(a, 6));
  });
  def("path_link", {I, I, I, I, I, I, I}, [](Call& c, Args a) {
    return path_link(c, a32(a, 0), a32(a, 1), a32(a, 2), a32(a, 3), a32(a, 4), a32(a, 5), a32(a, 6));
  });
  def("path_open", {I, I, I, I, I, L, L, I, I}, [](Call& c, Args a) {
    return path_open(c, a32(a, 0), a32(a, 1), a32(a, 2), a32(a, 3), a32(a, 4), a[5], a[6], a32(a, 7), a32(a, 8));
  });
  def("path_readlink", {I, I, I, I, I, I}, [](Call& c, Args a) {
    return path_readlink(c, a32(a, 0), a32(a, 1), a32(a, 2), a32(a, 3), a32(a, 4), a32(a, 5));
  });
  def("path_remove_directory", {I, I, I},
      [](Call& c, Args a) { return path_remove(c, a32(a, 0), a32(a, 1), a32(a, 2), true); });
  def("path_rename", {I, I, I, I, I, I}, [](Call& c, Args a) {
    return path_rename(c, a32(a, 0), a32(a, 1), a32(a, 2), a32(a, 3), a32(a, 4), a32(a, 5));
  });
  def("path_symlink", {I, I, I, I, I}, [](Call& c, Args a) {
    return path_symlink(c, a32(a, 0), a32(a, 1), a32(a, 2), a32(a, 3), a32(a, 4));
  });
  def("path_unlink_file", {I, I, I},
      [](Call& c, Args a) { return path_remove(c, a32(a, 0), a32(a, 1), a32(a, 2), false); });
  def("poll_oneoff", {I, I, I, I},
      [](Call& c, Args a) { return poll_oneoff(c, a32(a, 0), a32(a, 1), a32(a, 2), a32(a, 3)); });
  def("proc_raise", {I}, [](Call&, Args) { return kNosys; });
  def("sched_yield", {}, [](Call&, Args) { return sched_yield() == 0 ? kSuccess : kNosys; });
  def("random_get", {I, I}, [](Call& c, Args a) { return random_get(c, a32(a, 0), a32(a, 1)); });
  // Sockets: brisk grants no sockets, so none can be named.
  def("sock_accept", {I, I, I}, [](Call& c, Args a) { return c.ctx.get(a32(a, 0)) ? kNotsock : kBadf; });
  def("sock_recv", {I, I, I, I, I, I}, [](Call& c, Args a) { return c.ctx.get(a32(a, 0)) ? kNotsock : kBadf; });
  def("sock_send", {I, I, I, I, I}, [](Call& c, Args a) { return c.ctx.get(a32(a, 0)) ? kNotsock : kBadf; });
  def("sock_shutdown", {I, I}, [](Call& c, Args a) { return c.ctx.get(a32(a, 0)) ? kNotsock : kBadf; });

  // proc_exit has no result and ends the guest: an Exit "trap" unwinds it.
  Function* exit_fn = store.create_host_function(
      FuncType{{ValType::I32}, {}}, [](HostCall& hc, const uint64_t* a, uint64_t*) { return hc.exit(int(uint32_t(a[0]))); },
      "wasi:proc_exit");
  linker.define("wasi_snapshot_preview1", "proc_exit", Extern{ExternKind::Func, exit_fn});
  made.push_back(exit_fn);
  return made;
}

}  // namespace brisk::wasi

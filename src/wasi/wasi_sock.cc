// wasi_snapshot_preview1: sock_accept, sock_recv, sock_send and
// sock_shutdown, on sockets the guest was handed (brisk opens none itself,
// but stdio may be one). Anything that is not a socket is ENOTSOCK.
#ifdef BRISK_WASI_UNITY  // compiled as part of wasi.cc (see the note there)
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi/host_map.h"
#include "wasi/wasi_calls.h"

namespace brisk::wasi::preview1 {

namespace {

Errno socket_entry(Ctx& c, uint32_t fd, uint64_t rights, FdEntry** out) {
  FdEntry* e = c.fds.get(fd);
  if (!e) return kBadf;
  if (e->filetype != kFiletypeSocketStream && e->filetype != kFiletypeSocketDgram) return kNotsock;
  return c.fds.get(fd, rights, out);
}

}  // namespace

Errno sock_accept(Ctx& c, const Mem& m, uint32_t fd, uint32_t flags, uint32_t out) {
  FdEntry* e;
  if (Errno r = socket_entry(c, fd, kRightSockAccept, &e)) return r;
  if (flags & ~uint32_t(kFdflagNonblock)) return kInval;
  if (!m.in_bounds(out, 4)) return kFault;
  int h = retry_eintr([&] { return accept4(e->host_fd, nullptr, nullptr, SOCK_CLOEXEC |
                                           ((flags & kFdflagNonblock) ? SOCK_NONBLOCK : 0)); });
  if (h < 0) return last_host_errno();
  FdEntry n;
  n.host_fd = h;
  n.filetype = kFiletypeSocketStream;
  n.rights_base = kRightsSocket & ~kRightSockAccept;
  n.rights_inheriting = 0;
  uint32_t nfd;
  if (Errno r = c.fds.insert(std::move(n), &nfd)) return r;
  m.store<uint32_t>(out, nfd);
  return kSuccess;
}

Errno sock_recv(Ctx& c, const Mem& m, uint32_t fd, uint32_t iovs, uint32_t n, uint32_t ri_flags,
                uint32_t datalen_out, uint32_t roflags_out) {
  FdEntry* e;
  if (Errno r = socket_entry(c, fd, kRightFdRead, &e)) return r;
  if (ri_flags & ~uint32_t(kRiflagRecvPeek | kRiflagRecvWaitall)) return kInval;
  std::vector<iovec> v;
  if (Errno r = read_iovecs(m, iovs, n, &v)) return r;
  if (!m.in_bounds(datalen_out, 4) || !m.in_bounds(roflags_out, 2)) return kFault;
  msghdr msg{};
  msg.msg_iov = v.data();
  msg.msg_iovlen = v.size();
  int hf = 0;
  if (ri_flags & kRiflagRecvPeek) hf |= MSG_PEEK;
  if (ri_flags & kRiflagRecvWaitall) hf |= MSG_WAITALL;
  ssize_t k = retry_eintr([&] { return recvmsg(e->host_fd, &msg, hf); });
  if (k < 0) return last_host_errno();
  m.store<uint32_t>(datalen_out, uint32_t(k));
  m.store<uint16_t>(roflags_out, (msg.msg_flags & MSG_TRUNC) ? kRoflagRecvDataTruncated : 0);
  return kSuccess;
}

Errno sock_send(Ctx& c, const Mem& m, uint32_t fd, uint32_t iovs, uint32_t n, uint32_t si_flags,
                uint32_t datalen_out) {
  FdEntry* e;
  if (Errno r = socket_entry(c, fd, kRightFdWrite, &e)) return r;
  if (si_flags != 0) return kInval;  // witx defines no siflags
  std::vector<iovec> v;
  if (Errno r = read_iovecs(m, iovs, n, &v)) return r;
  if (!m.in_bounds(datalen_out, 4)) return kFault;
  msghdr msg{};
  msg.msg_iov = v.data();
  msg.msg_iovlen = v.size();
  // MSG_NOSIGNAL: a closed peer is EPIPE for the guest, not SIGPIPE for brisk.
  ssize_t k = retry_eintr([&] { return sendmsg(e->host_fd, &msg, MSG_NOSIGNAL); });
  if (k < 0) return last_host_errno();
  m.store<uint32_t>(datalen_out, uint32_t(k));
  return kSuccess;
}

Errno sock_shutdown(Ctx& c, const Mem&, uint32_t fd, uint32_t how) {
  FdEntry* e;
  if (Errno r = socket_entry(c, fd, kRightSockShutdown, &e)) return r;
  int h;
  switch (how) {
    case kSdflagRd: h = SHUT_RD; break;
    case kSdflagWr: h = SHUT_WR; break;
    case kSdflagRd | kSdflagWr: h = SHUT_RDWR; break;
    default: return kInval;
  }
  return shutdown(e->host_fd, h) == 0 ? kSuccess : last_host_errno();
}

}  // namespace brisk::wasi::preview1
#endif  // BRISK_WASI_UNITY

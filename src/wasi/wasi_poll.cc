// WASI poll_oneoff: clock subscriptions and fd readiness (host fds through
// poll(2); the embedder's streams are always ready).

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

#include "wasi/sandbox.h"
#include "wasi/wasi_call.h"

namespace brisk::wasi {

Errno poll_oneoff(Call& c, uint32_t in, uint32_t out, uint32_t nsubs, uint32_t nevents_ptr) {
  if (nsubs == 0) return kInval;
  if (!c.mem.ok(in, uint64_t(nsubs) * kSubscriptionSize) || !c.mem.ok(out, uint64_t(nsubs) * kEventSize) ||
      !c.mem.ok(nevents_ptr, 4))
    return kFault;
  struct Sub {
    uint64_t userdata;
    uint8_t tag;
    uint32_t fd;
    int64_t deadline_ns;  // clock subscriptions: absolute monotonic deadline
  };
  std::vector<Sub> subs(nsubs);
  std::vector<pollfd> pfds;
  std::vector<uint32_t> pfd_sub;
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  const int64_t now_ns = int64_t(now.tv_sec) * 1000000000 + now.tv_nsec;
  int64_t earliest = INT64_MAX;
  uint32_t nevents = 0;
  auto emit = [&](const Sub& s, Errno err, uint64_t nbytes, uint16_t rwflags = 0) {
    uint32_t e = out + nevents * kEventSize;
    std::memset(c.mem.at(e), 0, kEventSize);
    c.mem.put_u64(e, s.userdata);
    c.mem.put_u16(e + 8, err);
    c.mem.put_u8(e + 10, s.tag);
    c.mem.put_u64(e + 16, nbytes);
    c.mem.put_u16(e + 24, rwflags);
    nevents++;
  };
  for (uint32_t i = 0; i < nsubs; ++i) {
    uint32_t p = in + i * kSubscriptionSize;
    Sub& s = subs[i];
    s.userdata = c.mem.u64(p);
    s.tag = c.mem.at(p + 8)[0];
    if (s.tag == kEventClock) {
      uint32_t id = c.mem.u32(p + 16);
      uint64_t timeout = c.mem.u64(p + 24);
      uint16_t flags;
      std::memcpy(&flags, c.mem.at(p + 40), 2);
      clockid_t cid;
      if (!host_clock(id, &cid)) return kInval;
      int64_t rel = int64_t(std::min<uint64_t>(timeout, INT64_MAX / 2));
      if (flags & kSubclockAbstime) {
        timespec t;
        clock_gettime(cid, &t);
        int64_t cur = int64_t(t.tv_sec) * 1000000000 + t.tv_nsec;
        rel = int64_t(timeout) > cur ? int64_t(timeout) - cur : 0;
      }
      s.deadline_ns = now_ns + rel;
      earliest = std::min(earliest, s.deadline_ns);
    } else if (s.tag == kEventFdRead || s.tag == kEventFdWrite) {
      s.fd = c.mem.u32(p + 16);
      FdEntry* e = c.ctx.get(s.fd);
      if (!e || e->filetype == kFiletypeDirectory) {  // directories: EBADF, as for fd_read
        emit(s, kBadf, 0);
        continue;
      }
      if (!(e->rights_base & kRightPollFdReadwrite)) {
        emit(s, kNotcapable, 0);
        continue;
      }
      if (e->stream) {  // an embedder's stream never blocks
        const HostStream& hs = *e->stream;
        const bool eof = hs.is_input && hs.pos == hs.input.size();
        emit(s, kSuccess, hs.is_input ? hs.input.size() - hs.pos : 0, eof ? kEventFdReadwriteHangup : 0);
        continue;
      }
      if (e->filetype == kFiletypeRegularFile) {  // files are always ready
        uint64_t avail = 0;
        if (s.tag == kEventFdRead) {
          struct stat st;
          off_t pos = lseek(e->host_fd, 0, SEEK_CUR);
          if (fstat(e->host_fd, &st) == 0 && pos >= 0 && st.st_size > pos) avail = uint64_t(st.st_size - pos);
        }
        emit(s, kSuccess, avail);
        continue;
      }
      pfds.push_back(pollfd{e->host_fd, short(s.tag == kEventFdRead ? POLLIN : POLLOUT), 0});
      pfd_sub.push_back(i);
    } else {
      return kInval;
    }
  }
  // Events already known (files, bad fds) mean no waiting, but the other
  // fds are still polled once so that every ready one is reported.
  const bool immediate = nevents > 0;
  int timeout_ms = immediate ? 0 : -1;
  if (!immediate && earliest != INT64_MAX) {
    int64_t wait = std::max<int64_t>(0, earliest - now_ns);
    if (pfds.empty()) {
      timespec ts{time_t(wait / 1000000000), long(wait % 1000000000)};
      while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
      }
    } else {
      timeout_ms = int(std::min<int64_t>((wait + 999999) / 1000000, INT_MAX));
    }
  }
  if (!pfds.empty()) {
    int r;
    while ((r = poll(pfds.data(), pfds.size(), timeout_ms)) < 0 && errno == EINTR) {
    }
    if (r < 0) return host_err();
    for (size_t k = 0; k < pfds.size(); ++k) {
      const short rev = pfds[k].revents;
      if (!rev) continue;
      const Sub& s = subs[pfd_sub[k]];
      if (rev & POLLNVAL) {
        emit(s, kBadf, 0);
        continue;
      }
      int avail = 0;  // bytes readable now, where the host can tell
      if (s.tag == kEventFdRead && ioctl(pfds[k].fd, FIONREAD, &avail) != 0) avail = 0;
      emit(s, kSuccess, uint64_t(std::max(avail, 0)), (rev & POLLHUP) ? kEventFdReadwriteHangup : 0);
    }
  }
  clock_gettime(CLOCK_MONOTONIC, &now);
  const int64_t after = int64_t(now.tv_sec) * 1000000000 + now.tv_nsec;
  for (const Sub& s : subs)
    if (s.tag == kEventClock && s.deadline_ns <= after) emit(s, kSuccess, 0);
  c.mem.put_u32(nevents_ptr, nevents);
  return kSuccess;
}

}  // namespace brisk::wasi

// wasi_snapshot_preview1: poll_oneoff. Clock subscriptions (relative or
// absolute, on the realtime or monotonic clock) and readiness of
// descriptors: regular files and directories are always ready, anything
// else (terminals, pipes, sockets) is asked with ppoll(2). Blocks until at
// least one event is ready and reports every event ready by then.
#ifdef BRISK_WASI_UNITY  // compiled as part of wasi.cc (see the note there)
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <climits>

#include "wasi/host_map.h"
#include "wasi/wasi_calls.h"

namespace brisk::wasi::preview1 {

namespace {

constexpr uint64_t kNsPerSec = 1000000000ull;

uint64_t now_ns(clockid_t id) {
  timespec t;
  clock_gettime(id, &t);
  return timespec_to_ns(t);
}

struct Sub {
  uint64_t userdata = 0;
  uint8_t tag = 0;
  // Clock subscriptions: the deadline on {clock}.
  clockid_t clock = CLOCK_MONOTONIC;
  uint64_t deadline = 0;
  // fd subscriptions
  int host_fd = -1;
  int pollfd_index = -1;
  bool done = false;  // its event is already out
};

class Events {
 public:
  Events(const Mem& m, uint32_t out) : m_(m), out_(out) {}
  void emit(Sub& s, Errno error, uint64_t nbytes = 0, uint16_t flags = 0) {
    const uint64_t p = out_ + uint64_t(count_) * layout::kEventSize;  // checked by the caller
    m_.fill(p, 0, layout::kEventSize);
    m_.store<uint64_t>(p + layout::kEventUserdata, s.userdata);
    m_.store<uint16_t>(p + layout::kEventError, uint16_t(error));
    m_.store<uint8_t>(p + layout::kEventType, s.tag);
    if (s.tag != kEventClock) {
      m_.store<uint64_t>(p + layout::kEventNbytes, nbytes);
      m_.store<uint16_t>(p + layout::kEventFlags, flags);
    }
    s.done = true;
    ++count_;
  }
  uint32_t count() const { return count_; }

 private:
  const Mem& m_;
  uint32_t out_;
  uint32_t count_ = 0;
};

// Bytes readable from a regular file at its current position.
uint64_t file_bytes_left(int fd) {
  struct stat st;
  off_t pos = lseek(fd, 0, SEEK_CUR);
  if (fstat(fd, &st) != 0 || pos < 0 || st.st_size <= pos) return 0;
  return uint64_t(st.st_size - pos);
}

}  // namespace

Errno poll_oneoff(Ctx& c, const Mem& m, uint32_t in, uint32_t out, uint32_t nsubs, uint32_t nevents_out) {
  if (nsubs == 0) return kInval;
  if (!m.array_in_bounds(in, nsubs, layout::kSubscriptionSize) ||
      !m.array_in_bounds(out, nsubs, layout::kEventSize) || !m.in_bounds(nevents_out, 4))
    return kFault;
  std::vector<Sub> subs(nsubs);
  std::vector<pollfd> pfds;
  Events events(m, out);
  // Read every subscription first: out may overlap in.
  for (uint32_t i = 0; i < nsubs; ++i) {
    const uint64_t p = in + uint64_t(i) * layout::kSubscriptionSize;
    Sub& s = subs[i];
    m.load(p + layout::kSubscriptionUserdata, &s.userdata);
    m.load(p + layout::kSubscriptionTag, &s.tag);
    if (s.tag == kEventClock) {
      uint32_t id = 0;
      uint64_t timeout = 0;
      uint16_t flags = 0;
      m.load(p + layout::kSubscriptionClockId, &id);
      m.load(p + layout::kSubscriptionClockTimeout, &timeout);
      m.load(p + layout::kSubscriptionClockFlags, &flags);
      if (!host_clock(id, &s.clock)) {
        s.tag = 0xff;  // reported below as EINVAL
        s.deadline = 0;
        continue;
      }
      s.deadline = (flags & kSubclockAbstime) ? timeout : now_ns(s.clock) + std::min(timeout, UINT64_MAX / 2);
    } else if (s.tag == kEventFdRead || s.tag == kEventFdWrite) {
      uint32_t fd = 0;
      m.load(p + layout::kSubscriptionFd, &fd);
      FdEntry* e = c.fds.get(fd);
      s.host_fd = e ? e->host_fd : -1;
      if (e) {
        uint64_t rw = s.tag == kEventFdRead ? kRightFdRead : kRightFdWrite;
        if (!(e->rights_base & (rw | kRightPollFdReadwrite))) s.host_fd = -2;
        else if (e->filetype != kFiletypeRegularFile && e->filetype != kFiletypeDirectory) {
          s.pollfd_index = int(pfds.size());
          pfds.push_back(pollfd{e->host_fd, short(s.tag == kEventFdRead ? POLLIN : POLLOUT), 0});
        }
      }
    } else {
      return kInval;
    }
  }
  // Events that are ready without waiting.
  for (Sub& s : subs) {
    if (s.tag == 0xff) {
      s.tag = kEventClock;
      events.emit(s, kInval);
    } else if (s.tag == kEventClock) {
      // CPU-time clocks do not advance while we sleep: only a deadline
      // already passed can be reported.
      if ((s.clock == CLOCK_PROCESS_CPUTIME_ID || s.clock == CLOCK_THREAD_CPUTIME_ID) &&
          now_ns(s.clock) < s.deadline)
        events.emit(s, kNotsup);
    } else if (s.host_fd == -1) {
      events.emit(s, kBadf);
    } else if (s.host_fd == -2) {
      events.emit(s, kNotcapable);
    } else if (s.pollfd_index < 0) {
      events.emit(s, kSuccess, s.tag == kEventFdRead ? file_bytes_left(s.host_fd) : 0);
    }
  }
  for (;;) {
    // Wait: not at all when something is ready, else until the earliest
    // deadline (or forever with descriptors only).
    int64_t wait_ns = -1;
    if (events.count() > 0) {
      wait_ns = 0;
    } else {
      for (const Sub& s : subs) {
        if (s.tag != kEventClock || s.done) continue;
        uint64_t now = now_ns(s.clock);
        int64_t left = s.deadline <= now ? 0 : int64_t(std::min<uint64_t>(s.deadline - now, INT64_MAX / 2));
        wait_ns = wait_ns < 0 ? left : std::min(wait_ns, left);
      }
    }
    if (!pfds.empty()) {
      for (pollfd& p : pfds) p.revents = 0;
      timespec ts{time_t(wait_ns / int64_t(kNsPerSec)), long(wait_ns % int64_t(kNsPerSec))};
      int r = ppoll(pfds.data(), nfds_t(pfds.size()), wait_ns < 0 ? nullptr : &ts, nullptr);
      if (r < 0 && errno != EINTR) return last_host_errno();
    } else if (wait_ns > 0) {
      timespec ts{time_t(wait_ns / int64_t(kNsPerSec)), long(wait_ns % int64_t(kNsPerSec))};
      nanosleep(&ts, nullptr);  // EINTR: the loop measures again
    } else if (wait_ns < 0) {
      return kInval;  // nothing to wait for (cannot happen: nsubs > 0)
    }
    for (Sub& s : subs) {
      if (s.done || s.pollfd_index < 0) continue;
      const short rev = pfds[size_t(s.pollfd_index)].revents;
      if (!rev) continue;
      if (rev & POLLNVAL) {
        events.emit(s, kBadf);
        continue;
      }
      uint16_t flags = (rev & POLLHUP) ? kEventrwHangup : 0;
      uint64_t nbytes = 0;
      if (s.tag == kEventFdRead) {
        int avail = 0;
        if (ioctl(s.host_fd, FIONREAD, &avail) == 0 && avail > 0) nbytes = uint64_t(avail);
      }
      events.emit(s, (rev & POLLERR) && !(rev & (POLLIN | POLLOUT)) ? kIo : kSuccess, nbytes, flags);
    }
    for (Sub& s : subs)
      if (s.tag == kEventClock && !s.done && now_ns(s.clock) >= s.deadline) events.emit(s, kSuccess);
    if (events.count() > 0) break;
  }
  m.store<uint32_t>(nevents_out, events.count());
  return kSuccess;
}

}  // namespace brisk::wasi::preview1
#endif  // BRISK_WASI_UNITY

// The WASI functions of the process around the guest: args and environment,
// clocks and random bytes (proc_exit, proc_raise and sched_yield are
// one-liners in wasi.cc's import table).

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "wasi/sandbox.h"
#include "wasi/wasi_call.h"

namespace brisk::wasi {

Errno strings_sizes(Call& c, const std::vector<std::string>& v, uint32_t count_ptr, uint32_t size_ptr) {
  if (!c.mem.ok(count_ptr, 4) || !c.mem.ok(size_ptr, 4)) return kFault;
  uint64_t total = 0;
  for (const auto& s : v) total += s.size() + 1;
  c.mem.put_u32(count_ptr, uint32_t(v.size()));
  c.mem.put_u32(size_ptr, uint32_t(total));
  return kSuccess;
}

Errno strings_get(Call& c, const std::vector<std::string>& v, uint32_t ptrs, uint32_t buf) {
  uint64_t total = 0;
  for (const auto& s : v) total += s.size() + 1;
  if (!c.mem.ok(ptrs, uint64_t(v.size()) * 4) || !c.mem.ok(buf, total)) return kFault;
  uint32_t at = buf;
  for (size_t i = 0; i < v.size(); ++i) {
    c.mem.put_u32(ptrs + 4 * i, at);
    std::memcpy(c.mem.at(at), v[i].c_str(), v[i].size() + 1);
    at += uint32_t(v[i].size() + 1);
  }
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

// clock_res_get and clock_time_get: the same shape, a different query.
Errno clock_query(Call& c, uint32_t id, uint32_t out, int (*query)(clockid_t, timespec*)) {
  clockid_t cid;
  if (!host_clock(id, &cid)) return kInval;
  if (!c.mem.ok(out, 8)) return kFault;
  timespec ts;
  if (query(cid, &ts) != 0) return host_err();
  c.mem.put_u64(out, uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec));
  return kSuccess;
}

Errno random_get(Call& c, uint32_t buf, uint32_t len) {
  if (!c.mem.ok(buf, len)) return kFault;
  uint32_t done = 0;
  while (done < len) {
    ssize_t k = getrandom(c.mem.at(buf + done), len - done, 0);
    if (k < 0) {
      if (errno == EINTR) continue;
      return host_err();
    }
    done += uint32_t(k);
  }
  return kSuccess;
}

}  // namespace brisk::wasi

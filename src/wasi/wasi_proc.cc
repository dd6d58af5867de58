// wasi_snapshot_preview1: arguments, environment, clocks, random bytes,
// sched_yield and proc_raise (proc_exit is bound in wasi.cc).
#ifdef BRISK_WASI_UNITY  // compiled as part of wasi.cc (see the note there)
#include <sched.h>
#include <sys/random.h>
#include <time.h>

#include "wasi/host_map.h"
#include "wasi/wasi_calls.h"

namespace brisk::wasi::preview1 {

namespace {

// Bytes of a NUL-terminated string list; false past 4 GiB.
bool list_bytes(const std::vector<std::string>& v, uint64_t* total) {
  *total = 0;
  for (const auto& s : v) *total += s.size() + 1;
  return *total <= UINT32_MAX && v.size() <= UINT32_MAX;
}

Errno list_sizes(const Mem& mem, const std::vector<std::string>& v, uint32_t count_out, uint32_t size_out) {
  uint64_t total;
  if (!list_bytes(v, &total)) return kOverflow;
  if (!mem.in_bounds(count_out, 4) || !mem.in_bounds(size_out, 4)) return kFault;
  mem.store<uint32_t>(count_out, uint32_t(v.size()));
  mem.store<uint32_t>(size_out, uint32_t(total));
  return kSuccess;
}

// The pointer array at {ptrs}, the strings packed at {buf}.
Errno list_get(const Mem& mem, const std::vector<std::string>& v, uint32_t ptrs, uint32_t buf) {
  uint64_t total;
  if (!list_bytes(v, &total)) return kOverflow;
  if (!mem.array_in_bounds(ptrs, v.size(), 4) || !mem.in_bounds(buf, total)) return kFault;
  uint64_t at = buf;
  for (size_t i = 0; i < v.size(); ++i) {
    mem.store<uint32_t>(ptrs + 4 * uint64_t(i), uint32_t(at));  // at < buf + total <= 4 GiB
    mem.write_bytes(at, v[i].c_str(), v[i].size() + 1);
    at += v[i].size() + 1;
  }
  return kSuccess;
}

Errno clock_query(const Mem& mem, uint32_t id, uint32_t out, int (*query)(clockid_t, timespec*)) {
  clockid_t cid;
  if (!host_clock(id, &cid)) return kInval;
  if (!mem.in_bounds(out, 8)) return kFault;
  timespec ts;
  if (query(cid, &ts) != 0) return last_host_errno();
  mem.store<uint64_t>(out, timespec_to_ns(ts));
  return kSuccess;
}

}  // namespace

Errno args_get(Ctx& c, const Mem& m, uint32_t argv, uint32_t buf) { return list_get(m, c.args, argv, buf); }
Errno args_sizes_get(Ctx& c, const Mem& m, uint32_t n, uint32_t size) { return list_sizes(m, c.args, n, size); }
Errno environ_get(Ctx& c, const Mem& m, uint32_t env, uint32_t buf) { return list_get(m, c.env, env, buf); }
Errno environ_sizes_get(Ctx& c, const Mem& m, uint32_t n, uint32_t size) { return list_sizes(m, c.env, n, size); }

Errno clock_res_get(Ctx&, const Mem& m, uint32_t id, uint32_t out) { return clock_query(m, id, out, clock_getres); }
Errno clock_time_get(Ctx&, const Mem& m, uint32_t id, uint64_t /*precision*/, uint32_t out) {
  return clock_query(m, id, out, clock_gettime);
}

Errno random_get(Ctx&, const Mem& m, uint32_t buf, uint32_t len) {
  uint8_t* p = m.span(buf, len);
  if (!p) return kFault;
  uint32_t done = 0;
  while (done < len) {
    ssize_t k = getrandom(p + done, len - done, 0);
    if (k < 0) {
      if (errno == EINTR) continue;
      return last_host_errno();
    }
    done += uint32_t(k);
  }
  return kSuccess;
}

Errno sched_yield(Ctx&, const Mem&) {
  ::sched_yield();
  return kSuccess;
}

// Signals are not delivered to guests: a valid signal number is ENOSYS.
Errno proc_raise(Ctx&, const Mem&, uint32_t sig) { return sig > kSignalMax ? kInval : kNosys; }

}  // namespace brisk::wasi::preview1
#endif  // BRISK_WASI_UNITY

// Translation between the host (Linux) and WASI: errno values, file types,
// stat -> filestat, timestamps and fstflags, and the rights a descriptor of
// a given type starts with.
#pragma once
#include <sys/stat.h>
#include <time.h>

#include <cerrno>
#include <cstdint>

#include "wasi/guest_memory.h"
#include "wasi/wasi_types.h"

namespace brisk::wasi {

// A host errno value as a WASI errno (unknown ones become EIO).
Errno errno_from_host(int host_errno);
inline Errno last_host_errno() { return errno_from_host(errno); }

uint8_t filetype_of(mode_t mode);

// The rights a new descriptor of {filetype} may hold at most.
uint64_t rights_for_filetype(uint8_t filetype);

// Writes a WASI filestat for {st} at guest address {ptr} (checked).
Errno write_filestat(const GuestMemory& mem, uint64_t ptr, const struct stat& st);

uint64_t timespec_to_ns(const timespec& t);

// Builds the utimensat/futimens times array from WASI (atim, mtim, fstflags).
// EINVAL for unknown flags or a time given both explicitly and as "now".
Errno times_from_fstflags(uint64_t atim, uint64_t mtim, uint32_t fstflags, timespec out[2]);

// Host clock for a WASI clock id; false for an unknown id.
bool host_clock(uint32_t wasi_clock_id, clockid_t* out);

// Runs {f} again while it fails with EINTR.
template <typename F>
auto retry_eintr(F f) {
  for (;;) {
    auto r = f();
    if (!(r == -1 && errno == EINTR)) return r;
  }
}

}  // namespace brisk::wasi

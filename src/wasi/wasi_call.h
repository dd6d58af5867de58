// Internal to src/wasi: the view of one WASI call (context, host call, guest
// memory) and the functions the preview1 import table of wasi.cc binds, by
// the file that defines them. Each returns a WASI errno and never lets a bad
// guest argument reach the host.
#pragma once
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <vector>

#include "wasi/sandbox.h"
#include "wasi/wasi_context.h"

namespace brisk::wasi {

// Shorthands for the host callbacks.
using Args = const uint64_t*;
inline uint32_t a32(Args a, int i) { return uint32_t(a[i]); }

// One WASI call: the guest's context, the host call it came by, and its checked memory.
struct Call {
  WasiContext& ctx;
  HostCall& hc;
  GuestMemory mem;
  Call(WasiContext& c, HostCall& h) : ctx(c), hc(h), mem(h.memory) {}
};

inline Errno host_err() { return errno_from_host(errno); }

// A path that would leave the sandbox (absolute, too many "..", a symlink
// pointing out) is EPERM, as in wasmtime (its interesting_paths test), not
// ENOTCAPABLE: the guest lacks no right, the path is simply not allowed.
inline Errno sandbox_err(int r) { return r == kEscape ? kPerm : errno_from_host(-r); }

// --- shared checks (wasi_call.cc)
uint8_t filetype_of(mode_t m);
void set_kind_rights(FdEntry& e, uint64_t base, uint64_t inheriting);
Errno missing_rights(const FdEntry& e, uint64_t missing);
Errno lookup(Call& c, uint32_t fd, uint64_t rights, FdEntry** out);
Errno file_fd(Call& c, uint32_t fd, uint64_t rights, FdEntry** out);
Errno iovecs(Call& c, uint32_t iovs, uint32_t n, std::vector<iovec>* out);
void write_filestat(Call& c, uint32_t p, const struct stat& st);
Errno times_from(uint64_t atim, uint64_t mtim, uint32_t fst, timespec out[2]);
Errno path_arg(Call& c, uint32_t ptr, uint32_t len, std::string* out);

// --- args, environment, clocks, random (wasi_proc.cc)
Errno strings_sizes(Call& c, const std::vector<std::string>& v, uint32_t count_ptr, uint32_t size_ptr);
Errno strings_get(Call& c, const std::vector<std::string>& v, uint32_t ptrs, uint32_t buf);
bool host_clock(uint32_t id, clockid_t* out);
Errno clock_query(Call& c, uint32_t id, uint32_t out, int (*query)(clockid_t, timespec*));
Errno random_get(Call& c, uint32_t buf, uint32_t len);

// --- fds (wasi_fd.cc)
Errno fd_close(Call& c, uint32_t fd);
Errno fd_fdstat_get(Call& c, uint32_t fd, uint32_t out);
Errno fd_fdstat_set_flags(Call& c, uint32_t fd, uint32_t flags);
Errno fd_fdstat_set_rights(Call& c, uint32_t fd, uint64_t base, uint64_t inh);
Errno fd_filestat_get(Call& c, uint32_t fd, uint32_t out);
Errno fd_filestat_set_size(Call& c, uint32_t fd, uint64_t size);
Errno fd_filestat_set_times(Call& c, uint32_t fd, uint64_t atim, uint64_t mtim, uint32_t fst);
Errno fd_rw(Call& c, uint32_t fd, uint32_t iovs, uint32_t n, uint32_t out, bool write, bool positioned,
            uint64_t offset);
Errno fd_prestat_get(Call& c, uint32_t fd, uint32_t out);
Errno fd_prestat_dir_name(Call& c, uint32_t fd, uint32_t path, uint32_t len);
Errno fd_readdir(Call& c, uint32_t fd, uint32_t buf, uint32_t len, uint64_t cookie, uint32_t used_ptr);
Errno fd_renumber(Call& c, uint32_t from, uint32_t to);
Errno fd_seek(Call& c, uint32_t fd, int64_t offset, uint32_t whence, uint32_t out);
Errno fd_sync(Call& c, uint32_t fd, bool data_only);
Errno fd_advise(Call& c, uint32_t fd, uint64_t offset, uint64_t len, uint32_t advice);
Errno fd_allocate(Call& c, uint32_t fd, uint64_t offset, uint64_t len);

// --- paths (wasi_path.cc)
Errno path_open(Call& c, uint32_t dirfd, uint32_t dirflags, uint32_t path_ptr, uint32_t path_len, uint32_t oflags,
                uint64_t base, uint64_t inh, uint32_t fdflags, uint32_t out);
Errno path_create_directory(Call& c, uint32_t fd, uint32_t p, uint32_t n);
Errno path_filestat_get(Call& c, uint32_t fd, uint32_t lookup_flags, uint32_t p, uint32_t n, uint32_t out);
Errno path_filestat_set_times(Call& c, uint32_t fd, uint32_t lookup_flags, uint32_t p, uint32_t n, uint64_t atim,
                              uint64_t mtim, uint32_t fst);
Errno path_link(Call& c, uint32_t old_fd, uint32_t old_flags, uint32_t op, uint32_t on, uint32_t new_fd, uint32_t np,
                uint32_t nn);
Errno path_readlink(Call& c, uint32_t fd, uint32_t p, uint32_t n, uint32_t buf, uint32_t len, uint32_t used);
Errno path_remove(Call& c, uint32_t fd, uint32_t p, uint32_t n, bool dir);
Errno path_rename(Call& c, uint32_t fd, uint32_t op, uint32_t on, uint32_t new_fd, uint32_t np, uint32_t nn);
Errno path_symlink(Call& c, uint32_t op, uint32_t on, uint32_t fd, uint32_t np, uint32_t nn);

// --- poll (wasi_poll.cc)
Errno poll_oneoff(Call& c, uint32_t in, uint32_t out, uint32_t nsubs, uint32_t nevents_ptr);

}  // namespace brisk::wasi

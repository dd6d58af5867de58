// The wasi_snapshot_preview1 functions, one C++ function each, taking the
// guest's state and a checked view of its memory instead of raw host-call
// slots: wasi.cc binds them to the imports, and the unit tests call them
// directly on a plain buffer. Parameters follow the witx signatures (i32
// guest pointers and sizes as uint32_t, i64 values as uint64_t); every
// function answers with a WASI errno and never lets a bad argument reach
// the host. proc_exit is not here: it unwinds the guest (wasi.cc).
#pragma once
#include <cstdint>

#include "wasi/guest_memory.h"
#include "wasi/wasi_context.h"

namespace brisk::wasi::preview1 {

using Ctx = WasiContext;
using Mem = GuestMemory;

// wasi_proc.cc: arguments, environment, clocks, randomness, scheduling, signals.
Errno args_get(Ctx&, const Mem&, uint32_t argv, uint32_t argv_buf);
Errno args_sizes_get(Ctx&, const Mem&, uint32_t argc_out, uint32_t argv_buf_size_out);
Errno environ_get(Ctx&, const Mem&, uint32_t environ, uint32_t environ_buf);
Errno environ_sizes_get(Ctx&, const Mem&, uint32_t count_out, uint32_t buf_size_out);
Errno clock_res_get(Ctx&, const Mem&, uint32_t clock_id, uint32_t resolution_out);
Errno clock_time_get(Ctx&, const Mem&, uint32_t clock_id, uint64_t precision, uint32_t time_out);
Errno random_get(Ctx&, const Mem&, uint32_t buf, uint32_t buf_len);
Errno sched_yield(Ctx&, const Mem&);
Errno proc_raise(Ctx&, const Mem&, uint32_t sig);

// wasi_poll.cc
Errno poll_oneoff(Ctx&, const Mem&, uint32_t in, uint32_t out, uint32_t nsubscriptions, uint32_t nevents_out);

// wasi_fd.cc: operations on descriptors.
Errno fd_advise(Ctx&, const Mem&, uint32_t fd, uint64_t offset, uint64_t len, uint32_t advice);
Errno fd_allocate(Ctx&, const Mem&, uint32_t fd, uint64_t offset, uint64_t len);
Errno fd_close(Ctx&, const Mem&, uint32_t fd);
Errno fd_datasync(Ctx&, const Mem&, uint32_t fd);
Errno fd_fdstat_get(Ctx&, const Mem&, uint32_t fd, uint32_t stat_out);
Errno fd_fdstat_set_flags(Ctx&, const Mem&, uint32_t fd, uint32_t flags);
Errno fd_fdstat_set_rights(Ctx&, const Mem&, uint32_t fd, uint64_t base, uint64_t inheriting);
Errno fd_filestat_get(Ctx&, const Mem&, uint32_t fd, uint32_t stat_out);
Errno fd_filestat_set_size(Ctx&, const Mem&, uint32_t fd, uint64_t size);
Errno fd_filestat_set_times(Ctx&, const Mem&, uint32_t fd, uint64_t atim, uint64_t mtim, uint32_t fstflags);
Errno fd_pread(Ctx&, const Mem&, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset,
               uint32_t nread_out);
Errno fd_prestat_get(Ctx&, const Mem&, uint32_t fd, uint32_t prestat_out);
Errno fd_prestat_dir_name(Ctx&, const Mem&, uint32_t fd, uint32_t path, uint32_t path_len);
Errno fd_pwrite(Ctx&, const Mem&, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset,
                uint32_t nwritten_out);
Errno fd_read(Ctx&, const Mem&, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nread_out);
Errno fd_readdir(Ctx&, const Mem&, uint32_t fd, uint32_t buf, uint32_t buf_len, uint64_t cookie,
                 uint32_t bufused_out);
Errno fd_renumber(Ctx&, const Mem&, uint32_t fd, uint32_t to);
Errno fd_seek(Ctx&, const Mem&, uint32_t fd, uint64_t offset, uint32_t whence, uint32_t newoffset_out);
Errno fd_sync(Ctx&, const Mem&, uint32_t fd);
Errno fd_tell(Ctx&, const Mem&, uint32_t fd, uint32_t offset_out);
Errno fd_write(Ctx&, const Mem&, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nwritten_out);

// wasi_path.cc: operations on paths beneath a directory descriptor.
Errno path_create_directory(Ctx&, const Mem&, uint32_t fd, uint32_t path, uint32_t path_len);
Errno path_filestat_get(Ctx&, const Mem&, uint32_t fd, uint32_t lookupflags, uint32_t path, uint32_t path_len,
                        uint32_t stat_out);
Errno path_filestat_set_times(Ctx&, const Mem&, uint32_t fd, uint32_t lookupflags, uint32_t path,
                              uint32_t path_len, uint64_t atim, uint64_t mtim, uint32_t fstflags);
Errno path_link(Ctx&, const Mem&, uint32_t old_fd, uint32_t old_lookupflags, uint32_t old_path,
                uint32_t old_path_len, uint32_t new_fd, uint32_t new_path, uint32_t new_path_len);
Errno path_open(Ctx&, const Mem&, uint32_t fd, uint32_t dirflags, uint32_t path, uint32_t path_len,
                uint32_t oflags, uint64_t rights_base, uint64_t rights_inheriting, uint32_t fdflags,
                uint32_t fd_out);
Errno path_readlink(Ctx&, const Mem&, uint32_t fd, uint32_t path, uint32_t path_len, uint32_t buf,
                    uint32_t buf_len, uint32_t bufused_out);
Errno path_remove_directory(Ctx&, const Mem&, uint32_t fd, uint32_t path, uint32_t path_len);
Errno path_rename(Ctx&, const Mem&, uint32_t fd, uint32_t old_path, uint32_t old_path_len, uint32_t new_fd,
                  uint32_t new_path, uint32_t new_path_len);
Errno path_symlink(Ctx&, const Mem&, uint32_t old_path, uint32_t old_path_len, uint32_t fd, uint32_t new_path,
                   uint32_t new_path_len);
Errno path_unlink_file(Ctx&, const Mem&, uint32_t fd, uint32_t path, uint32_t path_len);

// wasi_sock.cc: sockets the guest was given (brisk grants none itself, but
// stdio may be one).
Errno sock_accept(Ctx&, const Mem&, uint32_t fd, uint32_t flags, uint32_t fd_out);
Errno sock_recv(Ctx&, const Mem&, uint32_t fd, uint32_t ri_data, uint32_t ri_data_len, uint32_t ri_flags,
                uint32_t ro_datalen_out, uint32_t ro_flags_out);
Errno sock_send(Ctx&, const Mem&, uint32_t fd, uint32_t si_data, uint32_t si_data_len, uint32_t si_flags,
                uint32_t so_datalen_out);
Errno sock_shutdown(Ctx&, const Mem&, uint32_t fd, uint32_t how);

}  // namespace brisk::wasi::preview1

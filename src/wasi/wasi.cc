// Binds every wasi_snapshot_preview1 function (wasi_calls.h) to a host
// function in the store: the import signature is derived from the C++
// parameter types (uint32_t -> i32, uint64_t -> i64; result: errno i32),
// and each call gets a fresh checked view of the caller's memory.
// proc_exit, which unwinds the guest instead of returning, is bound here.
//
// Build note: the top-level CMakeLists.txt compiles only wasi.cc and
// sandbox.cc from src/wasi, so the other sources of this directory are
// compiled here, as part of this translation unit (each is guarded by
// BRISK_WASI_UNITY so that compiling it on its own adds nothing). Once the
// build compiles src/wasi/*.cc itself, these includes and the guards go.
#define BRISK_WASI_UNITY 1
#include "wasi/fd_table.cc"
#include "wasi/host_map.cc"
#include "wasi/wasi_context.cc"
#include "wasi/wasi_fd.cc"
#include "wasi/wasi_path.cc"
#include "wasi/wasi_poll.cc"
#include "wasi/wasi_proc.cc"
#include "wasi/wasi_sock.cc"

#include "wasi/wasi.h"

#include <utility>

#include "runtime/objects.h"
#include "wasi/wasi_calls.h"

namespace brisk::wasi {

GuestMemory GuestMemory::of(Memory* m) { return m ? GuestMemory(m->data(), m->size_bytes()) : GuestMemory(); }

namespace {

constexpr const char* kModule = "wasi_snapshot_preview1";

template <typename T>
constexpr ValType val_type() {
  static_assert(std::is_same_v<T, uint32_t> || std::is_same_v<T, uint64_t>);
  return std::is_same_v<T, uint32_t> ? ValType::I32 : ValType::I64;
}

template <typename... A, size_t... I>
Errno invoke(Errno (*f)(WasiContext&, const GuestMemory&, A...), WasiContext& ctx, const GuestMemory& mem,
             const uint64_t* args, std::index_sequence<I...>) {
  return f(ctx, mem, A(args[I])...);  // i32 arguments: the low 32 bits of their slot
}

template <typename... A>
void bind(WasiContext& ctx, Store& store, Linker& linker, const char* name,
          Errno (*f)(WasiContext&, const GuestMemory&, A...)) {
  FuncType type{{val_type<A>()...}, {ValType::I32}};
  HostCallback cb = [&ctx, f](HostCall& hc, const uint64_t* args, uint64_t* results) {
    results[0] = uint32_t(invoke(f, ctx, GuestMemory::of(hc.memory), args, std::index_sequence_for<A...>{}));
    return TrapKind::None;
  };
  Function* fn = store.create_host_function(type, std::move(cb), std::string("wasi:") + name);
  linker.define(kModule, name, Extern{ExternKind::Func, fn});
}

}  // namespace

void define_imports(WasiContext& ctx, Store& store, Linker& linker) {
  namespace p = preview1;
#define BRISK_WASI_BIND(name) bind(ctx, store, linker, #name, &p::name)
  BRISK_WASI_BIND(args_get);
  BRISK_WASI_BIND(args_sizes_get);
  BRISK_WASI_BIND(environ_get);
  BRISK_WASI_BIND(environ_sizes_get);
  BRISK_WASI_BIND(clock_res_get);
  BRISK_WASI_BIND(clock_time_get);
  BRISK_WASI_BIND(fd_advise);
  BRISK_WASI_BIND(fd_allocate);
  BRISK_WASI_BIND(fd_close);
  BRISK_WASI_BIND(fd_datasync);
  BRISK_WASI_BIND(fd_fdstat_get);
  BRISK_WASI_BIND(fd_fdstat_set_flags);
  BRISK_WASI_BIND(fd_fdstat_set_rights);
  BRISK_WASI_BIND(fd_filestat_get);
  BRISK_WASI_BIND(fd_filestat_set_size);
  BRISK_WASI_BIND(fd_filestat_set_times);
  BRISK_WASI_BIND(fd_pread);
  BRISK_WASI_BIND(fd_prestat_get);
  BRISK_WASI_BIND(fd_prestat_dir_name);
  BRISK_WASI_BIND(fd_pwrite);
  BRISK_WASI_BIND(fd_read);
  BRISK_WASI_BIND(fd_readdir);
  BRISK_WASI_BIND(fd_renumber);
  BRISK_WASI_BIND(fd_seek);
  BRISK_WASI_BIND(fd_sync);
  BRISK_WASI_BIND(fd_tell);
  BRISK_WASI_BIND(fd_write);
  BRISK_WASI_BIND(path_create_directory);
  BRISK_WASI_BIND(path_filestat_get);
  BRISK_WASI_BIND(path_filestat_set_times);
  BRISK_WASI_BIND(path_link);
  BRISK_WASI_BIND(path_open);
  BRISK_WASI_BIND(path_readlink);
  BRISK_WASI_BIND(path_remove_directory);
  BRISK_WASI_BIND(path_rename);
  BRISK_WASI_BIND(path_symlink);
  BRISK_WASI_BIND(path_unlink_file);
  BRISK_WASI_BIND(poll_oneoff);
  BRISK_WASI_BIND(proc_raise);
  BRISK_WASI_BIND(sched_yield);
  BRISK_WASI_BIND(random_get);
  BRISK_WASI_BIND(sock_accept);
  BRISK_WASI_BIND(sock_recv);
  BRISK_WASI_BIND(sock_send);
  BRISK_WASI_BIND(sock_shutdown);
#undef BRISK_WASI_BIND

  // proc_exit(rval: exitcode) has no result: the Exit "trap" unwinds the
  // guest and the embedder reports the code.
  Function* exit_fn = store.create_host_function(
      FuncType{{ValType::I32}, {}},
      [](HostCall& hc, const uint64_t* args, uint64_t*) { return hc.exit(int(uint32_t(args[0]))); },
      "wasi:proc_exit");
  linker.define(kModule, "proc_exit", Extern{ExternKind::Func, exit_fn});
}

}  // namespace brisk::wasi

// WASI preview1 ("wasi_snapshot_preview1") for brisk: the host functions and
// the sandboxed file system behind them. A WasiContext holds one guest's
// view (args, environment, fd table, preopens); it outlives every call.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "runtime/store.h"

namespace brisk::wasi {

struct Preopen {
  std::string host_path;   // directory on the host
  std::string guest_path;  // name the guest sees (e.g. "/" or "/data")
};

struct WasiConfig {
  std::vector<std::string> args;  // argv, program name first
  std::vector<std::string> env;   // "NAME=VALUE"
  std::vector<Preopen> preopens;
  int stdin_fd = 0;
  int stdout_fd = 1;
  int stderr_fd = 2;
};

class WasiContext;

// Opens the preopened directories; fails with a message naming the path.
Result<std::unique_ptr<WasiContext>> create_context(const WasiConfig& config);

// Defines every wasi_snapshot_preview1 function in {linker}, bound to {ctx}.
void define_imports(WasiContext& ctx, Store& store, Linker& linker);

void destroy_context(WasiContext* ctx);  // for unique_ptr with incomplete type
}  // namespace brisk::wasi

namespace std {
template <>
struct default_delete<brisk::wasi::WasiContext> {
  void operator()(brisk::wasi::WasiContext* p) const { brisk::wasi::destroy_context(p); }
};
}  // namespace std

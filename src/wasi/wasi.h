// WASI preview1 ("wasi_snapshot_preview1") for brisk: the host functions and
// the sandboxed file system behind them. A WasiContext holds one guest's
// view (args, environment, fd table, preopens, stdio); the host functions
// that define_imports creates share ownership of it, so it lives as long as
// the last of them (the linker that holds them, the instances that import
// them). The public face of this is the WASI block of brisk.h
// (src/api/wasi_api.cc); nothing here knows about the C API.
#pragma once
#include <cstddef>
#include <cstdint>
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
  bool read_only = false;  // no writes, creates, renames, unlinks, truncation or set_times under it
};

// Where an embedder's output callback is kept: shared by the configs and
// contexts that use it; the finalizer runs when the last one lets go.
struct OutputSink {
  void (*write)(void* user, const uint8_t* data, size_t len) = nullptr;  // null: output is discarded
  void* user = nullptr;
  void (*finalizer)(void* user) = nullptr;
  OutputSink() = default;
  OutputSink(const OutputSink&) = delete;
  OutputSink& operator=(const OutputSink&) = delete;
  ~OutputSink() {
    if (finalizer) finalizer(user);
  }
};

// One of fds 0, 1, 2: a host fd (duplicated when the context is created,
// so the embedder may close its own), bytes to read (stdin) or an output
// sink (stdout, stderr). The default is no stream at all: stdin at end of
// file, output discarded.
struct StdioConfig {
  enum class Kind { Fd, Bytes, Sink } kind = Kind::Sink;
  int fd = -1;
  std::vector<uint8_t> bytes;
  std::shared_ptr<OutputSink> sink;  // null: discard
  static StdioConfig host_fd(int fd) {
    StdioConfig s;
    s.kind = Kind::Fd;
    s.fd = fd;
    return s;
  }
};

struct WasiConfig {
  std::vector<std::string> args;  // argv, program name first
  std::vector<std::string> env;   // "NAME=VALUE"
  std::vector<Preopen> preopens;
  StdioConfig stdio[3] = {StdioConfig{StdioConfig::Kind::Bytes}, {}, {}};
};

class WasiContext;

// Opens the preopened directories and duplicates the stdio fds; fails with
// a message naming the path or the fd.
Result<std::shared_ptr<WasiContext>> create_context(const WasiConfig& config);

// Defines every wasi_snapshot_preview1 function in {linker}, each holding a
// reference to {ctx}. Returns the functions created (each with the one
// reference create_host_function gives it, which the caller owns).
std::vector<Function*> define_imports(const std::shared_ptr<WasiContext>& ctx, Store& store, Linker& linker);

}  // namespace brisk::wasi

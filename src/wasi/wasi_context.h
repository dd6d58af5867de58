// One guest's WASI state: arguments, environment, descriptor table and the
// sandbox resolver it uses. Internal to src/wasi; the embedder only sees
// the opaque WasiContext of wasi.h.
#pragma once
#include <string>
#include <vector>

#include "wasi/fd_table.h"
#include "wasi/sandbox.h"
#include "wasi/wasi.h"

namespace brisk::wasi {

class WasiContext {
 public:
  std::vector<std::string> args;
  std::vector<std::string> env;
  FdTable fds;
  Resolver resolver = Resolver::kAuto;
};

// A descriptor for an already open host fd (stdio, tests): its file type
// and rights come from fstat. {owned}: close {host_fd} with the entry.
// False when {host_fd} is not open.
bool entry_for_host_fd(int host_fd, bool owned, FdEntry* out);

}  // namespace brisk::wasi

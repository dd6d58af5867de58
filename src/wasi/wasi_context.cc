// Creating and destroying a WasiContext: stdio descriptors and preopened
// directories (fds 3.. in the order given).
#ifdef BRISK_WASI_UNITY  // compiled as part of wasi.cc (see the note there)
#include "wasi/wasi_context.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "wasi/host_map.h"

namespace brisk::wasi {

bool entry_for_host_fd(int host_fd, bool owned, FdEntry* out) {
  struct stat st;
  if (fstat(host_fd, &st) != 0) return false;
  FdEntry e;
  e.host_fd = host_fd;
  e.owned = owned;
  e.filetype = filetype_of(st.st_mode);
  e.rights_base = rights_for_filetype(e.filetype);
  e.rights_inheriting = e.filetype == kFiletypeDirectory ? kRightsAll : 0;
  *out = std::move(e);
  return true;
}

Result<std::unique_ptr<WasiContext>> create_context(const WasiConfig& config) {
  auto ctx = std::unique_ptr<WasiContext>(new WasiContext());
  ctx->args = config.args;
  ctx->env = config.env;
  const char* force = std::getenv("BRISK_WASI_PORTABLE_SANDBOX");
  if (config.portable_sandbox || (force && *force && std::strcmp(force, "0") != 0))
    ctx->resolver = Resolver::kPortable;
  // The host's stdio: a closed one stays closed for the guest too (EBADF).
  const int stdio[3] = {config.stdin_fd, config.stdout_fd, config.stderr_fd};
  for (uint32_t i = 0; i < 3; ++i) {
    FdEntry e;
    if (stdio[i] >= 0 && entry_for_host_fd(stdio[i], /*owned=*/false, &e)) ctx->fds.insert_at(i, std::move(e));
  }
  uint32_t next = 3;
  for (const Preopen& p : config.preopens) {
    int fd = open(p.host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
      return Error{Error::kNoOffset, "cannot open directory '" + p.host_path + "': " + std::strerror(errno)};
    FdEntry e;
    e.host_fd = fd;
    e.filetype = kFiletypeDirectory;
    e.rights_base = kRightsDirectory;
    e.rights_inheriting = kRightsAll;
    e.preopen = true;
    e.preopen_name = p.guest_path;
    if (ctx->fds.insert_at(next++, std::move(e)) != kSuccess)
      return Error{Error::kNoOffset, "too many preopened directories"};
  }
  return ctx;
}

void destroy_context(WasiContext* ctx) { delete ctx; }

}  // namespace brisk::wasi
#endif  // BRISK_WASI_UNITY

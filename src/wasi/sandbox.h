// The file-system sandbox: resolves guest paths beneath a preopened
// directory so that nothing leaves it, not with "..", absolute paths,
// symlinks (relative, absolute, chains, loops) nor a race between a check
// and its use.
//
// Two resolvers give the same answers:
//  - kernel: openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS), where the
//    kernel has it (probed once; ENOSYS switches to the portable walk for
//    good);
//  - portable: a component-by-component walk that opens every directory
//    with O_NOFOLLOW, resolves symlinks itself (at most kMaxSymlinks) and
//    keeps a stack of directory fds, so ".." is a pop and can never rise
//    above the root.
// Operations on a final component (unlink, mkdir, rename, ...) use
// resolve_parent() and the *at() syscalls on the returned directory, so the
// final component itself is never followed unless asked.
#pragma once
#include <sys/types.h>

#include <string>
#include <string_view>

#include "wasi/wasi_types.h"

namespace brisk::wasi {

enum class Resolver : uint8_t {
  kAuto,      // openat2 when the kernel has it, else the portable walk
  kPortable,  // always the portable walk (tests, or a kernel that lies)
};

constexpr int kMaxSymlinks = 40;
constexpr size_t kMaxPathLength = 4096;  // longer guest paths are ENAMETOOLONG

// Results: an fd (>= 0) or a negative host errno; kEscape for a path that
// would leave the sandbox.
constexpr int kEscape = -(1 << 20);

// WASI errno for a negative result (kEscape -> ENOTCAPABLE).
Errno sandbox_errno(int result);

// Whether openat2 is used in kAuto mode (probes the kernel on first use).
bool openat2_available();

// Opens {path} beneath directory {root} with open(2) {flags} (O_CLOEXEC is
// added) and {mode}. {follow_last}: whether a symlink as the final
// component is followed (otherwise opening one fails with ELOOP).
int resolve_open(Resolver r, int root, std::string_view path, int flags, mode_t mode, bool follow_last);

struct ParentDir {
  int fd = -1;                  // an O_PATH directory fd beneath the root (owned)
  std::string name;             // final component: never empty, "/" or ".."; "." = the directory itself
  bool trailing_slash = false;  // the path ended in '/': the final component must be a directory
  ParentDir() = default;
  ParentDir(const ParentDir&) = delete;
  ParentDir& operator=(const ParentDir&) = delete;
  ~ParentDir();
};

// Opens the directory that holds the final component of {path} beneath
// {root}. With {follow_last}, a final symlink is resolved (repeatedly,
// still beneath the root) and the result names its target instead.
// Returns 0 or a negative error as above.
int resolve_parent(Resolver r, int root, std::string_view path, bool follow_last, ParentDir* out);

}  // namespace brisk::wasi

// Path resolution that never leaves a preopened directory: not with "..",
// absolute paths, symlinks (relative, absolute, chains) or a check/use race.
// openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) does it in the kernel
// where available; otherwise a component-by-component walk opens every
// directory with O_NOFOLLOW, resolves symlinks itself (depth-limited) and
// keeps a stack of directory fds so ".." can never rise above the root.
#pragma once
#include <string>

namespace brisk::wasi {

// Results are fds (>= 0) or negated host errno values; a path that would
// leave the sandbox is kEscape, which the WASI layer reports as EPERM.
constexpr int kEscape = -100000;  // a path that would leave the sandbox

// Forces the portable walk even where openat2 exists (tests use it).
void sandbox_force_fallback(bool on);
bool sandbox_uses_openat2();

// Opens {path} relative to directory fd {root} with open(2) {flags}/{mode}.
// {follow_last}: whether a symlink as the final component is followed.
int sandbox_open(int root, const std::string& path, int flags, int mode, bool follow_last);

// Opens the directory that contains the final component of {path} and
// returns it, with the final component's name in {last} (without trailing
// slashes; {*trailing_slash} says whether there were any). The final
// component itself is not resolved (for unlink, mkdir, rename, symlink...).
int sandbox_parent(int root, const std::string& path, std::string* last, bool* trailing_slash);

}  // namespace brisk::wasi

// Path resolution beneath a preopened directory (see sandbox.h): the
// openat2 resolver, the portable O_NOFOLLOW walk, and parent-directory
// resolution for operations on a final component.
#include "wasi/sandbox.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <vector>

#include "wasi/host_map.h"

namespace brisk::wasi {

ParentDir::~ParentDir() {
  if (fd >= 0) close(fd);
}

Errno sandbox_errno(int r) { return r == kEscape ? kNotcapable : errno_from_host(-r); }

namespace {

// 0: not probed yet; 1: openat2 works; -1: the kernel has no openat2.
std::atomic<int> g_openat2{0};

bool is_absolute(std::string_view p) { return !p.empty() && p[0] == '/'; }

// ------------------------------------------------------------ kernel resolver

// openat2 beneath {root}; *nosys is set when the kernel lacks the syscall.
int openat2_beneath(int root, std::string_view path, int flags, mode_t mode, bool* nosys) {
  std::string p(path);
  open_how how{};
  how.flags = uint64_t(flags | O_CLOEXEC);
  // (O_TMPFILE includes the O_DIRECTORY bit: test all of it.)
  how.mode = ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) ? uint64_t(mode) : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  for (int attempt = 0;; ++attempt) {
    long fd = syscall(SYS_openat2, root, p.c_str(), &how, sizeof how);
    if (fd >= 0) return int(fd);
    int e = errno;
    if (e == EINTR) continue;
    // EAGAIN: a concurrent rename kept the kernel from proving that ".."
    // stayed beneath the root; trying again is the documented answer.
    if (e == EAGAIN && attempt < 16) continue;
    if (e == ENOSYS) {
      *nosys = true;
      return -ENOSYS;
    }
    if (e == EXDEV) return kEscape;  // RESOLVE_BENEATH refused to leave the root
    return -e;
  }
}

// ------------------------------------------------------------ portable walk

// Pending components, next one last (a stack, so that a symlink's target
// can be spliced in front of the rest cheaply).
using Pending = std::vector<std::string>;

void push_components(std::string_view path, Pending* pending) {
  // "a/b/" yields a, b and a final "" (the trailing slash: b must be a directory).
  std::vector<std::string> comps;
  size_t i = 0;
  for (;;) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) {
      comps.emplace_back(path.substr(i));
      break;
    }
    if (j > i) comps.emplace_back(path.substr(i, j - i));
    i = j + 1;
  }
  for (auto it = comps.rbegin(); it != comps.rend(); ++it) pending->push_back(std::move(*it));
}

// Reads symlink {name} in {dir}: 1 with *target set, 0 when it is not a
// symlink, or a negative error.
int read_symlink(int dir, const std::string& name, std::string* target) {
  char buf[kMaxPathLength + 1];
  ssize_t n = readlinkat(dir, name.c_str(), buf, sizeof buf);
  if (n < 0) return errno == EINVAL ? 0 : -errno;
  if (size_t(n) >= sizeof buf) return -ENAMETOOLONG;
  target->assign(buf, size_t(n));
  return 1;
}

class Walk {
 public:
  explicit Walk(int root) : root_(root) {}
  ~Walk() {
    for (int fd : stack_) close(fd);
  }
  Walk(const Walk&) = delete;
  Walk& operator=(const Walk&) = delete;

  int top() const { return stack_.empty() ? root_ : stack_.back(); }

  // A dup (O_PATH) of the innermost directory, owned by the caller.
  int take_top() {
    if (!stack_.empty()) {
      int fd = stack_.back();
      stack_.pop_back();
      return fd;
    }
    int fd = openat(root_, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    return fd >= 0 ? fd : -errno;
  }

  // Walks {path} up to its final component, which is left in *last ("."
  // when the path names a directory that is now top()). Intermediate
  // symlinks are always followed, a final one only with {follow_last}.
  int to_parent(std::string_view path, bool follow_last, std::string* last) {
    if (path.empty()) return -ENOENT;
    if (is_absolute(path)) return kEscape;
    Pending pending;
    push_components(path, &pending);
    int links = 0;
    while (!pending.empty()) {
      std::string c = std::move(pending.back());
      pending.pop_back();
      const bool is_last = pending.empty();
      if (c.empty() || c == ".") {
        if (is_last) *last = ".";
        continue;
      }
      if (c == "..") {
        if (stack_.empty()) return kEscape;  // ".." at the root
        close(stack_.back());
        stack_.pop_back();
        if (is_last) *last = ".";
        continue;
      }
      if (is_last && !follow_last) {
        *last = std::move(c);
        return 0;
      }
      if (!is_last) {
        // O_NOFOLLOW: a symlink (even one swapped in just now) is not
        // entered; ENOTDIR/ELOOP send us to readlink below.
        int fd = openat(top(), c.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0) {
          stack_.push_back(fd);
          continue;
        }
        if (errno != ENOTDIR && errno != ELOOP) return -errno;
      }
      std::string target;
      int r = read_symlink(top(), c, &target);
      if (r < 0) {
        if (is_last && r == -ENOENT) {  // a name to create
          *last = std::move(c);
          return 0;
        }
        return r;
      }
      if (r == 0) {  // not a symlink
        if (!is_last) return -ENOTDIR;
        *last = std::move(c);
        return 0;
      }
      if (++links > kMaxSymlinks) return -ELOOP;
      if (target.empty()) return -ENOENT;
      if (is_absolute(target)) return kEscape;
      push_components(target, &pending);
    }
    return 0;
  }

 private:
  int root_;
  std::vector<int> stack_;  // directories entered below the root, innermost last
};

int portable_open(int root, std::string_view path, int flags, mode_t mode, bool follow_last) {
  Walk w(root);
  std::string last;
  int r = w.to_parent(path, follow_last, &last);
  if (r < 0) return r;
  // O_NOFOLLOW: if the final component became a symlink since the walk
  // looked at it, the open fails (ELOOP) instead of following it.
  int fd = retry_eintr([&] { return openat(w.top(), last.c_str(), flags | O_CLOEXEC | O_NOFOLLOW, mode); });
  return fd >= 0 ? fd : -errno;
}

bool use_kernel(Resolver r) { return r == Resolver::kAuto && openat2_available(); }

void kernel_missing() { g_openat2.store(-1); }

}  // namespace

bool openat2_available() {
  int s = g_openat2.load();
  if (s == 0) {
    open_how how{};
    how.flags = O_PATH | O_CLOEXEC;
    how.resolve = RESOLVE_BENEATH;
    long fd = syscall(SYS_openat2, AT_FDCWD, ".", &how, sizeof how);
    if (fd >= 0) close(int(fd));
    s = (fd < 0 && errno == ENOSYS) ? -1 : 1;
    g_openat2.store(s);
  }
  return s > 0;
}

int resolve_open(Resolver r, int root, std::string_view path, int flags, mode_t mode, bool follow_last) {
  if (path.empty()) return -ENOENT;
  if (path.size() > kMaxPathLength) return -ENAMETOOLONG;
  if (is_absolute(path)) return kEscape;
  if (use_kernel(r)) {
    bool nosys = false;
    int fd = openat2_beneath(root, path, flags | (follow_last ? 0 : O_NOFOLLOW), mode, &nosys);
    if (!nosys) return fd;
    kernel_missing();
  }
  return portable_open(root, path, flags, mode, follow_last);
}

int resolve_parent(Resolver r, int root, std::string_view path, bool follow_last, ParentDir* out) {
  if (path.empty()) return -ENOENT;
  if (path.size() > kMaxPathLength) return -ENAMETOOLONG;
  if (is_absolute(path)) return kEscape;
  std::string p(path);
  out->trailing_slash = false;
  while (p.size() > 1 && p.back() == '/') {
    p.pop_back();
    out->trailing_slash = true;
  }
  if (use_kernel(r)) {
    for (int links = 0;; ++links) {
      size_t slash = p.rfind('/');
      std::string dir = slash == std::string::npos ? "." : p.substr(0, slash);
      std::string name = slash == std::string::npos ? p : p.substr(slash + 1);
      if (dir.empty()) dir = "/";  // unreachable: absolute paths are refused above
      if (name == "." || name == "..") {
        // The directory itself: resolve the whole path and act on ".".
        dir = p;
        name = ".";
      }
      bool nosys = false;
      int fd = openat2_beneath(root, dir, O_PATH | O_DIRECTORY, 0, &nosys);
      if (nosys) {
        kernel_missing();
        break;
      }
      if (fd < 0) return fd;
      std::string target;
      int s = (follow_last && name != ".") ? read_symlink(fd, name, &target) : 0;
      if (s <= 0) {
        if (s < 0 && s != -ENOENT) {
          close(fd);
          return s;
        }
        if (out->fd >= 0) close(out->fd);
        out->fd = fd;
        out->name = std::move(name);
        return 0;
      }
      close(fd);
      if (links >= kMaxSymlinks) return -ELOOP;
      if (target.empty()) return -ENOENT;
      if (is_absolute(target)) return kEscape;
      // Resolved from the link's directory, physically, from the root again.
      p = dir + "/" + target;
      if (p.size() > kMaxPathLength) return -ENAMETOOLONG;
      while (p.size() > 1 && p.back() == '/') p.pop_back();
    }
  }
  Walk w(root);
  std::string last;
  int res = w.to_parent(p, follow_last, &last);
  if (res < 0) return res;
  int fd = w.take_top();
  if (fd < 0) return fd;
  if (out->fd >= 0) close(out->fd);
  out->fd = fd;
  out->name = last.empty() ? "." : std::move(last);
  return 0;
}

}  // namespace brisk::wasi

#include "wasi/sandbox.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <vector>

namespace brisk::wasi {

namespace {

std::atomic<int> g_openat2_state{0};  // 0 unknown, 1 available, -1 unavailable
std::atomic<bool> g_force_fallback{false};
constexpr int kMaxSymlinks = 40;

std::vector<std::string> split(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

int try_openat2(int root, const std::string& path, int flags, int mode, bool follow_last, bool* unsupported) {
  open_how how{};
  how.flags = uint64_t(flags | O_CLOEXEC | (follow_last ? 0 : O_NOFOLLOW));
  how.mode = (flags & O_CREAT) ? uint64_t(mode) : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  long fd;
  // EINTR: retry. EAGAIN: a concurrent rename kept the kernel from proving
  // that ".." stayed beneath the root; retrying is the documented answer.
  for (int attempt = 0;; ++attempt) {
    fd = syscall(SYS_openat2, root, path.c_str(), &how, sizeof how);
    if (fd >= 0) return int(fd);
    if (errno == EINTR || (errno == EAGAIN && attempt < 16)) continue;
    break;
  }
  if (errno == ENOSYS) {
    *unsupported = true;
    return -ENOSYS;
  }
  if (errno == EXDEV) return kEscape;  // RESOLVE_BENEATH refused to leave the root
  return -errno;
}

// The portable walk. {dirs} holds owned fds; dirs[0] is a dup of the root.
class Walker {
 public:
  explicit Walker(int root) { dirs_.push_back(fcntl(root, F_DUPFD_CLOEXEC, 0)); }
  ~Walker() {
    for (int fd : dirs_)
      if (fd >= 0) close(fd);
  }
  bool ok() const { return dirs_[0] >= 0; }

  // Walks all of {comps} except the last; leaves the last in {*last}.
  // Returns 0 or a negative error.
  int walk_to_parent(std::vector<std::string> comps, std::string* last, int* symlinks) {
    while (comps.size() > 1) {
      std::string c = comps.front();
      comps.erase(comps.begin());
      int r = step(c, &comps, symlinks, /*must_be_dir=*/true);
      if (r < 0) return r;
    }
    *last = comps.empty() ? "" : comps.front();
    return 0;
  }

  int top() const { return dirs_.back(); }
  // Gives up ownership of the innermost directory fd.
  int release_top() {
    int fd = dirs_.back();
    dirs_.back() = -1;
    return fd;
  }

  // Resolves one intermediate component; symlinks splice their target in front of {rest}.
  int step(const std::string& c, std::vector<std::string>* rest, int* symlinks, bool must_be_dir) {
    if (c.empty() || c == ".") return 0;
    if (c == "..") {
      if (dirs_.size() == 1) return kEscape;
      close(dirs_.back());
      dirs_.pop_back();
      return 0;
    }
    struct stat st;
    if (fstatat(top(), c.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return -errno;
    if (S_ISLNK(st.st_mode)) {
      if (++*symlinks > kMaxSymlinks) return -ELOOP;
      std::string target(size_t(st.st_size) + 1, '\0');
      ssize_t n = readlinkat(top(), c.c_str(), target.data(), target.size());
      if (n < 0) return -errno;
      target.resize(size_t(n));
      if (!target.empty() && target[0] == '/') return kEscape;
      std::vector<std::string> t = split(target);
      rest->insert(rest->begin(), t.begin(), t.end());
      return 0;
    }
    if (!must_be_dir) return 0;
    // O_NOFOLLOW: a symlink swapped in after the check is refused (ELOOP).
    int fd = openat(top(), c.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return -errno;
    dirs_.push_back(fd);
    return 0;
  }

 private:
  std::vector<int> dirs_;
};

int open_here(int dir, const char* name, int flags, int mode) {
  int fd = openat(dir, name, flags | O_CLOEXEC | O_NOFOLLOW, mode);
  return fd >= 0 ? fd : -errno;
}

int fallback_open(int root, const std::string& path, int flags, int mode, bool follow_last) {
  if (!path.empty() && path[0] == '/') return kEscape;
  Walker w(root);
  if (!w.ok()) return -errno;
  std::vector<std::string> comps = split(path);
  int symlinks = 0;
  for (;;) {
    std::string last;
    int r = w.walk_to_parent(comps, &last, &symlinks);
    if (r < 0) return r;
    if (last.empty() || last == ".") return open_here(w.top(), ".", flags & ~O_NOFOLLOW, mode);
    if (last == "..") {
      std::vector<std::string> rest;
      r = w.step("..", &rest, &symlinks, true);
      if (r < 0) return r;
      return open_here(w.top(), ".", flags & ~O_NOFOLLOW, mode);
    }
    if (follow_last) {
      struct stat st;
      if (fstatat(w.top(), last.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
        if (++symlinks > kMaxSymlinks) return -ELOOP;
        std::string target(size_t(st.st_size) + 1, '\0');
        ssize_t n = readlinkat(w.top(), last.c_str(), target.data(), target.size());
        if (n < 0) return -errno;
        target.resize(size_t(n));
        if (!target.empty() && target[0] == '/') return kEscape;
        comps = split(target);  // resolved from the link's directory
        continue;
      }
    }
    return open_here(w.top(), last.c_str(), flags, mode);
  }
}

}  // namespace

void sandbox_force_fallback(bool on) { g_force_fallback = on; }
bool sandbox_uses_openat2() { return !g_force_fallback && g_openat2_state.load() >= 0; }

int sandbox_open(int root, const std::string& path, int flags, int mode, bool follow_last) {
  if (path.empty()) return -ENOENT;
  if (sandbox_uses_openat2()) {
    bool unsupported = false;
    int fd = try_openat2(root, path, flags, mode, follow_last, &unsupported);
    if (!unsupported) {
      g_openat2_state = 1;
      return fd;
    }
    g_openat2_state = -1;
  }
  return fallback_open(root, path, flags, mode, follow_last);
}

int sandbox_parent(int root, const std::string& path, std::string* last, bool* trailing_slash) {
  if (path.empty()) return -ENOENT;
  if (path[0] == '/') return kEscape;
  // "a/b/" -> parent "a", last "b", *trailing_slash: the caller decides what
  // the slash means for its operation (POSIX: "b" must be a directory).
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  *trailing_slash = p.size() != path.size();
  size_t slash = p.rfind('/');
  std::string dir = slash == std::string::npos ? "." : p.substr(0, slash);
  *last = slash == std::string::npos ? p : p.substr(slash + 1);
  if (*last == "..") {
    // The parent of "x/.." is the parent of x's parent: resolve it fully.
    int fd = sandbox_open(root, p + "/..", O_PATH | O_DIRECTORY, 0, true);
    *last = ".";
    return fd;
  }
  if (dir.empty()) dir = ".";
  return sandbox_open(root, dir, O_PATH | O_DIRECTORY, 0, true);
}

}  // namespace brisk::wasi

// Fuzz target: the WASI sandbox's path resolution (src/wasi/sandbox.*).
// A temporary directory holds a file outside the sandbox and the sandbox
// root with a small fixed tree. The input is read as lines:
//   "@" SEL NAME " " TARGET   creates symlink NAME -> TARGET in directory
//                             SEL % 4 of {".", "a", "a/b", "d"} of the root
//   anything else             a guest path to resolve
// Every path is resolved with sandbox_open (read, O_PATH without following
// the last component, create-for-write) and sandbox_parent, once with
// openat2 (where the kernel has it) and once with the portable walk. Each
// returned fd must name something inside the root (checked through
// /proc/self/fd), nothing may appear outside the root, and the two
// resolvers must agree on success and on the inode they reach.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "wasi/sandbox.h"

namespace {

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "sandbox: %s\n", what.c_str());
  std::abort();
}

void must(bool ok, const char* what) {
  if (!ok) fail(std::string(what) + ": " + std::strerror(errno));
}

void remove_tree(int dirfd, const char* name) {
  int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    unlinkat(dirfd, name, 0);
    return;
  }
  DIR* d = fdopendir(fd);
  while (dirent* e = readdir(d)) {
    if (!std::strcmp(e->d_name, ".") || !std::strcmp(e->d_name, "..")) continue;
    remove_tree(fd, e->d_name);
  }
  closedir(d);
  unlinkat(dirfd, name, AT_REMOVEDIR);
}

std::set<std::string> entries(const std::string& dir) {
  std::set<std::string> out;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d))
      if (std::strcmp(e->d_name, ".") && std::strcmp(e->d_name, "..")) out.insert(e->d_name);
    closedir(d);
  }
  return out;
}

// The temporary directory: BASE/secret, BASE/outside/, BASE/root/ (the sandbox).
struct Jail {
  std::string base, root;
  Jail() {
    char tmpl[] = "/tmp/brisk-fuzz-sandbox-XXXXXX";
    must(mkdtemp(tmpl) != nullptr, "mkdtemp");
    char real[PATH_MAX];
    must(realpath(tmpl, real) != nullptr, "realpath");
    base = real;
    root = base + "/root";
    int fd = open((base + "/secret").c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    must(fd >= 0, "create secret");
    close(fd);
    must(mkdir((base + "/outside").c_str(), 0755) == 0, "mkdir outside");
  }
  void remove() const {
    int fd = open(base.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    for (const char* n : {"root", "outside", "secret"}) remove_tree(fd, n);
    close(fd);
    rmdir(base.c_str());
  }
  // A fresh root: a/, a/b/, a/g, d/, f.
  int reset() {
    int bfd = open(base.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    must(bfd >= 0, "open base");
    remove_tree(bfd, "root");
    close(bfd);
    must(mkdir(root.c_str(), 0755) == 0, "mkdir root");
    for (const char* d : {"a", "a/b", "d"}) must(mkdir((root + "/" + d).c_str(), 0755) == 0, "mkdir");
    for (const char* f : {"f", "a/g"}) {
      int fd = open((root + "/" + f).c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
      must(fd >= 0, "create file");
      close(fd);
    }
    int fd = open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    must(fd >= 0, "open root");
    return fd;
  }
  // Whatever an fd refers to must be the root or beneath it.
  void check_inside(int fd, const std::string& what) const {
    char buf[PATH_MAX + 1];
    ssize_t n = readlink(("/proc/self/fd/" + std::to_string(fd)).c_str(), buf, PATH_MAX);
    must(n >= 0, "readlink /proc/self/fd");
    std::string p(buf, size_t(n));
    if (p != root && p.compare(0, root.size() + 1, root + "/") != 0) fail(what + " escaped the root: reached " + p);
  }
  void check_outside_untouched(const std::string& input) const {
    if (entries(base) != std::set<std::string>{"outside", "root", "secret"} || !entries(base + "/outside").empty())
      fail("something was created outside the root while resolving: " + input);
  }
};

struct Outcome {
  int err = 0;  // 0: success; else the negative result
  dev_t dev = 0;
  ino_t ino = 0;
};

Outcome inspect(const Jail& jail, int fd, const std::string& what) {
  Outcome o;
  if (fd < 0) {
    o.err = fd;
    return o;
  }
  jail.check_inside(fd, what);
  struct stat st;
  must(fstat(fd, &st) == 0, "fstat");
  o.dev = st.st_dev;
  o.ino = st.st_ino;
  close(fd);
  return o;
}

std::string show(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') out += char(c);
    else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out + "\"";
}

constexpr int kOps = 4;
const char* const kOpNames[kOps] = {"open", "open O_PATH nofollow", "create", "parent"};

// One resolution of {path} with the current resolver.
Outcome resolve(const Jail& jail, int root, const std::string& path, int op) {
  using namespace brisk::wasi;
  const std::string what = std::string(kOpNames[op]) + " " + show(path);
  switch (op) {
    case 0: return inspect(jail, sandbox_open(root, path, O_RDONLY, 0, true), what);
    case 1: return inspect(jail, sandbox_open(root, path, O_PATH, 0, false), what);
    case 2: return inspect(jail, sandbox_open(root, path, O_WRONLY | O_CREAT, 0644, true), what);
    default: {
      std::string last;
      bool trailing_slash = false;
      int dir = sandbox_parent(root, path, &last, &trailing_slash);
      if (dir >= 0 && (last.find('/') != std::string::npos || last == ".." || last.empty()))
        fail(what + " left final component " + show(last));
      return inspect(jail, dir, what);
    }
  }
}

std::string describe(const Outcome& o) {
  return o.err ? "error " + std::to_string(o.err) : "inode " + std::to_string(o.ino);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // One directory for the process, removed at exit (fuzzers end with exit()).
  static Jail* jail = [] {
    static Jail* j = new Jail;
    std::atexit([] { j->remove(); });
    return j;
  }();
  if (size > 4096) return 0;
  std::vector<std::string> lines;
  std::string cur;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == '\n') {
      lines.push_back(cur);
      cur.clear();
    } else {
      cur += char(data[i]);
    }
  }
  lines.push_back(cur);
  if (lines.size() > 64) return 0;
  int root = jail->reset();
  static const char* kDirs[] = {".", "a", "a/b", "d"};
  std::vector<std::string> paths;
  for (const std::string& l : lines) {
    if (l.size() >= 2 && l[0] == '@') {
      size_t sp = l.find(' ', 2);
      std::string name = l.substr(2, sp == std::string::npos ? std::string::npos : sp - 2);
      std::string target = sp == std::string::npos ? "" : l.substr(sp + 1);
      if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
          name.find('\0') != std::string::npos || target.empty() || target.find('\0') != std::string::npos)
        continue;
      std::string at = jail->root + "/" + kDirs[uint8_t(l[1]) % 4] + "/" + name;
      symlink(target.c_str(), at.c_str());  // may fail (exists): then it is not there
      continue;
    }
    if (l.find('\0') == std::string::npos) paths.push_back(l);
  }
  const bool have_openat2 = [] {
    brisk::wasi::sandbox_force_fallback(false);
    return brisk::wasi::sandbox_uses_openat2();
  }();
  // Each operation runs with both resolvers before the next one, so a file
  // that "create" makes is there for both or for neither.
  for (const std::string& path : paths) {
    for (int op = 0; op < kOps; ++op) {
      brisk::wasi::sandbox_force_fallback(true);
      Outcome walk = resolve(*jail, root, path, op);
      if (have_openat2) {
        brisk::wasi::sandbox_force_fallback(false);
        Outcome kernel = resolve(*jail, root, path, op);
        if ((walk.err == 0) != (kernel.err == 0) ||
            (walk.err == 0 && (walk.dev != kernel.dev || walk.ino != kernel.ino)))
          fail(std::string(kOpNames[op]) + " " + show(path) + ": the portable walk gives " + describe(walk) +
               ", openat2 " + describe(kernel));
      }
    }
    jail->check_outside_untouched(show(path));
  }
  close(root);
  return 0;
}

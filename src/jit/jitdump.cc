#include "jit/jitdump.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "runtime/objects.h"

namespace brisk::jit {
namespace {

// The jitdump layout (all little-endian host order, as perf expects).
constexpr uint32_t kMagic = 0x4A695444;  // "JiTD"
constexpr uint32_t kVersion = 1;
constexpr uint32_t kCodeLoad = 0;
struct FileHeader {
  uint32_t magic, version, total_size, elf_mach, pad1, pid;
  uint64_t timestamp, flags;
};
struct RecordHeader {
  uint32_t id, total_size;
  uint64_t timestamp;
};
struct CodeLoad {
  RecordHeader h;
  uint32_t pid, tid;
  uint64_t vma, code_addr, code_size, code_index;
  // then the NUL-terminated name, then code_size bytes of code
};
static_assert(sizeof(FileHeader) == 40 && sizeof(RecordHeader) == 16 && sizeof(CodeLoad) == 56);

#if defined(__x86_64__)
constexpr uint32_t kElfMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr uint32_t kElfMachine = EM_AARCH64;
#else
constexpr uint32_t kElfMachine = EM_NONE;
#endif

std::atomic<bool> g_forced{false};
std::mutex g_mutex;
int g_fd = -1;         // open from the first record on
bool g_failed = false;  // could not create the file: said once, not retried
std::string g_path;
uint64_t g_index = 0;

uint64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);  // perf record -k mono
  return uint64_t(ts.tv_sec) * 1000000000u + uint64_t(ts.tv_nsec);
}

bool write_all(int fd, const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= size_t(w);
  }
  return true;
}

// Creates the file (never following a link planted at its name) and maps its
// first page executable, the marker perf record looks for. Under g_mutex.
bool open_file() {
  const char* dir = std::getenv("JITDUMPDIR");
  g_path = std::string(dir && *dir ? dir : "/tmp") + "/jit-" + std::to_string(getpid()) + ".dump";
  ::unlink(g_path.c_str());
  g_fd = ::open(g_path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (g_fd < 0) {
    std::fprintf(stderr, "brisk: jitdump: cannot create %s: %s\n", g_path.c_str(), std::strerror(errno));
    return false;
  }
  FileHeader fh{kMagic, kVersion, sizeof(FileHeader), kElfMachine, 0, uint32_t(getpid()), now_ns(), 0};
  if (!write_all(g_fd, &fh, sizeof fh)) {
    std::fprintf(stderr, "brisk: jitdump: cannot write %s: %s\n", g_path.c_str(), std::strerror(errno));
    ::close(g_fd);
    g_fd = -1;
    return false;
  }
  // Kept mapped for the life of the process; perf only needs the mmap event.
  if (mmap(nullptr, size_t(sysconf(_SC_PAGESIZE)), PROT_READ | PROT_EXEC, MAP_PRIVATE, g_fd, 0) == MAP_FAILED)
    std::fprintf(stderr,
                 "brisk: jitdump: cannot map %s executable (%s): perf inject will not find it; "
                 "set JITDUMPDIR to a directory without noexec\n",
                 g_path.c_str(), std::strerror(errno));
  return true;
}

bool env_enabled() {
  static const bool on = [] {
    const char* e = std::getenv("BRISK_JITDUMP");
    return e && *e && std::strcmp(e, "0") != 0;
  }();
  return on;
}

}  // namespace

void jitdump_enable() { g_forced.store(true, std::memory_order_relaxed); }

bool jitdump_enabled() { return g_forced.load(std::memory_order_relaxed) || env_enabled(); }

std::string jitdump_path() {
  std::lock_guard<std::mutex> lock(g_mutex);
  return g_fd >= 0 ? g_path : std::string();
}

void jitdump_add(const Function& f, const uint8_t* code, size_t size) {
  if (!jitdump_enabled() || !f.instance) return;
  const std::string name = f.instance->module->func_display_name(f.index);
  std::lock_guard<std::mutex> lock(g_mutex);
  if (g_fd < 0) {
    if (g_failed) return;
    if (!open_file()) {
      g_failed = true;
      return;
    }
  }
  CodeLoad r{};
  r.h.id = kCodeLoad;
  r.h.total_size = uint32_t(sizeof r + name.size() + 1 + size);
  r.h.timestamp = now_ns();
  r.pid = uint32_t(getpid());
  r.tid = uint32_t(syscall(SYS_gettid));
  r.vma = r.code_addr = reinterpret_cast<uintptr_t>(code);
  r.code_size = size;
  r.code_index = g_index++;
  if (!write_all(g_fd, &r, sizeof r) || !write_all(g_fd, name.c_str(), name.size() + 1) ||
      !write_all(g_fd, code, size)) {
    std::fprintf(stderr, "brisk: jitdump: cannot write %s: %s\n", g_path.c_str(), std::strerror(errno));
    ::close(g_fd);
    g_fd = -1;
    g_failed = true;
  }
}

}  // namespace brisk::jit

// brisk_robust_test: feeds thousands of mutated and truncated versions of
// the spec test suite's modules through decode -> validate -> instantiate
// -> call every exported function, in every engine configuration, and
// checks that nothing crashes or hangs.
//
//   brisk_robust_test --testsuite DIR --wast2json PATH --work DIR
//                     [--seed N] [--mutants N] [--truncations N]
//                     [--only NAME] [--modes interp,jit,tiered] [--serial]
//
// The modules come from a fixed list of DIR/core/*.wast files, converted
// with wast2json into --work. Every mutant is derived deterministically
// from (seed, module, mutant number), so a failure is reproduced by the
// same command line (narrowed with --only i32.wast, say).
//
// Imports are satisfied by a "spectest"-like stub: whatever a module
// imports is created with the imported type (host functions returning
// zeros, globals, memories, tables). Each exported function is called
// with zero arguments; a watchdog interrupts calls that run longer than
// 50 ms (Store::interrupt). A crash kills the process (the test fails, and
// the module being run is written to --work/crash.wasm); a call that does
// not stop within 10 s of being interrupted is a hang: the module is
// written to --work/hang.wasm and the test fails.
//
// Exit status: 0 pass, 1 failure, 77 skipped (no test suite or wast2json).
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/module_decoder.h"
#include "runtime/objects.h"
#include "runtime/store.h"

using namespace brisk;

namespace {

// The spec files whose modules seed the corpus: a broad mix of control
// flow, memory, tables, bulk operations, linking and binary-format tests.
const char* const kWastFiles[] = {
    "address",     "align",       "binary",        "binary-leb128", "block",        "br",
    "br_if",       "br_table",    "bulk",          "call",          "call_indirect", "conversions",
    "data",        "elem",        "endianness",    "exports",       "f32",          "f64",
    "fac",         "float_exprs", "func",          "func_ptrs",     "global",       "i32",
    "i64",         "if",          "imports",       "int_exprs",     "labels",       "left-to-right",
    "linking",     "load",        "local_get",     "local_set",     "local_tee",    "loop",
    "memory",      "memory_copy", "memory_fill",   "memory_grow",   "memory_init",  "memory_size",
    "memory_trap", "nop",         "ref_func",      "ref_is_null",   "ref_null",     "return",
    "select",      "stack",       "start",         "store",         "switch",       "table",
    "table_copy",  "table_fill",  "table_get",     "table_grow",    "table_init",   "table_set",
    "table_size",  "traps",       "unreachable",   "unwind",
};

constexpr auto kCallTimeLimit = std::chrono::milliseconds(50);
constexpr auto kHangLimit = std::chrono::seconds(10);
// Resource caps for mutated modules (a mutated limit could ask for 4 GiB).
constexpr uint64_t kMaxMemoryPages = 256;   // 16 MiB
constexpr uint64_t kMaxTableSize = 100000;

using Bytes = std::vector<uint8_t>;

struct Options {
  std::string testsuite;
  std::string wast2json;
  std::string work;
  uint64_t seed = 0x5eed2024;
  int mutants = 8;         // raw mutants per valid module (half that for invalid ones)
  int code_mutants = 24;   // code-preserving mutants per valid module
  int truncations = 2;
  std::string only;
  std::vector<ExecMode> modes = {ExecMode::Interp};
  bool serial = false;
};

struct BaseModule {
  std::string name;  // e.g. i32.3.wasm
  Bytes bytes;
};

struct Case {
  const BaseModule* base;
  std::string mutation;  // "original", "mutant#3: bitflip+leb", "truncate@120"
  Bytes bytes;
};

// ------------------------------------------------------------ crash reporting

// What each worker is doing, for the crash handler (async-signal-safe use:
// fixed buffers written with write(2)).
struct WorkerState {
  char what[512] = "idle";
  std::atomic<const Bytes*> bytes{nullptr};
};
thread_local WorkerState* t_worker = nullptr;
std::string g_work_dir;
char g_crash_path[1024];

void write_str(int fd, const char* s) { (void)!write(fd, s, strlen(s)); }

void crash_handler(int sig) {
  char buf[64];
  snprintf(buf, sizeof buf, "%d", sig);
  write_str(2, "\nbrisk_robust_test: CRASH: signal ");
  write_str(2, buf);
  write_str(2, "\n  while running: ");
  write_str(2, t_worker ? t_worker->what : "(no case: harness thread)");
  write_str(2, "\n");
  if (t_worker) {
    if (const Bytes* b = t_worker->bytes.load()) {
      int fd = open(g_crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0) {
        (void)!write(fd, b->data(), b->size());
        close(fd);
        write_str(2, "  module written to ");
        write_str(2, g_crash_path);
        write_str(2, "\n");
      }
    }
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

void install_crash_handlers() {
  // An alternate stack, so that a native stack overflow is reported too.
  static std::vector<char> alt(1 << 16);
  stack_t ss{};
  ss.ss_sp = alt.data();
  ss.ss_size = alt.size();
  sigaltstack(&ss, nullptr);
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) {
    struct sigaction sa {};
    sa.sa_handler = crash_handler;
    sa.sa_flags = SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, nullptr);
  }
}

// ------------------------------------------------------------ corpus

bool run_wast2json(const Options& o, const std::string& wast, const std::string& out_json) {
  pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, 1);
    execl(o.wast2json.c_str(), o.wast2json.c_str(), wast.c_str(), "-o", out_json.c_str(), (char*)nullptr);
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

bool read_file(const std::string& path, Bytes* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

// The modules wast2json wrote for {stem}, in index order (stem.0.wasm, ...).
std::vector<BaseModule> load_modules(const std::string& dir, const std::string& stem) {
  std::vector<std::pair<long, std::string>> files;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      const std::string prefix = stem + ".";
      if (n.size() > prefix.size() + 5 && n.compare(0, prefix.size(), prefix) == 0 &&
          n.compare(n.size() - 5, 5, ".wasm") == 0) {
        char* end = nullptr;
        long idx = std::strtol(n.c_str() + prefix.size(), &end, 10);
        if (end && std::strcmp(end, ".wasm") == 0) files.emplace_back(idx, n);
      }
    }
    closedir(d);
  }
  std::sort(files.begin(), files.end());
  std::vector<BaseModule> out;
  for (const auto& [idx, n] : files) {
    BaseModule m;
    m.name = n;
    if (read_file(dir + "/" + n, &m.bytes)) out.push_back(std::move(m));
  }
  return out;
}

// ------------------------------------------------------------ mutations

uint64_t mix(uint64_t x) {  // splitmix64 finaliser
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

struct SectionSpan {
  size_t start;      // id byte
  size_t size_at;    // first byte of the size LEB
  size_t size_len;   // bytes of the size LEB
  size_t body;       // first payload byte
  size_t end;        // one past the payload
};

uint64_t read_uleb(const Bytes& b, size_t at, size_t* len) {
  uint64_t v = 0;
  unsigned shift = 0;
  size_t i = at;
  while (i < b.size() && shift < 64) {
    uint8_t x = b[i++];
    v |= uint64_t(x & 0x7f) << shift;
    shift += 7;
    if (!(x & 0x80)) break;
  }
  *len = i - at;
  return v;
}

// Best-effort section parse (stops at the first inconsistency).
std::vector<SectionSpan> sections(const Bytes& b) {
  std::vector<SectionSpan> out;
  size_t p = 8;
  while (p < b.size()) {
    SectionSpan s;
    s.start = p;
    s.size_at = p + 1;
    uint64_t size = read_uleb(b, s.size_at, &s.size_len);
    s.body = s.size_at + s.size_len;
    if (s.size_len == 0 || s.size_len > 5 || s.body + size > b.size()) break;
    s.end = s.body + size_t(size);
    out.push_back(s);
    p = s.end;
  }
  return out;
}

Bytes encode_uleb(uint64_t v, size_t min_len = 0) {
  Bytes out;
  do {
    uint8_t x = v & 0x7f;
    v >>= 7;
    if (v || out.size() + 1 < min_len) x |= 0x80;
    out.push_back(x);
  } while (v || out.size() < min_len);
  return out;
}

Bytes encode_sleb(int64_t v) {
  Bytes out;
  for (;;) {
    uint8_t x = v & 0x7f;
    v >>= 7;
    const bool done = (v == 0 && !(x & 0x40)) || (v == -1 && (x & 0x40));
    out.push_back(done ? x : x | 0x80);
    if (done) return out;
  }
}

// One instruction of a function body, as found by a small independent
// scanner (it gives up on anything it does not know, e.g. SIMD).
struct Instr {
  size_t pos, end;  // [pos, end) in the module
  uint8_t op;
};
struct FuncBody {
  size_t size_at, size_len;  // the body's size LEB
  size_t start, end;         // after the size LEB .. end of the body
  std::vector<Instr> code;
};

bool skip_uleb(const Bytes& b, size_t* p, size_t end) {
  for (int i = 0; i < 10; ++i) {
    if (*p >= end) return false;
    if (!(b[(*p)++] & 0x80)) return true;
  }
  return false;
}

// Scans one body's instructions; false if it meets something unknown.
bool scan_body(const Bytes& b, FuncBody& f) {
  size_t p = f.start;
  size_t len;
  uint64_t groups = read_uleb(b, p, &len);
  p += len;
  for (uint64_t g = 0; g < groups; ++g) {
    if (!skip_uleb(b, &p, f.end) || p >= f.end) return false;
    ++p;  // the type
  }
  while (p < f.end) {
    Instr in{p, 0, b[p]};
    ++p;
    const uint8_t op = in.op;
    bool ok = true;
    auto u = [&] { ok = ok && skip_uleb(b, &p, f.end); };
    if (op == 0x02 || op == 0x03 || op == 0x04) {
      if (p < f.end && (b[p] == 0x40 || (b[p] >= 0x6f && b[p] <= 0x7f))) ++p;
      else u();
    } else if (op == 0x0c || op == 0x0d || op == 0x10 || (op >= 0x20 && op <= 0x26) || op == 0xd2) {
      u();
    } else if (op == 0x0e) {
      size_t n;
      uint64_t count = read_uleb(b, p, &n);
      p += n;
      if (n == 0 || count > f.end - p) return false;
      for (uint64_t i = 0; i <= count; ++i) u();
    } else if (op == 0x11) {
      u(), u();
    } else if (op == 0x1c) {
      size_t n;
      uint64_t count = read_uleb(b, p, &n);
      p += n + size_t(count);
    } else if (op >= 0x28 && op <= 0x3e) {
      u(), u();
    } else if (op == 0x3f || op == 0x40 || op == 0xd0) {
      ++p;
    } else if (op == 0x41 || op == 0x42) {
      u();
    } else if (op == 0x43) {
      p += 4;
    } else if (op == 0x44) {
      p += 8;
    } else if (op == 0xfc) {
      size_t n;
      uint64_t sub = read_uleb(b, p, &n);
      p += n;
      if (sub <= 7) {
      } else if (sub == 8) {
        u(), ++p;
      } else if (sub == 9 || sub == 13 || sub == 15 || sub == 16 || sub == 17) {
        u();
      } else if (sub == 10) {
        p += 2;
      } else if (sub == 11) {
        ++p;
      } else if (sub == 12 || sub == 14) {
        u(), u();
      } else {
        return false;
      }
    } else if (op > 0xc4 && op != 0xd1) {
      return false;
    }
    if (!ok || p > f.end) return false;
    in.end = p;
    f.code.push_back(in);
  }
  return true;
}

// The bodies of the code section (empty if it cannot be parsed).
std::vector<FuncBody> scan_code(const Bytes& b, const SectionSpan& sec) {
  std::vector<FuncBody> out;
  size_t p = sec.body, len;
  uint64_t n = read_uleb(b, p, &len);
  p += len;
  for (uint64_t i = 0; i < n && p < sec.end; ++i) {
    FuncBody f;
    f.size_at = p;
    uint64_t size = read_uleb(b, p, &f.size_len);
    f.start = p + f.size_len;
    f.end = f.start + size_t(size);
    if (f.size_len == 0 || f.end > sec.end) return {};
    if (!scan_body(b, f)) return {};
    out.push_back(std::move(f));
    p = f.end;
  }
  return out;
}

// Replaces [from, to) inside body {f} of code section {sec} with {repl},
// re-encoding the body and section sizes.
Bytes splice_code(const Bytes& b, const SectionSpan& sec, const FuncBody& f, size_t from, size_t to,
                  const Bytes& repl) {
  const int64_t delta = int64_t(repl.size()) - int64_t(to - from);
  Bytes body_size = encode_uleb(uint64_t(int64_t(f.end - f.start) + delta));
  const int64_t sec_delta = delta + int64_t(body_size.size()) - int64_t(f.size_len);
  Bytes sec_size = encode_uleb(uint64_t(int64_t(sec.end - sec.body) + sec_delta));
  Bytes out(b.begin(), b.begin() + ptrdiff_t(sec.size_at));
  out.insert(out.end(), sec_size.begin(), sec_size.end());
  out.insert(out.end(), b.begin() + ptrdiff_t(sec.body), b.begin() + ptrdiff_t(f.size_at));
  out.insert(out.end(), body_size.begin(), body_size.end());
  out.insert(out.end(), b.begin() + ptrdiff_t(f.start), b.begin() + ptrdiff_t(from));
  out.insert(out.end(), repl.begin(), repl.end());
  out.insert(out.end(), b.begin() + ptrdiff_t(to), b.end());
  return out;
}

class Mutator {
 public:
  explicit Mutator(uint64_t seed) : rng_(seed) {}

  // Applies 1..3 random mutations; returns their names joined with '+'.
  std::string mutate(Bytes& b) {
    std::string names;
    const int n = 1 + int(rng_() % 3);
    for (int i = 0; i < n; ++i) {
      if (!names.empty()) names += "+";
      names += mutate_once(b);
    }
    return names;
  }

  // One or two code-preserving mutations (see mutate_code); "" when the
  // module has no code section this mutator can parse.
  std::string mutate_code_only(Bytes& b) {
    std::string names;
    const int n = 1 + int(below(4) == 0);
    for (int i = 0; i < n; ++i) {
      std::string what;
      for (int attempt = 0; attempt < 8 && what.empty(); ++attempt) what = mutate_code(b);
      if (what.empty()) break;
      if (!names.empty()) names += "+";
      names += what;
    }
    return names;
  }

  size_t below(size_t n) { return n ? size_t(rng_() % n) : 0; }

 private:
  // A position, preferring the part after the header.
  size_t pos(const Bytes& b) { return b.size() > 8 && below(8) ? 8 + below(b.size() - 8) : below(b.size()); }

  std::string mutate_once(Bytes& b) {
    if (b.empty()) {
      b.push_back(uint8_t(rng_()));
      return "insert";
    }
    if (below(2) == 0) {
      std::string what = mutate_code(b);
      if (!what.empty()) return what;
    }
    switch (below(10)) {
      case 0:
      case 1: {
        int flips = 1 + int(below(4));
        for (int i = 0; i < flips; ++i) b[pos(b)] ^= uint8_t(1u << below(8));
        return "bitflip";
      }
      case 2: {
        static const uint8_t kInteresting[] = {0x00, 0x01, 0x02, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x1a,
                                               0x20, 0x21, 0x40, 0x41, 0x60, 0x6f, 0x70, 0x7b, 0x7f, 0x80, 0xfc,
                                               0xfd, 0xff, 0xd2, 0x3f, 0x28, 0x36};
        b[pos(b)] = below(4) ? kInteresting[below(sizeof kInteresting)] : uint8_t(rng_());
        return "setbyte";
      }
      case 3:
        b.insert(b.begin() + ptrdiff_t(below(b.size() + 1)), uint8_t(rng_()));
        return "insert";
      case 4: {
        size_t at = pos(b);
        size_t n = std::min(b.size() - at, 1 + below(4));
        b.erase(b.begin() + ptrdiff_t(at), b.begin() + ptrdiff_t(at + n));
        return "delete";
      }
      case 5:
      case 6:
        return corrupt_leb(b);
      case 7:
        return shuffle_sections(b);
      case 8: {
        // Copy a chunk of the module over another place in it.
        size_t from = pos(b), to = pos(b);
        size_t n = std::min({b.size() - from, b.size() - to, 1 + below(16)});
        std::memmove(&b[to], &b[from], n);
        return "splice";
      }
      default: {
        size_t at = b.size() > 8 ? 8 + below(b.size() - 8) : below(b.size());
        b.resize(at);
        return "truncate";
      }
    }
  }

  // Mutations that keep the binary well-formed (and often valid): they
  // change one instruction of a function body and fix up the sizes.
  std::string mutate_code(Bytes& b) {
    std::vector<SectionSpan> secs = sections(b);
    const SectionSpan* code = nullptr;
    for (const SectionSpan& s : secs)
      if (b[s.start] == 10) code = &s;
    if (!code) return "";
    std::vector<FuncBody> bodies = scan_code(b, *code);
    std::vector<std::pair<size_t, size_t>> all;  // (body, instruction)
    for (size_t i = 0; i < bodies.size(); ++i)
      for (size_t k = 0; k < bodies[i].code.size(); ++k) all.emplace_back(i, k);
    if (all.empty()) return "";
    const auto [bi, ii] = all[below(all.size())];
    const FuncBody& f = bodies[bi];
    const Instr& in = f.code[ii];
    auto set = [&](const Bytes& repl) { b = splice_code(b, *code, f, in.pos, in.end, repl); };
    static const int64_t kValues[] = {0, 1, -1, 2, 7, 31, 32, 63, 64, 255, 65535, 65536, 65532, 0x7fffffff,
                                      INT32_MIN, 0xffffffffLL, INT64_MIN, INT64_MAX, 100000, -65536};
    switch (below(6)) {
      case 0:  // a constant or a memarg offset takes an interesting value
        if (in.op == 0x41 || in.op == 0x42) {
          Bytes r{in.op};
          int64_t v = kValues[below(std::size(kValues))];
          if (in.op == 0x41) v = int32_t(v);
          Bytes e = encode_sleb(v);
          r.insert(r.end(), e.begin(), e.end());
          set(r);
          return "code-const";
        }
        if (in.op >= 0x28 && in.op <= 0x3e) {
          size_t p = in.pos + 1, len;
          uint64_t align = read_uleb(b, p, &len);
          Bytes r{in.op};
          Bytes a = encode_uleb(align), o = encode_uleb(uint64_t(uint32_t(kValues[below(std::size(kValues))])));
          r.insert(r.end(), a.begin(), a.end());
          r.insert(r.end(), o.begin(), o.end());
          set(r);
          return "code-memarg";
        }
        [[fallthrough]];
      case 1: {  // an operator becomes another of the same signature
        static const std::vector<std::vector<uint8_t>> kGroups = {
            {0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70,
             0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78},
            {0x7c, 0x7d, 0x7e, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a},
            {0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a},
            {0x45, 0x67, 0x68, 0x69, 0xc0, 0xc1},
            {0x79, 0x7a, 0x7b, 0xc2, 0xc3, 0xc4},
            {0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98},
            {0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6},
            {0x8b, 0x8c, 0x8d, 0x8e, 0x8f, 0x90, 0x91},
            {0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f},
            {0x5b, 0x5c, 0x5d, 0x5e, 0x5f, 0x60},
            {0x61, 0x62, 0x63, 0x64, 0x65, 0x66},
            {0xa8, 0xa9, 0xbc},
            {0xaa, 0xab},
            {0xae, 0xaf},
            {0xb0, 0xb1, 0xbd},
            {0x28, 0x2c, 0x2d, 0x2e, 0x2f},
            {0x36, 0x3a, 0x3b},
            {0x0c, 0x0d},
        };
        for (const auto& g : kGroups) {
          if (std::find(g.begin(), g.end(), in.op) == g.end()) continue;
          Bytes r(b.begin() + ptrdiff_t(in.pos), b.begin() + ptrdiff_t(in.end));
          r[0] = g[below(g.size())];
          if (r[0] == 0x0d && in.op == 0x0c) r.insert(r.begin(), {0x41, 0x01});  // br -> i32.const 1; br_if
          set(r);
          return "code-op";
        }
        return "";
      }
      case 2:  // an index (local, global, function, label) moves by a little
        if (in.op == 0x0c || in.op == 0x0d || in.op == 0x10 || (in.op >= 0x20 && in.op <= 0x24)) {
          size_t len;
          uint64_t v = read_uleb(b, in.pos + 1, &len);
          v = below(3) ? (below(2) ? v + 1 : (v ? v - 1 : 0)) : below(8);
          Bytes r{in.op};
          Bytes e = encode_uleb(v);
          r.insert(r.end(), e.begin(), e.end());
          set(r);
          return "code-index";
        }
        return "";
      case 3:
      case 4: {  // a snippet is inserted before the instruction
        static const std::vector<Bytes> kSnippets = {
            {0x00},                                    // unreachable
            {0x01},                                    // nop
            {0x03, 0x40, 0x0c, 0x00, 0x0b},            // loop br 0 end: needs an interrupt
            {0x03, 0x40, 0x41, 0x01, 0x0d, 0x00, 0x0b},  // loop i32.const 1 br_if 0 end
            {0x41, 0x7f, 0x28, 0x02, 0x00, 0x1a},      // i32.load at -1: out of bounds
            {0x3f, 0x00, 0x40, 0x00, 0x1a},            // memory.grow by the current size
            {0x41, 0x00, 0x41, 0x00, 0x41, 0x7f, 0xfc, 0x0b, 0x00},  // memory.fill 0 0 -1: out of bounds
            {0x41, 0x05, 0x41, 0x00, 0x6d, 0x1a},      // i32.div_s by 0
            {0x41, 0x00, 0x11, 0x00, 0x00},            // call_indirect type 0 at 0 (maybe invalid)
            {0x10, 0x00},                              // call 0 (maybe invalid)
            {0x0f},                                    // return (maybe invalid)
        };
        size_t which = below(kSnippets.size());
        // Infinite loops cost a full time slice each: keep them rarer.
        if ((which == 2 || which == 3) && below(4) != 0) which = 0;
        const Bytes& snip = kSnippets[which];
        Bytes r = snip;
        r.insert(r.end(), b.begin() + ptrdiff_t(in.pos), b.begin() + ptrdiff_t(in.end));
        set(r);
        return "code-insert";
      }
      default:  // the instruction disappears
        set({});
        return "code-delete";
    }
  }

  // Corrupts a section size, a vector count at a section start, or a LEB at
  // a random place: off by one, padded, over-long, maximal, unterminated.
  std::string corrupt_leb(Bytes& b) {
    std::vector<SectionSpan> secs = sections(b);
    size_t at, len;
    if (!secs.empty() && below(3)) {
      const SectionSpan& s = secs[below(secs.size())];
      if (below(2) || s.body >= s.end) {
        at = s.size_at;
      } else {
        at = s.body;  // the vector count (or custom section name length)
      }
    } else {
      at = pos(b);
    }
    uint64_t v = read_uleb(b, at, &len);
    if (len == 0) return "leb-none";
    Bytes repl;
    switch (below(7)) {
      case 0: repl = encode_uleb(v + 1); break;
      case 1: repl = encode_uleb(v ? v - 1 : 0); break;
      case 2: repl = encode_uleb(v, len + 1 + below(4)); break;           // padded (maybe too long)
      case 3: repl = {0xff, 0xff, 0xff, 0xff, 0x0f}; break;              // u32 max
      case 4: repl = {0x80, 0x80, 0x80, 0x80, 0x80, 0x00}; break;        // too long
      case 5: repl = {0xff, 0xff, 0xff, 0xff, 0x7f}; break;              // too large
      default: repl = encode_uleb(v); repl.back() |= 0x80; break;        // unterminated
    }
    b.erase(b.begin() + ptrdiff_t(at), b.begin() + ptrdiff_t(at + len));
    b.insert(b.begin() + ptrdiff_t(at), repl.begin(), repl.end());
    return "leb";
  }

  // Swaps, duplicates or deletes whole sections.
  std::string shuffle_sections(Bytes& b) {
    std::vector<SectionSpan> secs = sections(b);
    if (secs.size() < 2) return corrupt_leb(b);
    std::vector<Bytes> parts;
    for (const SectionSpan& s : secs) parts.emplace_back(b.begin() + ptrdiff_t(s.start), b.begin() + ptrdiff_t(s.end));
    Bytes tail(b.begin() + ptrdiff_t(secs.back().end), b.end());
    std::string what;
    size_t i = below(parts.size()), j = below(parts.size());
    switch (below(4)) {
      case 0:
      case 1:
        if (i == j) j = (i + 1) % parts.size();
        std::swap(parts[i], parts[j]);
        what = "swap-sections";
        break;
      case 2:
        parts.insert(parts.begin() + ptrdiff_t(j), parts[i]);
        what = "dup-section";
        break;
      default:
        parts.erase(parts.begin() + ptrdiff_t(i));
        what = "drop-section";
        break;
    }
    Bytes out(b.begin(), b.begin() + 8);
    for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
    out.insert(out.end(), tail.begin(), tail.end());
    b.swap(out);
    return what;
  }

  std::mt19937_64 rng_;
};

// ------------------------------------------------------------ execution

struct Counts {
  uint64_t cases = 0, decoded = 0, rejected = 0, skipped_big = 0, instantiated = 0, link_errors = 0,
           start_traps = 0, calls = 0, returned = 0, trapped = 0, interrupted = 0;
  std::map<std::string, uint64_t> traps;
  std::map<std::string, std::pair<uint64_t, uint64_t>> by_mutation;  // kind -> (cases, decoded)
  void add(const Counts& o) {
    for (const auto& [k, v] : o.by_mutation) {
      by_mutation[k].first += v.first;
      by_mutation[k].second += v.second;
    }
    cases += o.cases, decoded += o.decoded, rejected += o.rejected, skipped_big += o.skipped_big;
    instantiated += o.instantiated, link_errors += o.link_errors, start_traps += o.start_traps;
    calls += o.calls, returned += o.returned, trapped += o.trapped, interrupted += o.interrupted;
    for (const auto& [k, v] : o.traps) traps[k] += v;
  }
};

// Interrupts the worker's store when a call runs past its deadline; reports
// a hang when the interrupt is not obeyed.
class Watchdog {
 public:
  explicit Watchdog(WorkerState* ws) : ws_(ws), thread_([this] { loop(); }) {}
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> l(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  void begin(Store* s) {
    std::lock_guard<std::mutex> l(mu_);
    store_ = s;
    deadline_ = std::chrono::steady_clock::now() + kCallTimeLimit;
    cv_.notify_all();
  }
  void end() {
    std::lock_guard<std::mutex> l(mu_);
    store_ = nullptr;
  }

 private:
  void loop() {
    std::unique_lock<std::mutex> l(mu_);
    while (!stop_) {
      if (!store_) {
        cv_.wait(l);
        continue;
      }
      cv_.wait_for(l, std::chrono::milliseconds(5));
      if (!store_) continue;
      auto now = std::chrono::steady_clock::now();
      if (now >= deadline_) store_->interrupt();  // under the lock: the call cannot have ended
      if (now >= deadline_ + kHangLimit) {
        std::fprintf(stderr, "\nbrisk_robust_test: HANG: a call ignored Store::interrupt() for %lld s\n"
                             "  while running: %s\n",
                     (long long)std::chrono::duration_cast<std::chrono::seconds>(kHangLimit).count(), ws_->what);
        if (const Bytes* b = ws_->bytes.load()) {
          std::string path = g_work_dir + "/hang.wasm";
          std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(b->data()),
                                                      std::streamsize(b->size()));
          std::fprintf(stderr, "  module written to %s\n", path.c_str());
        }
        std::fflush(stderr);
        std::_Exit(1);
      }
    }
  }

  WorkerState* ws_;
  std::mutex mu_;
  std::condition_variable cv_;
  Store* store_ = nullptr;
  std::chrono::steady_clock::time_point deadline_;
  bool stop_ = false;
  std::thread thread_;
};

std::string config_name(const EngineConfig& c) {
  std::string m = c.mode == ExecMode::Interp ? "interp" : c.mode == ExecMode::Jit ? "jit" : "tiered";
  return m + (c.bounds == BoundsMode::Guard ? "/guard" : "/explicit");
}

// Caps the resources a (mutated) module may ask for; false if it asks for
// more at instantiation than the harness allows.
bool cap_resources(Module& m) {
  for (size_t i = 0; i < m.memories.size(); ++i) {
    Limits& l = m.memories[i].limits;
    if (l.min > kMaxMemoryPages) return false;
    if (i >= m.num_imported_memories && (!l.has_max || l.max > kMaxMemoryPages)) {
      l.has_max = true;
      l.max = kMaxMemoryPages;
    }
  }
  for (size_t i = 0; i < m.tables.size(); ++i) {
    Limits& l = m.tables[i].limits;
    if (l.min > kMaxTableSize) return false;
    if (i >= m.num_imported_tables && (!l.has_max || l.max > kMaxTableSize)) {
      l.has_max = true;
      l.max = kMaxTableSize;
    }
  }
  return true;
}

// Defines every import of {m} in {linker} with an object of the imported type.
void define_stub_imports(const Module& m, Store& store, Linker& linker) {
  for (const Import& imp : m.imports) {
    Extern e{imp.kind, nullptr};
    switch (imp.kind) {
      case ExternKind::Func: {
        const FuncType& ft = m.types[imp.func_type];
        const size_t nres = ft.results.size();
        e.ptr = store.create_host_function(
            ft,
            [nres](HostCall&, const uint64_t*, uint64_t* results) {
              for (size_t i = 0; i < nres; ++i) results[i] = 0;
              return TrapKind::None;
            },
            imp.module + "." + imp.name);
        break;
      }
      case ExternKind::Global: {
        uint64_t v = imp.global.type == ValType::I32 ? 666 : 0;
        e.ptr = store.create_global(imp.global, v);
        break;
      }
      case ExternKind::Memory: {
        MemoryType mt = imp.memory;
        mt.limits.has_max = true;
        mt.limits.max = imp.memory.limits.has_max ? std::min<uint64_t>(imp.memory.limits.max, kMaxMemoryPages)
                                                  : kMaxMemoryPages;
        mt.limits.max = std::max(mt.limits.max, mt.limits.min);
        Memory* mem = store.create_memory(mt);
        if (!mem->valid()) continue;
        e.ptr = mem;
        break;
      }
      case ExternKind::Table: {
        TableType tt = imp.table;
        tt.limits.has_max = true;
        tt.limits.max = imp.table.limits.has_max ? std::min<uint64_t>(imp.table.limits.max, kMaxTableSize)
                                                 : kMaxTableSize;
        tt.limits.max = std::max(tt.limits.max, tt.limits.min);
        e.ptr = store.create_table(tt, 0);
        break;
      }
    }
    linker.define(imp.module, imp.name, e);
  }
}

// What a case did, for comparing configurations: a hash of every outcome
// (instantiation, each call's trap kind or results), and whether timing
// played a part (an interrupted call), which makes the comparison moot.
struct Outcome {
  uint64_t hash = 0;
  bool timing_dependent = false;
  std::string summary;  // readable, for the first few calls
};

void note(Outcome& out, const std::string& what) {
  for (char ch : what) out.hash = mix(out.hash ^ uint8_t(ch));
  out.hash = mix(out.hash ^ 0xff);
  if (out.summary.size() < 400) out.summary += what + "; ";
}

void run_case(const Case& c, const EngineConfig& cfg, WorkerState& ws, Watchdog& dog, Counts& n, Outcome& out) {
  ++n.cases;
  ws.bytes.store(&c.bytes);
  std::snprintf(ws.what, sizeof ws.what, "[%s] %s %s: decode", config_name(cfg).c_str(), c.base->name.c_str(),
                c.mutation.c_str());
  auto r = decode_module(c.bytes);
  // The kind of the case's last mutation, for statistics.
  std::string kind = c.mutation;
  if (size_t colon = kind.find(": "); colon != std::string::npos) kind = kind.substr(colon + 2);
  if (size_t plus = kind.rfind('+'); plus != std::string::npos) kind = kind.substr(plus + 1);
  if (kind.compare(0, 8, "truncate") == 0) kind = "truncate";
  n.by_mutation[kind].first++;
  if (!r.ok()) {
    ++n.rejected;
    return;
  }
  ++n.decoded;
  n.by_mutation[kind].second++;
  std::shared_ptr<Module> m = r.value();
  if (!cap_resources(*m)) {
    ++n.skipped_big;
    return;
  }
  EngineConfig small = cfg;
  small.value_stack_bytes = 8u << 20;
  small.max_call_depth = 20000;
  Store store(small);
  Linker linker;
  define_stub_imports(*m, store, linker);
  std::snprintf(ws.what, sizeof ws.what, "[%s] %s %s: instantiate", config_name(cfg).c_str(), c.base->name.c_str(),
                c.mutation.c_str());
  dog.begin(&store);  // the start function runs under the watchdog too
  InstantiateResult ir = store.instantiate(m, linker);
  dog.end();
  if (ir.link_error) {
    ++n.link_errors;
    note(out, "link error");
    return;
  }
  if (ir.trap) {
    note(out, "start trap: " + ir.trap->message);
    if (ir.trap->kind == TrapKind::Interrupted) out.timing_dependent = true;
    ++n.start_traps;
    n.traps[ir.trap->kind == TrapKind::Host ? "host" : ir.trap->message]++;
    return;
  }
  ++n.instantiated;
  for (const Export& e : m->exports) {
    if (e.kind != ExternKind::Func) continue;
    Function* f = ir.instance->funcs[e.index];
    const FuncType& ft = *f->type;
    std::vector<uint64_t> args(ft.params.size(), 0), results(ft.results.size() + 1, 0);
    std::snprintf(ws.what, sizeof ws.what, "[%s] %s %s: call \"%.100s\"", config_name(cfg).c_str(),
                  c.base->name.c_str(), c.mutation.c_str(), e.name.c_str());
    ++n.calls;
    dog.begin(&store);
    CallResult cr = store.call(f, args.data(), results.data());
    dog.end();
    if (!cr.trap) {
      ++n.returned;
      std::string r = e.name + " ->";
      for (size_t i = 0; i < ft.results.size(); ++i) r += " " + std::to_string(results[i]);
      note(out, r);
    } else if (cr.trap->kind == TrapKind::Interrupted) {
      ++n.interrupted;
      out.timing_dependent = true;
    } else {
      note(out, e.name + " trap: " + cr.trap->message);
      ++n.trapped;
      n.traps[cr.trap->kind == TrapKind::Host ? "host" : cr.trap->message]++;
    }
  }
  ws.bytes.store(nullptr);
}

void print_counts(const std::string& label, const Counts& n) {
  std::printf(
      "%-16s cases %6llu | decoded %6llu rejected %6llu | instantiated %6llu link errors %4llu start traps %4llu "
      "skipped (too big) %3llu | calls %7llu returned %7llu trapped %6llu interrupted %4llu\n",
      label.c_str(), (unsigned long long)n.cases, (unsigned long long)n.decoded, (unsigned long long)n.rejected,
      (unsigned long long)n.instantiated, (unsigned long long)n.link_errors, (unsigned long long)n.start_traps,
      (unsigned long long)n.skipped_big, (unsigned long long)n.calls, (unsigned long long)n.returned,
      (unsigned long long)n.trapped, (unsigned long long)n.interrupted);
}

int usage() {
  std::fprintf(stderr,
               "usage: brisk_robust_test --testsuite DIR --wast2json PATH --work DIR [--seed N] [--mutants N]\n"
               "                         [--code-mutants N] [--truncations N] [--only NAME.wast] [--modes interp,jit,tiered] "
               "[--serial]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--testsuite") o.testsuite = next();
    else if (a == "--wast2json") o.wast2json = next();
    else if (a == "--work") o.work = next();
    else if (a == "--seed") o.seed = std::strtoull(next().c_str(), nullptr, 0);
    else if (a == "--mutants") o.mutants = std::atoi(next().c_str());
    else if (a == "--truncations") o.truncations = std::atoi(next().c_str());
    else if (a == "--code-mutants") o.code_mutants = std::atoi(next().c_str());
    else if (a == "--only") o.only = next();
    else if (a == "--serial") o.serial = true;
    else if (a == "--modes") {
      o.modes.clear();
      std::stringstream ss(next());
      std::string m;
      while (std::getline(ss, m, ',')) {
        if (m == "interp") o.modes.push_back(ExecMode::Interp);
        else if (m == "jit") o.modes.push_back(ExecMode::Jit);
        else if (m == "tiered") o.modes.push_back(ExecMode::Tiered);
        else return usage();
      }
    } else {
      return usage();
    }
  }
  if (o.work.empty()) return usage();
  if (o.testsuite.empty() || access((o.testsuite + "/core").c_str(), R_OK) != 0) {
    std::printf("brisk_robust_test: SKIPPED: no test suite at '%s'\n", o.testsuite.c_str());
    return 77;
  }
  if (o.wast2json.empty() || access(o.wast2json.c_str(), X_OK) != 0) {
    std::printf("brisk_robust_test: SKIPPED: wast2json not found\n");
    return 77;
  }
  mkdir(o.work.c_str(), 0755);
  g_work_dir = o.work;
  std::snprintf(g_crash_path, sizeof g_crash_path, "%s/crash.wasm", o.work.c_str());
  install_crash_handlers();

  const auto t0 = std::chrono::steady_clock::now();

  // 1. The corpus: every module of the listed .wast files.
  std::vector<BaseModule> corpus;
  for (const char* stem : kWastFiles) {
    const std::string wast = o.testsuite + "/core/" + stem + ".wast";
    if (!o.only.empty() && o.only != stem && o.only != std::string(stem) + ".wast") continue;
    const std::string dir = o.work + "/" + stem;
    mkdir(dir.c_str(), 0755);
    if (!run_wast2json(o, wast, dir + "/" + stem + ".json")) {
      std::fprintf(stderr, "brisk_robust_test: wast2json failed on %s\n", wast.c_str());
      return 1;
    }
    std::vector<BaseModule> mods = load_modules(dir, stem);
    for (auto& m : mods) corpus.push_back(std::move(m));
  }
  if (corpus.empty()) {
    std::fprintf(stderr, "brisk_robust_test: no modules\n");
    return 1;
  }

  // 2. The cases: each module, its mutants and truncations (deterministic).
  std::vector<Case> cases;
  size_t valid_bases = 0;
  for (size_t i = 0; i < corpus.size(); ++i) {
    const BaseModule& base = corpus[i];
    // Valid modules get many mutants that keep them well-formed, so that
    // mutated code gets executed; every module gets raw mutants.
    const bool valid = decode_module(base.bytes).ok();
    valid_bases += valid;
    cases.push_back(Case{&base, "original", base.bytes});
    const int raw = valid ? o.mutants : (o.mutants + 1) / 2;
    for (int k = 0; k < raw; ++k) {
      Mutator mut(mix(o.seed ^ mix(i * 1000003 + uint64_t(k))));
      Case c{&base, "", base.bytes};
      c.mutation = "mutant#" + std::to_string(k) + ": " + mut.mutate(c.bytes);
      cases.push_back(std::move(c));
    }
    for (int k = 0; valid && k < o.code_mutants; ++k) {
      Mutator mut(mix(o.seed ^ mix(i * 1000003 + 500000 + uint64_t(k))));
      Case c{&base, "", base.bytes};
      std::string what = mut.mutate_code_only(c.bytes);
      if (what.empty()) break;  // no code to mutate
      c.mutation = "code-mutant#" + std::to_string(k) + ": " + what;
      cases.push_back(std::move(c));
    }
    for (int k = 0; k < (valid ? o.truncations : 1); ++k) {
      Mutator mut(mix(o.seed ^ mix(~(i * 1000003 + uint64_t(k)))));
      size_t len = mut.below(base.bytes.size());
      cases.push_back(Case{&base, "truncate@" + std::to_string(len), Bytes(base.bytes.begin(), base.bytes.begin() + ptrdiff_t(len))});
    }
  }
  std::printf("brisk_robust_test: %zu modules (%zu valid) from %zu spec files, %zu cases per configuration, "
              "seed 0x%llx\n",
              corpus.size(), valid_bases, o.only.empty() ? std::size(kWastFiles) : size_t(1), cases.size(),
              (unsigned long long)o.seed);
  std::fflush(stdout);

  // 3. Run every case in every configuration (one worker thread each).
  std::vector<EngineConfig> configs;
  for (ExecMode mode : o.modes) {
    for (BoundsMode b : {BoundsMode::Guard, BoundsMode::Explicit}) {
      EngineConfig c;
      c.mode = mode;
      c.bounds = b;
      if (mode == ExecMode::Tiered) c.tier_up_threshold = 10;
      configs.push_back(c);
    }
  }
  std::vector<Counts> results(configs.size());
  std::vector<std::vector<Outcome>> outcomes(configs.size(), std::vector<Outcome>(cases.size()));
  auto work = [&](size_t ci) {
    WorkerState ws;
    t_worker = &ws;
    Watchdog dog(&ws);
    for (size_t k = 0; k < cases.size(); ++k) run_case(cases[k], configs[ci], ws, dog, results[ci], outcomes[ci][k]);
    std::snprintf(ws.what, sizeof ws.what, "idle");
    t_worker = nullptr;
  };
  if (o.serial) {
    for (size_t ci = 0; ci < configs.size(); ++ci) work(ci);
  } else {
    std::vector<std::thread> threads;
    for (size_t ci = 0; ci < configs.size(); ++ci) threads.emplace_back(work, ci);
    for (auto& t : threads) t.join();
  }

  // 4. Report.
  Counts total;
  for (size_t ci = 0; ci < configs.size(); ++ci) {
    print_counts(config_name(configs[ci]), results[ci]);
    total.add(results[ci]);
  }
  print_counts("total", total);
  std::printf("decoded by (last) mutation:");
  for (const auto& [k, v] : total.by_mutation)
    std::printf(" %s %llu/%llu", k.c_str(), (unsigned long long)v.second, (unsigned long long)v.first);
  std::printf("\n");
  std::printf("traps by kind:");
  for (const auto& [k, v] : total.traps) std::printf(" [%s] %llu", k.c_str(), (unsigned long long)v);
  std::printf("\n");
  // 5. Every configuration must behave the same (timing aside).
  size_t mismatches = 0, compared = 0;
  for (size_t ci = 1; ci < configs.size(); ++ci) {
    for (size_t k = 0; k < cases.size(); ++k) {
      const Outcome& a = outcomes[0][k];
      const Outcome& b = outcomes[ci][k];
      if (a.timing_dependent || b.timing_dependent) continue;
      ++compared;
      if (a.hash == b.hash) continue;
      if (++mismatches <= 10) {
        std::printf("MISMATCH: %s %s\n  %-16s %s\n  %-16s %s\n", cases[k].base->name.c_str(),
                    cases[k].mutation.c_str(), config_name(configs[0]).c_str(), a.summary.c_str(),
                    config_name(configs[ci]).c_str(), b.summary.c_str());
      }
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (mismatches) {
    std::printf("brisk_robust_test: FAILED: %zu of %zu cases behave differently across configurations (%.1f s)\n",
                mismatches, compared, secs);
    return 1;
  }
  std::printf("brisk_robust_test: PASSED: no crash, no hang, identical outcomes in every configuration "
              "(%zu comparisons) (%.1f s)\n",
              compared, secs);
  return 0;
}

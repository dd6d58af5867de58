// The brisk command-line runner, in the style of wasmtime/iwasm:
//   brisk run [options] FILE.wasm [ARGS...]
//   brisk validate FILE.wasm
// Exit codes: the guest's own (proc_exit or _start returning 0); 1 for bad
// input or usage; 134 when the guest traps (as an abort would).
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <sys/stat.h>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <memory>

#include "api/handles.h"
#include "brisk/brisk.h"
#include "core/module_decoder.h"
#include "jit/jit_runtime.h"
#include "jit/jitdump.h"
#include "jit/tuning.h"
#include "runtime/objects.h"
#include "runtime/store.h"

using namespace brisk;

namespace {

constexpr int kExitUsage = 1;
constexpr int kExitTrap = 134;

const char* kVersion = "brisk 0.1.0";

void print_main_help() {
  std::printf(
      "brisk: a lightweight WebAssembly runtime\n"
      "\n"
      "Usage:\n"
      "  brisk run [OPTIONS] FILE.wasm [ARGS...]   run a module (its _start, or --invoke)\n"
      "  brisk validate FILE.wasm                  decode and validate a module, run nothing\n"
      "  brisk --help | -h                         this help\n"
      "  brisk --version                           print the version\n"
      "\n"
      "Run `brisk run --help` for the options of `run`.\n");
}

void print_run_help() {
  std::printf(
      "Usage: brisk run [OPTIONS] FILE.wasm [ARGS...]\n"
      "\n"
      "Runs FILE.wasm: its exported _start function (WASI command), or the\n"
      "function named by --invoke. ARGS after the file go to the guest's argv\n"
      "(with --invoke: to the function, as numbers).\n"
      "\n"
      "Options:\n"
      "  --mode=interp|jit|tiered   execution tier (default: tiered): the interpreter,\n"
      "                             the baseline JIT for every function, or the\n"
      "                             interpreter with hot functions and loops moved to\n"
      "                             the JIT (on machines without a JIT: interp)\n"
      "  --tier-up-threshold=N      tiered mode: calls and loop iterations before a\n"
      "                             function is compiled (default %u; 1 = at once,\n"
      "                             with OSR)\n"
      "  --compile-threads=N        tiered mode: threads compiling hot functions in the\n"
      "                             background while the interpreter runs on (default:\n"
      "                             from the core count, here %u; 0 = compile on the\n"
      "                             calling thread); jit mode: N > 0 threads compile\n"
      "                             every function ahead, the first-called ones'\n"
      "                             callees first (default 0: each on first call)\n"
      "  --jit-filter=N[-M]         compile only functions N..M (by index); the others\n"
      "                             stay interpreted: bisects a miscompiled function\n"
      "  --bounds=guard|explicit    memory bounds checks: guard pages and a fault\n"
      "                             handler (default), or explicit checks in code\n"
      "  --dir=HOST[::GUEST]        preopen directory HOST, visible to the guest as\n"
      "                             GUEST (default: the same path); repeatable;\n"
      "                             also `--dir HOST::GUEST`\n"
      "  --dir-ro=HOST[::GUEST]     the same, read-only: the guest can read and list\n"
      "                             but not write, create, rename, link, unlink,\n"
      "                             truncate or set times (EROFS); repeatable\n"
      "  --env=NAME=VALUE           set a guest environment variable; repeatable;\n"
      "                             also `--env NAME=VALUE`\n"
      "  --invoke=NAME              call export NAME with ARGS (i32/i64/f32/f64 as\n"
      "                             decimal numbers) and print its results\n"
      "  --stats                    print execution statistics to stderr at exit\n"
      "  --jitdump                  describe the JIT code of each wasm function in\n"
      "                             $JITDUMPDIR/jit-PID.dump (default /tmp) for perf:\n"
      "                             `perf record -k mono brisk run --jitdump ...`, then\n"
      "                             `perf inject --jit`; also BRISK_JITDUMP=1\n"
      "  -h, --help                 this help\n"
      "\n"
      "Exit status: the guest's exit code (proc_exit, or 0 when _start returns);\n"
      "1 for usage errors and invalid modules; 134 when the guest traps.\n",
      unsigned(tuning::kDefaultTierUpThreshold),
      tuning::default_compile_threads(std::thread::hardware_concurrency()));
}

struct Dir {
  std::string host_path, guest_path;
  bool read_only = false;  // --dir-ro: preopened with BRISK_WASI_DIR_READ_ONLY
};

struct RunOptions {
  ExecMode mode = ExecMode::Tiered;
  BoundsMode bounds = BoundsMode::Guard;
  std::vector<Dir> dirs;
  std::vector<std::string> env;
  std::string invoke;
  bool has_invoke = false;
  bool stats = false;
  bool jitdump = false;
  uint32_t tier_up_threshold = 0;
  uint32_t compile_threads = EngineConfig::kCompileThreadsAuto;
  bool jit_filter = false;
  uint32_t jit_filter_lo = 0, jit_filter_hi = 0;
  std::string file;
  std::vector<std::string> args;
};

int usage_error(const std::string& msg) {
  std::fprintf(stderr, "error: %s\n(see `brisk run --help`)\n", msg.c_str());
  return kExitUsage;
}

bool parse_value(const std::string& s, ValType t, uint64_t* out) {
  const char* b = s.data();
  const char* e = b + s.size();
  switch (t) {
    case ValType::I32: {
      int64_t v;
      auto r = std::from_chars(b, e, v);
      if (r.ec != std::errc() || r.ptr != e || v < INT32_MIN || v > UINT32_MAX) return false;
      *out = uint32_t(v);
      return true;
    }
    case ValType::I64: {
      int64_t v;
      auto r = std::from_chars(b, e, v);
      if (r.ec == std::errc() && r.ptr == e) {
        *out = uint64_t(v);
        return true;
      }
      uint64_t u;
      r = std::from_chars(b, e, u);
      if (r.ec != std::errc() || r.ptr != e) return false;
      *out = u;
      return true;
    }
    case ValType::F32:
    case ValType::F64: {
      char* end = nullptr;
      errno = 0;
      double d = std::strtod(s.c_str(), &end);
      if (end != s.c_str() + s.size() || s.empty()) return false;
      if (t == ValType::F32) {
        float f = float(d);
        uint32_t bits;
        std::memcpy(&bits, &f, 4);
        *out = bits;
      } else {
        std::memcpy(out, &d, 8);
      }
      return true;
    }
    default:
      return false;
  }
}

// The shortest %g form (1 to 9 digits for f32, to 17 for f64) that reads
// back as the same value: round-trip exact like std::to_chars, without the
// 170 KB of tables libstdc++'s floating-point to_chars would add to the CLI.
template <typename T>
void format_float(char* buf, size_t size, T v) {
  const int max_digits = sizeof(T) == 4 ? 9 : 17;
  for (int digits = 1; digits <= max_digits; ++digits) {
    std::snprintf(buf, size, "%.*g", digits, double(v));
    T back = sizeof(T) == 4 ? T(std::strtof(buf, nullptr)) : T(std::strtod(buf, nullptr));
    if (back == v || std::isnan(v)) return;
  }
}

std::string format_value(ValType t, uint64_t bits) {
  char buf[64];
  switch (t) {
    case ValType::I32: std::snprintf(buf, sizeof buf, "%" PRId32, int32_t(uint32_t(bits))); break;
    case ValType::I64: std::snprintf(buf, sizeof buf, "%" PRId64, int64_t(bits)); break;
    case ValType::F32: {
      float f;
      uint32_t b = uint32_t(bits);
      std::memcpy(&f, &b, 4);
      format_float(buf, sizeof buf, f);
      break;
    }
    case ValType::F64: {
      double d;
      std::memcpy(&d, &bits, 8);
      format_float(buf, sizeof buf, d);
      break;
    }
    default:
      if (bits == 0) return "null";
      std::snprintf(buf, sizeof buf, "ref(0x%" PRIx64 ")", bits);
  }
  return buf;
}

// Accepts "--name=value" and "--name value"; advances {i} past what it used.
bool take_option(int argc, char** argv, int* i, const char* name, std::string* value) {
  const char* a = argv[*i];
  size_t n = std::strlen(name);
  if (std::strncmp(a, name, n) != 0) return false;
  if (a[n] == '=') {
    *value = a + n + 1;
    return true;
  }
  if (a[n] == 0 && *i + 1 < argc) {
    *value = argv[++*i];
    return true;
  }
  return false;
}

int parse_run_options(int argc, char** argv, RunOptions* o) {
  int i = 2;
  for (; i < argc; ++i) {
    std::string a = argv[i], v;
    if (a == "-h" || a == "--help") {
      print_run_help();
      return -1;
    }
    if (a == "--") {
      ++i;
      break;
    }
    if (a.size() < 2 || a[0] != '-') break;
    if (take_option(argc, argv, &i, "--mode", &v)) {
      if (v == "interp") o->mode = ExecMode::Interp;
      else if (v == "jit") o->mode = ExecMode::Jit;
      else if (v == "tiered") o->mode = ExecMode::Tiered;
      else return usage_error("unknown mode '" + v + "' (expected interp, jit or tiered)");
    } else if (take_option(argc, argv, &i, "--bounds", &v)) {
      if (v == "guard") o->bounds = BoundsMode::Guard;
      else if (v == "explicit") o->bounds = BoundsMode::Explicit;
      else return usage_error("unknown bounds mode '" + v + "' (expected guard or explicit)");
    } else if (take_option(argc, argv, &i, "--dir", &v) || take_option(argc, argv, &i, "--dir-ro", &v)) {
      // take_option leaves {a} as it was, so it still tells the two spellings apart.
      const bool read_only = a.compare(0, 8, "--dir-ro") == 0;
      size_t sep = v.find("::");
      Dir p;
      p.host_path = sep == std::string::npos ? v : v.substr(0, sep);
      p.guest_path = sep == std::string::npos ? v : v.substr(sep + 2);
      p.read_only = read_only;
      if (p.host_path.empty() || p.guest_path.empty())
        return usage_error(std::string("bad ") + (read_only ? "--dir-ro" : "--dir") + " '" + v +
                           "' (expected HOST or HOST::GUEST)");
      o->dirs.push_back(p);
    } else if (take_option(argc, argv, &i, "--env", &v)) {
      if (v.find('=') == std::string::npos || v[0] == '=') return usage_error("bad --env '" + v + "' (expected NAME=VALUE)");
      o->env.push_back(v);
    } else if (take_option(argc, argv, &i, "--invoke", &v)) {
      o->invoke = v;
      o->has_invoke = true;
    } else if (take_option(argc, argv, &i, "--tier-up-threshold", &v)) {
      uint32_t n = 0;
      auto r = std::from_chars(v.data(), v.data() + v.size(), n);
      if (r.ec != std::errc() || r.ptr != v.data() + v.size() || n == 0)
        return usage_error("bad --tier-up-threshold '" + v + "' (expected a positive integer)");
      o->tier_up_threshold = n;
    } else if (take_option(argc, argv, &i, "--compile-threads", &v)) {
      uint32_t n = 0;
      auto r = std::from_chars(v.data(), v.data() + v.size(), n);
      if (r.ec != std::errc() || r.ptr != v.data() + v.size() || n > 64)
        return usage_error("bad --compile-threads '" + v + "' (expected a number of threads, 0 to 64)");
      o->compile_threads = n;
    } else if (take_option(argc, argv, &i, "--jit-filter", &v)) {
      // N or N-M: function indices to compile; others stay interpreted.
      unsigned lo = 0, hi = 0;
      char dash = 0;
      int n = std::sscanf(v.c_str(), "%u%c%u", &lo, &dash, &hi);
      if (n == 1) hi = lo;
      else if (n != 3 || dash != '-' || hi < lo) return usage_error("bad --jit-filter '" + v + "' (expected N or N-M)");
      o->jit_filter = true;
      o->jit_filter_lo = lo;
      o->jit_filter_hi = hi;
    } else if (a == "--stats") {
      o->stats = true;
    } else if (a == "--jitdump") {
      o->jitdump = true;
    } else {
      return usage_error("unknown option '" + a + "'");
    }
  }
  if (i >= argc) return usage_error("no module given");
  o->file = argv[i++];
  for (; i < argc; ++i) o->args.push_back(argv[i]);
  return 0;
}

bool read_file(const std::string& path, std::vector<uint8_t>* out, std::string* err) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    *err = std::strerror(errno);
    return false;
  }
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
    std::fclose(f);
    *err = "is a directory";
    return false;
  }
  out->clear();
  uint8_t buf[1 << 16];
  size_t n;
  if (st.st_size > 0) out->reserve(size_t(st.st_size));
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out->insert(out->end(), buf, buf + n);
  bool ok = !std::ferror(f);
  std::fclose(f);
  if (!ok) *err = "read error";
  return ok;
}

void print_trap(const Trap& t) {
  std::fprintf(stderr, "error: trap: %s\n", t.message.c_str());
  if (!t.frames.empty()) {
    std::fprintf(stderr, "wasm backtrace:\n");
    // "  0: name (func[3] @0x1a2)": the function index and the module byte
    // offset of the function body's first instruction (see TrapFrame).
    for (size_t i = 0; i < t.frames.size(); ++i) {
      const TrapFrame& f = t.frames[i];
      std::string where;
      if (f.func_index != TrapFrame::kNoIndex) {
        where = " (func[" + std::to_string(f.func_index) + "]";
        if (f.code_offset != TrapFrame::kNoOffset) {
          char hex[24];
          std::snprintf(hex, sizeof hex, " @0x%llx", static_cast<unsigned long long>(f.code_offset));
          where += hex;
        }
        where += ")";
      }
      std::fprintf(stderr, "  %zu: %s%s\n", i, f.name.c_str(), where.c_str());
    }
  }
}

// "error: FILE: offset N: reason", as for every rejected module.
void print_decode_error(const std::string& file, const Error& e) {
  if (e.offset == Error::kNoOffset)
    std::fprintf(stderr, "error: %s: %s\n", file.c_str(), e.message.c_str());
  else
    std::fprintf(stderr, "error: %s: offset %" PRIu64 ": %s\n", file.c_str(), e.offset, e.message.c_str());
}

int validate_usage_error(const std::string& msg) {
  std::fprintf(stderr, "error: %s\n(see `brisk validate --help`)\n", msg.c_str());
  return kExitUsage;
}

// Exit status 0 for a valid module, 1 otherwise (with the error on stderr).
int cmd_validate(int argc, char** argv) {
  std::vector<std::string> files;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      std::printf("Usage: brisk validate FILE.wasm\n\nDecodes and validates FILE.wasm and runs nothing:\n"
                  "exit status 0 when it is a valid module brisk supports, else 1\n"
                  "with the reason and its byte offset on stderr.\n");
      return 0;
    }
    if (a.size() > 1 && a[0] == '-') return validate_usage_error("unknown option '" + a + "'");
    files.push_back(a);
  }
  if (files.size() != 1) return validate_usage_error(files.empty() ? "no module given" : "validate takes one module");
  std::vector<uint8_t> bytes;
  std::string err;
  if (!read_file(files[0], &bytes, &err)) {
    std::fprintf(stderr, "error: %s: cannot read: %s\n", files[0].c_str(), err.c_str());
    return kExitUsage;
  }
  auto mod = decode_module(std::move(bytes));
  if (!mod.ok()) {
    print_decode_error(files[0], mod.error());
    return kExitUsage;
  }
  return 0;
}

// WASI through the public API: argv (the file, then the guest's arguments
// unless --invoke takes them), --env, --dir, --dir-ro and the CLI's own stdio (a
// closed one stays closed to the guest: stdin at EOF, output discarded).
int define_wasi(const RunOptions& o, brisk_linker_t* linker) {
  std::unique_ptr<brisk_wasi_config_t, void (*)(brisk_wasi_config_t*)> wc(brisk_wasi_config_new(),
                                                                          brisk_wasi_config_delete);
  brisk_wasi_config_push_arg(wc.get(), o.file.c_str());
  if (!o.has_invoke)
    for (const std::string& a : o.args) brisk_wasi_config_push_arg(wc.get(), a.c_str());
  for (const std::string& v : o.env) {
    size_t eq = v.find('=');
    brisk_wasi_config_set_env(wc.get(), v.substr(0, eq).c_str(), v.c_str() + eq + 1);
  }
  for (const Dir& d : o.dirs)
    brisk_wasi_config_preopen_dir(wc.get(), d.host_path.c_str(), d.guest_path.c_str(),
                                  d.read_only ? BRISK_WASI_DIR_READ_ONLY : 0u);
  if (fcntl(0, F_GETFD) >= 0) brisk_wasi_config_set_stdin_fd(wc.get(), 0);
  if (fcntl(1, F_GETFD) >= 0) brisk_wasi_config_set_stdout_fd(wc.get(), 1);
  if (fcntl(2, F_GETFD) >= 0) brisk_wasi_config_set_stderr_fd(wc.get(), 2);
  brisk_result_t r = brisk_linker_define_wasi(linker, wc.get());
  if (r.status != BRISK_OK) {
    std::fprintf(stderr, "error: %s\n", r.message);
    return kExitUsage;
  }
  return 0;
}

int cmd_run(int argc, char** argv) {
  RunOptions o;
  int pr = parse_run_options(argc, argv, &o);
  if (pr != 0) return pr < 0 ? 0 : pr;
  if (o.mode == ExecMode::Tiered && !jit::jit_available()) o.mode = ExecMode::Interp;
  if (o.mode != ExecMode::Interp && !jit::jit_available()) {
    std::fprintf(stderr, "error: mode '%s' is not available: this build or CPU has no JIT\n",
                 o.mode == ExecMode::Jit ? "jit" : "tiered");
    return kExitUsage;
  }

  auto t0 = std::chrono::steady_clock::now();
  std::vector<uint8_t> bytes;
  std::string err;
  if (!read_file(o.file, &bytes, &err)) {
    std::fprintf(stderr, "error: %s: cannot read: %s\n", o.file.c_str(), err.c_str());
    return kExitUsage;
  }
  size_t wasm_size = bytes.size();
  auto mod = decode_module(std::move(bytes));
  if (!mod.ok()) {
    print_decode_error(o.file, mod.error());
    return kExitUsage;
  }
  auto t_decoded = std::chrono::steady_clock::now();

  EngineConfig cfg;
  cfg.mode = o.mode;
  cfg.time_compiles = o.stats;
  cfg.bounds = o.bounds;
  if (o.tier_up_threshold) cfg.tier_up_threshold = o.tier_up_threshold;
  cfg.compile_threads = o.compile_threads;
  cfg.jit_filter = o.jit_filter;
  cfg.jit_filter_lo = o.jit_filter_lo;
  cfg.jit_filter_hi = o.jit_filter_hi;
  if (o.jitdump) jit::jitdump_enable();
  // The store and linker are the C API's (brisk.h), so that WASI is set up
  // exactly as an embedder does it; the rest of the CLI uses the runtime
  // behind them directly (the JIT filter, statistics, trap printing).
  std::unique_ptr<brisk_store_t, void (*)(brisk_store_t*)> api_store(new brisk_store(cfg), brisk_store_delete);
  Store& store = api_store->store;
  brisk_linker_t* api_linker = brisk_linker_new(api_store.get());
  Linker& linker = brisk_api::slot_of(api_linker)->linker;  // handles are tagged: use the slot
  if (int rc = define_wasi(o, api_linker)) return rc;

  InstantiateResult ir = store.instantiate(mod.value(), linker);
  if (ir.link_error) {
    std::fprintf(stderr, "error: %s: %s\n", o.file.c_str(), ir.link_error->message.c_str());
    return kExitUsage;
  }
  if (ir.resource_error) {
    std::fprintf(stderr, "error: %s: %s\n", o.file.c_str(), ir.resource_error->message.c_str());
    return kExitUsage;
  }
  auto finish = [&](int code) {
    if (o.stats) {
      auto t1 = std::chrono::steady_clock::now();
      auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
      std::fprintf(stderr, "stats: module %zu bytes, decode+validate %.3f ms, total %.3f ms\n", wasm_size,
                   ms(t_decoded - t0), ms(t1 - t0));
      const jit::JitStats js = store.code_arena().snapshot();  // compile threads may still run
      if (js.functions) {
        double mbps = js.compile_seconds > 0 ? js.wasm_bytes / js.compile_seconds / 1e6 : 0;
        std::fprintf(stderr,
                     "stats: jit compiled %llu functions, %llu wasm code bytes -> %llu machine code bytes, "
                     "%.3f ms compile CPU time (%.1f MB/s of wasm code per compiling core)\n",
                     (unsigned long long)js.functions, (unsigned long long)js.wasm_bytes,
                     (unsigned long long)js.code_bytes, js.compile_seconds * 1e3, mbps);
      }
      if (js.simd_functions) {
        // Inline: v128 in vector registers; generic: a call of the
        // interpreter's SIMD function per op (jit/simd_compiler.inc).
        const char* why = jit::simd_generic_reason();
        std::fprintf(stderr, "stats: simd: %llu functions compiled, %llu SIMD ops inline, %llu through the generic path%s%s%s\n",
                     (unsigned long long)js.simd_functions, (unsigned long long)js.simd_inline_ops,
                     (unsigned long long)js.simd_generic_ops, why ? " (all: " : "", why ? why : "", why ? ")" : "");
      }
      if (js.failures)
        std::fprintf(stderr, "stats: %llu functions could not be compiled and ran in the interpreter\n",
                     (unsigned long long)js.failures);
      if (o.mode == ExecMode::Tiered)
        std::fprintf(stderr, "stats: tier-ups %llu, of which OSR entries %llu\n", (unsigned long long)js.tier_ups,
                     (unsigned long long)js.osr_entries);
    }
    return code;
  };
  if (ir.trap) {
    if (ir.trap->kind == TrapKind::Exit) return finish(ir.trap->exit_code);
    print_trap(*ir.trap);
    return finish(kExitTrap);
  }
  Instance* inst = ir.instance;

  if (o.has_invoke) {
    Function* f = inst->get_func(o.invoke);
    if (!f) {
      std::fprintf(stderr, "error: %s: no exported function '%s'\n", o.file.c_str(), o.invoke.c_str());
      return kExitUsage;
    }
    const FuncType& ft = *f->type;
    if (o.args.size() != ft.params.size()) {
      std::fprintf(stderr, "error: '%s' expects %zu argument(s) %s, got %zu\n", o.invoke.c_str(), ft.params.size(),
                   ft.to_string().c_str(), o.args.size());
      return kExitUsage;
    }
    std::vector<uint64_t> args(ft.params.size()), results(ft.results.size() + 1);
    for (size_t i = 0; i < args.size(); ++i) {
      if (!parse_value(o.args[i], ft.params[i], &args[i])) {
        std::fprintf(stderr, "error: argument %zu: '%s' is not a valid %s\n", i + 1, o.args[i].c_str(),
                     valtype_name(ft.params[i]));
        return kExitUsage;
      }
    }
    CallResult r = store.call(f, args.data(), results.data());
    if (r.trap) {
      if (r.trap->kind == TrapKind::Exit) return finish(r.trap->exit_code);
      print_trap(*r.trap);
      return finish(kExitTrap);
    }
    for (size_t i = 0; i < ft.results.size(); ++i) std::printf("%s\n", format_value(ft.results[i], results[i]).c_str());
    std::fflush(stdout);
    return finish(0);
  }

  Function* start = inst->get_func("_start");
  if (!start) {
    // A reactor or library module: instantiating it (and its start function) is the run.
    return finish(0);
  }
  if (!start->type->params.empty() || !start->type->results.empty()) {
    std::fprintf(stderr, "error: %s: _start must have type () -> (), not %s\n", o.file.c_str(),
                 start->type->to_string().c_str());
    return kExitUsage;
  }
  CallResult r = store.call(start, nullptr, nullptr);
  std::fflush(stdout);
  if (r.trap) {
    if (r.trap->kind == TrapKind::Exit) return finish(r.trap->exit_code);
    print_trap(*r.trap);
    return finish(kExitTrap);
  }
  return finish(0);
}

}  // namespace

#ifdef BRISK_STATIC_CXX_RUNTIME
// With libstdc++ linked statically, defining the runtime's terminate-handler
// variable here keeps its default (the verbose handler, which pulls in the
// 47 KB C++ demangler) out of the binary. This handler says the same in
// fewer words: the exception's what(), without its demangled type.
[[noreturn]] static void brisk_terminate() noexcept {
  if (std::exception_ptr e = std::current_exception()) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      std::fprintf(stderr, "brisk: fatal: uncaught exception: %s\n", x.what());
    } catch (...) {
      std::fputs("brisk: fatal: uncaught exception\n", stderr);
    }
  } else {
    std::fputs("brisk: fatal: std::terminate called\n", stderr);
  }
  std::abort();
}
namespace __cxxabiv1 {
std::terminate_handler __terminate_handler = brisk_terminate;
}  // namespace __cxxabiv1
#endif

int main(int argc, char** argv) {
  if (argc < 2) {
    print_main_help();
    return kExitUsage;
  }
  std::string cmd = argv[1];
  if (cmd == "-h" || cmd == "--help" || cmd == "help") {
    print_main_help();
    return 0;
  }
  if (cmd == "--version" || cmd == "-V") {
    std::printf("%s\n", kVersion);
    return 0;
  }
  if (cmd == "run") return cmd_run(argc, argv);
  if (cmd == "validate") return cmd_validate(argc, argv);
  std::fprintf(stderr, "error: unknown command '%s'\n", cmd.c_str());
  print_main_help();
  return kExitUsage;
}

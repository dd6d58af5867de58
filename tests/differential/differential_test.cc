// Differential test: every module of the spec test suite (converted with
// wast2json at test time) is instantiated once per execution configuration
// and every exported function is called with a fixed set of arguments; all
// configurations must agree with the interpreter on results (NaN payloads
// aside) and traps. This is how a miscompiling JIT function is found:
// BRISK_DIFF_FILTER=<file substring> narrows the run and failures name the
// module, the export and the arguments.
#include <gtest/gtest.h>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/module_decoder.h"
#include "jit/jit_runtime.h"
#include "runtime/objects.h"

using namespace brisk;

namespace {

std::vector<std::string> list_dir(const std::string& dir, const std::string& suffix) {
  std::vector<std::string> out;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n.size() > suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0)
        out.push_back(n);
    }
    closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<uint8_t> read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

// Resolves every import with a fresh object of the right type: functions
// return zeros, globals hold zero, memories and tables have their minimum.
void stub_imports(Store& store, Linker& linker, const Module& m) {
  for (const Import& imp : m.imports) {
    Extern e;
    e.kind = imp.kind;
    switch (imp.kind) {
      case ExternKind::Func: {
        const FuncType& ft = m.types[imp.func_type];
        size_t n = slot_count(ft.results);  // slot layout: a v128 takes two
        e.ptr = store.create_host_function(
            ft,
            [n](HostCall&, const uint64_t*, uint64_t* r) {
              for (size_t i = 0; i < n; ++i) r[i] = 0;
              return TrapKind::None;
            },
            imp.name);
        break;
      }
      case ExternKind::Global: e.ptr = store.create_global(imp.global, 0); break;
      case ExternKind::Memory: e.ptr = store.create_memory(imp.memory); break;
      case ExternKind::Table: e.ptr = store.create_table(imp.table, 0); break;
    }
    linker.define(imp.module, imp.name, e);
  }
}

uint64_t arg_value(ValType t, int variant, size_t i) {
  static const int32_t kI32[] = {0, 1, -1, 7, 0x7fffffff, int32_t(0x80000000), 100, 65536};
  static const int64_t kI64[] = {0, 1, -1, 7, INT64_MAX, INT64_MIN, 1000, 1ll << 32};
  static const double kF[] = {0.0, 1.5, -2.25, 1e10, -0.0, 3.0, NAN, INFINITY};
  int k = (variant + int(i) * 3) % 8;
  switch (t) {
    case ValType::I32: return uint32_t(kI32[k]);
    case ValType::I64: return uint64_t(kI64[k]);
    case ValType::F32: {
      float f = float(kF[k]);
      uint32_t b;
      std::memcpy(&b, &f, 4);
      return b;
    }
    case ValType::F64: {
      uint64_t b;
      std::memcpy(&b, &kF[k], 8);
      return b;
    }
    default: return 0;
  }
}

bool is_nan(ValType t, uint64_t b) {
  if (t == ValType::F32) return (b & 0x7f800000u) == 0x7f800000u && (b & 0x7fffffu);
  if (t == ValType::F64) return (b & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (b & 0xfffffffffffffull);
  return false;
}

// Interrupts calls that run longer than a time limit (some spec functions
// loop for a very long time with the arguments used here).
class Watchdog {
 public:
  Watchdog() : thread_([this] { loop(); }) {}
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> g(mu_);
      quit_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  void arm(Store* s) {
    std::lock_guard<std::mutex> g(mu_);
    store_ = s;
    deadline_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
    cv_.notify_all();
  }
  void disarm() {
    std::lock_guard<std::mutex> g(mu_);
    // Interrupts are sticky: one that landed after the call must not stop the next.
    if (fired_) fired_->clear_interrupt();
    fired_ = nullptr;
    store_ = nullptr;
  }

 private:
  void loop() {
    std::unique_lock<std::mutex> g(mu_);
    while (!quit_) {
      if (store_ && std::chrono::steady_clock::now() >= deadline_) {
        store_->interrupt();
        fired_ = store_;
        store_ = nullptr;
      }
      cv_.wait_for(g, std::chrono::milliseconds(10));
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  Store* store_ = nullptr;
  Store* fired_ = nullptr;
  std::chrono::steady_clock::time_point deadline_;
  bool quit_ = false;
  std::thread thread_;
};

struct Outcome {
  TrapKind trap = TrapKind::None;
  std::vector<uint64_t> results;
};

struct Config {
  const char* name;
  EngineConfig cfg;
};

std::vector<Config> configs() {
  std::vector<Config> c;
  EngineConfig interp;
  c.push_back({"interp", interp});
  EngineConfig explicit_bounds;
  explicit_bounds.bounds = BoundsMode::Explicit;
  c.push_back({"interp-explicit", explicit_bounds});
  if (jit::jit_available()) {
    EngineConfig jit;
    jit.mode = ExecMode::Jit;
    c.push_back({"jit", jit});
    jit.bounds = BoundsMode::Explicit;
    c.push_back({"jit-explicit", jit});
    EngineConfig tiered;
    tiered.mode = ExecMode::Tiered;
    tiered.tier_up_threshold = 1;
    c.push_back({"tiered-1", tiered});
  }
  return c;
}

class DifferentialTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/brisk-diff-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::string cmd = "rm -rf '" + dir_ + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }
  std::string dir_;
};

TEST_F(DifferentialTest, SpecModulesAgreeAcrossTiers) {
  const std::string core = std::string(BRISK_TESTSUITE_DIR) + "/core";
  const char* filter = std::getenv("BRISK_DIFF_FILTER");
  std::vector<Config> cfgs = configs();
  Watchdog watchdog;
  size_t modules = 0, calls = 0, mismatches = 0;
  for (const std::string& wast : list_dir(core, ".wast")) {
    if (filter && wast.find(filter) == std::string::npos) continue;
    std::string base = wast.substr(0, wast.size() - 5);
    std::string out = dir_ + "/" + base;
    mkdir(out.c_str(), 0755);
    std::string cmd = "wast2json '" + core + "/" + wast + "' -o '" + out + "/" + base + ".json' >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << "wast2json failed on " << wast;
    for (const std::string& wasm : list_dir(out, ".wasm")) {
      auto decoded = decode_module(read_all(out + "/" + wasm));
      if (!decoded.ok()) continue;  // malformed/invalid test modules
      std::shared_ptr<Module> m = decoded.value();
      // The calls to make: every exported function, with 3 argument variants.
      struct CallSpec {
        std::string name;
        uint32_t func;
        int variant;
      };
      std::vector<CallSpec> specs;
      for (const Export& e : m->exports)
        if (e.kind == ExternKind::Func)
          for (int variant = 0; variant < 3; ++variant) specs.push_back({e.name, e.index, variant});
      std::vector<std::vector<Outcome>> all(cfgs.size());
      bool instantiated_everywhere = true;
      for (size_t c = 0; c < cfgs.size() && instantiated_everywhere; ++c) {
        Store store(cfgs[c].cfg);
        Linker linker;
        stub_imports(store, linker, *m);
        InstantiateResult ir = store.instantiate(m, linker);
        if (!ir.instance || ir.link_error) {
          instantiated_everywhere = false;
          break;
        }
        for (const CallSpec& cs : specs) {
          Function* f = ir.instance->funcs[cs.func];
          const FuncType& ft = m->func_type(cs.func);
          // Arguments and results in slot layout: a v128 takes two slots
          // (its low and high halves: two i64 argument values).
          std::vector<uint64_t> args, res(slot_count(ft.results) + 1);
          for (size_t i = 0; i < ft.params.size(); ++i) {
            const ValType t = ft.params[i];
            args.push_back(arg_value(t == ValType::V128 ? ValType::I64 : t, cs.variant, i));
            if (t == ValType::V128) args.push_back(arg_value(ValType::I64, cs.variant + 1, i));
          }
          Outcome o;
          watchdog.arm(&store);
          CallResult r = store.call(f, args.data(), res.data());
          watchdog.disarm();
          if (r.trap) o.trap = r.trap->kind;
          else o.results.assign(res.begin(), res.begin() + slot_count(ft.results));
          all[c].push_back(o);
        }
      }
      if (!instantiated_everywhere) continue;
      modules++;
      for (size_t idx = 0; idx < specs.size(); ++idx) {
        const CallSpec& cs = specs[idx];
        const FuncType& ft = m->func_type(cs.func);
        calls++;
        const Outcome& ref = all[0][idx];
        if (ref.trap == TrapKind::Interrupted) continue;  // too slow to compare
        for (size_t c = 1; c < cfgs.size(); ++c) {
          const Outcome& o = all[c][idx];
          if (o.trap == TrapKind::Interrupted) continue;
          bool same = o.trap == ref.trap && o.results.size() == ref.results.size();
          // Per slot; both halves of a v128 compare bit for bit.
          std::vector<ValType> slot_types;
          for (ValType t : ft.results)
            for (uint32_t h = 0; h < val_slots(t); ++h) slot_types.push_back(t);
          for (size_t i = 0; same && i < o.results.size(); ++i) {
            ValType t = slot_types[i];
            if (t == ValType::FuncRef || t == ValType::ExternRef) {  // addresses differ per store
              same = (o.results[i] == 0) == (ref.results[i] == 0);
              continue;
            }
            if (is_nan(t, o.results[i]) && is_nan(t, ref.results[i])) continue;
            same = o.results[i] == ref.results[i];
          }
          if (!same) {
            mismatches++;
            ADD_FAILURE() << cfgs[c].name << " differs from interp: " << wast << " " << wasm << " export '"
                          << cs.name << "' variant " << cs.variant << ": trap " << trap_message(o.trap) << " vs "
                          << trap_message(ref.trap) << ", result " << (o.results.empty() ? 0 : o.results[0])
                          << " vs " << (ref.results.empty() ? 0 : ref.results[0]);
          }
        }
      }
    }
  }
  std::printf("differential: %zu modules, %zu calls x %zu configurations, %zu mismatches\n", modules, calls,
              cfgs.size(), mismatches);
  EXPECT_GT(modules, 500u);
}

}  // namespace

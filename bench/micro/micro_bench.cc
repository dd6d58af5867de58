// Google Benchmark micro-benchmarks of brisk's fixed costs: decode+validate,
// interpreter translation and JIT compilation throughput (bytes of wasm
// code per second), instantiation latency and host<->wasm call overhead.
// The input modules are the benchmark programs compiled to wasm32-wasi at
// build time (their directory is passed as BRISK_BENCH_WASM_DIR).
#include <benchmark/benchmark.h>

#include <dirent.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <thread>
#include <string>
#include <vector>

#include "core/module_decoder.h"
#include "interp/interp.h"
#include "jit/jit_runtime.h"
#include "runtime/cpu_control.h"
#include "runtime/objects.h"

using namespace brisk;

namespace {

struct Input {
  std::string name;
  std::vector<uint8_t> bytes;
};

const std::vector<Input>& inputs() {
  static const std::vector<Input> all = [] {
    std::vector<Input> v;
    const char* dir = BRISK_BENCH_WASM_DIR;
    if (DIR* d = opendir(dir)) {
      while (dirent* e = readdir(d)) {
        std::string n = e->d_name;
        if (n.size() < 5 || n.substr(n.size() - 5) != ".wasm") continue;
        std::ifstream in(std::string(dir) + "/" + n, std::ios::binary);
        v.push_back({n, std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {})});
      }
      closedir(d);
    }
    return v;
  }();
  return all;
}

// Every import resolved to a host function that traps (enough to instantiate).
void define_stub_imports(Store& store, Linker& linker, const Module& m) {
  for (const Import& imp : m.imports) {
    if (imp.kind != ExternKind::Func) continue;
    Function* f = store.create_host_function(
        m.types[imp.func_type], [](HostCall& c, const uint64_t*, uint64_t*) { return c.trap("stub"); },
        imp.module + "." + imp.name);
    linker.define(imp.module, imp.name, Extern{ExternKind::Func, f});
  }
}

// The instance, or null after marking the benchmark skipped with the
// reason (no address space for a memory, as under valgrind, say).
Instance* instantiate_or_skip(benchmark::State& state, Store& store, std::shared_ptr<const Module> m,
                              const Linker& linker) {
  InstantiateResult r = store.instantiate(std::move(m), linker);
  if (r.ok()) return r.instance;
  const std::string why = r.resource_error ? r.resource_error->to_string()
                          : r.link_error   ? r.link_error->to_string()
                          : r.trap         ? r.trap->message
                                           : "instantiation failed";
  state.SkipWithError(("instantiate: " + why).c_str());
  return nullptr;
}

uint64_t code_bytes(const Module& m) {
  uint64_t n = 0;
  for (const FuncBody& b : m.bodies) n += b.code_end - b.code_offset;
  return n;
}

void BM_DecodeValidate(benchmark::State& state) {
  uint64_t bytes = 0;
  for (auto _ : state) {
    for (const Input& in : inputs()) {
      auto m = decode_module(in.bytes);
      benchmark::DoNotOptimize(m.ok());
      bytes += in.bytes.size();
    }
  }
  state.SetBytesProcessed(int64_t(bytes));
}
BENCHMARK(BM_DecodeValidate)->Unit(benchmark::kMillisecond);

// Translates (interp) or compiles (jit) every function of every input.
void prepare_all(benchmark::State& state, ExecMode mode) {
  uint64_t bytes = 0;
  std::vector<std::unique_ptr<Store>> stores;
  std::vector<Instance*> insts;
  for (auto _ : state) {
    state.PauseTiming();
    stores.clear();  // destroying code arenas is not compilation
    insts.clear();
    for (const Input& in : inputs()) {
      auto m = decode_module(in.bytes);
      EngineConfig cfg;
      cfg.mode = mode;
      stores.push_back(std::make_unique<Store>(cfg));
      Linker linker;
      define_stub_imports(*stores.back(), linker, *m.value());
      Instance* inst = instantiate_or_skip(state, *stores.back(), m.value(), linker);
      if (!inst) return;
      insts.push_back(inst);
      bytes += code_bytes(*m.value());
    }
    state.ResumeTiming();
    for (Instance* inst : insts)
      for (Function* f : inst->funcs) {
        if (f->host) continue;
        if (mode == ExecMode::Jit)
          benchmark::DoNotOptimize(jit::compile_function(f));
        else
          benchmark::DoNotOptimize(interp_prepare(f));
      }
  }
  state.SetBytesProcessed(int64_t(bytes));
}
void BM_InterpTranslate(benchmark::State& state) { prepare_all(state, ExecMode::Interp); }
void BM_JitCompile(benchmark::State& state) {
  if (!jit::jit_available()) {
    state.SkipWithError("no JIT on this machine");
    return;
  }
  prepare_all(state, ExecMode::Jit);
}
BENCHMARK(BM_InterpTranslate)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_JitCompile)->Unit(benchmark::kMillisecond);

// JIT compile throughput on one large module (issue 15.3: the goal is 50 MB/s
// of function-body bytes on one core), every function compiled once per
// iteration. Built on request (not part of `all`):
// - BM_JitCompileLarge: bench/gen_manyfuncs.py with 30000 small functions,
//   ~1.7 MB of code (target brisk_bench_large_wasm; clang takes a minute);
// - BM_JitCompileReal: bench/large_rs.rs, ~2 MB of rustc's code for std
//   collections and formatting, 2600 functions of all sizes (target
//   brisk_bench_real_wasm; rustc takes minutes).
void compile_module_file(benchmark::State& state, const char* path, const char* target) {
  if (!jit::jit_available()) {
    state.SkipWithError("no JIT on this machine");
    return;
  }
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
  if (bytes.empty()) {
    state.SkipWithError((std::string("missing ") + path + ": build the target " + target).c_str());
    return;
  }
  auto m = decode_module(bytes).value();
  uint64_t total = 0;
  for (auto _ : state) {
    state.PauseTiming();
    EngineConfig cfg;
    cfg.mode = ExecMode::Jit;
    auto store = std::make_unique<Store>(cfg);
    Linker linker;
    define_stub_imports(*store, linker, *m);
    Instance* inst = instantiate_or_skip(state, *store, m, linker);
    if (!inst) return;
    state.ResumeTiming();
    for (Function* f : inst->funcs)
      if (!f->host) benchmark::DoNotOptimize(jit::compile_function(f));
    state.PauseTiming();
    total += code_bytes(*m);
    store.reset();
    state.ResumeTiming();
  }
  state.SetBytesProcessed(int64_t(total));
  state.SetLabel(std::to_string(code_bytes(*m) / 1024) + " KiB of code");
}
void BM_JitCompileLarge(benchmark::State& state) {
  compile_module_file(state, BRISK_BENCH_LARGE_WASM, "brisk_bench_large_wasm");
}
void BM_JitCompileReal(benchmark::State& state) {
  compile_module_file(state, BRISK_BENCH_REAL_WASM, "brisk_bench_real_wasm");
}
BENCHMARK(BM_JitCompileReal)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_JitCompileLarge)->Unit(benchmark::kMillisecond);

void BM_Instantiate(benchmark::State& state) {
  const Input* biggest = nullptr;
  for (const Input& in : inputs())
    if (!biggest || in.bytes.size() > biggest->bytes.size()) biggest = &in;
  if (!biggest) {
    state.SkipWithError("no inputs");
    return;
  }
  auto m = decode_module(biggest->bytes).value();
  for (auto _ : state) {
    Store store;
    Linker linker;
    define_stub_imports(store, linker, *m);
    auto r = store.instantiate(m, linker);
    benchmark::DoNotOptimize(r.instance);
  }
  state.SetLabel(biggest->name);
}
BENCHMARK(BM_Instantiate)->Unit(benchmark::kMicrosecond);

// A wasm function that calls an imported host function: both directions.
const std::vector<uint8_t> kCallModule = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f,                    // type (i32)->i32
    0x02, 0x09, 0x01, 0x01, 0x68, 0x03, 0x69, 0x6e, 0x63, 0x00, 0x00,  // import h.inc
    0x03, 0x02, 0x01, 0x00,                                            // func 1: type 0
    0x07, 0x07, 0x01, 0x03, 0x72, 0x75, 0x6e, 0x00, 0x01,              // export "run"
    0x0a, 0x08, 0x01, 0x06, 0x00, 0x20, 0x00, 0x10, 0x00, 0x0b,        // run(x) = inc(x)
};

void call_overhead(benchmark::State& state, ExecMode mode) {
  if (mode != ExecMode::Interp && !jit::jit_available()) {
    state.SkipWithError("no JIT on this machine");
    return;
  }
  EngineConfig cfg;
  cfg.mode = mode;
  Store store(cfg);
  Linker linker;
  FuncType t{{ValType::I32}, {ValType::I32}};
  Function* inc = store.create_host_function(
      t, [](HostCall&, const uint64_t* a, uint64_t* r) { r[0] = uint32_t(a[0] + 1); return TrapKind::None; }, "inc");
  linker.define("h", "inc", Extern{ExternKind::Func, inc});
  Instance* inst = instantiate_or_skip(state, store, decode_module(kCallModule).value(), linker);
  if (!inst) return;
  Function* run = inst->get_func("run");
  uint64_t arg = 0, res = 0;
  for (auto _ : state) {
    store.call(run, &arg, &res);
    arg = res;
  }
  benchmark::DoNotOptimize(res);
}
void BM_HostWasmCallInterp(benchmark::State& state) { call_overhead(state, ExecMode::Interp); }
void BM_HostWasmCallJit(benchmark::State& state) { call_overhead(state, ExecMode::Jit); }
BENCHMARK(BM_HostWasmCallInterp);
BENCHMARK(BM_HostWasmCallJit);

// CPU-control overhead on a loop-heavy and a call-heavy kernel:
//   (func $fib (param i32) (result i32)   ;; recursion only
//     (if (result i32) (i32.lt_s n 2) (then n) (else (fib(n-1) + fib(n-2)))))
//   (func $loop (param $n i32) (result i32)  ;; 3 locals ops + 7 ALU ops per iteration
//     (loop (acc = (acc * 31 + i) ^ (acc >> 3)) (i = i + 1) (br_if (i <u n))) acc)
const std::vector<uint8_t> kCpuKernels = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x03, 0x03,
    0x02, 0x00, 0x00, 0x07, 0x0e, 0x02, 0x03, 0x66, 0x69, 0x62, 0x00, 0x00, 0x04, 0x6c, 0x6f, 0x6f, 0x70, 0x00,
    0x01, 0x0a, 0x46, 0x02, 0x1c, 0x00, 0x20, 0x00, 0x41, 0x02, 0x48, 0x04, 0x7f, 0x20, 0x00, 0x05, 0x20, 0x00,
    0x41, 0x01, 0x6b, 0x10, 0x00, 0x20, 0x00, 0x41, 0x02, 0x6b, 0x10, 0x00, 0x6a, 0x0b, 0x0b, 0x27, 0x01, 0x02,
    0x7f, 0x03, 0x40, 0x20, 0x02, 0x41, 0x1f, 0x6c, 0x20, 0x01, 0x6a, 0x20, 0x02, 0x41, 0x03, 0x76, 0x73, 0x21,
    0x02, 0x20, 0x01, 0x41, 0x01, 0x6a, 0x21, 0x01, 0x20, 0x01, 0x20, 0x00, 0x49, 0x0d, 0x00, 0x0b, 0x20, 0x02,
    0x0b};

// range(0): 0 interp, 1 jit; range(1): 0 loop, 1 fib; range(2): 0 off,
// 1 fuel, 2 epoch (deadline far, engine ticked every ms), 3 epoch with the
// deadline reached every tick and extended by the callback.
void BM_CpuControl(benchmark::State& state) {
  const ExecMode mode = state.range(0) ? ExecMode::Jit : ExecMode::Interp;
  const bool fib = state.range(1) == 1;
  const int setting = int(state.range(2));
  if (mode == ExecMode::Jit && !jit::jit_available()) {
    state.SkipWithError("no JIT on this machine");
    return;
  }
  EngineConfig cfg;
  cfg.mode = mode;
  cfg.consume_fuel = setting == 1;
  auto engine = std::make_shared<Engine>();
  Store store(cfg, engine);
  Linker linker;
  Instance* inst = instantiate_or_skip(state, store, decode_module(kCpuKernels).value(), linker);
  if (!inst) return;
  Function* f = inst->get_func(fib ? "fib" : "loop");
  uint64_t arg = fib ? 25 : 1000000, res = 0;
  store.set_fuel(UINT64_MAX);
  if (setting == 2) store.cpu().set_epoch_deadline(UINT64_MAX / 2);
  if (setting == 3) {
    store.cpu().set_epoch_deadline(1);
    store.cpu().set_epoch_callback([] { return EpochDecision{false, 1}; });
  }
  std::atomic<bool> stop{false};
  std::thread ticker;
  if (setting >= 2)
    ticker = std::thread([&] {
      while (!stop.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        engine->increment_epoch();
      }
    });
  store.call(f, &arg, &res);  // compile outside the timing
  for (auto _ : state) {
    store.set_fuel(UINT64_MAX);
    CallResult cr = store.call(f, &arg, &res);
    if (!cr.ok()) state.SkipWithError(cr.trap->message.c_str());
    benchmark::DoNotOptimize(res);
  }
  stop.store(true);
  if (ticker.joinable()) ticker.join();
  static const char* const kSettings[] = {"off", "fuel", "epoch", "epoch-extend"};
  state.SetLabel(std::string(mode == ExecMode::Jit ? "jit " : "interp ") + (fib ? "fib(25) " : "loop(1e6) ") +
                 kSettings[setting]);
}
BENCHMARK(BM_CpuControl)
    ->ArgsProduct({{0, 1}, {0, 1}, {0, 1, 2, 3}})
    ->Unit(benchmark::kMillisecond);

// Interpreter wasm->wasm call cost: a loop making two calls per iteration,
// to a two-int leaf and to an if/else function (results through a label,
// so the return path's br threading and ret_copy are measured too).
// (func $leaf (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
// (func $pick (param $x i32) (result i32)
//   (if (result i32) (i32.and (local.get $x) (i32.const 1))
//     (then (i32.mul (local.get $x) (i32.const 3))) (else (i32.shr_u (local.get $x) (i32.const 1)))))
// (func (export "calls") (param $n i32) (result i32) (local $i i32) (local $acc i32)
//   (loop $l (local.set $acc (call $leaf (local.get $acc) (call $pick (local.get $i))))
//     (local.set $i (i32.add (local.get $i) (i32.const 1)))
//     (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
//   (local.get $acc))
const std::vector<uint8_t> kCallKernels = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0c, 0x02, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60,
    0x01, 0x7f, 0x01, 0x7f, 0x03, 0x04, 0x03, 0x00, 0x01, 0x01, 0x07, 0x09, 0x01, 0x05, 0x63, 0x61, 0x6c, 0x6c,
    0x73, 0x00, 0x02, 0x0a, 0x41, 0x03, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b, 0x15, 0x00, 0x20, 0x00,
    0x41, 0x01, 0x71, 0x04, 0x7f, 0x20, 0x00, 0x41, 0x03, 0x6c, 0x05, 0x20, 0x00, 0x41, 0x01, 0x76, 0x0b, 0x0b,
    0x21, 0x01, 0x02, 0x7f, 0x03, 0x40, 0x20, 0x02, 0x20, 0x01, 0x10, 0x01, 0x10, 0x00, 0x21, 0x02, 0x20, 0x01,
    0x41, 0x01, 0x6a, 0x21, 0x01, 0x20, 0x01, 0x20, 0x00, 0x49, 0x0d, 0x00, 0x0b, 0x20, 0x02, 0x0b};

// range(0): 0 fuel off, 1 fuel on. Items: wasm->wasm calls.
void BM_InterpCalls(benchmark::State& state) {
  constexpr uint64_t kIterations = 100000;
  EngineConfig cfg;
  cfg.mode = ExecMode::Interp;
  cfg.consume_fuel = state.range(0) == 1;
  Store store(cfg);
  Linker linker;
  Instance* inst = instantiate_or_skip(state, store, decode_module(kCallKernels).value(), linker);
  if (!inst) return;
  Function* f = inst->get_func("calls");
  uint64_t arg = kIterations, res = 0;
  for (auto _ : state) {
    store.set_fuel(UINT64_MAX);
    CallResult cr = store.call(f, &arg, &res);
    if (!cr.ok()) state.SkipWithError(cr.trap->message.c_str());
    benchmark::DoNotOptimize(res);
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(2 * kIterations));
}
BENCHMARK(BM_InterpCalls)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();

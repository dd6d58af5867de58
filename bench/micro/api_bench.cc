// Google Benchmark micro-benchmarks of the C embedding API's fixed costs
// (include/brisk/brisk.h only): a host->guest call and a guest->host call
// of a two-int function, and instantiating a small module from a module
// and from an instance_pre (instance deleted each time, so memories are
// really created and released: through the engine's memory pool, and
// without it for comparison).
#include <benchmark/benchmark.h>

#include <vector>

#include "brisk/brisk.h"
#include "small_module.h"

namespace {

int raw_inc(void*, const uint64_t* args, uint64_t* results, const char**) {
  results[0] = uint32_t(args[0] + args[1]);
  return 0;
}
const char* caller_inc(brisk_caller_t*, void*, const brisk_val_t* args, size_t, brisk_val_t* results, size_t) {
  results[0].of.i32 = args[0].of.i32 + args[1].of.i32;
  return nullptr;
}

struct Env {
  brisk_store_t* store = nullptr;
  brisk_module_t* module = nullptr;
  brisk_linker_t* linker = nullptr;
  brisk_instance_t* inst = nullptr;
  Env(brisk_mode_t mode, bool caller_flavour) {
    brisk_config_t cfg;
    brisk_config_default(&cfg);
    cfg.mode = mode;
    store = brisk_store_new(&cfg);
    brisk_module_new(store, kSmall, sizeof kSmall, &module);
    linker = brisk_linker_new(store);
    const brisk_valtype_t t[2] = {BRISK_I32, BRISK_I32};
    if (caller_flavour) {
      brisk_func_t* f = nullptr;
      brisk_func_new(store, t, 2, t, 1, caller_inc, nullptr, nullptr, &f);
      brisk_extern_t x;
      x.kind = BRISK_EXTERN_FUNC;
      x.of.func = f;
      brisk_linker_define(linker, "host", "inc", &x);
    } else {
      brisk_linker_define_func(linker, "host", "inc", t, 2, t, 1, raw_inc, nullptr);
    }
    brisk_instantiate(linker, module, &inst);
  }
  ~Env() { brisk_store_delete(store); }
};

void host_to_guest(benchmark::State& state, brisk_mode_t mode) {
  Env env(mode, false);
  brisk_func_t* add = brisk_instance_func(env.inst, "add");
  brisk_val_t args[2], res;
  args[0].type = args[1].type = BRISK_I32;
  args[0].of.i32 = 1;
  args[1].of.i32 = 2;
  for (auto _ : state) {
    brisk_func_call(env.store, add, args, 2, &res, 1);
    args[0].of.i32 = res.of.i32 & 0xffff;
  }
  benchmark::DoNotOptimize(res);
}

// Per host call: the wasm loop makes {kCalls} calls per iteration.
void guest_to_host(benchmark::State& state, brisk_mode_t mode, bool caller_flavour) {
  constexpr int kCalls = 1000;
  Env env(mode, caller_flavour);
  brisk_func_t* loop = brisk_instance_func(env.inst, "loop_host");
  brisk_val_t n, res;
  n.type = BRISK_I32;
  n.of.i32 = kCalls;
  for (auto _ : state) brisk_func_call(env.store, loop, &n, 1, &res, 1);
  if (res.of.i32 != kCalls) state.SkipWithError("wrong result");
  state.SetItemsProcessed(int64_t(state.iterations()) * kCalls);
}

void BM_ApiHostToGuestCallInterp(benchmark::State& s) { host_to_guest(s, BRISK_MODE_INTERP); }
void BM_ApiHostToGuestCallJit(benchmark::State& s) { host_to_guest(s, BRISK_MODE_JIT); }
void BM_ApiGuestToHostCallInterp(benchmark::State& s) { guest_to_host(s, BRISK_MODE_INTERP, false); }
void BM_ApiGuestToHostCallJit(benchmark::State& s) { guest_to_host(s, BRISK_MODE_JIT, false); }
void BM_ApiGuestToHostCallerCallJit(benchmark::State& s) { guest_to_host(s, BRISK_MODE_JIT, true); }
BENCHMARK(BM_ApiHostToGuestCallInterp);
BENCHMARK(BM_ApiHostToGuestCallJit);
BENCHMARK(BM_ApiGuestToHostCallInterp);
BENCHMARK(BM_ApiGuestToHostCallJit);
BENCHMARK(BM_ApiGuestToHostCallerCallJit);

void BM_ApiInstantiate(benchmark::State& state) {
  Env env(BRISK_MODE_TIERED, false);
  for (auto _ : state) {
    brisk_instance_t* inst = nullptr;
    brisk_instantiate(env.linker, env.module, &inst);
    brisk_instance_delete(inst);
  }
}
void BM_ApiInstantiatePre(benchmark::State& state) {
  Env env(BRISK_MODE_TIERED, false);
  brisk_instance_pre_t* pre = nullptr;
  brisk_instance_pre_new(env.linker, env.module, &pre);
  for (auto _ : state) {
    brisk_instance_t* inst = nullptr;
    brisk_instance_pre_instantiate(pre, &inst);
    brisk_instance_delete(inst);
  }
}
BENCHMARK(BM_ApiInstantiate)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ApiInstantiatePre)->Unit(benchmark::kMicrosecond);

// The same with the engine's memory pool off: every instantiation maps a
// fresh 8 GiB reservation and every deletion unmaps it (what the pool saves).
void BM_ApiInstantiatePreNoPool(benchmark::State& state) {
  brisk_engine_t* engine = brisk_engine_new();
  brisk_memory_pool_config_t pool;
  brisk_memory_pool_config_default(&pool);
  pool.max_memories = 0;
  brisk_engine_set_memory_pool(engine, &pool);
  brisk_config_t cfg;
  brisk_config_default(&cfg);
  cfg.mode = BRISK_MODE_TIERED;
  brisk_store_t* store = brisk_store_new_in(engine, &cfg);
  brisk_module_t* module = nullptr;
  brisk_module_new(store, kSmall, sizeof kSmall, &module);
  brisk_linker_t* linker = brisk_linker_new(store);
  const brisk_valtype_t t[2] = {BRISK_I32, BRISK_I32};
  brisk_linker_define_func(linker, "host", "inc", t, 2, t, 1, raw_inc, nullptr);
  brisk_instance_pre_t* pre = nullptr;
  brisk_instance_pre_new(linker, module, &pre);
  for (auto _ : state) {
    brisk_instance_t* inst = nullptr;
    brisk_instance_pre_instantiate(pre, &inst);
    brisk_instance_delete(inst);
  }
  brisk_store_delete(store);
  brisk_engine_delete(engine);
}
BENCHMARK(BM_ApiInstantiatePreNoPool)->Unit(benchmark::kMicrosecond);

// A module shaped like a Rust wasm32-wasi program's memory: 17 initial pages
// (1.1 MiB, past the pool's memset-everything size, so it is recycled
// through mincore + madvise) and a 17 KiB data segment. Arg: pool on (1) or off (0).
void put_leb(std::vector<unsigned char>& out, uint32_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(v ? uint8_t(b | 0x80) : b);
  } while (v);
}
std::vector<unsigned char> rust_sized_module() {
  constexpr uint32_t kData = 17 * 1024;
  std::vector<unsigned char> m = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
                                  0x05, 0x03, 0x01, 0x00, 0x11};  // memory: min 17 pages
  std::vector<unsigned char> seg = {0x01, 0x00, 0x41, 0x80, 0x08, 0x0b};  // one active segment at 1024
  put_leb(seg, kData);
  for (uint32_t i = 0; i < kData; ++i) seg.push_back(uint8_t(i * 7));
  m.push_back(0x0b);  // data section
  put_leb(m, uint32_t(seg.size()));
  m.insert(m.end(), seg.begin(), seg.end());
  return m;
}
void BM_ApiInstantiateRustSized(benchmark::State& state) {
  brisk_engine_t* engine = brisk_engine_new();
  brisk_memory_pool_config_t pool;
  brisk_memory_pool_config_default(&pool);
  if (state.range(0) == 0) pool.max_memories = 0;
  brisk_engine_set_memory_pool(engine, &pool);
  brisk_config_t cfg;
  brisk_config_default(&cfg);
  brisk_store_t* store = brisk_store_new_in(engine, &cfg);
  const std::vector<unsigned char> bytes = rust_sized_module();
  brisk_module_t* module = nullptr;
  if (brisk_module_new(store, bytes.data(), bytes.size(), &module).status != BRISK_OK) {
    state.SkipWithError("module rejected");
    return;
  }
  brisk_linker_t* linker = brisk_linker_new(store);
  brisk_instance_pre_t* pre = nullptr;
  brisk_instance_pre_new(linker, module, &pre);
  for (auto _ : state) {
    brisk_instance_t* inst = nullptr;
    brisk_instance_pre_instantiate(pre, &inst);
    size_t size = 0;
    uint8_t* mem = brisk_instance_memory(inst, &size);
    mem[size - 100] = 1;  // the guest's stack at the top of its memory
    brisk_instance_delete(inst);
  }
  brisk_store_delete(store);
  brisk_engine_delete(engine);
}
BENCHMARK(BM_ApiInstantiateRustSized)->Arg(1)->Arg(0)->Unit(benchmark::kMicrosecond);

}  // namespace

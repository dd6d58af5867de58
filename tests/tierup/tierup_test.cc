// Behaviour across tier boundaries (issue: tier-up and OSR): a trap, a deep
// recursion, an indirect call and a host call, each happening across a
// tier-up or an on-stack replacement, must behave exactly as in the
// interpreter. Every test runs in interp, jit, and tiered with thresholds
// 1 (tier-up and OSR at once) and 7 (mixed stacks), each tiered variant
// with compilation on the calling thread and on background compile
// threads (with the test hook that makes a request wait for its worker,
// so tier-up happens at the same points). BackgroundCompile tests the
// asynchronous path without that hook.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <iterator>
#include <thread>

#include "core/module_decoder.h"
#include "jit/compile_queue.h"
#include "jit/jit_runtime.h"
#include "jit/tuning.h"
#include "runtime/cpu_control.h"
#include "runtime/objects.h"

using namespace brisk;

namespace {

struct Param {
  const char* name;
  ExecMode mode;
  uint32_t threshold;
  uint32_t compile_threads = 0;
};

class TierUpTest : public ::testing::TestWithParam<Param> {
 protected:
  void SetUp() override {
    if (GetParam().mode != ExecMode::Interp && !jit::jit_available()) GTEST_SKIP() << "no JIT on this machine";
    std::ifstream in(BRISK_TIERUP_WASM, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
    auto m = decode_module(std::move(bytes));
    ASSERT_TRUE(m.ok()) << m.error().to_string();
    EngineConfig cfg;
    cfg.mode = GetParam().mode;
    cfg.tier_up_threshold = GetParam().threshold;
    cfg.compile_threads = GetParam().compile_threads;
    cfg.wait_for_background_compiles = true;
    store_ = std::make_unique<Store>(cfg);
    if (GetParam().mode != ExecMode::Interp && jit::concurrent_code_writes_supported()) {
      ASSERT_EQ(store_->compile_queue() != nullptr, GetParam().compile_threads > 0);
    }
    FuncType i2i{{ValType::I32}, {ValType::I32}};
    linker_.define("host", "inc",
                   Extern{ExternKind::Func, store_->create_host_function(
                                                i2i,
                                                [](HostCall&, const uint64_t* a, uint64_t* r) {
                                                  r[0] = uint32_t(a[0] + 1);
                                                  return TrapKind::None;
                                                },
                                                "inc")});
    linker_.define("host", "fail",
                   Extern{ExternKind::Func, store_->create_host_function(
                                                FuncType{{ValType::I32}, {}},
                                                [](HostCall& c, const uint64_t* a, uint64_t*) {
                                                  return c.trap("host failed at " + std::to_string(a[0]));
                                                },
                                                "fail")});
    // Calls back into wasm: sum_to(i % 5).
    linker_.define("host", "reenter",
                   Extern{ExternKind::Func, store_->create_host_function(
                                                i2i,
                                                [this](HostCall&, const uint64_t* a, uint64_t* r) {
                                                  uint64_t arg = a[0] % 5, res = 0;
                                                  CallResult cr = store_->call(sum_to_, &arg, &res);
                                                  if (cr.trap) return TrapKind::Host;
                                                  r[0] = res;
                                                  return TrapKind::None;
                                                },
                                                "reenter")});
    auto r = store_->instantiate(m.value(), linker_);
    ASSERT_TRUE(r.ok());
    inst_ = r.instance;
    sum_to_ = inst_->get_func("sum_to");
  }

  CallResult call(const char* name, std::vector<uint64_t> args, uint64_t* result) {
    Function* f = inst_->get_func(name);
    EXPECT_NE(f, nullptr) << name;
    uint64_t res[2] = {0, 0};
    CallResult r = store_->call(f, args.data(), res);
    if (result) *result = res[0];
    return r;
  }

  std::unique_ptr<Store> store_;
  Linker linker_;
  Instance* inst_ = nullptr;
  Function* sum_to_ = nullptr;
};

TEST_P(TierUpTest, TrapAfterOsrHasPreciseKindAndBacktrace) {
  CallResult r = call("loop_then_trap", {10000}, nullptr);
  ASSERT_TRUE(r.trap);
  EXPECT_EQ(r.trap->kind, TrapKind::IntDivByZero);
  ASSERT_FALSE(r.trap->frames.empty());
  EXPECT_EQ(r.trap->frames[0].name, "loop_then_trap");
  if (GetParam().mode == ExecMode::Tiered) {
    EXPECT_GT(store_->code_arena().stats.osr_entries, 0u);
  }
}

TEST_P(TierUpTest, LoopResultsSurviveOsr) {
  uint64_t v = 0;
  ASSERT_FALSE(call("sum_to", {100000}, &v).trap);
  EXPECT_EQ(uint32_t(v), uint32_t(100000ull * 100001ull / 2));
  if (GetParam().mode == ExecMode::Tiered) {
    EXPECT_GT(store_->code_arena().stats.osr_entries, 0u);
  }
  ASSERT_FALSE(call("sum_to", {3}, &v).trap);  // again, now compiled
  EXPECT_EQ(v, 6u);
}

TEST_P(TierUpTest, DeepRecursionAcrossTiers) {
  uint64_t v = 0;
  for (uint64_t n : {10u, 1000u, 50000u}) {
    ASSERT_FALSE(call("depth", {n}, &v).trap) << n;
    EXPECT_EQ(v, n);
  }
  CallResult r = call("forever", {1}, nullptr);
  ASSERT_TRUE(r.trap);
  EXPECT_EQ(r.trap->kind, TrapKind::StackExhausted);
  // The store is usable afterwards.
  ASSERT_FALSE(call("depth", {100}, &v).trap);
  EXPECT_EQ(v, 100u);
}

TEST_P(TierUpTest, IndirectCallsAcrossTiers) {
  uint64_t v = 0;
  ASSERT_FALSE(call("indirect_loop", {1000}, &v).trap);
  uint64_t expect = 0;
  for (uint64_t i = 0; i < 1000; ++i) expect += (i & 1) ? i * 3 : i * 2;
  EXPECT_EQ(v, expect);
  CallResult r = call("indirect_bad", {0}, nullptr);
  ASSERT_TRUE(r.trap);
  EXPECT_EQ(r.trap->kind, TrapKind::IndirectCallTypeMismatch);
  r = call("indirect_bad", {3}, nullptr);
  ASSERT_TRUE(r.trap);
  EXPECT_EQ(r.trap->kind, TrapKind::UninitializedElement);
  r = call("indirect_bad", {99}, nullptr);
  ASSERT_TRUE(r.trap);
  EXPECT_EQ(r.trap->kind, TrapKind::UndefinedElement);
}

TEST_P(TierUpTest, HostCallsAndReentryAcrossOsr) {
  uint64_t v = 0;
  ASSERT_FALSE(call("host_loop", {500}, &v).trap);
  uint64_t expect = 0;
  for (uint64_t i = 0; i < 500; ++i) {
    expect += 1;
    uint64_t k = i % 5;
    expect += k * (k + 1) / 2;
  }
  EXPECT_EQ(v, expect);
  if (GetParam().mode == ExecMode::Tiered) {
    EXPECT_GT(store_->code_arena().stats.tier_ups, 0u);
  }
  CallResult r = call("host_trap_in_loop", {5000}, nullptr);
  ASSERT_TRUE(r.trap);
  EXPECT_EQ(r.trap->kind, TrapKind::Host);
  EXPECT_EQ(r.trap->message, "host failed at 5000");
  ASSERT_FALSE(r.trap->frames.empty());
  EXPECT_EQ(r.trap->frames[0].name, "host_trap_in_loop");
}

// Issue 14: v128 values in locals, params, results, a block result, select
// and a global, live across tier-up and OSR, give the interpreter's result;
// an out-of-bounds v128 load traps precisely (kind and frame) in any tier.
TEST_P(TierUpTest, SimdValuesAcrossOsrAndPreciseSimdTrap) {
  const uint32_t n = 3000;
  uint32_t acc[4] = {0, 0, 0, 0};
  const uint32_t one[4] = {1, 2, 3, 4};
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t sel[4];
    for (int l = 0; l < 4; ++l) sel[l] = (i & 1) ? one[l] : acc[l];  // $gv holds the last $acc
    for (int l = 0; l < 4; ++l) acc[l] += sel[l] * i;
  }
  const uint32_t want = acc[0] ^ ((acc[3] << 7) | (acc[3] >> 25));
  uint64_t v = 0;
  ASSERT_FALSE(call("simd_loop", {n}, &v).trap);
  EXPECT_EQ(uint32_t(v), want);
  if (GetParam().mode != ExecMode::Interp) {
    const jit::JitStats js = store_->code_arena().snapshot();
    EXPECT_GT(js.simd_functions, 0u);
    // Every SIMD op of this module has inline code where the CPU has what
    // it needs (x86_64: SSE4.1, every x86_64 machine these tests run on),
    // so the inline path cannot silently turn off; BRISK_JIT_SIMD=generic
    // (read once per process) is the only way to force all of them generic.
    const char* why = jit::simd_generic_reason();
#if defined(__x86_64__)
    const char* env = std::getenv("BRISK_JIT_SIMD");
    if (!(env && std::string(env) == "generic")) {
      EXPECT_EQ(why, nullptr) << why;
    }
#endif
    if (why) {
      EXPECT_EQ(js.simd_inline_ops, 0u);
      EXPECT_GT(js.simd_generic_ops, 0u);
    } else {
      EXPECT_GT(js.simd_inline_ops, 0u);
      EXPECT_EQ(js.simd_generic_ops, 0u);
    }
  }
  if (GetParam().mode == ExecMode::Tiered) {
    EXPECT_GT(store_->code_arena().snapshot().osr_entries, 0u);
  }
  // Loads 16 bytes at i * 16 + 8: in bounds while i < 4095 (memory: 1 page).
  ASSERT_FALSE(call("simd_oob", {4095}, &v).trap);
  CallResult r = call("simd_oob", {10000}, nullptr);
  ASSERT_TRUE(r.trap);
  EXPECT_EQ(r.trap->kind, TrapKind::MemoryOutOfBounds);
  ASSERT_FALSE(r.trap->frames.empty());
  EXPECT_EQ(r.trap->frames[0].name, "simd_oob");
}

// Issue 11.2: interpreted -> OSR'd loop -> compiled callee -> interpreted
// recursion -> trap. Every frame appears, innermost first, in every mode.
TEST_P(TierUpTest, DeepMixedStackBacktraceIsComplete) {
  CallResult r = call("bt_main", {2000}, nullptr);
  ASSERT_TRUE(r.trap);
  EXPECT_EQ(r.trap->kind, TrapKind::IntDivByZero);
  std::vector<std::string> names;
  for (const TrapFrame& f : r.trap->frames) names.push_back(f.name);
  const std::vector<std::string> want = {"bt_leaf", "bt_cold", "bt_cold", "bt_cold", "bt_cold",
                                         "bt_hot",  "bt_loop", "bt_main"};
  EXPECT_EQ(names, want);
  const Module& m = *inst_->module;
  for (const TrapFrame& f : r.trap->frames) {
    ASSERT_NE(f.func_index, TrapFrame::kNoIndex) << f.name;
    EXPECT_EQ(m.func_display_name(f.func_index), f.name);
    EXPECT_EQ(f.code_offset, m.body(f.func_index).code_offset) << f.name;
  }
  if (GetParam().mode == ExecMode::Tiered) {
    EXPECT_GT(store_->code_arena().stats.osr_entries, 0u);
    EXPECT_GT(store_->code_arena().stats.tier_ups, 1u);
  }
}

TEST_P(TierUpTest, InterruptStopsALoopInAnyTier) {
  std::thread t([this] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    store_->interrupt();
  });
  CallResult r = call("spin", {}, nullptr);
  t.join();
  ASSERT_TRUE(r.trap);
  EXPECT_EQ(r.trap->kind, TrapKind::Interrupted);
}

// JIT-to-JIT calls (masm.h, fast calls): integer results returned in a
// register, float and multiple results in slots, callees compiled after
// their callers (first through the call adapter), memory shared by caller
// and callee; the same values in every mode.
TEST_P(TierUpTest, FastCallsPassEveryKindOfResult) {
  auto expect = [](uint64_t n) {
    uint64_t acc = 0;
    for (uint64_t i = 0; i < n; ++i) {
      acc += n + i;
      acc += uint64_t(int64_t(double(i) * 0.5));
      acc += 2 * i + (i + 1);
      acc += i;
      acc += ((i & 15) % 2 == 0) ? 1 : 0;
    }
    return acc;
  };
  for (uint64_t n : {1u, 2u, 50u, 3000u}) {
    uint64_t v = 0;
    ASSERT_FALSE(call("fast_calls", {n}, &v).trap) << n;
    EXPECT_EQ(v, expect(n)) << n;
  }
  uint64_t v = 0;
  ASSERT_FALSE(call("slow_fib", {20}, &v).trap);
  EXPECT_EQ(v, 6765u);
}

// Locals kept in callee-saved registers (compiler.cc, choose_homes) keep
// their values across direct, indirect and host calls and across OSR, and
// in-place updates of homes compute what the interpreter computes.
TEST_P(TierUpTest, RegisterHomesSurviveCallsAndOsr) {
  auto mix = [](uint32_t x) {
    uint32_t t = 1, u = 2, v = 0, w = 0, k = 0;
    do {
      t = t * 3 + x;
      u ^= t;
      v += u;
      w += v >> 1;
    } while (++k < 4);
    return w + t;
  };
  auto expect = [&](uint32_t n) {
    uint32_t a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, i = 0;
    do {
      a += 1;
      b += a;
      c ^= b;
      d += mix(i);
      e = a << 2;
      f += e * 3;  // table slot 1: $triple
      f += c + 1;  // host inc
      b = 0;       // a - (a + 0)
      b += a + c;
    } while (++i < n);
    return a + b * 3 + c * 5 + d * 7 + e * 11 + f * 13;
  };
  for (uint32_t n : {1u, 2u, 40u, 5000u}) {
    uint64_t v = 0;
    ASSERT_FALSE(call("many_homes", {n}, &v).trap) << n;
    EXPECT_EQ(uint32_t(v), expect(n)) << n;
  }
}

// Self calls with arguments in registers (compiler.cc, self_call_args)
// compute what the interpreter computes, also when the entry's attention
// slow path runs at every activation (an epoch deadline whose callback
// lets the code continue): the arguments already in registers survive that
// C call.
TEST_P(TierUpTest, SelfCallsPassArgumentsInRegisters) {
  std::function<uint64_t(uint32_t, uint64_t, double, uint32_t, uint32_t)> ref =
      [&](uint32_t a, uint64_t b, double x, uint32_t n, uint32_t k) -> uint64_t {
    if (n == 0) return uint64_t(a) + b + uint64_t(int64_t(x)) + k;
    if (n == k + 100) return 77;
    uint64_t t = ref(uint32_t(b), a, x + 1.5, n - 1, 3);
    if ((n & 3) == 2) return t + 1000;
    return t + uint64_t(a) * 3 + k;
  };
  auto run = [&](const char* what) {
    for (uint32_t n : {0u, 1u, 2u, 7u, 1000u, 3000u}) {
      const uint32_t a = 0x9abcdef0u + n;
      const uint64_t b = 0x1122334455667788ull;
      double x = 2.25;
      uint64_t xbits;
      std::memcpy(&xbits, &x, 8);
      uint64_t v = 0;
      ASSERT_FALSE(call("swap_rec", {a, b, xbits, n, 5}, &v).trap) << what << " " << n;
      EXPECT_EQ(v, ref(a, b, x, n, 5)) << what << " " << n;
    }
  };
  run("plain");
  int checks = 0;
  store_->cpu().set_epoch_callback([&] {
    ++checks;
    return EpochDecision{false, 0};  // continue; the deadline stays reached
  });
  store_->cpu().set_epoch_deadline(0);
  run("attention at every check");
  store_->cpu().set_epoch_callback(nullptr);
  store_->cpu().set_epoch_deadline(1u << 30);
  // JIT code checks at every entry; the interpreter at call budgets only.
  if (GetParam().mode != ExecMode::Interp) {
    EXPECT_GT(checks, 1000);
  }
}

// Function entry is the only check site of loop-free recursion: its
// attention check (folded into the native-stack compare in JIT code) must
// still see an interrupt from another thread.
TEST_P(TierUpTest, InterruptStopsLoopFreeRecursion) {
  // A first, short call does the one-time work (translation; under qemu,
  // translating the interpreter itself), so that the long call below
  // starts well within the delay: an interrupt that arrives before it
  // enters a function traps at entry, with no frames.
  uint64_t warm = 0;
  ASSERT_FALSE(call("slow_fib", {10}, &warm).trap);
  EXPECT_EQ(warm, 55u);
  std::thread t([this] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    store_->interrupt();
  });
  CallResult r = call("slow_fib", {60}, nullptr);  // years without the interrupt
  t.join();
  ASSERT_TRUE(r.trap);
  EXPECT_EQ(r.trap->kind, TrapKind::Interrupted);
  ASSERT_FALSE(r.trap->frames.empty()) << "interrupted before the call entered slow_fib";
  for (const TrapFrame& f : r.trap->frames) {
    if (f.name != "...") {
      EXPECT_EQ(f.name, "slow_fib");
    }
  }
  // The store runs normally afterwards (the slow path restored the limit).
  uint64_t v = 0;
  ASSERT_FALSE(call("slow_fib", {15}, &v).trap);
  EXPECT_EQ(v, 610u);
}

INSTANTIATE_TEST_SUITE_P(Tiers, TierUpTest,
                         ::testing::Values(Param{"interp", ExecMode::Interp, 1000},
                                           Param{"jit", ExecMode::Jit, 1000},
                                           Param{"tiered1", ExecMode::Tiered, 1},
                                           Param{"tiered7", ExecMode::Tiered, 7},
                                           Param{"tiered_default", ExecMode::Tiered,
                                                 tuning::kDefaultTierUpThreshold},
                                           Param{"tiered1_bg", ExecMode::Tiered, 1, 2},
                                           Param{"tiered7_bg", ExecMode::Tiered, 7, 1},
                                           Param{"tiered_default_bg", ExecMode::Tiered,
                                                 tuning::kDefaultTierUpThreshold, 2},
                                           // Workers compile ahead while the calls run
                                           // (which thread compiles what varies).
                                           Param{"jit_ahead", ExecMode::Jit, 1000, 1}),
                         [](const auto& info) { return std::string(info.param.name); });

// Background compilation without the waiting hook: the interpreter keeps
// running while a worker compiles, and the code is installed (with OSR)
// only at a later tier-up check on the store's thread.
class BackgroundCompile : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!jit::jit_available()) GTEST_SKIP() << "no JIT on this machine";
    if (!jit::concurrent_code_writes_supported()) GTEST_SKIP() << "no dual-mapped code memory";
    std::ifstream in(BRISK_TIERUP_WASM, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
    auto m = decode_module(std::move(bytes));
    ASSERT_TRUE(m.ok()) << m.error().to_string();
    module_ = m.value();
  }
  std::unique_ptr<Store> make_store(uint32_t threads, ExecMode mode = ExecMode::Tiered) {
    EngineConfig cfg;
    cfg.mode = mode;
    cfg.tier_up_threshold = 1;
    cfg.compile_threads = threads;
    return std::make_unique<Store>(cfg);
  }
  Instance* instantiate(Store& store) {
    Linker linker;
    FuncType i2i{{ValType::I32}, {ValType::I32}};
    auto inc = [](HostCall&, const uint64_t* a, uint64_t* r) {
      r[0] = uint32_t(a[0] + 1);
      return TrapKind::None;
    };
    auto fail = [](HostCall& c, const uint64_t*, uint64_t*) { return c.trap("fail"); };
    linker.define("host", "inc", Extern{ExternKind::Func, store.create_host_function(i2i, inc, "inc")});
    linker.define("host", "fail",
                  Extern{ExternKind::Func, store.create_host_function(FuncType{{ValType::I32}, {}}, fail, "fail")});
    linker.define("host", "reenter", Extern{ExternKind::Func, store.create_host_function(i2i, inc, "reenter")});
    auto r = store.instantiate(module_, linker);
    EXPECT_TRUE(r.ok());
    return r.instance;
  }
  static uint32_t sum_to(Store& store, Function* f, uint64_t n) {
    uint64_t res = 0;
    CallResult r = store.call(f, &n, &res);
    EXPECT_FALSE(r.trap);
    return uint32_t(res);
  }
  std::shared_ptr<const Module> module_;
};

TEST_F(BackgroundCompile, InterpreterRunsOnUntilTheNextCheckInstallsTheCode) {
  auto store = make_store(1);
  ASSERT_NE(store->compile_queue(), nullptr);
  Instance* inst = instantiate(*store);
  Function* f = inst->get_func("sum_to");
  // The first back-edge requests the compile; the three iterations end long
  // before the next look at it (tuning::kTierUpPollPeriod back-edges).
  EXPECT_EQ(sum_to(*store, f, 3), 6u);
  EXPECT_EQ(f->jit_code, nullptr);
  store->wait_for_compiles();
  // Finished, but installed only by the store's thread at a check.
  EXPECT_EQ(f->jit_code, nullptr);
  EXPECT_EQ(store->code_arena().stats.functions, 1u);
  EXPECT_EQ(store->code_arena().stats.tier_ups, 0u);
  // This call's loop reaches the check: install, then OSR into the code.
  EXPECT_EQ(sum_to(*store, f, 1000), 500500u);
  EXPECT_NE(f->jit_code, nullptr);
  EXPECT_EQ(f->entry, reinterpret_cast<EntryFn>(f->jit_code));
  EXPECT_EQ(store->code_arena().stats.tier_ups, 1u);
  EXPECT_EQ(store->code_arena().stats.osr_entries, 1u);
  EXPECT_EQ(store->code_arena().stats.functions, 1u);  // compiled once
  EXPECT_EQ(sum_to(*store, f, 10), 55u);  // a call now enters the code directly
}

TEST_F(BackgroundCompile, WithoutThreadsTierUpCompilesAtOnce) {
  auto store = make_store(0);
  ASSERT_EQ(store->compile_queue(), nullptr);
  Instance* inst = instantiate(*store);
  Function* f = inst->get_func("sum_to");
  EXPECT_EQ(sum_to(*store, f, 3), 6u);
  EXPECT_NE(f->jit_code, nullptr);  // the first back-edge compiled and entered it
  EXPECT_EQ(store->code_arena().stats.osr_entries, 1u);
}

// Deleting an instance (or the store) with compiles queued and running must
// neither crash nor install anything into the dead functions; the store
// stays usable. Run under ASan and TSan too.
TEST_F(BackgroundCompile, InstanceAndStoreDeletionCancelInFlightCompiles) {
  for (int round = 0; round < 20; ++round) {
    auto store = make_store(2);
    Instance* a = instantiate(*store);
    Instance* b = instantiate(*store);
    for (const char* name : {"sum_to", "indirect_loop", "host_loop", "bt_main", "depth"}) {
      Function* fa = a->get_func(name);
      Function* fb = b->get_func(name);
      ASSERT_TRUE(fa && fb) << name;
      fa->budget = 0;
      fb->budget = 0;
      jit::tier_up(store.get(), fa);  // queued (or, if a worker was quick, installed)
      jit::tier_up(store.get(), fb);
    }
    store->release(a);  // while its compiles are queued or running
    EXPECT_EQ(sum_to(*store, b->get_func("sum_to"), 2000), 2001000u);
    if (round % 2) store->wait_for_compiles();
    // The store goes with compiles of b possibly still queued.
  }
}

// Hot first: a loop's request goes before calls' requests queued earlier,
// and a request no worker has started after kTierUpStealPolls checks (here:
// workers are held) is compiled by the thread that asks again.
TEST_F(BackgroundCompile, LoopRequestsGoFirstAndUnstartedRequestsAreCompiledByTheCaller) {
  auto store = make_store(1);
  jit::CompileQueue* q = store->compile_queue();
  ASSERT_NE(q, nullptr);
  q->hold(true);
  Instance* inst = instantiate(*store);
  Function* a = inst->get_func("depth");
  Function* b = inst->get_func("slow_fib");
  Function* c = inst->get_func("sum_to");
  for (Function* f : {a, b, c}) f->budget = 0;
  EXPECT_FALSE(jit::tier_up(store.get(), a));  // call checks: queued in order
  EXPECT_FALSE(jit::tier_up(store.get(), b));
  EXPECT_FALSE(jit::tier_up(store.get(), c, /*loop=*/true));  // a running loop: first
  EXPECT_EQ(q->queued_order(), (std::vector<Function*>{c, a, b}));
  q->request(b, /*urgent=*/true);  // now b's loop: ahead of c
  EXPECT_EQ(q->queued_order(), (std::vector<Function*>{b, c, a}));
  EXPECT_EQ(a->budget, tuning::kTierUpPollPeriod);
  // a's checks while no worker starts it: it stays queued until the
  // kTierUpStealPolls-th, which compiles and installs it here.
  for (unsigned i = 1; i < tuning::kTierUpStealPolls; ++i) {
    ASSERT_FALSE(jit::tier_up(store.get(), a)) << i;
    EXPECT_EQ(a->budget, tuning::kTierUpPollPeriod);
  }
  EXPECT_EQ(q->queued_order(), (std::vector<Function*>{b, c, a}));
  EXPECT_TRUE(jit::tier_up(store.get(), a));
  EXPECT_NE(a->jit_code, nullptr);
  EXPECT_EQ(q->queued_order(), (std::vector<Function*>{b, c}));
  EXPECT_EQ(store->code_arena().snapshot().functions, 1u);
  // The workers take the rest; their code is installed at the next check.
  q->hold(false);
  store->wait_for_compiles();
  EXPECT_EQ(b->jit_code, nullptr);
  EXPECT_TRUE(jit::tier_up(store.get(), b));
  EXPECT_TRUE(jit::tier_up(store.get(), c));
  EXPECT_EQ(store->code_arena().stats.functions, 3u);  // each compiled once
  EXPECT_EQ(store->code_arena().stats.tier_ups, 3u);
  EXPECT_EQ(sum_to(*store, c, 100), 5050u);
}

// The same through the interpreter: a loop whose request no worker starts is
// compiled at a later check and entered by OSR, mid-loop: the request at
// the threshold, then kTierUpStealPolls poll periods of back-edges.
TEST_F(BackgroundCompile, LoopNotStartedByAWorkerIsCompiledAtALaterCheckAndEnteredByOsr) {
  auto store = make_store(1);
  store->compile_queue()->hold(true);
  Instance* inst = instantiate(*store);
  Function* f = inst->get_func("sum_to");
  constexpr uint64_t n = 20000;
  static_assert(tuning::kDefaultTierUpThreshold + tuning::kTierUpStealPolls * tuning::kTierUpPollPeriod + 1000 < n);
  EXPECT_EQ(sum_to(*store, f, n), uint32_t(n * (n + 1) / 2));
  EXPECT_NE(f->jit_code, nullptr);
  EXPECT_EQ(store->code_arena().stats.functions, 1u);
  EXPECT_EQ(store->code_arena().stats.osr_entries, 1u);
  EXPECT_TRUE(store->compile_queue()->queued_order().empty());
  store->compile_queue()->hold(false);
}

// --mode=jit with threads: the first call queues the instance's functions in
// module order; compiling one moves its callees, in call order, to the front.
TEST_F(BackgroundCompile, JitModeQueuesAheadAndCalleesOfCompiledCodeGoFirst) {
  auto store = make_store(1, ExecMode::Jit);
  jit::CompileQueue* q = store->compile_queue();
  ASSERT_NE(q, nullptr);
  q->hold(true);
  Instance* inst = instantiate(*store);
  const Module& m = *inst->module;
  q->compile_ahead(inst);
  std::vector<Function*> defined(inst->funcs.begin() + m.num_imported_funcs, inst->funcs.end());
  EXPECT_EQ(q->queued_order(), defined);
  Function* fc = inst->get_func("fast_calls");
  jit::CompiledCode code;
  EXPECT_EQ(q->claim(fc, &code), jit::CompileQueue::State::None);  // not started: the caller compiles it
  ASSERT_TRUE(jit::compile_code(fc, &code));
  q->compiled_here(code);
  jit::install_code(fc, std::move(code));
  auto by_name = [&](const char* name) {
    for (Function* f : defined)
      if (f->display_name() == name) return f;
    ADD_FAILURE() << name;
    return static_cast<Function*>(nullptr);
  };
  std::vector<Function*> want = {by_name("fc_i64"), by_name("fc_f64"), by_name("fc_two"),
                                 by_name("fc_store"), by_name("fc_none"), by_name("fc_even")};
  std::vector<Function*> order = q->queued_order();
  ASSERT_GE(order.size(), want.size());
  EXPECT_EQ(std::vector<Function*>(order.begin(), order.begin() + want.size()), want);
  EXPECT_EQ(std::count(order.begin(), order.end(), fc), 0);
  EXPECT_EQ(order.size(), defined.size() - 1);
}

// Ahead compiles finish while the store's thread runs JIT code; every result
// equals that of jit mode without threads, and each function is compiled
// exactly once (by a worker or by the caller that needed it first).
TEST_F(BackgroundCompile, JitModeAheadCompilesGiveTheSameResultsOnce) {
  auto plain = make_store(0, ExecMode::Jit);
  ASSERT_EQ(plain->compile_queue(), nullptr);
  Instance* pi = instantiate(*plain);
  for (int round = 0; round < 5; ++round) {
    auto store = make_store(2, ExecMode::Jit);
    ASSERT_NE(store->compile_queue(), nullptr);
    Instance* inst = instantiate(*store);
    for (const char* name : {"fast_calls", "many_homes", "indirect_loop", "sum_to"}) {
      uint64_t arg = 3000, want = 0, got = 0;
      ASSERT_FALSE(plain->call(pi->get_func(name), &arg, &want).trap) << name;
      ASSERT_FALSE(store->call(inst->get_func(name), &arg, &got).trap) << name;
      EXPECT_EQ(got, want) << name;
    }
    store->wait_for_compiles();
    const jit::JitStats st = store->code_arena().stats;
    EXPECT_EQ(st.functions, inst->module->bodies.size());
    EXPECT_EQ(st.failures, 0u);
  }
}

}  // namespace

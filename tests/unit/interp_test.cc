// Execution tests: one test body, run in every engine configuration.
//
// The configurations live in one place, engine_configs() below. Today that
// is the interpreter with both bounds modes; adding a tier (ExecMode::Jit,
// ExecMode::Tiered) or another configuration there runs every test in it.
// For local experiments, BRISK_UNIT_TEST_MODES=interp,jit,tiered (read at
// start-up, so it must be the same when tests are listed and when they run)
// adds the JIT tiers without editing this file.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <sstream>
#include <thread>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/opcodes.h"
#include "jit/jit_runtime.h"
#include "test_util.h"

namespace brisk::test {
namespace {

struct EngineCase {
  std::string name;
  EngineConfig config;
};

std::vector<EngineCase> engine_configs() {
  std::vector<ExecMode> modes = {ExecMode::Interp};
  if (const char* env = std::getenv("BRISK_UNIT_TEST_MODES")) {
    modes.clear();
    std::stringstream ss(env);
    std::string m;
    while (std::getline(ss, m, ',')) {
      if (m == "interp") modes.push_back(ExecMode::Interp);
      else if (m == "jit") modes.push_back(ExecMode::Jit);
      else if (m == "tiered") modes.push_back(ExecMode::Tiered);
    }
  }
  std::vector<EngineCase> out;
  for (ExecMode mode : modes) {
    for (BoundsMode bounds : {BoundsMode::Guard, BoundsMode::Explicit}) {
      EngineCase c;
      c.config.mode = mode;
      c.config.bounds = bounds;
      if (mode == ExecMode::Tiered) c.config.tier_up_threshold = 2;  // tier up almost at once
      c.name = std::string(mode == ExecMode::Interp ? "Interp" : mode == ExecMode::Jit ? "Jit" : "Tiered") +
               (bounds == BoundsMode::Guard ? "Guard" : "Explicit");
      out.push_back(c);
    }
  }
  return out;
}

void PrintTo(const EngineCase& c, std::ostream* os) { *os << c.name; }

class Engine : public ::testing::TestWithParam<EngineCase> {
 protected:
  void SetUp() override { store_ = std::make_unique<Store>(GetParam().config); }

  Store& store() { return *store_; }

  // Decodes and instantiates {b}; fails the test (returns null) on error.
  Instance* load(const ModuleBuilder& b) {
    auto m = decode(b.build());
    if (!m.ok()) {
      ADD_FAILURE() << "decode: " << m.error().to_string();
      return nullptr;
    }
    InstantiateResult r = store().instantiate(m.value(), linker);
    if (r.link_error) ADD_FAILURE() << "link: " << r.link_error->message;
    if (r.trap) ADD_FAILURE() << "instantiation trapped: " << r.trap->message;
    inst = r.ok() ? r.instance : nullptr;
    return inst;
  }
  InstantiateResult instantiate(const ModuleBuilder& b) {
    auto m = decode(b.build());
    if (!m.ok()) {
      ADD_FAILURE() << "decode: " << m.error().to_string();
      return {};
    }
    return store().instantiate(m.value(), linker);
  }

  Function* fn(const std::string& name, Instance* in = nullptr) {
    in = in ? in : inst;
    Function* f = in ? in->get_func(name) : nullptr;
    if (!f) ADD_FAILURE() << "no exported function " << name;
    return f;
  }
  Outcome run(const std::string& name, const std::vector<Value>& args = {}, Instance* in = nullptr) {
    Function* f = fn(name, in);
    if (!f) {
      Outcome o;
      o.trap = Trap{TrapKind::Unreachable, "missing function", 0, {}};
      return o;
    }
    return call(store(), f, args);
  }
  // Like call(), but interrupts the call after {limit} (for code that could
  // loop forever when miscompiled): a hang becomes an "interrupted" trap.
  Outcome call_bounded(Function* f, const std::vector<Value>& args,
                       std::chrono::milliseconds limit = std::chrono::milliseconds(2000)) {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    std::thread watchdog([&] {
      std::unique_lock<std::mutex> l(mu);
      if (cv.wait_for(l, limit, [&] { return done; })) return;
      // Keep asking until the call is over.
      while (!done) {
        store().interrupt();
        cv.wait_for(l, std::chrono::milliseconds(2), [&] { return done; });
      }
    });
    Outcome o = call(store(), f, args);
    {
      std::lock_guard<std::mutex> l(mu);
      done = true;
    }
    cv.notify_all();
    watchdog.join();
    store().clear_interrupt();  // interrupts are sticky: drop one that came after the call
    return o;
  }
  Outcome run_bounded(const std::string& name, const std::vector<Value>& args = {},
                      std::chrono::milliseconds limit = std::chrono::milliseconds(2000)) {
    Function* f = fn(name);
    if (!f) return run(name, args);
    return call_bounded(f, args, limit);
  }
  // Overwrites the value-stack slots that the next call's frame will use
  // with a pattern, so that a test cannot pass by reading a stale value
  // that an earlier call left in an operand slot.
  void poison_stack() {
    if (!poison_) {
      ModuleBuilder b;
      uint32_t g = b.global(T::i64, false, wb::i64_expr(int64_t(0x5a5a5a5a5a5a5a5aULL)));
      Code c;
      for (int i = 0; i < 64; ++i) c.global_get(g);
      for (int i = 0; i < 64; ++i) c.drop();
      b.func("poison", b.type({}, {}), {}, c);
      auto m = decode(b.build());
      ASSERT_TRUE(m.ok()) << m.error().to_string();
      InstantiateResult r = store().instantiate(m.value(), Linker());
      ASSERT_TRUE(r.ok());
      poison_ = r.instance->get_func("poison");
    }
    std::vector<Value> none;
    ASSERT_TRUE(store().call(poison_, {}, none).ok());
  }
  int32_t run_i32_poisoned(const std::string& name, const std::vector<Value>& args = {}) {
    poison_stack();
    return run_i32(name, args);
  }
  int32_t run_i32(const std::string& name, const std::vector<Value>& args = {}) {
    Outcome o = run(name, args);
    EXPECT_TRUE(o.ok()) << name << ": " << trap_text(o);
    return o.ok() && !o.results.empty() ? o.i32() : INT32_MIN;
  }
  int64_t run_i64(const std::string& name, const std::vector<Value>& args = {}) {
    Outcome o = run(name, args);
    EXPECT_TRUE(o.ok()) << name << ": " << trap_text(o);
    return o.ok() && !o.results.empty() ? o.i64() : INT64_MIN;
  }
  void expect_trap(const std::string& name, const std::vector<Value>& args, TrapKind kind) {
    Outcome o = run(name, args);
    ASSERT_TRUE(o.trap.has_value()) << name << " did not trap";
    EXPECT_EQ(o.trap->kind, kind) << name << ": " << trap_text(o);
    if (kind != TrapKind::Host) {
      EXPECT_EQ(o.trap->message, trap_message(kind));
    }
  }

  std::unique_ptr<Store> store_;
  Function* poison_ = nullptr;
  Linker linker;
  Instance* inst = nullptr;
};

Value I32(int32_t v) { return Value::i32(v); }
std::string run_in_child(const std::function<std::string()>& body, std::chrono::seconds limit);
Value I64(int64_t v) { return Value::i64(v); }

// ------------------------------------------------------------ arithmetic

TEST_P(Engine, I32ArithmeticMatchesReference) {
  struct Op {
    const char* name;
    Code& (Code::*emit)();
    std::function<std::optional<uint32_t>(uint32_t, uint32_t)> ref;
  };
  auto sdiv_ok = [](uint32_t a, uint32_t b) { return b != 0 && !(a == 0x80000000u && b == 0xffffffffu); };
  std::vector<Op> ops = {
      {"add", &Code::i32_add, [](uint32_t a, uint32_t b) { return a + b; }},
      {"sub", &Code::i32_sub, [](uint32_t a, uint32_t b) { return a - b; }},
      {"mul", &Code::i32_mul, [](uint32_t a, uint32_t b) { return a * b; }},
      {"div_s", &Code::i32_div_s,
       [&](uint32_t a, uint32_t b) -> std::optional<uint32_t> {
         if (!sdiv_ok(a, b)) return std::nullopt;
         return uint32_t(int32_t(a) / int32_t(b));
       }},
      {"div_u", &Code::i32_div_u, [](uint32_t a, uint32_t b) -> std::optional<uint32_t> {
         if (!b) return std::nullopt;
         return a / b;
       }},
      {"rem_s", &Code::i32_rem_s, [](uint32_t a, uint32_t b) -> std::optional<uint32_t> {
         if (!b) return std::nullopt;
         if (a == 0x80000000u && b == 0xffffffffu) return 0u;
         return uint32_t(int32_t(a) % int32_t(b));
       }},
      {"rem_u", &Code::i32_rem_u, [](uint32_t a, uint32_t b) -> std::optional<uint32_t> {
         if (!b) return std::nullopt;
         return a % b;
       }},
      {"and", &Code::i32_and, [](uint32_t a, uint32_t b) { return a & b; }},
      {"or", &Code::i32_or, [](uint32_t a, uint32_t b) { return a | b; }},
      {"xor", &Code::i32_xor, [](uint32_t a, uint32_t b) { return a ^ b; }},
      {"shl", &Code::i32_shl, [](uint32_t a, uint32_t b) { return a << (b & 31); }},
      {"shr_s", &Code::i32_shr_s, [](uint32_t a, uint32_t b) { return uint32_t(int32_t(a) >> (b & 31)); }},
      {"shr_u", &Code::i32_shr_u, [](uint32_t a, uint32_t b) { return a >> (b & 31); }},
      {"rotl", &Code::i32_rotl, [](uint32_t a, uint32_t b) { return std::rotl(a, int(b & 31)); }},
      {"rotr", &Code::i32_rotr, [](uint32_t a, uint32_t b) { return std::rotr(a, int(b & 31)); }},
      {"lt_s", &Code::i32_lt_s, [](uint32_t a, uint32_t b) { return uint32_t(int32_t(a) < int32_t(b)); }},
      {"lt_u", &Code::i32_lt_u, [](uint32_t a, uint32_t b) { return uint32_t(a < b); }},
      {"gt_s", &Code::i32_gt_s, [](uint32_t a, uint32_t b) { return uint32_t(int32_t(a) > int32_t(b)); }},
      {"ge_s", &Code::i32_ge_s, [](uint32_t a, uint32_t b) { return uint32_t(int32_t(a) >= int32_t(b)); }},
      {"le_u", &Code::i32_le_u, [](uint32_t a, uint32_t b) { return uint32_t(a <= b); }},
      {"eq", &Code::i32_eq, [](uint32_t a, uint32_t b) { return uint32_t(a == b); }},
      {"ne", &Code::i32_ne, [](uint32_t a, uint32_t b) { return uint32_t(a != b); }},
  };
  const std::vector<uint32_t> inputs = {0, 1, 2, 7, 31, 32, 33, 0x7fffffff, 0x80000000u, 0xffffffffu,
                                        0xfffffff9u, 0x12345678};
  ModuleBuilder b;
  uint32_t t2 = b.type({T::i32, T::i32}, {T::i32});
  uint32_t t1 = b.type({T::i32}, {T::i32});
  for (const Op& op : ops) {
    // Operands from locals, and with a constant right operand (the
    // interpreter's immediate variants), for each constant input.
    Code c;
    c.local_get(0).local_get(1);
    (c.*op.emit)();
    b.func(std::string("r.") + op.name, t2, {}, c);
    for (uint32_t k : inputs) {
      Code ci;
      ci.local_get(0).i32_const(int32_t(k));
      (ci.*op.emit)();
      b.func(std::string("i.") + op.name + "." + std::to_string(k), t1, {}, ci);
    }
  }
  ASSERT_TRUE(load(b));
  for (const Op& op : ops) {
    for (uint32_t a : inputs) {
      for (uint32_t k : inputs) {
        std::optional<uint32_t> want = op.ref(a, k);
        Outcome r = run(std::string("r.") + op.name, {I32(int32_t(a)), I32(int32_t(k))});
        Outcome i = run(std::string("i.") + op.name + "." + std::to_string(k), {I32(int32_t(a))});
        if (want) {
          ASSERT_TRUE(r.ok()) << op.name << "(" << a << ", " << k << "): " << trap_text(r);
          ASSERT_TRUE(i.ok()) << op.name << "(" << a << ", imm " << k << "): " << trap_text(i);
          EXPECT_EQ(uint32_t(r.i32()), *want) << op.name << "(" << a << ", " << k << ")";
          EXPECT_EQ(uint32_t(i.i32()), *want) << op.name << "(" << a << ", imm " << k << ")";
        } else {
          EXPECT_FALSE(r.ok()) << op.name << "(" << a << ", " << k << ") should trap";
          EXPECT_FALSE(i.ok()) << op.name << "(" << a << ", imm " << k << ") should trap";
        }
      }
    }
  }
}

TEST_P(Engine, I64Arithmetic) {
  ModuleBuilder b;
  uint32_t t = b.type({T::i64, T::i64}, {T::i64});
  b.func("add", t, {}, Code().local_get(0).local_get(1).i64_add());
  b.func("mul", t, {}, Code().local_get(0).local_get(1).i64_mul());
  b.func("div_s", t, {}, Code().local_get(0).local_get(1).i64_div_s());
  b.func("div_u", t, {}, Code().local_get(0).local_get(1).i64_div_u());
  b.func("rem_s", t, {}, Code().local_get(0).local_get(1).i64_rem_s());
  b.func("rem_u", t, {}, Code().local_get(0).local_get(1).i64_rem_u());
  b.func("shr_s", t, {}, Code().local_get(0).local_get(1).i64_shr_s());
  b.func("rotl", t, {}, Code().local_get(0).local_get(1).i64_rotl());
  b.func("clz", b.type({T::i64}, {T::i64}), {}, Code().local_get(0).i64_clz());
  b.func("popcnt", b.type({T::i64}, {T::i64}), {}, Code().local_get(0).i64_popcnt());
  b.func("lt_u", b.type({T::i64, T::i64}, {T::i32}), {}, Code().local_get(0).local_get(1).i64_lt_u());
  b.func("big_const", b.type({}, {T::i64}), {}, Code().i64_const(INT64_MIN).i64_const(-1).i64_xor());
  ASSERT_TRUE(load(b));
  EXPECT_EQ(run_i64("add", {I64(INT64_MAX), I64(1)}), INT64_MIN);
  EXPECT_EQ(run_i64("mul", {I64(0x100000001LL), I64(0x100000001LL)}), 0x200000001LL);
  EXPECT_EQ(run_i64("div_s", {I64(-7), I64(2)}), -3);
  EXPECT_EQ(run_i64("div_u", {I64(-1), I64(2)}), INT64_MAX);
  EXPECT_EQ(run_i64("rem_s", {I64(-7), I64(2)}), -1);
  EXPECT_EQ(run_i64("rem_s", {I64(INT64_MIN), I64(-1)}), 0);
  EXPECT_EQ(run_i64("rem_u", {I64(-1), I64(10)}), int64_t(UINT64_MAX % 10));
  EXPECT_EQ(run_i64("shr_s", {I64(INT64_MIN), I64(65)}), INT64_MIN >> 1);
  EXPECT_EQ(run_i64("rotl", {I64(INT64_MIN), I64(1)}), 1);
  EXPECT_EQ(run_i64("clz", {I64(1)}), 63);
  EXPECT_EQ(run_i64("clz", {I64(0)}), 64);
  EXPECT_EQ(run_i64("popcnt", {I64(-1)}), 64);
  EXPECT_EQ(run_i32("lt_u", {I64(1), I64(-1)}), 1);
  EXPECT_EQ(run_i64("big_const"), INT64_MAX);
}

TEST_P(Engine, FloatArithmeticAndConversions) {
  ModuleBuilder b;
  uint32_t ff = b.type({T::f32, T::f32}, {T::f32});
  uint32_t dd = b.type({T::f64, T::f64}, {T::f64});
  b.func("f32.add", ff, {}, Code().local_get(0).local_get(1).f32_add());
  b.func("f32.div", ff, {}, Code().local_get(0).local_get(1).f32_div());
  b.func("f32.min", ff, {}, Code().local_get(0).local_get(1).f32_min());
  b.func("f32.max", ff, {}, Code().local_get(0).local_get(1).f32_max());
  b.func("f64.sub", dd, {}, Code().local_get(0).local_get(1).f64_sub());
  b.func("f64.mul", dd, {}, Code().local_get(0).local_get(1).f64_mul());
  b.func("f64.min", dd, {}, Code().local_get(0).local_get(1).f64_min());
  b.func("f64.sqrt", b.type({T::f64}, {T::f64}), {}, Code().local_get(0).f64_sqrt());
  b.func("f64.nearest", b.type({T::f64}, {T::f64}), {}, Code().local_get(0).f64_nearest());
  b.func("f32.nearest", b.type({T::f32}, {T::f32}), {}, Code().local_get(0).f32_nearest());
  b.func("f32.neg", b.type({T::f32}, {T::f32}), {}, Code().local_get(0).f32_neg());
  b.func("i32.trunc_f32_s", b.type({T::f32}, {T::i32}), {}, Code().local_get(0).i32_trunc_f32_s());
  b.func("i32.trunc_sat_f32_s", b.type({T::f32}, {T::i32}), {}, Code().local_get(0).i32_trunc_sat_f32_s());
  b.func("i32.trunc_sat_f64_u", b.type({T::f64}, {T::i32}), {}, Code().local_get(0).i32_trunc_sat_f64_u());
  b.func("i64.trunc_sat_f64_s", b.type({T::f64}, {T::i64}), {}, Code().local_get(0).i64_trunc_sat_f64_s());
  b.func("f64.convert_i64_u", b.type({T::i64}, {T::f64}), {}, Code().local_get(0).f64_convert_i64_u());
  b.func("f32.convert_i64_u", b.type({T::i64}, {T::f32}), {}, Code().local_get(0).f32_convert_i64_u());
  b.func("f32.demote_f64", b.type({T::f64}, {T::f32}), {}, Code().local_get(0).f32_demote_f64());
  b.func("i32.extend8_s", b.type({T::i32}, {T::i32}), {}, Code().local_get(0).i32_extend8_s());
  b.func("i64.extend32_s", b.type({T::i64}, {T::i64}), {}, Code().local_get(0).i64_extend32_s());
  b.func("i64.extend_i32_u", b.type({T::i32}, {T::i64}), {}, Code().local_get(0).i64_extend_i32_u());
  b.func("i64.extend_i32_s", b.type({T::i32}, {T::i64}), {}, Code().local_get(0).i64_extend_i32_s());
  b.func("i32.wrap_i64", b.type({T::i64}, {T::i32}), {}, Code().local_get(0).i32_wrap_i64());
  b.func("reinterpret", b.type({T::f32}, {T::i32}), {}, Code().local_get(0).i32_reinterpret_f32());
  b.func("f64.consts", b.type({}, {T::f64}), {}, Code().f64_const(1.5).f64_const(-0.25).f64_mul());
  ASSERT_TRUE(load(b));
  auto f32r = [&](const char* n, std::vector<Value> a) {
    Outcome o = run(n, a);
    EXPECT_TRUE(o.ok()) << n;
    return o.ok() ? o.f32() : NAN;
  };
  auto f64r = [&](const char* n, std::vector<Value> a) {
    Outcome o = run(n, a);
    EXPECT_TRUE(o.ok()) << n;
    return o.ok() ? o.f64() : NAN;
  };
  EXPECT_EQ(f32r("f32.add", {f32v(1.5f), f32v(2.25f)}), 3.75f);
  EXPECT_EQ(f32r("f32.div", {f32v(1.0f), f32v(0.0f)}), INFINITY);
  EXPECT_TRUE(std::isnan(f32r("f32.div", {f32v(0.0f), f32v(0.0f)})));
  EXPECT_TRUE(std::signbit(f32r("f32.min", {f32v(0.0f), f32v(-0.0f)})));
  EXPECT_FALSE(std::signbit(f32r("f32.max", {f32v(-0.0f), f32v(0.0f)})));
  EXPECT_TRUE(std::isnan(f32r("f32.min", {f32v(NAN), f32v(1.0f)})));
  EXPECT_TRUE(std::isnan(f32r("f32.max", {f32v(1.0f), f32v(NAN)})));
  EXPECT_EQ(f64r("f64.sub", {f64v(1.0), f64v(0.125)}), 0.875);
  EXPECT_EQ(f64r("f64.mul", {f64v(1e300), f64v(1e10)}), INFINITY);
  EXPECT_TRUE(std::signbit(f64r("f64.min", {f64v(-0.0), f64v(0.0)})));
  EXPECT_EQ(f64r("f64.sqrt", {f64v(2.25)}), 1.5);
  EXPECT_EQ(f64r("f64.nearest", {f64v(2.5)}), 2.0);
  EXPECT_EQ(f64r("f64.nearest", {f64v(-3.5)}), -4.0);
  EXPECT_EQ(f32r("f32.nearest", {f32v(0.5f)}), 0.0f);
  EXPECT_EQ(std::bit_cast<uint32_t>(f32r("f32.neg", {f32v(NAN)})), std::bit_cast<uint32_t>(-NAN));
  EXPECT_EQ(run_i32("i32.trunc_f32_s", {f32v(-3.9f)}), -3);
  EXPECT_EQ(run_i32("i32.trunc_sat_f32_s", {f32v(NAN)}), 0);
  EXPECT_EQ(run_i32("i32.trunc_sat_f32_s", {f32v(3e9f)}), INT32_MAX);
  EXPECT_EQ(run_i32("i32.trunc_sat_f32_s", {f32v(-3e9f)}), INT32_MIN);
  EXPECT_EQ(uint32_t(run_i32("i32.trunc_sat_f64_u", {f64v(5e9)})), UINT32_MAX);
  EXPECT_EQ(run_i32("i32.trunc_sat_f64_u", {f64v(-5.0)}), 0);
  EXPECT_EQ(run_i64("i64.trunc_sat_f64_s", {f64v(1e19)}), INT64_MAX);
  EXPECT_EQ(run_i64("i64.trunc_sat_f64_s", {f64v(-1e19)}), INT64_MIN);
  EXPECT_EQ(f64r("f64.convert_i64_u", {I64(-1)}), 18446744073709551616.0);
  EXPECT_EQ(f32r("f32.convert_i64_u", {I64(-1)}), 18446744073709551616.0f);
  EXPECT_EQ(f32r("f32.demote_f64", {f64v(1e300)}), INFINITY);
  EXPECT_EQ(run_i32("i32.extend8_s", {I32(0x80)}), -128);
  EXPECT_EQ(run_i64("i64.extend32_s", {I64(0x80000000LL)}), -2147483648LL);
  EXPECT_EQ(run_i64("i64.extend_i32_u", {I32(-1)}), 0xffffffffLL);
  EXPECT_EQ(run_i64("i64.extend_i32_s", {I32(-1)}), -1);
  EXPECT_EQ(run_i32("i32.wrap_i64", {I64(0x123456789LL)}), 0x23456789);
  EXPECT_EQ(uint32_t(run_i32("reinterpret", {f32v(-0.0f)})), 0x80000000u);
  EXPECT_EQ(f64r("f64.consts", {}), -0.375);
}

// ------------------------------------------------------------ numeric traps

TEST_P(Engine, IntegerDivisionTraps) {
  ModuleBuilder b;
  uint32_t t = b.type({T::i32, T::i32}, {T::i32});
  uint32_t t64 = b.type({T::i64, T::i64}, {T::i64});
  uint32_t t1 = b.type({T::i32}, {T::i32});
  b.func("div_s", t, {}, Code().local_get(0).local_get(1).i32_div_s());
  b.func("div_u", t, {}, Code().local_get(0).local_get(1).i32_div_u());
  b.func("rem_s", t, {}, Code().local_get(0).local_get(1).i32_rem_s());
  b.func("rem_u", t, {}, Code().local_get(0).local_get(1).i32_rem_u());
  b.func("div_s64", t64, {}, Code().local_get(0).local_get(1).i64_div_s());
  b.func("div_u64", t64, {}, Code().local_get(0).local_get(1).i64_div_u());
  b.func("rem_s64", t64, {}, Code().local_get(0).local_get(1).i64_rem_s());
  b.func("rem_u64", t64, {}, Code().local_get(0).local_get(1).i64_rem_u());
  // Immediate divisors: 0 and -1.
  b.func("div_s_by0", t1, {}, Code().local_get(0).i32_const(0).i32_div_s());
  b.func("rem_u_by0", t1, {}, Code().local_get(0).i32_const(0).i32_rem_u());
  b.func("div_s_bym1", t1, {}, Code().local_get(0).i32_const(-1).i32_div_s());
  b.func("const_div", b.type({}, {T::i32}), {}, Code().i32_const(INT32_MIN).i32_const(-1).i32_div_s());
  ASSERT_TRUE(load(b));
  for (const char* n : {"div_s", "div_u", "rem_s", "rem_u"}) expect_trap(n, {I32(5), I32(0)}, TrapKind::IntDivByZero);
  for (const char* n : {"div_s64", "div_u64", "rem_s64", "rem_u64"})
    expect_trap(n, {I64(5), I64(0)}, TrapKind::IntDivByZero);
  expect_trap("div_s", {I32(INT32_MIN), I32(-1)}, TrapKind::IntOverflow);
  expect_trap("div_s64", {I64(INT64_MIN), I64(-1)}, TrapKind::IntOverflow);
  EXPECT_EQ(run_i32("rem_s", {I32(INT32_MIN), I32(-1)}), 0);
  EXPECT_EQ(run_i32("div_u", {I32(INT32_MIN), I32(-1)}), 0);
  expect_trap("div_s_by0", {I32(1)}, TrapKind::IntDivByZero);
  expect_trap("rem_u_by0", {I32(1)}, TrapKind::IntDivByZero);
  expect_trap("div_s_bym1", {I32(INT32_MIN)}, TrapKind::IntOverflow);
  EXPECT_EQ(run_i32("div_s_bym1", {I32(7)}), -7);
  expect_trap("const_div", {}, TrapKind::IntOverflow);
}

TEST_P(Engine, FloatToIntConversionTraps) {
  ModuleBuilder b;
  b.func("i32_f32_s", b.type({T::f32}, {T::i32}), {}, Code().local_get(0).i32_trunc_f32_s());
  b.func("i32_f32_u", b.type({T::f32}, {T::i32}), {}, Code().local_get(0).i32_trunc_f32_u());
  b.func("i32_f64_s", b.type({T::f64}, {T::i32}), {}, Code().local_get(0).i32_trunc_f64_s());
  b.func("i32_f64_u", b.type({T::f64}, {T::i32}), {}, Code().local_get(0).i32_trunc_f64_u());
  b.func("i64_f32_s", b.type({T::f32}, {T::i64}), {}, Code().local_get(0).i64_trunc_f32_s());
  b.func("i64_f64_s", b.type({T::f64}, {T::i64}), {}, Code().local_get(0).i64_trunc_f64_s());
  b.func("i64_f64_u", b.type({T::f64}, {T::i64}), {}, Code().local_get(0).i64_trunc_f64_u());
  ASSERT_TRUE(load(b));
  expect_trap("i32_f32_s", {f32v(NAN)}, TrapKind::InvalidConversion);
  expect_trap("i32_f64_u", {f64v(-NAN)}, TrapKind::InvalidConversion);
  expect_trap("i64_f64_s", {f64v(NAN)}, TrapKind::InvalidConversion);
  expect_trap("i32_f32_s", {f32v(2147483648.0f)}, TrapKind::IntOverflow);
  expect_trap("i32_f32_s", {f32v(INFINITY)}, TrapKind::IntOverflow);
  expect_trap("i32_f32_u", {f32v(-1.0f)}, TrapKind::IntOverflow);
  expect_trap("i32_f32_u", {f32v(4294967296.0f)}, TrapKind::IntOverflow);
  expect_trap("i32_f64_s", {f64v(2147483648.0)}, TrapKind::IntOverflow);
  expect_trap("i32_f64_s", {f64v(-2147483649.0)}, TrapKind::IntOverflow);
  expect_trap("i32_f64_u", {f64v(4294967296.0)}, TrapKind::IntOverflow);
  expect_trap("i32_f64_u", {f64v(-1.0)}, TrapKind::IntOverflow);
  expect_trap("i64_f32_s", {f32v(9.3e18f)}, TrapKind::IntOverflow);
  expect_trap("i64_f64_s", {f64v(9223372036854775808.0)}, TrapKind::IntOverflow);
  expect_trap("i64_f64_u", {f64v(18446744073709551616.0)}, TrapKind::IntOverflow);
  expect_trap("i64_f64_u", {f64v(-1.0)}, TrapKind::IntOverflow);
  // Just inside the ranges.
  EXPECT_EQ(run_i32("i32_f64_s", {f64v(2147483647.9)}), INT32_MAX);
  EXPECT_EQ(run_i32("i32_f64_s", {f64v(-2147483648.9)}), INT32_MIN);
  EXPECT_EQ(uint32_t(run_i32("i32_f64_u", {f64v(4294967295.9)})), UINT32_MAX);
  EXPECT_EQ(run_i32("i32_f64_u", {f64v(-0.9)}), 0);
  EXPECT_EQ(run_i32("i32_f32_u", {f32v(-0.5f)}), 0);
  EXPECT_EQ(run_i64("i64_f64_s", {f64v(-9223372036854775808.0)}), INT64_MIN);
  EXPECT_EQ(uint64_t(run_i64("i64_f64_u", {f64v(18446744073709549568.0)})), 18446744073709549568ull);
}

TEST_P(Engine, UnreachableTraps) {
  ModuleBuilder b;
  b.func("u", b.type({}, {}), {}, Code().unreachable());
  b.func("u_after_work", b.type({T::i32}, {T::i32}), {},
         Code().local_get(0).i32_const(1).i32_add().local_set(0).unreachable());
  ASSERT_TRUE(load(b));
  expect_trap("u", {}, TrapKind::Unreachable);
  expect_trap("u_after_work", {I32(1)}, TrapKind::Unreachable);
}

// ------------------------------------------------------------ memory

ModuleBuilder memory_module(uint64_t pages, uint64_t max_pages) {
  ModuleBuilder b;
  b.memory(ModuleBuilder::lim(pages, max_pages));
  uint32_t ii = b.type({T::i32}, {T::i32});
  uint32_t il = b.type({T::i32}, {T::i64});
  uint32_t st = b.type({T::i32, T::i32}, {});
  uint32_t st64 = b.type({T::i32, T::i64}, {});
  b.func("load32", ii, {}, Code().local_get(0).i32_load());
  b.func("load8", ii, {}, Code().local_get(0).i32_load8_u());
  b.func("load16_off1", ii, {}, Code().local_get(0).i32_load16_u(1));
  b.func("load64", il, {}, Code().local_get(0).i64_load());
  b.func("load32_off65532", ii, {}, Code().local_get(0).i32_load(65532));
  b.func("load32_offmax", ii, {}, Code().local_get(0).i32_load(0xffffffffu));
  b.func("load64_offmax", il, {}, Code().local_get(0).i64_load(0xffffffffu));
  b.func("load8_offmax", ii, {}, Code().local_get(0).i32_load8_u(0xffffffffu));
  b.func("store32", st, {}, Code().local_get(0).local_get(1).i32_store());
  b.func("store8", st, {}, Code().local_get(0).local_get(1).i32_store8());
  b.func("store64", st64, {}, Code().local_get(0).local_get(1).i64_store());
  b.func("store32_offmax", st, {}, Code().local_get(0).local_get(1).i32_store(0xffffffffu));
  b.func("store64_off8", st64, {}, Code().local_get(0).local_get(1).i64_store(8));
  b.func("grow", ii, {}, Code().local_get(0).memory_grow());
  b.func("size", b.type({}, {T::i32}), {}, Code().memory_size());
  // Constant address: the translator may fold it.
  b.func("load_const_addr", b.type({}, {T::i32}), {}, Code().i32_const(65533).i32_load());
  return b;
}

TEST_P(Engine, MemoryBoundsAtExactBoundary) {
  ASSERT_TRUE(load(memory_module(1, 2)));
  const auto OOB = TrapKind::MemoryOutOfBounds;
  EXPECT_EQ(run_i32("load32", {I32(65532)}), 0);
  expect_trap("load32", {I32(65533)}, OOB);
  expect_trap("load32", {I32(65534)}, OOB);
  expect_trap("load32", {I32(65535)}, OOB);
  expect_trap("load32", {I32(65536)}, OOB);
  expect_trap("load32", {I32(-1)}, OOB);
  expect_trap("load32", {I32(INT32_MIN)}, OOB);
  EXPECT_EQ(run_i32("load8", {I32(65535)}), 0);
  expect_trap("load8", {I32(65536)}, OOB);
  EXPECT_EQ(run_i64("load64", {I32(65528)}), 0);
  expect_trap("load64", {I32(65529)}, OOB);
  expect_trap("load64", {I32(65535)}, OOB);
  EXPECT_EQ(run_i32("load16_off1", {I32(65533)}), 0);
  expect_trap("load16_off1", {I32(65534)}, OOB);
  EXPECT_EQ(run_i32("load32_off65532", {I32(0)}), 0);
  expect_trap("load32_off65532", {I32(1)}, OOB);
  expect_trap("load_const_addr", {}, OOB);
  // Effective addresses beyond 4 GiB (address + offset overflow 32 bits).
  expect_trap("load32_offmax", {I32(0)}, OOB);
  expect_trap("load32_offmax", {I32(1)}, OOB);
  expect_trap("load32_offmax", {I32(-1)}, OOB);
  expect_trap("load64_offmax", {I32(-1)}, OOB);
  expect_trap("load8_offmax", {I32(-1)}, OOB);
  expect_trap("store32_offmax", {I32(-1), I32(1)}, OOB);
  expect_trap("store32_offmax", {I32(1), I32(1)}, OOB);
  // Stores at the boundary; a trapping store writes nothing.
  EXPECT_TRUE(run("store32", {I32(65532), I32(0x11223344)}).ok());
  EXPECT_EQ(run_i32("load32", {I32(65532)}), 0x11223344);
  expect_trap("store32", {I32(65533), I32(-1)}, OOB);
  expect_trap("store64", {I32(65529), I64(-1)}, OOB);
  expect_trap("store64_off8", {I32(65521), I64(-1)}, OOB);
  EXPECT_EQ(run_i32("load32", {I32(65532)}), 0x11223344) << "a trapping store wrote partially";
  EXPECT_TRUE(run("store8", {I32(65535), I32(0x1ff)}).ok());
  EXPECT_EQ(run_i32("load8", {I32(65535)}), 0xff);
  expect_trap("store8", {I32(65536), I32(1)}, OOB);
  EXPECT_TRUE(run("store64_off8", {I32(65520), I64(-1)}).ok());
  // The store still works after traps.
  EXPECT_TRUE(run("store32", {I32(0), I32(7)}).ok());
  EXPECT_EQ(run_i32("load32", {I32(0)}), 7);
}

TEST_P(Engine, MemoryGrowThenAccess) {
  ASSERT_TRUE(load(memory_module(1, 3)));
  const auto OOB = TrapKind::MemoryOutOfBounds;
  expect_trap("load32", {I32(65536)}, OOB);
  EXPECT_EQ(run_i32("size"), 1);
  EXPECT_EQ(run_i32("grow", {I32(1)}), 1);
  EXPECT_EQ(run_i32("size"), 2);
  EXPECT_EQ(run_i32("load32", {I32(65536)}), 0);
  EXPECT_TRUE(run("store32", {I32(131068), I32(42)}).ok());
  EXPECT_EQ(run_i32("load32", {I32(131068)}), 42);
  expect_trap("load32", {I32(131069)}, OOB);
  EXPECT_EQ(run_i32("grow", {I32(2)}), -1);  // beyond max 3
  EXPECT_EQ(run_i32("size"), 2);
  EXPECT_EQ(run_i32("grow", {I32(0)}), 2);
  EXPECT_EQ(run_i32("grow", {I32(-1)}), -1);
  EXPECT_EQ(run_i32("grow", {I32(1)}), 2);
  EXPECT_EQ(run_i32("load32", {I32(3 * 65536 - 4)}), 0);
  expect_trap("load32", {I32(3 * 65536 - 3)}, OOB);
}

TEST_P(Engine, GrowInsideFunctionThenAccess) {
  // Grow and access in the same function: the cached memory size must be
  // refreshed after memory.grow.
  ModuleBuilder b;
  b.memory(ModuleBuilder::lim(1));
  b.func("f", b.type({}, {T::i32}), {},
         Code()
             .i32_const(1)
             .memory_grow()
             .drop()
             .i32_const(100000)
             .i32_const(77)
             .i32_store()
             .i32_const(100000)
             .i32_load());
  ASSERT_TRUE(load(b));
  EXPECT_EQ(run_i32("f"), 77);
}

TEST_P(Engine, EmptyMemoryTrapsOnAnyAccess) {
  ASSERT_TRUE(load(memory_module(0, 1)));
  expect_trap("load8", {I32(0)}, TrapKind::MemoryOutOfBounds);
  expect_trap("store8", {I32(0), I32(0)}, TrapKind::MemoryOutOfBounds);
  EXPECT_EQ(run_i32("grow", {I32(1)}), 0);
  EXPECT_EQ(run_i32("load8", {I32(0)}), 0);
}

TEST_P(Engine, DataSegmentsAndLoadsOfEveryWidth) {
  ModuleBuilder b;
  b.memory(ModuleBuilder::lim(1));
  b.data_active(wb::i32_expr(16), std::string("\x81\x82\x83\x84\x85\x86\x87\x88", 8));
  uint32_t ii = b.type({T::i32}, {T::i32});
  uint32_t il = b.type({T::i32}, {T::i64});
  b.func("l8s", ii, {}, Code().local_get(0).i32_load8_s());
  b.func("l8u", ii, {}, Code().local_get(0).i32_load8_u());
  b.func("l16s", ii, {}, Code().local_get(0).i32_load16_s());
  b.func("l16u", ii, {}, Code().local_get(0).i32_load16_u());
  b.func("l32", ii, {}, Code().local_get(0).i32_load());
  b.func("l64", il, {}, Code().local_get(0).i64_load());
  b.func("l64_8u", il, {}, Code().local_get(0).i64_load8_u());
  b.func("l64_32u", il, {}, Code().local_get(0).i64_load32_u());
  b.func("f32", b.type({}, {T::f32}), {}, Code().i32_const(0).f32_const(1.25f).f32_store().i32_const(0).f32_load());
  ASSERT_TRUE(load(b));
  EXPECT_EQ(run_i32("l8s", {I32(16)}), -127);
  EXPECT_EQ(run_i32("l8u", {I32(16)}), 0x81);
  EXPECT_EQ(run_i32("l16s", {I32(16)}), int16_t(0x8281));
  EXPECT_EQ(run_i32("l16u", {I32(16)}), 0x8281);
  EXPECT_EQ(uint32_t(run_i32("l32", {I32(17)})), 0x85848382u);
  EXPECT_EQ(uint64_t(run_i64("l64", {I32(16)})), 0x8887868584838281ull);
  EXPECT_EQ(run_i64("l64_8u", {I32(23)}), 0x88);
  EXPECT_EQ(run_i64("l64_32u", {I32(16)}), 0x84838281LL);
  Outcome o = run("f32");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o.f32(), 1.25f);
}

// ------------------------------------------------------------ tables and indirect calls

TEST_P(Engine, IndirectCallTraps) {
  ModuleBuilder b;
  uint32_t v_i = b.type({}, {T::i32});
  uint32_t v_i_dup = b.new_type({}, {T::i32});  // structurally equal to v_i
  uint32_t i_i = b.type({T::i32}, {T::i32});
  b.table(T::funcref, ModuleBuilder::lim(3, 3));
  uint32_t f42 = b.func(v_i, {}, Code().i32_const(42));
  uint32_t fid = b.func(i_i, {}, Code().local_get(0));
  b.elem_active(wb::i32_expr(0), {f42, fid});  // slot 2 stays null
  b.func("call", i_i, {}, Code().local_get(0).call_indirect(v_i));
  b.func("call_dup", i_i, {}, Code().local_get(0).call_indirect(v_i_dup));
  b.func("call_ii", i_i, {}, Code().i32_const(5).local_get(0).call_indirect(i_i));
  ASSERT_TRUE(load(b));
  EXPECT_EQ(run_i32("call", {I32(0)}), 42);
  EXPECT_EQ(run_i32("call_dup", {I32(0)}), 42);
  EXPECT_EQ(run_i32("call_ii", {I32(1)}), 5);
  expect_trap("call", {I32(1)}, TrapKind::IndirectCallTypeMismatch);
  expect_trap("call_ii", {I32(0)}, TrapKind::IndirectCallTypeMismatch);
  expect_trap("call", {I32(2)}, TrapKind::UninitializedElement);
  expect_trap("call", {I32(3)}, TrapKind::UndefinedElement);
  expect_trap("call", {I32(-1)}, TrapKind::UndefinedElement);
  expect_trap("call", {I32(INT32_MIN)}, TrapKind::UndefinedElement);
}

TEST_P(Engine, TableAccessTraps) {
  ModuleBuilder b;
  b.table(T::funcref, ModuleBuilder::lim(2, 4));
  uint32_t v_v = b.type({}, {});
  uint32_t i_v = b.type({T::i32}, {});
  uint32_t ii_v = b.type({T::i32, T::i32}, {});
  uint32_t f = b.func(v_v, {}, Code());
  b.elem_declarative({f});
  b.func("get", i_v, {}, Code().local_get(0).table_get().drop());
  b.func("set", i_v, {}, Code().local_get(0).ref_func(f).table_set());
  b.func("fill", ii_v, {}, Code().local_get(0).ref_null(T::funcref).local_get(1).table_fill());
  b.func("copy", b.type({T::i32, T::i32, T::i32}, {}), {},
         Code().local_get(0).local_get(1).local_get(2).table_copy());
  ASSERT_TRUE(load(b));
  EXPECT_TRUE(run("get", {I32(1)}).ok());
  expect_trap("get", {I32(2)}, TrapKind::TableOutOfBounds);
  expect_trap("get", {I32(-1)}, TrapKind::TableOutOfBounds);
  EXPECT_TRUE(run("set", {I32(1)}).ok());
  expect_trap("set", {I32(2)}, TrapKind::TableOutOfBounds);
  EXPECT_TRUE(run("fill", {I32(0), I32(2)}).ok());
  EXPECT_TRUE(run("fill", {I32(2), I32(0)}).ok());
  expect_trap("fill", {I32(1), I32(2)}, TrapKind::TableOutOfBounds);
  expect_trap("fill", {I32(3), I32(0)}, TrapKind::TableOutOfBounds);
  expect_trap("fill", {I32(1), I32(-1)}, TrapKind::TableOutOfBounds);
  EXPECT_TRUE(run("copy", {I32(0), I32(1), I32(1)}).ok());
  expect_trap("copy", {I32(1), I32(0), I32(2)}, TrapKind::TableOutOfBounds);
  expect_trap("copy", {I32(0), I32(-1), I32(1)}, TrapKind::TableOutOfBounds);
}

TEST_P(Engine, ElementSegmentOutOfBoundsTrapsAtInstantiation) {
  ModuleBuilder b;
  b.table(T::funcref, ModuleBuilder::lim(1));
  uint32_t f = b.func(b.type({}, {}), {}, Code());
  b.elem_active(wb::i32_expr(1), {f});
  InstantiateResult r = instantiate(b);
  ASSERT_TRUE(r.trap.has_value());
  EXPECT_EQ(r.trap->kind, TrapKind::TableOutOfBounds);
}

TEST_P(Engine, DataSegmentOutOfBoundsTrapsAtInstantiation) {
  ModuleBuilder b;
  b.memory(ModuleBuilder::lim(1));
  b.data_active(wb::i32_expr(65535), "ab");
  InstantiateResult r = instantiate(b);
  ASSERT_TRUE(r.trap.has_value());
  EXPECT_EQ(r.trap->kind, TrapKind::MemoryOutOfBounds);
}

// ------------------------------------------------------------ calls, stack, backtraces

TEST_P(Engine, DeepRecursionExhaustsTheCallStack) {
  ModuleBuilder b;
  uint32_t t = b.type({T::i32}, {T::i32});
  // rec(n) = rec(n + 1) + 1: never terminates.
  uint32_t rec = b.func("rec", t, {}, Code().local_get(0).i32_const(1).i32_add().call(0).i32_const(1).i32_add());
  b.name_func(rec, "rec");
  // sum(n) = n == 0 ? 0 : n + sum(n - 1): finite but deep.
  b.func("sum", t, {},
         Code()
             .local_get(0)
             .i32_eqz()
             .if_(wb::bt(T::i32))
             .i32_const(0)
             .else_()
             .local_get(0)
             .local_get(0)
             .i32_const(1)
             .i32_sub()
             .call(1)
             .i32_add()
             .end());
  // Mutual recursion through an indirect call.
  b.table(T::funcref, ModuleBuilder::lim(1));
  uint32_t ping = b.func("ping", t, {}, Code().local_get(0).i32_const(0).call_indirect(t));
  b.elem_active(wb::i32_expr(0), {ping});
  ASSERT_TRUE(load(b));
  Outcome o = run("rec", {I32(0)});
  ASSERT_TRUE(o.trap);
  EXPECT_EQ(o.trap->kind, TrapKind::StackExhausted);
  EXPECT_EQ(o.trap->message, "call stack exhausted");
  ASSERT_FALSE(o.trap->frames.empty());
  EXPECT_EQ(o.trap->frames.front().name, "rec");
  EXPECT_LE(o.trap->frames.size(), 200u) << "backtraces of deep recursion should be capped";
  expect_trap("ping", {I32(0)}, TrapKind::StackExhausted);
  // The store stays usable, and deep finite recursion works.
  EXPECT_EQ(run_i32("sum", {I32(10)}), 55);
  EXPECT_EQ(run_i32("sum", {I32(20000)}), 20000 * 20001 / 2);
  expect_trap("rec", {I32(0)}, TrapKind::StackExhausted);
  EXPECT_EQ(run_i32("sum", {I32(100)}), 5050);
}

TEST_P(Engine, BacktraceUsesNameSectionThenExportsThenIndex) {
  ModuleBuilder b;
  uint32_t v = b.type({}, {});
  uint32_t inner = b.func(v, {}, Code().nop().unreachable());            // func 0: named
  uint32_t middle = b.func(v, {}, Code().call(inner));                   // func 1: exported only
  uint32_t anon = b.func(v, {}, Code().call(middle));                    // func 2: nothing
  uint32_t outer = b.func(v, {}, Code().i32_const(1).drop().call(anon));  // func 3: named
  b.name_func(inner, "inner");
  b.name_func(outer, "outer");
  b.export_func("middle_export", middle);
  b.export_func("run", outer);
  ASSERT_TRUE(load(b));
  Outcome o = run("run");
  ASSERT_TRUE(o.trap);
  EXPECT_EQ(o.trap->kind, TrapKind::Unreachable);
  EXPECT_EQ(frame_names(*o.trap), (std::vector<std::string>{"inner", "middle_export", "func[2]", "outer"}));
  // Module::func_display_name agrees.
  EXPECT_EQ(inst->module->func_display_name(2), "func[2]");
}

TEST_P(Engine, BacktraceOfMemoryFault) {
  ModuleBuilder b;
  b.memory(ModuleBuilder::lim(1));
  uint32_t v = b.type({}, {T::i32});
  uint32_t leaf = b.func(v, {}, Code().i32_const(70000).i32_load());
  uint32_t mid = b.func(v, {}, Code().call(leaf));
  b.name_func(leaf, "leaf");
  b.name_func(mid, "mid");
  b.export_func("mid", mid);
  ASSERT_TRUE(load(b));
  Outcome o = run("mid");
  ASSERT_TRUE(o.trap);
  EXPECT_EQ(o.trap->kind, TrapKind::MemoryOutOfBounds);
  EXPECT_EQ(frame_names(*o.trap), (std::vector<std::string>{"leaf", "mid"}));
}

// ------------------------------------------------------------ control flow and multi-value

TEST_P(Engine, MultiValueCallsAndBlocks) {
  ModuleBuilder b;
  uint32_t quad_t = b.type({T::i32}, {T::i32, T::i64, T::f32, T::f64});
  uint32_t swap_t = b.type({T::i32, T::i32}, {T::i32, T::i32});
  uint32_t quad = b.func("quad", quad_t, {},
                         Code().local_get(0).local_get(0).i64_extend_i32_s().i64_const(10).i64_mul().f32_const(
                             2.5f).f64_const(-1.0));
  uint32_t swap = b.func("swap", swap_t, {}, Code().local_get(1).local_get(0));
  // Combine quad's results: i32 + i64 + f32 + f64 as i64.
  b.func("combine", b.type({T::i32}, {T::i64}), {T::f64, T::f32, T::i64},
         Code()
             .local_get(0)
             .call(quad)
             .local_set(1)  // f64
             .local_set(2)  // f32
             .local_set(3)  // i64
             .i64_extend_i32_s()
             .local_get(3)
             .i64_add()
             .local_get(2)
             .f64_promote_f32()
             .local_get(1)
             .f64_add()
             .i64_trunc_f64_s()
             .i64_add());
  // A block taking two params and producing two results, then subtract.
  b.func("block_params", swap_t, {},
         Code().local_get(0).local_get(1).block(wb::bt_type(swap_t)).call(swap).end().call(swap));
  b.func("sub_after_swap", b.type({T::i32, T::i32}, {T::i32}), {},
         Code().local_get(0).local_get(1).block(wb::bt_type(swap_t)).call(swap).end().i32_sub());
  // if with params: (a b) -> a+b or a-b depending on the condition.
  uint32_t ii_i = b.type({T::i32, T::i32}, {T::i32});
  b.func("if_params", b.type({T::i32, T::i32, T::i32}, {T::i32}), {},
         Code()
             .local_get(0)
             .local_get(1)
             .local_get(2)
             .if_(wb::bt_type(ii_i))
             .i32_add()
             .else_()
             .i32_sub()
             .end());
  // br out of a multi-value block with extra values on the stack.
  b.func("br_multi", b.type({T::i32}, {T::i32}), {},
         Code()
             .i32_const(1000)
             .block(wb::bt_type(b.type({}, {T::i32, T::i32})))
             .i32_const(99)  // dropped by the branch
             .i32_const(1)
             .local_get(0)
             .local_get(0)
             .br_if(0)
             .drop()
             .drop()
             .drop()
             .i32_const(3)
             .i32_const(4)
             .end()
             .i32_sub()
             .i32_add());
  ASSERT_TRUE(load(b));
  Outcome q = run("quad", {I32(7)});
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q.results.size(), 4u);
  EXPECT_EQ(q.i32(0), 7);
  EXPECT_EQ(q.i64(1), 70);
  EXPECT_EQ(q.f32(2), 2.5f);
  EXPECT_EQ(q.f64(3), -1.0);
  EXPECT_EQ(run_i64("combine", {I32(3)}), 3 + 30 + 1);  // 2.5 - 1.0 = 1.5 -> 1
  Outcome s = run("block_params", {I32(1), I32(2)});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s.i32(0), 1);
  EXPECT_EQ(s.i32(1), 2);
  EXPECT_EQ(run_i32("sub_after_swap", {I32(10), I32(3)}), 3 - 10);
  EXPECT_EQ(run_i32("if_params", {I32(10), I32(3), I32(1)}), 13);
  EXPECT_EQ(run_i32("if_params", {I32(10), I32(3), I32(0)}), 7);
  EXPECT_EQ(run_i32("br_multi", {I32(5)}), 1000 + (1 - 5));
  EXPECT_EQ(run_i32("br_multi", {I32(0)}), 1000 + (3 - 4));
}

TEST_P(Engine, BrTableWithValues) {
  ModuleBuilder b;
  // block A (result i32) { block B (result i32) { block C (result i32) {
  //   i32.const 100; local.get 0; br_table C B A (default A) } +1 } +10 } +1000
  Code c;
  c.block(wb::bt(T::i32))
      .block(wb::bt(T::i32))
      .block(wb::bt(T::i32))
      .local_get(1)
      .local_get(0)
      .br_table({0, 1, 2}, 2)
      .end()
      .i32_const(1)
      .i32_add()
      .end()
      .i32_const(10)
      .i32_add()
      .end()
      .i32_const(1000)
      .i32_add();
  b.func("bt", b.type({T::i32, T::i32}, {T::i32}), {}, c);
  // The same with a constant operand and the function as a target.
  Code r;
  r.block(wb::bt(T::i32))
      .i32_const(55)
      .local_get(0)
      .br_table({1, 0}, 0)
      .end()
      .i32_const(1)
      .i32_add();
  b.func("bt_ret", b.type({T::i32}, {T::i32}), {}, r);
  // br_table to a loop (no values) counting down.
  Code l;
  l.block()
      .loop()
      .local_get(0)
      .i32_const(1)
      .i32_sub()
      .local_tee(0)
      .br_table({1}, 0)  // 0 -> exit block, else -> loop
      .end()
      .end()
      .local_get(0);
  b.func("bt_loop", b.type({T::i32}, {T::i32}), {}, l);
  ASSERT_TRUE(load(b));
  EXPECT_EQ(run_i32("bt", {I32(0), I32(100)}), 1111);
  EXPECT_EQ(run_i32("bt", {I32(1), I32(100)}), 1110);
  EXPECT_EQ(run_i32("bt", {I32(2), I32(100)}), 1100);
  EXPECT_EQ(run_i32("bt", {I32(3), I32(100)}), 1100);
  EXPECT_EQ(run_i32("bt", {I32(-1), I32(100)}), 1100);
  EXPECT_EQ(run_i32_poisoned("bt_ret", {I32(1)}), 56) << "default target: the block, value 55";
  EXPECT_EQ(run_i32_poisoned("bt_ret", {I32(0)}), 55) << "target 0: the function";
  EXPECT_EQ(run_i32_poisoned("bt_ret", {I32(7)}), 56);
  EXPECT_EQ(run_i32("bt_loop", {I32(10)}), 0);
}

TEST_P(Engine, LoopsWithParams) {
  ModuleBuilder b;
  uint32_t ii_i = b.type({T::i32, T::i32}, {T::i32});
  uint32_t ii_ii = b.type({T::i32, T::i32}, {T::i32, T::i32});
  // sum(n): loop (param acc i) (result acc): acc+i, i-1, until i == 0.
  b.func("sum", b.type({T::i32}, {T::i32}), {},
         Code()
             .i32_const(0)
             .local_get(0)
             .loop(wb::bt_type(ii_i))
             .local_tee(0)  // i
             .i32_add()     // acc + i
             .local_get(0)
             .i32_const(1)
             .i32_sub()     // i - 1
             .local_get(0)
             .i32_const(1)
             .i32_gt_s()
             .br_if(0)
             .drop()
             .end());
  // fib via a loop carrying (a, b) and a counter local.
  b.func("fib", b.type({T::i32}, {T::i32}), {},
         Code()
             .i32_const(0)
             .i32_const(1)
             .loop(wb::bt_type(ii_ii))
             .local_get(0)
             .i32_eqz()
             .if_(wb::bt_type(ii_ii))
             .else_()
             .local_get(0)
             .i32_const(1)
             .i32_sub()
             .local_set(0)
             .call(2)  // step: (a, b) -> (b, a + b)
             .br(1)
             .end()
             .end()
             .drop());
  b.func(ii_ii, {}, Code().local_get(1).local_get(0).local_get(1).i32_add());
  ASSERT_TRUE(load(b));
  EXPECT_EQ(run_i32("sum", {I32(1)}), 1);
  EXPECT_EQ(run_i32("sum", {I32(10)}), 55);
  EXPECT_EQ(run_i32("sum", {I32(1000)}), 500500);
  EXPECT_EQ(run_i32("fib", {I32(0)}), 0);
  EXPECT_EQ(run_i32("fib", {I32(1)}), 1);
  EXPECT_EQ(run_i32("fib", {I32(10)}), 55);
  EXPECT_EQ(run_i32("fib", {I32(40)}), 102334155);
}

TEST_P(Engine, SelectAndGlobals) {
  ModuleBuilder b;
  uint32_t g = b.global(T::i64, true, wb::i64_expr(5));
  uint32_t gc = b.global(T::f64, false, wb::f64_expr(2.5));
  b.export_global("g", g);
  b.func("sel", b.type({T::i32}, {T::i64}), {}, Code().i64_const(1).i64_const(2).local_get(0).select());
  b.func("sel_t", b.type({T::i32}, {T::f64}), {}, Code().global_get(gc).f64_const(9).local_get(0).select_t(T::f64));
  b.func("sel_ref", b.type({T::i32}, {T::i32}), {},
         Code().ref_null(T::externref).ref_null(T::externref).local_get(0).select_t(T::externref).ref_is_null());
  b.func("bump", b.type({}, {T::i64}), {},
         Code().global_get(g).i64_const(1).i64_add().global_set(g).global_get(g));
  ASSERT_TRUE(load(b));
  EXPECT_EQ(run_i64("sel", {I32(1)}), 1);
  EXPECT_EQ(run_i64("sel", {I32(0)}), 2);
  EXPECT_EQ(run("sel_t", {I32(7)}).f64(), 2.5);
  EXPECT_EQ(run("sel_t", {I32(0)}).f64(), 9.0);
  EXPECT_EQ(run_i32("sel_ref", {I32(0)}), 1);
  EXPECT_EQ(run_i64("bump"), 6);
  EXPECT_EQ(run_i64("bump"), 7);
  auto e = inst->get_export("g");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->global()->bits, 7u);
}

// ------------------------------------------------------------ local.get/set/tee orderings

struct LocalCase {
  const char* name;
  Code code;
  int32_t (*ref)(int32_t, int32_t);
};

TEST_P(Engine, PendingLocalReadsSeeOldValues) {
  ModuleBuilder b;
  uint32_t t = b.type({T::i32, T::i32}, {T::i32});
  uint32_t i_i = b.type({T::i32}, {T::i32});
  std::vector<LocalCase> cases;
  // get0; get0; 1; add; set0; get0? -- the pending first read sees the old value.
  cases.push_back({"old_minus_new",
                   Code().local_get(0).local_get(0).i32_const(1).i32_add().local_set(0).local_get(0).i32_sub(),
                   [](int32_t a, int32_t) { return a - (a + 1); }});
  cases.push_back({"pending_then_set_const", Code().local_get(0).i32_const(5).local_set(0).local_get(0).i32_add(),
                   [](int32_t a, int32_t) { return int32_t(uint32_t(a) + 5u); }});
  cases.push_back({"twice_pending", Code().local_get(0).local_get(0).i32_const(100).local_set(0).i32_add(),
                   [](int32_t a, int32_t) { return int32_t(uint32_t(a) * 2u); }});
  cases.push_back({"swap", Code().local_get(0).local_get(1).local_set(0).local_set(1).local_get(0).i32_const(1000)
                               .i32_mul().local_get(1).i32_add(),
                   [](int32_t a, int32_t b) { return int32_t(uint32_t(b) * 1000u + uint32_t(a)); }});
  cases.push_back({"tee_then_get", Code().local_get(0).i32_const(1).i32_add().local_tee(0).local_get(0).i32_mul(),
                   [](int32_t a, int32_t) { return int32_t((uint32_t(a) + 1u) * (uint32_t(a) + 1u)); }});
  cases.push_back({"old_under_tee", Code().local_get(0).local_get(0).i32_const(3).i32_mul().local_tee(0).i32_sub(),
                   [](int32_t a, int32_t) { return int32_t(uint32_t(a) - 3u * uint32_t(a)); }});
  cases.push_back({"const_tee", Code().i32_const(5).local_tee(0).local_get(0).i32_add(),
                   [](int32_t, int32_t) { return 10; }});
  cases.push_back({"set_from_other_pending",
                   Code().local_get(0).local_get(1).local_get(1).i32_add().local_set(0).local_get(0).i32_sub(),
                   [](int32_t a, int32_t b) { return a - (b + b); }});
  cases.push_back({"copy_chain",
                   Code().local_get(0).local_set(1).local_get(1).local_get(0).i32_const(7).i32_add().local_set(1)
                       .local_get(1).i32_add(),
                   [](int32_t a, int32_t) { return a + (a + 7); }});
  cases.push_back({"redirected_producer",
                   Code().local_get(0).local_get(0).local_get(1).i32_add().local_set(0).local_get(0).i32_add(),
                   [](int32_t a, int32_t b) { return a + (a + b); }});
  cases.push_back({"set_self", Code().local_get(0).local_set(0).local_get(0),
                   [](int32_t a, int32_t) { return a; }});
  cases.push_back({"tee_self_pending", Code().local_get(0).local_get(0).local_tee(0).i32_add(),
                   [](int32_t a, int32_t) { return 2 * a; }});
  cases.push_back({"pending_into_block",
                   Code().local_get(0).block(wb::bt(T::i32)).i32_const(9).local_set(0).local_get(0).end().i32_sub(),
                   [](int32_t a, int32_t) { return a - 9; }});
  cases.push_back({"pending_into_if",
                   Code().local_get(0).local_get(1).if_(wb::bt(T::i32)).i32_const(2).local_set(0).local_get(0).else_()
                       .i32_const(3).local_set(0).local_get(0).end().i32_mul().local_get(0).i32_add(),
                   [](int32_t a, int32_t b) { return a * (b ? 2 : 3) + (b ? 2 : 3); }});
  cases.push_back({"pending_across_br",
                   Code().block(wb::bt(T::i32)).local_get(0).i32_const(9).local_set(0).br(0).end().local_get(0)
                       .i32_add(),
                   [](int32_t a, int32_t) { return a + 9; }});
  cases.push_back({"pending_across_br_if",
                   Code().block(wb::bt(T::i32)).local_get(0).i32_const(9).local_set(0).local_get(1).br_if(0).drop()
                       .i32_const(-1).end().local_get(0).i32_add(),
                   [](int32_t a, int32_t b) { return (b ? a : -1) + 9; }});
  cases.push_back({"pending_as_call_arg",
                   Code().local_get(0).local_get(1).i32_const(0).local_set(0).i32_const(0).local_set(1).call(0)
                       .local_get(0).i32_add(),
                   nullptr});  // ref below: callee(a, b) = a*3 - b
  cases.push_back({"pending_in_select",
                   Code().local_get(0).local_get(1).local_get(1).local_get(0).local_set(1).select().local_get(1)
                       .i32_add(),
                   [](int32_t a, int32_t b) { return (b ? a : b) + a; }});
  cases.push_back({"pending_loop_param",
                   Code().local_get(0).loop(wb::bt_type(i_i)).i32_const(1).local_set(0).end().local_get(0).i32_add(),
                   [](int32_t a, int32_t) { return a + 1; }});
  cases.push_back({"tee_chain", Code().local_get(1).local_tee(0).local_tee(1).local_get(0).i32_add().local_get(1)
                                    .i32_add(),
                   [](int32_t, int32_t b) { return 3 * b; }});

  b.func(t, {}, Code().local_get(0).i32_const(3).i32_mul().local_get(1).i32_sub());  // func 0
  for (const LocalCase& c : cases) b.func(c.name, t, {}, c.code);
  ASSERT_TRUE(load(b));
  const int32_t inputs[][2] = {{0, 0}, {1, 2}, {-7, 1}, {123456, 0}, {5, -3}};
  for (const LocalCase& c : cases) {
    for (const auto& in : inputs) {
      int32_t want = c.ref ? c.ref(in[0], in[1]) : in[0] * 3 - in[1] + 0;
      EXPECT_EQ(run_i32(c.name, {I32(in[0]), I32(in[1])}), want) << c.name << "(" << in[0] << ", " << in[1] << ")";
    }
  }
}

// ------------------------------------------------------------ compare+branch fusion and labels

TEST_P(Engine, CompareBeforeBlockEndIsNotFusedAcrossTheLabel) {
  // The block's value comes either from a branch (42) or from a compare at
  // the end of the block; a br_if after the block tests that value.
  ModuleBuilder b;
  Code c;
  c.block()                  // outer: taken br_if lands here (result 200)
      .block(wb::bt(T::i32))  // inner
      .i32_const(42)
      .local_get(0)
      .br_if(0)  // p0 != 0: leave inner with 42
      .drop()
      .local_get(0)
      .local_get(1)
      .i32_lt_s()
      .end()
      .br_if(0)  // value != 0 -> outer end
      .i32_const(100)
      .return_()
      .end()
      .i32_const(200);
  b.func("f", b.type({T::i32, T::i32}, {T::i32}), {}, c);
  // The same through if/else.
  Code d;
  d.block()
      .local_get(0)
      .if_(wb::bt(T::i32))
      .i32_const(7)
      .br(0)
      .else_()
      .local_get(0)
      .local_get(1)
      .i32_lt_s()
      .end()
      .br_if(0)
      .i32_const(100)
      .return_()
      .end()
      .i32_const(200);
  b.func("g", b.type({T::i32, T::i32}, {T::i32}), {}, d);
  ASSERT_TRUE(load(b));
  EXPECT_EQ(run_i32("f", {I32(1), I32(0)}), 200) << "branch value 42 is non-zero";
  EXPECT_EQ(run_i32("f", {I32(0), I32(5)}), 200) << "0 < 5";
  EXPECT_EQ(run_i32("f", {I32(0), I32(-5)}), 100) << "0 < -5 is false";
  EXPECT_EQ(run_i32("g", {I32(1), I32(0)}), 200);
  EXPECT_EQ(run_i32("g", {I32(0), I32(5)}), 200);
  EXPECT_EQ(run_i32("g", {I32(0), I32(-5)}), 100);
}

TEST_P(Engine, CompareBeforeLoopHeader) {
  // A compare right before a loop whose body starts with a br_if on it.
  ModuleBuilder b;
  uint32_t i_v = b.type({T::i32}, {});
  Code c;
  c.local_get(0)
      .i32_const(10)
      .i32_lt_s()
      .loop(wb::bt_type(i_v))
      .br_if(1)  // leave if (still) true
      .local_get(0)
      .i32_const(1)
      .i32_sub()
      .local_tee(0)
      .i32_const(10)
      .i32_lt_s()
      .br(0)
      .end()
      .i32_const(-1)
      .return_()
      .end()
      .local_get(0);
  b.func("f", b.type({T::i32}, {T::i32}), {}, Code().block().raw(c.bytes));
  ASSERT_TRUE(load(b));
  Outcome a = run_bounded("f", {I32(3)});
  ASSERT_TRUE(a.ok()) << trap_text(a);
  EXPECT_EQ(a.i32(), 3);
  Outcome b15 = run_bounded("f", {I32(15)});
  ASSERT_TRUE(b15.ok()) << trap_text(b15) << " (a hang was interrupted?)";
  EXPECT_EQ(b15.i32(), 9);
}

TEST_P(Engine, BrIfToFunctionKeepsValueOnFallthrough) {
  ModuleBuilder b;
  uint32_t t = b.type({T::i32}, {T::i32});
  b.func("const", t, {}, Code().i32_const(7).local_get(0).br_if(0).i32_const(1).i32_add());
  b.func("local", b.type({T::i32, T::i32}, {T::i32}), {},
         Code().local_get(1).local_get(0).br_if(0).i32_const(1).i32_add());
  ASSERT_TRUE(load(b));
  EXPECT_EQ(run_i32_poisoned("const", {I32(0)}), 8) << "not taken";
  EXPECT_EQ(run_i32_poisoned("const", {I32(1)}), 7) << "taken";
  EXPECT_EQ(run_i32_poisoned("local", {I32(0), I32(20)}), 21) << "not taken";
  EXPECT_EQ(run_i32_poisoned("local", {I32(1), I32(30)}), 30) << "taken";
}

// ------------------------------------------------------------ random programs vs a reference

// A tiny structured i32 language, evaluated by a reference evaluator here
// and compiled to wasm, so that the translator's bookkeeping (pending local
// reads, constants, result redirection, compare fusion, branch copies,
// loop params, multi-value) is checked against independent semantics.
struct Ins {
  enum Kind {
    Get, Const, Set, Tee, Bin, Eqz, Drop, Select,
    If,       // pops a condition; both arms yield one value
    Block,    // yields one value
    Block2,   // yields two values (multi-value block type)
    Loop,     // pops the param; runs its body `a` times (counter local `b`)
    BrIf,     // pops a condition; branches to label depth `a` with the top value
    BrTable,  // pops an index; branches with the top value to targets/`a` (default)
    Call,     // (a, b) -> a*3 - b
    Call2,    // (a, b) -> (a + b, a ^ b)
    Load,     // pushes mem[a]
    LoadDyn,  // pops v, pushes mem[v & 7]
    Store,    // pops v, mem[a] = v
  } kind;
  int32_t a = 0;
  uint8_t opcode = 0;
  std::vector<Ins> body, other;
  std::vector<uint32_t> targets;
  int32_t b = 0;
};

constexpr int kNumLocals = 4;        // two params, two locals: the generator's pool
constexpr uint32_t kCounterBase = 4;  // loop counters: locals 4..6
constexpr uint32_t kScratch = 7;      // stores
constexpr uint32_t kTotalLocals = 8;
constexpr int kMemWords = 8;

// Types of the program module (see program_module()).
constexpr uint32_t kTypeProgram = 0;  // (i32 i32) -> i32
constexpr uint32_t kTypePair = 1;     // (i32 i32) -> (i32 i32)
constexpr uint32_t kTypeTwo = 2;      // () -> (i32 i32)
constexpr uint32_t kTypeLoop = 3;     // (i32) -> i32

struct Gen {
  std::mt19937 rng;
  explicit Gen(uint32_t seed) : rng(seed) {}
  int pick(int n) { return int(rng() % uint32_t(n)); }

  static constexpr uint8_t kBinops[] = {0x6a, 0x6b, 0x6c, 0x73, 0x71, 0x72, 0x74, 0x76, 0x77,
                                        0x48, 0x46, 0x4b, 0x4c, 0x47};

  // Labels enclosing the code being generated, innermost last:
  // 'F' function, 'B' block/if (one i32), 'L' loop, 'M' two-value block.
  std::string labels = "F";

  std::vector<uint32_t> branch_targets() const {
    std::vector<uint32_t> out;
    for (size_t d = 0; d < labels.size(); ++d) {
      char k = labels[labels.size() - 1 - d];
      if (k == 'F' || k == 'B') out.push_back(uint32_t(d));
    }
    return out;
  }

  // A sequence starting with {d} values on its (block-local) stack and
  // ending with exactly {want} values.
  std::vector<Ins> seq(int nesting, int steps, int d = 0, int want = 1) {
    std::vector<Ins> out;
    for (int s = 0; s < steps; ++s) {
      int r = pick(100);
      const std::vector<uint32_t> targets = branch_targets();
      if (d == 0 || r < 22) {
        int w = pick(6);
        if (w == 0) out.push_back({Ins::Const, int32_t(pick(7)) - 3});
        else if (w == 1) out.push_back({Ins::Load, pick(kMemWords)});
        else out.push_back({Ins::Get, pick(kNumLocals)});
        ++d;
      } else if (r < 32) {
        out.push_back({Ins::Set, pick(kNumLocals)});
        --d;
      } else if (r < 40) {
        out.push_back({Ins::Tee, pick(kNumLocals)});
      } else if (r < 54 && d >= 2) {
        Ins i{Ins::Bin};
        i.opcode = kBinops[pick(sizeof kBinops)];
        out.push_back(i);
        --d;
      } else if (r < 56) {
        out.push_back({Ins::Eqz});
      } else if (r < 58) {
        out.push_back({Ins::Drop});
        --d;
      } else if (r < 61) {
        out.push_back({Ins::Store, pick(kMemWords)});
        --d;
      } else if (r < 63) {
        out.push_back({Ins::LoadDyn});
      } else if (r < 66 && d >= 3) {
        out.push_back({Ins::Select});
        d -= 2;
      } else if (r < 71 && nesting < 3) {
        Ins i{Ins::If};
        labels.push_back('B');
        i.body = seq(nesting + 1, 1 + pick(6));
        i.other = seq(nesting + 1, 1 + pick(6));
        labels.pop_back();
        out.push_back(std::move(i));  // pops the condition, pushes one value
      } else if (r < 75 && nesting < 3) {
        Ins i{Ins::Block};
        labels.push_back('B');
        i.body = seq(nesting + 1, 1 + pick(8));
        labels.pop_back();
        out.push_back(std::move(i));
        ++d;
      } else if (r < 77 && nesting < 3) {
        Ins i{Ins::Block2};
        labels.push_back('M');
        i.body = seq(nesting + 1, 2 + pick(6), 0, 2);
        labels.pop_back();
        out.push_back(std::move(i));
        d += 2;
      } else if (r < 81 && nesting < 3) {
        Ins i{Ins::Loop};
        i.a = 1 + pick(3);
        i.b = int32_t(kCounterBase) + nesting;
        labels.push_back('L');
        i.body = seq(nesting + 1, 1 + pick(6), 1, 1);
        labels.pop_back();
        out.push_back(std::move(i));  // pops the param, pushes the result
      } else if (r < 87 && d >= 2 && !targets.empty()) {
        Ins i{Ins::BrIf};
        i.a = int32_t(targets[size_t(pick(int(targets.size())))]);
        out.push_back(i);
        --d;
      } else if (r < 89 && d >= 2 && !targets.empty()) {
        Ins i{Ins::BrTable};
        int n = pick(4);
        for (int k = 0; k < n; ++k) i.targets.push_back(targets[size_t(pick(int(targets.size())))]);
        i.a = int32_t(targets[size_t(pick(int(targets.size())))]);
        out.push_back(std::move(i));
        d = 0;  // the rest of the sequence is unreachable (and validated polymorphically)
      } else if (r < 94 && d >= 2) {
        out.push_back({Ins::Call});
        --d;
      } else if (d >= 2) {
        out.push_back({Ins::Call2});
      } else {
        out.push_back({Ins::Get, pick(kNumLocals)});
        ++d;
      }
    }
    while (d > want) {
      Ins i{Ins::Bin};
      i.opcode = kBinops[pick(sizeof kBinops)];
      out.push_back(i);
      --d;
    }
    while (d < want) {
      out.push_back({Ins::Const, 11 + d});
      ++d;
    }
    return out;
  }
};

int32_t eval_binop(uint8_t op, int32_t a, int32_t b) {
  uint32_t ua = uint32_t(a), ub = uint32_t(b);
  switch (op) {
    case 0x6a: return int32_t(ua + ub);
    case 0x6b: return int32_t(ua - ub);
    case 0x6c: return int32_t(ua * ub);
    case 0x73: return a ^ b;
    case 0x71: return a & b;
    case 0x72: return a | b;
    case 0x74: return int32_t(ua << (ub & 31));
    case 0x76: return int32_t(ua >> (ub & 31));
    case 0x77: return int32_t(std::rotl(ua, int(ub & 31)));
    case 0x48: return a < b;
    case 0x46: return a == b;
    case 0x4b: return ua > ub;
    case 0x4c: return a <= b;
    case 0x47: return a != b;
  }
  return 0;
}
int32_t helper_fn(int32_t a, int32_t b) { return int32_t(uint32_t(a) * 3u - uint32_t(b)); }

struct EvalState {
  int32_t locals[kTotalLocals] = {};
  int32_t mem[kMemWords] = {};
};

// Runs {seq}; returns -1 when it completes, or the relative depth of the
// label it branches to (then *brval is the value carried).
int eval_seq(const std::vector<Ins>& seq, EvalState& es, std::vector<int32_t>& st, int32_t* brval) {
  auto pop = [&] {
    int32_t v = st.back();
    st.pop_back();
    return v;
  };
  for (const Ins& i : seq) {
    switch (i.kind) {
      case Ins::Get: st.push_back(es.locals[i.a]); break;
      case Ins::Const: st.push_back(i.a); break;
      case Ins::Set: es.locals[i.a] = pop(); break;
      case Ins::Tee: es.locals[i.a] = st.back(); break;
      case Ins::Bin: {
        int32_t b = pop();
        int32_t a = pop();
        st.push_back(eval_binop(i.opcode, a, b));
        break;
      }
      case Ins::Eqz: st.back() = st.back() == 0; break;
      case Ins::Drop: pop(); break;
      case Ins::Select: {
        int32_t c = pop();
        int32_t b = pop();
        int32_t a = pop();
        st.push_back(c ? a : b);
        break;
      }
      case Ins::If:
      case Ins::Block: {
        const std::vector<Ins>* body = &i.body;
        if (i.kind == Ins::If) body = pop() ? &i.body : &i.other;
        std::vector<int32_t> inner;
        int32_t v;
        int r = eval_seq(*body, es, inner, &v);
        if (r > 0) {
          *brval = v;
          return r - 1;
        }
        st.push_back(r == 0 ? v : inner.back());
        break;
      }
      case Ins::Block2: {
        std::vector<int32_t> inner;
        int32_t v;
        int r = eval_seq(i.body, es, inner, &v);
        if (r >= 0) {  // (never 0: two-value blocks are not branch targets)
          *brval = v;
          return r - 1;
        }
        st.push_back(inner[inner.size() - 2]);
        st.push_back(inner.back());
        break;
      }
      case Ins::Loop: {
        int32_t v = pop();
        es.locals[i.b] = i.a;
        for (;;) {
          std::vector<int32_t> inner{v};
          int32_t bv;
          int r = eval_seq(i.body, es, inner, &bv);
          if (r >= 0) {  // (never 0: loops are not branch targets)
            *brval = bv;
            return r - 1;
          }
          v = inner.back();
          if (--es.locals[i.b] == 0) break;
        }
        st.push_back(v);
        break;
      }
      case Ins::BrIf: {
        int32_t c = pop();
        if (c) {
          *brval = st.back();
          return i.a;
        }
        break;
      }
      case Ins::BrTable: {
        uint32_t idx = uint32_t(pop());
        *brval = st.back();
        return int(idx < i.targets.size() ? i.targets[idx] : uint32_t(i.a));
      }
      case Ins::Call: {
        int32_t b = pop();
        int32_t a = pop();
        st.push_back(helper_fn(a, b));
        break;
      }
      case Ins::Call2: {
        int32_t b = pop();
        int32_t a = pop();
        st.push_back(int32_t(uint32_t(a) + uint32_t(b)));
        st.push_back(a ^ b);
        break;
      }
      case Ins::Load: st.push_back(es.mem[i.a]); break;
      case Ins::LoadDyn: st.back() = es.mem[st.back() & 7]; break;
      case Ins::Store: es.mem[i.a] = pop(); break;
    }
  }
  return -1;
}

void emit_seq(const std::vector<Ins>& seq, Code& c) {
  for (const Ins& i : seq) {
    switch (i.kind) {
      case Ins::Get: c.local_get(uint32_t(i.a)); break;
      case Ins::Const: c.i32_const(i.a); break;
      case Ins::Set: c.local_set(uint32_t(i.a)); break;
      case Ins::Tee: c.local_tee(uint32_t(i.a)); break;
      case Ins::Bin: c.op(i.opcode); break;
      case Ins::Eqz: c.i32_eqz(); break;
      case Ins::Drop: c.drop(); break;
      case Ins::Select: c.select(); break;
      case Ins::If:
        c.if_(wb::bt(T::i32));
        emit_seq(i.body, c);
        c.else_();
        emit_seq(i.other, c);
        c.end();
        break;
      case Ins::Block:
        c.block(wb::bt(T::i32));
        emit_seq(i.body, c);
        c.end();
        break;
      case Ins::Block2:
        c.block(wb::bt_type(kTypeTwo));
        emit_seq(i.body, c);
        c.end();
        break;
      case Ins::Loop:
        c.i32_const(i.a).local_set(uint32_t(i.b));
        c.loop(wb::bt_type(kTypeLoop));
        emit_seq(i.body, c);
        c.local_get(uint32_t(i.b)).i32_const(1).i32_sub().local_tee(uint32_t(i.b)).br_if(0);
        c.end();
        break;
      case Ins::BrIf: c.br_if(uint32_t(i.a)); break;
      case Ins::BrTable: {
        c.op(0x0e).u32(i.targets.size());
        for (uint32_t t : i.targets) c.u32(t);
        c.u32(uint32_t(i.a));
        break;
      }
      case Ins::Call: c.call(0); break;
      case Ins::Call2: c.call(1); break;
      case Ins::Load: c.i32_const(i.a * 4).i32_load(); break;
      case Ins::LoadDyn: c.i32_const(7).i32_and().i32_const(2).i32_shl().i32_load(); break;
      case Ins::Store: c.local_set(kScratch).i32_const(i.a * 4).local_get(kScratch).i32_store(); break;
    }
  }
}

void print_seq(const std::vector<Ins>& seq, std::ostream& os, int indent) {
  std::string pad(size_t(indent) * 2, ' ');
  for (const Ins& i : seq) {
    switch (i.kind) {
      case Ins::Get: os << pad << "local.get " << i.a << "\n"; break;
      case Ins::Const: os << pad << "i32.const " << i.a << "\n"; break;
      case Ins::Set: os << pad << "local.set " << i.a << "\n"; break;
      case Ins::Tee: os << pad << "local.tee " << i.a << "\n"; break;
      case Ins::Bin: os << pad << op_name(Op(kSingleByteOps[i.opcode])) << "\n"; break;
      case Ins::Eqz: os << pad << "i32.eqz\n"; break;
      case Ins::Drop: os << pad << "drop\n"; break;
      case Ins::Select: os << pad << "select\n"; break;
      case Ins::If:
        os << pad << "if (result i32)\n";
        print_seq(i.body, os, indent + 1);
        os << pad << "else\n";
        print_seq(i.other, os, indent + 1);
        os << pad << "end\n";
        break;
      case Ins::Block:
      case Ins::Block2:
        os << pad << (i.kind == Ins::Block ? "block (result i32)\n" : "block (result i32 i32)\n");
        print_seq(i.body, os, indent + 1);
        os << pad << "end\n";
        break;
      case Ins::Loop:
        os << pad << "i32.const " << i.a << "\n" << pad << "local.set " << i.b << "\n";
        os << pad << "loop (param i32) (result i32)\n";
        print_seq(i.body, os, indent + 1);
        os << pad << "  local.get " << i.b << "\n" << pad << "  i32.const 1\n" << pad << "  i32.sub\n"
           << pad << "  local.tee " << i.b << "\n" << pad << "  br_if 0\n";
        os << pad << "end\n";
        break;
      case Ins::BrIf: os << pad << "br_if " << i.a << "\n"; break;
      case Ins::BrTable:
        os << pad << "br_table";
        for (uint32_t t : i.targets) os << " " << t;
        os << " " << i.a << "\n";
        break;
      case Ins::Call: os << pad << "call $helper  ;; (a, b) -> a*3-b\n"; break;
      case Ins::Call2: os << pad << "call $pair  ;; (a, b) -> (a+b, a^b)\n"; break;
      case Ins::Load: os << pad << "i32.const " << i.a * 4 << "\n" << pad << "i32.load\n"; break;
      case Ins::LoadDyn:
        os << pad << "i32.const 7\n" << pad << "i32.and\n" << pad << "i32.const 2\n" << pad << "i32.shl\n"
           << pad << "i32.load\n";
        break;
      case Ins::Store:
        os << pad << "local.set " << kScratch << "\n" << pad << "i32.const " << i.a * 4 << "\n" << pad
           << "local.get " << kScratch << "\n" << pad << "i32.store\n";
        break;
    }
  }
}

constexpr uint32_t kFold[kTotalLocals + kMemWords] = {
    0x9e3779b1u, 0x85ebca77u, 0xc2b2ae3du, 0x27d4eb2fu, 0x165667b1u, 0xd3a2646cu, 0xfd7046c5u, 0xb55a4f09u,
    0x2545f491u, 0x61c88647u, 0x7feb352du, 0x846ca68bu, 0x94d049bbu, 0xbf58476du, 0x1b873593u, 0xcc9e2d51u};

// The expected result of a program: its value with the final locals and
// memory folded in, or the value a branch returned from the function.
uint32_t reference_result(const std::vector<Ins>& prog, int32_t p0, int32_t p1) {
  EvalState es;
  es.locals[0] = p0;
  es.locals[1] = p1;
  std::vector<int32_t> st;
  int32_t v;
  if (eval_seq(prog, es, st, &v) >= 0) return uint32_t(v);  // returned from the function
  uint32_t want = uint32_t(st.back());
  for (uint32_t k = 0; k < kNumLocals; ++k) want ^= uint32_t(es.locals[k]) * kFold[k];
  for (uint32_t k = 0; k < kMemWords; ++k) want ^= uint32_t(es.mem[k]) * kFold[kTotalLocals + k];
  return want;
}

Code program_code(const std::vector<Ins>& prog) {
  Code c;
  c.i32_const(0).i32_const(0).i32_const(kMemWords * 4).memory_fill();  // fresh memory per call
  emit_seq(prog, c);
  for (uint32_t k = 0; k < kNumLocals; ++k) c.local_get(k).i32_const(int32_t(kFold[k])).i32_mul().i32_xor();
  for (uint32_t k = 0; k < kMemWords; ++k)
    c.i32_const(int32_t(k * 4)).i32_load().i32_const(int32_t(kFold[kTotalLocals + k])).i32_mul().i32_xor();
  return c;
}

// "p<N>" (spelled out to dodge a GCC 12 -Wrestrict false positive on
// string literal + std::string).
std::string program_name(int n) {
  std::string s = std::to_string(n);
  s.insert(s.begin(), 'p');
  return s;
}

ModuleBuilder program_module() {
  ModuleBuilder b;
  EXPECT_EQ(b.type({T::i32, T::i32}, {T::i32}), kTypeProgram);
  EXPECT_EQ(b.type({T::i32, T::i32}, {T::i32, T::i32}), kTypePair);
  EXPECT_EQ(b.type({}, {T::i32, T::i32}), kTypeTwo);
  EXPECT_EQ(b.type({T::i32}, {T::i32}), kTypeLoop);
  b.memory(ModuleBuilder::lim(1));
  b.func(kTypeProgram, {}, Code().local_get(0).i32_const(3).i32_mul().local_get(1).i32_sub());  // $helper: func 0
  b.func(kTypePair, {}, Code().local_get(0).local_get(1).i32_add().local_get(0).local_get(1).i32_xor());  // $pair
  return b;
}

const std::vector<T> kProgramLocals(kTotalLocals - 2, T::i32);

// The generator's invariant, which the reference evaluator relies on:
// branches only target the function, blocks and ifs (one i32), never
// loops or two-value blocks. (Minimisation can break it by moving code
// across labels.)
bool branches_well_formed(const std::vector<Ins>& seq, std::string& labels) {
  for (const Ins& i : seq) {
    std::vector<uint32_t> targets;
    if (i.kind == Ins::BrIf) targets.push_back(uint32_t(i.a));
    if (i.kind == Ins::BrTable) {
      targets = i.targets;
      targets.push_back(uint32_t(i.a));
    }
    for (uint32_t d : targets) {
      if (d >= labels.size()) return false;
      char k = labels[labels.size() - 1 - d];
      if (k != 'F' && k != 'B') return false;
    }
    char inner = i.kind == Ins::Loop ? 'L' : i.kind == Ins::Block2 ? 'M' : 'B';
    if (i.kind == Ins::If || i.kind == Ins::Block || i.kind == Ins::Block2 || i.kind == Ins::Loop) {
      labels.push_back(inner);
      bool ok = branches_well_formed(i.body, labels) && branches_well_formed(i.other, labels);
      labels.pop_back();
      if (!ok) return false;
    }
  }
  return true;
}

void program_positions(std::vector<Ins>& seq, std::vector<std::pair<std::vector<Ins>*, size_t>>& out) {
  for (size_t i = 0; i < seq.size(); ++i) {
    out.emplace_back(&seq, i);
    program_positions(seq[i].body, out);
    program_positions(seq[i].other, out);
  }
}

TEST_P(Engine, RandomProgramsMatchReference) {
  // Programs run at most 27 loop iterations: anything this slow is a hang.
  constexpr auto kLimit = std::chrono::milliseconds(2000);
  constexpr int kPrograms = 3000;
  constexpr int kPerModule = 100;
  const int32_t inputs[][2] = {{0, 0}, {1, -1}, {3, 5}, {-2, 7}};
  Gen gen(20240611);
  int failures = 0;

  // True when {prog} is valid and brisk disagrees with the reference on (p0, p1).
  auto mismatches = [&](const std::vector<Ins>& prog, int32_t p0, int32_t p1) {
    std::string labels = "F";
    if (!branches_well_formed(prog, labels)) return false;
    ModuleBuilder b = program_module();
    b.func("p", kTypeProgram, kProgramLocals, program_code(prog));
    auto m = decode(b.build());
    if (!m.ok()) return false;
    InstantiateResult r = store().instantiate(m.value(), linker);
    if (!r.ok()) return false;
    Outcome o = call_bounded(r.instance->get_func("p"), {I32(p0), I32(p1)}, kLimit);
    return !o.ok() || uint32_t(o.i32()) != reference_result(prog, p0, p1);
  };
  // Greedy minimisation: replace instructions by simpler ones with the same
  // stack effect (or nothing) while the mismatch persists.
  auto replacements = [](const Ins& i) {
    std::vector<std::vector<Ins>> r;
    r.push_back({});
    const Ins drop{Ins::Drop}, zero{Ins::Const, 0};
    switch (i.kind) {
      case Ins::Block:
        r.push_back({zero});
        r.push_back(i.body);
        break;
      case Ins::Block2:
        r.push_back({zero, zero});
        r.push_back(i.body);
        break;
      case Ins::Loop:
        r.push_back(i.body);
        r.push_back({drop, zero});
        break;
      case Ins::If: {
        r.push_back({drop, zero});
        std::vector<Ins> a{drop}, b{drop};
        a.insert(a.end(), i.body.begin(), i.body.end());
        b.insert(b.end(), i.other.begin(), i.other.end());
        r.push_back(a);
        r.push_back(b);
        break;
      }
      case Ins::Bin: case Ins::Call: case Ins::BrIf: case Ins::Set: case Ins::Store: r.push_back({drop}); break;
      case Ins::BrTable: r.push_back({drop}); break;
      case Ins::Select: r.push_back({drop, drop}); break;
      case Ins::Get: case Ins::Load: r.push_back({zero}); break;
      default: break;
    }
    return r;
  };
  auto minimize = [&](std::vector<Ins> prog, int32_t p0, int32_t p1) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    for (bool changed = true; changed && std::chrono::steady_clock::now() < give_up;) {
      changed = false;
      std::vector<std::pair<std::vector<Ins>*, size_t>> pos;
      program_positions(prog, pos);
      for (size_t k = 0; k < pos.size() && !changed; ++k) {
        for (const std::vector<Ins>& rep : replacements((*pos[k].first)[pos[k].second])) {
          std::vector<Ins> cand = prog;
          std::vector<std::pair<std::vector<Ins>*, size_t>> cpos;
          program_positions(cand, cpos);
          std::vector<Ins>& seq = *cpos[k].first;
          seq.erase(seq.begin() + ptrdiff_t(cpos[k].second));
          seq.insert(seq.begin() + ptrdiff_t(cpos[k].second), rep.begin(), rep.end());
          if (mismatches(cand, p0, p1)) {
            prog = std::move(cand);
            changed = true;
            break;
          }
        }
        // A value pushed and dropped right away: remove both.
        if (!changed && pos[k].second + 1 < pos[k].first->size()) {
          std::vector<Ins> cand = prog;
          std::vector<std::pair<std::vector<Ins>*, size_t>> cpos;
          program_positions(cand, cpos);
          std::vector<Ins>& seq = *cpos[k].first;
          auto at = seq.begin() + ptrdiff_t(cpos[k].second);
          seq.erase(at, at + 2);
          if (mismatches(cand, p0, p1)) {
            prog = std::move(cand);
            changed = true;
          }
        }
      }
    }
    return prog;
  };

  for (int base = 0; base < kPrograms && failures < 3; base += kPerModule) {
    ModuleBuilder b = program_module();
    std::vector<std::vector<Ins>> progs;
    for (int p = 0; p < kPerModule; ++p) {
      progs.push_back(gen.seq(0, 4 + gen.pick(24)));
      b.func(program_name(p), kTypeProgram, kProgramLocals, program_code(progs.back()));
    }
    auto m = decode(b.build());
    ASSERT_TRUE(m.ok()) << "the generator produced an invalid program: " << m.error().to_string();
    Instance* in = load(b);
    ASSERT_TRUE(in);
    for (int p = 0; p < kPerModule && failures < 3; ++p) {
      for (const auto& input : inputs) {
        const uint32_t want = reference_result(progs[size_t(p)], input[0], input[1]);
        Outcome o = call_bounded(in->get_func(program_name(p)), {I32(input[0]), I32(input[1])}, kLimit);
        if (!o.ok() || uint32_t(o.i32()) != want) {
          std::vector<Ins> small = minimize(progs[size_t(p)], input[0], input[1]);
          std::ostringstream os;
          print_seq(small, os, 1);
          ADD_FAILURE() << "program " << base + p << " with (local0, local1) = (" << input[0] << ", " << input[1]
                        << "): got " << (o.ok() ? std::to_string(o.i32()) : trap_text(o)) << ", want "
                        << int32_t(want) << "\nminimised program (locals 2-7 start at 0; memory is zeroed first; "
                        << "then locals 0-3 and memory words 0-7 are folded into the result; minimised result: want "
                        << int32_t(reference_result(small, input[0], input[1])) << "):\n"
                        << os.str();
          ++failures;
          break;
        }
      }
    }
  }
}

// ------------------------------------------------------------ host functions

TEST_P(Engine, HostFunctionParamsAndResults) {
  FuncType ft{{ValType::I32, ValType::I64, ValType::F32, ValType::F64}, {ValType::F64, ValType::I64}};
  Function* host = store().create_host_function(
      ft,
      [](HostCall&, const uint64_t* args, uint64_t* results) {
        int32_t a = int32_t(uint32_t(args[0]));
        int64_t b = int64_t(args[1]);
        float c = std::bit_cast<float>(uint32_t(args[2]));
        double d = std::bit_cast<double>(args[3]);
        results[0] = std::bit_cast<uint64_t>(double(a) + double(b) + double(c) + d);
        results[1] = uint64_t(int64_t(a) * b);
        return TrapKind::None;
      },
      "mix");
  linker.define("env", "mix", Extern{ExternKind::Func, host});
  ModuleBuilder b;
  uint32_t t = b.type({T::i32, T::i64, T::f32, T::f64}, {T::f64, T::i64});
  uint32_t mix = b.import_func("env", "mix", t);
  b.func("call", b.type({T::i32}, {T::i64}), {},
         Code()
             .local_get(0)
             .i64_const(-3)
             .f32_const(0.5f)
             .f64_const(0.25)
             .call(mix)
             .local_get(0)  // keep an extra value live across the call
             .drop()
             .i64_const(1000)
             .i64_mul()  // i64 result * 1000
             .i64_const(0)
             .i64_add()
             .call(2));  // fold in the f64
  // func 2: (f64, i64) -> i64
  b.func(b.type({T::f64, T::i64}, {T::i64}), {}, Code().local_get(0).i64_trunc_f64_s().local_get(1).i64_add());
  b.export_func("mix", mix);
  ASSERT_TRUE(load(b));
  // 7 - 3 + 0.5 + 0.25 = 4.75 -> 4; 7 * -3 = -21 -> -21000
  EXPECT_EQ(run_i64("call", {I32(7)}), 4 - 21000);
  // Calling the host function directly through the store.
  Outcome o = run("mix", {I32(2), I64(3), f32v(1.0f), f64v(1.0)});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o.f64(0), 7.0);
  EXPECT_EQ(o.i64(1), 6);
}

TEST_P(Engine, HostTrapPropagatesWithMessageAndBacktrace) {
  FuncType ft{{ValType::I32}, {}};
  Function* host = store().create_host_function(
      ft,
      [](HostCall& hc, const uint64_t* args, uint64_t*) {
        if (args[0] == 13) return hc.trap("unlucky number 13");
        return TrapKind::None;
      },
      "check");
  linker.define("env", "check", Extern{ExternKind::Func, host});
  ModuleBuilder b;
  uint32_t t = b.type({T::i32}, {});
  uint32_t check = b.import_func("env", "check", t);
  uint32_t mid = b.func("mid", t, {}, Code().local_get(0).call(check));
  uint32_t top = b.func("top", t, {}, Code().local_get(0).call(mid));
  b.name_func(mid, "mid");
  b.name_func(top, "top");
  ASSERT_TRUE(load(b));
  EXPECT_TRUE(run("top", {I32(12)}).ok());
  Outcome o = run("top", {I32(13)});
  ASSERT_TRUE(o.trap);
  EXPECT_EQ(o.trap->kind, TrapKind::Host);
  EXPECT_EQ(o.trap->message, "unlucky number 13");
  ASSERT_GE(o.trap->frames.size(), 2u);
  EXPECT_EQ(o.trap->frames[o.trap->frames.size() - 2].name, "mid");
  EXPECT_EQ(o.trap->frames.back().name, "top");
  EXPECT_TRUE(run("top", {I32(1)}).ok());
}

TEST_P(Engine, HostReentersWasm) {
  // wasm down(n) = n == 0 ? 0 : n + host(n - 1); host(n) = wasm down(n) * 2.
  Function* down = nullptr;
  int max_depth = 0;
  FuncType ft{{ValType::I32}, {ValType::I32}};
  Function* host = store().create_host_function(
      ft,
      [&](HostCall& hc, const uint64_t* args, uint64_t* results) {
        EXPECT_TRUE(hc.caller != nullptr);
        max_depth = std::max(max_depth, int(args[0]));
        uint64_t a = args[0];
        uint64_t r = 0;
        CallResult cr = hc.store->call(down, &a, &r);
        if (cr.trap) return hc.trap("nested: " + cr.trap->message);
        results[0] = uint32_t(r) * 2;
        return TrapKind::None;
      },
      "twice_down");
  linker.define("env", "twice_down", Extern{ExternKind::Func, host});
  ModuleBuilder b;
  uint32_t t = b.type({T::i32}, {T::i32});
  uint32_t imp = b.import_func("env", "twice_down", t);
  b.func("down", t, {},
         Code()
             .local_get(0)
             .i32_eqz()
             .if_(wb::bt(T::i32))
             .i32_const(0)
             .else_()
             .local_get(0)
             .i32_const(100)
             .i32_eq()
             .if_()
             .unreachable()
             .end()
             .local_get(0)
             .local_get(0)
             .i32_const(1)
             .i32_sub()
             .call(imp)
             .i32_add()
             .end());
  ASSERT_TRUE(load(b));
  down = fn("down");
  // down(3) = 3 + 2*down(2) = 3 + 2*(2 + 2*(1 + 2*0)) = 3 + 2*4 = 11
  EXPECT_EQ(run_i32("down", {I32(3)}), 11);
  auto ref = [](int n) {
    int64_t v = 0;
    for (int i = 1; i <= n; ++i) v = i + 2 * v;
    return int32_t(v);
  };
  EXPECT_EQ(run_i32("down", {I32(20)}), ref(20));
  // A trap deep inside a nested activation surfaces through every host frame.
  Outcome o = run("down", {I32(101)});
  ASSERT_TRUE(o.trap);
  EXPECT_EQ(o.trap->kind, TrapKind::Host);
  EXPECT_EQ(o.trap->message, "nested: unreachable");
  o = run("down", {I32(102)});
  ASSERT_TRUE(o.trap);
  EXPECT_EQ(o.trap->message, "nested: nested: unreachable");
  // Deep re-entrancy.
  EXPECT_EQ(run_i32("down", {I32(60)}), ref(60));
  EXPECT_EQ(max_depth, 101);
}

TEST_P(Engine, HostGrowsMemoryAndWasmSeesIt) {
  // The host grows the caller's memory; wasm code must see the new size
  // right after the call returns (in the same and in another instance).
  FuncType ft{{}, {}};
  Function* host = store().create_host_function(
      ft,
      [](HostCall& hc, const uint64_t*, uint64_t*) {
        if (!hc.memory) return hc.trap("no memory");
        if (hc.memory->grow(1) < 0) return hc.trap("grow failed");
        hc.memory->data()[hc.memory->size_bytes() - 1] = 0x5a;
        return TrapKind::None;
      },
      "grow");
  linker.define("env", "grow", Extern{ExternKind::Func, host});
  ModuleBuilder b;
  uint32_t g = b.import_func("env", "grow", b.type({}, {}));
  b.export_memory("mem", b.memory(ModuleBuilder::lim(1, 4)));
  b.func("f", b.type({}, {T::i32}), {}, Code().call(g).i32_const(2 * 65536 - 1).i32_load8_u());
  b.func("size", b.type({}, {T::i32}), {}, Code().memory_size());
  Instance* first = load(b);
  ASSERT_TRUE(first);
  EXPECT_EQ(run_i32("f"), 0x5a);
  EXPECT_EQ(run_i32("size"), 2);
  linker.define_instance("m", first);
  ModuleBuilder b2;
  uint32_t g2 = b2.import_func("env", "grow", b2.type({}, {}));
  b2.import_memory("m", "mem", ModuleBuilder::lim(1));
  b2.func("f", b2.type({}, {T::i32}), {}, Code().call(g2).i32_const(3 * 65536 - 1).i32_load8_u());
  ASSERT_TRUE(load(b2));
  EXPECT_EQ(run_i32("f"), 0x5a);
  EXPECT_EQ(first->memories[0]->pages(), 3u);
  EXPECT_EQ(run("size", {}, first).i32(), 3);
}

TEST_P(Engine, UnboundedHostReentrancyTrapsInsteadOfCrashing) {
  // wasm f() calls host h(), which calls f() again: every level nests a
  // native activation of the interpreter. The runtime must end this with a
  // trap (it cannot know the host recursion is unbounded), not a native
  // stack overflow. Run in a child so that a crash fails only this test.
  std::string err = run_in_child(
      [&]() -> std::string {
        Function* f = nullptr;
        FuncType ft{{}, {}};
        int depth = 0;
        Function* h = store().create_host_function(
            ft,
            [&](HostCall& hc, const uint64_t*, uint64_t*) {
              ++depth;
              CallResult r = hc.store->call(f, nullptr, nullptr);
              if (r.trap) return hc.trap(r.trap->message);
              return TrapKind::None;
            },
            "h");
        linker.define("env", "h", Extern{ExternKind::Func, h});
        ModuleBuilder b;
        uint32_t imp = b.import_func("env", "h", b.type({}, {}));
        b.func("f", b.type({}, {}), {}, Code().call(imp));
        if (!load(b)) return "load failed";
        f = fn("f");
        Outcome o = run("f");
        if (!o.trap) return "returned normally";
        return "";
      },
      std::chrono::seconds(60));
  EXPECT_EQ(err, "") << "wasm -> host -> wasm recursion";
}

TEST_P(Engine, MemoryGrowsToFourGiB) {
  ModuleBuilder b;
  b.memory(ModuleBuilder::lim(1));
  uint32_t ii = b.type({T::i32}, {T::i32});
  b.func("grow", ii, {}, Code().local_get(0).memory_grow());
  b.func("size", b.type({}, {T::i32}), {}, Code().memory_size());
  b.func("load32", ii, {}, Code().local_get(0).i32_load());
  b.func("load8", ii, {}, Code().local_get(0).i32_load8_u());
  b.func("store32", b.type({T::i32, T::i32}, {}), {}, Code().local_get(0).local_get(1).i32_store());
  b.func("load64_off", ii, {}, Code().local_get(0).i64_load(8).i32_wrap_i64());
  ASSERT_TRUE(load(b));
  Outcome g = run("grow", {I32(65535)});
  ASSERT_TRUE(g.ok());
  if (g.i32() == -1) GTEST_SKIP() << "cannot reserve 4 GiB here";
  EXPECT_EQ(g.i32(), 1);
  EXPECT_EQ(run_i32("size"), 65536);
  EXPECT_EQ(run_i32("grow", {I32(1)}), -1);
  EXPECT_EQ(run_i32("grow", {I32(0)}), 65536);
  EXPECT_TRUE(run("store32", {I32(int32_t(0xfffffffc)), I32(0x12345678)}).ok());
  EXPECT_EQ(run_i32("load32", {I32(int32_t(0xfffffffc))}), 0x12345678);
  EXPECT_EQ(run_i32("load8", {I32(-1)}), 0x12);
  expect_trap("load32", {I32(int32_t(0xfffffffd))}, TrapKind::MemoryOutOfBounds);
  expect_trap("store32", {I32(-1), I32(0)}, TrapKind::MemoryOutOfBounds);
  EXPECT_EQ(run_i32("load64_off", {I32(int32_t(0xfffffff0))}), 0);
  expect_trap("load64_off", {I32(int32_t(0xfffffff1))}, TrapKind::MemoryOutOfBounds);
  expect_trap("load64_off", {I32(-1)}, TrapKind::MemoryOutOfBounds);
}

TEST_P(Engine, ManyLocalsAndDeepNesting) {
  ModuleBuilder b;
  // 50000 locals (the decoder's limit): zeroed on every call.
  b.func("locals", b.type({T::i32}, {T::i64}), std::vector<T>(49999, T::i64),
         Code().local_get(49999).local_get(1).i64_add().i64_const(1).local_set(49999).local_get(0).drop());
  // 5000 nested blocks with a value carried out of the innermost one.
  Code deep;
  for (int i = 0; i < 5000; ++i) deep.block(wb::bt(T::i32));
  deep.local_get(0).local_get(0).br_if(4999);
  for (int i = 0; i < 5000; ++i) deep.i32_const(1).i32_add().end();
  b.func("deep", b.type({T::i32}, {T::i32}), {}, deep);
  // Recursion with large frames runs out of value stack before call depth.
  b.func("big_rec", b.type({T::i32}, {T::i32}), std::vector<T>(20000, T::i64),
         Code().local_get(0).i32_const(1).i32_add().call(2).local_get(0).i32_add());
  // A 20000-way br_table.
  Code wide;
  wide.block().local_get(0).op(0x0e).u32(20000);
  for (int i = 0; i < 20000; ++i) wide.u32(0);
  wide.u32(0).end().i32_const(7);
  b.func("wide", b.type({T::i32}, {T::i32}), {}, wide);
  ASSERT_TRUE(load(b));
  EXPECT_EQ(run_i64("locals", {I32(1)}), 0);
  EXPECT_EQ(run_i64("locals", {I32(1)}), 0) << "declared locals must be zeroed on entry";
  EXPECT_EQ(run_i32("deep", {I32(0)}), 5000) << "not taken: +1 in every block";
  EXPECT_EQ(run_i32("deep", {I32(5)}), 5) << "taken: lands after the outermost block";
  EXPECT_EQ(run_i32("wide", {I32(12345)}), 7);
  expect_trap("big_rec", {I32(0)}, TrapKind::StackExhausted);
  EXPECT_EQ(run_i32("wide", {I32(0)}), 7);
}

TEST_P(Engine, HostFunctionsWithManyParamsAndThroughTables) {
  // More than 16 parameters (the host thunk's inline buffer).
  std::vector<ValType> params(20, ValType::I64);
  FuncType ft{params, {ValType::I64}};
  Function* sum = store().create_host_function(
      ft,
      [](HostCall&, const uint64_t* args, uint64_t* results) {
        uint64_t s = 0;
        for (int i = 0; i < 20; ++i) s += args[i] * uint64_t(i + 1);
        results[0] = s;
        return TrapKind::None;
      },
      "sum20");
  linker.define("env", "sum20", Extern{ExternKind::Func, sum});
  ModuleBuilder b;
  uint32_t t = b.type(std::vector<T>(20, T::i64), {T::i64});
  uint32_t imp = b.import_func("env", "sum20", t);
  b.table(T::funcref, ModuleBuilder::lim(1));
  b.elem_active(wb::i32_expr(0), {imp});
  Code direct, indirect;
  for (int i = 0; i < 20; ++i) direct.i64_const(i);
  direct.call(imp);
  for (int i = 0; i < 20; ++i) indirect.i64_const(i);
  indirect.i32_const(0).call_indirect(t);
  b.func("direct", b.type({}, {T::i64}), {}, direct);
  b.func("indirect", b.type({}, {T::i64}), {}, indirect);
  ASSERT_TRUE(load(b));
  int64_t want = 0;
  for (int i = 0; i < 20; ++i) want += int64_t(i) * (i + 1);
  EXPECT_EQ(run_i64("direct"), want);
  EXPECT_EQ(run_i64("indirect"), want);
}

TEST_P(Engine, ExternrefsRoundTripThroughTables) {
  ModuleBuilder b;
  b.table(T::externref, ModuleBuilder::lim(2));
  b.func("put", b.type({T::i32, T::externref}, {}), {}, Code().local_get(0).local_get(1).table_set());
  b.func("get", b.type({T::i32}, {T::externref}), {}, Code().local_get(0).table_get());
  b.func("is_null", b.type({T::i32}, {T::i32}), {}, Code().local_get(0).table_get().ref_is_null());
  ASSERT_TRUE(load(b));
  EXPECT_EQ(run_i32("is_null", {I32(1)}), 1);
  EXPECT_TRUE(run("put", {I32(1), Value{ValType::ExternRef, 0xabcdef0123ull}}).ok());
  Outcome o = run("get", {I32(1)});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o.results.at(0).bits, 0xabcdef0123ull);
  EXPECT_EQ(run_i32("is_null", {I32(1)}), 0);
}

TEST_P(Engine, LinkErrors) {
  Function* h = store().create_host_function(FuncType{{ValType::I32}, {}},
                                             [](HostCall&, const uint64_t*, uint64_t*) { return TrapKind::None; },
                                             "h");
  linker.define("env", "h", Extern{ExternKind::Func, h});
  linker.define("env", "g", Extern{ExternKind::Global, store().create_global(GlobalType{ValType::I32, false}, 1)});
  TableType tt;
  tt.limits = {2, 4, true};
  linker.define("env", "t", Extern{ExternKind::Table, store().create_table(tt)});
  auto link = [&](const std::function<void(ModuleBuilder&)>& f) {
    ModuleBuilder b;
    f(b);
    return instantiate(b);
  };
  auto ok = [&](const std::function<void(ModuleBuilder&)>& f) { return !link(f).link_error.has_value(); };
  EXPECT_TRUE(ok([](ModuleBuilder& b) { b.import_func("env", "h", b.type({T::i32}, {})); }));
  EXPECT_FALSE(ok([](ModuleBuilder& b) { b.import_func("env", "h", b.type({T::i64}, {})); }));
  EXPECT_FALSE(ok([](ModuleBuilder& b) { b.import_func("env", "h", b.type({T::i32}, {T::i32})); }));
  EXPECT_FALSE(ok([](ModuleBuilder& b) { b.import_func("env", "nope", b.type({}, {})); }));
  EXPECT_FALSE(ok([](ModuleBuilder& b) { b.import_global("env", "h", T::i32, false); }));  // wrong kind
  EXPECT_TRUE(ok([](ModuleBuilder& b) { b.import_global("env", "g", T::i32, false); }));
  EXPECT_FALSE(ok([](ModuleBuilder& b) { b.import_global("env", "g", T::i32, true); }));
  EXPECT_FALSE(ok([](ModuleBuilder& b) { b.import_global("env", "g", T::i64, false); }));
  EXPECT_TRUE(ok([](ModuleBuilder& b) { b.import_table("env", "t", T::funcref, ModuleBuilder::lim(1)); }));
  EXPECT_TRUE(ok([](ModuleBuilder& b) { b.import_table("env", "t", T::funcref, ModuleBuilder::lim(2, 5)); }));
  EXPECT_FALSE(ok([](ModuleBuilder& b) { b.import_table("env", "t", T::funcref, ModuleBuilder::lim(3)); }));
  EXPECT_FALSE(ok([](ModuleBuilder& b) { b.import_table("env", "t", T::funcref, ModuleBuilder::lim(1, 3)); }));
  EXPECT_FALSE(ok([](ModuleBuilder& b) { b.import_table("env", "t", T::externref, ModuleBuilder::lim(1)); }));
  InstantiateResult r = link([](ModuleBuilder& b) { b.import_func("env", "nope", b.type({}, {})); });
  ASSERT_TRUE(r.link_error);
  EXPECT_NE(r.link_error->message.find("env.nope"), std::string::npos) << r.link_error->message;
}

TEST_P(Engine, StoresAreIsolated) {
  // Two stores running on two threads: interrupting one leaves the other.
  ModuleBuilder b;
  uint32_t v = b.type({}, {});
  b.func("spin", v, {}, Code().loop().br(0).end());
  b.func("count", b.type({T::i32}, {T::i32}), {T::i32},
         Code().loop().local_get(1).i32_const(1).i32_add().local_tee(1).local_get(0).i32_lt_u().br_if(0).end()
             .local_get(1));
  auto m = decode(b.build());
  ASSERT_TRUE(m.ok());
  Store other(GetParam().config);
  InstantiateResult ra = store().instantiate(m.value(), Linker());
  InstantiateResult rb = other.instantiate(m.value(), Linker());
  ASSERT_TRUE(ra.ok() && rb.ok());
  std::atomic<bool> stop{false};
  Outcome spun;
  std::thread spinner([&] { spun = call(store(), ra.instance->get_func("spin"), {}); });
  std::thread interrupter([&] {
    while (!stop.load()) {
      store().interrupt();
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  // Meanwhile, the other store runs a long loop undisturbed, several times.
  for (int i = 0; i < 5; ++i) {
    Outcome o = call(other, rb.instance->get_func("count"), {I32(3000000)});
    ASSERT_TRUE(o.ok()) << trap_text(o);
    EXPECT_EQ(o.i32(), 3000000);
  }
  stop = true;
  interrupter.join();
  spinner.join();
  ASSERT_TRUE(spun.trap);
  EXPECT_EQ(spun.trap->kind, TrapKind::Interrupted);
}

// ------------------------------------------------------------ bulk memory and tables

TEST_P(Engine, BulkMemoryOps) {
  ModuleBuilder b;
  b.memory(ModuleBuilder::lim(1, 1));
  b.data_passive("hello, world");
  b.data_active(wb::i32_expr(100), "ABCDEFGH");
  b.data_count();
  uint32_t iii = b.type({T::i32, T::i32, T::i32}, {});
  uint32_t ii = b.type({T::i32}, {T::i32});
  b.func("init", iii, {}, Code().local_get(0).local_get(1).local_get(2).memory_init(0));
  b.func("drop", b.type({}, {}), {}, Code().data_drop(0));
  b.func("drop_active", b.type({}, {}), {}, Code().data_drop(1));
  b.func("init_active", iii, {}, Code().local_get(0).local_get(1).local_get(2).memory_init(1));
  b.func("copy", iii, {}, Code().local_get(0).local_get(1).local_get(2).memory_copy());
  b.func("fill", iii, {}, Code().local_get(0).local_get(1).local_get(2).memory_fill());
  b.func("load8", ii, {}, Code().local_get(0).i32_load8_u());
  ASSERT_TRUE(load(b));
  auto str_at = [&](int addr, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s.push_back(char(run_i32("load8", {I32(addr + i)})));
    return s;
  };
  const auto OOB = TrapKind::MemoryOutOfBounds;
  EXPECT_TRUE(run("init", {I32(0), I32(7), I32(5)}).ok());
  EXPECT_EQ(str_at(0, 5), "world");
  expect_trap("init", {I32(0), I32(10), I32(3)}, OOB);  // beyond the segment
  expect_trap("init", {I32(65535), I32(0), I32(2)}, OOB);
  EXPECT_TRUE(run("init", {I32(65536), I32(12), I32(0)}).ok());  // empty at both ends
  expect_trap("init", {I32(65537), I32(0), I32(0)}, OOB);
  expect_trap("init", {I32(0), I32(13), I32(0)}, OOB);
  // Overlapping copies both ways.
  EXPECT_TRUE(run("copy", {I32(102), I32(100), I32(4)}).ok());
  EXPECT_EQ(str_at(100, 8), "ABABCDGH");
  EXPECT_TRUE(run("copy", {I32(100), I32(101), I32(4)}).ok());
  EXPECT_EQ(str_at(100, 8), "BABCCDGH");
  expect_trap("copy", {I32(65530), I32(0), I32(7)}, OOB);
  expect_trap("copy", {I32(0), I32(-1), I32(1)}, OOB);
  EXPECT_TRUE(run("copy", {I32(65536), I32(65536), I32(0)}).ok());
  EXPECT_TRUE(run("fill", {I32(200), I32(0x1ab), I32(3)}).ok());
  EXPECT_EQ(str_at(200, 4), std::string("\xab\xab\xab\0", 4));
  // Out-of-bounds fill traps before writing anything.
  expect_trap("fill", {I32(65534), I32(0x11), I32(3)}, OOB);
  EXPECT_EQ(run_i32("load8", {I32(65534)}), 0);
  EXPECT_EQ(run_i32("load8", {I32(65535)}), 0);
  expect_trap("fill", {I32(0), I32(0), I32(-1)}, OOB);
  // After data.drop only empty inits at offset 0 succeed.
  EXPECT_TRUE(run("drop").ok());
  EXPECT_TRUE(run("drop").ok());  // dropping twice is fine
  expect_trap("init", {I32(0), I32(0), I32(1)}, OOB);
  EXPECT_TRUE(run("init", {I32(0), I32(0), I32(0)}).ok());
  expect_trap("init", {I32(0), I32(1), I32(0)}, OOB);
  // Active segments count as dropped once instantiation applied them.
  expect_trap("init_active", {I32(0), I32(0), I32(1)}, OOB);
  EXPECT_TRUE(run("init_active", {I32(0), I32(0), I32(0)}).ok());
  EXPECT_TRUE(run("drop_active").ok());
}

TEST_P(Engine, BulkTableOps) {
  ModuleBuilder b;
  uint32_t v_i = b.type({}, {T::i32});
  b.table(T::funcref, ModuleBuilder::lim(4, 8));
  uint32_t f1 = b.func(v_i, {}, Code().i32_const(1));
  uint32_t f2 = b.func(v_i, {}, Code().i32_const(2));
  uint32_t f3 = b.func(v_i, {}, Code().i32_const(3));
  b.elem_passive({f1, f2, f3});  // elem 0
  b.elem_active(wb::i32_expr(0), {f3});  // elem 1
  uint32_t iii = b.type({T::i32, T::i32, T::i32}, {});
  uint32_t ii = b.type({T::i32}, {T::i32});
  b.func("init", iii, {}, Code().local_get(0).local_get(1).local_get(2).table_init(0));
  b.func("init_active", iii, {}, Code().local_get(0).local_get(1).local_get(2).table_init(1));
  b.func("drop", b.type({}, {}), {}, Code().elem_drop(0));
  b.func("copy", iii, {}, Code().local_get(0).local_get(1).local_get(2).table_copy());
  b.func("call", ii, {}, Code().local_get(0).call_indirect(v_i));
  b.func("size", b.type({}, {T::i32}), {}, Code().table_size());
  b.func("grow", b.type({T::i32}, {T::i32}), {}, Code().ref_func(f2).local_get(0).table_grow());
  b.func("is_null", ii, {}, Code().local_get(0).table_get().ref_is_null());
  b.func("fill", b.type({T::i32, T::i32}, {}), {}, Code().local_get(0).ref_func(f1).local_get(1).table_fill());
  ASSERT_TRUE(load(b));
  EXPECT_EQ(run_i32("call", {I32(0)}), 3);
  expect_trap("call", {I32(1)}, TrapKind::UninitializedElement);
  // The active segment was dropped by instantiation.
  expect_trap("init_active", {I32(0), I32(0), I32(1)}, TrapKind::TableOutOfBounds);
  EXPECT_TRUE(run("init_active", {I32(0), I32(0), I32(0)}).ok());
  EXPECT_TRUE(run("init", {I32(1), I32(0), I32(3)}).ok());
  EXPECT_EQ(run_i32("call", {I32(1)}), 1);
  EXPECT_EQ(run_i32("call", {I32(2)}), 2);
  EXPECT_EQ(run_i32("call", {I32(3)}), 3);
  expect_trap("init", {I32(2), I32(0), I32(3)}, TrapKind::TableOutOfBounds);
  expect_trap("init", {I32(0), I32(2), I32(2)}, TrapKind::TableOutOfBounds);
  EXPECT_TRUE(run("copy", {I32(0), I32(1), I32(3)}).ok());  // overlapping
  EXPECT_EQ(run_i32("call", {I32(0)}), 1);
  EXPECT_EQ(run_i32("call", {I32(2)}), 3);
  EXPECT_EQ(run_i32("size"), 4);
  EXPECT_EQ(run_i32("grow", {I32(2)}), 4);
  EXPECT_EQ(run_i32("size"), 6);
  EXPECT_EQ(run_i32("call", {I32(5)}), 2);
  EXPECT_EQ(run_i32("grow", {I32(3)}), -1);
  EXPECT_EQ(run_i32("grow", {I32(0)}), 6);
  EXPECT_EQ(run_i32("is_null", {I32(5)}), 0);
  EXPECT_TRUE(run("fill", {I32(4), I32(2)}).ok());
  EXPECT_EQ(run_i32("call", {I32(5)}), 1);
  EXPECT_TRUE(run("drop").ok());
  expect_trap("init", {I32(0), I32(0), I32(1)}, TrapKind::TableOutOfBounds);
  EXPECT_TRUE(run("init", {I32(0), I32(0), I32(0)}).ok());
}

// ------------------------------------------------------------ linking two instances

TEST_P(Engine, TwoInstancesShareMemoryTableAndGlobal) {
  ModuleBuilder a;
  uint32_t mem = a.memory(ModuleBuilder::lim(1, 4));
  a.export_memory("mem", mem);
  uint32_t v_i = a.type({}, {T::i32});
  uint32_t tab = a.table(T::funcref, ModuleBuilder::lim(2));
  a.export_table("tab", tab);
  uint32_t g = a.global(T::i32, true, wb::i32_expr(10));
  a.export_global("g", g);
  uint32_t a7 = a.func(v_i, {}, Code().i32_const(7).global_get(g).i32_add());
  a.elem_active(wb::i32_expr(0), {a7});
  a.func("peek", a.type({T::i32}, {T::i32}), {}, Code().local_get(0).i32_load());
  a.func("grow", a.type({T::i32}, {T::i32}), {}, Code().local_get(0).memory_grow());
  a.func("size", v_i, {}, Code().memory_size());
  Instance* ia = load(a);
  ASSERT_TRUE(ia);
  linker.define_instance("a", ia);

  ModuleBuilder b;
  uint32_t bt_vi = b.type({}, {T::i32});
  uint32_t t_ii = b.type({T::i32}, {T::i32});
  uint32_t peek = b.import_func("a", "peek", t_ii);
  uint32_t grow = b.import_func("a", "grow", t_ii);
  b.import_memory("a", "mem", ModuleBuilder::lim(1));
  b.import_table("a", "tab", T::funcref, ModuleBuilder::lim(2));
  uint32_t bg = b.import_global("a", "g", T::i32, true);
  uint32_t b9 = b.func(bt_vi, {}, Code().i32_const(9));
  b.elem_active(wb::i32_expr(1), {b9});
  b.func("poke_peek", b.type({T::i32, T::i32}, {T::i32}), {},
         Code().local_get(0).local_get(1).i32_store().local_get(0).call(peek));
  b.func("grow_then_store", t_ii, {},
         Code().i32_const(1).call(grow).drop().local_get(0).i32_const(0x77).i32_store().local_get(0).i32_load());
  b.func("size", bt_vi, {}, Code().memory_size());
  b.func("call", t_ii, {}, Code().local_get(0).call_indirect(bt_vi));
  b.func("set_g", b.type({T::i32}, {}), {}, Code().local_get(0).global_set(bg));
  Instance* ib = load(b);
  ASSERT_TRUE(ib);
  EXPECT_EQ(ia->memories[0], ib->memories[0]);

  EXPECT_EQ(run("poke_peek", {I32(8), I32(1234)}, ib).i32(), 1234);
  EXPECT_EQ(run("peek", {I32(8)}, ia).i32(), 1234);
  // B grows the memory through A, then stores into the new page.
  EXPECT_EQ(run("grow_then_store", {I32(65536 + 16)}, ib).i32(), 0x77);
  EXPECT_EQ(run("size", {}, ib).i32(), 2);
  EXPECT_EQ(run("size", {}, ia).i32(), 2);
  EXPECT_EQ(run("peek", {I32(65536 + 16)}, ia).i32(), 0x77);
  // The shared table holds A's and B's functions; A's sees the shared global.
  EXPECT_EQ(run("call", {I32(0)}, ib).i32(), 17);
  EXPECT_EQ(run("call", {I32(1)}, ib).i32(), 9);
  EXPECT_TRUE(run("set_g", {I32(100)}, ib).ok());
  EXPECT_EQ(run("call", {I32(0)}, ib).i32(), 107);
}

TEST_P(Engine, HostCreatedMemoryImportedByTwoInstances) {
  MemoryType mt;
  mt.limits = {1, 2, true};
  Memory* mem = store().create_memory(mt);
  ASSERT_TRUE(mem->valid());
  linker.define("host", "mem", Extern{ExternKind::Memory, mem});
  auto make = [&](int32_t value) {
    ModuleBuilder b;
    b.import_memory("host", "mem", ModuleBuilder::lim(1, 2));
    b.func("put", b.type({T::i32}, {}), {}, Code().local_get(0).i32_const(value).i32_store());
    b.func("get", b.type({T::i32}, {T::i32}), {}, Code().local_get(0).i32_load());
    return b;
  };
  Instance* x = load(make(111));
  Instance* y = load(make(222));
  ASSERT_TRUE(x && y);
  EXPECT_TRUE(run("put", {I32(0)}, x).ok());
  EXPECT_TRUE(run("put", {I32(4)}, y).ok());
  EXPECT_EQ(run("get", {I32(0)}, y).i32(), 111);
  EXPECT_EQ(run("get", {I32(4)}, x).i32(), 222);
  int32_t v;
  std::memcpy(&v, mem->data() + 4, 4);
  EXPECT_EQ(v, 222);
  // Import type mismatches are link errors.
  ModuleBuilder bad;
  bad.import_memory("host", "mem", ModuleBuilder::lim(3));
  InstantiateResult r = instantiate(bad);
  EXPECT_TRUE(r.link_error.has_value());
}

TEST_P(Engine, StartFunctionRunsAndTrapsAreReported) {
  ModuleBuilder b;
  uint32_t g = b.global(T::i32, true, wb::i32_expr(0));
  uint32_t s = b.func(b.type({}, {}), {}, Code().i32_const(5).global_set(g));
  b.start(s);
  b.func("g", b.type({}, {T::i32}), {}, Code().global_get(g));
  ASSERT_TRUE(load(b));
  EXPECT_EQ(run_i32("g"), 5);
  ModuleBuilder t;
  uint32_t bad = t.func(t.type({}, {}), {}, Code().unreachable());
  t.start(bad);
  InstantiateResult r = instantiate(t);
  ASSERT_TRUE(r.trap.has_value());
  EXPECT_EQ(r.trap->kind, TrapKind::Unreachable);
  EXPECT_NE(r.instance, nullptr) << "the instance is set even when the start function traps";
  EXPECT_FALSE(r.ok());
}

// ------------------------------------------------------------ interruption

// Runs {body} in a forked child with a deadline, so that a hang fails the
// test instead of hanging it. {body} returns "" on success or a message.
std::string run_in_child(const std::function<std::string()>& body, std::chrono::seconds limit) {
  int fds[2];
  if (pipe(fds) != 0) return "pipe failed";
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid < 0) return "fork failed";
  if (pid == 0) {
    close(fds[0]);
    std::string msg = body();
    if (!msg.empty()) (void)!write(fds[1], msg.data(), msg.size());
    _exit(msg.empty() ? 0 : 1);
  }
  close(fds[1]);
  auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  bool timed_out = false;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::string out;
  char buf[256];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, size_t(n));
  close(fds[0]);
  if (timed_out) return "timed out after " + std::to_string(limit.count()) + " s (hang)";
  if (WIFSIGNALED(status)) return "child died by signal " + std::to_string(WTERMSIG(status));
  if (!WIFEXITED(status)) return "child ended abnormally";
  // A child that failed without saying why (e.g. a sanitizer report).
  if (WEXITSTATUS(status) != 0 && out.empty()) return "child exited with status " + std::to_string(WEXITSTATUS(status));
  return out;
}

TEST_P(Engine, InterruptStopsInfiniteLoops) {
  ModuleBuilder b;
  uint32_t v = b.type({}, {});
  b.func("spin", v, {}, Code().loop().br(0).end());
  uint32_t nop = b.func(v, {}, Code());
  b.func("spin_calls", v, {}, Code().loop().call(nop).br(0).end());
  b.func("spin_work", b.type({T::i32}, {}), {},
         Code().loop().local_get(0).i32_const(1).i32_add().local_set(0).br(0).end());
  // Loops whose only instruction is the (possibly fused) conditional branch.
  b.func("spin_br_if", b.type({T::i32}, {}), {}, Code().loop().local_get(0).br_if(0).end());
  b.func("spin_br_if_cmp", b.type({T::i32}, {}), {},
         Code().loop().local_get(0).i32_const(5).i32_lt_s().br_if(0).end());
  b.func("spin_br_table", b.type({T::i32}, {}), {}, Code().block().loop().local_get(0).br_table({0}, 0).end().end());
  b.func("ok", b.type({}, {T::i32}), {}, Code().i32_const(1));
  ASSERT_TRUE(load(b));
  for (const char* name : {"spin", "spin_calls", "spin_work", "spin_br_if", "spin_br_if_cmp", "spin_br_table"}) {
    std::string err = run_in_child(
        [&]() -> std::string {
          std::atomic<bool> done{false};
          std::thread watchdog([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(30));
            // Keep asking until the call is over.
            while (!done.load()) {
              store().interrupt();
              std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
          });
          Outcome o = run(name, {I32(1)});
          done = true;
          watchdog.join();
          // Interrupts are sticky: drop a request the watchdog made after
          // the call had already trapped, as a disarming watchdog must.
          store().clear_interrupt();
          if (!o.trap) return "returned normally";
          if (o.trap->kind != TrapKind::Interrupted || o.trap->message != "interrupted")
            return "trapped with " + o.trap->message;
          // A later call is not affected by the earlier interrupt.
          Outcome ok = run("ok");
          if (!ok.ok() || ok.i32() != 1) return "call after the interrupt failed: " + trap_text(ok);
          return "";
        },
        std::chrono::seconds(10));
    EXPECT_EQ(err, "") << name << ": not stopped by Store::interrupt()";
  }
}

std::string config_name(const ::testing::TestParamInfo<EngineCase>& info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(AllConfigs, Engine, ::testing::ValuesIn(engine_configs()), config_name);

}  // namespace
}  // namespace brisk::test

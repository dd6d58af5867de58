// The AArch64 masm's inline SIMD code (masm_a64_simd.inc) run against the
// interpreter's functions (interp/simd_ops.h), op by op, independent of the
// compiler: for every 0xfd op of simd_ops.inc a small function loads the
// operands from frame slots into registers, runs the masm's code for the
// op and stores the result to a slot; it runs on many inputs (float and
// integer edge values and random bytes) and must give the interpreter's
// bytes (float NaNs: any NaN in the same lane). Each op runs with a fresh
// dst register and with dst equal to its first operand (masm.h allows
// both).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "interp/interp.h"
#include "interp/simd_ops.h"
#include "jit/jit_runtime.h"
#include "jit/masm.h"
#include "runtime/objects.h"

namespace brisk::jit {
namespace {

constexpr Reg X1 = 1, X2 = 2, X0 = 0;
constexpr Reg V0 = 32, V1 = 33, V2 = 34, V3 = 35;

enum class Shape { Load, Store, LoadLane, StoreLane, Shuffle, Extract, Replace, Un, Bin, Tern };

struct SimdCase {
  Op op;
  Shape shape;
  const void* fn;
};

#define SIMD_LOAD(name, bytes) {Op::name, Shape::Load, reinterpret_cast<const void*>(&interp::simd::name)},
#define SIMD_STORE(name, bytes) {Op::name, Shape::Store, reinterpret_cast<const void*>(&interp::simd::name)},
#define SIMD_LOAD_LANE(name, bytes) {Op::name, Shape::LoadLane, reinterpret_cast<const void*>(&interp::simd::name)},
#define SIMD_STORE_LANE(name, bytes) {Op::name, Shape::StoreLane, reinterpret_cast<const void*>(&interp::simd::name)},
#define SIMD_CONST(name)
#define SIMD_SHUFFLE(name) {Op::name, Shape::Shuffle, reinterpret_cast<const void*>(&interp::simd::name)},
#define SIMD_EXTRACT(name) {Op::name, Shape::Extract, reinterpret_cast<const void*>(&interp::simd::name)},
#define SIMD_REPLACE(name) {Op::name, Shape::Replace, reinterpret_cast<const void*>(&interp::simd::name)},
#define SIMD_UN(name) {Op::name, Shape::Un, reinterpret_cast<const void*>(&interp::simd::name)},
#define SIMD_BIN(name) {Op::name, Shape::Bin, reinterpret_cast<const void*>(&interp::simd::name)},
#define SIMD_TERN(name) {Op::name, Shape::Tern, reinterpret_cast<const void*>(&interp::simd::name)},
const SimdCase kCases[] = {
#include "interp/simd_ops.inc"
};

// Frame slots of the test function: result, then up to three operands.
constexpr int32_t kDst = 0, kA = 16, kB = 32, kC = 48;
constexpr uint32_t kFrameSlots = 8;
// Linear-memory address the memory forms use (offset added by the op).
constexpr uint32_t kAddr = 100, kOffset = 20;

bool is_v128(SigType t) { return t == SigType::v; }
bool is_fp_type(SigType t) { return t == SigType::f || t == SigType::F || t == SigType::v; }
uint32_t type_bytes(SigType t) {
  switch (t) {
    case SigType::i: case SigType::f: return 4;
    case SigType::I: case SigType::F: return 8;
    case SigType::v: return 16;
    default: return 0;
  }
}

// Loads an operand of type {t} from {slot} into {vreg} or {greg}; returns the register.
Reg load_operand(Masm& m, SigType t, int32_t slot, Reg vreg, Reg greg) {
  switch (t) {
    case SigType::v: m.vload_slot(vreg, slot); return vreg;
    case SigType::f: m.fmov(FW::F32, vreg, Opnd::s(slot)); return vreg;
    case SigType::F: m.fmov(FW::F64, vreg, Opnd::s(slot)); return vreg;
    case SigType::i: m.mov(W::W32, greg, Opnd::s(slot)); return greg;
    default: m.mov(W::W64, greg, Opnd::s(slot)); return greg;
  }
}
void store_result(Masm& m, SigType t, Reg r) {
  switch (t) {
    case SigType::v: m.vstore_slot(kDst, r); break;
    case SigType::f: m.fstore_slot(kDst, r, FW::F32); break;
    case SigType::F: m.fstore_slot(kDst, r, FW::F64); break;
    default: m.store_slot(kDst, Opnd::r(r)); break;
  }
}

struct Compiled {
  CodeArena* arena = nullptr;
  CodeArena::Block block;
  EntryFn fn = nullptr;
  ~Compiled() {
    if (arena && block.exec) arena->release(block.exec);
  }
};

class A64Simd : public ::testing::Test {
 protected:
  ExecContext ctx{1 << 16, 64};
  Memory memory{MemoryType{Limits{1, 1, true}}, BoundsMode::Guard};
  CodeArena arena;
  std::mt19937_64 rng{12345};

  void SetUp() override {
    ctx.jit_entry_limit = 0;  // the entry's limit compare never takes the slow path
    ASSERT_TRUE(memory.valid());
  }

  // {body} between the prologue and the return.
  bool compile(Compiled& c, const std::function<void(Masm&)>& body) {
    Masm m(BoundsMode::Guard);
    m.prologue(nullptr, kFrameSlots, 0, 0, &memory, false);
    body(m);
    m.return_ok();
    m.finish();
    size_t n = m.size();
    c.arena = &arena;
    c.block = arena.allocate(n);
    if (!c.block.exec) return false;
    arena.begin_write(c.block, n);
    bool ok = m.emit_to(c.block.exec, c.block.write, n);
    arena.end_write(c.block, n);
    c.fn = reinterpret_cast<EntryFn>(c.block.exec);
    return ok;
  }
  uint64_t* fp() { return ctx.stack_base; }

  // One lane value of the input pools.
  void fill(uint8_t* v16) {
    static const float f32s[] = {0.0f, -0.0f, 1.0f, -1.0f, 1.5f, -2.5f, 0.5f, -0.5f, 2147483648.0f, -2147483904.0f,
                                 4294967296.0f, 3e9f, -3e9f, std::numeric_limits<float>::infinity(),
                                 -std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN(),
                                 -std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::denorm_min(),
                                 std::numeric_limits<float>::max(), 123.456f, 2.5f, 3.5f, -3.5f};
    static const double f64s[] = {0.0, -0.0, 1.0, -1.0, 1.5, -2.5, 2.5, 0.5, 2147483647.0, 2147483648.0, -2147483649.0,
                                  4294967295.0, 4294967296.0, -1e300, std::numeric_limits<double>::infinity(),
                                  -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN(),
                                  -std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::denorm_min(),
                                  1e-310, 3.5, -4.5};
    static const uint16_t ints[] = {0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x0100, 0x00ff, 0xfffe, 0x8001};
    switch (rng() % 4) {
      case 0:
        for (int i = 0; i < 4; ++i) {
          float f = f32s[rng() % (sizeof f32s / sizeof f32s[0])];
          std::memcpy(v16 + 4 * i, &f, 4);
        }
        break;
      case 1:
        for (int i = 0; i < 2; ++i) {
          double f = f64s[rng() % (sizeof f64s / sizeof f64s[0])];
          std::memcpy(v16 + 8 * i, &f, 8);
        }
        break;
      case 2:
        for (int i = 0; i < 8; ++i) {
          uint16_t x = ints[rng() % (sizeof ints / sizeof ints[0])];
          std::memcpy(v16 + 2 * i, &x, 2);
        }
        break;
      default:
        for (int i = 0; i < 16; ++i) v16[i] = uint8_t(rng());
        break;
    }
  }
};

bool is_nan_lane(const uint8_t* p, uint32_t lane_bytes) {
  if (lane_bytes == 4) {
    float f;
    std::memcpy(&f, p, 4);
    return std::isnan(f);
  }
  double d;
  std::memcpy(&d, p, 8);
  return std::isnan(d);
}

// Equal bytes, or (float results) NaN in both where they differ.
bool same_result(Op op, SigType result, const uint8_t* want, const uint8_t* got, uint32_t bytes) {
  if (std::memcmp(want, got, bytes) == 0) return true;
  const std::string name = op_name(op);
  const bool float_result = name[0] == 'f' && (result == SigType::v || result == SigType::f || result == SigType::F);
  if (!float_result) return false;
  const uint32_t lane = result == SigType::f || name.compare(0, 5, "f32x4") == 0 ? 4 : 8;
  for (uint32_t i = 0; i < bytes; i += lane) {
    if (std::memcmp(want + i, got + i, lane) != 0 && !(is_nan_lane(want + i, lane) && is_nan_lane(got + i, lane)))
      return false;
  }
  return true;
}

std::string hex16(const uint8_t* p, uint32_t n) {
  std::string s;
  char b[4];
  for (uint32_t i = 0; i < n; ++i) {
    std::snprintf(b, sizeof b, "%02x", p[i]);
    s += b;
  }
  return s;
}

constexpr int kTrials = 64;

TEST_F(A64Simd, EveryOpIsInline) {
  for (const SimdCase& c : kCases) EXPECT_TRUE(Masm::simd_inline(c.op)) << op_name(c.op);
  EXPECT_TRUE(Masm::simd_inline_available());
}

// Un, Bin, Tern: the register forms.
TEST_F(A64Simd, ArithmeticMatchesInterpreter) {
  int checked = 0;
  for (const SimdCase& c : kCases) {
    if (c.shape != Shape::Un && c.shape != Shape::Bin && c.shape != Shape::Tern) continue;
    const OpInfo& info = op_info(c.op);
    const SigType rt = info.result;
    const SigType t1 = info.param1;
    // Bin's second operand: v128, or the i32 shift count. Tern: three v128.
    const SigType t2 = c.shape == Shape::Un ? SigType::V : (info.param2 == SigType::V ? SigType::v : info.param2);
    for (bool in_place : {false, true}) {
      if (in_place && !(is_v128(rt) && is_v128(t1))) continue;
      Compiled code;
      ASSERT_TRUE(compile(code, [&](Masm& m) {
        Reg a = load_operand(m, t1, kA, V1, X1);
        Reg b = c.shape == Shape::Un ? kNoReg : load_operand(m, t2, kB, V2, X2);
        if (c.shape == Shape::Tern) m.vload_slot(V3, kC);
        Reg dst = in_place ? a : (is_fp_type(rt) ? V0 : X0);
        if (c.shape == Shape::Un) m.simd_un(c.op, dst, a);
        else if (c.shape == Shape::Bin) m.simd_bin(c.op, dst, a, b);
        else m.simd_tern(c.op, dst, a, b, V3);
        store_result(m, rt, dst);
      })) << op_name(c.op);
      for (int trial = 0; trial < kTrials; ++trial) {
        uint8_t in[48], want[16] = {}, got[16] = {};
        fill(in);
        fill(in + 16);
        fill(in + 32);
        if (t2 == SigType::i) {  // shift counts: small, beyond the lane width, negative
          const int32_t counts[] = {0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, -1, -7, 1000};
          int32_t k = counts[trial % (sizeof counts / sizeof counts[0])];
          std::memcpy(in + 16, &k, 4);
        }
        std::memcpy(reinterpret_cast<uint8_t*>(fp()) + kA, in, 48);
        std::memset(reinterpret_cast<uint8_t*>(fp()) + kDst, 0xa5, 16);
        std::memset(want, 0xa5, 16);
        if (c.shape == Shape::Un)
          reinterpret_cast<void (*)(void*, const void*)>(const_cast<void*>(c.fn))(want, in);
        else if (c.shape == Shape::Bin)
          reinterpret_cast<void (*)(void*, const void*, const void*)>(const_cast<void*>(c.fn))(want, in, in + 16);
        else
          reinterpret_cast<void (*)(void*, const void*, const void*, const void*)>(const_cast<void*>(c.fn))(
              want, in, in + 16, in + 32);
        ASSERT_EQ(code.fn(&ctx, fp(), nullptr), 0u) << op_name(c.op);
        std::memcpy(got, reinterpret_cast<uint8_t*>(fp()) + kDst, 16);
        const uint32_t n = type_bytes(rt);
        EXPECT_TRUE(same_result(c.op, rt, want, got, n))
            << op_name(c.op) << (in_place ? " (dst = a)" : "") << "\n a = " << hex16(in, 16)
            << "\n b = " << hex16(in + 16, 16) << "\n c = " << hex16(in + 32, 16) << "\n want " << hex16(want, n)
            << "\n got  " << hex16(got, n);
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 200 * kTrials);
}

// Shifts by a constant (Masm::simd_shift_imm): the count is masked to the
// lane width by the masm, so 0 (a copy), width - 1, the width itself, larger
// and negative counts all must give the interpreter's result.
TEST_F(A64Simd, ShiftByConstantMatchesInterpreter) {
  int checked = 0;
  for (const SimdCase& c : kCases) {
    if (c.shape != Shape::Bin || op_info(c.op).param2 != SigType::i) continue;
    const std::string name = op_name(c.op);
    const int32_t w = name[1] == '8' ? 8 : name[1] == '1' ? 16 : name[1] == '3' ? 32 : 64;
    const int32_t counts[] = {0, 1, w - 1, w, w + 1, 2 * w + 3, -1, -w, -w - 1, INT32_MIN, INT32_MAX};
    for (int32_t k : counts) {
      for (bool in_place : {false, true}) {
        Compiled code;
        ASSERT_TRUE(compile(code, [&](Masm& m) {
          m.vload_slot(V1, kA);
          Reg dst = in_place ? V1 : V0;
          m.simd_shift_imm(c.op, dst, V1, uint32_t(k));
          m.vstore_slot(kDst, dst);
        })) << name;
        for (int trial = 0; trial < 8; ++trial) {
          uint8_t in[16], want[16], got[16];
          fill(in);
          std::memcpy(reinterpret_cast<uint8_t*>(fp()) + kA, in, 16);
          std::memset(reinterpret_cast<uint8_t*>(fp()) + kDst, 0xa5, 16);
          reinterpret_cast<void (*)(void*, const void*, const void*)>(const_cast<void*>(c.fn))(want, in, &k);
          ASSERT_EQ(code.fn(&ctx, fp(), nullptr), 0u) << name;
          std::memcpy(got, reinterpret_cast<uint8_t*>(fp()) + kDst, 16);
          EXPECT_EQ(hex16(got, 16), hex16(want, 16))
              << name << " by " << k << (in_place ? " (dst = a)" : "") << "\n a = " << hex16(in, 16);
          ++checked;
        }
      }
    }
  }
  EXPECT_EQ(checked, 12 * 11 * 2 * 8);
}

TEST_F(A64Simd, LanesAndShufflesMatchInterpreter) {
  int checked = 0;
  for (const SimdCase& c : kCases) {
    if (c.shape != Shape::Extract && c.shape != Shape::Replace && c.shape != Shape::Shuffle) continue;
    const OpInfo& info = op_info(c.op);
    const uint32_t lanes = c.shape == Shape::Shuffle ? 1 : simd_lane_count(c.op);
    for (uint32_t lane = 0; lane < lanes; ++lane) {
      for (bool in_place : {false, true}) {
        if (in_place && c.shape == Shape::Extract) continue;
        uint8_t shuffle[16];
        for (int variant = 0; variant < (c.shape == Shape::Shuffle ? 6 : 1); ++variant) {
          // Shuffles: both operands, only a, only b, and random.
          for (int i = 0; i < 16; ++i) {
            switch (variant) {
              case 0: shuffle[i] = uint8_t(i * 2 % 32 + (i & 1)); break;
              case 1: shuffle[i] = uint8_t(15 - i); break;
              case 2: shuffle[i] = uint8_t(16 + (i * 7) % 16); break;
              default: shuffle[i] = uint8_t(rng() % 32); break;
            }
          }
          const SigType xt = c.shape == Shape::Replace ? info.param2 : SigType::v;
          Compiled code;
          ASSERT_TRUE(compile(code, [&](Masm& m) {
            m.vload_slot(V1, kA);
            Reg x = load_operand(m, xt, kB, V2, X2);
            Reg dst = in_place ? V1 : (is_fp_type(info.result) ? V0 : X0);
            if (c.shape == Shape::Extract) m.simd_extract(c.op, dst, V1, uint8_t(lane));
            else if (c.shape == Shape::Replace) m.simd_replace(c.op, dst, V1, x, uint8_t(lane));
            else m.simd_shuffle(dst, V1, x, shuffle);
            store_result(m, info.result, dst);
          })) << op_name(c.op);
          for (int trial = 0; trial < 8; ++trial) {
            uint8_t in[32], want[16], got[16];
            fill(in);
            fill(in + 16);
            std::memcpy(reinterpret_cast<uint8_t*>(fp()) + kA, in, 32);
            std::memset(reinterpret_cast<uint8_t*>(fp()) + kDst, 0xa5, 16);
            std::memset(want, 0xa5, 16);
            if (c.shape == Shape::Extract)
              reinterpret_cast<void (*)(void*, const void*, uint32_t)>(const_cast<void*>(c.fn))(want, in, lane);
            else if (c.shape == Shape::Replace)
              reinterpret_cast<void (*)(void*, const void*, const void*, uint32_t)>(const_cast<void*>(c.fn))(
                  want, in, in + 16, lane);
            else
              reinterpret_cast<void (*)(void*, const void*, const void*, const uint8_t*)>(const_cast<void*>(c.fn))(
                  want, in, in + 16, shuffle);
            ASSERT_EQ(code.fn(&ctx, fp(), nullptr), 0u) << op_name(c.op);
            std::memcpy(got, reinterpret_cast<uint8_t*>(fp()) + kDst, 16);
            const uint32_t n = type_bytes(info.result);
            EXPECT_EQ(hex16(got, n), hex16(want, n)) << op_name(c.op) << " lane " << lane << " variant " << variant
                                                     << (in_place ? " (dst = a)" : "");
            ++checked;
          }
        }
      }
    }
  }
  EXPECT_GT(checked, 500);
}

TEST_F(A64Simd, MemoryFormsMatchInterpreter) {
  int checked = 0;
  uint8_t* mem = memory.data();
  for (const SimdCase& c : kCases) {
    if (c.shape != Shape::Load && c.shape != Shape::Store && c.shape != Shape::LoadLane &&
        c.shape != Shape::StoreLane)
      continue;
    const bool lane_form = c.shape == Shape::LoadLane || c.shape == Shape::StoreLane;
    const uint32_t lanes = lane_form ? simd_lane_count(c.op) : 1;
    for (uint32_t lane = 0; lane < lanes; ++lane) {
      for (bool in_place : {false, true}) {
        if (in_place && c.shape != Shape::LoadLane) continue;
        Compiled code;
        ASSERT_TRUE(compile(code, [&](Masm& m) {
          Label oob = m.trap_label(TrapKind::MemoryOutOfBounds);
          m.mov(W::W32, X1, Opnd::s(kB));
          m.vload_slot(V1, kA);
          switch (c.shape) {
            case Shape::Load: m.simd_load(c.op, V0, X1, kOffset, oob); m.vstore_slot(kDst, V0); break;
            case Shape::Store: m.simd_store(c.op, X1, V1, kOffset, oob); break;
            case Shape::LoadLane: {
              Reg dst = in_place ? V1 : V0;
              m.simd_load_lane(c.op, dst, X1, V1, kOffset, uint8_t(lane), oob);
              m.vstore_slot(kDst, dst);
              break;
            }
            default: m.simd_store_lane(c.op, X1, V1, kOffset, uint8_t(lane), oob); break;
          }
        })) << op_name(c.op);
        for (int trial = 0; trial < 4; ++trial) {
          uint8_t in[16], bytes[48], want_mem[48], want[16], got[16];
          fill(in);
          for (auto& b : bytes) b = uint8_t(rng());
          const uint32_t addr = kAddr + uint32_t(trial);  // unaligned too
          std::memcpy(reinterpret_cast<uint8_t*>(fp()) + kA, in, 16);
          fp()[kB / 8] = addr;
          std::memset(reinterpret_cast<uint8_t*>(fp()) + kDst, 0xa5, 16);
          std::memset(want, 0xa5, 16);
          uint8_t* ea = mem + addr + kOffset;
          // The interpreter's result on a copy of the memory bytes.
          std::memcpy(want_mem, bytes, 48);
          switch (c.shape) {
            case Shape::Load:
              reinterpret_cast<void (*)(void*, const uint8_t*)>(const_cast<void*>(c.fn))(want, want_mem + 8);
              break;
            case Shape::Store:
              reinterpret_cast<void (*)(uint8_t*, const void*)>(const_cast<void*>(c.fn))(want_mem + 8, in);
              break;
            case Shape::LoadLane:
              reinterpret_cast<void (*)(void*, const void*, const uint8_t*, uint32_t)>(const_cast<void*>(c.fn))(
                  want, in, want_mem + 8, lane);
              break;
            default:
              reinterpret_cast<void (*)(uint8_t*, const void*, uint32_t)>(const_cast<void*>(c.fn))(want_mem + 8, in,
                                                                                                  lane);
              break;
          }
          std::memcpy(ea - 8, bytes, 48);
          ASSERT_EQ(code.fn(&ctx, fp(), nullptr), 0u) << op_name(c.op);
          std::memcpy(got, reinterpret_cast<uint8_t*>(fp()) + kDst, 16);
          EXPECT_EQ(hex16(ea - 8, 48), hex16(want_mem, 48)) << op_name(c.op) << " lane " << lane << ": memory";
          if (c.shape == Shape::Load || c.shape == Shape::LoadLane) {
            EXPECT_EQ(hex16(got, 16), hex16(want, 16)) << op_name(c.op) << " lane " << lane
                                                       << (in_place ? " (dst = vec)" : "");
          }
          ++checked;
        }
      }
    }
  }
  EXPECT_GT(checked, 100);
}

TEST_F(A64Simd, ConstantsAndMoves) {
  const uint8_t patterns[3][16] = {{0}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                        0xff, 0xff, 0xff},
                                   {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}};
  for (const auto& p : patterns) {
    Compiled code;
    ASSERT_TRUE(compile(code, [&](Masm& m) {
      m.vconst(V2, p);
      m.vmov(V0, V2);
      m.vstore_slot(kDst + 8, V0);  // an 8-byte-aligned slot pair
    }));
    std::memset(fp(), 0, 32);
    ASSERT_EQ(code.fn(&ctx, fp(), nullptr), 0u);
    EXPECT_EQ(hex16(reinterpret_cast<uint8_t*>(fp()) + 8, 16), hex16(p, 16));
  }
}

}  // namespace
}  // namespace brisk::jit

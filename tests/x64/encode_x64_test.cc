// The hand encodings of src/jit/x64/encode_x64.h against asmjit's own, byte
// for byte, over every register, base and index (rsp, rbp, r12 and r13 as
// bases are the special cases of ModRM/SIB) and the displacement sizes
// (none, 8 and 32 bits, at their edges): the JIT mixes both in one
// function, so they must be the same instructions.
#include <gtest/gtest.h>

#include <asmjit/x86.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "jit/x64/encode_x64.h"

namespace brisk::jit {
namespace {

namespace x86 = asmjit::x86;
using asmjit::Imm;
using Bytes = std::vector<uint8_t>;
using x64enc::Alu;
using x64enc::kNoIndex;

Bytes with_asmjit(const std::function<void(x86::Assembler&)>& emit) {
  asmjit::CodeHolder code;
  code.init(asmjit::Environment(asmjit::Arch::kX64));
  x86::Assembler a(&code);
  emit(a);
  const asmjit::CodeBuffer& b = code.textSection()->buffer();
  EXPECT_GT(b.size(), 0u);  // asmjit encoded it (no error)
  return Bytes(b.data(), b.data() + b.size());
}
Bytes with_raw(const std::function<uint8_t*(uint8_t*)>& emit) {
  uint8_t buf[x64enc::kMaxBytes + 8];
  uint8_t* end = emit(buf);
  EXPECT_LE(size_t(end - buf), x64enc::kMaxBytes);
  return Bytes(buf, end);
}
std::string hex(const Bytes& b) {
  std::string s;
  static const char* d = "0123456789abcdef";
  for (uint8_t v : b) {
    s += d[v >> 4];
    s += d[v & 15];
    s += ' ';
  }
  return s;
}
#define EXPECT_SAME(raw, ref, what) EXPECT_EQ(hex(with_raw(raw)), hex(with_asmjit(ref))) << what

const int32_t kDisps[] = {0, 8, -8, 127, -128, 128, -129, 4096, INT32_MAX, INT32_MIN};
const int32_t kImms[] = {0, 1, -1, 127, -128, 128, -129, 0x12345678, INT32_MAX, INT32_MIN};

// Every memory operand shape: each base with no index, and each index
// (never rsp) with a few bases, the special ones among them.
std::vector<x64enc::Mem> all_mems() {
  std::vector<x64enc::Mem> v;
  for (int32_t d : kDisps) {
    for (uint8_t b = 0; b < 16; ++b) v.push_back({b, kNoIndex, d});
    for (uint8_t i = 0; i < 16; ++i)
      if (i != x64enc::kRsp)
        for (uint8_t b : {0, 4, 5, 12, 13, 15}) v.push_back({b, i, d});
  }
  return v;
}
x86::Mem ref(const x64enc::Mem& m, uint32_t size) {
  if (m.index == kNoIndex) return x86::ptr(x86::gpq(m.base), m.disp, size);
  return x86::ptr(x86::gpq(m.base), x86::gpq(m.index), 0, m.disp, size);
}
std::string name(const x64enc::Mem& m) {
  return "[r" + std::to_string(m.base) + (m.index == kNoIndex ? "" : " + r" + std::to_string(m.index)) + " + " +
         std::to_string(m.disp) + "]";
}
x86::Gp gp(bool w64, uint8_t r) { return w64 ? x86::Gp(x86::gpq(r)) : x86::Gp(x86::gpd(r)); }

TEST(EncodeX64, RegisterForms) {
  const std::pair<Alu, asmjit::InstId> alus[] = {
      {Alu::Add, x86::Inst::kIdAdd}, {Alu::Or, x86::Inst::kIdOr},   {Alu::And, x86::Inst::kIdAnd},
      {Alu::Sub, x86::Inst::kIdSub}, {Alu::Xor, x86::Inst::kIdXor}, {Alu::Cmp, x86::Inst::kIdCmp}};
  for (bool w : {false, true})
    for (uint8_t d = 0; d < 16; ++d) {
      for (uint8_t s = 0; s < 16; ++s) {
        EXPECT_SAME([&](uint8_t* p) { return x64enc::mov_rr(p, w, d, s); },
                    [&](x86::Assembler& a) { a.mov(gp(w, d), gp(w, s)); }, "mov " << int(d) << "," << int(s));
        EXPECT_SAME([&](uint8_t* p) { return x64enc::test_rr(p, w, d, s); },
                    [&](x86::Assembler& a) { a.test(gp(w, d), gp(w, s)); }, "test " << int(d) << "," << int(s));
        EXPECT_SAME([&](uint8_t* p) { return x64enc::imul_rr(p, w, d, s); },
                    [&](x86::Assembler& a) { a.imul(gp(w, d), gp(w, s)); }, "imul " << int(d) << "," << int(s));
        for (auto [op, id] : alus)
          EXPECT_SAME([&](uint8_t* p) { return x64enc::alu_rr(p, op, w, d, s); },
                      [&](x86::Assembler& a) { a.emit(id, gp(w, d), gp(w, s)); },
                      "alu " << int(op) << " " << int(d) << "," << int(s));
        for (int32_t k : kImms)
          EXPECT_SAME([&](uint8_t* p) { return x64enc::imul_rri(p, w, d, s, k); },
                      [&](x86::Assembler& a) { a.imul(gp(w, d), gp(w, s), Imm(k)); },
                      "imul " << int(d) << "," << int(s) << "," << k);
      }
      for (int32_t k : kImms)
        for (auto [op, id] : alus)
          EXPECT_SAME([&](uint8_t* p) { return x64enc::alu_ri(p, op, w, d, k); },
                      [&](x86::Assembler& a) { a.emit(id, gp(w, d), Imm(k)); },
                      "alu " << int(op) << " " << int(d) << "," << k);
      EXPECT_SAME([&](uint8_t* p) { return x64enc::zero32(p, d); },
                  [&](x86::Assembler& a) { a.xor_(x86::gpd(d), x86::gpd(d)); }, "xor " << int(d));
      for (uint32_t k : {1u, 0x80u, 0xffffffffu, 0x12345678u})
        EXPECT_SAME([&](uint8_t* p) { return x64enc::mov_imm32(p, d, k); },
                    [&](x86::Assembler& a) { a.mov(x86::gpd(d), Imm(k)); }, "mov " << int(d) << "," << k);
    }
}

TEST(EncodeX64, MemoryForms) {
  for (const x64enc::Mem& m : all_mems())
    for (uint8_t r = 0; r < 16; ++r)
      for (bool w : {false, true}) {
        const uint32_t size = w ? 8 : 4;
        const std::string at = " r" + std::to_string(r) + " w64=" + std::to_string(w) + " " + name(m);
        EXPECT_SAME([&](uint8_t* p) { return x64enc::load(p, w, r, m); },
                    [&](x86::Assembler& a) { a.mov(gp(w, r), ref(m, size)); }, "load" << at);
        EXPECT_SAME([&](uint8_t* p) { return x64enc::store(p, w, m, r); },
                    [&](x86::Assembler& a) { a.mov(ref(m, size), gp(w, r)); }, "store" << at);
        EXPECT_SAME([&](uint8_t* p) { return x64enc::lea(p, w, r, m); },
                    [&](x86::Assembler& a) { a.lea(gp(w, r), ref(m, 0)); }, "lea" << at);
        EXPECT_SAME([&](uint8_t* p) { return x64enc::alu_rm(p, Alu::Add, w, r, m); },
                    [&](x86::Assembler& a) { a.add(gp(w, r), ref(m, size)); }, "add" << at);
        EXPECT_SAME([&](uint8_t* p) { return x64enc::alu_rm(p, Alu::Cmp, w, r, m); },
                    [&](x86::Assembler& a) { a.cmp(gp(w, r), ref(m, size)); }, "cmp" << at);
        EXPECT_SAME([&](uint8_t* p) { return x64enc::imul_rm(p, w, r, m); },
                    [&](x86::Assembler& a) { a.imul(gp(w, r), ref(m, size)); }, "imul" << at);
        EXPECT_SAME([&](uint8_t* p) { return x64enc::load_ext(p, w, 0x0FB6, r, m); },
                    [&](x86::Assembler& a) { a.movzx(gp(w, r), ref(m, 1)); }, "movzx8" << at);
        EXPECT_SAME([&](uint8_t* p) { return x64enc::load_ext(p, w, 0x0FB7, r, m); },
                    [&](x86::Assembler& a) { a.movzx(gp(w, r), ref(m, 2)); }, "movzx16" << at);
        EXPECT_SAME([&](uint8_t* p) { return x64enc::load_ext(p, w, 0x0FBE, r, m); },
                    [&](x86::Assembler& a) { a.movsx(gp(w, r), ref(m, 1)); }, "movsx8" << at);
        EXPECT_SAME([&](uint8_t* p) { return x64enc::load_ext(p, w, 0x0FBF, r, m); },
                    [&](x86::Assembler& a) { a.movsx(gp(w, r), ref(m, 2)); }, "movsx16" << at);
        if (w) {
          EXPECT_SAME([&](uint8_t* p) { return x64enc::load_sx32(p, r, m); },
                      [&](x86::Assembler& a) { a.movsxd(x86::gpq(r), ref(m, 4)); }, "movsxd" << at);
          EXPECT_SAME([&](uint8_t* p) { return x64enc::store8(p, m, r); },
                      [&](x86::Assembler& a) { a.mov(ref(m, 1), x86::gpb(r)); }, "store8" << at);
          EXPECT_SAME([&](uint8_t* p) { return x64enc::store16(p, m, r); },
                      [&](x86::Assembler& a) { a.mov(ref(m, 2), x86::gpw(r)); }, "store16" << at);
          for (bool f64 : {false, true}) {
            EXPECT_SAME([&](uint8_t* p) { return x64enc::sse_mem(p, f64, false, r, m); },
                        [&](x86::Assembler& a) {
                          f64 ? a.movsd(x86::xmm(r), ref(m, 8)) : a.movss(x86::xmm(r), ref(m, 4));
                        },
                        "sse load f64=" << f64 << at);
            EXPECT_SAME([&](uint8_t* p) { return x64enc::sse_mem(p, f64, true, r, m); },
                        [&](x86::Assembler& a) {
                          f64 ? a.movsd(ref(m, 8), x86::xmm(r)) : a.movss(ref(m, 4), x86::xmm(r));
                        },
                        "sse store f64=" << f64 << at);
          }
        }
      }
  for (const x64enc::Mem& m : all_mems())
    for (int32_t k : kImms)
      for (bool w : {false, true})
        EXPECT_SAME([&](uint8_t* p) { return x64enc::store_imm(p, w, m, k); },
                    [&](x86::Assembler& a) { a.mov(ref(m, w ? 8 : 4), Imm(k)); },
                    "store imm " << k << " w64=" << w << " " << name(m));
}

}  // namespace
}  // namespace brisk::jit

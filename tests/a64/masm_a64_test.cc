// Golden encoding tests of the AArch64 macro-assembler: the cases where the
// masm, not the encoder, must get it right (immediates that need
// movz/movn/movk or bitmask forms, offsets beyond the scaled 12-bit range,
// register-offset heap addressing, the float conversions, the sequences
// base A64 lacks a single instruction for). The expected words come from
// GNU as (tests/a64/golden.py prints them); the assembly is kept beside
// them so that a failure names what was expected.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "interp/interp.h"
#include "jit/jit_runtime.h"
#include "jit/masm.h"
#include "test_util.h"

namespace brisk::jit {
namespace {

constexpr Reg X0 = 0, X1 = 1, X2 = 2, X3 = 3, X4 = 4, X5 = 5, X6 = 6, X7 = 7;
constexpr Reg V0 = 32, V1 = 33, V2 = 34, V3 = 35;

struct Golden {
  const char* name;
  const char* assembly;
  std::vector<uint32_t> words;
};

// Emits the case's code; {end} is a label the test binds after it (the
// 'L:' of the assembly).
using Emit = std::function<void(Masm&, Label end)>;

std::vector<uint32_t> assemble(BoundsMode bounds, const Emit& emit) {
  Masm m(bounds);
  Label end = m.new_label();
  emit(m, end);
  m.bind(end);
  size_t n = m.size();
  std::vector<uint8_t> buf(n);
  EXPECT_TRUE(m.emit_to(buf.data(), buf.data(), n));
  std::vector<uint32_t> words(n / 4);
  std::memcpy(words.data(), buf.data(), words.size() * 4);
  return words;
}

std::string hex(const std::vector<uint32_t>& w) {
  std::string s;
  char b[16];
  for (uint32_t x : w) {
    std::snprintf(b, sizeof b, "%s%08x", s.empty() ? "" : " ", x);
    s += b;
  }
  return s;
}

const std::vector<Golden> kGolden = {
    {"mov_zero", "mov x0, xzr", {0xaa1f03e0}},
    {"mov_small", "movz x1, #0x1234", {0xd2824681}},
    {"mov_minus_one", "movn x2, #0", {0x92800002}},
    {"mov_mostly_ones", "movn x3, #0xffff", {0x929fffe3}},
    {"mov_full64", "movz x4, #0xdef0; movk x4, #0x9abc, lsl #16; movk x4, #0x5678, lsl #32; movk x4, #0x1234, lsl #48", {0xd29bde04, 0xf2b35784, 0xf2cacf04, 0xf2e24684}},
    {"mov_bitmask", "orr x5, xzr, #0x5555555555555555", {0xb200f3e5}},
    {"mov_w32_all_ones", "movn w6, #0", {0x12800006}},
    {"mov_w32_high_half", "movz w7, #0x8000, lsl #16", {0x52b00007}},
    {"add_shifted_imm", "add x0, x0, #1, lsl #12", {0x91400400}},
    {"add_negative_imm_w32", "sub w0, w0, #5", {0x51001400}},
    {"and_bitmask_imm", "and x1, x1, #0xff", {0x92401c21}},
    {"xor_unencodable_imm", "movz x16, #0x2345; movk x16, #0x1, lsl #16; eor x1, x1, x16", {0xd28468b0, 0xf2a00030, 0xca100021}},
    {"cmp_minus_one", "cmn w1, #1; cset w0, lt", {0x3100043f, 0x1a9fa7e0}},
    {"cmp_large_imm", "movz x17, #0x100, lsl #16; cmp x1, x17; cset w0, hs", {0xd2a02011, 0xeb11003f, 0x1a9f37e0}},
    {"cmp_shifted_imm", "cmp w1, #16, lsl #12; cset w0, lo", {0x7140403f, 0x1a9f27e0}},
    {"cmn_shifted_imm", "cmn x1, #16, lsl #12; cset w0, eq", {0xb140403f, 0x1a9f17e0}},
    {"slot_load", "ldr x0, [x20, #8]", {0xf9400680}},
    {"slot_load_w32", "ldr w0, [x20, #8]", {0xb9400a80}},
    {"slot_load_far", "movz x15, #0x9c40; add x15, x20, x15; ldr x0, [x15]", {0xd293880f, 0x8b0f028f, 0xf94001e0}},
    {"heap_load_no_offset", "ldr w0, [x21, x1]", {0xb8616aa0}},
    {"heap_load8s_offset", "add x16, x1, #16; ldrsb x0, [x21, x16]", {0x91004030, 0x38b06aa0}},
    {"heap_store_shifted_offset", "add x16, x1, #0x100, lsl #12; movz x17, #7; str w17, [x21, x16]", {0x91440030, 0xd28000f1, 0xb8306ab1}},
    {"heap_store_huge_offset", "movz x16, #0xfff0; movk x16, #0xffff, lsl #16; add x16, x16, x1; str xzr, [x21, x16]", {0xd29ffe10, 0xf2bffff0, 0x8b010210, 0xf8306abf}},
    {"heap_store_f64", "str d0, [x21, x1]", {0xfc216aa0}},
    {"trunc_sat_f64_to_i32", "fcvtzs w0, d1", {0x1e780020}},
    {"convert_u64_to_f32", "ucvtf s0, x1", {0x9e230020}},
    {"trunc_f32_to_u64", "fcmp s1, s1; b.vs L; movz w16, #0xbf80, lsl #16; fmov s30, w16; fcmp s1, s30; b.le L; movz w16, #0x5f80, lsl #16; fmov s30, w16; fcmp s1, s30; b.ge L; fcvtzu x0, s1; L:", {0x1e212020, 0x54000146, 0x52b7f010, 0x1e27021e, 0x1e3e2020, 0x540000cd, 0x52abf010, 0x1e27021e, 0x1e3e2020, 0x5400004a, 0x9e390020}},
    {"popcnt_w32", "fmov s30, w1; cnt v30.8b, v30.8b; addv b30, v30.8b; fmov w0, s30", {0x1e27003e, 0x0e205bde, 0x0e31bbde, 0x1e2603c0}},
    {"copysign_f64", "fmov d30, xzr; fneg d30, d30; bit v0.8b, v1.8b, v30.8b", {0x9e6703fe, 0x1e6143de, 0x2ebe1c20}},
    {"nearest_f32", "frintn s0, s1", {0x1e244020}},
    {"fcmp_lt_f64", "fcmp d1, d2; cset w0, mi", {0x1e622020, 0x1a9f57e0}},
    {"rotl_variable_w32", "neg w17, w1; ror w0, w0, w17", {0x4b0103f1, 0x1ad12c00}},
    {"rotl_imm_w64", "ror x0, x0, #56", {0x93c0e000}},
    {"div_s_w32", "cbz w2, L; cmn w2, #1; b.ne 1f; movz w16, #0x8000, lsl #16; cmp w1, w16; b.eq L; 1: sdiv w0, w1, w2; L:", {0x340000e2, 0x3100045f, 0x54000081, 0x52b00010, 0x6b10003f, 0x54000040, 0x1ac20c20}},
    {"rem_u_w64", "cbz x2, L; udiv x16, x1, x2; msub x0, x16, x2, x1; L:", {0xb4000062, 0x9ac20830, 0x9b028600}},
    {"select_slot_w64", "ldr x16, [x20, #24]; cmp w3, #0; csel x0, x0, x16, ne", {0xf9400e90, 0x7100007f, 0x9a901000}},
    // SIMD (masm_a64_simd.inc): the sequences where wasm and NEON differ.
    {"simd_shuffle_two_operands", "mov v30.16b, v1.16b; mov v31.16b, v2.16b; b 1f; 2: .quad 0x1706150413021100; .quad 0x1f0e1d0c1b0a1908; 1: ldr q0, 2b; tbl v0.16b, {v30.16b, v31.16b}, v0.16b", {0x4ea11c3e, 0x4ea21c5f, 0x14000005, 0x13021100, 0x17061504, 0x1b0a1908, 0x1f0e1d0c, 0x9cffff80, 0x4e0023c0}},
    {"simd_shuffle_one_operand", "b 1f; 2: .quad 0x08090a0b0c0d0e0f; .quad 0x0001020304050607; 1: ldr q31, 2b; tbl v0.16b, {v1.16b}, v31.16b", {0x14000005, 0x0c0d0e0f, 0x08090a0b, 0x04050607, 0x00010203, 0x9cffff9f, 0x4e1f0020}},
    {"simd_swizzle", "tbl v0.16b, {v1.16b}, v2.16b", {0x4e020020}},
    {"simd_bitmask_i8x16", "ushr v31.16b, v1.16b, #7; usra v31.8h, v31.8h, #7; usra v31.4s, v31.4s, #14; usra v31.2d, v31.2d, #28; umov w16, v31.b[0]; umov w0, v31.b[8]; orr w0, w16, w0, lsl #8", {0x6f09043f, 0x6f1917ff, 0x6f3217ff, 0x6f6417ff, 0x0e013ff0, 0x0e113fe0, 0x2a002200}},
    {"simd_bitmask_i16x8", "ushr v31.8h, v1.8h, #15; usra v31.4s, v31.4s, #15; usra v31.2d, v31.2d, #30; umov w16, v31.b[0]; umov w0, v31.b[8]; orr w0, w16, w0, lsl #4", {0x6f11043f, 0x6f3117ff, 0x6f6217ff, 0x0e013ff0, 0x0e113fe0, 0x2a001200}},
    {"simd_bitmask_i64x2", "ushr v31.2d, v1.2d, #63; umov w16, v31.b[0]; umov w0, v31.b[8]; orr w0, w16, w0, lsl #1", {0x6f41043f, 0x0e013ff0, 0x0e113fe0, 0x2a000600}},
    {"simd_narrow_u_in_place", "sqxtun v0.8b, v0.8h; sqxtun2 v0.16b, v1.8h", {0x2e212800, 0x6e212820}},
    {"simd_narrow_i32x4_s", "sqxtn v0.4h, v1.4s; sqxtn2 v0.8h, v2.4s", {0x0e614820, 0x4e614840}},
    {"simd_dot", "smull v31.4s, v1.4h, v2.4h; smull2 v30.4s, v1.8h, v2.8h; addp v0.4s, v31.4s, v30.4s", {0x0e62c03f, 0x4e62c03e, 0x4ebebfe0}},
    {"simd_extmul_high_u", "umull2 v0.2d, v1.4s, v2.4s", {0x6ea2c020}},
    {"simd_extmul_low_s", "smull v0.8h, v1.8b, v2.8b", {0x0e22c020}},
    {"simd_pmin_f32", "fcmgt v31.4s, v1.4s, v2.4s; mov v0.16b, v1.16b; bit v0.16b, v2.16b, v31.16b", {0x6ea2e43f, 0x4ea11c20, 0x6ebf1c40}},
    {"simd_pmax_f64_in_place", "fcmgt v31.2d, v1.2d, v0.2d; bit v0.16b, v1.16b, v31.16b", {0x6ee0e43f, 0x6ebf1c20}},
    {"simd_min_f64", "fmin v0.2d, v0.2d, v1.2d", {0x4ee1f400}},
    {"simd_trunc_sat_f64x2_u_zero", "fcvtzu v31.2d, v1.2d; uqxtn v0.2s, v31.2d", {0x6ee1b83f, 0x2ea14be0}},
    {"simd_trunc_sat_f32x4_s", "fcvtzs v0.4s, v1.4s", {0x4ea1b820}},
    {"simd_convert_low_u", "uxtl v0.2d, v1.2s; ucvtf v0.2d, v0.2d", {0x2f20a420, 0x6e61d800}},
    {"simd_demote_zero", "fcvtn v0.2s, v1.2d", {0x0e616820}},
    {"simd_shr_s_i16x8", "and w16, w2, #15; neg w16, w16; dup v31.16b, w16; sshl v0.8h, v1.8h, v31.8h", {0x12000c50, 0x4b1003f0, 0x4e010e1f, 0x4e7f4420}},
    {"simd_shr_u_i8x16", "and w16, w2, #7; neg w16, w16; dup v31.16b, w16; ushl v0.16b, v1.16b, v31.16b", {0x12000850, 0x4b1003f0, 0x4e010e1f, 0x6e3f4420}},
    {"simd_shl_i64x2", "and w16, w1, #63; dup v31.16b, w16; ushl v0.2d, v0.2d, v31.2d", {0x12001430, 0x4e010e1f, 0x6eff4400}},
    {"simd_popcnt", "cnt v0.16b, v1.16b", {0x4e205820}},
    {"simd_all_true_i8x16", "uminv b31, v1.16b; fmov w0, s31; cmp w0, #0; cset w0, ne", {0x6e31a83f, 0x1e2603e0, 0x7100001f, 0x1a9f07e0}},
    {"simd_all_true_i64x2", "cmeq v31.2d, v1.2d, #0; umaxv s31, v31.4s; fmov w0, s31; cmp w0, #0; cset w0, eq", {0x4ee0983f, 0x6eb0abff, 0x1e2603e0, 0x7100001f, 0x1a9f17e0}},
    {"simd_any_true", "umaxv s31, v1.4s; fmov w0, s31; cmp w0, #0; cset w0, ne", {0x6eb0a83f, 0x1e2603e0, 0x7100001f, 0x1a9f07e0}},
    {"simd_lt_s_i64x2", "cmgt v0.2d, v2.2d, v1.2d", {0x4ee13440}},
    {"simd_ne_i32x4", "cmeq v0.4s, v1.4s, v2.4s; mvn v0.16b, v0.16b", {0x6ea28c20, 0x6e205800}},
    {"simd_le_u_i16x8", "cmhs v0.8h, v2.8h, v1.8h", {0x6e613c40}},
    {"simd_ne_f32x4", "fcmeq v0.4s, v1.4s, v2.4s; mvn v0.16b, v0.16b", {0x4e22e420, 0x6e205800}},
    {"simd_mul_i64x2", "umov x16, v0.d[0]; umov x17, v1.d[0]; mul x16, x16, x17; umov x17, v0.d[1]; umov x15, v1.d[1]; mul x17, x17, x15; fmov d0, x16; mov v0.d[1], x17", {0x4e083c10, 0x4e083c31, 0x9b117e10, 0x4e183c11, 0x4e183c2f, 0x9b0f7e31, 0x9e670200, 0x4e181e20}},
    {"simd_q15mulr", "sqrdmulh v0.8h, v1.8h, v2.8h", {0x6e62b420}},
    {"simd_bitselect_in_place", "bif v0.16b, v1.16b, v2.16b", {0x6ee21c20}},
    {"simd_bitselect", "mov v0.16b, v1.16b; bif v0.16b, v2.16b, v3.16b", {0x4ea11c20, 0x6ee31c40}},
    {"simd_const", "b 1f; 2: .quad 0x0706050403020100; .quad 0x0f0e0d0c0b0a0908; 1: ldr q0, 2b", {0x14000005, 0x03020100, 0x07060504, 0x0b0a0908, 0x0f0e0d0c, 0x9cffff80}},
    {"simd_const_all_ones", "movi v0.16b, #0xff", {0x4f07e7e0}},
    {"simd_extract_i8_s", "smov w0, v1.b[15]", {0x0e1f2c20}},
    {"simd_extract_i64", "umov x0, v1.d[1]", {0x4e183c20}},
    {"simd_extract_f32", "dup s0, v1.s[3]", {0x5e1c0420}},
    {"simd_replace_f64", "mov v0.16b, v1.16b; mov v0.d[1], v2.d[0]", {0x4ea11c20, 0x6e180440}},
    {"simd_replace_i16", "mov v0.h[7], w1", {0x4e1e1c20}},
    {"simd_splat_i8", "dup v0.16b, w1", {0x4e010c20}},
    {"simd_splat_f64", "dup v0.2d, v1.d[0]", {0x4e080420}},
    {"simd_load", "ldr q0, [x21, x1]", {0x3ce16aa0}},
    {"simd_load8_splat", "ldr b0, [x21, x1]; dup v0.16b, v0.b[0]", {0x3c616aa0, 0x4e010400}},
    {"simd_load16x4_s_offset", "add x16, x1, #16; ldr d0, [x21, x16]; sxtl v0.4s, v0.4h", {0x91004030, 0xfc706aa0, 0x0f10a400}},
    {"simd_load32_zero", "ldr s0, [x21, x1]", {0xbc616aa0}},
    {"simd_store", "str q0, [x21, x1]", {0x3ca16aa0}},
    {"simd_load_lane16", "ldr h31, [x21, x1]; mov v0.h[5], v31.h[0]", {0x7c616abf, 0x6e1607e0}},
    {"simd_store_lane32", "dup s31, v0.s[2]; str s31, [x21, x1]", {0x5e14041f, 0xbc216abf}},
    {"simd_store_lane8_lane0", "str b0, [x21, x1]", {0x3c216aa0}},
    {"simd_slot_load_aligned", "ldr q0, [x20, #32]", {0x3dc00a80}},
    {"simd_slot_load_unaligned", "ldur q0, [x20, #24]", {0x3cc18280}},
    {"simd_slot_store_far", "add x15, x20, #1000; str q0, [x15]", {0x910fa28f, 0x3d8001e0}},
    {"simd_shl_imm_i32", "shl v0.4s, v1.4s, #5", {0x4f255420}},
    {"simd_sshr_imm_i16_masked", "sshr v0.8h, v1.8h, #15", {0x4f110420}},
    {"simd_ushr_imm_i64_in_place", "ushr v0.2d, v0.2d, #1", {0x6f7f0400}},
    {"simd_ushr_imm_i8_negative", "ushr v0.16b, v1.16b, #7", {0x6f090420}},
    {"simd_shl_imm_i8_by_width", "mov v0.16b, v1.16b", {0x4ea11c20}},
};

// How each case is produced through the masm's interface.
const std::map<std::string, Emit>& emitters() {
  static const std::map<std::string, Emit> m = {
      {"mov_zero", [](Masm& m, Label) { m.mov(W::W64, X0, Opnd::i(0)); }},
      {"mov_small", [](Masm& m, Label) { m.mov(W::W64, X1, Opnd::i(0x1234)); }},
      {"mov_minus_one", [](Masm& m, Label) { m.mov(W::W64, X2, Opnd::i(-1)); }},
      {"mov_mostly_ones", [](Masm& m, Label) { m.mov(W::W64, X3, Opnd::i(-0x10000)); }},
      {"mov_full64", [](Masm& m, Label) { m.mov(W::W64, X4, Opnd::i(0x123456789abcdef0)); }},
      {"mov_bitmask", [](Masm& m, Label) { m.mov(W::W64, X5, Opnd::i(0x5555555555555555)); }},
      {"mov_w32_all_ones", [](Masm& m, Label) { m.mov(W::W32, X6, Opnd::i(-1)); }},
      {"mov_w32_high_half", [](Masm& m, Label) { m.mov(W::W32, X7, Opnd::i(0x80000000)); }},
      {"add_shifted_imm", [](Masm& m, Label) { m.alu(AluOp::Add, W::W64, X0, Opnd::i(4096)); }},
      {"add_negative_imm_w32", [](Masm& m, Label) { m.alu(AluOp::Add, W::W32, X0, Opnd::i(-5)); }},
      {"and_bitmask_imm", [](Masm& m, Label) { m.alu(AluOp::And, W::W64, X1, Opnd::i(0xff)); }},
      {"xor_unencodable_imm", [](Masm& m, Label) { m.alu(AluOp::Xor, W::W64, X1, Opnd::i(0x12345)); }},
      {"cmp_minus_one", [](Masm& m, Label) { m.set_cmp(Cond::LtS, W::W32, X0, X1, Opnd::i(-1)); }},
      {"cmp_large_imm", [](Masm& m, Label) { m.set_cmp(Cond::GeU, W::W64, X0, X1, Opnd::i(1 << 24)); }},
      {"cmp_shifted_imm", [](Masm& m, Label) { m.set_cmp(Cond::LtU, W::W32, X0, X1, Opnd::i(65536)); }},
      {"cmn_shifted_imm", [](Masm& m, Label) { m.set_cmp(Cond::Eq, W::W64, X0, X1, Opnd::i(-65536)); }},
      {"slot_load", [](Masm& m, Label) { m.mov(W::W64, X0, Opnd::s(8)); }},
      {"slot_load_w32", [](Masm& m, Label) { m.mov(W::W32, X0, Opnd::s(8)); }},
      {"slot_load_far", [](Masm& m, Label) { m.mov(W::W64, X0, Opnd::s(40000)); }},
      {"heap_load_no_offset", [](Masm& m, Label l) { m.load(Op::i32_load, X0, X1, 0, l); }},
      {"heap_load8s_offset", [](Masm& m, Label l) { m.load(Op::i64_load8_s, X0, X1, 16, l); }},
      {"heap_store_shifted_offset", [](Masm& m, Label l) { m.store(Op::i32_store, X1, Opnd::i(7), 0x100000, l); }},
      {"heap_store_huge_offset", [](Masm& m, Label l) { m.store(Op::i64_store, X1, Opnd::i(0), 0xfffffff0u, l); }},
      {"heap_store_f64", [](Masm& m, Label l) { m.store(Op::f64_store, X1, Opnd::r(V0), 0, l); }},
      {"trunc_sat_f64_to_i32", [](Masm& m, Label l) { m.convert(Op::i32_trunc_sat_f64_s, X0, V1, l, l); }},
      {"convert_u64_to_f32", [](Masm& m, Label l) { m.convert(Op::f32_convert_i64_u, V0, X1, l, l); }},
      {"trunc_f32_to_u64", [](Masm& m, Label l) { m.convert(Op::i64_trunc_f32_u, X0, V1, l, l); }},
      {"popcnt_w32", [](Masm& m, Label) { m.popcnt(W::W32, X0, X1); }},
      {"copysign_f64", [](Masm& m, Label) { m.fbin(FBinOp::Copysign, FW::F64, V0, V1); }},
      {"nearest_f32", [](Masm& m, Label) { m.fun(FUnOp::Nearest, FW::F32, V0, V1); }},
      {"fcmp_lt_f64", [](Masm& m, Label) { m.set_fcmp(FCond::Lt, FW::F64, X0, V1, V2); }},
      {"rotl_variable_w32", [](Masm& m, Label) { m.shift(ShiftOp::Rotl, W::W32, X0, Opnd::r(X1)); }},
      {"rotl_imm_w64", [](Masm& m, Label) { m.shift(ShiftOp::Rotl, W::W64, X0, Opnd::i(8)); }},
      {"div_s_w32", [](Masm& m, Label l) { m.divrem(DivOp::DivS, W::W32, X0, X1, X2, l, l); }},
      {"rem_u_w64", [](Masm& m, Label l) { m.divrem(DivOp::RemU, W::W64, X0, X1, X2, l, l); }},
      {"select_slot_w64", [](Masm& m, Label) { m.select(W::W64, X0, Opnd::s(24), X3); }},
      {"simd_shuffle_two_operands", [](Masm& m, Label l) { (void)l; { const uint8_t l[16] = {0, 17, 2, 19, 4, 21, 6, 23, 8, 25, 10, 27, 12, 29, 14, 31}; m.simd_shuffle(V0, V1, V2, l); } }},
      {"simd_shuffle_one_operand", [](Masm& m, Label l) { (void)l; { const uint8_t l[16] = {15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0}; m.simd_shuffle(V0, V1, V2, l); } }},
      {"simd_swizzle", [](Masm& m, Label l) { (void)l; m.simd_bin(Op::i8x16_swizzle, V0, V1, V2); }},
      {"simd_bitmask_i8x16", [](Masm& m, Label l) { (void)l; m.simd_un(Op::i8x16_bitmask, X0, V1); }},
      {"simd_bitmask_i16x8", [](Masm& m, Label l) { (void)l; m.simd_un(Op::i16x8_bitmask, X0, V1); }},
      {"simd_bitmask_i64x2", [](Masm& m, Label l) { (void)l; m.simd_un(Op::i64x2_bitmask, X0, V1); }},
      {"simd_narrow_u_in_place", [](Masm& m, Label l) { (void)l; m.simd_bin(Op::i8x16_narrow_i16x8_u, V0, V0, V1); }},
      {"simd_narrow_i32x4_s", [](Masm& m, Label l) { (void)l; m.simd_bin(Op::i16x8_narrow_i32x4_s, V0, V1, V2); }},
      {"simd_dot", [](Masm& m, Label l) { (void)l; m.simd_bin(Op::i32x4_dot_i16x8_s, V0, V1, V2); }},
      {"simd_extmul_high_u", [](Masm& m, Label l) { (void)l; m.simd_bin(Op::i64x2_extmul_high_i32x4_u, V0, V1, V2); }},
      {"simd_extmul_low_s", [](Masm& m, Label l) { (void)l; m.simd_bin(Op::i16x8_extmul_low_i8x16_s, V0, V1, V2); }},
      {"simd_pmin_f32", [](Masm& m, Label l) { (void)l; m.simd_bin(Op::f32x4_pmin, V0, V1, V2); }},
      {"simd_pmax_f64_in_place", [](Masm& m, Label l) { (void)l; m.simd_bin(Op::f64x2_pmax, V0, V0, V1); }},
      {"simd_min_f64", [](Masm& m, Label l) { (void)l; m.simd_bin(Op::f64x2_min, V0, V0, V1); }},
      {"simd_trunc_sat_f64x2_u_zero", [](Masm& m, Label l) { (void)l; m.simd_un(Op::i32x4_trunc_sat_f64x2_u_zero, V0, V1); }},
      {"simd_trunc_sat_f32x4_s", [](Masm& m, Label l) { (void)l; m.simd_un(Op::i32x4_trunc_sat_f32x4_s, V0, V1); }},
      {"simd_convert_low_u", [](Masm& m, Label l) { (void)l; m.simd_un(Op::f64x2_convert_low_i32x4_u, V0, V1); }},
      {"simd_demote_zero", [](Masm& m, Label l) { (void)l; m.simd_un(Op::f32x4_demote_f64x2_zero, V0, V1); }},
      {"simd_shr_s_i16x8", [](Masm& m, Label l) { (void)l; m.simd_bin(Op::i16x8_shr_s, V0, V1, X2); }},
      {"simd_shr_u_i8x16", [](Masm& m, Label l) { (void)l; m.simd_bin(Op::i8x16_shr_u, V0, V1, X2); }},
      {"simd_shl_i64x2", [](Masm& m, Label l) { (void)l; m.simd_bin(Op::i64x2_shl, V0, V0, X1); }},
      {"simd_popcnt", [](Masm& m, Label l) { (void)l; m.simd_un(Op::i8x16_popcnt, V0, V1); }},
      {"simd_all_true_i8x16", [](Masm& m, Label l) { (void)l; m.simd_un(Op::i8x16_all_true, X0, V1); }},
      {"simd_all_true_i64x2", [](Masm& m, Label l) { (void)l; m.simd_un(Op::i64x2_all_true, X0, V1); }},
      {"simd_any_true", [](Masm& m, Label l) { (void)l; m.simd_un(Op::v128_any_true, X0, V1); }},
      {"simd_lt_s_i64x2", [](Masm& m, Label l) { (void)l; m.simd_bin(Op::i64x2_lt_s, V0, V1, V2); }},
      {"simd_ne_i32x4", [](Masm& m, Label l) { (void)l; m.simd_bin(Op::i32x4_ne, V0, V1, V2); }},
      {"simd_le_u_i16x8", [](Masm& m, Label l) { (void)l; m.simd_bin(Op::i16x8_le_u, V0, V1, V2); }},
      {"simd_ne_f32x4", [](Masm& m, Label l) { (void)l; m.simd_bin(Op::f32x4_ne, V0, V1, V2); }},
      {"simd_mul_i64x2", [](Masm& m, Label l) { (void)l; m.simd_bin(Op::i64x2_mul, V0, V0, V1); }},
      {"simd_q15mulr", [](Masm& m, Label l) { (void)l; m.simd_bin(Op::i16x8_q15mulr_sat_s, V0, V1, V2); }},
      {"simd_bitselect_in_place", [](Masm& m, Label l) { (void)l; m.simd_tern(Op::v128_bitselect, V0, V0, V1, V2); }},
      {"simd_bitselect", [](Masm& m, Label l) { (void)l; m.simd_tern(Op::v128_bitselect, V0, V1, V2, V3); }},
      {"simd_const", [](Masm& m, Label l) { (void)l; { const uint8_t b[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}; m.vconst(V0, b); } }},
      {"simd_const_all_ones", [](Masm& m, Label l) { (void)l; { uint8_t b[16]; std::memset(b, 0xff, 16); m.vconst(V0, b); } }},
      {"simd_extract_i8_s", [](Masm& m, Label l) { (void)l; m.simd_extract(Op::i8x16_extract_lane_s, X0, V1, 15); }},
      {"simd_extract_i64", [](Masm& m, Label l) { (void)l; m.simd_extract(Op::i64x2_extract_lane, X0, V1, 1); }},
      {"simd_extract_f32", [](Masm& m, Label l) { (void)l; m.simd_extract(Op::f32x4_extract_lane, V0, V1, 3); }},
      {"simd_replace_f64", [](Masm& m, Label l) { (void)l; m.simd_replace(Op::f64x2_replace_lane, V0, V1, V2, 1); }},
      {"simd_replace_i16", [](Masm& m, Label l) { (void)l; m.simd_replace(Op::i16x8_replace_lane, V0, V0, X1, 7); }},
      {"simd_splat_i8", [](Masm& m, Label l) { (void)l; m.simd_un(Op::i8x16_splat, V0, X1); }},
      {"simd_splat_f64", [](Masm& m, Label l) { (void)l; m.simd_un(Op::f64x2_splat, V0, V1); }},
      {"simd_load", [](Masm& m, Label l) { (void)l; m.simd_load(Op::v128_load, V0, X1, 0, l); }},
      {"simd_load8_splat", [](Masm& m, Label l) { (void)l; m.simd_load(Op::v128_load8_splat, V0, X1, 0, l); }},
      {"simd_load16x4_s_offset", [](Masm& m, Label l) { (void)l; m.simd_load(Op::v128_load16x4_s, V0, X1, 16, l); }},
      {"simd_load32_zero", [](Masm& m, Label l) { (void)l; m.simd_load(Op::v128_load32_zero, V0, X1, 0, l); }},
      {"simd_store", [](Masm& m, Label l) { (void)l; m.simd_store(Op::v128_store, X1, V0, 0, l); }},
      {"simd_load_lane16", [](Masm& m, Label l) { (void)l; m.simd_load_lane(Op::v128_load16_lane, V0, X1, V0, 0, 5, l); }},
      {"simd_store_lane32", [](Masm& m, Label l) { (void)l; m.simd_store_lane(Op::v128_store32_lane, X1, V0, 0, 2, l); }},
      {"simd_store_lane8_lane0", [](Masm& m, Label l) { (void)l; m.simd_store_lane(Op::v128_store8_lane, X1, V0, 0, 0, l); }},
      {"simd_slot_load_aligned", [](Masm& m, Label l) { (void)l; m.vload_slot(V0, 32); }},
      {"simd_slot_load_unaligned", [](Masm& m, Label l) { (void)l; m.vload_slot(V0, 24); }},
      {"simd_slot_store_far", [](Masm& m, Label l) { (void)l; m.vstore_slot(1000, V0); }},
      // Counts are masked to the lane width: 31 -> 15, 65 -> 1, -1 -> 7, 8 -> 0 (a copy).
      {"simd_shl_imm_i32", [](Masm& m, Label) { m.simd_shift_imm(Op::i32x4_shl, V0, V1, 5); }},
      {"simd_sshr_imm_i16_masked", [](Masm& m, Label) { m.simd_shift_imm(Op::i16x8_shr_s, V0, V1, 31); }},
      {"simd_ushr_imm_i64_in_place", [](Masm& m, Label) { m.simd_shift_imm(Op::i64x2_shr_u, V0, V0, 65); }},
      {"simd_ushr_imm_i8_negative", [](Masm& m, Label) { m.simd_shift_imm(Op::i8x16_shr_u, V0, V1, uint32_t(-1)); }},
      {"simd_shl_imm_i8_by_width", [](Masm& m, Label) { m.simd_shift_imm(Op::i8x16_shl, V0, V1, 8); }},
  };
  return m;
}

class A64Golden : public ::testing::TestWithParam<Golden> {};

TEST_P(A64Golden, MatchesGnuAs) {
  const Golden& g = GetParam();
  auto it = emitters().find(g.name);
  ASSERT_NE(it, emitters().end()) << "no emitter for " << g.name;
  std::vector<uint32_t> got = assemble(BoundsMode::Guard, it->second);
  EXPECT_EQ(hex(got), hex(g.words)) << "expected: " << g.assembly;
}

INSTANTIATE_TEST_SUITE_P(Masm, A64Golden, ::testing::ValuesIn(kGolden),
                         [](const ::testing::TestParamInfo<Golden>& i) { return std::string(i.param.name); });

// Explicit bounds: the end of the access is checked against the size
// register before the access, with offset and size folded into one add.
TEST(A64Masm, ExplicitBoundsCheckPrecedesAccess) {
  std::vector<uint32_t> got =
      assemble(BoundsMode::Explicit, [](Masm& m, Label l) { m.load(Op::i64_load, X0, X1, 8, l); });
  EXPECT_EQ(hex(got), hex({0x91004031, 0xeb16023f, 0x54000068, 0x91002030, 0xf8706aa0}))
      << "expected: add x17, x1, #16; cmp x17, x22; b.hi L; add x16, x1, #8; ldr x0, [x21, x16]; L:";
}

// Every case in the table is exercised, and every emitter has a case.
TEST(A64Masm, GoldenTableIsComplete) {
  EXPECT_EQ(emitters().size(), kGolden.size());
}

// The CPU-control sequences: the attention check at function entry and
// back-edges, and the fuel charge (subs with a 12-bit immediate, or through
// x17 beyond it, then b.mi to the out-of-fuel stub). The ExecContext field
// offsets come from the build; the encodings were checked with GNU as for
// interrupt at 56 and fuel at 168 ("ldrb w16, [x19, #56]; cbnz w16, L",
// "ldr x16, [x19, #168]; subs x16, x16, #12; str x16, [x19, #168]; b.mi
// stub", "movz x17, #5000; subs x16, x16, x17").
uint32_t ldr_x16_ctx(size_t off) { return 0xf9400000u | uint32_t(off / 8) << 10 | 19u << 5 | 16u; }
uint32_t str_x16_ctx(size_t off) { return 0xf9000000u | uint32_t(off / 8) << 10 | 19u << 5 | 16u; }

TEST(A64Masm, AttentionCheckBranchesOnTheFlag) {
  const size_t off = offsetof(ExecContext, interrupt);
  ASSERT_LT(off, 4096u);
  std::vector<uint32_t> got = assemble(BoundsMode::Guard, [](Masm& m, Label l) { m.br_attention(l); });
  EXPECT_EQ(hex(got), hex({0x39400000u | uint32_t(off) << 10 | 19u << 5 | 16u, 0x35000030u}))
      << "expected: ldrb w16, [x19, #interrupt]; cbnz w16, L; L:";
}

TEST(A64Masm, FuelChargeSubtractsAndTrapsWhenNegative) {
  const size_t off = offsetof(ExecContext, fuel);
  ASSERT_EQ(off % 8, 0u);
  for (uint32_t n : {12u, 5000u}) {
    Masm m(BoundsMode::Guard);
    m.charge_fuel(n);
    m.finish();  // binds the out-of-fuel stub
    size_t size = m.size();
    std::vector<uint8_t> buf(size);
    ASSERT_TRUE(m.emit_to(buf.data(), buf.data(), size));
    std::vector<uint32_t> w(size / 4);
    std::memcpy(w.data(), buf.data(), w.size() * 4);
    std::vector<uint32_t> want = {ldr_x16_ctx(off)};
    if (n < 4096) {
      want.push_back(0xf1000000u | n << 10 | 16u << 5 | 16u);  // subs x16, x16, #n
    } else {
      want.push_back(0xd2800000u | n << 5 | 17u);  // movz x17, #n
      want.push_back(0xeb110210u);                 // subs x16, x16, x17
    }
    want.push_back(str_x16_ctx(off));
    ASSERT_GT(w.size(), want.size());
    EXPECT_EQ(hex(std::vector<uint32_t>(w.begin(), w.begin() + long(want.size()))), hex(want)) << "n = " << n;
    EXPECT_EQ(w[want.size()] & 0xff00001fu, 0x54000004u) << "b.mi to the stub, n = " << n;
  }
}

// With the fuel register (Masm::use_fuel_register, x24) a charge touches no
// memory: "subs x24, x24, #n; b.mi stub" (or through x17), and the
// out-of-fuel stub stores x24 to ExecContext::fuel before recording the
// trap, so the store sees what was charged.
TEST(A64Masm, FuelInRegisterChargesWithoutMemoryAndStoresAtTheTrap) {
  const size_t off = offsetof(ExecContext, fuel);
  const uint32_t str_x24_ctx = 0xf9000000u | uint32_t(off / 8) << 10 | 19u << 5 | 24u;
  for (uint32_t n : {12u, 5000u}) {
    Masm m(BoundsMode::Guard);
    ASSERT_TRUE(m.use_fuel_register());
    m.charge_fuel(n);
    m.finish();
    size_t size = m.size();
    std::vector<uint8_t> buf(size);
    ASSERT_TRUE(m.emit_to(buf.data(), buf.data(), size));
    std::vector<uint32_t> w(size / 4);
    std::memcpy(w.data(), buf.data(), w.size() * 4);
    std::vector<uint32_t> want;
    if (n < 4096) {
      want.push_back(0xf1000000u | n << 10 | 24u << 5 | 24u);  // subs x24, x24, #n
    } else {
      want.push_back(0xd2800000u | n << 5 | 17u);  // movz x17, #n
      want.push_back(0xeb110318u);                 // subs x24, x24, x17
    }
    ASSERT_GT(w.size(), want.size());
    EXPECT_EQ(hex(std::vector<uint32_t>(w.begin(), w.begin() + long(want.size()))), hex(want)) << "n = " << n;
    const uint32_t bmi = w[want.size()];
    ASSERT_EQ(bmi & 0xff00001fu, 0x54000004u) << "b.mi to the stub, n = " << n;
    const size_t stub = want.size() + ((bmi >> 5) & 0x7ffff);
    ASSERT_LT(stub, w.size());
    EXPECT_EQ(hex({w[stub]}), hex({str_x24_ctx})) << "the stub starts with str x24, [x19, #fuel]";
  }
}

// A conditional branch reaches +-1 MiB; past that the masm must refuse
// the function (it then stays interpreted) rather than emit a wrong branch.
TEST(A64Masm, OutOfRangeBranchIsRejected) {
  Masm m(BoundsMode::Guard);
  Label far = m.new_label();
  m.br_test(true, W::W32, X0, far);
  for (int i = 0; i < 300000; ++i) m.alu(AluOp::Add, W::W64, X1, Opnd::r(X2));  // 1.2 MB of code
  m.bind(far);
  size_t n = m.size();
  std::vector<uint8_t> buf(n + 16);
  EXPECT_FALSE(m.emit_to(buf.data(), buf.data(), buf.size()));
}

// End to end: a function whose code puts its branches out of range is not
// compiled, is counted (brisk-spectest fails a run on that count), and still
// runs correctly in the interpreter.
TEST(A64Jit, FunctionBeyondBranchRangeIsCountedAndStillRuns) {
  using namespace brisk::test;
  ModuleBuilder mb;
  uint32_t t = mb.type({T::i32}, {T::i32});
  Code body;
  body.block().local_get(0).br_if(0);  // a forward branch over everything below
  // > 1 MiB of code even when the local is a register home updated in
  // place (one 4-byte instruction per addition).
  for (int i = 0; i < 400000; ++i) body.local_get(0).i32_const(1).i32_add().local_set(0);
  body.end().local_get(0);
  mb.func("f", t, std::vector<T>{}, body);
  auto m = decode(mb.build());
  ASSERT_TRUE(m.ok()) << describe(m);

  EngineConfig cfg;
  cfg.mode = ExecMode::Jit;
  Store store(cfg);
  Linker linker;
  InstantiateResult r = store.instantiate(m.value(), linker);
  ASSERT_TRUE(r.instance);
  const uint64_t failures_before = jit_compile_failures();
  Function* f = r.instance->funcs[0];
  Outcome zero = call(store, f, {Value::i32(0)});
  ASSERT_TRUE(zero.ok()) << trap_text(zero);
  EXPECT_EQ(zero.i32(), 400000);
  Outcome one = call(store, f, {Value::i32(1)});
  ASSERT_TRUE(one.ok()) << trap_text(one);
  EXPECT_EQ(one.i32(), 1);
  EXPECT_EQ(f->jit_code, nullptr);
  EXPECT_EQ(jit_compile_failures(), failures_before + 1);
  EXPECT_EQ(store.code_arena().stats.failures, 1u);
}

}  // namespace
}  // namespace brisk::jit

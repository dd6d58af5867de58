// Direct x86_64 encodings of the instructions the JIT emits most: moves,
// loads and stores (frame slots off r12, linear memory off r13), integer
// ALU operations, lea and imul. asmjit's generic encoder (operand
// signatures, instruction tables) spends some 300 instructions on each of
// them, about a third of the compile time; the Masm writes their bytes
// itself (FastAssembler, fast_assembler.h) and leaves the rest to asmjit. Each
// function writes at most kMaxBytes at p and returns the end; the bytes are
// asmjit's own, checked form by form (tests/x64/fast_assembler_test.cc).
#pragma once

#include <cstdint>
#include <cstring>

namespace brisk::jit::x64enc {

constexpr size_t kMaxBytes = 16;
constexpr uint8_t kNoIndex = 0xFF;
constexpr uint8_t kRsp = 4, kRbp = 5, kR12 = 12, kR13 = 13;

// [base + index << scale + disp] (kNoIndex for none; rsp is never an index).
struct Mem {
  uint8_t base;
  uint8_t index;
  int32_t disp;
  uint8_t scale = 0;
};
inline Mem slot(int32_t off) { return Mem{kR12, kNoIndex, off}; }

// REX with W/R/X/B from the register numbers, or none when it would be the
// bare 0x40 (unless {byte_regs}: spl, bpl, sil and dil need one).
inline uint8_t* rex(uint8_t* p, bool w, uint8_t r, uint8_t x, uint8_t b, bool byte_regs = false) {
  uint8_t v = uint8_t(0x40 | (w ? 8 : 0) | ((r & 8) ? 4 : 0) | ((x != kNoIndex && (x & 8)) ? 2 : 0) |
                      ((b & 8) ? 1 : 0));
  if (v != 0x40 || byte_regs) *p++ = v;
  return p;
}
inline uint8_t* rex_mem(uint8_t* p, bool w, uint8_t r, const Mem& m, bool byte_regs = false) {
  return rex(p, w, r, m.index, m.base, byte_regs);
}
// ModRM (+ SIB + displacement) of a memory operand with reg field r:
// rsp/r12 as a base need a SIB byte, rbp/r13 a displacement (0 as disp8).
inline uint8_t* modrm_mem(uint8_t* p, uint8_t r, const Mem& m) {
  const uint8_t reg = uint8_t((r & 7) << 3), base = m.base & 7;
  const bool sib = m.index != kNoIndex || base == kRsp;
  uint8_t mod;
  if (m.disp == 0 && base != kRbp)
    mod = 0x00;
  else if (m.disp >= -128 && m.disp <= 127)
    mod = 0x40;
  else
    mod = 0x80;
  *p++ = uint8_t(mod | reg | (sib ? 4 : base));
  if (sib) *p++ = uint8_t((m.index == kNoIndex ? kRsp << 3 : (m.scale << 6) | ((m.index & 7) << 3)) | base);
  if (mod == 0x40) {
    *p++ = uint8_t(int8_t(m.disp));
  } else if (mod == 0x80) {
    std::memcpy(p, &m.disp, 4);
    p += 4;
  }
  return p;
}
inline uint8_t* imm32(uint8_t* p, int32_t v) {
  std::memcpy(p, &v, 4);
  return p + 4;
}
inline bool fits8(int32_t v) { return v >= -128 && v <= 127; }

// {opcode} (one byte, or 0x0F and a second) with reg field r and a
// register or memory operand, after an optional legacy prefix.
inline uint8_t* op_rr(uint8_t* p, uint8_t prefix, bool w, uint16_t opcode, uint8_t r, uint8_t rm) {
  if (prefix) *p++ = prefix;
  p = rex(p, w, r, kNoIndex, rm);
  if (opcode > 0xFF) *p++ = uint8_t(opcode >> 8);
  *p++ = uint8_t(opcode);
  *p++ = uint8_t(0xC0 | ((r & 7) << 3) | (rm & 7));
  return p;
}
inline uint8_t* op_rm(uint8_t* p, uint8_t prefix, bool w, uint16_t opcode, uint8_t r, const Mem& m,
                      bool byte_regs = false) {
  if (prefix) *p++ = prefix;
  p = rex_mem(p, w, r, m, byte_regs);
  if (opcode > 0xFF) *p++ = uint8_t(opcode >> 8);
  *p++ = uint8_t(opcode);
  return modrm_mem(p, r, m);
}

// ---- moves
// mov dst, src
inline uint8_t* mov_rr(uint8_t* p, bool w64, uint8_t dst, uint8_t src) { return op_rr(p, 0, w64, 0x89, src, dst); }
// mov dst, [m]
inline uint8_t* load(uint8_t* p, bool w64, uint8_t dst, const Mem& m) { return op_rm(p, 0, w64, 0x8B, dst, m); }
// mov [m], src
inline uint8_t* store(uint8_t* p, bool w64, const Mem& m, uint8_t src) { return op_rm(p, 0, w64, 0x89, src, m); }
// mov qword/dword [m], imm (sign-extended to 64 bits for a qword)
inline uint8_t* store_imm(uint8_t* p, bool w64, const Mem& m, int32_t imm) {
  return imm32(op_rm(p, 0, w64, 0xC7, 0, m), imm);
}
// mov dst32, imm (zero-extends to 64 bits)
inline uint8_t* mov_imm32(uint8_t* p, uint8_t dst, uint32_t imm) {
  p = rex(p, false, 0, kNoIndex, dst);
  *p++ = uint8_t(0xB8 | (dst & 7));
  return imm32(p, int32_t(imm));
}
// lea dst, [m]
inline uint8_t* lea(uint8_t* p, bool w64, uint8_t dst, const Mem& m) { return op_rm(p, 0, w64, 0x8D, dst, m); }

// Narrow and extending loads and stores of linear memory.
// movzx/movsx dst, byte/word [m]: 0x0FB6 / 0x0FB7 / 0x0FBE / 0x0FBF.
inline uint8_t* load_ext(uint8_t* p, bool w64, uint16_t opcode, uint8_t dst, const Mem& m) {
  return op_rm(p, 0, w64, opcode, dst, m);
}
// movsxd dst64, dword [m]
inline uint8_t* load_sx32(uint8_t* p, uint8_t dst, const Mem& m) { return op_rm(p, 0, true, 0x63, dst, m); }
// mov byte [m], src8 (sil/dil/... need a REX)
inline uint8_t* store8(uint8_t* p, const Mem& m, uint8_t src) {
  return op_rm(p, 0, false, 0x88, src, m, src >= 4 && src < 8);
}
// mov word [m], src16
inline uint8_t* store16(uint8_t* p, const Mem& m, uint8_t src) { return op_rm(p, 0x66, false, 0x89, src, m); }

// ---- SSE scalar moves: movss/movsd xmm, [m] (load) or [m], xmm (store)
inline uint8_t* sse_mem(uint8_t* p, bool f64, bool store, uint8_t xmm, const Mem& m) {
  return op_rm(p, f64 ? 0xF2 : 0xF3, false, store ? 0x0F11 : 0x0F10, xmm, m);
}

// ---- integer ALU: add, or, and, sub, xor, cmp (group 1, /digit)
enum class Alu : uint8_t { Add = 0, Or = 1, And = 4, Sub = 5, Xor = 6, Cmp = 7 };
// op dst, src
inline uint8_t* alu_rr(uint8_t* p, Alu op, bool w64, uint8_t dst, uint8_t src) {
  return op_rr(p, 0, w64, uint16_t(uint8_t(op) * 8 + 1), src, dst);
}
// op dst, [m]
inline uint8_t* alu_rm(uint8_t* p, Alu op, bool w64, uint8_t dst, const Mem& m) {
  return op_rm(p, 0, w64, uint16_t(uint8_t(op) * 8 + 3), dst, m);
}
// op dst, imm (imm8 sign-extended when it fits; eax/rax has a short form)
inline uint8_t* alu_ri(uint8_t* p, Alu op, bool w64, uint8_t dst, int32_t imm) {
  if (fits8(imm)) {
    p = op_rr(p, 0, w64, 0x83, uint8_t(op), dst);
    *p++ = uint8_t(int8_t(imm));
    return p;
  }
  if (dst == 0) {
    p = rex(p, w64, 0, kNoIndex, 0);
    *p++ = uint8_t(uint8_t(op) * 8 + 5);
    return imm32(p, imm);
  }
  return imm32(op_rr(p, 0, w64, 0x81, uint8_t(op), dst), imm);
}
// imul dst, src
inline uint8_t* imul_rr(uint8_t* p, bool w64, uint8_t dst, uint8_t src) { return op_rr(p, 0, w64, 0x0FAF, dst, src); }
// imul dst, [m]
inline uint8_t* imul_rm(uint8_t* p, bool w64, uint8_t dst, const Mem& m) { return op_rm(p, 0, w64, 0x0FAF, dst, m); }
// imul dst, src, imm
inline uint8_t* imul_rri(uint8_t* p, bool w64, uint8_t dst, uint8_t src, int32_t imm) {
  if (fits8(imm)) {
    p = op_rr(p, 0, w64, 0x6B, dst, src);
    *p++ = uint8_t(int8_t(imm));
    return p;
  }
  return imm32(op_rr(p, 0, w64, 0x69, dst, src), imm);
}
// test a, b
inline uint8_t* test_rr(uint8_t* p, bool w64, uint8_t a, uint8_t b) { return op_rr(p, 0, w64, 0x85, b, a); }
// ---- stack, calls, unary and shift ops
// push/pop r64
inline uint8_t* push(uint8_t* p, uint8_t r) {
  p = rex(p, false, 0, kNoIndex, r);
  *p++ = uint8_t(0x50 | (r & 7));
  return p;
}
inline uint8_t* pop(uint8_t* p, uint8_t r) {
  p = rex(p, false, 0, kNoIndex, r);
  *p++ = uint8_t(0x58 | (r & 7));
  return p;
}
inline uint8_t* ret(uint8_t* p) {
  *p++ = 0xC3;
  return p;
}
// call qword [m]
inline uint8_t* call_mem(uint8_t* p, const Mem& m) { return op_rm(p, 0, false, 0xFF, 2, m); }
// mov dst64, imm64 (movabs)
inline uint8_t* mov_imm64(uint8_t* p, uint8_t dst, uint64_t imm) {
  p = rex(p, true, 0, kNoIndex, dst);
  *p++ = uint8_t(0xB8 | (dst & 7));
  std::memcpy(p, &imm, 8);
  return p + 8;
}
// mov dst64, imm32 sign-extended
inline uint8_t* mov_imm_sx(uint8_t* p, uint8_t dst, int32_t imm) { return imm32(op_rr(p, 0, true, 0xC7, 0, dst), imm); }
// inc/dec (FF /0, /1), not/neg (F7 /2, /3)
enum class Unary : uint8_t { Inc = 0, Dec = 1, Not = 2, Neg = 3 };
inline uint8_t* unary(uint8_t* p, Unary op, bool w64, uint8_t r) {
  const bool group3 = op == Unary::Not || op == Unary::Neg;
  return op_rr(p, 0, w64, group3 ? 0xF7 : 0xFF, uint8_t(op), r);
}
// rol ror ... sar by an immediate (C1 /n ib; D1 /n when 1) or by cl (D3 /n)
enum class Shift : uint8_t { Rol = 0, Ror = 1, Shl = 4, Shr = 5, Sar = 7 };
inline uint8_t* shift_imm(uint8_t* p, Shift op, bool w64, uint8_t r, uint8_t count) {
  if (count == 1) return op_rr(p, 0, w64, 0xD1, uint8_t(op), r);
  p = op_rr(p, 0, w64, 0xC1, uint8_t(op), r);
  *p++ = count;
  return p;
}
inline uint8_t* shift_cl(uint8_t* p, Shift op, bool w64, uint8_t r) { return op_rr(p, 0, w64, 0xD3, uint8_t(op), r); }
// movaps dst, src
inline uint8_t* movaps(uint8_t* p, uint8_t dst, uint8_t src) { return op_rr(p, 0, false, 0x0F28, dst, src); }

// setcc dst8 (0F 90+cc; spl..dil need a REX)
inline uint8_t* setcc(uint8_t* p, uint8_t cc, uint8_t dst) {
  p = rex(p, false, 0, kNoIndex, dst, dst >= 4 && dst < 8);
  *p++ = 0x0F;
  *p++ = uint8_t(0x90 | (cc & 15));
  *p++ = uint8_t(0xC0 | (dst & 7));
  return p;
}
// movzx dst32, src8 (0F B6 /r)
inline uint8_t* movzx_r8(uint8_t* p, uint8_t dst, uint8_t src) {
  p = rex(p, false, dst, kNoIndex, src, src >= 4 && src < 8);
  *p++ = 0x0F;
  *p++ = 0xB6;
  *p++ = uint8_t(0xC0 | ((dst & 7) << 3) | (src & 7));
  return p;
}
// cmovcc dst, src (0F 40+cc /r)
inline uint8_t* cmov_rr(uint8_t* p, uint8_t cc, bool w64, uint8_t dst, uint8_t src) {
  return op_rr(p, 0, w64, uint16_t(0x0F40 | (cc & 15)), dst, src);
}
// cmp byte [m], imm8 (80 /7 ib)
inline uint8_t* cmp8_mi(uint8_t* p, const Mem& m, int8_t imm) {
  p = op_rm(p, 0, false, 0x80, 7, m);
  *p++ = uint8_t(imm);
  return p;
}

// xor dst32, dst32
inline uint8_t* zero32(uint8_t* p, uint8_t dst) { return alu_rr(p, Alu::Xor, false, dst, dst); }

}  // namespace brisk::jit::x64enc

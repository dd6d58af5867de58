// FastAssembler (src/jit/x64/fast_assembler.h) against plain asmjit, byte
// for byte: each form is emitted by both, over every register, base, index
// (rsp, rbp, r12 and r13 are the special cases of ModRM/SIB), scale,
// displacement size (none, 8 and 32 bits, at their edges) and immediate
// size. The JIT mixes the fast paths with asmjit in one function, so they
// must be the same instructions; and the forms meant to be fast must
// really take the fast path.
#include <gtest/gtest.h>

#include <asmjit/x86.h>

#include <cstdint>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

#include "jit/x64/fast_assembler.h"

namespace brisk::jit {
namespace {

namespace x86 = asmjit::x86;
using asmjit::Imm;
using Bytes = std::vector<uint8_t>;

// A label that memory operands and prefixed jumps may name: FastAssembler's
// own labels are for jumps, binds and tables.
template <typename Asm>
asmjit::Label asmjit_label(Asm& a) {
  if constexpr (std::is_same_v<Asm, FastAssembler>)
    return a.asmjit_label();
  else
    return a.newLabel();
}

template <typename Asm, typename F>
Bytes emit_with(F&& emit, uint64_t* fast = nullptr) {
  asmjit::CodeHolder code;
  code.init(asmjit::Environment(asmjit::Arch::kX64));
  Asm a(&code);
  emit(a);
  if constexpr (std::is_same_v<Asm, FastAssembler>)
    if (fast) *fast = a.fast_count;
  const asmjit::CodeBuffer& b = code.textSection()->buffer();
  return Bytes(b.data(), b.data() + b.size());
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
// Emits one instruction both ways; it must be the same bytes, not empty
// (asmjit accepted it), and fast when {fast} says so.
#define CHECK_FORM(fast, what, ...)                                                  \
  do {                                                                               \
    auto f = [&](auto& a) { a.__VA_ARGS__; };                                        \
    uint64_t n = 0;                                                                  \
    Bytes got = emit_with<FastAssembler>(f, &n), want = emit_with<x86::Assembler>(f); \
    EXPECT_FALSE(want.empty()) << what;                                              \
    EXPECT_EQ(hex(got), hex(want)) << what;                                          \
    EXPECT_EQ(n, (fast) ? 1u : 0u) << "fast path: " << what;                        \
  } while (0)

const int32_t kDisps[] = {0, 8, -8, 127, -128, 128, -129, 4096, INT32_MAX, INT32_MIN};
const int64_t kImms[] = {0, 1, -1, 127, -128, 128, -129, 0x12345678, INT32_MAX, INT32_MIN,
                         int64_t(UINT32_MAX), int64_t(0x80000000u), int64_t(1) << 32, INT64_MIN};

// Every memory operand shape: each base with no index, and each index
// (never rsp) with each scale and a few bases, the special ones among them.
std::vector<x86::Mem> all_mems(uint32_t size) {
  std::vector<x86::Mem> v;
  for (int32_t d : kDisps) {
    for (uint32_t b = 0; b < 16; ++b) v.push_back(x86::ptr(x86::gpq(b), d, size));
    for (uint32_t i = 0; i < 16; ++i)
      if (i != 4)
        for (uint32_t b : {0, 4, 5, 12, 13, 15})
          for (uint32_t s = 0; s < 4; ++s) v.push_back(x86::ptr(x86::gpq(b), x86::gpq(i), s, d, size));
  }
  return v;
}
std::string name(const x86::Mem& m) {
  std::string s = "[r" + std::to_string(m.baseId());
  if (m.hasIndexReg()) s += " + r" + std::to_string(m.indexId()) + "<<" + std::to_string(m.shift());
  return s + " + " + std::to_string(m.offset()) + "]";
}
x86::Gp gp(bool w64, uint32_t r) { return w64 ? x86::Gp(x86::gpq(r)) : x86::Gp(x86::gpd(r)); }
bool fits_i32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }
bool fits_imm(bool w64, int64_t v) { return w64 ? fits_i32(v) : v >= INT32_MIN && v <= int64_t(UINT32_MAX); }

TEST(FastAssembler, RegisterForms) {
  for (bool w : {false, true})
    for (uint32_t d = 0; d < 16; ++d) {
      const x86::Gp rd = gp(w, d);
      const std::string at = " r" + std::to_string(d) + " w64=" + std::to_string(w);
      for (uint32_t s = 0; s < 16; ++s) {
        const x86::Gp rs = gp(w, s);
        const std::string at2 = at + ", r" + std::to_string(s);
        CHECK_FORM(true, "mov" << at2, mov(rd, rs));
        CHECK_FORM(true, "add" << at2, add(rd, rs));
        CHECK_FORM(true, "or" << at2, or_(rd, rs));
        CHECK_FORM(true, "and" << at2, and_(rd, rs));
        CHECK_FORM(true, "sub" << at2, sub(rd, rs));
        CHECK_FORM(true, "xor" << at2, xor_(rd, rs));
        CHECK_FORM(true, "cmp" << at2, cmp(rd, rs));
        CHECK_FORM(true, "test" << at2, test(rd, rs));
        CHECK_FORM(true, "imul" << at2, imul(rd, rs));
        for (int64_t k : kImms)
          if (fits_imm(w, k)) CHECK_FORM(fits_i32(k), "imul" << at2 << ", " << k, imul(rd, rs, Imm(k)));
        CHECK_FORM(true, "movaps xmm" << d << ", xmm" << s, movaps(x86::xmm(d), x86::xmm(s)));
      }
      for (int64_t k : kImms) {
        if (fits_imm(w, k)) {
          CHECK_FORM(true, "add" << at << ", " << k, add(rd, Imm(k)));
          CHECK_FORM(true, "or" << at << ", " << k, or_(rd, Imm(k)));
          CHECK_FORM(true, "and" << at << ", " << k, and_(rd, Imm(k)));
          CHECK_FORM(true, "sub" << at << ", " << k, sub(rd, Imm(k)));
          CHECK_FORM(true, "xor" << at << ", " << k, xor_(rd, Imm(k)));
          CHECK_FORM(true, "cmp" << at << ", " << k, cmp(rd, Imm(k)));
        }
        if (w || fits_imm(false, k)) CHECK_FORM(true, "mov" << at << ", " << k, mov(rd, Imm(k)));
      }
      CHECK_FORM(true, "inc" << at, inc(rd));
      CHECK_FORM(true, "dec" << at, dec(rd));
      CHECK_FORM(true, "not" << at, not_(rd));
      CHECK_FORM(true, "neg" << at, neg(rd));
      for (uint32_t n : {1u, 2u, 5u, 31u, 63u})
        if (n < (w ? 64u : 32u)) {
          CHECK_FORM(true, "shl" << at << ", " << n, shl(rd, Imm(n)));
          CHECK_FORM(true, "shr" << at << ", " << n, shr(rd, Imm(n)));
          CHECK_FORM(true, "sar" << at << ", " << n, sar(rd, Imm(n)));
          CHECK_FORM(true, "rol" << at << ", " << n, rol(rd, Imm(n)));
          CHECK_FORM(true, "ror" << at << ", " << n, ror(rd, Imm(n)));
        }
      CHECK_FORM(true, "shl cl" << at, shl(rd, x86::cl));
      CHECK_FORM(true, "sar cl" << at, sar(rd, x86::cl));
      CHECK_FORM(true, "ror cl" << at, ror(rd, x86::cl));
      if (w) {
        CHECK_FORM(true, "push" << at, push(rd));
        CHECK_FORM(true, "pop" << at, pop(rd));
      }
    }
  CHECK_FORM(true, "ret", ret());
  // Left to asmjit: 8/16-bit registers, and an instruction after a prefix.
  CHECK_FORM(false, "mov al, cl", mov(x86::al, x86::cl));
  CHECK_FORM(false, "add ax, cx", add(x86::ax, x86::cx));
  auto rep = [](auto& a) {
    a.rep().stosq();
    a.mov(x86::rax, x86::rcx);
  };
  EXPECT_EQ(hex(emit_with<FastAssembler>(rep)), hex(emit_with<x86::Assembler>(rep)));
}

TEST(FastAssembler, MemoryForms) {
  for (bool w : {false, true}) {
    const uint32_t size = w ? 8 : 4;
    for (const x86::Mem& m : all_mems(size)) {
      for (uint32_t r = 0; r < 16; ++r) {
        const x86::Gp g = gp(w, r);
        const std::string at = " r" + std::to_string(r) + " w64=" + std::to_string(w) + " " + name(m);
        CHECK_FORM(true, "load" << at, mov(g, m));
        CHECK_FORM(true, "store" << at, mov(m, g));
        CHECK_FORM(true, "lea" << at, lea(g, m));
        CHECK_FORM(true, "add" << at, add(g, m));
        CHECK_FORM(true, "cmp" << at, cmp(g, m));
        CHECK_FORM(true, "imul" << at, imul(g, m));
        x86::Mem b = m.cloneResized(1), h = m.cloneResized(2), d = m.cloneResized(4);
        CHECK_FORM(true, "movzx8" << at, movzx(g, b));
        CHECK_FORM(true, "movzx16" << at, movzx(g, h));
        CHECK_FORM(true, "movsx8" << at, movsx(g, b));
        CHECK_FORM(true, "movsx16" << at, movsx(g, h));
        if (!w) continue;
        CHECK_FORM(true, "movsxd" << at, movsxd(g, d));
        CHECK_FORM(true, "store8" << at, mov(b, x86::gpb(r)));
        CHECK_FORM(true, "store16" << at, mov(h, x86::gpw(r)));
        CHECK_FORM(true, "movsd load" << at, movsd(x86::xmm(r), m));
        CHECK_FORM(true, "movsd store" << at, movsd(m, x86::xmm(r)));
        CHECK_FORM(true, "movss load" << at, movss(x86::xmm(r), d));
        CHECK_FORM(true, "movss store" << at, movss(d, x86::xmm(r)));
      }
      for (int64_t k : kImms)
        if (fits_imm(w, k)) CHECK_FORM(true, "store imm " << k << " w64=" << w << " " << name(m), mov(m, Imm(k)));
      if (w) CHECK_FORM(true, "call " << name(m), call(m));
    }
  }
  // Left to asmjit: RIP-relative and absolute operands, and a byte store
  // from ah..bh.
  asmjit::Label l;
  auto rip = [&](auto& a) {
    l = asmjit_label(a);
    a.bind(l);
    a.mov(x86::rax, x86::ptr(l));
  };
  uint64_t n = 0;
  EXPECT_EQ(hex(emit_with<FastAssembler>(rip, &n)), hex(emit_with<x86::Assembler>(rip)));
  EXPECT_EQ(n, 0u);
  CHECK_FORM(false, "mov [abs], eax", mov(x86::dword_ptr(uint64_t(0x1000)), x86::eax));
  CHECK_FORM(false, "mov [rax], ah", mov(x86::byte_ptr(x86::rax), x86::ah));
}

// The forms the Masm emits by register number (FastAssembler::load_slot,
// mov_rr, load, store, lea, alu_*, setcc, movzx_r8, cmov_rr, cmp8_mi):
// asmjit's bytes for the same
// instruction, always on the fast path.
#define CHECK_DIRECT(what, direct, generic)                                                    \
  do {                                                                                         \
    uint64_t n = 0;                                                                            \
    Bytes got = emit_with<FastAssembler>([&](FastAssembler& a) { a.direct; }, &n);             \
    Bytes want = emit_with<x86::Assembler>([&](x86::Assembler& a) { a.generic; });             \
    EXPECT_EQ(hex(got), hex(want)) << what;                                                    \
    EXPECT_EQ(n, 1u) << "fast path: " << what;                                                 \
  } while (0)

x64enc::Mem enc_mem(const x86::Mem& m) {
  return x64enc::Mem{uint8_t(m.baseId()), m.hasIndexReg() ? uint8_t(m.indexId()) : x64enc::kNoIndex,
                     m.offsetLo32(), uint8_t(m.shift())};
}

TEST(FastAssembler, DirectForms) {
  const x64enc::Alu kAlus[] = {x64enc::Alu::Add, x64enc::Alu::Or,  x64enc::Alu::And,
                               x64enc::Alu::Sub, x64enc::Alu::Xor, x64enc::Alu::Cmp};
  const asmjit::InstId kIds[] = {x86::Inst::kIdAdd, x86::Inst::kIdOr,  x86::Inst::kIdAnd,
                                 x86::Inst::kIdSub, x86::Inst::kIdXor, x86::Inst::kIdCmp};
  for (bool w : {false, true})
    for (uint8_t d = 0; d < 16; ++d) {
      const std::string at = " r" + std::to_string(d) + " w64=" + std::to_string(w);
      for (int32_t off : kDisps) {
        CHECK_DIRECT("load_slot" << at << " " << off, load_slot(w, d, off), mov(gp(w, d), x86::ptr(x86::r12, off)));
        CHECK_DIRECT("store_slot" << at << " " << off, store_slot(w, off, d), mov(x86::ptr(x86::r12, off), gp(w, d)));
      }
      if (!w) {
        for (uint8_t c = 0; c < 16; ++c) {
          const auto cc = x86::CondCode(c);
          CHECK_DIRECT("setcc " << int(c) << at, setcc(cc, d), set(cc, x86::gpb(d)));
        }
        for (int32_t off : kDisps)
          for (int8_t k : {int8_t(0), int8_t(-1), int8_t(127)})
            CHECK_DIRECT("cmp8_mi [r" << int(d) << " + " << off << "], " << int(k),
                         cmp8_mi(x64enc::Mem{d, x64enc::kNoIndex, off}, k),
                         cmp(x86::byte_ptr(x86::gpq(d), off), Imm(k)));
      }
      for (uint8_t r = 0; r < 16; ++r) {
        CHECK_DIRECT("mov_rr" << at << ", r" << int(r), mov_rr(w, d, r), mov(gp(w, d), gp(w, r)));
        if (!w) CHECK_DIRECT("movzx_r8 r" << int(d) << ", r" << int(r) << "b", movzx_r8(d, r), movzx(x86::gpd(d), x86::gpb(r)));
        for (uint8_t c = 0; c < 16; ++c) {
          const auto cc = x86::CondCode(c);
          CHECK_DIRECT("cmov " << int(c) << at << ", r" << int(r), cmov_rr(cc, w, d, r), cmov(cc, gp(w, d), gp(w, r)));
        }
        for (size_t k = 0; k < 6; ++k)
          CHECK_DIRECT("alu_rr " << k << at << ", r" << int(r), alu_rr(kAlus[k], w, d, r),
                       emit(kIds[k], gp(w, d), gp(w, r)));
      }
      for (int64_t imm : kImms)
        if (fits_i32(imm))
          for (size_t k = 0; k < 6; ++k)
            CHECK_DIRECT("alu_ri " << k << at << ", " << imm, alu_ri(kAlus[k], w, d, int32_t(imm)),
                         emit(kIds[k], gp(w, d), Imm(imm)));
      for (const x86::Mem& m : all_mems(w ? 8 : 4)) {
        if (m.offsetLo32() != 0 && m.offsetLo32() != 8 && m.offsetLo32() != 128 && m.offsetLo32() != INT32_MIN) continue;
        const x64enc::Mem e = enc_mem(m);
        const std::string am = at + " " + name(m);
        CHECK_DIRECT("load" << am, load(w, d, e), mov(gp(w, d), m));
        CHECK_DIRECT("store" << am, store(w, e, d), mov(m, gp(w, d)));
        CHECK_DIRECT("lea" << am, lea(w, d, e), lea(gp(w, d), m));
        CHECK_DIRECT("alu_rm add" << am, alu_rm(x64enc::Alu::Add, w, d, e), add(gp(w, d), m));
        CHECK_DIRECT("alu_rm cmp" << am, alu_rm(x64enc::Alu::Cmp, w, d, e), cmp(gp(w, d), m));
      }
    }
}

// Backward and forward jumps, conditional jumps and calls to labels over
// distances around the rel8 limit and beyond, several forward jumps to
// one label (a fixup chain), and one of asmjit's labels, which asmjit
// links as well (a jump after a prefix): the final bytes must be asmjit's.
TEST(FastAssembler, Labels) {
  const uint32_t kDists[] = {0, 1, 50, 120, 122, 123, 124, 125, 126, 127, 128, 129, 130, 200, 1000, 70000};
  const x86::CondCode kConds[] = {x86::CondCode::kA,  x86::CondCode::kAE, x86::CondCode::kB, x86::CondCode::kBE,
                                  x86::CondCode::kE,  x86::CondCode::kNE, x86::CondCode::kL, x86::CondCode::kGE,
                                  x86::CondCode::kLE, x86::CondCode::kG,  x86::CondCode::kP, x86::CondCode::kS};
  for (uint32_t dist : kDists) {
    const std::vector<uint8_t> fill(dist, 0x90);
    uint64_t fast = 0;
    size_t pending_before_bind = 0, pending_after = 1;
    auto seq = [&](auto& a) {
      asmjit::Label back = a.newLabel(), fwd = a.newLabel(), chain = asmjit_label(a);
      a.bind(back);
      a.embed(fill.data(), fill.size());
      a.jmp(back);
      for (x86::CondCode c : kConds) a.j(c, back);
      a.jnz(back);
      a.ja(back);
      a.call(back);
      a.jmp(fwd);
      a.jne(fwd);
      a.call(fwd);
      a.embed(fill.data(), fill.size());
      a.jmp(chain);
      a.short_().jmp(chain);  // asmjit's own link to the same label
      a.jb(chain);
      a.jmp(chain);
      if constexpr (std::is_same_v<std::decay_t<decltype(a)>, FastAssembler>) pending_before_bind = a.pending_fixups();
      a.bind(fwd);
      a.embed(fill.data(), fill.size() % 100);
      a.bind(chain);
      a.jmp(fwd);
      if constexpr (std::is_same_v<std::decay_t<decltype(a)>, FastAssembler>) pending_after = a.pending_fixups();
    };
    const Bytes got = emit_with<FastAssembler>(seq, &fast), want = emit_with<x86::Assembler>(seq);
    EXPECT_EQ(hex(got), hex(want)) << "distance " << dist;
    EXPECT_EQ(fast, 1 + 12 + 2 + 1 + 3 + 3 + 1u) << "distance " << dist;  // all but the short_() jump
    EXPECT_EQ(pending_before_bind, 6u) << "distance " << dist;
    EXPECT_EQ(pending_after, 0u) << "distance " << dist;
  }
}

// Jump-table entries (label - base) to labels bound before and after the
// table, as asmjit writes them.
TEST(FastAssembler, TableEntries) {
  auto seq = [&](auto& a) {
    asmjit::Label before = a.newLabel(), after = a.newLabel(), after2 = a.newLabel(), table = asmjit_label(a);
    a.bind(before);
    a.nop();
    a.lea(x86::r11, x86::ptr(table));
    a.align(asmjit::AlignMode::kData, 4);
    a.bind(table);
    a.embedLabelDelta(before, table, 4);
    a.embedLabelDelta(after, table, 4);
    a.embedLabelDelta(after2, table, 4);
    a.embedLabelDelta(after, table, 4);
    a.bind(after);
    a.nop();
    a.bind(after2);
    a.ret();
  };
  // Linked and relocated as Masm::emit_to does: asmjit patches its
  // forward entries (and the lea) only then.
  auto finished = [&](auto tag) {
    using Asm = typename decltype(tag)::type;
    asmjit::CodeHolder code;
    code.init(asmjit::Environment(asmjit::Arch::kX64));
    Asm a(&code);
    seq(a);
    EXPECT_EQ(code.flatten(), asmjit::kErrorOk);
    EXPECT_EQ(code.resolveUnresolvedLinks(), asmjit::kErrorOk);
    EXPECT_EQ(code.relocateToBase(0x10000), asmjit::kErrorOk);
    Bytes out(code.codeSize());
    EXPECT_EQ(code.copyFlattenedData(out.data(), out.size()), asmjit::kErrorOk);
    if constexpr (std::is_same_v<Asm, FastAssembler>) EXPECT_EQ(a.pending_fixups(), 0u);
    return out;
  };
  EXPECT_EQ(hex(finished(std::type_identity<FastAssembler>{})), hex(finished(std::type_identity<x86::Assembler>{})));
}

// What asmjit cannot take from an own label is an error, not wrong code or
// a crash: a memory operand naming one, a prefixed jump to one, binding one
// twice.
TEST(FastAssembler, OwnLabelMisuseIsAnError) {
  struct Sink : asmjit::ErrorHandler {
    asmjit::Error first = asmjit::kErrorOk;
    void handleError(asmjit::Error err, const char*, asmjit::BaseEmitter*) override {
      if (!first) first = err;
    }
  };
  const std::function<void(FastAssembler&, asmjit::Label)> misuses[] = {
      [](FastAssembler& a, asmjit::Label l) { a.mov(x86::rax, x86::ptr(l)); },
      [](FastAssembler& a, asmjit::Label l) { a.short_().jmp(l); },
      [](FastAssembler& a, asmjit::Label l) {
        a.bind(l);
        a.bind(l);
      },
  };
  for (const auto& misuse : misuses) {
    asmjit::CodeHolder code;
    code.init(asmjit::Environment(asmjit::Arch::kX64));
    Sink sink;
    code.setErrorHandler(&sink);
    FastAssembler a(&code);
    const asmjit::Label l = a.newLabel();
    EXPECT_NE(l.id() & FastAssembler::kOwnLabel, 0u);
    misuse(a, l);
    EXPECT_NE(sink.first, asmjit::kErrorOk);
  }
}

}  // namespace
}  // namespace brisk::jit

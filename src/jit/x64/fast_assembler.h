// asmjit's x86 assembler with hand-encoded fast paths for the forms the JIT
// emits most (encode_x64.h): register and memory moves, the integer ALU,
// lea, imul, extending loads, scalar SSE moves, push/pop, shifts. asmjit's
// generic encoder spends some 300 instructions on each (operand
// signatures, instruction tables), a quarter of the compile time; these
// write their bytes directly where asmjit would (its buffer pointer and
// section size advance alike, so labels, Masm::mark/rewind and relocation
// see no difference). Every other form and an instruction with a prefix
// pending (rep, ...) go to asmjit. Labels are this class's own (see
// newLabel), and jumps and calls to labels are fast too: a backward one is
// encoded at once (rel8 when it reaches, as asmjit does), a forward one as
// rel32 whose field chains to the label's previous pending fixup, all
// patched when the label is bound (bind, an override of asmjit's), with no
// asmjit link records. The methods are out of line
// (fast_assembler.cc): inlined at every Masm call site they cost more in
// binary size than they save. The bytes are asmjit's own:
// tests/x64/fast_assembler_test.cc emits every form both ways over every
// register, base, index, scale, displacement and immediate size.
#pragma once

#include <asmjit/x86.h>

#include <cstdint>
#include <vector>

#include "jit/x64/encode_x64.h"

namespace brisk::jit {

class FastAssembler : public asmjit::x86::Assembler {
  using Base = asmjit::x86::Assembler;
  using Gp = asmjit::x86::Gp;
  using Mem = asmjit::x86::Mem;
  using Xmm = asmjit::x86::Xmm;
  using Imm = asmjit::Imm;
  using Error = asmjit::Error;

 public:
  // Attaches here, not in asmjit's constructor, where this class's
  // onAttach would not run yet.
  explicit FastAssembler(asmjit::CodeHolder* code = nullptr) : Base(nullptr) {
    if (code) code->attach(this);
  }
  using Base::add;
  using Base::bind;
  using Base::j;
  using Base::ja;
  using Base::jae;
  using Base::jb;
  using Base::jbe;
  using Base::je;
  using Base::jmp;
  using Base::jnc;
  using Base::jne;
  using Base::jnz;
  using Base::jp;
  using Base::js;
  using Base::jz;
  using Base::and_;
  using Base::call;
  using Base::cmp;
  using Base::dec;
  using Base::imul;
  using Base::inc;
  using Base::lea;
  using Base::mov;
  using Base::movaps;
  using Base::movsd;
  using Base::movss;
  using Base::movsx;
  using Base::movsxd;
  using Base::movzx;
  using Base::neg;
  using Base::not_;
  using Base::or_;
  using Base::pop;
  using Base::push;
  using Base::ret;
  using Base::rol;
  using Base::ror;
  using Base::sar;
  using Base::shl;
  using Base::shr;
  using Base::sub;
  using Base::test;
  using Base::xor_;

  // Instructions written by the fast paths (tests check which forms take them).
  uint64_t fast_count = 0;
  // The buffer room reserved when attached (most functions fit).
  static constexpr size_t kInitialBuffer = 4096;

  // By register number and x64enc::Mem: the forms the Masm emits most,
  // with no asmjit operands to build and take apart (some 60 instructions
  // of each); a 32- or 64-bit operation by {w64}. Frame slots, [r12 + off],
  // have their own. x64enc::Mem has no rsp index (asmjit_mem converts).
  void load_slot(bool w64, uint8_t dst, int32_t off);
  void store_slot(bool w64, int32_t off, uint8_t src);
  void mov_rr(bool w64, uint8_t dst, uint8_t src);
  void load(bool w64, uint8_t dst, const x64enc::Mem& m);
  void store(bool w64, const x64enc::Mem& m, uint8_t src);
  void lea(bool w64, uint8_t dst, const x64enc::Mem& m);
  void alu_rr(x64enc::Alu op, bool w64, uint8_t dst, uint8_t src);
  void alu_ri(x64enc::Alu op, bool w64, uint8_t dst, int32_t imm);
  void alu_rm(x64enc::Alu op, bool w64, uint8_t dst, const x64enc::Mem& m);
  void setcc(asmjit::x86::CondCode cc, uint8_t dst8);
  void movzx_r8(uint8_t dst32, uint8_t src8);
  void cmov_rr(asmjit::x86::CondCode cc, bool w64, uint8_t dst, uint8_t src);
  void cmp8_mi(const x64enc::Mem& m, int8_t imm);
  static Mem asmjit_mem(const x64enc::Mem& m, uint32_t size);

  // Moves, lea, extending loads (movzx/movsx from a byte or word in
  // memory, movsxd from a dword).
  Error mov(const Gp& d, const Gp& s);
  Error mov(const Gp& d, const Mem& m);
  Error mov(const Mem& m, const Gp& s);
  Error mov(const Gp& d, const Imm& imm);
  Error mov(const Mem& m, const Imm& imm);
  Error lea(const Gp& d, const Mem& m);
  Error movzx(const Gp& d, const Mem& m);
  Error movsx(const Gp& d, const Mem& m);
  Error movsxd(const Gp& d, const Mem& m);
  // Scalar SSE moves.
  Error movss(const Xmm& x, const Mem& m);
  Error movsd(const Xmm& x, const Mem& m);
  Error movss(const Mem& m, const Xmm& x);
  Error movsd(const Mem& m, const Xmm& x);
  Error movaps(const Xmm& d, const Xmm& s);
  // Integer ALU.
#define BRISK_FAST_ALU(name)          \
  Error name(const Gp& d, const Gp& s); \
  Error name(const Gp& d, const Mem& m); \
  Error name(const Gp& d, const Imm& i);
  BRISK_FAST_ALU(add)
  BRISK_FAST_ALU(or_)
  BRISK_FAST_ALU(and_)
  BRISK_FAST_ALU(sub)
  BRISK_FAST_ALU(xor_)
  BRISK_FAST_ALU(cmp)
#undef BRISK_FAST_ALU
  Error test(const Gp& a, const Gp& b);
  Error imul(const Gp& d, const Gp& s);
  Error imul(const Gp& d, const Mem& m);
  Error imul(const Gp& d, const Gp& s, const Imm& imm);
  Error inc(const Gp& r);
  Error dec(const Gp& r);
  Error not_(const Gp& r);
  Error neg(const Gp& r);
  // Shifts and rotates by an immediate or by cl.
#define BRISK_FAST_SHIFT(name)              \
  Error name(const Gp& r, const Imm& n); \
  Error name(const Gp& r, const Gp& cl);
  BRISK_FAST_SHIFT(rol)
  BRISK_FAST_SHIFT(ror)
  BRISK_FAST_SHIFT(shl)
  BRISK_FAST_SHIFT(shr)
  BRISK_FAST_SHIFT(sar)
#undef BRISK_FAST_SHIFT
  // Stack and calls.
  Error push(const Gp& r);
  Error pop(const Gp& r);
  Error ret();
  Error call(const Mem& m);
  // Jumps and calls to labels.
  Error jmp(const asmjit::Label& l);
  Error call(const asmjit::Label& l);
  Error j(asmjit::x86::CondCode cc, const asmjit::Label& l);
#define BRISK_FAST_JCC(name, cc) \
  Error name(const asmjit::Label& l) { return j(asmjit::x86::CondCode::cc, l); }
  BRISK_FAST_JCC(ja, kA)
  BRISK_FAST_JCC(jae, kAE)
  BRISK_FAST_JCC(jb, kB)
  BRISK_FAST_JCC(jbe, kBE)
  BRISK_FAST_JCC(je, kE)
  BRISK_FAST_JCC(jne, kNE)
  BRISK_FAST_JCC(jnc, kNC)
  BRISK_FAST_JCC(jnz, kNZ)
  BRISK_FAST_JCC(jz, kZ)
  BRISK_FAST_JCC(jp, kP)
  BRISK_FAST_JCC(js, kS)
#undef BRISK_FAST_JCC
  // Labels are the assembler's own: an entry in a vector (asmjit zone-
  // allocates and zeroes a LabelEntry per label, and looks it up per jump),
  // with kOwnLabel set in the id. Jumps, calls, bind, embedLabelDelta and
  // label_offset take them; asmjit itself does not (it reports an invalid
  // label, so a use this class misses is an error, not a crash). A memory
  // operand that names a label (RIP-relative constants, a jump table's
  // base) needs one of asmjit's: asmjit_label().
  static constexpr uint32_t kOwnLabel = 0x40000000;
  asmjit::Label newLabel() override;
  asmjit::Label asmjit_label() { return Base::newLabel(); }
  // Binds the label and patches the forward jumps to it.
  Error bind(const asmjit::Label& l) override;
  // The 4-byte {label} - {base} (a jump table's entry); {base} is bound.
  Error embedLabelDelta(const asmjit::Label& label, const asmjit::Label& base, size_t size) override;
  // A bound label's offset in the code.
  uint64_t label_offset(const asmjit::Label& l) const;
  // Forward jumps and table entries whose label is not bound yet
  // (Masm::mark/rewind count them with asmjit's unresolved links; code with
  // any left is not installed).
  size_t pending_fixups() const { return pending_fixups_; }

 protected:
  Error onAttach(asmjit::CodeHolder* code) noexcept override;

 private:
  template <typename Enc>
  bool put(Enc&& enc);
  // No prefix or comment pending, and room for an instruction.
  bool can_put() const {
    return instOptions() == asmjit::InstOptions::kNone && !hasExtraReg() && !inlineComment() &&
           remainingSpace() >= x64enc::kMaxBytes;
  }
  // The instruction written at _bufferPtr ends at {end}.
  void commit(uint8_t* end) {
    _bufferPtr = end;
    asmjit::CodeBuffer& b = _section->_buffer;
    const size_t size = size_t(end - _bufferData);
    if (b._size < size) b._size = size;
    ++fast_count;
  }
  // {short_op}: the rel8 form's opcode (EB, 7x; 0 for none), {long_op}:
  // the rel32 form's (E9, 0F 8x, E8), in one or two bytes.
  bool branch(uint8_t short_op, uint16_t long_op, const asmjit::Label& l);
  // Room for an instruction that cannot go to asmjit instead (a jump to an
  // own label): grows the buffer.
  bool reserve() { return remainingSpace() >= x64enc::kMaxBytes || grow(); }
  [[gnu::noinline, gnu::cold]] bool grow();
  struct OwnLabel {
    int64_t offset = -1;  // bound at, or -1
    int32_t jumps = -1;   // the last pending rel32 field, chained through the fields
    int32_t deltas = -1;  // the last pending table entry (deltas_), chained by next
  };
  struct Delta {
    int32_t field, base, next;
  };
  OwnLabel* own(const asmjit::Label& l) {
    const uint32_t i = l.id() ^ kOwnLabel;  // kInvalidId has the bit set too
    return i < own_.size() ? &own_[i] : nullptr;
  }
  std::vector<OwnLabel> own_;
  std::vector<Delta> deltas_;
  std::vector<int32_t> fixup_head_;  // per asmjit label id: its last pending rel32 field, or -1
  size_t pending_fixups_ = 0;
  bool extend(const Gp& d, const Mem& m, uint16_t opcode);
  bool sse(const Xmm& x, const Mem& m, bool f64, bool store);
  bool alu(x64enc::Alu op, const Gp& d, const Gp& s);
  bool alu(x64enc::Alu op, const Gp& d, const Mem& m);
  bool alu(x64enc::Alu op, const Gp& d, const Imm& imm);
};

// For Masm::mark/rewind and emit_to (masm_core.h has the generic ones).
inline size_t own_links(const FastAssembler& a) { return a.pending_fixups(); }
inline uint64_t label_offset(const FastAssembler& a, const asmjit::CodeHolder&, const asmjit::Label& l) {
  return a.label_offset(l);
}

}  // namespace brisk::jit

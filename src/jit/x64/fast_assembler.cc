// FastAssembler's fast paths (fast_assembler.h).
#include "jit/x64/fast_assembler.h"

#include <algorithm>
#include <cstring>

namespace brisk::jit {

using Gp = asmjit::x86::Gp;
using Mem = asmjit::x86::Mem;
using Xmm = asmjit::x86::Xmm;
using Imm = asmjit::Imm;
using Error = asmjit::Error;
using Base = asmjit::x86::Assembler;

namespace {

Error ok() { return asmjit::kErrorOk; }
uint8_t id(const asmjit::BaseReg& r) { return uint8_t(r.id()); }
Gp gp(bool w64, uint8_t id) { return w64 ? Gp(asmjit::x86::gpq(id)) : Gp(asmjit::x86::gpd(id)); }
bool wide(const Gp& r) { return r.isGpd() || r.isGpq(); }
bool same_w(const Gp& a, const Gp& b) { return wide(a) && a.type() == b.type(); }
bool fits_i32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }
bool fits_u32_or_i32(int64_t v) { return v >= INT32_MIN && v <= int64_t(UINT32_MAX); }
// The immediate of a 32- or 64-bit ALU operation as its sign-extended imm32.
bool imm32(const Gp& d, const Imm& imm, int32_t* out) {
  const int64_t v = imm.value();
  if (d.isGpq() ? !fits_i32(v) : !fits_u32_or_i32(v)) return false;
  *out = int32_t(uint32_t(v));
  return true;
}
// A memory operand of the shape encode_x64.h takes: a 64-bit base
// register, no index or a 64-bit one, no segment, a 32-bit displacement.
// One masked compare of the signature: every load and store comes here.
bool conv(const Mem& m, x64enc::Mem* out) {
  using S = asmjit::OperandSignature;
  constexpr uint32_t kBaseGpq = S::fromMemBaseType(asmjit::RegType::kX86_Gpq).bits();
  constexpr uint32_t kIndexGpq = S::fromMemIndexType(asmjit::RegType::kX86_Gpq).bits();
  constexpr uint32_t kChecked = uint32_t(S::kMemBaseTypeMask) | uint32_t(Mem::kSignatureMemAddrTypeMask) |
                                uint32_t(Mem::kSignatureMemSegmentMask) | uint32_t(Mem::kSignatureMemBroadcastMask);
  const uint32_t sig = m.signature().bits();
  if ((sig & kChecked) != kBaseGpq) return false;
  const uint32_t index = sig & S::kMemIndexTypeMask;
  if (index == 0) {
    out->index = x64enc::kNoIndex;
    out->scale = 0;
  } else {
    if (index != kIndexGpq || m.indexId() == x64enc::kRsp) return false;
    out->index = uint8_t(m.indexId());
    out->scale = uint8_t(m.shift());
  }
  out->base = uint8_t(m.baseId());
  out->disp = m.offsetLo32();  // with a base register the offset is 32-bit
  return true;
}

}  // namespace

template <typename Enc>
bool FastAssembler::put(Enc&& enc) {
  // Near the buffer's end the instruction goes to asmjit, which grows the
  // buffer (onAttach reserves room at the start): no call here keeps the
  // fast paths leaf functions, without register saves.
  if (!can_put()) return false;
  commit(enc(_bufferPtr));
  return true;
}

// ---- moves

static asmjit::InstId alu_inst(x64enc::Alu op) {
  switch (op) {
    case x64enc::Alu::Add: return asmjit::x86::Inst::kIdAdd;
    case x64enc::Alu::Or: return asmjit::x86::Inst::kIdOr;
    case x64enc::Alu::And: return asmjit::x86::Inst::kIdAnd;
    case x64enc::Alu::Sub: return asmjit::x86::Inst::kIdSub;
    case x64enc::Alu::Xor: return asmjit::x86::Inst::kIdXor;
    case x64enc::Alu::Cmp: return asmjit::x86::Inst::kIdCmp;
  }
  return asmjit::x86::Inst::kIdNone;
}

Mem FastAssembler::asmjit_mem(const x64enc::Mem& m, uint32_t size) {
  if (m.index == x64enc::kNoIndex) return Mem(asmjit::x86::gpq(m.base), m.disp, size);
  return Mem(asmjit::x86::gpq(m.base), asmjit::x86::gpq(m.index), m.scale, m.disp, size);
}
void FastAssembler::mov_rr(bool w64, uint8_t dst, uint8_t src) {
  if (!put([&](uint8_t* p) { return x64enc::mov_rr(p, w64, dst, src); })) Base::mov(gp(w64, dst), gp(w64, src));
}
void FastAssembler::load(bool w64, uint8_t dst, const x64enc::Mem& m) {
  if (!put([&](uint8_t* p) { return x64enc::load(p, w64, dst, m); })) Base::mov(gp(w64, dst), asmjit_mem(m, w64 ? 8 : 4));
}
void FastAssembler::store(bool w64, const x64enc::Mem& m, uint8_t src) {
  if (!put([&](uint8_t* p) { return x64enc::store(p, w64, m, src); })) Base::mov(asmjit_mem(m, w64 ? 8 : 4), gp(w64, src));
}
void FastAssembler::lea(bool w64, uint8_t dst, const x64enc::Mem& m) {
  if (!put([&](uint8_t* p) { return x64enc::lea(p, w64, dst, m); })) Base::lea(gp(w64, dst), asmjit_mem(m, 0));
}
void FastAssembler::alu_rr(x64enc::Alu op, bool w64, uint8_t dst, uint8_t src) {
  if (!put([&](uint8_t* p) { return x64enc::alu_rr(p, op, w64, dst, src); }))
    Base::emit(alu_inst(op), gp(w64, dst), gp(w64, src));
}
void FastAssembler::alu_ri(x64enc::Alu op, bool w64, uint8_t dst, int32_t imm) {
  if (!put([&](uint8_t* p) { return x64enc::alu_ri(p, op, w64, dst, imm); }))
    Base::emit(alu_inst(op), gp(w64, dst), Imm(imm));
}
void FastAssembler::alu_rm(x64enc::Alu op, bool w64, uint8_t dst, const x64enc::Mem& m) {
  if (!put([&](uint8_t* p) { return x64enc::alu_rm(p, op, w64, dst, m); }))
    Base::emit(alu_inst(op), gp(w64, dst), asmjit_mem(m, w64 ? 8 : 4));
}
void FastAssembler::setcc(asmjit::x86::CondCode cc, uint8_t dst8) {
  if (!put([&](uint8_t* p) { return x64enc::setcc(p, uint8_t(cc), dst8); })) Base::set(cc, asmjit::x86::gpb(dst8));
}
void FastAssembler::movzx_r8(uint8_t dst32, uint8_t src8) {
  if (!put([&](uint8_t* p) { return x64enc::movzx_r8(p, dst32, src8); }))
    Base::movzx(asmjit::x86::gpd(dst32), asmjit::x86::gpb(src8));
}
void FastAssembler::cmov_rr(asmjit::x86::CondCode cc, bool w64, uint8_t dst, uint8_t src) {
  if (!put([&](uint8_t* p) { return x64enc::cmov_rr(p, uint8_t(cc), w64, dst, src); }))
    Base::cmov(cc, gp(w64, dst), gp(w64, src));
}
void FastAssembler::cmp8_mi(const x64enc::Mem& m, int8_t imm) {
  if (!put([&](uint8_t* p) { return x64enc::cmp8_mi(p, m, imm); })) Base::cmp(asmjit_mem(m, 1), Imm(imm));
}
void FastAssembler::load_slot(bool w64, uint8_t dst, int32_t off) {
  if (put([&](uint8_t* p) { return x64enc::load(p, w64, dst, x64enc::slot(off)); })) return;
  Base::mov(gp(w64, dst), Mem(asmjit::x86::r12, off, w64 ? 8 : 4));
}
void FastAssembler::store_slot(bool w64, int32_t off, uint8_t src) {
  if (put([&](uint8_t* p) { return x64enc::store(p, w64, x64enc::slot(off), src); })) return;
  Base::mov(Mem(asmjit::x86::r12, off, w64 ? 8 : 4), gp(w64, src));
}

Error FastAssembler::mov(const Gp& d, const Gp& s) {
  if (same_w(d, s) && put([&](uint8_t* p) { return x64enc::mov_rr(p, d.isGpq(), id(d), id(s)); })) return ok();
  return Base::mov(d, s);
}
Error FastAssembler::mov(const Gp& d, const Mem& m) {
  x64enc::Mem rm;
  if (wide(d) && conv(m, &rm) && put([&](uint8_t* p) { return x64enc::load(p, d.isGpq(), id(d), rm); }))
    return ok();
  return Base::mov(d, m);
}
Error FastAssembler::mov(const Mem& m, const Gp& s) {
  x64enc::Mem rm;
  if (conv(m, &rm)) {
    if (wide(s) && put([&](uint8_t* p) { return x64enc::store(p, s.isGpq(), rm, id(s)); })) return ok();
    if (s.isGpbLo() && put([&](uint8_t* p) { return x64enc::store8(p, rm, id(s)); })) return ok();
    if (s.isGpw() && put([&](uint8_t* p) { return x64enc::store16(p, rm, id(s)); })) return ok();
  }
  return Base::mov(m, s);
}
// asmjit's choices: a 32-bit register takes the low 32 bits; a 64-bit one
// a sign-extended imm32 when it fits, else the 64-bit immediate.
Error FastAssembler::mov(const Gp& d, const Imm& imm) {
  const int64_t v = imm.value();
  if (d.isGpd() && fits_u32_or_i32(v) && put([&](uint8_t* p) { return x64enc::mov_imm32(p, id(d), uint32_t(v)); }))
    return ok();
  if (d.isGpq() && put([&](uint8_t* p) {
        if (fits_i32(v)) return x64enc::mov_imm_sx(p, id(d), int32_t(v));
        return x64enc::mov_imm64(p, id(d), uint64_t(v));
      }))
    return ok();
  return Base::mov(d, imm);
}
Error FastAssembler::mov(const Mem& m, const Imm& imm) {
  x64enc::Mem rm;
  const int64_t v = imm.value();
  const bool fits = m.size() == 8 ? fits_i32(v) : m.size() == 4 && fits_u32_or_i32(v);
  if (fits && conv(m, &rm) &&
      put([&](uint8_t* p) { return x64enc::store_imm(p, m.size() == 8, rm, int32_t(uint32_t(v))); }))
    return ok();
  return Base::mov(m, imm);
}
Error FastAssembler::lea(const Gp& d, const Mem& m) {
  x64enc::Mem rm;
  if (wide(d) && conv(m, &rm) && put([&](uint8_t* p) { return x64enc::lea(p, d.isGpq(), id(d), rm); })) return ok();
  return Base::lea(d, m);
}
bool FastAssembler::extend(const Gp& d, const Mem& m, uint16_t opcode) {
  x64enc::Mem rm;
  return wide(d) && (m.size() == 1 || m.size() == 2) && conv(m, &rm) &&
         put([&](uint8_t* p) { return x64enc::load_ext(p, d.isGpq(), opcode, id(d), rm); });
}
Error FastAssembler::movzx(const Gp& d, const Mem& m) {
  return extend(d, m, m.size() == 1 ? 0x0FB6 : 0x0FB7) ? ok() : Base::movzx(d, m);
}
Error FastAssembler::movsx(const Gp& d, const Mem& m) {
  return extend(d, m, m.size() == 1 ? 0x0FBE : 0x0FBF) ? ok() : Base::movsx(d, m);
}
Error FastAssembler::movsxd(const Gp& d, const Mem& m) {
  x64enc::Mem rm;
  if (d.isGpq() && m.size() == 4 && conv(m, &rm) && put([&](uint8_t* p) { return x64enc::load_sx32(p, id(d), rm); }))
    return ok();
  return Base::movsxd(d, m);
}

// ---- scalar SSE moves

bool FastAssembler::sse(const Xmm& x, const Mem& m, bool f64, bool store) {
  x64enc::Mem rm;
  return x.isXmm() && conv(m, &rm) && put([&](uint8_t* p) { return x64enc::sse_mem(p, f64, store, id(x), rm); });
}
Error FastAssembler::movss(const Xmm& x, const Mem& m) { return sse(x, m, false, false) ? ok() : Base::movss(x, m); }
Error FastAssembler::movsd(const Xmm& x, const Mem& m) { return sse(x, m, true, false) ? ok() : Base::movsd(x, m); }
Error FastAssembler::movss(const Mem& m, const Xmm& x) { return sse(x, m, false, true) ? ok() : Base::movss(m, x); }
Error FastAssembler::movsd(const Mem& m, const Xmm& x) { return sse(x, m, true, true) ? ok() : Base::movsd(m, x); }
Error FastAssembler::movaps(const Xmm& d, const Xmm& s) {
  if (d.isXmm() && s.isXmm() && put([&](uint8_t* p) { return x64enc::movaps(p, id(d), id(s)); })) return ok();
  return Base::movaps(d, s);
}

// ---- integer ALU

bool FastAssembler::alu(x64enc::Alu op, const Gp& d, const Gp& s) {
  return same_w(d, s) && put([&](uint8_t* p) { return x64enc::alu_rr(p, op, d.isGpq(), id(d), id(s)); });
}
bool FastAssembler::alu(x64enc::Alu op, const Gp& d, const Mem& m) {
  x64enc::Mem rm;
  return wide(d) && conv(m, &rm) && put([&](uint8_t* p) { return x64enc::alu_rm(p, op, d.isGpq(), id(d), rm); });
}
bool FastAssembler::alu(x64enc::Alu op, const Gp& d, const Imm& imm) {
  int32_t k;
  return wide(d) && imm32(d, imm, &k) && put([&](uint8_t* p) { return x64enc::alu_ri(p, op, d.isGpq(), id(d), k); });
}
#define BRISK_FAST_ALU(name, op)                                                                             \
  Error FastAssembler::name(const Gp& d, const Gp& s) { return alu(x64enc::Alu::op, d, s) ? ok() : Base::name(d, s); } \
  Error FastAssembler::name(const Gp& d, const Mem& m) { return alu(x64enc::Alu::op, d, m) ? ok() : Base::name(d, m); } \
  Error FastAssembler::name(const Gp& d, const Imm& i) { return alu(x64enc::Alu::op, d, i) ? ok() : Base::name(d, i); }
BRISK_FAST_ALU(add, Add)
BRISK_FAST_ALU(or_, Or)
BRISK_FAST_ALU(and_, And)
BRISK_FAST_ALU(sub, Sub)
BRISK_FAST_ALU(xor_, Xor)
BRISK_FAST_ALU(cmp, Cmp)
#undef BRISK_FAST_ALU
Error FastAssembler::test(const Gp& a, const Gp& b) {
  if (same_w(a, b) && put([&](uint8_t* p) { return x64enc::test_rr(p, a.isGpq(), id(a), id(b)); })) return ok();
  return Base::test(a, b);
}
Error FastAssembler::imul(const Gp& d, const Gp& s) {
  if (same_w(d, s) && put([&](uint8_t* p) { return x64enc::imul_rr(p, d.isGpq(), id(d), id(s)); })) return ok();
  return Base::imul(d, s);
}
Error FastAssembler::imul(const Gp& d, const Mem& m) {
  x64enc::Mem rm;
  if (wide(d) && conv(m, &rm) && put([&](uint8_t* p) { return x64enc::imul_rm(p, d.isGpq(), id(d), rm); }))
    return ok();
  return Base::imul(d, m);
}
// asmjit takes a 32-bit multiplier above INT32_MAX as it is (no imm8).
Error FastAssembler::imul(const Gp& d, const Gp& s, const Imm& imm) {
  const int64_t v = imm.value();
  if (same_w(d, s) && fits_i32(v) &&
      put([&](uint8_t* p) { return x64enc::imul_rri(p, d.isGpq(), id(d), id(s), int32_t(v)); }))
    return ok();
  return Base::imul(d, s, imm);
}
#define BRISK_FAST_UNARY(name, op)                                                                           \
  Error FastAssembler::name(const Gp& r) {                                                                   \
    if (wide(r) && put([&](uint8_t* p) { return x64enc::unary(p, x64enc::Unary::op, r.isGpq(), id(r)); })) \
      return ok();                                                                                           \
    return Base::name(r);                                                                                    \
  }
BRISK_FAST_UNARY(inc, Inc)
BRISK_FAST_UNARY(dec, Dec)
BRISK_FAST_UNARY(not_, Not)
BRISK_FAST_UNARY(neg, Neg)
#undef BRISK_FAST_UNARY
#define BRISK_FAST_SHIFT(name, op)                                                                               \
  Error FastAssembler::name(const Gp& r, const Imm& n) {                                                         \
    const int64_t v = n.value();                                                                                 \
    if (wide(r) && v >= 0 && v < (r.isGpq() ? 64 : 32) &&                                                        \
        put([&](uint8_t* p) { return x64enc::shift_imm(p, x64enc::Shift::op, r.isGpq(), id(r), uint8_t(v)); })) \
      return ok();                                                                                               \
    return Base::name(r, n);                                                                                     \
  }                                                                                                              \
  Error FastAssembler::name(const Gp& r, const Gp& cl) {                                                         \
    if (wide(r) && cl.isGpbLo() && cl.id() == 1 &&                                                               \
        put([&](uint8_t* p) { return x64enc::shift_cl(p, x64enc::Shift::op, r.isGpq(), id(r)); }))               \
      return ok();                                                                                               \
    return Base::name(r, cl);                                                                                    \
  }
BRISK_FAST_SHIFT(rol, Rol)
BRISK_FAST_SHIFT(ror, Ror)
BRISK_FAST_SHIFT(shl, Shl)
BRISK_FAST_SHIFT(shr, Shr)
BRISK_FAST_SHIFT(sar, Sar)
#undef BRISK_FAST_SHIFT

// ---- stack and calls

Error FastAssembler::push(const Gp& r) {
  if (r.isGpq() && put([&](uint8_t* p) { return x64enc::push(p, id(r)); })) return ok();
  return Base::push(r);
}
Error FastAssembler::pop(const Gp& r) {
  if (r.isGpq() && put([&](uint8_t* p) { return x64enc::pop(p, id(r)); })) return ok();
  return Base::pop(r);
}
Error FastAssembler::ret() { return put([](uint8_t* p) { return x64enc::ret(p); }) ? ok() : Base::ret(); }
Error FastAssembler::call(const Mem& m) {
  x64enc::Mem rm;
  if ((m.size() == 8 || m.size() == 0) && conv(m, &rm) && put([&](uint8_t* p) { return x64enc::call_mem(p, rm); }))
    return ok();
  return Base::call(m);
}


// ---- labels

Error FastAssembler::onAttach(asmjit::CodeHolder* code) noexcept {
  own_.clear();
  deltas_.clear();
  fixup_head_.clear();
  pending_fixups_ = 0;
  Error err = Base::onAttach(code);
  if (err != asmjit::kErrorOk || !_section) return err;
  // Not yet one of the holder's emitters, whose pointers growing updates.
  asmjit::CodeBuffer& b = _section->_buffer;
  const size_t at = size_t(_bufferPtr - _bufferData);
  if ((err = _code->growBuffer(&b, kInitialBuffer)) != asmjit::kErrorOk) return err;
  _bufferData = b.data();
  _bufferEnd = b.data() + b.capacity();
  _bufferPtr = b.data() + at;
  return err;
}

bool FastAssembler::grow() {
  // As asmjit's own encoder does: growing the buffer updates this
  // assembler's pointers into it.
  return _section && _code->growBuffer(&_section->_buffer, x64enc::kMaxBytes) == asmjit::kErrorOk;
}

asmjit::Label FastAssembler::newLabel() {
  own_.emplace_back();
  return asmjit::Label(kOwnLabel | uint32_t(own_.size() - 1));
}

uint64_t FastAssembler::label_offset(const asmjit::Label& l) const {
  const uint32_t i = l.id() ^ kOwnLabel;
  if (i < own_.size()) return uint64_t(own_[i].offset);
  return _code->labelOffsetFromBase(l);
}

bool FastAssembler::branch(uint8_t short_op, uint16_t long_op, const asmjit::Label& l) {
  // asmjit encodes after a prefix (short_, ...) and reports an invalid label.
  if (instOptions() != asmjit::InstOptions::kNone || !_code || !reserve()) return false;
  int64_t target = -1;
  int32_t* chain;
  if (OwnLabel* e = own(l)) {
    target = e->offset;
    chain = &e->jumps;
  } else {
    if (!_code->isLabelValid(l)) return false;
    const uint32_t id = l.id();
    if (_code->isLabelBound(l)) target = int64_t(_code->labelOffset(l));
    if (fixup_head_.size() <= id) fixup_head_.resize(id + 1, -1);
    chain = &fixup_head_[id];
  }
  auto op = [&](uint8_t* p) {
    if (long_op > 0xFF) *p++ = uint8_t(long_op >> 8);
    *p++ = uint8_t(long_op);
    return p;
  };
  if (target >= 0) {
    // Backward: asmjit's choice, rel8 when it reaches.
    return put([&](uint8_t* p) {
      const int64_t rel8 = target - (int64_t(p - _bufferData) + 2);
      if (short_op && rel8 >= -128 && rel8 <= 127) {
        *p++ = short_op;
        *p++ = uint8_t(int8_t(rel8));
        return p;
      }
      p = op(p);
      return x64enc::imm32(p, int32_t(target - (int64_t(p - _bufferData) + 4)));
    });
  }
  int32_t field = -1;
  if (!put([&](uint8_t* p) {
        p = op(p);
        field = int32_t(p - _bufferData);
        return x64enc::imm32(p, *chain);  // the chain to the previous fixup
      }))
    return false;
  *chain = field;
  ++pending_fixups_;
  return true;
}

Error FastAssembler::bind(const asmjit::Label& l) {
  int64_t target;
  int32_t* chain;
  if (OwnLabel* e = own(l)) {
    if (e->offset >= 0) return reportError(asmjit::kErrorLabelAlreadyBound);
    target = e->offset = int64_t(offset());
    chain = &e->jumps;
    for (int32_t d = e->deltas; d >= 0; d = deltas_[d].next) {
      const int32_t v = int32_t(target - deltas_[d].base);
      std::memcpy(_bufferData + deltas_[d].field, &v, 4);
      --pending_fixups_;
    }
    e->deltas = -1;
  } else {
    Error err = Base::bind(l);
    if (err != asmjit::kErrorOk || l.id() >= fixup_head_.size()) return err;
    target = int64_t(_code->labelOffset(l));
    chain = &fixup_head_[l.id()];
  }
  for (int32_t field = *chain; field >= 0;) {
    uint8_t* at = _bufferData + field;
    int32_t next;
    std::memcpy(&next, at, 4);
    const int32_t rel = int32_t(target - (int64_t(field) + 4));
    std::memcpy(at, &rel, 4);
    field = next;
    --pending_fixups_;
  }
  *chain = -1;
  return asmjit::kErrorOk;
}

Error FastAssembler::embedLabelDelta(const asmjit::Label& label, const asmjit::Label& base, size_t size) {
  OwnLabel* e = own(label);
  if (!e && !own(base)) return Base::embedLabelDelta(label, base, size);
  const OwnLabel* b = own(base);
  const int64_t base_at = b ? b->offset : _code->isLabelBound(base) ? int64_t(_code->labelOffset(base)) : -1;
  if (!e || size != 4 || base_at < 0) return reportError(asmjit::kErrorInvalidArgument);
  if (!reserve()) return reportError(asmjit::kErrorOutOfMemory);
  const int32_t field = int32_t(offset());
  int32_t v = 0;
  if (e->offset >= 0) {
    v = int32_t(e->offset - base_at);
  } else {
    deltas_.push_back(Delta{field, int32_t(base_at), e->deltas});
    e->deltas = int32_t(deltas_.size() - 1);
    ++pending_fixups_;
  }
  return put([&](uint8_t* p) { return x64enc::imm32(p, v); }) ? asmjit::kErrorOk
                                                               : reportError(asmjit::kErrorInvalidState);
}

Error FastAssembler::jmp(const asmjit::Label& l) { return branch(0xEB, 0xE9, l) ? ok() : Base::jmp(l); }
Error FastAssembler::call(const asmjit::Label& l) { return branch(0, 0xE8, l) ? ok() : Base::call(l); }
Error FastAssembler::j(asmjit::x86::CondCode cc, const asmjit::Label& l) {
  const uint8_t c = uint8_t(cc) & 15;
  return branch(uint8_t(0x70 | c), uint16_t(0x0F80 | c), l) ? ok() : Base::j(cc, l);
}

}  // namespace brisk::jit

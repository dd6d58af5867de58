// AArch64 implementation of the macro-assembler (masm.h) on
// asmjit::a64::Assembler, AAPCS64 ABI (Linux; see the note on macOS below).
//
// Reserved registers: x19 = ExecContext*, x20 = wasm frame pointer,
// x21 = linear-memory base, x22 = linear-memory size (explicit bounds),
// x16/x17 = scratch (also the ABI's intra-procedure-call registers),
// x15 = scratch for frame-slot addresses, v30/v31 = float scratch,
// w23 = call depth (a copy of ExecContext::depth, which every change also
// stores). x18 (platform register) is never touched. The pools are the
// caller-saved x0-x14, v0-v7 and v16-v29; x24-x28 are homes of hot locals
// (RegInfo::gp_saved_homes): the internal entry pushes the ones a function
// uses, every return pops them. In a store that consumes fuel x24 holds the
// remaining fuel instead (masm.h, use_fuel_register; saved by the external
// entry then).
//
// Fast calls (masm.h, prologue): the caller points x20 at the callee's
// frame, puts the callee's Function* in x2 and its own (the caller's, for
// the callee's frame record) in x3, and branches with link to its
// internal entry (bl to itself, else blr through Function::fast_entry);
// x19-x23 stay as they are. The callee pushes x30 and its caller's
// Function* (16 bytes: sp stays aligned), returns the TrapKind in w0 and
// leaves x19-x23 as it found them; the caller moves x20 back. The external
// entry saves x19-x23 with the frame record x29/x30 and calls the internal
// one.
//
// What the encoder cannot take directly is handled here: immediates that
// are not valid add/sub (12-bit, optionally shifted) or logical (bitmask)
// immediates are built with movz/movn/movk; slot offsets outside the
// scaled 12-bit range go through x15; memory offsets are added into a
// scratch register. Conditional branches reach +-1 MiB; asmjit reports a
// farther target as an error, and a function that fails to assemble stays
// in the interpreter.
//
// Guard-page traps need nothing arch-specific: the fault handler looks only
// at si_addr and longjmps, so no ucontext register decoding is involved.
// Code memory is written through a second mapping and the instruction cache
// is synchronised in CodeArena::end_write. macOS on Apple silicon would
// instead need MAP_JIT memory and pthread_jit_write_protect_np() around
// writes (a single mapping toggled per thread), plus
// sys_icache_invalidate; x18 is reserved there as well.
#include <cstdlib>
#include <asmjit/arm/a64assembler.h>
#include <asmjit/arm/a64utils.h>
#include <asmjit/core.h>

#include <cstddef>
#include <cstring>
#include <string_view>

#include "interp/interp.h"
#include "jit/jit_runtime.h"
#include "jit/masm.h"
#include "jit/masm_core.h"
#include "jit/masm_shared.h"

namespace brisk::jit {

namespace a64 = asmjit::a64;
using asmjit::Imm;
using asmjit::arm::CondCode;

namespace {

const a64::GpX kCtx = a64::x19;
const a64::GpX kFp = a64::x20;
const a64::GpX kMem = a64::x21;
const a64::GpX kMemSize = a64::x22;
const a64::GpX kT1 = a64::x16;
const a64::GpX kT2 = a64::x17;
const a64::GpX kTA = a64::x15;  // slot addresses only
const a64::VecD kF1 = a64::d30;
const a64::VecD kF2 = a64::d31;
const a64::GpX kDepth = a64::x23;
const a64::GpX kFuel = a64::x24;  // only when Impl::fuel_reg
constexpr uint32_t kFrameBytes = 64;  // x29, x30, x19-x23 and x24 (or a pad)

// Reg codes: 0-30 GP registers x0-x30, 32-63 vector registers v0-v31.
constexpr Reg kFpBase = 32;

a64::GpX gx(Reg r) { return a64::x(r); }
a64::GpW gw(Reg r) { return a64::w(r); }
a64::Gp gpn(W w, Reg r) { return w == W::W64 ? a64::Gp(gx(r)) : a64::Gp(gw(r)); }
a64::Vec fpn(FW w, Reg r) {
  return w == FW::F64 ? a64::Vec(a64::d(r - kFpBase)) : a64::Vec(a64::s(r - kFpBase));
}
a64::Vec fpn(FW w, const a64::VecD& d) { return w == FW::F64 ? a64::Vec(d) : a64::Vec(a64::s(d.id())); }
a64::Gp scratch(W w, const a64::GpX& x) { return w == W::W64 ? a64::Gp(x) : a64::Gp(a64::w(x.id())); }
a64::GpW w_of(const a64::GpX& x) { return a64::w(x.id()); }

CondCode cc(Cond c) {
  switch (c) {
    case Cond::Eq: return CondCode::kEQ;
    case Cond::Ne: return CondCode::kNE;
    case Cond::LtS: return CondCode::kLT;
    case Cond::LtU: return CondCode::kLO;
    case Cond::GtS: return CondCode::kGT;
    case Cond::GtU: return CondCode::kHI;
    case Cond::LeS: return CondCode::kLE;
    case Cond::LeU: return CondCode::kLS;
    case Cond::GeS: return CondCode::kGE;
    case Cond::GeU: return CondCode::kHS;
  }
  return CondCode::kEQ;
}

// After fcmp, an unordered result sets C and V. These conditions are false
// for unordered operands, except Ne, which wasm defines as true for NaN.
CondCode fcc(FCond c) {
  switch (c) {
    case FCond::Eq: return CondCode::kEQ;
    case FCond::Ne: return CondCode::kNE;
    case FCond::Lt: return CondCode::kMI;
    case FCond::Gt: return CondCode::kGT;
    case FCond::Le: return CondCode::kLS;
    case FCond::Ge: return CondCode::kGE;
  }
  return CondCode::kEQ;
}

CondCode invert(CondCode c) { return CondCode(uint8_t(c) ^ 1u); }

bool is_add_imm(uint64_t v) { return v < 4096 || ((v & 0xfff) == 0 && v < (uint64_t(1) << 24)); }


}  // namespace

struct Masm::Impl : MasmCore<a64::Assembler> {
  using MasmCore::MasmCore;

  // --- immediates ---
  // dst = v, in at most four instructions (movz/movn + movk, or orr with a
  // bitmask immediate).
  void mov_imm(W w, const a64::GpX& dst, uint64_t v) {
    const unsigned halves = w == W::W64 ? 4 : 2;
    if (w == W::W32) v = uint32_t(v);
    a64::Gp d = scratch(w, dst);
    if (v == 0) {
      a.mov(d, w == W::W64 ? a64::Gp(a64::xzr) : a64::Gp(a64::wzr));
      return;
    }
    unsigned zeros = 0, ones = 0;
    for (unsigned i = 0; i < halves; ++i) {
      uint64_t h = (v >> (16 * i)) & 0xffff;
      zeros += h == 0;
      ones += h == 0xffff;
    }
    if (halves - zeros > 2 && halves - ones > 2 &&
        a64::Utils::isLogicalImm(v, w == W::W64 ? 64 : 32)) {
      a.orr(d, w == W::W64 ? a64::Gp(a64::xzr) : a64::Gp(a64::wzr), Imm(v));
      return;
    }
    const bool inverted = ones > zeros;
    const uint64_t skip = inverted ? 0xffff : 0;
    bool first = true;
    for (unsigned i = 0; i < halves; ++i) {
      uint64_t h = (v >> (16 * i)) & 0xffff;
      if (h == skip) continue;
      if (first) {
        if (inverted) a.movn(d, Imm(~h & 0xffff), Imm(16 * i));
        else a.movz(d, Imm(h), Imm(16 * i));
        first = false;
      } else {
        a.movk(d, Imm(h), Imm(16 * i));
      }
    }
    if (first) {  // every half equals skip: all ones
      a.movn(d, Imm(0), Imm(0));
    }
  }
  void mov_ptr(const a64::GpX& dst, const void* p) { mov_imm(W::W64, dst, reinterpret_cast<uint64_t>(p)); }
  // dst = src + imm (64-bit); dst may equal src. Uses x15 when imm is large.
  void add_imm(const a64::GpX& dst, const a64::GpX& src, int64_t imm) {
    if (imm >= 0 && is_add_imm(uint64_t(imm))) {
      if (imm == 0) {
        if (dst.id() != src.id()) a.mov(dst, src);
      } else if (imm < 4096) {
        a.add(dst, src, Imm(imm));
      } else {
        a.add(dst, src, Imm(imm >> 12), Imm(12));
      }
      return;
    }
    if (imm < 0 && is_add_imm(uint64_t(-imm))) {
      uint64_t n = uint64_t(-imm);
      n < 4096 ? a.sub(dst, src, Imm(n)) : a.sub(dst, src, Imm(n >> 12), Imm(12));
      return;
    }
    const a64::GpX t = dst.id() == src.id() || dst.id() == a64::Gp::kIdSp ? kTA : dst;
    mov_imm(W::W64, t, uint64_t(imm));
    a.add(dst, src, t);
  }
  // cmp lhs, rhs for an immediate rhs of width w.
  void cmp_imm(W w, const a64::Gp& lhs, int64_t rhs) {
    uint64_t v = w == W::W64 ? uint64_t(rhs) : uint32_t(rhs);
    uint64_t neg = w == W::W64 ? uint64_t(-rhs) : uint32_t(-uint32_t(rhs));
    // asmjit rejects cmp/cmn with a shifted immediate ("cmp w1, 16, 12"):
    // those are subs/adds to the zero register, which it encodes.
    const a64::Gp zr = w == W::W64 ? a64::Gp(a64::xzr) : a64::Gp(a64::wzr);
    if (is_add_imm(v)) {
      v < 4096 ? a.cmp(lhs, Imm(v)) : a.subs(zr, lhs, Imm(v >> 12), Imm(12));
    } else if (is_add_imm(neg)) {
      neg < 4096 ? a.cmn(lhs, Imm(neg)) : a.adds(zr, lhs, Imm(neg >> 12), Imm(12));
    } else {
      mov_imm(w, kT2, v);
      a.cmp(lhs, scratch(w, kT2));
    }
  }

  // --- addressing ---
  // [base + off] for an access of {size} bytes, through x15 when the offset
  // is not encodable as a scaled unsigned 12-bit immediate.
  a64::Mem mem_at(const a64::GpX& base, int64_t off, uint32_t size) {
    if (off >= 0 && off % size == 0 && off / size < 4096) return a64::ptr(base, int32_t(off));
    if (off >= -256 && off < 256) return a64::ptr(base, int32_t(off));  // ldur/stur
    add_imm(kTA, base, off);
    return a64::ptr(kTA);
  }
  a64::Mem slot(int32_t off, uint32_t size = 8) { return mem_at(kFp, off, size); }
  a64::Mem ctx_field(size_t off, uint32_t size) { return mem_at(kCtx, int64_t(off), size); }

  // Loads an operand into a GP register of width w.
  void load(W w, const a64::GpX& dst, Opnd s) {
    switch (s.kind) {
      case Opnd::Kind::Reg:
        if (s.reg != dst.id()) a.mov(scratch(w, dst), gpn(w, s.reg));
        break;
      case Opnd::Kind::Imm: mov_imm(w, dst, uint64_t(s.imm)); break;
      case Opnd::Kind::Slot:
        w == W::W64 ? a.ldr(dst, slot(s.slot)) : a.ldr(w_of(dst), slot(s.slot, 4));
        break;
    }
  }
  // A register holding {rhs} (scratch kT1 unless it already is one).
  a64::Gp rhs_reg(W w, Opnd rhs) {
    if (rhs.is_reg()) return gpn(w, rhs.reg);
    load(w, kT1, rhs);
    return scratch(w, kT1);
  }
  void cmp(W w, Reg lhs, Opnd rhs) {
    if (rhs.is_imm()) cmp_imm(w, gpn(w, lhs), rhs.imm);
    else a.cmp(gpn(w, lhs), rhs_reg(w, rhs));
  }

  void fconst(FW w, const a64::Vec& dst, uint64_t bits) {
    if (bits == 0) {
      a.fmov(dst, w == FW::F64 ? a64::Gp(a64::xzr) : a64::Gp(a64::wzr));
      return;
    }
    mov_imm(w == FW::F64 ? W::W64 : W::W32, kT1, bits);
    a.fmov(dst, w == FW::F64 ? a64::Gp(kT1) : a64::Gp(w_of(kT1)));
  }

  // The address of a linear-memory access of {size} bytes at {addr} +
  // {offset}; checks bounds in explicit mode. Uses x16 and x17.
  a64::Mem heap(Reg addr, uint32_t offset, uint32_t size, Label oob) {
    // A guard-page fault longjmps out of the code: the context must hold
    // the fuel charged so far (explicit checks trap through a stub, which
    // stores it).
    if (bounds == BoundsMode::Guard) store_fuel();
    // The address is a zero-extended i32 in a 64-bit register.
    if (bounds == BoundsMode::Explicit) {
      const uint64_t end = uint64_t(offset) + size;
      if (is_add_imm(end)) {
        end < 4096 ? a.add(kT2, gx(addr), Imm(end)) : a.add(kT2, gx(addr), Imm(end >> 12), Imm(12));
      } else {
        mov_imm(W::W64, kT2, end);
        a.add(kT2, kT2, gx(addr));
      }
      a.cmp(kT2, kMemSize);
      a.b(CondCode::kHI, L(oob));
    }
    if (offset == 0) return a64::ptr(kMem, gx(addr));
    if (is_add_imm(offset)) {
      offset < 4096 ? a.add(kT1, gx(addr), Imm(offset)) : a.add(kT1, gx(addr), Imm(offset >> 12), Imm(12));
    } else {
      mov_imm(W::W64, kT1, offset);
      a.add(kT1, kT1, gx(addr));
    }
    return a64::ptr(kMem, kT1);
  }

  // --- frame ---
  // An EntryFn (AAPCS64: x0 = ctx, x1 = fp, x2 = self) that saves the
  // callee-saved registers it uses, sets up the reserved ones and calls
  // the internal entry {target}.
  void c_entry(const asmjit::Label& target, bool result_in_reg) {
    a.stp(a64::x29, a64::x30, a64::ptr_pre(a64::sp, -int32_t(kFrameBytes)));
    a.mov(a64::x29, a64::sp);
    a.stp(a64::x19, a64::x20, a64::ptr(a64::sp, 16));
    a.stp(a64::x21, a64::x22, a64::ptr(a64::sp, 32));
    if (fuel_reg)
      a.stp(kDepth, kFuel, a64::ptr(a64::sp, 48));
    else
      a.str(kDepth, a64::ptr(a64::sp, 48));
    a.mov(kCtx, a64::x0);
    a.mov(kFp, a64::x1);
    a.ldr(w_of(kDepth), ctx_field(offsetof(ExecContext, depth), 4));
    load_memory_registers();
    load_fuel();
    a.ldr(a64::x3, ctx_field(offsetof(ExecContext, cur_func), 8));  // the caller
    a.bl(target);
    store_fuel(true);  // back to the host: the callee charged the register only
    if (result_in_reg) a.str(a64::x1, a64::ptr(kFp));
    if (fuel_reg)
      a.ldp(kDepth, kFuel, a64::ptr(a64::sp, 48));
    else
      a.ldr(kDepth, a64::ptr(a64::sp, 48));
    a.ldp(a64::x21, a64::x22, a64::ptr(a64::sp, 32));
    a.ldp(a64::x19, a64::x20, a64::ptr(a64::sp, 16));
    a.ldp(a64::x29, a64::x30, a64::ptr_post(a64::sp, int32_t(kFrameBytes)));
    a.ret(a64::x30);
  }
  // The first instructions of an internal entry (fast entry or OSR): push
  // the link register and the caller's Function* (x3, which every caller
  // sets: JIT code from an immediate, the external entry from
  // ExecContext::cur_func; not loaded here, which chained every call's
  // entry to the previous return's store of cur_func), popped again by the
  // epilogue.
  // Before them, the saved homes (masm.h, use_saved_homes) in pairs.
  void enter_internal() {
    for (uint8_t i = 0; i < num_saved_homes; i += 2) {
      const a64::GpX second = i + 1 < num_saved_homes ? gx(saved_homes[i + 1]) : a64::xzr;
      a.stp(gx(saved_homes[i]), second, a64::ptr_pre(a64::sp, -16));
    }
    a.stp(a64::x30, a64::x3, a64::ptr_pre(a64::sp, -16));
  }
  // After x30 and the caller's Function* are popped: restores the saved homes.
  void restore_saved_homes() {
    if (num_saved_homes == 0) return;
    uint8_t i = uint8_t((num_saved_homes - 1) & ~1u);
    for (;; i -= 2) {
      if (i + 1 < num_saved_homes)
        a.ldp(gx(saved_homes[i]), gx(saved_homes[i + 1]), a64::ptr_post(a64::sp, 16));
      else
        a.ldr(gx(saved_homes[i]), a64::ptr_post(a64::sp, 16));
      if (i == 0) break;
    }
  }
  // frames[depth] = {-, -, caller (x3)}; depth++. Stores only: the depth
  // is in w23 (zero-extended in x23). (Only func of a JIT-pushed record is
  // ever read; interp.h.) cur_func = self is stored before (set_cur_func).
  void push_frame_record() {
    static_assert(sizeof(CallFrame) == 24);
    a.ldr(kT1, ctx_field(offsetof(ExecContext, frames), 8));
    a.add(kT2, kDepth, kDepth, asmjit::arm::lsl(1));  // depth * 3
    a.add(kT1, kT1, kT2, asmjit::arm::lsl(3));        // frames + depth * 24
    a.str(a64::x3, a64::ptr(kT1, int32_t(offsetof(CallFrame, func))));
    a.add(w_of(kDepth), w_of(kDepth), Imm(1));
    a.str(w_of(kDepth), ctx_field(offsetof(ExecContext, depth), 4));
  }
  // cur_func = self (x2), ahead of the self entry: a self call leaves
  // cur_func as it is (it already names this function).
  void set_cur_func() { a.str(a64::x2, ctx_field(offsetof(ExecContext, cur_func), 8)); }
  // The fuel register (use_fuel_register) from the context, after anything
  // that may have charged or changed ExecContext::fuel.
  void load_fuel() {
    if (!fuel_reg) return;
    a.ldr(kFuel, ctx_field(offsetof(ExecContext, fuel), 8));
    fuel_dirty = false;
  }
  // The fuel register to the context, before anything else may read it:
  // {always} on cold paths and where the compiler cannot track it.
  void store_fuel(bool always = false) {
    if (!fuel_reg || !(fuel_dirty || always)) return;
    a.str(kFuel, ctx_field(offsetof(ExecContext, fuel), 8));
    fuel_dirty = false;
  }
  void load_memory_registers() {
    if (!memory) return;
    mov_ptr(kMem, memory);
    if (bounds == BoundsMode::Explicit) a.ldr(kMemSize, a64::ptr(kMem, int32_t(offsetof(Memory, size_))));
    a.ldr(kMem, a64::ptr(kMem, int32_t(offsetof(Memory, base_))));
  }
  // Result in w0 is nonzero: a trap is already recorded, leave.
  void check_call_result() { a.cbnz(a64::w0, epilogue); }
};

#include "jit/masm_core.inc"

const RegInfo& Masm::regs() {
  static const RegInfo info = [] {
    RegInfo r;
    for (Reg i = 0; i <= 14; ++i) r.gp_pool.push_back(i);  // x0-x14
    for (Reg i = 0; i <= 7; ++i) r.fp_pool.push_back(Reg(kFpBase + i));
    for (Reg i = 16; i <= 29; ++i) r.fp_pool.push_back(Reg(kFpBase + i));
    // Shifts take the count in any register; division clobbers nothing.
    r.gp_homes = {9, 10, 11, 12, 13, 14};
    r.gp_saved_homes = {24, 25, 26, 27, 28};
    r.fuel = 24;  // x24: with fuel on it is no home
    r.result_gp = 1;  // x1
    for (Reg i = 16; i <= 23; ++i) r.fp_homes.push_back(Reg(kFpBase + i));
    return r;
  }();
  return info;
}
bool Masm::is_fp(Reg r) { return r >= kFpBase; }

// The call adapter (masm.h): a fast call to a function that is not
// compiled. x2 = callee, x20 = its frame, x19 = context, x30 = the return
// address into JIT code. Function::entry is the first member, so [x2] is
// the callee's EntryFn; x19-x23 survive the C call, and w0 carries its
// result back.
static_assert(offsetof(Function, entry) == 0);
extern "C" void brisk_jit_call_adapter_a64();
asm(R"(
  .text
  .p2align 4
  .globl brisk_jit_call_adapter_a64
  .hidden brisk_jit_call_adapter_a64
  .type brisk_jit_call_adapter_a64, %function
brisk_jit_call_adapter_a64:
  stp x29, x30, [sp, #-16]!
  mov x29, sp
  mov x0, x19
  mov x1, x20
  ldr x16, [x2]
  blr x16
  ldr x1, [x20]
  ldp x29, x30, [sp], #16
  ret
  .size brisk_jit_call_adapter_a64, .-brisk_jit_call_adapter_a64
)");
// The same for fuel in x24 (use_fuel_register): the callee reads and
// charges ExecContext::fuel, so x24 goes there before and comes back after.
// The offset is read from memory: it is not known to the assembler.
extern "C" {
extern const uint64_t brisk_jit_fuel_offset_a64 __attribute__((visibility("hidden")));
const uint64_t brisk_jit_fuel_offset_a64 = offsetof(ExecContext, fuel);
}
extern "C" void brisk_jit_call_adapter_fuel_a64();
asm(R"(
  .text
  .p2align 4
  .globl brisk_jit_call_adapter_fuel_a64
  .hidden brisk_jit_call_adapter_fuel_a64
  .type brisk_jit_call_adapter_fuel_a64, %function
brisk_jit_call_adapter_fuel_a64:
  stp x29, x30, [sp, #-16]!
  mov x29, sp
  adrp x16, brisk_jit_fuel_offset_a64
  ldr x16, [x16, #:lo12:brisk_jit_fuel_offset_a64]
  str x24, [x19, x16]
  mov x0, x19
  mov x1, x20
  ldr x16, [x2]
  blr x16
  adrp x16, brisk_jit_fuel_offset_a64
  ldr x16, [x16, #:lo12:brisk_jit_fuel_offset_a64]
  ldr x24, [x19, x16]
  ldr x1, [x20]
  ldp x29, x30, [sp], #16
  ret
  .size brisk_jit_call_adapter_fuel_a64, .-brisk_jit_call_adapter_fuel_a64
)");
void* Masm::call_adapter(bool fuel_register) {
  return fuel_register ? reinterpret_cast<void*>(&brisk_jit_call_adapter_fuel_a64)
                       : reinterpret_cast<void*>(&brisk_jit_call_adapter_a64);
}

// Every AArch64 CPU has what the masm uses (base A64 + FP/AdvSIMD).
bool jit_cpu_supported() { return true; }

// ------------------------------------------------------------ frame

void Masm::prologue(Function* self, uint32_t frame_slots, uint32_t first_local_off, uint32_t end_local_off,
                    Memory* memory, bool result_in_reg, const ArgHome* arg_homes, size_t num_arg_homes) {
  Impl& im = *impl_;
  auto& a = im.a;
  im.self = self;
  im.memory = memory;
  im.has_memory = memory != nullptr;
  im.frame_bytes = frame_slots * 8;
  im.result_in_reg = result_in_reg;
  im.c_entry(im.fast_entry, result_in_reg);
  a.bind(im.fast_entry);
  im.arg_homes.assign(arg_homes, arg_homes + num_arg_homes);
  for (const ArgHome& h : im.arg_homes)
    is_fp(h.reg) ? a.ldr(fpn(FW::F64, h.reg), im.slot(h.slot)) : a.ldr(gx(h.reg), im.slot(h.slot));
  im.set_cur_func();
  a.bind(im.self_entry);
  im.enter_internal();
  // Call depth and value-stack room.
  a.ldr(w_of(kT1), im.ctx_field(offsetof(ExecContext, max_frames), 4));
  a.cmp(w_of(kDepth), w_of(kT1));
  a.b(CondCode::kHS, im.exhausted_noframe);
  im.add_imm(kT1, kFp, int64_t(frame_slots) * 8);
  a.ldr(kT2, im.ctx_field(offsetof(ExecContext, stack_end), 8));
  a.cmp(kT1, kT2);
  a.b(CondCode::kHI, im.exhausted_noframe);
  im.push_frame_record();
  // Native stack and attention in one compare (slow path in finish()).
  a.ldr(kT1, im.ctx_field(offsetof(ExecContext, jit_entry_limit), 8));
  a.mov(kT2, a64::sp);
  a.cmp(kT2, kT1);
  a.b(CondCode::kLO, im.entry_slow);
  a.bind(im.entry_resume);
  // A self call passes the fuel in the register without storing it.
  im.fuel_dirty = im.fuel_reg;
  // Zero the declared locals.
  uint32_t n = (end_local_off - first_local_off) / 8;
  if (n > 0 && n <= 16) {
    uint32_t i = 0;
    for (; i + 2 <= n && first_local_off + 8 * i + 8 < 504; i += 2)
      a.stp(a64::xzr, a64::xzr, a64::ptr(kFp, int32_t(first_local_off + 8 * i)));
    for (; i < n; ++i) a.str(a64::xzr, im.slot(int32_t(first_local_off + 8 * i)));
  } else if (n > 16) {
    // x16 = cursor, x17 = end; n is at least 17, so the loop runs.
    im.add_imm(kT1, kFp, first_local_off);
    im.add_imm(kT2, kFp, end_local_off);
    asmjit::Label loop = a.newLabel();
    a.bind(loop);
    a.str(a64::xzr, a64::ptr_post(kT1, 8));
    a.cmp(kT1, kT2);
    a.b(CondCode::kLO, loop);
  }
}

void Masm::reload_memory() {
  if (!impl_->has_memory || impl_->bounds != BoundsMode::Explicit) return;
  impl_->mov_ptr(kMemSize, impl_->memory);
  impl_->a.ldr(kMemSize, a64::ptr(kMemSize, int32_t(offsetof(Memory, size_))));
}

void Masm::return_ok() {
  // The epilogue inline: a return costs no branch.
  Impl& im = *impl_;
  auto& a = im.a;
  a.mov(a64::w0, a64::wzr);
  a.sub(w_of(kDepth), w_of(kDepth), Imm(1));
  a.str(w_of(kDepth), im.ctx_field(offsetof(ExecContext, depth), 4));
  a.ldp(a64::x30, kT1, a64::ptr_post(a64::sp, 16));
  a.str(kT1, im.ctx_field(offsetof(ExecContext, cur_func), 8));
  im.restore_saved_homes();
  a.ret(a64::x30);
}

void Masm::finish() {
  Impl& im = *impl_;
  auto& a = im.a;
  for (const Impl::OsrStub& st : im.osr_stubs) {
    // An EntryFn adopting the interpreter's frame: no checks, no zeroing.
    asmjit::Label inner = a.newLabel();
    a.bind(st.entry);
    im.c_entry(inner, im.result_in_reg);
    a.bind(inner);
    im.set_cur_func();
    im.enter_internal();
    im.push_frame_record();
    a.b(st.loop);
  }
  for (unsigned k = 0; k < 32; ++k) {
    if (!im.trap_stubs[k].isValid()) continue;
    a.bind(im.trap_stubs[k]);
    im.store_fuel(true);
    a.mov(a64::x0, kCtx);
    a.mov(a64::w1, Imm(k));
    im.mov_ptr(kT1, reinterpret_cast<const void*>(&jit_record_trap));
    a.blr(kT1);
    a.b(im.epilogue);
  }
  // The entry's limit compare failed: the native stack ran out, or the
  // attention flag is set (or both).
  asmjit::Label native_exhausted = a.newLabel();
  a.bind(im.entry_slow);
  a.ldr(kT1, im.ctx_field(offsetof(ExecContext, native_stack_limit), 8));
  a.mov(kT2, a64::sp);
  a.cmp(kT2, kT1);
  a.b(CondCode::kLO, native_exhausted);
  a.ldrb(w_of(kT1), im.ctx_field(offsetof(ExecContext, interrupt), 1));
  a.cbz(w_of(kT1), im.entry_resume);
  im.store_fuel(true);  // a self call does not store it
  // The arguments already in their homes survive the C call on the stack
  // (16 bytes each: sp stays aligned).
  const auto& homes = im.arg_homes;
  const int32_t keep = int32_t(16 * homes.size());
  if (keep) a.sub(a64::sp, a64::sp, Imm(keep));
  for (size_t i = 0; i < homes.size(); ++i) {
    a64::Mem m = a64::ptr(a64::sp, int32_t(16 * i));
    is_fp(homes[i].reg) ? a.str(fpn(FW::F64, homes[i].reg), m) : a.str(gx(homes[i].reg), m);
  }
  a.mov(a64::x0, kCtx);
  a.mov(a64::x1, kFp);
  im.mov_ptr(kT1, reinterpret_cast<const void*>(&jit_check_attention));
  a.blr(kT1);
  for (size_t i = 0; i < homes.size(); ++i) {
    a64::Mem m = a64::ptr(a64::sp, int32_t(16 * i));
    is_fp(homes[i].reg) ? a.ldr(fpn(FW::F64, homes[i].reg), m) : a.ldr(gx(homes[i].reg), m);
  }
  if (keep) a.add(a64::sp, a64::sp, Imm(keep));
  im.load_fuel();  // the host's epoch callback may have added fuel
  a.cbnz(a64::w0, im.epilogue);
  a.b(im.entry_resume);
  // Out of native stack: undo the frame record, trap as before it.
  // (The caller's Function* pushed by the entry back in cur_func.)
  a.bind(native_exhausted);
  a.sub(w_of(kDepth), w_of(kDepth), Imm(1));
  a.str(w_of(kDepth), im.ctx_field(offsetof(ExecContext, depth), 4));
  a.bind(im.exhausted_noframe);
  a.ldr(kT1, a64::ptr(a64::sp, 8));
  a.str(kT1, im.ctx_field(offsetof(ExecContext, cur_func), 8));
  im.store_fuel(true);
  a.mov(a64::x0, kCtx);
  a.mov(a64::w1, Imm(unsigned(TrapKind::StackExhausted)));
  im.mov_ptr(kT1, reinterpret_cast<const void*>(&jit_record_trap_noframe));
  a.blr(kT1);
  a.b(im.epilogue_noframe);

  // Epilogue of the internal entry: w0 holds the result (0 or a TrapKind).
  a.bind(im.epilogue);
  a.sub(w_of(kDepth), w_of(kDepth), Imm(1));
  a.str(w_of(kDepth), im.ctx_field(offsetof(ExecContext, depth), 4));
  a.ldp(a64::x30, kT1, a64::ptr_post(a64::sp, 16));
  a.str(kT1, im.ctx_field(offsetof(ExecContext, cur_func), 8));
  im.restore_saved_homes();
  a.ret(a64::x30);
  a.bind(im.epilogue_noframe);
  a.ldp(a64::x30, kT1, a64::ptr_post(a64::sp, 16));
  im.restore_saved_homes();
  a.ret(a64::x30);
}

// ------------------------------------------------------------ labels

void Masm::jmp(Label l) { impl_->a.b(impl_->L(l)); }
void Masm::br_attention(Label l) {
  auto& a = impl_->a;
  a.ldrb(w_of(kT1), impl_->ctx_field(offsetof(ExecContext, interrupt), 1));
  a.cbnz(w_of(kT1), impl_->L(l));
}
bool Masm::fuel_register_available(BoundsMode) { return true; }
bool Masm::use_fuel_register() {
  impl_->fuel_reg = true;
  return true;
}
void Masm::charge_fuel(uint32_t n) {
  auto& a = impl_->a;
  // In the register (use_fuel_register) the context is updated only where
  // someone else may read it (Impl::store_fuel callers).
  const a64::GpX fuel = impl_->fuel_reg ? kFuel : kT1;
  if (!impl_->fuel_reg) a.ldr(fuel, impl_->ctx_field(offsetof(ExecContext, fuel), 8));
  if (n < 4096) {
    a.subs(fuel, fuel, Imm(n));
  } else {
    impl_->mov_imm(W::W64, kT2, n);
    a.subs(fuel, fuel, kT2);
  }
  if (impl_->fuel_reg)
    impl_->fuel_dirty = true;
  else
    a.str(fuel, impl_->ctx_field(offsetof(ExecContext, fuel), 8));
  a.b(CondCode::kMI, impl_->L(trap_label(TrapKind::OutOfFuel)));
}
void Masm::br_cmp(Cond c, W w, Reg ra, Opnd b, Label l) {
  impl_->cmp(w, ra, b);
  impl_->a.b(cc(c), impl_->L(l));
}
void Masm::br_test(bool nz, W w, Reg r, Label l) {
  auto& a = impl_->a;
  nz ? a.cbnz(gpn(w, r), impl_->L(l)) : a.cbz(gpn(w, r), impl_->L(l));
}
void Masm::br_fcmp(FCond c, FW w, Reg ra, Reg rb, Label l, bool neg) {
  auto& a = impl_->a;
  a.fcmp(fpn(w, ra), fpn(w, rb));
  a.b(neg ? invert(fcc(c)) : fcc(c), impl_->L(l));
}
void Masm::br_table(Reg index, const std::vector<Label>& targets) {
  auto& a = impl_->a;
  const uint32_t n = uint32_t(targets.size());
  asmjit::Label table = a.newLabel();
  // Out of range: a branch to the default (predicted), not a csel on the
  // path to the table load. The i32 index is zero-extended in its X register.
  impl_->cmp_imm(W::W32, gw(index), int64_t(n - 1));
  a.b(CondCode::kHI, impl_->L(targets.back()));
  a.adr(kT2, table);
  a.ldrsw(kT1, a64::ptr(kT2, gx(index), asmjit::arm::lsl(2)));
  a.add(kT1, kT1, kT2);
  a.br(kT1);
  a.align(asmjit::AlignMode::kData, 4);
  a.bind(table);
  for (const Label& t : targets) a.embedLabelDelta(impl_->L(t), table, 4);
}

// ------------------------------------------------------------ moves

void Masm::mov(W w, Reg dst, Opnd src) { impl_->load(w, gx(dst), src); }
void Masm::fmov(FW w, Reg dst, Opnd src) {
  auto& a = impl_->a;
  switch (src.kind) {
    case Opnd::Kind::Reg:
      if (src.reg != dst) a.fmov(fpn(w, dst), fpn(w, src.reg));
      break;
    case Opnd::Kind::Imm: impl_->fconst(w, fpn(w, dst), uint64_t(src.imm)); break;
    case Opnd::Kind::Slot:
      a.ldr(fpn(w, dst), impl_->slot(src.slot, w == FW::F64 ? 8 : 4));
      break;
  }
}
void Masm::store_slot(int32_t off, Opnd src) {
  auto& a = impl_->a;
  if (src.is_reg()) {
    a.str(gx(src.reg), impl_->slot(off));
  } else if (src.is_imm() && src.imm == 0) {
    a.str(a64::xzr, impl_->slot(off));
  } else {
    impl_->load(W::W64, kT1, src);
    a.str(kT1, impl_->slot(off));
  }
}
void Masm::fstore_slot(int32_t off, Reg src, FW w) {
  auto& a = impl_->a;
  if (w == FW::F32) {
    a.fmov(w_of(kT1), fpn(FW::F32, src));  // zero-extends into x16
    a.str(kT1, impl_->slot(off));
  } else {
    a.str(fpn(FW::F64, src), impl_->slot(off));
  }
}
void Masm::copy_slot(int32_t dst, int32_t src) {
  impl_->a.ldr(kT1, impl_->slot(src));
  impl_->a.str(kT1, impl_->slot(dst));
}
void Masm::mov_gp_from_fp(W w, Reg dst, Reg src) {
  impl_->a.fmov(gpn(w, dst), fpn(w == W::W64 ? FW::F64 : FW::F32, src));
}
void Masm::mov_fp_from_gp(FW w, Reg dst, Reg src) {
  impl_->a.fmov(fpn(w, dst), gpn(w == FW::F64 ? W::W64 : W::W32, src));
}

// ------------------------------------------------------------ integer ops

void Masm::alu3(AluOp op, W w, Reg dst, Reg lhs, Opnd rhs) {
  if (dst != lhs) mov(w, dst, Opnd::r(lhs));
  alu(op, w, dst, rhs);
}
void Masm::alu(AluOp op, W w, Reg dst, Opnd rhs) {
  Impl& im = *impl_;
  auto& a = im.a;
  a64::Gp d = gpn(w, dst);
  const unsigned bits = w == W::W64 ? 64 : 32;
  if (rhs.is_imm()) {
    const uint64_t v = w == W::W64 ? uint64_t(rhs.imm) : uint32_t(rhs.imm);
    const uint64_t neg = w == W::W64 ? uint64_t(-rhs.imm) : uint32_t(-uint32_t(rhs.imm));
    if (op == AluOp::Add || op == AluOp::Sub) {
      const bool add = op == AluOp::Add;
      if (is_add_imm(v) || is_add_imm(neg)) {
        const bool flip = !is_add_imm(v);
        const uint64_t k = flip ? neg : v;
        const bool do_add = add != flip;
        if (k < 4096) do_add ? a.add(d, d, Imm(k)) : a.sub(d, d, Imm(k));
        else do_add ? a.add(d, d, Imm(k >> 12), Imm(12)) : a.sub(d, d, Imm(k >> 12), Imm(12));
        return;
      }
    } else if (op != AluOp::Mul && a64::Utils::isLogicalImm(v, bits)) {
      switch (op) {
        case AluOp::And: a.and_(d, d, Imm(v)); return;
        case AluOp::Or: a.orr(d, d, Imm(v)); return;
        case AluOp::Xor: a.eor(d, d, Imm(v)); return;
        default: break;
      }
    }
  }
  a64::Gp r = im.rhs_reg(w, rhs);
  switch (op) {
    case AluOp::Add: a.add(d, d, r); break;
    case AluOp::Sub: a.sub(d, d, r); break;
    case AluOp::Mul: a.mul(d, d, r); break;
    case AluOp::And: a.and_(d, d, r); break;
    case AluOp::Or: a.orr(d, d, r); break;
    case AluOp::Xor: a.eor(d, d, r); break;
  }
}

void Masm::shift(ShiftOp op, W w, Reg dst, Opnd count) {
  auto& a = impl_->a;
  a64::Gp d = gpn(w, dst);
  const unsigned mask = w == W::W32 ? 31 : 63;
  if (count.is_imm()) {
    unsigned k = unsigned(count.imm) & mask;
    if (k == 0) {
      if (w == W::W32) a.mov(gw(dst), gw(dst));
      return;
    }
    switch (op) {
      case ShiftOp::Shl: a.lsl(d, d, Imm(k)); break;
      case ShiftOp::ShrS: a.asr(d, d, Imm(k)); break;
      case ShiftOp::ShrU: a.lsr(d, d, Imm(k)); break;
      case ShiftOp::Rotl: a.ror(d, d, Imm((mask + 1 - k) & mask)); break;
      case ShiftOp::Rotr: a.ror(d, d, Imm(k)); break;
    }
    return;
  }
  // The variable forms take the count modulo the width, as wasm does.
  a64::Gp c = impl_->rhs_reg(w, count);
  switch (op) {
    case ShiftOp::Shl: a.lsl(d, d, c); break;
    case ShiftOp::ShrS: a.asr(d, d, c); break;
    case ShiftOp::ShrU: a.lsr(d, d, c); break;
    case ShiftOp::Rotl:
      a.neg(scratch(w, kT2), c);
      a.ror(d, d, scratch(w, kT2));
      break;
    case ShiftOp::Rotr: a.ror(d, d, c); break;
  }
}

void Masm::divrem(DivOp op, W w, Reg dst, Reg lhs, Reg rhs, Label div0, Label ovf) {
  Impl& im = *impl_;
  auto& a = im.a;
  a64::Gp l = gpn(w, lhs), r = gpn(w, rhs), d = gpn(w, dst), t = scratch(w, kT1);
  a.cbz(r, im.L(div0));
  switch (op) {
    case DivOp::DivS: {
      // INT_MIN / -1 overflows (sdiv would return INT_MIN).
      asmjit::Label normal = a.newLabel();
      a.cmn(r, Imm(1));
      a.b(CondCode::kNE, normal);
      im.mov_imm(w, kT1, w == W::W64 ? uint64_t(INT64_MIN) : uint64_t(uint32_t(INT32_MIN)));
      a.cmp(l, t);
      a.b(CondCode::kEQ, im.L(ovf));
      a.bind(normal);
      a.sdiv(d, l, r);
      return;
    }
    case DivOp::DivU: a.udiv(d, l, r); return;
    // rem = lhs - (lhs / rhs) * rhs; INT_MIN rem -1 comes out as 0.
    case DivOp::RemS: a.sdiv(t, l, r); a.msub(d, t, r, l); return;
    case DivOp::RemU: a.udiv(t, l, r); a.msub(d, t, r, l); return;
  }
}

void Masm::clz(W w, Reg dst, Reg src) { impl_->a.clz(gpn(w, dst), gpn(w, src)); }
void Masm::ctz(W w, Reg dst, Reg src) {
  impl_->a.rbit(gpn(w, dst), gpn(w, src));
  impl_->a.clz(gpn(w, dst), gpn(w, dst));
}
void Masm::popcnt(W w, Reg dst, Reg src) {
  // No scalar popcount in base A64: count bits per byte in a vector register.
  auto& a = impl_->a;
  a.fmov(fpn(w == W::W64 ? FW::F64 : FW::F32, kF1), gpn(w, src));
  a.cnt(a64::v(kF1.id()).b8(), a64::v(kF1.id()).b8());
  a.addv(a64::v(kF1.id()).b(), a64::v(kF1.id()).b8());
  a.fmov(gw(dst), a64::s(kF1.id()));
}
void Masm::eqz(W w, Reg dst, Reg src) {
  impl_->a.cmp(gpn(w, src), Imm(0));
  impl_->a.cset(gw(dst), Imm(CondCode::kEQ));
}
void Masm::set_cmp(Cond c, W w, Reg dst, Reg ra, Opnd b) {
  impl_->cmp(w, ra, b);
  impl_->a.cset(gw(dst), Imm(cc(c)));
}
void Masm::sign_extend(uint8_t from, W to, Reg dst, Reg src) {
  auto& a = impl_->a;
  // Writing a W register clears the upper half, as i32 values require.
  if (from == 8) a.sxtb(gpn(to, dst), gw(src));
  else if (from == 16) a.sxth(gpn(to, dst), gw(src));
  else a.sxtw(gx(dst), gw(src));
}
void Masm::zero_extend32(Reg dst, Reg src) { impl_->a.mov(gw(dst), gw(src)); }
void Masm::select(W w, Reg dst, Opnd b, Reg cond) {
  Impl& im = *impl_;
  a64::Gp rb = im.rhs_reg(w, b);
  im.a.cmp(gw(cond), Imm(0));
  im.a.csel(gpn(w, dst), gpn(w, dst), rb, Imm(CondCode::kNE));
}
void Masm::select_cmp(Cond c, W cw, Reg ca, Opnd cb, W w, Reg dst, Opnd b) {
  Impl& im = *impl_;
  auto& a = im.a;
  // b in x17, the compare's operand (if not encodable) in x16.
  a64::Gp rb;
  if (b.is_reg()) {
    rb = gpn(w, b.reg);
  } else {
    im.load(w, kT2, b);
    rb = scratch(w, kT2);
  }
  if (cb.is_imm()) {
    const uint64_t v = cw == W::W64 ? uint64_t(cb.imm) : uint32_t(cb.imm);
    const uint64_t neg = cw == W::W64 ? uint64_t(-cb.imm) : uint32_t(-uint32_t(cb.imm));
    if (is_add_imm(v) || is_add_imm(neg)) {
      im.cmp_imm(cw, gpn(cw, ca), cb.imm);
    } else {
      im.mov_imm(cw, kT1, v);
      a.cmp(gpn(cw, ca), scratch(cw, kT1));
    }
  } else {
    a.cmp(gpn(cw, ca), im.rhs_reg(cw, cb));
  }
  a.csel(gpn(w, dst), gpn(w, dst), rb, Imm(cc(c)));
}
void Masm::fselect(FW w, Reg dst, Reg b, Reg cond) {
  impl_->a.cmp(gw(cond), Imm(0));
  impl_->a.fcsel(fpn(w, dst), fpn(w, dst), fpn(w, b), Imm(CondCode::kNE));
}

// ------------------------------------------------------------ floats

void Masm::fbin_const(FBinOp op, FW w, Reg dst, uint64_t bits) {
  impl_->fconst(w, fpn(w, kF1), bits);
  fbin(op, w, dst, Reg(kFpBase + kF1.id()));
}
void Masm::fbin(FBinOp op, FW w, Reg dst, Reg rhs) {
  auto& a = impl_->a;
  a64::Vec d = fpn(w, dst), r = fpn(w, rhs);
  switch (op) {
    case FBinOp::Add: a.fadd(d, d, r); return;
    case FBinOp::Sub: a.fsub(d, d, r); return;
    case FBinOp::Mul: a.fmul(d, d, r); return;
    case FBinOp::Div: a.fdiv(d, d, r); return;
    // fmin/fmax already have wasm's semantics: NaN in, NaN out; -0 < +0.
    case FBinOp::Min: a.fmin(d, d, r); return;
    case FBinOp::Max: a.fmax(d, d, r); return;
    case FBinOp::Copysign: {
      // Insert rhs's sign bit into dst with a bit-select on the sign mask.
      a64::Vec m = fpn(w, kF1);
      a.fmov(m, w == FW::F64 ? a64::Gp(a64::xzr) : a64::Gp(a64::wzr));
      a.fneg(m, m);  // -0.0: only the sign bit set
      a.bit(a64::v(dst - kFpBase).b8(), a64::v(rhs - kFpBase).b8(), a64::v(kF1.id()).b8());
      return;
    }
  }
}

void Masm::fun(FUnOp op, FW w, Reg dst, Reg src) {
  auto& a = impl_->a;
  a64::Vec d = fpn(w, dst), s = fpn(w, src);
  switch (op) {
    case FUnOp::Abs: a.fabs(d, s); return;
    case FUnOp::Neg: a.fneg(d, s); return;
    case FUnOp::Sqrt: a.fsqrt(d, s); return;
    case FUnOp::Ceil: a.frintp(d, s); return;
    case FUnOp::Floor: a.frintm(d, s); return;
    case FUnOp::Trunc: a.frintz(d, s); return;
    case FUnOp::Nearest: a.frintn(d, s); return;
  }
}

void Masm::set_fcmp(FCond c, FW w, Reg dst, Reg ra, Reg rb) {
  impl_->a.fcmp(fpn(w, ra), fpn(w, rb));
  impl_->a.cset(gw(dst), Imm(fcc(c)));
}

void Masm::convert(Op op, Reg dst, Reg src, Label invalid, Label overflow) {
  Impl& im = *impl_;
  auto& a = im.a;
  const Conversion c = conversion_of(op);
  const FW fw = c.f32 ? FW::F32 : FW::F64;
  a64::Gp ireg = c.int64 ? a64::Gp(gx(dst)) : a64::Gp(gw(dst));
  switch (c.kind) {
    case Conversion::Kind::Trunc: {
      // Trapping forms check NaN and range first; then, like trunc_sat,
      // fcvtzs/fcvtzu (which saturate and map NaN to 0) do the work.
      a64::Vec s = fpn(fw, src), k = fpn(fw, kF1);
      TruncRange r = trunc_range(c.int64, c.is_signed, c.f32);
      a.fcmp(s, s);
      a.b(CondCode::kVS, im.L(invalid));
      im.fconst(fw, k, float_bits(r.lo, c.f32));
      a.fcmp(s, k);
      a.b(r.lo_inclusive ? CondCode::kLT : CondCode::kLE, im.L(overflow));
      im.fconst(fw, k, float_bits(r.hi, c.f32));
      a.fcmp(s, k);
      a.b(CondCode::kGE, im.L(overflow));
      c.is_signed ? a.fcvtzs(ireg, s) : a.fcvtzu(ireg, s);
      return;
    }
    case Conversion::Kind::TruncSat:
      c.is_signed ? a.fcvtzs(ireg, fpn(fw, src)) : a.fcvtzu(ireg, fpn(fw, src));
      return;
    case Conversion::Kind::FromInt: {
      a64::Gp s = c.int64 ? a64::Gp(gx(src)) : a64::Gp(gw(src));
      c.is_signed ? a.scvtf(fpn(fw, dst), s) : a.ucvtf(fpn(fw, dst), s);
      return;
    }
    case Conversion::Kind::Demote: a.fcvt(fpn(FW::F32, dst), fpn(FW::F64, src)); return;
    case Conversion::Kind::Promote: a.fcvt(fpn(FW::F64, dst), fpn(FW::F32, src)); return;
    case Conversion::Kind::None: return;
  }
}

// ------------------------------------------------------------ memory

void Masm::load(Op op, Reg dst, Reg addr, uint32_t offset, Label oob) {
  auto& a = impl_->a;
  a64::Mem m = impl_->heap(addr, offset, op_info(op).access_bytes, oob);
  switch (op) {
    case Op::i32_load: a.ldr(gw(dst), m); break;
    case Op::i64_load: a.ldr(gx(dst), m); break;
    case Op::f32_load: a.ldr(fpn(FW::F32, dst), m); break;
    case Op::f64_load: a.ldr(fpn(FW::F64, dst), m); break;
    case Op::i32_load8_s: a.ldrsb(gw(dst), m); break;
    case Op::i32_load8_u: a.ldrb(gw(dst), m); break;
    case Op::i32_load16_s: a.ldrsh(gw(dst), m); break;
    case Op::i32_load16_u: a.ldrh(gw(dst), m); break;
    case Op::i64_load8_s: a.ldrsb(gx(dst), m); break;
    case Op::i64_load8_u: a.ldrb(gw(dst), m); break;
    case Op::i64_load16_s: a.ldrsh(gx(dst), m); break;
    case Op::i64_load16_u: a.ldrh(gw(dst), m); break;
    case Op::i64_load32_s: a.ldrsw(gx(dst), m); break;
    case Op::i64_load32_u: a.ldr(gw(dst), m); break;
    default: break;
  }
}

void Masm::store(Op op, Reg addr, Opnd value, uint32_t offset, Label oob) {
  Impl& im = *impl_;
  auto& a = im.a;
  const uint32_t size = op_info(op).access_bytes;
  a64::Mem m = im.heap(addr, offset, size, oob);  // leaves x17 free
  if (value.is_reg() && is_fp(value.reg)) {
    a.str(fpn(size == 8 ? FW::F64 : FW::F32, value.reg), m);
    return;
  }
  a64::GpX v = a64::xzr;
  if (value.is_reg()) {
    v = gx(value.reg);
  } else if (!(value.is_imm() && value.imm == 0)) {
    im.load(W::W64, kT2, value);
    v = kT2;
  }
  switch (size) {
    case 1: a.strb(w_of(v), m); break;
    case 2: a.strh(w_of(v), m); break;
    case 4: a.str(w_of(v), m); break;
    default: a.str(v, m); break;
  }
}

// ------------------------------------------------------------ globals

void Masm::global_get(Global* g, Reg dst, bool fp, FW fw) {
  auto& a = impl_->a;
  impl_->mov_ptr(kT1, &g->bits);
  if (fp) a.ldr(fpn(fw, dst), a64::ptr(kT1));
  else a.ldr(gx(dst), a64::ptr(kT1));
}
void Masm::global_set(Global* g, Opnd value, bool fp, FW fw) {
  auto& a = impl_->a;
  impl_->mov_ptr(kT1, &g->bits);
  if (fp) {
    if (fw == FW::F32) {
      a.fmov(w_of(kT2), fpn(FW::F32, value.reg));  // zero-extends
      a.str(kT2, a64::ptr(kT1));
    } else {
      a.str(fpn(FW::F64, value.reg), a64::ptr(kT1));
    }
    return;
  }
  if (value.is_reg()) {
    a.str(gx(value.reg), a64::ptr(kT1));
  } else if (value.is_imm() && value.imm == 0) {
    a.str(a64::xzr, a64::ptr(kT1));
  } else {
    impl_->load(W::W64, kT2, value);
    a.str(kT2, a64::ptr(kT1));
  }
}

// ------------------------------------------------------------ calls

void Masm::call_wasm(Function* callee, int32_t argbase, bool fast, bool self) {
  Impl& im = *impl_;
  auto& a = im.a;
  if (!fast) {
    im.store_fuel();
    a.mov(a64::x0, kCtx);
    im.add_imm(a64::x1, kFp, argbase);
    im.mov_ptr(a64::x2, callee);
    a.ldr(kT1, a64::ptr(a64::x2, int32_t(offsetof(Function, entry))));
    a.blr(kT1);
    // Before the trap check: a trap returns through the external entry,
    // which stores the register.
    im.load_fuel();
    im.check_call_result();
    reload_memory();
    return;
  }
  im.add_imm(kFp, kFp, argbase);
  // x2 = the callee, x3 = this function (the caller, for its frame
  // record); a self call needs no x2 (self entry, set_cur_func).
  if (self) {
    im.mov_ptr(a64::x3, callee);
    a.bl(im.self_entry);
  } else {
    im.mov_ptr(a64::x2, callee);
    im.mov_ptr(a64::x3, im.self);
    a.ldr(kT1, a64::ptr(a64::x2, int32_t(offsetof(Function, fast_entry))));
    a.blr(kT1);
  }
  im.add_imm(kFp, kFp, -int64_t(argbase));
  im.check_call_result();
  reload_memory();
  // The callee shares the fuel register (the fuel adapter, call_adapter,
  // stores and reloads it around code that is not compiled).
  im.fuel_dirty = im.fuel_reg;
}

void Masm::call_indirect(Table* table, uint32_t sig_id, Reg index, int32_t argbase, bool result_in_reg) {
  Impl& im = *impl_;
  auto& a = im.a;
  // Inline checks: index in range, non-null entry, signature. The index
  // moves to x15 first: it may live in an argument register.
  a.mov(w_of(kTA), gw(index));
  im.mov_ptr(kT1, table);
  a.ldr(kT2, a64::ptr(kT1, int32_t(offsetof(Table, length_))));
  a.cmp(kTA, kT2);
  a.b(CondCode::kHS, im.L(trap_label(TrapKind::UndefinedElement)));
  a.ldr(kT1, a64::ptr(kT1, int32_t(offsetof(Table, data_))));
  a.ldr(a64::x2, a64::ptr(kT1, kTA, asmjit::arm::lsl(3)));
  a.cbz(a64::x2, im.L(trap_label(TrapKind::UninitializedElement)));
  a.ldr(w_of(kT1), a64::ptr(a64::x2, int32_t(offsetof(Function, sig_id))));
  im.cmp_imm(W::W32, w_of(kT1), int64_t(sig_id));
  a.b(CondCode::kNE, im.L(trap_label(TrapKind::IndirectCallTypeMismatch)));
  // A callee of this instance with a fast entry: the internal convention,
  // as call_wasm (not with the fuel register: the two paths would leave it
  // differently). x4 (a pool register, dead across calls) holds the entry.
  asmjit::Label slow = a.newLabel(), done = a.newLabel();
  const bool fast = !im.fuel_reg && im.self && im.self->instance;
  if (fast) {
    im.mov_ptr(kT1, im.self->instance);
    a.ldr(kT2, a64::ptr(a64::x2, int32_t(offsetof(Function, instance))));
    a.cmp(kT1, kT2);
    a.b(CondCode::kNE, slow);
    a.ldr(a64::x4, a64::ptr(a64::x2, int32_t(offsetof(Function, fast_entry))));
    a.cbz(a64::x4, slow);
    im.add_imm(kFp, kFp, argbase);
    im.mov_ptr(a64::x3, im.self);
    a.blr(a64::x4);
    im.add_imm(kFp, kFp, -int64_t(argbase));
    a.b(done);
  }
  a.bind(slow);
  im.store_fuel();
  a.mov(a64::x0, kCtx);
  im.add_imm(a64::x1, kFp, argbase);
  a.ldr(kT1, a64::ptr(a64::x2, int32_t(offsetof(Function, entry))));
  a.blr(kT1);
  im.load_fuel();
  if (result_in_reg) a.ldr(a64::x1, im.slot(argbase));  // the C ABI returns results in slots
  a.bind(done);
  im.check_call_result();
  reload_memory();
}

void Masm::call_runtime(const void* fn, uint64_t a0, uint64_t a1, uint64_t a2) {
  Impl& im = *impl_;
  auto& a = im.a;
  im.store_fuel();
  a.mov(a64::x0, kCtx);
  a.mov(a64::x1, kFp);
  im.mov_imm(W::W64, a64::x2, a0);
  im.mov_imm(W::W64, a64::x3, a1);
  im.mov_imm(W::W64, a64::x4, a2);
  im.mov_ptr(kT1, fn);
  a.blr(kT1);
  im.load_fuel();
  im.check_call_result();
  reload_memory();
}

#include "jit/a64/masm_a64_simd.inc"

}  // namespace brisk::jit

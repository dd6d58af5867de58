// x86_64 implementation of the macro-assembler (masm.h) on
// asmjit::x86::Assembler, System V ABI.
//
// Reserved registers: rbx = ExecContext*, r12 = wasm frame pointer,
// r13 = linear-memory base, r14 = linear-memory size (explicit bounds),
// ebp = call depth (a copy of ExecContext::depth, which every change also
// stores; kept in a register because a memory copy would chain every call
// and return through a store-to-load dependency), r11 and xmm14/xmm15 =
// scratch (one GP scratch register is enough: every method keeps to it).
// Everything else caller-saved is the allocatable pool. r15 (callee-saved)
// is a home of a hot local (RegInfo::gp_saved_homes), and so is r14 when
// bounds are not explicit (RegInfo::gp_saved_home_guard): the internal
// entry pushes the ones a function uses, every return pops them; in a
// store that consumes fuel r14 holds the remaining fuel instead (masm.h,
// use_fuel_register).
//
// Fast calls (masm.h, prologue): the caller points r12 at the callee's
// frame, puts the callee's Function* in rdx and its own (the caller's,
// for the callee's frame record) in rcx, and calls its internal entry
// (rel32 to itself, else through Function::fast_entry); rbx, rbp and
// r13-r15 stay as they are (a callee saves r14/r15 when it keeps homes there).
// The callee pushes its caller's Function* (which
// also realigns rsp to 16 inside every body, so C calls need no
// adjustment), returns the TrapKind in eax and leaves every reserved
// register as it found it; the caller moves r12 back. The external entry
// saves rbx, rbp and r12-r15 and calls the internal one.
#include <cstdlib>
#include <asmjit/x86.h>

#include <algorithm>
#include <cstddef>
#include <cstring>

#include "interp/interp.h"
#include "jit/jit_runtime.h"
#include "jit/masm.h"
#include "jit/masm_core.h"
#include "jit/masm_shared.h"
#include "jit/x64/fast_assembler.h"

namespace brisk::jit {

namespace x86 = asmjit::x86;
using asmjit::Imm;

namespace {

const x86::Gp kCtx = x86::rbx;
const x86::Gp kFp = x86::r12;
const x86::Gp kMem = x86::r13;
const x86::Gp kMemSize = x86::r14;
const x86::Gp kFuel = x86::r14;  // only when Impl::fuel_reg (never with explicit bounds)
const x86::Gp kT1 = x86::r11;
const x86::Xmm kF1 = x86::xmm14;
const x86::Xmm kF2 = x86::xmm15;

// Reg codes: 0-15 GP registers by hardware id, 16-31 xmm0-15.
constexpr Reg kFpBase = 16;

x86::Gp gp64(Reg r) { return x86::gpq(r); }
x86::Gp gp32(Reg r) { return x86::gpd(r); }
x86::Gp gp8(Reg r) { return x86::gpb(r); }
x86::Gp gp16(Reg r) { return x86::gpw(r); }
x86::Gp gpn(W w, Reg r) { return w == W::W64 ? gp64(r) : gp32(r); }
x86::Xmm xmm(Reg r) { return x86::Xmm(r - kFpBase); }
x86::Mem slot(int32_t off) { return x86::qword_ptr(kFp, off); }

x86::CondCode cc(Cond c) {
  switch (c) {
    case Cond::Eq: return x86::CondCode::kE;
    case Cond::Ne: return x86::CondCode::kNE;
    case Cond::LtS: return x86::CondCode::kL;
    case Cond::LtU: return x86::CondCode::kB;
    case Cond::GtS: return x86::CondCode::kG;
    case Cond::GtU: return x86::CondCode::kA;
    case Cond::LeS: return x86::CondCode::kLE;
    case Cond::LeU: return x86::CondCode::kBE;
    case Cond::GeS: return x86::CondCode::kGE;
    case Cond::GeU: return x86::CondCode::kAE;
  }
  return x86::CondCode::kE;
}

bool fits_i32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }

}  // namespace

struct Masm::Impl : MasmCore<FastAssembler> {
  using MasmCore::MasmCore;

  // Internal entry, after the checks: frames[depth] = {-, -, caller
  // (rcx)}; depth++. Stores only: the depth is in ebp. (Only func of a
  // JIT-pushed record is ever read; interp.h.) cur_func = self is stored
  // before (set_cur_func).
  void push_frame_record() {
    static_assert(sizeof(CallFrame) == 24);
    a.mov(kT1, x86::qword_ptr(kCtx, int32_t(offsetof(ExecContext, frames))));
    a.lea(x86::rax, x86::ptr(x86::rbp, x86::rbp, 1));
    a.mov(x86::qword_ptr(kT1, x86::rax, 3, int32_t(offsetof(CallFrame, func))), x86::rcx);
    a.inc(x86::ebp);
    a.mov(x86::dword_ptr(kCtx, int32_t(offsetof(ExecContext, depth))), x86::ebp);
  }
  // cur_func = self (rdx), ahead of the self entry: a self call leaves
  // cur_func as it is (it already names this function).
  void set_cur_func() { a.mov(x86::qword_ptr(kCtx, int32_t(offsetof(ExecContext, cur_func))), x86::rdx); }
  // The first instructions of an internal entry (fast entry or OSR): push
  // the saved homes (masm.h, use_saved_homes; padded to keep rsp 16-byte
  // aligned in the body) and the caller's Function* (rcx, which every
  // caller sets: JIT code from an immediate, the external entry from
  // ExecContext::cur_func; not loaded here, which chained every call's
  // entry to the previous return's store of cur_func), popped again by
  // every return.
  void enter_internal() {
    for (uint8_t i = 0; i < num_saved_homes; ++i) a.push(gp64(saved_homes[i]));
    if (num_saved_homes % 2) a.push(x86::rax);
    a.push(x86::rcx);
  }
  // After the caller's Function* is popped: restores the saved homes.
  void restore_saved_homes() {
    if (num_saved_homes % 2) a.pop(kT1);
    for (uint8_t i = num_saved_homes; i > 0; --i) a.pop(gp64(saved_homes[i - 1]));
  }
  void dec_depth() {
    a.dec(x86::ebp);
    a.mov(x86::dword_ptr(kCtx, int32_t(offsetof(ExecContext, depth))), x86::ebp);
  }
  // An EntryFn (C ABI: rdi = ctx, rsi = fp, rdx = self) that saves the
  // callee-saved registers, sets up the reserved ones and calls the
  // internal entry {target}.
  void c_entry(const asmjit::Label& target, bool result_in_reg) {
    a.push(x86::rbx);
    a.push(x86::rbp);
    a.push(x86::r12);
    a.push(x86::r13);
    a.push(x86::r14);
    a.push(x86::r15);
    a.sub(x86::rsp, Imm(8));  // 16-byte alignment at the call below
    a.mov(kCtx, x86::rdi);
    a.mov(kFp, x86::rsi);
    a.mov(x86::ebp, x86::dword_ptr(kCtx, int32_t(offsetof(ExecContext, depth))));
    load_memory_registers();
    load_fuel();
    a.mov(x86::rcx, x86::qword_ptr(kCtx, int32_t(offsetof(ExecContext, cur_func))));  // the caller
    a.call(target);
    store_fuel(true);  // back to the host: the callee charged the register only
    if (result_in_reg) a.mov(x86::qword_ptr(kFp), x86::rsi);
    a.add(x86::rsp, Imm(8));
    a.pop(x86::r15);
    a.pop(x86::r14);
    a.pop(x86::r13);
    a.pop(x86::r12);
    a.pop(x86::rbp);
    a.pop(x86::rbx);
    a.ret();
  }
  // The fuel register (use_fuel_register) from the context, after anything
  // that may have charged or changed ExecContext::fuel.
  void load_fuel() {
    if (!fuel_reg) return;
    a.mov(kFuel, x86::qword_ptr(kCtx, int32_t(offsetof(ExecContext, fuel))));
    fuel_dirty = false;
  }
  // The fuel register to the context, before anything else may read it:
  // {always} on cold paths and where the compiler cannot track it.
  void store_fuel(bool always = false) {
    if (!fuel_reg || !(fuel_dirty || always)) return;
    a.mov(x86::qword_ptr(kCtx, int32_t(offsetof(ExecContext, fuel))), kFuel);
    fuel_dirty = false;
  }
  void load_memory_registers() {
    if (!memory) return;
    a.mov(kMem, Imm(reinterpret_cast<uint64_t>(memory)));
    if (bounds == BoundsMode::Explicit) a.mov(kMemSize, x86::qword_ptr(kMem, int32_t(offsetof(Memory, size_))));
    a.mov(kMem, x86::qword_ptr(kMem, int32_t(offsetof(Memory, base_))));
  }

  // Loads an operand into a 64/32-bit GP register (used for scratch).
  void load(W w, const x86::Gp& dst, Opnd s) {
    switch (s.kind) {
      case Opnd::Kind::Reg:
        if (s.reg != dst.id()) a.mov_rr(w == W::W64, uint8_t(dst.id()), s.reg);
        break;
      case Opnd::Kind::Imm:
        if (s.imm == 0) {
          a.xor_(dst.r32(), dst.r32());
        } else if (w == W::W32) {
          a.mov(dst.r32(), Imm(uint32_t(s.imm)));
        } else if (s.imm > 0 && s.imm <= UINT32_MAX) {
          a.mov(dst.r32(), Imm(uint32_t(s.imm)));
        } else {
          a.mov(dst.r64(), Imm(s.imm));
        }
        break;
      case Opnd::Kind::Slot: a.load_slot(w == W::W64, uint8_t(dst.id()), s.slot); break;
    }
  }
  // An x86 source operand for 2-operand instructions (imm must fit in 32
  // bits): emit is called with a Gp, a Mem or an Imm (generic lambdas), so
  // that the assembler's typed fast paths apply.
  template <typename F>
  void with_rhs(W w, Opnd rhs, F&& emit) {
    if (rhs.is_reg()) {
      emit(gpn(w, rhs.reg));
    } else if (rhs.is_slot()) {
      emit(w == W::W64 ? slot(rhs.slot) : x86::dword_ptr(kFp, rhs.slot));
    } else if (w == W::W32 || fits_i32(rhs.imm)) {
      emit(Imm(w == W::W32 ? int32_t(uint32_t(rhs.imm)) : int32_t(rhs.imm)));
    } else {
      a.mov(kT1, Imm(rhs.imm));
      emit(gpn(w, kT1.id()));
    }
  }
  // dst = dst op rhs (add, or, and, sub, xor; cmp sets the flags only):
  // by register number, as with_rhs would emit it.
  void alu_opnd(x64enc::Alu op, W w, Reg dst, Opnd rhs) {
    const bool w64 = w == W::W64;
    if (rhs.is_reg()) {
      a.alu_rr(op, w64, dst, rhs.reg);
    } else if (rhs.is_slot()) {
      a.alu_rm(op, w64, dst, x64enc::slot(rhs.slot));
    } else if (!w64 || fits_i32(rhs.imm)) {
      a.alu_ri(op, w64, dst, w64 ? int32_t(rhs.imm) : int32_t(uint32_t(rhs.imm)));
    } else {
      a.mov(kT1, Imm(rhs.imm));
      a.alu_rr(op, w64, dst, uint8_t(kT1.id()));
    }
  }
  // cmp ra, b
  void cmp(W w, Reg ra, Opnd b) { alu_opnd(x64enc::Alu::Cmp, w, ra, b); }
  void fconst(const x86::Xmm& dst, FW w, uint64_t bits) {
    if (bits == 0) {
      a.xorps(dst, dst);
      return;
    }
    // From the function's constant pool: one load instead of a 64-bit
    // immediate and a GP-to-XMM move, and no scratch register (a bound on
    // the pool keeps its linear lookup cheap).
    if (vconsts.size() < 64) {
      uint8_t b[16] = {};
      std::memcpy(b, &bits, 8);
      x86::Mem m = vconst_mem(b);
      w == FW::F32 ? a.movss(dst, m.cloneResized(4)) : a.movsd(dst, m.cloneResized(8));
      return;
    }
    a.mov(kT1, Imm(int64_t(bits)));
    w == FW::F32 ? a.movd(dst, kT1.r32()) : a.movq(dst, kT1);
  }
  // Effective address of a linear-memory access; checks bounds in explicit mode.
  x86::Mem heap(Reg addr, uint32_t offset, uint32_t size, Label oob, Masm* m) {
    x64enc::Mem hm;
    heap_mem(addr, offset, size, oob, m, &hm);
    return FastAssembler::asmjit_mem(hm, 0);
  }
  // Into {out}: returned by value, the 12 bytes went through memory, stored
  // narrow and loaded wide (a store-forwarding stall per access).
  void heap_mem(Reg addr, uint32_t offset, uint32_t size, Label oob, Masm* m, x64enc::Mem* out) {
    auto set = [out](uint8_t index, int32_t disp) {
      out->base = uint8_t(kMem.id());
      out->index = index;
      out->disp = disp;
      out->scale = 0;
    };
    // A guard-page fault longjmps out of the code: the context must hold
    // the fuel charged so far (explicit checks trap through a stub, which
    // stores it).
    if (bounds == BoundsMode::Guard) store_fuel();
    // The address is a zero-extended i32 in a 64-bit register.
    if (bounds == BoundsMode::Explicit) {
      // addr + offset + size, in 64 bits (no wrap-around): one lea when the
      // constant part fits in a displacement.
      const uint64_t end = uint64_t(offset) + size;
      if (end <= uint64_t(INT32_MAX)) {
        a.lea(true, uint8_t(kT1.id()), x64enc::Mem{addr, x64enc::kNoIndex, int32_t(end)});
      } else {
        a.mov(kT1.r32(), Imm(offset));
        a.add(kT1, gp64(addr));
        a.add(kT1, Imm(size));
      }
      a.alu_rr(x64enc::Alu::Cmp, true, uint8_t(kT1.id()), uint8_t(kMemSize.id()));
      a.ja(L(oob));
      if (offset > INT32_MAX) {  // kT1 is addr + offset + size: take the size back
        a.sub(kT1, Imm(size));
        return set(uint8_t(kT1.id()), 0);
      }
    }
    if (offset <= INT32_MAX) return set(addr, int32_t(offset));
    // The one scratch register holds the address; callers use no other.
    a.mov(kT1.r32(), Imm(offset));
    a.add(kT1, gp64(addr));
    set(uint8_t(kT1.id()), 0);
  }

  // 16-byte constants of inline SIMD code (masm_x64_simd.inc), emitted
  // after the code by finish() and read RIP-relative.
  struct VConst {
    uint8_t bytes[16];
    asmjit::Label label;
  };
  std::vector<VConst> vconsts;
  x86::Mem vconst_mem(const uint8_t bytes[16]);
  void emit_vconsts();
  // The condition flags hold the result of the instruction that ends at
  // {flags_end}: ZF and SF of register {flags_reg} at width {flags_w}
  // (add, sub, and, or, xor set them), so br_test needs no test of it
  // right after (tee-and-branch loops). Labels and rewinds invalidate it.
  size_t flags_end = SIZE_MAX;
  uint32_t flags_binds = 0, flags_rewinds = 0;
  Reg flags_reg = kNoReg;
  W flags_w = W::W32;
  void set_flags(Reg r, W w) {
    flags_end = a.offset();
    flags_binds = binds;
    flags_rewinds = rewinds;
    flags_reg = r;
    flags_w = w;
  }
  bool flags_hold(Reg r, W w) {
    return flags_end == a.offset() && flags_binds == binds && flags_rewinds == rewinds && flags_reg == r &&
           flags_w == w;
  }
  void reset() {
    flags_end = SIZE_MAX;
    vconsts.clear();
    MasmCore::reset();
  }
};

#include "jit/masm_core.inc"

const RegInfo& Masm::regs() {
  static const RegInfo info = [] {
    RegInfo r;
    // rax rcx rdx rsi rdi r8 r9 r10
    r.gp_pool = {0, 1, 2, 6, 7, 8, 9, 10};
    for (Reg i = 0; i < 14; ++i) r.fp_pool.push_back(Reg(kFpBase + i));
    r.shift_count = 1;         // cl
    r.div_clobbers = {0, 2};   // rax, rdx
    r.gp_homes = {8, 9, 10};   // r8 r9 r10
    r.gp_saved_homes = {15};   // r15
    r.gp_saved_home_guard = 14;  // r14
    r.fuel = 14;                 // r14 too: with fuel on it is no home
    r.result_gp = 6;           // rsi
    for (Reg i = 8; i < 14; ++i) r.fp_homes.push_back(Reg(kFpBase + i));  // xmm8-13
    return r;
  }();
  return info;
}
bool Masm::is_fp(Reg r) { return r >= kFpBase; }

// The call adapter (masm.h): a fast call to a function that is not
// compiled. rdx = callee, r12 = its frame, rbx = context; rsp is 8 below a
// 16-byte boundary here, as at any call. Function::entry is the first
// member, so [rdx] is the callee's EntryFn; rbx, rbp and r12-r14 survive
// the C call, and eax carries its result back; rsi gets slot 0, where a
// result in regs().result_gp is expected.
static_assert(offsetof(Function, entry) == 0);
extern "C" void brisk_jit_call_adapter_x64();
asm(R"(
  .text
  .p2align 4
  .globl brisk_jit_call_adapter_x64
  .hidden brisk_jit_call_adapter_x64
  .type brisk_jit_call_adapter_x64, @function
brisk_jit_call_adapter_x64:
  sub $8, %rsp
  mov %rbx, %rdi
  mov %r12, %rsi
  call *(%rdx)
  mov (%r12), %rsi
  add $8, %rsp
  ret
  .size brisk_jit_call_adapter_x64, .-brisk_jit_call_adapter_x64
)");
// The same for fuel in r14 (use_fuel_register): the callee reads and
// charges ExecContext::fuel, so r14 goes there before and comes back after.
// The offset is read from memory: it is not known to the assembler.
extern "C" {
extern const uint64_t brisk_jit_fuel_offset_x64 __attribute__((visibility("hidden")));
const uint64_t brisk_jit_fuel_offset_x64 = offsetof(ExecContext, fuel);
}
extern "C" void brisk_jit_call_adapter_fuel_x64();
asm(R"(
  .text
  .p2align 4
  .globl brisk_jit_call_adapter_fuel_x64
  .hidden brisk_jit_call_adapter_fuel_x64
  .type brisk_jit_call_adapter_fuel_x64, @function
brisk_jit_call_adapter_fuel_x64:
  sub $8, %rsp
  mov brisk_jit_fuel_offset_x64(%rip), %r11
  mov %r14, (%rbx,%r11)
  mov %rbx, %rdi
  mov %r12, %rsi
  call *(%rdx)
  mov brisk_jit_fuel_offset_x64(%rip), %r11
  mov (%rbx,%r11), %r14
  mov (%r12), %rsi
  add $8, %rsp
  ret
  .size brisk_jit_call_adapter_fuel_x64, .-brisk_jit_call_adapter_fuel_x64
)");
void* Masm::call_adapter(bool fuel_register) {
  return fuel_register ? reinterpret_cast<void*>(&brisk_jit_call_adapter_fuel_x64)
                       : reinterpret_cast<void*>(&brisk_jit_call_adapter_x64);
}

bool jit_cpu_supported() {
  const auto& cpu = asmjit::CpuInfo::host();
  return cpu.hasFeature(asmjit::CpuFeatures::X86::kSSE4_1) && cpu.hasFeature(asmjit::CpuFeatures::X86::kPOPCNT);
}

// ------------------------------------------------------------ frame

void Masm::prologue(Function* self, uint32_t frame_slots, uint32_t first_local_off, uint32_t end_local_off,
                    Memory* memory, bool result_in_reg, const ArgHome* arg_homes, size_t num_arg_homes) {
  auto& a = impl_->a;
  impl_->self = self;
  impl_->memory = memory;
  impl_->has_memory = memory != nullptr;
  impl_->frame_bytes = frame_slots * 8;
  impl_->result_in_reg = result_in_reg;
  impl_->c_entry(impl_->fast_entry, result_in_reg);
  a.align(asmjit::AlignMode::kCode, 16);
  a.bind(impl_->fast_entry);
  impl_->arg_homes.assign(arg_homes, arg_homes + num_arg_homes);
  for (const ArgHome& h : impl_->arg_homes)
    is_fp(h.reg) ? a.movsd(xmm(h.reg), slot(h.slot)) : a.mov(gp64(h.reg), slot(h.slot));
  impl_->set_cur_func();
  a.bind(impl_->self_entry);
  impl_->enter_internal();
  // Call depth and value-stack room.
  a.cmp(x86::ebp, x86::dword_ptr(kCtx, int32_t(offsetof(ExecContext, max_frames))));
  a.jae(impl_->exhausted_noframe);
  a.lea(x86::rax, x86::qword_ptr(kFp, int32_t(impl_->frame_bytes)));
  a.cmp(x86::rax, x86::qword_ptr(kCtx, int32_t(offsetof(ExecContext, stack_end))));
  a.ja(impl_->exhausted_noframe);
  impl_->push_frame_record();
  // Native stack and attention in one compare (slow path in finish()).
  a.cmp(x86::rsp, x86::qword_ptr(kCtx, int32_t(offsetof(ExecContext, jit_entry_limit))));
  a.jb(impl_->entry_slow);
  a.bind(impl_->entry_resume);
  // A self call passes the fuel in the register without storing it.
  impl_->fuel_dirty = impl_->fuel_reg;
  // Zero the declared locals.
  uint32_t n = (end_local_off - first_local_off) / 8;
  if (n > 0) {
    a.xor_(x86::eax, x86::eax);
    if (n <= 16) {
      for (uint32_t i = 0; i < n; ++i) a.mov(slot(int32_t(first_local_off + 8 * i)), x86::rax);
    } else {
      a.lea(x86::rdi, slot(int32_t(first_local_off)));
      a.mov(x86::ecx, Imm(n));
      a.rep().stosq();
    }
  }
}

void Masm::reload_memory() {
  if (!impl_->has_memory || impl_->bounds != BoundsMode::Explicit) return;
  auto& a = impl_->a;
  a.mov(kMemSize, Imm(reinterpret_cast<uint64_t>(impl_->memory)));
  a.mov(kMemSize, x86::qword_ptr(kMemSize, int32_t(offsetof(Memory, size_))));
}

void Masm::return_ok() {
  // The epilogue inline: a return costs no jump.
  auto& a = impl_->a;
  a.xor_(x86::eax, x86::eax);
  impl_->dec_depth();
  a.pop(x86::rcx);
  a.mov(x86::qword_ptr(kCtx, int32_t(offsetof(ExecContext, cur_func))), x86::rcx);
  impl_->restore_saved_homes();
  a.ret();
}

void Masm::finish() {
  auto& a = impl_->a;
  for (const Impl::OsrStub& st : impl_->osr_stubs) {
    // An EntryFn adopting the interpreter's frame: no checks, no zeroing.
    asmjit::Label inner = a.newLabel();
    a.bind(st.entry);
    impl_->c_entry(inner, impl_->result_in_reg);
    a.bind(inner);
    impl_->set_cur_func();
    impl_->enter_internal();
    impl_->push_frame_record();
    a.jmp(st.loop);
  }
  for (unsigned k = 0; k < 32; ++k) {
    if (!impl_->trap_stubs[k].isValid()) continue;
    a.bind(impl_->trap_stubs[k]);
    impl_->store_fuel(true);
    a.mov(x86::rdi, kCtx);
    a.mov(x86::esi, Imm(k));
    a.mov(kT1, Imm(reinterpret_cast<uint64_t>(&jit_record_trap)));
    a.call(kT1);
    a.jmp(impl_->epilogue);
  }
  // The entry's limit compare failed: the native stack ran out, or the
  // attention flag is set (or both).
  asmjit::Label native_exhausted = a.newLabel();
  a.bind(impl_->entry_slow);
  a.cmp(x86::rsp, x86::qword_ptr(kCtx, int32_t(offsetof(ExecContext, native_stack_limit))));
  a.jb(native_exhausted);
  a.cmp8_mi(x64enc::Mem{uint8_t(kCtx.id()), x64enc::kNoIndex, int32_t(offsetof(ExecContext, interrupt))}, 0);
  a.je(impl_->entry_resume);
  impl_->store_fuel(true);  // a self call does not store it
  // The arguments already in their homes survive the C call on the stack
  // (16 bytes each: rsp stays aligned).
  const auto& homes = impl_->arg_homes;
  const int32_t keep = int32_t(16 * homes.size());
  if (keep) a.sub(x86::rsp, Imm(keep));
  for (size_t i = 0; i < homes.size(); ++i) {
    x86::Mem m = x86::qword_ptr(x86::rsp, int32_t(16 * i));
    is_fp(homes[i].reg) ? a.movsd(m, xmm(homes[i].reg)) : a.mov(m, gp64(homes[i].reg));
  }
  a.mov(x86::rdi, kCtx);
  a.mov(x86::rsi, kFp);
  a.mov(kT1, Imm(reinterpret_cast<uint64_t>(&jit_check_attention)));
  a.call(kT1);
  for (size_t i = 0; i < homes.size(); ++i) {
    x86::Mem m = x86::qword_ptr(x86::rsp, int32_t(16 * i));
    is_fp(homes[i].reg) ? a.movsd(xmm(homes[i].reg), m) : a.mov(gp64(homes[i].reg), m);
  }
  if (keep) a.add(x86::rsp, Imm(keep));
  impl_->load_fuel();  // the host's epoch callback may have added fuel
  a.test(x86::eax, x86::eax);
  a.jnz(impl_->epilogue);
  a.jmp(impl_->entry_resume);
  // Out of native stack: undo the frame record, trap as before it (the
  // caller's Function* pushed by the entry back in cur_func).
  a.bind(native_exhausted);
  impl_->dec_depth();
  a.bind(impl_->exhausted_noframe);
  a.mov(x86::rcx, x86::qword_ptr(x86::rsp));
  a.mov(x86::qword_ptr(kCtx, int32_t(offsetof(ExecContext, cur_func))), x86::rcx);
  impl_->store_fuel(true);
  a.mov(x86::rdi, kCtx);
  a.mov(x86::esi, Imm(unsigned(TrapKind::StackExhausted)));
  a.mov(kT1, Imm(reinterpret_cast<uint64_t>(&jit_record_trap_noframe)));
  a.call(kT1);
  a.jmp(impl_->epilogue_noframe);

  // Epilogue of the internal entry: eax holds the result (0 or a TrapKind).
  a.bind(impl_->epilogue);
  impl_->dec_depth();
  a.pop(x86::rcx);
  a.mov(x86::qword_ptr(kCtx, int32_t(offsetof(ExecContext, cur_func))), x86::rcx);
  impl_->restore_saved_homes();
  a.ret();
  a.bind(impl_->epilogue_noframe);
  a.pop(x86::rcx);
  impl_->restore_saved_homes();
  a.ret();
  impl_->emit_vconsts();
}

// ------------------------------------------------------------ labels

void Masm::jmp(Label l) { impl_->a.jmp(impl_->L(l)); }
void Masm::br_attention(Label l) {
  auto& a = impl_->a;
  a.cmp8_mi(x64enc::Mem{uint8_t(kCtx.id()), x64enc::kNoIndex, int32_t(offsetof(ExecContext, interrupt))}, 0);
  a.jne(impl_->L(l));
}
bool Masm::fuel_register_available(BoundsMode bounds) { return bounds != BoundsMode::Explicit; }
bool Masm::use_fuel_register() {
  impl_->fuel_reg = fuel_register_available(impl_->bounds);
  return impl_->fuel_reg;
}
void Masm::charge_fuel(uint32_t n) {
  auto& a = impl_->a;
  // Blocks are far shorter than 2^31 instructions; clamp to keep the imm32.
  const Imm amount(int32_t(std::min<uint32_t>(n, INT32_MAX)));
  const x86::Mem field = x86::qword_ptr(kCtx, int32_t(offsetof(ExecContext, fuel)));
  if (impl_->fuel_reg) {
    // The context is updated only where someone else may read it
    // (Impl::store_fuel callers).
    a.sub(kFuel, amount);
    impl_->fuel_dirty = true;
  } else {
    a.sub(field, amount);
  }
  a.js(impl_->L(trap_label(TrapKind::OutOfFuel)));
}
void Masm::br_cmp(Cond c, W w, Reg ra, Opnd b, Label l) {
  auto& a = impl_->a;
  impl_->cmp(w, ra, b);
  a.j(cc(c), impl_->L(l));
}
void Masm::br_test(bool nz, W w, Reg r, Label l) {
  auto& a = impl_->a;
  if (!impl_->flags_hold(r, w)) a.test(gpn(w, r), gpn(w, r));
  nz ? a.jnz(impl_->L(l)) : a.jz(impl_->L(l));
}
void Masm::br_fcmp(FCond c, FW w, Reg ra, Reg rb, Label l, bool neg) {
  auto& a = impl_->a;
  // ucomis sets ZF,PF,CF = 1,1,1 for unordered. Lt/Le are tested as Gt/Ge
  // with swapped operands so that unordered is "false" without a parity test.
  x86::Xmm x = xmm(ra), y = xmm(rb);
  auto ucomi = [&](const x86::Xmm& p, const x86::Xmm& q) { w == FW::F32 ? a.ucomiss(p, q) : a.ucomisd(p, q); };
  asmjit::Label skip = a.newLabel();
  switch (c) {
    case FCond::Eq:
      ucomi(x, y);
      if (!neg) { a.jp(skip); a.je(impl_->L(l)); } else { a.jp(impl_->L(l)); a.jne(impl_->L(l)); }
      break;
    case FCond::Ne:
      ucomi(x, y);
      if (!neg) { a.jp(impl_->L(l)); a.jne(impl_->L(l)); } else { a.jp(skip); a.je(impl_->L(l)); }
      break;
    case FCond::Gt: ucomi(x, y); neg ? a.jbe(impl_->L(l)) : a.ja(impl_->L(l)); break;
    case FCond::Ge: ucomi(x, y); neg ? a.jb(impl_->L(l)) : a.jae(impl_->L(l)); break;
    case FCond::Lt: ucomi(y, x); neg ? a.jbe(impl_->L(l)) : a.ja(impl_->L(l)); break;
    case FCond::Le: ucomi(y, x); neg ? a.jb(impl_->L(l)) : a.jae(impl_->L(l)); break;
  }
  a.bind(skip);
}
void Masm::br_table(Reg index, const std::vector<Label>& targets) {
  auto& a = impl_->a;
  const uint32_t n = uint32_t(targets.size());
  asmjit::Label table = a.asmjit_label();  // named by a memory operand
  // Out of range: a branch to the default, not a clamp of the index (a
  // cmov would put the compare on the path to the table load; the branch
  // is predicted). The i32 index is zero-extended in its register.
  a.cmp(gp32(index), Imm(n - 1));
  a.ja(impl_->L(targets.back()));
  // The index is dead after this (masm.h): it takes the table's entry.
  a.lea(kT1, x86::ptr(table));
  a.movsxd(gp64(index), x86::dword_ptr(kT1, gp64(index), 2));
  a.add(kT1, gp64(index));
  a.jmp(kT1);
  a.align(asmjit::AlignMode::kData, 4);
  a.bind(table);
  for (const Label& t : targets) a.embedLabelDelta(impl_->L(t), table, 4);
}

// ------------------------------------------------------------ moves

void Masm::mov(W w, Reg dst, Opnd src) { impl_->load(w, gp64(dst), src); }
void Masm::fmov(FW w, Reg dst, Opnd src) {
  auto& a = impl_->a;
  switch (src.kind) {
    case Opnd::Kind::Reg:
      if (src.reg != dst) a.movaps(xmm(dst), xmm(src.reg));
      break;
    case Opnd::Kind::Imm: impl_->fconst(xmm(dst), w, uint64_t(src.imm)); break;
    case Opnd::Kind::Slot:
      w == FW::F32 ? a.movss(xmm(dst), x86::dword_ptr(kFp, src.slot)) : a.movsd(xmm(dst), slot(src.slot));
      break;
  }
}
void Masm::store_slot(int32_t off, Opnd src) {
  auto& a = impl_->a;
  if (src.is_reg()) {
    a.store_slot(true, off, src.reg);
  } else if (src.is_imm() && fits_i32(src.imm)) {
    a.mov(slot(off), Imm(int32_t(src.imm)));
  } else if (src.is_imm()) {
    a.mov(kT1, Imm(src.imm));
    a.mov(slot(off), kT1);
  } else {
    a.load_slot(true, kT1.id(), src.slot);
    a.store_slot(true, off, kT1.id());
  }
}
void Masm::fstore_slot(int32_t off, Reg src, FW w) {
  auto& a = impl_->a;
  if (w == FW::F32) {
    a.movd(kT1.r32(), xmm(src));
    a.mov(slot(off), kT1);
  } else {
    a.movsd(slot(off), xmm(src));
  }
}
void Masm::copy_slot(int32_t dst, int32_t src) {
  impl_->a.load_slot(true, kT1.id(), src);
  impl_->a.store_slot(true, dst, kT1.id());
}
void Masm::mov_gp_from_fp(W w, Reg dst, Reg src) {
  w == W::W32 ? impl_->a.movd(gp32(dst), xmm(src)) : impl_->a.movq(gp64(dst), xmm(src));
}
void Masm::mov_fp_from_gp(FW w, Reg dst, Reg src) {
  w == FW::F32 ? impl_->a.movd(xmm(dst), gp32(src)) : impl_->a.movq(xmm(dst), gp64(src));
}

// ------------------------------------------------------------ integer ops

void Masm::alu(AluOp op, W w, Reg dst, Opnd rhs) {
  auto& a = impl_->a;
  x86::Gp d = gpn(w, dst);
  if (op == AluOp::Mul && rhs.is_imm()) {
    if (w == W::W32 || fits_i32(rhs.imm)) {
      a.imul(d, d, Imm(w == W::W32 ? int32_t(uint32_t(rhs.imm)) : int32_t(rhs.imm)));
      return;
    }
  }
  if (op == AluOp::Mul && rhs.is_imm()) {  // 64-bit immediate that does not fit
    a.mov(kT1, Imm(rhs.imm));
    a.imul(d, kT1);
    return;
  }
  if (op == AluOp::Mul) {
    impl_->with_rhs(w, rhs, [&](const auto& r) { a.imul(d, r); });
    return;
  }
  constexpr x64enc::Alu kCode[] = {x64enc::Alu::Add, x64enc::Alu::Sub, x64enc::Alu::Add /* Mul */,
                                   x64enc::Alu::And, x64enc::Alu::Or,  x64enc::Alu::Xor};
  static_assert(int(AluOp::Add) == 0 && int(AluOp::Sub) == 1 && int(AluOp::Mul) == 2 && int(AluOp::And) == 3 &&
                int(AluOp::Or) == 4 && int(AluOp::Xor) == 5);
  impl_->alu_opnd(kCode[int(op)], w, dst, rhs);
  impl_->set_flags(dst, w);
}
void Masm::alu3(AluOp op, W w, Reg dst, Reg lhs, Opnd rhs) {
  auto& a = impl_->a;
  if (dst != lhs) {
    // lea computes in 64 bits; its 32-bit destination keeps the low half,
    // zero-extended, which is the W32 result.
    const bool imm32 = rhs.is_imm() && (w == W::W32 || fits_i32(rhs.imm));
    const int64_t k = !rhs.is_imm() ? 0 : w == W::W32 ? int64_t(int32_t(uint32_t(rhs.imm))) : rhs.imm;
    if ((op == AluOp::Add || op == AluOp::Sub) && imm32 && (op == AluOp::Add || k != INT32_MIN)) {
      a.lea(w == W::W64, dst, x64enc::Mem{lhs, x64enc::kNoIndex, int32_t(op == AluOp::Add ? k : -k)});
      return;
    }
    if (op == AluOp::Add && rhs.is_reg()) {
      // x64enc::Mem takes no rsp index; asmjit would swap base and index.
      if (rhs.reg != x64enc::kRsp)
        a.lea(w == W::W64, dst, x64enc::Mem{lhs, rhs.reg, 0});
      else
        a.lea(gpn(w, dst), x86::ptr(gp64(lhs), gp64(rhs.reg)));
      return;
    }
    if (op == AluOp::Mul && imm32) {
      a.imul(gpn(w, dst), gpn(w, lhs), Imm(int32_t(k)));
      return;
    }
    mov(w, dst, Opnd::r(lhs));
  }
  alu(op, w, dst, rhs);
}

void Masm::shift(ShiftOp op, W w, Reg dst, Opnd count) {
  auto& a = impl_->a;
  x86::Gp d = gpn(w, dst);
  auto emit = [&](const auto& n) {
    switch (op) {
      case ShiftOp::Shl: a.shl(d, n); break;
      case ShiftOp::ShrS: a.sar(d, n); break;
      case ShiftOp::ShrU: a.shr(d, n); break;
      case ShiftOp::Rotl: a.rol(d, n); break;
      case ShiftOp::Rotr: a.ror(d, n); break;
    }
  };
  if (count.is_imm())
    emit(Imm(int(count.imm & (w == W::W32 ? 31 : 63))));
  else
    emit(x86::cl);  // the compiler put the count in rcx
}

void Masm::divrem(DivOp op, W w, Reg dst, Reg lhs, Reg rhs, Label div0, Label ovf) {
  auto& a = impl_->a;
  x86::Gp r = gpn(w, rhs);
  x86::Gp ax = w == W::W64 ? x86::Gp(x86::rax) : x86::Gp(x86::eax);
  x86::Gp dx = w == W::W64 ? x86::Gp(x86::rdx) : x86::Gp(x86::edx);
  a.test(r, r);
  a.jz(impl_->L(div0));
  a.mov(ax, gpn(w, lhs));
  asmjit::Label done = a.newLabel();
  const bool is_signed = op == DivOp::DivS || op == DivOp::RemS;
  if (is_signed) {
    asmjit::Label normal = a.newLabel();
    a.cmp(r, Imm(-1));
    a.jne(normal);
    if (op == DivOp::DivS) {
      // INT_MIN / -1 overflows; anything else / -1 is a negation.
      if (w == W::W64) {
        a.mov(kT1, Imm(INT64_MIN));
        a.cmp(ax, kT1);
      } else {
        a.cmp(ax, Imm(INT32_MIN));
      }
      a.je(impl_->L(ovf));
      a.neg(ax);
      a.mov(gpn(w, dst), ax);
    } else {
      a.xor_(gp32(dst), gp32(dst));  // x rem -1 == 0
    }
    a.jmp(done);
    a.bind(normal);
    w == W::W64 ? a.cqo() : a.cdq();
    a.idiv(r);
  } else {
    a.xor_(x86::edx, x86::edx);
    a.div(r);
  }
  if (op == DivOp::DivS || op == DivOp::DivU) {
    a.mov(gpn(w, dst), ax);
  } else {
    a.mov(gpn(w, dst), dx);
  }
  a.bind(done);
}

void Masm::clz(W w, Reg dst, Reg src) {
  auto& a = impl_->a;
  a.bsr(gpn(w, dst), gpn(w, src));
  a.mov(kT1.r32(), Imm(w == W::W32 ? 63 : 127));
  a.cmovz(gpn(w, dst), gpn(w, kT1.id()));
  a.xor_(gpn(w, dst), Imm(w == W::W32 ? 31 : 63));
}
void Masm::ctz(W w, Reg dst, Reg src) {
  auto& a = impl_->a;
  a.bsf(gpn(w, dst), gpn(w, src));
  a.mov(kT1.r32(), Imm(w == W::W32 ? 32 : 64));
  a.cmovz(gpn(w, dst), gpn(w, kT1.id()));
}
void Masm::popcnt(W w, Reg dst, Reg src) { impl_->a.popcnt(gpn(w, dst), gpn(w, src)); }
void Masm::eqz(W w, Reg dst, Reg src) {
  auto& a = impl_->a;
  a.test(gpn(w, src), gpn(w, src));
  a.setcc(x86::CondCode::kE, dst);
  a.movzx_r8(dst, dst);
}
void Masm::set_cmp(Cond c, W w, Reg dst, Reg ra, Opnd b) {
  auto& a = impl_->a;
  impl_->cmp(w, ra, b);
  a.setcc(cc(c), dst);
  a.movzx_r8(dst, dst);
}
void Masm::sign_extend(uint8_t from, W to, Reg dst, Reg src) {
  auto& a = impl_->a;
  if (from == 8) {
    a.movsx(gpn(to, dst), gp8(src));
  } else if (from == 16) {
    a.movsx(gpn(to, dst), gp16(src));
  } else {
    a.movsxd(gp64(dst), gp32(src));
  }
  if (to == W::W32) a.mov(gp32(dst), gp32(dst));  // keep the upper half zero
}
void Masm::zero_extend32(Reg dst, Reg src) { impl_->a.mov(gp32(dst), gp32(src)); }
void Masm::select(W w, Reg dst, Opnd b, Reg cond) {
  auto& a = impl_->a;
  a.test(gp32(cond), gp32(cond));
  if (b.is_reg()) {
    a.cmovz(gpn(w, dst), gpn(w, b.reg));
  } else if (b.is_slot()) {
    a.cmovz(gpn(w, dst), w == W::W64 ? slot(b.slot) : x86::dword_ptr(kFp, b.slot));
  } else {
    impl_->load(w, kT1, b);
    a.test(gp32(cond), gp32(cond));
    a.cmovz(gpn(w, dst), gpn(w, kT1.id()));
  }
}
void Masm::select_cmp(Cond c, W cw, Reg ca, Opnd cb, W w, Reg dst, Opnd b) {
  auto& a = impl_->a;
  if (b.is_imm()) impl_->load(w, kT1, b);  // before the compare: may clear kT1 with xor
  if (cb.is_imm() && cb.imm == 0 && (c == Cond::Eq || c == Cond::Ne))
    a.test(gpn(cw, ca), gpn(cw, ca));
  else
    impl_->cmp(cw, ca, cb);
  const x86::CondCode take_b = cc(negate(c));
  if (b.is_reg())
    a.cmov_rr(take_b, w == W::W64, dst, b.reg);
  else if (b.is_slot())
    a.cmov(take_b, gpn(w, dst), w == W::W64 ? slot(b.slot) : x86::dword_ptr(kFp, b.slot));
  else
    a.cmov_rr(take_b, w == W::W64, dst, uint8_t(kT1.id()));
}
void Masm::fselect(FW w, Reg dst, Reg b, Reg cond) {
  auto& a = impl_->a;
  asmjit::Label keep = a.newLabel();
  a.test(gp32(cond), gp32(cond));
  a.jnz(keep);
  a.movaps(xmm(dst), xmm(b));
  a.bind(keep);
}

// ------------------------------------------------------------ floats

void Masm::fbin_const(FBinOp op, FW w, Reg dst, uint64_t bits) {
  Impl& im = *impl_;
  auto& a = im.a;
  const bool s = w == FW::F32;
  if (im.vconsts.size() >= 64) {  // the pool's bound (Impl::fconst)
    im.fconst(kF1, w, bits);
    return fbin(op, w, dst, Reg(kFpBase + kF1.id()));
  }
  uint8_t b[16] = {};
  std::memcpy(b, &bits, 8);
  const x86::Mem m = im.vconst_mem(b).cloneResized(s ? 4 : 8);
  const x86::Xmm d = xmm(dst);
  switch (op) {
    case FBinOp::Add: s ? a.addss(d, m) : a.addsd(d, m); return;
    case FBinOp::Sub: s ? a.subss(d, m) : a.subsd(d, m); return;
    case FBinOp::Mul: s ? a.mulss(d, m) : a.mulsd(d, m); return;
    case FBinOp::Div: s ? a.divss(d, m) : a.divsd(d, m); return;
    default: break;
  }
}
void Masm::fbin(FBinOp op, FW w, Reg dst, Reg rhs) {
  auto& a = impl_->a;
  x86::Xmm d = xmm(dst), r = xmm(rhs);
  const bool s = w == FW::F32;
  switch (op) {
    case FBinOp::Add: s ? a.addss(d, r) : a.addsd(d, r); return;
    case FBinOp::Sub: s ? a.subss(d, r) : a.subsd(d, r); return;
    case FBinOp::Mul: s ? a.mulss(d, r) : a.mulsd(d, r); return;
    case FBinOp::Div: s ? a.divss(d, r) : a.divsd(d, r); return;
    case FBinOp::Min:
    case FBinOp::Max: {
      asmjit::Label nan = a.newLabel(), normal = a.newLabel(), done = a.newLabel();
      s ? a.ucomiss(d, r) : a.ucomisd(d, r);
      a.jp(nan);
      a.jne(normal);
      // Equal: merge sign bits (min(-0, +0) = -0, max(-0, +0) = +0).
      if (op == FBinOp::Min) a.orps(d, r); else a.andps(d, r);
      a.jmp(done);
      a.bind(nan);
      s ? a.addss(d, r) : a.addsd(d, r);
      a.jmp(done);
      a.bind(normal);
      if (op == FBinOp::Min) s ? a.minss(d, r) : a.minsd(d, r);
      else s ? a.maxss(d, r) : a.maxsd(d, r);
      a.bind(done);
      return;
    }
    case FBinOp::Copysign: {
      // dst = (dst & ~sign) | (rhs & sign), staying in the vector domain.
      impl_->fconst(kF1, w, s ? 0x80000000u : 0x8000000000000000ull);
      a.movaps(kF2, kF1);
      a.andnps(kF1, d);  // dst without its sign
      a.andps(kF2, r);   // sign of rhs
      a.orps(kF1, kF2);
      a.movaps(d, kF1);
      return;
    }
  }
}

void Masm::fun(FUnOp op, FW w, Reg dst, Reg src) {
  auto& a = impl_->a;
  x86::Xmm d = xmm(dst), s = xmm(src);
  const bool f32 = w == FW::F32;
  auto round = [&](int mode) { f32 ? a.roundss(d, s, Imm(mode | 8)) : a.roundsd(d, s, Imm(mode | 8)); };
  switch (op) {
    case FUnOp::Abs:
    case FUnOp::Neg:
      // Bit operations in the vector domain: no round trip through GP registers.
      impl_->fconst(kF1, w, f32 ? (op == FUnOp::Abs ? 0x7fffffffu : 0x80000000u)
                                : (op == FUnOp::Abs ? 0x7fffffffffffffffull : 0x8000000000000000ull));
      if (dst != src) a.movaps(d, s);
      op == FUnOp::Abs ? a.andps(d, kF1) : a.xorps(d, kF1);
      return;
    case FUnOp::Sqrt: f32 ? a.sqrtss(d, s) : a.sqrtsd(d, s); return;
    case FUnOp::Nearest: round(0); return;
    case FUnOp::Floor: round(1); return;
    case FUnOp::Ceil: round(2); return;
    case FUnOp::Trunc: round(3); return;
  }
}

void Masm::set_fcmp(FCond c, FW w, Reg dst, Reg ra, Reg rb) {
  auto& a = impl_->a;
  x86::Xmm x = xmm(ra), y = xmm(rb);
  auto ucomi = [&](const x86::Xmm& p, const x86::Xmm& q) { w == FW::F32 ? a.ucomiss(p, q) : a.ucomisd(p, q); };
  x86::Gp d8 = gp8(dst);
  switch (c) {
    case FCond::Eq:
      ucomi(x, y);
      a.sete(d8);
      a.setnp(kT1.r8());
      a.and_(d8, kT1.r8());
      break;
    case FCond::Ne:
      ucomi(x, y);
      a.setne(d8);
      a.setp(kT1.r8());
      a.or_(d8, kT1.r8());
      break;
    case FCond::Gt: ucomi(x, y); a.seta(d8); break;
    case FCond::Ge: ucomi(x, y); a.setae(d8); break;
    case FCond::Lt: ucomi(y, x); a.seta(d8); break;
    case FCond::Le: ucomi(y, x); a.setae(d8); break;
  }
  a.movzx(gp32(dst), d8);
}

void Masm::convert(Op op, Reg dst, Reg src, Label invalid, Label overflow) {
  auto& a = impl_->a;
  auto ucomi = [&](bool f32, const x86::Xmm& p, const x86::Xmm& q) { f32 ? a.ucomiss(p, q) : a.ucomisd(p, q); };
  // Truncation from float to int of the given shape. sat: saturate instead of trapping.
  auto trunc = [&](bool to64, bool is_signed, bool f32, bool sat) {
    x86::Xmm s = xmm(src);
    TruncRange r = trunc_range(to64, is_signed, f32);
    x86::Gp d64 = gp64(dst);
    asmjit::Label done = a.newLabel(), in_range = a.newLabel();
    asmjit::Label nan_l = a.newLabel(), low_l = a.newLabel(), high_l = a.newLabel();
    ucomi(f32, s, s);
    a.jp(nan_l);
    impl_->fconst(kF1, f32 ? FW::F32 : FW::F64, float_bits(r.lo, f32));
    ucomi(f32, s, kF1);  // s ? lo
    r.lo_inclusive ? a.jb(low_l) : a.jbe(low_l);
    impl_->fconst(kF1, f32 ? FW::F32 : FW::F64, float_bits(r.hi, f32));
    ucomi(f32, s, kF1);
    a.jae(high_l);
    a.bind(in_range);
    if (to64 && !is_signed) {
      // Values >= 2^63 need the subtract-and-flip trick.
      asmjit::Label small = a.newLabel();
      impl_->fconst(kF1, f32 ? FW::F32 : FW::F64, float_bits(9223372036854775808.0, f32));
      ucomi(f32, s, kF1);
      a.jb(small);
      if (f32) {
        a.movaps(kF2, s);
        a.subss(kF2, kF1);
        a.cvttss2si(d64, kF2);
      } else {
        a.movaps(kF2, s);
        a.subsd(kF2, kF1);
        a.cvttsd2si(d64, kF2);
      }
      a.btc(d64, Imm(63));
      a.jmp(done);
      a.bind(small);
    }
    if (to64 || !is_signed) {
      f32 ? a.cvttss2si(d64, s) : a.cvttsd2si(d64, s);
      if (!to64) a.mov(gp32(dst), gp32(dst));
    } else {
      f32 ? a.cvttss2si(gp32(dst), s) : a.cvttsd2si(gp32(dst), s);
    }
    a.jmp(done);
    // Out-of-line cases.
    a.bind(nan_l);
    if (sat) {
      a.xor_(gp32(dst), gp32(dst));
      a.jmp(done);
    } else {
      a.jmp(impl_->L(invalid));
    }
    a.bind(low_l);
    if (sat) {
      if (!is_signed) a.xor_(gp32(dst), gp32(dst));
      else if (to64) a.mov(d64, Imm(INT64_MIN));
      else a.mov(gp32(dst), Imm(uint32_t(INT32_MIN)));
      a.jmp(done);
    } else {
      a.jmp(impl_->L(overflow));
    }
    a.bind(high_l);
    if (sat) {
      if (to64) a.mov(d64, Imm(is_signed ? INT64_MAX : int64_t(-1)));
      else a.mov(gp32(dst), Imm(is_signed ? uint32_t(INT32_MAX) : UINT32_MAX));
      a.jmp(done);
    } else {
      a.jmp(impl_->L(overflow));
    }
    a.bind(done);
  };
  // Integer to float.
  auto convert_int = [&](bool from64, bool is_signed, bool f32) {
    x86::Xmm d = xmm(dst);
    a.xorps(d, d);
    if (!from64) {
      if (is_signed) {
        f32 ? a.cvtsi2ss(d, gp32(src)) : a.cvtsi2sd(d, gp32(src));
      } else {
        a.mov(kT1.r32(), gp32(src));
        f32 ? a.cvtsi2ss(d, kT1) : a.cvtsi2sd(d, kT1);
      }
      return;
    }
    if (is_signed) {
      f32 ? a.cvtsi2ss(d, gp64(src)) : a.cvtsi2sd(d, gp64(src));
      return;
    }
    asmjit::Label big = a.newLabel(), done = a.newLabel();
    a.test(gp64(src), gp64(src));
    a.js(big);
    f32 ? a.cvtsi2ss(d, gp64(src)) : a.cvtsi2sd(d, gp64(src));
    a.jmp(done);
    a.bind(big);
    // Halve with round-to-odd, convert, double.
    {
      asmjit::Label even = a.newLabel();
      a.mov(kT1, gp64(src));
      a.shr(kT1, Imm(1));  // CF = the bit shifted out
      a.jnc(even);
      a.or_(kT1, Imm(1));
      a.bind(even);
    }
    if (f32) {
      a.cvtsi2ss(d, kT1);
      a.addss(d, d);
    } else {
      a.cvtsi2sd(d, kT1);
      a.addsd(d, d);
    }
    a.bind(done);
  };
  const Conversion c = conversion_of(op);
  switch (c.kind) {
    case Conversion::Kind::Trunc: trunc(c.int64, c.is_signed, c.f32, false); return;
    case Conversion::Kind::TruncSat: trunc(c.int64, c.is_signed, c.f32, true); return;
    case Conversion::Kind::FromInt: convert_int(c.int64, c.is_signed, c.f32); return;
    case Conversion::Kind::Demote: a.cvtsd2ss(xmm(dst), xmm(src)); return;
    case Conversion::Kind::Promote: a.cvtss2sd(xmm(dst), xmm(src)); return;
    case Conversion::Kind::None: return;
  }
}

// ------------------------------------------------------------ memory

void Masm::load(Op op, Reg dst, Reg addr, uint32_t offset, Label oob) {
  auto& a = impl_->a;
  x64enc::Mem hm;
  impl_->heap_mem(addr, offset, op_info(op).access_bytes, oob, this, &hm);
  switch (op) {  // the most frequent by register number
    case Op::i32_load:
    case Op::i64_load32_u: a.load(false, dst, hm); return;
    case Op::i64_load: a.load(true, dst, hm); return;
    default: break;
  }
  x86::Mem m = FastAssembler::asmjit_mem(hm, 0);
  switch (op) {
    case Op::i32_load: m.setSize(4); a.mov(gp32(dst), m); break;
    case Op::i64_load: m.setSize(8); a.mov(gp64(dst), m); break;
    case Op::f32_load: m.setSize(4); a.movss(xmm(dst), m); break;
    case Op::f64_load: m.setSize(8); a.movsd(xmm(dst), m); break;
    case Op::i32_load8_s: m.setSize(1); a.movsx(gp32(dst), m); break;
    case Op::i32_load8_u: m.setSize(1); a.movzx(gp32(dst), m); break;
    case Op::i32_load16_s: m.setSize(2); a.movsx(gp32(dst), m); break;
    case Op::i32_load16_u: m.setSize(2); a.movzx(gp32(dst), m); break;
    case Op::i64_load8_s: m.setSize(1); a.movsx(gp64(dst), m); break;
    case Op::i64_load8_u: m.setSize(1); a.movzx(gp32(dst), m); break;
    case Op::i64_load16_s: m.setSize(2); a.movsx(gp64(dst), m); break;
    case Op::i64_load16_u: m.setSize(2); a.movzx(gp32(dst), m); break;
    case Op::i64_load32_s: m.setSize(4); a.movsxd(gp64(dst), m); break;
    case Op::i64_load32_u: m.setSize(4); a.mov(gp32(dst), m); break;
    default: break;
  }
  // A 32-bit destination (movsx/movzx r32 too) clears bits 63..32: i32
  // results are zero-extended with no further instruction.
}

void Masm::store(Op op, Reg addr, Opnd value, uint32_t offset, Label oob) {
  auto& a = impl_->a;
  const uint32_t size = op_info(op).access_bytes;
  x64enc::Mem hm;
  impl_->heap_mem(addr, offset, size, oob, this, &hm);
  if (value.is_reg() && !is_fp(value.reg) && size >= 4) {  // the most frequent by register number
    a.store(size == 8, hm, value.reg);
    return;
  }
  x86::Mem m = FastAssembler::asmjit_mem(hm, size);
  if (op == Op::f32_store || op == Op::f64_store) {
    if (value.is_reg() && is_fp(value.reg)) {
      op == Op::f32_store ? a.movss(m, xmm(value.reg)) : a.movsd(m, xmm(value.reg));
      return;
    }
  }
  if (value.is_imm() && (size < 8 || fits_i32(value.imm))) {
    int64_t v = value.imm;
    switch (size) {
      case 1: a.mov(m, Imm(int8_t(v))); break;
      case 2: a.mov(m, Imm(int16_t(v))); break;
      case 4: a.mov(m, Imm(int32_t(v))); break;
      default: a.mov(m, Imm(int32_t(v))); break;
    }
    return;
  }
  if (value.is_imm()) {  // a 64-bit constant: kT1 may hold the address
    a.mov(m.cloneResized(4), Imm(int32_t(uint32_t(value.imm))));
    x86::Mem hi = m.cloneResized(4);
    hi.addOffset(4);
    a.mov(hi, Imm(int32_t(uint64_t(value.imm) >> 32)));
    return;
  }
  x86::Gp v;
  if (value.is_reg()) {
    v = gp64(value.reg);
  } else {
    impl_->load(W::W64, kT1, value);
    v = kT1;
  }
  switch (size) {
    case 1: a.mov(m, v.r8()); break;
    case 2: a.mov(m, v.r16()); break;
    case 4: a.mov(m, v.r32()); break;
    default: a.mov(m, v.r64()); break;
  }
}

// ------------------------------------------------------------ globals

void Masm::global_get(Global* g, Reg dst, bool fp, FW fw) {
  auto& a = impl_->a;
  a.mov(kT1, Imm(reinterpret_cast<uint64_t>(&g->bits)));
  if (fp)
    fw == FW::F32 ? a.movss(xmm(dst), x86::dword_ptr(kT1)) : a.movsd(xmm(dst), x86::qword_ptr(kT1));
  else
    a.mov(gp64(dst), x86::qword_ptr(kT1));
}
void Masm::global_set(Global* g, Opnd value, bool fp, FW fw) {
  auto& a = impl_->a;
  a.mov(kT1, Imm(reinterpret_cast<uint64_t>(&g->bits)));
  if (fp) {
    if (fw == FW::F32) {  // the slot's upper half is zero (masm.h)
      a.movss(x86::dword_ptr(kT1), xmm(value.reg));
      a.mov(x86::dword_ptr(kT1, 4), Imm(0));
    } else {
      a.movsd(x86::qword_ptr(kT1), xmm(value.reg));
    }
    return;
  }
  if (value.is_imm() && fits_i32(value.imm)) {
    a.mov(x86::qword_ptr(kT1), Imm(int32_t(value.imm)));
  } else if (value.is_reg()) {
    a.mov(x86::qword_ptr(kT1), gp64(value.reg));
  } else if (value.is_imm()) {  // one scratch register: the value in halves
    a.mov(x86::dword_ptr(kT1), Imm(int32_t(uint32_t(value.imm))));
    a.mov(x86::dword_ptr(kT1, 4), Imm(int32_t(uint64_t(value.imm) >> 32)));
  } else {
    a.movq(kF1, slot(value.slot));
    a.movq(x86::qword_ptr(kT1), kF1);
  }
}

// ------------------------------------------------------------ calls

namespace {
void call_and_check(Masm::Impl& im) {
  auto& a = im.a;
  a.test(x86::eax, x86::eax);
  a.jnz(im.epilogue);
}
}  // namespace

void Masm::call_wasm(Function* callee, int32_t argbase, bool fast, bool self) {
  auto& a = impl_->a;
  if (!fast) {
    impl_->store_fuel();
    a.mov(x86::rdi, kCtx);
    a.lea(x86::rsi, slot(argbase));
    a.mov(x86::rdx, Imm(reinterpret_cast<uint64_t>(callee)));
    a.call(x86::qword_ptr(x86::rdx, int32_t(offsetof(Function, entry))));
    // Before the trap check: a trap returns through the external entry,
    // which stores the register.
    impl_->load_fuel();
    call_and_check(*impl_);
    reload_memory();
    return;
  }
  if (argbase) a.lea(true, x64enc::kR12, x64enc::slot(argbase));
  // rdx = the callee, rcx = this function (the caller, for its frame
  // record); a self call needs no rdx (self entry, set_cur_func).
  if (self) {
    a.mov(x86::rcx, Imm(reinterpret_cast<uint64_t>(callee)));
    a.call(impl_->self_entry);
  } else {
    a.mov(x86::rdx, Imm(reinterpret_cast<uint64_t>(callee)));
    // cur_func is this function here; the load is shorter than a 64-bit
    // immediate (measured: the immediate made CoreMark slower).
    a.mov(x86::rcx, x86::qword_ptr(kCtx, int32_t(offsetof(ExecContext, cur_func))));
    a.call(x86::qword_ptr(x86::rdx, int32_t(offsetof(Function, fast_entry))));
  }
  if (argbase) a.lea(true, x64enc::kR12, x64enc::slot(-argbase));
  call_and_check(*impl_);
  reload_memory();
  // The callee shares the fuel register (the fuel adapter, call_adapter,
  // stores and reloads it around code that is not compiled).
  impl_->fuel_dirty = impl_->fuel_reg;
}

void Masm::call_indirect(Table* table, uint32_t sig_id, Reg index, int32_t argbase, bool result_in_reg) {
  auto& a = impl_->a;
  // Inline checks: index in range, non-null entry, signature.
  a.mov(x86::edx, gp32(index));
  a.mov(kT1, Imm(reinterpret_cast<uint64_t>(table)));
  a.cmp(x86::rdx, x86::qword_ptr(kT1, int32_t(offsetof(Table, length_))));
  a.jae(impl_->L(trap_label(TrapKind::UndefinedElement)));
  a.mov(kT1, x86::qword_ptr(kT1, int32_t(offsetof(Table, data_))));
  a.mov(x86::rdx, x86::ptr(kT1, x86::rdx, 3));
  a.test(x86::rdx, x86::rdx);
  a.jz(impl_->L(trap_label(TrapKind::UninitializedElement)));
  a.cmp(x86::dword_ptr(x86::rdx, int32_t(offsetof(Function, sig_id))), Imm(sig_id));
  a.jne(impl_->L(trap_label(TrapKind::IndirectCallTypeMismatch)));
  // A callee of this instance with a fast entry: the internal convention,
  // as call_wasm (not with the fuel register: the two paths would leave it
  // differently).
  asmjit::Label slow = a.newLabel(), done = a.newLabel();
  const bool fast = !impl_->fuel_reg && impl_->self && impl_->self->instance;
  if (fast) {
    a.mov(kT1, Imm(reinterpret_cast<uint64_t>(impl_->self->instance)));
    a.cmp(x86::qword_ptr(x86::rdx, int32_t(offsetof(Function, instance))), kT1);
    a.jne(slow);
    a.mov(x86::rax, x86::qword_ptr(x86::rdx, int32_t(offsetof(Function, fast_entry))));
    a.test(x86::rax, x86::rax);
    a.jz(slow);
    if (argbase) a.lea(true, x64enc::kR12, x64enc::slot(argbase));
    a.mov(x86::rcx, x86::qword_ptr(kCtx, int32_t(offsetof(ExecContext, cur_func))));  // this function
    a.call(x86::rax);
    if (argbase) a.lea(true, x64enc::kR12, x64enc::slot(-argbase));
    a.jmp(done);
  }
  a.bind(slow);
  impl_->store_fuel();
  a.mov(x86::rdi, kCtx);
  a.lea(x86::rsi, slot(argbase));
  a.call(x86::qword_ptr(x86::rdx, int32_t(offsetof(Function, entry))));
  impl_->load_fuel();
  if (result_in_reg) a.mov(x86::rsi, slot(argbase));  // the C ABI returns results in slots
  a.bind(done);
  call_and_check(*impl_);
  reload_memory();
}

void Masm::call_runtime(const void* fn, uint64_t a0, uint64_t a1, uint64_t a2) {
  auto& a = impl_->a;
  impl_->store_fuel();
  a.mov(x86::rdi, kCtx);
  a.mov(x86::rsi, kFp);
  a.mov(x86::rdx, Imm(a0));
  a.mov(x86::rcx, Imm(a1));
  a.mov(x86::r8, Imm(a2));
  a.mov(kT1, Imm(reinterpret_cast<uint64_t>(fn)));
  a.call(kT1);
  impl_->load_fuel();
  call_and_check(*impl_);
  reload_memory();
}

#include "jit/x64/masm_x64_simd.inc"

}  // namespace brisk::jit

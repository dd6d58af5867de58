// The arch-neutral macro-assembler used by the single-pass JIT compiler.
// One class declaration; each architecture implements it in its own file
// (x64/masm_x64.cc, a64/masm_a64.cc) with an arch-private Impl. The
// compiler never names a machine register: it allocates from
// gp_pool()/fp_pool() and respects the fixed-register needs declared here.
//
// Conventions shared by every method:
// - Registers are Reg codes from the pools; methods may clobber the
//   scratch registers that the arch reserves (never pool registers other
//   than the ones named in a method's contract) and the condition flags.
// - "Slots" are 8-byte cells of the current wasm frame, addressed by byte
//   offset from the frame pointer (the interpreter's layout, see interp.h).
//   A slot always holds a whole 64-bit value: i32/f32 are zero-extended.
// - i32 values in GP registers are kept zero-extended to 64 bits.
// - Linear memory accesses use the reserved memory-base register; in
//   explicit-bounds mode they compare against the reserved size register
//   and branch to the trap stub on failure.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "core/opcodes.h"
#include "runtime/store.h"
#include "runtime/trap.h"

namespace brisk::jit {

using Reg = uint8_t;
constexpr Reg kNoReg = 0xff;

enum class W : uint8_t { W32, W64 };
enum class FW : uint8_t { F32, F64 };

// An operand: a register, an immediate, or a frame slot.
// 16 bytes, so that it is passed and returned in two registers (a 24-byte
// one went through memory, built with narrow stores and read back wide: a
// store-forwarding stall at every call).
struct Opnd {
  enum class Kind : uint8_t { Reg, Imm, Slot };
  int64_t imm = 0;
  int32_t slot = 0;
  Kind kind = Kind::Imm;
  Reg reg = kNoReg;
  static Opnd r(Reg x) { return Opnd{0, 0, Kind::Reg, x}; }
  static Opnd i(int64_t v) { return Opnd{v, 0, Kind::Imm, kNoReg}; }
  static Opnd s(int32_t off) { return Opnd{0, off, Kind::Slot, kNoReg}; }
  bool is_reg() const { return kind == Kind::Reg; }
  bool is_imm() const { return kind == Kind::Imm; }
  bool is_slot() const { return kind == Kind::Slot; }
};
static_assert(sizeof(Opnd) == 16);

enum class AluOp : uint8_t { Add, Sub, Mul, And, Or, Xor };
enum class ShiftOp : uint8_t { Shl, ShrS, ShrU, Rotl, Rotr };
enum class DivOp : uint8_t { DivS, DivU, RemS, RemU };
enum class Cond : uint8_t { Eq, Ne, LtS, LtU, GtS, GtU, LeS, LeU, GeS, GeU };
enum class FCond : uint8_t { Eq, Ne, Lt, Gt, Le, Ge };
enum class FBinOp : uint8_t { Add, Sub, Mul, Div, Min, Max, Copysign };
enum class FUnOp : uint8_t { Abs, Neg, Sqrt, Ceil, Floor, Trunc, Nearest };

Cond negate(Cond c);

struct Label {
  uint32_t id = 0xffffffff;
  bool valid() const { return id != 0xffffffff; }
};

// What the compiler must know about registers of this architecture.
struct RegInfo {
  std::vector<Reg> gp_pool;   // allocatable integer registers (caller-saved)
  std::vector<Reg> fp_pool;   // allocatable float registers (caller-saved)
  Reg shift_count = kNoReg;   // register a variable shift count must be in (x64: rcx)
  std::vector<Reg> div_clobbers;  // registers divrem() destroys (x64: rax, rdx)
  // Pool registers the compiler may dedicate to hot locals for a whole
  // function (taken out of its pool; saved around calls).
  std::vector<Reg> gp_homes;
  // Callee-saved registers (outside the pool) that may also be homes: they
  // survive every call, so a home there is not saved around calls; the
  // internal entry saves the ones a function uses (Masm::use_saved_homes)
  // and every return restores them.
  std::vector<Reg> gp_saved_homes;
  // One more such register that is free only when bounds are not explicit
  // (x64: r14, the explicit mode's memory-size register); kNoReg if none.
  Reg gp_saved_home_guard = kNoReg;
  // The register use_fuel_register() takes in a store that consumes fuel
  // (one of the saved homes above, which is then no home).
  Reg fuel = kNoReg;
  // The pool register in which a function with one integer result returns
  // it to fast callers (it is also in slot 0 for every other caller: the
  // external entry and the call adapter copy it). Never a home.
  Reg result_gp = kNoReg;
  std::vector<Reg> fp_homes;
};

class Masm {
 public:
  explicit Masm(BoundsMode bounds);
  ~Masm();
  Masm(const Masm&) = delete;
  Masm& operator=(const Masm&) = delete;

  static const RegInfo& regs();
  static bool is_fp(Reg r);

  // --- function frame ---
  // Two entries. The code starts with the external entry (EntryFn, the C
  // ABI): it saves the callee-saved registers, loads the context, frame,
  // depth and memory registers and calls the internal entry. The internal
  // entry ({fast_entry}) is what JIT code of the same instance calls
  // directly ("fast calls": the reserved registers already hold the
  // context, the callee's frame pointer, the call depth and the memory;
  // the callee's Function* is in a fixed register): it checks call depth
  // and value-stack room ({frame_slots}), records the frame for
  // backtraces with a few stores, then makes ONE compare of the stack
  // pointer with ExecContext::jit_entry_limit that covers both the native
  // stack and the attention flag (interrupt, epochs, timeouts; the slow
  // path out of line tells them apart), zeroes locals
  // [first_local_slot, end_local_slot) and enters the body.
  // {result_in_reg}: the function returns its one integer result in
  // regs().result_gp (see there), decided by its type alone.
  // Before prologue(): the registers of regs().gp_saved_homes (or
  // gp_saved_home_guard) this function uses as homes, at most 8.
  void use_saved_homes(const Reg* regs, size_t n);
  // Parameters that self calls pass in registers: pool registers of
  // regs().gp_homes / fp_homes (never saved homes), each with its
  // parameter's slot. The internal entry first loads each from its slot
  // (the 64 bits: slots hold whole values) and then reaches the self
  // entry, where call_wasm(self) lands with the caller having put the
  // arguments in these registers instead of the slots; from there on the
  // prologue keeps them (its attention call-out saves them around the C
  // call), and the body finds them in their homes.
  struct ArgHome {
    Reg reg;
    int32_t slot;
  };
  void prologue(Function* self, uint32_t frame_slots, uint32_t first_local_off, uint32_t end_local_off,
                Memory* memory, bool result_in_reg, const ArgHome* arg_homes = nullptr, size_t num_arg_homes = 0);
  // The internal entry emitted by prologue() (see there).
  Label fast_entry();
  // Where a fast call lands while the callee is not compiled: an arch stub
  // that calls the callee's {entry} with the C ABI and returns with the
  // internal convention. Function::fast_entry starts out pointing here.
  // {fuel_register}: the caller's store keeps fuel in a register
  // (use_fuel_register); the stub stores it before and reloads it after.
  static void* call_adapter(bool fuel_register = false);
  // Returns 0 (no trap) to the caller.
  void return_ok();
  // An entry point for on-stack replacement at loop header {loop}: like the
  // prologue (same EntryFn signature) but adopting the interpreter's frame
  // as it is, without checks or zeroing. Emitted out of line.
  Label osr_entry(Label loop);
  // Branch target that traps with {kind}: out-of-line stubs emitted by finish().
  Label trap_label(TrapKind kind);
  // Emits stubs and the shared epilogue; after this, size() is final.
  void finish();

  // --- rewriting the last instructions ---
  // A position in the code: the compiler may take back what it emitted
  // since a mark (to emit a better sequence for the same values) as long
  // as no label was bound there.
  struct CodeMark {
    size_t offset = 0;
    uint32_t binds = 0;
    size_t links = 0;  // references to labels not bound yet
  };
  CodeMark mark();
  // Moves the end of the code back to {from} when the code still ends at
  // {now}, no label was bound since {from} and the code since then refers
  // to no label that is still unbound (the assembler would patch that
  // reference into whatever code replaces it: a pool constant, a trap
  // stub); false (nothing changes) otherwise.
  bool rewind(CodeMark from, CodeMark now);

  // --- labels and branches ---
  Label new_label();
  void bind(Label l);
  void jmp(Label l);
  // Branches to {l} when the store's attention flag (ExecContext::interrupt)
  // is set: the check at function entry and loop back-edges.
  void br_attention(Label l);
  // Subtracts {n} from the store's fuel (ExecContext::fuel) and traps with
  // OutOfFuel when it becomes negative. Clobbers scratch and flags only.
  void charge_fuel(uint32_t n);
  // Before prologue(), for stores that consume fuel: keep the remaining
  // fuel in a reserved register while JIT code runs, where the arch has one
  // to spare (fuel_register_available: x64 r14 unless bounds are explicit,
  // where r14 holds the memory size; AArch64 x24), so that a charge is a
  // register subtract instead of a read-modify-write of the context. JIT
  // code of the store shares the register across fast calls; it is stored
  // to ExecContext::fuel only where someone else may read it: before host,
  // runtime and indirect calls (reloaded after them: the host may add
  // fuel), before a memory access that may fault on a guard page (a fault
  // longjmps), in trap stubs, the entry's attention call-out and the
  // external entry's return to its caller; call_adapter(true) stores and
  // reloads it around code that is not compiled. Returns whether the
  // register is used; without this call no code changes.
  bool use_fuel_register();
  static bool fuel_register_available(BoundsMode bounds);
  void br_cmp(Cond c, W w, Reg a, Opnd b, Label l);
  void br_test(bool if_nonzero, W w, Reg a, Label l);
  void br_fcmp(FCond c, FW w, Reg a, Reg b, Label l, bool negate);
  // Jump table: branches to targets[min(index, n-1)] (the last one is the
  // default; an index past it branches there directly). May clobber {index}
  // (a pool register the compiler no longer needs; x64 has one GP scratch).
  void br_table(Reg index, const std::vector<Label>& targets);

  // --- moves and slots ---
  void mov(W w, Reg dst, Opnd src);            // src: reg, imm or slot
  void fmov(FW w, Reg dst, Opnd src);          // src: fp reg, imm bits or slot
  void store_slot(int32_t off, Opnd src);      // src: gp reg or imm; 64-bit store
  void fstore_slot(int32_t off, Reg src, FW w);  // zero-extends f32 bits
  void copy_slot(int32_t dst_off, int32_t src_off);
  void mov_gp_from_fp(W w, Reg dst, Reg src);  // reinterpret
  void mov_fp_from_gp(FW w, Reg dst, Reg src); // reinterpret

  // --- integer arithmetic (dst holds lhs on entry; 2-address form) ---
  void alu(AluOp op, W w, Reg dst, Opnd rhs);
  // dst = lhs op rhs without changing lhs (dst may be lhs; a register rhs
  // is not dst): x64 uses lea / three-operand imul where they fit.
  void alu3(AluOp op, W w, Reg dst, Reg lhs, Opnd rhs);
  void shift(ShiftOp op, W w, Reg dst, Opnd count);  // count reg must be regs().shift_count
  // dst = lhs op rhs; rhs must not be a div_clobbers register; traps to
  // the given labels. May use div_clobbers registers freely.
  void divrem(DivOp op, W w, Reg dst, Reg lhs, Reg rhs, Label div_by_zero, Label overflow);
  void clz(W w, Reg dst, Reg src);
  void ctz(W w, Reg dst, Reg src);
  void popcnt(W w, Reg dst, Reg src);
  void eqz(W w, Reg dst, Reg src);
  void set_cmp(Cond c, W w, Reg dst, Reg a, Opnd b);  // dst = (a c b)
  void sign_extend(uint8_t from_bits, W to, Reg dst, Reg src);  // extend8/16/32_s, i64.extend_i32_s
  void zero_extend32(Reg dst, Reg src);                         // i64.extend_i32_u, i32.wrap_i64
  void select(W w, Reg dst_a, Opnd b, Reg cond);                // dst = cond ? dst : b
  // dst = (ca c cb) ? dst : b at width {w}, the compare at width {cw}
  // (cb: a register, a slot or an immediate that fits in 32 bits, as
  // br_cmp's; b: a register, slot or immediate; neither register is dst).
  void select_cmp(Cond c, W cw, Reg ca, Opnd cb, W w, Reg dst_a, Opnd b);
  void fselect(FW w, Reg dst_a, Reg b, Reg cond);

  // --- floats ---
  void fbin(FBinOp op, FW w, Reg dst, Reg rhs);  // dst = dst op rhs
  // dst = dst op the constant with these bits; op: Add, Sub, Mul or Div
  // (x64 reads it from the code's constant pool as a memory operand).
  void fbin_const(FBinOp op, FW w, Reg dst, uint64_t bits);
  void fun(FUnOp op, FW w, Reg dst, Reg src);
  void set_fcmp(FCond c, FW w, Reg dst_gp, Reg a, Reg b);
  // Conversions of the wasm op {op} (trunc, trunc_sat, convert, promote, demote).
  void convert(Op op, Reg dst, Reg src, Label invalid, Label overflow);

  // --- linear memory ---
  void load(Op op, Reg dst, Reg addr, uint32_t offset, Label oob);
  void store(Op op, Reg addr, Opnd value, uint32_t offset, Label oob);  // value: reg or imm

  // --- SIMD: v128 values in fp-pool registers (all 128 bits) ---
  // The compiler emits an op inline only when simd_inline(op) says this
  // CPU has code for it (x64: SSE4.1 found by CPUID at start-up, and the
  // op implemented); every other op takes the generic path (spill, call
  // the interpreter's function through simd_runtime.h). Operand registers
  // follow the op's wasm types: v128/f32/f64 in fp-pool registers, i32/i64
  // in gp-pool registers. {dst} is a pool register of the result's class;
  // a v128 dst may equal {a} (the compiler reuses a dying operand's
  // register) but never another operand. Methods clobber only the arch's
  // fp scratch registers (x64 xmm14/xmm15, a64 v30/v31) and gp scratch.
  static bool simd_inline(Op op);
  // Whether the CPU has what inline SIMD needs (x64: SSE4.1); for --stats.
  static bool simd_inline_available();
  void vload_slot(Reg dst, int32_t off);   // the slot pair at {off}
  void vstore_slot(int32_t off, Reg src);
  void vmov(Reg dst, Reg src);
  void vconst(Reg dst, const uint8_t bytes[16]);
  // SimdShape Un / Bin / Tern of interp/simd_ops.inc: dst = op(a, b, c).
  void simd_un(Op op, Reg dst, Reg a);
  void simd_bin(Op op, Reg dst, Reg a, Reg b);
  void simd_tern(Op op, Reg dst, Reg a, Reg b, Reg c);
  // A shift (i8x16.shl ... i64x2.shr_u) by the constant {count}, which it
  // takes modulo the lane width as wasm does (no count register needed).
  void simd_shift_imm(Op op, Reg dst, Reg a, uint32_t count);
  // i8x16.shuffle: lanes[i] < 32 picks byte lanes[i] of a:b; 0xff gives a
  // zero byte (the compiler passes it for lanes of an operand it knows is
  // all zeros, e.g. clang's zero-extending shuffles with v128.const 0).
  void simd_shuffle(Reg dst, Reg a, Reg b, const uint8_t lanes[16]);
  void simd_extract(Op op, Reg dst, Reg a, uint8_t lane);
  void simd_replace(Op op, Reg dst, Reg a, Reg x, uint8_t lane);
  // Memory forms with the scalar load()/store() bounds rules (guard pages
  // or explicit checks against the access's last byte; oob: trap label).
  void simd_load(Op op, Reg dst, Reg addr, uint32_t offset, Label oob);
  void simd_store(Op op, Reg addr, Reg value, uint32_t offset, Label oob);
  // dst = vec with lane {lane} loaded (dst may equal vec).
  void simd_load_lane(Op op, Reg dst, Reg addr, Reg vec, uint32_t offset, uint8_t lane, Label oob);
  void simd_store_lane(Op op, Reg addr, Reg vec, uint32_t offset, uint8_t lane, Label oob);

  // --- globals ---
  void global_get(Global* g, Reg dst, bool fp, FW fw);
  void global_set(Global* g, Opnd value, bool fp, FW fw);

  // --- calls (every pool register is dead across them) ---
  // Calls {callee} with its frame at fp + {argbase}; a trap in the callee
  // propagates out of this function. {fast}: the callee belongs to this
  // function's instance (same memory), so the call goes through
  // callee->fast_entry (which must be set) with the internal convention, or
  // straight to this function's own internal entry when {callee} is the
  // function being compiled; otherwise through callee->entry (C ABI).
  // {self} lands at the self entry: the arguments of the prologue's
  // arg_homes are in those registers (see prologue), the others in slots.
  void call_wasm(Function* callee, int32_t argbase, bool fast, bool self);
  // call_indirect: checks index, null and signature inline; a callee of
  // this function's instance whose Function::fast_entry is set (compiled,
  // or the adapter) is called with the internal convention, any other
  // through its entry (C ABI). {result_in_reg}: the signature returns in
  // regs().result_gp (see prologue), which then holds the result after
  // either path.
  void call_indirect(Table* table, uint32_t sig_id, Reg index, int32_t argbase, bool result_in_reg);
  // Calls C function fn(ExecContext*, uint64_t* fp, a0, a1, a2) returning a
  // TrapKind (0 = ok); used for bulk memory, table ops and memory.grow.
  void call_runtime(const void* fn, uint64_t a0, uint64_t a1, uint64_t a2);
  // Reloads the memory-size register after anything that may grow memory.
  void reload_memory();

  size_t size();
  // Offset of a bound label from the start of the code (after size()).
  uint64_t label_offset(Label l);
  // Copies the finished code to {write}, to execute at address {exec}.
  bool emit_to(uint8_t* exec, uint8_t* write, size_t capacity);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace brisk::jit

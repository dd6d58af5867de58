// The single-pass baseline compiler: a visitor of the shared CodeWalker
// that emits machine code through the arch-neutral Masm. It keeps an
// abstract value stack whose entries are constants, registers, locals not
// yet loaded (read in place from their slots) or values in their own stack
// slot. Registers are allocated from the arch's pool and spilled to the
// entry's own slot under pressure. At every control merge, call and branch
// the stack is made canonical (every entry in its own slot), which is the
// interpreter's frame layout: both tiers share frames.
#include <algorithm>
#include <array>
#include <atomic>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>

#include "base/reader.h"
#include "base/reused_buffers.h"
#include "core/code_walker.h"
#include "jit/jit_runtime.h"
#include "interp/simd_ops.h"
#include "jit/masm.h"
#include "jit/jitdump.h"
#include "jit/simd_runtime.h"
#include "runtime/runtime_ops.h"

namespace brisk::jit {

namespace {

bool is_float(ValType t) { return t == ValType::F32 || t == ValType::F64; }
// BRISK_JIT_SIMD=generic forces the generic SIMD path (read once), so that
// tests can compare it with the inline code on one machine.
bool simd_forced_generic() {
  static const bool forced = [] {
    const char* e = std::getenv("BRISK_JIT_SIMD");
    return e && std::strcmp(e, "generic") == 0;
  }();
  return forced;
}
bool simd_inline_on() {
  static const bool on = !simd_forced_generic() && Masm::simd_inline_available();
  return on;
}
// Values held in fp-pool registers: floats and (SIMD inline path) v128.
bool in_fp(ValType t) { return is_float(t) || t == ValType::V128; }
W width(ValType t) { return t == ValType::I32 ? W::W32 : W::W64; }
FW fwidth(ValType t) { return t == ValType::F32 ? FW::F32 : FW::F64; }

class Compiler : public NullVisitor {
 public:
  struct Buffers;
  // {reuse}: working vectors kept across compilations (see Buffers).
  Compiler(Function* f, Masm& m, Buffers* reuse = nullptr)
      : f_(f), inst_(f->instance), mod_(*inst_->module), m_(m), reuse_(reuse) {
    if (reuse_) take_buffers();
    const FuncType& ft = mod_.func_type(f->index);
    const FuncBody& body = mod_.body(f->index);
    num_params_ = uint32_t(ft.params.size());
    num_locals_ = uint32_t(ft.params.size() + body.locals.size());
    local_types_ = ft.params;
    local_types_.insert(local_types_.end(), body.locals.begin(), body.locals.end());
    results_ = ft.results;
    result_in_reg_ = returns_in_reg(ft);
    // Frame offsets are prefix sums of slot widths (a v128 takes two slots).
    uint32_t slot = 0;
    for (ValType t : local_types_) {
      loc_off_.push_back(int32_t(slot * 8));
      slot += val_slots(t);
    }
    local_slots_ = slot;
    param_slots_ = slot_count(ft.params);
    // body.max_stack counts values; each may be a v128 of two slots.
    frame_slots_ = local_slots_ + body.max_stack * (body.uses_simd ? 2 : 1) + 3;
    owner_.fill(-1);
    choose_homes(body);
    // Parameters in pool homes come in their registers on self calls
    // (Masm::prologue, arg_homes); the internal entry loads them for
    // every other caller.
    arg_homes_.clear();
    for (uint32_t i = 0; i < num_params_; ++i)
      if (arg_in_home(i)) arg_homes_.push_back({home_[i], loc_off_[i]});
  }
  // Parameter i comes in its home register on self calls (a v128 home
  // does not: the entry moves 64-bit registers only).
  bool arg_in_home(uint32_t i) const {
    return home_[i] != kNoReg && !saved_home_[i] && local_types_[i] != ValType::V128;
  }

  void begin() {
    Memory* mem = inst_->memories.empty() ? nullptr : inst_->memories[0];
    // Function entry is a check site (interrupt, epochs, timeouts): the
    // prologue folds it into its native-stack compare.
    // Declared locals start at zero. A local with a home is read from its
    // slot only after save_homes() wrote it, so only the others' slots are
    // zeroed (one by one when few, else the whole range by the prologue).
    std::vector<int32_t> slot_locals;  // offsets of the slots to zero
    for (uint32_t i = num_params_; i < num_locals_; ++i)
      if (home_[i] == kNoReg)
        for (uint32_t j = 0; j < val_slots(local_types_[i]); ++j) slot_locals.push_back(loc_off_[i] + int32_t(j * 8));
    const bool zero_each = slot_locals.size() <= 16;
    m_.use_saved_homes(saved_regs_, num_saved_);
    m_.prologue(f_, frame_slots_, param_slots_ * 8, zero_each ? param_slots_ * 8 : local_slots_ * 8, mem,
                result_in_reg_, arg_homes_.data(), arg_homes_.size());
    if (zero_each)
      for (int32_t off : slot_locals) m_.store_slot(off, Opnd::i(0));
    for (uint32_t i : homed_) {
      if (i < num_params_ && arg_in_home(i)) continue;  // loaded by the prologue (arg_homes_)
      // Loaded from its slot, or zero as its slot (zeroed by the prologue when not one by one).
      if (i < num_params_ || !zero_each) home_synced_[i] = 1;
      ValType t = local_types_[i];
      Opnd src = i < num_params_ ? Opnd::s(loc_off_[i]) : Opnd::i(0);
      if (t == ValType::V128)
        v128_init_home(i);
      else if (is_float(t))
        m_.fmov(fwidth(t), home_[i], src);
      else
        m_.mov(width(t), home_[i], src);
    }
    Ctl fn;
    fn.is_function = true;
    fn.nresults = uint32_t(results_.size());
    fn.result_types = results_.data();
    ctl_.push_back(fn);
    explicit_bounds_ = inst_->store->config().bounds == BoundsMode::Explicit;
    fuel_ = inst_->store->config().consume_fuel;
    want_osr_ = inst_->store->config().mode == ExecMode::Tiered;
  }
  uint32_t frame_slots() const { return frame_slots_; }
  bool unsupported() const { return unsupported_; }
  uint32_t simd_inline_ops() const { return simd_inline_ops_; }
  uint32_t simd_generic_ops() const { return simd_generic_ops_; }
  const std::vector<Label>& osr_labels() const { return osr_labels_; }
  const std::vector<Function*>& adapter_callees() const { return adapter_callees_; }

  // ---------------------------------------------------------------- visitor
  void on_simple(Op op, MemArg ma) {
    flush_cond();
    if (is_simd_op(op)) return simd_simple(op, ma);
    const OpInfo& info = op_info(op);
    if (info.imm == ImmKind::Memarg) return memory_access(op, ma);
    if (op >= Op::i32_eq && op <= Op::i32_ge_u) return compare(op, W::W32);
    if (op >= Op::i64_eq && op <= Op::i64_ge_u) return compare(op, W::W64);
    if (op == Op::i32_eqz || op == Op::i64_eqz) return eqz(op == Op::i32_eqz ? W::W32 : W::W64);
    switch (op) {
      case Op::i32_add: return alu(AluOp::Add, ValType::I32);
      case Op::i32_sub: return alu(AluOp::Sub, ValType::I32);
      case Op::i32_mul: return alu(AluOp::Mul, ValType::I32);
      case Op::i32_and: return alu(AluOp::And, ValType::I32);
      case Op::i32_or: return alu(AluOp::Or, ValType::I32);
      case Op::i32_xor: return alu(AluOp::Xor, ValType::I32);
      case Op::i64_add: return alu(AluOp::Add, ValType::I64);
      case Op::i64_sub: return alu(AluOp::Sub, ValType::I64);
      case Op::i64_mul: return alu(AluOp::Mul, ValType::I64);
      case Op::i64_and: return alu(AluOp::And, ValType::I64);
      case Op::i64_or: return alu(AluOp::Or, ValType::I64);
      case Op::i64_xor: return alu(AluOp::Xor, ValType::I64);
      case Op::i32_shl: return shift(ShiftOp::Shl, ValType::I32);
      case Op::i32_shr_s: return shift(ShiftOp::ShrS, ValType::I32);
      case Op::i32_shr_u: return shift(ShiftOp::ShrU, ValType::I32);
      case Op::i32_rotl: return shift(ShiftOp::Rotl, ValType::I32);
      case Op::i32_rotr: return shift(ShiftOp::Rotr, ValType::I32);
      case Op::i64_shl: return shift(ShiftOp::Shl, ValType::I64);
      case Op::i64_shr_s: return shift(ShiftOp::ShrS, ValType::I64);
      case Op::i64_shr_u: return shift(ShiftOp::ShrU, ValType::I64);
      case Op::i64_rotl: return shift(ShiftOp::Rotl, ValType::I64);
      case Op::i64_rotr: return shift(ShiftOp::Rotr, ValType::I64);
      case Op::i32_div_s: return divrem(DivOp::DivS, ValType::I32);
      case Op::i32_div_u: return divrem(DivOp::DivU, ValType::I32);
      case Op::i32_rem_s: return divrem(DivOp::RemS, ValType::I32);
      case Op::i32_rem_u: return divrem(DivOp::RemU, ValType::I32);
      case Op::i64_div_s: return divrem(DivOp::DivS, ValType::I64);
      case Op::i64_div_u: return divrem(DivOp::DivU, ValType::I64);
      case Op::i64_rem_s: return divrem(DivOp::RemS, ValType::I64);
      case Op::i64_rem_u: return divrem(DivOp::RemU, ValType::I64);
      case Op::i32_clz: return int_unary(op, ValType::I32, ValType::I32);
      case Op::i32_ctz: return int_unary(op, ValType::I32, ValType::I32);
      case Op::i32_popcnt: return int_unary(op, ValType::I32, ValType::I32);
      case Op::i64_clz: return int_unary(op, ValType::I64, ValType::I64);
      case Op::i64_ctz: return int_unary(op, ValType::I64, ValType::I64);
      case Op::i64_popcnt: return int_unary(op, ValType::I64, ValType::I64);
      case Op::i32_extend8_s: return int_unary(op, ValType::I32, ValType::I32);
      case Op::i32_extend16_s: return int_unary(op, ValType::I32, ValType::I32);
      case Op::i64_extend8_s: return int_unary(op, ValType::I64, ValType::I64);
      case Op::i64_extend16_s: return int_unary(op, ValType::I64, ValType::I64);
      case Op::i64_extend32_s: return int_unary(op, ValType::I64, ValType::I64);
      case Op::i64_extend_i32_s: return int_unary(op, ValType::I32, ValType::I64);
      case Op::i64_extend_i32_u: return int_unary(op, ValType::I32, ValType::I64);
      case Op::i32_wrap_i64: return int_unary(op, ValType::I64, ValType::I32);
      case Op::f32_add: return fbin(FBinOp::Add, ValType::F32);
      case Op::f32_sub: return fbin(FBinOp::Sub, ValType::F32);
      case Op::f32_mul: return fbin(FBinOp::Mul, ValType::F32);
      case Op::f32_div: return fbin(FBinOp::Div, ValType::F32);
      case Op::f32_min: return fbin(FBinOp::Min, ValType::F32);
      case Op::f32_max: return fbin(FBinOp::Max, ValType::F32);
      case Op::f32_copysign: return fbin(FBinOp::Copysign, ValType::F32);
      case Op::f64_add: return fbin(FBinOp::Add, ValType::F64);
      case Op::f64_sub: return fbin(FBinOp::Sub, ValType::F64);
      case Op::f64_mul: return fbin(FBinOp::Mul, ValType::F64);
      case Op::f64_div: return fbin(FBinOp::Div, ValType::F64);
      case Op::f64_min: return fbin(FBinOp::Min, ValType::F64);
      case Op::f64_max: return fbin(FBinOp::Max, ValType::F64);
      case Op::f64_copysign: return fbin(FBinOp::Copysign, ValType::F64);
      case Op::f32_abs: return fun(FUnOp::Abs, ValType::F32);
      case Op::f32_neg: return fun(FUnOp::Neg, ValType::F32);
      case Op::f32_sqrt: return fun(FUnOp::Sqrt, ValType::F32);
      case Op::f32_ceil: return fun(FUnOp::Ceil, ValType::F32);
      case Op::f32_floor: return fun(FUnOp::Floor, ValType::F32);
      case Op::f32_trunc: return fun(FUnOp::Trunc, ValType::F32);
      case Op::f32_nearest: return fun(FUnOp::Nearest, ValType::F32);
      case Op::f64_abs: return fun(FUnOp::Abs, ValType::F64);
      case Op::f64_neg: return fun(FUnOp::Neg, ValType::F64);
      case Op::f64_sqrt: return fun(FUnOp::Sqrt, ValType::F64);
      case Op::f64_ceil: return fun(FUnOp::Ceil, ValType::F64);
      case Op::f64_floor: return fun(FUnOp::Floor, ValType::F64);
      case Op::f64_trunc: return fun(FUnOp::Trunc, ValType::F64);
      case Op::f64_nearest: return fun(FUnOp::Nearest, ValType::F64);
      case Op::f32_eq: return fcompare(FCond::Eq, ValType::F32);
      case Op::f32_ne: return fcompare(FCond::Ne, ValType::F32);
      case Op::f32_lt: return fcompare(FCond::Lt, ValType::F32);
      case Op::f32_gt: return fcompare(FCond::Gt, ValType::F32);
      case Op::f32_le: return fcompare(FCond::Le, ValType::F32);
      case Op::f32_ge: return fcompare(FCond::Ge, ValType::F32);
      case Op::f64_eq: return fcompare(FCond::Eq, ValType::F64);
      case Op::f64_ne: return fcompare(FCond::Ne, ValType::F64);
      case Op::f64_lt: return fcompare(FCond::Lt, ValType::F64);
      case Op::f64_gt: return fcompare(FCond::Gt, ValType::F64);
      case Op::f64_le: return fcompare(FCond::Le, ValType::F64);
      case Op::f64_ge: return fcompare(FCond::Ge, ValType::F64);
      case Op::i32_reinterpret_f32: return reinterpret(ValType::F32, ValType::I32);
      case Op::i64_reinterpret_f64: return reinterpret(ValType::F64, ValType::I64);
      case Op::f32_reinterpret_i32: return reinterpret(ValType::I32, ValType::F32);
      case Op::f64_reinterpret_i64: return reinterpret(ValType::I64, ValType::F64);
      default: return conversion(op);
    }
  }

  void on_simd(Op op, const SimdImm& imm) {
    flush_cond();
    simd_imm(op, imm);
  }

  void on_const(Op op, uint64_t bits) {
    flush_cond();
    ValType t = op == Op::i32_const ? ValType::I32 : op == Op::i64_const ? ValType::I64
              : op == Op::f32_const ? ValType::F32 : ValType::F64;
    push_const(t, bits);
  }
  void on_ref_null(ValType t) {
    flush_cond();
    push_const(t, 0);
  }
  void on_ref_func(uint32_t fi) {
    flush_cond();
    push_const(ValType::FuncRef, reinterpret_cast<uint64_t>(inst_->funcs[fi]));
  }
  void on_ref_is_null() {
    flush_cond();
    Reg r = take_reg(top());
    pop();
    m_.eqz(W::W64, r, r);
    push_reg(ValType::I32, r);
  }

  void on_local_get(uint32_t i) {
    flush_cond();
    push_new(Val::Local, local_types_[i]).local = i;
  }
  void on_local_set(uint32_t i) {
    flush_cond();
    store_local(i, /*keep=*/false);
  }
  void on_local_tee(uint32_t i) {
    flush_cond();
    store_local(i, /*keep=*/true);
  }
  void on_global_get(uint32_t i) {
    flush_cond();
    Global* g = inst_->globals[i];
    ValType t = g->type.type;
    if (t == ValType::V128) return v128_global_get(g);
    Reg r = alloc(is_float(t));
    m_.global_get(g, r, is_float(t), fwidth(t));
    push_reg(t, r);
  }
  void on_global_set(uint32_t i) {
    flush_cond();
    Global* g = inst_->globals[i];
    size_t k = top();
    if (vs_[k].type == ValType::V128) return v128_global_set(g);
    Opnd v = is_float(vs_[k].type) ? Opnd::r(read_reg(k)) : gp_operand(k, /*allow_slot=*/false);
    m_.global_set(g, v, is_float(vs_[k].type), fwidth(vs_[k].type));
    pop();
  }
  // The walk keeps no operand types (WalkMode::ValidatedUntyped): vs_ has them.
  ValType operand_type(uint32_t from_top) const { return vs_[vs_.size() - 1 - from_top].type; }
  void on_drop(ValType) {
    flush_cond();
    pop();
  }
  void on_select(ValType t) {
    if ((t == ValType::I32 || t == ValType::I64) && vs_.back().kind == Val::Cond_) return select_on_cond(t);
    flush_cond();
    if (t == ValType::V128) return v128_select();
    size_t kc = top();
    Reg cond = read_reg(kc);
    size_t kb = kc - 1, ka = kc - 2;
    if (is_float(t)) {
      Reg b = read_reg(kb);
      Reg a = take_reg(ka);
      m_.fselect(fwidth(t), a, b, cond);
      pop_n(3);
      push_reg(t, a);
    } else {
      Opnd b = gp_operand(kb, true);
      Reg a = take_reg(ka);
      m_.select(width(t), a, b, cond);
      pop_n(3);
      push_reg(t, a);
    }
  }
  // select on a compare still in the flags' form: the compare and a
  // conditional move, without materialising the condition as 0/1 and
  // testing it again.
  void select_on_cond(ValType t) {
    size_t kc = top(), kb = kc - 1, ka = kc - 2;
    Opnd b = gp_operand(kb, true);
    Reg a = take_reg(ka);
    const Val& c = vs_[kc];
    if (c.kind != Val::Cond_) {  // spilled (materialised) to free a register
      m_.select(width(t), a, b, read_reg(kc));
    } else if (c.is_test) {
      m_.select_cmp(Cond::Eq, c.cw, c.reg, Opnd::i(0), width(t), a, b);
    } else {
      m_.select_cmp(c.cond, c.cw, c.reg, c.rhs(), width(t), a, b);
    }
    pop_n(3);
    push_reg(t, a);
  }
  void on_unreachable() {
    flush_cond();
    m_.jmp(m_.trap_label(TrapKind::Unreachable));
  }
  void on_memory_size() { misc(Op::memory_size, 0, 0); }
  void on_memory_grow() { misc(Op::memory_grow, 0, 0); }
  void on_table_op(Op op, uint32_t a, uint32_t b) { misc(op, a, b); }
  void on_memory_op(Op op, uint32_t a) { misc(op, a, 0); }

  void on_call(uint32_t fi) {
    flush_cond();
    Function* callee = inst_->funcs[fi];
    const FuncType& ft = *callee->type;
    size_t base = vs_.size() - ft.params.size();
    // Functions of this instance share its memory registers: they take the
    // internal convention (a direct call once compiled, the adapter before).
    const bool fast = callee->instance == inst_ && !callee->host && !callee->dead;
    const bool self = fast && callee == f_;
    if (self && !arg_homes_.empty()) {
      self_call_args(base);
    } else {
      spill_all();
      save_homes(/*across_wasm_call=*/true);
    }
    // Until it is compiled, a callee's fast entry is the adapter; it is set
    // when this code is installed (compilation may run on another thread).
    if (fast && !self) adapter_callees_.push_back(callee);
    m_.call_wasm(callee, own(base), fast, self);
    load_homes(/*across_wasm_call=*/true);
    finish_call(base, ft);
    if (fast && returns_in_reg(ft)) {  // the result is in a register, not (only) its slot
      vs_.pop_back();
      push_reg(ft.results[0], Masm::regs().result_gp);
    }
  }
  // A self call's arguments: those of parameters in pool homes go to the
  // home registers (the callee's, which are this function's: their values
  // are saved to their slots first and reloaded after the call), the rest
  // to their slots like every call's. Sources are read from slots, pool
  // registers or immediates, never from a home register another argument
  // may already have overwritten.
  void self_call_args(size_t base) {
    for (size_t k = 0; k < vs_.size(); ++k)
      if (k < base || !arg_in_home(uint32_t(k - base)) || vs_[k].kind == Val::Cond_) spill(k);
    save_homes(/*across_wasm_call=*/true);
    for (size_t k = base; k < vs_.size(); ++k) {
      const uint32_t i = uint32_t(k - base);
      if (!arg_in_home(i)) continue;
      const Val& v = vs_[k];
      Opnd src;
      switch (v.kind) {
        case Val::Const:
          src = Opnd::i(v.type == ValType::I32 || v.type == ValType::F32 ? int64_t(uint32_t(v.c)) : int64_t(v.c));
          break;
        case Val::Local:  // a pool home was just saved; a saved home is never a target
          src = home_[v.local] != kNoReg && saved_home_[v.local] ? Opnd::r(home_[v.local]) : Opnd::s(loc_off_[v.local]);
          break;
        case Val::Reg_: src = Opnd::r(v.reg); break;
        default: src = Opnd::s(own(k)); break;
      }
      home_written(i);
      if (is_float(v.type))
        m_.fmov(fwidth(v.type), home_[i], src);
      else
        m_.mov(width(v.type), home_[i], src);
    }
  }
  void on_call_indirect(uint32_t ti, uint32_t table) {
    flush_cond();
    const FuncType& ft = mod_.types[ti];
    // The index goes in a register; everything else to its slot.
    size_t ki = top();
    spill_all_except(ki);
    Reg idx = to_reg(ki);
    size_t base = vs_.size() - 1 - ft.params.size();
    save_homes(/*across_wasm_call=*/true);
    m_.call_indirect(inst_->tables[table], inst_->store->intern_sig(ft), idx, own(base), returns_in_reg(ft));
    load_homes(/*across_wasm_call=*/true);
    pop();
    finish_call(base, ft);
    if (returns_in_reg(ft)) {  // the result is in a register (call_indirect loads it on the C path)
      vs_.pop_back();
      push_reg(ft.results[0], Masm::regs().result_gp);
    }
  }

  void on_block(Op kind, const BlockSig& sig) {
    if (kind != Op::if_) flush_cond();
    Ctl c;
    c.kind = kind;
    c.nparams = sig.num_params;
    c.nresults = sig.num_results;
    c.param_types = sig.params;
    c.result_types = sig.results;
    c.label = m_.new_label();
    if (kind == Op::if_) {
      c.else_label = m_.new_label();
      branch_on_top(/*when=*/false, c.else_label, /*spill_first=*/true);
      c.synced_at_if = synced_homes();
    } else {
      spill_all();
    }
    c.height = uint32_t(vs_.size()) - sig.num_params;
    if (ctl_.size() == 1 && top_blocks_++ == tail_block_ && kind != Op::loop && c.height == 0 &&
        sig.num_results == results_.size() && !inst_->store->config().consume_fuel)
      c.tail = true;
    if (kind == Op::loop) {
      merge_point();  // the back-edges
      m_.bind(c.label);
      if (want_osr_) {  // only the tiered mode enters code mid-function
        Label stub = m_.new_label();
        osr_stubs_.push_back({stub, c.label});
        osr_labels_.push_back(m_.osr_entry(stub));
      }
      // The loop header is the check site of every back-edge (and of the
      // entry into the loop: harmless), so back-edges are plain jumps and a
      // br_if back-edge a single conditional branch. The stack is canonical
      // here: the stub saves only the homes.
      Label stub = m_.new_label(), resume = m_.new_label();
      m_.br_attention(stub);
      m_.bind(resume);
      attention_stubs_.push_back({stub, resume, true});
    }
    ctl_.push_back(c);
  }
  void on_else(bool then_reachable) {
    Ctl& c = ctl_.back();
    if (then_reachable) {
      flush_cond();
      if (c.tail) {
        emit_return();
      } else {
        spill_all();
        note_branch(c);
        m_.jmp(c.label);
      }
    }
    m_.bind(c.else_label);
    v128_forget_zero_locals();
    set_synced_homes(c.synced_at_if);
    c.else_label = Label{};
    reset_stack(c.height, c.nparams, c.param_types);
  }
  void on_end(bool reachable, bool is_function_end) {
    if (reachable) flush_cond();
    v128_forget_zero_locals();  // branches to the end merge here
    if (is_function_end) {
      if (reachable) emit_return();
      ctl_.pop_back();
      // OSR entries: the adopted frame has locals in slots; load the homes.
      for (const auto& [stub, loop] : osr_stubs_) {
        m_.bind(stub);
        load_homes(false, /*out_of_line=*/true);
        m_.jmp(loop);
      }
      // The attention slow path: only homes live in registers at check
      // sites (the stack is canonical), so they are what the call saves.
      for (const AttentionStub& st : attention_stubs_) {
        m_.bind(st.stub);
        if (st.homes_live) save_homes(false, /*out_of_line=*/true);
        m_.call_runtime(reinterpret_cast<const void*>(&jit_check_attention), 0, 0, 0);
        if (st.homes_live) load_homes(false, /*out_of_line=*/true);
        m_.jmp(st.resume);
      }
      return;
    }
    Ctl c = ctl_.back();
    ctl_.pop_back();
    if (reachable && c.tail)
      emit_return();  // what follows is reached by the branches left to the label only
    else if (reachable)
      spill_all();
    // The end of a loop is reached by falling through only.
    if (c.kind != Op::loop) {
      uint64_t synced = c.synced_in;
      if (reachable && !c.tail) synced &= synced_homes();
      if (c.else_label.valid()) synced &= c.synced_at_if;
      set_synced_homes(synced);
    }
    if (c.kind != Op::loop) m_.bind(c.label);
    if (c.else_label.valid()) m_.bind(c.else_label);
    reset_stack(c.height, c.nresults, c.result_types);
  }
  void on_br(uint32_t depth) {
    flush_cond();
    spill_all();
    emit_branch(depth);
  }
  void on_br_if(uint32_t depth) {
    Ctl& t = target(depth);
    // Fast path: the label's values are already where the label wants them.
    if (!t.is_function) {
      spill_all_except(top());
      if (!needs_moves(t, 1)) {
        note_branch(t);
        branch_on_top(true, t.label, false);
        return;
      }
    }
    Label skip = m_.new_label();
    branch_on_top(false, skip, true);
    emit_branch(depth);
    m_.bind(skip);
  }
  void on_br_table(const std::vector<uint32_t>& depths) {
    flush_cond();
    size_t ki = top();
    spill_all_except(ki);
    Reg idx = to_reg(ki);
    pop_keep_reg();
    // One stub per distinct target depth that needs code on the way (a
    // return, or label values to move), emitted in order of first use; the
    // table entries of the others are their targets' labels themselves, so
    // that a dispatch (a switch in a loop) takes one jump, not two.
    std::vector<Label>& targets = br_targets_;
    std::vector<Label>& stub_of_depth = br_stub_of_depth_;
    std::vector<uint32_t>& stub_depths = br_stub_depths_;
    targets.clear();
    stub_depths.clear();
    stub_of_depth.assign(ctl_.size(), Label{});
    for (uint32_t d : depths) {
      if (!stub_of_depth[d].valid()) {
        if (branch_is_plain_jump(d)) {
          note_branch(target(d));
          stub_of_depth[d] = target(d).label;
        } else {
          stub_of_depth[d] = m_.new_label();
          stub_depths.push_back(d);
        }
      }
      targets.push_back(stub_of_depth[d]);
    }
    m_.br_table(idx, targets);
    release(idx);
    for (uint32_t d : stub_depths) {
      m_.bind(stub_of_depth[d]);
      emit_branch(d);
    }
  }
  void on_return() {
    flush_cond();
    emit_return();
  }
  void on_fuel(uint32_t n) { m_.charge_fuel(n); }

 private:
  // ------------------------------------------------------------ value stack
  // 32 bytes, trivially copyable: the stack is pushed and popped per operand.
  struct Val {
    enum Kind : uint8_t { Const, Reg_, Local, Stack, Cond_ } kind = Stack;
    ValType type = ValType::I32;
    Reg reg = kNoReg;
    // Cond_: a deferred integer compare "reg cond rhs" (or a test when is_test).
    Cond cond = Cond::Eq;
    W cw = W::W32;
    bool is_test = false;
    bool home_lhs = false;  // Cond_: reg is a local's home, read only (materialise elsewhere)
    Opnd::Kind rhs_kind = Opnd::Kind::Imm;
    Reg rhs_reg = kNoReg;
    uint32_t local = 0;
    uint32_t pos = 0;  // first slot, counted from the operand stack base (set by push_new)
    uint64_t c = 0;  // Const: the value; Cond_: the rhs immediate or slot
    Opnd rhs() const {
      switch (rhs_kind) {
        case Opnd::Kind::Reg: return Opnd::r(rhs_reg);
        case Opnd::Kind::Slot: return Opnd::s(int32_t(c));
        default: return Opnd::i(int64_t(c));
      }
    }
    void set_rhs(Opnd o) {
      rhs_kind = o.kind;
      rhs_reg = o.reg;
      c = o.is_slot() ? uint64_t(int64_t(o.slot)) : uint64_t(o.imm);
    }
  };
  static_assert(sizeof(Val) == 32);
  struct Ctl {
    Op kind = Op::block;
    bool is_function = false;
    uint32_t height = 0;
    uint32_t nparams = 0, nresults = 0;
    const ValType* param_types = nullptr;
    const ValType* result_types = nullptr;
    Label label;       // branch target (loop: header; others: end)
    Label else_label;  // if: start of the else arm (or end when there is none)
    // A block or if directly in the body, without values below it, whose
    // end is followed by the function's end with its results exactly the
    // function's: a branch to its end, the end of its then arm and its
    // fallthrough return directly (the return sequence is duplicated
    // instead of making the results canonical in slots, jumping, and
    // loading them again for the return). Not with fuel: the function's
    // `end` is an instruction of its own to charge.
    bool tail = false;
    // Homes whose slots hold their values (synced_homes) on every branch
    // to the end label so far, and (if) on the way to the else arm.
    uint64_t synced_in = ~uint64_t(0), synced_at_if = 0;
  };

  Ctl& target(uint32_t d) { return ctl_[ctl_.size() - 1 - d]; }
  // The stack position (in slots) just above the top entry.
  uint32_t end_pos() const { return vs_.empty() ? 0 : vs_.back().pos + val_slots(vs_.back().type); }
  // The position entry k has, or would have when pushed next (k == size).
  uint32_t pos_of(size_t k) const { return k < vs_.size() ? vs_[k].pos : end_pos(); }
  // The byte offset of entry k's own slot (pair).
  int32_t own(size_t k) const { return int32_t((local_slots_ + pos_of(k)) * 8); }
  // A new top entry, built in place: a Val assembled on the stack from byte
  // stores and copied in with wide loads stalled store forwarding.
  Val& push_new(Val::Kind kind, ValType t) {
    const uint32_t pos = end_pos();
    Val& v = vs_.emplace_back();
    v.kind = kind;
    v.type = t;
    v.pos = pos;
    return v;
  }
  // Copies a value of type {t} between slots (two for a v128).
  void copy_val(ValType t, int32_t dst, int32_t src) {
    m_.copy_slot(dst, src);
    if (t == ValType::V128) m_.copy_slot(dst + 8, src + 8);
  }
  size_t top() const { return vs_.size() - 1; }
  uint32_t label_arity(const Ctl& t) const { return t.kind == Op::loop ? t.nparams : t.nresults; }

  void push_const(ValType t, uint64_t bits) { push_new(Val::Const, t).c = bits; }
  void push_reg(ValType t, Reg r) {
    owner_[r] = int(vs_.size());
    push_new(Val::Reg_, t).reg = r;
  }
  void push_stack(ValType t) { push_new(Val::Stack, t); }
  void release(Reg r) {
    if (r != kNoReg) owner_[r] = -1;
  }
  void release_entry(const Val& v) {
    if (v.kind == Val::Reg_) release(v.reg);
    if (v.kind == Val::Cond_) {
      if (!v.home_lhs) release(v.reg);
      if (v.rhs_kind == Opnd::Kind::Reg) release(v.rhs_reg);
    }
  }
  void pop() {
    release_entry(vs_.back());
    vs_.pop_back();
  }
  void pop_n(size_t n) {
    for (size_t i = 0; i < n; ++i) pop();
  }
  // Pops an entry whose register the caller keeps using briefly (not owned).
  void pop_keep_reg() { pop(); }

  // Allocates a free register of the class, spilling if necessary.
  Reg alloc(bool fp) {
    const auto& pool = fp ? fp_pool_ : gp_pool_;
    for (Reg r : pool)
      if (owner_[r] == -1) {
        owner_[r] = int(kTempOwner);
        return r;
      }
    // Spill the deepest entry holding a register of this class.
    for (size_t k = 0; k < vs_.size(); ++k) {
      const Val& v = vs_[k];
      if ((v.kind == Val::Reg_ && Masm::is_fp(v.reg) == fp) || (v.kind == Val::Cond_ && !fp && !v.home_lhs)) {
        spill(k);
        return alloc(fp);
      }
    }
    return pool[0];  // unreachable with pools larger than any instruction needs
  }
  // Frees {r} by spilling its owner; afterwards r is reserved for the caller.
  void evict(Reg r) {
    int o = owner_[r];
    if (o >= 0) spill(size_t(o));
    owner_[r] = kTempOwner;
  }

  // Stores entry k into its own slot (it then lives there).
  void spill(size_t k) {
    Val& v = vs_[k];
    switch (v.kind) {
      case Val::Stack: return;
      case Val::Const:
        if (is_float(v.type)) {
          m_.store_slot(own(k), Opnd::i(int64_t(v.c)));
        } else {
          m_.store_slot(own(k), Opnd::i(v.type == ValType::I32 ? int64_t(uint32_t(v.c)) : int64_t(v.c)));
        }
        break;
      case Val::Local:
        if (home_[v.local] == kNoReg)
          copy_val(v.type, own(k), loc_off_[v.local]);
        else if (v.type == ValType::V128)
          m_.vstore_slot(own(k), home_[v.local]);
        else if (is_float(v.type))
          m_.fstore_slot(own(k), home_[v.local], fwidth(v.type));
        else
          m_.store_slot(own(k), Opnd::r(home_[v.local]));
        break;
      case Val::Reg_:
        if (v.type == ValType::V128)
          m_.vstore_slot(own(k), v.reg);
        else if (is_float(v.type))
          m_.fstore_slot(own(k), v.reg, fwidth(v.type));
        else
          m_.store_slot(own(k), Opnd::r(v.reg));
        release(v.reg);
        break;
      case Val::Cond_:
        materialize_cond(k);
        m_.store_slot(own(k), Opnd::r(v.reg));
        release(v.reg);
        break;
    }
    v.kind = Val::Stack;
    v.reg = kNoReg;
  }
  void spill_all() {
    for (size_t k = 0; k < vs_.size(); ++k) spill(k);
  }
  void spill_all_except(size_t keep) {
    for (size_t k = 0; k < vs_.size(); ++k)
      if (k != keep) spill(k);
  }

  // Turns a deferred compare into a 0/1 value in its register.
  void materialize_cond(size_t k) {
    Val& v = vs_[k];
    if (v.kind != Val::Cond_) return;
    if (v.is_test) {
      m_.eqz(v.cw, v.reg, v.reg);
    } else {
      const Reg lhs = v.reg;
      if (v.home_lhs) {  // the result goes to a register of its own
        v.reg = alloc(false);
        v.home_lhs = false;
      }
      m_.set_cmp(v.cond, v.cw, v.reg, lhs, v.rhs());
      if (v.rhs_kind == Opnd::Kind::Reg) release(v.rhs_reg);
    }
    v.kind = Val::Reg_;
    v.type = ValType::I32;
    owner_[v.reg] = int(k);
  }
  void flush_cond() {
    if (!vs_.empty() && vs_.back().kind == Val::Cond_) materialize_cond(top());
  }

  // Puts entry k in a register it keeps owning; returns the register.
  Reg to_reg(size_t k) {
    Val& v = vs_[k];
    if (v.kind == Val::Cond_) materialize_cond(k);
    if (v.kind == Val::Reg_) return v.reg;
    const bool fp = in_fp(v.type);
    Reg r = alloc(fp);
    load_into(r, v, k);
    v.kind = Val::Reg_;
    v.reg = r;
    owner_[r] = int(k);
    return r;
  }
  void load_into(Reg r, const Val& v, size_t k) {
    if (v.type == ValType::V128) return v128_load_into(r, v, k);
    const bool fp = is_float(v.type);
    Opnd src = v.kind == Val::Const ? Opnd::i(int64_t(v.c))
             : v.kind == Val::Local ? local_operand(v.local)
             : v.kind == Val::Reg_  ? Opnd::r(v.reg)
                                    : Opnd::s(own(k));
    if (fp)
      m_.fmov(fwidth(v.type), r, src);
    else
      m_.mov(width(v.type) == W::W32 && v.type == ValType::I32 ? W::W32 : W::W64, r, src);
  }
  // A register holding entry k's value that the caller may overwrite; the
  // entry no longer owns it (the caller pops the entry).
  Reg take_reg(size_t k) {
    Val& v = vs_[k];
    if (v.kind == Val::Cond_) materialize_cond(k);
    if (v.kind == Val::Reg_) {
      Reg r = v.reg;
      owner_[r] = kTempOwner;
      v.kind = Val::Stack;  // ownership moved to the caller
      v.reg = kNoReg;
      return r;
    }
    Reg r = alloc(in_fp(v.type));
    load_into(r, v, k);
    return r;
  }
  // An operand for a GP instruction: register, immediate (when it fits in
  // 32 bits) or, if allowed, a slot.
  Opnd gp_operand(size_t k, bool allow_slot) {
    Val& v = vs_[k];
    if (v.kind == Val::Cond_) materialize_cond(k);
    if (v.kind == Val::Reg_) return Opnd::r(v.reg);
    if (v.kind == Val::Const) {
      int64_t c = v.type == ValType::I32 ? int64_t(int32_t(uint32_t(v.c))) : int64_t(v.c);
      if (c >= INT32_MIN && c <= INT32_MAX) return Opnd::i(v.type == ValType::I32 ? int64_t(uint32_t(v.c)) : c);
    }
    if (v.kind == Val::Local && home_[v.local] != kNoReg) return Opnd::r(home_[v.local]);
    if (allow_slot && v.kind == Val::Local) return Opnd::s(loc_off_[v.local]);
    if (allow_slot && v.kind == Val::Stack) return Opnd::s(own(k));
    return Opnd::r(to_reg(k));
  }

  // A register holding entry k's value for reading only (a local's home
  // is used in place).
  Reg read_reg(size_t k) {
    const Val& v = vs_[k];
    if (v.kind == Val::Local && home_[v.local] != kNoReg) return home_[v.local];
    return to_reg(k);
  }
  Opnd local_operand(uint32_t i) const {
    return home_[i] != kNoReg ? Opnd::r(home_[i]) : Opnd::s(loc_off_[i]);
  }

  // ------------------------------------------------------------ register homes
  // The most used locals (counted by validation: FuncBody::hot_begin)
  // live in registers for the whole function. Homes in pool registers are
  // written to their slots around calls, which clobber them; homes in
  // callee-saved registers (RegInfo::gp_saved_homes) survive wasm calls
  // and cost a push and a pop per activation instead (the internal entry
  // saves them). They come after the pool homes: in call-heavy code such
  // as fib, most activations are leaves that never call, and the push and
  // pop would cost them more than the saves around calls cost the others
  // (measured). Around call-outs to the runtime
  // (attention, bulk memory, memory.grow) and at OSR entry, the slots of
  // every home are written or read: the frame stays authoritative there.
  void choose_homes(const FuncBody& body) {
    home_.assign(num_locals_, kNoReg);
    saved_home_.assign(num_locals_, 0);
    home_synced_.assign(num_locals_, 0);
    zero_v128_.assign(num_locals_, 0);
    any_zero_v128_ = false;
    num_saved_ = 0;
    gp_pool_ = Masm::regs().gp_pool;
    fp_pool_ = Masm::regs().fp_pool;
    const size_t fp_scalar_homes = Masm::regs().fp_homes.size();
    const std::vector<Reg>& fp_homes = v128_fp_homes(body.uses_simd);  // the fp homes, then pool registers for hot v128 locals
    tail_block_ = body.tail_block;
    if (num_locals_ == 0) return;
    // The GP home registers in the order they are handed out: the pool
    // homes, then the callee-saved ones (from index {first_saved}).
    std::vector<Reg>& gp_homes = gp_home_order_;
    const RegInfo& ri = Masm::regs();
    gp_homes = ri.gp_homes;
    const size_t first_saved = gp_homes.size();
    gp_homes.insert(gp_homes.end(), ri.gp_saved_homes.begin(), ri.gp_saved_homes.end());
    if (ri.gp_saved_home_guard != kNoReg && inst_->store->config().bounds != BoundsMode::Explicit)
      gp_homes.push_back(ri.gp_saved_home_guard);
    if (inst_->store->config().consume_fuel)  // the fuel register (Masm::use_fuel_register)
      gp_homes.erase(std::remove(gp_homes.begin(), gp_homes.end(), ri.fuel), gp_homes.end());
    if (gp_homes.empty() && fp_homes.empty()) return;
    // (No class has more homes than validation ranks candidates for:
    // tests/unit/home_capacity_test.cc.)
    size_t ngp = 0, nfp = 0;
    // Validation ranked the locals (FuncBody::hot_begin): the most used
    // first. Whether a local fits depends only on how many homes its class
    // has taken, and once it does not fit it never will again, so one pass
    // in rank order hands out what taking the most used fitting local again
    // and again would.
    const HotLocal* hot = mod_.hot_locals.data() + body.hot_begin;
    for (const HotLocal* h = hot; h != hot + body.hot_count; ++h) {
      const uint32_t i = h->local;
      const ValType t = local_types_[i];
      // A callee-saved home costs a push and a pop per activation: only
      // for a local used in a loop (a weight of 8 or more).
      // v128 locals share the fp homes when SIMD runs inline.
      const bool fp = is_float(t) || (t == ValType::V128 && simd_inline_on());
      const bool fits = fp ? nfp < fp_scalar_homes || (t == ValType::V128 && nfp < fp_homes.size() && h->uses >= kV128ExtraHomeUses)
                           : (t == ValType::I32 || t == ValType::I64) && ngp < gp_homes.size() &&
                                 (ngp < first_saved || h->uses >= 8);
      if (!fits) continue;
      const bool saved = !in_fp(t) && ngp >= first_saved;
      home_[i] = in_fp(t) ? fp_homes[nfp++] : gp_homes[ngp++];
      homed_.push_back(i);
      if (saved) {
        saved_home_[i] = 1;
        saved_regs_[num_saved_++] = home_[i];
      }
      auto& pool = in_fp(t) ? fp_pool_ : gp_pool_;
      pool.erase(std::remove(pool.begin(), pool.end(), home_[i]), pool.end());
    }
  }
  // A loop header is reached from back-edges not compiled yet: what the
  // straight-line tracking knew no longer holds.
  void merge_point() {
    v128_forget_zero_locals();
    set_synced_homes(0);
  }
  // home_synced_ as a mask over homed_ (at most 64 homes), for the states
  // that meet at a label.
  uint64_t synced_homes() const {
    uint64_t m = 0;
    for (size_t k = 0; k < homed_.size(); ++k) m |= uint64_t(home_synced_[homed_[k]]) << k;
    return m;
  }
  void set_synced_homes(uint64_t m) {
    for (size_t k = 0; k < homed_.size(); ++k) home_synced_[homed_[k]] = (m >> k) & 1;
  }
  // A jump to t's label from here (a loop header forgets everything).
  void note_branch(Ctl& t) {
    if (t.kind != Op::loop && !t.is_function) t.synced_in &= synced_homes();
  }
  // The home of local i now holds a value its slot does not.
  void home_written(uint32_t i) { home_synced_[i] = 0; }
  // {across_wasm_call}: around a wasm call, where homes in callee-saved
  // registers stay as they are. {out_of_line}: in a stub emitted after the
  // body, where what the body's tracking knows at its end does not hold:
  // every slot is written, and nothing is recorded.
  void load_homes(bool across_wasm_call = false, bool out_of_line = false) {
    for (uint32_t i : homed_) {
      if (across_wasm_call && saved_home_[i]) continue;
      if (!out_of_line) home_synced_[i] = 1;
      ValType t = local_types_[i];
      if (t == ValType::V128)
        m_.vload_slot(home_[i], loc_off_[i]);
      else if (is_float(t))
        m_.fmov(fwidth(t), home_[i], Opnd::s(loc_off_[i]));
      else
        m_.mov(width(t), home_[i], Opnd::s(loc_off_[i]));
    }
  }
  // A home whose slot already holds its value (home_synced_) is not
  // stored again: code full of calls keeps most locals unchanged between two.
  void save_homes(bool across_wasm_call = false, bool out_of_line = false) {
    for (uint32_t i : homed_) {
      if (across_wasm_call && saved_home_[i]) continue;
      if (!out_of_line) {
        if (home_synced_[i]) continue;
        home_synced_[i] = 1;
      }
      ValType t = local_types_[i];
      if (t == ValType::V128)
        m_.vstore_slot(loc_off_[i], home_[i]);
      else if (is_float(t))
        m_.fstore_slot(loc_off_[i], home_[i], fwidth(t));
      else
        m_.store_slot(loc_off_[i], Opnd::r(home_[i]));
    }
  }

  // ------------------------------------------------------------ locals
  void store_local(uint32_t i, bool keep) {
    const int32_t loc = loc_off_[i];
    size_t k = top();
    Val v = vs_[k];
    if (v.kind == Val::Local && v.local == i) {
      if (!keep) pop();
      return;
    }
    if (v.type == ValType::V128) return v128_store_local(i, keep);
    // Entries still reading the local's old value load it first.
    for (size_t j = 0; j < vs_.size(); ++j)
      if (j != k && vs_[j].kind == Val::Local && vs_[j].local == i) to_reg(j);
    const bool fp = is_float(v.type);
    if (home_[i] != kNoReg) home_written(i);
    if (home_[i] != kNoReg && redo_in_home(i, v)) {
      if (!keep) {
        pop();
      } else {
        release_entry(vs_[k]);
        vs_[k].kind = Val::Local;
        vs_[k].local = i;
        vs_[k].reg = kNoReg;
      }
      return;
    }
    if (home_[i] != kNoReg) {
      load_into(home_[i], v, k);
      if (!keep) {
        pop();
      } else if (v.kind == Val::Const || v.kind == Val::Local || v.kind == Val::Stack) {
        // The value now lives in the home: read it from there.
        release_entry(vs_[k]);
        vs_[k].kind = Val::Local;
        vs_[k].local = i;
      }
      return;
    }
    if (v.kind == Val::Const && !fp) {
      m_.store_slot(loc, Opnd::i(v.type == ValType::I32 ? int64_t(uint32_t(v.c)) : int64_t(v.c)));
      if (!keep) pop();
      return;
    }
    Reg r = to_reg(k);
    if (fp)
      m_.fstore_slot(loc, r, fwidth(v.type));
    else
      m_.store_slot(loc, Opnd::r(r));
    if (!keep) pop();
  }

  // ------------------------------------------------------------ operations
  void alu(AluOp op, ValType t) {
    size_t kb = top(), ka = kb - 1;
    Opnd b = gp_operand(kb, true);
    // `x = x op b` and (commutative ops) `x = b op x` on a local x with a
    // home compute in the home when a local.set/tee x follows (store_local
    // rewrites this code; see InPlaceAlu).
    // The candidate is written into in_place_ field by field once
    // established: a whole record built on the stack and copied in wide
    // stalled store forwarding.
    uint32_t local = UINT32_MAX;
    Opnd rhs = b;
    bool same_local_only = false;
    const Val& va = vs_[ka];
    if (va.kind == Val::Local && home_[va.local] != kNoReg) local = va.local;
    const bool commutative = op == AluOp::Add || op == AluOp::Mul || op == AluOp::And || op == AluOp::Or ||
                             op == AluOp::Xor;
    Reg a;
    Masm::CodeMark from;
    if (local != UINT32_MAX) {  // take_reg without spills after the mark
      a = alloc(false);
      from = m_.mark();
      m_.alu3(op, width(t), a, home_[va.local], b);
    } else {
      a = take_reg(ka);
      if (commutative && b.is_reg() && vs_[kb].kind == Val::Local && home_[vs_[kb].local] == b.reg) {
        local = vs_[kb].local;
        rhs = Opnd::r(a);
        same_local_only = true;
      }
      from = m_.mark();
      m_.alu(op, width(t), a, b);
    }
    pop_n(2);
    push_reg(t, a);
    if (local != UINT32_MAX) {
      InPlaceAlu& c = reset_in_place();
      c.local = local;
      c.rhs = rhs;
      c.same_local_only = same_local_only;
      c.op = op;
      c.w = width(t);
      c.result = a;
      c.from = from;
      c.now = m_.mark();
    }
  }
  // Emits the operation of in_place_ into the home of local {i} instead of
  // its result register, if the code allows (see InPlaceAlu).
  bool redo_in_home(uint32_t i, const Val& v) {
    const InPlaceAlu& c = in_place_;
    if ((c.local == UINT32_MAX && !c.is_load) || v.kind != Val::Reg_ || v.reg != c.result ||
        c.is_fp != is_float(v.type))
      return false;
    const Reg h = home_[i];
    if (c.is_load) {  // the address register still holds the address: nothing ran since
      if (!m_.rewind(c.from, c.now)) return false;
      m_.load(c.load_op, h, c.addr, c.offset, c.oob);
      in_place_ = InPlaceAlu{};
      return true;
    }
    if (c.local != i && (c.same_local_only || (c.rhs.is_reg() && c.rhs.reg == h))) return false;
    // The float ops' sequences may assume dst != rhs (min, max, copysign).
    if (c.is_fp && c.rhs.reg == h) return false;
    if (!m_.rewind(c.from, c.now)) return false;
    if (c.is_fp) {
      if (c.local != i) m_.fmov(c.fw, h, Opnd::r(home_[c.local]));
      m_.fbin(c.fop, c.fw, h, c.rhs.reg);
      in_place_ = InPlaceAlu{};
      return true;
    }
    if (c.is_shift) {
      if (c.local != i) m_.mov(c.w, h, Opnd::r(home_[c.local]));
      m_.shift(c.shift_op, c.w, h, c.rhs);
    } else {
      m_.alu3(c.op, c.w, h, home_[c.local], c.rhs);
    }
    in_place_ = InPlaceAlu{};
    return true;
  }
  void shift(ShiftOp op, ValType t) {
    size_t kb = top(), ka = kb - 1;
    const Reg cx = Masm::regs().shift_count;
    if (vs_[kb].kind == Val::Const || cx == kNoReg) {
      Opnd count = vs_[kb].kind == Val::Const ? Opnd::i(int64_t(vs_[kb].c)) : Opnd::r(to_reg(kb));
      const Val& va = vs_[ka];
      if (count.is_imm() && va.kind == Val::Local && home_[va.local] != kNoReg) {
        // A candidate for computing in a home, as in alu().
        InPlaceAlu cand;
        cand.local = va.local;
        cand.rhs = count;
        cand.is_shift = true;
        cand.shift_op = op;
        cand.w = width(t);
        Reg a = alloc(false);
        cand.from = m_.mark();
        load_into(a, va, ka);
        m_.shift(op, width(t), a, count);
        pop_n(2);
        push_reg(t, a);
        cand.result = a;
        cand.now = m_.mark();
        in_place_ = cand;
        return;
      }
      Reg a = take_reg(ka);
      m_.shift(op, width(t), a, count);
      pop_n(2);
      push_reg(t, a);
      return;
    }
    // The count must be in the fixed register.
    if (!(vs_[kb].kind == Val::Reg_ && vs_[kb].reg == cx)) {
      evict(cx);
      load_into(cx, vs_[kb], kb);
      release_entry(vs_[kb]);
      vs_[kb].kind = Val::Reg_;
      vs_[kb].reg = cx;
      owner_[cx] = int(kb);
    }
    Reg a = take_reg(ka);
    m_.shift(op, width(t), a, Opnd::r(cx));
    pop_n(2);
    push_reg(t, a);
  }
  void divrem(DivOp op, ValType t) {
    size_t kb = top(), ka = kb - 1;
    for (Reg r : Masm::regs().div_clobbers) evict(r);
    Reg b = to_reg(kb);
    Reg a = to_reg(ka);
    Label div0 = m_.trap_label(TrapKind::IntDivByZero);
    Label ovf = m_.trap_label(TrapKind::IntOverflow);
    pop_n(2);
    Reg d = alloc(false);
    m_.divrem(op, width(t), d, a, b, div0, ovf);
    for (Reg r : Masm::regs().div_clobbers) release(r);
    push_reg(t, d);
  }
  void int_unary(Op op, ValType in, ValType out) {
    Reg r = take_reg(top());
    pop();
    switch (op) {
      case Op::i32_clz: case Op::i64_clz: m_.clz(width(in), r, r); break;
      case Op::i32_ctz: case Op::i64_ctz: m_.ctz(width(in), r, r); break;
      case Op::i32_popcnt: case Op::i64_popcnt: m_.popcnt(width(in), r, r); break;
      case Op::i32_extend8_s: m_.sign_extend(8, W::W32, r, r); break;
      case Op::i32_extend16_s: m_.sign_extend(16, W::W32, r, r); break;
      case Op::i64_extend8_s: m_.sign_extend(8, W::W64, r, r); break;
      case Op::i64_extend16_s: m_.sign_extend(16, W::W64, r, r); break;
      case Op::i64_extend32_s: case Op::i64_extend_i32_s: m_.sign_extend(32, W::W64, r, r); break;
      case Op::i64_extend_i32_u: case Op::i32_wrap_i64: m_.zero_extend32(r, r); break;
      default: break;
    }
    push_reg(out, r);
  }
  void compare(Op op, W w) {
    static const Cond kConds[] = {Cond::Eq, Cond::Ne, Cond::LtS, Cond::LtU, Cond::GtS,
                                  Cond::GtU, Cond::LeS, Cond::LeU, Cond::GeS, Cond::GeU};
    unsigned i = w == W::W32 ? unsigned(op) - unsigned(Op::i32_eq) : unsigned(op) - unsigned(Op::i64_eq);
    size_t kb = top(), ka = kb - 1;
    Opnd b = gp_operand(kb, true);
    // A local's home is compared in place (the compare is consumed or
    // materialised by the next instruction, before the local can change).
    const bool home_lhs = vs_[ka].kind == Val::Local && home_[vs_[ka].local] != kNoReg;
    Reg a = home_lhs ? home_[vs_[ka].local] : take_reg(ka);
    // The rhs register (if any) stays owned by the deferred compare.
    if (b.is_reg()) {
      vs_[kb].kind = Val::Stack;
      vs_[kb].reg = kNoReg;
    }
    pop_n(2);
    if (!home_lhs) owner_[a] = int(vs_.size());
    if (b.is_reg()) owner_[b.reg] = int(vs_.size());
    Val& v = push_new(Val::Cond_, ValType::I32);
    v.reg = a;
    v.cond = kConds[i];
    v.cw = w;
    v.set_rhs(b);
    v.home_lhs = home_lhs;
  }
  void eqz(W w) {
    Reg a = take_reg(top());
    pop();
    owner_[a] = int(vs_.size());
    Val& v = push_new(Val::Cond_, ValType::I32);
    v.reg = a;
    v.cw = w;
    v.is_test = true;
  }
  // Branches to {l} when the top value (popped) is nonzero == {when}.
  // GCC 12 warns -Wdangling-pointer about {v} below at -O3 and in the ASan build: a false
  // positive ({v} is a by-value copy and no pointer to it outlives the call), silenced here only.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#endif
  void branch_on_top(bool when, Label l, bool spill_first) {
    size_t k = top();
    if (spill_first) spill_all_except(k);
    Val v = vs_[k];
    if (v.kind == Val::Cond_) {
      if (v.is_test)  // eqz: the condition is "value == 0"
        m_.br_test(!when, v.cw, v.reg, l);
      else
        m_.br_cmp(when ? v.cond : negate(v.cond), v.cw, v.reg, v.rhs(), l);
      pop();
      return;
    }
    Reg r = read_reg(k);
    m_.br_test(when, W::W32, r, l);
    pop();
  }
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic pop
#endif
  // As alu(): `x = x op b` (and `x = b op x` for add and mul) on a local
  // x with a home computes in the home when a local.set/tee follows. Add
  // and mul also take a home operand into the other operand's register
  // instead of copying the home first (only NaN payloads could tell the
  // operand order, and wasm leaves them open; the tiers' tests compare
  // NaNs as NaNs).
  void fbin(FBinOp op, ValType t) {
    size_t kb = top(), ka = kb - 1;
    const FW w = fwidth(t);
    const Val& va = vs_[ka];
    const Val& vb = vs_[kb];
    InPlaceAlu cand;
    cand.is_fp = true;
    cand.fop = op;
    cand.fw = w;
    Reg a;
    // A constant operand of a value that is not a home: no register for it.
    // (With a home on the left the constant goes to a register before the
    // mark below, and `x = x op c` is one instruction in the home: code with
    // a reference to the constant pool cannot be taken back, Masm::rewind.)
    if (vb.kind == Val::Const && op <= FBinOp::Div && !(va.kind == Val::Local && home_[va.local] != kNoReg)) {
      a = take_reg(ka);
      m_.fbin_const(op, w, a, t == ValType::F32 ? uint64_t(uint32_t(vb.c)) : uint64_t(vb.c));
      pop_n(2);
      push_reg(t, a);
      return;
    }
    Reg b = read_reg(kb);
    const bool commutative = op == FBinOp::Add || op == FBinOp::Mul;
    if (va.kind == Val::Local && home_[va.local] != kNoReg) {
      const Reg h = home_[va.local];
      cand.local = va.local;
      cand.rhs = Opnd::r(b);
      if (commutative && vb.kind == Val::Reg_) {
        a = take_reg(kb);  // already a register: no code
        cand.from = m_.mark();
        m_.fbin(op, w, a, h);
      } else {
        a = alloc(true);  // before the mark: an allocation may spill
        cand.from = m_.mark();
        m_.fmov(w, a, Opnd::r(h));
        m_.fbin(op, w, a, b);
      }
    } else {
      a = take_reg(ka);
      if (commutative && vb.kind == Val::Local && home_[vb.local] == b) {
        cand.local = vb.local;
        cand.rhs = Opnd::r(a);
        cand.same_local_only = true;
      }
      cand.from = m_.mark();
      m_.fbin(op, w, a, b);
    }
    pop_n(2);
    push_reg(t, a);
    if (cand.local != UINT32_MAX) {
      cand.result = a;
      cand.now = m_.mark();
      in_place_ = cand;
    }
  }
  void fun(FUnOp op, ValType t) {
    Reg a = take_reg(top());
    pop();
    m_.fun(op, fwidth(t), a, a);
    push_reg(t, a);
  }
  void fcompare(FCond c, ValType t) {
    size_t kb = top(), ka = kb - 1;
    Reg b = read_reg(kb);
    Reg a = read_reg(ka);
    Reg d = alloc(false);
    m_.set_fcmp(c, fwidth(t), d, a, b);
    pop_n(2);
    push_reg(ValType::I32, d);
  }
  void reinterpret(ValType from, ValType to) {
    Reg s = read_reg(top());
    Reg d = alloc(is_float(to));
    if (is_float(to))
      m_.mov_fp_from_gp(fwidth(to), d, s);
    else
      m_.mov_gp_from_fp(width(to), d, s);
    pop();
    push_reg(to, d);
  }
  void conversion(Op op) {
    const OpInfo& info = op_info(op);
    ValType in = sig_valtype(info.param1), out = sig_valtype(info.result);
    Reg s = read_reg(top());
    Reg d = alloc(is_float(out));
    const bool traps = (op >= Op::i32_trunc_f32_s && op <= Op::i32_trunc_f64_u) ||
                       (op >= Op::i64_trunc_f32_s && op <= Op::i64_trunc_f64_u);
    Label inv = traps ? m_.trap_label(TrapKind::InvalidConversion) : Label{};
    Label ovf = traps ? m_.trap_label(TrapKind::IntOverflow) : Label{};
    m_.convert(op, d, s, inv, ovf);
    (void)in;
    pop();
    push_reg(out, d);
  }
  void memory_access(Op op, MemArg ma) {
    const OpInfo& info = op_info(op);
    Label oob = explicit_bounds_ ? m_.trap_label(TrapKind::MemoryOutOfBounds) : Label{};
    if (info.result != SigType::V) {
      ValType t = sig_valtype(info.result);
      Reg addr = read_reg(top());
      Reg d = alloc(is_float(t));
      const Masm::CodeMark from = m_.mark();
      m_.load(op, d, addr, ma.offset, oob);
      pop();
      push_reg(t, d);
      // A local.set/tee right after may load into the local's home instead
      // (redo_in_home). Not when fuel is counted: the load may store the
      // fuel register first, and the store would not be emitted again; not
      // with explicit bounds: the check's branch to the trap stub (bound
      // at the end) keeps Masm::rewind from taking the load back.
      if (t != ValType::V128 && !fuel_ && !explicit_bounds_) {
        InPlaceAlu& c = reset_in_place();
        c.is_load = true;
        c.load_op = op;
        c.addr = addr;
        c.offset = ma.offset;
        c.oob = oob;
        c.is_fp = is_float(t);
        c.result = d;
        c.from = from;
        c.now = m_.mark();
      }
    } else {
      size_t kv = top(), ka = kv - 1;
      ValType vt = vs_[kv].type;
      Opnd v = is_float(vt) ? Opnd::r(read_reg(kv)) : gp_operand(kv, false);
      Reg addr = read_reg(ka);
      m_.store(op, addr, v, ma.offset, oob);
      pop_n(2);
    }
  }
  void misc(Op op, uint32_t imm0, uint32_t imm1) {
    flush_cond();
    const auto [nargs, result] = misc_shape(op);
    spill_all();
    size_t base = vs_.size() - nargs;
    int32_t dst = own(base);
    ValType rt = ValType::I32;
    if (op == Op::table_get) rt = inst_->tables[imm0]->type().elem;
    save_homes();
    m_.call_runtime(reinterpret_cast<const void*>(&jit_misc), uint64_t(uint16_t(op)) | (uint64_t(imm0) << 32),
                    uint64_t(imm1) | (uint64_t(uint32_t(dst)) << 32), uint64_t(uint32_t(own(base))));
    load_homes();
    pop_n(nargs);
    if (result) push_stack(rt);
  }

  void finish_call(size_t base, const FuncType& ft) {
    while (vs_.size() > base) pop();
    for (ValType t : ft.results) push_stack(t);
  }

  // ------------------------------------------------------------ control
  void reset_stack(uint32_t height, uint32_t n, const ValType* types) {
    while (vs_.size() > height) pop();
    for (uint32_t i = 0; i < n; ++i) push_stack(types[i]);
  }
  bool needs_moves(const Ctl& t, size_t skip) const {
    uint32_t arity = label_arity(t);
    size_t base = vs_.size() - skip - arity;
    if (base == t.height) {
      for (size_t j = 0; j < arity; ++j)
        if (vs_[base + j].kind != Val::Stack) return true;
      return false;
    }
    return arity != 0;
  }
  // emit_branch(depth) would emit nothing but a jump to the target's label.
  bool branch_is_plain_jump(uint32_t depth) {
    const Ctl& t = target(depth);
    return !t.is_function && !t.tail && vs_.size() - label_arity(t) == t.height;
  }
  // The stack is canonical (spilled); moves label values and jumps.
  void emit_branch(uint32_t depth) {
    Ctl& t = target(depth);
    if (t.is_function || t.tail) {  // a tail block's label values are the results
      emit_return();
      return;
    }
    uint32_t arity = label_arity(t);
    size_t base = vs_.size() - arity;
    if (base != t.height) {
      const ValType* types = t.kind == Op::loop ? t.param_types : t.result_types;
      int32_t dst = own(t.height);  // the entries below the label's values are the block's
      for (uint32_t j = 0; j < arity; ++j) {
        copy_val(types[j], dst, own(base + j));
        dst += int32_t(val_slots(types[j]) * 8);
      }
    }
    note_branch(t);
    m_.jmp(t.label);  // a loop header checks for attention itself
  }
  // Functions with one integer result return it in a register to fast
  // callers (masm.h, prologue); decided by the type alone, so callers know.
  static bool returns_in_reg(const FuncType& ft) {
    return Masm::regs().result_gp != kNoReg && ft.results.size() == 1 &&
           (ft.results[0] == ValType::I32 || ft.results[0] == ValType::I64);
  }
  void emit_return() {
    const size_t n = results_.size();
    const size_t base = vs_.size() - n;
    if (result_in_reg_) {
      const Val& v = vs_[base];
      const Reg r = Masm::regs().result_gp;
      Opnd src = v.kind == Val::Const ? Opnd::i(v.type == ValType::I32 ? int64_t(uint32_t(v.c)) : int64_t(v.c))
               : v.kind == Val::Local ? local_operand(v.local)
               : v.kind == Val::Stack ? Opnd::s(own(base))
                                      : Opnd::r(to_reg(base));
      m_.mov(width(v.type), r, src);
      m_.return_ok();
      return;
    }
    // Values read from locals are moved out first: results overwrite slot 0..n.
    for (size_t j = 0; j < n; ++j)
      if (vs_[base + j].kind == Val::Local) spill(base + j);
    int32_t next_dst = 0;  // results are at prefix sums of their slot widths
    for (size_t j = 0; j < n; ++j) {
      const Val& v = vs_[base + j];
      const int32_t dst = next_dst;
      next_dst += int32_t(val_slots(v.type) * 8);
      switch (v.kind) {
        case Val::Reg_:
        case Val::Cond_: {
          Reg r = to_reg(base + j);
          if (v.type == ValType::V128)
            m_.vstore_slot(dst, r);
          else if (is_float(v.type))
            m_.fstore_slot(dst, r, fwidth(v.type));
          else
            m_.store_slot(dst, Opnd::r(r));
          break;
        }
        case Val::Const:
          m_.store_slot(dst, Opnd::i(v.type == ValType::I32 || v.type == ValType::F32 ? int64_t(uint32_t(v.c))
                                                                                        : int64_t(v.c)));
          break;
        default:
          if (own(base + j) != dst) copy_val(v.type, dst, own(base + j));
          break;
      }
    }
    m_.return_ok();
  }

#include "jit/simd_compiler.inc"

  static constexpr int kTempOwner = 1 << 30;  // reserved by an instruction in progress

  Function* f_;
  Instance* inst_;
  const Module& mod_;
  Masm& m_;
  uint32_t num_params_ = 0, num_locals_ = 0, frame_slots_ = 0;
  uint32_t param_slots_ = 0, local_slots_ = 0;  // in slots (a v128 takes two)
  std::vector<int32_t> loc_off_;  // per local: its slot's byte offset
  std::vector<ValType> local_types_;
  std::vector<ValType> results_;
  std::vector<Val> vs_;
  std::vector<Ctl> ctl_;
  std::array<int, 64> owner_;  // per register: owning entry, -1 free, kTempOwner reserved
  bool explicit_bounds_ = false;
  bool fuel_ = false;  // the store consumes fuel
  bool want_osr_ = false;
  bool result_in_reg_ = false;  // returns_in_reg(own type)
  std::vector<Label> osr_labels_;  // OSR entry per loop, in order of appearance
  std::vector<Masm::ArgHome> arg_homes_;  // parameters self calls pass in registers
  std::vector<Function*> adapter_callees_;  // fast-called: need Function::fast_entry set
  std::vector<std::pair<Label, Label>> osr_stubs_;  // (stub, loop header)
  struct AttentionStub {
    Label stub, resume;
    bool homes_live;  // false at function entry, before the homes are loaded
  };
  std::vector<AttentionStub> attention_stubs_;
  std::vector<Reg> home_;          // per local: its register, or kNoReg
  std::vector<uint32_t> homed_;    // locals with a home
  std::vector<uint8_t> saved_home_;  // per local: its home is a callee-saved register
  std::vector<uint8_t> home_synced_;  // per local: its slot holds its home's value (save_homes)
  // The last integer ALU operation or constant shift, when it computed `x
  // op rhs` (or `rhs op x`, commutative) for a local x with a home into the
  // fresh register {result}: the code since {from} (ending at {now}) is a
  // copy of x and the operation. A local.set/tee of x right after (nothing
  // emitted or bound in between; Masm::rewind checks) replaces it by the
  // operation on the home itself; of another local y with a home (for `x
  // op rhs` when rhs is not y's home) by a copy of x into y's home and the
  // operation there. Or the last load, into the fresh register {result}:
  // a local.set/tee of any local with a home right after loads into the
  // home instead.
  struct InPlaceAlu {
    uint32_t local = UINT32_MAX;
    AluOp op = AluOp::Add;
    bool is_shift = false;  // a shift by a constant count {rhs}
    ShiftOp shift_op = ShiftOp::Shl;
    bool same_local_only = false;  // `rhs op x`: only a set of x itself
    W w = W::W32;
    bool is_fp = false;  // fbin: {fop} at width {fw}, rhs a register
    FBinOp fop = FBinOp::Add;
    FW fw = FW::F64;
    Reg result = kNoReg;
    Opnd rhs;
    Masm::CodeMark from, now;
    bool is_load = false;  // {load_op} from {addr} + {offset} ({oob}: explicit bounds)
    Op load_op = Op::i32_load;
    Reg addr = kNoReg;
    uint32_t offset = 0;
    Label oob;
  };
  InPlaceAlu in_place_;
  // in_place_ back to its defaults, stored in place (see alu).
  InPlaceAlu& reset_in_place() {
    in_place_ = InPlaceAlu{};
    return in_place_;
  }
  std::vector<Reg> gp_home_order_;   // scratch of choose_homes
  Reg saved_regs_[8] = {};           // the callee-saved homes in use (Masm::use_saved_homes)
  uint8_t num_saved_ = 0;
  std::vector<Reg> gp_pool_, fp_pool_;  // allocatable registers minus homes
  // Tail returns: the ordinal of the block whose end is followed by the
  // function's end (FuncBody::tail_block), and how many blocks were opened
  // directly in the body so far.
  int32_t tail_block_ = -1;
  int32_t top_blocks_ = 0;
  std::vector<Label> br_targets_, br_stub_of_depth_;
  std::vector<uint32_t> br_stub_depths_;

 public:
  // Every vector member, kept by the compile driver between compilations
  // on one thread: their capacity is reused, so compiling a function
  // allocates (almost) nothing on the heap. Moved in by the constructor
  // (and cleared), moved back by the destructor.
  struct Buffers {
    std::vector<ValType> local_types, results;
    std::vector<int32_t> loc_off;
    std::vector<Val> vs;
    std::vector<Ctl> ctl;
    std::vector<Label> osr_labels;
    std::vector<std::pair<Label, Label>> osr_stubs;
    std::vector<AttentionStub> attention_stubs;
    std::vector<Reg> home, gp_pool, fp_pool;
    std::vector<uint32_t> homed;
    std::vector<uint8_t> saved_home, home_synced;
    std::vector<Reg> gp_home_order;
    std::vector<Label> br_targets, br_stub_of_depth;
    std::vector<uint32_t> br_stub_depths;
  };
  ~Compiler() {
    if (reuse_) give_buffers();
  }
  Compiler(const Compiler&) = delete;
  Compiler& operator=(const Compiler&) = delete;

 private:
  Buffers* reuse_ = nullptr;
#define BRISK_COMPILER_BUFFERS(X)                                                                         \
  X(local_types) X(results) X(loc_off) X(vs) X(ctl) X(osr_labels) X(osr_stubs) X(attention_stubs) X(home) X(gp_pool) \
  X(fp_pool) X(homed) X(saved_home) X(home_synced) X(gp_home_order) X(br_targets) X(br_stub_of_depth) X(br_stub_depths)
  void take_buffers() { BRISK_COMPILER_BUFFERS(BRISK_TAKE_BUFFER) }
  void give_buffers() { BRISK_COMPILER_BUFFERS(BRISK_GIVE_BUFFER) }
#undef BRISK_COMPILER_BUFFERS
};

}  // namespace

namespace {
std::atomic<uint64_t> g_compile_failures{0};
}  // namespace

uint64_t jit_compile_failures() { return g_compile_failures.load(std::memory_order_relaxed); }

const char* simd_generic_reason() {
  if (simd_forced_generic()) return "BRISK_JIT_SIMD=generic";
  if (simd_inline_on()) return nullptr;
#if defined(__x86_64__)
  return "no SSE4.1";
#else
  return "no inline SIMD code on this CPU";
#endif
}

bool compile_function(Function* f) {
  if (f->jit_code) return true;
  CompiledCode code;
  if (!compile_code(f, &code)) return false;
  install_code(f, std::move(code));
  return true;
}

// Debugging aid (docs/DESIGN.md): with BRISK_JIT_DUMP=DIR set, each compiled
// function's machine code goes to DIR/f<index>.bin (the external entry at
// offset 0; the fast entry's offset is in the file name's companion
// f<index>.txt), for `objdump -D -b binary -mi386:x86-64` or
// `-maarch64`. Read once; never set in normal runs.
static void dump_code(uint32_t index, const uint8_t* code, size_t size, uint64_t fast_entry) {
  static const char* dir = std::getenv("BRISK_JIT_DUMP");
  if (!dir || !*dir) return;
  std::string base = std::string(dir) + "/f" + std::to_string(index);
  if (FILE* out = std::fopen((base + ".bin").c_str(), "wb")) {
    std::fwrite(code, 1, size, out);
    std::fclose(out);
  }
  if (FILE* out = std::fopen((base + ".txt").c_str(), "w")) {
    std::fprintf(out, "size %zu fast_entry %llu\n", size, static_cast<unsigned long long>(fast_entry));
    std::fclose(out);
  }
}

// CPU time of the calling thread: compile time in --stats is what the
// compiling threads spent, not wall time (which counts preemption on a
// loaded machine and would make the MB/s figure depend on the load).
static double thread_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

// Reads only what does not change while the store runs (see
// compile_queue.h), so that it may run on a compile thread.
bool compile_code(Function* f, CompiledCode* out) {
  if (!jit_available() || f->host || !f->instance) return false;
  const EngineConfig& cfg = f->instance->store->config();
  if (cfg.jit_filter && (f->index < cfg.jit_filter_lo || f->index > cfg.jit_filter_hi)) return false;
  Instance* inst = f->instance;
  const Module& mod = *inst->module;
  const FuncBody& body = mod.body(f->index);
  CodeArena& arena = inst->store->code_arena();
  const double t0 = cfg.time_compiles ? thread_cpu_seconds() : 0;
  // Working vectors reused by every compilation on this thread.
  thread_local Compiler::Buffers t_compiler_buffers;
  thread_local WalkerBuffers t_walker_buffers;
  Masm masm(cfg.bounds);
  // Fuel stores keep the remaining fuel in a register the arch reserves
  // only for them (masm.h): nothing changes for the others.
  if (cfg.consume_fuel) masm.use_fuel_register();
  Compiler c(f, masm, &t_compiler_buffers);
  c.begin();
  WalkerEnv env{&mod, nullptr};
  env.count_fuel = cfg.consume_fuel;
  CodeWalker<Compiler, WalkMode::ValidatedUntyped> w(env, f->index, mod.bytes.data() + body.code_offset, mod.bytes.data() + body.code_end,
                         body.code_offset, c, &t_walker_buffers);
  auto fail = [&] {
    arena.add_stats([](JitStats& s) { s.failures++; });
    g_compile_failures.fetch_add(1, std::memory_order_relaxed);
    return false;
  };
  if (!w.walk(body.locals).ok() || c.unsupported()) return fail();
  masm.finish();
  size_t size = masm.size();
  CodeArena::Block block = arena.allocate(size);
  if (!block.exec) return fail();
  arena.begin_write(block, size);
  bool ok = masm.emit_to(block.exec, block.write, size);
  arena.end_write(block, size);
  if (!ok) {
    arena.release(block.exec);
    return fail();
  }
  dump_code(f->index, block.exec, size, masm.label_offset(masm.fast_entry()));
  jitdump_add(*f, block.exec, size);
  out->code = block.exec;
  out->fast_entry_offset = uint32_t(masm.label_offset(masm.fast_entry()));
  out->osr_offsets.clear();
  for (Label l : c.osr_labels()) out->osr_offsets.push_back(uint32_t(masm.label_offset(l)));
  out->adapter_callees = c.adapter_callees();
  const double seconds = cfg.time_compiles ? thread_cpu_seconds() - t0 : 0;
  arena.add_stats([&](JitStats& st) {
    st.functions++;
    st.simd_functions += body.uses_simd;
    st.simd_inline_ops += c.simd_inline_ops();
    st.simd_generic_ops += c.simd_generic_ops();
    st.wasm_bytes += body.code_end - body.code_offset;
    st.code_bytes += size;
    st.compile_seconds += seconds;
  });
  return true;
}

void install_code(Function* f, CompiledCode&& code) {
#if defined(__aarch64__)
  // The code may come from a compile thread, which cleaned the caches
  // (CodeArena::end_write); this core still needs a context
  // synchronization before it may execute it.
  asm volatile("isb" ::: "memory");
#endif
  f->osr_entries.clear();
  for (uint32_t off : code.osr_offsets) f->osr_entries.push_back(code.code + off);
  // Callees this code calls by the internal convention that have no
  // compiled code yet enter through the adapter (on the store's thread, so
  // no compile thread writes a Function that JIT code reads).
  const EngineConfig& cfg = f->instance->store->config();
  const bool fuel_register = cfg.consume_fuel && Masm::fuel_register_available(cfg.bounds);
  for (Function* callee : code.adapter_callees)
    if (!callee->fast_entry) callee->fast_entry = Masm::call_adapter(fuel_register);
  f->jit_code = code.code;
  f->fast_entry = code.code + code.fast_entry_offset;
  f->entry = reinterpret_cast<EntryFn>(code.code);
}

}  // namespace brisk::jit

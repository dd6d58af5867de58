// Translation of validated wasm into slot code (see interp.h): a visitor of
// the shared CodeWalker. It keeps a virtual operand stack whose entries say
// where each value currently lives: in its own stack slot or, after a
// local.get, still in the local's slot. Locals are thus read in place, and
// a producer followed by local.set writes the local directly. Entries are
// made concrete ("materialized") wherever a merge point or a call needs
// values at their canonical slots.
//
// A v128 value occupies two consecutive slots (a "slot pair"), in locals and
// on the operand stack alike, so offsets are prefix sums of slot widths:
// {loc_off_} per local, {sh_} per stack entry. For functions without v128
// every width is 1 and the code is exactly what it was before SIMD.
#include <unordered_map>

#include "base/reused_buffers.h"
#include "core/code_walker.h"
#include "interp/interp.h"
#include "interp/interp_ops.h"
#include "runtime/runtime_ops.h"

namespace brisk {

using namespace interp;

namespace {

constexpr int32_t kNone = -1;
constexpr uint32_t kConstSrc = 0xffffffffu;  // virtual stack entry holding a constant

class Translator : public NullVisitor {
 public:
  struct Buffers;  // working vectors kept between translations (below)
  Translator(Instance* inst, uint32_t func_index, InterpCode* out, Buffers* reuse = nullptr)
      : inst_(inst), m_(*inst->module), out_(out), code_(out->code),
        handlers_(handler_table()),
        checked_(inst->store->config().bounds == BoundsMode::Explicit), reuse_(reuse) {
    if (reuse_) take_buffers();
    const FuncType& ft = m_.func_type(func_index);
    const FuncBody& body = m_.body(func_index);
    num_results_ = uint32_t(ft.results.size());
    results_ = ft.results;
    uint32_t slot = 0;
    for (size_t i = 0; i < ft.params.size() + body.locals.size(); ++i) {
      ValType t = i < ft.params.size() ? ft.params[i] : body.locals[i - ft.params.size()];
      loc_off_.push_back(slot * 8);
      loc_wide_.push_back(t == ValType::V128);
      slot += val_slots(t);
    }
    num_locals_ = slot;  // in slots
    local_refs_.assign(num_locals_, 0);
    out->num_params = slot_count(ft.params);
    out->num_locals = num_locals_;
    out->num_results = slot_count(ft.results);
    max_stack_ = body.max_stack;
    code_.resize((body.code_end - body.code_offset) * 4 + 64);
  }

  // The frame size, known once the body is translated: the deepest operand
  // stack in slots (a v128 entry counts two).
  uint32_t frame_slots() const { return num_locals_ + max_stack_ + 3; }  // +3: scratch read by misc ops
  // After the walk: the code vector holds exactly the emitted bytes (see grow).
  void finish_code() { code_.resize(len_); }

  void begin_function() {
    Ctl fn;
    fn.is_function = true;
    fn.nresults = num_results_;
    ctl_.push_back(fn);
  }

  // --- visitor ---
  void on_simple(Op op, MemArg m) {
    const OpInfo& info = op_info(op);
    const bool wide = info.result == SigType::v;
    if (info.imm == ImmKind::Memarg) {
      unsigned h = checked_ ? checked_handler_id(op) : handler_id(op);
      if (info.result != SigType::V) {
        uint32_t addr = pop_slot();
        uint32_t dst = push_own(wide);
        emit(h);
        mark_producer();
        emit_u32(dst);
        emit_u32(addr);
        emit_u32(m.offset);
      } else {
        uint32_t val = pop_slot();
        uint32_t addr = pop_slot();
        emit(h);
        emit_u32(addr);
        emit_u32(val);
        emit_u32(m.offset);
      }
      return;
    }
    if (info.param2 != SigType::V) {
      const bool is_cmp = is_fusable_compare(op);
      if (!is_simd_op(op) && is_const(vs_.size() - 1)) {
        uint64_t imm = cvals_[vs_.size() - 1];
        pop();
        uint32_t a = pop_slot();
        uint32_t dst = push_own();
        size_t start = len_;
        emit(handler_id(op, Variant::Imm));
        mark_producer();
        emit_u32(dst);
        emit_u32(a);
        emit_u64(imm);
        if (is_cmp) last_cmp_ = LastCompare{start, op, a, 0, imm, true, dst};
        return;
      }
      uint32_t b = pop_slot();
      uint32_t a = pop_slot();
      uint32_t dst = push_own(wide);
      size_t start = len_;
      emit(handler_id(op));
      mark_producer();
      emit_u32(dst);
      emit_u32(a);
      emit_u32(b);
      if (is_cmp) last_cmp_ = LastCompare{start, op, a, b, 0, false, dst};
    } else {
      uint32_t x = pop_slot();
      uint32_t dst = push_own(wide);
      size_t start = len_;
      emit(handler_id(op));
      mark_producer();
      emit_u32(dst);
      emit_u32(x);
      if (op == Op::i32_eqz || op == Op::i64_eqz) last_cmp_ = LastCompare{start, op, x, 0, 0, false, dst};
    }
  }

  void on_const(Op, uint64_t bits) { push_const(bits); }

  // SIMD instructions with lane or byte immediates, and bitselect. A
  // v128.const is written to its own slot pair at once (the virtual stack
  // holds 64-bit constants only).
  void on_simd(Op op, const SimdImm& imm) {
    const OpInfo& info = op_info(op);
    switch (info.imm) {
      case ImmKind::V128: {
        uint32_t dst = push_own(true);
        emit(handler_id(op));
        mark_producer();
        emit_u32(dst);
        emit_bytes(imm.bytes, 16);
        return;
      }
      case ImmKind::Shuffle: {
        uint32_t b = pop_slot();
        uint32_t a = pop_slot();
        uint32_t dst = push_own(true);
        emit(handler_id(op));
        mark_producer();
        emit_u32(dst);
        emit_u32(a);
        emit_u32(b);
        emit_bytes(imm.bytes, 16);
        return;
      }
      case ImmKind::Lane: {
        uint32_t x = info.param2 != SigType::V ? pop_slot() : 0;
        uint32_t a = pop_slot();
        uint32_t dst = push_own(info.result == SigType::v);
        emit(handler_id(op));
        mark_producer();
        emit_u32(dst);
        emit_u32(a);
        if (info.param2 != SigType::V) emit_u32(x);
        emit_u32(imm.lane);
        return;
      }
      case ImmKind::MemLane: {
        const unsigned h = checked_ ? checked_handler_id(op) : handler_id(op);
        uint32_t vec = pop_slot();
        uint32_t addr = pop_slot();
        if (info.result == SigType::v) {
          uint32_t dst = push_own(true);
          emit(h);
          mark_producer();
          emit_u32(dst);
          emit_u32(addr);
          emit_u32(vec);
        } else {
          emit(h);
          emit_u32(addr);
          emit_u32(vec);
        }
        emit_u32(imm.mem.offset);
        emit_u32(imm.lane);
        return;
      }
      case ImmKind::Ternary: {
        uint32_t c = pop_slot();
        uint32_t b = pop_slot();
        uint32_t a = pop_slot();
        uint32_t dst = push_own(true);
        emit(handler_id(op));
        mark_producer();
        emit_u32(dst);
        emit_u32(a);
        emit_u32(b);
        emit_u32(c);
        return;
      }
      default: return;
    }
  }
  void on_ref_null(ValType) { push_const(0); }

  void on_local_get(uint32_t i) { push_ref(loc_off_[i], loc_wide_[i]); }
  void on_local_set(uint32_t i) { store_local(i); }
  void on_local_tee(uint32_t i) {
    const bool was_const = is_const(vs_.size() - 1);
    const uint64_t cval = cvals_.back();
    store_local(i);
    if (was_const) {
      push_const(cval);
      return;
    }
    push_ref(loc_off_[i], loc_wide_[i]);
  }
  void on_global_get(uint32_t i) {
    const bool wide = inst_->globals[i]->type.type == ValType::V128;
    uint32_t dst = push_own(wide);
    emit(wide ? XOp::global_get128 : XOp::global_get);
    mark_producer();
    emit_u32(dst);
    emit_ptr(inst_->globals[i]);
  }
  void on_global_set(uint32_t i) {
    uint32_t v = pop_slot();
    emit(inst_->globals[i]->type.type == ValType::V128 ? XOp::global_set128 : XOp::global_set);
    emit_u32(v);
    emit_ptr(inst_->globals[i]);
  }
  void on_drop(ValType) { pop(); }
  void on_select(ValType t) {
    const bool wide = t == ValType::V128;
    uint32_t c = pop_slot();
    uint32_t b = pop_slot();
    uint32_t a = pop_slot();
    uint32_t dst = push_own(wide);
    emit(wide ? XOp::select128 : XOp::select);
    mark_producer();
    emit_u32(dst);
    emit_u32(a);
    emit_u32(b);
    emit_u32(c);
  }
  void on_memory_size() {
    uint32_t dst = push_own();
    emit(XOp::memory_size);
    mark_producer();
    emit_u32(dst);
  }
  void on_memory_grow() {
    uint32_t d = pop_slot();
    uint32_t dst = push_own();
    emit(XOp::memory_grow);
    mark_producer();
    emit_u32(dst);
    emit_u32(d);
  }
  void on_ref_is_null() {
    uint32_t x = pop_slot();
    uint32_t dst = push_own();
    emit(XOp::ref_is_null);
    mark_producer();
    emit_u32(dst);
    emit_u32(x);
  }
  void on_ref_func(uint32_t fi) {
    uint32_t dst = push_own();
    emit(XOp::ref_func);
    mark_producer();
    emit_u32(dst);
    emit_ptr(inst_->funcs[fi]);
  }
  void on_unreachable() {
    flush_fuel();
    emit(XOp::unreachable);
  }

  void on_table_op(Op op, uint32_t a, uint32_t b) { emit_misc(op, a, b); }
  void on_memory_op(Op op, uint32_t a) { emit_misc(op, a, 0); }

  void on_call(uint32_t fi) {
    Function* callee = inst_->funcs[fi];
    uint32_t argbase = prepare_call(*callee->type);
    emit_boundary(XOp::call, XOp::fuel_call);
    emit_u32(argbase);
    emit_ptr(callee);
  }
  void on_call_indirect(uint32_t ti, uint32_t table) {
    uint32_t idx = pop_slot();
    const FuncType& ft = m_.types[ti];
    uint32_t argbase = prepare_call(ft);
    emit_boundary(XOp::call_indirect, XOp::fuel_call_indirect);
    emit_u32(argbase);
    emit_u32(idx);
    emit_u32(inst_->store->intern_sig(ft));
    emit_ptr(inst_->tables[table]);
  }

  void on_block(Op kind, const BlockSig& sig) {
    materialize_all();
    Ctl c;
    c.kind = kind;
    c.nparams = sig.num_params;
    c.nresults = sig.num_results;
    c.sig = sig;
    if (kind == Op::if_) c.else_fixup = emit_cond_branch(/*when=*/false);
    c.height = uint32_t(vs_.size()) - sig.num_params;
    c.slot_base = slot_height(c.height);
    if (kind == Op::loop) {
      flush_fuel();  // the run before the loop: not charged on its back-edges
      at_label();
      c.loop_start = uint32_t(len_);
      out_->loop_headers.push_back(c.loop_start);
    }
    ctl_.push_back(std::move(c));
    last_dst_ = kNone;
  }

  void on_else(bool then_reachable) {
    Ctl& c = ctl_.back();
    if (then_reachable) {
      materialize_all();
      emit_jump_fixup(XOp::br, &c.fixups);
    }
    patch(c.else_fixup, uint32_t(len_));
    c.else_fixup.field = 0;
    truncate(c.height);
    for (uint32_t i = 0; i < c.nparams; ++i) push_own(c.sig.params[i] == ValType::V128);
    at_label();
  }

  void on_end(bool reachable, bool is_function_end) {
    if (is_function_end) {
      if (reachable) emit_return();
      ctl_.pop_back();
      return;
    }
    Ctl c = std::move(ctl_.back());
    ctl_.pop_back();
    if (reachable) materialize_all();
    flush_fuel();  // only the fallthrough into the label pays for its run
    uint32_t here = uint32_t(len_);
    for (const Fixup& f : c.fixups) patch(f, here);
    if (c.else_fixup.field) patch(c.else_fixup, here);
    truncate(c.height);
    for (uint32_t i = 0; i < c.nresults; ++i) push_own(c.sig.results[i] == ValType::V128);
    at_label();
  }

  void on_br(uint32_t depth) { emit_branch(depth); }

  void on_br_if(uint32_t depth) {
    Ctl& t = target(depth);
    if (!t.is_function && !needs_copies(t, 1)) {
      Fixup f = emit_cond_branch(/*when=*/true);
      if (t.kind == Op::loop)
        patch(f, t.loop_start);
      else
        t.fixups.push_back(f);
      return;
    }
    Fixup skip = emit_cond_branch(/*when=*/false);
    emit_branch(depth);
    patch(skip, uint32_t(len_));
    at_label();
  }

  void on_br_table(const std::vector<uint32_t>& depths) {
    uint32_t idx = pop_slot();
    flush_fuel();
    uint32_t at = uint32_t(len_);
    emit(XOp::br_table);
    emit_u32(idx);
    emit_u32(uint32_t(depths.size() - 1));
    uint32_t fields = uint32_t(len_);
    for (size_t i = 0; i < depths.size(); ++i) emit_u32(0);
    std::unordered_map<uint32_t, uint32_t> stubs;  // depth -> stub position
    for (size_t i = 0; i < depths.size(); ++i) {
      Fixup f{at, uint32_t(fields + 4 * i)};
      Ctl& t = target(depths[i]);
      if (!t.is_function && t.kind != Op::loop && !needs_copies(t)) {
        t.fixups.push_back(f);
        continue;
      }
      auto it = stubs.find(depths[i]);
      if (it == stubs.end()) {
        it = stubs.emplace(depths[i], uint32_t(len_)).first;
        emit_branch(depths[i]);
      }
      patch(f, it->second);
    }
  }

  void on_return() { emit_return(); }

  // The charge of the run that the instruction being visited ends. It is
  // folded into that instruction (emit_boundary) when it has a fuel variant:
  // a call, branch or return, so charging costs no dispatch of its own. Only
  // copies and constants (materialized operands: pure, cannot trap) may be
  // emitted in between, which makes the later charge unobservable. A run
  // ending at a label (loop, end) or before br_table/unreachable gets a
  // separate fuel op (flush_fuel). The amount and the order relative to
  // anything observable are exactly what the walker defines for every tier.
  void on_fuel(uint32_t n) {
    if (pending_fuel_) translation_bug_ = true;  // a boundary did not take its charge
    pending_fuel_ = n;
  }

  // Jump threading, once every branch is patched: a br whose target is a
  // return becomes that return (a copy of it, charging both runs' fuel at
  // once: only a label lies between them, nothing observable), which saves
  // a dispatch at the end of most if/else and block bodies.
  void thread_jumps_to_returns() {
    void* const h_br = handlers_[handler_id(XOp::br)];
    void* const h_fuel_br = handlers_[handler_id(XOp::fuel_br)];
    void* const h_ret = handlers_[handler_id(XOp::ret)];
    void* const h_ret_copy = handlers_[handler_id(XOp::ret_copy)];
    void* const h_fuel_ret = handlers_[handler_id(XOp::fuel_ret)];
    void* const h_fuel_ret_copy = handlers_[handler_id(XOp::fuel_ret_copy)];
    for (uint32_t at : jumps_) {
      void* h = rdptr<void>(&code_[at]);
      const bool fused = h == h_fuel_br;
      if (!fused && h != h_br) continue;
      const uint32_t n = fused ? rd32(&code_[at + 8]) : 0;
      const uint32_t base = fused ? at + 4 : at;
      const size_t target = size_t(int64_t(base) + int32_t(rd32(&code_[base + 8])));
      if (target + 8 > len_) continue;
      void* t = rdptr<void>(&code_[target]);
      // What the target is: fuel it charges, whether it copies a result (src).
      uint32_t tn = 0, src = 0;
      bool copies = false;
      if (t == h_ret) {
      } else if (t == h_ret_copy) {
        copies = true;
        src = rd32(&code_[target + 8]);
      } else if (t == h_fuel_ret) {
        tn = rd32(&code_[target + 8]);
      } else if (t == h_fuel_ret_copy) {
        tn = rd32(&code_[target + 8]);
        copies = true;
        src = rd32(&code_[target + 12]);
      } else {
        continue;
      }
      const uint64_t charge = uint64_t(n) + tn;
      if (charge > UINT32_MAX) continue;
      // The replacement must fit in the br: 12 bytes plain, 16 with fuel.
      const size_t need = 8 + (charge ? 4 : 0) + (copies ? 4 : 0);
      if (need > (fused ? 16u : 12u)) continue;
      size_t p = at;
      void* nh = charge ? (copies ? h_fuel_ret_copy : h_fuel_ret) : (copies ? h_ret_copy : h_ret);
      std::memcpy(&code_[p], &nh, 8);
      p += 8;
      if (charge) {
        const uint32_t c = uint32_t(charge);
        std::memcpy(&code_[p], &c, 4);
        p += 4;
      }
      if (copies) std::memcpy(&code_[p], &src, 4);
    }
  }

  // True when the translator broke one of its own invariants; the function
  // must then not run (interp_prepare makes it trap).
  bool failed() const { return translation_bug_ || pending_fuel_ != 0; }

 private:
  void flush_fuel() {
    if (!pending_fuel_) return;
    const uint32_t n = pending_fuel_;
    pending_fuel_ = 0;
    emit(XOp::fuel);
    emit_u32(n);
  }
  // Emits the handler of a run-ending instruction, as its fuel variant with
  // the pending charge when there is one. Returns the position its branch
  // offsets count from (the fuel variant's operands start 4 bytes later).
  uint32_t emit_boundary(unsigned plain, unsigned fused) {
    const uint32_t at = uint32_t(len_);
    if (!pending_fuel_) {
      emit(plain);
      return at;
    }
    const uint32_t n = pending_fuel_;
    pending_fuel_ = 0;
    emit(fused);
    emit_u32(n);
    return at + 4;
  }
  uint32_t emit_boundary(XOp plain, XOp fused) { return emit_boundary(handler_id(plain), handler_id(fused)); }

  struct Fixup {
    uint32_t instr = 0;  // start of the branching instruction
    uint32_t field = 0;  // position of its rel32 (0 = none)
  };
  struct Ctl {
    Op kind = Op::block;
    bool is_function = false;
    uint32_t height = 0;  // virtual stack height below the params
    uint32_t slot_base = 0;  // the same height in slots
    uint32_t nparams = 0, nresults = 0;
    BlockSig sig;         // views into stable storage (module types)
    uint32_t loop_start = 0;
    std::vector<Fixup> fixups;
    Fixup else_fixup;
  };

  // A compare whose result is only used by a following branch can be fused.
  struct LastCompare {
    size_t start = 0;  // code position of the compare instruction
    Op op = Op::nop;
    uint32_t a = 0, b = 0;
    uint64_t imm = 0;
    bool has_imm = false;
    uint32_t dst = 0;
  };
  static bool is_fusable_compare(Op op) {
    return (op >= Op::i32_eq && op <= Op::i32_ge_u) || (op >= Op::i64_eq && op <= Op::i64_ge_u);
  }

  Ctl& target(uint32_t depth) { return ctl_[ctl_.size() - 1 - depth]; }
  // The operand-stack slot height below entry {k} (k == size: the top).
  uint32_t slot_height(size_t k) const {
    if (k < sh_.size()) return sh_[k];
    return sh_.empty() ? 0 : sh_.back() + (wide_.back() ? 2 : 1);
  }
  // The canonical ("own") slot offset of entry {k}.
  uint32_t own(size_t k) const { return (num_locals_ + slot_height(k)) * 8; }
  // The canonical slot offset of a label's value {j} (a result, or a loop's param).
  uint32_t label_own(const Ctl& t, uint32_t j) const {
    const ValType* types = t.kind == Op::loop ? t.sig.params : t.sig.results;
    uint32_t slot = t.slot_base;
    for (uint32_t i = 0; i < j; ++i) slot += val_slots(types[i]);
    return (num_locals_ + slot) * 8;
  }
  bool label_wide(const Ctl& t, uint32_t j) const {
    return (t.kind == Op::loop ? t.sig.params : t.sig.results)[j] == ValType::V128;
  }
  // The offset of result {j} in the frame (results start at slot 0).
  uint32_t result_off(uint32_t j) const {
    uint32_t slot = 0;
    for (uint32_t i = 0; i < j; ++i) slot += val_slots(results_[i]);
    return slot * 8;
  }
  bool is_local(uint32_t off) const { return off < num_locals_ * 8; }
  bool is_const(size_t k) const { return vs_[k] == kConstSrc; }

  void push_entry(uint32_t src, bool wide, uint64_t cval) {
    const uint32_t h = slot_height(vs_.size());
    sh_.push_back(h);
    wide_.push_back(wide);
    vs_.push_back(src);
    cvals_.push_back(cval);
    max_stack_ = std::max(max_stack_, h + (wide ? 2 : 1));
  }
  uint32_t push_own(bool wide = false) {
    uint32_t o = own(vs_.size());
    push_entry(o, wide, 0);
    return o;
  }
  void push_const(uint64_t bits) { push_entry(kConstSrc, false, bits); }
  void push_ref(uint32_t local_off, bool wide) {
    push_entry(local_off, wide, 0);
    local_refs_[local_off / 8]++;
  }
  // Pops an entry; for constants the returned source is kConstSrc.
  uint32_t pop() {
    uint32_t v = vs_.back();
    vs_.pop_back();
    cvals_.pop_back();
    sh_.pop_back();
    wide_.pop_back();
    if (v != kConstSrc && is_local(v)) local_refs_[v / 8]--;
    return v;
  }
  void emit_copy(uint32_t dst, uint32_t src, bool wide) {
    emit(wide ? XOp::copy128 : XOp::copy);
    emit_u32(dst);
    emit_u32(src);
  }
  // Pops an entry as a slot operand, writing a constant to its own slot first.
  uint32_t pop_slot() {
    size_t k = vs_.size() - 1;
    if (is_const(k)) materialize(k);
    return pop();
  }
  void truncate(uint32_t n) {
    while (vs_.size() > n) pop();
  }
  void materialize(size_t k) {
    uint32_t src = vs_[k];
    uint32_t dst = own(k);
    if (src == kConstSrc) {
      emit_const(dst, cvals_[k]);
    } else if (is_local(src)) {
      emit_copy(dst, src, wide_[k]);
      local_refs_[src / 8]--;
    } else {
      return;
    }
    vs_[k] = dst;
  }
  // Emits "branch if cond == when" on the top entry (popped), fusing it
  // with the compare that produced it when possible. Returns the fixup.
  Fixup emit_cond_branch(bool when) {
    const size_t k = vs_.size() - 1;
    const bool fuse = last_cmp_.op != Op::nop && vs_[k] == last_cmp_.dst;
    if (!fuse) {
      uint32_t cond = pop_slot();
      uint32_t at = when ? emit_boundary(XOp::br_if, XOp::fuel_br_if) : emit_boundary(XOp::br_unless, XOp::fuel_br_unless);
      emit_u32(cond);
      Fixup f{at, uint32_t(len_)};
      emit_u32(0);
      return f;
    }
    LastCompare c = last_cmp_;
    pop();
    len_ = c.start;  // drop the compare: the branch evaluates it
    auto emit_fused = [&](Variant v) { return emit_boundary(handler_id(c.op, v), handler_id(c.op, with_fuel(v))); };
    Fixup f;
    if (c.op == Op::i32_eqz || c.op == Op::i64_eqz) {
      uint32_t at = emit_fused(when ? Variant::BrIf : Variant::BrUnless);
      emit_u32(c.a);
      f = Fixup{at, uint32_t(len_)};
      emit_u32(0);
    } else if (c.has_imm) {
      uint32_t at = emit_fused(when ? Variant::BrIfImm : Variant::BrUnlessImm);
      emit_u32(c.a);
      f = Fixup{at, uint32_t(len_)};
      emit_u32(0);
      emit_u64(c.imm);
    } else {
      uint32_t at = emit_fused(when ? Variant::BrIf : Variant::BrUnless);
      emit_u32(c.a);
      emit_u32(c.b);
      f = Fixup{at, uint32_t(len_)};
      emit_u32(0);
    }
    return f;
  }
  void materialize_all() {
    for (size_t k = 0; k < vs_.size(); ++k) materialize(k);
    last_dst_ = kNone;
  }

  void store_local(uint32_t i) {
    const uint32_t loc = loc_off_[i];
    const uint32_t ref = loc / 8;  // local_refs_ is indexed by slot
    if (vs_.back() == loc) {  // local.set i (local.get i)
      pop();
      return;
    }
    // The top value was written by the last instruction: redirectable.
    const bool top_is_fresh = last_dst_ != kNone && vs_.back() == own(vs_.size() - 1) &&
                              rd32(&code_[size_t(last_dst_)]) == vs_.back();
    const uint64_t cval = cvals_.back();
    uint32_t v = pop();
    if (top_is_fresh && local_refs_[ref] == 0) {
      // Redirect the producer of the value straight into the local.
      std::memcpy(&code_[size_t(last_dst_)], &loc, 4);
      last_dst_ = kNone;
      return;
    }
    if (local_refs_[ref] > 0)
      for (size_t k = 0; k < vs_.size(); ++k)
        if (vs_[k] == loc) materialize(k);
    if (v == kConstSrc) {
      emit_const(loc, cval);
      last_dst_ = kNone;
      return;
    }
    emit_copy(loc, v, loc_wide_[i]);
  }

  // {skip}: entries above the label's values (a br_if condition).
  bool needs_copies(const Ctl& t, size_t skip = 0) const {
    uint32_t arity = t.kind == Op::loop ? t.nparams : t.nresults;
    size_t base = vs_.size() - skip - arity;
    for (uint32_t j = 0; j < arity; ++j)
      if (vs_[base + j] != label_own(t, j)) return true;
    return false;
  }

  // Moves the label's values into place and jumps to the label.
  void emit_branch(uint32_t depth) {
    Ctl& t = target(depth);
    if (t.is_function) {
      emit_return();
      return;
    }
    uint32_t arity = t.kind == Op::loop ? t.nparams : t.nresults;
    size_t base = vs_.size() - arity;
    for (uint32_t j = 0; j < arity; ++j) {
      uint32_t dst = label_own(t, j);
      if (is_const(base + j)) {
        emit_const(dst, cvals_[base + j]);
      } else if (vs_[base + j] != dst) {
        emit_copy(dst, vs_[base + j], label_wide(t, j));
      }
    }
    if (t.kind == Op::loop) {
      uint32_t at = emit_boundary(XOp::br_loop, XOp::fuel_br_loop);
      emit_u32(uint32_t(int32_t(t.loop_start) - int32_t(at)));
    } else {
      emit_jump_fixup(XOp::br, &t.fixups);
    }
    last_dst_ = kNone;
  }

  // Copies the results to slots 0..n and returns. Does not change the
  // virtual stack: on a conditional path, the fallthrough still needs it.
  void emit_return() {
    size_t base = vs_.size() - num_results_;
    // A single result just computed by the previous instruction: that
    // instruction writes the result slot itself (handlers read their
    // operands before they write). The previous instruction is only still
    // "fresh" when the return is unconditional, so nothing after it reads
    // the old slot.
    if (num_results_ == 1 && last_dst_ != kNone && vs_[base] == own(uint32_t(base)) &&
        rd32(&code_[size_t(last_dst_)]) == vs_[base]) {
      const uint32_t result_slot = 0;
      std::memcpy(&code_[size_t(last_dst_)], &result_slot, 4);
      emit_boundary(XOp::ret, XOp::fuel_ret);
      last_dst_ = kNone;
      return;
    }
    // One result elsewhere: the return copies it (one dispatch, not two).
    // ret_copy moves one slot; a v128 result takes the general path.
    if (num_results_ == 1 && vs_[base] != kConstSrc && vs_[base] != 0 && !wide_[base]) {
      const uint32_t src = vs_[base];
      emit_boundary(XOp::ret_copy, XOp::fuel_ret_copy);
      emit_u32(src);
      last_dst_ = kNone;
      return;
    }
    std::vector<uint32_t> src(num_results_);
    const uint32_t results_end = result_off(num_results_);
    for (uint32_t j = 0; j < num_results_; ++j) {
      src[j] = vs_[base + j];
      // A local that an earlier result copy may overwrite is saved first in
      // the entry's own slot (unused while the entry is a reference).
      if (src[j] != kConstSrc && is_local(src[j]) && src[j] < results_end) {
        emit_copy(own(base + j), src[j], wide_[base + j]);
        src[j] = own(base + j);
      }
    }
    for (uint32_t j = 0; j < num_results_; ++j) {
      const uint32_t dst = result_off(j);
      if (src[j] == kConstSrc) {
        emit_const(dst, cvals_[base + j]);
      } else if (src[j] != dst) {
        emit_copy(dst, src[j], wide_[base + j]);
      }
    }
    emit_boundary(XOp::ret, XOp::fuel_ret);
    last_dst_ = kNone;
  }

  uint32_t prepare_call(const FuncType& ft) {
    const uint32_t nargs = uint32_t(ft.params.size());
    const size_t base = vs_.size() - nargs;
    for (size_t k = base; k < vs_.size(); ++k) materialize(k);
    uint32_t argbase = own(base);
    truncate(uint32_t(base));
    for (ValType t : ft.results) push_own(t == ValType::V128);
    last_dst_ = kNone;
    return argbase;
  }

  void emit_misc(Op op, uint32_t imm0, uint32_t imm1) {
    const auto [nargs, result] = misc_shape(op);
    uint32_t src[3] = {own(0), own(0), own(0)};
    for (unsigned i = nargs; i-- > 0;) src[i] = pop_slot();
    uint32_t dst = result ? push_own() : own(vs_.size());
    emit(XOp::misc);
    emit_u32(uint32_t(op));
    emit_u32(src[0]);
    emit_u32(src[1]);
    emit_u32(src[2]);
    emit_u32(dst);
    emit_u32(imm0);
    emit_u32(imm1);
    last_dst_ = kNone;
  }

  void emit_const(uint32_t dst, uint64_t bits) {
    emit(XOp::const64);
    mark_producer();
    emit_u32(dst);
    emit_u64(bits);
  }
  // {op} is br, the only jump emitted this way: a run-ending instruction.
  void emit_jump_fixup(XOp op, std::vector<Fixup>* fixups) {
    const bool fused = pending_fuel_ != 0;
    uint32_t at = emit_boundary(op, XOp::fuel_br);
    jumps_.push_back(fused ? at - 4 : at);
    fixups->push_back(Fixup{at, uint32_t(len_)});
    emit_u32(0);
  }
  void patch(const Fixup& f, uint32_t target_pos) {
    int32_t rel = int32_t(target_pos) - int32_t(f.instr);
    std::memcpy(&code_[f.field], &rel, 4);
  }

  // A label is about to be bound here: the previous instruction is no longer
  // the only way to reach this point, so neither its destination nor its
  // compare may be reused by what follows.
  void at_label() {
    last_dst_ = kNone;
    last_cmp_.op = Op::nop;
  }

  // The next emitted u32 is the destination slot of a value-producing
  // instruction (used by store_local to redirect it).
  void mark_producer() { pending_producer_ = true; }
  void emit(unsigned id) {
    // Nothing but a materialized operand may come between a run's end and
    // the instruction that charges it.
    if (pending_fuel_ && id != handler_id(XOp::copy) && id != handler_id(XOp::const64)) translation_bug_ = true;
    last_dst_ = kNone;
    last_cmp_.op = Op::nop;
    pending_producer_ = false;
    void* h = handlers_[id];
    std::memcpy(grow(8), &h, 8);
  }
  void emit(XOp op) { emit(handler_id(op)); }
  void emit_u32(uint32_t v) {
    if (pending_producer_) {
      last_dst_ = int32_t(len_);
      pending_producer_ = false;
    }
    std::memcpy(grow(4), &v, 4);
  }
  void emit_u64(uint64_t v) { std::memcpy(grow(8), &v, 8); }
  void emit_ptr(const void* p) { emit_u64(reinterpret_cast<uint64_t>(p)); }
  void emit_bytes(const uint8_t* p, size_t n) {
    if (n) std::memcpy(grow(n), p, n);
  }
  // Room for {k} more bytes at the end of the code: code_ is the storage,
  // len_ its used part (resized by doubling, so an emit is a compare and a
  // store rather than a vector resize per instruction).
  uint8_t* grow(size_t k) {
    if (code_.size() - len_ < k) code_.resize(std::max(code_.size() * 2, len_ + k + 64));
    uint8_t* p = code_.data() + len_;
    len_ += k;
    return p;
  }

  Instance* inst_;
  const Module& m_;
  InterpCode* out_;
  std::vector<uint8_t>& code_;
  size_t len_ = 0;  // bytes of code_ emitted so far (grow)
  void* const* handlers_;
  bool checked_;
  uint32_t num_locals_ = 0;         // params and locals, in slots
  uint32_t num_results_ = 0;
  uint32_t max_stack_ = 0;          // deepest operand stack, in slots
  std::vector<ValType> results_;
  std::vector<uint32_t> loc_off_;   // per local: its slot offset
  std::vector<bool> loc_wide_;      // per local: a v128 (a slot pair)
  std::vector<uint32_t> vs_;        // per entry: source slot offset, or kConstSrc
  std::vector<uint32_t> sh_;        // per entry: operand-stack slot height below it
  std::vector<bool> wide_;          // per entry: a v128
  std::vector<uint64_t> cvals_;     // per entry: the constant, for kConstSrc
  std::vector<uint32_t> local_refs_;
  LastCompare last_cmp_;
  std::vector<Ctl> ctl_;
  int32_t last_dst_ = kNone;
  bool pending_producer_ = false;
  uint32_t pending_fuel_ = 0;  // charge of the run the current boundary ends
  std::vector<uint32_t> jumps_;  // start of every br (thread_jumps_to_returns)
  bool translation_bug_ = false;

 public:
  // Every vector member, kept by interp_prepare between translations on one
  // thread: their capacity is reused, so translating a function allocates
  // little beyond its code. Moved in (and cleared) by the constructor,
  // moved back by the destructor.
  struct Buffers {
    std::vector<ValType> results;
    std::vector<uint32_t> loc_off, vs, sh, local_refs, jumps;
    std::vector<bool> loc_wide, wide;
    std::vector<uint64_t> cvals;
    std::vector<Ctl> ctl;
  };
  ~Translator() {
    if (reuse_) give_buffers();
  }
  Translator(const Translator&) = delete;
  Translator& operator=(const Translator&) = delete;

 private:
  Buffers* reuse_;
#define BRISK_TRANSLATOR_BUFFERS(X) \
  X(results) X(loc_off) X(vs) X(sh) X(local_refs) X(jumps) X(loc_wide) X(wide) X(cvals) X(ctl)
  void take_buffers() { BRISK_TRANSLATOR_BUFFERS(BRISK_TAKE_BUFFER) }
  void give_buffers() { BRISK_TRANSLATOR_BUFFERS(BRISK_GIVE_BUFFER) }
#undef BRISK_TRANSLATOR_BUFFERS
};

}  // namespace

InterpCode* interp_prepare(Function* f) {
  if (f->interp) return f->interp;
  Instance* inst = f->instance;
  const Module& m = *inst->module;
  const uint32_t def = f->index - m.num_imported_funcs;
  auto code = std::make_unique<InterpCode>();
  // Working vectors reused by every translation on this thread.
  thread_local Translator::Buffers t_buffers;
  thread_local WalkerBuffers t_walker_buffers;
  Translator t(inst, f->index, code.get(), &t_buffers);
  t.begin_function();
  const FuncBody& body = m.body(f->index);
  WalkerEnv env{&m, nullptr};  // already validated
  env.count_fuel = inst->store->config().consume_fuel;
  CodeWalker<Translator, WalkMode::Validated> w(env, f->index, m.bytes.data() + body.code_offset, m.bytes.data() + body.code_end,
                           body.code_offset, t, &t_walker_buffers);
  Result<void> r = w.walk(body.locals);
  t.finish_code();
  if (r.ok() && !t.failed()) t.thread_jumps_to_returns();
  if (!r.ok() || t.failed()) {
    // Validated code cannot fail to walk; make any such bug a clean trap.
    code->code.clear();
    void* h = interp::invalid_handler();
    code->code.resize(8);
    std::memcpy(code->code.data(), &h, 8);
  }
  code->frame_slots = t.frame_slots();
  code->code.shrink_to_fit();
  f->interp = code.get();
  inst->interp_code[def] = std::move(code);
  return f->interp;
}

}  // namespace brisk

// The one function-body walker. It decodes every instruction's immediates,
// validates operand types and the control stack, and hands each *reachable*
// instruction to a Visitor after its stack effect has been checked. The
// validator is this walker with the NullVisitor; the interpreter's
// translator and the JIT are other visitors. Adding an opcode means one row
// in opcodes.def, one case here (if it is not "simple") and one handler per
// consumer.
//
// Code after br/br_table/return/unreachable is validated but not visited:
// visitors see only reachable code, plus the else/end of constructs they saw
// open (with a flag telling whether the end is reachable by fallthrough).
#pragma once
#include <cstdint>
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "base/reader.h"
#include "core/features.h"
#include "core/module.h"
#include "core/opcodes.h"

namespace brisk {

struct MemArg {
  uint32_t align = 0;   // log2
  uint32_t offset = 0;
};

// A block signature: params and results as views into stable storage.
struct BlockSig {
  const ValType* params = nullptr;
  uint32_t num_params = 0;
  const ValType* results = nullptr;
  uint32_t num_results = 0;
};

// Immediate knowledge the walker shares with visitors about one control frame.
struct ControlFrame {
  Op kind = Op::block;       // block, loop, if_, else_; the function is a block
  BlockSig sig;
  uint32_t height = 0;       // validator stack height below the block's params
  bool unreachable = false;  // after br/return/unreachable: the stack is polymorphic
  bool visited = false;      // opened in live code: the visitor saw it open
  uint32_t label_arity() const { return kind == Op::loop ? sig.num_params : sig.num_results; }
  const ValType* label_types() const { return kind == Op::loop ? sig.params : sig.results; }
};

// The immediates of a SIMD instruction that is not "simple" (see on_simd).
struct SimdImm {
  MemArg mem;             // load/store lane
  uint8_t lane = 0;       // extract/replace lane, load/store lane
  uint8_t bytes[16] = {}; // v128.const: the value; i8x16.shuffle: the lane indices
};

// Visitors derive from this and override what they need (static dispatch).
struct NullVisitor {
  void on_block(Op kind, const BlockSig& sig) {}
  void on_else(bool then_end_reachable) {}
  void on_end(bool end_reachable, bool is_function_end) {}
  void on_br(uint32_t depth) {}
  void on_br_if(uint32_t depth) {}
  void on_br_table(const std::vector<uint32_t>& depths) {}  // last one is the default
  void on_return() {}
  void on_unreachable() {}
  void on_call(uint32_t func_index) {}
  void on_call_indirect(uint32_t type_index, uint32_t table_index) {}
  void on_drop(ValType t) {}
  void on_select(ValType t) {}
  void on_local_get(uint32_t i) {}
  void on_local_set(uint32_t i) {}
  void on_local_tee(uint32_t i) {}
  void on_global_get(uint32_t i) {}
  void on_global_set(uint32_t i) {}
  void on_simple(Op op, MemArg m) {}  // numeric ops, loads and stores (SIMD ones too)
  // v128.const, i8x16.shuffle, lane ops, v128.bitselect (ImmKind V128,
  // Shuffle, Lane, MemLane, Ternary).
  void on_simd(Op op, const SimdImm& imm) {}
  void on_const(Op op, uint64_t bits) {}
  void on_memory_size() {}
  void on_memory_grow() {}
  void on_ref_null(ValType t) {}
  void on_ref_is_null() {}
  void on_ref_func(uint32_t func_index) {}
  // table.get/set/size/grow/fill: a = table; table.copy: a = dst, b = src;
  // table.init: a = elem segment, b = table; elem.drop: a = segment.
  void on_table_op(Op op, uint32_t a, uint32_t b) {}
  // memory.init / data.drop: a = data segment; memory.copy / memory.fill: a = 0.
  void on_memory_op(Op op, uint32_t a) {}
  // With WalkerEnv::count_fuel: charge {n} fuel here, before the boundary
  // instruction that follows (see CodeWalker::count_fuel).
  void on_fuel(uint32_t n) {}
};

// How a walk treats the body. The decoder validates every body once
// (Validate); the interpreter's translator and the JIT walk bodies the
// decoder accepted (Validated), for which the walker keeps only what it
// needs to walk safely (the control stack, the operand types visitors are
// told, the bounds of the indices it looks up) and skips the type checks
// and the facts the decoder already recorded (FuncBody::max_stack,
// uses_simd). A visitor that keeps its own operand stack (the JIT) walks
// ValidatedUntyped: no operand types at all, and the types drop and select
// are told come from the visitor's operand_type(depth from the top).
enum class WalkMode : uint8_t { Validate, Validated, ValidatedUntyped };

// Module-level facts the walker needs (the module being decoded may still
// be incomplete: later sections are not needed by code validation).
struct WalkerEnv {
  const Module* module = nullptr;
  // Per function: may appear in ref.func. Null for already-validated code.
  const std::vector<uint8_t>* declared_refs = nullptr;
  // Report fuel charges to the visitor (on_fuel), for stores that consume fuel.
  bool count_fuel = false;
};

// The operand types of a walk: a stack whose push is a compare and a store
// (the walker pushes for nearly every instruction; std::vector's push_back
// stays a call in a function as large as CodeWalker::step).
class TypeStack {
 public:
  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  void clear() { n_ = 0; }
  void push_back(ValType t) {
    if (__builtin_expect(n_ == buf_.size(), 0)) grow();
    buf_[n_++] = t;
  }
  void pop_back() { --n_; }
  ValType back() const { return buf_[n_ - 1]; }
  ValType operator[](size_t i) const { return buf_[i]; }
  void shrink_to(size_t n) { n_ = n < n_ ? n : n_; }
  const ValType* end() const { return buf_.data() + n_; }

 private:
  [[gnu::noinline]] void grow() { buf_.resize(buf_.size() * 2 + 64); }
  std::vector<ValType> buf_;
  size_t n_ = 0;
};

// The walker's working vectors, kept by a caller that walks many bodies
// (the JIT) so that each walk reuses their capacity instead of allocating.
struct WalkerBuffers {
  std::vector<ValType> locals;
  TypeStack stack;
  std::vector<ControlFrame> ctl;
  std::vector<uint32_t> br_targets;
  std::vector<uint64_t> local_uses;
};

template <typename Visitor, WalkMode kMode = WalkMode::Validate>
class CodeWalker {
  static constexpr bool kValidate = kMode == WalkMode::Validate;
  static constexpr bool kTypes = kMode != WalkMode::ValidatedUntyped;  // the operand type stack

 public:
  CodeWalker(const WalkerEnv& env, uint32_t func_index, const uint8_t* code, const uint8_t* end,
             uint64_t base_offset, Visitor& v, WalkerBuffers* reuse = nullptr)
      : env_(env), m_(*env.module), func_index_(func_index), r_(code, end, base_offset), v_(v), reuse_(reuse) {
    if (reuse_) {
      locals_ = std::move(reuse_->locals);
      stack_ = std::move(reuse_->stack);
      ctl_ = std::move(reuse_->ctl);
      br_targets_ = std::move(reuse_->br_targets);
      local_uses_ = std::move(reuse_->local_uses);
      locals_.clear();
      stack_.clear();
      ctl_.clear();
    }
  }
  ~CodeWalker() {
    if (!reuse_) return;
    reuse_->locals = std::move(locals_);
    reuse_->stack = std::move(stack_);
    reuse_->ctl = std::move(ctl_);
    reuse_->br_targets = std::move(br_targets_);
    reuse_->local_uses = std::move(local_uses_);
  }
  CodeWalker(const CodeWalker&) = delete;
  CodeWalker& operator=(const CodeWalker&) = delete;

  // Walks the whole body; returns the first error. Sets max_stack on success.
  Result<void> walk(const std::vector<ValType>& declared_locals);

  // Both only from a Validate walk (the decoder records them in FuncBody).
  uint32_t max_stack() const { return max_stack_; }
  // The body has a v128 local or operand, or a SIMD instruction (even in
  // dead code): tiers without SIMD leave such functions to the interpreter.
  bool uses_simd() const { return uses_simd_; }
  // Also from a Validate walk: appends the body's hot locals to {out}
  // (FuncBody::hot_begin) and returns how many; and FuncBody::tail_block.
  uint32_t hot_locals(std::vector<HotLocal>& out) const;
  int32_t tail_block() const { return tail_block_; }
  const std::vector<ValType>& locals() const { return locals_; }
  size_t control_depth() const { return ctl_.size(); }
  const ControlFrame& frame(uint32_t depth) const { return ctl_[ctl_.size() - 1 - depth]; }

 private:
  bool fail(const std::string& msg) {
    // A validated body does not fail; its walk keeps no instruction offsets.
    r_.fail_at(kValidate ? op_offset_ : r_.offset(), msg);
    return false;
  }
  // Out of line: push and pop are inlined into every case of step().
  [[gnu::noinline, gnu::cold]] void type_mismatch() { fail("type mismatch"); }
  [[gnu::always_inline]] void push(ValType t) {
    if constexpr (!kTypes) return;
    if constexpr (kValidate) {
      if (t == ValType::V128) uses_simd_ = true;
    }
    stack_.push_back(t);
    if constexpr (kValidate) {
      if (stack_.size() > max_stack_) max_stack_ = uint32_t(stack_.size());
    }
  }
  // Pops one operand, checking it against {expect} (Bottom = any type).
  [[gnu::always_inline]] ValType pop(ValType expect = ValType::Bottom) {
    if constexpr (!kTypes) return expect;
    ControlFrame& f = ctl_.back();
    if (stack_.size() == f.height) {  // polymorphic (or, unvalidated, an error)
      if (kValidate && !f.unreachable) type_mismatch();
      return expect;
    }
    ValType t = stack_.back();
    stack_.pop_back();
    if (kValidate && t != expect && t != ValType::Bottom && expect != ValType::Bottom) type_mismatch();
    return t == ValType::Bottom ? expect : t;
  }
  void pop_n(const ValType* types, uint32_t n) {
    for (uint32_t i = n; i-- > 0;) pop(types[i]);
  }
  void push_n(const ValType* types, uint32_t n) {
    for (uint32_t i = 0; i < n; ++i) push(types[i]);
  }
  void set_unreachable() {
    ControlFrame& f = ctl_.back();
    if constexpr (kTypes) stack_.shrink_to(f.height);
    f.unreachable = true;
    live_ = false;
  }
  // Visitors see code only where the frame is live: opened in live code and
  // not after an unconditional branch.
  bool reachable() const { return live_; }
  // What reachable() says of the innermost frame, after it changed.
  void update_live() { live_ = !ctl_.empty() && ctl_.back().visited && !ctl_.back().unreachable; }

  bool read_block_sig(BlockSig* sig);
  bool read_memarg(Op op, MemArg* m);
  bool check_label(uint32_t depth) {
    if (depth >= ctl_.size()) return fail("unknown label");
    return true;
  }
  bool check_func(uint32_t i) { return i < m_.num_funcs() ? true : fail("unknown function"); }
  bool check_table(uint32_t i) { return i < m_.tables.size() ? true : fail("unknown table"); }
  bool check_memory() { return !m_.memories.empty() ? true : fail("unknown memory 0"); }
  bool check_data(uint32_t i) {
    if (!m_.data_count) return fail("data count section required");
    return i < *m_.data_count ? true : fail("unknown data segment " + std::to_string(i));
  }
  bool check_elem(uint32_t i) {
    return i < m_.elems.size() ? true : fail("unknown elem segment " + std::to_string(i));
  }
  // ref.null's immediate: a heap type, of which 2.0 has func and extern.
  bool read_heaptype(ValType* t) {
    uint8_t b = r_.u8();
    if (!r_.ok()) return false;
    if (b == 0x70 || b == 0x6f) {
      *t = ValType(b);
      return true;
    }
    if (auto f = heaptype_feature(b)) return fail(unsupported_feature(*f));
    return fail("malformed reference type");
  }
  bool read_valtype(ValType* t) {
    uint8_t b = r_.u8();
    if (!r_.ok()) return false;
    if (!is_valid_valtype_byte(b)) {
      if (auto f = valtype_feature(b)) return fail(unsupported_feature(*f));
      return fail("malformed value type");
    }
    *t = ValType(b);
    return true;
  }
  bool fail_unsupported_opcode(uint8_t byte);

  // Inlined into walk(): its loop then saves and restores registers once per
  // body, not once per instruction.
  [[gnu::always_inline]] inline bool step();
  bool step_simple(Op op);
  bool step_simd(Op op);

  // Fuel is defined here, once for every tier: each reachable instruction
  // costs 1, and the cost of a straight-line run is charged just before the
  // instruction that ends it: a branch, call, return or unreachable, or one
  // that binds or leaves a label (loop, if, else, end), i.e. after the run's
  // other instructions executed. Branch targets thus start new runs, and the
  // same program consumes the same fuel in every tier.
  void count_fuel(Op op) {
    ++fuel_run_;
    switch (op) {
      case Op::unreachable: case Op::loop: case Op::if_: case Op::else_: case Op::end:
      case Op::br: case Op::br_if: case Op::br_table: case Op::return_:
      case Op::call: case Op::call_indirect:
        v_.on_fuel(fuel_run_);
        fuel_run_ = 0;
        break;
      default: break;
    }
  }

  const WalkerEnv& env_;
  const Module& m_;
  uint32_t func_index_;
  Reader r_;
  Visitor& v_;
  uint64_t op_offset_ = 0;  // of the instruction being walked (Validate walks)
  bool live_ = false;       // reachable(): the innermost frame is visited and not unreachable
  const bool count_fuel_ = env_.count_fuel;  // a copy: read per instruction
  std::vector<ValType> locals_;
  TypeStack stack_;
  std::vector<ValType> saved_;  // br_table's check of each target
  std::vector<ControlFrame> ctl_;
  std::vector<uint32_t> br_targets_;
  WalkerBuffers* reuse_ = nullptr;
  uint32_t max_stack_ = 0;
  uint32_t fuel_run_ = 0;  // instructions since the last fuel charge
  bool uses_simd_ = false;
  // Validate walks: the weighted uses of each local (hot_locals), the
  // weight of a use here (8 per enclosing loop, up to 5), the loops open,
  // the blocks opened directly in the body so far, and tail_block().
  std::vector<uint64_t> local_uses_;
  uint64_t use_weight_ = 1;
  uint32_t loops_ = 0;
  int32_t top_blocks_ = 0;
  int32_t tail_block_ = -1;
  void set_use_weight() { use_weight_ = uint64_t(1) << (3 * std::min(loops_, 5u)); }
};

template <typename Visitor, WalkMode kMode>
Result<void> CodeWalker<Visitor, kMode>::walk(const std::vector<ValType>& declared_locals) {
  const FuncType& ft = m_.func_type(func_index_);
  locals_.reserve(ft.params.size() + declared_locals.size());
  locals_.insert(locals_.end(), ft.params.begin(), ft.params.end());
  locals_.insert(locals_.end(), declared_locals.begin(), declared_locals.end());
  if constexpr (kValidate) {
    for (ValType t : locals_) uses_simd_ |= t == ValType::V128;
    for (ValType t : ft.results) uses_simd_ |= t == ValType::V128;
    local_uses_.assign(locals_.size(), 0);
  }

  ControlFrame fn;
  fn.kind = Op::block;
  fn.sig.results = ft.results.data();
  fn.sig.num_results = uint32_t(ft.results.size());
  fn.height = 0;
  fn.visited = true;
  ctl_.push_back(fn);
  live_ = true;

  while (!ctl_.empty()) {
    if (r_.at_end()) {
      op_offset_ = r_.offset();
      r_.fail("unexpected end of section or function");
      break;
    }
    if (!step()) break;
  }
  if (!r_.ok()) return r_.take_error();
  if (!r_.at_end()) return make_error(r_.offset(), "section size mismatch");
  return {};
}

template <typename Visitor, WalkMode kMode>
uint32_t CodeWalker<Visitor, kMode>::hot_locals(std::vector<HotLocal>& out) const {
  // The most used of each class, in order (a local used later with the same
  // count ranks after the earlier one).
  struct Top {
    HotLocal e[kHotLocalsPerClass];
    size_t n = 0;
    void offer(uint32_t local, uint32_t uses) {
      if (n == kHotLocalsPerClass && uses <= e[n - 1].uses) return;
      size_t k = n < kHotLocalsPerClass ? n++ : n - 1;
      for (; k > 0 && e[k - 1].uses < uses; --k) e[k] = e[k - 1];
      e[k] = {local, uses};
    }
  } top[3];
  for (uint32_t i = 0; i < local_uses_.size(); ++i) {
    const uint32_t uses = uint32_t(std::min<uint64_t>(local_uses_[i], UINT32_MAX));
    if (uses <= 1) continue;
    switch (locals_[i]) {
      case ValType::I32: case ValType::I64: top[0].offer(i, uses); break;
      case ValType::F32: case ValType::F64: top[1].offer(i, uses); break;
      case ValType::V128: top[2].offer(i, uses); break;
      default: break;  // references never live in registers
    }
  }
  const size_t begin = out.size();
  for (const Top& t : top) out.insert(out.end(), t.e, t.e + t.n);
  std::sort(out.begin() + begin, out.end(), [](const HotLocal& a, const HotLocal& b) {
    return a.uses != b.uses ? a.uses > b.uses : a.local < b.local;
  });
  return uint32_t(out.size() - begin);
}

template <typename Visitor, WalkMode kMode>
bool CodeWalker<Visitor, kMode>::read_block_sig(BlockSig* sig) {
  *sig = BlockSig{};
  uint8_t b = r_.peek_u8();
  if (b == 0x40) {
    r_.u8();
    return true;
  }
  // A block type is an s33: one byte with bit 6 set and bit 7 clear is a
  // negative number, i.e. a value type (0x40 above is the empty type);
  // anything else is a type index, which from 64 on takes several bytes
  // and may start with a byte that has bit 6 set (64 is 0xc0 0x00).
  if ((b & 0xc0) == 0x40) {
    ValType t = ValType::I32;
    if (!read_valtype(&t)) return false;
    // Stable storage per value type for the one-result view.
    static const ValType kTypes[] = {ValType::I32, ValType::I64, ValType::F32, ValType::F64,
                                     ValType::V128, ValType::FuncRef, ValType::ExternRef};
    for (const ValType& k : kTypes)
      if (k == t) sig->results = &k;
    sig->num_results = 1;
    return true;
  }
  int64_t idx = r_.s33();
  if (!r_.ok()) return false;
  // A negative value in more than one byte names no type (as the spec's
  // reference interpreter reads it: an index, rejected in validation).
  if (idx < 0 || uint64_t(idx) >= m_.types.size()) return fail("unknown type");
  const FuncType& ft = m_.types[size_t(idx)];
  sig->params = ft.params.data();
  sig->num_params = uint32_t(ft.params.size());
  sig->results = ft.results.data();
  sig->num_results = uint32_t(ft.results.size());
  return true;
}

template <typename Visitor, WalkMode kMode>
bool CodeWalker<Visitor, kMode>::read_memarg(Op op, MemArg* m) {
  m->align = r_.u32();
  if (!r_.ok()) return false;
  if constexpr (!kValidate) {
    m->offset = r_.u32();
    return r_.ok();
  }
  // Bit 6 of the alignment field announces a memory index (multi-memory).
  if (m->align >= 64 && m->align < 128) return fail(unsupported_feature(Feature::MultiMemory));
  m->offset = r_.u32();
  if (!r_.ok()) return false;
  if (!check_memory()) return false;
  uint32_t natural = 0;
  for (uint32_t bytes = op_info(op).access_bytes; bytes > 1; bytes >>= 1) ++natural;
  if (m->align >= 32) return fail("malformed memop flags");
  if (m->align > natural) return fail("alignment must not be larger than natural");
  return true;
}

template <typename Visitor, WalkMode kMode>
bool CodeWalker<Visitor, kMode>::step_simple(Op op) {
  const OpInfo& info = op_info(op);
  MemArg m;
  if (info.imm == ImmKind::Memarg && !read_memarg(op, &m)) return false;
  if (info.param2 != SigType::V) pop(sig_valtype(info.param2));
  pop(sig_valtype(info.param1));
  if (info.result != SigType::V) push(sig_valtype(info.result));
  if (!r_.ok()) return false;
  if (reachable()) v_.on_simple(op, m);
  return true;
}

// An opcode that 2.0 does not define: a proposal's instruction, or illegal.
template <typename Visitor, WalkMode kMode>
bool CodeWalker<Visitor, kMode>::fail_unsupported_opcode(uint8_t byte) {
  std::optional<Feature> f = opcode_feature(byte);
  if (!f) return fail("illegal opcode");
  return fail(unsupported_feature(*f));
}

// The SIMD instructions with immediates beyond a memarg, or three operands.
template <typename Visitor, WalkMode kMode>
bool CodeWalker<Visitor, kMode>::step_simd(Op op) {
  const OpInfo& info = op_info(op);
  SimdImm imm;
  switch (info.imm) {
    case ImmKind::V128:
      for (uint8_t& b : imm.bytes) b = r_.u8();
      if (!r_.ok()) return false;
      push(ValType::V128);
      break;
    case ImmKind::Shuffle:
      for (uint8_t& b : imm.bytes) {
        b = r_.u8();
        if (!r_.ok()) return false;
        if (b >= 32) return fail("invalid lane index");
      }
      pop(ValType::V128);
      pop(ValType::V128);
      push(ValType::V128);
      break;
    case ImmKind::Lane:
    case ImmKind::MemLane:
      if (info.imm == ImmKind::MemLane && !read_memarg(op, &imm.mem)) return false;
      imm.lane = r_.u8();
      if (!r_.ok()) return false;
      if (imm.lane >= simd_lane_count(op)) return fail("invalid lane index");
      if (info.param2 != SigType::V) pop(sig_valtype(info.param2));
      pop(sig_valtype(info.param1));
      if (info.result != SigType::V) push(sig_valtype(info.result));
      break;
    case ImmKind::Ternary:
      pop(ValType::V128);
      pop(ValType::V128);
      pop(ValType::V128);
      push(ValType::V128);
      break;
    default:
      return fail("illegal opcode");
  }
  if (!r_.ok()) return false;
  if (reachable()) v_.on_simd(op, imm);
  return true;
}

template <typename Visitor, WalkMode kMode>
bool CodeWalker<Visitor, kMode>::step() {
  if constexpr (kValidate) op_offset_ = r_.offset();
  uint8_t byte = r_.u8();
  // The prefixes are holes of the one-byte table: one lookup and compare
  // for nearly every instruction.
  uint16_t code = kSingleByteOps[byte];
  bool simd = false;
  if (__builtin_expect(code == kInvalidOp, 0)) {
    if (byte == 0xfc) {
      uint32_t sub = r_.u32();
      if (!r_.ok()) return false;
      code = sub < kFcOpCount ? kFcOps[sub] : kInvalidOp;
    } else if (byte == 0xfd) {
      uint32_t sub = r_.u32();
      if (!r_.ok()) return false;
      uses_simd_ = true;
      simd = true;  // every op of the 0xFD table, and only those, is_simd_op
      code = sub < kFdOpCount ? kFdOps[sub] : kInvalidOp;
      if (code == kInvalidOp) {
        if (auto f = simd_prefix_feature(sub)) return fail(unsupported_feature(*f));
        return fail("illegal opcode");
      }
    }
    if (code == kInvalidOp) return fail_unsupported_opcode(byte);
  }
  Op op = Op(code);
  if (count_fuel_ && reachable()) count_fuel(op);
  if (is_simple_op(op)) return step_simple(op);
  if (simd) return step_simd(op);

  const bool live = reachable();
  switch (op) {
    case Op::unreachable:
      if (live) v_.on_unreachable();
      set_unreachable();
      return true;
    case Op::nop:
      return true;
    case Op::block:
    case Op::loop:
    case Op::if_: {
      BlockSig sig;
      if (!read_block_sig(&sig)) return false;
      if (op == Op::if_) pop(ValType::I32);
      pop_n(sig.params, sig.num_params);
      if (!r_.ok()) return false;
      ControlFrame f;
      f.kind = op;
      f.sig = sig;
      f.height = uint32_t(stack_.size());
      f.unreachable = false;  // a block's own stack is never polymorphic at entry
      f.visited = live;
      push_n(sig.params, sig.num_params);
      if constexpr (kValidate) {
        if (ctl_.size() == 1) ++top_blocks_;
        if (op == Op::loop) {
          ++loops_;
          set_use_weight();
        }
      }
      ctl_.push_back(f);
      live_ = live;
      if (live) v_.on_block(op, sig);
      return true;
    }
    case Op::else_: {
      ControlFrame& f = ctl_.back();
      if (f.kind != Op::if_) return fail("else without matching if");
      pop_n(f.sig.results, f.sig.num_results);
      if (kValidate && stack_.size() != f.height) return fail("type mismatch");
      if (!r_.ok()) return false;
      bool then_reachable = !f.unreachable;
      f.kind = Op::else_;
      f.unreachable = false;
      live_ = f.visited;
      push_n(f.sig.params, f.sig.num_params);
      if (f.visited) v_.on_else(then_reachable);
      return true;
    }
    case Op::end: {
      ControlFrame& f = ctl_.back();
      // An if without else must have matching params and results.
      if (kValidate && f.kind == Op::if_) {
        if (f.sig.num_params != f.sig.num_results ||
            !std::equal(f.sig.params, f.sig.params + f.sig.num_params, f.sig.results))
          return fail("type mismatch");
      }
      pop_n(f.sig.results, f.sig.num_results);
      if (kValidate && stack_.size() != f.height) return fail("type mismatch");
      if (!r_.ok()) return false;
      ControlFrame done = f;
      ctl_.pop_back();
      update_live();
      if constexpr (kValidate) {
        if (done.kind == Op::loop) {
          --loops_;
          set_use_weight();
        }
        if (ctl_.size() == 1 && r_.remaining() == 1 && r_.peek_u8() == 0x0b) tail_block_ = top_blocks_ - 1;
      }
      push_n(done.sig.results, done.sig.num_results);
      if (done.visited) v_.on_end(!done.unreachable, ctl_.empty());
      return true;
    }
    case Op::br: {
      uint32_t d = r_.u32();
      if (!r_.ok() || !check_label(d)) return false;
      const ControlFrame& t = frame(d);
      pop_n(t.label_types(), t.label_arity());
      if (!r_.ok()) return false;
      if (live) v_.on_br(d);
      set_unreachable();
      return true;
    }
    case Op::br_if: {
      uint32_t d = r_.u32();
      if (!r_.ok() || !check_label(d)) return false;
      pop(ValType::I32);
      const ControlFrame& t = frame(d);
      pop_n(t.label_types(), t.label_arity());
      push_n(t.label_types(), t.label_arity());
      if (!r_.ok()) return false;
      if (live) v_.on_br_if(d);
      return true;
    }
    case Op::br_table: {
      uint32_t n = r_.u32();
      if (!r_.ok()) return false;
      if (n > r_.remaining()) return fail("unexpected end");
      br_targets_.clear();
      for (uint32_t i = 0; i <= n; ++i) {
        uint32_t d = r_.u32();
        if (!r_.ok() || !check_label(d)) return false;
        br_targets_.push_back(d);
      }
      pop(ValType::I32);
      const uint32_t arity = frame(br_targets_.back()).label_arity();
      for (uint32_t d : br_targets_) {
        if constexpr (!kValidate) break;
        const ControlFrame& t = frame(d);
        if (t.label_arity() != arity) return fail("type mismatch");
        // Check each target's types against the operands without consuming them.
        saved_.assign(stack_.end() - std::min<size_t>(stack_.size() - ctl_.back().height, arity), stack_.end());
        pop_n(t.label_types(), arity);
        for (ValType s : saved_) stack_.push_back(s);
        if (!r_.ok()) return false;
      }
      if (live) v_.on_br_table(br_targets_);
      set_unreachable();
      return true;
    }
    case Op::return_: {
      const ControlFrame& fn = ctl_.front();
      pop_n(fn.sig.results, fn.sig.num_results);
      if (!r_.ok()) return false;
      if (live) v_.on_return();
      set_unreachable();
      return true;
    }
    case Op::call: {
      uint32_t fi = r_.u32();
      if (!r_.ok() || !check_func(fi)) return false;
      const FuncType& ft = m_.func_type(fi);
      pop_n(ft.params.data(), uint32_t(ft.params.size()));
      push_n(ft.results.data(), uint32_t(ft.results.size()));
      if (!r_.ok()) return false;
      if (live) v_.on_call(fi);
      return true;
    }
    case Op::call_indirect: {
      uint32_t ti = r_.u32();
      uint32_t tab = r_.u32();
      if (!r_.ok()) return false;
      if (ti >= m_.types.size()) return fail("unknown type");
      if (kValidate && !check_table(tab)) return false;
      if (kValidate && m_.tables[tab].elem != ValType::FuncRef) return fail("type mismatch");
      pop(ValType::I32);
      const FuncType& ft = m_.types[ti];
      pop_n(ft.params.data(), uint32_t(ft.params.size()));
      push_n(ft.results.data(), uint32_t(ft.results.size()));
      if (!r_.ok()) return false;
      if (live) v_.on_call_indirect(ti, tab);
      return true;
    }
    case Op::drop: {
      ValType t = pop();
      if (!r_.ok()) return false;
      if constexpr (!kTypes) t = live ? v_.operand_type(0) : ValType::Bottom;
      if (live) v_.on_drop(t);
      return true;
    }
    case Op::select: {
      pop(ValType::I32);
      ValType t1 = pop();
      ValType t2 = pop();
      if (!r_.ok()) return false;
      if constexpr (kValidate) {
        // Untyped select takes numbers and vectors, not references.
        auto selectable = [](ValType t) { return t == ValType::Bottom || is_num_type(t) || t == ValType::V128; };
        if (!selectable(t1) || !selectable(t2)) return fail("type mismatch");
        if (t1 != t2 && t1 != ValType::Bottom && t2 != ValType::Bottom) return fail("type mismatch");
      }
      ValType t = t1 == ValType::Bottom ? t2 : t1;
      if constexpr (!kTypes) t = live ? v_.operand_type(1) : ValType::Bottom;  // above: the condition
      push(t);
      if (live) v_.on_select(t);
      return true;
    }
    case Op::select_t: {
      uint32_t n = r_.u32();
      if (!r_.ok()) return false;
      if (n != 1) return fail("invalid result arity");
      ValType t = ValType::I32;
      if (!read_valtype(&t)) return false;
      pop(ValType::I32);
      pop(t);
      pop(t);
      push(t);
      if (!r_.ok()) return false;
      if (live) v_.on_select(t);
      return true;
    }
    case Op::local_get:
    case Op::local_set:
    case Op::local_tee: {
      uint32_t i = r_.u32();
      if (!r_.ok()) return false;
      if (i >= locals_.size()) return fail("unknown local");
      if constexpr (kValidate) local_uses_[i] += use_weight_;
      ValType t = locals_[i];
      if (op == Op::local_get) {
        push(t);
        if (live) v_.on_local_get(i);
      } else if (op == Op::local_set) {
        pop(t);
        if (live && r_.ok()) v_.on_local_set(i);
      } else {
        pop(t);
        push(t);
        if (live && r_.ok()) v_.on_local_tee(i);
      }
      return r_.ok();
    }
    case Op::global_get:
    case Op::global_set: {
      uint32_t i = r_.u32();
      if (!r_.ok()) return false;
      if (i >= m_.globals.size()) return fail("unknown global");
      const GlobalType& g = m_.globals[i].type;
      if (op == Op::global_get) {
        push(g.type);
        if (live) v_.on_global_get(i);
      } else {
        if (kValidate && !g.mut) return fail("global is immutable");
        pop(g.type);
        if (live && r_.ok()) v_.on_global_set(i);
      }
      return r_.ok();
    }
    case Op::table_get:
    case Op::table_set: {
      uint32_t t = r_.u32();
      if (!r_.ok() || !check_table(t)) return false;
      ValType et = m_.tables[t].elem;
      if (op == Op::table_get) {
        pop(ValType::I32);
        push(et);
      } else {
        pop(et);
        pop(ValType::I32);
      }
      if (!r_.ok()) return false;
      if (live) v_.on_table_op(op, t, 0);
      return true;
    }
    case Op::memory_size:
    case Op::memory_grow: {
      uint8_t z = r_.u8();
      if (!r_.ok()) return false;
      if (z != 0) return fail("zero byte expected");
      if (!check_memory()) return false;
      if (op == Op::memory_grow) pop(ValType::I32);
      push(ValType::I32);
      if (!r_.ok()) return false;
      if (live) op == Op::memory_size ? v_.on_memory_size() : v_.on_memory_grow();
      return true;
    }
    case Op::i32_const: {
      int32_t v = r_.s32();
      push(ValType::I32);
      if (r_.ok() && live) v_.on_const(op, uint64_t(uint32_t(v)));
      return r_.ok();
    }
    case Op::i64_const: {
      int64_t v = r_.s64();
      push(ValType::I64);
      if (r_.ok() && live) v_.on_const(op, uint64_t(v));
      return r_.ok();
    }
    case Op::f32_const: {
      uint32_t v = r_.fixed_u32();
      push(ValType::F32);
      if (r_.ok() && live) v_.on_const(op, v);
      return r_.ok();
    }
    case Op::f64_const: {
      uint64_t v = r_.fixed_u64();
      push(ValType::F64);
      if (r_.ok() && live) v_.on_const(op, v);
      return r_.ok();
    }
    case Op::ref_null: {
      ValType t = ValType::FuncRef;
      if (!read_heaptype(&t)) return false;
      push(t);
      if (live) v_.on_ref_null(t);
      return true;
    }
    case Op::ref_is_null: {
      ValType t = pop();
      if (!r_.ok()) return false;
      if (t != ValType::Bottom && !is_ref_type(t)) return fail("type mismatch");
      push(ValType::I32);
      if (live) v_.on_ref_is_null();
      return true;
    }
    case Op::ref_func: {
      uint32_t fi = r_.u32();
      if (!r_.ok() || !check_func(fi)) return false;
      if (env_.declared_refs && !(*env_.declared_refs)[fi]) return fail("undeclared function reference");
      push(ValType::FuncRef);
      if (live) v_.on_ref_func(fi);
      return true;
    }
    case Op::memory_init: {
      uint32_t seg = r_.u32();
      uint8_t z = r_.u8();
      if (!r_.ok()) return false;
      if (z != 0) return fail("zero byte expected");
      if (!check_memory() || !check_data(seg)) return false;
      pop(ValType::I32);
      pop(ValType::I32);
      pop(ValType::I32);
      if (!r_.ok()) return false;
      if (live) v_.on_memory_op(op, seg);
      return true;
    }
    case Op::data_drop: {
      uint32_t seg = r_.u32();
      if (!r_.ok() || !check_data(seg)) return false;
      if (live) v_.on_memory_op(op, seg);
      return true;
    }
    case Op::memory_copy:
    case Op::memory_fill: {
      uint8_t z1 = r_.u8();
      uint8_t z2 = op == Op::memory_copy ? r_.u8() : 0;
      if (!r_.ok()) return false;
      if (z1 != 0 || z2 != 0) return fail("zero byte expected");
      if (!check_memory()) return false;
      pop(ValType::I32);
      pop(ValType::I32);
      pop(ValType::I32);
      if (!r_.ok()) return false;
      if (live) v_.on_memory_op(op, 0);
      return true;
    }
    case Op::table_init: {
      uint32_t seg = r_.u32();
      uint32_t t = r_.u32();
      if (!r_.ok() || !check_table(t) || !check_elem(seg)) return false;
      if (m_.elems[seg].type != m_.tables[t].elem) return fail("type mismatch");
      pop(ValType::I32);
      pop(ValType::I32);
      pop(ValType::I32);
      if (!r_.ok()) return false;
      if (live) v_.on_table_op(op, seg, t);
      return true;
    }
    case Op::elem_drop: {
      uint32_t seg = r_.u32();
      if (!r_.ok() || !check_elem(seg)) return false;
      if (live) v_.on_table_op(op, seg, 0);
      return true;
    }
    case Op::table_copy: {
      uint32_t dst = r_.u32();
      uint32_t src = r_.u32();
      if (!r_.ok() || !check_table(dst) || !check_table(src)) return false;
      if (m_.tables[dst].elem != m_.tables[src].elem) return fail("type mismatch");
      pop(ValType::I32);
      pop(ValType::I32);
      pop(ValType::I32);
      if (!r_.ok()) return false;
      if (live) v_.on_table_op(op, dst, src);
      return true;
    }
    case Op::table_grow:
    case Op::table_size:
    case Op::table_fill: {
      uint32_t t = r_.u32();
      if (!r_.ok() || !check_table(t)) return false;
      ValType et = m_.tables[t].elem;
      if (op == Op::table_grow) {
        pop(ValType::I32);
        pop(et);
        push(ValType::I32);
      } else if (op == Op::table_size) {
        push(ValType::I32);
      } else {
        pop(ValType::I32);
        pop(et);
        pop(ValType::I32);
      }
      if (!r_.ok()) return false;
      if (live) v_.on_table_op(op, t, 0);
      return true;
    }
    default:
      return fail("illegal opcode");
  }
}

}  // namespace brisk

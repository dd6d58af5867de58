// The interpreter's dispatch loop: direct-threaded code with computed goto
// (labels-as-values, GCC and Clang). One function holds every handler so
// pc, fp and the memory base live in registers. Calls between wasm
// functions do not recurse on the C stack; only host calls do.
//
// Out-of-bounds memory accesses in BoundsMode::Guard fault on guard pages;
// the signal handler (runtime/fault_handler.cc) longjmps back here, which
// is why no local with a destructor may be live across the loop.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "interp/interp.h"
#include "interp/interp_ops.h"
#include "interp/simd_fast.h"
#include "jit/jit_runtime.h"
#include "jit/tuning.h"
#include "runtime/cpu_control.h"
#include "runtime/fault_handler.h"
#include "runtime/runtime_ops.h"

namespace brisk {

using namespace interp;

namespace {

template <typename T>
inline T wasm_min(T a, T b) {
  if (a != a || b != b) return a + b;  // NaN in, quiet NaN out
  if (a == b) return std::signbit(a) ? a : b;  // -0 < +0
  return a < b ? a : b;
}
template <typename T>
inline T wasm_max(T a, T b) {
  if (a != a || b != b) return a + b;
  if (a == b) return std::signbit(a) ? b : a;
  return a > b ? a : b;
}
// Rounding functions may pass a signaling NaN through; wasm wants it quieted.
template <typename T>
inline T quiet_nan(T r) {
  return r != r ? r + r : r;
}
template <typename I, typename F>
inline I sat_trunc(F x) {
  if (x != x) return 0;
  constexpr F lo = F(std::numeric_limits<I>::min());
  constexpr F hi = F(std::numeric_limits<I>::max());
  // hi may round up to 2^N, which is out of range: compare with >=.
  if (x <= lo) return std::numeric_limits<I>::min();
  if (x >= hi) return std::numeric_limits<I>::max();
  return I(x);
}

// Slot access by type tag.
inline uint32_t get_u32(const uint64_t* s) { return uint32_t(*s); }
inline int32_t get_s32(const uint64_t* s) { return int32_t(uint32_t(*s)); }
inline uint64_t get_u64(const uint64_t* s) { return *s; }
inline int64_t get_s64(const uint64_t* s) { return int64_t(*s); }
inline float get_f32(const uint64_t* s) { return std::bit_cast<float>(uint32_t(*s)); }
inline double get_f64(const uint64_t* s) { return std::bit_cast<double>(*s); }
inline void put_u32(uint64_t* s, uint32_t v) { *s = v; }
inline void put_s32(uint64_t* s, int32_t v) { *s = uint32_t(v); }
inline void put_u64(uint64_t* s, uint64_t v) { *s = v; }
inline void put_s64(uint64_t* s, int64_t v) { *s = uint64_t(v); }
inline void put_f32(uint64_t* s, float v) { *s = std::bit_cast<uint32_t>(v); }
inline void put_f64(uint64_t* s, double v) { *s = std::bit_cast<uint64_t>(v); }

using u32 = uint32_t;
using s32 = int32_t;
using u64 = uint64_t;
using s64 = int64_t;
using f32 = float;
using f64 = double;

thread_local ExecContext* t_current_ctx = nullptr;

TrapKind run(ExecContext* ctx, Function* entry, uint64_t* entry_fp, void** export_table);

}  // namespace

void* const* interp::handler_table() {
  static void* table[kHandlerCount];
  static const bool init = (run(nullptr, nullptr, nullptr, table), true);
  (void)init;
  return table;
}
void* interp::invalid_handler() { return handler_table()[handler_id(Op::nop)]; }

FaultJmp* interp_fault_target(const void* fault_addr) {
  ExecContext* ctx = t_current_ctx;
  if (!ctx || !ctx->fault_jmp || !ctx->cur_func || !ctx->cur_func->instance) return nullptr;
  Instance* inst = ctx->cur_func->instance;
  if (inst->memories.empty() || !inst->memories[0]->owns_address(fault_addr)) return nullptr;
  return ctx->fault_jmp;
}

namespace {

TrapKind run(ExecContext* ctx, Function* entry, uint64_t* entry_fp, void** export_table) {
  if (export_table) {
    for (unsigned i = 0; i < kHandlerCount; ++i) export_table[i] = &&L_invalid;
#define UN(name, IN, OUT, expr) export_table[handler_id(Op::name)] = &&L_##name;
#define UN_T(name, IN, OUT, check, expr) UN(name, IN, OUT, expr)
#define BIN(name, IN, OUT, expr)                    \
  export_table[handler_id(Op::name)] = &&L_##name; \
  export_table[handler_id(Op::name, Variant::Imm)] = &&LI_##name;
#define BIN_T(name, IN, OUT, check, expr) BIN(name, IN, OUT, expr)
#define LOAD(name, MT, OUT)                               \
  export_table[handler_id(Op::name)] = &&L_##name;        \
  export_table[checked_handler_id(Op::name)] = &&LC_##name;
#define STORE(name, IN, MT) LOAD(name, MT, IN)
#include "interp/numeric_ops.inc"
#undef UN
#undef UN_T
#undef BIN
#undef BIN_T
#undef LOAD
#undef STORE
#define CMP(name, IN, expr)                                                   \
  export_table[handler_id(Op::name, Variant::BrIf)] = &&BT_##name;            \
  export_table[handler_id(Op::name, Variant::BrIfImm)] = &&BTI_##name;        \
  export_table[handler_id(Op::name, Variant::BrUnless)] = &&BF_##name;        \
  export_table[handler_id(Op::name, Variant::BrUnlessImm)] = &&BFI_##name;    \
  export_table[handler_id(Op::name, Variant::FuelBrIf)] = &&FBT_##name;       \
  export_table[handler_id(Op::name, Variant::FuelBrIfImm)] = &&FBTI_##name;   \
  export_table[handler_id(Op::name, Variant::FuelBrUnless)] = &&FBF_##name;   \
  export_table[handler_id(Op::name, Variant::FuelBrUnlessImm)] = &&FBFI_##name;
#define EQZ(name, IN)                                                         \
  export_table[handler_id(Op::name, Variant::BrIf)] = &&BT_##name;            \
  export_table[handler_id(Op::name, Variant::BrUnless)] = &&BF_##name;        \
  export_table[handler_id(Op::name, Variant::FuelBrIf)] = &&FBT_##name;       \
  export_table[handler_id(Op::name, Variant::FuelBrUnless)] = &&FBF_##name;
#include "interp/compare_ops.inc"
#undef CMP
#undef EQZ
#define SIMD_PLAIN(name, ...) export_table[handler_id(Op::name)] = &&L_##name;
#define SIMD_MEM(name, bytes)                        \
  export_table[handler_id(Op::name)] = &&L_##name; \
  export_table[checked_handler_id(Op::name)] = &&LC_##name;
#define SIMD_LOAD SIMD_MEM
#define SIMD_STORE SIMD_MEM
#define SIMD_LOAD_LANE SIMD_MEM
#define SIMD_STORE_LANE SIMD_MEM
#define SIMD_CONST SIMD_PLAIN
#define SIMD_SHUFFLE SIMD_PLAIN
#define SIMD_EXTRACT SIMD_PLAIN
#define SIMD_REPLACE SIMD_PLAIN
#define SIMD_UN SIMD_PLAIN
#define SIMD_BIN SIMD_PLAIN
#define SIMD_TERN SIMD_PLAIN
#include "interp/simd_ops.inc"
#undef SIMD_MEM
#undef SIMD_PLAIN
#define BRISK_IOP(name, doc) export_table[handler_id(XOp::name)] = &&X_##name;
#include "interp/internal_ops.def"
#undef BRISK_IOP
    return TrapKind::None;
  }

  const uint32_t entry_depth = ctx->depth;
  Function* const entry_caller = ctx->cur_func;
  const uint8_t* pc = nullptr;
  uint64_t* fp = nullptr;
  Function* func = ctx->cur_func;  // the caller (null from the host)
  Instance* inst = nullptr;
  uint8_t* mem = nullptr;
  uint64_t memsize = 0;
  TrapKind trap = TrapKind::None;
  Function* callee = entry;
  uint64_t* newfp = entry_fp;
  const uint8_t* ret_pc = nullptr;


#define O(i) rd32(pc + 8 + 4 * (i))
#define SLOT(off) reinterpret_cast<uint64_t*>(reinterpret_cast<uint8_t*>(fp) + (off))
#define DISPATCH() goto* rdptr<void>(pc)
#define TRAP(kind)              \
  do {                          \
    trap = TrapKind::kind;      \
    goto L_trap;                \
  } while (0)
// The fused-fuel handlers: charge the block's fuel (operand 0), step over
// it and continue as the plain instruction (whose offsets start there).
#define CHARGE_FUEL()                              \
  do {                                             \
    ctx->fuel -= int64_t(O(0));                    \
    if (ctx->fuel < 0) TRAP(OutOfFuel);            \
    pc += 4;                                       \
  } while (0)
#define RELOAD_MEM()                                    \
  do {                                                  \
    if (!inst->memories.empty()) {                      \
      mem = inst->memories[0]->base_;                   \
      memsize = inst->memories[0]->size_;               \
    }                                                   \
  } while (0)

  goto L_do_call;

#define UN(name, IN, OUT, expr)              \
  L_##name : {                               \
    IN x = get_##IN(SLOT(O(1)));             \
    put_##OUT(SLOT(O(0)), OUT(expr));        \
    pc += 16;                                \
    DISPATCH();                              \
  }
#define UN_T(name, IN, OUT, check, expr)     \
  L_##name : {                               \
    IN x = get_##IN(SLOT(O(1)));             \
    check;                                   \
    put_##OUT(SLOT(O(0)), OUT(expr));        \
    pc += 16;                                \
    DISPATCH();                              \
  }
  // Binary ops: dst, a, b; the Imm variant: dst, a, imm64.
#define BIN(name, IN, OUT, expr)             \
  L_##name : {                               \
    IN a = get_##IN(SLOT(O(1)));             \
    IN b = get_##IN(SLOT(O(2)));             \
    put_##OUT(SLOT(O(0)), OUT(expr));        \
    pc += 20;                                \
    DISPATCH();                              \
  }                                          \
  LI_##name : {                              \
    IN a = get_##IN(SLOT(O(1)));             \
    uint64_t imm_ = rd64(pc + 16);           \
    IN b = get_##IN(&imm_);                  \
    put_##OUT(SLOT(O(0)), OUT(expr));        \
    pc += 24;                                \
    DISPATCH();                              \
  }
#define BIN_T(name, IN, OUT, check, expr)    \
  L_##name : {                               \
    IN a = get_##IN(SLOT(O(1)));             \
    IN b = get_##IN(SLOT(O(2)));             \
    check;                                   \
    put_##OUT(SLOT(O(0)), OUT(expr));        \
    pc += 20;                                \
    DISPATCH();                              \
  }                                          \
  LI_##name : {                              \
    IN a = get_##IN(SLOT(O(1)));             \
    uint64_t imm_ = rd64(pc + 16);           \
    IN b = get_##IN(&imm_);                  \
    check;                                   \
    put_##OUT(SLOT(O(0)), OUT(expr));        \
    pc += 24;                                \
    DISPATCH();                              \
  }
  // Loads: dst, addr, offset. Guard mode relies on the 8 GiB reservation.
#define LOAD(name, MT, OUT)                                            \
  L_##name : {                                                         \
    uint64_t ea = uint64_t(get_u32(SLOT(O(1)))) + O(2);                \
    MT v;                                                              \
    std::memcpy(&v, mem + ea, sizeof(MT));                             \
    put_##OUT(SLOT(O(0)), OUT(v));                                     \
    pc += 20;                                                          \
    DISPATCH();                                                        \
  }                                                                    \
  LC_##name : {                                                        \
    uint64_t ea = uint64_t(get_u32(SLOT(O(1)))) + O(2);                \
    if (ea + sizeof(MT) > memsize) TRAP(MemoryOutOfBounds);            \
    MT v;                                                              \
    std::memcpy(&v, mem + ea, sizeof(MT));                             \
    put_##OUT(SLOT(O(0)), OUT(v));                                     \
    pc += 20;                                                          \
    DISPATCH();                                                        \
  }
  // Stores: addr, value, offset.
#define STORE(name, IN, MT)                                            \
  L_##name : {                                                         \
    uint64_t ea = uint64_t(get_u32(SLOT(O(0)))) + O(2);                \
    MT v = MT(get_##IN(SLOT(O(1))));                                   \
    std::memcpy(mem + ea, &v, sizeof(MT));                             \
    pc += 20;                                                          \
    DISPATCH();                                                        \
  }                                                                    \
  LC_##name : {                                                        \
    uint64_t ea = uint64_t(get_u32(SLOT(O(0)))) + O(2);                \
    if (ea + sizeof(MT) > memsize) TRAP(MemoryOutOfBounds);            \
    MT v = MT(get_##IN(SLOT(O(1))));                                   \
    std::memcpy(mem + ea, &v, sizeof(MT));                             \
    pc += 20;                                                          \
    DISPATCH();                                                        \
  }
#include "interp/numeric_ops.inc"
#undef UN
#undef UN_T
#undef BIN
#undef BIN_T
#undef LOAD
#undef STORE

  // Fused compare-and-branch: a, b, rel32 (20 bytes) or a, rel32, imm64
  // (24 bytes). Taken backward branches check for interruption.
// A branch to its own start (a loop made of one br_if) is backward too.
#define TAKE_BRANCH(rel)                                  \
  do {                                                    \
    int32_t r_ = int32_t(rel);                            \
    pc += r_;                                             \
    if (r_ <= 0 && --func->budget <= 0) goto L_backedge;  \
    DISPATCH();                                           \
  } while (0)
#define CMP(name, IN, expr)                                  \
  BT_##name : {                                              \
    IN a = get_##IN(SLOT(O(0)));                             \
    IN b = get_##IN(SLOT(O(1)));                             \
    if (expr) TAKE_BRANCH(O(2));                             \
    pc += 20;                                                \
    DISPATCH();                                              \
  }                                                          \
  BTI_##name : {                                             \
    IN a = get_##IN(SLOT(O(0)));                             \
    uint64_t imm_ = rd64(pc + 16);                           \
    IN b = get_##IN(&imm_);                                  \
    if (expr) TAKE_BRANCH(O(1));                             \
    pc += 24;                                                \
    DISPATCH();                                              \
  }                                                          \
  BF_##name : {                                              \
    IN a = get_##IN(SLOT(O(0)));                             \
    IN b = get_##IN(SLOT(O(1)));                             \
    if (!(expr)) TAKE_BRANCH(O(2));                          \
    pc += 20;                                                \
    DISPATCH();                                              \
  }                                                          \
  BFI_##name : {                                             \
    IN a = get_##IN(SLOT(O(0)));                             \
    uint64_t imm_ = rd64(pc + 16);                           \
    IN b = get_##IN(&imm_);                                  \
    if (!(expr)) TAKE_BRANCH(O(1));                          \
    pc += 24;                                                \
    DISPATCH();                                              \
  }                                                          \
  FBT_##name : CHARGE_FUEL(); goto BT_##name;                \
  FBTI_##name : CHARGE_FUEL(); goto BTI_##name;              \
  FBF_##name : CHARGE_FUEL(); goto BF_##name;                \
  FBFI_##name : CHARGE_FUEL(); goto BFI_##name;
  // Fused eqz-and-branch: a, rel32.
#define EQZ(name, IN)                                        \
  BT_##name : {                                              \
    if (get_##IN(SLOT(O(0))) == 0) TAKE_BRANCH(O(1));        \
    pc += 16;                                                \
    DISPATCH();                                              \
  }                                                          \
  BF_##name : {                                              \
    if (get_##IN(SLOT(O(0))) != 0) TAKE_BRANCH(O(1));        \
    pc += 16;                                                \
    DISPATCH();                                              \
  }                                                          \
  FBT_##name : CHARGE_FUEL(); goto BT_##name;                \
  FBF_##name : CHARGE_FUEL(); goto BF_##name;
#include "interp/compare_ops.inc"
#undef CMP
#undef EQZ

X_copy : {
  *SLOT(O(0)) = *SLOT(O(1));
  pc += 16;
  DISPATCH();
}
X_const64 : {
  *SLOT(O(0)) = rd64(pc + 12);
  pc += 20;
  DISPATCH();
}
X_br : {
  pc += int32_t(O(0));
  DISPATCH();
}
X_br_loop : {
  pc += int32_t(O(0));
  if (--func->budget <= 0) goto L_backedge;
  DISPATCH();
}
X_br_if : {
  if (get_u32(SLOT(O(0))) != 0) TAKE_BRANCH(O(1));
  pc += 16;
  DISPATCH();
}
X_br_unless : {
  if (get_u32(SLOT(O(0))) == 0) TAKE_BRANCH(O(1));
  pc += 16;
  DISPATCH();
}
X_br_table : {
  uint32_t idx = get_u32(SLOT(O(0)));
  uint32_t n = O(1);
  if (idx > n) idx = n;
  pc += int32_t(O(2 + idx));
  DISPATCH();
}
X_call : {
  newfp = SLOT(O(0));
  callee = rdptr<Function>(pc + 12);
  ret_pc = pc + 20;
  goto L_do_call;
}
X_call_indirect : {
  uint32_t idx = get_u32(SLOT(O(1)));
  Table* tab = rdptr<Table>(pc + 20);
  if (idx >= tab->elems_.size()) TRAP(UndefinedElement);
  callee = reinterpret_cast<Function*>(tab->elems_[idx]);
  if (!callee) TRAP(UninitializedElement);
  if (callee->sig_id != O(2)) TRAP(IndirectCallTypeMismatch);
  newfp = SLOT(O(0));
  ret_pc = pc + 28;
  goto L_do_call;
}
X_ret : {
  const CallFrame& fr = ctx->frames[--ctx->depth];
  func = fr.func;
  ctx->cur_func = func;
  if (!fr.ret_pc) return TrapKind::None;
  pc = fr.ret_pc;
  fp = fr.fp;
  // mem/memsize are kept current for inst by every handler that can change
  // them (memory.grow, misc ops, calls out), so only a return into another
  // instance reloads.
  if (func->instance != inst) {
    inst = func->instance;
    RELOAD_MEM();
  }
  DISPATCH();
}
X_ret_copy : {
  *fp = *SLOT(O(0));
  goto X_ret;
}
X_unreachable : {
  TRAP(Unreachable);
}
X_select : {
  *SLOT(O(0)) = get_u32(SLOT(O(3))) ? *SLOT(O(1)) : *SLOT(O(2));
  pc += 24;
  DISPATCH();
}
X_global_get : {
  *SLOT(O(0)) = rdptr<Global>(pc + 12)->bits;
  pc += 20;
  DISPATCH();
}
X_global_set : {
  rdptr<Global>(pc + 12)->bits = *SLOT(O(0));
  pc += 20;
  DISPATCH();
}
X_memory_size : {
  put_u32(SLOT(O(0)), uint32_t(inst->memories[0]->size_ / kPageSize));
  pc += 12;
  DISPATCH();
}
X_memory_grow : {
  int64_t r = inst->memories[0]->grow(get_u32(SLOT(O(1))));
  put_s32(SLOT(O(0)), int32_t(r));
  RELOAD_MEM();
  pc += 16;
  DISPATCH();
}
X_ref_is_null : {
  put_u32(SLOT(O(0)), *SLOT(O(1)) == 0);
  pc += 16;
  DISPATCH();
}
X_ref_func : {
  *SLOT(O(0)) = reinterpret_cast<uint64_t>(rdptr<Function>(pc + 12));
  pc += 20;
  DISPATCH();
}
X_fuel : {
  ctx->fuel -= int64_t(O(0));
  if (ctx->fuel < 0) TRAP(OutOfFuel);
  pc += 12;
  DISPATCH();
}
X_fuel_br : CHARGE_FUEL(); goto X_br;
X_fuel_br_loop : CHARGE_FUEL(); goto X_br_loop;
X_fuel_br_if : CHARGE_FUEL(); goto X_br_if;
X_fuel_br_unless : CHARGE_FUEL(); goto X_br_unless;
X_fuel_call : CHARGE_FUEL(); goto X_call;
X_fuel_call_indirect : CHARGE_FUEL(); goto X_call_indirect;
X_fuel_ret : CHARGE_FUEL(); goto X_ret;
X_fuel_ret_copy : CHARGE_FUEL(); goto X_ret_copy;
X_misc : {
  // Operands: op, a, b, c, dst, imm0, imm1 (see runtime_ops.h).
  MiscArgs args{Op(O(0)), *SLOT(O(1)), *SLOT(O(2)), *SLOT(O(3)), O(5), O(6)};
  uint64_t result = 0;
  TrapKind k = exec_misc(inst, args, &result);
  if (k != TrapKind::None) {
    trap = k;
    goto L_trap;
  }
  *SLOT(O(4)) = result;
  RELOAD_MEM();
  pc += 36;
  DISPATCH();
}

#include "interp/simd_handlers.inc"

L_do_call : {
  if (callee->host || callee->jit_code) {
    ctx->cur_func = func;
    uint32_t k = callee->entry(ctx, newfp, callee);
    if (k != 0) {
      trap = TrapKind(k);
      goto L_trap;
    }
    if (!ret_pc) return TrapKind::None;  // called directly as the entry
    pc = ret_pc;
    if (inst) RELOAD_MEM();
    DISPATCH();
  }
  // Calls are charged after the check, loop back-edges before it: with a
  // threshold of 1 the first call is interpreted and its first back-edge
  // performs OSR, and the next call runs compiled code.
  if (callee->budget-- <= 0) {
    if (ctx->interrupt.load(std::memory_order_relaxed)) {
      trap = check_attention(ctx);
      if (trap != TrapKind::None) goto L_trap;
    }
    if (ctx->store->config().mode != ExecMode::Tiered) {
      callee->budget = tuning::kBackedgeCheckPeriod;
    } else if (jit::tier_up(ctx->store, callee)) {
      goto L_do_call;  // now takes the JIT path above
    }  // else tier_up set the budget: a background compile is pending, or never
  }
  if (ctx->depth >= ctx->max_frames) TRAP(StackExhausted);
  InterpCode* code = callee->interp ? callee->interp : interp_prepare(callee);
  if (newfp + code->frame_slots > ctx->stack_end) TRAP(StackExhausted);
  ctx->frames[ctx->depth++] = CallFrame{ret_pc, fp, func};
  if (const uint32_t nzero = code->num_locals - code->num_params) {
    uint64_t* const locals = newfp + code->num_params;
    if (nzero <= 4) {
      // Up to 4 declared locals: zero 4 slots without a call. The extra
      // ones are operand-stack slots of the new frame (frame_slots >=
      // num_locals + 3), dead until written.
      locals[0] = locals[1] = locals[2] = locals[3] = 0;
    } else {
      std::memset(locals, 0, size_t(nzero) * 8);
    }
  }
  fp = newfp;
  func = callee;
  ctx->cur_func = callee;
  pc = code->code.data();
  if (callee->instance != inst) {
    inst = callee->instance;
    mem = nullptr;
    memsize = 0;
    RELOAD_MEM();
  }
  DISPATCH();
}

  // A loop back-edge used up the function's budget: check for interruption,
  // and in tiered mode move this activation into JIT code at the loop
  // header (pc) by on-stack replacement.
L_backedge : {
  if (ctx->interrupt.load(std::memory_order_relaxed)) {
    trap = check_attention(ctx);
    if (trap != TrapKind::None) goto L_trap;
  }
  if (ctx->store->config().mode != ExecMode::Tiered) {
    func->budget = tuning::kBackedgeCheckPeriod;
    DISPATCH();
  }
  // Not compiled yet: ask for it (tier_up sets the budget to the next
  // look when a background compile is pending) and keep interpreting.
  if (!jit::tier_up(ctx->store, func, /*loop=*/true)) DISPATCH();
  const InterpCode* code = func->interp;
  const uint32_t off = uint32_t(pc - code->code.data());
  uint32_t loop = 0;
  while (loop < code->loop_headers.size() && code->loop_headers[loop] != off) ++loop;
  EntryFn osr = loop < code->loop_headers.size() ? jit::osr_entry_for(func, loop) : nullptr;
  if (!osr) {
    func->budget = INT32_MAX;  // cannot compile: never ask again
    DISPATCH();
  }
  // The JIT adopts this frame; it returns as if called by our caller.
  const CallFrame fr = ctx->frames[--ctx->depth];
  ctx->cur_func = fr.func;
  uint32_t k = osr(ctx, fp, func);
  func = fr.func;
  if (k != 0) {
    trap = TrapKind(k);
    goto L_trap;
  }
  if (!fr.ret_pc) return TrapKind::None;
  pc = fr.ret_pc;
  fp = fr.fp;
  inst = func->instance;
  RELOAD_MEM();
  DISPATCH();
}

L_invalid:
  // Only reachable through a translator bug: never silently continue.
  ctx->trap_message = "internal error: invalid interpreter instruction";
  trap = TrapKind::Host;
L_trap : {
  ctx->cur_func = func;
  record_trap_frames(ctx);
  ctx->depth = entry_depth;
  ctx->cur_func = entry_caller;
  return trap;
}
#undef TAKE_BRANCH
#undef O
#undef SLOT
#undef DISPATCH
#undef TRAP
#undef CHARGE_FUEL
#undef RELOAD_MEM
}

}  // namespace

void record_trap_frames(ExecContext* ctx) {
  if (ctx->trap_recorded) return;
  ctx->trap_recorded = true;
  // Deep recursion would make huge traces: keep the innermost frames.
  constexpr size_t kMaxFrames = 64;
  auto& out = ctx->last_trap_frames;
  out.clear();
  // No function of this activation was entered (the outermost call trapped
  // in its entry checks): cur_func is the host's caller, not ours.
  const uint32_t base = ctx->activation_base;
  if (ctx->depth <= base) return;
  auto frame_of = [](const Function* f) {
    TrapFrame t;
    if (!f->host) {
      t.func_index = f->index;
      // The function body's first instruction: every tier knows it at no
      // run-time cost, so backtraces are identical in every mode.
      if (f->instance) t.code_offset = f->instance->module->body(f->index).code_offset;
    }
    t.name = f->display_name();
    return t;
  };
  if (ctx->cur_func) out.push_back(frame_of(ctx->cur_func));
  // Each record names the caller of the activation that pushed it, so the
  // base record (whose caller is outside this activation) is not listed.
  for (uint32_t i = ctx->depth - 1; i > base; --i) {
    const CallFrame& f = ctx->frames[i];
    if (out.size() == kMaxFrames) {
      TrapFrame elided;
      elided.name = "...";
      out.push_back(std::move(elided));
      break;
    }
    if (f.func) out.push_back(frame_of(f.func));
  }
}

uint32_t interp_entry(ExecContext* ctx, uint64_t* fp, Function* self) {
  return uint32_t(run(ctx, self, fp, nullptr));
}

uint32_t host_trap(ExecContext* ctx, TrapKind kind, std::string message, int exit_code) {
  ctx->trap_message = std::move(message);
  ctx->exit_code = exit_code;
  record_trap_frames(ctx);
  return uint32_t(kind);
}

uint32_t host_entry(ExecContext* ctx, uint64_t* fp, Function* callee) {
  const FuncType& ft = *callee->type;
  uint64_t argbuf[16];
  uint64_t* args = argbuf;
  std::vector<uint64_t> big;  // only for host functions with > 16 param slots
  const size_t param_slots = slot_count(ft.params);
  if (param_slots > 16) {
    big.assign(fp, fp + param_slots);
    args = big.data();
  } else {
    std::memcpy(argbuf, fp, param_slots * 8);
  }
  Instance* caller = ctx->cur_func ? ctx->cur_func->instance : nullptr;
  HostCall hc;
  hc.store = ctx->store;
  hc.caller = caller;
  hc.memory = caller && !caller->memories.empty() ? caller->memories[0] : nullptr;
  TrapKind k;
  {
    HostFrameScope frame(ctx, fp + std::max(param_slots, size_t(slot_count(ft.results))));
    k = callee->host->callback(hc, args, fp);
  }
  if (k != TrapKind::None) return host_trap(ctx, k, std::move(hc.message), hc.exit_code);
  return 0;
}

TrapKind exec_call(ExecContext& ctx, Function* f, uint64_t* fp, std::optional<Trap>* trap) {
  ExecContext* const prev_ctx = t_current_ctx;
  FaultJmp* const prev_jmp = ctx.fault_jmp;
  const uint32_t entry_depth = ctx.depth;
  const uint32_t prev_base = ctx.activation_base;
  Function* const entry_caller = ctx.cur_func;
  t_current_ctx = &ctx;
  ctx.activation_base = entry_depth;
  TrapKind k;
  // The jump buffer lives here, not in the dispatch loop, so that the loop
  // is not a returns-twice function and keeps its state in registers.
  FaultJmp jb;
  if (BRISK_FAULT_SETJMP(jb)) {
    // A guard-page fault in wasm code: ctx.cur_func and ctx.depth are
    // current because every tier keeps them in memory for this purpose.
    record_trap_frames(&ctx);
    k = TrapKind::MemoryOutOfBounds;
  } else {
    ctx.fault_jmp = &jb;
    k = TrapKind(f->entry(&ctx, fp, f));
  }
  ctx.depth = entry_depth;
  ctx.activation_base = prev_base;
  ctx.cur_func = entry_caller;
  ctx.fault_jmp = prev_jmp;
  t_current_ctx = prev_ctx;
  if (k != TrapKind::None && trap) {
    Trap& t = trap->emplace();
    t.kind = k;
    t.message = k == TrapKind::Host ? ctx.trap_message : trap_message(k);
    t.exit_code = ctx.exit_code;
    t.frames = std::move(ctx.last_trap_frames);
  }
  // Frames are only ever recorded with trap_recorded set (record_trap_frames).
  if (ctx.trap_recorded) {
    ctx.last_trap_frames.clear();
    ctx.trap_recorded = false;
  }
  return k;
}

}  // namespace brisk

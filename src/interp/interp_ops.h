// Handler numbering shared by the translator and the dispatch loop, and the
// instruction encoding helpers. An instruction is an 8-byte handler address
// followed by 4-byte operands (slot byte offsets, immediates, relative
// branch offsets) and, for some, 8-byte pointers.
#pragma once
#include <cstdint>
#include <cstring>

#include "core/opcodes.h"

namespace brisk::interp {

enum class XOp : uint16_t {
#define BRISK_IOP(name, doc) name,
#include "interp/internal_ops.def"
#undef BRISK_IOP
  kCount
};

// Handler ids, in ranges of kOpCount indexed by the wasm Op:
//   plain       simple wasm ops (memory ops rely on guard pages)
//   checked     memory ops with explicit bounds checks
//   imm         binary ops whose second operand is an immediate
//   brif/brifi  compare fused with "branch if true" (reg / imm operand)
//   brun/bruni  compare fused with "branch if false" (reg / imm operand)
//   fuel*       the four above with a fuel charge folded in (see XOp::fuel_br)
// followed by the internal ops (XOp).
enum class Variant : unsigned {
  Plain, Checked, Imm, BrIf, BrIfImm, BrUnless, BrUnlessImm,
  FuelBrIf, FuelBrIfImm, FuelBrUnless, FuelBrUnlessImm, kCount
};
// The variant of a compare-and-branch that charges fuel first.
constexpr Variant with_fuel(Variant v) { return Variant(unsigned(v) + (unsigned(Variant::FuelBrIf) - unsigned(Variant::BrIf))); }
constexpr unsigned kInternalBase = unsigned(Variant::kCount) * kOpCount;
constexpr unsigned kHandlerCount = kInternalBase + unsigned(XOp::kCount);

inline unsigned handler_id(Op op, Variant v = Variant::Plain) { return unsigned(v) * kOpCount + unsigned(op); }
inline unsigned checked_handler_id(Op op) { return handler_id(op, Variant::Checked); }
inline unsigned handler_id(XOp op) { return kInternalBase + unsigned(op); }

// Handler addresses of the dispatch loop (label addresses), by handler id.
// An entry equal to invalid_handler() means "no handler".
void* const* handler_table();
void* invalid_handler();

inline uint32_t rd32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline uint64_t rd64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
template <typename T>
inline T* rdptr(const uint8_t* p) {
  T* v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

}  // namespace brisk::interp

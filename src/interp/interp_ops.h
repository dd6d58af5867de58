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

// Handler ids: [0, kOpCount) simple wasm ops (guard-page bounds for memory
// ops); [kOpCount, 2*kOpCount) explicitly bounds-checked memory ops;
// [2*kOpCount, ...) internal ops.
constexpr unsigned kCheckedBase = kOpCount;
constexpr unsigned kInternalBase = 2 * kOpCount;
constexpr unsigned kHandlerCount = kInternalBase + unsigned(XOp::kCount);

inline unsigned handler_id(Op op) { return unsigned(op); }
inline unsigned checked_handler_id(Op op) { return kCheckedBase + unsigned(op); }
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

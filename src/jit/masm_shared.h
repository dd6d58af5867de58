// Arch-neutral facts that every masm implementation needs: how a wasm
// conversion op decomposes, and the exact float bounds of the trapping
// float->int truncations. One definition here keeps the x64 and a64 masms
// from restating the tables.
#pragma once
#include <cstdint>

#include "core/opcodes.h"
#include "jit/masm.h"

namespace brisk::jit {

struct Conversion {
  enum class Kind : uint8_t { Trunc, TruncSat, FromInt, Demote, Promote, None } kind = Kind::None;
  bool int64 = false;      // the integer side is i64
  bool is_signed = false;  // the integer side is signed
  bool f32 = false;        // the float side is f32
};
// The shape of conversion op {op} (Kind::None for other ops).
Conversion conversion_of(Op op);

// A trapping truncation is valid iff lo < x < hi (lo <= x when
// lo_inclusive). Bounds are exact in the source float type.
struct TruncRange {
  double lo, hi;
  bool lo_inclusive;
};
TruncRange trunc_range(bool to64, bool is_signed, bool from_f32);

// The bit pattern of {v} as an f32 (rounded) or f64.
uint64_t float_bits(double v, bool f32);

}  // namespace brisk::jit

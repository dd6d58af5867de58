#include "jit/masm_shared.h"

#include <cstring>

namespace brisk::jit {

Cond negate(Cond c) {
  switch (c) {
    case Cond::Eq: return Cond::Ne;
    case Cond::Ne: return Cond::Eq;
    case Cond::LtS: return Cond::GeS;
    case Cond::LtU: return Cond::GeU;
    case Cond::GtS: return Cond::LeS;
    case Cond::GtU: return Cond::LeU;
    case Cond::LeS: return Cond::GtS;
    case Cond::LeU: return Cond::GtU;
    case Cond::GeS: return Cond::LtS;
    case Cond::GeU: return Cond::LtU;
  }
  return c;
}

Conversion conversion_of(Op op) {
  using K = Conversion::Kind;
  switch (op) {
    //                                         kind         int64  signed f32
    case Op::i32_trunc_f32_s: return Conversion{K::Trunc, false, true, true};
    case Op::i32_trunc_f32_u: return Conversion{K::Trunc, false, false, true};
    case Op::i32_trunc_f64_s: return Conversion{K::Trunc, false, true, false};
    case Op::i32_trunc_f64_u: return Conversion{K::Trunc, false, false, false};
    case Op::i64_trunc_f32_s: return Conversion{K::Trunc, true, true, true};
    case Op::i64_trunc_f32_u: return Conversion{K::Trunc, true, false, true};
    case Op::i64_trunc_f64_s: return Conversion{K::Trunc, true, true, false};
    case Op::i64_trunc_f64_u: return Conversion{K::Trunc, true, false, false};
    case Op::i32_trunc_sat_f32_s: return Conversion{K::TruncSat, false, true, true};
    case Op::i32_trunc_sat_f32_u: return Conversion{K::TruncSat, false, false, true};
    case Op::i32_trunc_sat_f64_s: return Conversion{K::TruncSat, false, true, false};
    case Op::i32_trunc_sat_f64_u: return Conversion{K::TruncSat, false, false, false};
    case Op::i64_trunc_sat_f32_s: return Conversion{K::TruncSat, true, true, true};
    case Op::i64_trunc_sat_f32_u: return Conversion{K::TruncSat, true, false, true};
    case Op::i64_trunc_sat_f64_s: return Conversion{K::TruncSat, true, true, false};
    case Op::i64_trunc_sat_f64_u: return Conversion{K::TruncSat, true, false, false};
    case Op::f32_convert_i32_s: return Conversion{K::FromInt, false, true, true};
    case Op::f32_convert_i32_u: return Conversion{K::FromInt, false, false, true};
    case Op::f32_convert_i64_s: return Conversion{K::FromInt, true, true, true};
    case Op::f32_convert_i64_u: return Conversion{K::FromInt, true, false, true};
    case Op::f64_convert_i32_s: return Conversion{K::FromInt, false, true, false};
    case Op::f64_convert_i32_u: return Conversion{K::FromInt, false, false, false};
    case Op::f64_convert_i64_s: return Conversion{K::FromInt, true, true, false};
    case Op::f64_convert_i64_u: return Conversion{K::FromInt, true, false, false};
    case Op::f32_demote_f64: return Conversion{K::Demote, false, false, true};
    case Op::f64_promote_f32: return Conversion{K::Promote, false, false, false};
    default: return Conversion{};
  }
}

TruncRange trunc_range(bool to64, bool is_signed, bool from_f32) {
  if (!to64) {
    if (is_signed)
      return from_f32 ? TruncRange{-2147483648.0, 2147483648.0, true} : TruncRange{-2147483649.0, 2147483648.0, false};
    return {-1.0, 4294967296.0, false};
  }
  if (is_signed) return {-9223372036854775808.0, 9223372036854775808.0, true};
  return {-1.0, 18446744073709551616.0, false};
}

uint64_t float_bits(double v, bool f32) {
  if (f32) {
    float f = float(v);
    uint32_t b;
    std::memcpy(&b, &f, 4);
    return b;
  }
  uint64_t b;
  std::memcpy(&b, &v, 8);
  return b;
}

}  // namespace brisk::jit

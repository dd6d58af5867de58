// The encodings of unimplemented proposals (see features.h), from their
// binary-format overviews.
#include "core/features.h"

namespace brisk {

const char* feature_name(Feature f) {
  switch (f) {
    case Feature::RelaxedSimd: return "relaxed-simd";
    case Feature::Threads: return "threads";
    case Feature::ExceptionHandling: return "exception-handling";
    case Feature::Gc: return "gc";
    case Feature::FunctionReferences: return "function-references";
    case Feature::TailCall: return "tail-call";
    case Feature::Memory64: return "memory64";
    case Feature::MultiMemory: return "multi-memory";
    case Feature::ExtendedConst: return "extended-const";
  }
  return "?";
}

std::string unsupported_feature(Feature f) { return std::string("unsupported feature: ") + feature_name(f); }

namespace {

// Abstract heap types of GC, which double as the one-byte shorthands of
// their nullable reference types (anyref, eqref, ...).
std::optional<Feature> abstract_heaptype_feature(uint8_t b) {
  switch (b) {
    case 0x6e:  // any
    case 0x6d:  // eq
    case 0x6c:  // i31
    case 0x6b:  // struct
    case 0x6a:  // array
    case 0x71:  // none
    case 0x72:  // noextern
    case 0x73:  // nofunc
      return Feature::Gc;
    case 0x69:  // exn
    case 0x74:  // noexn
      return Feature::ExceptionHandling;
  }
  return std::nullopt;
}

}  // namespace

std::optional<Feature> valtype_feature(uint8_t b) {
  if (b == 0x63 || b == 0x64) return Feature::FunctionReferences;  // (ref null ht), (ref ht)
  return abstract_heaptype_feature(b);
}

std::optional<Feature> heaptype_feature(uint8_t b) {
  if (auto f = abstract_heaptype_feature(b)) return f;
  // A non-negative s33 (its first byte has bit 6 clear, or is a
  // continuation byte): a type index, which only typed references allow.
  if ((b & 0x40) == 0 || (b & 0x80)) return Feature::FunctionReferences;
  return std::nullopt;
}

std::optional<Feature> opcode_feature(uint8_t b) {
  switch (b) {
    case 0x06:  // try
    case 0x07:  // catch
    case 0x08:  // throw
    case 0x09:  // rethrow
    case 0x0a:  // throw_ref
    case 0x18:  // delegate
    case 0x19:  // catch_all
    case 0x1f:  // try_table
      return Feature::ExceptionHandling;
    case 0x12:  // return_call
    case 0x13:  // return_call_indirect
      return Feature::TailCall;
    case 0x14:  // call_ref
    case 0x15:  // return_call_ref
    case 0xd4:  // ref.as_non_null
    case 0xd5:  // br_on_null
    case 0xd6:  // br_on_non_null
      return Feature::FunctionReferences;
    case 0xd3:  // ref.eq
    case 0xfb:  // struct, array, i31 and cast instructions
      return Feature::Gc;
    case 0xfe:  // atomics
      return Feature::Threads;
  }
  return std::nullopt;
}

std::optional<Feature> simd_prefix_feature(uint32_t sub) {
  if (sub >= 0x100 && sub <= 0x113) return Feature::RelaxedSimd;
  return std::nullopt;
}

bool is_component_version(const uint8_t version[4]) {
  return version[0] == 0x0d && version[1] == 0x00 && version[2] == 0x01 && version[3] == 0x00;
}

}  // namespace brisk

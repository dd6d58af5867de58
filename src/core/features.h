// WebAssembly proposals beyond 2.0 that brisk does not implement, and the
// bytes that open them. The decoder and the walker ask these tables when a
// byte is not a 2.0 encoding, so a module that uses such a feature is
// rejected as "unsupported feature: NAME" at the first byte that needs it,
// instead of with whatever malformed-binary message that byte would give.
// Only encodings are classified here; where one is also a malformed case
// the 2.0 spec tests check, the caller decides (see module_decoder.cc).
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace brisk {

enum class Feature : uint8_t {
  RelaxedSimd,         // 0xfd 0x100..0x113
  Threads,             // shared memories, the 0xfe prefix (atomics)
  ExceptionHandling,   // try/catch/throw/..., try_table, the tag section, exnref
  Gc,                  // rec/sub/struct/array types, abstract heap types, the 0xfb prefix
  FunctionReferences,  // (ref null? ht) types, call_ref, br_on_null, ...
  TailCall,            // return_call, return_call_indirect
  Memory64,            // i64-indexed memories and tables (limits flags 0x04-0x07)
  MultiMemory,         // more than one memory, memory indices in memargs
  ExtendedConst,       // i32/i64 add, sub and mul in constant expressions
};

// The fixed, lowercase name of the feature, as in the message.
const char* feature_name(Feature f);
// "unsupported feature: NAME".
std::string unsupported_feature(Feature f);

// The feature of a value-type byte that WebAssembly 2.0 does not have (in a
// function type, a local, a global, a block type, select's type, a table's
// element type), if it belongs to one.
std::optional<Feature> valtype_feature(uint8_t b);
// The feature of ref.null's heap-type immediate when it is not func or
// extern: an abstract heap type of a proposal, or a type index.
std::optional<Feature> heaptype_feature(uint8_t b);
// The feature of an instruction's first byte that 2.0 does not define.
std::optional<Feature> opcode_feature(uint8_t b);
// The feature of an 0xfd-prefixed sub-opcode that 2.0's SIMD does not
// define (relaxed SIMD's 0x100..0x113), if any.
std::optional<Feature> simd_prefix_feature(uint32_t sub);

// Whether the 4 bytes after "\0asm" are a component's version and layer
// (0x0d 0x00, layer 0x01 0x00) rather than a core module's version 1.
bool is_component_version(const uint8_t version[4]);
inline constexpr const char* kComponentMessage =
    "a WebAssembly component, not a core module (brisk runs core modules)";

}  // namespace brisk

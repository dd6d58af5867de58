// Declarations of the interpreter's SIMD operations (defined in
// simd_ops.cc), one per row of simd_ops.inc. Pointers address a frame slot
// pair or linear memory and need no alignment.
#pragma once
#include <cstdint>

namespace brisk::interp::simd {

#define SIMD_LOAD(name, bytes) void name(void* dst, const uint8_t* src);
#define SIMD_STORE(name, bytes) void name(uint8_t* dst, const void* src);
#define SIMD_LOAD_LANE(name, bytes) void name(void* dst, const void* vec, const uint8_t* src, uint32_t lane);
#define SIMD_STORE_LANE(name, bytes) void name(uint8_t* dst, const void* vec, uint32_t lane);
#define SIMD_CONST(name)
#define SIMD_SHUFFLE(name) void name(void* dst, const void* a, const void* b, const uint8_t* lanes);
#define SIMD_EXTRACT(name) void name(void* dst, const void* a, uint32_t lane);
#define SIMD_REPLACE(name) void name(void* dst, const void* a, const void* x, uint32_t lane);
#define SIMD_UN(name) void name(void* dst, const void* a);
#define SIMD_BIN(name) void name(void* dst, const void* a, const void* b);
#define SIMD_TERN(name) void name(void* dst, const void* a, const void* b, const void* c);
#include "interp/simd_ops.inc"

}  // namespace brisk::interp::simd

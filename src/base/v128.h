// The 128-bit vector types of WebAssembly SIMD as GCC/Clang vector
// extensions (`vector_size(16)`), and unaligned loads/stores of them. This is
// the one place that names the compiler extension: the interpreter's SIMD
// semantics are written against these types, so they build as portable C++
// on every target the compilers support (SSE on x86_64, NEON on AArch64, or
// scalar code elsewhere). Lanes are little-endian, as in wasm; vector
// subscripts v[i] address lane i on the little-endian targets brisk runs on.
#pragma once
#include <cstdint>
#include <cstring>

namespace brisk::v128 {

#define BRISK_V128_TYPE(name, lane) typedef lane name __attribute__((vector_size(16), may_alias))
BRISK_V128_TYPE(i8x16, int8_t);
BRISK_V128_TYPE(u8x16, uint8_t);
BRISK_V128_TYPE(i16x8, int16_t);
BRISK_V128_TYPE(u16x8, uint16_t);
BRISK_V128_TYPE(i32x4, int32_t);
BRISK_V128_TYPE(u32x4, uint32_t);
BRISK_V128_TYPE(i64x2, int64_t);
BRISK_V128_TYPE(u64x2, uint64_t);
BRISK_V128_TYPE(f32x4, float);
BRISK_V128_TYPE(f64x2, double);
#undef BRISK_V128_TYPE

// Slots and linear memory give no 16-byte alignment: copy through memcpy,
// which compiles to one unaligned vector move.
template <typename V>
inline V load(const void* p) {
  V v;
  std::memcpy(&v, p, 16);
  return v;
}
template <typename V>
inline void store(void* p, V v) {
  std::memcpy(p, &v, 16);
}

// The number of lanes of a vector type.
template <typename V>
constexpr int lanes() {
  return int(16 / sizeof(V{}[0]));
}

}  // namespace brisk::v128

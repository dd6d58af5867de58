// A bounds-checked cursor over wasm bytes with strict LEB128 decoding.
// Every read reports failure through the sticky error state; callers check
// ok() at convenient points. Offsets in errors are absolute file offsets.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "base/result.h"

namespace brisk {

class Reader {
 public:
  Reader(const uint8_t* begin, const uint8_t* end, uint64_t base_offset = 0)
      : start_(begin), p_(begin), end_(end), base_(base_offset) {}

  bool ok() const { return err_.message.empty(); }
  bool at_end() const { return p_ >= end_; }
  size_t remaining() const { return size_t(end_ - p_); }
  uint64_t offset() const { return base_ + uint64_t(p_ - start_); }
  const uint8_t* pos() const { return p_; }
  const uint8_t* end() const { return end_; }
  const Error& error() const { return err_; }
  Error take_error() { return std::move(err_); }

  // Records the first error only; later reads return zeros.
  void fail(std::string msg) { fail_at(offset(), std::move(msg)); }
  void fail_at(uint64_t off, std::string msg) {
    if (ok()) err_ = Error{off, std::move(msg)};
    p_ = end_;
  }

  // The common cases (a byte left; a one-byte LEB128) are inline fast
  // paths: the walkers read several immediates per instruction, and the
  // general decoders with their error messages are too big to inline.
  [[gnu::always_inline]] uint8_t u8() {
    if (__builtin_expect(p_ < end_, 1)) return *p_++;
    return u8_at_end();
  }
  uint8_t peek_u8() const { return p_ < end_ ? *p_ : 0; }
  bool bytes(size_t n, const uint8_t** out) {
    if (remaining() < n) { fail("unexpected end"); *out = end_; return false; }
    *out = p_;
    p_ += n;
    return true;
  }
  uint32_t fixed_u32() {
    const uint8_t* b;
    if (!bytes(4, &b)) return 0;
    uint32_t v;
    std::memcpy(&v, b, 4);
    return v;
  }
  uint64_t fixed_u64() {
    const uint8_t* b;
    if (!bytes(8, &b)) return 0;
    uint64_t v;
    std::memcpy(&v, b, 8);
    return v;
  }

  [[gnu::always_inline]] uint32_t u32() { return one_byte() ? *p_++ : uint32_t(uleb(32)); }
  uint64_t u64() { return one_byte() ? *p_++ : uleb(64); }
  int32_t s32() { return one_byte() ? int32_t(sext7(*p_++)) : int32_t(sleb(32)); }
  int64_t s64() { return one_byte() ? sext7(*p_++) : sleb(64); }
  // Signed 33-bit, used by block types.
  int64_t s33() { return one_byte() ? sext7(*p_++) : sleb(33); }

  std::string_view name() {
    uint32_t n = u32();
    const uint8_t* b;
    if (!ok() || !bytes(n, &b)) { if (ok()) fail("unexpected end"); return {}; }
    return std::string_view(reinterpret_cast<const char*>(b), n);
  }

 private:
  // The next byte is a whole LEB128 number (no continuation bit).
  bool one_byte() const { return __builtin_expect(p_ < end_ && *p_ < 0x80, 1); }
  static int64_t sext7(uint8_t b) { return int64_t(int8_t(uint8_t(b << 1))) >> 1; }
  [[gnu::noinline]] uint8_t u8_at_end() {
    fail("unexpected end");
    return 0;
  }
  [[gnu::noinline]] uint64_t uleb(unsigned bits) {
    uint64_t result = 0;
    unsigned shift = 0;
    const unsigned max_bytes = (bits + 6) / 7;
    for (unsigned i = 0;; ++i) {
      if (p_ >= end_) { fail("unexpected end"); return 0; }
      uint8_t b = *p_++;
      if (i == max_bytes - 1) {
        // Final byte: no continuation, unused bits must be zero.
        unsigned used = bits - shift;
        // Errors point at the offending (last read) byte.
        if (b & 0x80) { fail_at(offset() - 1, "integer representation too long"); return 0; }
        if (used < 7 && (b >> used) != 0) { fail_at(offset() - 1, "integer too large"); return 0; }
        return result | (uint64_t(b) << shift);
      }
      result |= uint64_t(b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) return result;
    }
  }
  [[gnu::noinline]] int64_t sleb(unsigned bits) {
    uint64_t result = 0;
    unsigned shift = 0;
    const unsigned max_bytes = (bits + 6) / 7;
    for (unsigned i = 0;; ++i) {
      if (p_ >= end_) { fail("unexpected end"); return 0; }
      uint8_t b = *p_++;
      if (i == max_bytes - 1) {
        if (b & 0x80) { fail_at(offset() - 1, "integer representation too long"); return 0; }
        // Remaining bits (including the sign) must be a sign extension.
        unsigned used = bits - shift;  // 1..7 meaningful bits
        if (used < 7) {
          int8_t sv = int8_t(b << 1) >> 1;  // sign-extend 7-bit value
          int8_t top = int8_t(sv) >> (used - 1);
          if (top != 0 && top != -1) { fail_at(offset() - 1, "integer too large"); return 0; }
        }
        result |= uint64_t(b & 0x7f) << shift;
        shift += 7;
        if (shift < 64 && (b & 0x40)) result |= ~uint64_t{0} << shift;
        return int64_t(result);
      }
      result |= uint64_t(b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) {
        if (shift < 64 && (b & 0x40)) result |= ~uint64_t{0} << shift;
        return int64_t(result);
      }
    }
  }

  const uint8_t* start_;
  const uint8_t* p_;
  const uint8_t* end_;
  uint64_t base_;
  Error err_;
};

}  // namespace brisk

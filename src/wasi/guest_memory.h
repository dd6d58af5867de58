// Checked access to a guest's linear memory. Every pointer and length that
// comes from the guest goes through GuestMemory before the host touches the
// bytes: checks are overflow-safe (64-bit arithmetic on 32-bit guest values,
// never `ptr + len` that could wrap) and a failed check is EFAULT. The view
// is taken afresh for each host call (memory.grow may move or resize the
// memory between calls) and works on any (base, size) so that it can be
// tested on a plain buffer.
#pragma once
#include <sys/uio.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "wasi/wasi_types.h"

namespace brisk {
class Memory;
}

namespace brisk::wasi {

class GuestMemory {
 public:
  GuestMemory() = default;
  GuestMemory(uint8_t* base, uint64_t size) : base_(base), size_(base ? size : 0) {}
  // The caller's memory 0 (null: a module without memory; every access faults).
  static GuestMemory of(Memory* m);

  uint64_t size() const { return size_; }
  // True when [ptr, ptr + len) lies inside the memory (an empty range may sit
  // at the very end).
  bool in_bounds(uint64_t ptr, uint64_t len) const { return base_ && ptr <= size_ && len <= size_ - ptr; }
  // [ptr, ptr + count * elem_size), with the multiplication checked too.
  bool array_in_bounds(uint64_t ptr, uint64_t count, uint64_t elem_size) const {
    return elem_size == 0 || (count <= UINT64_MAX / elem_size && in_bounds(ptr, count * elem_size));
  }
  // A host pointer to checked bytes; null when out of bounds.
  uint8_t* span(uint64_t ptr, uint64_t len) const { return in_bounds(ptr, len) ? base_ + ptr : nullptr; }

  // Scalar loads and stores: false when out of bounds (nothing is written).
  template <typename T>
  bool load(uint64_t ptr, T* out) const {
    if (!in_bounds(ptr, sizeof(T))) return false;
    std::memcpy(out, base_ + ptr, sizeof(T));
    return true;
  }
  template <typename T>
  bool store(uint64_t ptr, T v) const {
    if (!in_bounds(ptr, sizeof(T))) return false;
    std::memcpy(base_ + ptr, &v, sizeof(T));
    return true;
  }
  bool write_bytes(uint64_t ptr, const void* src, uint64_t len) const {
    if (!in_bounds(ptr, len)) return false;
    if (len) std::memcpy(base_ + ptr, src, len);
    return true;
  }
  bool fill(uint64_t ptr, uint8_t v, uint64_t len) const {
    if (!in_bounds(ptr, len)) return false;
    if (len) std::memset(base_ + ptr, v, len);
    return true;
  }
  // Copies a guest string (ptr, len) out; false when out of bounds.
  bool read_string(uint64_t ptr, uint64_t len, std::string* out) const {
    if (!in_bounds(ptr, len)) return false;
    out->assign(reinterpret_cast<const char*>(base_ + ptr), size_t(len));
    return true;
  }

 private:
  uint8_t* base_ = nullptr;
  uint64_t size_ = 0;
};

// The most iovecs one call takes (POSIX IOV_MAX on Linux); more is EINVAL.
constexpr uint32_t kMaxIovecs = 1024;

// Reads a guest (c)iovec array of {count} entries at {ptr} into host iovecs
// pointing into guest memory, checking the array and every buffer.
inline Errno read_iovecs(const GuestMemory& mem, uint32_t ptr, uint32_t count, std::vector<iovec>* out) {
  if (count > kMaxIovecs) return kInval;
  if (!mem.array_in_bounds(ptr, count, layout::kIovecSize)) return kFault;
  out->clear();
  out->reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t buf = 0, len = 0;
    mem.load(uint64_t(ptr) + uint64_t(i) * layout::kIovecSize + layout::kIovecBuf, &buf);
    mem.load(uint64_t(ptr) + uint64_t(i) * layout::kIovecSize + layout::kIovecLen, &len);
    uint8_t* p = mem.span(buf, len);
    if (!p) return kFault;
    out->push_back(iovec{p, len});
  }
  return kSuccess;
}

}  // namespace brisk::wasi

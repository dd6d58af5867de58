// Linear memories and tables.
#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <vector>

#include "runtime/objects.h"

namespace brisk {

namespace {
// A 32-bit address plus a 32-bit static offset reaches below 8 GiB; the
// extra page covers the access width.
constexpr size_t kGuardReservation = (size_t{8} << 30) + kPageSize;

// Address-space reservations of released memories, kept for reuse. A new
// memory then skips the address-space search, and user-mode emulators
// whose page bookkeeping never shrinks (qemu 7.2 keeps ~50 MB per 8 GiB
// reservation at each fresh address; the AArch64 tests run under it) stay
// bounded because addresses repeat.
class ReservationPool {
 public:
  void* take(size_t bytes) {
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t i = 0; i < free_.size(); ++i) {
      if (free_[i].bytes != bytes) continue;
      void* p = free_[i].base;
      free_[i] = free_.back();
      free_.pop_back();
      return p;
    }
    return nullptr;
  }
  // {used}: the bytes from {base} that were ever made accessible; the rest
  // of the reservation is still PROT_NONE and untouched.
  void give(void* base, size_t bytes, size_t used) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (free_.size() < kMaxKept) {
        // Replacing the used part of the mapping drops its contents and
        // access rights in one step; the range stays reserved. (Replacing
        // all 8 GiB costs the kernel a page-table walk over all of it.)
        if (used == 0 ||
            mmap(base, used, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) != MAP_FAILED) {
          free_.push_back({base, bytes});
          return;
        }
      }
    }
    munmap(base, bytes);
  }

 private:
  static constexpr size_t kMaxKept = 8;
  struct Reservation {
    void* base;
    size_t bytes;
  };
  std::mutex mu_;
  std::vector<Reservation> free_;
};

// Never destroyed: memories may be released during static destruction.
ReservationPool& reservations() {
  static ReservationPool* pool = new ReservationPool;
  return *pool;
}

void* reserve(size_t bytes) {
  if (void* p = reservations().take(bytes)) return p;
  void* p = mmap(nullptr, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return p == MAP_FAILED ? nullptr : p;
}
}  // namespace

Memory::Memory(const MemoryType& type, BoundsMode mode) : type_(type), mode_(mode) {
  if (mode == BoundsMode::Guard) {
    reserved_ = kGuardReservation;
  } else {
    // Explicit checks: reserve only what the memory may ever use, so the
    // base still never moves.
    reserved_ = size_t(max_pages()) * kPageSize;
    if (reserved_ == 0) reserved_ = kPageSize;
  }
  void* p = reserve(reserved_);
  if (!p) {
    reserved_ = 0;
    return;
  }
  base_ = static_cast<uint8_t*>(p);
  size_t initial = size_t(type.limits.min) * kPageSize;
  if (initial && mprotect(base_, initial, PROT_READ | PROT_WRITE) != 0) {
    reservations().give(base_, reserved_, reserved_);
    base_ = nullptr;
    reserved_ = 0;
    return;
  }
  size_ = initial;
  accessible_ = initial;
}

Memory::~Memory() {
  if (limiter_) limiter_->memory_destroyed(size_);
  // A grow whose mprotect failed may have left pages past size_ accessible:
  // {accessible_} covers every range ever passed to mprotect.
  if (base_) reservations().give(base_, reserved_, std::min(reserved_, accessible_));
}

int64_t Memory::grow(uint64_t delta_pages) {
  const uint64_t old_pages = size_ / kPageSize;
  if (delta_pages == 0) return int64_t(old_pages);
  if (!base_) return -1;
  const uint64_t new_pages = old_pages + delta_pages;
  if (new_pages > max_pages() || new_pages > kMaxPages) return -1;
  const size_t new_size = size_t(new_pages) * kPageSize;
  if (new_size > reserved_) return -1;
  const uint64_t max_bytes = type_.limits.has_max ? type_.limits.max * kPageSize : UINT64_MAX;
  if (limiter_ && !limiter_->memory_growing(size_, new_size, max_bytes)) return -1;
  accessible_ = std::max(accessible_, new_size);
  if (mprotect(base_ + size_, new_size - size_, PROT_READ | PROT_WRITE) != 0) {
    if (limiter_) limiter_->memory_released(new_size - size_);
    return -1;
  }
  size_ = new_size;
  return int64_t(old_pages);
}

bool Memory::owns_address(const void* addr) const {
  auto a = reinterpret_cast<uintptr_t>(addr);
  auto b = reinterpret_cast<uintptr_t>(base_);
  return base_ && a >= b && a < b + reserved_;
}

Table::Table(const TableType& type, uint64_t init) : type_(type) {
  elems_.assign(size_t(type.limits.min), init);
  sync();
}

Table::~Table() {
  if (limiter_) limiter_->table_destroyed();
}

int64_t Table::grow(uint32_t delta, uint64_t init) {
  const uint64_t old = elems_.size();
  const uint64_t n = old + delta;
  if (n > max() || n > kMaxTableSize) return -1;
  if (delta && limiter_ && !limiter_->table_growing(old, n, type_.limits.has_max ? type_.limits.max : UINT64_MAX))
    return -1;
  elems_.resize(size_t(n), init);
  sync();
  return int64_t(old);
}

}  // namespace brisk

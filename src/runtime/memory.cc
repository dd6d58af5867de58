// Linear memories and tables, and the engine's pool of released memory
// slots (memory_pool.h).
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <vector>

#include "runtime/memory_pool.h"
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

// ---------------------------------------------------------------- MemoryPool

MemoryPool::~MemoryPool() {
  for (const Slot& s : slots_) reservations().give(s.base, s.reserved, s.accessible);
}

void MemoryPool::configure(const MemoryPoolConfig& c) {
  std::vector<Slot> dropped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    config_ = c;
    // Drop what the new bounds no longer allow (the newest slots first).
    while (!slots_.empty() && (slots_.size() > config_.max_memories || committed_ > config_.max_committed_bytes)) {
      committed_ -= slots_.back().accessible;
      dropped.push_back(slots_.back());
      slots_.pop_back();
    }
  }
  for (const Slot& s : dropped) reservations().give(s.base, s.reserved, s.accessible);
}

MemoryPoolConfig MemoryPool::config() const {
  std::lock_guard<std::mutex> lock(mu_);
  return config_;
}

MemoryPool::Stats MemoryPool::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return Stats{uint32_t(slots_.size()), committed_, reused_, released_};
}

bool MemoryPool::take(size_t reserved, size_t want, Slot* out) {
  std::lock_guard<std::mutex> lock(mu_);
  size_t best = slots_.size();
  // Newest first: its pages are the likeliest to be cached.
  for (size_t i = slots_.size(); i-- > 0;) {
    if (slots_[i].reserved != reserved) continue;
    if (best == slots_.size()) best = i;
    if (slots_[i].accessible == want) {
      best = i;
      break;
    }
  }
  if (best == slots_.size()) return false;
  *out = slots_[best];
  slots_.erase(slots_.begin() + ptrdiff_t(best));
  committed_ -= out->accessible;
  ++reused_;
  return true;
}

// Zeroes [base, base+bytes) of a read/write private anonymous mapping.
// Small ranges are cleared with memset. Otherwise, in the first
// {resident_limit} bytes, resident pages (mincore) are cleared with memset
// and stay resident, so the next instance takes no page faults there, while
// runs of non-resident pages (never touched, or swapped out: those still
// hold data) are dropped with madvise(MADV_DONTNEED); beyond the limit
// everything is dropped. Clearing only what is resident keeps a large
// initial memory (a Rust program's 1 MiB and more) cheap to recycle.
bool MemoryPool::zero_kept(uint8_t* base, size_t bytes, size_t resident_limit) {
  // Below this a memset of everything is cheaper than the two system calls
  // (a one-page memory: 1.2 us against 2.5 us; bench BM_ApiInstantiatePre).
  constexpr size_t kClearOutright = 128 * 1024;
  if (bytes <= kClearOutright && bytes <= resident_limit) {
    std::memset(base, 0, bytes);
    return true;
  }
  auto drop = [](uint8_t* p, size_t n) {
    if (n == 0) return true;
    if (dontneed_zeroes()) return madvise(p, n, MADV_DONTNEED) == 0;
    return mmap(p, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) !=
           MAP_FAILED;
  };
  static const size_t page = size_t(sysconf(_SC_PAGESIZE));
  const size_t resident_part = std::min(bytes, resident_limit) / page * page;
  constexpr size_t kChunkPages = 512;
  unsigned char vec[kChunkPages];
  for (size_t at = 0; at < resident_part;) {
    const size_t n = std::min(resident_part - at, kChunkPages * page);
    const size_t pages = n / page;
    if (mincore(base + at, n, vec) != 0) {
      std::memset(base + at, 0, n);  // unknown residency: clear all of it
      at += n;
      continue;
    }
    for (size_t i = 0; i < pages;) {
      const bool resident = vec[i] & 1;
      size_t j = i + 1;
      while (j < pages && bool(vec[j] & 1) == resident) ++j;
      uint8_t* p = base + at + i * page;
      if (resident)
        std::memset(p, 0, (j - i) * page);
      else if (!drop(p, (j - i) * page))
        return false;
      i = j;
    }
    at += n;
  }
  return drop(base + resident_part, bytes - resident_part);
}

bool MemoryPool::dontneed_zeroes() {
  static const bool works = [] {
    const size_t page = size_t(sysconf(_SC_PAGESIZE));
    void* p = mmap(nullptr, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return false;
    volatile uint8_t* b = static_cast<uint8_t*>(p);
    b[0] = 0xa5;
    const bool ok = madvise(p, page, MADV_DONTNEED) == 0 && b[0] == 0;
    munmap(p, page);
    return ok;
  }();
  return works;
}

void MemoryPool::give(uint8_t* base, size_t reserved, size_t used, size_t keep) {
  keep = std::min(keep, used);
  size_t resident_limit;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (slots_.size() >= config_.max_memories) {
      resident_limit = SIZE_MAX;  // marker: no room
    } else {
      // Over the byte bound the slot is kept as a bare reservation.
      if (committed_ > config_.max_committed_bytes || keep > config_.max_committed_bytes - committed_) keep = 0;
      resident_limit = size_t(config_.keep_resident_bytes);
    }
  }
  if (resident_limit == SIZE_MAX) {
    reservations().give(base, reserved, used);
    return;
  }
  // Past {keep}: replacing the mapping drops contents and access in one
  // call (only when the memory grew, or the slot is kept bare).
  bool ok = used <= keep ||
            mmap(base + keep, used - keep, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) !=
                MAP_FAILED;
  // The kept part stays read/write and is zeroed in place: see zero_kept.
  if (ok && keep) ok = zero_kept(base, keep, resident_limit);
  if (!ok) {
    reservations().give(base, reserved, used);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (slots_.size() < config_.max_memories && committed_ <= config_.max_committed_bytes &&
        keep <= config_.max_committed_bytes - committed_) {
      slots_.push_back(Slot{base, reserved, keep});
      committed_ += keep;
      ++released_;
      return;
    }
  }
  reservations().give(base, reserved, keep);  // another thread filled the pool meanwhile
}

// ---------------------------------------------------------------- Memory

Memory::Memory(const MemoryType& type, BoundsMode mode, std::shared_ptr<MemoryPool> pool)
    : type_(type), mode_(mode), pool_(std::move(pool)) {
  if (mode == BoundsMode::Guard) {
    reserved_ = kGuardReservation;
  } else {
    // Explicit checks: reserve only what the memory may ever use, so the
    // base still never moves.
    reserved_ = size_t(max_pages()) * kPageSize;
    if (reserved_ == 0) reserved_ = kPageSize;
  }
  const size_t initial = size_t(type.limits.min) * kPageSize;
  MemoryPool::Slot slot;
  if (pool_ && pool_->take(reserved_, initial, &slot)) {
    // A pooled slot: zero, {slot.accessible} bytes read/write.
    base_ = slot.base;
    accessible_ = std::max(slot.accessible, initial);
    bool ok = true;
    if (slot.accessible < initial)
      ok = mprotect(base_ + slot.accessible, initial - slot.accessible, PROT_READ | PROT_WRITE) == 0;
    else if (slot.accessible > initial)
      ok = mprotect(base_ + initial, slot.accessible - initial, PROT_NONE) == 0;
    if (!ok) {
      reservations().give(base_, reserved_, accessible_);
      base_ = nullptr;
      reserved_ = accessible_ = 0;
      return;
    }
    size_ = initial;
    return;
  }
  void* p = reserve(reserved_);
  if (!p) {
    reserved_ = 0;
    return;
  }
  base_ = static_cast<uint8_t*>(p);
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
  if (!base_) return;
  // A grow whose mprotect failed may have left pages past size_ accessible:
  // {accessible_} covers every range ever passed to mprotect, and only
  // [0, size_) is known to be read/write.
  const size_t used = std::min(reserved_, accessible_);
  const size_t keep = std::min<size_t>(size_t(type_.limits.min) * kPageSize, size_);
  if (pool_)
    pool_->give(base_, reserved_, used, keep);
  else
    reservations().give(base_, reserved_, used);
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

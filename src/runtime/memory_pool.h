// A pool of released linear-memory slots, owned by an Engine and shared by
// its stores (any thread; one mutex). A slot is an address-space reservation
// (8 GiB in guard mode, the memory's maximum with explicit bounds) whose
// first {accessible} bytes are readable, writable and zero. Taking one skips
// the reservation mmap and, when the new memory's initial size equals the
// slot's accessible range (the same module instantiated again), every
// mprotect; giving one back zeroes the used pages (memset for small ones,
// which stay resident; madvise(MADV_DONTNEED) beyond) and shrinks the
// accessible range with one mprotect only when the memory grew.
//
// Why per engine and not per store: an editor that creates a store per
// plugin run still reuses slots (brisk_store_new gives each store a private
// engine, so there the pool lives as long as the store); why not process
// wide: hosts bound and configure it per engine, and unrelated engines do not
// share a lock. Slots an engine drops go to the process-wide reservation
// cache in memory.cc, so addresses still repeat (qemu-user's page
// bookkeeping stays bounded).
//
// The pool knows nothing of store limits: a pooled slot is free memory for
// the ResourceLimiter, which counts live Memory objects only.
#pragma once
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

namespace brisk {

struct MemoryPoolConfig {
  uint32_t max_memories = 32;                    // slots kept (0: pooling off)
  uint64_t max_committed_bytes = 256ull << 20;   // accessible bytes kept over all slots
  uint64_t keep_resident_bytes = 4ull << 20;    // kept bytes whose resident pages are zeroed with memset
};

class MemoryPool {
 public:
  struct Slot {
    uint8_t* base = nullptr;
    size_t reserved = 0;    // bytes of the reservation
    size_t accessible = 0;  // bytes from base that are read/write and zero
  };
  struct Stats {
    uint32_t memories = 0;        // slots in the pool now
    uint64_t committed_bytes = 0; // their accessible bytes
    uint64_t reused = 0;          // takes served from the pool
    uint64_t released = 0;        // slots accepted back
  };

  MemoryPool() = default;
  ~MemoryPool();  // hands every slot to the process-wide reservation cache
  MemoryPool(const MemoryPool&) = delete;
  MemoryPool& operator=(const MemoryPool&) = delete;

  void configure(const MemoryPoolConfig& c);
  MemoryPoolConfig config() const;
  Stats stats() const;

  // A slot whose reservation is {reserved} bytes, preferring one whose
  // accessible range is {want} bytes. False when none is pooled.
  bool take(size_t reserved, size_t want, Slot* out);
  // Takes back a released memory's reservation: {used} bytes from base
  // were ever made accessible, of which the first {keep} (the memory's
  // initial size, so the next instance of the same module wants exactly
  // that; at most its current size) are read/write. Pooled when there is
  // room (zeroed, with {keep} bytes left accessible), otherwise handed to
  // the process-wide reservation cache.
  void give(uint8_t* base, size_t reserved, size_t used, size_t keep);

 private:
  // Whether madvise(MADV_DONTNEED) really zeroes private anonymous pages
  // here (some user-mode emulators ignore it); probed once per process.
  static bool dontneed_zeroes();
  static bool zero_kept(uint8_t* base, size_t bytes, size_t resident_limit);
  mutable std::mutex mu_;
  MemoryPoolConfig config_;
  std::vector<Slot> slots_;
  uint64_t committed_ = 0;
  uint64_t reused_ = 0, released_ = 0;
};

}  // namespace brisk

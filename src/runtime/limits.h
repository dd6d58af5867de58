// Per-store resource limits: caps on linear-memory bytes (per memory and in
// total), table elements and the number of instances, memories and tables,
// plus an optional hook asked before every memory or table grows (and when
// one is created, as a grow from 0). Memory::grow and Table::grow consult it,
// so memory.grow / table.grow return -1 past a limit in every tier, and
// Store::instantiate checks the counts and initial sizes up front to fail
// with a message naming the limit. This file owns no policy beyond the caps.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace brisk {

struct ResourceLimits {
  // 0 means "no limit" for every field.
  uint64_t memory_bytes = 0;        // per linear memory
  uint64_t total_memory_bytes = 0;  // all linear memories of the store together
  uint64_t table_elements = 0;      // per table
  uint32_t instances = 0;
  uint32_t memories = 0;
  uint32_t tables = 0;
};

enum class GrowKind : uint8_t { Memory, Table };

// Returns false to deny. Sizes are bytes for memories, elements for tables;
// {maximum} is the declared maximum (UINT64_MAX when there is none).
using GrowHook = std::function<bool(GrowKind kind, uint64_t current, uint64_t desired, uint64_t maximum)>;

class ResourceLimiter {
 public:
  ResourceLimits limits;
  GrowHook hook;

  // A memory asks to go from {cur} to {desired} bytes. On success the
  // bytes are accounted to the store's total.
  bool memory_growing(uint64_t cur, uint64_t desired, uint64_t maximum) {
    if (limits.memory_bytes && desired > limits.memory_bytes) return false;
    const uint64_t extra = desired - cur;
    if (limits.total_memory_bytes && (memory_in_use_ > limits.total_memory_bytes ||
                                      extra > limits.total_memory_bytes - memory_in_use_))
      return false;
    if (hook && !hook(GrowKind::Memory, cur, desired, maximum)) return false;
    memory_in_use_ += extra;
    return true;
  }
  // Accounts a memory created after admit_memory() said yes.
  void memory_created(uint64_t bytes) {
    memory_in_use_ += bytes;
    ++memories_live_;
  }
  void memory_destroyed(uint64_t bytes) {
    memory_released(bytes);
    if (memories_live_) --memories_live_;
  }
  void table_created() { ++tables_live_; }
  void table_destroyed() {
    if (tables_live_) --tables_live_;
  }
  uint32_t memories_live() const { return memories_live_; }
  uint32_t tables_live() const { return tables_live_; }
  void memory_released(uint64_t bytes) { memory_in_use_ -= bytes < memory_in_use_ ? bytes : memory_in_use_; }
  bool table_growing(uint64_t cur, uint64_t desired, uint64_t maximum) {
    if (limits.table_elements && desired > limits.table_elements) return false;
    if (hook && !hook(GrowKind::Table, cur, desired, maximum)) return false;
    return true;
  }
  uint64_t memory_in_use() const { return memory_in_use_; }

  // Whether a new memory of {bytes} may be created; the reason otherwise.
  // {what} names it in the message ("memory 0").
  std::optional<std::string> admit_memory(const std::string& what, uint64_t bytes, uint64_t maximum) const {
    if (limits.memory_bytes && bytes > limits.memory_bytes)
      return what + " needs " + std::to_string(bytes) + " bytes, above the store's limit of " +
             std::to_string(limits.memory_bytes) + " bytes per memory (memory_bytes)";
    if (limits.total_memory_bytes && (memory_in_use_ > limits.total_memory_bytes ||
                                      bytes > limits.total_memory_bytes - memory_in_use_))
      return what + " needs " + std::to_string(bytes) + " bytes, but the store's memories already use " +
             std::to_string(memory_in_use_) + " of its " + std::to_string(limits.total_memory_bytes) +
             " bytes in total (total_memory_bytes)";
    if (hook && !hook(GrowKind::Memory, 0, bytes, maximum))
      return what + " of " + std::to_string(bytes) + " bytes was denied by the store's limiter";
    return std::nullopt;
  }
  std::optional<std::string> admit_table(const std::string& what, uint64_t elems, uint64_t maximum) const {
    if (limits.table_elements && elems > limits.table_elements)
      return what + " needs " + std::to_string(elems) + " elements, above the store's limit of " +
             std::to_string(limits.table_elements) + " elements per table (table_elements)";
    if (hook && !hook(GrowKind::Table, 0, elems, maximum))
      return what + " of " + std::to_string(elems) + " elements was denied by the store's limiter";
    return std::nullopt;
  }

 private:
  uint64_t memory_in_use_ = 0;
  uint32_t memories_live_ = 0, tables_live_ = 0;
};

}  // namespace brisk

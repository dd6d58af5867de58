// Runtime objects referenced by instances and by executing code. Their
// fields are read directly by the interpreter and (later) by JIT code, so
// the layout is kept simple and stable.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/module.h"
#include "runtime/limits.h"
#include "runtime/memory_pool.h"
#include "runtime/store.h"

namespace brisk {

// Linear memory. In BoundsMode::Guard the whole 8 GiB that a 32-bit address
// plus a 32-bit offset can reach is reserved up front, so accessible bytes
// never move and out-of-bounds accesses fault on PROT_NONE pages.
class Memory {
 public:
  // {pool}: where the reservation comes from and goes back to (null: the
  // process-wide reservation cache only).
  Memory(const MemoryType& type, BoundsMode mode, std::shared_ptr<MemoryPool> pool = nullptr);
  ~Memory();
  Memory(const Memory&) = delete;
  Memory& operator=(const Memory&) = delete;

  bool valid() const { return base_ != nullptr || type_.limits.min == 0; }
  uint8_t* data() const { return base_; }
  uint64_t size_bytes() const { return size_; }
  uint32_t pages() const { return uint32_t(size_ / kPageSize); }
  const MemoryType& type() const { return type_; }
  uint64_t max_pages() const { return type_.limits.has_max ? type_.limits.max : kMaxPages; }
  // Returns the old size in pages, or -1 when the memory cannot grow.
  int64_t grow(uint64_t delta_pages);
  bool in_bounds(uint64_t addr, uint64_t len) const { return addr <= size_ && len <= size_ - addr; }
  bool guarded() const { return mode_ == BoundsMode::Guard; }
  // True when {addr} lies in this memory's reservation (for the fault handler).
  bool owns_address(const void* addr) const;

  // Read by executing code: keep these first and plain.
  uint8_t* base_ = nullptr;
  uint64_t size_ = 0;
  // The owning store's limits, asked before every grow (null: none).
  ResourceLimiter* limiter_ = nullptr;
  Instance* owner = nullptr;  // defining instance; null for store-created memories

 private:
  MemoryType type_;
  BoundsMode mode_;
  size_t reserved_ = 0;
  size_t accessible_ = 0;  // high-water mark of bytes made accessible (released cheaply)
  std::shared_ptr<MemoryPool> pool_;
};

class Table {
 public:
  explicit Table(const TableType& type, uint64_t init);
  ~Table();
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;
  const TableType& type() const { return type_; }
  uint32_t size() const { return uint32_t(elems_.size()); }
  uint64_t max() const { return type_.limits.has_max ? type_.limits.max : 0xffffffffull; }
  // Returns the old size, or -1 on failure.
  int64_t grow(uint32_t delta, uint64_t init);

  std::vector<uint64_t> elems_;  // Function* for funcref, host value for externref
  // Mirrors of elems_.data()/size() for JIT code; updated whenever the size changes.
  uint64_t* data_ = nullptr;
  uint64_t length_ = 0;
  // The owning store's limits, asked before every grow (null: none).
  ResourceLimiter* limiter_ = nullptr;
  Instance* owner = nullptr;  // defining instance; null for store-created tables

 private:
  void sync() {
    data_ = elems_.data();
    length_ = elems_.size();
  }
  TableType type_;
};

struct Global {
  GlobalType type;
  uint64_t bits = 0;          // the value; for v128 its low 8 bytes, {hi} the high ones
  Instance* owner = nullptr;  // defining instance; null for store-created globals
  uint64_t hi = 0;
};

struct HostFunc {
  HostCallback callback;
  std::string name;
  // Holders: the embedder's handle, linkers and importing instances. At
  // zero the callback (and whatever it captured) is destroyed.
  uint32_t refs = 1;
  // State of a host function with its own entry (Function::entry is not
  // host_entry; the C API's flavours, api/linker_api.cc): owned by what
  // the callback captured, so it lives exactly as long as the callback.
  const void* entry_data = nullptr;
};

struct ExecContext;
// How every tier enters a function: its frame (arguments in, results out)
// is at {fp}. Returns 0, or the TrapKind that ended the call.
using EntryFn = uint32_t (*)(ExecContext* ctx, uint64_t* fp, Function* self);

// A function: the value a funcref points at.
struct Function {
  // Current entry: interpreter, JIT code or host thunk. Called by JIT code.
  EntryFn entry = nullptr;
  uint32_t sig_id = 0;
  const FuncType* type = nullptr;
  Instance* instance = nullptr;  // owner; null for host functions
  uint32_t index = 0;            // index in the owner's module
  std::unique_ptr<HostFunc> host;
  // Interpreter code, translated on first call (owned by the instance).
  InterpCode* interp = nullptr;
  // JIT code, once compiled (null until then); entry points to it then.
  void* jit_code = nullptr;
  // Where JIT code of the same instance calls this function with the JIT's
  // internal convention (jit/masm.h, "fast calls"): the compiled code's
  // internal entry, or the arch's call adapter (which goes through {entry})
  // until then. Null while no compiled caller refers to it.
  void* fast_entry = nullptr;
  // Countdown charged per call and loop back-edge in the interpreter; at
  // zero, tiered mode compiles (see jit/tuning.h).
  int32_t budget = 0;
  // JIT entry points at loop headers for on-stack replacement, by loop index.
  std::vector<void*> osr_entries;
  // Set when the owning instance (or, for a host function, the last
  // holder) is gone. The Function stays allocated as a shell, a host
  // function that traps, because funcrefs to it may still sit in tables
  // and globals.
  bool dead = false;
  std::string display_name() const;
};

class Instance {
 public:
  Store* store = nullptr;
  std::shared_ptr<const Module> module;
  std::vector<Function*> funcs;
  std::vector<Table*> tables;
  std::vector<Memory*> memories;
  std::vector<Global*> globals;
  // Evaluated references of each element segment; emptied by elem.drop
  // (and for active and declarative segments, after instantiation).
  std::vector<std::vector<uint64_t>> elem_values;
  std::vector<uint8_t> dropped_datas;  // 1 once data.drop'ed or applied
  // Interpreter code of defined functions, indexed by defined-function index.
  std::vector<std::unique_ptr<InterpCode>> interp_code;

  // Lifetime (Store::retain/release). An instance owns what it defines; it
  // holds a reference on every instance and host function it imports from,
  // so imported objects live as long as any importer. refs counts the
  // embedder's handle, linkers, instance_pres and importing instances.
  uint32_t refs = 1;
  std::vector<Instance*> deps;       // instances this one imports from (unique)
  std::vector<Function*> host_deps;  // host functions it imports (unique)
  std::vector<std::unique_ptr<Function>> own_funcs;
  std::vector<std::unique_ptr<Table>> own_tables;
  std::vector<std::unique_ptr<Memory>> own_memories;
  std::vector<std::unique_ptr<Global>> own_globals;

  // Exports are resolved from the module's list when asked for (a map
  // built per instance cost an allocation per export on every
  // instantiation); modules with many exports get a name index on the
  // first lookup.
  std::optional<Extern> get_export(std::string_view name) const {
    const std::vector<Export>& all = module->exports;
    if (all.size() <= kLinearExports) {
      for (const Export& e : all)
        if (e.name == name) return export_extern(e);
      return std::nullopt;
    }
    if (export_index_.empty())
      for (uint32_t i = 0; i < all.size(); ++i) export_index_.emplace(all[i].name, i);
    auto it = export_index_.find(name);
    if (it == export_index_.end()) return std::nullopt;
    return export_extern(all[it->second]);
  }
  Extern export_extern(const Export& e) const {
    Extern x{e.kind, nullptr};
    switch (e.kind) {
      case ExternKind::Func: x.ptr = funcs[e.index]; break;
      case ExternKind::Table: x.ptr = tables[e.index]; break;
      case ExternKind::Memory: x.ptr = memories[e.index]; break;
      case ExternKind::Global: x.ptr = globals[e.index]; break;
    }
    return x;
  }
  Function* get_func(std::string_view name) const {
    auto e = get_export(name);
    return e && e->kind == ExternKind::Func ? e->func() : nullptr;
  }

 private:
  static constexpr size_t kLinearExports = 16;
  mutable std::unordered_map<std::string_view, uint32_t> export_index_;  // views into module->exports
};

}  // namespace brisk

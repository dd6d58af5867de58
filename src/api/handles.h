// The C API's handle types (include/brisk/brisk.h declares them opaque) and
// the helpers every file of src/api/ shares: handle validation, value
// conversion with checked references, and results. Never seen by embedders.
//
// Handle rules. Every store-owned handle is a slot (a struct starting with
// a HandleHeader) that stays allocated until its store is deleted; when its
// object goes away the slot is retired and later recycled for a new handle
// of the same kind, so a store that creates and deletes instances forever
// keeps a bounded number of slots. The pointer an embedder holds is the
// slot's address with the slot's generation in its top 16 bits (user-space
// addresses of x86_64 and AArch64 fit in 48 bits); retiring a slot bumps
// its generation, so a stale handle -- even one whose slot now holds a new
// object -- no longer matches and is rejected. A slot whose generation
// reached the maximum is never reused. Every entry point turns the handle
// it was given into its slot with live_handle/check_handle/check_func (a
// tagged pointer must never be dereferenced) and every handle it returns
// is tagged(). Each store also records the address and kind of every slot
// it allocated, which is how reference values (a funcref is a tagged
// brisk_func_t* as an integer) and handles passed next to their store are
// validated without ever dereferencing a made-up pointer.
#pragma once
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "brisk/brisk.h"
#include "runtime/cpu_control.h"
#include "runtime/objects.h"

namespace brisk_api {

enum class HandleKind : uint8_t { Func = 1, Memory, Table, Global, Instance, Linker, Pre };
constexpr uint32_t kHandleMagic = 0x6b736962;  // "bisk"

constexpr int kKinds = 8;  // HandleKind values are below this

// The top 16 bits of a handle hold its slot's generation.
constexpr int kGenerationShift = 48;
constexpr uintptr_t kSlotMask = (uintptr_t(1) << kGenerationShift) - 1;
constexpr uint16_t kMaxGeneration = 0xffff;
static_assert(sizeof(void*) == 8, "handles carry a generation in the top bits of a 64-bit pointer");

struct HandleHeader {
  HandleHeader(HandleKind k, brisk_store* s) : kind(k), store(s) {}
  virtual ~HandleHeader() = default;
  uint32_t magic = kHandleMagic;
  HandleKind kind;
  bool dead = false;  // deleted, or the object it names was freed
  uint16_t generation = 1;  // of the slot; never 0, so no handle equals its slot's address
  brisk_store* store;
};

// Element types of one function signature, as the C enum (brisk_functype_t
// points into these).
struct CTypes {
  std::vector<brisk_valtype_t> params, results;
  brisk_functype_t view() const {
    return brisk_functype_t{params.size(), params.data(), results.size(), results.data()};
  }
};
CTypes ctypes_of(const brisk::FuncType& t);

struct ExternSlot {
  void* data = nullptr;
  brisk_finalizer_t finalizer = nullptr;
  uint32_t generation = 1;
  bool live = false;
};

}  // namespace brisk_api

struct brisk_func : brisk_api::HandleHeader {
  brisk_func(brisk_store* s, brisk::Function* f) : HandleHeader(brisk_api::HandleKind::Func, s), func(f) {}
  brisk::Function* func;
  bool owns_ref = false;  // made by brisk_func_new and not yet deleted
  bool alive() const { return !dead && !func->dead; }
};
struct brisk_memory : brisk_api::HandleHeader {
  brisk_memory(brisk_store* s, brisk::Memory* m) : HandleHeader(brisk_api::HandleKind::Memory, s), mem(m) {}
  brisk::Memory* mem;
};
struct brisk_table : brisk_api::HandleHeader {
  brisk_table(brisk_store* s, brisk::Table* t) : HandleHeader(brisk_api::HandleKind::Table, s), table(t) {}
  brisk::Table* table;
};
struct brisk_global : brisk_api::HandleHeader {
  brisk_global(brisk_store* s, brisk::Global* g) : HandleHeader(brisk_api::HandleKind::Global, s), global(g) {}
  brisk::Global* global;
};
struct brisk_instance : brisk_api::HandleHeader {
  brisk_instance(brisk_store* s, brisk::Instance* i) : HandleHeader(brisk_api::HandleKind::Instance, s), instance(i) {}
  brisk::Instance* instance;
};
// What a linker or instance_pre keeps alive (one reference each).
struct brisk_holds {
  std::vector<brisk::Instance*> instances;
  std::vector<brisk::Function*> hosts;
  void hold(brisk::Store& s, const brisk::Extern& e);
  void release_all(brisk::Store& s);
};
struct brisk_linker : brisk_api::HandleHeader {
  explicit brisk_linker(brisk_store* s) : HandleHeader(brisk_api::HandleKind::Linker, s) {}
  brisk::Linker linker;
  brisk_holds holds;
};
struct brisk_instance_pre : brisk_api::HandleHeader {
  explicit brisk_instance_pre(brisk_store* s) : HandleHeader(brisk_api::HandleKind::Pre, s) {}
  std::shared_ptr<const brisk::Module> module;
  std::vector<brisk::Extern> imports;
  brisk::Store::InstancePlan plan;  // what each instantiation would otherwise recompute
  brisk_holds holds;
};

// A module is not tied to a store (it is shared, immutable, across
// threads); its introspection tables are built once, when it is decoded.
struct brisk_module {
  uint32_t magic = brisk_api::kHandleMagic;
  std::shared_ptr<const brisk::Module> module;
  brisk_store* creator = nullptr;  // frees it if never deleted
  std::vector<brisk_api::CTypes> types;  // by type index
  std::vector<brisk_import_t> imports;
  std::vector<brisk_export_t> exports;
};

// An epoch counter that stores created in it follow (limits_api.cc).
struct brisk_engine {
  std::shared_ptr<brisk::Engine> engine;
};

struct brisk_caller {
  brisk::HostCall* call;
  brisk_store* store;
  bool exit_requested = false;
  int exit_code = 0;
};

struct brisk_store {
  explicit brisk_store(const brisk::EngineConfig& c);
  ~brisk_store();
  brisk::Store store;
  std::string message;
  void* data = nullptr;
  std::vector<std::unique_ptr<brisk_module>> modules;  // created here, not yet deleted
  // Every handle slot allocated, kept until the store dies (see the rules
  // above), and by kind the retired ones waiting for reuse.
  std::vector<std::unique_ptr<brisk_api::HandleHeader>> handles;
  std::vector<brisk_api::HandleHeader*> free_handles[brisk_api::kKinds];
  size_t live_handles = 0;
  std::unordered_map<const void*, brisk_api::HandleKind> issued;  // slot address -> kind
  std::unordered_map<const brisk::Function*, brisk_func*> func_handles;  // values: slots
  std::unordered_map<const void*, brisk_api::HandleHeader*> object_handles;  // Memory/Table/Global -> slot
  const brisk_func* last_checked_func = nullptr;  // one-entry cache of issued-lookups (a slot)
  std::vector<std::unique_ptr<brisk_api::CTypes>> sig_types;  // by signature id, on demand
  std::vector<brisk_api::ExternSlot> externs;                 // externref id i+1 (low 32 bits)
  std::vector<uint32_t> free_externs;
  std::vector<brisk::TrapFrame> trap_frames;  // of the last failed call
};

namespace brisk_api {

// ---- results: every failure is a value; the message is owned by the store.
inline brisk_result_t ok() { return brisk_result_t{BRISK_OK, "", UINT64_MAX, 0, 0}; }
inline brisk_result_t null_arg() { return brisk_result_t{BRISK_ERR_ARGUMENT, "null argument", UINT64_MAX, 0, 0}; }
inline brisk_result_t fail(brisk_store* s, brisk_status_t status, std::string msg, uint64_t offset = UINT64_MAX) {
  s->message = std::move(msg);
  return brisk_result_t{status, s->message.c_str(), offset, 0, 0};
}
inline brisk_result_t bad_arg(brisk_store* s, std::string msg) { return fail(s, BRISK_ERR_ARGUMENT, std::move(msg)); }
brisk_result_t from_trap(brisk_store* s, brisk::Trap& t);

// ---- handles
inline uint16_t generation_of(const void* handle) { return uint16_t(reinterpret_cast<uintptr_t>(handle) >> kGenerationShift); }
// The slot a handle names (not yet validated: do not dereference).
template <class H>
H* slot_of(const H* handle) {
  return reinterpret_cast<H*>(reinterpret_cast<uintptr_t>(handle) & kSlotMask);
}
// The handle to give out for a slot.
template <class H>
H* tagged(H* slot) {
  if (!slot) return nullptr;
  return reinterpret_cast<H*>(reinterpret_cast<uintptr_t>(slot) | (uintptr_t(slot->generation) << kGenerationShift));
}

// Puts a new handle into a retired slot of its kind, or into a new slot;
// returns the tagged handle (null if the slot's address does not fit).
template <class H>
H* add_handle(brisk_store* s, std::unique_ptr<H> h) {
  auto& free = s->free_handles[int(h->kind)];
  H* p;
  if (!free.empty()) {
    p = static_cast<H*>(free.back());
    free.pop_back();
    const uint16_t gen = p->generation;
    *p = std::move(*h);
    p->generation = gen;
  } else {
    p = h.get();
    if (reinterpret_cast<uintptr_t>(p) & ~kSlotMask) return nullptr;
    s->issued.emplace(p, p->kind);
    s->handles.push_back(std::move(h));
  }
  ++s->live_handles;
  return tagged(p);
}
// Ends a slot's current handle (every copy of it goes stale) and offers the
// slot for reuse. {slot} must be live.
inline void retire_handle(brisk_store* s, HandleHeader* slot) {
  slot->dead = true;
  --s->live_handles;
  if (slot->generation == kMaxGeneration) return;  // every tag was used: never reuse it
  ++slot->generation;
  s->free_handles[int(slot->kind)].push_back(slot);
}
// The slot of a handle passed together with its store: issued by it, of
// kind {k}, live and of the slot's current generation; null otherwise.
template <class H>
H* check_handle(const brisk_store* s, const H* h, HandleKind k) {
  if (!s || !h) return nullptr;
  H* p = slot_of(h);
  auto it = s->issued.find(p);
  if (it == s->issued.end() || it->second != k || p->dead || p->generation != generation_of(h)) return nullptr;
  return p;
}
// The slot of a handle passed without its store (only stale handles of a
// live store can be detected: slots stay allocated until it is deleted).
template <class H>
H* live_handle(const H* h, HandleKind k) {
  if (!h) return nullptr;
  H* p = slot_of(h);
  if (p->magic != kHandleMagic || p->kind != k || p->dead || p->generation != generation_of(h)) return nullptr;
  return p;
}
// The slot of a live function handle of {s}, or null.
brisk_func* check_func(brisk_store* s, const brisk_func* f);

// Handles for runtime objects (one per object, tagged; created on demand).
brisk_func* func_handle(brisk_store* s, brisk::Function* f);
brisk_memory* memory_handle(brisk_store* s, brisk::Memory* m);
brisk_table* table_handle(brisk_store* s, brisk::Table* t);
brisk_global* global_handle(brisk_store* s, brisk::Global* g);
brisk_extern_t extern_handle(brisk_store* s, const brisk::Extern& e);
// The runtime object behind an extern of this store, or false.
bool extern_object(brisk_store* s, const brisk_extern_t& e, brisk::Extern* out);
const CTypes& sig_ctypes(brisk_store* s, uint32_t sig_id);

// The integer in a C enum field as the embedder wrote it: a made-up value
// is an error to report, and must not be loaded as the enum type (UB).
template <class E>
inline int raw_enum(const E& e) {
  static_assert(sizeof(E) == sizeof(int));
  int v;
  std::memcpy(&v, &e, sizeof v);
  return v;
}

// ---- values and references
bool valid_type(int t);
// A brisk_val_t of type {t} to the raw slot wasm holds. References are
// checked: a funcref must name a live function handle of {s}, an externref a
// registered id. Returns false (and sets *why) otherwise.
bool val_to_slot(brisk_store* s, const brisk_val_t& v, brisk::ValType t, uint64_t* slot, const char** why);
// A raw slot of type {t} as a brisk_val_t (funcrefs become handles).
brisk_val_t slot_to_val(brisk_store* s, brisk::ValType t, uint64_t slot);
// Any type, v128 included: the value at {p} (two slots for a v128).
brisk_val_t slot_to_val_at(brisk_store* s, brisk::ValType t, const uint64_t* p);
bool extern_id_valid(const brisk_store* s, uint64_t id);

// ---- shared by the host-function files
brisk::FuncType functype_from(const brisk_valtype_t* params, size_t np, const brisk_valtype_t* results, size_t nr,
                              bool* ok);

}  // namespace brisk_api

// The standard wasm.h implemented on brisk's public C API (brisk.h only; no
// runtime internals). Shared definitions of the implementation files here.
//
// Model. Every wasm.h reference (wasm_func_t*, wasm_instance_t*, ...) is a
// small handle pointing at an Object of its store; copies are more handles
// to the same Object, and wasm_X_same compares Objects. An Object is keyed
// by the brisk handle it stands for, so the same brisk function, global,
// table, memory or instance always gives the same Object while one is
// alive (host info stays with it). An Object is freed when its last handle
// (or internal reference) goes, or with its store.
#ifndef BRISK_WASM_C_API_INTERNAL_H
#define BRISK_WASM_C_API_INTERNAL_H

#include <brisk/brisk.h>
#include <wasm.h>
#include <wasm_brisk.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace wasmc {

enum class Kind : uint8_t { Func, Global, Table, Memory, Instance, Module, Trap, Foreign };

// A decoded module, shared by every store (and thread) using it. Its brisk
// module lives in a private brisk store, so no user store's deletion frees
// it; it is immutable after creation.
struct ModuleData {
  brisk_store_t* compile_store = nullptr;
  brisk_module_t* module = nullptr;
  std::vector<uint8_t> bytes;  // the binary, for wasm_module_serialize
  ~ModuleData();
};

struct Object {
  Kind kind;
  wasm_store_t* store;
  size_t refs = 0;      // handles plus internal references
  bool pinned = false;  // held as an externref by brisk: lives until the store goes
  void* host_info = nullptr;
  void (*host_finalizer)(void*) = nullptr;

  const void* key = nullptr;  // the brisk handle, for the identity map
  brisk_func_t* func = nullptr;
  bool owns_func = false;  // made by wasm_func_new*: brisk_func_delete when freed
  brisk_global_t* global = nullptr;
  brisk_table_t* table = nullptr;
  brisk_memory_t* memory = nullptr;
  brisk_instance_t* instance = nullptr;
  Object* owner = nullptr;  // the instance an export came from (kept alive)
  std::shared_ptr<ModuleData> module;
  std::string message;  // trap
  std::vector<wasm_frame_t*> frames;  // trap, owned
  uint64_t externref_id = 0;  // nonzero once passed to wasm as an externref

  Object(Kind k, wasm_store_t* s) : kind(k), store(s) {}
};

}  // namespace wasmc

// ---- handles (the types wasm.h declares opaque) ----
struct wasm_ref_t {
  wasmc::Object* obj = nullptr;
  virtual ~wasm_ref_t() = default;
};
struct wasm_extern_t : wasm_ref_t {};
struct wasm_func_t : wasm_extern_t {};
struct wasm_global_t : wasm_extern_t {};
struct wasm_table_t : wasm_extern_t {};
struct wasm_memory_t : wasm_extern_t {};
struct wasm_instance_t : wasm_ref_t {};
struct wasm_module_t : wasm_ref_t {};
struct wasm_trap_t : wasm_ref_t {};
struct wasm_foreign_t : wasm_ref_t {};

struct wasm_shared_module_t {
  std::shared_ptr<wasmc::ModuleData> data;
};

struct wasm_config_t {
  brisk_config_t config;
};
struct wasm_engine_t {
  brisk_engine_t* engine = nullptr;
  brisk_config_t config;
};
struct wasm_store_t {
  wasm_engine_t* engine = nullptr;
  brisk_store_t* store = nullptr;
  std::unordered_set<wasmc::Object*> objects;
  std::unordered_map<const void*, wasmc::Object*> by_key;
  std::string last_error;
  bool dying = false;  // in wasm_store_delete: releases do nothing
};

// ---- types ----
struct wasm_valtype_t {
  wasm_valkind_t kind;
};
struct wasm_externtype_t {
  wasm_externkind_t kind;
  explicit wasm_externtype_t(wasm_externkind_t k) : kind(k) {}
  virtual ~wasm_externtype_t() = default;
};
struct wasm_functype_t : wasm_externtype_t {
  wasm_valtype_vec_t params{0, nullptr}, results{0, nullptr};
  wasm_functype_t() : wasm_externtype_t(WASM_EXTERN_FUNC) {}
  ~wasm_functype_t() override;
};
struct wasm_globaltype_t : wasm_externtype_t {
  wasm_valtype_t* content = nullptr;
  wasm_mutability_t mutability = WASM_CONST;
  wasm_globaltype_t() : wasm_externtype_t(WASM_EXTERN_GLOBAL) {}
  ~wasm_globaltype_t() override { delete content; }
};
struct wasm_tabletype_t : wasm_externtype_t {
  wasm_valtype_t* element = nullptr;
  wasm_limits_t limits{0, 0};
  wasm_tabletype_t() : wasm_externtype_t(WASM_EXTERN_TABLE) {}
  ~wasm_tabletype_t() override { delete element; }
};
struct wasm_memorytype_t : wasm_externtype_t {
  wasm_limits_t limits{0, 0};
  wasm_memorytype_t() : wasm_externtype_t(WASM_EXTERN_MEMORY) {}
};
struct wasm_importtype_t {
  wasm_name_t module{0, nullptr}, name{0, nullptr};
  wasm_externtype_t* type = nullptr;
  ~wasm_importtype_t();
};
struct wasm_exporttype_t {
  wasm_name_t name{0, nullptr};
  wasm_externtype_t* type = nullptr;
  ~wasm_exporttype_t();
};
struct wasm_frame_t {
  uint32_t func_index = 0;
  size_t func_offset = 0;
  size_t module_offset = 0;
  wasm_instance_t* instance = nullptr;  // not owned
};

namespace wasmc {

// Objects and handles (engine_store.cc).
Object* new_object(Kind kind, wasm_store_t* store, const void* key = nullptr);
Object* find_object(wasm_store_t* store, const void* key);
void retain(Object* o);
void release(Object* o);
// A new handle of the type matching o->kind (retains o).
wasm_ref_t* new_handle(Object* o);
template <class H>
H* handle(Object* o) {
  return static_cast<H*>(new_handle(o));
}
void drop_handle(const wasm_ref_t* h);  // release + free the handle
void set_error(wasm_store_t* store, std::string message);

// Objects for brisk handles, reusing a live one (refs.cc). {owner}: the
// instance whose export it is, or nullptr.
Object* func_object(wasm_store_t* s, brisk_func_t* f, Object* owner);
Object* extern_object(wasm_store_t* s, const brisk_extern_t& e, Object* owner);
// The brisk view of an extern handle's object.
bool brisk_extern_of(const Object* o, brisk_extern_t* out);

// Values (refs.cc). to_brisk checks the kind against {type} and fills
// *error on a mismatch; from_brisk makes owned values.
brisk_valtype_t brisk_type_of(wasm_valkind_t k);
wasm_valkind_t kind_of(brisk_valtype_t t);
bool to_brisk(wasm_store_t* s, const wasm_val_t& v, brisk_valtype_t type, brisk_val_t* out, std::string* error);
bool ref_to_brisk(wasm_store_t* s, const wasm_ref_t* r, brisk_valtype_t type, brisk_val_t* out, std::string* error);
wasm_val_t from_brisk(wasm_store_t* s, const brisk_val_t& v);

// Types (types.cc).
wasm_externtype_t* externtype_from(const brisk_externtype_t& t);
wasm_functype_t* functype_from(const brisk_functype_t& t);
wasm_limits_t limits_from(const brisk_limits_t& l);

// Traps (trap.cc): a trap for a failed brisk call (frames from the store
// when it trapped), or one with a message.
wasm_trap_t* trap_from_result(wasm_store_t* s, const brisk_result_t& r);
wasm_trap_t* trap_with_message(wasm_store_t* s, std::string message);

}  // namespace wasmc

#endif  // BRISK_WASM_C_API_INTERNAL_H

// wasm.h references: copy, same, host info and the as_* conversions of every
// reference type, externals, foreign objects, and values (wasm_val_t) with
// their conversion to and from brisk_val_t.
#include <new>

#include "api/wasm_c_api/wasm_internal.h"

namespace wasmc {

Object* func_object(wasm_store_t* s, brisk_func_t* f, Object* owner) {
  if (!f) return nullptr;
  Object* o = find_object(s, f);
  if (!o) {
    o = new_object(Kind::Func, s, f);
    o->func = f;
  }
  if (owner && !o->owner && owner != o) {  // an export: its instance stays while the function is used
    o->owner = owner;
    retain(owner);
  }
  return o;
}

Object* extern_object(wasm_store_t* s, const brisk_extern_t& e, Object* owner) {
  if (e.kind == BRISK_EXTERN_FUNC) return func_object(s, e.of.func, owner);
  const void* key = e.kind == BRISK_EXTERN_GLOBAL  ? static_cast<const void*>(e.of.global)
                    : e.kind == BRISK_EXTERN_TABLE ? static_cast<const void*>(e.of.table)
                                                   : static_cast<const void*>(e.of.memory);
  if (!key) return nullptr;
  Object* o = find_object(s, key);
  if (!o) {
    Kind k = e.kind == BRISK_EXTERN_GLOBAL ? Kind::Global : e.kind == BRISK_EXTERN_TABLE ? Kind::Table : Kind::Memory;
    o = new_object(k, s, key);
    o->global = e.kind == BRISK_EXTERN_GLOBAL ? e.of.global : nullptr;
    o->table = e.kind == BRISK_EXTERN_TABLE ? e.of.table : nullptr;
    o->memory = e.kind == BRISK_EXTERN_MEMORY ? e.of.memory : nullptr;
  }
  if (owner && !o->owner) {
    o->owner = owner;
    retain(owner);
  }
  return o;
}

bool brisk_extern_of(const Object* o, brisk_extern_t* out) {
  switch (o->kind) {
    case Kind::Func: out->kind = BRISK_EXTERN_FUNC; out->of.func = o->func; return true;
    case Kind::Global: out->kind = BRISK_EXTERN_GLOBAL; out->of.global = o->global; return true;
    case Kind::Table: out->kind = BRISK_EXTERN_TABLE; out->of.table = o->table; return true;
    case Kind::Memory: out->kind = BRISK_EXTERN_MEMORY; out->of.memory = o->memory; return true;
    default: return false;
  }
}

brisk_valtype_t brisk_type_of(wasm_valkind_t k) {
  switch (k) {
    case WASM_I32: return BRISK_I32;
    case WASM_I64: return BRISK_I64;
    case WASM_F32: return BRISK_F32;
    case WASM_F64: return BRISK_F64;
    case WASM_FUNCREF: return BRISK_FUNCREF;
    case WASM_EXTERNREF: return BRISK_EXTERNREF;
  }
  return brisk_valtype_t(0);  // no such kind: matches no type
}

wasm_valkind_t kind_of(brisk_valtype_t t) {
  switch (t) {
    case BRISK_I32: return WASM_I32;
    case BRISK_I64: return WASM_I64;
    case BRISK_F32: return WASM_F32;
    case BRISK_F64: return WASM_F64;
    case BRISK_FUNCREF: return WASM_FUNCREF;
    case BRISK_EXTERNREF: return WASM_EXTERNREF;
    case BRISK_V128: return WASM_BRISK_V128;  // no wasm.h kind: see wasm_brisk.h
  }
  return WASM_I32;
}

static const char* kind_name(wasm_valkind_t k) {
  switch (k) {
    case WASM_I32: return "i32";
    case WASM_I64: return "i64";
    case WASM_F32: return "f32";
    case WASM_F64: return "f64";
    case WASM_FUNCREF: return "funcref";
    case WASM_EXTERNREF: return "externref";
    case WASM_BRISK_V128: return "v128";
  }
  return "an unknown kind";
}

bool ref_to_brisk(wasm_store_t* s, const wasm_ref_t* r, brisk_valtype_t type, brisk_val_t* out, std::string* error) {
  out->type = type;
  out->of.ref = 0;
  if (!r) return true;  // null
  Object* o = r->obj;
  if (o->store != s) {
    *error = "a reference of another store";
    return false;
  }
  if (type == BRISK_FUNCREF) {
    if (o->kind != Kind::Func) {
      *error = "a funcref that is not a function";
      return false;
    }
    *out = brisk_val_funcref(o->func);
    return true;
  }
  // externref: any object, registered with brisk once and kept (pinned)
  // from then on, since wasm may hold the id for the store's lifetime.
  if (!o->externref_id) {
    brisk_val_t v;
    brisk_result_t res = brisk_externref_new(s->store, o, nullptr, &v);
    if (res.status != BRISK_OK) {
      *error = res.message ? res.message : "externref registration failed";
      return false;
    }
    o->externref_id = v.of.ref;
    o->pinned = true;
  }
  out->of.ref = o->externref_id;
  return true;
}

bool to_brisk(wasm_store_t* s, const wasm_val_t& v, brisk_valtype_t type, brisk_val_t* out, std::string* error) {
  if (brisk_type_of(v.kind) != type) {
    *error = std::string("a value of type ") + kind_name(v.kind) + " where " + kind_name(kind_of(type)) +
             " is expected";
    return false;
  }
  out->type = type;
  switch (type) {
    case BRISK_I32: out->of.i32 = v.of.i32; return true;
    case BRISK_I64: out->of.i64 = v.of.i64; return true;
    case BRISK_F32: out->of.f32 = v.of.f32; return true;
    case BRISK_F64: out->of.f64 = v.of.f64; return true;
    default: return ref_to_brisk(s, v.of.ref, type, out, error);
  }
}

wasm_val_t from_brisk(wasm_store_t* s, const brisk_val_t& v) {
  wasm_val_t w;
  w.kind = kind_of(v.type);
  switch (v.type) {
    case BRISK_I32: w.of.i32 = v.of.i32; break;
    case BRISK_I64: w.of.i64 = v.of.i64; break;
    case BRISK_F32: w.of.f32 = v.of.f32; break;
    case BRISK_F64: w.of.f64 = v.of.f64; break;
    case BRISK_FUNCREF: w.of.ref = new_handle(func_object(s, brisk_val_as_func(s->store, &v), nullptr)); break;
    case BRISK_EXTERNREF: {
      void* data = nullptr;
      w.of.ref = nullptr;
      if (v.of.ref && brisk_externref_data(s->store, &v, &data).status == BRISK_OK && data)
        w.of.ref = new_handle(static_cast<Object*>(data));
      break;
    }
    default: w.kind = WASM_I32; w.of.i64 = 0; break;
  }
  return w;
}

}  // namespace wasmc

using namespace wasmc;

static bool is_extern_kind(Kind k) {
  return k == Kind::Func || k == Kind::Global || k == Kind::Table || k == Kind::Memory;
}

extern "C" {

// ---- wasm_ref_t itself ----
void wasm_ref_delete(wasm_ref_t* r) { drop_handle(r); }
wasm_ref_t* wasm_ref_copy(const wasm_ref_t* r) { return r ? new_handle(r->obj) : nullptr; }
bool wasm_ref_same(const wasm_ref_t* a, const wasm_ref_t* b) {
  return a == b || (a && b && a->obj == b->obj);
}
void* wasm_ref_get_host_info(const wasm_ref_t* r) { return r ? r->obj->host_info : nullptr; }
// Replacing host info does not finalize the previous one: it is the caller's.
void wasm_ref_set_host_info_with_finalizer(wasm_ref_t* r, void* info, void (*finalizer)(void*)) {
  if (!r) return;
  r->obj->host_info = info;
  r->obj->host_finalizer = finalizer;
}
void wasm_ref_set_host_info(wasm_ref_t* r, void* info) { wasm_ref_set_host_info_with_finalizer(r, info, nullptr); }

}  // extern "C"

// The reference functions of wasm_NAME_t, a handle type for objects whose
// kind satisfies TEST(kind).
#define BRISK_WASM_REF(name, TEST)                                                                       \
  extern "C" {                                                                                           \
  void wasm_##name##_delete(wasm_##name##_t* h) { drop_handle(h); }                                      \
  wasm_##name##_t* wasm_##name##_copy(const wasm_##name##_t* h) {                                        \
    return h ? static_cast<wasm_##name##_t*>(new_handle(h->obj)) : nullptr;                              \
  }                                                                                                      \
  bool wasm_##name##_same(const wasm_##name##_t* a, const wasm_##name##_t* b) {                          \
    return wasm_ref_same(a, b);                                                                          \
  }                                                                                                      \
  void* wasm_##name##_get_host_info(const wasm_##name##_t* h) { return wasm_ref_get_host_info(h); }      \
  void wasm_##name##_set_host_info(wasm_##name##_t* h, void* info) { wasm_ref_set_host_info(h, info); }  \
  void wasm_##name##_set_host_info_with_finalizer(wasm_##name##_t* h, void* info, void (*fin)(void*)) {  \
    wasm_ref_set_host_info_with_finalizer(h, info, fin);                                                 \
  }                                                                                                      \
  wasm_ref_t* wasm_##name##_as_ref(wasm_##name##_t* h) { return h; }                                     \
  const wasm_ref_t* wasm_##name##_as_ref_const(const wasm_##name##_t* h) { return h; }                   \
  wasm_##name##_t* wasm_ref_as_##name(wasm_ref_t* r) {                                                   \
    return r && TEST(r->obj->kind) ? static_cast<wasm_##name##_t*>(r) : nullptr;                         \
  }                                                                                                      \
  const wasm_##name##_t* wasm_ref_as_##name##_const(const wasm_ref_t* r) {                               \
    return r && TEST(r->obj->kind) ? static_cast<const wasm_##name##_t*>(r) : nullptr;                   \
  }                                                                                                      \
  }

#define BRISK_IS(K) [](Kind k) { return k == Kind::K; }
BRISK_WASM_REF(func, BRISK_IS(Func))
BRISK_WASM_REF(global, BRISK_IS(Global))
BRISK_WASM_REF(table, BRISK_IS(Table))
BRISK_WASM_REF(memory, BRISK_IS(Memory))
BRISK_WASM_REF(instance, BRISK_IS(Instance))
BRISK_WASM_REF(module, BRISK_IS(Module))
BRISK_WASM_REF(trap, BRISK_IS(Trap))
BRISK_WASM_REF(foreign, BRISK_IS(Foreign))
BRISK_WASM_REF(extern, is_extern_kind)

extern "C" {

// ---- externals ----
static wasm_externkind_t extern_kind_of(Kind k) {
  switch (k) {
    case Kind::Global: return WASM_EXTERN_GLOBAL;
    case Kind::Table: return WASM_EXTERN_TABLE;
    case Kind::Memory: return WASM_EXTERN_MEMORY;
    default: return WASM_EXTERN_FUNC;
  }
}

wasm_externkind_t wasm_extern_kind(const wasm_extern_t* e) { return e ? extern_kind_of(e->obj->kind) : wasm_externkind_t(WASM_EXTERN_FUNC); }

wasm_externtype_t* wasm_extern_type(const wasm_extern_t* e) {
  if (!e) return nullptr;
  switch (e->obj->kind) {
    case Kind::Func: return wasm_functype_as_externtype(wasm_func_type(static_cast<const wasm_func_t*>(e)));
    case Kind::Global: return wasm_globaltype_as_externtype(wasm_global_type(static_cast<const wasm_global_t*>(e)));
    case Kind::Table: return wasm_tabletype_as_externtype(wasm_table_type(static_cast<const wasm_table_t*>(e)));
    case Kind::Memory: return wasm_memorytype_as_externtype(wasm_memory_type(static_cast<const wasm_memory_t*>(e)));
    default: return nullptr;
  }
}

#define BRISK_WASM_EXTERN_AS(name, KIND)                                                              \
  wasm_extern_t* wasm_##name##_as_extern(wasm_##name##_t* h) { return h; }                            \
  const wasm_extern_t* wasm_##name##_as_extern_const(const wasm_##name##_t* h) { return h; }          \
  wasm_##name##_t* wasm_extern_as_##name(wasm_extern_t* e) {                                          \
    return e && e->obj->kind == Kind::KIND ? static_cast<wasm_##name##_t*>(e) : nullptr;              \
  }                                                                                                   \
  const wasm_##name##_t* wasm_extern_as_##name##_const(const wasm_extern_t* e) {                      \
    return e && e->obj->kind == Kind::KIND ? static_cast<const wasm_##name##_t*>(e) : nullptr;        \
  }
BRISK_WASM_EXTERN_AS(func, Func)
BRISK_WASM_EXTERN_AS(global, Global)
BRISK_WASM_EXTERN_AS(table, Table)
BRISK_WASM_EXTERN_AS(memory, Memory)

// ---- foreign objects ----
wasm_foreign_t* wasm_foreign_new(wasm_store_t* s) {
  if (!s) return nullptr;
  return handle<wasm_foreign_t>(new_object(Kind::Foreign, s));
}

// ---- values ----
void wasm_val_delete(wasm_val_t* v) {
  if (v && wasm_valkind_is_ref(v->kind) && v->of.ref) {
    wasm_ref_delete(v->of.ref);
    v->of.ref = nullptr;
  }
}

void wasm_val_copy(wasm_val_t* out, const wasm_val_t* v) {
  *out = *v;
  if (wasm_valkind_is_ref(v->kind)) out->of.ref = wasm_ref_copy(v->of.ref);
}

}  // extern "C"

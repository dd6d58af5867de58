// wasm.h globals, tables and memories. brisk's API creates these only by
// instantiating a module, so wasm_global_new, wasm_table_new and
// wasm_memory_new build a one-export module for the object, instantiate it
// in the store and hand out its export (the hidden instance lives as long
// as the object).
#include <cstring>
#include <new>

#include "api/wasm_c_api/wasm_internal.h"

using namespace wasmc;

namespace {

// ---- a minimal wasm binary writer ----
struct Bytes {
  std::vector<uint8_t> b;
  void byte(uint8_t x) { b.push_back(x); }
  void u32(uint64_t x) {  // unsigned LEB128
    do {
      uint8_t c = x & 0x7f;
      x >>= 7;
      byte(x ? c | 0x80 : c);
    } while (x);
  }
  void s64(int64_t x) {  // signed LEB128
    for (;;) {
      uint8_t c = x & 0x7f;
      x >>= 7;
      bool done = (x == 0 && !(c & 0x40)) || (x == -1 && (c & 0x40));
      byte(done ? c : c | 0x80);
      if (done) return;
    }
  }
  void raw(const void* p, size_t n) { b.insert(b.end(), (const uint8_t*)p, (const uint8_t*)p + n); }
  void name(const char* s) {
    u32(std::strlen(s));
    raw(s, std::strlen(s));
  }
  void section(uint8_t id, const Bytes& body) {
    byte(id);
    u32(body.b.size());
    raw(body.b.data(), body.b.size());
  }
  void limits(const wasm_limits_t& l) {
    bool has_max = l.max != wasm_limits_max_default;
    byte(has_max ? 1 : 0);
    u32(l.min);
    if (has_max) u32(l.max);
  }
};

Bytes module_header() {
  Bytes m;
  m.b = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};  // "\0asm", version 1
  return m;
}

// One export "x" of {kind} (1 table, 2 memory, 3 global) at index 0.
Bytes export_section(uint8_t kind) {
  Bytes e;
  e.u32(1);
  e.name("x");
  e.byte(kind);
  e.u32(0);
  return e;
}

// Instantiates {bytes} in {s} (with {import} as "".""  if given) and returns
// the hidden instance's export "x", or nullptr with the store's error set.
Object* instantiate_one(wasm_store_t* s, const Bytes& bytes, const brisk_extern_t* import, const char* what) {
  brisk_module_t* m = nullptr;
  brisk_result_t r = brisk_module_new(s->store, bytes.b.data(), bytes.b.size(), &m);
  if (r.status != BRISK_OK) {
    set_error(s, std::string(what) + ": " + (r.message ? r.message : "invalid type"));
    return nullptr;
  }
  brisk_linker_t* linker = brisk_linker_new(s->store);
  if (import) r = brisk_linker_define(linker, "", "", import);
  brisk_instance_t* inst = nullptr;
  if (r.status == BRISK_OK) r = brisk_instantiate(linker, m, &inst);
  brisk_linker_delete(linker);
  brisk_module_delete(m);  // the instance keeps what it needs
  if (r.status != BRISK_OK) {
    set_error(s, std::string(what) + ": " + (r.message ? r.message : "failed"));
    return nullptr;
  }
  Object* io = new_object(Kind::Instance, s, inst);
  io->instance = inst;
  brisk_extern_t e;
  brisk_instance_export_get(inst, "x", &e);
  retain(io);
  Object* o = extern_object(s, e, io);  // o holds io
  release(io);
  return o;
}

uint8_t reftype_byte(wasm_valkind_t k) { return k == WASM_FUNCREF ? 0x70 : 0x6f; }

}  // namespace

extern "C" {

// ---- globals ----

wasm_global_t* wasm_global_new(wasm_store_t* s, const wasm_globaltype_t* type, const wasm_val_t* init) {
  if (!s || !type || !type->content || !init) return nullptr;
  const wasm_valkind_t k = type->content->kind;
  const brisk_valtype_t bt = brisk_type_of(k);
  std::string error;
  brisk_val_t value;
  if (!bt || !to_brisk(s, *init, bt, &value, &error)) {
    set_error(s, "wasm_global_new: initial value: " + (bt ? error : std::string("unknown value kind")));
    return nullptr;
  }
  // A mutable global starts as zero/null and is set; an immutable one gets
  // its value in the initializer (a funcref through an imported function).
  const bool is_var = type->mutability == WASM_VAR;
  const bool func_init = !is_var && k == WASM_FUNCREF && value.of.ref;
  if (!is_var && k == WASM_EXTERNREF && value.of.ref) {
    set_error(s, "wasm_global_new: brisk cannot create an immutable externref global with a non-null value");
    return nullptr;
  }
  Bytes m = module_header();
  brisk_extern_t import{};
  if (func_init) {
    brisk_functype_t ft;
    brisk_func_type(init->of.ref->obj->func, &ft);
    Bytes types;
    types.u32(1);
    types.byte(0x60);
    types.u32(ft.num_params);
    for (size_t i = 0; i < ft.num_params; ++i) types.byte(uint8_t(ft.params[i]));
    types.u32(ft.num_results);
    for (size_t i = 0; i < ft.num_results; ++i) types.byte(uint8_t(ft.results[i]));
    m.section(1, types);
    Bytes imports;
    imports.u32(1);
    imports.name("");
    imports.name("");
    imports.byte(0);  // a function of type 0
    imports.u32(0);
    m.section(2, imports);
    brisk_extern_of(init->of.ref->obj, &import);
  }
  Bytes globals;
  globals.u32(1);
  globals.byte(uint8_t(bt));
  globals.byte(is_var ? 1 : 0);
  if (func_init) {
    globals.byte(0xd2);  // ref.func 0
    globals.u32(0);
  } else if (is_var || k == WASM_EXTERNREF || k == WASM_FUNCREF) {
    switch (k) {
      case WASM_I32: globals.byte(0x41); globals.s64(0); break;
      case WASM_I64: globals.byte(0x42); globals.s64(0); break;
      case WASM_F32: { float z = 0; globals.byte(0x43); globals.raw(&z, 4); break; }
      case WASM_F64: { double z = 0; globals.byte(0x44); globals.raw(&z, 8); break; }
      default: globals.byte(0xd0); globals.byte(reftype_byte(k)); break;  // ref.null
    }
  } else {
    switch (k) {
      case WASM_I32: globals.byte(0x41); globals.s64(init->of.i32); break;
      case WASM_I64: globals.byte(0x42); globals.s64(init->of.i64); break;
      case WASM_F32: globals.byte(0x43); globals.raw(&init->of.f32, 4); break;
      default: globals.byte(0x44); globals.raw(&init->of.f64, 8); break;
    }
  }
  globals.byte(0x0b);  // end
  m.section(6, globals);
  m.section(7, export_section(3));
  if (func_init) {  // ref.func needs the function declared
    Bytes elems;
    elems.u32(1);
    elems.byte(3);  // declarative, element kind + function indices
    elems.byte(0);
    elems.u32(1);
    elems.u32(0);
    m.section(9, elems);
  }
  Object* o = instantiate_one(s, m, func_init ? &import : nullptr, "wasm_global_new");
  if (!o) return nullptr;
  if (is_var && brisk_global_set(s->store, o->global, &value).status != BRISK_OK) {
    set_error(s, "wasm_global_new: cannot set the initial value");
    retain(o);
    release(o);
    return nullptr;
  }
  return handle<wasm_global_t>(o);
}

wasm_globaltype_t* wasm_global_type(const wasm_global_t* g) {
  brisk_globaltype_t t;
  if (!g || !brisk_global_type(g->obj->global, &t)) return nullptr;
  return wasm_globaltype_new(wasm_valtype_new(kind_of(t.type)), t.is_mutable ? WASM_VAR : WASM_CONST);
}

void wasm_global_get(const wasm_global_t* g, wasm_val_t* out) {
  brisk_val_t v;
  if (!g || brisk_global_get(g->obj->store->store, g->obj->global, &v).status != BRISK_OK) {
    out->kind = WASM_I32;
    out->of.i64 = 0;
    return;
  }
  *out = from_brisk(g->obj->store, v);
}

void wasm_global_set(wasm_global_t* g, const wasm_val_t* value) {
  if (!g || !value) return;
  wasm_store_t* s = g->obj->store;
  brisk_globaltype_t t;
  std::string error;
  brisk_val_t v;
  if (!brisk_global_type(g->obj->global, &t)) return set_error(s, "wasm_global_set: stale global");
  if (!to_brisk(s, *value, t.type, &v, &error)) return set_error(s, "wasm_global_set: " + error);
  brisk_result_t r = brisk_global_set(s->store, g->obj->global, &v);
  if (r.status != BRISK_OK) set_error(s, std::string("wasm_global_set: ") + (r.message ? r.message : "failed"));
}

// ---- tables ----

wasm_table_t* wasm_table_new(wasm_store_t* s, const wasm_tabletype_t* type, wasm_ref_t* init) {
  if (!s || !type || !type->element) return nullptr;
  const wasm_valkind_t k = type->element->kind;
  if (k != WASM_FUNCREF && k != WASM_EXTERNREF) {
    set_error(s, "wasm_table_new: the element type must be funcref or externref");
    return nullptr;
  }
  brisk_val_t value;
  std::string error;
  if (!ref_to_brisk(s, init, brisk_type_of(k), &value, &error)) {
    set_error(s, "wasm_table_new: initial element: " + error);
    return nullptr;
  }
  Bytes m = module_header();
  Bytes tables;
  tables.u32(1);
  tables.byte(reftype_byte(k));
  tables.limits(type->limits);
  m.section(4, tables);
  m.section(7, export_section(1));
  Object* o = instantiate_one(s, m, nullptr, "wasm_table_new");
  if (!o) return nullptr;
  if (value.of.ref)
    for (uint32_t i = 0; i < type->limits.min; ++i) brisk_table_set(s->store, o->table, i, &value);
  return handle<wasm_table_t>(o);
}

wasm_tabletype_t* wasm_table_type(const wasm_table_t* t) {
  brisk_tabletype_t tt;
  if (!t || !brisk_table_type(t->obj->table, &tt)) return nullptr;
  wasm_limits_t l = limits_from(tt.limits);
  return wasm_tabletype_new(wasm_valtype_new(kind_of(tt.elem)), &l);
}

wasm_ref_t* wasm_table_get(const wasm_table_t* t, wasm_table_size_t index) {
  brisk_val_t v;
  if (!t || brisk_table_get(t->obj->store->store, t->obj->table, index, &v).status != BRISK_OK) return nullptr;
  return from_brisk(t->obj->store, v).of.ref;
}

bool wasm_table_set(wasm_table_t* t, wasm_table_size_t index, wasm_ref_t* ref) {
  brisk_tabletype_t tt;
  if (!t || !brisk_table_type(t->obj->table, &tt)) return false;
  brisk_val_t v;
  std::string error;
  if (!ref_to_brisk(t->obj->store, ref, tt.elem, &v, &error)) return false;
  return brisk_table_set(t->obj->store->store, t->obj->table, index, &v).status == BRISK_OK;
}

wasm_table_size_t wasm_table_size(const wasm_table_t* t) { return t ? brisk_table_size(t->obj->table) : 0; }

bool wasm_table_grow(wasm_table_t* t, wasm_table_size_t delta, wasm_ref_t* init) {
  brisk_tabletype_t tt;
  if (!t || !brisk_table_type(t->obj->table, &tt)) return false;
  brisk_val_t v;
  std::string error;
  if (!ref_to_brisk(t->obj->store, init, tt.elem, &v, &error)) return false;
  uint32_t old_size;
  return brisk_table_grow(t->obj->store->store, t->obj->table, delta, &v, &old_size).status == BRISK_OK;
}

// ---- memories ----

wasm_memory_t* wasm_memory_new(wasm_store_t* s, const wasm_memorytype_t* type) {
  if (!s || !type) return nullptr;
  Bytes m = module_header();
  Bytes memories;
  memories.u32(1);
  memories.limits(type->limits);
  m.section(5, memories);
  m.section(7, export_section(2));
  Object* o = instantiate_one(s, m, nullptr, "wasm_memory_new");
  return o ? handle<wasm_memory_t>(o) : nullptr;
}

wasm_memorytype_t* wasm_memory_type(const wasm_memory_t* m) {
  brisk_memorytype_t t;
  if (!m || !brisk_memory_type(m->obj->memory, &t)) return nullptr;
  wasm_limits_t l = limits_from(t.limits);
  return wasm_memorytype_new(&l);
}

byte_t* wasm_memory_data(wasm_memory_t* m) {
  size_t size;
  return m ? reinterpret_cast<byte_t*>(brisk_memory_data(m->obj->memory, &size)) : nullptr;
}

size_t wasm_memory_data_size(const wasm_memory_t* m) {
  size_t size = 0;
  if (!m || !brisk_memory_data(m->obj->memory, &size)) return 0;
  return size;
}

wasm_memory_pages_t wasm_memory_size(const wasm_memory_t* m) {
  return m ? wasm_memory_pages_t(brisk_memory_pages(m->obj->memory)) : 0;
}

bool wasm_memory_grow(wasm_memory_t* m, wasm_memory_pages_t delta) {
  uint64_t old_pages;
  return m && brisk_memory_grow(m->obj->store->store, m->obj->memory, delta, &old_pages).status == BRISK_OK;
}

}  // extern "C"

// wasm.h type representations: value, function, global, table, memory,
// extern, import and export types, and their conversion from brisk's.
#include <new>

#include "api/wasm_c_api/wasm_internal.h"

wasm_functype_t::~wasm_functype_t() {
  wasm_valtype_vec_delete(&params);
  wasm_valtype_vec_delete(&results);
}
wasm_importtype_t::~wasm_importtype_t() {
  wasm_byte_vec_delete(&module);
  wasm_byte_vec_delete(&name);
  delete type;
}
wasm_exporttype_t::~wasm_exporttype_t() {
  wasm_byte_vec_delete(&name);
  delete type;
}

namespace wasmc {

wasm_limits_t limits_from(const brisk_limits_t& l) {
  wasm_limits_t w;
  w.min = l.min > UINT32_MAX ? UINT32_MAX : uint32_t(l.min);
  w.max = !l.has_max || l.max > UINT32_MAX ? wasm_limits_max_default : uint32_t(l.max);
  return w;
}

static wasm_valtype_vec_t valtypes_from(const brisk_valtype_t* types, size_t n) {
  wasm_valtype_vec_t v;
  wasm_valtype_vec_new_uninitialized(&v, n);
  for (size_t i = 0; i < v.size; ++i) v.data[i] = wasm_valtype_new(kind_of(types[i]));
  return v;
}

wasm_functype_t* functype_from(const brisk_functype_t& t) {
  auto* f = new wasm_functype_t;
  f->params = valtypes_from(t.params, t.num_params);
  f->results = valtypes_from(t.results, t.num_results);
  return f;
}

wasm_externtype_t* externtype_from(const brisk_externtype_t& t) {
  switch (t.kind) {
    case BRISK_EXTERN_FUNC: return functype_from(t.of.func);
    case BRISK_EXTERN_GLOBAL: {
      auto* g = new wasm_globaltype_t;
      g->content = wasm_valtype_new(kind_of(t.of.global.type));
      g->mutability = t.of.global.is_mutable ? WASM_VAR : WASM_CONST;
      return g;
    }
    case BRISK_EXTERN_TABLE: {
      auto* tt = new wasm_tabletype_t;
      tt->element = wasm_valtype_new(kind_of(t.of.table.elem));
      tt->limits = limits_from(t.of.table.limits);
      return tt;
    }
    case BRISK_EXTERN_MEMORY: {
      auto* m = new wasm_memorytype_t;
      m->limits = limits_from(t.of.memory.limits);
      return m;
    }
  }
  return nullptr;
}

}  // namespace wasmc

using namespace wasmc;

extern "C" {

// ---- value types ----
wasm_valtype_t* wasm_valtype_new(wasm_valkind_t k) { return new (std::nothrow) wasm_valtype_t{k}; }
void wasm_valtype_delete(wasm_valtype_t* t) { delete t; }
wasm_valtype_t* wasm_valtype_copy(const wasm_valtype_t* t) { return t ? wasm_valtype_new(t->kind) : nullptr; }
wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t* t) { return t ? t->kind : wasm_valkind_t(WASM_I32); }

// ---- function types ----
wasm_functype_t* wasm_functype_new(wasm_valtype_vec_t* params, wasm_valtype_vec_t* results) {
  auto* f = new (std::nothrow) wasm_functype_t;
  if (!f) return nullptr;
  if (params) f->params = *params;  // adopted
  if (results) f->results = *results;
  return f;
}
void wasm_functype_delete(wasm_functype_t* t) { delete t; }
wasm_functype_t* wasm_functype_copy(const wasm_functype_t* t) {
  if (!t) return nullptr;
  auto* f = new wasm_functype_t;
  wasm_valtype_vec_copy(&f->params, &t->params);
  wasm_valtype_vec_copy(&f->results, &t->results);
  return f;
}
const wasm_valtype_vec_t* wasm_functype_params(const wasm_functype_t* t) { return t ? &t->params : nullptr; }
const wasm_valtype_vec_t* wasm_functype_results(const wasm_functype_t* t) { return t ? &t->results : nullptr; }

// ---- global types ----
wasm_globaltype_t* wasm_globaltype_new(wasm_valtype_t* content, wasm_mutability_t m) {
  auto* g = new (std::nothrow) wasm_globaltype_t;
  if (!g) {
    delete content;
    return nullptr;
  }
  g->content = content;
  g->mutability = m;
  return g;
}
void wasm_globaltype_delete(wasm_globaltype_t* t) { delete t; }
wasm_globaltype_t* wasm_globaltype_copy(const wasm_globaltype_t* t) {
  return t ? wasm_globaltype_new(wasm_valtype_copy(t->content), t->mutability) : nullptr;
}
const wasm_valtype_t* wasm_globaltype_content(const wasm_globaltype_t* t) { return t ? t->content : nullptr; }
wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t* t) { return t ? t->mutability : wasm_mutability_t(WASM_CONST); }

// ---- table types ----
wasm_tabletype_t* wasm_tabletype_new(wasm_valtype_t* element, const wasm_limits_t* limits) {
  auto* t = new (std::nothrow) wasm_tabletype_t;
  if (!t) {
    delete element;
    return nullptr;
  }
  t->element = element;
  if (limits) t->limits = *limits;
  return t;
}
void wasm_tabletype_delete(wasm_tabletype_t* t) { delete t; }
wasm_tabletype_t* wasm_tabletype_copy(const wasm_tabletype_t* t) {
  return t ? wasm_tabletype_new(wasm_valtype_copy(t->element), &t->limits) : nullptr;
}
const wasm_valtype_t* wasm_tabletype_element(const wasm_tabletype_t* t) { return t ? t->element : nullptr; }
const wasm_limits_t* wasm_tabletype_limits(const wasm_tabletype_t* t) { return t ? &t->limits : nullptr; }

// ---- memory types ----
wasm_memorytype_t* wasm_memorytype_new(const wasm_limits_t* limits) {
  auto* m = new (std::nothrow) wasm_memorytype_t;
  if (m && limits) m->limits = *limits;
  return m;
}
void wasm_memorytype_delete(wasm_memorytype_t* t) { delete t; }
wasm_memorytype_t* wasm_memorytype_copy(const wasm_memorytype_t* t) {
  return t ? wasm_memorytype_new(&t->limits) : nullptr;
}
const wasm_limits_t* wasm_memorytype_limits(const wasm_memorytype_t* t) { return t ? &t->limits : nullptr; }

// ---- extern types: the four above are extern types (the same object) ----
void wasm_externtype_delete(wasm_externtype_t* t) { delete t; }
wasm_externtype_t* wasm_externtype_copy(const wasm_externtype_t* t) {
  if (!t) return nullptr;
  switch (t->kind) {
    case WASM_EXTERN_FUNC: return wasm_functype_copy(static_cast<const wasm_functype_t*>(t));
    case WASM_EXTERN_GLOBAL: return wasm_globaltype_copy(static_cast<const wasm_globaltype_t*>(t));
    case WASM_EXTERN_TABLE: return wasm_tabletype_copy(static_cast<const wasm_tabletype_t*>(t));
    case WASM_EXTERN_MEMORY: return wasm_memorytype_copy(static_cast<const wasm_memorytype_t*>(t));
  }
  return nullptr;
}
wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t* t) { return t ? t->kind : wasm_externkind_t(WASM_EXTERN_FUNC); }

#define BRISK_WASM_EXTERNTYPE_AS(name, KIND)                                                        \
  wasm_externtype_t* wasm_##name##_as_externtype(wasm_##name##_t* t) { return t; }                  \
  const wasm_externtype_t* wasm_##name##_as_externtype_const(const wasm_##name##_t* t) { return t; } \
  wasm_##name##_t* wasm_externtype_as_##name(wasm_externtype_t* t) {                                \
    return t && t->kind == KIND ? static_cast<wasm_##name##_t*>(t) : nullptr;                       \
  }                                                                                                 \
  const wasm_##name##_t* wasm_externtype_as_##name##_const(const wasm_externtype_t* t) {            \
    return t && t->kind == KIND ? static_cast<const wasm_##name##_t*>(t) : nullptr;                 \
  }
BRISK_WASM_EXTERNTYPE_AS(functype, WASM_EXTERN_FUNC)
BRISK_WASM_EXTERNTYPE_AS(globaltype, WASM_EXTERN_GLOBAL)
BRISK_WASM_EXTERNTYPE_AS(tabletype, WASM_EXTERN_TABLE)
BRISK_WASM_EXTERNTYPE_AS(memorytype, WASM_EXTERN_MEMORY)

// ---- import and export types ----
wasm_importtype_t* wasm_importtype_new(wasm_name_t* module, wasm_name_t* name, wasm_externtype_t* type) {
  auto* t = new (std::nothrow) wasm_importtype_t;
  if (!t) return nullptr;
  if (module) t->module = *module;  // adopted
  if (name) t->name = *name;
  t->type = type;
  return t;
}
void wasm_importtype_delete(wasm_importtype_t* t) { delete t; }
wasm_importtype_t* wasm_importtype_copy(const wasm_importtype_t* t) {
  if (!t) return nullptr;
  wasm_name_t module, name;
  wasm_byte_vec_copy(&module, &t->module);
  wasm_byte_vec_copy(&name, &t->name);
  return wasm_importtype_new(&module, &name, wasm_externtype_copy(t->type));
}
const wasm_name_t* wasm_importtype_module(const wasm_importtype_t* t) { return t ? &t->module : nullptr; }
const wasm_name_t* wasm_importtype_name(const wasm_importtype_t* t) { return t ? &t->name : nullptr; }
const wasm_externtype_t* wasm_importtype_type(const wasm_importtype_t* t) { return t ? t->type : nullptr; }

wasm_exporttype_t* wasm_exporttype_new(wasm_name_t* name, wasm_externtype_t* type) {
  auto* t = new (std::nothrow) wasm_exporttype_t;
  if (!t) return nullptr;
  if (name) t->name = *name;
  t->type = type;
  return t;
}
void wasm_exporttype_delete(wasm_exporttype_t* t) { delete t; }
wasm_exporttype_t* wasm_exporttype_copy(const wasm_exporttype_t* t) {
  if (!t) return nullptr;
  wasm_name_t name;
  wasm_byte_vec_copy(&name, &t->name);
  return wasm_exporttype_new(&name, wasm_externtype_copy(t->type));
}
const wasm_name_t* wasm_exporttype_name(const wasm_exporttype_t* t) { return t ? &t->name : nullptr; }
const wasm_externtype_t* wasm_exporttype_type(const wasm_exporttype_t* t) { return t ? t->type : nullptr; }

}  // extern "C"

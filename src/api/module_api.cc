// Modules: decoding, deletion and introspection (imports, exports and their
// types, custom sections). A module handle is immutable after
// brisk_module_new, so every reader here is safe from many threads at once.
#include <cstring>

#include "api/handles.h"
#include "core/module_decoder.h"

using namespace brisk;
using namespace brisk_api;

namespace brisk_api {

CTypes ctypes_of(const FuncType& t) {
  CTypes c;
  for (ValType v : t.params) c.params.push_back(brisk_valtype_t(v));
  for (ValType v : t.results) c.results.push_back(brisk_valtype_t(v));
  return c;
}

}  // namespace brisk_api

namespace {

brisk_limits_t limits_of(const Limits& l) { return brisk_limits_t{l.min, l.has_max ? l.max : 0, l.has_max ? 1 : 0}; }

brisk_externtype_t table_type(const TableType& t) {
  brisk_externtype_t x{};
  x.kind = BRISK_EXTERN_TABLE;
  x.of.table = brisk_tabletype_t{brisk_valtype_t(t.elem), limits_of(t.limits)};
  return x;
}
brisk_externtype_t memory_type(const MemoryType& t) {
  brisk_externtype_t x{};
  x.kind = BRISK_EXTERN_MEMORY;
  x.of.memory = brisk_memorytype_t{limits_of(t.limits)};
  return x;
}
brisk_externtype_t global_type(const GlobalType& t) {
  brisk_externtype_t x{};
  x.kind = BRISK_EXTERN_GLOBAL;
  x.of.global = brisk_globaltype_t{brisk_valtype_t(t.type), t.mut ? 1 : 0};
  return x;
}

// Builds the introspection tables; they point into the decoded module.
void describe(brisk_module& bm) {
  const Module& m = *bm.module;
  for (const FuncType& t : m.types) bm.types.push_back(ctypes_of(t));
  auto func_type = [&](uint32_t type_index) {
    brisk_externtype_t x{};
    x.kind = BRISK_EXTERN_FUNC;
    x.of.func = bm.types[type_index].view();
    return x;
  };
  for (const Import& imp : m.imports) {
    brisk_import_t d{imp.module.c_str(), imp.name.c_str(), {}};
    switch (imp.kind) {
      case ExternKind::Func: d.type = func_type(imp.func_type); break;
      case ExternKind::Table: d.type = table_type(imp.table); break;
      case ExternKind::Memory: d.type = memory_type(imp.memory); break;
      case ExternKind::Global: d.type = global_type(imp.global); break;
    }
    bm.imports.push_back(d);
  }
  for (const Export& e : m.exports) {
    brisk_export_t d{e.name.c_str(), {}};
    switch (e.kind) {
      case ExternKind::Func: d.type = func_type(m.func_types[e.index]); break;
      case ExternKind::Table: d.type = table_type(m.tables[e.index]); break;
      case ExternKind::Memory: d.type = memory_type(m.memories[e.index]); break;
      case ExternKind::Global: d.type = global_type(m.globals[e.index].type); break;
    }
    bm.exports.push_back(d);
  }
}

bool live_module(const brisk_module* m) { return m && m->magic == kHandleMagic && m->module; }

}  // namespace

extern "C" {

brisk_result_t brisk_module_new(brisk_store_t* s, const uint8_t* bytes, size_t len, brisk_module_t** out) {
  if (out) *out = nullptr;
  if (!s || !out || (!bytes && len)) return null_arg();
  auto m = decode_module(std::vector<uint8_t>(bytes, bytes + len));
  if (!m.ok()) return fail(s, BRISK_ERR_INVALID_MODULE, m.error().message, m.error().offset);
  auto bm = std::make_unique<brisk_module>();
  bm->module = m.value();
  bm->creator = s;
  describe(*bm);
  s->modules.push_back(std::move(bm));
  *out = s->modules.back().get();
  return ok();
}

void brisk_module_delete(brisk_module_t* m) {
  if (!live_module(m)) return;
  // The decoded module goes (unless instances still use it); the small
  // handle stays with its creating store, so a second delete is harmless.
  m->module.reset();
  m->types = {};
  m->imports = {};
  m->exports = {};
}

size_t brisk_module_import_count(const brisk_module_t* m) { return live_module(m) ? m->imports.size() : 0; }

int brisk_module_import(const brisk_module_t* m, size_t i, brisk_import_t* out) {
  if (!live_module(m) || !out || i >= m->imports.size()) return 0;
  *out = m->imports[i];
  return 1;
}

size_t brisk_module_export_count(const brisk_module_t* m) { return live_module(m) ? m->exports.size() : 0; }

int brisk_module_export(const brisk_module_t* m, size_t i, brisk_export_t* out) {
  if (!live_module(m) || !out || i >= m->exports.size()) return 0;
  *out = m->exports[i];
  return 1;
}

const uint8_t* brisk_module_custom_section(const brisk_module_t* m, const char* name, size_t nth, size_t* len) {
  if (len) *len = 0;
  if (!live_module(m) || !name) return nullptr;
  for (const CustomSection& c : m->module->customs) {
    if (c.name != name || nth-- > 0) continue;
    if (len) *len = c.size;
    return m->module->bytes.data() + c.offset;
  }
  return nullptr;
}

}  // extern "C"

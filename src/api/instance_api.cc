// Instances and their exports: instantiation (directly or through an
// instance_pre), deletion, exports of every kind, and the operations on
// memories, tables and globals.
#include "api/handles.h"

using namespace brisk;
using namespace brisk_api;

namespace {

// Turns a runtime instantiation into a handle, or an error. A failed
// instance is released at once (what it put into imported tables becomes
// shells that trap when called).
brisk_result_t finish(brisk_store* s, InstantiateResult& r, brisk_instance_t** out) {
  if (r.resource_error) {
    if (r.instance) s->store.release(r.instance);
    return fail(s, BRISK_ERR_RESOURCE, r.resource_error->message);
  }
  if (r.link_error) {
    if (r.instance) s->store.release(r.instance);
    return fail(s, BRISK_ERR_LINK, r.link_error->message);
  }
  if (r.trap) {
    Trap t = std::move(*r.trap);
    if (r.instance) s->store.release(r.instance);
    return from_trap(s, t);
  }
  s->trap_frames.clear();
  *out = add_handle(s, std::make_unique<brisk_instance>(s, r.instance));
  if (!*out) {
    s->store.release(r.instance);
    return fail(s, BRISK_ERR_RESOURCE, "out of memory for an instance handle");
  }
  return ok();
}

bool live_module(const brisk_module* m) { return m && m->magic == kHandleMagic && m->module; }

brisk_instance* live_instance(const brisk_instance* i) { return live_handle(i, HandleKind::Instance); }

template <class H>
H* export_of(brisk_instance_t* inst, const char* name, brisk_extern_kind_t kind) {
  brisk_extern_t x;
  if (!brisk_instance_export_get(inst, name, &x) || x.kind != kind) return nullptr;
  switch (kind) {
    case BRISK_EXTERN_FUNC: return reinterpret_cast<H*>(x.of.func);
    case BRISK_EXTERN_TABLE: return reinterpret_cast<H*>(x.of.table);
    case BRISK_EXTERN_MEMORY: return reinterpret_cast<H*>(x.of.memory);
    case BRISK_EXTERN_GLOBAL: return reinterpret_cast<H*>(x.of.global);
  }
  return nullptr;
}

}  // namespace

extern "C" {

brisk_result_t brisk_instantiate(brisk_linker_t* l, brisk_module_t* m, brisk_instance_t** out) {
  if (out) *out = nullptr;
  if (!(l = live_handle(l, HandleKind::Linker)) || !out) return null_arg();
  brisk_store* s = l->store;
  if (!live_module(m)) return bad_arg(s, "not a live module");
  InstantiateResult r = s->store.instantiate(m->module, l->linker);
  return finish(s, r, out);
}

void brisk_instance_delete(brisk_instance_t* handle) {
  brisk_instance* inst = live_instance(handle);
  if (!inst) return;
  retire_handle(inst->store, inst);
  inst->store->store.release(inst->instance);
}

brisk_result_t brisk_instance_pre_new(brisk_linker_t* l, brisk_module_t* m, brisk_instance_pre_t** out) {
  if (out) *out = nullptr;
  if (!(l = live_handle(l, HandleKind::Linker)) || !out) return null_arg();
  brisk_store* s = l->store;
  if (!live_module(m)) return bad_arg(s, "not a live module");
  auto pre = std::make_unique<brisk_instance_pre>(s);
  if (auto err = s->store.resolve_imports(*m->module, l->linker, pre->imports))
    return fail(s, BRISK_ERR_LINK, err->message);
  for (const Extern& e : pre->imports) pre->holds.hold(s->store, e);
  pre->module = m->module;
  pre->plan = s->store.plan_instance(*m->module);
  brisk_instance_pre* slot = pre.get();
  *out = add_handle(s, std::move(pre));
  if (!*out) {
    slot->holds.release_all(s->store);
    return fail(s, BRISK_ERR_RESOURCE, "out of memory for an instance_pre handle");
  }
  return ok();
}

brisk_result_t brisk_instance_pre_instantiate(brisk_instance_pre_t* pre, brisk_instance_t** out) {
  if (out) *out = nullptr;
  if (!(pre = live_handle(pre, HandleKind::Pre)) || !out) return null_arg();
  InstantiateResult r = pre->store->store.instantiate(pre->module, pre->imports, &pre->plan);
  return finish(pre->store, r, out);
}

void brisk_instance_pre_delete(brisk_instance_pre_t* handle) {
  brisk_instance_pre* pre = live_handle(handle, HandleKind::Pre);
  if (!pre) return;
  retire_handle(pre->store, pre);
  pre->holds.release_all(pre->store->store);
  pre->imports.clear();
  pre->plan = {};
  pre->module.reset();
}

int brisk_instance_export_get(brisk_instance_t* inst, const char* name, brisk_extern_t* out) {
  if (!(inst = live_instance(inst)) || !name || !out) return 0;
  auto e = inst->instance->get_export(name);
  if (!e) return 0;
  *out = extern_handle(inst->store, *e);
  return 1;
}

size_t brisk_instance_export_count(const brisk_instance_t* handle) {
  const brisk_instance* inst = live_instance(handle);
  return inst ? inst->instance->module->exports.size() : 0;
}

int brisk_instance_export_nth(brisk_instance_t* handle, size_t i, const char** name, brisk_extern_t* out) {
  const brisk_instance* inst = live_instance(handle);
  if (!inst || !out || i >= inst->instance->module->exports.size()) return 0;
  const Export& e = inst->instance->module->exports[i];
  if (name) *name = e.name.c_str();
  return brisk_instance_export_get(handle, e.name.c_str(), out);
}

brisk_func_t* brisk_instance_func(brisk_instance_t* inst, const char* name) {
  return export_of<brisk_func>(inst, name, BRISK_EXTERN_FUNC);
}
brisk_memory_t* brisk_instance_memory_named(brisk_instance_t* inst, const char* name) {
  return export_of<brisk_memory>(inst, name, BRISK_EXTERN_MEMORY);
}
brisk_table_t* brisk_instance_table(brisk_instance_t* inst, const char* name) {
  return export_of<brisk_table>(inst, name, BRISK_EXTERN_TABLE);
}
brisk_global_t* brisk_instance_global(brisk_instance_t* inst, const char* name) {
  return export_of<brisk_global>(inst, name, BRISK_EXTERN_GLOBAL);
}

uint8_t* brisk_instance_memory(brisk_instance_t* inst, size_t* size) {
  if (size) *size = 0;
  if (!(inst = live_instance(inst)) || inst->instance->memories.empty()) return nullptr;
  Memory* m = inst->instance->memories[0];
  if (size) *size = size_t(m->size_bytes());
  return m->data();
}

// ---- memories

uint8_t* brisk_memory_data(const brisk_memory_t* m, size_t* size) {
  if (size) *size = 0;
  if (!(m = live_handle(m, HandleKind::Memory))) return nullptr;
  if (size) *size = size_t(m->mem->size_bytes());
  return m->mem->data();
}

uint64_t brisk_memory_pages(const brisk_memory_t* m) {
  return (m = live_handle(m, HandleKind::Memory)) ? m->mem->pages() : 0;
}

int brisk_memory_type(const brisk_memory_t* m, brisk_memorytype_t* out) {
  if (!(m = live_handle(m, HandleKind::Memory)) || !out) return 0;
  const Limits& l = m->mem->type().limits;
  out->limits = brisk_limits_t{m->mem->pages(), l.has_max ? l.max : 0, l.has_max ? 1 : 0};
  return 1;
}

brisk_result_t brisk_memory_grow(brisk_store_t* s, brisk_memory_t* m, uint64_t delta, uint64_t* old_pages) {
  if (!s || !m) return null_arg();
  if (!(m = check_handle(s, m, HandleKind::Memory))) return bad_arg(s, "not a live memory of this store");
  const int64_t old = m->mem->grow(delta);
  if (old < 0)
    return bad_arg(s, "cannot grow memory of " + std::to_string(m->mem->pages()) + " pages by " +
                          std::to_string(delta) + " (maximum " + std::to_string(m->mem->max_pages()) + ")");
  if (old_pages) *old_pages = uint64_t(old);
  return ok();
}

// ---- tables

uint32_t brisk_table_size(const brisk_table_t* t) { return (t = live_handle(t, HandleKind::Table)) ? t->table->size() : 0; }

int brisk_table_type(const brisk_table_t* t, brisk_tabletype_t* out) {
  if (!(t = live_handle(t, HandleKind::Table)) || !out) return 0;
  const TableType& tt = t->table->type();
  out->elem = brisk_valtype_t(tt.elem);
  out->limits = brisk_limits_t{t->table->size(), tt.limits.has_max ? tt.limits.max : 0, tt.limits.has_max ? 1 : 0};
  return 1;
}

brisk_result_t brisk_table_get(brisk_store_t* s, brisk_table_t* t, uint32_t index, brisk_val_t* out) {
  if (!s || !t || !out) return null_arg();
  if (!(t = check_handle(s, t, HandleKind::Table))) return bad_arg(s, "not a live table of this store");
  if (index >= t->table->size())
    return bad_arg(s, "table index " + std::to_string(index) + " out of bounds (size " +
                          std::to_string(t->table->size()) + ")");
  *out = slot_to_val(s, t->table->type().elem, t->table->elems_[index]);
  return ok();
}

brisk_result_t brisk_table_set(brisk_store_t* s, brisk_table_t* t, uint32_t index, const brisk_val_t* v) {
  if (!s || !t || !v) return null_arg();
  if (!(t = check_handle(s, t, HandleKind::Table))) return bad_arg(s, "not a live table of this store");
  if (index >= t->table->size())
    return bad_arg(s, "table index " + std::to_string(index) + " out of bounds (size " +
                          std::to_string(t->table->size()) + ")");
  uint64_t slot;
  const char* why = nullptr;
  if (!val_to_slot(s, *v, t->table->type().elem, &slot, &why)) return bad_arg(s, std::string("table value ") + why);
  t->table->elems_[index] = slot;
  return ok();
}

brisk_result_t brisk_table_grow(brisk_store_t* s, brisk_table_t* t, uint32_t delta, const brisk_val_t* init,
                                uint32_t* old_size) {
  if (!s || !t) return null_arg();
  if (!(t = check_handle(s, t, HandleKind::Table))) return bad_arg(s, "not a live table of this store");
  uint64_t slot = 0;
  const char* why = nullptr;
  if (init && !val_to_slot(s, *init, t->table->type().elem, &slot, &why))
    return bad_arg(s, std::string("table init value ") + why);
  const int64_t old = t->table->grow(delta, slot);
  if (old < 0)
    return bad_arg(s, "cannot grow table of " + std::to_string(t->table->size()) + " elements by " +
                          std::to_string(delta));
  if (old_size) *old_size = uint32_t(old);
  return ok();
}

// ---- globals

int brisk_global_type(const brisk_global_t* g, brisk_globaltype_t* out) {
  if (!(g = live_handle(g, HandleKind::Global)) || !out) return 0;
  out->type = brisk_valtype_t(g->global->type.type);
  out->is_mutable = g->global->type.mut ? 1 : 0;
  return 1;
}

brisk_result_t brisk_global_get(brisk_store_t* s, brisk_global_t* g, brisk_val_t* out) {
  if (!s || !g || !out) return null_arg();
  if (!(g = check_handle(s, g, HandleKind::Global))) return bad_arg(s, "not a live global of this store");
  const uint64_t value[2] = {g->global->bits, g->global->hi};
  *out = slot_to_val_at(s, g->global->type.type, value);
  return ok();
}

brisk_result_t brisk_global_set(brisk_store_t* s, brisk_global_t* g, const brisk_val_t* v) {
  if (!s || !g || !v) return null_arg();
  if (!(g = check_handle(s, g, HandleKind::Global))) return bad_arg(s, "not a live global of this store");
  if (!g->global->type.mut) return bad_arg(s, "global is immutable");
  uint64_t slot[2] = {0, 0};  // a v128 fills both
  const char* why = nullptr;
  if (!val_to_slot(s, *v, g->global->type.type, slot, &why)) return bad_arg(s, std::string("global value ") + why);
  g->global->bits = slot[0];
  g->global->hi = slot[1];
  return ok();
}

}  // extern "C"

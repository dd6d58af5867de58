// wasm.h: configs, engines and stores, and the life cycle of the Objects
// behind every reference handle.
#include <new>

#include "api/wasm_c_api/wasm_internal.h"

namespace wasmc {

ModuleData::~ModuleData() { brisk_store_delete(compile_store); }  // frees the brisk module

Object* new_object(Kind kind, wasm_store_t* store, const void* key) {
  auto* o = new Object(kind, store);
  o->key = key;
  store->objects.insert(o);
  if (key) store->by_key[key] = o;
  return o;
}

Object* find_object(wasm_store_t* store, const void* key) {
  auto it = store->by_key.find(key);
  return it == store->by_key.end() ? nullptr : it->second;
}

void retain(Object* o) { ++o->refs; }

// Frees what the Object holds and the Object.
static void destroy(Object* o) {
  if (o->host_finalizer) o->host_finalizer(o->host_info);
  for (wasm_frame_t* f : o->frames) delete f;
  wasm_store_t* s = o->store;
  s->objects.erase(o);
  if (o->key) s->by_key.erase(o->key);
  if (o->owns_func) brisk_func_delete(s->store, o->func);
  if (o->kind == Kind::Instance && o->instance) brisk_instance_delete(o->instance);
  if (o->owner) release(o->owner);
  delete o;
}

// While its store is being deleted, everything goes anyway: a handle a
// host-info finalizer drops then changes nothing.
void release(Object* o) {
  if (!o || o->refs == 0 || o->store->dying) return;
  if (--o->refs == 0 && !o->pinned) destroy(o);
}

wasm_ref_t* new_handle(Object* o) {
  if (!o) return nullptr;
  wasm_ref_t* h;
  switch (o->kind) {
    case Kind::Func: h = new wasm_func_t; break;
    case Kind::Global: h = new wasm_global_t; break;
    case Kind::Table: h = new wasm_table_t; break;
    case Kind::Memory: h = new wasm_memory_t; break;
    case Kind::Instance: h = new wasm_instance_t; break;
    case Kind::Module: h = new wasm_module_t; break;
    case Kind::Trap: h = new wasm_trap_t; break;
    case Kind::Foreign: h = new wasm_foreign_t; break;
    default: return nullptr;
  }
  h->obj = o;
  retain(o);
  return h;
}

void drop_handle(const wasm_ref_t* h) {
  if (!h) return;
  release(h->obj);
  delete h;
}

void set_error(wasm_store_t* store, std::string message) {
  if (store) store->last_error = std::move(message);
}

}  // namespace wasmc

using namespace wasmc;

extern "C" {

wasm_config_t* wasm_config_new(void) {
  auto* c = new (std::nothrow) wasm_config_t;
  if (!c) return nullptr;
  brisk_config_default(&c->config);
  c->config.mode = BRISK_MODE_TIERED;  // brisk's default execution mode
  return c;
}

void wasm_config_delete(wasm_config_t* c) { delete c; }

bool wasm_config_set_brisk_mode(wasm_config_t* c, wasm_brisk_mode_t mode) {
  if (!c || (mode != WASM_BRISK_MODE_INTERP && mode != WASM_BRISK_MODE_JIT && mode != WASM_BRISK_MODE_TIERED))
    return false;
  c->config.mode = brisk_mode_t(mode);
  return true;
}

void wasm_config_set_brisk_tier_up_threshold(wasm_config_t* c, uint32_t threshold) {
  if (c) c->config.tier_up_threshold = threshold;
}

wasm_engine_t* wasm_engine_new_with_config(wasm_config_t* c) {
  auto* e = new (std::nothrow) wasm_engine_t;
  if (e) {
    e->engine = brisk_engine_new();
    if (c) {
      e->config = c->config;
    } else {
      brisk_config_default(&e->config);
      e->config.mode = BRISK_MODE_TIERED;
    }
    if (!e->engine) {
      delete e;
      e = nullptr;
    }
  }
  delete c;  // owned, whatever happens
  return e;
}

wasm_engine_t* wasm_engine_new(void) { return wasm_engine_new_with_config(nullptr); }

// Stores made in it keep brisk's engine alive themselves.
void wasm_engine_delete(wasm_engine_t* e) {
  if (!e) return;
  brisk_engine_delete(e->engine);
  delete e;
}

wasm_store_t* wasm_store_new(wasm_engine_t* e) {
  if (!e) return nullptr;
  auto* s = new (std::nothrow) wasm_store_t;
  if (!s) return nullptr;
  s->engine = e;
  s->store = brisk_store_new_in(e->engine, &e->config);
  if (!s->store) {
    delete s;
    return nullptr;
  }
  brisk_store_set_data(s->store, s);
  return s;
}

// Every Object still in the store goes (host-info finalizers run), then
// brisk frees the rest and runs the host functions' finalizers. Handles
// still held by the embedder are invalid afterwards.
void wasm_store_delete(wasm_store_t* s) {
  if (!s) return;
  s->dying = true;
  // Finalizers first, while every Object is still there (one may drop
  // handles of others), then the Objects; brisk_store_delete frees the brisk
  // objects all at once.
  std::vector<Object*> objects(s->objects.begin(), s->objects.end());
  for (Object* o : objects)
    if (o->host_finalizer) o->host_finalizer(o->host_info);
  for (Object* o : objects) {
    for (wasm_frame_t* f : o->frames) delete f;
    delete o;
  }
  s->objects.clear();
  s->by_key.clear();
  brisk_store_delete(s->store);
  delete s;
}

const char* wasm_store_brisk_last_error(const wasm_store_t* s) {
  return s && !s->last_error.empty() ? s->last_error.c_str() : nullptr;
}

}  // extern "C"

// Stores: configuration, creation and deletion, interruption, the
// embedder's data pointer.
#include <algorithm>
#include <new>

#include "api/handles.h"

using namespace brisk;

brisk_store::brisk_store(const EngineConfig& c) : store(c) {
  // Handles to what a destroyed instance defined go stale (they stay
  // allocated, marked dead, until the store is deleted).
  store.on_instance_destroyed = [this](Instance* inst) {
    auto kill = [this](const void* obj) {
      auto it = object_handles.find(obj);
      if (it == object_handles.end()) return;
      it->second->dead = true;
      object_handles.erase(it);
    };
    for (auto& m : inst->own_memories) kill(m.get());
    for (auto& t : inst->own_tables) kill(t.get());
    for (auto& g : inst->own_globals) kill(g.get());
  };
  // A freed function's handle stays allocated and marked dead.
  store.on_function_freed = [this](Function* f) {
    auto it = func_handles.find(f);
    if (it == func_handles.end()) return;
    it->second->dead = true;
    func_handles.erase(it);
  };
}

brisk_store::~brisk_store() {
  store.on_instance_destroyed = nullptr;
  store.on_function_freed = nullptr;
  for (brisk_api::ExternSlot& e : externs)
    if (e.live && e.finalizer) e.finalizer(e.data);
}

extern "C" {

void brisk_config_default(brisk_config_t* c) {
  if (!c) return;
  c->mode = BRISK_MODE_INTERP;
  c->explicit_bounds_checks = 0;
  c->max_call_depth = 0;
  c->tier_up_threshold = 0;
  c->consume_fuel = 0;
  c->compile_threads = 0;
}

brisk_store_t* brisk_store_new(const brisk_config_t* config) {
  EngineConfig cfg;
  if (config) {
    const int mode = brisk_api::raw_enum(config->mode);
    cfg.mode = mode == BRISK_MODE_JIT ? ExecMode::Jit : mode == BRISK_MODE_TIERED ? ExecMode::Tiered : ExecMode::Interp;
    cfg.bounds = config->explicit_bounds_checks ? BoundsMode::Explicit : BoundsMode::Guard;
    if (config->max_call_depth) cfg.max_call_depth = config->max_call_depth;
    if (config->tier_up_threshold) cfg.tier_up_threshold = config->tier_up_threshold;
    cfg.consume_fuel = config->consume_fuel != 0;
    if (config->compile_threads < 0)
      cfg.compile_threads = 0;
    else if (config->compile_threads > 0)
      cfg.compile_threads = uint32_t(std::min<int32_t>(config->compile_threads, 64));
  }
  return new (std::nothrow) brisk_store(cfg);
}

void brisk_store_delete(brisk_store_t* store) { delete store; }

void brisk_store_interrupt(brisk_store_t* store) {
  if (store) store->store.interrupt();
}

void brisk_store_clear_interrupt(brisk_store_t* store) {
  if (store) store->store.clear_interrupt();
}

void brisk_store_set_data(brisk_store_t* store, void* data) {
  if (store) store->data = data;
}

void* brisk_store_get_data(const brisk_store_t* store) { return store ? store->data : nullptr; }

}  // extern "C"

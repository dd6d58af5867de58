// Stores: configuration, creation and deletion, interruption, the
// embedder's data pointer.
#include <algorithm>
#include <new>

#include "api/handles.h"
#include "jit/jit_runtime.h"
#include "runtime/memory_pool.h"

using namespace brisk;

brisk_store::brisk_store(const EngineConfig& c) : store(c) {
  // Handles to what a destroyed instance defined go stale: their slots
  // are retired (and later reused with a new generation).
  store.on_instance_destroyed = [this](Instance* inst) {
    auto kill = [this](const void* obj) {
      auto it = object_handles.find(obj);
      if (it == object_handles.end()) return;
      brisk_api::retire_handle(this, it->second);
      object_handles.erase(it);
    };
    for (auto& m : inst->own_memories) kill(m.get());
    for (auto& t : inst->own_tables) kill(t.get());
    for (auto& g : inst->own_globals) kill(g.get());
  };
  // A freed function's handle goes stale: its slot is retired.
  store.on_function_freed = [this](Function* f) {
    auto it = func_handles.find(f);
    if (it == func_handles.end()) return;
    brisk_api::retire_handle(this, it->second);
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

void brisk_store_stats(const brisk_store_t* store, brisk_store_stats_t* out) {
  if (!out) return;
  *out = brisk_store_stats_t{};
  if (!store) return;
  out->instances = store->store.instance_count();
  out->live_handles = store->live_handles;
  out->handle_slots = store->handles.size();
  // code_arena() is a member access; usage() only locks (const_cast: the
  // stats are a read-only view, the lock is the arena's own).
  const jit::CodeArena::Usage code = const_cast<brisk_store*>(store)->store.code_arena().usage();
  out->jit_code_bytes = code.live_bytes;
  out->jit_code_mapped_bytes = code.mapped_bytes;
}

void brisk_memory_pool_config_default(brisk_memory_pool_config_t* c) {
  if (!c) return;
  const MemoryPoolConfig d;
  c->max_memories = d.max_memories;
  c->max_committed_bytes = d.max_committed_bytes;
  c->keep_resident_bytes = d.keep_resident_bytes;
}

brisk_result_t brisk_engine_set_memory_pool(brisk_engine_t* engine, const brisk_memory_pool_config_t* c) {
  if (!engine) return brisk_api::null_arg();
  MemoryPoolConfig cfg;
  if (c) {
    cfg.max_memories = c->max_memories;
    cfg.max_committed_bytes = c->max_committed_bytes;
    cfg.keep_resident_bytes = c->keep_resident_bytes;
  }
  engine->engine->memory_pool()->configure(cfg);
  return brisk_api::ok();
}

void brisk_store_memory_pool_stats(const brisk_store_t* store, brisk_memory_pool_stats_t* out) {
  if (!out) return;
  *out = brisk_memory_pool_stats_t{0, 0, 0, 0};
  if (!store) return;
  // The store is used by one thread at a time; its engine's pool is locked.
  const MemoryPool::Stats st = const_cast<brisk_store&>(*store).store.cpu().engine().memory_pool()->stats();
  *out = brisk_memory_pool_stats_t{st.memories, st.committed_bytes, st.reused, st.released};
}

}  // extern "C"

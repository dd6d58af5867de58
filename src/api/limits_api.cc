// The C API's limits and CPU control (the "limits and CPU control" block of
// include/brisk/brisk.h): store limits and the grow limiter, fuel, engines
// with epochs, epoch deadlines and call timeouts, over runtime/limits.h and
// runtime/cpu_control.h. Only argument checking and translation live here.
#include <new>

#include "api/handles.h"
#include "runtime/cpu_control.h"
#include "runtime/limits.h"

using namespace brisk;
using namespace brisk_api;

namespace {
brisk_result_t null_argument() { return brisk_result_t{BRISK_ERR_ARGUMENT, "null argument", UINT64_MAX, 0, 0}; }
brisk_result_t no_fuel(brisk_store* s) {
  return fail(s, BRISK_ERR_ARGUMENT, "fuel is off for this store (set brisk_config_t.consume_fuel to use it)");
}
}  // namespace

extern "C" {

brisk_result_t brisk_store_set_limits(brisk_store_t* s, const brisk_store_limits_t* l) {
  if (!s || !l) return null_argument();
  ResourceLimits& r = s->store.limiter().limits;
  r.memory_bytes = l->memory_bytes;
  r.total_memory_bytes = l->total_memory_bytes;
  r.table_elements = l->table_elements;
  r.instances = l->instances;
  r.memories = l->memories;
  r.tables = l->tables;
  return ok();
}

void brisk_store_set_limiter(brisk_store_t* s, brisk_limiter_fn fn, void* user_data) {
  if (!s) return;
  if (!fn) {
    s->store.limiter().hook = nullptr;
    return;
  }
  s->store.limiter().hook = [fn, user_data](GrowKind kind, uint64_t cur, uint64_t desired, uint64_t max) {
    return fn(user_data, kind == GrowKind::Memory ? BRISK_GROW_MEMORY : BRISK_GROW_TABLE, cur, desired, max) != 0;
  };
}

brisk_result_t brisk_store_set_fuel(brisk_store_t* s, uint64_t fuel) {
  if (!s) return null_argument();
  if (!s->store.config().consume_fuel) return no_fuel(s);
  s->store.set_fuel(fuel);
  return ok();
}

brisk_result_t brisk_store_add_fuel(brisk_store_t* s, uint64_t delta) {
  if (!s) return null_argument();
  if (!s->store.config().consume_fuel) return no_fuel(s);
  s->store.add_fuel(delta);
  return ok();
}

brisk_result_t brisk_store_get_fuel(brisk_store_t* s, uint64_t* remaining) {
  if (!s || !remaining) return null_argument();
  if (!s->store.config().consume_fuel) return no_fuel(s);
  *remaining = s->store.fuel();
  return ok();
}

brisk_engine_t* brisk_engine_new(void) {
  auto* e = new (std::nothrow) brisk_engine;
  if (e) e->engine = std::make_shared<Engine>();
  return e;
}

void brisk_engine_delete(brisk_engine_t* e) { delete e; }

void brisk_engine_increment_epoch(brisk_engine_t* e) {
  if (e) e->engine->increment_epoch();
}

uint64_t brisk_engine_epoch(const brisk_engine_t* e) { return e ? e->engine->epoch() : 0; }

brisk_store_t* brisk_store_new_in(brisk_engine_t* e, const brisk_config_t* config) {
  if (!e) return nullptr;
  brisk_store_t* s = brisk_store_new(config);
  if (s) s->store.cpu().use_engine(e->engine);
  return s;
}

void brisk_store_set_epoch_deadline(brisk_store_t* s, uint64_t delta) {
  if (s) s->store.cpu().set_epoch_deadline(delta);
}

void brisk_store_set_epoch_callback(brisk_store_t* s, brisk_epoch_callback_t fn, void* user_data) {
  if (!s) return;
  if (!fn) {
    s->store.cpu().set_epoch_callback(nullptr);
    return;
  }
  s->store.cpu().set_epoch_callback([s, fn, user_data] {
    EpochDecision d;
    uint64_t delta = 0;
    if (fn(user_data, s, &delta) != 0) {
      d.trap = false;
      d.delta = delta;
    }
    return d;
  });
}

void brisk_store_set_call_timeout(brisk_store_t* s, uint64_t timeout_ns) {
  if (s) s->store.cpu().set_call_timeout(timeout_ns);
}

}  // extern "C"

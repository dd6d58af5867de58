/* The engine's linear-memory pool (brisk_engine_set_memory_pool): a memory
 * released by a deleted instance is reused by the next instantiation, and
 * the new instance sees only zeros and its own data segment, whatever the
 * old one wrote, grew or left behind; the accessible range matches the new
 * memory's size (pages past it trap); memory.grow past the pooled size
 * works; store limits count pooled memories as free. Each case runs with
 * guard pages and with explicit bounds checks, through the pool's three
 * clearing paths (memset, mincore + madvise, bare reservation). */
#include "api_test.h"

static const char* g_bounds = "guard";

static brisk_store_t* store_in(brisk_engine_t* e, int explicit_bounds) {
  brisk_config_t cfg = g_config;
  cfg.explicit_bounds_checks = explicit_bounds;
  brisk_store_t* s = brisk_store_new_in(e, &cfg);
  CHECK(s != NULL);
  return s;
}

static brisk_instance_t* instantiate(brisk_store_t* s, brisk_module_t* m) {
  brisk_linker_t* l = brisk_linker_new(s);
  brisk_instance_t* inst = NULL;
  CHECK_OK(brisk_instantiate(l, m, &inst));
  brisk_linker_delete(l);
  return inst;
}

static void write_i32(brisk_store_t* s, brisk_instance_t* inst, uint32_t addr, int32_t v) {
  brisk_val_t args[2] = {val_i32((int32_t)addr), val_i32(v)};
  CHECK_OK(brisk_func_call(s, brisk_instance_func(inst, "write"), args, 2, NULL, 0));
}

static int all_zero_but_seed(const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (i >= 16 && i < 20) continue; /* the data segment "seed" */
    if (p[i]) {
      fprintf(stderr, "byte %zu is %u (%s bounds)\n", i, p[i], g_bounds);
      return 0;
    }
  }
  return memcmp(p + 16, "seed", 4) == 0;
}

static brisk_memory_pool_stats_t stats(brisk_store_t* s) {
  brisk_memory_pool_stats_t st;
  brisk_store_memory_pool_stats(s, &st);
  return st;
}

/* A guest dirties its memory (every page, a grown page, a global); the
 * next instance of the same module gets the same memory, zeroed, one page
 * accessible. */
static void reuse_is_zeroed(brisk_module_t* m, uint32_t pages, int explicit_bounds, const brisk_memory_pool_config_t* pc) {
  brisk_engine_t* e = brisk_engine_new();
  CHECK_OK(brisk_engine_set_memory_pool(e, pc));
  brisk_store_t* s = store_in(e, explicit_bounds);
  const size_t bytes = (size_t)pages * 65536;
  for (int round = 0; round < 4; ++round) {
    brisk_instance_t* inst = instantiate(s, m);
    size_t size = 0;
    uint8_t* mem = brisk_instance_memory(inst, &size);
    CHECK(mem != NULL && size == bytes);
    CHECK(all_zero_but_seed(mem, size));
    CHECK(call_i32(s, inst, "or_range", 2, 20, (int32_t)bytes) == 0);
    CHECK(call_i32(s, inst, "size", 0, 0, 0) == (int32_t)pages);
    /* Past the initial size traps even if an earlier instance had grown. */
    brisk_val_t arg = val_i32((int32_t)bytes), res;
    brisk_result_t r = brisk_func_call(s, brisk_instance_func(inst, "read"), &arg, 1, &res, 1);
    CHECK(r.status == BRISK_ERR_TRAP && r.trap_code == BRISK_TRAP_MEMORY_OUT_OF_BOUNDS);
    if (round > 0 && pc->max_memories > 0) CHECK(stats(s).reused >= (uint64_t)round);
    /* Dirty it: words on every page from wasm, bytes from the host, then
     * grow by two pages and dirty those too. */
    for (uint32_t a = 0; a < bytes; a += 4096) write_i32(s, inst, a, (int32_t)(0x5a5a0000u + a));
    memset(mem + 1000, 0xff, 3000);
    CHECK(call_i32(s, inst, "grow", 1, 2, 0) == (int32_t)pages);
    write_i32(s, inst, (uint32_t)bytes + 65536 + 8, -1);
    brisk_global_t* g = brisk_instance_global(inst, "g");
    brisk_val_t v = val_i32(99);
    CHECK_OK(brisk_global_set(s, g, &v));
    brisk_instance_delete(inst);
    if (pc->max_memories > 0) CHECK(stats(s).memories == 1);
  }
  /* The global was re-initialised, not pooled. */
  brisk_instance_t* inst = instantiate(s, m);
  brisk_val_t v;
  CHECK_OK(brisk_global_get(s, brisk_instance_global(inst, "g"), &v));
  CHECK(v.of.i32 == 7);
  /* memory.grow past the pooled slot's kept size: the grown pages are zero. */
  CHECK(call_i32(s, inst, "grow", 1, 3, 0) == (int32_t)pages);
  CHECK(call_i32(s, inst, "or_range", 2, 20, (int32_t)bytes + 3 * 65536) == 0);
  brisk_instance_delete(inst);
  brisk_store_delete(s);
  brisk_engine_delete(e);
}

/* A slot that kept one page serves a memory of two (its second page must be
 * zero and writable) and then one of one page again (its second page must
 * trap). */
static void slot_sizes_differ(brisk_module_t* one, brisk_module_t* two, int explicit_bounds) {
  brisk_engine_t* e = brisk_engine_new();
  brisk_store_t* s = store_in(e, explicit_bounds);
  brisk_instance_t* a = instantiate(s, one);
  write_i32(s, a, 100, 1);
  brisk_instance_delete(a);
  brisk_instance_t* b = instantiate(s, two);
  CHECK(stats(s).reused == 1);
  size_t size;
  uint8_t* mem = brisk_instance_memory(b, &size);
  CHECK(size == 2 * 65536);
  for (size_t i = 0; i < size; ++i) CHECK(mem[i] == 0);
  write_i32(s, b, 65536 + 4, 42);
  CHECK(call_i32(s, b, "read", 1, 65536 + 4, 0) == 42);
  brisk_instance_delete(b);
  brisk_instance_t* c = instantiate(s, one);
  CHECK(stats(s).reused == 2);
  brisk_val_t arg = val_i32(65536 + 4), res;
  brisk_result_t r = brisk_func_call(s, brisk_instance_func(c, "read"), &arg, 1, &res, 1);
  CHECK(r.status == BRISK_ERR_TRAP && r.trap_code == BRISK_TRAP_MEMORY_OUT_OF_BOUNDS);
  CHECK(call_i32(s, c, "grow", 1, 1, 0) == 1);
  CHECK(call_i32(s, c, "read", 1, 65536 + 4, 0) == 0);
  brisk_instance_delete(c);
  brisk_store_delete(s);
  brisk_engine_delete(e);
}

/* Store limits: a pooled memory is free memory for them. */
static void limits_still_apply(brisk_module_t* m, int explicit_bounds) {
  brisk_engine_t* e = brisk_engine_new();
  brisk_store_t* s = store_in(e, explicit_bounds);
  brisk_store_limits_t lim;
  memset(&lim, 0, sizeof lim);
  lim.memories = 1;
  lim.total_memory_bytes = 3 * 65536;
  CHECK_OK(brisk_store_set_limits(s, &lim));
  brisk_linker_t* l = brisk_linker_new(s);
  for (int round = 0; round < 3; ++round) {
    brisk_instance_t* a = NULL;
    CHECK_OK(brisk_instantiate(l, m, &a));
    brisk_instance_t* b = NULL;
    CHECK_STATUS(brisk_instantiate(l, m, &b), BRISK_ERR_RESOURCE); /* one memory at a time */
    CHECK(call_i32(s, a, "grow", 1, 2, 0) == 1);
    CHECK(call_i32(s, a, "grow", 1, 1, 0) == -1); /* 4 pages > total_memory_bytes */
    brisk_instance_delete(a);
  }
  CHECK(stats(s).reused >= 2);
  brisk_store_delete(s);
  brisk_engine_delete(e);
}

/* Bounds: with max_memories 2 at most two memories are pooled; reconfiguring
 * to 0 empties the pool and turns it off. */
static void pool_is_bounded(brisk_module_t* m, int explicit_bounds) {
  brisk_engine_t* e = brisk_engine_new();
  brisk_memory_pool_config_t pc;
  brisk_memory_pool_config_default(&pc);
  CHECK(pc.max_memories > 0 && pc.max_committed_bytes > 0);
  pc.max_memories = 2;
  CHECK_OK(brisk_engine_set_memory_pool(e, &pc));
  brisk_store_t* s = store_in(e, explicit_bounds);
  brisk_instance_t* insts[4];
  for (int i = 0; i < 4; ++i) insts[i] = instantiate(s, m);
  for (int i = 0; i < 4; ++i) brisk_instance_delete(insts[i]);
  CHECK(stats(s).memories == 2);
  CHECK(stats(s).committed_bytes == 2 * 65536);
  pc.max_memories = 0;
  CHECK_OK(brisk_engine_set_memory_pool(e, &pc));
  CHECK(stats(s).memories == 0);
  brisk_instance_delete(instantiate(s, m));
  CHECK(stats(s).memories == 0);
  CHECK_STATUS(brisk_engine_set_memory_pool(NULL, &pc), BRISK_ERR_ARGUMENT);
  brisk_store_delete(s);
  brisk_engine_delete(e);
}

int main(int argc, char** argv) {
  test_init(argc, argv);
  brisk_store_t* owner = new_store();
  brisk_module_t* small = load_module(owner, "pool");
  brisk_module_t* big = load_module(owner, "pool_big");
  brisk_module_t* two = load_module(owner, "pool_two");
  brisk_memory_pool_config_t dflt, no_resident, bare, off;
  brisk_memory_pool_config_default(&dflt);
  no_resident = dflt;
  no_resident.keep_resident_bytes = 0; /* every page goes back with madvise */
  bare = dflt;
  bare.max_committed_bytes = 0; /* kept as bare reservations */
  off = dflt;
  off.max_memories = 0;
  for (int explicit_bounds = 0; explicit_bounds <= 1; ++explicit_bounds) {
    g_bounds = explicit_bounds ? "explicit" : "guard";
    reuse_is_zeroed(small, 1, explicit_bounds, &dflt);
    reuse_is_zeroed(big, 8, explicit_bounds, &dflt);
    reuse_is_zeroed(small, 1, explicit_bounds, &no_resident);
    reuse_is_zeroed(big, 8, explicit_bounds, &no_resident);
    reuse_is_zeroed(big, 8, explicit_bounds, &bare);
    reuse_is_zeroed(small, 1, explicit_bounds, &off);
    slot_sizes_differ(small, two, explicit_bounds);
    limits_still_apply(small, explicit_bounds);
    pool_is_bounded(small, explicit_bounds);
  }
  /* A store of its own (private engine) pools too. */
  brisk_instance_delete(instantiate(owner, small));
  brisk_instance_delete(instantiate(owner, small));
  CHECK(stats(owner).reused >= 1);
  brisk_store_delete(owner);
  return TEST_DONE();
}

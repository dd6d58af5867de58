/* The engine's memory pool shared by stores on several threads: each
 * thread instantiates, checks that its memory is zero (apart from the data
 * segment), dirties it with a thread-specific pattern and deletes the
 * instance, so slots pass between threads through a small pool. Labelled
 * `threads` so the TSan stage runs it; every mode and both bounds modes. */
#include <pthread.h>

#include "api_test.h"

enum { kThreads = 4, kRounds = 150 };

static brisk_module_t* g_module;
static brisk_engine_t* g_engine;

static void* worker(void* arg) {
  const long id = (long)arg;
  brisk_config_t cfg = g_config;
  cfg.explicit_bounds_checks = (int)(id & 1); /* both bounds modes share the engine */
  brisk_store_t* s = brisk_store_new_in(g_engine, &cfg);
  CHECK(s != NULL);
  brisk_linker_t* l = brisk_linker_new(s);
  brisk_instance_pre_t* pre = NULL;
  CHECK_OK(brisk_instance_pre_new(l, g_module, &pre));
  for (int round = 0; round < kRounds; ++round) {
    brisk_instance_t* inst = NULL;
    CHECK_OK(brisk_instance_pre_instantiate(pre, &inst));
    size_t size = 0;
    uint8_t* mem = brisk_instance_memory(inst, &size);
    CHECK(mem != NULL && size == 65536);
    CHECK(memcmp(mem + 16, "seed", 4) == 0);
    for (size_t i = 0; i < size; ++i)
      if (!(i >= 16 && i < 20)) CHECK(mem[i] == 0);
    memset(mem + 64, (int)(0x10 + id), 8192);
    brisk_val_t args[2] = {val_i32(60000), val_i32((int32_t)(id * 1000 + round))};
    CHECK_OK(brisk_func_call(s, brisk_instance_func(inst, "write"), args, 2, NULL, 0));
    if (round % 3 == 0) CHECK(call_i32(s, inst, "grow", 1, 1, 0) == 1);
    brisk_instance_delete(inst);
  }
  brisk_store_delete(s);
  return NULL;
}

int main(int argc, char** argv) {
  test_init(argc, argv);
  g_engine = brisk_engine_new();
  brisk_memory_pool_config_t pc;
  brisk_memory_pool_config_default(&pc);
  pc.max_memories = 3; /* fewer than the threads: slots are contended */
  CHECK_OK(brisk_engine_set_memory_pool(g_engine, &pc));
  brisk_store_t* owner = new_store();
  g_module = load_module(owner, "pool");
  pthread_t t[kThreads];
  for (long i = 0; i < kThreads; ++i) CHECK(pthread_create(&t[i], NULL, worker, (void*)i) == 0);
  for (int i = 0; i < kThreads; ++i) pthread_join(t[i], NULL);
  brisk_store_t* probe = brisk_store_new_in(g_engine, &g_config);
  brisk_memory_pool_stats_t st;
  brisk_store_memory_pool_stats(probe, &st);
  CHECK(st.memories <= 3);
  CHECK(st.reused > 0 && st.released > 0);
  brisk_store_delete(probe);
  brisk_store_delete(owner);
  brisk_engine_delete(g_engine);
  return TEST_DONE();
}

/* Points 4 and 10: one module shared by stores on several threads (the
 * module is immutable after brisk_module_new), and brisk_store_interrupt
 * from another thread. Labelled `threads` so the TSan stage runs it. */
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "api_test.h"

enum { kThreads = 4, kRounds = 20 };

static brisk_module_t* g_module;

static int host_inc(void* env, const uint64_t* args, uint64_t* results, const char** trap) {
  results[0] = (uint32_t)args[0] + (uint32_t)args[1];
  return 0;
}

static void* worker(void* arg) {
  long id = (long)arg;
  brisk_store_t* s = new_store();
  brisk_linker_t* l = brisk_linker_new(s);
  const brisk_valtype_t t[2] = {BRISK_I32, BRISK_I32};
  CHECK_OK(brisk_linker_define_func(l, "host", "inc", t, 2, t, 1, host_inc, NULL));
  brisk_instance_pre_t* pre = NULL;
  CHECK_OK(brisk_instance_pre_new(l, g_module, &pre));
  for (int round = 0; round < kRounds; ++round) {
    brisk_instance_t* inst = NULL;
    if (round % 2)
      CHECK_OK(brisk_instantiate(l, g_module, &inst));
    else
      CHECK_OK(brisk_instance_pre_instantiate(pre, &inst));
    CHECK(call_i32(s, inst, "fib", 1, 15, 0) == 610);
    CHECK(call_i32(s, inst, "call_host", 2, (int32_t)id, round) == (int32_t)id + round);
    brisk_val_t args[2] = {val_i32(64), val_i32((int32_t)(id * 1000 + round))};
    CHECK_OK(brisk_func_call(s, brisk_instance_func(inst, "store"), args, 2, NULL, 0));
    CHECK(call_i32(s, inst, "load", 1, 64, 0) == (int32_t)(id * 1000 + round));
    CHECK(call_i32(s, inst, "load", 1, 0, 0) == 0x73697262); /* data segment, per instance */
    /* Introspection of the shared module from several threads at once. */
    brisk_import_t imp;
    CHECK(brisk_module_import(g_module, 0, &imp) && strcmp(imp.name, "inc") == 0);
    brisk_instance_delete(inst);
  }
  brisk_instance_pre_delete(pre);
  brisk_store_delete(s);
  return NULL;
}

static brisk_store_t* g_spin_store;
static brisk_instance_t* g_spin_inst;
static brisk_result_t g_spin_result;

static void* spinner(void* arg) {
  g_spin_result = brisk_func_call(g_spin_store, brisk_instance_func(g_spin_inst, "spin"), NULL, 0, NULL, 0);
  return NULL;
}

static void interrupt_from_another_thread(void) {
  g_spin_store = new_store();
  brisk_linker_t* l = brisk_linker_new(g_spin_store);
  const brisk_valtype_t t[2] = {BRISK_I32, BRISK_I32};
  CHECK_OK(brisk_linker_define_func(l, "host", "inc", t, 2, t, 1, host_inc, NULL));
  CHECK_OK(brisk_instantiate(l, g_module, &g_spin_inst));
  pthread_t th;
  CHECK(pthread_create(&th, NULL, spinner, NULL) == 0);
  /* Interrupts are sticky, so one request stops the call whether it lands
   * before the call starts or while it spins. */
  brisk_store_interrupt(g_spin_store);
  pthread_join(th, NULL);
  CHECK(g_spin_result.status == BRISK_ERR_TRAP && g_spin_result.trap_code == BRISK_TRAP_INTERRUPTED);
  /* A request no call observed is withdrawn by clear_interrupt. */
  brisk_store_interrupt(g_spin_store);
  brisk_store_clear_interrupt(g_spin_store);
  /* The store is usable afterwards, from this thread. */
  CHECK(call_i32(g_spin_store, g_spin_inst, "add", 2, 2, 3) == 5);
  brisk_store_delete(g_spin_store);
}

/* brisk_config_t.compile_threads: tiered stores compiling on the calling
 * thread and on background threads agree; deleting an instance or the
 * store while compiles are queued or running is safe. */
static void compile_threads_setting(void) {
  const int32_t settings[] = {BRISK_COMPILE_ON_CALLING_THREAD, 0, 1, 3};
  for (size_t i = 0; i < sizeof settings / sizeof *settings; ++i) {
    brisk_config_t c = g_config;
    c.mode = BRISK_MODE_TIERED;
    c.tier_up_threshold = 1;
    c.compile_threads = settings[i];
    brisk_store_t* s = brisk_store_new(&c);
    CHECK(s != NULL);
    brisk_linker_t* l = brisk_linker_new(s);
    const brisk_valtype_t t[2] = {BRISK_I32, BRISK_I32};
    CHECK_OK(brisk_linker_define_func(l, "host", "inc", t, 2, t, 1, host_inc, NULL));
    for (int round = 0; round < 10; ++round) {
      brisk_instance_t* inst = NULL;
      CHECK_OK(brisk_instantiate(l, g_module, &inst));
      for (int n = 0; n < 3; ++n) CHECK(call_i32(s, inst, "fib", 1, 20, 0) == 6765);
      brisk_instance_delete(inst); /* compiles of its functions may be under way */
    }
    brisk_instance_t* last = NULL;
    CHECK_OK(brisk_instantiate(l, g_module, &last));
    CHECK(call_i32(s, last, "fib", 1, 18, 0) == 2584);
    brisk_store_delete(s); /* with the instance and maybe its compiles */
  }
}

int main(int argc, char** argv) {
  test_init(argc, argv);
  brisk_store_t* owner = new_store();
  g_module = load_module(owner, "small");
  pthread_t th[kThreads];
  for (long i = 0; i < kThreads; ++i) CHECK(pthread_create(&th[i], NULL, worker, (void*)i) == 0);
  for (int i = 0; i < kThreads; ++i) pthread_join(th[i], NULL);
  interrupt_from_another_thread();
  compile_threads_setting();
  brisk_store_delete(owner);
  return TEST_DONE();
}

/* Epoch deadlines, interrupts and call timeouts through the C API, in every
 * mode: a host thread stops a runaway loop (and a loop-free recursion) by
 * incrementing the engine's epoch or by interrupting; the deadline callback
 * extends the deadline N times and then traps; a timeout stops a call; an
 * interrupt issued before a call is not lost. */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "cpu_test_util.h"

static void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}
static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A thread that ticks the engine (or interrupts the store) every ms until stopped. */
typedef struct {
  brisk_engine_t* engine;
  brisk_store_t* store; /* interrupt instead of ticking when set */
  atomic_int stop;
  pthread_t thread;
} ticker;

static void* tick(void* p) {
  ticker* t = (ticker*)p;
  while (!atomic_load(&t->stop)) {
    sleep_ms(1);
    if (t->store)
      brisk_store_interrupt(t->store);
    else
      brisk_engine_increment_epoch(t->engine);
  }
  return NULL;
}
static void start_ticker(ticker* t) {
  atomic_store(&t->stop, 0);
  pthread_create(&t->thread, NULL, tick, t);
}
static void stop_ticker(ticker* t) {
  atomic_store(&t->stop, 1);
  pthread_join(t->thread, NULL);
}

static void test_epoch_stops_runaway(int m, const char* func, int arg) {
  brisk_engine_t* e = brisk_engine_new();
  brisk_config_t c = mode_config(m);
  brisk_store_t* s = brisk_store_new_in(e, &c);
  brisk_instance_t* inst = must_instantiate(s, "cpu.wasm");
  brisk_store_set_epoch_deadline(s, 5);
  ticker t = {e, NULL, 0, 0};
  start_ticker(&t);
  double t0 = now_s();
  brisk_result_t r = call_i32(s, inst, func, arg >= 0, arg, arg >= 0, NULL);
  double dt = now_s() - t0;
  stop_ticker(&t);
  CHECK(r.status == BRISK_ERR_TRAP && strcmp(r.message, "epoch deadline reached") == 0,
        "[%s] %s stopped by the epoch: %d %s", kModeNames[m], func, r.status, r.message);
  CHECK(dt < 5.0, "[%s] %s stopped promptly: %.3f s", kModeNames[m], func, dt);
  /* The deadline is still passed: the next call traps before running... */
  r = call_i32(s, inst, "counter", 0, 0, 1, NULL);
  CHECK(r.status == BRISK_ERR_TRAP && strcmp(r.message, "epoch deadline reached") == 0,
        "[%s] passed deadline stops the next call: %s", kModeNames[m], r.message);
  /* ...until it is moved. */
  brisk_store_set_epoch_deadline(s, 1000000);
  CHECK(call_i32(s, inst, "counter", 0, 0, 1, NULL).status == BRISK_OK, "[%s] new deadline", kModeNames[m]);
  brisk_engine_delete(e); /* the store keeps the engine alive */
  brisk_engine_increment_epoch(NULL);
  CHECK(call_i32(s, inst, "counter", 0, 0, 1, NULL).status == BRISK_OK, "[%s] engine handle deleted",
        kModeNames[m]);
  brisk_store_delete(s);
}

typedef struct {
  int calls;
  int extensions;
  brisk_store_t* store;
} epoch_log;

static int on_deadline(void* user, brisk_store_t* store, uint64_t* delta) {
  epoch_log* log = (epoch_log*)user;
  log->calls++;
  CHECK(store == log->store, "callback gets its store");
  if (log->calls > log->extensions) return 0;
  *delta = 2;
  return 1;
}

static void test_epoch_callback(int m) {
  brisk_engine_t* e = brisk_engine_new();
  brisk_config_t c = mode_config(m);
  brisk_store_t* s = brisk_store_new_in(e, &c);
  brisk_instance_t* inst = must_instantiate(s, "cpu.wasm");
  epoch_log log = {0, 3, s};
  brisk_store_set_epoch_callback(s, on_deadline, &log);
  brisk_store_set_epoch_deadline(s, 1);
  ticker t = {e, NULL, 0, 0};
  start_ticker(&t);
  brisk_result_t r = call_i32(s, inst, "spin", 0, 0, 0, NULL);
  stop_ticker(&t);
  CHECK(r.status == BRISK_ERR_TRAP && strcmp(r.message, "epoch deadline reached") == 0, "[%s] traps: %s",
        kModeNames[m], r.message);
  CHECK(log.calls == 4, "[%s] extended 3 times, trapped on the 4th: %d calls", kModeNames[m], log.calls);
  int32_t iterations = 0;
  brisk_store_set_epoch_deadline(s, 1000000);
  call_i32(s, inst, "counter", 0, 0, 1, &iterations);
  CHECK(iterations > 0, "[%s] the loop ran between extensions", kModeNames[m]);
  brisk_store_delete(s);
  brisk_engine_delete(e);
}

/* Ticks before the deadline do not disturb a call. */
static void test_epoch_before_deadline(int m) {
  brisk_engine_t* e = brisk_engine_new();
  brisk_config_t c = mode_config(m);
  brisk_store_t* s = brisk_store_new_in(e, &c);
  brisk_instance_t* inst = must_instantiate(s, "cpu.wasm");
  brisk_store_set_epoch_deadline(s, 1000000);
  ticker t = {e, NULL, 0, 0};
  start_ticker(&t);
  int32_t r = 0;
  CHECK(call_i32(s, inst, "fib", 1, 25, 1, &r).status == BRISK_OK && r == 75025, "[%s] fib(25) = %d",
        kModeNames[m], r);
  stop_ticker(&t);
  CHECK(brisk_engine_epoch(e) > 0 || 1, "epoch read");
  brisk_store_delete(s);
  brisk_engine_delete(e);
}

static void test_interrupt_from_thread(int m, const char* func, int arg) {
  brisk_config_t c = mode_config(m);
  brisk_store_t* s = brisk_store_new(&c);
  brisk_instance_t* inst = must_instantiate(s, "cpu.wasm");
  ticker t = {NULL, s, 0, 0};
  start_ticker(&t);
  brisk_result_t r = call_i32(s, inst, func, arg >= 0, arg, arg >= 0, NULL);
  stop_ticker(&t);
  CHECK(r.status == BRISK_ERR_TRAP && strcmp(r.message, "interrupted") == 0, "[%s] %s interrupted: %s",
        kModeNames[m], func, r.message);
  brisk_store_delete(s);
}

static void test_sticky_interrupt(int m) {
  brisk_config_t c = mode_config(m);
  brisk_store_t* s = brisk_store_new(&c);
  brisk_instance_t* inst = must_instantiate(s, "cpu.wasm");
  int32_t v = 0;
  brisk_store_interrupt(s);
  brisk_result_t r = call_i32(s, inst, "counter", 0, 0, 1, &v);
  CHECK(r.status == BRISK_ERR_TRAP && strcmp(r.message, "interrupted") == 0,
        "[%s] interrupt before the call stops that call: %d %s", kModeNames[m], r.status, r.message);
  CHECK(call_i32(s, inst, "counter", 0, 0, 1, &v).status == BRISK_OK, "[%s] the following call runs",
        kModeNames[m]);
  /* Twice before a call is still one interrupt. */
  brisk_store_interrupt(s);
  brisk_store_interrupt(s);
  CHECK(call_i32(s, inst, "fib", 1, 10, 1, &v).status == BRISK_ERR_TRAP, "[%s] fib interrupted", kModeNames[m]);
  CHECK(call_i32(s, inst, "fib", 1, 10, 1, &v).status == BRISK_OK && v == 55, "[%s] then fib runs: %d",
        kModeNames[m], v);
  brisk_store_delete(s);
}

static void test_timeout(int m) {
  brisk_config_t c = mode_config(m);
  brisk_store_t* s = brisk_store_new(&c);
  brisk_instance_t* inst = must_instantiate(s, "cpu.wasm");
  brisk_store_set_call_timeout(s, 50 * 1000000ull);
  double t0 = now_s();
  brisk_result_t r = call_i32(s, inst, "spin", 0, 0, 0, NULL);
  double dt = now_s() - t0;
  CHECK(r.status == BRISK_ERR_TRAP && strcmp(r.message, "call timed out") == 0, "[%s] spin times out: %s",
        kModeNames[m], r.message);
  CHECK(dt >= 0.045 && dt < 5.0, "[%s] after about 50 ms: %.3f s", kModeNames[m], dt);
  /* fib(30) takes about 50 ms interpreted: either outcome, but a correct one
   * (how fast it runs depends on the machine). */
  int32_t v = 0;
  r = call_i32(s, inst, "fib", 1, 30, 1, &v);
  CHECK((r.status == BRISK_ERR_TRAP && strcmp(r.message, "call timed out") == 0) ||
            (r.status == BRISK_OK && v == 832040),
        "[%s] fib(30) under 50 ms times out or finishes: %s %d", kModeNames[m], r.message, v);
  CHECK(call_i32(s, inst, "fib", 1, 15, 1, &v).status == BRISK_OK && v == 610, "[%s] short call within timeout",
        kModeNames[m]);
  /* Many short calls: no timeout fires late into a later call. */
  for (int i = 0; i < 200; ++i)
    if (call_i32(s, inst, "counter", 0, 0, 1, &v).status != BRISK_OK) {
      CHECK(0, "[%s] short call %d failed", kModeNames[m], i);
      break;
    }
  brisk_store_set_call_timeout(s, 0);
  sleep_ms(60);
  CHECK(call_i32(s, inst, "fib", 1, 20, 1, &v).status == BRISK_OK, "[%s] timeout off", kModeNames[m]);

  /* A start function is an outermost call too. */
  brisk_store_set_call_timeout(s, 20 * 1000000ull);
  brisk_result_t ir;
  CHECK(instantiate_file(s, "spin_start.wasm", &ir) == NULL && ir.status == BRISK_ERR_TRAP &&
            strcmp(ir.message, "call timed out") == 0,
        "[%s] start function times out: %s", kModeNames[m], ir.message);
  brisk_store_delete(s);
}

int main(int argc, char** argv) {
  if (argc > 1) g_fixtures = argv[1];
  for (int m = 0; m < NUM_MODES; ++m) {
    test_epoch_stops_runaway(m, "spin", -1);
    test_epoch_stops_runaway(m, "fib", 40);
    test_epoch_callback(m);
    test_epoch_before_deadline(m);
    test_interrupt_from_thread(m, "spin", -1);
    test_interrupt_from_thread(m, "fib", 40);
    test_sticky_interrupt(m);
    test_timeout(m);
  }
  return finish("cpu control");
}

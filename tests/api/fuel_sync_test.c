/* Fuel where JIT code hands control to someone else, in every mode and
 * both bounds modes (guard pages, explicit checks): a host function sees
 * exactly the fuel the interpreter would leave and may add fuel that the
 * caller then uses; a guard-page trap leaves exactly the fuel charged
 * before the faulting store. The JIT keeps fuel in a register where it can
 * (src/jit/masm.h, use_fuel_register): these are the points where that
 * register must agree with the store. Every budget from 0 to what the run
 * needs must stop at the same iteration with the same fuel left. */
#include "cpu_test_util.h"

#define NUM_CONFIGS (NUM_MODES * 2)

typedef struct {
  brisk_store_t* store;
  uint64_t seen_sum;  /* fuel the host saw, summed over its calls */
} host_env_t;

static int top_up(void* env, const uint64_t* args, uint64_t* results, const char** trap_message) {
  (void)trap_message;
  host_env_t* e = (host_env_t*)env;
  uint64_t fuel = 0;
  brisk_store_get_fuel(e->store, &fuel);
  e->seen_sum += fuel;
  results[0] = (uint32_t)fuel;
  brisk_store_add_fuel(e->store, (uint32_t)args[0]);
  return 0;
}

static const char* config_name(int c) {
  static char buf[64];
  snprintf(buf, sizeof buf, "%s/%s", kModeNames[c % NUM_MODES], c < NUM_MODES ? "guard" : "explicit");
  return buf;
}

typedef struct {
  int trapped;            /* 0 completed, 1 out of fuel, 2 another trap */
  uint64_t left;          /* fuel left after the call */
  int32_t result, iterations;
  uint64_t seen_sum;
} outcome_t;

/* Calls {func}({arg}) in configuration {c} with {fuel}. */
static outcome_t run(int c, const char* func, int32_t arg, uint64_t fuel) {
  brisk_config_t cfg = mode_config(c % NUM_MODES);
  cfg.explicit_bounds_checks = c >= NUM_MODES;
  cfg.consume_fuel = 1;
  brisk_store_t* s = brisk_store_new(&cfg);
  host_env_t env = {s, 0};
  size_t len = 0;
  uint8_t* bytes = read_file("fuel_sync.wasm", &len);
  brisk_module_t* m = NULL;
  brisk_result_t r = brisk_module_new(s, bytes, len, &m);
  free(bytes);
  CHECK(r.status == BRISK_OK, "fuel_sync.wasm: %s", r.message);
  brisk_linker_t* l = brisk_linker_new(s);
  const brisk_valtype_t i32 = BRISK_I32;
  r = brisk_linker_define_func(l, "host", "top_up", &i32, 1, &i32, 1, top_up, &env);
  CHECK(r.status == BRISK_OK, "define top_up: %s", r.message);
  brisk_instance_t* inst = NULL;
  r = brisk_instantiate(l, m, &inst);
  if (r.status != BRISK_OK) {
    fprintf(stderr, "instantiating fuel_sync.wasm failed: %s\n", r.message);
    exit(2);
  }
  outcome_t o = {0, 0, 0, 0, 0};
  brisk_store_set_fuel(s, fuel);
  r = call_i32(s, inst, func, 1, arg, 1, &o.result);
  if (r.status != BRISK_OK) {
    CHECK(r.status == BRISK_ERR_TRAP, "[%s] %s: %s", config_name(c), func, r.message);
    o.trapped = strcmp(r.message, "out of fuel") == 0 ? 1 : 2;
    o.result = 0;
  }
  brisk_store_get_fuel(s, &o.left);
  o.seen_sum = env.seen_sum;
  brisk_store_set_fuel(s, 1000);
  CHECK(call_i32(s, inst, "counter", 0, 0, 1, &o.iterations).status == BRISK_OK, "counter");
  brisk_store_delete(s);
  return o;
}

static int same(outcome_t a, outcome_t b) {
  return a.trapped == b.trapped && a.left == b.left && a.result == b.result && a.iterations == b.iterations &&
         a.seen_sum == b.seen_sum;
}

/* Every budget 0..needed+1 of func(arg): each configuration ends like the
 * interpreter with guard pages. Returns the fuel the run needs. */
static uint64_t every_budget(const char* func, int32_t arg, int expect_trap) {
  const outcome_t full = run(0, func, arg, 1000000);
  CHECK(full.trapped == expect_trap, "%s(%d) with plenty of fuel: trap %d, expected %d", func, arg, full.trapped,
        expect_trap);
  const uint64_t used = 1000000 - full.left;
  for (uint64_t b = 0; b <= used + 1; ++b) {
    const outcome_t want = run(0, func, arg, b);
    for (int c = 1; c < NUM_CONFIGS; ++c) {
      const outcome_t got = run(c, func, arg, b);
      CHECK(same(got, want),
            "[%s] %s(%d) with fuel %llu: trap %d, left %llu, result %d, %d iterations, host saw %llu "
            "(interp: trap %d, left %llu, result %d, %d iterations, host saw %llu)",
            config_name(c), func, arg, (unsigned long long)b, got.trapped, (unsigned long long)got.left, got.result,
            got.iterations, (unsigned long long)got.seen_sum, want.trapped, (unsigned long long)want.left,
            want.result, want.iterations, (unsigned long long)want.seen_sum);
    }
  }
  return used;
}

int main(int argc, char** argv) {
  if (argc > 1) g_fixtures = argv[1];
  (void)must_instantiate; /* of the shared helpers, this test links its own imports */
  /* Host calls that see and add fuel. The host adds 3 per call, less than
   * an iteration costs, so a budget still runs out part way. */
  uint64_t used = every_budget("host_loop", 6, 0);
  CHECK(used > 6 * 3, "host_loop costs more than the host adds: %llu", (unsigned long long)used);
  const outcome_t lots = run(1, "host_loop", 6, 1000000);
  CHECK(lots.seen_sum > 6 * 900000ull && lots.iterations == 6, "[jit] the host saw the fuel: %llu",
        (unsigned long long)lots.seen_sum);
  /* The host's fuel is used at once: with just enough fuel minus what the
   * host adds, the call still completes. */
  for (int c = 0; c < NUM_CONFIGS; ++c) {
    const outcome_t o = run(c, "host_loop", 6, used);
    CHECK(o.trapped == 0 && o.left == 0, "[%s] exactly enough fuel, counting the host's: trap %d, left %llu",
          config_name(c), o.trapped, (unsigned long long)o.left);
  }
  /* An out-of-bounds store after 16 iterations (64 KiB / 4 KiB): the trap
   * leaves the fuel charged up to the faulting store, no more, no less. */
  used = every_budget("walk_off", 4096, 2);
  for (int c = 0; c < NUM_CONFIGS; ++c) {
    const outcome_t o = run(c, "walk_off", 4096, used + 10);
    CHECK(o.trapped == 2 && o.left == 10 && o.iterations == 17, "[%s] walk_off: trap %d, left %llu, %d iterations",
          config_name(c), o.trapped, (unsigned long long)o.left, o.iterations);
  }
  return finish("fuel_sync");
}

/* Fuel through the C API: the cost model (one unit per wasm instruction,
 * charged per straight-line run), set/add/get, the "out of fuel" trap, and
 * identical accounting in interp, jit and tiered (tier-up and OSR on the
 * first call): the same program with the same fuel stops at the same point
 * or returns with the same fuel left. */
#include "cpu_test_util.h"

static brisk_store_t* fuel_store(int m) {
  brisk_config_t c = mode_config(m);
  c.consume_fuel = 1;
  return brisk_store_new(&c);
}

static uint64_t fuel_of(brisk_store_t* s) {
  uint64_t f = 0;
  CHECK(brisk_store_get_fuel(s, &f).status == BRISK_OK, "get_fuel");
  return f;
}

static void test_api(void) {
  brisk_store_t* off = brisk_store_new(NULL);
  uint64_t f = 0;
  brisk_result_t r = brisk_store_set_fuel(off, 10);
  CHECK(r.status == BRISK_ERR_ARGUMENT && strstr(r.message, "consume_fuel"), "fuel off: %s", r.message);
  CHECK(brisk_store_get_fuel(off, &f).status == BRISK_ERR_ARGUMENT, "get on a store without fuel");
  brisk_store_delete(off);

  brisk_store_t* s = fuel_store(0);
  CHECK(fuel_of(s) == 0, "starts empty");
  brisk_store_set_fuel(s, 100);
  brisk_store_add_fuel(s, 23);
  CHECK(fuel_of(s) == 123, "set + add: %llu", (unsigned long long)fuel_of(s));
  brisk_store_add_fuel(s, UINT64_MAX);
  CHECK(fuel_of(s) >= (UINT64_MAX >> 1), "add saturates");
  CHECK(brisk_store_get_fuel(s, NULL).status == BRISK_ERR_ARGUMENT, "null out");
  brisk_store_delete(s);
}

static void test_cost_model(int m) {
  brisk_store_t* s = fuel_store(m);
  brisk_store_set_fuel(s, 1000);
  brisk_instance_t* inst = must_instantiate(s, "cpu.wasm");
  CHECK(fuel_of(s) == 1000, "[%s] instantiation without a start function is free", kModeNames[m]);
  CHECK(call_i32(s, inst, "nops", 0, 0, 0, NULL).status == BRISK_OK, "[%s] nops", kModeNames[m]);
  CHECK(fuel_of(s) == 996, "[%s] three nops and end cost 4: %llu left", kModeNames[m],
        (unsigned long long)fuel_of(s));
  /* add(i32, i32): local.get, local.get, i32.add, end. */
  brisk_func_t* add = brisk_instance_func(inst, "add");
  brisk_val_t a[2], res;
  a[0].type = a[1].type = BRISK_I32;
  a[0].of.i32 = 2;
  a[1].of.i32 = 3;
  CHECK(brisk_func_call(s, add, a, 2, &res, 1).status == BRISK_OK && res.of.i32 == 5, "[%s] add", kModeNames[m]);
  CHECK(fuel_of(s) == 992, "[%s] add costs 4: %llu left", kModeNames[m], (unsigned long long)fuel_of(s));

  /* A run is charged whole at its end: with 3 left, nops (4) traps. */
  brisk_store_set_fuel(s, 3);
  brisk_result_t r = call_i32(s, inst, "nops", 0, 0, 0, NULL);
  CHECK(r.status == BRISK_ERR_TRAP && strcmp(r.message, "out of fuel") == 0, "[%s] out of fuel: %d %s",
        kModeNames[m], r.status, r.message);
  CHECK(fuel_of(s) == 0, "[%s] a call that ran out leaves 0", kModeNames[m]);
  CHECK(call_i32(s, inst, "nops", 0, 0, 0, NULL).status == BRISK_ERR_TRAP, "[%s] still empty", kModeNames[m]);
  brisk_store_add_fuel(s, 4);
  CHECK(call_i32(s, inst, "nops", 0, 0, 0, NULL).status == BRISK_OK && fuel_of(s) == 0,
        "[%s] exactly enough fuel runs", kModeNames[m]);
  brisk_store_delete(s);
}

/* Runs work(n) with {fuel}; reports the fuel left (or UINT64_MAX on a trap)
 * and the counter the loop bumps per iteration. */
static void run_work(int m, uint64_t fuel, int32_t n, uint64_t* left, int32_t* iterations, int32_t* result) {
  brisk_store_t* s = fuel_store(m);
  brisk_store_set_fuel(s, fuel);
  brisk_instance_t* inst = must_instantiate(s, "cpu.wasm");
  brisk_result_t r = call_i32(s, inst, "work", 1, n, 1, result);
  if (r.status == BRISK_OK) {
    *left = fuel_of(s);
  } else {
    CHECK(r.status == BRISK_ERR_TRAP && strcmp(r.message, "out of fuel") == 0, "[%s] work traps out of fuel: %s",
          kModeNames[m], r.message);
    *left = UINT64_MAX;
  }
  brisk_store_set_fuel(s, 1000);
  CHECK(call_i32(s, inst, "counter", 0, 0, 1, iterations).status == BRISK_OK, "counter");
  brisk_store_delete(s);
}

static void test_deterministic(void) {
  /* Enough fuel: the same amount is left in every mode. */
  uint64_t left[NUM_MODES];
  int32_t iters[NUM_MODES], result[NUM_MODES];
  for (int m = 0; m < NUM_MODES; ++m) run_work(m, 10000000, 5000, &left[m], &iters[m], &result[m]);
  for (int m = 0; m < NUM_MODES; ++m) {
    CHECK(left[m] != UINT64_MAX && left[m] == left[0] && iters[m] == 5000 && result[m] == result[0],
          "[%s] work(5000) left %llu fuel (interp %llu), result %d", kModeNames[m], (unsigned long long)left[m],
          (unsigned long long)left[0], result[m]);
  }
  /* ... and the same result as without fuel (the charges change no semantics). */
  for (int m = 0; m < NUM_MODES; ++m) {
    brisk_config_t c = mode_config(m);
    brisk_store_t* s = brisk_store_new(&c);
    brisk_instance_t* inst = must_instantiate(s, "cpu.wasm");
    int32_t plain = 0;
    CHECK(call_i32(s, inst, "work", 1, 5000, 1, &plain).status == BRISK_OK && plain == result[0],
          "[%s] work(5000) without fuel = %d, with fuel = %d", kModeNames[m], plain, result[0]);
    brisk_store_delete(s);
  }
  const uint64_t used = 10000000 - left[0];
  CHECK(used > 5000 * 10 && used < 5000 * 40, "plausible cost per iteration: %llu", (unsigned long long)used);

  /* Not enough: each mode stops at the same iteration, for several budgets. */
  const uint64_t budgets[] = {1, 17, 1001, used / 3, used - 1};
  for (size_t b = 0; b < sizeof budgets / sizeof budgets[0]; ++b) {
    for (int m = 0; m < NUM_MODES; ++m) run_work(m, budgets[b], 5000, &left[m], &iters[m], &result[m]);
    for (int m = 0; m < NUM_MODES; ++m)
      CHECK(left[m] == UINT64_MAX && iters[m] == iters[0], "[%s] fuel %llu: trapped after %d iterations (interp %d)",
            kModeNames[m], (unsigned long long)budgets[b], iters[m], iters[0]);
  }
  /* Exactly enough fuel completes with 0 left. */
  for (int m = 0; m < NUM_MODES; ++m) {
    run_work(m, used, 5000, &left[m], &iters[m], &result[m]);
    CHECK(left[m] == 0, "[%s] exactly the fuel used completes with 0 left", kModeNames[m]);
  }
}

/* Every budget from 0 to what work(n) needs: each mode stops at the same
 * iteration (the counter is a side effect a late or early charge would
 * move) or completes with the same fuel left. Catches a charge placed at a
 * different instruction by any tier, whichever boundary it is (a call, a
 * fused compare-and-branch, br_table, br, a loop or block label, return). */
static void test_every_budget(void) {
  const int32_t n = 12;
  uint64_t left[NUM_MODES];
  int32_t iters[NUM_MODES], result[NUM_MODES];
  run_work(0, 1000000, n, &left[0], &iters[0], &result[0]);
  CHECK(left[0] != UINT64_MAX, "work(%d) completes", n);
  const uint64_t used = 1000000 - left[0];
  for (uint64_t b = 0; b <= used + 1; ++b) {
    for (int m = 0; m < NUM_MODES; ++m) run_work(m, b, n, &left[m], &iters[m], &result[m]);
    for (int m = 1; m < NUM_MODES; ++m)
      CHECK(left[m] == left[0] && iters[m] == iters[0], "[%s] fuel %llu: left %lld after %d iterations (interp %lld after %d)",
            kModeNames[m], (unsigned long long)b, (long long)left[m], iters[m], (long long)left[0], iters[0]);
    CHECK((b < used) == (left[0] == UINT64_MAX), "fuel %llu of %llu: traps exactly when short", (unsigned long long)b,
          (unsigned long long)used);
  }
}

static void test_recursion(int m) {
  brisk_store_t* s = fuel_store(m);
  brisk_store_set_fuel(s, 50);
  brisk_instance_t* inst = must_instantiate(s, "cpu.wasm");
  brisk_result_t r = call_i32(s, inst, "fib", 1, 30, 1, NULL);
  CHECK(r.status == BRISK_ERR_TRAP && strcmp(r.message, "out of fuel") == 0, "[%s] fib runs out: %s",
        kModeNames[m], r.message);
  brisk_store_delete(s);
}

int main(int argc, char** argv) {
  if (argc > 1) g_fixtures = argv[1];
  test_api();
  for (int m = 0; m < NUM_MODES; ++m) {
    test_cost_model(m);
    test_recursion(m);
  }
  test_deterministic();
  test_every_budget();
  return finish("fuel");
}

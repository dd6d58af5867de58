/* Store resource limits through the C API: memory.grow and table.grow
 * return -1 past a limit in every mode (no trap), instantiation past a limit
 * fails with BRISK_ERR_RESOURCE naming the limit, and the grow limiter is
 * asked with current/desired sizes and obeyed. */
#include "cpu_test_util.h"

static const uint64_t kPage = 65536;

static void test_memory_limit(int m) {
  brisk_config_t c = mode_config(m);
  brisk_store_t* s = brisk_store_new(&c);
  brisk_store_limits_t lim;
  memset(&lim, 0, sizeof lim);
  lim.memory_bytes = 3 * kPage;
  CHECK(brisk_store_set_limits(s, &lim).status == BRISK_OK, "set_limits");
  brisk_instance_t* inst = must_instantiate(s, "limits.wasm");
  int32_t r = 0;
  CHECK(call_i32(s, inst, "grow", 1, 2, 1, &r).status == BRISK_OK && r == 1, "[%s] grow to 3 pages: %d",
        kModeNames[m], r);
  brisk_result_t res = call_i32(s, inst, "grow", 1, 1, 1, &r);
  CHECK(res.status == BRISK_OK && r == -1, "[%s] grow past memory_bytes returns -1 without trapping: %d (%s)",
        kModeNames[m], r, res.message);
  CHECK(call_i32(s, inst, "size", 0, 0, 1, &r).status == BRISK_OK && r == 3, "[%s] size stays 3: %d",
        kModeNames[m], r);
  CHECK(call_i32(s, inst, "touch_last", 0, 0, 1, &r).status == BRISK_OK && r == 7, "[%s] grown memory usable",
        kModeNames[m]);
  size_t size = 0;
  brisk_instance_memory(inst, &size);
  CHECK(size == 3 * kPage, "[%s] host sees 3 pages: %zu", kModeNames[m], size);
  brisk_store_delete(s);
}

static void test_total_memory_limit(int m) {
  brisk_config_t c = mode_config(m);
  brisk_store_t* s = brisk_store_new(&c);
  brisk_store_limits_t lim;
  memset(&lim, 0, sizeof lim);
  lim.total_memory_bytes = 3 * kPage;
  brisk_store_set_limits(s, &lim);
  brisk_instance_t* a = must_instantiate(s, "limits.wasm");
  brisk_instance_t* b = must_instantiate(s, "limits.wasm");  /* 2 pages in use */
  int32_t r = 0;
  CHECK(call_i32(s, a, "grow", 1, 1, 1, &r).status == BRISK_OK && r == 1, "[%s] a grows to 2 (3 total)",
        kModeNames[m]);
  CHECK(call_i32(s, b, "grow", 1, 1, 1, &r).status == BRISK_OK && r == -1, "[%s] b cannot grow past the total: %d",
        kModeNames[m], r);
  brisk_result_t res;
  CHECK(instantiate_file(s, "limits.wasm", &res) == NULL && res.status == BRISK_ERR_RESOURCE &&
            strstr(res.message, "total_memory_bytes"),
        "[%s] third instance exceeds the total: %d %s", kModeNames[m], res.status, res.message);
  brisk_store_delete(s);
}

static void test_table_limit(int m) {
  brisk_config_t c = mode_config(m);
  brisk_store_t* s = brisk_store_new(&c);
  brisk_store_limits_t lim;
  memset(&lim, 0, sizeof lim);
  lim.table_elements = 10;
  brisk_store_set_limits(s, &lim);
  brisk_instance_t* inst = must_instantiate(s, "limits.wasm");
  int32_t r = 0;
  CHECK(call_i32(s, inst, "tgrow", 1, 9, 1, &r).status == BRISK_OK && r == 1, "[%s] table grows to 10: %d",
        kModeNames[m], r);
  CHECK(call_i32(s, inst, "tgrow", 1, 1, 1, &r).status == BRISK_OK && r == -1, "[%s] table.grow past limit: %d",
        kModeNames[m], r);
  CHECK(call_i32(s, inst, "tsize", 0, 0, 1, &r).status == BRISK_OK && r == 10, "[%s] table size 10: %d",
        kModeNames[m], r);
  brisk_result_t res;
  CHECK(instantiate_file(s, "big_table.wasm", &res) == NULL && res.status == BRISK_ERR_RESOURCE &&
            strstr(res.message, "table_elements") && strstr(res.message, "100"),
        "[%s] a 100-element table is refused: %s", kModeNames[m], res.message);
  brisk_store_delete(s);
}

static void test_instantiation_limits(void) {
  brisk_store_t* s = brisk_store_new(NULL);
  brisk_store_limits_t lim;
  memset(&lim, 0, sizeof lim);
  lim.memory_bytes = 3 * kPage;
  brisk_store_set_limits(s, &lim);
  brisk_result_t res;
  CHECK(instantiate_file(s, "big_memory.wasm", &res) == NULL && res.status == BRISK_ERR_RESOURCE &&
            strstr(res.message, "memory_bytes") && strstr(res.message, "262144"),
        "per-memory limit at instantiation: %d %s", res.status, res.message);

  lim.memory_bytes = 0;
  lim.instances = 2;
  brisk_store_set_limits(s, &lim);
  /* The failed instantiation above created no instance. */
  CHECK(instantiate_file(s, "limits.wasm", &res) != NULL, "instance 1: %s", res.message);
  CHECK(instantiate_file(s, "limits.wasm", &res) != NULL, "instance 2: %s", res.message);
  CHECK(instantiate_file(s, "limits.wasm", &res) == NULL && res.status == BRISK_ERR_RESOURCE &&
            strstr(res.message, "(instances)"),
        "instance limit: %s", res.message);

  lim.instances = 0;
  lim.memories = 2;
  brisk_store_set_limits(s, &lim);
  CHECK(instantiate_file(s, "limits.wasm", &res) == NULL && res.status == BRISK_ERR_RESOURCE &&
            strstr(res.message, "(memories)"),
        "memory count limit: %s", res.message);
  lim.memories = 0;
  lim.tables = 2;
  brisk_store_set_limits(s, &lim);
  CHECK(instantiate_file(s, "limits.wasm", &res) == NULL && res.status == BRISK_ERR_RESOURCE &&
            strstr(res.message, "(tables)"),
        "table count limit: %s", res.message);
  lim.tables = 0;
  brisk_store_set_limits(s, &lim);
  CHECK(instantiate_file(s, "limits.wasm", &res) != NULL, "no limits again: %s", res.message);
  CHECK(brisk_store_set_limits(s, NULL).status == BRISK_ERR_ARGUMENT, "null limits");
  brisk_store_delete(s);
}

/* The limiter: records calls; allows memories up to {max_memory} bytes. */
typedef struct {
  int calls;
  brisk_grow_kind_t last_kind;
  uint64_t last_current, last_desired, last_maximum;
  uint64_t max_memory;
} limiter_log;

static int limiter(void* user, brisk_grow_kind_t kind, uint64_t current, uint64_t desired, uint64_t maximum) {
  limiter_log* log = (limiter_log*)user;
  log->calls++;
  log->last_kind = kind;
  log->last_current = current;
  log->last_desired = desired;
  log->last_maximum = maximum;
  if (kind == BRISK_GROW_TABLE) return desired <= 5;
  return desired <= log->max_memory;
}

static void test_limiter(int m) {
  brisk_config_t c = mode_config(m);
  brisk_store_t* s = brisk_store_new(&c);
  limiter_log log;
  memset(&log, 0, sizeof log);
  log.max_memory = 2 * kPage;
  brisk_store_set_limiter(s, limiter, &log);
  brisk_instance_t* inst = must_instantiate(s, "limits.wasm");
  CHECK(log.calls == 2, "[%s] asked for the memory and the table at instantiation: %d", kModeNames[m], log.calls);
  int32_t r = 0;
  log.calls = 0;
  CHECK(call_i32(s, inst, "grow", 1, 1, 1, &r).status == BRISK_OK && r == 1, "[%s] limiter allows 2 pages",
        kModeNames[m]);
  CHECK(log.calls == 1 && log.last_kind == BRISK_GROW_MEMORY && log.last_current == kPage &&
            log.last_desired == 2 * kPage && log.last_maximum == UINT64_MAX,
        "[%s] limiter saw memory %llu -> %llu (max %llu), %d calls", kModeNames[m],
        (unsigned long long)log.last_current, (unsigned long long)log.last_desired,
        (unsigned long long)log.last_maximum, log.calls);
  CHECK(call_i32(s, inst, "grow", 1, 1, 1, &r).status == BRISK_OK && r == -1, "[%s] limiter denies 3 pages: %d",
        kModeNames[m], r);
  CHECK(log.calls == 2 && log.last_desired == 3 * kPage, "[%s] asked again", kModeNames[m]);
  CHECK(call_i32(s, inst, "size", 0, 0, 1, &r).status == BRISK_OK && r == 2, "[%s] still 2 pages", kModeNames[m]);
  CHECK(call_i32(s, inst, "tgrow", 1, 4, 1, &r).status == BRISK_OK && r == 1, "[%s] table to 5 allowed: %d",
        kModeNames[m], r);
  CHECK(log.last_kind == BRISK_GROW_TABLE && log.last_current == 1 && log.last_desired == 5, "[%s] table sizes",
        kModeNames[m]);
  CHECK(call_i32(s, inst, "tgrow", 1, 1, 1, &r).status == BRISK_OK && r == -1, "[%s] table to 6 denied: %d",
        kModeNames[m], r);

  /* Denied at instantiation: the memory's initial size. */
  log.max_memory = 0;
  brisk_result_t res;
  CHECK(instantiate_file(s, "limits.wasm", &res) == NULL && res.status == BRISK_ERR_RESOURCE &&
            strstr(res.message, "denied by the store's limiter"),
        "[%s] limiter denies instantiation: %s", kModeNames[m], res.message);
  brisk_store_set_limiter(s, NULL, NULL);
  CHECK(instantiate_file(s, "limits.wasm", &res) != NULL, "[%s] limiter removed", kModeNames[m]);
  brisk_store_delete(s);
}

int main(int argc, char** argv) {
  if (argc > 1) g_fixtures = argv[1];
  for (int m = 0; m < NUM_MODES; ++m) {
    test_memory_limit(m);
    test_total_memory_limit(m);
    test_table_limit(m);
    test_limiter(m);
  }
  test_instantiation_limits();
  return finish("limits");
}

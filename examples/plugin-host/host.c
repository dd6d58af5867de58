/* An editor-style plugin host on brisk's C API (only <brisk/brisk.h>).
 *
 * It loads five plugins into one process and one engine, each in its own
 * store with the same limits, and reports what became of each:
 *   counter    well behaved: counts words; called again after every other
 *              plugin, to show that the host keeps serving
 *   runaway    spins forever: stopped by an epoch deadline (a ticker thread
 *              advances the engine's epoch)
 *   crasher    divides by zero: the trap code and the backtrace are reported
 *   hog        asks for 4 GiB of memory: the store limit makes memory.grow
 *              return -1, which the plugin reports; nothing traps
 *   formatter  a WASI command (Rust std): the document goes in as stdin,
 *              stdout and stderr are captured through callbacks
 *
 *   plugin-host [interp|jit|tiered] PLUGIN_DIR
 *
 * Each outcome is a line "[name] ..." on stdout and the host ends with a
 * "summary:" line; the exit status is 0 when every plugin did what was
 * expected of it (the ctest checks the report as well). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <brisk/brisk.h>

#define MEMORY_LIMIT (64u << 20)          /* bytes per linear memory, every store */
#define EPOCH_TICK_NS 5000000L            /* the ticker advances the epoch every 5 ms */
#define RUNAWAY_DEADLINE_TICKS 20         /* about 100 ms */
#define SAFETY_TIMEOUT_NS 10000000000ull  /* no plugin call may take more than 10 s */

static const char* g_dir;
static brisk_config_t g_config;
static brisk_engine_t* g_engine;
static int g_failures;

/* ---- the epoch ticker ---- */

static volatile int g_ticker_stop;

static void* ticker(void* arg) {
  (void)arg;
  struct timespec tick = {0, EPOCH_TICK_NS};
  while (!__atomic_load_n(&g_ticker_stop, __ATOMIC_ACQUIRE)) {
    nanosleep(&tick, NULL);
    brisk_engine_increment_epoch(g_engine);
  }
  return NULL;
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- loading ---- */

typedef struct {
  const char* name;
  brisk_store_t* store;
  brisk_module_t* module;
  brisk_linker_t* linker;
  brisk_instance_t* instance;
} plugin_t;

static void expect(int ok, const char* name, const char* what) {
  if (ok) return;
  printf("[%s] UNEXPECTED: %s\n", name, what);
  g_failures++;
}

static unsigned char* read_file(const char* path, size_t* len) {
  FILE* f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  unsigned char* buf = malloc(cap);
  size_t k;
  while (buf && (k = fread(buf + n, 1, cap - n, f)) > 0) {
    n += k;
    if (n == cap) {
      unsigned char* bigger = realloc(buf, cap *= 2);
      if (!bigger) free(buf);
      buf = bigger;
    }
  }
  fclose(f);
  *len = n;
  return buf;
}

/* A fresh store in the shared engine with the host's limits, and the
 * plugin's module; instantiated unless {wasi} is given (then WASI is
 * defined first). Returns 0 (reported) on failure. */
static int load(plugin_t* p, const char* name, const brisk_wasi_config_t* wasi) {
  memset(p, 0, sizeof *p);
  p->name = name;
  p->store = brisk_store_new_in(g_engine, &g_config);
  if (!p->store) {
    printf("[%s] cannot create a store\n", name);
    return 0;
  }
  brisk_store_limits_t limits = {0};
  limits.memory_bytes = MEMORY_LIMIT;
  brisk_store_set_limits(p->store, &limits);
  brisk_store_set_call_timeout(p->store, SAFETY_TIMEOUT_NS);

  char path[1024];
  snprintf(path, sizeof path, "%s/%s.wasm", g_dir, name);
  size_t len = 0;
  unsigned char* bytes = read_file(path, &len);
  if (!bytes) {
    printf("[%s] cannot read %s\n", name, path);
    return 0;
  }
  brisk_result_t r = brisk_module_new(p->store, bytes, len, &p->module);
  free(bytes);
  if (r.status != BRISK_OK) {
    printf("[%s] invalid module: %s\n", name, r.message);
    return 0;
  }
  p->linker = brisk_linker_new(p->store);
  if (wasi) {
    r = brisk_linker_define_wasi(p->linker, wasi);
    if (r.status != BRISK_OK) {
      printf("[%s] WASI: %s\n", name, r.message);
      return 0;
    }
  }
  r = brisk_instantiate(p->linker, p->module, &p->instance);
  if (r.status != BRISK_OK) {
    printf("[%s] cannot instantiate: %s\n", name, r.message);
    return 0;
  }
  return 1;
}

static void unload(plugin_t* p) {
  if (p->store) brisk_store_delete(p->store); /* frees the module, linker and instance with it */
  p->store = NULL;
}

/* Calls export {fn} with i32 arguments and one i32 result. */
static brisk_result_t call(plugin_t* p, const char* fn, int32_t* result, int nargs, int32_t a, int32_t b) {
  brisk_val_t args[2], res;
  args[0].type = args[1].type = BRISK_I32;
  args[0].of.i32 = a;
  args[1].of.i32 = b;
  brisk_func_t* f = brisk_instance_func(p->instance, fn);
  if (!f) {
    brisk_result_t r = {BRISK_ERR_ARGUMENT, "no such export", UINT64_MAX, 0, 0};
    return r;
  }
  brisk_result_t r = brisk_func_call(p->store, f, args, (size_t)nargs, &res, 1);
  if (r.status == BRISK_OK) *result = res.of.i32;
  return r;
}

/* ---- the plugins ---- */

static int g_counter_calls;

/* The well-behaved plugin: the host copies text into its buffer. */
static void serve_counter(plugin_t* counter, const char* when) {
  static const char* text = "the host keeps serving its plugins";
  int32_t buf = 0, words = -1;
  brisk_result_t r = call(counter, "buffer", &buf, 0, 0, 0);
  size_t size = 0;
  uint8_t* mem = brisk_instance_memory(counter->instance, &size);
  if (r.status != BRISK_OK || !mem || (size_t)buf + strlen(text) > size) {
    expect(0, "counter", "no buffer to write into");
    return;
  }
  memcpy(mem + buf, text, strlen(text));
  r = call(counter, "count_words", &words, 1, (int32_t)strlen(text), 0);
  expect(r.status == BRISK_OK && words == 6, "counter", "count_words failed");
  if (r.status == BRISK_OK) {
    g_counter_calls++;
    printf("[counter] %s: count_words = %d\n", when, words);
  }
}

static const char* g_runaway = "not run";

static void run_runaway(void) {
  plugin_t p;
  if (!load(&p, "runaway", NULL)) {
    g_failures++;
    unload(&p);
    return;
  }
  brisk_store_set_epoch_deadline(p.store, RUNAWAY_DEADLINE_TICKS);
  const double t0 = now_s();
  int32_t out = 0;
  brisk_result_t r = call(&p, "format", &out, 1, 0, 0);
  const double took = now_s() - t0;
  if (r.status == BRISK_ERR_TRAP && r.trap_code == BRISK_TRAP_EPOCH_DEADLINE) {
    printf("[runaway] format() stopped after %.2f s: %s (trap code %d)\n", took, r.message, r.trap_code);
    g_runaway = "stopped";
  } else {
    printf("[runaway] format() status %d: %s\n", (int)r.status, r.message ? r.message : "");
    expect(0, "runaway", "was not stopped by the epoch deadline");
  }
  unload(&p);
}

static const char* g_crasher = "not run";

static void run_crasher(void) {
  plugin_t p;
  if (!load(&p, "crasher", NULL)) {
    g_failures++;
    unload(&p);
    return;
  }
  int32_t out = 0;
  brisk_result_t r = call(&p, "lint", &out, 2, 80, 0); /* tab width 0: the plugin's bug */
  if (r.status == BRISK_ERR_TRAP) {
    printf("[crasher] lint() trapped: %s (trap code %d)\n", r.message, r.trap_code);
    const size_t n = brisk_trap_frame_count(p.store);
    for (size_t i = 0; i < n; ++i) {
      brisk_frame_t f;
      if (!brisk_trap_frame(p.store, i, &f)) continue;
      printf("[crasher]   #%zu %s (func %u, offset 0x%llx)\n", i, f.name, f.func_index,
             (unsigned long long)f.code_offset);
    }
    expect(r.trap_code == BRISK_TRAP_INT_DIV_BY_ZERO, "crasher", "trap code is not integer divide by zero");
    expect(n >= 3, "crasher", "backtrace lacks frames");
    g_crasher = "trapped";
  } else {
    expect(0, "crasher", "did not trap");
  }
  unload(&p);
}

static const char* g_hog = "not run";

static void run_hog(void) {
  plugin_t p;
  if (!load(&p, "hog", NULL)) {
    g_failures++;
    unload(&p);
    return;
  }
  int32_t grabbed = 0, reached_mib = 0;
  brisk_result_t r1 = call(&p, "grab_4gib", &grabbed, 0, 0, 0);
  brisk_result_t r2 = call(&p, "grab_steps", &reached_mib, 0, 0, 0);
  if (r1.status == BRISK_OK && r2.status == BRISK_OK) {
    printf("[hog] memory.grow to 4 GiB returned %d; in 16 MiB steps it reached %d MiB (limit %u MiB)\n", grabbed,
           reached_mib, MEMORY_LIMIT >> 20);
    expect(grabbed == -1, "hog", "the 4 GiB grow was not refused");
    expect(reached_mib > 0 && (uint32_t)reached_mib <= (MEMORY_LIMIT >> 20), "hog", "grew past the store limit");
    g_hog = "capped";
  } else {
    expect(0, "hog", "a call failed (it should get -1, not a trap)");
  }
  unload(&p);
}

typedef struct {
  char data[2048];
  size_t len;
} text_buf_t;

static void capture(void* user, const uint8_t* data, size_t len) {
  text_buf_t* b = (text_buf_t*)user;
  if (len > sizeof b->data - 1 - b->len) len = sizeof b->data - 1 - b->len;
  memcpy(b->data + b->len, data, len);
  b->len += len;
  b->data[b->len] = 0;
}

static const char* g_formatter = "not run";

static void run_formatter(void) {
  static const char* doc = "fn  main()   {   \n    println!(\"hi\");  \n}\n";
  text_buf_t out = {{0}, 0}, err = {{0}, 0};
  brisk_wasi_config_t* wasi = brisk_wasi_config_new();
  brisk_wasi_config_push_arg(wasi, "formatter");
  brisk_wasi_config_set_stdin_bytes(wasi, (const uint8_t*)doc, strlen(doc));
  brisk_wasi_config_set_stdout_callback(wasi, capture, &out, NULL);
  brisk_wasi_config_set_stderr_callback(wasi, capture, &err, NULL);
  plugin_t p;
  const int loaded = load(&p, "formatter", wasi);
  brisk_wasi_config_delete(wasi); /* copied into the context */
  if (!loaded) {
    g_failures++;
    unload(&p);
    return;
  }
  brisk_result_t r = brisk_wasi_run(p.store, p.instance);
  const int code = r.status == BRISK_OK ? 0 : r.status == BRISK_ERR_EXIT ? r.exit_code : -1;
  printf("[formatter] exit %d\n", code);
  for (char* line = strtok(out.data, "\n"); line; line = strtok(NULL, "\n")) printf("[formatter] stdout| %s\n", line);
  err.data[strcspn(err.data, "\n")] = 0;
  printf("[formatter] stderr| %s\n", err.data);
  expect(code == 0, "formatter", "did not exit 0");
  expect(strstr(err.data, "3 lines") != NULL, "formatter", "stderr lacks its summary");
  g_formatter = code == 0 ? "ok" : "failed";
  unload(&p);
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s interp|jit|tiered PLUGIN_DIR\n", argv[0]);
    return 2;
  }
  brisk_config_default(&g_config);
  if (strcmp(argv[1], "jit") == 0) g_config.mode = BRISK_MODE_JIT;
  else if (strcmp(argv[1], "tiered") == 0) g_config.mode = BRISK_MODE_TIERED;
  else if (strcmp(argv[1], "interp") != 0) {
    fprintf(stderr, "unknown mode '%s'\n", argv[1]);
    return 2;
  }
  g_dir = argv[2];
  g_engine = brisk_engine_new();
  pthread_t tick;
  if (!g_engine || pthread_create(&tick, NULL, ticker, NULL) != 0) {
    fprintf(stderr, "cannot start the engine\n");
    return 2;
  }
  printf("plugin-host: mode %s, one engine, a store per plugin, %u MiB per memory\n", argv[1], MEMORY_LIMIT >> 20);

  plugin_t counter;
  if (!load(&counter, "counter", NULL)) return 1;
  serve_counter(&counter, "first");
  run_runaway();
  serve_counter(&counter, "after runaway");
  run_crasher();
  serve_counter(&counter, "after crasher");
  run_hog();
  serve_counter(&counter, "after hog");
  run_formatter();
  serve_counter(&counter, "after formatter");
  unload(&counter);

  __atomic_store_n(&g_ticker_stop, 1, __ATOMIC_RELEASE);
  pthread_join(tick, NULL);
  brisk_engine_delete(g_engine);
  printf("summary: runaway=%s crasher=%s hog=%s formatter=%s counter=%d calls, %d unexpected\n", g_runaway, g_crasher,
         g_hog, g_formatter, g_counter_calls, g_failures);
  return g_failures == 0 && g_counter_calls == 5 ? 0 : 1;
}

/* Issue 12.8: wasm called on a coroutine stack (makecontext/swapcontext)
 * uses that stack's bounds for stack-exhaustion checks. A thread runs on a
 * stack placed between two fiber stacks, so one fiber lies below the
 * thread's stack and one above it, each fenced by PROT_NONE pages. On each
 * fiber, in every mode and with automatic or host-given bounds: a moderate
 * recursion runs, endless recursion traps with "call stack exhausted", and
 * the store works afterwards. Before the fix the fiber below trapped on
 * every call and the one above overflowed into its guard page (SIGSEGV).
 *   native_stack MODULE.wasm */
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "exec_test_util.h"

/* Sanitizers must be told about stack switches (their own bookkeeping of
 * the current stack), otherwise they report false errors or crash. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BRISK_TEST_ASAN 1
#endif
#if __has_feature(thread_sanitizer)
#define BRISK_TEST_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define BRISK_TEST_ASAN 1
#endif
#if defined(__SANITIZE_THREAD__)
#define BRISK_TEST_TSAN 1
#endif
#ifdef BRISK_TEST_ASAN
#include <sanitizer/common_interface_defs.h>
#endif
#ifdef BRISK_TEST_TSAN
#include <sanitizer/tsan_interface.h>
#endif

enum { kFiberStack = 256 * 1024, kThreadStack = 1024 * 1024 };

static const char* g_module;
static size_t g_page;
static uint8_t* g_fiber_below; /* stack memory [p, p + kFiberStack) */
static uint8_t* g_fiber_above;

static ucontext_t g_main_ctx, g_fiber_ctx;
static uint8_t* g_fiber_stack;
static int g_explicit;

static void check_calls_on_this_stack(const char* where) {
  for (size_t i = 0; i < API_NUM_MODES; ++i) {
    api_env_t e = api_instantiate(g_module, api_modes[i].mode, 0, api_modes[i].threshold);
    if (g_explicit) {
      brisk_result_t r = brisk_store_set_native_stack(e.store, g_fiber_stack, kFiberStack);
      CHECK(r.status == BRISK_OK, "%s: set_native_stack: %s", where, r.message);
    }
    int32_t v = -1;
    brisk_result_t r = api_call_i32(&e, "depth", 200, &v);
    CHECK(r.status == BRISK_OK && v == 200, "%s %s explicit=%d: depth(200): status %d (%s), result %d", where,
          api_modes[i].name, g_explicit, (int)r.status, r.message, v);
    r = api_call_i32(&e, "forever", 0, NULL);
    CHECK(r.status == BRISK_ERR_TRAP && strcmp(r.message, "call stack exhausted") == 0,
          "%s %s explicit=%d: forever: status %d (%s)", where, api_modes[i].name, g_explicit, (int)r.status,
          r.message);
    r = api_call_i32(&e, "depth", 50, &v);
    CHECK(r.status == BRISK_OK && v == 50, "%s %s explicit=%d: usable after the trap: status %d (%s)", where,
          api_modes[i].name, g_explicit, (int)r.status, r.message);
    brisk_store_delete(e.store);
  }
}

static const char* g_where;
#ifdef BRISK_TEST_ASAN
static const void* g_thread_stack_bottom;
static size_t g_thread_stack_size;
#endif
#ifdef BRISK_TEST_TSAN
static void* g_thread_fiber;
static void* g_tsan_fiber;
#endif

static void fiber_main(void) {
#ifdef BRISK_TEST_ASAN
  __sanitizer_finish_switch_fiber(NULL, &g_thread_stack_bottom, &g_thread_stack_size);
#endif
  check_calls_on_this_stack(g_where);
#ifdef BRISK_TEST_ASAN
  void* fake = NULL;
  __sanitizer_start_switch_fiber(&fake, g_thread_stack_bottom, g_thread_stack_size);
#endif
#ifdef BRISK_TEST_TSAN
  __tsan_switch_to_fiber(g_thread_fiber, 0);
#endif
  swapcontext(&g_fiber_ctx, &g_main_ctx);
}

static void run_on_fiber(uint8_t* stack, const char* where, int explicit_bounds) {
  g_fiber_stack = stack;
  g_where = where;
  g_explicit = explicit_bounds;
  getcontext(&g_fiber_ctx);
  g_fiber_ctx.uc_stack.ss_sp = stack;
  g_fiber_ctx.uc_stack.ss_size = kFiberStack;
  g_fiber_ctx.uc_link = NULL;
  makecontext(&g_fiber_ctx, fiber_main, 0);
#ifdef BRISK_TEST_ASAN
  void* fake = NULL;
  __sanitizer_start_switch_fiber(&fake, stack, kFiberStack);
#endif
#ifdef BRISK_TEST_TSAN
  g_thread_fiber = __tsan_get_current_fiber();
  g_tsan_fiber = __tsan_create_fiber(0);
  __tsan_switch_to_fiber(g_tsan_fiber, 0);
#endif
  if (swapcontext(&g_main_ctx, &g_fiber_ctx) != 0) {
    perror("swapcontext");
    exit(2);
  }
#ifdef BRISK_TEST_ASAN
  __sanitizer_finish_switch_fiber(fake, NULL, NULL);
#endif
#ifdef BRISK_TEST_TSAN
  __tsan_destroy_fiber(g_tsan_fiber);
#endif
}

static void* thread_main(void* arg) {
  (void)arg;
  /* The thread's own stack works as before. */
  g_fiber_stack = NULL;
  g_explicit = 0;
  check_calls_on_this_stack("thread stack");
  run_on_fiber(g_fiber_below, "fiber below the thread stack", 0);
  run_on_fiber(g_fiber_above, "fiber above the thread stack", 0);
  run_on_fiber(g_fiber_below, "fiber below the thread stack", 1);
  run_on_fiber(g_fiber_above, "fiber above the thread stack", 1);
  return NULL;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: native_stack MODULE.wasm\n");
    return 2;
  }
  g_module = argv[1];
  g_page = (size_t)sysconf(_SC_PAGESIZE);
  /* guard | fiber below | guard | thread stack | guard | fiber above | guard */
  size_t total = 4 * g_page + 2 * kFiberStack + kThreadStack;
  uint8_t* p = (uint8_t*)mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return 2;
  uint8_t* q = p;
  mprotect(q, g_page, PROT_NONE);
  q += g_page;
  g_fiber_below = q;
  q += kFiberStack;
  mprotect(q, g_page, PROT_NONE);
  q += g_page;
  uint8_t* thread_stack = q;
  q += kThreadStack;
  mprotect(q, g_page, PROT_NONE);
  q += g_page;
  g_fiber_above = q;
  q += kFiberStack;
  mprotect(q, g_page, PROT_NONE);

  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstack(&attr, thread_stack, kThreadStack);
  pthread_t t;
  if (pthread_create(&t, &attr, thread_main, NULL) != 0) return 2;
  pthread_join(t, NULL);

  /* Argument errors are values. */
  brisk_result_t r = brisk_store_set_native_stack(NULL, g_fiber_below, kFiberStack);
  CHECK(r.status == BRISK_ERR_ARGUMENT, "null store: status %d", (int)r.status);
  api_env_t e = api_instantiate(g_module, BRISK_MODE_INTERP, 0, 0);
  r = brisk_store_set_native_stack(e.store, g_fiber_below, 100);
  CHECK(r.status == BRISK_ERR_ARGUMENT && strstr(r.message, "too small"), "tiny stack: status %d", (int)r.status);
  r = brisk_store_set_native_stack(e.store, (void*)(uintptr_t)-4096, kFiberStack);
  CHECK(r.status == BRISK_ERR_ARGUMENT, "wrapping range: status %d", (int)r.status);
  r = brisk_store_set_native_stack(e.store, NULL, 0);
  CHECK(r.status == BRISK_OK, "reset: status %d", (int)r.status);
  brisk_store_delete(e.store);

  printf("%s\n", api_failures ? "FAILED" : "native stack: all checks passed");
  return api_failures ? 1 : 0;
}

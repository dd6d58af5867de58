/* Issue 12.9: brisk's SIGSEGV/SIGBUS handling next to a host's own.
 *   signals SCENARIO MODULE.wasm, SCENARIO one of
 *   explicit - stores with explicit bounds checks install no handler: the
 *              process's dispositions are exactly what they were;
 *   before   - a host handler installed before brisk still gets the host's
 *              own faults, and wasm out-of-bounds accesses are traps;
 *   after    - a host handler installed after brisk (without SA_NODEFER)
 *              that calls brisk_signal_handler() first sees wasm
 *              out-of-bounds accesses as traps, repeatedly, and its own
 *              faults reach it.
 * Each scenario runs in its own process (ctest), in every mode. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include "exec_test_util.h"

static const char* g_module;
static volatile sig_atomic_t g_host_faults;
static void* volatile g_host_fault_addr;
static sigjmp_buf g_host_jmp;
static int g_call_brisk_first;
static uint8_t* g_host_page; /* PROT_NONE: touching it is the host's own crash */

static void host_handler(int sig, siginfo_t* info, void* uctx) {
  if (g_call_brisk_first && brisk_signal_handler(sig, info, uctx)) {
    fprintf(stderr, "brisk_signal_handler returned nonzero\n");
    _exit(3);
  }
  g_host_faults++;
  g_host_fault_addr = info->si_addr;
  siglongjmp(g_host_jmp, 1);
}

static void install_host_handler(int nodefer) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = host_handler;
  sa.sa_flags = SA_SIGINFO | (nodefer ? SA_NODEFER : 0);
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);
}

/* A fault in host code: must reach the host's handler. */
static void host_fault(const char* what) {
  int before = g_host_faults;
  if (sigsetjmp(g_host_jmp, 1) == 0) {
    *(volatile uint8_t*)(g_host_page + 8) = 1;
    CHECK(0, "%s: the write to a PROT_NONE page did not fault", what);
  }
  CHECK(g_host_faults == before + 1, "%s: host handler ran %d times, expected %d", what, (int)g_host_faults,
        before + 1);
  CHECK(g_host_fault_addr == g_host_page + 8, "%s: host handler saw address %p", what, g_host_fault_addr);
}

/* Out-of-bounds and in-bounds loads in every mode, with {explicit_bounds}. */
static void wasm_oob_traps(const char* what, int explicit_bounds) {
  for (size_t i = 0; i < API_NUM_MODES; ++i) {
    api_env_t e = api_instantiate(g_module, api_modes[i].mode, explicit_bounds, api_modes[i].threshold);
    int before = g_host_faults;
    for (int k = 0; k < 3; ++k) {
      brisk_result_t r = api_call_i32(&e, "load", 65533 + k * 100000, NULL);
      CHECK(r.status == BRISK_ERR_TRAP && strcmp(r.message, "out of bounds memory access") == 0,
            "%s %s: load #%d: status %d (%s)", what, api_modes[i].name, k, (int)r.status, r.message);
      int32_t v = -1;
      r = api_call_i32(&e, "load", 0, &v);
      CHECK(r.status == BRISK_OK && v == 0, "%s %s: in-bounds load: status %d", what, api_modes[i].name,
            (int)r.status);
    }
    CHECK(g_host_faults == before, "%s %s: wasm faults reached the host handler", what, api_modes[i].name);
    brisk_store_delete(e.store);
  }
}

static int same_disposition(const struct sigaction* a, const struct sigaction* b) {
  return a->sa_flags == b->sa_flags && (void*)a->sa_sigaction == (void*)b->sa_sigaction;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: signals explicit|before|after MODULE.wasm\n");
    return 2;
  }
  const char* scenario = argv[1];
  g_module = argv[2];
  long page = sysconf(_SC_PAGESIZE);
  g_host_page = (uint8_t*)mmap(NULL, (size_t)page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (g_host_page == MAP_FAILED) return 2;

  if (strcmp(scenario, "explicit") == 0) {
    /* SIGSEGV as the process started (default), SIGBUS with a host handler. */
    install_host_handler(1);
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigaction(SIGSEGV, &dfl, NULL);
    struct sigaction segv0, bus0, segv1, bus1;
    sigaction(SIGSEGV, NULL, &segv0);
    sigaction(SIGBUS, NULL, &bus0);
    wasm_oob_traps("explicit bounds", 1);
    sigaction(SIGSEGV, NULL, &segv1);
    sigaction(SIGBUS, NULL, &bus1);
    CHECK(segv1.sa_handler == SIG_DFL && same_disposition(&segv0, &segv1), "SIGSEGV disposition changed");
    CHECK(same_disposition(&bus0, &bus1) && (void*)bus1.sa_sigaction == (void*)host_handler,
          "SIGBUS disposition changed");
  } else if (strcmp(scenario, "before") == 0) {
    install_host_handler(1);
    host_fault("before any store");
    wasm_oob_traps("host handler installed before brisk", 0);
    struct sigaction now;
    sigaction(SIGSEGV, NULL, &now);
    CHECK((void*)now.sa_sigaction != (void*)host_handler, "brisk installed no handler for a guard-page store");
    host_fault("after brisk installed its handler");
    wasm_oob_traps("again", 0);
  } else if (strcmp(scenario, "after") == 0) {
    /* A guard-page store makes brisk install its handler; then the host's. */
    api_env_t e = api_instantiate(g_module, BRISK_MODE_INTERP, 0, 0);
    brisk_store_delete(e.store);
    g_call_brisk_first = 1;
    install_host_handler(0);
    wasm_oob_traps("host handler installed after brisk", 0);
    host_fault("host's own fault");
    wasm_oob_traps("after the host's fault", 0);
  } else {
    fprintf(stderr, "unknown scenario '%s'\n", scenario);
    return 2;
  }
  printf("%s: %s\n", scenario, api_failures ? "FAILED" : "all checks passed");
  return api_failures ? 1 : 0;
}

// SIGSEGV/SIGBUS handling for guard-page bounds checks (see fault_handler.h).
//
// Chaining, and why brisk does not re-install itself: brisk installs once
// and forwards what is not its own to the handler it replaced, so handlers
// installed *before* brisk keep working. A handler installed *after* brisk
// sees every fault first; re-installing brisk's on each store creation would
// put it back in front but make the two handlers forward to each other
// forever on a host crash (each saved the other as "previous"). So the rule
// is one-way and explicit: a later handler calls brisk_signal_handler()
// first, which jumps out for wasm faults and returns 0 for the host's own.
#include "runtime/fault_handler.h"

#include <signal.h>

#if BRISK_UNDER_ASAN
#include <sanitizer/asan_interface.h>
#endif

#include <cstring>
#include <mutex>

namespace brisk {

namespace {
struct sigaction g_prev_segv;
struct sigaction g_prev_bus;

void forward(int sig, siginfo_t* info, void* uctx) {
  const struct sigaction& prev = sig == SIGSEGV ? g_prev_segv : g_prev_bus;
  if (prev.sa_flags & SA_SIGINFO) {
    if (prev.sa_sigaction) {
      prev.sa_sigaction(sig, info, uctx);
      return;
    }
  } else if (prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN) {
    prev.sa_handler(sig);
    return;
  }
  // Default action (ignoring a synchronous fault would loop forever):
  // re-raise with the default disposition.
  signal(sig, SIG_DFL);
  raise(sig);
}

void on_fault(int sig, siginfo_t* info, void* uctx) {
  if (handle_wasm_fault(sig, info, uctx)) return;  // does not return when it handles
  forward(sig, info, uctx);
}
}  // namespace

bool handle_wasm_fault(int sig, siginfo_t* info, void*) {
  if ((sig != SIGSEGV && sig != SIGBUS) || !info) return false;
  FaultJmp* target = interp_fault_target(info->si_addr);
  if (!target) return false;
  // The handler may run with the signal blocked: a host handler calling us
  // without SA_NODEFER, or ThreadSanitizer, whose signal wrapper ignores
  // SA_NODEFER (this was the TSan guard-mode crash: the second guard-page
  // fault of a process killed it). The jump does not restore the mask, so
  // unblock the signal or the next fault would be fatal.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
#if BRISK_FAULT_JMP_BUILTIN
#if BRISK_UNDER_ASAN
  // What ASan's siglongjmp interceptor does: forget the poisoning of the
  // frames the jump abandons.
  __asan_handle_no_return();
#endif
  __builtin_longjmp(target->buf, 1);
#else
  siglongjmp(target->buf, 1);
#endif
}

void install_fault_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &g_prev_segv);
    sigaction(SIGBUS, &sa, &g_prev_bus);
  });
}

}  // namespace brisk

// SIGSEGV/SIGBUS handling for guard-page bounds checks (see fault_handler.h).
#include "runtime/fault_handler.h"

#include <signal.h>

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
  // Default action: re-raise with the default disposition.
  signal(sig, SIG_DFL);
  raise(sig);
}

void on_fault(int sig, siginfo_t* info, void* uctx) {
  if (interp_fault_jump(info->si_addr)) return;  // does not return when it handles
  forward(sig, info, uctx);
}
}  // namespace

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

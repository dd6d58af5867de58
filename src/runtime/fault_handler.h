// Turns hardware faults on guard pages of linear memory into wasm traps.
// The handler only acts when the faulting address lies inside a reservation
// of the memory of the wasm code running on this thread; any other fault is
// passed on to the previously installed handler (or the default action).
// What is installed, and when, is documented for embedders in
// include/brisk/brisk.h (brisk_signal_handler) and docs/DESIGN.md.
#pragma once
#include <csetjmp>
#include <csignal>

namespace brisk {

// Installs the SIGSEGV/SIGBUS handler once per process (idempotent). Called
// only when a store with guard-page bounds is created.
void install_fault_handler();

// If {info} describes a guard-page access of wasm code running on this
// thread, unblocks {sig} and jumps back into that code's exec_call (does not
// return); otherwise returns false. Async-signal-safe. Also the body of the
// public brisk_signal_handler().
bool handle_wasm_fault(int sig, siginfo_t* info, void* uctx);

// Implemented by the execution tier: the jump buffer to resume at when
// {fault_addr} is a guard-page access of the running wasm code, else null.
sigjmp_buf* interp_fault_target(const void* fault_addr);

}  // namespace brisk

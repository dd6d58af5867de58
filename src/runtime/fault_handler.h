// Turns hardware faults on guard pages of linear memory into wasm traps.
// The handler only acts when the faulting address lies inside a reservation
// of the memory of the wasm code running on this thread; any other fault is
// passed on to the previously installed handler (or the default action).
// What is installed, and when, is documented for embedders in
// include/brisk/brisk.h (brisk_signal_handler) and docs/DESIGN.md.
#pragma once
#include <csetjmp>
#include <csignal>

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define BRISK_UNDER_TSAN 1
#endif
#if __has_feature(address_sanitizer)
#define BRISK_UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define BRISK_UNDER_TSAN 1
#endif
#if defined(__SANITIZE_ADDRESS__)
#define BRISK_UNDER_ASAN 1
#endif

// How exec_call marks where a guard-page fault resumes. Every host->wasm
// call sets one, so it is on the call path. A fault jumps back from the
// signal handler, which runs on the faulting stack (or the host's
// sigaltstack) below exec_call's frame, with the signal unblocked by the
// handler itself (the jump never restores a signal mask: none is saved).
// So the jump only needs exec_call's stack and frame pointers and the
// resume address: the compiler's __builtin_setjmp saves exactly those (the
// code after it reloads every register from the frame), in a few
// instructions, where sigsetjmp saves and mangles every callee-saved
// register and goes through libc. Where the builtin is not known to work
// (clang on AArch64, other targets) or a runtime must see the jump
// (ThreadSanitizer intercepts siglongjmp to unwind its shadow stack), it
// is sigsetjmp(buf, 0). Not supported either way: hosts running with
// hardware shadow stacks (CET), whose return addresses a jump out of the
// handler would leave unbalanced.
#if (defined(__x86_64__) || (defined(__aarch64__) && !defined(__clang__))) && !defined(BRISK_UNDER_TSAN)
#define BRISK_FAULT_JMP_BUILTIN 1
#endif

namespace brisk {

struct FaultJmp {
#if BRISK_FAULT_JMP_BUILTIN
  void* buf[5];  // frame pointer, resume address, stack pointer (+ target scratch)
#else
  sigjmp_buf buf;
#endif
};
// BRISK_FAULT_SETJMP(j): 0 when set, nonzero when a fault jumped back.
#if BRISK_FAULT_JMP_BUILTIN
#define BRISK_FAULT_SETJMP(j) __builtin_setjmp((j).buf)
#else
#define BRISK_FAULT_SETJMP(j) sigsetjmp((j).buf, 0)
#endif

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
FaultJmp* interp_fault_target(const void* fault_addr);

}  // namespace brisk

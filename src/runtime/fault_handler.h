// Turns hardware faults on guard pages of linear memory into wasm traps.
// The handler only acts when the faulting address lies inside a reservation
// of the memory of the wasm code running on this thread; any other fault is
// passed on to the previously installed handler (or the default action).
#pragma once

namespace brisk {

// Installs the SIGSEGV/SIGBUS handler once per process (idempotent).
void install_fault_handler();

// Implemented by the execution tier: if {fault_addr} is a guard-page access
// of the running wasm code, jumps back into it and does not return.
bool interp_fault_jump(const void* fault_addr);

}  // namespace brisk

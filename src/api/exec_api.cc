// The C API of execution plumbing (include/brisk/brisk.h, block "native
// stack and signals"): the native stack a store's calls run on and the
// entry point for host signal handlers installed after brisk's.
#include <signal.h>

#include <cstdint>
#include <string>

#include "api/handles.h"
#include "brisk/brisk.h"
#include "runtime/fault_handler.h"

using namespace brisk_api;

namespace {
// Smaller stacks cannot hold the margin for host code plus a few frames.
constexpr size_t kMinNativeStack = 16 * 1024;
}  // namespace

extern "C" {

brisk_result_t brisk_store_set_native_stack(brisk_store_t* store, const void* lowest, size_t size) {
  if (!store) return brisk_result_t{BRISK_ERR_ARGUMENT, "brisk_store_set_native_stack: store is NULL", UINT64_MAX, 0, 0};
  if (!lowest) {
    store->store.set_native_stack(nullptr, 0);
    return ok();
  }
  if (size < kMinNativeStack)
    return fail(store, BRISK_ERR_ARGUMENT,
                "brisk_store_set_native_stack: a native stack of " + std::to_string(size) +
                    " bytes is too small (at least " + std::to_string(kMinNativeStack) + ")");
  if (reinterpret_cast<uintptr_t>(lowest) + size < reinterpret_cast<uintptr_t>(lowest))
    return fail(store, BRISK_ERR_ARGUMENT, "brisk_store_set_native_stack: the range wraps around the address space");
  store->store.set_native_stack(lowest, size);
  return ok();
}

int brisk_signal_handler(int sig, void* info, void* ucontext) {
  if (!info) return 0;
  return brisk::handle_wasm_fault(sig, static_cast<siginfo_t*>(info), ucontext) ? 1 : 0;
}

}  // extern "C"

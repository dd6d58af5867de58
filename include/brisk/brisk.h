/* brisk: the C embedding API.
 *
 * Opaque handles, explicit ownership, errors as values: no function of this
 * API aborts, throws or crashes the host on bad wasm, bad arguments or
 * guest traps. A store owns everything created in it; deleting the store
 * frees it all. One store is used by one thread at a time, except
 * brisk_store_interrupt(), which may be called from any thread.
 */
#ifndef BRISK_BRISK_H
#define BRISK_BRISK_H

#include <stddef.h>
#include <stdint.h>

/* BRISK_API marks the functions libbrisk.so exports (it is built with
 * hidden visibility); for programs using the header it adds nothing. */
#ifndef BRISK_API
#if defined(BRISK_BUILDING_LIBRARY) && defined(__GNUC__)
#define BRISK_API __attribute__((visibility("default")))
#else
#define BRISK_API
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef struct brisk_store brisk_store_t;
typedef struct brisk_module brisk_module_t;
typedef struct brisk_linker brisk_linker_t;
typedef struct brisk_instance brisk_instance_t;
typedef struct brisk_func brisk_func_t;

typedef enum {
  BRISK_I32 = 0x7f,
  BRISK_I64 = 0x7e,
  BRISK_F32 = 0x7d,
  BRISK_F64 = 0x7c,
  BRISK_FUNCREF = 0x70,
  BRISK_EXTERNREF = 0x6f,
} brisk_valtype_t;

typedef struct {
  brisk_valtype_t type;
  union {
    int32_t i32;
    int64_t i64;
    float f32;
    double f64;
    uint64_t ref; /* 0 = null */
  } of;
} brisk_val_t;

typedef enum {
  BRISK_MODE_INTERP = 0, /* instant start */
  BRISK_MODE_JIT = 1,    /* compile every function on first call */
  BRISK_MODE_TIERED = 2, /* interpret, compile what is hot */
} brisk_mode_t;

typedef struct {
  brisk_mode_t mode;
  int explicit_bounds_checks; /* 1: no signal handler; 0: guard pages */
  uint32_t max_call_depth;    /* 0: default */
  uint32_t tier_up_threshold; /* 0: default */
} brisk_config_t;

/* Outcome of an operation. On failure, message is a NUL-terminated
 * description owned by the store (valid until the next call on it). */
typedef enum {
  BRISK_OK = 0,
  BRISK_ERR_INVALID_MODULE = 1, /* malformed or invalid wasm; offset is set */
  BRISK_ERR_LINK = 2,           /* an import could not be satisfied */
  BRISK_ERR_TRAP = 3,           /* the guest trapped; trap_code is set */
  BRISK_ERR_EXIT = 4,           /* the guest exited (WASI proc_exit); exit_code is set */
  BRISK_ERR_ARGUMENT = 5,       /* bad argument (count, type, unknown name) */
} brisk_status_t;

typedef struct {
  brisk_status_t status;
  const char* message;
  uint64_t offset;    /* BRISK_ERR_INVALID_MODULE: byte offset, or UINT64_MAX */
  int trap_code;      /* BRISK_ERR_TRAP: a brisk TrapKind value */
  int exit_code;      /* BRISK_ERR_EXIT */
} brisk_result_t;

BRISK_API void brisk_config_default(brisk_config_t* config);

BRISK_API brisk_store_t* brisk_store_new(const brisk_config_t* config);
BRISK_API void brisk_store_delete(brisk_store_t* store);
/* Makes running wasm of this store trap with "interrupted" at the next loop
 * back-edge or call. Safe from any thread (an editor's cancel button). */
BRISK_API void brisk_store_interrupt(brisk_store_t* store);

/* Decodes and validates a module (the bytes are copied). */
BRISK_API brisk_result_t brisk_module_new(brisk_store_t* store, const uint8_t* bytes, size_t len, brisk_module_t** out);

BRISK_API brisk_linker_t* brisk_linker_new(brisk_store_t* store);

/* Host function: args and results are raw 64-bit slots in the function
 * type's order. Return 0 for success, or set *trap_message (static or
 * owned by env) and return nonzero to trap the guest. */
typedef int (*brisk_host_fn)(void* env, const uint64_t* args, uint64_t* results, const char** trap_message);

BRISK_API brisk_result_t brisk_linker_define_func(brisk_linker_t* linker, const char* module, const char* name,
                                                  const brisk_valtype_t* params, size_t num_params,
                                                  const brisk_valtype_t* results, size_t num_results,
                                                  brisk_host_fn fn, void* env);
/* Makes an instance's exports importable as module {name}. */
BRISK_API void brisk_linker_define_instance(brisk_linker_t* linker, const char* name, brisk_instance_t* instance);

/* Instantiates (runs the start function). On a trap the instance is not
 * returned. */
BRISK_API brisk_result_t brisk_instantiate(brisk_linker_t* linker, brisk_module_t* module, brisk_instance_t** out);

BRISK_API brisk_func_t* brisk_instance_func(brisk_instance_t* instance, const char* name);
/* Linear memory 0 of the instance, or NULL. Valid until the next call into wasm. */
BRISK_API uint8_t* brisk_instance_memory(brisk_instance_t* instance, size_t* size);

BRISK_API brisk_result_t brisk_func_call(brisk_store_t* store, brisk_func_t* func, const brisk_val_t* args,
                                         size_t num_args, brisk_val_t* results, size_t num_results);

/* ---- native stack and signals ---- */

/* The native stack wasm calls of {store} run on, lowest address and size in
 * bytes (a coroutine's or fiber's stack, say). brisk traps with "call stack
 * exhausted" before JIT frames and wasm -> host -> wasm recursion use the
 * lowest min(left / 4, 256 KiB) of it (left: the part below the outermost
 * call's entry), which stays free for host functions and the fault handler. The bounds apply to calls whose outermost entry runs
 * inside them; others, and all calls after lowest = NULL (the default), use
 * automatic bounds: the thread's stack when the call runs on it, otherwise
 * 48 KiB below the outermost entry (a fiber of unknown size is assumed to
 * have 64 KiB left there; pass the bounds for smaller fibers or for deeper
 * recursion on larger ones). BRISK_ERR_ARGUMENT for a null store, a size
 * below 16 KiB or a range that wraps around. */
brisk_result_t brisk_store_set_native_stack(brisk_store_t* store, const void* lowest, size_t size);

/* Signals. A store created with explicit_bounds_checks = 0 (guard pages)
 * makes brisk install, once per process and when that first store is
 * created, a handler for SIGSEGV and SIGBUS (SA_SIGINFO | SA_NODEFER |
 * SA_ONSTACK); it is never uninstalled. It turns a fault on a guard page of
 * the linear memory of wasm code running on the faulting thread into an
 * "out of bounds memory access" trap, and passes every other fault to the
 * handler that was installed before it (calling it directly), or, if that was
 * SIG_DFL or SIG_IGN, restores the default action and re-raises. Stores with
 * explicit_bounds_checks = 1 install no handler at all.
 *
 * A host that installs its own SIGSEGV/SIGBUS handler after creating a
 * guard-page store must call brisk_signal_handler first with the handler's
 * arguments (info is the siginfo_t*, ucontext the third argument): if the
 * fault is a wasm out-of-bounds access it does not return (the wasm call
 * returns the trap), otherwise it returns 0 and the host handles the fault.
 * Only a handler installed with SA_SIGINFO has the information to do so.
 * Async-signal-safe. */
int brisk_signal_handler(int sig, void* info, void* ucontext);

#ifdef __cplusplus
}
#endif

#endif /* BRISK_BRISK_H */

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
  int consume_fuel;           /* 1: charge fuel per instruction block (see brisk_store_set_fuel) */
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
  BRISK_ERR_RESOURCE = 6,       /* a store limit, or out of memory / address space */
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
/* Makes wasm of this store trap with "interrupted": a running call at its
 * next check (function entry or loop back-edge; the interpreter looks every
 * ~1000 back-edges or calls of a function), otherwise the next call, before
 * it runs any wasm. The request is never lost: it stays pending until one
 * call observes it by trapping, and the calls after that one run normally.
 * Safe from any thread (an editor's cancel button). */
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
BRISK_API brisk_result_t brisk_store_set_native_stack(brisk_store_t* store, const void* lowest, size_t size);

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
BRISK_API int brisk_signal_handler(int sig, void* info, void* ucontext);

/* ---- limits and CPU control ----
 *
 * Resource limits cap what a store's wasm may allocate; fuel, epochs and
 * timeouts cap how long it runs. Past a limit, memory.grow and table.grow
 * return -1 (as the spec allows, no trap) and instantiation fails with
 * BRISK_ERR_RESOURCE and a message naming the limit. Fuel, epoch deadlines
 * and timeouts trap with "out of fuel", "epoch deadline reached" and "call
 * timed out"; brisk_store_interrupt() (above) with "interrupted". */

/* Store limits; 0 in any field means "no limit". Memory sizes are in bytes
 * (multiples of the 64 KiB wasm page count). They apply to what is created
 * or grown after brisk_store_set_limits(). */
typedef struct {
  uint64_t memory_bytes;       /* per linear memory */
  uint64_t total_memory_bytes; /* all linear memories of the store */
  uint64_t table_elements;     /* per table */
  uint32_t instances;          /* instances in the store */
  uint32_t memories;           /* linear memories in the store */
  uint32_t tables;             /* tables in the store */
} brisk_limits_t;
BRISK_API brisk_result_t brisk_store_set_limits(brisk_store_t* store, const brisk_limits_t* limits);

typedef enum {
  BRISK_GROW_MEMORY = 0, /* sizes in bytes */
  BRISK_GROW_TABLE = 1,  /* sizes in elements */
} brisk_grow_kind_t;
/* Asked before every memory or table grows, and when instantiation creates
 * one (current = 0), after the store limits allowed it. {maximum} is the
 * declared maximum, or UINT64_MAX. Return nonzero to allow, 0 to deny (the
 * grow returns -1; instantiation fails). Runs on the thread running wasm and
 * must not call into the store's wasm. NULL fn removes the limiter. */
typedef int (*brisk_limiter_fn)(void* user_data, brisk_grow_kind_t kind, uint64_t current, uint64_t desired,
                                uint64_t maximum);
BRISK_API void brisk_store_set_limiter(brisk_store_t* store, brisk_limiter_fn fn, void* user_data);

/* Fuel: with brisk_config_t.consume_fuel set, every straight-line run of
 * wasm instructions (between branches, calls and block boundaries) costs
 * its number of instructions, charged at the instruction that ends it (so a
 * run's side effects may happen before the charge traps). The accounting is
 * identical in every mode. A store starts with 0 fuel, so its first call
 * traps "out of fuel" until fuel is set; a call that runs out leaves 0. On
 * a store without consume_fuel these return BRISK_ERR_ARGUMENT. */
BRISK_API brisk_result_t brisk_store_set_fuel(brisk_store_t* store, uint64_t fuel);
BRISK_API brisk_result_t brisk_store_add_fuel(brisk_store_t* store, uint64_t delta); /* saturating */
BRISK_API brisk_result_t brisk_store_get_fuel(brisk_store_t* store, uint64_t* remaining);

/* Engines hold the epoch counter: brisk_engine_increment_epoch() may be
 * called from any thread (a timer, say) and reaches every store created in
 * the engine with brisk_store_new_in(). brisk_store_new() gives the store a
 * private engine whose epoch never advances. Deleting an engine while
 * stores use it is allowed: it lives until its last store is deleted. */
typedef struct brisk_engine brisk_engine_t;
BRISK_API brisk_engine_t* brisk_engine_new(void);
BRISK_API void brisk_engine_delete(brisk_engine_t* engine);
BRISK_API void brisk_engine_increment_epoch(brisk_engine_t* engine);
BRISK_API uint64_t brisk_engine_epoch(const brisk_engine_t* engine);
BRISK_API brisk_store_t* brisk_store_new_in(brisk_engine_t* engine, const brisk_config_t* config);

/* The store's epoch deadline becomes the engine's current epoch + delta
 * (no deadline until this is called). Wasm checks it where it checks for
 * interrupts (function entry, loop back-edges) and at the start of a call;
 * ticks before the deadline cost running code nothing. */
BRISK_API void brisk_store_set_epoch_deadline(brisk_store_t* store, uint64_t delta);
/* Called on the running thread when the deadline is reached. Return 0 to
 * trap "epoch deadline reached", or nonzero with *delta set to continue
 * with the deadline moved to the current epoch + *delta. Without a
 * callback the call traps. The callback may block, or switch to another
 * fiber and come back later if the host runs the call on its own fiber
 * (this is how to suspend a call); it must not call into the store's wasm
 * (such calls trap). */
typedef int (*brisk_epoch_callback_t)(void* user_data, brisk_store_t* store, uint64_t* delta);
BRISK_API void brisk_store_set_epoch_callback(brisk_store_t* store, brisk_epoch_callback_t fn, void* user_data);

/* Wall-clock limit for each following outermost call into the store
 * (brisk_func_call, and start functions in brisk_instantiate); 0 = none.
 * Checked at the same sites as epochs, driven by one process-wide timer
 * thread (started on first use). The call traps "call timed out". */
BRISK_API void brisk_store_set_call_timeout(brisk_store_t* store, uint64_t timeout_ns);

#ifdef __cplusplus
}
#endif

#endif /* BRISK_BRISK_H */

/* brisk: the C embedding API.
 *
 * Opaque handles, explicit ownership, errors as values: no function of this
 * API aborts, throws or crashes the host on bad wasm, bad arguments or
 * guest traps.
 *
 * Ownership. A store owns everything created in it; deleting the store
 * frees it all (and runs every pending finalizer). Instances, linkers,
 * modules, instance_pres and host functions may also be deleted one by one
 * earlier. An object stays alive while anything refers to it: an instance
 * whose exports another instance imported lives (memories, tables and all)
 * until its importers are gone; a linker or instance_pre keeps what was
 * defined in it alive. Deleting something while wasm of the store is
 * running (from a host function) takes effect when the outermost call
 * returns.
 *
 * Handles. Every handle belongs to one store; handing it to another store
 * gives BRISK_ERR_ARGUMENT. A deleted (stale) handle gives
 * BRISK_ERR_ARGUMENT too, even after its memory was reused for a new
 * handle: handles of deleted objects are recycled (so a long-lived store
 * stays bounded) but each carries a generation that a reused slot no
 * longer matches, and handle memory is freed only with the store. Handles
 * are opaque values: compare them, never dereference them.
 * Reference values (funcref, externref in brisk_val_t) are validated
 * against the store's tables, so a made-up value is an error as well.
 *
 * Thread safety, per type (a store and everything in it is used by one
 * thread at a time; different stores may run on different threads fully in
 * parallel, there is no global lock):
 *   brisk_store_t       one thread at a time; may move between threads
 *                       between calls. brisk_store_interrupt() and
 *                       brisk_store_clear_interrupt() may be called from
 *                       any thread at any time.
 *   brisk_module_t      immutable once created: any number of threads may
 *                       instantiate it (in their own stores) and introspect
 *                       it at once. Deleting it (or its creating store) must
 *                       not race with those uses; instances keep the decoded
 *                       code alive themselves.
 *   brisk_linker_t, brisk_instance_pre_t, brisk_instance_t, brisk_func_t,
 *   brisk_memory_t, brisk_table_t, brisk_global_t, brisk_caller_t
 *                       belong to their store: same thread rules as it.
 *   brisk_caller_t      valid only during the host call it was passed to.
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
typedef struct brisk_instance_pre brisk_instance_pre_t;
typedef struct brisk_func brisk_func_t;
typedef struct brisk_memory brisk_memory_t;
typedef struct brisk_table brisk_table_t;
typedef struct brisk_global brisk_global_t;
typedef struct brisk_caller brisk_caller_t;

/* ---- values ---- */

typedef enum {
  BRISK_I32 = 0x7f,
  BRISK_I64 = 0x7e,
  BRISK_F32 = 0x7d,
  BRISK_F64 = 0x7c,
  BRISK_FUNCREF = 0x70,
  BRISK_EXTERNREF = 0x6f,
  BRISK_V128 = 0x7b, /* a 128-bit SIMD vector */
} brisk_valtype_t;

/* A typed value. References: 0 is null; a funcref is a brisk_func_t*
 * converted to an integer (brisk_val_funcref), an externref an id from
 * brisk_externref_new. Both are checked whenever they enter the store. */
typedef struct {
  brisk_valtype_t type;
  union {
    int32_t i32;
    int64_t i64;
    float f32;
    double f64;
    uint64_t ref; /* 0 = null */
    uint8_t v128[16]; /* lane bytes in wasm (little-endian) order */
  } of;
} brisk_val_t;

/* ---- configuration and results ---- */

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
  /* Tiered mode: threads that compile hot functions in the background while
   * the interpreter runs on; a finished compile is installed at the
   * function's next call or loop check on the thread running the store.
   * 0: default (from the core count); BRISK_COMPILE_ON_CALLING_THREAD: no
   * threads, tier-up compiles where it happens; N > 0: N threads (at most 64).
   * Started on the store's first tier-up; deleting an instance or the store
   * waits for compiles of its functions that are under way. */
  int32_t compile_threads;
} brisk_config_t;
#define BRISK_COMPILE_ON_CALLING_THREAD (-1)

/* Outcome of an operation. On failure, message is a NUL-terminated
 * description owned by the store (valid until the next call on it). */
typedef enum {
  BRISK_OK = 0,
  BRISK_ERR_INVALID_MODULE = 1, /* malformed or invalid wasm; offset is set */
  BRISK_ERR_LINK = 2,           /* an import could not be satisfied */
  BRISK_ERR_TRAP = 3,           /* the guest trapped; trap_code is set */
  BRISK_ERR_EXIT = 4,           /* the guest exited (WASI proc_exit); exit_code is set */
  BRISK_ERR_ARGUMENT = 5,       /* bad argument (count, type, unknown name, stale or foreign handle) */
  BRISK_ERR_RESOURCE = 6,       /* a store limit, or out of memory / address space */
} brisk_status_t;

/* Why the guest trapped (brisk_result_t.trap_code). */
typedef enum {
  BRISK_TRAP_NONE = 0,
  BRISK_TRAP_UNREACHABLE = 1,
  BRISK_TRAP_INT_DIV_BY_ZERO = 2,
  BRISK_TRAP_INT_OVERFLOW = 3,
  BRISK_TRAP_INVALID_CONVERSION = 4,
  BRISK_TRAP_MEMORY_OUT_OF_BOUNDS = 5,
  BRISK_TRAP_TABLE_OUT_OF_BOUNDS = 6,
  BRISK_TRAP_UNDEFINED_ELEMENT = 7,       /* call_indirect index beyond the table */
  BRISK_TRAP_UNINITIALIZED_ELEMENT = 8,   /* null funcref called */
  BRISK_TRAP_INDIRECT_CALL_TYPE_MISMATCH = 9,
  BRISK_TRAP_NULL_REFERENCE = 10,
  BRISK_TRAP_STACK_EXHAUSTED = 11,
  BRISK_TRAP_INTERRUPTED = 12,            /* brisk_store_interrupt */
  BRISK_TRAP_HOST = 13,                   /* a host function trapped; see message */
  BRISK_TRAP_EXIT = 14,                   /* internal: reported as BRISK_ERR_EXIT */
  BRISK_TRAP_OUT_OF_FUEL = 15,           /* brisk_store_set_fuel */
  BRISK_TRAP_EPOCH_DEADLINE = 16,        /* brisk_store_set_epoch_deadline */
  BRISK_TRAP_TIMEOUT = 17,               /* brisk_store_set_call_timeout */
} brisk_trap_code_t;

typedef struct {
  brisk_status_t status;
  const char* message;
  uint64_t offset;    /* BRISK_ERR_INVALID_MODULE: byte offset, or UINT64_MAX */
  int trap_code;      /* BRISK_ERR_TRAP: a brisk_trap_code_t */
  int exit_code;      /* BRISK_ERR_EXIT */
} brisk_result_t;

BRISK_API void brisk_config_default(brisk_config_t* config);

/* ---- stores ---- */

BRISK_API brisk_store_t* brisk_store_new(const brisk_config_t* config);
BRISK_API void brisk_store_delete(brisk_store_t* store);
/* Makes wasm of this store trap with "interrupted": a running call at its
 * next check (function entry or loop back-edge; the interpreter looks every
 * ~1000 back-edges or calls of a function), otherwise the next call, before
 * it runs any wasm. The request is never lost: it stays pending until one
 * call observes it by trapping, and the calls after that one run normally.
 * Safe from any thread (an editor's cancel button). */
BRISK_API void brisk_store_interrupt(brisk_store_t* store);
/* Withdraws a pending interrupt request that no call has observed yet (a
 * cancel that arrived after the call it was meant for had already ended
 * would otherwise stop the next call). Safe from any thread; racing with a
 * call that is observing the request, either outcome may happen. */
BRISK_API void brisk_store_clear_interrupt(brisk_store_t* store);
/* The embedder's pointer for this store (NULL until set); host functions
 * reach it through brisk_caller_store_data. brisk never dereferences it. */
BRISK_API void brisk_store_set_data(brisk_store_t* store, void* data);
BRISK_API void* brisk_store_get_data(const brisk_store_t* store);

/* ---- traps: the backtrace of the last failed call ---- */

/* One frame of a trap's backtrace, innermost first. */
typedef struct {
  uint32_t func_index;  /* in its module's function index space; UINT32_MAX: host function or elided */
  uint64_t code_offset; /* byte offset in the module binary, or UINT64_MAX if unknown */
  const char* name;     /* name section, export name, or "func[N]"; "..." for elided frames; owned by the store */
} brisk_frame_t;

/* Frames of the most recent BRISK_ERR_TRAP returned by brisk_func_call,
 * brisk_instantiate or brisk_instance_pre_instantiate on this store (0 when
 * the last such call succeeded). Valid until the next call of those. */
BRISK_API size_t brisk_trap_frame_count(const brisk_store_t* store);
/* Fills *out with frame i; returns 0 when i is out of range. */
BRISK_API int brisk_trap_frame(const brisk_store_t* store, size_t i, brisk_frame_t* out);

/* ---- modules and introspection ---- */

/* Decodes and validates a module (the bytes are copied). The module is not
 * tied to {store} (which only receives the error message): it can be
 * instantiated in any store, on any thread. It is freed by
 * brisk_module_delete, or with {store} if never deleted. */
BRISK_API brisk_result_t brisk_module_new(brisk_store_t* store, const uint8_t* bytes, size_t len, brisk_module_t** out);
BRISK_API void brisk_module_delete(brisk_module_t* module);

typedef enum {
  BRISK_EXTERN_FUNC = 0,
  BRISK_EXTERN_TABLE = 1,
  BRISK_EXTERN_MEMORY = 2,
  BRISK_EXTERN_GLOBAL = 3,
} brisk_extern_kind_t;

/* Types. Arrays are owned by the module (or store) they came from and live
 * as long as it. */
typedef struct {
  size_t num_params;
  const brisk_valtype_t* params;
  size_t num_results;
  const brisk_valtype_t* results;
} brisk_functype_t;
typedef struct {
  uint64_t min;
  uint64_t max; /* meaningful when has_max */
  int has_max;
} brisk_limits_t;
typedef struct {
  brisk_valtype_t elem;
  brisk_limits_t limits; /* in elements */
} brisk_tabletype_t;
typedef struct {
  brisk_limits_t limits; /* in 64 KiB pages */
} brisk_memorytype_t;
typedef struct {
  brisk_valtype_t type;
  int is_mutable;
} brisk_globaltype_t;
typedef struct {
  brisk_extern_kind_t kind;
  union {
    brisk_functype_t func;
    brisk_tabletype_t table;
    brisk_memorytype_t memory;
    brisk_globaltype_t global;
  } of;
} brisk_externtype_t;

typedef struct {
  const char* module; /* owned by the module */
  const char* name;
  brisk_externtype_t type;
} brisk_import_t;
typedef struct {
  const char* name; /* owned by the module */
  brisk_externtype_t type;
} brisk_export_t;

/* Imports and exports by index, in the module's order; the getters return 0
 * (and leave *out alone) when i is out of range. */
BRISK_API size_t brisk_module_import_count(const brisk_module_t* module);
BRISK_API int brisk_module_import(const brisk_module_t* module, size_t i, brisk_import_t* out);
BRISK_API size_t brisk_module_export_count(const brisk_module_t* module);
BRISK_API int brisk_module_export(const brisk_module_t* module, size_t i, brisk_export_t* out);
/* The payload of the nth (0-based) custom section called {name}, or NULL
 * if there is none. Owned by the module. */
BRISK_API const uint8_t* brisk_module_custom_section(const brisk_module_t* module, const char* name, size_t nth, size_t* len);

/* ---- host functions and linkers ---- */

BRISK_API brisk_linker_t* brisk_linker_new(brisk_store_t* store);
/* Frees the linker. What was defined in it stays alive as long as an
 * instance, instance_pre or handle still needs it. */
BRISK_API void brisk_linker_delete(brisk_linker_t* linker);

/* Host function, raw flavour: args and results are 64-bit slots in the
 * function type's order (references as in brisk_val_t.of.ref; a v128 takes
 * two consecutive slots, its low 8 bytes first). Return 0 for
 * success, or set *trap_message (static or owned by env, may stay NULL) and
 * return nonzero to trap the guest. */
typedef int (*brisk_host_fn)(void* env, const uint64_t* args, uint64_t* results, const char** trap_message);

BRISK_API brisk_result_t brisk_linker_define_func(brisk_linker_t* linker, const char* module, const char* name,
                                        const brisk_valtype_t* params, size_t num_params,
                                        const brisk_valtype_t* results, size_t num_results, brisk_host_fn fn,
                                        void* env);

/* Host function with caller context: {caller} gives the calling instance's
 * exports and memory and the store's data; {data} is the function's own
 * pointer. Return NULL for success; return a message (static, or owned by
 * data; a copy is taken) to trap the guest with BRISK_TRAP_HOST, or call
 * brisk_caller_exit and return its value to end the guest with
 * BRISK_ERR_EXIT. Funcref arguments and results are brisk_func_t handles,
 * externrefs ids; results of the wrong type or with a made-up reference
 * trap the guest. */
typedef const char* (*brisk_host_func_t)(brisk_caller_t* caller, void* data, const brisk_val_t* args,
                                         size_t num_args, brisk_val_t* results, size_t num_results);
typedef void (*brisk_finalizer_t)(void* data);

/* Creates a host function; the caller owns the handle (brisk_func_delete).
 * {finalizer}, if not NULL, is called with {data} exactly once, when the
 * function is freed: after brisk_func_delete and once no instance or linker
 * uses it any more, or when the store is deleted. When brisk_func_new
 * fails, it takes nothing: the finalizer is not called and {data} stays
 * the caller's. A finalizer must not call into the store. */
BRISK_API brisk_result_t brisk_func_new(brisk_store_t* store, const brisk_valtype_t* params, size_t num_params,
                              const brisk_valtype_t* results, size_t num_results, brisk_host_func_t fn,
                              void* data, brisk_finalizer_t finalizer, brisk_func_t** out);
/* Drops the handle of a host function made by brisk_func_new. Exported
 * wasm functions belong to their instance: BRISK_ERR_ARGUMENT. */
BRISK_API brisk_result_t brisk_func_delete(brisk_store_t* store, brisk_func_t* func);

/* An export of an instance, or anything a linker can define. */
typedef struct {
  brisk_extern_kind_t kind;
  union {
    brisk_func_t* func;
    brisk_table_t* table;
    brisk_memory_t* memory;
    brisk_global_t* global;
  } of;
} brisk_extern_t;

/* Makes one object importable as {module}.{name}; the linker keeps it
 * alive. Objects of another store: BRISK_ERR_ARGUMENT. */
BRISK_API brisk_result_t brisk_linker_define(brisk_linker_t* linker, const char* module, const char* name,
                                   const brisk_extern_t* item);
/* Makes an instance's exports importable as module {name} (the linker keeps
 * the instance alive). An instance of another store: BRISK_ERR_ARGUMENT. */
BRISK_API brisk_result_t brisk_linker_define_instance(brisk_linker_t* linker, const char* name, brisk_instance_t* instance);

/* ---- instances ---- */

/* Instantiates (runs the start function). On a trap the instance is not
 * returned (and is freed). */
BRISK_API brisk_result_t brisk_instantiate(brisk_linker_t* linker, brisk_module_t* module, brisk_instance_t** out);
/* Drops the instance handle. Its memories, tables and globals are freed
 * when no other instance imports them; handles to its exports go stale. */
BRISK_API void brisk_instance_delete(brisk_instance_t* instance);

/* Imports resolved and type-checked once against a linker, for
 * instantiating the same module many times fast. It keeps the resolved
 * imports alive; later changes to the linker do not affect it. */
BRISK_API brisk_result_t brisk_instance_pre_new(brisk_linker_t* linker, brisk_module_t* module, brisk_instance_pre_t** out);
BRISK_API brisk_result_t brisk_instance_pre_instantiate(brisk_instance_pre_t* pre, brisk_instance_t** out);
BRISK_API void brisk_instance_pre_delete(brisk_instance_pre_t* pre);

/* Exports by name (NULL when absent or of another kind). The handles belong
 * to the instance that defines the object. */
BRISK_API brisk_func_t* brisk_instance_func(brisk_instance_t* instance, const char* name);
BRISK_API brisk_memory_t* brisk_instance_memory_named(brisk_instance_t* instance, const char* name);
BRISK_API brisk_table_t* brisk_instance_table(brisk_instance_t* instance, const char* name);
BRISK_API brisk_global_t* brisk_instance_global(brisk_instance_t* instance, const char* name);
/* Any export by name; returns 0 when there is none. */
BRISK_API int brisk_instance_export_get(brisk_instance_t* instance, const char* name, brisk_extern_t* out);
/* Exports by index, in the module's order (names owned by the module). */
BRISK_API size_t brisk_instance_export_count(const brisk_instance_t* instance);
BRISK_API int brisk_instance_export_nth(brisk_instance_t* instance, size_t i, const char** name, brisk_extern_t* out);
/* Linear memory 0 of the instance, or NULL. Valid until the next call into
 * wasm (which may grow it) or the instance is deleted. */
BRISK_API uint8_t* brisk_instance_memory(brisk_instance_t* instance, size_t* size);

/* ---- calls ---- */

/* Calls {func} with num_args arguments of its parameter types; num_results
 * must equal its result count. */
BRISK_API brisk_result_t brisk_func_call(brisk_store_t* store, brisk_func_t* func, const brisk_val_t* args, size_t num_args,
                               brisk_val_t* results, size_t num_results);
/* The function's type (arrays owned by the store). Returns 0 for a bad or
 * stale handle. */
BRISK_API int brisk_func_type(const brisk_func_t* func, brisk_functype_t* out);

/* ---- caller context (inside a brisk_host_func_t) ---- */

BRISK_API brisk_store_t* brisk_caller_store(brisk_caller_t* caller);
BRISK_API void* brisk_caller_store_data(brisk_caller_t* caller);
/* The calling instance's exports by name; NULL when called by the embedder
 * directly (brisk_func_call on a host function) or when absent. */
BRISK_API int brisk_caller_export_get(brisk_caller_t* caller, const char* name, brisk_extern_t* out);
BRISK_API brisk_func_t* brisk_caller_func(brisk_caller_t* caller, const char* name);
BRISK_API brisk_memory_t* brisk_caller_memory_named(brisk_caller_t* caller, const char* name);
BRISK_API brisk_table_t* brisk_caller_table(brisk_caller_t* caller, const char* name);
BRISK_API brisk_global_t* brisk_caller_global(brisk_caller_t* caller, const char* name);
/* The calling instance's memory 0 (exported or not), or NULL. Valid for the
 * rest of the host call; fetch it again after calling back into wasm, which
 * may grow (move the end of) the memory. */
BRISK_API uint8_t* brisk_caller_memory(brisk_caller_t* caller, size_t* size);
/* Ends the guest as WASI proc_exit would: the outermost call returns
 * BRISK_ERR_EXIT with {code}. Return this function's result from the host
 * function. */
BRISK_API const char* brisk_caller_exit(brisk_caller_t* caller, int code);

/* ---- memories, tables, globals ---- */

/* Accessible bytes; valid until wasm or brisk_memory_grow grows it. */
BRISK_API uint8_t* brisk_memory_data(const brisk_memory_t* memory, size_t* size);
BRISK_API uint64_t brisk_memory_pages(const brisk_memory_t* memory);
BRISK_API int brisk_memory_type(const brisk_memory_t* memory, brisk_memorytype_t* out);
/* Grows by {delta} pages; *old_pages gets the previous size. Past the
 * maximum: BRISK_ERR_ARGUMENT and no change. */
BRISK_API brisk_result_t brisk_memory_grow(brisk_store_t* store, brisk_memory_t* memory, uint64_t delta, uint64_t* old_pages);

BRISK_API uint32_t brisk_table_size(const brisk_table_t* table);
BRISK_API int brisk_table_type(const brisk_table_t* table, brisk_tabletype_t* out);
BRISK_API brisk_result_t brisk_table_get(brisk_store_t* store, brisk_table_t* table, uint32_t index, brisk_val_t* out);
BRISK_API brisk_result_t brisk_table_set(brisk_store_t* store, brisk_table_t* table, uint32_t index, const brisk_val_t* value);
/* Grows by {delta} elements set to {init} (NULL: null). */
BRISK_API brisk_result_t brisk_table_grow(brisk_store_t* store, brisk_table_t* table, uint32_t delta, const brisk_val_t* init,
                                uint32_t* old_size);

BRISK_API int brisk_global_type(const brisk_global_t* global, brisk_globaltype_t* out);
BRISK_API brisk_result_t brisk_global_get(brisk_store_t* store, brisk_global_t* global, brisk_val_t* out);
/* Immutable globals and values of the wrong type: BRISK_ERR_ARGUMENT. */
BRISK_API brisk_result_t brisk_global_set(brisk_store_t* store, brisk_global_t* global, const brisk_val_t* value);

/* ---- references ---- */

/* A funcref value for {func} (NULL: the null funcref). */
BRISK_API brisk_val_t brisk_val_funcref(brisk_func_t* func);
/* The function a funcref value names, or NULL (null, made-up, stale or of
 * another store). */
BRISK_API brisk_func_t* brisk_val_as_func(brisk_store_t* store, const brisk_val_t* value);
/* Externrefs are host values the guest can hold but not look into. Each
 * one is registered in the store and named by a nonzero id; {finalizer} (if
 * not NULL) runs when it is deleted or the store is. */
BRISK_API brisk_result_t brisk_externref_new(brisk_store_t* store, void* data, brisk_finalizer_t finalizer, brisk_val_t* out);
/* The data of an externref; BRISK_ERR_ARGUMENT if it is made-up or deleted. */
BRISK_API brisk_result_t brisk_externref_data(brisk_store_t* store, const brisk_val_t* value, void** data);
/* Unregisters it: the guest may still hold the id, which then no longer
 * resolves (brisk_externref_data fails). */
BRISK_API brisk_result_t brisk_externref_delete(brisk_store_t* store, const brisk_val_t* value);

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
} brisk_store_limits_t;
BRISK_API brisk_result_t brisk_store_set_limits(brisk_store_t* store, const brisk_store_limits_t* limits);

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

/* The engine's pool of released linear memories. Deleting an instance
 * keeps its memories' address-space reservations (8 GiB each with guard
 * pages) in the pool, zeroed, and the next instantiation in any store of
 * the engine takes one, so an instantiate/delete cycle costs no mmap and,
 * for the same module, no mprotect. A pooled memory counts as free for the
 * store limits. Safe to use from any thread. A store made with
 * brisk_store_new() has a private engine, hence a pool of its own that lives
 * as long as the store, with the defaults. */
typedef struct brisk_memory_pool_config_t {
  uint32_t max_memories;          /* memories kept (0: pooling off); default 32 */
  uint64_t max_committed_bytes;   /* read/write bytes kept over all of them; default 256 MiB
                                     (beyond, a memory is kept as a bare reservation) */
  uint64_t keep_resident_bytes;   /* of a kept memory, the first bytes whose resident pages
                                     are cleared with memset and stay resident (no page
                                     faults next time); the rest go back to the kernel.
                                     Default 4 MiB */
} brisk_memory_pool_config_t;
BRISK_API void brisk_memory_pool_config_default(brisk_memory_pool_config_t* config);
/* Applies {config} (NULL: the defaults) from now on; memories already
 * pooled beyond the new bounds are released. */
BRISK_API brisk_result_t brisk_engine_set_memory_pool(brisk_engine_t* engine, const brisk_memory_pool_config_t* config);
typedef struct brisk_memory_pool_stats_t {
  uint32_t memories;          /* in the pool now */
  uint64_t committed_bytes;   /* their read/write bytes */
  uint64_t reused;            /* memories created from the pool so far */
  uint64_t released;          /* memories taken into the pool so far */
} brisk_memory_pool_stats_t;
/* The pool the store's memories come from (its engine's). */
BRISK_API void brisk_store_memory_pool_stats(const brisk_store_t* store, brisk_memory_pool_stats_t* out);

/* Counts of what a store holds, for hosts that watch a long-lived store. */
typedef struct brisk_store_stats_t {
  size_t instances;      /* live instances (deleted ones still imported by others count) */
  size_t live_handles;   /* handles issued and not yet stale */
  size_t handle_slots;   /* handle memory allocated: live plus recyclable */
  /* JIT code memory: bytes of machine code of live instances' functions,
   * and bytes of executable memory mapped for it. Code is owned by its
   * instance and released when the instance is destroyed; 0 in interp mode. */
  size_t jit_code_bytes;
  size_t jit_code_mapped_bytes;
} brisk_store_stats_t;
BRISK_API void brisk_store_stats(const brisk_store_t* store, brisk_store_stats_t* out);

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

/* ---- WASI ----
 *
 * WASI preview1 ("wasi_snapshot_preview1") for a guest: its arguments,
 * environment, preopened directories and stdio, described by a
 * configuration and added to a linker.
 *
 * brisk_linker_define_wasi() creates one WASI context (fd table, preopened
 * directories, stdio streams, args, env) from a snapshot of the config and
 * defines the wasi_snapshot_preview1 functions bound to it. The context is
 * owned by those functions, which are held like any host function (see
 * "Ownership" above): it lives while the linker, or any instance or
 * instance_pre that imported one of them, does, and is freed (its fds
 * closed) with the last of these, or with the store. Consequently:
 *   - every instance the same linker creates shares that one context (one
 *     fd table, one stdout, files opened by one are seen by the next);
 *     give each guest its own linker (or call brisk_linker_define_wasi
 *     again before instantiating: it replaces the definitions for later
 *     instantiations, earlier instances keep the context they imported);
 *   - the config is copied: changing or deleting it afterwards changes
 *     nothing, and one config may set up any number of linkers (each gets
 *     its own, isolated context);
 *   - contexts are fully separate: two guests never share an fd table,
 *     stdin bytes, captured output or preopens.
 *
 * Defaults (a new config): no arguments, an empty environment, no
 * directories, stdin at end of file, stdout and stderr discarded.
 * Nothing of the host is visible unless granted.
 *
 * The setters take copies of their arguments, accept a NULL config (doing
 * nothing), and return 1, or 0 (leaving the config unchanged) for invalid
 * arguments. Host paths and fds are checked when the config is used:
 * brisk_linker_define_wasi fails with BRISK_ERR_ARGUMENT and a message
 * naming the directory or fd. */
typedef struct brisk_wasi_config brisk_wasi_config_t;

/* Receives what the guest writes to stdout or stderr: one call per
 * fd_write, on the thread running the guest, with {len} > 0 bytes that
 * are valid only during the call. It must not call into the store. */
typedef void (*brisk_wasi_output_fn)(void* user, const uint8_t* data, size_t len);

BRISK_API brisk_wasi_config_t* brisk_wasi_config_new(void);
BRISK_API void brisk_wasi_config_delete(brisk_wasi_config_t* config);

/* argv, program name first (argv[0]); replaces earlier arguments. {argv}
 * may be NULL when argc is 0; a NULL entry is invalid. */
BRISK_API int brisk_wasi_config_set_args(brisk_wasi_config_t* config, size_t argc, const char* const* argv);
/* Appends one argument. */
BRISK_API int brisk_wasi_config_push_arg(brisk_wasi_config_t* config, const char* arg);
/* Sets variable {name} to {value} (replacing an earlier value), or with
 * {value} NULL removes it (also from the inherited environment). A name
 * that is empty or contains '=' is invalid. */
BRISK_API int brisk_wasi_config_set_env(brisk_wasi_config_t* config, const char* name, const char* value);
/* {inherit} nonzero: the guest also sees the host's environment, read
 * when brisk_linker_define_wasi runs; variables set with
 * brisk_wasi_config_set_env take precedence. */
BRISK_API int brisk_wasi_config_inherit_env(brisk_wasi_config_t* config, int inherit);

/* Preopens host directory {host_path} as {guest_path} (NULL: the same
 * path), e.g. "/data". The directory is opened by brisk_linker_define_wasi;
 * the guest reaches nothing outside it (no "..", absolute or symlinked way
 * out). With BRISK_WASI_DIR_READ_ONLY the guest can read and list files
 * below it but not write, create, rename, link, unlink, truncate or set
 * times: fds opened under it carry no write rights, and such an attempt is
 * EROFS ("read-only file system"). */
#define BRISK_WASI_DIR_READ_ONLY 1u
BRISK_API int brisk_wasi_config_preopen_dir(brisk_wasi_config_t* config, const char* host_path, const char* guest_path,
                                            uint32_t flags);

/* stdin: the guest reads {len} bytes (copied) and then end of file. */
BRISK_API int brisk_wasi_config_set_stdin_bytes(brisk_wasi_config_t* config, const uint8_t* data, size_t len);
/* stdin, stdout, stderr from/to a host fd. brisk_linker_define_wasi
 * duplicates it (the context closes its duplicate when freed), so the
 * caller may close {fd} afterwards; before, it must be open. */
BRISK_API int brisk_wasi_config_set_stdin_fd(brisk_wasi_config_t* config, int fd);
BRISK_API int brisk_wasi_config_set_stdout_fd(brisk_wasi_config_t* config, int fd);
BRISK_API int brisk_wasi_config_set_stderr_fd(brisk_wasi_config_t* config, int fd);
/* stdout, stderr to {fn} (NULL: discard). {finalizer}, if not NULL, is
 * called with {user} once nothing uses it any more: the config replaced
 * or deleted it and every context made from the config is freed. */
BRISK_API int brisk_wasi_config_set_stdout_callback(brisk_wasi_config_t* config, brisk_wasi_output_fn fn, void* user,
                                                    brisk_finalizer_t finalizer);
BRISK_API int brisk_wasi_config_set_stderr_callback(brisk_wasi_config_t* config, brisk_wasi_output_fn fn, void* user,
                                                    brisk_finalizer_t finalizer);
/* The host's own fds 0, 1 and 2 for stdin, stdout and stderr (what the
 * brisk CLI does). */
BRISK_API int brisk_wasi_config_inherit_stdio(brisk_wasi_config_t* config);

/* Creates a WASI context from {config} (NULL: the defaults) and defines
 * every wasi_snapshot_preview1 function in {linker}, bound to it (see the
 * lifetime rules above). BRISK_ERR_ARGUMENT, defining nothing, when a
 * preopened directory cannot be opened or a stdio fd is not open (the
 * message names the path or fd). In the guest, proc_exit(n) ends the
 * outermost call with BRISK_ERR_EXIT and exit_code n. */
BRISK_API brisk_result_t brisk_linker_define_wasi(brisk_linker_t* linker, const brisk_wasi_config_t* config);

/* Runs a WASI command: calls the instance's export "_start" (type
 * () -> ()). BRISK_OK when it returns, BRISK_ERR_EXIT with exit_code when
 * the guest calls proc_exit (0 included), BRISK_ERR_TRAP when it traps,
 * BRISK_ERR_ARGUMENT when there is no such export. */
BRISK_API brisk_result_t brisk_wasi_run(brisk_store_t* store, brisk_instance_t* instance);

#ifdef __cplusplus
}
#endif

#endif /* BRISK_BRISK_H */

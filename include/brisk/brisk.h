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
 * BRISK_ERR_ARGUMENT too: handle memory is kept until the store is deleted,
 * so a stale handle is detected, never dereferenced as freed memory.
 * Reference values (funcref, externref in brisk_val_t) are validated
 * against the store's tables, so a made-up value is an error as well.
 *
 * Thread safety, per type (a store and everything in it is used by one
 * thread at a time; different stores may run on different threads fully in
 * parallel, there is no global lock):
 *   brisk_store_t       one thread at a time; may move between threads
 *                       between calls. brisk_store_interrupt() may be
 *                       called from any thread at any time.
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
} brisk_config_t;

/* Outcome of an operation. On failure, message is a NUL-terminated
 * description owned by the store (valid until the next call on it). */
typedef enum {
  BRISK_OK = 0,
  BRISK_ERR_INVALID_MODULE = 1, /* malformed or invalid wasm; offset is set */
  BRISK_ERR_LINK = 2,           /* an import could not be satisfied */
  BRISK_ERR_TRAP = 3,           /* the guest trapped; trap_code is set */
  BRISK_ERR_EXIT = 4,           /* the guest exited (WASI proc_exit); exit_code is set */
  BRISK_ERR_ARGUMENT = 5,       /* bad argument (count, type, unknown name, stale or foreign handle) */
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
  BRISK_TRAP_OUT_OF_FUEL = 15,
} brisk_trap_code_t;

typedef struct {
  brisk_status_t status;
  const char* message;
  uint64_t offset;    /* BRISK_ERR_INVALID_MODULE: byte offset, or UINT64_MAX */
  int trap_code;      /* BRISK_ERR_TRAP: a brisk_trap_code_t */
  int exit_code;      /* BRISK_ERR_EXIT */
} brisk_result_t;

void brisk_config_default(brisk_config_t* config);

/* ---- stores ---- */

brisk_store_t* brisk_store_new(const brisk_config_t* config);
void brisk_store_delete(brisk_store_t* store);
/* Makes running wasm of this store trap with "interrupted" at the next loop
 * back-edge or call. Safe from any thread (an editor's cancel button). */
void brisk_store_interrupt(brisk_store_t* store);
/* The embedder's pointer for this store (NULL until set); host functions
 * reach it through brisk_caller_store_data. brisk never dereferences it. */
void brisk_store_set_data(brisk_store_t* store, void* data);
void* brisk_store_get_data(const brisk_store_t* store);

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
size_t brisk_trap_frame_count(const brisk_store_t* store);
/* Fills *out with frame i; returns 0 when i is out of range. */
int brisk_trap_frame(const brisk_store_t* store, size_t i, brisk_frame_t* out);

/* ---- modules and introspection ---- */

/* Decodes and validates a module (the bytes are copied). The module is not
 * tied to {store} (which only receives the error message): it can be
 * instantiated in any store, on any thread. It is freed by
 * brisk_module_delete, or with {store} if never deleted. */
brisk_result_t brisk_module_new(brisk_store_t* store, const uint8_t* bytes, size_t len, brisk_module_t** out);
void brisk_module_delete(brisk_module_t* module);

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
size_t brisk_module_import_count(const brisk_module_t* module);
int brisk_module_import(const brisk_module_t* module, size_t i, brisk_import_t* out);
size_t brisk_module_export_count(const brisk_module_t* module);
int brisk_module_export(const brisk_module_t* module, size_t i, brisk_export_t* out);
/* The payload of the nth (0-based) custom section called {name}, or NULL
 * if there is none. Owned by the module. */
const uint8_t* brisk_module_custom_section(const brisk_module_t* module, const char* name, size_t nth, size_t* len);

/* ---- host functions and linkers ---- */

brisk_linker_t* brisk_linker_new(brisk_store_t* store);
/* Frees the linker. What was defined in it stays alive as long as an
 * instance, instance_pre or handle still needs it. */
void brisk_linker_delete(brisk_linker_t* linker);

/* Host function, raw flavour: args and results are 64-bit slots in the
 * function type's order (references as in brisk_val_t.of.ref). Return 0 for
 * success, or set *trap_message (static or owned by env, may stay NULL) and
 * return nonzero to trap the guest. */
typedef int (*brisk_host_fn)(void* env, const uint64_t* args, uint64_t* results, const char** trap_message);

brisk_result_t brisk_linker_define_func(brisk_linker_t* linker, const char* module, const char* name,
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
 * uses it any more, or when the store is deleted. A finalizer must not call
 * into the store. */
brisk_result_t brisk_func_new(brisk_store_t* store, const brisk_valtype_t* params, size_t num_params,
                              const brisk_valtype_t* results, size_t num_results, brisk_host_func_t fn,
                              void* data, brisk_finalizer_t finalizer, brisk_func_t** out);
/* Drops the handle of a host function made by brisk_func_new. Exported
 * wasm functions belong to their instance: BRISK_ERR_ARGUMENT. */
brisk_result_t brisk_func_delete(brisk_store_t* store, brisk_func_t* func);

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
brisk_result_t brisk_linker_define(brisk_linker_t* linker, const char* module, const char* name,
                                   const brisk_extern_t* item);
/* Makes an instance's exports importable as module {name} (the linker keeps
 * the instance alive). An instance of another store: BRISK_ERR_ARGUMENT. */
brisk_result_t brisk_linker_define_instance(brisk_linker_t* linker, const char* name, brisk_instance_t* instance);

/* ---- instances ---- */

/* Instantiates (runs the start function). On a trap the instance is not
 * returned (and is freed). */
brisk_result_t brisk_instantiate(brisk_linker_t* linker, brisk_module_t* module, brisk_instance_t** out);
/* Drops the instance handle. Its memories, tables and globals are freed
 * when no other instance imports them; handles to its exports go stale. */
void brisk_instance_delete(brisk_instance_t* instance);

/* Imports resolved and type-checked once against a linker, for
 * instantiating the same module many times fast. It keeps the resolved
 * imports alive; later changes to the linker do not affect it. */
brisk_result_t brisk_instance_pre_new(brisk_linker_t* linker, brisk_module_t* module, brisk_instance_pre_t** out);
brisk_result_t brisk_instance_pre_instantiate(brisk_instance_pre_t* pre, brisk_instance_t** out);
void brisk_instance_pre_delete(brisk_instance_pre_t* pre);

/* Exports by name (NULL when absent or of another kind). The handles belong
 * to the instance that defines the object. */
brisk_func_t* brisk_instance_func(brisk_instance_t* instance, const char* name);
brisk_memory_t* brisk_instance_memory_named(brisk_instance_t* instance, const char* name);
brisk_table_t* brisk_instance_table(brisk_instance_t* instance, const char* name);
brisk_global_t* brisk_instance_global(brisk_instance_t* instance, const char* name);
/* Any export by name; returns 0 when there is none. */
int brisk_instance_export_get(brisk_instance_t* instance, const char* name, brisk_extern_t* out);
/* Exports by index, in the module's order (names owned by the module). */
size_t brisk_instance_export_count(const brisk_instance_t* instance);
int brisk_instance_export_nth(brisk_instance_t* instance, size_t i, const char** name, brisk_extern_t* out);
/* Linear memory 0 of the instance, or NULL. Valid until the next call into
 * wasm (which may grow it) or the instance is deleted. */
uint8_t* brisk_instance_memory(brisk_instance_t* instance, size_t* size);

/* ---- calls ---- */

/* Calls {func} with num_args arguments of its parameter types; num_results
 * must equal its result count. */
brisk_result_t brisk_func_call(brisk_store_t* store, brisk_func_t* func, const brisk_val_t* args, size_t num_args,
                               brisk_val_t* results, size_t num_results);
/* The function's type (arrays owned by the store). Returns 0 for a bad or
 * stale handle. */
int brisk_func_type(const brisk_func_t* func, brisk_functype_t* out);

/* ---- caller context (inside a brisk_host_func_t) ---- */

brisk_store_t* brisk_caller_store(brisk_caller_t* caller);
void* brisk_caller_store_data(brisk_caller_t* caller);
/* The calling instance's exports by name; NULL when called by the embedder
 * directly (brisk_func_call on a host function) or when absent. */
int brisk_caller_export_get(brisk_caller_t* caller, const char* name, brisk_extern_t* out);
brisk_func_t* brisk_caller_func(brisk_caller_t* caller, const char* name);
brisk_memory_t* brisk_caller_memory_named(brisk_caller_t* caller, const char* name);
brisk_table_t* brisk_caller_table(brisk_caller_t* caller, const char* name);
brisk_global_t* brisk_caller_global(brisk_caller_t* caller, const char* name);
/* The calling instance's memory 0 (exported or not), or NULL. Valid for the
 * rest of the host call; fetch it again after calling back into wasm, which
 * may grow (move the end of) the memory. */
uint8_t* brisk_caller_memory(brisk_caller_t* caller, size_t* size);
/* Ends the guest as WASI proc_exit would: the outermost call returns
 * BRISK_ERR_EXIT with {code}. Return this function's result from the host
 * function. */
const char* brisk_caller_exit(brisk_caller_t* caller, int code);

/* ---- memories, tables, globals ---- */

/* Accessible bytes; valid until wasm or brisk_memory_grow grows it. */
uint8_t* brisk_memory_data(const brisk_memory_t* memory, size_t* size);
uint64_t brisk_memory_pages(const brisk_memory_t* memory);
int brisk_memory_type(const brisk_memory_t* memory, brisk_memorytype_t* out);
/* Grows by {delta} pages; *old_pages gets the previous size. Past the
 * maximum: BRISK_ERR_ARGUMENT and no change. */
brisk_result_t brisk_memory_grow(brisk_store_t* store, brisk_memory_t* memory, uint64_t delta, uint64_t* old_pages);

uint32_t brisk_table_size(const brisk_table_t* table);
int brisk_table_type(const brisk_table_t* table, brisk_tabletype_t* out);
brisk_result_t brisk_table_get(brisk_store_t* store, brisk_table_t* table, uint32_t index, brisk_val_t* out);
brisk_result_t brisk_table_set(brisk_store_t* store, brisk_table_t* table, uint32_t index, const brisk_val_t* value);
/* Grows by {delta} elements set to {init} (NULL: null). */
brisk_result_t brisk_table_grow(brisk_store_t* store, brisk_table_t* table, uint32_t delta, const brisk_val_t* init,
                                uint32_t* old_size);

int brisk_global_type(const brisk_global_t* global, brisk_globaltype_t* out);
brisk_result_t brisk_global_get(brisk_store_t* store, brisk_global_t* global, brisk_val_t* out);
/* Immutable globals and values of the wrong type: BRISK_ERR_ARGUMENT. */
brisk_result_t brisk_global_set(brisk_store_t* store, brisk_global_t* global, const brisk_val_t* value);

/* ---- references ---- */

/* A funcref value for {func} (NULL: the null funcref). */
brisk_val_t brisk_val_funcref(brisk_func_t* func);
/* The function a funcref value names, or NULL (null, made-up, stale or of
 * another store). */
brisk_func_t* brisk_val_as_func(brisk_store_t* store, const brisk_val_t* value);
/* Externrefs are host values the guest can hold but not look into. Each
 * one is registered in the store and named by a nonzero id; {finalizer} (if
 * not NULL) runs when it is deleted or the store is. */
brisk_result_t brisk_externref_new(brisk_store_t* store, void* data, brisk_finalizer_t finalizer, brisk_val_t* out);
/* The data of an externref; BRISK_ERR_ARGUMENT if it is made-up or deleted. */
brisk_result_t brisk_externref_data(brisk_store_t* store, const brisk_val_t* value, void** data);
/* Unregisters it: the guest may still hold the id, which then no longer
 * resolves (brisk_externref_data fails). */
brisk_result_t brisk_externref_delete(brisk_store_t* store, const brisk_val_t* value);

#ifdef __cplusplus
}
#endif

#endif /* BRISK_BRISK_H */

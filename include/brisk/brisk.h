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

#ifdef __cplusplus
}
#endif

#endif /* BRISK_BRISK_H */

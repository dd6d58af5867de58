/* wasm_brisk.h: brisk's extensions to the standard wasm.h. */
#ifndef BRISK_WASM_BRISK_H
#define BRISK_WASM_BRISK_H

#include <wasm.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The execution mode of every store of an engine made with this config;
 * the same values as brisk_mode_t: 0 interpreter, 1 JIT, 2 tiered (the
 * default: interpret first, compile what is hot). Returns false (and
 * changes nothing) for another value. */
typedef enum {
  WASM_BRISK_MODE_INTERP = 0,
  WASM_BRISK_MODE_JIT = 1,
  WASM_BRISK_MODE_TIERED = 2,
} wasm_brisk_mode_t;
WASM_API_EXTERN bool wasm_config_set_brisk_mode(wasm_config_t*, wasm_brisk_mode_t mode);

/* The value kind brisk reports for v128 in function, global and table
 * types (the standard wasm.h has no v128 kind, nor room for one in
 * wasm_val_t). Values of this kind cannot cross wasm.h: a call whose
 * signature has a v128 fails with a type mismatch, before it runs. */
#define WASM_BRISK_V128 ((wasm_valkind_t)4)

/* Tier-up threshold of tiered stores (0: brisk's default). Tests set 1 to
 * compile every function at its first call. */
WASM_API_EXTERN void wasm_config_set_brisk_tier_up_threshold(wasm_config_t*, uint32_t threshold);

/* Why the last failed wasm_module_new, wasm_module_validate,
 * wasm_module_deserialize, wasm_instance_new, wasm_global_new,
 * wasm_table_new, wasm_memory_new or wasm_global_set of this store failed
 * (wasm.h gives only NULL or false), or NULL. Owned by the store; valid
 * until its next failure. */
WASM_API_EXTERN const char* wasm_store_brisk_last_error(const wasm_store_t*);

#ifdef __cplusplus
}
#endif

#endif /* BRISK_WASM_BRISK_H */

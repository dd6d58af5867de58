/* trap: traps from host functions (wasm_trap_new) and from wasm, with
 * their messages, origins and traces; stack exhaustion; trap references. */
#include "wasmc_test.h"

static wasm_store_t* g_store;

static wasm_trap_t* fail_callback(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  CHECK(env == (void*)g_store);
  wasm_message_t message;
  wasm_name_new_from_string_nt(&message, "callback abort");
  wasm_trap_t* trap = wasm_trap_new(g_store, &message);
  wasm_name_delete(&message);
  return trap;
}

static wasm_trap_t* call0(const wasm_func_t* f, size_t nresults) {
  wasm_val_t rs[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_EMPTY_VEC, results = {nresults, rs};
  return wasm_func_call(f, &args, &results);
}

int main(int argc, char** argv) {
  wasm_engine_t* engine = test_engine(argc, argv);
  wasm_store_t* store = g_store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "trap");

  wasm_functype_t* fail_type = wasm_functype_new_0_1(wasm_valtype_new_i32());
  wasm_func_t* fail = wasm_func_new_with_env(store, fail_type, fail_callback, store, NULL);
  wasm_functype_delete(fail_type);
  wasm_extern_t* externs[] = {wasm_func_as_extern(fail)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  const wasm_func_t* callback = wasm_extern_as_func(find_export(module, &exports, "callback"));
  const wasm_func_t* unreachable = wasm_extern_as_func(find_export(module, &exports, "unreachable"));
  const wasm_func_t* recurse = wasm_extern_as_func(find_export(module, &exports, "recurse"));

  /* A host trap comes back with the host's message, through wasm. */
  wasm_trap_t* trap = call0(callback, 1);
  CHECK(trap != NULL);
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  CHECK(strcmp(message.data, "callback abort") == 0 && message.size == strlen("callback abort") + 1);
  wasm_byte_vec_delete(&message);
  wasm_frame_t* origin = wasm_trap_origin(trap);
  CHECK(origin != NULL && wasm_frame_func_index(origin) == 1); /* the export that called the host */
  wasm_frame_delete(origin);
  wasm_trap_delete(trap);

  /* A wasm trap: unreachable in $inner (2) called by the export (3). */
  trap = call0(unreachable, 0);
  CHECK(trap != NULL);
  wasm_trap_message(trap, &message);
  CHECK(strcmp(message.data, "unreachable") == 0);
  wasm_byte_vec_delete(&message);
  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  CHECK(trace.size == 2);
  CHECK(wasm_frame_func_index(trace.data[0]) == 2 && wasm_frame_func_index(trace.data[1]) == 3);
  CHECK(wasm_frame_func_offset(trace.data[0]) == 0);
  wasm_frame_vec_delete(&trace);

  /* Traps are references: copies are the same trap, host info works. */
  wasm_trap_t* copy = wasm_trap_copy(trap);
  CHECK(wasm_trap_same(copy, trap));
  wasm_trap_set_host_info(copy, &message);
  CHECK(wasm_trap_get_host_info(trap) == &message);
  CHECK(wasm_ref_as_trap(wasm_trap_as_ref(copy)) == copy);
  CHECK(wasm_ref_as_trap_const(wasm_trap_as_ref_const(copy)) == copy);
  wasm_trap_delete(copy);
  wasm_trap_delete(trap);

  /* Unbounded recursion: a stack-exhaustion trap, and the store still works. */
  wasm_val_t as[] = {WASM_I32_VAL(0)};
  wasm_val_t rs[1];
  wasm_val_vec_t args = WASM_ARRAY_VEC(as), results = WASM_ARRAY_VEC(rs);
  check_trap(wasm_func_call(recurse, &args, &results), "call stack exhausted");
  check_trap(call0(callback, 1), "callback abort");

  /* A host-made trap without frames; messages without a NUL get one. */
  wasm_message_t raw;
  wasm_name_new_from_string(&raw, "no nul");
  trap = wasm_trap_new(store, &raw);
  wasm_name_delete(&raw);
  CHECK(wasm_trap_origin(trap) == NULL);
  wasm_trap_trace(trap, &trace);
  CHECK(trace.size == 0);
  wasm_frame_vec_delete(&trace);
  wasm_trap_message(trap, &message);
  CHECK(message.size == 7 && strcmp(message.data, "no nul") == 0);
  wasm_byte_vec_delete(&message);
  wasm_trap_delete(trap);

  wasm_func_delete(fail);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("trap: ok\n");
  return 0;
}

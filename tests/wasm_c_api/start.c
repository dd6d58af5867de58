/* start: a start function that traps makes wasm_instance_new fail with
 * that trap (message, origin and trace); a NULL trap out-parameter is
 * allowed. */
#include "wasmc_test.h"

int main(int argc, char** argv) {
  wasm_engine_t* engine = test_engine(argc, argv);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "start");

  wasm_extern_vec_t imports = WASM_EMPTY_VEC;
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
  CHECK(instance == NULL);
  CHECK(trap != NULL);

  wasm_message_t message;
  wasm_trap_message(trap, &message);
  CHECK(message.size == strlen("integer divide by zero") + 1);
  CHECK(strcmp(message.data, "integer divide by zero") == 0);
  wasm_byte_vec_delete(&message);

  /* Innermost first: $helper (0) called by $start (1). */
  wasm_frame_t* origin = wasm_trap_origin(trap);
  CHECK(origin != NULL);
  CHECK(wasm_frame_func_index(origin) == 0);
  CHECK(wasm_frame_module_offset(origin) > 0);
  CHECK(wasm_frame_instance(origin) == NULL); /* brisk does not record it */
  wasm_frame_t* origin_copy = wasm_frame_copy(origin);
  CHECK(wasm_frame_func_index(origin_copy) == 0 &&
        wasm_frame_module_offset(origin_copy) == wasm_frame_module_offset(origin));
  wasm_frame_delete(origin_copy);

  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  CHECK(trace.size == 2);
  CHECK(wasm_frame_func_index(trace.data[0]) == 0 && wasm_frame_func_index(trace.data[1]) == 1);
  CHECK(wasm_frame_module_offset(trace.data[0]) == wasm_frame_module_offset(origin));
  CHECK(wasm_frame_module_offset(trace.data[1]) > wasm_frame_module_offset(trace.data[0]));
  wasm_frame_vec_t trace_copy;
  wasm_frame_vec_copy(&trace_copy, &trace);
  CHECK(trace_copy.size == 2 && wasm_frame_func_index(trace_copy.data[1]) == 1);
  wasm_frame_vec_delete(&trace_copy);
  wasm_frame_vec_delete(&trace);
  wasm_frame_delete(origin);
  wasm_trap_delete(trap);

  /* Without a trap out-parameter. */
  CHECK(wasm_instance_new(store, module, &imports, NULL) == NULL);
  CHECK(strstr(wasm_store_brisk_last_error(store), "integer divide by zero") != NULL);

  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("start: ok\n");
  return 0;
}

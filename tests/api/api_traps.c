/* Point 7: traps and exits as values with detail: a public trap code per
 * kind, the backtrace (function index, name from the name section, code
 * offset) of the last failed call, and exits with their code. */
#include "api_test.h"

static int g_fail_mode;
static int host_fail(void* env, const uint64_t* args, uint64_t* results, const char** trap) {
  if (g_fail_mode == 1) *trap = "the host says no";
  return 1; /* mode 0: trap with a NULL message */
}

static brisk_result_t call(brisk_store_t* s, brisk_instance_t* inst, const char* name, int nargs, int nres) {
  brisk_val_t arg = val_i32(0), res;
  return brisk_func_call(s, brisk_instance_func(inst, name), &arg, (size_t)nargs, &res, (size_t)nres);
}

static void expect_trap(brisk_store_t* s, brisk_instance_t* inst, const char* name, int nargs, int nres,
                        brisk_trap_code_t code, const char* text) {
  brisk_result_t r = call(s, inst, name, nargs, nres);
  if (r.status != BRISK_ERR_TRAP || r.trap_code != (int)code || !strstr(r.message, text)) {
    fprintf(stderr, "%s: status %d code %d (%s), want trap %d (%s)\n", name, (int)r.status, r.trap_code, r.message,
            (int)code, text);
    exit(1);
  }
  CHECK(brisk_trap_frame_count(s) >= 1);
}

int main(int argc, char** argv) {
  test_init(argc, argv);
  brisk_store_t* s = new_store();
  size_t wasm_len;
  free(read_wasm("traps", &wasm_len));
  brisk_module_t* m = load_module(s, "traps");
  brisk_linker_t* l = brisk_linker_new(s);
  CHECK_OK(brisk_linker_define_func(l, "host", "fail", NULL, 0, NULL, 0, host_fail, NULL));
  brisk_instance_t* inst = NULL;
  CHECK_OK(brisk_instantiate(l, m, &inst));

  expect_trap(s, inst, "unreachable", 0, 0, BRISK_TRAP_UNREACHABLE, "unreachable");
  /* Backtrace, innermost first: $inner <- $middle <- the export. */
  CHECK(brisk_trap_frame_count(s) == 3);
  brisk_frame_t f;
  CHECK(brisk_trap_frame(s, 0, &f) && f.func_index == 1 && strcmp(f.name, "inner") == 0);
  CHECK(f.code_offset == UINT64_MAX || f.code_offset < wasm_len);
  CHECK(brisk_trap_frame(s, 1, &f) && f.func_index == 2 && strcmp(f.name, "middle") == 0);
  CHECK(brisk_trap_frame(s, 2, &f) && f.func_index == 3);
  CHECK(!brisk_trap_frame(s, 3, &f));
  CHECK(!brisk_trap_frame(NULL, 0, &f) && brisk_trap_frame_count(NULL) == 0);

  expect_trap(s, inst, "div0", 1, 1, BRISK_TRAP_INT_DIV_BY_ZERO, "integer divide by zero");
  expect_trap(s, inst, "overflow", 0, 1, BRISK_TRAP_INT_OVERFLOW, "integer overflow");
  expect_trap(s, inst, "convert", 0, 1, BRISK_TRAP_INVALID_CONVERSION, "invalid conversion");
  expect_trap(s, inst, "oob", 0, 1, BRISK_TRAP_MEMORY_OUT_OF_BOUNDS, "out of bounds memory access");
  expect_trap(s, inst, "table_oob", 0, 0, BRISK_TRAP_UNDEFINED_ELEMENT, "undefined element");
  expect_trap(s, inst, "null_elem", 0, 0, BRISK_TRAP_UNINITIALIZED_ELEMENT, "uninitialized element");
  expect_trap(s, inst, "mismatch", 0, 1, BRISK_TRAP_INDIRECT_CALL_TYPE_MISMATCH, "indirect call type mismatch");
  expect_trap(s, inst, "deep", 0, 0, BRISK_TRAP_STACK_EXHAUSTED, "call stack exhausted");
  CHECK(brisk_trap_frame(s, 0, &f) && strcmp(f.name, "deep") == 0);
  g_fail_mode = 0; /* a host trap with a NULL message */
  expect_trap(s, inst, "host_fail", 0, 0, BRISK_TRAP_HOST, "host function trapped");
  /* The host function is not a wasm frame: the innermost is its caller. */
  CHECK(brisk_trap_frame(s, 0, &f) && f.func_index == 12 && strcmp(f.name, "host_fail") == 0);
  g_fail_mode = 1;
  expect_trap(s, inst, "host_fail", 0, 0, BRISK_TRAP_HOST, "the host says no");

  /* A successful call clears the backtrace. */
  brisk_val_t one = val_i32(1), res;
  CHECK_OK(brisk_func_call(s, brisk_instance_func(inst, "div0"), &one, 1, &res, 1));
  CHECK(res.of.i32 == 1 && brisk_trap_frame_count(s) == 0);

  brisk_store_delete(s);
  return TEST_DONE();
}

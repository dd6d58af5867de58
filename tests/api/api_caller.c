/* Point 3: host functions with caller context. The callback sees the
 * calling instance's exports by name and its memory (also from the start
 * function, which runs once memories exist), the store's data and its own
 * data, whose finalizer runs exactly once when the function is freed. */
#include "api_test.h"

typedef struct {
  char logged[64];
  int poked_during_start;
  int counter_seen;
  int table_size_seen;
  int finalized;
} Plugin;

static const char* host_log(brisk_caller_t* c, void* data, const brisk_val_t* args, size_t na, brisk_val_t* res,
                            size_t nr) {
  Plugin* p = (Plugin*)data;
  size_t size;
  uint8_t* mem = brisk_caller_memory(c, &size);
  uint32_t ptr = (uint32_t)args[0].of.i32, len = (uint32_t)args[1].of.i32;
  if (!mem || ptr > size || len > size - ptr || len >= sizeof p->logged) return "log: out of bounds";
  memcpy(p->logged, mem + ptr, len);
  p->logged[len] = 0;
  return NULL;
}

/* Imported by the start function: memory and exports must be reachable. */
static const char* host_poke(brisk_caller_t* c, void* data, const brisk_val_t* args, size_t na, brisk_val_t* res,
                             size_t nr) {
  Plugin* p = (Plugin*)data;
  size_t size;
  uint8_t* mem = brisk_caller_memory(c, &size);
  if (!mem || size != 65536) return "poke: no memory during start";
  mem[0] = (uint8_t)args[0].of.i32;
  p->poked_during_start = 1;
  brisk_global_t* g = brisk_caller_global(c, "counter");
  brisk_val_t v;
  if (!g || brisk_global_get(brisk_caller_store(c), g, &v).status != BRISK_OK) return "poke: no counter";
  p->counter_seen = v.of.i32;
  brisk_table_t* t = brisk_caller_table(c, "table");
  p->table_size_seen = t ? (int)brisk_table_size(t) : -1;
  brisk_memory_t* m = brisk_caller_memory_named(c, "memory");
  size_t msize;
  if (!m || brisk_memory_data(m, &msize) != mem || msize != size) return "poke: memory export differs";
  return NULL;
}

static const char* host_sum(brisk_caller_t* c, void* data, const brisk_val_t* args, size_t na, brisk_val_t* res,
                            size_t nr) {
  if (brisk_caller_store_data(c) != (void*)&host_sum) return "sum: wrong store data";
  brisk_func_t* add = brisk_caller_func(c, "add");
  if (!add) return "sum: no add export";
  if (brisk_caller_func(c, "memory") != NULL) return "sum: memory returned as a function";
  brisk_result_t r = brisk_func_call(brisk_caller_store(c), add, args, 2, res, 1);
  return r.status == BRISK_OK ? NULL : "sum: call failed";
}

/* Calls back into wasm, which grows memory: the pointer and size must be
 * fetched again afterwards. */
static const char* host_grow_then_read(brisk_caller_t* c, void* data, const brisk_val_t* args, size_t na,
                                       brisk_val_t* res, size_t nr) {
  size_t before, after;
  brisk_caller_memory(c, &before);
  brisk_val_t one = val_i32(1), old;
  if (brisk_func_call(brisk_caller_store(c), brisk_caller_func(c, "grow"), &one, 1, &old, 1).status != BRISK_OK)
    return "grow failed";
  uint8_t* mem = brisk_caller_memory(c, &after);
  if (after != before + 65536) return "memory size not updated";
  mem[after - 1] = 0x5a; /* the last byte of the new page is writable */
  res[0] = val_i32((int32_t)(after / 65536));
  return NULL;
}

static const char* host_bye(brisk_caller_t* c, void* data, const brisk_val_t* args, size_t na, brisk_val_t* res,
                            size_t nr) {
  return brisk_caller_exit(c, args[0].of.i32);
}

/* Called by the embedder directly: there is no calling instance. */
static const char* host_no_caller(brisk_caller_t* c, void* data, const brisk_val_t* args, size_t na, brisk_val_t* res,
                                  size_t nr) {
  size_t size = 1;
  if (brisk_caller_memory(c, &size) != NULL || size != 0) return "memory without caller";
  if (brisk_caller_func(c, "add") != NULL) return "export without caller";
  res[0] = val_i32(args[0].of.i32 + 1);
  return NULL;
}

/* Returns a result of another type than its signature's: a trap, not a value. */
static const char* host_wrong_result(brisk_caller_t* c, void* data, const brisk_val_t* args, size_t na,
                                     brisk_val_t* res, size_t nr) {
  res[0].type = BRISK_I64;
  res[0].of.i64 = 1;
  return NULL;
}

static void finalize(void* data) { ((Plugin*)data)->finalized++; }

static brisk_func_t* host(brisk_store_t* s, brisk_linker_t* l, const char* name, size_t np, size_t nr,
                          brisk_host_func_t fn, Plugin* p) {
  const brisk_valtype_t types[2] = {BRISK_I32, BRISK_I32};
  brisk_func_t* f = NULL;
  CHECK_OK(brisk_func_new(s, types, np, types, nr, fn, p, finalize, &f));
  brisk_extern_t x;
  x.kind = BRISK_EXTERN_FUNC;
  x.of.func = f;
  CHECK_OK(brisk_linker_define(l, "host", name, &x));
  return f;
}

int main(int argc, char** argv) {
  test_init(argc, argv);
  Plugin p;
  memset(&p, 0, sizeof p);
  brisk_store_t* s = new_store();
  brisk_store_set_data(s, (void*)&host_sum);
  CHECK(brisk_store_get_data(s) == (void*)&host_sum);
  brisk_module_t* m = load_module(s, "caller");
  brisk_linker_t* l = brisk_linker_new(s);
  brisk_func_t* fs[5];
  fs[0] = host(s, l, "log", 2, 0, host_log, &p);
  fs[1] = host(s, l, "poke", 1, 0, host_poke, &p);
  fs[2] = host(s, l, "sum_via_caller", 2, 1, host_sum, &p);
  fs[3] = host(s, l, "grow_then_read", 0, 1, host_grow_then_read, &p);
  fs[4] = host(s, l, "bye", 1, 0, host_bye, &p);

  brisk_instance_t* inst = NULL;
  CHECK_OK(brisk_instantiate(l, m, &inst));
  CHECK(p.poked_during_start == 1);
  CHECK(p.counter_seen == 7);
  CHECK(p.table_size_seen == 2);
  size_t size;
  CHECK(brisk_instance_memory(inst, &size)[0] == 100);

  CHECK_OK(brisk_func_call(s, brisk_instance_func(inst, "say"), NULL, 0, NULL, 0));
  CHECK(strcmp(p.logged, "hello from wasm") == 0);
  CHECK(call_i32(s, inst, "sum", 2, 40, 2) == 42);
  for (int i = 0; i < 3; ++i) CHECK(call_i32(s, inst, "grow_read", 0, 0, 0) == 2 + i);
  CHECK(call_i32(s, inst, "read", 1, 3 * 65536 + 65535, 0) == 0x5a);

  /* Exit through the caller: BRISK_ERR_EXIT with the code. */
  brisk_val_t code = val_i32(3);
  brisk_result_t r = brisk_func_call(s, brisk_instance_func(inst, "exit"), &code, 1, NULL, 0);
  CHECK(r.status == BRISK_ERR_EXIT && r.exit_code == 3);

  /* Direct call of a host function: no caller instance. */
  const brisk_valtype_t i32 = BRISK_I32;
  brisk_func_t* direct = NULL;
  CHECK_OK(brisk_func_new(s, &i32, 1, &i32, 1, host_no_caller, &p, finalize, &direct));
  brisk_val_t arg = val_i32(9), res;
  CHECK_OK(brisk_func_call(s, direct, &arg, 1, &res, 1));
  CHECK(res.of.i32 == 10);
  CHECK_OK(brisk_func_delete(s, direct));
  CHECK(p.finalized == 1); /* nobody else held it */
  CHECK_STATUS(brisk_func_call(s, direct, &arg, 1, &res, 1), BRISK_ERR_ARGUMENT);
  CHECK_STATUS(brisk_func_delete(s, direct), BRISK_ERR_ARGUMENT);

  /* A result of the wrong type traps with what went wrong. */
  brisk_func_t* wrong = NULL;
  CHECK_OK(brisk_func_new(s, &i32, 1, &i32, 1, host_wrong_result, NULL, NULL, &wrong));
  r = brisk_func_call(s, wrong, &arg, 1, &res, 1);
  CHECK(r.status == BRISK_ERR_TRAP && r.trap_code == BRISK_TRAP_HOST &&
        strstr(r.message, "host function result 0 has the wrong type") != NULL);
  CHECK_OK(brisk_func_delete(s, wrong));

  /* Finalizers run once the last holder is gone: handle, linker, instance. */
  for (int i = 0; i < 5; ++i) CHECK_OK(brisk_func_delete(s, fs[i]));
  CHECK(p.finalized == 1);
  brisk_linker_delete(l);
  CHECK(p.finalized == 1); /* the instance still imports them */
  brisk_instance_delete(inst);
  CHECK(p.finalized == 6);

  /* A finalizer of a function never deleted runs with the store. */
  Plugin q;
  memset(&q, 0, sizeof q);
  brisk_func_t* kept = NULL;
  CHECK_OK(brisk_func_new(s, &i32, 1, &i32, 1, host_no_caller, &q, finalize, &kept));
  brisk_store_delete(s);
  CHECK(q.finalized == 1);
  return TEST_DONE();
}

/* WASI through the C API (brisk.h, block "WASI"), in the mode of argv[1]:
 * args and env (set, replaced, unset, inherited), stdout/stderr captured by
 * a callback and written to a host fd, stdin from bytes and the EOF
 * default, a read-only preopen under a guest name, two WASI contexts in one
 * process kept apart, one linker's instances sharing one, config lifetime
 * and finalizers, proc_exit as BRISK_ERR_EXIT, and the error messages.
 * The guests: wasi/wasi_guest.c (BRISK_API_WASI_GUEST) and wat/wasi_fds.wat.
 * Only the public header is used. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api_test.h"

/* ---- captured output ---- */

typedef struct {
  char data[4096];
  size_t len;
  int calls;
  int finalized;
} capture_t;

static void capture(void* user, const uint8_t* data, size_t len) {
  capture_t* c = (capture_t*)user;
  CHECK(len > 0);
  if (c->len + len >= sizeof c->data) len = sizeof c->data - 1 - c->len;
  memcpy(c->data + c->len, data, len);
  c->len += len;
  c->data[c->len] = 0;
  c->calls++;
}

static void capture_finalize(void* user) { ((capture_t*)user)->finalized++; }

#define CHECK_CONTAINS(haystack, needle)                                                     \
  do {                                                                                       \
    if (!strstr((haystack), (needle))) {                                                     \
      fprintf(stderr, "%s:%d: '%s' lacks '%s'\n", __FILE__, __LINE__, (haystack), (needle)); \
      exit(1);                                                                               \
    }                                                                                        \
  } while (0)

static brisk_module_t* load_guest(brisk_store_t* s) {
  size_t len;
  unsigned char* bytes = api_read_file(BRISK_API_WASI_GUEST, &len);
  CHECK(bytes != NULL);
  brisk_module_t* m = NULL;
  CHECK_OK(brisk_module_new(s, bytes, len, &m));
  free(bytes);
  return m;
}

/* Runs the C guest with {config} in a new store; returns the result of
 * brisk_wasi_run (its status and exit code). */
static brisk_result_t run_guest(const brisk_wasi_config_t* config, int* exit_code) {
  brisk_store_t* s = new_store();
  brisk_module_t* m = load_guest(s);
  brisk_linker_t* l = brisk_linker_new(s);
  CHECK_OK(brisk_linker_define_wasi(l, config));
  brisk_instance_t* inst = NULL;
  CHECK_OK(brisk_instantiate(l, m, &inst));
  brisk_result_t r = brisk_wasi_run(s, inst);
  *exit_code = r.status == BRISK_OK ? 0 : r.status == BRISK_ERR_EXIT ? r.exit_code : -1;
  r.message = NULL; /* owned by the store, deleted now */
  brisk_store_delete(s);
  return r;
}

static void make_dir(char* tmpl) { CHECK(mkdtemp(tmpl) != NULL); }

static void write_host_file(const char* dir, const char* name, const char* text) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE* f = fopen(path, "w");
  CHECK(f != NULL);
  fputs(text, f);
  fclose(f);
}

static void read_host_file(const char* dir, const char* name, char* out, size_t cap) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE* f = fopen(path, "r");
  out[0] = 0;
  if (!f) return;
  size_t n = fread(out, 1, cap - 1, f);
  out[n] = 0;
  fclose(f);
}

static int host_file_exists(const char* dir, const char* name) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  struct stat st;
  return stat(path, &st) == 0;
}

static void remove_tree(const char* dir) {
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
}

/* ---- the tests ---- */

static void test_args_env(void) {
  capture_t out = {{0}, 0, 0, 0};
  brisk_wasi_config_t* c = brisk_wasi_config_new();
  const char* argv[] = {"guest.wasm", "args", "two words"};
  CHECK(brisk_wasi_config_set_args(c, 3, argv));
  CHECK(brisk_wasi_config_set_env(c, "A", "1"));
  CHECK(brisk_wasi_config_set_env(c, "B", "first"));
  CHECK(brisk_wasi_config_set_env(c, "B", "x=y"));  /* replaces */
  CHECK(brisk_wasi_config_set_env(c, "C", "gone"));
  CHECK(brisk_wasi_config_set_env(c, "C", NULL));  /* unsets */
  CHECK(!brisk_wasi_config_set_env(c, "", "v"));
  CHECK(!brisk_wasi_config_set_env(c, "X=Y", "v"));
  CHECK(brisk_wasi_config_set_stdout_callback(c, capture, &out, NULL));
  int code;
  CHECK_OK(run_guest(c, &code));
  CHECK(code == 0);
  CHECK_CONTAINS(out.data, "argc=3 [guest.wasm] [args] [two words]");
  CHECK_CONTAINS(out.data, " A=1 B=x=y C=(unset) BRISK_HOST_VAR=(unset)");

  /* The host's environment only when inherited; explicit settings win, an
   * explicit unset hides a host variable. */
  setenv("BRISK_HOST_VAR", "from-host", 1);
  setenv("BRISK_HOST_OVERRIDE", "host", 1);
  setenv("C", "host-c", 1);
  CHECK(brisk_wasi_config_inherit_env(c, 1));
  CHECK(brisk_wasi_config_set_env(c, "BRISK_HOST_OVERRIDE", "config"));
  out.len = 0;
  CHECK_OK(run_guest(c, &code));
  CHECK_CONTAINS(out.data, "C=(unset) BRISK_HOST_VAR=from-host BRISK_HOST_OVERRIDE=config");
  CHECK(brisk_wasi_config_inherit_env(c, 0));
  out.len = 0;
  CHECK_OK(run_guest(c, &code));
  CHECK_CONTAINS(out.data, "BRISK_HOST_VAR=(unset) BRISK_HOST_OVERRIDE=config");
  brisk_wasi_config_delete(c);
}

static void test_stdio(void) {
  /* stdin from bytes; stdout to a host fd (closed by us right after the
   * define: the context has its own duplicate); stderr to a callback. */
  char path[] = "/tmp/brisk-api-wasi-out-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  capture_t err = {{0}, 0, 0, 0};
  brisk_wasi_config_t* c = brisk_wasi_config_new();
  const char* argv[] = {"guest", "echo"};
  CHECK(brisk_wasi_config_set_args(c, 2, argv));
  CHECK(brisk_wasi_config_set_stdin_bytes(c, (const uint8_t*)"hello\n", 6));
  CHECK(brisk_wasi_config_set_stdout_fd(c, fd));
  CHECK(brisk_wasi_config_set_stderr_callback(c, capture, &err, capture_finalize));

  brisk_store_t* s = new_store();
  brisk_module_t* m = load_guest(s);
  brisk_linker_t* l = brisk_linker_new(s);
  CHECK_OK(brisk_linker_define_wasi(l, c));
  CHECK(close(fd) == 0);
  brisk_wasi_config_delete(c); /* the context keeps the sink: no finalizer yet */
  CHECK(err.finalized == 0);
  brisk_instance_t* inst = NULL;
  CHECK_OK(brisk_instantiate(l, m, &inst));
  CHECK_OK(brisk_wasi_run(s, inst));
  CHECK(strcmp(err.data, "err:6 bytes") == 0);
  brisk_store_delete(s); /* the last holder of the sink */
  CHECK(err.finalized == 1);
  char text[64];
  FILE* f = fopen(path, "r");
  CHECK(f != NULL);
  size_t n = fread(text, 1, sizeof text - 1, f);
  text[n] = 0;
  fclose(f);
  unlink(path);
  CHECK(strcmp(text, "in:hello\n") == 0);

  /* Defaults: stdin at EOF, stderr discarded; stdout to a pipe. */
  int p[2];
  CHECK(pipe(p) == 0);
  c = brisk_wasi_config_new();
  CHECK(brisk_wasi_config_set_args(c, 2, argv));
  CHECK(brisk_wasi_config_set_stdout_fd(c, p[1]));
  int code;
  CHECK_OK(run_guest(c, &code));
  brisk_wasi_config_delete(c);
  close(p[1]);
  n = (size_t)read(p[0], text, sizeof text - 1);
  text[n] = 0;
  CHECK(strcmp(text, "in:") == 0);
  /* The context closed its duplicate of p[1] when it was freed: end of file
   * now (a leaked duplicate would say EAGAIN). */
  CHECK(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0);
  CHECK(read(p[0], text, sizeof text) == 0);
  close(p[0]);

  /* Replacing a sink finalizes the old one (nothing else holds it). */
  capture_t a = {{0}, 0, 0, 0}, b = {{0}, 0, 0, 0};
  c = brisk_wasi_config_new();
  CHECK(brisk_wasi_config_set_stdout_callback(c, capture, &a, capture_finalize));
  CHECK(brisk_wasi_config_set_stdout_callback(c, capture, &b, capture_finalize));
  CHECK(a.finalized == 1 && b.finalized == 0);
  brisk_wasi_config_delete(c);
  CHECK(b.finalized == 1);
}

static void test_read_only(void) {
  char data[] = "/tmp/brisk-api-wasi-ro-XXXXXX", rw[] = "/tmp/brisk-api-wasi-rw-XXXXXX";
  make_dir(data);
  make_dir(rw);
  write_host_file(data, "hello.txt", "hello");
  char sub[600];
  snprintf(sub, sizeof sub, "%s/sub", data);
  CHECK(mkdir(sub, 0755) == 0);
  write_host_file(sub, "inner.txt", "inner");
  write_host_file(rw, "w.txt", "w");

  capture_t out = {{0}, 0, 0, 0};
  brisk_wasi_config_t* c = brisk_wasi_config_new();
  const char* argv[] = {"guest", "ro"};
  CHECK(brisk_wasi_config_set_args(c, 2, argv));
  CHECK(brisk_wasi_config_preopen_dir(c, data, "/data", BRISK_WASI_DIR_READ_ONLY));
  CHECK(brisk_wasi_config_preopen_dir(c, rw, "/rw", 0));
  CHECK(!brisk_wasi_config_preopen_dir(c, rw, "/x", 4)); /* unknown flag */
  CHECK(brisk_wasi_config_set_stdout_callback(c, capture, &out, NULL));
  int code;
  brisk_result_t r = run_guest(c, &code);
  if (code != 0) fprintf(stderr, "guest output:\n%s\n", out.data);
  CHECK(r.status == BRISK_OK);
  CHECK_CONTAINS(out.data, "read-only ok");
  /* Nothing under /data changed; /rw got its file. */
  char text[64];
  read_host_file(data, "hello.txt", text, sizeof text);
  CHECK(strcmp(text, "hello") == 0);
  CHECK(!host_file_exists(data, "new.txt") && !host_file_exists(data, "d") && !host_file_exists(data, "sym"));
  CHECK(!host_file_exists(data, "moved.txt") && !host_file_exists(rw, "moved.txt"));
  CHECK(!host_file_exists(rw, "link.txt") && host_file_exists(rw, "w.txt"));
  read_host_file(rw, "created.txt", text, sizeof text);
  CHECK(strcmp(text, "made") == 0);
  brisk_wasi_config_delete(c);
  remove_tree(data);
  remove_tree(rw);
}

static void test_exit(void) {
  capture_t out = {{0}, 0, 0, 0};
  brisk_wasi_config_t* c = brisk_wasi_config_new();
  const char* argv[] = {"guest", "exit3"};
  CHECK(brisk_wasi_config_set_args(c, 2, argv));
  CHECK(brisk_wasi_config_set_stdout_callback(c, capture, &out, NULL));

  brisk_store_t* s = new_store();
  brisk_module_t* m = load_guest(s);
  brisk_linker_t* l = brisk_linker_new(s);
  CHECK_OK(brisk_linker_define_wasi(l, c));
  brisk_instance_t* inst = NULL;
  CHECK_OK(brisk_instantiate(l, m, &inst));
  brisk_result_t r = brisk_wasi_run(s, inst);
  CHECK(r.status == BRISK_ERR_EXIT && r.exit_code == 3);
  CHECK(strcmp(out.data, "exiting\n") == 0); /* flushed by exit() before proc_exit */
  /* The same through brisk_func_call on _start. */
  brisk_instance_t* again = NULL;
  CHECK_OK(brisk_instantiate(l, m, &again));
  r = brisk_func_call(s, brisk_instance_func(again, "_start"), NULL, 0, NULL, 0);
  CHECK(r.status == BRISK_ERR_EXIT && r.exit_code == 3);
  brisk_store_delete(s);

  /* A command whose main returns 0: wasi-libc's _start returns, BRISK_OK. */
  const char* hello[] = {"guest", "hello"};
  CHECK(brisk_wasi_config_set_args(c, 2, hello));
  out.len = 0;
  int code;
  CHECK_OK(run_guest(c, &code));
  CHECK(strcmp(out.data, "hello from wasi\n") == 0);
  brisk_wasi_config_delete(c);
}

/* Loads wat/wasi_fds.wat; {name} into its memory at 0x100. */
static void put_string(brisk_instance_t* inst, const char* text) {
  size_t size;
  uint8_t* mem = brisk_instance_memory(inst, &size);
  CHECK(mem && size > 0x200);
  memcpy(mem + 0x100, text, strlen(text));
}

static int32_t fds_open(brisk_store_t* s, brisk_instance_t* inst, const char* name) {
  put_string(inst, name);
  return call_i32(s, inst, "open", 1, (int32_t)strlen(name), 0);
}

static int32_t fds_write(brisk_store_t* s, brisk_instance_t* inst, int32_t fd, const char* text) {
  put_string(inst, text);
  return call_i32(s, inst, "write", 2, fd, (int32_t)strlen(text));
}

static void check_prestat(brisk_store_t* s, brisk_instance_t* inst, const char* want) {
  int32_t n = call_i32(s, inst, "prestat_name", 1, 3, 0);
  CHECK(n == (int32_t)strlen(want));
  size_t size;
  uint8_t* mem = brisk_instance_memory(inst, &size);
  CHECK(memcmp(mem + 0x200, want, (size_t)n) == 0);
}

/* Two contexts (two linkers of one store, and a second store) are
 * isolated: fd tables, output and preopens. One linker's instances share
 * its context. */
static void test_isolation(void) {
  char da[] = "/tmp/brisk-api-wasi-a-XXXXXX", db[] = "/tmp/brisk-api-wasi-b-XXXXXX";
  make_dir(da);
  make_dir(db);
  capture_t out_a = {{0}, 0, 0, 0}, out_b = {{0}, 0, 0, 0}, out_c = {{0}, 0, 0, 0};
  brisk_wasi_config_t* ca = brisk_wasi_config_new();
  CHECK(brisk_wasi_config_preopen_dir(ca, da, "/a", 0));
  CHECK(brisk_wasi_config_set_stdout_callback(ca, capture, &out_a, capture_finalize));
  brisk_wasi_config_t* cb = brisk_wasi_config_new();
  CHECK(brisk_wasi_config_preopen_dir(cb, db, "/b", 0));
  CHECK(brisk_wasi_config_set_stdout_callback(cb, capture, &out_b, capture_finalize));

  brisk_store_t* s = new_store();
  brisk_module_t* m = load_module(s, "wasi_fds");
  brisk_linker_t* la = brisk_linker_new(s);
  brisk_linker_t* lb = brisk_linker_new(s);
  CHECK_OK(brisk_linker_define_wasi(la, ca));
  CHECK_OK(brisk_linker_define_wasi(lb, cb));
  brisk_wasi_config_delete(ca); /* copied: the contexts stay as they are */
  brisk_wasi_config_delete(cb);
  brisk_instance_t *a = NULL, *b = NULL;
  CHECK_OK(brisk_instantiate(la, m, &a));
  CHECK_OK(brisk_instantiate(lb, m, &b));

  check_prestat(s, a, "/a");
  check_prestat(s, b, "/b");
  int32_t fa = fds_open(s, a, "file.txt");
  CHECK(fa == 4);
  /* B's table has no fd 4; A's does. */
  CHECK(fds_write(s, b, fa, "from b") == 8 /* EBADF */);
  CHECK(fds_write(s, a, fa, "from a") == 0);
  CHECK(fds_write(s, a, 1, "out a") == 0);
  CHECK(fds_write(s, b, 1, "out b") == 0);
  CHECK(strcmp(out_a.data, "out a") == 0 && strcmp(out_b.data, "out b") == 0);
  char text[64];
  read_host_file(da, "file.txt", text, sizeof text);
  CHECK(strcmp(text, "from a") == 0);
  CHECK(!host_file_exists(db, "file.txt"));

  /* A second instance from linker A shares A's context: fd 4 is open. */
  brisk_instance_t* a2 = NULL;
  CHECK_OK(brisk_instantiate(la, m, &a2));
  CHECK(fds_write(s, a2, fa, " and a2") == 0);
  CHECK(fds_write(s, a2, 1, "+a2") == 0);
  CHECK(strcmp(out_a.data, "out a+a2") == 0);
  read_host_file(da, "file.txt", text, sizeof text);
  CHECK(strcmp(text, "from a and a2") == 0);

  /* Redefining WASI in a linker gives later instances a fresh context;
   * earlier ones keep theirs. */
  brisk_wasi_config_t* cc = brisk_wasi_config_new();
  CHECK(brisk_wasi_config_preopen_dir(cc, da, "/again", 0));
  CHECK(brisk_wasi_config_set_stdout_callback(cc, capture, &out_c, capture_finalize));
  CHECK_OK(brisk_linker_define_wasi(la, cc));
  brisk_wasi_config_delete(cc);
  brisk_instance_t* a3 = NULL;
  CHECK_OK(brisk_instantiate(la, m, &a3));
  check_prestat(s, a3, "/again");
  CHECK(fds_write(s, a3, fa, "x") == 8);
  CHECK(fds_write(s, a, fa, "!") == 0);

  /* A context in another store (concurrent guests of one process). */
  brisk_store_t* s2 = new_store();
  brisk_module_t* m2 = load_module(s2, "wasi_fds");
  brisk_linker_t* l2 = brisk_linker_new(s2);
  CHECK_OK(brisk_linker_define_wasi(l2, NULL)); /* defaults: no preopens, output discarded */
  brisk_instance_t* other = NULL;
  CHECK_OK(brisk_instantiate(l2, m2, &other));
  CHECK(call_i32(s2, other, "prestat_name", 1, 3, 0) == -8);
  CHECK(fds_write(s2, other, fa, "x") == 8);
  CHECK(fds_write(s2, other, 1, "discarded") == 0);
  brisk_store_delete(s2);
  CHECK(strcmp(out_a.data, "out a+a2") == 0 && strcmp(out_b.data, "out b") == 0);

  /* A hostile write to a captured stream: overlapping iovecs naming far
   * more bytes than memory holds are gathered only up to a bound (a short
   * write, which callers retry); more iovecs than IOV_MAX are EINVAL. */
  out_b.len = 0;
  out_b.calls = 0;
  brisk_func_t* many = brisk_instance_func(b, "write_many");
  brisk_val_t args[3] = {val_i32(1), val_i32(1024), val_i32(4096)}, res;
  CHECK_OK(brisk_func_call(s, many, args, 3, &res, 1));
  CHECK(res.of.i32 == 0);
  size_t size;
  uint8_t* mem = brisk_instance_memory(b, &size);
  uint32_t written;
  memcpy(&written, mem + 0x10, 4);
  CHECK(written == (1u << 20) && out_b.calls == 1);
  args[1] = val_i32(1025);
  CHECK_OK(brisk_func_call(s, many, args, 3, &res, 1));
  CHECK(res.of.i32 == 28 /* EINVAL */ && out_b.calls == 1);

  /* Lifetime: context B lives while its linker or an instance does. */
  brisk_linker_delete(lb);
  CHECK(out_b.finalized == 0);
  CHECK(fds_write(s, b, 1, "!") == 0);
  brisk_instance_delete(b);
  CHECK(out_b.finalized == 1);
  CHECK(out_a.finalized == 0);
  brisk_store_delete(s);
  CHECK(out_a.finalized == 1 && out_c.finalized == 1);
  remove_tree(da);
  remove_tree(db);
}

static void test_errors(void) {
  brisk_store_t* s = new_store();
  brisk_linker_t* l = brisk_linker_new(s);
  brisk_wasi_config_t* c = brisk_wasi_config_new();
  CHECK(brisk_wasi_config_preopen_dir(c, "/nonexistent/brisk-dir", "/data", 0));
  brisk_result_t r = brisk_linker_define_wasi(l, c);
  CHECK(r.status == BRISK_ERR_ARGUMENT);
  CHECK_CONTAINS(r.message, "/nonexistent/brisk-dir");
  CHECK_CONTAINS(r.message, "No such file or directory");
  brisk_wasi_config_delete(c);

  c = brisk_wasi_config_new();
  CHECK(brisk_wasi_config_set_stdout_fd(c, 987));
  r = brisk_linker_define_wasi(l, c);
  CHECK(r.status == BRISK_ERR_ARGUMENT);
  CHECK_CONTAINS(r.message, "stdout");
  CHECK_CONTAINS(r.message, "987");
  brisk_wasi_config_delete(c);

  /* A failed define defined nothing: instantiation has no WASI. */
  brisk_module_t* m = load_guest(s);
  brisk_instance_t* inst = NULL;
  CHECK_STATUS(brisk_instantiate(l, m, &inst), BRISK_ERR_LINK);

  /* NULL everywhere: 0 or BRISK_ERR_ARGUMENT, never a crash. */
  brisk_wasi_config_delete(NULL);
  CHECK(!brisk_wasi_config_set_args(NULL, 0, NULL));
  CHECK(!brisk_wasi_config_push_arg(NULL, "x"));
  CHECK(!brisk_wasi_config_set_env(NULL, "A", "1"));
  CHECK(!brisk_wasi_config_inherit_env(NULL, 1));
  CHECK(!brisk_wasi_config_preopen_dir(NULL, "/tmp", NULL, 0));
  CHECK(!brisk_wasi_config_set_stdin_bytes(NULL, NULL, 0));
  CHECK(!brisk_wasi_config_set_stdin_fd(NULL, 0));
  CHECK(!brisk_wasi_config_set_stdout_fd(NULL, 1));
  CHECK(!brisk_wasi_config_set_stderr_fd(NULL, 2));
  CHECK(!brisk_wasi_config_set_stdout_callback(NULL, capture, NULL, NULL));
  CHECK(!brisk_wasi_config_set_stderr_callback(NULL, capture, NULL, NULL));
  CHECK(!brisk_wasi_config_inherit_stdio(NULL));
  CHECK(brisk_linker_define_wasi(NULL, NULL).status == BRISK_ERR_ARGUMENT);
  CHECK(brisk_wasi_run(NULL, NULL).status == BRISK_ERR_ARGUMENT);
  c = brisk_wasi_config_new();
  const char* bad_argv[] = {"a", NULL};
  CHECK(!brisk_wasi_config_set_args(c, 2, bad_argv));
  CHECK(!brisk_wasi_config_set_args(c, 1, NULL));
  CHECK(brisk_wasi_config_set_args(c, 0, NULL));
  CHECK(!brisk_wasi_config_push_arg(c, NULL));
  CHECK(!brisk_wasi_config_set_env(c, NULL, "v"));
  CHECK(!brisk_wasi_config_preopen_dir(c, NULL, "/x", 0));
  CHECK(!brisk_wasi_config_preopen_dir(c, "", "/x", 0));
  CHECK(!brisk_wasi_config_preopen_dir(c, "/tmp", "", 0));
  CHECK(!brisk_wasi_config_set_stdin_bytes(c, NULL, 3));
  CHECK(brisk_wasi_config_set_stdin_bytes(c, NULL, 0));
  CHECK(!brisk_wasi_config_set_stdin_fd(c, -1));
  CHECK(brisk_wasi_config_set_stdout_callback(c, NULL, NULL, NULL)); /* discard */
  brisk_wasi_config_delete(c);

  /* brisk_wasi_run on a module that is no command. */
  brisk_module_t* fds = load_module(s, "wasi_fds");
  brisk_linker_t* l2 = brisk_linker_new(s);
  CHECK_OK(brisk_linker_define_wasi(l2, NULL));
  CHECK_OK(brisk_instantiate(l2, fds, &inst));
  r = brisk_wasi_run(s, inst);
  CHECK(r.status == BRISK_ERR_ARGUMENT);
  CHECK_CONTAINS(r.message, "_start");
  brisk_store_delete(s);
}

int main(int argc, char** argv) {
  test_init(argc, argv);
  test_args_env();
  test_stdio();
  test_read_only();
  test_exit();
  test_isolation();
  test_errors();
  return TEST_DONE();
}

// The C API's WASI block (include/brisk/brisk.h, "WASI"): configurations,
// defining WASI in a linker and running a command's _start. It only
// translates: the context, the sandbox and the preview1 functions are
// src/wasi's. A config is a plain description; nothing is opened until
// brisk_linker_define_wasi, so a config is reusable and its errors name
// what failed at the moment it is used.
#include <algorithm>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "api/handles.h"
#include "wasi/wasi.h"

extern char** environ;

using namespace brisk;
using namespace brisk_api;

struct brisk_wasi_config {
  std::vector<std::string> args;
  // Explicit variables in the order first set; a null value unsets the
  // name (hiding an inherited one).
  std::vector<std::pair<std::string, std::unique_ptr<std::string>>> env;
  bool inherit_env = false;
  std::vector<wasi::Preopen> preopens;
  wasi::StdioConfig stdio[3] = {wasi::StdioConfig{wasi::StdioConfig::Kind::Bytes}, {}, {}};
};

namespace {

// The environment the guest sees: the host's (if inherited) minus the
// names set or unset explicitly, then the explicit ones.
std::vector<std::string> guest_env(const brisk_wasi_config& c) {
  std::vector<std::string> out;
  auto explicitly = [&](const std::string& name) {
    return std::any_of(c.env.begin(), c.env.end(), [&](const auto& e) { return e.first == name; });
  };
  if (c.inherit_env && environ) {
    for (char** p = environ; *p; ++p) {
      std::string var = *p;
      size_t eq = var.find('=');
      if (eq == std::string::npos || eq == 0) continue;
      if (!explicitly(var.substr(0, eq))) out.push_back(std::move(var));
    }
  }
  for (const auto& [name, value] : c.env)
    if (value) out.push_back(name + "=" + *value);
  return out;
}

int set_fd(brisk_wasi_config* c, int which, int fd) {
  if (!c || fd < 0) return 0;
  c->stdio[which] = wasi::StdioConfig::host_fd(fd);
  return 1;
}

int set_sink(brisk_wasi_config* c, int which, brisk_wasi_output_fn fn, void* user, brisk_finalizer_t fin) {
  if (!c) return 0;
  auto sink = std::make_shared<wasi::OutputSink>();
  sink->write = fn;
  sink->user = user;
  sink->finalizer = fin;
  wasi::StdioConfig s;
  s.kind = wasi::StdioConfig::Kind::Sink;
  s.sink = std::move(sink);
  c->stdio[which] = std::move(s);  // drops the previous sink (its finalizer runs if nothing else holds it)
  return 1;
}

}  // namespace

extern "C" {

brisk_wasi_config_t* brisk_wasi_config_new(void) { return new (std::nothrow) brisk_wasi_config(); }

void brisk_wasi_config_delete(brisk_wasi_config_t* c) { delete c; }

int brisk_wasi_config_set_args(brisk_wasi_config_t* c, size_t argc, const char* const* argv) {
  if (!c || (argc && !argv)) return 0;
  for (size_t i = 0; i < argc; ++i)
    if (!argv[i]) return 0;
  c->args.assign(argv, argv + argc);
  return 1;
}

int brisk_wasi_config_push_arg(brisk_wasi_config_t* c, const char* arg) {
  if (!c || !arg) return 0;
  c->args.emplace_back(arg);
  return 1;
}

int brisk_wasi_config_set_env(brisk_wasi_config_t* c, const char* name, const char* value) {
  if (!c || !name || !*name || std::strchr(name, '=')) return 0;
  auto v = value ? std::make_unique<std::string>(value) : nullptr;
  for (auto& e : c->env)
    if (e.first == name) {
      e.second = std::move(v);
      return 1;
    }
  c->env.emplace_back(name, std::move(v));
  return 1;
}

int brisk_wasi_config_inherit_env(brisk_wasi_config_t* c, int inherit) {
  if (!c) return 0;
  c->inherit_env = inherit != 0;
  return 1;
}

int brisk_wasi_config_preopen_dir(brisk_wasi_config_t* c, const char* host_path, const char* guest_path,
                                  uint32_t flags) {
  if (!c || !host_path || !*host_path || (guest_path && !*guest_path) || (flags & ~BRISK_WASI_DIR_READ_ONLY)) return 0;
  wasi::Preopen p;
  p.host_path = host_path;
  p.guest_path = guest_path ? guest_path : host_path;
  p.read_only = flags & BRISK_WASI_DIR_READ_ONLY;
  c->preopens.push_back(std::move(p));
  return 1;
}

int brisk_wasi_config_set_stdin_bytes(brisk_wasi_config_t* c, const uint8_t* data, size_t len) {
  if (!c || (len && !data)) return 0;
  wasi::StdioConfig s;
  s.kind = wasi::StdioConfig::Kind::Bytes;
  if (len) s.bytes.assign(data, data + len);
  c->stdio[0] = std::move(s);
  return 1;
}

int brisk_wasi_config_set_stdin_fd(brisk_wasi_config_t* c, int fd) { return set_fd(c, 0, fd); }
int brisk_wasi_config_set_stdout_fd(brisk_wasi_config_t* c, int fd) { return set_fd(c, 1, fd); }
int brisk_wasi_config_set_stderr_fd(brisk_wasi_config_t* c, int fd) { return set_fd(c, 2, fd); }

int brisk_wasi_config_set_stdout_callback(brisk_wasi_config_t* c, brisk_wasi_output_fn fn, void* user,
                                          brisk_finalizer_t finalizer) {
  return set_sink(c, 1, fn, user, finalizer);
}
int brisk_wasi_config_set_stderr_callback(brisk_wasi_config_t* c, brisk_wasi_output_fn fn, void* user,
                                          brisk_finalizer_t finalizer) {
  return set_sink(c, 2, fn, user, finalizer);
}

int brisk_wasi_config_inherit_stdio(brisk_wasi_config_t* c) {
  if (!c) return 0;
  for (int i = 0; i < 3; ++i) c->stdio[i] = wasi::StdioConfig::host_fd(i);
  return 1;
}

brisk_result_t brisk_linker_define_wasi(brisk_linker_t* l, const brisk_wasi_config_t* config) {
  if (!(l = live_handle(l, HandleKind::Linker))) return null_arg();  // the slot, untagged
  static const brisk_wasi_config kDefaults;
  const brisk_wasi_config& c = config ? *config : kDefaults;
  wasi::WasiConfig wc;
  wc.args = c.args;
  wc.env = guest_env(c);
  wc.preopens = c.preopens;
  for (int i = 0; i < 3; ++i) wc.stdio[i] = c.stdio[i];
  auto ctx = wasi::create_context(wc);
  if (!ctx.ok()) return bad_arg(l->store, "WASI: " + ctx.error().message);
  // The linker holds each function's one reference, as for
  // brisk_linker_define_func; the context goes with the last function.
  for (Function* f : wasi::define_imports(ctx.value(), l->store->store, l->linker)) l->holds.hosts.push_back(f);
  return ok();
}

brisk_result_t brisk_wasi_run(brisk_store_t* s, brisk_instance_t* inst) {
  if (!s || !inst) return null_arg();
  brisk_func_t* start = brisk_instance_func(inst, "_start");
  if (!start) return bad_arg(s, "brisk_wasi_run: the instance exports no function \"_start\" (not a WASI command)");
  brisk_functype_t t;
  if (!brisk_func_type(start, &t) || t.num_params || t.num_results)
    return bad_arg(s, "brisk_wasi_run: \"_start\" must have type () -> ()");
  return brisk_func_call(s, start, nullptr, 0, nullptr, 0);
}

}  // extern "C"

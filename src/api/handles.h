// The C API's handle types (include/brisk/brisk.h declares them opaque).
// Shared by the files of src/api/; never seen by embedders.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "brisk/brisk.h"
#include "runtime/cpu_control.h"
#include "runtime/objects.h"

using brisk::EngineConfig;
using brisk::Function;
using brisk::Instance;
using brisk::Linker;
using brisk::Module;
using brisk::Store;

struct brisk_module {
  std::shared_ptr<Module> module;
};
struct brisk_linker {
  brisk_store* store;
  Linker linker;
};
struct brisk_instance {
  Instance* instance;
  brisk_store* owner;
};
struct brisk_func {
  Function* func;
};
struct brisk_engine {
  std::shared_ptr<brisk::Engine> engine;
};
struct brisk_store {
  explicit brisk_store(const EngineConfig& c) : store(c) {}
  Store store;
  std::string message;
  std::vector<std::unique_ptr<brisk_module>> modules;
  std::vector<std::unique_ptr<brisk_linker>> linkers;
  std::vector<std::unique_ptr<brisk_instance>> instances;
  std::vector<std::unique_ptr<brisk_func>> funcs;
};

// Results: every failure is a value; the message is owned by the store.
namespace brisk_api {
inline brisk_result_t ok() { return brisk_result_t{BRISK_OK, "", UINT64_MAX, 0, 0}; }
inline brisk_result_t fail(brisk_store* s, brisk_status_t status, std::string msg, uint64_t offset = UINT64_MAX) {
  s->message = std::move(msg);
  return brisk_result_t{status, s->message.c_str(), offset, 0, 0};
}
inline brisk_result_t from_trap(brisk_store* s, const brisk::Trap& t) {
  if (t.kind == brisk::TrapKind::Exit) {
    brisk_result_t r = fail(s, BRISK_ERR_EXIT, "exit");
    r.exit_code = t.exit_code;
    return r;
  }
  brisk_result_t r = fail(s, BRISK_ERR_TRAP, t.message);
  r.trap_code = int(t.kind);
  return r;
}
}  // namespace brisk_api

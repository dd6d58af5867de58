// Runs WebAssembly spec test scripts against brisk. A script is the JSON
// that wabt's wast2json makes of a .wast file: a list of commands (module,
// register, action and the assert_* kinds) whose modules are binary files
// next to it. Every command counts as passed, failed or skipped.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "json.h"
#include "runtime/store.h"

namespace brisk::spectest {

struct Counts {
  uint64_t passed = 0, failed = 0, skipped = 0;
  Counts& operator+=(const Counts& o) {
    passed += o.passed;
    failed += o.failed;
    skipped += o.skipped;
    return *this;
  }
};

class Watchdog;

struct RunnerOptions {
  EngineConfig config;
  bool verbose = false;  // notes: messages that differ from the spec's, host prints
  // Per module instantiation or action: past this, the store is interrupted
  // and the command fails (0: no limit). The runner itself never waits.
  double timeout_seconds = 0;
  std::string wast2json = "wast2json";  // program that converts .wast files
};

struct FileReport {
  std::string label;  // how the file is named in the output
  Counts counts;
  std::vector<std::string> failures;  // "line N: what was expected, what happened"
  std::vector<std::string> notes;     // -v only
};

// Runs a parsed script. Module files are looked up in {module_dir}. A fresh
// Store (with its own "spectest" host module) is made for the script.
FileReport run_script(const Json& script, const std::string& module_dir, const std::string& label,
                      const RunnerOptions& opts, Watchdog* watchdog = nullptr);

// Runs one .wast file (converted with wast2json into a temporary directory
// that is removed afterwards) or .json file.
FileReport run_file(const std::string& path, const std::string& label, const RunnerOptions& opts,
                    Watchdog* watchdog = nullptr);

// Interrupts a store whose call runs longer than a deadline. One thread,
// started on construction, for the whole run.
class Watchdog {
 public:
  explicit Watchdog(double seconds);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  // Starts timing work in {store}; disarm() stops it and tells whether the
  // deadline passed (and the store was interrupted) in between.
  void arm(Store* store);
  bool disarm();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// "a" matches "b" when either starts with the other (the spec suite's
// trap texts are prefixes of, or extended by, other engines' messages).
bool messages_match(const std::string& got, const std::string& expected);

}  // namespace brisk::spectest

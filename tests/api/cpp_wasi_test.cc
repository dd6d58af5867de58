// WASI through the C++ wrapper (brisk::WasiConfig, Linker::define_wasi,
// Instance::run_wasi), through <brisk/brisk.hpp> only. argv[1] is the mode;
// the guest is tests/api/wasi/wasi_guest.c (BRISK_API_WASI_GUEST).
#include <brisk/brisk.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cpp_test_util.h"

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "interp";
  const brisk::Config config = config_for_mode(mode.c_str());
  const std::vector<uint8_t> bytes = read_wasm_file(BRISK_API_WASI_GUEST);

  // Output captured by lambdas; the lambda state is freed by brisk.
  std::string out, err;
  auto token = std::make_shared<int>(0);
  {
    brisk::Store store(config);
    auto module = brisk::Module::compile(store, bytes);
    CHECK_OK(module);
    brisk::Linker linker(store);
    {
      brisk::WasiConfig wasi;
      wasi.args({"guest", "echo"})
          .stdin_bytes("from the host")
          .stdout_callback([&out, token](std::string_view s) { out += s; })
          .stderr_callback([&err](std::string_view s) { err += s; });
      CHECK(wasi.error().empty());
      CHECK_OK(linker.define_wasi(wasi));
    }  // the config is gone; the context keeps the callbacks
    CHECK(token.use_count() == 2);
    auto inst = linker.instantiate(*module);
    CHECK_OK(inst);
    CHECK_OK(inst->run_wasi());
    CHECK(out == "in:from the host");
    CHECK(err == "err:13 bytes");
  }
  CHECK(token.use_count() == 1);  // freed with the store

  // Args and env; proc_exit as an Error with the exit code.
  {
    brisk::Store store(config);
    auto module = brisk::Module::compile(store, bytes);
    CHECK_OK(module);
    brisk::Linker linker(store);
    out.clear();
    brisk::WasiConfig wasi;
    wasi.arg("guest").arg("args").env("A", "1").env("B", "2").unset_env("B").stdout_callback(
        [&out](std::string_view s) { out += s; });
    CHECK_OK(linker.define_wasi(wasi));
    auto inst = linker.instantiate(*module);
    CHECK_OK(inst);
    CHECK_OK(inst->run_wasi());
    CHECK(out.find("argc=2 [guest] [args] A=1 B=(unset)") != std::string::npos);

    brisk::Linker exit_linker(store);
    CHECK_OK(exit_linker.define_wasi(brisk::WasiConfig().args({"guest", "exit3"})));
    auto exiting = exit_linker.instantiate(*module);
    CHECK_OK(exiting);
    auto r = exiting->run_wasi();
    CHECK(!r.ok() && r.error().status == BRISK_ERR_EXIT && r.error().exit_code == 3);
  }

  // Errors: a refused setting, a missing directory.
  {
    brisk::Store store(config);
    brisk::Linker linker(store);
    brisk::WasiConfig bad;
    bad.env("X=Y", "1").stdin_fd(-1);
    auto r = linker.define_wasi(bad);
    CHECK(!r.ok() && r.error().message.find("X=Y") != std::string::npos);
    auto missing = linker.define_wasi(brisk::WasiConfig().preopen_dir("/nonexistent/brisk-cpp", "/data", true));
    CHECK(!missing.ok() && missing.error().status == BRISK_ERR_ARGUMENT &&
          missing.error().message.find("/nonexistent/brisk-cpp") != std::string::npos);
  }
  std::printf("ok (%s)\n", mode.c_str());
  return 0;
}

// Embedding brisk from C++ with the header-only wrapper <brisk/brisk.hpp>:
// load a module, provide a host function from a lambda that reads the
// caller's memory, make a typed call, and get a trap back as a value.
//   c++ -std=c++17 examples/embed.cpp $(pkg-config --cflags --libs brisk) -o embed_cpp
#include <cstdint>
#include <iostream>
#include <string>

#include <brisk/brisk.hpp>

// (module
//   (import "env" "log" (func $log (param i32 i32) (result i32)))
//   (memory 1)
//   (data (i32.const 16) "hello from wasm")
//   (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
//   (func (export "say") (result i32) (call $log (i32.const 16) (i32.const 15)))
//   (func (export "boom") unreachable))
static const uint8_t kModule[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0e, 0x03, 0x60,
    0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x01, 0x7f, 0x60, 0x00, 0x00,
    0x02, 0x0b, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x03, 0x6c, 0x6f, 0x67, 0x00,
    0x00, 0x03, 0x04, 0x03, 0x00, 0x01, 0x02, 0x05, 0x03, 0x01, 0x00, 0x01,
    0x07, 0x14, 0x03, 0x03, 0x61, 0x64, 0x64, 0x00, 0x01, 0x03, 0x73, 0x61,
    0x79, 0x00, 0x02, 0x04, 0x62, 0x6f, 0x6f, 0x6d, 0x00, 0x03, 0x0a, 0x16,
    0x03, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b, 0x08, 0x00, 0x41,
    0x10, 0x41, 0x0f, 0x10, 0x00, 0x0b, 0x03, 0x00, 0x00, 0x0b, 0x0b, 0x15,
    0x01, 0x00, 0x41, 0x10, 0x0b, 0x0f, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x20,
    0x66, 0x72, 0x6f, 0x6d, 0x20, 0x77, 0x61, 0x73, 0x6d
};

int main() {
  brisk::Config cfg;  // brisk_config_t with the defaults
  cfg.mode = BRISK_MODE_TIERED;
  brisk::Store store(cfg);
  auto module = brisk::Module::compile(store, kModule, sizeof kModule);  // Result<Module>
  if (!module) {
    std::cerr << "invalid module at offset " << module.error().offset << ": " << module.error().message << "\n";
    return 1;
  }

  brisk::Linker linker(store);
  std::string out;
  auto defined = linker.define("env", "log", [&out](brisk::Caller& c, int32_t ptr, int32_t len) -> int32_t {
    brisk::Caller::Bytes mem = c.memory();
    if (uint32_t(ptr) > mem.size || uint32_t(len) > mem.size - uint32_t(ptr)) {
      c.trap("log: out of bounds");
      return 0;
    }
    out.assign(reinterpret_cast<char*>(mem.data) + ptr, size_t(len));
    return len;
  });
  auto inst = linker.instantiate(*module);
  if (!defined || !inst) {
    std::cerr << "link: " << (defined ? inst.error().message : defined.error().message) << "\n";
    return 1;
  }

  auto add = inst->func<int32_t(int32_t, int32_t)>("add");  // signature checked here, once
  auto say = inst->func<int32_t()>("say");
  auto boom = inst->func<void()>("boom");
  if (!add || !say || !boom) return 1;
  brisk::Result<int32_t> sum = (*add)(40, 2);
  std::cout << "add(40, 2) = " << sum.value_or(-1) << "\n";
  brisk::Result<int32_t> logged = (*say)();
  std::cout << "say() logged \"" << out << "\" (" << logged.value_or(-1) << " bytes)\n";

  brisk::Result<void> trapped = (*boom)();
  if (!trapped && trapped.error().status == BRISK_ERR_TRAP) {
    std::cout << "boom: " << trapped.error().message << " (trap code " << trapped.error().trap_code << ")\n";
    for (const brisk::Frame& f : trapped.error().frames) std::cout << "  at " << f.name << "\n";
  }
  return sum.value_or(0) == 42 && out == "hello from wasm" && !trapped ? 0 : 1;
}

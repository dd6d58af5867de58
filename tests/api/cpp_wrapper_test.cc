// Issue 12.11: the C++ wrapper (include/brisk/brisk.hpp), through that
// header only. argv[1] is the mode (interp, jit, tiered with tier-up at the
// first call); the module is tests/api/wat/cpp_wrapper.wat.
#include <brisk/brisk.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cpp_test_util.h"

static brisk::Config g_config;

static std::vector<uint8_t> wasm_bytes() { return read_wasm_file(BRISK_API_WASM_DIR "/cpp_wrapper.wasm"); }

// Defines env.log as a lambda reading the string from the caller's memory;
// it holds {token} so the test can see when brisk freed the lambda.
static void define_log(brisk::Linker& linker, std::string* logged, std::shared_ptr<int> token) {
  CHECK_OK(linker.define("env", "log", [logged, token](brisk::Caller& c, int32_t ptr, int32_t len) -> int32_t {
    brisk::Caller::Bytes mem = c.memory();
    if (!mem.data || uint32_t(ptr) > mem.size || uint32_t(len) > mem.size - uint32_t(ptr)) {
      c.trap("log: string out of bounds");
      return 0;
    }
    logged->assign(reinterpret_cast<const char*>(mem.data) + ptr, size_t(len));
    auto counter = c.global("counter");  // the caller's exports by name
    return counter ? counter->get<int32_t>().value_or(-1) : -2;
  }));
}

static void typed_calls(brisk::Instance& inst) {
  auto add = inst.func<int32_t(int32_t, int32_t)>("add");
  CHECK_OK(add);
  auto sum = (*add)(40, 2);
  CHECK_OK(sum);
  CHECK(sum.value() == 42);
  CHECK((*add)(INT32_MAX, 1).value() == INT32_MIN);  // wraps, as i32.add does

  auto mul = inst.func<int64_t(int64_t, int64_t)>("mul64").value_or_throw();
  CHECK(mul(1LL << 40, 3).value() == 3LL << 40);
  auto half = inst.func<float(float)>("half").value_or_throw();
  CHECK(half(5.0f).value() == 2.5f);
  auto root = inst.func<double(double)>("sqrt").value_or_throw();
  CHECK(root(2.0).value() == std::sqrt(2.0));
  auto divmod = inst.func<std::tuple<int32_t, int32_t>(int32_t, int32_t)>("divmod").value_or_throw();
  CHECK(divmod(17, 5).value() == std::make_tuple(3, 2));
  auto nop = inst.func<void()>("nop").value_or_throw();
  CHECK_OK(nop());

  // Untyped calls check at call time.
  auto f = inst.func("add");
  CHECK_OK(f);
  brisk_val_t a, b;
  a.type = b.type = BRISK_I32;
  a.of.i32 = 2;
  b.of.i32 = 3;
  auto res = f->call({a, b});
  CHECK_OK(res);
  CHECK(res->size() == 1 && (*res)[0].of.i32 == 5);
  CHECK(f->call({a}).status() == BRISK_ERR_ARGUMENT);
}

static void signature_mismatch(brisk::Instance& inst) {
  auto wrong_result = inst.func<int64_t(int32_t, int32_t)>("add");
  CHECK(!wrong_result.ok() && wrong_result.status() == BRISK_ERR_ARGUMENT);
  CHECK(wrong_result.error().message.find("(i32 i32) -> (i32)") != std::string::npos);
  CHECK(wrong_result.error().message.find("(i32 i32) -> (i64)") != std::string::npos);
  CHECK(inst.func<int32_t(int32_t)>("add").status() == BRISK_ERR_ARGUMENT);             // arity
  CHECK(inst.func<int32_t(int32_t, int32_t)>("divmod").status() == BRISK_ERR_ARGUMENT);  // result count
  CHECK(inst.func<int32_t(int32_t, int32_t)>("missing").status() == BRISK_ERR_ARGUMENT);
  CHECK(inst.func<int32_t(int32_t, int32_t)>("memory").status() == BRISK_ERR_ARGUMENT);  // not a function
  CHECK(inst.memory("add").status() == BRISK_ERR_ARGUMENT);
}

static void traps(brisk::Instance& inst) {
  auto boom = inst.func<void()>("boom").value_or_throw();
  auto r = boom();
  CHECK(!r.ok());
  const brisk::Error& e = r.error();
  CHECK(e.status == BRISK_ERR_TRAP && e.trap_code == BRISK_TRAP_UNREACHABLE);
  CHECK(!e.message.empty());
  CHECK(e.frames.size() >= 3);
  CHECK(e.frames[0].name == "inner" && e.frames[1].name == "outer" && e.frames[2].name == "boom");
  CHECK(e.frames[0].code_offset != UINT64_MAX);
#if __cpp_exceptions
  bool thrown = false;
  try {
    boom().value_or_throw();
  } catch (const brisk::Exception& ex) {
    thrown = ex.error().trap_code == BRISK_TRAP_UNREACHABLE && ex.error().frames.size() >= 3;
  }
  CHECK(thrown);
#endif
  // The frames are copied: a later successful call does not change them.
  CHECK(inst.func<void()>("nop").value_or_throw()().ok());
  CHECK(e.frames[0].name == "inner");
}

static void host_functions(brisk::Store& store, brisk::Module& module) {
  std::string logged;
  auto token = std::make_shared<int>(0);
  {
    brisk::Linker linker(store);
    define_log(linker, &logged, token);
    auto inst = linker.instantiate(module);
    CHECK_OK(inst);
    auto say = inst->func<int32_t()>("say").value_or_throw();
    CHECK(say().value() == 5);  // the counter global, read through the caller
    CHECK(logged == "hello, C++");
    CHECK(inst->global("counter")->set<int32_t>(9).ok());
    CHECK(say().value() == 9);
    CHECK(token.use_count() == 2);  // held by brisk through the function's data
  }
  CHECK(token.use_count() == 1);  // linker and instance gone: the finalizer freed the lambda

  // Traps and exits from a host lambda: Caller::trap, a C++ exception, Caller::exit.
  int mode = 0;
  brisk::Linker linker(store);
  auto host = [&mode](brisk::Caller& c, int32_t, int32_t) -> int32_t {
    if (mode == 0) c.trap("refused by host");
#if __cpp_exceptions
    if (mode == 1) throw std::runtime_error("thrown by host");
#endif
    if (mode == 2) c.exit(7);
    if (mode == 3) {  // call back into the caller through a typed view of its export
      auto add = c.func<int32_t(int32_t, int32_t)>("add");
      if (!add) return -1;
      if (c.func<int32_t(int32_t)>("add").ok()) return -2;  // mismatch seen from the caller too
      return (*add)(20, 3).value_or(-3);
    }
    return 0;
  };
  CHECK_OK(linker.define("env", "log", host));
  auto inst = linker.instantiate(module).value_or_throw();
  auto say = inst.func<int32_t()>("say").value_or_throw();
  auto r = say();
  CHECK(r.status() == BRISK_ERR_TRAP && r.error().trap_code == BRISK_TRAP_HOST);
  CHECK(r.error().message.find("refused by host") != std::string::npos);
#if __cpp_exceptions
  mode = 1;
  r = say();
  CHECK(r.status() == BRISK_ERR_TRAP && r.error().message.find("thrown by host") != std::string::npos);
#endif
  mode = 2;
  r = say();
  CHECK(r.status() == BRISK_ERR_EXIT && r.error().exit_code == 7);
  mode = 3;
  CHECK(say().value_or(0) == 23);

  // A host function without caller parameter, owned by the embedder and
  // called directly through a typed view.
  auto twice = brisk::HostFunc::make(store, [](int64_t x) { return x * 2; });
  CHECK_OK(twice);
  auto typed = twice->func().typed<int64_t(int64_t)>();
  CHECK_OK(typed);
  CHECK((*typed)(21).value() == 42);
  CHECK(twice->func().typed<int32_t(int32_t)>().status() == BRISK_ERR_ARGUMENT);

  // Move-assigning owning handles of two stores: each is deleted in its own
  // store (the lambdas' finalizers run), whichever wrapper ends up holding it.
  auto t1 = std::make_shared<int>(0), t2 = std::make_shared<int>(0);
  {
    brisk::Store other(g_config);
    auto h1 = brisk::HostFunc::make(store, [t1](int32_t x) { return x + 1; }).value_or_throw();
    auto h2 = brisk::HostFunc::make(other, [t2](int32_t x) { return x + 2; }).value_or_throw();
    h1 = std::move(h2);
    CHECK(h1.func().typed<int32_t(int32_t)>().value_or_throw()(1).value() == 3);
    CHECK(h1.func().store() == other.get());
  }
  CHECK(t1.use_count() == 1 && t2.use_count() == 1);
}

static void limits_and_fuel(const std::vector<uint8_t>& bytes) {
  // Limits: memory.grow past the store's limit returns -1; the limiter
  // lambda is asked on every grow.
  {
    brisk::Store store(g_config);
    brisk_store_limits_t limits{};
    limits.memory_bytes = 3 * 65536;
    CHECK_OK(store.set_limits(limits));
    int asked = 0;
    store.set_limiter([&asked](brisk_grow_kind_t kind, uint64_t, uint64_t desired, uint64_t) {
      ++asked;
      return !(kind == BRISK_GROW_MEMORY && desired == 2 * 65536 && asked > 2);  // deny the second 1-page grow
    });
    auto module = brisk::Module::compile(store, bytes).value_or_throw();
    std::string logged;
    brisk::Linker linker(store);
    define_log(linker, &logged, nullptr);
    auto inst = linker.instantiate(module).value_or_throw();
    CHECK(asked == 1);  // the memory's creation
    auto grow = inst.func<int32_t(int32_t)>("grow").value_or_throw();
    CHECK(grow(1).value() == 1);   // 1 -> 2 pages: allowed
    CHECK(grow(5).value() == -1);  // past the store limit, no trap
    auto memory = inst.memory("memory").value_or_throw();
    CHECK(memory.pages() == 2 && memory.size() == 2 * 65536);
    CHECK(memory.grow(1).value() == 2);  // through the wrapper: 2 -> 3
    CHECK(memory.pages() == 3);
    CHECK(grow(1).value() == -1);  // 3 pages is the limit
    CHECK(asked >= 3);
#if __cpp_exceptions
    // A limiter that throws denies the grow (the exception stays on the C++ side).
    store.set_limiter([](brisk_grow_kind_t, uint64_t, uint64_t, uint64_t) -> bool { throw std::runtime_error("no"); });
    brisk_store_limits_t none{};
    CHECK_OK(store.set_limits(none));
    CHECK(grow(1).value() == -1);
#endif
    store.set_limiter(nullptr);
    CHECK(grow(1).value() == 3);  // no limit, no limiter: 3 -> 4 pages (the declared maximum)
  }
  // Fuel.
  {
    brisk::Config config = g_config;
    config.consume_fuel = 1;
    brisk::Store store(config);
    auto module = brisk::Module::compile(store, bytes).value_or_throw();
    brisk::Linker linker(store);
    define_log(linker, nullptr, nullptr);
    CHECK_OK(store.set_fuel(1000000));
    auto inst = linker.instantiate(module).value_or_throw();
    auto count = inst.func<int32_t(int32_t)>("count").value_or_throw();
    uint64_t before = store.fuel().value_or_throw();
    CHECK(count(100).value() == 100);
    uint64_t after = store.fuel().value_or_throw();
    CHECK(after < before && before - after >= 100);
    CHECK_OK(store.set_fuel(50));
    auto r = count(1000000);
    CHECK(r.status() == BRISK_ERR_TRAP && r.error().trap_code == BRISK_TRAP_OUT_OF_FUEL);
    CHECK(store.fuel().value_or_throw() == 0);
    CHECK_OK(store.add_fuel(1000000));
    CHECK(count(10).value() == 10);
  }
  // Without consume_fuel, fuel calls are argument errors.
  {
    brisk::Store store(g_config);
    CHECK(store.set_fuel(1).status() == BRISK_ERR_ARGUMENT);
    CHECK(store.fuel().status() == BRISK_ERR_ARGUMENT);
  }
}

static void epochs_interrupts_timeouts(const std::vector<uint8_t>& bytes) {
  brisk::Engine engine;
  brisk::Store store(engine, g_config);
  auto module = brisk::Module::compile(store, bytes).value_or_throw();
  brisk::Linker linker(store);
  define_log(linker, nullptr, nullptr);
  auto inst = linker.instantiate(module).value_or_throw();
  auto count = inst.func<int32_t(int32_t)>("count").value_or_throw();

  // Interrupts are sticky: one issued before a call traps that call only.
  store.interrupt();
  auto r = count(10);
  CHECK(r.status() == BRISK_ERR_TRAP && r.error().trap_code == BRISK_TRAP_INTERRUPTED);
  CHECK(count(10).value() == 10);
  // A withdrawn request stops nothing.
  store.interrupt();
  store.clear_interrupt();
  CHECK(count(10).value() == 10);

  // Epoch deadline reached at once; the callback extends it twice, then traps.
  int calls = 0;
  store.set_epoch_callback([&](uint64_t& delta) {
    delta = 0;  // the deadline stays reached: asked again at the next check
    return ++calls <= 2;
  });
  store.set_epoch_deadline(0);
  r = count(100000000);
  CHECK(r.status() == BRISK_ERR_TRAP && r.error().trap_code == BRISK_TRAP_EPOCH_DEADLINE);
  CHECK(calls == 3);
  store.set_epoch_callback(nullptr);
  store.set_epoch_deadline(1000);
  CHECK(count(10).value() == 10);

  // A wall-clock timeout per call.
  store.set_call_timeout(std::chrono::milliseconds(5));
  r = count(INT32_MAX);
  CHECK(r.status() == BRISK_ERR_TRAP && r.error().trap_code == BRISK_TRAP_TIMEOUT);
  store.set_call_timeout(std::chrono::nanoseconds(0));
  CHECK(count(10).value() == 10);
}

static void moves_and_lifetimes(const std::vector<uint8_t>& bytes) {
  std::optional<brisk::Module> outlives_store;
  {
    brisk::Store first(g_config);
    brisk::Store store = std::move(first);  // the moved-from store deletes nothing
    auto module = brisk::Module::compile(store, bytes).value_or_throw();
    brisk::Module moved_module = std::move(module);

    brisk::Linker linker(store);
    define_log(linker, nullptr, nullptr);
    auto pre = linker.instantiate_pre(moved_module).value_or_throw();
    std::vector<brisk::Instance> instances;
    for (int i = 0; i < 3; ++i) instances.push_back(pre.instantiate().value_or_throw());
    brisk::Linker moved_linker = std::move(linker);
    (void)moved_linker;

    // Each instance has its own memory and globals.
    instances[0].global("counter")->set<int32_t>(100).value_or_throw();
    CHECK(instances[1].global("counter")->get<int32_t>().value() == 5);
    CHECK(instances[0].global("counter")->get<int64_t>().status() == BRISK_ERR_ARGUMENT);
    CHECK(instances[0].memory0().data != instances[1].memory0().data);

    brisk::Instance kept = pre.instantiate().value_or_throw();
    kept = std::move(instances[2]);  // move-assignment: the replaced instance is deleted later, once
    auto add = kept.func<int32_t(int32_t, int32_t)>("add").value_or_throw();
    instances.clear();  // deletes two instances; the moved-from one deletes nothing
    CHECK(add(1, 2).value() == 3);

    // Deleting the instance makes its exports stale: an error, not a crash.
    { brisk::Instance dropped = std::move(kept); }
    CHECK(add(1, 2).status() == BRISK_ERR_ARGUMENT);

    // Introspection through the wrapper.
    auto imports = moved_module.imports();
    CHECK(imports.size() == 1 && imports[0].module == "env" && imports[0].name == "log");
    CHECK(imports[0].type.kind == BRISK_EXTERN_FUNC && imports[0].type.of.func.num_params == 2);
    auto exports = moved_module.exports();
    CHECK(exports.size() == 12 && exports[0].name == "memory" && exports[0].type.kind == BRISK_EXTERN_MEMORY);
    CHECK(exports[0].type.of.memory.limits.max == 4);
    CHECK(moved_module.custom_section("name").first != nullptr);  // wat2wasm --debug-names
    CHECK(moved_module.custom_section("nope").first == nullptr);

    // This module outlives its store: the store frees it, the wrapper then does nothing.
    outlives_store = brisk::Module::compile(store, bytes).value_or_throw();
  }
  outlives_store.reset();

  // An invalid module: the error has its byte offset.
  brisk::Store store(g_config);
  const uint8_t junk[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0xff};
  auto bad = brisk::Module::compile(store, junk, sizeof junk);
  CHECK(bad.status() == BRISK_ERR_INVALID_MODULE && bad.error().offset != UINT64_MAX);
  // A missing import is a link error.
  brisk::Linker empty(store);
  auto module = brisk::Module::compile(store, bytes).value_or_throw();
  CHECK(empty.instantiate(module).status() == BRISK_ERR_LINK);
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "interp";
  g_config = config_for_mode(mode);
  std::vector<uint8_t> bytes = wasm_bytes();
  {
    brisk::Store store(g_config);
    CHECK(store);
    auto module = brisk::Module::compile(store, bytes);
    CHECK_OK(module);
    std::string logged;
    brisk::Linker linker(store);
    define_log(linker, &logged, nullptr);
    auto inst = linker.instantiate(*module);
    CHECK_OK(inst);
    typed_calls(*inst);
    signature_mismatch(*inst);
    traps(*inst);
    host_functions(store, *module);
  }
  limits_and_fuel(bytes);
  epochs_interrupts_timeouts(bytes);
  moves_and_lifetimes(bytes);
  std::printf("cpp_wrapper (%s): ok\n", mode);
  return 0;
}

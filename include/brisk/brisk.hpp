// brisk: a header-only C++17 wrapper over the C embedding API (brisk.h).
//
// It adds RAII, typed calls and host functions from lambdas; everything
// else (ownership, thread rules, semantics) is the C API's, see brisk.h.
//
// Ownership. Engine, Store, Module, Linker, Instance, InstancePre and
// HostFunc own their C handle and delete it (move-only). Func, Memory, Table,
// Global and Caller are non-owning views of objects that belong to an
// instance or store (copyable): they go stale when their owner is deleted
// (calls then return BRISK_ERR_ARGUMENT) and must not be used once the store
// is gone. Deleting a Store frees everything created in it; owning wrappers
// that outlive their Store notice it and do nothing in their destructor.
//
// Errors are values: fallible calls return brisk::Result<T> holding a T or
// a brisk::Error (status, message, trap code, exit code, offset, frames).
// With exceptions enabled, Result::value_or_throw() throws brisk::Exception.
#ifndef BRISK_BRISK_HPP
#define BRISK_BRISK_HPP

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>
#if __cpp_exceptions
#include <stdexcept>
#endif

#include "brisk/brisk.h"

namespace brisk {
// The inline namespace gives the wrapper's classes their own linkage names:
// libbrisk.a implements the C API with internal classes of namespace brisk
// (brisk::Store, brisk::Instance, ...), and an inline member of the same
// name here would be an ODR clash when linking statically.
inline namespace hpp {

// ---- errors and results ----

struct Frame {
  uint32_t func_index;  // UINT32_MAX: host function or elided
  uint64_t code_offset; // UINT64_MAX: unknown
  std::string name;
};

struct Error {
  brisk_status_t status = BRISK_ERR_ARGUMENT;
  std::string message;
  int trap_code = BRISK_TRAP_NONE; // BRISK_ERR_TRAP: a brisk_trap_code_t
  int exit_code = 0;               // BRISK_ERR_EXIT
  uint64_t offset = UINT64_MAX;    // BRISK_ERR_INVALID_MODULE
  std::vector<Frame> frames;       // BRISK_ERR_TRAP of a call or instantiation: innermost first

  static Error argument(std::string message) {
    Error e;
    e.message = std::move(message);
    return e;
  }
  // Copies what the C result points to (valid only until the store's next call).
  static Error from(const brisk_result_t& r, const brisk_store_t* frames_of = nullptr) {
    Error e;
    e.status = r.status;
    e.message = r.message ? r.message : "";
    e.trap_code = r.trap_code;
    e.exit_code = r.exit_code;
    e.offset = r.offset;
    if (frames_of && r.status == BRISK_ERR_TRAP) {
      size_t n = brisk_trap_frame_count(frames_of);
      for (size_t i = 0; i < n; ++i) {
        brisk_frame_t f;
        if (brisk_trap_frame(frames_of, i, &f)) e.frames.push_back({f.func_index, f.code_offset, f.name ? f.name : ""});
      }
    }
    return e;
  }
};

#if __cpp_exceptions
class Exception : public std::runtime_error {
 public:
  explicit Exception(Error e) : std::runtime_error(e.message), error_(std::move(e)) {}
  const Error& error() const noexcept { return error_; }

 private:
  Error error_;
};
#endif

// A T or an Error. Reading value() of a failed result is a programming error.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  T& operator*() & { return value(); }
  const Error& error() const { return std::get<1>(v_); }
  brisk_status_t status() const { return ok() ? BRISK_OK : error().status; }
  T value_or(T fallback) const& { return ok() ? std::get<0>(v_) : std::move(fallback); }
  T value_or(T fallback) && { return ok() ? std::get<0>(std::move(v_)) : std::move(fallback); }
#if __cpp_exceptions
  // Copies from an lvalue; moves (e.g. a move-only handle) from an rvalue.
  T value_or_throw() const& {
    if (!ok()) throw Exception(error());
    return std::get<0>(v_);
  }
  T value_or_throw() && {
    if (!ok()) throw Exception(std::get<1>(std::move(v_)));
    return std::get<0>(std::move(v_));
  }
#endif

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::make_unique<Error>(std::move(error))) {}

  bool ok() const { return !error_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return *error_; }
  brisk_status_t status() const { return ok() ? BRISK_OK : error_->status; }
#if __cpp_exceptions
  void value_or_throw() const {
    if (error_) throw Exception(*error_);
  }
#endif

 private:
  std::unique_ptr<Error> error_;
};

namespace detail {
inline Result<void> check(const brisk_result_t& r, const brisk_store_t* frames_of = nullptr) {
  if (r.status == BRISK_OK) return {};
  return Error::from(r, frames_of);
}

// Wasm value types of the C++ types typed calls and host functions accept.
template <class T>
struct ValType;
template <>
struct ValType<int32_t> {
  static constexpr brisk_valtype_t kind = BRISK_I32;
  static brisk_val_t to(int32_t v) { brisk_val_t x; x.type = kind; x.of.i32 = v; return x; }
  static int32_t from(const brisk_val_t& x) { return x.of.i32; }
};
template <>
struct ValType<int64_t> {
  static constexpr brisk_valtype_t kind = BRISK_I64;
  static brisk_val_t to(int64_t v) { brisk_val_t x; x.type = kind; x.of.i64 = v; return x; }
  static int64_t from(const brisk_val_t& x) { return x.of.i64; }
};
template <>
struct ValType<float> {
  static constexpr brisk_valtype_t kind = BRISK_F32;
  static brisk_val_t to(float v) { brisk_val_t x; x.type = kind; x.of.f32 = v; return x; }
  static float from(const brisk_val_t& x) { return x.of.f32; }
};
template <>
struct ValType<double> {
  static constexpr brisk_valtype_t kind = BRISK_F64;
  static brisk_val_t to(double v) { brisk_val_t x; x.type = kind; x.of.f64 = v; return x; }
  static double from(const brisk_val_t& x) { return x.of.f64; }
};

// Result lists: void (none), a scalar (one) or std::tuple (several).
template <class R>
struct Results {
  static constexpr size_t count = 1;
  static std::vector<brisk_valtype_t> types() { return {ValType<R>::kind}; }
  static R read(const brisk_val_t* v) { return ValType<R>::from(v[0]); }
  static void write(const R& r, brisk_val_t* v) { v[0] = ValType<R>::to(r); }
};
template <>
struct Results<void> {
  static constexpr size_t count = 0;
  static std::vector<brisk_valtype_t> types() { return {}; }
};
template <class... Ts>
struct Results<std::tuple<Ts...>> {
  static constexpr size_t count = sizeof...(Ts);
  static std::vector<brisk_valtype_t> types() { return {ValType<Ts>::kind...}; }
  static std::tuple<Ts...> read(const brisk_val_t* v) { return read(v, std::index_sequence_for<Ts...>{}); }
  template <size_t... I>
  static std::tuple<Ts...> read(const brisk_val_t* v, std::index_sequence<I...>) {
    return std::tuple<Ts...>(ValType<Ts>::from(v[I])...);
  }
  static void write(const std::tuple<Ts...>& r, brisk_val_t* v) { write(r, v, std::index_sequence_for<Ts...>{}); }
  template <size_t... I>
  static void write(const std::tuple<Ts...>& r, brisk_val_t* v, std::index_sequence<I...>) {
    ((v[I] = ValType<Ts>::to(std::get<I>(r))), ...);
  }
};

inline std::string type_list(const brisk_valtype_t* t, size_t n) {
  std::string s = "(";
  for (size_t i = 0; i < n; ++i) {
    if (i) s += ' ';
    switch (t[i]) {
      case BRISK_I32: s += "i32"; break;
      case BRISK_I64: s += "i64"; break;
      case BRISK_F32: s += "f32"; break;
      case BRISK_F64: s += "f64"; break;
      case BRISK_FUNCREF: s += "funcref"; break;
      case BRISK_EXTERNREF: s += "externref"; break;
      case BRISK_V128: s += "v128"; break;
    }
  }
  return s + ")";
}

// The store's liveness, shared with the owning wrappers of its objects
// (which hold it weakly), plus the callbacks the Store wrapper installed.
struct StoreState {
  std::function<bool(brisk_grow_kind_t, uint64_t, uint64_t, uint64_t)> limiter;
  std::function<bool(uint64_t&)> epoch_callback;
};
using Alive = std::weak_ptr<StoreState>;

// Runs a store callback for brisk's C code: a C++ exception must not cross
// it, so one counts as "no" (deny the grow, trap at the deadline).
template <class F>
int guarded(F&& f) {
#if __cpp_exceptions
  try {
    return f() ? 1 : 0;
  } catch (...) {
    return 0;
  }
#else
  return f() ? 1 : 0;
#endif
}
}  // namespace detail

// ---- configuration, engines, stores ----

// brisk_config_t with brisk's defaults filled in.
struct Config : brisk_config_t {
  Config() { brisk_config_default(this); }
};

class Engine {
 public:
  Engine() : e_(brisk_engine_new()) {}
  Engine(Engine&& o) noexcept : e_(std::exchange(o.e_, nullptr)) {}
  Engine& operator=(Engine&& o) noexcept { std::swap(e_, o.e_); return *this; }
  ~Engine() { if (e_) brisk_engine_delete(e_); }
  // Any thread.
  void increment_epoch() { brisk_engine_increment_epoch(e_); }
  uint64_t epoch() const { return brisk_engine_epoch(e_); }
  brisk_engine_t* get() const { return e_; }

 private:
  brisk_engine_t* e_;
};

class Store {
 public:
  explicit Store(const Config& config = Config()) : s_(brisk_store_new(&config)), state_(make_state()) {}
  Store(Engine& engine, const Config& config = Config())
      : s_(brisk_store_new_in(engine.get(), &config)), state_(make_state()) {}
  Store(Store&& o) noexcept : s_(std::exchange(o.s_, nullptr)), state_(std::move(o.state_)) {}
  Store& operator=(Store&& o) noexcept {
    std::swap(s_, o.s_);
    std::swap(state_, o.state_);
    return *this;
  }
  // Frees everything in the store (running pending finalizers), then lets
  // the wrappers that outlive it know.
  ~Store() {
    if (s_) brisk_store_delete(s_);
  }

  brisk_store_t* get() const { return s_; }
  explicit operator bool() const { return s_ != nullptr; }
  detail::Alive alive() const { return state_; }

  // Any thread; sticky until a call observes it (see brisk.h).
  void interrupt() { brisk_store_interrupt(s_); }
  // Any thread; withdraws a request no call has observed yet.
  void clear_interrupt() { brisk_store_clear_interrupt(s_); }
  void set_data(void* data) { brisk_store_set_data(s_, data); }
  void* data() const { return brisk_store_get_data(s_); }

  Result<void> set_limits(const brisk_store_limits_t& limits) { return detail::check(brisk_store_set_limits(s_, &limits)); }
  // fn(kind, current, desired, maximum) -> allow? Empty fn removes it.
  void set_limiter(std::function<bool(brisk_grow_kind_t, uint64_t, uint64_t, uint64_t)> fn) {
    state_->limiter = std::move(fn);
    if (!state_->limiter) return brisk_store_set_limiter(s_, nullptr, nullptr);
    brisk_store_set_limiter(
        s_,
        [](void* d, brisk_grow_kind_t k, uint64_t cur, uint64_t want, uint64_t max) -> int {
          return detail::guarded([&] { return static_cast<detail::StoreState*>(d)->limiter(k, cur, want, max); });
        },
        state_.get());
  }

  Result<void> set_fuel(uint64_t fuel) { return detail::check(brisk_store_set_fuel(s_, fuel)); }
  Result<void> add_fuel(uint64_t delta) { return detail::check(brisk_store_add_fuel(s_, delta)); }
  Result<uint64_t> fuel() {
    uint64_t left = 0;
    brisk_result_t r = brisk_store_get_fuel(s_, &left);
    if (r.status != BRISK_OK) return Error::from(r);
    return left;
  }

  void set_epoch_deadline(uint64_t delta) { brisk_store_set_epoch_deadline(s_, delta); }
  // fn(delta) -> continue? (with the deadline moved to now + delta). Empty fn: trap.
  void set_epoch_callback(std::function<bool(uint64_t& delta)> fn) {
    state_->epoch_callback = std::move(fn);
    if (!state_->epoch_callback) return brisk_store_set_epoch_callback(s_, nullptr, nullptr);
    brisk_store_set_epoch_callback(
        s_,
        [](void* d, brisk_store_t*, uint64_t* delta) -> int {
          return detail::guarded([&] { return static_cast<detail::StoreState*>(d)->epoch_callback(*delta); });
        },
        state_.get());
  }
  void set_call_timeout(std::chrono::nanoseconds timeout) {
    brisk_store_set_call_timeout(s_, timeout.count() > 0 ? static_cast<uint64_t>(timeout.count()) : 0);
  }
  Result<void> set_native_stack(const void* lowest, size_t size) {
    return detail::check(brisk_store_set_native_stack(s_, lowest, size));
  }

 private:
  static std::shared_ptr<detail::StoreState> make_state() { return std::make_shared<detail::StoreState>(); }
  brisk_store_t* s_;
  std::shared_ptr<detail::StoreState> state_;
};

namespace detail {
// Base of the owning wrappers: a C handle deleted by Deleter unless the
// store it belongs to is already gone (which freed it).
template <auto Deleter>
struct Delete {
  template <class H>
  void operator()(H* h) const { Deleter(h); }
};
struct NoDelete {  // the derived class deletes
  template <class H>
  void operator()(H*) const {}
};

template <class H, class Deleter>
class Owned {
 public:
  Owned(H* h, brisk_store_t* s, Alive alive) : h_(h), s_(s), alive_(std::move(alive)) {}
  Owned(Owned&& o) noexcept : h_(std::exchange(o.h_, nullptr)), s_(o.s_), alive_(std::move(o.alive_)) {}
  Owned& operator=(Owned&& o) noexcept {
    std::swap(h_, o.h_);
    std::swap(s_, o.s_);
    std::swap(alive_, o.alive_);
    return *this;
  }
  ~Owned() {
    if (h_ && !alive_.expired()) Deleter()(h_);
  }
  H* get() const { return h_; }

 protected:
  H* h_;
  brisk_store_t* s_;  // the store the handle belongs to
  Alive alive_;
};
}  // namespace detail

// ---- views: functions, memories, tables, globals ----

template <class Sig>
class TypedFunc;
class Func;
namespace detail {
template <class R, class... Args>
Result<TypedFunc<R(Args...)>> typed_impl(R (*)(Args...), const Func& f);
}

// A function handle (an export, or a HostFunc's) with the store to call it in.
class Func {
 public:
  Func(brisk_store_t* store, brisk_func_t* func) : s_(store), f_(func) {}
  brisk_func_t* get() const { return f_; }
  brisk_store_t* store() const { return s_; }

  Result<brisk_functype_t> type() const {
    brisk_functype_t t;
    if (!brisk_func_type(f_, &t)) return Error::argument("brisk::Func::type: stale or invalid function handle");
    return t;
  }
  // Untyped call: arguments of the parameter types; returns the results.
  Result<std::vector<brisk_val_t>> call(const std::vector<brisk_val_t>& args) const {
    auto t = type();
    if (!t) return t.error();
    std::vector<brisk_val_t> results(t->num_results);
    brisk_result_t r = brisk_func_call(s_, f_, args.data(), args.size(), results.data(), results.size());
    if (r.status != BRISK_OK) return Error::from(r, s_);
    return results;
  }
  // Checks the wasm signature against Sig (e.g. int32_t(int32_t, int32_t))
  // once, here; calls through the result then skip that check.
  template <class Sig>
  Result<TypedFunc<Sig>> typed() const;
  brisk_val_t as_funcref() const { return brisk_val_funcref(f_); }

 private:
  brisk_store_t* s_;
  brisk_func_t* f_;
};

template <class R, class... Args>
class TypedFunc<R(Args...)> {
 public:
  Result<R> operator()(Args... args) const {
    brisk_val_t in[sizeof...(Args) + 1] = {detail::ValType<Args>::to(args)...};
    brisk_val_t out[detail::Results<R>::count + 1];
    brisk_result_t r = brisk_func_call(f_.store(), f_.get(), in, sizeof...(Args), out, detail::Results<R>::count);
    if (r.status != BRISK_OK) return Error::from(r, f_.store());
    if constexpr (std::is_void_v<R>) {
      return {};
    } else {
      return detail::Results<R>::read(out);
    }
  }
  const Func& func() const { return f_; }

 private:
  // Made only by Func::typed, which checks the signature.
  friend Result<TypedFunc> detail::typed_impl<R, Args...>(R (*)(Args...), const Func&);
  explicit TypedFunc(Func f) : f_(f) {}
  Func f_;
};

// Non-owning views of an instance's (or store's) objects.
class Memory {
 public:
  Memory(brisk_store_t* store, brisk_memory_t* memory) : s_(store), m_(memory) {}
  brisk_memory_t* get() const { return m_; }
  // Valid until wasm or grow() grows the memory.
  uint8_t* data() const { size_t n; return brisk_memory_data(m_, &n); }
  size_t size() const { size_t n = 0; brisk_memory_data(m_, &n); return n; }
  uint64_t pages() const { return brisk_memory_pages(m_); }
  // The previous size in pages.
  Result<uint64_t> grow(uint64_t delta) {
    uint64_t old = 0;
    brisk_result_t r = brisk_memory_grow(s_, m_, delta, &old);
    if (r.status != BRISK_OK) return Error::from(r);
    return old;
  }

 private:
  brisk_store_t* s_;
  brisk_memory_t* m_;
};

class Table {
 public:
  Table(brisk_store_t* store, brisk_table_t* table) : s_(store), t_(table) {}
  brisk_table_t* get() const { return t_; }
  uint32_t size() const { return brisk_table_size(t_); }
  Result<brisk_val_t> get(uint32_t i) const {
    brisk_val_t v;
    brisk_result_t r = brisk_table_get(s_, t_, i, &v);
    if (r.status != BRISK_OK) return Error::from(r);
    return v;
  }
  Result<void> set(uint32_t i, const brisk_val_t& v) { return detail::check(brisk_table_set(s_, t_, i, &v)); }
  Result<uint32_t> grow(uint32_t delta, const brisk_val_t* init = nullptr) {
    uint32_t old = 0;
    brisk_result_t r = brisk_table_grow(s_, t_, delta, init, &old);
    if (r.status != BRISK_OK) return Error::from(r);
    return old;
  }

 private:
  brisk_store_t* s_;
  brisk_table_t* t_;
};

class Global {
 public:
  Global(brisk_store_t* store, brisk_global_t* global) : s_(store), g_(global) {}
  brisk_global_t* get() const { return g_; }
  Result<brisk_val_t> value() const {
    brisk_val_t v;
    brisk_result_t r = brisk_global_get(s_, g_, &v);
    if (r.status != BRISK_OK) return Error::from(r);
    return v;
  }
  // Typed read: the global's type must be T's.
  template <class T>
  Result<T> get() const {
    auto v = value();
    if (!v) return v.error();
    if (v->type != detail::ValType<T>::kind) return Error::argument("brisk::Global::get: the global has another type");
    return detail::ValType<T>::from(*v);
  }
  Result<void> set(const brisk_val_t& v) { return detail::check(brisk_global_set(s_, g_, &v)); }
  template <class T>
  Result<void> set(T v) { return set(detail::ValType<T>::to(v)); }

 private:
  brisk_store_t* s_;
  brisk_global_t* g_;
};

namespace detail {
template <class R, class... Args>
Result<TypedFunc<R(Args...)>> typed_impl(R (*)(Args...), const Func& f) {
  auto t = f.type();
  if (!t) return t.error();
  const brisk_valtype_t want_params[sizeof...(Args) + 1] = {ValType<Args>::kind...};
  std::vector<brisk_valtype_t> want_results = Results<R>::types();
  bool same = t->num_params == sizeof...(Args) && t->num_results == want_results.size();
  for (size_t i = 0; same && i < t->num_params; ++i) same = t->params[i] == want_params[i];
  for (size_t i = 0; same && i < t->num_results; ++i) same = t->results[i] == want_results[i];
  if (!same)
    return Error::argument("signature mismatch: the function is " + type_list(t->params, t->num_params) + " -> " +
                           type_list(t->results, t->num_results) + ", the C++ type asks for " +
                           type_list(want_params, sizeof...(Args)) + " -> " +
                           type_list(want_results.data(), want_results.size()));
  return TypedFunc<R(Args...)>(f);
}

}  // namespace detail

template <class Sig>
Result<TypedFunc<Sig>> Func::typed() const {
  return detail::typed_impl(static_cast<Sig*>(nullptr), *this);
}

namespace detail {
// Lookups shared by Instance and Caller.
template <class Sig>
Result<TypedFunc<Sig>> typed_lookup(brisk_store_t* s, brisk_func_t* f, const char* name) {
  if (!f) return Error::argument(std::string("no function export named '") + name + "'");
  return Func(s, f).typed<Sig>();
}
}  // namespace detail

// ---- host functions ----

// What a host function sees of its caller (valid during the call only).
class Caller {
 public:
  explicit Caller(brisk_caller_t* c) : c_(c) {}
  brisk_caller_t* get() const { return c_; }
  brisk_store_t* store() const { return brisk_caller_store(c_); }
  void* store_data() const { return brisk_caller_store_data(c_); }

  // The caller's memory 0: pointer and size, valid for the rest of the host
  // call (fetch again after calling back into wasm).
  struct Bytes {
    uint8_t* data;
    size_t size;
  };
  Bytes memory() const {
    Bytes b{nullptr, 0};
    b.data = brisk_caller_memory(c_, &b.size);
    return b;
  }
  Result<Func> func(const char* name) const {
    if (brisk_func_t* f = brisk_caller_func(c_, name)) return Func(store(), f);
    return Error::argument(std::string("the caller has no function export named '") + name + "'");
  }
  template <class Sig>
  Result<TypedFunc<Sig>> func(const char* name) const {
    return detail::typed_lookup<Sig>(store(), brisk_caller_func(c_, name), name);
  }
  Result<Memory> memory(const char* name) const {
    if (brisk_memory_t* m = brisk_caller_memory_named(c_, name)) return Memory(store(), m);
    return Error::argument(std::string("the caller has no memory export named '") + name + "'");
  }
  Result<Global> global(const char* name) const {
    if (brisk_global_t* g = brisk_caller_global(c_, name)) return Global(store(), g);
    return Error::argument(std::string("the caller has no global export named '") + name + "'");
  }
  Result<Table> table(const char* name) const {
    if (brisk_table_t* t = brisk_caller_table(c_, name)) return Table(store(), t);
    return Error::argument(std::string("the caller has no table export named '") + name + "'");
  }
  // Ends the guest with BRISK_ERR_EXIT and {code} once the host function returns.
  void exit(int code) {
    exit_requested_ = true;
    exit_code_ = code;
  }
  // Traps the guest with BRISK_TRAP_HOST and {message} once the host function returns.
  void trap(std::string message) {
    trap_requested_ = true;
    trap_ = message.empty() ? "host function trapped" : std::move(message);
  }

 private:
  template <class F, class R, bool WithCaller, class... Args>
  friend struct HostThunk;
  brisk_caller_t* c_;
  bool exit_requested_ = false;
  bool trap_requested_ = false;
  int exit_code_ = 0;
  std::string trap_;
};

namespace detail {
// The signature of a lambda's (or function pointer's) call operator.
template <class T>
struct Signature : Signature<decltype(&T::operator())> {};
template <class R, class... A>
struct Signature<R (*)(A...)> {
  using result = R;
  using args = std::tuple<A...>;
};
template <class C, class R, class... A>
struct Signature<R (C::*)(A...) const> : Signature<R (*)(A...)> {};
template <class C, class R, class... A>
struct Signature<R (C::*)(A...)> : Signature<R (*)(A...)> {};

// Lambdas, function objects with one operator(), function pointers.
template <class T, class = void>
struct is_host_callable : std::is_function<std::remove_pointer_t<T>> {};
template <class T>
struct is_host_callable<T, std::void_t<decltype(&T::operator())>> : std::true_type {};
}  // namespace detail

template <class F, class R, bool WithCaller, class... Args>
struct HostThunk {
  F fn;
  std::string message;  // the trap message handed to brisk (which copies it)

  static const char* call(brisk_caller_t* c, void* data, const brisk_val_t* args, size_t, brisk_val_t* results,
                          size_t) {
    auto* self = static_cast<HostThunk*>(data);
    Caller caller(c);
#if __cpp_exceptions
    try {
#endif
      self->invoke(caller, args, results, std::index_sequence_for<Args...>{});
#if __cpp_exceptions
    } catch (const std::exception& e) {
      self->message = e.what();
      return self->message.c_str();
    } catch (...) {
      return "host function threw a C++ exception";
    }
#endif
    if (caller.trap_requested_) {
      self->message = std::move(caller.trap_);
      return self->message.c_str();
    }
    if (caller.exit_requested_) return brisk_caller_exit(c, caller.exit_code_);
    return nullptr;
  }

  template <size_t... I>
  void invoke(Caller& caller, const brisk_val_t* args, brisk_val_t* results, std::index_sequence<I...>) {
    auto run = [&]() -> decltype(auto) {
      if constexpr (WithCaller)
        return fn(caller, detail::ValType<Args>::from(args[I])...);
      else
        return fn(detail::ValType<Args>::from(args[I])...);
    };
    if constexpr (std::is_void_v<R>)
      run();
    else
      detail::Results<R>::write(run(), results);
    (void)args;
    (void)results;
  }
};

namespace detail {
template <class F, class R, class Tuple>
struct MakeThunk;
template <class F, class R, class... A>
struct MakeThunk<F, R, std::tuple<Caller&, A...>> {
  using type = HostThunk<F, R, true, A...>;
  static std::vector<brisk_valtype_t> params() { return {ValType<A>::kind...}; }
};
template <class F, class R, class... A>
struct MakeThunk<F, R, std::tuple<A...>> {
  using type = HostThunk<F, R, false, A...>;
  static std::vector<brisk_valtype_t> params() { return {ValType<A>::kind...}; }
};
}  // namespace detail

// A host function the embedder owns (brisk_func_new/brisk_func_delete); the
// callable is freed by brisk's finalizer once nothing uses the function.
class HostFunc : public detail::Owned<brisk_func_t, detail::NoDelete> {
 public:
  HostFunc(HostFunc&& o) noexcept = default;
  HostFunc& operator=(HostFunc&& o) noexcept = default;
  ~HostFunc() {
    if (h_ && !alive_.expired()) brisk_func_delete(s_, h_);
    h_ = nullptr;
  }

  // fn: a lambda or function taking (optionally Caller& first, then)
  // int32_t/int64_t/float/double arguments, returning void, one of those or
  // a std::tuple of them. It traps the guest by throwing, or by Caller::trap.
  template <class F>
  static Result<HostFunc> make(Store& store, F fn) {
    return make(store.get(), store.alive(), std::move(fn));
  }
  template <class F>
  static Result<HostFunc> make(brisk_store_t* store, detail::Alive alive, F fn) {
    using Sig = detail::Signature<std::decay_t<F>>;
    using Make = detail::MakeThunk<std::decay_t<F>, typename Sig::result, typename Sig::args>;
    using Thunk = typename Make::type;
    std::vector<brisk_valtype_t> params = Make::params();
    std::vector<brisk_valtype_t> results = detail::Results<typename Sig::result>::types();
    auto* thunk = new Thunk{std::move(fn), {}};
    brisk_func_t* f = nullptr;
    brisk_result_t r = brisk_func_new(store, params.data(), params.size(), results.data(), results.size(),
                                      &Thunk::call, thunk, [](void* d) { delete static_cast<Thunk*>(d); }, &f);
    if (r.status != BRISK_OK) {
      delete thunk;  // brisk_func_new failed before taking it
      return Error::from(r);
    }
    return HostFunc(store, f, std::move(alive));
  }
  Func func() const { return Func(s_, h_); }

 private:
  HostFunc(brisk_store_t* store, brisk_func_t* f, detail::Alive alive) : Owned(f, store, std::move(alive)) {}
};

// ---- modules ----

struct ImportType {
  std::string module, name;
  brisk_externtype_t type;
};
struct ExportType {
  std::string name;
  brisk_externtype_t type;
};

class Module : public detail::Owned<brisk_module_t, detail::Delete<brisk_module_delete>> {
 public:
  // Decodes and validates; the bytes are copied. On error, offset is set.
  static Result<Module> compile(Store& store, const uint8_t* bytes, size_t len) {
    brisk_module_t* m = nullptr;
    brisk_result_t r = brisk_module_new(store.get(), bytes, len, &m);
    if (r.status != BRISK_OK) return Error::from(r);
    return Module(m, store.get(), store.alive());
  }
  static Result<Module> compile(Store& store, const std::vector<uint8_t>& bytes) {
    return compile(store, bytes.data(), bytes.size());
  }

  std::vector<ImportType> imports() const {
    std::vector<ImportType> out;
    for (size_t i = 0, n = brisk_module_import_count(h_); i < n; ++i) {
      brisk_import_t im;
      if (brisk_module_import(h_, i, &im)) out.push_back({im.module, im.name, im.type});
    }
    return out;
  }
  std::vector<ExportType> exports() const {
    std::vector<ExportType> out;
    for (size_t i = 0, n = brisk_module_export_count(h_); i < n; ++i) {
      brisk_export_t ex;
      if (brisk_module_export(h_, i, &ex)) out.push_back({ex.name, ex.type});
    }
    return out;
  }
  // The nth custom section called {name}: {nullptr, 0} if absent.
  std::pair<const uint8_t*, size_t> custom_section(const char* name, size_t nth = 0) const {
    size_t len = 0;
    const uint8_t* p = brisk_module_custom_section(h_, name, nth, &len);
    return {p, p ? len : 0};
  }

 private:
  using Owned::Owned;
};

// ---- WASI ----

// A WASI configuration (brisk.h, block "WASI": what the guest sees, the
// defaults, and how long a context lives). Setters chain; an invalid one
// changes nothing and is remembered, so Linker::define_wasi reports the
// first as its error. Output callbacks are copied into brisk, which frees
// them when neither the config nor a context made from it uses them; an
// exception thrown by one is swallowed (it must not cross brisk's C code).
class WasiConfig {
 public:
  using Output = std::function<void(std::string_view)>;

  WasiConfig() : c_(brisk_wasi_config_new()) {}
  WasiConfig(WasiConfig&& o) noexcept : c_(std::exchange(o.c_, nullptr)), error_(std::move(o.error_)) {}
  WasiConfig& operator=(WasiConfig&& o) noexcept {
    std::swap(c_, o.c_);
    std::swap(error_, o.error_);
    return *this;
  }
  ~WasiConfig() { brisk_wasi_config_delete(c_); }

  // argv, program name first.
  WasiConfig& args(const std::vector<std::string>& argv) {
    std::vector<const char*> p;
    for (const std::string& a : argv) p.push_back(a.c_str());
    return note(brisk_wasi_config_set_args(c_, p.size(), p.data()), "args");
  }
  WasiConfig& arg(const std::string& a) { return note(brisk_wasi_config_push_arg(c_, a.c_str()), "arg"); }
  WasiConfig& env(const std::string& name, const std::string& value) {
    return note(brisk_wasi_config_set_env(c_, name.c_str(), value.c_str()), "env: invalid name '" + name + "'");
  }
  WasiConfig& unset_env(const std::string& name) {
    return note(brisk_wasi_config_set_env(c_, name.c_str(), nullptr), "unset_env: invalid name '" + name + "'");
  }
  WasiConfig& inherit_env(bool inherit = true) { return note(brisk_wasi_config_inherit_env(c_, inherit), "inherit_env"); }
  // {guest} empty: the same path as {host}.
  WasiConfig& preopen_dir(const std::string& host, const std::string& guest = "", bool read_only = false) {
    return note(brisk_wasi_config_preopen_dir(c_, host.c_str(), guest.empty() ? nullptr : guest.c_str(),
                                              read_only ? BRISK_WASI_DIR_READ_ONLY : 0u),
                "preopen_dir: invalid directory '" + host + "'");
  }
  WasiConfig& stdin_bytes(std::string_view bytes) {
    return note(brisk_wasi_config_set_stdin_bytes(c_, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()),
                "stdin_bytes");
  }
  WasiConfig& stdin_fd(int fd) { return note(brisk_wasi_config_set_stdin_fd(c_, fd), "stdin_fd: invalid fd"); }
  WasiConfig& stdout_fd(int fd) { return note(brisk_wasi_config_set_stdout_fd(c_, fd), "stdout_fd: invalid fd"); }
  WasiConfig& stderr_fd(int fd) { return note(brisk_wasi_config_set_stderr_fd(c_, fd), "stderr_fd: invalid fd"); }
  // An empty function discards the output.
  WasiConfig& stdout_callback(Output fn) { return output(brisk_wasi_config_set_stdout_callback, std::move(fn), "stdout"); }
  WasiConfig& stderr_callback(Output fn) { return output(brisk_wasi_config_set_stderr_callback, std::move(fn), "stderr"); }
  // The host's fds 0, 1, 2.
  WasiConfig& inherit_stdio() { return note(brisk_wasi_config_inherit_stdio(c_), "inherit_stdio"); }

  // The first setting that was refused ("" if none).
  const std::string& error() const { return error_; }
  brisk_wasi_config_t* get() const { return c_; }

 private:
  WasiConfig& note(int ok, const std::string& what) {
    if (!ok && error_.empty()) error_ = c_ ? "brisk::WasiConfig::" + what : "brisk::WasiConfig: out of memory";
    return *this;
  }
  using SetOutput = int (*)(brisk_wasi_config_t*, brisk_wasi_output_fn, void*, brisk_finalizer_t);
  WasiConfig& output(SetOutput set, Output fn, const char* which) {
    if (!fn) return note(set(c_, nullptr, nullptr, nullptr), which);
    auto* held = new Output(std::move(fn));
    auto write = [](void* user, const uint8_t* data, size_t len) {
      detail::guarded([&] {
        (*static_cast<Output*>(user))(std::string_view(reinterpret_cast<const char*>(data), len));
        return true;
      });
    };
    auto finalize = [](void* user) { delete static_cast<Output*>(user); };
    if (!set(c_, write, held, finalize)) {
      delete held;
      return note(0, which);
    }
    return *this;
  }

  brisk_wasi_config_t* c_;
  std::string error_;
};

// ---- instances ----

class Instance : public detail::Owned<brisk_instance_t, detail::Delete<brisk_instance_delete>> {
 public:
  Result<Func> func(const char* name) const {
    if (brisk_func_t* f = brisk_instance_func(h_, name)) return Func(s_, f);
    return Error::argument(std::string("no function export named '") + name + "'");
  }
  // instance.func<int32_t(int32_t, int32_t)>("add"): checks the signature now.
  template <class Sig>
  Result<TypedFunc<Sig>> func(const char* name) const {
    return detail::typed_lookup<Sig>(s_, brisk_instance_func(h_, name), name);
  }
  Result<Memory> memory(const char* name) const {
    if (brisk_memory_t* m = brisk_instance_memory_named(h_, name)) return Memory(s_, m);
    return Error::argument(std::string("no memory export named '") + name + "'");
  }
  Result<Table> table(const char* name) const {
    if (brisk_table_t* t = brisk_instance_table(h_, name)) return Table(s_, t);
    return Error::argument(std::string("no table export named '") + name + "'");
  }
  Result<Global> global(const char* name) const {
    if (brisk_global_t* g = brisk_instance_global(h_, name)) return Global(s_, g);
    return Error::argument(std::string("no global export named '") + name + "'");
  }
  size_t export_count() const { return brisk_instance_export_count(h_); }
  // Runs a WASI command's _start (brisk_wasi_run): ok when it returns; an
  // Error with status BRISK_ERR_EXIT and exit_code after proc_exit.
  Result<void> run_wasi() { return detail::check(brisk_wasi_run(s_, h_), s_); }
  // Memory 0 (exported or not): {nullptr, 0} if none; valid until the next call into wasm.
  Caller::Bytes memory0() const {
    Caller::Bytes b{nullptr, 0};
    b.data = brisk_instance_memory(h_, &b.size);
    return b;
  }
  brisk_store_t* store() const { return s_; }

 private:
  friend class Linker;
  friend class InstancePre;
  Instance(brisk_instance_t* i, brisk_store_t* s, detail::Alive alive) : Owned(i, s, std::move(alive)) {}
};

class InstancePre : public detail::Owned<brisk_instance_pre_t, detail::Delete<brisk_instance_pre_delete>> {
 public:
  Result<Instance> instantiate() {
    brisk_instance_t* i = nullptr;
    brisk_result_t r = brisk_instance_pre_instantiate(h_, &i);
    if (r.status != BRISK_OK) return Error::from(r, s_);
    return Instance(i, s_, alive_);
  }

 private:
  friend class Linker;
  InstancePre(brisk_instance_pre_t* p, brisk_store_t* s, detail::Alive alive) : Owned(p, s, std::move(alive)) {}
};

class Linker : public detail::Owned<brisk_linker_t, detail::Delete<brisk_linker_delete>> {
 public:
  explicit Linker(Store& store) : Owned(brisk_linker_new(store.get()), store.get(), store.alive()) {}

  Result<void> define(const char* module, const char* name, const brisk_extern_t& item) {
    return detail::check(brisk_linker_define(h_, module, name, &item));
  }
  Result<void> define(const char* module, const char* name, const Func& f) { return define(module, name, ext(f.get())); }
  Result<void> define(const char* module, const char* name, const HostFunc& f) {
    return define(module, name, ext(f.get()));
  }
  Result<void> define(const char* module, const char* name, const Memory& m) {
    brisk_extern_t x;
    x.kind = BRISK_EXTERN_MEMORY;
    x.of.memory = m.get();
    return define(module, name, x);
  }
  Result<void> define(const char* module, const char* name, const Global& g) {
    brisk_extern_t x;
    x.kind = BRISK_EXTERN_GLOBAL;
    x.of.global = g.get();
    return define(module, name, x);
  }
  Result<void> define(const char* module, const char* name, const Table& t) {
    brisk_extern_t x;
    x.kind = BRISK_EXTERN_TABLE;
    x.of.table = t.get();
    return define(module, name, x);
  }
  // A host function from a lambda (see HostFunc::make); the linker (and
  // the instances importing it) keep it alive.
  template <class F, class = std::enable_if_t<detail::is_host_callable<std::decay_t<F>>::value>>
  Result<void> define(const char* module, const char* name, F fn) {
    auto f = HostFunc::make(s_, alive_, std::move(fn));
    if (!f) return f.error();
    return define(module, name, *f);  // f's handle is dropped here; the linker holds the function
  }
  // Defines wasi_snapshot_preview1 with a new WASI context made from
  // {config} (copied: the config may go away at once).
  Result<void> define_wasi(const WasiConfig& config) {
    if (!config.error().empty()) return Error::argument(config.error());
    return detail::check(brisk_linker_define_wasi(h_, config.get()));
  }
  Result<void> define_instance(const char* name, Instance& instance) {
    return detail::check(brisk_linker_define_instance(h_, name, instance.get()));
  }

  Result<Instance> instantiate(Module& module) {
    brisk_instance_t* i = nullptr;
    brisk_result_t r = brisk_instantiate(h_, module.get(), &i);
    if (r.status != BRISK_OK) return Error::from(r, s_);
    return Instance(i, s_, alive_);
  }
  Result<InstancePre> instantiate_pre(Module& module) {
    brisk_instance_pre_t* p = nullptr;
    brisk_result_t r = brisk_instance_pre_new(h_, module.get(), &p);
    if (r.status != BRISK_OK) return Error::from(r);
    return InstancePre(p, s_, alive_);
  }

 private:
  static brisk_extern_t ext(brisk_func_t* f) {
    brisk_extern_t x;
    x.kind = BRISK_EXTERN_FUNC;
    x.of.func = f;
    return x;
  }
};

}  // namespace hpp
}  // namespace brisk

#endif  // BRISK_BRISK_HPP

// Errors as values. A Result<T> is either a T or an Error carrying the byte
// offset where decoding/validation failed (or kNoOffset) and a reason.
// Nothing in brisk throws across module boundaries.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace brisk {

struct Error {
  static constexpr uint64_t kNoOffset = ~uint64_t{0};
  uint64_t offset = kNoOffset;
  std::string message;

  std::string to_string() const {
    if (offset == kNoOffset) return message;
    return "offset " + std::to_string(offset) + ": " + message;
  }
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error e) : v_(std::move(e)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& value() const& { return std::get<0>(v_); }
  T* operator->() { return &value(); }
  T& operator*() { return value(); }
  const Error& error() const { return std::get<1>(v_); }
  Error take_error() { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error e) : err_(std::move(e)), ok_(false) {}
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return err_; }
  Error take_error() { return std::move(err_); }

 private:
  Error err_;
  bool ok_ = true;
};

inline Error make_error(uint64_t offset, std::string msg) { return Error{offset, std::move(msg)}; }

}  // namespace brisk

// Propagates an error from an expression yielding Result<...>.
#define BRISK_TRY(expr)                                   \
  do {                                                    \
    auto brisk_try_r_ = (expr);                           \
    if (!brisk_try_r_.ok()) return brisk_try_r_.take_error(); \
  } while (0)

#define BRISK_CONCAT_(a, b) a##b
#define BRISK_CONCAT(a, b) BRISK_CONCAT_(a, b)
// Declares `lhs` from a Result<T> expression or returns its error.
#define BRISK_ASSIGN(lhs, expr) BRISK_ASSIGN_(BRISK_CONCAT(brisk_r_, __LINE__), lhs, expr)
#define BRISK_ASSIGN_(tmp, lhs, expr)      \
  auto tmp = (expr);                       \
  if (!tmp.ok()) return tmp.take_error(); \
  lhs = std::move(tmp).value()

// Helpers shared by brisk's unit tests: decoding builder output, and
// instantiating and calling modules in a Store.
#pragma once
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/module_decoder.h"
#include "runtime/objects.h"
#include "runtime/store.h"
#include "wasm_builder.h"

namespace brisk::test {

using wb::Code;
using wb::ModuleBuilder;
using wb::T;

inline Result<std::shared_ptr<Module>> decode(const wb::Bytes& bytes) { return decode_module(bytes); }

// "offset N: message" or "ok", for readable assertion failures.
inline std::string describe(const Result<std::shared_ptr<Module>>& r) {
  return r.ok() ? std::string("ok") : r.error().to_string();
}

inline Value f32v(float f) { return Value::f32_bits(std::bit_cast<uint32_t>(f)); }
inline Value f64v(double d) { return Value::f64_bits(std::bit_cast<uint64_t>(d)); }
inline float as_f32(const Value& v) { return std::bit_cast<float>(uint32_t(v.bits)); }
inline double as_f64(const Value& v) { return std::bit_cast<double>(v.bits); }

// The outcome of one call: results, or the trap.
struct Outcome {
  std::vector<Value> results;
  std::optional<Trap> trap;
  bool ok() const { return !trap; }
  TrapKind kind() const { return trap ? trap->kind : TrapKind::None; }
  int32_t i32(size_t i = 0) const { return results.at(i).as_i32(); }
  int64_t i64(size_t i = 0) const { return results.at(i).as_i64(); }
  float f32(size_t i = 0) const { return as_f32(results.at(i)); }
  double f64(size_t i = 0) const { return as_f64(results.at(i)); }
};

// The display names of a trap's backtrace, innermost first.
inline std::vector<std::string> frame_names(const Trap& t) {
  std::vector<std::string> names;
  for (const auto& f : t.frames) names.push_back(f.name);
  return names;
}

inline std::string trap_text(const Outcome& o) {
  if (!o.trap) return "no trap";
  std::string s = o.trap->message + " [";
  for (const auto& f : o.trap->frames) s += f.name + " ";
  return s + "]";
}

inline Outcome call(Store& store, Function* f, const std::vector<Value>& args) {
  Outcome o;
  CallResult r = store.call(f, args, o.results);
  o.trap = std::move(r.trap);
  return o;
}

}  // namespace brisk::test

// A small JSON reader (RFC 8259) for the scripts that wabt's wast2json
// writes: objects, arrays, strings with every escape (\uXXXX included,
// surrogate pairs joined into one UTF-8 sequence), numbers, true, false and
// null. Strict about syntax, so a truncated or garbled script is an error
// with a position rather than a half-read script.
//
// Numbers keep their source text as well as a double, because wast2json
// writes 64-bit values and line numbers that a double cannot always hold.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace brisk::spectest {

class Json {
 public:
  enum class Type : uint8_t { Null, Bool, Number, String, Array, Object };
  using Array = std::vector<Json>;
  using Member = std::pair<std::string, Json>;
  using Object = std::vector<Member>;  // in source order

  Json() = default;  // null
  static Json make_bool(bool b);
  // {text} must be a valid JSON number; {value} is its value as a double.
  static Json make_number(std::string text, double value);
  static Json make_string(std::string s);
  static Json make_array(Array items);
  static Json make_object(Object members);

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::Null; }
  bool is_bool() const { return type_ == Type::Bool; }
  bool is_number() const { return type_ == Type::Number; }
  bool is_string() const { return type_ == Type::String; }
  bool is_array() const { return type_ == Type::Array; }
  bool is_object() const { return type_ == Type::Object; }

  // Accessors never fail: of the wrong type they give false, 0 or empty.
  bool as_bool() const { return type_ == Type::Bool && bool_; }
  double as_double() const { return type_ == Type::Number ? number_ : 0.0; }
  // A number that is an integer in [0, 2^64) written without fraction or
  // exponent (as wast2json writes line numbers), else nullopt.
  std::optional<uint64_t> as_u64() const;
  // A string's decoded text, a number's source text, otherwise empty.
  const std::string& text() const { return text_; }
  const Array& items() const { return items_; }
  const Object& members() const { return members_; }

  // An object's member (the last one, if the key is repeated); null when
  // this is not an object or has no such member.
  const Json* get(std::string_view key) const;
  // An object's member that is a string, or nullopt.
  std::optional<std::string_view> get_string(std::string_view key) const;

  // Compact JSON text of this value; parse_json(dump()) gives it back.
  std::string dump() const;

 private:
  void dump_to(std::string* out) const;

  Type type_ = Type::Null;
  bool bool_ = false;
  double number_ = 0.0;
  std::string text_;
  Array items_;
  Object members_;
};

struct JsonError {
  size_t offset = 0;  // byte offset into the text
  size_t line = 1;    // 1-based, counting '\n'
  size_t column = 1;  // 1-based, in bytes
  std::string message;
  std::string to_string() const;  // "line L, column C: message"
};

// Nested arrays/objects deeper than this are rejected (the parser recurses).
constexpr size_t kJsonMaxDepth = 1000;

// Parses a whole JSON text: one value, optionally surrounded by whitespace.
// On error returns nullopt and, if {error} is given, fills it in.
std::optional<Json> parse_json(std::string_view text, JsonError* error = nullptr);

// Appends {s} to {out} as a JSON string literal (quotes included).
void append_json_string(std::string_view s, std::string* out);

}  // namespace brisk::spectest

#include "json.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

namespace brisk::spectest {

Json Json::make_bool(bool b) {
  Json j;
  j.type_ = Type::Bool;
  j.bool_ = b;
  return j;
}

Json Json::make_number(std::string text, double value) {
  Json j;
  j.type_ = Type::Number;
  j.text_ = std::move(text);
  j.number_ = value;
  return j;
}

Json Json::make_string(std::string s) {
  Json j;
  j.type_ = Type::String;
  j.text_ = std::move(s);
  return j;
}

Json Json::make_array(Array items) {
  Json j;
  j.type_ = Type::Array;
  j.items_ = std::move(items);
  return j;
}

Json Json::make_object(Object members) {
  Json j;
  j.type_ = Type::Object;
  j.members_ = std::move(members);
  return j;
}

std::optional<uint64_t> Json::as_u64() const {
  if (type_ != Type::Number || text_.empty()) return std::nullopt;
  uint64_t v = 0;
  const char* end = text_.data() + text_.size();
  auto r = std::from_chars(text_.data(), end, v);
  if (r.ec != std::errc() || r.ptr != end) return std::nullopt;
  return v;
}

const Json* Json::get(std::string_view key) const {
  if (type_ != Type::Object) return nullptr;
  for (auto it = members_.rbegin(); it != members_.rend(); ++it)
    if (it->first == key) return &it->second;
  return nullptr;
}

std::optional<std::string_view> Json::get_string(std::string_view key) const {
  const Json* j = get(key);
  if (!j || !j->is_string()) return std::nullopt;
  return std::string_view(j->text_);
}

void append_json_string(std::string_view s, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\b': *out += "\\b"; break;
      case '\f': *out += "\\f"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default:
        if (c < 0x20) {
          *out += "\\u00";
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
}

void Json::dump_to(std::string* out) const {
  switch (type_) {
    case Type::Null: *out += "null"; break;
    case Type::Bool: *out += bool_ ? "true" : "false"; break;
    case Type::Number: *out += text_; break;
    case Type::String: append_json_string(text_, out); break;
    case Type::Array: {
      out->push_back('[');
      for (size_t i = 0; i < items_.size(); ++i) {
        if (i) out->push_back(',');
        items_[i].dump_to(out);
      }
      out->push_back(']');
      break;
    }
    case Type::Object: {
      out->push_back('{');
      for (size_t i = 0; i < members_.size(); ++i) {
        if (i) out->push_back(',');
        append_json_string(members_[i].first, out);
        out->push_back(':');
        members_[i].second.dump_to(out);
      }
      out->push_back('}');
      break;
    }
  }
}

std::string Json::dump() const {
  std::string out;
  dump_to(&out);
  return out;
}

std::string JsonError::to_string() const {
  return "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + message;
}

namespace {

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  std::optional<Json> parse_document() {
    skip_ws();
    Json v;
    if (!parse_value(&v, 0)) return std::nullopt;
    skip_ws();
    if (pos_ != s_.size()) return fail("unexpected text after the JSON value");
    return v;
  }

  JsonError error() const {
    JsonError e;
    e.offset = err_pos_;
    e.message = err_;
    for (size_t i = 0; i < err_pos_ && i < s_.size(); ++i) {
      if (s_[i] == '\n') {
        e.line++;
        e.column = 1;
      } else {
        e.column++;
      }
    }
    return e;
  }

 private:
  // Records the first error (at the current position) and returns "no value".
  std::nullopt_t fail(std::string message) { return fail_at(pos_, std::move(message)); }
  std::nullopt_t fail_at(size_t pos, std::string message) {
    if (err_.empty()) {
      err_ = std::move(message);
      err_pos_ = pos;
    }
    return std::nullopt;
  }

  bool at_end() const { return pos_ >= s_.size(); }
  char peek() const { return s_[pos_]; }

  void skip_ws() {
    while (!at_end()) {
      char c = peek();
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++pos_;
    }
  }

  bool parse_value(Json* out, size_t depth) {
    if (at_end()) return fail("unexpected end of input, expected a value"), false;
    switch (peek()) {
      case '{': return parse_object(out, depth);
      case '[': return parse_array(out, depth);
      case '"': {
        std::string s;
        if (!parse_string(&s)) return false;
        *out = Json::make_string(std::move(s));
        return true;
      }
      case 't': return parse_literal("true", Json::make_bool(true), out);
      case 'f': return parse_literal("false", Json::make_bool(false), out);
      case 'n': return parse_literal("null", Json(), out);
      default:
        if (peek() == '-' || (peek() >= '0' && peek() <= '9')) return parse_number(out);
        return fail(std::string("unexpected character ") + describe(peek())), false;
    }
  }

  static std::string describe(char c) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) return std::string("'") + c + "'";
    static const char kHex[] = "0123456789abcdef";
    return std::string("byte 0x") + kHex[u >> 4] + kHex[u & 15];
  }

  bool parse_literal(std::string_view word, Json value, Json* out) {
    if (s_.substr(pos_, word.size()) != word) return fail("invalid literal"), false;
    pos_ += word.size();
    *out = std::move(value);
    return true;
  }

  bool parse_object(Json* out, size_t depth) {
    if (depth >= kJsonMaxDepth) return fail("nesting too deep"), false;
    ++pos_;  // '{'
    Json::Object members;
    skip_ws();
    if (!at_end() && peek() == '}') {
      ++pos_;
      *out = Json::make_object(std::move(members));
      return true;
    }
    for (;;) {
      skip_ws();
      if (at_end()) return fail("unexpected end of input in an object"), false;
      if (peek() != '"') return fail("expected a string as object key"), false;
      std::string key;
      if (!parse_string(&key)) return false;
      skip_ws();
      if (at_end() || peek() != ':') return fail("expected ':' after object key"), false;
      ++pos_;
      skip_ws();
      Json value;
      if (!parse_value(&value, depth + 1)) return false;
      members.emplace_back(std::move(key), std::move(value));
      skip_ws();
      if (at_end()) return fail("unexpected end of input in an object"), false;
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') {
        ++pos_;
        *out = Json::make_object(std::move(members));
        return true;
      }
      return fail("expected ',' or '}' in an object"), false;
    }
  }

  bool parse_array(Json* out, size_t depth) {
    if (depth >= kJsonMaxDepth) return fail("nesting too deep"), false;
    ++pos_;  // '['
    Json::Array items;
    skip_ws();
    if (!at_end() && peek() == ']') {
      ++pos_;
      *out = Json::make_array(std::move(items));
      return true;
    }
    for (;;) {
      skip_ws();
      Json value;
      if (!parse_value(&value, depth + 1)) return false;
      items.push_back(std::move(value));
      skip_ws();
      if (at_end()) return fail("unexpected end of input in an array"), false;
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        *out = Json::make_array(std::move(items));
        return true;
      }
      return fail("expected ',' or ']' in an array"), false;
    }
  }

  bool is_digit(size_t i) const { return i < s_.size() && s_[i] >= '0' && s_[i] <= '9'; }

  bool parse_number(Json* out) {
    const size_t start = pos_;
    size_t i = pos_;
    if (s_[i] == '-') ++i;
    if (!is_digit(i)) return fail_at(i, "expected a digit"), false;
    if (s_[i] == '0') {
      ++i;
      if (is_digit(i)) return fail_at(i, "leading zero in a number"), false;
    } else {
      while (is_digit(i)) ++i;
    }
    if (i < s_.size() && s_[i] == '.') {
      ++i;
      if (!is_digit(i)) return fail_at(i, "expected a digit after '.'"), false;
      while (is_digit(i)) ++i;
    }
    if (i < s_.size() && (s_[i] == 'e' || s_[i] == 'E')) {
      ++i;
      if (i < s_.size() && (s_[i] == '+' || s_[i] == '-')) ++i;
      if (!is_digit(i)) return fail_at(i, "expected a digit in the exponent"), false;
      while (is_digit(i)) ++i;
    }
    std::string text(s_.substr(start, i - start));
    double value = 0.0;
    auto r = std::from_chars(text.data(), text.data() + text.size(), value);
    if (r.ec == std::errc::result_out_of_range) {
      // Too large for a double becomes infinity; too small becomes zero.
      bool huge = false;
      size_t e = text.find_first_of("eE");
      if (e == std::string::npos || text[e + 1] != '-') huge = true;
      value = huge ? std::numeric_limits<double>::infinity() : 0.0;
      if (text[0] == '-') value = -value;
    }
    pos_ = i;
    *out = Json::make_number(std::move(text), value);
    return true;
  }

  int hex_digit(size_t i) const {
    if (i >= s_.size()) return -1;
    char c = s_[i];
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  // Reads the four hex digits of a \u escape at pos_ (just after the 'u').
  bool read_hex4(uint32_t* out) {
    uint32_t v = 0;
    for (size_t k = 0; k < 4; ++k) {
      int d = hex_digit(pos_ + k);
      if (d < 0) return fail_at(pos_ + k, "expected four hex digits after \\u"), false;
      v = v << 4 | uint32_t(d);
    }
    pos_ += 4;
    *out = v;
    return true;
  }

  static void append_utf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(char(cp));
    } else if (cp < 0x800) {
      out->push_back(char(0xc0 | cp >> 6));
      out->push_back(char(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
      out->push_back(char(0xe0 | cp >> 12));
      out->push_back(char(0x80 | (cp >> 6 & 0x3f)));
      out->push_back(char(0x80 | (cp & 0x3f)));
    } else {
      out->push_back(char(0xf0 | cp >> 18));
      out->push_back(char(0x80 | (cp >> 12 & 0x3f)));
      out->push_back(char(0x80 | (cp >> 6 & 0x3f)));
      out->push_back(char(0x80 | (cp & 0x3f)));
    }
  }

  // Reads a string literal at pos_ (on its opening quote) into {out}.
  bool parse_string(std::string* out) {
    const size_t open = pos_;
    ++pos_;
    for (;;) {
      // Copy the run of plain bytes in one go.
      size_t run = pos_;
      while (run < s_.size()) {
        const unsigned char c = static_cast<unsigned char>(s_[run]);
        if (c == '"' || c == '\\' || c < 0x20) break;
        ++run;
      }
      out->append(s_.data() + pos_, run - pos_);
      pos_ = run;
      if (at_end()) return fail_at(open, "unterminated string"), false;
      const char c = peek();
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c != '\\') return fail("unescaped control character in a string"), false;
      ++pos_;
      if (at_end()) return fail_at(open, "unterminated string"), false;
      const char e = peek();
      ++pos_;
      switch (e) {
        case '"': out->push_back('"'); break;
        case '\\': out->push_back('\\'); break;
        case '/': out->push_back('/'); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'u': {
          uint32_t cp;
          if (!read_hex4(&cp)) return false;
          if (cp >= 0xd800 && cp < 0xdc00 && s_.substr(pos_, 2) == "\\u") {
            // A high surrogate followed by a low one: one code point.
            const size_t save = pos_;
            pos_ += 2;
            uint32_t lo;
            if (!read_hex4(&lo)) return false;
            if (lo >= 0xdc00 && lo < 0xe000) {
              cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            } else {
              pos_ = save;  // not a pair: the second escape stands alone
            }
          }
          // A lone surrogate is kept as its 3-byte (WTF-8) encoding, the way
          // RFC 8259's grammar lets it through.
          append_utf8(cp, out);
          break;
        }
        default: return fail_at(pos_ - 1, std::string("invalid escape \\") + describe(e)), false;
      }
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
  std::string err_;
  size_t err_pos_ = 0;
};

}  // namespace

std::optional<Json> parse_json(std::string_view text, JsonError* error) {
  Parser p(text);
  std::optional<Json> v = p.parse_document();
  if (!v && error) *error = p.error();
  return v;
}

}  // namespace brisk::spectest

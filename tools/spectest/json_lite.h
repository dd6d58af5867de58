// A small, strict JSON reader for wast2json output: objects, arrays,
// strings (with escapes), numbers kept as text, true/false/null.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace brisk::spectest {

struct Json {
  enum class Kind { Null, Bool, Number, String, Array, Object } kind = Kind::Null;
  bool b = false;
  std::string text;  // number or string
  std::vector<Json> items;
  std::map<std::string, Json> fields;

  const Json* get(const std::string& key) const {
    auto it = fields.find(key);
    return it == fields.end() ? nullptr : &it->second;
  }
  std::string str(const std::string& key, const std::string& dflt = "") const {
    const Json* j = get(key);
    return j && (j->kind == Kind::String || j->kind == Kind::Number) ? j->text : dflt;
  }
};

// Parses {text}; on error returns false and sets {error} (with the offset).
bool parse_json(const std::string& text, Json* out, std::string* error);

}  // namespace brisk::spectest

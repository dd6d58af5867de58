// The spec runner's JSON reader (tools/spectest/json.h).
#include "json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace {

using brisk::spectest::Json;
using brisk::spectest::JsonError;
using brisk::spectest::parse_json;

Json parse_ok(const std::string& text) {
  JsonError err;
  std::optional<Json> j = parse_json(text, &err);
  EXPECT_TRUE(j.has_value()) << "for " << text << ": " << err.to_string();
  return j ? *j : Json();
}

JsonError parse_err(const std::string& text) {
  JsonError err;
  std::optional<Json> j = parse_json(text, &err);
  EXPECT_FALSE(j.has_value()) << "accepted " << text << " as " << (j ? j->dump() : "");
  EXPECT_FALSE(err.message.empty()) << "for " << text;
  return err;
}

std::string str(const std::string& literal) { return parse_ok(literal).text(); }

TEST(Json, Literals) {
  EXPECT_TRUE(parse_ok("null").is_null());
  EXPECT_TRUE(parse_ok("true").is_bool());
  EXPECT_TRUE(parse_ok("true").as_bool());
  EXPECT_TRUE(parse_ok("false").is_bool());
  EXPECT_FALSE(parse_ok("false").as_bool());
  EXPECT_TRUE(parse_ok(" \t\r\n null \n").is_null());
}

TEST(Json, Numbers) {
  EXPECT_EQ(parse_ok("0").as_double(), 0.0);
  EXPECT_EQ(parse_ok("-0").text(), "-0");
  EXPECT_TRUE(std::signbit(parse_ok("-0").as_double()));
  EXPECT_EQ(parse_ok("42").as_double(), 42.0);
  EXPECT_EQ(parse_ok("-17").as_double(), -17.0);
  EXPECT_EQ(parse_ok("3.25").as_double(), 3.25);
  EXPECT_EQ(parse_ok("1e3").as_double(), 1000.0);
  EXPECT_EQ(parse_ok("1E+3").as_double(), 1000.0);
  EXPECT_EQ(parse_ok("25e-2").as_double(), 0.25);
  EXPECT_EQ(parse_ok("-1.5e1").as_double(), -15.0);
  EXPECT_EQ(parse_ok("0.1").as_double(), 0.1);
  EXPECT_TRUE(std::isinf(parse_ok("1e400").as_double()));
  EXPECT_TRUE(std::isinf(parse_ok("-1e400").as_double()));
  EXPECT_LT(parse_ok("-1e400").as_double(), 0);
  EXPECT_EQ(parse_ok("1e-400").as_double(), 0.0);
  // The source text is kept: 64-bit integers survive exactly.
  Json big = parse_ok("18446744073709551615");
  EXPECT_EQ(big.text(), "18446744073709551615");
  ASSERT_TRUE(big.as_u64().has_value());
  EXPECT_EQ(*big.as_u64(), 18446744073709551615ull);
  EXPECT_EQ(parse_ok("12").as_u64(), std::optional<uint64_t>(12));
  EXPECT_FALSE(parse_ok("18446744073709551616").as_u64().has_value());
  EXPECT_FALSE(parse_ok("-1").as_u64().has_value());
  EXPECT_FALSE(parse_ok("1.0").as_u64().has_value());
  EXPECT_FALSE(parse_ok("1e2").as_u64().has_value());
  EXPECT_FALSE(parse_ok("\"12\"").as_u64().has_value());
}

TEST(Json, BadNumbers) {
  parse_err("01");
  parse_err("-");
  parse_err("-a");
  parse_err("+1");
  parse_err("1.");
  parse_err(".5");
  parse_err("1e");
  parse_err("1e+");
  parse_err("0x10");
  parse_err("1.5.5");
  parse_err("Infinity");
  parse_err("NaN");
  parse_err("- 1");
}

TEST(Json, Strings) {
  EXPECT_EQ(str("\"\""), "");
  EXPECT_EQ(str("\"abc\""), "abc");
  EXPECT_EQ(str(R"("a\"b\\c\/d")"), "a\"b\\c/d");
  EXPECT_EQ(str(R"("\b\f\n\r\t")"), "\b\f\n\r\t");
  EXPECT_EQ(str(R"("\u0041\u00e9")"), "A\xc3\xa9");
  EXPECT_EQ(str(R"("\u20AC")"), "\xe2\x82\xac");
  EXPECT_EQ(str(R"("\u0000x")"), std::string("\0x", 2));
  // A surrogate pair is one code point (U+1F600), in four UTF-8 bytes.
  EXPECT_EQ(str(R"("\ud83d\ude00")"), "\xf0\x9f\x98\x80");
  EXPECT_EQ(str(R"("\uDBFF\uDFFF")"), "\xf4\x8f\xbf\xbf");
  // Lone surrogates are kept (WTF-8), not dropped.
  EXPECT_EQ(str(R"("\ud800")"), "\xed\xa0\x80");
  EXPECT_EQ(str(R"("\udc00x")"), "\xed\xb0\x80x");
  EXPECT_EQ(str(R"("\ud800\u0041")"), "\xed\xa0\x80"
                                      "A");
  // Raw UTF-8 passes through unchanged.
  EXPECT_EQ(str("\"\xe2\x80\xa8 \xf0\x90\x80\x80\""), "\xe2\x80\xa8 \xf0\x90\x80\x80");
  // Names as wast2json writes them.
  EXPECT_EQ(str(R"("~!@#$%^&*()_+`-={}|[]\u005c:\u0022;'<>?,./ ")"), "~!@#$%^&*()_+`-={}|[]\\:\";'<>?,./ ");
}

TEST(Json, BadStrings) {
  parse_err("\"abc");
  parse_err("\"abc\\");
  parse_err("\"\\x\"");
  parse_err("\"\\u12\"");
  parse_err("\"\\u12g4\"");
  parse_err("\"\\ud800\\u12\"");
  parse_err("\"a\nb\"");
  parse_err(std::string("\"a\0b\"", 5));
  parse_err("'single'");
}

TEST(Json, Arrays) {
  Json a = parse_ok("[]");
  EXPECT_TRUE(a.is_array());
  EXPECT_TRUE(a.items().empty());
  a = parse_ok(" [ 1 , \"two\" , [ true , null ] , {} ] ");
  ASSERT_EQ(a.items().size(), 4u);
  EXPECT_EQ(a.items()[0].as_double(), 1.0);
  EXPECT_EQ(a.items()[1].text(), "two");
  ASSERT_EQ(a.items()[2].items().size(), 2u);
  EXPECT_TRUE(a.items()[2].items()[1].is_null());
  EXPECT_TRUE(a.items()[3].is_object());
}

TEST(Json, Objects) {
  Json o = parse_ok(R"({"type": "assert_return", "line": 12, "action": {"type": "invoke", "field": "f",
    "args": [{"type": "i32", "value": "4294967295"}]}, "expected": []})");
  ASSERT_TRUE(o.is_object());
  EXPECT_EQ(o.members().size(), 4u);
  EXPECT_EQ(o.members()[0].first, "type");  // source order
  EXPECT_EQ(o.get_string("type"), std::optional<std::string_view>("assert_return"));
  ASSERT_NE(o.get("line"), nullptr);
  EXPECT_EQ(o.get("line")->as_u64(), std::optional<uint64_t>(12));
  const Json* action = o.get("action");
  ASSERT_NE(action, nullptr);
  EXPECT_EQ(action->get_string("field"), std::optional<std::string_view>("f"));
  ASSERT_EQ(action->get("args")->items().size(), 1u);
  EXPECT_EQ(action->get("args")->items()[0].get_string("value"), std::optional<std::string_view>("4294967295"));
  EXPECT_TRUE(o.get("expected")->items().empty());
  // Missing members and members of another type.
  EXPECT_EQ(o.get("nope"), nullptr);
  EXPECT_FALSE(o.get_string("line").has_value());
  EXPECT_FALSE(o.get_string("nope").has_value());
  // A repeated key: the last one wins.
  EXPECT_EQ(parse_ok(R"({"a": 1, "a": 2})").get("a")->as_double(), 2.0);
  // Keys with escapes.
  EXPECT_NE(parse_ok(R"({"\u0061\n": 0})").get("a\n"), nullptr);
  EXPECT_TRUE(parse_ok("{}").members().empty());
}

TEST(Json, AccessorsOnOtherTypes) {
  Json n = parse_ok("5");
  EXPECT_EQ(n.get("x"), nullptr);
  EXPECT_FALSE(n.get_string("x").has_value());
  EXPECT_TRUE(n.items().empty());
  EXPECT_TRUE(n.members().empty());
  EXPECT_FALSE(n.as_bool());
  Json s = parse_ok("\"x\"");
  EXPECT_EQ(s.as_double(), 0.0);
  EXPECT_FALSE(s.as_u64().has_value());
  Json a = parse_ok("[1]");
  EXPECT_EQ(a.get("0"), nullptr);
  EXPECT_TRUE(a.text().empty());
}

TEST(Json, BadStructure) {
  parse_err("");
  parse_err("   ");
  parse_err("[");
  parse_err("[1");
  parse_err("[1,");
  parse_err("[1,]");
  parse_err("[,1]");
  parse_err("[1 2]");
  parse_err("{");
  parse_err("{\"a\"}");
  parse_err("{\"a\":}");
  parse_err("{\"a\":1,}");
  parse_err("{a:1}");
  parse_err("{1:1}");
  parse_err("{\"a\" 1}");
  parse_err("{\"a\":1 \"b\":2}");
  parse_err("]");
  parse_err("}");
  parse_err("nul");
  parse_err("truex");
  parse_err("True");
  parse_err("1 2");
  parse_err("{} {}");
  parse_err("[1]]");
  parse_err("\xef\xbb\xbf{}");  // a byte-order mark is not JSON whitespace
  parse_err("[1,\f2]");
}

TEST(Json, ErrorPositions) {
  JsonError e = parse_err("{\n  \"a\": [1,\n   2,,]\n}");
  EXPECT_EQ(e.line, 3u);
  EXPECT_EQ(e.column, 6u);
  EXPECT_EQ(e.offset, 18u);
  EXPECT_NE(e.to_string().find("line 3, column 6"), std::string::npos);
  e = parse_err("[1, 2");
  EXPECT_EQ(e.line, 1u);
  EXPECT_EQ(e.offset, 5u);
  e = parse_err("\"abc");
  EXPECT_EQ(e.offset, 0u);  // points at the unterminated string's quote
  // Without an error object the parser still just reports failure.
  EXPECT_FALSE(parse_json("[").has_value());
}

TEST(Json, DeepNesting) {
  std::string ok(500, '[');
  ok += std::string(500, ']');
  EXPECT_TRUE(parse_json(ok).has_value());
  // Far deeper than the limit: an error, not a stack overflow.
  std::string deep(200000, '[');
  JsonError e;
  EXPECT_FALSE(parse_json(deep, &e).has_value());
  EXPECT_NE(e.message.find("deep"), std::string::npos);
  std::string objs;
  for (int i = 0; i < 100000; ++i) objs += "{\"a\":";
  EXPECT_FALSE(parse_json(objs).has_value());
}

TEST(Json, DumpRoundTrips) {
  const std::string text =
      R"({"s":"q\"b\\n\n\t\u0001\u001f é","n":-1.5e10,"a":[true,false,null,[],{}],"o":{"k":"v"}})";
  Json j = parse_ok(text);
  EXPECT_EQ(j.dump(), R"({"s":"q\"b\\n\n\t\u0001\u001f é","n":-1.5e10,"a":[true,false,null,[],{}],"o":{"k":"v"}})");
  Json again = parse_ok(j.dump());
  EXPECT_EQ(again.dump(), j.dump());
  EXPECT_EQ(again.get_string("s"), j.get_string("s"));
}

TEST(Json, Wast2jsonScript) {
  // The shape of a real wast2json script, including names with escapes.
  const std::string text = R"({"source_filename": "names.wast",
 "commands": [
  {"type": "module", "line": 1, "filename": "names.0.wasm"},
  {"type": "module", "line": 3, "name": "$M", "filename": "names.1.wasm"},
  {"type": "register", "line": 4, "name": "$M", "as": "M"},
  {"type": "assert_return", "line": 5, "action": {"type": "invoke", "module": "$M",
   "field": "\u0000\u000a", "args": [{"type": "f32", "value": "2143289344"}]},
   "expected": [{"type": "f32", "value": "nan:canonical"}, {"type": "externref", "value": "null"}]},
  {"type": "assert_trap", "line": 6, "action": {"type": "invoke", "field": "t", "args": []},
   "text": "integer divide by zero", "expected": [{"type": "i32"}]},
  {"type": "assert_malformed", "line": 7, "filename": "names.2.wat", "text": "unknown operator", "module_type": "text"}]}
)";
  Json j = parse_ok(text);
  const Json* cmds = j.get("commands");
  ASSERT_NE(cmds, nullptr);
  ASSERT_EQ(cmds->items().size(), 6u);
  const Json& ret = cmds->items()[3];
  EXPECT_EQ(ret.get("action")->get_string("field"), std::optional<std::string_view>(std::string_view("\0\n", 2)));
  EXPECT_EQ(ret.get("expected")->items()[0].get_string("value"), std::optional<std::string_view>("nan:canonical"));
  EXPECT_EQ(cmds->items()[4].get("expected")->items()[0].get("value"), nullptr);
  EXPECT_EQ(cmds->items()[5].get_string("module_type"), std::optional<std::string_view>("text"));
}

}  // namespace

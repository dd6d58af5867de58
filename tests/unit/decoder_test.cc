// Binary decoding: LEB128 strictness, the header, section order and sizes,
// truncated inputs, the name section, and error offsets.
#include <gtest/gtest.h>

#include <set>

#include "base/reader.h"
#include "test_util.h"

namespace brisk::test {
namespace {

using wb::Bytes;

// Checks that decoding fails with a message containing {msg} and, when
// given, at byte offset {offset}.
::testing::AssertionResult DecodeError(const Bytes& bytes, const std::string& msg,
                                       std::optional<uint64_t> offset = std::nullopt) {
  auto r = decode_module(bytes);
  if (r.ok()) return ::testing::AssertionFailure() << "decoded successfully, expected '" << msg << "'";
  const Error& e = r.error();
  if (e.message.find(msg) == std::string::npos)
    return ::testing::AssertionFailure() << "error is '" << e.to_string() << "', expected '" << msg << "'";
  if (offset && e.offset != *offset)
    return ::testing::AssertionFailure() << "error '" << e.message << "' at offset " << e.offset << ", expected "
                                         << *offset;
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult DecodesOk(const Bytes& bytes) {
  auto r = decode_module(bytes);
  if (!r.ok()) return ::testing::AssertionFailure() << r.error().to_string();
  return ::testing::AssertionSuccess();
}

// ------------------------------------------------------------ LEB128

struct LebResult {
  bool ok;
  uint64_t value;
  std::string error;
  uint64_t error_offset;
};

template <typename F>
LebResult read_leb(const Bytes& b, F read) {
  Reader r(b.data(), b.data() + b.size());
  uint64_t v = uint64_t(read(r));
  LebResult res{r.ok(), v, r.ok() ? "" : r.error().message, r.ok() ? 0 : r.error().offset};
  if (res.ok && !r.at_end()) res.error = "trailing bytes";
  return res;
}
LebResult u32(const Bytes& b) { return read_leb(b, [](Reader& r) { return r.u32(); }); }
LebResult s32(const Bytes& b) { return read_leb(b, [](Reader& r) { return r.s32(); }); }
LebResult u64(const Bytes& b) { return read_leb(b, [](Reader& r) { return r.u64(); }); }
LebResult s64(const Bytes& b) { return read_leb(b, [](Reader& r) { return r.s64(); }); }
LebResult s33(const Bytes& b) { return read_leb(b, [](Reader& r) { return r.s33(); }); }

Bytes rep(uint8_t byte, size_t n, std::initializer_list<uint8_t> tail = {}) {
  Bytes b(n, byte);
  b.insert(b.end(), tail);
  return b;
}

TEST(Leb128, UnsignedValues) {
  EXPECT_EQ(u32({0x00}).value, 0u);
  EXPECT_EQ(u32({0x7f}).value, 127u);
  EXPECT_EQ(u32({0x80, 0x01}).value, 128u);
  EXPECT_EQ(u32({0xe5, 0x8e, 0x26}).value, 624485u);
  EXPECT_EQ(u32({0xff, 0xff, 0xff, 0xff, 0x0f}).value, 0xffffffffu);
  // Non-minimal encodings up to the maximum length are allowed.
  LebResult padded = u32({0x80, 0x80, 0x80, 0x80, 0x00});
  EXPECT_TRUE(padded.ok);
  EXPECT_EQ(padded.value, 0u);
  EXPECT_EQ(u32({0x81, 0x80, 0x80, 0x00}).value, 1u);
  EXPECT_EQ(u64(rep(0xff, 9, {0x01})).value, UINT64_MAX);
  EXPECT_EQ(u64(rep(0x80, 9, {0x00})).value, 0u);
}

TEST(Leb128, UnsignedTooLongOrTooLarge) {
  LebResult r = u32({0x80, 0x80, 0x80, 0x80, 0x80, 0x00});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "integer representation too long");
  r = u32({0xff, 0xff, 0xff, 0xff, 0x1f});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "integer too large");
  r = u32({0x80, 0x80, 0x80, 0x80, 0x10});
  EXPECT_EQ(r.error, "integer too large");
  r = u32({0x80, 0x80, 0x80, 0x80, 0x70});
  EXPECT_EQ(r.error, "integer too large");
  r = u64(rep(0x80, 10, {0x00}));
  EXPECT_EQ(r.error, "integer representation too long");
  r = u64(rep(0xff, 9, {0x02}));
  EXPECT_EQ(r.error, "integer too large");
  r = u64(rep(0x80, 9, {0x7e}));
  EXPECT_EQ(r.error, "integer too large");
}

TEST(Leb128, SignedValues) {
  EXPECT_EQ(int32_t(s32({0x00}).value), 0);
  EXPECT_EQ(int32_t(s32({0x7f}).value), -1);
  EXPECT_EQ(int32_t(s32({0x3f}).value), 63);
  EXPECT_EQ(int32_t(s32({0x40}).value), -64);
  EXPECT_EQ(int32_t(s32({0xc0, 0x00}).value), 64);
  EXPECT_EQ(int32_t(s32({0xbf, 0x7f}).value), -65);
  EXPECT_EQ(int32_t(s32({0xff, 0xff, 0xff, 0xff, 0x07}).value), INT32_MAX);
  EXPECT_EQ(int32_t(s32({0x80, 0x80, 0x80, 0x80, 0x78}).value), INT32_MIN);
  // Padded encodings of small values.
  EXPECT_EQ(int32_t(s32({0xff, 0xff, 0xff, 0xff, 0x7f}).value), -1);
  EXPECT_EQ(int32_t(s32({0x80, 0x80, 0x80, 0x80, 0x00}).value), 0);
  EXPECT_EQ(int64_t(s64(rep(0xff, 9, {0x00})).value), INT64_MAX);
  EXPECT_EQ(int64_t(s64(rep(0x80, 9, {0x7f})).value), INT64_MIN);
  EXPECT_EQ(int64_t(s64(rep(0xff, 9, {0x7f})).value), -1);
  EXPECT_EQ(int64_t(s64({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}).value), 0);
  // s33 (block types): 5 bytes, 33 significant bits.
  EXPECT_EQ(int64_t(s33({0x40}).value), -64);
  EXPECT_EQ(int64_t(s33({0xff, 0xff, 0xff, 0xff, 0x0f}).value), 0xffffffffLL);
  EXPECT_EQ(int64_t(s33({0x80, 0x80, 0x80, 0x80, 0x70}).value), -(int64_t(1) << 32));
}

TEST(Leb128, SignedTooLongOrTooLarge) {
  // The unused bits of the last byte must sign-extend the value.
  EXPECT_EQ(s32({0xff, 0xff, 0xff, 0xff, 0x0f}).error, "integer too large");
  EXPECT_EQ(s32({0x80, 0x80, 0x80, 0x80, 0x70}).error, "integer too large");
  EXPECT_EQ(s32({0xff, 0xff, 0xff, 0xff, 0x4f}).error, "integer too large");
  EXPECT_EQ(s32({0x80, 0x80, 0x80, 0x80, 0x08}).error, "integer too large");
  EXPECT_EQ(s32({0x80, 0x80, 0x80, 0x80, 0x80, 0x00}).error, "integer representation too long");
  EXPECT_EQ(s32({0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}).error, "integer representation too long");
  EXPECT_EQ(s64(rep(0xff, 9, {0x01})).error, "integer too large");
  EXPECT_EQ(s64(rep(0x80, 9, {0x7e})).error, "integer too large");
  EXPECT_EQ(s64(rep(0x80, 10, {0x00})).error, "integer representation too long");
  EXPECT_EQ(s33({0xff, 0xff, 0xff, 0xff, 0x1f}).error, "integer too large");
  EXPECT_EQ(s33({0x80, 0x80, 0x80, 0x80, 0x60}).error, "integer too large");
  EXPECT_EQ(s33({0x80, 0x80, 0x80, 0x80, 0x10}).error, "integer too large");
  EXPECT_EQ(s33({0x80, 0x80, 0x80, 0x80, 0x80, 0x00}).error, "integer representation too long");
  EXPECT_EQ(s33({0xc0, 0x80, 0x80, 0x80, 0x80, 0x00}).error, "integer representation too long");
  // Type indices at the encoding-length boundaries (block types).
  EXPECT_EQ(s33({0xc0, 0x00}).value, 64u);
  EXPECT_EQ(s33({0xff, 0xff, 0x00}).value, 16383u);
  EXPECT_EQ(s33({0x80, 0x80, 0x01}).value, 16384u);
}

TEST(Leb128, TruncatedEncodings) {
  for (auto f : {u32, s32, u64, s64, s33}) {
    EXPECT_EQ(f({}).error, "unexpected end");
    EXPECT_EQ(f({0x80}).error, "unexpected end");
    EXPECT_EQ(f({0xff, 0xff}).error, "unexpected end");
  }
}

TEST(Leb128, ErrorOffsetPointsIntoTheEncoding) {
  // The LEB starts at offset 3 of the buffer; errors name a byte of it.
  Bytes b = {0xaa, 0xbb, 0xcc, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
  Reader r(b.data(), b.data() + b.size(), 100);
  for (int i = 0; i < 3; ++i) r.u8();
  r.u32();
  ASSERT_FALSE(r.ok());
  EXPECT_GE(r.error().offset, 103u);
  EXPECT_LE(r.error().offset, 107u) << "offset beyond the offending byte";
  Bytes big = {0xff, 0xff, 0xff, 0xff, 0x1f};
  Reader r2(big.data(), big.data() + big.size(), 0);
  r2.u32();
  ASSERT_FALSE(r2.ok());
  EXPECT_LE(r2.error().offset, 4u) << "offset beyond the offending byte";
}

TEST(Leb128, StrictnessInsideModules) {
  // A type section whose count is encoded in 6 bytes.
  Bytes m = wb::header();
  Bytes payload = {0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
  wb::put_section(m, 1, payload);
  EXPECT_TRUE(DecodeError(m, "integer representation too long"));
  // Memory limits with an over-large u32.
  m = wb::header();
  wb::put_section(m, 5, {0x01, 0x00, 0xff, 0xff, 0xff, 0xff, 0x1f});
  EXPECT_TRUE(DecodeError(m, "integer too large"));
  // Padded but valid encodings decode.
  m = wb::header();
  wb::put_section(m, 5, {0x01, 0x00, 0x82, 0x80, 0x80, 0x80, 0x00});
  auto r = decode_module(m);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r.value()->memories.at(0).limits.min, 2u);
  // i32.const with a too-large s32.
  ModuleBuilder b;
  b.func(b.type({}, {T::i32}), {}, Code().op(0x41).raw({0xff, 0xff, 0xff, 0xff, 0x0f}));
  EXPECT_TRUE(DecodeError(b.build(), "integer too large"));
  ModuleBuilder c;
  c.func(c.type({}, {T::i32}), {}, Code().op(0x41).raw({0xff, 0xff, 0xff, 0xff, 0x07}));
  EXPECT_TRUE(DecodesOk(c.build()));
}

// ------------------------------------------------------------ header

TEST(Header, MagicAndVersion) {
  // Cut short inside a matching header: "unexpected end", as the spec says.
  EXPECT_TRUE(DecodeError({}, "unexpected end", 0));
  EXPECT_TRUE(DecodeError({0x00, 0x61, 0x73}, "unexpected end", 3));
  EXPECT_TRUE(DecodeError({0x00, 0x61, 0x72}, "magic header not detected", 0));
  EXPECT_TRUE(DecodeError({0x00, 0x61, 0x73, 0x6e, 1, 0, 0, 0}, "magic header not detected", 0));
  EXPECT_TRUE(DecodeError({'w', 'a', 's', 'm', 1, 0, 0, 0}, "magic header not detected", 0));
  EXPECT_TRUE(DecodeError({0x00, 0x61, 0x73, 0x6d}, "unexpected end", 4));
  EXPECT_TRUE(DecodeError({0x00, 0x61, 0x73, 0x6d, 1, 0}, "unexpected end", 6));
  EXPECT_TRUE(DecodeError({0x00, 0x61, 0x73, 0x6d, 2, 0}, "unknown binary version", 4));
  EXPECT_TRUE(DecodeError({0x00, 0x61, 0x73, 0x6d, 2, 0, 0, 0}, "unknown binary version", 4));
  // Version 0x0d, layer 1 is a component; the spec tests' neighbours of it
  // (version 0x0d layer 0, version 0 layer 1) stay unknown versions.
  EXPECT_TRUE(DecodeError({0x00, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0},
                          "a WebAssembly component, not a core module (brisk runs core modules)", 4));
  EXPECT_TRUE(DecodeError({0x00, 0x61, 0x73, 0x6d, 0x0d, 0, 0, 0}, "unknown binary version", 4));
  EXPECT_TRUE(DecodeError({0x00, 0x61, 0x73, 0x6d, 0, 0, 1, 0}, "unknown binary version", 4));
  EXPECT_TRUE(DecodeError({0x00, 0x61, 0x73, 0x6d, 0x0d, 0, 1}, "unknown binary version", 4));
  EXPECT_TRUE(DecodesOk(wb::header()));
}

// ------------------------------------------------------------ sections

TEST(Sections, OrderIsEnforced) {
  ModuleBuilder b;
  b.table(T::funcref, ModuleBuilder::lim(1));
  b.memory(ModuleBuilder::lim(1));
  b.global(T::i32, false, wb::i32_expr(0));
  std::vector<wb::Section> s = b.sections();
  ASSERT_EQ(s[0].id, 4);
  ASSERT_EQ(s[1].id, 5);
  EXPECT_TRUE(DecodesOk(wb::assemble(s)));
  std::swap(s[0], s[1]);  // memory before table
  // The table section now starts after the header and the memory section.
  const uint64_t table_at = 8 + 1 + wb::uleb(s[0].payload.size()).size() + s[0].payload.size();
  EXPECT_TRUE(DecodeError(wb::assemble(s), "unexpected content after last section", table_at));
  // A repeated section.
  s = b.sections();
  s.push_back(s.back());
  EXPECT_TRUE(DecodeError(wb::assemble(s), "unexpected content after last section"));
  // Type after import.
  ModuleBuilder c;
  c.import_func("env", "f", c.type({}, {}));
  s = c.sections();
  ASSERT_EQ(s[1].id, 2);
  s.insert(s.begin() + 2, wb::Section{1, {0x00}});
  EXPECT_TRUE(DecodeError(wb::assemble(s), "unexpected content after last section"));
}

TEST(Sections, DataCountGoesBetweenElemAndCode) {
  ModuleBuilder b;
  b.memory(ModuleBuilder::lim(1));
  b.table(T::funcref, ModuleBuilder::lim(1));
  uint32_t f = b.func(b.type({}, {}), {}, Code().i32_const(0).i32_const(0).i32_const(0).memory_init(0));
  b.elem_active(wb::i32_expr(0), {f});
  b.data_passive("x");
  b.data_count();
  std::vector<wb::Section> s = b.sections();
  EXPECT_TRUE(DecodesOk(wb::assemble(s)));
  auto index_of = [&](uint8_t id) {
    for (size_t i = 0; i < s.size(); ++i)
      if (s[i].id == id) return i;
    return size_t(~0);
  };
  // After the code section: out of order.
  std::vector<wb::Section> late = s;
  wb::Section dc = late[index_of(12)];
  late.erase(late.begin() + ptrdiff_t(index_of(12)));
  late.insert(late.begin() + ptrdiff_t(index_of(10)), dc);  // index_of(10) was shifted by one: lands after code
  EXPECT_FALSE(decode_module(wb::assemble(late)).ok());
  // Before the element section: out of order.
  std::vector<wb::Section> early = s;
  early.erase(early.begin() + ptrdiff_t(index_of(12)));
  early.insert(early.begin() + ptrdiff_t(index_of(9)), dc);
  EXPECT_TRUE(DecodeError(wb::assemble(early), "unexpected content after last section"));
}

TEST(Sections, CustomSectionsMayAppearAnywhere) {
  ModuleBuilder b;
  b.func("f", b.type({}, {}), {}, Code());
  std::vector<wb::Section> s = b.sections();
  std::vector<wb::Section> with;
  for (const wb::Section& x : s) {
    with.push_back(wb::custom_section("before", {1, 2, 3}));
    with.push_back(x);
  }
  with.push_back(wb::custom_section("", {}));
  EXPECT_TRUE(DecodesOk(wb::assemble(with)));
  // A custom section whose name overruns it is malformed.
  Bytes m = wb::header();
  wb::put_section(m, 0, {0x05, 'a', 'b'});
  EXPECT_FALSE(decode_module(m).ok());
  // A custom section name must be UTF-8.
  m = wb::header();
  wb::put_section(m, 0, {0x02, 0xc0, 0x80});
  EXPECT_TRUE(DecodeError(m, "malformed UTF-8 encoding"));
}

TEST(Sections, UnknownSectionId) {
  Bytes m = wb::header();
  wb::put_section(m, 13, {});
  EXPECT_TRUE(DecodeError(m, "malformed section id", 8));
  m = wb::header();
  wb::put_section(m, 0x7f, {0x00});
  EXPECT_TRUE(DecodeError(m, "malformed section id", 8));
}

TEST(Sections, SizeMismatch) {
  // A type section declaring one more byte than its content uses.
  Bytes m = wb::header();
  Bytes payload = {0x01, 0x60, 0x00, 0x00, 0x00};  // trailing junk byte inside the section
  wb::put_section(m, 1, payload);
  EXPECT_TRUE(DecodeError(m, "section size mismatch", 8 + 2 + 4));
  // A section size beyond the end of the file.
  m = wb::header();
  m.push_back(1);
  wb::put_uleb(m, 100);
  m.insert(m.end(), {0x01, 0x60, 0x00, 0x00});
  EXPECT_FALSE(decode_module(m).ok());
  // A section too small for its content.
  m = wb::header();
  wb::put_section(m, 1, {0x01, 0x60, 0x00});  // result count missing
  wb::put_section(m, 3, {0x00});
  EXPECT_FALSE(decode_module(m).ok());
  // A function body whose size is too small for its code.
  ModuleBuilder b;
  b.func(b.type({}, {T::i32}), {}, Code().i32_const(1));
  Bytes good = b.build();
  EXPECT_TRUE(DecodesOk(good));
  // The code section is last: payload = count, size, locals, i32.const 1, end.
  Bytes bad = good;
  const size_t body_size_at = bad.size() - 5;
  ASSERT_EQ(bad[body_size_at], 4);
  bad[body_size_at] = 3;  // the body now ends before its `end`; one stray byte follows
  EXPECT_FALSE(decode_module(bad).ok());
  bad[body_size_at] = 5;
  EXPECT_FALSE(decode_module(bad).ok());
}

TEST(Sections, FunctionAndCodeCountsMustAgree) {
  ModuleBuilder b;
  uint32_t t = b.type({}, {});
  b.func(t, {}, Code());
  b.func(t, {}, Code());
  std::vector<wb::Section> s = b.sections();
  // Drop the code section altogether.
  std::vector<wb::Section> no_code;
  for (auto& x : s)
    if (x.id != 10) no_code.push_back(x);
  EXPECT_TRUE(DecodeError(wb::assemble(no_code), "function and code section have inconsistent lengths"));
  // A code section with one body only.
  std::vector<wb::Section> one = s;
  for (auto& x : one)
    if (x.id == 10) x.payload = {0x01, 0x02, 0x00, 0x0b};
  EXPECT_TRUE(DecodeError(wb::assemble(one), "function and code section have inconsistent lengths"));
  // A code section without a function section.
  std::vector<wb::Section> no_funcs;
  for (auto& x : s)
    if (x.id != 3) no_funcs.push_back(x);
  EXPECT_TRUE(DecodeError(wb::assemble(no_funcs), "function and code section have inconsistent lengths"));
}

TEST(Sections, DataCountMustMatchDataSection) {
  ModuleBuilder b;
  b.memory(ModuleBuilder::lim(1));
  b.data_passive("a");
  b.data_count();
  std::vector<wb::Section> s = b.sections();
  for (auto& x : s)
    if (x.id == 12) x.payload = {0x02};
  EXPECT_TRUE(DecodeError(wb::assemble(s), "data count and data section have inconsistent lengths"));
  // Data count without any data section.
  ModuleBuilder c;
  c.data_count();
  std::vector<wb::Section> t = c.sections();
  for (auto& x : t)
    if (x.id == 12) x.payload = {0x01};
  EXPECT_TRUE(DecodeError(wb::assemble(t), "data count and data section have inconsistent lengths"));
}

TEST(Sections, MiscMalformedAndInvalid) {
  {
    ModuleBuilder b;
    uint32_t f = b.func(b.type({}, {}), {}, Code());
    b.export_func("x", f);
    b.export_func("x", f);
    EXPECT_TRUE(DecodeError(b.build(), "duplicate export name"));
  }
  {
    ModuleBuilder b;
    b.start(b.func(b.type({T::i32}, {}), {}, Code()));
    EXPECT_TRUE(DecodeError(b.build(), "start function"));
  }
  {
    ModuleBuilder b;
    b.start(3);
    EXPECT_TRUE(DecodeError(b.build(), "unknown function"));
  }
  {
    ModuleBuilder b;
    b.memory(ModuleBuilder::lim(65537));
    EXPECT_TRUE(DecodeError(b.build(), "memory size must be at most 65536 pages (4GiB)"));
  }
  {
    ModuleBuilder b;
    b.memory(ModuleBuilder::lim(2, 1));
    EXPECT_TRUE(DecodeError(b.build(), "size minimum must not be greater than maximum"));
  }
  {
    ModuleBuilder b;
    b.table(T::funcref, ModuleBuilder::lim(3, 2));
    EXPECT_TRUE(DecodeError(b.build(), "size minimum must not be greater than maximum"));
  }
  {
    ModuleBuilder b;
    b.memory(ModuleBuilder::lim(1));
    b.memory(ModuleBuilder::lim(1));
    EXPECT_TRUE(DecodeError(b.build(), "multiple memories"));
  }
  {
    ModuleBuilder b;
    b.import_memory("a", "m", ModuleBuilder::lim(1));
    b.memory(ModuleBuilder::lim(1));
    EXPECT_TRUE(DecodeError(b.build(), "multiple memories"));
  }
  {
    ModuleBuilder b;
    b.import_func("\xff", "f", b.type({}, {}));
    EXPECT_TRUE(DecodeError(b.build(), "malformed UTF-8 encoding"));
  }
  {
    ModuleBuilder b;
    b.func("\xed\xa0\x80", b.type({}, {}), {}, Code());  // a UTF-16 surrogate
    EXPECT_TRUE(DecodeError(b.build(), "malformed UTF-8 encoding"));
  }
  {
    ModuleBuilder b;
    b.import_func("env", "f", 7);  // no such type
    EXPECT_TRUE(DecodeError(b.build(), "unknown type"));
  }
  {
    // Import kind 4 does not exist.
    Bytes m = wb::header();
    wb::put_section(m, 2, {0x01, 0x01, 'a', 0x01, 'b', 0x04, 0x00});
    EXPECT_TRUE(DecodeError(m, "malformed import kind", 8 + 2 + 5));
  }
  {
    ModuleBuilder b;
    b.global(T::i32, true, wb::i64_expr(1));
    EXPECT_TRUE(DecodeError(b.build(), "type mismatch"));
  }
  {
    ModuleBuilder b;
    b.global(T::i32, false, Bytes{0x41, 0x00, 0x41, 0x00, 0x6a, 0x0b});
    EXPECT_FALSE(decode_module(b.build()).ok());
  }
  {
    // Mutability flag 2.
    Bytes m = wb::header();
    wb::put_section(m, 6, {0x01, 0x7f, 0x02, 0x41, 0x00, 0x0b});
    EXPECT_TRUE(DecodeError(m, "malformed mutability", 8 + 2 + 2));
  }
  {
    // A function type form other than 0x60.
    Bytes m = wb::header();
    wb::put_section(m, 1, {0x01, 0x61, 0x00, 0x00});
    EXPECT_FALSE(decode_module(m).ok());
  }
  {
    // A value type that does not exist, at its exact offset.
    Bytes m = wb::header();
    wb::put_section(m, 1, {0x01, 0x60, 0x02, 0x7f, 0x55, 0x00});
    EXPECT_TRUE(DecodeError(m, "malformed value type", 8 + 2 + 4));
  }
  {
    ModuleBuilder b;
    b.func(b.type({}, {}), std::vector<T>(50001, T::i32), Code());
    EXPECT_TRUE(DecodeError(b.build(), "too many locals"));
  }
  {
    // Element segment flags 8, data segment flags 3.
    ModuleBuilder b;
    b.elem_raw({0x08});
    EXPECT_FALSE(decode_module(b.build()).ok());
    ModuleBuilder c;
    c.memory(ModuleBuilder::lim(1));
    c.data_passive("a");
    std::vector<wb::Section> s = c.sections();
    s.back().payload[1] = 0x03;
    EXPECT_FALSE(decode_module(wb::assemble(s)).ok());
  }
  {
    // A huge vector count with little data must fail fast, not allocate.
    Bytes m = wb::header();
    wb::put_section(m, 1, {0xff, 0xff, 0xff, 0xff, 0x0f});
    EXPECT_FALSE(decode_module(m).ok());
    m = wb::header();
    wb::put_section(m, 3, {0xff, 0xff, 0xff, 0xff, 0x0f});
    EXPECT_FALSE(decode_module(m).ok());
  }
}

// ------------------------------------------------------------ truncation

// A module using every section.
ModuleBuilder rich_module() {
  ModuleBuilder b;
  uint32_t v = b.type({}, {});
  uint32_t ii = b.type({T::i32}, {T::i32});
  b.import_func("env", "imp", v);
  b.import_global("env", "g", T::i32, false);
  b.table(T::funcref, ModuleBuilder::lim(2, 10));
  b.memory(ModuleBuilder::lim(1, 2));
  b.global(T::i64, true, wb::i64_expr(-5));
  b.global(T::i32, false, wb::global_expr(0));
  uint32_t f = b.func(ii, {T::i64, T::i64, T::f32},
                      Code()
                          .local_get(0)
                          .block(wb::bt_type(ii))
                          .i32_const(1)
                          .i32_add()
                          .end()
                          .f64_const(1.5)
                          .drop()
                          .i32_const(0)
                          .i32_load(4)
                          .drop()
                          .i32_const(0)
                          .i32_const(0)
                          .i32_const(2)
                          .memory_init(0));
  uint32_t s = b.func(v, {}, Code().call(0));
  b.export_func("f", f);
  b.export_memory("mem", 0);
  b.start(s);
  b.elem_active(wb::i32_expr(0), {f, s});
  b.elem_passive({f});
  b.data_active(wb::i32_expr(8), "abcdef");
  b.data_passive("xy");
  b.data_count();
  b.module_name("rich");
  b.name_func(f, "the_f");
  b.name_func(s, "the_start");
  return b;
}

TEST(Truncation, EveryPrefixFailsCleanly) {
  ModuleBuilder b = rich_module();
  const Bytes full = b.build();
  ASSERT_TRUE(DecodesOk(full));
  // Offsets where a section ends: a prefix there is a shorter module.
  std::set<size_t> boundaries = {8};
  size_t off = 8;
  for (const wb::Section& s : b.sections()) {
    off += 1 + wb::uleb(s.payload.size()).size() + s.payload.size();
    boundaries.insert(off);
  }
  ASSERT_EQ(off, full.size());
  for (size_t len = 0; len < full.size(); ++len) {
    Bytes prefix(full.begin(), full.begin() + ptrdiff_t(len));
    prefix.shrink_to_fit();
    auto r = decode_module(prefix);
    if (boundaries.count(len)) continue;  // may or may not be valid
    ASSERT_FALSE(r.ok()) << "prefix of " << len << " bytes decoded";
    EXPECT_FALSE(r.error().message.empty());
    if (r.error().offset != Error::kNoOffset) {
      EXPECT_LE(r.error().offset, len) << r.error().to_string();
    }
  }
}

TEST(Truncation, EveryPrefixOfEachFunctionBody) {
  // Cut a body short while keeping the section sizes consistent: the
  // walker must report the missing end, not read past the body.
  const std::vector<Code> bodies = {
      Code().i32_const(1).drop(),
      Code().block().loop().br(1).end().end(),
      Code().i64_const(INT64_MIN).drop().f32_const(1).drop().f64_const(2).drop(),
      Code().i32_const(0).br_table({0, 0, 0}, 0),
  };
  for (const Code& body : bodies) {
    for (size_t cut = 0; cut <= body.size(); ++cut) {
      Code partial;
      partial.bytes.assign(body.bytes.begin(), body.bytes.begin() + ptrdiff_t(cut));
      ModuleBuilder b;
      b.func(b.type({}, {}), {}, partial, /*add_end=*/false);
      auto r = decode_module(b.build());
      EXPECT_FALSE(r.ok()) << "body cut at " << cut;
    }
  }
}

// ------------------------------------------------------------ name section

TEST(NameSection, FeedsDisplayNames) {
  ModuleBuilder b = rich_module();
  auto r = decode_module(b.build());
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  const Module& m = *r.value();
  EXPECT_EQ(m.name, "rich");
  EXPECT_EQ(m.func_display_name(1), "the_f");
  EXPECT_EQ(m.func_display_name(2), "the_start");
  EXPECT_EQ(m.func_display_name(0), "func[0]");  // the import has no name, no export
}

TEST(NameSection, FallsBackToExportsThenIndex) {
  ModuleBuilder b;
  uint32_t t = b.type({}, {});
  uint32_t a = b.func(t, {}, Code());
  uint32_t c = b.func(t, {}, Code());
  uint32_t d = b.func(t, {}, Code());
  b.export_func("exported_a", a);
  b.export_func("exported_c", c);
  b.name_func(c, "named_c");
  auto r = decode_module(b.build());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value()->func_display_name(a), "exported_a");
  EXPECT_EQ(r.value()->func_display_name(c), "named_c");
  EXPECT_EQ(r.value()->func_display_name(d), "func[2]");
}

TEST(NameSection, MalformedNameSectionIsIgnored) {
  ModuleBuilder b;
  uint32_t f = b.func(b.type({}, {}), {}, Code());
  b.export_func("exp", f);
  std::vector<wb::Section> base = b.sections();
  const std::vector<Bytes> bad_contents = {
      {0x01, 0x7f, 0x01},                    // subsection size beyond the section
      {0x01, 0x03, 0x01, 0x00, 0x05},        // name longer than the subsection
      {0x01, 0x04, 0x01, 0x00, 0x02, 0xc0},  // truncated and invalid UTF-8
      {0x01, 0x05, 0x01, 0x00, 0x02, 0xc0, 0x80},  // overlong UTF-8
      {0x01, 0x06, 0x01, 0xff, 0xff, 0xff, 0xff, 0x7f},  // bad LEB
      {0x00},                                // no subsection size
      {0x05, 0x00, 0x01, 0x04, 0x01, 0x00, 0x01, 'x'},  // unknown subsection then a valid one
  };
  for (const Bytes& content : bad_contents) {
    std::vector<wb::Section> s = base;
    s.push_back(wb::custom_section("name", content));
    auto r = decode_module(wb::assemble(s));
    ASSERT_TRUE(r.ok()) << "a bad name section must not reject the module: " << r.error().to_string();
    const std::string n = r.value()->func_display_name(f);
    EXPECT_TRUE(n == "exp" || n == "x") << n;
  }
  // Names of functions that do not exist are harmless.
  ModuleBuilder c;
  c.func(c.type({}, {}), {}, Code());
  c.name_func(99, "ghost");
  auto r = decode_module(c.build());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value()->func_display_name(0), "func[0]");
}

// ------------------------------------------------------------ error offsets

TEST(ErrorOffsets, PointAtTheFailingInstruction) {
  {
    ModuleBuilder b;
    b.func(b.type({}, {T::i32}), {}, Code().i32_const(1).i64_const(2).i32_add());
    const size_t at = b.code_offset(0);
    EXPECT_TRUE(DecodeError(b.build(), "type mismatch", at + 2 + 2));
  }
  {
    // In the second function, after a body with locals.
    ModuleBuilder b;
    uint32_t t = b.type({}, {});
    b.func(t, {T::i32, T::i64, T::i64}, Code().nop().nop());
    b.func(t, {T::f32}, Code().nop().local_get(7).drop());
    EXPECT_TRUE(DecodeError(b.build(), "unknown local", b.code_offset(1) + 1));
  }
  {
    ModuleBuilder b;
    b.func(b.type({}, {}), {}, Code().nop().op(0xff));
    EXPECT_TRUE(DecodeError(b.build(), "illegal opcode", b.code_offset(0) + 1));
  }
  {
    ModuleBuilder b;
    b.func(b.type({}, {}), {}, Code().i32_const(0).call(42).drop());
    EXPECT_TRUE(DecodeError(b.build(), "unknown function", b.code_offset(0) + 2));
  }
  {
    // A missing `end`: reported at the end of the body.
    ModuleBuilder b;
    b.func(b.type({}, {}), {}, Code().block().nop(), /*add_end=*/false);
    auto r = decode_module(b.build());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().offset, b.code_offset(0) + 3) << r.error().to_string();
  }
  {
    // Out-of-order section: at the section's id byte.
    ModuleBuilder b;
    b.memory(ModuleBuilder::lim(1));
    std::vector<wb::Section> s = b.sections();
    s.push_back(wb::Section{1, {0x00}});
    const uint64_t at = wb::assemble(b.sections()).size();
    EXPECT_TRUE(DecodeError(wb::assemble(s), "unexpected content after last section", at));
  }
  {
    // Bad alignment on a load, at the load.
    ModuleBuilder b;
    b.memory(ModuleBuilder::lim(1));
    b.func(b.type({}, {T::i32}), {}, Code().i32_const(0).i32_load(0, 3));
    EXPECT_TRUE(DecodeError(b.build(), "alignment must not be larger than natural", b.code_offset(0) + 2));
  }
}

}  // namespace
}  // namespace brisk::test

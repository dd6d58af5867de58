// Block types that are type indices (an s33 LEB128): from index 64 on the
// encoding takes two or more bytes, and its first byte has bit 6 set like
// the one-byte value types. Decoding at every encoding-length boundary, the
// malformed and invalid encodings, and execution of block/loop/if with
// multi-value signatures taken from such indices in every execution mode.
#include <gtest/gtest.h>

#include "jit/jit_runtime.h"
#include "test_util.h"

namespace brisk::test {
namespace {

using wb::Bytes;

// Indices at each boundary of the s33 encoding length (1, 2 and 3 bytes).
const uint32_t kIndices[] = {63, 64, 127, 128, 16383, 16384};

// A module with {filler} types () -> () before type {filler} =
// [i32 i64] -> [i32 i64], which block, loop and if of "f" use:
//   f(x: i32, y: i64, c: i32) -> (i32, i64)
//     block (x, y) -> (x + 1, y * 3), leaving through br 0
//     loop  (x, y): while x < 10: (x, y) -> (x + 1, y * 2)
//     if c  (x, y) -> (x - 5, y + 100) else (x, y - 1)
// Filler types differ from the used one, so decoding the wrong index fails
// validation instead of passing by luck.
ModuleBuilder block_type_module(uint32_t filler) {
  ModuleBuilder b;
  for (uint32_t i = 0; i < filler; ++i) b.new_type({}, {});
  const uint32_t sig = b.new_type({T::i32, T::i64}, {T::i32, T::i64});
  const uint32_t fn_type = b.new_type({T::i32, T::i64, T::i32}, {T::i32, T::i64});
  const wb::BlockType bt = wb::bt_type(sig);
  Code c;
  // Locals: 0 x, 1 y, 2 c, 3 scratch i32, 4 scratch i64.
  c.local_get(0).local_get(1);
  c.block(bt)
      .local_set(4).local_set(3)
      .local_get(3).i32_const(1).i32_add()
      .local_get(4).i64_const(3).i64_mul()
      .br(0)
      .unreachable()
      .end();
  c.loop(bt)
      .local_set(4).local_set(3)
      .local_get(3).i32_const(1).i32_add()
      .local_get(4).i64_const(2).i64_mul()
      .local_get(3).i32_const(9).i32_lt_s()  // old x < 9: new x < 10
      .br_if(0)
      .end();
  c.local_get(2);
  c.if_(bt)
      .local_set(4).local_set(3)
      .local_get(3).i32_const(5).i32_sub()
      .local_get(4).i64_const(100).i64_add()
      .else_()
      .local_set(4).local_set(3)
      .local_get(3)
      .local_get(4).i64_const(1).i64_sub()
      .end();
  b.func("f", fn_type, {T::i32, T::i64}, c);
  return b;
}

// The same computation in C++.
std::pair<int32_t, int64_t> reference(int32_t x, int64_t y, int32_t c) {
  x += 1;
  y *= 3;
  do {
    x += 1;
    y *= 2;
  } while (x < 10);
  if (c) return {x - 5, y + 100};
  return {x, y - 1};
}

// A module whose only function is `block <blocktype bytes> end` with
// {types} types of () -> () declared. Returns the module and the offset of
// the block-type immediate.
std::pair<Bytes, size_t> raw_block_type(uint32_t types, const Bytes& blocktype) {
  ModuleBuilder b;
  for (uint32_t i = 0; i < types; ++i) b.new_type({}, {});
  if (types == 0) b.new_type({}, {});
  Code c;
  c.op(0x02).raw(blocktype).end();
  b.func(0, {}, c);
  return {b.build(), b.code_offset(0) + 1};
}

::testing::AssertionResult decodes(const Bytes& bytes) {
  auto r = decode(bytes);
  if (!r.ok()) return ::testing::AssertionFailure() << r.error().to_string();
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult rejected(const Bytes& bytes, const std::string& msg, uint64_t offset) {
  auto r = decode(bytes);
  if (r.ok()) return ::testing::AssertionFailure() << "decoded, expected '" << msg << "'";
  if (r.error().message != msg || r.error().offset != offset)
    return ::testing::AssertionFailure() << "got '" << r.error().to_string() << "', expected 'offset " << offset
                                         << ": " << msg << "'";
  return ::testing::AssertionSuccess();
}

TEST(BlockTypeIndex, EncodingsAtEveryLengthBoundaryDecode) {
  for (uint32_t idx : kIndices) {
    SCOPED_TRACE("type index " + std::to_string(idx));
    // The encoding really is as long as intended (1, 2, 2, 2, 3, 3 bytes).
    const size_t len = wb::sleb(idx).size();
    EXPECT_EQ(len, idx < 64 ? 1u : idx < 8192 ? 2u : 3u);
    EXPECT_TRUE(decodes(block_type_module(idx).build()));
  }
}

TEST(BlockTypeIndex, PaddedEncodingsDecode) {
  // Non-minimal but not over-long: 64 in 5 bytes, 0 in 5 bytes.
  EXPECT_TRUE(decodes(raw_block_type(65, {0xc0, 0x80, 0x80, 0x80, 0x00}).first));
  EXPECT_TRUE(decodes(raw_block_type(1, {0x80, 0x80, 0x80, 0x80, 0x00}).first));
}

TEST(BlockTypeIndex, IndexBeyondTheTypeSectionIsUnknownType) {
  // Offsets are the block instruction's, as for every validation error.
  auto [m64, at64] = raw_block_type(64, wb::sleb(64));
  EXPECT_TRUE(rejected(m64, "unknown type", at64 - 1));
  auto [m16k, at16k] = raw_block_type(16384, wb::sleb(16384));
  EXPECT_TRUE(rejected(m16k, "unknown type", at16k - 1));
  // The largest s33 index, 2^32 - 1.
  auto [mmax, atmax] = raw_block_type(1, {0xff, 0xff, 0xff, 0xff, 0x0f});
  EXPECT_TRUE(rejected(mmax, "unknown type", atmax - 1));
  // A negative s33 in more than one byte is not a value type: an index
  // that no type has (as the spec's reference interpreter reads it).
  auto [mneg, atneg] = raw_block_type(1, {0xff, 0x7f});
  EXPECT_TRUE(rejected(mneg, "unknown type", atneg - 1));
}

TEST(BlockTypeIndex, OverlongAndTooLargeEncodingsAreMalformed) {
  // Six bytes: the fifth still has its continuation bit.
  auto [m1, at1] = raw_block_type(1, {0x80, 0x80, 0x80, 0x80, 0x80, 0x00});
  EXPECT_TRUE(rejected(m1, "integer representation too long", at1 + 4));
  auto [m2, at2] = raw_block_type(65, {0xc0, 0x80, 0x80, 0x80, 0x80, 0x00});
  EXPECT_TRUE(rejected(m2, "integer representation too long", at2 + 4));
  // Five bytes whose unused high bits are not a sign extension of bit 32.
  auto [m3, at3] = raw_block_type(1, {0x80, 0x80, 0x80, 0x80, 0x10});
  EXPECT_TRUE(rejected(m3, "integer too large", at3 + 4));
  auto [m4, at4] = raw_block_type(1, {0xff, 0xff, 0xff, 0xff, 0x4f});
  EXPECT_TRUE(rejected(m4, "integer too large", at4 + 4));
  // Cut short inside the immediate.
  Bytes cut = raw_block_type(1, {0xc0}).first;
  auto r = decode(cut);
  EXPECT_FALSE(r.ok());
}

TEST(BlockTypeIndex, OneByteValueTypesStillDecode) {
  for (uint8_t vt : {0x7f, 0x7e, 0x7d, 0x7c, 0x70, 0x6f}) {
    ModuleBuilder b;
    Code c;
    c.block(wb::BlockType{wb::BlockType::Val, vt, 0}).unreachable().end().drop();
    b.func(b.type({}, {}), {}, c);
    EXPECT_TRUE(decodes(b.build())) << "value type byte " << int(vt);
  }
  auto [m, at] = raw_block_type(1, {0x40});
  EXPECT_TRUE(decodes(m));
  auto [bad, bad_at] = raw_block_type(1, {0x41});
  EXPECT_TRUE(rejected(bad, "malformed value type", bad_at - 1));
}

// ------------------------------------------------------------ execution

struct ModeCase {
  const char* name;
  ExecMode mode;
  uint32_t threshold;
};

void PrintTo(const ModeCase& c, std::ostream* os) { *os << c.name; }

class BlockTypeExec : public ::testing::TestWithParam<ModeCase> {};

TEST_P(BlockTypeExec, MultiValueBlockLoopIfFromLargeIndices) {
  const ModeCase& mc = GetParam();
  if (mc.mode != ExecMode::Interp && !jit::jit_available()) GTEST_SKIP() << "this build has no JIT";
  const uint64_t failures_before = jit::jit_compile_failures();
  for (uint32_t idx : kIndices) {
    SCOPED_TRACE("type index " + std::to_string(idx));
    auto m = decode(block_type_module(idx).build());
    ASSERT_TRUE(m.ok()) << m.error().to_string();
    EngineConfig cfg;
    cfg.mode = mc.mode;
    if (mc.threshold) cfg.tier_up_threshold = mc.threshold;
    Store store(cfg);
    InstantiateResult r = store.instantiate(m.value(), Linker());
    ASSERT_TRUE(r.ok());
    Function* f = r.instance->get_func("f");
    ASSERT_NE(f, nullptr);
    for (int32_t x : {-3, 0, 4, 20}) {
      for (int32_t c : {0, 1}) {
        const int64_t y = 7 + x;
        Outcome o = call(store, f, {Value::i32(x), Value::i64(y), Value::i32(c)});
        ASSERT_TRUE(o.ok()) << trap_text(o);
        ASSERT_EQ(o.results.size(), 2u);
        auto [ex, ey] = reference(x, y, c);
        EXPECT_EQ(o.i32(0), ex) << "x=" << x << " c=" << c;
        EXPECT_EQ(o.i64(1), ey) << "x=" << x << " c=" << c;
      }
    }
  }
  EXPECT_EQ(jit::jit_compile_failures(), failures_before) << "a function fell back to the interpreter";
}

INSTANTIATE_TEST_SUITE_P(AllModes, BlockTypeExec,
                         ::testing::Values(ModeCase{"Interp", ExecMode::Interp, 0},
                                           ModeCase{"Jit", ExecMode::Jit, 0},
                                           ModeCase{"TieredThreshold1", ExecMode::Tiered, 1}),
                         [](const ::testing::TestParamInfo<ModeCase>& i) { return std::string(i.param.name); });

}  // namespace
}  // namespace brisk::test

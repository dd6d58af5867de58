// Consistency of the opcode table (opcodes.def) with the decoding tables
// and the interpreter's handler table.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <set>
#include <string>

#include "core/opcodes.h"
#include "interp/interp.h"
#include "interp/interp_ops.h"

namespace brisk {
namespace {

using interp::handler_id;
using interp::handler_table;
using interp::invalid_handler;
using interp::Variant;
using interp::XOp;

std::string describe(Op op) {
  const OpInfo& i = op_info(op);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s (0x%02x 0x%02x)", i.text ? i.text : "<null>", i.prefix, i.code);
  return buf;
}

bool has_handler(unsigned id) { return handler_table()[id] != invalid_handler(); }

// The walker's "simple" table says what the rows say: no immediate but an
// optional memarg, and at least one operand (numeric ops, loads, stores).
TEST(OpcodeTable, SimpleOpsAreTheRowsWithAFixedSignature) {
  unsigned simple = 0;
  for (unsigned i = 0; i < kOpCount; ++i) {
    const OpInfo& info = kOpInfo[i];
    const bool expect = (info.imm == ImmKind::None || info.imm == ImmKind::Memarg) && info.param1 != SigType::V;
    EXPECT_EQ(is_simple_op(Op(i)), expect) << describe(Op(i));
    simple += expect;
  }
  EXPECT_FALSE(is_simple_op(Op::local_get));
  EXPECT_FALSE(is_simple_op(Op::nop));
  EXPECT_TRUE(is_simple_op(Op::i32_add));
  EXPECT_TRUE(is_simple_op(Op::i64_load));
  EXPECT_GT(simple, 100u);
}

TEST(OpcodeTable, EveryRowHasANameAndAUniqueEncoding) {
  std::map<std::pair<unsigned, unsigned>, unsigned> seen;
  for (unsigned i = 0; i < kOpCount; ++i) {
    const OpInfo& info = kOpInfo[i];
    ASSERT_NE(info.text, nullptr) << "row " << i;
    EXPECT_GT(std::strlen(info.text), 0u) << "row " << i;
    EXPECT_TRUE(info.prefix == 0 || info.prefix == 0xfc || info.prefix == 0xfd) << describe(Op(i));
    auto key = std::make_pair(unsigned(info.prefix), unsigned(info.code));
    auto [it, inserted] = seen.emplace(key, i);
    EXPECT_TRUE(inserted) << describe(Op(i)) << " has the same encoding as " << describe(Op(it->second));
  }
}

TEST(OpcodeTable, DecodingTablesMapBackToTheirRows) {
  unsigned single = 0, fc = 0, fd = 0;
  for (unsigned i = 0; i < kOpCount; ++i) {
    const OpInfo& info = kOpInfo[i];
    if (info.prefix == 0) {
      ASSERT_LT(info.code, 256u) << describe(Op(i));
      EXPECT_EQ(kSingleByteOps[info.code], i) << describe(Op(i));
      ++single;
    } else if (info.prefix == 0xfd) {
      ASSERT_LT(info.code, kFdOpCount) << describe(Op(i));
      EXPECT_EQ(kFdOps[info.code], i) << describe(Op(i));
      ++fd;
    } else {
      ASSERT_LT(info.code, kFcOpCount) << describe(Op(i));
      EXPECT_EQ(kFcOps[info.code], i) << describe(Op(i));
      ++fc;
    }
  }
  // No decoding-table entry points at a row of another encoding.
  unsigned single_entries = 0, fc_entries = 0;
  for (unsigned b = 0; b < 256; ++b) {
    if (kSingleByteOps[b] == kInvalidOp) continue;
    ++single_entries;
    ASSERT_LT(kSingleByteOps[b], kOpCount);
    EXPECT_EQ(op_info(Op(kSingleByteOps[b])).prefix, 0);
    EXPECT_EQ(op_info(Op(kSingleByteOps[b])).code, b);
  }
  for (unsigned b = 0; b < kFcOpCount; ++b) {
    if (kFcOps[b] == kInvalidOp) continue;
    ++fc_entries;
    ASSERT_LT(kFcOps[b], kOpCount);
    EXPECT_EQ(op_info(Op(kFcOps[b])).prefix, 0xfc);
    EXPECT_EQ(op_info(Op(kFcOps[b])).code, b);
  }
  unsigned fd_entries = 0;
  for (unsigned b = 0; b < kFdOpCount; ++b) {
    if (kFdOps[b] == kInvalidOp) continue;
    ++fd_entries;
    ASSERT_LT(kFdOps[b], kOpCount);
    EXPECT_EQ(op_info(Op(kFdOps[b])).prefix, 0xfd);
    EXPECT_EQ(op_info(Op(kFdOps[b])).code, b);
  }
  EXPECT_EQ(single, single_entries);
  EXPECT_EQ(fc, fc_entries);
  EXPECT_EQ(fd, fd_entries);
  // Fixed-width SIMD has 236 instructions; the holes of 0x00..0xff are
  // reserved (0x9a, 0xa2, ... were dropped from the proposal).
  EXPECT_EQ(fd, 236u);
  // The prefixes themselves are not instructions.
  EXPECT_EQ(kSingleByteOps[0xfc], kInvalidOp);
  EXPECT_EQ(kSingleByteOps[0xfd], kInvalidOp);
  EXPECT_EQ(kSingleByteOps[0xfe], kInvalidOp);
}

TEST(OpcodeTable, SignaturesAreConsistent) {
  for (unsigned i = 0; i < kOpCount; ++i) {
    const Op op = Op(i);
    const OpInfo& info = op_info(op);
    if (info.imm == ImmKind::Memarg || info.imm == ImmKind::MemLane) {
      EXPECT_TRUE(info.access_bytes == 1 || info.access_bytes == 2 || info.access_bytes == 4 ||
                  info.access_bytes == 8 || (info.access_bytes == 16 && is_simd_op(op)))
          << describe(op);
      EXPECT_EQ(info.param1, SigType::i) << describe(op) << ": the address is an i32";
      EXPECT_EQ(is_simple_op(op), info.imm == ImmKind::Memarg) << describe(op);
    } else if (info.imm == ImmKind::Lane) {
      // The lane width: 16 / width lanes.
      EXPECT_TRUE(info.access_bytes == 1 || info.access_bytes == 2 || info.access_bytes == 4 ||
                  info.access_bytes == 8)
          << describe(op);
      EXPECT_EQ(info.param1, SigType::v) << describe(op) << ": lanes of a v128";
    } else {
      EXPECT_EQ(info.access_bytes, 0) << describe(op);
    }
    // SIMD ops all take or produce a v128 (splats take a scalar).
    if (is_simd_op(op)) {
      EXPECT_TRUE(info.result == SigType::v || info.param1 == SigType::v || info.param2 == SigType::v) << describe(op);
    }
    // A second operand implies a first one.
    if (info.param2 != SigType::V) {
      EXPECT_NE(info.param1, SigType::V) << describe(op);
    }
    // Loads produce a value and stores do not.
    if (info.imm == ImmKind::Memarg) {
      EXPECT_NE(info.result == SigType::V, info.param2 == SigType::V) << describe(op);
    }
  }
  // Spot checks against the binary format.
  EXPECT_EQ(op_info(Op::i32_add).code, 0x6au);
  EXPECT_EQ(op_info(Op::i64_load32_u).access_bytes, 4);
  EXPECT_EQ(op_info(Op::f64_store).param2, SigType::F);
  EXPECT_EQ(op_info(Op::table_fill).code, 17u);
  EXPECT_EQ(std::string(op_name(Op::i32_trunc_sat_f64_u)), "i32.trunc_sat_f64_u");
  EXPECT_EQ(op_info(Op::v128_const).code, 0x0cu);
  EXPECT_EQ(op_info(Op::i8x16_shuffle).imm, ImmKind::Shuffle);
  EXPECT_EQ(op_info(Op::v128_load).access_bytes, 16);
  EXPECT_EQ(op_info(Op::v128_load16_lane).access_bytes, 2);
  EXPECT_EQ(simd_lane_count(Op::i16x8_extract_lane_s), 8u);
  EXPECT_EQ(op_info(Op::i32x4_dot_i16x8_s).code, 0xbau);
  EXPECT_EQ(op_info(Op::f64x2_convert_low_i32x4_u).code, 0xffu);
  EXPECT_EQ(op_info(Op::i64x2_all_true).result, SigType::i);
}

TEST(OpcodeTable, EverySimpleOpHasAnInterpreterHandler) {
  unsigned simple = 0;
  for (unsigned i = 0; i < kOpCount; ++i) {
    const Op op = Op(i);
    if (!is_simple_op(op)) continue;
    ++simple;
    EXPECT_TRUE(has_handler(handler_id(op))) << describe(op) << ": no plain handler";
    if (op_info(op).imm == ImmKind::Memarg) {
      EXPECT_TRUE(has_handler(interp::checked_handler_id(op))) << describe(op) << ": no checked handler";
    }
  }
  EXPECT_GT(simple, 150u);
}

TEST(OpcodeTable, EverySimdOpHasAnInterpreterHandler) {
  for (unsigned i = 0; i < kOpCount; ++i) {
    const Op op = Op(i);
    if (!is_simd_op(op)) continue;
    EXPECT_TRUE(has_handler(handler_id(op))) << describe(op) << ": no plain handler";
    const ImmKind k = op_info(op).imm;
    if (k == ImmKind::Memarg || k == ImmKind::MemLane) {
      EXPECT_TRUE(has_handler(interp::checked_handler_id(op))) << describe(op) << ": no checked handler";
    }
  }
}

TEST(OpcodeTable, BinaryOpsHaveImmediateVariants) {
  // The translator emits the Imm variant of any scalar non-memory binary op
  // whose right operand is a constant (SIMD operands are always slots).
  for (unsigned i = 0; i < kOpCount; ++i) {
    const Op op = Op(i);
    const OpInfo& info = op_info(op);
    if (!is_simple_op(op) || is_simd_op(op) || info.imm == ImmKind::Memarg || info.param2 == SigType::V) continue;
    EXPECT_TRUE(has_handler(handler_id(op, Variant::Imm))) << describe(op) << ": no immediate variant";
  }
}

TEST(OpcodeTable, FusableComparesHaveBranchVariants) {
  for (Op op : {Op::i32_eq, Op::i32_ne, Op::i32_lt_s, Op::i32_lt_u, Op::i32_gt_s, Op::i32_gt_u, Op::i32_le_s,
                Op::i32_le_u, Op::i32_ge_s, Op::i32_ge_u, Op::i64_eq, Op::i64_ne, Op::i64_lt_s, Op::i64_lt_u,
                Op::i64_gt_s, Op::i64_gt_u, Op::i64_le_s, Op::i64_le_u, Op::i64_ge_s, Op::i64_ge_u}) {
    for (Variant v : {Variant::BrIf, Variant::BrIfImm, Variant::BrUnless, Variant::BrUnlessImm})
      EXPECT_TRUE(has_handler(handler_id(op, v))) << describe(op) << " variant " << unsigned(v);
  }
  for (Op op : {Op::i32_eqz, Op::i64_eqz})
    for (Variant v : {Variant::BrIf, Variant::BrUnless})
      EXPECT_TRUE(has_handler(handler_id(op, v))) << describe(op) << " variant " << unsigned(v);
}

TEST(OpcodeTable, EveryInternalOpHasAHandler) {
  const char* names[] = {
#define BRISK_IOP(name, doc) #name,
#include "interp/internal_ops.def"
#undef BRISK_IOP
  };
  static_assert(sizeof(names) / sizeof(names[0]) == unsigned(XOp::kCount));
  // (A handler whose code is identical to the invalid handler's may be
  // merged with it by the compiler; then the sentinel cannot tell them apart.)
  for (unsigned i = 0; i < unsigned(XOp::kCount); ++i)
    EXPECT_TRUE(has_handler(handler_id(XOp(i)))) << "XOp::" << names[i] << " has no handler (or its address equals "
                                                 << "invalid_handler())";
}

TEST(OpcodeTable, HandlerIdsAreDistinct) {
  std::set<unsigned> ids;
  for (unsigned i = 0; i < kOpCount; ++i)
    for (unsigned v = 0; v < unsigned(Variant::kCount); ++v) EXPECT_TRUE(ids.insert(handler_id(Op(i), Variant(v))).second);
  for (unsigned i = 0; i < unsigned(XOp::kCount); ++i) EXPECT_TRUE(ids.insert(handler_id(XOp(i))).second);
  EXPECT_EQ(ids.size(), size_t(interp::kHandlerCount));
  EXPECT_LT(*ids.rbegin(), interp::kHandlerCount);
  // Non-simple wasm ops (control, calls, variables) are translated to
  // internal ops and have no plain handler of their own.
  EXPECT_FALSE(has_handler(handler_id(Op::block)));
  EXPECT_FALSE(has_handler(handler_id(Op::call)));
}

}  // namespace
}  // namespace brisk

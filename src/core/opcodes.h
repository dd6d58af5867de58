// The opcode enum and per-opcode facts, generated from opcodes.def.
// Op is a dense internal numbering (prefixed opcodes included), not the
// binary encoding; decode_op() maps bytes to it.
#pragma once
#include <array>
#include <cstdint>

#include "core/types.h"

namespace brisk {

enum class Op : uint16_t {
#define BRISK_OP(name, prefix, code, imm, r, a, b, bytes, text) name,
#include "core/opcodes.def"
#undef BRISK_OP
  kCount
};
constexpr unsigned kOpCount = unsigned(Op::kCount);

enum class ImmKind : uint8_t {
  None, Block, Depth, BrTable, Func, CallIndirect, Local, Global, Table, Memarg, MemIdx,
  I32, I64, F32, F64, SelectT, RefNull, MemInit, DataIdx, MemCopy, TableInit, ElemIdx, TableCopy,
  // SIMD: 16 immediate bytes (v128.const), 16 lane indices < 32 (i8x16.shuffle),
  // a lane index (extract/replace_lane), a memarg then a lane index (load/store
  // lane), and no immediate but three v128 operands (v128.bitselect).
  V128, Shuffle, Lane, MemLane, Ternary,
};

// Signature letter of a simple instruction: V none, i/I/f/F the four number
// types, v v128.
enum class SigType : uint8_t { V, i, I, f, F, v };

struct OpInfo {
  const char* text;
  uint8_t prefix;
  uint32_t code;
  ImmKind imm;
  SigType result, param1, param2;
  uint8_t access_bytes;
};

extern const OpInfo kOpInfo[kOpCount];

inline const OpInfo& op_info(Op op) { return kOpInfo[unsigned(op)]; }
inline const char* op_name(Op op) { return op_info(op).text; }

// A "simple" op is fully described by its table row: no immediates beyond
// an optional memarg, a fixed signature (numeric ops, loads and stores).
// A table of one byte per op, read once per instruction by the walker.
inline constexpr bool kSimpleOp[kOpCount] = {
#define BRISK_OP(name, prefix, code, imm, r, a, b, bytes, text) \
  (ImmKind::imm == ImmKind::None || ImmKind::imm == ImmKind::Memarg) && SigType::a != SigType::V,
#include "core/opcodes.def"
#undef BRISK_OP
};
inline bool is_simple_op(Op op) { return kSimpleOp[unsigned(op)]; }

inline ValType sig_valtype(SigType s) {
  switch (s) {
    case SigType::i: return ValType::I32;
    case SigType::I: return ValType::I64;
    case SigType::f: return ValType::F32;
    case SigType::F: return ValType::F64;
    case SigType::v: return ValType::V128;
    default: return ValType::Bottom;
  }
}

inline bool is_simd_op(Op op) { return op_info(op).prefix == 0xfd; }
// The lane count of a Lane or MemLane op (its access_bytes is the lane width).
inline uint32_t simd_lane_count(Op op) { return 16u / op_info(op).access_bytes; }

// Decoding tables: single-byte opcodes and the 0xFC and 0xFD prefixes, each indexed by the
// byte (or LEB128 sub-opcode) after the prefix and holding an Op. kInvalidOp marks holes.
constexpr uint16_t kInvalidOp = 0xffff;
extern const std::array<uint16_t, 256> kSingleByteOps;
constexpr unsigned kFcOpCount = 18;
extern const std::array<uint16_t, kFcOpCount> kFcOps;
constexpr unsigned kFdOpCount = 256;  // 0x100.. is relaxed SIMD
extern const std::array<uint16_t, kFdOpCount> kFdOps;

}  // namespace brisk

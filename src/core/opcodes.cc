// The opcode facts table and the three decoding tables, all generated from opcodes.def.
#include "core/opcodes.h"

#include <array>

namespace brisk {

const OpInfo kOpInfo[kOpCount] = {
#define BRISK_OP(name, prefix, code, imm, r, a, b, bytes, text) \
  {text, prefix, code, ImmKind::imm, SigType::r, SigType::a, SigType::b, bytes},
#include "core/opcodes.def"
#undef BRISK_OP
};

namespace {
// The decoding table of one prefix (0 for single-byte opcodes): entry {code} holds the Op of
// the row with that prefix and code, kInvalidOp where no row has it. Built at compile time, so
// the tables are constant-initialised (no static-initialisation order with their users).
template <unsigned Prefix, size_t N>
constexpr std::array<uint16_t, N> make_decode_table() {
  std::array<uint16_t, N> t{};
  for (auto& e : t) e = kInvalidOp;
#define BRISK_OP(name, prefix, code, imm, r, a, b, bytes, text) \
  if (prefix == Prefix) t[code] = uint16_t(Op::name);
#include "core/opcodes.def"
#undef BRISK_OP
  return t;
}
}  // namespace

constexpr std::array<uint16_t, 256> kSingleByteOps = make_decode_table<0, 256>();
constexpr std::array<uint16_t, kFcOpCount> kFcOps = make_decode_table<0xfc, kFcOpCount>();
constexpr std::array<uint16_t, kFdOpCount> kFdOps = make_decode_table<0xfd, kFdOpCount>();

}  // namespace brisk

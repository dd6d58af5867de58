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
constexpr std::array<uint16_t, 256> make_single() {
  std::array<uint16_t, 256> t{};
  for (auto& e : t) e = kInvalidOp;
#define BRISK_OP(name, prefix, code, imm, r, a, b, bytes, text) \
  if (prefix == 0) t[code] = uint16_t(Op::name);
#include "core/opcodes.def"
#undef BRISK_OP
  return t;
}
constexpr std::array<uint16_t, kFcOpCount> make_fc() {
  std::array<uint16_t, kFcOpCount> t{};
  for (auto& e : t) e = kInvalidOp;
#define BRISK_OP(name, prefix, code, imm, r, a, b, bytes, text) \
  if (prefix == 0xfc) t[code] = uint16_t(Op::name);
#include "core/opcodes.def"
#undef BRISK_OP
  return t;
}
constexpr std::array<uint16_t, kFdOpCount> make_fd() {
  std::array<uint16_t, kFdOpCount> t{};
  for (auto& e : t) e = kInvalidOp;
#define BRISK_OP(name, prefix, code, imm, r, a, b, bytes, text) \
  if (prefix == 0xfd) t[code] = uint16_t(Op::name);
#include "core/opcodes.def"
#undef BRISK_OP
  return t;
}
constexpr auto kSingle = make_single();
constexpr auto kFd = make_fd();
constexpr auto kFc = make_fc();
}  // namespace

const uint16_t kSingleByteOps[256] = {
#define E(i) kSingle[i]
#define E8(i) E(i), E(i + 1), E(i + 2), E(i + 3), E(i + 4), E(i + 5), E(i + 6), E(i + 7)
#define E64(i) E8(i), E8(i + 8), E8(i + 16), E8(i + 24), E8(i + 32), E8(i + 40), E8(i + 48), E8(i + 56)
    E64(0), E64(64), E64(128), E64(192)
#undef E64
#undef E8
#undef E
};

const uint16_t kFdOps[kFdOpCount] = {
#define E(i) kFd[i]
#define E8(i) E(i), E(i + 1), E(i + 2), E(i + 3), E(i + 4), E(i + 5), E(i + 6), E(i + 7)
#define E64(i) E8(i), E8(i + 8), E8(i + 16), E8(i + 24), E8(i + 32), E8(i + 40), E8(i + 48), E8(i + 56)
    E64(0), E64(64), E64(128), E64(192)
#undef E64
#undef E8
#undef E
};

const uint16_t kFcOps[kFcOpCount] = {
    kFc[0], kFc[1], kFc[2],  kFc[3],  kFc[4],  kFc[5],  kFc[6],  kFc[7],  kFc[8],
    kFc[9], kFc[10], kFc[11], kFc[12], kFc[13], kFc[14], kFc[15], kFc[16], kFc[17],
};

}  // namespace brisk

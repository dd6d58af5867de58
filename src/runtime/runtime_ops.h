// Out-of-line implementations of instructions too large to inline in a
// tier: bulk memory, table operations and segment drops. Shared by the
// interpreter and (later) JIT code, so both trap identically.
#pragma once
#include <cstdint>

#include "core/opcodes.h"
#include "runtime/objects.h"

namespace brisk {

struct MiscArgs {
  Op op;
  uint64_t a, b, c;   // operand values in stack order (a deepest)
  uint32_t imm0, imm1;  // table/segment indices as in the walker's on_table_op/on_memory_op
};

// Executes one of: memory.init/copy/fill, data.drop, table.get/set/size/
// grow/fill/copy/init, elem.drop. {result} receives the pushed value, if any.
TrapKind exec_misc(Instance* inst, const MiscArgs& args, uint64_t* result);

// Operand shape of the ops exec_misc implements: how many operands it pops
// (a, b, c in stack order) and whether it pushes a result.
struct MiscShape {
  unsigned nargs;
  bool result;
};
MiscShape misc_shape(Op op);

// Evaluates a constant expression in an instance being initialised.
uint64_t eval_const(const Instance& inst, const ConstExpr& e);
// The high 8 bytes of a v128 constant expression's value (0 for other types).
uint64_t eval_const_hi(const Instance& inst, const ConstExpr& e);

}  // namespace brisk

#include "runtime/trap.h"

namespace brisk {

const char* trap_message(TrapKind k) {
  switch (k) {
    case TrapKind::None: return "no trap";
    case TrapKind::Unreachable: return "unreachable";
    case TrapKind::IntDivByZero: return "integer divide by zero";
    case TrapKind::IntOverflow: return "integer overflow";
    case TrapKind::InvalidConversion: return "invalid conversion to integer";
    case TrapKind::MemoryOutOfBounds: return "out of bounds memory access";
    case TrapKind::TableOutOfBounds: return "out of bounds table access";
    case TrapKind::UndefinedElement: return "undefined element";
    case TrapKind::UninitializedElement: return "uninitialized element";
    case TrapKind::IndirectCallTypeMismatch: return "indirect call type mismatch";
    case TrapKind::NullReference: return "null reference";
    case TrapKind::StackExhausted: return "call stack exhausted";
    case TrapKind::Interrupted: return "interrupted";
    case TrapKind::Host: return "host function trapped";
    case TrapKind::Exit: return "exit";
    case TrapKind::OutOfFuel: return "out of fuel";
    case TrapKind::EpochDeadline: return "epoch deadline reached";
    case TrapKind::Timeout: return "call timed out";
  }
  return "unknown trap";
}

}  // namespace brisk

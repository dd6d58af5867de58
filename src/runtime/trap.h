// Trap kinds and their canonical messages (the spec test suite's wording).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace brisk {

enum class TrapKind : uint8_t {
  None = 0,
  Unreachable,
  IntDivByZero,
  IntOverflow,
  InvalidConversion,
  MemoryOutOfBounds,
  TableOutOfBounds,
  UndefinedElement,        // call_indirect index beyond the table
  UninitializedElement,    // null funcref called
  IndirectCallTypeMismatch,
  NullReference,
  StackExhausted,
  Interrupted,             // embedder asked to stop
  Host,                    // a host function trapped; see Trap::message
  Exit,                    // WASI proc_exit: not an error, carries an exit code
};

const char* trap_message(TrapKind k);

struct Trap {
  TrapKind kind = TrapKind::None;
  std::string message;             // trap_message(kind) or the host's text
  int exit_code = 0;               // for TrapKind::Exit
  std::vector<std::string> frames; // innermost first: function display names
};

}  // namespace brisk

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
  OutOfFuel,               // the store's fuel ran out (consume_fuel)
  EpochDeadline,           // the store's epoch deadline passed and its callback did not extend it
  Timeout,                 // the store's per-call wall-clock timeout passed
};

const char* trap_message(TrapKind k);

// One frame of a trap's backtrace, innermost first.
struct TrapFrame {
  static constexpr uint32_t kNoIndex = UINT32_MAX;
  static constexpr uint64_t kNoOffset = UINT64_MAX;
  uint32_t func_index = kNoIndex;   // in its module's function index space; kNoIndex: host or elided
  // Byte offset in the module binary of the function body's first
  // instruction (the same in every tier; not the trapping or calling
  // instruction itself); kNoOffset for host frames.
  uint64_t code_offset = kNoOffset;
  std::string name;                 // display name (name section, export, or "func[N]"); "..." for elided
};

struct Trap {
  TrapKind kind = TrapKind::None;
  std::string message;             // trap_message(kind) or the host's text
  int exit_code = 0;               // for TrapKind::Exit
  std::vector<TrapFrame> frames;   // innermost first
};

}  // namespace brisk

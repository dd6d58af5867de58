// Results and traps of the C API: the public trap codes (tied to the
// runtime's TrapKind here, at compile time) and the backtrace of the last
// failed call.
#include "api/handles.h"

using brisk::TrapKind;

namespace {
#define BRISK_SAME(code, kind) static_assert(int(code) == int(TrapKind::kind), #code " must equal TrapKind::" #kind)
BRISK_SAME(BRISK_TRAP_NONE, None);
BRISK_SAME(BRISK_TRAP_UNREACHABLE, Unreachable);
BRISK_SAME(BRISK_TRAP_INT_DIV_BY_ZERO, IntDivByZero);
BRISK_SAME(BRISK_TRAP_INT_OVERFLOW, IntOverflow);
BRISK_SAME(BRISK_TRAP_INVALID_CONVERSION, InvalidConversion);
BRISK_SAME(BRISK_TRAP_MEMORY_OUT_OF_BOUNDS, MemoryOutOfBounds);
BRISK_SAME(BRISK_TRAP_TABLE_OUT_OF_BOUNDS, TableOutOfBounds);
BRISK_SAME(BRISK_TRAP_UNDEFINED_ELEMENT, UndefinedElement);
BRISK_SAME(BRISK_TRAP_UNINITIALIZED_ELEMENT, UninitializedElement);
BRISK_SAME(BRISK_TRAP_INDIRECT_CALL_TYPE_MISMATCH, IndirectCallTypeMismatch);
BRISK_SAME(BRISK_TRAP_NULL_REFERENCE, NullReference);
BRISK_SAME(BRISK_TRAP_STACK_EXHAUSTED, StackExhausted);
BRISK_SAME(BRISK_TRAP_INTERRUPTED, Interrupted);
BRISK_SAME(BRISK_TRAP_HOST, Host);
BRISK_SAME(BRISK_TRAP_EXIT, Exit);
BRISK_SAME(BRISK_TRAP_OUT_OF_FUEL, OutOfFuel);
BRISK_SAME(BRISK_TRAP_EPOCH_DEADLINE, EpochDeadline);
BRISK_SAME(BRISK_TRAP_TIMEOUT, Timeout);
#undef BRISK_SAME
}  // namespace

namespace brisk_api {

brisk_result_t from_trap(brisk_store* s, brisk::Trap& t) {
  s->trap_frames = std::move(t.frames);
  if (t.kind == TrapKind::Exit) {
    brisk_result_t r = fail(s, BRISK_ERR_EXIT, "exit with code " + std::to_string(t.exit_code));
    r.exit_code = t.exit_code;
    return r;
  }
  brisk_result_t r = fail(s, BRISK_ERR_TRAP, t.message);
  r.trap_code = int(t.kind);
  return r;
}

}  // namespace brisk_api

extern "C" {

size_t brisk_trap_frame_count(const brisk_store_t* s) { return s ? s->trap_frames.size() : 0; }

int brisk_trap_frame(const brisk_store_t* s, size_t i, brisk_frame_t* out) {
  if (!s || !out || i >= s->trap_frames.size()) return 0;
  const brisk::TrapFrame& f = s->trap_frames[i];
  out->func_index = f.func_index;
  out->code_offset = f.code_offset;
  out->name = f.name.c_str();
  return 1;
}

}  // extern "C"

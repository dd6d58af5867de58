// The arch-neutral half of a masm implementation: the asmjit CodeHolder and
// assembler, labels, trap stubs, OSR stubs, error capture and reuse across
// compilations. Each arch's Masm::Impl derives from MasmCore<its assembler>
// and includes masm_core.inc for the Masm members that only need this core.
#pragma once
#include <asmjit/core.h>

#include <memory>
#include <vector>

#include "jit/masm.h"

namespace brisk::jit {

// Records the first assembler error, so that a function that cannot be
// encoded (an immediate or branch out of range, say) is rejected instead of
// running with a missing instruction.
class AsmErrorSink : public asmjit::ErrorHandler {
 public:
  void handleError(asmjit::Error err, const char*, asmjit::BaseEmitter*) override {
    if (!error) error = err;
  }
  asmjit::Error error = asmjit::kErrorOk;
};

// Pending forward-jump fixups an assembler keeps itself, beside asmjit's
// unresolved links (x64: FastAssembler has its own overload).
inline size_t own_links(const asmjit::BaseAssembler&) { return 0; }
// A bound label's offset from the start of the code (x64: FastAssembler's
// labels are its own).
inline uint64_t label_offset(const asmjit::BaseAssembler&, const asmjit::CodeHolder& code, const asmjit::Label& l) {
  return code.labelOffsetFromBase(l);
}

template <typename Assembler>
struct MasmCore {
  explicit MasmCore(BoundsMode b) : bounds(b) { attach(); }
  MasmCore(const MasmCore&) = delete;
  MasmCore& operator=(const MasmCore&) = delete;

  asmjit::CodeHolder code;
  Assembler a;
  AsmErrorSink errors;
  BoundsMode bounds;
  std::vector<asmjit::Label> labels;   // by Label::id
  asmjit::Label epilogue;              // pops the frame record, then restores registers
  asmjit::Label epilogue_noframe;      // restores registers only
  asmjit::Label exhausted_noframe;     // stack exhaustion before the frame record
  asmjit::Label fast_entry;            // the internal entry (masm.h, prologue)
  asmjit::Label self_entry;            // where self calls land (masm.h, prologue)
  asmjit::Label entry_slow;            // jit_entry_limit compare failed: stack or attention
  asmjit::Label entry_resume;          // back from entry_slow
  uint32_t frame_bytes = 0;            // value-stack room the function needs
  bool result_in_reg = false;          // masm.h, prologue
  Reg saved_homes[8] = {};             // masm.h, use_saved_homes: pushed by the internal entry
  uint8_t num_saved_homes = 0;
  std::vector<Masm::ArgHome> arg_homes;  // masm.h, prologue: live from the self entry on
  uint32_t binds = 0;                  // labels bound so far (Masm::rewind)
  uint32_t rewinds = 0;                // successful Masm::rewind calls so far
  asmjit::Label trap_stubs[32];        // by TrapKind, created on first use
  struct OsrStub {
    asmjit::Label entry, loop;
  };
  std::vector<OsrStub> osr_stubs;
  bool has_memory = false;
  Memory* memory = nullptr;
  Function* self = nullptr;            // the function being compiled (prologue)
  // The store consumes fuel and this arch keeps it in a register here
  // (Masm::use_fuel_register).
  bool fuel_reg = false;
  // fuel_reg: a charge may have changed the register since it was last
  // stored to ExecContext::fuel on some path to this point (set at labels).
  bool fuel_dirty = false;

  asmjit::Label& L(Label l) { return labels[l.id]; }

  // Before each function.
  void begin(BoundsMode b) {
    bounds = b;
    epilogue = a.newLabel();
    epilogue_noframe = a.newLabel();
    exhausted_noframe = a.newLabel();
    fast_entry = a.newLabel();
    self_entry = a.newLabel();
    entry_slow = a.newLabel();
    entry_resume = a.newLabel();
  }
  // After each function, for reuse.
  void reset() {
    code.reset(asmjit::ResetPolicy::kSoft);
    errors.error = asmjit::kErrorOk;
    attach();
    labels.clear();
    for (auto& l : trap_stubs) l = asmjit::Label();
    osr_stubs.clear();
    has_memory = false;
    memory = nullptr;
    fuel_reg = false;
    fuel_dirty = false;
    num_saved_homes = 0;
    arg_homes.clear();
    binds = 0;
  }

 private:
  void attach() {
    code.init(asmjit::Environment::host());
    code.setErrorHandler(&errors);
    code.attach(&a);
  }
};

}  // namespace brisk::jit

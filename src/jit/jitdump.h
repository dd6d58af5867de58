// Profiling JIT code with Linux perf: a jitdump file (the format of perf's
// tools/perf/Documentation/jitdump-specification.txt) describing every
// function brisk compiles, its name and its machine code. Then
//   perf record -k mono brisk run --jitdump prog.wasm
//   perf inject --jit -i perf.data -o perf.jit.data
//   perf report -i perf.jit.data      (perf annotate works on wasm functions too)
// The file is $JITDUMPDIR/jit-PID.dump (default /tmp); perf finds it because
// brisk maps it executable once (perf record sees that mmap). A perf-PID.map
// would not do: perf reads it only for anonymous memory, and JIT code lives
// in a memfd mapping (W^X by two views of one file).
// Off unless enabled: BRISK_JITDUMP=1 in the environment, or jitdump_enable()
// (the CLI's --jitdump). Process-wide, as the file is; safe to call from
// compile threads.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace brisk {
struct Function;
}

namespace brisk::jit {

void jitdump_enable();
bool jitdump_enabled();
// The file this process writes (empty until the first function is written).
std::string jitdump_path();
// Records f's compiled code [code, code + size) (when enabled).
void jitdump_add(const Function& f, const uint8_t* code, size_t size);

}  // namespace brisk::jit

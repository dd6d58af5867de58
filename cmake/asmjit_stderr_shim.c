/* Storage for the `stderr` reference of a renamed non-PIC libasmjit.a (see
 * cmake/BriskAsmjit.cmake): a hidden variable in libbrisk.so that holds the
 * C library's stderr, set before any asmjit code can run. */
#include <stdio.h>

__attribute__((visibility("hidden"))) FILE* brisk_asmjit_stderr;

__attribute__((constructor)) static void brisk_asmjit_stderr_init(void) { brisk_asmjit_stderr = stderr; }

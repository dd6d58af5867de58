/* A plugin that wants all the memory there is: memory.grow to the full
 * 4 GiB a wasm32 memory may have (65536 pages), then 16 MiB at a time. The
 * host's store limit caps it: memory.grow returns -1, which the plugin
 * reports instead of trapping. */
#define PAGES_4GIB 65536
#define PAGES_16MIB 256

/* The result of growing memory 0 to 4 GiB: -1 when refused. */
__attribute__((export_name("grab_4gib"))) int grab_4gib(void) {
  unsigned long have = __builtin_wasm_memory_size(0);
  return (int)__builtin_wasm_memory_grow(0, PAGES_4GIB - have);
}

/* Grows 16 MiB at a time until refused; returns the size reached in MiB. */
__attribute__((export_name("grab_steps"))) int grab_steps(void) {
  while (__builtin_wasm_memory_grow(0, PAGES_16MIB) != (unsigned long)-1) {
  }
  return (int)(__builtin_wasm_memory_size(0) / 16);
}

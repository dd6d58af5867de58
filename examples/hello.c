// The smallest WASI program: build with
//   clang --target=wasm32-wasi --sysroot=/usr -O2 hello.c -o hello.wasm
#include <stdio.h>

int main(void) {
  printf("Hello from WebAssembly, run by brisk!\n");
  return 0;
}

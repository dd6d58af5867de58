/* hello: prints one line and exits. The harness runs it many times to
 * measure whole-process start-up: loading the runtime, decoding and
 * instantiating a small module, WASI set-up and teardown. */
#include <stdio.h>

int main(void) {
  puts("hello, world");
  return 0;
}

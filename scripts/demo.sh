#!/bin/sh
# Runs the demo programs of examples/ with the freshly built brisk.
set -eu
cd "$(dirname "$0")/.."
out=build/examples
mkdir -p "$out"
wat2wasm examples/fib.wat -o "$out/fib.wasm"
echo "\$ brisk run --invoke=fib examples/fib.wasm 30"
build/brisk run --invoke=fib "$out/fib.wasm" 30
if [ -f examples/hello.c ]; then
  clang --target=wasm32-wasi --sysroot=/usr -O2 examples/hello.c -o "$out/hello.wasm"
  echo "\$ brisk run examples/hello.wasm"
  build/brisk run "$out/hello.wasm" || true
fi

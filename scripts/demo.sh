#!/bin/sh
# Runs the demo programs with the freshly built brisk: a hand-written module,
# a C program and the Rust program of the origin story (fib, read from stdin).
set -eu
cd "$(dirname "$0")/.."
out=build/examples
mkdir -p "$out"
wat2wasm examples/fib.wat -o "$out/fib.wasm"
echo "\$ brisk run --invoke=fib fib.wasm 30"
build/brisk run --invoke=fib "$out/fib.wasm" 30
clang --target=wasm32-wasi --sysroot=/usr -O2 examples/hello.c -o "$out/hello.wasm"
echo "\$ brisk run hello.wasm"
build/brisk run "$out/hello.wasm"
/usr/bin/rustc --target wasm32-wasi -O tests/wasi/programs/fib.rs -o "$out/fib_rs.wasm"
for mode in interp tiered; do
  echo "\$ echo 35 | brisk run --mode=$mode fib_rs.wasm"
  echo 35 | build/brisk run --mode=$mode "$out/fib_rs.wasm"
done

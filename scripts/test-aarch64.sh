#!/bin/sh
# The AArch64 build (cross-compiled with Debian's aarch64-linux-gnu
# toolchain) and its whole ctest suite under qemu-aarch64: unit and golden
# encoding tests, the spec suite in every mode (jit, and tiered with tier-up
# forced, among them), WASI programs, CLI, robustness and differential tests.
# On an AArch64 machine, scripts/test.sh already tests the native build.
# Ends with ctest's summary.
set -eu
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
for tool in aarch64-linux-gnu-g++ qemu-aarch64; do
  if ! command -v "$tool" >/dev/null; then
    echo "test-aarch64: $tool not found (scripts/install-deps.sh installs it)" >&2
    exit 1
  fi
done
cmake -S . -B build-aarch64 -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/aarch64-linux-gnu.cmake" -DBRISK_BENCH=OFF >/dev/null
ninja -C build-aarch64
# A test that times out under emulation runs once more (ctest prints both
# runs): spec.core.tiered hung once in about eight runs under qemu here,
# never natively (ASan/TSan/Release) and not reproducibly since (stop 25's
# note: a hang to find, in brisk's tiered mode or in qemu-user). A wrong
# result still fails at once.
ctest --test-dir build-aarch64 --output-on-failure -j"$jobs" --repeat after-timeout:2

#!/bin/sh
# Installs brisk's build and test dependencies from Debian 12's packages.
# Run as root (or with sudo). Safe to run again.
# On x86_64 it also installs the AArch64 cross toolchain, the arm64 builds
# of asmjit and googletest (multiarch) and qemu-user, for the AArch64 JIT's
# tests (scripts/test-aarch64.sh). libclang-rt-dev (libFuzzer and the
# sanitizer runtimes for clang) and binaryen (wasm-opt -ttf, module
# generation) are for tests/fuzz.
set -eu
export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
arch=$(dpkg --print-architecture)
cross=""
if [ "$arch" = amd64 ]; then
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    $SUDO dpkg --add-architecture arm64
  fi
  cross="g++-aarch64-linux-gnu qemu-user libasmjit-dev:arm64 libgtest-dev:arm64 libgmock-dev:arm64"
fi
$SUDO apt-get update -qq
# shellcheck disable=SC2086 # $cross is a word list
$SUDO apt-get install -y -qq --no-install-recommends \
  build-essential cmake ninja-build git python3 ca-certificates \
  libasmjit-dev libgtest-dev libgmock-dev libbenchmark-dev \
  wabt clang lld wasi-libc libclang-rt-dev-wasm32 libclang-rt-dev binaryen \
  rustc libstd-rust-dev-wasm32 $cross >/dev/null

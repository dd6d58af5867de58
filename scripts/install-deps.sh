#!/bin/sh
# Installs brisk's build and test dependencies from Debian 12's packages.
# Run as root (or with sudo). Safe to run again.
set -eu
export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  build-essential cmake ninja-build git python3 ca-certificates \
  libasmjit-dev libgtest-dev libgmock-dev libbenchmark-dev \
  wabt clang lld wasi-libc libclang-rt-dev-wasm32 \
  rustc libstd-rust-dev-wasm32 \
  g++-aarch64-linux-gnu qemu-user >/dev/null

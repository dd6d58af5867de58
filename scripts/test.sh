#!/bin/sh
# The whole test suite: a Release build and an ASan+UBSan build, each
# running every ctest (unit, spec suite, WASI programs, CLI, robustness).
# Ends with ctest's summary. Set BRISK_SKIP_SANITIZE=1 to skip the second build.
set -eu
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build
status=0
if [ "${BRISK_SKIP_SANITIZE:-0}" != 1 ]; then
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBRISK_SANITIZE=ON >/dev/null
  ninja -C build-asan
  echo "== sanitizer build (ASan+UBSan) =="
  ctest --test-dir build-asan --output-on-failure -j"$jobs" -LE slow || status=1
fi
echo "== release build =="
ctest --test-dir build --output-on-failure -j"$jobs" || status=1
exit $status

#!/bin/sh
# The whole test suite: a Release build and an ASan+UBSan build, each
# running every ctest (unit, spec suite, WASI programs, CLI, robustness),
# and on x86_64 also the AArch64 build under qemu (scripts/test-aarch64.sh).
# A ThreadSanitizer build runs the multi-threaded tests: every ctest labelled
# `threads` (add the label to a test to have it run there; `tsan` marks other
# tests worth running under TSan). The stage builds only the targets of
# brisk_threads_tests (tests/CMakeLists.txt).
# Ends with a line "N passed, N failed" totalling every ctest run.
# BRISK_SKIP_SANITIZE=1 skips the ASan+UBSan build, BRISK_SKIP_TSAN=1 the
# TSan one, BRISK_SKIP_AARCH64=1 the AArch64 one, BRISK_SKIP_FUZZ=1 the fuzz
# smoke (each is said in the output).
set -eu
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
status=0

# Runs a ctest stage, keeping its output for the totals.
stage() {
  name=$1
  shift
  echo "== $name =="
  { rc=0; "$@" 2>&1 || rc=$?; echo "$rc" >"$logs/$name.rc"; } | tee "$logs/$name.log"
  [ "$(cat "$logs/$name.rc")" = 0 ] || status=1
  grep -q "tests passed" "$logs/$name.log" || { echo "$name: no ctest summary"; status=1; }
}

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build
if [ "${BRISK_SKIP_SANITIZE:-0}" != 1 ]; then
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBRISK_SANITIZE=ON >/dev/null
  ninja -C build-asan
  stage sanitizer ctest --test-dir build-asan --output-on-failure -j"$jobs" -LE slow
else
  echo "== sanitizer build skipped (BRISK_SKIP_SANITIZE=1) =="
fi
if [ "${BRISK_SKIP_TSAN:-0}" != 1 ]; then
  cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBRISK_SANITIZE=thread -DBRISK_BENCH=OFF >/dev/null
  ninja -C build-tsan brisk_threads_tests
  stage tsan ctest --test-dir build-tsan --output-on-failure -j"$jobs" -L '^(threads|tsan)$'
else
  echo "== thread sanitizer build skipped (BRISK_SKIP_TSAN=1) =="
fi
if [ "$(uname -m)" = x86_64 ] && [ "${BRISK_SKIP_AARCH64:-0}" != 1 ]; then
  stage aarch64 ./scripts/test-aarch64.sh
else
  echo "== aarch64 cross build skipped ($(uname -m) host or BRISK_SKIP_AARCH64=1) =="
fi
stage release ctest --test-dir build --output-on-failure -j"$jobs"

# Fuzz smoke (tests/fuzz/README.md): a clang build with libFuzzer, ASan and
# UBSan; each fuzz target and the binaryen differential driver run for a
# fixed time (about 2 minutes of fuzzing in all), then the regression
# inputs. BRISK_SKIP_FUZZ=1 skips it (said in the output).
if [ "${BRISK_SKIP_FUZZ:-0}" != 1 ]; then
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DBRISK_FUZZ=ON -DBRISK_BENCH=OFF >/dev/null
  ninja -C build-fuzz brisk_fuzz_all
  stage fuzz ctest --test-dir build-fuzz --output-on-failure -j"$jobs" -L fuzz
else
  echo "== fuzz smoke skipped (BRISK_SKIP_FUZZ=1) =="
fi

# "100% tests passed, 0 tests failed out of 303" per stage -> totals.
cat "$logs"/*.log | awk '/tests passed, [0-9]+ tests failed out of/ {
    failed += $4; total += $NF }
  END { printf "%d passed, %d failed (all stages)\n", total - failed, failed }'
exit $status

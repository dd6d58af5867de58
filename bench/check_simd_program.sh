#!/bin/sh
# Runs one SIMD benchmark program under brisk in one mode and checks it: the
# -msimd128 build must exit 0 (each program compares its SIMD kernels with a
# scalar reference of its own and exits 1 on a difference) and print the same
# checksum as the build without -msimd128 (run in the JIT, whose scalar code
# is tested on its own; that build has no v128 op at all).
#   check_simd_program.sh BRISK MODE SIMD.wasm NOSIMD.wasm [ARGS...]
# MODE: interp, jit, tiered, tiered1 (tiered, --tier-up-threshold=1) or
# jit-explicit (jit, --bounds=explicit).
set -u
brisk=$1 mode=$2 simd=$3 nosimd=$4
shift 4
case $mode in
  interp|jit|tiered) flags="--mode=$mode" ;;
  tiered1) flags="--mode=tiered --tier-up-threshold=1" ;;
  jit-explicit) flags="--mode=jit --bounds=explicit" ;;
  *) echo "check_simd_program.sh: unknown mode '$mode'"; exit 2 ;;
esac
name=$(basename "$simd" .wasm)
out=$(mktemp /tmp/brisk-simdbench-XXXXXX)
trap 'rm -f "$out" "$out.ref"' EXIT
# shellcheck disable=SC2086  # $flags is a list of options
"$brisk" run $flags "$simd" "$@" > "$out"
status=$?
"$brisk" run --mode=jit "$nosimd" "$@" > "$out.ref"
ref_status=$?
fail=0
if [ $status -ne 0 ]; then
  echo "FAIL: $name ($mode) exited with $status (1: a SIMD kernel differs from the program's scalar reference)"
  fail=1
fi
if [ $ref_status -ne 0 ]; then
  echo "FAIL: $name built without -msimd128 exited with $ref_status (jit)"
  fail=1
fi
got=$(grep '^checksum:' "$out")
want=$(grep '^checksum:' "$out.ref")
if [ -z "$want" ]; then
  echo "FAIL: $name built without -msimd128 printed no checksum line"
  fail=1
elif [ "$got" != "$want" ]; then
  echo "FAIL: $name ($mode) printed '$got', the build without -msimd128 '$want'"
  fail=1
fi
[ $fail -eq 0 ] && echo "PASS $name ($mode): $got"
exit $fail

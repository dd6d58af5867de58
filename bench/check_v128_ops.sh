#!/bin/sh
# Checks that clang really vectorised an auto-vectorised benchmark program:
# the -msimd128 build's code must contain v128 instructions (at least MIN of
# them) and the build without -msimd128 none, so the NAME / NAME-nosimd rows
# of bench/run compare SIMD with scalar code.
#   check_v128_ops.sh WASM-OBJDUMP SIMD.wasm NOSIMD.wasm MIN
set -u
objdump=$1 simd=$2 nosimd=$3 min=$4
pattern='(v128|i8x16|i16x8|i32x4|i64x2|f32x4|f64x2)\.'
count() { "$objdump" -d "$1" | grep -cE "$pattern"; }
n=$(count "$simd")
m=$(count "$nosimd")
name=$(basename "$simd" .wasm)
fail=0
if [ "$n" -lt "$min" ]; then
  echo "FAIL: $simd has $n v128 instructions, expected at least $min (did clang stop vectorising?)"; fail=1
fi
if [ "$m" -ne 0 ]; then
  echo "FAIL: $nosimd (built without -msimd128) has $m v128 instructions"; fail=1
fi
[ $fail -eq 0 ] && echo "PASS $name: $n v128 instructions with -msimd128 (" \
  "$("$objdump" -d "$simd" | grep -oE "$pattern[a-z0-9_]*" | sort | uniq -c | sort -rn | head -8 | awk '{printf "%s %s, ", $2, $1}')...), none without"
exit $fail

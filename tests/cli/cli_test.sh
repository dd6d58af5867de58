#!/bin/sh
# Bad inputs and basic behaviour of the brisk CLI: messages, exit codes,
# never a death by signal.   cli_test.sh BRISK WASM_DIR
set -u
brisk=$1 dir=$2
tmp=$(mktemp -d /tmp/brisk-cli-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0
# expect NAME STATUS STDERR_PATTERN STDOUT_PATTERN -- command...
expect() {
  name=$1 want=$2 err_pat=$3 out_pat=$4
  shift 5
  "$@" > "$tmp/out" 2> "$tmp/err"
  got=$?
  ok=1
  [ "$got" -eq "$want" ] || { echo "FAIL $name: exit $got, expected $want"; ok=0; }
  [ "$got" -lt 128 ] || [ "$got" -eq 134 ] || { echo "FAIL $name: died by a signal ($got)"; ok=0; }
  if [ -n "$err_pat" ] && ! grep -qE -e "$err_pat" "$tmp/err"; then
    echo "FAIL $name: stderr does not match /$err_pat/:"; cat "$tmp/err"; ok=0
  fi
  if [ -n "$out_pat" ] && ! grep -qE -e "$out_pat" "$tmp/out"; then
    echo "FAIL $name: stdout does not match /$out_pat/:"; cat "$tmp/out"; ok=0
  fi
  if [ $ok -eq 1 ]; then passes=$((passes + 1)); else fails=$((fails + 1)); fi
}

printf 'hello, not wasm\n' > "$tmp/text.wasm"
head -c 20 "$dir/calc.wasm" > "$tmp/truncated.wasm"
printf '\0asm\2\0\0\0' > "$tmp/version.wasm"

expect missing-file 1 "^error: $tmp/nope.wasm: cannot read: No such file or directory" "" -- \
  "$brisk" run "$tmp/nope.wasm"
expect directory 1 "^error: $tmp: cannot read: is a directory" "" -- "$brisk" run "$tmp"
expect not-wasm 1 "^error: $tmp/text.wasm: offset 0: magic header not detected" "" -- "$brisk" run "$tmp/text.wasm"
expect bad-version 1 "^error: $tmp/version.wasm: offset 4: unknown binary version" "" -- "$brisk" run "$tmp/version.wasm"
expect truncated 1 "^error: $tmp/truncated.wasm: offset [0-9]+: (unexpected end|length out of bounds)" "" -- \
  "$brisk" run "$tmp/truncated.wasm"
expect invalid 1 "^error: $dir/invalid.wasm: offset [0-9]+: type mismatch" "" -- "$brisk" run "$dir/invalid.wasm"
for mode in interp jit tiered; do
  expect trap-$mode 134 "^error: trap: unreachable" "" -- "$brisk" run --mode=$mode "$dir/trap.wasm"
  expect backtrace-$mode 134 "1: middle" "" -- "$brisk" run --mode=$mode "$dir/trap.wasm"
  expect invoke-$mode 0 "" "^5$" -- "$brisk" run --mode=$mode --invoke=add "$dir/calc.wasm" 2 3
  expect invoke-multi-$mode 0 "" "^2.5$" -- "$brisk" run --mode=$mode --invoke=mix "$dir/calc.wasm" 21 1.5 2
  expect div-trap-$mode 134 "^error: trap: integer divide by zero" "" -- \
    "$brisk" run --mode=$mode --invoke=div "$dir/calc.wasm" 1 0
done
expect negative-arg 0 "" "^-7$" -- "$brisk" run --invoke=add "$dir/calc.wasm" -10 3
expect arg-count 1 "expects 2 argument" "" -- "$brisk" run --invoke=add "$dir/calc.wasm" 1
expect bad-arg 1 "is not a valid i32" "" -- "$brisk" run --invoke=add "$dir/calc.wasm" 1 x
expect no-export 1 "no exported function 'nope'" "" -- "$brisk" run --invoke=nope "$dir/calc.wasm"
expect unknown-option 1 "unknown option '--bogus'" "" -- "$brisk" run --bogus "$dir/calc.wasm"
expect bad-mode 1 "unknown mode 'fast'" "" -- "$brisk" run --mode=fast "$dir/calc.wasm"
expect no-module 1 "no module given" "" -- "$brisk" run
expect help 0 "" "Usage:" -- "$brisk" --help
expect run-help 0 "" "--dir=HOST" -- "$brisk" run --help
expect version 0 "" "^brisk [0-9]" -- "$brisk" --version
expect unknown-command 1 "unknown command 'fly'" "" -- "$brisk" fly
echo "$passes passed, $fails failed"
[ $fails -eq 0 ]

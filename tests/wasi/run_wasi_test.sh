#!/bin/sh
# Runs one WASI test program under brisk in one mode, in a fresh sandbox
# directory with a sentinel directory "outside" next to it that must stay
# unchanged (names, sizes, types, link targets, modification times) whatever
# the program does.
#   run_wasi_test.sh BRISK MODE KIND PROGRAM.wasm
set -u
brisk=$1 mode=$2 kind=$3 prog=$4
root=$(mktemp -d /tmp/brisk-wasi-XXXXXX)
trap 'rm -rf "$root"' EXIT
mkdir "$root/sandbox" "$root/outside"
echo "top secret" > "$root/outside/secret"
snapshot() { (cd "$root/outside" && find . -printf '%p %s %y %l %T@\n' | sort && cat secret); }
before=$(snapshot)
out="$root/stdout"
case $kind in
  args_env)
    "$brisk" run --mode="$mode" --env BRISK_A=1 --env=BRISK_B=x=y "$prog" first "second arg" > "$out"
    status=$? expect_status=0 expect_out="ok" ;;
  stdin_exit)
    echo "1 2 300" | "$brisk" run --mode="$mode" "$prog" > "$out"
    status=$? expect_status=47 expect_out="sum 303" ;;
  conform_poll)  # stdin a pipe holding three bytes, for fd readiness
    printf 'abc' | "$brisk" run --mode="$mode" --dir="$root/sandbox::/sandbox" "$prog" > "$out"
    status=$? expect_status=0 expect_out="ok" ;;
  conform_tty)  # stdout a terminal: script(1) gives the program a pty
    script -qec "'$brisk' run --mode='$mode' '$prog'" /dev/null > "$out"
    status=$? expect_status=0 expect_out="ok" ;;
  fib_rs)
    echo 20 | "$brisk" run --mode="$mode" "$prog" > "$out"
    status=$? expect_status=0 expect_out="fib(20) = 10946" ;;
  *)
    "$brisk" run --mode="$mode" --dir="$root/sandbox::/sandbox" "$prog" > "$out"
    status=$? expect_status=0 expect_out="ok" ;;
esac
fail=0
if [ "$status" -ne "$expect_status" ]; then
  echo "FAIL: exit status $status, expected $expect_status"; fail=1
fi
if ! grep -qF "$expect_out" "$out"; then
  echo "FAIL: stdout lacks '$expect_out':"; cat "$out"; fail=1
fi
after=$(snapshot)
if [ "$before" != "$after" ]; then
  echo "FAIL: the directory outside the sandbox changed:"; echo "$after"; fail=1
fi
[ $fail -eq 0 ] && echo "PASS $kind ($mode)"
exit $fail

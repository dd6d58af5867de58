#!/bin/sh
# Runs the plugin host in one mode and checks its report line by line: each
# plugin's outcome, and the well-behaved plugin answering after every other.
#   check_report.sh HOST MODE PLUGIN_DIR [EMULATOR ARGS...]
# (a cross build passes its emulator, e.g. qemu-aarch64 -L SYSROOT)
set -u
host=$1 mode=$2 dir=$3
shift 3
report=$("$@" "$host" "$mode" "$dir" 2>&1)
status=$?
echo "$report"
fail=0
expect() {  # a line matching the extended regex $1 must be in the report
  if ! printf '%s\n' "$report" | grep -Eq -- "$1"; then
    echo "FAIL: the report lacks a line matching: $1"; fail=1
  fi
}
expect '^\[runaway\] format\(\) stopped after [0-9.]+ s: epoch deadline reached \(trap code 16\)$'
expect '^\[crasher\] lint\(\) trapped: integer divide by zero \(trap code 2\)$'
expect '^\[crasher\]   #0 tab_stops '
expect '^\[crasher\]   #1 check_line '
expect '^\[crasher\]   #2 lint '
expect '^\[hog\] memory.grow to 4 GiB returned -1; in 16 MiB steps it reached (48|64) MiB \(limit 64 MiB\)$'
expect '^\[formatter\] exit 0$'
expect '^\[formatter\] stdout\| fn main\(\) \{$'
expect '^\[formatter\] stdout\| println!\("hi"\);$'
expect '^\[formatter\] stderr\| formatter: 3 lines, 42 bytes in$'
for when in first "after runaway" "after crasher" "after hog" "after formatter"; do
  expect "^\[counter\] $when: count_words = 6$"
done
expect '^summary: runaway=stopped crasher=trapped hog=capped formatter=ok counter=5 calls, 0 unexpected$'
if [ "$status" -ne 0 ]; then echo "FAIL: the host exited with $status"; fail=1; fi
[ $fail -eq 0 ] && echo "PASS plugin-host ($mode)"
exit $fail

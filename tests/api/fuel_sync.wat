;; Kernels for fuel_sync_test.c: fuel observed, changed and left where JIT
;; code hands control to someone else (a host call, a guard-page trap).
(module
  ;; Returns the fuel the host saw (low 32 bits) and adds {param} fuel.
  (import "host" "top_up" (func $top_up (param i32) (result i32)))
  (memory 1)
  (global $counter (mut i32) (i32.const 0))
  (func (export "counter") (result i32) (global.get $counter))
  ;; Calls the host {n} times, each time adding 3 fuel; the sum of the fuel
  ;; it saw is the result, so a stale or early charge changes it.
  (func (export "host_loop") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (call $top_up (i32.const 3))))
        (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $acc))
  ;; Stores every 4 KiB from address 0 up until the store past the memory
  ;; traps (out of bounds: a guard-page fault, or the explicit check).
  (func (export "walk_off") (param $step i32) (result i32)
    (local $a i32)
    (loop $l
      (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
      (i32.store (local.get $a) (local.get $a))
      (local.set $a (i32.add (local.get $a) (local.get $step)))
      (br $l))
    (unreachable)))

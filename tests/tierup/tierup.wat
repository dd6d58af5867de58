;; Programs that cross tier boundaries: OSR in long loops, recursion whose
;; frames mix interpreted and compiled activations, indirect and host calls.
(module
  (import "host" "inc" (func $host_inc (param i32) (result i32)))
  (import "host" "fail" (func $host_fail (param i32)))
  (import "host" "reenter" (func $host_reenter (param i32) (result i32)))
  (type $i2i (func (param i32) (result i32)))
  (type $v2v (func))
  (table 4 funcref)
  (elem (i32.const 0) $double $triple $sum_to)
  (memory 1)

  ;; Loops long enough to be replaced on the stack, then trap: the trap
  ;; happens in JIT code entered by OSR.
  (func $loop_then_trap (export "loop_then_trap") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32.div_u (local.get $acc) (i32.const 0)))

  (func $sum_to (export "sum_to") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.le_u (local.get $i) (local.get $n))))
    (local.get $acc))

  ;; Recursion: interpreted activations below compiled ones after tier-up.
  (func $depth (export "depth") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $depth (i32.sub (local.get $n) (i32.const 1)))))))
  (func $forever (export "forever") (param $n i32) (result i32)
    (i32.add (i32.const 1) (call $forever (local.get $n))))

  (func $double (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
  (func $triple (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))

  ;; call_indirect in a hot loop: the callees tier up while the caller is
  ;; replaced on the stack.
  (func (export "indirect_loop") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc)
        (call_indirect (type $i2i) (local.get $i) (i32.and (local.get $i) (i32.const 1)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $acc))
  (func (export "indirect_bad") (param $i i32) (result i32)
    (call_indirect (type $v2v) (local.get $i)) (i32.const 0))

  ;; Host calls in a hot loop, including one that calls back into wasm.
  (func (export "host_loop") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc (call $host_inc (local.get $acc)))
      (local.set $acc (i32.add (local.get $acc) (call $host_reenter (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $acc))
  (func (export "host_trap_in_loop") (param $n i32)
    (local $i i32)
    (loop $l
      (i32.store (i32.const 0) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (call $host_fail (local.get $i)))
  ;; A deep mixed stack for backtraces: $bt_main runs once (interpreted in
  ;; tiered mode), $bt_loop is replaced on the stack by OSR, $bt_hot is called
  ;; in that loop often enough to tier up at a call, $bt_cold recurses a few
  ;; times (called once per level: interpreted again) and $bt_leaf traps.
  (func $bt_main (export "bt_main") (param $n i32) (result i32)
    (i32.add (call $bt_loop (local.get $n)) (i32.const 1)))
  (func $bt_loop (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (call $bt_hot (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32.add (local.get $acc) (call $bt_hot (i32.const -1))))
  (func $bt_hot (param $x i32) (result i32)
    (if (result i32) (i32.eq (local.get $x) (i32.const -1))
      (then (call $bt_cold (i32.const 3)))
      (else (i32.and (local.get $x) (i32.const 7)))))
  (func $bt_cold (param $k i32) (result i32)
    (if (result i32) (i32.eqz (local.get $k))
      (then (call $bt_leaf (i32.const 0)))
      (else (i32.add (i32.const 1) (call $bt_cold (i32.sub (local.get $k) (i32.const 1)))))))
  (func $bt_leaf (param $d i32) (result i32)
    (i32.div_s (i32.const 1) (local.get $d)))
  (func (export "spin") (loop $l (br $l)))
)

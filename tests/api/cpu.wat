;; Kernels for fuel, epochs, timeouts and interrupts.
(module
  (global $counter (mut i32) (i32.const 0))
  (func (export "counter") (result i32) (global.get $counter))
  ;; Cost model anchors: 3 nops + end = 4; two gets, add, end = 4.
  (func (export "nops") (nop) (nop) (nop))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  ;; Never returns; bumps the counter every iteration.
  (func (export "spin")
    (loop $l
      (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
      (br $l)))
  ;; Call-heavy, no loops: recursion only.
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  ;; Mixed control flow: loops, if/else, br_table, calls, fused compares.
  (func $step (param $x i32) (result i32)
    (block $b2 (block $b1 (block $b0
      (br_table $b0 $b1 $b2 (i32.rem_u (local.get $x) (i32.const 3))))
      (return (i32.add (local.get $x) (i32.const 7))))
      (return (i32.mul (local.get $x) (i32.const 3))))
    (i32.xor (local.get $x) (i32.const 0x55)))
  (func (export "work") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.and (local.get $i) (i32.const 1))
          (then (local.set $acc (i32.add (local.get $acc) (call $step (local.get $i)))))
          (else (local.set $acc (i32.sub (local.get $acc) (local.get $i)))))
        (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $acc)))

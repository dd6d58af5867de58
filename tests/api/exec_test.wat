;; Used by the C tests of the execution plumbing (native stack, signals).
(module
  (memory 1)
  ;; Recursion to depth n (JIT frames grow the native stack).
  (func $depth (export "depth") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $depth (i32.sub (local.get $n) (i32.const 1)))))))
  (func $forever (export "forever") (param $n i32) (result i32)
    (i32.add (i32.const 1) (call $forever (local.get $n))))
  ;; A load at any address: out of bounds from 65533 on.
  (func (export "load") (param $a i32) (result i32)
    (i32.load (local.get $a))))

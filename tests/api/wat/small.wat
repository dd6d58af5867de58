;; A small module: one memory, a global, two functions (instantiation and
;; call benchmarks, thread and lifetime tests).
(module
  (import "host" "inc" (func $inc (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $g (export "g") (mut i32) (i32.const 0))
  (data (i32.const 0) "brisk")
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "call_host") (param i32 i32) (result i32) (call $inc (local.get 0) (local.get 1)))
  (func (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call 3 (i32.sub (local.get 0) (i32.const 1)))
                     (call 3 (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "spin") (loop $l (br $l))))

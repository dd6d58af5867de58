;; Traps three calls deep; the backtrace names come from the name section.
(module
  (func $inner (param i32) (result i32)
    (if (local.get 0) (then (unreachable)))
    (i32.const 0))
  (func $middle (result i32)
    (call $inner (i32.const 1)))
  (func $outer (export "_start")
    (drop (call $middle))))

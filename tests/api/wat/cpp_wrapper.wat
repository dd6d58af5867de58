;; The C++ wrapper test (cpp_wrapper_test.cc): typed exports of every value
;; type and a multi-value result, a host import reading the caller's
;; memory, a trap with a call chain, a loop for fuel, and a growable memory.
(module
  (import "env" "log" (func $log (param i32 i32) (result i32)))
  (memory (export "memory") 1 4)
  (global (export "counter") (mut i32) (i32.const 5))
  (data (i32.const 32) "hello, C++")
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "mul64") (param i64 i64) (result i64) (i64.mul (local.get 0) (local.get 1)))
  (func (export "half") (param f32) (result f32) (f32.mul (local.get 0) (f32.const 0.5)))
  (func (export "sqrt") (param f64) (result f64) (f64.sqrt (local.get 0)))
  (func (export "divmod") (param i32 i32) (result i32 i32)
    (i32.div_u (local.get 0) (local.get 1)) (i32.rem_u (local.get 0) (local.get 1)))
  (func (export "nop"))
  (func (export "say") (result i32) (call $log (i32.const 32) (i32.const 10)))
  (func $inner (unreachable))
  (func $outer (call $inner))
  (func (export "boom") (call $outer))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "count") (param i32) (result i32)
    (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get 0))))
    (local.get $i)))

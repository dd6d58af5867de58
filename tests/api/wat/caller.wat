;; Host functions with caller context: a start function that reaches memory
;; through its host import, exports of every kind for the caller to find,
;; and a callback into wasm that grows memory.
(module
  (import "host" "log" (func $log (param i32 i32)))
  (import "host" "poke" (func $poke (param i32)))
  (import "host" "sum_via_caller" (func $sum_via_caller (param i32 i32) (result i32)))
  (import "host" "grow_then_read" (func $grow_then_read (result i32)))
  (import "host" "bye" (func $bye (param i32)))
  (memory (export "memory") 1 4)
  (global $counter (export "counter") (mut i32) (i32.const 7))
  (table (export "table") 2 funcref)
  (data (i32.const 16) "hello from wasm")
  (func $add (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func $start (call $poke (i32.const 100)))
  (start $start)
  (func (export "say") (call $log (i32.const 16) (i32.const 15)))
  (func (export "sum") (param i32 i32) (result i32) (call $sum_via_caller (local.get 0) (local.get 1)))
  (func (export "grow_read") (result i32) (call $grow_then_read))
  (func (export "read") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "exit") (param i32) (call $bye (local.get 0)) unreachable))

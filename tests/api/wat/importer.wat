;; Imports a memory, a function and a table from another instance.
(module
  (type $v (func (result i32)))
  (import "lib" "memory" (memory 1))
  (import "lib" "add" (func $add (param i32 i32) (result i32)))
  (import "lib" "table" (table 1 funcref))
  (func (export "use") (param i32) (result i32)
    (i32.store (i32.const 8) (local.get 0))
    (call $add (i32.load (i32.const 8)) (i32.const 1)))
  (func (export "read") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "call0") (result i32) (call_indirect (type $v) (i32.const 0))))

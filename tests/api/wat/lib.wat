;; A library instance: memory, function and a table for importers.
(module
  (memory (export "memory") 1)
  (table (export "table") 1 8 funcref)
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "seven") (result i32) (i32.const 7)))

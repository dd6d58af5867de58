;; memory.grow / table.grow under store limits.
(module
  (memory (export "mem") 1)
  (table 1 funcref)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "tgrow") (param i32) (result i32) (table.grow 0 (ref.null func) (local.get 0)))
  (func (export "tsize") (result i32) (table.size 0))
  ;; Touches the last byte of memory (traps if the grow did not happen).
  (func (export "touch_last") (result i32)
    (i32.store8 (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 1)) (i32.const 7))
    (i32.load8_u (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 1)))))

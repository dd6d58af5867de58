;; Two initial pages, maximum 8: takes a pooled slot that kept one page
;; (explicit bounds: the same reservation size as pool.wat).
(module
  (memory (export "memory") 2 8)
  (func (export "read") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "write") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "size") (result i32) (memory.size)))

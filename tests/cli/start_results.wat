;; A `_start` that returns a value.
(module
  (func (export "_start") (result i32)
    (i32.const 7)))

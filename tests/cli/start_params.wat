;; A `_start` that is not () -> (): brisk cannot call it as a command.
(module
  (func (export "_start") (param i32) (result i32)
    (local.get 0)))

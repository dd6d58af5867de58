;; A trap three calls deep, for the backtrace.
(module
  (func $inner (unreachable))
  (func $middle (call $inner))
  (func (export "_start") (call $middle)))

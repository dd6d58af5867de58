;; Stores what a host function returns as a funcref in a table and calls it.
(module
  (type $v (func))
  (import "h" "forge" (func $forge (result funcref)))
  (table $t 1 funcref)
  (func (export "run") (table.set $t (i32.const 0) (call $forge)) (call_indirect (type $v) (i32.const 0))))

(module
  (global (export "keep") (mut externref) (ref.null extern))
  (func (export "f"))
  (func (export "g") (result i32) (i32.const 7)))

(module
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "mix") (param i64 f32 f64) (result i64 f32 f64)
    (i64.mul (local.get 0) (i64.const 2))
    (f32.mul (local.get 1) (f32.const 2))
    (f64.add (local.get 2) (f64.const 0.5)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1))))

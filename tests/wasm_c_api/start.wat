(module
  (func $helper (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
  (func $start (drop (call $helper (i32.const 0))))
  (start $start))

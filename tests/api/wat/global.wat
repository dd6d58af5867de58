(module (global (export "g") i64 (i64.const 9)))

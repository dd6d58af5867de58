;; SIMD ops that have inline code on x86_64 (SSE4.1): --stats says how
;; many were compiled inline and how many through the generic path.
(module
  (memory 1)
  (func (export "_start")
    (v128.store (i32.const 0)
      (i32x4.add (v128.load (i32.const 16)) (v128.const i32x4 1 2 3 4)))
    (v128.store (i32.const 32)
      (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11 (v128.load (i32.const 0)) (v128.load (i32.const 0))))))

;; v128 across the C API, and scalar JIT code calling interpreted SIMD code
;; (tests/api/api_simd.c).
(module
  (import "env" "vhost" (func $vhost (param v128 i32) (result i32 v128)))
  (memory 1)
  (global (export "gv") (mut v128) (v128.const i32x4 1 2 3 4))
  ;; A SIMD body behind a scalar signature: 2 * a * b for 16-bit a, b.
  (func $dot (export "dot") (param i32 i32) (result i32)
    (i32x4.extract_lane 0 (i32x4.dot_i16x8_s (i16x8.splat (local.get 0)) (i16x8.splat (local.get 1)))))
  ;; Scalar only, so the JIT compiles it; it calls $dot in a loop: 3n(n-1).
  (func (export "scalar_calls_simd") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $l
        (local.set $acc (i32.add (local.get $acc) (call $dot (local.get $i) (i32.const 3))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))
    (local.get $acc))
  (func (export "vadd") (param v128 i32 v128) (result v128)
    (i32x4.add (i32x4.add (local.get 0) (local.get 2)) (i32x4.splat (local.get 1))))
  (func (export "via_host") (param v128) (result i32 v128) (call $vhost (local.get 0) (i32.const 5)))
  (func (export "load") (param i32) (result v128) (v128.load (local.get 0))))

;; Loop nests that keep more integer locals hot than there are caller-saved
;; home registers, so that the JIT puts some in callee-saved homes (x86_64:
;; r15 and, unless bounds are explicit, r14). The values must survive calls
;; to functions that use the same registers for their own hot locals
;; (pushed and popped by each activation), self calls, traps (the memory
;; written before the trap is visible afterwards), OSR entry into the loop
;; (tiered.threshold-1) and explicit bounds checks (r14 is no home then).
(module
  (memory 1)
  (global $calls (mut i32) (i32.const 0))

  ;; Its own hot loop with six locals: it takes the same home registers and
  ;; leaves other values in them while it runs.
  (func $mix (param $x i32) (result i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $e i32) (local $i i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (local.set $a (i32.xor (local.get $x) (i32.const 0x5bd1e995)))
    (local.set $b (i32.add (local.get $x) (i32.const 0x1234567)))
    (local.set $c (i32.const 7))
    (local.set $d (i32.const -1))
    (local.set $e (i32.mul (local.get $x) (i32.const 3)))
    (loop $l
      (local.set $a (i32.add (local.get $a) (local.get $b)))
      (local.set $b (i32.rotl (i32.xor (local.get $b) (local.get $c)) (i32.const 5)))
      (local.set $c (i32.sub (local.get $c) (local.get $d)))
      (local.set $d (i32.xor (local.get $d) (local.get $e)))
      (local.set $e (i32.add (local.get $e) (i32.const 0x9e3779b9)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 7))))
    (i32.xor (i32.xor (local.get $a) (local.get $b))
             (i32.xor (i32.add (local.get $c) (local.get $d)) (local.get $e))))

  ;; Sum over i < n, j < n with five loop-carried i32 locals, an i64
  ;; accumulator and a call in the inner loop.
  (func (export "nest") (param $n i32) (result i64)
    (local $i i32) (local $j i32) (local $s i32) (local $t i32) (local $u i32) (local $acc i64)
    (local.set $t (i32.const 1))
    (local.set $u (i32.const 0x2545f491))
    (block $done
      (loop $outer
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $j (i32.const 0))
        (loop $inner
          (local.set $s (i32.add (local.get $s) (i32.mul (local.get $i) (local.get $j))))
          (local.set $t (i32.xor (local.get $t) (i32.shl (local.get $s) (i32.const 3))))
          (local.set $u (i32.add (local.get $u) (local.get $t)))
          (if (i32.eqz (i32.and (local.get $j) (i32.const 3)))
            (then (local.set $s (i32.xor (local.get $s) (call $mix (local.get $u))))))
          (local.set $acc (i64.add (local.get $acc)
                                   (i64.extend_i32_u (i32.xor (local.get $s) (local.get $u)))))
          (br_if $inner (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $n))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer)))
    (i64.xor (local.get $acc)
             (i64.shl (i64.extend_i32_u (i32.add (local.get $t) (local.get $u))) (i64.const 32))))

  ;; Self-recursive with hot loop locals: each level runs a loop around the
  ;; recursive call, whose activation reuses the same home registers.
  (func $rec (export "rec") (param $d i32) (result i32)
    (local $i i32) (local $a i32) (local $b i32) (local $c i32) (local $e i32)
    (if (i32.eqz (local.get $d)) (then (return (i32.const 1))))
    (local.set $b (local.get $d))
    (local.set $e (i32.const 17))
    (loop $l
      (local.set $a (i32.add (local.get $a) (call $rec (i32.sub (local.get $d) (i32.const 1)))))
      (local.set $b (i32.xor (local.get $b) (i32.add (local.get $a) (local.get $i))))
      (local.set $c (i32.add (local.get $c) (i32.mul (local.get $b) (local.get $e))))
      (local.set $e (i32.add (local.get $e) (i32.const 2)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 3))))
    (i32.add (i32.add (local.get $a) (local.get $b)) (local.get $c)))

  ;; Writes five loop-carried values to memory every iteration, then loads
  ;; from an address that leaves the memory in the tenth iteration (step
  ;; 8000): the trap comes with the memory as that iteration's stores left it.
  (func (export "walk") (param $step i32)
    (local $p i32) (local $a i32) (local $b i32) (local $c i32) (local $e i32) (local $k i32)
    (local.set $b (i32.const 3))
    (loop $l
      (local.set $a (i32.add (local.get $a) (local.get $b)))
      (local.set $b (i32.add (local.get $b) (i32.const 5)))
      (local.set $c (i32.xor (local.get $c) (local.get $a)))
      (local.set $e (i32.add (local.get $e) (call $mix (local.get $c))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (i32.store offset=0 (i32.const 0) (local.get $a))
      (i32.store offset=4 (i32.const 0) (local.get $b))
      (i32.store offset=8 (i32.const 0) (local.get $c))
      (i32.store offset=12 (i32.const 0) (local.get $e))
      (i32.store offset=16 (i32.const 0) (local.get $k))
      (drop (i32.load (local.get $p)))
      (local.set $p (i32.add (local.get $p) (local.get $step)))
      (br $l)))
  (func (export "word") (param $a i32) (result i32) (i32.load (local.get $a)))
  (func (export "calls") (result i32) (global.get $calls))
)

(assert_trap (invoke "walk" (i32.const 8000)) "out of bounds memory access")
(assert_return (invoke "word" (i32.const 0)) (i32.const 255))
(assert_return (invoke "word" (i32.const 4)) (i32.const 53))
(assert_return (invoke "word" (i32.const 8)) (i32.const 204))
(assert_return (invoke "word" (i32.const 12)) (i32.const 1247542125))
(assert_return (invoke "word" (i32.const 16)) (i32.const 10))
(assert_return (invoke "calls") (i32.const 10))
(assert_return (invoke "nest" (i32.const 0)) (i64.const 2685821660698771456))
(assert_return (invoke "nest" (i32.const 1)) (i64.const 2685821669007416341))
(assert_return (invoke "nest" (i32.const 5)) (i64.const -8605671489856958170))
(assert_return (invoke "nest" (i32.const 40)) (i64.const 3829764557197301336))
(assert_return (invoke "rec" (i32.const 0)) (i32.const 1))
(assert_return (invoke "rec" (i32.const 1)) (i32.const 192))
(assert_return (invoke "rec" (i32.const 4)) (i32.const 548469501))
(assert_return (invoke "rec" (i32.const 7)) (i32.const -243389980))

;; Float locals computed in their homes (x = x op y, x = x op c, y = x op c,
;; x = c op x) in a loop, with min/max/copysign (whose sequences need their
;; operands apart) and constants from the code's pool.
(module
  (func (export "fp") (param $n i32) (result f64)
    (local $i i32) (local $x f64) (local $y f64) (local $z f64) (local $m f64) (local $s f32)
    (local.set $x (f64.const 1))
    (local.set $y (f64.const 0.25))
    (local.set $m (f64.const 1000))
    (local.set $s (f32.const 1))
    (loop $l
      (local.set $x (f64.mul (local.get $x) (f64.const 1.5)))
      (local.set $x (f64.add (local.get $x) (local.get $y)))
      (local.set $y (f64.sub (local.get $y) (f64.const 0.125)))
      (local.set $z (f64.div (local.get $x) (f64.const 4)))
      (local.set $z (f64.add (f64.const 2) (local.get $z)))
      (local.set $m (f64.min (local.get $m) (local.get $z)))
      (local.set $y (f64.copysign (local.get $y) (local.get $x)))
      (local.set $s (f32.mul (local.get $s) (f32.const -2)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (f64.add (f64.add (local.get $x) (local.get $y))
             (f64.add (f64.add (local.get $z) (local.get $m)) (f64.promote_f32 (local.get $s)))))
)
(assert_return (invoke "fp" (i32.const 1)) (f64.const 0x1.3000000000000p+2))
(assert_return (invoke "fp" (i32.const 2)) (f64.const 0x1.7c00000000000p+3))
(assert_return (invoke "fp" (i32.const 7)) (f64.const -0x1.824a000000000p+6))
(assert_return (invoke "fp" (i32.const 30)) (f64.const 0x1.001287e8a0095p+30))

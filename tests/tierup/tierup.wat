;; Programs that cross tier boundaries: OSR in long loops, recursion whose
;; frames mix interpreted and compiled activations, indirect and host calls.
(module
  (import "host" "inc" (func $host_inc (param i32) (result i32)))
  (import "host" "fail" (func $host_fail (param i32)))
  (import "host" "reenter" (func $host_reenter (param i32) (result i32)))
  (type $i2i (func (param i32) (result i32)))
  (type $v2v (func))
  (table 4 funcref)
  (elem (i32.const 0) $double $triple $sum_to)
  (memory 1)

  ;; Loops long enough to be replaced on the stack, then trap: the trap
  ;; happens in JIT code entered by OSR.
  (func $loop_then_trap (export "loop_then_trap") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32.div_u (local.get $acc) (i32.const 0)))

  (func $sum_to (export "sum_to") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.le_u (local.get $i) (local.get $n))))
    (local.get $acc))

  ;; Recursion: interpreted activations below compiled ones after tier-up.
  (func $depth (export "depth") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $depth (i32.sub (local.get $n) (i32.const 1)))))))
  (func $forever (export "forever") (param $n i32) (result i32)
    (i32.add (i32.const 1) (call $forever (local.get $n))))

  (func $double (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
  (func $triple (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))

  ;; call_indirect in a hot loop: the callees tier up while the caller is
  ;; replaced on the stack.
  (func (export "indirect_loop") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc)
        (call_indirect (type $i2i) (local.get $i) (i32.and (local.get $i) (i32.const 1)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $acc))
  (func (export "indirect_bad") (param $i i32) (result i32)
    (call_indirect (type $v2v) (local.get $i)) (i32.const 0))

  ;; Host calls in a hot loop, including one that calls back into wasm.
  (func (export "host_loop") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc (call $host_inc (local.get $acc)))
      (local.set $acc (i32.add (local.get $acc) (call $host_reenter (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $acc))
  (func (export "host_trap_in_loop") (param $n i32)
    (local $i i32)
    (loop $l
      (i32.store (i32.const 0) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (call $host_fail (local.get $i)))
  ;; A deep mixed stack for backtraces: $bt_main runs once (interpreted in
  ;; tiered mode), $bt_loop is replaced on the stack by OSR, $bt_hot is called
  ;; in that loop often enough to tier up at a call, $bt_cold recurses a few
  ;; times (called once per level: interpreted again) and $bt_leaf traps.
  (func $bt_main (export "bt_main") (param $n i32) (result i32)
    (i32.add (call $bt_loop (local.get $n)) (i32.const 1)))
  (func $bt_loop (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (call $bt_hot (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32.add (local.get $acc) (call $bt_hot (i32.const -1))))
  (func $bt_hot (param $x i32) (result i32)
    (if (result i32) (i32.eq (local.get $x) (i32.const -1))
      (then (call $bt_cold (i32.const 3)))
      (else (i32.and (local.get $x) (i32.const 7)))))
  (func $bt_cold (param $k i32) (result i32)
    (if (result i32) (i32.eqz (local.get $k))
      (then (call $bt_leaf (i32.const 0)))
      (else (i32.add (i32.const 1) (call $bt_cold (i32.sub (local.get $k) (i32.const 1)))))))
  (func $bt_leaf (param $d i32) (result i32)
    (i32.div_s (i32.const 1) (local.get $d)))
  (func (export "spin") (loop $l (br $l)))

  ;; JIT-to-JIT calls within the instance (masm.h, fast calls): results of
  ;; every kind (an integer one in a register, the others in slots),
  ;; callees still interpreted or compiled after their callers, memory
  ;; written by a callee and read by its caller.
  (func $fc_i64 (param $x i64) (param $y i32) (result i64)
    (i64.add (local.get $x) (i64.extend_i32_u (local.get $y))))
  (func $fc_f64 (param $x f64) (result f64) (f64.mul (local.get $x) (f64.const 0.5)))
  (func $fc_two (param $x i32) (result i32 i64)
    (i32.add (local.get $x) (i32.const 1))
    (i64.extend_i32_u (i32.mul (local.get $x) (i32.const 2))))
  (func $fc_store (param $a i32) (param $v i32) (i32.store (local.get $a) (local.get $v)))
  (func $fc_none)
  (func $fc_even (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 1))
      (else (call $fc_odd (i32.sub (local.get $n) (i32.const 1))))))
  (func $fc_odd (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (call $fc_even (i32.sub (local.get $n) (i32.const 1))))))
  ;; sum over i < n of (n + i) + f64(i)/2 as i64 + both results of fc_two +
  ;; the value fc_store left in memory + even(i & 15).
  (func (export "fast_calls") (param $n i32) (result i64)
    (local $i i32) (local $acc i64) (local $a i32) (local $b i64)
    (loop $l
      (local.set $acc (call $fc_i64 (local.get $acc) (i32.add (local.get $n) (local.get $i))))
      (local.set $acc (i64.add (local.get $acc)
        (i64.trunc_f64_s (call $fc_f64 (f64.convert_i32_u (local.get $i))))))
      (call $fc_two (local.get $i))
      (local.set $b)
      (local.set $a)
      (local.set $acc (i64.add (local.get $acc) (i64.add (local.get $b) (i64.extend_i32_u (local.get $a)))))
      (call $fc_store (i32.const 64) (local.get $i))
      (call $fc_none)
      (local.set $acc (i64.add (local.get $acc) (i64.load32_u (i32.const 64))))
      (local.set $acc (i64.add (local.get $acc)
        (i64.extend_i32_u (call $fc_even (i32.and (local.get $i) (i32.const 15))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $acc))
  ;; Loop-free recursion that runs for seconds: only function entries check
  ;; for attention.
  (func $slow_fib (export "slow_fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $slow_fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $slow_fib (i32.sub (local.get $n) (i32.const 2)))))))

;; Self calls pass the parameters that live in pool homes in those
  ;; registers (compiler.cc, self_call_args; Masm::prologue, arg_homes):
  ;; swapped arguments (each read before the other's register is written),
  ;; a constant, a float, a value computed in a register, and parameters
  ;; left in slots where the homes run out. The if is the body's tail block:
  ;; its arms and the branches to its end return directly.
  (func $swap_rec (export "swap_rec") (param $a i32) (param $b i64) (param $x f64) (param $n i32) (param $k i32)
    (result i64)
    (local $t i64)
    (if (result i64) (i32.eqz (local.get $n))
      (then (i64.add (i64.add (i64.extend_i32_u (local.get $a)) (local.get $b))
                     (i64.add (i64.trunc_f64_s (local.get $x)) (i64.extend_i32_u (local.get $k)))))
      (else
        (if (i32.eq (local.get $n) (i32.add (local.get $k) (i32.const 100)))
          (then (br 1 (i64.const 77))))
        (local.set $t (call $swap_rec (i32.wrap_i64 (local.get $b)) (i64.extend_i32_u (local.get $a))
                                      (f64.add (local.get $x) (f64.const 1.5)) (i32.sub (local.get $n) (i32.const 1))
                                      (i32.const 3)))
        (drop (br_if 0 (i64.add (local.get $t) (i64.const 1000))
                       (i32.eq (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
        (i64.add (local.get $t) (i64.add (i64.mul (i64.extend_i32_u (local.get $a)) (i64.const 3))
                                         (i64.extend_i32_u (local.get $k)))))))

  ;; SIMD across tiers: v128 params, locals and a result, a call with v128
  ;; arguments, a v128 block result, select and a mutable v128 global, all
  ;; live across the OSR entry of the loop; then an out-of-bounds v128 load
  ;; in a loop, which traps with the interpreter's kind.
  (global $gv (mut v128) (v128.const i32x4 0 0 0 0))
  (func $v_mix (param $a v128) (param $k i32) (param $b v128) (result v128)
    (i32x4.add (local.get $a) (i32x4.mul (local.get $b) (i32x4.splat (local.get $k)))))
  (func $simd_loop (export "simd_loop") (param $n i32) (result i32)
    (local $i i32) (local $acc v128) (local $one v128)
    (local.set $one (v128.const i32x4 1 2 3 4))
    (loop $l
      (local.set $acc
        (call $v_mix (local.get $acc) (local.get $i)
          (block (result v128)
            (select (result v128) (local.get $one) (global.get $gv)
                    (i32.and (local.get $i) (i32.const 1))))))
      (global.set $gv (local.get $acc))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32.xor (i32x4.extract_lane 0 (local.get $acc))
             (i32.rotl (i32x4.extract_lane 3 (global.get $gv)) (i32.const 7))))
  (func $simd_oob (export "simd_oob") (param $n i32) (result i32)
    (local $i i32) (local $v v128)
    (loop $l
      (local.set $v (i8x16.add (local.get $v) (v128.load offset=8 (i32.shl (local.get $i) (i32.const 4)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32x4.extract_lane 0 (local.get $v)))

  ;; Register homes (compiler.cc, choose_homes): more hot locals than
  ;; caller-saved homes, so some live in callee-saved registers, in a loop
  ;; that calls directly (a callee that uses callee-saved homes itself),
  ;; indirectly and out to the host, with locals updated in place
  ;; (`x = x op c`, `x = call() + x`, `y = x << c`, tee).
  (func $mix (param $x i32) (result i32)
    (local $t i32) (local $u i32) (local $v i32) (local $w i32) (local $k i32)
    (local.set $t (i32.const 1))
    (local.set $u (i32.const 2))
    (loop $l
      (local.set $t (i32.add (i32.mul (local.get $t) (i32.const 3)) (local.get $x)))
      (local.set $u (i32.xor (local.get $u) (local.get $t)))
      (local.set $v (i32.add (local.get $v) (local.get $u)))
      (local.set $w (i32.add (local.get $w) (i32.shr_u (local.get $v) (i32.const 1))))
      (br_if $l (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (i32.const 4))))
    (i32.add (local.get $w) (local.get $t)))
  (func (export "many_homes") (param $n i32) (result i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $e i32) (local $f i32) (local $i i32)
    (loop $l
      (local.set $a (i32.add (local.get $a) (i32.const 1)))
      (local.set $b (i32.add (local.get $b) (local.get $a)))
      (local.set $c (i32.xor (local.get $c) (local.get $b)))
      (local.set $d (i32.add (call $mix (local.get $i)) (local.get $d)))
      (local.set $e (i32.shl (local.get $a) (i32.const 2)))
      (local.set $f (i32.add (local.get $f) (call_indirect (type $i2i) (local.get $e) (i32.const 1))))
      (local.set $f (i32.add (local.get $f) (call $host_inc (local.get $c))))
      ;; the old value of $a is read after the tee changes it
      (local.set $b (i32.sub (local.get $a) (local.tee $a (i32.add (local.get $a) (i32.const 0)))))
      (local.set $b (i32.add (local.get $b) (i32.add (local.get $a) (local.get $c))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (i32.add (i32.add (i32.add (local.get $a) (i32.mul (local.get $b) (i32.const 3)))
                      (i32.add (i32.mul (local.get $c) (i32.const 5)) (i32.mul (local.get $d) (i32.const 7))))
             (i32.add (i32.mul (local.get $e) (i32.const 11)) (i32.mul (local.get $f) (i32.const 13)))))
)

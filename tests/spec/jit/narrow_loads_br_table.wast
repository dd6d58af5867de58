;; Sign-extending narrow loads into i32 leave bits 63..32 of the register
;; clear (an i32 is zero-extended wherever a 64-bit use sees it), and
;; br_table entries that jump straight to their target (no values to move)
;; mix with entries that go through a stub (values, a return).

(module
  (memory 1)
  (data (i32.const 0) "\ff\ff\80\00\00\80\7f\00")

  ;; The i32 result reaches 64-bit uses: extend_u, an address, a wrap.
  (func (export "load16_s.extend_u") (param i32) (result i64)
    (i64.extend_i32_u (i32.load16_s (local.get 0))))
  (func (export "load8_s.extend_u") (param i32) (result i64)
    (i64.extend_i32_u (i32.load8_s (local.get 0))))
  (func (export "load16_s.via_local") (param i32) (result i64) (local i32)
    (local.set 1 (i32.load16_s (local.get 0)))
    (i64.extend_i32_u (local.get 1)))
  ;; -1 from load8_s as an address, plus 2: wraps to 1 in 32 bits.
  (func (export "load8_s.as_address") (result i32)
    (i32.load8_u (i32.add (i32.load8_s (i32.const 0)) (i32.const 2))))
  (func (export "load16_s.compare") (param i32 i32) (result i32)
    (i32.eq (i32.load16_s (local.get 0)) (local.get 1)))

  ;; A dispatch loop: cases 0-2 jump straight to their blocks, 3 leaves the
  ;; loop with a value (a stub moves it), anything else returns.
  (func (export "dispatch") (param $ops i32) (result i32) (local $acc i32) (local $i i32)
    (block $out (result i32)
      (loop $next
        (block $ret
          (block $c2
            (block $c1
              (block $c0
                (br_table $c0 $c1 $c2 $ret
                  (i32.and (i32.shr_u (local.get $ops) (i32.shl (local.get $i) (i32.const 1)))
                           (i32.const 3))))
              ;; case 0: acc += 1
              (local.set $acc (i32.add (local.get $acc) (i32.const 1)))
              (br $next (local.set $i (i32.add (local.get $i) (i32.const 1)))))
            ;; case 1: acc *= 3
            (local.set $acc (i32.mul (local.get $acc) (i32.const 3)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next))
          ;; case 2: acc -= 2
          (local.set $acc (i32.sub (local.get $acc) (i32.const 2)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next))
        ;; case 3: leave with acc + 1000
        (br $out (i32.add (local.get $acc) (i32.const 1000))))
      (unreachable)))

  ;; br_table carrying a value that must move down (over the 42) to $c,
  ;; and to $a, whose end ends the function (a return).
  (func (export "values") (param i32) (result i32)
    (block $a (result i32)
      (block $b
        (block $c (result i32)
          (br_table $c $c $a (i32.const 42) (i32.const 7) (local.get 0)))
        (return (i32.add (i32.const 100))))
      (i32.const 5)))
)

(assert_return (invoke "load16_s.extend_u" (i32.const 0)) (i64.const 0xffffffff))
(assert_return (invoke "load16_s.extend_u" (i32.const 4)) (i64.const 0xffff8000))
(assert_return (invoke "load16_s.extend_u" (i32.const 6)) (i64.const 0x7f))
(assert_return (invoke "load8_s.extend_u" (i32.const 2)) (i64.const 0xffffff80))
(assert_return (invoke "load8_s.extend_u" (i32.const 6)) (i64.const 0x7f))
(assert_return (invoke "load16_s.via_local" (i32.const 0)) (i64.const 0xffffffff))
(assert_return (invoke "load8_s.as_address") (i32.const 0xff))
(assert_return (invoke "load16_s.compare" (i32.const 0) (i32.const -1)) (i32.const 1))
(assert_return (invoke "load16_s.compare" (i32.const 4) (i32.const -32768)) (i32.const 1))
(assert_return (invoke "load16_s.compare" (i32.const 4) (i32.const 32768)) (i32.const 0))

;; ops, two bits per step from the low end: 0 0 1 2 3 -> ((0+1+1)*3-2)+1000
(assert_return (invoke "dispatch" (i32.const 0x390)) (i32.const 1004))
;; 1 0 0 3 -> (0*3+1+1)+1000
(assert_return (invoke "dispatch" (i32.const 0xc1)) (i32.const 1002))
(assert_return (invoke "dispatch" (i32.const 3)) (i32.const 1000))
(assert_return (invoke "values" (i32.const 0)) (i32.const 107))
(assert_return (invoke "values" (i32.const 1)) (i32.const 107))
(assert_return (invoke "values" (i32.const 2)) (i32.const 7))
(assert_return (invoke "values" (i32.const 9)) (i32.const 7))

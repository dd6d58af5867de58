;; A trap under a deep mixed stack (issue 11.2): in tiered mode $main stays
;; interpreted, $loop is entered into JIT code by OSR, $hot tiers up at a
;; call, $cold recurses interpreted and $leaf traps. The backtrace must be
;; the same in every mode.
(module
  (func $main (export "_start")
    (drop (call $loop (i32.const 2000))))
  (func $loop (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (call $hot (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32.add (local.get $acc) (call $hot (i32.const -1))))
  (func $hot (param $x i32) (result i32)
    (if (result i32) (i32.eq (local.get $x) (i32.const -1))
      (then (call $cold (i32.const 2)))
      (else (i32.and (local.get $x) (i32.const 7)))))
  (func $cold (param $k i32) (result i32)
    (if (result i32) (i32.eqz (local.get $k))
      (then (call $leaf))
      (else (i32.add (i32.const 1) (call $cold (i32.sub (local.get $k) (i32.const 1)))))))
  (func $leaf (result i32) (unreachable)))

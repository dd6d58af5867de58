;; A load followed by local.set/tee of a local with a register home loads
;; straight into the home (the compiler takes back the load into a fresh
;; register). The address may be that same home (p = p->next), another
;; local's home, or a temporary; a tee keeps the value on the stack; a
;; trap in the load must leave the local unchanged.

(module
  (memory 1)
  ;; A list at 16: nodes {next: i32, value: i32}: 16 -> 32 -> 48 -> 0
  (data (i32.const 16) "\20\00\00\00\05\00\00\00")
  (data (i32.const 32) "\30\00\00\00\07\00\00\00")
  (data (i32.const 48) "\00\00\00\00\0b\00\00\00")
  (data (i32.const 64) "\00\00\00\00\00\00\f8\3f")  ;; f64 1.5

  ;; Sum of the values, p = p->next in a loop (address in the target's home).
  (func (export "sum") (param $p i32) (result i32) (local $s i32) (local $v i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $p)))
        (local.set $v (i32.load offset=4 (local.get $p)))   ;; address: another home
        (local.set $s (i32.add (local.get $s) (local.get $v)))
        (local.set $p (i32.load (local.get $p)))            ;; address: the same home
        (br $next)))
    (local.get $s))

  ;; tee: the loaded value is both stored and used.
  (func (export "tee") (param $p i32) (result i32) (local $q i32)
    (i32.add (local.tee $q (i32.load (local.get $p))) (local.get $q)))

  ;; The old value of the local is still on the stack when it is set.
  (func (export "old_value") (param $p i32) (result i32)
    (local.get $p)
    (local.set $p (i32.load (local.get $p)))
    (i32.sub (local.get $p)))

  ;; i64 and f64 loads into homes, the address a computed temporary.
  (func (export "wide") (param $i i32) (result f64) (local $x i64) (local $d f64)
    (local.set $x (i64.load32_u (i32.add (local.get $i) (i32.const 4))))
    (local.set $d (f64.load (i32.add (local.get $i) (i32.const 48))))
    (f64.add (local.get $d) (f64.convert_i64_u (local.get $x))))

  ;; Out of bounds: the trap leaves $p as it was, seen by the caller's
  ;; next call through the global.
  (global $seen (mut i32) (i32.const 0))
  (func (export "oob") (param $p i32) (result i32)
    (global.set $seen (local.get $p))
    (local.set $p (i32.load (i32.const 65536)))
    (global.set $seen (local.get $p))
    (local.get $p))
  (func (export "seen") (result i32) (global.get $seen))
)

(assert_return (invoke "sum" (i32.const 16)) (i32.const 23))
(assert_return (invoke "sum" (i32.const 32)) (i32.const 18))
(assert_return (invoke "sum" (i32.const 0)) (i32.const 0))
(assert_return (invoke "tee" (i32.const 16)) (i32.const 64))
(assert_return (invoke "old_value" (i32.const 16)) (i32.const -16))
(assert_return (invoke "wide" (i32.const 16)) (f64.const 6.5))
(assert_trap (invoke "oob" (i32.const 9)) "out of bounds memory access")
(assert_return (invoke "seen") (i32.const 9))

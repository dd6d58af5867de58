;; Around calls the JIT stores a local's register home to its slot only when
;; the slot does not already hold that value, and reloads the homes the
;; callee may clobber afterwards. A store skipped wrongly shows up as a stale
;; value after the next call. The locals here change (or not) between calls
;; along every kind of path that meets at a label: if with and without
;; else, br_if, br_table with direct entries and with stubs, a block left
;; early, loop back-edges, and self calls whose arguments go in the
;; parameters' homes.
(module
  (global $calls (mut i32) (i32.const 0))

  ;; A callee with its own hot locals: it takes the caller-saved home
  ;; registers and leaves other values in them.
  (func $clobber (param $x i32) (result i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $i i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (local.set $a (i32.xor (local.get $x) (i32.const 0x5bd1e995)))
    (local.set $b (i32.add (local.get $x) (i32.const 0x1234567)))
    (local.set $c (i32.const 7))
    (local.set $d (i32.const -1))
    (loop $l
      (local.set $a (i32.add (local.get $a) (local.get $b)))
      (local.set $b (i32.rotl (i32.xor (local.get $b) (local.get $c)) (i32.const 5)))
      (local.set $c (i32.sub (local.get $c) (local.get $d)))
      (local.set $d (i32.xor (local.get $d) (local.get $a)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 5))))
    (i32.and (i32.xor (local.get $a) (local.get $d)) (i32.const 0xff)))

  ;; Six hot i32 locals and one f64, updated on different paths between
  ;; calls; the result mixes them all.
  (func (export "paths") (param $n i32) (result i32)
    (local $i i32) (local $a i32) (local $b i32) (local $c i32) (local $d i32)
    (local $e i32) (local $s i32) (local $x f64)
    (local.set $a (i32.const 1))
    (local.set $x (f64.const 0.5))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s (i32.add (local.get $s) (call $clobber (local.get $i))))
        ;; if/else: one arm changes $a, the other $b.
        (if (i32.and (local.get $i) (i32.const 1))
          (then (local.set $a (i32.add (local.get $a) (local.get $i))))
          (else (local.set $b (i32.xor (local.get $b) (i32.add (local.get $i) (i32.const 3))))))
        (local.set $s (i32.add (local.get $s) (call $clobber (local.get $a))))
        ;; if without else: only the then arm changes $c (and $x).
        (if (i32.eq (i32.rem_u (local.get $i) (i32.const 3)) (i32.const 2))
          (then
            (local.set $c (i32.add (local.get $c) (i32.const 5)))
            (local.set $x (f64.add (local.get $x) (f64.const 1.5)))))
        (local.set $s (i32.add (local.get $s) (call $clobber (local.get $b))))
        ;; br_table: direct entries to block ends, $a changed before it;
        ;; the fall-through into $k2's end stores $a in a call, the
        ;; branches to it do not.
        (local.set $a (i32.xor (local.get $a) (i32.const 0x100)))
        (block $k2
          (block $k1
            (block $k0
              (br_table $k0 $k1 $k2 $k1 (i32.and (local.get $i) (i32.const 3))))
            (local.set $d (i32.add (local.get $d) (i32.const 2)))
            (br $k2))
          (local.set $e (i32.sub (local.get $e) (local.get $i)))
          (local.set $s (i32.add (local.get $s) (call $clobber (local.get $e)))))
        (local.set $s (i32.add (local.get $s) (call $clobber (local.get $c))))
        ;; A block left early by br_if, $d changed before the branch and
        ;; stored by a call on the way through only, $e changed after it.
        (block $early
          (local.set $d (i32.xor (local.get $d) (i32.const 0x40)))
          (br_if $early (i32.and (local.get $i) (i32.const 4)))
          (local.set $s (i32.add (local.get $s) (call $clobber (local.get $d))))
          (local.set $e (i32.add (local.get $e) (i32.const 9))))
        (local.set $s (i32.add (local.get $s) (call $clobber (local.get $d))))
        ;; br_table whose entries carry a value (stubs move it).
        (local.set $c
          (i32.add (local.get $c)
            (block $v1 (result i32)
              (block $v0 (result i32)
                (br_table $v0 $v1 (i32.const 100) (i32.and (local.get $i) (i32.const 1))))
              (drop)
              (i32.const 1))))
        (local.set $s (i32.add (local.get $s) (call $clobber (local.get $e))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.add
      (i32.add (i32.add (local.get $a) (i32.mul (local.get $b) (i32.const 3)))
               (i32.add (i32.mul (local.get $c) (i32.const 5)) (i32.mul (local.get $d) (i32.const 7))))
      (i32.add (i32.add (i32.mul (local.get $e) (i32.const 11)) (i32.mul (local.get $s) (i32.const 13)))
               (i32.trunc_f64_s (local.get $x)))))

  ;; Self calls: the arguments go in the parameters' homes, then the
  ;; caller's own values come back from their slots; $acc changes between
  ;; the two calls and must be stored again before the second.
  (func $rec (export "rec") (param $n i32) (param $acc i32) (result i32) (local $t i32)
    (if (i32.lt_s (local.get $n) (i32.const 2))
      (then (return (i32.add (local.get $acc) (local.get $n)))))
    (local.set $t (call $rec (i32.sub (local.get $n) (i32.const 1)) (local.get $acc)))
    (local.set $acc (i32.xor (local.get $acc) (local.get $t)))
    (local.set $t (i32.add (local.get $t)
      (call $rec (i32.sub (local.get $n) (i32.const 2)) (i32.add (local.get $acc) (i32.const 1)))))
    (i32.add (i32.add (local.get $t) (local.get $acc)) (local.get $n)))

  (func (export "calls") (result i32) (global.get $calls))
)

;; Expected values computed by a model of the same arithmetic outside
;; brisk (and equal in every mode, the interpreter included).
(assert_return (invoke "paths" (i32.const 0)) (i32.const 1))
(assert_return (invoke "paths" (i32.const 1)) (i32.const 14599))
(assert_return (invoke "paths" (i32.const 9)) (i32.const 87995))
(assert_return (invoke "paths" (i32.const 200)) (i32.const 1997136))
(assert_return (invoke "calls") (i32.const 1470))
(assert_return (invoke "rec" (i32.const 1) (i32.const 5)) (i32.const 6))
(assert_return (invoke "rec" (i32.const 10) (i32.const 3)) (i32.const 6430753))
(assert_return (invoke "rec" (i32.const 18) (i32.const 77)) (i32.const -797483737))

;; Linear-memory pool tests (pool_test.c, pool_threads.c): one page with a
;; maximum of 8 (explicit bounds reserve the maximum), a data segment, and
;; word access, grow and size from the host.
(module
  (memory (export "memory") 1 8)
  (global (export "g") (mut i32) (i32.const 7))
  (data (i32.const 16) "seed")
  (func (export "read") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "write") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  ;; OR of every word in [from, to): 0 when the range is all zero.
  (func (export "or_range") (param $from i32) (param $to i32) (result i32) (local $acc i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $from) (local.get $to)))
        (local.set $acc (i32.or (local.get $acc) (i32.load (local.get $from))))
        (local.set $from (i32.add (local.get $from) (i32.const 4)))
        (br $l)))
    (local.get $acc)))

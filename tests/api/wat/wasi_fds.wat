;; Raw WASI calls for tests/api/api_wasi.c (context isolation and sharing):
;; the host writes paths and data into memory and checks the errnos.
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $fd_prestat_dir_name (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; 0x00: iovec, 0x10: result slot, 0x100: path or data (the host's), 0x200: a dir name

  ;; Opens (creating) the file named by memory[0x100..+len] under preopen fd 3
  ;; for writing: the new fd, or -errno.
  (func (export "open") (param $len i32) (result i32)
    (local $e i32)
    (local.set $e (call $path_open (i32.const 3) (i32.const 0) (i32.const 0x100) (local.get $len)
      (i32.const 1) ;; O_CREAT
      (i64.const 0x40) ;; rights: fd_write
      (i64.const 0) (i32.const 0) (i32.const 0x10)))
    (if (result i32) (local.get $e)
      (then (i32.sub (i32.const 0) (local.get $e)))
      (else (i32.load (i32.const 0x10)))))

  ;; Writes memory[0x100..+len] to {fd}: the errno (0 on success).
  (func (export "write") (param $fd i32) (param $len i32) (result i32)
    (i32.store (i32.const 0) (i32.const 0x100))
    (i32.store (i32.const 4) (local.get $len))
    (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 0x10)))

  ;; fd_write of {n} iovecs (built at 0x1000) that all name the same {len}
  ;; bytes at 0x100, overlapping: the errno; the count written is at 0x10.
  (func (export "write_many") (param $fd i32) (param $n i32) (param $len i32) (result i32)
    (local $i i32)
    (block $done
      (loop $fill
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store (i32.add (i32.const 0x1000) (i32.shl (local.get $i) (i32.const 3))) (i32.const 0x100))
        (i32.store (i32.add (i32.const 0x1004) (i32.shl (local.get $i) (i32.const 3))) (local.get $len))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $fill)))
    (call $fd_write (local.get $fd) (i32.const 0x1000) (local.get $n) (i32.const 0x10)))

  ;; The name of preopen {fd} into memory[0x200..]: its length, or -errno.
  (func (export "prestat_name") (param $fd i32) (result i32)
    (local $e i32)
    (local.set $e (call $fd_prestat_get (local.get $fd) (i32.const 0x10)))
    (if (local.get $e) (then (return (i32.sub (i32.const 0) (local.get $e)))))
    (local.set $e (call $fd_prestat_dir_name (local.get $fd) (i32.const 0x200) (i32.load (i32.const 0x14))))
    (if (local.get $e) (then (return (i32.sub (i32.const 0) (local.get $e)))))
    (i32.load (i32.const 0x14))))

;; A start function that never returns.
(module (func $s (loop $l (br $l))) (start $s))

;; The start function traps during instantiation.
(module
  (func $boom (unreachable))
  (start $boom))

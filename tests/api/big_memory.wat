;; Four pages up front: above a 3-page per-memory limit.
(module (memory 4))

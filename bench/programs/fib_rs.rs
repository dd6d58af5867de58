// fib_rs: the benchmark from brisk's origin story, in Rust. Reads n from
// standard input (default 40 when stdin is empty), computes the naive
// recursive Fibonacci number fib(n) with fib(0) = fib(1) = 1, and prints the
// value and the elapsed time of the computation.
//
// Build: rustc --target wasm32-wasi -O fib_rs.rs   (and natively: rustc -O fib_rs.rs)
// Run:   echo 40 | brisk run fib_rs.wasm
use std::io::Read;
use std::time::Instant;

fn fib(n: u32) -> u64 {
    if n < 2 {
        1
    } else {
        fib(n - 1) + fib(n - 2)
    }
}

fn main() {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .expect("failed to read stdin");
    let n: u32 = match input.trim() {
        "" => 40,
        s => s.parse().expect("stdin must hold a non-negative integer"),
    };
    let start = Instant::now();
    let value = fib(n);
    let elapsed = start.elapsed();
    println!("fib({}) = {}", n, value);
    println!("checksum: {}", value);
    println!("elapsed: {:.3} ms", elapsed.as_secs_f64() * 1e3);
}

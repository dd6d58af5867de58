// The program of the origin story: read n from stdin, print the naive
// recursive fib(n) (fib(0) = fib(1) = 1) and the elapsed time.
use std::io::Read;
use std::time::Instant;

fn fib(n: u32) -> u64 {
    if n < 2 { 1 } else { fib(n - 1) + fib(n - 2) }
}

fn main() {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).expect("stdin");
    let n: u32 = input.trim().parse().expect("a number on stdin");
    let start = Instant::now();
    let value = fib(n);
    println!("fib({}) = {}", n, value);
    println!("elapsed: {:?}", start.elapsed());
}

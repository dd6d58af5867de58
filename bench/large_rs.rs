// A large real module for JIT compile-throughput measurements (issue 15.3):
// rustc's code for std collections, sorting, hashing, formatting and
// iterator chains, instantiated for many element types by a macro, so the
// module has a few MB of function bodies of the kind real Rust programs
// are made of (not generated wasm). Built by the target brisk_bench_real_wasm
// with `rustc --target wasm32-wasi -O`; run it to check it works (it prints
// one checksum line).
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet, VecDeque};
use std::fmt::Write as _;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
struct Rec<T> {
    key: T,
    name: String,
    tags: Vec<u16>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Shape<T> {
    Point(T),
    Pair(T, T),
    Named { id: u32, v: Vec<T> },
    Empty,
}

trait Mix: Clone + std::fmt::Debug + Ord + std::hash::Hash + Default {
    fn make(i: u64) -> Self;
    fn fold(&self) -> u64;
}

macro_rules! ints {
    ($($t:ty),*) => {$(
        impl Mix for $t {
            fn make(i: u64) -> Self { (i.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 7) as $t }
            fn fold(&self) -> u64 { *self as u64 }
        }
    )*};
}
ints!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize, u128, i128);

impl Mix for String {
    fn make(i: u64) -> Self { format!("s{:x}-{}", i.wrapping_mul(2654435761), i % 97) }
    fn fold(&self) -> u64 { self.bytes().fold(0u64, |a, b| a.wrapping_mul(31).wrapping_add(b as u64)) }
}
impl Mix for char {
    fn make(i: u64) -> Self { char::from_u32(0x41 + (i % 2000) as u32).unwrap_or('?') }
    fn fold(&self) -> u64 { *self as u64 }
}
impl Mix for bool {
    fn make(i: u64) -> Self { i % 3 == 0 }
    fn fold(&self) -> u64 { *self as u64 }
}
impl<A: Mix, B: Mix> Mix for (A, B) {
    fn make(i: u64) -> Self { (A::make(i), B::make(i ^ 0x55)) }
    fn fold(&self) -> u64 { self.0.fold().wrapping_mul(7) ^ self.1.fold() }
}
impl<T: Mix> Mix for Vec<T> {
    fn make(i: u64) -> Self { (0..(i % 5)).map(|j| T::make(i + j)).collect() }
    fn fold(&self) -> u64 { self.iter().map(Mix::fold).fold(1, |a, b| a.wrapping_mul(131).wrapping_add(b)) }
}
impl<T: Mix> Mix for Option<T> {
    fn make(i: u64) -> Self { if i % 4 == 0 { None } else { Some(T::make(i)) } }
    fn fold(&self) -> u64 { self.as_ref().map_or(17, Mix::fold) }
}
impl<T: Mix> Mix for Rec<T> {
    fn make(i: u64) -> Self { Rec { key: T::make(i), name: String::make(i), tags: (0..(i % 3) as u16).collect() } }
    fn fold(&self) -> u64 { self.key.fold() ^ self.name.fold() ^ self.tags.len() as u64 }
}
impl<T: Mix> Mix for Shape<T> {
    fn make(i: u64) -> Self {
        match i % 4 {
            0 => Shape::Point(T::make(i)),
            1 => Shape::Pair(T::make(i), T::make(i + 1)),
            2 => Shape::Named { id: i as u32, v: vec![T::make(i); (i % 4) as usize] },
            _ => Shape::Empty,
        }
    }
    fn fold(&self) -> u64 {
        match self {
            Shape::Point(a) => a.fold(),
            Shape::Pair(a, b) => a.fold() ^ b.fold().rotate_left(5),
            Shape::Named { id, v } => *id as u64 + v.len() as u64,
            Shape::Empty => 3,
        }
    }
}
impl<T> Default for Shape<T> {
    fn default() -> Self { Shape::Empty }
}

// One workload per type: every collection and algorithm over it.
fn exercise<T: Mix>(n: u64, out: &mut String) -> u64 {
    let mut v: Vec<T> = (0..n).map(T::make).collect();
    let mut acc = v.iter().map(Mix::fold).sum::<u64>();
    v.sort();
    v.dedup();
    let mut w = v.clone();
    w.sort_unstable_by(|a, b| b.cmp(a));
    w.retain(|x| x.fold() % 3 != 1);
    acc ^= w.len() as u64;
    if let Ok(i) = v.binary_search(&T::make(n / 2)) { acc += i as u64; }

    let mut bt: BTreeMap<T, usize> = BTreeMap::new();
    for (i, x) in v.iter().enumerate() { *bt.entry(x.clone()).or_insert(0) += i; }
    for (k, c) in bt.range(T::make(1)..) { acc = acc.wrapping_add(k.fold() ^ *c as u64); }
    let bs: BTreeSet<T> = w.iter().cloned().collect();
    acc ^= bs.iter().rev().take(5).map(Mix::fold).sum::<u64>();

    let mut hm: HashMap<T, Vec<u64>> = HashMap::new();
    for x in &v { hm.entry(x.clone()).or_default().push(x.fold()); }
    hm.retain(|_, l| l.len() < 4);
    acc ^= hm.values().map(|l| l.len() as u64).sum::<u64>();
    let hs: HashSet<T> = v.iter().step_by(2).cloned().collect();
    acc += w.iter().filter(|x| hs.contains(x)).count() as u64;

    let mut dq: VecDeque<T> = VecDeque::new();
    for x in v.iter().take(20) { dq.push_front(x.clone()); if dq.len() > 8 { dq.pop_back(); } }
    acc ^= dq.iter().map(Mix::fold).max().unwrap_or(0);
    let mut heap: BinaryHeap<T> = v.iter().cloned().collect();
    while let Some(x) = heap.pop() { acc = acc.rotate_left(3) ^ x.fold(); if heap.len() < v.len() / 2 { break; } }

    let chunks: Vec<Vec<T>> = v.chunks(3).map(|c| c.to_vec()).collect();
    let zipped: Vec<(T, T)> = v.iter().cloned().zip(w.iter().cloned()).collect();
    acc += chunks.len() as u64 + zipped.len() as u64;
    let (lo, hi): (Vec<T>, Vec<T>) = v.iter().cloned().partition(|x| x.fold() & 1 == 0);
    acc ^= (lo.len() * 3 + hi.len()) as u64;
    let _ = write!(out, "{:?}", v.first());
    let _ = write!(out, "{:?}", bt.iter().next());
    acc
}

macro_rules! run_all {
    ($n:expr, $out:expr; $($t:ty),*) => {{
        let mut acc = 0u64;
        $( acc = acc.rotate_left(1) ^ exercise::<$t>($n, $out); )*
        acc
    }};
}

fn main() {
    let n = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(40u64);
    let mut out = String::new();
    let acc = run_all!(n, &mut out;
        u8, u16, u32, u64, usize, i8, i16, i32, i64, isize, u128, i128, String, char, bool,
        (u8, u16), (u32, String), (i64, char), (String, bool), (u128, i8), (usize, (u8, u8)),
        Vec<u8>, Vec<String>, Vec<(i32, i32)>, Vec<Vec<u16>>, Option<u32>, Option<String>,
        Option<(u8, i64)>, Rec<u8>, Rec<u32>, Rec<String>, Rec<(u16, char)>, Rec<Vec<i8>>,
        Shape<u8>, Shape<u32>, Shape<i64>, Shape<String>, Shape<(u16, char)>, Shape<Vec<u8>>,
        Shape<Option<i32>>, Shape<Rec<u64>>, Vec<Option<char>>, (Option<u16>, Vec<i32>),
        Option<Vec<String>>, (Rec<i16>, u8), Vec<Rec<u8>>, ((u8, u8), (u16, u16)),
        (i128, String), Vec<(String, u64)>);
    println!("checksum {} {}", acc, out.len());
}

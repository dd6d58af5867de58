// A Rust program built with -C target-feature=+simd128: integer, float and
// byte-shuffle kernels written with std::arch::wasm32 intrinsics, each
// checked against the same computation in scalar code. Prints "ok".
use std::arch::wasm32::*;

fn dot_simd(a: &[i32], b: &[i32]) -> i32 {
    let mut acc = i32x4_splat(0);
    for (x, y) in a.chunks_exact(4).zip(b.chunks_exact(4)) {
        let vx = i32x4(x[0], x[1], x[2], x[3]);
        let vy = i32x4(y[0], y[1], y[2], y[3]);
        acc = i32x4_add(acc, i32x4_mul(vx, vy));
    }
    i32x4_extract_lane::<0>(acc)
        .wrapping_add(i32x4_extract_lane::<1>(acc))
        .wrapping_add(i32x4_extract_lane::<2>(acc))
        .wrapping_add(i32x4_extract_lane::<3>(acc))
}

fn saxpy_simd(a: f32, x: &[f32], y: &mut [f32]) {
    let va = f32x4_splat(a);
    for (xs, ys) in x.chunks_exact(4).zip(y.chunks_exact_mut(4)) {
        let vx = f32x4(xs[0], xs[1], xs[2], xs[3]);
        let vy = f32x4(ys[0], ys[1], ys[2], ys[3]);
        let r = f32x4_add(f32x4_mul(va, vx), vy);
        ys[0] = f32x4_extract_lane::<0>(r);
        ys[1] = f32x4_extract_lane::<1>(r);
        ys[2] = f32x4_extract_lane::<2>(r);
        ys[3] = f32x4_extract_lane::<3>(r);
    }
}

// Reverses each 16-byte block and adds 200 with unsigned saturation.
fn bytes_simd(data: &mut [u8]) {
    for block in data.chunks_exact_mut(16) {
        let v = unsafe { v128_load(block.as_ptr() as *const v128) };
        let r = i8x16_shuffle::<15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0>(v, v);
        let s = u8x16_add_sat(r, u8x16_splat(200));
        unsafe { v128_store(block.as_mut_ptr() as *mut v128, s) };
    }
}

fn main() {
    let n = 1024;
    let a: Vec<i32> = (0..n).map(|i| (i * 7919 % 1000) - 500).collect();
    let b: Vec<i32> = (0..n).map(|i| (i * 104729 % 777) - 300).collect();
    let scalar_dot = a.iter().zip(&b).fold(0i32, |s, (x, y)| s.wrapping_add(x.wrapping_mul(*y)));
    assert_eq!(dot_simd(&a, &b), scalar_dot, "dot product");

    let x: Vec<f32> = (0..n).map(|i| i as f32 * 0.25).collect();
    let mut y: Vec<f32> = (0..n).map(|i| 1000.0 - i as f32).collect();
    let expect: Vec<f32> = x.iter().zip(&y).map(|(xi, yi)| 1.5 * xi + yi).collect();
    saxpy_simd(1.5, &x, &mut y);
    assert_eq!(y, expect, "saxpy");

    let mut data: Vec<u8> = (0..256).map(|i| (i * 37 % 256) as u8).collect();
    let mut expect_bytes = data.clone();
    for block in expect_bytes.chunks_exact_mut(16) {
        block.reverse();
        for v in block.iter_mut() {
            *v = v.saturating_add(200);
        }
    }
    bytes_simd(&mut data);
    assert_eq!(data, expect_bytes, "byte shuffle");
    println!("ok");
}

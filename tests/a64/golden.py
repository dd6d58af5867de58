#!/usr/bin/env python3
"""Assembles the expected instruction sequences of the a64 masm's golden
encoding tests (masm_a64_test.cc) with GNU as, and prints them as C++
initialisers. Run after changing a case; the test keeps the assembly text
next to the words, so a mismatch shows what was expected."""
import os
import subprocess
import sys
import tempfile

# name -> assembly (';'-separated). Labels: 'L:' at the end binds the
# test's label there.
CASES = {
    "mov_zero": "mov x0, xzr",
    "mov_small": "movz x1, #0x1234",
    "mov_minus_one": "movn x2, #0",
    "mov_mostly_ones": "movn x3, #0xffff",
    "mov_full64": "movz x4, #0xdef0; movk x4, #0x9abc, lsl #16; movk x4, #0x5678, lsl #32; movk x4, #0x1234, lsl #48",
    "mov_bitmask": "orr x5, xzr, #0x5555555555555555",
    "mov_w32_all_ones": "movn w6, #0",
    "mov_w32_high_half": "movz w7, #0x8000, lsl #16",
    "add_shifted_imm": "add x0, x0, #1, lsl #12",
    "add_negative_imm_w32": "sub w0, w0, #5",
    "and_bitmask_imm": "and x1, x1, #0xff",
    "xor_unencodable_imm": "movz x16, #0x2345; movk x16, #0x1, lsl #16; eor x1, x1, x16",
    "cmp_minus_one": "cmn w1, #1; cset w0, lt",
    "cmp_large_imm": "movz x17, #0x100, lsl #16; cmp x1, x17; cset w0, hs",
    "cmp_shifted_imm": "cmp w1, #16, lsl #12; cset w0, lo",
    "cmn_shifted_imm": "cmn x1, #16, lsl #12; cset w0, eq",
    "slot_load": "ldr x0, [x20, #8]",
    "slot_load_w32": "ldr w0, [x20, #8]",
    "slot_load_far": "movz x15, #0x9c40; add x15, x20, x15; ldr x0, [x15]",
    "heap_load_no_offset": "ldr w0, [x21, x1]",
    "heap_load8s_offset": "add x16, x1, #16; ldrsb x0, [x21, x16]",
    "heap_store_shifted_offset": "add x16, x1, #0x100, lsl #12; movz x17, #7; str w17, [x21, x16]",
    "heap_store_huge_offset": "movz x16, #0xfff0; movk x16, #0xffff, lsl #16; add x16, x16, x1; str xzr, [x21, x16]",
    "heap_store_f64": "str d0, [x21, x1]",
    "heap_load_explicit_bounds": "add x17, x1, #16; cmp x17, x22; b.hi L; add x16, x1, #8; ldr x0, [x21, x16]; L:",
    "trunc_sat_f64_to_i32": "fcvtzs w0, d1",
    "convert_u64_to_f32": "ucvtf s0, x1",
    "trunc_f32_to_u64": "fcmp s1, s1; b.vs L; movz w16, #0xbf80, lsl #16; fmov s30, w16; fcmp s1, s30; b.le L; "
                        "movz w16, #0x5f80, lsl #16; fmov s30, w16; fcmp s1, s30; b.ge L; fcvtzu x0, s1; L:",
    "popcnt_w32": "fmov s30, w1; cnt v30.8b, v30.8b; addv b30, v30.8b; fmov w0, s30",
    "copysign_f64": "fmov d30, xzr; fneg d30, d30; bit v0.8b, v1.8b, v30.8b",
    "nearest_f32": "frintn s0, s1",
    "fcmp_lt_f64": "fcmp d1, d2; cset w0, mi",
    "rotl_variable_w32": "neg w17, w1; ror w0, w0, w17",
    "rotl_imm_w64": "ror x0, x0, #56",
    "div_s_w32": "cbz w2, L; cmn w2, #1; b.ne 1f; movz w16, #0x8000, lsl #16; cmp w1, w16; b.eq L; 1: sdiv w0, w1, w2; L:",
    "rem_u_w64": "cbz x2, L; udiv x16, x1, x2; msub x0, x16, x2, x1; L:",
    "select_slot_w64": "ldr x16, [x20, #24]; cmp w3, #0; csel x0, x0, x16, ne",
    # SIMD (masm_a64_simd.inc)
    "simd_shuffle_two_operands": "mov v30.16b, v1.16b; mov v31.16b, v2.16b; b 1f; 2: .quad 0x1706150413021100; .quad 0x1f0e1d0c1b0a1908; 1: ldr q0, 2b; tbl v0.16b, {v30.16b, v31.16b}, v0.16b",
    "simd_shuffle_one_operand": "b 1f; 2: .quad 0x08090a0b0c0d0e0f; .quad 0x0001020304050607; 1: ldr q31, 2b; tbl v0.16b, {v1.16b}, v31.16b",
    "simd_swizzle": "tbl v0.16b, {v1.16b}, v2.16b",
    "simd_bitmask_i8x16": "ushr v31.16b, v1.16b, #7; usra v31.8h, v31.8h, #7; usra v31.4s, v31.4s, #14; usra v31.2d, v31.2d, #28; umov w16, v31.b[0]; umov w0, v31.b[8]; orr w0, w16, w0, lsl #8",
    "simd_bitmask_i16x8": "ushr v31.8h, v1.8h, #15; usra v31.4s, v31.4s, #15; usra v31.2d, v31.2d, #30; umov w16, v31.b[0]; umov w0, v31.b[8]; orr w0, w16, w0, lsl #4",
    "simd_bitmask_i64x2": "ushr v31.2d, v1.2d, #63; umov w16, v31.b[0]; umov w0, v31.b[8]; orr w0, w16, w0, lsl #1",
    "simd_narrow_u_in_place": "sqxtun v0.8b, v0.8h; sqxtun2 v0.16b, v1.8h",
    "simd_narrow_i32x4_s": "sqxtn v0.4h, v1.4s; sqxtn2 v0.8h, v2.4s",
    "simd_dot": "smull v31.4s, v1.4h, v2.4h; smull2 v30.4s, v1.8h, v2.8h; addp v0.4s, v31.4s, v30.4s",
    "simd_extmul_high_u": "umull2 v0.2d, v1.4s, v2.4s",
    "simd_extmul_low_s": "smull v0.8h, v1.8b, v2.8b",
    "simd_pmin_f32": "fcmgt v31.4s, v1.4s, v2.4s; mov v0.16b, v1.16b; bit v0.16b, v2.16b, v31.16b",
    "simd_pmax_f64_in_place": "fcmgt v31.2d, v1.2d, v0.2d; bit v0.16b, v1.16b, v31.16b",
    "simd_min_f64": "fmin v0.2d, v0.2d, v1.2d",
    "simd_trunc_sat_f64x2_u_zero": "fcvtzu v31.2d, v1.2d; uqxtn v0.2s, v31.2d",
    "simd_trunc_sat_f32x4_s": "fcvtzs v0.4s, v1.4s",
    "simd_convert_low_u": "uxtl v0.2d, v1.2s; ucvtf v0.2d, v0.2d",
    "simd_demote_zero": "fcvtn v0.2s, v1.2d",
    "simd_shr_s_i16x8": "and w16, w2, #15; neg w16, w16; dup v31.16b, w16; sshl v0.8h, v1.8h, v31.8h",
    "simd_shr_u_i8x16": "and w16, w2, #7; neg w16, w16; dup v31.16b, w16; ushl v0.16b, v1.16b, v31.16b",
    "simd_shl_i64x2": "and w16, w1, #63; dup v31.16b, w16; ushl v0.2d, v0.2d, v31.2d",
    "simd_popcnt": "cnt v0.16b, v1.16b",
    "simd_all_true_i8x16": "uminv b31, v1.16b; fmov w0, s31; cmp w0, #0; cset w0, ne",
    "simd_all_true_i64x2": "cmeq v31.2d, v1.2d, #0; umaxv s31, v31.4s; fmov w0, s31; cmp w0, #0; cset w0, eq",
    "simd_any_true": "umaxv s31, v1.4s; fmov w0, s31; cmp w0, #0; cset w0, ne",
    "simd_lt_s_i64x2": "cmgt v0.2d, v2.2d, v1.2d",
    "simd_ne_i32x4": "cmeq v0.4s, v1.4s, v2.4s; mvn v0.16b, v0.16b",
    "simd_le_u_i16x8": "cmhs v0.8h, v2.8h, v1.8h",
    "simd_ne_f32x4": "fcmeq v0.4s, v1.4s, v2.4s; mvn v0.16b, v0.16b",
    "simd_mul_i64x2": "umov x16, v0.d[0]; umov x17, v1.d[0]; mul x16, x16, x17; umov x17, v0.d[1]; umov x15, v1.d[1]; mul x17, x17, x15; fmov d0, x16; mov v0.d[1], x17",
    "simd_q15mulr": "sqrdmulh v0.8h, v1.8h, v2.8h",
    "simd_bitselect_in_place": "bif v0.16b, v1.16b, v2.16b",
    "simd_bitselect": "mov v0.16b, v1.16b; bif v0.16b, v2.16b, v3.16b",
    "simd_const": "b 1f; 2: .quad 0x0706050403020100; .quad 0x0f0e0d0c0b0a0908; 1: ldr q0, 2b",
    "simd_const_all_ones": "movi v0.16b, #0xff",
    "simd_extract_i8_s": "smov w0, v1.b[15]",
    "simd_extract_i64": "umov x0, v1.d[1]",
    "simd_extract_f32": "dup s0, v1.s[3]",
    "simd_replace_f64": "mov v0.16b, v1.16b; mov v0.d[1], v2.d[0]",
    "simd_replace_i16": "mov v0.h[7], w1",
    "simd_splat_i8": "dup v0.16b, w1",
    "simd_splat_f64": "dup v0.2d, v1.d[0]",
    "simd_load": "ldr q0, [x21, x1]",
    "simd_load8_splat": "ldr b0, [x21, x1]; dup v0.16b, v0.b[0]",
    "simd_load16x4_s_offset": "add x16, x1, #16; ldr d0, [x21, x16]; sxtl v0.4s, v0.4h",
    "simd_load32_zero": "ldr s0, [x21, x1]",
    "simd_store": "str q0, [x21, x1]",
    "simd_load_lane16": "ldr h31, [x21, x1]; mov v0.h[5], v31.h[0]",
    "simd_store_lane32": "dup s31, v0.s[2]; str s31, [x21, x1]",
    "simd_store_lane8_lane0": "str b0, [x21, x1]",
    "simd_slot_load_aligned": "ldr q0, [x20, #32]",
    "simd_slot_load_unaligned": "ldur q0, [x20, #24]",
    "simd_slot_store_far": "add x15, x20, #1000; str q0, [x15]",
    "simd_shl_imm_i32": "shl v0.4s, v1.4s, #5",
    "simd_sshr_imm_i16_masked": "sshr v0.8h, v1.8h, #15",
    "simd_ushr_imm_i64_in_place": "ushr v0.2d, v0.2d, #1",
    "simd_ushr_imm_i8_negative": "ushr v0.16b, v1.16b, #7",
    "simd_shl_imm_i8_by_width": "mov v0.16b, v1.16b",
}


def assemble(text):
    with tempfile.TemporaryDirectory() as d:
        src, obj, raw = (os.path.join(d, n) for n in ("a.s", "a.o", "a.bin"))
        with open(src, "w") as f:
            f.write(".text\n" + "\n".join(s.strip() for s in text.split(";")) + "\n")
        subprocess.run(["aarch64-linux-gnu-as", src, "-o", obj], check=True)
        subprocess.run(["aarch64-linux-gnu-objcopy", "-O", "binary", "-j", ".text", obj, raw], check=True)
        data = open(raw, "rb").read()
    return [int.from_bytes(data[i:i + 4], "little") for i in range(0, len(data), 4)]


def main():
    for name, text in CASES.items():
        words = ", ".join("0x%08x" % w for w in assemble(text))
        print('    {"%s", "%s", {%s}},' % (name, text, words))


if __name__ == "__main__":
    sys.exit(main())

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

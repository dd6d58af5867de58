// The C helpers of the JIT's generic SIMD path (simd_compiler.inc): each
// calls one of the interpreter's SIMD functions (interp/simd_ops.h, passed
// as a function pointer) on frame slots, so the JIT needs no SIMD semantics
// of its own for ops without inline code. Called through Masm::call_runtime
// as fn(ctx, fp, a0, a1, a2); slot operands are byte offsets from fp packed
// two to a word (low 32 bits first). They return 0 or a TrapKind with the
// trap's frames recorded (memory forms only).
#pragma once
#include <cstdint>

#include "interp/interp.h"

namespace brisk::jit {

// fn(dst, a): a1 = dst | a << 32.
uint32_t jit_simd_un(ExecContext*, uint64_t* fp, uint64_t fn, uint64_t dst_a, uint64_t);
// fn(dst, a, b): a1 = dst | a << 32, a2 = b.
uint32_t jit_simd_bin(ExecContext*, uint64_t* fp, uint64_t fn, uint64_t dst_a, uint64_t b);
// fn(dst, a, b, c): a1 = dst | a << 32, a2 = b | c << 32.
uint32_t jit_simd_tern(ExecContext*, uint64_t* fp, uint64_t fn, uint64_t dst_a, uint64_t b_c);
// fn(dst, a, lane): a1 = dst | a << 32, a2 = lane.
uint32_t jit_simd_extract(ExecContext*, uint64_t* fp, uint64_t fn, uint64_t dst_a, uint64_t lane);
// fn(dst, a, x, lane): a1 = dst | a << 32, a2 = x | lane << 32.
uint32_t jit_simd_replace(ExecContext*, uint64_t* fp, uint64_t fn, uint64_t dst_a, uint64_t x_lane);
// i8x16.shuffle: a0/a1 = lane indices 0-7 / 8-15 (byte i = lane i),
// a2 = dst | a << 32; b is the slot pair after a.
uint32_t jit_simd_shuffle(ExecContext*, uint64_t* fp, uint64_t lanes_lo, uint64_t lanes_hi, uint64_t dst_a);
// Memory forms. The address (an i32 in its slot) is bounds-checked against
// memory 0 in every bounds mode, so an out-of-bounds access traps with
// MemoryOutOfBounds before any byte moves, as the interpreter's checked
// handlers do. a2 = static offset | access bytes << 32 | lane << 40.
// load:       fn(dst, mem + ea),           a1 = addr | dst << 32
// store:      fn(mem + ea, src),           a1 = addr | src << 32
// load_lane:  fn(dst, vec, mem + ea, lane), a1 = addr | vec << 32, dst = addr's slot pair
// store_lane: fn(mem + ea, vec, lane),      a1 = addr | vec << 32
uint32_t jit_simd_load(ExecContext*, uint64_t* fp, uint64_t fn, uint64_t addr_dst, uint64_t off_bytes);
uint32_t jit_simd_store(ExecContext*, uint64_t* fp, uint64_t fn, uint64_t addr_src, uint64_t off_bytes);
uint32_t jit_simd_load_lane(ExecContext*, uint64_t* fp, uint64_t fn, uint64_t addr_vec, uint64_t off_bytes_lane);
uint32_t jit_simd_store_lane(ExecContext*, uint64_t* fp, uint64_t fn, uint64_t addr_vec, uint64_t off_bytes_lane);
// global.get / global.set of a v128 global: a0 = Global*, a1 = slot offset.
uint32_t jit_v128_global_get(ExecContext*, uint64_t* fp, uint64_t global, uint64_t dst, uint64_t);
uint32_t jit_v128_global_set(ExecContext*, uint64_t* fp, uint64_t global, uint64_t src, uint64_t);

}  // namespace brisk::jit

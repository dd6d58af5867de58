// The generic SIMD path's helpers (see simd_runtime.h).
#include "jit/simd_runtime.h"

#include <cstring>

#include "interp/interp.h"
#include "interp/simd_ops.h"
#include "runtime/objects.h"

namespace brisk::jit {

namespace {

using Un = void (*)(void*, const void*);
using Bin = void (*)(void*, const void*, const void*);
using Tern = void (*)(void*, const void*, const void*, const void*);
using Extract = void (*)(void*, const void*, uint32_t);
using Replace = void (*)(void*, const void*, const void*, uint32_t);
using Shuffle = void (*)(void*, const void*, const void*, const uint8_t*);
using Load = void (*)(void*, const uint8_t*);
using Store = void (*)(uint8_t*, const void*);
using LoadLane = void (*)(void*, const void*, const uint8_t*, uint32_t);
using StoreLane = void (*)(uint8_t*, const void*, uint32_t);

template <typename F>
F fn_of(uint64_t bits) {
  return reinterpret_cast<F>(static_cast<uintptr_t>(bits));
}
uint8_t* at(uint64_t* fp, uint64_t off) { return reinterpret_cast<uint8_t*>(fp) + uint32_t(off); }
uint8_t* lo(uint64_t* fp, uint64_t packed) { return at(fp, packed & 0xffffffffu); }
uint8_t* hi(uint64_t* fp, uint64_t packed) { return at(fp, packed >> 32); }

// The host address of wasm address {addr} + {offset} for {bytes} bytes, or
// null (frames recorded) when any byte is out of bounds.
uint8_t* effective(ExecContext* ctx, uint64_t* fp, uint64_t addr_off, uint64_t off_bytes) {
  uint32_t addr;
  std::memcpy(&addr, at(fp, addr_off), 4);
  const uint64_t ea = uint64_t(addr) + uint32_t(off_bytes);
  const uint64_t bytes = (off_bytes >> 32) & 0xff;
  Memory* mem = ctx->cur_func->instance->memories[0];
  if (ea + bytes > mem->size_bytes()) {
    record_trap_frames(ctx);
    return nullptr;
  }
  return mem->data() + ea;
}
uint32_t lane_of(uint64_t off_bytes_lane) { return uint32_t(off_bytes_lane >> 40) & 0xff; }
constexpr uint32_t kOob = uint32_t(TrapKind::MemoryOutOfBounds);

}  // namespace

uint32_t jit_simd_un(ExecContext*, uint64_t* fp, uint64_t fn, uint64_t dst_a, uint64_t) {
  fn_of<Un>(fn)(lo(fp, dst_a), hi(fp, dst_a));
  return 0;
}
uint32_t jit_simd_bin(ExecContext*, uint64_t* fp, uint64_t fn, uint64_t dst_a, uint64_t b) {
  fn_of<Bin>(fn)(lo(fp, dst_a), hi(fp, dst_a), at(fp, b));
  return 0;
}
uint32_t jit_simd_tern(ExecContext*, uint64_t* fp, uint64_t fn, uint64_t dst_a, uint64_t b_c) {
  fn_of<Tern>(fn)(lo(fp, dst_a), hi(fp, dst_a), lo(fp, b_c), hi(fp, b_c));
  return 0;
}
uint32_t jit_simd_extract(ExecContext*, uint64_t* fp, uint64_t fn, uint64_t dst_a, uint64_t lane) {
  // A scalar result fills its whole slot (i32/f32 zero-extended, masm.h).
  uint8_t* dst = lo(fp, dst_a);
  const uint8_t* a = hi(fp, dst_a);
  uint8_t vec[16];
  std::memcpy(vec, a, 16);  // dst may overlap a
  std::memset(dst, 0, 8);
  fn_of<Extract>(fn)(dst, vec, uint32_t(lane));
  return 0;
}
uint32_t jit_simd_replace(ExecContext*, uint64_t* fp, uint64_t fn, uint64_t dst_a, uint64_t x_lane) {
  fn_of<Replace>(fn)(lo(fp, dst_a), hi(fp, dst_a), lo(fp, x_lane), uint32_t(x_lane >> 32));
  return 0;
}
uint32_t jit_simd_shuffle(ExecContext*, uint64_t* fp, uint64_t lanes_lo, uint64_t lanes_hi, uint64_t dst_a) {
  uint8_t lanes[16];
  std::memcpy(lanes, &lanes_lo, 8);
  std::memcpy(lanes + 8, &lanes_hi, 8);
  const uint8_t* a = hi(fp, dst_a);
  interp::simd::i8x16_shuffle(lo(fp, dst_a), a, a + 16, lanes);
  return 0;
}
uint32_t jit_simd_load(ExecContext* ctx, uint64_t* fp, uint64_t fn, uint64_t addr_dst, uint64_t off_bytes) {
  uint8_t* p = effective(ctx, fp, addr_dst & 0xffffffffu, off_bytes);
  if (!p) return kOob;
  fn_of<Load>(fn)(hi(fp, addr_dst), p);
  return 0;
}
uint32_t jit_simd_store(ExecContext* ctx, uint64_t* fp, uint64_t fn, uint64_t addr_src, uint64_t off_bytes) {
  uint8_t* p = effective(ctx, fp, addr_src & 0xffffffffu, off_bytes);
  if (!p) return kOob;
  fn_of<Store>(fn)(p, hi(fp, addr_src));
  return 0;
}
uint32_t jit_simd_load_lane(ExecContext* ctx, uint64_t* fp, uint64_t fn, uint64_t addr_vec, uint64_t obl) {
  uint8_t* p = effective(ctx, fp, addr_vec & 0xffffffffu, obl);
  if (!p) return kOob;
  fn_of<LoadLane>(fn)(lo(fp, addr_vec), hi(fp, addr_vec), p, lane_of(obl));
  return 0;
}
uint32_t jit_simd_store_lane(ExecContext* ctx, uint64_t* fp, uint64_t fn, uint64_t addr_vec, uint64_t obl) {
  uint8_t* p = effective(ctx, fp, addr_vec & 0xffffffffu, obl);
  if (!p) return kOob;
  fn_of<StoreLane>(fn)(p, hi(fp, addr_vec), lane_of(obl));
  return 0;
}
uint32_t jit_v128_global_get(ExecContext*, uint64_t* fp, uint64_t global, uint64_t dst, uint64_t) {
  const Global* g = reinterpret_cast<const Global*>(static_cast<uintptr_t>(global));
  std::memcpy(at(fp, dst), &g->bits, 8);
  std::memcpy(at(fp, dst) + 8, &g->hi, 8);
  return 0;
}
uint32_t jit_v128_global_set(ExecContext*, uint64_t* fp, uint64_t global, uint64_t src, uint64_t) {
  Global* g = reinterpret_cast<Global*>(static_cast<uintptr_t>(global));
  std::memcpy(&g->bits, at(fp, src), 8);
  std::memcpy(&g->hi, at(fp, src) + 8, 8);
  return 0;
}

}  // namespace brisk::jit

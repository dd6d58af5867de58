// Bulk memory, table instructions and constant expressions (runtime_ops.h).
#include "runtime/runtime_ops.h"

#include <cstring>

namespace brisk {

namespace {
// Bounds check for [start, start + n) within {size}, overflow-safe.
inline bool in_range(uint64_t start, uint64_t n, uint64_t size) { return start <= size && n <= size - start; }
}  // namespace

uint64_t eval_const(const Instance& inst, const ConstExpr& e) {
  switch (e.kind) {
    case ConstExpr::Kind::I32:
    case ConstExpr::Kind::I64:
    case ConstExpr::Kind::F32:
    case ConstExpr::Kind::F64:
    case ConstExpr::Kind::V128: return e.bits;
    case ConstExpr::Kind::RefNull: return 0;
    case ConstExpr::Kind::RefFunc: return reinterpret_cast<uint64_t>(inst.funcs[e.index]);
    case ConstExpr::Kind::GlobalGet: return inst.globals[e.index]->bits;
  }
  return 0;
}

uint64_t eval_const_hi(const Instance& inst, const ConstExpr& e) {
  if (e.kind == ConstExpr::Kind::V128) return e.hi;
  if (e.kind == ConstExpr::Kind::GlobalGet) return inst.globals[e.index]->hi;
  return 0;
}

MiscShape misc_shape(Op op) {
  switch (op) {
    case Op::memory_size: return {0, true};
    case Op::memory_grow: return {1, true};
    case Op::table_get: return {1, true};
    case Op::table_set: return {2, false};
    case Op::table_size: return {0, true};
    case Op::table_grow: return {2, true};
    case Op::table_fill: case Op::table_copy: case Op::table_init:
    case Op::memory_init: case Op::memory_copy: case Op::memory_fill: return {3, false};
    default: return {0, false};  // elem.drop, data.drop
  }
}

TrapKind exec_misc(Instance* inst, const MiscArgs& x, uint64_t* result) {
  const uint32_t a = uint32_t(x.a), b = uint32_t(x.b), c = uint32_t(x.c);
  switch (x.op) {
    case Op::table_get: {
      Table* t = inst->tables[x.imm0];
      if (a >= t->size()) return TrapKind::TableOutOfBounds;
      *result = t->elems_[a];
      return TrapKind::None;
    }
    case Op::table_set: {
      Table* t = inst->tables[x.imm0];
      if (a >= t->size()) return TrapKind::TableOutOfBounds;
      t->elems_[a] = x.b;
      return TrapKind::None;
    }
    case Op::table_size:
      *result = inst->tables[x.imm0]->size();
      return TrapKind::None;
    case Op::table_grow:
      *result = uint32_t(int32_t(inst->tables[x.imm0]->grow(b, x.a)));
      return TrapKind::None;
    case Op::table_fill: {
      Table* t = inst->tables[x.imm0];
      if (!in_range(a, c, t->size())) return TrapKind::TableOutOfBounds;
      std::fill(t->elems_.begin() + a, t->elems_.begin() + a + c, x.b);
      return TrapKind::None;
    }
    case Op::table_copy: {
      Table* dst = inst->tables[x.imm0];
      Table* src = inst->tables[x.imm1];
      if (!in_range(a, c, dst->size()) || !in_range(b, c, src->size())) return TrapKind::TableOutOfBounds;
      if (c) std::memmove(&dst->elems_[a], &src->elems_[b], size_t(c) * 8);
      return TrapKind::None;
    }
    case Op::table_init: {
      Table* t = inst->tables[x.imm1];
      const std::vector<uint64_t>& seg = inst->elem_values[x.imm0];
      if (!in_range(b, c, seg.size()) || !in_range(a, c, t->size())) return TrapKind::TableOutOfBounds;
      if (c) std::memcpy(&t->elems_[a], &seg[b], size_t(c) * 8);
      return TrapKind::None;
    }
    case Op::elem_drop:
      inst->elem_values[x.imm0].clear();
      inst->elem_values[x.imm0].shrink_to_fit();
      return TrapKind::None;
    case Op::memory_init: {
      Memory* m = inst->memories[0];
      const DataSegment& seg = inst->module->datas[x.imm0];
      uint64_t seg_size = inst->dropped_datas[x.imm0] ? 0 : seg.size;
      if (!in_range(b, c, seg_size) || !in_range(a, c, m->size_bytes())) return TrapKind::MemoryOutOfBounds;
      if (c) std::memcpy(m->data() + a, inst->module->bytes.data() + seg.data_offset + b, c);
      return TrapKind::None;
    }
    case Op::data_drop:
      inst->dropped_datas[x.imm0] = 1;
      return TrapKind::None;
    case Op::memory_copy: {
      Memory* m = inst->memories[0];
      if (!in_range(a, c, m->size_bytes()) || !in_range(b, c, m->size_bytes())) return TrapKind::MemoryOutOfBounds;
      if (c) std::memmove(m->data() + a, m->data() + b, c);
      return TrapKind::None;
    }
    case Op::memory_fill: {
      Memory* m = inst->memories[0];
      if (!in_range(a, c, m->size_bytes())) return TrapKind::MemoryOutOfBounds;
      if (c) std::memset(m->data() + a, int(uint8_t(b)), c);
      return TrapKind::None;
    }
    case Op::memory_size:
      *result = inst->memories[0]->pages();
      return TrapKind::None;
    case Op::memory_grow:
      *result = uint32_t(int32_t(inst->memories[0]->grow(a)));
      return TrapKind::None;
    default:
      return TrapKind::Unreachable;
  }
}

}  // namespace brisk

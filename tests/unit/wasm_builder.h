// A tiny, test-only WebAssembly binary builder: emits the standard sections
// (type, import, function, table, memory, global, export, start, elem,
// data count, code, data) and a "name" custom section from C++, so tests
// need no external tools. It encodes exactly what it is told: it does not
// validate, which lets tests build deliberately invalid or malformed
// modules too. Also used by tests/cli to generate fixtures.
#pragma once
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wb {

using Bytes = std::vector<uint8_t>;

// Value types by their binary encoding.
enum class T : uint8_t {
  i32 = 0x7f,
  i64 = 0x7e,
  f32 = 0x7d,
  f64 = 0x7c,
  v128 = 0x7b,
  funcref = 0x70,
  externref = 0x6f,
};

inline void put_uleb(Bytes& out, uint64_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    if (v) b |= 0x80;
    out.push_back(b);
  } while (v);
}
inline void put_sleb(Bytes& out, int64_t v) {
  for (;;) {
    uint8_t b = v & 0x7f;
    v >>= 7;  // arithmetic shift
    const bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
    if (!done) b |= 0x80;
    out.push_back(b);
    if (done) return;
  }
}
inline Bytes uleb(uint64_t v) {
  Bytes b;
  put_uleb(b, v);
  return b;
}
inline Bytes sleb(int64_t v) {
  Bytes b;
  put_sleb(b, v);
  return b;
}
inline void append(Bytes& out, const Bytes& b) { out.insert(out.end(), b.begin(), b.end()); }
inline void put_name(Bytes& out, std::string_view s) {
  put_uleb(out, s.size());
  out.insert(out.end(), s.begin(), s.end());
}

// A block type: empty, one value type, or a type index (s33).
struct BlockType {
  enum Kind : uint8_t { Empty, Val, Index } kind = Empty;
  uint8_t val = 0;     // value type byte, for Val
  uint32_t index = 0;  // type index, for Index
  void encode(Bytes& out) const {
    if (kind == Empty) out.push_back(0x40);
    else if (kind == Val) out.push_back(val);
    else put_sleb(out, int64_t(index));
  }
};
// Shorthands: bt(T::i32), bt_type(3), bt_empty.
inline BlockType bt(T t) { return BlockType{BlockType::Val, uint8_t(t), 0}; }
inline BlockType bt_type(uint32_t idx) { return BlockType{BlockType::Index, 0, idx}; }
inline const BlockType bt_empty{};

// An instruction sequence. Methods append one instruction each and return
// *this for chaining. Raw bytes can be mixed in with raw()/op()/u32().
class Code {
 public:
  Bytes bytes;

  Code& raw(std::initializer_list<uint8_t> b) { bytes.insert(bytes.end(), b); return *this; }
  Code& raw(const Bytes& b) { append(bytes, b); return *this; }
  Code& op(uint8_t b) { bytes.push_back(b); return *this; }
  Code& u32(uint64_t v) { put_uleb(bytes, v); return *this; }
  Code& s64(int64_t v) { put_sleb(bytes, v); return *this; }
  Code& fc(uint32_t sub) { op(0xfc); return u32(sub); }
  size_t size() const { return bytes.size(); }

  // Control.
  Code& unreachable() { return op(0x00); }
  Code& nop() { return op(0x01); }
  Code& block(BlockType b = bt_empty) { op(0x02); b.encode(bytes); return *this; }
  Code& loop(BlockType b = bt_empty) { op(0x03); b.encode(bytes); return *this; }
  Code& if_(BlockType b = bt_empty) { op(0x04); b.encode(bytes); return *this; }
  Code& else_() { return op(0x05); }
  Code& end() { return op(0x0b); }
  Code& br(uint32_t d) { op(0x0c); return u32(d); }
  Code& br_if(uint32_t d) { op(0x0d); return u32(d); }
  Code& br_table(std::initializer_list<uint32_t> targets, uint32_t def) {
    op(0x0e);
    u32(targets.size());
    for (uint32_t t : targets) u32(t);
    return u32(def);
  }
  Code& return_() { return op(0x0f); }
  Code& call(uint32_t f) { op(0x10); return u32(f); }
  Code& call_indirect(uint32_t type, uint32_t table = 0) { op(0x11); u32(type); return u32(table); }

  // Parametric.
  Code& drop() { return op(0x1a); }
  Code& select() { return op(0x1b); }
  Code& select_t(T t) { op(0x1c); u32(1); return op(uint8_t(t)); }

  // Variables.
  Code& local_get(uint32_t i) { op(0x20); return u32(i); }
  Code& local_set(uint32_t i) { op(0x21); return u32(i); }
  Code& local_tee(uint32_t i) { op(0x22); return u32(i); }
  Code& global_get(uint32_t i) { op(0x23); return u32(i); }
  Code& global_set(uint32_t i) { op(0x24); return u32(i); }
  Code& table_get(uint32_t t = 0) { op(0x25); return u32(t); }
  Code& table_set(uint32_t t = 0) { op(0x26); return u32(t); }

  // Memory: memop(opcode, align_log2, offset).
  Code& memop(uint8_t opc, uint32_t align, uint64_t offset) { op(opc); u32(align); return u32(offset); }
  Code& i32_load(uint64_t off = 0, uint32_t al = 2) { return memop(0x28, al, off); }
  Code& i64_load(uint64_t off = 0, uint32_t al = 3) { return memop(0x29, al, off); }
  Code& f32_load(uint64_t off = 0, uint32_t al = 2) { return memop(0x2a, al, off); }
  Code& f64_load(uint64_t off = 0, uint32_t al = 3) { return memop(0x2b, al, off); }
  Code& i32_load8_s(uint64_t off = 0) { return memop(0x2c, 0, off); }
  Code& i32_load8_u(uint64_t off = 0) { return memop(0x2d, 0, off); }
  Code& i32_load16_s(uint64_t off = 0) { return memop(0x2e, 1, off); }
  Code& i32_load16_u(uint64_t off = 0) { return memop(0x2f, 1, off); }
  Code& i64_load8_u(uint64_t off = 0) { return memop(0x31, 0, off); }
  Code& i64_load32_u(uint64_t off = 0) { return memop(0x35, 2, off); }
  Code& i32_store(uint64_t off = 0, uint32_t al = 2) { return memop(0x36, al, off); }
  Code& i64_store(uint64_t off = 0, uint32_t al = 3) { return memop(0x37, al, off); }
  Code& f32_store(uint64_t off = 0) { return memop(0x38, 2, off); }
  Code& f64_store(uint64_t off = 0) { return memop(0x39, 3, off); }
  Code& i32_store8(uint64_t off = 0) { return memop(0x3a, 0, off); }
  Code& i32_store16(uint64_t off = 0) { return memop(0x3b, 1, off); }
  Code& i64_store32(uint64_t off = 0) { return memop(0x3e, 2, off); }
  Code& memory_size() { op(0x3f); return op(0x00); }
  Code& memory_grow() { op(0x40); return op(0x00); }

  // Constants.
  Code& i32_const(int32_t v) { op(0x41); return s64(v); }
  Code& i64_const(int64_t v) { op(0x42); return s64(v); }
  Code& f32_const(float v) {
    uint32_t b;
    std::memcpy(&b, &v, 4);
    return f32_bits(b);
  }
  Code& f32_bits(uint32_t b) {
    op(0x43);
    for (int i = 0; i < 4; ++i) bytes.push_back(uint8_t(b >> (8 * i)));
    return *this;
  }
  Code& f64_const(double v) {
    uint64_t b;
    std::memcpy(&b, &v, 8);
    return f64_bits(b);
  }
  Code& f64_bits(uint64_t b) {
    op(0x44);
    for (int i = 0; i < 8; ++i) bytes.push_back(uint8_t(b >> (8 * i)));
    return *this;
  }

  // Numeric instructions without immediates, by name.
#define WB_SIMPLE(name, byte) \
  Code& name() { return op(byte); }
  WB_SIMPLE(i32_eqz, 0x45) WB_SIMPLE(i32_eq, 0x46) WB_SIMPLE(i32_ne, 0x47) WB_SIMPLE(i32_lt_s, 0x48)
  WB_SIMPLE(i32_lt_u, 0x49) WB_SIMPLE(i32_gt_s, 0x4a) WB_SIMPLE(i32_gt_u, 0x4b) WB_SIMPLE(i32_le_s, 0x4c)
  WB_SIMPLE(i32_le_u, 0x4d) WB_SIMPLE(i32_ge_s, 0x4e) WB_SIMPLE(i32_ge_u, 0x4f)
  WB_SIMPLE(i64_eqz, 0x50) WB_SIMPLE(i64_eq, 0x51) WB_SIMPLE(i64_ne, 0x52) WB_SIMPLE(i64_lt_s, 0x53)
  WB_SIMPLE(i64_gt_s, 0x55) WB_SIMPLE(i64_lt_u, 0x54) WB_SIMPLE(i64_ge_u, 0x5a)
  WB_SIMPLE(f32_eq, 0x5b) WB_SIMPLE(f32_lt, 0x5d) WB_SIMPLE(f64_eq, 0x61) WB_SIMPLE(f64_lt, 0x63)
  WB_SIMPLE(i32_clz, 0x67) WB_SIMPLE(i32_ctz, 0x68) WB_SIMPLE(i32_popcnt, 0x69)
  WB_SIMPLE(i32_add, 0x6a) WB_SIMPLE(i32_sub, 0x6b) WB_SIMPLE(i32_mul, 0x6c) WB_SIMPLE(i32_div_s, 0x6d)
  WB_SIMPLE(i32_div_u, 0x6e) WB_SIMPLE(i32_rem_s, 0x6f) WB_SIMPLE(i32_rem_u, 0x70) WB_SIMPLE(i32_and, 0x71)
  WB_SIMPLE(i32_or, 0x72) WB_SIMPLE(i32_xor, 0x73) WB_SIMPLE(i32_shl, 0x74) WB_SIMPLE(i32_shr_s, 0x75)
  WB_SIMPLE(i32_shr_u, 0x76) WB_SIMPLE(i32_rotl, 0x77) WB_SIMPLE(i32_rotr, 0x78)
  WB_SIMPLE(i64_clz, 0x79) WB_SIMPLE(i64_ctz, 0x7a) WB_SIMPLE(i64_popcnt, 0x7b)
  WB_SIMPLE(i64_add, 0x7c) WB_SIMPLE(i64_sub, 0x7d) WB_SIMPLE(i64_mul, 0x7e) WB_SIMPLE(i64_div_s, 0x7f)
  WB_SIMPLE(i64_div_u, 0x80) WB_SIMPLE(i64_rem_s, 0x81) WB_SIMPLE(i64_rem_u, 0x82) WB_SIMPLE(i64_and, 0x83)
  WB_SIMPLE(i64_or, 0x84) WB_SIMPLE(i64_xor, 0x85) WB_SIMPLE(i64_shl, 0x86) WB_SIMPLE(i64_shr_s, 0x87)
  WB_SIMPLE(i64_shr_u, 0x88) WB_SIMPLE(i64_rotl, 0x89) WB_SIMPLE(i64_rotr, 0x8a)
  WB_SIMPLE(f32_abs, 0x8b) WB_SIMPLE(f32_neg, 0x8c) WB_SIMPLE(f32_sqrt, 0x91) WB_SIMPLE(f32_add, 0x92)
  WB_SIMPLE(f32_sub, 0x93) WB_SIMPLE(f32_mul, 0x94) WB_SIMPLE(f32_div, 0x95) WB_SIMPLE(f32_min, 0x96)
  WB_SIMPLE(f32_max, 0x97) WB_SIMPLE(f32_nearest, 0x90)
  WB_SIMPLE(f64_abs, 0x99) WB_SIMPLE(f64_neg, 0x9a) WB_SIMPLE(f64_sqrt, 0x9f) WB_SIMPLE(f64_add, 0xa0)
  WB_SIMPLE(f64_sub, 0xa1) WB_SIMPLE(f64_mul, 0xa2) WB_SIMPLE(f64_div, 0xa3) WB_SIMPLE(f64_min, 0xa4)
  WB_SIMPLE(f64_max, 0xa5) WB_SIMPLE(f64_nearest, 0x9e)
  WB_SIMPLE(i32_wrap_i64, 0xa7) WB_SIMPLE(i32_trunc_f32_s, 0xa8) WB_SIMPLE(i32_trunc_f32_u, 0xa9)
  WB_SIMPLE(i32_trunc_f64_s, 0xaa) WB_SIMPLE(i32_trunc_f64_u, 0xab) WB_SIMPLE(i64_extend_i32_s, 0xac)
  WB_SIMPLE(i64_extend_i32_u, 0xad) WB_SIMPLE(i64_trunc_f32_s, 0xae) WB_SIMPLE(i64_trunc_f32_u, 0xaf)
  WB_SIMPLE(i64_trunc_f64_s, 0xb0) WB_SIMPLE(i64_trunc_f64_u, 0xb1) WB_SIMPLE(f32_convert_i32_s, 0xb2)
  WB_SIMPLE(f32_convert_i64_u, 0xb5) WB_SIMPLE(f32_demote_f64, 0xb6) WB_SIMPLE(f64_convert_i32_s, 0xb7)
  WB_SIMPLE(f64_convert_i64_s, 0xb9) WB_SIMPLE(f64_convert_i64_u, 0xba) WB_SIMPLE(f64_promote_f32, 0xbb)
  WB_SIMPLE(i32_reinterpret_f32, 0xbc) WB_SIMPLE(i64_reinterpret_f64, 0xbd)
  WB_SIMPLE(f32_reinterpret_i32, 0xbe) WB_SIMPLE(f64_reinterpret_i64, 0xbf)
  WB_SIMPLE(i32_extend8_s, 0xc0) WB_SIMPLE(i32_extend16_s, 0xc1) WB_SIMPLE(i64_extend8_s, 0xc2)
  WB_SIMPLE(i64_extend16_s, 0xc3) WB_SIMPLE(i64_extend32_s, 0xc4)
#undef WB_SIMPLE
  Code& i32_trunc_sat_f32_s() { return fc(0); }
  Code& i32_trunc_sat_f64_u() { return fc(3); }
  Code& i64_trunc_sat_f64_s() { return fc(6); }

  // Reference types.
  Code& ref_null(T t) { op(0xd0); return op(uint8_t(t)); }
  Code& ref_is_null() { return op(0xd1); }
  Code& ref_func(uint32_t f) { op(0xd2); return u32(f); }

  // Bulk memory and tables (0xFC prefix).
  Code& memory_init(uint32_t seg) { fc(8); u32(seg); return op(0x00); }
  Code& data_drop(uint32_t seg) { fc(9); return u32(seg); }
  Code& memory_copy() { fc(10); op(0x00); return op(0x00); }
  Code& memory_fill() { fc(11); return op(0x00); }
  Code& table_init(uint32_t seg, uint32_t table = 0) { fc(12); u32(seg); return u32(table); }
  Code& elem_drop(uint32_t seg) { fc(13); return u32(seg); }
  Code& table_copy(uint32_t dst = 0, uint32_t src = 0) { fc(14); u32(dst); return u32(src); }
  Code& table_grow(uint32_t t = 0) { fc(15); return u32(t); }
  Code& table_size(uint32_t t = 0) { fc(16); return u32(t); }
  Code& table_fill(uint32_t t = 0) { fc(17); return u32(t); }
};

// Constant expressions (the trailing `end` included).
inline Bytes i32_expr(int32_t v) { Bytes b{0x41}; put_sleb(b, v); b.push_back(0x0b); return b; }
inline Bytes i64_expr(int64_t v) { Bytes b{0x42}; put_sleb(b, v); b.push_back(0x0b); return b; }
inline Bytes f32_expr(float v) {
  Bytes b{0x43};
  uint32_t u;
  std::memcpy(&u, &v, 4);
  for (int i = 0; i < 4; ++i) b.push_back(uint8_t(u >> (8 * i)));
  b.push_back(0x0b);
  return b;
}
inline Bytes f64_expr(double v) {
  Bytes b{0x44};
  uint64_t u;
  std::memcpy(&u, &v, 8);
  for (int i = 0; i < 8; ++i) b.push_back(uint8_t(u >> (8 * i)));
  b.push_back(0x0b);
  return b;
}
inline Bytes global_expr(uint32_t g) { Bytes b{0x23}; put_uleb(b, g); b.push_back(0x0b); return b; }
inline Bytes ref_func_expr(uint32_t f) { Bytes b{0xd2}; put_uleb(b, f); b.push_back(0x0b); return b; }
inline Bytes ref_null_expr(T t) { return Bytes{0xd0, uint8_t(t), 0x0b}; }

// One encoded section: id and payload (without the id/size header).
struct Section {
  uint8_t id = 0;
  Bytes payload;
};

inline Bytes header() { return Bytes{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}; }
inline void put_section(Bytes& out, uint8_t id, const Bytes& payload) {
  out.push_back(id);
  put_uleb(out, payload.size());
  append(out, payload);
}
// Header followed by the sections, in the given order.
inline Bytes assemble(const std::vector<Section>& sections) {
  Bytes out = header();
  for (const Section& s : sections) put_section(out, s.id, s.payload);
  return out;
}
inline Section custom_section(std::string_view name, const Bytes& content) {
  Section s;
  s.id = 0;
  put_name(s.payload, name);
  append(s.payload, content);
  return s;
}

class ModuleBuilder {
 public:
  struct Limits {
    uint64_t min = 0;
    bool has_max = false;
    uint64_t max = 0;
  };
  static Limits lim(uint64_t min) { return {min, false, 0}; }
  static Limits lim(uint64_t min, uint64_t max) { return {min, true, max}; }

  // Types are deduplicated: equal signatures share an index.
  uint32_t type(std::vector<T> params, std::vector<T> results) {
    for (size_t i = 0; i < types_.size(); ++i)
      if (types_[i].first == params && types_[i].second == results) return uint32_t(i);
    types_.emplace_back(std::move(params), std::move(results));
    return uint32_t(types_.size() - 1);
  }
  // Always appends a new type entry (for tests that need duplicates).
  uint32_t new_type(std::vector<T> params, std::vector<T> results) {
    types_.emplace_back(std::move(params), std::move(results));
    return uint32_t(types_.size() - 1);
  }

  uint32_t import_func(std::string mod, std::string name, uint32_t type_idx) {
    Bytes d;
    put_uleb(d, type_idx);
    add_import(std::move(mod), std::move(name), 0, d);
    return num_imported_funcs_++;
  }
  uint32_t import_table(std::string mod, std::string name, T elem, Limits l) {
    Bytes d{uint8_t(elem)};
    put_limits(d, l);
    add_import(std::move(mod), std::move(name), 1, d);
    return num_tables_++;
  }
  uint32_t import_memory(std::string mod, std::string name, Limits l) {
    Bytes d;
    put_limits(d, l);
    add_import(std::move(mod), std::move(name), 2, d);
    return num_memories_++;
  }
  uint32_t import_global(std::string mod, std::string name, T t, bool mut) {
    Bytes d{uint8_t(t), uint8_t(mut ? 1 : 0)};
    add_import(std::move(mod), std::move(name), 3, d);
    return num_globals_++;
  }

  // Defines a function; the body gets its final `end` appended unless
  // {add_end} is false. Returns the function index (imports first).
  uint32_t func(uint32_t type_idx, std::vector<T> locals, const Code& body, bool add_end = true) {
    Func f;
    f.type = type_idx;
    f.locals = std::move(locals);
    f.body = body.bytes;
    if (add_end) f.body.push_back(0x0b);
    funcs_.push_back(std::move(f));
    return num_imported_funcs_ + uint32_t(funcs_.size() - 1);
  }
  // Convenience: defines and exports a function.
  uint32_t func(std::string export_name, uint32_t type_idx, std::vector<T> locals, const Code& body) {
    uint32_t i = func(type_idx, std::move(locals), body);
    export_func(std::move(export_name), i);
    return i;
  }

  uint32_t table(T elem, Limits l) {
    Bytes d{uint8_t(elem)};
    put_limits(d, l);
    tables_.push_back(d);
    return num_tables_++;
  }
  uint32_t memory(Limits l) {
    Bytes d;
    put_limits(d, l);
    memories_.push_back(d);
    return num_memories_++;
  }
  uint32_t global(T t, bool mut, const Bytes& init) {
    Bytes d{uint8_t(t), uint8_t(mut ? 1 : 0)};
    append(d, init);
    globals_.push_back(d);
    return num_globals_++;
  }

  void export_func(std::string name, uint32_t i) { exports_.push_back({std::move(name), 0, i}); }
  void export_table(std::string name, uint32_t i) { exports_.push_back({std::move(name), 1, i}); }
  void export_memory(std::string name, uint32_t i) { exports_.push_back({std::move(name), 2, i}); }
  void export_global(std::string name, uint32_t i) { exports_.push_back({std::move(name), 3, i}); }
  void start(uint32_t f) { start_ = f; has_start_ = true; }

  // Element segments. Active on table 0 uses the compact form (flags 0).
  void elem_active(const Bytes& offset, std::vector<uint32_t> funcs, uint32_t table = 0) {
    Bytes d;
    if (table == 0) {
      put_uleb(d, 0);
      append(d, offset);
    } else {
      put_uleb(d, 2);
      put_uleb(d, table);
      append(d, offset);
      d.push_back(0x00);  // elemkind funcref
    }
    put_func_vec(d, funcs);
    elems_.push_back(d);
  }
  void elem_passive(std::vector<uint32_t> funcs) {
    Bytes d;
    put_uleb(d, 1);
    d.push_back(0x00);
    put_func_vec(d, funcs);
    elems_.push_back(d);
  }
  void elem_declarative(std::vector<uint32_t> funcs) {
    Bytes d;
    put_uleb(d, 3);
    d.push_back(0x00);
    put_func_vec(d, funcs);
    elems_.push_back(d);
  }
  // Passive segment of expressions (flags 5), e.g. ref.null items.
  void elem_passive_exprs(T type, std::vector<Bytes> exprs) {
    Bytes d;
    put_uleb(d, 5);
    d.push_back(uint8_t(type));
    put_uleb(d, exprs.size());
    for (const Bytes& e : exprs) append(d, e);
    elems_.push_back(d);
  }
  void elem_raw(const Bytes& segment) { elems_.push_back(segment); }

  void data_active(const Bytes& offset, std::string_view content) {
    Bytes d;
    put_uleb(d, 0);
    append(d, offset);
    put_name(d, content);
    datas_.push_back(d);
  }
  void data_passive(std::string_view content) {
    Bytes d;
    put_uleb(d, 1);
    put_name(d, content);
    datas_.push_back(d);
  }
  // Emits a data count section (needed by memory.init and data.drop).
  void data_count(bool on = true) { data_count_ = on; }

  // The "name" custom section: module name and function names.
  void module_name(std::string n) { module_name_ = std::move(n); }
  void name_func(uint32_t func_index, std::string n) { func_names_[func_index] = std::move(n); }
  void custom(std::string name, Bytes content) { customs_.emplace_back(std::move(name), std::move(content)); }

  // The sections in canonical order (empty ones omitted).
  std::vector<Section> sections() const {
    std::vector<Section> out;
    auto add = [&](uint8_t id, Bytes payload) { out.push_back(Section{id, std::move(payload)}); };
    if (!types_.empty()) {
      Bytes p;
      put_uleb(p, types_.size());
      for (const auto& [params, results] : types_) {
        p.push_back(0x60);
        put_uleb(p, params.size());
        for (T t : params) p.push_back(uint8_t(t));
        put_uleb(p, results.size());
        for (T t : results) p.push_back(uint8_t(t));
      }
      add(1, std::move(p));
    }
    if (!imports_.empty()) add(2, vec(imports_));
    if (!funcs_.empty()) {
      Bytes p;
      put_uleb(p, funcs_.size());
      for (const Func& f : funcs_) put_uleb(p, f.type);
      add(3, std::move(p));
    }
    if (!tables_.empty()) add(4, vec(tables_));
    if (!memories_.empty()) add(5, vec(memories_));
    if (!globals_.empty()) add(6, vec(globals_));
    if (!exports_.empty()) {
      Bytes p;
      put_uleb(p, exports_.size());
      for (const Export& e : exports_) {
        put_name(p, e.name);
        p.push_back(e.kind);
        put_uleb(p, e.index);
      }
      add(7, std::move(p));
    }
    if (has_start_) add(8, uleb(start_));
    if (!elems_.empty()) add(9, vec(elems_));
    if (data_count_) add(12, uleb(datas_.size()));
    if (!funcs_.empty()) {
      Bytes p;
      put_uleb(p, funcs_.size());
      for (const Func& f : funcs_) {
        Bytes body = encode_locals(f.locals);
        append(body, f.body);
        put_uleb(p, body.size());
        append(p, body);
      }
      add(10, std::move(p));
    }
    if (!datas_.empty()) add(11, vec(datas_));
    if (!module_name_.empty() || !func_names_.empty()) {
      Bytes content;
      if (!module_name_.empty()) {
        Bytes sub;
        put_name(sub, module_name_);
        content.push_back(0);
        put_uleb(content, sub.size());
        append(content, sub);
      }
      if (!func_names_.empty()) {
        Bytes sub;
        put_uleb(sub, func_names_.size());
        for (const auto& [idx, n] : func_names_) {
          put_uleb(sub, idx);
          put_name(sub, n);
        }
        content.push_back(1);
        put_uleb(content, sub.size());
        append(content, sub);
      }
      out.push_back(custom_section("name", content));
    }
    for (const auto& [name, content] : customs_) out.push_back(custom_section(name, content));
    return out;
  }

  Bytes build() const { return assemble(sections()); }

  // Absolute file offset of the first instruction of defined function
  // {def_index} (0 = first defined function) in build()'s output.
  size_t code_offset(uint32_t def_index) const {
    size_t off = 8;
    for (const Section& s : sections()) {
      const size_t payload_at = off + 1 + uleb(s.payload.size()).size();
      if (s.id == 10) {
        size_t p = payload_at + uleb(funcs_.size()).size();
        for (uint32_t i = 0; i < funcs_.size(); ++i) {
          Bytes locals = encode_locals(funcs_[i].locals);
          const size_t body_size = locals.size() + funcs_[i].body.size();
          p += uleb(body_size).size();
          if (i == def_index) return p + locals.size();
          p += body_size;
        }
      }
      off = payload_at + s.payload.size();
    }
    return 0;
  }

  uint32_t num_funcs() const { return num_imported_funcs_ + uint32_t(funcs_.size()); }

 private:
  struct Func {
    uint32_t type = 0;
    std::vector<T> locals;
    Bytes body;
  };
  struct Export {
    std::string name;
    uint8_t kind;
    uint32_t index;
  };

  static void put_limits(Bytes& d, const Limits& l) {
    d.push_back(l.has_max ? 1 : 0);
    put_uleb(d, l.min);
    if (l.has_max) put_uleb(d, l.max);
  }
  static void put_func_vec(Bytes& d, const std::vector<uint32_t>& funcs) {
    put_uleb(d, funcs.size());
    for (uint32_t f : funcs) put_uleb(d, f);
  }
  static Bytes vec(const std::vector<Bytes>& items) {
    Bytes p;
    put_uleb(p, items.size());
    for (const Bytes& b : items) append(p, b);
    return p;
  }
  static Bytes encode_locals(const std::vector<T>& locals) {
    // Run-length groups of equal consecutive types.
    std::vector<std::pair<uint32_t, T>> groups;
    for (T t : locals) {
      if (!groups.empty() && groups.back().second == t)
        groups.back().first++;
      else
        groups.emplace_back(1, t);
    }
    Bytes b;
    put_uleb(b, groups.size());
    for (const auto& [n, t] : groups) {
      put_uleb(b, n);
      b.push_back(uint8_t(t));
    }
    return b;
  }
  void add_import(std::string mod, std::string name, uint8_t kind, const Bytes& desc) {
    Bytes d;
    put_name(d, mod);
    put_name(d, name);
    d.push_back(kind);
    append(d, desc);
    imports_.push_back(d);
  }

  std::vector<std::pair<std::vector<T>, std::vector<T>>> types_;
  std::vector<Bytes> imports_;
  uint32_t num_imported_funcs_ = 0;
  uint32_t num_tables_ = 0;
  uint32_t num_memories_ = 0;
  uint32_t num_globals_ = 0;
  std::vector<Func> funcs_;
  std::vector<Bytes> tables_;
  std::vector<Bytes> memories_;
  std::vector<Bytes> globals_;
  std::vector<Export> exports_;
  bool has_start_ = false;
  uint32_t start_ = 0;
  std::vector<Bytes> elems_;
  std::vector<Bytes> datas_;
  bool data_count_ = false;
  std::string module_name_;
  std::map<uint32_t, std::string> func_names_;
  std::vector<std::pair<std::string, Bytes>> customs_;
};

}  // namespace wb

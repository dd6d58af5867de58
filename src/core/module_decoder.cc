// Section-by-section decoding of a binary module, validating as it goes.
// Function bodies are validated by the CodeWalker as the code section is
// read; everything a body may refer to (types, imports, functions, tables,
// memories, globals, element segments, data count) precedes it.
#include "core/module_decoder.h"

#include <algorithm>
#include <cstring>
#include <unordered_set>

#include "base/reader.h"
#include "core/code_walker.h"
#include "core/features.h"

namespace brisk {

namespace {

constexpr uint32_t kMaxLocals = 50000;
constexpr uint32_t kMaxFunctionsOrTypes = 1000000;

bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const auto* e = p + s.size();
  while (p < e) {
    uint8_t c = *p++;
    if (c < 0x80) continue;
    int n;
    uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) { n = 1; cp = c & 0x1f; }
    else if (c >= 0xe0 && c <= 0xef) { n = 2; cp = c & 0x0f; }
    else if (c >= 0xf0 && c <= 0xf4) { n = 3; cp = c & 0x07; }
    else return false;
    if (e - p < n) return false;
    for (int i = 0; i < n; ++i) {
      if ((p[i] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3f);
    }
    p += n;
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff))) return false;
    if (cp >= 0xd800 && cp <= 0xdfff) return false;
  }
  return true;
}

class ModuleDecoder {
 public:
  ModuleDecoder(std::shared_ptr<Module> m, const DecodeOptions& opts)
      : m_(std::move(m)), opts_(opts),
        r_(m_->bytes.data(), m_->bytes.data() + m_->bytes.size(), 0) {}

  Result<void> decode();

 private:
  // Errors go to the reader of the section being decoded.
  bool fail(std::string msg) { cur_->fail(std::move(msg)); return false; }
  bool fail_at(uint64_t off, std::string msg) { cur_->fail_at(off, std::move(msg)); return false; }

  bool read_valtype(Reader& r, ValType* t) {
    uint8_t b = r.u8();
    if (!r.ok()) return false;
    if (!is_valid_valtype_byte(b)) {
      std::optional<Feature> f = valtype_feature(b);
      r.fail_at(r.offset() - 1, f ? unsupported_feature(*f) : "malformed value type");
      return false;
    }
    *t = ValType(b);
    return true;
  }
  // A table's or an element segment's reference type.
  bool read_reftype(Reader& r, ValType* t) {
    uint8_t b = r.u8();
    if (!r.ok()) return false;
    if (b != 0x70 && b != 0x6f) {
      std::optional<Feature> f = valtype_feature(b);
      r.fail_at(r.offset() - 1, f ? unsupported_feature(*f) : "malformed reference type");
      return false;
    }
    *t = ValType(b);
    return true;
  }
  // ref.null's immediate in a constant expression.
  bool read_heaptype(Reader& r, ValType* t) {
    uint8_t b = r.u8();
    if (!r.ok()) return false;
    if (b != 0x70 && b != 0x6f) {
      std::optional<Feature> f = heaptype_feature(b);
      r.fail_at(r.offset() - 1, f ? unsupported_feature(*f) : "malformed reference type");
      return false;
    }
    *t = ValType(b);
    return true;
  }
  bool fail_multi_memory(Reader& r, uint64_t at) {
    // The 2.0 spec tests expect "multiple memories" here: that comes first,
    // so that their message still matches.
    r.fail_at(at, "multiple memories (" + unsupported_feature(Feature::MultiMemory) + ")");
    return false;
  }
  bool read_limits(Reader& r, Limits* l, bool is_memory);
  bool read_table_type(Reader& r, TableType* t);
  bool read_memory_type(Reader& r, MemoryType* t);
  bool read_global_type(Reader& r, GlobalType* t);
  bool read_const_expr(Reader& r, ValType expect, ConstExpr* out);
  bool reject_const_tail(Reader& r, const uint8_t* tail, uint64_t tail_offset, ValType expect, ValType first);
  // Reads a vector length, rejecting counts that cannot fit in what remains.
  bool read_count(Reader& r, uint32_t* n, size_t min_item_bytes = 1) {
    *n = r.u32();
    if (!r.ok()) return false;
    if (uint64_t(*n) * min_item_bytes > r.remaining()) {
      r.fail("length out of bounds");
      return false;
    }
    return true;
  }

  bool section(uint8_t id, Reader& r);
  bool type_section(Reader& r);
  bool import_section(Reader& r);
  bool function_section(Reader& r);
  bool table_section(Reader& r);
  bool memory_section(Reader& r);
  bool global_section(Reader& r);
  bool export_section(Reader& r);
  bool start_section(Reader& r);
  bool element_section(Reader& r);
  bool datacount_section(Reader& r);
  bool code_section(Reader& r);
  bool data_section(Reader& r);
  void name_section(Reader r);

  std::shared_ptr<Module> m_;
  DecodeOptions opts_;
  Reader r_;
  Reader* cur_ = &r_;
  std::vector<uint8_t> declared_refs_;  // per function: may appear in ref.func
  uint32_t declared_funcs_ = 0;          // from the function section
  bool saw_code_ = false;
};

bool ModuleDecoder::read_limits(Reader& r, Limits* l, bool is_memory) {
  const uint64_t at = r.offset();
  uint8_t flags = r.u8();
  if (!r.ok()) return false;
  // The flags are a one-byte LEB128 (as the spec tests read it). Bit 1 is
  // "shared" (threads) and bit 2 "64-bit index" (memory64, also for
  // tables). A shared memory without a maximum (0x02) and a shared table
  // are invalid with threads too; they stay "integer too large", which is
  // what the 2.0 spec tests expect for 0x02.
  if (flags > 1) {
    std::string why = "integer too large";
    if (flags & 0x80) why = "integer representation too long";
    else if (flags >= 4 && flags <= (is_memory ? 7 : 5)) why = unsupported_feature(Feature::Memory64);
    else if (is_memory && flags == 3) why = unsupported_feature(Feature::Threads);
    r.fail_at(at, why);
    return false;
  }
  l->min = r.u32();
  l->has_max = flags & 1;
  if (l->has_max) l->max = r.u32();
  if (!r.ok()) return false;
  if (is_memory) {
    if (l->min > kMaxPages || (l->has_max && l->max > kMaxPages)) {
      r.fail("memory size must be at most 65536 pages (4GiB)");
      return false;
    }
  }
  if (l->has_max && l->max < l->min) {
    r.fail("size minimum must not be greater than maximum");
    return false;
  }
  return true;
}

bool ModuleDecoder::read_table_type(Reader& r, TableType* t) {
  return read_reftype(r, &t->elem) && read_limits(r, &t->limits, false);
}
bool ModuleDecoder::read_memory_type(Reader& r, MemoryType* t) { return read_limits(r, &t->limits, true); }
bool ModuleDecoder::read_global_type(Reader& r, GlobalType* t) {
  if (!read_valtype(r, &t->type)) return false;
  uint8_t mut = r.u8();
  if (!r.ok()) return false;
  if (mut > 1) { r.fail_at(r.offset() - 1, "malformed mutability"); return false; }
  t->mut = mut;
  return true;
}

bool ModuleDecoder::read_const_expr(Reader& r, ValType expect, ConstExpr* out) {
  uint64_t start = r.offset();
  uint8_t op = r.u8();
  if (!r.ok()) return false;
  switch (op) {
    case 0x41: out->kind = ConstExpr::Kind::I32; out->type = ValType::I32; out->bits = uint32_t(r.s32()); break;
    case 0x42: out->kind = ConstExpr::Kind::I64; out->type = ValType::I64; out->bits = uint64_t(r.s64()); break;
    case 0x43: out->kind = ConstExpr::Kind::F32; out->type = ValType::F32; out->bits = r.fixed_u32(); break;
    case 0x44: out->kind = ConstExpr::Kind::F64; out->type = ValType::F64; out->bits = r.fixed_u64(); break;
    case 0xd0: {
      out->kind = ConstExpr::Kind::RefNull;
      if (!read_heaptype(r, &out->type)) return false;
      break;
    }
    case 0xd2: {
      out->kind = ConstExpr::Kind::RefFunc;
      out->type = ValType::FuncRef;
      out->index = r.u32();
      if (!r.ok()) return false;
      if (out->index >= m_->num_funcs()) { r.fail("unknown function " + std::to_string(out->index)); return false; }
      declared_refs_[out->index] = 1;
      break;
    }
    case 0x23: {
      out->kind = ConstExpr::Kind::GlobalGet;
      out->index = r.u32();
      if (!r.ok()) return false;
      // Constant expressions may only read imported globals (WebAssembly 2.0).
      if (out->index >= m_->num_imported_globals) { r.fail("unknown global " + std::to_string(out->index)); return false; }
      const GlobalType& g = m_->globals[out->index].type;
      if (g.mut) { r.fail("constant expression required"); return false; }
      out->type = g.type;
      break;
    }
    case 0xfd: {
      // v128.const is the one constant SIMD instruction.
      const uint32_t sub = r.u32();
      if (!r.ok()) return false;
      if (sub != 0x0c) {
        const bool known = sub < kFdOpCount && kFdOps[sub] != kInvalidOp;
        r.fail_at(start, known ? "constant expression required" : "illegal opcode");
        return false;
      }
      out->kind = ConstExpr::Kind::V128;
      out->type = ValType::V128;
      out->bits = r.fixed_u64();
      out->hi = r.fixed_u64();
      break;
    }
    case 0x0b:
      r.fail_at(start, "type mismatch");
      return false;
    default:
      // Any other valid instruction is non-constant; anything else illegal,
      // except the constant instructions of GC.
      if (op == 0xfb) { r.fail_at(start, unsupported_feature(Feature::Gc)); return false; }
      if (kSingleByteOps[op] == kInvalidOp && op != 0xfc) { r.fail_at(start, "illegal opcode"); return false; }
      r.fail_at(start, "constant expression required");
      return false;
  }
  if (!r.ok()) return false;
  uint8_t end = r.u8();
  if (!r.ok()) return false;
  if (end != 0x0b) return reject_const_tail(r, r.pos() - 1, r.offset() - 1, expect, out->type);
  if (expect != ValType::Bottom && out->type != expect) {
    r.fail_at(start, "type mismatch");
    return false;
  }
  return true;
}

namespace {

bool is_const_opcode(uint8_t b) {
  return b == 0x41 || b == 0x42 || b == 0x43 || b == 0x44 || b == 0xd0 || b == 0xd2 || b == 0x23;
}
// i32.add/sub/mul and i64.add/sub/mul: constant with extended-const.
bool is_extended_const_opcode(uint8_t b) { return (b >= 0x6a && b <= 0x6c) || (b >= 0x7c && b <= 0x7e); }

}  // namespace

// A constant expression whose first instruction is not followed by `end`.
// In 2.0 that is an error (a stack-typing one when the second instruction
// is constant too). If the rest is a well-typed extended constant
// expression (more constants combined by i32/i64 add, sub, mul), the module
// uses extended-const. The tail is scanned on the side, so that a 2.0
// error keeps its 2.0 message and offset. Always returns false.
bool ModuleDecoder::reject_const_tail(Reader& r, const uint8_t* tail, uint64_t tail_offset, ValType expect,
                                      ValType first) {
  Reader s(tail, r.end(), tail_offset);
  std::vector<ValType> stack{first};
  bool typed = true;
  uint64_t ext_at = 0;
  bool has_ext = false;
  bool ended = false;
  bool non_const = false;  // the scan stopped at a non-constant instruction, at {stop_at}
  uint64_t stop_at = 0;
  while (s.ok() && !ended && !non_const) {
    const uint64_t at = s.offset();
    const uint8_t op = s.u8();
    if (!s.ok()) break;
    ValType pushed = ValType::Bottom;
    switch (op) {
      case 0x0b: ended = true; continue;
      case 0x41: s.s32(); pushed = ValType::I32; break;
      case 0x42: s.s64(); pushed = ValType::I64; break;
      case 0x43: s.fixed_u32(); pushed = ValType::F32; break;
      case 0x44: s.fixed_u64(); pushed = ValType::F64; break;
      case 0xd2: s.u32(); pushed = ValType::FuncRef; break;
      case 0xd0: {
        uint8_t h = s.u8();
        if (h == 0x70 || h == 0x6f) pushed = ValType(h);
        else typed = false;
        break;
      }
      case 0x23: {
        uint32_t g = s.u32();
        if (g < m_->num_imported_globals && !m_->globals[g].type.mut) pushed = m_->globals[g].type.type;
        else typed = false;
        break;
      }
      default:
        if (!is_extended_const_opcode(op)) {
          non_const = true;
          stop_at = at;
          continue;
        }
        if (!has_ext) ext_at = at;
        has_ext = true;
        const ValType t = op <= 0x6c ? ValType::I32 : ValType::I64;
        for (int k = 0; k < 2; ++k) {
          if (stack.empty() || stack.back() != t) typed = false;
          if (!stack.empty()) stack.pop_back();
        }
        pushed = t;
        break;
    }
    if (pushed != ValType::Bottom) stack.push_back(pushed);
  }
  if (!has_ext) {
    r.fail_at(tail_offset, is_const_opcode(*tail) ? "type mismatch" : "constant expression required");
  } else if (ended && typed && stack.size() == 1 && (expect == ValType::Bottom || stack[0] == expect)) {
    r.fail_at(ext_at, unsupported_feature(Feature::ExtendedConst));
  } else if (!s.ok()) {
    r.fail_at(s.error().offset, s.error().message);  // malformed, e.g. cut short
  } else {
    r.fail_at(non_const ? stop_at : ext_at, "constant expression required");
  }
  return false;
}

bool ModuleDecoder::type_section(Reader& r) {
  uint32_t n;
  if (!read_count(r, &n)) return false;
  m_->types.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    uint8_t form = r.u8();
    if (!r.ok()) return false;
    if (form != 0x60) {
      // rec, sub, sub final, struct and array types.
      const bool gc = form == 0x4e || form == 0x50 || form == 0x4f || form == 0x5f || form == 0x5e;
      return fail_at(r.offset() - 1, gc ? unsupported_feature(Feature::Gc) : "integer representation too long");
    }
    FuncType ft;
    uint32_t np;
    if (!read_count(r, &np)) return false;
    ft.params.resize(np);
    for (auto& t : ft.params)
      if (!read_valtype(r, &t)) return false;
    uint32_t nr;
    if (!read_count(r, &nr)) return false;
    ft.results.resize(nr);
    for (auto& t : ft.results)
      if (!read_valtype(r, &t)) return false;
    m_->types.push_back(std::move(ft));
  }
  return true;
}

bool ModuleDecoder::import_section(Reader& r) {
  uint32_t n;
  if (!read_count(r, &n)) return false;
  for (uint32_t i = 0; i < n; ++i) {
    Import imp;
    std::string_view mod = r.name();
    if (!r.ok()) return false;
    if (!valid_utf8(mod)) return fail("malformed UTF-8 encoding");
    std::string_view nm = r.name();
    if (!r.ok()) return false;
    if (!valid_utf8(nm)) return fail("malformed UTF-8 encoding");
    imp.module = std::string(mod);
    imp.name = std::string(nm);
    const uint64_t kind_at = r.offset();
    uint8_t kind = r.u8();
    if (!r.ok()) return false;
    switch (kind) {
      case 0: {
        imp.kind = ExternKind::Func;
        imp.func_type = r.u32();
        if (!r.ok()) return false;
        if (imp.func_type >= m_->types.size()) return fail("unknown type");
        m_->func_types.push_back(imp.func_type);
        m_->num_imported_funcs++;
        break;
      }
      case 1:
        imp.kind = ExternKind::Table;
        if (!read_table_type(r, &imp.table)) return false;
        m_->tables.push_back(imp.table);
        m_->num_imported_tables++;
        break;
      case 2:
        imp.kind = ExternKind::Memory;
        if (!m_->memories.empty()) return fail_multi_memory(r, kind_at);
        if (!read_memory_type(r, &imp.memory)) return false;
        m_->memories.push_back(imp.memory);
        m_->num_imported_memories++;
        break;
      case 3:
        imp.kind = ExternKind::Global;
        if (!read_global_type(r, &imp.global)) return false;
        m_->globals.push_back(GlobalDecl{imp.global, {}});
        m_->num_imported_globals++;
        break;
      case 4: {
        // A tag (exception handling): attribute 0, then a type index. The
        // 2.0 spec tests expect "malformed import kind" for a 4 that is not
        // followed by both.
        Reader tag = r;
        const uint8_t attribute = tag.u8();
        tag.u32();
        if (tag.ok() && attribute == 0) return fail_at(kind_at, unsupported_feature(Feature::ExceptionHandling));
        return fail_at(kind_at, "malformed import kind");
      }
      default:
        return fail_at(r.offset() - 1, "malformed import kind");
    }
    m_->imports.push_back(std::move(imp));
  }
  return true;
}

bool ModuleDecoder::function_section(Reader& r) {
  uint32_t n;
  if (!read_count(r, &n)) return false;
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t t = r.u32();
    if (!r.ok()) return false;
    if (t >= m_->types.size()) return fail("unknown type");
    m_->func_types.push_back(t);
  }
  declared_funcs_ = n;
  return true;
}

bool ModuleDecoder::table_section(Reader& r) {
  uint32_t n;
  if (!read_count(r, &n)) return false;
  for (uint32_t i = 0; i < n; ++i) {
    // 0x40 0x00 opens a table with an initialiser expression.
    if (r.remaining() >= 2 && r.pos()[0] == 0x40 && r.pos()[1] == 0x00)
      return fail(unsupported_feature(Feature::FunctionReferences));
    TableType t;
    if (!read_table_type(r, &t)) return false;
    m_->tables.push_back(t);
  }
  return true;
}

bool ModuleDecoder::memory_section(Reader& r) {
  uint32_t n;
  if (!read_count(r, &n)) return false;
  for (uint32_t i = 0; i < n; ++i) {
    if (!m_->memories.empty()) return fail_multi_memory(r, r.offset());
    MemoryType t;
    if (!read_memory_type(r, &t)) return false;
    m_->memories.push_back(t);
  }
  return true;
}

bool ModuleDecoder::global_section(Reader& r) {
  uint32_t n;
  if (!read_count(r, &n)) return false;
  for (uint32_t i = 0; i < n; ++i) {
    GlobalDecl g;
    if (!read_global_type(r, &g.type)) return false;
    if (!read_const_expr(r, g.type.type, &g.init)) return false;
    m_->globals.push_back(g);
  }
  return true;
}

bool ModuleDecoder::export_section(Reader& r) {
  uint32_t n;
  if (!read_count(r, &n)) return false;
  std::unordered_set<std::string_view> names;
  for (uint32_t i = 0; i < n; ++i) {
    Export e;
    std::string_view nm = r.name();
    if (!r.ok()) return false;
    if (!valid_utf8(nm)) return fail("malformed UTF-8 encoding");
    const uint64_t kind_at = r.offset();
    uint8_t kind = r.u8();
    e.index = r.u32();
    if (!r.ok()) return false;
    if (kind == 4) return fail_at(kind_at, unsupported_feature(Feature::ExceptionHandling));  // a tag
    if (!names.insert(nm).second) return fail("duplicate export name");
    e.name = std::string(nm);
    switch (kind) {
      case 0:
        if (e.index >= m_->num_funcs()) return fail("unknown function " + std::to_string(e.index));
        declared_refs_[e.index] = 1;
        break;
      case 1: if (e.index >= m_->tables.size()) return fail("unknown table"); break;
      case 2: if (e.index >= m_->memories.size()) return fail("unknown memory"); break;
      case 3: if (e.index >= m_->globals.size()) return fail("unknown global"); break;
      default: return fail("malformed export kind");
    }
    e.kind = ExternKind(kind);
    m_->exports.push_back(std::move(e));
  }
  return true;
}

bool ModuleDecoder::start_section(Reader& r) {
  uint32_t f = r.u32();
  if (!r.ok()) return false;
  if (f >= m_->num_funcs()) return fail("unknown function");
  const FuncType& ft = m_->func_type(f);
  if (!ft.params.empty() || !ft.results.empty()) return fail("start function");
  m_->start = f;
  return true;
}

bool ModuleDecoder::element_section(Reader& r) {
  uint32_t n;
  if (!read_count(r, &n)) return false;
  for (uint32_t i = 0; i < n; ++i) {
    ElemSegment seg;
    uint32_t flags = r.u32();
    if (!r.ok()) return false;
    if (flags > 7) return fail("malformed elements segment kind");
    const bool passive_or_decl = flags & 1;
    const bool explicit_table = flags & 2;
    const bool uses_exprs = flags & 4;
    if (!passive_or_decl) {
      seg.mode = SegmentMode::Active;
      if (explicit_table) seg.table = r.u32();
      if (!r.ok()) return false;
      if (seg.table >= m_->tables.size()) return fail("unknown table " + std::to_string(seg.table));
      if (!read_const_expr(r, ValType::I32, &seg.offset)) return false;
    } else {
      seg.mode = explicit_table ? SegmentMode::Declarative : SegmentMode::Passive;
    }
    // Flags 0 and 4 imply funcref; the others carry an elemkind or reftype.
    if (flags & 3) {
      if (uses_exprs) {
        if (!read_reftype(r, &seg.type)) return false;
      } else {
        uint8_t kind = r.u8();
        if (!r.ok()) return false;
        if (kind != 0x00) return fail("malformed element kind");
        seg.type = ValType::FuncRef;
      }
    }
    uint32_t count;
    if (!read_count(r, &count)) return false;
    seg.items.reserve(count);
    for (uint32_t k = 0; k < count; ++k) {
      ConstExpr e;
      if (uses_exprs) {
        if (!read_const_expr(r, seg.type, &e)) return false;
      } else {
        e.kind = ConstExpr::Kind::RefFunc;
        e.type = ValType::FuncRef;
        e.index = r.u32();
        if (!r.ok()) return false;
        if (e.index >= m_->num_funcs()) return fail("unknown function " + std::to_string(e.index));
        declared_refs_[e.index] = 1;
      }
      seg.items.push_back(e);
    }
    if (seg.mode == SegmentMode::Active && m_->tables[seg.table].elem != seg.type) return fail("type mismatch");
    m_->elems.push_back(std::move(seg));
  }
  return true;
}

bool ModuleDecoder::datacount_section(Reader& r) {
  m_->data_count = r.u32();
  return r.ok();
}

bool ModuleDecoder::code_section(Reader& r) {
  uint32_t n;
  if (!read_count(r, &n)) return false;
  if (n != declared_funcs_) return fail("function and code section have inconsistent lengths");
  saw_code_ = true;
  m_->bodies.resize(n);
  WalkerEnv env{m_.get(), &declared_refs_};
  WalkerBuffers buffers;  // one set of working vectors for every body
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t size = r.u32();
    if (!r.ok()) return false;
    if (size > r.remaining()) return fail("unexpected end of section or function");
    const uint8_t* body_start;
    uint64_t body_off = r.offset();
    r.bytes(size, &body_start);
    Reader br(body_start, body_start + size, body_off);
    FuncBody& body = m_->bodies[i];
    uint32_t groups = br.u32();
    if (!br.ok()) { r.fail_at(br.error().offset, br.error().message); return false; }
    uint64_t total = 0;
    for (uint32_t g = 0; g < groups; ++g) {
      uint32_t count = br.u32();
      if (!br.ok()) { r.fail_at(br.error().offset, br.error().message); return false; }
      total += count;
      if (total > kMaxLocals) return fail_at(br.offset(), "too many locals");
      ValType t = ValType::I32;
      if (!read_valtype(br, &t)) { r.fail_at(br.error().offset, br.error().message); return false; }
      body.locals.insert(body.locals.end(), count, t);
    }
    body.code_offset = uint32_t(br.offset());
    body.code_end = uint32_t(body_off + size);
    NullVisitor nv;
    const uint32_t func_index = m_->num_imported_funcs + i;
    CodeWalker<NullVisitor> w(env, func_index, br.pos(), br.end(), br.offset(), nv, &buffers);
    Result<void> res = w.walk(body.locals);
    if (!res.ok()) {
      const Error& e = res.error();
      return fail_at(e.offset, e.message);
    }
    body.max_stack = w.max_stack();
    body.uses_simd = w.uses_simd();
    body.hot_begin = uint32_t(m_->hot_locals.size());
    body.hot_count = w.hot_locals(m_->hot_locals);
    body.tail_block = w.tail_block();
  }
  return true;
}

bool ModuleDecoder::data_section(Reader& r) {
  uint32_t n;
  if (!read_count(r, &n)) return false;
  if (m_->data_count && *m_->data_count != n)
    return fail("data count and data section have inconsistent lengths");
  for (uint32_t i = 0; i < n; ++i) {
    DataSegment seg;
    uint32_t flags = r.u32();
    if (!r.ok()) return false;
    if (flags > 2) return fail("malformed data segment kind");
    if (flags == 1) {
      seg.mode = SegmentMode::Passive;
    } else {
      if (flags == 2) seg.memory = r.u32();
      if (!r.ok()) return false;
      if (seg.memory >= m_->memories.size()) return fail("unknown memory " + std::to_string(seg.memory));
      if (!read_const_expr(r, ValType::I32, &seg.offset)) return false;
    }
    uint32_t size = r.u32();
    if (!r.ok()) return false;
    if (size > r.remaining()) return fail("unexpected end of section or function");
    seg.data_offset = uint32_t(r.offset());
    seg.size = size;
    const uint8_t* unused;
    r.bytes(size, &unused);
    m_->datas.push_back(seg);
  }
  return true;
}

// The name section is advisory: anything malformed in it is ignored.
void ModuleDecoder::name_section(Reader r) {
  while (!r.at_end() && r.ok()) {
    uint8_t id = r.u8();
    uint32_t size = r.u32();
    if (!r.ok() || size > r.remaining()) return;
    const uint8_t* p;
    r.bytes(size, &p);
    Reader sub(p, p + size, 0);
    if (id == 0) {
      std::string_view nm = sub.name();
      if (sub.ok() && valid_utf8(nm)) m_->name = std::string(nm);
    } else if (id == 1) {
      uint32_t n = sub.u32();
      for (uint32_t i = 0; i < n && sub.ok(); ++i) {
        uint32_t idx = sub.u32();
        std::string_view nm = sub.name();
        if (sub.ok() && valid_utf8(nm)) m_->func_names[idx] = std::string(nm);
      }
    }
  }
}

bool ModuleDecoder::section(uint8_t id, Reader& r) {
  switch (id) {
    case 1: return type_section(r);
    case 2: return import_section(r);
    case 3: return function_section(r);
    case 4: return table_section(r);
    case 5: return memory_section(r);
    case 6: return global_section(r);
    case 7: return export_section(r);
    case 8: return start_section(r);
    case 9: return element_section(r);
    case 10: return code_section(r);
    case 11: return data_section(r);
    case 12: return datacount_section(r);
  }
  return false;
}

// Whether {size} bytes at {p} are a tag section (exception handling): tags
// of attribute 0 and a type index. Section id 13 that is not one stays a
// "malformed section id", as the 2.0 spec tests expect for an empty one.
bool is_tag_section(const uint8_t* p, uint32_t size) {
  Reader r(p, p + size);
  uint32_t n = r.u32();
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    if (r.u8() != 0) return false;
    r.u32();
  }
  return size > 0 && r.ok() && r.at_end();
}

// Position of each section id in the required order (custom sections aside).
int section_rank(uint8_t id) {
  static const int kRank[13] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};
  return id <= 12 ? kRank[id] : -1;
}

Result<void> ModuleDecoder::decode() {
  // A file cut short inside the header is "unexpected end" (as the spec's
  // interpreter says) as long as what is there matches.
  const size_t have = r_.remaining();
  static constexpr uint8_t kHeader[8] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};  // "\0asm", version 1
  const uint8_t* head = nullptr;  // null for an empty input: never read then
  r_.bytes(std::min<size_t>(have, 8), &head);
  if (have >= 8 && std::equal(head, head + 4, kHeader) && is_component_version(head + 4))
    return make_error(4, kComponentMessage);
  for (size_t i = 0; i < std::min<size_t>(have, 8); ++i) {
    if (head[i] != kHeader[i]) return make_error(i < 4 ? 0 : 4, i < 4 ? "magic header not detected" : "unknown binary version");
  }
  if (have < 8) return make_error(have, "unexpected end");

  int last_rank = 0;
  while (!r_.at_end()) {
    uint64_t sec_start = r_.offset();
    uint8_t id = r_.u8();
    uint32_t size = r_.u32();
    if (!r_.ok()) return r_.take_error();
    if (id == 13 && size <= r_.remaining() && is_tag_section(r_.pos(), size))
      return make_error(sec_start, unsupported_feature(Feature::ExceptionHandling));
    if (id > 12) return make_error(sec_start, "malformed section id");
    if (size > r_.remaining()) return make_error(r_.offset(), "length out of bounds");
    const uint8_t* body;
    uint64_t body_off = r_.offset();
    r_.bytes(size, &body);
    Reader sr(body, body + size, body_off);
    if (id == 0) {
      std::string_view nm = sr.name();
      if (!sr.ok()) return sr.take_error();
      if (!valid_utf8(nm)) return make_error(body_off, "malformed UTF-8 encoding");
      m_->customs.push_back(CustomSection{std::string(nm), uint32_t(sr.offset()), uint32_t(sr.remaining())});
      if (nm == "name") name_section(sr);
      continue;
    }
    int rank = section_rank(id);
    if (rank <= last_rank) return make_error(sec_start, "unexpected content after last section");
    last_rank = rank;
    if (id == 3 || id == 10 || id == 7 || id == 6 || id == 9) {
      // Sections that may refer to functions by index need the table sized.
      if (declared_refs_.size() < m_->func_types.size()) declared_refs_.resize(m_->func_types.size());
    }
    cur_ = &sr;
    bool ok = section(id, sr);
    cur_ = &r_;
    if (id == 3) declared_refs_.resize(m_->func_types.size());
    if (!ok || !sr.ok()) return sr.take_error();
    if (!sr.at_end()) return make_error(sr.offset(), "section size mismatch");
  }
  if (declared_funcs_ != 0 && !saw_code_) return make_error(r_.offset(), "function and code section have inconsistent lengths");
  if (m_->data_count && *m_->data_count != m_->datas.size())
    return make_error(r_.offset(), "data count and data section have inconsistent lengths");
  return {};
}

}  // namespace

Result<std::shared_ptr<Module>> decode_module(std::vector<uint8_t> bytes, const DecodeOptions& opts) {
  auto m = std::make_shared<Module>();
  m->bytes = std::move(bytes);
  ModuleDecoder d(m, opts);
  BRISK_TRY(d.decode());
  return m;
}

std::string Module::func_display_name(uint32_t func_index) const {
  auto it = func_names.find(func_index);
  if (it != func_names.end()) return it->second;
  for (const Export& e : exports)
    if (e.kind == ExternKind::Func && e.index == func_index) return e.name;
  return "func[" + std::to_string(func_index) + "]";
}

}  // namespace brisk

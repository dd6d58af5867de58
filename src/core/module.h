// The decoded, validated form of a module: a plain description with no
// execution state. Function bodies stay as byte ranges into {bytes}; the
// interpreter translates them lazily and the JIT compiles them from there.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/types.h"

namespace brisk {

// A constant expression (WebAssembly 2.0: exactly one instruction).
struct ConstExpr {
  enum class Kind : uint8_t { I32, I64, F32, F64, V128, RefNull, RefFunc, GlobalGet };
  Kind kind = Kind::I32;
  ValType type = ValType::I32;  // type of the produced value
  uint64_t bits = 0;            // numeric payload (V128: the low 8 bytes)
  uint64_t hi = 0;              // V128: the high 8 bytes
  uint32_t index = 0;           // function or global index
};

struct Import {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t func_type = 0;  // Func
  TableType table;         // Table
  MemoryType memory;       // Memory
  GlobalType global;       // Global
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t index = 0;
};

struct GlobalDecl {
  GlobalType type;
  ConstExpr init;  // unused for imported globals
};

enum class SegmentMode : uint8_t { Active, Passive, Declarative };

struct ElemSegment {
  SegmentMode mode = SegmentMode::Active;
  uint32_t table = 0;
  ConstExpr offset;
  ValType type = ValType::FuncRef;
  std::vector<ConstExpr> items;
};

struct DataSegment {
  SegmentMode mode = SegmentMode::Active;
  uint32_t memory = 0;
  ConstExpr offset;
  uint32_t data_offset = 0;  // into Module::bytes
  uint32_t size = 0;
};

// A local worth a register (the JIT's register homes): how much it is used.
// Every local.get/set/tee counts, weighted by 8 per enclosing loop (up to 5
// loops), so that the locals of inner loops win over straight-line code.
struct HotLocal {
  uint32_t local = 0;
  uint32_t uses = 0;  // saturated (a body of ~130K uses of one local in 5 nested loops)
};
// Per class of local (i32/i64, f32/f64, v128) validation keeps at most this
// many, the most used: more than any architecture has registers for homes.
constexpr size_t kHotLocalsPerClass = 16;

struct FuncBody {
  std::vector<ValType> locals;  // declared locals, params excluded
  uint32_t code_offset = 0;     // first instruction, into Module::bytes
  uint32_t code_end = 0;        // one past the final `end`
  uint32_t max_stack = 0;       // max operand stack height, from validation
  // From validation too (the JIT chooses homes without a scan of its own):
  // the locals used more than once, most used first (ties: lower index
  // first), at most kHotLocalsPerClass of each class, in
  // Module::hot_locals[hot_begin, hot_begin + hot_count).
  uint32_t hot_begin = 0;
  uint32_t hot_count = 0;
  // The ordinal (0, 1, ... in order of appearance) of the block, loop or if
  // directly in the body whose `end` is the body's last instruction but one
  // (the function's own `end` follows), or -1.
  int32_t tail_block = -1;
  bool uses_simd = false;       // v128 values or SIMD instructions (CodeWalker::uses_simd)
};

// A custom section: its name and where its payload (after the name) lies in
// Module::bytes.
struct CustomSection {
  std::string name;
  uint32_t offset = 0;
  uint32_t size = 0;
};

struct Module {
  std::vector<uint8_t> bytes;
  std::vector<FuncType> types;
  std::vector<Import> imports;
  uint32_t num_imported_funcs = 0;
  uint32_t num_imported_tables = 0;
  uint32_t num_imported_memories = 0;
  uint32_t num_imported_globals = 0;

  std::vector<uint32_t> func_types;  // type index of every function, imports first
  std::vector<FuncBody> bodies;      // defined functions only
  std::vector<HotLocal> hot_locals;  // of every body (FuncBody::hot_begin)
  std::vector<TableType> tables;     // imports first
  std::vector<MemoryType> memories;  // imports first
  std::vector<GlobalDecl> globals;   // imports first
  std::vector<Export> exports;
  std::optional<uint32_t> start;
  std::vector<ElemSegment> elems;
  std::vector<DataSegment> datas;
  std::optional<uint32_t> data_count;

  std::vector<CustomSection> customs;  // every custom section, in order

  // From the custom "name" section, when present and well-formed.
  std::string name;
  std::unordered_map<uint32_t, std::string> func_names;

  uint32_t num_funcs() const { return uint32_t(func_types.size()); }
  const FuncType& func_type(uint32_t func_index) const { return types[func_types[func_index]]; }
  bool is_imported_func(uint32_t i) const { return i < num_imported_funcs; }
  const FuncBody& body(uint32_t func_index) const { return bodies[func_index - num_imported_funcs]; }
  // "name" for backtraces: the name section's, else an export's, else func[N].
  std::string func_display_name(uint32_t func_index) const;
};

}  // namespace brisk

// Value and entity types of WebAssembly 2.0, shared by every layer.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace brisk {

enum class ValType : uint8_t {
  I32 = 0x7f,
  I64 = 0x7e,
  F32 = 0x7d,
  F64 = 0x7c,
  V128 = 0x7b,
  FuncRef = 0x70,
  ExternRef = 0x6f,
  // Validator-only: the type of a value popped from an unreachable stack.
  Bottom = 0x00,
};

inline bool is_num_type(ValType t) {
  return t == ValType::I32 || t == ValType::I64 || t == ValType::F32 || t == ValType::F64;
}
inline bool is_ref_type(ValType t) { return t == ValType::FuncRef || t == ValType::ExternRef; }
inline bool is_valid_valtype_byte(uint8_t b) {
  return b == 0x7f || b == 0x7e || b == 0x7d || b == 0x7c || b == 0x7b || b == 0x70 || b == 0x6f;
}
const char* valtype_name(ValType t);
// 8-byte value-stack slots a value of type {t} occupies: a v128 takes two
// consecutive slots (low 8 bytes first), every other type one.
inline uint32_t val_slots(ValType t) { return t == ValType::V128 ? 2 : 1; }
inline uint32_t slot_count(const std::vector<ValType>& ts) {
  uint32_t n = 0;
  for (ValType t : ts) n += val_slots(t);
  return n;
}

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  bool operator==(const FuncType& o) const { return params == o.params && results == o.results; }
  std::string to_string() const;
};

struct Limits {
  uint64_t min = 0;
  uint64_t max = 0;
  bool has_max = false;
};

struct TableType {
  ValType elem = ValType::FuncRef;
  Limits limits;
};

struct MemoryType {
  Limits limits;  // in 64 KiB pages
};

struct GlobalType {
  ValType type = ValType::I32;
  bool mut = false;
};

enum class ExternKind : uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3 };
const char* extern_kind_name(ExternKind k);

constexpr uint32_t kPageSize = 65536;
constexpr uint32_t kMaxPages = 65536;          // 4 GiB
constexpr uint32_t kMaxTableSize = 10000000;   // implementation limit on table growth

}  // namespace brisk

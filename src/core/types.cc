#include "core/types.h"

namespace brisk {

const char* valtype_name(ValType t) {
  switch (t) {
    case ValType::I32: return "i32";
    case ValType::I64: return "i64";
    case ValType::F32: return "f32";
    case ValType::F64: return "f64";
    case ValType::V128: return "v128";
    case ValType::FuncRef: return "funcref";
    case ValType::ExternRef: return "externref";
    case ValType::Bottom: return "<any>";
  }
  return "?";
}

const char* extern_kind_name(ExternKind k) {
  switch (k) {
    case ExternKind::Func: return "func";
    case ExternKind::Table: return "table";
    case ExternKind::Memory: return "memory";
    case ExternKind::Global: return "global";
  }
  return "?";
}

std::string FuncType::to_string() const {
  std::string s = "(";
  for (size_t i = 0; i < params.size(); ++i) s += (i ? " " : "") + std::string(valtype_name(params[i]));
  s += ") -> (";
  for (size_t i = 0; i < results.size(); ++i) s += (i ? " " : "") + std::string(valtype_name(results[i]));
  return s + ")";
}

}  // namespace brisk

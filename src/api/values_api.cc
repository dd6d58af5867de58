// Values and references crossing the API, handle lookup, and calls.
// Funcref values are brisk_func_t handles and externref values registered
// ids; both are validated against the store before they reach wasm, so a
// made-up or stale reference is BRISK_ERR_ARGUMENT, never a jump to a raw
// pointer.
#include <cstring>
#include <memory>

#include "api/handles.h"
#include "interp/interp.h"

using namespace brisk;
using namespace brisk_api;

namespace brisk_api {

bool valid_type(int t) {
  return t == BRISK_I32 || t == BRISK_I64 || t == BRISK_F32 || t == BRISK_F64 || t == BRISK_FUNCREF ||
         t == BRISK_EXTERNREF || t == BRISK_V128;
}

FuncType functype_from(const brisk_valtype_t* params, size_t np, const brisk_valtype_t* results, size_t nr,
                       bool* ok) {
  FuncType ft;
  *ok = (np == 0 || params) && (nr == 0 || results);
  for (size_t i = 0; *ok && i < np; ++i) {
    *ok = valid_type(raw_enum(params[i]));
    ft.params.push_back(ValType(raw_enum(params[i])));
  }
  for (size_t i = 0; *ok && i < nr; ++i) {
    *ok = valid_type(raw_enum(results[i]));
    ft.results.push_back(ValType(raw_enum(results[i])));
  }
  return ft;
}

brisk_func* check_func(brisk_store* s, const brisk_func* f) {
  if (!s || !f) return nullptr;
  brisk_func* p = slot_of(f);
  if (p != s->last_checked_func) {
    auto it = s->issued.find(p);
    if (it == s->issued.end() || it->second != HandleKind::Func) return nullptr;
    // Slots are never freed before the store and are reused for the same
    // kind only: the cache stays true (the generation is checked below).
    s->last_checked_func = p;
  }
  return p->generation == generation_of(f) && p->alive() ? p : nullptr;
}

brisk_func* func_handle(brisk_store* s, Function* f) {
  if (!f) return nullptr;
  auto it = s->func_handles.find(f);
  if (it != s->func_handles.end()) return tagged(it->second);
  brisk_func* h = add_handle(s, std::make_unique<brisk_func>(s, f));
  if (h) s->func_handles.emplace(f, slot_of(h));
  return h;
}

template <class H, class O>
H* object_handle(brisk_store* s, O* obj) {
  if (!obj) return nullptr;
  auto it = s->object_handles.find(obj);
  if (it != s->object_handles.end()) return tagged(static_cast<H*>(it->second));
  H* h = add_handle(s, std::make_unique<H>(s, obj));
  if (h) s->object_handles.emplace(obj, slot_of(h));
  return h;
}
brisk_memory* memory_handle(brisk_store* s, Memory* m) { return object_handle<brisk_memory>(s, m); }
brisk_table* table_handle(brisk_store* s, Table* t) { return object_handle<brisk_table>(s, t); }
brisk_global* global_handle(brisk_store* s, Global* g) { return object_handle<brisk_global>(s, g); }

brisk_extern_t extern_handle(brisk_store* s, const Extern& e) {
  brisk_extern_t x{};
  x.kind = brisk_extern_kind_t(e.kind);
  switch (e.kind) {
    case ExternKind::Func: x.of.func = func_handle(s, e.func()); break;
    case ExternKind::Table: x.of.table = table_handle(s, e.table()); break;
    case ExternKind::Memory: x.of.memory = memory_handle(s, e.memory()); break;
    case ExternKind::Global: x.of.global = global_handle(s, e.global()); break;
  }
  return x;
}

bool extern_object(brisk_store* s, const brisk_extern_t& x, Extern* out) {
  switch (raw_enum(x.kind)) {
    case BRISK_EXTERN_FUNC: {
      const brisk_func* f = check_func(s, x.of.func);
      if (!f) return false;
      *out = Extern{ExternKind::Func, f->func};
      return true;
    }
    case BRISK_EXTERN_TABLE: {
      const brisk_table* t = check_handle(s, x.of.table, HandleKind::Table);
      if (!t) return false;
      *out = Extern{ExternKind::Table, t->table};
      return true;
    }
    case BRISK_EXTERN_MEMORY: {
      const brisk_memory* m = check_handle(s, x.of.memory, HandleKind::Memory);
      if (!m) return false;
      *out = Extern{ExternKind::Memory, m->mem};
      return true;
    }
    case BRISK_EXTERN_GLOBAL: {
      const brisk_global* g = check_handle(s, x.of.global, HandleKind::Global);
      if (!g) return false;
      *out = Extern{ExternKind::Global, g->global};
      return true;
    }
  }
  return false;
}

const CTypes& sig_ctypes(brisk_store* s, uint32_t sig_id) {
  if (s->sig_types.size() <= sig_id) s->sig_types.resize(sig_id + 1);
  auto& p = s->sig_types[sig_id];
  if (!p) p = std::make_unique<CTypes>(ctypes_of(s->store.sig(sig_id)));
  return *p;
}

bool extern_id_valid(const brisk_store* s, uint64_t id) {
  const uint32_t index = uint32_t(id) - 1, gen = uint32_t(id >> 32);
  return uint32_t(id) != 0 && index < s->externs.size() && s->externs[index].live &&
         s->externs[index].generation == gen;
}

namespace {
// The number cases of val_to_slot and slot_to_val, inlined into the call
// path; false for references (which need the store's checks).
inline bool number_to_slot(const brisk_val_t& v, ValType t, uint64_t* slot) {
  switch (t) {
    case ValType::I32: *slot = uint32_t(v.of.i32); return true;
    case ValType::I64: *slot = uint64_t(v.of.i64); return true;
    case ValType::F32: {
      uint32_t b;
      std::memcpy(&b, &v.of.f32, 4);
      *slot = b;
      return true;
    }
    case ValType::F64: std::memcpy(slot, &v.of.f64, 8); return true;
    default: return false;
  }
}
inline bool slot_to_number(ValType t, uint64_t b, brisk_val_t* v) {
  switch (t) {
    case ValType::I32: v->of.i32 = int32_t(uint32_t(b)); break;
    case ValType::I64: v->of.i64 = int64_t(b); break;
    case ValType::F32: {
      uint32_t x = uint32_t(b);
      std::memcpy(&v->of.f32, &x, 4);
      break;
    }
    case ValType::F64: std::memcpy(&v->of.f64, &b, 8); break;
    default: return false;
  }
  v->type = brisk_valtype_t(t);
  return true;
}

// The messages of a rejected call, kept out of the call path (their strings
// would otherwise give every call a large frame).
[[gnu::cold, gnu::noinline]] brisk_result_t bad_call_shape(brisk_store* s, const FuncType& ft, size_t num_args,
                                                          size_t num_results) {
  return bad_arg(s, "expected " + std::to_string(ft.params.size()) + " argument(s) and " +
                        std::to_string(ft.results.size()) + " result(s) for " + ft.to_string() + ", got " +
                        std::to_string(num_args) + " and " + std::to_string(num_results));
}
[[gnu::cold, gnu::noinline]] brisk_result_t bad_func_handle(brisk_store* s) {
  return bad_arg(s, "not a live function of this store");
}
brisk_result_t call_general(brisk_store* s, Function* f, const brisk_val_t* args, size_t num_args,
                            brisk_val_t* results, size_t num_results);
[[gnu::cold, gnu::noinline]] brisk_result_t call_trapped(brisk_store* s) {
  Trap t = s->store.take_trap();
  return from_trap(s, t);
}
[[gnu::cold, gnu::noinline]] brisk_result_t bad_call_argument(brisk_store* s, size_t i, const char* why, ValType t) {
  return bad_arg(s, "argument " + std::to_string(i) + " " + why + " (expected " + valtype_name(t) + ")");
}
}  // namespace

bool val_to_slot(brisk_store* s, const brisk_val_t& v, ValType t, uint64_t* slot, const char** why) {
  if (raw_enum(v.type) != int(t)) {
    *why = "has the wrong type";
    return false;
  }
  if (number_to_slot(v, t, slot)) return true;
  switch (t) {
    case ValType::V128: std::memcpy(slot, v.of.v128, 16); return true;  // two slots
    case ValType::FuncRef: {
      if (v.of.ref == 0) {
        *slot = 0;
        return true;
      }
      const brisk_func* h = check_func(s, reinterpret_cast<const brisk_func*>(uintptr_t(v.of.ref)));
      if (!h) {
        *why = "is not a live function handle of this store";
        return false;
      }
      *slot = reinterpret_cast<uint64_t>(h->func);
      return true;
    }
    case ValType::ExternRef:
      if (v.of.ref != 0 && !extern_id_valid(s, v.of.ref)) {
        *why = "is not a live externref of this store";
        return false;
      }
      *slot = v.of.ref;
      return true;
    default: *why = "has an unsupported type"; return false;
  }
}

brisk_val_t slot_to_val_at(brisk_store* s, ValType t, const uint64_t* p) {
  if (t != ValType::V128) return slot_to_val(s, t, *p);
  brisk_val_t v;
  v.type = BRISK_V128;
  std::memcpy(v.of.v128, p, 16);
  return v;
}

brisk_val_t slot_to_val(brisk_store* s, ValType t, uint64_t b) {
  brisk_val_t v;
  if (slot_to_number(t, b, &v)) return v;
  v.type = brisk_valtype_t(t);
  switch (t) {
    case ValType::FuncRef:
      v.of.ref = reinterpret_cast<uint64_t>(func_handle(s, reinterpret_cast<Function*>(b)));
      break;
    default: v.of.ref = b; break;
  }
  return v;
}

}  // namespace brisk_api

extern "C" {

brisk_result_t brisk_func_call(brisk_store_t* s, brisk_func_t* func, const brisk_val_t* args, size_t num_args,
                               brisk_val_t* results, size_t num_results) {
  if (!s || !func || (num_args && !args) || (num_results && !results)) [[unlikely]]
    return null_arg();
  // The handle checked last needs no lookup (check_func's one-entry cache).
  const brisk_func* fs = slot_of(func);
  if (fs != s->last_checked_func || fs->generation != generation_of(func) || !fs->alive()) [[unlikely]] {
    fs = check_func(s, func);
    if (!fs) return bad_func_handle(s);
  }
  Function* f = fs->func;
  const FuncType& ft = *f->type;
  if (num_args != ft.params.size() || num_results != ft.results.size()) [[unlikely]]
    return bad_call_shape(s, ft, num_args, num_results);
  // Numbers only (the common case): one slot per value, no reference to
  // check. The arguments go straight into the callee's frame on the value
  // stack and the results are read from there: nothing is copied twice.
  ExecContext& ctx = s->store.exec();
  uint64_t* const fp = ctx.top;
  if (s->store.sig_shape(f->sig_id).plain_numbers &&
      fp + std::max(num_args, num_results) + 1 <= ctx.stack_end) [[likely]] {
    const ValType* pt = ft.params.data();
    for (size_t i = 0; i < num_args; ++i) {
      const ValType t = pt[i];
      if (raw_enum(args[i].type) != int(t)) [[unlikely]] {
        const char* why = nullptr;  // val_to_slot words the mismatch
        uint64_t scratch[2];
        val_to_slot(s, args[i], t, scratch, &why);
        return bad_call_argument(s, i, why, t);
      }
      uint64_t bits;
      std::memcpy(&bits, &args[i].of, 8);
      fp[i] = t == ValType::I32 || t == ValType::F32 ? uint32_t(bits) : bits;
    }
    if (s->store.call_in_frame(f, fp) != TrapKind::None) [[unlikely]]
      return call_trapped(s);
    if (!s->trap_frames.empty()) [[unlikely]] s->trap_frames.clear();
    const ValType* rt = ft.results.data();
    for (size_t i = 0; i < num_results; ++i) {
      const ValType t = rt[i];
      const uint64_t bits = t == ValType::I32 || t == ValType::F32 ? uint32_t(fp[i]) : fp[i];
      results[i].type = brisk_valtype_t(t);
      std::memcpy(&results[i].of, &bits, 8);
    }
    return ok();
  }
  return call_general(s, f, args, num_args, results, num_results);
}

}  // extern "C"

namespace brisk_api {
namespace {
// brisk_func_call for anything else (v128, references, no value-stack
// room): slots in buffers, on the C stack for ordinary signatures. Out of
// line, so that the common path keeps a small frame.
[[gnu::noinline]] brisk_result_t call_general(brisk_store* s, Function* f, const brisk_val_t* args, size_t num_args,
                                              brisk_val_t* results, size_t num_results) {
  const FuncType& ft = *f->type;
  constexpr size_t kInline = 16;
  uint64_t abuf[kInline], rbuf[kInline];
  std::unique_ptr<uint64_t[]> big;
  uint64_t* a = abuf;
  uint64_t* r = rbuf;
  const size_t arg_slots = slot_count(ft.params), result_slots = slot_count(ft.results);
  if (arg_slots > kInline || result_slots > kInline) {
    big.reset(new uint64_t[arg_slots + result_slots]);
    a = big.get();
    r = big.get() + arg_slots;
  }
  for (size_t i = 0, slot = 0; i < num_args; slot += val_slots(ft.params[i]), ++i) {
    // Numbers inline (the common case); v128, references and mistakes below.
    const ValType t = ft.params[i];
    if (raw_enum(args[i].type) == int(t) && number_to_slot(args[i], t, &a[slot])) continue;
    const char* why = nullptr;
    if (!val_to_slot(s, args[i], t, &a[slot], &why)) return bad_call_argument(s, i, why, t);
  }
  CallResult cr = s->store.call(f, a, r);
  if (cr.trap) return from_trap(s, *cr.trap);
  if (!s->trap_frames.empty()) s->trap_frames.clear();
  for (size_t i = 0, slot = 0; i < num_results; slot += val_slots(ft.results[i]), ++i) {
    const ValType t = ft.results[i];
    if (!slot_to_number(t, r[slot], &results[i])) results[i] = slot_to_val_at(s, t, &r[slot]);
  }
  return ok();
}
}  // namespace
}  // namespace brisk_api

extern "C" {

int brisk_func_type(const brisk_func_t* func, brisk_functype_t* out) {
  const brisk_func* fs = live_handle(func, HandleKind::Func);
  if (!fs || fs->func->dead || !out) return 0;
  *out = sig_ctypes(fs->store, fs->func->sig_id).view();
  return 1;
}

brisk_val_t brisk_val_funcref(brisk_func_t* func) {
  brisk_val_t v;
  v.type = BRISK_FUNCREF;
  v.of.ref = reinterpret_cast<uint64_t>(func);
  return v;
}

brisk_func_t* brisk_val_as_func(brisk_store_t* s, const brisk_val_t* v) {
  if (!s || !v || raw_enum(v->type) != BRISK_FUNCREF || v->of.ref == 0) return nullptr;
  auto* h = reinterpret_cast<brisk_func*>(uintptr_t(v->of.ref));
  return check_func(s, h) ? h : nullptr;
}

brisk_result_t brisk_externref_new(brisk_store_t* s, void* data, brisk_finalizer_t finalizer, brisk_val_t* out) {
  if (!s || !out) return null_arg();
  uint32_t index;
  if (!s->free_externs.empty()) {
    index = s->free_externs.back();
    s->free_externs.pop_back();
  } else {
    if (s->externs.size() >= UINT32_MAX - 1) return bad_arg(s, "too many externrefs");
    index = uint32_t(s->externs.size());
    s->externs.emplace_back();
  }
  ExternSlot& e = s->externs[index];
  e.data = data;
  e.finalizer = finalizer;
  e.live = true;
  out->type = BRISK_EXTERNREF;
  out->of.ref = (uint64_t(e.generation) << 32) | (index + 1);
  return ok();
}

brisk_result_t brisk_externref_data(brisk_store_t* s, const brisk_val_t* v, void** data) {
  if (!s || !v || !data) return null_arg();
  if (raw_enum(v->type) != BRISK_EXTERNREF || !extern_id_valid(s, v->of.ref))
    return bad_arg(s, "not a live externref of this store");
  *data = s->externs[uint32_t(v->of.ref) - 1].data;
  return ok();
}

brisk_result_t brisk_externref_delete(brisk_store_t* s, const brisk_val_t* v) {
  if (!s || !v) return null_arg();
  if (raw_enum(v->type) != BRISK_EXTERNREF || !extern_id_valid(s, v->of.ref))
    return bad_arg(s, "not a live externref of this store");
  const uint32_t index = uint32_t(v->of.ref) - 1;
  ExternSlot& e = s->externs[index];
  e.live = false;
  ++e.generation;  // the old id never resolves again, even when the slot is reused
  if (e.generation == 0) e.generation = 1;
  s->free_externs.push_back(index);
  if (e.finalizer) e.finalizer(e.data);
  return ok();
}

}  // extern "C"

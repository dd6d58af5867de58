// wasm.h traps and frames. A trap keeps its message and the wasm frames of
// brisk's backtrace (innermost first; host and elided frames are left out).
//
// brisk records, per frame, the function index and the byte offset of the
// function body's first instruction in the module binary, not the
// trapping instruction nor the instance: so module_offset is the body's
// offset, func_offset is 0 and wasm_frame_instance is NULL.
#include <new>

#include "api/wasm_c_api/wasm_internal.h"

namespace wasmc {

wasm_trap_t* trap_with_message(wasm_store_t* s, std::string message) {
  Object* o = new_object(Kind::Trap, s);
  o->message = std::move(message);
  return handle<wasm_trap_t>(o);
}

wasm_trap_t* trap_from_result(wasm_store_t* s, const brisk_result_t& r) {
  std::string msg = r.message ? r.message : "brisk call failed";
  if (r.status == BRISK_ERR_EXIT) msg = "exit with status " + std::to_string(r.exit_code);
  wasm_trap_t* t = trap_with_message(s, std::move(msg));
  if (r.status == BRISK_ERR_TRAP) {
    size_t n = brisk_trap_frame_count(s->store);
    for (size_t i = 0; i < n; ++i) {
      brisk_frame_t f;
      if (!brisk_trap_frame(s->store, i, &f) || f.func_index == UINT32_MAX) continue;
      auto* w = new wasm_frame_t;
      w->func_index = f.func_index;
      w->module_offset = f.code_offset == UINT64_MAX ? 0 : size_t(f.code_offset);
      t->obj->frames.push_back(w);
    }
  }
  return t;
}

}  // namespace wasmc

using namespace wasmc;

extern "C" {

wasm_trap_t* wasm_trap_new(wasm_store_t* s, const wasm_message_t* message) {
  if (!s) return nullptr;
  std::string text;
  if (message && message->data) text.assign(message->data, message->size);
  while (!text.empty() && text.back() == '\0') text.pop_back();  // stored without, handed out with the NUL
  return trap_with_message(s, std::move(text));
}

void wasm_trap_message(const wasm_trap_t* t, wasm_message_t* out) {
  if (!t) {
    wasm_byte_vec_new_empty(out);
    return;
  }
  const std::string& m = t->obj->message;
  wasm_byte_vec_new(out, m.size() + 1, m.c_str());
}

wasm_frame_t* wasm_trap_origin(const wasm_trap_t* t) {
  if (!t || t->obj->frames.empty()) return nullptr;
  return wasm_frame_copy(t->obj->frames.front());
}

void wasm_trap_trace(const wasm_trap_t* t, wasm_frame_vec_t* out) {
  size_t n = t ? t->obj->frames.size() : 0;
  wasm_frame_vec_new_uninitialized(out, n);
  for (size_t i = 0; i < out->size; ++i) out->data[i] = wasm_frame_copy(t->obj->frames[i]);
}

void wasm_frame_delete(wasm_frame_t* f) { delete f; }
wasm_frame_t* wasm_frame_copy(const wasm_frame_t* f) { return f ? new (std::nothrow) wasm_frame_t(*f) : nullptr; }
wasm_instance_t* wasm_frame_instance(const wasm_frame_t* f) { return f ? f->instance : nullptr; }
uint32_t wasm_frame_func_index(const wasm_frame_t* f) { return f ? f->func_index : 0; }
size_t wasm_frame_func_offset(const wasm_frame_t* f) { return f ? f->func_offset : 0; }
size_t wasm_frame_module_offset(const wasm_frame_t* f) { return f ? f->module_offset : 0; }

}  // extern "C"

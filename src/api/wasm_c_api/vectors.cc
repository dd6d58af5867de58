// wasm.h vectors: new_empty, new_uninitialized, new (adopts the elements),
// copy (deep) and delete (deletes the elements) for every element type.
// Storage is new[]/delete[]; a vector is only ever freed here.
#include <algorithm>
#include <new>

#include "api/wasm_c_api/wasm_internal.h"

namespace {

template <class Vec, class T>
void vec_new_uninitialized(Vec* out, size_t n) {
  out->size = 0;
  out->data = nullptr;
  if (n == 0) return;
  out->data = new (std::nothrow) T[n]();  // value-initialised: null pointers, zero values
  if (out->data) out->size = n;
}

template <class Vec, class T>
void vec_new(Vec* out, size_t n, const T* data) {
  vec_new_uninitialized<Vec, T>(out, n);
  if (out->data && data) std::copy(data, data + n, out->data);
}

template <class Vec>
void vec_new_empty(Vec* out) {
  out->size = 0;
  out->data = nullptr;
}

}  // namespace

// Vectors of owned pointers to objects with wasm_NAME_copy/_delete.
#define BRISK_WASM_PTR_VEC(name)                                                                  \
  void wasm_##name##_vec_new_empty(wasm_##name##_vec_t* out) { vec_new_empty(out); }              \
  void wasm_##name##_vec_new_uninitialized(wasm_##name##_vec_t* out, size_t n) {                  \
    vec_new_uninitialized<wasm_##name##_vec_t, wasm_##name##_t*>(out, n);                        \
  }                                                                                               \
  void wasm_##name##_vec_new(wasm_##name##_vec_t* out, size_t n, wasm_##name##_t* const data[]) { \
    vec_new<wasm_##name##_vec_t, wasm_##name##_t*>(out, n, data);                                \
  }                                                                                               \
  void wasm_##name##_vec_copy(wasm_##name##_vec_t* out, const wasm_##name##_vec_t* v) {           \
    vec_new_uninitialized<wasm_##name##_vec_t, wasm_##name##_t*>(out, v ? v->size : 0);          \
    for (size_t i = 0; i < out->size; ++i)                                                        \
      out->data[i] = v->data[i] ? wasm_##name##_copy(v->data[i]) : nullptr;                       \
  }                                                                                               \
  void wasm_##name##_vec_delete(wasm_##name##_vec_t* v) {                                         \
    if (!v) return;                                                                               \
    for (size_t i = 0; i < v->size; ++i)                                                          \
      if (v->data[i]) wasm_##name##_delete(v->data[i]);                                           \
    delete[] v->data;                                                                             \
    v->size = 0;                                                                                  \
    v->data = nullptr;                                                                            \
  }

extern "C" {

BRISK_WASM_PTR_VEC(valtype)
BRISK_WASM_PTR_VEC(functype)
BRISK_WASM_PTR_VEC(globaltype)
BRISK_WASM_PTR_VEC(tabletype)
BRISK_WASM_PTR_VEC(memorytype)
BRISK_WASM_PTR_VEC(externtype)
BRISK_WASM_PTR_VEC(importtype)
BRISK_WASM_PTR_VEC(exporttype)
BRISK_WASM_PTR_VEC(frame)
BRISK_WASM_PTR_VEC(extern)

void wasm_byte_vec_new_empty(wasm_byte_vec_t* out) { vec_new_empty(out); }
void wasm_byte_vec_new_uninitialized(wasm_byte_vec_t* out, size_t n) {
  vec_new_uninitialized<wasm_byte_vec_t, wasm_byte_t>(out, n);
}
void wasm_byte_vec_new(wasm_byte_vec_t* out, size_t n, const wasm_byte_t data[]) {
  vec_new<wasm_byte_vec_t, wasm_byte_t>(out, n, data);
}
void wasm_byte_vec_copy(wasm_byte_vec_t* out, const wasm_byte_vec_t* v) {
  vec_new<wasm_byte_vec_t, wasm_byte_t>(out, v ? v->size : 0, v ? v->data : nullptr);
}
void wasm_byte_vec_delete(wasm_byte_vec_t* v) {
  if (!v) return;
  delete[] v->data;
  v->size = 0;
  v->data = nullptr;
}

// Values own their references: copy copies them, delete deletes them.
void wasm_val_vec_new_empty(wasm_val_vec_t* out) { vec_new_empty(out); }
void wasm_val_vec_new_uninitialized(wasm_val_vec_t* out, size_t n) {
  vec_new_uninitialized<wasm_val_vec_t, wasm_val_t>(out, n);
}
void wasm_val_vec_new(wasm_val_vec_t* out, size_t n, const wasm_val_t data[]) {
  vec_new<wasm_val_vec_t, wasm_val_t>(out, n, data);
}
void wasm_val_vec_copy(wasm_val_vec_t* out, const wasm_val_vec_t* v) {
  vec_new_uninitialized<wasm_val_vec_t, wasm_val_t>(out, v ? v->size : 0);
  for (size_t i = 0; i < out->size; ++i) wasm_val_copy(&out->data[i], &v->data[i]);
}
void wasm_val_vec_delete(wasm_val_vec_t* v) {
  if (!v) return;
  for (size_t i = 0; i < v->size; ++i) wasm_val_delete(&v->data[i]);
  delete[] v->data;
  v->size = 0;
  v->data = nullptr;
}

}  // extern "C"

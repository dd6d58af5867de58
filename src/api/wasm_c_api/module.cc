// wasm.h modules (new, validate, imports, exports, serialize, share and
// obtain) and instances (new with an imports vector, exports).
#include <cstring>
#include <map>
#include <new>

#include "api/wasm_c_api/wasm_internal.h"

using namespace wasmc;

namespace {

// wasm_module_serialize's format: this tag, then the module's binary (brisk
// has no compiled-code cache; deserializing decodes and validates again).
constexpr char kSerialTag[] = "brisk-wasm-c-api-module-v1";
constexpr size_t kSerialTagSize = sizeof(kSerialTag);  // with the NUL

std::shared_ptr<ModuleData> compile(wasm_store_t* s, const uint8_t* bytes, size_t size, const char* what) {
  auto data = std::make_shared<ModuleData>();
  brisk_config_t cfg;
  brisk_config_default(&cfg);
  cfg.explicit_bounds_checks = 1;  // this store never runs wasm: no signal handler for it
  data->compile_store = brisk_store_new(&cfg);
  if (!data->compile_store) {
    set_error(s, std::string(what) + ": out of memory");
    return nullptr;
  }
  brisk_result_t r = brisk_module_new(data->compile_store, bytes, size, &data->module);
  if (r.status != BRISK_OK) {
    std::string msg = std::string(what) + ": " + (r.message ? r.message : "invalid module");
    if (r.status == BRISK_ERR_INVALID_MODULE && r.offset != UINT64_MAX)
      msg += " (at byte offset " + std::to_string(r.offset) + ")";
    set_error(s, std::move(msg));
    return nullptr;
  }
  data->bytes.assign(bytes, bytes + size);
  return data;
}

wasm_module_t* module_handle(wasm_store_t* s, std::shared_ptr<ModuleData> data) {
  Object* o = new_object(Kind::Module, s);
  o->module = std::move(data);
  return handle<wasm_module_t>(o);
}

wasm_name_t name_of(const char* s) {
  wasm_name_t n;
  wasm_byte_vec_new(&n, std::strlen(s), s);
  return n;
}

}  // namespace

extern "C" {

wasm_module_t* wasm_module_new(wasm_store_t* s, const wasm_byte_vec_t* binary) {
  if (!s || !binary) return nullptr;
  auto data = compile(s, reinterpret_cast<const uint8_t*>(binary->data), binary->size, "wasm_module_new");
  return data ? module_handle(s, std::move(data)) : nullptr;
}

bool wasm_module_validate(wasm_store_t* s, const wasm_byte_vec_t* binary) {
  if (!s || !binary) return false;
  return compile(s, reinterpret_cast<const uint8_t*>(binary->data), binary->size, "wasm_module_validate") != nullptr;
}

void wasm_module_imports(const wasm_module_t* m, wasm_importtype_vec_t* out) {
  brisk_module_t* bm = m ? m->obj->module->module : nullptr;
  wasm_importtype_vec_new_uninitialized(out, bm ? brisk_module_import_count(bm) : 0);
  for (size_t i = 0; i < out->size; ++i) {
    brisk_import_t imp;
    if (!brisk_module_import(bm, i, &imp)) continue;
    wasm_name_t module = name_of(imp.module), name = name_of(imp.name);
    out->data[i] = wasm_importtype_new(&module, &name, externtype_from(imp.type));
  }
}

void wasm_module_exports(const wasm_module_t* m, wasm_exporttype_vec_t* out) {
  brisk_module_t* bm = m ? m->obj->module->module : nullptr;
  wasm_exporttype_vec_new_uninitialized(out, bm ? brisk_module_export_count(bm) : 0);
  for (size_t i = 0; i < out->size; ++i) {
    brisk_export_t exp;
    if (!brisk_module_export(bm, i, &exp)) continue;
    wasm_name_t name = name_of(exp.name);
    out->data[i] = wasm_exporttype_new(&name, externtype_from(exp.type));
  }
}

void wasm_module_serialize(const wasm_module_t* m, wasm_byte_vec_t* out) {
  if (!m) {
    wasm_byte_vec_new_empty(out);
    return;
  }
  const std::vector<uint8_t>& bytes = m->obj->module->bytes;
  wasm_byte_vec_new_uninitialized(out, kSerialTagSize + bytes.size());
  if (!out->data) return;
  std::memcpy(out->data, kSerialTag, kSerialTagSize);
  if (!bytes.empty()) std::memcpy(out->data + kSerialTagSize, bytes.data(), bytes.size());
}

wasm_module_t* wasm_module_deserialize(wasm_store_t* s, const wasm_byte_vec_t* in) {
  if (!s || !in) return nullptr;
  if (in->size < kSerialTagSize || std::memcmp(in->data, kSerialTag, kSerialTagSize) != 0) {
    set_error(s, "wasm_module_deserialize: not made by brisk's wasm_module_serialize (no brisk tag)");
    return nullptr;
  }
  auto data = compile(s, reinterpret_cast<const uint8_t*>(in->data) + kSerialTagSize, in->size - kSerialTagSize,
                      "wasm_module_deserialize");
  return data ? module_handle(s, std::move(data)) : nullptr;
}

wasm_shared_module_t* wasm_module_share(const wasm_module_t* m) {
  if (!m) return nullptr;
  auto* sm = new (std::nothrow) wasm_shared_module_t;
  if (sm) sm->data = m->obj->module;
  return sm;
}

void wasm_shared_module_delete(wasm_shared_module_t* sm) { delete sm; }

wasm_module_t* wasm_module_obtain(wasm_store_t* s, const wasm_shared_module_t* sm) {
  if (!s || !sm) return nullptr;
  return module_handle(s, sm->data);
}

// ---- instances ----

wasm_instance_t* wasm_instance_new(wasm_store_t* s, const wasm_module_t* m, const wasm_extern_vec_t* imports,
                                   wasm_trap_t** trap) {
  if (trap) *trap = nullptr;
  if (!s || !m) return nullptr;
  auto fail = [&](std::string msg) -> wasm_instance_t* {
    msg = "wasm_instance_new: " + msg;
    set_error(s, msg);
    if (trap) *trap = trap_with_message(s, std::move(msg));
    return nullptr;
  };
  brisk_module_t* bm = m->obj->module->module;
  size_t n = brisk_module_import_count(bm), given = imports ? imports->size : 0;
  if (given < n)
    return fail("the module has " + std::to_string(n) + " imports, " + std::to_string(given) + " given");

  // brisk links by name: define import i under its own name in a linker of
  // this instantiation. Two imports of one name must then be one object.
  brisk_linker_t* linker = brisk_linker_new(s->store);
  if (!linker) return fail("out of memory");
  std::map<std::pair<std::string, std::string>, const Object*> defined;
  for (size_t i = 0; i < n; ++i) {
    brisk_import_t imp;
    brisk_module_import(bm, i, &imp);
    const wasm_extern_t* e = imports->data[i];
    std::string where = "import " + std::to_string(i) + " (" + imp.module + "." + imp.name + ")";
    brisk_extern_t be;
    if (!e || !brisk_extern_of(e->obj, &be)) {
      brisk_linker_delete(linker);
      return fail(where + " is null");
    }
    if (e->obj->store != s) {
      brisk_linker_delete(linker);
      return fail(where + " belongs to another store");
    }
    auto key = std::make_pair(std::string(imp.module), std::string(imp.name));
    auto it = defined.find(key);
    if (it != defined.end()) {
      if (it->second == e->obj) continue;
      brisk_linker_delete(linker);
      return fail(where + ": brisk links imports by name, and an earlier import of the same name got another object");
    }
    brisk_result_t r = brisk_linker_define(linker, imp.module, imp.name, &be);
    if (r.status != BRISK_OK) {
      std::string msg = where + ": " + (r.message ? r.message : "cannot be defined");
      brisk_linker_delete(linker);
      return fail(msg);
    }
    defined[key] = e->obj;
  }
  brisk_instance_t* bi = nullptr;
  brisk_result_t r = brisk_instantiate(linker, bm, &bi);
  brisk_linker_delete(linker);
  if (r.status != BRISK_OK) {
    set_error(s, std::string("wasm_instance_new: ") + (r.message ? r.message : "failed"));
    if (trap) *trap = trap_from_result(s, r);
    return nullptr;
  }
  Object* o = new_object(Kind::Instance, s, bi);
  o->instance = bi;
  return handle<wasm_instance_t>(o);
}

void wasm_instance_exports(const wasm_instance_t* inst, wasm_extern_vec_t* out) {
  if (!inst) {
    wasm_extern_vec_new_empty(out);
    return;
  }
  Object* io = inst->obj;
  wasm_extern_vec_new_uninitialized(out, brisk_instance_export_count(io->instance));
  for (size_t i = 0; i < out->size; ++i) {
    const char* name;
    brisk_extern_t e;
    if (!brisk_instance_export_nth(io->instance, i, &name, &e)) continue;
    out->data[i] = static_cast<wasm_extern_t*>(new_handle(extern_object(io->store, e, io)));
  }
}

}  // extern "C"

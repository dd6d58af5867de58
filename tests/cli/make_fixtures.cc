// Writes the binary fixtures of the CLI tests (modules that are broken in
// ways wat2wasm will not produce) into the directory given as argv[1],
// plus offsets.txt with the byte offsets the errors must name.
#include <cstdio>
#include <fstream>
#include <string>

#include "../unit/wasm_builder.h"

namespace {

using wb::Code;
using wb::ModuleBuilder;
using wb::T;

bool write(const std::string& path, const wb::Bytes& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  return bool(out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  std::string offsets;
  bool ok = true;

  const std::string text = "this is not a wasm module\n";
  ok &= write(dir + "/not_wasm.wasm", wb::Bytes(text.begin(), text.end()));
  ok &= write(dir + "/empty.wasm", {});
  ok &= write(dir + "/bad_version.wasm", {0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00});

  // A valid module, cut in the middle of its code section.
  {
    ModuleBuilder b;
    b.func("f", b.type({T::i32}, {T::i32}), {}, Code().local_get(0).i32_const(41).i32_add());
    wb::Bytes full = b.build();
    wb::Bytes cut(full.begin(), full.end() - 4);
    ok &= write(dir + "/truncated.wasm", cut);
    offsets += "TRUNC_LEN=" + std::to_string(cut.size()) + "\n";
  }
  // A type mismatch in the second function: i32.add of an i32 and an i64.
  {
    ModuleBuilder b;
    uint32_t t = b.type({}, {T::i32});
    b.func("ok", t, {T::i64}, Code().i32_const(1));
    b.func("bad", t, {}, Code().i32_const(1).i64_const(2).i32_add());
    ok &= write(dir + "/invalid.wasm", b.build());
    offsets += "INVALID_OFFSET=" + std::to_string(b.code_offset(1) + 4) + "\n";
  }
  // A memory section after the code section.
  {
    ModuleBuilder b;
    b.func("f", b.type({}, {}), {}, Code());
    std::vector<wb::Section> s = b.sections();
    const size_t at = wb::assemble(s).size();
    s.push_back(wb::Section{5, {0x01, 0x00, 0x01}});
    ok &= write(dir + "/bad_order.wasm", wb::assemble(s));
    offsets += "ORDER_OFFSET=" + std::to_string(at) + "\n";
  }
  // SIMD: twice(x) = i32x4.extract_lane 3 (v + v) of v = i32x4.splat x,
  // through a v128 local.
  {
    ModuleBuilder b;
    Code c = Code().local_get(0).op(0xfd).u32(0x11).local_tee(1).local_get(1);
    c.op(0xfd).u32(0xae).op(0xfd).u32(0x1b).raw({3});
    b.func("twice", b.type({T::i32}, {T::i32}), {T::v128}, c);
    ok &= write(dir + "/simd.wasm", b.build());
  }
  // A tail call (unsupported): return_call as the first instruction.
  {
    ModuleBuilder b;
    b.func("f", b.type({}, {}), {}, Code().op(0x12).u32(0));
    ok &= write(dir + "/tail_call.wasm", b.build());
    offsets += "TAIL_CALL_OFFSET=" + std::to_string(b.code_offset(0)) + "\n";
  }
  // A component (version 0x0d, layer 1) with an empty custom section.
  ok &= write(dir + "/component.wasm", {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00});
  std::ofstream(dir + "/offsets.txt") << offsets;
  if (!ok) {
    std::fprintf(stderr, "make_fixtures: cannot write to %s\n", dir.c_str());
    return 1;
  }
  return 0;
}

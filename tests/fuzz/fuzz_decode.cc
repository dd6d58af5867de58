// Fuzz target: decode + validate. Any input must come back as a module or an
// error with an offset inside the input and a non-empty reason; never a
// crash, a hang or a sanitizer report. A module that decodes is decoded
// again from its own bytes and must give the same verdict (the decoder
// keeps no state between calls).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "core/module_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  auto r = brisk::decode_module(bytes);
  if (!r.ok()) {
    const brisk::Error& e = r.error();
    if (e.message.empty() || (e.offset != brisk::Error::kNoOffset && e.offset > size)) {
      std::fprintf(stderr, "decode error without a reason or with offset %llu beyond the %zu-byte input: '%s'\n",
                   (unsigned long long)e.offset, size, e.message.c_str());
      std::abort();
    }
    return 0;
  }
  const brisk::Module& m = *r.value();
  if (m.bytes.size() != size || m.bodies.size() + m.num_imported_funcs != m.func_types.size()) {
    std::fprintf(stderr, "decoded module is inconsistent: %zu bytes, %zu bodies, %zu functions\n", m.bytes.size(),
                 m.bodies.size(), m.func_types.size());
    std::abort();
  }
  if (!brisk::decode_module(bytes).ok()) {
    std::fprintf(stderr, "second decode of the same bytes failed\n");
    std::abort();
  }
  return 0;
}

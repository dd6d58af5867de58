// Decodes and validates a binary module in one pass over its sections.
// Errors carry the absolute byte offset and the spec's wording of the reason
// (e.g. "unexpected end", "type mismatch"), so tools can print
// "FILE: offset N: reason".
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "base/result.h"
#include "core/module.h"

namespace brisk {

struct DecodeOptions {};  // none yet: every 2.0 feature is always on

// Malformed binaries and invalid modules both come back as errors; the
// message tells which (validation errors are the spec's "invalid" ones).
Result<std::shared_ptr<Module>> decode_module(std::vector<uint8_t> bytes,
                                              const DecodeOptions& opts = {});

}  // namespace brisk

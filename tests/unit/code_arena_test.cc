// CodeArena: code memory of dropped arenas is reused by the next arena of
// the process (x86_64, dual mapping), within a bound.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <vector>

#include "jit/jit_runtime.h"

namespace brisk::jit {
namespace {

#if defined(__x86_64__)
constexpr bool kCaches = true;
#else
constexpr bool kCaches = false;  // AArch64 unmaps (jit_runtime.cc: qemu-user keeps stale translations)
#endif

// Arenas holding one block each, so that they hold one chunk each.
std::unique_ptr<CodeArena> arena_with_block(CodeArena::Block* out = nullptr) {
  auto a = std::make_unique<CodeArena>();
  CodeArena::Block b = a->allocate(64);
  EXPECT_NE(b.exec, nullptr);
  if (out) *out = b;
  return a;
}

// Takes every cached chunk, so that a test starts from an empty cache.
std::vector<std::unique_ptr<CodeArena>> drain_cache() {
  std::vector<std::unique_ptr<CodeArena>> held;
  while (CodeArena::cached_chunks() > 0) held.push_back(arena_with_block());
  return held;
}

TEST(CodeArena, DroppedChunkServesTheNextArena) {
  if (!concurrent_code_writes_supported()) GTEST_SKIP() << "no dual mapping (memfd) here";
  auto held = drain_cache();
  CodeArena::Block first;
  auto a = arena_with_block(&first);
  const uint8_t code[] = {0xc3, 0x90, 0x90, 0x90};
  a->begin_write(first, sizeof code);
  std::memcpy(first.write, code, sizeof code);
  a->end_write(first, sizeof code);
  EXPECT_EQ(std::memcmp(first.exec, code, sizeof code), 0);  // written through the alias
  a.reset();
  EXPECT_EQ(CodeArena::cached_chunks(), kCaches ? 1u : 0u);
  CodeArena::Block second;
  auto b = arena_with_block(&second);
  EXPECT_EQ(CodeArena::cached_chunks(), 0u);
  if (kCaches) {
    EXPECT_EQ(second.exec, first.exec);  // the same chunk, from its start
  }
  // The reused chunk is writable and executable-mapped as before.
  b->begin_write(second, sizeof code);
  second.write[1] = 0xcc;
  b->end_write(second, sizeof code);
  EXPECT_EQ(second.exec[1], 0xcc);
}

TEST(CodeArena, CacheIsBounded) {
  if (!concurrent_code_writes_supported()) GTEST_SKIP() << "no dual mapping (memfd) here";
  auto held = drain_cache();
  std::vector<std::unique_ptr<CodeArena>> many;
  for (size_t i = 0; i < CodeArena::kMaxCachedChunks + 8; ++i) many.push_back(arena_with_block());
  many.clear();
  EXPECT_EQ(CodeArena::cached_chunks(), kCaches ? CodeArena::kMaxCachedChunks : 0u);
}

// A block larger than a chunk gets a chunk of its own size, which is not
// cached (the cache holds standard chunks only).
TEST(CodeArena, OversizedChunkIsNotCached) {
  if (!concurrent_code_writes_supported()) GTEST_SKIP() << "no dual mapping (memfd) here";
  auto held = drain_cache();
  {
    CodeArena a;
    EXPECT_NE(a.allocate(3 << 20).exec, nullptr);
  }
  EXPECT_EQ(CodeArena::cached_chunks(), 0u);
}

}  // namespace
}  // namespace brisk::jit

// The jitdump writer (src/jit/jitdump.h): the file perf inject --jit reads
// holds a valid header and one code-load record per compiled function, with
// its name, its address and a copy of its machine code.
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

#include "jit/jit_runtime.h"
#include "jit/jitdump.h"
#include "test_util.h"

namespace brisk::test {
namespace {

template <typename T>
T read_at(const std::vector<uint8_t>& b, size_t off) {
  T v{};
  if (off + sizeof(T) <= b.size()) std::memcpy(&v, b.data() + off, sizeof(T));
  return v;
}

struct Load {
  std::string name;
  uint64_t addr = 0;
  std::vector<uint8_t> code;
};

TEST(JitDump, RecordsEveryCompiledFunctionWithNameAddressAndCode) {
  if (!jit::jit_available()) GTEST_SKIP() << "this build has no JIT";
  ModuleBuilder b;
  const uint32_t t = b.type({T::i32}, {T::i32});
  Code add_one;
  add_one.local_get(0).i32_const(1).i32_add();
  const uint32_t named = b.func(t, {}, add_one);
  b.name_func(named, "add_one");
  Code twice;
  twice.local_get(0).call(named).call(named);
  b.func("twice", t, {}, twice);  // no name-section entry: the export names it
  auto m = decode(b.build());
  ASSERT_TRUE(m.ok()) << m.error().to_string();
  EngineConfig cfg;
  cfg.mode = ExecMode::Jit;

  if (!jit::jitdump_enabled()) {  // off by default (unless the environment asks)
    Store store(cfg);
    InstantiateResult r = store.instantiate(m.value(), Linker());
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(call(store, r.instance->get_func("twice"), {Value::i32(1)}).ok());
    EXPECT_EQ(jit::jitdump_path(), "") << "a jitdump written while it is off";
  }
  jit::jitdump_enable();
  Store store(cfg);
  InstantiateResult r = store.instantiate(m.value(), Linker());
  ASSERT_TRUE(r.ok());
  Outcome o = call(store, r.instance->get_func("twice"), {Value::i32(40)});
  ASSERT_TRUE(o.ok()) << trap_text(o);
  EXPECT_EQ(o.i32(), 42);

  const std::string path = jit::jitdump_path();
  ASSERT_NE(path, "");
  EXPECT_NE(path.find("jit-" + std::to_string(getpid()) + ".dump"), std::string::npos) << path;
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
  ASSERT_GE(bytes.size(), 40u);
  EXPECT_EQ(read_at<uint32_t>(bytes, 0), 0x4A695444u) << "magic";
  EXPECT_EQ(read_at<uint32_t>(bytes, 4), 1u) << "version";
  const uint32_t header_size = read_at<uint32_t>(bytes, 8);
  EXPECT_EQ(header_size, 40u);
#if defined(__x86_64__)
  EXPECT_EQ(read_at<uint32_t>(bytes, 12), 62u) << "EM_X86_64";
#elif defined(__aarch64__)
  EXPECT_EQ(read_at<uint32_t>(bytes, 12), 183u) << "EM_AARCH64";
#endif
  EXPECT_EQ(read_at<uint32_t>(bytes, 20), uint32_t(getpid()));

  std::vector<Load> loads;
  uint64_t last_index = 0, last_time = 0;
  for (size_t off = header_size; off < bytes.size();) {
    const uint32_t id = read_at<uint32_t>(bytes, off), total = read_at<uint32_t>(bytes, off + 4);
    ASSERT_GE(total, 16u) << "record at " << off;
    ASSERT_LE(off + total, bytes.size()) << "record at " << off << " runs past the end";
    const uint64_t time = read_at<uint64_t>(bytes, off + 8);
    EXPECT_GE(time, last_time) << "timestamps go back";
    last_time = time;
    ASSERT_EQ(id, 0u) << "only code-load records are written";
    Load l;
    EXPECT_EQ(read_at<uint32_t>(bytes, off + 16), uint32_t(getpid()));
    l.addr = read_at<uint64_t>(bytes, off + 32);
    EXPECT_EQ(read_at<uint64_t>(bytes, off + 24), l.addr) << "vma = code address";
    const uint64_t size = read_at<uint64_t>(bytes, off + 40);
    const uint64_t index = read_at<uint64_t>(bytes, off + 48);
    if (!loads.empty()) {
      EXPECT_EQ(index, last_index + 1) << "code_index counts up";
    }
    last_index = index;
    const char* name = reinterpret_cast<const char*>(bytes.data() + off + 56);
    l.name = std::string(name, strnlen(name, total - 56));
    const size_t code_at = off + 56 + l.name.size() + 1;
    ASSERT_EQ(code_at + size, off + total) << l.name << ": record size";
    l.code.assign(bytes.begin() + code_at, bytes.begin() + code_at + size);
    loads.push_back(std::move(l));
    off += total;
  }
  for (auto [name, fn] : {std::pair{"twice", r.instance->get_func("twice")},
                          std::pair{"add_one", r.instance->funcs[named]}}) {
    SCOPED_TRACE(name);
    ASSERT_NE(fn->jit_code, nullptr) << "not compiled";
    const Load* found = nullptr;
    for (const Load& l : loads)
      if (l.name == name && l.addr == reinterpret_cast<uintptr_t>(fn->jit_code)) found = &l;
    ASSERT_NE(found, nullptr) << "no record at the function's code address";
    ASSERT_FALSE(found->code.empty());
    EXPECT_EQ(std::memcmp(found->code.data(), fn->jit_code, found->code.size()), 0) << "code bytes differ";
  }
  std::remove(path.c_str());  // the process keeps it mapped; the name goes
}

}  // namespace
}  // namespace brisk::test

// brisk-spectest: runs WebAssembly spec test scripts (.wast, converted with
// wabt's wast2json into a temporary directory, or .json) against brisk and
// prints one line per file and a final "N passed, N failed, N skipped".
//
// Skipped, and counted: text-format (.wat) malformed/invalid modules (brisk
// decodes binaries only) and SIMD (simd_*.wast, or any module rejected as
// "unsupported feature: simd", with the commands that use it).
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/module_decoder.h"
#include "jit/jit_runtime.h"
#include "json_lite.h"
#include "runtime/objects.h"

using namespace brisk;
using brisk::spectest::Json;

namespace {

struct Options {
  EngineConfig config;
  bool verbose = false;
  std::vector<std::string> paths;
};

struct Counts {
  uint64_t passed = 0, failed = 0, skipped = 0;
};

std::string read_file(const std::string& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  *ok = bool(in);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
std::string basename_of(const std::string& p) {
  size_t slash = p.find_last_of('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

// The spectest host module of the spec interpreter.
void define_spectest(Store& store, Linker& linker) {
  auto print = [&](const char* name, std::vector<ValType> params) {
    Function* f = store.create_host_function(
        FuncType{std::move(params), {}}, [](HostCall&, const uint64_t*, uint64_t*) { return TrapKind::None; }, name);
    linker.define("spectest", name, Extern{ExternKind::Func, f});
  };
  print("print", {});
  print("print_i32", {ValType::I32});
  print("print_i64", {ValType::I64});
  print("print_f32", {ValType::F32});
  print("print_f64", {ValType::F64});
  print("print_i32_f32", {ValType::I32, ValType::F32});
  print("print_f64_f64", {ValType::F64, ValType::F64});
  float f32 = 666.6f;
  double f64 = 666.6;
  uint32_t f32b;
  uint64_t f64b;
  std::memcpy(&f32b, &f32, 4);
  std::memcpy(&f64b, &f64, 8);
  linker.define("spectest", "global_i32",
                Extern{ExternKind::Global, store.create_global(GlobalType{ValType::I32, false}, 666)});
  linker.define("spectest", "global_i64",
                Extern{ExternKind::Global, store.create_global(GlobalType{ValType::I64, false}, 666)});
  linker.define("spectest", "global_f32",
                Extern{ExternKind::Global, store.create_global(GlobalType{ValType::F32, false}, f32b)});
  linker.define("spectest", "global_f64",
                Extern{ExternKind::Global, store.create_global(GlobalType{ValType::F64, false}, f64b)});
  TableType tt;
  tt.elem = ValType::FuncRef;
  tt.limits = Limits{10, 20, true};
  linker.define("spectest", "table", Extern{ExternKind::Table, store.create_table(tt, 0)});
  MemoryType mt;
  mt.limits = Limits{1, 2, true};
  linker.define("spectest", "memory", Extern{ExternKind::Memory, store.create_memory(mt)});
}

class ScriptRunner {
 public:
  ScriptRunner(const Options& opts, const std::string& dir, const std::string& label)
      : opts_(opts), dir_(dir), label_(label), store_(opts.config) {
    define_spectest(store_, linker_);
  }

  Counts run(const Json& script) {
    const Json* cmds = script.get("commands");
    if (!cmds) {
      fail(0, "no commands in script");
      return counts_;
    }
    for (const Json& c : cmds->items) command(c);
    return counts_;
  }
  const std::vector<std::string>& failures() const { return failures_; }

 private:
  void pass() { counts_.passed++; }
  void skip() { counts_.skipped++; }
  void fail(int line, const std::string& why) {
    counts_.failed++;
    failures_.push_back("  line " + std::to_string(line) + ": " + why);
  }

  Result<std::shared_ptr<Module>> load(const std::string& filename) {
    bool ok;
    std::string data = read_file(dir_ + "/" + filename, &ok);
    if (!ok) return Error{Error::kNoOffset, "cannot read " + filename};
    return decode_module(std::vector<uint8_t>(data.begin(), data.end()));
  }

  static bool is_simd_error(const Error& e) { return e.message.find("unsupported feature: simd") != std::string::npos; }

  void command(const Json& c) {
    const std::string type = c.str("type");
    const int line = std::atoi(c.str("line", "0").c_str());
    if (type == "module") {
      auto m = load(c.str("filename"));
      if (!m.ok()) {
        if (is_simd_error(m.error())) {
          simd_module_ = true;
          skip();
        } else {
          fail(line, "module did not decode: " + m.error().to_string());
        }
        current_ = nullptr;
        return;
      }
      simd_module_ = false;
      InstantiateResult r = store_.instantiate(m.value(), linker_);
      if (r.link_error) return fail(line, "module did not link: " + r.link_error->message), void(current_ = nullptr);
      if (r.trap) return fail(line, "module trapped at instantiation: " + r.trap->message), void(current_ = nullptr);
      current_ = r.instance;
      if (const Json* n = c.get("name")) named_[n->text] = current_;
      return pass();
    }
    if (type == "register") {
      Instance* inst = c.get("name") ? named_[c.str("name")] : current_;
      if (!inst) return simd_module_ ? skip() : fail(line, "register: no such module");
      linker_.define_instance(c.str("as"), inst);
      return pass();
    }
    if (type == "action") {
      std::vector<uint64_t> results;
      std::vector<ValType> types;
      std::optional<Trap> trap;
      std::string err;
      if (!perform(*c.get("action"), &results, &types, &trap, &err)) return simd_skip_or_fail(line, err);
      if (trap) return fail(line, "action trapped: " + trap->message);
      return pass();
    }
    if (type == "assert_return") {
      std::vector<uint64_t> results;
      std::vector<ValType> types;
      std::optional<Trap> trap;
      std::string err;
      if (!perform(*c.get("action"), &results, &types, &trap, &err)) return simd_skip_or_fail(line, err);
      if (trap) return fail(line, "expected a return, got trap: " + trap->message);
      const Json* expected = c.get("expected");
      size_t n = expected ? expected->items.size() : 0;
      if (n != results.size()) return fail(line, "result count " + std::to_string(results.size()) + " != " + std::to_string(n));
      for (size_t i = 0; i < n; ++i) {
        std::string why;
        if (!match(expected->items[i], types[i], results[i], &why)) return fail(line, "result " + std::to_string(i) + ": " + why);
      }
      return pass();
    }
    if (type == "assert_trap" || type == "assert_exhaustion") {
      const std::string text = c.str("text");
      std::optional<Trap> trap;
      if (const Json* a = c.get("action")) {
        std::vector<uint64_t> results;
        std::vector<ValType> types;
        std::string err;
        if (!perform(*a, &results, &types, &trap, &err)) return simd_skip_or_fail(line, err);
      } else {  // a module whose instantiation must trap
        auto m = load(c.str("filename"));
        if (!m.ok()) return is_simd_error(m.error()) ? skip() : fail(line, "module did not decode: " + m.error().message);
        InstantiateResult r = store_.instantiate(m.value(), linker_);
        if (r.link_error) return fail(line, "expected a trap, module did not link: " + r.link_error->message);
        trap = r.trap;
      }
      if (!trap) return fail(line, "expected trap \"" + text + "\", got a return");
      if (type == "assert_exhaustion" && trap->kind != TrapKind::StackExhausted)
        return fail(line, "expected exhaustion, got trap: " + trap->message);
      if (!messages_match(trap->message, text))
        return fail(line, "expected trap \"" + text + "\", got \"" + trap->message + "\"");
      return pass();
    }
    if (type == "assert_invalid" || type == "assert_malformed") {
      if (c.str("module_type") == "text") return skip();
      auto m = load(c.str("filename"));
      if (m.ok()) return fail(line, type + ": module was accepted (expected \"" + c.str("text") + "\")");
      if (opts_.verbose && !messages_match(m.error().message, c.str("text")))
        std::fprintf(stderr, "%s:%d: note: rejected with \"%s\", spec says \"%s\"\n", label_.c_str(), line,
                     m.error().message.c_str(), c.str("text").c_str());
      return pass();
    }
    if (type == "assert_unlinkable" || type == "assert_uninstantiable") {
      auto m = load(c.str("filename"));
      if (!m.ok()) return is_simd_error(m.error()) ? skip() : fail(line, "module did not decode: " + m.error().message);
      InstantiateResult r = store_.instantiate(m.value(), linker_);
      if (type == "assert_unlinkable") {
        if (!r.link_error) return fail(line, "expected a link error (\"" + c.str("text") + "\")");
      } else {
        if (r.link_error) return fail(line, "expected a trap at instantiation, got link error: " + r.link_error->message);
        if (!r.trap) return fail(line, "expected a trap at instantiation (\"" + c.str("text") + "\")");
      }
      return pass();
    }
    fail(line, "unknown command type '" + type + "'");
  }

  void simd_skip_or_fail(int line, const std::string& err) {
    if (simd_module_ || err.find("v128") != std::string::npos) return skip();
    fail(line, err);
  }

  static bool messages_match(const std::string& ours, const std::string& spec) {
    return ours.rfind(spec, 0) == 0 || spec.rfind(ours, 0) == 0;
  }

  bool parse_value(const Json& v, ValType* type, uint64_t* bits, std::string* err) {
    const std::string t = v.str("type");
    const std::string val = v.str("value");
    if (t == "i32") *type = ValType::I32;
    else if (t == "i64") *type = ValType::I64;
    else if (t == "f32") *type = ValType::F32;
    else if (t == "f64") *type = ValType::F64;
    else if (t == "externref") *type = ValType::ExternRef;
    else if (t == "funcref") *type = ValType::FuncRef;
    else {
      *err = "unsupported value type " + t;
      return false;
    }
    if (*type == ValType::ExternRef || *type == ValType::FuncRef) {
      *bits = val == "null" ? 0 : std::strtoull(val.c_str(), nullptr, 10) + 1;
      return true;
    }
    *bits = std::strtoull(val.c_str(), nullptr, 10);
    return true;
  }

  bool match(const Json& expect, ValType type, uint64_t got, std::string* why) {
    const std::string t = expect.str("type");
    const std::string val = expect.str("value");
    char buf[96];
    if (t == "f32" || t == "f64") {
      const bool is32 = t == "f32";
      const uint64_t exp_mask = is32 ? 0x7f800000u : 0x7ff0000000000000ull;
      const uint64_t quiet = is32 ? 0x00400000u : 0x0008000000000000ull;
      const uint64_t mant = is32 ? 0x007fffffu : 0x000fffffffffffffull;
      if (is32) got &= 0xffffffffu;
      if (val == "nan:canonical") {
        if ((got & exp_mask) == exp_mask && (got & mant) == quiet) return true;
        std::snprintf(buf, sizeof buf, "expected canonical NaN, got 0x%" PRIx64, got);
        *why = buf;
        return false;
      }
      if (val == "nan:arithmetic") {
        if ((got & exp_mask) == exp_mask && (got & quiet)) return true;
        std::snprintf(buf, sizeof buf, "expected arithmetic NaN, got 0x%" PRIx64, got);
        *why = buf;
        return false;
      }
    }
    ValType et;
    uint64_t bits;
    if (!parse_value(expect, &et, &bits, why)) return false;
    if (et == ValType::FuncRef) {
      // The script can only say null or "some function".
      if ((bits == 0) == (got == 0)) return true;
      *why = bits == 0 ? "expected null funcref" : "expected non-null funcref";
      return false;
    }
    if (et == ValType::I32 || et == ValType::F32) got &= 0xffffffffu;
    if (got == bits && et == type) return true;
    std::snprintf(buf, sizeof buf, "expected %s 0x%" PRIx64 ", got 0x%" PRIx64, t.c_str(), bits, got);
    *why = buf;
    return false;
  }

  // Performs an invoke/get action. Returns false (with {err}) when the
  // action itself is broken (unknown module/export, bad argument).
  bool perform(const Json& action, std::vector<uint64_t>* results, std::vector<ValType>* types,
               std::optional<Trap>* trap, std::string* err) {
    Instance* inst = current_;
    if (const Json* m = action.get("module")) {
      auto it = named_.find(m->text);
      inst = it == named_.end() ? nullptr : it->second;
    }
    if (!inst) {
      *err = "no module for action";
      return false;
    }
    const std::string field = action.str("field");
    auto ext = inst->get_export(field);
    if (!ext) {
      *err = "no export '" + field + "'";
      return false;
    }
    if (action.str("type") == "get") {
      if (ext->kind != ExternKind::Global) {
        *err = "export '" + field + "' is not a global";
        return false;
      }
      results->push_back(ext->global()->bits);
      types->push_back(ext->global()->type.type);
      return true;
    }
    if (ext->kind != ExternKind::Func) {
      *err = "export '" + field + "' is not a function";
      return false;
    }
    Function* f = ext->func();
    const FuncType& ft = *f->type;
    std::vector<uint64_t> args;
    if (const Json* a = action.get("args")) {
      for (const Json& v : a->items) {
        ValType t;
        uint64_t bits;
        if (!parse_value(v, &t, &bits, err)) return false;
        args.push_back(bits);
      }
    }
    if (args.size() != ft.params.size()) {
      *err = "argument count mismatch for '" + field + "'";
      return false;
    }
    std::vector<uint64_t> res(ft.results.size() + 1);
    CallResult r = store_.call(f, args.data(), res.data());
    if (r.trap) {
      *trap = std::move(r.trap);
      return true;
    }
    results->assign(res.begin(), res.begin() + ft.results.size());
    *types = ft.results;
    return true;
  }

  const Options& opts_;
  std::string dir_;
  std::string label_;
  Store store_;
  Linker linker_;
  Instance* current_ = nullptr;
  bool simd_module_ = false;
  std::map<std::string, Instance*> named_;
  Counts counts_;
  std::vector<std::string> failures_;
};

// Counts the commands of a script, for files skipped as a whole.
uint64_t count_commands(const Json& script) {
  const Json* cmds = script.get("commands");
  return cmds ? cmds->items.size() : 0;
}

bool run_file(const Options& opts, const std::string& path, Counts* total) {
  std::string json_path = path;
  std::string dir;
  std::string tmp;
  const std::string label = path;
  if (ends_with(path, ".wast")) {
    char tmpl[] = "/tmp/brisk-spectest-XXXXXX";
    if (!mkdtemp(tmpl)) {
      std::printf("FAIL %s: cannot create a temporary directory\n", label.c_str());
      total->failed++;
      return false;
    }
    tmp = tmpl;
    std::string base = basename_of(path);
    base = base.substr(0, base.size() - 5);
    json_path = tmp + "/" + base + ".json";
    std::string cmd = "wast2json '" + path + "' -o '" + json_path + "' 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    std::string out;
    char buf[512];
    while (p && fgets(buf, sizeof buf, p)) out += buf;
    int rc = p ? pclose(p) : -1;
    if (rc != 0) {
      std::printf("FAIL %s: wast2json failed: %s\n", label.c_str(), out.c_str());
      total->failed++;
      std::system(("rm -rf '" + tmp + "'").c_str());
      return false;
    }
    dir = tmp;
  } else {
    size_t slash = path.find_last_of('/');
    dir = slash == std::string::npos ? "." : path.substr(0, slash);
  }
  bool ok;
  std::string text = read_file(json_path, &ok);
  Json script;
  std::string err;
  Counts c;
  std::vector<std::string> failures;
  if (!ok || !spectest::parse_json(text, &script, &err)) {
    c.failed++;
    failures.push_back("  cannot read script: " + (ok ? err : "missing " + json_path));
  } else if (basename_of(path).rfind("simd_", 0) == 0) {
    c.skipped = count_commands(script);  // SIMD is not supported yet
  } else {
    ScriptRunner runner(opts, dir, label);
    c = runner.run(script);
    failures = runner.failures();
  }
  if (!tmp.empty()) std::system(("rm -rf '" + tmp + "'").c_str());
  std::printf("%s %s: %" PRIu64 " passed, %" PRIu64 " failed, %" PRIu64 " skipped\n", c.failed ? "FAIL" : "PASS",
              label.c_str(), c.passed, c.failed, c.skipped);
  const size_t shown = opts.verbose ? failures.size() : std::min<size_t>(failures.size(), 20);
  for (size_t i = 0; i < shown; ++i) std::printf("%s\n", failures[i].c_str());
  if (shown < failures.size()) std::printf("  ... %zu more (use -v)\n", failures.size() - shown);
  std::fflush(stdout);
  total->passed += c.passed;
  total->failed += c.failed;
  total->skipped += c.skipped;
  return c.failed == 0;
}

void usage() {
  std::printf(
      "Usage: brisk-spectest [OPTIONS] FILE.wast|FILE.json|DIR ...\n"
      "Runs WebAssembly spec test scripts; a directory means its *.wast files.\n"
      "  --mode=interp|jit|tiered   execution tier (default interp)\n"
      "  --tier-up-threshold=N      tiered mode: budget before compiling (1 forces\n"
      "                             tier-up and on-stack replacement at once)\n"
      "  --bounds=guard|explicit    memory bounds checks (default guard)\n"
      "  -v                         print every failure and decoder-message notes\n"
      "Ends with \"N passed, N failed, N skipped\"; exit status 0 iff none failed.\n");
}

}  // namespace

int main(int argc, char** argv) {
  Options opts;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      usage();
      return 0;
    } else if (a == "-v") {
      opts.verbose = true;
    } else if (a.rfind("--mode=", 0) == 0) {
      std::string m = a.substr(7);
      if (m == "interp") opts.config.mode = ExecMode::Interp;
      else if (m == "jit") opts.config.mode = ExecMode::Jit;
      else if (m == "tiered") opts.config.mode = ExecMode::Tiered;
      else return std::fprintf(stderr, "brisk-spectest: unknown mode '%s'\n", m.c_str()), 2;
      if (opts.config.mode != ExecMode::Interp && !jit::jit_available())
        return std::fprintf(stderr, "brisk-spectest: mode '%s' not available: no JIT for this machine\n", m.c_str()), 2;
    } else if (a.rfind("--tier-up-threshold=", 0) == 0) {
      int n = std::atoi(a.c_str() + 20);
      if (n <= 0) return std::fprintf(stderr, "brisk-spectest: bad threshold\n"), 2;
      opts.config.tier_up_threshold = uint32_t(n);
    } else if (a.rfind("--bounds=", 0) == 0) {
      std::string b = a.substr(9);
      if (b == "guard") opts.config.bounds = BoundsMode::Guard;
      else if (b == "explicit") opts.config.bounds = BoundsMode::Explicit;
      else return std::fprintf(stderr, "brisk-spectest: unknown bounds mode '%s'\n", b.c_str()), 2;
    } else if (!a.empty() && a[0] == '-') {
      std::fprintf(stderr, "brisk-spectest: unknown option '%s'\n", a.c_str());
      usage();
      return 2;
    } else {
      opts.paths.push_back(a);
    }
  }
  if (opts.paths.empty()) {
    usage();
    return 2;
  }
  std::vector<std::string> files;
  for (const std::string& p : opts.paths) {
    struct stat st;
    if (stat(p.c_str(), &st) != 0) {
      std::fprintf(stderr, "brisk-spectest: %s: %s\n", p.c_str(), std::strerror(errno));
      return 2;
    }
    if (S_ISDIR(st.st_mode)) {
      std::vector<std::string> in_dir;
      if (DIR* d = opendir(p.c_str())) {
        while (dirent* e = readdir(d))
          if (ends_with(e->d_name, ".wast")) in_dir.push_back(p + "/" + e->d_name);
        closedir(d);
      }
      std::sort(in_dir.begin(), in_dir.end());
      files.insert(files.end(), in_dir.begin(), in_dir.end());
    } else {
      files.push_back(p);
    }
  }
  Counts total;
  for (const std::string& f : files) run_file(opts, f, &total);
  std::printf("%" PRIu64 " passed, %" PRIu64 " failed, %" PRIu64 " skipped\n", total.passed, total.failed,
              total.skipped);
  return total.failed == 0 ? 0 : 1;
}

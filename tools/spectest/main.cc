// brisk-spectest: runs WebAssembly spec test scripts (.wast, converted with
// wabt's wast2json into a temporary directory; or wast2json's .json) against
// brisk. Prints one line per file, the failures under it, and finally
// "N passed, N failed, N skipped"; exits 0 iff nothing failed.
//
// Counted as skipped: text-format modules of assert_malformed/assert_invalid
// (brisk decodes binaries only). v128 values are read in wast2json's form
// ("lane_type" and one string per lane, NaN patterns per lane).
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "jit/jit_runtime.h"
#include "runner.h"

using namespace brisk;
using namespace brisk::spectest;

namespace {

// Failures printed per file without -v.
constexpr size_t kMaxFailuresShown = 50;
// Default --timeout: no single spec command comes near this.
constexpr double kDefaultTimeoutSeconds = 300;

void usage(FILE* out) {
  std::fprintf(out,
               "Usage: brisk-spectest [OPTIONS] FILE.wast|FILE.json|DIR ...\n"
               "Runs WebAssembly spec test scripts against brisk; DIR means its *.wast files.\n"
               "  --mode=interp|jit|tiered   execution tier (default interp)\n"
               "  --tier-up-threshold=N      tiered mode: calls and loop iterations before a\n"
               "                             function is compiled (1 = at once, with OSR)\n"
               "  --bounds=guard|explicit    memory bounds checks (default guard)\n"
               "  --timeout=SECONDS          interrupt a call or instantiation running longer\n"
               "                             and fail it (default %g; 0 = never)\n"
               "  --wast2json=PROGRAM        converter for .wast files (default wast2json)\n"
               "  -v                         every failure, plus notes: messages that differ\n"
               "                             from the spec's, spectest.print* calls\n"
               "Ends with \"N passed, N failed, N skipped\"; exit status 0 iff none failed,\n"
               "2 for bad usage.\n",
               kDefaultTimeoutSeconds);
}

int usage_error(const std::string& msg) {
  std::fprintf(stderr, "brisk-spectest: %s\n", msg.c_str());
  std::fprintf(stderr, "Try 'brisk-spectest --help'.\n");
  return 2;
}

bool has_suffix(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// "--name=value" -> value.
bool option_value(const std::string& arg, const char* name, std::string* value) {
  const size_t n = std::strlen(name);
  if (arg.compare(0, n, name) != 0 || arg.size() <= n || arg[n] != '=') return false;
  *value = arg.substr(n + 1);
  return true;
}

struct Input {
  std::string path;
  std::string label;
};

// A directory's *.wast files, sorted, labelled "DIRNAME/FILE".
bool list_dir(const std::string& dir, std::vector<Input>* out) {
  DIR* d = opendir(dir.c_str());
  if (!d) return false;
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (has_suffix(name, ".wast")) names.push_back(name);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  std::string trimmed = dir;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  size_t slash = trimmed.find_last_of('/');
  std::string dir_label = slash == std::string::npos ? trimmed : trimmed.substr(slash + 1);
  if (dir_label.empty() || dir_label == "." || dir_label == "/") dir_label.clear();
  for (const std::string& n : names)
    out->push_back({trimmed + "/" + n, dir_label.empty() ? n : dir_label + "/" + n});
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  RunnerOptions opts;
  opts.timeout_seconds = kDefaultTimeoutSeconds;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    std::string v;
    if (a == "-h" || a == "--help") {
      usage(stdout);
      return 0;
    } else if (a == "-v" || a == "--verbose") {
      opts.verbose = true;
    } else if (option_value(a, "--mode", &v)) {
      if (v == "interp") opts.config.mode = ExecMode::Interp;
      else if (v == "jit") opts.config.mode = ExecMode::Jit;
      else if (v == "tiered") opts.config.mode = ExecMode::Tiered;
      else return usage_error("unknown mode '" + v + "' (expected interp, jit or tiered)");
      // Without a JIT for this build or CPU the other modes would silently
      // interpret: refuse instead.
      if (opts.config.mode != ExecMode::Interp && !jit::jit_available()) {
        std::fprintf(stderr, "brisk-spectest: mode '%s' not available\n", v.c_str());
        return 2;
      }
    } else if (option_value(a, "--tier-up-threshold", &v)) {
      uint32_t n = 0;
      auto r = std::from_chars(v.data(), v.data() + v.size(), n);
      if (r.ec != std::errc() || r.ptr != v.data() + v.size() || n == 0)
        return usage_error("bad --tier-up-threshold '" + v + "' (expected a positive integer)");
      opts.config.tier_up_threshold = n;
    } else if (option_value(a, "--bounds", &v)) {
      if (v == "guard") opts.config.bounds = BoundsMode::Guard;
      else if (v == "explicit") opts.config.bounds = BoundsMode::Explicit;
      else return usage_error("unknown bounds mode '" + v + "' (expected guard or explicit)");
    } else if (option_value(a, "--timeout", &v)) {
      double t = -1;
      auto r = std::from_chars(v.data(), v.data() + v.size(), t);
      if (r.ec != std::errc() || r.ptr != v.data() + v.size() || !(t >= 0) || t > 1e6)
        return usage_error("bad --timeout '" + v + "' (expected seconds)");
      opts.timeout_seconds = t;
    } else if (option_value(a, "--wast2json", &v)) {
      if (v.empty()) return usage_error("empty --wast2json");
      opts.wast2json = v;
    } else if (a.size() > 1 && a[0] == '-') {
      return usage_error("unknown option '" + a + "'");
    } else {
      paths.push_back(a);
    }
  }
  if (paths.empty()) return usage_error("no test files given");

  std::vector<Input> inputs;
  Counts total;
  for (const std::string& p : paths) {
    struct stat st;
    if (stat(p.c_str(), &st) != 0) {
      std::printf("FAIL %s: %s\n", p.c_str(), std::strerror(errno));
      total.failed++;
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      const size_t before = inputs.size();
      if (!list_dir(p, &inputs)) {
        std::printf("FAIL %s: cannot read directory: %s\n", p.c_str(), std::strerror(errno));
        total.failed++;
      } else if (inputs.size() == before) {
        std::printf("FAIL %s: no .wast files in this directory\n", p.c_str());
        total.failed++;
      }
    } else {
      inputs.push_back({p, p});
    }
  }

  std::optional<Watchdog> watchdog;
  if (opts.timeout_seconds > 0) watchdog.emplace(opts.timeout_seconds);
  for (const Input& in : inputs) {
    FileReport r;
    try {
      r = run_file(in.path, in.label, opts, watchdog ? &*watchdog : nullptr);
    } catch (const std::exception& e) {  // out of memory, say: this file fails, the run goes on
      r.label = in.label;
      r.counts.failed++;
      r.failures.push_back(std::string("internal error: ") + e.what());
    }
    total += r.counts;
    std::printf("%s %s: %" PRIu64 " passed, %" PRIu64 " failed, %" PRIu64 " skipped\n",
                r.counts.failed ? "FAIL" : "PASS", r.label.c_str(), r.counts.passed, r.counts.failed,
                r.counts.skipped);
    const size_t shown = opts.verbose ? r.failures.size() : std::min(r.failures.size(), kMaxFailuresShown);
    for (size_t i = 0; i < shown; ++i) std::printf("  %s\n", r.failures[i].c_str());
    if (shown < r.failures.size()) std::printf("  ... and %zu more failures (-v shows all)\n", r.failures.size() - shown);
    for (const std::string& n : r.notes) std::printf("  note: %s\n", n.c_str());
    std::fflush(stdout);
  }
  // A function the JIT could not compile runs in the interpreter and would
  // pass unnoticed: in the JIT modes that is a failure of the run.
  if (uint64_t n = jit::jit_compile_failures()) {
    std::printf("FAIL jit: %" PRIu64 " functions could not be compiled\n", n);
    total.failed += n;
  }
  std::printf("%" PRIu64 " passed, %" PRIu64 " failed, %" PRIu64 " skipped\n", total.passed, total.failed,
              total.skipped);
  return total.failed == 0 ? 0 : 1;
}

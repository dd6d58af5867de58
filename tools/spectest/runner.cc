#include "runner.h"

#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cinttypes>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <utility>

#include "core/module_decoder.h"
#include "runtime/objects.h"

extern char** environ;

namespace brisk::spectest {

bool messages_match(const std::string& got, const std::string& expected) {
  if (expected.empty()) return true;
  if (got.empty()) return false;
  return got.compare(0, expected.size(), expected) == 0 || expected.compare(0, got.size(), got) == 0;
}

// ------------------------------------------------------------- Watchdog

struct Watchdog::State {
  std::mutex mu;
  std::condition_variable cv;
  std::chrono::duration<double> limit{0};
  Store* store = nullptr;  // armed when set
  std::chrono::steady_clock::time_point deadline;
  bool fired = false;
  bool quit = false;
  std::thread thread;
};

Watchdog::Watchdog(double seconds) : state_(std::make_unique<State>()) {
  state_->limit = std::chrono::duration<double>(seconds);
  state_->thread = std::thread([s = state_.get()] {
    std::unique_lock<std::mutex> lk(s->mu);
    while (!s->quit) {
      if (!s->store) {
        s->cv.wait(lk);
        continue;
      }
      s->cv.wait_until(lk, s->deadline);
      const auto now = std::chrono::steady_clock::now();
      if (s->store && !s->quit && now >= s->deadline) {
        s->store->interrupt();
        s->fired = true;
        // Interrupts are sticky; asking again covers nested actions.
        s->deadline = now + std::chrono::milliseconds(200);
      }
    }
  });
}

Watchdog::~Watchdog() {
  {
    std::lock_guard<std::mutex> lk(state_->mu);
    state_->quit = true;
  }
  state_->cv.notify_all();
  state_->thread.join();
}

void Watchdog::arm(Store* store) {
  {
    std::lock_guard<std::mutex> lk(state_->mu);
    state_->store = store;
    state_->fired = false;
    state_->deadline = std::chrono::steady_clock::now() +
                       std::chrono::duration_cast<std::chrono::steady_clock::duration>(state_->limit);
  }
  state_->cv.notify_all();
}

bool Watchdog::disarm() {
  std::lock_guard<std::mutex> lk(state_->mu);
  const bool fired = state_->fired;
  // A request that landed after the guarded call ended must not stop the next one.
  if (fired && state_->store) state_->store->clear_interrupt();
  state_->store = nullptr;
  state_->fired = false;
  return fired;
}

namespace {

// ------------------------------------------------------------- helpers

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
std::string base_name(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}
std::string quote(std::string_view s) {
  std::string out;
  append_json_string(s, &out);
  return out;
}

bool read_whole_file(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}


std::optional<ValType> parse_type(std::string_view s) {
  if (s == "i32") return ValType::I32;
  if (s == "i64") return ValType::I64;
  if (s == "f32") return ValType::F32;
  if (s == "f64") return ValType::F64;
  if (s == "v128") return ValType::V128;
  if (s == "funcref") return ValType::FuncRef;
  if (s == "externref") return ValType::ExternRef;
  return std::nullopt;
}

// The script's externref N is the host value N+1, so that null stays 0.
constexpr uint64_t kExternBias = 1;

std::string format_value(ValType t, uint64_t bits, uint64_t hi = 0) {
  char buf[96];
  switch (t) {
    case ValType::V128:
      std::snprintf(buf, sizeof buf, "v128 i32x4 0x%08" PRIx32 " 0x%08" PRIx32 " 0x%08" PRIx32 " 0x%08" PRIx32,
                    uint32_t(bits), uint32_t(bits >> 32), uint32_t(hi), uint32_t(hi >> 32));
      return buf;
    case ValType::I32:
      std::snprintf(buf, sizeof buf, "i32 %" PRId32 " (0x%08" PRIx32 ")", int32_t(uint32_t(bits)), uint32_t(bits));
      return buf;
    case ValType::I64:
      std::snprintf(buf, sizeof buf, "i64 %" PRId64 " (0x%016" PRIx64 ")", int64_t(bits), bits);
      return buf;
    case ValType::F32: {
      uint32_t b = uint32_t(bits);
      float f;
      std::memcpy(&f, &b, 4);
      std::snprintf(buf, sizeof buf, "f32 %.9g (0x%08" PRIx32 ")", double(f), b);
      return buf;
    }
    case ValType::F64: {
      double d;
      std::memcpy(&d, &bits, 8);
      std::snprintf(buf, sizeof buf, "f64 %.17g (0x%016" PRIx64 ")", d, bits);
      return buf;
    }
    case ValType::FuncRef:
      if (!bits) return "funcref null";
      std::snprintf(buf, sizeof buf, "funcref %#" PRIx64, bits);
      return buf;
    case ValType::ExternRef:
      if (!bits) return "externref null";
      std::snprintf(buf, sizeof buf, "externref %" PRIu64, bits - kExternBias);
      return buf;
    default:
      std::snprintf(buf, sizeof buf, "%s 0x%" PRIx64, valtype_name(t), bits);
      return buf;
  }
}

// {his}: the high halves of v128 values (empty or one per value).
std::string format_values(const std::vector<ValType>& types, const std::vector<uint64_t>& values,
                          const std::vector<uint64_t>& his = {}) {
  std::string out = "(";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ", ";
    out += format_value(i < types.size() ? types[i] : ValType::I64, values[i], i < his.size() ? his[i] : 0);
  }
  return out + ")";
}

// Decimal text of a value's bits (wast2json writes them unsigned; a minus
// sign is taken as two's complement). Checked against the type's width.
std::optional<uint64_t> parse_bits(std::string_view s, unsigned width) {
  bool neg = false;
  if (!s.empty() && s[0] == '-') {
    neg = true;
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  const uint64_t mask = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
  if (neg) {
    if (v > (mask >> 1) + 1) return std::nullopt;
    return (~v + 1) & mask;
  }
  if (v > mask) return std::nullopt;
  return v;
}

// What a command came to.
struct Outcome {
  enum Kind { Pass, Fail, Skip } kind = Pass;
  std::string message;  // for Fail: what was expected and what happened
  static Outcome pass() { return {Pass, {}}; }
  static Outcome fail(std::string m) { return {Fail, std::move(m)}; }
  static Outcome skip(std::string m) { return {Skip, std::move(m)}; }
};

// One value of the script: an argument or an expected result.
struct ScriptValue {
  ValType type = ValType::I32;
  enum Kind { Bits, CanonicalNan, ArithmeticNan, AnyNonNull } kind = Bits;
  uint64_t bits = 0;
  // v128: the high 8 bytes ({bits} holds the low ones), the lane shape of
  // the script's notation and, per lane, Bits or a NaN pattern.
  uint64_t hi = 0;
  std::string lane_type;
  std::vector<Kind> lane_kinds;
};

// A v128 value's lane shape from wast2json's "lane_type": lane width in bits
// and whether lanes are floats.
bool lane_shape(std::string_view lt, unsigned* bits, bool* is_float) {
  *is_float = lt == "f32" || lt == "f64";
  if (lt == "i8") *bits = 8;
  else if (lt == "i16") *bits = 16;
  else if (lt == "i32" || lt == "f32") *bits = 32;
  else if (lt == "i64" || lt == "f64") *bits = 64;
  else return false;
  return true;
}
uint64_t v128_lane(uint64_t lo, uint64_t hi, unsigned lane_bits, unsigned i) {
  const unsigned bit = i * lane_bits;
  const uint64_t word = bit < 64 ? lo : hi;
  const uint64_t mask = lane_bits == 64 ? ~uint64_t{0} : (uint64_t{1} << lane_bits) - 1;
  return (word >> (bit % 64)) & mask;
}

std::string format_expected(const ScriptValue& v) {
  if (v.type == ValType::V128 && !v.lane_kinds.empty()) {
    unsigned lb = 32;
    bool fl = false;
    lane_shape(v.lane_type, &lb, &fl);
    std::string out = "v128 " + v.lane_type + "x" + std::to_string(128 / lb);
    for (unsigned i = 0; i < 128 / lb; ++i) {
      if (v.lane_kinds[i] == ScriptValue::CanonicalNan) out += " nan:canonical";
      else if (v.lane_kinds[i] == ScriptValue::ArithmeticNan) out += " nan:arithmetic";
      else out += " " + std::to_string(v128_lane(v.bits, v.hi, lb, i));
    }
    return out;
  }
  switch (v.kind) {
    case ScriptValue::CanonicalNan: return std::string(valtype_name(v.type)) + " nan:canonical";
    case ScriptValue::ArithmeticNan: return std::string(valtype_name(v.type)) + " nan:arithmetic";
    case ScriptValue::AnyNonNull: return std::string(valtype_name(v.type)) + " (any non-null reference)";
    case ScriptValue::Bits: break;
  }
  return format_value(v.type, v.bits, v.hi);
}

// Reads {"type": "v128", "lane_type": L, "value": [lane, ...]}; as an
// expectation a float lane may be a NaN pattern.
Outcome parse_v128_value(const Json& j, bool expectation, ScriptValue* out) {
  std::optional<std::string_view> lt = j.get_string("lane_type");
  unsigned lb = 0;
  bool is_float = false;
  if (!lt || !lane_shape(*lt, &lb, &is_float)) return Outcome::fail("v128 value " + j.dump() + ": bad lane_type");
  const Json* lanes = j.get("value");
  const unsigned n = 128 / lb;
  if (!lanes || lanes->items().size() != n)
    return Outcome::fail("v128 value " + j.dump() + ": expected " + std::to_string(n) + " lanes");
  out->lane_type = std::string(*lt);
  out->lane_kinds.assign(n, ScriptValue::Bits);
  uint64_t half[2] = {0, 0};
  for (unsigned i = 0; i < n; ++i) {
    const Json& lane = lanes->items()[i];
    std::optional<std::string_view> v;
    if (lane.is_string()) v = lane.text();
    if (!v) return Outcome::fail("v128 value " + j.dump() + ": lane " + std::to_string(i) + " is not a string");
    if (is_float && (*v == "nan:canonical" || *v == "nan:arithmetic")) {
      if (!expectation) return Outcome::fail("NaN pattern " + quote(*v) + " as an argument");
      out->lane_kinds[i] = *v == "nan:canonical" ? ScriptValue::CanonicalNan : ScriptValue::ArithmeticNan;
      continue;
    }
    std::optional<uint64_t> bits = parse_bits(*v, lb);
    if (!bits) return Outcome::fail("bad v128 lane " + quote(*v) + " of " + std::string(*lt));
    const unsigned bit = i * lb;
    half[bit / 64] |= *bits << (bit % 64);
  }
  out->bits = half[0];
  out->hi = half[1];
  return Outcome::pass();
}

// Reads {"type": T, "value": V}.
Outcome parse_script_value(const Json& j, bool expectation, ScriptValue* out) {
  std::optional<std::string_view> t = j.get_string("type");
  if (!t) return Outcome::fail("malformed value " + j.dump() + ": no type");
  std::optional<ValType> type = parse_type(*t);
  if (!type) return Outcome::fail("unsupported value type " + quote(*t));
  out->type = *type;
  if (*type == ValType::V128) return parse_v128_value(j, expectation, out);
  std::optional<std::string_view> v = j.get_string("value");
  if (*type == ValType::FuncRef || *type == ValType::ExternRef) {
    if (!v) {
      // (ref.extern) / (ref.func) without an index: any non-null reference.
      if (!expectation) return Outcome::fail("reference argument " + j.dump() + " has no value");
      out->kind = ScriptValue::AnyNonNull;
      return Outcome::pass();
    }
    if (*v == "null") {
      out->bits = 0;
      return Outcome::pass();
    }
    if (*type == ValType::FuncRef) {
      // A function cannot be named from the script; as an expectation it
      // can only mean "some function".
      if (!expectation) return Outcome::fail("cannot pass funcref " + quote(*v) + " from a script");
      out->kind = ScriptValue::AnyNonNull;
      return Outcome::pass();
    }
    std::optional<uint64_t> n = parse_bits(*v, 64);
    if (!n || (*v)[0] == '-' || *n == ~uint64_t{0}) return Outcome::fail("bad externref value " + quote(*v));
    out->bits = *n + kExternBias;
    return Outcome::pass();
  }
  if (!v) return Outcome::fail("value " + j.dump() + " has no \"value\"");
  if (*type == ValType::F32 || *type == ValType::F64) {
    if (*v == "nan:canonical" || *v == "nan:arithmetic") {
      if (!expectation) return Outcome::fail("NaN pattern " + quote(*v) + " as an argument");
      out->kind = *v == "nan:canonical" ? ScriptValue::CanonicalNan : ScriptValue::ArithmeticNan;
      return Outcome::pass();
    }
  }
  const unsigned width = (*type == ValType::I32 || *type == ValType::F32) ? 32 : 64;
  std::optional<uint64_t> bits = parse_bits(*v, width);
  if (!bits) return Outcome::fail("bad " + std::string(*t) + " value " + quote(*v));
  out->bits = *bits;
  return Outcome::pass();
}

bool nan_matches(ScriptValue::Kind kind, bool is32, uint64_t got);

bool value_matches(const ScriptValue& e, uint64_t got, uint64_t got_hi = 0) {
  if (e.type == ValType::V128) {
    unsigned lb = 32;
    bool fl = false;
    lane_shape(e.lane_type, &lb, &fl);
    for (unsigned i = 0; i < 128 / lb; ++i) {
      const uint64_t g = v128_lane(got, got_hi, lb, i);
      if (e.lane_kinds[i] == ScriptValue::Bits) {
        if (g != v128_lane(e.bits, e.hi, lb, i)) return false;
      } else if (!nan_matches(e.lane_kinds[i], lb == 32, g)) {
        return false;
      }
    }
    return true;
  }
  const bool is32 = e.type == ValType::F32;
  switch (e.kind) {
    case ScriptValue::AnyNonNull: return got != 0;
    case ScriptValue::CanonicalNan:
    case ScriptValue::ArithmeticNan: return nan_matches(e.kind, is32, got);
    case ScriptValue::Bits: break;
  }
  if (e.type == ValType::I32 || e.type == ValType::F32) got &= 0xffffffffu;
  return got == e.bits;
}

bool nan_matches(ScriptValue::Kind kind, bool is32, uint64_t got) {
  const uint64_t exp_mask = is32 ? 0x7f800000u : 0x7ff0000000000000ull;
  const uint64_t mant_mask = is32 ? 0x007fffffu : 0x000fffffffffffffull;
  const uint64_t quiet = is32 ? 0x00400000u : 0x0008000000000000ull;
  if (is32) got &= 0xffffffffu;
  if ((got & exp_mask) != exp_mask) return false;
  if (kind == ScriptValue::CanonicalNan) return (got & mant_mask) == quiet;
  return (got & quiet) != 0;
}

// ------------------------------------------------------------- script runner

class ScriptRunner {
 public:
  ScriptRunner(const std::string& module_dir, const RunnerOptions& opts, Watchdog* watchdog, FileReport* report)
      : dir_(module_dir), opts_(opts), watchdog_(watchdog), report_(report), store_(opts.config) {
    define_spectest();
    rebuild_linker();
  }

  void run(const Json& script) {
    const Json* cmds = script.get("commands");
    if (!cmds || !cmds->is_array()) {
      record(0, Outcome::fail("the script has no \"commands\" array"));
      return;
    }
    for (const Json& c : cmds->items()) {
      uint64_t line = 0;
      if (const Json* l = c.get("line")) line = l->as_u64().value_or(0);
      Outcome o;
      try {
        o = command(c);
      } catch (const std::exception& e) {
        o = Outcome::fail(std::string("internal error: ") + e.what());
      }
      record(line, o);
    }
  }

 private:
  // A module command's result, addressable as the current module or by name.
  struct Slot {
    enum class State { Ready, Broken } state = State::Broken;
    Instance* instance = nullptr;
    uint64_t line = 0;
  };

  void record(uint64_t line, const Outcome& o) {
    switch (o.kind) {
      case Outcome::Pass: report_->counts.passed++; break;
      case Outcome::Skip: report_->counts.skipped++; break;
      case Outcome::Fail:
        report_->counts.failed++;
        report_->failures.push_back("line " + std::to_string(line) + ": " + o.message);
        break;
    }
    if (opts_.verbose) {
      for (std::string& n : pending_notes_) report_->notes.push_back("line " + std::to_string(line) + ": " + n);
    }
    pending_notes_.clear();
  }

  void note(std::string n) {
    if (opts_.verbose) pending_notes_.push_back(std::move(n));
  }

  // ----- the spectest host module

  void define_spectest() {
    auto print = [&](const char* name, std::vector<ValType> params) {
      FuncType ft{params, {}};
      Function* f = store_.create_host_function(
          ft,
          [this, name, params](HostCall&, const uint64_t* args, uint64_t*) {
            if (opts_.verbose) {
              std::string s = std::string("spectest.") + name + "(";
              for (size_t i = 0; i < params.size(); ++i) s += (i ? ", " : "") + format_value(params[i], args[i]);
              note(s + ")");
            }
            return TrapKind::None;
          },
          name);
      spectest_.push_back({name, Extern{ExternKind::Func, f}});
    };
    print("print", {});
    print("print_i32", {ValType::I32});
    print("print_i64", {ValType::I64});
    print("print_f32", {ValType::F32});
    print("print_f64", {ValType::F64});
    print("print_i32_f32", {ValType::I32, ValType::F32});
    print("print_f64_f64", {ValType::F64, ValType::F64});

    const float f32 = 666.6f;
    const double f64 = 666.6;
    uint32_t f32_bits;
    uint64_t f64_bits;
    std::memcpy(&f32_bits, &f32, 4);
    std::memcpy(&f64_bits, &f64, 8);
    auto global = [&](const char* name, ValType t, uint64_t bits) {
      spectest_.push_back({name, Extern{ExternKind::Global, store_.create_global(GlobalType{t, false}, bits)}});
    };
    global("global_i32", ValType::I32, 666);
    global("global_i64", ValType::I64, 666);
    global("global_f32", ValType::F32, f32_bits);
    global("global_f64", ValType::F64, f64_bits);

    TableType tt;
    tt.elem = ValType::FuncRef;
    tt.limits = Limits{10, 20, true};
    spectest_.push_back({"table", Extern{ExternKind::Table, store_.create_table(tt, 0)}});
    MemoryType mt;
    mt.limits = Limits{1, 2, true};
    spectest_.push_back({"memory", Extern{ExternKind::Memory, store_.create_memory(mt)}});
  }

  // The linker holds "spectest" and every registered instance. Registering a
  // name again replaces the earlier instance's exports entirely.
  void rebuild_linker() {
    linker_ = Linker();
    for (const auto& [name, ext] : spectest_) linker_.define("spectest", name, ext);
    for (const auto& [as, inst] : registered_) linker_.define_instance(as, inst);
  }

  // ----- modules

  Outcome load(const Json& cmd, std::shared_ptr<Module>* out) {
    std::optional<std::string_view> file = cmd.get_string("filename");
    if (!file || file->empty()) return Outcome::fail("command has no \"filename\"");
    std::string bytes;
    const std::string path = dir_ + "/" + std::string(*file);
    if (!read_whole_file(path, &bytes)) return Outcome::fail("cannot read module file " + path);
    auto m = decode_module(std::vector<uint8_t>(bytes.begin(), bytes.end()));
    if (!m.ok()) {
      decode_error_ = m.error().message;
      return Outcome::fail("module failed to decode: " + m.error().to_string());
    }
    *out = std::move(m).value();
    return Outcome::pass();
  }

  InstantiateResult instantiate(const std::shared_ptr<Module>& m, bool* timed_out) {
    if (watchdog_) watchdog_->arm(&store_);
    InstantiateResult r = store_.instantiate(m, linker_);
    *timed_out = watchdog_ && watchdog_->disarm();
    return r;
  }

  // "trap \"message\"", or the watchdog's interruption.
  std::string trap_text(const Trap& t, bool timed_out) const {
    if (timed_out && t.kind == TrapKind::Interrupted) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "a time-out (interrupted after %g s)", opts_.timeout_seconds);
      return buf;
    }
    return "trap " + quote(t.message);
  }

  Outcome module_command(const Json& cmd, uint64_t line) {
    Slot slot;
    slot.line = line;
    std::shared_ptr<Module> m;
    Outcome o = load(cmd, &m);
    if (o.kind == Outcome::Pass) {
      bool timed_out = false;
      InstantiateResult r = instantiate(m, &timed_out);
      if (r.resource_error) {
        o = Outcome::fail("module could not be instantiated: " + r.resource_error->to_string());
      } else if (r.link_error) {
        o = Outcome::fail("module failed to link: " + r.link_error->to_string());
      } else if (r.trap) {
        o = Outcome::fail("module instantiation ended in " + trap_text(*r.trap, timed_out));
      } else if (!r.instance) {
        o = Outcome::fail("instantiation gave no instance");
      } else {
        slot.state = Slot::State::Ready;
        slot.instance = r.instance;
      }
    }
    current_ = slot;
    if (std::optional<std::string_view> name = cmd.get_string("name")) named_[std::string(*name)] = slot;
    return o;
  }

  // Finds the module an action or register names (or the current one).
  Outcome find_module(const Json& where, Instance** out) {
    const Slot* slot = nullptr;
    std::string what = "the current module";
    if (const Json* name = where.get("module")) {
      // For register the module's name is "name"; for actions it is "module".
      what = "module " + quote(name->text());
      auto it = named_.find(name->text());
      if (it == named_.end()) return Outcome::fail("no " + what + " defined");
      slot = &it->second;
    } else if (current_) {
      slot = &*current_;
    } else {
      return Outcome::fail("no module defined yet");
    }
    switch (slot->state) {
      case Slot::State::Broken:
        return Outcome::fail(what + " (line " + std::to_string(slot->line) + ") failed to load");
      case Slot::State::Ready: break;
    }
    *out = slot->instance;
    return Outcome::pass();
  }

  Outcome register_command(const Json& cmd) {
    std::optional<std::string_view> as = cmd.get_string("as");
    if (!as) return Outcome::fail("register has no \"as\"");
    Instance* inst = nullptr;
    Outcome o;
    if (const Json* name = cmd.get("name")) {
      Json where = Json::make_object({{"module", *name}});
      o = find_module(where, &inst);
    } else {
      o = find_module(Json::make_object({}), &inst);
    }
    if (o.kind != Outcome::Pass) return o;
    auto [it, fresh] = registered_.insert({std::string(*as), inst});
    if (fresh) {
      linker_.define_instance(it->first, inst);
    } else {
      it->second = inst;
      rebuild_linker();
    }
    return Outcome::pass();
  }

  // ----- actions

  struct ActionResult {
    std::optional<Trap> trap;
    bool timed_out = false;
    std::vector<ValType> types;
    std::vector<uint64_t> values;
    std::vector<uint64_t> his;  // per value: the high 8 bytes of a v128, else 0
  };

  // Performs an invoke or get. Pass means it ran (returned or trapped);
  // Fail/Skip mean it could not be performed.
  Outcome perform(const Json* action, ActionResult* out) {
    if (!action || !action->is_object()) return Outcome::fail("command has no \"action\"");
    Instance* inst = nullptr;
    Outcome o = find_module(*action, &inst);
    if (o.kind != Outcome::Pass) return o;
    std::optional<std::string_view> field = action->get_string("field");
    if (!field) return Outcome::fail("action has no \"field\"");
    std::optional<Extern> ext = inst->get_export(*field);
    if (!ext) return Outcome::fail("no export " + quote(*field));
    std::optional<std::string_view> type = action->get_string("type");
    if (type == "get") {
      if (ext->kind != ExternKind::Global) return Outcome::fail("export " + quote(*field) + " is not a global");
      const Global* g = ext->global();
      uint64_t bits = g->bits;
      if (g->type.type == ValType::I32 || g->type.type == ValType::F32) bits &= 0xffffffffu;
      out->types = {g->type.type};
      out->values = {bits};
      out->his = {g->type.type == ValType::V128 ? g->hi : 0};
      return Outcome::pass();
    }
    if (type != "invoke") return Outcome::fail("unknown action type " + quote(type.value_or("")));
    if (ext->kind != ExternKind::Func) return Outcome::fail("export " + quote(*field) + " is not a function");
    Function* f = ext->func();
    const FuncType& ft = *f->type;
    std::vector<uint64_t> args;  // in slot layout: a v128 takes two
    size_t nargs = 0;
    if (const Json* a = action->get("args")) {
      for (const Json& v : a->items()) {
        ScriptValue sv;
        Outcome po = parse_script_value(v, false, &sv);
        if (po.kind != Outcome::Pass) return po;
        args.push_back(sv.bits);
        if (sv.type == ValType::V128) args.push_back(sv.hi);
        ++nargs;
      }
      if (nargs == ft.params.size()) {
        for (size_t i = 0; i < nargs; ++i) {
          std::optional<ValType> t = parse_type(a->items()[i].get_string("type").value_or(""));
          if (t != ft.params[i])
            return Outcome::fail("argument " + std::to_string(i) + " of " + quote(*field) + " is " +
                                 valtype_name(ft.params[i]) + ", the script passes " + a->items()[i].dump());
        }
      }
    }
    if (nargs != ft.params.size())
      return Outcome::fail(quote(*field) + " takes " + std::to_string(ft.params.size()) + " arguments, the script passes " +
                           std::to_string(nargs));
    // Never hand the engine a null buffer, even for no values.
    args.resize(std::max<size_t>(args.size(), 1));
    std::vector<uint64_t> results(std::max<size_t>(slot_count(ft.results), 1));
    if (watchdog_) watchdog_->arm(&store_);
    CallResult r = store_.call(f, args.data(), results.data());
    out->timed_out = watchdog_ && watchdog_->disarm();
    if (r.trap) {
      out->trap = std::move(r.trap);
      return Outcome::pass();
    }
    out->types = ft.results;
    size_t slot = 0;
    for (ValType t : ft.results) {
      out->values.push_back(results[slot++]);
      out->his.push_back(t == ValType::V128 ? results[slot++] : 0);
    }
    return Outcome::pass();
  }

  Outcome expect_return(const Json& cmd) {
    ActionResult res;
    Outcome o = perform(cmd.get("action"), &res);
    if (o.kind != Outcome::Pass) return o;
    // Parse the expectations first: a v128 one makes the command a skip.
    std::vector<ScriptValue> expected;
    if (const Json* e = cmd.get("expected")) {
      for (const Json& v : e->items()) {
        ScriptValue sv;
        Outcome po = parse_script_value(v, true, &sv);
        if (po.kind != Outcome::Pass) return po;
        expected.push_back(sv);
      }
    }
    if (res.trap) return Outcome::fail("expected a return, got " + trap_text(*res.trap, res.timed_out));
    std::string expected_text = "(";
    for (size_t i = 0; i < expected.size(); ++i) expected_text += (i ? ", " : "") + format_expected(expected[i]);
    expected_text += ")";
    const std::string mismatch = "expected " + expected_text + ", got " + format_values(res.types, res.values, res.his);
    if (expected.size() != res.values.size()) return Outcome::fail(mismatch + " (result count differs)");
    for (size_t i = 0; i < expected.size(); ++i) {
      if (expected[i].type != res.types[i]) return Outcome::fail(mismatch + " (result type differs)");
      if (!value_matches(expected[i], res.values[i], res.his[i])) return Outcome::fail(mismatch);
    }
    return Outcome::pass();
  }

  Outcome check_trap(const Trap& trap, bool timed_out, const std::string& text) {
    if (timed_out && trap.kind == TrapKind::Interrupted)
      return Outcome::fail("expected trap " + quote(text) + ", got " + trap_text(trap, true));
    if (!messages_match(trap.message, text))
      return Outcome::fail("expected trap " + quote(text) + ", got trap " + quote(trap.message));
    return Outcome::pass();
  }

  Outcome expect_trap(const Json& cmd, const std::string& type) {
    const std::string text(cmd.get_string("text").value_or(""));
    if (cmd.get("action")) {
      ActionResult res;
      Outcome o = perform(cmd.get("action"), &res);
      if (o.kind != Outcome::Pass) return o;
      if (!res.trap)
        return Outcome::fail("expected trap " + quote(text) + ", got a return " + format_values(res.types, res.values));
      Outcome t = check_trap(*res.trap, res.timed_out, text);
      if (t.kind == Outcome::Pass && type == "assert_exhaustion" && res.trap->kind != TrapKind::StackExhausted)
        return Outcome::fail("expected exhaustion " + quote(text) + ", got trap " + quote(res.trap->message));
      return t;
    }
    if (type == "assert_exhaustion") return Outcome::fail("assert_exhaustion has no \"action\"");
    // (assert_trap (module ...)): instantiation must trap.
    return expect_instantiation_trap(cmd, text);
  }

  Outcome expect_instantiation_trap(const Json& cmd, const std::string& text) {
    std::shared_ptr<Module> m;
    Outcome o = load(cmd, &m);
    if (o.kind != Outcome::Pass) return o;
    bool timed_out = false;
    InstantiateResult r = instantiate(m, &timed_out);
    if (r.link_error) {
      return Outcome::fail("expected trap " + quote(text) + " at instantiation, got link error: " +
                           r.link_error->to_string());
    }
    if (!r.trap) return Outcome::fail("expected trap " + quote(text) + " at instantiation, module instantiated");
    return check_trap(*r.trap, timed_out, text);
  }

  Outcome expect_rejected(const Json& cmd, const std::string& type) {
    const std::string text(cmd.get_string("text").value_or(""));
    if (cmd.get_string("module_type") == "text") return Outcome::skip("text module");
    std::shared_ptr<Module> m;
    decode_error_.clear();
    Outcome o = load(cmd, &m);
    if (o.kind == Outcome::Skip) return o;
    if (o.kind == Outcome::Fail) {
      if (decode_error_.empty()) return o;  // not a decoding error: no file, say
      if (!messages_match(decode_error_, text)) note("rejected with " + quote(decode_error_) + ", the spec says " + quote(text));
      return Outcome::pass();
    }
    return Outcome::fail(type + ": module was accepted, expected it to be rejected with " + quote(text));
  }

  Outcome expect_unlinkable(const Json& cmd) {
    const std::string text(cmd.get_string("text").value_or(""));
    std::shared_ptr<Module> m;
    Outcome o = load(cmd, &m);
    if (o.kind != Outcome::Pass) return o;
    bool timed_out = false;
    InstantiateResult r = instantiate(m, &timed_out);
    if (r.link_error) {
      if (!messages_match(r.link_error->message, text))
        note("link error " + quote(r.link_error->message) + ", the spec says " + quote(text));
      return Outcome::pass();
    }
    if (r.trap) return Outcome::fail("expected link error " + quote(text) + ", got " + trap_text(*r.trap, timed_out));
    return Outcome::fail("expected link error " + quote(text) + ", module instantiated");
  }

  Outcome command(const Json& cmd) {
    std::optional<std::string_view> t = cmd.get_string("type");
    if (!t) return Outcome::fail("command without a \"type\": " + cmd.dump().substr(0, 200));
    const std::string type(*t);
    uint64_t line = 0;
    if (const Json* l = cmd.get("line")) line = l->as_u64().value_or(0);
    if (type == "module") return module_command(cmd, line);
    if (type == "register") return register_command(cmd);
    if (type == "action") {
      ActionResult res;
      Outcome o = perform(cmd.get("action"), &res);
      if (o.kind != Outcome::Pass) return o;
      if (res.trap) return Outcome::fail("action ended in " + trap_text(*res.trap, res.timed_out));
      return Outcome::pass();
    }
    if (type == "assert_return") return expect_return(cmd);
    if (type == "assert_trap" || type == "assert_exhaustion") return expect_trap(cmd, type);
    if (type == "assert_invalid" || type == "assert_malformed") return expect_rejected(cmd, type);
    if (type == "assert_unlinkable") return expect_unlinkable(cmd);
    if (type == "assert_uninstantiable")
      return expect_instantiation_trap(cmd, std::string(cmd.get_string("text").value_or("")));
    return Outcome::fail("unknown command type " + quote(type));
  }

  std::string dir_;
  const RunnerOptions& opts_;
  Watchdog* watchdog_;
  FileReport* report_;
  Store store_;
  Linker linker_;
  std::vector<std::pair<std::string, Extern>> spectest_;
  std::map<std::string, Instance*> registered_;
  std::optional<Slot> current_;
  std::map<std::string, Slot> named_;
  std::string decode_error_;
  std::vector<std::string> pending_notes_;
};

// ------------------------------------------------------------- files

// A temporary directory, removed (with the files in it) on destruction.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/brisk-spectest-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data())) path_ = buf.data();
  }
  ~TempDir() {
    if (path_.empty()) return;
    if (DIR* d = opendir(path_.c_str())) {
      while (dirent* e = readdir(d)) {
        if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
        unlink((path_ + "/" + e->d_name).c_str());
      }
      closedir(d);
    }
    rmdir(path_.c_str());
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  bool ok() const { return !path_.empty(); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs wast2json {wast} -o {json}, its output going to {log}. Returns an
// empty string on success, else what went wrong.
std::string run_wast2json(const std::string& program, const std::string& wast, const std::string& json,
                          const std::string& log) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  std::vector<std::string> argv_s = {program, wast, "-o", json};
  std::vector<char*> argv;
  for (std::string& s : argv_s) argv.push_back(s.data());
  argv.push_back(nullptr);
  pid_t pid;
  int rc = posix_spawnp(&pid, program.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return "cannot run " + program + ": " + std::strerror(rc);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return "waitpid: " + std::string(std::strerror(errno));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
  std::string out;
  read_whole_file(log, &out);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  if (out.size() > 2000) out = out.substr(0, 2000) + "...";
  std::string how = WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                      : "signal " + std::to_string(WTERMSIG(status));
  return program + " failed (" + how + ")" + (out.empty() ? "" : ": " + out);
}

}  // namespace

FileReport run_script(const Json& script, const std::string& module_dir, const std::string& label,
                      const RunnerOptions& opts, Watchdog* watchdog) {
  FileReport report;
  report.label = label;
  ScriptRunner runner(module_dir, opts, watchdog, &report);
  runner.run(script);
  return report;
}

FileReport run_file(const std::string& path, const std::string& label, const RunnerOptions& opts,
                    Watchdog* watchdog) {
  FileReport report;
  report.label = label;
  auto fail = [&](std::string why) {
    report.counts.failed++;
    report.failures.push_back(std::move(why));
    return report;
  };
  std::optional<TempDir> tmp;
  std::string json_path = path;
  std::string module_dir;
  if (ends_with(path, ".wast")) {
    tmp.emplace();
    if (!tmp->ok()) return fail(std::string("cannot create a temporary directory: ") + std::strerror(errno));
    std::string base = base_name(path);
    base.resize(base.size() - 5);
    if (base.empty()) base = "script";
    json_path = tmp->path() + "/" + base + ".json";
    std::string err = run_wast2json(opts.wast2json, path, json_path, tmp->path() + "/wast2json.log");
    if (!err.empty()) return fail(err);
    module_dir = tmp->path();
  } else if (ends_with(path, ".json")) {
    size_t slash = path.find_last_of('/');
    module_dir = slash == std::string::npos ? "." : path.substr(0, slash);
    if (module_dir.empty()) module_dir = "/";
  } else {
    return fail("not a .wast or .json file");
  }
  std::string text;
  if (!read_whole_file(json_path, &text)) return fail("cannot read " + json_path + ": " + std::strerror(errno));
  JsonError err;
  std::optional<Json> script = parse_json(text, &err);
  if (!script) return fail("malformed JSON script: " + err.to_string());
  return run_script(*script, module_dir, label, opts, watchdog);
}

}  // namespace brisk::spectest

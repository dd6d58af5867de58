// Side-by-side execution of one module in several engine configurations
// (see fuzz_support.h).
#include "fuzz_support.h"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>

#include "jit/jit_runtime.h"

namespace brisk::fuzz {

namespace {

using Clock = std::chrono::steady_clock;

// One thread for the whole process (fuzzers call run_differential millions
// of times): interrupts the armed store once its deadline passes. Never
// destroyed, so it outlives every static that a fuzzer's exit tears down.
class Watchdog {
 public:
  static Watchdog& get() {
    static Watchdog* w = new Watchdog;
    return *w;
  }
  void arm(Store* s, int ms) {
    std::lock_guard<std::mutex> g(mu_);
    store_ = s;
    deadline_ = Clock::now() + std::chrono::milliseconds(ms);
    cv_.notify_all();
  }
  // After disarm() returns the watchdog no longer touches the store. An
  // interrupt that raced with the end of the call is cleared by the next
  // top-level Store::call.
  void disarm() {
    std::lock_guard<std::mutex> g(mu_);
    store_ = nullptr;
  }

 private:
  Watchdog() { std::thread([this] { loop(); }).detach(); }
  void loop() {
    std::unique_lock<std::mutex> g(mu_);
    for (;;) {
      if (store_ && Clock::now() >= deadline_) {
        store_->interrupt();
        store_ = nullptr;
      }
      cv_.wait_for(g, std::chrono::milliseconds(2));
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  Store* store_ = nullptr;
  Clock::time_point deadline_;
};

bool is_nan_bits(ValType t, uint64_t b) {
  if (t == ValType::F32) return (b & 0x7f800000u) == 0x7f800000u && (b & 0x7fffffu);
  if (t == ValType::F64) return (b & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (b & 0xfffffffffffffull);
  return false;
}

struct LogEntry {
  uint32_t import = 0;  // index among the module's imports
  std::vector<uint64_t> args;
};

// One configuration's store, instance and stub-call log.
struct Lane {
  const ModeConfig* mode = nullptr;
  std::unique_ptr<Store> store;
  Linker linker;
  Instance* inst = nullptr;
  std::vector<LogEntry> log;  // calls into stubs during the current call (capped)
  size_t log_total = 0;       // all of them, including those beyond the cap
  bool live = true;           // false once the watchdog interrupted it
};

constexpr size_t kMaxLogged = 4096;

// Creates a stub for every import; false (with {why}) when one cannot be
// made within the harness's limits.
bool stub_imports(Lane& lane, const Module& m, const DiffOptions& opts, std::string* why) {
  Store& store = *lane.store;
  for (uint32_t idx = 0; idx < m.imports.size(); ++idx) {
    const Import& imp = m.imports[idx];
    Extern e;
    e.kind = imp.kind;
    switch (imp.kind) {
      case ExternKind::Func: {
        const FuncType& ft = m.types[imp.func_type];
        // Host callbacks see arguments and results in slot layout (a v128 takes two).
        size_t np = slot_count(ft.params), nr = slot_count(ft.results);
        Lane* l = &lane;
        e.ptr = store.create_host_function(
            ft,
            [l, idx, np, nr](HostCall&, const uint64_t* args, uint64_t* results) {
              if (l->log.size() < kMaxLogged) l->log.push_back({idx, std::vector<uint64_t>(args, args + np)});
              l->log_total++;
              for (size_t i = 0; i < nr; ++i) results[i] = 0;
              return TrapKind::None;
            },
            imp.module + "." + imp.name);
        break;
      }
      case ExternKind::Global: e.ptr = store.create_global(imp.global, 0); break;
      case ExternKind::Memory: {
        if (imp.memory.limits.min * kPageSize > opts.max_memory_bytes) {
          *why = "imported memory of " + std::to_string(imp.memory.limits.min) + " pages";
          return false;
        }
        Memory* mem = store.create_memory(imp.memory);
        if (!mem->valid()) {
          *why = "cannot create imported memory";
          return false;
        }
        e.ptr = mem;
        break;
      }
      case ExternKind::Table:
        if (imp.table.limits.min > opts.max_table_elems) {
          *why = "imported table of " + std::to_string(imp.table.limits.min) + " elements";
          return false;
        }
        e.ptr = store.create_table(imp.table, 0);
        break;
    }
    lane.linker.define(imp.module, imp.name, e);
  }
  return true;
}

// A store-independent name for a reference: function addresses differ per store.
std::string ref_key(const Lane& lane, ValType t, uint64_t bits) {
  if (bits == 0) return "null";
  if (t != ValType::FuncRef) return "extern:" + std::to_string(bits);
  const Function* f = reinterpret_cast<const Function*>(bits);
  if (f->instance == lane.inst) return "func[" + std::to_string(f->index) + "]";
  return "host:" + f->display_name();
}

bool same_slot(const Lane& a, const Lane& b, ValType t, uint64_t x, uint64_t y) {
  if (is_ref_type(t)) return ref_key(a, t, x) == ref_key(b, t, y);
  return same_value(t, x, y);
}

// Compares two value lists of types {ts} in slot layout (a v128 is two
// slots, compared bit for bit); returns the first differing slot.
std::optional<size_t> first_difference(const Lane& a, const Lane& b, const std::vector<ValType>& ts,
                                       const uint64_t* x, const uint64_t* y) {
  size_t slot = 0;
  for (ValType t : ts) {
    for (uint32_t h = 0; h < val_slots(t); ++h, ++slot)
      if (t == ValType::V128 ? x[slot] != y[slot] : !same_slot(a, b, t, x[slot], y[slot])) return slot;
  }
  return std::nullopt;
}

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)v);
  return buf;
}

struct Outcome {
  TrapKind trap = TrapKind::None;
  std::vector<uint64_t> results;
};

std::string describe(const Outcome& o) {
  if (o.trap != TrapKind::None) return std::string("trap '") + trap_message(o.trap) + "'";
  std::string s = "results [";
  for (size_t i = 0; i < o.results.size(); ++i) {
    if (i) s += ' ';
    s += hex(o.results[i]);
  }
  return s + "]";
}

// Compares everything {b} can observe with {a}; returns the first difference.
std::optional<std::string> compare_state(const Module& m, const Lane& a, const Lane& b, const DiffOptions& opts) {
  if (a.log_total != b.log_total || a.log.size() != b.log.size())
    return "stub calls: " + std::to_string(a.log_total) + " (" + std::to_string(a.log.size()) + " logged) vs " +
           std::to_string(b.log_total) + " (" + std::to_string(b.log.size()) + " logged)";
  for (size_t i = 0; i < a.log.size() && i < b.log.size(); ++i) {
    const LogEntry& x = a.log[i];
    const LogEntry& y = b.log[i];
    const Import& imp = m.imports[x.import];
    if (x.import != y.import) return "stub call " + std::to_string(i) + ": import " + std::to_string(x.import) + " vs " + std::to_string(y.import);
    const FuncType& ft = m.types[imp.func_type];
    if (auto k = first_difference(a, b, ft.params, x.args.data(), y.args.data()))
      return "stub call " + std::to_string(i) + " (" + imp.module + "." + imp.name + ") argument " +
             std::to_string(*k) + ": " + hex(x.args[*k]) + " vs " + hex(y.args[*k]);
  }
  const Instance& ia = *a.inst;
  const Instance& ib = *b.inst;
  for (size_t g = 0; g < ia.globals.size(); ++g) {
    const Global& x = *ia.globals[g];
    const Global& y = *ib.globals[g];
    if (!same_slot(a, b, x.type.type, x.bits, y.bits) || x.hi != y.hi)
      return "global " + std::to_string(g) + ": " + hex(x.hi) + ":" + hex(x.bits) + " vs " + hex(y.hi) + ":" +
             hex(y.bits);
  }
  for (size_t t = 0; t < ia.tables.size(); ++t) {
    const Table& x = *ia.tables[t];
    const Table& y = *ib.tables[t];
    if (x.size() != y.size())
      return "table " + std::to_string(t) + " size " + std::to_string(x.size()) + " vs " + std::to_string(y.size());
    // Very large tables are compared in their first 64 Ki elements only (cost per call).
    for (uint32_t e = 0; e < x.size() && e < (1u << 16); ++e)
      if (!same_slot(a, b, x.type().elem, x.elems_[e], y.elems_[e]))
        return "table " + std::to_string(t) + "[" + std::to_string(e) + "]: " +
               ref_key(a, x.type().elem, x.elems_[e]) + " vs " + ref_key(b, y.type().elem, y.elems_[e]);
  }
  for (size_t i = 0; i < ia.memories.size(); ++i) {
    const Memory& x = *ia.memories[i];
    const Memory& y = *ib.memories[i];
    if (x.size_bytes() != y.size_bytes())
      return "memory " + std::to_string(i) + " size " + std::to_string(x.size_bytes()) + " vs " +
             std::to_string(y.size_bytes());
    // A memory grown beyond the limit is compared in its first max_memory_bytes
    // (reading gigabytes of untouched pages per call would stall the fuzzer).
    uint64_t n = std::min(x.size_bytes(), opts.max_memory_bytes);
    if (n && std::memcmp(x.data(), y.data(), n) != 0 && !same_memory(x.data(), y.data(), n)) {
      uint64_t p = 0;
      while (x.data()[p] == y.data()[p]) p++;
      return "memory " + std::to_string(i) + " differs first at byte " + std::to_string(p) + ": " +
             hex(x.data()[p]) + " vs " + hex(y.data()[p]);
    }
  }
  return std::nullopt;
}

uint64_t simple_arg(ValType t, int variant) {
  if (variant == 0) return 0;
  switch (t) {
    case ValType::I32: return 1;
    case ValType::I64: return ~0ull;
    case ValType::F32: return 0x3fc00000;            // 1.5f
    case ValType::F64: return 0xbfe0000000000000ull;  // -0.5
    default: return 0;                                // null reference
  }
}

}  // namespace

bool same_value(ValType t, uint64_t a, uint64_t b) {
  if (a == b) return true;
  return is_nan_bits(t, a) && is_nan_bits(t, b);
}

bool same_memory(const uint8_t* a, const uint8_t* b, uint64_t n) {
  auto nan_at = [&](uint64_t s, unsigned width) {
    if (s + width > n) return false;
    uint64_t x = 0, y = 0;
    std::memcpy(&x, a + s, width);
    std::memcpy(&y, b + s, width);
    ValType t = width == 4 ? ValType::F32 : ValType::F64;
    return is_nan_bits(t, x) && is_nan_bits(t, y);
  };
  for (uint64_t p = 0; p < n; ++p) {
    if (a[p] == b[p]) continue;
    bool covered = false;
    for (unsigned width : {4u, 8u})
      for (uint64_t s = p >= width - 1 ? p - (width - 1) : 0; s <= p && !covered; ++s) covered = nan_at(s, width);
    if (!covered) return false;
  }
  return true;
}

std::vector<ModeConfig> exec_modes(bool both_bounds, uint32_t max_call_depth) {
  std::vector<ModeConfig> out;
  for (BoundsMode bounds : {BoundsMode::Guard, BoundsMode::Explicit}) {
    if (bounds == BoundsMode::Explicit && !both_bounds) break;
    const char* suffix = bounds == BoundsMode::Explicit ? "-explicit" : "";
    EngineConfig c;
    c.bounds = bounds;
    c.max_call_depth = max_call_depth;
    c.value_stack_bytes = 4u << 20;
    out.push_back({std::string("interp") + suffix, c});
    if (!jit::jit_available()) continue;
    c.mode = ExecMode::Jit;
    out.push_back({std::string("jit") + suffix, c});
    c.mode = ExecMode::Tiered;
    c.tier_up_threshold = 1;
    out.push_back({std::string("tiered1") + suffix, c});
  }
  return out;
}

DiffReport run_differential(const std::shared_ptr<const Module>& m, const std::vector<ModeConfig>& modes,
                            const DiffOptions& opts) {
  DiffReport rep;
  auto skip = [&](std::string why) {
    rep.status = DiffReport::Skipped;
    rep.detail = std::move(why);
    return rep;
  };
  auto mismatch = [&](std::string what) {
    rep.status = DiffReport::Mismatch;
    rep.detail = std::move(what);
    return rep;
  };
  for (size_t i = m->num_imported_memories; i < m->memories.size(); ++i)
    if (m->memories[i].limits.min * kPageSize > opts.max_memory_bytes)
      return skip("memory of " + std::to_string(m->memories[i].limits.min) + " pages");
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(opts.module_ms);
  Watchdog& dog = Watchdog::get();

  std::vector<Lane> lanes(modes.size());
  std::vector<InstantiateResult> inst(modes.size());
  for (size_t i = 0; i < modes.size(); ++i) {
    Lane& l = lanes[i];
    l.mode = &modes[i];
    l.store = std::make_unique<Store>(modes[i].cfg);
    std::string why;
    if (!stub_imports(l, *m, opts, &why)) return skip(why);
    dog.arm(l.store.get(), opts.call_ms);
    inst[i] = l.store->instantiate(m, l.linker);
    dog.disarm();
    l.inst = inst[i].instance;
    if (inst[i].trap && inst[i].trap->kind == TrapKind::Interrupted) {
      l.live = false;
      rep.interrupted++;
    }
  }
  // Instantiation: the same link or resource error (a harness limit, e.g.
  // memory) or trap everywhere.
  auto setup_error = [](const InstantiateResult& r) -> const Error* {
    if (r.link_error) return &*r.link_error;
    if (r.resource_error) return &*r.resource_error;
    return nullptr;
  };
  for (size_t i = 1; i < modes.size(); ++i) {
    const Error* e = setup_error(inst[i]);
    const Error* e0 = setup_error(inst[0]);
    if (bool(e) != bool(e0))
      return mismatch(modes[i].name + " instantiation " + (e ? e->message : "ok") + " vs " + modes[0].name + " " +
                      (e0 ? e0->message : "ok"));
  }
  if (const Error* e = setup_error(inst[0])) return skip("instantiation error: " + e->message);
  const Lane* ref = nullptr;
  TrapKind ref_trap = TrapKind::None;
  for (size_t i = 0; i < modes.size(); ++i) {
    if (!lanes[i].live) continue;
    TrapKind k = inst[i].trap ? inst[i].trap->kind : TrapKind::None;
    if (!ref) {
      ref = &lanes[i];
      ref_trap = k;
      continue;
    }
    if (k != ref_trap)
      return mismatch(modes[i].name + " instantiation trap '" + trap_message(k) + "' vs " + ref->mode->name + " '" +
                      trap_message(ref_trap) + "'");
    if (auto d = compare_state(*m, *ref, lanes[i], opts))
      return mismatch(modes[i].name + " vs " + ref->mode->name + " after instantiation: " + *d);
  }
  if (!ref) return rep;             // every configuration interrupted
  if (ref_trap != TrapKind::None) return rep;  // start function or segments trapped alike

  size_t exported = 0;
  for (const Export& e : m->exports) {
    if (e.kind != ExternKind::Func) continue;
    if (exported++ == opts.max_exports) break;
    const FuncType& ft = m->func_type(e.index);
    for (int variant = 0; variant < 2; ++variant) {
      if (Clock::now() >= deadline) return rep;
      std::vector<uint64_t> args;  // slot layout: a v128 argument takes two
      for (ValType t : ft.params)
        for (uint32_t h = 0; h < val_slots(t); ++h) args.push_back(simple_arg(t, variant));
      std::vector<Outcome> out(lanes.size());
      for (size_t i = 0; i < lanes.size(); ++i) {
        Lane& l = lanes[i];
        if (!l.live) continue;
        l.log.clear();
        l.log_total = 0;
        std::vector<uint64_t> res(slot_count(ft.results) + 1);
        dog.arm(l.store.get(), opts.call_ms);
        CallResult r = l.store->call(l.inst->funcs[e.index], args.data(), res.data());
        dog.disarm();
        if (r.trap) out[i].trap = r.trap->kind;
        else out[i].results.assign(res.begin(), res.begin() + slot_count(ft.results));
        if (out[i].trap == TrapKind::Interrupted) {
          l.live = false;
          rep.interrupted++;
        }
        if (opts.verbose)
          std::fprintf(stderr, "  %-16s %s(variant %d): %s, %zu stub calls\n", l.mode->name.c_str(), e.name.c_str(),
                       variant, describe(out[i]).c_str(), l.log_total);
      }
      rep.calls++;
      size_t r0 = lanes.size();
      for (size_t i = 0; i < lanes.size(); ++i) {
        if (!lanes[i].live) continue;
        if (r0 == lanes.size()) {
          r0 = i;
          continue;
        }
        const Lane& a = lanes[r0];
        const Lane& b = lanes[i];
        std::string where = b.mode->name + " vs " + a.mode->name + ", export '" + e.name + "' (" +
                            ft.to_string() + ") with " + (variant ? "simple" : "zero") + " arguments: ";
        const Outcome& x = out[r0];
        const Outcome& y = out[i];
        bool same = x.trap == y.trap && x.results.size() == y.results.size() &&
                    (x.trap != TrapKind::None ||
                     !first_difference(a, b, ft.results, x.results.data(), y.results.data()));
        if (!same) return mismatch(where + describe(y) + " vs " + describe(x));
        if (auto d = compare_state(*m, a, b, opts)) return mismatch(where + *d);
      }
      if (r0 == lanes.size()) return rep;  // nobody left to compare
    }
  }
  return rep;
}

}  // namespace brisk::fuzz

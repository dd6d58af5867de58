// CPU control of running wasm besides fuel: interruption, epoch deadlines
// and per-call wall-clock timeouts. All three share one "attention" flag
// (ExecContext::interrupt) that every tier already tests at its check sites
// (interpreter: call and back-edge budgets; JIT: function entry and loop
// back-edges), so enabling them adds nothing to the hot path. Whoever wants
// the running code to look (Store::interrupt, Engine::increment_epoch, the
// timeout timer) sets a reason bit and then the flag; the slow path
// check_attention() clears the flag, takes the reasons and decides.
//
// An Engine holds the epoch counter that hosts advance from any thread; a
// store registered with it is notified only when the new epoch reaches the
// store's deadline, so ticks before the deadline cost the running code
// nothing.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "runtime/memory_pool.h"
#include "runtime/trap.h"

namespace brisk {

struct ExecContext;
class CpuControl;

// Reason bits behind the attention flag.
constexpr uint32_t kAttentionInterrupt = 1;
constexpr uint32_t kAttentionEpoch = 2;
constexpr uint32_t kAttentionTimeout = 4;

class Engine {
 public:
  uint64_t epoch() const { return epoch_.load(); }
  // Safe from any thread.
  void increment_epoch();
  void attach(CpuControl* c);
  void detach(CpuControl* c);
  // Released linear memories kept for reuse by this engine's stores.
  const std::shared_ptr<MemoryPool>& memory_pool() const { return memory_pool_; }

 private:
  std::shared_ptr<MemoryPool> memory_pool_ = std::make_shared<MemoryPool>();
  std::atomic<uint64_t> epoch_{0};
  std::mutex mu_;
  std::vector<CpuControl*> stores_;
};

// What the epoch-deadline callback decides: trap, or continue with the
// deadline moved to the current epoch + {delta}.
struct EpochDecision {
  bool trap = true;
  uint64_t delta = 0;
};
using EpochCallback = std::function<EpochDecision()>;

// One store's CPU-control state (owned by the Store; registered with its engine).
class CpuControl {
 public:
  CpuControl(ExecContext* ctx, std::shared_ptr<Engine> engine);
  ~CpuControl();
  CpuControl(const CpuControl&) = delete;
  CpuControl& operator=(const CpuControl&) = delete;

  Engine& engine() { return *engine_; }
  // Moves the store to {engine} (before any deadline is set).
  void use_engine(std::shared_ptr<Engine> engine);
  // Sets {reason} and the attention flag. Safe from any thread.
  void notify(uint32_t reason);
  // Deadline = current epoch + {delta}; reaching it calls the callback.
  void set_epoch_deadline(uint64_t delta);
  uint64_t epoch_deadline() const { return deadline_.load(); }
  void set_epoch_callback(EpochCallback cb) { on_deadline_ = std::move(cb); }
  // 0: none. Applies to each following outermost call.
  void set_call_timeout(uint64_t ns) { timeout_ns_ = ns; }
  uint64_t call_timeout() const { return timeout_ns_; }

  // Around an outermost call: arm and disarm the timeout. Inline and
  // nearly free when the store uses no timeout (the host->guest call path).
  void call_started() {
    // A timeout bit can only be set while a timer is armed and a disarmed
    // timer never sets it again (disarm() synchronizes with the timer
    // thread), so a relaxed look suffices to skip the clearing RMW.
    if (timeout_ns_ || (reasons_->load(std::memory_order_relaxed) & kAttentionTimeout))
      call_started_slow();
  }
  void call_finished() {
    if (timer_armed_) call_finished_slow();
  }

  // The slow path behind the attention flag: TrapKind::None to continue.
  TrapKind check();
  // True while a CPU-control callback runs (it must not call into wasm).
  bool in_callback() const { return in_callback_; }

 private:
  void call_started_slow();
  void call_finished_slow();

  ExecContext* ctx_;
  std::atomic<uint32_t>* reasons_;  // &ctx_->attention_reasons (ExecContext is incomplete here)
  std::shared_ptr<Engine> engine_;
  std::atomic<uint64_t> deadline_{UINT64_MAX};
  EpochCallback on_deadline_;
  uint64_t timeout_ns_ = 0;
  bool timer_armed_ = false;
  bool in_callback_ = false;
  std::chrono::steady_clock::time_point call_deadline_{};
};

// The slow path of every tier's check sites (ExecContext::cpu).
TrapKind check_attention(ExecContext* ctx);
// Recomputes ExecContext::jit_entry_limit after native_stack_limit changed
// or the attention flag was cleared (never loses a concurrent notify: the
// flag is read after the store).
void sync_jit_entry_limit(ExecContext* ctx);

}  // namespace brisk

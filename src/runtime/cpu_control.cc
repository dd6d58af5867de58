// Epochs, interruption and call timeouts (cpu_control.h). The timeout timer
// is one process-wide thread, started on first use, that sleeps until the
// earliest armed deadline and then notifies that store: no thread per call,
// and nothing runs while no timeout is armed.
#include "runtime/cpu_control.h"

#include <algorithm>
#include <condition_variable>
#include <thread>

#include "interp/interp.h"

namespace brisk {

namespace {

using Clock = std::chrono::steady_clock;

class TimeoutTimer {
 public:
  void arm(CpuControl* c, Clock::time_point when) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!started_) {
      started_ = true;
      std::thread([this] { run(); }).detach();
    }
    entries_.push_back({c, when});
    if (when < next_wake_) cv_.notify_one();
  }
  void disarm(CpuControl* c) {
    std::lock_guard<std::mutex> lock(mu_);
    // After this returns the timer never touches {c} again.
    entries_.erase(std::remove_if(entries_.begin(), entries_.end(), [c](const Entry& e) { return e.c == c; }),
                   entries_.end());
  }

 private:
  struct Entry {
    CpuControl* c;
    Clock::time_point when;
  };
  void run() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      const Clock::time_point now = Clock::now();
      next_wake_ = Clock::time_point::max();
      for (size_t i = 0; i < entries_.size();) {
        if (entries_[i].when <= now) {
          entries_[i].c->notify(kAttentionTimeout);
          entries_[i] = entries_.back();
          entries_.pop_back();
        } else {
          next_wake_ = std::min(next_wake_, entries_[i].when);
          ++i;
        }
      }
      if (next_wake_ == Clock::time_point::max())
        cv_.wait(lock);
      else
        cv_.wait_until(lock, next_wake_);
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Entry> entries_;
  Clock::time_point next_wake_ = Clock::time_point::max();
  bool started_ = false;
};

// Never destroyed: the detached thread uses it until the process ends.
TimeoutTimer& timer() {
  static TimeoutTimer* t = new TimeoutTimer;
  return *t;
}

}  // namespace

// ---------------------------------------------------------------- Engine

void Engine::increment_epoch() {
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t now = ++epoch_;
  for (CpuControl* c : stores_)
    if (now >= c->epoch_deadline()) c->notify(kAttentionEpoch);
}

void Engine::attach(CpuControl* c) {
  std::lock_guard<std::mutex> lock(mu_);
  stores_.push_back(c);
}

void Engine::detach(CpuControl* c) {
  std::lock_guard<std::mutex> lock(mu_);
  stores_.erase(std::remove(stores_.begin(), stores_.end(), c), stores_.end());
}

// ---------------------------------------------------------------- CpuControl

CpuControl::CpuControl(ExecContext* ctx, std::shared_ptr<Engine> engine)
    : ctx_(ctx), reasons_(&ctx->attention_reasons), engine_(std::move(engine)) {
  engine_->attach(this);
}

CpuControl::~CpuControl() {
  if (timer_armed_) timer().disarm(this);
  engine_->detach(this);
}

void CpuControl::use_engine(std::shared_ptr<Engine> engine) {
  engine_->detach(this);
  engine_ = std::move(engine);
  deadline_.store(UINT64_MAX);
  engine_->attach(this);
}

void CpuControl::notify(uint32_t reason) {
  // Reason first, flag second: the slow path clears the flag before it
  // takes the reasons, so a reason is never left without the flag.
  ctx_->attention_reasons.fetch_or(reason);
  ctx_->interrupt.store(true);
  ctx_->jit_entry_limit.store(UINTPTR_MAX);  // JIT function entries take the slow path
}

void CpuControl::set_epoch_deadline(uint64_t delta) {
  const uint64_t now = engine_->epoch();
  deadline_.store(delta > UINT64_MAX - now ? UINT64_MAX : now + delta);
  // An increment racing with this store sees the new deadline or we see its epoch.
  if (engine_->epoch() >= deadline_.load()) notify(kAttentionEpoch);
}

void CpuControl::call_started_slow() {
  // A timeout that fired for an earlier call is stale.
  ctx_->attention_reasons.fetch_and(~kAttentionTimeout);
  if (!timeout_ns_) return;
  call_deadline_ = Clock::now() + std::chrono::nanoseconds(std::min<uint64_t>(timeout_ns_, INT64_MAX / 2));
  timer().arm(this, call_deadline_);
  timer_armed_ = true;
}

void CpuControl::call_finished_slow() {
  timer().disarm(this);
  timer_armed_ = false;
}

TrapKind CpuControl::check() {
  ctx_->interrupt.store(false);
  sync_jit_entry_limit(ctx_);
  uint32_t reasons = ctx_->attention_reasons.exchange(0);
  if (!timer_armed_) reasons &= ~kAttentionTimeout;  // fired for a call that has ended
  TrapKind k = TrapKind::None;
  if (reasons & kAttentionInterrupt) {
    reasons &= ~kAttentionInterrupt;  // observed: the interrupt is consumed
    k = TrapKind::Interrupted;
  } else if (reasons & kAttentionTimeout) {
    reasons &= ~kAttentionTimeout;
    k = TrapKind::Timeout;
  } else if (reasons & kAttentionEpoch) {
    reasons &= ~kAttentionEpoch;
    if (engine_->epoch() >= deadline_.load()) {
      EpochDecision d;
      if (on_deadline_) {
        in_callback_ = true;
        d = on_deadline_();
        in_callback_ = false;
      }
      if (d.trap)
        k = TrapKind::EpochDeadline;
      else
        set_epoch_deadline(d.delta);  // notifies again if still reached
    }
  }
  // Reasons not handled now stay pending for the next check.
  if (reasons) notify(reasons);
  return k;
}

void sync_jit_entry_limit(ExecContext* ctx) {
  // A notify between these two steps leaves the flag set, so the second
  // step restores the slow path it asked for.
  ctx->jit_entry_limit.store(ctx->native_stack_limit);
  if (ctx->interrupt.load()) ctx->jit_entry_limit.store(UINTPTR_MAX);
}

TrapKind check_attention(ExecContext* ctx) {
  if (!ctx->cpu) {
    ctx->interrupt.store(false);
    sync_jit_entry_limit(ctx);
    return ctx->attention_reasons.exchange(0) & kAttentionInterrupt ? TrapKind::Interrupted : TrapKind::None;
  }
  return ctx->cpu->check();
}

}  // namespace brisk

#include "jit/compile_queue.h"

#include "runtime/objects.h"
#include "runtime/store.h"

namespace brisk::jit {

CompileQueue::CompileQueue(unsigned threads, bool wait_on_request)
    : threads_(threads), wait_on_request_(wait_on_request) {}

CompileQueue::~CompileQueue() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    queue_.clear();
  }
  work_cv_.notify_all();
  for (std::thread& t : workers_) t.join();
}

void CompileQueue::start_workers() {
  // Started lazily: a store that never tiers up starts no thread.
  if (workers_.empty())
    for (unsigned i = 0; i < threads_; ++i) workers_.emplace_back([this] { work(); });
}

bool CompileQueue::queued(Function* f) {
  auto it = jobs_.find(f);
  return it != jobs_.end() && it->second.state == State::Pending && !it->second.running;
}

void CompileQueue::request(Function* f, bool urgent) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!jobs_.emplace(f, Job{}).second) {
    if (urgent && queued(f)) {
      queue_.push_front(f);  // its old entry goes stale
      work_cv_.notify_one();
    }
    return;
  }
  if (urgent) queue_.push_front(f);
  else queue_.push_back(f);
  start_workers();
  work_cv_.notify_one();
  if (wait_on_request_)
    done_cv_.wait(lock, [&] {
      auto it = jobs_.find(f);
      return it == jobs_.end() || it->second.state != State::Pending;
    });
}

void CompileQueue::compile_ahead(Instance* inst) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!ahead_.insert(inst).second) return;
  bool any = false;
  for (Function* f : inst->funcs)
    if (f->instance == inst && !f->host && !f->jit_code && jobs_.emplace(f, Job{}).second) {
      queue_.push_back(f);
      any = true;
    }
  if (!any) return;
  start_workers();
  work_cv_.notify_all();
}

void CompileQueue::promote(const std::vector<Function*>& callees) {
  if (ahead_.empty()) return;  // tiered mode: only hot functions are queued
  // Backwards, so that the first callee ends up first.
  for (auto it = callees.rbegin(); it != callees.rend(); ++it)
    if (queued(*it) && (queue_.empty() || queue_.front() != *it)) queue_.push_front(*it);
}

CompileQueue::State CompileQueue::claim(Function* f, CompiledCode* out) {
  std::unique_lock<std::mutex> lock(mu_);
  auto it = jobs_.find(f);
  if (it == jobs_.end()) return State::None;
  if (it->second.state == State::Pending && !it->second.running) {
    jobs_.erase(it);  // its queue entry goes stale; the caller compiles f
    return State::None;
  }
  // A worker is on it: waiting costs less than compiling it a second time.
  done_cv_.wait(lock, [&] { return jobs_.at(f).state != State::Pending; });
  it = jobs_.find(f);
  const State s = it->second.state;
  if (s == State::Ready) {
    *out = std::move(it->second.code);
    jobs_.erase(it);
  }
  return s;
}

bool CompileQueue::steal(Function* f, unsigned after_polls) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!queued(f) || ++jobs_[f].polls < after_polls) return false;
  jobs_.erase(f);  // its queue entry goes stale
  return true;
}

void CompileQueue::compiled_here(const CompiledCode& code) {
  std::lock_guard<std::mutex> lock(mu_);
  promote(code.adapter_callees);
  if (!queue_.empty()) work_cv_.notify_one();
}

CompileQueue::State CompileQueue::take(Function* f, CompiledCode* out) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = jobs_.find(f);
  if (it == jobs_.end()) return State::None;
  const State s = it->second.state;
  if (s == State::Ready) {
    *out = std::move(it->second.code);
    jobs_.erase(it);
  }
  return s;
}

void CompileQueue::cancel(const Instance* inst) {
  std::unique_lock<std::mutex> lock(mu_);
  if (jobs_.empty()) return;
  auto mine = [inst](const Function* f) { return f->instance == inst; };
  std::erase_if(queue_, mine);
  ahead_.erase(inst);
  done_cv_.wait(lock, [&] {
    for (const auto& [f, job] : jobs_)
      if (job.running && mine(f)) return false;
    return true;
  });
  // Finished code nobody will install goes back to the arena.
  std::erase_if(jobs_, [&](const auto& kv) {
    if (!mine(kv.first)) return false;
    if (kv.second.state == State::Ready) inst->store->code_arena().release(kv.second.code.code);
    return true;
  });
}

void CompileQueue::drain() {
  std::unique_lock<std::mutex> lock(mu_);
  done_cv_.wait(lock, [&] { return (queue_.empty() || hold_) && running_ == 0; });
}

void CompileQueue::hold(bool on) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    hold_ = on;
  }
  work_cv_.notify_all();
  done_cv_.notify_all();  // drain() no longer waits for held jobs
}

std::vector<Function*> CompileQueue::queued_order() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Function*> out;
  std::unordered_set<Function*> seen;
  for (Function* f : queue_)
    if (queued(f) && seen.insert(f).second) out.push_back(f);
  return out;
}

void CompileQueue::work() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    work_cv_.wait(lock, [&] { return stop_ || (!queue_.empty() && !hold_); });
    if (stop_) return;
    Function* f = queue_.front();
    queue_.pop_front();
    if (!queued(f)) {  // a stale entry
      if (queue_.empty()) done_cv_.notify_all();  // drain() may be waiting for it
      continue;
    }
    jobs_[f].running = true;
    ++running_;
    lock.unlock();
    CompiledCode code;
    const bool ok = compile_code(f, &code);
    lock.lock();
    Job& job = jobs_[f];  // still there: cancel() and claim() wait for running jobs
    job.running = false;
    job.state = ok ? State::Ready : State::Failed;
    if (ok) promote(code.adapter_callees);
    job.code = std::move(code);
    --running_;
    done_cv_.notify_all();
  }
}

}  // namespace brisk::jit

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

void CompileQueue::request(Function* f) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!jobs_.emplace(f, Job{}).second) return;
  queue_.push_back(f);
  // Started lazily: a store that never tiers up starts no thread.
  if (workers_.empty())
    for (unsigned i = 0; i < threads_; ++i) workers_.emplace_back([this] { work(); });
  work_cv_.notify_one();
  if (wait_on_request_)
    done_cv_.wait(lock, [&] {
      auto it = jobs_.find(f);
      return it == jobs_.end() || it->second.state != State::Pending;
    });
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
  done_cv_.wait(lock, [&] { return queue_.empty() && running_ == 0; });
}

void CompileQueue::work() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    work_cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    Function* f = queue_.front();
    queue_.pop_front();
    jobs_[f].running = true;
    ++running_;
    lock.unlock();
    CompiledCode code;
    const bool ok = compile_code(f, &code);
    lock.lock();
    Job& job = jobs_[f];  // still there: cancel() waits for running jobs
    job.running = false;
    job.state = ok ? State::Ready : State::Failed;
    job.code = std::move(code);
    --running_;
    done_cv_.notify_all();
  }
}

}  // namespace brisk::jit

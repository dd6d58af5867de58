// Background compilation for one store: tier-up requests are compiled by
// worker threads while the requesting thread keeps interpreting. Workers
// only produce code (compile_code: arena memory plus OSR offsets) and never
// touch a Function; the thread running the store installs a finished
// result at its next tier-up check (jit::tier_up), so a function's entry
// switches once, on the thread that calls it, and every caller sees either
// the interpreter or the finished code.
//
// What the workers read while the store runs: the immutable module, the
// instance's object vectors (fixed at instantiation), addresses of
// globals, tables and memories (never their contents) and the code arena
// (locked). An instance must not go away while a worker compiles one of
// its functions: Store::release calls cancel() first, and the store's
// destructor destroys the queue before anything else.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "jit/jit_runtime.h"

namespace brisk::jit {

class CompileQueue {
 public:
  // {threads} > 0 workers, started on the first request. {wait_on_request}
  // (a test hook): request() returns only when the worker has finished,
  // which makes tier-up points deterministic with threads on.
  CompileQueue(unsigned threads, bool wait_on_request);
  ~CompileQueue();  // drops queued requests, waits for running compiles
  CompileQueue(const CompileQueue&) = delete;
  CompileQueue& operator=(const CompileQueue&) = delete;

  enum class State : uint8_t { None, Pending, Ready, Failed };
  // The calls below are for the thread running the store.
  // Queues {f} unless it was requested before. {urgent}: at the front (a
  // loop is running in the interpreter now: it goes before functions that
  // only used up their call budget); an urgent request of a function still
  // queued moves it to the front.
  void request(Function* f, bool urgent = false);
  // --mode=jit with compile threads: queues every defined function of
  // {inst} not compiled yet, in module order, the first time it is called
  // for {inst}; from then on each compile (a worker's, or one of claim()'s
  // callers) moves its callees, in call order, to the front of the queue,
  // so the queue follows the call graph from the first function called.
  void compile_ahead(Instance* inst);
  // For the thread that needs {f}'s code now (jit mode). Ready: the code is
  // in {out} (a worker finished it, or was compiling it and this call waited
  // for it); None: f is not being compiled (never queued, or still queued:
  // then taken off the queue), the caller compiles it itself; Failed: it
  // cannot be compiled.
  State claim(Function* f, CompiledCode* out);
  // Takes {f} off the queue if no worker has started it (true: the caller
  // compiles it itself, as after claim() said None). {after_polls}: only at
  // the after_polls-th call of this for the same request (each call counts
  // one look at a still-pending request).
  bool steal(Function* f, unsigned after_polls);
  // After the calling thread compiled {f} itself (claim said None): moves
  // f's callees to the front as a worker's compile does.
  void compiled_here(const CompiledCode& code);
  // None: never requested; Pending: queued or compiling; Ready: the code
  // is moved to {out} and the job forgotten (install it now); Failed: it
  // cannot be compiled (asked again, the answer stays Failed).
  State take(Function* f, CompiledCode* out);
  // Forgets every request of {inst}'s functions, waiting for compiles of
  // them that already run; code finished and not installed is released to
  // the store's arena.
  void cancel(const Instance* inst);
  // Test hook: waits until nothing is queued (or, while held, nothing
  // compiling).
  void drain();
  // Test hooks: while held, workers start no job (requests stay queued);
  // the functions queued and not started, in the order workers take them.
  void hold(bool on);
  std::vector<Function*> queued_order();
  unsigned threads() const { return threads_; }
  bool waits_on_request() const { return wait_on_request_; }

 private:
  struct Job {
    State state = State::Pending;
    bool running = false;
    unsigned polls = 0;  // steal() calls so far
    CompiledCode code;
  };
  void work();
  void start_workers();                                  // under mu_
  void promote(const std::vector<Function*>& callees);   // under mu_
  bool queued(Function* f);                              // under mu_: Pending, not running

  const unsigned threads_;
  const bool wait_on_request_;
  std::mutex mu_;
  std::condition_variable work_cv_;  // a job was queued, or stop_
  std::condition_variable done_cv_;  // a job finished
  // In request order, the hottest first. An entry is stale (skipped) once
  // its job is running, finished or gone: a function moved to the front
  // stays at its old place too.
  std::deque<Function*> queue_;
  std::unordered_map<Function*, Job> jobs_;
  std::unordered_set<const Instance*> ahead_;  // compile_ahead was called for these
  unsigned running_ = 0;
  bool stop_ = false;
  bool hold_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace brisk::jit

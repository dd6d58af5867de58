#include "jit/jit_runtime.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iterator>

#include "base/host_page.h"
#include "jit/compile_queue.h"
#include "jit/tuning.h"
#include "runtime/cpu_control.h"
#include "runtime/runtime_ops.h"

namespace brisk::jit {

namespace {
constexpr size_t kChunkSize = 1 << 20;
uint8_t* page_down(uint8_t* p) {
  return reinterpret_cast<uint8_t*>(reinterpret_cast<uintptr_t>(p) & ~(host_page_size() - 1));
}
size_t page_span(uint8_t* p, size_t n) {
  uint8_t* lo = page_down(p);
  uint8_t* hi = page_down(p + n + host_page_size() - 1);
  return size_t(hi - lo);
}
}  // namespace

bool jit_available() {
#if defined(__x86_64__) || defined(__aarch64__)
  static const bool ok = jit_cpu_supported();
  return ok;
#else
  return false;
#endif
}

CodeArena::~CodeArena() {
  for (const Chunk& c : chunks_) unmap(c);
}

// On AArch64 released code space is given back only by unmapping whole
// chunks: qemu-user (the AArch64 test environment) does not notice writes
// through the write alias of a dual-mapped chunk and would keep running its
// translation of the old code at a reused address. Unmapping drops those
// translations. (Hardware is kept coherent by the cache maintenance of
// end_write; reuse there is left for when it can be tested.)
#if defined(__aarch64__)
constexpr bool kReuseReleasedCode = false;
#else
constexpr bool kReuseReleasedCode = true;
#endif

// Chunks of stores that are gone, kept mapped for the next store of the
// process. A fresh chunk costs a page fault per page on first write (about
// 2 us each on the machines measured: the kernel allocates, clears and maps
// a shmem page), about a tenth of the compile time of a large module; an
// embedder that creates a store per run (an editor running a plugin, a test
// harness, BM_JitCompileReal) pays it once per process instead. The pages
// keep the old code until it is overwritten, which nothing runs.
// Bounded: at most kMaxCachedChunks standard-size (1 MiB) chunks stay mapped.
namespace {
struct CachedChunk {
  uint8_t* exec;
  uint8_t* write;
  size_t populated;
};
std::mutex g_chunk_cache_mu;
std::vector<CachedChunk>& chunk_cache() {
  static auto* cache = new std::vector<CachedChunk>();  // never destroyed: stores may outlive statics
  return *cache;
}
}  // namespace

size_t CodeArena::cached_chunks() {
  std::lock_guard<std::mutex> lock(g_chunk_cache_mu);
  return chunk_cache().size();
}

void CodeArena::unmap(const Chunk& c) {
  if (kReuseReleasedCode && c.write && c.size == kChunkSize) {
    std::lock_guard<std::mutex> lock(g_chunk_cache_mu);
    auto& cache = chunk_cache();
    if (cache.size() < kMaxCachedChunks) {
      cache.push_back({c.exec, c.write, c.populated});
      return;
    }
  }
  munmap(c.exec, c.size);
  if (c.write) munmap(c.write, c.size);
}

bool concurrent_code_writes_supported() {
  static const bool ok = [] {
    int fd = memfd_create("brisk-jit-probe", MFD_CLOEXEC);
    if (fd < 0) return false;
    close(fd);
    return true;
  }();
  return ok;
}

JitStats CodeArena::snapshot() {
  std::lock_guard<std::mutex> lock(mu_);
  return stats;
}

CodeArena::Usage CodeArena::usage() {
  std::lock_guard<std::mutex> lock(mu_);
  Usage u;
  for (const Chunk& c : chunks_) {
    u.live_bytes += c.live;
    u.mapped_bytes += c.size;
  }
  return u;
}

// Maps a chunk of at least {min_size} bytes at the end of chunks_.
bool CodeArena::map_chunk(size_t min_size) {
  const size_t page = host_page_size();
  size_t n = std::max(kChunkSize, (min_size + page - 1) & ~(page - 1));
  Chunk c{nullptr, nullptr, n, 0};
  if (kReuseReleasedCode && n == kChunkSize) {
    std::lock_guard<std::mutex> lock(g_chunk_cache_mu);
    auto& cache = chunk_cache();
    if (!cache.empty()) {
      c.exec = cache.back().exec;
      c.write = cache.back().write;
      c.populated = cache.back().populated;
      cache.pop_back();
      chunks_.push_back(std::move(c));
      return true;
    }
  }
  int fd = memfd_create("brisk-jit", MFD_CLOEXEC);
  if (fd >= 0 && ftruncate(fd, off_t(n)) == 0) {
    void* w = mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    void* x = mmap(nullptr, n, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    if (w != MAP_FAILED && x != MAP_FAILED) {
      c.write = static_cast<uint8_t*>(w);
      c.exec = static_cast<uint8_t*>(x);
    } else {
      if (w != MAP_FAILED) munmap(w, n);
      if (x != MAP_FAILED) munmap(x, n);
    }
  }
  if (fd >= 0) close(fd);
  if (!c.exec) {
    void* p = mmap(nullptr, n, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return false;
    c.exec = static_cast<uint8_t*>(p);
  }
  chunks_.push_back(std::move(c));
  return true;
}

CodeArena::Block CodeArena::allocate(size_t size) {
  std::lock_guard<std::mutex> lock(mu_);
  size = (size + 15) & ~size_t(15);
  auto hand_out = [&](Chunk& c, size_t off) {
    c.blocks.emplace(off, size);
    c.live += size;
    return Block{c.exec + off, c.write ? c.write + off : c.exec + off};
  };
  // Released space first (first fit), so that a store which keeps
  // replacing instances reuses the same pages.
  if (kReuseReleasedCode)
  for (Chunk& c : chunks_)
    for (auto it = c.free.begin(); it != c.free.end(); ++it) {
      if (it->second < size) continue;
      const size_t off = it->first, rest = it->second - size;
      c.free.erase(it);
      if (rest) c.free.emplace(off + size, rest);
      return hand_out(c, off);
    }
  for (auto it = chunks_.rbegin(); it != chunks_.rend(); ++it)
    if (it->size - it->used >= size) {
      const size_t off = it->used;
      it->used += size;
      populate_ahead(*it, it->used);
      return hand_out(*it, off);
    }
  if (!map_chunk(size)) return {};
  Chunk& c = chunks_.back();
  c.used = size;
  populate_ahead(c, size);
  return hand_out(c, 0);
}

// Fresh code space is written page after page by the compiler; each first
// write to a page of the shared write mapping is a page fault (shared
// mappings get no fault-around), 5-6% of the compile time of a large
// module. Faulting it in ahead, 64 KiB at a time, takes one system call per
// 16 pages instead. MADV_POPULATE_WRITE needs Linux 5.14; where it fails
// the pages fault in on first write as before.
void CodeArena::populate_ahead(Chunk& c, size_t end) {
#ifdef MADV_POPULATE_WRITE
  constexpr size_t kStep = 64 << 10;
  if (!c.write || end <= c.populated) return;
  const size_t to = std::min(c.size, (end + kStep - 1) & ~(kStep - 1));
  if (madvise(c.write + c.populated, to - c.populated, MADV_POPULATE_WRITE) == 0)
    c.populated = to;
  else
    c.populated = c.size;  // unsupported: do not ask again
#else
  (void)c;
  (void)end;
#endif
}

void CodeArena::release(void* exec) {
  if (!exec) return;
  std::lock_guard<std::mutex> lock(mu_);
  uint8_t* p = static_cast<uint8_t*>(exec);
  auto c = std::find_if(chunks_.begin(), chunks_.end(), [p](const Chunk& k) { return p >= k.exec && p < k.exec + k.size; });
  if (c == chunks_.end()) return;
  const auto b = c->blocks.find(size_t(p - c->exec));
  if (b == c->blocks.end()) return;  // not a block start: ignore rather than corrupt the lists
  size_t off = b->first, size = b->second;
  c->blocks.erase(b);
  c->live -= size;
  if (c->live == 0) {
    // No code left: unmap the chunk, but keep the last one mapped so that
    // an instance created right after does not map a fresh chunk.
    if (chunks_.size() > 1 || !kReuseReleasedCode) {
      unmap(*c);
      chunks_.erase(c);
    } else {
      c->used = 0;
      c->free.clear();
    }
    return;
  }
  // Coalesce with the neighbouring free ranges; a range that reaches the
  // bump pointer goes back to it.
  auto next = c->free.lower_bound(off);
  if (next != c->free.end() && off + size == next->first) {
    size += next->second;
    next = c->free.erase(next);
  }
  if (next != c->free.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second == off) {
      off = prev->first;
      size += prev->second;
      c->free.erase(prev);
    }
  }
  if (!kReuseReleasedCode) return;
  if (off + size == c->used) c->used = off;
  else c->free.emplace(off, size);
}

void CodeArena::begin_write(const Block& b, size_t n) {
  if (b.write == b.exec) mprotect(page_down(b.exec), page_span(b.exec, n), PROT_READ | PROT_WRITE);
}
void CodeArena::end_write(const Block& b, size_t n) {
  if (b.write == b.exec) mprotect(page_down(b.exec), page_span(b.exec, n), PROT_READ | PROT_EXEC);
  // Make the new instructions visible to instruction fetch (a no-op on
  // x86_64; on AArch64 it cleans the data cache to the point of unification
  // and invalidates the instruction cache). Caches are physically tagged,
  // so cleaning through the write alias covers the exec alias too; the
  // exec range is synchronised as well for cores that need the VA.
  if (b.write != b.exec)
    __builtin___clear_cache(reinterpret_cast<char*>(b.write), reinterpret_cast<char*>(b.write + n));
  __builtin___clear_cache(reinterpret_cast<char*>(b.exec), reinterpret_cast<char*>(b.exec + n));
}

// --mode=jit with compile threads: the first call into an instance queues
// all its functions; a function needed before a worker got to it is
// compiled here (no waiting behind the queue), one a worker is compiling is
// waited for, and finished code is installed here, on the store's thread.
static bool compile_or_take(CompileQueue* queue, Function* f) {
  queue->compile_ahead(f->instance);
  CompiledCode code;
  switch (queue->claim(f, &code)) {
    case CompileQueue::State::Ready:
      install_code(f, std::move(code));
      return true;
    case CompileQueue::State::Failed: return false;
    case CompileQueue::State::None:
    case CompileQueue::State::Pending: break;
  }
  if (!compile_code(f, &code)) return false;
  queue->compiled_here(code);
  install_code(f, std::move(code));
  return true;
}

uint32_t jit_lazy_entry(ExecContext* ctx, uint64_t* fp, Function* self) {
  if (!self->jit_code) {
    CompileQueue* queue = self->instance->store->compile_queue();
    if (!(queue ? compile_or_take(queue, self) : compile_function(self))) self->entry = interp_entry;
  }
  return self->entry(ctx, fp, self);
}

uint32_t tiered_entry(ExecContext* ctx, uint64_t* fp, Function* self) {
  if (self->budget <= 0 && tier_up(ctx->store, self)) return self->entry(ctx, fp, self);
  return interp_entry(ctx, fp, self);  // the interpreter charges the call
}

bool tier_up(Store* store, Function* f, bool loop) {
  if (f->jit_code) return true;
  CodeArena& arena = store->code_arena();
  CompileQueue* queue = store->compile_queue();
  if (!queue) {  // compile here, now
    if (compile_function(f)) {
      arena.add_stats([](JitStats& s) { s.tier_ups++; });
      return true;
    }
    f->entry = interp_entry;
    f->budget = INT32_MAX;  // cannot compile: never ask again
    return false;
  }
  CompiledCode code;
  switch (queue->take(f, &code)) {
    case CompileQueue::State::Ready:
      install_code(f, std::move(code));
      arena.add_stats([](JitStats& s) { s.tier_ups++; });
      return true;
    case CompileQueue::State::Failed:
      // Stays interpreted; the budget still paces the interrupt checks.
      f->budget = tuning::kBackedgeCheckPeriod;
      return false;
    case CompileQueue::State::None:
      queue->request(f, loop);
      // Finished already only with the test hook (request waits). Without
      // it, a worker that happens to finish this early is seen at the next
      // poll like any other: install points stay those of the poll period.
      if (queue->waits_on_request() && queue->take(f, &code) == CompileQueue::State::Ready) {
        install_code(f, std::move(code));
        arena.add_stats([](JitStats& s) { s.tier_ups++; });
        return true;
      }
      break;
    case CompileQueue::State::Pending:
      // Still hot kTierUpStealPolls poll periods after the request and no
      // worker has started on it (all busy with other functions, or not
      // scheduled on a loaded machine): compile it here. Interpreting on
      // would cost most of the wait (the JIT code runs 10-20x faster),
      // compiling here only the compile; a worker pays off when it starts
      // soon.
      if (queue->steal(f, tuning::kTierUpStealPolls)) {
        if (compile_function(f)) {
          arena.add_stats([](JitStats& s) { s.tier_ups++; });
          return true;
        }
        f->entry = interp_entry;
        f->budget = INT32_MAX;
        return false;
      }
      break;
  }
  f->budget = tuning::kTierUpPollPeriod;
  return false;
}

EntryFn osr_entry_for(Function* f, uint32_t loop_index) {
  CodeArena& arena = f->instance->store->code_arena();
  if (!f->jit_code) {
    if (!compile_function(f)) return nullptr;
    arena.add_stats([](JitStats& s) { s.tier_ups++; });
  }
  if (loop_index >= f->osr_entries.size()) return nullptr;
  arena.add_stats([](JitStats& s) { s.osr_entries++; });
  return reinterpret_cast<EntryFn>(f->osr_entries[loop_index]);
}

uint32_t jit_record_trap(ExecContext* ctx, uint32_t kind) {
  record_trap_frames(ctx);
  return kind;
}

uint32_t jit_record_trap_noframe(ExecContext* ctx, uint32_t kind) {
  record_trap_frames(ctx);
  return kind;
}

Function* jit_resolve_indirect(ExecContext* ctx, Table* table, uint32_t index, uint32_t sig_id) {
  TrapKind k = TrapKind::None;
  Function* f = nullptr;
  if (index >= table->elems_.size()) {
    k = TrapKind::UndefinedElement;
  } else {
    f = reinterpret_cast<Function*>(table->elems_[index]);
    if (!f) k = TrapKind::UninitializedElement;
    else if (f->sig_id != sig_id) k = TrapKind::IndirectCallTypeMismatch;
  }
  if (k == TrapKind::None) return f;
  record_trap_frames(ctx);
  ctx->pending_trap = uint32_t(k);
  return nullptr;
}

uint32_t jit_check_attention(ExecContext* ctx, uint64_t*, uint64_t, uint64_t, uint64_t) {
  TrapKind k = check_attention(ctx);
  if (k != TrapKind::None) record_trap_frames(ctx);
  return uint32_t(k);
}

uint32_t jit_misc(ExecContext* ctx, uint64_t* fp, uint64_t a0, uint64_t a1, uint64_t a2) {
  Instance* inst = ctx->cur_func->instance;
  const uint64_t* src = reinterpret_cast<const uint64_t*>(reinterpret_cast<const uint8_t*>(fp) + a2);
  MiscArgs args{Op(uint16_t(a0)), src[0], src[1], src[2], uint32_t(a0 >> 32), uint32_t(a1)};
  uint64_t result = 0;
  TrapKind k = exec_misc(inst, args, &result);
  if (k != TrapKind::None) {
    record_trap_frames(ctx);
    return uint32_t(k);
  }
  *reinterpret_cast<uint64_t*>(reinterpret_cast<uint8_t*>(fp) + (a1 >> 32)) = result;
  return 0;
}

}  // namespace brisk::jit

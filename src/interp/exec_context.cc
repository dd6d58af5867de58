// The value stack is a lazily committed mapping with a PROT_NONE guard page
// above it; overflow is detected by explicit checks before a frame is used.
#include <sys/mman.h>

#include "base/host_page.h"
#include "interp/interp.h"

namespace brisk {

ExecContext::ExecContext(size_t bytes, uint32_t max_frames) {
  const size_t page = host_page_size();
  bytes = (bytes + page - 1) & ~(page - 1);
  void* p = mmap(nullptr, bytes + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p != MAP_FAILED) {
    mprotect(static_cast<uint8_t*>(p) + bytes, page, PROT_NONE);
    stack_base = static_cast<uint64_t*>(p);
    stack_bytes = bytes;
    stack_end = stack_base + bytes / 8;
  }
  top = stack_base;
  // +1: the host entry frame. Lazily committed, so a deep limit costs
  // nothing until used.
  void* f = mmap(nullptr, (size_t(max_frames) + 1) * sizeof(CallFrame), PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (f != MAP_FAILED) {
    frames = static_cast<CallFrame*>(f);
    this->max_frames = max_frames;
  }
}

ExecContext::~ExecContext() {
  if (stack_base) munmap(stack_base, stack_bytes + host_page_size());
  if (frames) munmap(frames, (size_t(max_frames) + 1) * sizeof(CallFrame));
}

}  // namespace brisk

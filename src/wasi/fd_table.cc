// The guest's descriptor table (see fd_table.h).
#ifdef BRISK_WASI_UNITY  // compiled as part of wasi.cc (see the note there)
#include "wasi/fd_table.h"

#include <unistd.h>

namespace brisk::wasi {

FdTable::~FdTable() {
  for (auto& s : slots_)
    if (s) release(*s);
}

void FdTable::release(FdEntry& e) {
  if (e.owned && e.host_fd >= 0) ::close(e.host_fd);
  e.host_fd = -1;
}

FdEntry* FdTable::get(uint32_t fd) { return fd < slots_.size() ? slots_[fd].get() : nullptr; }

Errno FdTable::get(uint32_t fd, uint64_t rights, FdEntry** out) {
  FdEntry* e = get(fd);
  if (!e) return kBadf;
  if ((e->rights_base & rights) != rights) return kNotcapable;
  *out = e;
  return kSuccess;
}

Errno FdTable::insert(FdEntry e, uint32_t* fd) {
  uint32_t i = 0;
  while (i < slots_.size() && slots_[i]) ++i;
  if (i >= max_fds_) {
    release(e);
    return kMfile;
  }
  if (i == slots_.size()) slots_.emplace_back();
  slots_[i] = std::make_unique<FdEntry>(std::move(e));
  *fd = i;
  return kSuccess;
}

Errno FdTable::insert_at(uint32_t fd, FdEntry e) {
  if (fd >= max_fds_) {
    release(e);
    return kMfile;
  }
  if (fd >= slots_.size()) slots_.resize(size_t(fd) + 1);
  if (slots_[fd]) {
    release(e);
    return kBadf;
  }
  slots_[fd] = std::make_unique<FdEntry>(std::move(e));
  return kSuccess;
}

Errno FdTable::close(uint32_t fd) {
  FdEntry* e = get(fd);
  if (!e) return kBadf;
  release(*e);
  slots_[fd].reset();
  return kSuccess;
}

Errno FdTable::renumber(uint32_t from, uint32_t to) {
  if (!get(from) || !get(to)) return kBadf;
  if (from == to) return kSuccess;
  release(*slots_[to]);
  slots_[to] = std::move(slots_[from]);
  return kSuccess;
}

}  // namespace brisk::wasi
#endif  // BRISK_WASI_UNITY

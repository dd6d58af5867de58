// The guest's descriptor table: WASI fd numbers -> host fds, with each
// descriptor's file type, rights (base and inheriting), preopen name and
// readdir snapshot. Rights are checked here, once, for every operation.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "wasi/wasi_types.h"

namespace brisk::wasi {

// One directory listing, taken when the guest reads from cookie 0; the
// cookie of an entry is its index + 1, so reading on from any cookie sees
// the same listing.
struct DirListing {
  struct Entry {
    std::string name;
    uint64_t ino = 0;
    uint8_t type = kFiletypeUnknown;
  };
  std::vector<Entry> entries;
};

struct FdEntry {
  int host_fd = -1;
  bool owned = true;  // close host_fd when the entry goes (false for the host's stdio)
  uint8_t filetype = kFiletypeUnknown;
  uint64_t rights_base = 0;
  uint64_t rights_inheriting = 0;
  uint16_t sync_flags = 0;        // dsync/rsync/sync as opened (the host does not report them apart)
  bool preopen = false;
  std::string preopen_name;       // the guest's name for a preopened directory
  std::shared_ptr<DirListing> listing;  // fd_readdir's snapshot
};

class FdTable {
 public:
  static constexpr uint32_t kDefaultMaxFds = 4096;
  explicit FdTable(uint32_t max_fds = kDefaultMaxFds) : max_fds_(max_fds) {}
  ~FdTable();
  FdTable(const FdTable&) = delete;
  FdTable& operator=(const FdTable&) = delete;

  FdEntry* get(uint32_t fd);
  // EBADF for an unknown fd, ENOTCAPABLE when it lacks any of {rights}.
  Errno get(uint32_t fd, uint64_t rights, FdEntry** out);
  // Puts {e} at the lowest free number; EMFILE when the table is full (the
  // entry's host fd is closed then, if owned).
  Errno insert(FdEntry e, uint32_t* fd);
  // Puts {e} at {fd} (setting up stdio and preopens); replaces nothing.
  Errno insert_at(uint32_t fd, FdEntry e);
  Errno close(uint32_t fd);
  // fd_renumber: {from} replaces {to} (which is closed); both must be open.
  Errno renumber(uint32_t from, uint32_t to);
  uint32_t capacity() const { return uint32_t(slots_.size()); }

 private:
  static void release(FdEntry& e);
  uint32_t max_fds_;
  std::vector<std::unique_ptr<FdEntry>> slots_;
};

}  // namespace brisk::wasi

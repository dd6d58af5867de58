// A guest's WASI state (fd table, args, environment) and the checked view
// of its linear memory that every WASI call goes through. Internal to
// src/wasi.
#pragma once
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/objects.h"
#include "wasi/wasi.h"
#include "wasi/wasi_abi.h"

namespace brisk::wasi {

// A stdio stream without a host fd: bytes the guest reads (stdin), or the
// embedder's output sink (stdout, stderr). It is never seekable and is
// always ready for poll_oneoff.
struct HostStream {
  std::vector<uint8_t> input;  // what is left to read is input[pos..]
  size_t pos = 0;
  std::shared_ptr<OutputSink> sink;  // output; null: discarded
  bool is_input = false;
};

struct FdEntry {
  int host_fd = -1;  // -1 when {stream} is set
  uint8_t filetype = kFiletypeUnknown;
  uint64_t rights_base = kRightsAll;
  uint64_t rights_inheriting = kRightsAll;
  uint16_t fdflags = 0;       // the sync flags asked for at open (the host fd holds the rest)
  bool seekable = true;       // false for pipes, terminals, sockets: fd_seek is ESPIPE
  std::string preopen_name;  // non-empty for preopened directories
  bool owned = true;         // close the host fd with the entry
  bool read_only = false;    // under a read-only preopen: kRightsMutating are withheld, asking is EROFS
  std::shared_ptr<HostStream> stream;  // set for an embedder's stdio stream
};

class WasiContext {
 public:
  ~WasiContext();
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::vector<std::optional<FdEntry>> fds;

  FdEntry* get(uint32_t fd) {
    if (fd >= fds.size() || !fds[fd]) return nullptr;
    return &*fds[fd];
  }
  uint32_t insert(FdEntry e);
};

// Bounds-checked, overflow-safe access to guest memory. Every pointer and
// length from the guest is checked before use; failures become EFAULT.
class GuestMemory {
 public:
  explicit GuestMemory(Memory* m) : base_(m ? m->data() : nullptr), size_(m ? m->size_bytes() : 0) {}
  bool ok(uint64_t ptr, uint64_t len) const { return base_ && ptr <= size_ && len <= size_ - ptr; }
  uint8_t* at(uint64_t ptr) const { return base_ + ptr; }
  uint32_t u32(uint64_t p) const {
    uint32_t v;
    std::memcpy(&v, base_ + p, 4);
    return v;
  }
  uint64_t u64(uint64_t p) const {
    uint64_t v;
    std::memcpy(&v, base_ + p, 8);
    return v;
  }
  void put_u8(uint64_t p, uint8_t v) const { base_[p] = v; }
  void put_u16(uint64_t p, uint16_t v) const { std::memcpy(base_ + p, &v, 2); }
  void put_u32(uint64_t p, uint32_t v) const { std::memcpy(base_ + p, &v, 4); }
  void put_u64(uint64_t p, uint64_t v) const { std::memcpy(base_ + p, &v, 8); }
  // Reads a guest string; false when out of bounds.
  bool string(uint64_t ptr, uint64_t len, std::string* out) const {
    if (!ok(ptr, len)) return false;
    out->assign(reinterpret_cast<const char*>(base_ + ptr), size_t(len));
    return true;
  }

 private:
  uint8_t* base_;
  uint64_t size_;
};

Errno errno_from_host(int e);

}  // namespace brisk::wasi

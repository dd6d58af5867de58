// The host's memory page size. It is not always 4 KiB on AArch64: Apple
// M1/M2 under Asahi Linux use 16 KiB pages and some server kernels 64 KiB,
// and mprotect() needs page-aligned ranges.
#pragma once
#include <unistd.h>

#include <cstddef>

namespace brisk {

inline size_t host_page_size() {
  static const size_t size = [] {
    long n = sysconf(_SC_PAGESIZE);
    return n > 0 ? size_t(n) : size_t(4096);
  }();
  return size;
}

}  // namespace brisk

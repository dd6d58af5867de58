// WASI preview1 ABI: errno values, flags and struct layouts, as defined by
// wasi_snapshot_preview1 (witx). Numbers only; no behaviour.
#pragma once
#include <cstdint>

namespace brisk::wasi {

enum Errno : uint16_t {
  kSuccess = 0, k2Big = 1, kAcces = 2, kAddrinuse = 3, kAddrnotavail = 4, kAfnosupport = 5, kAgain = 6,
  kAlready = 7, kBadf = 8, kBadmsg = 9, kBusy = 10, kCanceled = 11, kChild = 12, kConnaborted = 13,
  kConnrefused = 14, kConnreset = 15, kDeadlk = 16, kDestaddrreq = 17, kDom = 18, kDquot = 19, kExist = 20,
  kFault = 21, kFbig = 22, kHostunreach = 23, kIdrm = 24, kIlseq = 25, kInprogress = 26, kIntr = 27,
  kInval = 28, kIo = 29, kIsconn = 30, kIsdir = 31, kLoop = 32, kMfile = 33, kMlink = 34, kMsgsize = 35,
  kMultihop = 36, kNametoolong = 37, kNetdown = 38, kNetreset = 39, kNetunreach = 40, kNfile = 41,
  kNobufs = 42, kNodev = 43, kNoent = 44, kNoexec = 45, kNolck = 46, kNolink = 47, kNomem = 48, kNomsg = 49,
  kNoprotoopt = 50, kNospc = 51, kNosys = 52, kNotconn = 53, kNotdir = 54, kNotempty = 55,
  kNotrecoverable = 56, kNotsock = 57, kNotsup = 58, kNotty = 59, kNxio = 60, kOverflow = 61,
  kOwnerdead = 62, kPerm = 63, kPipe = 64, kProto = 65, kProtonosupport = 66, kPrototype = 67, kRange = 68,
  kRofs = 69, kSpipe = 70, kSrch = 71, kStale = 72, kTimedout = 73, kTxtbsy = 74, kXdev = 75,
  kNotcapable = 76,
};

enum Filetype : uint8_t {
  kFiletypeUnknown = 0, kFiletypeBlockDevice = 1, kFiletypeCharacterDevice = 2, kFiletypeDirectory = 3,
  kFiletypeRegularFile = 4, kFiletypeSocketDgram = 5, kFiletypeSocketStream = 6, kFiletypeSymbolicLink = 7,
};

// Rights (bit positions of the witx `rights` flags).
enum : uint64_t {
  kRightFdDatasync = 1ull << 0, kRightFdRead = 1ull << 1, kRightFdSeek = 1ull << 2,
  kRightFdFdstatSetFlags = 1ull << 3, kRightFdSync = 1ull << 4, kRightFdTell = 1ull << 5,
  kRightFdWrite = 1ull << 6, kRightFdAdvise = 1ull << 7, kRightFdAllocate = 1ull << 8,
  kRightPathCreateDirectory = 1ull << 9, kRightPathCreateFile = 1ull << 10, kRightPathLinkSource = 1ull << 11,
  kRightPathLinkTarget = 1ull << 12, kRightPathOpen = 1ull << 13, kRightFdReaddir = 1ull << 14,
  kRightPathReadlink = 1ull << 15, kRightPathRenameSource = 1ull << 16, kRightPathRenameTarget = 1ull << 17,
  kRightPathFilestatGet = 1ull << 18, kRightPathFilestatSetSize = 1ull << 19,
  kRightPathFilestatSetTimes = 1ull << 20, kRightFdFilestatGet = 1ull << 21,
  kRightFdFilestatSetSize = 1ull << 22, kRightFdFilestatSetTimes = 1ull << 23, kRightPathSymlink = 1ull << 24,
  kRightPathRemoveDirectory = 1ull << 25, kRightPathUnlinkFile = 1ull << 26, kRightPollFdReadwrite = 1ull << 27,
  kRightSockShutdown = 1ull << 28, kRightSockAccept = 1ull << 29,
  kRightsAll = (1ull << 30) - 1,
};

// The rights that mean something for a directory, and for anything else (a
// file, pipe, terminal). path_open and the preopens hand out only the rights
// of the object's kind, so a directory never carries fd_seek, fd_read or
// fd_write. The directory set is what wasmtime grants a preopened directory
// (its path_open_preopen test lists it), plus path_filestat_set_size, which
// O_TRUNC through that directory needs.
constexpr uint64_t kRightsDirectory =
    kRightPathCreateDirectory | kRightPathCreateFile | kRightPathLinkSource | kRightPathLinkTarget |
    kRightPathOpen | kRightFdReaddir | kRightPathReadlink | kRightPathRenameSource | kRightPathRenameTarget |
    kRightPathFilestatGet | kRightPathFilestatSetSize | kRightPathFilestatSetTimes | kRightFdFilestatGet |
    kRightFdFilestatSetTimes | kRightPathSymlink | kRightPathRemoveDirectory | kRightPathUnlinkFile;
constexpr uint64_t kRightsFile = kRightFdDatasync | kRightFdRead | kRightFdSeek | kRightFdFdstatSetFlags |
                                 kRightFdSync | kRightFdTell | kRightFdWrite | kRightFdAdvise |
                                 kRightFdAllocate | kRightFdFilestatGet | kRightFdFilestatSetSize |
                                 kRightFdFilestatSetTimes | kRightPollFdReadwrite;

// The rights a read-only preopen withholds from itself and from every fd
// opened under it: everything that writes, creates, renames, links,
// unlinks, truncates or sets times. (Linking and renaming *from* a
// read-only tree are withheld too: a hard link or a moved file would give
// a writable tree a name for the same data.) fd_sync/fd_datasync and
// fd_fdstat_set_flags stay: they change no content.
constexpr uint64_t kRightsMutating =
    kRightFdWrite | kRightFdAllocate | kRightFdFilestatSetSize | kRightFdFilestatSetTimes |
    kRightPathCreateDirectory | kRightPathCreateFile | kRightPathLinkSource | kRightPathLinkTarget |
    kRightPathRenameSource | kRightPathRenameTarget | kRightPathFilestatSetSize | kRightPathFilestatSetTimes |
    kRightPathSymlink | kRightPathRemoveDirectory | kRightPathUnlinkFile;

// oflags, fdflags, lookupflags, fstflags, whence.
enum : uint16_t { kOflagCreat = 1, kOflagDirectory = 2, kOflagExcl = 4, kOflagTrunc = 8 };
enum : uint16_t { kFdflagAppend = 1, kFdflagDsync = 2, kFdflagNonblock = 4, kFdflagRsync = 8, kFdflagSync = 16 };
enum : uint32_t { kLookupSymlinkFollow = 1 };
enum : uint16_t { kFstAtim = 1, kFstAtimNow = 2, kFstMtim = 4, kFstMtimNow = 8 };
enum : uint16_t { kEventFdReadwriteHangup = 1 };
enum : uint8_t { kWhenceSet = 0, kWhenceCur = 1, kWhenceEnd = 2 };

// Clocks and poll events.
enum : uint32_t { kClockRealtime = 0, kClockMonotonic = 1, kClockProcessCputime = 2, kClockThreadCputime = 3 };
enum : uint8_t { kEventClock = 0, kEventFdRead = 1, kEventFdWrite = 2 };
enum : uint16_t { kSubclockAbstime = 1 };

// Struct sizes and field offsets (little endian, natural alignment).
constexpr uint32_t kFdstatSize = 24;     // filetype u8 @0, flags u16 @2, rights_base u64 @8, inheriting u64 @16
constexpr uint32_t kFilestatSize = 64;   // dev @0, ino @8, filetype u8 @16, nlink @24, size @32, atim @40, mtim @48, ctim @56
constexpr uint32_t kPrestatSize = 8;     // tag u8 @0 (0 = dir), name_len u32 @4
constexpr uint32_t kDirentHeaderSize = 24;  // d_next @0, d_ino @8, d_namlen u32 @16, d_type u8 @20
constexpr uint32_t kSubscriptionSize = 48;  // userdata @0, tag u8 @8, union @16
constexpr uint32_t kEventSize = 32;         // userdata @0, error u16 @8, type u8 @10, fd_readwrite @16

}  // namespace brisk::wasi

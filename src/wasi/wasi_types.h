// WASI preview1 (wasi_snapshot_preview1) ABI: errno values, rights, flags,
// enums and the byte layout of every struct the host reads or writes in
// guest memory, as defined by the witx interface. Numbers only; no
// behaviour. tests/wasi/abi_check.cc compares them with wasi-libc's
// <wasi/api.h>.
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
inline constexpr uint64_t kRightFdDatasync = 1ull << 0;
inline constexpr uint64_t kRightFdRead = 1ull << 1;
inline constexpr uint64_t kRightFdSeek = 1ull << 2;
inline constexpr uint64_t kRightFdFdstatSetFlags = 1ull << 3;
inline constexpr uint64_t kRightFdSync = 1ull << 4;
inline constexpr uint64_t kRightFdTell = 1ull << 5;
inline constexpr uint64_t kRightFdWrite = 1ull << 6;
inline constexpr uint64_t kRightFdAdvise = 1ull << 7;
inline constexpr uint64_t kRightFdAllocate = 1ull << 8;
inline constexpr uint64_t kRightPathCreateDirectory = 1ull << 9;
inline constexpr uint64_t kRightPathCreateFile = 1ull << 10;
inline constexpr uint64_t kRightPathLinkSource = 1ull << 11;
inline constexpr uint64_t kRightPathLinkTarget = 1ull << 12;
inline constexpr uint64_t kRightPathOpen = 1ull << 13;
inline constexpr uint64_t kRightFdReaddir = 1ull << 14;
inline constexpr uint64_t kRightPathReadlink = 1ull << 15;
inline constexpr uint64_t kRightPathRenameSource = 1ull << 16;
inline constexpr uint64_t kRightPathRenameTarget = 1ull << 17;
inline constexpr uint64_t kRightPathFilestatGet = 1ull << 18;
inline constexpr uint64_t kRightPathFilestatSetSize = 1ull << 19;
inline constexpr uint64_t kRightPathFilestatSetTimes = 1ull << 20;
inline constexpr uint64_t kRightFdFilestatGet = 1ull << 21;
inline constexpr uint64_t kRightFdFilestatSetSize = 1ull << 22;
inline constexpr uint64_t kRightFdFilestatSetTimes = 1ull << 23;
inline constexpr uint64_t kRightPathSymlink = 1ull << 24;
inline constexpr uint64_t kRightPathRemoveDirectory = 1ull << 25;
inline constexpr uint64_t kRightPathUnlinkFile = 1ull << 26;
inline constexpr uint64_t kRightPollFdReadwrite = 1ull << 27;
inline constexpr uint64_t kRightSockShutdown = 1ull << 28;
inline constexpr uint64_t kRightSockAccept = 1ull << 29;
inline constexpr uint64_t kRightsAll = (1ull << 30) - 1;

// Which rights make sense on which kind of descriptor (brisk's policy, not
// witx): an fd never holds rights for operations its type cannot do.
constexpr uint64_t kRightsRegularFile =
    kRightFdDatasync | kRightFdRead | kRightFdSeek | kRightFdFdstatSetFlags | kRightFdSync | kRightFdTell |
    kRightFdWrite | kRightFdAdvise | kRightFdAllocate | kRightFdFilestatGet | kRightFdFilestatSetSize |
    kRightFdFilestatSetTimes | kRightPollFdReadwrite;
constexpr uint64_t kRightsDirectory =
    kRightFdFdstatSetFlags | kRightFdSync | kRightFdDatasync | kRightFdAdvise | kRightPathCreateDirectory |
    kRightPathCreateFile | kRightPathLinkSource | kRightPathLinkTarget | kRightPathOpen | kRightFdReaddir |
    kRightPathReadlink | kRightPathRenameSource | kRightPathRenameTarget | kRightPathFilestatGet |
    kRightPathFilestatSetSize | kRightPathFilestatSetTimes | kRightFdFilestatGet | kRightFdFilestatSetTimes |
    kRightPathSymlink | kRightPathRemoveDirectory | kRightPathUnlinkFile;
// Terminals, pipes and other streams: no seek or tell (wasi-libc's isatty
// relies on that for character devices).
constexpr uint64_t kRightsStream = kRightFdDatasync | kRightFdRead | kRightFdFdstatSetFlags | kRightFdSync |
                                   kRightFdWrite | kRightFdAdvise | kRightFdFilestatGet |
                                   kRightFdFilestatSetTimes | kRightPollFdReadwrite;
constexpr uint64_t kRightsSocket = kRightsStream | kRightSockShutdown | kRightSockAccept;

// oflags, fdflags, lookupflags, fstflags, whence, advice.
inline constexpr uint16_t kOflagCreat = 1;
inline constexpr uint16_t kOflagDirectory = 2;
inline constexpr uint16_t kOflagExcl = 4;
inline constexpr uint16_t kOflagTrunc = 8;
constexpr uint16_t kOflagsAll = 15;
inline constexpr uint16_t kFdflagAppend = 1;
inline constexpr uint16_t kFdflagDsync = 2;
inline constexpr uint16_t kFdflagNonblock = 4;
inline constexpr uint16_t kFdflagRsync = 8;
inline constexpr uint16_t kFdflagSync = 16;
constexpr uint16_t kFdflagsAll = 31;
inline constexpr uint32_t kLookupSymlinkFollow = 1;
inline constexpr uint16_t kFstAtim = 1;
inline constexpr uint16_t kFstAtimNow = 2;
inline constexpr uint16_t kFstMtim = 4;
inline constexpr uint16_t kFstMtimNow = 8;
constexpr uint16_t kFstflagsAll = 15;
inline constexpr uint8_t kWhenceSet = 0;
inline constexpr uint8_t kWhenceCur = 1;
inline constexpr uint8_t kWhenceEnd = 2;
inline constexpr uint8_t kAdviceNormal = 0;
inline constexpr uint8_t kAdviceSequential = 1;
inline constexpr uint8_t kAdviceRandom = 2;
inline constexpr uint8_t kAdviceWillneed = 3;
inline constexpr uint8_t kAdviceDontneed = 4;
inline constexpr uint8_t kAdviceNoreuse = 5;

// Clocks, poll events and subscriptions.
inline constexpr uint32_t kClockRealtime = 0;
inline constexpr uint32_t kClockMonotonic = 1;
inline constexpr uint32_t kClockProcessCputime = 2;
inline constexpr uint32_t kClockThreadCputime = 3;
inline constexpr uint8_t kEventClock = 0;
inline constexpr uint8_t kEventFdRead = 1;
inline constexpr uint8_t kEventFdWrite = 2;
inline constexpr uint16_t kSubclockAbstime = 1;
inline constexpr uint16_t kEventrwHangup = 1;

// Sockets.
inline constexpr uint16_t kRiflagRecvPeek = 1;
inline constexpr uint16_t kRiflagRecvWaitall = 2;
inline constexpr uint16_t kRoflagRecvDataTruncated = 1;
inline constexpr uint8_t kSdflagRd = 1;
inline constexpr uint8_t kSdflagWr = 2;

inline constexpr uint8_t kPreopentypeDir = 0;
constexpr uint32_t kSignalMax = 30;  // signal: none (0) .. sys (30)

// Struct sizes and field offsets (little endian, natural alignment).
namespace layout {
constexpr uint32_t kIovecSize = 8, kIovecBuf = 0, kIovecLen = 4;  // also ciovec
constexpr uint32_t kFdstatSize = 24, kFdstatFiletype = 0, kFdstatFlags = 2, kFdstatRightsBase = 8,
                   kFdstatRightsInheriting = 16;
constexpr uint32_t kFilestatSize = 64, kFilestatDev = 0, kFilestatIno = 8, kFilestatFiletype = 16,
                   kFilestatNlink = 24, kFilestatSize_ = 32, kFilestatAtim = 40, kFilestatMtim = 48,
                   kFilestatCtim = 56;
constexpr uint32_t kPrestatSize = 8, kPrestatTag = 0, kPrestatNameLen = 4;
constexpr uint32_t kDirentSize = 24, kDirentNext = 0, kDirentIno = 8, kDirentNamlen = 16, kDirentType = 20;
constexpr uint32_t kSubscriptionSize = 48, kSubscriptionUserdata = 0, kSubscriptionTag = 8,
                   kSubscriptionClockId = 16, kSubscriptionClockTimeout = 24, kSubscriptionClockPrecision = 32,
                   kSubscriptionClockFlags = 40, kSubscriptionFd = 16;
constexpr uint32_t kEventSize = 32, kEventUserdata = 0, kEventError = 8, kEventType = 10, kEventNbytes = 16,
                   kEventFlags = 24;
}  // namespace layout

}  // namespace brisk::wasi

/* stdio on a terminal (run_wasi_test.sh runs this one under script(1)): a
 * terminal cannot seek, so it carries no fd_seek/fd_tell right, which is
 * how wasi-libc's isatty() recognises it (and makes stdout line-buffered);
 * seeking it is ESPIPE, as POSIX says. */
#include <unistd.h>

#include "conform.h"

int main(void) {
  __wasi_fdstat_t st;
  EXPECT_OK(__wasi_fd_fdstat_get(1, &st));
  EXPECT(st.fs_filetype == __WASI_FILETYPE_CHARACTER_DEVICE);
  EXPECT((st.fs_rights_base & (__WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL)) == 0);
  EXPECT((st.fs_rights_base & __WASI_RIGHTS_FD_WRITE) != 0);
  EXPECT(isatty(1) == 1);
  __wasi_filesize_t pos;
  EXPECT_ERRNO(__wasi_fd_seek(1, 0, __WASI_WHENCE_CUR, &pos), __WASI_ERRNO_SPIPE);
  EXPECT_ERRNO(__wasi_fd_tell(1, &pos), __WASI_ERRNO_SPIPE);
  __wasi_iovec_t iov = {(uint8_t*)&pos, 1};
  __wasi_size_t n;
  EXPECT_ERRNO(__wasi_fd_pread(1, &iov, 1, 0, &n), __WASI_ERRNO_SPIPE);
  return finish();
}

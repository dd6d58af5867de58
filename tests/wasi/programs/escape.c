/* Every attempt to reach outside the sandbox must fail. The test driver puts
 * a directory "outside" next to the sandbox and checks it is unchanged. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static int denied_open(const char* path, int flags) {
  int fd = open(path, flags, 0644);
  if (fd >= 0) {
    fprintf(stderr, "escape: open(%s) succeeded\n", path);
    close(fd);
    return 0;
  }
  return 1;
}

int main(void) {
  /* 1. plain .. */
  CHECK(denied_open("/sandbox/../outside/secret", O_RDONLY));
  /* 2. absolute host path outside any preopen */
  CHECK(denied_open("/etc/passwd", O_RDONLY));
  /* 3. .. hidden in the middle */
  CHECK(mkdir("/sandbox/a", 0755) == 0);
  CHECK(denied_open("/sandbox/a/../../outside/secret", O_RDONLY));
  /* 4. creating a file outside through .. */
  CHECK(denied_open("/sandbox/../outside/created", O_CREAT | O_WRONLY));
  /* 5. relative symlink pointing out, then opened */
  CHECK(symlink("../outside", "/sandbox/up") == 0);
  CHECK(denied_open("/sandbox/up/secret", O_RDONLY));
  /* 6. absolute symlink (refused when created, and never followed) */
  symlink("/etc", "/sandbox/etc");
  CHECK(denied_open("/sandbox/etc/passwd", O_RDONLY));
  /* 7. chain of symlinks ending outside */
  CHECK(symlink("up", "/sandbox/chain1") == 0);
  CHECK(symlink("chain1", "/sandbox/chain2") == 0);
  CHECK(denied_open("/sandbox/chain2/secret", O_RDONLY));
  /* 8. writing through a symlink whose target is outside */
  CHECK(symlink("../outside/secret", "/sandbox/secretlink") == 0);
  CHECK(denied_open("/sandbox/secretlink", O_WRONLY | O_TRUNC));
  /* 9. mkdir outside */
  CHECK(mkdir("/sandbox/../outside/evil", 0755) == -1);
  /* 10. unlink outside */
  CHECK(unlink("/sandbox/../outside/secret") == -1);
  /* 11. rename a file out of the sandbox */
  int fd = open("/sandbox/inner", O_CREAT | O_WRONLY, 0644);
  CHECK(fd >= 0);
  close(fd);
  CHECK(rename("/sandbox/inner", "/sandbox/../outside/moved") == -1);
  /* 12. hard link out of the sandbox */
  CHECK(link("/sandbox/inner", "/sandbox/../outside/hardlink") == -1);
  /* 13. listing the parent directory */
  CHECK(opendir("/sandbox/..") == NULL || 1); /* wasi-libc maps this to the preopen itself or fails */
  DIR* d = opendir("/sandbox/../outside");
  CHECK(d == NULL);
  if (d) closedir(d);
  /* 14. stat outside */
  struct stat st;
  CHECK(stat("/sandbox/../outside/secret", &st) == -1);
  /* 15. symlink loop must fail cleanly */
  CHECK(symlink("loop2", "/sandbox/loop1") == 0);
  CHECK(symlink("loop1", "/sandbox/loop2") == 0);
  CHECK(denied_open("/sandbox/loop1", O_RDONLY));
  /* 16. rmdir outside */
  CHECK(rmdir("/sandbox/../outside") == -1);
  /* 17. a trailing slash makes the final symlink be followed: no stat or
   * time change may reach outside that way ("up" -> ../outside). */
  struct timespec ts[2] = {{0, 0}, {0, 0}};
  CHECK(utimensat(AT_FDCWD, "/sandbox/up/", ts, AT_SYMLINK_NOFOLLOW) == -1);
  CHECK(fstatat(AT_FDCWD, "/sandbox/up/", &st, AT_SYMLINK_NOFOLLOW) == -1);
  char lbuf[16];
  CHECK(readlink("/sandbox/up/", lbuf, sizeof lbuf) == -1);
  /* 18. operations that never follow their final component get the slash
   * passed on to the kernel: none of them may act on what "up/" points to. */
  CHECK(rename("/sandbox/a", "/sandbox/up/") == -1);
  CHECK(rmdir("/sandbox/up/") == -1);
  CHECK(unlink("/sandbox/up/") == -1);
  CHECK(link("/sandbox/inner", "/sandbox/up/") == -1);
  CHECK(symlink("inner", "/sandbox/up/") == -1);
  CHECK(mkdir("/sandbox/up/", 0755) == -1);
  CHECK(rename("/sandbox/up/", "/sandbox/moved") == -1);
  DONE();
}

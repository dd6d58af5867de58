/* Files, directories, readdir, seek/pread/pwrite/truncate, rename, symlinks
 * inside the sandbox preopened as /sandbox. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static int count_entries(const char* dir, int* saw_dot, int* saw_dotdot, int* saw_file) {
  DIR* d = opendir(dir);
  if (!d) return -1;
  int n = 0;
  struct dirent* e;
  while ((e = readdir(d))) {
    n++;
    if (!strcmp(e->d_name, ".")) *saw_dot = 1;
    if (!strcmp(e->d_name, "..")) *saw_dotdot = 1;
    if (!strcmp(e->d_name, "f1")) *saw_file = 1;
  }
  closedir(d);
  return n;
}

int main(void) {
  CHECK(mkdir("/sandbox/d", 0755) == 0);
  CHECK(mkdir("/sandbox/d", 0755) == -1 && errno == EEXIST);
  int fd = open("/sandbox/d/f1", O_CREAT | O_RDWR | O_TRUNC, 0644);
  CHECK(fd >= 0);
  CHECK(write(fd, "hello world", 11) == 11);
  CHECK(lseek(fd, 0, SEEK_CUR) == 11);
  CHECK(lseek(fd, 6, SEEK_SET) == 6);
  char buf[32] = {0};
  CHECK(read(fd, buf, 5) == 5 && !memcmp(buf, "world", 5));
  CHECK(pwrite(fd, "HELLO", 5, 0) == 5);
  memset(buf, 0, sizeof buf);
  CHECK(pread(fd, buf, 11, 0) == 11 && !memcmp(buf, "HELLO world", 11));
  CHECK(lseek(fd, 0, SEEK_CUR) == 11); /* pread/pwrite leave the offset alone */
  CHECK(ftruncate(fd, 5) == 0);
  struct stat st;
  CHECK(fstat(fd, &st) == 0 && st.st_size == 5 && S_ISREG(st.st_mode));
  CHECK(close(fd) == 0);
  CHECK(stat("/sandbox/d/f1", &st) == 0 && st.st_size == 5);

  /* Many files for readdir cookies. */
  char name[64];
  for (int i = 0; i < 100; i++) {
    snprintf(name, sizeof name, "/sandbox/d/many%03d", i);
    int f = open(name, O_CREAT | O_WRONLY, 0644);
    CHECK(f >= 0);
    close(f);
  }
  int dot = 0, dotdot = 0, file = 0;
  CHECK(count_entries("/sandbox/d", &dot, &dotdot, &file) == 103);
  CHECK(dot && dotdot && file);

  CHECK(rename("/sandbox/d/f1", "/sandbox/d/f2") == 0);
  CHECK(access("/sandbox/d/f1", F_OK) == -1 && errno == ENOENT);
  CHECK(access("/sandbox/d/f2", F_OK) == 0);

  CHECK(symlink("f2", "/sandbox/d/link") == 0);
  memset(buf, 0, sizeof buf);
  CHECK(readlink("/sandbox/d/link", buf, sizeof buf) == 2 && !memcmp(buf, "f2", 2));
  fd = open("/sandbox/d/link", O_RDONLY);
  CHECK(fd >= 0);
  memset(buf, 0, sizeof buf);
  CHECK(read(fd, buf, sizeof buf) == 5 && !memcmp(buf, "HELLO", 5));
  close(fd);
  CHECK(lstat("/sandbox/d/link", &st) == 0 && S_ISLNK(st.st_mode));
  CHECK(symlink("../d/f2", "/sandbox/d/link2") == 0); /* relative, stays inside */
  fd = open("/sandbox/d/link2", O_RDONLY);
  CHECK(fd >= 0);
  close(fd);

  CHECK(rmdir("/sandbox/d") == -1 && errno == ENOTEMPTY);
  for (int i = 0; i < 100; i++) {
    snprintf(name, sizeof name, "/sandbox/d/many%03d", i);
    CHECK(unlink(name) == 0);
  }
  CHECK(unlink("/sandbox/d/link") == 0);
  CHECK(unlink("/sandbox/d/link2") == 0);
  CHECK(unlink("/sandbox/d/f2") == 0);
  CHECK(rmdir("/sandbox/d") == 0);
  CHECK(open("/sandbox/missing", O_RDONLY) == -1 && errno == ENOENT);
  DONE();
}

/* The guest of cli.dir_read_only: argv[1] is a preopened directory holding
 * existing.txt. It reads that file, then tries every kind of write under the
 * directory and prints one line per attempt, "what: outcome", where the
 * outcome is "ok" or the errno's name. Writes come after the read, so under
 * a writable --dir (the test's control run) every attempt says "ok". */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char* outcome(int ok) {
  if (ok) return "ok";
  switch (errno) {
    case EROFS: return "EROFS";
    case EACCES: return "EACCES";
    case ENOTCAPABLE: return "ENOTCAPABLE";
    case EPERM: return "EPERM";
    case EBADF: return "EBADF";
    default: return strerror(errno);
  }
}

static void path_in(char* out, size_t n, const char* dir, const char* name) { snprintf(out, n, "%s/%s", dir, name); }

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: dir_ro_guest DIR\n");
    return 2;
  }
  const char* dir = argv[1];
  char existing[512], created[512], renamed[512], sub[512];
  path_in(existing, sizeof existing, dir, "existing.txt");
  path_in(created, sizeof created, dir, "created.txt");
  path_in(renamed, sizeof renamed, dir, "renamed.txt");
  path_in(sub, sizeof sub, dir, "sub");

  char buf[64] = {0};
  int fd = open(existing, O_RDONLY);
  ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
  printf("read: %s %s", outcome(n > 0), n > 0 ? buf : "\n");
  /* An fd opened for reading is not writable: EBADF, or EROFS under a
   * read-only preopen (brisk answers as a read-only mount would). */
  printf("write-through-read-fd: %s\n", outcome(fd >= 0 && write(fd, "x", 1) == 1));
  if (fd >= 0) close(fd);

  fd = open(existing, O_WRONLY | O_TRUNC);
  int ok = fd >= 0 && write(fd, "changed\n", 8) == 8;
  printf("open-for-write: %s\n", outcome(ok));
  if (fd >= 0) close(fd);
  fd = open(created, O_WRONLY | O_CREAT | O_EXCL, 0644);
  printf("create: %s\n", outcome(fd >= 0));
  if (fd >= 0) close(fd);
  printf("mkdir: %s\n", outcome(mkdir(sub, 0755) == 0));
  const int moved = rename(existing, renamed) == 0;
  printf("rename: %s\n", outcome(moved));
  printf("unlink: %s\n", outcome(unlink(moved ? renamed : existing) == 0));
  return 0;
}

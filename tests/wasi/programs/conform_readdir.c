/* fd_readdir: every entry once (".", ".." included), d_type and d_ino right,
 * resuming from the cookie of any entry gives exactly the entries after it,
 * in the same order, and buffers too small for an entry truncate it with
 * bufused == buf_len (the witx contract), so any buffer size lists the same
 * directory. */
#include <stdlib.h>

#include "conform.h"

#define MAX_ENTRIES 80
#define NFILES 60

struct entry {
  __wasi_dircookie_t next;
  __wasi_inode_t ino;
  __wasi_filetype_t type;
  char name[32];
};

/* Parses one fd_readdir buffer; returns the number of whole entries, sets *truncated. */
static int parse(const uint8_t* buf, __wasi_size_t used, struct entry* out, int max, int* truncated) {
  int n = 0;
  __wasi_size_t at = 0;
  *truncated = 0;
  while (at < used) {
    if (used - at < sizeof(__wasi_dirent_t)) {
      *truncated = 1;
      break;
    }
    __wasi_dirent_t d;
    memcpy(&d, buf + at, sizeof d);
    if (used - at - sizeof d < d.d_namlen) {
      *truncated = 1;
      break;
    }
    if (n < max) {
      out[n].next = d.d_next;
      out[n].ino = d.d_ino;
      out[n].type = d.d_type;
      size_t l = d.d_namlen < sizeof out[n].name - 1 ? d.d_namlen : sizeof out[n].name - 1;
      memcpy(out[n].name, buf + at + sizeof d, l);
      out[n].name[l] = 0;
    }
    n++;
    at += sizeof d + d.d_namlen;
  }
  return n;
}

/* Lists {fd} from {cookie} with reads of {bufsize} bytes, as libc does:
 * on a truncated entry, read again from the last whole entry's cookie. */
static int list(__wasi_fd_t fd, __wasi_dircookie_t cookie, size_t bufsize, struct entry* out, int max) {
  uint8_t* buf = malloc(bufsize);
  int total = 0;
  for (int rounds = 0; rounds < 10000; rounds++) {
    __wasi_size_t used = 0;
    if (__wasi_fd_readdir(fd, buf, bufsize, cookie, &used) != 0) {
      total = -1;
      break;
    }
    int truncated;
    int n = parse(buf, used, out + total, max - total, &truncated);
    if (n == 0 && truncated) { /* the buffer cannot hold even one entry */
      total = -2;
      break;
    }
    total += n;
    if (used < bufsize) break; /* end of directory */
    if (total > max) {
      total = -3;
      break;
    }
    cookie = out[total - 1].next;
  }
  free(buf);
  return total;
}

static int find(const struct entry* e, int n, const char* name) {
  for (int i = 0; i < n; i++)
    if (strcmp(e[i].name, name) == 0) return i;
  return -1;
}

static int same_listing(const struct entry* a, const struct entry* b, int n) {
  for (int i = 0; i < n; i++)
    if (strcmp(a[i].name, b[i].name) != 0 || a[i].next != b[i].next || a[i].type != b[i].type) return 0;
  return 1;
}

int main(void) {
  __wasi_fd_t root = sandbox_fd();
  static struct entry all[MAX_ENTRIES], part[MAX_ENTRIES];
  __wasi_filestat_t st;

  /* An empty directory: "." and "..", both directories; "." is the directory itself. */
  EXPECT_OK(__wasi_path_create_directory(root, "d"));
  __wasi_fd_t d;
  EXPECT_OK(__wasi_path_open(root, 0, "d", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR |
                             __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_PATH_FILESTAT_GET, 0, 0, &d));
  int n = list(d, 0, 4096, all, MAX_ENTRIES);
  EXPECT(n == 2);
  EXPECT_OK(__wasi_fd_filestat_get(d, &st));
  int dot = find(all, n, "."), dotdot = find(all, n, "..");
  EXPECT(dot >= 0 && dotdot >= 0);
  EXPECT(dot >= 0 && all[dot].type == __WASI_FILETYPE_DIRECTORY && all[dot].ino == st.ino);
  EXPECT(dotdot >= 0 && all[dotdot].type == __WASI_FILETYPE_DIRECTORY);

  /* Files, a directory, a symlink. */
  char name[32];
  for (int i = 0; i < NFILES; i++) {
    snprintf(name, sizeof name, "d/file%02d", i);
    EXPECT(make_file(root, name, "x") == 0);
  }
  EXPECT_OK(__wasi_path_create_directory(root, "d/sub"));
  EXPECT_OK(__wasi_path_symlink("file00", root, "d/link"));
  const int expected = NFILES + 4;
  n = list(d, 0, 65536, all, MAX_ENTRIES);
  EXPECT(n == expected);
  int seen_all = 1, types_ok = 1, ino_ok = 1;
  for (int i = 0; i < NFILES; i++) {
    snprintf(name, sizeof name, "file%02d", i);
    int k = find(all, n, name);
    if (k < 0) {
      seen_all = 0;
      continue;
    }
    if (all[k].type != __WASI_FILETYPE_REGULAR_FILE) types_ok = 0;
    if (__wasi_path_filestat_get(d, 0, name, &st) != 0 || st.ino != all[k].ino) ino_ok = 0;
  }
  EXPECT(seen_all);
  EXPECT(types_ok);
  EXPECT(ino_ok);
  int k = find(all, n, "sub");
  EXPECT(k >= 0 && all[k].type == __WASI_FILETYPE_DIRECTORY);
  k = find(all, n, "link");
  EXPECT(k >= 0 && all[k].type == __WASI_FILETYPE_SYMBOLIC_LINK);
  /* No name twice. */
  int dup = 0;
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++)
      if (strcmp(all[i].name, all[j].name) == 0) dup = 1;
  EXPECT(!dup);

  /* Listing again gives the same entries, cookies and order. */
  int again = list(d, 0, 65536, part, MAX_ENTRIES);
  EXPECT(again == n && same_listing(all, part, n));

  /* Resuming from the cookie of entry i gives entries i+1.. exactly. */
  int resume_ok = 1;
  for (int i = 0; i < n; i++) {
    int m = list(d, all[i].next, 65536, part, MAX_ENTRIES);
    if (m != n - i - 1 || !same_listing(all + i + 1, part, m)) {
      printf("     resume after entry %d (%s, cookie %llu): %d entries\n", i, all[i].name,
             (unsigned long long)all[i].next, m);
      resume_ok = 0;
    }
  }
  EXPECT(resume_ok);
  /* The cookie after the last entry lists nothing. */
  __wasi_size_t used = 99;
  uint8_t buf[256];
  EXPECT_OK(__wasi_fd_readdir(d, buf, sizeof buf, all[n - 1].next, &used));
  EXPECT(used == 0);

  /* Small buffers: every size from one header up lists the same directory. */
  int sizes_ok = 1;
  static const size_t sizes[] = {sizeof(__wasi_dirent_t) + 6, 33, 40, 64, 100, 129, 256, 1000};
  for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
    int m = list(d, 0, sizes[s], part, MAX_ENTRIES);
    if (m != n || !same_listing(all, part, n)) {
      printf("     buffer of %zu bytes: %d entries\n", sizes[s], m);
      sizes_ok = 0;
    }
  }
  EXPECT(sizes_ok);
  /* A buffer smaller than the next entry is filled completely (bufused == buf_len). */
  EXPECT_OK(__wasi_fd_readdir(d, buf, 10, 0, &used));
  EXPECT(used == 10);
  EXPECT_OK(__wasi_fd_readdir(d, buf, 0, 0, &used));
  EXPECT(used == 0);

  /* Entries removed after a cookie was handed out do not come back. */
  k = find(all, n, "file59");
  EXPECT_OK(__wasi_path_unlink_file(root, "d/file59"));
  int m = list(d, 0, 65536, part, MAX_ENTRIES);
  EXPECT(m == n - 1 && find(part, m, "file59") < 0);
  EXPECT_OK(__wasi_fd_close(d));

  /* The preopen lists too. */
  n = list(root, 0, 4096, all, MAX_ENTRIES);
  EXPECT(n == 3 && find(all, n, "d") >= 0);
  return finish();
}

/* argv and environment as given on the brisk command line. */
#include <stdlib.h>

#include "check.h"

int main(int argc, char** argv) {
  CHECK(argc == 3);
  CHECK(argc > 1 && !strcmp(argv[1], "first"));
  CHECK(argc > 2 && !strcmp(argv[2], "second arg"));
  CHECK(getenv("BRISK_A") && !strcmp(getenv("BRISK_A"), "1"));
  CHECK(getenv("BRISK_B") && !strcmp(getenv("BRISK_B"), "x=y"));
  CHECK(getenv("HOME") == NULL); /* the host environment is not inherited */
  DONE();
}

/* A well-behaved plugin: counts the words of text the host copies into its
 * buffer. No libc, no imports: built with -nostdlib as a library. */
static char text[4096];

__attribute__((export_name("buffer"))) char* buffer(void) { return text; }
__attribute__((export_name("buffer_size"))) int buffer_size(void) { return (int)sizeof text; }

__attribute__((export_name("count_words"))) int count_words(int len) {
  if (len < 0 || len > (int)sizeof text) return -1;
  int words = 0, in_word = 0;
  for (int i = 0; i < len; ++i) {
    const int space = text[i] == ' ' || text[i] == '\n' || text[i] == '\t';
    if (!space && !in_word) words++;
    in_word = !space;
  }
  return words;
}

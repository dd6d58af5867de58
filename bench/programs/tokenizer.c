/* tokenizer: a lexer for a C-like language run over generated source text.
 * Character-class tests, keyword recognition, number parsing, string escapes,
 * comments and multi-character operators: a branchy byte-at-a-time scanner.
 * Usage: tokenizer [KIB]   (default 4096 KiB of source, tokenized 16 times) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind { T_IDENT, T_KEYWORD, T_INT, T_FLOAT, T_STRING, T_CHAR, T_OP, T_PUNCT, T_COUNT };

static const char *const keywords[] = {
    "if", "else", "while", "for", "return", "int", "long", "char", "struct",
    "break", "continue", "static", "const", "void", "switch", "case",
};
#define NKEYWORDS (int)(sizeof keywords / sizeof keywords[0])

static unsigned rng = 0x1234567u;
static unsigned next_rand(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

/* Generates roughly `size` bytes of plausible-looking source text. */
static char *generate(size_t size, size_t *len) {
  static const char *const ops[] = {"+", "-", "*", "/", "=", "==", "!=", "<=", ">=",
                                    "<", ">", "&&", "||", "<<", ">>", "+=", "->", "++"};
  static const char *const words[] = {"alpha", "beta", "count", "x", "y", "buffer",
                                      "node_next", "tmp2", "_priv", "Value", "idx"};
  char *s = malloc(size + 256);
  size_t n = 0;
  while (n < size) {
    unsigned r = next_rand();
    switch (r % 13) {
    case 0: case 1: case 2:
      n += sprintf(s + n, "%s%u ", words[(r >> 8) % 11], (r >> 16) % 50);
      break;
    case 3:
      n += sprintf(s + n, "%s ", keywords[(r >> 8) % NKEYWORDS]);
      break;
    case 4:
      n += sprintf(s + n, "%u", (r >> 8) % 100000);
      s[n++] = ' ';
      break;
    case 5:
      n += sprintf(s + n, "0x%x ", (r >> 4) & 0xfffff);
      break;
    case 6:
      n += sprintf(s + n, "%u.%ue%d ", (r >> 8) % 1000, (r >> 4) % 100, (int)(r % 7) - 3);
      break;
    case 7:
      n += sprintf(s + n, "\"str %u\\n\\\"q\\\" \" ", (r >> 8) % 1000);
      break;
    case 8:
      n += sprintf(s + n, "'%c' ", 'a' + (r >> 8) % 26);
      break;
    case 9: case 10:
      n += sprintf(s + n, "%s ", ops[(r >> 8) % 18]);
      break;
    case 11:
      s[n++] = "(){}[];,"[(r >> 8) % 8];
      s[n++] = (r >> 12) % 4 ? ' ' : '\n';
      break;
    case 12:
      if ((r >> 8) % 2) n += sprintf(s + n, "// line comment %u\n", r % 977);
      else n += sprintf(s + n, "/* block\n comment */ ");
      break;
    }
  }
  s[n] = 0;
  *len = n;
  return s;
}

static inline int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static inline int is_digit(int c) { return c >= '0' && c <= '9'; }
static inline int is_xdigit(int c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

static int is_keyword(const char *p, size_t len) {
  for (int k = 0; k < NKEYWORDS; k++)
    if (strlen(keywords[k]) == len && memcmp(keywords[k], p, len) == 0) return 1;
  return 0;
}

struct stats {
  unsigned long long count[T_COUNT];
  unsigned long long hash, ints, lines;
};

static void tokenize(const char *s, struct stats *st) {
  const char *p = s;
  unsigned long long h = st->hash;
  for (;;) {
    int c = *p;
    if (c == 0) break;
    if (c == ' ' || c == '\t' || c == '\r') { p++; continue; }
    if (c == '\n') { st->lines++; p++; continue; }
    const char *start = p;
    enum kind k;
    if (is_alpha(c)) {
      while (is_alpha(*p) || is_digit(*p)) p++;
      k = is_keyword(start, (size_t)(p - start)) ? T_KEYWORD : T_IDENT;
    } else if (is_digit(c)) {
      unsigned long long v = 0;
      k = T_INT;
      if (c == '0' && (p[1] == 'x' || p[1] == 'X')) {
        p += 2;
        while (is_xdigit(*p)) {
          int d = *p <= '9' ? *p - '0' : (*p | 32) - 'a' + 10;
          v = v * 16 + (unsigned)d;
          p++;
        }
      } else {
        while (is_digit(*p)) v = v * 10 + (unsigned)(*p++ - '0');
        if (*p == '.') {
          k = T_FLOAT;
          p++;
          while (is_digit(*p)) p++;
          if (*p == 'e' || *p == 'E') {
            p++;
            if (*p == '+' || *p == '-') p++;
            while (is_digit(*p)) p++;
          }
        }
      }
      st->ints += v;
    } else if (c == '"' || c == '\'') {
      k = c == '"' ? T_STRING : T_CHAR;
      p++;
      while (*p && *p != c) {
        if (*p == '\\' && p[1]) p++;
        p++;
      }
      if (*p) p++;
    } else if (c == '/' && p[1] == '/') {
      while (*p && *p != '\n') p++;
      continue;
    } else if (c == '/' && p[1] == '*') {
      p += 2;
      while (*p && !(p[0] == '*' && p[1] == '/')) {
        if (*p == '\n') st->lines++;
        p++;
      }
      if (*p) p += 2;
      continue;
    } else if (strchr("(){}[];,", c)) {
      k = T_PUNCT;
      p++;
    } else {
      k = T_OP;
      int d = p[1];
      if ((d == '=' && strchr("=!<>+-*/", c)) || (c == '&' && d == '&') ||
          (c == '|' && d == '|') || (c == '<' && d == '<') || (c == '>' && d == '>') ||
          (c == '-' && d == '>') || (c == '+' && d == '+'))
        p += 2;
      else
        p++;
    }
    st->count[k]++;
    for (const char *q = start; q < p; q++) h = (h ^ (unsigned char)*q) * 0x100000001b3ull;
    h ^= (unsigned)k;
  }
  st->hash = h;
}

int main(int argc, char **argv) {
  size_t kib = argc > 1 ? (size_t)atol(argv[1]) : 4096;
  size_t len;
  char *src = generate(kib * 1024, &len);
  struct stats st;
  memset(&st, 0, sizeof st);
  st.hash = 0xcbf29ce484222325ull;
  for (int rep = 0; rep < 16; rep++) tokenize(src, &st);
  unsigned long long total = 0;
  for (int k = 0; k < T_COUNT; k++) total += st.count[k];
  printf("bytes %zu, tokens %llu (ident %llu kw %llu int %llu float %llu str %llu op %llu)\n",
         len, total, st.count[T_IDENT], st.count[T_KEYWORD], st.count[T_INT],
         st.count[T_FLOAT], st.count[T_STRING], st.count[T_OP]);
  printf("checksum: %016llx %llu %llu %llu\n", st.hash, total, st.ints, st.lines);
  free(src);
  return 0;
}

/* coremark: a CoreMark-like mix, written here (not EEMBC's code): each
 * iteration runs a linked-list kernel (find, reverse, merge sort by two
 * keys), an int16 matrix kernel (add a constant, multiply by a constant,
 * by a vector and by a matrix, extract bit fields) and a state-machine
 * kernel (classifying the numbers of a text buffer byte by byte), and folds
 * every result into a CRC-16 that seeds the next iteration.
 * Usage: coremark [ITERATIONS]   (default 6000) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint16_t crc16_byte(uint8_t b, uint16_t crc) {
  for (int i = 0; i < 8; i++) {
    int mix = (crc ^ b) & 1;
    crc >>= 1;
    if (mix) crc ^= 0xA001;
    b >>= 1;
  }
  return crc;
}
static uint16_t crc16(uint32_t v, uint16_t crc) {
  crc = crc16_byte((uint8_t)v, crc);
  crc = crc16_byte((uint8_t)(v >> 8), crc);
  crc = crc16_byte((uint8_t)(v >> 16), crc);
  return crc16_byte((uint8_t)(v >> 24), crc);
}

/* ---- linked list ---- */
typedef struct Node {
  struct Node *next;
  int16_t key, value;
} Node;

#define LIST_NODES 400
static Node pool[LIST_NODES];

static Node *list_build(uint16_t seed) {
  Node *head = NULL;
  for (int i = 0; i < LIST_NODES; i++) {
    Node *n = &pool[i];
    n->key = (int16_t)((i * 7 + seed) & 0x7fff);
    n->value = (int16_t)((i ^ seed) * 31);
    n->next = head;
    head = n;
  }
  return head;
}
static Node *list_find(Node *l, int16_t key) {
  while (l && l->key != key) l = l->next;
  return l;
}
static Node *list_reverse(Node *l) {
  Node *r = NULL;
  while (l) {
    Node *next = l->next;
    l->next = r;
    r = l;
    l = next;
  }
  return r;
}
static int cmp_key(const Node *a, const Node *b) { return a->key - b->key; }
static int cmp_value(const Node *a, const Node *b) { return a->value - b->value; }
/* Bottom-up merge sort of a singly linked list (no recursion, no allocation). */
static Node *list_sort(Node *list, int (*cmp)(const Node *, const Node *)) {
  for (int insize = 1;; insize *= 2) {
    Node *p = list, *tail = NULL;
    list = NULL;
    int merges = 0;
    while (p) {
      merges++;
      Node *q = p;
      int psize = 0;
      for (int i = 0; i < insize && q; i++) {
        psize++;
        q = q->next;
      }
      int qsize = insize;
      while (psize > 0 || (qsize > 0 && q)) {
        Node *e;
        if (psize == 0) {
          e = q, q = q->next, qsize--;
        } else if (qsize == 0 || !q || cmp(p, q) <= 0) {
          e = p, p = p->next, psize--;
        } else {
          e = q, q = q->next, qsize--;
        }
        if (tail) tail->next = e;
        else list = e;
        tail = e;
      }
      p = q;
    }
    tail->next = NULL;
    if (merges <= 1) return list;
  }
}
static uint16_t bench_list(uint16_t seed, uint16_t crc) {
  Node *l = list_build(seed);
  for (int i = 0; i < 40; i++) {
    Node *f = list_find(l, (int16_t)((i * 7 + seed) & 0x7fff));
    crc = crc16(f ? (uint32_t)f->value : 0xffffu, crc);
  }
  l = list_reverse(l);
  l = list_sort(l, cmp_value);
  crc = crc16((uint32_t)l->value, crc);
  l = list_sort(l, cmp_key);
  for (Node *p = l; p; p = p->next) crc = (uint16_t)(crc + (uint16_t)p->value);
  return crc16((uint32_t)l->key, crc);
}

/* ---- matrix ---- */
#define MN 24
static int16_t ma[MN * MN], mb[MN * MN];
static int32_t mc[MN * MN];

static uint16_t bench_matrix(uint16_t seed, uint16_t crc) {
  int16_t k = (int16_t)(seed | 0x100);
  for (int i = 0; i < MN * MN; i++) {
    ma[i] = (int16_t)((i * 3 + seed) & 0xff);
    mb[i] = (int16_t)(((i ^ seed) * 5) & 0xff);
  }
  for (int i = 0; i < MN * MN; i++) ma[i] = (int16_t)(ma[i] + k);
  for (int i = 0; i < MN * MN; i++) mc[i] = (int32_t)ma[i] * k;
  int32_t acc = 0;
  for (int i = 0; i < MN * MN; i++) acc += mc[i];
  crc = crc16((uint32_t)acc, crc);
  for (int i = 0; i < MN; i++) {  /* matrix times vector (column 0 of B) */
    int32_t s = 0;
    for (int j = 0; j < MN; j++) s += (int32_t)ma[i * MN + j] * mb[j * MN];
    mc[i] = s;
  }
  acc = 0;
  for (int i = 0; i < MN; i++) acc += mc[i];
  crc = crc16((uint32_t)acc, crc);
  for (int i = 0; i < MN; i++)
    for (int j = 0; j < MN; j++) {
      int32_t s = 0;
      for (int x = 0; x < MN; x++) s += (int32_t)ma[i * MN + x] * mb[x * MN + j];
      mc[i * MN + j] = s;
    }
  acc = 0;
  for (int i = 0; i < MN * MN; i++) acc += (mc[i] >> 2) & 0xf;  /* bit fields */
  crc = crc16((uint32_t)acc, crc);
  for (int i = 0; i < MN * MN; i++) ma[i] = (int16_t)(ma[i] - k);
  return crc16((uint32_t)ma[seed % (MN * MN)], crc);
}

/* ---- state machine ---- */
enum State { START, INT, FLOAT, EXP_MARK, EXP, INVALID, NSTATES };
#define TEXT_LEN 1536
static char text[TEXT_LEN + 1];

static void text_build(uint16_t seed) {
  static const char *tokens[] = {"5012", "1.23", "-874", "+122", "35.54e-2", "-110.700", "0.64E+3",
                                 "T0.3e-1F", "-T.T++Tq", "1T3.4e4z", "34.0e-T^", "12e"};
  size_t n = 0;
  unsigned x = seed | 1u;
  while (n + 12 < TEXT_LEN) {
    x = x * 1103515245u + 12345u;
    const char *t = tokens[(x >> 16) % 12];
    size_t len = strlen(t);
    memcpy(text + n, t, len);
    n += len;
    text[n++] = ',';
  }
  text[n] = 0;
}
static uint16_t bench_state(uint16_t seed, uint16_t crc) {
  unsigned counts[NSTATES] = {0}, transitions = 0;
  enum State s = START;
  for (const char *p = text; *p; p++) {
    char c = *p;
    if (c == ',') {
      counts[s]++;
      s = START;
      continue;
    }
    enum State next = s;
    switch (s) {
      case START:
        if (c >= '0' && c <= '9') next = INT;
        else if (c == '+' || c == '-') next = INT;
        else if (c == '.') next = FLOAT;
        else next = INVALID;
        break;
      case INT:
        if (c == '.') next = FLOAT;
        else if (c == 'e' || c == 'E') next = EXP_MARK;
        else if (c < '0' || c > '9') next = INVALID;
        break;
      case FLOAT:
        if (c == 'e' || c == 'E') next = EXP_MARK;
        else if (c < '0' || c > '9') next = INVALID;
        break;
      case EXP_MARK:
        if (c == '+' || c == '-' || (c >= '0' && c <= '9')) next = EXP;
        else next = INVALID;
        break;
      case EXP:
        if (c < '0' || c > '9') next = INVALID;
        break;
      default: break;
    }
    transitions += next != s;
    s = next;
  }
  for (int i = 0; i < NSTATES; i++) crc = crc16(counts[i], crc);
  /* Corrupt and restore one byte per call, as CoreMark does, so the text is
   * not loop-invariant across iterations. */
  size_t at = seed % (TEXT_LEN - 16);
  text[at] ^= 0x20;
  text[at] ^= 0x20;
  return crc16(transitions, crc);
}

int main(int argc, char **argv) {
  int iterations = argc > 1 ? atoi(argv[1]) : 6000;
  uint16_t crc = 0, seed = 0x3415;
  text_build(seed);
  uint16_t first = 0;
  for (int it = 0; it < iterations; it++) {
    crc = bench_list(seed, crc);
    crc = bench_matrix(seed, crc);
    crc = bench_state(seed, crc);
    seed = (uint16_t)(seed + crc + 1);
    if (it == 0) first = crc;
  }
  /* A fixed first iteration makes a miscompiled kernel visible on its own. */
  printf("first: %04x\n", first);
  printf("checksum: %04x %d\n", crc, iterations);
  return 0;
}

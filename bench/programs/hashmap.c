/* hashmap: an open-addressing hash map (64-bit keys to 32-bit values, linear
 * probing, backward-shift deletion, power-of-two capacity with growth).
 * Inserts, updates, lookups (hits and misses) and deletions with random keys:
 * cache-missing loads and probe-loop branches.
 * Usage: hashmap [N]   (default N = 1000000 live keys; 4 rounds of operations) */
#include <stdio.h>
#include <stdlib.h>

typedef unsigned long long u64;

struct slot {
  u64 key; /* 0 = empty */
  unsigned value;
  unsigned pad;
};

struct map {
  struct slot *slots;
  size_t mask;
  size_t count;
};

static inline size_t hash_key(u64 k) {
  k ^= k >> 31;
  k *= 0x7fb5d329728ea185ull;
  k ^= k >> 27;
  k *= 0x81dadef4bc2dd44dull;
  k ^= k >> 33;
  return (size_t)k;
}

static void map_init(struct map *m, size_t cap) {
  m->slots = calloc(cap, sizeof *m->slots);
  m->mask = cap - 1;
  m->count = 0;
}

static void map_put(struct map *m, u64 key, unsigned value);

static void map_grow(struct map *m) {
  struct slot *old = m->slots;
  size_t oldcap = m->mask + 1;
  map_init(m, oldcap * 2);
  for (size_t i = 0; i < oldcap; i++)
    if (old[i].key) map_put(m, old[i].key, old[i].value);
  free(old);
}

static void map_put(struct map *m, u64 key, unsigned value) {
  if ((m->count + 1) * 4 > (m->mask + 1) * 3) map_grow(m);
  size_t i = hash_key(key) & m->mask;
  while (m->slots[i].key) {
    if (m->slots[i].key == key) {
      m->slots[i].value = value;
      return;
    }
    i = (i + 1) & m->mask;
  }
  m->slots[i].key = key;
  m->slots[i].value = value;
  m->count++;
}

static struct slot *map_find(struct map *m, u64 key) {
  size_t i = hash_key(key) & m->mask;
  while (m->slots[i].key) {
    if (m->slots[i].key == key) return &m->slots[i];
    i = (i + 1) & m->mask;
  }
  return NULL;
}

static int map_erase(struct map *m, u64 key) {
  size_t i = hash_key(key) & m->mask;
  while (m->slots[i].key != key) {
    if (!m->slots[i].key) return 0;
    i = (i + 1) & m->mask;
  }
  /* backward-shift: pull later entries of the cluster into the hole */
  size_t hole = i, j = i;
  for (;;) {
    j = (j + 1) & m->mask;
    if (!m->slots[j].key) break;
    size_t home = hash_key(m->slots[j].key) & m->mask;
    /* move j into hole unless its home lies cyclically in (hole, j] */
    int in_range = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
    if (!in_range) {
      m->slots[hole] = m->slots[j];
      hole = j;
    }
  }
  m->slots[hole].key = 0;
  m->count--;
  return 1;
}

static u64 rng_state = 0x9E3779B97F4A7C15ull;
static inline u64 next_rand(void) {
  u64 z = (rng_state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

int main(int argc, char **argv) {
  size_t n = argc > 1 ? (size_t)atol(argv[1]) : 1000000;
  u64 *keys = malloc(n * sizeof *keys);
  if (!keys) return 1;
  struct map m;
  map_init(&m, 16);
  for (size_t i = 0; i < n; i++) {
    keys[i] = next_rand() | 1; /* never 0 */
    map_put(&m, keys[i], (unsigned)i);
  }
  u64 check = 0;
  size_t hits = 0, misses = 0, erased = 0;
  for (int round = 0; round < 4; round++) {
    /* look up every live key, and as many keys that are absent */
    for (size_t i = 0; i < n; i++) {
      struct slot *s = map_find(&m, keys[i]);
      if (s) {
        hits++;
        check += s->value;
      }
      if (map_find(&m, next_rand() & ~1ull)) hits++; /* even keys: never present */
      else misses++;
    }
    /* replace a quarter of the keys: erase, then insert a fresh key */
    for (size_t i = round; i < n; i += 4) {
      erased += map_erase(&m, keys[i]);
      keys[i] = next_rand() | 1;
      map_put(&m, keys[i], (unsigned)(i ^ round));
    }
    /* update values in place */
    for (size_t i = 0; i < n; i += 3) map_put(&m, keys[i], (unsigned)(i * 7 + round));
  }
  printf("count %zu, hits %zu, misses %zu, erased %zu\n", m.count, hits, misses, erased);
  printf("checksum: %llu %zu %zu\n", check, m.count, hits);
  free(keys);
  free(m.slots);
  return 0;
}

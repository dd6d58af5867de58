/* autovec_sad: block-matching motion search, as a video encoder does it: for
 * each 16x16 block of the current frame, the sum of absolute differences
 * (SAD) against every candidate position within +-8 pixels in the previous
 * frame, keeping the best. Plain C: clang -O2 -msimd128 vectorises the 16-pixel
 * row loop (u8 -> i16/i32 extends, sub, abs, add); native clang -O2 uses
 * SSE2/NEON.
 *
 * Self-check (exit 1 on failure): the first frame's motion vectors and costs
 * against the same search with vectorisation disabled.
 * Usage: autovec_sad [FRAMES [RADIUS]] (default 170 frames of 320x240, radius 8). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { W = 320, H = 240, B = 16, MAX_R = 8 };
static int R = MAX_R;   /* search radius; the tests use a small one */

static unsigned sad16(const uint8_t *a, const uint8_t *b) {
  unsigned s = 0;
  for (int y = 0; y < B; y++)
    for (int x = 0; x < B; x++) {
      int d = a[y * W + x] - b[y * W + x];
      s += (unsigned)(d < 0 ? -d : d);
    }
  return s;
}

static unsigned sad16_ref(const uint8_t *a, const uint8_t *b) {
  unsigned s = 0;
#pragma clang loop vectorize(disable) interleave(disable)
  for (int y = 0; y < B; y++)
#pragma clang loop vectorize(disable) interleave(disable)
    for (int x = 0; x < B; x++) {
      int d = a[y * W + x] - b[y * W + x];
      s += (unsigned)(d < 0 ? -d : d);
    }
  return s;
}

typedef unsigned (*sad_fn)(const uint8_t *, const uint8_t *);

/* Best (dx, dy, cost) per block, ties to the first in scan order. */
static void search(const uint8_t *cur, const uint8_t *prev, int *mv, sad_fn sad) {
  int blk = 0;
  for (int by = MAX_R; by + B + MAX_R <= H; by += B)
    for (int bx = MAX_R; bx + B + MAX_R <= W; bx += B, blk++) {
      unsigned best = ~0u;
      int bdx = 0, bdy = 0;
      for (int dy = -R; dy <= R; dy++)
        for (int dx = -R; dx <= R; dx++) {
          unsigned s = sad(cur + by * W + bx, prev + (by + dy) * W + bx + dx);
          if (s < best) { best = s; bdx = dx; bdy = dy; }
        }
      mv[3 * blk] = bdx; mv[3 * blk + 1] = bdy; mv[3 * blk + 2] = (int)best;
    }
}

/* A frame: smooth blobs moving by (f, f/2) plus a little noise. */
static void render(uint8_t *p, int f, uint32_t *seed) {
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      *seed = *seed * 1103515245u + 12345u;
      int u = x + 3 * f, v = y + (3 * f) / 2;
      int val = ((u * 7) ^ (v * 5)) & 0xff;
      val = (val + ((u >> 3) * 13 + (v >> 3) * 29) % 128) / 2 + (int)((*seed >> 16) % 9);
      p[y * W + x] = (uint8_t)val;
    }
}

int main(int argc, char **argv) {
  int frames = argc > 1 ? atoi(argv[1]) : 170;
  if (argc > 2) {
    R = atoi(argv[2]);
    if (R < 0 || R > MAX_R) return 2;
  }
  enum { BLOCKS = ((H - 2 * MAX_R) / B) * ((W - 2 * MAX_R) / B) };
  uint8_t *prev = malloc(W * H), *cur = malloc(W * H);
  int *mv = malloc(sizeof(int) * 3 * BLOCKS), *mvr = malloc(sizeof(int) * 3 * BLOCKS);
  if (!prev || !cur || !mv || !mvr) return 1;
  uint32_t seed = 7;
  render(prev, 0, &seed);
  int ok = 1;
  uint64_t h = 0xcbf29ce484222325ull;
  long total = 0;
  for (int f = 1; f <= frames; f++) {
    render(cur, f, &seed);
    search(cur, prev, mv, sad16);
    if (f == 1) {
      search(cur, prev, mvr, sad16_ref);
      if (memcmp(mv, mvr, sizeof(int) * 3 * BLOCKS) != 0) {
        fprintf(stderr, "autovec_sad: motion vectors of frame 1 differ from the scalar search\n");
        ok = 0;
      }
    }
    for (int i = 0; i < 3 * BLOCKS; i++) h = (h ^ (uint32_t)mv[i]) * 0x100000001b3ull;
    for (int i = 0; i < BLOCKS; i++) total += mv[3 * i + 2];
    uint8_t *t = prev; prev = cur; cur = t;
  }
  printf("checksum: %016llx %ld\n", (unsigned long long)h, total);
  free(prev); free(cur); free(mv); free(mvr);
  return ok ? 0 : 1;
}

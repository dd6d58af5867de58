/* floyd: Floyd-Warshall all-pairs shortest paths over a random sparse
 * directed graph of n vertices (int weights, INF for no edge): the
 * classic triple loop with a data-dependent min. The result is checked
 * against Dijkstra from a few sources.
 * Usage: floyd [N]   (default N = 720) */
#include <stdio.h>
#include <stdlib.h>

#define INF 0x3fffffff

static void floyd(int *d, int n) {
  for (int k = 0; k < n; k++) {
    const int *dk = d + (size_t)k * n;
    for (int i = 0; i < n; i++) {
      int *di = d + (size_t)i * n;
      int dik = di[k];
      if (dik == INF) continue;
      for (int j = 0; j < n; j++) {
        int via = dik + dk[j];
        if (via < di[j]) di[j] = via;
      }
    }
  }
}

/* O(n^2) Dijkstra over the adjacency matrix {w}. */
static void dijkstra(const int *w, int n, int src, int *dist, char *done) {
  for (int v = 0; v < n; v++) {
    dist[v] = INF;
    done[v] = 0;
  }
  dist[src] = 0;
  for (int it = 0; it < n; it++) {
    int u = -1;
    for (int v = 0; v < n; v++)
      if (!done[v] && (u < 0 || dist[v] < dist[u])) u = v;
    if (u < 0 || dist[u] == INF) break;
    done[u] = 1;
    for (int v = 0; v < n; v++) {
      int e = w[(size_t)u * n + v];
      if (e != INF && dist[u] + e < dist[v]) dist[v] = dist[u] + e;
    }
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 720;
  if (n < 2) return 1;
  size_t nn = (size_t)n * n;
  int *w = malloc(nn * sizeof *w), *d = malloc(nn * sizeof *d), *dist = malloc((size_t)n * sizeof *dist);
  char *done = malloc((size_t)n);
  if (!w || !d || !dist || !done) return 1;
  unsigned x = 521288629u;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      /* About 6% of the pairs are edges, weights 1..1000. */
      w[(size_t)i * n + j] = i == j ? 0 : (x % 100) < 6 ? (int)((x >> 8) % 1000) + 1 : INF;
    }
  for (size_t p = 0; p < nn; p++) d[p] = w[p];
  floyd(d, n);
  for (int s = 0; s < 3; s++) {
    int src = (int)((size_t)s * n / 3);
    dijkstra(w, n, src, dist, done);
    for (int v = 0; v < n; v++)
      if (dist[v] != d[(size_t)src * n + v]) {
        printf("error: d[%d][%d] = %d, Dijkstra says %d\n", src, v, d[(size_t)src * n + v], dist[v]);
        return 2;
      }
  }
  unsigned long long sum = 0;
  unsigned reachable = 0, longest = 0;
  for (size_t p = 0; p < nn; p++) {
    if (d[p] == INF) continue;
    reachable++;
    sum += (unsigned long long)d[p] * (p % 13 + 1);
    if ((unsigned)d[p] > longest) longest = (unsigned)d[p];
  }
  printf("checksum: %llu %u %u\n", sum, reachable, longest);
  free(w);
  free(d);
  free(dist);
  free(done);
  return 0;
}

/* crc32: table-driven CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320)
 * over a pseudo-random buffer, many passes. Byte loads, table lookups,
 * shifts and xors in a tight integer loop.
 * Usage: crc32 [MIB]   (default 192 MiB of data processed in total) */
#include <stdio.h>
#include <stdlib.h>

static unsigned table[256];

static void make_table(void) {
  for (unsigned i = 0; i < 256; i++) {
    unsigned c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
}

static unsigned crc32(unsigned crc, const unsigned char *p, size_t n) {
  crc = ~crc;
  for (size_t i = 0; i < n; i++) crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}

int main(int argc, char **argv) {
  unsigned mib = argc > 1 ? (unsigned)atoi(argv[1]) : 192;
  const size_t size = 1u << 20;
  unsigned char *buf = malloc(size);
  if (!buf) return 1;
  unsigned x = 12345;
  for (size_t i = 0; i < size; i++) {
    x = x * 1103515245u + 12345u;
    buf[i] = (unsigned char)(x >> 16);
  }
  make_table();
  /* Known-answer self test: CRC-32 of "123456789" is 0xCBF43926. */
  unsigned kat = crc32(0, (const unsigned char *)"123456789", 9);
  unsigned crc = 0, mix = 0;
  for (unsigned pass = 0; pass < mib; pass++) {
    buf[pass % size] ^= (unsigned char)pass; /* each pass sees new data */
    crc = crc32(crc, buf, size);
    mix = (mix << 5 | mix >> 27) ^ crc;
  }
  printf("kat: %08x\n", kat);
  printf("checksum: %08x %08x\n", crc, mix);
  free(buf);
  return kat == 0xCBF43926u ? 0 : 1;
}

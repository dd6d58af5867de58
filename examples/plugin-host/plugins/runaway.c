/* A plugin that never returns: its "format" spins forever (a bug, or a
 * hostile plugin). The host stops it with an epoch deadline. */
__attribute__((export_name("format"))) int format(int len) {
  volatile unsigned spins = (unsigned)len;
  for (;;) spins++;
}

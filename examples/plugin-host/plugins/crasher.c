/* A plugin with a bug: lint(columns, tab_width) divides by the tab width,
 * which the host passes as 0. Integer division by zero traps in wasm; the
 * host reports the trap code and the backtrace (the name section, which
 * wasm-ld writes, gives the frames their names). */
__attribute__((noinline)) static int tab_stops(int columns, int tab_width) { return columns / tab_width; }

__attribute__((noinline)) static int check_line(int columns, int tab_width) {
  return tab_stops(columns, tab_width) + 1;
}

__attribute__((export_name("lint"))) int lint(int columns, int tab_width) { return check_line(columns, tab_width) * 2; }

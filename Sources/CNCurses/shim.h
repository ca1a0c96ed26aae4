#ifndef SHOP_CNCURSES_SHIM_H
#define SHOP_CNCURSES_SHIM_H
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <stdio.h>
#include <ncursesw/curses.h>
#include <langinfo.h>

extern int wcwidth(wchar_t c);

// C globals and macros Swift 6 cannot import or rejects as shared mutable state.
static inline WINDOW *shop_stdscr(void) { return stdscr; }
static inline int shop_lines(void) { return LINES; }
static inline int shop_cols(void) { return COLS; }
static inline int shop_colors(void) { return COLORS; }
static inline int shop_color_pairs(void) { return COLOR_PAIRS; }
static inline FILE *shop_stdout(void) { return stdout; }
static inline FILE *shop_stderr(void) { return stderr; }
static inline FILE *shop_stdin(void) { return stdin; }
static const attr_t shop_a_normal = A_NORMAL;
static const attr_t shop_a_bold = A_BOLD;
static const attr_t shop_a_underline = A_UNDERLINE;
static const attr_t shop_a_reverse = A_REVERSE;
static const attr_t shop_a_dim = A_DIM;
static inline attr_t shop_color_pair(int n) { return COLOR_PAIR(n); }
static inline int shop_key_f(int n) { return KEY_F(n); }
// The codeset of the current C locale ("UTF-8", "ANSI_X3.4-1968", …).
static inline const char *shop_codeset(void) { return nl_langinfo(CODESET); }
// wattr_set is a macro; pairs above a short's range go through the extended-pair argument.
static inline int shop_wattr_set(WINDOW *win, attr_t attrs, int pair) {
    if (pair <= 32767) return wattr_set(win, attrs, (short)pair, NULL);
    return wattr_set(win, attrs, 0, &pair);
}
static inline int shop_key_code_yes(void) { return KEY_CODE_YES; }
#endif

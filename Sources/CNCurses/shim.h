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

// Crash restore: on a fatal signal (a Swift runtime trap is SIGILL/SIGTRAP, a bad access
// SIGSEGV/SIGBUS, abort() SIGABRT) put the terminal back as it was before ncurses started
// (line discipline, main screen, visible cursor), then die of the signal the default way.
// Not Swift's backtracer: on a terminal it waits for keys and can offer a debugger, which a
// customer's session must never get. Only async-signal-safe calls in the handler.
#include <termios.h>
#include <unistd.h>
#include <signal.h>
#include <string.h>

struct shop_crash_state {
    struct termios termios;
    int termios_saved;
};
// Function-local storage: Swift's C importer emits functions from a header, not its globals.
static inline struct shop_crash_state *shop_crash_state(void) {
    static struct shop_crash_state state;
    return &state;
}

static void shop_crash_handler(int sig, siginfo_t *info, void *context) {
    (void)context;
    static const char reset[] = "\033[0m\033[?1l\033>\033[?1049l\033[?25h\r\n";
    static const char note[] = "shop stopped unexpectedly; the terminal was restored\r\n";
    struct shop_crash_state *state = shop_crash_state();
    if (state->termios_saved) tcsetattr(0, TCSANOW, &state->termios);
    ssize_t ignored = write(1, reset, sizeof reset - 1);
    ignored = write(2, note, sizeof note - 1);
    (void)ignored;
    signal(sig, SIG_DFL);
    // A fault returns to the faulting instruction, which faults again, now fatally; a signal
    // sent by kill() or raise() has to be sent again.
    if (info == NULL || info->si_code <= 0) raise(sig);
}

static inline void shop_install_crash_restore(void) {
    struct shop_crash_state *state = shop_crash_state();
    if (tcgetattr(0, &state->termios) == 0) state->termios_saved = 1;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = shop_crash_handler;
    action.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    const int signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP };
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        sigaction(signals[i], &action, NULL);
    }
}
#endif

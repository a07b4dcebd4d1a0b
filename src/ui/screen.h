/* screen.h - the curses side of the UI: the layout of the panes, colours
 * from the theme, and drawing each pane into its own curses window so
 * that only what changed reaches the terminal (see screen.c). */
#ifndef TUKTUK_UI_SCREEN_H
#define TUKTUK_UI_SCREEN_H

#define NCURSES_WIDECHAR 1
#include <ncurses.h>
#include <stdbool.h>

#include "ui/chatwin.h"
#include "ui/input.h"
#include "ui/rosterview.h"
#include "ui/statusbar.h"
#include "ui/theme.h"

/* Where everything goes, from the terminal's size:
 *   row 0            title bar (roster title | window title)
 *   rows 1..rows-3   roster pane | separator | chat pane
 *   row rows-2       status line
 *   row rows-1       input line */
struct screen_layout {
    int rows, cols;
    int roster_w; /* 0 when the terminal is too narrow for it */
    int pane_h;
    int chat_x, chat_w;
};

/* Pure: compute the layout for a size and the configured roster width. */
void screen_layout(int rows, int cols, int roster_width, struct screen_layout *out);

struct screen {
    struct screen_layout lay;
    int roster_width;           /* configured */
    bool line_scroll;           /* no jump scrolling (see chatwin_follow_gap) */
    const char *delivered_mark; /* " ✓", or " +" where only ASCII is safe */
    WINDOW *title, *roster, *sep, *chat, *status, *input;
    attr_t attr[THEME_NROLES];
    short pair[THEME_NROLES];
};

/* After initscr: colour pairs for the theme, then the windows. */
void screen_init(struct screen *s, const struct theme *t, int roster_width);
void screen_free(struct screen *s);
/* The terminal's size changed (after resizeterm): rebuild the windows. */
void screen_resize(struct screen *s);

void screen_draw_title(struct screen *s, const char *roster_title, const char *chat_title);
void screen_draw_roster(struct screen *s, struct rosterview *rv, bool focused);
void screen_draw_chat(struct screen *s, struct chatwin *w, const char *tsfmt);
void screen_draw_status(struct screen *s, const struct statusbar_seg *segs, size_t n);
/* The input line with prompt; mask shows '*' for each character. The
 * cursor is left there when show_cursor. */
void screen_draw_input(struct screen *s, const char *prompt, struct input *in, bool mask,
                       bool show_cursor);

/* Draw UTF-8 text at the cursor, at most maxcols columns, substituting
 * controls. Returns the columns used. */
int screen_put(WINDOW *w, const char *text, size_t len, int maxcols, attr_t attr, short pair);

#endif

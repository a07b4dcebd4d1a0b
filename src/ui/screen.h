/* SPDX-License-Identifier: GPL-3.0-or-later */
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
#include "ui/rosterpane.h"
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
    int ncolors;           /* the terminal's, 0 without colours */
    short nick_bg;         /* chat.nick.other's background */
    short nick_pair[256];  /* XEP-0392 nick colours: pairs made when first needed */
};

/* After initscr: colour pairs for the theme, then the windows. */
void screen_init(struct screen *s, const struct theme *t, int roster_width);
void screen_free(struct screen *s);
/* The terminal's size changed (after resizeterm): rebuild the windows. */
void screen_resize(struct screen *s);

/* roster_focused: the roster's part is drawn as its selection is. */
void screen_draw_title(struct screen *s, const char *roster_title, const char *chat_title,
                       bool roster_focused);
/* focused: the selection is highlighted; cursor: the terminal's cursor
 * goes on it (refresh the roster last for that). */
void screen_draw_roster(struct screen *s, struct rosterpane *rp, bool focused, bool cursor);
/* The line between the roster and the chat, highlighted while the roster
 * has the keys. */
void screen_draw_separator(struct screen *s, bool roster_focused);
void screen_draw_chat(struct screen *s, struct chatwin *w, const char *tsfmt);
void screen_draw_status(struct screen *s, const struct statusbar_seg *segs, size_t n);
/* The input line with prompt; mask shows nothing of the text. The
 * cursor is left there when show_cursor. hint, if not NULL, is shown
 * instead of an empty line. */
void screen_draw_input(struct screen *s, const char *prompt, struct input *in, bool mask,
                       bool show_cursor, const char *hint);

/* Draw UTF-8 text at the cursor, at most maxcols columns, substituting
 * controls. Returns the columns used. */
int screen_put(WINDOW *w, const char *text, size_t len, int maxcols, attr_t attr, short pair);

#endif

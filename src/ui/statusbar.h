/* SPDX-License-Identifier: GPL-3.0-or-later */
/* statusbar.h - the status line's content: account, own presence,
 * connection state, the windows and which have unread messages; or, for
 * a moment, the candidates of a Tab completion. Built as coloured
 * segments; screen.c draws them (see statusbar.c). */
#ifndef TUKTUK_UI_STATUSBAR_H
#define TUKTUK_UI_STATUSBAR_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/theme.h"

struct statusbar_window {
    unsigned num;
    const char *name;
    unsigned unread;
    bool current;
    bool mention; /* its unread lines name us */
};

struct statusbar_info {
    const char *account;  /* full JID when bound, else bare */
    const char *presence; /* "online", "away"... or "offline" */
    const char *state;    /* "connecting", "reconnecting in 5s"...; NULL when online */
    const struct statusbar_window *win;
    size_t nwin;
    int width;           /* columns available; 0 = no limit */
    unsigned more_below; /* the current window is scrolled back: lines since */
};

struct statusbar_seg {
    char text[96];
    enum theme_role role;
};

/* Fill segs (at most max); returns how many. Segments are separated by
 * one space when drawn. When they do not fit in info->width, the account
 * gives up its resource, then columns; then windows without news are
 * left out, farthest from the current one first, each run of them shown
 * as "[+N]"; then names are cut shorter. The status window, the current
 * one, those with unread lines and [act: ...] always stay. */
size_t statusbar_build(const struct statusbar_info *info, struct statusbar_seg *segs, size_t max);

/* The candidates of a Tab completion, shown in place of the status line
 * until the next key, as shells list them:
 *     Tab: Alan <cee@example.org> Alice <bee@example.org> (+3 more)
 * items are candidates first .. first+nitems-1 of total; current (-1:
 * none) is highlighted, and the list starts later when it would not
 * show otherwise. As many as fit in width (0 = no limit). */
size_t statusbar_build_choices(const char *const *items, size_t nitems, size_t first, size_t total,
                               long current, int width, struct statusbar_seg *segs, size_t max);

#endif

/* statusbar.h - the status line's content: account, own presence,
 * connection state, the windows and which have unread messages. Built as
 * coloured segments; screen.c draws them (see statusbar.c). */
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
};

struct statusbar_info {
    const char *account;  /* full JID when bound, else bare */
    const char *presence; /* "online", "away"... or "offline" */
    const char *state;    /* "connecting", "reconnecting in 5s"...; NULL when online */
    const struct statusbar_window *win;
    size_t nwin;
    int width; /* columns available; 0 = no limit */
};

struct statusbar_seg {
    char text[96];
    enum theme_role role;
};

/* Fill segs (at most max); returns how many. Segments are separated by
 * one space when drawn. When they do not fit in info->width, the account
 * gives up its resource, then columns, before the windows do. */
size_t statusbar_build(const struct statusbar_info *info, struct statusbar_seg *segs, size_t max);

#endif

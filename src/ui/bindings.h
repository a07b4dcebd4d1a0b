/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bindings.h - the keys that act anywhere (window switching, focus,
 * redraw...), with their defaults (docs/ui.md) and the user's
 * "bind.KEY = action" lines from the config (see bindings.c). */
#ifndef TUKTUK_UI_BINDINGS_H
#define TUKTUK_UI_BINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

enum binding_action {
    BIND_NONE,
    BIND_WINDOW_1, /* ... through BIND_WINDOW_1 + 9 for window 10 */
    BIND_WINDOW_10 = BIND_WINDOW_1 + 9,
    BIND_PREV_WINDOW,
    BIND_NEXT_WINDOW,
    BIND_NEXT_UNREAD,
    BIND_ROSTER_FOCUS,
    BIND_REDRAW,
    BIND_SUSPEND,
    BIND_SCROLL_UP,
    BIND_SCROLL_DOWN,
};

/* A key is a character with or without Alt ("M-a", "C-p", "M-1"). */
struct binding_key {
    wint_t ch;
    bool alt;
};

#define BINDINGS_MAX 64

struct bindings {
    struct binding_key key[BINDINGS_MAX];
    enum binding_action action[BINDINGS_MAX];
    size_t n;
};

/* The defaults. */
void bindings_init(struct bindings *b);
/* Apply "bind.KEY = ACTION" (KEY as written after "bind."); ACTION
 * "none" unbinds. Returns 0, or -1 with a reason in err. */
int bindings_set(struct bindings *b, const char *key, const char *action, char *err, size_t errlen);
/* The action of a key, or BIND_NONE. */
enum binding_action bindings_lookup(const struct bindings *b, wint_t ch, bool alt);

#endif

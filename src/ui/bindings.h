/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bindings.h - the keys that act anywhere (window switching, focus,
 * redraw...) and the roster's keys, with their defaults (docs/ui.md) and
 * the user's "bind.KEY = action" lines from the config (see bindings.c). */
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
    BIND_CANCEL_TRANSFER,
    /* The roster's keys: they act only while the roster has the focus. */
    BIND_ROSTER_DOWN,
    BIND_ROSTER_UP,
    BIND_ROSTER_TOP,
    BIND_ROSTER_BOTTOM,
    BIND_ROSTER_OPEN,
    BIND_ROSTER_FILTER,
    BIND_ROSTER_FOLD,
    BIND_ROSTER_OFFLINE,
    BIND_ROSTER_INFO,
    BIND_ROSTER_REMOVE,
    BIND_ROSTER_RENAME,
    BIND_ROSTER_BLOCK,
    BIND_ROSTER_ADD,
};

/* The roster's actions are these, and only they may take a plain key. */
#define BIND_IS_ROSTER(a) ((a) >= BIND_ROSTER_DOWN && (a) <= BIND_ROSTER_ADD)

/* A key is a character with or without Alt ("M-a", "C-p", "M-1", "j"),
 * or a key that curses reports as a code (code: "F2", "Delete"). */
struct binding_key {
    wint_t ch;
    bool alt;
    bool code;
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
/* The action of a character key (with Alt or not), or BIND_NONE. */
enum binding_action bindings_lookup(const struct bindings *b, wint_t ch, bool alt);
/* The roster action of a key (code: ch is a curses key code), or
 * BIND_NONE. */
enum binding_action bindings_roster(const struct bindings *b, wint_t ch, bool code);

#endif

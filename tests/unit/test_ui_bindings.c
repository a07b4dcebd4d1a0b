/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_ui_bindings.c - default keys and "bind.KEY = action" lines. */

#include "../check.h"
#include "ui/bindings.h"

int main(void)
{
    struct bindings b;
    char err[200];
    bindings_init(&b);
    CHECK(bindings_lookup(&b, 'a', true) == BIND_NEXT_UNREAD);
    CHECK(bindings_lookup(&b, 'r', true) == BIND_ROSTER_FOCUS);
    CHECK(bindings_lookup(&b, 16, false) == BIND_PREV_WINDOW); /* Ctrl-P */
    CHECK(bindings_lookup(&b, 14, false) == BIND_NEXT_WINDOW); /* Ctrl-N */
    CHECK(bindings_lookup(&b, 12, false) == BIND_REDRAW);      /* Ctrl-L */
    CHECK(bindings_lookup(&b, '1', true) == BIND_WINDOW_1);
    CHECK(bindings_lookup(&b, '0', true) == BIND_WINDOW_10);
    CHECK(bindings_lookup(&b, 'a', false) == BIND_NONE);

    /* Rebind, add, unbind. */
    CHECK(bindings_set(&b, "M-u", "next-unread", err, sizeof err) == 0);
    CHECK(bindings_set(&b, "M-a", "none", err, sizeof err) == 0);
    CHECK(bindings_set(&b, "C-O", "window-3", err, sizeof err) == 0);
    CHECK(bindings_lookup(&b, 'u', true) == BIND_NEXT_UNREAD);
    CHECK(bindings_lookup(&b, 'a', true) == BIND_NONE);
    CHECK(bindings_lookup(&b, 15, false) == BIND_WINDOW_1 + 2);

    /* Mistakes are reported, and change nothing. */
    CHECK(bindings_set(&b, "M-ab", "redraw", err, sizeof err) == -1 && strstr(err, "M-ab"));
    CHECK(bindings_set(&b, "C-1", "redraw", err, sizeof err) == -1);
    CHECK(bindings_set(&b, "M-x", "explode", err, sizeof err) == -1 && strstr(err, "explode"));
    CHECK(bindings_set(&b, "M-x", "window-11", err, sizeof err) == -1);
    CHECK(bindings_set(&b, "M-x", "window-01", err, sizeof err) == -1);
    CHECK(bindings_lookup(&b, 'x', true) == BIND_NONE);
    return check_done();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_ui_bindings.c - default keys and "bind.KEY = action" lines. */

#include <curses.h>
#include <string.h>

#include "../check.h"
#include "ui/bindings.h"

/* The roster's keys: defaults, rebinding, and no plain key for anything
 * but the roster (a letter must stay a letter on the input line). */
static void test_roster_keys(void)
{
    struct bindings b;
    char err[200];
    bindings_init(&b);
    CHECK(bindings_roster(&b, 'd', false) == BIND_ROSTER_REMOVE);
    CHECK(bindings_roster(&b, KEY_DC, true) == BIND_ROSTER_REMOVE);
    CHECK(bindings_roster(&b, KEY_F(2), true) == BIND_ROSTER_RENAME);
    CHECK(bindings_roster(&b, KEY_F(3), true) == BIND_ROSTER_BLOCK);
    CHECK(bindings_roster(&b, KEY_IC, true) == BIND_ROSTER_ADD);
    CHECK(bindings_roster(&b, ' ', false) == BIND_ROSTER_FOLD);
    CHECK(bindings_roster(&b, '\r', false) == BIND_ROSTER_OPEN);
    CHECK(bindings_roster(&b, 'x', false) == BIND_NONE);
    /* A roster key is no global key, and a global key no roster key. */
    CHECK(bindings_lookup(&b, 'j', false) == BIND_NONE);
    CHECK(bindings_roster(&b, 'a', false) == BIND_NONE);
    /* Rebinding: d types again, x removes, F5 blocks. */
    CHECK(bindings_set(&b, "d", "none", err, sizeof err) == 0);
    CHECK(bindings_roster(&b, 'd', false) == BIND_NONE);
    CHECK(bindings_set(&b, "x", "roster-remove", err, sizeof err) == 0);
    CHECK(bindings_roster(&b, 'x', false) == BIND_ROSTER_REMOVE);
    CHECK(bindings_set(&b, "F5", "roster-block", err, sizeof err) == 0);
    CHECK(bindings_roster(&b, KEY_F(5), true) == BIND_ROSTER_BLOCK);
    CHECK(bindings_set(&b, "M-x", "roster-info", err, sizeof err) == 0);
    /* A plain key for a global action is refused, saying why. */
    CHECK(bindings_set(&b, "j", "next-window", err, sizeof err) == -1);
    CHECK(strstr(err, "roster key") != NULL);
    CHECK(bindings_set(&b, "F13", "roster-add", err, sizeof err) == -1);
    CHECK(bindings_set(&b, "Space", "roster-nothing", err, sizeof err) == -1);
}

int main(void)
{
    test_roster_keys();
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
    CHECK(bindings_lookup(&b, 'c', true) == BIND_CANCEL_TRANSFER); /* M-c */
    CHECK(bindings_lookup(&b, 'c', false) == BIND_NONE);           /* c is typed */

    /* Rebind, add, unbind. */
    CHECK(bindings_set(&b, "M-u", "next-unread", err, sizeof err) == 0);
    CHECK(bindings_set(&b, "M-a", "none", err, sizeof err) == 0);
    CHECK(bindings_set(&b, "C-O", "window-3", err, sizeof err) == 0);
    CHECK(bindings_lookup(&b, 'u', true) == BIND_NEXT_UNREAD);
    CHECK(bindings_lookup(&b, 'a', true) == BIND_NONE);
    CHECK(bindings_lookup(&b, 15, false) == BIND_WINDOW_1 + 2);
    CHECK(bindings_set(&b, "C-x", "cancel-transfer", err, sizeof err) == 0);
    CHECK(bindings_lookup(&b, 24, false) == BIND_CANCEL_TRANSFER); /* Ctrl-X */
    /* a plain letter is for the roster's actions only */
    CHECK(bindings_set(&b, "x", "cancel-transfer", err, sizeof err) == -1);

    /* Mistakes are reported, and change nothing. */
    CHECK(bindings_set(&b, "M-ab", "redraw", err, sizeof err) == -1 && strstr(err, "M-ab"));
    CHECK(bindings_set(&b, "C-1", "redraw", err, sizeof err) == -1);
    CHECK(bindings_set(&b, "M-x", "explode", err, sizeof err) == -1 && strstr(err, "explode"));
    CHECK(bindings_set(&b, "M-x", "window-11", err, sizeof err) == -1);
    CHECK(bindings_set(&b, "M-x", "window-01", err, sizeof err) == -1);
    CHECK(bindings_lookup(&b, 'x', true) == BIND_NONE);
    return check_done();
}

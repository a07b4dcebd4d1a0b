/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_ui_screen.c - the layout of the panes for a terminal size: the
 * roster keeps its configured width when there is room, gives way to the
 * chat on small terminals, and disappears below 30 columns. */
#include "../check.h"
#include "ui/screen.h"

int main(void)
{
    struct screen_layout l;
    screen_layout(40, 120, 0, &l);
    CHECK(l.rows == 40 && l.cols == 120 && l.pane_h == 37);
    CHECK(l.roster_w == 24 && l.chat_x == 26 && l.chat_w == 94);
    screen_layout(24, 80, 24, &l);
    CHECK(l.pane_h == 21 && l.roster_w == 24 && l.chat_w == 54);
    screen_layout(24, 80, 40, &l);
    CHECK(l.roster_w == 32); /* at most 2/5 of the width */
    screen_layout(12, 40, 24, &l);
    CHECK(l.pane_h == 9 && l.roster_w == 16 && l.chat_x + l.chat_w == 40);
    screen_layout(10, 25, 24, &l);
    CHECK(l.roster_w == 0 && l.chat_x == 0 && l.chat_w == 25);
    screen_layout(1, 3, 24, &l); /* absurd sizes still give a usable layout */
    CHECK(l.rows >= 4 && l.pane_h >= 1 && l.chat_w >= 1);
    return check_done();
}

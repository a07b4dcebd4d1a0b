/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_ui_nickcolor.c - XEP-0392 nick colours: the angles of the XEP's
 * own test vectors, and the palette colour picked for a few hues with 8
 * and 256 colours (and none without colours). */
#include <math.h>
#include <stdbool.h>

#include "../check.h"
#include "ui/nickcolor.h"

static bool near(double a, double b)
{
    return fabs(a - b) < 0.001;
}

int main(void)
{
    /* XEP-0392 §13 (test vectors) */
    CHECK(near(nickcolor_angle("Romeo"), 327.255249));
    CHECK(near(nickcolor_angle("juliet@capulet.lit"), 209.410400));
    CHECK(near(nickcolor_angle("\xf0\x9f\x98\xba"), 331.199341));
    CHECK(near(nickcolor_angle("council"), 359.994507));
    /* Romeo at 327° is between magenta (308°) and red (372° = 12°) */
    CHECK(nickcolor_pick("Romeo", 8) == 5);
    /* council at 360° is red; juliet at 209° cyan */
    CHECK(nickcolor_pick("council", 16) == 1);
    CHECK(nickcolor_pick("juliet@capulet.lit", 8) == 6);
    /* 256 colours: a colour of the cube, and the same one every time */
    short c = nickcolor_pick("Romeo", 256);
    CHECK(c >= 16 && c <= 231);
    CHECK(nickcolor_pick("Romeo", 256) == c);
    CHECK(nickcolor_pick("juliet@capulet.lit", 256) != c);
    CHECK(nickcolor_pick("Romeo", 0) == -1);
    CHECK(nickcolor_pick("Romeo", 2) == -1);
    return check_done();
}

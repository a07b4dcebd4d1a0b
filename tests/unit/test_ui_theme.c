/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_ui_theme.c - theme files: the shipped themes parse, the built-in
 * theme equals themes/default, a broken line is named and the defaults
 * are used, and colours fall back for 8-colour and monochrome terminals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "ui/theme.h"

/* The source tree's themes/ folder, found from this file's path so the
 * test runs from any working directory. */
static const char *themes_dir(void)
{
    static char dir[4096];
    const char *f = __FILE__;
    const char *tail = strstr(f, "tests/unit/");
    snprintf(dir, sizeof dir, "%.*sthemes", tail ? (int)(tail - f) : 0, f);
    return dir;
}

static void test_shipped(void)
{
    const char *dirs[] = {"/nonexistent", themes_dir(), NULL};
    struct theme def, t;
    char err[256] = "";
    theme_defaults(&def);
    CHECK(theme_load(&t, "default", dirs, err, sizeof err) == 0);
    CHECK(memcmp(&t, &def, sizeof t) == 0);
    CHECK(theme_load(&t, "light", dirs, err, sizeof err) == 0);
    CHECK(theme_load(&t, "mono", dirs, err, sizeof err) == 0);
    CHECK(t.style[THEME_ROSTER_SELECTED].attrs & THEME_REVERSE);
    CHECK(theme_load(&t, "nosuch", dirs, err, sizeof err) == -1);
    CHECK(strstr(err, "nosuch") != NULL);
    CHECK(memcmp(&t, &def, sizeof t) == 0);
}

static void test_parse(void)
{
    struct theme t, def;
    char err[256] = "";
    theme_defaults(&def);
    theme_defaults(&t);
    CHECK(theme_parse(&t,
                      "# comment\n\n  roster.online = 46/green 17/blue bold underline\r\n"
                      "chat.time=red\n",
                      err, sizeof err) == 0);
    struct theme_style *s = &t.style[THEME_ROSTER_ONLINE];
    CHECK(s->fg == 46 && s->fg8 == 2 && s->bg == 17 && s->bg8 == 4);
    CHECK(s->attrs == (THEME_BOLD | THEME_UNDERLINE));
    CHECK(theme_fg(s, 256) == 46);
    CHECK(theme_fg(s, 8) == 2);
    CHECK(theme_bg(s, 8) == 4);
    CHECK(theme_fg(s, 0) == THEME_COLOR_DEFAULT);
    CHECK(t.style[THEME_CHAT_TIME].fg == 1);
    /* bright names fall back to the base colour with 8 colours */
    CHECK(theme_parse(&t, "text = brightred\n", err, sizeof err) == 0);
    CHECK(theme_fg(&t.style[THEME_TEXT], 16) == 9);
    CHECK(theme_fg(&t.style[THEME_TEXT], 8) == 1);
}

static void test_broken(void)
{
    struct theme t, def;
    char err[256] = "";
    theme_defaults(&def);
    theme_defaults(&t);
    CHECK(theme_parse(&t, "text = red\nchat.time = 300\n", err, sizeof err) == -1);
    CHECK(strncmp(err, "line 2:", 7) == 0);
    CHECK(memcmp(&t, &def, sizeof t) == 0); /* nothing half-applied */
    CHECK(theme_parse(&t, "roster.bogus = red\n", err, sizeof err) == -1);
    CHECK(strstr(err, "line 1: unknown role") != NULL);
    CHECK(theme_parse(&t, "text red\n", err, sizeof err) == -1);
    CHECK(theme_parse(&t, "text = red blue green\n", err, sizeof err) == -1);
    CHECK(strstr(err, "more than two colours") != NULL);
    CHECK(theme_parse(&t, "text = \n", err, sizeof err) == -1);
    CHECK(theme_parse(&t, "text = 12/brightred\n", err, sizeof err) == -1);
    /* a broken file on disk names the file and the line */
    char path[] = "/tmp/tuktuk-theme-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("text = default\n\nstatusbar = purple\n", f);
    fclose(f);
    CHECK(theme_load(&t, path, NULL, err, sizeof err) == -1);
    CHECK(strstr(err, path) != NULL && strstr(err, "line 3") != NULL);
    CHECK(memcmp(&t, &def, sizeof t) == 0);
    remove(path);
    CHECK(theme_role_name(THEME_CHAT_NICK_SELF) &&
          strcmp(theme_role_name(THEME_CHAT_NICK_SELF), "chat.nick.self") == 0);
}

int main(void)
{
    test_shipped();
    test_parse();
    test_broken();
    return check_done();
}

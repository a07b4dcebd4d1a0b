/* SPDX-License-Identifier: GPL-3.0-or-later */
/* theme.h - colours and attributes by role, read from theme files (format
 * in docs/themes.md). Pure parsing: screen.c turns styles into curses
 * colour pairs (see theme.c). */
#ifndef TUKTUK_UI_THEME_H
#define TUKTUK_UI_THEME_H

#include <stddef.h>

enum theme_role {
    THEME_TEXT,
    THEME_TITLE,
    THEME_BORDER,
    THEME_ROSTER_GROUP,
    THEME_ROSTER_ONLINE,
    THEME_ROSTER_AWAY,
    THEME_ROSTER_DND,
    THEME_ROSTER_OFFLINE,
    THEME_ROSTER_UNREAD,
    THEME_ROSTER_SELECTED,
    THEME_CHAT_TIME,
    THEME_CHAT_NICK_SELF,
    THEME_CHAT_NICK_OTHER,
    THEME_CHAT_TEXT,
    THEME_CHAT_INFO,
    THEME_CHAT_ERROR,
    THEME_CHAT_MENTION,
    THEME_STATUSBAR,
    THEME_STATUSBAR_ACTIVE,
    THEME_STATUSBAR_CURRENT,
    THEME_STATUSBAR_MENTION,
    THEME_INPUT,
    THEME_INPUT_PROMPT,
    THEME_NROLES
};

enum {
    THEME_BOLD = 1,
    THEME_DIM = 2,
    THEME_UNDERLINE = 4,
    THEME_REVERSE = 8,
    THEME_ITALIC = 16,
    THEME_BLINK = 32
};

#define THEME_COLOR_DEFAULT (-1)

struct theme_style {
    short fg, bg;   /* 0-255 or THEME_COLOR_DEFAULT */
    short fg8, bg8; /* for terminals with fewer colours than fg/bg need */
    unsigned attrs; /* THEME_BOLD... ; the only thing used in monochrome */
};

struct theme {
    struct theme_style style[THEME_NROLES];
};

/* "roster.online"..., or NULL for an unknown role. */
const char *theme_role_name(enum theme_role role);

/* The built-in theme, the same as themes/default. */
void theme_defaults(struct theme *t);

/* Parse a theme file's text over the current styles. Returns 0, or -1
 * with "line N: reason" in err at the first broken line (t is then left
 * with the defaults: a half-applied theme is worse than none). */
int theme_parse(struct theme *t, const char *text, char *err, size_t errlen);

/* Load theme name: a path when it contains '/', else the first dirs[i]/name
 * that exists (dirs NULL-terminated). On failure t holds the defaults and
 * err says why, naming the file and line. Returns 0 or -1. */
int theme_load(struct theme *t, const char *name, const char *const *dirs, char *err,
               size_t errlen);

/* Pick the colour for a terminal with ncolors colours (0 = monochrome). */
short theme_fg(const struct theme_style *s, int ncolors);
short theme_bg(const struct theme_style *s, int ncolors);

#endif

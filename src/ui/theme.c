/* SPDX-License-Identifier: GPL-3.0-or-later */
/* theme.c - theme files: one "role = colours and attributes" per line.
 *
 * A style names a foreground and optionally a background colour (a name
 * such as "green", "default" for the terminal's own, or 0-255, or
 * "NUMBER/NAME" for a 256-colour value with an 8-colour fallback) and any
 * attributes (bold, dim, underline, reverse, italic, blink). Terminals
 * with fewer colours use the fallback, monochrome ones only the
 * attributes, so every theme reads on a vt100 too. The built-in theme is
 * parsed from the same text as themes/default. */
#include "ui/theme.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const role_names[THEME_NROLES] = {
    [THEME_TEXT] = "text",
    [THEME_TITLE] = "title",
    [THEME_BORDER] = "border",
    [THEME_ROSTER_GROUP] = "roster.group",
    [THEME_ROSTER_ONLINE] = "roster.online",
    [THEME_ROSTER_AWAY] = "roster.away",
    [THEME_ROSTER_DND] = "roster.dnd",
    [THEME_ROSTER_OFFLINE] = "roster.offline",
    [THEME_ROSTER_UNREAD] = "roster.unread",
    [THEME_ROSTER_SELECTED] = "roster.selected",
    [THEME_CHAT_TIME] = "chat.time",
    [THEME_CHAT_NICK_SELF] = "chat.nick.self",
    [THEME_CHAT_NICK_OTHER] = "chat.nick.other",
    [THEME_CHAT_TEXT] = "chat.text",
    [THEME_CHAT_INFO] = "chat.info",
    [THEME_CHAT_ERROR] = "chat.error",
    [THEME_CHAT_MENTION] = "chat.mention",
    [THEME_STATUSBAR] = "statusbar",
    [THEME_STATUSBAR_ACTIVE] = "statusbar.active",
    [THEME_STATUSBAR_CURRENT] = "statusbar.current",
    [THEME_STATUSBAR_MENTION] = "statusbar.mention",
    [THEME_INPUT] = "input",
    [THEME_INPUT_PROMPT] = "input.prompt",
};

/* Keep in step with themes/default. */
static const char default_theme[] = "text = default\n"
                                    "title = white blue bold\n"
                                    "border = default\n"
                                    "roster.group = cyan default bold\n"
                                    "roster.online = green\n"
                                    "roster.away = yellow\n"
                                    "roster.dnd = red\n"
                                    "roster.offline = default default dim\n"
                                    "roster.unread = magenta default bold\n"
                                    "roster.selected = default default reverse\n"
                                    "chat.time = cyan\n"
                                    "chat.nick.self = blue default bold\n"
                                    "chat.nick.other = green default bold\n"
                                    "chat.text = default\n"
                                    "chat.info = cyan\n"
                                    "chat.error = red default bold\n"
                                    "chat.mention = yellow default bold\n"
                                    "statusbar = white blue\n"
                                    "statusbar.active = yellow blue bold\n"
                                    "statusbar.current = white blue bold underline\n"
                                    "statusbar.mention = white red bold\n"
                                    "input = default\n"
                                    "input.prompt = cyan default bold\n";

static const struct {
    const char *name;
    short value;
} color_names[] = {
    {"black", 0},
    {"red", 1},
    {"green", 2},
    {"yellow", 3},
    {"blue", 4},
    {"magenta", 5},
    {"cyan", 6},
    {"white", 7},
    {"brightblack", 8},
    {"brightred", 9},
    {"brightgreen", 10},
    {"brightyellow", 11},
    {"brightblue", 12},
    {"brightmagenta", 13},
    {"brightcyan", 14},
    {"brightwhite", 15},
    {"default", THEME_COLOR_DEFAULT},
};

static const struct {
    const char *name;
    unsigned flag;
} attr_names[] = {
    {"bold", THEME_BOLD},
    {"dim", THEME_DIM},
    {"underline", THEME_UNDERLINE},
    {"reverse", THEME_REVERSE},
    {"italic", THEME_ITALIC},
    {"blink", THEME_BLINK},
    {"normal", 0},
};

const char *theme_role_name(enum theme_role role)
{
    return (unsigned)role < THEME_NROLES ? role_names[role] : NULL;
}

static int role_lookup(const char *name)
{
    for (int i = 0; i < THEME_NROLES; i++)
        if (strcmp(role_names[i], name) == 0)
            return i;
    return -1;
}

static bool parse_one_color(const char *s, short *out)
{
    for (size_t i = 0; i < sizeof color_names / sizeof color_names[0]; i++) {
        if (strcasecmp(s, color_names[i].name) == 0) {
            *out = color_names[i].value;
            return true;
        }
    }
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 0 || v > 255)
        return false;
    *out = (short)v;
    return true;
}

/* "NAME", "N" or "N/NAME": the colour, and the one to use with 8 colours. */
static bool parse_color(const char *tok, short *c, short *c8)
{
    char buf[32];
    const char *slash = strchr(tok, '/');
    if (!slash) {
        if (!parse_one_color(tok, c))
            return false;
        *c8 = *c >= 8 ? (*c < 16 ? *c - 8 : THEME_COLOR_DEFAULT) : *c;
        return true;
    }
    size_t n = (size_t)(slash - tok);
    if (n == 0 || n >= sizeof buf)
        return false;
    memcpy(buf, tok, n);
    buf[n] = '\0';
    return parse_one_color(buf, c) && parse_one_color(slash + 1, c8) && *c8 < 8;
}

static bool parse_attr(const char *tok, unsigned *attrs)
{
    for (size_t i = 0; i < sizeof attr_names / sizeof attr_names[0]; i++) {
        if (strcasecmp(tok, attr_names[i].name) == 0) {
            *attrs |= attr_names[i].flag;
            return true;
        }
    }
    return false;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

/* Parse "FG [BG] [ATTR...]" into st. Returns NULL or what is wrong. */
static const char *parse_style(char *value, struct theme_style *st)
{
    struct theme_style s = {THEME_COLOR_DEFAULT, THEME_COLOR_DEFAULT, THEME_COLOR_DEFAULT,
                            THEME_COLOR_DEFAULT, 0};
    int ncolors = 0;
    char *save = NULL;
    for (char *tok = strtok_r(value, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
        if (parse_attr(tok, &s.attrs))
            continue;
        if (ncolors == 0 && parse_color(tok, &s.fg, &s.fg8)) {
            ncolors++;
            continue;
        }
        if (ncolors == 1 && parse_color(tok, &s.bg, &s.bg8)) {
            ncolors++;
            continue;
        }
        return ncolors == 2 ? "more than two colours" : "not a colour or attribute";
    }
    if (ncolors == 0 && s.attrs == 0)
        return "no colour or attribute";
    *st = s;
    return NULL;
}

static const char *parse_line(struct theme *t, char *line)
{
    char *eq = strchr(line, '=');
    if (!eq)
        return "expected ROLE = STYLE";
    *eq = '\0';
    char *name = trim(line);
    int role = role_lookup(name);
    if (role < 0)
        return "unknown role";
    return parse_style(trim(eq + 1), &t->style[role]);
}

static int parse_text(struct theme *t, const char *text, char *err, size_t errlen)
{
    int lineno = 0;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char line[512];
        lineno++;
        if (len >= sizeof line) {
            snprintf(err, errlen, "line %d: too long", lineno);
            return -1;
        }
        memcpy(line, p, len);
        line[len] = '\0';
        p += len + (nl ? 1 : 0);
        char *s = trim(line);
        if (*s == '\0' || *s == '#')
            continue;
        const char *why = parse_line(t, s);
        if (why) {
            snprintf(err, errlen, "line %d: %s: %s", lineno, why, s);
            return -1;
        }
    }
    return 0;
}

void theme_defaults(struct theme *t)
{
    char err[8];
    for (int i = 0; i < THEME_NROLES; i++)
        t->style[i] = (struct theme_style){THEME_COLOR_DEFAULT, THEME_COLOR_DEFAULT,
                                           THEME_COLOR_DEFAULT, THEME_COLOR_DEFAULT, 0};
    if (parse_text(t, default_theme, err, sizeof err) != 0)
        abort(); /* our own built-in theme must parse */
}

int theme_parse(struct theme *t, const char *text, char *err, size_t errlen)
{
    struct theme tmp = *t;
    if (parse_text(&tmp, text, err, errlen) != 0) {
        theme_defaults(t);
        return -1;
    }
    *t = tmp;
    return 0;
}

/* The file's text, or NULL with the reason in *why. */
static char *read_small_file(const char *path, const char **why)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        *why = strerror(errno);
        return NULL;
    }
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap + 1);
    if (buf)
        len = fread(buf, 1, cap, f);
    bool too_big = buf && len == cap && fgetc(f) != EOF;
    fclose(f);
    if (!buf || too_big) {
        *why = buf ? "file too big" : "out of memory";
        free(buf);
        return NULL;
    }
    buf[len] = '\0';
    return buf;
}

static bool find_theme(const char *name, const char *const *dirs, char *path, size_t len)
{
    if (strchr(name, '/')) {
        snprintf(path, len, "%s", name);
        return true;
    }
    for (size_t i = 0; dirs && dirs[i]; i++) {
        snprintf(path, len, "%s/%s", dirs[i], name);
        FILE *f = fopen(path, "r");
        if (f) {
            fclose(f);
            return true;
        }
    }
    return false;
}

int theme_load(struct theme *t, const char *name, const char *const *dirs, char *err, size_t errlen)
{
    char path[4096], why[512];
    const char *io_error = NULL;
    theme_defaults(t);
    if (!find_theme(name, dirs, path, sizeof path)) {
        snprintf(err, errlen, "theme %s not found; using the default theme", name);
        return -1;
    }
    char *text = read_small_file(path, &io_error);
    if (!text) {
        snprintf(err, errlen, "theme %s: %s; using the default theme", path, io_error);
        return -1;
    }
    int rc = theme_parse(t, text, why, sizeof why);
    if (rc != 0)
        snprintf(err, errlen, "theme %s: %s; using the default theme", path, why);
    free(text);
    return rc;
}

static short pick(short c, short c8, int ncolors)
{
    if (ncolors <= 0)
        return THEME_COLOR_DEFAULT;
    return c < ncolors ? c : c8;
}

short theme_fg(const struct theme_style *s, int ncolors)
{
    return pick(s->fg, s->fg8, ncolors);
}

short theme_bg(const struct theme_style *s, int ncolors)
{
    return pick(s->bg, s->bg8, ncolors);
}

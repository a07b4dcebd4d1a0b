/* SPDX-License-Identifier: GPL-3.0-or-later */
/* commands.c - reading the input line with the table of commands
 * (cmds.c): which command, how many words, whether the last argument takes
 * the rest of the line verbatim (a message, a status text, raw XML), and
 * the values a few commands check (a presence, a priority, a vCard field).
 * So cmds.c only ever sees well-formed commands; what they mean for the
 * session (which contact a JID argument names, are we online) is checked
 * there. Text that does not start with '/' is something to say, and
 * "//text" says "/text". */
#include "ui/commands.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

static size_t word_len(const char *p)
{
    size_t n = 0;
    while (p[n] && p[n] != ' ' && p[n] != '\t')
        n++;
    return n;
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d)
        abort();
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static bool word_is(const char *p, size_t n, const char *w)
{
    return w && strlen(w) == n && memcmp(p, w, n) == 0;
}

/* Find the spec for "name [sub]"; *p moves past what was consumed. */
static const struct command_entry *find_entry(const char **p, bool *name_known)
{
    size_t n = word_len(*p);
    const char *name = *p;
    const char *after = skip_space(name + n);
    size_t sn = word_len(after);
    *name_known = false;
    for (size_t i = 0; i < commands_count; i++) {
        if (!word_is(name, n, commands_table[i].name))
            continue;
        *name_known = true;
        if (!commands_table[i].sub) {
            *p = name + n;
            return &commands_table[i];
        }
        if (word_is(after, sn, commands_table[i].sub)) {
            *p = after + sn;
            return &commands_table[i];
        }
    }
    return NULL;
}

static int fail(char *err, size_t errlen, const char *why, const char *usage)
{
    snprintf(err, errlen, "%s; usage: %s", why, usage);
    return -1;
}

static int parse_args(const struct command_entry *s, const char *p, struct command *out, char *err,
                      size_t errlen)
{
    int n = 0;
    for (; n < s->max; n++) {
        p = skip_space(p);
        if (!*p)
            break;
        size_t len = (n == s->max - 1 && s->rest) ? strlen(p) : word_len(p);
        out->arg[n] = dup_n(p, len);
        p += len;
    }
    if (*skip_space(p))
        return fail(err, errlen, "too many arguments", s->usage);
    if (n < s->req)
        return fail(err, errlen, "missing argument", s->usage);
    return 0;
}

/* "out for lunch" with its quotes is out for lunch: one pair around the
 * whole text goes, quotes inside it stay. */
static void unquote(char *text)
{
    size_t n = text ? strlen(text) : 0;
    if (n >= 2 &&
        ((text[0] == '"' && text[n - 1] == '"') || (text[0] == '\'' && text[n - 1] == '\''))) {
        memmove(text, text + 1, n - 2);
        text[n - 2] = '\0';
    }
}

static int check_values(const struct command_entry *s, struct command *out, char *err,
                        size_t errlen)
{
    if (s->value == VALUE_STATUS_TEXT)
        unquote(out->arg[0]);
    if (s->value == VALUE_SHOW && !out->arg[0])
        return 0; /* /status alone: show it */
    if (s->value == VALUE_SHOW) {
        unquote(out->arg[1]);
        static const char *const shows[] = {"chat", "online", "away", "xa", "dnd"};
        for (int i = 0; i < 5; i++) {
            if (strcmp(out->arg[0], shows[i]) == 0) {
                out->show = (enum presence_show)i;
                return 0;
            }
        }
        return fail(err, errlen, "unknown presence", s->usage);
    }
    if (s->value == VALUE_VCARD_FIELD) {
        static const char *const fields[] = {"FN",  "NICKNAME", "EMAIL", "URL", "BDAY",
                                             "TEL", "ORG",      "TITLE", "NOTE"};
        for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
            if (strcasecmp(out->arg[0], fields[i]) == 0) {
                snprintf(out->arg[0], strlen(out->arg[0]) + 1, "%s", fields[i]);
                return 0;
            }
        }
        return fail(err, errlen, "unknown vCard field", s->usage);
    }
    if (s->value == VALUE_PRIORITY && out->arg[0]) {
        char *end;
        errno = 0;
        long v = strtol(out->arg[0], &end, 10);
        if (errno || *end || end == out->arg[0] || v < -128 || v > 127)
            return fail(err, errlen, "priority must be a number from -128 to 127", s->usage);
        out->priority = (int)v;
    }
    return 0;
}

int commands_parse(const char *line, struct command *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (line[0] != '/' || line[1] == '/') {
        out->entry = NULL;
        out->arg[0] = dup_n(line + (line[0] == '/'), strlen(line + (line[0] == '/')));
        return 0;
    }
    const char *p = line + 1;
    bool known;
    const struct command_entry *s = find_entry(&p, &known);
    if (!s) {
        size_t n = word_len(line);
        if (known)
            snprintf(err, errlen, "unknown subcommand for %.*s; see /help %.*s", (int)n, line,
                     (int)n - 1, line + 1);
        else
            snprintf(err, errlen, "unknown command %.*s; /help lists the commands",
                     n > 40 ? 40 : (int)n, line);
        return -1;
    }
    out->entry = s;
    p = skip_space(p);
    if (s->account_opt != ACCOUNT_NO && strncmp(p, "-a", 2) == 0 && (p[2] == ' ' || !p[2])) {
        p = skip_space(p + 2);
        size_t len = word_len(p);
        if (!len) {
            snprintf(err, errlen, "-a wants an account's name; usage: %s", s->usage);
            return -1;
        }
        out->account = dup_n(p, len);
        p += len;
    }
    if (parse_args(s, p, out, err, errlen) != 0 || check_values(s, out, err, errlen) != 0) {
        commands_clear(out);
        return -1;
    }
    return 0;
}

bool commands_is(const struct command *c, const char *name, const char *sub)
{
    if (!c->entry)
        return strcmp(name, "say") == 0;
    return strcmp(c->entry->name, name) == 0 &&
           (sub ? c->entry->sub && strcmp(c->entry->sub, sub) == 0 : !c->entry->sub);
}

const struct command_entry *commands_entry_of(const char *line, int *first_arg_word)
{
    if (line[0] != '/' || line[1] == '/')
        return NULL;
    const char *p = line + 1;
    bool known;
    const struct command_entry *e = find_entry(&p, &known);
    if (e && e->sub && !*p)
        e = NULL; /* "/roster add" with the cursor still on "add" */
    if (first_arg_word)
        *first_arg_word = e && e->sub ? 2 : 1;
    return e;
}

void commands_clear(struct command *c)
{
    for (int i = 0; i < 2; i++) {
        free(c->arg[i]);
        c->arg[i] = NULL;
    }
    free(c->account);
    c->account = NULL;
}

const char *commands_help(const char *name)
{
    static char buf[2048];
    size_t off = 0;
    if (name[0] == '/')
        name++;
    buf[0] = '\0';
    for (size_t i = 0; i < commands_count; i++) {
        if (strcmp(commands_table[i].name, name) != 0)
            continue;
        int n =
            snprintf(buf + off, sizeof buf - off, "%s%s\n    %s\n    Example: %s", off ? "\n" : "",
                     commands_table[i].usage, commands_table[i].help, commands_table[i].example);
        if (n > 0 && (size_t)n < sizeof buf - off)
            off += (size_t)n;
    }
    return off ? buf : NULL;
}

const char *commands_name(size_t i)
{
    /* Distinct names in table order: /roster's subcommands share one. */
    size_t k = 0;
    for (size_t j = 0; j < commands_count; j++) {
        if (j > 0 && strcmp(commands_table[j].name, commands_table[j - 1].name) == 0)
            continue;
        if (k++ == i) {
            static char buf[32];
            snprintf(buf, sizeof buf, "/%s", commands_table[j].name);
            return buf;
        }
    }
    return NULL;
}

const char *commands_summary(size_t i)
{
    static char buf[256];
    if (i >= commands_count)
        return NULL;
    snprintf(buf, sizeof buf, "%-42s %s", commands_table[i].usage, commands_table[i].help);
    return buf;
}

const char *commands_overview(size_t i, size_t width)
{
    static char buf[512];
    size_t line = 0, used = 0;
    if (width < 20)
        width = 20;
    if (width >= sizeof buf)
        width = sizeof buf - 1;
    buf[0] = '\0';
    for (size_t k = 0; commands_name(k); k++) {
        const char *name = commands_name(k);
        size_t n = strlen(name);
        if (used && used + 1 + n > width) {
            if (line == i)
                return buf;
            line++;
            used = 0;
        }
        if (line == i)
            snprintf(buf + used, sizeof buf - used, "%s%s", used ? " " : "", name);
        used += (used ? 1 : 0) + n;
    }
    return line == i && used ? buf : NULL;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bindings.c - maps keys to actions: those that work wherever the focus
 * is, and the roster's, which work while the roster has the focus. Key
 * names follow Emacs and mcabber: "M-x" is Alt-x (ESC x on the wire),
 * "C-x" is Ctrl-x; a plain character ("j"), "Space", "Enter", "Delete",
 * "Insert" and "F1".."F12" name roster keys only, so that no binding can
 * take a letter away from typing. The arrows, Home, End, PgUp, PgDn and
 * Esc stay fixed. */

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "ui/bindings.h"

static const struct {
    const char *name;
    enum binding_action action;
} action_names[] = {
    {"none", BIND_NONE},
    {"prev-window", BIND_PREV_WINDOW},
    {"next-window", BIND_NEXT_WINDOW},
    {"next-unread", BIND_NEXT_UNREAD},
    {"roster-focus", BIND_ROSTER_FOCUS},
    {"redraw", BIND_REDRAW},
    {"suspend", BIND_SUSPEND},
    {"scroll-up", BIND_SCROLL_UP},
    {"scroll-down", BIND_SCROLL_DOWN},
    {"cancel-transfer", BIND_CANCEL_TRANSFER},
    {"roster-down", BIND_ROSTER_DOWN},
    {"roster-up", BIND_ROSTER_UP},
    {"roster-top", BIND_ROSTER_TOP},
    {"roster-bottom", BIND_ROSTER_BOTTOM},
    {"roster-open", BIND_ROSTER_OPEN},
    {"roster-filter", BIND_ROSTER_FILTER},
    {"roster-fold", BIND_ROSTER_FOLD},
    {"roster-offline", BIND_ROSTER_OFFLINE},
    {"roster-info", BIND_ROSTER_INFO},
    {"roster-remove", BIND_ROSTER_REMOVE},
    {"roster-rename", BIND_ROSTER_RENAME},
    {"roster-block", BIND_ROSTER_BLOCK},
    {"roster-add", BIND_ROSTER_ADD},
};

/* The roster's own key names: plain characters and curses' codes. */
static int parse_plain_key(const char *name, struct binding_key *key)
{
    int f;
    unsigned char c = (unsigned char)name[0];
    if (strlen(name) == 1 && c > 0x20 && c < 0x7f)
        *key = (struct binding_key){c, false, false};
    else if (strcmp(name, "Space") == 0)
        *key = (struct binding_key){' ', false, false};
    else if (strcmp(name, "Enter") == 0)
        *key = (struct binding_key){'\r', false, false};
    else if (strcmp(name, "Delete") == 0)
        *key = (struct binding_key){KEY_DC, false, true};
    else if (strcmp(name, "Insert") == 0)
        *key = (struct binding_key){KEY_IC, false, true};
    else if (sscanf(name, "F%d", &f) == 1 && f >= 1 && f <= 12 && strlen(name) <= 3)
        *key = (struct binding_key){(wint_t)KEY_F(f), false, true};
    else
        return -1;
    return 0;
}

static int parse_key(const char *name, struct binding_key *key)
{
    size_t len = strlen(name);
    if (parse_plain_key(name, key) == 0)
        return 0;
    if (len == 3 && name[1] == '-' && (name[0] == 'M' || name[0] == 'C')) {
        unsigned char c = (unsigned char)name[2];
        if (c < 0x21 || c > 0x7e)
            return -1;
        if (name[0] == 'M') {
            *key = (struct binding_key){c, true, false};
        } else {
            if (c >= 'A' && c <= 'Z')
                c = (unsigned char)(c - 'A' + 'a');
            if (c < 'a' || c > 'z')
                return -1;
            *key = (struct binding_key){(wint_t)(c - 'a' + 1), false, false};
        }
        return 0;
    }
    return -1;
}

static int parse_action(const char *name, enum binding_action *action)
{
    int n;
    if (sscanf(name, "window-%d", &n) == 1 && n >= 1 && n <= 10) {
        char canon[16];
        snprintf(canon, sizeof canon, "window-%d", n);
        if (strcmp(canon, name) != 0)
            return -1;
        *action = (enum binding_action)(BIND_WINDOW_1 + n - 1);
        return 0;
    }
    for (size_t i = 0; i < sizeof action_names / sizeof action_names[0]; i++) {
        if (strcmp(action_names[i].name, name) == 0) {
            *action = action_names[i].action;
            return 0;
        }
    }
    return -1;
}

static void put(struct bindings *b, struct binding_key key, enum binding_action action)
{
    for (size_t i = 0; i < b->n; i++) {
        if (b->key[i].ch == key.ch && b->key[i].alt == key.alt && b->key[i].code == key.code) {
            b->action[i] = action;
            return;
        }
    }
    if (b->n < BINDINGS_MAX) {
        b->key[b->n] = key;
        b->action[b->n++] = action;
    }
}

void bindings_init(struct bindings *b)
{
    static const struct {
        const char *key, *action;
    } defaults[] = {
        {"M-a", "next-unread"},     {"M-r", "roster-focus"},   {"C-p", "prev-window"},
        {"C-n", "next-window"},     {"C-l", "redraw"},         {"C-z", "suspend"},
        {"j", "roster-down"},       {"k", "roster-up"},        {"g", "roster-top"},
        {"G", "roster-bottom"},     {"Enter", "roster-open"},  {"f", "roster-filter"},
        {"Space", "roster-fold"},   {"o", "roster-offline"},   {"i", "roster-info"},
        {"d", "roster-remove"},     {"Delete", "roster-remove"}, {"F2", "roster-rename"},
        {"F3", "roster-block"},     {"Insert", "roster-add"},    {"M-c", "cancel-transfer"},
    };
    char err[64];
    b->n = 0;
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
        bindings_set(b, defaults[i].key, defaults[i].action, err, sizeof err);
    for (int w = 1; w <= 10; w++)
        put(b, (struct binding_key){(wint_t)('0' + w % 10), true, false},
            (enum binding_action)(BIND_WINDOW_1 + w - 1));
}

int bindings_set(struct bindings *b, const char *key, const char *action, char *err, size_t errlen)
{
    struct binding_key k;
    enum binding_action a;
    if (parse_key(key, &k) < 0) {
        snprintf(err, errlen, "bind.%s: unknown key (use M-x for Alt-x, C-x for Ctrl-x)", key);
        return -1;
    }
    if (parse_action(action, &a) < 0) {
        snprintf(err, errlen, "bind.%s: unknown action '%s' (see docs/ui.md)", key, action);
        return -1;
    }
    bool plain = !k.alt && (k.code || k.ch >= 0x20);
    if (plain && a != BIND_NONE && !BIND_IS_ROSTER(a)) {
        snprintf(err, errlen, "bind.%s: a plain key can only be a roster key (roster-...)", key);
        return -1;
    }
    if (b->n == BINDINGS_MAX && a != BIND_NONE) {
        snprintf(err, errlen, "bind.%s: too many bindings", key);
        return -1;
    }
    put(b, k, a);
    return 0;
}

static enum binding_action find(const struct bindings *b, struct binding_key k)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->key[i].ch == k.ch && b->key[i].alt == k.alt && b->key[i].code == k.code)
            return b->action[i];
    return BIND_NONE;
}

enum binding_action bindings_lookup(const struct bindings *b, wint_t ch, bool alt)
{
    enum binding_action a = find(b, (struct binding_key){ch, alt, false});
    return BIND_IS_ROSTER(a) ? BIND_NONE : a;
}

enum binding_action bindings_roster(const struct bindings *b, wint_t ch, bool code)
{
    enum binding_action a = find(b, (struct binding_key){ch, false, code});
    return BIND_IS_ROSTER(a) ? a : BIND_NONE;
}

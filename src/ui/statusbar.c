/* SPDX-License-Identifier: GPL-3.0-or-later */
/* statusbar.c - what the status line says.
 *
 *     [alice@localhost/tuktuk] [online] [1:status] [2:bob*] [act: 2]
 *
 * The account and own presence come first; while not online the
 * connection state follows ("connecting", "reconnecting in 5s"). Then the
 * windows, the status window always first. The current window is
 * highlighted, windows with unread messages carry a '*' (a '!' and a
 * colour of their own when a line names us) and are listed again in
 * [act: ...], as irssi users expect. Names are cut to keep one window
 * from filling the line.
 *
 * A full line once lost, cut in the middle of a name, exactly what it is
 * for: the current window and the news (issue 9). So what goes when it
 * does not fit is chosen: the account's resource and columns first, then
 * windows without news, farthest from the current one first, each run of
 * them left as "[+N]" so that nothing vanishes unsaid; then all names get
 * shorter. While the current window is scrolled back, "[N new below:
 * PgDn]" counts the lines that came since.
 *
 * While Tab has several candidates, the line lists them instead: a shell
 * prints them under the prompt, and this is the row under our pane. */
#include "ui/statusbar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/textwidth.h"

static bool add(struct statusbar_seg *segs, size_t max, size_t *n, enum theme_role role,
                const char *text)
{
    if (*n >= max)
        return false;
    snprintf(segs[*n].text, sizeof segs[*n].text, "%s", text);
    segs[*n].role = role;
    (*n)++;
    return true;
}

static void add_window(struct statusbar_seg *segs, size_t max, size_t *n,
                       const struct statusbar_window *w, int namew)
{
    char name[64], buf[96];
    textwidth_truncate(w->name, namew, name, sizeof name);
    snprintf(buf, sizeof buf, "[%u:%s%s]", w->num, name, !w->unread ? "" : w->mention ? "!" : "*");
    enum theme_role role = w->current                ? THEME_STATUSBAR_CURRENT
                           : w->unread && w->mention ? THEME_STATUSBAR_MENTION
                           : w->unread               ? THEME_STATUSBAR_ACTIVE
                                                     : THEME_STATUSBAR;
    add(segs, max, n, role, buf);
}

/* "[act: 3,5!]": the windows with news, a mention marked with '!' (and
 * the whole list drawn as a mention then), as irssi's act list. */
static void add_activity(struct statusbar_seg *segs, size_t max, size_t *n,
                         const struct statusbar_info *info)
{
    char buf[96] = "[act: ";
    size_t off = strlen(buf);
    bool any = false, mention = false;
    for (size_t i = 0; i < info->nwin && off + 9 < sizeof buf; i++) {
        const struct statusbar_window *w = &info->win[i];
        if (!w->unread || w->current)
            continue;
        off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%u%s", any ? "," : "", w->num,
                                w->mention ? "!" : "");
        any = true;
        mention |= w->mention;
    }
    if (any) {
        snprintf(buf + off, sizeof buf - off, "]");
        add(segs, max, n, mention ? THEME_STATUSBAR_MENTION : THEME_STATUSBAR_ACTIVE, buf);
    }
}

static int total_width(const struct statusbar_seg *segs, size_t n)
{
    int w = n > 0 ? (int)n - 1 : 0;
    for (size_t i = 0; i < n; i++)
        w += textwidth_str(segs[i].text);
    return w;
}

/* The account is the least useful part once you know who you are: on a
 * narrow terminal it loses the resource, then columns, so that the
 * window list stays visible. */
static void shorten_account(struct statusbar_seg *acct, int excess, const char *account)
{
    char bare[80], cut[80];
    snprintf(bare, sizeof bare, "%.*s", (int)strcspn(account, "/"), account);
    int saved = textwidth_str(account) - textwidth_str(bare);
    snprintf(acct->text, sizeof acct->text, "[%s]", bare);
    excess -= saved;
    if (excess <= 0)
        return;
    int keep = textwidth_str(bare) - excess;
    textwidth_truncate(bare, keep < 8 ? 8 : keep, cut, sizeof cut);
    snprintf(acct->text, sizeof acct->text, "[%s]", cut);
}

/* A window that may be left out when the line is full: not the status
 * window, not the current one, none with news. */
static bool hideable(const struct statusbar_window *w, size_t i)
{
    return i > 0 && !w->current && !w->unread;
}

/* Leave out one more window: the one farthest from the current window,
 * so that its neighbours, where Alt-Left/Right go, stay. */
static bool hide_one(const struct statusbar_info *info, bool *hide)
{
    size_t cur = 0, best = 0, bestd = 0;
    for (size_t i = 0; i < info->nwin; i++)
        if (info->win[i].current)
            cur = i;
    for (size_t i = 0; i < info->nwin; i++) {
        size_t d = i > cur ? i - cur : cur - i;
        if (!hide[i] && hideable(&info->win[i], i) && d > bestd) {
            best = i;
            bestd = d;
        }
    }
    if (bestd == 0)
        return false;
    hide[best] = true;
    return true;
}

static size_t compose(const struct statusbar_info *info, const bool *hide, int namew,
                      struct statusbar_seg *segs, size_t max)
{
    char buf[96];
    size_t n = 0;
    snprintf(buf, sizeof buf, "[%s]", info->account ? info->account : "");
    add(segs, max, &n, THEME_STATUSBAR, buf);
    snprintf(buf, sizeof buf, "[%s]", info->presence ? info->presence : "offline");
    add(segs, max, &n, THEME_STATUSBAR, buf);
    if (info->state) {
        snprintf(buf, sizeof buf, "[%s]", info->state);
        add(segs, max, &n, THEME_STATUSBAR_ACTIVE, buf);
    }
    /* The act list and the "new below" mark must not be crowded out of
     * segs by many windows: keep their room. */
    size_t room = max > 2 ? max - 2 : max;
    for (size_t i = 0; i < info->nwin; i++) {
        if (!hide[i]) {
            add_window(segs, room, &n, &info->win[i], namew);
            continue;
        }
        size_t run = 1;
        while (i + run < info->nwin && hide[i + run])
            run++;
        snprintf(buf, sizeof buf, "[+%zu]", run);
        add(segs, room, &n, THEME_STATUSBAR, buf);
        i += run - 1;
    }
    if (info->more_below) {
        snprintf(buf, sizeof buf, "[%u new below: PgDn]", info->more_below);
        add(segs, max, &n, THEME_STATUSBAR_ACTIVE, buf);
    }
    add_activity(segs, max, &n, info);
    return n;
}

size_t statusbar_build(const struct statusbar_info *info, struct statusbar_seg *segs, size_t max)
{
    const char *account = info->account ? info->account : "";
    bool *hide = calloc(info->nwin ? info->nwin : 1, sizeof *hide);
    if (!hide)
        abort();
    int namew = 16;
    size_t n;
    for (;;) {
        n = compose(info, hide, namew, segs, max);
        if (info->width <= 0 || n == 0)
            break;
        int excess = total_width(segs, n) - info->width;
        if (excess > 0)
            shorten_account(&segs[0], excess, account);
        if (total_width(segs, n) <= info->width)
            break;
        if (hide_one(info, hide))
            continue;
        if (namew > 4) { /* still too many windows with news: shorter names */
            namew = namew > 8 ? 8 : 4;
            continue;
        }
        break; /* the screen cuts the rest */
    }
    free(hide);
    return n;
}

/* Columns that items [from, ...) take, each with its separating space,
 * up to the first that does not fit in room; *count says how many fit. */
static int fitting(const char *const *items, size_t nitems, size_t from, int room, size_t *count)
{
    int used = 0;
    *count = 0;
    for (size_t i = from; i < nitems; i++) {
        char cut[96];
        textwidth_truncate(items[i], 60, cut, sizeof cut);
        int w = textwidth_str(cut) + 1;
        if (room > 0 && used + w > room)
            break;
        used += w;
        (*count)++;
    }
    return used;
}

/* How many items from `from` fit, with "Tab:" and the notes around them. */
static size_t choices_fitting(const char *const *items, size_t nitems, size_t from, size_t first,
                              size_t total, int width)
{
    size_t count;
    if (width <= 0)
        return nitems - from;
    char note[32];
    int room = width - 5; /* "Tab: " */
    if (first + from > 0)
        room -= snprintf(note, sizeof note, "(%zu before) ", first + from);
    fitting(items, nitems, from, room, &count);
    if (first + from + count < total) { /* then "(+N more)" needs its room too */
        room -= snprintf(note, sizeof note, "(+%zu more)", total - first - from);
        fitting(items, nitems, from, room, &count);
    }
    return count ? count : (from < nitems ? 1 : 0); /* one, cut by the screen if need be */
}

size_t statusbar_build_choices(const char *const *items, size_t nitems, size_t first, size_t total,
                               long current, int width, struct statusbar_seg *segs, size_t max)
{
    char buf[96];
    size_t n = 0, from = 0;
    size_t shown = choices_fitting(items, nitems, from, first, total, width);
    if (current >= 0 && (size_t)current >= first + shown && (size_t)current < first + nitems) {
        from = (size_t)current - first;
        shown = choices_fitting(items, nitems, from, first, total, width);
    }
    add(segs, max, &n, THEME_STATUSBAR, "Tab:");
    if (first + from > 0) {
        snprintf(buf, sizeof buf, "(%zu before)", first + from);
        add(segs, max, &n, THEME_STATUSBAR, buf);
    }
    for (size_t i = from; i < from + shown; i++) {
        char cut[96];
        textwidth_truncate(items[i], 60, cut, sizeof cut);
        bool cur = current >= 0 && first + i == (size_t)current;
        add(segs, max, &n, cur ? THEME_STATUSBAR_CURRENT : THEME_STATUSBAR, cut);
    }
    if (first + from + shown < total) {
        snprintf(buf, sizeof buf, "(+%zu more)", total - (first + from + shown));
        add(segs, max, &n, THEME_STATUSBAR, buf);
    }
    return n;
}

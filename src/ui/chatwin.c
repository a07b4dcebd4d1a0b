/* SPDX-License-Identifier: GPL-3.0-or-later */
/* chatwin.c - windows and their scrollback.
 *
 * Each window keeps its lines in a ring (10,000 by default), so a chat
 * that runs for weeks costs bounded memory and appending never moves old
 * lines. Lines are stored as received; wrapping depends on the pane's
 * width and is computed when drawing, with each line's row count cached
 * for the last width so that scrolling through a long history does not
 * wrap it all again. Windows are numbered by position: the status window
 * is 1, chats (and the XML console, which has no JID) follow in the order
 * they were opened, and closing one moves the later ones down, as irssi
 * does with automatic renumbering. */
#include "ui/chatwin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/textwidth.h"
#include "ui/xalloc.h"

static struct chatwin *win_new(enum chatwin_kind kind, const char *jid, const char *name,
                               unsigned cap)
{
    struct chatwin *w = calloc(1, sizeof *w);
    if (!w)
        abort();
    w->kind = kind;
    w->jid = jid ? xalloc_strdup(jid) : NULL;
    w->name = xalloc_strdup(name);
    w->max = cap;
    w->opened = time(NULL);
    w->acct = -1;
    return w;
}

static void line_clear(struct chatline *l)
{
    free(l->nick);
    free(l->text);
    free(l->id);
    memset(l, 0, sizeof *l);
}

static void win_free(struct chatwin *w)
{
    for (size_t i = 0; i < w->count; i++)
        line_clear(chatwin_line(w, i));
    free(w->ring);
    free(w->jid);
    free(w->name);
    free(w->state);
    free(w->omemo_pending);
    free(w);
}

void chatwins_init(struct chatwins *ws, unsigned scrollback)
{
    memset(ws, 0, sizeof *ws);
    ws->scrollback = scrollback ? scrollback : 10000;
    ws->w = malloc(sizeof *ws->w);
    if (!ws->w)
        abort();
    ws->w[0] = win_new(CHATWIN_STATUS, NULL, "status", ws->scrollback);
    ws->n = 1;
}

void chatwins_free(struct chatwins *ws)
{
    for (size_t i = 0; i < ws->n; i++)
        win_free(ws->w[i]);
    free(ws->w);
    memset(ws, 0, sizeof *ws);
}

struct chatwin *chatwins_find(const struct chatwins *ws, const char *jid, size_t *index)
{
    for (size_t i = 1; i < ws->n; i++) {
        if (ws->w[i]->jid && ws->w[i]->acct == ws->acct && strcmp(ws->w[i]->jid, jid) == 0) {
            if (index)
                *index = i;
            return ws->w[i];
        }
    }
    return NULL;
}

static struct chatwin *append(struct chatwins *ws, struct chatwin *w)
{
    struct chatwin **arr = realloc(ws->w, (ws->n + 1) * sizeof *arr);
    if (!arr)
        abort();
    ws->w = arr;
    ws->w[ws->n++] = w;
    return w;
}

struct chatwin *chatwins_open_kind(struct chatwins *ws, enum chatwin_kind kind, const char *jid,
                                   const char *name, bool *created)
{
    struct chatwin *w = chatwins_find(ws, jid, NULL);
    if (created)
        *created = !w;
    if (w)
        return w;
    w = append(ws, win_new(kind, jid, name, ws->scrollback));
    w->acct = ws->acct;
    return w;
}

struct chatwin *chatwins_open(struct chatwins *ws, const char *jid, const char *name, bool *created)
{
    return chatwins_open_kind(ws, CHATWIN_CHAT, jid, name, created);
}

struct chatwin *chatwins_find_kind(const struct chatwins *ws, enum chatwin_kind kind, size_t *index)
{
    for (size_t i = 0; i < ws->n; i++) {
        if (ws->w[i]->kind == kind) {
            if (index)
                *index = i;
            return ws->w[i];
        }
    }
    return NULL;
}

struct chatwin *chatwins_add(struct chatwins *ws, enum chatwin_kind kind, const char *name,
                             unsigned max)
{
    return append(ws, win_new(kind, NULL, name, max ? max : ws->scrollback));
}

void chatwins_close(struct chatwins *ws, size_t index)
{
    if (index == 0 || index >= ws->n)
        return;
    win_free(ws->w[index]);
    memmove(ws->w + index, ws->w + index + 1, (ws->n - index - 1) * sizeof *ws->w);
    ws->n--;
    if (ws->current == index)
        ws->current = index - 1;
    else if (ws->current > index)
        ws->current--;
}

struct chatwin *chatwins_current(const struct chatwins *ws)
{
    return ws->w[ws->current];
}

void chatwins_select(struct chatwins *ws, size_t index)
{
    if (index >= ws->n)
        return;
    ws->current = index;
    ws->w[index]->unread = ws->w[index]->old_unread = 0;
    ws->w[index]->mention = false;
}

long chatwins_next_unread(const struct chatwins *ws)
{
    for (size_t k = 1; k < ws->n; k++) {
        size_t i = (ws->current + k) % ws->n;
        if (ws->w[i]->unread)
            return (long)i;
    }
    return -1;
}

unsigned chatwins_total_unread(const struct chatwins *ws)
{
    unsigned n = 0;
    for (size_t i = 0; i < ws->n; i++)
        n += ws->w[i]->unread - ws->w[i]->old_unread;
    return n;
}

void chatwin_set_name(struct chatwin *w, const char *name)
{
    free(w->name);
    w->name = xalloc_strdup(name);
}

struct chatline *chatwin_line(struct chatwin *w, size_t i)
{
    return &w->ring[(w->head + i) % w->cap];
}

/* The ring starts small and doubles up to its limit: most windows never
 * hold 10,000 lines, and memory matters when there are many. It only
 * grows before it first wraps, so its lines are still in order. */
static void ring_grow(struct chatwin *w)
{
    size_t cap = w->cap ? w->cap * 2 : 64;
    if (cap > w->max)
        cap = w->max;
    struct chatline *r = realloc(w->ring, cap * sizeof *r);
    if (!r)
        abort();
    memset(r + w->cap, 0, (cap - w->cap) * sizeof *r);
    w->ring = r;
    w->cap = cap;
}

void chatwin_set_state(struct chatwin *w, const char *state)
{
    free(w->state);
    w->state = state ? xalloc_strdup(state) : NULL;
}

struct chatline *chatwin_add(struct chatwin *w, time_t stamp, enum chatline_kind kind,
                             const char *nick, const char *text)
{
    return chatwin_add_msg(w, stamp, kind, nick, text, NULL, false);
}

static bool same_day(time_t a, time_t b)
{
    struct tm ta, tb;
    localtime_r(&a, &ta);
    localtime_r(&b, &tb);
    return ta.tm_year == tb.tm_year && ta.tm_yday == tb.tm_yday;
}

/* Line i's day row, after it or the line before it changed. */
static void mark_day(struct chatwin *w, size_t i)
{
    if (i >= w->count)
        return;
    struct chatline *l = chatwin_line(w, i);
    time_t before = i > 0 ? chatwin_line(w, i - 1)->stamp : time(NULL);
    l->day_row = !same_day(before, l->stamp);
}

struct chatline *chatwin_add_msg(struct chatwin *w, time_t stamp, enum chatline_kind kind,
                                 const char *nick, const char *text, const char *id, bool action)
{
    struct chatline *l;
    if (w->count == w->cap && w->cap < w->max)
        ring_grow(w);
    if (w->count == w->cap) {
        l = &w->ring[w->head];
        line_clear(l);
        w->head = (w->head + 1) % w->cap;
    } else {
        l = chatwin_line(w, w->count++);
    }
    l->stamp = stamp;
    l->kind = kind;
    l->nick = nick ? xalloc_strdup(nick) : NULL;
    l->text = xalloc_strdup(text);
    l->id = id ? xalloc_strdup(id) : NULL;
    l->action = action;
    l->day_row = l->new_row = false;
    mark_day(w, w->count - 1);
    if (w->mark_new && (kind == CHATLINE_IN || kind == CHATLINE_OUT)) {
        l->new_row = true;
        w->mark_new = false;
    }
    w->added++;
    return l;
}

int chatwin_rows_above(const struct chatline *l)
{
    return (int)l->day_row + (int)l->new_row;
}

struct chatline *chatwin_insert_msg(struct chatwin *w, size_t index, time_t stamp,
                                    enum chatline_kind kind, const char *nick, const char *text,
                                    const char *id, bool action)
{
    bool full = w->count == w->max;
    if (full && index == 0)
        return NULL;
    if (full)
        index--; /* the oldest line goes to make room */
    if (index > w->count)
        index = w->count;
    chatwin_add_msg(w, stamp, kind, nick, text, id, action);
    /* Moved down from the end: a ring has no cheaper middle. */
    for (size_t i = w->count - 1; i > index; i--) {
        struct chatline t = *chatwin_line(w, i);
        *chatwin_line(w, i) = *chatwin_line(w, i - 1);
        *chatwin_line(w, i - 1) = t;
    }
    mark_day(w, index);
    mark_day(w, index + 1);
    return chatwin_line(w, index);
}

size_t chatwin_index_of(const struct chatwin *w, const struct chatline *l)
{
    return ((size_t)(l - w->ring) + w->cap - w->head) % w->cap;
}

size_t chatwin_index_for(struct chatwin *w, time_t stamp)
{
    size_t i = w->count;
    while (i > 0 && chatwin_line(w, i - 1)->stamp > stamp)
        i--;
    return i;
}

/* A receipt comes seconds after its message: looking back a bounded
 * number of lines keeps a flood of receipts cheap. */
#define RECEIPT_LOOKBACK 500

struct chatline *chatwin_find_id(struct chatwin *w, const char *id)
{
    if (!id)
        return NULL;
    for (size_t i = w->count, k = 0; i > 0 && k < RECEIPT_LOOKBACK; i--, k++) {
        struct chatline *l = chatwin_line(w, i - 1);
        if (l->id && strcmp(l->id, id) == 0)
            return l;
    }
    return NULL;
}

bool chatwin_has_line(struct chatwin *w, time_t stamp, long slack, const char *nick,
                      const char *text)
{
    for (size_t i = w->count, k = 0; i > 0 && k < RECEIPT_LOOKBACK; i--, k++) {
        const struct chatline *l = chatwin_line(w, i - 1);
        long d = (long)(l->stamp - stamp);
        if (d >= -slack && d <= slack && l->nick && strcmp(l->nick, nick) == 0 &&
            strcmp(l->text, text) == 0)
            return true;
    }
    return false;
}

void chatwin_correct(struct chatline *l, const char *text, bool action)
{
    l->action = action;
    static const char mark[] = " (corrected)";
    size_t n = strlen(text);
    char *t = xalloc_realloc(NULL, n + sizeof mark);
    memcpy(t, text, n);
    memcpy(t + n, mark, sizeof mark);
    free(l->text);
    l->text = t;
    l->rows = 0; /* rewrap */
}

struct chatline *chatwin_last_sent(struct chatwin *w)
{
    for (size_t i = w->count, k = 0; i > 0 && k < RECEIPT_LOOKBACK; i--, k++) {
        struct chatline *l = chatwin_line(w, i - 1);
        if (l->kind == CHATLINE_OUT && l->id)
            return l;
    }
    return NULL;
}

bool chatwin_mark_delivered(struct chatwin *w, const char *id)
{
    struct chatline *l = chatwin_find_id(w, id);
    if (!l || l->delivered || l->kind != CHATLINE_OUT)
        return false;
    l->delivered = true;
    l->rows = 0; /* the mark may need a row of its own */
    return true;
}

struct chatline *chatwin_find_unsent(struct chatwin *w, const char *text)
{
    for (size_t i = w->count, k = 0; i > 0 && k < RECEIPT_LOOKBACK; i--, k++) {
        struct chatline *l = chatwin_line(w, i - 1);
        if (l->kind == CHATLINE_OUT && !l->id && !l->action && strcmp(l->text, text) == 0)
            return l;
    }
    return NULL;
}

bool chatwin_mark_sent(struct chatwin *w, const char *id)
{
    struct chatline *l = chatwin_find_id(w, id);
    if (!l || !l->pending)
        return false;
    l->pending = false;
    l->rows = 0; /* the prefix is shorter */
    return true;
}

static long rows_of_newest(struct chatwin *w, size_t n, int width, const char *tsfmt)
{
    long rows = 0;
    for (size_t i = w->count - n; i < w->count; i++)
        rows += chatwin_rows(chatwin_line(w, i), width, tsfmt);
    return rows;
}

int chatwin_follow_gap(struct chatwin *w, int width, int height, const char *tsfmt, bool jump)
{
    unsigned long fresh = w->added - w->drawn;
    w->drawn = w->added;
    if (!jump || w->scroll > 0 || height < 4 || w->count == 0) {
        w->gap = 0;
        return 0;
    }
    if (fresh > w->count)
        fresh = w->count;
    if (w->gap > height - 1)
        w->gap = height - 1;
    long rows = rows_of_newest(w, fresh, width, tsfmt);
    if (rows <= w->gap) {
        w->gap -= (int)rows;
        return w->gap;
    }
    /* Out of room. While everything still fits, the pane fills from the
     * top and needs no gap; after that, jump half a page. */
    long total = 0;
    for (size_t i = w->count; i > 0 && total <= height; i--)
        total += chatwin_rows(chatwin_line(w, i - 1), width, tsfmt);
    long newest = rows_of_newest(w, 1, width, tsfmt);
    long gap = total <= height ? 0 : height / 2;
    if (gap > height - newest)
        gap = height - newest > 0 ? height - newest : 0;
    w->gap = (int)gap;
    return w->gap;
}

const char *chatwin_mark(const struct chatline *l)
{
    return l->failed ? "(not sent) " : l->pending ? "(pending) " : "";
}

int chatwin_prefix(const struct chatline *l, const char *tsfmt, char *buf, size_t len)
{
    struct tm tm;
    char ts[64];
    localtime_r(&l->stamp, &tm);
    if (strftime(ts, sizeof ts, tsfmt, &tm) == 0)
        ts[0] = '\0';
    switch (l->kind) {
    case CHATLINE_IN:
    case CHATLINE_OUT:
        /* Until the server has it: "(pending)" after the time; "~": the
         * line was OMEMO-encrypted (screen.c draws the same). */
        const char *pend = chatwin_mark(l), *enc = l->encrypted ? "~" : "";
        if (l->action)
            snprintf(buf, len, "%s %s%s* %s ", ts, pend, enc, l->nick ? l->nick : "");
        else
            snprintf(buf, len, "%s %s%s%s> ", ts, pend, enc, l->nick ? l->nick : "");
        break;
    case CHATLINE_ERROR:
        snprintf(buf, len, "%s ! ", ts);
        break;
    case CHATLINE_INFO:
        snprintf(buf, len, "%s ", ts);
        break;
    }
    return textwidth_str(buf);
}

int chatwin_indent(const char *tsfmt, int width)
{
    /* Every time of a format is as wide as any other (%H:%M, %F %T...);
     * a month's name would vary, and the widest is no better a guess. */
    struct tm tm = {.tm_year = 126, .tm_mon = 11, .tm_mday = 28, .tm_hour = 12};
    char ts[64];
    size_t n = strftime(ts, sizeof ts, tsfmt, &tm);
    int indent = n ? textwidth_str(ts) + 1 : 2;
    return indent <= width / 2 ? indent : 0;
}

int chatwin_layout(const struct chatline *l, int width, int prefix_cols, int indent,
                   chatwin_row_fn fn, void *ud)
{
    const char *text = l->text;
    size_t len = strlen(text), off = 0;
    int row = 0, col = prefix_cols, avail = width - prefix_cols, end = col;
    if (avail < 1) {
        if (fn)
            fn(ud, 0, prefix_cols, text, 0);
        row = 1;
        col = indent;
        avail = width - indent;
    }
    do {
        size_t next;
        size_t n = textwidth_wrap(text + off, len - off, avail, &next);
        if (fn)
            fn(ud, row, col, text + off, n);
        end = col + textwidth_cols(text + off, n);
        off += next;
        row++;
        col = indent;
        avail = width - indent;
    } while (off < len);
    if (l->delivered) {
        if (end + 2 <= width) {
            if (fn)
                fn(ud, row - 1, end, NULL, 0);
        } else {
            if (fn)
                fn(ud, row, indent, NULL, 0);
            row++;
        }
    }
    return row;
}

int chatwin_rows(struct chatline *l, int width, const char *tsfmt)
{
    if (l->rows_width != width || l->rows == 0) {
        char prefix[256];
        int pc = chatwin_prefix(l, tsfmt, prefix, sizeof prefix);
        l->rows = chatwin_layout(l, width, pc, chatwin_indent(tsfmt, width), NULL, NULL);
        l->rows_width = width;
    }
    return l->rows + chatwin_rows_above(l);
}

bool chatwin_scroll(struct chatwin *w, int delta, int width, int height, const char *tsfmt)
{
    long total = 0, target = (long)w->scroll + delta;
    for (size_t i = w->count; i > 0 && total < target + height; i--)
        total += chatwin_rows(chatwin_line(w, i - 1), width, tsfmt);
    long max = total - height;
    bool top = target >= max;
    if (target > max)
        target = max;
    w->scroll = target > 0 ? (int)target : 0;
    if (w->scroll == 0)
        w->below = 0; /* back at the newest line: all seen */
    return top;
}

void chatwin_clear(struct chatwin *w)
{
    for (size_t i = 0; i < w->count; i++)
        line_clear(chatwin_line(w, i));
    w->head = w->count = 0;
    w->unread = w->old_unread = 0;
    w->scroll = w->gap = 0;
    w->drawn = w->added; /* nothing new to fill the empty pane with */
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* input.c - the line editor behind the input line.
 *
 * The line is kept as UTF-8 bytes with the cursor as a byte offset that
 * always sits on a character boundary. Cursor moves and deletions work on
 * a character together with the combining marks that follow it, so an
 * accent is never left alone or split from its letter. Keys map to
 * readline's meanings (Ctrl-A/E/B/F/K/U/W/Y, Alt-B/F); ui.c decides which
 * key is which op, so this file knows nothing about terminals and is
 * tested on its own.
 *
 * Tab completes as shells do: one match is put in with a space after
 * it; several put in what they have in common and are listed (ui.c shows
 * the list on the status line), and Tab again cycles through them. A
 * candidate may carry a label that it is also found by: a contact's
 * address is what goes on the line, and its name is how the user knows
 * it ("al" finds Alice, and puts in alice@example.org). */
#include "ui/input.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wctype.h>

#include "ui/textwidth.h"
#include "ui/xalloc.h"

struct input_candidates {
    char **items;  /* what goes on the line */
    char **labels; /* how the user knows it, or NULL */
    size_t n, cap;
};

struct completion {
    bool active;
    size_t word_start; /* where the replaced word begins */
    size_t shown_len;  /* bytes of the candidate currently inserted */
    struct input_candidates cand;
    long idx; /* the candidate on the line; -1 while only listed */
};

struct input {
    char *buf;
    size_t len, cap, cursor;
    size_t scroll; /* first byte shown */
    char *kill;    /* last killed text, for Ctrl-Y */
    char **hist;
    size_t nhist, hist_max;
    size_t hist_pos; /* == nhist while editing a new line */
    char *draft;     /* the new line, kept while browsing history */
    struct completion comp;
};

struct input *input_new(unsigned history_max)
{
    struct input *in = calloc(1, sizeof *in);
    if (!in)
        return NULL;
    in->cap = 64;
    in->buf = calloc(1, in->cap);
    in->hist_max = history_max ? history_max : 1000;
    if (!in->buf) {
        free(in);
        return NULL;
    }
    return in;
}

static void candidates_clear(struct input_candidates *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->items[i]);
        free(c->labels[i]);
    }
    free(c->items);
    free(c->labels);
    memset(c, 0, sizeof *c);
}

static void completion_end(struct input *in)
{
    candidates_clear(&in->comp.cand);
    in->comp.active = false;
}

void input_free(struct input *in)
{
    if (!in)
        return;
    completion_end(in);
    for (size_t i = 0; i < in->nhist; i++)
        free(in->hist[i]);
    free(in->hist);
    free(in->draft);
    free(in->kill);
    free(in->buf);
    free(in);
}

const char *input_text(const struct input *in)
{
    return in->buf;
}

size_t input_len(const struct input *in)
{
    return in->len;
}

size_t input_cursor(const struct input *in)
{
    return in->cursor;
}

static bool reserve(struct input *in, size_t need)
{
    if (need > INPUT_MAX_BYTES)
        return false;
    if (need + 1 <= in->cap)
        return true;
    size_t cap = in->cap;
    while (cap < need + 1)
        cap *= 2;
    char *b = realloc(in->buf, cap);
    if (!b)
        return false;
    in->buf = b;
    in->cap = cap;
    return true;
}

static bool insert_raw(struct input *in, const char *text, size_t len)
{
    if (!reserve(in, in->len + len))
        return false;
    memmove(in->buf + in->cursor + len, in->buf + in->cursor, in->len - in->cursor + 1);
    memcpy(in->buf + in->cursor, text, len);
    in->len += len;
    in->cursor += len;
    return true;
}

bool input_insert(struct input *in, const char *text, size_t len)
{
    completion_end(in);
    return insert_raw(in, text, len);
}

/* Remove bytes [from, to) and put the cursor at from. */
static void cut(struct input *in, size_t from, size_t to, bool keep)
{
    if (to <= from)
        return;
    if (keep) {
        free(in->kill);
        in->kill = xalloc_strndup(in->buf + from, to - from);
    }
    memmove(in->buf + from, in->buf + to, in->len - to + 1);
    in->len -= to - from;
    in->cursor = from;
    if (in->scroll > in->len)
        in->scroll = in->len;
}

static wchar_t char_at(const struct input *in, size_t pos, size_t *n)
{
    wchar_t wc;
    *n = textwidth_decode(in->buf + pos, in->len - pos, &wc);
    return wc;
}

static bool is_combining(wchar_t wc)
{
    return wc >= 0x20 && wc != 0x7F && textwidth_char(wc) == 0;
}

/* Start of the character (with its combining marks) after pos. */
static size_t next_cluster(const struct input *in, size_t pos)
{
    size_t n;
    if (pos >= in->len)
        return in->len;
    char_at(in, pos, &n);
    pos += n;
    while (pos < in->len && is_combining(char_at(in, pos, &n)))
        pos += n;
    return pos;
}

static size_t prev_char(const struct input *in, size_t pos)
{
    if (pos == 0)
        return 0;
    pos--;
    while (pos > 0 && ((unsigned char)in->buf[pos] & 0xC0) == 0x80)
        pos--;
    return pos;
}

static size_t prev_cluster(const struct input *in, size_t pos)
{
    size_t n;
    pos = prev_char(in, pos);
    while (pos > 0 && is_combining(char_at(in, pos, &n)))
        pos = prev_char(in, pos);
    return pos;
}

static bool is_word_char(wchar_t wc)
{
    return iswalnum((wint_t)wc) || (wc > 0x7F && !iswspace((wint_t)wc) && !iswpunct((wint_t)wc));
}

static size_t word_left(const struct input *in, size_t pos)
{
    size_t n;
    while (pos > 0 && !is_word_char(char_at(in, prev_char(in, pos), &n)))
        pos = prev_char(in, pos);
    while (pos > 0 && is_word_char(char_at(in, prev_char(in, pos), &n)))
        pos = prev_char(in, pos);
    return pos;
}

static size_t word_right(const struct input *in, size_t pos)
{
    size_t n;
    while (pos < in->len && !is_word_char(char_at(in, pos, &n)))
        pos += n;
    while (pos < in->len && is_word_char(char_at(in, pos, &n)))
        pos += n;
    return pos;
}

/* Ctrl-W as in readline's unix-word-rubout: back to the previous space. */
static size_t space_word_left(const struct input *in, size_t pos)
{
    while (pos > 0 && in->buf[pos - 1] == ' ')
        pos--;
    while (pos > 0 && in->buf[pos - 1] != ' ')
        pos--;
    return pos;
}

static void set_text(struct input *in, const char *text)
{
    size_t len = strlen(text);
    if (len > INPUT_MAX_BYTES)
        len = INPUT_MAX_BYTES;
    in->len = 0;
    in->cursor = 0;
    in->buf[0] = '\0';
    insert_raw(in, text, len);
    in->scroll = 0;
}

static void history_move(struct input *in, int dir)
{
    if (dir < 0 && in->hist_pos == 0)
        return;
    if (dir > 0 && in->hist_pos >= in->nhist)
        return;
    if (in->hist_pos == in->nhist) {
        free(in->draft);
        in->draft = xalloc_strndup(in->buf, in->len);
    }
    in->hist_pos += dir;
    set_text(in, in->hist_pos == in->nhist ? in->draft : in->hist[in->hist_pos]);
}

void input_do(struct input *in, enum input_op op)
{
    completion_end(in);
    switch (op) {
    case INPUT_LEFT:
        in->cursor = prev_cluster(in, in->cursor);
        break;
    case INPUT_RIGHT:
        in->cursor = next_cluster(in, in->cursor);
        break;
    case INPUT_HOME:
        in->cursor = 0;
        break;
    case INPUT_END:
        in->cursor = in->len;
        break;
    case INPUT_WORD_LEFT:
        in->cursor = word_left(in, in->cursor);
        break;
    case INPUT_WORD_RIGHT:
        in->cursor = word_right(in, in->cursor);
        break;
    case INPUT_BACKSPACE:
        cut(in, prev_cluster(in, in->cursor), in->cursor, false);
        break;
    case INPUT_DELETE:
        cut(in, in->cursor, next_cluster(in, in->cursor), false);
        break;
    case INPUT_KILL_END:
        cut(in, in->cursor, in->len, true);
        break;
    case INPUT_KILL_START:
        cut(in, 0, in->cursor, true);
        break;
    case INPUT_KILL_WORD:
        cut(in, space_word_left(in, in->cursor), in->cursor, true);
        break;
    case INPUT_KILL_LINE:
        completion_end(in);
        cut(in, 0, in->len, true);
        break;
    case INPUT_YANK:
        if (in->kill)
            insert_raw(in, in->kill, strlen(in->kill));
        break;
    case INPUT_HISTORY_UP:
        history_move(in, -1);
        break;
    case INPUT_HISTORY_DOWN:
        history_move(in, +1);
        break;
    }
}

void input_set_text(struct input *in, const char *text)
{
    completion_end(in);
    set_text(in, text);
}

void input_clear(struct input *in)
{
    input_set_text(in, "");
}

void input_wipe(struct input *in)
{
    sodium_memzero(in->buf, in->cap);
    if (in->kill) {
        sodium_memzero(in->kill, strlen(in->kill));
        free(in->kill);
        in->kill = NULL;
    }
    input_clear(in);
}

static void history_add(struct input *in, const char *line)
{
    if (line[0] == '\0')
        return;
    if (in->nhist > 0 && strcmp(in->hist[in->nhist - 1], line) == 0)
        return;
    if (in->nhist == in->hist_max) {
        free(in->hist[0]);
        memmove(in->hist, in->hist + 1, (in->nhist - 1) * sizeof *in->hist);
        in->nhist--;
    }
    char **h = realloc(in->hist, (in->nhist + 1) * sizeof *h);
    if (!h)
        return;
    in->hist = h;
    in->hist[in->nhist++] = xalloc_strndup(line, strlen(line));
}

char *input_submit(struct input *in)
{
    char *line = xalloc_strndup(in->buf, in->len);
    history_add(in, line);
    in->hist_pos = in->nhist;
    free(in->draft);
    in->draft = NULL;
    input_clear(in);
    return line;
}

/* Whether s[0..len) fits in limit columns; looks at no more than it must,
 * so that a 64 KiB line costs no more than a short one. */
static bool fits(const char *s, size_t len, int limit)
{
    int used = 0;
    for (size_t i = 0; i < len;) {
        wchar_t wc;
        i += textwidth_decode(s + i, len - i, &wc);
        used += textwidth_char(wc);
        if (used > limit)
            return false;
    }
    return true;
}

void input_view(struct input *in, int cols, size_t *start, int *cursor_col)
{
    if (cols < 2)
        cols = 2;
    /* Keep the cursor on screen, with room for it after the last
     * character: the leftmost start that still shows the cursor. */
    size_t first = in->cursor;
    int width = 0;
    while (first > 0) {
        size_t p = prev_cluster(in, first);
        int w = textwidth_cols(in->buf + p, first - p);
        if (width + w > cols - 1)
            break;
        width += w;
        first = p;
    }
    if (in->scroll < first)
        in->scroll = first;
    if (in->scroll > in->cursor)
        in->scroll = in->cursor;
    /* Scroll back only while the rest of the line would leave the field
     * partly empty, so that moving the cursor does not shift the text
     * under it. */
    while (in->scroll > 0) {
        size_t p = prev_cluster(in, in->scroll);
        if (!fits(in->buf + p, in->len - p, cols - 1))
            break;
        in->scroll = p;
    }
    *start = in->scroll;
    *cursor_col = textwidth_cols(in->buf + in->scroll, in->cursor - in->scroll);
}

void input_candidates_add_labelled(struct input_candidates *c, const char *candidate,
                                   const char *label)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        c->items = xalloc_realloc(c->items, cap * sizeof *c->items);
        c->labels = xalloc_realloc(c->labels, cap * sizeof *c->labels);
        c->cap = cap;
    }
    c->items[c->n] = xalloc_strdup(candidate);
    c->labels[c->n] =
        label && label[0] && strcmp(label, candidate) != 0 ? xalloc_strdup(label) : NULL;
    c->n++;
}

void input_candidates_add(struct input_candidates *c, const char *candidate)
{
    input_candidates_add_labelled(c, candidate, NULL);
}

/* The word, or the label or one of its words ("smi" finds "Alan Smith"),
 * starts with prefix. */
static bool candidate_matches(const char *item, const char *label, const char *prefix, size_t plen)
{
    if (strncasecmp(item, prefix, plen) == 0)
        return true;
    for (const char *p = label; p && *p; p = strchr(p, ' ')) {
        while (*p == ' ')
            p++;
        if (*p && strncasecmp(p, prefix, plen) == 0)
            return true;
    }
    return false;
}

/* What a list shows, and sorts by: the label first. */
static const char *sort_key(const struct input_candidates *c, size_t i)
{
    return c->labels[i] ? c->labels[i] : c->items[i];
}

static const struct input_candidates *sorting; /* qsort has no context */

static int cmp_by_item(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int d = strcmp(sorting->items[i], sorting->items[j]);
    /* Of two equal words, the labelled one first: it is kept. */
    if (d == 0)
        d = (sorting->labels[i] == NULL) - (sorting->labels[j] == NULL);
    return d ? d : (i > j) - (i < j);
}

static int cmp_by_key(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int d = strcasecmp(sort_key(sorting, i), sort_key(sorting, j));
    if (d == 0)
        d = strcmp(sorting->items[i], sorting->items[j]);
    return d;
}

static void candidates_permute(struct input_candidates *c, const size_t *order, size_t n)
{
    char **items = xalloc_realloc(NULL, (n ? n : 1) * sizeof *items);
    char **labels = xalloc_realloc(NULL, (n ? n : 1) * sizeof *labels);
    for (size_t k = 0; k < n; k++) {
        items[k] = c->items[order[k]];
        labels[k] = c->labels[order[k]];
    }
    memcpy(c->items, items, n * sizeof *items);
    memcpy(c->labels, labels, n * sizeof *labels);
    free(items);
    free(labels);
    c->n = n;
}

/* Keep the candidates that match prefix; drop duplicate words (keeping
 * one with a label); sort by what the list shows. Sorting by word first
 * makes duplicates neighbours, so that 10,000 contacts stay fast. */
static void candidates_filter(struct input_candidates *c, const char *prefix, size_t plen)
{
    size_t k = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (candidate_matches(c->items[i], c->labels[i], prefix, plen)) {
            c->items[k] = c->items[i];
            c->labels[k++] = c->labels[i];
        } else {
            free(c->items[i]);
            free(c->labels[i]);
        }
    }
    c->n = k;
    if (c->n == 0)
        return;
    size_t *order = xalloc_realloc(NULL, c->n * sizeof *order);
    for (size_t i = 0; i < c->n; i++)
        order[i] = i;
    sorting = c;
    qsort(order, c->n, sizeof *order, cmp_by_item);
    size_t kept = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (kept > 0 && strcmp(c->items[order[kept - 1]], c->items[order[i]]) == 0) {
            free(c->items[order[i]]);
            free(c->labels[order[i]]);
            c->items[order[i]] = c->labels[order[i]] = NULL;
        } else {
            order[kept++] = order[i];
        }
    }
    qsort(order, kept, sizeof *order, cmp_by_key);
    sorting = NULL;
    candidates_permute(c, order, kept);
    free(order);
}

static int word_index_at(const char *line, size_t pos)
{
    int idx = 0;
    for (size_t i = 0; i < pos; i++)
        if (line[i] == ' ' && i + 1 <= pos && (i + 1 == pos || line[i + 1] != ' '))
            idx++;
    return idx;
}

static void replace_word(struct input *in, const char *text, size_t len)
{
    struct completion *cp = &in->comp;
    cut(in, cp->word_start, cp->word_start + cp->shown_len, false);
    insert_raw(in, text, len);
    cp->shown_len = len;
}

static void show_candidate(struct input *in)
{
    struct completion *cp = &in->comp;
    const char *cand = cp->cand.items[cp->idx];
    replace_word(in, cand, strlen(cand));
    /* A single match is final: add the space the next word needs. */
    if (cp->cand.n == 1 && (in->cursor == in->len || in->buf[in->cursor] != ' ')) {
        insert_raw(in, " ", 1);
        cp->shown_len++;
    }
}

/* Several matches: put in what their words have in common, when each
 * word starts with what was typed (a match by its label may not), and
 * that is more than what was typed. Never half a character. */
static void show_common(struct input *in, size_t plen)
{
    struct completion *cp = &in->comp;
    const char *typed = in->buf + cp->word_start;
    const char *first = cp->cand.items[0];
    size_t common = strlen(first);
    for (size_t i = 0; i < cp->cand.n; i++) {
        const char *w = cp->cand.items[i];
        if (strncasecmp(w, typed, plen) != 0)
            return;
        size_t k = 0;
        while (k < common && w[k] && w[k] == first[k])
            k++;
        common = k;
    }
    while (common > 0 && ((unsigned char)first[common] & 0xC0) == 0x80)
        common--;
    if (common > plen)
        replace_word(in, first, common);
}

bool input_complete(struct input *in, input_completer fn, void *ud)
{
    struct completion *cp = &in->comp;
    if (cp->active && cp->cand.n > 1) {
        cp->idx = (cp->idx + 1) % (long)cp->cand.n;
        show_candidate(in);
        return true;
    }
    completion_end(in);
    size_t start = in->cursor;
    while (start > 0 && in->buf[start - 1] != ' ')
        start--;
    fn(ud, in->buf, start, word_index_at(in->buf, start), &cp->cand);
    candidates_filter(&cp->cand, in->buf + start, in->cursor - start);
    if (cp->cand.n == 0) {
        completion_end(in);
        return false;
    }
    cp->active = true;
    cp->word_start = start;
    cp->shown_len = in->cursor - start;
    if (cp->cand.n == 1) {
        cp->idx = 0;
        show_candidate(in);
    } else {
        cp->idx = -1; /* listed; the next Tab puts in the first */
        show_common(in, in->cursor - start);
    }
    return true;
}

size_t input_choices(const struct input *in)
{
    return in->comp.active && in->comp.cand.n > 1 ? in->comp.cand.n : 0;
}

const char *input_choice(const struct input *in, size_t i, char *buf, size_t len)
{
    const struct input_candidates *c = &in->comp.cand;
    if (i >= input_choices(in))
        return NULL;
    if (c->labels[i])
        snprintf(buf, len, "%s <%s>", c->labels[i], c->items[i]);
    else
        snprintf(buf, len, "%s", c->items[i]);
    return buf;
}

long input_choice_current(const struct input *in)
{
    return input_choices(in) ? in->comp.idx : -1;
}

void input_choices_end(struct input *in)
{
    completion_end(in);
}

/* input.c - the line editor behind the input line.
 *
 * The line is kept as UTF-8 bytes with the cursor as a byte offset that
 * always sits on a character boundary. Cursor moves and deletions work on
 * a character together with the combining marks that follow it, so an
 * accent is never left alone or split from its letter. Keys map to
 * readline's meanings (Ctrl-A/E/B/F/K/U/W/Y, Alt-B/F); ui.c decides which
 * key is which op, so this file knows nothing about terminals and is
 * tested on its own. */
#include "ui/input.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wctype.h>

#include "ui/textwidth.h"
#include "ui/xalloc.h"

struct input_candidates {
    char **items;
    size_t n, cap;
};

struct completion {
    bool active;
    size_t word_start; /* where the replaced word begins */
    size_t shown_len;  /* bytes of the candidate currently inserted */
    struct input_candidates cand;
    size_t idx;
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
    for (size_t i = 0; i < c->n; i++)
        free(c->items[i]);
    free(c->items);
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

void input_candidates_add(struct input_candidates *c, const char *candidate)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        char **items = realloc(c->items, cap * sizeof *items);
        if (!items)
            return;
        c->items = items;
        c->cap = cap;
    }
    c->items[c->n++] = xalloc_strndup(candidate, strlen(candidate));
}

static int cmp_candidate(const void *a, const void *b)
{
    return strcasecmp(*(char *const *)a, *(char *const *)b);
}

/* Keep the candidates that start with prefix; sort; drop duplicates. */
static void candidates_filter(struct input_candidates *c, const char *prefix, size_t plen)
{
    size_t k = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (strncasecmp(c->items[i], prefix, plen) == 0)
            c->items[k++] = c->items[i];
        else
            free(c->items[i]);
    }
    c->n = k;
    if (c->n)
        qsort(c->items, c->n, sizeof *c->items, cmp_candidate);
    k = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (k > 0 && strcmp(c->items[k - 1], c->items[i]) == 0)
            free(c->items[i]);
        else
            c->items[k++] = c->items[i];
    }
    c->n = k;
}

static int word_index_at(const char *line, size_t pos)
{
    int idx = 0;
    for (size_t i = 0; i < pos; i++)
        if (line[i] == ' ' && i + 1 <= pos && (i + 1 == pos || line[i + 1] != ' '))
            idx++;
    return idx;
}

static void show_candidate(struct input *in)
{
    struct completion *cp = &in->comp;
    cut(in, cp->word_start, cp->word_start + cp->shown_len, false);
    const char *cand = cp->cand.items[cp->idx];
    insert_raw(in, cand, strlen(cand));
    cp->shown_len = strlen(cand);
    /* A single match is final: add the space the next word needs. */
    if (cp->cand.n == 1 && (in->cursor == in->len || in->buf[in->cursor] != ' ')) {
        insert_raw(in, " ", 1);
        cp->shown_len++;
    }
}

bool input_complete(struct input *in, input_completer fn, void *ud)
{
    struct completion *cp = &in->comp;
    if (cp->active && cp->cand.n > 1) {
        cp->idx = (cp->idx + 1) % cp->cand.n;
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
    cp->idx = 0;
    show_candidate(in);
    return true;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xmlpretty.c - the XML console's pretty-printer.
 *
 * A stanza arrives as one line of serialised XML, which is hard to read
 * in a chat pane. This turns it into one element per line, indented two
 * spaces per level, with an element that holds only text kept on one
 * line (<body>hi</body>), the way a person would write it down.
 *
 * It works on the raw text with a small lexer of its own, not Mini-XML:
 * the console must show exactly what went over the wire, including a
 * stream header that is never closed, and it must survive anything a
 * server or a /raw typo can produce. So it makes two passes: the first
 * only checks that the text is simple XML (tags, text, comments,
 * processing instructions and CDATA; quotes may hold '>'; end tags match;
 * no control characters); only then does the second print. Anything else
 * is shown raw, split at newlines, with control characters as '?'. A
 * stream header alone (never closed) and a lone </stream:stream> count as
 * simple XML. Lines and text nodes are cut at a fixed size with a note of
 * what was left out, so a 1 MB avatar does not flood the console; the
 * full text is in --xml-log. Nothing is allocated. */
#include "ui/xmlpretty.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define STACK_NAMES 64 /* end tags deeper than this are not matched */

enum tok {
    TOK_END,
    TOK_BAD,
    TOK_TEXT,
    TOK_CDATA,
    TOK_OPEN,
    TOK_EMPTY,
    TOK_CLOSE,
    TOK_PI,
    TOK_COMMENT
};

struct lexer {
    const char *s;
    size_t len, pos;
};

struct token {
    size_t start, len;     /* the whole token */
    size_t name, name_len; /* element name, for OPEN, EMPTY and CLOSE */
};

/* ---- lexer ---- */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_name_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80;
}

static bool is_name_char(unsigned char c)
{
    return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static bool starts(const struct lexer *lx, size_t at, const char *what)
{
    size_t n = strlen(what);
    return at + n <= lx->len && memcmp(lx->s + at, what, n) == 0;
}

/* Offset just past the first `end` at or after from, or 0 if none. */
static size_t find_end(const struct lexer *lx, size_t from, const char *end)
{
    for (size_t i = from; i < lx->len; i++)
        if (starts(lx, i, end))
            return i + strlen(end);
    return 0;
}

static size_t scan_name(const struct lexer *lx, size_t i, struct token *t)
{
    t->name = i;
    while (i < lx->len && is_name_char((unsigned char)lx->s[i]))
        i++;
    t->name_len = i - t->name;
    return i;
}

/* <name attributes> or <name attributes/>: quotes may hold '>' and '/'. */
static enum tok scan_start_tag(struct lexer *lx, struct token *t)
{
    size_t i = scan_name(lx, lx->pos + 1, t);
    char quote = 0;
    for (; i < lx->len; i++) {
        char c = lx->s[i];
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '<') {
            return TOK_BAD;
        } else if (c == '>') {
            lx->pos = i + 1;
            return lx->s[i - 1] == '/' ? TOK_EMPTY : TOK_OPEN;
        }
    }
    return TOK_BAD;
}

static enum tok scan_end_tag(struct lexer *lx, struct token *t)
{
    size_t i = lx->pos + 2;
    if (i >= lx->len || !is_name_start((unsigned char)lx->s[i]))
        return TOK_BAD;
    i = scan_name(lx, i, t);
    while (i < lx->len && is_space(lx->s[i]))
        i++;
    if (i >= lx->len || lx->s[i] != '>')
        return TOK_BAD;
    lx->pos = i + 1;
    return TOK_CLOSE;
}

/* Something delimited by fixed strings: comment, PI, CDATA. */
static enum tok scan_until(struct lexer *lx, size_t skip, const char *end, enum tok kind)
{
    size_t e = find_end(lx, lx->pos + skip, end);
    if (!e)
        return TOK_BAD;
    lx->pos = e;
    return kind;
}

static enum tok scan_markup(struct lexer *lx, struct token *t)
{
    if (starts(lx, lx->pos, "</"))
        return scan_end_tag(lx, t);
    if (starts(lx, lx->pos, "<?"))
        return scan_until(lx, 2, "?>", TOK_PI);
    if (starts(lx, lx->pos, "<!--"))
        return scan_until(lx, 4, "-->", TOK_COMMENT);
    if (starts(lx, lx->pos, "<![CDATA["))
        return scan_until(lx, 9, "]]>", TOK_CDATA);
    if (lx->pos + 1 < lx->len && is_name_start((unsigned char)lx->s[lx->pos + 1]))
        return scan_start_tag(lx, t);
    return TOK_BAD; /* "< ", "<1", "<!DOCTYPE", a '<' at the very end */
}

static enum tok next_token(struct lexer *lx, struct token *t)
{
    memset(t, 0, sizeof *t);
    t->start = lx->pos;
    if (lx->pos >= lx->len)
        return TOK_END;
    enum tok k;
    if (lx->s[lx->pos] == '<') {
        k = scan_markup(lx, t);
    } else {
        while (lx->pos < lx->len && lx->s[lx->pos] != '<')
            lx->pos++;
        k = TOK_TEXT;
    }
    t->len = lx->pos - t->start;
    return k;
}

/* ---- pass 1: is it simple XML? ---- */

static bool has_control(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
            return true;
    }
    return false;
}

static bool simple_xml(const char *s, size_t len)
{
    struct lexer lx = {s, len, 0};
    struct token t, stack[STACK_NAMES];
    size_t depth = 0;
    if (has_control(s, len))
        return false;
    for (;;) {
        enum tok k = next_token(&lx, &t);
        if (k == TOK_END)
            return true;
        if (k == TOK_BAD)
            return false;
        if (k == TOK_OPEN) {
            if (depth < STACK_NAMES)
                stack[depth] = t;
            depth++;
        } else if (k == TOK_CLOSE && depth > 0) {
            /* An end tag with nothing open is a stream's end: fine. */
            depth--;
            if (depth < STACK_NAMES && (stack[depth].name_len != t.name_len ||
                                        memcmp(s + stack[depth].name, s + t.name, t.name_len)))
                return false;
        }
    }
}

/* ---- output lines ---- */

struct out {
    xmlpretty_fn fn;
    void *ud;
    char buf[XMLPRETTY_MAX_LINE + 64]; /* room for the note on a cut line */
    size_t len, dropped;
    unsigned lines;
    bool stopped;
};

static void put_byte(struct out *o, char c)
{
    if (o->len < XMLPRETTY_MAX_LINE)
        o->buf[o->len++] = c;
    else
        o->dropped++;
}

static void put(struct out *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put_byte(o, s[i]);
}

static void begin(struct out *o, size_t depth)
{
    size_t levels = depth < XMLPRETTY_MAX_INDENT ? depth : XMLPRETTY_MAX_INDENT;
    o->len = o->dropped = 0;
    for (size_t i = 0; i < levels * 2; i++)
        put_byte(o, ' ');
}

/* Never leave half a UTF-8 sequence at the end of a cut line. */
static void drop_partial_char(struct out *o)
{
    size_t k = o->len;
    while (k > 0 && ((unsigned char)o->buf[k - 1] & 0xC0) == 0x80)
        k--;
    if (k == 0)
        return;
    unsigned char lead = (unsigned char)o->buf[k - 1];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (o->len - (k - 1) < need) {
        o->dropped += o->len - (k - 1);
        o->len = k - 1;
    }
}

static void flush(struct out *o)
{
    if (o->stopped)
        return;
    if (o->dropped) {
        drop_partial_char(o);
        int n = snprintf(o->buf + o->len, sizeof o->buf - o->len, "\xe2\x80\xa6 (%zu bytes more)",
                         o->dropped);
        if (n > 0 && (size_t)n < sizeof o->buf - o->len)
            o->len += (size_t)n;
    }
    o->buf[o->len] = '\0';
    o->lines++;
    if (o->fn(o->ud, o->buf, o->len) != 0)
        o->stopped = true;
}

/* Markup: whitespace runs become one space, so a tag is one line. */
static void put_tag(struct out *o, const char *s, size_t n)
{
    char quote = 0;
    bool space = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (is_space(c) && !quote) {
            space = true;
            continue;
        }
        if (space)
            put_byte(o, ' ');
        space = false;
        if (quote && c == quote)
            quote = 0;
        else if (!quote && (c == '"' || c == '\''))
            quote = c;
        put_byte(o, is_space(c) ? ' ' : c);
    }
}

/* Text as it is (its newlines too), cut after XMLPRETTY_MAX_TEXT bytes. */
static void put_text(struct out *o, const char *s, size_t n)
{
    size_t keep = n;
    if (keep > XMLPRETTY_MAX_TEXT) {
        keep = XMLPRETTY_MAX_TEXT;
        while (keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80)
            keep--;
    }
    for (size_t i = 0; i < keep; i++)
        put_byte(o, s[i] == '\t' || s[i] == '\r' ? ' ' : s[i]);
    if (keep < n) {
        char note[64];
        int k = snprintf(note, sizeof note, "\xe2\x80\xa6 (%zu bytes more)", n - keep);
        put(o, note, k > 0 ? (size_t)k : 0);
    }
}

static void line_tag(struct out *o, size_t depth, const char *s, size_t n)
{
    begin(o, depth);
    put_tag(o, s, n);
    flush(o);
}

/* ---- pass 2: print ---- */

/* An element holding only text (or nothing) goes on one line. */
static bool inline_element(struct out *o, struct lexer *lx, const struct token *open, size_t depth)
{
    struct lexer peek = *lx;
    struct token t;
    enum tok k;
    do
        k = next_token(&peek, &t);
    while (k == TOK_TEXT || k == TOK_CDATA);
    if (k != TOK_CLOSE)
        return false;
    begin(o, depth);
    put_tag(o, lx->s + open->start, open->len);
    put_text(o, lx->s + lx->pos, t.start - lx->pos);
    put_tag(o, lx->s + t.start, t.len);
    flush(o);
    *lx = peek;
    return true;
}

/* Text between elements: trimmed, on its own line; blank text goes. */
static void line_text(struct out *o, size_t depth, const char *s, size_t n)
{
    while (n > 0 && is_space(*s)) {
        s++;
        n--;
    }
    while (n > 0 && is_space(s[n - 1]))
        n--;
    if (n == 0)
        return;
    begin(o, depth);
    put_text(o, s, n);
    flush(o);
}

static void emit_pretty(struct out *o, const char *s, size_t len)
{
    struct lexer lx = {s, len, 0};
    struct token t;
    size_t depth = 0;
    enum tok k;
    while (!o->stopped && (k = next_token(&lx, &t)) != TOK_END && k != TOK_BAD) {
        if (k == TOK_OPEN) {
            if (!inline_element(o, &lx, &t, depth))
                line_tag(o, depth++, s + t.start, t.len);
        } else if (k == TOK_CLOSE) {
            if (depth > 0)
                depth--;
            line_tag(o, depth, s + t.start, t.len);
        } else if (k == TOK_TEXT || k == TOK_CDATA) {
            line_text(o, depth, s + t.start, t.len);
        } else {
            line_tag(o, depth, s + t.start, t.len); /* empty element, PI, comment */
        }
    }
}

/* The raw text, one line per line, control characters shown as '?'. */
static void emit_raw(struct out *o, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && !o->stopped) {
        size_t e = i;
        while (e < len && s[e] != '\n')
            e++;
        begin(o, 0);
        for (size_t j = i; j < e; j++) {
            unsigned char c = (unsigned char)s[j];
            bool blank = c == '\t' || c == '\r';
            put_byte(o, blank ? ' ' : (c < 0x20 || c == 0x7f) ? '?' : (char)c);
        }
        flush(o);
        i = e + 1;
    }
}

enum xmlpretty_result xmlpretty(const char *text, size_t len, xmlpretty_fn fn, void *ud)
{
    struct out o = {.fn = fn, .ud = ud};
    if (!text)
        return XMLPRETTY_RAW;
    if (simple_xml(text, len)) {
        emit_pretty(&o, text, len);
        if (o.lines > 0)
            return XMLPRETTY_PRETTY;
    }
    emit_raw(&o, text, len);
    return XMLPRETTY_RAW;
}

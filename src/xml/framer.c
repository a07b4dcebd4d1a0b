/* SPDX-License-Identifier: GPL-3.0-or-later */
/* framer.c - incremental XMPP stanza framer.
 *
 * An XMPP stream is one long XML document: <stream:stream> opens it, each
 * direct child is a stanza, and </stream:stream> closes it (RFC 6120 §4).
 * Mini-XML can only parse complete documents, so this module cuts the bytes
 * from the socket into the stream header and complete depth-1 elements, and
 * rejects what RFC 6120 §11 forbids before any parser sees it.
 *
 * It is a byte-level state machine kept across feeds. Each byte is examined
 * once (only a UTF-8 sequence split between chunks is looked at again, at
 * most 3 bytes), so a 1 MiB stanza fed one byte at a time costs the same as
 * one fed at once. Runs of ordinary bytes are skipped with a class table.
 * Positions inside the current item are kept relative to its first byte, so
 * compacting the buffer only has to move start, pos and len.
 */
#include "xml/framer.h"
#include "xml/stanza.h"
#include "xml/utf8.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_STANZA ((size_t)1 << 20)
#define DEFAULT_MAX_DEPTH 64
#define DEFAULT_MAX_ATTRS 64
#define INITIAL_CAP 16384
#define SHRINK_ABOVE (256 * 1024) /* make_room */

#define NWF "not-well-formed"
#define RESTRICTED "restricted-xml"
#define POLICY "policy-violation"

/* Byte classes. Bytes >= 0x80 belong to no class: they go through the
 * UTF-8 check. Control characters other than TAB, LF and CR belong to no
 * class either: XML 1.0 §2.2 does not allow them anywhere. */
enum {
    C_TEXT = 1,   /* plain character data (not < & ] >) */
    C_ATTR = 2,   /* plain attribute value byte (not < & " ') */
    C_NAME = 4,   /* ASCII name character */
    C_START = 8,  /* ASCII name start character */
    C_WS = 16,    /* XML white space */
    C_CDATA = 32, /* plain CDATA byte (not ] >) */
};

#define PLAIN(c) ((c) == 9 || (c) == 10 || (c) == 13 || ((c) >= 0x20 && (c) < 0x80))
#define ALPHA(c) (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z'))
#define DIGIT(c) ((c) >= '0' && (c) <= '9')
#define CLS(c)                                                                                     \
    ((PLAIN(c) && (c) != '<' && (c) != '&' && (c) != ']' && (c) != '>' ? C_TEXT : 0) |             \
     (PLAIN(c) && (c) != '<' && (c) != '&' && (c) != '"' && (c) != '\'' ? C_ATTR : 0) |            \
     (ALPHA(c) || DIGIT(c) || (c) == '_' || (c) == ':' || (c) == '-' || (c) == '.' ? C_NAME : 0) | \
     (ALPHA(c) || (c) == '_' || (c) == ':' ? C_START : 0) |                                        \
     ((c) == 9 || (c) == 10 || (c) == 13 || (c) == 32 ? C_WS : 0) |                                \
     (PLAIN(c) && (c) != ']' && (c) != '>' ? C_CDATA : 0))
#define R4(b) CLS(b), CLS(b + 1), CLS(b + 2), CLS(b + 3)
#define R16(b) R4(b), R4(b + 4), R4(b + 8), R4(b + 12)

static const unsigned char cls[256] = {
    R16(0),   R16(16),  R16(32),  R16(48),  R16(64),  R16(80),  R16(96),  R16(112),
    R16(128), R16(144), R16(160), R16(176), R16(192), R16(208), R16(224), R16(240),
};

enum phase { P_PROLOG, P_STREAM, P_ENDED, P_ERROR };

enum state {
    S_MISC,        /* between items: white space only */
    S_LT,          /* after < */
    S_DECL_TARGET, /* <? then "xml" */
    S_DECL_BODY,   /* inside <?xml ... */
    S_DECL_Q,      /* after ? inside the declaration */
    S_BANG,        /* after <! */
    S_CDATA_OPEN,  /* <![ then "CDATA[" */
    S_CDATA,       /* CDATA section content */
    S_STAG_NAME,   /* element name of a start tag */
    S_STAG_WS,     /* white space inside a start tag */
    S_ATTR_NAME,   /* attribute name */
    S_ATTR_EQ,     /* before = */
    S_ATTR_QUOTE,  /* before the opening quote */
    S_ATTR_VAL,    /* attribute value */
    S_STAG_AFTER,  /* after an attribute value's closing quote */
    S_EMPTY_SLASH, /* after / in a start tag */
    S_ETAG_START,  /* after </ */
    S_ETAG_NAME,   /* end tag name, compared with the open element */
    S_ETAG_WS,     /* white space before > of an end tag */
    S_CONTENT,     /* character data inside a stanza */
    S_REF,         /* after & */
    S_ENT_NAME,    /* named entity reference */
    S_CHARREF,     /* after &# */
    S_CHARREF_DEC, /* decimal digits */
    S_CHARREF_HEX, /* hexadecimal digits */
};

struct span {
    size_t off, len; /* relative to the start of the current item */
};

struct attr {
    struct span name, value;
};

struct framer {
    struct framer_limits lim;
    char *buf;
    size_t cap, len;
    size_t start;  /* first byte of the current item */
    size_t pos;    /* next byte to scan */
    uint64_t base; /* stream offset of buf[0], for error messages */

    enum phase phase;
    enum state state;
    bool decl_allowed; /* nothing seen yet in this stream */
    bool stall;        /* a UTF-8 sequence is split: wait for more */

    int depth;          /* open elements inside the current stanza */
    struct span *open;  /* their names, max_depth entries */
    struct span tag;    /* name of the tag being scanned */
    struct attr *attrs; /* attributes of that tag, max_attrs entries */
    int nattrs;

    size_t k; /* progress through a literal or an end tag name */
    int rb;   /* consecutive ']' seen, for "]]>" */
    unsigned char quote;
    enum state ret; /* where a reference returns to */
    char ent[8];    /* entity name, if short enough to be one of ours */
    size_t entlen;
    uint32_t cref; /* character reference value, saturated */
    int ndigits;

    char stream_name[64]; /* qualified name of the stream element */
    size_t stream_name_len;

    enum framer_event ev;
    size_t ev_off, ev_len;
    /* The byte that the NUL after the last event's text replaced. */
    bool terminated;
    char under_nul;
    const char *cond;
    char errtext[160];
};

/* --- errors and events --- */

static size_t fail(struct framer *f, size_t p, const char *cond, const char *why)
{
    f->ev = FRAMER_ERROR;
    f->phase = P_ERROR;
    f->cond = cond;
    snprintf(f->errtext, sizeof f->errtext, "%s at byte %llu", why,
             (unsigned long long)(f->base + p));
    return p;
}

/* The item ends with the byte at p; the next one starts after it. */
static size_t emit(struct framer *f, size_t p, enum framer_event ev)
{
    f->ev = ev;
    f->ev_off = f->start;
    f->ev_len = p + 1 - f->start;
    f->start = p + 1;
    f->state = S_MISC;
    return p + 1;
}

static size_t bad_byte(struct framer *f, size_t p, const char *why)
{
    unsigned char c = (unsigned char)f->buf[p];
    if (c < 0x20 && !(cls[c] & C_WS))
        return fail(f, p, NWF, c ? "control character" : "NUL byte");
    return fail(f, p, NWF, why);
}

/* --- characters --- */

static size_t take_utf8(struct framer *f, size_t p, size_t end)
{
    int n = utf8_char_len((const unsigned char *)f->buf + p, end - p);
    if (n > 0)
        return p + (size_t)n;
    if (n < 0) {
        f->stall = true;
        return p;
    }
    return fail(f, p, NWF, "invalid UTF-8");
}

static bool xml_char(uint32_t c)
{
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
           (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

static size_t skip_ws(const char *buf, size_t p, size_t end)
{
    while (p < end && (cls[(unsigned char)buf[p]] & C_WS))
        p++;
    return p;
}

/* Skip name characters, ASCII or UTF-8. Returns the first byte after the
 * name, or stops early with f->stall or an error set. */
static size_t skip_name(struct framer *f, size_t p, size_t end)
{
    while (p < end) {
        unsigned char c = (unsigned char)f->buf[p];
        if (cls[c] & C_NAME) {
            p++;
        } else if (c >= 0x80) {
            size_t q = take_utf8(f, p, end);
            if (q == p)
                return p;
            p = q;
        } else {
            break;
        }
    }
    return p;
}

static bool name_start(unsigned char c)
{
    return (cls[c] & C_START) || c >= 0x80;
}

/* --- between items, and after < --- */

static size_t st_misc(struct framer *f, size_t p, size_t end)
{
    size_t q = skip_ws(f->buf, p, end);
    if (q > p)
        f->decl_allowed = false;
    f->start = q;
    if (q == end)
        return q;
    if (f->phase == P_ENDED)
        return bad_byte(f, q, "data after </stream:stream>");
    if (f->buf[q] == '<') {
        f->state = S_LT;
        return q + 1;
    }
    if (f->phase == P_PROLOG)
        return bad_byte(f, q, "text before the stream header");
    if ((unsigned char)f->buf[q] < 0x20)
        return bad_byte(f, q, "");
    /* Only white space may sit between stanzas (RFC 6120 §11.7). */
    return fail(f, q, "bad-format", "text between stanzas");
}

static size_t st_lt(struct framer *f, size_t p, size_t end)
{
    unsigned char c = (unsigned char)f->buf[p];

    if (name_start(c)) {
        if (f->phase == P_STREAM && f->depth >= f->lim.max_depth)
            return fail(f, p, POLICY, "elements nested too deep");
        f->tag.off = p - f->start;
        f->nattrs = 0;
        f->state = S_STAG_NAME;
        return p;
    }
    switch (c) {
    case '/':
        if (f->phase == P_PROLOG)
            return fail(f, p, NWF, "end tag before the stream header");
        f->state = S_ETAG_START;
        return p + 1;
    case '!':
        f->state = S_BANG;
        return p + 1;
    case '?':
        /* RFC 6120 §11.1: no processing instructions. The XML declaration
         * (§11.5) may only open the stream. */
        if (f->phase != P_PROLOG || !f->decl_allowed)
            return fail(f, p, RESTRICTED, "processing instruction");
        f->k = 0;
        f->state = S_DECL_TARGET;
        return p + 1;
    default:
        return bad_byte(f, p, "bad character after <");
    }
}

/* --- the XML declaration --- */

static size_t st_decl_target(struct framer *f, size_t p, size_t end)
{
    unsigned char c = (unsigned char)f->buf[p];

    if (f->k < 3) {
        if (c != "xml"[f->k])
            return fail(f, p, RESTRICTED, "processing instruction");
        f->k++;
        return p + 1;
    }
    if (!(cls[c] & C_WS))
        return fail(f, p, RESTRICTED, "processing instruction");
    f->state = S_DECL_BODY;
    return p + 1;
}

static size_t st_decl_body(struct framer *f, size_t p, size_t end)
{
    while (p < end) {
        unsigned char c = (unsigned char)f->buf[p];
        if (c == '?') {
            f->state = S_DECL_Q;
            return p + 1;
        }
        if (c >= 0x80) {
            size_t q = take_utf8(f, p, end);
            if (q == p)
                return p;
            p = q;
        } else if (cls[c] & C_ATTR || c == '"' || c == '\'') {
            p++;
        } else {
            return bad_byte(f, p, "bad character in the XML declaration");
        }
    }
    return p;
}

static size_t st_decl_q(struct framer *f, size_t p, size_t end)
{
    char c = f->buf[p];

    if (c == '>') {
        f->decl_allowed = false;
        f->start = p + 1;
        f->state = S_MISC;
        return p + 1;
    }
    if (c == '?')
        return p + 1;
    f->state = S_DECL_BODY;
    return p;
}

/* --- <! : CDATA is allowed, comments and DTDs are not --- */

static size_t st_bang(struct framer *f, size_t p, size_t end)
{
    char c = f->buf[p];

    if (c == '[') {
        if (f->phase == P_STREAM && f->depth == 0)
            return fail(f, p, "bad-format", "CDATA between stanzas");
        if (f->depth == 0)
            return fail(f, p, NWF, "CDATA outside an element");
        f->k = 0;
        f->state = S_CDATA_OPEN;
        return p + 1;
    }
    /* RFC 6120 §11.1: no comments, no DTD (<!DOCTYPE, <!ENTITY...). */
    if (c == '-')
        return fail(f, p, RESTRICTED, "comment");
    if (c >= 'A' && c <= 'Z')
        return fail(f, p, RESTRICTED, "document type declaration");
    return bad_byte(f, p, "bad character after <!");
}

static size_t st_cdata_open(struct framer *f, size_t p, size_t end)
{
    static const char lit[] = "CDATA[";

    if (f->buf[p] != lit[f->k])
        return bad_byte(f, p, "bad CDATA section");
    if (++f->k == sizeof lit - 1) {
        f->rb = 0;
        f->state = S_CDATA;
    }
    return p + 1;
}

static size_t st_cdata(struct framer *f, size_t p, size_t end)
{
    for (;;) {
        size_t q = p;
        while (p < end && (cls[(unsigned char)f->buf[p]] & C_CDATA))
            p++;
        if (p > q)
            f->rb = 0;
        if (p == end)
            return p;
        unsigned char c = (unsigned char)f->buf[p];
        if (c == ']') {
            f->rb = f->rb < 2 ? f->rb + 1 : 2;
            p++;
        } else if (c == '>') {
            p++;
            if (f->rb >= 2) {
                f->rb = 0;
                f->state = S_CONTENT;
                return p;
            }
            f->rb = 0;
        } else if (c >= 0x80) {
            f->rb = 0;
            q = take_utf8(f, p, end);
            if (q == p)
                return p;
            p = q;
        } else {
            return bad_byte(f, p, "");
        }
    }
}

/* --- start tags and attributes --- */

static size_t header_end(struct framer *f, size_t p);

static size_t start_tag_end(struct framer *f, size_t p)
{
    if (f->phase == P_PROLOG)
        return header_end(f, p);
    f->open[f->depth++] = f->tag;
    f->rb = 0;
    f->state = S_CONTENT;
    return p + 1;
}

static size_t empty_tag_end(struct framer *f, size_t p)
{
    if (f->phase == P_PROLOG)
        return fail(f, p, "bad-format", "self-closing stream header");
    if (f->depth == 0)
        return emit(f, p, FRAMER_STANZA);
    f->rb = 0;
    f->state = S_CONTENT;
    return p + 1;
}

/* What may follow a name or attribute value inside a start tag. */
static size_t tag_punct(struct framer *f, size_t p, const char *why)
{
    switch (f->buf[p]) {
    case '>':
        return start_tag_end(f, p);
    case '/':
        f->state = S_EMPTY_SLASH;
        return p + 1;
    case ' ':
    case '\t':
    case '\n':
    case '\r':
        f->state = S_STAG_WS;
        return p + 1;
    default:
        return bad_byte(f, p, why);
    }
}

static size_t st_stag_name(struct framer *f, size_t p, size_t end)
{
    p = skip_name(f, p, end);
    if (p == end || f->ev != FRAMER_NEED_MORE || f->stall)
        return p;
    f->tag.len = p - f->start - f->tag.off;
    return tag_punct(f, p, "bad character in element name");
}

static size_t st_stag_ws(struct framer *f, size_t p, size_t end)
{
    p = skip_ws(f->buf, p, end);
    if (p == end)
        return p;
    if (!name_start((unsigned char)f->buf[p]))
        return tag_punct(f, p, "bad attribute name");
    if (f->nattrs >= f->lim.max_attrs)
        return fail(f, p, POLICY, "too many attributes");
    f->attrs[f->nattrs].name.off = p - f->start;
    f->state = S_ATTR_NAME;
    return p;
}

/* XML 1.0 §3.1, Unique Att Spec. At most max_attrs short comparisons. */
static bool duplicate_attr(const struct framer *f)
{
    const char *item = f->buf + f->start;
    const struct span *n = &f->attrs[f->nattrs].name;

    for (int i = 0; i < f->nattrs; i++) {
        const struct span *o = &f->attrs[i].name;
        if (o->len == n->len && memcmp(item + o->off, item + n->off, n->len) == 0)
            return true;
    }
    return false;
}

static size_t st_attr_name(struct framer *f, size_t p, size_t end)
{
    struct span *name = &f->attrs[f->nattrs].name;

    p = skip_name(f, p, end);
    if (p == end || f->ev != FRAMER_NEED_MORE || f->stall)
        return p;
    name->len = p - f->start - name->off;
    if (duplicate_attr(f))
        return fail(f, p, NWF, "duplicate attribute");
    f->nattrs++;
    f->state = S_ATTR_EQ;
    return p;
}

static size_t st_attr_eq(struct framer *f, size_t p, size_t end)
{
    p = skip_ws(f->buf, p, end);
    if (p == end)
        return p;
    if (f->buf[p] != '=')
        return bad_byte(f, p, "expected = after attribute name");
    f->state = S_ATTR_QUOTE;
    return p + 1;
}

static size_t st_attr_quote(struct framer *f, size_t p, size_t end)
{
    p = skip_ws(f->buf, p, end);
    if (p == end)
        return p;
    if (f->buf[p] != '"' && f->buf[p] != '\'')
        return bad_byte(f, p, "unquoted attribute value");
    f->quote = (unsigned char)f->buf[p];
    f->attrs[f->nattrs - 1].value.off = p + 1 - f->start;
    f->state = S_ATTR_VAL;
    return p + 1;
}

static size_t st_attr_val(struct framer *f, size_t p, size_t end)
{
    for (;;) {
        while (p < end && (cls[(unsigned char)f->buf[p]] & C_ATTR))
            p++;
        if (p == end)
            return p;
        unsigned char c = (unsigned char)f->buf[p];
        if (c == f->quote) {
            struct span *v = &f->attrs[f->nattrs - 1].value;
            v->len = p - f->start - v->off;
            f->state = S_STAG_AFTER;
            return p + 1;
        } else if (c == '"' || c == '\'') {
            p++;
        } else if (c == '&') {
            f->ret = S_ATTR_VAL;
            f->state = S_REF;
            return p + 1;
        } else if (c == '<') {
            return fail(f, p, NWF, "< in attribute value");
        } else if (c >= 0x80) {
            size_t q = take_utf8(f, p, end);
            if (q == p)
                return p;
            p = q;
        } else {
            return bad_byte(f, p, "");
        }
    }
}

static size_t st_stag_after(struct framer *f, size_t p, size_t end)
{
    return tag_punct(f, p, "expected white space, > or /> after attribute value");
}

static size_t st_empty_slash(struct framer *f, size_t p, size_t end)
{
    if (f->buf[p] != '>')
        return bad_byte(f, p, "expected > after /");
    return empty_tag_end(f, p);
}

/* --- the stream header --- */

static bool span_is(const struct framer *f, const struct span *s, const char *lit, size_t n)
{
    return s->len == n && memcmp(f->buf + f->start + s->off, lit, n) == 0;
}

/* The stream element must be "stream" in the streams namespace, bound to
 * its prefix (RFC 6120 §4.9.3.10 invalid-namespace). The value is compared
 * raw: nobody spells that namespace with character references. */
static bool header_ns_ok(const struct framer *f, const char *name, size_t len)
{
    const char *colon = memchr(name, ':', len);
    char want[80];
    size_t plen = colon ? (size_t)(colon - name) : 0;
    int n = colon ? snprintf(want, sizeof want, "xmlns:%.*s", (int)plen, name)
                  : snprintf(want, sizeof want, "xmlns");

    if (n < 0 || (size_t)n >= sizeof want)
        return false;
    for (int i = 0; i < f->nattrs; i++) {
        if (span_is(f, &f->attrs[i].name, want, (size_t)n))
            return span_is(f, &f->attrs[i].value, NS_STREAM, strlen(NS_STREAM));
    }
    return false;
}

static size_t header_end(struct framer *f, size_t p)
{
    const char *name = f->buf + f->start + f->tag.off;
    size_t len = f->tag.len;
    const char *colon = memchr(name, ':', len);
    const char *local = colon ? colon + 1 : name;

    if (len >= sizeof f->stream_name)
        return fail(f, p, "bad-format", "stream element name too long");
    if (name + len - local != 6 || memcmp(local, "stream", 6) != 0)
        return fail(f, p, "bad-format", "first element is not a stream header");
    if (!header_ns_ok(f, name, len))
        return fail(f, p, "invalid-namespace", "stream namespace not declared");
    memcpy(f->stream_name, name, len);
    f->stream_name_len = len;
    f->phase = P_STREAM;
    f->decl_allowed = false;
    return emit(f, p, FRAMER_HEADER);
}

/* --- end tags --- */

static void expected_name(const struct framer *f, const char **name, size_t *len)
{
    if (f->depth > 0) {
        const struct span *s = &f->open[f->depth - 1];
        *name = f->buf + f->start + s->off;
        *len = s->len;
    } else {
        *name = f->stream_name;
        *len = f->stream_name_len;
    }
}

static size_t st_etag_start(struct framer *f, size_t p, size_t end)
{
    if (!name_start((unsigned char)f->buf[p]))
        return bad_byte(f, p, "bad end tag name");
    f->k = 0;
    f->state = S_ETAG_NAME;
    return p;
}

static size_t st_etag_name(struct framer *f, size_t p, size_t end)
{
    const char *want;
    size_t wlen;

    expected_name(f, &want, &wlen);
    while (p < end && f->k < wlen && f->buf[p] == want[f->k]) {
        p++;
        f->k++;
    }
    if (p == end)
        return p;
    if (f->k == wlen && (f->buf[p] == '>' || (cls[(unsigned char)f->buf[p]] & C_WS))) {
        f->state = S_ETAG_WS;
        return p;
    }
    return bad_byte(f, p, "mismatched end tag");
}

static size_t st_etag_ws(struct framer *f, size_t p, size_t end)
{
    p = skip_ws(f->buf, p, end);
    if (p == end)
        return p;
    if (f->buf[p] != '>')
        return bad_byte(f, p, "expected > in end tag");
    if (f->depth == 0) {
        f->phase = P_ENDED;
        return emit(f, p, FRAMER_STREAM_END);
    }
    if (--f->depth == 0)
        return emit(f, p, FRAMER_STANZA);
    f->rb = 0;
    f->state = S_CONTENT;
    return p + 1;
}

/* --- character data and references --- */

static size_t st_content(struct framer *f, size_t p, size_t end)
{
    for (;;) {
        size_t q = p;
        while (p < end && (cls[(unsigned char)f->buf[p]] & C_TEXT))
            p++;
        if (p > q)
            f->rb = 0;
        if (p == end)
            return p;
        unsigned char c = (unsigned char)f->buf[p];
        switch (c) {
        case '<':
            f->state = S_LT;
            return p + 1;
        case '&':
            f->ret = S_CONTENT;
            f->state = S_REF;
            return p + 1;
        case ']':
            f->rb = f->rb < 2 ? f->rb + 1 : 2;
            p++;
            break;
        case '>':
            /* XML 1.0 §2.4: "]]>" may not appear in character data. */
            if (f->rb >= 2)
                return fail(f, p, NWF, "]]> in character data");
            f->rb = 0;
            p++;
            break;
        default:
            if (c < 0x80)
                return bad_byte(f, p, "");
            f->rb = 0;
            q = take_utf8(f, p, end);
            if (q == p)
                return p;
            p = q;
        }
    }
}

static size_t ref_done(struct framer *f, size_t p)
{
    f->rb = 0;
    f->state = f->ret;
    return p + 1;
}

/* RFC 6120 §11.1: only the five predefined entities and character
 * references; anything else names an undeclared entity. */
static size_t st_ref(struct framer *f, size_t p, size_t end)
{
    unsigned char c = (unsigned char)f->buf[p];

    if (c == '#') {
        f->cref = 0;
        f->ndigits = 0;
        f->state = S_CHARREF;
        return p + 1;
    }
    if (cls[c] & C_START) {
        f->entlen = 0;
        f->state = S_ENT_NAME;
        return p;
    }
    if (c >= 0x80)
        return fail(f, p, RESTRICTED, "undeclared entity");
    return bad_byte(f, p, "bare & not starting a reference");
}

static bool known_entity(const char *name, size_t len)
{
    static const struct {
        char name[5];
        size_t len;
    } known[] = {{"lt", 2}, {"gt", 2}, {"amp", 3}, {"quot", 4}, {"apos", 4}};

    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (known[i].len == len && memcmp(known[i].name, name, len) == 0)
            return true;
    }
    return false;
}

static size_t st_ent_name(struct framer *f, size_t p, size_t end)
{
    while (p < end && (cls[(unsigned char)f->buf[p]] & C_NAME)) {
        if (f->entlen < sizeof f->ent)
            f->ent[f->entlen] = f->buf[p];
        f->entlen++;
        p++;
    }
    if (p == end)
        return p;
    if (f->buf[p] == ';') {
        if (f->entlen > sizeof f->ent || !known_entity(f->ent, f->entlen))
            return fail(f, p, RESTRICTED, "undeclared entity");
        return ref_done(f, p);
    }
    if ((unsigned char)f->buf[p] >= 0x80)
        return fail(f, p, RESTRICTED, "undeclared entity");
    return bad_byte(f, p, "unterminated entity reference");
}

static size_t st_charref(struct framer *f, size_t p, size_t end)
{
    if (f->buf[p] == 'x') {
        f->state = S_CHARREF_HEX;
        return p + 1;
    }
    if (DIGIT(f->buf[p])) {
        f->state = S_CHARREF_DEC;
        return p;
    }
    return bad_byte(f, p, "bad character reference");
}

static int digit_value(char c, bool hex)
{
    if (DIGIT(c))
        return c - '0';
    if (hex && c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (hex && c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* XML 1.0 §4.1 WFC Legal Character: &#0;, &#xD800; and friends are not
 * well-formed. The value saturates so that long digit strings are safe. */
static size_t st_charref_digits(struct framer *f, size_t p, size_t end)
{
    bool hex = f->state == S_CHARREF_HEX;
    uint32_t base = hex ? 16 : 10;

    for (; p < end; p++) {
        int d = digit_value(f->buf[p], hex);
        if (d < 0)
            break;
        f->cref = f->cref > 0x10FFFF ? f->cref : f->cref * base + (uint32_t)d;
        f->ndigits++;
    }
    if (p == end)
        return p;
    if (f->buf[p] != ';' || f->ndigits == 0)
        return bad_byte(f, p, "bad character reference");
    if (!xml_char(f->cref))
        return fail(f, p, NWF, "character reference to an invalid character");
    return ref_done(f, p);
}

/* --- driver --- */

typedef size_t (*state_fn)(struct framer *f, size_t p, size_t end);

static const state_fn handlers[] = {
    [S_MISC] = st_misc,
    [S_LT] = st_lt,
    [S_DECL_TARGET] = st_decl_target,
    [S_DECL_BODY] = st_decl_body,
    [S_DECL_Q] = st_decl_q,
    [S_BANG] = st_bang,
    [S_CDATA_OPEN] = st_cdata_open,
    [S_CDATA] = st_cdata,
    [S_STAG_NAME] = st_stag_name,
    [S_STAG_WS] = st_stag_ws,
    [S_ATTR_NAME] = st_attr_name,
    [S_ATTR_EQ] = st_attr_eq,
    [S_ATTR_QUOTE] = st_attr_quote,
    [S_ATTR_VAL] = st_attr_val,
    [S_STAG_AFTER] = st_stag_after,
    [S_EMPTY_SLASH] = st_empty_slash,
    [S_ETAG_START] = st_etag_start,
    [S_ETAG_NAME] = st_etag_name,
    [S_ETAG_WS] = st_etag_ws,
    [S_CONTENT] = st_content,
    [S_REF] = st_ref,
    [S_ENT_NAME] = st_ent_name,
    [S_CHARREF] = st_charref,
    [S_CHARREF_DEC] = st_charref_digits,
    [S_CHARREF_HEX] = st_charref_digits,
};

/* Never scan past the size limit of the current item. */
static size_t scan_end(const struct framer *f)
{
    size_t room = f->len - f->start;
    return room > f->lim.max_stanza ? f->start + f->lim.max_stanza : f->len;
}

static enum framer_event scan(struct framer *f)
{
    f->ev = FRAMER_NEED_MORE;
    f->stall = false;
    while (f->ev == FRAMER_NEED_MORE && !f->stall) {
        size_t end = scan_end(f);
        if (f->pos >= end)
            break;
        f->pos = handlers[f->state](f, f->pos, end);
    }
    /* Every buffered byte now belongs to the unfinished item. */
    if (f->ev == FRAMER_NEED_MORE && f->state != S_MISC && f->len - f->start > f->lim.max_stanza)
        fail(f, f->pos, POLICY, "stanza larger than the size limit");
    return f->ev;
}

/* --- public API --- */

struct framer *framer_new(const struct framer_limits *limits)
{
    struct framer *f = calloc(1, sizeof *f);

    if (!f)
        return NULL;
    f->lim.max_stanza = limits && limits->max_stanza ? limits->max_stanza : DEFAULT_MAX_STANZA;
    f->lim.max_depth = limits && limits->max_depth > 0 ? limits->max_depth : DEFAULT_MAX_DEPTH;
    f->lim.max_attrs = limits && limits->max_attrs > 0 ? limits->max_attrs : DEFAULT_MAX_ATTRS;
    f->open = calloc((size_t)f->lim.max_depth, sizeof *f->open);
    f->attrs = calloc((size_t)f->lim.max_attrs, sizeof *f->attrs);
    f->cap = INITIAL_CAP;
    f->buf = malloc(f->cap);
    if (!f->open || !f->attrs || !f->buf) {
        framer_free(f);
        return NULL;
    }
    framer_reset(f);
    return f;
}

void framer_free(struct framer *f)
{
    if (!f)
        return;
    free(f->buf);
    free(f->open);
    free(f->attrs);
    free(f);
}

void framer_reset(struct framer *f)
{
    f->terminated = false;
    f->len = f->start = f->pos = 0;
    f->phase = P_PROLOG;
    f->state = S_MISC;
    f->decl_allowed = true;
    f->stall = false;
    f->depth = 0;
    f->nattrs = 0;
    f->ev = FRAMER_NEED_MORE;
    f->cond = NULL;
    f->errtext[0] = '\0';
    f->base = 0;
}

/* Drop consumed bytes when they are at least half the buffer, or when the
 * buffer must grow anyway: each byte is moved O(1) times on average.
 * A buffer that one large stanza grew (a roster of 10,000 contacts is a
 * megabyte) goes back to a small one once that stanza is consumed, so the
 * megabyte is not kept for the session (docs/benchmarks.md, issue 12). */
static int make_room(struct framer *f, size_t n)
{
    size_t live = f->len - f->start;

    if (f->start > 0 && (f->start >= live || f->cap - f->len < n)) {
        memmove(f->buf, f->buf + f->start, live);
        f->pos -= f->start;
        f->base += f->start;
        f->start = 0;
        f->len = live;
        size_t want = 2 * (live + n + 1);
        if (f->cap > SHRINK_ABOVE && want <= f->cap / 8) {
            size_t cap = want > INITIAL_CAP ? want : INITIAL_CAP;
            char *buf = realloc(f->buf, cap);
            if (buf) {
                f->buf = buf;
                f->cap = cap;
            }
        }
    }
    n++; /* a spare byte for the NUL after an event's text */
    if (f->cap - f->len >= n)
        return 0;
    if (n > SIZE_MAX / 2 - f->len)
        return -1;
    size_t cap = f->cap * 2;
    if (cap < f->len + n)
        cap = f->len + n;
    char *buf = realloc(f->buf, cap);
    if (!buf)
        return -1;
    f->buf = buf;
    f->cap = cap;
    return 0;
}

/* The NUL that framer_next put after an event's text covers the first
 * unscanned byte: put that byte back before anything reads on. */
static void unterminate(struct framer *f)
{
    if (f->terminated)
        f->buf[f->ev_off + f->ev_len] = f->under_nul;
    f->terminated = false;
}

int framer_feed(struct framer *f, const char *data, size_t len)
{
    unterminate(f);
    if (f->phase == P_ERROR)
        return -1;
    if (len == 0)
        return 0;
    if (make_room(f, len) < 0) {
        fail(f, f->pos, "resource-constraint", "out of memory");
        return -1;
    }
    memcpy(f->buf + f->len, data, len);
    f->len += len;
    return 0;
}

enum framer_event framer_next(struct framer *f, const char **text, size_t *len)
{
    unterminate(f);
    enum framer_event ev = f->phase == P_ERROR ? FRAMER_ERROR : scan(f);
    bool has_text = ev == FRAMER_HEADER || ev == FRAMER_STANZA || ev == FRAMER_STREAM_END;

    /* make_room keeps a spare byte, so the text always has room for it. */
    if (has_text && f->ev_off + f->ev_len < f->cap) {
        f->under_nul = f->buf[f->ev_off + f->ev_len];
        f->buf[f->ev_off + f->ev_len] = '\0';
        f->terminated = true;
    }

    if (text)
        *text = has_text ? f->buf + f->ev_off : NULL;
    if (len)
        *len = has_text ? f->ev_len : 0;
    return ev;
}

const char *framer_error_condition(const struct framer *f)
{
    return f->phase == P_ERROR ? f->cond : NULL;
}

const char *framer_error_text(const struct framer *f)
{
    return f->phase == P_ERROR ? f->errtext : NULL;
}

size_t framer_buffer_size(const struct framer *f)
{
    return f->cap;
}

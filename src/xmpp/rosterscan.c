/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rosterscan.c - the roster result (RFC 6121 §2.1.4) read straight from
 * the framer's text, without a tree.
 *
 * A roster of 10,000 contacts is a 1 MB stanza. Mini-XML reads it a
 * character at a time and allocates for every node and attribute, which
 * made the first paint of such a roster miss its 50 ms target. Servers
 * send it in one plain shape: <iq type='result' id=...><query
 * xmlns='jabber:iq:roster'> holding <item/>s with attributes and
 * <group/> children. The framer has already checked every byte (well-formed,
 * references valid, no comments, PIs or DTD), so this reader only has to
 * recognise that shape. On anything else (namespace prefixes or
 * declarations, CDATA, other children, text, attribute values with
 * whitespace characters that XML would normalise) it gives up, and the
 * session parses the stanza the general way. The query's 'ver' attribute,
 * the roster version of RFC 6121 §2.6, is decoded like any other value. */
#include "xmpp/rosterscan.h"
#include "xml/stanza.h"
#include "xml/utf8.h"
#include "xmpp/ns.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ATTRS 16

struct span {
    const char *p;
    size_t len;
};

struct tag {
    struct span name;
    struct span attr_names[MAX_ATTRS], attr_values[MAX_ATTRS];
    size_t nattrs;
    bool empty; /* <name/> */
};

struct scan {
    const char *p, *end;
    char *buf; /* the current item's decoded values, NUL-separated */
    size_t len, cap;
};

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void skip_space(struct scan *s)
{
    while (s->p < s->end && is_space(*s->p))
        s->p++;
}

static bool span_is(struct span sp, const char *lit)
{
    return sp.len == strlen(lit) && memcmp(sp.p, lit, sp.len) == 0;
}

static bool looking_at(const struct scan *s, const char *lit)
{
    size_t n = strlen(lit);
    return (size_t)(s->end - s->p) >= n && memcmp(s->p, lit, n) == 0;
}

static bool read_name(struct scan *s, struct span *name)
{
    name->p = s->p;
    while (s->p < s->end && !is_space(*s->p) && *s->p != '/' && *s->p != '>' && *s->p != '=')
        s->p++;
    name->len = (size_t)(s->p - name->p);
    return name->len > 0;
}

/* At '<' of a start tag. Prefixed element names are refused. */
static bool read_start_tag(struct scan *s, struct tag *t)
{
    s->p++;
    if (!read_name(s, &t->name) || memchr(t->name.p, ':', t->name.len))
        return false;
    for (t->nattrs = 0;; t->nattrs++) {
        skip_space(s);
        if (s->p >= s->end)
            return false;
        if (*s->p == '>' || looking_at(s, "/>")) {
            t->empty = *s->p == '/';
            s->p += t->empty ? 2 : 1;
            return true;
        }
        if (t->nattrs == MAX_ATTRS || !read_name(s, &t->attr_names[t->nattrs]))
            return false;
        skip_space(s);
        if (s->p >= s->end || *s->p != '=')
            return false;
        s->p++;
        skip_space(s);
        if (s->p >= s->end || (*s->p != '\'' && *s->p != '"'))
            return false;
        const char *close = memchr(s->p + 1, *s->p, (size_t)(s->end - s->p - 1));
        if (!close)
            return false;
        t->attr_values[t->nattrs] = (struct span){s->p + 1, (size_t)(close - s->p - 1)};
        s->p = close + 1;
    }
}

/* </name> with optional space before '>'. */
static bool read_end_tag(struct scan *s, const char *name)
{
    struct span got;
    if (!looking_at(s, "</"))
        return false;
    s->p += 2;
    if (!read_name(s, &got) || !span_is(got, name))
        return false;
    skip_space(s);
    if (s->p >= s->end || *s->p != '>')
        return false;
    s->p++;
    return true;
}

static const struct span *attr(const struct tag *t, const char *name)
{
    for (size_t i = 0; i < t->nattrs; i++)
        if (span_is(t->attr_names[i], name))
            return &t->attr_values[i];
    return NULL;
}

/* Namespace declarations: a default one is accepted only with the value
 * the element would have anyway (ns, or none when ns is NULL). */
static bool namespaces_plain(const struct tag *t, const char *ns)
{
    for (size_t i = 0; i < t->nattrs; i++) {
        struct span n = t->attr_names[i];
        if (n.len >= 5 && memcmp(n.p, "xmlns", 5) == 0 &&
            (n.len > 5 || !ns || !span_is(t->attr_values[i], ns)))
            return false;
    }
    return true;
}

static bool put(struct scan *s, const char *bytes, size_t n)
{
    if (n == 0)
        return true; /* and buf may still be NULL */
    if (s->cap - s->len < n) {
        size_t cap = s->cap ? s->cap : 256;
        while (cap - s->len < n)
            cap *= 2;
        char *buf = realloc(s->buf, cap);
        if (!buf)
            return false;
        s->buf = buf;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, bytes, n);
    s->len += n;
    return true;
}

/* One reference at text[0] == '&', which the framer has checked: the five
 * predefined entities or a character reference to a legal character. */
static size_t decode_reference(const char *text, size_t avail, char out[4], size_t *outlen)
{
    static const struct {
        const char *ref;
        char c;
    } named[] = {{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
    const char *semi = memchr(text, ';', avail);
    if (!semi)
        return 0;
    size_t n = (size_t)(semi - text) + 1;
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        if (n == strlen(named[i].ref) && memcmp(text, named[i].ref, n) == 0) {
            out[0] = named[i].c;
            *outlen = 1;
            return n;
        }
    }
    if (n < 4 || text[1] != '#')
        return 0;
    bool hex = text[2] == 'x';
    uint32_t c = 0;
    for (const char *d = text + (hex ? 3 : 2); d < semi; d++) {
        unsigned digit = *d >= '0' && *d <= '9'          ? (unsigned)(*d - '0')
                         : hex && *d >= 'a' && *d <= 'f' ? (unsigned)(*d - 'a' + 10)
                         : hex && *d >= 'A' && *d <= 'F' ? (unsigned)(*d - 'A' + 10)
                                                         : 99;
        if (digit == 99 || c > 0x10FFFF)
            return 0;
        c = c * (hex ? 16 : 10) + digit;
    }
    if (c == 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *outlen = utf8_encode(c, out);
    return n;
}

/* Appends raw text with its references replaced, then a NUL; *off gets
 * where it starts in buf. An attribute value with a literal tab, CR or
 * newline gives up: XML turns those into spaces, Mini-XML does not. */
static bool put_decoded(struct scan *s, struct span raw, bool attribute, size_t *off)
{
    *off = s->len;
    const char *p = raw.p, *end = raw.p + raw.len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        for (const char *q = p; attribute && q < stop; q++)
            if (*q == '\t' || *q == '\r' || *q == '\n')
                return false;
        if (!put(s, p, (size_t)(stop - p)))
            return false;
        if (!amp)
            break;
        char out[4];
        size_t outlen = 0, used = decode_reference(amp, (size_t)(end - amp), out, &outlen);
        if (used == 0 || !put(s, out, outlen))
            return false;
        p = amp + used;
    }
    return put(s, "", 1);
}

/* Offsets of an item's values in buf; SIZE_MAX when absent. */
struct item_offsets {
    size_t jid, name, subscription, ask;
    size_t groups[ROSTER_SCAN_MAX_GROUPS];
    size_t ngroups;
};

static bool put_attr(struct scan *s, const struct tag *t, const char *name, size_t *off)
{
    const struct span *v = attr(t, name);
    *off = SIZE_MAX;
    return !v || put_decoded(s, *v, true, off);
}

/* After <group>: its text, then </group>. */
static bool read_group_text(struct scan *s, size_t *off)
{
    struct span text = {s->p, 0};
    const char *lt = memchr(s->p, '<', (size_t)(s->end - s->p));
    if (!lt)
        return false;
    text.len = (size_t)(lt - s->p);
    s->p = lt;
    return read_end_tag(s, "group") && put_decoded(s, text, false, off);
}

/* The children of an <item> up to </item>: only <group>s, and space. */
static bool read_groups(struct scan *s, struct item_offsets *o)
{
    for (;;) {
        skip_space(s);
        if (looking_at(s, "</"))
            return read_end_tag(s, "item");
        struct tag g;
        if (!looking_at(s, "<") || looking_at(s, "<!") || !read_start_tag(s, &g) ||
            !span_is(g.name, "group") || g.nattrs > 0)
            return false;
        size_t off = SIZE_MAX;
        if (!g.empty && !read_group_text(s, &off))
            return false;
        if (off != SIZE_MAX && s->buf[off] != '\0' && o->ngroups < ROSTER_SCAN_MAX_GROUPS)
            o->groups[o->ngroups++] = off;
    }
}

static const char *at(const struct scan *s, size_t off)
{
    return off == SIZE_MAX ? NULL : s->buf + off;
}

static bool read_item(struct scan *s, roster_scan_fn fn, void *ctx)
{
    struct tag t;
    struct item_offsets o = {.ngroups = 0};
    if (!read_start_tag(s, &t) || !span_is(t.name, "item") || !namespaces_plain(&t, NULL))
        return false;
    s->len = 0;
    if (!put_attr(s, &t, "jid", &o.jid) || !put_attr(s, &t, "name", &o.name) ||
        !put_attr(s, &t, "subscription", &o.subscription) || !put_attr(s, &t, "ask", &o.ask))
        return false;
    if (!t.empty && !read_groups(s, &o))
        return false;
    struct roster_scan_item item = {.jid = at(s, o.jid),
                                    .name = at(s, o.name),
                                    .subscription = at(s, o.subscription),
                                    .ask = at(s, o.ask),
                                    .ngroups = o.ngroups};
    for (size_t i = 0; i < o.ngroups; i++)
        item.groups[i] = s->buf + o.groups[i];
    fn(ctx, &item);
    return true;
}

/* <iq type='result' id='want_id'> in the stream's default namespace. */
static bool read_iq(struct scan *s, const char *want_id)
{
    struct tag t;
    const struct span *type, *id;
    return looking_at(s, "<") && read_start_tag(s, &t) && span_is(t.name, "iq") && !t.empty &&
           namespaces_plain(&t, NS_CLIENT) && (type = attr(&t, "type")) &&
           span_is(*type, "result") && (id = attr(&t, "id")) && span_is(*id, want_id);
}

/* The version is copied out before the items reuse buf. */
static bool read_ver(struct scan *s, const struct tag *t, char **ver)
{
    size_t off;
    if (!put_attr(s, t, "ver", &off))
        return false;
    if (off == SIZE_MAX || !ver)
        return true;
    *ver = strdup(s->buf + off);
    return *ver != NULL;
}

static bool read_query(struct scan *s, roster_scan_fn fn, void *ctx, char **ver)
{
    struct tag t;
    skip_space(s);
    if (!looking_at(s, "<") || looking_at(s, "<!") || !read_start_tag(s, &t) ||
        !span_is(t.name, "query") || !attr(&t, "xmlns") || !namespaces_plain(&t, NS_ROSTER) ||
        !read_ver(s, &t, ver))
        return false;
    while (!t.empty) {
        skip_space(s);
        if (looking_at(s, "</"))
            return read_end_tag(s, "query");
        if (!looking_at(s, "<") || looking_at(s, "<!") || !read_item(s, fn, ctx))
            return false;
    }
    return true;
}

bool roster_scan(const char *text, size_t len, const char *want_id, roster_scan_fn item, void *ctx,
                 char **ver)
{
    struct scan s = {.p = text, .end = text + len};
    char *found = NULL;
    bool ok = want_id && read_iq(&s, want_id) && read_query(&s, item, ctx, &found);
    if (ok) {
        skip_space(&s);
        ok = read_end_tag(&s, "iq");
        skip_space(&s);
        ok = ok && s.p == s.end;
    }
    free(s.buf);
    if (ok && ver)
        *ver = found;
    else
        free(found);
    return ok;
}

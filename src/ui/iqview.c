/* iqview.c - reading an IQ answer's few values for the screen.
 *
 * The session hands the UI the whole answer to a query as text (it is
 * the session's job to parse XML, and the UI's to show it). /version
 * needs three texts and /disco the attributes of <identity/> and
 * <feature/>: a tiny scanner does that without a second XML library in
 * the UI. The text comes from the network, through the session's own
 * serialiser, but nothing here trusts it: every scan is bounded by len,
 * a quote or tag that never ends finds nothing, entities are decoded
 * only when well-formed, and control characters come out as '?'. */
#include "ui/iqview.h"
#include "xml/utf8.h"

#include <string.h>

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Offset just past the '>' that ends the tag starting at i (quotes
 * respected), or 0 if it never ends. */
static size_t tag_end(const char *xml, size_t len, size_t i)
{
    char quote = 0;
    for (i++; i < len; i++) {
        char c = xml[i];
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '>') {
            return i + 1;
        }
    }
    return 0;
}

/* Past a comment or CDATA section starting at i, or 0. */
static size_t skip_special(const char *xml, size_t len, size_t i, const char *open,
                           const char *close)
{
    size_t ol = strlen(open), cl = strlen(close);
    if (len - i < ol || memcmp(xml + i, open, ol) != 0)
        return 0;
    for (size_t k = i + ol; k + cl <= len; k++)
        if (memcmp(xml + k, close, cl) == 0)
            return k + cl;
    return len;
}

static bool local_is(const char *name, size_t n, const char *local)
{
    const char *colon = memchr(name, ':', n);
    if (colon) {
        n -= (size_t)(colon + 1 - name);
        name = colon + 1;
    }
    return strlen(local) == n && memcmp(name, local, n) == 0;
}

bool iqview_next_tag(const char *xml, size_t len, size_t *pos, const char *local, const char **tag,
                     size_t *taglen)
{
    size_t i = *pos;
    while (i < len) {
        const char *lt = memchr(xml + i, '<', len - i);
        if (!lt)
            break;
        i = (size_t)(lt - xml);
        size_t next = skip_special(xml, len, i, "<!--", "-->");
        if (!next)
            next = skip_special(xml, len, i, "<![CDATA[", "]]>");
        if (next) {
            i = next;
            continue;
        }
        size_t end = tag_end(xml, len, i);
        if (!end)
            break;
        size_t n = 0;
        while (i + 1 + n < end - 1 && !is_space(xml[i + 1 + n]) && xml[i + 1 + n] != '/' &&
               xml[i + 1 + n] != '>')
            n++;
        if (n > 0 && xml[i + 1] != '/' && xml[i + 1] != '?' && xml[i + 1] != '!' &&
            local_is(xml + i + 1, n, local)) {
            *tag = xml + i;
            *taglen = end - i;
            *pos = end;
            return true;
        }
        i = end;
    }
    *pos = len;
    return false;
}

/* ---- decoding ---- */

struct out {
    char *buf;
    size_t cap, n;
    bool full;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (o->full || o->n + n >= o->cap) {
        o->full = true;
        return;
    }
    memcpy(o->buf + o->n, s, n);
    o->n += n;
    o->buf[o->n] = '\0';
}

static bool char_ref(const char *e, size_t n, unsigned long *cp)
{
    unsigned long v = 0;
    bool hex = n > 1 && (e[1] == 'x' || e[1] == 'X');
    size_t i = hex ? 2 : 1;
    if (n <= i || n - i > 8)
        return false;
    for (; i < n; i++) {
        char c = e[i];
        int d = c >= '0' && c <= '9'          ? c - '0'
                : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                              : -1;
        if (d < 0)
            return false;
        v = v * (hex ? 16 : 10) + (unsigned long)d;
    }
    *cp = v;
    return v <= 0x10FFFF && !(v >= 0xD800 && v <= 0xDFFF);
}

/* One entity at s ('&' ... ';'): returns the bytes it takes, 0 if it is
 * not a well-formed one (then '&' is shown as it is). */
static size_t entity(const char *s, size_t len, struct out *o)
{
    static const struct {
        const char *name, *text;
    } named[] = {{"lt", "<"}, {"gt", ">"}, {"amp", "&"}, {"quot", "\""}, {"apos", "'"}};
    const char *semi = memchr(s, ';', len < 12 ? len : 12);
    if (!semi)
        return 0;
    size_t n = (size_t)(semi - s - 1);
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        if (strlen(named[i].name) == n && memcmp(s + 1, named[i].name, n) == 0) {
            put(o, named[i].text, 1);
            return n + 2;
        }
    }
    unsigned long cp;
    if (n == 0 || s[1] != '#' || !char_ref(s + 1, n, &cp))
        return 0;
    char b[4];
    if (cp < 0x20 || cp == 0x7F)
        put(o, "?", 1);
    else
        put(o, b, utf8_encode(cp, b));
    return n + 2;
}

static size_t utf8_len(unsigned char c)
{
    return c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

/* Decode s[0..len) into out: entities, '?' for controls, whole
 * characters only when cut short. */
static void decode(const char *s, size_t len, char *out, size_t outlen)
{
    struct out o = {out, outlen, 0, outlen == 0};
    if (outlen)
        out[0] = '\0';
    size_t i = 0;
    while (i < len && !o.full) {
        unsigned char c = (unsigned char)s[i];
        size_t used = c == '&' ? entity(s + i, len - i, &o) : 0;
        if (used) {
            i += used;
            continue;
        }
        if (c < 0x20 || c == 0x7F) {
            put(&o, "?", 1);
            i++;
            continue;
        }
        size_t k = utf8_len(c);
        if (k > len - i)
            k = len - i;
        put(&o, s + i, k);
        i += k;
    }
}

bool iqview_attr(const char *tag, size_t taglen, const char *name, char *out, size_t outlen)
{
    size_t i = 1, nl = strlen(name);
    while (i < taglen && !is_space(tag[i]) && tag[i] != '/' && tag[i] != '>')
        i++; /* the element's name */
    for (;;) {
        while (i < taglen && is_space(tag[i]))
            i++;
        if (i >= taglen || tag[i] == '/' || tag[i] == '>')
            return false;
        size_t a = i;
        while (i < taglen && !is_space(tag[i]) && tag[i] != '=' && tag[i] != '>')
            i++;
        size_t an = i - a;
        while (i < taglen && is_space(tag[i]))
            i++;
        if (i >= taglen || tag[i] != '=')
            return false;
        i++;
        while (i < taglen && is_space(tag[i]))
            i++;
        if (i >= taglen || (tag[i] != '"' && tag[i] != '\''))
            return false;
        char q = tag[i++];
        const char *v = memchr(tag + i, q, taglen - i);
        if (!v)
            return false;
        if (an == nl && memcmp(tag + a, name, nl) == 0) {
            decode(tag + i, (size_t)(v - (tag + i)), out, outlen);
            return true;
        }
        i = (size_t)(v - tag) + 1;
    }
}

bool iqview_text(const char *xml, size_t len, const char *local, char *out, size_t outlen)
{
    size_t pos = 0, taglen;
    const char *tag;
    if (!iqview_next_tag(xml, len, &pos, local, &tag, &taglen))
        return false;
    if (outlen)
        out[0] = '\0';
    if (taglen >= 2 && tag[taglen - 2] == '/')
        return true; /* <name/> */
    const char *lt = memchr(xml + pos, '<', len - pos);
    size_t end = lt ? (size_t)(lt - xml) : len;
    decode(xml + pos, end - pos, out, outlen);
    return true;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* stanza.c - Mini-XML glue: parse framed stanzas, resolve namespaces,
 * build and serialise outgoing stanzas.
 *
 * The framer (framer.c) has already checked every byte against XML and
 * RFC 6120 §11, so parsing here only turns one checked element into a
 * Mini-XML tree. Mini-XML knows no namespaces, so stanza_ns resolves them
 * by walking up for xmlns attributes. It also writes attribute values in a
 * way a receiver would alter (raw newlines) and wraps lines, so outgoing
 * stanzas go through our own one-line serialiser instead of mxml's saver.
 */
#include "xml/stanza.h"
#include "xml/utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_XML "http://www.w3.org/XML/1998/namespace"

/* Mini-XML 3.x's built-in entity callback, which knows about 257 HTML
 * names. It is exported by libmxml but not declared in mxml.h; removing it
 * is the only way to leave XML's five entities alone (RFC 6120 §11.1). */
extern int _mxml_entity_cb(const char *name);

/* --- per-thread Mini-XML settings --- */

/* Mini-XML keeps its error and entity callbacks per thread, and its error
 * callback has no user pointer: the message goes through this slot. */
static _Thread_local char *parse_err;
static _Thread_local size_t parse_errlen;
static _Thread_local bool mxml_ready;

static void on_mxml_error(const char *msg)
{
    if (parse_err && parse_errlen > 0)
        snprintf(parse_err, parse_errlen, "%s", msg);
}

static int strict_entity(const char *name)
{
    static const struct {
        const char *name;
        int value;
    } xml_entities[] = {{"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};

    for (size_t i = 0; i < sizeof xml_entities / sizeof xml_entities[0]; i++) {
        if (strcmp(name, xml_entities[i].name) == 0)
            return xml_entities[i].value;
    }
    return -1;
}

static void mxml_setup(void)
{
    if (mxml_ready)
        return;
    mxmlSetErrorCallback(on_mxml_error);
    mxmlEntityRemoveCallback(_mxml_entity_cb);
    mxmlEntityAddCallback(strict_entity);
    mxml_ready = true;
}

/* --- a growable byte buffer --- */

struct sbuf {
    char *p;
    size_t len, cap;
    bool oom;
};

static void sb_put(struct sbuf *sb, const char *s, size_t n)
{
    if (sb->oom || n == 0)
        return;
    if (sb->cap - sb->len <= n) {
        size_t cap = sb->cap ? sb->cap : 256;
        while (cap - sb->len <= n && cap < SIZE_MAX / 2)
            cap *= 2;
        char *p = cap - sb->len > n ? realloc(sb->p, cap) : NULL;
        if (!p) {
            sb->oom = true;
            return;
        }
        sb->p = p;
        sb->cap = cap;
    }
    memcpy(sb->p + sb->len, s, n);
    sb->len += n;
}

static void sb_puts(struct sbuf *sb, const char *s)
{
    sb_put(sb, s, strlen(s));
}

/* NUL-terminated result, or NULL (and nothing leaked) when out of memory. */
static char *sb_finish(struct sbuf *sb, size_t *len)
{
    sb_put(sb, "", 1);
    if (sb->oom) {
        free(sb->p);
        return NULL;
    }
    if (len)
        *len = sb->len - 1;
    return sb->p;
}

/* --- characters --- */

bool stanza_valid_text(const char *text, size_t len)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t i = 0;

    if (!text)
        return false;
    while (i < len) {
        if (p[i] >= 0x80) {
            int n = utf8_char_len(p + i, len - i);
            if (n <= 0) /* invalid, or cut short at the end of the text */
                return false;
            i += (size_t)n;
        } else if (p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r') {
            return false;
        } else {
            i++;
        }
    }
    return true;
}

/* An XML Name, approximately: ASCII is checked exactly (XML 1.0 §2.3),
 * non-ASCII only for UTF-8 validity. */
static bool valid_name(const char *name)
{
    size_t len = name ? strlen(name) : 0;

    if (len == 0 || !stanza_valid_text(name, len))
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        bool start = alpha || c == '_' || c == ':' || c >= 0x80;
        bool more = (c >= '0' && c <= '9') || c == '-' || c == '.';
        if (!start && !(i > 0 && more))
            return false;
    }
    return true;
}

/* --- parsing --- */

static const char *find_lit(const char *s, size_t len, char first, const char *lit, size_t litlen)
{
    const char *end = s + len;

    while (s < end && (s = memchr(s, first, (size_t)(end - s))) != NULL) {
        if ((size_t)(end - s) >= litlen && memcmp(s, lit, litlen) == 0)
            return s;
        s++;
    }
    return NULL;
}

static size_t put_escaped(char *out, char c)
{
    const char *rep = c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" : NULL;
    size_t n = rep ? strlen(rep) : 1;

    if (out && rep)
        memcpy(out, rep, n);
    else if (out)
        *out = c;
    return n;
}

/* Copy s, turning each CDATA section into escaped character data, which
 * means the same (XML 1.0 §2.7). Mini-XML 3.3.1 returns one ']' too many
 * when a CDATA section ends in ']', so it never sees CDATA from us. With
 * out NULL, only count. Returns the length written. */
static size_t unwrap_cdata(const char *s, size_t len, char *out)
{
    size_t i = 0, n = 0;

    while (i < len) {
        const char *open = find_lit(s + i, len - i, '<', "<![CDATA[", 9);
        size_t plain = open ? (size_t)(open - (s + i)) : len - i;
        if (out)
            memcpy(out + n, s + i, plain);
        n += plain;
        i += plain;
        if (!open)
            break;
        i += 9;
        const char *close = find_lit(s + i, len - i, ']', "]]>", 3);
        size_t body = close ? (size_t)(close - (s + i)) : len - i;
        for (size_t j = 0; j < body; j++)
            n += put_escaped(out ? out + n : NULL, s[i + j]);
        i += body + (close ? 3 : 0);
    }
    return n;
}

static char *load_copy(const char *text, size_t len, size_t extra)
{
    bool cdata = find_lit(text, len, '!', "![CDATA[", 8) != NULL;
    size_t n = cdata ? unwrap_cdata(text, len, NULL) : len;
    char *copy = n < SIZE_MAX - extra - 1 ? malloc(n + extra + 1) : NULL;

    if (!copy)
        return NULL;
    if (cdata)
        unwrap_cdata(text, len, copy);
    else
        memcpy(copy, text, len);
    copy[n] = '\0';
    return copy;
}

static void set_err(char *err, size_t errlen, const char *msg)
{
    if (err && errlen > 0)
        snprintf(err, errlen, "%s", msg);
}

static bool is_element(mxml_node_t *n)
{
    const char *name = n && mxmlGetType(n) == MXML_ELEMENT ? mxmlGetElement(n) : NULL;
    return name && name[0] != '!' && name[0] != '?';
}

/* A leading <?xml ...?> becomes a Mini-XML element that holds the rest of
 * the document: keep only the real root element. */
static mxml_node_t *root_element(mxml_node_t *top)
{
    mxml_node_t *el = top;

    if (top && !is_element(top)) {
        el = stanza_first_element(top);
        if (el)
            mxmlRemove(el);
        mxmlDelete(top);
    }
    return el;
}

/* --- streamed lists --- */

struct item_stream {
    stanza_take_fn take;
    void *ctx;
    mxml_node_t *emptied; /* the list element whose items were taken */
};

/* Depth below the root element: 0 for the root, 2 for a list item. */
static int element_depth(mxml_node_t *n)
{
    int depth = 0;
    for (mxml_node_t *p = mxmlGetParent(n); p; p = mxmlGetParent(p))
        depth += is_element(p);
    return depth;
}

static bool blank(const char *s)
{
    return s && s[strspn(s, " \t\r\n")] == '\0';
}

/* Mini-XML deletes every node that its SAX callback does not retain: keep
 * everything except the items that were taken, and the whitespace that
 * separated them. */
static void on_sax(mxml_node_t *node, mxml_sax_event_t event, void *data)
{
    struct item_stream *st = data;

    if (event == MXML_SAX_ELEMENT_CLOSE) {
        if (element_depth(node) == 2 && st->take(node, st->ctx)) {
            st->emptied = mxmlGetParent(node);
            mxmlRelease(node); /* the parser's own release now frees it */
        }
        return;
    }
    if (event == MXML_SAX_DATA && st->emptied && mxmlGetParent(node) == st->emptied &&
        blank(mxmlGetOpaque(node)))
        return;
    mxmlRetain(node);
}

/* Parses text, a NUL-terminated string, and frees it if it is a copy. */
static mxml_node_t *load(const char *text, char *copy, struct item_stream *stream, char *err,
                         size_t errlen)
{
    mxml_node_t *top;

    parse_err = err;
    parse_errlen = errlen;
    if (stream)
        top = mxmlSAXLoadString(NULL, text, MXML_OPAQUE_CALLBACK, on_sax, stream);
    else
        top = mxmlLoadString(NULL, text, MXML_OPAQUE_CALLBACK);
    parse_err = NULL;
    free(copy);
    if (!top) {
        if (err && errlen > 0 && err[0] == '\0')
            set_err(err, errlen, "cannot parse stanza");
        return NULL;
    }
    top = root_element(top);
    if (!top)
        set_err(err, errlen, "no element");
    return top;
}

static mxml_node_t *parse(const char *text, size_t len, bool terminated, struct item_stream *stream,
                          char *err, size_t errlen)
{
    char *copy;

    set_err(err, errlen, "");
    mxml_setup();
    if (!text || memchr(text, '\0', len)) {
        set_err(err, errlen, "NUL byte in stanza");
        return NULL;
    }
    /* A stanza of thousands of roster items is parsed where the framer
     * holds it: a copy would double the peak memory of a login. */
    if (terminated && text[len] == '\0' && !find_lit(text, len, '!', "![CDATA[", 8))
        return load(text, NULL, stream, err, errlen);
    copy = load_copy(text, len, 0);
    if (!copy) {
        set_err(err, errlen, "out of memory");
        return NULL;
    }
    return load(copy, copy, stream, err, errlen);
}

mxml_node_t *stanza_parse(const char *text, size_t len, char *err, size_t errlen)
{
    return parse(text, len, false, NULL, err, errlen);
}

mxml_node_t *stanza_parse_items(const char *text, size_t len, stanza_take_fn take, void *ctx,
                                char *err, size_t errlen)
{
    struct item_stream stream = {.take = take, .ctx = ctx};
    return parse(text, len, true, take ? &stream : NULL, err, errlen);
}

mxml_node_t *stanza_parse_header(const char *text, size_t len, char *err, size_t errlen)
{
    char *copy;

    set_err(err, errlen, "");
    mxml_setup();
    while (text && len > 0 &&
           (text[len - 1] == ' ' || text[len - 1] == '\t' || text[len - 1] == '\r' ||
            text[len - 1] == '\n'))
        len--;
    if (!text || len < 2 || text[len - 1] != '>' || memchr(text, '\0', len)) {
        set_err(err, errlen, "not a stream header");
        return NULL;
    }
    /* Close the open <stream:stream> so that it parses as a document. */
    copy = load_copy(text, len - 1, 2);
    if (!copy) {
        set_err(err, errlen, "out of memory");
        return NULL;
    }
    size_t n = strlen(copy);
    if (n > 0 && copy[n - 1] != '/')
        copy[n++] = '/';
    copy[n++] = '>';
    copy[n] = '\0';
    return load(copy, copy, NULL, err, errlen);
}

/* --- namespaces and navigation --- */

static const char *find_xmlns(mxml_node_t *el, const char *prefix, size_t plen)
{
    int count = mxmlElementGetAttrCount(el);

    for (int i = 0; i < count; i++) {
        const char *name = NULL;
        const char *value = mxmlElementGetAttrByIndex(el, i, &name);
        if (!name || strncmp(name, "xmlns", 5) != 0)
            continue;
        if (plen == 0 && name[5] == '\0')
            return value;
        if (plen > 0 && name[5] == ':' && strlen(name + 6) == plen &&
            memcmp(name + 6, prefix, plen) == 0)
            return value;
    }
    return NULL;
}

const char *stanza_ns(mxml_node_t *el)
{
    if (!is_element(el))
        return "";
    const char *name = mxmlGetElement(el);
    const char *colon = strchr(name, ':');
    size_t plen = colon ? (size_t)(colon - name) : 0;

    if (plen == 3 && memcmp(name, "xml", 3) == 0)
        return NS_XML;
    for (mxml_node_t *n = el; n && mxmlGetType(n) == MXML_ELEMENT; n = mxmlGetParent(n)) {
        const char *ns = find_xmlns(n, name, plen);
        if (ns)
            return ns;
    }
    /* The stanza was cut out of the stream: fall back to the bindings of
     * the stream header (RFC 6120 §4.8). */
    if (plen == 0)
        return NS_CLIENT;
    if (plen == 6 && memcmp(name, "stream", 6) == 0)
        return NS_STREAM;
    return "";
}

const char *stanza_local(mxml_node_t *el)
{
    if (!is_element(el))
        return "";
    const char *name = mxmlGetElement(el);
    const char *colon = strchr(name, ':');
    return colon ? colon + 1 : name;
}

bool stanza_is(mxml_node_t *el, const char *ns, const char *local)
{
    if (!is_element(el))
        return false;
    if (local && strcmp(stanza_local(el), local) != 0)
        return false;
    return !ns || strcmp(stanza_ns(el), ns) == 0;
}

static mxml_node_t *match_from(mxml_node_t *n, const char *ns, const char *local)
{
    for (; n; n = mxmlGetNextSibling(n)) {
        if (stanza_is(n, ns, local))
            return n;
    }
    return NULL;
}

mxml_node_t *stanza_child(mxml_node_t *el, const char *ns, const char *local)
{
    return el ? match_from(mxmlGetFirstChild(el), ns, local) : NULL;
}

mxml_node_t *stanza_next(mxml_node_t *child, const char *ns, const char *local)
{
    return child ? match_from(mxmlGetNextSibling(child), ns, local) : NULL;
}

mxml_node_t *stanza_first_element(mxml_node_t *el)
{
    return stanza_child(el, NULL, NULL);
}

mxml_node_t *stanza_next_element(mxml_node_t *el)
{
    return stanza_next(el, NULL, NULL);
}

const char *stanza_attr(mxml_node_t *el, const char *name)
{
    return is_element(el) && name ? mxmlElementGetAttr(el, name) : NULL;
}

/* Text carried by one child node, or NULL. Mini-XML's word-by-word
 * MXML_TEXT nodes carry a flag for the white space before them. */
static const char *node_text(mxml_node_t *n, bool *space)
{
    int ws = 0;
    const char *s = NULL;

    switch (mxmlGetType(n)) {
    case MXML_OPAQUE:
        s = mxmlGetOpaque(n);
        break;
    case MXML_TEXT:
        s = mxmlGetText(n, &ws);
        break;
    case MXML_ELEMENT:
        s = mxmlGetCDATA(n);
        break;
    default:
        break;
    }
    *space = ws != 0;
    return s;
}

char *stanza_child_text(mxml_node_t *el, const char *ns, const char *local)
{
    mxml_node_t *c = el ? stanza_child(el, ns, local) : NULL;
    return c ? stanza_text(c) : NULL;
}

char *stanza_text(mxml_node_t *el)
{
    struct sbuf sb = {0};

    for (mxml_node_t *n = el ? mxmlGetFirstChild(el) : NULL; n; n = mxmlGetNextSibling(n)) {
        bool space;
        const char *s = node_text(n, &space);
        if (s && space)
            sb_put(&sb, " ", 1);
        if (s)
            sb_puts(&sb, s);
    }
    return sb_finish(&sb, NULL);
}

/* --- builders --- */

mxml_node_t *stanza_new(const char *name)
{
    return valid_name(name) ? mxmlNewElement(MXML_NO_PARENT, name) : NULL;
}

mxml_node_t *stanza_add(mxml_node_t *parent, const char *name)
{
    return is_element(parent) && valid_name(name) ? mxmlNewElement(parent, name) : NULL;
}

int stanza_set_attr(mxml_node_t *el, const char *name, const char *value)
{
    if (!is_element(el) || !valid_name(name) || !value || !stanza_valid_text(value, strlen(value)))
        return -1;
    mxmlElementSetAttr(el, name, value);
    return mxmlElementGetAttr(el, name) ? 0 : -1;
}

int stanza_add_text(mxml_node_t *el, const char *text)
{
    if (!is_element(el) || !text || !stanza_valid_text(text, strlen(text)))
        return -1;
    if (text[0] == '\0')
        return 0;
    return mxmlNewOpaque(el, text) ? 0 : -1;
}

mxml_node_t *stanza_add_text_child(mxml_node_t *parent, const char *name, const char *text)
{
    if (!text || !stanza_valid_text(text, strlen(text)))
        return NULL;
    mxml_node_t *child = stanza_add(parent, name);
    if (child && stanza_add_text(child, text) < 0) {
        mxmlDelete(child);
        return NULL;
    }
    return child;
}

/* --- serialising --- */

/* Replacements for the serialiser. In attribute values TAB, LF and CR
 * too: written raw, a receiver would normalise them to spaces (XML 1.0
 * §3.3.3). */
static const char *const text_escapes[128] = {
    ['&'] = "&amp;",
    ['<'] = "&lt;",
    ['>'] = "&gt;",
};
static const char *const attr_escapes[128] = {
    ['&'] = "&amp;",   ['<'] = "&lt;",  ['>'] = "&gt;",   ['"'] = "&quot;",
    ['\''] = "&apos;", ['\t'] = "&#9;", ['\n'] = "&#10;", ['\r'] = "&#13;",
};

static void put_escaped_str(struct sbuf *sb, const char *s, bool attr)
{
    const char *const *table = attr ? attr_escapes : text_escapes;
    const char *run = s;

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        const char *rep = c < 128 ? table[c] : NULL;
        if (rep) {
            sb_put(sb, run, (size_t)(s - run));
            sb_puts(sb, rep);
            run = s + 1;
        }
    }
    sb_put(sb, run, (size_t)(s - run));
}

/* Write the start of node n. Returns true if its children come next. */
static bool put_open(struct sbuf *sb, mxml_node_t *n)
{
    if (!is_element(n)) {
        bool space;
        const char *s = node_text(n, &space);
        if (s && space)
            sb_put(sb, " ", 1);
        if (s)
            put_escaped_str(sb, s, false);
        return false;
    }
    sb_put(sb, "<", 1);
    sb_puts(sb, mxmlGetElement(n));
    int count = mxmlElementGetAttrCount(n);
    for (int i = 0; i < count; i++) {
        const char *name = NULL;
        const char *value = mxmlElementGetAttrByIndex(n, i, &name);
        if (!name || !value)
            continue;
        sb_put(sb, " ", 1);
        sb_puts(sb, name);
        sb_put(sb, "=\"", 2);
        put_escaped_str(sb, value, true);
        sb_put(sb, "\"", 1);
    }
    if (!mxmlGetFirstChild(n)) {
        sb_put(sb, "/>", 2);
        return false;
    }
    sb_put(sb, ">", 1);
    return true;
}

static void put_close(struct sbuf *sb, mxml_node_t *n)
{
    sb_put(sb, "</", 2);
    sb_puts(sb, mxmlGetElement(n));
    sb_put(sb, ">", 1);
}

/* Iterative, so that no tree depth can exhaust the C stack. */
char *stanza_serialize(mxml_node_t *el, size_t *len)
{
    struct sbuf sb = {0};
    mxml_node_t *n = el;

    if (!el)
        return NULL;
    for (;;) {
        if (put_open(&sb, n)) {
            n = mxmlGetFirstChild(n);
            continue;
        }
        while (n != el && !mxmlGetNextSibling(n)) {
            n = mxmlGetParent(n);
            put_close(&sb, n);
        }
        if (n == el)
            break;
        n = mxmlGetNextSibling(n);
    }
    return sb_finish(&sb, len);
}

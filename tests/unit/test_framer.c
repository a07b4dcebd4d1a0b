/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_framer.c - the stanza framer against a recorded session split at
 * every byte, every construct RFC 6120 §11 forbids, and the limits. */
#include "../check.h"
#include "xml/framer.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define HDR "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"

/* A client's view of a session with a server (whitespace keepalives,
 * attributes holding > and /, CDATA, entities, multibyte UTF-8). */
static const char session[] =
    "<?xml version='1.0'?>"
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
    "id='c2s_4f1c' from='example.com' version='1.0' xml:lang='en'>\n"
    "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><required/></bind>"
    "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'><optional/></session>"
    "<sm xmlns='urn:xmpp:sm:3'/></stream:features>"
    "<iq type='result' id='bind_1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
    "<jid>juliet@example.com/balcony</jid></bind></iq>\n  \r\n\t "
    "<iq type=\"result\" id=\"roster_1\" to=\"juliet@example.com/balcony\">"
    "<query xmlns=\"jabber:iq:roster\" ver=\"ver7\">"
    "<item jid=\"romeo@example.net\" name=\"Romeo &gt; all, 'the' one\" subscription=\"both\">"
    "<group>Friends</group></item>"
    "<item jid='nurse@example.com' name='a/b>c \"d\"' subscription='to' /></query></iq>"
    "<message from='romeo@example.net/orchard' to='juliet@example.com/balcony' type='chat' "
    "id='m1'><body>Wherefore art thou? &lt;3 &amp; caf&#xE9; &#233;&#x1F600;</body>"
    "<active xmlns='http://jabber.org/protocol/chatstates'/></message> "
    "<message from=\"romeo@example.net/orchard\" type=\"chat\" id=\"m2\">"
    "<body><![CDATA[<script>alert(\"x\")</script> ]] > ]]]></body></message>"
    "<message type='chat' id='m3'><body>Здравствуй, Джульетта! 日本語 😀 ✓</body></message>"
    "<presence from='romeo@example.net/orchard' xml:lang='en'><show>away</show><status>\n"
    "  multi-line\n  status  </status><c xmlns='http://jabber.org/protocol/caps' hash='sha-1' "
    "node='http://psi-im.org' ver='q07IKJEyjvHSyhy//CH0CxmKi8w='/></presence>\n"
    "<r xmlns = 'urn:xmpp:sm:3' />"
    "<iq id='x' type='get'><query xmlns='jabber:iq:version'\n/></iq >"
    "</stream:stream >\n";

/* What the framer should find in the session, in order. */
static const char *const session_items[] = {
    "H<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
    "id='c2s_4f1c' from='example.com' version='1.0' xml:lang='en'>",
    "S<stream:features>",
    "S<iq type='result' id='bind_1'>",
    "S<iq type=\"result\" id=\"roster_1\"",
    "S<message from='romeo@example.net/orchard' to=",
    "S<message from=\"romeo@example.net/orchard\"",
    "S<message type='chat' id='m3'><body>Здравствуй",
    "S<presence ",
    "S<r xmlns = 'urn:xmpp:sm:3' />",
    "S<iq id='x'",
    "E</stream:stream >",
};

/* Run everything buffered through framer_next, appending one line per
 * event to a transcript: kind letter, then the exact bytes. */
struct transcript {
    char *text;
    size_t len, cap;
    const char *cond;
};

static void tr_add(struct transcript *t, char kind, const char *s, size_t n)
{
    if (t->len + n + 3 > t->cap) {
        t->cap = (t->len + n + 3) * 2;
        t->text = realloc(t->text, t->cap);
    }
    t->text[t->len++] = kind;
    memcpy(t->text + t->len, s, n);
    t->len += n;
    t->text[t->len++] = '\n';
    t->text[t->len] = '\0';
}

static bool drain(struct framer *f, struct transcript *t)
{
    const char *s;
    size_t n;

    for (;;) {
        enum framer_event ev = framer_next(f, &s, &n);
        switch (ev) {
        case FRAMER_NEED_MORE:
            return true;
        case FRAMER_HEADER:
            tr_add(t, 'H', s, n);
            break;
        case FRAMER_STANZA:
            tr_add(t, 'S', s, n);
            break;
        case FRAMER_STREAM_END:
            tr_add(t, 'E', s, n);
            break;
        case FRAMER_ERROR:
            t->cond = framer_error_condition(f);
            tr_add(t, 'X', t->cond, strlen(t->cond));
            return false;
        }
    }
}

/* Feed data in chunks of the given sizes (cycled), draining after each. */
static struct transcript run_chunks(const char *data, size_t len, const size_t *sizes,
                                    size_t nsizes, const struct framer_limits *lim)
{
    struct transcript t = {0};
    struct framer *f = framer_new(lim);
    size_t i = 0, k = 0;

    tr_add(&t, '#', "", 0);
    while (i < len) {
        size_t n = sizes[k++ % nsizes];
        if (n > len - i)
            n = len - i;
        framer_feed(f, data + i, n);
        i += n;
        if (!drain(f, &t))
            break;
    }
    framer_free(f);
    return t;
}

static struct transcript run_whole(const char *data, size_t len)
{
    size_t all = len ? len : 1;
    return run_chunks(data, len, &all, 1, NULL);
}

static struct transcript run_split(const char *data, size_t len, size_t at)
{
    size_t sizes[2] = {at, len - at};
    return run_chunks(data, len, at ? sizes : sizes + 1, at ? 2 : 1, NULL);
}

static void test_session_whole(void)
{
    struct transcript t = run_whole(session, sizeof session - 1);
    const char *p = t.text + 2; /* after "#\n" */
    size_t nitems = sizeof session_items / sizeof session_items[0];

    CHECK(t.cond == NULL);
    for (size_t i = 0; i < nitems; i++) {
        size_t n = strlen(session_items[i]);
        CHECK(strncmp(p, session_items[i], n) == 0);
        if (strncmp(p, session_items[i], n) != 0)
            fprintf(stderr, "item %zu: got %.60s\n", i, p);
        p = strchr(p, '\n');
        /* Items may hold newlines: find the next line starting with a kind. */
        while (p && p[1] && !strchr("HSEX", p[1]))
            p = strchr(p + 1, '\n');
        if (!p)
            break;
        p++;
    }
    CHECK(p && *p == '\0');
    /* Exact bytes: the CDATA body and the multi-line status survive. */
    CHECK(strstr(t.text, "<body><![CDATA[<script>alert(\"x\")</script> ]] > ]]]></body>") != NULL);
    CHECK(strstr(t.text, "<status>\n  multi-line\n  status  </status>") != NULL);
    free(t.text);
}

static void test_session_splits(void)
{
    size_t len = sizeof session - 1;
    struct transcript whole = run_whole(session, len);
    int mismatches = 0;

    for (size_t at = 0; at <= len; at++) {
        struct transcript t = run_split(session, len, at);
        if (strcmp(t.text, whole.text) != 0 && mismatches++ < 3)
            fprintf(stderr, "split at %zu differs:\n%s\n", at, t.text);
        free(t.text);
    }
    CHECK(mismatches == 0);

    size_t one = 1;
    struct transcript bytes = run_chunks(session, len, &one, 1, NULL);
    CHECK_STR(bytes.text, whole.text);
    free(bytes.text);

    size_t odd[] = {3, 1, 7, 2, 64, 5, 1, 1, 13};
    struct transcript mixed = run_chunks(session, len, odd, sizeof odd / sizeof odd[0], NULL);
    CHECK_STR(mixed.text, whole.text);
    free(mixed.text);
    free(whole.text);
}

/* The condition an input ends with, fed whole; NULL if no error. Also
 * checks that feeding it one byte at a time and split at every byte gives
 * the same condition. */
static const char *error_of(const char *data, size_t len)
{
    static char cond[64];
    struct transcript t = run_whole(data, len);
    size_t one = 1;
    struct transcript b = run_chunks(data, len, &one, 1, NULL);
    bool same = (!t.cond && !b.cond) || (t.cond && b.cond && strcmp(t.cond, b.cond) == 0);

    for (size_t at = 1; same && at < len; at++) {
        struct transcript s = run_split(data, len, at);
        same = strcmp(s.text, t.text) == 0;
        free(s.text);
    }
    if (!same)
        fprintf(stderr, "chunking changes the outcome of: %.*s\n", (int)len, data);
    CHECK(same);
    snprintf(cond, sizeof cond, "%s", t.cond ? t.cond : "(none)");
    free(t.text);
    free(b.text);
    return cond;
}

static const char *err_str(const char *s)
{
    return error_of(s, strlen(s));
}

static void test_restricted_xml(void)
{
    /* RFC 6120 §11.1: no comments, PIs, DTDs, or undeclared entities. */
    CHECK_STR(err_str("<!DOCTYPE stream:stream>" HDR), "restricted-xml");
    CHECK_STR(err_str(HDR "<!DOCTYPE x [<!ENTITY a 'b'>]>"), "restricted-xml");
    CHECK_STR(err_str(HDR "<!ENTITY a 'b'>"), "restricted-xml");
    CHECK_STR(err_str(HDR "<!-- hello -->"), "restricted-xml");
    CHECK_STR(err_str(HDR "<message><!-- hi --></message>"), "restricted-xml");
    CHECK_STR(err_str("<!-- before -->" HDR), "restricted-xml");
    CHECK_STR(err_str(HDR "<?php echo 1; ?>"), "restricted-xml");
    CHECK_STR(err_str(HDR "<message><?pi x?></message>"), "restricted-xml");
    CHECK_STR(err_str("<?xml-stylesheet href='a'?>" HDR), "restricted-xml");
    CHECK_STR(err_str(" <?xml version='1.0'?>" HDR), "restricted-xml");
    CHECK_STR(err_str("<?xml version='1.0'?><?xml version='1.0'?>" HDR), "restricted-xml");
    CHECK_STR(err_str(HDR "<?xml version='1.0'?>"), "restricted-xml");
    CHECK_STR(err_str(HDR "<message><body>&nbsp;</body></message>"), "restricted-xml");
    CHECK_STR(err_str(HDR "<message to='&eacute;'/>"), "restricted-xml");
    CHECK_STR(err_str(HDR "<message><body>&ampersand;</body></message>"), "restricted-xml");
    CHECK_STR(err_str(HDR "<message><body>&averyveryverylongentityname;</body></message>"),
              "restricted-xml");
}

static void test_not_well_formed(void)
{
    static const char nul_input[] = HDR "<message><body>a\0b</body></message>";

    CHECK_STR(err_str(HDR "<message></iq>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message><body></message>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message><body></bodyx></message>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message><body></bod></message>"), "not-well-formed");
    CHECK_STR(err_str(HDR "</message>"), "not-well-formed");
    CHECK_STR(err_str(HDR "</stream:streamx>"), "not-well-formed");
    CHECK_STR(err_str("</stream:stream>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message to=romeo/>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message to='romeo'from='x'/>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message to/>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message to='x/>"), "(none)"); /* still inside the value */
    CHECK_STR(err_str(HDR "<1message/>"), "not-well-formed");
    CHECK_STR(err_str(HDR "< message/>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message 9to='x'/>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<mes$sage/>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message to='a<b'/>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message to='a' to='b'/>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message/ >"), "not-well-formed");
    CHECK_STR(error_of(nul_input, sizeof nul_input - 1), "not-well-formed");
    CHECK_STR(err_str(HDR "<message><body>\x01</body></message>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message to='\x1b'/>"), "not-well-formed");
    /* UTF-8: surrogates, overlong forms, stray bytes, beyond U+10FFFF. */
    CHECK_STR(err_str(HDR "<message><body>\xED\xA0\x80</body></message>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message><body>\xC0\xAF</body></message>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message><body>\xE0\x80\xAF</body></message>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message><body>\xF0\x80\x80\xAF</body></message>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message><body>\xF4\x90\x80\x80</body></message>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message><body>\x80</body></message>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message><body>\xFF</body></message>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message><body>\xC3</body></message>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message><body>\xEF\xBF\xBE</body></message>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message to='\xED\xBF\xBF'/>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<m\xC3\x28/>"), "not-well-formed");
    /* Character references must name XML Chars (XML 1.0 §4.1). */
    CHECK_STR(err_str(HDR "<message><body>&#0;</body></message>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message><body>&#x0;</body></message>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message><body>&#xD800;</body></message>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message><body>&#xFFFE;</body></message>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message><body>&#x110000;</body></message>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message><body>&#99999999999999999999;</body></message>"),
              "not-well-formed");
    CHECK_STR(err_str(HDR "<message><body>&#8;</body></message>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message><body>&#;</body></message>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message><body>&#x;</body></message>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message><body>&#12a;</body></message>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message to='&#1;'/>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message><body>a & b</body></message>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message><body>&amp</body></message>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message><body>]]></body></message>"), "not-well-formed");
    CHECK_STR(err_str(HDR "<message><![CDATA[x]]></message>"), "(none)");
    CHECK_STR(err_str(HDR "<message><![CDAT[x]]></message>"), "not-well-formed");
    CHECK_STR(err_str("hello" HDR), "not-well-formed");
    CHECK_STR(err_str(HDR "</stream:stream><message/>"), "not-well-formed");
    CHECK_STR(err_str(HDR "</stream:stream>x"), "not-well-formed");
    CHECK_STR(err_str(HDR "</stream:stream> \n"), "(none)");
    CHECK_STR(err_str("<?xml version='1.0'?>" HDR "<a>&#x10FFFF;&#xE000;&#9;</a>"), "(none)");
}

static void test_stream_level(void)
{
    CHECK_STR(err_str(HDR "hello"), "bad-format");
    CHECK_STR(err_str(HDR "&amp;"), "bad-format");
    CHECK_STR(err_str(HDR "<![CDATA[x]]>"), "bad-format");
    CHECK_STR(err_str("<stream:stream xmlns:stream='http://etherx.jabber.org/streams'/>"),
              "bad-format");
    CHECK_STR(err_str("<message xmlns='jabber:client'>"), "bad-format");
    CHECK_STR(err_str("<stream:stream xmlns:stream='urn:wrong'>"), "invalid-namespace");
    CHECK_STR(err_str("<stream:stream xmlns='http://etherx.jabber.org/streams'>"),
              "invalid-namespace");
    CHECK_STR(err_str("<stream xmlns='http://etherx.jabber.org/streams'></stream>"), "(none)");
    CHECK_STR(err_str("<s:stream xmlns:s='http://etherx.jabber.org/streams'><a/></s:stream>"),
              "(none)");
}

/* Outcome and number of stanzas from one feed. */
static const char *feed_all(const char *data, size_t len, const struct framer_limits *lim,
                            int *stanzas)
{
    struct framer *f = framer_new(lim);
    const char *s, *cond = "(none)";
    size_t n;
    enum framer_event ev;

    *stanzas = 0;
    framer_feed(f, data, len);
    while ((ev = framer_next(f, &s, &n)) != FRAMER_NEED_MORE) {
        if (ev == FRAMER_STANZA)
            (*stanzas)++;
        if (ev == FRAMER_ERROR) {
            cond = framer_error_condition(f);
            CHECK(framer_error_text(f) && framer_error_text(f)[0]);
            break;
        }
    }
    CHECK(framer_feed(f, "x", 1) == (strcmp(cond, "(none)") == 0 ? 0 : -1));
    framer_free(f);
    return cond;
}

static char *nested(int depth)
{
    size_t cap = (size_t)depth * 8 + sizeof HDR + 1;
    char *s = malloc(cap);
    size_t n = snprintf(s, cap, "%s", HDR);

    for (int i = 0; i < depth; i++)
        n += snprintf(s + n, cap - n, "<a>");
    for (int i = 0; i < depth; i++)
        n += snprintf(s + n, cap - n, "</a>");
    return s;
}

static char *many_attrs(int count)
{
    size_t cap = (size_t)count * 16 + sizeof HDR + 16;
    char *s = malloc(cap);
    size_t n = snprintf(s, cap, "%s<m", HDR);

    for (int i = 0; i < count; i++)
        n += snprintf(s + n, cap - n, " a%d='%d'", i, i);
    snprintf(s + n, cap - n, "/>");
    return s;
}

/* A stanza of exactly size bytes: <m>xxxx...</m> */
static char *big_stanza(size_t size, size_t *len)
{
    size_t hl = strlen(HDR);
    char *s = malloc(hl + size + 1);

    memcpy(s, HDR, hl);
    memcpy(s + hl, "<m>", 3);
    memset(s + hl + 3, 'x', size - 7);
    memcpy(s + hl + size - 4, "</m>", 4);
    *len = hl + size;
    s[*len] = '\0';
    return s;
}

static void test_limits(void)
{
    int count;
    char *s;
    size_t len;

    s = nested(64);
    CHECK_STR(feed_all(s, strlen(s), NULL, &count), "(none)");
    CHECK(count == 1);
    free(s);
    s = nested(65);
    CHECK_STR(feed_all(s, strlen(s), NULL, &count), "policy-violation");
    free(s);
    s = nested(100000);
    CHECK_STR(feed_all(s, strlen(s), NULL, &count), "policy-violation");
    free(s);

    s = many_attrs(64);
    CHECK_STR(feed_all(s, strlen(s), NULL, &count), "(none)");
    CHECK(count == 1);
    free(s);
    s = many_attrs(65);
    CHECK_STR(feed_all(s, strlen(s), NULL, &count), "policy-violation");
    free(s);

    s = big_stanza((size_t)1 << 20, &len);
    CHECK_STR(feed_all(s, len, NULL, &count), "(none)");
    CHECK(count == 1);
    free(s);
    s = big_stanza(((size_t)1 << 20) + 1, &len);
    CHECK_STR(feed_all(s, len, NULL, &count), "policy-violation");
    free(s);

    /* Custom limits. */
    struct framer_limits lim = {.max_stanza = 100, .max_depth = 2, .max_attrs = 2};
    CHECK_STR(feed_all(HDR "<a><b/></a>", strlen(HDR) + 11, &lim, &count), "(none)");
    CHECK_STR(feed_all(HDR "<a><b><c/></b></a>", strlen(HDR) + 18, &lim, &count),
              "policy-violation");
    CHECK_STR(feed_all(HDR "<a x='1' y='2' z='3'/>", strlen(HDR) + 22, &lim, &count),
              "policy-violation");
    s = big_stanza(101, &len);
    CHECK_STR(feed_all(s, len, &lim, &count), "policy-violation");
    free(s);
    s = big_stanza(100, &len);
    CHECK_STR(feed_all(s, len, &lim, &count), "(none)");
    free(s);
}

/* A 1 MiB+1 stanza fed one byte at a time: rejected, and in linear time
 * (a rescanning framer would take minutes here). */
static void test_big_bytewise(void)
{
    size_t len;
    char *s = big_stanza(((size_t)1 << 20) + 1, &len);
    struct framer *f = framer_new(NULL);
    enum framer_event ev = FRAMER_NEED_MORE;
    const char *t;
    size_t n;

    for (size_t i = 0; i < len && ev != FRAMER_ERROR; i++) {
        framer_feed(f, s + i, 1);
        while ((ev = framer_next(f, &t, &n)) == FRAMER_HEADER)
            ;
    }
    CHECK(ev == FRAMER_ERROR);
    CHECK_STR(framer_error_condition(f), "policy-violation");
    framer_free(f);
    free(s);
}

/* A large stanza grows the buffer; once it is consumed the buffer is
 * small again, and a stanza begun before that is kept whole. */
static void test_shrink(void)
{
    size_t len;
    char *s = big_stanza((size_t)512 * 1024, &len);
    struct framer *f = framer_new(NULL);
    const char *t;
    size_t n;

    CHECK(framer_feed(f, s, len) == 0);
    CHECK(framer_feed(f, "<a x='1'>", 9) == 0);
    CHECK(framer_next(f, &t, &n) == FRAMER_HEADER);
    CHECK(framer_next(f, &t, &n) == FRAMER_STANZA);
    CHECK(n == len - strlen(HDR));
    CHECK(framer_next(f, &t, &n) == FRAMER_NEED_MORE);
    CHECK(framer_buffer_size(f) >= (size_t)512 * 1024);
    CHECK(framer_feed(f, "hi</a><b/>", 10) == 0);
    CHECK(framer_buffer_size(f) <= 64 * 1024);
    CHECK(framer_next(f, &t, &n) == FRAMER_STANZA);
    CHECK(n == 15 && memcmp(t, "<a x='1'>hi</a>", 15) == 0);
    CHECK(framer_next(f, &t, &n) == FRAMER_STANZA);
    CHECK(n == 4 && memcmp(t, "<b/>", 4) == 0);
    framer_free(f);
    free(s);
}

static void test_restart(void)
{
    struct framer *f = framer_new(NULL);
    const char *s;
    size_t n;
    const char *first = "<?xml version='1.0'?>" HDR "<features/><proceed/>";
    const char *second = "<?xml version='1.0'?>" HDR "<success/>";

    framer_feed(f, first, strlen(first));
    CHECK(framer_next(f, &s, &n) == FRAMER_HEADER);
    CHECK(n == strlen(HDR) && memcmp(s, HDR, n) == 0);
    CHECK(framer_next(f, &s, &n) == FRAMER_STANZA);
    CHECK(framer_next(f, &s, &n) == FRAMER_STANZA);
    CHECK(n == 10 && memcmp(s, "<proceed/>", n) == 0);
    CHECK(framer_next(f, &s, &n) == FRAMER_NEED_MORE);

    /* RFC 6120 §5.4.3.3: a new stream, which may open with a declaration. */
    framer_reset(f);
    framer_feed(f, second, strlen(second));
    CHECK(framer_next(f, &s, &n) == FRAMER_HEADER);
    CHECK(framer_next(f, &s, &n) == FRAMER_STANZA);
    CHECK(n == 10 && memcmp(s, "<success/>", n) == 0);

    /* Half a stanza is forgotten by a reset. */
    framer_feed(f, "<iq type='res", 13);
    CHECK(framer_next(f, &s, &n) == FRAMER_NEED_MORE);
    framer_reset(f);
    framer_feed(f, HDR "<a/>", strlen(HDR) + 4);
    CHECK(framer_next(f, &s, &n) == FRAMER_HEADER);
    CHECK(framer_next(f, &s, &n) == FRAMER_STANZA);

    /* An error sticks until reset. */
    framer_feed(f, "<!-- x -->", 10);
    CHECK(framer_next(f, &s, &n) == FRAMER_ERROR);
    CHECK(framer_next(f, &s, &n) == FRAMER_ERROR);
    CHECK(framer_feed(f, "<a/>", 4) == -1);
    framer_reset(f);
    CHECK(framer_error_condition(f) == NULL);
    framer_feed(f, HDR "</stream:stream>", strlen(HDR) + 16);
    CHECK(framer_next(f, &s, &n) == FRAMER_HEADER);
    CHECK(framer_next(f, &s, &n) == FRAMER_STREAM_END);
    CHECK(framer_next(f, &s, &n) == FRAMER_NEED_MORE);
    framer_free(f);
}

static void test_many_stanzas(void)
{
    const char *one = "<message to='a@b/c' id='x'><body>hi &amp; bye</body></message>\n";
    size_t ol = strlen(one), hl = strlen(HDR), count = 10000;
    char *s = malloc(hl + ol * count + 1);
    int stanzas;

    memcpy(s, HDR, hl);
    for (size_t i = 0; i < count; i++)
        memcpy(s + hl + i * ol, one, ol);
    CHECK_STR(feed_all(s, hl + ol * count, NULL, &stanzas), "(none)");
    CHECK(stanzas == 10000);

    /* The same in 1000-byte chunks, checking every stanza's bytes. */
    struct framer *f = framer_new(NULL);
    const char *t;
    size_t n, total = hl + ol * count, good = 0;
    for (size_t i = 0; i < total; i += 1000) {
        framer_feed(f, s + i, total - i < 1000 ? total - i : 1000);
        enum framer_event ev;
        while ((ev = framer_next(f, &t, &n)) != FRAMER_NEED_MORE) {
            if (ev == FRAMER_STANZA && n == ol - 1 && memcmp(t, one, n) == 0)
                good++;
        }
    }
    CHECK(good == count);
    framer_free(f);
    free(s);
}

/* Each text is NUL-terminated in place, and the byte under the NUL (the
 * start of the next stanza) is back when scanning goes on. */
static void test_terminated_in_place(void)
{
    struct framer *f = framer_new(NULL);
    const char *s;
    size_t n;
    const char *in = HDR "<a/><b>x</b><c";

    framer_feed(f, in, strlen(in));
    CHECK(framer_next(f, &s, &n) == FRAMER_HEADER);
    CHECK(s[n] == '\0');
    CHECK(framer_next(f, &s, &n) == FRAMER_STANZA);
    CHECK(n == 4 && memcmp(s, "<a/>", 4) == 0 && s[n] == '\0');
    CHECK(framer_next(f, &s, &n) == FRAMER_STANZA);
    CHECK(n == 8 && memcmp(s, "<b>x</b>", 8) == 0 && s[n] == '\0');
    CHECK(framer_next(f, &s, &n) == FRAMER_NEED_MORE);
    /* The '<' of <c sat under the last NUL: feeding must not lose it. */
    framer_feed(f, "/>", 2);
    CHECK(framer_next(f, &s, &n) == FRAMER_STANZA);
    CHECK(n == 4 && memcmp(s, "<c/>", 4) == 0 && s[n] == '\0');
    framer_free(f);
}

int main(void)
{
    test_terminated_in_place();
    test_session_whole();
    test_session_splits();
    test_restricted_xml();
    test_not_well_formed();
    test_stream_level();
    test_limits();
    test_big_bytewise();
    test_shrink();
    test_restart();
    test_many_stanzas();
    return check_done();
}

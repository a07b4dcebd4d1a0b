/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_stanza.c - Mini-XML glue: namespaces, iteration, exact text,
 * escaping, builders and the one-line serialiser. */
#include "../check.h"
#include "xml/framer.h"
#include "xml/stanza.h"

#include <stdlib.h>
#include <string.h>

static mxml_node_t *parse(const char *s)
{
    char err[256];
    mxml_node_t *n = stanza_parse(s, strlen(s), err, sizeof err);
    if (!n)
        fprintf(stderr, "parse failed: %s: %s\n", err, s);
    return n;
}

/* stanza_text of the first element child named local, freed for you. */
static char *last_text;

static const char *text_of(mxml_node_t *el, const char *local)
{
    free(last_text);
    last_text = stanza_text(local ? stanza_child(el, NULL, local) : el);
    return last_text;
}

static void test_namespaces(void)
{
    mxml_node_t *m = parse("<message xmlns:foo='urn:foo' to='a@b'>"
                           "<body>hi</body><foo:x/><x xmlns='urn:bar'><y/><foo:z/></x>"
                           "<stream:error/><baz:w/><xml:q/></message>");
    CHECK(m != NULL);
    if (!m)
        return;
    CHECK_STR(stanza_ns(m), NS_CLIENT);
    CHECK_STR(stanza_local(m), "message");
    CHECK(stanza_is(m, NS_CLIENT, "message"));
    CHECK(!stanza_is(m, "urn:foo", "message"));

    mxml_node_t *body = stanza_child(m, NS_CLIENT, "body");
    CHECK(body != NULL);
    CHECK_STR(stanza_ns(body), NS_CLIENT);

    mxml_node_t *fx = stanza_child(m, "urn:foo", "x");
    CHECK(fx != NULL);
    CHECK_STR(stanza_local(fx), "x");
    CHECK_STR(mxmlGetElement(fx), "foo:x");

    mxml_node_t *bx = stanza_child(m, "urn:bar", "x");
    CHECK(bx != NULL && bx != fx);
    CHECK_STR(stanza_ns(bx), "urn:bar");
    CHECK_STR(stanza_ns(stanza_child(bx, NULL, "y")), "urn:bar");
    CHECK_STR(stanza_ns(stanza_child(bx, NULL, "z")), "urn:foo");
    CHECK(stanza_child(m, NS_CLIENT, "x") == NULL);

    mxml_node_t *se = stanza_child(m, NS_STREAM, "error");
    CHECK(se != NULL);
    CHECK_STR(stanza_local(se), "error");
    CHECK_STR(stanza_ns(stanza_child(m, NULL, "w")), "");
    CHECK_STR(stanza_ns(stanza_child(m, NULL, "q")), "http://www.w3.org/XML/1998/namespace");
    CHECK_STR(stanza_attr(m, "to"), "a@b");
    CHECK(stanza_attr(m, "from") == NULL);
    mxmlDelete(m);

    /* A stanza that redeclares the default and the stream prefix. */
    m = parse("<iq xmlns='jabber:server' xmlns:stream='urn:other'><stream:x/></iq>");
    CHECK_STR(stanza_ns(m), "jabber:server");
    CHECK_STR(stanza_ns(stanza_first_element(m)), "urn:other");
    mxmlDelete(m);

    /* The stream header, parsed by making it self-closing. */
    const char *hdr = "<stream:stream xmlns='jabber:client' "
                      "xmlns:stream='http://etherx.jabber.org/streams' id='abc' version='1.0'>";
    char err[128];
    mxml_node_t *h = stanza_parse_header(hdr, strlen(hdr), err, sizeof err);
    CHECK(h != NULL);
    CHECK(stanza_is(h, NS_STREAM, "stream"));
    CHECK_STR(stanza_attr(h, "id"), "abc");
    CHECK_STR(stanza_attr(h, "version"), "1.0");
    mxmlDelete(h);
    const char *hdr2 = "<?xml version='1.0'?><stream:stream "
                       "xmlns:stream='http://etherx.jabber.org/streams' from='x'> \n";
    h = stanza_parse_header(hdr2, strlen(hdr2), err, sizeof err);
    CHECK(h != NULL);
    CHECK(stanza_is(h, NS_STREAM, "stream"));
    CHECK_STR(stanza_attr(h, "from"), "x");
    mxmlDelete(h);
    CHECK(stanza_parse_header("<a", 2, err, sizeof err) == NULL);
}

static void test_iteration(void)
{
    mxml_node_t *iq = parse("<iq type='result'>\n  <a n='1'/>\n  text\n  <b/>\n"
                            "  <![CDATA[cd]]>\n  <a n='2'>\n    <c/>\n  </a>\n</iq>");
    CHECK(iq != NULL);
    if (!iq)
        return;
    mxml_node_t *e = stanza_first_element(iq);
    CHECK(e && strcmp(stanza_local(e), "a") == 0);
    e = stanza_next_element(e);
    CHECK(e && strcmp(stanza_local(e), "b") == 0);
    e = stanza_next_element(e);
    CHECK(e && strcmp(stanza_local(e), "a") == 0);
    CHECK(stanza_next_element(e) == NULL);

    int count = 0;
    for (mxml_node_t *a = stanza_child(iq, NS_CLIENT, "a"); a; a = stanza_next(a, NS_CLIENT, "a"))
        count++;
    CHECK(count == 2);
    mxml_node_t *a2 = stanza_next(stanza_child(iq, NULL, "a"), NULL, "a");
    CHECK_STR(stanza_attr(a2, "n"), "2");
    CHECK(stanza_first_element(stanza_first_element(a2)) == NULL);
    CHECK(stanza_child(iq, NULL, "nope") == NULL);
    CHECK(stanza_child(NULL, NULL, NULL) == NULL);
    mxmlDelete(iq);
}

static void test_text(void)
{
    mxml_node_t *m = parse("<message><body>  two spaces\n\tand a tab\r\n  </body>"
                           "<subject>&lt;&amp;&gt;&quot;&apos;&#10;&#x263A;&#233;</subject>"
                           "<x>a <![CDATA[<b>&amp;]]]> c <![CDATA[]]></x>"
                           "<y><![CDATA[]]]]]></y><e/><u>Здравствуй 😀</u></message>");
    CHECK(m != NULL);
    if (!m)
        return;
    CHECK_STR(text_of(m, "body"), "  two spaces\n\tand a tab\r\n  ");
    CHECK_STR(text_of(m, "subject"), "<&>\"'\n\xe2\x98\xba\xc3\xa9");
    CHECK_STR(text_of(m, "x"), "a <b>&amp;] c ");
    CHECK_STR(text_of(m, "y"), "]]]");
    CHECK_STR(text_of(m, "e"), "");
    CHECK_STR(text_of(m, "u"), "Здравствуй 😀");
    mxmlDelete(m);

    /* Attributes keep newlines written as references. */
    m = parse("<m a='x&#10;y&#9;z&#13;' b=\"&quot;'&gt;/\"/>");
    CHECK_STR(stanza_attr(m, "a"), "x\ny\tz\r");
    CHECK_STR(stanza_attr(m, "b"), "\"'>/");
    mxmlDelete(m);
}

static void test_parse_rejects(void)
{
    char err[128];

    /* Mini-XML's HTML entity table is gone. */
    CHECK(stanza_parse("<a>&nbsp;</a>", 13, err, sizeof err) == NULL);
    CHECK(err[0] != '\0');
    CHECK(stanza_parse("<a>&eacute;</a>", 15, err, sizeof err) == NULL);
    CHECK(stanza_parse("<a>x\0y</a>", 10, err, sizeof err) == NULL);
    CHECK(stanza_parse("<a><b></a>", 10, err, sizeof err) == NULL);
    CHECK(stanza_parse("text", 4, err, sizeof err) == NULL);
    CHECK(stanza_parse("", 0, err, sizeof err) == NULL);
    mxml_node_t *ok = stanza_parse("<a>&amp;</a>x", 12, NULL, 0);
    CHECK(ok != NULL);
    mxmlDelete(ok);
}

static void test_escaping(void)
{
    mxml_node_t *m = stanza_new("message");
    size_t len;

    CHECK(stanza_set_attr(m, "to", "a&b<c>d\"e'f\tg\nh\ri") == 0);
    CHECK(stanza_add_text_child(m, "body", "x & y < z > w \" ' \n end") != NULL);
    char *s = stanza_serialize(m, &len);
    CHECK_STR(s, "<message to=\"a&amp;b&lt;c&gt;d&quot;e&apos;f&#9;g&#10;h&#13;i\">"
                 "<body>x &amp; y &lt; z &gt; w \" ' \n end</body></message>");
    CHECK(s && len == strlen(s));
    free(s);
    mxmlDelete(m);

    /* No declaration and no added newlines, however long. */
    m = stanza_new("iq");
    stanza_set_attr(m, "type", "set");
    stanza_set_attr(m, "id", "0123456789012345678901234567890123456789");
    mxml_node_t *q = stanza_add(m, "query");
    stanza_set_attr(q, "xmlns", "jabber:iq:roster");
    for (int i = 0; i < 20; i++) {
        mxml_node_t *item = stanza_add(q, "item");
        stanza_set_attr(item, "jid", "somebody.with.a.long.name@conference.example.org/resource");
        stanza_set_attr(item, "name", "Some Body With A Long Name");
    }
    s = stanza_serialize(m, &len);
    CHECK(s && strstr(s, "<?xml") == NULL);
    CHECK(s && strchr(s, '\n') == NULL);
    CHECK(s && strncmp(s, "<iq type=\"set\" id=\"0123", 23) == 0);
    CHECK(s && len > 2000);
    free(s);
    mxmlDelete(m);

    m = stanza_new("presence");
    s = stanza_serialize(m, NULL);
    CHECK_STR(s, "<presence/>");
    free(s);
    mxmlDelete(m);
}

static void test_round_trip(void)
{
    const char *in = "<message id='a&#10;b&#9;c' to=\"x'y\">\n <body>  lead\n\n trail  </body>"
                     "<html xmlns='http://jabber.org/protocol/xhtml-im'><p>a<b>b</b>c</p></html>"
                     "<x><![CDATA[<&>]]></x></message>";
    mxml_node_t *a = parse(in);
    size_t len;
    char *s1 = stanza_serialize(a, &len);
    CHECK(s1 != NULL);
    mxml_node_t *b = stanza_parse(s1, len, NULL, 0);
    CHECK(b != NULL);
    if (!a || !b)
        return;
    CHECK_STR(stanza_attr(b, "id"), "a\nb\tc");
    CHECK_STR(stanza_attr(b, "to"), "x'y");
    CHECK_STR(text_of(b, "body"), "  lead\n\n trail  ");
    CHECK_STR(text_of(b, "x"), "<&>");
    char *s2 = stanza_serialize(b, NULL);
    CHECK_STR(s1, s2);
    CHECK(strstr(s1, "<p>a<b>b</b>c</p>") != NULL);

    /* The serialised form goes through the framer unchanged. */
    struct framer *f = framer_new(NULL);
    const char *hdr = "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>";
    const char *t;
    size_t n;
    framer_feed(f, hdr, strlen(hdr));
    framer_feed(f, s1, len);
    CHECK(framer_next(f, &t, &n) == FRAMER_HEADER);
    CHECK(framer_next(f, &t, &n) == FRAMER_STANZA);
    CHECK(n == len && memcmp(t, s1, n) == 0);
    framer_free(f);

    free(s1);
    free(s2);
    mxmlDelete(a);
    mxmlDelete(b);
}

static void test_builders(void)
{
    mxml_node_t *m = stanza_new("message");

    CHECK(m != NULL);
    CHECK(stanza_new("") == NULL);
    CHECK(stanza_new("1abc") == NULL);
    CHECK(stanza_new("a b") == NULL);
    CHECK(stanza_new("a<b") == NULL);
    CHECK(stanza_new(NULL) == NULL);
    CHECK(stanza_add(m, "bad name") == NULL);
    CHECK(stanza_set_attr(m, "x", "\x01") == -1);
    CHECK(stanza_set_attr(m, "x", "a\x7f") == 0);
    CHECK(stanza_set_attr(m, "x", "\x1b[31m") == -1);
    CHECK(stanza_set_attr(m, "x", "\xC3") == -1);
    CHECK(stanza_set_attr(m, "x", "\xC3\x28") == -1);
    CHECK(stanza_set_attr(m, "x", "\xED\xA0\x80") == -1);
    CHECK(stanza_set_attr(m, "x", "\xC0\x80") == -1);
    CHECK(stanza_set_attr(m, "x", "\xE0\x80\xAF") == -1);
    CHECK(stanza_set_attr(m, "x", "\xF4\x90\x80\x80") == -1);
    CHECK(stanza_set_attr(m, "x", "\xEF\xBF\xBF") == -1);
    CHECK(stanza_set_attr(m, "x", NULL) == -1);
    CHECK(stanza_set_attr(m, "=", "v") == -1);
    CHECK(stanza_set_attr(m, "x", "caf\xC3\xA9 \xF0\x9F\x98\x80\t\n\r") == 0);
    CHECK(stanza_add_text(m, "bell\x07") == -1);
    CHECK(stanza_add_text(m, "\xFF") == -1);
    CHECK(stanza_add_text(m, "tab\tnl\ncr\r ok") == 0);
    CHECK(stanza_add_text_child(m, "body", "esc\x1b") == NULL);
    CHECK(stanza_child(m, NULL, "body") == NULL);
    CHECK(stanza_add_text_child(m, "body", "") != NULL);
    CHECK_STR(text_of(m, NULL), "tab\tnl\ncr\r ok");

    CHECK(stanza_valid_text("", 0));
    CHECK(stanza_valid_text("a\0b", 1));
    CHECK(!stanza_valid_text("a\0b", 3));
    CHECK(stanza_valid_text("\xF0\x90\x80\x80", 4));
    CHECK(!stanza_valid_text("\xF0\x90\x80", 3));
    CHECK(stanza_valid_text("\xEF\xBF\xBD", 3));
    CHECK(!stanza_valid_text("\xEF\xBF\xBE", 3));
    CHECK(!stanza_valid_text(NULL, 0));
    mxmlDelete(m);
}

struct taken {
    int count;
    char jids[4][32];
};

/* Takes roster items, and leaves anything else in the tree. */
static bool take_item(mxml_node_t *item, void *ctx)
{
    struct taken *t = ctx;
    mxml_node_t *query = mxmlGetParent(item);
    mxml_node_t *root = mxmlGetParent(query);
    if (!stanza_is(item, "jabber:iq:roster", "item") || !stanza_attr(root, "id"))
        return false;
    if (t->count < 4)
        snprintf(t->jids[t->count], sizeof t->jids[0], "%s", stanza_attr(item, "jid"));
    /* The item is whole: its children are there. */
    CHECK(stanza_child(item, "jabber:iq:roster", "group") != NULL);
    t->count++;
    return true;
}

static void test_parse_items(void)
{
    char err[128];
    const char *xml = "<iq id='r1' type='result'><query xmlns='jabber:iq:roster'>\n"
                      " <item jid='a@x'><group>G</group></item>\n"
                      " <item jid='b@x'><group>G</group><group>H</group></item>\n"
                      " <other/>\n</query></iq>";
    struct taken t = {0};
    mxml_node_t *iq = stanza_parse_items(xml, strlen(xml), take_item, &t, err, sizeof err);
    CHECK(iq != NULL);
    CHECK(t.count == 2);
    CHECK(strcmp(t.jids[0], "a@x") == 0 && strcmp(t.jids[1], "b@x") == 0);
    mxml_node_t *query = stanza_child(iq, "jabber:iq:roster", "query");
    CHECK(query != NULL);
    CHECK(stanza_child(query, NULL, "item") == NULL);
    CHECK(stanza_child(query, NULL, "other") != NULL);
    CHECK(strcmp(stanza_attr(iq, "id"), "r1") == 0);
    mxmlDelete(iq);

    /* Without a taker it is stanza_parse; a broken stanza fails cleanly
     * even after items were taken. */
    iq = stanza_parse_items(xml, strlen(xml), NULL, NULL, err, sizeof err);
    CHECK(iq && stanza_child(stanza_child(iq, NULL, "query"), NULL, "item") != NULL);
    mxmlDelete(iq);
    const char *broken = "<iq id='r1'><query xmlns='jabber:iq:roster'>"
                         "<item jid='a@x'><group>G</group></item><item></query></iq>";
    t.count = 0;
    CHECK(stanza_parse_items(broken, strlen(broken), take_item, &t, err, sizeof err) == NULL);
    CHECK(err[0] != '\0');

    /* Text that is not NUL-terminated at len is copied, not read past. */
    char buf[64];
    const char *two = "<iq id='x'/><iq id='y'/>";
    memcpy(buf, two, strlen(two) + 1);
    iq = stanza_parse_items(buf, 12, take_item, &t, err, sizeof err);
    CHECK(iq && strcmp(stanza_attr(iq, "id"), "x") == 0);
    mxmlDelete(iq);
}

int main(void)
{
    test_parse_items();
    test_namespaces();
    test_iteration();
    test_text();
    test_parse_rejects();
    test_escaping();
    test_round_trip();
    test_builders();
    free(last_text);
    return check_done();
}

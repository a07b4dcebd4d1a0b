/* test_ui_iqview.c - pulling the values /version and /disco show out of
 * an IQ answer's text: both quote styles, prefixes, entities, and hostile
 * input (unterminated tags and quotes, bogus entities, control
 * characters, tiny buffers) that must find nothing or something safe,
 * never read past the end. */
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "ui/iqview.h"

static bool text_of(const char *xml, const char *local, char *out, size_t outlen)
{
    return iqview_text(xml, strlen(xml), local, out, outlen);
}

static void test_version(void)
{
    const char *v = "<iq type='result' from='bob@localhost/x' id='q1'>"
                    "<query xmlns='jabber:iq:version'><name>tuktuk</name>"
                    "<version>0.1.0</version><os>Linux &amp; &lt;friends&gt; &#x263A;</os>"
                    "</query></iq>";
    char out[64];
    CHECK(text_of(v, "name", out, sizeof out));
    CHECK_STR(out, "tuktuk");
    CHECK(text_of(v, "version", out, sizeof out));
    CHECK_STR(out, "0.1.0");
    CHECK(text_of(v, "os", out, sizeof out));
    CHECK_STR(out, "Linux & <friends> \xe2\x98\xba");
    CHECK(!text_of(v, "missing", out, sizeof out));
    CHECK(text_of("<a><name/></a>", "name", out, sizeof out) && out[0] == '\0');
    /* a prefixed element counts by its local name */
    CHECK(text_of("<v:query xmlns:v='jabber:iq:version'><v:name>x</v:name></v:query>", "name", out,
                  sizeof out));
    CHECK_STR(out, "x");
    /* <named> is not <name> */
    CHECK(!text_of("<named>no</named>", "name", out, sizeof out));
    /* the end tag is not a start tag */
    CHECK(!text_of("</name>", "name", out, sizeof out));
}

static void test_disco(void)
{
    const char *d = "<iq type=\"result\"><query xmlns=\"http://jabber.org/protocol/disco#info\">"
                    "<identity category=\"server\" type=\"im\" name=\"Prosody &quot;x&quot;\"/>"
                    "<identity type='pc' category='client'/>"
                    "<feature var=\"urn:xmpp:ping\"/><feature var='jabber:iq:version'/>"
                    "</query></iq>";
    size_t pos = 0, taglen, n = 0;
    const char *tag;
    char out[64];
    CHECK(iqview_next_tag(d, strlen(d), &pos, "identity", &tag, &taglen));
    CHECK(iqview_attr(tag, taglen, "category", out, sizeof out));
    CHECK_STR(out, "server");
    CHECK(iqview_attr(tag, taglen, "name", out, sizeof out));
    CHECK_STR(out, "Prosody \"x\"");
    CHECK(!iqview_attr(tag, taglen, "var", out, sizeof out));
    CHECK(iqview_next_tag(d, strlen(d), &pos, "identity", &tag, &taglen));
    CHECK(iqview_attr(tag, taglen, "category", out, sizeof out));
    CHECK_STR(out, "client");
    CHECK(!iqview_next_tag(d, strlen(d), &pos, "identity", &tag, &taglen));
    pos = 0;
    while (iqview_next_tag(d, strlen(d), &pos, "feature", &tag, &taglen))
        n += iqview_attr(tag, taglen, "var", out, sizeof out);
    CHECK(n == 2);
    /* '>' inside a quoted value does not end the tag */
    const char *q = "<feature var='a>b' x=\"1\"/>";
    pos = 0;
    CHECK(iqview_next_tag(q, strlen(q), &pos, "feature", &tag, &taglen));
    CHECK(taglen == strlen(q) && iqview_attr(tag, taglen, "x", out, sizeof out));
    CHECK_STR(out, "1");
    /* comments and CDATA hide what is inside them */
    const char *c = "<!-- <feature var='no'/> --><![CDATA[<feature var='no'/>]]>"
                    "<feature var='yes'/>";
    pos = 0;
    CHECK(iqview_next_tag(c, strlen(c), &pos, "feature", &tag, &taglen));
    CHECK(iqview_attr(tag, taglen, "var", out, sizeof out));
    CHECK_STR(out, "yes");
}

static void test_hostile(void)
{
    char out[16];
    size_t pos = 0, taglen;
    const char *tag;
    static const char *const bad[] = {
        "",
        "<",
        "<name",
        "<name attr='x",
        "<!--",
        "<![CDATA[",
        "<name>x",
        "<feature var=>",
        "<feature var='x' y>",
        "<<<<>>>>",
        "<feature var",
        "<feature var =  'ok'  ",
        "\x01\x02<name>\x7f</name>",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t len = strlen(bad[i]);
        /* each one copied to the heap so that ASan sees any overread */
        char *copy = malloc(len ? len : 1);
        memcpy(copy, bad[i], len);
        pos = 0;
        while (iqview_next_tag(copy, len, &pos, "feature", &tag, &taglen))
            iqview_attr(tag, taglen, "var", out, sizeof out);
        CHECK(pos <= len);
        iqview_text(copy, len, "name", out, sizeof out);
        CHECK(strlen(out) < sizeof out);
        free(copy);
    }
    /* an unterminated value finds nothing */
    const char *u = "<feature var='x>";
    pos = 0;
    CHECK(!iqview_next_tag(u, strlen(u), &pos, "feature", &tag, &taglen));
    /* controls show as '?', bogus entities as they are */
    char big[64];
    CHECK(text_of("<name>a\tb&#1;&#xD800;&bogus;&#;&</name>", "name", big, sizeof big));
    CHECK_STR(big, "a?b?&#xD800;&bogus;&#;&");
    /* cut to the buffer, never inside a character */
    char small[6];
    CHECK(text_of("<name>\xe4\xb8\xad\xe6\x96\x87</name>", "name", small, sizeof small));
    CHECK_STR(small, "\xe4\xb8\xad");
    CHECK(text_of("<name>abc</name>", "name", small, 1) && small[0] == '\0');
    /* a spoofed attribute name that merely ends like the one asked for */
    const char *s = "<feature xvar='no' var='yes'/>";
    pos = 0;
    CHECK(iqview_next_tag(s, strlen(s), &pos, "feature", &tag, &taglen));
    CHECK(iqview_attr(tag, taglen, "var", out, sizeof out));
    CHECK_STR(out, "yes");
}

int main(void)
{
    test_version();
    test_disco();
    test_hostile();
    return check_done();
}

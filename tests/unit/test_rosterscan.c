/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_rosterscan.c - the roster result read without a tree: what it
 * accepts reads exactly as the Mini-XML tree does, and whatever it does
 * not know it refuses (the session then parses the general way). */
#include "../check.h"
#include "../roster_oracle.h"

#define IQ "<iq type='result' id='r1'>"
#define QUERY "<query xmlns='jabber:iq:roster'>"

/* Accepted, and read as the tree reads it. */
static void accepted(const char *xml, const char *expect)
{
    char *scan = oracle_scan(xml, strlen(xml), "r1");
    char *tree = oracle_tree(xml, strlen(xml), "r1");
    CHECK(scan != NULL);
    CHECK(tree != NULL);
    if (scan && tree && strcmp(scan, tree) != 0)
        fprintf(stderr, "scan: %s\ntree: %s\n", scan, tree);
    CHECK(scan && tree && strcmp(scan, tree) == 0);
    if (expect)
        CHECK_STR(scan, expect);
    free(scan);
    free(tree);
}

static void refused(const char *xml)
{
    char *scan = oracle_scan(xml, strlen(xml), "r1");
    if (scan)
        fprintf(stderr, "should refuse: %s\n", xml);
    CHECK(scan == NULL);
    free(scan);
}

static void test_plain_shapes(void)
{
    accepted(IQ QUERY "<item jid='a@x' name='A' subscription='both'><group>G</group></item>"
                      "</query></iq>",
             "6:roster 3:a@x 1:A 4:both - 1:G 1:\n - ");
    /* Space between everything, attributes in double quotes, space in
     * tags, several groups, an empty group (dropped), a self-closed item. */
    accepted("<iq  xmlns='jabber:client' id=\"r1\" type = 'result' >\n " QUERY "\n"
             "  <item jid=\"b@x\" ask='subscribe' subscription='none' >\n"
             "    <group>One</group> <group/> <group></group><group>Two</group>\n  </item >\n"
             "  <item jid='c@x'/>\n</query >\n</iq>",
             "6:roster 3:b@x - 4:none 9:subscribe 3:One 3:Two 1:\n 3:c@x - - - 1:\n - ");
    /* An item without a jid (the session skips it) whose first value is
     * an empty group (found by fuzz_rosterscan). */
    accepted(IQ QUERY "<item other='x'><group></group></item></query></iq>",
             "6:roster - - - - 1:\n - ");
    /* An empty roster, both ways of writing it; a roster version. */
    accepted(IQ QUERY "</query></iq>", "6:roster - ");
    accepted(IQ "<query xmlns='jabber:iq:roster' ver='v7'/></iq>", "6:roster 2:v7 ");
    /* Unknown attributes, xml:lang, and '>' inside a value are fine. */
    accepted(IQ QUERY "<item jid='d@x' approved='true' xml:lang='en' name='a>b'/></query></iq>",
             NULL);
}

static void test_references(void)
{
    accepted(IQ QUERY "<item jid='e@x' name='Tom &amp; &quot;Jerry&quot; &lt;3 &apos;&gt;'>"
                      "<group>R&amp;D</group></item></query></iq>",
             "6:roster 3:e@x 19:Tom & \"Jerry\" <3 '> - - 3:R&D 1:\n - ");
    /* Character references, decimal and hex, to 1-, 2-, 3- and 4-byte
     * UTF-8; text keeps its spaces and newlines exactly. */
    accepted(
        IQ QUERY "<item jid='f@x' name='&#65;&#xe9;&#x20AC;&#128512;'>"
                 "<group> two\n lines </group></item></query></iq>",
        "6:roster 3:f@x 10:A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 - - 12: two\n lines  1:\n - ");
    /* Raw UTF-8 passes through. */
    accepted(IQ QUERY "<item jid='g@x' name='\xe5\xbc\xa0\xe4\xb8\x89'/></query></iq>", NULL);
}

/* RFC 6121 §2.6.3: the version comes with the query, empty or not, its
 * references decoded; the items around it are read as before. */
static void test_versions(void)
{
    accepted(IQ "<query xmlns='jabber:iq:roster' ver=''/></iq>", "6:roster 0: ");
    accepted(IQ "<query ver=\"a&amp;b&#x20;c\" xmlns='jabber:iq:roster'>"
                "<item jid='a@x' subscription='to'/></query></iq>",
             "6:roster 3:a@x - 2:to - 1:\n 5:a&b c ");
    /* A version with a literal newline would be normalised by XML: the
     * general reader takes it. */
    refused(IQ "<query xmlns='jabber:iq:roster' ver='a\nb'/></iq>");
    /* The caller may not want it; nothing leaks then (ASan). */
    const char *xml = IQ "<query xmlns='jabber:iq:roster' ver='v9'/></iq>";
    CHECK(roster_scan(xml, strlen(xml), "r1", oracle_on_item, &(struct summary){0}, NULL));
    char *ver = (char *)"unchanged";
    const char *bad = IQ "<query xmlns='jabber:iq:roster' ver='v9'><x/></query></iq>";
    struct summary sum = {0};
    CHECK(!roster_scan(bad, strlen(bad), "r1", oracle_on_item, &sum, &ver));
    CHECK_STR(ver, "unchanged"); /* only set on success */
    free(sum.text);
}

static void test_refusals(void)
{
    refused("<iq type='result' id='r2'>" QUERY "</query></iq>"); /* another id */
    refused("<iq type='error' id='r1'>" QUERY "</query></iq>");
    refused("<iq type='result' id='r1'/>");
    refused("<message type='result' id='r1'>" QUERY "</query></message>");
    refused(IQ "<query xmlns='jabber:iq:private'></query></iq>");
    refused(IQ "<query></query></iq>");
    refused(IQ "<r:query xmlns:r='jabber:iq:roster'></r:query></iq>");
    refused(IQ "<query xmlns='jabber:iq:roster' xmlns:x='urn:x'></query></iq>");
    refused("<iq xmlns='urn:other' type='result' id='r1'>" QUERY "</query></iq>");
    refused(IQ QUERY "<item xmlns='urn:other' jid='a@x'/></query></iq>");
    refused(IQ QUERY "<item jid='a@x'><group xml:lang='en'>G</group></item></query></iq>");
    refused(IQ QUERY "<item jid='a@x'><other/></item></query></iq>");
    refused(IQ QUERY "<item jid='a@x'><group><![CDATA[G]]></group></item></query></iq>");
    refused(IQ QUERY "<item jid='a@x'><group>G<b/></group></item></query></iq>");
    refused(IQ QUERY "text<item jid='a@x'/></query></iq>");
    refused(IQ QUERY "<item jid='a@x'>text</item></query></iq>");
    refused(IQ QUERY "<item jid='a\nb@x'/></query></iq>"); /* XML would normalise it */
    refused(IQ QUERY "</query><extra/></iq>");
    refused(IQ "<before/>" QUERY "</query></iq>");
    refused(IQ QUERY "<item jid='a@x' a1='' a2='' a3='' a4='' a5='' a6='' a7='' a8='' a9='' a10='' "
                     "a11='' a12='' a13='' a14='' a15='' a16=''/></query></iq>");
    char *scan = oracle_scan(IQ QUERY "</query></iq>", strlen(IQ QUERY "</query></iq>"), NULL);
    CHECK(scan == NULL);
}

/* A refused stanza may have been read in part; items read before the
 * refusal are reported, and reading them again must be harmless. */
static void test_partial_then_refused(void)
{
    const char *xml = IQ QUERY "<item jid='a@x'/><item jid='b@x'><other/></item></query></iq>";
    struct summary sum = {0};
    CHECK(!roster_scan(xml, strlen(xml), "r1", oracle_on_item, &sum, NULL));
    CHECK(sum.text && strncmp(sum.text, "3:a@x", 5) == 0);
    free(sum.text);
}

int main(void)
{
    test_plain_shapes();
    test_references();
    test_versions();
    test_refusals();
    test_partial_then_refused();
    return check_done();
}

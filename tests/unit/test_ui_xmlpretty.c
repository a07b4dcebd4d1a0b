/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_ui_xmlpretty.c - the XML console's pretty-printer: one element per
 * line, indentation, text-only elements on one line, stream headers and
 * ends, quotes holding '>', and hostile input (unbalanced, binary, huge,
 * deep, unterminated) that must come out raw or cut, never crash. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "ui/xmlpretty.h"

/* The lines joined with '|', and some facts about them. */
struct collect {
    char buf[16384];
    size_t len;
    unsigned lines;
    size_t longest;
    unsigned stop_after; /* 0 = never */
    bool bad_char;       /* a NUL or control byte other than '\n' in a line */
};

static int on_line(void *ud, const char *line, size_t len)
{
    struct collect *c = ud;
    if (strlen(line) != len)
        c->bad_char = true;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)line[i] < 0x20 && line[i] != '\n')
            c->bad_char = true;
    if (len > c->longest)
        c->longest = len;
    int n = snprintf(c->buf + c->len, sizeof c->buf - c->len, "%s%s", c->lines ? "|" : "", line);
    if (n > 0 && (size_t)n < sizeof c->buf - c->len)
        c->len += (size_t)n;
    c->lines++;
    return c->stop_after && c->lines >= c->stop_after;
}

static enum xmlpretty_result run(const char *text, size_t len, struct collect *c)
{
    memset(c, 0, sizeof *c);
    return xmlpretty(text, len, on_line, c);
}

static enum xmlpretty_result run_str(const char *text, struct collect *c)
{
    return run(text, strlen(text), c);
}

static void test_pretty(void)
{
    struct collect c;
    CHECK(run_str("<message to='bob@localhost' type='chat'><body>raw hello</body></message>", &c) ==
          XMLPRETTY_PRETTY);
    CHECK_STR(c.buf, "<message to='bob@localhost' type='chat'>|  <body>raw hello</body>|"
                     "</message>");
    CHECK(run_str("<iq type='result' id='r1'><query xmlns='jabber:iq:roster'><item jid='a@b' "
                  "name='A'><group>Friends</group></item><item jid='c@d'/></query></iq>",
                  &c) == XMLPRETTY_PRETTY);
    CHECK_STR(c.buf, "<iq type='result' id='r1'>|  <query xmlns='jabber:iq:roster'>|"
                     "    <item jid='a@b' name='A'>|      <group>Friends</group>|    </item>|"
                     "    <item jid='c@d'/>|  </query>|</iq>");
    /* an empty element written with an end tag stays on one line */
    CHECK(run_str("<a><b></b></a>", &c) == XMLPRETTY_PRETTY);
    CHECK_STR(c.buf, "<a>|  <b></b>|</a>");
    /* text keeps its spaces and entities; whitespace between elements goes */
    CHECK(run_str("<a>\n  <b> x &amp; y </b>\n</a>", &c) == XMLPRETTY_PRETTY);
    CHECK_STR(c.buf, "<a>|  <b> x &amp; y </b>|</a>");
    /* mixed content: text on its own line, trimmed */
    CHECK(run_str("<p>one <b>two</b> three</p>", &c) == XMLPRETTY_PRETTY);
    CHECK_STR(c.buf, "<p>|  one|  <b>two</b>|  three|</p>");
    /* a tag over several lines becomes one line */
    CHECK(run_str("<a\n   x='1'\t\ty=\"2\"\n/>", &c) == XMLPRETTY_PRETTY);
    CHECK_STR(c.buf, "<a x='1' y=\"2\" />");
    /* the SASL payload as the session redacts it */
    CHECK(run_str("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' "
                  "mechanism='SCRAM-SHA-1'>[redacted]</auth>",
                  &c) == XMLPRETTY_PRETTY);
    CHECK_STR(c.buf,
              "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-1'>[redacted]"
              "</auth>");
}

static void test_stream(void)
{
    struct collect c;
    /* a stream header is never closed; its end comes alone */
    CHECK(run_str("<?xml version='1.0'?><stream:stream to='localhost' version='1.0' "
                  "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>",
                  &c) == XMLPRETTY_PRETTY);
    CHECK_STR(c.buf, "<?xml version='1.0'?>|<stream:stream to='localhost' version='1.0' "
                     "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>");
    CHECK(run_str("</stream:stream>", &c) == XMLPRETTY_PRETTY);
    CHECK_STR(c.buf, "</stream:stream>");
    CHECK(run_str("<stream:error><not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                  "</stream:error></stream:stream>",
                  &c) == XMLPRETTY_PRETTY);
    CHECK_STR(c.buf, "<stream:error>|  <not-well-formed "
                     "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>|</stream:error>|"
                     "</stream:stream>");
    /* comments, PIs and CDATA */
    CHECK(run_str("<a><!-- a > b --><?pi x?><b><![CDATA[<not a tag>]]></b></a>", &c) ==
          XMLPRETTY_PRETTY);
    CHECK_STR(c.buf, "<a>|  <!-- a > b -->|  <?pi x?>|  <b><![CDATA[<not a tag>]]></b>|</a>");
}

static void test_quotes(void)
{
    struct collect c;
    CHECK(run_str("<a title='x > y' alt=\"it's /> here\"><b c='>'/></a>", &c) == XMLPRETTY_PRETTY);
    CHECK_STR(c.buf, "<a title='x > y' alt=\"it's /> here\">|  <b c='>'/>|</a>");
    /* whitespace inside quotes is kept (newlines as spaces) */
    CHECK(run_str("<a t='two  spaces\nand a newline'/>", &c) == XMLPRETTY_PRETTY);
    CHECK_STR(c.buf, "<a t='two  spaces and a newline'/>");
    /* an unterminated quote swallows the rest: raw */
    CHECK(run_str("<a t='oops><b/></a>", &c) == XMLPRETTY_RAW);
    CHECK_STR(c.buf, "<a t='oops><b/></a>");
}

static void test_raw(void)
{
    struct collect c;
    static const char *const bad[] = {
        "<a><b></a></b>",      /* mismatched */
        "<a><b></c></a>",      /* wrong end tag */
        "<a",                  /* unterminated tag */
        "<",                   /* a lone '<' */
        "text < more",         /* '<' then a space */
        "<1abc/>",             /* not a name */
        "<!DOCTYPE x><x/>",    /* no DOCTYPE in XMPP */
        "<!-- never ends",     /* unterminated comment */
        "<a><![CDATA[ x </a>", /* unterminated CDATA */
        "<?xml version='1.0'", /* unterminated PI */
        "</ a>",               /* bad end tag */
        "</a",                 /* unterminated end tag */
        "<a b='1' <c>",        /* '<' inside a tag */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(run_str(bad[i], &c) == XMLPRETTY_RAW);
        CHECK_STR(c.buf, bad[i]);
        CHECK(c.lines == 1 && !c.bad_char);
    }
    /* raw text keeps its lines */
    CHECK(run_str("<a>\n<b>", &c) == XMLPRETTY_PRETTY); /* unclosed but simple */
    CHECK(run_str("<a>\n</b>\n<c", &c) == XMLPRETTY_RAW);
    CHECK_STR(c.buf, "<a>|</b>|<c");
    /* nothing at all: no line; blank: one raw line */
    CHECK(run("", 0, &c) == XMLPRETTY_RAW && c.lines == 0);
    CHECK(run_str("  ", &c) == XMLPRETTY_RAW);
    CHECK_STR(c.buf, "  ");
    CHECK(xmlpretty(NULL, 5, on_line, &c) == XMLPRETTY_RAW);
}

static void test_binary(void)
{
    struct collect c;
    /* NUL and control bytes: raw, shown as '?', the NUL does not cut the line */
    static const char bin[] = "<a>\0\x01\x1b[2J\x7f</a>";
    CHECK(run(bin, sizeof bin - 1, &c) == XMLPRETTY_RAW);
    CHECK_STR(c.buf, "<a>???[2J?</a>");
    CHECK(!c.bad_char);
    /* tabs and carriage returns become spaces */
    CHECK(run_str("<a>x\ty\r\n</a>", &c) == XMLPRETTY_PRETTY);
    CHECK(!c.bad_char);
    /* every byte value, in random order: never crashes, never a control byte */
    unsigned char buf[4096];
    uint32_t seed = 12345;
    for (int round = 0; round < 300; round++) {
        size_t n = (size_t)(seed % sizeof buf);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            /* many '<', '>', quotes and slashes, to reach deep into the lexer */
            static const char pick[] = "<<>>//''\"\"!?-[]=ab :\n";
            buf[i] = (seed >> 16) % 3 ? (unsigned char)pick[(seed >> 8) % (sizeof pick - 1)]
                                      : (unsigned char)(seed >> 20);
        }
        run((const char *)buf, n, &c);
        CHECK(!c.bad_char && c.longest <= XMLPRETTY_MAX_LINE + 40);
    }
}

static void test_huge(void)
{
    struct collect c;
    /* a huge text node is cut, and the end tag is kept */
    size_t n = 100000;
    char *big = malloc(n + 32);
    memcpy(big, "<b>", 3);
    memset(big + 3, 'x', n);
    memcpy(big + 3 + n, "</b>", 5);
    CHECK(run_str(big, &c) == XMLPRETTY_PRETTY);
    CHECK(c.lines == 1 && c.longest < XMLPRETTY_MAX_TEXT + 50);
    CHECK(strstr(c.buf, "(99000 bytes more)</b>") != NULL);
    /* a huge tag is cut with a note */
    big[0] = '<';
    memset(big + 1, 'y', n);
    memcpy(big + 1 + n, "/>", 3);
    CHECK(run_str(big, &c) == XMLPRETTY_PRETTY);
    CHECK(c.lines == 1 && c.longest <= XMLPRETTY_MAX_LINE + 40);
    CHECK(strstr(c.buf, "bytes more)") != NULL);
    free(big);
    /* a cut never splits a UTF-8 character */
    char *wide = malloc(3 * 2000 + 16);
    size_t off = 0;
    memcpy(wide, "<b>", 3);
    off = 3;
    for (int i = 0; i < 2000; i++, off += 3)
        memcpy(wide + off, "\xe4\xbd\xa0", 3); /* 你 */
    memcpy(wide + off, "</b>", 5);
    run_str(wide, &c);
    const char *cut = strstr(c.buf, "\xe2\x80\xa6");
    CHECK(cut && (cut - c.buf - 3) % 3 == 0);
    free(wide);
    /* deep nesting: indentation stops growing */
    char deep[20000] = "";
    size_t d = 0;
    for (int i = 0; i < 2000; i++, d += 3)
        memcpy(deep + d, "<a>", 3);
    deep[d] = '\0';
    CHECK(run_str(deep, &c) == XMLPRETTY_PRETTY);
    CHECK(c.lines == 2000 && c.longest == XMLPRETTY_MAX_INDENT * 2 + 3);
    /* deeper than the matching stack: still no crash */
    for (int i = 0; i < 2000; i++, d += 4)
        memcpy(deep + d, "</a>", 4);
    deep[d] = '\0';
    CHECK(run_str(deep, &c) == XMLPRETTY_PRETTY && c.lines == 3999);
}

static void test_stop(void)
{
    struct collect c;
    memset(&c, 0, sizeof c);
    c.stop_after = 2;
    const char *x = "<a><b/><c/><d/></a>";
    CHECK(xmlpretty(x, strlen(x), on_line, &c) == XMLPRETTY_PRETTY);
    CHECK(c.lines == 2);
    memset(&c, 0, sizeof c);
    c.stop_after = 1;
    CHECK(xmlpretty("x\ny\nz<", 7, on_line, &c) == XMLPRETTY_RAW && c.lines == 1);
}

int main(void)
{
    test_pretty();
    test_stream();
    test_quotes();
    test_raw();
    test_binary();
    test_huge();
    test_stop();
    return check_done();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_cb_choose.c - the choice of a channel-binding type
 * (xmpp/negotiate.c): from the server's XEP-0440 list (garbage in it
 * ignored), the TLS version, what the connection can give, the account's
 * setting and what the server refused already. Every combination also
 * passes the rules of tests/cb_oracle.h, and the choices that matter are
 * spelled out. */
#include <stdlib.h>
#include <string.h>

#include "../cb_oracle.h"
#include "../check.h"
#include "xml/stanza.h"

enum { EXP = 1, UNI = 2, END = 4, ALL = 7 };

static unsigned listed_of(const char *xml, bool *listed)
{
    mxml_node_t *el = stanza_parse(xml, strlen(xml), NULL, 0);
    CHECK(el != NULL);
    unsigned types = el ? negotiate_cb_listed(el, listed) : 0;
    mxmlDelete(el);
    return types;
}

static void test_lists(void)
{
    bool listed = true;
    CHECK(listed_of("<stream:features xmlns:stream='http://etherx.jabber.org/streams'/>",
                    &listed) == 0);
    CHECK(!listed);
    CHECK(listed_of("<f><sasl-channel-binding xmlns='urn:xmpp:sasl-cb:0'>"
                    "<channel-binding type='tls-server-end-point'/>"
                    "<channel-binding type='tls-exporter'/></sasl-channel-binding></f>",
                    &listed) == (EXP | END));
    CHECK(listed);
    /* Unknown, empty and missing types count for nothing, but the list is there. */
    CHECK(listed_of("<f><sasl-channel-binding xmlns='urn:xmpp:sasl-cb:0'>"
                    "<channel-binding type='tls-bogus'/><channel-binding/>"
                    "<channel-binding type='TLS-UNIQUE'/></sasl-channel-binding></f>",
                    &listed) == 0);
    CHECK(listed);
    /* The wrong namespace is no list. */
    CHECK(listed_of("<f><sasl-channel-binding xmlns='urn:example'><channel-binding "
                    "type='tls-unique'/></sasl-channel-binding></f>",
                    &listed) == 0);
    CHECK(!listed);
}

static void test_choices(void)
{
    /* Unlisted: TLS 1.3 means tls-exporter and nothing else; 1.2 starts
     * with tls-unique. */
    CHECK(negotiate_cb_choose(false, 0, true, ALL, SESSION_CB_AUTO, 0) == 0);
    CHECK(negotiate_cb_choose(false, 0, true, ALL, SESSION_CB_AUTO, EXP) == -1);
    CHECK(negotiate_cb_choose(false, 0, false, ALL, SESSION_CB_AUTO, 0) == 1);
    CHECK(negotiate_cb_choose(false, 0, false, ALL, SESSION_CB_AUTO, UNI) == 0);
    CHECK(negotiate_cb_choose(false, 0, false, ALL, SESSION_CB_AUTO, UNI | EXP) == 2);
    /* Listed: the strongest that both have. */
    CHECK(negotiate_cb_choose(true, END | UNI, true, EXP | END, SESSION_CB_AUTO, 0) == 2);
    CHECK(negotiate_cb_choose(true, ALL, false, ALL, SESSION_CB_AUTO, 0) == 0);
    CHECK(negotiate_cb_choose(true, 0, true, ALL, SESSION_CB_AUTO, 0) == -1);
    /* The setting: one type only, or none at all. */
    CHECK(negotiate_cb_choose(false, 0, true, ALL, SESSION_CB_END_POINT, 0) == 2);
    CHECK(negotiate_cb_choose(true, EXP, true, ALL, SESSION_CB_END_POINT, 0) == 2);
    CHECK(negotiate_cb_choose(false, 0, true, EXP, SESSION_CB_UNIQUE, 0) == -1);
    CHECK(negotiate_cb_choose(true, ALL, true, ALL, SESSION_CB_NONE, 0) == -1);
}

static void test_every_combination(void)
{
    int bad = 0;
    for (int listed = 0; listed < 2; listed++)
        for (unsigned types = 0; types < 8; types++)
            for (int tls13 = 0; tls13 < 2; tls13++)
                for (unsigned avail = 0; avail < 8; avail++)
                    for (int config = SESSION_CB_AUTO; config <= SESSION_CB_NONE; config++)
                        for (unsigned refused = 0; refused < 8; refused++) {
                            int c = negotiate_cb_choose(listed, types, tls13, avail, config,
                                                        refused);
                            bad += cb_oracle(c, listed, types, tls13, avail, config, refused) !=
                                   NULL;
                            /* Auto with something allowed left never gives up. */
                            unsigned left = avail & ~refused & (listed ? types : ALL);
                            if (config == SESSION_CB_AUTO && !(!listed && tls13) && left)
                                bad += c < 0;
                        }
    CHECK(bad == 0);
}

int main(void)
{
    test_lists();
    test_choices();
    test_every_combination();
    return check_done();
}

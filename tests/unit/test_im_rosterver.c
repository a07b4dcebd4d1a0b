/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_im_rosterver.c - roster versioning (RFC 6121 §2.6) in the session,
 * without a server: stanzas go straight into session_handle_stanza, as
 * tests/fuzz/fuzz_session.c feeds them, and what the session sends is read
 * from its SESSION_EV_XML events. Covers what the roster get carries with
 * and without the stream feature, the three answers of §2.6.3 (a full
 * result with a version, in both of the session's readers; an empty
 * result; pushes with a version) and that the roster after "no change"
 * is the one a full result gives. The same against Prosody, and across
 * restarts through the cache file: tests/integration/test_rosterver.c. */
#include "../check.h"
#include "xml/stanza.h"
#include "xmpp/session_priv.h"

#include <stdlib.h>
#include <string.h>

static uv_loop_t loop;
static char last_out[4096]; /* the last stanza the session sent */
static int roster_events, push_events;

static void on_event(void *ud, const struct session_event *ev)
{
    (void)ud;
    if (ev->type == SESSION_EV_XML && ev->outgoing && ev->len < sizeof last_out) {
        memcpy(last_out, ev->text, ev->len);
        last_out[ev->len] = '\0';
    }
    roster_events += ev->type == SESSION_EV_ROSTER;
    push_events += ev->type == SESSION_EV_ROSTER_PUSH;
}

static struct session *new_session(void)
{
    char err[200];
    struct session_config cfg = {.jid = "me@example.org/test", .password = "pw"};
    struct session *s = session_new(&loop, &cfg, on_event, NULL, err, sizeof err);
    if (!s)
        abort();
    s->state = SESSION_AUTHENTICATING;
    s->full = strdup("me@example.org/test");
    return s;
}

/* The features after SASL, then the roster get; returns the get's id in
 * id and leaves the get in last_out. */
static void login(struct session *s, bool offered, char *id, size_t idlen)
{
    const char *xml = offered
                          ? "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"
                            "<ver xmlns='urn:xmpp:features:rosterver'/></stream:features>"
                          : "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"
                            "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>";
    mxml_node_t *features = stanza_parse(xml, strlen(xml), NULL, 0);
    im_roster_features(s, features);
    mxmlDelete(features);
    last_out[0] = '\0';
    im_request_roster(s);
    mxml_node_t *get = stanza_parse(last_out, strlen(last_out), NULL, 0);
    snprintf(id, idlen, "%s", get && stanza_attr(get, "id") ? stanza_attr(get, "id") : "");
    mxmlDelete(get);
}

/* The 'ver' of the roster get last sent, or NULL when it has none. */
static char *sent_ver(void)
{
    static char ver[256];
    mxml_node_t *get = stanza_parse(last_out, strlen(last_out), NULL, 0);
    mxml_node_t *query = get ? stanza_child(get, NS_ROSTER, "query") : NULL;
    const char *v = query ? stanza_attr(query, "ver") : NULL;
    if (v)
        snprintf(ver, sizeof ver, "%s", v);
    mxmlDelete(get);
    return v ? ver : NULL;
}

static void feed(struct session *s, const char *xml)
{
    /* The framer leaves a NUL after each stanza; so does this copy. */
    char *copy = strdup(xml);
    session_handle_stanza(s, copy, strlen(copy));
    free(copy);
}

static void feedf(struct session *s, const char *fmt, const char *id)
{
    char xml[2048];
    snprintf(xml, sizeof xml, fmt, id);
    feed(s, xml);
}

/* The roster as the UI sees it, in a canonical order: one line per item
 * on the roster (jid, name or '-', subscription, ask, groups). */
static char *snapshot(struct roster *r)
{
    size_t n = roster_count(r), k = 0;
    char **lines = calloc(n + 1, sizeof *lines);
    for (size_t i = 0; i < n; i++) {
        const struct roster_item *it = roster_at(r, i);
        if (!it->in_roster)
            continue;
        char line[1024];
        int len = snprintf(line, sizeof line, "%s|%s|%s|%d", it->jid, it->name ? it->name : "-",
                           roster_sub_name(it->sub), it->ask);
        for (size_t g = 0; g < it->ngroups; g++)
            len += snprintf(line + len, sizeof line - (size_t)len, "|%s", it->groups[g]);
        lines[k++] = strdup(line);
    }
    for (size_t i = 1; i < k; i++) /* insertion sort: small rosters */
        for (size_t j = i; j > 0 && strcmp(lines[j - 1], lines[j]) > 0; j--) {
            char *t = lines[j];
            lines[j] = lines[j - 1];
            lines[j - 1] = t;
        }
    size_t total = 1;
    for (size_t i = 0; i < k; i++)
        total += strlen(lines[i]) + 1;
    char *out = calloc(1, total);
    for (size_t i = 0; i < k; i++) {
        strcat(out, lines[i]);
        strcat(out, "\n");
        free(lines[i]);
    }
    free(lines);
    return out;
}

#define FULL_ROSTER                                                                                \
    "<iq type='result' id='%s'><query xmlns='jabber:iq:roster' ver='v1'>"                          \
    "<item jid='a@example.org' name='A' subscription='both'><group>Friends</group></item>"         \
    "<item jid='b@example.org' subscription='to' ask='subscribe'/>"                                \
    "<item jid='c@example.org' name='' subscription='none'><group>Work</group>"                    \
    "<group>Friends</group></item></query></iq>"

/* The same items in a shape rosterscan.c leaves to the tree reader. */
#define FULL_ROSTER_GENERAL                                                                        \
    "<iq type='result' id='%s'><r:query xmlns:r='jabber:iq:roster' ver='v1'>"                      \
    "<r:item jid='a@example.org' name='A' subscription='both'><r:group>Friends</r:group></r:item>" \
    "<r:item jid='b@example.org' subscription='to' ask='subscribe'/>"                              \
    "<r:item jid='c@example.org' name='' subscription='none'><r:group>Work</r:group>"              \
    "<r:group>Friends</r:group></r:item></r:query></iq>"

static void test_not_offered(void)
{
    struct session *s = new_session();
    char id[32];
    roster_set_version(s->roster, "v0"); /* even with one in hand */
    login(s, false, id, sizeof id);
    CHECK(strstr(last_out, "jabber:iq:roster") != NULL);
    CHECK(sent_ver() == NULL); /* §2.6.1: never to a server that does not offer it */
    CHECK(!s->roster_ver_sent);
    session_free(s);
}

static void test_first_then_unchanged(const char *full)
{
    struct session *s = new_session();
    char id[32];
    login(s, true, id, sizeof id);
    CHECK(sent_ver() && strcmp(sent_ver(), "") == 0); /* §2.6.2: bootstrap with ver='' */
    roster_events = 0;
    feedf(s, full, id);
    CHECK(roster_events == 1);
    CHECK(roster_count(s->roster) == 3);
    CHECK_STR(roster_version(s->roster), "v1");
    CHECK(s->phase == PHASE_READY);
    char *first = snapshot(s->roster);
    CHECK_STR(first, "a@example.org|A|both|0|Friends\nb@example.org|-|to|1\n"
                     "c@example.org||none|0|Work|Friends\n");

    /* A new login: the version goes out, an empty result keeps the roster.
     * A presence-only contact (not on the roster) goes, as a full result
     * would drop it. */
    roster_presence(s->roster, "stranger@example.org", "x", SHOW_ONLINE, NULL, 0, NULL);
    roster_all_offline(s->roster);
    login(s, true, id, sizeof id);
    CHECK(sent_ver() && strcmp(sent_ver(), "v1") == 0);
    roster_events = 0;
    feedf(s, "<iq type='result' id='%s'/>", id);
    CHECK(roster_events == 1);
    CHECK(s->phase == PHASE_READY);
    CHECK(roster_find(s->roster, "stranger@example.org") == NULL);
    char *again = snapshot(s->roster);
    CHECK_STR(again, first);
    CHECK_STR(roster_version(s->roster), "v1");

    /* §2.6.3: the changes follow as pushes, each with its version. */
    push_events = 0;
    feed(s, "<iq type='set' id='p1'><query xmlns='jabber:iq:roster' ver='v2'>"
            "<item jid='d@example.org' name='D' subscription='from'/></query></iq>");
    CHECK(strstr(last_out, "type=\"result\"") || strstr(last_out, "type='result'"));
    feed(s, "<iq type='set' id='p2'><query xmlns='jabber:iq:roster' ver='v3'>"
            "<item jid='b@example.org' subscription='remove'/></query></iq>");
    CHECK(push_events == 2);
    CHECK_STR(roster_version(s->roster), "v3");
    char *pushed = snapshot(s->roster);
    CHECK_STR(pushed, "a@example.org|A|both|0|Friends\nc@example.org||none|0|Work|Friends\n"
                      "d@example.org|D|from|0\n");
    /* A push without a version changes the items and keeps the version. */
    feed(s, "<iq type='set' id='p3'><query xmlns='jabber:iq:roster'>"
            "<item jid='e@example.org' subscription='both'/></query></iq>");
    CHECK(roster_find(s->roster, "e@example.org") != NULL);
    CHECK_STR(roster_version(s->roster), "v3");
    /* A forged push (not from our account) changes nothing. */
    feed(s, "<iq type='set' id='p4' from='evil@example.org'><query xmlns='jabber:iq:roster' "
            "ver='v666'><item jid='f@example.org' subscription='both'/></query></iq>");
    CHECK(roster_find(s->roster, "f@example.org") == NULL);
    CHECK_STR(roster_version(s->roster), "v3");

    /* The next login names the last version; a full result replaces all. */
    login(s, true, id, sizeof id);
    CHECK(sent_ver() && strcmp(sent_ver(), "v3") == 0);
    feedf(s, full, id);
    char *replaced = snapshot(s->roster);
    CHECK_STR(replaced, first);
    CHECK_STR(roster_version(s->roster), "v1");
    free(first);
    free(again);
    free(pushed);
    free(replaced);
    session_free(s);
}

/* An empty roster is a query without items, not an empty result. */
static void test_empty_roster(void)
{
    struct session *s = new_session();
    char id[32];
    login(s, true, id, sizeof id);
    feedf(s, FULL_ROSTER, id);
    login(s, true, id, sizeof id);
    feedf(s, "<iq type='result' id='%s'><query xmlns='jabber:iq:roster' ver='v9'/></iq>", id);
    CHECK(roster_count(s->roster) == 0);
    CHECK_STR(roster_version(s->roster), "v9");
    /* The same in the general reader's shape. */
    login(s, true, id, sizeof id);
    CHECK(sent_ver() && strcmp(sent_ver(), "v9") == 0);
    feedf(s, "<iq type='result' id='%s'><r:query xmlns:r='jabber:iq:roster' ver='v10'/></iq>", id);
    CHECK_STR(roster_version(s->roster), "v10");
    /* A full result without a version leaves us without one. */
    login(s, true, id, sizeof id);
    feedf(s,
          "<iq type='result' id='%s'><query xmlns='jabber:iq:roster'>"
          "<item jid='z@example.org'/></query></iq>",
          id);
    CHECK(roster_count(s->roster) == 1 && roster_version(s->roster) == NULL);
    login(s, true, id, sizeof id);
    CHECK(sent_ver() && strcmp(sent_ver(), "") == 0);
    /* An empty result to ver='' cannot mean "yours is current": we named
     * nothing, so it is read as an empty roster, as before versioning. */
    feedf(s, "<iq type='result' id='%s'/>", id);
    CHECK(roster_count(s->roster) == 0);
    session_free(s);
}

/* A refused roster get keeps what we had, version included. */
static void test_refused(void)
{
    struct session *s = new_session();
    char id[32];
    login(s, true, id, sizeof id);
    feedf(s, FULL_ROSTER, id);
    login(s, true, id, sizeof id);
    feedf(s,
          "<iq type='error' id='%s'><error type='wait'><resource-constraint "
          "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
          id);
    CHECK(roster_count(s->roster) == 3);
    CHECK_STR(roster_version(s->roster), "v1");
    session_free(s);
}

/* A version that is not XML text (from a damaged cache) is not sent: the
 * get says ver='' and the server sends everything. */
static void test_unsendable_version(void)
{
    struct session *s = new_session();
    char id[32];
    roster_set(s->roster, "a@example.org", NULL, NULL, 0, ROSTER_SUB_BOTH, false);
    roster_set_version(s->roster, "bad\x01version");
    login(s, true, id, sizeof id);
    CHECK(sent_ver() && strcmp(sent_ver(), "") == 0);
    CHECK(!s->roster_ver_sent);
    /* Characters that need escaping go out escaped and come back equal. */
    roster_set_version(s->roster, "<v&'\">");
    login(s, true, id, sizeof id);
    CHECK(sent_ver() && strcmp(sent_ver(), "<v&'\">") == 0);
    session_free(s);
}

int main(void)
{
    uv_loop_init(&loop);
    test_not_offered();
    test_first_then_unchanged(FULL_ROSTER);
    test_first_then_unchanged(FULL_ROSTER_GENERAL);
    test_empty_roster();
    test_refused();
    test_unsendable_version();
    uv_run(&loop, UV_RUN_NOWAIT);
    return check_done();
}

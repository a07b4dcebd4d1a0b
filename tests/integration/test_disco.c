/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_disco.c - what two real sessions learn about each other through
 * the project's test server (Prosody, then ejabberd): entity
 * capabilities (XEP-0115) resolved with one verified disco#info query per
 * verification string, software version (XEP-0092), entity time
 * (XEP-0202), disco#info and ping asked through the session's typed
 * queries, and service-unavailable for an IQ nobody understands
 * (RFC 6120 §8.4). */

#include "harness.h"

static uv_loop_t loop;
static char rundir[512];

struct watch {
    struct tclient c;
    int caps_queries_out; /* our disco#info queries with a node#ver */
    char last_condition[64];
    char last_jid[256];
    char name[64], utc[64], tzo[16];
    bool has_time_feature, client_identity;
    int answers;
    char raw_answer[512]; /* the /raw answer's line */
};

static void on_event(void *ud, const struct session_event *ev)
{
    struct watch *w = ud;
    harness_on_event(&w->c, ev);
    if (ev->type == SESSION_EV_XML && ev->outgoing &&
        harness_contains(ev->text, ev->len, "disco#info") &&
        harness_contains(ev->text, ev->len, "#") &&
        harness_contains(ev->text, ev->len, "type=\"get\""))
        w->caps_queries_out++;
    if ((ev->type == SESSION_EV_INFO || ev->type == SESSION_EV_ERROR) && ev->text &&
        strncmp(ev->text, "answer to /raw", 14) == 0) {
        snprintf(w->raw_answer, sizeof w->raw_answer, "%s", ev->text);
        w->answers++;
    }
    if (ev->type != SESSION_EV_QUERY)
        return;
    const struct session_query *q = ev->query;
    w->answers++;
    snprintf(w->last_condition, sizeof w->last_condition, "%s", ev->condition);
    snprintf(w->last_jid, sizeof w->last_jid, "%s", ev->jid);
    snprintf(w->name, sizeof w->name, "%s", q->name ? q->name : "");
    snprintf(w->utc, sizeof w->utc, "%s", q->utc ? q->utc : "");
    snprintf(w->tzo, sizeof w->tzo, "%s", q->tzo ? q->tzo : "");
    w->has_time_feature = w->client_identity = false;
    for (size_t i = 0; i < q->nfeatures; i++)
        w->has_time_feature |= strcmp(q->features[i], "urn:xmpp:time") == 0;
    for (size_t i = 0; i < q->nidentities; i++)
        w->client_identity |= strncmp(q->identities[i], "client/", 7) == 0;
}

static void start(struct watch *w, const char *user, const char *resource)
{
    char jid[128], err[200];
    memset(w, 0, sizeof *w);
    snprintf(jid, sizeof jid, "%s@localhost/%s", user, resource);
    struct session_config cfg = harness_config(jid, "pw-disco");
    w->c.s = session_new(&loop, &cfg, on_event, w, err, sizeof err);
    CHECK(w->c.s != NULL);
    session_connect(w->c.s);
    CHECK(harness_wait(&loop, harness_is_online, &w->c, 10000));
}

static struct watch *peer_of;

static int knows_client(void *arg)
{
    struct roster_item *it = roster_find(session_roster(peer_of->c.s), (const char *)arg);
    const struct roster_resource *r = it ? roster_best(it) : NULL;
    return r && r->client && strcmp(r->client, "tuktuk") == 0;
}

static int answered(void *arg)
{
    struct watch *w = arg;
    return w->answers > 0;
}

/* Asks with one of the session's queries and waits for its answer. */
static void ask(struct watch *w, int (*query)(struct session *, const char *), const char *to)
{
    w->answers = 0;
    CHECK(query(w->c.s, to) == 0);
    CHECK(harness_wait(&loop, answered, w, 5000));
}

int main(void)
{
    snprintf(rundir, sizeof rundir, "%s", harness_env("TUKTUK_TEST_RUNDIR"));
    uv_loop_init(&loop);
    char args[800];
    snprintf(args, sizeof args, "adduser %s d_ann pw-disco d_bob pw-disco", rundir);
    CHECK(harness_server(args) == 0);
    snprintf(args, sizeof args, "rosteradd %s d_ann d_bob@localhost Bob Friends", rundir);
    CHECK(harness_server(args) == 0);

    struct watch ann, bob, bob2;
    start(&ann, "d_ann", "desk");
    start(&bob, "d_bob", "laptop");
    /* Ann learns Bob's client from his caps: one query, verified. */
    peer_of = &ann;
    CHECK(harness_wait(&loop, knows_client, (void *)"d_bob@localhost", 5000));
    CHECK(ann.caps_queries_out == 1);
    /* A second resource with the same client costs no new query. */
    start(&bob2, "d_bob", "phone");
    struct roster_item *it = roster_find(session_roster(ann.c.s), "d_bob@localhost");
    int tries = 0;
    while (it && it->nres < 2 && tries++ < 100) {
        uv_run(&loop, UV_RUN_ONCE);
        it = roster_find(session_roster(ann.c.s), "d_bob@localhost");
    }
    CHECK(it && it->nres == 2);
    CHECK(ann.caps_queries_out == 1);
    for (size_t r = 0; it && r < it->nres; r++)
        CHECK_STR(it->res[r].client, "tuktuk");

    ask(&ann, session_query_version, "d_bob@localhost/laptop");
    CHECK_STR(ann.last_condition, "result");
    CHECK_STR(ann.name, "tuktuk");
    /* A bare JID means the contact's best resource. */
    ask(&ann, session_query_time, "d_bob@localhost");
    CHECK(strncmp(ann.last_jid, "d_bob@localhost/", 16) == 0);
    CHECK(strlen(ann.utc) >= 20 && ann.utc[strlen(ann.utc) - 1] == 'Z');
    CHECK(ann.tzo[0] == '+' || ann.tzo[0] == '-' || ann.tzo[0] == 'Z');
    ask(&ann, session_query_disco, "d_bob@localhost/laptop");
    CHECK(ann.has_time_feature && ann.client_identity);
    ask(&ann, session_query_ping, NULL);
    CHECK_STR(ann.last_condition, "result");
    CHECK_STR(ann.last_jid, "localhost");
    /* A request nobody understands, typed raw: refused, and said so. */
    char err[128];
    ann.answers = 0;
    CHECK(session_send_raw(ann.c.s,
                           "<iq type='get' to='d_bob@localhost/laptop' id='x'>"
                           "<query xmlns='urn:example:nobody-knows'/></iq>",
                           err, sizeof err) == 0);
    CHECK(harness_wait(&loop, answered, &ann, 5000));
    CHECK(strstr(ann.raw_answer, "(service-unavailable)") != NULL);

    struct tclient *all[] = {&ann.c, &bob.c, &bob2.c};
    harness_close_all(&loop, all, 3);
    return check_done();
}

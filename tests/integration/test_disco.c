/* test_disco.c - what two real sessions learn about each other through
 * the project's test server (Prosody, then ejabberd): entity
 * capabilities (XEP-0115) resolved with one verified disco#info query per
 * verification string, software version (XEP-0092), entity time
 * (XEP-0202), and service-unavailable for an IQ nobody understands
 * (RFC 6120 §8.4). */

#include "harness.h"

static uv_loop_t loop;
static char rundir[512];

struct watch {
    struct tclient c;
    int caps_queries_out; /* our disco#info queries with a node#ver */
    char last_id[64];
    char last_condition[64];
    char last_xml[4096];
    int iq_results;
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
    if (ev->type == SESSION_EV_IQ_RESULT) {
        w->iq_results++;
        snprintf(w->last_id, sizeof w->last_id, "%s", ev->id ? ev->id : "");
        snprintf(w->last_condition, sizeof w->last_condition, "%s", ev->condition);
        snprintf(w->last_xml, sizeof w->last_xml, "%.*s", (int)ev->len, ev->text);
    }
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
    return w->iq_results > 0;
}

/* Sends an iq and waits for its answer. */
static void ask(struct watch *w, const char *to, const char *child)
{
    char id[64] = "";
    w->iq_results = 0;
    CHECK(session_send_iq(w->c.s, to, "get", child, id, sizeof id) == 0);
    CHECK(harness_wait(&loop, answered, w, 5000));
    CHECK_STR(w->last_id, id);
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

    ask(&ann, "d_bob@localhost/laptop", "<query xmlns='jabber:iq:version'/>");
    CHECK_STR(ann.last_condition, "result");
    CHECK(strstr(ann.last_xml, "<name>tuktuk</name>") != NULL);
    ask(&ann, "d_bob@localhost/laptop", "<time xmlns='urn:xmpp:time'/>");
    CHECK(strstr(ann.last_xml, "<utc>") != NULL && strstr(ann.last_xml, "<tzo>") != NULL);
    ask(&ann, "d_bob@localhost/laptop", "<query xmlns='http://jabber.org/protocol/disco#info'/>");
    CHECK(strstr(ann.last_xml, "urn:xmpp:time") != NULL);
    CHECK(strstr(ann.last_xml, "category=\"client\"") != NULL);
    ask(&ann, "d_bob@localhost/laptop", "<query xmlns='urn:example:nobody-knows'/>");
    CHECK_STR(ann.last_condition, "service-unavailable");
    ask(&ann, "localhost", "<ping xmlns='urn:xmpp:ping'/>");
    CHECK_STR(ann.last_condition, "result");

    struct watch *all[] = {&ann, &bob, &bob2};
    for (int i = 0; i < 3; i++)
        session_disconnect(all[i]->c.s, NULL);
    for (int i = 0; i < 3; i++) {
        CHECK(harness_wait(&loop, harness_is_offline, &all[i]->c, 5000));
        harness_free(&all[i]->c, &loop);
    }
    uv_run(&loop, UV_RUN_NOWAIT);
    return check_done();
}

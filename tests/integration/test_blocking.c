/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_blocking.c - XEP-0191 blocking against the test server: the list
 * fetched at login, a block that silences a contact until the unblock,
 * the list as a second resource of ours sees it, a change made there
 * reaching the first one as a push, and a push forged by a contact that
 * changes nothing. */
#include "harness.h"
#include "xmpp/jid.h"

static uv_loop_t loop;

struct blocker {
    struct tclient c;
    int lists, blocked, unblocked, refused;
    char last_jid[256];
};

static void on_event(void *ud, const struct session_event *ev)
{
    struct blocker *b = ud;
    harness_on_event(&b->c, ev);
    if (ev->type != SESSION_EV_BLOCKING)
        return;
    b->lists += strcmp(ev->sub_type, "list") == 0;
    b->blocked += strcmp(ev->sub_type, "blocked") == 0;
    b->unblocked += strcmp(ev->sub_type, "unblocked") == 0;
    b->refused += strcmp(ev->sub_type, "refused") == 0;
    snprintf(b->last_jid, sizeof b->last_jid, "%s", ev->jid ? ev->jid : "");
}

static void start(struct blocker *b, const char *user, const char *resource)
{
    memset(b, 0, sizeof *b);
    char args[400], pw[64], jid[256], err[256];
    snprintf(pw, sizeof pw, "%s-pw", user);
    snprintf(args, sizeof args, "adduser %s %s %s", harness_env("TUKTUK_TEST_RUNDIR"), user, pw);
    CHECK(harness_prosody(args) == 0);
    snprintf(jid, sizeof jid, "%s@%s/%s", user, harness_env("TUKTUK_TEST_DOMAIN"), resource);
    struct session_config cfg = harness_config(jid, pw);
    b->c.s = session_new(&loop, &cfg, on_event, b, err, sizeof err);
    CHECK(b->c.s != NULL);
    session_connect(b->c.s);
    CHECK(harness_wait(&loop, harness_is_online, &b->c, 10000));
}

struct until {
    const int *counter;
    int n;
};

static int reached(void *arg)
{
    struct until *u = arg;
    return *u->counter >= u->n;
}

static int wait_for(const int *counter, int n)
{
    struct until u = {counter, n};
    return harness_wait(&loop, reached, &u, 5000);
}

static bool got_body(const struct tclient *c, const char *body)
{
    for (int i = 0; i < c->nmsgs && i < HARNESS_MAX_MSGS; i++)
        if (strcmp(c->bodies[i], body) == 0)
            return true;
    return false;
}

int main(void)
{
    uv_loop_init(&loop);
    const char *domain = harness_env("TUKTUK_TEST_DOMAIN");
    char mallory[256];
    snprintf(mallory, sizeof mallory, "bl_mallory@%s", domain);
    struct blocker a, m;
    start(&a, "bl_ann", "one");
    start(&m, "bl_mallory", "m");

    /* The list comes after login, empty, from a server that has blocking. */
    CHECK(wait_for(&a.lists, 1));
    CHECK(session_blocking_supported(a.c.s));
    size_t n = 99;
    session_blocked(a.c.s, &n);
    CHECK(n == 0);

    /* Blocked: the server's push confirms it, and Mallory's message is
     * dropped. The one after the unblock arrives, and since the server
     * keeps order, the first one would have come before it. */
    CHECK(session_block(a.c.s, mallory) == 0);
    CHECK(wait_for(&a.blocked, 1));
    CHECK(jid_bare_equal(a.last_jid, mallory));
    CHECK(session_is_blocked(a.c.s, mallory));
    char ann[256];
    snprintf(ann, sizeof ann, "bl_ann@%s/one", domain);
    CHECK(session_send_message(m.c.s, ann, "chat", "while blocked", NULL, NULL, 0) == 0);

    /* A second resource of ours finds Mallory on the list at login, and
     * its unblock reaches the first resource as a push. */
    struct blocker a2;
    start(&a2, "bl_ann", "two");
    CHECK(wait_for(&a2.lists, 1));
    CHECK(session_is_blocked(a2.c.s, mallory));
    CHECK(session_unblock(a2.c.s, mallory) == 0);
    CHECK(wait_for(&a.unblocked, 1));
    CHECK(wait_for(&a2.unblocked, 1));
    CHECK(!session_is_blocked(a.c.s, mallory) && !session_is_blocked(a2.c.s, mallory));
    CHECK(session_send_message(m.c.s, ann, "chat", "after unblock", NULL, NULL, 0) == 0);
    struct until got = {&a.c.nmsgs, 1};
    CHECK(harness_wait(&loop, reached, &got, 5000));
    CHECK(got_body(&a.c, "after unblock"));
    CHECK(!got_body(&a.c, "while blocked"));

    /* A push that Mallory forges (an iq to our full JID) is refused and
     * changes nothing. */
    char forged[512], err[128];
    snprintf(forged, sizeof forged,
             "<iq type='set' id='forge1' to='%s'><block xmlns='urn:xmpp:blocking'>"
             "<item jid='victim@%s'/></block></iq>",
             ann, domain);
    int before = a.blocked;
    CHECK(session_send_raw(m.c.s, forged, err, sizeof err) == 0);
    /* Mallory's next message proves the forged push was handled first. */
    CHECK(session_send_message(m.c.s, ann, "chat", "after forgery", NULL, NULL, 0) == 0);
    struct until got2 = {&a.c.nmsgs, 2};
    CHECK(harness_wait(&loop, reached, &got2, 5000));
    CHECK(a.blocked == before);
    size_t nb = 99;
    session_blocked(a.c.s, &nb);
    CHECK(nb == 0);

    /* Unblocking everyone, and nonsense refused before it is sent. */
    CHECK(session_block(a.c.s, mallory) == 0);
    CHECK(wait_for(&a.blocked, before + 1));
    CHECK(session_unblock(a.c.s, NULL) == 0);
    CHECK(wait_for(&a.unblocked, 2));
    session_blocked(a.c.s, &nb);
    CHECK(nb == 0);
    CHECK(session_block(a.c.s, "not a jid@@") == -1);
    CHECK(session_block(a.c.s, NULL) == -1);

    harness_free(&a2.c, &loop);
    harness_free(&m.c, &loop);
    harness_free(&a.c, &loop);
    uv_run(&loop, UV_RUN_NOWAIT);
    return check_done();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_outbox.c - a restart with pending messages (issue 16), with the
 * real message store (core/store.c), the real outbox glue main.c uses
 * (core/outbox.c) and real sessions against the test server.
 *
 * A run ends with messages that the server does not have: typed while
 * offline, or written into a link that swallowed them (the relay of
 * tests/relay.h), so that stream management still waits for their <a/>.
 * That run then goes away without closing anything, as a crash or a
 * kill would. The store's outbox holds them, in order. The next run opens
 * the store again with a new session, hands them back, logs in, and the
 * peer gets each of them once, in the order typed, before a message
 * written after the login (which, on one stream, says nothing older is
 * still coming). Afterwards the outbox is empty, so a third start would
 * send nothing again. */
#include <unistd.h>

#include "harness.h"
#include "../relay.h"
#include "core/outbox.h"
#include "core/store.h"

static uv_loop_t loop;

/* One run of tuktuk as far as the outbox goes: a session whose events
 * keep the store's outbox, as main.c does. */
struct run {
    struct tclient c;
    struct store *st;
    int write_failures;
    int restored, sent;
};

static void on_run_event(void *ud, const struct session_event *ev)
{
    struct run *r = ud;
    harness_on_event(&r->c, ev);
    if (outbox_follow(r->st, r->c.s, ev) < 0)
        r->write_failures++;
    if (ev->type == SESSION_EV_OUTBOX) {
        r->restored += strcmp(ev->sub_type, "restored") == 0;
        r->sent += strcmp(ev->sub_type, "sent") == 0;
    }
}

static char dbpath[512];
/* The two accounts (made once: that takes seconds on ejabberd): ours,
 * which restarts, and the peer, online throughout. */
#define UA "ob_a"
#define UB "ob_b"
static char account[256], peer_jid[256];

/* A new run: the store opened again, a new session (port: the server's,
 * or a relay's in front of it). */
static int run_start(struct run *r, const char *user, int port)
{
    memset(r, 0, sizeof *r);
    char note[256], err[256] = "", jid[256], pw[64];
    r->st = store_open(dbpath, note, sizeof note, err, sizeof err);
    if (!r->st) {
        fprintf(stderr, "store_open: %s\n", err);
        return -1;
    }
    snprintf(jid, sizeof jid, "%s@%s", user, harness_env("TUKTUK_TEST_DOMAIN"));
    snprintf(pw, sizeof pw, "%s-pw", user);
    struct session_config cfg = harness_config(jid, pw);
    cfg.port = port;
    cfg.reconnect = true;
    cfg.connect_timeout_ms = 5000;
    r->c.s = session_new(&loop, &cfg, on_run_event, r, err, sizeof err);
    if (!r->c.s)
        fprintf(stderr, "session_new: %s\n", err);
    return r->c.s ? 0 : -1;
}

/* The run goes away without a word to the server: the socket closes as
 * the process's would, and nothing is sent or written on the way out. */
static void run_killed(struct run *r)
{
    harness_free(&r->c, &loop);
    store_close(r->st);
    r->st = NULL;
}

static void run_quit(struct run *r)
{
    session_disconnect(r->c.s, NULL);
    CHECK(harness_wait(&loop, harness_is_offline, &r->c, 5000));
    run_killed(r);
}

struct listed {
    int n;
    char bodies[8][64];
};

static void on_listed(void *ud, const char *id, const char *to, const char *type,
                      const char *body, const char *stanza, int64_t stamp)
{
    struct listed *l = ud;
    (void)id, (void)to, (void)type, (void)stamp, (void)stanza;
    if (l->n < 8)
        snprintf(l->bodies[l->n], sizeof l->bodies[0], "%s", body);
    l->n++;
}

/* The store's outbox for our account, read by a handle of its own. */
static struct listed outbox_of(void)
{
    struct listed l = {0};
    char note[256], err[256];
    struct store *st = store_open(dbpath, note, sizeof note, err, sizeof err);
    CHECK(st != NULL);
    if (st) {
        CHECK(store_outbox_list(st, account, on_listed, &l) >= 0);
        store_close(st);
    }
    return l;
}

static void make_pair(const char *a, const char *b)
{
    char args[600];
    const char *dir = harness_env("TUKTUK_TEST_RUNDIR");
    snprintf(args, sizeof args, "adduser %s %s %s-pw %s %s-pw", dir, a, a, b, b);
    CHECK(harness_server(args) == 0);
    snprintf(args, sizeof args, "rosteradd %s %s %s@localhost %s Friends", dir, a, b, b);
    CHECK(harness_server(args) == 0);
    snprintf(args, sizeof args, "rosteradd %s %s %s@localhost %s Friends", dir, b, a, a);
    CHECK(harness_server(args) == 0);
}

static int count_body(const struct tclient *c, const char *body)
{
    int n = 0;
    for (int i = 0; i < c->nmsgs && i < HARNESS_MAX_MSGS; i++)
        n += strcmp(c->bodies[i], body) == 0;
    return n;
}

struct arrival {
    const struct tclient *peer;
    const char *body;
};

static int arrived(void *arg)
{
    const struct arrival *a = arg;
    return count_body(a->peer, a->body) > 0;
}

struct sent_count {
    const struct run *r;
    int n;
};

/* The server has acknowledged n of our messages ("sent"). */
static int acknowledged(void *arg)
{
    const struct sent_count *c = arg;
    return c->r->sent >= c->n;
}

/* The peer got exactly bodies, in that order, then the marker. */
static void check_arrived_once_in_order(const struct tclient *peer, const char *const *bodies,
                                        int n, const char *marker)
{
    CHECK(peer->nmsgs == n + 1);
    for (int i = 0; i < n && i < peer->nmsgs; i++) {
        CHECK(strcmp(peer->bodies[i], bodies[i]) == 0);
        if (strcmp(peer->bodies[i], bodies[i]) != 0)
            fprintf(stderr, "message %d: got '%s', wanted '%s'\n", i, peer->bodies[i], bodies[i]);
    }
    CHECK(peer->nmsgs > n && strcmp(peer->bodies[n], marker) == 0);
}

/* The next run's half: the store's outbox back to a new session, a login,
 * and each message arrives once, in order; then the outbox is empty. */
static void restart_delivers(struct tclient *peer, const char *const *bodies, int n)
{
    struct run r;
    CHECK(run_start(&r, UA, harness_port("TUKTUK_TEST_C2S_PORT")) == 0);
    CHECK(outbox_restore(r.st, r.c.s) == n);
    CHECK(r.restored == n);
    CHECK(session_pending_messages(r.c.s) == (size_t)n);
    CHECK(peer->nmsgs == 0); /* nothing went before this login */
    session_connect(r.c.s);
    struct sent_count all = {&r, n};
    CHECK(harness_wait(&loop, acknowledged, &all, 30000));
    CHECK(r.sent == n);
    CHECK(session_pending_messages(r.c.s) == 0);
    const char *marker = "written after the login";
    CHECK(session_send_message(r.c.s, peer_jid, NULL, marker, NULL, NULL, 0) == 0);
    struct arrival a = {peer, marker};
    CHECK(harness_wait(&loop, arrived, &a, 10000));
    check_arrived_once_in_order(peer, bodies, n, marker);
    all.n = n + 1; /* the marker's <a/> too: then the outbox is empty */
    CHECK(harness_wait(&loop, acknowledged, &all, 10000));
    CHECK(r.write_failures == 0);
    CHECK(outbox_of().n == 0);
    run_quit(&r);
    /* A third start finds nothing to send. */
    CHECK(run_start(&r, UA, harness_port("TUKTUK_TEST_C2S_PORT")) == 0);
    CHECK(outbox_restore(r.st, r.c.s) == 0);
    CHECK(session_pending_messages(r.c.s) == 0);
    run_killed(&r);
}

static struct tclient *peer_online(struct tclient *b, const char *user)
{
    char pw[64];
    snprintf(pw, sizeof pw, "%s-pw", user);
    CHECK(harness_client(b, &loop, user, pw, false, harness_env("TUKTUK_TEST_CA"), NULL) == 0);
    session_connect(b->s);
    CHECK(harness_wait(&loop, harness_is_online, b, 30000));
    return b;
}

/* The store's outbox holds bodies, in order. */
static void check_outbox_holds(const char *const *bodies, int n)
{
    struct listed l = outbox_of();
    CHECK(l.n == n);
    for (int i = 0; i < n && i < l.n; i++)
        CHECK(strcmp(l.bodies[i], bodies[i]) == 0);
}

/* Typed while offline (the session never got online), then killed. */
static void test_typed_offline(void)
{
    struct tclient b;
    peer_online(&b, UB);
    static const char *const bodies[] = {"offline one", "offline two", "offline three"};
    struct run r;
    CHECK(run_start(&r, UA, harness_port("TUKTUK_TEST_C2S_PORT")) == 0);
    for (int i = 0; i < 3; i++)
        CHECK(session_send_message(r.c.s, peer_jid, NULL, bodies[i], NULL, NULL, 0) == 1);
    CHECK(session_pending_messages(r.c.s) == 3);
    run_killed(&r);
    check_outbox_holds(bodies, 3);

    restart_delivers(&b, bodies, 3);
    struct tclient *all[] = {&b};
    harness_close_all(&loop, all, 1);
}

/* Written on the stream but swallowed on the way: stream management waits
 * for their acknowledgement, and the outbox holds them (one queue: the
 * restart sends each once, not once per copy). Then killed. */
static void test_unconfirmed(void)
{
    struct tclient b;
    peer_online(&b, UB);
    struct relay rel = {0};
    relay_start(&rel, &loop, harness_port("TUKTUK_TEST_C2S_PORT"));
    struct run r;
    CHECK(run_start(&r, UA, rel.port) == 0);
    session_connect(r.c.s);
    CHECK(harness_wait(&loop, harness_is_online, &r.c, 30000));
    CHECK(session_resumable(r.c.s)); /* stream management is on */
    rel.swallow = true;
    static const char *const bodies[] = {"unconfirmed one", "unconfirmed two"};
    for (int i = 0; i < 2; i++)
        CHECK(session_send_message(r.c.s, peer_jid, NULL, bodies[i], NULL, NULL, 0) == 0);
    CHECK(r.sent == 0);
    check_outbox_holds(bodies, 2);
    run_killed(&r);
    relay_stop(&rel);
    uv_run(&loop, UV_RUN_NOWAIT);
    CHECK(b.nmsgs == 0);

    restart_delivers(&b, bodies, 2);
    struct tclient *all[] = {&b};
    harness_close_all(&loop, all, 1);
}

int main(void)
{
    uv_loop_init(&loop);
    char dir[] = "/tmp/tuktuk-outbox-XXXXXX";
    const char *tmp = getenv("TUKTUK_TEST_TMP");
    if (tmp && *tmp)
        snprintf(dbpath, sizeof dbpath, "%s/messages.db", tmp);
    else if (mkdtemp(dir))
        snprintf(dbpath, sizeof dbpath, "%s/messages.db", dir);
    snprintf(account, sizeof account, "%s@%s", UA, harness_env("TUKTUK_TEST_DOMAIN"));
    snprintf(peer_jid, sizeof peer_jid, "%s@%s", UB, harness_env("TUKTUK_TEST_DOMAIN"));
    make_pair(UA, UB);
    test_typed_offline();
    test_unconfirmed();
    uv_loop_close(&loop);
    return check_done();
}

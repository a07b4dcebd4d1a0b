/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_catchup.c - the archive read into the message store after a login
 * (core/catchup.c, core/keep.c, core/store.c), against the project's
 * servers, as tuktuk does it but without a screen: every message a
 * session reports is kept, then catchup_event sees it.
 *
 * Ann's phone stays online; her desk is the client under test, with its
 * own store. What Bob writes while the desk is away reaches the phone
 * (and the archive) only. After each login of the desk, its store must
 * hold every message once, in order:
 *   1. the first login reads the recent archive;
 *   2. a restart reads what came since, and nothing twice;
 *   3. a catch-up cut after its first page (the desk's session is
 *      dropped) finishes at the next login with nothing lost or doubled;
 *   4. messages that come live during a catch-up are kept once;
 *   5. a room: what it got while the desk was away is kept once after the
 *      rejoin, which asks the room for no history;
 *   6. a stream cut and resumed (XEP-0198, through a relay that plays the
 *      bad network) asks the archive nothing: a resumed stream lost
 *      nothing; what Bob wrote meanwhile is kept once.
 * Archives stamp whole seconds (Prosody), so an archived message is placed
 * at the start of its second: before a live one of that second. Where a
 * test needs the archived message after a live one, it waits for the next
 * second first (next_second): within one second the order is unknowable. */

#include <time.h>
#include <unistd.h>

#include "core/catchup.h"
#include "core/keep.h"
#include "harness.h"
#include "../relay.h"
#include "xmpp/jid.h"

static uv_loop_t loop;

struct app {
    struct tclient c; /* first: the harness's handler is given this */
    struct store *st;
    struct catchup cu;
    int pages, joined, no_history_joins;
    int mam_queries; /* archive queries we sent */
    bool cut_after_page; /* drop the connection at the first page */
};

static const char *const names[] = {"m01", "m02", "m03", "m04", "m05", "m06", "m07", "m08",
                                    "m09", "m10", "m11", "m12", "m13", "m14", "m15", "m16"};

/* What the screen would do with a message: keep it in its conversation. */
static void keep(struct app *a, const struct session_message *m)
{
    char err[512];
    bool groupchat = m->type && strcmp(m->type, "groupchat") == 0;
    const char *peer = m->ours && !groupchat ? m->to : m->from;
    char *conv = peer ? jid_bare_of(peer) : NULL;
    if (!conv || !m->body) {
        free(conv);
        return;
    }
    const char *nick = groupchat ? jid_resource_of(m->from) : NULL;
    struct keep k = {.conv = conv, .from = groupchat ? (nick ? nick : "") : conv,
                     .text = m->body, .stamp = m->stamp, .out = m->ours, .m = m};
    CHECK(keep_message(a->st, session_bare_jid(a->c.s), &k, err, sizeof err) != STORE_FAILED_WRITE);
    free(conv);
}

static void on_event(void *ud, const struct session_event *ev)
{
    struct app *a = ud;
    char err[512];
    if (a->st)
        CHECK(keep_settle(a->st, ev, err, sizeof err) == 0);
    harness_on_event(&a->c, ev);
    if (a->st && ev->type == SESSION_EV_MESSAGE && ev->msg && (!ev->msg->type || strcmp(ev->msg->type, "error")))
        keep(a, ev->msg);
    if (ev->type == SESSION_EV_MAM && ev->sub_type && strcmp(ev->sub_type, "page") == 0)
        a->pages++;
    if (ev->type == SESSION_EV_MUC_JOINED)
        a->joined++;
    if (ev->type == SESSION_EV_XML && ev->outgoing && ev->len > 9 &&
        memcmp(ev->text, "<presence", 9) == 0 &&
        (harness_contains(ev->text, ev->len, "maxstanzas=\"0\"") ||
         harness_contains(ev->text, ev->len, "maxstanzas='0'")))
        a->no_history_joins++;
    if (ev->type == SESSION_EV_XML && ev->outgoing && ev->len > 3 &&
        memcmp(ev->text, "<iq", 3) == 0 && harness_contains(ev->text, ev->len, "urn:xmpp:mam:2"))
        a->mam_queries++;
    catchup_event(&a->cu, ev);
}

/* port 0: the server's own; else a relay's. */
static void start_via(struct app *a, struct store *st, const char *user, const char *resource,
                      int port)
{
    char jid[256], err[200];
    memset(a, 0, sizeof *a);
    a->st = st;
    snprintf(jid, sizeof jid, "%s@%s/%s", user, harness_env("TUKTUK_TEST_DOMAIN"), resource);
    struct session_config cfg = harness_config(jid, "pw-cu");
    if (port) {
        cfg.port = port;
        cfg.reconnect = true;
    }
    a->c.s = session_new(&loop, &cfg, on_event, a, err, sizeof err);
    if (!a->c.s) {
        printf("session_new: %s\n0 passed, 1 failed\n", err);
        exit(1);
    }
    catchup_init(&a->cu, a->c.s, st, 7);
    a->cu.page = 2;
    session_connect(a->c.s);
    CHECK(harness_wait(&loop, harness_is_online, &a->c, 10000));
}

static void start(struct app *a, struct store *st, const char *user, const char *resource)
{
    start_via(a, st, user, resource, 0);
}

static void stop(struct app *a)
{
    struct tclient *all[] = {&a->c};
    harness_close_all(&loop, all, 1);
    catchup_free(&a->cu);
}

static int caught_up(void *arg)
{
    struct app *a = arg;
    return a->cu.synced && !catchup_running(&a->cu);
}

/* Stream management is on, so a cut can be resumed. (Not "nothing
 * unacknowledged": the catch-up's queries need not ask for an <a/>.) */
static int resumable(void *arg)
{
    struct app *a = arg;
    return session_resumable(a->c.s);
}

static int lost(void *arg)
{
    return session_state(((struct app *)arg)->c.s) != SESSION_ONLINE;
}

static int resumed(void *arg)
{
    struct app *a = arg;
    return session_state(a->c.s) == SESSION_ONLINE && session_resumed(a->c.s);
}

static int paged(void *arg)
{
    return ((struct app *)arg)->pages > 0;
}

struct seen {
    int n;
    char body[40][16];
};

static void on_stored(void *ud, const struct store_msg *m)
{
    struct seen *s = ud;
    if (s->n < 40)
        snprintf(s->body[s->n], sizeof s->body[0], "%s", m->body);
    s->n++;
}

/* conv in the store is exactly names[0..n), in order, each once. */
static void expect_store(struct store *st, const char *account, const char *conv, int n)
{
    struct seen s = {0};
    CHECK(store_recent(st, account, conv, 0, 40, on_stored, &s) == n);
    for (int i = 0; i < n && i < s.n; i++)
        CHECK_STR(s.body[i], names[i]);
}

/* Waiting for a count to reach a number, with the harness's timeout. */
struct until {
    int (*count)(void *arg);
    void *arg;
    int want;
};

static int until_reached(void *arg)
{
    struct until *u = arg;
    return u->count(u->arg) >= u->want;
}

static bool wait_until(int (*count)(void *), void *arg, int want)
{
    struct until u = {count, arg, want};
    return harness_wait(&loop, until_reached, &u, 10000);
}

static int msgs_of(void *arg)
{
    return ((struct tclient *)arg)->nmsgs;
}

static int joins_of(void *arg)
{
    return ((struct app *)arg)->joined;
}

struct in_store {
    struct store *st;
    const char *account, *conv;
};

static int stored(void *arg)
{
    struct in_store *w = arg;
    return (int)store_count(w->st, w->account, w->conv);
}

static void next_second(void)
{
    time_t t = time(NULL);
    while (time(NULL) == t)
        usleep(20000);
}

/* Bob sends names[from..to) to Ann; her phone gets them all. */
static void bob_sends(struct tclient *bob, struct tclient *phone, const char *to, int from, int n)
{
    int had = phone->nmsgs;
    for (int i = from; i < n; i++)
        CHECK(session_send_message(bob->s, to, "chat", names[i], NULL, NULL, 0) == 0);
    CHECK(wait_until(msgs_of, phone, had + (n - from)));
}

int main(void)
{
    uv_loop_init(&loop);
    char args[900], ann[128], bob[128], path[600], note[512], err[512];
    const char *domain = harness_env("TUKTUK_TEST_DOMAIN");
    snprintf(args, sizeof args, "adduser %s cu_ann pw-cu cu_bob pw-cu",
             harness_env("TUKTUK_TEST_RUNDIR"));
    CHECK(harness_server(args) == 0);
    snprintf(ann, sizeof ann, "cu_ann@%s", domain);
    snprintf(bob, sizeof bob, "cu_bob@%s", domain);
    snprintf(path, sizeof path, "%s/messages.db", harness_env("TUKTUK_TEST_TMP"));
    struct store *st = store_open(path, note, sizeof note, err, sizeof err);
    CHECK(st != NULL);
    if (!st)
        return check_done();

    struct app phone, bobc, desk;
    start(&phone, NULL, "cu_ann", "phone");
    start(&bobc, NULL, "cu_bob", "pc");

    /* 1. Three messages while the desk has never logged in. */
    bob_sends(&bobc.c, &phone.c, ann, 0, 3);
    start(&desk, st, "cu_ann", "desk");
    CHECK(!session_resumed(desk.c.s));
    CHECK(harness_wait(&loop, caught_up, &desk, 10000));
    expect_store(st, ann, bob, 3);

    /* 2. A restart: two more, and nothing twice. */
    stop(&desk);
    bob_sends(&bobc.c, &phone.c, ann, 3, 5);
    start(&desk, st, "cu_ann", "desk");
    CHECK(harness_wait(&loop, caught_up, &desk, 10000));
    expect_store(st, ann, bob, 5);

    /* 3. Six more, and the desk's connection dies after the first page. */
    stop(&desk);
    bob_sends(&bobc.c, &phone.c, ann, 5, 11);
    start(&desk, st, "cu_ann", "desk");
    CHECK(harness_wait(&loop, paged, &desk, 10000));
    harness_free(&desk.c, &loop); /* no goodbye: as a crash or a cut */
    catchup_free(&desk.cu);
    CHECK(store_count(st, ann, bob) < 11); /* it was cut before the end */
    start(&desk, st, "cu_ann", "desk");
    CHECK(harness_wait(&loop, caught_up, &desk, 10000));
    expect_store(st, ann, bob, 11);

    /* 4. Live during a catch-up: sent as the desk logs in. */
    stop(&desk);
    bob_sends(&bobc.c, &phone.c, ann, 11, 14);
    start(&desk, st, "cu_ann", "desk");
    for (int i = 14; i < 16; i++)
        CHECK(session_send_message(bobc.c.s, ann, "chat", names[i], NULL, NULL, 0) == 0);
    CHECK(harness_wait(&loop, caught_up, &desk, 10000));
    struct in_store with_bob = {st, ann, bob};
    CHECK(wait_until(stored, &with_bob, 16));
    expect_store(st, ann, bob, 16);

    /* 5. A room: the desk joins (its first time: the room's history), Bob
     * speaks, the desk goes; Bob speaks again; the desk comes back. */
    char room[256];
    snprintf(room, sizeof room, "cu%ld@%s", (long)time(NULL) % 100000, harness_env("TUKTUK_TEST_MUC"));
    struct in_store in_room = {st, ann, room};
    CHECK(session_muc_join(desk.c.s, room, "ann", NULL) == 0);
    CHECK(wait_until(joins_of, &desk, 1));
    CHECK(desk.no_history_joins == 0); /* the first join takes the room's history */
    CHECK(session_muc_join(bobc.c.s, room, "bob", NULL) == 0);
    CHECK(wait_until(joins_of, &bobc, 1));
    CHECK(session_send_message(bobc.c.s, room, "groupchat", names[0], NULL, NULL, 0) == 0);
    CHECK(wait_until(stored, &in_room, 1));
    stop(&desk);
    next_second();
    int had = bobc.c.nmsgs;
    for (int i = 1; i < 4; i++)
        CHECK(session_send_message(bobc.c.s, room, "groupchat", names[i], NULL, NULL, 0) == 0);
    CHECK(wait_until(msgs_of, &bobc.c, had + 3)); /* the room has them */
    start(&desk, st, "cu_ann", "desk");
    CHECK(harness_wait(&loop, caught_up, &desk, 10000));
    CHECK(session_muc_join(desk.c.s, room, "ann", NULL) == 0);
    CHECK(wait_until(joins_of, &desk, 1));
    CHECK(desk.no_history_joins == 1); /* the rejoin asked for no history */
    CHECK(harness_wait(&loop, caught_up, &desk, 10000));
    CHECK(wait_until(stored, &in_room, 4));
    expect_store(st, ann, room, 4);

    /* 6. Through a relay: cut, resumed, no archive asked. */
    stop(&desk);
    struct relay r = {0};
    relay_start(&r, &loop, harness_port("TUKTUK_TEST_C2S_PORT"));
    start_via(&desk, st, "cu_ann", "desk", r.port);
    CHECK(harness_wait(&loop, caught_up, &desk, 10000));
    CHECK(harness_wait(&loop, resumable, &desk, 10000));
    int asked = desk.mam_queries;
    CHECK(asked >= 1); /* the new login's catch-up */
    relay_cut_all(&r);
    CHECK(harness_wait(&loop, lost, &desk, 5000));
    CHECK(session_send_message(bobc.c.s, ann, "chat", "while cut", NULL, NULL, 0) == 0);
    CHECK(harness_wait(&loop, resumed, &desk, 15000));
    struct in_store cut = {st, ann, bob};
    CHECK(wait_until(stored, &cut, 17));
    CHECK(desk.mam_queries == asked); /* a resumed stream lost nothing */
    CHECK(store_count(st, ann, bob) == 17);

    struct tclient *all[] = {&phone.c, &bobc.c, &desk.c};
    harness_close_all(&loop, all, 3);
    relay_stop(&r);
    catchup_free(&desk.cu);
    catchup_free(&phone.cu);
    catchup_free(&bobc.cu);
    store_close(st);
    return check_done();
}

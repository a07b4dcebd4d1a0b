/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_sm.c - stream management (XEP-0198) against the test server,
 * through a TCP relay of our own on loopback (tests/relay.h) that can cut
 * the connection, swallow what the client sends, stall, or turn
 * connections away: acknowledgements
 * empty the queue; a cut connection resumes with nothing lost either way
 * (a message sent to us meanwhile arrives, one of ours that never reached
 * the server is sent again, once); when the server has forgotten the
 * session (after its 5 s hibernation), the client logs in again and sends
 * the unconfirmed message again, saying so; a link that goes silent both
 * ways (the relay stalls it, as a dead NAT or Wi-Fi would) is given up when
 * our <r/> gets no <a/>, and the message sent into it arrives once after
 * the reconnect. */
#include "harness.h"
#include "../relay.h"

static uv_loop_t loop;

/* --- the client behind the relay --- */

struct sm_client {
    struct tclient c;
    char infos[4096];   /* every SESSION_EV_INFO, and why it lost a link, one a line */
    int onlines;        /* times it reached SESSION_ONLINE */
    char peer[128];     /* the peer's bare JID */
    int peer_presences; /* presences received from the peer */
    int rooms_joined;   /* SESSION_EV_MUC_JOINED: a created room is configured by then */
    int flood[400];     /* the numbers of the "flood N" messages received, in order */
    int nflood;
};

static void on_sm_event(void *ud, const struct session_event *ev)
{
    struct sm_client *m = ud;
    harness_on_event(&m->c, ev);
    bool lost_link = ev->type == SESSION_EV_STATE && ev->state == SESSION_RECONNECT_WAIT;
    if ((ev->type == SESSION_EV_INFO || lost_link) && ev->text) {
        size_t used = strlen(m->infos);
        snprintf(m->infos + used, sizeof m->infos - used, "%s\n", ev->text);
    }
    if (ev->type == SESSION_EV_STATE && ev->state == SESSION_ONLINE)
        m->onlines++;
    m->rooms_joined += ev->type == SESSION_EV_MUC_JOINED;
    int k;
    if (ev->type == SESSION_EV_MESSAGE && ev->msg->body && m->nflood < 400 &&
        sscanf(ev->msg->body, "flood %d", &k) == 1)
        m->flood[m->nflood++] = k;
    size_t n = strlen(m->peer);
    if (ev->type == SESSION_EV_PRESENCE && n && ev->jid && strncmp(ev->jid, m->peer, n) == 0 &&
        (ev->jid[n] == '/' || ev->jid[n] == '\0'))
        m->peer_presences++;
}

static int relayed_client(struct sm_client *m, const char *user, const char *pw, int port)
{
    memset(m, 0, sizeof *m);
    char jid[256], err[256] = "";
    snprintf(jid, sizeof jid, "%s@%s", user, harness_env("TUKTUK_TEST_DOMAIN"));
    struct session_config cfg = harness_config(jid, pw);
    cfg.port = port;
    cfg.reconnect = true;
    cfg.connect_timeout_ms = 5000;
    m->c.s = session_new(&loop, &cfg, on_sm_event, m, err, sizeof err);
    if (!m->c.s)
        fprintf(stderr, "session_new: %s\n", err);
    return m->c.s ? 0 : -1;
}

static void make_pair(const char *a, const char *b)
{
    char args[600];
    snprintf(args, sizeof args, "adduser %s %s %s-pw %s %s-pw", harness_env("TUKTUK_TEST_RUNDIR"),
             a, a, b, b);
    CHECK(harness_server(args) == 0);
    snprintf(args, sizeof args, "rosteradd %s %s %s@localhost %s Friends",
             harness_env("TUKTUK_TEST_RUNDIR"), a, b, b);
    CHECK(harness_server(args) == 0);
    snprintf(args, sizeof args, "rosteradd %s %s %s@localhost %s Friends",
             harness_env("TUKTUK_TEST_RUNDIR"), b, a, a);
    CHECK(harness_server(args) == 0);
}

static int resumable_and_acked(void *arg)
{
    struct sm_client *m = arg;
    return harness_is_online(&m->c) && session_resumable(m->c.s) && session_unacked(m->c.s) == 0;
}

/* Online, resumable, and the peer's presence arrived: the login is over.
 * What the login sent may still wait for an acknowledgement: the client
 * asks for one after a message (or SM_REQUEST_EVERY stanzas), not after
 * an IQ answer, such as the one to its own caps query. Whether that answer
 * goes out before or after the server's <a/> to the login's last <r/> is
 * the server's timing (after, most of the time, on ejabberd). The next
 * message asks; test_acknowledged checks that the queue then empties. */
static int settled(void *arg)
{
    struct sm_client *m = arg;
    return harness_is_online(&m->c) && session_resumable(m->c.s) && m->peer_presences > 0;
}

static int got_body(void *arg)
{
    struct tclient *c = arg;
    return c->nmsgs > 0;
}

static int lost(void *arg)
{
    struct sm_client *m = arg;
    return session_state(m->c.s) == SESSION_RECONNECT_WAIT;
}

static int online_again(void *arg)
{
    struct sm_client *m = arg;
    return m->onlines >= 2 && harness_is_online(&m->c);
}

static int count_body(const struct tclient *c, const char *body)
{
    int n = 0;
    for (int i = 0; i < c->nmsgs && i < HARNESS_MAX_MSGS; i++)
        n += strcmp(c->bodies[i], body) == 0;
    return n;
}

static int peer_sees_away(void *arg)
{
    struct tclient *c = arg;
    return c->presence_show == SHOW_AWAY && strcmp(c->presence_status, "gone fishing") == 0;
}

struct two {
    struct sm_client *a;
    struct tclient *b;
    const char *a_body, *b_body;
};

static int both_arrived(void *arg)
{
    struct two *t = arg;
    return count_body(&t->a->c, t->b_body) > 0 && count_body(t->b, t->a_body) > 0 &&
           harness_is_online(&t->a->c);
}

static void settle(unsigned ms)
{
    uv_timer_t t;
    uv_timer_init(&loop, &t);
    uv_timer_start(&t, harness_tick, ms, 0);
    uv_run(&loop, UV_RUN_ONCE);
    uv_close((uv_handle_t *)&t, NULL);
    uv_run(&loop, UV_RUN_NOWAIT);
}

struct jids {
    char a[128], b[128]; /* the two accounts' bare JIDs */
};

/* Logged in through the relay, with the peer logged in directly. */
static void start_pair(struct relay *r, struct sm_client *a, struct tclient *b, const char *ua,
                       const char *ub, struct jids *j)
{
    snprintf(j->a, sizeof j->a, "%s@%s", ua, harness_env("TUKTUK_TEST_DOMAIN"));
    snprintf(j->b, sizeof j->b, "%s@%s", ub, harness_env("TUKTUK_TEST_DOMAIN"));
    make_pair(ua, ub);
    relay_start(r, &loop, harness_port("TUKTUK_TEST_C2S_PORT"));
    char pa[64], pb[64];
    snprintf(pa, sizeof pa, "%s-pw", ua);
    snprintf(pb, sizeof pb, "%s-pw", ub);
    CHECK(relayed_client(a, ua, pa, r->port) == 0);
    snprintf(a->peer, sizeof a->peer, "%s", j->b);
    CHECK(harness_client(b, &loop, ub, pb, false, harness_env("TUKTUK_TEST_CA"), NULL) == 0);
    session_connect(a->c.s);
    session_connect(b->s);
    CHECK(harness_wait(&loop, harness_is_online, b, 10000));
    CHECK(harness_wait(&loop, settled, a, 10000));
}

static void finish_pair(struct relay *r, struct sm_client *a, struct tclient *b)
{
    session_disconnect(a->c.s, NULL);
    session_disconnect(b->s, NULL);
    harness_wait(&loop, harness_is_offline, &a->c, 5000);
    harness_wait(&loop, harness_is_offline, b, 5000);
    harness_free(&a->c, &loop);
    harness_free(b, &loop);
    relay_stop(r);
}

/* Our message is acknowledged: nothing waits in the queue. */
static void test_acknowledged(void)
{
    struct relay r = {0};
    struct sm_client a;
    struct tclient b;
    struct jids j;
    start_pair(&r, &a, &b, "sm_ack_a", "sm_ack_b", &j);
    CHECK(session_send_message(a.c.s, j.b, NULL, "acked", NULL, NULL, 0) == 0);
    CHECK(session_unacked(a.c.s) > 0);
    CHECK(harness_wait(&loop, got_body, &b, 5000));
    CHECK(harness_wait(&loop, resumable_and_acked, &a, 5000));
    finish_pair(&r, &a, &b);
}

/* The connection drops with one of our messages swallowed on the way, and
 * a message for us arrives at the server meanwhile: after resumption each
 * arrives exactly once, on the same resource. */
static void test_resumed(void)
{
    struct relay r = {0};
    struct sm_client a;
    struct tclient b;
    struct jids j;
    start_pair(&r, &a, &b, "sm_res_a", "sm_res_b", &j);
    char *full = strdup(session_full_jid(a.c.s));
    CHECK(!session_resumed(a.c.s)); /* a fresh login */

    r.swallow = true;
    CHECK(session_send_message(a.c.s, j.b, NULL, "lost on the way", NULL, NULL, 0) == 0);
    settle(200);
    CHECK(session_unacked(a.c.s) > 0);
    relay_cut_all(&r);
    r.swallow = false;
    CHECK(harness_wait(&loop, lost, &a, 5000));
    CHECK(session_send_message(b.s, j.a, NULL, "sent while you were away", NULL, NULL, 0) == 0);
    /* Auto-away while the connection is down: the server must hear of it. */
    CHECK(session_set_presence(a.c.s, SHOW_AWAY, "gone fishing", 0) == 0);

    struct two t = {&a, &b, "lost on the way", "sent while you were away"};
    CHECK(harness_wait(&loop, both_arrived, &t, 15000));
    CHECK(strstr(a.infos, "connection resumed") != NULL);
    CHECK(session_resumed(a.c.s)); /* nothing was missed: no archive catch-up */
    CHECK(strcmp(session_full_jid(a.c.s), full) == 0);
    settle(500); /* time for a duplicate to show up */
    CHECK(count_body(&b, "lost on the way") == 1);
    CHECK(count_body(&a.c, "sent while you were away") == 1);
    CHECK(harness_wait(&loop, resumable_and_acked, &a, 5000));
    CHECK(harness_wait(&loop, peer_sees_away, &b, 5000));
    free(full);
    finish_pair(&r, &a, &b);
}

static void on_allow(uv_timer_t *t)
{
    ((struct relay *)t->data)->refuse = false;
}

/* The connection stays away longer than the server keeps the session (5 s
 * in scripts/prosody and scripts/ejabberd): the client logs in anew and sends the message the
 * server never confirmed again, telling the user. */
static void test_resume_failed(void)
{
    struct relay r = {0};
    struct sm_client a;
    struct tclient b;
    struct jids j;
    start_pair(&r, &a, &b, "sm_fail_a", "sm_fail_b", &j);

    r.swallow = true;
    CHECK(session_send_message(a.c.s, j.b, NULL, "kept for later", NULL, NULL, 0) == 0);
    settle(200);
    relay_cut_all(&r);
    r.swallow = false;
    r.refuse = true;
    uv_timer_t allow;
    uv_timer_init(&loop, &allow);
    allow.data = &r;
    uv_timer_start(&allow, on_allow, 6500, 0);

    CHECK(harness_wait(&loop, online_again, &a, 30000));
    CHECK(strstr(a.infos, "could not resume the session") != NULL);
    CHECK(!session_resumed(a.c.s)); /* logged in anew: the archive has what was missed */
    CHECK(harness_wait(&loop, got_body, &b, 5000));
    CHECK(count_body(&b, "kept for later") == 1);
    CHECK(strstr(a.infos, "sent again 1 message") != NULL);
    uv_close((uv_handle_t *)&allow, NULL);
    finish_pair(&r, &a, &b);
}

/* The link goes silent (no RST, no FIN) just before a message: no <a/>
 * answers its <r/>, so the client gives the link up after its ack
 * deadline and reconnects, and the message reaches the peer once. */
static void test_silent_link(void)
{
    struct relay r = {0};
    struct sm_client a;
    struct tclient b;
    struct jids j;
    start_pair(&r, &a, &b, "sm_stall_a", "sm_stall_b", &j);
    int onlines = a.onlines;
    relay_stall_all(&r);
    CHECK(session_send_message(a.c.s, j.b, NULL, "into the silence", NULL, NULL, 0) == 0);
    CHECK(harness_wait(&loop, lost, &a, 30000));
    CHECK(harness_wait(&loop, got_body, &b, 30000));
    CHECK(harness_wait(&loop, harness_is_online, &a.c, 10000));
    CHECK(a.onlines > onlines);
    CHECK(strstr(a.infos, "did not acknowledge") != NULL); /* not the idle ping */
    settle(500); /* time for a duplicate to show up */
    CHECK(count_body(&b, "into the silence") == 1);
    finish_pair(&r, &a, &b);
}

struct in_room {
    struct session *s;
    const char *room;
};

static int in_room(void *arg)
{
    struct in_room *r = arg;
    const struct muc_room *m = session_muc_room(r->s, r->room);
    return m && m->joined && session_state(r->s) == SESSION_ONLINE;
}

/* Our first room is created and configured: others may join. */
static int room_ready(void *arg)
{
    return ((struct sm_client *)arg)->rooms_joined > 0;
}

struct body_at {
    struct tclient *c;
    const char *body;
};

static int body_arrived(void *arg)
{
    struct body_at *b = arg;
    return count_body(b->c, b->body) > 0;
}

/* Written to a room while the link is down and the server forgets the
 * session: the message waits for the new login to join the room again
 * (sent before, the room would refuse it), then arrives once. */
static void test_room_waits(void)
{
    struct relay r = {0};
    struct sm_client a;
    struct tclient b;
    struct jids j;
    start_pair(&r, &a, &b, "sm_room_a", "sm_room_b", &j);
    char room[256];
    snprintf(room, sizeof room, "outbox@%s", harness_env("TUKTUK_TEST_MUC"));
    struct in_room ra = {a.c.s, room}, rb = {b.s, room};
    CHECK(session_muc_join(a.c.s, room, "ann", NULL) == 0);
    CHECK(harness_wait(&loop, room_ready, &a, 10000));
    CHECK(session_muc_join(b.s, room, "ben", NULL) == 0);
    CHECK(harness_wait(&loop, in_room, &rb, 10000));
    int onlines = a.onlines;

    relay_cut_all(&r);
    r.refuse = true;
    uv_timer_t allow;
    uv_timer_init(&loop, &allow);
    allow.data = &r;
    uv_timer_start(&allow, on_allow, 6500, 0);
    CHECK(harness_wait(&loop, lost, &a, 5000));
    CHECK(session_send_message(a.c.s, room, "groupchat", "to the room while away", NULL, NULL,
                               0) == 1);
    CHECK(session_pending_messages(a.c.s) == 1);

    struct body_at got = {&b, "to the room while away"};
    CHECK(harness_wait(&loop, body_arrived, &got, 30000));
    CHECK(a.onlines > onlines);
    CHECK(strstr(a.infos, "could not resume the session") != NULL); /* a new login, a rejoin */
    CHECK(harness_wait(&loop, in_room, &ra, 10000));
    settle(500); /* time for a duplicate to show up */
    CHECK(count_body(&b, "to the room while away") == 1);
    CHECK(a.c.nerrors == 0); /* the room refused nothing */
    CHECK(session_pending_messages(a.c.s) == 0);
    uv_close((uv_handle_t *)&allow, NULL);
    finish_pair(&r, &a, &b);
}

/* --- many messages through a bad link (issue 16) --- */

#define FLOOD 200

struct flood {
    struct relay *r;
    struct sm_client *a;
    const char *to;
    int next;
    uv_timer_t timer;
};

/* One message a tick, whatever the link's state: the outbox takes what
 * cannot go now. Three cuts and a stall on the way. */
static void on_flood_tick(uv_timer_t *t)
{
    struct flood *f = t->data;
    if (f->next == 40 || f->next == 80 || f->next == 120)
        relay_cut_all(f->r);
    if (f->next == 150)
        relay_stall_all(f->r);
    char body[32];
    snprintf(body, sizeof body, "flood %d", f->next);
    if (session_send_message(f->a->c.s, f->to, NULL, body, NULL, NULL, 0) < 0)
        fprintf(stderr, "# %s refused\n", body);
    if (++f->next == FLOOD)
        uv_timer_stop(t);
}

static int flood_arrived(void *arg)
{
    return ((struct sm_client *)arg)->nflood >= FLOOD;
}

/* 200 messages at 20 a second, with three cuts and a stall that only the
 * missing <a/> reveals: all 200 arrive at the peer, in order, once. */
static void test_flood(void)
{
    struct relay r = {0};
    struct sm_client a, b;
    struct jids j;
    snprintf(j.a, sizeof j.a, "sm_flood_a@%s", harness_env("TUKTUK_TEST_DOMAIN"));
    snprintf(j.b, sizeof j.b, "sm_flood_b@%s", harness_env("TUKTUK_TEST_DOMAIN"));
    make_pair("sm_flood_a", "sm_flood_b");
    relay_start(&r, &loop, harness_port("TUKTUK_TEST_C2S_PORT"));
    CHECK(relayed_client(&a, "sm_flood_a", "sm_flood_a-pw", r.port) == 0);
    CHECK(relayed_client(&b, "sm_flood_b", "sm_flood_b-pw",
                         harness_port("TUKTUK_TEST_C2S_PORT")) == 0);
    snprintf(a.peer, sizeof a.peer, "%s", j.b);
    session_connect(a.c.s);
    session_connect(b.c.s);
    CHECK(harness_wait(&loop, harness_is_online, &b.c, 10000));
    CHECK(harness_wait(&loop, settled, &a, 10000));

    struct flood f = {.r = &r, .a = &a, .to = j.b};
    uv_timer_init(&loop, &f.timer);
    f.timer.data = &f;
    uv_timer_start(&f.timer, on_flood_tick, 50, 50);
    CHECK(harness_wait(&loop, flood_arrived, &b, 120000));
    settle(1000); /* time for a duplicate to show up */
    CHECK(b.nflood == FLOOD);
    int in_order = 0;
    for (int i = 0; i < b.nflood && i < FLOOD; i++)
        in_order += b.flood[i] == i;
    CHECK(in_order == FLOOD);
    if (in_order != FLOOD || b.nflood != FLOOD)
        fprintf(stderr, "# %d arrived, %d in their place\n", b.nflood, in_order);
    CHECK(strstr(a.infos, "did not acknowledge") != NULL); /* the stall was found */
    CHECK(harness_wait(&loop, resumable_and_acked, &a, 10000));
    CHECK(session_pending_messages(a.c.s) == 0);
    uv_close((uv_handle_t *)&f.timer, NULL);
    finish_pair(&r, &a, &b.c);
}

int main(void)
{
    uv_loop_init(&loop);
    test_acknowledged();
    test_resumed();
    test_resume_failed();
    test_silent_link();
    test_flood();
    test_room_waits();
    while (uv_run(&loop, UV_RUN_NOWAIT) != 0)
        ;
    uv_loop_close(&loop);
    return check_done();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_accounts.c - several accounts at once in one loop (issue 15), the
 * way tuktuk holds them: each account a session of its own, two on
 * Prosody (alice, bob) and one on ejabberd (carol), with a peer on each
 * server (dave) to talk to them. tests/run runs this program once, with
 * both servers named (TUKTUK_TEST_PROSODY_*, TUKTUK_TEST_EJABBERD_*).
 *
 * What must hold when accounts share a loop:
 *  - a message to each account reaches that account's session and no
 *    other, and its reply leaves from that account: the peer sees the
 *    account's bare JID with that session's own resource;
 *  - a fourth account with a wrong password disturbs nobody. Its login
 *    goes through a relay (tests/relay.h) that holds it, so the others are
 *    seen logging in and chatting while it is still under way (not
 *    waiting for it to fail); let through, it fails alone;
 *  - ejabberd stopped with its script, while the Prosody accounts go on
 *    chatting, then started again: carol comes back by herself, and what
 *    she wrote while it was down reaches her peer;
 *  - rooms on two accounts at once: alice and bob in one room on
 *    Prosody, each seeing the other's message, while carol is in a room of
 *    the same address on ejabberd, which is another room.
 * Every step waits for a condition with a deadline. ejabberd is started
 * again before the end whatever happened, so the programs after this one
 * find it up (the runner would restart it too). */
#include "../relay.h"
#include "harness.h"

struct acct {
    struct tclient c;
    const char *name;     /* in message bodies */
    const char *resource; /* the session's own */
    int joined;           /* SESSION_EV_MUC_JOINED */
};

static uv_loop_t loop;
static struct harness_target prosody, ejabberd;
static bool ejabberd_stopped;

static void on_acct_event(void *ud, const struct session_event *ev)
{
    struct acct *a = ud;
    harness_on_event(&a->c, ev);
    if (ev->type == SESSION_EV_MUC_JOINED)
        a->joined++;
}

/* USER@server's session, logging in at port: the server's, or a relay's. */
static void open_acct(struct acct *a, const struct harness_target *t, int port, const char *user,
                      const char *password, const char *resource, unsigned connect_timeout_ms)
{
    memset(a, 0, sizeof *a);
    a->name = user;
    a->resource = resource;
    char jid[256], err[256] = "";
    snprintf(jid, sizeof jid, "%s@%s", user, t->domain);
    struct session_config cfg = harness_config_at(jid, password, port, t->ca);
    cfg.resource = resource;
    cfg.reconnect = true;
    cfg.connect_timeout_ms = connect_timeout_ms;
    a->c.s = session_new(&loop, &cfg, on_acct_event, a, err, sizeof err);
    if (!a->c.s)
        fprintf(stderr, "session_new %s: %s\n", jid, err);
}

/* --- conditions --- */

/* A NULL-ended list of accounts. */
static int all_online(void *arg)
{
    for (struct acct *const *a = arg; *a; a++)
        if (session_state((*a)->c.s) != SESSION_ONLINE)
            return 0;
    return 1;
}

static int not_online(void *arg)
{
    return session_state(((struct acct *)arg)->c.s) != SESSION_ONLINE;
}

struct online_again {
    struct acct *a;
    int logins;
};

static int online_again(void *arg)
{
    struct online_again *o = arg;
    return o->a->c.online_count >= o->logins && harness_is_online(&o->a->c);
}

static int auth_failed_offline(void *arg)
{
    struct acct *a = arg;
    return a->c.auth_failed > 0 && harness_is_offline(&a->c);
}

static int relay_has_link(void *arg)
{
    return ((struct relay *)arg)->links != NULL;
}

static int find_body(const struct tclient *c, const char *body)
{
    for (int i = 0; i < c->nmsgs; i++)
        if (strcmp(c->bodies[i], body) == 0)
            return i;
    return -1;
}

static int count_body(const struct tclient *c, const char *body)
{
    int n = 0;
    for (int i = 0; i < c->nmsgs; i++)
        n += strcmp(c->bodies[i], body) == 0;
    return n;
}

/* A NULL-ended list of accounts, each waiting for its own body. */
struct arrivals {
    struct acct *const *a;
    char (*body)[160];
};

static int all_arrived(void *arg)
{
    struct arrivals *w = arg;
    for (int i = 0; w->a[i]; i++)
        if (find_body(&w->a[i]->c, w->body[i]) < 0)
            return 0;
    return 1;
}

static bool wait_body(struct acct *a, const char *body, unsigned ms)
{
    struct acct *one[] = {a, NULL};
    char want[1][160];
    snprintf(want[0], sizeof want[0], "%s", body);
    struct arrivals w = {one, want};
    return harness_wait(&loop, all_arrived, &w, ms);
}

/* a's full JID as a peer must see it: its bare JID and its own resource. */
static void full_jid_of(const struct acct *a, char *out, size_t len)
{
    snprintf(out, len, "%s/%s", session_bare_jid(a->c.s), a->resource);
}

/* --- a server's script, run beside the loop --- */

/* The loop goes on while the script runs: the other accounts keep
 * talking while a server stops or starts. */
struct script_run {
    uv_process_t proc;
    bool done;
    int64_t status;
};

static void on_script_exit(uv_process_t *p, int64_t status, int signal)
{
    struct script_run *r = p->data;
    r->status = signal ? 128 + signal : status;
    r->done = true;
    uv_close((uv_handle_t *)p, NULL);
}

static void script_start(struct script_run *r, const struct harness_target *t, const char *command)
{
    memset(r, 0, sizeof *r);
    char *args[] = {(char *)t->script, (char *)command, (char *)t->rundir, NULL};
    /* Its output goes to our stderr: stdout is for results. */
    uv_stdio_container_t stdio[3] = {{.flags = UV_IGNORE},
                                     {.flags = UV_INHERIT_FD, .data.fd = 2},
                                     {.flags = UV_INHERIT_FD, .data.fd = 2}};
    uv_process_options_t o = {.file = t->script,
                              .args = args,
                              .exit_cb = on_script_exit,
                              .stdio_count = 3,
                              .stdio = stdio};
    r->proc.data = r;
    int rc = uv_spawn(&loop, &r->proc, &o);
    if (rc != 0) {
        fprintf(stderr, "spawn %s %s: %s\n", t->script, command, uv_strerror(rc));
        r->status = -1;
        r->done = true;
        uv_close((uv_handle_t *)&r->proc, NULL);
    }
}

static int script_done(void *arg)
{
    return ((struct script_run *)arg)->done;
}

/* --- messages --- */

/* peer writes to a's bare JID, and a answers to the full JID it came
 * from: the message arrives from peer, and the answer leaves from a's
 * bare JID with a's own resource. tag keeps each round's bodies apart. */
static void round_trip(struct acct *peer, struct acct *a, const char *tag)
{
    char there[160], back[160], from[300], expect[300];
    snprintf(there, sizeof there, "%s: %s to %s", tag, peer->name, a->name);
    snprintf(back, sizeof back, "%s: %s to %s", tag, a->name, peer->name);
    CHECK(session_send_message(peer->c.s, session_bare_jid(a->c.s), "chat", there, NULL, NULL, 0) ==
          0);
    CHECK(wait_body(a, there, 20000));
    int i = find_body(&a->c, there);
    if (i < 0)
        return;
    full_jid_of(peer, expect, sizeof expect);
    CHECK_STR(a->c.from[i], expect);
    snprintf(from, sizeof from, "%s", a->c.from[i]);
    CHECK(session_send_message(a->c.s, from, "chat", back, NULL, NULL, 0) == 0);
    CHECK(wait_body(peer, back, 20000));
    int j = find_body(&peer->c, back);
    full_jid_of(a, expect, sizeof expect);
    if (j >= 0)
        CHECK_STR(peer->c.from[j], expect);
    CHECK_STR(session_full_jid(a->c.s), expect);
}

/* Each of the three accounts is written to at once, each by its
 * server's peer: every message lands in its account's session and in no
 * other; then every account answers at once, and each answer reaches its
 * peer from that account's full JID. */
static void messages_find_their_account(struct acct *const *accounts, struct acct *const *peers)
{
    char to[3][160], back[3][160], from[300];
    for (int i = 0; i < 3; i++) {
        snprintf(to[i], sizeof to[i], "routing: %s to %s", peers[i]->name, accounts[i]->name);
        CHECK(session_send_message(peers[i]->c.s, session_bare_jid(accounts[i]->c.s), "chat", to[i],
                                   NULL, NULL, 0) == 0);
    }
    struct arrivals in = {accounts, to};
    CHECK(harness_wait(&loop, all_arrived, &in, 20000));
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++)
            CHECK(count_body(&accounts[k]->c, to[i]) == (i == k));
    for (int i = 0; i < 3; i++) {
        int m = find_body(&accounts[i]->c, to[i]);
        if (m < 0)
            continue;
        snprintf(from, sizeof from, "%s", accounts[i]->c.from[m]);
        snprintf(back[i], sizeof back[i], "routing: %s to %s", accounts[i]->name, peers[i]->name);
        CHECK(session_send_message(accounts[i]->c.s, from, "chat", back[i], NULL, NULL, 0) == 0);
    }
    struct arrivals out = {peers, back};
    CHECK(harness_wait(&loop, all_arrived, &out, 20000));
    for (int i = 0; i < 3; i++) {
        int m = find_body(&peers[i]->c, back[i]);
        full_jid_of(accounts[i], from, sizeof from);
        if (m >= 0)
            CHECK_STR(peers[i]->c.from[m], from);
    }
}

/* --- rooms --- */

static int joined(void *arg)
{
    for (struct acct *const *a = arg; *a; a++)
        if ((*a)->joined < 1)
            return 0;
    return 1;
}

/* Whether c received a groupchat message with body from room/nick. */
static bool saw_groupchat(const struct tclient *c, const char *room, const char *nick,
                          const char *body)
{
    char from[300];
    snprintf(from, sizeof from, "%s/%s", room, nick);
    for (int i = 0; i < c->nmsgs; i++)
        if (strcmp(c->bodies[i], body) == 0 && strcmp(c->from[i], from) == 0 &&
            strcmp(c->types[i], "groupchat") == 0)
            return true;
    return false;
}

struct room_seen {
    const struct tclient *c;
    const char *room, *nick, *body;
};

static int room_seen(void *arg)
{
    for (struct room_seen *w = arg; w->c; w++)
        if (!saw_groupchat(w->c, w->room, w->nick, w->body))
            return 0;
    return 1;
}

/* alice and bob in one room on Prosody, carol in a room of the same
 * address on ejabberd. Prosody keeps a new room locked to others until
 * its creator accepts the configuration (XEP-0045 §10.1.2), which
 * SESSION_EV_MUC_JOINED follows: bob joins once alice's join is done. */
static void rooms_on_two_accounts(struct acct *alice, struct acct *bob, struct acct *carol)
{
    char room[256], ej_room[256];
    snprintf(room, sizeof room, "multi-room@%s", prosody.muc);
    snprintf(ej_room, sizeof ej_room, "multi-room@%s", ejabberd.muc);
    CHECK(session_muc_join(alice->c.s, room, "alice", NULL) == 0);
    CHECK(session_muc_join(carol->c.s, ej_room, "carol", NULL) == 0);
    struct acct *first[] = {alice, carol, NULL};
    CHECK(harness_wait(&loop, joined, first, 20000));
    CHECK(session_muc_join(bob->c.s, room, "bob", NULL) == 0);
    struct acct *second[] = {bob, NULL};
    CHECK(harness_wait(&loop, joined, second, 20000));
    /* Both Prosody accounts are in the room at once. */
    CHECK(session_muc_room(alice->c.s, room) && session_muc_room(alice->c.s, room)->joined);
    CHECK(session_muc_room(bob->c.s, room) && session_muc_room(bob->c.s, room)->joined);
    CHECK(session_muc_count(alice->c.s) == 1 && session_muc_count(bob->c.s) == 1);
    CHECK(session_muc_count(carol->c.s) == 1);

    const char *from_alice = "alice's word to the room", *from_bob = "bob's word to the room",
               *from_carol = "carol's word to the ejabberd room";
    CHECK(session_send_message(alice->c.s, room, "groupchat", from_alice, NULL, NULL, 0) == 0);
    CHECK(session_send_message(bob->c.s, room, "groupchat", from_bob, NULL, NULL, 0) == 0);
    CHECK(session_send_message(carol->c.s, ej_room, "groupchat", from_carol, NULL, NULL, 0) == 0);
    struct room_seen seen[] = {
        {&bob->c, room, "alice", from_alice},      {&alice->c, room, "bob", from_bob},
        {&alice->c, room, "alice", from_alice},    {&bob->c, room, "bob", from_bob},
        {&carol->c, ej_room, "carol", from_carol}, {NULL, NULL, NULL, NULL}};
    CHECK(harness_wait(&loop, room_seen, seen, 20000));
    for (int i = 0; seen[i].c; i++)
        CHECK(saw_groupchat(seen[i].c, seen[i].room, seen[i].nick, seen[i].body));
    /* The ejabberd room is another room, though its address is the same. */
    CHECK(count_body(&alice->c, from_carol) == 0);
    CHECK(count_body(&bob->c, from_carol) == 0);
    CHECK(count_body(&carol->c, from_alice) == 0);
    CHECK(count_body(&carol->c, from_bob) == 0);
}

/* --- the story --- */

static void make_accounts(void)
{
    CHECK(harness_target_script(&prosody, "adduser",
                                "multi_alice multi_alice-pw multi_bob multi_bob-pw "
                                "multi_dave multi_dave-pw multi_erin multi_erin-pw") == 0);
    CHECK(harness_target_script(&ejabberd, "adduser",
                                "multi_carol multi_carol-pw multi_dave multi_dave-pw") == 0);
}

int main(void)
{
    prosody = harness_target("prosody");
    ejabberd = harness_target("ejabberd");
    make_accounts();
    uv_loop_init(&loop);

    struct acct alice, bob, carol, dave_p, dave_e, erin;
    open_acct(&alice, &prosody, prosody.c2s_port, "multi_alice", "multi_alice-pw", "home", 0);
    open_acct(&bob, &prosody, prosody.c2s_port, "multi_bob", "multi_bob-pw", "work", 0);
    open_acct(&carol, &ejabberd, ejabberd.c2s_port, "multi_carol", "multi_carol-pw", "laptop", 0);
    open_acct(&dave_p, &prosody, prosody.c2s_port, "multi_dave", "multi_dave-pw", "peer", 0);
    open_acct(&dave_e, &ejabberd, ejabberd.c2s_port, "multi_dave", "multi_dave-pw", "peer", 0);

    /* erin's login starts first and is held at the relay: the server
     * sees nothing of it until relay_release. Its deadline outlasts
     * everything the others do meanwhile. */
    struct relay held = {0};
    relay_start(&held, &loop, prosody.c2s_port);
    held.hold = true;
    open_acct(&erin, &prosody, held.port, "multi_erin", "not-erins-password", "desk", 300000);
    struct acct *all[] = {&alice, &bob, &carol, &dave_p, &dave_e, &erin};
    for (int i = 0; i < 6; i++) {
        CHECK(all[i]->c.s != NULL);
        if (!all[i]->c.s)
            return check_done();
    }
    CHECK(session_connect(erin.c.s) == 0);
    CHECK(harness_wait(&loop, relay_has_link, &held, 10000));

    for (int i = 0; i < 5; i++)
        CHECK(session_connect(all[i]->c.s) == 0);
    struct acct *five[] = {&alice, &bob, &carol, &dave_p, &dave_e, NULL};
    CHECK(harness_wait(&loop, all_online, five, 30000));

    struct acct *accounts[] = {&alice, &bob, &carol, NULL};
    struct acct *peers[] = {&dave_p, &dave_p, &dave_e, NULL};
    messages_find_their_account(accounts, peers);

    /* All that happened while erin's login was still under way. */
    CHECK(erin.c.auth_failed == 0);
    CHECK(session_state(erin.c.s) == SESSION_CONNECTING ||
          session_state(erin.c.s) == SESSION_AUTHENTICATING);

    /* Let through, it fails alone, and for good. */
    relay_release(&held);
    CHECK(harness_wait(&loop, auth_failed_offline, &erin, 20000));
    CHECK_STR(erin.c.auth_condition, "not-authorized");
    CHECK(erin.c.online_count == 0);
    for (int i = 0; i < 3; i++) {
        CHECK(session_state(accounts[i]->c.s) == SESSION_ONLINE);
        CHECK(accounts[i]->c.online_count == 1);
        CHECK(accounts[i]->c.auth_failed == 0);
    }
    round_trip(&dave_p, &alice, "after erin");
    round_trip(&dave_p, &bob, "after erin");
    round_trip(&dave_e, &carol, "after erin");

    /* ejabberd goes away: carol is cut off, alice and bob chat on. */
    struct script_run stop, start;
    script_start(&stop, &ejabberd, "stop");
    ejabberd_stopped = true;
    CHECK(harness_wait(&loop, not_online, &carol, 30000));
    CHECK(harness_wait(&loop, script_done, &stop, 60000));
    CHECK(stop.status == 0);
    const char *held_back = "carol wrote this while ejabberd was down";
    CHECK(session_send_message(carol.c.s, session_bare_jid(dave_e.c.s), "chat", held_back, NULL,
                               NULL, 0) == 1);
    round_trip(&alice, &bob, "ejabberd down");
    round_trip(&bob, &alice, "ejabberd down");
    CHECK(session_state(carol.c.s) != SESSION_ONLINE);
    CHECK(carol.c.online_count == 1);

    /* It comes back; alice and bob talk while it starts. */
    script_start(&start, &ejabberd, "restart");
    round_trip(&alice, &bob, "ejabberd starting");
    CHECK(harness_wait(&loop, script_done, &start, 120000));
    CHECK(start.done && start.status == 0);
    ejabberd_stopped = !start.done || start.status != 0;
    CHECK(alice.c.online_count == 1 && bob.c.online_count == 1);
    CHECK(session_state(alice.c.s) == SESSION_ONLINE && session_state(bob.c.s) == SESSION_ONLINE);

    /* carol comes back by herself, within her backoff (the server was
     * down for a few seconds: a few retries at 1, 2, 4, 8... s). */
    struct online_again carol_back = {&carol, 2}, dave_back = {&dave_e, 2};
    CHECK(harness_wait(&loop, online_again, &carol_back, 90000));
    CHECK(harness_wait(&loop, online_again, &dave_back, 90000));
    bool waited = false;
    for (int i = 0; i < carol.c.nstates; i++)
        waited |= carol.c.states[i] == SESSION_RECONNECT_WAIT;
    CHECK(waited);
    CHECK(wait_body(&dave_e, held_back, 20000));
    int m = find_body(&dave_e.c, held_back);
    char expect[300];
    full_jid_of(&carol, expect, sizeof expect);
    if (m >= 0)
        CHECK_STR(dave_e.c.from[m], expect);
    round_trip(&dave_e, &carol, "ejabberd back");
    round_trip(&carol, &dave_e, "ejabberd back");

    rooms_on_two_accounts(&alice, &bob, &carol);

    struct tclient *closing[] = {&alice.c, &bob.c, &carol.c, &dave_p.c, &dave_e.c};
    harness_close_all(&loop, closing, 5);
    harness_free(&erin.c, &loop);
    relay_stop(&held);
    /* A script still running is waited for: its handle must close. */
    CHECK(harness_wait(&loop, script_done, &stop, 120000));
    CHECK(harness_wait(&loop, script_done, &start, 120000));
    if (ejabberd_stopped)
        CHECK(harness_target_script(&ejabberd, "restart", "") == 0);
    uv_run(&loop, UV_RUN_NOWAIT);
    CHECK(uv_loop_close(&loop) == 0);
    return check_done();
}

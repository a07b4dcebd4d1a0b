/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_keepalive.c - several accounts' idle checks in step (issue 15's
 * "no wakeups per extra account while idle", with issue 16's idle ping):
 * two sessions of one session_group, logged in at different moments,
 * ping their server in the same turn of the loop once both are idle,
 * while a session outside the group keeps its own clock. Nobody is
 * declared dead on the way. Short idle times (1.2 s) keep it quick. */
#include <unistd.h>

#include "harness.h"

#define IDLE_MS 1200
#define PINGS 8

static uv_loop_t loop;

struct pinger {
    struct tclient c;
    uint64_t at[PINGS]; /* loop time of each ping we sent */
    int n;
};

static void on_event(void *ud, const struct session_event *ev)
{
    struct pinger *p = ud;
    harness_on_event(&p->c, ev);
    if (ev->type == SESSION_EV_XML && ev->outgoing && ev->text &&
        harness_contains(ev->text, ev->len, "urn:xmpp:ping") && p->n < PINGS)
        p->at[p->n++] = uv_now(&loop);
}

static void start(struct pinger *p, const char *user, struct session_group *g)
{
    memset(p, 0, sizeof *p);
    char args[400], pw[64], jid[256], err[256] = "";
    snprintf(pw, sizeof pw, "%s-pw", user);
    snprintf(args, sizeof args, "adduser %s %s %s", harness_env("TUKTUK_TEST_RUNDIR"), user, pw);
    CHECK(harness_server(args) == 0);
    snprintf(jid, sizeof jid, "%s@%s/ka", user, harness_env("TUKTUK_TEST_DOMAIN"));
    struct session_config cfg = harness_config(jid, pw);
    cfg.ping_idle_ms = IDLE_MS;
    cfg.ping_timeout_ms = 5000;
    cfg.group = g;
    p->c.s = session_new(&loop, &cfg, on_event, p, err, sizeof err);
    CHECK(p->c.s != NULL);
    if (!p->c.s)
        return;
    session_connect(p->c.s);
    CHECK(harness_wait(&loop, harness_is_online, &p->c, 10000));
}

static void idle_for(unsigned ms)
{
    uv_timer_t t;
    uv_timer_init(&loop, &t);
    uv_timer_start(&t, harness_tick, ms, 0);
    while (uv_is_active((uv_handle_t *)&t))
        uv_run(&loop, UV_RUN_ONCE);
    uv_close((uv_handle_t *)&t, NULL);
    uv_run(&loop, UV_RUN_NOWAIT);
}

/* Pings of a and b sent in one turn of the loop (the same loop time). */
static int together(const struct pinger *a, const struct pinger *b)
{
    int n = 0;
    for (int i = 0; i < a->n; i++)
        for (int j = 0; j < b->n; j++)
            n += a->at[i] == b->at[j];
    return n;
}

int main(void)
{
    uv_loop_init(&loop);
    char u1[64], u2[64], u3[64];
    unsigned tag = (unsigned)getpid();
    snprintf(u1, sizeof u1, "ka1x%u", tag);
    snprintf(u2, sizeof u2, "ka2x%u", tag);
    snprintf(u3, sizeof u3, "ka3x%u", tag);
    struct session_group *g = session_group_new();
    CHECK(g != NULL);
    static struct pinger a, b, solo;
    start(&a, u1, g);
    /* The second logs in well after the first: their idle clocks start
     * apart, and the group brings them together. */
    idle_for(IDLE_MS / 3);
    start(&b, u2, g);
    start(&solo, u3, NULL);
    idle_for(IDLE_MS * 5);
    CHECK(a.n >= 3);
    CHECK(b.n >= 3);
    CHECK(solo.n >= 3);
    /* Once the first of them pinged, each later ping of the two goes in
     * the same turn of the loop as the other's. */
    CHECK(together(&a, &b) >= 2);
    /* The session outside the group keeps its own clock: this is what the
     * check above would see without the group. */
    CHECK(together(&a, &solo) + together(&b, &solo) < 2);
    /* Pinging early never made a live link look dead. */
    CHECK(session_state(a.c.s) == SESSION_ONLINE);
    CHECK(session_state(b.c.s) == SESSION_ONLINE);
    CHECK(session_state(solo.c.s) == SESSION_ONLINE);
    struct tclient *all[] = {&a.c, &b.c, &solo.c};
    harness_close_all(&loop, all, 3);
    session_group_free(g);
    uv_loop_close(&loop);
    return check_done();
}

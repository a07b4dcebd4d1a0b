/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench_catchup.c - catch-up of 10,000 archived messages (XEP-0313,
 * core/catchup.c) against the Prosody that scripts/bench starts, as
 * tests/integration/test_catchup.c drives it: a session whose every
 * message is kept in a message store (keep_message), then seen by
 * catchup_event, without a screen.
 *
 * Setup (timed apart): two fresh accounts; the first's "phone" resource
 * stays online while the second sends it 10,000 chat messages (each with
 * an origin-id, as clients send them), so that they reach the phone and
 * the account's archive, not offline storage. Then the phone leaves.
 *
 * Measured: a fresh session of the first account ("desk", never logged
 * in, an empty store) logs in; the catch-up reads the archive forward,
 * page by page (the session's default page, 100), every message kept.
 * CPU time of the process (getrusage, user + system) from session_connect
 * and from online until the account's archive is read to the end
 * (SESSION_EV_MAM "complete"), target <= 1.0 s. And how long the loop
 * could not answer a key meanwhile: a uv_timer due every 10 ms, its
 * worst lateness, and the longest gap between two loop iterations (a
 * uv_check handle), target: a key painted within 50 ms. The painting of
 * the messages that land in open windows is not in here (tests/bench/ui.sh
 * measures the screen), only the session, the store and the catch-up.
 *
 * Prosody's internal archive store allows 10,000 messages per account
 * (storage_archive_item_limit), exactly what is sent. Needs the
 * TUKTUK_BENCH_* environment of scripts/bench; alone it only says so.
 * With --fill it only fills an archive and prints "filled ACCOUNT SENDER
 * PASSWORD SECONDS", for tests/bench/catchup.sh. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "core/catchup.h"
#include "core/keep.h"
#include "core/store.h"
#include "xmpp/jid.h"
#include "xmpp/session.h"

#define NMSG 10000
#define PW "bench-cu-pw"
#define TICK_MS 10

struct client {
    struct session *s;
    bool online, failed, pong;
    long msgs;
    struct store *st; /* the desk's */
    struct catchup cu;
};

static uv_loop_t loop;
static double cpu_keep; /* of it, in keep_message */
static double cpu_connect, cpu_online, cpu_done, wall_online, wall_done;
static uint64_t last_check, worst_gap, last_tick, worst_late;
static long ticks, late_50;

static double cpu_ms(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static void die(const char *what, const char *why)
{
    fprintf(stderr, "bench_catchup: %s: %s\n", what, why);
    exit(1);
}

/* What the screen does with a message first: keep it in its conversation
 * (a chat here: the peer's bare JID). */
static void keep(struct client *c, const struct session_message *m)
{
    char err[512];
    const char *peer = m->ours ? m->to : m->from;
    char *conv = peer ? jid_bare_of(peer) : NULL;
    if (conv && m->body) {
        struct keep k = {.conv = conv, .from = m->ours ? session_bare_jid(c->s) : conv,
                         .text = m->body, .stamp = m->stamp, .out = m->ours, .m = m};
        double c0 = cpu_ms();
        if (keep_message(c->st, session_bare_jid(c->s), &k, err, sizeof err) ==
            STORE_FAILED_WRITE)
            die("keep_message", err);
        cpu_keep += cpu_ms() - c0;
    }
    free(conv);
}

static void on_event(void *ud, const struct session_event *ev)
{
    struct client *c = ud;
    char err[512];
    if (c->st) { /* as main.c: a page is committed at its end */
        double c0 = cpu_ms();
        if (keep_settle(c->st, ev, err, sizeof err) < 0)
            die("keep_settle", err);
        cpu_keep += cpu_ms() - c0;
    }
    switch (ev->type) {
    case SESSION_EV_STATE:
        if (ev->state == SESSION_ONLINE) {
            c->online = true;
            if (c->st) {
                cpu_online = cpu_ms();
                wall_online = (double)uv_hrtime() / 1e6;
            }
        }
        break;
    case SESSION_EV_AUTH_FAILED:
    case SESSION_EV_CERT_REFUSED:
        c->failed = true;
        break;
    case SESSION_EV_MESSAGE:
        if (ev->msg && ev->msg->body) {
            c->msgs++;
            if (c->st)
                keep(c, ev->msg);
        }
        break;
    case SESSION_EV_QUERY:
        if (ev->query && ev->query->kind == SESSION_QUERY_PING)
            c->pong = true;
        break;
    default:
        break;
    }
    if (c->st) {
        catchup_event(&c->cu, ev);
        if (!cpu_done && c->cu.synced && !catchup_running(&c->cu)) {
            cpu_done = cpu_ms();
            wall_done = (double)uv_hrtime() / 1e6;
        }
    }
}

static void run_until(bool *flag, struct client *c, int seconds)
{
    uint64_t end = uv_hrtime() + (uint64_t)seconds * 1000000000ull;
    while (!*flag && !c->failed && uv_hrtime() < end)
        uv_run(&loop, UV_RUN_ONCE);
    if (!*flag)
        die(session_bare_jid(c->s), c->failed ? "login failed" : "timed out");
}

static void connect_as(struct client *c, const char *jid, const char *resource, int port,
                       const char *ca)
{
    char err[256];
    struct session_config cfg = {.jid = jid, .password = PW, .server = "127.0.0.1",
                                 .port = port, .tls = CONN_TLS_STARTTLS, .ca_file = ca,
                                 .resource = resource, .close_timeout_ms = 500};
    c->s = session_new(&loop, &cfg, on_event, c, err, sizeof err);
    if (!c->s)
        die(jid, err);
    if (c->st)
        catchup_init(&c->cu, c->s, c->st, 7);
    if (c->st)
        cpu_connect = cpu_ms();
    session_connect(c->s);
    run_until(&c->online, c, 20);
}

static void leave(struct client *c)
{
    session_disconnect(c->s, NULL);
    while (session_state(c->s) != SESSION_OFFLINE)
        uv_run(&loop, UV_RUN_ONCE);
    session_free(c->s);
    uv_run(&loop, UV_RUN_NOWAIT);
}

/* Sends NMSG chat messages from c to to, then waits until the server has
 * routed them (a ping answered after them) and rcpt has them all. */
static void send_all(struct client *c, const char *to, struct client *rcpt)
{
    char xml[512], err[256];
    for (long i = 0; i < NMSG; i++) {
        snprintf(xml, sizeof xml,
                 "<message to='%s' type='chat' id='cu%ld'><body>archived message %05ld, "
                 "sent while the desk was away</body><origin-id xmlns='urn:xmpp:sid:0' "
                 "id='cu-origin-%ld'/></message>",
                 to, i, i, i);
        if (session_send_raw(c->s, xml, err, sizeof err) != 0)
            die("send", err);
    }
    if (session_query_ping(c->s, NULL) != 0)
        die("ping", "not sent");
    run_until(&c->pong, c, 300);
    uint64_t end = uv_hrtime() + 120000000000ull;
    while (rcpt->msgs < NMSG && uv_hrtime() < end)
        uv_run(&loop, UV_RUN_ONCE);
    if (rcpt->msgs < NMSG)
        die("phone", "did not receive every message");
}

static void on_tick(uv_timer_t *t)
{
    (void)t;
    uint64_t now = uv_hrtime();
    if (last_tick) {
        uint64_t late = now - last_tick > TICK_MS * 1000000ull ? now - last_tick - TICK_MS * 1000000ull : 0;
        if (late > worst_late)
            worst_late = late;
        if (late > 50000000ull)
            late_50++;
    }
    ticks++;
    last_tick = now;
}

static void on_check(uv_check_t *h)
{
    (void)h;
    uint64_t now = uv_hrtime();
    if (last_check && now - last_check > worst_gap)
        worst_gap = now - last_check;
    last_check = now;
}

int main(int argc, char **argv)
{
    /* --fill: only the setup, for tests/bench/catchup.sh, which then logs
     * the real binary in: prints the two accounts. */
    bool fill_only = argc > 1 && strcmp(argv[1], "--fill") == 0;
    signal(SIGPIPE, SIG_IGN);
    const char *run = getenv("TUKTUK_BENCH_RUNDIR"), *port_s = getenv("TUKTUK_BENCH_C2S_PORT"),
               *ca = getenv("TUKTUK_BENCH_CA");
    if (!run || !port_s || !ca) {
        printf("bench_catchup: needs the Prosody of scripts/bench (make bench)\n");
        return 0;
    }
    int port = atoi(port_s);
    char ann[64], bob[64], cmd[1200], jid_ann[96], jid_bob[96], path[700], dir[600];
    /* Fresh accounts each run: an archive holds at most 10,000. */
    snprintf(ann, sizeof ann, "cuann%ld", (long)getpid());
    snprintf(bob, sizeof bob, "cubob%ld", (long)getpid());
    snprintf(jid_ann, sizeof jid_ann, "%s@localhost", ann);
    snprintf(jid_bob, sizeof jid_bob, "%s@localhost", bob);
    snprintf(cmd, sizeof cmd, "scripts/prosody adduser '%s' %s " PW " %s " PW " >/dev/null", run,
             ann, bob);
    if (system(cmd) != 0)
        die("adduser", cmd);
    uv_loop_init(&loop);

    double t0 = (double)uv_hrtime() / 1e6;
    struct client phone = {0}, bobc = {0}, desk = {0};
    connect_as(&phone, jid_ann, "phone", port, ca);
    connect_as(&bobc, jid_bob, "pc", port, ca);
    send_all(&bobc, jid_ann, &phone);
    leave(&phone);
    leave(&bobc);
    double setup = (double)uv_hrtime() / 1e6 - t0;
    if (fill_only) {
        printf("filled %s %s " PW " %.1f\n", jid_ann, jid_bob, setup / 1e3);
        return 0;
    }

    snprintf(dir, sizeof dir, "%s/catchupbench.XXXXXX", run);
    if (!mkdtemp(dir))
        die(dir, "mkdtemp");
    snprintf(path, sizeof path, "%s/messages.db", dir);
    char note[512], err[512];
    desk.st = store_open(path, note, sizeof note, err, sizeof err);
    if (!desk.st)
        die(path, err);

    uv_timer_t tick;
    uv_check_t check;
    uv_timer_init(&loop, &tick);
    uv_check_init(&loop, &check);
    uv_timer_start(&tick, on_tick, TICK_MS, TICK_MS);
    uv_check_start(&check, on_check);
    double w0 = (double)uv_hrtime() / 1e6;
    connect_as(&desk, jid_ann, "desk", port, ca);
    uint64_t end = uv_hrtime() + 600000000000ull;
    while (!cpu_done && uv_hrtime() < end)
        uv_run(&loop, UV_RUN_ONCE);
    uv_timer_stop(&tick);
    uv_check_stop(&check);
    if (!cpu_done)
        die("catch-up", "not complete within 600 s");

    long stored = store_count(desk.st, jid_ann, jid_bob);
    printf("  (setup, not measured: %d messages sent to the archive while the desk was away in "
           "%.1f s)\n",
           NMSG, setup / 1e3);
    printf("catch-up of %d archived messages (login of a fresh resource, empty store, pages of "
           "100): %.3f s CPU from online to the archive read (target <= 1.0 s); %.3f s CPU with "
           "the login, of which %.3f s in the store's writes (keep_message); %.1f s wall (Prosody "
           "reads its whole archive file for each page); %ld kept, %lu fetched\n",
           NMSG, (cpu_done - cpu_online) / 1e3, (cpu_done - cpu_connect) / 1e3, cpu_keep / 1e3,
           (wall_done - wall_online) / 1e3, stored, desk.cu.fetched);
    printf("loop during the catch-up (a key waits at most this long to be read): longest gap "
           "between two loop iterations %.1f ms; a 10 ms timer at worst %.1f ms late, %ld of %ld "
           "ticks more than 50 ms late (target: a key painted within 50 ms); %.1f s from connect "
           "to done\n",
           worst_gap / 1e6, worst_late / 1e6, late_50, ticks, (wall_done - w0) / 1e3);

    leave(&desk);
    catchup_free(&desk.cu);
    store_close(desk.st);
    uv_close((uv_handle_t *)&tick, NULL);
    uv_close((uv_handle_t *)&check, NULL);
    uv_run(&loop, UV_RUN_NOWAIT);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_catchup: %s failed\n", cmd);
    return 0;
}

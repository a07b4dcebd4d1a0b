/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench_deadlink.c - how long the way back takes, through the relay of
 * tests/relay.h between the session and the local Prosody:
 *  - a cut (both directions closed at once): from the cut to the resumed
 *    stream (XEP-0198), backoff included;
 *  - a silent link with a message sent into it: from the message to the
 *    resumed stream (the <r/> deadline, docs/architecture.md "Dead links");
 *  - a silent idle link: from the stall to the resumed stream (the
 *    idle ping and its deadline).
 * Prints the median, min and max of each. Started by scripts/bench, which
 * provides the server. */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "../relay.h"
#include "xmpp/session.h"

#define CUTS 5
#define STALLS 3

static int onlines, resumes;

static void on_event(void *ud, const struct session_event *ev)
{
    (void)ud;
    if (ev->type == SESSION_EV_STATE && ev->state == SESSION_ONLINE)
        onlines++;
    if (ev->type == SESSION_EV_INFO && ev->text && strstr(ev->text, "connection resumed"))
        resumes++;
    if (ev->type == SESSION_EV_AUTH_FAILED || ev->type == SESSION_EV_CERT_REFUSED) {
        fprintf(stderr, "bench_deadlink: %s\n", ev->text ? ev->text : "login failed");
        exit(1);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Runs the loop until the session is online once more than before. */
static double back_online(uv_loop_t *loop, struct session *s, int before, uint64_t start)
{
    while (onlines <= before || session_state(s) != SESSION_ONLINE)
        uv_run(loop, UV_RUN_ONCE);
    return (double)(uv_hrtime() - start) / 1e6;
}

/* Lets the login's or resumption's own stanzas be acknowledged, so that
 * the next trouble starts from a quiet, resumable session. */
static void settle(uv_loop_t *loop, struct session *s)
{
    while (!session_resumable(s) || session_unacked(s) > 0)
        uv_run(loop, UV_RUN_ONCE);
}

static void report(const char *what, double *t, int n, const char *target)
{
    qsort(t, (size_t)n, sizeof t[0], cmp_double);
    double median = n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
    printf("%s: median %.0f ms, min %.0f ms, max %.0f ms over %d runs (%s)\n", what, median, t[0],
           t[n - 1], n, target);
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    if (argc != 5) {
        fprintf(stderr, "usage: bench_deadlink JID PASSWORD PORT CAFILE\n");
        return 2;
    }
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct relay r = {0};
    relay_start(&r, &loop, atoi(argv[3]));
    struct session_config cfg = {
        .jid = argv[1],
        .password = argv[2],
        .server = "127.0.0.1",
        .port = r.port,
        .tls = CONN_TLS_STARTTLS,
        .ca_file = argv[4],
        .resource = "bench-deadlink",
        .reconnect = true,
    };
    char err[256];
    struct session *s = session_new(&loop, &cfg, on_event, NULL, err, sizeof err);
    if (!s) {
        fprintf(stderr, "bench_deadlink: %s\n", err);
        return 1;
    }
    session_connect(s);
    back_online(&loop, s, 0, uv_hrtime());
    settle(&loop, s);

    double cut[CUTS], silent[STALLS], idle[1];
    for (int i = 0; i < CUTS; i++) {
        uint64_t start = uv_hrtime();
        relay_cut_all(&r);
        cut[i] = back_online(&loop, s, onlines, start);
        settle(&loop, s);
    }
    for (int i = 0; i < STALLS; i++) {
        relay_stall_all(&r);
        uint64_t start = uv_hrtime();
        session_send_message(s, argv[1], NULL, "into the silence", NULL, NULL, 0);
        silent[i] = back_online(&loop, s, onlines, start);
        settle(&loop, s);
    }
    uint64_t start = uv_hrtime();
    relay_stall_all(&r);
    idle[0] = back_online(&loop, s, onlines, start);
    int resumed = resumes;

    report("a cut to the resumed stream", cut, CUTS, "backoff 750-1000 ms included");
    report("a message into a silent link to the resumed stream", silent, STALLS,
           "target < 15000 ms");
    report("a silent idle link to the resumed stream", idle, 1, "target < 30000 ms");
    printf("resumed %d of %d times (the rest: a new login)\n", resumed, CUTS + STALLS + 1);

    session_disconnect(s, NULL);
    while (session_state(s) != SESSION_OFFLINE)
        uv_run(&loop, UV_RUN_ONCE);
    session_free(s);
    relay_stop(&r);
    while (uv_run(&loop, UV_RUN_NOWAIT) != 0)
        ;
    uv_loop_close(&loop);
    return 0;
}

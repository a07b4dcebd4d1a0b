/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench_login.c - login time against the local Prosody: from
 * session_connect (TCP connect to 127.0.0.1, no DNS) to SESSION_ONLINE
 * (STARTTLS, SCRAM, bind, roster, initial presence). Prints the median of
 * 20 runs. Started by scripts/bench, which provides the server. */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "xmpp/session.h"

#include "server.h"

#define RUNS 20

static int online;

static void on_event(void *ud, const struct session_event *ev)
{
    (void)ud;
    if (ev->type == SESSION_EV_STATE && ev->state == SESSION_ONLINE)
        online = 1;
    if (ev->type == SESSION_EV_AUTH_FAILED || ev->type == SESSION_EV_CERT_REFUSED) {
        fprintf(stderr, "bench_login: %s\n", ev->text ? ev->text : "login failed");
        exit(1);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double login_once(uv_loop_t *loop, const struct session_config *cfg)
{
    char err[256];
    struct session *s = session_new(loop, cfg, on_event, NULL, err, sizeof err);
    if (!s) {
        fprintf(stderr, "bench_login: %s\n", err);
        exit(1);
    }
    online = 0;
    uint64_t start = uv_hrtime();
    session_connect(s);
    while (!online)
        uv_run(loop, UV_RUN_ONCE);
    double ms = (double)(uv_hrtime() - start) / 1e6;
    session_disconnect(s, NULL);
    while (session_state(s) != SESSION_OFFLINE)
        uv_run(loop, UV_RUN_ONCE);
    session_free(s);
    uv_run(loop, UV_RUN_NOWAIT);
    return ms;
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN); /* a closed socket is an error, not a death */
    if (argc != 5) {
        fprintf(stderr, "usage: bench_login JID PASSWORD PORT CAFILE\n");
        return 2;
    }
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct session_config cfg = bench_server(argv, "bench");
    double times[RUNS];
    login_once(&loop, &cfg); /* warm-up: Prosody loads the account */
    for (int i = 0; i < RUNS; i++)
        times[i] = login_once(&loop, &cfg);
    qsort(times, RUNS, sizeof times[0], cmp_double);
    printf("login (STARTTLS + SCRAM-SHA-1 + bind + roster + presence): median %.1f ms, "
           "min %.1f ms, max %.1f ms over %d runs (target < 30 ms)\n",
           (times[RUNS / 2 - 1] + times[RUNS / 2]) / 2, times[0], times[RUNS - 1], RUNS);
    uv_loop_close(&loop);
    return 0;
}

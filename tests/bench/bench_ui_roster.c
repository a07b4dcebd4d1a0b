/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench_ui_roster.c - the 10,000-contact roster, inside the process: the
 * real UI (ui_new, ui_session_event, its libuv loop) drawing into a
 * pseudo-terminal of 120x40 that a thread drains, as a terminal would.
 *
 * 1. From the roster result to the first complete paint: the text of a
 *    roster result with 10,000 items (as Prosody sends it, after TLS and
 *    framing) is read item by item into the session's roster model, as
 *    src/xmpp/im.c does (roster_scan, jid_bare_of, roster_set);
 *    then SESSION_EV_ROSTER goes to the UI and one loop
 *    iteration paints (rosterview_reload sorts, the pane draws, doupdate
 *    writes to the pty). Timed separately and together; median of 5, each
 *    from an empty roster pane.
 * 2. Scrolling from top to bottom by keyboard with the roster focused:
 *    End (G) as one key, and j pressed 10,003 times with each press read
 *    and painted before the next (as key repeat does): per key, and the
 *    whole way down.
 * What is not in here: TLS decryption and the framer (about 3 ms for the
 * 0.8 MB of this roster at the framer's 200+ MB/s), and the server.
 * tests/bench/ui.sh measures the whole thing from outside. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "ui/ui.h"
#include "xml/stanza.h"
#include "xmpp/jid.h"
#include "xmpp/rosterscan.h"
#include "xmpp/session.h"

#define NCONTACTS 10000
#define RUNS 5
#define NS_ROSTER "jabber:iq:roster"

static int master = -1;
static volatile unsigned long long pty_bytes;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void *drain(void *arg)
{
    (void)arg;
    char buf[65536];
    for (;;) {
        ssize_t n = read(master, buf, sizeof buf);
        if (n <= 0)
            return NULL;
        __atomic_add_fetch(&pty_bytes, (unsigned long long)n, __ATOMIC_RELAXED);
    }
}

static unsigned long long bytes_now(void)
{
    return __atomic_load_n(&pty_bytes, __ATOMIC_RELAXED);
}

/* Wait until the terminal has had nothing for quiet ms. */
static void settle(int quiet)
{
    unsigned long long b = bytes_now();
    for (;;) {
        usleep((useconds_t)quiet * 1000);
        unsigned long long c = bytes_now();
        if (c == b)
            return;
        b = c;
    }
}

static void on_event(void *ud, const struct session_event *ev)
{
    (void)ud;
    (void)ev;
}

static char *roster_xml(size_t *len)
{
    static const char *const groups[] = {"Friends", "Work", "Family", "Others"};
    size_t cap = (size_t)NCONTACTS * 160 + 256, n = 0;
    char *x = malloc(cap);
    if (!x)
        abort();
    n += (size_t)sprintf(x + n, "<iq xmlns='jabber:client' type='result' id='r1' "
                                "to='bench@localhost/bench'><query xmlns='" NS_ROSTER "' ver='1'>");
    for (int i = 1; i <= NCONTACTS; i++)
        n += (size_t)sprintf(x + n,
                             "<item jid='contact%05d@localhost' subscription='both' "
                             "name='Contact %05d'><group>%s</group></item>",
                             i, i, groups[(i - 1) % 4]);
    n += (size_t)sprintf(x + n, "</query></iq>");
    *len = n;
    return x;
}

/* What src/xmpp/im.c does with each item of a roster result
 * (apply_scanned, apply_fields). */
static void apply_item(void *roster, const struct roster_scan_item *it)
{
    char *bare = jid_bare_of(it->jid);
    roster_set(roster, bare, it->name, it->groups, it->ngroups, roster_sub_parse(it->subscription),
               false);
    free(bare);
}

/* The roster result as the session takes it (im_scan_roster): read
 * straight from the framer's text, each item applied as it is read.
 * Returns the time, in ms. */
static double apply_roster(struct roster *r, const char *xml, size_t len)
{
    double t0 = now_ms();
    roster_clear(r);
    if (!roster_scan(xml, len, "r1", apply_item, r, NULL)) {
        fprintf(stderr, "bench_ui_roster: the roster result did not scan\n");
        exit(1);
    }
    return now_ms() - t0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void type_key(const char *k)
{
    if (write(master, k, strlen(k)) < 0)
        perror("bench_ui_roster: write");
}

int main(void)
{
    /* Results go to the real stdout; fds 0 and 1 become the pty. */
    FILE *res = fdopen(dup(STDOUT_FILENO), "w");
    setvbuf(res, NULL, _IOLBF, 0);
    master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) || unlockpt(master)) {
        perror("bench_ui_roster: posix_openpt");
        return 1;
    }
    struct winsize ws = {.ws_row = 40, .ws_col = 120};
    ioctl(master, TIOCSWINSZ, &ws);
    int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
    if (slave < 0) {
        perror("bench_ui_roster: slave");
        return 1;
    }
    pthread_t th;
    pthread_create(&th, NULL, drain, NULL);
    dup2(slave, STDIN_FILENO);
    dup2(slave, STDOUT_FILENO);
    setenv("TERM", "screen-256color", 1);
    unsetenv("TMUX");
    setenv("LC_ALL", "C.UTF-8", 1);

    size_t xlen;
    char *xml = roster_xml(&xlen);

    uv_loop_t loop;
    uv_loop_init(&loop);
    struct session_config cfg = {.jid = "bench@localhost",
                                 .password = "x",
                                 .server = "127.0.0.1",
                                 .port = 1,
                                 .tls = CONN_TLS_STARTTLS};
    char err[256];
    struct session *s = session_new(&loop, &cfg, on_event, NULL, err, sizeof err);
    if (!s) {
        fprintf(res, "bench_ui_roster: %s\n", err);
        return 1;
    }
    struct ui_options uo = {.theme_dirs = {"themes", NULL}, .show_offline = true};
    struct ui *ui = ui_new(&loop, s, &uo, err, sizeof err);
    if (!ui) {
        fprintf(res, "bench_ui_roster: %s\n", err);
        return 1;
    }
    uv_run(&loop, UV_RUN_NOWAIT);
    settle(50);

    double parse[RUNS], paint[RUNS], total[RUNS];
    unsigned long long paint_bytes = 0;
    struct session_event ev = {.type = SESSION_EV_ROSTER};

    static const char empty[] = "<iq xmlns='jabber:client' type='result' id='r1'><query "
                                "xmlns='" NS_ROSTER "'/></iq>";
    for (int r = 0; r < RUNS; r++) {
        /* Start each run from an empty pane, so that all of it is drawn. */
        apply_roster(session_roster(s), empty, sizeof empty - 1);
        ui_session_event(ui, &ev);
        uv_run(&loop, UV_RUN_NOWAIT);
        settle(30);
        unsigned long long b0 = bytes_now();
        double t0 = now_ms();
        apply_roster(session_roster(s), xml, xlen);
        double t1 = now_ms();
        ui_session_event(ui, &ev);
        uv_run(&loop, UV_RUN_NOWAIT); /* the prepare handle paints */
        double t2 = now_ms();
        settle(30);
        paint_bytes = bytes_now() - b0;
        parse[r] = t1 - t0;
        paint[r] = t2 - t1;
        total[r] = t2 - t0;
    }
    qsort(parse, RUNS, sizeof parse[0], cmp_double);
    qsort(paint, RUNS, sizeof paint[0], cmp_double);
    qsort(total, RUNS, sizeof total[0], cmp_double);
    fprintf(res,
            "10,000-contact roster, result to first complete paint (120x40, in-process): "
            "median %.1f ms (min %.1f, max %.1f) (target <= 50 ms)\n"
            "  of which parse + roster model: %.1f ms (%zu bytes of XML); view sort + paint + "
            "write: %.1f ms, %llu bytes to the terminal\n",
            total[RUNS / 2], total[0], total[RUNS - 1], parse[RUNS / 2], xlen, paint[RUNS / 2],
            paint_bytes);

    /* Keyboard: Alt-r focuses the roster. */
    type_key("\033r");
    for (int i = 0; i < 5; i++)
        uv_run(&loop, UV_RUN_NOWAIT), usleep(10000);
    settle(50);
    uv_run(&loop, UV_RUN_NOWAIT);

    /* End (G), then back to the top (g). */
    double gt[RUNS];
    for (int r = 0; r < RUNS; r++) {
        double t0 = now_ms();
        type_key("G");
        uv_run(&loop, UV_RUN_ONCE);
        gt[r] = now_ms() - t0;
        settle(20);
        type_key("g");
        uv_run(&loop, UV_RUN_ONCE);
        settle(20);
    }
    qsort(gt, RUNS, sizeof gt[0], cmp_double);

    /* j, one press at a time, each read and painted before the next. */
    const int presses = NCONTACTS + 4 - 1;
    double worst = 0;
    unsigned long long b0 = bytes_now();
    double t0 = now_ms();
    for (int i = 0; i < presses; i++) {
        double k0 = now_ms();
        type_key("j");
        uv_run(&loop, UV_RUN_ONCE);
        double k = now_ms() - k0;
        if (k > worst)
            worst = k;
    }
    double tj = now_ms() - t0;
    settle(30);
    unsigned long long jbytes = bytes_now() - b0;
    fprintf(res,
            "roster scroll, top to bottom by keyboard: End/G %.2f ms (median of %d); "
            "j x %d, each painted: %.0f ms in all, %.3f ms a key (worst %.2f ms), "
            "%.1f bytes a key\n",
            gt[RUNS / 2], RUNS, presses, tj, tj / presses, worst, (double)jbytes / presses);

    ui_free(ui);
    uv_run(&loop, UV_RUN_NOWAIT);
    session_free(s);
    uv_run(&loop, UV_RUN_NOWAIT);
    free(xml);
    return 0;
}

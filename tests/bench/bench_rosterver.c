/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench_rosterver.c - what roster versioning (RFC 6121 §2.6) saves at a
 * reconnect with an unchanged roster of 10,000 contacts, against the
 * local Prosody (whose mod_roster offers versioning).
 *
 * One session logs in, out and in again, the roster and its version kept
 * in memory as they are between two logins of one run. Each login is
 * measured from session_connect to SESSION_ONLINE:
 *   - the roster answer: bytes of the stanza the server sent back to our
 *     roster get, as XML after TLS (SESSION_EV_XML);
 *   - every stanza received during the login, as XML;
 *   - bytes the process read (rchar of /proc/self/io): the TLS records on
 *     the socket, what a metered link carries (plus the CA file, read at
 *     each connection, the same in both cases);
 *   - the time.
 * "without versioning" forgets the version before the login, so the get
 *   says ver='' and the whole roster comes: the bytes a client that does
 *   not use versioning receives (Prosody sends the same result, with the
 *   same 'ver' attribute, to a get without one).
 * "with versioning" keeps it: the server answers with an empty result.
 * Medians of 3 logins each, alternated, each started once Prosody is idle
 * again (a logout with 10,000 contacts keeps it busy for a while). Then
 * the cache file that carries roster and version across restarts
 * (core/rostercache.c): its size, and the time to write and to read it,
 * medians of 3. tests/bench/rosterver.sh measures the release binary.
 *
 * Started by scripts/bench, which provides the server (TUKTUK_BENCH_*);
 * run alone, it starts a private Prosody with scripts/prosody. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "core/rostercache.h"
#include "xml/stanza.h"
#include "xmpp/session.h"

#define NCONTACTS 10000
#define RUNS 3
#define USER "rosterver10k"
#define PASSWORD "bench-rv-pw"

struct login {
    double ms;
    size_t answer;       /* the roster answer, XML bytes */
    size_t stanzas;      /* every stanza received during the login */
    unsigned long rchar; /* bytes read by the process */
    bool answer_items;
};

static struct {
    char get_id[64];
    struct login *cur;
    bool online, failed;
} st;

/* Whether the start tag of text carries id='id' (or id="id"): enough to
 * find the answer without parsing a 1 MB stanza again. */
static bool has_id(const char *text, size_t len, const char *id)
{
    const char *gt = memchr(text, '>', len);
    size_t head = gt ? (size_t)(gt - text) : len;
    char a[80], b[80];
    snprintf(a, sizeof a, "id='%s'", id);
    snprintf(b, sizeof b, "id=\"%s\"", id);
    return memmem(text, head, a, strlen(a)) || memmem(text, head, b, strlen(b));
}

static void on_event(void *ud, const struct session_event *ev)
{
    (void)ud;
    if (ev->type == SESSION_EV_STATE && ev->state == SESSION_ONLINE)
        st.online = true;
    if (ev->type == SESSION_EV_AUTH_FAILED || ev->type == SESSION_EV_CERT_REFUSED) {
        fprintf(stderr, "bench_rosterver: %s\n", ev->text ? ev->text : "login failed");
        st.failed = true;
    }
    if (ev->type != SESSION_EV_XML || !st.cur)
        return;
    if (ev->outgoing) {
        mxml_node_t *el = stanza_parse(ev->text, ev->len, NULL, 0);
        const char *id = el ? stanza_attr(el, "id") : NULL;
        if (id && stanza_child(el, "jabber:iq:roster", "query"))
            snprintf(st.get_id, sizeof st.get_id, "%s", id);
        mxmlDelete(el);
        return;
    }
    st.cur->stanzas += ev->len;
    if (st.get_id[0] && has_id(ev->text, ev->len, st.get_id)) {
        st.cur->answer = ev->len;
        st.cur->answer_items = memmem(ev->text, ev->len, "<query", 6) != NULL;
        st.get_id[0] = '\0';
    }
}

static unsigned long rchar_now(void)
{
    FILE *f = fopen("/proc/self/io", "r");
    char line[128];
    unsigned long v = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "rchar: %lu", &v) == 1)
            break;
    if (f)
        fclose(f);
    return v;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void run_until(uv_loop_t *loop, bool *flag)
{
    while (!*flag && !st.failed)
        uv_run(loop, UV_RUN_ONCE);
    if (st.failed)
        exit(1);
}

/* Prosody's CPU time in clock ticks (utime + stime), or -1. */
static long server_cpu(const char *pidfile)
{
    FILE *f = fopen(pidfile, "r");
    int pid = 0;
    if (!f || fscanf(f, "%d", &pid) != 1)
        pid = 0;
    if (f)
        fclose(f);
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    f = pid ? fopen(path, "r") : NULL;
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')'); /* the name may hold spaces */
    unsigned long ut = 0, stime = 0;
    if (!p ||
        sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &stime) != 2)
        return -1;
    return (long)(ut + stime);
}

/* A logout of 10,000 contacts keeps Prosody busy for a while (presence to
 * every contact); a login timed meanwhile would measure that. Waits until
 * it has used no CPU for 300 ms (at most 20 s). */
static void settle(const char *pidfile)
{
    long last = server_cpu(pidfile);
    int quiet = 0;
    for (int i = 0; i < 200 && quiet < 3 && last >= 0; i++) {
        usleep(100000);
        long now = server_cpu(pidfile);
        quiet = now == last ? quiet + 1 : 0;
        last = now;
    }
}

static const char *pidfile;

static struct login login_once(uv_loop_t *loop, struct session *s, bool versioned)
{
    struct login l = {0};
    settle(pidfile);
    if (!versioned)
        roster_set_version(session_roster(s), NULL);
    st.cur = &l;
    st.online = false;
    st.get_id[0] = '\0';
    unsigned long r0 = rchar_now();
    double t0 = now_ms();
    session_connect(s);
    run_until(loop, &st.online);
    l.ms = now_ms() - t0;
    l.rchar = rchar_now() - r0;
    st.cur = NULL;
    session_disconnect(s, NULL);
    while (session_state(s) != SESSION_OFFLINE)
        uv_run(loop, UV_RUN_ONCE);
    return l;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void report(const char *what, struct login *l, int n)
{
    double ms[RUNS], ans[RUNS], all[RUNS], rc[RUNS];
    int items = 0;
    for (int i = 0; i < n; i++) {
        ms[i] = l[i].ms;
        ans[i] = (double)l[i].answer;
        all[i] = (double)l[i].stanzas;
        rc[i] = (double)l[i].rchar;
        items += l[i].answer_items;
    }
    printf("reconnect, %s: roster answer %.0f bytes (%s), all stanzas received %.0f bytes, "
           "read from the socket %.0f bytes, login %.1f ms (medians of %d)\n",
           what, median(ans, n),
           items == n ? "the whole roster"
           : items    ? "mixed!"
                      : "no items",
           median(all, n), median(rc, n), median(ms, n), n);
}

static void cache_file(struct session *s)
{
    char dir[] = "/tmp/tuktuk-bench-rc.XXXXXX", err[512];
    if (!mkdtemp(dir))
        return;
    double save[RUNS], load[RUNS];
    off_t size = 0;
    for (int i = 0; i < RUNS; i++) {
        double t0 = now_ms();
        if (rostercache_save(dir, USER "@localhost", session_roster(s), err, sizeof err) < 0) {
            fprintf(stderr, "bench_rosterver: %s\n", err);
            return;
        }
        save[i] = now_ms() - t0;
        struct roster *r = roster_new();
        t0 = now_ms();
        int rc = rostercache_load(dir, USER "@localhost", r, err, sizeof err);
        load[i] = now_ms() - t0;
        if (rc != 1 || roster_count(r) != NCONTACTS)
            fprintf(stderr, "bench_rosterver: the cache read back wrong: %s\n", err);
        roster_free(r);
    }
    char *path = rostercache_path(dir, USER "@localhost");
    struct stat sb;
    if (path && stat(path, &sb) == 0)
        size = sb.st_size;
    printf("roster cache file, %d contacts: %.0f bytes; written in %.1f ms (with fsync), "
           "read in %.1f ms (medians of %d)\n",
           NCONTACTS, (double)size, median(save, RUNS), median(load, RUNS), RUNS);
    if (path)
        unlink(path);
    free(path);
    char sub[600];
    snprintf(sub, sizeof sub, "%s/roster", dir);
    rmdir(sub);
    rmdir(dir);
}

static int sh(const char *fmt, const char *a, const char *b)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, fmt, a, b);
    return system(cmd);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const char *run = getenv("TUKTUK_BENCH_RUNDIR");
    char own[] = "/tmp/tuktuk-bench-rv.XXXXXX", envfile[600];
    bool started = false;
    if (!run || !*run) {
        if (!mkdtemp(own) || sh("scripts/prosody start %s >/dev/null%s", own, "") != 0) {
            fprintf(stderr, "bench_rosterver: cannot start a Prosody\n");
            return 1;
        }
        run = own;
        started = true;
    }
    /* The ports and CA come from RUNDIR/env, which scripts/prosody wrote. */
    snprintf(envfile, sizeof envfile, "%s/env", run);
    static char pidpath[600];
    snprintf(pidpath, sizeof pidpath, "%s/prosody.pid", run);
    pidfile = pidpath;
    FILE *f = fopen(envfile, "r");
    char line[700], ca[700] = "";
    int port = 0;
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, "PROSODY_C2S_PORT=", 17) == 0)
            port = atoi(line + 17);
        else if (strncmp(line, "PROSODY_CA=", 11) == 0)
            snprintf(ca, sizeof ca, "%s", line + 11);
    }
    if (f)
        fclose(f);
    char count[16];
    snprintf(count, sizeof count, "%d", NCONTACTS);
    if (!port || !ca[0] ||
        sh("scripts/prosody adduser %s " USER " " PASSWORD " >/dev/null%s", run, "") != 0 ||
        sh("scripts/prosody roster %s " USER " %s", run, count) != 0) {
        fprintf(stderr, "bench_rosterver: cannot prepare the account in %s\n", run);
        return 1;
    }

    uv_loop_t loop;
    uv_loop_init(&loop);
    struct session_config cfg = {
        .jid = USER "@localhost",
        .password = PASSWORD,
        .server = "127.0.0.1",
        .port = port,
        .tls = CONN_TLS_STARTTLS,
        .ca_file = ca,
        .resource = "bench",
        .close_timeout_ms = 300, /* Prosody, busy, answers </stream> late */
    };
    char err[256];
    struct session *s = session_new(&loop, &cfg, on_event, NULL, err, sizeof err);
    if (!s) {
        fprintf(stderr, "bench_rosterver: %s\n", err);
        return 1;
    }
    struct login first = login_once(&loop, s, false); /* also warms Prosody up */
    if (roster_count(session_roster(s)) != NCONTACTS)
        fprintf(stderr, "bench_rosterver: %zu contacts, expected %d\n",
                roster_count(session_roster(s)), NCONTACTS);
    struct login without[RUNS], with[RUNS];
    for (int i = 0; i < RUNS; i++) {
        without[i] = login_once(&loop, s, false);
        with[i] = login_once(&loop, s, true);
    }
    printf("first login, %d contacts: roster answer %zu bytes, login %.1f ms\n", NCONTACTS,
           first.answer, first.ms);
    report("without versioning", without, RUNS);
    report("with versioning, roster unchanged", with, RUNS);
    cache_file(s);
    session_free(s);
    uv_run(&loop, UV_RUN_NOWAIT);
    uv_loop_close(&loop);
    if (started && sh("scripts/prosody stop %s >/dev/null%s", own, "") == 0)
        sh("rm -rf %s%s", own, "");
    return 0;
}

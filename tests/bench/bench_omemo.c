/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench_omemo.c - OMEMO's cost without a server (core/omemo.c over
 * libomemo-c, the key store of core/omemokeys.c, the <encrypted> element
 * of xmpp/omemoxml.c), issue 13's figures:
 *
 *   1. memory: VmRSS and peak RSS (VmHWM) before and after opening an
 *      account's key store for the first time (a new identity, its
 *      signed prekey and 100 prekeys), in a process that has done
 *      nothing else yet, and in a new process (this program run again
 *      with --open) opening a store that holds sessions with 10 devices,
 *      as every later start does; the target is "startup RSS grows by no
 *      more than 1 MB with OMEMO on";
 *   2. first contact: building a session from a device's bundle (what
 *      one fetched bundle costs us), and the receiver's side of the first
 *      (prekey) message: decrypt, replenish the used prekey, save;
 *   3. one message to 10 devices (a contact's 7 and 3 of our own, the
 *      target's case): encrypt, build the <message> stanza as
 *      session_send_omemo does, serialise it, and save the key store as
 *      omemochat_send does before anything goes out. Target <= 2 ms CPU;
 *   4. the same to 50 and 200 devices (200 is the device list limit,
 *      OMEMO_MAX_DEVICES): many devices, and a key store holding as many
 *      sessions, which each save encrypts whole;
 *   6. idle wakeups, when scripts/bench gives a server (JID PASSWORD PORT
 *      CAFILE, as to bench_login): a session logged in with OMEMO
 *      (publishing its device list and bundle after the login) and one
 *      without, each left idle for IDLE_S seconds once settled, counting
 *      the event loop's iterations and the process's context switches.
 *      Target: no wakeups added while idle;
 *   5. decrypting 1,000 messages on one of the 10 devices, each parsed
 *      from its wire form: live one at a time (each read alone, so each
 *      saved), live in a flood (saved once per read from the network,
 *      as omemochat_settle does; a read of READ_BATCH messages), and
 *      from the archive, saved once per page of 50 as omemochat does for
 *      a catch-up. Target <= 0.5 s.
 *
 * The key stores are files in a temporary folder under
 * TUKTUK_BENCH_RUNDIR (else /tmp), removed at the end. CPU is the
 * process's (CLOCK_PROCESS_CPUTIME_ID), so a busy machine does not
 * inflate it; the saves' file writes are in it, their fsync's waiting is
 * not. Numbers are measurements, not pass/fail. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <signal.h>
#include <sodium.h>
#include <uv.h>

#include "core/omemo.h"
#include "core/omemochat.h"
#include "xml/stanza.h"
#include "xmpp/ns.h"
#include "xmpp/omemo.h"

#include "measure.h"
#include "server.h"

#define PEER "bob@example.org"
#define SELF "alice@example.org"
#define TEN 10
#define OWN_OTHERS 3 /* of the 10: our other devices, the rest the peer's */
#define MANY 200     /* OMEMO_MAX_DEVICES */
#define RUNS 200
#define NDECRYPT 1000
#define PAGE 50 /* messages in an archive page (XEP-0313 <max/>, Prosody's default) */
/* Messages of a flood that one read from the network brings, at the
 * least: one 16 KB TLS record holds 8 of these 2 KB stanzas (libuv reads
 * up to 64 KB at a time). */
#define READ_BATCH 8
#define READ_BATCH_S "8"
#define TEXT "Are we still on for Thursday? I can bring the maps and the stove."

static char dir[4096];
static char err[512];

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}



static void die(const char *what)
{
    fprintf(stderr, "bench_omemo: %s: %s\n", what, err);
    exit(1);
}

static struct omemo *open_device(const char *name, const char *jid)
{
    unsigned char key[32];
    bool created = false;
    randombytes_buf(key, sizeof key);
    struct omemo *o = omemo_open_key(dir, name, key, jid, &created, err, sizeof err);
    sodium_memzero(key, sizeof key);
    if (!o)
        die(name);
    return o;
}

/* Our session with d, from its bundle as a fetch would bring it. */
static void build(struct omemo *from, const char *jid, struct omemo *d)
{
    struct omemo_bundle b;
    int seen = 0;
    if (omemo_our_bundle(d, &b) < 0 || omemo_build_session(from, jid, &b, &seen, err, sizeof err))
        die("build a session");
    omemo_bundle_clear(&b);
}

/* What one sent message costs: encrypt, the stanza, its bytes, the save. */
static size_t send_one(struct omemo *o, const char *to, const struct omemo_target *t, size_t n,
                       char **wire)
{
    struct omemo_element e;
    if (omemo_encrypt(o, to, t, n, TEXT, &e, err, sizeof err) < 0)
        die("encrypt");
    if (omemo_save(o, err, sizeof err) < 0)
        die("save");
    mxml_node_t *m = stanza_new("message");
    stanza_set_attr(m, "to", to);
    stanza_set_attr(m, "type", "chat");
    stanza_set_attr(m, "id", "bench-1");
    omemo_element_build(m, &e);
    stanza_add_text_child(m, "body", "I sent you an OMEMO encrypted message.");
    mxml_node_t *eme = stanza_add(m, "encryption");
    stanza_set_attr(eme, "xmlns", NS_EME);
    stanza_set_attr(eme, "namespace", NS_OMEMO);
    stanza_set_attr(stanza_add(m, "store"), "xmlns", NS_HINTS);
    size_t len = 0;
    char *xml = stanza_serialize(m, &len);
    mxmlDelete(m);
    omemo_element_clear(&e);
    if (!xml)
        die("serialise");
    if (wire)
        *wire = xml;
    else
        free(xml);
    return len;
}

static double save_ms; /* of read_one's time, the saves */

/* What one received message costs: parse, decrypt, replenish, and the
 * save unless it waits for the archive page's end. */
static bool read_one(struct omemo *o, const char *from, const char *xml, bool *prekey,
                     bool save)
{
    mxml_node_t *m = stanza_parse(xml, strlen(xml), NULL, 0);
    mxml_node_t *enc = m ? stanza_child(m, NS_OMEMO, "encrypted") : NULL;
    struct omemo_element e;
    char *plain = NULL;
    bool used = false;
    bool ok = enc && omemo_element_parse(enc, &e, err, sizeof err) == 0;
    mxmlDelete(m);
    if (ok) {
        ok = omemo_decrypt(o, from, &e, &plain, &used, err, sizeof err) == 0 && plain &&
             strcmp(plain, TEXT) == 0;
        omemo_element_clear(&e);
    }
    if (used)
        omemo_replenish(o);
    double t0 = cpu_ms();
    if ((save || used) && omemo_save(o, err, sizeof err) < 0)
        ok = false;
    save_ms += cpu_ms() - t0;
    free(plain);
    if (prekey)
        *prekey = used;
    return ok;
}

static void remove_all(void)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_omemo: could not remove %s\n", dir);
}

/* ---- 6. idle wakeups ---- */

#define IDLE_S 10
#define SETTLE_MS 2000 /* no event for this long: the login's traffic is over */

static uint64_t last_event;
static int online, published;
static struct omemochat *live_oc;

static void on_live_event(void *ud, const struct session_event *ev)
{
    (void)ud;
    last_event = uv_hrtime();
    if (live_oc)
        omemochat_event(live_oc, ev);
    if (ev->type == SESSION_EV_STATE && ev->state == SESSION_ONLINE)
        online = 1;
    if (ev->type == SESSION_EV_OMEMO && ev->sub_type && strcmp(ev->sub_type, "published") == 0)
        published++;
    if (ev->type == SESSION_EV_AUTH_FAILED || ev->type == SESSION_EV_CERT_REFUSED) {
        snprintf(err, sizeof err, "%s", ev->text ? ev->text : "login failed");
        die("login");
    }
}

static long iterations;
static void on_prepare(uv_prepare_t *p)
{
    (void)p;
    iterations++;
}

static void on_idle_over(uv_timer_t *t)
{
    (void)t;
}

/* Context switches of this process so far (voluntary: it slept). */
static long switches(void)
{
    return status_kb("voluntary_ctxt_switches");
}

/* Logs in (with OMEMO when oc_store), lets the login's traffic settle,
 * then counts what IDLE_S seconds of idleness wake. */
static void idle_run(uv_loop_t *loop, struct session_config *cfg, bool with_omemo, long *iter,
                     long *sw)
{
    struct session *s = session_new(loop, cfg, on_live_event, NULL, err, sizeof err);
    if (!s)
        die("session");
    struct omemo *o = NULL;
    live_oc = NULL;
    if (with_omemo) {
        o = open_device("live", cfg->jid);
        live_oc = omemochat_new(o, s, NULL, NULL);
    }
    online = published = 0;
    session_connect(s);
    uv_prepare_t prep;
    uv_timer_t over;
    uv_prepare_init(loop, &prep);
    uv_timer_init(loop, &over);
    /* A tick while settling, so that a quiet loop still comes back to
     * look at the clock; stopped before the count. */
    uv_timer_start(&over, on_idle_over, 100, 100);
    while (!online || (with_omemo && published < 2) ||
           uv_hrtime() - last_event < (uint64_t)SETTLE_MS * 1000000)
        uv_run(loop, UV_RUN_ONCE);
    uv_timer_stop(&over);
    iterations = 0;
    long sw0 = switches();
    uv_prepare_start(&prep, on_prepare);
    uv_timer_start(&over, on_idle_over, IDLE_S * 1000, 0);
    while (uv_is_active((uv_handle_t *)&over))
        uv_run(loop, UV_RUN_ONCE);
    *iter = iterations;
    *sw = switches() - sw0;
    uv_close((uv_handle_t *)&prep, NULL);
    uv_close((uv_handle_t *)&over, NULL);
    session_disconnect(s, NULL);
    while (session_state(s) != SESSION_OFFLINE)
        uv_run(loop, UV_RUN_ONCE);
    omemochat_free(live_oc);
    live_oc = NULL;
    session_free(s);
    omemo_free(o);
    uv_run(loop, UV_RUN_NOWAIT);
}

static void idle_wakeups(char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct session_config cfg = bench_server(argv, "bench-omemo");
    long it_off, sw_off, it_on, sw_on;
    idle_run(&loop, &cfg, false, &it_off, &sw_off);
    idle_run(&loop, &cfg, true, &it_on, &sw_on);
    printf("-- idle (target: no wakeups added while idle)\n");
    printf("%d s idle after the login settled: without OMEMO %ld loop wakeups, %ld context "
           "switches; with OMEMO %ld loop wakeups, %ld context switches\n",
           IDLE_S, it_off, sw_off, it_on, sw_on);
    uv_loop_close(&loop);
}

/* --open DIR NAME KEYHEX: a start's cost of opening an existing store. */
static int open_only(char **argv)
{
    unsigned char key[32];
    bool created = false;
    if (sodium_hex2bin(key, sizeof key, argv[4], strlen(argv[4]), NULL, NULL, NULL) < 0)
        return 1;
    long rss0 = status_kb("VmRSS"), hwm0 = status_kb("VmHWM");
    double t0 = cpu_ms();
    struct omemo *o = omemo_open_key(argv[2], argv[3], key, SELF, &created, err, sizeof err);
    double ms = cpu_ms() - t0;
    if (!o || created)
        die("open the store again");
    printf("a start with a store of sessions with 10 devices: RSS +%ld KiB, peak RSS +%ld KiB, "
           "%.1f ms CPU to open it\n",
           status_kb("VmRSS") - rss0, status_kb("VmHWM") - hwm0, ms);
    omemo_free(o);
    return 0;
}

static void run_open_only(const unsigned char key[32])
{
    char hex[65], cmd[8400];
    sodium_bin2hex(hex, sizeof hex, key, 32);
    snprintf(cmd, sizeof cmd, "/proc/%d/exe --open '%s' me %s", (int)getpid(), dir, hex);
    fflush(stdout);
    if (system(cmd) != 0)
        die("the --open run");
}

struct device {
    struct omemo *o;
    const char *jid;
};

/* n devices: the first OWN_OTHERS ours, the rest the peer's. */
static struct device *make_devices(int n, const char *prefix)
{
    struct device *d = calloc((size_t)n, sizeof *d);
    char name[64];
    for (int i = 0; d && i < n; i++) {
        d[i].jid = i < OWN_OTHERS ? SELF : PEER;
        snprintf(name, sizeof name, "%s%d", prefix, i);
        d[i].o = open_device(name, d[i].jid);
    }
    if (!d)
        die("out of memory");
    return d;
}

static void targets_of(const struct device *d, int n, struct omemo_target *t)
{
    for (int i = 0; i < n; i++)
        t[i] = (struct omemo_target){d[i].jid, omemo_device_id(d[i].o)};
}

static void bench_sends(struct omemo *o, const struct omemo_target *t, int n, const char *what,
                        const char *target)
{
    static double v[RUNS];
    size_t bytes = 0;
    for (int r = 0; r < RUNS; r++) {
        double t0 = cpu_ms();
        bytes = send_one(o, PEER, t, (size_t)n, NULL);
        v[r] = cpu_ms() - t0;
    }
    double med = median(v, RUNS);
    printf("%s: median %.3f ms CPU, min %.3f, max %.3f over %d messages, %zu bytes each%s%s\n",
           what, med, v[0], v[RUNS - 1], RUNS, bytes, target ? " " : "", target ? target : "");
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "--open") == 0)
        return open_only(argv);
    if (argc != 1 && argc != 5) {
        fprintf(stderr, "usage: bench_omemo [JID PASSWORD PORT CAFILE]\n");
        return 2;
    }
    const char *base = getenv("TUKTUK_BENCH_RUNDIR");
    snprintf(dir, sizeof dir, "%s/bench-omemo.XXXXXX", base && base[0] ? base : "/tmp");
    if (!mkdtemp(dir) || sodium_init() < 0) {
        fprintf(stderr, "bench_omemo: cannot make %s\n", dir);
        return 1;
    }

    /* 1. Memory of OMEMO at start, before anything else was touched. */
    long rss0 = status_kb("VmRSS"), hwm0 = status_kb("VmHWM");
    double t0 = cpu_ms();
    struct omemo *me = open_device("self", SELF);
    double gen_ms = cpu_ms() - t0;
    long rss1 = status_kb("VmRSS"), hwm1 = status_kb("VmHWM");
    omemo_free(me);

    /* 2. First contact with 10 devices. */
    struct device *ten = make_devices(TEN, "ten");
    unsigned char key[32];
    randombytes_buf(key, sizeof key);
    bool created = false;
    me = omemo_open_key(dir, "me", key, SELF, &created, err, sizeof err);
    if (!me)
        die("me");
    double build_v[TEN];
    for (int i = 0; i < TEN; i++) {
        t0 = cpu_ms();
        build(me, ten[i].jid, ten[i].o);
        build_v[i] = cpu_ms() - t0;
    }
    if (omemo_save(me, err, sizeof err) < 0)
        die("save");

    printf("-- memory (target: startup RSS grows by no more than 1 MB with OMEMO on)\n");
    printf("a new identity (signed prekey, %d prekeys), made and saved: RSS +%ld KiB, peak RSS "
           "+%ld KiB, %.1f ms CPU\n",
           OMEMO_PREKEYS, rss1 - rss0, hwm1 - hwm0, gen_ms);

    printf("-- first contact\n");
    double bm = median(build_v, TEN);
    printf("a session built from a bundle: median %.3f ms CPU, min %.3f, max %.3f over %d "
           "devices\n",
           bm, build_v[0], build_v[TEN - 1], TEN);

    struct omemo_target t[MANY];
    targets_of(ten, TEN, t);
    /* The first message is a prekey message for each device: the
     * receiver's cost of it (session set up on its side, a prekey used
     * and replenished, the store saved). */
    char *first = NULL;
    double first_send = cpu_ms();
    send_one(me, PEER, t, TEN, &first);
    first_send = cpu_ms() - first_send;
    double recv_v[TEN];
    for (int i = 0; i < TEN; i++) {
        bool prekey = false;
        t0 = cpu_ms();
        if (!read_one(ten[i].o, SELF, first, &prekey, true) || !prekey)
            die("first message");
        recv_v[i] = cpu_ms() - t0;
    }
    free(first);
    printf("the first message to 10 devices (10 prekey messages): %.3f ms CPU to send\n",
           first_send);
    double rm = median(recv_v, TEN);
    printf("its receipt on each device (prekey message: decrypt, replenish, save): median %.3f "
           "ms CPU, min %.3f, max %.3f\n",
           rm, recv_v[0], recv_v[TEN - 1]);
    /* Each device answers: from now on the messages are ordinary ones,
     * as in a conversation under way. */
    struct omemo_target back = {SELF, omemo_device_id(me)};
    for (int i = 0; i < TEN; i++) {
        char *reply = NULL;
        send_one(ten[i].o, SELF, &back, 1, &reply);
        if (!read_one(me, ten[i].jid, reply, NULL, true))
            die("a reply");
        free(reply);
    }
    if (omemo_save(me, err, sizeof err) < 0)
        die("save");
    printf("-- a later start\n");
    run_open_only(key);
    sodium_memzero(key, sizeof key);

    /* 3. Steady messages to 10 devices. */
    printf("-- sending (encrypt, stanza, serialise, save the key store)\n");
    bench_sends(me, t, TEN, "one message to 10 devices", "(target <= 2 ms CPU)");

    /* 5. Decrypting 1,000 messages on one device (before the many-device
     * part, which makes the store larger than a 10-device account's). */
    char **wire = calloc(NDECRYPT, sizeof *wire);
    if (!wire)
        die("out of memory");
    for (int i = 0; i < NDECRYPT; i++)
        send_one(me, PEER, t, TEN, &wire[i]);
    printf("-- receiving (parse, decrypt, save the key store)\n");
    /* Live, each message is saved before it is shown; from the archive,
     * once per page (core/omemochat.c). Two of the 10 devices read the
     * same 1,000 messages, one each way. */
    static const char *const ways[] = {
        "live, one at a time (each saved)",
        "live in a flood, saved once per read of " READ_BATCH_S,
        "from the archive, saved once per page of 50",
    };
    for (int way = 0; way < 3; way++) {
        struct omemo *reader = ten[TEN - 1 - way].o;
        int every = way == 0 ? 1 : way == 1 ? READ_BATCH : PAGE;
        save_ms = 0;
        t0 = cpu_ms();
        int ok = 0;
        for (int i = 0; i < NDECRYPT; i++) {
            ok += read_one(reader, SELF, wire[i], NULL, false);
            if ((i + 1) % every == 0) {
                double s0 = cpu_ms();
                if (omemo_save(reader, err, sizeof err) < 0)
                    die("save");
                save_ms += cpu_ms() - s0;
            }
        }
        double dec = cpu_ms() - t0;
        printf("decrypting %d messages %s: %.3f s CPU (%.3f ms each, of which saving %.3f ms), "
               "%d read (target <= 0.5 s)\n",
               NDECRYPT, ways[way],
               dec / 1e3, dec / NDECRYPT, save_ms / NDECRYPT, ok);
    }
    for (int i = 0; i < NDECRYPT; i++)
        free(wire[i]);
    free(wire);

    /* 4. Many devices. */
    printf("-- many devices\n");
    struct device *many = make_devices(MANY, "many");
    targets_of(many, MANY, t);
    for (int i = TEN; i < 50; i++)
        build(me, many[i].jid, many[i].o);
    struct omemo_target t50[50];
    targets_of(ten, TEN, t50);
    memcpy(t50 + TEN, t + TEN, (50 - TEN) * sizeof *t);
    bench_sends(me, t50, 50, "one message to 50 devices", NULL);
    for (int i = 0; i < MANY; i++)
        if (i < TEN || i >= 50)
            build(me, many[i].jid, many[i].o);
    bench_sends(me, t, MANY, "one message to 200 devices (the device list limit)", NULL);

    if (argc == 5)
        idle_wakeups(argv);
    else
        printf("-- idle: not measured (no server given: scripts/bench gives one)\n");

    omemo_free(me);
    for (int i = 0; i < TEN; i++)
        omemo_free(ten[i].o);
    for (int i = 0; i < MANY; i++)
        omemo_free(many[i].o);
    free(ten);
    free(many);
    remove_all();
    return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_conn.c - the connection against a real server started by tests/run,
 * Prosody then ejabberd (TUKTUK_TEST_C2S_PORT, TUKTUK_TEST_TLS_PORT,
 * TUKTUK_TEST_CA, TUKTUK_TEST_DOMAIN). Each scenario drives a real uv loop,
 * bounded by a guard timer so that a hang is a failure, not a stuck test:
 * STARTTLS (RFC 6120 §5.4) up to SASL features, writes held during the
 * handshake, direct TLS (XEP-0368), a refused then pinned certificate, a
 * closed port, several addresses for one name, conn_free from inside
 * callbacks, a graceful shutdown, tls-exporter (RFC 9266), and reads paused
 * while a server that does not read leaves our writes piling up. Looking for
 * XML is a plain strstr on the bytes: the XML layer is not under test here. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../check.h"
#include "net/conn.h"
#include "net/tls.h"

#define GUARD_MS 15000

static const char header_fmt[] = "<?xml version='1.0'?><stream:stream to='%s' version='1.0' "
                                 "xmlns='jabber:client' "
                                 "xmlns:stream='http://etherx.jabber.org/streams'>";
static const char starttls_xml[] = "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>";

static const char *domain, *ca_file;
static int c2s_port, tls_port;

enum phase {
    WAIT_CONNECT,
    WAIT_STARTTLS_FEATURE,
    WAIT_PROCEED,
    WAIT_TLS_READY,
    WAIT_MECHANISMS,
    FINISHED,
};

/* Everything a scenario saw, and what it should do next. */
struct probe {
    uv_loop_t *loop;
    struct conn *conn;
    enum phase phase;
    bool hold_writes;    /* write the new header right after conn_starttls */
    bool shutdown_after; /* conn_shutdown once features arrived */
    const char *free_in; /* name of the callback that calls conn_free */
    bool freed;
    int after_free; /* callbacks seen after conn_free: must stay 0 */
    int connected, tls_ready, failed, closed, statuses;
    bool tls_flag;
    bool guard_fired;
    char reason[512];
    bool have_cert;
    struct conn_cert_info cert;
    char buf[65536];
    size_t len;
    size_t exporter_len, unique_len, end_point_len;
    unsigned char end_point[64];
    char desc[128];
};

static void stop(struct probe *p)
{
    uv_stop(p->loop);
}

static void send_header(struct probe *p)
{
    char h[512];
    snprintf(h, sizeof h, header_fmt, domain);
    CHECK(conn_write(p->conn, h, strlen(h)) == 0);
}

/* Frees the connection from inside the named callback, once. */
static bool maybe_free(struct probe *p, const char *where)
{
    if (p->freed) {
        p->after_free++;
        return true;
    }
    if (p->free_in && strcmp(p->free_in, where) == 0) {
        conn_free(p->conn);
        p->freed = true;
        stop(p);
        return true;
    }
    return false;
}

static void on_status(void *ud, const char *text)
{
    struct probe *p = ud;
    p->statuses++;
    if (getenv("TUKTUK_TEST_VERBOSE"))
        fprintf(stderr, "status: %s\n", text);
    maybe_free(p, "status");
}

static void on_connected(void *ud, bool tls_active)
{
    struct probe *p = ud;
    p->connected++;
    p->tls_flag = tls_active;
    if (maybe_free(p, "connected"))
        return;
    send_header(p);
    p->phase = tls_active ? WAIT_MECHANISMS : WAIT_STARTTLS_FEATURE;
}

static void on_tls_ready(void *ud)
{
    struct probe *p = ud;
    p->tls_ready++;
    if (maybe_free(p, "tls_ready"))
        return;
    if (!p->hold_writes)
        send_header(p);
    p->phase = WAIT_MECHANISMS;
}

static void features_done(struct probe *p)
{
    p->phase = FINISHED;
    unsigned char cb[64] = {0}, zero[64] = {0};
    p->exporter_len = conn_channel_binding(p->conn, "tls-exporter", cb, sizeof cb);
    if (memcmp(cb, zero, sizeof cb) == 0)
        p->exporter_len = 0;
    p->unique_len = conn_channel_binding(p->conn, "tls-unique", cb, sizeof cb);
    p->end_point_len =
        conn_channel_binding(p->conn, "tls-server-end-point", p->end_point, sizeof p->end_point);
    CHECK(conn_channel_binding(p->conn, "tls-bogus", cb, sizeof cb) == 0);
    snprintf(p->desc, sizeof p->desc, "%s", conn_tls_description(p->conn));
    if (p->shutdown_after) {
        static const char end[] = "</stream:stream>";
        conn_write(p->conn, end, sizeof end - 1);
        conn_shutdown(p->conn);
        return;
    }
    stop(p);
}

static void on_data(void *ud, const char *buf, size_t len)
{
    struct probe *p = ud;
    if (maybe_free(p, "data"))
        return;
    if (p->len + len >= sizeof p->buf)
        p->len = 0;
    memcpy(p->buf + p->len, buf, len);
    p->len += len;
    p->buf[p->len] = '\0';
    if (p->phase == WAIT_STARTTLS_FEATURE && strstr(p->buf, "<starttls")) {
        p->len = 0;
        p->phase = WAIT_PROCEED;
        CHECK(conn_write(p->conn, starttls_xml, sizeof starttls_xml - 1) == 0);
    } else if (p->phase == WAIT_PROCEED && strstr(p->buf, "<proceed")) {
        p->len = 0;
        p->phase = WAIT_TLS_READY;
        CHECK(conn_starttls(p->conn) == 0);
        if (p->hold_writes)
            send_header(p); /* held until the handshake completes */
    } else if (p->phase == WAIT_MECHANISMS && strstr(p->buf, "<mechanisms")) {
        features_done(p);
    }
}

static void on_failed(void *ud, const char *reason, const struct conn_cert_info *cert)
{
    struct probe *p = ud;
    p->failed++;
    if (getenv("TUKTUK_TEST_VERBOSE"))
        fprintf(stderr, "failed: %s\n", reason);
    snprintf(p->reason, sizeof p->reason, "%s", reason ? reason : "");
    if (cert) {
        p->have_cert = true;
        p->cert = *cert;
    }
    if (maybe_free(p, "failed"))
        return;
    stop(p);
}

static void on_closed(void *ud)
{
    struct probe *p = ud;
    p->closed++;
    if (maybe_free(p, "closed"))
        return;
    stop(p);
}

static const struct conn_events events = {
    on_status, on_connected, on_tls_ready, on_data, on_failed, on_closed,
};

static void on_guard(uv_timer_t *t)
{
    struct probe *p = t->data;
    p->guard_fired = true;
    stop(p);
}

/* Runs one scenario to its end (or the guard), frees the connection and
 * lets the loop finish every close, so ASan sees any leak or late use. */
static void run(struct probe *p, const struct conn_config *cfg)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    p->loop = &loop;
    p->conn = conn_new(&loop, &events, p);
    CHECK(p->conn != NULL);
    uv_timer_t guard;
    uv_timer_init(&loop, &guard);
    guard.data = p;
    uv_timer_start(&guard, on_guard, GUARD_MS, 0);
    CHECK(conn_open(p->conn, cfg) == 0);
    CHECK(conn_open(p->conn, cfg) == -1); /* already open */
    if (!p->freed)
        uv_run(&loop, UV_RUN_DEFAULT);
    if (p->guard_fired)
        fprintf(stderr, "scenario timed out (phase %d, reason \"%s\")\n", p->phase, p->reason);
    if (!p->freed) {
        conn_free(p->conn);
        p->freed = true;
    }
    uv_close((uv_handle_t *)&guard, NULL);
    /* A uv_stop made before this uv_run only ends it early: run again. */
    while (uv_run(&loop, UV_RUN_DEFAULT) != 0)
        ;
    CHECK(uv_loop_close(&loop) == 0);
}

static struct conn_config config(const char *server, int port, enum conn_tls_mode mode,
                                 const char *ca, const char *pinned)
{
    struct conn_config cfg = {domain, server, port, mode, ca, pinned, 5000, false};
    return cfg;
}

static void test_starttls(bool hold)
{
    struct probe *p = calloc(1, sizeof *p);
    p->hold_writes = hold;
    struct conn_config cfg = config("127.0.0.1", c2s_port, CONN_TLS_STARTTLS, ca_file, NULL);
    run(p, &cfg);
    CHECK(!p->guard_fired);
    CHECK(p->connected == 1 && !p->tls_flag);
    CHECK(p->tls_ready == 1);
    CHECK(p->failed == 0);
    CHECK(p->phase == FINISHED);
    CHECK(p->statuses > 0);
    CHECK(strncmp(p->desc, "TLSv1.", 6) == 0);
    if (strncmp(p->desc, "TLSv1.3", 7) == 0)
        CHECK(p->exporter_len == 32 && p->unique_len == 0);
    if (p->failed)
        fprintf(stderr, "starttls failed: %s\n", p->reason);
    free(p);
}

static void test_direct_tls(void)
{
    struct probe *p = calloc(1, sizeof *p);
    struct conn_config cfg = config("127.0.0.1", tls_port, CONN_TLS_DIRECT, ca_file, NULL);
    run(p, &cfg);
    CHECK(!p->guard_fired);
    CHECK(p->connected == 1 && p->tls_flag);
    CHECK(p->tls_ready == 0);
    CHECK(p->phase == FINISHED);
    CHECK_STR(p->desc, "TLSv1.3 TLS_AES_256_GCM_SHA384");
    CHECK(p->exporter_len == 32); /* RFC 9266 on TLS 1.3 */
    CHECK(p->unique_len == 0);    /* RFC 8446 §C.5: undefined on 1.3 */
    CHECK(p->end_point_len == 32);
    if (p->failed)
        fprintf(stderr, "direct TLS failed: %s\n", p->reason);
    free(p);
}

/* Capped at TLS 1.2 (the channel-binding fallback in negotiate.c):
 * tls-unique is the 12-byte Finished message, tls-exporter is there with
 * the extended master secret, and tls-server-end-point is the SHA-256 of
 * the leaf, the same digest as its fingerprint. */
static void test_tls12(const char *fingerprint)
{
    struct probe *p = calloc(1, sizeof *p);
    struct conn_config cfg = config("127.0.0.1", tls_port, CONN_TLS_DIRECT, ca_file, NULL);
    cfg.max_tls12 = true;
    run(p, &cfg);
    CHECK(!p->guard_fired);
    CHECK(p->phase == FINISHED);
    CHECK(strncmp(p->desc, "TLSv1.2 ", 8) == 0);
    CHECK(p->unique_len == 12);
    CHECK(p->exporter_len == 32);
    CHECK(p->end_point_len == 32);
    char hex[200];
    tls_format_fingerprint(p->end_point, p->end_point_len, hex, sizeof hex);
    CHECK_STR(hex, fingerprint);
    free(p);
}

/* Without the test CA the chain does not verify: refused, with details. */
static void test_refused(char *fingerprint, size_t cap)
{
    struct probe *p = calloc(1, sizeof *p);
    struct conn_config cfg = config("127.0.0.1", tls_port, CONN_TLS_DIRECT, NULL, NULL);
    run(p, &cfg);
    CHECK(!p->guard_fired);
    CHECK(p->failed == 1 && p->connected == 0);
    CHECK(p->have_cert);
    CHECK(strlen(p->cert.sha256) == 95); /* 32 bytes as "AB:" */
    CHECK(p->cert.reason[0] != '\0');
    CHECK(p->cert.subject[0] != '\0' && p->cert.issuer[0] != '\0');
    CHECK(p->cert.not_before[0] != '\0' && p->cert.not_after[0] != '\0');
    CHECK(strstr(p->cert.reason, "fingerprint") == NULL);
    snprintf(fingerprint, cap, "%s", p->cert.sha256);
    free(p);
}

/* The same certificate, refused over STARTTLS: failed, not tls_ready. */
static void test_refused_starttls(void)
{
    struct probe *p = calloc(1, sizeof *p);
    struct conn_config cfg = config("127.0.0.1", c2s_port, CONN_TLS_STARTTLS, NULL, NULL);
    run(p, &cfg);
    CHECK(!p->guard_fired);
    CHECK(p->connected == 1 && p->tls_ready == 0 && p->failed == 1 && p->have_cert);
    free(p);
}

static void lower_no_colons(const char *in, char *out, size_t cap)
{
    size_t o = 0;
    for (; *in && o + 1 < cap; in++) {
        if (*in != ':')
            out[o++] = (char)(*in >= 'A' && *in <= 'F' ? *in - 'A' + 'a' : *in);
    }
    out[o] = '\0';
}

static void test_pinned(const char *fingerprint)
{
    char lower[96];
    lower_no_colons(fingerprint, lower, sizeof lower);
    const char *pins[] = {fingerprint, lower};
    for (int i = 0; i < 2; i++) {
        struct probe *p = calloc(1, sizeof *p);
        struct conn_config cfg = config("127.0.0.1", tls_port, CONN_TLS_DIRECT, NULL, pins[i]);
        run(p, &cfg);
        CHECK(!p->guard_fired);
        CHECK(p->failed == 0 && p->connected == 1 && p->tls_flag);
        CHECK(p->phase == FINISHED);
        free(p);
    }

    struct probe *p = calloc(1, sizeof *p);
    const char *wrong = "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:"
                        "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF";
    struct conn_config cfg = config("127.0.0.1", tls_port, CONN_TLS_DIRECT, NULL, wrong);
    run(p, &cfg);
    CHECK(p->failed == 1 && p->have_cert);
    CHECK(strstr(p->cert.reason, "fingerprint changed") != NULL);
    CHECK_STR(p->cert.sha256, fingerprint);
    free(p);
}

/* A port nobody listens on: bind one, note it, close it. */
static int closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
        if (fd >= 0)
            close(fd);
        return 1;
    }
    close(fd);
    return ntohs(sa.sin_port);
}

/* Starts `openssl s_server` with the test server's localhost certificate
 * on port; returns its pid, or -1. Its stdin stays an open pipe (*keep). */
static pid_t start_s_server(int port, int *keep)
{
    const char *rundir = getenv("TUKTUK_TEST_RUNDIR");
    if (!rundir)
        return -1;
    char crt[512], key[512], accept_on[64];
    snprintf(crt, sizeof crt, "%s/certs/localhost.crt", rundir);
    snprintf(key, sizeof key, "%s/certs/localhost.key", rundir);
    snprintf(accept_on, sizeof accept_on, "127.0.0.1:%d", port);
    if (access(crt, R_OK) != 0 || access(key, R_OK) != 0)
        return -1;
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[0], 0);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        execlp("openssl", "openssl", "s_server", "-accept", accept_on, "-cert", crt, "-key", key,
               "-quiet", (char *)NULL);
        _exit(127);
    }
    close(fds[0]);
    *keep = fds[1];
    return pid;
}

static bool wait_listening(int port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                             .sin_port = htons((uint16_t)port)};
    for (int i = 0; i < 100; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        bool ok = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
        if (fd >= 0)
            close(fd);
        if (ok)
            return true;
        usleep(50000);
    }
    return false;
}

/* The certificate is checked against the JID's domain (RFC 6120 §13.7.2):
 * a chain that verifies, but for another name, is refused. Prosody refuses
 * an unknown SNI name itself, so openssl s_server, which serves its one
 * certificate to any name, plays the part. */
static void test_wrong_domain(void)
{
    int port = closed_port(), keep = -1;
    pid_t pid = start_s_server(port, &keep);
    if (pid < 0) {
        fprintf(stderr, "test_conn: no TUKTUK_TEST_RUNDIR certificate, name check not tested\n");
        return;
    }
    CHECK(wait_listening(port));
    struct probe *p = calloc(1, sizeof *p);
    struct conn_config cfg = config("127.0.0.1", port, CONN_TLS_DIRECT, ca_file, NULL);
    cfg.domain = "wrong.example";
    run(p, &cfg);
    CHECK(!p->guard_fired);
    CHECK(p->failed == 1 && p->connected == 0);
    CHECK(p->have_cert && strstr(p->cert.reason, "mismatch") != NULL);
    if (!p->have_cert)
        fprintf(stderr, "wrong domain: %s\n", p->reason);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    close(keep);
    free(p);
}

static void test_closed_port(void)
{
    struct probe *p = calloc(1, sizeof *p);
    struct conn_config cfg = config("127.0.0.1", closed_port(), CONN_TLS_STARTTLS, ca_file, NULL);
    uint64_t start = uv_hrtime();
    run(p, &cfg);
    CHECK(!p->guard_fired);
    CHECK(p->failed == 1 && p->connected == 0 && !p->have_cert);
    CHECK(p->reason[0] != '\0');
    CHECK(uv_hrtime() - start < 4000000000ULL);
    free(p);
}

/* A loopback socket that listens but never accepts nor speaks. */
static int silent_listener(int backlog, int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, backlog) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *port = ntohs(sa.sin_port);
    return fd;
}

/* The kernel completes TCP, then the server says nothing: the direct TLS
 * handshake is bounded by the connect timeout. */
static void test_silent_server(void)
{
    int port = 0;
    int fd = silent_listener(8, &port);
    CHECK(fd >= 0);
    struct probe *p = calloc(1, sizeof *p);
    struct conn_config cfg = config("127.0.0.1", port, CONN_TLS_DIRECT, ca_file, NULL);
    cfg.connect_timeout_ms = 300;
    run(p, &cfg);
    CHECK(!p->guard_fired);
    CHECK(p->failed == 1 && p->connected == 0);
    CHECK(strstr(p->reason, "timed out") != NULL);
    close(fd);
    free(p);
}

/* A listener whose queue is full drops our SYN: the TCP connect itself
 * must time out. */
static void test_connect_timeout(void)
{
    int port = 0;
    int fd = silent_listener(0, &port);
    CHECK(fd >= 0);
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                             .sin_port = htons((uint16_t)port)};
    int fillers[4];
    for (int i = 0; i < 4; i++) {
        fillers[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (fillers[i] >= 0) /* EINPROGRESS, and the handshake may stay pending */
            (void)connect(fillers[i], (struct sockaddr *)&sa, sizeof sa);
    }
    struct probe *p = calloc(1, sizeof *p);
    struct conn_config cfg = config("127.0.0.1", port, CONN_TLS_STARTTLS, ca_file, NULL);
    cfg.connect_timeout_ms = 300;
    run(p, &cfg);
    CHECK(!p->guard_fired);
    CHECK(p->failed == 1 && p->connected == 0);
    if (!strstr(p->reason, "timed out"))
        fprintf(stderr, "connect timeout: got \"%s\"\n", p->reason);
    CHECK(strstr(p->reason, "timed out") != NULL);
    for (int i = 0; i < 4; i++) {
        if (fillers[i] >= 0)
            close(fillers[i]);
    }
    close(fd);
    free(p);
}

/* A direct TLS attempt on the plaintext port fails, it does not hang. */
static void test_tls_to_plain_port(void)
{
    struct probe *p = calloc(1, sizeof *p);
    struct conn_config cfg = config("127.0.0.1", c2s_port, CONN_TLS_DIRECT, ca_file, NULL);
    run(p, &cfg);
    CHECK(!p->guard_fired);
    CHECK(p->failed == 1 && p->connected == 0);
    free(p);
}

/* "localhost" has ::1 and 127.0.0.1; the server listens on the latter
 * only, so this also walks more than one address. */
static void test_hostname(void)
{
    struct probe *p = calloc(1, sizeof *p);
    struct conn_config cfg = config("localhost", tls_port, CONN_TLS_DIRECT, ca_file, NULL);
    run(p, &cfg);
    CHECK(!p->guard_fired);
    CHECK(p->connected == 1 && p->phase == FINISHED);
    free(p);
}

static void test_free_inside(const char *where, int port, enum conn_tls_mode mode)
{
    struct probe *p = calloc(1, sizeof *p);
    p->free_in = where;
    struct conn_config cfg = config("127.0.0.1", port, mode, ca_file, NULL);
    run(p, &cfg);
    CHECK(!p->guard_fired);
    CHECK(p->after_free == 0);
    if (p->after_free)
        fprintf(stderr, "callbacks after conn_free in %s: %d\n", where, p->after_free);
    free(p);
}

static void test_shutdown(void)
{
    struct probe *p = calloc(1, sizeof *p);
    p->shutdown_after = true;
    p->free_in = "closed";
    struct conn_config cfg = config("127.0.0.1", tls_port, CONN_TLS_DIRECT, ca_file, NULL);
    run(p, &cfg);
    CHECK(!p->guard_fired);
    CHECK(p->phase == FINISHED);
    CHECK(p->closed == 1 && p->failed == 0);
    free(p);
}

/* --- read pacing: a server that does not read what we send --- */

#define PACING_CHUNK 16384
#define PACING_CHUNKS 640 /* 10 MiB: more than the kernel's buffers hold */

struct pacing {
    uv_loop_t *loop;
    struct conn *conn;
    bool connected, failed;
    char got[64];
    size_t received;
};

static void pacing_status(void *ud, const char *text)
{
    (void)ud;
    (void)text;
}

static void pacing_connected(void *ud, bool tls_active)
{
    struct pacing *p = ud;
    static char chunk[PACING_CHUNK];
    (void)tls_active;
    memset(chunk, 'x', sizeof chunk);
    p->connected = true;
    int refused = 0;
    for (int i = 0; i < PACING_CHUNKS; i++)
        refused += conn_write(p->conn, chunk, sizeof chunk) != 0;
    CHECK(refused == 0);
    uv_stop(p->loop);
}

static void pacing_tls_ready(void *ud)
{
    (void)ud;
}

static void pacing_data(void *ud, const char *buf, size_t len)
{
    struct pacing *p = ud;
    size_t room = sizeof p->got - 1 - p->received;
    memcpy(p->got + p->received, buf, len < room ? len : room);
    p->received += len < room ? len : room;
    if (strstr(p->got, "late"))
        uv_stop(p->loop);
}

static void pacing_failed(void *ud, const char *reason, const struct conn_cert_info *cert)
{
    struct pacing *p = ud;
    (void)cert;
    fprintf(stderr, "pacing: failed: %s\n", reason);
    p->failed = true;
    uv_stop(p->loop);
}

static void pacing_closed(void *ud)
{
    struct pacing *p = ud;
    uv_stop(p->loop);
}

static const struct conn_events pacing_events = {
    pacing_status, pacing_connected, pacing_tls_ready, pacing_data, pacing_failed, pacing_closed,
};

static void on_pause_over(uv_timer_t *t)
{
    uv_stop(t->loop);
}

static void run_for(uv_loop_t *loop, uint64_t ms)
{
    uv_timer_t t;
    uv_timer_init(loop, &t);
    uv_timer_start(&t, on_pause_over, ms, 0);
    uv_run(loop, UV_RUN_DEFAULT);
    uv_close((uv_handle_t *)&t, NULL);
    uv_run(loop, UV_RUN_NOWAIT);
}

/* The child: accepts, and reads nothing until told. Told once, it sends
 * "late"; told twice, it reads everything we sent. */
static pid_t start_sink(int listener, int control)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    int s = accept(listener, NULL, NULL);
    char c, buf[65536];
    if (s < 0 || read(control, &c, 1) != 1 || write(s, "late", 4) != 4 || read(control, &c, 1) != 1)
        _exit(1);
    size_t got = 0;
    ssize_t n;
    while (got < (size_t)PACING_CHUNK * PACING_CHUNKS && (n = read(s, buf, sizeof buf)) > 0)
        got += (size_t)n;
    if (read(control, &c, 1) < 0)
        _exit(1);
    _exit(0);
}

/* While more than conn.c's high mark of ours waits to be sent, nothing is
 * read: what the server sends meanwhile waits in the kernel, and arrives
 * once the server has read our backlog. */
static void test_paced_reads(void)
{
    int port = 0, control[2];
    int lfd = silent_listener(8, &port);
    CHECK(lfd >= 0 && pipe(control) == 0);
    pid_t pid = start_sink(lfd, control[0]);
    CHECK(pid > 0);

    uv_loop_t loop;
    uv_loop_init(&loop);
    struct pacing p = {.loop = &loop};
    p.conn = conn_new(&loop, &pacing_events, &p);
    struct conn_config cfg = config("127.0.0.1", port, CONN_TLS_STARTTLS, ca_file, NULL);
    CHECK(conn_open(p.conn, &cfg) == 0);
    run_for(&loop, GUARD_MS);
    CHECK(p.connected && !p.failed);

    CHECK(write(control[1], "1", 1) == 1); /* "late" is sent now */
    run_for(&loop, 300);
    CHECK(p.received == 0);
    CHECK(write(control[1], "2", 1) == 1); /* the server reads our backlog */
    run_for(&loop, GUARD_MS);
    CHECK(strcmp(p.got, "late") == 0);
    CHECK(!p.failed);

    conn_free(p.conn);
    CHECK(write(control[1], "3", 1) == 1);
    waitpid(pid, NULL, 0);
    while (uv_run(&loop, UV_RUN_DEFAULT) != 0)
        ;
    CHECK(uv_loop_close(&loop) == 0);
    close(lfd);
    close(control[0]);
    close(control[1]);
}

/* A connection that is never opened, or freed before its loop runs. */
static void test_free_early(void)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct probe p0 = {0};
    conn_free(conn_new(&loop, &events, &p0));
    struct conn *c = conn_new(&loop, &events, &p0);
    struct conn_config cfg = config("127.0.0.1", c2s_port, CONN_TLS_STARTTLS, ca_file, NULL);
    CHECK(conn_open(c, &cfg) == 0);
    conn_free(c);
    uv_run(&loop, UV_RUN_DEFAULT);
    CHECK(p0.connected == 0 && p0.failed == 0 && p0.closed == 0);
    CHECK(uv_loop_close(&loop) == 0);
}

static bool read_env(void)
{
    const char *c2s = getenv("TUKTUK_TEST_C2S_PORT");
    const char *tls = getenv("TUKTUK_TEST_TLS_PORT");
    domain = getenv("TUKTUK_TEST_DOMAIN");
    ca_file = getenv("TUKTUK_TEST_CA");
    if (!c2s || !tls || !domain || !ca_file) {
        fprintf(stderr, "test_conn: TUKTUK_TEST_C2S_PORT, TUKTUK_TEST_TLS_PORT, "
                        "TUKTUK_TEST_DOMAIN and TUKTUK_TEST_CA must be set: run it through "
                        "tests/run, which starts the test servers\n");
        return false;
    }
    c2s_port = atoi(c2s);
    tls_port = atoi(tls);
    return c2s_port > 0 && tls_port > 0;
}

int main(void)
{
    CHECK(read_env());
    if (check_failed_count)
        return check_done();
    char fingerprint[96] = "";

    test_starttls(false);
    test_starttls(true);
    test_direct_tls();
    test_refused(fingerprint, sizeof fingerprint);
    test_refused_starttls();
    if (fingerprint[0])
        test_tls12(fingerprint);
    if (fingerprint[0])
        test_pinned(fingerprint);
    test_wrong_domain();
    test_closed_port();
    test_tls_to_plain_port();
    test_silent_server();
    test_connect_timeout();
    test_hostname();
    test_free_inside("status", c2s_port, CONN_TLS_STARTTLS);
    test_free_inside("connected", c2s_port, CONN_TLS_STARTTLS);
    test_free_inside("data", c2s_port, CONN_TLS_STARTTLS);
    test_free_inside("tls_ready", c2s_port, CONN_TLS_STARTTLS);
    test_free_inside("connected", tls_port, CONN_TLS_DIRECT);
    test_free_inside("failed", closed_port(), CONN_TLS_STARTTLS);
    test_shutdown();
    test_free_early();
    test_paced_reads();
    return check_done();
}

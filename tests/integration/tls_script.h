/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tls_script.h - a scripted XMPP server behind direct TLS (XEP-0368) on
 * loopback, for what a real Prosody cannot be made to do once TLS is up:
 * refuse a channel binding, list odd XEP-0440 types, speak only TLS 1.2
 * or only TLS 1.3.
 *
 * It presents the certificate and key that scripts/prosody made for
 * localhost in the test run folder, so the client trusts it through
 * TUKTUK_TEST_CA as it trusts the real server. OpenSSL talks to two memory
 * BIOs and libuv owns the socket, as in the client's tls.c: everything
 * runs on the test's loop, with no thread and no sleep.
 *
 * Each connection plays a script: steps, each a text to wait for in what
 * the client sent (decrypted) and what to answer then, or NULL to hang up.
 * The server counts connections, notes each one's TLS version, keeps
 * everything the client sent, and decodes the payload of every <auth/>:
 * its start is the gs2 header (RFC 5802 §7), which tells whether and how
 * the client bound its login to the channel. */
#ifndef TUKTUK_TLS_SCRIPT_H
#define TUKTUK_TLS_SCRIPT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <uv.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#define TS_MAX_CONNS 8
#define TS_MAX_AUTHS 8

/* A first step waiting for "" acts at once, before TLS. */
struct ts_step {
    const char *when; /* wait until the client has sent this */
    const char *send; /* then send it this; NULL: hang up */
};

struct ts_peer;

struct ts_server {
    uv_loop_t *loop;
    uv_tcp_t listener;
    int port;
    SSL_CTX *ctx;
    /* Connection i plays scripts[i], or the last script when there are
     * fewer; each script ends with a step whose `when` is NULL. */
    const struct ts_step *scripts[TS_MAX_CONNS];
    struct ts_peer *peers; /* the open connections */
    int connections;       /* accepted so far */
    int handshake_failures;
    bool mute_on_failure;           /* a failed handshake gets no alert, no close */
    char version[TS_MAX_CONNS][16]; /* "TLSv1.3", "TLSv1.2"; "" if none */
    int nauths;
    char auth[TS_MAX_AUTHS][256]; /* decoded <auth/> payloads, in order */
    char auth_mech[TS_MAX_AUTHS][32];
    int auth_conn[TS_MAX_AUTHS]; /* the connection each came on */
    char received[32768];        /* everything the client sent, decrypted */
    size_t nreceived;
};

struct ts_peer {
    uv_tcp_t tcp;
    struct ts_server *srv;
    struct ts_peer *next;
    SSL *ssl;
    BIO *rbio, *wbio; /* owned by ssl */
    int index;        /* connection number, from 0 */
    const struct ts_step *step;
    char in[16384]; /* what this connection's client sent */
    size_t nin, matched, auths_seen;
    bool closing;
    bool mute; /* reads nothing, answers nothing (mute_on_failure) */
};

struct ts_write {
    uv_write_t req;
    char data[];
};

static void ts_on_written(uv_write_t *req, int status)
{
    (void)status;
    free(req);
}

/* What OpenSSL produced goes to the socket. */
static void ts_flush(struct ts_peer *p)
{
    char buf[16384];
    int n;
    while ((n = BIO_read(p->wbio, buf, sizeof buf)) > 0) {
        if (p->closing)
            continue;
        struct ts_write *w = malloc(sizeof *w + (size_t)n);
        memcpy(w->data, buf, (size_t)n);
        uv_buf_t b = uv_buf_init(w->data, (unsigned)n);
        if (uv_write(&w->req, (uv_stream_t *)&p->tcp, &b, 1, ts_on_written) != 0)
            free(w);
    }
}

static void ts_on_closed(uv_handle_t *h)
{
    struct ts_peer *p = h->data;
    for (struct ts_peer **pp = &p->srv->peers; *pp; pp = &(*pp)->next)
        if (*pp == p) {
            *pp = p->next;
            break;
        }
    SSL_free(p->ssl);
    free(p);
}

static void ts_hang_up(struct ts_peer *p)
{
    if (p->closing)
        return;
    p->closing = true;
    uv_close((uv_handle_t *)&p->tcp, ts_on_closed);
}

static void ts_send(struct ts_peer *p, const char *text)
{
    size_t n = 0;
    if (SSL_write_ex(p->ssl, text, strlen(text), &n) != 1)
        ERR_clear_error();
    ts_flush(p);
}

/* mechanism='X' or mechanism="X" in an opening tag. */
static void ts_attr(const char *tag, size_t len, const char *name, char *out, size_t cap)
{
    out[0] = '\0';
    char key[48];
    snprintf(key, sizeof key, "%s=", name);
    const char *a = strstr(tag, key);
    if (!a || a >= tag + len)
        return;
    a += strlen(key);
    char quote = *a++;
    const char *end = strchr(a, quote);
    if (end && (size_t)(end - a) < cap) {
        memcpy(out, a, (size_t)(end - a));
        out[end - a] = '\0';
    }
}

/* Each complete <auth>...</auth> the client sent, decoded once. */
static void ts_note_auths(struct ts_peer *p)
{
    struct ts_server *srv = p->srv;
    const char *start = p->in, *auth;
    for (size_t seen = 0; (auth = strstr(start, "<auth")) != NULL; seen++) {
        const char *gt = strchr(auth, '>');
        const char *end = gt ? strstr(gt, "</auth>") : NULL;
        if (!end)
            return;
        start = end + 7;
        if (seen < p->auths_seen)
            continue;
        p->auths_seen++;
        if (srv->nauths >= TS_MAX_AUTHS)
            continue;
        int i = srv->nauths++;
        srv->auth_conn[i] = p->index;
        ts_attr(auth, (size_t)(gt - auth), "mechanism", srv->auth_mech[i],
                sizeof srv->auth_mech[i]);
        /* 340 base64 characters make 255 bytes, plenty for the gs2
         * header and the rest of a client-first message. */
        unsigned char raw[256];
        size_t b64 = (size_t)(end - gt - 1);
        if (b64 > 340)
            b64 = 340;
        b64 -= b64 % 4;
        int n = EVP_DecodeBlock(raw, (const unsigned char *)gt + 1, (int)b64);
        size_t len = n > 0 ? (size_t)n : 0;
        if (len >= sizeof srv->auth[i])
            len = sizeof srv->auth[i] - 1;
        memcpy(srv->auth[i], raw, len);
        srv->auth[i][len] = '\0';
    }
}

/* {name} in an answer stands for the value of the first attribute
 * `name` the client sent from the start of the <iq in which the step's
 * text was found: that is how an answer carries the client's random iq
 * id, or a MAM queryid. */
static const char *ts_expand(const struct ts_peer *p, const char *hit, const char *send)
{
    static char out[32768];
    if (!strchr(send, '{'))
        return send;
    const char *iq = hit;
    while (iq > p->in && strncmp(iq, "<iq", 3) != 0)
        iq--;
    size_t n = 0;
    for (const char *c = send; *c && n + 1 < sizeof out;) {
        const char *close = *c == '{' ? strchr(c, '}') : NULL;
        if (!close) {
            out[n++] = *c++;
            continue;
        }
        char key[40], value[128];
        snprintf(key, sizeof key, " %.*s", (int)(close - c - 1), c + 1);
        ts_attr(iq, strlen(iq), key, value, sizeof value);
        for (const char *v = value; *v && n + 1 < sizeof out;)
            out[n++] = *v++;
        c = close + 1;
    }
    out[n] = '\0';
    return out;
}

/* The script moves on as far as what the client sent allows. */
static void ts_play(struct ts_peer *p)
{
    while (!p->closing && p->step->when) {
        const char *hit = strstr(p->in + p->matched, p->step->when);
        if (!hit)
            return;
        p->matched = (size_t)(hit - p->in) + strlen(p->step->when);
        const char *send = p->step->send;
        p->step++;
        if (send)
            ts_send(p, ts_expand(p, hit, send));
        else
            ts_hang_up(p);
    }
}

static void ts_take_plaintext(struct ts_peer *p, const char *buf, size_t n)
{
    struct ts_server *srv = p->srv;
    size_t room = sizeof p->in - 1 - p->nin;
    size_t take = n < room ? n : room;
    memcpy(p->in + p->nin, buf, take);
    p->nin += take;
    p->in[p->nin] = '\0';
    room = sizeof srv->received - 1 - srv->nreceived;
    take = n < room ? n : room;
    memcpy(srv->received + srv->nreceived, buf, take);
    srv->nreceived += take;
    srv->received[srv->nreceived] = '\0';
}

static void ts_alloc(uv_handle_t *h, size_t size, uv_buf_t *buf)
{
    static char slab[65536];
    (void)h;
    (void)size;
    *buf = uv_buf_init(slab, sizeof slab);
}

static void ts_on_read(uv_stream_t *stream, ssize_t n, const uv_buf_t *buf)
{
    struct ts_peer *p = stream->data;
    if (n < 0) {
        ts_hang_up(p);
        return;
    }
    if (n == 0 || p->closing || p->mute)
        return;
    BIO_write(p->rbio, buf->base, (int)n);
    if (!SSL_is_init_finished(p->ssl)) {
        int r = SSL_do_handshake(p->ssl);
        if (r != 1 && SSL_get_error(p->ssl, r) != SSL_ERROR_WANT_READ) {
            ERR_clear_error();
            p->srv->handshake_failures++;
            p->mute = p->srv->mute_on_failure;
            if (p->mute)
                return;
            ts_flush(p); /* the alert */
            ts_hang_up(p);
            return;
        }
        ts_flush(p);
        if (r != 1)
            return;
        if (p->index < TS_MAX_CONNS)
            snprintf(p->srv->version[p->index], sizeof p->srv->version[0], "%s",
                     SSL_get_version(p->ssl));
    }
    char plain[16384];
    size_t got = 0;
    while (SSL_read_ex(p->ssl, plain, sizeof plain, &got) == 1)
        ts_take_plaintext(p, plain, got);
    ERR_clear_error();
    ts_flush(p);
    ts_note_auths(p);
    ts_play(p);
}

static void ts_on_connection(uv_stream_t *listener, int status)
{
    struct ts_server *srv = listener->data;
    if (status < 0)
        return;
    struct ts_peer *p = calloc(1, sizeof *p);
    uv_tcp_init(srv->loop, &p->tcp);
    p->tcp.data = p;
    p->srv = srv;
    p->next = srv->peers;
    srv->peers = p;
    p->index = srv->connections++;
    int last = 0;
    while (last + 1 < TS_MAX_CONNS && srv->scripts[last + 1])
        last++;
    p->step = srv->scripts[p->index < last ? p->index : last];
    p->ssl = SSL_new(srv->ctx);
    p->rbio = BIO_new(BIO_s_mem());
    p->wbio = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(p->rbio, -1);
    SSL_set_bio(p->ssl, p->rbio, p->wbio);
    SSL_set_accept_state(p->ssl);
    if (uv_accept(listener, (uv_stream_t *)&p->tcp) != 0 ||
        uv_read_start((uv_stream_t *)&p->tcp, ts_alloc, ts_on_read) != 0)
        ts_hang_up(p);
    ts_play(p); /* a first step waiting for "" acts now */
}

/* Listens on a free loopback port with the test run folder's localhost
 * certificate, between TLS versions min and max (0: OpenSSL's own limit).
 * Returns 0, or -1 with the reason on stderr. */
static int ts_start(struct ts_server *srv, uv_loop_t *loop, int min_version, int max_version)
{
    memset(srv, 0, sizeof *srv);
    srv->loop = loop;
    const char *run = getenv("TUKTUK_TEST_RUNDIR");
    char crt[1024], key[1024];
    snprintf(crt, sizeof crt, "%s/certs/localhost.crt", run ? run : ".");
    snprintf(key, sizeof key, "%s/certs/localhost.key", run ? run : ".");
    srv->ctx = SSL_CTX_new(TLS_server_method());
    if (!srv->ctx || SSL_CTX_use_certificate_chain_file(srv->ctx, crt) != 1 ||
        SSL_CTX_use_PrivateKey_file(srv->ctx, key, SSL_FILETYPE_PEM) != 1) {
        fprintf(stderr, "tls_script: cannot load %s and %s\n", crt, key);
        ERR_clear_error();
        SSL_CTX_free(srv->ctx);
        srv->ctx = NULL;
        return -1;
    }
    if (min_version)
        SSL_CTX_set_min_proto_version(srv->ctx, min_version);
    if (max_version)
        SSL_CTX_set_max_proto_version(srv->ctx, max_version);
    uv_tcp_init(loop, &srv->listener);
    srv->listener.data = srv;
    struct sockaddr_in addr;
    uv_ip4_addr("127.0.0.1", 0, &addr);
    uv_tcp_bind(&srv->listener, (const struct sockaddr *)&addr, 0);
    uv_listen((uv_stream_t *)&srv->listener, 8, ts_on_connection);
    struct sockaddr_in bound;
    int alen = sizeof bound;
    uv_tcp_getsockname(&srv->listener, (struct sockaddr *)&bound, &alen);
    srv->port = ntohs(bound.sin_port);
    return 0;
}

/* Closes the listener and every connection still open, and lets the
 * handles go. */
static void ts_stop(struct ts_server *srv)
{
    for (struct ts_peer *p = srv->peers; p; p = p->next)
        ts_hang_up(p);
    if (srv->ctx)
        uv_close((uv_handle_t *)&srv->listener, NULL);
    while (srv->peers)
        uv_run(srv->loop, UV_RUN_ONCE);
    uv_run(srv->loop, UV_RUN_NOWAIT);
    SSL_CTX_free(srv->ctx);
    srv->ctx = NULL;
}

#endif

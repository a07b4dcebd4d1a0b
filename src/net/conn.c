/* SPDX-License-Identifier: GPL-3.0-or-later */
/* conn.c - one client connection to an XMPP server, as bytes.
 *
 * The story of a connection: resolve the domain's SRV records (srv.c, off
 * the loop), then walk the ordered targets (RFC 6120 §3.2.1): resolve each
 * host's A/AAAA records with uv_getaddrinfo and try every address in the
 * order the system sorted them (IPv6 and IPv4 alike), each attempt bounded
 * by the connect timeout. A direct TLS target (XEP-0368) also has to finish
 * its handshake within that timeout, and a handshake that fails for any
 * reason other than a refused certificate moves on to the next target.
 *
 * Once connected, the server is read at full speed whatever the UI does.
 * Reading pauses only while more than CONN_WRITE_HIGH bytes of ours wait
 * to be sent (until they are down to CONN_WRITE_LOW): a server that floods
 * us with queries and does not read the answers (2,000 disco#info queries
 * at every login with a big roster, or a hostile one) must not make us
 * queue without bound. A server that stops reading altogether is then
 * found dead by the session's pings, since nothing more arrives. With TLS the bytes go through
 * tls.c's memory BIOs; STARTTLS (RFC 6120 §5.4.3.3) switches the same TCP
 * stream to TLS, and from the moment conn_starttls is called every received
 * byte is a TLS record, while writes are held until the handshake is over.
 *
 * Lifetime: conn_free only marks the connection dead and closes its
 * handles; the memory goes in the last close callback. So conn_free is safe
 * from inside any of our callbacks: after each user callback we check the
 * dead flag and stop at once, and no callback runs once it is set. DNS
 * requests cannot be cancelled, so they are orphaned and free themselves.
 * Each TCP attempt has its own heap-allocated handle, so a failed attempt
 * can close while the next one opens. */
#include "net/conn.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net/srv.h"
#include "net/tls.h"

#define CONN_READ_BUF 65536
#define CONN_PLAIN_BUF 16384
#define CONN_DEFAULT_TIMEOUT_MS 10000
#define CONN_SHUTDOWN_TIMEOUT_MS 3000
#define CONN_TCP_USER_TIMEOUT_MS 15000
#define CONN_WRITE_HIGH (256 * 1024)
#define CONN_WRITE_LOW (64 * 1024)

enum conn_state {
    ST_IDLE,       /* before conn_open */
    ST_RESOLVING,  /* SRV or A/AAAA lookup */
    ST_CONNECTING, /* TCP connect, or the direct TLS handshake */
    ST_OPEN,       /* plaintext stream, before STARTTLS */
    ST_STARTTLS,   /* STARTTLS handshake running; writes are held */
    ST_SECURE,     /* TLS established */
    ST_CLOSING,    /* conn_shutdown: waiting for the server's EOF */
    ST_DONE,       /* failed or closed was reported */
};

/* One TCP attempt. */
struct conn_sock {
    uv_tcp_t tcp;
    uv_connect_t connect;
    struct conn *c;
};

struct conn_gai {
    uv_getaddrinfo_t req;
    struct conn *c; /* NULL once orphaned */
};

struct conn_write {
    uv_write_t req;
    struct conn *c;
    char data[];
};

struct conn {
    uv_loop_t *loop;
    struct conn_events ev;
    void *ud;
    enum conn_state state;
    bool dead;   /* conn_free was called: no more callbacks */
    int handles; /* open libuv handles; the last close frees us */

    char *domain, *server, *ca_file, *pinned;
    int port;
    enum conn_tls_mode mode;
    bool max_tls12;
    unsigned timeout_ms;

    struct srv_request *srv;
    struct srv_target *targets;
    size_t ntargets, cur;
    struct conn_gai *gai;
    struct addrinfo *addrs, *addr;

    uv_timer_t timer; /* connect timeout, then shutdown timeout */
    struct conn_sock *sock;
    bool reads_paused; /* too much of ours is waiting to be sent */
    struct tls *tls;
    bool tls_active;

    char *held; /* writes made during the STARTTLS handshake */
    size_t held_len, held_cap;

    char last_error[320];
    char rbuf[CONN_READ_BUF];
    char pbuf[CONN_PLAIN_BUF];
};

static void try_target(struct conn *c);
static void try_address(struct conn *c);

/* ------------------------------------------------------------ lifetime */

static char *dup_or_null(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static void destroy(struct conn *c)
{
    tls_free(c->tls);
    if (c->addrs)
        uv_freeaddrinfo(c->addrs);
    free(c->targets);
    free(c->held);
    free(c->domain);
    free(c->server);
    free(c->ca_file);
    free(c->pinned);
    free(c);
}

static void handle_closed(struct conn *c)
{
    c->handles--;
    if (c->dead && c->handles == 0)
        destroy(c);
}

static void on_timer_close(uv_handle_t *h)
{
    handle_closed(h->data);
}

static void on_sock_close(uv_handle_t *h)
{
    struct conn_sock *s = h->data;
    struct conn *c = s->c;
    free(s);
    handle_closed(c);
}

struct conn *conn_new(uv_loop_t *loop, const struct conn_events *ev, void *ud)
{
    struct conn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->loop = loop;
    c->ev = *ev;
    c->ud = ud;
    uv_timer_init(loop, &c->timer);
    c->timer.data = c;
    c->handles = 1;
    return c;
}

static void close_sock(struct conn *c)
{
    if (!c->sock)
        return;
    uv_read_stop((uv_stream_t *)&c->sock->tcp);
    uv_close((uv_handle_t *)&c->sock->tcp, on_sock_close);
    c->sock = NULL;
}

/* Stops lookups that may still answer: they are orphaned, not waited for. */
static void drop_lookups(struct conn *c)
{
    if (c->srv) {
        srv_abandon(c->srv);
        c->srv = NULL;
    }
    if (c->gai) {
        c->gai->c = NULL;
        c->gai = NULL;
    }
}

void conn_free(struct conn *c)
{
    if (!c || c->dead)
        return;
    c->dead = true;
    c->state = ST_DONE;
    drop_lookups(c);
    close_sock(c);
    uv_close((uv_handle_t *)&c->timer, on_timer_close);
}

/* ------------------------------------------------------------ reporting */

static void status(struct conn *c, const char *text)
{
    if (c->ev.status && !c->dead)
        c->ev.status(c->ud, text);
}

/* Ends the connection and tells the user, exactly once. */
static void finish(struct conn *c, const char *reason, const struct conn_cert_info *cert)
{
    if (c->dead || c->state == ST_DONE)
        return;
    c->state = ST_DONE;
    drop_lookups(c);
    uv_timer_stop(&c->timer);
    close_sock(c);
    if (reason) {
        if (c->ev.failed)
            c->ev.failed(c->ud, reason, cert);
    } else if (c->ev.closed) {
        c->ev.closed(c->ud);
    }
}

/* A connection we were closing ends as closed, however it ends: the
 * server had our whole stream, and may reset the socket rather than wait
 * for our close_notify (ejabberd does, now and then). */
static void fail(struct conn *c, const char *reason)
{
    finish(c, c->state == ST_CLOSING ? NULL : reason, NULL);
}

/* Delivers plaintext; returns false if the user freed or ended us. */
static bool deliver(struct conn *c, const char *buf, size_t len)
{
    if (c->ev.data)
        c->ev.data(c->ud, buf, len);
    return !c->dead && c->state != ST_DONE;
}

/* ------------------------------------------------------------ writing */

static void on_read(uv_stream_t *stream, ssize_t n, const uv_buf_t *buf);
static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf);

/* Pauses reading while our queue is above the high mark, resumes it once
 * below the low one (see the top of this file). */
static void pace_reads(struct conn *c)
{
    uv_stream_t *stream = (uv_stream_t *)&c->sock->tcp;
    size_t queued = uv_stream_get_write_queue_size(stream);
    if (!c->reads_paused && queued > CONN_WRITE_HIGH) {
        uv_read_stop(stream);
        c->reads_paused = true;
    } else if (c->reads_paused && queued < CONN_WRITE_LOW) {
        c->reads_paused = uv_read_start(stream, on_alloc, on_read) != 0;
    }
}

static void on_write(uv_write_t *req, int status)
{
    struct conn_write *w = (struct conn_write *)req;
    struct conn *c = w->c;
    bool current = !c->dead && c->sock && req->handle == (uv_stream_t *)&c->sock->tcp;
    free(w);
    if (status < 0 && status != UV_ECANCELED && current && c->state != ST_CONNECTING) {
        snprintf(c->last_error, sizeof c->last_error, "write failed: %s", uv_strerror(status));
        fail(c, c->last_error);
    } else if (current) {
        pace_reads(c);
    }
}

/* Writes raw bytes to the socket: at once when the socket takes them (no
 * copy), else queued behind what waits already; libuv keeps the order. */
static int sock_write(struct conn *c, const char *data, size_t len)
{
    if (!c->sock || len == 0)
        return c->sock ? 0 : -1;
    uv_stream_t *stream = (uv_stream_t *)&c->sock->tcp;
    uv_buf_t b = uv_buf_init((char *)data, (unsigned)len);
    int sent = uv_try_write(stream, &b, 1);
    if (sent == (int)len)
        return 0;
    if (sent < 0 && sent != UV_EAGAIN)
        return -1;
    size_t rest = sent > 0 ? len - (size_t)sent : len;
    struct conn_write *w = malloc(sizeof *w + rest);
    if (!w)
        return -1;
    w->c = c;
    memcpy(w->data, data + (len - rest), rest);
    b = uv_buf_init(w->data, (unsigned)rest);
    if (uv_write(&w->req, stream, &b, 1, on_write) != 0) {
        free(w);
        return -1;
    }
    pace_reads(c);
    return 0;
}

static void tls_out(void *ud, const char *buf, size_t len)
{
    sock_write(ud, buf, len);
}

static int hold(struct conn *c, const char *data, size_t len)
{
    if (c->held_len + len > c->held_cap) {
        size_t cap = c->held_cap ? c->held_cap : 1024;
        while (cap < c->held_len + len)
            cap *= 2;
        char *p = realloc(c->held, cap);
        if (!p)
            return -1;
        c->held = p;
        c->held_cap = cap;
    }
    memcpy(c->held + c->held_len, data, len);
    c->held_len += len;
    return 0;
}

int conn_write(struct conn *c, const char *data, size_t len)
{
    if (c->dead)
        return -1;
    switch (c->state) {
    case ST_STARTTLS:
        return hold(c, data, len);
    case ST_OPEN:
        return sock_write(c, data, len);
    case ST_SECURE:
        if (tls_write(c->tls, data, len) != 0) {
            snprintf(c->last_error, sizeof c->last_error, "%s", tls_error(c->tls));
            fail(c, c->last_error);
            return -1;
        }
        return 0;
    default:
        return -1;
    }
}

static bool flush_held(struct conn *c)
{
    if (c->held_len == 0)
        return true;
    int r = tls_write(c->tls, c->held, c->held_len);
    c->held_len = 0;
    if (r != 0) {
        snprintf(c->last_error, sizeof c->last_error, "%s", tls_error(c->tls));
        fail(c, c->last_error);
        return false;
    }
    return true;
}

/* ------------------------------------------------------------ TLS */

static bool start_tls(struct conn *c)
{
    char err[256];
    c->tls = tls_new(c->domain, c->ca_file, c->max_tls12, tls_out, c, err, sizeof err);
    if (!c->tls) {
        snprintf(c->last_error, sizeof c->last_error, "%s", err);
        return false;
    }
    return true;
}

/* A direct TLS target that could not do TLS: try the next target. */
static void direct_tls_failed(struct conn *c, const char *why)
{
    if (why != c->last_error)
        snprintf(c->last_error, sizeof c->last_error, "%s", why);
    uv_timer_stop(&c->timer);
    close_sock(c);
    tls_free(c->tls);
    c->tls = NULL;
    if (c->addrs) {
        uv_freeaddrinfo(c->addrs);
        c->addrs = c->addr = NULL;
    }
    c->cur++;
    try_target(c);
}

/* The handshake is over: trust the server, then announce. Returns false
 * when the connection ended or the user freed it. */
static bool handshake_done(struct conn *c)
{
    struct conn_cert_info info;
    if (!tls_verify(c->tls, c->pinned, &info)) {
        snprintf(c->last_error, sizeof c->last_error, "%s", tls_error(c->tls));
        finish(c, c->last_error, &info);
        return false;
    }
    bool direct = c->state == ST_CONNECTING;
    c->state = ST_SECURE;
    c->tls_active = true;
    char msg[200];
    snprintf(msg, sizeof msg, "secured with %s", tls_description(c->tls));
    status(c, msg);
    if (c->dead || c->state != ST_SECURE)
        return false;
    if (direct) {
        uv_timer_stop(&c->timer);
        if (c->ev.connected)
            c->ev.connected(c->ud, true);
    } else if (c->ev.tls_ready) {
        c->ev.tls_ready(c->ud);
    }
    if (c->dead || c->state != ST_SECURE)
        return false;
    return flush_held(c);
}

/* Advances the handshake; returns true when application data may follow. */
static bool step_handshake(struct conn *c)
{
    enum tls_status st = tls_handshake(c->tls);
    if (st == TLS_AGAIN)
        return false;
    if (st == TLS_OK)
        return handshake_done(c);
    if (c->state == ST_CONNECTING) {
        direct_tls_failed(c, tls_error(c->tls));
    } else {
        snprintf(c->last_error, sizeof c->last_error, "%s", tls_error(c->tls));
        fail(c, c->last_error);
    }
    return false;
}

/* Decrypts everything buffered and hands it to the user. */
static void read_plain(struct conn *c)
{
    while (!c->dead && (c->state == ST_SECURE || c->state == ST_CLOSING)) {
        size_t got = 0;
        enum tls_status st = tls_read(c->tls, c->pbuf, sizeof c->pbuf, &got);
        if (st == TLS_OK) {
            if (!deliver(c, c->pbuf, got))
                return;
        } else if (st == TLS_CLOSED) {
            finish(c, NULL, NULL); /* close_notify */
            return;
        } else if (st == TLS_ERROR) {
            snprintf(c->last_error, sizeof c->last_error, "%s", tls_error(c->tls));
            fail(c, c->last_error);
            return;
        } else {
            return;
        }
    }
}

static void on_tls_bytes(struct conn *c, const char *buf, size_t len)
{
    if (tls_feed(c->tls, buf, len) != 0) {
        fail(c, tls_error(c->tls));
        return;
    }
    if (c->state == ST_CONNECTING || c->state == ST_STARTTLS) {
        if (!step_handshake(c))
            return;
    }
    read_plain(c);
}

int conn_starttls(struct conn *c)
{
    if (c->dead || c->state != ST_OPEN || c->tls)
        return -1;
    if (!start_tls(c)) {
        fail(c, c->last_error);
        return -1;
    }
    /* RFC 6120 §5.4.3.3: from here on the stream is TLS; anything the
     * server sends is a TLS record, and our writes wait for the handshake. */
    c->state = ST_STARTTLS;
    c->held_len = 0;
    step_handshake(c);
    return 0;
}

bool conn_tls_active(const struct conn *c)
{
    return c->tls_active;
}

size_t conn_channel_binding(struct conn *c, const char *type, unsigned char *out, size_t cap)
{
    return c->tls_active ? tls_channel_binding(c->tls, type, out, cap) : 0;
}

bool conn_tls_13(struct conn *c)
{
    return c->tls_active && tls_is_13(c->tls);
}

const char *conn_tls_description(const struct conn *c)
{
    return c->tls_active ? tls_description(c->tls) : "";
}

/* ------------------------------------------------------------ reading */

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    struct conn_sock *s = h->data;
    buf->base = s->c->rbuf;
    buf->len = sizeof s->c->rbuf;
}

static void on_eof(struct conn *c)
{
    if (c->state == ST_CONNECTING) {
        direct_tls_failed(c, "the server closed the connection during the TLS handshake");
    } else if (c->state == ST_STARTTLS) {
        fail(c, "the server closed the connection during the TLS handshake");
    } else {
        finish(c, NULL, NULL);
    }
}

static void on_read(uv_stream_t *stream, ssize_t n, const uv_buf_t *buf)
{
    struct conn_sock *s = stream->data;
    struct conn *c = s->c;
    if (c->dead || c->sock != s || n == 0)
        return;
    if (n == UV_EOF) {
        on_eof(c);
    } else if (n < 0) {
        snprintf(c->last_error, sizeof c->last_error, "connection lost: %s", uv_strerror((int)n));
        if (c->state == ST_CONNECTING)
            direct_tls_failed(c, c->last_error);
        else
            fail(c, c->last_error);
    } else if (c->tls) {
        on_tls_bytes(c, buf->base, (size_t)n);
    } else {
        deliver(c, buf->base, (size_t)n);
    }
}

/* ------------------------------------------------------------ connecting */

static void on_connect_timeout(uv_timer_t *t)
{
    struct conn *c = t->data;
    if (c->state == ST_CLOSING) {
        finish(c, NULL, NULL); /* the server never closed: we do */
        return;
    }
    if (c->state != ST_CONNECTING)
        return;
    snprintf(c->last_error, sizeof c->last_error, "%s:%d: timed out", c->targets[c->cur].host,
             c->targets[c->cur].port);
    if (c->tls) {
        direct_tls_failed(c, c->last_error);
        return;
    }
    close_sock(c);
    c->addr = c->addr->ai_next;
    try_address(c);
}

static void describe_addr(const struct addrinfo *ai, int port, char *out, size_t cap)
{
    char ip[64] = "?";
    if (ai->ai_family == AF_INET6)
        uv_ip6_name((const struct sockaddr_in6 *)ai->ai_addr, ip, sizeof ip);
    else if (ai->ai_family == AF_INET)
        uv_ip4_name((const struct sockaddr_in *)ai->ai_addr, ip, sizeof ip);
    snprintf(out, cap, ai->ai_family == AF_INET6 ? "[%s]:%d" : "%s:%d", ip, port);
}

static void tcp_connected(struct conn *c)
{
    uv_tcp_nodelay(&c->sock->tcp, 1);
    uv_tcp_keepalive(&c->sock->tcp, 1, 60);
    /* Bytes we wrote that the peer's TCP has not acknowledged after this
     * long end the connection (RFC 5482), instead of the kernel's
     * retransmissions for some 15 minutes: a link that died under a
     * message is found in seconds, and the reconnect resumes. */
    uv_os_fd_t fd;
    unsigned user_timeout = CONN_TCP_USER_TIMEOUT_MS;
    if (uv_fileno((uv_handle_t *)&c->sock->tcp, &fd) == 0)
        setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout, sizeof user_timeout);
    c->reads_paused = false;
    int r = uv_read_start((uv_stream_t *)&c->sock->tcp, on_alloc, on_read);
    if (r != 0) {
        snprintf(c->last_error, sizeof c->last_error, "cannot read: %s", uv_strerror(r));
        fail(c, c->last_error);
        return;
    }
    if (c->targets[c->cur].direct_tls) {
        /* XEP-0368: TLS from the first byte; the timer still runs. */
        if (!start_tls(c)) {
            fail(c, c->last_error);
            return;
        }
        step_handshake(c);
        return;
    }
    uv_timer_stop(&c->timer);
    c->state = ST_OPEN;
    if (c->ev.connected)
        c->ev.connected(c->ud, false);
}

static void on_connect(uv_connect_t *req, int st)
{
    struct conn_sock *s = req->data;
    struct conn *c = s->c;
    if (c->dead || c->sock != s || c->state != ST_CONNECTING)
        return;
    if (st < 0) {
        char where[96];
        describe_addr(c->addr, c->targets[c->cur].port, where, sizeof where);
        snprintf(c->last_error, sizeof c->last_error, "%s: %s", where, uv_strerror(st));
        uv_timer_stop(&c->timer);
        close_sock(c);
        c->addr = c->addr->ai_next;
        try_address(c);
        return;
    }
    tcp_connected(c);
}

static int open_sock(struct conn *c, const struct addrinfo *ai)
{
    struct conn_sock *s = calloc(1, sizeof *s);
    if (!s)
        return UV_ENOMEM;
    s->c = c;
    int r = uv_tcp_init(c->loop, &s->tcp);
    if (r != 0) {
        free(s);
        return r;
    }
    s->tcp.data = s;
    s->connect.data = s;
    c->sock = s;
    c->handles++;
    r = uv_tcp_connect(&s->connect, &s->tcp, ai->ai_addr, on_connect);
    if (r != 0)
        close_sock(c);
    return r;
}

/* Tries c->addr, then the following addresses, then the next target. */
static void try_address(struct conn *c)
{
    while (c->addr) {
        char where[96], msg[SRV_HOST_MAX + 128];
        describe_addr(c->addr, c->targets[c->cur].port, where, sizeof where);
        snprintf(msg, sizeof msg, "connecting to %s (%s)", c->targets[c->cur].host, where);
        status(c, msg);
        if (c->dead || c->state != ST_CONNECTING)
            return;
        int r = open_sock(c, c->addr);
        if (r == 0) {
            uv_timer_start(&c->timer, on_connect_timeout, c->timeout_ms, 0);
            return;
        }
        snprintf(c->last_error, sizeof c->last_error, "%s: %s", where, uv_strerror(r));
        c->addr = c->addr->ai_next;
    }
    if (c->addrs) {
        uv_freeaddrinfo(c->addrs);
        c->addrs = NULL;
    }
    c->cur++;
    try_target(c);
}

static void on_addrinfo(uv_getaddrinfo_t *req, int st, struct addrinfo *res)
{
    struct conn_gai *g = (struct conn_gai *)req;
    struct conn *c = g->c;
    free(g);
    if (!c) {
        uv_freeaddrinfo(res);
        return;
    }
    c->gai = NULL;
    if (st < 0) {
        snprintf(c->last_error, sizeof c->last_error, "%s: %s", c->targets[c->cur].host,
                 uv_strerror(st));
        uv_freeaddrinfo(res);
        c->cur++;
        try_target(c);
        return;
    }
    c->state = ST_CONNECTING;
    c->addrs = c->addr = res;
    try_address(c);
}

/* RFC 6120 §3.2.1: targets are tried in order until one connects. */
static void try_target(struct conn *c)
{
    if (c->cur >= c->ntargets) {
        char msg[400];
        snprintf(msg, sizeof msg, "cannot connect to %s: %s", c->domain,
                 c->last_error[0] ? c->last_error : "no server");
        fail(c, msg);
        return;
    }
    struct srv_target *t = &c->targets[c->cur];
    c->state = ST_RESOLVING;
    char msg[SRV_HOST_MAX + 32], port[16];
    snprintf(msg, sizeof msg, "resolving %s", t->host);
    status(c, msg);
    if (c->dead || c->state != ST_RESOLVING)
        return;
    struct conn_gai *g = calloc(1, sizeof *g);
    if (!g) {
        fail(c, "out of memory");
        return;
    }
    g->c = c;
    snprintf(port, sizeof port, "%d", t->port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    int r = uv_getaddrinfo(c->loop, &g->req, on_addrinfo, t->host, port, &hints);
    if (r != 0) {
        free(g);
        snprintf(c->last_error, sizeof c->last_error, "%s: %s", t->host, uv_strerror(r));
        c->cur++;
        try_target(c);
        return;
    }
    c->gai = g;
}

static void on_srv(void *ud, const struct srv_target *targets, size_t n)
{
    struct conn *c = ud;
    c->srv = NULL;
    if (n == 0) {
        fail(c, "the server says XMPP is not available for this domain (SRV target \".\")");
        return;
    }
    c->targets = malloc(n * sizeof *targets);
    if (!c->targets) {
        fail(c, "out of memory");
        return;
    }
    memcpy(c->targets, targets, n * sizeof *targets);
    c->ntargets = n;
    c->cur = 0;
    try_target(c);
}

static bool copy_config(struct conn *c, const struct conn_config *cfg)
{
    c->domain = dup_or_null(cfg->domain);
    c->server = dup_or_null(cfg->server);
    c->ca_file = dup_or_null(cfg->ca_file);
    c->pinned = dup_or_null(cfg->pinned_sha256);
    c->port = cfg->port;
    c->mode = cfg->tls;
    c->max_tls12 = cfg->max_tls12;
    c->timeout_ms = cfg->connect_timeout_ms ? cfg->connect_timeout_ms : CONN_DEFAULT_TIMEOUT_MS;
    return c->domain && (c->server || !cfg->server) && (c->ca_file || !cfg->ca_file) &&
           (c->pinned || !cfg->pinned_sha256);
}

/* A configured server skips SRV: one target, direct TLS only if asked. */
static bool single_target(struct conn *c)
{
    c->targets = calloc(1, sizeof *c->targets);
    if (!c->targets || strlen(c->server) >= sizeof c->targets->host)
        return false;
    bool direct = c->mode == CONN_TLS_DIRECT;
    snprintf(c->targets->host, sizeof c->targets->host, "%s", c->server);
    c->targets->port = c->port ? c->port : (direct ? 5223 : 5222);
    c->targets->direct_tls = direct;
    c->ntargets = 1;
    return true;
}

int conn_open(struct conn *c, const struct conn_config *cfg)
{
    if (c->dead || c->state != ST_IDLE || !cfg->domain || !cfg->domain[0])
        return -1;
    c->state = ST_RESOLVING;
    if (!copy_config(c, cfg)) {
        fail(c, "out of memory");
        return 0;
    }
    if (c->server) {
        if (!single_target(c)) {
            fail(c, "bad server name");
            return 0;
        }
        try_target(c);
        return 0;
    }
    char msg[SRV_HOST_MAX + 48];
    snprintf(msg, sizeof msg, "looking up XMPP servers for %s", c->domain);
    status(c, msg);
    if (c->dead || c->state != ST_RESOLVING)
        return 0;
    /* With no SRV records, cfg->port (if any) is used for the domain itself. */
    c->srv = srv_resolve(c->loop, c->domain, c->mode, c->port, on_srv, c);
    if (!c->srv) {
        struct srv_target fb[1];
        size_t n = srv_plan(c->mode, c->domain, c->port, NULL, 0, fb, 1, NULL, NULL);
        on_srv(c, fb, n);
    }
    return 0;
}

/* ------------------------------------------------------------ shutdown */

static void on_shutdown(uv_shutdown_t *req, int st)
{
    free(req);
}

void conn_shutdown(struct conn *c)
{
    if (c->dead || c->state == ST_DONE || c->state == ST_CLOSING)
        return;
    if (c->state != ST_OPEN && c->state != ST_SECURE && c->state != ST_STARTTLS) {
        /* Nothing to flush: end now, reported from the loop, not from
         * inside the caller. */
        drop_lookups(c);
        close_sock(c);
        c->state = ST_CLOSING;
        uv_timer_start(&c->timer, on_connect_timeout, 0, 0);
        return;
    }
    if (c->tls_active)
        tls_close_notify(c->tls);
    c->state = ST_CLOSING;
    /* uv_shutdown waits for the queued writes, then sends FIN; we keep
     * reading until the server closes too, or the timer gives up. */
    uv_shutdown_t *req = malloc(sizeof *req);
    if (req && uv_shutdown(req, (uv_stream_t *)&c->sock->tcp, on_shutdown) != 0) {
        free(req);
        req = NULL;
    }
    uv_timer_start(&c->timer, on_connect_timeout, req ? CONN_SHUTDOWN_TIMEOUT_MS : 0, 0);
}

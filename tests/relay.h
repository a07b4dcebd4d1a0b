/* SPDX-License-Identifier: GPL-3.0-or-later */
/* relay.h - a TCP relay on loopback between a client under test and the
 * server, which plays the bad network: it cuts every connection at once
 * (both directions, as when a network goes away), swallows what the client
 * sends, stalls its links (nothing passes either way and nothing closes:
 * a dead NAT or Wi-Fi), turns new connections away, or holds what clients
 * send until told to let it through (a login that takes as long as the
 * test wants). Used by the stream management tests and the
 * several-accounts test (tests/integration) and the dead-link benchmark
 * (tests/bench). */
#ifndef TUKTUK_TEST_RELAY_H
#define TUKTUK_TEST_RELAY_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

struct relay;

struct link {
    struct relay *relay;
    uv_tcp_t client, server;
    uv_connect_t connect;
    bool server_up, closing;
    bool stalled; /* forwards nothing either way, and stays open */
    char *early; /* client bytes before the server side connected */
    size_t nearly;
    struct link *next;
};

struct relay {
    uv_loop_t *loop;
    uv_tcp_t listener;
    int port, target;
    bool swallow; /* drop what the client sends */
    bool refuse;  /* close new connections at once */
    bool hold;    /* keep what clients send until relay_release */
    struct link *links;
};

struct relay_write {
    uv_write_t req;
    char data[];
};

static inline void on_relay_alloc(uv_handle_t *h, size_t size, uv_buf_t *buf)
{
    (void)h;
    buf->base = malloc(size);
    buf->len = buf->base ? size : 0;
}

static inline void on_relay_written(uv_write_t *req, int status)
{
    (void)status;
    free(req);
}

static inline void relay_write(uv_tcp_t *to, const char *data, size_t len)
{
    struct relay_write *w = malloc(sizeof *w + len);
    if (!w)
        return;
    memcpy(w->data, data, len);
    uv_buf_t b = uv_buf_init(w->data, (unsigned)len);
    if (uv_write(&w->req, (uv_stream_t *)to, &b, 1, on_relay_written) != 0)
        free(w);
}

static inline void on_link_closed(uv_handle_t *h)
{
    struct link *l = h->data;
    /* Both handles share the link: the second close frees it. */
    if (l->closing) {
        free(l->early);
        free(l);
    } else {
        l->closing = true;
    }
}

static inline void link_cut(struct link *l)
{
    struct relay *r = l->relay;
    for (struct link **p = &r->links; *p; p = &(*p)->next) {
        if (*p == l) {
            *p = l->next;
            break;
        }
    }
    l->closing = false;
    uv_close((uv_handle_t *)&l->client, on_link_closed);
    uv_close((uv_handle_t *)&l->server, on_link_closed);
}

static inline void on_client_bytes(uv_stream_t *st, ssize_t n, const uv_buf_t *buf)
{
    struct link *l = st->data;
    if (n < 0) {
        link_cut(l);
    } else if (n > 0 && !l->relay->swallow && !l->stalled) {
        if (l->server_up && !l->relay->hold) {
            relay_write(&l->server, buf->base, (size_t)n);
        } else {
            char *early = realloc(l->early, l->nearly + (size_t)n);
            if (early) {
                memcpy(early + l->nearly, buf->base, (size_t)n);
                l->early = early;
                l->nearly += (size_t)n;
            }
        }
    }
    free(buf->base);
}

static inline void on_server_bytes(uv_stream_t *st, ssize_t n, const uv_buf_t *buf)
{
    struct link *l = st->data;
    if (n < 0)
        link_cut(l);
    else if (n > 0 && !l->stalled)
        relay_write(&l->client, buf->base, (size_t)n);
    free(buf->base);
}

/* What the client sent before it could go (relay_write copies it). */
static inline void link_flush_early(struct link *l)
{
    if (!l->server_up || l->relay->hold || !l->nearly)
        return;
    relay_write(&l->server, l->early, l->nearly);
    free(l->early);
    l->early = NULL;
    l->nearly = 0;
}

static inline void on_server_connected(uv_connect_t *req, int status)
{
    struct link *l = req->data;
    if (status < 0 || uv_is_closing((uv_handle_t *)&l->server))
        return;
    l->server_up = true;
    link_flush_early(l);
    uv_read_start((uv_stream_t *)&l->server, on_relay_alloc, on_server_bytes);
}

static inline void on_relay_connection(uv_stream_t *listener, int status)
{
    struct relay *r = listener->data;
    if (status < 0)
        return;
    struct link *l = calloc(1, sizeof *l);
    l->relay = r;
    uv_tcp_init(r->loop, &l->client);
    uv_tcp_init(r->loop, &l->server);
    l->client.data = l->server.data = l->connect.data = l;
    l->next = r->links;
    r->links = l;
    if (uv_accept(listener, (uv_stream_t *)&l->client) != 0 || r->refuse) {
        link_cut(l);
        return;
    }
    struct sockaddr_in to;
    uv_ip4_addr("127.0.0.1", r->target, &to);
    uv_tcp_connect(&l->connect, &l->server, (const struct sockaddr *)&to, on_server_connected);
    uv_read_start((uv_stream_t *)&l->client, on_relay_alloc, on_client_bytes);
}

/* Listens on a free loopback port (r->port) and relays to target. */
static inline void relay_start(struct relay *r, uv_loop_t *loop, int target)
{
    struct sockaddr_in any;
    uv_ip4_addr("127.0.0.1", 0, &any);
    r->loop = loop;
    r->target = target;
    uv_tcp_init(loop, &r->listener);
    r->listener.data = r;
    uv_tcp_bind(&r->listener, (const struct sockaddr *)&any, 0);
    struct sockaddr_in got;
    int len = sizeof got;
    uv_tcp_getsockname(&r->listener, (struct sockaddr *)&got, &len);
    r->port = ntohs(got.sin_port);
    uv_listen((uv_stream_t *)&r->listener, 8, on_relay_connection);
}

/* Both directions end at once, as when a network goes away. */
static inline void relay_cut_all(struct relay *r)
{
    while (r->links)
        link_cut(r->links);
}

/* The links open now go silent; new ones work. */
static inline void relay_stall_all(struct relay *r)
{
    for (struct link *l = r->links; l; l = l->next)
        l->stalled = true;
}

/* What held links kept goes to the server, and from now on all passes. */
static inline void relay_release(struct relay *r)
{
    r->hold = false;
    for (struct link *l = r->links; l; l = l->next)
        link_flush_early(l);
}

static inline void relay_stop(struct relay *r)
{
    relay_cut_all(r);
    uv_close((uv_handle_t *)&r->listener, NULL);
    uv_run(r->loop, UV_RUN_NOWAIT);
}

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* srv.h - DNS SRV lookup for XMPP clients (RFC 6120 §3.2, XEP-0368),
 * run off the loop, and the RFC 2782 ordering of its answer (see srv.c). */
#ifndef TUKTUK_SRV_H
#define TUKTUK_SRV_H

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

#include "net/conn.h"

#define SRV_HOST_MAX 256
#define SRV_MAX_TARGETS 64

/* One SRV resource record as found in DNS. */
struct srv_record {
    unsigned priority, weight, port;
    bool direct_tls;           /* from _xmpps-client._tcp (XEP-0368) */
    char target[SRV_HOST_MAX]; /* "." = service decidedly not available */
};

/* One place to try, in order. */
struct srv_target {
    char host[SRV_HOST_MAX];
    int port;
    bool direct_tls; /* TLS from the first byte, else STARTTLS */
};

/* Returns a uniformly random number in [0, bound]. */
typedef unsigned (*srv_random_fn)(void *ud, unsigned bound);

/* Orders recs into at most max targets for the given mode: RFC 2782
 * priority order, weighted random selection within a priority, with
 * direct TLS before STARTTLS at equal priority in CONN_TLS_AUTO. When no
 * usable record exists, falls back to domain itself on fallback_port, or
 * 5222 (STARTTLS) / 5223 (direct TLS) when fallback_port is 0, unless a
 * "." target says the service is not available. Pure: rnd is the only
 * source of randomness (NULL: the system's). Returns the count. */
size_t srv_plan(enum conn_tls_mode mode, const char *domain, int fallback_port,
                const struct srv_record *recs, size_t nrecs, struct srv_target *out, size_t max,
                srv_random_fn rnd, void *rnd_ud);

/* Parses the SRV records of a DNS answer into out (at most max), tagging
 * each with direct_tls. Returns the count, or -1 if the message is bad. */
int srv_parse_answer(const unsigned char *msg, int len, bool direct_tls, struct srv_record *out,
                     size_t max);

struct srv_request;

/* n == 0 means no target at all (every service said "."). */
typedef void (*srv_done_fn)(void *ud, const struct srv_target *targets, size_t n);

/* Queries _xmpps-client._tcp and/or _xmpp-client._tcp for domain on the
 * libuv thread pool, then calls done on the loop thread with the ordered
 * targets. Returns NULL if the work cannot be queued. */
struct srv_request *srv_resolve(uv_loop_t *loop, const char *domain, enum conn_tls_mode mode,
                                int fallback_port, srv_done_fn done, void *ud);

/* A DNS query cannot be cancelled: the request is orphaned, done is never
 * called, and the request frees itself when the worker returns. */
void srv_abandon(struct srv_request *r);

#endif

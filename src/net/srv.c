/* SPDX-License-Identifier: GPL-3.0-or-later */
/* srv.c - where to connect for a JID's domain.
 *
 * RFC 6120 §3.2.1 tells a client to look up _xmpp-client._tcp.DOMAIN and
 * XEP-0368 adds _xmpps-client._tcp.DOMAIN for TLS from the first byte.
 * The lookup uses glibc's res_nquery with a private res_state, so it is
 * thread-safe, on the libuv thread pool so the loop never blocks; the
 * resolver's timeout and retries are kept short because a user is waiting.
 *
 * The answers are ordered by srv_plan, a pure function: lowest priority
 * first, then RFC 2782's weighted random selection within a priority.
 * In AUTO mode both services are merged; at equal priority the direct TLS
 * records come first (XEP-0368 §3 leaves the choice to the client, and
 * direct TLS saves a round trip and never exposes plaintext).
 *
 * A target of "." means the service is decidedly not available (RFC 2782,
 * RFC 6120 §3.2.1): such a service gets no fallback. With no records the
 * client falls back to the domain's own address records (RFC 6120 §3.2.2)
 * on 5222 for STARTTLS or 5223 for direct TLS.
 *
 * A query cannot be cancelled, so a request the connection no longer wants
 * is orphaned (srv_abandon) and frees itself when its worker returns. */
#include "net/srv.h"

#include <arpa/nameser.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SRV_PER_SERVICE 32
#define SRV_ANSWER_MAX 8192

struct srv_request {
    uv_work_t work;
    char domain[SRV_HOST_MAX];
    enum conn_tls_mode mode;
    int fallback_port;
    srv_done_fn done;
    void *ud;
    bool abandoned;
    struct srv_record recs[2 * SRV_PER_SERVICE];
    size_t nrecs;
};

static unsigned system_random(void *ud, unsigned bound)
{
    if (bound == 0)
        return 0;
    return arc4random_uniform(bound + 1);
}

static bool is_root(const char *target)
{
    return target[0] == '\0' || strcmp(target, ".") == 0;
}

static bool mode_wants(enum conn_tls_mode mode, bool direct_tls)
{
    if (mode == CONN_TLS_STARTTLS)
        return !direct_tls;
    if (mode == CONN_TLS_DIRECT)
        return direct_tls;
    return true;
}

/* Sort key: priority, then (AUTO) direct TLS first. Lower runs earlier. */
static unsigned long group_key(const struct srv_record *r)
{
    return ((unsigned long)r->priority << 1) | (r->direct_tls ? 0u : 1u);
}

/* Stable insertion sort by group, weight-0 records first inside a group:
 * RFC 2782 puts them at the start of the list before the running sums. */
static void sort_records(const struct srv_record **v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        const struct srv_record *x = v[i];
        size_t j = i;
        while (j > 0) {
            const struct srv_record *y = v[j - 1];
            bool before = group_key(x) < group_key(y) ||
                          (group_key(x) == group_key(y) && x->weight == 0 && y->weight != 0);
            if (!before)
                break;
            v[j] = y;
            j--;
        }
        v[j] = x;
    }
}

static void add_target(struct srv_target *out, size_t *n, size_t max, const char *host, int port,
                       bool direct_tls)
{
    if (*n >= max)
        return;
    snprintf(out[*n].host, sizeof out[*n].host, "%s", host);
    out[*n].port = port;
    out[*n].direct_tls = direct_tls;
    (*n)++;
}

/* RFC 2782 weighted selection over v[0..n), one group: pick r in
 * [0, sum of weights], take the first record whose running sum reaches r,
 * remove it, repeat. */
static void select_group(const struct srv_record **v, size_t n, struct srv_target *out,
                         size_t *nout, size_t max, srv_random_fn rnd, void *rnd_ud)
{
    while (n > 0) {
        unsigned long sum = 0;
        for (size_t i = 0; i < n; i++)
            sum += v[i]->weight;
        unsigned r = rnd(rnd_ud, (unsigned)sum);
        if (r > sum)
            r = (unsigned)sum;
        size_t pick = n - 1;
        unsigned long running = 0;
        for (size_t i = 0; i < n; i++) {
            running += v[i]->weight;
            if (running >= r) {
                pick = i;
                break;
            }
        }
        add_target(out, nout, max, v[pick]->target, (int)v[pick]->port, v[pick]->direct_tls);
        memmove(&v[pick], &v[pick + 1], (n - pick - 1) * sizeof v[0]);
        n--;
    }
}

/* What the records say about one service. */
struct service_state {
    bool any;       /* at least one record, "." included */
    bool only_root; /* every record is "." */
};

static struct service_state service_state(const struct srv_record *recs, size_t n, bool direct)
{
    struct service_state s = {false, true};
    for (size_t i = 0; i < n; i++) {
        if (recs[i].direct_tls != direct)
            continue;
        s.any = true;
        if (!is_root(recs[i].target))
            s.only_root = false;
    }
    if (!s.any)
        s.only_root = false;
    return s;
}

/* RFC 6120 §3.2.2: with no usable SRV answer, try the domain itself. AUTO
 * prefers STARTTLS on 5222, the port every server has; a service that
 * answered "." is never used. */
static size_t fallback(enum conn_tls_mode mode, const char *domain, int port,
                       const struct srv_record *recs, size_t nrecs, struct srv_target *out,
                       size_t max)
{
    struct service_state plain = service_state(recs, nrecs, false);
    struct service_state direct = service_state(recs, nrecs, true);
    size_t n = 0;
    bool try_plain = mode != CONN_TLS_DIRECT && !plain.only_root;
    bool try_direct = mode == CONN_TLS_DIRECT && !direct.only_root;
    if (mode == CONN_TLS_AUTO && plain.only_root && !direct.only_root)
        try_direct = true;
    if (try_plain)
        add_target(out, &n, max, domain, port ? port : 5222, false);
    else if (try_direct)
        add_target(out, &n, max, domain, port ? port : 5223, true);
    return n;
}

size_t srv_plan(enum conn_tls_mode mode, const char *domain, int fallback_port,
                const struct srv_record *recs, size_t nrecs, struct srv_target *out, size_t max,
                srv_random_fn rnd, void *rnd_ud)
{
    const struct srv_record *v[2 * SRV_PER_SERVICE];
    size_t n = 0;
    if (!rnd)
        rnd = system_random;
    for (size_t i = 0; i < nrecs && n < sizeof v / sizeof v[0]; i++) {
        if (mode_wants(mode, recs[i].direct_tls) && !is_root(recs[i].target) && recs[i].port > 0)
            v[n++] = &recs[i];
    }
    if (n == 0)
        return fallback(mode, domain, fallback_port, recs, nrecs, out, max);
    sort_records(v, n);
    size_t nout = 0;
    for (size_t start = 0; start < n;) {
        size_t end = start + 1;
        while (end < n && group_key(v[end]) == group_key(v[start]))
            end++;
        select_group(&v[start], end - start, out, &nout, max, rnd, rnd_ud);
        start = end;
    }
    return nout;
}

static bool parse_one(ns_msg *msg, int i, bool direct_tls, struct srv_record *r)
{
    ns_rr rr;
    if (ns_parserr(msg, ns_s_an, i, &rr) < 0)
        return false;
    if (ns_rr_type(rr) != ns_t_srv || ns_rr_class(rr) != ns_c_in || ns_rr_rdlen(rr) < 7)
        return false;
    const unsigned char *rd = ns_rr_rdata(rr);
    r->priority = ns_get16(rd);
    r->weight = ns_get16(rd + 2);
    r->port = ns_get16(rd + 4);
    r->direct_tls = direct_tls;
    char name[NS_MAXDNAME];
    if (dn_expand(ns_msg_base(*msg), ns_msg_end(*msg), rd + 6, name, sizeof name) < 0)
        return false;
    if (is_root(name))
        snprintf(name, sizeof name, ".");
    size_t len = strlen(name);
    if (len >= sizeof r->target)
        return false;
    memcpy(r->target, name, len + 1);
    return true;
}

int srv_parse_answer(const unsigned char *msg, int len, bool direct_tls, struct srv_record *out,
                     size_t max)
{
    ns_msg m;
    if (len <= 0 || ns_initparse(msg, len, &m) < 0)
        return -1;
    int count = ns_msg_count(m, ns_s_an);
    size_t n = 0;
    for (int i = 0; i < count && n < max; i++) {
        if (parse_one(&m, i, direct_tls, &out[n]))
            n++;
    }
    return (int)n;
}

/* Worker thread: one query. A failed query (NXDOMAIN, no data, timeout)
 * simply yields no records, which leads to the RFC 6120 §3.2.2 fallback. */
static void query_service(struct srv_request *req, res_state rs, const char *service,
                          bool direct_tls)
{
    char name[SRV_HOST_MAX + 32];
    snprintf(name, sizeof name, "%s._tcp.%s", service, req->domain);
    unsigned char *answer = malloc(SRV_ANSWER_MAX);
    if (!answer)
        return;
    int len = res_nquery(rs, name, ns_c_in, ns_t_srv, answer, SRV_ANSWER_MAX);
    if (len > 0) {
        if (len > SRV_ANSWER_MAX)
            len = SRV_ANSWER_MAX;
        int n = srv_parse_answer(answer, len, direct_tls, &req->recs[req->nrecs], SRV_PER_SERVICE);
        if (n > 0)
            req->nrecs += (size_t)n;
    }
    free(answer);
}

static void work_cb(uv_work_t *w)
{
    struct srv_request *req = w->data;
    struct __res_state rs;
    memset(&rs, 0, sizeof rs);
    if (res_ninit(&rs) != 0)
        return;
    /* At most 1 s + 2 s per query: a user is waiting, and a resolver that
     * does not answer by then will not help us connect. */
    rs.retrans = 1; /* seconds for the first try, doubled for the next */
    rs.retry = 2;   /* tries */
    if (req->mode != CONN_TLS_STARTTLS)
        query_service(req, &rs, "_xmpps-client", true);
    if (req->mode != CONN_TLS_DIRECT)
        query_service(req, &rs, "_xmpp-client", false);
    res_nclose(&rs);
}

static void after_work_cb(uv_work_t *w, int status)
{
    struct srv_request *req = w->data;
    if (!req->abandoned) {
        struct srv_target targets[SRV_MAX_TARGETS];
        size_t n = srv_plan(req->mode, req->domain, req->fallback_port, req->recs, req->nrecs,
                            targets, SRV_MAX_TARGETS, NULL, NULL);
        req->done(req->ud, targets, n);
    }
    free(req);
}

struct srv_request *srv_resolve(uv_loop_t *loop, const char *domain, enum conn_tls_mode mode,
                                int fallback_port, srv_done_fn done, void *ud)
{
    if (strlen(domain) >= SRV_HOST_MAX)
        return NULL;
    struct srv_request *req = calloc(1, sizeof *req);
    if (!req)
        return NULL;
    snprintf(req->domain, sizeof req->domain, "%s", domain);
    req->mode = mode;
    req->fallback_port = fallback_port;
    req->done = done;
    req->ud = ud;
    req->work.data = req;
    if (uv_queue_work(loop, &req->work, work_cb, after_work_cb) != 0) {
        free(req);
        return NULL;
    }
    return req;
}

void srv_abandon(struct srv_request *r)
{
    if (r)
        r->abandoned = true;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_srv.c - the RFC 2782 ordering of SRV records (srv_plan) with fixed
 * records and a scripted random source, the XEP-0368 merging per TLS mode,
 * the parsing of a hand-built DNS answer, and the certificate fingerprint
 * helpers of tls.h. */
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "net/srv.h"
#include "net/tls.h"

/* A scripted random source: returns the next value (clamped to bound) and
 * remembers the bounds it was asked for. */
struct script {
    const unsigned *values;
    size_t n, next;
    unsigned bounds[16];
    size_t nbounds;
};

static unsigned scripted(void *ud, unsigned bound)
{
    struct script *s = ud;
    if (s->nbounds < 16)
        s->bounds[s->nbounds++] = bound;
    unsigned v = s->next < s->n ? s->values[s->next++] : 0;
    return v > bound ? bound : v;
}

static unsigned always_zero(void *ud, unsigned bound)
{
    return 0;
}

/* A small deterministic generator for the statistical check. */
static unsigned lcg(void *ud, unsigned bound)
{
    unsigned long *state = ud;
    *state = *state * 6364136223846793005UL + 1442695040888963407UL;
    return (unsigned)((*state >> 33) % ((unsigned long)bound + 1));
}

static struct srv_record rec(unsigned prio, unsigned weight, unsigned port, bool direct,
                             const char *target)
{
    struct srv_record r;
    memset(&r, 0, sizeof r);
    r.priority = prio;
    r.weight = weight;
    r.port = port;
    r.direct_tls = direct;
    snprintf(r.target, sizeof r.target, "%s", target);
    return r;
}

static void test_priorities(void)
{
    struct srv_record r[] = {
        rec(20, 0, 5222, false, "b.example"),
        rec(10, 0, 5222, false, "a.example"),
        rec(30, 0, 5222, false, "c.example"),
    };
    struct srv_target t[8];
    size_t n = srv_plan(CONN_TLS_STARTTLS, "example", 0, r, 3, t, 8, always_zero, NULL);
    CHECK(n == 3);
    CHECK_STR(t[0].host, "a.example");
    CHECK_STR(t[1].host, "b.example");
    CHECK_STR(t[2].host, "c.example");
    CHECK(t[0].port == 5222 && !t[0].direct_tls);
}

static void test_weights(void)
{
    struct srv_record r[] = {
        rec(10, 10, 1, false, "w10"),
        rec(10, 20, 2, false, "w20"),
        rec(10, 0, 3, false, "w0"),
    };
    struct srv_target t[8];

    /* Sorted for selection as w0 (sum 0), w10 (10), w20 (30). */
    unsigned v1[] = {0, 15, 0};
    struct script s1 = {v1, 3, 0, {0}, 0};
    size_t n = srv_plan(CONN_TLS_STARTTLS, "example", 0, r, 3, t, 8, scripted, &s1);
    CHECK(n == 3);
    CHECK_STR(t[0].host, "w0");  /* r = 0 reaches the weight-0 record */
    CHECK_STR(t[1].host, "w20"); /* then w10 (10), w20 (30): 15 -> w20 */
    CHECK_STR(t[2].host, "w10");
    CHECK(s1.nbounds == 3 && s1.bounds[0] == 30 && s1.bounds[1] == 30 && s1.bounds[2] == 10);

    unsigned v2[] = {5, 20, 0};
    struct script s2 = {v2, 3, 0, {0}, 0};
    n = srv_plan(CONN_TLS_STARTTLS, "example", 0, r, 3, t, 8, scripted, &s2);
    CHECK(n == 3);
    CHECK_STR(t[0].host, "w10"); /* 5 passes w0 (0), reached by w10 (10) */
    CHECK_STR(t[1].host, "w20"); /* w0 (0), w20 (20): 20 -> w20 */
    CHECK_STR(t[2].host, "w0");
    CHECK(s2.bounds[0] == 30 && s2.bounds[1] == 20 && s2.bounds[2] == 0);

    /* The largest draw takes the last record. */
    unsigned v3[] = {30, 10, 0};
    struct script s3 = {v3, 3, 0, {0}, 0};
    srv_plan(CONN_TLS_STARTTLS, "example", 0, r, 3, t, 8, scripted, &s3);
    CHECK_STR(t[0].host, "w20");
    CHECK_STR(t[1].host, "w10");
    CHECK_STR(t[2].host, "w0");
}

static void test_weights_statistically(void)
{
    struct srv_record r[] = {
        rec(1, 1, 1, false, "light"),
        rec(1, 3, 2, false, "heavy"),
    };
    struct srv_target t[2];
    unsigned long state = 42;
    int heavy_first = 0;
    for (int i = 0; i < 4000; i++) {
        srv_plan(CONN_TLS_STARTTLS, "example", 0, r, 2, t, 2, lcg, &state);
        if (strcmp(t[0].host, "heavy") == 0)
            heavy_first++;
    }
    /* RFC 2782 draws in [0, 4]: 0 and 1 reach "light", 2..4 "heavy", so
     * 3/5 are expected; the margin is wide, the source is fixed anyway. */
    CHECK(heavy_first > 2200 && heavy_first < 2600);

    /* Only weight-0 records: each draw is 0, the list order is kept. */
    struct srv_record z[] = {rec(1, 0, 1, false, "z1"), rec(1, 0, 2, false, "z2")};
    size_t n = srv_plan(CONN_TLS_STARTTLS, "example", 0, z, 2, t, 2, lcg, &state);
    CHECK(n == 2);
    CHECK_STR(t[0].host, "z1");
    CHECK_STR(t[1].host, "z2");
}

static void test_dot_target(void)
{
    struct srv_target t[8];
    struct srv_record dot[] = {rec(0, 0, 0, false, ".")};
    CHECK(srv_plan(CONN_TLS_STARTTLS, "example", 0, dot, 1, t, 8, always_zero, NULL) == 0);

    /* AUTO: xmpp-client says "." but xmpps-client has a server. */
    struct srv_record mixed[] = {
        rec(0, 0, 0, false, "."),
        rec(5, 0, 5223, true, "tls.example"),
    };
    size_t n = srv_plan(CONN_TLS_AUTO, "example", 0, mixed, 2, t, 8, always_zero, NULL);
    CHECK(n == 1);
    CHECK_STR(t[0].host, "tls.example");
    CHECK(t[0].direct_tls);
    /* ...and STARTTLS mode gets nothing: no fallback after ".". */
    CHECK(srv_plan(CONN_TLS_STARTTLS, "example", 0, mixed, 2, t, 8, always_zero, NULL) == 0);

    /* AUTO: xmpps-client says ".", xmpp-client has no records: fallback. */
    struct srv_record tlsdot[] = {rec(0, 0, 0, true, ".")};
    n = srv_plan(CONN_TLS_AUTO, "example", 0, tlsdot, 1, t, 8, always_zero, NULL);
    CHECK(n == 1);
    CHECK_STR(t[0].host, "example");
    CHECK(t[0].port == 5222 && !t[0].direct_tls);
    CHECK(srv_plan(CONN_TLS_DIRECT, "example", 0, tlsdot, 1, t, 8, always_zero, NULL) == 0);

    /* AUTO: xmpp-client ".", no xmpps-client records: direct TLS fallback. */
    n = srv_plan(CONN_TLS_AUTO, "example", 0, dot, 1, t, 8, always_zero, NULL);
    CHECK(n == 1);
    CHECK(t[0].port == 5223 && t[0].direct_tls);

    /* Both services ".": not available at all. */
    struct srv_record both[] = {rec(0, 0, 0, false, "."), rec(0, 0, 0, true, ".")};
    CHECK(srv_plan(CONN_TLS_AUTO, "example", 0, both, 2, t, 8, always_zero, NULL) == 0);
}

static void test_fallback(void)
{
    struct srv_target t[8];
    size_t n = srv_plan(CONN_TLS_AUTO, "example.org", 0, NULL, 0, t, 8, always_zero, NULL);
    CHECK(n == 1);
    CHECK_STR(t[0].host, "example.org");
    CHECK(t[0].port == 5222 && !t[0].direct_tls);

    n = srv_plan(CONN_TLS_STARTTLS, "example.org", 0, NULL, 0, t, 8, always_zero, NULL);
    CHECK(n == 1 && t[0].port == 5222 && !t[0].direct_tls);

    n = srv_plan(CONN_TLS_DIRECT, "example.org", 0, NULL, 0, t, 8, always_zero, NULL);
    CHECK(n == 1 && t[0].port == 5223 && t[0].direct_tls);

    n = srv_plan(CONN_TLS_DIRECT, "example.org", 4000, NULL, 0, t, 8, always_zero, NULL);
    CHECK(n == 1 && t[0].port == 4000 && t[0].direct_tls);

    /* Records of the other service only: the wanted one falls back. */
    struct srv_record other[] = {rec(1, 0, 5223, true, "tls.example.org")};
    n = srv_plan(CONN_TLS_STARTTLS, "example.org", 0, other, 1, t, 8, always_zero, NULL);
    CHECK(n == 1 && t[0].port == 5222);
    CHECK_STR(t[0].host, "example.org");

    /* A record with port 0 is unusable. */
    struct srv_record port0[] = {rec(1, 0, 0, false, "x.example.org")};
    n = srv_plan(CONN_TLS_STARTTLS, "example.org", 0, port0, 1, t, 8, always_zero, NULL);
    CHECK(n == 1);
    CHECK_STR(t[0].host, "example.org");
}

static void test_merge(void)
{
    struct srv_record r[] = {
        rec(10, 0, 5222, false, "plain10"),
        rec(10, 0, 5223, true, "tls10"),
        rec(5, 0, 5222, false, "plain5"),
        rec(20, 0, 443, true, "tls20"),
    };
    struct srv_target t[8];
    size_t n = srv_plan(CONN_TLS_AUTO, "example", 0, r, 4, t, 8, always_zero, NULL);
    CHECK(n == 4);
    CHECK_STR(t[0].host, "plain5");
    CHECK_STR(t[1].host, "tls10"); /* equal priority: direct TLS first */
    CHECK_STR(t[2].host, "plain10");
    CHECK_STR(t[3].host, "tls20");
    CHECK(!t[0].direct_tls && t[1].direct_tls && !t[2].direct_tls && t[3].direct_tls);
    CHECK(t[3].port == 443);

    n = srv_plan(CONN_TLS_STARTTLS, "example", 0, r, 4, t, 8, always_zero, NULL);
    CHECK(n == 2);
    CHECK_STR(t[0].host, "plain5");
    CHECK_STR(t[1].host, "plain10");

    n = srv_plan(CONN_TLS_DIRECT, "example", 0, r, 4, t, 8, always_zero, NULL);
    CHECK(n == 2);
    CHECK_STR(t[0].host, "tls10");
    CHECK_STR(t[1].host, "tls20");

    /* max bounds the output. */
    n = srv_plan(CONN_TLS_AUTO, "example", 0, r, 4, t, 2, always_zero, NULL);
    CHECK(n == 2);
}

/* A DNS answer for _xmpp-client._tcp.example.org with two SRV records,
 * one "." record and one A record that must be skipped. */
static size_t name_labels(unsigned char *p, const char *const *labels)
{
    size_t o = 0;
    for (; *labels; labels++) {
        size_t len = strlen(*labels);
        p[o++] = (unsigned char)len;
        memcpy(p + o, *labels, len);
        o += len;
    }
    return o;
}

static size_t put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
    return 2;
}

static size_t answer_header(unsigned char *p, unsigned type, unsigned rdlen)
{
    size_t o = 0;
    o += put16(p + o, 0xC00C); /* name: pointer to the question */
    o += put16(p + o, type);
    o += put16(p + o, 1); /* IN */
    o += put16(p + o, 0);
    o += put16(p + o, 300); /* TTL */
    o += put16(p + o, rdlen);
    return o;
}

static size_t srv_rr(unsigned char *p, unsigned prio, unsigned weight, unsigned port,
                     const unsigned char *target, size_t tlen)
{
    size_t o = answer_header(p, 33, (unsigned)(6 + tlen));
    o += put16(p + o, prio);
    o += put16(p + o, weight);
    o += put16(p + o, port);
    memcpy(p + o, target, tlen);
    return o + tlen;
}

static void test_parse(void)
{
    unsigned char m[512];
    size_t o = 0;
    o += put16(m + o, 0x1234);
    o += put16(m + o, 0x8180);
    o += put16(m + o, 1); /* questions */
    o += put16(m + o, 4); /* answers */
    o += put16(m + o, 0);
    o += put16(m + o, 0);
    static const char *const qname[] = {"_xmpp-client", "_tcp", "example", "org", "", NULL};
    o += name_labels(m + o, qname); /* "example" starts at 12 + 13 + 5 = 30 */
    o += put16(m + o, 33);
    o += put16(m + o, 1);

    static const unsigned char t1[] = {5, 'x', 'm', 'p', 'p', '1', 0xC0, 30};
    static const unsigned char t2[] = {5, 'x', 'm', 'p', 'p', '2', 0xC0, 30};
    static const unsigned char root[] = {0};
    o += srv_rr(m + o, 10, 60, 5222, t1, sizeof t1);
    o += srv_rr(m + o, 20, 0, 5269, t2, sizeof t2);
    o += srv_rr(m + o, 0, 0, 0, root, sizeof root);
    o += answer_header(m + o, 1, 4);
    memcpy(m + o, "\x7f\0\0\x01", 4);
    o += 4;

    struct srv_record r[8];
    int n = srv_parse_answer(m, (int)o, true, r, 8);
    CHECK(n == 3);
    if (n == 3) {
        CHECK_STR(r[0].target, "xmpp1.example.org");
        CHECK(r[0].priority == 10 && r[0].weight == 60 && r[0].port == 5222 && r[0].direct_tls);
        CHECK_STR(r[1].target, "xmpp2.example.org");
        CHECK(r[1].priority == 20 && r[1].port == 5269);
        CHECK_STR(r[2].target, ".");
    }
    CHECK(srv_parse_answer(m, (int)o, false, r, 1) == 1);
    CHECK(srv_parse_answer(m, 7, false, r, 8) == -1);
    /* A truncated message must not crash or read past its end. */
    for (size_t cut = 12; cut < o; cut++) {
        int k = srv_parse_answer(m, (int)cut, false, r, 8);
        CHECK(k <= 3);
    }
}

static void test_fingerprint(void)
{
    unsigned char md[4] = {0xab, 0x01, 0xff, 0x10};
    char out[96];
    tls_format_fingerprint(md, 4, out, sizeof out);
    CHECK_STR(out, "AB:01:FF:10");
    tls_format_fingerprint(md, 4, out, 6); /* truncated, still terminated */
    CHECK(strlen(out) < 6);

    CHECK(tls_fingerprint_equal("AB:01:FF:10", "ab01ff10"));
    CHECK(tls_fingerprint_equal("ab:01:ff:10", "AB:01:FF:10"));
    CHECK(!tls_fingerprint_equal("AB:01:FF:10", "AB:01:FF:11"));
    CHECK(!tls_fingerprint_equal("AB:01:FF:10", "AB:01:FF"));
    CHECK(!tls_fingerprint_equal("", ""));
    CHECK(!tls_fingerprint_equal(NULL, "AB"));
    CHECK(!tls_fingerprint_equal("zz", "ZZ"));
}

int main(void)
{
    test_priorities();
    test_weights();
    test_weights_statistically();
    test_dot_target();
    test_fallback();
    test_merge();
    test_parse();
    test_fingerprint();
    return check_done();
}

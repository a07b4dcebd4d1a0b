/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_framer.c - libFuzzer target for the framer and the Mini-XML glue.
 *
 * The input is fed twice: whole, and in pseudo-random chunks (1 byte up to
 * a few KiB) derived from the input itself. Both runs must produce the same
 * events with the same bytes. Every stanza is parsed with stanza_parse and
 * serialised; the serialised form must parse again, serialise to the same
 * bytes, and pass the framer as one stanza. Some inputs run with small
 * limits so that the limit paths are exercised too. */
#include "xml/framer.h"
#include "xml/stanza.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_EVENTS 4096

struct event {
    enum framer_event ev;
    size_t len;
    uint64_t hash;
};

struct run {
    struct event events[MAX_EVENTS];
    size_t n;
};

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h;
}

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_framer: %s\n", what);
        abort();
    }
}

/* The serialised stanza must be something the framer accepts whole. */
static void check_framed(const char *s, size_t len)
{
    static const char hdr[] = "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>";
    struct framer_limits big = {
        .max_stanza = (size_t)1 << 30, .max_depth = 1 << 20, .max_attrs = 1 << 20};
    struct framer *f = framer_new(&big);
    const char *t;
    size_t n;

    framer_feed(f, hdr, sizeof hdr - 1);
    framer_feed(f, s, len);
    check(framer_next(f, &t, &n) == FRAMER_HEADER, "header of re-framed stanza");
    check(framer_next(f, &t, &n) == FRAMER_STANZA && n == len, "serialised stanza not framed");
    framer_free(f);
}

static void check_stanza(const char *text, size_t len)
{
    char err[256];
    size_t n1, n2;
    mxml_node_t *a = stanza_parse(text, len, err, sizeof err);

    if (!a)
        return;
    for (mxml_node_t *c = stanza_first_element(a); c; c = stanza_next_element(c)) {
        (void)stanza_ns(c);
        free(stanza_text(c));
    }
    free(stanza_text(a));
    char *s1 = stanza_serialize(a, &n1);
    check(s1 != NULL, "serialize failed");
    mxml_node_t *b = stanza_parse(s1, n1, err, sizeof err);
    check(b != NULL, "serialised stanza does not parse");
    char *s2 = stanza_serialize(b, &n2);
    check(s2 && n1 == n2 && memcmp(s1, s2, n1) == 0, "round trip changed the stanza");
    check_framed(s1, n1);
    free(s1);
    free(s2);
    mxmlDelete(a);
    mxmlDelete(b);
}

static void record(struct run *r, enum framer_event ev, const char *s, size_t n, int parse)
{
    if (r->n < MAX_EVENTS)
        r->events[r->n++] = (struct event){ev, n, s ? hash_bytes(s, n) : 0};
    if (!parse)
        return;
    if (ev == FRAMER_STANZA) {
        check_stanza(s, n);
    } else if (ev == FRAMER_HEADER) {
        mxml_node_t *h = stanza_parse_header(s, n, NULL, 0);
        if (h)
            (void)stanza_ns(h);
        mxmlDelete(h);
    }
}

/* Returns 0 when the run ended in an error. */
static int drain(struct framer *f, struct run *r, int parse)
{
    const char *s;
    size_t n;
    enum framer_event ev;

    while ((ev = framer_next(f, &s, &n)) != FRAMER_NEED_MORE) {
        record(r, ev, s, n, parse);
        if (ev == FRAMER_ERROR) {
            check(framer_error_condition(f) != NULL, "error without condition");
            return 0;
        }
    }
    return 1;
}

static uint32_t next_rand(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

static struct run whole, chunked;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    uint32_t seed = (uint32_t)hash_bytes(in, size) | 1;
    struct framer_limits small = {.max_stanza = 300, .max_depth = 4, .max_attrs = 3};
    const struct framer_limits *lim = seed % 4 == 0 ? &small : NULL;
    struct framer *f = framer_new(lim);

    whole.n = chunked.n = 0;
    framer_feed(f, in, size);
    drain(f, &whole, 1);

    framer_reset(f);
    for (size_t i = 0; i < size;) {
        uint32_t r = next_rand(&seed);
        size_t n = r % 8 == 0 ? 1 + r % 4096 : 1 + r % 16;
        if (n > size - i)
            n = size - i;
        framer_feed(f, in + i, n);
        i += n;
        if (!drain(f, &chunked, 0))
            break;
    }
    framer_free(f);

    check(whole.n == chunked.n, "chunking changed the number of events");
    for (size_t i = 0; i < whole.n; i++) {
        check(whole.events[i].ev == chunked.events[i].ev, "chunking changed an event");
        check(whole.events[i].len == chunked.events[i].len, "chunking changed a length");
        check(whole.events[i].hash == chunked.events[i].hash, "chunking changed the bytes");
    }
    return 0;
}

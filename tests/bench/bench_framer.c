/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench_framer.c - throughput of the stanza framer on a synthetic stream.
 *
 * Builds about 100 MB (or argv[1] MB) of mixed stanzas in memory: chat
 * messages with entities, CDATA and multibyte UTF-8, presences with caps,
 * roster pushes and disco results with nested children, whitespace
 * keepalives. Then prints one line per measurement: a bare memchr('<') scan
 * (the ceiling), the framer alone fed in 64 KiB chunks and in 1-byte
 * chunks, and the framer plus stanza_parse and mxmlDelete. */
#include "xml/framer.h"
#include "xml/stanza.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHUNK 65536

struct text {
    char *p;
    size_t len, cap;
};

static void put(struct text *t, const char *s)
{
    size_t n = strlen(s);
    if (t->len + n > t->cap) {
        t->cap = (t->len + n) * 2;
        t->p = realloc(t->p, t->cap);
        if (!t->p) {
            perror("realloc");
            exit(1);
        }
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
}

static uint32_t rnd(void)
{
    static uint32_t x = 2463534242u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
}

static const char *const words[] = {
    "hello",   "world",    "wherefore", "art",        "thou",   "Romeo",
    "&amp;",   "&lt;3",    "café",      "Здравствуй", "日本語", "😀",
    "meeting", "tomorrow", "at",        "noon",       "ok",     "&#x263A;",
};

static void put_words(struct text *t, int n)
{
    for (int i = 0; i < n; i++) {
        if (i)
            put(t, " ");
        put(t, words[rnd() % (sizeof words / sizeof words[0])]);
    }
}

static void put_message(struct text *t, unsigned id)
{
    char head[256];
    snprintf(head, sizeof head,
             "<message from='romeo@montague.example/orchard' to='juliet@capulet.example/balcony' "
             "type='chat' id='msg%u'><body>",
             id);
    put(t, head);
    if (rnd() % 10 == 0) {
        put(t, "<![CDATA[<code>if (a < b && c > d) return;</code>]]> ");
    }
    put_words(t, 3 + (int)(rnd() % 40));
    put(t, "</body><active xmlns='http://jabber.org/protocol/chatstates'/>"
           "<request xmlns='urn:xmpp:receipts'/></message>");
}

static void put_presence(struct text *t, unsigned id)
{
    char s[512];
    snprintf(s, sizeof s,
             "<presence from='user%u@example.org/laptop' to='juliet@capulet.example'>"
             "<show>away</show><status>Be right back, ok?</status><priority>5</priority>"
             "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://gajim.org' "
             "ver='q07IKJEyjvHSyhy//CH0CxmKi8w='/></presence>",
             id);
    put(t, s);
}

static void put_iq(struct text *t, unsigned id)
{
    char s[256];
    snprintf(s, sizeof s,
             "<iq type='result' id='iq%u' to='juliet@capulet.example/balcony'>"
             "<query xmlns='jabber:iq:roster' ver='v%u'>",
             id, id);
    put(t, s);
    int items = 1 + (int)(rnd() % 8);
    for (int i = 0; i < items; i++) {
        snprintf(s, sizeof s,
                 "<item jid='friend%d@example.net' name='Friend &quot;%d&quot;' "
                 "subscription='both'><group>Friends</group><group>Work</group></item>",
                 i, i);
        put(t, s);
    }
    put(t, "</query></iq>");
}

static struct text build_stream(size_t target)
{
    struct text t = {0};
    unsigned id = 0;

    put(&t, "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
            "xmlns:stream='http://etherx.jabber.org/streams' id='bench' version='1.0'>");
    while (t.len < target) {
        uint32_t r = rnd() % 10;
        if (r < 5)
            put_message(&t, id);
        else if (r < 8)
            put_presence(&t, id);
        else
            put_iq(&t, id);
        if (rnd() % 50 == 0)
            put(&t, "\n ");
        id++;
    }
    put(&t, "</stream:stream>");
    return t;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void report(const char *what, size_t bytes, size_t items, const char *unit, double secs)
{
    printf("%-36s %8.1f MB/s %12.0f %s/s  (%zu %s, %.3f s)\n", what, (double)bytes / 1e6 / secs,
           (double)items / secs, unit, items, unit, secs);
}

static size_t scan_memchr(const struct text *t)
{
    size_t count = 0;
    const char *p = t->p, *end = t->p + t->len;

    while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
        count++;
        p++;
    }
    return count;
}

/* Feeds chunk bytes at a time. Returns the number of stanzas, or exits on
 * a framing error. */
static size_t run_framer(const struct text *t, size_t chunk, int parse)
{
    struct framer *f = framer_new(NULL);
    size_t stanzas = 0;
    const char *s;
    size_t n;
    enum framer_event ev;

    for (size_t i = 0; i < t->len; i += chunk) {
        framer_feed(f, t->p + i, t->len - i < chunk ? t->len - i : chunk);
        while ((ev = framer_next(f, &s, &n)) != FRAMER_NEED_MORE) {
            if (ev == FRAMER_ERROR) {
                fprintf(stderr, "framer error: %s: %s\n", framer_error_condition(f),
                        framer_error_text(f));
                exit(1);
            }
            if (ev != FRAMER_STANZA)
                continue;
            stanzas++;
            if (parse) {
                mxml_node_t *el = stanza_parse(s, n, NULL, 0);
                if (!el) {
                    fprintf(stderr, "stanza_parse failed: %.*s\n", (int)n, s);
                    exit(1);
                }
                mxmlDelete(el);
            }
        }
    }
    framer_free(f);
    return stanzas;
}

int main(int argc, char **argv)
{
    size_t mb = argc > 1 ? strtoul(argv[1], NULL, 10) : 100;
    struct text t = build_stream((mb ? mb : 1) * 1000000);
    size_t stanzas = 0, count = 0;
    double best, t0;

    printf("stream: %.1f MB\n", (double)t.len / 1e6);

    best = 1e9;
    for (int i = 0; i < 3; i++) {
        t0 = now();
        count = scan_memchr(&t);
        best = now() - t0 < best ? now() - t0 : best;
    }
    report("memchr('<') scan (ceiling)", t.len, count, "tags", best);

    best = 1e9;
    for (int i = 0; i < 3; i++) {
        t0 = now();
        stanzas = run_framer(&t, CHUNK, 0);
        best = now() - t0 < best ? now() - t0 : best;
    }
    report("framer, 64 KiB chunks", t.len, stanzas, "stanzas", best);

    /* One byte per feed: the state machine never rescans, so this stays
     * linear; it measures the per-call overhead. */
    struct text head = {t.p, t.len < 10000000 ? t.len : 10000000, 0};
    t0 = now();
    stanzas = run_framer(&head, 1, 0);
    report("framer, 1-byte chunks (first 10 MB)", head.len, stanzas, "stanzas", now() - t0);

    t0 = now();
    stanzas = run_framer(&t, CHUNK, 1);
    report("framer + stanza_parse + mxmlDelete", t.len, stanzas, "stanzas", now() - t0);

    free(t.p);
    return 0;
}

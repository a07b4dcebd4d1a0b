/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench_ui_peer.c - the other side of the UI benchmarks: logs in with the
 * project's session API, sends COUNT chat messages to TO as fast as the
 * session takes them, waits until the server has routed them all (the
 * answer to a ping sent after them), closes the stream and exits.
 *
 * With COUNT 1 the body is TEXT exactly; otherwise message i (1..COUNT)
 * is "TEXT NNNN" (i with 4 digits), so that the last one can be watched
 * for on the receiver's screen. TEXT "@chat" makes chat-like bodies
 * instead: 2 to 12 words from a fixed list, the same for every run
 * (fixed seed), ending with " NNNN" - rows that differ from each other as
 * a real conversation's do, so that a terminal cannot reuse them.
 *
 * usage: bench_ui_peer JID PASSWORD PORT CAFILE TO COUNT TEXT
 * Started without arguments (as scripts/bench does with every bench_*),
 * it only says that it is a helper of tests/bench/ui.sh. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "xmpp/session.h"

#include "server.h"

static int online, failed, pong;

static void on_event(void *ud, const struct session_event *ev)
{
    (void)ud;
    if (ev->type == SESSION_EV_STATE && ev->state == SESSION_ONLINE)
        online = 1;
    if (ev->type == SESSION_EV_STATE &&
        (ev->state == SESSION_OFFLINE || ev->state == SESSION_RECONNECT_WAIT) && !online)
        failed = 1;
    if (ev->type == SESSION_EV_QUERY && ev->query && ev->query->kind == SESSION_QUERY_PING)
        pong = 1;
    if (ev->type == SESSION_EV_AUTH_FAILED || ev->type == SESSION_EV_CERT_REFUSED) {
        fprintf(stderr, "bench_ui_peer: %s\n", ev->text ? ev->text : "login failed");
        failed = 1;
    }
}

static const char *const words[] = {
    "the",     "server", "is",     "back",    "lunch",   "at",       "noon",   "did",    "you",
    "see",     "my",     "mail",   "about",   "release", "tomorrow", "ok",     "thanks", "sure",
    "why",     "not",    "deploy", "broke",   "again",   "who",      "merged", "that",   "coffee",
    "meeting", "in",     "ten",    "minutes", "tests",   "pass",     "on",     "main",   "now",
    "weekend", "plans",  "ping",   "me",      "later",   "great",    "idea",
};

static unsigned long rng = 12345;

static const char *chat_words(char *buf, size_t len)
{
    size_t n = 0;
    rng = rng * 6364136223846793005UL + 1442695040888963407UL;
    int count = 2 + (int)((rng >> 33) % 11);
    buf[0] = '\0';
    for (int i = 0; i < count && n + 16 < len; i++) {
        rng = rng * 6364136223846793005UL + 1442695040888963407UL;
        const char *w = words[(rng >> 33) % (sizeof words / sizeof words[0])];
        n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? " " : "", w);
    }
    return buf;
}

/* text escaped for XML character data and attribute values */
static size_t escape(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    for (; *in && n + 7 < cap; in++) {
        const char *rep = *in == '&'    ? "&amp;"
                          : *in == '<'  ? "&lt;"
                          : *in == '>'  ? "&gt;"
                          : *in == '\'' ? "&apos;"
                          : *in == '"'  ? "&quot;"
                                        : NULL;
        if (rep) {
            memcpy(out + n, rep, strlen(rep));
            n += strlen(rep);
        } else {
            out[n++] = *in;
        }
    }
    out[n] = '\0';
    return n;
}

static void on_timeout(uv_timer_t *t)
{
    (void)t;
    fprintf(stderr, "bench_ui_peer: timed out (login 20 s, sending 300 s)\n");
    exit(1);
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN); /* a closed socket is an error, not a death */
    if (argc == 1) {
        printf("(helper for tests/bench/ui.sh: logs in and sends messages; nothing to do alone)\n");
        return 0;
    }
    if (argc != 8) {
        fprintf(stderr, "usage: bench_ui_peer JID PASSWORD PORT CAFILE TO COUNT TEXT\n");
        return 2;
    }
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct session_config cfg = bench_server(argv, "peer");
    long count = atol(argv[6]);
    char err[256];
    struct session *s = session_new(&loop, &cfg, on_event, NULL, err, sizeof err);
    if (!s) {
        fprintf(stderr, "bench_ui_peer: %s\n", err);
        return 1;
    }
    uv_timer_t guard;
    uv_timer_init(&loop, &guard);
    uv_timer_start(&guard, on_timeout, 20000, 0);
    session_connect(s);
    while (!online && !failed)
        uv_run(&loop, UV_RUN_ONCE);
    if (failed)
        return 1;
    uv_timer_stop(&guard);
    /* Sent raw, with a no-store hint (XEP-0334): Prosody's internal
     * archive store rewrites its whole file for each message archived,
     * which would make the server, not the client, the bottleneck of a
     * burst. The client does not look at the hint. */
    char body[4096], to[1024], xml[8192];
    escape(argv[5], to, sizeof to);
    for (long i = 1; i <= count; i++) {
        char text[2048];
        char gen[256];
        const char *t = strcmp(argv[7], "@chat") == 0 ? chat_words(gen, sizeof gen) : argv[7];
        if (count == 1)
            snprintf(text, sizeof text, "%s", t);
        else
            snprintf(text, sizeof text, "%s %04ld", t, i);
        escape(text, body, sizeof body);
        snprintf(xml, sizeof xml,
                 "<message to='%s' type='chat' id='bench%ld'><body>%s</body>"
                 "<no-store xmlns='urn:xmpp:hints'/></message>",
                 to, i, body);
        if (session_send_raw(s, xml, err, sizeof err) != 0) {
            fprintf(stderr, "bench_ui_peer: sending message %ld failed: %s\n", i, err);
            return 1;
        }
    }
    /* The server handles a client's stanzas in order: once it answers a
     * ping sent after the messages, it has routed all of them. Only then
     * close (the graceful close gives up after 2 s). */
    if (session_query_ping(s, NULL) == 0) {
        uv_timer_start(&guard, on_timeout, 300000, 0);
        while (!pong && session_state(s) == SESSION_ONLINE)
            uv_run(&loop, UV_RUN_ONCE);
        uv_timer_stop(&guard);
    }
    session_disconnect(s, NULL);
    while (session_state(s) != SESSION_OFFLINE)
        uv_run(&loop, UV_RUN_ONCE);
    session_free(s);
    uv_close((uv_handle_t *)&guard, NULL);
    uv_run(&loop, UV_RUN_NOWAIT);
    uv_loop_close(&loop);
    return 0;
}

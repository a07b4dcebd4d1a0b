/* SPDX-License-Identifier: GPL-3.0-or-later */
/* request.c - the registry of the IQs we asked (RFC 6120 §8.2.3).
 *
 * A feature asks with session_iq(): the request, a callback and its
 * context. The callback runs exactly once: with the answer or the error,
 * when no answer came in time, or when the session that carried the
 * request is gone. So no feature keeps an id field of its own, and no
 * router has to know which feature an answer is for.
 *
 * An answer is believed only from the entity we asked (§8.1.2.1 and
 * §10.1): a forged result from a contact for a request to our server is
 * not an answer, and goes to the ordinary routing instead.
 *
 * The table is a small array: a session has a handful of requests in
 * flight, and a linear search costs less than any index. One libuv timer
 * is armed for the nearest deadline. */
#include "xmpp/request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xml/stanza.h"
#include "xmpp/session_priv.h"

static void arm(struct session *s);

static void on_deadline(uv_timer_t *t)
{
    struct session *s = t->data;
    struct request_table *rt = &s->requests;
    uint64_t now = uv_now(s->loop);
    /* Take the expired ones out first: a callback may add requests. */
    for (size_t i = 0; i < rt->n;) {
        if (rt->items[i].deadline > now) {
            i++;
            continue;
        }
        struct request r = rt->items[i];
        rt->items[i] = rt->items[--rt->n];
        r.answer(s, IQ_TIMEOUT, NULL, r.ctx);
        free(r.to);
        i = 0; /* the table may have changed under the callback */
        now = uv_now(s->loop);
    }
    arm(s);
}

static void arm(struct session *s)
{
    struct request_table *rt = &s->requests;
    if (rt->n == 0) {
        uv_timer_stop(&rt->timer);
        return;
    }
    uint64_t first = rt->items[0].deadline;
    for (size_t i = 1; i < rt->n; i++)
        if (rt->items[i].deadline < first)
            first = rt->items[i].deadline;
    uint64_t now = uv_now(s->loop);
    uv_timer_start(&rt->timer, on_deadline, first > now ? first - now : 0, 0);
}

void request_table_init(uv_loop_t *loop, struct request_table *t, void *data)
{
    uv_timer_init(loop, &t->timer);
    t->timer.data = data;
}

static int ask(struct session *s, mxml_node_t *iq, unsigned timeout_ms, iq_answer_fn answer,
               void *ctx, bool secret)
{
    struct request_table *rt = &s->requests;
    /* Bound is enough: the steps after login ask before we are online. */
    if (!s->conn || !s->full || s->phase < PHASE_ROSTER || !answer)
        return -1;
    if (rt->n == rt->cap) {
        size_t cap = rt->cap ? rt->cap * 2 : 8;
        struct request *grown = realloc(rt->items, cap * sizeof *grown);
        if (!grown)
            return -1;
        rt->items = grown;
        rt->cap = cap;
    }
    struct request *r = &rt->items[rt->n];
    memset(r, 0, sizeof *r);
    session_next_id(s, r->id, sizeof r->id);
    const char *to = stanza_attr(iq, "to");
    r->to = to ? strdup(to) : NULL;
    if ((to && !r->to) || stanza_set_attr(iq, "id", r->id) < 0 ||
        session_send_node(s, iq, secret) < 0) {
        free(r->to);
        return -1;
    }
    r->answer = answer;
    r->ctx = ctx;
    r->deadline = uv_now(s->loop) + (timeout_ms ? timeout_ms : REQUEST_TIMEOUT_MS);
    rt->n++;
    arm(s);
    return 0;
}

int session_iq(struct session *s, mxml_node_t *iq, unsigned timeout_ms, iq_answer_fn answer,
               void *ctx)
{
    return ask(s, iq, timeout_ms, answer, ctx, false);
}

int session_iq_secret(struct session *s, mxml_node_t *iq, iq_answer_fn answer, void *ctx)
{
    return ask(s, iq, 0, answer, ctx, true);
}

/* §8.1.2.1: the answer comes from whom we asked; for a request to our
 * account or server, from nobody (the server), our bare JID or domain. */
static bool from_asked(struct session *s, const struct request *r, const char *from)
{
    if (!r->to)
        return !from || jid_bare_equal(from, s->bare) || strcmp(from, s->jid.domain) == 0 ||
               (s->full && strcmp(from, s->full) == 0);
    if (!from)
        return jid_bare_equal(r->to, s->bare) || strcmp(r->to, s->jid.domain) == 0;
    if (strchr(r->to, '/') || strchr(from, '/'))
        return strcmp(from, r->to) == 0;
    return jid_bare_equal(from, r->to);
}

bool request_answer(struct session *s, mxml_node_t *iq)
{
    struct request_table *rt = &s->requests;
    const char *id = stanza_attr(iq, "id");
    const char *type = stanza_attr(iq, "type");
    if (!id || !type)
        return false;
    bool result = strcmp(type, "result") == 0;
    if (!result && strcmp(type, "error") != 0)
        return false;
    for (size_t i = 0; i < rt->n; i++) {
        if (strcmp(rt->items[i].id, id) != 0)
            continue;
        if (!from_asked(s, &rt->items[i], stanza_attr(iq, "from")))
            return false;
        struct request r = rt->items[i];
        rt->items[i] = rt->items[--rt->n];
        arm(s);
        r.answer(s, result ? IQ_RESULT : IQ_ERROR, iq, r.ctx);
        free(r.to);
        return true;
    }
    return false;
}

void request_all_gone(struct session *s)
{
    struct request_table *rt = &s->requests;
    /* Callbacks may ask again (the session is not online then, so they
     * fail at once): take the whole table out first. */
    struct request *items = rt->items;
    size_t n = rt->n;
    rt->items = NULL;
    rt->n = rt->cap = 0;
    uv_timer_stop(&rt->timer);
    for (size_t i = 0; i < n; i++) {
        items[i].answer(s, IQ_GONE, NULL, items[i].ctx);
        free(items[i].to);
    }
    free(items);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sm.c - stream management (XEP-0198): acknowledgements, so that we know
 * which of our stanzas the server has, and resumption, so that a dropped
 * connection comes back without losing what was in flight either way.
 *
 * What we chose:
 *  - an <r/> goes out after each message we send, and whenever
 *    SM_REQUEST_EVERY stanzas wait, so the queue of unacknowledged
 *    stanzas stays short (one <r/> in flight at a time);
 *  - only messages and presences are kept to be sent again. A resumed
 *    session gets them back in order. After a resumption that failed, the
 *    new session sends the messages again and says so. IQ answers are not
 *    repeated (whoever asked has given up or will ask again), but count;
 *  - our contacts' presences are kept while a resumption is possible,
 *    since the server will not send them again when it succeeds;
 *  - a session that ends for good with messages unacknowledged says how
 *    many may not have reached the server. */
#define _GNU_SOURCE /* memmem */
#include "xmpp/sm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xml/stanza.h"
#include "xmpp/session_priv.h"

#define SM_REQUEST_EVERY 32

static const char request_xml[] = "<r xmlns='" NS_SM "'/>";

/* The element name that text starts with is exactly name. */
static bool starts_element(const char *xml, size_t len, const char *name)
{
    size_t n = strlen(name);
    return len > n + 1 && xml[0] == '<' && memcmp(xml + 1, name, n) == 0 &&
           (xml[n + 1] == ' ' || xml[n + 1] == '>' || xml[n + 1] == '/');
}

static bool keeps_text(const char *xml, size_t len)
{
    return starts_element(xml, len, "message") || starts_element(xml, len, "presence");
}

static void drop_front(struct sm_state *sm, size_t n)
{
    if (n == 0)
        return; /* and queue may be NULL */
    for (size_t i = 0; i < n; i++)
        free(sm->queue[i].text);
    memmove(sm->queue, sm->queue + n, (sm->nqueue - n) * sizeof *sm->queue);
    sm->nqueue -= n;
}

void sm_reset(struct sm_state *sm)
{
    drop_front(sm, sm->nqueue);
    free(sm->id);
    /* What outlives one stream-management session: the buffers, the
     * messages kept for the next one, and what this stream offered. */
    struct sm_state kept = {.offered = sm->offered,
                            .presence_changed = sm->presence_changed,
                            .queue = sm->queue,
                            .cap = sm->cap,
                            .later = sm->later,
                            .nlater = sm->nlater};
    *sm = kept;
}

static void drop_later(struct sm_state *sm)
{
    for (size_t i = 0; i < sm->nlater; i++)
        free(sm->later[i].text);
    free(sm->later);
    sm->later = NULL;
    sm->nlater = 0;
}

void sm_free(struct sm_state *sm)
{
    sm_reset(sm);
    drop_later(sm);
    free(sm->queue);
    sm->queue = NULL;
    sm->cap = 0;
}

static bool is_message(const struct sm_sent *e)
{
    return e->text && starts_element(e->text, e->len, "message");
}

size_t sm_unsent_messages(const struct sm_state *sm)
{
    size_t n = sm->nlater;
    for (size_t i = 0; i < sm->nqueue; i++)
        n += is_message(&sm->queue[i]);
    return n;
}

void sm_keep_messages(struct sm_state *sm)
{
    size_t n = sm_unsent_messages(sm) - sm->nlater;
    struct sm_sent *later = n ? realloc(sm->later, (sm->nlater + n) * sizeof *later) : NULL;
    if (later) {
        sm->later = later;
        for (size_t i = 0; i < sm->nqueue; i++) {
            if (is_message(&sm->queue[i])) {
                sm->later[sm->nlater++] = sm->queue[i];
                sm->queue[i].text = NULL;
            }
        }
    }
    sm_reset(sm);
}

bool sm_resumable(const struct session *s)
{
    return s->sm.enabled && s->sm.id && !s->user_closing && !s->fatal;
}

/* An <r/> whose <a/> does not come in time: the server, or the way to
 * it, has gone silent (a stalled link, a NAT that forgot us), and TCP may
 * not notice for minutes. Another connection resumes the session. */
static void on_ack_timer(uv_timer_t *t)
{
    struct session *s = t->data;
    char why[120];
    snprintf(why, sizeof why, "the server did not acknowledge our stanzas in %u s",
             s->ack_timeout_ms / 1000);
    session_lost(s, why);
}

static void request_ack(struct session *s)
{
    if (!s->sm.enabled || s->sm.requested || s->sm.nqueue == 0)
        return;
    s->sm.requested = true;
    session_send_shown(s, request_xml, sizeof request_xml - 1);
    if (s->state != SESSION_CLOSING) /* the close has a deadline of its own */
        uv_timer_start(&s->ack_timer, on_ack_timer, s->ack_timeout_ms, 0);
}

void sm_sending(struct session *s, const char *xml, size_t len)
{
    struct sm_state *sm = &s->sm;
    bool message = starts_element(xml, len, "message");
    if (!sm->counting ||
        !(message || starts_element(xml, len, "presence") || starts_element(xml, len, "iq")))
        return;
    if (sm->nqueue == sm->cap) {
        size_t cap = sm->cap ? sm->cap * 2 : 16;
        struct sm_sent *q = realloc(sm->queue, cap * sizeof *q);
        if (!q)
            return; /* the count drifts: the next <a/> will say so */
        sm->queue = q;
        sm->cap = cap;
    }
    struct sm_sent *e = &sm->queue[sm->nqueue++];
    e->len = len;
    e->text = keeps_text(xml, len) ? malloc(len) : NULL;
    if (e->text)
        memcpy(e->text, xml, len);
    if (message || sm->nqueue >= SM_REQUEST_EVERY)
        request_ack(s);
}

void sm_send_later(struct session *s)
{
    struct sm_sent *later = s->sm.later;
    size_t n = s->sm.nlater;
    if (n == 0)
        return;
    s->sm.later = NULL;
    s->sm.nlater = 0;
    size_t messages = 0;
    for (size_t i = 0; i < n; i++) {
        /* Chat states and presences go too, but only what the user wrote
         * counts as a message. */
        messages += later[i].len > 8 && memcmp(later[i].text, "<message", 8) == 0 &&
                    memmem(later[i].text, later[i].len, "<body", 5) != NULL;
        session_send_shown(s, later[i].text, later[i].len);
        free(later[i].text);
    }
    free(later);
    if (messages == 0)
        return;
    n = messages;
    char info[160];
    snprintf(info, sizeof info,
             "sent again %zu message%s that the server had not confirmed when the connection "
             "was lost",
             n, n == 1 ? "" : "s");
    session_emit_text(s, SESSION_EV_INFO, info);
}

void sm_handled(struct session *s)
{
    if (s->sm.enabled)
        s->sm.handled++;
}

/* An h attribute: a count modulo 2^32 (§4). */
static bool parse_count(mxml_node_t *el, uint32_t *out)
{
    const char *h = stanza_attr(el, "h");
    if (!h || !*h || strspn(h, "0123456789") != strlen(h) || strlen(h) > 10)
        return false;
    unsigned long long v = strtoull(h, NULL, 10);
    *out = (uint32_t)v;
    return v <= UINT32_MAX;
}

/* The server has h of ours: drop them from the queue. */
static bool take_ack(struct session *s, mxml_node_t *el)
{
    uint32_t h;
    if (!parse_count(el, &h)) {
        session_stream_error(s, "bad-format", "stream management: an acknowledgement without h");
        return false;
    }
    uint32_t n = h - s->sm.acked;
    if (n > s->sm.nqueue) {
        /* §4: the server claims stanzas we never sent. */
        session_stream_error(s, "undefined-condition",
                             "stream management: the server acknowledged more than we sent");
        return false;
    }
    drop_front(&s->sm, n);
    s->sm.acked = h;
    return true;
}

void sm_enable(struct session *s)
{
    if (!s->sm.offered)
        return;
    sm_reset(&s->sm);
    s->sm.counting = true;
    static const char enable[] = "<enable xmlns='" NS_SM "' resume='true'/>";
    session_send_shown(s, enable, sizeof enable - 1);
}

bool sm_try_resume(struct session *s, mxml_node_t *features)
{
    s->sm.offered = stanza_child(features, NS_SM, "sm") != NULL;
    if (!s->sm.id)
        return false;
    if (!s->sm.offered) {
        session_resume_failed(s, "the server no longer offers stream management");
        return false;
    }
    char h[16];
    snprintf(h, sizeof h, "%u", (unsigned)s->sm.handled);
    mxml_node_t *resume = stanza_new("resume");
    stanza_set_attr(resume, "xmlns", NS_SM);
    stanza_set_attr(resume, "h", h);
    stanza_set_attr(resume, "previd", s->sm.id);
    session_send_node(s, resume, false);
    mxmlDelete(resume);
    s->sm.resuming = true;
    s->phase = PHASE_RESUME;
    return true;
}

/* <resumed/>: what the server did not get goes again, in order. */
static void on_resumed(struct session *s, mxml_node_t *el)
{
    const char *previd = stanza_attr(el, "previd");
    if (!previd || strcmp(previd, s->sm.id) != 0) {
        s->sm.resuming = false;
        session_resume_failed(s, "the server resumed another session");
        negotiate_bind(s);
        return;
    }
    if (!take_ack(s, el))
        return;
    struct sm_sent *old = s->sm.queue;
    size_t nold = s->sm.nqueue;
    s->sm.queue = NULL;
    s->sm.nqueue = s->sm.cap = 0;
    s->sm.resuming = false;
    s->sm.requested = false;
    size_t again = 0;
    for (size_t i = 0; i < nold; i++) {
        if (old[i].text) {
            session_send_shown(s, old[i].text, old[i].len);
            again++;
        }
        free(old[i].text);
    }
    free(old);
    if (s->sm.presence_changed)
        im_send_presence(s);
    char info[120];
    snprintf(info, sizeof info, "connection resumed (%zu stanza%s sent again)", again,
             again == 1 ? "" : "s");
    session_emit_text(s, SESSION_EV_INFO, info);
    session_ready(s);
}

void sm_element(struct session *s, mxml_node_t *el)
{
    const char *name = stanza_local(el);
    if (strcmp(name, "r") == 0 && s->sm.enabled) {
        char xml[64];
        int n = snprintf(xml, sizeof xml, "<a xmlns='" NS_SM "' h='%u'/>", (unsigned)s->sm.handled);
        session_send_shown(s, xml, (size_t)n);
    } else if (strcmp(name, "a") == 0 && s->sm.enabled) {
        s->sm.requested = false;
        uv_timer_stop(&s->ack_timer);
        if (take_ack(s, el))
            request_ack(s);
    } else if (strcmp(name, "enabled") == 0 && s->sm.counting && !s->sm.enabled) {
        s->sm.enabled = true;
        const char *resume = stanza_attr(el, "resume");
        const char *id = stanza_attr(el, "id");
        if (id && resume && (strcmp(resume, "true") == 0 || strcmp(resume, "1") == 0))
            s->sm.id = strdup(id);
        request_ack(s);
    } else if (strcmp(name, "resumed") == 0 && s->sm.resuming) {
        on_resumed(s, el);
    } else if (strcmp(name, "failed") == 0 && s->sm.resuming) {
        s->sm.resuming = false;
        session_resume_failed(s, "the server no longer knows the session");
        negotiate_bind(s);
    } else if (strcmp(name, "failed") == 0 && s->sm.counting) {
        sm_reset(&s->sm);
        session_emit_text(s, SESSION_EV_INFO, "the server refused stream management");
    }
}

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
 *  - a session that ends for good keeps its unacknowledged messages for
 *    the next login, and says how many wait;
 *  - the outbox (issue 16): a message typed while not online waits in the
 *    same list as the messages kept for the next session ("later", marked
 *    fresh), and goes after them, in order, once the session is online
 *    again, whether it was resumed or is new. A room's messages wait until
 *    we are in the room again. One queue: a message is either in later
 *    (not written on this stream) or in queue (written, not acknowledged),
 *    never both. SESSION_EV_OUTBOX "sent" says when the server has one
 *    (its <a/>, or its close after ours; without stream management, the
 *    write), so that the app can drop it from its file and the UI its
 *    pending mark. */
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

/* The value of attribute name in the start tag that xml begins with,
 * into out (empty when absent). Our own serialisation: no '>' inside an
 * attribute value (escaped as &gt;) and no entities in ids or JIDs that
 * matter here. */
static void start_tag_attr(const char *xml, size_t len, const char *name, char *out, size_t cap)
{
    out[0] = '\0';
    const char *end = memchr(xml, '>', len);
    size_t n = strlen(name);
    for (const char *p = xml; end && p + n + 3 < end; p++) {
        if (*p == ' ' && memcmp(p + 1, name, n) == 0 && p[n + 1] == '=' &&
            (p[n + 2] == '"' || p[n + 2] == '\'')) {
            const char *v = p + n + 3, *q = memchr(v, p[n + 2], (size_t)(end - v));
            if (q && (size_t)(q - v) < cap) {
                memcpy(out, v, (size_t)(q - v));
                out[q - v] = '\0';
            }
            return;
        }
    }
}

/* A message with a body: what the user wrote (not a chat state). */
static bool body_message(const char *xml, size_t len)
{
    return len > 8 && memcmp(xml, "<message", 8) == 0 && memmem(xml, len, "<body", 5) != NULL;
}

/* Tells that the server has this message of ours, if it is one. */
static void confirm(struct session *s, const char *xml, size_t len)
{
    if (!xml || !body_message(xml, len))
        return;
    char id[64], to[1024];
    start_tag_attr(xml, len, "id", id, sizeof id);
    start_tag_attr(xml, len, "to", to, sizeof to);
    struct session_event ev = {.type = SESSION_EV_OUTBOX, .sub_type = "sent", .id = id, .jid = to};
    session_emit(s, &ev);
}

static bool keeps_text(const char *xml, size_t len)
{
    return starts_element(xml, len, "message") || starts_element(xml, len, "presence");
}

/* Entries of the queue kept allocated when it empties (take_ack). */
#define SM_QUEUE_KEEP 256

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
        /* They were written before anything typed since: they go first. */
        sm->later = later;
        memmove(later + n, later, sm->nlater * sizeof *later);
        size_t k = 0;
        for (size_t i = 0; i < sm->nqueue; i++) {
            if (is_message(&sm->queue[i])) {
                later[k++] = sm->queue[i];
                sm->queue[i].text = NULL;
            }
        }
        sm->nlater += n;
    }
    sm_reset(sm);
}

void sm_hold(struct session *s, const char *xml, size_t len)
{
    struct sm_state *sm = &s->sm;
    char *copy = malloc(len);
    struct sm_sent *later = copy ? realloc(sm->later, (sm->nlater + 1) * sizeof *later) : NULL;
    if (!later) {
        free(copy);
        return;
    }
    memcpy(copy, xml, len);
    sm->later = later;
    later[sm->nlater++] = (struct sm_sent){.text = copy, .len = len, .fresh = true};
}

void sm_confirm_all(struct session *s)
{
    for (size_t i = 0; i < s->sm.nqueue; i++)
        confirm(s, s->sm.queue[i].text, s->sm.queue[i].len);
}

size_t sm_pending(const struct session *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->sm.nlater; i++)
        n += body_message(s->sm.later[i].text, s->sm.later[i].len);
    for (size_t i = 0; s->state != SESSION_ONLINE && i < s->sm.nqueue; i++)
        n += s->sm.queue[i].text && body_message(s->sm.queue[i].text, s->sm.queue[i].len);
    return n;
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
    snprintf(why, sizeof why, "the server did not acknowledge our stanzas (silent for %u s)",
             s->ack_timeout_ms / 1000);
    session_lost(s, why);
}

void sm_traffic(struct session *s)
{
    /* The <a/> may wait behind a megabyte of roster on a slow link: as
     * long as bytes come, the server is there. */
    if (uv_is_active((uv_handle_t *)&s->ack_timer))
        uv_timer_again(&s->ack_timer);
}

static void request_ack(struct session *s)
{
    if (!s->sm.enabled || s->sm.requested || s->sm.nqueue == 0)
        return;
    s->sm.requested = true;
    session_send_shown(s, request_xml, sizeof request_xml - 1);
    if (s->state != SESSION_CLOSING) /* the close has a deadline of its own */
        uv_timer_start(&s->ack_timer, on_ack_timer, s->ack_timeout_ms, s->ack_timeout_ms);
}

void sm_sending(struct session *s, const char *xml, size_t len)
{
    struct sm_state *sm = &s->sm;
    bool message = starts_element(xml, len, "message");
    if (!sm->counting) {
        confirm(s, xml, len); /* written is all we will ever know */
        return;
    }
    if (!(message || starts_element(xml, len, "presence") || starts_element(xml, len, "iq")))
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
    e->fresh = false; /* written: it is sent again, not for the first time */
    e->text = keeps_text(xml, len) ? malloc(len) : NULL;
    if (e->text)
        memcpy(e->text, xml, len);
    if (message || sm->nqueue >= SM_REQUEST_EVERY)
        request_ack(s);
}

/* A groupchat message to a room we are not in (yet): it waits. */
static bool waits_for_room(struct session *s, const struct sm_sent *e)
{
    char type[16], to[1024];
    start_tag_attr(e->text, e->len, "type", type, sizeof type);
    if (strcmp(type, "groupchat") != 0)
        return false;
    start_tag_attr(e->text, e->len, "to", to, sizeof to);
    const struct muc_room *room = muc_find(&s->mucs, to);
    return !room || !room->joined;
}

void sm_send_later(struct session *s)
{
    struct sm_sent *later = s->sm.later;
    size_t n = s->sm.nlater;
    if (n == 0 || !session_online(s))
        return;
    s->sm.later = NULL;
    s->sm.nlater = 0;
    size_t again = 0, waiting = 0;
    for (size_t i = 0; i < n; i++) {
        /* Each goes unless its room is not ours yet; a message sent may
         * bring the user's reply into later meanwhile, after these. */
        if (waits_for_room(s, &later[i])) {
            later[waiting++] = later[i];
            continue;
        }
        /* Chat states and presences go too, but only what the user wrote
         * counts as a message, and only what was sent before, again. */
        again += !later[i].fresh && body_message(later[i].text, later[i].len);
        session_send_shown(s, later[i].text, later[i].len);
        free(later[i].text);
    }
    if (waiting) {
        struct sm_sent *all = realloc(later, (waiting + s->sm.nlater) * sizeof *all);
        if (all) {
            if (s->sm.nlater)
                memcpy(all + waiting, s->sm.later, s->sm.nlater * sizeof *all);
            free(s->sm.later);
            s->sm.later = all;
            s->sm.nlater += waiting;
            later = NULL;
        } else {
            for (size_t i = 0; i < waiting; i++)
                free(later[i].text);
        }
    }
    free(later);
    if (again == 0)
        return;
    char info[160];
    snprintf(info, sizeof info,
             "sent again %zu message%s that the server had not confirmed when the connection "
             "was lost",
             again, again == 1 ? "" : "s");
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
    /* Said after the queue is right: a handler may send. */
    struct sm_sent *done = n ? malloc(n * sizeof *done) : NULL;
    if (done) {
        memcpy(done, s->sm.queue, n * sizeof *done);
        memmove(s->sm.queue, s->sm.queue + n, (s->sm.nqueue - n) * sizeof *done);
        s->sm.nqueue -= n;
    } else {
        drop_front(&s->sm, n);
    }
    s->sm.acked = h;
    /* A burst (10,000 receipts while messages pour in) can grow the queue
     * to hundreds of kilobytes; once it is empty they go back. */
    if (s->sm.nqueue == 0 && s->sm.cap > SM_QUEUE_KEEP) {
        free(s->sm.queue);
        s->sm.queue = NULL;
        s->sm.cap = 0;
    }
    for (size_t i = 0; done && i < n; i++) {
        confirm(s, done[i].text, done[i].len);
        free(done[i].text);
    }
    free(done);
    return true;
}

void sm_enable(struct session *s)
{
    s->sm.resumed = false; /* bound anew: a fresh login */
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
    s->sm.resumed = true;
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

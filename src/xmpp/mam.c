/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mam.c - the server's message archive, XEP-0313 (urn:xmpp:mam:2), paged
 * with result set management (XEP-0059). A query is an <iq type='set'>
 * to the archive (none: our account's; a room's bare JID) with a
 * queryid; the archive answers with one <message><result/></message> per
 * archived message, then the iq result with <fin/> and the page's first
 * and last ids. A forward query asks the next page after the last id by
 * itself until the archive says complete; a backward query asks one page
 * (the application asks the next with its first id).
 *
 * An archive result claims that someone said something some time ago, so
 * it is believed only from the archive we asked (the outer message's
 * from: our bare JID or none for ours, the room's bare JID for a room)
 * and only for a queryid of ours in flight; anything else is dropped and
 * said as a notice. A hostile or broken archive cannot flood us (the
 * results of a page beyond its max and some slack are dropped) nor page
 * us forever (a page that repeats a recent last id, or says there is
 * more but brings nothing, ends the query with an error).
 *
 * Each query lives exactly as long as its one iq in flight: the request
 * registry calls on_fin once per page, with IQ_GONE when the connection
 * is lost, so nothing else frees it. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xml/stanza.h"
#include "xmpp/session_priv.h"

#define MAM_DEFAULT_MAX 100u
#define MAM_SLACK 16u   /* results beyond max a page may bring */
#define MAM_RECENT 16   /* last ids remembered against a paging loop */

struct mam_query {
    struct mam_query *next;
    char qid[32];
    char *archive; /* the bare JID its results must come from */
    bool room;     /* the iq goes to archive (else to our account) */
    char *with;
    time_t start;
    bool backward;
    int64_t asked_ms; /* when the query's first page was asked for */
    char *before; /* backward: the page before this ("" the newest) */
    char *after;  /* forward: the page after this, then each page's last */
    unsigned max;
    unsigned results; /* of the page in flight */
    bool flooded;     /* this page went beyond max and was cut */
    char *recent[MAM_RECENT];
    size_t nrecent;
};

static void query_free(struct session *s, struct mam_query *q)
{
    for (struct mam_query **p = &s->mam; *p; p = &(*p)->next) {
        if (*p == q) {
            *p = q->next;
            break;
        }
    }
    free(q->archive);
    free(q->with);
    free(q->before);
    free(q->after);
    for (size_t i = 0; i < q->nrecent; i++)
        free(q->recent[i]);
    free(q);
}

static void emit(struct session *s, struct mam_query *q, const char *sub_type, const char *text,
                 const char *condition)
{
    struct session_event ev = {.type = SESSION_EV_MAM,
                               .id = q->qid,
                               .jid = q->archive,
                               .sub_type = sub_type,
                               .text = text,
                               .condition = condition};
    session_emit(s, &ev);
}

/* Ends the query with an error event, and frees it. */
static void fail(struct session *s, struct mam_query *q, const char *condition, const char *why)
{
    emit(s, q, "error", why, condition);
    query_free(s, q);
}

static void add_field(mxml_node_t *x, const char *var, const char *type, const char *value,
                      int *rc)
{
    mxml_node_t *f = stanza_add(x, "field");
    *rc |= stanza_set_attr(f, "var", var);
    if (type)
        *rc |= stanza_set_attr(f, "type", type);
    *rc |= stanza_add_text_child(f, "value", value) ? 0 : -1;
}

static void on_fin(struct session *s, enum iq_outcome how, mxml_node_t *iq, void *ctx);

/* One page: the form (XEP-0313 §4.1) and the RSM set (XEP-0059 §2). */
static int send_page(struct session *s, struct mam_query *q)
{
    int rc = 0;
    char max[16];
    snprintf(max, sizeof max, "%u", q->max);
    mxml_node_t *iq = stanza_new("iq");
    rc |= stanza_set_attr(iq, "type", "set");
    if (q->room)
        rc |= stanza_set_attr(iq, "to", q->archive);
    mxml_node_t *query = stanza_add(iq, "query");
    rc |= stanza_set_attr(query, "xmlns", NS_MAM) | stanza_set_attr(query, "queryid", q->qid);
    mxml_node_t *x = stanza_add(query, "x");
    rc |= stanza_set_attr(x, "xmlns", NS_DATA) | stanza_set_attr(x, "type", "submit");
    add_field(x, "FORM_TYPE", "hidden", NS_MAM, &rc);
    if (q->with)
        add_field(x, "with", NULL, q->with, &rc);
    if (q->start) {
        char start[32];
        struct tm tm;
        if (gmtime_r(&q->start, &tm) && strftime(start, sizeof start, "%Y-%m-%dT%H:%M:%SZ", &tm))
            add_field(x, "start", NULL, start, &rc);
        else
            rc = -1;
    }
    mxml_node_t *set = stanza_add(query, "set");
    rc |= stanza_set_attr(set, "xmlns", NS_RSM);
    rc |= stanza_add_text_child(set, "max", max) ? 0 : -1;
    if (q->backward) {
        mxml_node_t *before = stanza_add(set, "before");
        if (*q->before)
            rc |= stanza_add_text(before, q->before);
    } else if (q->after) {
        rc |= stanza_add_text_child(set, "after", q->after) ? 0 : -1;
    }
    q->results = 0;
    q->flooded = false;
    if (rc == 0)
        rc = session_iq(s, iq, 0, on_fin, q);
    mxmlDelete(iq);
    return rc == 0 ? 0 : -1;
}

static bool seen_recently(const struct mam_query *q, const char *id)
{
    for (size_t i = 0; i < q->nrecent; i++)
        if (strcmp(q->recent[i], id) == 0)
            return true;
    return false;
}

static void remember(struct mam_query *q, const char *id)
{
    char *copy = strdup(id);
    if (!copy)
        return;
    if (q->nrecent == MAM_RECENT) {
        free(q->recent[0]);
        memmove(q->recent, q->recent + 1, (MAM_RECENT - 1) * sizeof q->recent[0]);
        q->nrecent--;
    }
    q->recent[q->nrecent++] = copy;
}

/* A forward page is in and the archive has more: ask for the next. */
static void next_page(struct session *s, struct mam_query *q, const char *last)
{
    if (!last || !*last || q->results == 0) {
        fail(s, q, "undefined-condition", "the archive said it has more but sent nothing");
        return;
    }
    if (seen_recently(q, last)) {
        fail(s, q, "undefined-condition", "the archive sent the same page again");
        return;
    }
    char *after = strdup(last);
    if (!after) {
        fail(s, q, "resource-constraint", "out of memory");
        return;
    }
    remember(q, last);
    free(q->after);
    q->after = after;
    emit(s, q, "page", last, NULL);
    /* The handler may have ended the session: then nothing goes out. */
    if (send_page(s, q) < 0)
        fail(s, q, "gone", "the connection was lost");
}

static void on_fin(struct session *s, enum iq_outcome how, mxml_node_t *iq, void *ctx)
{
    struct mam_query *q = ctx;
    if (how == IQ_GONE) {
        fail(s, q, "gone", "the connection was lost");
        return;
    }
    if (how == IQ_TIMEOUT) {
        fail(s, q, "remote-server-timeout", "the archive did not answer");
        return;
    }
    if (how == IQ_ERROR) {
        char *text = im_error_text(iq);
        fail(s, q, im_error_condition(iq), text);
        free(text);
        return;
    }
    mxml_node_t *fin = stanza_child(iq, NS_MAM, "fin");
    if (!fin) {
        fail(s, q, "undefined-condition", "the archive's answer has no <fin/>");
        return;
    }
    const char *complete = stanza_attr(fin, "complete");
    bool done = complete && (strcmp(complete, "true") == 0 || strcmp(complete, "1") == 0);
    mxml_node_t *set = stanza_child(fin, NS_RSM, "set");
    char *first = set ? stanza_child_text(set, NS_RSM, "first") : NULL;
    char *last = set ? stanza_child_text(set, NS_RSM, "last") : NULL;
    if (q->backward) {
        /* Going back, complete means the start of the archive. */
        bool more = !done && first && *first;
        emit(s, q, more ? "page" : "complete", first && *first ? first : NULL, NULL);
        query_free(s, q);
    } else if (done) {
        emit(s, q, "complete", last && *last ? last : NULL, NULL);
        query_free(s, q);
    } else {
        next_page(s, q, last);
    }
    free(first);
    free(last);
}

static void drop(struct session *s, const char *from, const char *qid, const char *why)
{
    char text[400];
    snprintf(text, sizeof text, "ignored an archive result from %s for query %s: %s",
             from ? from : "our server", qid ? qid : "(none)", why);
    session_emit_text(s, SESSION_EV_INFO, text);
}

bool mam_message(struct session *s, mxml_node_t *m)
{
    mxml_node_t *result = stanza_child(m, NS_MAM, "result");
    if (!result)
        return false;
    const char *from = stanza_attr(m, "from");
    const char *qid = stanza_attr(result, "queryid");
    const char *id = stanza_attr(result, "id");
    struct mam_query *q = s->mam;
    while (q && !(qid && strcmp(q->qid, qid) == 0))
        q = q->next;
    if (!q) {
        drop(s, from, qid, "no such query of ours");
        return true;
    }
    /* XEP-0313 §4.2: our own archive answers from our bare JID (Prosody
     * leaves from out: the server itself), a room's from the room. */
    bool from_ok = from ? !jid_resource_of(from) && jid_bare_equal(from, q->archive) : !q->room;
    if (!from_ok) {
        drop(s, from, qid, "not from the archive we asked");
        return true;
    }
    mxml_node_t *fwd = stanza_child(result, NS_FORWARD, "forwarded");
    mxml_node_t *inner = fwd ? stanza_child(fwd, NS_CLIENT, "message") : NULL;
    if (!inner || !id || !*id)
        return true;
    unsigned limit = q->max > UINT_MAX - MAM_SLACK ? UINT_MAX : q->max + MAM_SLACK;
    if (q->results >= limit) {
        if (!q->flooded)
            drop(s, from, qid, "more results than the page may hold");
        q->flooded = true;
        return true;
    }
    q->results++;
    mxml_node_t *delay = stanza_child(fwd, NS_DELAY, "delay");
    struct im_archived a = {.qid = q->qid,
                            .id = id,
                            .by = q->archive,
                            .stamp = delay ? stanza_attr(delay, "stamp") : NULL,
                            .asked_ms = q->asked_ms,
                            .backward = q->backward};
    im_deliver_archived(s, inner, &a);
    return true;
}

int session_mam_query(struct session *s, const struct session_mam_query *mq, char *qid_out,
                      size_t qid_len)
{
    if (!session_online(s) || !mq || (mq->before_id && mq->after_id))
        return -1;
    char *archive = jid_bare_of(mq->archive ? mq->archive : s->bare);
    char *with_bare = mq->with ? jid_bare_of(mq->with) : NULL;
    struct mam_query *q = calloc(1, sizeof *q);
    bool ok = q && archive && (!mq->with || with_bare) &&
              (!mq->archive || !jid_resource_of(mq->archive));
    free(with_bare);
    if (ok) {
        q->archive = archive;
        archive = NULL;
        q->room = !jid_bare_equal(q->archive, s->bare);
        q->with = mq->with ? strdup(mq->with) : NULL;
        q->start = mq->start;
        q->backward = mq->before_id != NULL;
        q->asked_ms = im_now_ms();
        q->before = q->backward ? strdup(mq->before_id) : NULL;
        q->after = mq->after_id ? strdup(mq->after_id) : NULL;
        q->max = mq->max ? mq->max : MAM_DEFAULT_MAX;
        ok = (!mq->with || q->with) && (!q->backward || q->before) && (!mq->after_id || q->after);
        session_next_id(s, q->qid, sizeof q->qid);
    }
    free(archive);
    if (ok) {
        q->next = s->mam;
        s->mam = q;
        if (send_page(s, q) == 0) {
            if (qid_out)
                snprintf(qid_out, qid_len, "%s", q->qid);
            return 0;
        }
    }
    if (q)
        query_free(s, q);
    return -1;
}

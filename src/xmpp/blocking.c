/* SPDX-License-Identifier: GPL-3.0-or-later */
/* blocking.c - XEP-0191 Blocking Command: the server drops everything
 * from the JIDs on our block list and shows them nothing of us.
 *
 * The list is fetched after each new login (a login hook in routes.c),
 * and kept as the server sends it: our own block and unblock requests
 * change it only when the server pushes the change back (§3.3, §3.4), as
 * it does to every resource of ours that asked for the list, so that a
 * change made by another client of ours is applied the same way. A
 * server without the command answers the fetch with an error; the list
 * stays empty and block requests are refused before anything is sent.
 *
 * This file is the whole extension: the rows that route its pushes and
 * start its fetch are in routes.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xml/stanza.h"
#include "xmpp/session_priv.h"

static void emit(struct session *s, const char *what, const char *jid, const char *condition)
{
    struct session_event ev = {
        .type = SESSION_EV_BLOCKING, .sub_type = what, .jid = jid, .condition = condition};
    session_emit(s, &ev);
}

static size_t find(const struct session *s, const char *bare)
{
    for (size_t i = 0; i < s->blocked.n; i++)
        if (jid_bare_equal(s->blocked.jids[i], bare))
            return i;
    return (size_t)-1;
}

static void add(struct session *s, const char *jid)
{
    char *bare = jid_bare_of(jid);
    if (!bare || find(s, bare) != (size_t)-1) {
        free(bare);
        return;
    }
    char **grown = realloc(s->blocked.jids, (s->blocked.n + 1) * sizeof *grown);
    if (!grown) {
        free(bare);
        return;
    }
    s->blocked.jids = grown;
    s->blocked.jids[s->blocked.n++] = bare;
}

static void drop(struct session *s, const char *jid)
{
    size_t i = jid ? find(s, jid) : (size_t)-1;
    if (i == (size_t)-1)
        return;
    free(s->blocked.jids[i]);
    s->blocked.jids[i] = s->blocked.jids[--s->blocked.n];
}

void blocking_clear(struct session *s)
{
    for (size_t i = 0; i < s->blocked.n; i++)
        free(s->blocked.jids[i]);
    free(s->blocked.jids);
    s->blocked.jids = NULL;
    s->blocked.n = 0;
}

static void on_list(struct session *s, enum iq_outcome how, mxml_node_t *iq, void *ctx)
{
    (void)ctx;
    if (how == IQ_GONE)
        return;
    blocking_clear(s);
    s->blocked.supported = how == IQ_RESULT;
    mxml_node_t *list = how == IQ_RESULT ? stanza_child(iq, NS_BLOCKING, "blocklist") : NULL;
    for (mxml_node_t *it = stanza_child(list, NS_BLOCKING, "item"); it;
         it = stanza_next(it, NS_BLOCKING, "item"))
        if (stanza_attr(it, "jid"))
            add(s, stanza_attr(it, "jid"));
    emit(s, "list", NULL, s->blocked.supported ? NULL : "service-unavailable");
}

void blocking_fetch(struct session *s)
{
    mxml_node_t *iq = stanza_new("iq");
    stanza_set_attr(iq, "type", "get");
    stanza_set_attr(stanza_add(iq, "blocklist"), "xmlns", NS_BLOCKING);
    session_iq(s, iq, 0, on_list, NULL);
    mxmlDelete(iq);
}

/* §3.3, §3.4: the server tells every resource of ours what changed. */
void blocking_push(struct session *s, mxml_node_t *iq, mxml_node_t *child)
{
    const char *from = stanza_attr(iq, "from");
    if (from && !(jid_bare_equal(from, s->bare) && !jid_resource_of(from))) {
        im_answer_iq(s, iq, "error", "service-unavailable"); /* not our account: forged */
        return;
    }
    bool block = strcmp(stanza_local(child), "block") == 0;
    mxml_node_t *it = stanza_child(child, NS_BLOCKING, "item");
    if (!block && !it) {
        blocking_clear(s); /* §3.5: unblock with no item is everyone */
        emit(s, "unblocked", NULL, NULL);
    }
    for (; it; it = stanza_next(it, NS_BLOCKING, "item")) {
        const char *jid = stanza_attr(it, "jid");
        if (!jid)
            continue;
        if (block)
            add(s, jid);
        else
            drop(s, jid);
        emit(s, block ? "blocked" : "unblocked", jid, NULL);
    }
    im_answer_iq(s, iq, "result", NULL);
}

/* A refusal is told; a success waits for the server's push. */
static void on_change(struct session *s, enum iq_outcome how, mxml_node_t *iq, void *ctx)
{
    char *jid = ctx;
    if (how == IQ_ERROR || how == IQ_TIMEOUT)
        emit(s, "refused", jid, how == IQ_ERROR ? im_error_condition(iq) : "timeout");
    free(jid);
}

static int change(struct session *s, const char *verb, const char *jid)
{
    if (!s->blocked.supported || !session_online(s))
        return -1;
    char *bare = jid ? jid_bare_of(jid) : NULL;
    if (jid && !bare)
        return -1;
    mxml_node_t *iq = stanza_new("iq");
    stanza_set_attr(iq, "type", "set");
    mxml_node_t *el = stanza_add(iq, verb);
    stanza_set_attr(el, "xmlns", NS_BLOCKING);
    if (bare)
        stanza_set_attr(stanza_add(el, "item"), "jid", bare);
    int rc = session_iq(s, iq, 0, on_change, bare);
    mxmlDelete(iq);
    if (rc < 0)
        free(bare);
    return rc;
}

int session_block(struct session *s, const char *jid)
{
    return jid ? change(s, "block", jid) : -1;
}

int session_unblock(struct session *s, const char *jid)
{
    return change(s, "unblock", jid);
}

bool session_blocking_supported(const struct session *s)
{
    return s->blocked.supported;
}

bool session_is_blocked(const struct session *s, const char *jid)
{
    return jid && find(s, jid) != (size_t)-1;
}

const char *const *session_blocked(const struct session *s, size_t *n)
{
    *n = s->blocked.n;
    return (const char *const *)s->blocked.jids;
}

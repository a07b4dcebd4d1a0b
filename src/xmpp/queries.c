/* SPDX-License-Identifier: GPL-3.0-or-later */
/* queries.c - asking another entity about itself: its software
 * (XEP-0092), whether it answers (XEP-0199), what it is and offers
 * (XEP-0030 disco#info) and its clock (XEP-0202). Each is a typed call
 * whose answer comes back as one SESSION_EV_QUERY with the values read
 * out, so the UI never sees the protocol.
 *
 * Software and clock belong to clients, not accounts: a contact's bare
 * JID is taken to mean its best resource, as messages are. Without a
 * JID, ping and disco ask our server. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xml/stanza.h"
#include "xmpp/session_priv.h"

/* What a query needs when its answer comes. */
struct query {
    enum session_query_kind kind;
    char *jid; /* asked, as sent */
    uint64_t sent;
};

/* A contact's bare JID means its best resource; anything else as given.
 * Caller frees. */
static char *target(struct session *s, const char *jid, bool client)
{
    if (!jid)
        return strdup(s->jid.domain);
    const struct roster_item *it =
        client && !strchr(jid, '/') ? roster_find(s->roster, jid) : NULL;
    const struct roster_resource *best = it ? roster_best(it) : NULL;
    if (!best || !best->name || !best->name[0])
        return strdup(jid);
    size_t n = strlen(jid) + strlen(best->name) + 2;
    char *full = malloc(n);
    if (full)
        snprintf(full, n, "%s/%s", jid, best->name);
    return full;
}

/* "category/type" and the name, as disco#info gives each identity. */
static char *identity_of(mxml_node_t *id)
{
    const char *cat = stanza_attr(id, "category"), *type = stanza_attr(id, "type");
    const char *name = stanza_attr(id, "name");
    size_t n = (cat ? strlen(cat) : 1) + (type ? strlen(type) : 1) + (name ? strlen(name) : 0) + 8;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%s/%s%s%s%s", cat ? cat : "?", type ? type : "?", name ? " \"" : "",
                 name ? name : "", name ? "\"" : "");
    return out;
}

/* Every child of query called name (in ns) through read, into a list. */
static size_t collect(mxml_node_t *query, const char *ns, const char *name,
                      char *(*read)(mxml_node_t *), char ***out)
{
    size_t n = 0;
    for (mxml_node_t *c = stanza_child(query, ns, name); c; c = stanza_next(c, ns, name))
        n++;
    *out = n ? calloc(n, sizeof **out) : NULL;
    size_t got = 0;
    for (mxml_node_t *c = stanza_child(query, ns, name); c && *out; c = stanza_next(c, ns, name)) {
        char *v = read(c);
        if (v)
            (*out)[got++] = v;
    }
    return got;
}

static char *feature_of(mxml_node_t *f)
{
    const char *var = stanza_attr(f, "var");
    return var ? strdup(var) : NULL;
}

static void free_list(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

static void on_answer(struct session *s, enum iq_outcome how, mxml_node_t *iq, void *ctx)
{
    struct query *q = ctx;
    if (how == IQ_GONE) {
        free(q->jid);
        free(q);
        return;
    }
    struct session_query a = {.kind = q->kind, .rtt_ms = (unsigned)(uv_now(s->loop) - q->sent)};
    char *name = NULL, *version = NULL, *os = NULL, *tzo = NULL, *utc = NULL;
    char **ids = NULL, **features = NULL;
    mxml_node_t *body = how == IQ_RESULT ? stanza_first_element(iq) : NULL;
    if (q->kind == SESSION_QUERY_VERSION && body) {
        a.name = name = stanza_child_text(body, NS_VERSION, "name");
        a.version = version = stanza_child_text(body, NS_VERSION, "version");
        a.os = os = stanza_child_text(body, NS_VERSION, "os");
    } else if (q->kind == SESSION_QUERY_TIME && body) {
        a.tzo = tzo = stanza_child_text(body, NS_TIME, "tzo");
        a.utc = utc = stanza_child_text(body, NS_TIME, "utc");
    } else if (q->kind == SESSION_QUERY_DISCO && body) {
        a.nidentities = collect(body, NS_DISCO_INFO, "identity", identity_of, &ids);
        a.nfeatures = collect(body, NS_DISCO_INFO, "feature", feature_of, &features);
        a.identities = (const char *const *)ids;
        a.features = (const char *const *)features;
    }
    const char *cond = how == IQ_RESULT  ? "result"
                       : how == IQ_ERROR ? im_error_condition(iq)
                                         : "remote-server-timeout";
    struct session_event ev = {
        .type = SESSION_EV_QUERY, .jid = q->jid, .condition = cond, .query = &a};
    session_emit(s, &ev);
    free(name);
    free(version);
    free(os);
    free(tzo);
    free(utc);
    free_list(ids, a.nidentities);
    free_list(features, a.nfeatures);
    free(q->jid);
    free(q);
}

static int ask(struct session *s, enum session_query_kind kind, const char *jid, const char *ns,
               const char *element)
{
    if (!session_online(s))
        return -1;
    bool client = kind == SESSION_QUERY_VERSION || kind == SESSION_QUERY_TIME ||
                  (kind == SESSION_QUERY_PING && jid);
    struct query *q = calloc(1, sizeof *q);
    if (!q || !(q->jid = target(s, jid, client))) {
        free(q);
        return -1;
    }
    q->kind = kind;
    q->sent = uv_now(s->loop);
    mxml_node_t *iq = stanza_new("iq");
    stanza_set_attr(iq, "type", "get");
    int rc = stanza_set_attr(iq, "to", q->jid);
    stanza_set_attr(stanza_add(iq, element), "xmlns", ns);
    if (rc == 0)
        rc = session_iq(s, iq, 0, on_answer, q);
    mxmlDelete(iq);
    if (rc < 0) {
        free(q->jid);
        free(q);
    }
    return rc;
}

int session_query_version(struct session *s, const char *jid)
{
    return jid ? ask(s, SESSION_QUERY_VERSION, jid, NS_VERSION, "query") : -1;
}

int session_query_ping(struct session *s, const char *jid)
{
    return ask(s, SESSION_QUERY_PING, jid, NS_PING, "ping");
}

int session_query_disco(struct session *s, const char *jid)
{
    return ask(s, SESSION_QUERY_DISCO, jid, NS_DISCO_INFO, "query");
}

int session_query_time(struct session *s, const char *jid)
{
    return jid ? ask(s, SESSION_QUERY_TIME, jid, NS_TIME, "time") : -1;
}

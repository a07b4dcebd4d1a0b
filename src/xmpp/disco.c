/* SPDX-License-Identifier: GPL-3.0-or-later */
/* disco.c - what tuktuk says about itself and learns about others:
 * service discovery answers (XEP-0030), software version (XEP-0092),
 * entity time (XEP-0202), and entity capabilities (XEP-0115) both ways.
 * Our presence carries a verification string; a contact's string is
 * looked up in the cache, and only a string never seen before costs one
 * disco#info query, whose answer must hash to that very string before
 * it is believed. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xml/stanza.h"
#include "xmpp/caps.h"
#include "xmpp/session_priv.h"

#define MAX_IDENTITIES 16
#define MAX_FEATURES 256

void disco_answer_info(struct session *s, mxml_node_t *iq, mxml_node_t *query)
{
    mxml_node_t *reply = im_reply_new(iq, "result");
    mxml_node_t *q = stanza_add(reply, "query");
    stanza_set_attr(q, "xmlns", NS_DISCO_INFO);
    /* XEP-0115 §6.2: a query for "node#ver" is answered with that node. */
    if (stanza_attr(query, "node"))
        stanza_set_attr(q, "node", stanza_attr(query, "node"));
    mxml_node_t *id = stanza_add(q, "identity");
    stanza_set_attr(id, "category", caps_self_identity.category);
    stanza_set_attr(id, "type", caps_self_identity.type);
    stanza_set_attr(id, "name", caps_self_identity.name);
    for (size_t i = 0; i < caps_self_nfeatures; i++)
        stanza_set_attr(stanza_add(q, "feature"), "var", caps_self_features[i]);
    session_send_node(s, reply, false);
    mxmlDelete(reply);
}

void disco_answer_version(struct session *s, mxml_node_t *iq, mxml_node_t *query)
{
    (void)query;
    mxml_node_t *reply = im_reply_new(iq, "result");
    mxml_node_t *q = stanza_add(reply, "query");
    stanza_set_attr(q, "xmlns", NS_VERSION);
    stanza_add_text_child(q, "name", "tuktuk");
    stanza_add_text_child(q, "version", TUKTUK_VERSION);
    session_send_node(s, reply, false);
    mxmlDelete(reply);
}

void disco_answer_time(struct session *s, mxml_node_t *iq, mxml_node_t *time_el)
{
    (void)time_el;
    char utc[32], tzo[16];
    time_t now = time(NULL);
    struct tm gm, local;
    gmtime_r(&now, &gm);
    localtime_r(&now, &local);
    strftime(utc, sizeof utc, "%Y-%m-%dT%H:%M:%SZ", &gm);
    int off = (int)(local.tm_gmtoff / 60) % (24 * 60); /* minutes, |off| < 1 day */
    snprintf(tzo, sizeof tzo, "%c%02d:%02d", off < 0 ? '-' : '+', abs(off) / 60, abs(off) % 60);
    mxml_node_t *reply = im_reply_new(iq, "result");
    mxml_node_t *t = stanza_add(reply, "time");
    stanza_set_attr(t, "xmlns", NS_TIME);
    stanza_add_text_child(t, "tzo", tzo);
    stanza_add_text_child(t, "utc", utc);
    session_send_node(s, reply, false);
    mxmlDelete(reply);
}

void disco_add_caps(struct session *s, mxml_node_t *presence)
{
    mxml_node_t *c = stanza_add(presence, "c");
    stanza_set_attr(c, "xmlns", NS_CAPS);
    stanza_set_attr(c, "hash", "sha-1");
    stanza_set_attr(c, "node", CAPS_NODE);
    stanza_set_attr(c, "ver", s->caps_ver);
}

static void on_caps(struct session *s, enum iq_outcome how, mxml_node_t *iq, void *ctx);

/* At most CAPS_ASKING queries in flight: a hostile roster of endless new
 * strings cannot make us send endless queries. */
#define CAPS_ASKING 16

static void ask_caps(struct session *s, const char *to, const char *node, const char *ver)
{
    char *want = s->caps_asking < CAPS_ASKING ? strdup(ver) : NULL;
    if (!want) {
        caps_cache_forget(s->caps, ver); /* busy: ask again on a later presence */
        return;
    }
    char nodever[512];
    snprintf(nodever, sizeof nodever, "%s#%s", node, ver);
    mxml_node_t *iq = stanza_new("iq");
    stanza_set_attr(iq, "type", "get");
    stanza_set_attr(iq, "to", to);
    mxml_node_t *q = stanza_add(iq, "query");
    stanza_set_attr(q, "xmlns", NS_DISCO_INFO);
    stanza_set_attr(q, "node", nodever);
    if (session_iq(s, iq, 0, on_caps, want) == 0) {
        s->caps_asking++;
    } else {
        caps_cache_forget(s->caps, ver);
        free(want);
    }
    mxmlDelete(iq);
}

char *disco_client_of(struct session *s, mxml_node_t *presence, const char *from)
{
    mxml_node_t *c = stanza_child(presence, NS_CAPS, "c");
    const char *node = c ? stanza_attr(c, "node") : NULL;
    const char *ver = c ? stanza_attr(c, "ver") : NULL;
    const char *hash = c ? stanza_attr(c, "hash") : NULL;
    if (!node || !ver || !hash)
        return node ? strdup(node) : NULL;
    const char *name = caps_cache_name(s->caps, ver);
    if (name)
        return strdup(name);
    /* Our own presence, reflected by the server: no need to ask
     * ourselves what we are. */
    if (s->full && s->caps_ver && strcmp(from, s->full) == 0 && strcmp(ver, s->caps_ver) == 0)
        return strdup(caps_self_identity.name);
    /* Only SHA-1 can be verified here (XEP-0115 §5.1 mandates it). */
    if (strcmp(hash, "sha-1") == 0 && caps_cache_want(s->caps, ver))
        ask_caps(s, from, node, ver);
    size_t n = strlen(node) + strlen(ver) + 2;
    char *label = malloc(n);
    if (label)
        snprintf(label, n, "%s#%s", node, ver);
    return label;
}

/* The verification string of a disco#info answer, and its client name. */
static char *answer_ver(mxml_node_t *query, char **name)
{
    struct caps_identity ids[MAX_IDENTITIES];
    const char *features[MAX_FEATURES];
    size_t nids = 0, nf = 0;
    *name = NULL;
    for (mxml_node_t *e = stanza_first_element(query); e; e = stanza_next_element(e)) {
        if (stanza_is(e, NS_DISCO_INFO, "identity") && nids < MAX_IDENTITIES) {
            struct caps_identity *id = &ids[nids];
            id->category = stanza_attr(e, "category");
            id->type = stanza_attr(e, "type");
            id->lang = stanza_attr(e, "xml:lang");
            id->name = stanza_attr(e, "name");
            if (!id->category || !id->type)
                return NULL;
            if (!*name && id->name && strcmp(id->category, "client") == 0)
                *name = (char *)id->name;
            nids++;
        } else if (stanza_is(e, NS_DISCO_INFO, "feature") && nf < MAX_FEATURES) {
            if (!stanza_attr(e, "var"))
                return NULL;
            features[nf++] = stanza_attr(e, "var");
        } else if (stanza_is(e, NS_DATA, "x")) {
            return NULL; /* extended forms: not hashed here, so not trusted */
        }
    }
    return caps_ver(ids, nids, features, nf);
}

/* Give every resource announcing this string its client's name. */
static void name_resources(struct session *s, const char *ver, const char *name)
{
    size_t vlen = strlen(ver);
    for (size_t i = 0; i < roster_count(s->roster); i++) {
        struct roster_item *it = roster_at(s->roster, i);
        for (size_t r = 0; r < it->nres; r++) {
            char *client = it->res[r].client;
            size_t clen = client ? strlen(client) : 0;
            if (clen > vlen && client[clen - vlen - 1] == '#' &&
                strcmp(client + clen - vlen, ver) == 0) {
                char *copy = strdup(name);
                if (copy) {
                    free(client);
                    it->res[r].client = copy;
                }
            }
        }
    }
}

/* The answer is believed only if its features hash to the string asked
 * (XEP-0115 §5.4); the context is that string. */
static void on_caps(struct session *s, enum iq_outcome how, mxml_node_t *iq, void *ctx)
{
    char *ver = ctx;
    s->caps_asking--;
    mxml_node_t *query = how == IQ_RESULT ? stanza_child(iq, NS_DISCO_INFO, "query") : NULL;
    char *name = NULL;
    char *got = query ? answer_ver(query, &name) : NULL;
    if (got && strcmp(got, ver) == 0) {
        caps_cache_set(s->caps, ver, name ? name : "unnamed client");
        name_resources(s, ver, name ? name : "unnamed client");
    } else if (how != IQ_GONE) {
        caps_cache_forget(s->caps, ver); /* wrong or no answer: believe nothing */
    }
    free(got);
    free(ver);
}

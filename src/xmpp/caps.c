/* SPDX-License-Identifier: GPL-3.0-or-later */
/* caps.c - XEP-0115 entity capabilities. The verification string hashes
 * our sorted identities and features, so that a server or contact who has
 * seen the same string once knows our features without asking again. The
 * cache does the same for us: one disco#info query per distinct string,
 * whatever the roster's size. Its size is bounded so that a hostile peer
 * sending endless new strings cannot make it grow. */

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "xmpp/caps.h"
#include "xml/base64.h"

#define CACHE_MAX 256

const struct caps_identity caps_self_identity = {"client", "console", NULL, "tuktuk"};
const char *const caps_self_features[] = {
    "http://jabber.org/protocol/caps",
    "http://jabber.org/protocol/disco#info",
    "jabber:iq:version",
    "http://jabber.org/protocol/chatstates",
    "urn:xmpp:message-correct:0",
    "urn:xmpp:ping",
    "urn:xmpp:receipts",
    "urn:xmpp:time",
    "eu.siacs.conversations.axolotl.devicelist+notify", /* XEP-0384 0.3, XEP-0163 */
};
const size_t caps_self_nfeatures = sizeof caps_self_features / sizeof caps_self_features[0];

/* A growing string; out of memory leaves ok false. */
struct text {
    char *p;
    size_t len, cap;
    bool ok;
};

static void put(struct text *t, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (!t->ok)
        return;
    if (t->len + n + 1 > t->cap) {
        size_t cap = (t->len + n + 1) * 2;
        char *p = realloc(t->p, cap);
        if (!p) {
            t->ok = false;
            return;
        }
        t->p = p;
        t->cap = cap;
    }
    memcpy(t->p + t->len, s ? s : "", n);
    t->len += n;
    t->p[t->len] = '\0';
}

static int cmp_identity(const void *a, const void *b)
{
    const struct caps_identity *x = *(const struct caps_identity *const *)a;
    const struct caps_identity *y = *(const struct caps_identity *const *)b;
    const char *xs[] = {x->category, x->type, x->lang ? x->lang : "", x->name ? x->name : ""};
    const char *ys[] = {y->category, y->type, y->lang ? y->lang : "", y->name ? y->name : ""};
    for (int i = 0; i < 4; i++) {
        int c = strcmp(xs[i], ys[i]);
        if (c)
            return c;
    }
    return 0;
}

static int cmp_string(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* XEP-0115 §5.1: "category/type/lang/name<" for each identity, then
 * "feature<" for each feature, each list sorted by octets. */
static bool build_input(struct text *t, const struct caps_identity *ids, size_t nids,
                        const char *const *features, size_t nfeatures)
{
    const struct caps_identity **sid = malloc((nids + 1) * sizeof *sid);
    const char **sf = malloc((nfeatures + 1) * sizeof *sf);
    if (!sid || !sf) {
        free(sid);
        free(sf);
        return false;
    }
    for (size_t i = 0; i < nids; i++)
        sid[i] = &ids[i];
    for (size_t i = 0; i < nfeatures; i++)
        sf[i] = features[i];
    if (nids)
        qsort(sid, nids, sizeof *sid, cmp_identity);
    if (nfeatures)
        qsort(sf, nfeatures, sizeof *sf, cmp_string);
    for (size_t i = 0; i < nids; i++) {
        const char *parts[] = {sid[i]->category, "/", sid[i]->type, "/",
                               sid[i]->lang,     "/", sid[i]->name, "<"};
        for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++)
            put(t, parts[k]);
    }
    for (size_t i = 0; i < nfeatures; i++) {
        put(t, sf[i]);
        put(t, "<");
    }
    free(sid);
    free(sf);
    return t->ok;
}

char *caps_ver(const struct caps_identity *ids, size_t nids, const char *const *features,
               size_t nfeatures)
{
    struct text t = {NULL, 0, 0, true};
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned dlen = 0;
    char *ver = NULL;
    if (build_input(&t, ids, nids, features, nfeatures) &&
        EVP_Digest(t.p, t.len, digest, &dlen, EVP_sha1(), NULL) == 1)
        ver = base64_encode(digest, dlen);
    free(t.p);
    return ver;
}

/* --- the cache --- */

struct caps_entry {
    char *ver;
    char *name; /* NULL while the query is pending */
};

struct caps_cache {
    struct caps_entry e[CACHE_MAX];
    size_t n;
    size_t next_evict; /* oldest entry to replace once full */
};

struct caps_cache *caps_cache_new(void)
{
    return calloc(1, sizeof(struct caps_cache));
}

void caps_cache_free(struct caps_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        free(c->e[i].ver);
        free(c->e[i].name);
    }
    free(c);
}

static struct caps_entry *find(const struct caps_cache *c, const char *ver)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->e[i].ver, ver) == 0)
            return (struct caps_entry *)&c->e[i];
    return NULL;
}

const char *caps_cache_name(const struct caps_cache *c, const char *ver)
{
    const struct caps_entry *e = ver ? find(c, ver) : NULL;
    return e ? e->name : NULL;
}

bool caps_cache_want(struct caps_cache *c, const char *ver)
{
    if (!ver || !*ver || find(c, ver))
        return false;
    struct caps_entry *e;
    if (c->n < CACHE_MAX) {
        e = &c->e[c->n++];
    } else {
        e = &c->e[c->next_evict];
        c->next_evict = (c->next_evict + 1) % CACHE_MAX;
        free(e->ver);
        free(e->name);
    }
    e->ver = strdup(ver);
    e->name = NULL;
    if (!e->ver) {
        *e = c->e[--c->n];
        return false;
    }
    return true;
}

void caps_cache_set(struct caps_cache *c, const char *ver, const char *name)
{
    struct caps_entry *e = find(c, ver);
    if (!e || !name)
        return;
    free(e->name);
    e->name = strdup(name);
}

void caps_cache_forget(struct caps_cache *c, const char *ver)
{
    struct caps_entry *e = find(c, ver);
    if (!e || e->name)
        return;
    free(e->ver);
    *e = c->e[--c->n];
    if (c->next_evict >= c->n)
        c->next_evict = 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* omemo.c - OMEMO 0.3 (XEP-0384 version 0.3, eu.siacs.conversations.axolotl)
 * on the wire. Each device of an account publishes its id in the
 * account's device list node and its keys in its own bundle node, both in
 * PEP (XEP-0163) with an open access model, so that anyone may start a
 * session with it. We follow contacts' lists through PEP notifications
 * (the +notify feature in our caps) and fetch lists and bundles on
 * demand. Messages carry an <encrypted> element with a header (our
 * device id, one key per recipient device, the IV) and a payload.
 *
 * Everything here is bytes in and bytes out: the keys and ciphertexts
 * come from and go to core/omemo.c through SESSION_EV_OMEMO events and
 * the session_omemo_* calls. Every reader is bounded (xmpp/omemo.h): a
 * device list of thousands, a key of megabytes or a bundle with a
 * thousand prekeys is refused with one line, not followed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xml/base64.h"
#include "xml/stanza.h"
#include "xmpp/omemo.h"
#include "xmpp/session_priv.h"

#define NODE_DEVICES NS_OMEMO ".devicelist"
#define NODE_BUNDLES NS_OMEMO ".bundles:"

/* ---- bounded readers and writers ------------------------------------- */

static void blob_clear(struct omemo_blob *b)
{
    free(b->p);
    b->p = NULL;
    b->n = 0;
}

void omemo_bundle_clear(struct omemo_bundle *b)
{
    blob_clear(&b->spk);
    blob_clear(&b->spk_sig);
    blob_clear(&b->ik);
    for (size_t i = 0; i < b->nprekeys; i++)
        blob_clear(&b->prekeys[i].pub);
    free(b->prekeys);
    memset(b, 0, sizeof *b);
}

void omemo_element_clear(struct omemo_element *e)
{
    blob_clear(&e->iv);
    blob_clear(&e->payload);
    for (size_t i = 0; i < e->nkeys; i++)
        blob_clear(&e->keys[i].data);
    free(e->keys);
    memset(e, 0, sizeof *e);
}

/* A text node's base64 into b; false when absent, too long or bad. */
static bool read_b64(mxml_node_t *el, size_t max, struct omemo_blob *b)
{
    char *t = el ? stanza_text(el) : NULL;
    size_t n = t ? strlen(t) : 0;
    bool ok = t && n > 0 && n <= max && (b->p = base64_decode(t, n, &b->n)) != NULL && b->n > 0;
    free(t);
    if (!ok)
        blob_clear(b);
    return ok;
}

/* A decimal id 1 .. 2^31-1 (every client keeps ids in a signed int). */
static bool read_id(const char *s, uint32_t *out)
{
    if (!s || !*s || strlen(s) > 10)
        return false;
    uint64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    if (v == 0 || v > 0x7FFFFFFF)
        return false;
    *out = (uint32_t)v;
    return true;
}

static int fail(char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "%s", what);
    return -1;
}

int omemo_element_parse(mxml_node_t *enc, struct omemo_element *e, char *err, size_t errlen)
{
    memset(e, 0, sizeof *e);
    mxml_node_t *h = stanza_child(enc, NS_OMEMO, "header");
    if (!h || !read_id(stanza_attr(h, "sid"), &e->sid))
        return fail(err, errlen, "its header or sender device id is missing or bad");
    size_t n = 0;
    for (mxml_node_t *k = stanza_child(h, NS_OMEMO, "key"); k; k = stanza_next(k, NS_OMEMO, "key"))
        if (++n > OMEMO_MAX_KEYS)
            return fail(err, errlen, "it has too many keys");
    e->keys = calloc(n ? n : 1, sizeof *e->keys);
    if (!e->keys)
        return fail(err, errlen, "out of memory");
    const char *bad = NULL;
    for (mxml_node_t *k = stanza_child(h, NS_OMEMO, "key"); k && !bad;
         k = stanza_next(k, NS_OMEMO, "key")) {
        struct omemo_key *key = &e->keys[e->nkeys];
        const char *pk = stanza_attr(k, "prekey");
        key->prekey = pk && (strcmp(pk, "true") == 0 || strcmp(pk, "1") == 0);
        if (!read_id(stanza_attr(k, "rid"), &key->rid) || !read_b64(k, OMEMO_MAX_B64, &key->data))
            bad = "one of its keys is malformed";
        else
            e->nkeys++;
    }
    if (!bad && !read_b64(stanza_child(h, NS_OMEMO, "iv"), OMEMO_MAX_B64, &e->iv))
        bad = "its IV is missing or malformed";
    if (!bad && (e->iv.n < 12 || e->iv.n > 16))
        bad = "its IV has a bad length";
    mxml_node_t *p = stanza_child(enc, NS_OMEMO, "payload");
    if (!bad && p && !read_b64(p, OMEMO_MAX_PAYLOAD, &e->payload))
        bad = "its payload is malformed or too large";
    if (!bad && e->nkeys == 0)
        bad = "it has no keys";
    if (bad) {
        omemo_element_clear(e);
        return fail(err, errlen, bad);
    }
    return 0;
}

static bool add_b64(mxml_node_t *parent, const char *name, const struct omemo_blob *b)
{
    char *t = base64_encode(b->p, b->n);
    mxml_node_t *el = t ? stanza_add_text_child(parent, name, t) : NULL;
    free(t);
    return el != NULL;
}

static mxml_node_t *add_b64_el(mxml_node_t *parent, const char *name, const struct omemo_blob *b)
{
    return add_b64(parent, name, b) ? mxmlGetLastChild(parent) : NULL;
}

int omemo_element_build(mxml_node_t *parent, const struct omemo_element *e)
{
    char num[16];
    mxml_node_t *enc = stanza_add(parent, "encrypted");
    stanza_set_attr(enc, "xmlns", NS_OMEMO);
    mxml_node_t *h = stanza_add(enc, "header");
    snprintf(num, sizeof num, "%u", e->sid);
    int rc = stanza_set_attr(h, "sid", num);
    for (size_t i = 0; i < e->nkeys; i++) {
        mxml_node_t *k = add_b64_el(h, "key", &e->keys[i].data);
        snprintf(num, sizeof num, "%u", e->keys[i].rid);
        rc |= k ? stanza_set_attr(k, "rid", num) : -1;
        if (k && e->keys[i].prekey)
            rc |= stanza_set_attr(k, "prekey", "true");
    }
    rc |= add_b64(h, "iv", &e->iv) ? 0 : -1;
    if (e->payload.p)
        rc |= add_b64(enc, "payload", &e->payload) ? 0 : -1;
    return rc ? -1 : 0;
}

int omemo_devicelist_parse(mxml_node_t *list, uint32_t **ids, size_t *n, char *err, size_t errlen)
{
    *ids = NULL;
    *n = 0;
    size_t count = 0;
    for (mxml_node_t *d = stanza_child(list, NS_OMEMO, "device"); d;
         d = stanza_next(d, NS_OMEMO, "device"))
        if (++count > OMEMO_MAX_DEVICES)
            return fail(err, errlen, "its device list is too long");
    *ids = calloc(count ? count : 1, sizeof **ids);
    if (!*ids)
        return fail(err, errlen, "out of memory");
    for (mxml_node_t *d = stanza_child(list, NS_OMEMO, "device"); d;
         d = stanza_next(d, NS_OMEMO, "device")) {
        uint32_t id;
        bool dup = false;
        if (!read_id(stanza_attr(d, "id"), &id))
            continue; /* one bad entry does not hide the good ones */
        for (size_t i = 0; i < *n && !dup; i++)
            dup = (*ids)[i] == id;
        if (!dup)
            (*ids)[(*n)++] = id;
    }
    return 0;
}

int omemo_bundle_parse(mxml_node_t *bundle, uint32_t device, struct omemo_bundle *b, char *err,
                       size_t errlen)
{
    memset(b, 0, sizeof *b);
    b->device = device;
    mxml_node_t *spk = stanza_child(bundle, NS_OMEMO, "signedPreKeyPublic");
    mxml_node_t *pks = stanza_child(bundle, NS_OMEMO, "prekeys");
    const char *bad = NULL;
    if (!spk || !read_id(stanza_attr(spk, "signedPreKeyId"), &b->spk_id) ||
        !read_b64(spk, OMEMO_MAX_B64, &b->spk) ||
        !read_b64(stanza_child(bundle, NS_OMEMO, "signedPreKeySignature"), OMEMO_MAX_B64,
                  &b->spk_sig) ||
        !read_b64(stanza_child(bundle, NS_OMEMO, "identityKey"), OMEMO_MAX_B64, &b->ik))
        bad = "its bundle lacks a key or has a malformed one";
    if (!bad && !(b->prekeys = calloc(OMEMO_MAX_PREKEYS, sizeof *b->prekeys)))
        bad = "out of memory";
    for (mxml_node_t *p = bad ? NULL : stanza_child(pks, NS_OMEMO, "preKeyPublic");
         p && b->nprekeys < OMEMO_MAX_PREKEYS; p = stanza_next(p, NS_OMEMO, "preKeyPublic")) {
        struct omemo_prekey *k = &b->prekeys[b->nprekeys];
        if (read_id(stanza_attr(p, "preKeyId"), &k->id) && read_b64(p, OMEMO_MAX_B64, &k->pub))
            b->nprekeys++;
    }
    if (!bad && b->nprekeys == 0)
        bad = "its bundle has no usable prekey";
    if (bad) {
        omemo_bundle_clear(b);
        return fail(err, errlen, bad);
    }
    return 0;
}

/* ---- events ---------------------------------------------------------- */

static void emit_devices(struct session *s, const char *jid, const uint32_t *ids, size_t n,
                         const char *condition)
{
    struct session_event ev = {.type = SESSION_EV_OMEMO,
                               .sub_type = "devices",
                               .jid = jid,
                               .omemo_devices = ids,
                               .omemo_ndevices = n,
                               .condition = condition};
    session_emit(s, &ev);
}

static void emit_bundle(struct session *s, const char *jid, uint32_t device,
                        const struct omemo_bundle *b, const char *condition)
{
    struct session_event ev = {.type = SESSION_EV_OMEMO,
                               .sub_type = "bundle",
                               .jid = jid,
                               .omemo_device = device,
                               .omemo_bundle = b,
                               .condition = condition};
    session_emit(s, &ev);
}

static void emit_list(struct session *s, const char *jid, mxml_node_t *list)
{
    uint32_t *ids = NULL;
    size_t n = 0;
    char err[128];
    if (omemo_devicelist_parse(list, &ids, &n, err, sizeof err) < 0)
        emit_devices(s, jid, NULL, 0, err);
    else
        emit_devices(s, jid, ids, n, NULL);
    free(ids);
}

/* XEP-0163 §4.3: a notification of a device list we follow. Only from a
 * bare JID (the account's own PEP service), else it is not PEP. */
bool omemo_pep_event(struct session *s, mxml_node_t *m)
{
    mxml_node_t *ev = stanza_child(m, NS_PUBSUB_EVENT, "event");
    mxml_node_t *items = ev ? stanza_child(ev, NS_PUBSUB_EVENT, "items") : NULL;
    const char *node = items ? stanza_attr(items, "node") : NULL;
    if (!node || strcmp(node, NODE_DEVICES) != 0)
        return false;
    const char *from = stanza_attr(m, "from");
    char *bare = from ? jid_bare_of(from) : strdup(s->bare);
    if (bare && (!from || !jid_resource_of(from))) {
        mxml_node_t *it = stanza_child(items, NS_PUBSUB_EVENT, "item");
        emit_list(s, bare, it ? stanza_child(it, NS_OMEMO, "list") : NULL);
    }
    free(bare);
    return true;
}

/* ---- fetching -------------------------------------------------------- */

struct fetch {
    char *jid;
    uint32_t device;
};

static mxml_node_t *items_iq(const char *jid, const char *node)
{
    mxml_node_t *iq = stanza_new("iq");
    stanza_set_attr(iq, "type", "get");
    if (jid)
        stanza_set_attr(iq, "to", jid);
    mxml_node_t *ps = stanza_add(iq, "pubsub");
    stanza_set_attr(ps, "xmlns", NS_PUBSUB);
    mxml_node_t *items = stanza_add(ps, "items");
    stanza_set_attr(items, "node", node);
    stanza_set_attr(items, "max_items", "1");
    return iq;
}

static mxml_node_t *first_item_payload(mxml_node_t *iq, const char *local)
{
    mxml_node_t *ps = stanza_child(iq, NS_PUBSUB, "pubsub");
    mxml_node_t *items = ps ? stanza_child(ps, NS_PUBSUB, "items") : NULL;
    mxml_node_t *it = items ? stanza_child(items, NS_PUBSUB, "item") : NULL;
    return it ? stanza_child(it, NS_OMEMO, local) : NULL;
}

static void on_devices(struct session *s, enum iq_outcome how, mxml_node_t *iq, void *ctx)
{
    struct fetch *f = ctx;
    if (how == IQ_RESULT)
        emit_list(s, f->jid, first_item_payload(iq, "list"));
    else if (how == IQ_ERROR && strcmp(im_error_condition(iq), "item-not-found") == 0)
        emit_devices(s, f->jid, NULL, 0, NULL); /* no OMEMO there: an empty list */
    else if (how != IQ_GONE)
        emit_devices(s, f->jid, NULL, 0, how == IQ_ERROR ? im_error_condition(iq) : "timeout");
    free(f->jid);
    free(f);
}

static int fetch(struct session *s, const char *jid, uint32_t device, const char *node,
                 iq_answer_fn answer)
{
    char *bare = jid ? jid_bare_of(jid) : NULL;
    struct fetch *f = bare ? malloc(sizeof *f) : NULL;
    if (!f || !session_online(s)) {
        free(bare);
        free(f);
        return -1;
    }
    *f = (struct fetch){bare, device};
    mxml_node_t *iq = items_iq(jid_bare_equal(bare, s->bare) ? NULL : bare, node);
    int rc = session_iq(s, iq, 0, answer, f);
    mxmlDelete(iq);
    if (rc < 0) {
        free(bare);
        free(f);
    }
    return rc;
}

int session_omemo_fetch_devices(struct session *s, const char *jid)
{
    return fetch(s, jid, 0, NODE_DEVICES, on_devices);
}

static void on_bundle(struct session *s, enum iq_outcome how, mxml_node_t *iq, void *ctx)
{
    struct fetch *f = ctx;
    if (how == IQ_RESULT) {
        struct omemo_bundle b;
        char err[128];
        if (omemo_bundle_parse(first_item_payload(iq, "bundle"), f->device, &b, err,
                               sizeof err) == 0)
            emit_bundle(s, f->jid, f->device, &b, NULL);
        else
            emit_bundle(s, f->jid, f->device, NULL, err);
        omemo_bundle_clear(&b);
    } else if (how != IQ_GONE) {
        emit_bundle(s, f->jid, f->device, NULL,
                    how == IQ_ERROR ? im_error_condition(iq) : "timeout");
    }
    free(f->jid);
    free(f);
}

int session_omemo_fetch_bundle(struct session *s, const char *jid, uint32_t device)
{
    char node[sizeof NODE_BUNDLES + 16];
    snprintf(node, sizeof node, NODE_BUNDLES "%u", device);
    return fetch(s, jid, device, node, on_bundle);
}

/* ---- publishing ------------------------------------------------------ */

static void add_field(mxml_node_t *x, const char *var, const char *value, const char *type)
{
    mxml_node_t *f = stanza_add(x, "field");
    stanza_set_attr(f, "var", var);
    if (type)
        stanza_set_attr(f, "type", type);
    stanza_add_text_child(f, "value", value);
}

/* XEP-0384 §4.3 (0.3): both nodes must be readable by anyone who wants
 * to write to us, whatever our roster says: the open access model. */
static void add_open_options(mxml_node_t *parent, const char *form_type)
{
    mxml_node_t *x = stanza_add(parent, "x");
    stanza_set_attr(x, "xmlns", NS_DATA);
    stanza_set_attr(x, "type", "submit");
    add_field(x, "FORM_TYPE", form_type, "hidden");
    add_field(x, "pubsub#access_model", "open", NULL);
}

struct publish {
    char *node;
    char *xml; /* the publish, kept to send again after configuring */
    bool configured;
};

static void publish_free(struct publish *p)
{
    free(p->node);
    free(p->xml);
    free(p);
}

static void emit_published(struct session *s, const char *node, const char *condition)
{
    struct session_event ev = {
        .type = SESSION_EV_OMEMO, .sub_type = "published", .text = node, .condition = condition};
    session_emit(s, &ev);
}

static void on_configured(struct session *s, enum iq_outcome how, mxml_node_t *iq, void *ctx);

/* A node made earlier with another access model refuses the options
 * (precondition-not-met, XEP-0060 §7.1.5): configure it, publish again. */
static void on_published(struct session *s, enum iq_outcome how, mxml_node_t *iq, void *ctx)
{
    struct publish *p = ctx;
    const char *cond = how == IQ_ERROR ? im_error_condition(iq) : NULL;
    if (cond && strcmp(cond, "precondition-not-met") == 0 && !p->configured) {
        p->configured = true;
        mxml_node_t *c = stanza_new("iq");
        stanza_set_attr(c, "type", "set");
        mxml_node_t *ps = stanza_add(c, "pubsub");
        stanza_set_attr(ps, "xmlns", NS_PUBSUB_OWNER);
        mxml_node_t *conf = stanza_add(ps, "configure");
        stanza_set_attr(conf, "node", p->node);
        add_open_options(conf, NS_PUBSUB "#node_config");
        int rc = session_iq(s, c, 0, on_configured, p);
        mxmlDelete(c);
        if (rc == 0)
            return;
    }
    if (how != IQ_GONE)
        emit_published(s, p->node,
                       how == IQ_RESULT ? NULL : how == IQ_TIMEOUT ? "timeout" : cond);
    publish_free(p);
}

static void on_configured(struct session *s, enum iq_outcome how, mxml_node_t *iq, void *ctx)
{
    struct publish *p = ctx;
    mxml_node_t *again = how == IQ_RESULT ? stanza_parse(p->xml, strlen(p->xml), NULL, 0) : NULL;
    if (again) {
        int rc = session_iq(s, again, 0, on_published, p);
        mxmlDelete(again);
        if (rc == 0)
            return;
    }
    if (how != IQ_GONE)
        emit_published(s, p->node, how == IQ_ERROR ? im_error_condition(iq) : "not configured");
    publish_free(p);
}

/* Publishes payload (owned by us from here) as item "current" of node. */
static int publish(struct session *s, const char *node, mxml_node_t *iq, mxml_node_t *ps)
{
    add_open_options(stanza_add(ps, "publish-options"), NS_PUBSUB "#publish-options");
    struct publish *p = calloc(1, sizeof *p);
    int rc = -1;
    if (p && (p->node = strdup(node)) && (p->xml = stanza_serialize(iq, NULL)) &&
        session_online(s))
        rc = session_iq(s, iq, 0, on_published, p);
    mxmlDelete(iq);
    if (rc < 0 && p)
        publish_free(p);
    return rc;
}

static mxml_node_t *publish_iq(const char *node, const char *local, mxml_node_t **payload,
                               mxml_node_t **ps)
{
    mxml_node_t *iq = stanza_new("iq");
    stanza_set_attr(iq, "type", "set");
    *ps = stanza_add(iq, "pubsub");
    stanza_set_attr(*ps, "xmlns", NS_PUBSUB);
    mxml_node_t *pub = stanza_add(*ps, "publish");
    stanza_set_attr(pub, "node", node);
    mxml_node_t *item = stanza_add(pub, "item");
    stanza_set_attr(item, "id", "current");
    *payload = stanza_add(item, local);
    stanza_set_attr(*payload, "xmlns", NS_OMEMO);
    return iq;
}

int session_omemo_publish_devices(struct session *s, const uint32_t *ids, size_t n)
{
    mxml_node_t *list, *ps;
    mxml_node_t *iq = publish_iq(NODE_DEVICES, "list", &list, &ps);
    for (size_t i = 0; i < n; i++) {
        char num[16];
        snprintf(num, sizeof num, "%u", ids[i]);
        stanza_set_attr(stanza_add(list, "device"), "id", num);
    }
    return publish(s, NODE_DEVICES, iq, ps);
}

int session_omemo_publish_bundle(struct session *s, const struct omemo_bundle *b)
{
    char node[sizeof NODE_BUNDLES + 16], num[16];
    snprintf(node, sizeof node, NODE_BUNDLES "%u", b->device);
    mxml_node_t *bundle, *ps;
    mxml_node_t *iq = publish_iq(node, "bundle", &bundle, &ps);
    mxml_node_t *spk = add_b64_el(bundle, "signedPreKeyPublic", &b->spk);
    snprintf(num, sizeof num, "%u", b->spk_id);
    bool ok = spk && stanza_set_attr(spk, "signedPreKeyId", num) == 0 &&
              add_b64(bundle, "signedPreKeySignature", &b->spk_sig) &&
              add_b64(bundle, "identityKey", &b->ik);
    mxml_node_t *pks = stanza_add(bundle, "prekeys");
    for (size_t i = 0; ok && i < b->nprekeys; i++) {
        mxml_node_t *p = add_b64_el(pks, "preKeyPublic", &b->prekeys[i].pub);
        snprintf(num, sizeof num, "%u", b->prekeys[i].id);
        ok = p && stanza_set_attr(p, "preKeyId", num) == 0;
    }
    if (!ok) {
        mxmlDelete(iq);
        return -1;
    }
    return publish(s, node, iq, ps);
}

/* ---- messages -------------------------------------------------------- */

int session_send_omemo(struct session *s, const char *to, const struct omemo_element *e,
                       const char *fallback, char *id_out, size_t id_len)
{
    char id[32];
    char *bare = to ? jid_bare_of(to) : NULL;
    if (!bare || !session_online(s)) {
        free(bare);
        return -1;
    }
    free(bare);
    session_next_id(s, id, sizeof id);
    mxml_node_t *m = stanza_new("message");
    int rc = stanza_set_attr(m, "to", to) | stanza_set_attr(m, "type", "chat") |
             stanza_set_attr(m, "id", id);
    rc |= omemo_element_build(m, e);
    if (fallback)
        rc |= stanza_add_text_child(m, "body", fallback) ? 0 : -1;
    /* XEP-0380 names the encryption for clients without it; XEP-0334
     * asks the archive to keep a message that may have no body. */
    mxml_node_t *eme = stanza_add(m, "encryption");
    rc |= stanza_set_attr(eme, "xmlns", NS_EME) | stanza_set_attr(eme, "namespace", NS_OMEMO) |
          stanza_set_attr(eme, "name", "OMEMO");
    rc |= stanza_set_attr(stanza_add(m, "store"), "xmlns", NS_HINTS);
    return im_send_message_node(s, m, id, e->payload.p != NULL, rc, id_out, id_len);
}

/* The <encrypted> of a received message, for im.c: 1 read into e, 0
 * none, -1 malformed (err says why). */
int omemo_read_message(mxml_node_t *m, struct omemo_element *e, char *err, size_t errlen)
{
    mxml_node_t *enc = stanza_child(m, NS_OMEMO, "encrypted");
    if (!enc)
        return 0;
    return omemo_element_parse(enc, e, err, errlen) == 0 ? 1 : -1;
}

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
 * the session_omemo_* calls; the XML itself is read and written by
 * omemoxml.c, within bounds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xml/stanza.h"
#include "xmpp/omemo.h"
#include "xmpp/session_priv.h"

#define NODE_DEVICES NS_OMEMO ".devicelist"
#define NODE_BUNDLES NS_OMEMO ".bundles:"

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
    /* An error answer (item-not-found, forbidden from a service that is no
     * account...) says there is no list we may read: no OMEMO there, an
     * empty list. No answer at all says nothing: "timeout". */
    if (how == IQ_RESULT)
        emit_list(s, f->jid, first_item_payload(iq, "list"));
    else if (how == IQ_ERROR)
        emit_devices(s, f->jid, NULL, 0, NULL);
    else if (how == IQ_TIMEOUT)
        emit_devices(s, f->jid, NULL, 0, "timeout");
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
        if (omemo_bundle_parse(first_item_payload(iq, "bundle"), f->device, &b, err, sizeof err) ==
            0)
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
        emit_published(s, p->node, how == IQ_RESULT ? NULL : how == IQ_TIMEOUT ? "timeout" : cond);
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
    if (p && (p->node = strdup(node)) && (p->xml = stanza_serialize(iq, NULL)) && session_online(s))
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
    mxml_node_t *spk = omemo_add_b64_el(bundle, "signedPreKeyPublic", &b->spk);
    snprintf(num, sizeof num, "%u", b->spk_id);
    bool ok = spk && stanza_set_attr(spk, "signedPreKeyId", num) == 0 &&
              omemo_add_b64(bundle, "signedPreKeySignature", &b->spk_sig) &&
              omemo_add_b64(bundle, "identityKey", &b->ik);
    mxml_node_t *pks = stanza_add(bundle, "prekeys");
    for (size_t i = 0; ok && i < b->nprekeys; i++) {
        mxml_node_t *p = omemo_add_b64_el(pks, "preKeyPublic", &b->prekeys[i].pub);
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

static int send_omemo(struct session *s, const char *to, const struct omemo_element *e,
                      const char *fallback, const char *replace_id, const char *given,
                      char *id_out, size_t id_len)
{
    char id[64];
    char *bare = to ? jid_bare_of(to) : NULL;
    /* A message (it has a fallback body) waits in the outbox while we are
     * offline, encrypted already; a key transport answers a message that
     * just came, and would be stale later. */
    if (!bare || (!fallback && !session_online(s))) {
        free(bare);
        return -1;
    }
    /* A room of ours gets a groupchat message (XEP-0384 in rooms). */
    const char *type = muc_find(&s->mucs, bare) ? "groupchat" : "chat";
    free(bare);
    if (given)
        snprintf(id, sizeof id, "%s", given);
    else
        session_next_id(s, id, sizeof id);
    mxml_node_t *m = stanza_new("message");
    int rc = stanza_set_attr(m, "to", to) | stanza_set_attr(m, "type", type) |
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
    if (replace_id) {
        mxml_node_t *r = stanza_add(m, "replace");
        rc |= stanza_set_attr(r, "xmlns", NS_CORRECT) | stanza_set_attr(r, "id", replace_id);
    }
    /* The outbox keeps this stanza as built, never the text (body NULL). */
    struct session_message kept = {.to = to, .type = type, .id = id};
    return im_send_message_node(s, m, id, e->payload.p != NULL && type[0] == 'c', rc,
                                fallback ? &kept : NULL,
                                false, id_out, id_len);
}

int session_send_omemo(struct session *s, const char *to, const struct omemo_element *e,
                       const char *fallback, const char *replace_id, char *id_out, size_t id_len)
{
    return send_omemo(s, to, e, fallback, replace_id, NULL, id_out, id_len);
}

int session_send_omemo_as(struct session *s, const char *to, const struct omemo_element *e,
                          const char *fallback, const char *id)
{
    return send_omemo(s, to, e, fallback, NULL, id, NULL, 0);
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

/* vcard.c - vCards: reading a contact's or our own, from vCard4 over PEP
 * (XEP-0292) where the account has one, else vcard-temp (XEP-0054); and
 * changing one field of ours. A change is read-modify-write: the
 * whole vCard is fetched, the one field replaced, and the whole card
 * published, so that fields tuktuk does not show (a photo, say) survive.
 * Prosody's mod_vcard_legacy mirrors it to vCard4 over PEP (XEP-0292). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xml/stanza.h"
#include "xmpp/session_priv.h"

#define NODE_VCARD4 "urn:xmpp:vcard4"

/* The fields we show: the name users type, the element, and for nested
 * fields the child that holds the text (XEP-0054 §3). A note is DESC in
 * vcard-temp, but servers that keep vCard4 (XEP-0292) give it back as
 * NOTE, so both are read and both replaced. */
static const struct {
    const char *field, *element, *child, *alias;
} fields[] = {
    {"FN", "FN", NULL, NULL},           {"NICKNAME", "NICKNAME", NULL, NULL},
    {"EMAIL", "EMAIL", "USERID", NULL}, {"URL", "URL", NULL, NULL},
    {"BDAY", "BDAY", NULL, NULL},       {"TEL", "TEL", "NUMBER", NULL},
    {"ORG", "ORG", "ORGNAME", NULL},    {"TITLE", "TITLE", NULL, NULL},
    {"NOTE", "DESC", NULL, "NOTE"},
};
#define NFIELDS (sizeof fields / sizeof fields[0])

/* The same fields in vCard4 (RFC 6351 §6): the property and the child
 * holding its value. */
static const struct {
    const char *property, *value;
} fields4[NFIELDS] = {
    {"fn", "text"}, {"nickname", "text"}, {"email", "text"}, {"url", "uri"},   {"bday", "date"},
    {"tel", "uri"}, {"org", "text"},      {"title", "text"}, {"note", "text"},
};

static char *field4_text(mxml_node_t *card, size_t i)
{
    mxml_node_t *p = stanza_child(card, NS_VCARD4, fields4[i].property);
    mxml_node_t *v = p ? stanza_child(p, NS_VCARD4, fields4[i].value) : NULL;
    if (p && !v) /* tel may be text, bday date-time: take the first value */
        v = stanza_first_element(p);
    char *text = v ? stanza_text(v) : NULL;
    if (text && !*text) {
        free(text);
        text = NULL;
    }
    return text;
}

static int field_index(const char *field)
{
    for (size_t i = 0; field && i < NFIELDS; i++)
        if (strcasecmp(fields[i].field, field) == 0)
            return (int)i;
    return -1;
}

static char *field_text(mxml_node_t *card, size_t i)
{
    mxml_node_t *e = stanza_child(card, NS_VCARD, fields[i].element);
    if (!e && fields[i].alias)
        e = stanza_child(card, NS_VCARD, fields[i].alias);
    if (e && fields[i].child)
        e = stanza_child(e, NS_VCARD, fields[i].child);
    char *text = e ? stanza_text(e) : NULL;
    if (text && !*text) {
        free(text);
        text = NULL;
    }
    return text;
}

static void emit_card_with(struct session *s, const char *jid, mxml_node_t *card, const char *cond,
                           char *(*read)(mxml_node_t *, size_t), bool set)
{
    char *v[NFIELDS] = {0};
    for (size_t i = 0; card && i < NFIELDS; i++)
        v[i] = read(card, i);
    struct session_vcard vc = {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]};
    struct session_event ev = {.type = SESSION_EV_VCARD,
                               .jid = jid,
                               .condition = cond,
                               .vcard = card ? &vc : NULL,
                               .sub_type = set ? "set" : NULL};
    session_emit(s, &ev);
    for (size_t i = 0; i < NFIELDS; i++)
        free(v[i]);
}

static void emit_card(struct session *s, const char *jid, mxml_node_t *card, const char *cond)
{
    emit_card_with(s, jid, card, cond, field_text, false);
}

/* The outcome of session_vcard_set: no card, only a condition. */
static void emit_set_outcome(struct session *s, const char *cond)
{
    emit_card_with(s, s->bare, NULL, cond, field_text, true);
}

static int send_get(struct session *s, const char *jid, char *id, size_t idlen)
{
    if (s->state != SESSION_ONLINE)
        return -1;
    session_next_id(s, id, idlen);
    mxml_node_t *iq = stanza_new("iq");
    stanza_set_attr(iq, "type", "get");
    stanza_set_attr(iq, "id", id);
    if (jid)
        stanza_set_attr(iq, "to", jid);
    stanza_set_attr(stanza_add(iq, "vCard"), "xmlns", NS_VCARD);
    int rc = session_send_node(s, iq, false);
    mxmlDelete(iq);
    return rc;
}

int session_vcard_request(struct session *s, const char *jid)
{
    if (s->state != SESSION_ONLINE)
        return -1;
    free(s->vcard4_jid);
    s->vcard4_jid = jid ? strdup(jid) : NULL;
    session_next_id(s, s->vcard4_id, sizeof s->vcard4_id);
    mxml_node_t *iq = stanza_new("iq");
    stanza_set_attr(iq, "type", "get");
    stanza_set_attr(iq, "id", s->vcard4_id);
    stanza_set_attr(iq, "to", jid ? jid : s->bare); /* PEP lives at the bare JID */
    mxml_node_t *ps = stanza_add(iq, "pubsub");
    stanza_set_attr(ps, "xmlns", NS_PUBSUB);
    mxml_node_t *items = stanza_add(ps, "items");
    stanza_set_attr(items, "node", NODE_VCARD4);
    stanza_set_attr(items, "max_items", "1");
    int rc = session_send_node(s, iq, false);
    mxmlDelete(iq);
    return rc;
}

/* The vCard4 answer, or the fallback to vcard-temp when there is none. */
static void vcard4_answer(struct session *s, mxml_node_t *iq, const char *from)
{
    s->vcard4_id[0] = '\0';
    mxml_node_t *items = stanza_child(stanza_child(iq, NS_PUBSUB, "pubsub"), NS_PUBSUB, "items");
    mxml_node_t *item = items ? stanza_child(items, NS_PUBSUB, "item") : NULL;
    mxml_node_t *card = item ? stanza_child(item, NS_VCARD4, "vcard") : NULL;
    if (card) {
        emit_card_with(s, from, card, "result", field4_text, false);
        return;
    }
    char *jid = s->vcard4_jid;
    s->vcard4_jid = NULL;
    if (send_get(s, jid, s->vcard_get_id, sizeof s->vcard_get_id) < 0)
        emit_card(s, from, NULL, "remote-server-not-found");
    free(jid);
}

int session_vcard_set(struct session *s, const char *field, const char *value)
{
    int i = field_index(field);
    if (i < 0 || (value && !stanza_valid_text(value, strlen(value))))
        return -1;
    free(s->vcard_value);
    s->vcard_value = value && *value ? strdup(value) : NULL;
    s->vcard_field = i;
    return send_get(s, NULL, s->vcard_fetch_id, sizeof s->vcard_fetch_id);
}

/* Replace the field in a copy of our card and publish it. */
static void publish(struct session *s, mxml_node_t *old)
{
    size_t i = (size_t)s->vcard_field;
    mxml_node_t *iq = stanza_new("iq");
    session_next_id(s, s->vcard_set_id, sizeof s->vcard_set_id);
    stanza_set_attr(iq, "type", "set");
    stanza_set_attr(iq, "id", s->vcard_set_id);
    mxml_node_t *card = stanza_add(iq, "vCard");
    stanza_set_attr(card, "xmlns", NS_VCARD);
    /* Keep every other element as it was, by moving it across. */
    mxml_node_t *e = old ? stanza_first_element(old) : NULL;
    while (e) {
        mxml_node_t *next = stanza_next_element(e);
        const char *name = stanza_local(e);
        if (strcmp(name, fields[i].element) != 0 &&
            !(fields[i].alias && strcmp(name, fields[i].alias) == 0))
            mxmlAdd(card, MXML_ADD_AFTER, MXML_ADD_TO_PARENT, e);
        e = next;
    }
    if (s->vcard_value) {
        mxml_node_t *f = stanza_add(card, fields[i].element);
        if (fields[i].child)
            stanza_add_text_child(f, fields[i].child, s->vcard_value);
        else
            stanza_add_text(f, s->vcard_value);
    }
    session_send_node(s, iq, false);
    mxmlDelete(iq);
}

static const char *condition_of(mxml_node_t *iq)
{
    const char *type = stanza_attr(iq, "type");
    return type && strcmp(type, "result") == 0 ? "result" : im_error_condition(iq);
}

bool vcard_answer(struct session *s, mxml_node_t *iq)
{
    const char *id = stanza_attr(iq, "id");
    if (!id)
        return false;
    const char *cond = condition_of(iq);
    mxml_node_t *card = stanza_child(iq, NS_VCARD, "vCard");
    const char *from = stanza_attr(iq, "from") ? stanza_attr(iq, "from") : s->bare;
    if (strcmp(id, s->vcard4_id) == 0) {
        vcard4_answer(s, iq, from);
        return true;
    }
    if (strcmp(id, s->vcard_get_id) == 0) {
        s->vcard_get_id[0] = '\0';
        bool ok = strcmp(cond, "result") == 0;
        /* No vCard yet is an empty one, not an error (XEP-0054 §3.1). */
        emit_card(s, from, ok || strcmp(cond, "item-not-found") == 0 ? card : NULL,
                  ok || !strcmp(cond, "item-not-found") ? "result" : cond);
        return true;
    }
    if (strcmp(id, s->vcard_fetch_id) == 0) {
        s->vcard_fetch_id[0] = '\0';
        if (strcmp(cond, "result") == 0 || strcmp(cond, "item-not-found") == 0)
            publish(s, card);
        else
            emit_set_outcome(s, cond);
        return true;
    }
    if (strcmp(id, s->vcard_set_id) == 0) {
        s->vcard_set_id[0] = '\0';
        emit_set_outcome(s, cond);
        return true;
    }
    return false;
}

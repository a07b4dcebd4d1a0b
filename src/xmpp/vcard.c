/* SPDX-License-Identifier: GPL-3.0-or-later */
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

/* The condition an answer gives the UI: "result", the error's, or
 * "timeout" / "gone" when none came. */
static const char *outcome(enum iq_outcome how, mxml_node_t *iq)
{
    switch (how) {
    case IQ_RESULT:
        return "result";
    case IQ_ERROR:
        return im_error_condition(iq);
    case IQ_TIMEOUT:
        return "remote-server-timeout";
    default:
        return "gone";
    }
}

/* A request about jid (NULL: ourselves), which the context keeps. */
static int ask(struct session *s, mxml_node_t *iq, iq_answer_fn answer, void *ctx)
{
    int rc = s->state == SESSION_ONLINE ? session_iq(s, iq, 0, answer, ctx) : -1;
    mxmlDelete(iq);
    return rc;
}

static mxml_node_t *temp_get(const char *jid)
{
    mxml_node_t *iq = stanza_new("iq");
    stanza_set_attr(iq, "type", "get");
    if (jid)
        stanza_set_attr(iq, "to", jid);
    stanza_set_attr(stanza_add(iq, "vCard"), "xmlns", NS_VCARD);
    return iq;
}

/* vcard-temp's answer to a look-up. */
static void on_temp(struct session *s, enum iq_outcome how, mxml_node_t *iq, void *ctx)
{
    char *jid = ctx;
    const char *cond = outcome(how, iq);
    bool ok = how == IQ_RESULT;
    /* No vCard yet is an empty one, not an error (XEP-0054 §3.1). */
    bool empty = strcmp(cond, "item-not-found") == 0;
    if (how != IQ_GONE)
        emit_card(s, jid ? jid : s->bare,
                  ok || empty ? stanza_child(iq, NS_VCARD, "vCard") : NULL,
                  ok || empty ? "result" : cond);
    free(jid);
}

/* The vCard4 answer, or the fallback to vcard-temp when there is none. */
static void on_vcard4(struct session *s, enum iq_outcome how, mxml_node_t *iq, void *ctx)
{
    char *jid = ctx;
    mxml_node_t *items = how == IQ_RESULT ? stanza_child(stanza_child(iq, NS_PUBSUB, "pubsub"),
                                                         NS_PUBSUB, "items")
                                          : NULL;
    mxml_node_t *item = items ? stanza_child(items, NS_PUBSUB, "item") : NULL;
    mxml_node_t *card = item ? stanza_child(item, NS_VCARD4, "vcard") : NULL;
    if (how == IQ_GONE) {
        free(jid);
    } else if (card) {
        emit_card_with(s, jid ? jid : s->bare, card, "result", field4_text, false);
        free(jid);
    } else if (ask(s, temp_get(jid), on_temp, jid) < 0) {
        emit_card(s, jid ? jid : s->bare, NULL, "remote-server-not-found");
        free(jid);
    }
}

int session_vcard_request(struct session *s, const char *jid)
{
    char *asked = jid ? strdup(jid) : NULL;
    if (jid && !asked)
        return -1;
    mxml_node_t *iq = stanza_new("iq");
    stanza_set_attr(iq, "type", "get");
    stanza_set_attr(iq, "to", jid ? jid : s->bare); /* PEP lives at the bare JID */
    mxml_node_t *ps = stanza_add(iq, "pubsub");
    stanza_set_attr(ps, "xmlns", NS_PUBSUB);
    mxml_node_t *items = stanza_add(ps, "items");
    stanza_set_attr(items, "node", NODE_VCARD4);
    stanza_set_attr(items, "max_items", "1");
    int rc = ask(s, iq, on_vcard4, asked);
    if (rc < 0)
        free(asked);
    return rc;
}

/* A change of one field: our card is read, the field replaced in it, and
 * the whole card published, so that the other fields stay. */
struct change {
    size_t field;
    char *value; /* NULL: remove the field */
};

static void change_free(struct change *c)
{
    free(c->value);
    free(c);
}

static void on_published(struct session *s, enum iq_outcome how, mxml_node_t *iq, void *ctx)
{
    (void)ctx;
    if (how != IQ_GONE)
        emit_set_outcome(s, outcome(how, iq));
}

/* Replace the field in a copy of our card and publish it. */
static void publish(struct session *s, mxml_node_t *old, const struct change *c)
{
    mxml_node_t *iq = stanza_new("iq");
    stanza_set_attr(iq, "type", "set");
    mxml_node_t *card = stanza_add(iq, "vCard");
    stanza_set_attr(card, "xmlns", NS_VCARD);
    /* Keep every other element as it was, by moving it across. */
    mxml_node_t *e = old ? stanza_first_element(old) : NULL;
    while (e) {
        mxml_node_t *next = stanza_next_element(e);
        const char *name = stanza_local(e);
        if (strcmp(name, fields[c->field].element) != 0 &&
            !(fields[c->field].alias && strcmp(name, fields[c->field].alias) == 0))
            mxmlAdd(card, MXML_ADD_AFTER, MXML_ADD_TO_PARENT, e);
        e = next;
    }
    if (c->value) {
        mxml_node_t *f = stanza_add(card, fields[c->field].element);
        if (fields[c->field].child)
            stanza_add_text_child(f, fields[c->field].child, c->value);
        else
            stanza_add_text(f, c->value);
    }
    if (ask(s, iq, on_published, NULL) < 0)
        emit_set_outcome(s, "gone");
}

static void on_own_card(struct session *s, enum iq_outcome how, mxml_node_t *iq, void *ctx)
{
    struct change *c = ctx;
    const char *cond = outcome(how, iq);
    if (how == IQ_RESULT || strcmp(cond, "item-not-found") == 0)
        publish(s, stanza_child(iq, NS_VCARD, "vCard"), c);
    else if (how != IQ_GONE)
        emit_set_outcome(s, cond);
    change_free(c);
}

int session_vcard_set(struct session *s, const char *field, const char *value)
{
    int i = field_index(field);
    if (i < 0 || (value && !stanza_valid_text(value, strlen(value))))
        return -1;
    struct change *c = calloc(1, sizeof *c);
    if (!c)
        return -1;
    c->field = (size_t)i;
    c->value = value && *value ? strdup(value) : NULL;
    if ((value && *value && !c->value) || ask(s, temp_get(NULL), on_own_card, c) < 0) {
        change_free(c);
        return -1;
    }
    return 0;
}

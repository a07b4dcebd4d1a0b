/* SPDX-License-Identifier: GPL-3.0-or-later */
/* register.c - in-band registration and password change, XEP-0077. With
 * --register the account is created right after TLS (never before: the
 * password must not cross the network in the clear), then SASL goes on
 * over the same stream. The server's fields are honoured: legacy fields
 * and data forms (XEP-0004) alike; a required field we cannot fill stops
 * the registration with a message that names it. */

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xml/stanza.h"
#include "xmpp/session_priv.h"

static mxml_node_t *new_register_iq(struct session *s, const char *type, const char *to, char *id,
                                    size_t idlen, mxml_node_t **query)
{
    mxml_node_t *iq = stanza_new("iq");
    stanza_set_attr(iq, "type", type);
    if (id) { /* else session_iq gives it one */
        session_next_id(s, id, idlen);
        stanza_set_attr(iq, "id", id);
    }
    if (to)
        stanza_set_attr(iq, "to", to);
    *query = stanza_add(iq, "query");
    stanza_set_attr(*query, "xmlns", NS_REGISTER);
    return iq;
}

void register_start(struct session *s, mxml_node_t *features)
{
    if (!s->password) {
        negotiate_need_password(s, "a password for the new account is needed");
        return;
    }
    free(s->saved_features);
    s->saved_features = stanza_serialize(features, NULL);
    mxml_node_t *query;
    mxml_node_t *iq = new_register_iq(s, "get", NULL, s->pending_id, sizeof s->pending_id, &query);
    session_send_node(s, iq, false);
    mxmlDelete(iq);
    s->register_submitted = false;
    s->phase = PHASE_REGISTER;
}

static const char *field_label(mxml_node_t *field)
{
    const char *label = stanza_attr(field, "label");
    return label ? label : stanza_attr(field, "var");
}

/* Fills a XEP-0004 form of type submit. Returns NULL on success, or the
 * label of a required field that we cannot fill. */
static const char *fill_form(struct session *s, mxml_node_t *form, mxml_node_t *query)
{
    mxml_node_t *x = stanza_add(query, "x");
    stanza_set_attr(x, "xmlns", NS_DATA);
    stanza_set_attr(x, "type", "submit");
    for (mxml_node_t *f = stanza_child(form, NS_DATA, "field"); f;
         f = stanza_next(f, NS_DATA, "field")) {
        const char *var = stanza_attr(f, "var");
        const char *type = stanza_attr(f, "type");
        if (!var || (type && strcmp(type, "fixed") == 0))
            continue;
        const char *value = NULL;
        char *given = NULL;
        if (strcmp(var, "username") == 0)
            value = s->jid.local;
        else if (strcmp(var, "password") == 0)
            value = s->password;
        else if (stanza_child(f, NS_DATA, "value"))
            value = given = stanza_text(stanza_child(f, NS_DATA, "value"));
        else if (stanza_child(f, NS_DATA, "required"))
            return field_label(f);
        if (value) {
            mxml_node_t *out = stanza_add(x, "field");
            stanza_set_attr(out, "var", var);
            stanza_add_text_child(out, "value", value);
        }
        free(given);
    }
    return NULL;
}

/* Legacy fields (XEP-0077 §3.1): every field listed is required. */
static const char *fill_legacy(struct session *s, mxml_node_t *answer, mxml_node_t *query)
{
    for (mxml_node_t *f = stanza_first_element(answer); f; f = stanza_next_element(f)) {
        const char *name = stanza_local(f);
        if (strcmp(stanza_ns(f), NS_REGISTER) != 0 || strcmp(name, "instructions") == 0)
            continue;
        if (strcmp(name, "username") == 0)
            stanza_add_text_child(query, "username", s->jid.local);
        else if (strcmp(name, "password") == 0)
            stanza_add_text_child(query, "password", s->password);
        else
            return name;
    }
    return NULL;
}

static void submit(struct session *s, mxml_node_t *answer)
{
    if (stanza_child(answer, NS_REGISTER, "registered")) {
        negotiate_fail(s, "registration: this account already exists (log in without --register)");
        return;
    }
    mxml_node_t *query;
    mxml_node_t *iq = new_register_iq(s, "set", NULL, s->pending_id, sizeof s->pending_id, &query);
    mxml_node_t *form = stanza_child(answer, NS_DATA, "x");
    const char *missing = form ? fill_form(s, form, query) : fill_legacy(s, answer, query);
    if (missing) {
        char why[300];
        snprintf(why, sizeof why,
                 "registration: the server requires '%s', which tuktuk cannot fill in; "
                 "register another way (e.g. the server's web page)",
                 missing);
        mxmlDelete(iq);
        negotiate_fail(s, why);
        return;
    }
    session_send_node(s, iq, true);
    mxmlDelete(iq);
    s->register_submitted = true;
}

static const char *explain(const char *condition)
{
    if (strcmp(condition, "conflict") == 0)
        return "the user name is taken";
    if (strcmp(condition, "not-acceptable") == 0)
        return "the server did not accept the data (a required field, or a weak password)";
    if (strcmp(condition, "not-allowed") == 0 || strcmp(condition, "forbidden") == 0)
        return "this server does not allow registration";
    if (strcmp(condition, "service-unavailable") == 0)
        return "this server does not offer in-band registration";
    return "the server refused";
}

static void registered(struct session *s)
{
    s->register_first = false;
    struct session_event ev = {
        .type = SESSION_EV_REGISTERED, .condition = "result", .text = "account created"};
    session_emit(s, &ev);
    mxml_node_t *features =
        s->saved_features ? stanza_parse(s->saved_features, strlen(s->saved_features), NULL, 0)
                          : NULL;
    if (!features) {
        negotiate_fail(s, "registration: lost the stream features");
        return;
    }
    negotiate_start_sasl(s, features);
    mxmlDelete(features);
}

void register_stanza(struct session *s, mxml_node_t *el)
{
    const char *id = stanza_attr(el, "id");
    if (!stanza_is(el, NS_CLIENT, "iq") || !id || strcmp(id, s->pending_id) != 0)
        return;
    const char *type = stanza_attr(el, "type");
    if (type && strcmp(type, "result") == 0) {
        if (s->register_submitted)
            registered(s);
        else
            submit(s, stanza_child(el, NS_REGISTER, "query"));
        return;
    }
    const char *cond = im_error_condition(el);
    char why[300], *said = im_error_text(el);
    snprintf(why, sizeof why, "registration failed: %s (%s%s%s)", explain(cond), cond,
             said ? ": " : "", said ? said : "");
    free(said);
    struct session_event ev = {.type = SESSION_EV_REGISTERED, .condition = cond, .text = why};
    session_emit(s, &ev);
    negotiate_fail(s, why);
}

static void on_password_changed(struct session *s, enum iq_outcome how, mxml_node_t *el,
                                void *ctx)
{
    (void)ctx;
    if (!s->new_password)
        return;
    if (how == IQ_GONE) { /* the outcome is unknown; the user may try again */
        sodium_free(s->new_password);
        s->new_password = NULL;
        return;
    }
    bool ok = how == IQ_RESULT;
    const char *cond = ok ? "result" : how == IQ_ERROR ? im_error_condition(el) : "timeout";
    char text[300];
    if (ok) {
        session_set_password(s, s->new_password);
        snprintf(text, sizeof text, "password changed on the server");
    } else {
        /* The server's own words when it gives them ("The password is
         * too weak"), else our reading of the condition. */
        char *said = how == IQ_ERROR ? im_error_text(el) : NULL;
        snprintf(text, sizeof text, "password NOT changed: %s (%s)",
                 said ? said : how == IQ_ERROR ? explain(cond) : "the server did not answer",
                 cond);
        free(said);
    }
    sodium_free(s->new_password);
    s->new_password = NULL;
    struct session_event ev = {.type = SESSION_EV_PASSWORD_CHANGED,
                               .condition = cond,
                               .text = text,
                               .secret = ok ? s->password : NULL};
    session_emit(s, &ev);
}

int session_change_password(struct session *s, const char *new_password)
{
    if (s->state != SESSION_ONLINE || s->new_password || !new_password || !*new_password ||
        !stanza_valid_text(new_password, strlen(new_password)))
        return -1;
    size_t len = strlen(new_password);
    s->new_password = sodium_malloc(len + 1);
    if (!s->new_password)
        return -1;
    memcpy(s->new_password, new_password, len + 1);
    mxml_node_t *query;
    mxml_node_t *iq = new_register_iq(s, "set", s->jid.domain, NULL, 0, &query);
    stanza_add_text_child(query, "username", s->jid.local);
    stanza_add_text_child(query, "password", new_password);
    int rc = session_iq_secret(s, iq, on_password_changed, NULL);
    mxmlDelete(iq);
    if (rc < 0) {
        sodium_free(s->new_password);
        s->new_password = NULL;
    }
    return rc;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* redact.c - keeps secrets out of what the XML console and --xml-log show,
 * whichever way the stanza went. Servers echo what they were sent:
 * ejabberd copies a submitted <password/> into its error replies to a
 * registration or a password change. So the check is on the content, for
 * every stanza, and not on who built it.
 *
 * Secrets are: SASL payloads (proofs, and with PLAIN the password; a
 * <failure/>'s text is kept, it says why a login failed), any <password/>
 * element (XEP-0077 registration, XEP-0045 room passwords), and data-form
 * fields (XEP-0004) that are text-private or whose name says password or
 * secret (registration forms, muc#roomconfig_roomsecret).
 *
 * Almost no stanza holds any of these, so a quick look for the telltale
 * words decides first, and only a stanza that has one is parsed. */
#define _GNU_SOURCE /* memmem */
#include "xmpp/redact.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "xml/stanza.h"
#include "xmpp/ns.h"

static const char mask[] = "[redacted]";

static bool worth_parsing(const char *xml, size_t len)
{
    static const char *const words[] = {"password", "secret", "text-private", NS_SASL,
                                          NS_HTTP_UPLOAD};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (memmem(xml, len, words[i], strlen(words[i])))
            return true;
    return false;
}

static void mask_text(mxml_node_t *el, bool *changed)
{
    mxml_node_t *c;
    while ((c = mxmlGetFirstChild(el)) != NULL)
        mxmlDelete(c);
    stanza_add_text(el, mask);
    *changed = true;
}

static bool secret_field(mxml_node_t *field)
{
    const char *var = stanza_attr(field, "var");
    const char *type = stanza_attr(field, "type");
    return (type && strcmp(type, "text-private") == 0) ||
           (var && (strstr(var, "password") || strstr(var, "secret")));
}

/* Depth is bounded by the framer's limit on what comes in, and by our own
 * builders on what goes out. */
static void walk(mxml_node_t *el, bool *changed)
{
    const char *local = stanza_local(el);
    if (strcmp(local, "password") == 0) {
        mask_text(el, changed);
        return;
    }
    if (stanza_is(el, NS_HTTP_UPLOAD, "header")) {
        mask_text(el, changed); /* an upload slot's Authorization, Cookie */
        return;
    }
    if (stanza_is(el, NS_DATA, "field") && secret_field(el)) {
        for (mxml_node_t *v = stanza_child(el, NS_DATA, "value"); v;
             v = stanza_next(v, NS_DATA, "value"))
            mask_text(v, changed);
        return;
    }
    for (mxml_node_t *c = stanza_first_element(el); c; c = stanza_next_element(c))
        walk(c, changed);
}

char *redact_xml(const char *xml, size_t len, size_t *out_len)
{
    if (!worth_parsing(xml, len))
        return NULL;
    char err[128];
    mxml_node_t *el = stanza_parse(xml, len, err, sizeof err);
    if (!el) {
        /* Only what the user typed raw can be unreadable here: with a
         * telltale word in it, show nothing rather than too much. */
        static const char hidden[] = "[not well-formed, hidden: it may hold a secret]";
        *out_len = sizeof hidden - 1;
        return strdup(hidden);
    }
    bool changed = false;
    if (strcmp(stanza_ns(el), NS_SASL) == 0) {
        if (!stanza_is(el, NS_SASL, "failure"))
            mask_text(el, &changed);
    } else {
        walk(el, &changed);
    }
    char *out = changed ? stanza_serialize(el, out_len) : NULL;
    mxmlDelete(el);
    return out;
}

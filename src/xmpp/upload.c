/* SPDX-License-Identifier: GPL-3.0-or-later */
/* upload.c - HTTP File Upload (XEP-0363): the XMPP half of sending a
 * file. The HTTP half (the PUT) is the application's (net/http.c), since
 * the session knows no HTTP.
 *
 * A request goes in three steps through the request registry: disco#items
 * of our server, disco#info of each item and of the server itself (§2:
 * the service is whichever lists urn:xmpp:http:upload:0, with its limit
 * in a data form's max-file-size field), then the slot request. The size
 * is checked against the limit before a slot is asked for (§4.1), so a
 * file too large costs no slot. Nothing is kept between requests: the
 * service is found again each time, a few small IQs, and so a server
 * whose service moved or changed its limit is always read right.
 *
 * The slot's headers are filtered as §5.1 says (Authorization, Cookie,
 * Expires only, no line breaks), and redact.c keeps them out of the XML
 * console and log: they are credentials. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xml/stanza.h"
#include "xmpp/session_priv.h"

/* One upload's search, shared by the disco#info requests in flight. */
struct upload {
    unsigned long tag; /* the caller's */
    char *filename, *content_type;
    unsigned long long size;
    unsigned waiting; /* answers still to come */
    char *service;    /* the first that offers uploads */
    unsigned long long max;
};

static void upload_free(struct upload *u)
{
    free(u->filename);
    free(u->content_type);
    free(u->service);
    free(u);
}

static void emit(struct session *s, const struct upload *u, const char *condition, const char *text,
                 const struct session_upload_slot *slot)
{
    char id[24];
    snprintf(id, sizeof id, "%lu", u->tag);
    struct session_event ev = {.type = SESSION_EV_UPLOAD_SLOT,
                               .id = id,
                               .condition = condition,
                               .text = text,
                               .slot = slot};
    session_emit(s, &ev);
}

static mxml_node_t *new_get(const char *to, const char *ns, const char *element)
{
    mxml_node_t *iq = stanza_new("iq");
    stanza_set_attr(iq, "type", "get");
    if (to)
        stanza_set_attr(iq, "to", to);
    stanza_set_attr(stanza_add(iq, element), "xmlns", ns);
    return iq;
}

/* max-file-size from the service's form (§2), 0 when it says none. */
static unsigned long long max_of(mxml_node_t *query)
{
    for (mxml_node_t *x = stanza_child(query, NS_DATA, "x"); x; x = stanza_next(x, NS_DATA, "x")) {
        for (mxml_node_t *f = stanza_child(x, NS_DATA, "field"); f;
             f = stanza_next(f, NS_DATA, "field")) {
            const char *var = stanza_attr(f, "var");
            if (!var || strcmp(var, "max-file-size") != 0)
                continue;
            char *v = stanza_child_text(f, NS_DATA, "value");
            unsigned long long n = v ? strtoull(v, NULL, 10) : 0;
            free(v);
            return n;
        }
    }
    return 0;
}

/* §5.1: only these headers, and nothing that could start another line. */
static bool allowed_header(const char *name, const char *value)
{
    static const char *const names[] = {"Authorization", "Cookie", "Expires"};
    if (!name || !value || strpbrk(name, "\r\n:") || strpbrk(value, "\r\n"))
        return false;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(name, names[i]) == 0)
            return true;
    return false;
}

static void on_slot(struct session *s, enum iq_outcome how, mxml_node_t *iq, void *ctx)
{
    struct upload *u = ctx;
    if (how == IQ_GONE) {
        upload_free(u);
        return;
    }
    mxml_node_t *slot = how == IQ_RESULT ? stanza_child(iq, NS_HTTP_UPLOAD, "slot") : NULL;
    mxml_node_t *put = slot ? stanza_child(slot, NS_HTTP_UPLOAD, "put") : NULL;
    mxml_node_t *get = slot ? stanza_child(slot, NS_HTTP_UPLOAD, "get") : NULL;
    const char *put_url = put ? stanza_attr(put, "url") : NULL;
    const char *get_url = get ? stanza_attr(get, "url") : NULL;
    if (!put_url || !get_url) {
        char *why = how == IQ_ERROR ? im_error_text(iq) : NULL;
        char text[600];
        snprintf(text, sizeof text, "the upload service refused the file%s%s",
                 why && why[0] ? ": " : "", why ? why : "");
        emit(s, u,
             how == IQ_ERROR     ? im_error_condition(iq)
             : how == IQ_TIMEOUT ? "remote-server-timeout"
                                 : "bad-request",
             text, NULL);
        free(why);
        upload_free(u);
        return;
    }
    enum { MAX_HEADERS = 8 };
    char *lines[MAX_HEADERS + 1] = {0};
    size_t n = 0;
    for (mxml_node_t *h = stanza_child(put, NS_HTTP_UPLOAD, "header"); h && n < MAX_HEADERS;
         h = stanza_next(h, NS_HTTP_UPLOAD, "header")) {
        const char *name = stanza_attr(h, "name");
        char *value = stanza_text(h);
        if (allowed_header(name, value) && (lines[n] = malloc(strlen(name) + strlen(value) + 3)))
            sprintf(lines[n++], "%s: %s", name, value);
        free(value);
    }
    struct session_upload_slot sl = {.put_url = put_url,
                                     .get_url = get_url,
                                     .headers = (const char *const *)lines,
                                     .max_size = u->max};
    emit(s, u, NULL, NULL, &sl);
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    upload_free(u);
}

static void ask_slot(struct session *s, struct upload *u)
{
    if (!u->service) {
        emit(s, u, "feature-not-implemented", "the server offers no file upload (XEP-0363)", NULL);
        upload_free(u);
        return;
    }
    if (u->max && u->size > u->max) {
        char text[200];
        snprintf(text, sizeof text,
                 "the file is larger than the server's limit (%llu > %llu bytes)", u->size, u->max);
        emit(s, u, "not-acceptable", text, NULL);
        upload_free(u);
        return;
    }
    mxml_node_t *iq = stanza_new("iq");
    stanza_set_attr(iq, "type", "get");
    int rc = stanza_set_attr(iq, "to", u->service);
    mxml_node_t *req = stanza_add(iq, "request");
    char size[24];
    snprintf(size, sizeof size, "%llu", u->size);
    rc |= stanza_set_attr(req, "xmlns", NS_HTTP_UPLOAD);
    rc |= stanza_set_attr(req, "filename", u->filename);
    rc |= stanza_set_attr(req, "size", size);
    if (u->content_type)
        rc |= stanza_set_attr(req, "content-type", u->content_type);
    if (rc == 0)
        rc = session_iq(s, iq, 0, on_slot, u);
    mxmlDelete(iq);
    if (rc < 0) {
        emit(s, u, "internal-server-error", "the slot request could not be sent", NULL);
        upload_free(u);
    }
}

/* One candidate's disco#info: the last answer decides. */
static void on_info(struct session *s, enum iq_outcome how, mxml_node_t *iq, void *ctx)
{
    struct upload *u = ctx;
    mxml_node_t *q = how == IQ_RESULT ? stanza_child(iq, NS_DISCO_INFO, "query") : NULL;
    bool offers = false;
    for (mxml_node_t *f = q ? stanza_child(q, NS_DISCO_INFO, "feature") : NULL; f && !offers;
         f = stanza_next(f, NS_DISCO_INFO, "feature")) {
        const char *var = stanza_attr(f, "var");
        offers = var && strcmp(var, NS_HTTP_UPLOAD) == 0;
    }
    const char *from = iq ? stanza_attr(iq, "from") : NULL;
    if (offers && !u->service) {
        u->service = strdup(from ? from : s->jid.domain);
        u->max = max_of(q);
    }
    if (--u->waiting > 0)
        return;
    if (how == IQ_GONE)
        upload_free(u);
    else
        ask_slot(s, u);
}

static bool ask_info(struct session *s, struct upload *u, const char *jid)
{
    mxml_node_t *iq = new_get(jid, NS_DISCO_INFO, "query");
    u->waiting++;
    int rc = session_iq(s, iq, 0, on_info, u);
    mxmlDelete(iq);
    if (rc < 0)
        u->waiting--;
    return rc == 0;
}

static void on_items(struct session *s, enum iq_outcome how, mxml_node_t *iq, void *ctx)
{
    struct upload *u = ctx;
    if (how == IQ_GONE) {
        upload_free(u);
        return;
    }
    /* The server itself may be the service; then each item it lists. */
    bool asked = ask_info(s, u, s->jid.domain);
    mxml_node_t *q = how == IQ_RESULT ? stanza_child(iq, NS_DISCO_ITEMS, "query") : NULL;
    for (mxml_node_t *it = q ? stanza_child(q, NS_DISCO_ITEMS, "item") : NULL; it;
         it = stanza_next(it, NS_DISCO_ITEMS, "item")) {
        const char *jid = stanza_attr(it, "jid");
        if (jid && !stanza_attr(it, "node"))
            asked = ask_info(s, u, jid) || asked;
    }
    if (!asked)
        ask_slot(s, u);
}

int session_upload_slot(struct session *s, unsigned long tag, const char *filename,
                        unsigned long long size, const char *content_type)
{
    if (!session_online(s) || !filename || !stanza_valid_text(filename, strlen(filename)))
        return -1;
    struct upload *u = calloc(1, sizeof *u);
    if (!u || !(u->filename = strdup(filename)) ||
        (content_type && !(u->content_type = strdup(content_type)))) {
        if (u)
            upload_free(u);
        return -1;
    }
    u->size = size;
    u->tag = tag;
    mxml_node_t *iq = new_get(s->jid.domain, NS_DISCO_ITEMS, "query");
    int rc = session_iq(s, iq, 0, on_items, u);
    mxmlDelete(iq);
    if (rc < 0) {
        upload_free(u);
        return -1;
    }
    return 0;
}

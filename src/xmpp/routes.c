/* SPDX-License-Identifier: GPL-3.0-or-later */
/* routes.c - where the requests that come to us go, and what runs after
 * each new login. These two tables are what makes an extension one file
 * plus a row here (docs/architecture.md, "Adding an extension"): the
 * answers to our own requests need no row, session_iq() routes them to
 * the callback that asked (request.c).
 *
 * RFC 6120 §8.4: a get or set that no row takes is answered with
 * service-unavailable, never ignored. */
#include <string.h>

#include "xml/stanza.h"
#include "xmpp/session_priv.h"

typedef void (*iq_handler)(struct session *s, mxml_node_t *iq, mxml_node_t *child);

struct iq_route {
    const char *type; /* "get" or "set" */
    const char *ns, *element;
    iq_handler handle; /* answers the iq, with a result or an error */
};

static const struct iq_route iq_routes[] = {
    {"set", NS_ROSTER, "query", im_roster_push},        /* RFC 6121 §2.1.6 */
    {"get", NS_PING, "ping", im_answer_ping},           /* XEP-0199 */
    {"get", NS_DISCO_INFO, "query", disco_answer_info}, /* XEP-0030 */
    {"get", NS_VERSION, "query", disco_answer_version}, /* XEP-0092 */
    {"get", NS_TIME, "time", disco_answer_time},        /* XEP-0202 */
    {"set", NS_BLOCKING, "block", blocking_push},       /* XEP-0191 */
    {"set", NS_BLOCKING, "unblock", blocking_push},
};

typedef void (*login_hook)(struct session *s);

/* In order, once the roster is in (RFC 6121 §2.2 wants it before
 * presence). A resumed stream (XEP-0198) runs none: it lost nothing. */
static const login_hook after_login[] = {
    im_send_presence,  /* RFC 6121 §4.2 */
    im_enable_carbons, /* XEP-0280 */
    muc_rejoin,        /* XEP-0045 */
    bookmarks_fetch,   /* XEP-0402, XEP-0048 */
    blocking_fetch,    /* XEP-0191 */
};

void routes_request(struct session *s, mxml_node_t *iq, bool get)
{
    mxml_node_t *child = stanza_first_element(iq);
    const char *type = get ? "get" : "set";
    for (size_t i = 0; child && i < sizeof iq_routes / sizeof iq_routes[0]; i++) {
        const struct iq_route *r = &iq_routes[i];
        if (strcmp(r->type, type) == 0 && stanza_is(child, r->ns, r->element)) {
            r->handle(s, iq, child);
            return;
        }
    }
    im_answer_iq(s, iq, "error", "service-unavailable");
}

void routes_after_login(struct session *s)
{
    for (size_t i = 0; i < sizeof after_login / sizeof after_login[0]; i++)
        after_login[i](s);
}

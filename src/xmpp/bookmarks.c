/* bookmarks.c - room bookmarks (XEP-0402: PEP node urn:xmpp:bookmarks:1),
 * which the server keeps for all of the account's clients (Prosody's
 * mod_bookmarks also shows them to clients of the older XEP-0048).
 *
 * What we chose: after each new login the bookmarks are fetched, and the
 * rooms marked autojoin that we are not in already are joined, with the
 * bookmark's nick (else our JID's localpart) and password. Publishing
 * uses the XEP's publish options (whitelist access, one item per room),
 * so that other people never see them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xml/stanza.h"
#include "xmpp/session_priv.h"

#define NODE_BOOKMARKS "urn:xmpp:bookmarks:1"

static mxml_node_t *new_pubsub_iq(struct session *s, const char *type, char *id, size_t idlen,
                                  mxml_node_t **pubsub)
{
    session_next_id(s, id, idlen);
    mxml_node_t *iq = stanza_new("iq");
    stanza_set_attr(iq, "type", type);
    stanza_set_attr(iq, "id", id);
    *pubsub = stanza_add(iq, "pubsub");
    stanza_set_attr(*pubsub, "xmlns", NS_PUBSUB);
    return iq;
}

static int send_and_free(struct session *s, mxml_node_t *iq)
{
    int rc = session_send_node(s, iq, false);
    mxmlDelete(iq);
    return rc;
}

void bookmarks_fetch(struct session *s)
{
    mxml_node_t *ps;
    mxml_node_t *iq = new_pubsub_iq(s, "get", s->bookmarks_id, sizeof s->bookmarks_id, &ps);
    stanza_set_attr(stanza_add(ps, "items"), "node", NODE_BOOKMARKS);
    send_and_free(s, iq);
}

static char *child_text_of(mxml_node_t *el, const char *name)
{
    mxml_node_t *c = stanza_child(el, NODE_BOOKMARKS, name);
    char *t = c ? stanza_text(c) : NULL;
    if (t && !*t) {
        free(t);
        t = NULL;
    }
    return t;
}

static void read_items(struct session *s, mxml_node_t *iq)
{
    mxml_node_t *items = stanza_child(stanza_child(iq, NS_PUBSUB, "pubsub"), NS_PUBSUB, "items");
    muc_bookmarks_free(&s->bookmarks);
    size_t n = 0;
    for (mxml_node_t *it = stanza_child(items, NS_PUBSUB, "item"); it;
         it = stanza_next(it, NS_PUBSUB, "item"))
        n++;
    s->bookmarks.items = n ? calloc(n, sizeof *s->bookmarks.items) : NULL;
    for (mxml_node_t *it = stanza_child(items, NS_PUBSUB, "item"); it && s->bookmarks.items;
         it = stanza_next(it, NS_PUBSUB, "item")) {
        mxml_node_t *conf = stanza_child(it, NODE_BOOKMARKS, "conference");
        char *room = stanza_attr(it, "id") ? jid_bare_of(stanza_attr(it, "id")) : NULL;
        if (!conf || !room) {
            free(room);
            continue;
        }
        const char *autojoin = stanza_attr(conf, "autojoin");
        const char *name = stanza_attr(conf, "name");
        struct muc_bookmark *b = &s->bookmarks.items[s->bookmarks.n++];
        b->jid = room;
        b->name = name && *name ? strdup(name) : NULL;
        b->nick = child_text_of(conf, "nick");
        b->password = child_text_of(conf, "password");
        b->autojoin = autojoin && (strcmp(autojoin, "true") == 0 || strcmp(autojoin, "1") == 0);
    }
}

/* Our JID's localpart, the nick when a bookmark has none. */
static void default_nick(struct session *s, char *out, size_t len)
{
    snprintf(out, len, "%s", s->jid.local ? s->jid.local : "me");
}

static void join_marked(struct session *s)
{
    for (size_t i = 0; i < s->bookmarks.n; i++) {
        const struct muc_bookmark *b = &s->bookmarks.items[i];
        char nick[1100];
        default_nick(s, nick, sizeof nick);
        if (b->autojoin && !muc_find(&s->mucs, b->jid))
            session_muc_join(s, b->jid, b->nick ? b->nick : nick, b->password);
    }
}

static void emit(struct session *s, const char *what, const char *room, const char *condition)
{
    struct session_event ev = {
        .type = SESSION_EV_BOOKMARKS, .sub_type = what, .jid = room, .condition = condition};
    session_emit(s, &ev);
}

bool bookmarks_answer(struct session *s, mxml_node_t *iq)
{
    const char *id = stanza_attr(iq, "id");
    const char *type = stanza_attr(iq, "type");
    bool ok = type && strcmp(type, "result") == 0;
    if (!id)
        return false;
    if (s->bookmarks_id[0] && strcmp(id, s->bookmarks_id) == 0) {
        s->bookmarks_id[0] = '\0';
        if (ok)
            read_items(s, iq);
        else
            muc_bookmarks_free(&s->bookmarks); /* item-not-found: none yet */
        join_marked(s);
        emit(s, "list", NULL, NULL);
        return true;
    }
    if (s->bookmark_set_id[0] && strcmp(id, s->bookmark_set_id) == 0) {
        s->bookmark_set_id[0] = '\0';
        emit(s, s->bookmark_removing ? "removed" : "saved", s->bookmark_room,
             ok ? NULL : im_error_condition(iq));
        if (ok)
            bookmarks_fetch(s); /* our list follows what the server has */
        return true;
    }
    return false;
}

static void add_option(mxml_node_t *x, const char *var, const char *value, const char *type)
{
    mxml_node_t *f = stanza_add(x, "field");
    stanza_set_attr(f, "var", var);
    if (type)
        stanza_set_attr(f, "type", type);
    stanza_add_text_child(f, "value", value);
}

/* The <iq type='set'> of a publish or retract about room, which is
 * remembered for the answer; NULL when offline or room is no JID. */
static mxml_node_t *change_iq(struct session *s, const char *room, bool removing,
                              mxml_node_t **pubsub, mxml_node_t **verb)
{
    char *bare = room ? jid_bare_of(room) : NULL;
    if (!bare || !session_online(s)) {
        free(bare);
        return NULL;
    }
    free(s->bookmark_room);
    s->bookmark_room = bare;
    s->bookmark_removing = removing;
    mxml_node_t *iq =
        new_pubsub_iq(s, "set", s->bookmark_set_id, sizeof s->bookmark_set_id, pubsub);
    *verb = stanza_add(*pubsub, removing ? "retract" : "publish");
    stanza_set_attr(*verb, "node", NODE_BOOKMARKS);
    return iq;
}

int session_bookmark_set(struct session *s, const char *room, const char *name, const char *nick,
                         const char *password, bool autojoin)
{
    mxml_node_t *ps, *publish;
    mxml_node_t *iq = change_iq(s, room, false, &ps, &publish);
    if (!iq)
        return -1;
    mxml_node_t *item = stanza_add(publish, "item");
    stanza_set_attr(item, "id", s->bookmark_room);
    mxml_node_t *conf = stanza_add(item, "conference");
    stanza_set_attr(conf, "xmlns", NODE_BOOKMARKS);
    stanza_set_attr(conf, "autojoin", autojoin ? "true" : "false");
    int rc = name && *name ? stanza_set_attr(conf, "name", name) : 0;
    if (nick && *nick && !stanza_add_text_child(conf, "nick", nick))
        rc = -1;
    if (password && *password && !stanza_add_text_child(conf, "password", password))
        rc = -1;
    /* XEP-0402 §5: one item per room, kept, and visible to us only. */
    mxml_node_t *x = stanza_add(stanza_add(ps, "publish-options"), "x");
    stanza_set_attr(x, "xmlns", NS_DATA);
    stanza_set_attr(x, "type", "submit");
    add_option(x, "FORM_TYPE", NS_PUBSUB "#publish-options", "hidden");
    add_option(x, "pubsub#persist_items", "true", NULL);
    add_option(x, "pubsub#max_items", "max", NULL);
    add_option(x, "pubsub#send_last_published_item", "never", NULL);
    add_option(x, "pubsub#access_model", "whitelist", NULL);
    if (rc < 0) {
        mxmlDelete(iq);
        s->bookmark_set_id[0] = '\0';
        return -1;
    }
    return send_and_free(s, iq);
}

int session_bookmark_remove(struct session *s, const char *room)
{
    mxml_node_t *ps, *retract;
    mxml_node_t *iq = change_iq(s, room, true, &ps, &retract);
    if (!iq)
        return -1;
    stanza_set_attr(retract, "notify", "true");
    stanza_set_attr(stanza_add(retract, "item"), "id", s->bookmark_room);
    return send_and_free(s, iq);
}

const struct muc_bookmarks *session_bookmarks(const struct session *s)
{
    return &s->bookmarks;
}

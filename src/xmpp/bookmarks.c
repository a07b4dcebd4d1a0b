/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bookmarks.c - room bookmarks (XEP-0402: PEP node urn:xmpp:bookmarks:1),
 * which the server keeps for all of the account's clients, plus the older
 * XEP-0048 ones, read only.
 *
 * What we chose: after each new login the bookmarks are fetched, and the
 * rooms marked autojoin that we are not in already are joined, with the
 * bookmark's nick (else our JID's localpart) and password. Three queries
 * go out at once: XEP-0402's node, XEP-0048's PEP node storage:bookmarks
 * and its private XML storage (XEP-0049). Servers that keep old bookmarks
 * without converting them (ejabberd 23.01 mirrors them to PEP) still get
 * their rooms joined; a room found twice counts once, XEP-0402 first.
 * Changes are written to XEP-0402 only.
 *
 * Publishing uses the XEP's publish options (whitelist access, every item
 * kept), so that other people never see them and no bookmark pushes out
 * another. A server that refuses those options (ejabberd 23.01 knows
 * neither pubsub#max_items nor pubsub#send_last_published_item, and its
 * nodes keep one item by default) gets the node configured instead
 * (XEP-0060 §8.2, as owner), then a publish with the options it knows;
 * a node that did not exist yet is configured once more after that first
 * publish has created it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xml/stanza.h"
#include "xmpp/session_priv.h"

#define NODE_BOOKMARKS "urn:xmpp:bookmarks:1"

#define NODE_LEGACY "storage:bookmarks"

/* Where a publish stands (see the header): the steps after a refusal. */
enum publish_step { STEP_OPTIONS, STEP_CONFIGURE, STEP_PLAIN, STEP_CONFIGURE_AGAIN };

static mxml_node_t *new_iq(const char *type)
{
    mxml_node_t *iq = stanza_new("iq");
    stanza_set_attr(iq, "type", type);
    return iq;
}

static mxml_node_t *new_pubsub_iq(const char *type, const char *ns, mxml_node_t **pubsub)
{
    mxml_node_t *iq = new_iq(type);
    *pubsub = stanza_add(iq, "pubsub");
    stanza_set_attr(*pubsub, "xmlns", ns);
    return iq;
}

static int ask_and_free(struct session *s, mxml_node_t *iq, iq_answer_fn answer, unsigned gen)
{
    int rc = session_iq(s, iq, 0, answer, (void *)(uintptr_t)gen);
    mxmlDelete(iq);
    return rc;
}

/* The three queries of a fetch, in the order their rooms count. A fetch
 * tells its answers apart by the context: the generation of the fetch
 * (an older fetch's late answers are dropped) times FETCHES, plus which
 * query it was. */
enum { FETCH_402, FETCH_PEP_048, FETCH_PRIVATE_048, FETCHES };

static void on_fetched(struct session *s, enum iq_outcome how, mxml_node_t *iq, void *ctx);

void bookmarks_fetch(struct session *s)
{
    for (int i = 0; i < FETCHES; i++)
        muc_bookmarks_free(&s->bookmarks_part[i]);
    unsigned base = ++s->bookmarks_gen * FETCHES;
    s->bookmarks_waiting = FETCHES;
    static const char *const nodes[] = {NODE_BOOKMARKS, NODE_LEGACY};
    for (int i = FETCH_402; i <= FETCH_PEP_048; i++) {
        mxml_node_t *ps;
        mxml_node_t *iq = new_pubsub_iq("get", NS_PUBSUB, &ps);
        stanza_set_attr(stanza_add(ps, "items"), "node", nodes[i]);
        if (ask_and_free(s, iq, on_fetched, base + (unsigned)i) < 0)
            s->bookmarks_waiting--;
    }
    mxml_node_t *iq = new_iq("get");
    mxml_node_t *q = stanza_add(iq, "query");
    stanza_set_attr(q, "xmlns", NS_PRIVATE);
    stanza_set_attr(stanza_add(q, "storage"), "xmlns", NODE_LEGACY);
    if (ask_and_free(s, iq, on_fetched, base + FETCH_PRIVATE_048) < 0)
        s->bookmarks_waiting--;
}

/* An empty nick or password is none. */
static char *child_text_of(mxml_node_t *el, const char *ns, const char *name)
{
    char *t = stanza_child_text(el, ns, name);
    if (t && !*t) {
        free(t);
        t = NULL;
    }
    return t;
}

static bool has_room(const struct muc_bookmarks *b, const char *room)
{
    for (size_t i = 0; i < b->n; i++)
        if (jid_bare_equal(b->items[i].jid, room))
            return true;
    return false;
}

/* One <conference/> of either XEP into the list (room: its bare JID,
 * taken over), unless the room is there already. */
static void add_conference(struct muc_bookmarks *b, mxml_node_t *conf, const char *ns, char *room)
{
    struct muc_bookmark *grown = room && !has_room(b, room)
                                     ? realloc(b->items, (b->n + 1) * sizeof *b->items)
                                     : NULL;
    if (!grown) {
        free(room);
        return;
    }
    b->items = grown;
    const char *autojoin = stanza_attr(conf, "autojoin");
    const char *name = stanza_attr(conf, "name");
    struct muc_bookmark *m = &b->items[b->n++];
    m->jid = room;
    m->name = name && *name ? strdup(name) : NULL;
    m->nick = child_text_of(conf, ns, "nick");
    m->password = child_text_of(conf, ns, "password");
    m->autojoin = autojoin && (strcmp(autojoin, "true") == 0 || strcmp(autojoin, "1") == 0);
}

static mxml_node_t *pubsub_items(mxml_node_t *iq)
{
    return stanza_child(stanza_child(iq, NS_PUBSUB, "pubsub"), NS_PUBSUB, "items");
}

/* XEP-0402: an item per room, its id the room's JID. */
static void read_items(struct muc_bookmarks *b, mxml_node_t *iq)
{
    for (mxml_node_t *it = stanza_child(pubsub_items(iq), NS_PUBSUB, "item"); it;
         it = stanza_next(it, NS_PUBSUB, "item")) {
        mxml_node_t *conf = stanza_child(it, NODE_BOOKMARKS, "conference");
        const char *id = stanza_attr(it, "id");
        if (conf && id)
            add_conference(b, conf, NODE_BOOKMARKS, jid_bare_of(id));
    }
}

/* XEP-0048: every room in one <storage/>, in a PEP item or in private
 * XML storage. */
static void read_storage(struct muc_bookmarks *b, mxml_node_t *storage)
{
    for (mxml_node_t *c = stanza_child(storage, NODE_LEGACY, "conference"); c;
         c = stanza_next(c, NODE_LEGACY, "conference")) {
        const char *room = stanza_attr(c, "jid");
        if (room)
            add_conference(b, c, NODE_LEGACY, jid_bare_of(room));
    }
}

static void read_legacy(struct muc_bookmarks *b, mxml_node_t *iq, bool pep)
{
    if (!pep) {
        read_storage(b, stanza_child(stanza_child(iq, NS_PRIVATE, "query"), NODE_LEGACY,
                                     "storage"));
        return;
    }
    for (mxml_node_t *it = stanza_child(pubsub_items(iq), NS_PUBSUB, "item"); it;
         it = stanza_next(it, NS_PUBSUB, "item"))
        read_storage(b, stanza_child(it, NODE_LEGACY, "storage"));
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

/* All three answers are in: one list, XEP-0402 first. */
static void fetch_done(struct session *s)
{
    muc_bookmarks_free(&s->bookmarks);
    for (int i = 0; i < FETCHES; i++) {
        struct muc_bookmarks *part = &s->bookmarks_part[i];
        for (size_t k = 0; k < part->n; k++) {
            struct muc_bookmark *m = &part->items[k];
            struct muc_bookmark *grown =
                has_room(&s->bookmarks, m->jid)
                    ? NULL
                    : realloc(s->bookmarks.items, (s->bookmarks.n + 1) * sizeof *grown);
            if (grown) {
                s->bookmarks.items = grown;
                s->bookmarks.items[s->bookmarks.n++] = *m;
                *m = (struct muc_bookmark){0};
            }
        }
        muc_bookmarks_free(part);
    }
    join_marked(s);
    emit(s, "list", NULL, NULL);
}

static void on_fetched(struct session *s, enum iq_outcome how, mxml_node_t *iq, void *ctx)
{
    unsigned tag = (unsigned)(uintptr_t)ctx, which = tag % FETCHES;
    if (how == IQ_GONE || tag / FETCHES != s->bookmarks_gen)
        return; /* the next login fetches again */
    /* An error is an empty list: item-not-found when there are none yet,
     * service-unavailable where a server has no such storage. */
    if (how == IQ_RESULT && which == FETCH_402)
        read_items(&s->bookmarks_part[which], iq);
    else if (how == IQ_RESULT)
        read_legacy(&s->bookmarks_part[which], iq, which == FETCH_PEP_048);
    if (--s->bookmarks_waiting == 0)
        fetch_done(s);
}

static mxml_node_t *owner_configure_iq(void);
static mxml_node_t *publish_iq(struct session *s, bool with_options);

/* A publish or retract was answered: done, or the next step after a
 * refusal of the publish options (see the header). The context is the
 * change's generation: a newer change makes an older one's answers moot. */
static void on_changed(struct session *s, enum iq_outcome how, mxml_node_t *iq, void *ctx)
{
    if (how == IQ_GONE || (unsigned)(uintptr_t)ctx != s->bookmark_change_gen)
        return;
    bool ok = how == IQ_RESULT;
    const char *cond = ok ? NULL : how == IQ_TIMEOUT ? "timeout" : im_error_condition(iq);
    enum publish_step step = s->bookmark_step;
    bool publishing = !s->bookmark_removing && s->bookmark_new.jid;
    mxml_node_t *next = NULL;
    if (publishing && step == STEP_OPTIONS && !ok) {
        s->bookmark_options_refused = true; /* the next publish starts below */
        s->bookmark_step = STEP_CONFIGURE;
        next = owner_configure_iq();
    } else if (publishing && step == STEP_CONFIGURE) {
        /* item-not-found: no node yet; the publish creates it. */
        s->bookmark_configured = ok;
        s->bookmark_step = STEP_PLAIN;
        next = publish_iq(s, false);
    } else if (publishing && step == STEP_PLAIN && ok && !s->bookmark_configured) {
        s->bookmark_step = STEP_CONFIGURE_AGAIN;
        next = owner_configure_iq();
    }
    if (next && ask_and_free(s, next, on_changed, s->bookmark_change_gen) == 0)
        return;
    /* A node that could not be configured after it was created still
     * holds the bookmark: saved, though a later one may push it out. */
    bool saved = ok || step == STEP_CONFIGURE_AGAIN;
    emit(s, s->bookmark_removing ? "removed" : "saved", s->bookmark_room, saved ? NULL : cond);
    muc_bookmark_clear(&s->bookmark_new);
    if (saved)
        bookmarks_fetch(s); /* our list follows what the server has */
}

static void add_option(mxml_node_t *x, const char *var, const char *value, const char *type)
{
    mxml_node_t *f = stanza_add(x, "field");
    stanza_set_attr(f, "var", var);
    if (type)
        stanza_set_attr(f, "type", type);
    stanza_add_text_child(f, "value", value);
}

/* The options XEP-0402 §5 asks for: every item kept, seen by us only.
 * full: also those that ejabberd 23.01 refuses in publish-options. */
static void add_node_options(mxml_node_t *parent, const char *form_type, bool full)
{
    mxml_node_t *x = stanza_add(parent, "x");
    stanza_set_attr(x, "xmlns", NS_DATA);
    stanza_set_attr(x, "type", "submit");
    add_option(x, "FORM_TYPE", form_type, "hidden");
    add_option(x, "pubsub#persist_items", "true", NULL);
    if (full) {
        add_option(x, "pubsub#max_items", "max", NULL);
        add_option(x, "pubsub#send_last_published_item", "never", NULL);
    }
    add_option(x, "pubsub#access_model", "whitelist", NULL);
}

/* XEP-0060 §8.2.4: the node's configuration, set by us as its owner. */
static mxml_node_t *owner_configure_iq(void)
{
    mxml_node_t *ps;
    mxml_node_t *iq = new_pubsub_iq("set", NS_PUBSUB_OWNER, &ps);
    mxml_node_t *conf = stanza_add(ps, "configure");
    stanza_set_attr(conf, "node", NODE_BOOKMARKS);
    add_node_options(conf, NS_PUBSUB "#node_config", true);
    return iq;
}

/* The publish of s->bookmark_new; NULL if a value cannot be sent. */
static mxml_node_t *publish_iq(struct session *s, bool with_options)
{
    const struct muc_bookmark *b = &s->bookmark_new;
    mxml_node_t *ps;
    mxml_node_t *iq = new_pubsub_iq("set", NS_PUBSUB, &ps);
    mxml_node_t *publish = stanza_add(ps, "publish");
    stanza_set_attr(publish, "node", NODE_BOOKMARKS);
    mxml_node_t *item = stanza_add(publish, "item");
    stanza_set_attr(item, "id", b->jid);
    mxml_node_t *conf = stanza_add(item, "conference");
    stanza_set_attr(conf, "xmlns", NODE_BOOKMARKS);
    stanza_set_attr(conf, "autojoin", b->autojoin ? "true" : "false");
    bool bad = b->name && stanza_set_attr(conf, "name", b->name) < 0;
    bad |= b->nick && !stanza_add_text_child(conf, "nick", b->nick);
    bad |= b->password && !stanza_add_text_child(conf, "password", b->password);
    if (bad) {
        mxmlDelete(iq);
        return NULL;
    }
    add_node_options(stanza_add(ps, "publish-options"), NS_PUBSUB "#publish-options",
                     with_options);
    return iq;
}

/* Remembers what a change is about; false when offline or room is no JID. */
static bool change_begins(struct session *s, const char *room, bool removing)
{
    char *bare = room ? jid_bare_of(room) : NULL;
    if (!bare || !session_online(s)) {
        free(bare);
        return false;
    }
    free(s->bookmark_room);
    s->bookmark_room = bare;
    s->bookmark_removing = removing;
    s->bookmark_step = STEP_OPTIONS;
    s->bookmark_change_gen++;
    s->bookmark_configured = false;
    muc_bookmark_clear(&s->bookmark_new);
    return true;
}

int session_bookmark_set(struct session *s, const char *room, const char *name, const char *nick,
                         const char *password, bool autojoin)
{
    if (!change_begins(s, room, false))
        return -1;
    struct muc_bookmark *b = &s->bookmark_new;
    b->jid = strdup(s->bookmark_room);
    b->name = name && *name ? strdup(name) : NULL;
    b->nick = nick && *nick ? strdup(nick) : NULL;
    b->password = password && *password ? strdup(password) : NULL;
    b->autojoin = autojoin;
    /* A server that refused the options once gets the node configured
     * first from then on, and no options it does not know. */
    if (s->bookmark_options_refused)
        s->bookmark_step = STEP_CONFIGURE;
    mxml_node_t *iq = !b->jid                        ? NULL
                      : s->bookmark_options_refused ? owner_configure_iq()
                                                    : publish_iq(s, true);
    if (!iq || ask_and_free(s, iq, on_changed, s->bookmark_change_gen) < 0) {
        muc_bookmark_clear(b);
        return -1;
    }
    return 0;
}

int session_bookmark_remove(struct session *s, const char *room)
{
    if (!change_begins(s, room, true))
        return -1;
    mxml_node_t *ps;
    mxml_node_t *iq = new_pubsub_iq("set", NS_PUBSUB, &ps);
    mxml_node_t *retract = stanza_add(ps, "retract");
    stanza_set_attr(retract, "node", NODE_BOOKMARKS);
    stanza_set_attr(retract, "notify", "true");
    stanza_set_attr(stanza_add(retract, "item"), "id", s->bookmark_room);
    return ask_and_free(s, iq, on_changed, s->bookmark_change_gen);
}

const struct muc_bookmarks *session_bookmarks(const struct session *s)
{
    return &s->bookmarks;
}

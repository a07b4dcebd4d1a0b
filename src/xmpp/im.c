/* SPDX-License-Identifier: GPL-3.0-or-later */
/* im.c - instant messaging and presence, RFC 6121: the roster (get with
 * versioning, pushes, changes), presence per resource, subscriptions, and
 * messages of every type, with their XEP-0359 ids (an origin-id on what
 * we send; a stanza-id reported only from whom it can be believed) and
 * those that mam.c takes out of the archive. Also answers the few IQs
 * every client must (RFC 6120 §8.4: an unknown get or set is answered
 * with an error, never ignored). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xml/framer.h"
#include "xml/stanza.h"
#include "xmpp/rosterscan.h"
#include "xmpp/omemo.h"
#include "xmpp/redact.h"
#include "xmpp/session_priv.h"

static bool attr_is(mxml_node_t *el, const char *name, const char *value)
{
    const char *v = stanza_attr(el, name);
    return v && strcmp(v, value) == 0;
}

/* --- roster, RFC 6121 §2 ---
 *
 * Roster versioning (§2.6). When the server's features offer it, our
 * roster get names the version of the roster we hold, or ver='' when we
 * hold none (§2.6.2: that is how a client starts using it). The server
 * answers with the whole roster and its new version, which replaces ours
 * as it always did, or with an empty result: the roster we hold is
 * current, and each change since our version follows as a roster push
 * carrying the version it leads to (§2.6.3). The roster and its version
 * stay in s->roster across reconnects and new logins, and main.c may fill
 * them from the cache of the last run (core/rostercache.c) before the
 * first one; so a reconnect with an unchanged roster of 10,000 contacts
 * receives one empty result instead of 1 MB. */

void im_roster_features(struct session *s, mxml_node_t *features)
{
    s->roster_ver_offered = stanza_child(features, NS_ROSTERVER, "ver") != NULL;
}

void im_request_roster(struct session *s)
{
    /* §2.2: the roster comes before initial presence, so that presence
     * from contacts has somewhere to land. */
    session_next_id(s, s->pending_id, sizeof s->pending_id);
    mxml_node_t *iq = stanza_new("iq");
    stanza_set_attr(iq, "type", "get");
    stanza_set_attr(iq, "id", s->pending_id);
    mxml_node_t *query = stanza_add(iq, "query");
    stanza_set_attr(query, "xmlns", NS_ROSTER);
    /* §2.6.1: 'ver' goes only to a server that offers versioning. A
     * version that is not XML text (a damaged cache) counts as none. */
    const char *ver = roster_version(s->roster);
    s->roster_ver_sent = false;
    if (s->roster_ver_offered) {
        s->roster_ver_sent = ver && *ver && stanza_set_attr(query, "ver", ver) == 0;
        if (!s->roster_ver_sent)
            stanza_set_attr(query, "ver", "");
    }
    session_send_node(s, iq, false);
    mxmlDelete(iq);
    s->phase = PHASE_ROSTER;
    s->roster_fresh = false;
}

/* Apply one roster item (RFC 6121 §2.1.2). Returns the bare JID it
 * touched, or NULL. */
static char *apply_fields(struct session *s, const char *jid, const char *name, const char *sub,
                          bool ask, const char *const *groups, size_t ngroups)
{
    char *bare = jid ? jid_bare_of(jid) : NULL;
    if (!bare)
        return NULL;
    if (sub && strcmp(sub, "remove") == 0)
        roster_remove(s->roster, bare);
    else
        roster_set(s->roster, bare, name, groups, ngroups, roster_sub_parse(sub), ask);
    return bare;
}

static char *apply_item(struct session *s, mxml_node_t *item)
{
    char *groups[ROSTER_SCAN_MAX_GROUPS];
    size_t ngroups = 0;
    for (mxml_node_t *g = stanza_child(item, NS_ROSTER, "group");
         g && ngroups < ROSTER_SCAN_MAX_GROUPS; g = stanza_next(g, NS_ROSTER, "group")) {
        char *name = stanza_text(g);
        if (name && *name)
            groups[ngroups++] = name;
        else
            free(name);
    }
    char *bare = apply_fields(s, stanza_attr(item, "jid"), stanza_attr(item, "name"),
                              stanza_attr(item, "subscription"), attr_is(item, "ask", "subscribe"),
                              (const char *const *)groups, ngroups);
    for (size_t i = 0; i < ngroups; i++)
        free(groups[i]);
    return bare;
}

/* The old roster (and its version) goes only once the server has sent a
 * new one. */
static void start_fresh_roster(struct session *s)
{
    if (!s->roster_fresh)
        roster_clear(s->roster);
    s->roster_fresh = true;
}

/* A whole roster is in: it is the state that ver (NULL: none) names. */
static void finish_full_roster(struct session *s, const char *ver)
{
    start_fresh_roster(s); /* when it had no items */
    roster_set_version(s->roster, ver);
}

static void apply_scanned(void *session, const struct roster_scan_item *item)
{
    struct session *s = session;
    start_fresh_roster(s);
    free(apply_fields(s, item->jid, item->name, item->subscription,
                      item->ask && strcmp(item->ask, "subscribe") == 0, item->groups,
                      item->ngroups));
}

bool im_scan_roster(struct session *s, const char *text, size_t len)
{
    char *ver = NULL;
    if (s->phase != PHASE_ROSTER || !roster_scan(text, len, s->pending_id, apply_scanned, s, &ver))
        return false;
    finish_full_roster(s, ver);
    free(ver);
    return true;
}

bool im_take_roster_item(mxml_node_t *item, void *session)
{
    struct session *s = session;
    mxml_node_t *query = mxmlGetParent(item);
    mxml_node_t *iq = query ? mxmlGetParent(query) : NULL;

    if (s->phase != PHASE_ROSTER || !stanza_is(item, NS_ROSTER, "item") ||
        !stanza_is(query, NS_ROSTER, "query") || !stanza_is(iq, NS_CLIENT, "iq") ||
        !attr_is(iq, "type", "result") || !attr_is(iq, "id", s->pending_id))
        return false;
    start_fresh_roster(s);
    free(apply_item(s, item));
    return true;
}

/* The roster is in (or refused): tell the UI, then go online. */
static void roster_done(struct session *s, bool received)
{
    if (received) {
        struct session_event ev = {.type = SESSION_EV_ROSTER};
        session_emit(s, &ev);
    } else {
        session_emit_text(s, SESSION_EV_ERROR, "the server refused to send the roster");
    }
    routes_after_login(s);
    session_ready(s);
}

void im_roster_scanned(struct session *s)
{
    roster_done(s, true);
}

static void on_roster_result(struct session *s, mxml_node_t *iq)
{
    bool received = attr_is(iq, "type", "result");
    mxml_node_t *query = received ? stanza_child(iq, NS_ROSTER, "query") : NULL;
    if (query) {
        start_fresh_roster(s);
        for (mxml_node_t *it = stanza_child(query, NS_ROSTER, "item"); it;
             it = stanza_next(it, NS_ROSTER, "item"))
            free(apply_item(s, it));
        finish_full_roster(s, stanza_attr(query, "ver"));
    } else if (received && s->roster_ver_sent) {
        /* §2.6.3: no query at all: the roster we named is current. What a
         * full result would have dropped goes: contacts known only by
         * their presence, which are not on the roster. */
        roster_drop_presence_only(s->roster);
    } else if (received) {
        finish_full_roster(s, NULL); /* an empty roster, said tersely */
    }
    roster_done(s, received);
}

mxml_node_t *im_reply_new(mxml_node_t *iq, const char *type)
{
    mxml_node_t *reply = stanza_new("iq");
    stanza_set_attr(reply, "type", type);
    if (stanza_attr(iq, "from"))
        stanza_set_attr(reply, "to", stanza_attr(iq, "from"));
    stanza_set_attr(reply, "id", stanza_attr(iq, "id") ? stanza_attr(iq, "id") : "");
    return reply;
}

void im_answer_iq(struct session *s, mxml_node_t *iq, const char *type, const char *condition)
{
    mxml_node_t *reply = im_reply_new(iq, type);
    if (condition) {
        mxml_node_t *err = stanza_add(reply, "error");
        stanza_set_attr(err, "type", "cancel");
        mxml_node_t *cond = stanza_add(err, condition);
        stanza_set_attr(cond, "xmlns", NS_STANZAS);
    }
    session_send_node(s, reply, false);
    mxmlDelete(reply);
}

void im_roster_push(struct session *s, mxml_node_t *iq, mxml_node_t *query)
{
    const char *from = stanza_attr(iq, "from");
    /* §2.1.6: only our own account may push; anyone else is forging. */
    if (from && !(jid_bare_equal(from, s->bare) && !jid_resource_of(from))) {
        char why[300];
        snprintf(why, sizeof why, "ignored a roster push from %s (not from our server)", from);
        session_emit_text(s, SESSION_EV_INFO, why);
        im_answer_iq(s, iq, "error", "service-unavailable");
        return;
    }
    mxml_node_t *item = stanza_child(query, NS_ROSTER, "item");
    char *bare = item ? apply_item(s, item) : NULL;
    /* §2.6.3: a push names the version it leads to. One without a version
     * leaves ours as it was: after our next login the server sends this
     * change again, which is harmless. */
    const char *ver = stanza_attr(query, "ver");
    if (bare && ver)
        roster_set_version(s->roster, ver);
    im_answer_iq(s, iq, "result", NULL);
    if (bare) {
        struct session_event ev = {.type = SESSION_EV_ROSTER_PUSH, .jid = bare};
        session_emit(s, &ev);
        free(bare);
    }
}

/* --- IQ --- */

const char *im_error_condition(mxml_node_t *stanza)
{
    mxml_node_t *err = stanza_child(stanza, NULL, "error");
    for (mxml_node_t *c = err ? stanza_first_element(err) : NULL; c; c = stanza_next_element(c))
        if (strcmp(stanza_ns(c), NS_STANZAS) == 0 && strcmp(stanza_local(c), "text") != 0)
            return stanza_local(c);
    return "undefined-condition";
}

char *im_error_text(mxml_node_t *stanza)
{
    mxml_node_t *t = stanza_child(stanza_child(stanza, NULL, "error"), NS_STANZAS, "text");
    char *text = t ? stanza_text(t) : NULL;
    if (text && !*text) {
        free(text);
        text = NULL;
    }
    return text;
}

static void on_iq(struct session *s, mxml_node_t *iq)
{
    const char *type = stanza_attr(iq, "type");
    const char *id = stanza_attr(iq, "id");
    if (!type || !id)
        return; /* §8.1.3: both are required; nothing sane to answer */
    if (strcmp(type, "result") == 0 || strcmp(type, "error") == 0) {
        if (s->phase == PHASE_ROSTER && strcmp(id, s->pending_id) == 0)
            on_roster_result(s, iq);
        else
            request_answer(s, iq); /* else nobody asked: dropped (§8.2.3) */
        return;
    }
    bool get = strcmp(type, "get") == 0, set = strcmp(type, "set") == 0;
    if (get || set)
        routes_request(s, iq, get);
}

void im_answer_ping(struct session *s, mxml_node_t *iq, mxml_node_t *ping)
{
    (void)ping;
    im_answer_iq(s, iq, "result", NULL); /* XEP-0199 §4 */
}

/* --- presence, RFC 6121 §3-§4 --- */


static void on_presence(struct session *s, mxml_node_t *p)
{
    if (muc_presence(s, p))
        return;
    const char *from = stanza_attr(p, "from");
    const char *type = stanza_attr(p, "type");
    char *bare = from ? jid_bare_of(from) : NULL;
    if (!bare)
        return;
    if (type && strcmp(type, "unavailable") != 0) {
        if (strcmp(type, "error") == 0) {
            char why[300];
            snprintf(why, sizeof why, "presence error from %s", from);
            session_emit_text(s, SESSION_EV_ERROR, why);
        } else if (strcmp(type, "probe") != 0) {
            struct session_event ev = {
                .type = SESSION_EV_SUBSCRIPTION, .jid = bare, .sub_type = type};
            session_emit(s, &ev);
        }
        free(bare);
        return;
    }
    const char *resource = jid_resource_of(from);
    char *show_text = stanza_child_text(p, NS_CLIENT, "show");
    char *status = stanza_child_text(p, NS_CLIENT, "status");
    char *prio_text = stanza_child_text(p, NS_CLIENT, "priority");
    char *client = type ? NULL : disco_client_of(s, p, from);
    enum presence_show show = type ? SHOW_OFFLINE : presence_show_parse(show_text);
    int priority = prio_text ? atoi(prio_text) : 0;
    if (priority < -128 || priority > 127)
        priority = 0; /* §4.7.2.3 */
    roster_presence(s->roster, bare, resource ? resource : "", show, status, priority, client);
    free(client);
    struct session_event ev = {.type = SESSION_EV_PRESENCE,
                               .jid = from,
                               .show = show,
                               .status = status,
                               .priority = priority};
    session_emit(s, &ev);
    free(show_text);
    free(status);
    free(prio_text);
    free(bare);
}

static const char *show_element(enum presence_show show)
{
    switch (show) {
    case SHOW_CHAT:
        return "chat";
    case SHOW_AWAY:
        return "away";
    case SHOW_XA:
        return "xa";
    case SHOW_DND:
        return "dnd";
    default:
        return NULL;
    }
}

void im_add_show(struct session *s, mxml_node_t *presence)
{
    const char *show = show_element(s->show);
    if (show)
        stanza_add_text_child(presence, "show", show);
    if (s->status && *s->status)
        stanza_add_text_child(presence, "status", s->status);
}

void im_send_presence(struct session *s)
{
    s->sm.presence_changed = false;
    mxml_node_t *p = stanza_new("presence");
    char prio[16];
    snprintf(prio, sizeof prio, "%d", s->priority);
    im_add_show(s, p);
    stanza_add_text_child(p, "priority", prio);
    disco_add_caps(s, p);
    session_send_node(s, p, false);
    mxmlDelete(p);
    muc_send_presence(s);
}

/* --- messages, RFC 6121 §5 --- */

/* XEP-0082 date-time: CCYY-MM-DDThh:mm:ss[.sss](Z|(+|-)hh:mm), in
 * milliseconds; *whole says the stamp had no fraction (Prosody's have
 * none, ejabberd's do). 0 if unreadable. */
int64_t im_parse_stamp_ms(const char *text, bool *whole)
{
    struct tm tm = {0};
    int consumed = 0;
    if (whole)
        *whole = true;
    if (!text || sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                        &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    const char *rest = text + consumed;
    int ms = 0;
    if (*rest == '.') {
        if (whole)
            *whole = false;
        for (int scale = 100; *++rest >= '0' && *rest <= '9'; scale /= 10)
            ms += (*rest - '0') * scale;
    }
    time_t t = timegm(&tm);
    int oh = 0, om = 0;
    if ((*rest == '+' || *rest == '-') && sscanf(rest + 1, "%2d:%2d", &oh, &om) == 2)
        t += (*rest == '+' ? -1 : 1) * (oh * 3600 + om * 60);
    return t > 0 ? (int64_t)t * 1000 + ms : 0;
}

time_t im_parse_stamp(const char *text)
{
    return (time_t)(im_parse_stamp_ms(text, NULL) / 1000);
}

/* The time the store orders a delayed message by. A whole-second stamp
 * says only "some time in that second", which matters against our own
 * live messages, timed to the millisecond: a page read backward is older
 * than all we have (the second's start); anything else came before
 * `before`, when we asked for the page or received the copy, and after
 * what we had kept until then (the latest moment in that second before
 * `before`). */
int64_t im_order_ms(const char *text, int64_t before, bool backward)
{
    bool whole;
    int64_t ms = im_parse_stamp_ms(text, &whole);
    if (!ms || !whole || backward)
        return ms;
    int64_t last = ms + 999;
    if (before > ms && before - 1 < last)
        last = before - 1;
    return last;
}

int64_t im_now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static char *error_text(mxml_node_t *msg)
{
    mxml_node_t *err = stanza_child(msg, NULL, "error");
    if (!err)
        return NULL;
    const char *cond = im_error_condition(msg);
    char *text = im_error_text(msg);
    size_t n = strlen(cond) + (text ? strlen(text) : 0) + 4;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%s%s%s", cond, text ? ": " : "", text ? text : "");
    free(text);
    return out;
}

static const char *const chat_states[] = {"active", "composing", "paused", "inactive", "gone"};

static const char *chat_state_of(mxml_node_t *m)
{
    for (size_t i = 0; i < sizeof chat_states / sizeof chat_states[0]; i++)
        if (stanza_child(m, NS_CHATSTATES, chat_states[i]))
            return chat_states[i];
    return NULL;
}

/* XEP-0184 §5.2: acknowledge, but only to contacts who may see our
 * presence anyway (§8): a receipt tells that we are online. */
static void send_receipt(struct session *s, mxml_node_t *m, const char *from)
{
    const char *id = stanza_attr(m, "id");
    char *bare = jid_bare_of(from);
    struct roster_item *it = bare ? roster_find(s->roster, bare) : NULL;
    free(bare);
    if (!id || !it || !(it->sub == ROSTER_SUB_FROM || it->sub == ROSTER_SUB_BOTH))
        return;
    char rid[32];
    session_next_id(s, rid, sizeof rid);
    mxml_node_t *ack = stanza_new("message");
    stanza_set_attr(ack, "to", from);
    stanza_set_attr(ack, "id", rid);
    mxml_node_t *r = stanza_add(ack, "received");
    stanza_set_attr(r, "xmlns", NS_RECEIPTS);
    stanza_set_attr(r, "id", id);
    session_send_node(s, ack, false);
    mxmlDelete(ack);
}

/* XEP-0085 §5.1: standalone notifications go only to those who showed
 * they understand them; a message's own <active/> asks the question. */
static bool knows_chatstates(struct session *s, const char *bare)
{
    size_t n = sizeof s->chatstate_peers / sizeof s->chatstate_peers[0];
    for (size_t i = 0; i < n; i++)
        if (s->chatstate_peers[i] && strcmp(s->chatstate_peers[i], bare) == 0)
            return true;
    return false;
}

static void learn_chatstates(struct session *s, const char *from)
{
    char *bare = jid_bare_of(from);
    size_t n = sizeof s->chatstate_peers / sizeof s->chatstate_peers[0];
    if (!bare || knows_chatstates(s, bare)) {
        free(bare);
        return;
    }
    free(s->chatstate_peers[s->chatstate_next]);
    s->chatstate_peers[s->chatstate_next] = bare;
    s->chatstate_next = (s->chatstate_next + 1) % n;
}

/* Receipts and chat states, which may come with or without a body. A
 * carbon's are not ours to answer or show: the other resource does. */
static void message_extras(struct session *s, mxml_node_t *m, const char *from, bool carbon)
{
    if (carbon)
        return;
    mxml_node_t *received = stanza_child(m, NS_RECEIPTS, "received");
    if (received && stanza_attr(received, "id")) {
        struct session_event ev = {
            .type = SESSION_EV_RECEIPT, .jid = from, .id = stanza_attr(received, "id")};
        session_emit(s, &ev);
    }
    const char *type = stanza_attr(m, "type");
    bool no_receipt = type && (strcmp(type, "error") == 0 || strcmp(type, "groupchat") == 0);
    if (!no_receipt && stanza_child(m, NS_RECEIPTS, "request") &&
        stanza_child(m, NS_CLIENT, "body"))
        send_receipt(s, m, from);
    const char *state = chat_state_of(m);
    if (state)
        learn_chatstates(s, from);
    if (state) {
        struct session_event ev = {.type = SESSION_EV_CHATSTATE, .jid = from, .sub_type = state};
        session_emit(s, &ev);
    }
}

/* XEP-0359 §6: a stanza-id is only as good as the entity that stamped
 * it, and a peer can write any <stanza-id/> into its message. We believe
 * the one stamped by our own server (by our bare JID) on a chat message,
 * and the one stamped by a room we are in on that room's groupchat
 * message; servers remove forged ones of their own JID (§5). */
static const char *trusted_stanza_id(struct session *s, mxml_node_t *m, const char *from,
                                     const char *type, const char **by_out)
{
    bool groupchat = type && strcmp(type, "groupchat") == 0;
    const char *want = s->bare;
    if (groupchat) {
        struct muc_room *room = from ? muc_find(&s->mucs, from) : NULL;
        if (!room)
            return NULL;
        want = room->jid;
    }
    for (mxml_node_t *sid = stanza_child(m, NS_SID, "stanza-id"); sid;
         sid = stanza_next(sid, NS_SID, "stanza-id")) {
        const char *by = stanza_attr(sid, "by"), *id = stanza_attr(sid, "id");
        if (by && id && *id && !jid_resource_of(by) && jid_bare_equal(by, want)) {
            *by_out = by;
            return id;
        }
    }
    return NULL;
}

/* An archived message of ours: from our account or, in a room's
 * archive, from the nick we have there now, as a live one is told apart.
 * A real JID in the message (<x xmlns='muc#user'><item jid/>) is not
 * used: an occupant could write one in. */
static bool archived_ours(struct session *s, const char *from, const char *type)
{
    if (jid_bare_equal(from, s->bare))
        return true;
    struct muc_room *room = type && strcmp(type, "groupchat") == 0 ? muc_find(&s->mucs, from)
                                                                   : NULL;
    const char *nick = jid_resource_of(from);
    return room && nick && strcmp(nick, room->nick) == 0;
}

static void deliver_message(struct session *s, mxml_node_t *m, bool sent, bool received,
                            const struct im_archived *arch)
{
    const char *from = stanza_attr(m, "from");
    const char *type = stanza_attr(m, "type");
    if (!from)
        from = (sent || arch) && s->full ? s->full : s->jid.domain;
    if (!arch)
        message_extras(s, m, from, sent || received);
    char *body = stanza_child_text(m, NS_CLIENT, "body");
    char *subject = stanza_child_text(m, NS_CLIENT, "subject");
    char *thread = stanza_child_text(m, NS_CLIENT, "thread");
    char *error = error_text(m);
    mxml_node_t *oob = stanza_child(m, NS_OOB, "x");
    char *oob_url = oob ? stanza_child_text(oob, NS_OOB, "url") : NULL;
    mxml_node_t *delay = stanza_child(m, NS_DELAY, "delay");
    int64_t stamp_ms = arch ? im_order_ms(arch->stamp, arch->asked_ms, arch->backward) : 0;
    if (!stamp_ms && delay)
        stamp_ms = im_order_ms(stanza_attr(delay, "stamp"), im_now_ms(), false);
    time_t stamp = (time_t)(stamp_ms / 1000);
    const char *by = NULL;
    const char *stanza_id = arch ? arch->id : trusted_stanza_id(s, m, from, type, &by);
    mxml_node_t *origin = stanza_child(m, NS_SID, "origin-id");
    mxml_node_t *replace = stanza_child(m, NS_CORRECT, "replace");
    struct omemo_element omemo;
    char omemo_err[128] = "";
    int encrypted = omemo_read_message(m, &omemo, omemo_err, sizeof omemo_err);
    /* XEP-0045 §7.2.3 / XEP-0313 §5.1.2: a non-anonymous room's archive
     * names the writer of each message. */
    mxml_node_t *mucx = type && strcmp(type, "groupchat") == 0 ? stanza_child(m, NS_MUC_USER, "x")
                                                                : NULL;
    mxml_node_t *item = mucx ? stanza_child(mucx, NS_MUC_USER, "item") : NULL;
    struct session_message msg = {
        .from = from,
        .to = stanza_attr(m, "to"),
        .type = type ? type : "normal",
        .id = stanza_attr(m, "id"),
        .thread = thread,
        .subject = subject,
        .body = body,
        .error = error,
        .stamp = stamp ? stamp : time(NULL),
        .delayed = stamp != 0 || arch,
        .stamp_ms = stamp_ms,
        .muc_jid = item ? stanza_attr(item, "jid") : NULL,
        .carbon_sent = sent,
        .carbon_received = received,
        .chat_state = chat_state_of(m),
        .replace_id = replace ? stanza_attr(replace, "id") : NULL,
        .stanza_id = stanza_id,
        .stanza_id_by = arch ? arch->by : by,
        .origin_id = origin ? stanza_attr(origin, "id") : NULL,
        .ours = sent || (arch && archived_ours(s, from, type)),
        .archived = arch != NULL,
        .archive_qid = arch ? arch->qid : NULL,
        .omemo = encrypted > 0 ? &omemo : NULL,
        .omemo_error = encrypted < 0 ? omemo_err : NULL,
        .oob_url = oob_url && oob_url[0] ? oob_url : NULL,
    };
    /* A bounced chat state is no failed message: nothing the user wrote
     * was lost, so nothing is said. */
    bool bounced_state = error && !body && !subject && msg.chat_state;
    if ((body || subject || error || encrypted || msg.oob_url) && !bounced_state) {
        struct session_event ev = {.type = SESSION_EV_MESSAGE, .msg = &msg, .jid = msg.from};
        session_emit(s, &ev);
    }
    if (encrypted > 0)
        omemo_element_clear(&omemo);
    free(body);
    free(oob_url);
    free(subject);
    free(thread);
    free(error);
}

void im_deliver_archived(struct session *s, mxml_node_t *m, const struct im_archived *a)
{
    deliver_message(s, m, false, false, a);
}

/* XEP-0280 §11: a carbon is only believed from our own bare JID; anyone
 * else could forge "messages we sent" (the hole behind CVE-2017-5592). */
static bool unwrap_carbon(struct session *s, mxml_node_t *m)
{
    mxml_node_t *wrap = stanza_child(m, NS_CARBONS, "received");
    bool sent = false;
    if (!wrap) {
        wrap = stanza_child(m, NS_CARBONS, "sent");
        sent = wrap != NULL;
    }
    if (!wrap)
        return false;
    const char *from = stanza_attr(m, "from");
    if (!from || !jid_bare_equal(from, s->bare) || jid_resource_of(from)) {
        char why[300];
        snprintf(why, sizeof why, "ignored a forged carbon from %s", from ? from : "nobody");
        session_emit_text(s, SESSION_EV_INFO, why);
        return true;
    }
    mxml_node_t *fwd = stanza_child(wrap, NS_FORWARD, "forwarded");
    mxml_node_t *inner = fwd ? stanza_child(fwd, NS_CLIENT, "message") : NULL;
    if (inner)
        deliver_message(s, inner, sent, !sent, NULL);
    return true;
}

static void on_message(struct session *s, mxml_node_t *m)
{
    if (mam_message(s, m) || omemo_pep_event(s, m))
        return;
    mxml_node_t *delay = stanza_child(m, NS_DELAY, "delay");
    time_t stamp = delay ? im_parse_stamp(stanza_attr(delay, "stamp")) : 0;
    if (!unwrap_carbon(s, m) && !muc_message(s, m, stamp ? stamp : time(NULL)))
        deliver_message(s, m, false, false, NULL);
}

void im_enable_carbons(struct session *s)
{
    char id[32], xml[160];
    session_next_id(s, id, sizeof id);
    int n = snprintf(xml, sizeof xml,
                     "<iq type='set' id='%s'><enable xmlns='" NS_CARBONS "'/></iq>", id);
    mxml_node_t *iq = stanza_parse(xml, (size_t)n, NULL, 0);
    if (iq) {
        session_send_node(s, iq, false);
        mxmlDelete(iq);
    }
}

void im_stanza(struct session *s, mxml_node_t *el)
{
    if (stanza_is(el, NS_CLIENT, "iq"))
        on_iq(s, el);
    else if (stanza_is(el, NS_CLIENT, "presence"))
        on_presence(s, el);
    else if (stanza_is(el, NS_CLIENT, "message"))
        on_message(s, el);
}

/* --- commands from the user --- */

/* Builds the message and sends it, or, while not online, holds it for
 * when we are (sm.c: the outbox); restored: it comes from the app's
 * outbox file, under the id it had. Returns 0 sent, 1 held, -1 invalid. */
static int send_body(struct session *s, const char *to, const char *type, const char *body,
                     const char *thread, const char *replace_id, const char *restored,
                     const char *oob_url,
                     char *id_out, size_t id_len)
{
    char id[64];
    if (!to || !body || !stanza_valid_text(body, strlen(body)))
        return -1;
    char *bare = jid_bare_of(to);
    if (!bare)
        return -1;
    free(bare);
    if (restored)
        snprintf(id, sizeof id, "%s", restored);
    else
        session_next_id(s, id, sizeof id);
    mxml_node_t *m = stanza_new("message");
    int rc = stanza_set_attr(m, "to", to);
    rc |= stanza_set_attr(m, "type", type ? type : "chat");
    rc |= stanza_set_attr(m, "id", id);
    rc |= stanza_add_text_child(m, "body", body) ? 0 : -1;
    if (thread)
        rc |= stanza_add_text_child(m, "thread", thread) ? 0 : -1;
    if (replace_id) {
        mxml_node_t *r = stanza_add(m, "replace");
        rc |= stanza_set_attr(r, "xmlns", NS_CORRECT) | stanza_set_attr(r, "id", replace_id);
    }
    if (oob_url) {
        /* XEP-0066: other clients show the link as a file */
        mxml_node_t *x = stanza_add(m, "x");
        rc |= stanza_set_attr(x, "xmlns", NS_OOB);
        rc |= stanza_add_text_child(x, "url", oob_url) ? 0 : -1;
    }
    struct session_message msg = {.to = to, .type = type ? type : "chat", .id = id, .body = body};
    return im_send_message_node(s, m, id, !type || strcmp(type, "chat") == 0, rc, &msg,
                                restored != NULL, id_out, id_len);
}

/* Writes the message, or while not online holds it for when we are
 * (sm.c). The app keeps it (the store's outbox) until the server confirms
 * it: said before it is written, and so before that confirmation. A
 * message without a body of its own (outbox->body NULL: an encrypted
 * one) is said with the whole stanza, for the app to keep that and never
 * its text. Returns 0 written, 1 held. */
static int deliver(struct session *s, const char *xml, size_t len, const char *id,
                   const struct session_message *outbox, bool restored)
{
    bool online = session_online(s);
    if (outbox) {
        struct session_event ev = {.type = SESSION_EV_OUTBOX,
                                   .sub_type = restored ? "restored" : "queued",
                                   .id = id,
                                   .jid = outbox->to,
                                   .msg = outbox,
                                   .text = outbox->body ? NULL : xml};
        session_emit(s, &ev);
    }
    if (online) {
        session_send_text(s, xml, len);
        session_emit_xml(s, xml, len, true);
    } else {
        sm_hold(s, xml, len);
    }
    return online ? 0 : 1;
}

int im_send_message_node(struct session *s, mxml_node_t *m, const char *id, bool chat, int rc,
                         const struct session_message *outbox, bool restored, char *id_out,
                         size_t id_len)
{
    /* XEP-0359: the same id, which our archive and the peer's keep, so
     * that a copy of this message can be recognised wherever it comes
     * back from. */
    mxml_node_t *origin = stanza_add(m, "origin-id");
    rc |= stanza_set_attr(origin, "xmlns", NS_SID) | stanza_set_attr(origin, "id", id);
    if (chat) {
        /* XEP-0184 asks for a receipt; XEP-0085 says we are in the chat. */
        stanza_set_attr(stanza_add(m, "request"), "xmlns", NS_RECEIPTS);
        stanza_set_attr(stanza_add(m, "active"), "xmlns", NS_CHATSTATES);
    }
    size_t len = 0;
    char *xml = rc == 0 ? stanza_serialize(m, &len) : NULL;
    mxmlDelete(m);
    if (!xml)
        return -1;
    int sent = deliver(s, xml, len, id, outbox, restored);
    free(xml);
    if (id_out)
        snprintf(id_out, id_len, "%s", id);
    return sent;
}

int session_queue_stanza(struct session *s, const char *to, const char *id, const char *xml)
{
    /* It comes from a file: only a message of ours to to under id goes. */
    size_t len = xml ? strlen(xml) : 0;
    mxml_node_t *m = len && to && id ? stanza_parse(xml, len, NULL, 0) : NULL;
    bool ok = stanza_is(m, NULL, "message") && stanza_attr(m, "id") &&
              strcmp(stanza_attr(m, "id"), id) == 0 && stanza_attr(m, "to") &&
              strcmp(stanza_attr(m, "to"), to) == 0 && stanza_child(m, NULL, "body");
    mxmlDelete(m);
    if (!ok)
        return -1;
    struct session_message msg = {.to = to, .type = "chat", .id = id};
    return deliver(s, xml, len, id, &msg, true);
}

int session_send_message(struct session *s, const char *to, const char *type, const char *body,
                         const char *thread, char *id_out, size_t id_len)
{
    return send_body(s, to, type, body, thread, NULL, NULL, NULL, id_out, id_len);
}

int session_queue_message(struct session *s, const char *to, const char *type, const char *body,
                          const char *id)
{
    return id && *id ? send_body(s, to, type, body, NULL, NULL, id, NULL, NULL, 0) : -1;
}

int session_send_file_link(struct session *s, const char *to, const char *type, const char *url,
                           char *id_out, size_t id_len)
{
    return send_body(s, to, type, url, NULL, NULL, NULL, url, id_out, id_len);
}

int session_send_correction(struct session *s, const char *to, const char *body,
                            const char *replace_id, char *id_out, size_t id_len)
{
    return replace_id
               ? send_body(s, to, "chat", body, NULL, replace_id, NULL, NULL, id_out, id_len)
               : -1;
}

int session_set_presence(struct session *s, enum presence_show show, const char *status,
                         int priority)
{
    if (status && !stanza_valid_text(status, strlen(status)))
        return -1;
    s->show = show == SHOW_OFFLINE ? SHOW_ONLINE : show;
    free(s->status);
    s->status = status ? strdup(status) : NULL;
    s->priority = priority;
    if (session_online(s))
        im_send_presence(s);
    else
        s->sm.presence_changed = true; /* a resumed session must say it */
    return 0;
}

/* A refused roster change is said; a done one shows as the push that
 * follows (RFC 6121 §2.3.3). The context is the contact's JID. */
static void on_roster_set(struct session *s, enum iq_outcome how, mxml_node_t *iq, void *ctx)
{
    char *jid = ctx;
    if (how == IQ_ERROR || how == IQ_TIMEOUT) {
        char why[400];
        snprintf(why, sizeof why, "the server refused the roster change for %s: %s", jid,
                 how == IQ_ERROR ? im_error_condition(iq) : "no answer");
        session_emit_text(s, SESSION_EV_ERROR, why);
    }
    free(jid);
}

static int send_roster_item(struct session *s, const char *jid, const char *name,
                            const char *const *groups, size_t ngroups, bool remove)
{
    mxml_node_t *iq = stanza_new("iq");
    stanza_set_attr(iq, "type", "set");
    mxml_node_t *q = stanza_add(iq, "query");
    stanza_set_attr(q, "xmlns", NS_ROSTER);
    mxml_node_t *item = stanza_add(q, "item");
    int rc = stanza_set_attr(item, "jid", jid);
    if (remove)
        rc |= stanza_set_attr(item, "subscription", "remove");
    if (name && *name)
        rc |= stanza_set_attr(item, "name", name);
    for (size_t i = 0; i < ngroups; i++)
        rc |= stanza_add_text_child(item, "group", groups[i]) ? 0 : -1;
    char *ctx = rc == 0 ? strdup(jid) : NULL;
    rc = ctx ? session_iq(s, iq, 0, on_roster_set, ctx) : -1;
    if (rc < 0)
        free(ctx);
    mxmlDelete(iq);
    return rc == 0 ? 0 : -1;
}

int session_roster_set(struct session *s, const char *jid, const char *name, const char *group)
{
    char *bare = jid ? jid_bare_of(jid) : NULL;
    if (!session_online(s) || !bare) {
        free(bare);
        return -1;
    }
    /* §2.1.2.2: a set replaces the whole item, so keep what is not changed. */
    struct roster_item *it = roster_find(s->roster, bare);
    const char *keep_name = name ? name : (it ? it->name : NULL);
    const char *const *groups = group ? &group : NULL;
    size_t ngroups = group ? 1 : 0;
    if (!group && it && it->in_roster) {
        groups = (const char *const *)it->groups;
        ngroups = it->ngroups;
    }
    int rc = send_roster_item(s, bare, keep_name, groups, ngroups, false);
    free(bare);
    return rc;
}

int session_roster_remove(struct session *s, const char *jid)
{
    char *bare = jid ? jid_bare_of(jid) : NULL;
    int rc = session_online(s) && bare ? send_roster_item(s, bare, NULL, NULL, 0, true) : -1;
    free(bare);
    return rc;
}

int session_send_subscription(struct session *s, const char *jid, const char *type)
{
    static const char *const types[] = {"subscribe", "subscribed", "unsubscribe", "unsubscribed"};
    bool known = false;
    for (size_t i = 0; i < 4 && type; i++)
        known |= strcmp(types[i], type) == 0;
    char *bare = jid ? jid_bare_of(jid) : NULL;
    if (!session_online(s) || !bare || !known) {
        free(bare);
        return -1;
    }
    mxml_node_t *p = stanza_new("presence");
    stanza_set_attr(p, "to", bare);
    stanza_set_attr(p, "type", type);
    int rc = session_send_node(s, p, false);
    mxmlDelete(p);
    free(bare);
    return rc;
}

/* Run text through a fresh framer as if it came from a stream, so that it
 * meets exactly the rules incoming XML must meet. */
static mxml_node_t *parse_one_element(const char *xml, char *err, size_t errlen)
{
    static const char header[] = "<stream:stream xmlns='jabber:client' "
                                 "xmlns:stream='http://etherx.jabber.org/streams'>";
    struct framer *f = framer_new(NULL);
    const char *text = NULL;
    size_t len = 0;
    mxml_node_t *el = NULL;
    if (!f) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    framer_feed(f, header, sizeof header - 1);
    framer_feed(f, xml, strlen(xml));
    enum framer_event ev = framer_next(f, &text, &len);
    if (ev == FRAMER_HEADER)
        ev = framer_next(f, &text, &len);
    if (ev == FRAMER_STANZA) {
        el = stanza_parse(text, len, err, errlen);
        if (el && framer_next(f, &text, &len) != FRAMER_NEED_MORE) {
            mxmlDelete(el);
            el = NULL;
            snprintf(err, errlen, "more than one element");
        }
    } else if (ev == FRAMER_ERROR) {
        snprintf(err, errlen, "%s: %s", framer_error_condition(f), framer_error_text(f));
    } else {
        snprintf(err, errlen, "not one complete element");
    }
    framer_free(f);
    return el;
}

static void on_raw_answer(struct session *s, enum iq_outcome how, mxml_node_t *iq, void *ctx)
{
    (void)ctx;
    if (how == IQ_GONE)
        return;
    size_t len = 0;
    char *xml = iq ? stanza_serialize(iq, &len) : NULL;
    char *clean = xml ? redact_xml(xml, len, &len) : NULL;
    char text[2048];
    snprintf(text, sizeof text, "answer to /raw from %s (%s)%s%s",
             iq && stanza_attr(iq, "from") ? stanza_attr(iq, "from") : "the server",
             how == IQ_RESULT ? "result" : how == IQ_ERROR ? im_error_condition(iq) : "no answer",
             xml ? ": " : "", clean ? clean : xml ? xml : "");
    session_emit_text(s, how == IQ_RESULT ? SESSION_EV_INFO : SESSION_EV_ERROR, text);
    free(clean);
    free(xml);
}

int session_send_raw(struct session *s, const char *xml, char *err, size_t errlen)
{
    if (!session_online(s)) {
        snprintf(err, errlen, "not connected");
        return -1;
    }
    mxml_node_t *el = parse_one_element(xml, err, errlen);
    if (!el)
        return -1;
    /* A request typed raw is asked like any other, so that its answer is
     * said (with a new id: ours must be unique). */
    const char *type = stanza_attr(el, "type");
    bool request = stanza_is(el, NS_CLIENT, "iq") && type &&
                   (strcmp(type, "get") == 0 || strcmp(type, "set") == 0);
    int rc = request ? session_iq(s, el, 0, on_raw_answer, NULL) : session_send_node(s, el, false);
    mxmlDelete(el);
    if (rc < 0)
        snprintf(err, errlen, "could not send");
    return rc;
}

int session_send_chatstate(struct session *s, const char *to, const char *state)
{
    bool known = false;
    for (size_t i = 0; i < sizeof chat_states / sizeof chat_states[0] && state; i++)
        known |= strcmp(chat_states[i], state) == 0;
    char *bare = to ? jid_bare_of(to) : NULL;
    /* A contact with no available resource would only bounce it back
     * (ejabberd: service-unavailable); the roster tells, others we
     * cannot know about. */
    const struct roster_item *it = bare ? roster_find(s->roster, bare) : NULL;
    bool wanted = bare && knows_chatstates(s, bare) && (!it || it->nres > 0);
    free(bare);
    if (!session_online(s) || !known || !wanted)
        return -1;
    mxml_node_t *m = stanza_new("message");
    int rc = stanza_set_attr(m, "to", to) | stanza_set_attr(m, "type", "chat");
    stanza_set_attr(stanza_add(m, state), "xmlns", NS_CHATSTATES);
    /* XEP-0334: a state alone is not worth archiving or keeping offline. */
    stanza_set_attr(stanza_add(m, "no-store"), "xmlns", NS_HINTS);
    if (rc == 0)
        rc = session_send_node(s, m, false);
    mxmlDelete(m);
    return rc == 0 ? 0 : -1;
}

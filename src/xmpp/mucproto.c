/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mucproto.c - group chat (XEP-0045) on the wire: joining (with a
 * password, and history since the last message we saw), leaving, nick
 * changes, the subject, invitations (mediated, and XEP-0249 direct), and
 * the room's presences turned into occupant events. Groupchat messages
 * with a body go the usual way (im.c), as SESSION_EV_MESSAGE.
 *
 * What we chose, as Profanity and mcabber users expect:
 *  - a room that sends status 201 (we created it) is accepted with its
 *    default configuration at once (an "instant room", §10.1.2);
 *  - after a new login (not a resumed stream) every room we were in is
 *    joined again, asking for the history since the last message we saw;
 *  - our presence changes go to every room we are in;
 *  - a room whose archive (XEP-0313) the application reads instead is
 *    joined with <history maxstanzas='0'/>, so that nothing comes twice
 *    (session_muc_set_no_history). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xml/stanza.h"
#include "xmpp/muc.h"
#include "xmpp/session_priv.h"


/* "room@service/nick", or NULL if that is not a valid occupant JID. */
static char *occupant_jid(const char *room, const char *nick)
{
    char text[3200];
    struct jid j;
    if (!room || !nick || !*nick ||
        snprintf(text, sizeof text, "%s/%s", room, nick) >= (int)sizeof text ||
        jid_parse(text, &j, NULL, 0) < 0)
        return NULL;
    bool ok = j.local && j.resource;
    char *full = ok ? jid_full(&j) : NULL;
    jid_clear(&j);
    return full;
}

static bool no_history(const struct session *s, const char *room)
{
    for (size_t i = 0; i < s->nno_history; i++)
        if (jid_bare_equal(s->no_history[i], room))
            return true;
    return false;
}

void session_muc_set_no_history(struct session *s, const char *room, bool none)
{
    char *bare = room ? jid_bare_of(room) : NULL;
    if (!bare || no_history(s, bare) == none) {
        free(bare);
        return;
    }
    if (none) {
        char **more = realloc(s->no_history, (s->nno_history + 1) * sizeof *more);
        if (!more) {
            free(bare);
            return;
        }
        s->no_history = more;
        s->no_history[s->nno_history++] = bare;
        return;
    }
    for (size_t i = 0; i < s->nno_history; i++) {
        if (jid_bare_equal(s->no_history[i], bare)) {
            free(s->no_history[i]);
            s->no_history[i] = s->no_history[--s->nno_history];
            break;
        }
    }
    free(bare);
}

void muc_no_history_clear(struct session *s)
{
    for (size_t i = 0; i < s->nno_history; i++)
        free(s->no_history[i]);
    free(s->no_history);
    s->no_history = NULL;
    s->nno_history = 0;
}

static void send_join(struct session *s, struct muc_room *room)
{
    char *to = occupant_jid(room->jid, room->nick);
    if (!to)
        return;
    room->subject_seen = false;
    mxml_node_t *p = stanza_new("presence");
    stanza_set_attr(p, "to", to);
    im_add_show(s, p);
    mxml_node_t *x = stanza_add(p, "x");
    stanza_set_attr(x, "xmlns", NS_MUC);
    mxml_node_t *history = stanza_add(x, "history");
    if (no_history(s, room->jid)) {
        stanza_set_attr(history, "maxstanzas", "0");
    } else if (room->last_seen) {
        char since[32];
        time_t t = room->last_seen + 1;
        strftime(since, sizeof since, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
        stanza_set_attr(history, "since", since);
    } else {
        stanza_set_attr(history, "maxstanzas", "20");
    }
    if (room->password)
        stanza_add_text_child(x, "password", room->password);
    disco_add_caps(s, p);
    session_send_node(s, p, false);
    mxmlDelete(p);
    free(to);
}

int session_muc_join(struct session *s, const char *room, const char *nick, const char *password)
{
    char *to = occupant_jid(room, nick);
    char *bare = to ? jid_bare_of(to) : NULL;
    bool room_ok = bare && jid_bare_equal(bare, room) && !jid_resource_of(room);
    free(to);
    if (!session_online(s) || !room_ok) {
        free(bare);
        return -1;
    }
    struct muc_room *r = muc_add(&s->mucs, bare, nick, password && *password ? password : NULL);
    free(bare);
    if (!r)
        return -1;
    send_join(s, r);
    return 0;
}

static int send_presence_to(struct session *s, const char *room, const char *nick, const char *type,
                            const char *status)
{
    char *to = occupant_jid(room, nick);
    if (!to)
        return -1;
    mxml_node_t *p = stanza_new("presence");
    stanza_set_attr(p, "to", to);
    if (type)
        stanza_set_attr(p, "type", type);
    if (status && *status)
        stanza_add_text_child(p, "status", status);
    else if (!type)
        im_add_show(s, p);
    int rc = session_send_node(s, p, false);
    mxmlDelete(p);
    free(to);
    return rc;
}

int session_muc_part(struct session *s, const char *room, const char *status)
{
    struct muc_room *r = muc_find(&s->mucs, room);
    if (!r || !session_online(s))
        return -1;
    if (!r->joined) {
        /* Still joining, or refused: nothing to leave but the model. */
        send_presence_to(s, r->jid, r->nick, "unavailable", status);
        muc_remove(&s->mucs, room);
        return 0;
    }
    return send_presence_to(s, r->jid, r->nick, "unavailable", status);
}

int session_muc_nick(struct session *s, const char *room, const char *nick)
{
    struct muc_room *r = muc_find(&s->mucs, room);
    if (!r || !r->joined || !session_online(s))
        return -1;
    return send_presence_to(s, r->jid, nick, NULL, NULL);
}

/* A groupchat message to the room carrying what build adds. */
static int send_to_room(struct session *s, const char *room, const char *type,
                        mxml_node_t *(*build)(mxml_node_t *m, const char *a, const char *b),
                        const char *a, const char *b)
{
    struct muc_room *r = muc_find(&s->mucs, room);
    if (!r || !r->joined || !session_online(s))
        return -1;
    char id[32];
    session_next_id(s, id, sizeof id);
    mxml_node_t *m = stanza_new("message");
    stanza_set_attr(m, "to", r->jid);
    if (type)
        stanza_set_attr(m, "type", type);
    stanza_set_attr(m, "id", id);
    int rc = build(m, a, b) ? session_send_node(s, m, false) : -1;
    mxmlDelete(m);
    return rc;
}

static mxml_node_t *add_subject(mxml_node_t *m, const char *subject, const char *unused)
{
    (void)unused;
    return stanza_add_text_child(m, "subject", subject ? subject : "");
}

int session_muc_topic(struct session *s, const char *room, const char *subject)
{
    if (subject && !stanza_valid_text(subject, strlen(subject)))
        return -1;
    return send_to_room(s, room, "groupchat", add_subject, subject, NULL);
}

static mxml_node_t *add_invite(mxml_node_t *m, const char *jid, const char *reason)
{
    mxml_node_t *x = stanza_add(m, "x");
    stanza_set_attr(x, "xmlns", NS_MUC_USER);
    mxml_node_t *invite = stanza_add(x, "invite");
    if (stanza_set_attr(invite, "to", jid) < 0)
        return NULL;
    if (reason && *reason && !stanza_add_text_child(invite, "reason", reason))
        return NULL;
    return invite;
}

int session_muc_invite(struct session *s, const char *room, const char *jid, const char *reason)
{
    char *bare = jid ? jid_bare_of(jid) : NULL;
    free(bare);
    if (!bare)
        return -1;
    return send_to_room(s, room, NULL, add_invite, jid, reason);
}

/* --- what rooms send --- */

struct muc_codes {
    bool self, created, nick_changed, kicked, banned, removed;
};

static struct muc_codes status_codes(mxml_node_t *x)
{
    struct muc_codes c = {0};
    for (mxml_node_t *st = stanza_child(x, NS_MUC_USER, "status"); st;
         st = stanza_next(st, NS_MUC_USER, "status")) {
        const char *code = stanza_attr(st, "code");
        int n = code ? atoi(code) : 0;
        c.self |= n == 110;
        c.created |= n == 201;
        c.nick_changed |= n == 303;
        c.kicked |= n == 307;
        c.banned |= n == 301;
        c.removed |= n == 321 || n == 322 || n == 332;
    }
    return c;
}

/* §10.1.2: accept the default configuration of a room we created. The
 * room stays locked to others until the answer: we are "joined" then. */
/* XEP-0045 §10.1.2: the answer to our instant-room request ends the
 * creation. The context is the room's JID: the room may be gone by then. */
static void on_unlocked(struct session *s, enum iq_outcome how, mxml_node_t *iq, void *ctx)
{
    char *jid = ctx;
    struct muc_room *room = how == IQ_GONE ? NULL : muc_find(&s->mucs, jid);
    free(jid);
    if (!room)
        return;
    if (how != IQ_RESULT) {
        char why[400];
        snprintf(why, sizeof why, "%s: the new room could not be unlocked: %s", room->jid,
                 how == IQ_ERROR ? im_error_condition(iq) : "no answer");
        session_emit_text(s, SESSION_EV_ERROR, why);
    }
    struct session_event ev = {
        .type = SESSION_EV_MUC_JOINED, .jid = room->jid, .nick = room->nick, .text = "created"};
    session_emit(s, &ev);
}

static void make_instant(struct session *s, struct muc_room *room)
{
    mxml_node_t *iq = stanza_new("iq");
    stanza_set_attr(iq, "type", "set");
    stanza_set_attr(iq, "to", room->jid);
    mxml_node_t *q = stanza_add(iq, "query");
    stanza_set_attr(q, "xmlns", NS_MUC_OWNER);
    mxml_node_t *x = stanza_add(q, "x");
    stanza_set_attr(x, "xmlns", NS_DATA);
    stanza_set_attr(x, "type", "submit");
    char *jid = strdup(room->jid);
    if (!jid || session_iq(s, iq, 0, on_unlocked, jid) < 0)
        free(jid);
    mxmlDelete(iq);
}

static void emit_left(struct session *s, const char *room, const char *how, const char *condition,
                      const char *text, const char *nick)
{
    struct session_event ev = {.type = SESSION_EV_MUC_LEFT,
                               .jid = room,
                               .nick = nick,
                               .sub_type = how,
                               .condition = condition,
                               .text = text};
    session_emit(s, &ev);
}

static void join_refused(struct session *s, struct muc_room *room, mxml_node_t *p)
{
    const char *condition = im_error_condition(p);
    char *text = stanza_child_text(stanza_child(p, NULL, "error"), NS_STANZAS, "text");
    char *jid = strdup(room->jid), *nick = strdup(room->nick);
    if (room->joined) {
        /* A nick change or presence the room refused: we are still in. */
        char why[600];
        snprintf(why, sizeof why, "%s refused: %s%s%s", room->jid, condition, text ? ": " : "",
                 text ? text : "");
        struct session_event ev = {
            .type = SESSION_EV_ERROR, .jid = room->jid, .condition = condition, .text = why};
        session_emit(s, &ev);
    } else {
        muc_remove(&s->mucs, room->jid);
        emit_left(s, jid, "error", condition, text, nick); /* the nick that was refused */
    }
    free(jid);
    free(nick);
    free(text);
}

/* An occupant, or we, went away: a nick change, a kick, a ban, a part. */
static void occupant_gone(struct session *s, struct muc_room *room, const char *nick,
                          mxml_node_t *p, mxml_node_t *x, struct muc_codes c)
{
    mxml_node_t *item = stanza_child(x, NS_MUC_USER, "item");
    /* A kick or ban has the moderator's reason; a part, the status. */
    char *reason = stanza_child_text(item, NS_MUC_USER, "reason");
    if (!reason)
        reason = stanza_child_text(p, NS_CLIENT, "status");
    bool self = c.self || strcmp(nick, room->nick) == 0;
    const char *new_nick = item ? stanza_attr(item, "nick") : NULL;
    char *full = occupant_jid(room->jid, nick);
    if (c.nick_changed && new_nick) {
        if (self)
            muc_add(&s->mucs, room->jid, new_nick, room->password);
        /* The presence under the new nick follows: it is a change, not a
         * newcomer. */
        struct muc_occupant *o = muc_occupant(room, nick);
        if (o)
            muc_occupant_set(room, new_nick, o->show, o->status, o->role, o->affiliation, o->jid);
        muc_occupant_remove(room, nick);
        struct session_event ev = {.type = SESSION_EV_MUC_OCCUPANT,
                                   .jid = full,
                                   .nick = nick,
                                   .sub_type = "nick",
                                   .text = new_nick,
                                   .show = SHOW_OFFLINE};
        session_emit(s, &ev);
    } else if (self) {
        mxml_node_t *destroy = stanza_child(x, NS_MUC_USER, "destroy");
        char *why = destroy ? stanza_child_text(destroy, NS_MUC_USER, "reason") : NULL;
        const char *how = c.kicked    ? "kick"
                          : c.banned  ? "ban"
                          : destroy   ? "destroy"
                          : c.removed ? "removed"
                                      : "part";
        char *jid = strdup(room->jid);
        muc_remove(&s->mucs, room->jid);
        emit_left(s, jid, how, NULL, why ? why : reason, NULL);
        free(why);
        free(jid);
    } else {
        muc_occupant_remove(room, nick);
        struct session_event ev = {.type = SESSION_EV_MUC_OCCUPANT,
                                   .jid = full,
                                   .nick = nick,
                                   .sub_type = c.kicked   ? "kick"
                                               : c.banned ? "ban"
                                                          : "leave",
                                   .text = reason,
                                   .show = SHOW_OFFLINE};
        session_emit(s, &ev);
    }
    free(full);
    free(reason);
}

static void occupant_here(struct session *s, struct muc_room *room, const char *nick,
                          mxml_node_t *p, mxml_node_t *x, struct muc_codes c)
{
    mxml_node_t *item = stanza_child(x, NS_MUC_USER, "item");
    char *show_text = stanza_child_text(p, NS_CLIENT, "show");
    char *status = stanza_child_text(p, NS_CLIENT, "status");
    enum presence_show show = presence_show_parse(show_text);
    bool known = muc_occupant(room, nick) != NULL;
    muc_occupant_set(room, nick, show, status, item ? stanza_attr(item, "role") : NULL,
                     item ? stanza_attr(item, "affiliation") : NULL,
                     item ? stanza_attr(item, "jid") : NULL);
    char *full = occupant_jid(room->jid, nick);
    bool joining = !room->joined;
    if (c.self && joining) {
        room->joined = true;
        muc_add(&s->mucs, room->jid, nick, room->password); /* the room may change it (210) */
        sm_send_later(s); /* what we wrote to the room while out of it */
        mucinfo_ask(s, room);
        if (c.created) {
            make_instant(s, room);
            free(full);
            free(show_text);
            free(status);
            return; /* SESSION_EV_MUC_JOINED comes with the answer */
        }
    }
    struct session_event ev = {.type = c.self && joining ? SESSION_EV_MUC_JOINED
                                                         : SESSION_EV_MUC_OCCUPANT,
                               .jid = c.self && joining ? room->jid : full,
                               .nick = nick,
                               .sub_type = joining ? "present"
                                           : known ? "change"
                                                   : "join",
                               .show = show,
                               .status = status,
                               .text = c.created ? "created" : NULL};
    session_emit(s, &ev);
    free(full);
    free(show_text);
    free(status);
}

bool muc_presence(struct session *s, mxml_node_t *p)
{
    const char *from = stanza_attr(p, "from");
    struct muc_room *room = from ? muc_find(&s->mucs, from) : NULL;
    mxml_node_t *x = stanza_child(p, NS_MUC_USER, "x");
    /* An occupant's presence from a room we are not in: what a room
     * still sends for a session that another replaced (ejabberd). It is
     * no contact's presence, so it is dropped here. */
    if (!room)
        return x != NULL;
    const char *nick = jid_resource_of(from);
    const char *type = stanza_attr(p, "type");
    struct muc_codes c = status_codes(x);
    if (type && strcmp(type, "error") == 0)
        join_refused(s, room, p);
    else if (!nick)
        return true; /* the room itself has no presence to show */
    else if (type && strcmp(type, "unavailable") == 0)
        occupant_gone(s, room, nick, p, x, c);
    else if (!type)
        occupant_here(s, room, nick, p, x, c);
    return true;
}

static void on_invite(struct session *s, const char *room, const char *inviter, char *reason,
                      const char *password)
{
    struct session_event ev = {.type = SESSION_EV_MUC_INVITE,
                               .jid = room,
                               .inviter = inviter,
                               .text = reason,
                               .room_password = password};
    session_emit(s, &ev);
    free(reason);
}

bool muc_message(struct session *s, mxml_node_t *m, time_t stamp)
{
    const char *from = stanza_attr(m, "from");
    const char *type = stanza_attr(m, "type");
    mxml_node_t *x = stanza_child(m, NS_MUC_USER, "x");
    mxml_node_t *invite = x ? stanza_child(x, NS_MUC_USER, "invite") : NULL;
    mxml_node_t *direct = stanza_child(m, NS_CONFERENCE, "x");
    if (invite && from && !jid_resource_of(from)) {
        char *password = stanza_child_text(x, NS_MUC_USER, "password");
        on_invite(s, from, stanza_attr(invite, "from"), stanza_child_text(invite, NS_MUC_USER, "reason"),
                  password);
        free(password);
        return true;
    }
    if (direct && stanza_attr(direct, "jid")) { /* XEP-0249 */
        const char *reason = stanza_attr(direct, "reason");
        on_invite(s, stanza_attr(direct, "jid"), from, reason ? strdup(reason) : NULL,
                  stanza_attr(direct, "password"));
        return true;
    }
    struct muc_room *room = from ? muc_find(&s->mucs, from) : NULL;
    if (!room || !type || strcmp(type, "groupchat") != 0)
        return false;
    if (stamp > room->last_seen)
        room->last_seen = stamp;
    /* §10.2.1: the configuration changed (104, or 170-173 for what
     * occupants see): what kind of room it is may have changed. */
    for (mxml_node_t *st = x && !jid_resource_of(from) ? stanza_child(x, NS_MUC_USER, "status")
                                                       : NULL;
         st; st = stanza_next(st, NS_MUC_USER, "status")) {
        int code = atoi(stanza_attr(st, "code") ? stanza_attr(st, "code") : "0");
        if (code == 104 || (code >= 170 && code <= 173)) {
            mucinfo_ask(s, room);
            return true;
        }
    }
    mxml_node_t *subject = stanza_child(m, NS_CLIENT, "subject");
    if (!subject || stanza_child(m, NS_CLIENT, "body"))
        return false;
    char *text = stanza_text(subject);
    free(room->subject);
    room->subject = text;
    /* XEP-0045 §7.2.15: the subject ends the join, with or without a
     * <delay/> (ejabberd sends none): that one was set before, not now. */
    bool at_join = !room->subject_seen || stanza_child(m, NS_DELAY, "delay");
    room->subject_seen = true;
    struct session_event ev = {.type = SESSION_EV_MUC_SUBJECT,
                               .sub_type = at_join ? "current" : "changed",
                               .jid = room->jid,
                               .nick = jid_resource_of(from),
                               .text = text ? text : ""};
    session_emit(s, &ev);
    return true;
}

void muc_send_presence(struct session *s)
{
    for (size_t i = 0; i < s->mucs.n; i++)
        if (s->mucs.rooms[i]->joined)
            send_presence_to(s, s->mucs.rooms[i]->jid, s->mucs.rooms[i]->nick, NULL, NULL);
}

void muc_rejoin(struct session *s)
{
    for (size_t i = 0; i < s->mucs.n; i++) {
        muc_forget_occupants(s->mucs.rooms[i]);
        send_join(s, s->mucs.rooms[i]);
    }
}

void muc_connection_lost(struct session *s, bool for_good)
{
    for (size_t i = 0; i < s->mucs.n; i++) {
        muc_forget_occupants(s->mucs.rooms[i]);
        emit_left(s, s->mucs.rooms[i]->jid, for_good ? "offline" : "lost", NULL, NULL,
                  s->mucs.rooms[i]->nick);
    }
    if (for_good)
        muc_rooms_free(&s->mucs);
}

const struct muc_room *session_muc_room(const struct session *s, const char *room)
{
    return muc_find(&s->mucs, room);
}

size_t session_muc_count(const struct session *s)
{
    return s->mucs.n;
}

const struct muc_room *session_muc_at(const struct session *s, size_t i)
{
    return i < s->mucs.n ? s->mucs.rooms[i] : NULL;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mucinfo.c - what kind of room we joined, and who its members are.
 *
 * OMEMO in a room (XEP-0384, as Conversations and Dino do it)
 * encrypts to every member's devices, so it needs a room that is
 * members-only (a fixed set of readers) and non-anonymous (every
 * occupant's real JID, whose device list we can fetch). After each join
 * the room's disco#info says which it is (XEP-0045 §6.4: muc_membersonly,
 * muc_nonanonymous), and for a members-only room its affiliation lists
 * (§9.5, §10.5, §10.8: member, admin, owner) name the members, present
 * or not. Each answer updates the room and says so with
 * SESSION_EV_MUC_INFO; a member list we may not read (only admins may,
 * on some servers) leaves the occupants' JIDs to stand for it.
 *
 * An owner makes a room fit for that here too (session_muc_make_private:
 * members-only, real JIDs shown to all) and names its members
 * (session_muc_set_affiliation, §9.3-§10.7); each answer is said as
 * SESSION_EV_INFO, or SESSION_EV_ERROR with the room's reason. */
#include <stdlib.h>
#include <string.h>

#include "xml/stanza.h"
#include "xmpp/jid.h"
#include "xmpp/ns.h"
#include "xmpp/request.h"
#include "xmpp/session_priv.h"

static const char *const lists[] = {"owner", "admin", "member"};

/* <iq type=TYPE to=ROOM><query xmlns=NS/></iq>: every request here is
 * one; *query gets the query (the caller frees the iq). */
static mxml_node_t *room_iq(const char *type, const char *room, const char *ns,
                            mxml_node_t **query)
{
    mxml_node_t *iq = stanza_new("iq");
    stanza_set_attr(iq, "type", type);
    stanza_set_attr(iq, "to", room);
    *query = stanza_add(iq, "query");
    stanza_set_attr(*query, "xmlns", ns);
    return iq;
}

static void changed(struct session *s, const struct muc_room *room)
{
    struct session_event ev = {.type = SESSION_EV_MUC_INFO, .jid = room->jid};
    session_emit(s, &ev);
}

/* The context of each answer is the room's JID: the room may be gone. */
static struct muc_room *room_of(struct session *s, enum iq_outcome how, void *ctx)
{
    char *jid = ctx;
    struct muc_room *room = how == IQ_GONE ? NULL : muc_find(&s->mucs, jid);
    free(jid);
    return room;
}

static void on_members(struct session *s, enum iq_outcome how, mxml_node_t *iq, void *ctx)
{
    struct muc_room *room = room_of(s, how, ctx);
    if (!room || how != IQ_RESULT)
        return;
    mxml_node_t *q = stanza_child(iq, NS_MUC_ADMIN, "query");
    for (mxml_node_t *it = q ? stanza_child(q, NS_MUC_ADMIN, "item") : NULL; it;
         it = stanza_next(it, NS_MUC_ADMIN, "item")) {
        char *bare = jid_bare_of(stanza_attr(it, "jid"));
        if (bare && !jid_resource_of(stanza_attr(it, "jid")))
            muc_add_member(room, bare);
        free(bare);
    }
    changed(s, room);
}

static void ask_members(struct session *s, const char *room, const char *affiliation)
{
    mxml_node_t *q;
    mxml_node_t *iq = room_iq("get", room, NS_MUC_ADMIN, &q);
    stanza_set_attr(stanza_add(q, "item"), "affiliation", affiliation);
    char *jid = strdup(room);
    if (!jid || session_iq(s, iq, 0, on_members, jid) < 0)
        free(jid);
    mxmlDelete(iq);
}

static void on_info(struct session *s, enum iq_outcome how, mxml_node_t *iq, void *ctx)
{
    struct muc_room *room = room_of(s, how, ctx);
    if (!room)
        return;
    /* A room that will not say what it is counts as neither: OMEMO then
     * refuses it with a reason, rather than wait for ever. */
    mxml_node_t *q = how == IQ_RESULT ? stanza_child(iq, NS_DISCO_INFO, "query") : NULL;
    room->members_only = room->non_anonymous = false;
    for (mxml_node_t *f = q ? stanza_child(q, NS_DISCO_INFO, "feature") : NULL; f;
         f = stanza_next(f, NS_DISCO_INFO, "feature")) {
        const char *var = stanza_attr(f, "var");
        room->members_only |= var && strcmp(var, "muc_membersonly") == 0;
        room->non_anonymous |= var && strcmp(var, "muc_nonanonymous") == 0;
    }
    room->info_known = true;
    if (room->members_only)
        for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
            ask_members(s, room->jid, lists[i]);
    changed(s, room);
}

void mucinfo_ask(struct session *s, struct muc_room *room)
{
    muc_clear_members(room);
    room->info_known = false;
    mxml_node_t *q;
    mxml_node_t *iq = room_iq("get", room->jid, NS_DISCO_INFO, &q);
    char *jid = strdup(room->jid);
    if (!jid || session_iq(s, iq, 0, on_info, jid) < 0)
        free(jid);
    mxmlDelete(iq);
}

/* --- making a room private, and its members (the owner's side) --- */

struct change {
    char *room;
    char *what; /* said when it is done: "ROOM: WHAT" */
    char *fail; /* said when it is refused: "ROOM: FAIL (condition)" */
    char *member; /* a bare JID whose affiliation changed, or NULL */
    bool is_member;
};

static void change_free(struct change *c)
{
    free(c->room);
    free(c->what);
    free(c->fail);
    free(c->member);
    free(c);
}

static void on_changed(struct session *s, enum iq_outcome how, mxml_node_t *iq, void *ctx)
{
    struct change *c = ctx;
    struct muc_room *room = how == IQ_GONE ? NULL : muc_find(&s->mucs, c->room);
    char line[1400];
    /* Said in the room's window (.jid), the error too (the current one). */
    struct session_event ev = {.type = SESSION_EV_INFO, .jid = c->room, .text = line};
    if (how == IQ_RESULT) {
        snprintf(line, sizeof line, "%s: %s", c->room, c->what);
        session_emit(s, &ev);
        /* The room tells nobody of an absent member (XEP-0045 §9.3):
         * our own change, at least, the list follows at once. */
        if (room && c->member && room->members_only) {
            if (c->is_member)
                muc_add_member(room, c->member);
            else
                muc_remove_member(room, c->member);
            changed(s, room);
        }
    } else if (how != IQ_GONE) {
        snprintf(line, sizeof line, "%s: %s (%s)", c->room, c->fail,
                 how == IQ_ERROR ? im_error_condition(iq) : "no answer");
        ev.type = SESSION_EV_ERROR;
        session_emit(s, &ev);
    }
    change_free(c);
}

static int ask_change(struct session *s, mxml_node_t *iq, const char *room, const char *what,
                      const char *fail, const char *member, bool is_member)
{
    struct change *c = calloc(1, sizeof *c);
    if (c) {
        c->room = strdup(room);
        c->what = strdup(what);
        c->fail = strdup(fail);
        c->member = member ? jid_bare_of(member) : NULL;
        c->is_member = is_member;
    }
    bool ok = c && c->room && c->what && c->fail && (!member || c->member);
    int rc = ok ? session_iq(s, iq, 0, on_changed, c) : -1;
    if (rc < 0 && c)
        change_free(c);
    mxmlDelete(iq);
    return rc;
}

static void add_field(mxml_node_t *x, const char *var, const char *value)
{
    mxml_node_t *f = stanza_add(x, "field");
    stanza_set_attr(f, "var", var);
    stanza_add_text_child(f, "value", value);
}

int session_muc_make_private(struct session *s, const char *room)
{
    if (!session_online(s) || !muc_find(&s->mucs, room))
        return -1;
    mxml_node_t *q;
    mxml_node_t *iq = room_iq("set", room, NS_MUC_OWNER, &q);
    mxml_node_t *x = stanza_add(q, "x");
    stanza_set_attr(x, "xmlns", NS_DATA);
    stanza_set_attr(x, "type", "submit");
    add_field(x, "FORM_TYPE", NS_MUC "#roomconfig");
    add_field(x, "muc#roomconfig_membersonly", "1");
    add_field(x, "muc#roomconfig_whois", "anyone");
    return ask_change(s, iq, room, "members-only and non-anonymous now",
                      "making it members-only and non-anonymous was refused", NULL, false);
}

int session_muc_set_affiliation(struct session *s, const char *room, const char *jid,
                                const char *affiliation)
{
    static const char *const known[][2] = {{"owner", "an owner"},
                                           {"admin", "an admin"},
                                           {"member", "a member"},
                                           {"outcast", "banned"},
                                           {"none", "no longer a member"}};
    const char *said = NULL;
    for (size_t i = 0; affiliation && i < sizeof known / sizeof known[0]; i++)
        if (strcmp(affiliation, known[i][0]) == 0)
            said = known[i][1];
    bool ok = said != NULL;
    char *bare = jid ? jid_bare_of(jid) : NULL;
    if (!ok || !bare || jid_resource_of(jid) || !session_online(s) || !muc_find(&s->mucs, room)) {
        free(bare);
        return -1;
    }
    mxml_node_t *q;
    mxml_node_t *iq = room_iq("set", room, NS_MUC_ADMIN, &q);
    mxml_node_t *item = stanza_add(q, "item");
    stanza_set_attr(item, "affiliation", affiliation);
    stanza_set_attr(item, "jid", bare);
    char what[1200], fail[1200];
    snprintf(what, sizeof what, "%s is %s now", bare, said);
    snprintf(fail, sizeof fail, "making %s's affiliation %s was refused", bare, affiliation);
    bool member = strcmp(affiliation, "owner") == 0 || strcmp(affiliation, "admin") == 0 ||
                  strcmp(affiliation, "member") == 0;
    int rc = ask_change(s, iq, room, what, fail, bare, member);
    free(bare);
    return rc;
}

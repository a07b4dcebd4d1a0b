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
 * on some servers) leaves the occupants' JIDs to stand for it. */
#include <stdlib.h>
#include <string.h>

#include "xml/stanza.h"
#include "xmpp/jid.h"
#include "xmpp/ns.h"
#include "xmpp/request.h"
#include "xmpp/session_priv.h"

static const char *const lists[] = {"owner", "admin", "member"};

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
    mxml_node_t *iq = stanza_new("iq");
    stanza_set_attr(iq, "type", "get");
    stanza_set_attr(iq, "to", room);
    mxml_node_t *q = stanza_add(iq, "query");
    stanza_set_attr(q, "xmlns", NS_MUC_ADMIN);
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
    mxml_node_t *iq = stanza_new("iq");
    stanza_set_attr(iq, "type", "get");
    stanza_set_attr(iq, "to", room->jid);
    stanza_set_attr(stanza_add(iq, "query"), "xmlns", NS_DISCO_INFO);
    char *jid = strdup(room->jid);
    if (!jid || session_iq(s, iq, 0, on_info, jid) < 0)
        free(jid);
    mxmlDelete(iq);
}

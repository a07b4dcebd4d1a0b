/* SPDX-License-Identifier: GPL-3.0-or-later */
/* muc.c - the model of group chat rooms (XEP-0045): which rooms we are in
 * or joining, with our nick and password there, their subject, and their
 * occupants by nick. No protocol here (that is mucproto.c). Nicks are
 * compared exactly, as the room does after its own normalisation. */
#include "xmpp/muc.h"

#include <stdlib.h>
#include <string.h>

#include "xmpp/jid.h"

static char *dup_opt(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void occupant_clear(struct muc_occupant *o)
{
    free(o->nick);
    free(o->status);
    free(o->role);
    free(o->affiliation);
    free(o->jid);
}

static void room_free(struct muc_room *room)
{
    muc_forget_occupants(room);
    free(room->occupants);
    muc_clear_members(room);
    free(room->jid);
    free(room->nick);
    free(room->password);
    free(room->subject);
    free(room);
}

void muc_rooms_free(struct muc_rooms *r)
{
    for (size_t i = 0; i < r->n; i++)
        room_free(r->rooms[i]);
    free(r->rooms);
    *r = (struct muc_rooms){0};
}

void muc_bookmark_clear(struct muc_bookmark *b)
{
    free(b->jid);
    free(b->name);
    free(b->nick);
    free(b->password);
    *b = (struct muc_bookmark){0};
}

void muc_bookmarks_free(struct muc_bookmarks *b)
{
    for (size_t i = 0; i < b->n; i++)
        muc_bookmark_clear(&b->items[i]);
    free(b->items);
    *b = (struct muc_bookmarks){0};
}

struct muc_room *muc_find(const struct muc_rooms *r, const char *room)
{
    for (size_t i = 0; room && i < r->n; i++)
        if (jid_bare_equal(r->rooms[i]->jid, room))
            return r->rooms[i];
    return NULL;
}

static bool replace(char **field, const char *value)
{
    char *copy = dup_opt(value);
    if (value && !copy)
        return false;
    free(*field);
    *field = copy;
    return true;
}

struct muc_room *muc_add(struct muc_rooms *r, const char *room, const char *nick,
                         const char *password)
{
    struct muc_room *found = muc_find(r, room);
    if (found)
        return replace(&found->nick, nick) && replace(&found->password, password) ? found : NULL;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 4;
        struct muc_room **rooms = realloc(r->rooms, cap * sizeof *rooms);
        if (!rooms)
            return NULL;
        r->rooms = rooms;
        r->cap = cap;
    }
    struct muc_room *added = calloc(1, sizeof *added);
    if (!added || !(added->jid = jid_bare_of(room)) || !replace(&added->nick, nick) ||
        !replace(&added->password, password)) {
        if (added)
            room_free(added);
        return NULL;
    }
    r->rooms[r->n++] = added;
    return added;
}

void muc_remove(struct muc_rooms *r, const char *room)
{
    for (size_t i = 0; room && i < r->n; i++) {
        if (jid_bare_equal(r->rooms[i]->jid, room)) {
            room_free(r->rooms[i]);
            memmove(r->rooms + i, r->rooms + i + 1, (r->n - i - 1) * sizeof *r->rooms);
            r->n--;
            return;
        }
    }
}

struct muc_occupant *muc_occupant(const struct muc_room *room, const char *nick)
{
    for (size_t i = 0; nick && i < room->noccupants; i++)
        if (strcmp(room->occupants[i].nick, nick) == 0)
            return &room->occupants[i];
    return NULL;
}

struct muc_occupant *muc_occupant_set(struct muc_room *room, const char *nick,
                                      enum presence_show show, const char *status, const char *role,
                                      const char *affiliation, const char *jid)
{
    struct muc_occupant *o = muc_occupant(room, nick);
    if (!o) {
        if (room->noccupants == room->cap) {
            size_t cap = room->cap ? room->cap * 2 : 8;
            struct muc_occupant *occ = realloc(room->occupants, cap * sizeof *occ);
            if (!occ)
                return NULL;
            room->occupants = occ;
            room->cap = cap;
        }
        o = &room->occupants[room->noccupants];
        *o = (struct muc_occupant){.nick = strdup(nick)};
        if (!o->nick)
            return NULL;
        room->noccupants++;
    }
    o->show = show;
    if (!replace(&o->status, status) || !replace(&o->role, role) ||
        !replace(&o->affiliation, affiliation) || !replace(&o->jid, jid))
        return NULL;
    return o;
}

void muc_occupant_remove(struct muc_room *room, const char *nick)
{
    struct muc_occupant *o = muc_occupant(room, nick);
    if (!o)
        return;
    occupant_clear(o);
    size_t i = (size_t)(o - room->occupants);
    memmove(o, o + 1, (room->noccupants - i - 1) * sizeof *o);
    room->noccupants--;
}

void muc_forget_occupants(struct muc_room *room)
{
    for (size_t i = 0; i < room->noccupants; i++)
        occupant_clear(&room->occupants[i]);
    room->noccupants = 0;
    room->joined = false;
}

bool muc_add_member(struct muc_room *room, const char *bare)
{
    for (size_t i = 0; i < room->nmembers; i++)
        if (strcmp(room->members[i], bare) == 0)
            return true;
    if (room->nmembers >= MUC_MEMBERS_MAX) {
        room->members_cut = true;
        return false;
    }
    char **m = realloc(room->members, (room->nmembers + 1) * sizeof *m);
    if (!m)
        return false;
    room->members = m;
    if (!(m[room->nmembers] = strdup(bare)))
        return false;
    room->nmembers++;
    return true;
}

void muc_clear_members(struct muc_room *room)
{
    for (size_t i = 0; i < room->nmembers; i++)
        free(room->members[i]);
    free(room->members);
    room->members = NULL;
    room->nmembers = 0;
    room->members_cut = false;
}

void muc_remove_member(struct muc_room *room, const char *bare)
{
    for (size_t i = 0; i < room->nmembers; i++)
        if (strcmp(room->members[i], bare) == 0) {
            free(room->members[i]);
            room->members[i] = room->members[--room->nmembers];
            return;
        }
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* muc.h - group chat rooms (XEP-0045) as the session knows them: the
 * rooms we are in or joining, and their occupants (see muc.c). The UI
 * reads them through session_muc_room and session_muc_at. */
#ifndef TUKTUK_MUC_H
#define TUKTUK_MUC_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "xmpp/roster.h"

struct muc_occupant {
    char *nick;
    enum presence_show show;
    char *status;
    char *role;        /* moderator, participant, visitor */
    char *affiliation; /* owner, admin, member, none */
    char *jid;         /* the real JID, when the room shows it */
};

struct muc_room {
    char *jid;      /* room@service */
    char *nick;     /* ours */
    char *password; /* to join again after a new login */
    char *subject;
    bool subject_seen;  /* since the join: the next subject is a change */
    bool joined;        /* our own presence came back (status 110) */
    time_t last_seen;   /* of the newest message: history is asked from there */
    /* What the room is (mucinfo.c, after each join): OMEMO needs both. */
    bool info_known, members_only, non_anonymous;
    char **members; /* bare JIDs of its owners, admins and members */
    size_t nmembers;
    bool members_cut; /* the room named more than MUC_MEMBERS_MAX: not all kept */
    struct muc_occupant *occupants;
    size_t noccupants, cap;
};

/* A room bookmark (XEP-0402, or XEP-0048 read only), as the server keeps
 * it for all our clients. */
struct muc_bookmark {
    char *jid;                    /* room@service */
    char *name, *nick, *password; /* NULL when not given */
    bool autojoin;
};

struct muc_bookmarks {
    struct muc_bookmark *items;
    size_t n;
};

struct muc_rooms {
    struct muc_room **rooms;
    size_t n, cap;
};

void muc_rooms_free(struct muc_rooms *r);
void muc_bookmark_clear(struct muc_bookmark *b);
void muc_bookmarks_free(struct muc_bookmarks *b);
/* The room with this bare JID (compared as JIDs), or NULL. */
struct muc_room *muc_find(const struct muc_rooms *r, const char *room);
/* Adds a room we are joining, or returns the one we have (its nick and
 * password updated). NULL when out of memory. */
struct muc_room *muc_add(struct muc_rooms *r, const char *room, const char *nick,
                         const char *password);
void muc_remove(struct muc_rooms *r, const char *room);
struct muc_occupant *muc_occupant(const struct muc_room *room, const char *nick);
/* Adds or updates an occupant; NULL when out of memory. */
struct muc_occupant *muc_occupant_set(struct muc_room *room, const char *nick,
                                      enum presence_show show, const char *status, const char *role,
                                      const char *affiliation, const char *jid);
void muc_occupant_remove(struct muc_room *room, const char *nick);
/* More members than OMEMO would ever encrypt for (core/omemochat.c keeps
 * 128 readers): a hostile list of a million costs no more than this. */
#define MUC_MEMBERS_MAX 1024
/* A member's bare JID (kept once); false when out of memory, or past
 * MUC_MEMBERS_MAX (then members_cut is set). */
bool muc_add_member(struct muc_room *room, const char *bare);
void muc_clear_members(struct muc_room *room);
/* bare is no member any more. */
void muc_remove_member(struct muc_room *room, const char *bare);
/* Occupants have left: the room is no longer ours (a lost connection). */
void muc_forget_occupants(struct muc_room *room);

#endif

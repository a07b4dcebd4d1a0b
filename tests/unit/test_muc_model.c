/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_muc_model.c - the model of group chat rooms (src/xmpp/muc.c): rooms found
 * as JIDs, joining the same room twice, occupants added, changed, renamed
 * by removal and addition, and forgotten with the connection; a room's
 * member list kept once each, and cut (and marked) past MUC_MEMBERS_MAX. */
#include "../check.h"
#include "xmpp/muc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_rooms(void)
{
    struct muc_rooms rooms = {0};
    struct muc_room *tea = muc_add(&rooms, "tea@Conference.Example.ORG", "ann", NULL);
    CHECK(tea != NULL);
    CHECK_STR(tea->jid, "tea@conference.example.org");
    CHECK_STR(tea->nick, "ann");
    CHECK(tea->password == NULL && !tea->joined);
    /* Found as a JID: case of the domain, and a resource, do not matter. */
    CHECK(muc_find(&rooms, "tea@conference.example.org/bob") == tea);
    CHECK(muc_find(&rooms, "TEA@conference.example.org") == tea);
    CHECK(muc_find(&rooms, "coffee@conference.example.org") == NULL);
    CHECK(muc_find(&rooms, NULL) == NULL);
    /* Joining again updates the nick and password, and adds no room. */
    CHECK(muc_add(&rooms, "tea@conference.example.org", "annie", "secret") == tea);
    CHECK(rooms.n == 1);
    CHECK_STR(tea->nick, "annie");
    CHECK_STR(tea->password, "secret");
    CHECK(muc_add(&rooms, "tea@conference.example.org", "annie", NULL) == tea);
    CHECK(tea->password == NULL);
    /* Many rooms; removing one keeps the others in order. */
    char jid[64];
    for (int i = 0; i < 9; i++) {
        snprintf(jid, sizeof jid, "room%d@muc.example.org", i);
        CHECK(muc_add(&rooms, jid, "ann", NULL) != NULL);
    }
    CHECK(rooms.n == 10);
    muc_remove(&rooms, "room3@muc.example.org");
    CHECK(rooms.n == 9);
    CHECK(muc_find(&rooms, "room3@muc.example.org") == NULL);
    CHECK_STR(rooms.rooms[3]->jid, "room2@muc.example.org");
    CHECK_STR(rooms.rooms[4]->jid, "room4@muc.example.org");
    muc_remove(&rooms, "nowhere@muc.example.org");
    CHECK(rooms.n == 9);
    /* Not a JID: refused. */
    CHECK(muc_add(&rooms, "", "ann", NULL) == NULL);
    CHECK(rooms.n == 9);
    muc_rooms_free(&rooms);
    CHECK(rooms.n == 0 && rooms.rooms == NULL);
}

static void test_occupants(void)
{
    struct muc_rooms rooms = {0};
    struct muc_room *r = muc_add(&rooms, "tea@muc.example.org", "ann", NULL);
    CHECK(muc_occupant_set(r, "ann", SHOW_ONLINE, NULL, "moderator", "owner",
                           "ann@example.org/x") != NULL);
    CHECK(muc_occupant_set(r, "bob", SHOW_AWAY, "lunch", "participant", "none", NULL) != NULL);
    CHECK(r->noccupants == 2);
    struct muc_occupant *bob = muc_occupant(r, "bob");
    CHECK(bob && bob->show == SHOW_AWAY && strcmp(bob->status, "lunch") == 0);
    CHECK(bob && bob->jid == NULL && strcmp(bob->role, "participant") == 0);
    /* Nicks are compared exactly. */
    CHECK(muc_occupant(r, "Bob") == NULL);
    /* A change replaces what it says, and clears what it no longer says. */
    CHECK(muc_occupant_set(r, "bob", SHOW_ONLINE, NULL, "visitor", "none", NULL) == bob);
    CHECK(r->noccupants == 2 && bob->show == SHOW_ONLINE && bob->status == NULL);
    CHECK_STR(bob->role, "visitor");
    /* Many occupants grow the table; removing keeps the rest. */
    char nick[32];
    for (int i = 0; i < 40; i++) {
        snprintf(nick, sizeof nick, "guest%d", i);
        CHECK(muc_occupant_set(r, nick, SHOW_ONLINE, NULL, NULL, NULL, NULL) != NULL);
    }
    CHECK(r->noccupants == 42);
    muc_occupant_remove(r, "bob");
    muc_occupant_remove(r, "nobody");
    CHECK(r->noccupants == 41);
    CHECK(muc_occupant(r, "bob") == NULL);
    CHECK(muc_occupant(r, "guest39") != NULL && muc_occupant(r, "ann") != NULL);
    /* The connection goes: nobody is known to be there, the room stays. */
    r->joined = true;
    muc_forget_occupants(r);
    CHECK(r->noccupants == 0 && !r->joined);
    CHECK(muc_find(&rooms, "tea@muc.example.org") == r);
    muc_rooms_free(&rooms);
}

static void test_bookmarks_free(void)
{
    struct muc_bookmarks b = {.n = 1};
    b.items = calloc(1, sizeof *b.items);
    CHECK(b.items != NULL);
    if (!b.items)
        return;
    b.items[0].jid = strdup("tea@muc.example.org");
    b.items[0].nick = strdup("ann");
    muc_bookmarks_free(&b);
    CHECK(b.n == 0 && b.items == NULL);
    muc_bookmarks_free(&b); /* twice is harmless */
}

static void test_members(void)
{
    struct muc_rooms rooms = {0};
    struct muc_room *r = muc_add(&rooms, "club@muc.example.org", "ann", NULL);
    CHECK(r && muc_add_member(r, "bob@example.org") && muc_add_member(r, "bob@example.org"));
    CHECK(r->nmembers == 1 && !r->members_cut);
    char jid[64];
    for (int i = 0; i < MUC_MEMBERS_MAX + 10; i++) {
        snprintf(jid, sizeof jid, "m%d@example.org", i);
        muc_add_member(r, jid);
    }
    CHECK(r->nmembers == MUC_MEMBERS_MAX && r->members_cut);
    muc_clear_members(r);
    CHECK(r->nmembers == 0 && !r->members_cut && !r->members);
    muc_rooms_free(&rooms);
}

int main(void)
{
    test_rooms();
    test_occupants();
    test_members();
    test_bookmarks_free();
    return check_done();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_ui_rosterview.c - the roster pane's view over a real roster model:
 * order (group, presence, name), the default group, collapse, the
 * offline toggle, the live filter, selection that follows its contact,
 * incremental updates and what each one changed in words, and a
 * 10,000-contact roster. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../check.h"
#include "ui/rosterview.h"

static void add(struct roster *r, const char *jid, const char *name, const char *group)
{
    const char *groups[1] = {group};
    roster_set(r, jid, name, group ? groups : NULL, group ? 1 : 0, ROSTER_SUB_BOTH, false);
}

/* The visible rows as one string: "G:Friends(1/2) C:bob ..." */
static const char *dump(struct rosterview *rv)
{
    static char buf[4096];
    size_t off = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < rosterview_count(rv); i++) {
        struct rosterview_row row;
        rosterview_row(rv, i, &row);
        if (row.kind == ROSTERVIEW_GROUP)
            off += snprintf(buf + off, sizeof buf - off, "%sG:%s%s(%u/%u)", off ? " " : "",
                            row.collapsed ? "+" : "", row.group, row.online, row.total);
        else
            off += snprintf(buf + off, sizeof buf - off, " %s", row.label);
    }
    return buf;
}

static struct roster *sample(void)
{
    struct roster *r = roster_new();
    add(r, "carol@localhost", "carol", "Friends");
    add(r, "bob@localhost", "bob", "Friends");
    add(r, "dave@localhost", NULL, NULL);
    add(r, "erin@localhost", "Erin", "Work");
    add(r, "frank@localhost", "frank", "Work");
    const char *both[2] = {"Friends", "Work"};
    roster_set(r, "zed@localhost", "Zed", both, 2, ROSTER_SUB_BOTH, false);
    roster_presence(r, "bob@localhost", "pc", SHOW_ONLINE, "at work", 0, NULL);
    roster_presence(r, "frank@localhost", "pc", SHOW_AWAY, NULL, 0, NULL);
    roster_presence(r, "zed@localhost", "pc", SHOW_DND, NULL, 0, NULL);
    /* a presence-only entry is not on the roster and not shown */
    roster_presence(r, "stranger@localhost", "x", SHOW_ONLINE, NULL, 0, NULL);
    return r;
}

static void test_order(void)
{
    struct roster *r = sample();
    struct rosterview *rv = rosterview_new(true);
    rosterview_reload(rv, r);
    CHECK_STR(dump(rv), "G:Friends(2/3) bob Zed carol G:Work(2/3) frank Zed Erin"
                        " G:Contacts(0/1) dave@localhost");
    rosterview_set_show_offline(rv, false);
    /* a group with nobody to show is hidden too (issue 9) */
    CHECK_STR(dump(rv), "G:Friends(2/3) bob Zed G:Work(2/3) frank Zed");
    rosterview_free(rv);
    roster_free(r);
}

static void test_updates(void)
{
    struct roster *r = sample();
    struct rosterview *rv = rosterview_new(true);
    rosterview_reload(rv, r);
    /* carol comes online: moves up in Friends, counts change */
    roster_presence(r, "carol@localhost", "m", SHOW_CHAT, NULL, 0, NULL);
    rosterview_update(rv, r, "carol@localhost");
    CHECK_STR(dump(rv), "G:Friends(3/3) carol bob Zed G:Work(2/3) frank Zed Erin"
                        " G:Contacts(0/1) dave@localhost");
    /* a push moves Erin to a new group; a removal drops frank */
    add(r, "erin@localhost", "Erin", "Alpha");
    rosterview_update(rv, r, "erin@localhost");
    roster_remove(r, "frank@localhost");
    rosterview_update(rv, r, "frank@localhost");
    CHECK_STR(dump(rv), "G:Alpha(0/1) Erin G:Friends(3/3) carol bob Zed G:Work(1/1) Zed"
                        " G:Contacts(0/1) dave@localhost");
    /* a new contact by push */
    add(r, "amy@localhost", "amy", "Work");
    rosterview_update(rv, r, "amy@localhost");
    CHECK_STR(dump(rv), "G:Alpha(0/1) Erin G:Friends(3/3) carol bob Zed G:Work(1/2) Zed amy"
                        " G:Contacts(0/1) dave@localhost");
    /* unread keeps an offline contact visible when offline ones are hidden */
    rosterview_set_show_offline(rv, false);
    rosterview_set_unread(rv, "dave@localhost", 2);
    CHECK_STR(dump(rv), "G:Friends(3/3) carol bob Zed G:Work(1/2) Zed"
                        " G:Contacts(0/1) dave@localhost");
    /* a reload keeps unread counts */
    rosterview_reload(rv, r);
    struct rosterview_row row;
    rosterview_row(rv, rosterview_count(rv) - 1, &row);
    CHECK(row.unread == 2);
    rosterview_free(rv);
    roster_free(r);
}

static void test_collapse_filter(void)
{
    struct roster *r = sample();
    struct rosterview *rv = rosterview_new(true);
    rosterview_reload(rv, r);
    rosterview_select(rv, 0);
    rosterview_toggle_group(rv);
    CHECK_STR(dump(rv),
              "G:+Friends(2/3) G:Work(2/3) frank Zed Erin G:Contacts(0/1) dave@localhost");
    CHECK(rosterview_selected(rv) == 0);
    rosterview_set_filter(rv, "ZE");
    CHECK_STR(dump(rv), "G:+Friends(2/3) Zed G:Work(2/3) Zed");
    /* names and local parts first: "l" is not every contact @localhost */
    rosterview_set_filter(rv, "l");
    CHECK_STR(dump(rv), "G:+Friends(2/3) carol");
    /* the domain when nothing else matches, or with an '@' */
    rosterview_set_filter(rv, "localhost");
    CHECK(rosterview_count(rv) == 10);
    rosterview_set_filter(rv, "@LOCAL");
    CHECK(rosterview_count(rv) == 10);
    rosterview_set_filter(rv, "nobody");
    CHECK(rosterview_count(rv) == 0);
    CHECK(rosterview_selected_jid(rv) == NULL);
    rosterview_set_filter(rv, "");
    rosterview_toggle_group(rv);
    CHECK_STR(dump(rv), "G:Friends(2/3) bob Zed carol G:Work(2/3) frank Zed Erin"
                        " G:Contacts(0/1) dave@localhost");
    rosterview_free(rv);
    roster_free(r);
}

static void test_selection(void)
{
    struct roster *r = sample();
    struct rosterview *rv = rosterview_new(true);
    rosterview_reload(rv, r);
    rosterview_move(rv, 3); /* carol */
    CHECK_STR(rosterview_selected_jid(rv), "carol@localhost");
    /* carol moves to the top of her group: the selection follows her */
    roster_presence(r, "carol@localhost", "m", SHOW_CHAT, NULL, 0, NULL);
    rosterview_update(rv, r, "carol@localhost");
    CHECK(rosterview_selected(rv) == 1);
    CHECK_STR(rosterview_selected_jid(rv), "carol@localhost");
    rosterview_move(rv, -100);
    CHECK(rosterview_selected(rv) == 0);
    CHECK(rosterview_selected_jid(rv) == NULL); /* a group row */
    rosterview_move(rv, 100);
    CHECK_STR(rosterview_selected_jid(rv), "dave@localhost");
    /* removing the selected contact keeps a valid selection */
    roster_remove(r, "dave@localhost");
    rosterview_update(rv, r, "dave@localhost");
    CHECK(rosterview_selected(rv) == rosterview_count(rv) - 1);
    /* the pane scrolls only when the selection leaves it */
    rosterview_select(rv, 0);
    CHECK(rosterview_top(rv, 3) == 0);
    rosterview_select(rv, 4);
    CHECK(rosterview_top(rv, 3) == 2);
    rosterview_select(rv, 3);
    CHECK(rosterview_top(rv, 3) == 2);
    /* scrolled, the first row names the group of the contact under it */
    struct rosterview_row row;
    CHECK(rosterview_top_row(rv, 2, &row));
    CHECK(row.kind == ROSTERVIEW_GROUP && row.above);
    CHECK_STR(row.group, "Friends");
    /* ... and the selection never hides under it */
    rosterview_select(rv, 2);
    CHECK(rosterview_top(rv, 3) == 1);
    CHECK(rosterview_top_row(rv, 0, &row) && row.kind == ROSTERVIEW_GROUP && !row.above);
    rosterview_free(rv);
    roster_free(r);
}

/* The rooms come first, whatever the offline toggle says, with their
 * unread counts; the selection stays on a room across updates. */
static void test_rooms(void)
{
    struct roster *r = sample();
    struct rosterview *rv = rosterview_new(false);
    rosterview_reload(rv, r);
    struct rosterview_room rooms[2] = {{"tea@muc.localhost", "tea", true, 0},
                                       {"old@muc.localhost", "old", false, 3}};
    CHECK(rosterview_set_rooms(rv, rooms, 2));
    CHECK(!rosterview_set_rooms(rv, rooms, 2)); /* no change, no rebuild */
    CHECK_STR(dump(rv), "G:Rooms(1/2) tea old G:Friends(2/3) bob Zed G:Work(2/3) frank Zed");
    rosterview_select(rv, 2);
    CHECK(rosterview_selected_room(rv));
    CHECK_STR(rosterview_selected_jid(rv), "old@muc.localhost");
    struct rosterview_row row;
    CHECK(rosterview_row(rv, 2, &row) && row.room && row.unread == 3);
    rooms[1].unread = 0;
    CHECK(rosterview_set_rooms(rv, rooms, 2));
    CHECK_STR(rosterview_selected_jid(rv), "old@muc.localhost");
    rosterview_select(rv, 4);
    CHECK(!rosterview_selected_room(rv));
    CHECK(rosterview_set_rooms(rv, rooms, 1));
    CHECK_STR(dump(rv), "G:Rooms(1/1) tea G:Friends(2/3) bob Zed G:Work(2/3) frank Zed");
    rosterview_free(rv);
    roster_free(r);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* What a push changed, said in words for the status window. */
static void test_notes(void)
{
    struct roster *r = sample();
    struct rosterview *rv = rosterview_new(false);
    char note[300];
    rosterview_reload(rv, r);
    add(r, "amy@example.org", "Amy", "Work");
    rosterview_update_noted(rv, r, "amy@example.org", note, sizeof note);
    CHECK_STR(note, "added Amy (amy@example.org) to Work");
    add(r, "nina@example.org", NULL, NULL);
    rosterview_update_noted(rv, r, "nina@example.org", note, sizeof note);
    CHECK_STR(note, "added nina@example.org");
    add(r, "amy@example.org", "Amy B.", "Work");
    rosterview_update_noted(rv, r, "amy@example.org", note, sizeof note);
    CHECK_STR(note, "renamed Amy (amy@example.org) to Amy B.");
    add(r, "amy@example.org", "Amy B.", "Friends");
    rosterview_update_noted(rv, r, "amy@example.org", note, sizeof note);
    CHECK_STR(note, "moved Amy B. (amy@example.org) to Friends");
    add(r, "amy@example.org", "Amy", NULL);
    rosterview_update_noted(rv, r, "amy@example.org", note, sizeof note);
    CHECK_STR(note, "renamed Amy B. (amy@example.org) to Amy, moved to no group");
    add(r, "amy@example.org", NULL, NULL);
    rosterview_update_noted(rv, r, "amy@example.org", note, sizeof note);
    CHECK_STR(note, "removed the name of Amy (amy@example.org)");
    /* the same groups in another order, or a new subscription: nothing to say */
    const char *ab[2] = {"Work", "Friends"};
    roster_set(r, "zed@localhost", "Zed", ab, 2, ROSTER_SUB_TO, false);
    rosterview_update_noted(rv, r, "zed@localhost", note, sizeof note);
    CHECK_STR(note, "");
    roster_remove(r, "zed@localhost");
    rosterview_update_noted(rv, r, "zed@localhost", note, sizeof note);
    CHECK_STR(note, "removed Zed (zed@localhost)");
    /* a presence-only entry is not on the roster: it was never shown */
    rosterview_update_noted(rv, r, "stranger@localhost", note, sizeof note);
    CHECK_STR(note, "");
    /* a removal of someone not shown is no news either */
    rosterview_update_noted(rv, r, "nobody@localhost", note, sizeof note);
    CHECK_STR(note, "");
    rosterview_free(rv);
    roster_free(r);
}

static void test_big(void)
{
    struct roster *r = roster_new();
    char jid[64], name[64], group[32];
    for (int i = 0; i < 10000; i++) {
        snprintf(jid, sizeof jid, "user%05d@localhost", i);
        snprintf(name, sizeof name, "User %d", (i * 7919) % 10000);
        snprintf(group, sizeof group, "Group %02d", i % 20);
        add(r, jid, name, group);
    }
    struct rosterview *rv = rosterview_new(true);
    double t0 = now_ms();
    rosterview_reload(rv, r);
    CHECK(rosterview_count(rv) == 10020);
    double t1 = now_ms();
    for (int i = 0; i < 2000; i++) {
        snprintf(jid, sizeof jid, "user%05d@localhost", i * 5);
        roster_presence(r, jid, "r", SHOW_ONLINE, NULL, 0, NULL);
        rosterview_update(rv, r, jid);
    }
    CHECK(rosterview_count(rv) == 10020);
    double t2 = now_ms();
    struct rosterview_row row;
    rosterview_row(rv, 1, &row);
    CHECK(row.show == SHOW_ONLINE);
    fprintf(stderr, "10,000 contacts: reload+rows %.1f ms, 2,000 presences %.1f ms\n", t1 - t0,
            t2 - t1);
    CHECK(t1 - t0 < 200); /* loose: ASan build on a busy machine */
    rosterview_free(rv);
    roster_free(r);
}

int main(void)
{
    test_order();
    test_updates();
    test_collapse_filter();
    test_rooms();
    test_selection();
    test_notes();
    test_big();
    return check_done();
}

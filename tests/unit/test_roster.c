/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_roster.c - the roster model: items, groups, per-resource presence,
 * the best resource, presence-only items, the roster version, and 10,000+
 * items through the hash table. Run under ASan/LeakSanitizer, so every
 * path must free. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../check.h"
#include "xmpp/roster.h"

static void test_set_find(void)
{
    struct roster *r = roster_new();
    const char *groups[] = {"Friends", "Work"};
    struct roster_item *it;

    CHECK(r != NULL);
    CHECK(roster_count(r) == 0);
    CHECK(roster_find(r, "juliet@capulet.lit") == NULL);
    it = roster_set(r, "Juliet@Capulet.LIT", "Juliet", groups, 2, ROSTER_SUB_BOTH, false);
    CHECK(it != NULL);
    CHECK_STR(it->jid, "juliet@capulet.lit");
    CHECK_STR(it->name, "Juliet");
    CHECK(it->ngroups == 2);
    CHECK(it->groups && it->groups != (char **)groups);
    CHECK(it->groups && it->groups[0] != groups[0]); /* copied, not borrowed */
    CHECK_STR(it->groups[0], "Friends");
    CHECK_STR(it->groups[1], "Work");
    CHECK(it->sub == ROSTER_SUB_BOTH && !it->ask && it->in_roster);
    CHECK(it->nres == 0 && it->unread == 0);
    CHECK(roster_find(r, "juliet@capulet.lit") == it);
    CHECK(roster_find(r, "JULIET@capulet.lit/balcony") == it); /* normalised key */
    CHECK(roster_find(r, "romeo@montague.lit") == NULL);
    CHECK(roster_find(r, "@bad") == NULL);
    CHECK(roster_count(r) == 1);
    CHECK(roster_at(r, 0) == it);
    CHECK(roster_at(r, 1) == NULL);

    /* No groups, no name. */
    it = roster_set(r, "romeo@montague.lit", NULL, NULL, 0, ROSTER_SUB_NONE, true);
    CHECK(it && it->name == NULL && it->groups == NULL && it->ngroups == 0 && it->ask);
    CHECK(roster_count(r) == 2);

    /* Refused: a JID that does not parse, groups missing. */
    CHECK(roster_set(r, "a@", NULL, NULL, 0, ROSTER_SUB_NONE, false) == NULL);
    CHECK(roster_set(r, "x@y", NULL, NULL, 3, ROSTER_SUB_NONE, false) == NULL);
    CHECK(roster_count(r) == 2);
    roster_free(r);
    roster_free(NULL);
}

/* A push for an existing item replaces name, groups, subscription and ask,
 * keeps presence and unread count. */
static void test_update_keeps_presence(void)
{
    struct roster *r = roster_new();
    const char *g1[] = {"A"}, *g2[] = {"B", "C", "D"};
    struct roster_item *it = roster_set(r, "a@x", "Old", g1, 1, ROSTER_SUB_TO, true);

    roster_presence(r, "a@x", "phone", SHOW_AWAY, "brb", 5, "Conversations");
    it->unread = 7;
    CHECK(roster_set(r, "A@X", "New", g2, 3, ROSTER_SUB_BOTH, false) == it);
    CHECK(roster_count(r) == 1);
    CHECK_STR(it->name, "New");
    CHECK(it->ngroups == 3);
    CHECK_STR(it->groups[2], "D");
    CHECK(it->sub == ROSTER_SUB_BOTH && !it->ask && it->in_roster);
    CHECK(it->nres == 1 && it->unread == 7);
    CHECK_STR(it->res[0].status, "brb");

    /* And back to no name, no groups. */
    CHECK(roster_set(r, "a@x", NULL, NULL, 0, ROSTER_SUB_NONE, false) == it);
    CHECK(it->name == NULL && it->groups == NULL && it->ngroups == 0);
    CHECK(it->nres == 1);
    roster_free(r);
}

static void test_presence_only(void)
{
    struct roster *r = roster_new();
    struct roster_item *it;

    it = roster_presence(r, "Stranger@Example.com", "laptop", SHOW_ONLINE, NULL, 0, NULL);
    CHECK(it != NULL);
    CHECK_STR(it->jid, "stranger@example.com");
    CHECK(!it->in_roster && it->sub == ROSTER_SUB_NONE);
    CHECK(it->nres == 1);
    CHECK(roster_find(r, "stranger@example.com") == it);
    it->unread = 2;

    /* Then the contact is added to the roster: same item, now on it. */
    CHECK(roster_set(r, "stranger@example.com", "S", NULL, 0, ROSTER_SUB_TO, false) == it);
    CHECK(it->in_roster && it->nres == 1 && it->unread == 2);
    CHECK(roster_count(r) == 1);

    CHECK(roster_presence(r, "bad@", "x", SHOW_ONLINE, NULL, 0, NULL) == NULL);
    roster_free(r);
}

static void test_resources(void)
{
    struct roster *r = roster_new();
    struct roster_item *it;
    const struct roster_resource *best;

    it = roster_presence(r, "a@x", "desk", SHOW_AWAY, "lunch", 1, "Gajim");
    CHECK(roster_presence(r, "a@x/ignored", "phone", SHOW_CHAT, NULL, 0, NULL) == it);
    CHECK(it->nres == 2);
    CHECK_STR(it->res[0].name, "desk");
    CHECK_STR(it->res[0].status, "lunch");
    CHECK_STR(it->res[0].client, "Gajim");
    CHECK(it->res[0].priority == 1 && it->res[0].show == SHOW_AWAY);
    CHECK(it->res[1].status == NULL && it->res[1].client == NULL);

    /* Highest priority wins even when less available. */
    best = roster_best(it);
    CHECK(best && strcmp(best->name, "desk") == 0);
    CHECK(roster_show(it) == SHOW_AWAY);

    /* Updating a resource replaces its fields. */
    roster_presence(r, "a@x", "desk", SHOW_DND, "busy", 0, NULL);
    CHECK(it->nres == 2);
    CHECK_STR(it->res[0].status, "busy");
    CHECK(it->res[0].client == NULL && it->res[0].show == SHOW_DND);
    /* Equal priority: most available wins (chat beats dnd). */
    best = roster_best(it);
    CHECK(best && strcmp(best->name, "phone") == 0);
    CHECK(roster_show(it) == SHOW_CHAT);

    /* Negative priorities still count, below the others. */
    roster_presence(r, "a@x", "bot", SHOW_CHAT, NULL, -5, NULL);
    best = roster_best(it);
    CHECK(best && strcmp(best->name, "phone") == 0);

    /* Same priority and show: the first one stays best. */
    roster_presence(r, "a@x", "tablet", SHOW_CHAT, NULL, 0, NULL);
    best = roster_best(it);
    CHECK(best && strcmp(best->name, "phone") == 0);

    /* Unavailable removes just that resource; the others keep order. */
    CHECK(roster_presence(r, "a@x", "phone", SHOW_OFFLINE, NULL, 0, NULL) == it);
    CHECK(it->nres == 3);
    CHECK_STR(it->res[0].name, "desk");
    CHECK_STR(it->res[1].name, "bot");
    CHECK_STR(it->res[2].name, "tablet");
    best = roster_best(it);
    CHECK(best && strcmp(best->name, "tablet") == 0);
    /* Unavailable for a resource we do not know changes nothing. */
    roster_presence(r, "a@x", "nope", SHOW_OFFLINE, NULL, 0, NULL);
    CHECK(it->nres == 3);
    roster_presence(r, "a@x", "desk", SHOW_OFFLINE, NULL, 0, NULL);
    roster_presence(r, "a@x", "bot", SHOW_OFFLINE, NULL, 0, NULL);
    roster_presence(r, "a@x", "tablet", SHOW_OFFLINE, NULL, 0, NULL);
    CHECK(it->nres == 0 && it->res == NULL);
    CHECK(roster_best(it) == NULL);
    CHECK(roster_show(it) == SHOW_OFFLINE);
    CHECK(roster_find(r, "a@x") == it); /* the item stays */

    /* A presence from the bare JID is the resource "". */
    roster_presence(r, "a@x", NULL, SHOW_XA, NULL, 0, NULL);
    CHECK(it->nres == 1);
    CHECK_STR(it->res[0].name, "");
    roster_presence(r, "a@x", NULL, SHOW_OFFLINE, NULL, 0, NULL);
    CHECK(it->nres == 0);

    /* An out-of-range show is treated as online. */
    roster_presence(r, "a@x", "odd", (enum presence_show)42, NULL, 0, NULL);
    CHECK(it->nres == 1 && it->res[0].show == SHOW_ONLINE);
    roster_free(r);
}

static void test_all_offline_and_clear(void)
{
    struct roster *r = roster_new();
    struct roster_item *a = roster_set(r, "a@x", NULL, NULL, 0, ROSTER_SUB_BOTH, false);
    struct roster_item *b;

    roster_presence(r, "a@x", "1", SHOW_ONLINE, "hi", 0, NULL);
    roster_presence(r, "a@x", "2", SHOW_AWAY, NULL, 0, "c");
    b = roster_presence(r, "b@x", "1", SHOW_DND, NULL, 0, NULL);
    roster_all_offline(r);
    CHECK(a->nres == 0 && b->nres == 0);
    CHECK(roster_show(a) == SHOW_OFFLINE && roster_show(b) == SHOW_OFFLINE);
    CHECK(roster_count(r) == 2);

    roster_presence(r, "a@x", "1", SHOW_ONLINE, "back", 0, NULL);
    roster_clear(r);
    CHECK(roster_count(r) == 0);
    CHECK(roster_find(r, "a@x") == NULL);
    CHECK(roster_at(r, 0) == NULL);
    /* Usable after clearing. */
    a = roster_set(r, "a@x", "A", NULL, 0, ROSTER_SUB_TO, false);
    CHECK(a && roster_find(r, "a@x") == a && roster_count(r) == 1);
    roster_free(r);
}

/* RFC 6121 §2.6: the version belongs to the items; clearing drops both. */
static void test_version(void)
{
    struct roster *r = roster_new();
    CHECK(roster_version(r) == NULL);
    CHECK(roster_set_version(r, "v1") == 0);
    CHECK_STR(roster_version(r), "v1");
    CHECK(roster_set_version(r, "") == 0);
    CHECK_STR(roster_version(r), "");
    CHECK(roster_set_version(r, NULL) == 0 && roster_version(r) == NULL);

    char big[ROSTER_VER_MAX + 2];
    memset(big, 'v', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    roster_set_version(r, "old");
    CHECK(roster_set_version(r, big) == -1); /* too long: none kept, not the old one */
    CHECK(roster_version(r) == NULL);
    big[ROSTER_VER_MAX] = '\0';
    CHECK(roster_set_version(r, big) == 0 && strlen(roster_version(r)) == ROSTER_VER_MAX);

    roster_set(r, "a@x", NULL, NULL, 0, ROSTER_SUB_BOTH, false);
    roster_clear(r);
    CHECK(roster_version(r) == NULL);
    roster_set_version(r, "kept until freed");
    roster_free(r); /* LeakSanitizer checks the version went too */
}

/* What a new full roster result would drop when the server says ours is
 * current: presence-only items, wherever they sit in the array. */
static void test_drop_presence_only(void)
{
    struct roster *r = roster_new();
    char jid[32];
    for (int i = 0; i < 100; i++) {
        snprintf(jid, sizeof jid, "c%d@x", i);
        if (i % 3 == 0)
            roster_presence(r, jid, "res", SHOW_ONLINE, NULL, 0, NULL);
        else
            roster_set(r, jid, NULL, NULL, 0, ROSTER_SUB_BOTH, false);
    }
    roster_presence(r, "c1@x", "res", SHOW_AWAY, NULL, 0, NULL); /* on the roster, online */
    roster_set_version(r, "v");
    roster_drop_presence_only(r);
    CHECK(roster_count(r) == 66);
    int bad = 0;
    for (size_t i = 0; i < roster_count(r); i++)
        bad += !roster_at(r, i)->in_roster;
    for (int i = 0; i < 100; i++) {
        snprintf(jid, sizeof jid, "c%d@x", i);
        bad += (roster_find(r, jid) != NULL) != (i % 3 != 0);
    }
    CHECK(bad == 0);
    CHECK(roster_find(r, "c1@x")->nres == 1);
    CHECK_STR(roster_version(r), "v");
    roster_drop_presence_only(r); /* nothing left to drop */
    CHECK(roster_count(r) == 66);
    roster_free(r);
}

static void test_remove(void)
{
    struct roster *r = roster_new();
    struct roster_item *a, *b, *c;

    a = roster_set(r, "a@x", NULL, NULL, 0, ROSTER_SUB_BOTH, false);
    b = roster_set(r, "b@x", NULL, NULL, 0, ROSTER_SUB_BOTH, false);
    c = roster_set(r, "c@x", NULL, NULL, 0, ROSTER_SUB_BOTH, false);
    roster_presence(r, "a@x", "r", SHOW_ONLINE, "s", 1, "cl");
    CHECK(roster_at(r, 0) == a && roster_at(r, 1) == b && roster_at(r, 2) == c);
    CHECK(roster_remove(r, "A@X"));
    CHECK(!roster_remove(r, "a@x"));
    CHECK(!roster_remove(r, "not a jid@"));
    CHECK(roster_count(r) == 2);
    /* The last item moved into the hole (documented in roster.c). */
    CHECK(roster_at(r, 0) == c && roster_at(r, 1) == b);
    CHECK(roster_find(r, "a@x") == NULL);
    CHECK(roster_find(r, "b@x") == b && roster_find(r, "c@x") == c);
    CHECK(roster_remove(r, "b@x") && roster_remove(r, "c@x"));
    CHECK(roster_count(r) == 0);
    roster_free(r);
}

static void test_names(void)
{
    CHECK_STR(roster_sub_name(ROSTER_SUB_NONE), "none");
    CHECK_STR(roster_sub_name(ROSTER_SUB_TO), "to");
    CHECK_STR(roster_sub_name(ROSTER_SUB_FROM), "from");
    CHECK_STR(roster_sub_name(ROSTER_SUB_BOTH), "both");
    CHECK(roster_sub_parse("both") == ROSTER_SUB_BOTH);
    CHECK(roster_sub_parse("from") == ROSTER_SUB_FROM);
    CHECK(roster_sub_parse("to") == ROSTER_SUB_TO);
    CHECK(roster_sub_parse("none") == ROSTER_SUB_NONE);
    CHECK(roster_sub_parse("remove") == ROSTER_SUB_NONE);
    CHECK(roster_sub_parse("BOTH") == ROSTER_SUB_NONE);
    CHECK(roster_sub_parse(NULL) == ROSTER_SUB_NONE);

    CHECK_STR(presence_show_name(SHOW_CHAT), "chat");
    CHECK_STR(presence_show_name(SHOW_ONLINE), "online");
    CHECK_STR(presence_show_name(SHOW_AWAY), "away");
    CHECK_STR(presence_show_name(SHOW_XA), "xa");
    CHECK_STR(presence_show_name(SHOW_DND), "dnd");
    CHECK_STR(presence_show_name(SHOW_OFFLINE), "offline");
    CHECK(presence_show_parse("chat") == SHOW_CHAT);
    CHECK(presence_show_parse("away") == SHOW_AWAY);
    CHECK(presence_show_parse("xa") == SHOW_XA);
    CHECK(presence_show_parse("dnd") == SHOW_DND);
    CHECK(presence_show_parse(NULL) == SHOW_ONLINE);
    CHECK(presence_show_parse("") == SHOW_ONLINE);
    CHECK(presence_show_parse("sleeping") == SHOW_ONLINE);
    CHECK(presence_show_parse("offline") == SHOW_ONLINE);
}

/* 20,000 items in, every one found, half removed in a scattered order,
 * the rest still found and roster_at still consistent. Under ASan this
 * would take minutes if insert or find were O(n). */
static void test_many(void)
{
    enum { N = 20000 };
    struct roster *r = roster_new();
    char jid[64];
    size_t found = 0, fails = 0;
    clock_t start = clock();
    double secs;

    for (int i = 0; i < N; i++) {
        snprintf(jid, sizeof jid, "user%d@Example.com", i);
        if (!roster_set(r, jid, NULL, NULL, 0, ROSTER_SUB_BOTH, false))
            fails++;
        if (i % 3 == 0)
            roster_presence(r, jid, "res", SHOW_ONLINE, "hi", 0, NULL);
    }
    CHECK(fails == 0);
    CHECK(roster_count(r) == N);
    for (int i = 0; i < N; i++) {
        struct roster_item *it;
        snprintf(jid, sizeof jid, "user%d@example.com", i);
        it = roster_find(r, jid);
        found += it && strcmp(it->jid, jid) == 0;
    }
    CHECK(found == N);
    /* Remove the items whose number is odd, in a scattered order. */
    found = 0;
    for (int k = 0; k < N; k++) {
        int i = (int)(((long)k * 7919) % N);
        if (i % 2 == 0)
            continue;
        snprintf(jid, sizeof jid, "user%d@example.com", i);
        found += roster_remove(r, jid);
    }
    CHECK(found == N / 2);
    CHECK(roster_count(r) == N / 2);
    fails = 0;
    for (int i = 0; i < N; i++) {
        struct roster_item *it;
        snprintf(jid, sizeof jid, "user%d@example.com", i);
        it = roster_find(r, jid);
        fails += (i % 2 == 0) != (it != NULL);
    }
    CHECK(fails == 0);
    /* roster_at visits each remaining item once, and find agrees. */
    fails = 0;
    for (size_t i = 0; i < roster_count(r); i++) {
        struct roster_item *it = roster_at(r, i);
        fails += !it || roster_find(r, it->jid) != it;
    }
    CHECK(fails == 0);
    /* Reinsert some removed ones, then remove everything. */
    for (int i = 1; i < 2000; i += 2) {
        snprintf(jid, sizeof jid, "user%d@example.com", i);
        roster_set(r, jid, "back", NULL, 0, ROSTER_SUB_NONE, false);
    }
    CHECK(roster_count(r) == N / 2 + 1000);
    while (roster_count(r) > 0) {
        struct roster_item *it = roster_at(r, roster_count(r) / 2);
        char *key = strdup(it->jid);
        if (!roster_remove(r, key))
            fails++;
        free(key);
    }
    CHECK(fails == 0);
    secs = (double)(clock() - start) / CLOCKS_PER_SEC;
    CHECK(secs < 10.0);
    roster_free(r);
}

/* Random inserts and removes over a small key space, checked against a
 * plain array: exercises probe chains that wrap around the table end. */
static void test_random_ops(void)
{
    enum { KEYS = 300, OPS = 30000 };
    struct roster *r = roster_new();
    bool present[KEYS] = {false};
    size_t expected = 0, wrong = 0;
    unsigned seed = 12345;
    char jid[32];

    for (int op = 0; op < OPS; op++) {
        int k;
        seed = seed * 1103515245u + 12345u;
        k = (int)((seed >> 8) % KEYS);
        snprintf(jid, sizeof jid, "k%d@x", k);
        if ((seed >> 20) & 1) {
            roster_set(r, jid, NULL, NULL, 0, ROSTER_SUB_NONE, false);
            expected += !present[k];
            present[k] = true;
        } else {
            wrong += roster_remove(r, jid) != present[k];
            expected -= present[k];
            present[k] = false;
        }
        if (op % 1000 == 0) {
            for (int i = 0; i < KEYS; i++) {
                snprintf(jid, sizeof jid, "k%d@x", i);
                wrong += (roster_find(r, jid) != NULL) != present[i];
            }
        }
    }
    CHECK(wrong == 0);
    CHECK(roster_count(r) == expected);
    roster_free(r);
}

int main(void)
{
    test_set_find();
    test_update_keeps_presence();
    test_presence_only();
    test_resources();
    test_all_offline_and_clear();
    test_version();
    test_drop_presence_only();
    test_remove();
    test_names();
    test_many();
    test_random_ops();
    return check_done();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_ui_subreqs.c - the state machine of subscription requests: a
 * request waits once however often it is repeated (the server repeats
 * offline ones at each login), goes when answered or withdrawn, and goes
 * when the roster shows the contact already has our presence; and the
 * roster pane's '?' mark that goes with it. */
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "ui/rosterview.h"
#include "ui/subreqs.h"

struct seen {
    int n;
    char last[64];
};

static void on_dropped(void *ud, const char *jid)
{
    struct seen *s = ud;
    s->n++;
    snprintf(s->last, sizeof s->last, "%s", jid);
}

static void test_states(void)
{
    struct subreqs s = {0};
    struct roster *r = roster_new();
    struct seen seen = {0, ""};
    CHECK(subreqs_add(&s, "carol@localhost"));
    CHECK(!subreqs_add(&s, "carol@localhost")); /* repeated after login */
    CHECK(subreqs_add(&s, "dave@localhost"));
    CHECK(s.n == 2 && subreqs_has(&s, "dave@localhost"));
    /* not on the roster, or on it without our presence: still waiting */
    roster_set(r, "dave@localhost", "Dave", NULL, 0, ROSTER_SUB_TO, false);
    subreqs_prune(&s, r, on_dropped, &seen);
    CHECK(s.n == 2 && seen.n == 0);
    /* a presence-only entry is not on the roster */
    roster_presence(r, "carol@localhost", "x", SHOW_ONLINE, NULL, 0, NULL);
    subreqs_prune(&s, r, on_dropped, &seen);
    CHECK(s.n == 2 && seen.n == 0);
    /* answered elsewhere: the push says dave now has our presence */
    roster_set(r, "dave@localhost", "Dave", NULL, 0, ROSTER_SUB_BOTH, false);
    subreqs_prune(&s, r, on_dropped, &seen);
    CHECK(s.n == 1 && seen.n == 1);
    CHECK_STR(seen.last, "dave@localhost");
    CHECK(!subreqs_has(&s, "dave@localhost") && subreqs_has(&s, "carol@localhost"));
    /* answered here (/authorize or /deny), or withdrawn */
    CHECK(subreqs_remove(&s, "carol@localhost"));
    CHECK(!subreqs_remove(&s, "carol@localhost"));
    CHECK(s.n == 0);
    subreqs_prune(&s, r, NULL, NULL);
    CHECK(subreqs_add(&s, "erin@localhost"));
    subreqs_free(&s); /* frees what is left */
    CHECK(s.n == 0 && s.jid == NULL);
    roster_free(r);
}

static bool row_of(struct rosterview *rv, const char *jid, struct rosterview_row *out)
{
    for (size_t i = 0; rosterview_row(rv, i, out); i++)
        if (out->kind == ROSTERVIEW_CONTACT && strcmp(out->jid, jid) == 0)
            return true;
    return false;
}

static void test_roster_mark(void)
{
    struct roster *r = roster_new();
    struct rosterview *rv = rosterview_new(false); /* offline contacts hidden */
    struct rosterview_row row;
    roster_set(r, "carol@localhost", "Carol", NULL, 0, ROSTER_SUB_NONE, false);
    rosterview_reload(rv, r);
    CHECK(!row_of(rv, "carol@localhost", &row)); /* offline: hidden */
    rosterview_set_asking(rv, "carol@localhost", true);
    CHECK(row_of(rv, "carol@localhost", &row) && row.asking); /* shown while asking */
    rosterview_update(rv, r, "carol@localhost");
    CHECK(row_of(rv, "carol@localhost", &row) && row.asking); /* kept across a push */
    rosterview_set_asking(rv, "carol@localhost", false);
    CHECK(!row_of(rv, "carol@localhost", &row));
    rosterview_set_asking(rv, "nobody@localhost", true); /* not there: nothing happens */
    rosterview_free(rv);
    roster_free(r);
}

int main(void)
{
    test_states();
    test_roster_mark();
    return check_done();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_ui_resolve.c - the word typed where a command wants a JID: an
 * address stays one (resource kept, case normalised), a roster name in
 * any case is its contact, a name two contacts share is refused with
 * both listed, a prefix is only suggested, a word that names nobody is
 * refused and never taken for a server, except where a server may be
 * meant (a dot, or our own domain); "only on the roster" refuses
 * strangers. */
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "ui/resolve.h"

static struct roster *roster(void)
{
    struct roster *r = roster_new();
    const char *friends[] = {"Friends"};
    roster_set(r, "bee@localhost", "Alice", friends, 1, ROSTER_SUB_BOTH, false);
    roster_set(r, "cee@localhost", "Alan Smith", NULL, 0, ROSTER_SUB_BOTH, false);
    roster_set(r, "dee@a.org", "Sam", NULL, 0, ROSTER_SUB_TO, false);
    roster_set(r, "eee@b.org", "sam", NULL, 0, ROSTER_SUB_NONE, false);
    roster_set(r, "irc.example.org", "IRC", NULL, 0, ROSTER_SUB_BOTH, false);
    roster_set(r, "noname@localhost", NULL, NULL, 0, ROSTER_SUB_BOTH, false);
    roster_set(r, "slash@localhost", "Bob/Work", NULL, 0, ROSTER_SUB_BOTH, false);
    /* a stranger who sent us presence: not on the roster */
    roster_presence(r, "stranger@localhost", "x", SHOW_ONLINE, NULL, 0, NULL);
    return r;
}

/* resolve, compare, free; NULL want: refused, and msg holds why. */
static void expect(const struct roster *r, const char *word, unsigned flags, const char *want,
                   const char *msg_has)
{
    char msg[600];
    char *got = resolve_jid(r, word, flags, "localhost", msg, sizeof msg);
    if (want) {
        CHECK_STR(got, want);
        CHECK(msg[0] == '\0');
    } else {
        CHECK(got == NULL);
        if (got)
            fprintf(stderr, "    %s resolved to %s\n", word, got);
        CHECK(strstr(msg, msg_has) != NULL);
        if (!strstr(msg, msg_has))
            fprintf(stderr, "    %s: \"%s\" lacks \"%s\"\n", word, msg, msg_has);
    }
    free(got);
}

static void test_addresses(void)
{
    struct roster *r = roster();
    expect(r, "bee@localhost", 0, "bee@localhost", NULL);
    expect(r, "Bee@LocalHost", 0, "bee@localhost", NULL);
    expect(r, "bee@localhost/Phone", 0, "bee@localhost/Phone", NULL); /* resource kept */
    expect(r, "new@example.org", 0, "new@example.org", NULL);         /* not on the roster: fine */
    expect(r, "a@@b", 0, NULL, "not a valid address: a@@b");
    expect(r, "@localhost", 0, NULL, "not a valid address");
    expect(r, "", 0, NULL, "no address given");
    roster_free(r);
}

static void test_names(void)
{
    struct roster *r = roster();
    expect(r, "Alice", 0, "bee@localhost", NULL);
    expect(r, "alice", 0, "bee@localhost", NULL);
    expect(r, "ALICE/laptop", 0, "bee@localhost/laptop", NULL);
    expect(r, "IRC", 0, "irc.example.org", NULL);
    expect(r, "irc.example.org", 0, "irc.example.org", NULL); /* a JID on the roster */
    expect(r, "Bob/Work", 0, "slash@localhost", NULL);        /* the whole name first */
    /* shared: both listed, nothing chosen */
    expect(r, "sam", 0, NULL, "\"sam\" could be: Sam (dee@a.org), sam (eee@b.org)");
    /* a prefix is not a name, only a suggestion */
    expect(r, "Ali", 0, NULL, "no contact named \"Ali\"; did you mean Alice (bee@localhost)?");
    expect(r, "Alan", 0, NULL, "did you mean Alan Smith (cee@localhost)?");
    roster_free(r);
}

static void test_never_a_domain(void)
{
    struct roster *r = roster();
    expect(r, "ke", 0, NULL, "no contact named \"ke\"; use a full address like ke@example.org");
    expect(r, "localhost", 0, NULL, "no contact named \"localhost\"");
    expect(r, "example.org", 0, NULL, "no contact named \"example.org\"");
    expect(r, "stranger", 0, NULL, "no contact named \"stranger\"");
    /* where a server may be meant: a dot, or our own server */
    expect(r, "localhost", RESOLVE_SERVER, "localhost", NULL);
    expect(r, "conference.localhost", RESOLVE_SERVER, "conference.localhost", NULL);
    expect(r, "example.org/res", RESOLVE_SERVER, "example.org/res", NULL);
    expect(r, "ke", RESOLVE_SERVER, NULL, "no contact named \"ke\"");
    expect(r, "alice", RESOLVE_SERVER, "bee@localhost", NULL); /* a name still wins */
    roster_free(r);
}

static void test_in_roster(void)
{
    struct roster *r = roster();
    expect(r, "Alice", RESOLVE_IN_ROSTER, "bee@localhost", NULL);
    expect(r, "noname@localhost", RESOLVE_IN_ROSTER, "noname@localhost", NULL);
    expect(r, "stranger@localhost", RESOLVE_IN_ROSTER, NULL,
           "stranger@localhost is not in your roster");
    expect(r, "new@example.org", RESOLVE_IN_ROSTER, NULL, "new@example.org is not in your roster");
    roster_free(r);
}

int main(void)
{
    test_addresses();
    test_names();
    test_never_a_domain();
    test_in_roster();
    return check_done();
}

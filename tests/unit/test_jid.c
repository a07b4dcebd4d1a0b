/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_jid.c - JID parsing, normalisation and comparison (RFC 7622). */
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "xmpp/jid.h"

static char err[128];

/* Parses text and checks each part (NULL: absent). */
static void expect_parts(const char *text, const char *local, const char *domain,
                         const char *resource)
{
    struct jid j;
    int rc = jid_parse(text, &j, err, sizeof err);

    CHECK(rc == 0);
    if (rc != 0) {
        fprintf(stderr, "  %s: %s\n", text, err);
        return;
    }
    CHECK(local ? (j.local && strcmp(j.local, local) == 0) : j.local == NULL);
    CHECK_STR(j.domain, domain);
    CHECK(resource ? (j.resource && strcmp(j.resource, resource) == 0) : j.resource == NULL);
    jid_clear(&j);
}

static void expect_invalid(const char *text, const char *why)
{
    struct jid j;

    err[0] = '\0';
    CHECK(jid_parse(text, &j, err, sizeof err) == -1);
    CHECK(j.local == NULL && j.domain == NULL && j.resource == NULL);
    if (why && !strstr(err, why))
        fprintf(stderr, "  \"%s\": error \"%s\", wanted \"%s\"\n", text ? text : "(null)", err,
                why);
    CHECK(!why || strstr(err, why) != NULL);
    CHECK(jid_bare_of(text) == NULL);
}

static void test_forms(void)
{
    expect_parts("juliet@example.com", "juliet", "example.com", NULL);
    expect_parts("juliet@example.com/balcony", "juliet", "example.com", "balcony");
    expect_parts("example.com", NULL, "example.com", NULL);
    expect_parts("example.com/host", NULL, "example.com", "host");
    expect_parts("localhost", NULL, "localhost", NULL);
    expect_parts("[::1]", NULL, "[::1]", NULL);
}

static void test_normalisation(void)
{
    expect_parts("Juliet@Example.COM/Balcony", "juliet", "example.com", "Balcony");
    expect_parts("juliet@example.com./r", "juliet", "example.com", "r");
    expect_parts("example.com.", NULL, "example.com", NULL);
    /* ASCII-only folding: non-ASCII letters are kept as sent. */
    expect_parts("\xC3\x84lice@example.com", "\xC3\x84lice", "example.com", NULL);
}

/* RFC 7622 §3.1: the resource is everything after the first '/'. */
static void test_resource(void)
{
    expect_parts("a@b/c/d", "a", "b", "c/d");
    expect_parts("a@b/c@d", "a", "b", "c@d");
    expect_parts("b/c@d/e", NULL, "b", "c@d/e");
    expect_parts("a@b/ spaced out ", "a", "b", " spaced out ");
    expect_parts("room@muc.example/nick\xE2\x99\xA5", "room", "muc.example", "nick\xE2\x99\xA5");
}

static void test_invalid(void)
{
    expect_invalid("", "empty");
    expect_invalid(NULL, "empty");
    expect_invalid("@d", "empty localpart");
    expect_invalid("a@", "empty domainpart");
    expect_invalid("d/", "empty resourcepart");
    expect_invalid("a@d/", "empty resourcepart");
    expect_invalid("a@/r", "empty domainpart");
    expect_invalid("/r", "empty domainpart");
    expect_invalid(".", "empty domainpart");
    expect_invalid("a@b@c", "domainpart");
    expect_invalid("a b@c", "localpart");
    expect_invalid("a:b@c", "localpart");
    expect_invalid("a<b@c", "localpart");
    expect_invalid("a@b c", "domainpart");
    expect_invalid("a@b/r\x01", "resourcepart");
    expect_invalid("a@b/r\xC2\x85", "resourcepart"); /* U+0085, a C1 control */
    expect_invalid("a\xC3@b", "UTF-8");              /* truncated */
    expect_invalid("a@b\xC0\xAF", "UTF-8");          /* overlong */
    expect_invalid("a@b/\xED\xA0\x80", "UTF-8");     /* surrogate */
    expect_invalid("a@b/\xF4\x90\x80\x80", "UTF-8"); /* above U+10FFFF */
    expect_invalid("a@b/\xFF", "UTF-8");
}

static void test_lengths(void)
{
    char buf[4200];
    struct jid j;

    /* 1023-byte parts are fine, 1024 are not (RFC 7622 §3.2-3.4). */
    memset(buf, 'a', 1023);
    buf[1023] = '@';
    memset(buf + 1024, 'b', 1023);
    buf[2047] = '/';
    memset(buf + 2048, 'c', 1023);
    buf[3071] = '\0';
    CHECK(jid_parse(buf, &j, err, sizeof err) == 0);
    CHECK(j.local && strlen(j.local) == 1023);
    CHECK(j.resource && strlen(j.resource) == 1023);
    jid_clear(&j);

    memset(buf, 'a', 1024);
    memcpy(buf + 1024, "@b", 3);
    expect_invalid(buf, "longer");
    memcpy(buf, "a@", 2);
    memset(buf + 2, 'b', 1024);
    buf[1026] = '\0';
    expect_invalid(buf, "longer");
    /* 1023 bytes plus the final dot that is stripped is fine. */
    buf[1025] = '.';
    CHECK(jid_parse(buf, &j, err, sizeof err) == 0);
    jid_clear(&j);
    memcpy(buf, "a@b/", 4);
    memset(buf + 4, 'r', 1024);
    buf[1028] = '\0';
    expect_invalid(buf, "longer");
}

static void test_bare_full(void)
{
    struct jid j;
    char *s;

    CHECK(jid_parse("Romeo@Montague.LIT/Orchard/West", &j, err, sizeof err) == 0);
    s = jid_bare(&j);
    CHECK_STR(s, "romeo@montague.lit");
    free(s);
    s = jid_full(&j);
    CHECK_STR(s, "romeo@montague.lit/Orchard/West");
    free(s);
    jid_clear(&j);
    jid_clear(&j); /* clearing twice is harmless */

    CHECK(jid_parse("montague.lit", &j, err, sizeof err) == 0);
    s = jid_bare(&j);
    CHECK_STR(s, "montague.lit");
    free(s);
    s = jid_full(&j);
    CHECK_STR(s, "montague.lit");
    free(s);
    jid_clear(&j);

    s = jid_bare_of("Juliet@Capulet.lit./Balcony");
    CHECK_STR(s, "juliet@capulet.lit");
    free(s);
    CHECK(jid_bare_of("@x") == NULL);
}

static void test_resource_of(void)
{
    const char *text = "a@b/c/d";

    CHECK(jid_resource_of(text) == text + 4);
    CHECK(jid_resource_of("a@b") == NULL);
    CHECK(jid_resource_of("a@b/") == NULL);
    CHECK(jid_resource_of(NULL) == NULL);
}

static void test_bare_equal(void)
{
    CHECK(jid_bare_equal("juliet@capulet.lit", "Juliet@CAPULET.lit"));
    CHECK(jid_bare_equal("juliet@capulet.lit/balcony", "juliet@capulet.lit/garden"));
    CHECK(jid_bare_equal("capulet.lit.", "Capulet.lit/x"));
    CHECK(!jid_bare_equal("juliet@capulet.lit", "romeo@capulet.lit"));
    CHECK(!jid_bare_equal("juliet@capulet.lit", "capulet.lit"));
    CHECK(!jid_bare_equal("capulet.lit", "juliet@capulet.lit"));
    CHECK(!jid_bare_equal("juliet@capulet.lit", "juliet@montague.lit"));
    CHECK(!jid_bare_equal("juliet@capulet.lit", ""));
    CHECK(!jid_bare_equal("@x", "@x"));
    CHECK(!jid_bare_equal(NULL, "a@b"));
}

int main(void)
{
    test_forms();
    test_normalisation();
    test_resource();
    test_invalid();
    test_lengths();
    test_bare_full();
    test_resource_of();
    test_bare_equal();
    return check_done();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_rostercache.c - the roster cache file (core/rostercache.c): a
 * round trip keeps every field exactly (absent and empty names, escapes,
 * groups, pending requests) and the version; presence-only items stay
 * out; mode 0600 in a folder of 0700; a roster without a version removes
 * the file. A file cut at any byte, with any byte changed, another
 * account's, or random bytes is refused as a whole, leaving the roster
 * empty and without a version, and nothing crashes or leaks (ASan). */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../check.h"
#include "core/rostercache.h"

#define JID "alice@example.org"

static char dir[512], err[512];

/* The roster as the UI sees it, one line per item on the roster, sorted,
 * then the version. */
static char *snapshot(const struct roster *r)
{
    size_t n = roster_count(r), k = 0, total = 64;
    char **lines = calloc(n + 1, sizeof *lines);
    for (size_t i = 0; i < n; i++) {
        const struct roster_item *it = roster_at(r, i);
        if (!it->in_roster)
            continue;
        char line[2048];
        int len = snprintf(line, sizeof line, "%s|%s%s|%s|%d", it->jid, it->name ? "=" : "-",
                           it->name ? it->name : "", roster_sub_name(it->sub), it->ask);
        for (size_t g = 0; g < it->ngroups; g++)
            len += snprintf(line + len, sizeof line - (size_t)len, "|%s", it->groups[g]);
        lines[k++] = strdup(line);
        total += (size_t)len + 1;
    }
    for (size_t i = 1; i < k; i++)
        for (size_t j = i; j > 0 && strcmp(lines[j - 1], lines[j]) > 0; j--) {
            char *t = lines[j];
            lines[j] = lines[j - 1];
            lines[j - 1] = t;
        }
    char *out = calloc(1, total + (roster_version(r) ? strlen(roster_version(r)) : 0));
    for (size_t i = 0; i < k; i++) {
        strcat(out, lines[i]);
        strcat(out, "\n");
        free(lines[i]);
    }
    strcat(out, "version ");
    strcat(out, roster_version(r) ? roster_version(r) : "(none)");
    free(lines);
    return out;
}

static struct roster *sample(void)
{
    struct roster *r = roster_new();
    const char *g1[] = {"Friends", "Work"};
    const char *g2[] = {"100% \"odd\"\tgroup\nwith lines\r", "\xe5\xae\xb6\xe6\x97\x8f"};
    roster_set(r, "bob@example.org", "Bob", g1, 2, ROSTER_SUB_BOTH, false);
    roster_set(r, "carol@example.org", NULL, NULL, 0, ROSTER_SUB_NONE, true); /* no name */
    roster_set(r, "dave@example.org", "", g2, 2, ROSTER_SUB_TO, false);       /* empty name */
    roster_set(r, "erin@example.org", "%", NULL, 0, ROSTER_SUB_FROM, false);  /* a lone % */
    roster_set(r, "frank@example.org", "a\x7f\tz %41 \xf0\x9f\x98\x80", g1, 1, ROSTER_SUB_BOTH,
               false);
    roster_set(r, "example.net", "a server", NULL, 0, ROSTER_SUB_BOTH, false); /* domain JID */
    /* Known only by presence: not on the roster, not in the file. */
    roster_presence(r, "stranger@example.org", "x", SHOW_ONLINE, NULL, 0, NULL);
    roster_presence(r, "bob@example.org", "phone", SHOW_AWAY, NULL, 0, NULL);
    roster_set_version(r, "ver 1\t%<&>");
    return r;
}

static char *file_path(void)
{
    return rostercache_path(dir, JID);
}

static char *slurp(size_t *len)
{
    char *path = file_path();
    FILE *f = fopen(path, "rb");
    free(path);
    if (!f)
        return NULL;
    char *buf = malloc(1 << 20);
    *len = fread(buf, 1, (1 << 20) - 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

/* What rostercache_read makes of these bytes: 1 or -1, and then the
 * roster must be empty and without a version. */
static int read_bytes(const char *bytes, size_t len, const char *jid, struct roster **out)
{
    struct roster *r = roster_new();
    FILE *f = fmemopen((void *)bytes, len ? len : 1, "r");
    if (len == 0) {
        fclose(f);
        f = fopen("/dev/null", "r");
    }
    int rc = rostercache_read(f, jid, r, err, sizeof err);
    fclose(f);
    if (rc < 0 && (roster_count(r) != 0 || roster_version(r) != NULL))
        rc = 99; /* refused but half filled: a failure */
    if (out)
        *out = r;
    else
        roster_free(r);
    return rc;
}

static void test_round_trip(void)
{
    struct roster *r = sample(), *back = roster_new();
    struct stat st;
    char *path = file_path();
    CHECK(rostercache_load(dir, JID, back, err, sizeof err) == 0); /* none yet */
    CHECK(rostercache_save(dir, JID, r, err, sizeof err) == 0);
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
    char folder[600];
    snprintf(folder, sizeof folder, "%s/roster", dir);
    CHECK(stat(folder, &st) == 0 && (st.st_mode & 0777) == 0700);
    CHECK(strstr(path, "/roster/alice@example.org") != NULL);

    CHECK(rostercache_load(dir, "Alice@Example.org/laptop", back, err, sizeof err) == 1);
    char *a = snapshot(r), *b = snapshot(back);
    CHECK_STR(b, a);
    CHECK(roster_find(back, "stranger@example.org") == NULL);
    CHECK(roster_find(back, "bob@example.org")->nres == 0); /* presence is not kept */
    /* The file is text a person can read. */
    size_t len;
    char *text = slurp(&len);
    CHECK(text && strncmp(text,
                          "tuktuk-roster\t1\naccount\talice@example.org\n"
                          "version\tver 1%09%25<&>\n",
                          60) == 0);
    CHECK(text && strstr(text, "item\tcarol@example.org\tnone\tsubscribe\t%\n"));
    CHECK(text && strstr(text, "item\terin@example.org\tfrom\t-\t%25\n"));
    CHECK(text && strstr(text, "\t100%25 \"odd\"%09group%0awith lines%0d\t"));
    free(text);

    /* Loading twice into the same roster is refused (it must be empty). */
    CHECK(rostercache_load(dir, JID, back, err, sizeof err) == -1);
    CHECK(roster_count(back) == 6);
    free(a);
    free(b);

    /* Saving again replaces; no temporary file is left behind. */
    roster_remove(r, "bob@example.org");
    roster_set_version(r, "2");
    CHECK(rostercache_save(dir, JID, r, err, sizeof err) == 0);
    roster_free(back);
    back = roster_new();
    CHECK(rostercache_load(dir, JID, back, err, sizeof err) == 1);
    CHECK(roster_count(back) == 5 && strcmp(roster_version(back), "2") == 0);
    DIR *d = opendir(folder);
    int others = 0;
    for (struct dirent *e; d && (e = readdir(d)) != NULL;)
        others += e->d_name[0] != '.' && strcmp(e->d_name, JID) != 0;
    if (d)
        closedir(d);
    CHECK(others == 0);

    /* Without a version the cache is useless: the file goes. */
    roster_set_version(r, NULL);
    CHECK(rostercache_save(dir, JID, r, err, sizeof err) == 0);
    CHECK(stat(path, &st) != 0);
    CHECK(rostercache_save(dir, JID, r, err, sizeof err) == 0); /* and stays gone */
    roster_free(r);
    roster_free(back);
    free(path);
}

/* An empty roster with a version is a real state (a new account). */
static void test_empty_roster(void)
{
    struct roster *r = roster_new(), *back = roster_new();
    roster_set_version(r, "");
    CHECK(rostercache_save(dir, JID, r, err, sizeof err) == 0);
    CHECK(rostercache_load(dir, JID, back, err, sizeof err) == 1);
    CHECK(roster_count(back) == 0 && roster_version(back) && !*roster_version(back));
    roster_free(r);
    roster_free(back);
}

/* Cut at every byte, every byte changed: always refused, never half. */
static void test_truncated_and_damaged(void)
{
    struct roster *r = sample();
    CHECK(rostercache_save(dir, JID, r, err, sizeof err) == 0);
    roster_free(r);
    size_t len = 0;
    char *good = slurp(&len);
    CHECK(good && len > 100);
    if (!good)
        return;
    CHECK(read_bytes(good, len, JID, NULL) == 1);
    int wrong = 0;
    for (size_t cut = 0; cut < len; cut++)
        wrong += read_bytes(good, cut, JID, NULL) != -1;
    CHECK(wrong == 0);
    char *bad = malloc(len);
    static const unsigned char flips[] = {0x01, 0x20, 0x80, 0xff};
    for (size_t i = 0; i < len; i++)
        for (size_t k = 0; k < sizeof flips; k++) {
            memcpy(bad, good, len);
            bad[i] = (char)(bad[i] ^ flips[k]);
            wrong += read_bytes(bad, len, JID, NULL) != -1;
        }
    CHECK(wrong == 0);
    /* Something after the last line. */
    char *longer = malloc(len + 8);
    memcpy(longer, good, len);
    memcpy(longer + len, "item\tx\n", 7);
    CHECK(read_bytes(longer, len + 7, JID, NULL) == -1);
    CHECK(strstr(err, "follows") != NULL);
    free(longer);
    /* Another account's roster is not ours, even with a valid checksum. */
    CHECK(read_bytes(good, len, "bob@example.org", NULL) == -1);
    CHECK(strstr(err, "another account") != NULL);
    free(bad);
    free(good);
}

/* Hand-made files: each is refused for its own reason. The checksum is
 * right where it matters, so that the parser itself is tested. */
static void test_hand_made(void)
{
    static const char *const cases[] = {
        "",
        "tuktuk-roster\t2\n",
        "tuktuk-roster\t1\naccount\talice@example.org\n",
        "tuktuk-roster\t1\naccount\talice@example.org\nversion\tv\nitem\tb@x\tboth\n",
        "tuktuk-roster\t1\naccount\talice@example.org\nversion\tv\nitem\tb@x\tall\t-\t%\n",
        "tuktuk-roster\t1\naccount\talice@example.org\nversion\tv\nitem\tb@x\tto\tyes\t%\n",
        "tuktuk-roster\t1\naccount\talice@example.org\nversion\tv\nitem\tb@x\tto\t-\t%zz\n",
        "tuktuk-roster\t1\naccount\talice@example.org\nversion\tv\nitem\tb@x\tto\t-\t%00\n",
        "tuktuk-roster\t1\naccount\talice@example.org\nversion\tv\nitem\tb@x\tto\t-\t%c3%28\n",
        "tuktuk-roster\t1\naccount\talice@example.org\nversion\tv\nitem\tb@x\tto\t-\tN\t\n",
        "tuktuk-roster\t1\naccount\talice@example.org\nversion\tv\nitem\t@\tto\t-\tN\n",
        "tuktuk-roster\t1\naccount\talice@example.org\nversion\tv\nitem\tb@x\tto\t-\ta\rb\n",
        "tuktuk-roster\t1\naccount\talice@example.org\nversion\tv\nother\tb@x\n",
        "tuktuk-roster\t1\nversion\tv\naccount\talice@example.org\n",
        "tuktuk-roster\t1\naccount\talice@example.org\nversion\tv\nend\t0\t00\n",
        "tuktuk-roster\t1\naccount\talice@example.org\nversion\tv\nend\t1\n",
    };
    int wrong = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = read_bytes(cases[i], strlen(cases[i]), JID, NULL);
        if (rc != -1)
            fprintf(stderr, "case %zu: %d\n", i, rc);
        wrong += rc != -1;
    }
    CHECK(wrong == 0);
    /* Too many groups, a line over 1 MiB, a NUL. */
    struct roster *r = roster_new();
    const char *groups[65];
    char names[65][16];
    for (int i = 0; i < 65; i++) {
        snprintf(names[i], sizeof names[i], "g%d", i);
        groups[i] = names[i];
    }
    roster_set(r, "many@x", NULL, groups, 65, ROSTER_SUB_BOTH, false);
    roster_set_version(r, "v");
    CHECK(rostercache_save(dir, JID, r, err, sizeof err) == 0);
    struct roster *back = roster_new();
    CHECK(rostercache_load(dir, JID, back, err, sizeof err) == 1); /* 64 were written */
    CHECK(roster_find(back, "many@x") && roster_find(back, "many@x")->ngroups == 64);
    roster_free(back);
    roster_free(r);
    size_t big = (1u << 20) + 100;
    char *huge = malloc(big);
    memset(huge, 'a', big);
    memcpy(huge, "tuktuk-roster\t1\naccount\t", 24);
    CHECK(read_bytes(huge, big, JID, NULL) == -1);
    free(huge);
    CHECK(read_bytes("tuktuk-roster\t1\0\n", 17, JID, NULL) == -1);
}

/* Random bytes and random splices of a good file: no crash, no leak, and
 * never a half-filled roster. */
static void test_random(void)
{
    struct roster *r = sample();
    CHECK(rostercache_save(dir, JID, r, err, sizeof err) == 0);
    roster_free(r);
    size_t len = 0;
    char *good = slurp(&len);
    unsigned seed = 12345;
    int wrong = 0;
    char buf[4096];
    static const char alphabet[] = "tuktuk-roster\t1\naccount\titem\t%\n@.x0f";
    for (int round = 0; round < 3000 && good; round++) {
        size_t n = (size_t)(rand_r(&seed) % (int)sizeof buf);
        if (round % 2) {
            for (size_t i = 0; i < n; i++)
                buf[i] = alphabet[rand_r(&seed) % (int)(sizeof alphabet - 1)];
        } else {
            n = len < sizeof buf ? len : sizeof buf;
            memcpy(buf, good, n);
            for (int k = rand_r(&seed) % 4; k >= 0; k--)
                buf[rand_r(&seed) % (int)n] = (char)rand_r(&seed);
        }
        int rc = read_bytes(buf, n, JID, NULL);
        wrong += rc != -1 && rc != 1;
    }
    CHECK(wrong == 0);
    free(good);
}

/* A JID too long for a file name gets a hashed one; a leading dot does
 * not make a hidden file. */
static void test_names(void)
{
    char jid[400];
    memset(jid, 'a', 300);
    strcpy(jid + 300, "@example.org");
    char *p = rostercache_path(dir, jid);
    CHECK(p && strlen(strrchr(p, '/') + 1) == 32);
    struct roster *r = roster_new(), *back = roster_new();
    roster_set(r, "b@x", "B", NULL, 0, ROSTER_SUB_BOTH, false);
    roster_set_version(r, "1");
    CHECK(rostercache_save(dir, jid, r, err, sizeof err) == 0);
    CHECK(rostercache_load(dir, jid, back, err, sizeof err) == 1 && roster_count(back) == 1);
    free(p);
    p = rostercache_path(dir, ".hidden.example");
    CHECK(p && strstr(p, "/roster/_hidden.example") != NULL);
    free(p);
    CHECK(rostercache_path(dir, "not a jid@") == NULL);
    CHECK(rostercache_save(dir, "@", r, err, sizeof err) == -1);
    roster_free(r);
    roster_free(back);
}

/* A folder that cannot be written: the save fails, says so, and the old
 * file stays. */
static void test_write_failure(void)
{
    char other[600];
    snprintf(other, sizeof other, "%s/blocked", dir);
    mkdir(other, 0700);
    char block[700];
    snprintf(block, sizeof block, "%s/roster", other);
    FILE *f = fopen(block, "w"); /* a file where the folder should be */
    if (f)
        fclose(f);
    struct roster *r = sample();
    err[0] = '\0';
    CHECK(rostercache_save(other, JID, r, err, sizeof err) == -1);
    CHECK(err[0] != '\0');
    roster_free(r);
}

/* 10,000 contacts: written and read back the same. */
static void test_many(void)
{
    struct roster *r = roster_new(), *back = roster_new();
    const char *groups[] = {"Friends", "Work", "Family", "Others"};
    for (int i = 1; i <= 10000; i++) {
        char jid[64], name[64];
        snprintf(jid, sizeof jid, "contact%05d@localhost", i);
        snprintf(name, sizeof name, "Contact %05d", i);
        roster_set(r, jid, name, &groups[i % 4], 1, ROSTER_SUB_BOTH, false);
    }
    roster_set_version(r, "10000");
    CHECK(rostercache_save(dir, JID, r, err, sizeof err) == 0);
    CHECK(rostercache_load(dir, JID, back, err, sizeof err) == 1);
    char *a = snapshot(r), *b = snapshot(back);
    CHECK(roster_count(back) == 10000 && strcmp(a, b) == 0);
    free(a);
    free(b);
    roster_free(r);
    roster_free(back);
}

int main(void)
{
    char base[400];
    const char *t = getenv("TUKTUK_TEST_TMP");
    if (t && *t) {
        snprintf(base, sizeof base, "%s/rostercache", t);
        mkdir(base, 0700);
    } else {
        snprintf(base, sizeof base, "/tmp/tuktuk-rostercache.XXXXXX");
        if (!mkdtemp(base))
            return 1;
    }
    snprintf(dir, sizeof dir, "%s/data", base);
    test_round_trip();
    test_empty_roster();
    test_truncated_and_damaged();
    test_hand_made();
    test_random();
    test_names();
    test_write_failure();
    test_many();
    return check_done();
}

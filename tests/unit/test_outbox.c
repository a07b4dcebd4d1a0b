/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_outbox.c - the outbox file (core/outbox.c): messages added and
 * removed come back, in order and intact (tabs, newlines, backslashes,
 * UTF-8), from a new open, as after a restart; nothing is written until
 * outbox_sync, and then only when something changed; the file is private
 * (0600) and gone when the outbox is empty; a damaged file is refused and
 * left alone; each account has its own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../check.h"
#include "core/outbox.h"
#include "core/path.h"

#define JID "alice@example.org"

static char dir[512];

static struct outbox *open_ok(const char *jid)
{
    char err[600] = "";
    struct outbox *ob = outbox_open(dir, jid, err, sizeof err);
    if (!ob)
        fprintf(stderr, "outbox_open: %s\n", err);
    return ob;
}

static char *file_of(const char *jid)
{
    return path_account_file(dir, "outbox", jid);
}

static const char odd[] = "tab\there\nnew line\\n not an escape \\ \r\xe5\xae\xb6 %41";

static void test_round_trip(void)
{
    char err[600];
    struct outbox *ob = open_ok(JID);
    CHECK(ob && outbox_count(ob) == 0);
    CHECK(outbox_add(ob, "id1", "bob@example.org", "chat", "first", 100, err, sizeof err) == 0);
    CHECK(outbox_add(ob, "id2", "room@muc.example.org", "groupchat", odd, 200, err, sizeof err) ==
          0);
    CHECK(outbox_add(ob, "id3", "bob@example.org/phone", "chat", "third", 300, err, sizeof err) ==
          0);
    CHECK(outbox_remove(ob, "id1") == 1);
    CHECK(outbox_remove(ob, "nope") == 0);
    char *path = file_of(JID);
    struct stat st;
    CHECK(stat(path, &st) != 0); /* not written yet */
    CHECK(outbox_sync(ob, err, sizeof err) == 0);
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
    /* Unchanged: no write (the file's inode would change with one). */
    ino_t ino = st.st_ino;
    CHECK(outbox_sync(ob, err, sizeof err) == 0);
    CHECK(stat(path, &st) == 0 && st.st_ino == ino);
    outbox_free(ob);

    /* A restart: what was left, in order. */
    ob = open_ok("Alice@Example.org/other-resource");
    CHECK(ob && outbox_count(ob) == 2);
    const struct outbox_entry *e = ob ? outbox_at(ob, 0) : NULL;
    CHECK(e && strcmp(e->id, "id2") == 0 && strcmp(e->to, "room@muc.example.org") == 0 &&
          strcmp(e->type, "groupchat") == 0 && strcmp(e->body, odd) == 0 && e->stamp == 200);
    e = ob ? outbox_at(ob, 1) : NULL;
    CHECK(e && strcmp(e->id, "id3") == 0 && strcmp(e->to, "bob@example.org/phone") == 0 &&
          strcmp(e->body, "third") == 0 && e->stamp == 300);
    CHECK(ob && outbox_at(ob, 2) == NULL);
    CHECK(outbox_sync(ob, err, sizeof err) == 0); /* as read: nothing to write */
    CHECK(stat(path, &st) == 0 && st.st_ino == ino);

    /* Another account has its own. */
    struct outbox *other = open_ok("bob@example.org");
    CHECK(other && outbox_count(other) == 0);
    outbox_free(other);

    /* Emptied: no file is left. */
    CHECK(outbox_remove(ob, "id3") == 1);
    CHECK(outbox_remove(ob, "id2") == 1);
    CHECK(outbox_sync(ob, err, sizeof err) == 0);
    CHECK(stat(path, &st) != 0);
    outbox_free(ob);
    ob = open_ok(JID);
    CHECK(ob && outbox_count(ob) == 0);
    outbox_free(ob);
    free(path);
}

static void write_file(const char *text)
{
    char *path = file_of(JID);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    free(path);
}

static void test_damaged(void)
{
    char err[600] = "";
    static const char *const bad[] = {
        "not an outbox\n",
        "tuktuk-outbox\t1\nid\tto\tchat\t1\n",                 /* four fields */
        "tuktuk-outbox\t1\nid\tto\tchat\t1\tbody\textra\n",    /* six */
        "tuktuk-outbox\t1\nid\tto\tchat\tnow\tbody\n",         /* not a stamp */
        "tuktuk-outbox\t1\nid\tto\tchat\t1\tbad \\x escape\n", /* unknown escape */
        "tuktuk-outbox\t1\n\tto\tchat\t1\tno id\n",            /* empty id */
        "tuktuk-outbox\t1\nid\tto\tchat\t1\tcut off",          /* no newline */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_file(bad[i]);
        struct outbox *ob = outbox_open(dir, JID, err, sizeof err);
        CHECK(ob == NULL && strstr(err, "damaged") != NULL);
        outbox_free(ob);
    }
    /* Left as it was, for the user to look at. */
    char *path = file_of(JID);
    struct stat st;
    CHECK(stat(path, &st) == 0 && st.st_size > 0);
    unlink(path);
    free(path);
    write_file("tuktuk-outbox\t1\nid\tto\tchat\t-5\t\n"); /* an empty body is a body */
    struct outbox *ob = open_ok(JID);
    CHECK(ob && outbox_count(ob) == 1 && outbox_at(ob, 0)->body[0] == '\0');
    outbox_free(ob);
    CHECK(outbox_open(dir, "", err, sizeof err) == NULL);
}

int main(void)
{
    char base[400];
    const char *t = getenv("TUKTUK_TEST_TMP");
    if (t && *t) {
        snprintf(base, sizeof base, "%s/outbox", t);
        mkdir(base, 0700);
    } else {
        snprintf(base, sizeof base, "/tmp/tuktuk-outbox.XXXXXX");
        if (!mkdtemp(base))
            return 1;
    }
    snprintf(dir, sizeof dir, "%s/data", base);
    mkdir(dir, 0700);
    test_round_trip();
    test_damaged();
    return check_done();
}

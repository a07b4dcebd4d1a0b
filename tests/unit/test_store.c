/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_store.c - the message store (core/store.c): a private file in WAL
 * mode; messages read back in time order, a page at a time; each
 * duplicate rule (archive id, origin-id, stanza id, delayed copy) and what
 * is never a duplicate; corrections; full-text search with hostile text;
 * archive cursors; the outbox; a damaged file moved aside at start and while running;
 * two handles on one file; /omemo on|off per chat; a full disk; the old text history imported
 * once; the export; and the order within one second of live messages
 * and archived ones, with ejabberd's fractional stamps and Prosody's
 * whole seconds (im_parse_stamp_ms). */
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../check.h"
#include "core/chatlog.h"
#include "core/store.h"
#include "xmpp/session_priv.h"

#define ME "alice@localhost"
#define BOB "bob@localhost"

static char dir[] = "/tmp/tuktuk-store-XXXXXX";
static char dbpath[256];

struct seen {
    int n;
    char body[16][64];
    long long rowid[16];
    bool edited[16];
    enum store_state state[16];
};

static void on_msg(void *ud, const struct store_msg *m)
{
    struct seen *s = ud;
    if (s->n < 16) {
        snprintf(s->body[s->n], sizeof s->body[0], "%s", m->body);
        s->state[s->n] = m->state;
        s->rowid[s->n] = m->rowid;
        s->edited[s->n] = m->edited;
    }
    s->n++;
}

static struct store_msg msg(const char *body, long ts)
{
    return (struct store_msg){.conv = BOB, .sender = BOB, .body = body, .local_ts = ts};
}

static int add(struct store *st, struct store_msg m)
{
    char err[512];
    return store_add(st, ME, &m, err, sizeof err);
}

static void test_order_and_pages(struct store *st)
{
    char name[32];
    for (int i = 9; i >= 0; i--) { /* stored newest first, read in time order */
        snprintf(name, sizeof name, "m%d", i);
        CHECK(add(st, msg(name, 1000 + i)) == STORE_ADDED);
    }
    struct seen s = {0};
    CHECK(store_recent(st, ME, BOB, 0, 4, on_msg, &s) == 4);
    CHECK_STR(s.body[0], "m6");
    CHECK_STR(s.body[3], "m9");
    long long first = s.rowid[0];
    memset(&s, 0, sizeof s);
    CHECK(store_recent(st, ME, BOB, first, 4, on_msg, &s) == 4);
    CHECK_STR(s.body[0], "m2");
    CHECK_STR(s.body[3], "m5");
    memset(&s, 0, sizeof s);
    CHECK(store_recent(st, ME, BOB, s.rowid[0] ? s.rowid[0] : first, 100, on_msg, &s) == 6);
    CHECK(store_count(st, ME, BOB) == 10);
    CHECK(store_count(st, ME, "nobody@localhost") == 0);
}

static void test_duplicates(struct store *st)
{
    /* 1. the same archive id from the same archive */
    struct store_msg a = msg("archived", 2000);
    a.stanza_id = "A1";
    a.stanza_id_by = ME;
    CHECK(add(st, a) == STORE_ADDED);
    a.local_ts = 2005;
    CHECK(add(st, a) == STORE_DUPLICATE);
    a.stanza_id_by = "room@muc.localhost"; /* another archive's A1 is another message */
    CHECK(add(st, a) == STORE_ADDED);

    /* 2. origin-id: a live copy first, the archive's later; the stored
     * copy gains the archive id, so the third copy matches by rule 1 */
    struct store_msg o = msg("with origin", 2100);
    o.origin_id = "O1";
    CHECK(add(st, o) == STORE_ADDED);
    o.stanza_id = "A2";
    o.stanza_id_by = ME;
    o.server_ts = 2099;
    CHECK(add(st, o) == STORE_DUPLICATE);
    struct store_msg by_sid = msg("with origin", 2100);
    by_sid.stanza_id = "A2";
    by_sid.stanza_id_by = ME;
    CHECK(add(st, by_sid) == STORE_DUPLICATE);
    o.dir = STORE_OUT; /* the same origin-id the other way is not the same message */
    o.stanza_id = NULL;
    CHECK(add(st, o) == STORE_ADDED);

    /* 3. the stanza id attribute with the same sender and body */
    struct store_msg i = msg("with id", 2200);
    i.msg_id = "m-1";
    CHECK(add(st, i) == STORE_ADDED);
    CHECK(add(st, i) == STORE_DUPLICATE);
    i.body = "with id, other text";
    CHECK(add(st, i) == STORE_ADDED);

    /* a delayed copy without ids: same sender, body and server time */
    struct store_msg d = msg("offline copy", 2300);
    d.server_ts = 2290;
    CHECK(add(st, d) == STORE_ADDED);
    d.local_ts = 2400;
    CHECK(add(st, d) == STORE_DUPLICATE);
    /* 4. the archive's copy of a message imported from the text history
     * (no ids there), a second apart: the same; far apart: another */
    struct store_msg imported = msg("said before the store", 2600);
    imported.server_ts = 2600;
    CHECK(add(st, imported) == STORE_ADDED);
    struct store_msg from_archive = msg("said before the store", 2700);
    from_archive.server_ts = 2601;
    from_archive.stanza_id = "A7";
    from_archive.stanza_id_by = ME;
    from_archive.origin_id = "O7";
    CHECK(add(st, from_archive) == STORE_DUPLICATE);
    CHECK(add(st, from_archive) == STORE_DUPLICATE); /* and now by its ids */
    from_archive.server_ts = 2660;
    from_archive.stanza_id = "A8";
    from_archive.origin_id = "O8";
    CHECK(add(st, from_archive) == STORE_ADDED);
    /* a live message with no id and no delay is always new */
    CHECK(add(st, msg("ok", 2500)) == STORE_ADDED);
    CHECK(add(st, msg("ok", 2500)) == STORE_ADDED);
}

static void test_corrections(struct store *st)
{
    struct store_msg m = {.conv = "carol@localhost", .sender = "carol@localhost",
                          .body = "helo", .msg_id = "c1", .local_ts = 3000};
    CHECK(add(st, m) == STORE_ADDED);
    struct store_msg fix = {.conv = "carol@localhost", .sender = "carol@localhost",
                            .body = "hello", .msg_id = "c2", .corrects = "c1", .local_ts = 3001};
    CHECK(add(st, fix) == STORE_ADDED);
    CHECK(add(st, fix) == STORE_DUPLICATE); /* the archive's copy of the correction */
    struct seen s = {0};
    CHECK(store_recent(st, ME, "carol@localhost", 0, 10, on_msg, &s) == 1);
    CHECK_STR(s.body[0], "hello");
    CHECK(s.edited[0]);
    /* someone else cannot correct carol's message */
    struct store_msg forged = fix;
    forged.sender = "mallory@localhost";
    forged.msg_id = "c3";
    forged.body = "forged";
    CHECK(add(st, forged) == STORE_ADDED);
    memset(&s, 0, sizeof s);
    store_recent(st, ME, "carol@localhost", 0, 10, on_msg, &s);
    CHECK_STR(s.body[0], "hello");
}

static void test_search(struct store *st)
{
    CHECK(add(st, msg("the train ticket is booked", 4000)) == STORE_ADDED);
    struct store_msg other = {.conv = "dave@localhost", .sender = "dave@localhost",
                              .body = "ticket for the Train", .local_ts = 4001};
    CHECK(add(st, other) == STORE_ADDED);
    struct seen s = {0};
    CHECK(store_search(st, ME, BOB, "train ticket", 10, on_msg, &s) == 1);
    CHECK_STR(s.body[0], "the train ticket is booked");
    memset(&s, 0, sizeof s);
    CHECK(store_search(st, ME, NULL, "ticket train", 10, on_msg, &s) == 2);
    CHECK_STR(s.body[0], "ticket for the Train"); /* newest first */
    memset(&s, 0, sizeof s);
    CHECK(store_search(st, ME, NULL, "train", 10, on_msg, &s) == 2);
    /* query syntax in the text is only text */
    memset(&s, 0, sizeof s);
    CHECK(store_search(st, ME, NULL, "\"unbalanced OR NEAR( * -", 10, on_msg, &s) == 0);
    CHECK(store_search(st, ME, NULL, "   ", 10, on_msg, &s) == 0);
    CHECK(store_search(st, "other@localhost", NULL, "train", 10, on_msg, &s) == 0);
}

struct listed {
    int n;
    char ids[4][16], bodies[4][32], stanzas[4][64];
};

static void on_outbox(void *ud, const char *id, const char *to, const char *type,
                      const char *body, const char *stanza, int64_t stamp)
{
    struct listed *l = ud;
    (void)to;
    (void)type;
    (void)stamp;
    if (l->n < 4) {
        snprintf(l->ids[l->n], sizeof l->ids[0], "%s", id);
        snprintf(l->bodies[l->n], sizeof l->bodies[0], "%s", body ? body : "(null)");
        snprintf(l->stanzas[l->n], sizeof l->stanzas[0], "%s", stanza ? stanza : "(null)");
    }
    l->n++;
}

/* The outbox: kept in order until removed, per account, once per id. */
static void test_outbox(struct store *st)
{
    CHECK(store_outbox_add(st, ME, "o1", BOB, "chat", "first", NULL, 1) == 0);
    CHECK(store_outbox_add(st, ME, "o2", "room@muc.localhost", "groupchat", "second", NULL, 2) ==
          0);
    CHECK(store_outbox_add(st, ME, "o3", BOB, "chat", "third", NULL, 3) == 0);
    CHECK(store_outbox_add(st, "other@localhost", "o9", BOB, "chat", "not mine", NULL, 4) == 0);
    /* an encrypted message: its stanza, no text; never both, nor neither */
    CHECK(store_outbox_add(st, ME, "o4", BOB, "chat", NULL, "<message id='o4'/>", 5) == 0);
    CHECK(store_outbox_add(st, ME, "o5", BOB, "chat", "clear", "<message id='o5'/>", 6) < 0);
    CHECK(store_outbox_add(st, ME, "o6", BOB, "chat", NULL, NULL, 7) < 0);
    struct listed l = {0};
    CHECK(store_outbox_list(st, ME, on_outbox, &l) == 4);
    CHECK_STR(l.bodies[0], "first");
    CHECK_STR(l.stanzas[0], "(null)");
    CHECK_STR(l.bodies[2], "third");
    CHECK_STR(l.bodies[3], "(null)");
    CHECK_STR(l.stanzas[3], "<message id='o4'/>");
    CHECK(store_outbox_remove(st, ME, "o4") == 0);
    CHECK(store_outbox_remove(st, ME, "o2") == 0);
    CHECK(store_outbox_remove(st, ME, "nope") == 0);
    memset(&l, 0, sizeof l);
    CHECK(store_outbox_list(st, ME, on_outbox, &l) == 2);
    CHECK_STR(l.ids[1], "o3");
    /* the message row says pending until sent */
    struct store_msg m = msg("held", 6000);
    m.dir = STORE_OUT;
    m.msg_id = "o1";
    m.state = STORE_PENDING;
    CHECK(add(st, m) == STORE_ADDED);
    CHECK(store_set_state_by_id(st, ME, BOB, "o1", STORE_SENT) == 0);
    /* refused in the end: a late "sent" (the server's ack after its
     * bounce) does not undo that */
    CHECK(store_set_state_by_id(st, ME, BOB, "o1", STORE_FAILED) == 0);
    CHECK(store_set_state_by_id(st, ME, BOB, "o1", STORE_SENT) == 0);
    struct seen s = {0};
    store_recent(st, ME, BOB, 0, 16, on_msg, &s);
    bool found = false;
    for (int i = 0; i < s.n && i < 16; i++)
        if (strcmp(s.body[i], "held") == 0)
            found = s.state[i] == STORE_FAILED;
    CHECK(found);
    /* The peer's receipt before the server's ack: "delivered" stays. */
    struct store_msg d = msg("fast peer", 6001);
    d.dir = STORE_OUT;
    d.msg_id = "o2";
    d.state = STORE_PENDING;
    CHECK(add(st, d) == STORE_ADDED);
    CHECK(store_set_state_by_id(st, ME, BOB, "o2", STORE_DELIVERED) == 0);
    CHECK(store_set_state_by_id(st, ME, BOB, "o2", STORE_SENT) == 0);
    memset(&s, 0, sizeof s);
    store_recent(st, ME, BOB, 0, 16, on_msg, &s);
    found = false;
    for (int i = 0; i < s.n && i < 16; i++)
        if (strcmp(s.body[i], "fast peer") == 0)
            found = s.state[i] == STORE_DELIVERED;
    CHECK(found);
    store_outbox_remove(st, ME, "o1");
    store_outbox_remove(st, ME, "o3");
    memset(&l, 0, sizeof l);
    CHECK(store_outbox_list(st, ME, on_outbox, &l) == 0);
}

static void on_archive(void *ud, const char *archive)
{
    snprintf(ud, 64, "%s", archive);
}

static void test_cursors(struct store *st)
{
    char id[64], seen[64] = "";
    CHECK(store_cursor(st, ME, ME, id, sizeof id) == 0 && id[0] == '\0');
    CHECK(store_set_cursor(st, ME, ME, "A9") == 0);
    CHECK(store_set_cursor(st, ME, "room@muc.localhost", "R3") == 0);
    CHECK(store_cursor(st, ME, ME, id, sizeof id) == 0);
    CHECK_STR(id, "A9");
    CHECK(store_set_cursor(st, ME, ME, "A10") == 0);
    CHECK(store_cursor(st, ME, ME, id, sizeof id) == 0);
    CHECK_STR(id, "A10");
    CHECK(store_cursor(st, "x@y", ME, id, sizeof id) == 0 && id[0] == '\0');
    store_archives(st, "nobody@x", on_archive, seen);
    CHECK(seen[0] == '\0');
    CHECK(store_oldest_archive_id(st, ME, BOB, ME, id, sizeof id) == 0);
    CHECK_STR(id, "A1");
}

static void test_full_disk(struct store *st)
{
    char err[512] = "", big[4096];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    struct rlimit old;
    getrlimit(RLIMIT_FSIZE, &old);
    struct rlimit tiny = {4096, old.rlim_max};
    signal(SIGXFSZ, SIG_IGN);
    setrlimit(RLIMIT_FSIZE, &tiny);
    struct store_msg m = msg(big, 5000);
    int rc = STORE_ADDED;
    for (int i = 0; i < 50 && rc == STORE_ADDED; i++)
        rc = store_add(st, ME, &m, err, sizeof err);
    setrlimit(RLIMIT_FSIZE, &old);
    CHECK(rc == STORE_FAILED_WRITE);
    CHECK(strstr(err, "message store") != NULL);
    /* and once there is room again, writing goes on */
    m.body = "after the disk was full";
    CHECK(store_add(st, ME, &m, err, sizeof err) == STORE_ADDED);
}

/* Two tuktuk processes on one data folder: both write, nothing is lost. */
static void test_two_handles(void)
{
    char note[512], err[512];
    struct store *a = store_open(dbpath, note, sizeof note, err, sizeof err);
    struct store *b = store_open(dbpath, note, sizeof note, err, sizeof err);
    CHECK(a && b);
    if (!a || !b)
        return;
    struct store_msg m = {.conv = "erin@localhost", .sender = "erin@localhost", .local_ts = 1};
    for (int i = 0; i < 20; i++) {
        m.body = i % 2 ? "from b" : "from a";
        CHECK(store_add(i % 2 ? b : a, ME, &m, err, sizeof err) == STORE_ADDED);
    }
    CHECK(store_count(a, ME, "erin@localhost") == 20);
    CHECK(store_count(b, ME, "erin@localhost") == 20);
    store_close(a);
    store_close(b);
}

/* /omemo on|off per chat: kept per account, read back by a new handle
 * (a restart), changed and forgotten. */
static void test_chat_omemo(void)
{
    char note[512], err[512];
    struct store *a = store_open(dbpath, note, sizeof note, err, sizeof err);
    CHECK(a != NULL);
    if (!a)
        return;
    CHECK(store_chat_omemo(a, ME, BOB) == 0);
    CHECK(store_set_chat_omemo(a, ME, BOB, -1) == 0);
    CHECK(store_set_chat_omemo(a, ME, "erin@localhost", 1) == 0);
    CHECK(store_chat_omemo(a, ME, BOB) == -1);
    CHECK(store_chat_omemo(a, "other@localhost", BOB) == 0);
    store_close(a);
    a = store_open(dbpath, note, sizeof note, err, sizeof err);
    CHECK(a != NULL);
    if (!a)
        return;
    CHECK(store_chat_omemo(a, ME, BOB) == -1);
    CHECK(store_chat_omemo(a, ME, "erin@localhost") == 1);
    CHECK(store_set_chat_omemo(a, ME, BOB, 1) == 0);
    CHECK(store_chat_omemo(a, ME, BOB) == 1);
    CHECK(store_set_chat_omemo(a, ME, BOB, 0) == 0);
    CHECK(store_chat_omemo(a, ME, BOB) == 0);
    store_close(a);
}

/* A store of schema version 1 (an outbox without the stanza column) is
 * brought up to date at open, its rows kept. */
static void test_schema_step(void)
{
    char path[300], note[512], err[512];
    snprintf(path, sizeof path, "%s/v1.db", dir);
    sqlite3 *db = NULL;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db,
                       "CREATE TABLE outbox (seq INTEGER PRIMARY KEY, account TEXT NOT NULL,"
                       " id TEXT NOT NULL, to_jid TEXT NOT NULL, type TEXT NOT NULL,"
                       " body TEXT NOT NULL, stamp INTEGER NOT NULL, UNIQUE (account, id));"
                       " INSERT INTO outbox (account, id, to_jid, type, body, stamp)"
                       " VALUES ('" ME "', 'old', '" BOB "', 'chat', 'from before', 1);"
                       " PRAGMA user_version=1;",
                       NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    struct store *st = store_open(path, note, sizeof note, err, sizeof err);
    CHECK(st != NULL);
    if (!st)
        return;
    CHECK(store_outbox_add(st, ME, "new", BOB, "chat", NULL, "<message id='new'/>", 2) == 0);
    struct listed l = {0};
    CHECK(store_outbox_list(st, ME, on_outbox, &l) == 2);
    CHECK_STR(l.bodies[0], "from before");
    CHECK_STR(l.stanzas[1], "<message id='new'/>");
    store_close(st);
    st = store_open(path, note, sizeof note, err, sizeof err); /* once only */
    CHECK(st != NULL);
    store_close(st);
}

static void test_damaged_at_start(void)
{
    char path[300], note[1024], err[512];
    snprintf(path, sizeof path, "%s/damaged.db", dir);
    FILE *f = fopen(path, "w");
    for (int i = 0; f && i < 200; i++)
        fputs("this is not an SQLite database, it is a text file\n", f);
    if (f)
        fclose(f);
    struct store *st = store_open(path, note, sizeof note, err, sizeof err);
    CHECK(st != NULL);
    CHECK(strstr(note, "damaged") != NULL && strstr(note, "damaged.db.damaged-") != NULL);
    CHECK(st && add(st, msg("a new start", 1)) == STORE_ADDED);
    store_close(st);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "ls %s/damaged.db.damaged-* >/dev/null 2>&1", dir);
    CHECK(system(cmd) == 0);
}

/* Damage in the middle of a store that opens: SQLite finds it when the
 * full-text index or a table is first read (at start) or written (while
 * running). Either way the file is moved aside and writing goes on. */
static void test_damaged_while_running(void)
{
    char path[300], note[1024], err[1024] = "";
    snprintf(path, sizeof path, "%s/running.db", dir);
    struct store *st = store_open(path, note, sizeof note, err, sizeof err);
    CHECK(st != NULL);
    if (!st)
        return;
    char body[200];
    for (int i = 0; i < 300; i++) {
        snprintf(body, sizeof body, "message %d with some text to fill the pages", i);
        add(st, msg(body, i));
    }
    store_close(st);
    /* Fold the WAL in, then break every page after the first. */
    st = store_open(path, note, sizeof note, err, sizeof err);
    store_close(st);
    FILE *f = fopen(path, "r+b");
    CHECK(f != NULL);
    if (f) {
        fseek(f, 4096, SEEK_SET);
        for (int i = 0; i < 4096 * 8; i++)
            fputc(0xA5, f);
        fclose(f);
    }
    st = store_open(path, note, sizeof note, err, sizeof err);
    CHECK(st != NULL);
    if (!st)
        return;
    struct store_msg m = msg("kept anyway", 9999);
    int rc = STORE_ADDED;
    for (int i = 0; i < 3 && rc == STORE_ADDED; i++)
        rc = store_add(st, ME, &m, err, sizeof err);
    CHECK(strstr(note, "damaged") != NULL ||
          (rc == STORE_FAILED_WRITE && strstr(err, "damaged") != NULL));
    CHECK(store_count(st, ME, BOB) >= 1); /* the new store has it */
    CHECK(store_add(st, ME, &(struct store_msg){.conv = BOB, .sender = BOB, .body = "next",
                                                .local_ts = 10000},
                    err, sizeof err) == STORE_ADDED);
    store_close(st);
}

static void test_import_and_export(void)
{
    char data[300], path[600], note[512], err[512];
    snprintf(data, sizeof data, "%s/data", dir);
    snprintf(path, sizeof path, "%s/history", data);
    struct chatlog_writer *w = chatlog_writer_open(path, ME, BOB, err, sizeof err);
    CHECK(w != NULL);
    if (!w)
        return;
    chatlog_writer_line(w, 100, false, BOB, "old one");
    chatlog_writer_line(w, 200, true, ME, "old two\nwith a newline");
    CHECK(chatlog_writer_close(w, err, sizeof err) == 0);
    w = chatlog_writer_open(path, ME, "room@muc.localhost", err, sizeof err);
    chatlog_writer_line(w, 150, false, "nick", "in a room");
    CHECK(w && chatlog_writer_close(w, err, sizeof err) == 0);
    snprintf(path, sizeof path, "%s/messages.db", data);
    struct store *st = store_open(path, note, sizeof note, err, sizeof err);
    CHECK(st != NULL);
    if (!st)
        return;
    CHECK(store_import_chatlogs(st, data, err, sizeof err) == 3);
    CHECK(store_import_chatlogs(st, data, err, sizeof err) == 0); /* once */
    struct stat sb;
    CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
    snprintf(path, sizeof path, "%s/history/" ME "/" BOB ".log", data);
    CHECK(access(path, F_OK) == 0); /* left in place */
    struct seen s = {0};
    CHECK(store_recent(st, ME, BOB, 0, 10, on_msg, &s) == 2);
    CHECK_STR(s.body[1], "old two\nwith a newline");
    snprintf(path, sizeof path, "%s/export", dir);
    CHECK(store_export(st, path, err, sizeof err) == 3);
    snprintf(path, sizeof path, "%s/export/" ME "/" BOB ".log", dir);
    FILE *f = fopen(path, "r");
    char line[200];
    CHECK(f && fgets(line, sizeof line, f));
    CHECK_STR(line, "1970-01-01T00:01:40Z < bob@localhost old one\n");
    CHECK(f && fgets(line, sizeof line, f));
    CHECK_STR(line, "1970-01-01T00:03:20Z > alice@localhost old two\\nwith a newline\n");
    if (f)
        fclose(f);
    CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
    store_close(st);
}

/* Messages of one second: m01 live at 12:00:00.700 (our clock), m02 and
 * m03 caught up from the archive, asked for at `asked`, and m04 live
 * during that catch-up, at 12:00:00.950. */
static void test_same_second(struct store *st, const char *conv, const char *s2, const char *s3,
                             int64_t asked)
{
    int64_t live = im_parse_stamp_ms("2026-12-03T12:00:00.700Z", NULL);
    struct store_msg m = {.conv = conv, .sender = "bob", .type = STORE_GROUPCHAT, .body = "m01",
                          .local_ts = live / 1000, .local_ms = live};
    CHECK(add(st, m) == STORE_ADDED);
    m.body = "m04";
    m.local_ms = live + 250;
    CHECK(add(st, m) == STORE_ADDED);
    const char *stamp[] = {s2, s3}, *body[] = {"m02", "m03"};
    for (int i = 0; i < 2; i++) {
        int64_t ms = im_order_ms(stamp[i], asked, false);
        m = (struct store_msg){.conv = conv, .sender = "bob", .type = STORE_GROUPCHAT,
                               .body = body[i], .server_ts = ms / 1000, .server_ms = ms,
                               .local_ts = live / 1000 + 5};
        CHECK(add(st, m) == STORE_ADDED);
    }
    struct seen s = {0};
    CHECK(store_recent(st, ME, conv, 0, 10, on_msg, &s) == 4);
    for (int i = 0; i < 4; i++) {
        char want[16];
        snprintf(want, sizeof want, "m%02d", i + 1);
        CHECK_STR(s.body[i], want);
    }
}

static void test_stamps(struct store *st)
{
    bool whole;
    CHECK(im_parse_stamp_ms("2026-12-03T12:00:00.7Z", &whole) == 1796299200700LL && !whole);
    CHECK(im_parse_stamp_ms("2026-12-03T12:00:00.123456Z", NULL) == 1796299200123LL);
    CHECK(im_parse_stamp_ms("2026-12-03T12:00:00Z", &whole) == 1796299200000LL && whole);
    CHECK(im_parse_stamp_ms("2026-12-03T13:00:00.5+01:00", NULL) == 1796299200500LL);
    CHECK(im_parse_stamp_ms("2026-12-03T12:00", NULL) == 0);
    CHECK(im_parse_stamp_ms(NULL, NULL) == 0);
    CHECK(im_parse_stamp("2026-12-03T12:00:00.900Z") == 1796299200);
    /* a whole second: its start read backward, else as late as it can be */
    CHECK(im_order_ms("2026-12-03T12:00:00Z", 0, true) == 1796299200000LL);
    CHECK(im_order_ms("2026-12-03T12:00:00Z", 1796299260000LL, false) == 1796299200999LL);
    CHECK(im_order_ms("2026-12-03T12:00:00Z", 1796299200800LL, false) == 1796299200799LL);
    CHECK(im_order_ms("2026-12-03T12:00:00.5Z", 1796299200100LL, false) == 1796299200500LL);
    int64_t asked = im_parse_stamp_ms("2026-12-03T12:00:00.900Z", NULL);
    test_same_second(st, "ejabberd@muc.localhost", "2026-12-03T12:00:00.712345Z",
                     "2026-12-03T12:00:00.801Z", asked);
    test_same_second(st, "prosody@muc.localhost", "2026-12-03T12:00:00Z",
                     "2026-12-03T12:00:00Z", asked);
}

int main(void)
{
    char note[512], err[512];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(dbpath, sizeof dbpath, "%s/messages.db", dir);
    struct store *st = store_open(dbpath, note, sizeof note, err, sizeof err);
    CHECK(st != NULL && note[0] == '\0');
    if (!st)
        return check_done();
    struct stat sb;
    CHECK(stat(dbpath, &sb) == 0 && (sb.st_mode & 0777) == 0600);
    test_order_and_pages(st);
    char wal[300];
    snprintf(wal, sizeof wal, "%s-wal", dbpath);
    CHECK(stat(wal, &sb) == 0 && (sb.st_mode & 0777) == 0600); /* WAL mode */
    test_duplicates(st);
    test_corrections(st);
    test_search(st);
    test_cursors(st);
    test_outbox(st);
    test_schema_step();
    test_stamps(st);
    test_full_disk(st);
    store_close(st);
    test_two_handles();
    test_chat_omemo();
    test_damaged_at_start();
    test_damaged_while_running();
    test_import_and_export();
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
    return check_done();
}

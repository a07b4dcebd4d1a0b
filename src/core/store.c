/* SPDX-License-Identifier: GPL-3.0-or-later */
/* store.c - the message store, on SQLite.
 *
 * One database for every account, $DATA/messages.db, private (0600; its
 * -wal and -shm files take the same mode from it) and in WAL mode, so a
 * write is one append and readers never wait for it. synchronous=NORMAL:
 * a power cut may lose the last messages, never the file. Each message is
 * a row of `msg`; `msg_fts` is an FTS5 index of the bodies kept by
 * triggers, with the conversation's JID as a second column so that a
 * search in one conversation only looks at its messages. Rows are
 * ordered in a conversation by `ts`, in milliseconds: the server's time
 * when it gave one (delay), else ours, so that a message fetched from the
 * archive later still lands where it was said. ejabberd's stamps carry
 * fractions and keep them; Prosody's count whole seconds, which the
 * session places within their second by what it knows (im_order_ms): a
 * page read forward came after what we had and before we asked for it.
 * Equal times fall back to the order of arrival.
 *
 * Duplicates. The same message can come live, as a carbon, from offline
 * storage and from the archive. It is the same message when, in order:
 *   1. it has the same archive id (XEP-0359 stanza-id) from the same
 *      archive;
 *   2. it has the same origin-id, in the same conversation and direction;
 *   3. neither of those decides: it has the same stanza id attribute,
 *      sender, direction and body in the conversation; or, without any
 *      id, the same sender, body and server time within a second (a
 *      delayed copy: offline storage and the archive stamp it apart);
 *   4. a delayed copy whose ids matched nothing is the same as a row with
 *      no ids at all (one imported from the text history, which kept
 *      none) with the same sender, direction and body, within two seconds
 *      of its time: the log has the receiver's clock, the archive the
 *      server's.
 * A live message with no id and no delay is always new. When a duplicate
 * carries an id the stored copy lacks, the copy gains it, so the next
 * copy matches by rule 1.
 *
 * Corrections (XEP-0308) are rows too (the archive holds them, and they
 * must match as duplicates), marked hidden once applied: the corrected
 * row takes the new text and is marked edited, so a reopened chat shows
 * the corrected message once.
 *
 * Batches. A commit is most of a write's cost (locks, the WAL frame), so
 * the archive's pages, hundreds of messages that nobody waits for one by
 * one, are written in one transaction each (store_begin, store_commit:
 * keep.c). Live messages are committed one by one, before they are shown.
 *
 * The outbox. Our messages that the server has not confirmed yet (issue
 * 16) are rows of `outbox` until it has, so that they survive a restart;
 * their `msg` rows say "pending" meanwhile. A commit in WAL mode with
 * synchronous=NORMAL costs no fsync, so each change is written at once.
 * An OMEMO-encrypted message's row keeps the encrypted stanza as built
 * (`stanza`, schema version 2) and an empty body: its text stays in its
 * `msg` row alone, never next to a copy that would be sent in clear.
 *
 * Per chat settings. The user's /omemo on or off for a chat is a row of
 * `chat_omemo` (issue 13), here rather than in the encrypted OMEMO key
 * store: it must hold when that store cannot be opened (a locked vault),
 * or a chat the user turned OMEMO on in would go back to its default and
 * could send in plaintext; and it is no more private than the history it
 * sits beside.
 *
 * Damage. A file that is not a database, or that SQLite finds corrupt,
 * is renamed messages.db.damaged-TIME (with its -wal) and a new store is
 * started; the user is told the name. Several tuktuk processes may share
 * the file: SQLite locks it and each waits up to busy_timeout. */
#include "core/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/chatlog.h"

#define SCHEMA_VERSION 1

struct store {
    sqlite3 *db;
    char *path;
    bool batch; /* a transaction of store_begin is open */
    sqlite3_stmt *by_sid, *by_origin, *by_msgid, *by_body, *by_plain, *insert, *fill_ids, *correct;
};

static const char *const SCHEMA =
    "CREATE TABLE IF NOT EXISTS msg ("
    " id INTEGER PRIMARY KEY, account TEXT NOT NULL, conv TEXT NOT NULL,"
    " sender TEXT NOT NULL, dir INTEGER NOT NULL, type INTEGER NOT NULL,"
    " body TEXT NOT NULL, msg_id TEXT, stanza_id TEXT, sid_by TEXT, origin_id TEXT,"
    " server_ts INTEGER, local_ts INTEGER NOT NULL, ts INTEGER NOT NULL,"
    " corrects TEXT, encrypted INTEGER NOT NULL DEFAULT 0,"
    " state INTEGER NOT NULL DEFAULT 0, edited INTEGER NOT NULL DEFAULT 0,"
    " hidden INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS msg_conv ON msg(account, conv, ts, id);"
    "CREATE UNIQUE INDEX IF NOT EXISTS msg_sid ON msg(account, sid_by, stanza_id)"
    " WHERE stanza_id IS NOT NULL;"
    "CREATE INDEX IF NOT EXISTS msg_origin ON msg(account, conv, origin_id)"
    " WHERE origin_id IS NOT NULL;"
    "CREATE INDEX IF NOT EXISTS msg_msgid ON msg(account, conv, msg_id)"
    " WHERE msg_id IS NOT NULL;"
    /* Rule 4's rows only (by_plain): without it, each archived message
     * that is new tested every row within its four seconds, and a
     * catch-up of messages sent in a burst cost seconds of CPU. */
    "CREATE INDEX IF NOT EXISTS msg_plain ON msg(account, conv, ts)"
    " WHERE stanza_id IS NULL AND origin_id IS NULL AND msg_id IS NULL;"
    "CREATE VIRTUAL TABLE IF NOT EXISTS msg_fts USING fts5(body, conv, content='msg',"
    " content_rowid='id');"
    "CREATE TRIGGER IF NOT EXISTS msg_ai AFTER INSERT ON msg BEGIN"
    " INSERT INTO msg_fts(rowid, body, conv) VALUES (new.id, new.body, new.conv); END;"
    "CREATE TRIGGER IF NOT EXISTS msg_ad AFTER DELETE ON msg BEGIN"
    " INSERT INTO msg_fts(msg_fts, rowid, body, conv) VALUES ('delete', old.id, old.body,"
    " old.conv); END;"
    "CREATE TRIGGER IF NOT EXISTS msg_au AFTER UPDATE OF body ON msg BEGIN"
    " INSERT INTO msg_fts(msg_fts, rowid, body, conv) VALUES ('delete', old.id, old.body,"
    " old.conv);"
    " INSERT INTO msg_fts(rowid, body, conv) VALUES (new.id, new.body, new.conv); END;"
    "CREATE TABLE IF NOT EXISTS cursor (account TEXT NOT NULL, archive TEXT NOT NULL,"
    " last_id TEXT NOT NULL, PRIMARY KEY (account, archive));"
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY, account TEXT NOT NULL,"
    " id TEXT NOT NULL, to_jid TEXT NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL,"
    " stamp INTEGER NOT NULL, stanza TEXT, UNIQUE (account, id));"
    "CREATE TABLE IF NOT EXISTS chat_omemo (account TEXT NOT NULL, conv TEXT NOT NULL,"
    " mode INTEGER NOT NULL, PRIMARY KEY (account, conv));";

#define COLUMNS                                                                                    \
    "id, conv, sender, dir, type, body, msg_id, stanza_id, sid_by, origin_id, server_ts,"          \
    " local_ts, corrects, encrypted, state, edited"

static void say(char *err, size_t errlen, const char *what, sqlite3 *db)
{
    if (err && errlen)
        snprintf(err, errlen, "message store: %s: %s", what, db ? sqlite3_errmsg(db) : "no memory");
}

static bool damaged(int rc)
{
    rc &= 0xff;
    return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB;
}

static void finalize_all(struct store *st)
{
    sqlite3_stmt **all[] = {&st->by_sid, &st->by_origin, &st->by_msgid, &st->by_body, &st->by_plain,
                            &st->insert, &st->fill_ids, &st->correct};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        sqlite3_finalize(*all[i]);
        *all[i] = NULL;
    }
}

static int prepare(struct store *st)
{
    struct {
        sqlite3_stmt **stmt;
        const char *sql;
    } q[] = {
        {&st->by_sid, "SELECT id FROM msg WHERE account=?1 AND sid_by=?2 AND stanza_id=?3"},
        {&st->by_origin, "SELECT id FROM msg WHERE account=?1 AND conv=?2 AND origin_id=?3"
                         " AND dir=?4 LIMIT 1"},
        {&st->by_msgid, "SELECT id FROM msg WHERE account=?1 AND conv=?2 AND msg_id=?3"
                        " AND dir=?4 AND sender=?5 AND body=?6 LIMIT 1"},
        {&st->by_body, "SELECT id FROM msg WHERE account=?1 AND conv=?2"
                       " AND ts BETWEEN ?3-999 AND ?3+999 AND dir=?4 AND sender=?5 AND body=?6 LIMIT 1"},
        {&st->by_plain, "SELECT id FROM msg INDEXED BY msg_plain WHERE account=?1 AND conv=?2"
                        " AND ts BETWEEN ?3 AND ?4"
                        " AND dir=?5 AND sender=?6 AND body=?7 AND stanza_id IS NULL"
                        " AND origin_id IS NULL AND msg_id IS NULL LIMIT 1"},
        {&st->insert, "INSERT INTO msg (account, conv, sender, dir, type, body, msg_id,"
                      " stanza_id, sid_by, origin_id, server_ts, local_ts, ts, corrects,"
                      " encrypted, state) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,"
                      "?14,?15,?16)"},
        {&st->fill_ids, "UPDATE msg SET stanza_id=coalesce(stanza_id, ?2),"
                        " sid_by=coalesce(sid_by, ?3), origin_id=coalesce(origin_id, ?4)"
                        " WHERE id=?1 AND (?2 IS NULL OR stanza_id IS NULL"
                        " OR stanza_id=?2)"},
        {&st->correct, "UPDATE msg SET body=?5, edited=1 WHERE id=(SELECT id FROM msg"
                       " WHERE account=?1 AND conv=?2 AND sender=?3 AND hidden=0 AND"
                       " (msg_id=?4 OR origin_id=?4) ORDER BY id DESC LIMIT 1)"},
    };
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++)
        if (sqlite3_prepare_v3(st->db, q[i].sql, -1, SQLITE_PREPARE_PERSISTENT, q[i].stmt,
                               NULL) != SQLITE_OK)
            return sqlite3_errcode(st->db);
    return SQLITE_OK;
}

static int user_version(sqlite3 *db, int *version)
{
    sqlite3_stmt *q;
    int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q, NULL);
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        *version = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Opens path and brings its schema up to date. SQLite only reads the
 * file at the first statement, so that is where a damaged one shows. */
static int open_db(struct store *st)
{
    /* Created here first so that it is private from its first byte. */
    int fd = open(st->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return SQLITE_CANTOPEN;
    close(fd);
    int rc = sqlite3_open_v2(st->path, &st->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_busy_timeout(st->db, 3000);
    sqlite3_extended_result_codes(st->db, 1);
    /* A small page cache: conversations are read a screenful at a time.
     * 512 KiB, not less: a page of the archive written in one transaction
     * takes a third less CPU than with 128 KiB (bench_store, catch-up),
     * for 0.4 MB more resident memory. */
    rc = sqlite3_exec(st->db,
                      "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                      " PRAGMA cache_size=-512; PRAGMA foreign_keys=OFF;",
                      NULL, NULL, NULL);
    int version = 0;
    if (rc == SQLITE_OK)
        rc = user_version(st->db, &version);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(st->db, SCHEMA, NULL, NULL, NULL);
    /* Version 1's outbox had no column for an encrypted stanza. */
    if (rc == SQLITE_OK && version == 1)
        rc = sqlite3_exec(st->db, "ALTER TABLE outbox ADD COLUMN stanza TEXT", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(st->db, "PRAGMA user_version=2", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = prepare(st);
    return rc;
}

static void close_db(struct store *st)
{
    if (st->batch && st->db)
        sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
    st->batch = false;
    finalize_all(st);
    sqlite3_close(st->db);
    st->db = NULL;
}

/* Moves the damaged file (and its WAL) aside; its new name goes to note. */
static int move_aside(struct store *st, char *note, size_t notelen)
{
    char aside[4096 + 64], from[4096 + 8], to[4096 + 72];
    snprintf(aside, sizeof aside, "%s.damaged-%lld", st->path, (long long)time(NULL));
    if (rename(st->path, aside) != 0)
        return -1;
    for (const char *ext = "-wal"; ext; ext = strcmp(ext, "-wal") == 0 ? "-shm" : NULL) {
        snprintf(from, sizeof from, "%s%s", st->path, ext);
        snprintf(to, sizeof to, "%s%s", aside, ext);
        if (rename(from, to) != 0 && errno != ENOENT)
            unlink(from);
    }
    snprintf(note, notelen,
             "the message store %s was damaged: it was moved to %s and a new one started", st->path,
             aside);
    return 0;
}

struct store *store_open(const char *path, char *note, size_t notelen, char *err, size_t errlen)
{
    if (notelen)
        note[0] = '\0';
    struct store *st = calloc(1, sizeof *st);
    if (!st || !(st->path = strdup(path))) {
        free(st);
        say(err, errlen, "cannot open", NULL);
        return NULL;
    }
    int rc = open_db(st);
    if (damaged(rc)) {
        close_db(st);
        if (move_aside(st, note, notelen) == 0)
            rc = open_db(st);
    }
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "message store %s: %s", path,
                 st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
        store_close(st);
        return NULL;
    }
    return st;
}

void store_close(struct store *st)
{
    if (!st)
        return;
    close_db(st);
    free(st->path);
    free(st);
}

static void bind_text(sqlite3_stmt *q, int i, const char *s)
{
    if (s && *s)
        sqlite3_bind_text(q, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(q, i);
}

/* Runs a one-row lookup; the row id, 0 when none, -1 on error. */
static int64_t lookup(sqlite3_stmt *q)
{
    int rc = sqlite3_step(q);
    int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : rc == SQLITE_DONE ? 0 : -1;
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    return id;
}

/* Binds what rules 3 and 4 compare after ?1 account and ?2 conv. */
static sqlite3_stmt *bind_same(sqlite3_stmt *q, const char *account, const struct store_msg *m,
                               int next)
{
    bind_text(q, 1, account);
    bind_text(q, 2, m->conv);
    sqlite3_bind_int(q, next, m->dir);
    sqlite3_bind_text(q, next + 1, m->sender ? m->sender : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(q, next + 2, m->body ? m->body : "", -1, SQLITE_STATIC);
    return q;
}

static int64_t by_ids(struct store *st, const char *account, const struct store_msg *m,
                      int64_t ts)
{
    if (m->stanza_id && m->stanza_id_by) {
        bind_text(st->by_sid, 1, account);
        bind_text(st->by_sid, 2, m->stanza_id_by);
        bind_text(st->by_sid, 3, m->stanza_id);
        int64_t id = lookup(st->by_sid);
        if (id != 0)
            return id;
    }
    if (m->origin_id) {
        bind_text(st->by_origin, 1, account);
        bind_text(st->by_origin, 2, m->conv);
        bind_text(st->by_origin, 3, m->origin_id);
        sqlite3_bind_int(st->by_origin, 4, m->dir);
        return lookup(st->by_origin);
    }
    if (m->msg_id) {
        bind_text(st->by_msgid, 3, m->msg_id);
        return lookup(bind_same(st->by_msgid, account, m, 4));
    }
    if (!m->server_ts)
        return 0;
    sqlite3_bind_int64(st->by_body, 3, ts);
    return lookup(bind_same(st->by_body, account, m, 4));
}

static int64_t find_duplicate(struct store *st, const char *account, const struct store_msg *m,
                              int64_t ts)
{
    int64_t id = by_ids(st, account, m, ts);
    if (id != 0 || !m->server_ts || !(m->stanza_id || m->origin_id || m->msg_id))
        return id;
    sqlite3_bind_int64(st->by_plain, 3, ts - 2000);
    sqlite3_bind_int64(st->by_plain, 4, ts + 2000);
    return lookup(bind_same(st->by_plain, account, m, 5));
}

static int step_done(sqlite3_stmt *q)
{
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int apply_correction(struct store *st, const char *account, const struct store_msg *m)
{
    bind_text(st->correct, 1, account);
    bind_text(st->correct, 2, m->conv);
    sqlite3_bind_text(st->correct, 3, m->sender ? m->sender : "", -1, SQLITE_STATIC);
    bind_text(st->correct, 4, m->corrects);
    sqlite3_bind_text(st->correct, 5, m->body ? m->body : "", -1, SQLITE_STATIC);
    int rc = step_done(st->correct);
    if (rc != SQLITE_OK || sqlite3_changes(st->db) == 0)
        return rc;
    char sql[96];
    snprintf(sql, sizeof sql, "UPDATE msg SET hidden=1 WHERE id=%lld",
             (long long)sqlite3_last_insert_rowid(st->db));
    return sqlite3_exec(st->db, sql, NULL, NULL, NULL);
}

static int insert(struct store *st, const char *account, struct store_msg *m, int64_t ts)
{
    sqlite3_stmt *q = st->insert;
    bind_text(q, 1, account);
    bind_text(q, 2, m->conv);
    sqlite3_bind_text(q, 3, m->sender ? m->sender : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 4, m->dir);
    sqlite3_bind_int(q, 5, m->type);
    sqlite3_bind_text(q, 6, m->body ? m->body : "", -1, SQLITE_STATIC);
    bind_text(q, 7, m->msg_id);
    bind_text(q, 8, m->stanza_id_by ? m->stanza_id : NULL);
    bind_text(q, 9, m->stanza_id ? m->stanza_id_by : NULL);
    bind_text(q, 10, m->origin_id);
    if (m->server_ts)
        sqlite3_bind_int64(q, 11, m->server_ts);
    sqlite3_bind_int64(q, 12, m->local_ts);
    sqlite3_bind_int64(q, 13, ts);
    bind_text(q, 14, m->corrects);
    sqlite3_bind_int(q, 15, m->encrypted);
    sqlite3_bind_int(q, 16, m->state);
    int rc = step_done(q);
    if (rc != SQLITE_OK)
        return rc;
    m->rowid = sqlite3_last_insert_rowid(st->db);
    return m->corrects ? apply_correction(st, account, m) : SQLITE_OK;
}

static int add_once(struct store *st, const char *account, struct store_msg *m, int *result)
{
    int64_t ts = m->server_ms   ? m->server_ms
                 : m->server_ts ? m->server_ts * 1000
                 : m->local_ms  ? m->local_ms
                                : m->local_ts * 1000;
    int64_t dup = find_duplicate(st, account, m, ts);
    if (dup < 0)
        return sqlite3_errcode(st->db);
    if (dup > 0) {
        m->rowid = dup;
        *result = STORE_DUPLICATE;
        sqlite3_bind_int64(st->fill_ids, 1, dup);
        bind_text(st->fill_ids, 2, m->stanza_id_by ? m->stanza_id : NULL);
        bind_text(st->fill_ids, 3, m->stanza_id ? m->stanza_id_by : NULL);
        bind_text(st->fill_ids, 4, m->origin_id);
        int rc = step_done(st->fill_ids);
        /* Another copy holds that archive id already: nothing to fill. */
        return (rc & 0xff) == SQLITE_CONSTRAINT ? SQLITE_OK : rc;
    }
    *result = STORE_ADDED;
    return insert(st, account, m, ts);
}

/* A damaged file found while running is moved aside like one found at
 * start, so the messages after it are kept. */
static int recover(struct store *st, int rc, char *err, size_t errlen)
{
    char note[8300];
    if (!damaged(rc)) {
        say(err, errlen, "write failed", st->db);
        return -1;
    }
    close_db(st);
    if (move_aside(st, note, sizeof note) != 0 || open_db(st) != SQLITE_OK) {
        snprintf(err, errlen, "the message store %s is damaged and cannot be replaced", st->path);
        return -1;
    }
    snprintf(err, errlen, "%s", note);
    return 0;
}

int store_add(struct store *st, const char *account, struct store_msg *m, char *err,
              size_t errlen)
{
    int result = STORE_ADDED;
    if (!st->db) {
        snprintf(err, errlen, "the message store is closed");
        return STORE_FAILED_WRITE;
    }
    int rc = add_once(st, account, m, &result);
    if (rc == SQLITE_OK)
        return result;
    /* The message itself is written to the new store; err still says
     * what happened, so the caller tells the user. */
    if (recover(st, rc, err, errlen) == 0 && add_once(st, account, m, &result) == SQLITE_OK)
        return STORE_FAILED_WRITE;
    if (!*err)
        say(err, errlen, "write failed", st->db);
    return STORE_FAILED_WRITE;
}

int store_begin(struct store *st)
{
    if (!st->db || st->batch)
        return st->db ? 0 : -1;
    st->batch = sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
    return st->batch ? 0 : -1;
}

bool store_in_batch(const struct store *st)
{
    return st->batch;
}

int store_commit(struct store *st, char *err, size_t errlen)
{
    if (!st->batch)
        return 0;
    st->batch = false;
    if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
        return 0;
    say(err, errlen, "a batch of messages could not be written", st->db);
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

static const char *col_text(sqlite3_stmt *q, int i)
{
    return (const char *)sqlite3_column_text(q, i);
}

static void read_row(sqlite3_stmt *q, struct store_msg *m)
{
    *m = (struct store_msg){
        .rowid = sqlite3_column_int64(q, 0),
        .conv = col_text(q, 1),
        .sender = col_text(q, 2),
        .dir = sqlite3_column_int(q, 3) ? STORE_OUT : STORE_IN,
        .type = (enum store_type)sqlite3_column_int(q, 4),
        .body = col_text(q, 5),
        .msg_id = col_text(q, 6),
        .stanza_id = col_text(q, 7),
        .stanza_id_by = col_text(q, 8),
        .origin_id = col_text(q, 9),
        .server_ts = sqlite3_column_int64(q, 10),
        .local_ts = sqlite3_column_int64(q, 11),
        .corrects = col_text(q, 12),
        .encrypted = sqlite3_column_int(q, 13) != 0,
        .state = (enum store_state)sqlite3_column_int(q, 14),
        .edited = sqlite3_column_int(q, 15) != 0,
    };
}

/* The row ids q yields, at most max of them (NULL when out of memory). */
static int64_t *collect(sqlite3_stmt *q, int max, int *n)
{
    int64_t *ids = malloc(sizeof *ids * (size_t)max);
    *n = 0;
    while (ids && *n < max && sqlite3_step(q) == SQLITE_ROW)
        ids[(*n)++] = sqlite3_column_int64(q, 0);
    return ids;
}

/* Hands the rows ids to fn, in their order or (backwards) the other way;
 * frees ids. Returns n, or -1. */
static int deliver(sqlite3 *db, int64_t *ids, int n, bool backwards, store_fn fn, void *ud)
{
    sqlite3_stmt *one;
    if (!ids || sqlite3_prepare_v2(db, "SELECT " COLUMNS " FROM msg WHERE id=?1", -1, &one, NULL)) {
        free(ids);
        return -1;
    }
    for (int k = 0; k < n; k++) {
        struct store_msg m;
        sqlite3_bind_int64(one, 1, ids[backwards ? n - 1 - k : k]);
        if (sqlite3_step(one) == SQLITE_ROW) {
            read_row(one, &m);
            fn(ud, &m);
        }
        sqlite3_reset(one);
    }
    sqlite3_finalize(one);
    free(ids);
    return n;
}

/* The max rows of conv that the condition `after` leaves (it compares
 * (ts, id) with row ?3's), newest first, handed out oldest first. */
static int read_back(struct store *st, const char *account, const char *conv, const char *after,
                     int64_t rowid, int max, store_fn fn, void *ud)
{
    char sql[300];
    sqlite3_stmt *q;
    snprintf(sql, sizeof sql,
             "SELECT id FROM msg WHERE account=?1 AND conv=?2 AND hidden=0%s"
             " ORDER BY ts DESC, id DESC",
             after);
    if (max <= 0 || !st->db || sqlite3_prepare_v2(st->db, sql, -1, &q, NULL) != SQLITE_OK)
        return -1;
    bind_text(q, 1, account);
    bind_text(q, 2, conv);
    if (rowid)
        sqlite3_bind_int64(q, 3, rowid);
    int n;
    int64_t *ids = collect(q, max, &n);
    sqlite3_finalize(q);
    /* Read newest first (the index walks back from the end), shown oldest first. */
    return deliver(st->db, ids, n, true, fn, ud);
}

int store_recent(struct store *st, const char *account, const char *conv, int64_t before_rowid,
                 int max, store_fn fn, void *ud)
{
    return read_back(st, account, conv,
                     before_rowid ? " AND (ts, id) < (SELECT ts, id FROM msg WHERE id=?3)" : "",
                     before_rowid, max, fn, ud);
}

int store_until(struct store *st, const char *account, const char *conv, int64_t rowid, int max,
                store_fn fn, void *ud)
{
    return read_back(st, account, conv, " AND (ts, id) <= (SELECT ts, id FROM msg WHERE id=?3)",
                     rowid, max, fn, ud);
}

/* Each word of text as an FTS5 string, so that no user text is syntax. */
static char *fts_words(const char *text)
{
    size_t len = strlen(text);
    char *out = malloc(len * 3 + 3), *o = out;
    if (!out)
        return NULL;
    bool in_word = false;
    for (const char *p = text;; p++) {
        bool space = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\0';
        if (!space && !in_word) {
            if (o > out)
                *o++ = ' ';
            *o++ = '"';
        } else if (space && in_word) {
            *o++ = '"';
        }
        in_word = !space;
        if (!*p)
            break;
        if (!space) {
            if (*p == '"')
                *o++ = '"';
            *o++ = *p;
        }
    }
    *o = '\0';
    return out;
}

/* The words, and in one conversation: its JID as a phrase of the conv
 * column (the tokens of the JID; the join then checks it exactly). */
static char *fts_query(const char *text, const char *conv)
{
    char *words = fts_words(text);
    if (!words || !*words || !conv)
        return words;
    size_t len = strlen(words) + strlen(conv) * 2 + 32;
    char *q = malloc(len), *o;
    if (q) {
        o = q + snprintf(q, len, "(%s) AND conv : \"", words);
        for (const char *p = conv; *p; p++) {
            if (*p == '"')
                *o++ = '"';
            *o++ = *p;
        }
        strcpy(o, "\"");
    }
    free(words);
    return q;
}

int store_search(struct store *st, const char *account, const char *conv, const char *text,
                 int max, store_fn fn, void *ud)
{
    char *words = fts_words(text);
    bool failed = !words, empty = failed || !*words;
    free(words);
    if (empty || max <= 0)
        return failed ? -1 : 0;
    if (!(words = fts_query(text, conv)))
        return -1;
    sqlite3_stmt *q;
    int rc = sqlite3_prepare_v2(st->db,
                                "SELECT m.id FROM msg_fts f JOIN msg m ON m.id = f.rowid"
                                " WHERE msg_fts MATCH ?1 AND m.account=?2 AND m.hidden=0"
                                " AND (?3 IS NULL OR m.conv=?3) ORDER BY f.rowid DESC",
                                -1, &q, NULL);
    if (rc != SQLITE_OK) {
        free(words);
        return -1;
    }
    sqlite3_bind_text(q, 1, words, -1, SQLITE_STATIC);
    bind_text(q, 2, account);
    bind_text(q, 3, conv);
    int n;
    int64_t *ids = collect(q, max, &n);
    sqlite3_finalize(q);
    free(words);
    return deliver(st->db, ids, n, false, fn, ud); /* newest first, as the user reads */
}

/* One text value of a one-row query with up to three text parameters. */
static int query_text(struct store *st, const char *sql, const char *a, const char *b,
                      const char *c, char *out, size_t len)
{
    sqlite3_stmt *q;
    if (len)
        out[0] = '\0';
    if (!st->db || sqlite3_prepare_v2(st->db, sql, -1, &q, NULL) != SQLITE_OK)
        return -1;
    bind_text(q, 1, a);
    bind_text(q, 2, b);
    bind_text(q, 3, c);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW && sqlite3_column_text(q, 0))
        snprintf(out, len, "%s", col_text(q, 0));
    sqlite3_finalize(q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

long store_count(struct store *st, const char *account, const char *conv)
{
    char n[32];
    if (query_text(st, "SELECT count(*) FROM msg WHERE account=?1 AND conv=?2 AND hidden=0",
                   account, conv, NULL, n, sizeof n) != 0)
        return -1;
    return atol(n);
}

int store_cursor(struct store *st, const char *account, const char *archive, char *id, size_t len)
{
    return query_text(st, "SELECT last_id FROM cursor WHERE account=?1 AND archive=?2", account,
                      archive, NULL, id, len);
}

int store_set_cursor(struct store *st, const char *account, const char *archive, const char *id)
{
    sqlite3_stmt *q;
    if (!st->db || sqlite3_prepare_v2(st->db,
                                      "INSERT OR REPLACE INTO cursor (account, archive, last_id)"
                                      " VALUES (?1, ?2, ?3)",
                                      -1, &q, NULL) != SQLITE_OK)
        return -1;
    bind_text(q, 1, account);
    bind_text(q, 2, archive);
    sqlite3_bind_text(q, 3, id ? id : "", -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? 0 : -1;
}

void store_archives(struct store *st, const char *account, void (*fn)(void *ud, const char *archive),
                    void *ud)
{
    sqlite3_stmt *q;
    if (!st->db ||
        sqlite3_prepare_v2(st->db, "SELECT archive FROM cursor WHERE account=?1 AND last_id != ''",
                           -1, &q, NULL) != SQLITE_OK)
        return;
    bind_text(q, 1, account);
    while (sqlite3_step(q) == SQLITE_ROW)
        fn(ud, col_text(q, 0));
    sqlite3_finalize(q);
}

int store_oldest_archive_id(struct store *st, const char *account, const char *conv,
                            const char *archive, char *id, size_t len)
{
    return query_text(st,
                      "SELECT stanza_id FROM msg WHERE account=?1 AND conv=?2 AND sid_by=?3"
                      " ORDER BY ts, id LIMIT 1",
                      account, conv, archive, id, len);
}

/* ---- the outbox ---- */

/* Runs one statement with text parameters (NULL ends them) and an
 * optional integer last. */
static int exec_texts(struct store *st, const char *sql, const char *const *texts, int n,
                      const int64_t *last)
{
    sqlite3_stmt *q;
    if (!st->db || sqlite3_prepare_v2(st->db, sql, -1, &q, NULL) != SQLITE_OK)
        return -1;
    for (int i = 0; i < n; i++)
        bind_text(q, i + 1, texts[i]);
    if (last)
        sqlite3_bind_int64(q, n + 1, *last);
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? 0 : -1;
}

int store_chat_omemo(struct store *st, const char *account, const char *conv)
{
    char v[32];
    if (query_text(st, "SELECT mode FROM chat_omemo WHERE account=?1 AND conv=?2", account, conv,
                   NULL, v, sizeof v) != 0)
        return 0;
    int mode = atoi(v);
    return mode > 0 ? 1 : mode < 0 ? -1 : 0;
}

int store_set_chat_omemo(struct store *st, const char *account, const char *conv, int mode)
{
    const char *t[] = {account, conv};
    int64_t v = mode > 0 ? 1 : -1;
    return exec_texts(st,
                      mode ? "INSERT OR REPLACE INTO chat_omemo (account, conv, mode)"
                             " VALUES (?1, ?2, ?3)"
                           : "DELETE FROM chat_omemo WHERE account=?1 AND conv=?2",
                      t, 2, mode ? &v : NULL);
}

int store_set_state_by_id(struct store *st, const char *account, const char *conv,
                          const char *msg_id, enum store_state state)
{
    const char *t[] = {account, conv, msg_id};
    int64_t v = state;
    /* A refusal, or the peer's receipt, can come before the server's
     * acknowledgement of the same message, whose "sent" must undo
     * neither. */
    _Static_assert(STORE_FAILED == 4 && STORE_DELIVERED == 2 && STORE_SENT == 1,
                   "the statement names the states by number");
    return exec_texts(st,
                      "UPDATE msg SET state=?4 WHERE account=?1 AND conv=?2 AND msg_id=?3"
                      " AND dir=1 AND state<>4 AND NOT (?4=1 AND state=2)",
                      t, 3, &v);
}

int store_outbox_add(struct store *st, const char *account, const char *id, const char *to,
                     const char *type, const char *body, const char *stanza, int64_t stamp)
{
    if (!body == !stanza)
        return -1; /* one or the other: never an encrypted message's text */
    const char *t[] = {account, id, to, type ? type : "chat", body, stanza};
    return exec_texts(st,
                      "INSERT OR REPLACE INTO outbox (account, id, to_jid, type, body, stanza,"
                      " stamp) VALUES (?1, ?2, ?3, ?4, coalesce(?5, ''), ?6, ?7)",
                      t, 6, &stamp);
}

int store_outbox_remove(struct store *st, const char *account, const char *id)
{
    const char *t[] = {account, id};
    return exec_texts(st, "DELETE FROM outbox WHERE account=?1 AND id=?2", t, 2, NULL);
}

int store_outbox_list(struct store *st, const char *account, store_outbox_fn fn, void *ud)
{
    sqlite3_stmt *q;
    if (!st->db || sqlite3_prepare_v2(st->db,
                                      "SELECT id, to_jid, type, body, stamp, stanza FROM outbox"
                                      " WHERE account=?1 ORDER BY seq",
                                      -1, &q, NULL) != SQLITE_OK)
        return -1;
    bind_text(q, 1, account);
    int n = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *stanza = col_text(q, 5);
        fn(ud, col_text(q, 0), col_text(q, 1), col_text(q, 2), stanza ? NULL : col_text(q, 3),
           stanza, sqlite3_column_int64(q, 4));
        n++;
    }
    sqlite3_finalize(q);
    return n;
}

/* ---- the text history: import once, export on demand ---- */

struct import {
    struct store *st;
    const char *account, *conv;
    long n;
    int rc;
};

static void import_line(void *ud, time_t stamp, bool outgoing, const char *from, const char *text)
{
    struct import *im = ud;
    /* A room's log names senders by nick, a chat's by bare JID. */
    struct store_msg m = {
        .conv = im->conv,
        .sender = from,
        .dir = outgoing ? STORE_OUT : STORE_IN,
        .type = strchr(from, '@') ? STORE_CHAT : STORE_GROUPCHAT,
        .body = text,
        .server_ts = stamp,
        .local_ts = stamp,
        .state = outgoing ? STORE_SENT : STORE_RECEIVED,
    };
    int result;
    if (im->rc == SQLITE_OK && (im->rc = add_once(im->st, im->account, &m, &result)) == SQLITE_OK)
        im->n += result == STORE_ADDED;
}

static int import_account(struct store *st, const char *dir, const char *account, long *n)
{
    DIR *d = opendir(dir);
    if (!d)
        return SQLITE_OK;
    struct dirent *e;
    int rc = SQLITE_OK;
    while (rc == SQLITE_OK && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".log") != 0)
            continue;
        char conv[1024], path[8192 + 512];
        snprintf(conv, sizeof conv, "%.*s", (int)(len - 4), e->d_name);
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct import im = {st, account, conv, 0, SQLITE_OK};
        chatlog_read(path, import_line, &im);
        rc = im.rc;
        *n += im.n;
    }
    closedir(d);
    return rc;
}

long store_import_chatlogs(struct store *st, const char *data_dir, char *err, size_t errlen)
{
    char done[8], root[4096];
    if (query_text(st, "SELECT value FROM meta WHERE key='chatlogs_imported'", NULL, NULL, NULL,
                   done, sizeof done) != 0) {
        say(err, errlen, "import", st->db);
        return -1;
    }
    if (*done)
        return 0;
    /* One transaction: a second tuktuk waits for it, then sees it done. */
    if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        say(err, errlen, "import", st->db);
        return -1;
    }
    query_text(st, "SELECT value FROM meta WHERE key='chatlogs_imported'", NULL, NULL, NULL, done,
               sizeof done);
    long n = 0;
    int rc = SQLITE_OK;
    snprintf(root, sizeof root, "%s/history", data_dir);
    DIR *d = *done ? NULL : opendir(root);
    struct dirent *e;
    while (d && rc == SQLITE_OK && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char dir[8192];
        snprintf(dir, sizeof dir, "%s/%s", root, e->d_name);
        rc = import_account(st, dir, e->d_name, &n);
    }
    if (d)
        closedir(d);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(st->db,
                          "INSERT OR REPLACE INTO meta VALUES ('chatlogs_imported', 'yes');"
                          " COMMIT",
                          NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        say(err, errlen, "import", st->db);
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return n;
}

long store_export(struct store *st, const char *dir, char *err, size_t errlen)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT account, conv, coalesce(server_ts, local_ts), dir, sender, body"
                           " FROM msg WHERE hidden=0"
                           " ORDER BY account, conv, ts, id",
                           -1, &q, NULL) != SQLITE_OK) {
        say(err, errlen, "export", st->db);
        return -1;
    }
    long n = 0;
    struct chatlog_writer *w = NULL;
    char account[1024] = "", conv[1024] = "";
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *a = col_text(q, 0), *c = col_text(q, 1);
        if (!w || strcmp(a, account) != 0 || strcmp(c, conv) != 0) {
            if (w && chatlog_writer_close(w, err, errlen) != 0) {
                w = NULL;
                n = -1;
                break;
            }
            snprintf(account, sizeof account, "%s", a);
            snprintf(conv, sizeof conv, "%s", c);
            if (!(w = chatlog_writer_open(dir, account, conv, err, errlen))) {
                n = -1;
                break;
            }
        }
        if (chatlog_writer_line(w, (time_t)sqlite3_column_int64(q, 2), sqlite3_column_int(q, 3),
                                col_text(q, 4), col_text(q, 5)) != 0) {
            n = -1;
            snprintf(err, errlen, "export: write failed: %s", strerror(errno));
            break;
        }
        n++;
    }
    sqlite3_finalize(q);
    if (w && chatlog_writer_close(w, n < 0 ? NULL : err, errlen) != 0)
        n = -1;
    return n;
}

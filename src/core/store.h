/* SPDX-License-Identifier: GPL-3.0-or-later */
/* store.h - the message store: every message of every account in one
 * SQLite database, $DATA/messages.db (see store.c for the schema, the
 * duplicate rules and what happens to a damaged file). */
#ifndef TUKTUK_STORE_H
#define TUKTUK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum store_dir { STORE_IN, STORE_OUT };
enum store_type { STORE_CHAT, STORE_GROUPCHAT, STORE_NORMAL };
enum store_state {
    STORE_RECEIVED,  /* an incoming message */
    STORE_SENT,      /* ours, handed to the server */
    STORE_DELIVERED, /* ours, and the peer's client said so (XEP-0184) */
    STORE_PENDING,   /* ours, waiting to be sent */
    STORE_FAILED     /* ours, refused */
};

struct store_msg {
    int64_t rowid;       /* set by store_add and on reading */
    const char *conv;    /* bare JID of the contact or room */
    const char *sender;  /* bare JID in chats, nick in rooms */
    enum store_dir dir;
    enum store_type type;
    const char *body;
    const char *msg_id;       /* the stanza's id attribute, or NULL */
    const char *stanza_id;    /* XEP-0359 archive id, or NULL */
    const char *stanza_id_by; /* the archive that stamped it */
    const char *origin_id;    /* XEP-0359 the sender's origin-id, or NULL */
    int64_t server_ts;        /* XEP-0203 delay stamp (Unix time), or 0 */
    int64_t server_ms;        /* the same in ms as precisely as known, or 0 */
    int64_t local_ts;         /* when we received or sent it */
    int64_t local_ms;         /* the same in milliseconds, when known (else 0) */
    const char *corrects;     /* XEP-0308: the id of the message it corrects */
    bool encrypted;
    enum store_state state;
    bool edited; /* on reading: the body is a later correction's */
};

enum store_added { STORE_ADDED = 0, STORE_DUPLICATE = 1, STORE_FAILED_WRITE = -1 };

struct store;

/* Opens (creating) the database at path, mode 0600, in WAL mode. A file
 * that is not a database or is damaged is moved aside (its new name goes
 * into note) and a new one started; note is "" otherwise. Returns NULL
 * with a reason in err when no store can be had at all. */
struct store *store_open(const char *path, char *note, size_t notelen, char *err, size_t errlen);
void store_close(struct store *st);

/* Adds a message unless it is one we have already (store.c says how that
 * is recognised: archive id, origin-id, then a fallback). A duplicate
 * fills in ids the stored copy lacked. A correction (m->corrects) also
 * replaces the corrected message's text. Returns STORE_ADDED with
 * m->rowid set, STORE_DUPLICATE with m->rowid the stored copy, or
 * STORE_FAILED_WRITE with a reason in err. */
int store_add(struct store *st, const char *account, struct store_msg *m, char *err,
              size_t errlen);
/* A batch: writes between store_begin and store_commit are one
 * transaction (store.c says why). store_commit returns 0, or -1 with a
 * reason in err: then none of the batch was kept. Closing commits. */
int store_begin(struct store *st);
int store_commit(struct store *st, char *err, size_t errlen);
bool store_in_batch(const struct store *st);

/* The delivery state of our message with stanza id msg_id in conv. */
int store_set_state_by_id(struct store *st, const char *account, const char *conv,
                          const char *msg_id, enum store_state state);

/* Calls fn for at most max messages of conv, oldest first: the newest
 * ones, or (before_rowid != 0) the ones just older than that message.
 * Corrections show as the corrected text, not as messages of their own.
 * Returns how many, or -1. The message passed to fn lives until it returns. */
typedef void (*store_fn)(void *ud, const struct store_msg *m);
int store_recent(struct store *st, const char *account, const char *conv, int64_t before_rowid,
                 int max, store_fn fn, void *ud);
/* The page that ends with message rowid of conv: it and the max - 1
 * before it, oldest first (what a window shows when it opens at a
 * message). Returns how many, or -1. */
int store_until(struct store *st, const char *account, const char *conv, int64_t rowid, int max,
                store_fn fn, void *ud);
/* Full-text search (FTS5) of conv, or of every conversation of the
 * account when conv is NULL: at most max matches, newest first. The text
 * is matched as words (every word must occur), never as query syntax. */
int store_search(struct store *st, const char *account, const char *conv, const char *text,
                 int max, store_fn fn, void *ud);
/* Messages stored for conv (all of them: for tests and benchmarks). */
long store_count(struct store *st, const char *account, const char *conv);

/* The archive position: the id after which archive (our bare JID or a
 * room) has not been read into the store yet. "" when never read. */
int store_cursor(struct store *st, const char *account, const char *archive, char *id,
                 size_t len);
int store_set_cursor(struct store *st, const char *account, const char *archive, const char *id);
/* Calls fn for each archive that has a cursor for account. */
void store_archives(struct store *st, const char *account, void (*fn)(void *ud, const char *archive),
                    void *ud);
/* The oldest archive id stored for conv from archive, for paging back. */
int store_oldest_archive_id(struct store *st, const char *account, const char *conv,
                            const char *archive, char *id, size_t len);

/* The outbox: our messages the server has not confirmed, kept until it
 * has (in the order added); see store.c. A row has either the text of a
 * plain message (body) or the whole stanza of an encrypted one (stanza,
 * body NULL), never both. add and remove return 0 or -1; list returns
 * how many it gave fn, or -1. */
int store_outbox_add(struct store *st, const char *account, const char *id, const char *to,
                     const char *type, const char *body, const char *stanza, int64_t stamp);
int store_outbox_remove(struct store *st, const char *account, const char *id);
typedef void (*store_outbox_fn)(void *ud, const char *id, const char *to, const char *type,
                                const char *body, const char *stanza, int64_t stamp);
int store_outbox_list(struct store *st, const char *account, store_outbox_fn fn, void *ud);

/* The old text history ($DATA/history/ACCOUNT/CONTACT.log, see
 * chatlog.h) is read in once: the first call imports every account's
 * files (and leaves them in place), later calls do nothing. Returns the
 * messages imported, or -1. */
long store_import_chatlogs(struct store *st, const char *data_dir, char *err, size_t errlen);
/* tuktuk --export-history: every conversation as a text log under dir
 * (dir/ACCOUNT/CONTACT.log, chatlog.h's format). Returns the messages
 * written, or -1 with a reason. */
long store_export(struct store *st, const char *dir, char *err, size_t errlen);

/* The user's /omemo on (1) or off (-1) in the chat conv, 0 when never
 * given (then OMEMO is on when the contact has published devices). */
int store_chat_omemo(struct store *st, const char *account, const char *conv);
/* Sets it (0 forgets it). 0 or -1. */
int store_set_chat_omemo(struct store *st, const char *account, const char *conv, int mode);

#endif

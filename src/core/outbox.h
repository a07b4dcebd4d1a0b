/* SPDX-License-Identifier: GPL-3.0-or-later */
/* outbox.h - the messages of one account that the server has not
 * confirmed yet, kept on disk so that they survive a restart (see
 * outbox.c). A narrow interface on purpose: add, remove, list. The
 * message store will take this job over later behind the same calls. */
#ifndef TUKTUK_OUTBOX_H
#define TUKTUK_OUTBOX_H

#include <stddef.h>
#include <time.h>

struct outbox_entry {
    char *id;   /* the stanza id, unique within the outbox */
    char *to;   /* as addressed */
    char *type; /* "chat", "groupchat"... */
    char *body;
    time_t stamp; /* when it was written */
};

struct outbox;

/* jid's outbox in data_dir, read from its file (none: empty). NULL with
 * err when the file cannot be read or is damaged (it is left alone), or
 * jid is not a JID. */
struct outbox *outbox_open(const char *data_dir, const char *jid, char *err, size_t errlen);
void outbox_free(struct outbox *ob);

/* Adds a message at the end. 0, or -1 with err (out of memory). */
int outbox_add(struct outbox *ob, const char *id, const char *to, const char *type,
               const char *body, time_t stamp, char *err, size_t errlen);
/* Removes the message with this id, if there: 1 removed, 0 not there. */
int outbox_remove(struct outbox *ob, const char *id);
/* Writes the file if anything changed since the last write (an empty
 * outbox has none). 0, or -1 with err (the file is then as it was). */
int outbox_sync(struct outbox *ob, char *err, size_t errlen);

/* The messages, oldest first. */
size_t outbox_count(const struct outbox *ob);
const struct outbox_entry *outbox_at(const struct outbox *ob, size_t i);

#endif

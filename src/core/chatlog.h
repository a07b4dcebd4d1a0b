/* SPDX-License-Identifier: GPL-3.0-or-later */
/* chatlog.h - message history files: $DATA/history/ACCOUNT/CONTACT.log,
 * one grep-friendly line per message, mode 0600 (see chatlog.c). */
#ifndef TUKTUK_CHATLOG_H
#define TUKTUK_CHATLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Append one message. from is the sender's bare JID. Returns 0, or -1
 * with a reason in err (the caller shows it; the message is still shown). */
int chatlog_append(const char *data_dir, const char *account, const char *contact, time_t stamp,
                   bool outgoing, const char *from, const char *text, char *err, size_t errlen);

/* Call fn for each of the last max messages, oldest first. Returns the
 * number found (0 when there is no file). */
typedef void (*chatlog_fn)(void *ud, time_t stamp, bool outgoing, const char *from,
                           const char *text);
int chatlog_recent(const char *data_dir, const char *account, const char *contact, int max,
                   chatlog_fn fn, void *ud);

/* The file's path, for documentation and tests. */
int chatlog_path(const char *data_dir, const char *account, const char *contact, char *out,
                 size_t len);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* chatlog.h - history as text logs: DIR/ACCOUNT/CONTACT.log, one
 * grep-friendly line per message, mode 0600 (see chatlog.c). The old
 * history ($DATA/history) is read from them; --export-history writes them. */
#ifndef TUKTUK_CHATLOG_H
#define TUKTUK_CHATLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Writes one log, atomically: lines go to a temporary file that close
 * renames into place (0600, folders 0700). close returns 0, or -1 with a
 * reason in err (may be NULL; the partial file is removed). */
struct chatlog_writer;
struct chatlog_writer *chatlog_writer_open(const char *dir, const char *account,
                                           const char *contact, char *err, size_t errlen);
int chatlog_writer_line(struct chatlog_writer *w, time_t stamp, bool outgoing, const char *from,
                        const char *text);
int chatlog_writer_close(struct chatlog_writer *w, char *err, size_t errlen);

/* Calls fn for each message of the log at path, oldest first. Returns
 * the number found, or -1 when the file cannot be read. */
typedef void (*chatlog_fn)(void *ud, time_t stamp, bool outgoing, const char *from,
                           const char *text);
int chatlog_read(const char *path, chatlog_fn fn, void *ud);

/* DIR/ACCOUNT/CONTACT.log, each name made one safe path component. */
int chatlog_path(const char *dir, const char *account, const char *contact, char *out,
                 size_t len);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* path.h - file names under the config and data folders, the lock that
 * serialises writers to a folder, and the name a JID has in our files. */
#ifndef TUKTUK_PATH_H
#define TUKTUK_PATH_H

#include <stdbool.h>
#include <stddef.h>

/* RFC 7622: a bare JID has at most 3071 bytes. */
#define PATH_JID_MAX 3071

/* "dir/name". Caller frees; NULL when out of memory. */
char *path_join(const char *dir, const char *name);

/* Creates dir (mode 0700) if needed and takes its exclusive lock: several
 * tuktuk may share a data folder. Returns the fd to close (which drops
 * the lock), or -1 with the reason in err. */
int path_lock_dir(const char *dir, char *err, size_t errlen);

/* DATA/FOLDER/NAME, the file of jid's account in one of our folders
 * (the roster cache, the outbox): NAME is the bare JID (a leading dot
 * becomes '_'; one too long for a file name becomes the hex of its
 * BLAKE2b hash). Caller frees; NULL when jid is not a JID. */
char *path_account_file(const char *data_dir, const char *folder, const char *jid);

/* The bare part of the first n bytes of jid, ASCII lowercased, into out
 * (room for PATH_JID_MAX + 1): the name our files give an account, so
 * that "Alice@X/res" and "alice@x" are one. Full stringprep is the
 * session's job. False when empty, too long or holding a control
 * character or a space. */
bool path_norm_jid(const char *jid, size_t n, char *out);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rostercache.h - the roster kept between runs, with its version (RFC
 * 6121 §2.6), in DATA/roster/JID, so that the first login of a new run can
 * ask the server only for what changed (see rostercache.c for why and for
 * the file format). */
#ifndef TUKTUK_ROSTERCACHE_H
#define TUKTUK_ROSTERCACHE_H

#include <stddef.h>
#include <stdio.h>

#include "xmpp/roster.h"

/* Fills r, which must be empty, with jid's cached roster and its version.
 * Returns 1 when loaded, 0 when there is no cache, -1 when the file
 * cannot be used (unreadable, damaged, truncated, another account's): r
 * is then left empty and without a version, so that the login fetches the
 * whole roster, and err says why. */
int rostercache_load(const char *data_dir, const char *jid, struct roster *r, char *err,
                     size_t errlen);

/* Writes r's items (those on the roster, not presence-only ones) and its
 * version to jid's file, atomically and with mode 0600. A roster without
 * a version cannot be used at the next login, so its file is removed
 * instead. Returns 0, or -1 with err (the old file is then unchanged). */
int rostercache_save(const char *data_dir, const char *jid, const struct roster *r, char *err,
                     size_t errlen);

/* The reader behind rostercache_load, on any stream (tests and the fuzz
 * target use fmemopen): 1 loaded, or -1 with err and r emptied. */
int rostercache_read(FILE *f, const char *jid, struct roster *r, char *err, size_t errlen);

/* DATA/roster/NAME for jid, where NAME is the bare JID as the file name
 * (see rostercache.c). Caller frees; NULL when jid is not a JID. */
char *rostercache_path(const char *data_dir, const char *jid);

#endif

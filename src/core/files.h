/* SPDX-License-Identifier: GPL-3.0-or-later */
/* files.h - what a download becomes on disk: a safe name from the
 * network, the downloads folder, a .part file while it runs, and the
 * final name that never replaces an existing file (see files.c). Also
 * where links are in a message's text, for /download and /open. */
#ifndef TUKTUK_FILES_H
#define TUKTUK_FILES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/aesgcm.h"

/* A file name from the network made safe: no path separators, no control
 * characters, no leading dots or blanks, at most cap - 1 bytes cut on a
 * character boundary; "download" when nothing is left. */
void files_sanitise_name(const char *in, char *out, size_t cap);
/* The safe name of a link's file: its last path segment, percent-decoded,
 * without query or fragment. */
void files_name_from_url(const char *url, char *out, size_t cap);
/* Where downloads go: configured, else $XDG_DOWNLOAD_DIR, else
 * $HOME/Downloads. Caller frees; NULL when none can be found. */
char *files_download_dir(const char *configured);

struct files_link {
    size_t start, len; /* bytes of the text */
    size_t shown;      /* what the screen may show: an aesgcm:// link's key is not */
};
/* The links (https://, http://, aesgcm://) in text, in order, at most
 * max. Trailing punctuation and an unmatched closing bracket are not
 * part of a link. Returns how many were found. */
size_t files_find_links(const char *text, struct files_link *out, size_t max);
/* text with the key (the #fragment) of each aesgcm:// link cut out, for
 * the screen; NULL when it has none. Caller frees. */
char *files_hide_keys(const char *text);
/* XEP-0066: the body of a message whose out-of-band element names url:
 * body, then url on a line of its own when the body does not say it
 * already (url alone without a body), so that it is numbered as any link.
 * NULL when nothing is to be added (the body has it, or url is empty or
 * longer than 4096 bytes). Caller frees. */
char *files_body_with_url(const char *body, const char *url);

struct download;
/* Creates dir (mode 0700) if needed and NAME.part in it (mode 0600,
 * never an existing file). enc: decrypt as XEP-0454 says (copied), or
 * NULL. Returns NULL with a reason in err. */
struct download *download_open(const char *dir, const char *name, const struct aesgcm_link *enc,
                               char *err, size_t errlen);
/* Bytes of the body, in order. Returns 0 or -1 with a reason (a full
 * disk) in err; the caller then aborts. */
int download_write(struct download *d, const char *buf, size_t len, char *err, size_t errlen);
/* The body is complete: the tag is checked (encrypted links) and the file
 * takes its name, or "NAME (1).EXT" and so on when that one is taken.
 * Returns 0 with the path in path, or -1 with err and nothing left
 * behind. Frees d either way. */
int download_finish(struct download *d, char *path, size_t pathlen, char *err, size_t errlen);
/* Stops: the .part file is removed. Frees d. */
void download_abort(struct download *d);

#endif

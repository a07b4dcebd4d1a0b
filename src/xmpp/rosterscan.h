/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rosterscan.h - read a roster result without building a tree (see
 * rosterscan.c). */
#ifndef TUKTUK_ROSTERSCAN_H
#define TUKTUK_ROSTERSCAN_H

#include <stdbool.h>
#include <stddef.h>

#define ROSTER_SCAN_MAX_GROUPS 64

/* One <item/>, its values decoded (references replaced). Absent
 * attributes are NULL. Valid only during the callback. */
struct roster_scan_item {
    const char *jid, *name, *subscription, *ask;
    const char *groups[ROSTER_SCAN_MAX_GROUPS];
    size_t ngroups;
};

typedef void (*roster_scan_fn)(void *ctx, const struct roster_scan_item *item);

/* text is one stanza as the framer passed it (checked well-formed). If it
 * is <iq type='result' id='want_id'> holding a jabber:iq:roster <query/>
 * in the plain shape servers send, calls item() for each <item/> in order
 * and returns true; then *ver (when ver is not NULL) is the query's roster
 * version (RFC 6121 §2.6.3) decoded, for the caller to free, or NULL when
 * it has none. Returns false for anything else, possibly after some
 * item() calls: the caller then parses the stanza the general way. */
bool roster_scan(const char *text, size_t len, const char *want_id, roster_scan_fn item, void *ctx,
                 char **ver);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keep.h - a message as the store keeps it: what the session reported
 * (or what we sent) turned into a store row (see keep.c). */
#ifndef TUKTUK_KEEP_H
#define TUKTUK_KEEP_H

#include <stdbool.h>
#include <time.h>

#include "core/store.h"
#include "xmpp/session.h"

/* A message in conv (a contact's or room's bare JID), from (a bare JID,
 * or a nick in a room), with its session message when it came from the
 * server; else sent_id (our stanza id, also our origin-id) and corrects
 * (for /correct). */
struct keep {
    const char *conv, *from, *text;
    time_t stamp;
    bool out;
    const struct session_message *m;
    const char *sent_id, *corrects;
    bool pending; /* ours, held in the outbox until we are online */
    bool encrypted; /* it was OMEMO-encrypted on the wire */
};

/* store_add for it: STORE_ADDED, STORE_DUPLICATE or STORE_FAILED_WRITE
 * (with a reason in err). */
int keep_message(struct store *st, const char *account, const struct keep *k, char *err,
                 size_t errlen);

/* Archived messages (a catch-up's or a window's page) are kept in one
 * batch per burst: keep_message opens it, and keep_settle, called with
 * every session event before anything else sees it, commits it at the
 * first event that is neither an archived message nor the XML console's
 * copy of a stanza (the page's end, above all). Returns 0, or -1 with a reason in err when the batch was lost. */
int keep_settle(struct store *st, const struct session_event *ev, char *err, size_t errlen);

#endif

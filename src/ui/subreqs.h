/* SPDX-License-Identifier: GPL-3.0-or-later */
/* subreqs.h - subscription requests waiting for the user's answer: a
 * small set of bare JIDs, kept until /authorize or /deny, or until the
 * roster shows the request answered (see subreqs.c). No curses. */
#ifndef TUKTUK_UI_SUBREQS_H
#define TUKTUK_UI_SUBREQS_H

#include <stdbool.h>
#include <stddef.h>

#include "xmpp/roster.h"

struct subreqs {
    char **jid;
    size_t n;
};

/* Returns true if jid was not waiting yet. */
bool subreqs_add(struct subreqs *s, const char *jid);
/* Returns true if jid was waiting. */
bool subreqs_remove(struct subreqs *s, const char *jid);
bool subreqs_has(const struct subreqs *s, const char *jid);
/* Drop the requests the roster shows answered: the contact is on the
 * roster and already has our presence (subscription from or both).
 * dropped (may be NULL) is told each JID before it goes. */
void subreqs_prune(struct subreqs *s, const struct roster *r,
                   void (*dropped)(void *ud, const char *jid), void *ud);
void subreqs_free(struct subreqs *s);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* resolve.h - the word a user typed where a command wants a JID, read
 * against the roster: an address stays an address, a roster name becomes
 * its contact's JID, and a word that is neither is refused instead of
 * being taken for a server. No curses here (see resolve.c). */
#ifndef TUKTUK_UI_RESOLVE_H
#define TUKTUK_UI_RESOLVE_H

#include <stddef.h>

#include "xmpp/roster.h"

enum {
    /* A server or a service may be meant (/disco, /ping, /version): a
     * word with a dot, or our own server's name, is taken as one. */
    RESOLVE_SERVER = 1,
    /* Only a contact on the roster will do (/roster remove, rename, group). */
    RESOLVE_IN_ROSTER = 2
};

/* Returns the JID the word stands for (caller frees; a resource given
 * with it is kept), or NULL with one sentence for the user in msg:
 * "no contact named "al"; use a full address like al@example.org",
 * ""sam" could be: Sam (sam@a.org), Sam (sam@b.org); use the address".
 * own_domain is our account's domain (may be NULL). */
char *resolve_jid(const struct roster *r, const char *word, unsigned flags, const char *own_domain,
                  char *msg, size_t len);

#endif

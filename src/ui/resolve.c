/* SPDX-License-Identifier: GPL-3.0-or-later */
/* resolve.c - from what the user typed to the JID a command acts on.
 *
 * People know their contacts by name, and Tab used to complete names:
 * "/msg Alice hello" then went to the JID "alice", which is a server,
 * and on a real network a message to a remote domain. So every command
 * that takes a JID reads its word here, in this order:
 *
 *   1. a word with '@' is an address (checked, and kept with its
 *      resource);
 *   2. a word that is the JID of a contact on the roster (a gateway or a
 *      server can be one) is that contact;
 *   3. a word that is a contact's name, in any case, is that contact; a
 *      name that several contacts share is refused with their list, for
 *      the user to pick an address: guessing would send to the wrong one;
 *   4. only where a server may be meant (/disco, /ping, /version): a word
 *      with a dot, or our own server's name, is a server;
 *   5. anything else is refused, never sent as a domain.
 *
 * A name must match whole: "Ali" does not stand for "Alice" (a prefix
 * that happens to be unique today could name someone else tomorrow, and
 * the rest of the line would go to them). It is suggested instead, and
 * Tab completes it. "NAME/RESOURCE" resolves NAME and keeps the resource. */
#include "ui/resolve.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ui/xalloc.h"
#include "xmpp/jid.h"

#define LISTED 4 /* contacts named in one sentence */

static bool on_roster(const struct roster_item *it)
{
    return it && it->in_roster;
}

/* "Sam (sam@a.org)", or the JID alone when the contact has no name. */
static int who(const struct roster_item *it, char *buf, size_t len)
{
    if (it->name && it->name[0])
        return snprintf(buf, len, "%s (%s)", it->name, it->jid);
    return snprintf(buf, len, "%s", it->jid);
}

/* Append the contacts of the roster whose name matches (exactly, or as
 * a prefix) to buf, LISTED at most; returns how many match. */
static size_t named(const struct roster *r, const char *name, size_t n, bool prefix,
                    const struct roster_item **first, char *buf, size_t len)
{
    size_t count = 0, off = 0;
    for (size_t i = 0; i < roster_count(r); i++) {
        const struct roster_item *it = roster_at(r, i);
        if (!on_roster(it) || !it->name)
            continue;
        if (strncasecmp(it->name, name, n) != 0 || (!prefix && it->name[n]))
            continue;
        if (count == 0 && first)
            *first = it;
        if (count < LISTED && off < len) {
            off += (size_t)snprintf(buf + off, len - off, "%s", count ? ", " : "");
            if (off < len)
                off += (size_t)who(it, buf + off, len - off);
        } else if (count == LISTED && off < len) {
            off += (size_t)snprintf(buf + off, len - off, ", ...");
        }
        count++;
    }
    return count;
}

/* JID text with the resource (if any) put back. */
static char *with_resource(const char *bare, const char *resource)
{
    if (!resource)
        return xalloc_strdup(bare);
    size_t n = strlen(bare) + strlen(resource) + 2;
    char *full = xalloc_realloc(NULL, n);
    snprintf(full, n, "%s/%s", bare, resource);
    return full;
}

/* An address as typed: parsed, normalised, its resource kept. */
static char *address(const struct roster *r, const char *word, unsigned flags, char *msg,
                     size_t len)
{
    struct jid j;
    char err[200];
    if (jid_parse(word, &j, err, sizeof err) != 0) {
        snprintf(msg, len, "not a valid address: %s (%s)", word, err);
        return NULL;
    }
    char *bare = jid_bare(&j);
    char *out = NULL;
    if ((flags & RESOLVE_IN_ROSTER) && !on_roster(roster_find(r, bare)))
        snprintf(msg, len, "%s is not in your roster", bare);
    else
        out = jid_full(&j);
    free(bare);
    jid_clear(&j);
    return out;
}

static bool is_server(const char *name, size_t n, const char *own_domain)
{
    return memchr(name, '.', n) ||
           (own_domain && strlen(own_domain) == n && strncasecmp(name, own_domain, n) == 0);
}

char *resolve_jid(const struct roster *r, const char *word, unsigned flags, const char *own_domain,
                  char *msg, size_t len)
{
    msg[0] = '\0';
    if (!word || !word[0]) {
        snprintf(msg, len, "no address given");
        return NULL;
    }
    if (strchr(word, '@'))
        return address(r, word, flags, msg, len);

    /* NAME or NAME/RESOURCE; a JID without '@' is a domain: compare it
     * as the JID layer normalises it. */
    const char *slash = strchr(word, '/');
    size_t n = slash ? (size_t)(slash - word) : strlen(word);
    const char *resource = slash && slash[1] ? slash + 1 : NULL;
    char *bare = jid_bare_of(word);
    const struct roster_item *it = bare ? roster_find(r, bare) : NULL;
    free(bare);
    if (on_roster(it))
        return with_resource(it->jid, resource);

    char list[1024] = "";
    const struct roster_item *first = NULL;
    size_t count = named(r, word, strlen(word), false, &first, list, sizeof list);
    if (count == 1) /* a name with a '/' in it */
        return xalloc_strdup(first->jid);
    if (count == 0)
        count = named(r, word, n, false, &first, list, sizeof list);
    if (count == 1)
        return with_resource(first->jid, resource);
    if (count > 1) {
        snprintf(msg, len, "\"%.*s\" could be: %s; use the address (Tab completes it)", (int)n,
                 word, list);
        return NULL;
    }
    if ((flags & RESOLVE_SERVER) && is_server(word, n, own_domain))
        return address(r, word, flags & ~(unsigned)RESOLVE_IN_ROSTER, msg, len);

    if (named(r, word, n, true, NULL, list, sizeof list) > 0)
        snprintf(msg, len, "no contact named \"%.*s\"; did you mean %s? (Tab completes addresses)",
                 (int)n, word, list);
    else
        snprintf(msg, len, "no contact named \"%.*s\"; use a full address like %.*s@example.org",
                 (int)n, word, (int)n, word);
    return NULL;
}

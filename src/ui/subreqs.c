/* SPDX-License-Identifier: GPL-3.0-or-later */
/* subreqs.c - who asked to see our presence and has no answer yet.
 *
 * RFC 6121 §3.1.3: an incoming subscription request waits for the user.
 * The UI shows it once in the status window and marks the contact in the
 * roster until the user answers (/authorize, /deny), the contact takes
 * the request back (unsubscribe), or a roster push shows it answered,
 * by this client or another of ours. The server repeats requests that
 * arrived while we were offline after each login, so a restart loses
 * nothing. A handful of entries at most: a plain array will do. */
#include "ui/subreqs.h"

#include <stdlib.h>
#include <string.h>

#include "ui/xalloc.h"

static size_t index_of(const struct subreqs *s, const char *jid)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->jid[i], jid) == 0)
            return i;
    return (size_t)-1;
}

bool subreqs_has(const struct subreqs *s, const char *jid)
{
    return index_of(s, jid) != (size_t)-1;
}

bool subreqs_add(struct subreqs *s, const char *jid)
{
    if (subreqs_has(s, jid))
        return false;
    s->jid = xalloc_realloc(s->jid, (s->n + 1) * sizeof *s->jid);
    s->jid[s->n++] = xalloc_strdup(jid);
    return true;
}

bool subreqs_remove(struct subreqs *s, const char *jid)
{
    size_t i = index_of(s, jid);
    if (i == (size_t)-1)
        return false;
    free(s->jid[i]);
    s->jid[i] = s->jid[--s->n];
    return true;
}

void subreqs_prune(struct subreqs *s, const struct roster *r,
                   void (*dropped)(void *ud, const char *jid), void *ud)
{
    for (size_t i = s->n; i > 0; i--) {
        const struct roster_item *it = roster_find(r, s->jid[i - 1]);
        if (!it || !it->in_roster || (it->sub != ROSTER_SUB_FROM && it->sub != ROSTER_SUB_BOTH))
            continue;
        if (dropped)
            dropped(ud, s->jid[i - 1]);
        free(s->jid[i - 1]);
        s->jid[i - 1] = s->jid[--s->n];
    }
}

void subreqs_free(struct subreqs *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->jid[i]);
    free(s->jid);
    s->jid = NULL;
    s->n = 0;
}

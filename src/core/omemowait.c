/* SPDX-License-Identifier: GPL-3.0-or-later */
/* omemowait.c - a message typed offline into an encrypted chat whose keys
 * we did not have yet (issue 16: every message typed offline is taken).
 *
 * An OMEMO message typed offline is normally encrypted at once and waits
 * in the outbox as its stanza (core/outbox.c). That needs the contact's
 * device list and a session with one of its devices; for a contact we
 * never wrote to, neither is here until we are online. Such a message
 * waits in the store's outbox as its text, with the type "encrypt", which
 * outbox_restore never hands to the session: nothing can send it as it
 * is. Its text is no more exposed there than in its own message row
 * (docs/security.md: the store holds decrypted history, mode 0600).
 *
 * Once online, each waiting message asks for its contact's keys; when
 * they are in it is encrypted and sent under the id it was shown with,
 * so its line loses the pending mark as any other. A contact that turns
 * out to have no OMEMO device, or no device we can encrypt for, gets it
 * refused, and the user is told why: never sent in clear. */
#include "core/omemowait.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xmpp/jid.h"

int omemowait_add(struct store *st, struct session *s, const char *to, const char *text,
                  char *id, size_t idlen)
{
    session_make_id(s, id, idlen);
    return st && store_outbox_add(st, session_bare_jid(s), id, to, OMEMOWAIT_TYPE, text, NULL,
                                  (int64_t)time(NULL)) == 0
               ? 0
               : -1;
}

struct waiting {
    char *id, *to, *body;
};

struct list {
    struct waiting *w;
    size_t n;
};

static void collect(void *ud, const char *id, const char *to, const char *type, const char *body,
                    const char *stanza, int64_t stamp)
{
    (void)stanza, (void)stamp;
    struct list *l = ud;
    if (!type || strcmp(type, OMEMOWAIT_TYPE) != 0 || !body)
        return;
    struct waiting *w = realloc(l->w, (l->n + 1) * sizeof *w);
    if (!w)
        return;
    l->w = w;
    l->w[l->n++] = (struct waiting){strdup(id), strdup(to), strdup(body)};
}

static void refuse(struct store *st, struct session *s, const struct waiting *w,
                   omemowait_refused_fn refused, void *ud, const char *why)
{
    const char *self = session_bare_jid(s);
    char *conv = jid_bare_of(w->to);
    store_outbox_remove(st, self, w->id);
    if (conv)
        store_set_state_by_id(st, self, conv, w->id, STORE_FAILED);
    free(conv);
    if (refused)
        refused(ud, w->to, w->id, why);
}

static void try_one(struct store *st, struct session *s, struct omemochat *oc,
                    const struct waiting *w, omemowait_refused_fn refused, void *ud)
{
    char err[512] = "";
    int has = omemochat_has_devices(oc, w->to);
    if (has == 0) {
        snprintf(err, sizeof err, "not sent: %s has published no OMEMO device, so it could not "
                 "be encrypted (/omemo off, then send it again)", w->to);
        refuse(st, s, w, refused, ud, err);
        return;
    }
    if (has < 0 || omemochat_busy(oc, w->to))
        return; /* its keys are being fetched: an OMEMO event brings us back */
    /* Out of the outbox first: once sent, the session's own outbox
     * copy (the stanza) takes its place until the server has it. */
    store_outbox_remove(st, session_bare_jid(s), w->id);
    if (omemochat_send_as(oc, w->to, w->body, w->id, err, sizeof err) < 0) {
        char why[600];
        snprintf(why, sizeof why, "not sent: %s", err);
        refuse(st, s, w, refused, ud, why);
    }
}

void omemowait_run(struct store *st, struct session *s, struct omemochat *oc,
                   omemowait_refused_fn refused, void *ud)
{
    if (!st || !oc || session_state(s) != SESSION_ONLINE)
        return;
    struct list l = {0};
    store_outbox_list(st, session_bare_jid(s), collect, &l);
    for (size_t i = 0; i < l.n; i++) {
        if (l.w[i].id && l.w[i].to && l.w[i].body)
            try_one(st, s, oc, &l.w[i], refused, ud);
        free(l.w[i].id);
        free(l.w[i].to);
        free(l.w[i].body);
    }
    free(l.w);
}

static void count_one(void *ud, const char *id, const char *to, const char *type,
                      const char *body, const char *stanza, int64_t stamp)
{
    (void)id, (void)to, (void)body, (void)stanza, (void)stamp;
    *(size_t *)ud += type && strcmp(type, OMEMOWAIT_TYPE) == 0;
}

size_t omemowait_count(struct store *st, struct session *s)
{
    size_t n = 0;
    if (st)
        store_outbox_list(st, session_bare_jid(s), count_one, &n);
    return n;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keep.c - a message as the store keeps it.
 *
 * The session reports a message with whatever the server and the sender
 * put on it: an archive id (only from an archive we trust, see im.c), an
 * origin-id, a delay stamp. Those are what recognise the same message when
 * it comes again (store.c), so they all go into the row. A message we send
 * carries our stanza id as its origin-id too (XEP-0359), which is how its
 * archived copy is recognised after the next login. The row's time is the
 * server's when it gave one, so late copies land where they were said.
 * The archive's pages are written a page at a time (keep_settle): a
 * catch-up of thousands of messages costs a commit per page, not per
 * message. */
#include "core/keep.h"

#include <string.h>

int keep_message(struct store *st, const char *account, const struct keep *k, char *err,
                 size_t errlen)
{
    const struct session_message *m = k->m;
    bool groupchat = m && m->type && strcmp(m->type, "groupchat") == 0;
    /* Said now (not a delayed or archived copy): its time to the millisecond. */
    bool live = !m || (!m->delayed && !m->archived);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    struct store_msg sm = {
        .conv = k->conv,
        .sender = k->from,
        .dir = k->out ? STORE_OUT : STORE_IN,
        .type = groupchat ? STORE_GROUPCHAT : STORE_CHAT,
        .body = k->text,
        .msg_id = m ? m->id : k->sent_id,
        .stanza_id = m ? m->stanza_id : NULL,
        .stanza_id_by = m ? m->stanza_id_by : NULL,
        .origin_id = m ? m->origin_id : k->sent_id,
        .server_ts = m && m->delayed ? (int64_t)m->stamp : 0,
        .server_ms = m && m->delayed ? m->stamp_ms : 0,
        .local_ts = (int64_t)(k->stamp ? k->stamp : time(NULL)),
        .local_ms = live ? (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000 : 0,
        .corrects = m ? m->replace_id : k->corrects,
        .encrypted = k->encrypted,
        .state = k->pending ? STORE_PENDING : k->out ? STORE_SENT : STORE_RECEIVED,
    };
    if (m && m->archived)
        store_begin(st);
    return store_add(st, account, &sm, err, errlen);
}

int keep_settle(struct store *st, const struct session_event *ev, char *err, size_t errlen)
{
    /* The XML console's copy of each stanza comes between the messages
     * of a page: not a boundary. */
    bool archived = ev->type == SESSION_EV_MESSAGE && ev->msg && ev->msg->archived;
    if (!st || archived || ev->type == SESSION_EV_XML || !store_in_batch(st))
        return 0;
    return store_commit(st, err, errlen);
}

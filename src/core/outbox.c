/* SPDX-License-Identifier: GPL-3.0-or-later */
/* outbox.c - the outbox across restarts (issue 16).
 *
 * The session holds the one queue of messages that wait for the server
 * (xmpp/sm.c); this keeps a copy of it in the message store so that a
 * restart, a crash or a hang-up loses none of them. A message is added
 * as the session takes it ("queued") and removed once the server has it
 * ("sent"), each change written at once (the store's commits cost no
 * fsync); its own message row says "pending" meanwhile. At the next
 * start what is left goes back to the session under the same ids
 * ("restored"), so the screen finds their lines and the session sends
 * each once. An OMEMO-encrypted message is kept as the stanza it was
 * encrypted into when typed, and sent again unchanged: the outbox holds
 * no plaintext of it (its text is in its own message row, as every
 * message's is). The main program and the restart test share this code, so
 * the test checks what runs. */
#include "core/outbox.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/omemowait.h"
#include "xmpp/jid.h"

int outbox_follow(struct store *st, struct session *s, const struct session_event *ev)
{
    if (!st || ev->type != SESSION_EV_OUTBOX || !ev->jid || !ev->sub_type)
        return 0;
    bool queued = strcmp(ev->sub_type, "queued") == 0;
    if (!queued && strcmp(ev->sub_type, "sent") != 0)
        return 0; /* "restored": the store has it already */
    const char *self = session_bare_jid(s);
    char *conv = jid_bare_of(ev->jid);
    if (!conv)
        return 0;
    /* An encrypted message comes as its stanza (ev->text) without a body:
     * that is what is kept, never its text. */
    int rc = queued ? store_outbox_add(st, self, ev->id, ev->msg->to, ev->msg->type,
                                       ev->msg->body, ev->msg->body ? NULL : ev->text,
                                       (int64_t)time(NULL))
                    : store_outbox_remove(st, self, ev->id);
    store_set_state_by_id(st, self, conv, ev->id, queued ? STORE_PENDING : STORE_SENT);
    free(conv);
    return rc < 0 ? -1 : 0;
}

static void restore_one(void *ud, const char *id, const char *to, const char *type,
                        const char *body, const char *stanza, int64_t stamp)
{
    (void)stamp;
    if (type && strcmp(type, OMEMOWAIT_TYPE) == 0)
        return; /* text to encrypt first: core/omemowait.c sends it */
    if (stanza)
        session_queue_stanza(ud, to, id, stanza); /* encrypted: sent as it was built */
    else
        session_queue_message(ud, to, type, body, id);
}

int outbox_restore(struct store *st, struct session *s)
{
    if (!st)
        return 0;
    return store_outbox_list(st, session_bare_jid(s), restore_one, s);
}

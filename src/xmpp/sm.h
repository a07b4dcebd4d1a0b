/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sm.h - stream management, XEP-0198 (see sm.c). Part of the session
 * module: only session.c, negotiate.c and im.c use it. */
#ifndef TUKTUK_SM_H
#define TUKTUK_SM_H

#include <mxml.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xmpp/ns.h"

struct session;

/* One stanza we sent that the server has not acknowledged. Only messages
 * and presences keep their text, to be sent again; the others (IQ
 * answers, pings) are placeholders that keep the count. */
struct sm_sent {
    char *text;
    size_t len;
    bool fresh; /* in later: typed while not online, never written yet */
};

struct sm_state {
    bool offered;          /* the stream features after login listed <sm/> */
    bool counting;         /* <enable/> sent: our stanzas count from here */
    bool enabled;          /* <enabled/> came: the server's stanzas count */
    bool resuming;         /* <resume/> sent, waiting for <resumed/> */
    bool requested;        /* <r/> sent, its <a/> not yet here */
    bool presence_changed; /* ours changed while the connection was down */
    bool resumed;          /* the current stream is a resumed one */
    char *id;              /* the resumption id, NULL if not resumable */
    uint32_t handled;      /* stanzas of the server's we handled */
    uint32_t acked;        /* how many of ours the server acknowledged */
    struct sm_sent *queue; /* ours from acked on, in order */
    size_t nqueue, cap;
    struct sm_sent *later; /* messages for the next session to send again */
    size_t nlater;
};

void sm_free(struct sm_state *sm);
/* Forget the stream-management session (a clean close, or a resumption
 * that failed). */
void sm_reset(struct sm_state *sm);

/* Called by negotiate.c with the stream features after authentication:
 * true if it sent <resume/>, in which case binding must wait. */
bool sm_try_resume(struct session *s, mxml_node_t *features);
/* Called after binding: asks for stream management if offered. */
void sm_enable(struct session *s);
/* A top-level element in NS_SM (enabled, failed, resumed, r, a). */
void sm_element(struct session *s, mxml_node_t *el);
/* One of the server's stanzas (message, presence, iq) was handled. */
void sm_handled(struct session *s);
/* Bytes came from the server: an <a/> we wait for is not overdue yet. */
void sm_traffic(struct session *s);
/* session_send_text tells us of everything it writes. */
void sm_sending(struct session *s, const char *xml, size_t len);
/* The connection is gone: whether the session can be resumed. */
bool sm_resumable(const struct session *s);
/* Keep the unacknowledged messages for the next session, and forget the
 * rest of the stream-management session. */
void sm_keep_messages(struct sm_state *sm);
/* Logged in, or resumed: send the kept messages again, and the ones typed
 * while offline; a room's wait until we are in the room again. */
void sm_send_later(struct session *s);
/* A message built while not online: it waits in later, fresh. */
void sm_hold(struct session *s, const char *xml, size_t len);
/* The server closed the stream after ours: it has every stanza we sent
 * (RFC 6120 §4.4), so each waiting message is confirmed. */
void sm_confirm_all(struct session *s);
/* Messages that wait for the account to be online again. */
size_t sm_pending(const struct session *s);
/* Messages not known to have reached the server (unacknowledged, or kept
 * for the next session), for the user to be told about. */
size_t sm_unsent_messages(const struct sm_state *sm);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* outbox.h - the outbox's copy in the message store: what the session
 * has taken to send and the server does not have yet, kept across a
 * restart (see outbox.c). */
#ifndef TUKTUK_OUTBOX_H
#define TUKTUK_OUTBOX_H

#include "core/store.h"
#include "xmpp/session.h"

/* Keeps the store's outbox in step with a session event (only
 * SESSION_EV_OUTBOX does anything). Returns -1 when a write failed. */
int outbox_follow(struct store *st, struct session *s, const struct session_event *ev);
/* Hands what an earlier run left in the store's outbox to the session, in
 * the order it was written. Returns how many, or -1. */
int outbox_restore(struct store *st, struct session *s);

#endif

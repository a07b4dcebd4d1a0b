/* SPDX-License-Identifier: GPL-3.0-or-later */
/* catchup.h - reading the server's archives (XEP-0313) into the message
 * store after a login: the account's, and each room's after a join. See
 * catchup.c for how the store's position in an archive is kept. */
#ifndef TUKTUK_CATCHUP_H
#define TUKTUK_CATCHUP_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/store.h"
#include "xmpp/session.h"

struct catchup_room;

struct catchup {
    struct session *s;
    struct store *st;
    long window_s; /* first login: how far back to read */
    unsigned page; /* messages per archive page; 0: the session's default */
    char qid[40];  /* the account's catch-up query, "" when none runs */
    bool synced;   /* the account's archive is read up to now */
    char live_id[128]; /* the newest live archive id, not yet in the store */
    time_t asked;  /* when the account's catch-up was sent */
    unsigned long fetched;
    struct catchup_room *rooms;
    size_t nrooms;
    char notice[512];
};

/* window_days: how far back the first catch-up of an account reads. */
void catchup_init(struct catchup *c, struct session *s, struct store *st, unsigned window_days);
void catchup_free(struct catchup *c);
/* Each session event, after the screen has seen it (its messages are in
 * the store by then). Returns a line for the user, or NULL. */
const char *catchup_event(struct catchup *c, const struct session_event *ev);
/* A page could not be kept: the catch-up stops where its cursor is, and
 * the next login goes on from there. */
void catchup_abort(struct catchup *c);
/* Whether a catch-up query runs (for tests and the status window). */
bool catchup_running(const struct catchup *c);

#endif

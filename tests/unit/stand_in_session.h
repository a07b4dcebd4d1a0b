/* SPDX-License-Identifier: GPL-3.0-or-later */
/* stand_in_session.h - a session that records what the UI asks of it,
 * linked in place of src/xmpp's session (the link seam of
 * test_ui_seam.c): the roster model is the real one, everything that
 * would reach the network is written down instead. */
#ifndef TUKTUK_STAND_IN_SESSION_H
#define TUKTUK_STAND_IN_SESSION_H

#include "xmpp/session.h"

struct stand_in {
    struct roster *roster;
    enum session_state state;
    size_t pending; /* messages held while not online (the outbox) */
    char calls[8192]; /* "name(arg,arg) " each */
};

/* The stand-in, as a struct session * for the UI. */
struct session *stand_in_new(void);
struct stand_in *stand_in_of(struct session *s);
void stand_in_free(struct session *s);

#endif

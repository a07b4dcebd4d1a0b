/* SPDX-License-Identifier: GPL-3.0-or-later */
/* omemowait.h - messages typed offline into an encrypted chat whose
 * keys we did not have yet: kept, then encrypted and sent once online
 * (see omemowait.c). */
#ifndef TUKTUK_OMEMOWAIT_H
#define TUKTUK_OMEMOWAIT_H

#include <stddef.h>

#include "core/omemochat.h"
#include "core/store.h"
#include "xmpp/session.h"

/* The outbox row's type for such a message: never handed to the session. */
#define OMEMOWAIT_TYPE "encrypt"

/* Keeps text for to in the store's outbox under a new id (into id).
 * 0, or -1 when the store could not keep it (then nothing is kept). */
int omemowait_add(struct store *st, struct session *s, const char *to, const char *text,
                  char *id, size_t idlen);

/* A message that will never be encrypted: to, its id, and why. */
typedef void (*omemowait_refused_fn)(void *ud, const char *to, const char *id, const char *why);

/* Online, sends what waits and can be encrypted now (under the id it was
 * kept with), and refuses what never can be (the contact has no OMEMO
 * device); the rest waits for the keys being fetched. Call it after each
 * event (it does nothing offline or with nothing waiting). */
void omemowait_run(struct store *st, struct session *s, struct omemochat *oc,
                   omemowait_refused_fn refused, void *ud);

/* How many wait (for /quit's question). */
size_t omemowait_count(struct store *st, struct session *s);

#endif

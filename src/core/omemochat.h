/* SPDX-License-Identifier: GPL-3.0-or-later */
/* omemochat.h - OMEMO between one session and its key store: what the
 * application calls to keep our device and bundle published, follow
 * contacts' devices, and encrypt and decrypt chat messages (see
 * omemochat.c). It reads session events and makes session calls; it
 * tells the application what the user should know through one callback,
 * never through the screen. */
#ifndef TUKTUK_OMEMOCHAT_H
#define TUKTUK_OMEMOCHAT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/omemo.h"
#include "xmpp/session.h"

struct omemochat;

/* What the user is told: a notice about jid (a chat line there), e.g. a
 * new device, a bundle that could not be used, a publish refused. */
typedef void (*omemochat_notice_fn)(void *ud, const char *jid, const char *text);

/* For the application: the account's key store under the vault's key
 * (the one credentials opened, else the key-file vault opened here), and
 * the glue, which then owns both. NULL with one line in said: OMEMO is
 * off for this run (a vault locked by a passphrase we were not given, a
 * key store that cannot be read). said also gets a line when a new
 * identity was made. */
struct omemochat *omemochat_start(const char *data_dir, struct vault *v, struct session *s,
                                  omemochat_notice_fn notice, void *ud, char *said, size_t saidlen);
/* Blind trust before verification (the default), or new devices are
 * never trusted before the user trusts them (config omemo_trust). */
void omemochat_set_blind(struct omemochat *c, bool blind);

/* o stays the caller's. */
struct omemochat *omemochat_new(struct omemo *o, struct session *s, omemochat_notice_fn notice,
                                void *ud);
void omemochat_free(struct omemochat *c);
struct omemo *omemochat_omemo(struct omemochat *c);

/* Saves what reading messages moved in the key store, if anything: call
 * it after each batch of I/O (omemochat.c says why not per message). */
void omemochat_settle(struct omemochat *c);

/* Feed every session event through here (before or after the UI sees
 * it): login, device lists, bundles. */
void omemochat_event(struct omemochat *c, const struct session_event *ev);

/* Whether jid published OMEMO devices (a chat with it is encrypted by
 * default): 1 yes, 0 no, -1 not known yet (asked now). */
int omemochat_has_devices(struct omemochat *c, const char *jid);
/* Still fetching what a message to jid needs (its device list, or
 * bundles of its devices or ours), after starting what is missing: wait
 * for SESSION_EV_OMEMO events. */
bool omemochat_busy(struct omemochat *c, const char *jid);
/* The vault's passphrase changed (v holds the new key): the key store
 * is written again under it. 0 or -1 with err. */
int omemochat_rekey(struct omemochat *c, struct vault *v, char *err, size_t errlen);
/* Starts what a first message to jid needs (its device list, bundles). */
void omemochat_prepare(struct omemochat *c, const char *jid);
/* Whether a message to jid could be encrypted now. */
bool omemochat_ready(struct omemochat *c, const char *jid);

/* Encrypts text for jid's devices and our other ones and sends it (as a
 * correction of replace_id when not NULL, XEP-0308). Encryption needs no
 * connection: while offline the encrypted stanza waits in the outbox.
 * 0 sent, 1 held until online (id_out set); -1 not sent, err says why
 * (nothing went out: never plaintext). */
int omemochat_send(struct omemochat *c, const char *jid, const char *text, const char *replace_id,
                   char *id_out, size_t id_len, char *err, size_t errlen);

/* The same under an id chosen before (core/omemowait.c). */
int omemochat_send_as(struct omemochat *c, const char *jid, const char *text, const char *id,
                      char *err, size_t errlen);

/* A received message with msg->omemo (or msg->omemo_error): *text the
 * plaintext (malloc'd; NULL for a key transport). -1 with one line in
 * err, "could not decrypt a message from JID (device N): why"; -2 the
 * same for a message read already (a replay, or an archived copy). */
int omemochat_decrypt(struct omemochat *c, const struct session_message *msg, char **text,
                      char *err, size_t errlen);

/* Our fingerprint, and the devices of jid with their fingerprints and
 * trust, one line each, for /omemo fingerprints. Returns lines written
 * into out (a malloc'd string, caller frees). */
char *omemochat_fingerprints(struct omemochat *c, const char *jid);
/* /omemo trust|untrust: 0, or -1 with err. */
int omemochat_trust(struct omemochat *c, const char *jid, const char *fp, bool trust, char *err,
                    size_t errlen);

#endif

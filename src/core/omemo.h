/* SPDX-License-Identifier: GPL-3.0-or-later */
/* omemo.h - OMEMO 0.3's cryptography for one account, over libomemo-c:
 * our keys and bundle, sessions built from contacts' bundles, messages
 * encrypted for a set of devices and decrypted from one, and the trust
 * the user gives to each device (see omemo.c). No XML, no screen. */
#ifndef TUKTUK_OMEMO_H
#define TUKTUK_OMEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/omemokeys.h"
#include "core/vault.h"
#include "xmpp/omemo.h"

#define OMEMO_PREKEYS 100 /* kept published; replenished after use */
#define OMEMO_FP_LEN 72   /* 64 hex digits in 8 groups of 8, spaces, NUL */

struct omemo;

/* Opens (or makes, with a new identity) jid's key store in
 * DATA/omemo, under a key from the vault. NULL with err set. *created
 * tells that a new identity was made (the user is told: a lost store
 * means a new identity). */
struct omemo *omemo_open(const char *data_dir, struct vault *v, const char *jid, bool *created,
                         char *err, size_t errlen);
/* The same with the store key given (tests, tools). */
struct omemo *omemo_open_key(const char *dir, const char *name, const unsigned char key[32],
                             const char *jid, bool *created, char *err, size_t errlen);
void omemo_free(struct omemo *o);
/* The vault's passphrase changed: the store is written again under the
 * key v now gives. 0 or -1 with err. */
int omemo_rekey(struct omemo *o, struct vault *v, char *err, size_t errlen);
uint32_t omemo_device_id(const struct omemo *o);
struct omemokeys *omemo_keys(struct omemo *o);

/* Our bundle to publish (caller clears it). 0 or -1. */
int omemo_our_bundle(struct omemo *o, struct omemo_bundle *b);
/* After a prekey was used: makes new ones up to OMEMO_PREKEYS. Returns
 * 1 when the bundle changed (publish it again), 0 when not, -1. */
int omemo_replenish(struct omemo *o);
/* Persists what changed. 0 or -1 with err. */
int omemo_save(struct omemo *o, char *err, size_t errlen);

/* Builds a session with (jid, b->device) from its bundle, using one of
 * its prekeys at random. The device's identity is remembered; *seen is
 * 1 new device, 2 changed key, 0 known. 0 or -1 with err. */
int omemo_build_session(struct omemo *o, const char *jid, const struct omemo_bundle *b, int *seen,
                        char *err, size_t errlen);
bool omemo_has_session(const struct omemo *o, const char *jid, uint32_t device);
/* Our session with (jid, device) was built by us and has not been
 * answered yet: what we send it are prekey messages. */
bool omemo_session_pending(const struct omemo *o, const char *jid, uint32_t device);

struct omemo_target {
    const char *jid;
    uint32_t device;
};

/* Encrypts text for the targets (peer's and our other devices) into e
 * (caller clears). Targets without a session or not trusted are left
 * out; peer_jid must keep at least one device, else -1 with the reason.
 * text NULL: a key transport element (no payload). */
int omemo_encrypt(struct omemo *o, const char *peer_jid, const struct omemo_target *t, size_t n,
                  const char *text, struct omemo_element *e, char *err, size_t errlen);

/* Decrypts e from jid for our device. *text is malloc'd, NUL-terminated
 * (NULL for a key transport). *prekey_used: a prekey message consumed
 * one of our prekeys (replenish and publish). 0, or -1 with the reason
 * (never a partial or unauthenticated plaintext), -2 when it was read
 * already (a replay, or the archive's copy of a message we had). */
int omemo_decrypt(struct omemo *o, const char *jid, const struct omemo_element *e, char **text,
                  bool *prekey_used, char *err, size_t errlen);

/* "abcd1234 ..." for an identity key (serialised, 33 bytes). */
void omemo_fingerprint(const uint8_t *key, size_t len, char out[OMEMO_FP_LEN]);
/* Our own identity's fingerprint. */
void omemo_our_fingerprint(struct omemo *o, char out[OMEMO_FP_LEN]);
/* Parses a fingerprint as typed (spaces and case ignored) into the
 * 33-byte identity key form. 0 or -1. */
int omemo_parse_fingerprint(const char *fp, uint8_t key[33]);

#endif

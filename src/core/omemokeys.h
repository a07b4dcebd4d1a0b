/* SPDX-License-Identifier: GPL-3.0-or-later */
/* omemokeys.h - one account's OMEMO key store: our identity, signed
 * prekey, prekeys, the sessions with other devices and what we know and
 * trust of their identity keys, kept encrypted under a key the vault
 * gives (see omemokeys.c). It is also the store libomemo-c reads and
 * writes through. */
#ifndef TUKTUK_OMEMOKEYS_H
#define TUKTUK_OMEMOKEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* No libomemo-c header here: it names a type session_state, as
 * xmpp/session.h does. */
struct signal_protocol_store_context;

enum omemo_trust {
    OMEMO_TRUST_UNDECIDED, /* seen after a verification: waits for the user */
    OMEMO_TRUST_BLIND,     /* trusted without verification (blind trust) */
    OMEMO_TRUST_VERIFIED,  /* trusted by the user */
    OMEMO_TRUST_UNTRUSTED, /* refused by the user */
};

struct omemokeys;

#define OMEMOKEYS_KEY_LEN 32

/* Opens DIR/NAME (created on the first save), decrypted with key.
 * *fresh is set when there was no store yet. NULL with err set when the
 * file exists but cannot be read: it is never overwritten then. */
struct omemokeys *omemokeys_open(const char *dir, const char *name,
                                 const unsigned char key[OMEMOKEYS_KEY_LEN], bool *fresh, char *err,
                                 size_t errlen);
void omemokeys_free(struct omemokeys *k);
/* The vault's key changed: the next save encrypts under key. */
void omemokeys_set_key(struct omemokeys *k, const unsigned char key[OMEMOKEYS_KEY_LEN]);
/* Writes the store if it changed: atomically, mode 0600. 0 or -1. */
int omemokeys_save(struct omemokeys *k, char *err, size_t errlen);

/* Our device: its id, registration id and identity key pair (serialised
 * by libomemo-c). Set once, when the store is fresh. */
uint32_t omemokeys_device_id(const struct omemokeys *k);
int omemokeys_set_identity(struct omemokeys *k, uint32_t device_id, uint32_t reg_id,
                           const uint8_t *pub, size_t publen, const uint8_t *priv, size_t privlen);
/* The next unused prekey id; ids are never given twice. */
uint32_t omemokeys_next_prekey_id(struct omemokeys *k, uint32_t count);
size_t omemokeys_prekey_count(const struct omemokeys *k);
/* Calls fn for each prekey and signed prekey (signed: true) record. */
void omemokeys_each_prekey(const struct omemokeys *k,
                           void (*fn)(void *ctx, uint32_t id, bool is_signed, const uint8_t *rec,
                                      size_t len),
                           void *ctx);

/* Blind trust before verification (the default), or none. */
void omemokeys_set_blind(struct omemokeys *k, bool blind);

/* Remote identities. Returns 1 when (name, device) is new, 2 when its
 * key changed (then it is UNDECIDED), 0 when known, -1 on error. A new
 * device's trust follows blind trust while no device of name is
 * VERIFIED (and blind trust is on: omemokeys_set_blind), else UNDECIDED. */
int omemokeys_identity_seen(struct omemokeys *k, const char *name, uint32_t device,
                            const uint8_t *key, size_t keylen);
/* The identity key of (name, device) or NULL; *len set. */
const uint8_t *omemokeys_identity(const struct omemokeys *k, const char *name, uint32_t device,
                                  size_t *len);
enum omemo_trust omemokeys_trust(const struct omemokeys *k, const char *name, uint32_t device);
bool omemokeys_trusted(const struct omemokeys *k, const char *name, uint32_t device);
/* Sets the trust of every device of name whose identity key is key.
 * Returns how many. */
int omemokeys_set_trust(struct omemokeys *k, const char *name, const uint8_t *key, size_t keylen,
                        enum omemo_trust t);
/* Devices of name we know an identity of (device ids into out, at most
 * max); returns the count. */
size_t omemokeys_devices(const struct omemokeys *k, const char *name, uint32_t *out, size_t max);
bool omemokeys_has_session(const struct omemokeys *k, const char *name, uint32_t device);

/* Installs the store's callbacks into a libomemo-c store context. */
int omemokeys_install(struct omemokeys *k, struct signal_protocol_store_context *store);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vault.h - the encrypted password vault DATA/vault (see vault.c; the file
 * format and its guarantees are in docs/vault.md).
 *
 * Every function takes err/errlen and writes one line for the user there
 * when it fails. Secrets come out in sodium_malloc'd memory: free them with
 * vault_free_secret / vault_free_scram, which wipe them. */
#ifndef TUKTUK_VAULT_H
#define TUKTUK_VAULT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/path.h"

#define VAULT_JID_MAX PATH_JID_MAX /* RFC 7622 bare JID, bytes */
#define VAULT_PASSWORD_MAX 4096 /* bytes of UTF-8 */
#define VAULT_MECH_MAX 31       /* "SCRAM-SHA-512-PLUS" fits */
#define VAULT_SALT_MAX 256
#define VAULT_SALTED_MAX 64 /* SHA-512 output */

struct vault;

/* Why vault_open failed, so that the UI can ask for the passphrase again
 * (VAULT_ERR_PASSPHRASE) or offer to replace a broken vault. */
enum vault_error {
    VAULT_OK,
    VAULT_ERR_PASSPHRASE,      /* wrong passphrase, or vault.key does not match */
    VAULT_ERR_NEED_PASSPHRASE, /* the vault has a passphrase and none was given */
    VAULT_ERR_NO_PASSPHRASE,   /* a passphrase was given, the vault uses vault.key */
    VAULT_ERR_CORRUPTED,
    VAULT_ERR_TRUNCATED,
    VAULT_ERR_VERSION,
    VAULT_ERR_KEYFILE, /* vault.key missing or unreadable */
    VAULT_ERR_IO,
    VAULT_ERR_NOMEM,
};

/* vault_open flag: the existing vault may be unreadable (any error above
 * but IO/NOMEM); open an empty one that replaces it on the first store.
 * The old file is kept as DATA/vault.broken. Without this flag a vault
 * that cannot be read is never overwritten. */
#define VAULT_REPLACE 1

/* Opens DATA/vault, reading and authenticating all of it. passphrase NULL
 * means key-file mode (DATA/vault.key). With no vault yet, returns an empty
 * vault (protected by passphrase if one is given) and creates nothing until
 * the first store. Returns NULL with *code (may be NULL) and err set. The
 * passphrase is not kept. */
struct vault *vault_open(const char *data_dir, const char *passphrase, int flags,
                         enum vault_error *code, char *err, size_t errlen);
void vault_close(struct vault *v);

/* True when DATA/vault exists and is protected by a master passphrase:
 * the UI asks for it before vault_open. */
bool vault_has_passphrase(const char *data_dir);

/* Records are per bare JID (a resource is ignored, ASCII is lowercased);
 * a JID holds one record: storing replaces what was there, of either kind.
 * Getters return 1 found, 0 absent (or a record of the other kind), -1
 * error. *out is sodium_malloc'd. */
int vault_get_password(struct vault *v, const char *jid, char **out, char *err, size_t errlen);
void vault_free_secret(char *secret);

struct vault_scram {
    char mechanism[VAULT_MECH_MAX + 1]; /* e.g. "SCRAM-SHA-1" */
    unsigned iterations;
    size_t saltlen;
    unsigned char salt[VAULT_SALT_MAX];
    size_t saltedlen;
    unsigned char salted[VAULT_SALTED_MAX]; /* SaltedPassword, RFC 5802 §3 */
};
int vault_get_scram(struct vault *v, const char *jid, struct vault_scram **out, char *err,
                    size_t errlen);
void vault_free_scram(struct vault_scram *s);

/* Stores write the whole vault atomically; return 0, or -1 leaving both
 * the file and this handle as they were. Another tuktuk's changes made
 * since vault_open are kept (the file is re-read under a lock). */
int vault_store_password(struct vault *v, const char *jid, const char *password, char *err,
                         size_t errlen);
int vault_store_scram(struct vault *v, const char *jid, const char *mechanism,
                      const unsigned char *salt, size_t saltlen, unsigned iterations,
                      const unsigned char *salted, size_t saltedlen, char *err, size_t errlen);
/* 1 removed, 0 absent, -1 error. */
int vault_remove(struct vault *v, const char *jid, char *err, size_t errlen);

/* Sets, changes (passphrase non-NULL) or removes (NULL: key-file mode)
 * the master passphrase, re-encrypting every record. 0 or -1. */
int vault_set_passphrase(struct vault *v, const char *passphrase, char *err, size_t errlen);

/* A key for another file kept under the vault's protection (the OMEMO
 * key store, core/omemokeys.c): derived from the vault key with
 * crypto_kdf, context exactly 8 bytes, so that it changes with the
 * passphrase and is never the vault key itself. In key-file mode a new
 * vault.key is written first, so the key survives a restart. 0 or -1. */
int vault_derive_key(struct vault *v, const char context[8], unsigned long long id,
                     unsigned char *out, size_t outlen, char *err, size_t errlen);

/* Writes DIR/NAME atomically with mode 0600: DIR/NAME.tmp.XXXXXX, fsync,
 * rename, fsync DIR. On failure the old file is untouched and err says
 * so. Also used by pins.c. Returns 0 or -1. */
int vault_write_file(const char *dir, const char *name, const void *data, size_t len, char *err,
                     size_t errlen);
/* The same for a file written piece by piece by fill(ctx, fd), which
 * returns 0, or -1 with errno set: for a file too large to build in
 * memory first (the roster cache, core/rostercache.c). */
typedef int (*vault_fill_fn)(void *ctx, int fd);
int vault_write_stream(const char *dir, const char *name, vault_fill_fn fill, void *ctx, char *err,
                       size_t errlen);

#endif

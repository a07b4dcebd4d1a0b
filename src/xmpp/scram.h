/* SPDX-License-Identifier: GPL-3.0-or-later */
/* scram.h - SASL SCRAM client (RFC 5802, RFC 7677, RFC 9266 channel
 * binding), pure: no I/O (see scram.c). */
#ifndef TUKTUK_SCRAM_H
#define TUKTUK_SCRAM_H

#include <stdbool.h>
#include <stddef.h>

enum scram_hash { SCRAM_SHA1, SCRAM_SHA256 };

struct scram;

/* user: the localpart (escaped =2C/=3D internally); password: UTF-8,
 * SASLprep is applied. cb_name is NULL (we cannot bind: gs2 flag "n") or
 * "tls-exporter" with cb_data the 32-byte exporter value: then the flag is
 * "p" (the -PLUS mechanism) when server_supports_plus is true, and "y"
 * when it is false, so that a server which does support binding detects
 * -PLUS being stripped from its list (RFC 5802 §6). nonce NULL makes a
 * random one (tests pass a fixed one). Returns NULL with a reason in err
 * (e.g. SASLprep refused the password). */
struct scram *scram_new(enum scram_hash hash, const char *user, const char *password,
                        const char *cb_name, const unsigned char *cb_data, size_t cb_len,
                        bool server_supports_plus, const char *nonce, char *err, size_t errlen);
void scram_free(struct scram *s); /* wipes secrets */

/* Mechanism name, e.g. "SCRAM-SHA-256-PLUS". */
const char *scram_mechanism(const struct scram *s);

/* client-first-message (raw, not base64). Caller frees. */
char *scram_client_first(struct scram *s);

/* Consume server-first-message, produce client-final-message (raw).
 * Checks: nonce starts with ours, iteration count >= 4096, salt decodes.
 * Returns NULL with a reason in err. Caller frees. */
char *scram_client_final(struct scram *s, const char *server_first, size_t len, char *err,
                         size_t errlen);

/* Verify server-final-message ("v=..." or "e=..."), in constant time.
 * Returns 0 if the server proved it knows the password, -1 otherwise
 * with a reason in err. */
int scram_verify_server_final(struct scram *s, const char *server_final, size_t len, char *err,
                              size_t errlen);

#define SCRAM_SALT_MAX 256

/* Use a stored SaltedPassword (RFC 5802 §3) made with this salt and
 * iteration count; scram_new may then be given a NULL password. When the
 * server offers another salt or count, scram_client_final fails, and
 * scram_needs_password tells why. Call before scram_client_first.
 * Returns 0, or -1 if len is not the hash's size. */
int scram_use_salted(struct scram *s, const unsigned char *salted, size_t len,
                     const unsigned char *salt, size_t salt_len, unsigned iterations);
bool scram_needs_password(const struct scram *s);
/* The server's salt and iteration count, once scram_client_final has
 * computed SaltedPassword (NULL before). */
const unsigned char *scram_salt(const struct scram *s, size_t *len, unsigned *iterations);

/* SaltedPassword after scram_client_final succeeded, for the vault's
 * "store the salted password" mode; sets *len. NULL before. */
const unsigned char *scram_salted_password(const struct scram *s, size_t *len);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tls.h - a TLS client session over OpenSSL memory BIOs, fed and drained by
 * the connection (see tls.c). Knows no sockets. */
#ifndef TUKTUK_TLS_H
#define TUKTUK_TLS_H

#include <stdbool.h>
#include <stddef.h>

#include "net/conn.h"

struct tls;

/* Receives ciphertext to send to the server. */
typedef void (*tls_out_fn)(void *ud, const char *buf, size_t len);

enum tls_status { TLS_OK, TLS_AGAIN, TLS_CLOSED, TLS_ERROR };

/* A client session for domain (SNI and the certificate's name), trusting
 * the system store plus ca_file (may be NULL), TLS 1.2 or later (only 1.2
 * with max_tls12). On failure returns NULL and writes the reason to err. */
struct tls *tls_new(const char *domain, const char *ca_file, bool max_tls12, tls_out_fn out,
                    void *ud, char *err, size_t errlen);
void tls_free(struct tls *t);

/* Ciphertext received from the server. Returns 0 or -1. */
int tls_feed(struct tls *t, const char *buf, size_t len);
/* Advances the handshake: TLS_OK when it is done, TLS_AGAIN when more
 * bytes are needed, TLS_ERROR (see tls_error). */
enum tls_status tls_handshake(struct tls *t);
/* Decrypts into buf; *got is set on TLS_OK. TLS_AGAIN: nothing buffered;
 * TLS_CLOSED: close_notify received. */
enum tls_status tls_read(struct tls *t, char *buf, size_t cap, size_t *got);
/* Encrypts all of buf. Returns 0 or -1. */
int tls_write(struct tls *t, const char *buf, size_t len);
/* Sends close_notify. */
void tls_close_notify(struct tls *t);
/* The last error, for the user. */
const char *tls_error(const struct tls *t);

/* After the handshake: decides whether to trust the server. Accepts a
 * chain that verifies for the domain, or a leaf whose SHA-256 equals
 * pinned (may be NULL). On refusal fills info and returns false. */
bool tls_verify(struct tls *t, const char *pinned, struct conn_cert_info *info);

/* Channel-binding data of type ("tls-exporter", "tls-unique" or
 * "tls-server-end-point") into out; returns its length, or 0 where this
 * connection cannot give that type safely (see tls.c) or before the
 * handshake. 64 bytes of room is always enough. */
size_t tls_channel_binding(struct tls *t, const char *type, unsigned char *out, size_t cap);
/* The handshake finished on TLS 1.3. */
bool tls_is_13(struct tls *t);
/* e.g. "TLSv1.3 TLS_AES_256_GCM_SHA384". */
const char *tls_description(struct tls *t);

/* For HTTPS transfers (curl's CURLOPT_SSL_CTX_FUNCTION hands us its
 * SSL_CTX): the same trust as the XMPP connection, the system roots plus
 * ca_file (may be NULL), TLS 1.2 or later, and a chain that does not
 * verify is still accepted when its leaf's SHA-256 equals pinned (may be
 * NULL). The name check stays curl's. Returns 0 or -1. */
int tls_http_trust(void *ssl_ctx, const char *ca_file, const char *pinned);

/* "AB:CD:..." from a raw digest into out (3 bytes per digest byte). */
void tls_format_fingerprint(const unsigned char *md, size_t n, char *out, size_t cap);
/* Compares two hex fingerprints ignoring case and colons. */
bool tls_fingerprint_equal(const char *a, const char *b);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* conn.h - one client connection: DNS SRV lookup, TCP via libuv, TLS via
 * OpenSSL memory BIOs (STARTTLS or direct TLS). Knows bytes, not XML
 * (see conn.c, srv.c, tls.c). */
#ifndef TUKTUK_CONN_H
#define TUKTUK_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

enum conn_tls_mode { CONN_TLS_AUTO, CONN_TLS_STARTTLS, CONN_TLS_DIRECT };

struct conn_config {
    const char *domain; /* the JID's domain: SRV name, SNI and certificate name */
    const char *server; /* NULL: SRV lookup; else connect to this host */
    int port;           /* 0: from SRV, else 5222 (5223 for direct TLS) */
    enum conn_tls_mode tls;
    const char *ca_file;         /* extra trusted PEM certificates, may be NULL */
    const char *pinned_sha256;   /* hex fingerprint accepted even if the chain
                                    does not verify (the user trusted it), or NULL */
    unsigned connect_timeout_ms; /* per target; 0 means 10000 */
    bool max_tls12;              /* offer no TLS 1.3 (for tls-unique, see negotiate.c) */
};

/* What the user needs to decide about a refused certificate. */
struct conn_cert_info {
    char subject[256];
    char issuer[256];
    char not_before[64];
    char not_after[64];
    char sha256[96];  /* "AB:CD:..." */
    char reason[256]; /* OpenSSL's verify error, or "fingerprint changed" */
};

struct conn_events {
    /* Progress for the user: "resolving example.org", "connecting to ...". */
    void (*status)(void *ud, const char *text);
    /* The transport is ready for the stream header: TCP for STARTTLS
     * targets, after the handshake for direct TLS. */
    void (*connected)(void *ud, bool tls_active);
    /* The STARTTLS handshake finished and verified. */
    void (*tls_ready)(void *ud);
    /* Decrypted bytes from the server, read at full speed. */
    void (*data)(void *ud, const char *buf, size_t len);
    /* The connection failed or was lost. cert is non-NULL only when the
     * server's certificate was refused. No more callbacks follow. */
    void (*failed)(void *ud, const char *reason, const struct conn_cert_info *cert);
    /* The server closed the connection cleanly (EOF / close_notify). No
     * more callbacks follow. */
    void (*closed)(void *ud);
};

struct conn;

/* As with any libuv program, the process must ignore SIGPIPE (main.c
 * does): writes go through write(2), and a peer that hung up must give
 * an error, not a signal. */
struct conn *conn_new(uv_loop_t *loop, const struct conn_events *ev, void *ud);
/* Frees asynchronously; safe to call from inside any callback. No
 * callback runs after this. */
void conn_free(struct conn *c);

/* Resolve (SRV per RFC 6120 §3.2 and XEP-0368, without blocking the loop),
 * then try each target in order until one connects. The config strings
 * are copied. Returns 0 or -1 if already open. */
int conn_open(struct conn *c, const struct conn_config *cfg);

/* Queue bytes (encrypted when TLS is active). Writes made while a
 * STARTTLS handshake runs are held until it completes. Returns 0 or -1. */
int conn_write(struct conn *c, const char *data, size_t len);

/* Start the TLS handshake on the open TCP connection (after <proceed/>). */
int conn_starttls(struct conn *c);

bool conn_tls_active(const struct conn *c);
/* Channel-binding data of a type (tls_channel_binding in tls.h): its
 * length, or 0 without TLS or where that type is not safe here. */
size_t conn_channel_binding(struct conn *c, const char *type, unsigned char *out, size_t cap);
bool conn_tls_13(struct conn *c);
/* e.g. "TLSv1.3 TLS_AES_256_GCM_SHA384", or "" before TLS. */
const char *conn_tls_description(const struct conn *c);

/* Flush queued writes, send TLS close_notify, then close. */
void conn_shutdown(struct conn *c);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tls.c - the client side of TLS for the connection, with no socket of its
 * own.
 *
 * OpenSSL talks to two memory BIOs: the connection feeds what it reads from
 * TCP into the read BIO, and after every SSL_* call we drain the write BIO
 * into the connection's writer, so libuv stays in charge of the socket.
 * The read BIO returns -1 when empty, which OpenSSL reads as "want read".
 *
 * RFC 6120 §5.4.3 and §13.7.2: the certificate is checked against the JID's
 * domain (SNI and name check alike), never the SRV target, and TLS below
 * 1.2 is refused. The chain is verified during the handshake but the
 * handshake is allowed to finish (SSL_VERIFY_NONE records the result
 * without aborting), so that tls_verify can decide afterwards with the
 * whole picture: a chain that verifies, or a leaf the user pinned, is
 * accepted; otherwise the user gets the certificate's details and its
 * SHA-256 fingerprint to decide. No application data is sent before that
 * decision.
 *
 * Channel binding (tls_channel_binding) gives each type only where it is
 * unique to this connection: tls-exporter (RFC 9266) on TLS 1.3, or on 1.2
 * with the extended master secret (RFC 7627); tls-unique (RFC 5929 §3)
 * only below TLS 1.3, where it is defined; tls-server-end-point (RFC 5929
 * §4) on any version, as it names the server's certificate, not the
 * session. */
#include "net/tls.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define TLS_DRAIN_CHUNK 16384

struct tls {
    SSL_CTX *ctx;
    SSL *ssl;
    BIO *rbio, *wbio; /* owned by ssl */
    tls_out_fn out;
    void *ud;
    bool done; /* handshake finished */
    char error[320];
    char desc[128];
};

static void set_error(struct tls *t, const char *what)
{
    unsigned long e = ERR_get_error();
    if (e) {
        char buf[200];
        ERR_error_string_n(e, buf, sizeof buf);
        snprintf(t->error, sizeof t->error, "%s: %s", what, buf);
    } else {
        snprintf(t->error, sizeof t->error, "%s", what);
    }
    ERR_clear_error();
}

/* Everything OpenSSL produced goes to the socket now. */
static void drain(struct tls *t)
{
    char buf[TLS_DRAIN_CHUNK];
    int n;
    while ((n = BIO_read(t->wbio, buf, sizeof buf)) > 0)
        t->out(t->ud, buf, (size_t)n);
}

/* The system's trusted roots. The hashed directory ($SSL_CERT_DIR, else
 * OpenSSL's default) is searched lazily, one certificate when a chain
 * needs it. A bundle file ($SSL_CERT_FILE, else the default) would be
 * parsed whole at every connection: about 150 roots, some 25 ms of a
 * login and over a megabyte of memory. So the bundle is read only when
 * there is no directory; other roots are given with --ca-file. */
static void load_system_store(SSL_CTX *ctx)
{
    const char *dir = getenv(X509_get_default_cert_dir_env());
    struct stat st;
    if (!dir)
        dir = X509_get_default_cert_dir();
    bool loaded =
        stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && SSL_CTX_load_verify_dir(ctx, dir) == 1;
    if (!loaded)
        SSL_CTX_set_default_verify_paths(ctx);
    ERR_clear_error(); /* no system store is not fatal: pinning still works */
}

static SSL_CTX *make_ctx(const char *ca_file, bool max_tls12, char *err, size_t errlen)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) {
        snprintf(err, errlen, "cannot create a TLS context");
        return NULL;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    if (max_tls12)
        SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    /* tls-unique is only unique to a connection without renegotiation
     * (RFC 5929 §3.1, the triple handshake): we never renegotiate. */
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    load_system_store(ctx);
    if (ca_file && SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
        snprintf(err, errlen, "cannot load CA file %s", ca_file);
        ERR_clear_error();
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

static bool setup_ssl(struct tls *t, const char *domain)
{
    t->ssl = SSL_new(t->ctx);
    t->rbio = BIO_new(BIO_s_mem());
    t->wbio = BIO_new(BIO_s_mem());
    if (!t->ssl || !t->rbio || !t->wbio) {
        BIO_free(t->rbio);
        BIO_free(t->wbio);
        return false;
    }
    BIO_set_mem_eof_return(t->rbio, -1);
    BIO_set_mem_eof_return(t->wbio, -1);
    SSL_set_bio(t->ssl, t->rbio, t->wbio);
    SSL_set_connect_state(t->ssl);
    /* SNI and the name check both use the JID's domain (RFC 6120 §13.7.2.1). */
    if (SSL_set_tlsext_host_name(t->ssl, domain) != 1 || SSL_set1_host(t->ssl, domain) != 1)
        return false;
    SSL_set_hostflags(t->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    return true;
}

struct tls *tls_new(const char *domain, const char *ca_file, bool max_tls12, tls_out_fn out,
                    void *ud, char *err, size_t errlen)
{
    struct tls *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    t->out = out;
    t->ud = ud;
    t->ctx = make_ctx(ca_file, max_tls12, err, errlen);
    if (!t->ctx) {
        free(t);
        return NULL;
    }
    if (!setup_ssl(t, domain)) {
        snprintf(err, errlen, "cannot set up TLS for %s", domain);
        ERR_clear_error();
        tls_free(t);
        return NULL;
    }
    return t;
}

void tls_free(struct tls *t)
{
    if (!t)
        return;
    SSL_free(t->ssl);
    SSL_CTX_free(t->ctx);
    free(t);
}

int tls_feed(struct tls *t, const char *buf, size_t len)
{
    while (len > 0) {
        int chunk = len > 65536 ? 65536 : (int)len;
        int n = BIO_write(t->rbio, buf, chunk);
        if (n <= 0) {
            set_error(t, "TLS buffer");
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Maps an SSL_* result to our status, keeping the error text. */
static enum tls_status status_of(struct tls *t, int ret, const char *what)
{
    int e = SSL_get_error(t->ssl, ret);
    switch (e) {
    case SSL_ERROR_NONE:
        return TLS_OK;
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
        return TLS_AGAIN;
    case SSL_ERROR_ZERO_RETURN:
        return TLS_CLOSED;
    default:
        set_error(t, what);
        return TLS_ERROR;
    }
}

enum tls_status tls_handshake(struct tls *t)
{
    if (t->done)
        return TLS_OK;
    int ret = SSL_do_handshake(t->ssl);
    enum tls_status st = ret == 1 ? TLS_OK : status_of(t, ret, "TLS handshake failed");
    drain(t);
    if (st == TLS_OK)
        t->done = true;
    if (st == TLS_CLOSED) {
        snprintf(t->error, sizeof t->error, "TLS handshake failed: connection closed");
        st = TLS_ERROR;
    }
    return st;
}

enum tls_status tls_read(struct tls *t, char *buf, size_t cap, size_t *got)
{
    size_t n = 0;
    int ret = SSL_read_ex(t->ssl, buf, cap, &n);
    enum tls_status st = ret == 1 ? TLS_OK : status_of(t, ret, "TLS read failed");
    /* Reading can produce output too: key updates, alerts. */
    drain(t);
    *got = n;
    return st;
}

int tls_write(struct tls *t, const char *buf, size_t len)
{
    if (len == 0)
        return 0;
    size_t n = 0;
    int ret = SSL_write_ex(t->ssl, buf, len, &n);
    drain(t);
    if (ret != 1 || n != len) {
        set_error(t, "TLS write failed");
        return -1;
    }
    return 0;
}

void tls_close_notify(struct tls *t)
{
    if (t->done) {
        SSL_shutdown(t->ssl);
        ERR_clear_error();
        drain(t);
    }
}

const char *tls_error(const struct tls *t)
{
    return t->error[0] ? t->error : "TLS error";
}

void tls_format_fingerprint(const unsigned char *md, size_t n, char *out, size_t cap)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    if (cap == 0)
        return;
    for (size_t i = 0; i < n && o + 3 <= cap; i++) {
        if (i > 0)
            out[o++] = ':';
        out[o++] = hex[md[i] >> 4];
        out[o++] = hex[md[i] & 15];
    }
    out[o < cap ? o : cap - 1] = '\0';
}

/* Next hex digit of a fingerprint, skipping colons and spaces; 0 at end. */
static int next_hex(const char **p)
{
    while (**p == ':' || **p == ' ')
        (*p)++;
    if (**p == '\0')
        return 0;
    return tolower((unsigned char)*(*p)++);
}

bool tls_fingerprint_equal(const char *a, const char *b)
{
    if (!a || !b)
        return false;
    size_t digits = 0;
    for (;;) {
        int x = next_hex(&a), y = next_hex(&b);
        if (x != y)
            return false;
        if (x == 0)
            return digits > 0;
        if (!isxdigit(x))
            return false;
        digits++;
    }
}

static void name_text(X509_NAME *name, char *out, size_t cap)
{
    BIO *b = BIO_new(BIO_s_mem());
    out[0] = '\0';
    if (!b)
        return;
    X509_NAME_print_ex(b, name, 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
    int n = BIO_read(b, out, (int)cap - 1);
    out[n > 0 ? n : 0] = '\0';
    BIO_free(b);
}

static void time_text(const ASN1_TIME *tm, char *out, size_t cap)
{
    BIO *b = BIO_new(BIO_s_mem());
    out[0] = '\0';
    if (!b)
        return;
    ASN1_TIME_print(b, tm);
    int n = BIO_read(b, out, (int)cap - 1);
    out[n > 0 ? n : 0] = '\0';
    BIO_free(b);
}

static void fill_info(X509 *cert, struct conn_cert_info *info)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    name_text(X509_get_subject_name(cert), info->subject, sizeof info->subject);
    name_text(X509_get_issuer_name(cert), info->issuer, sizeof info->issuer);
    time_text(X509_get0_notBefore(cert), info->not_before, sizeof info->not_before);
    time_text(X509_get0_notAfter(cert), info->not_after, sizeof info->not_after);
    if (X509_digest(cert, EVP_sha256(), md, &mdlen) == 1)
        tls_format_fingerprint(md, mdlen, info->sha256, sizeof info->sha256);
}

/* The chain as OpenSSL checks it, else the pinned leaf: the HTTP side of
 * tls_verify's rule, decided during the handshake since curl aborts on a
 * failed verification. */
static int verify_or_pinned(X509_STORE_CTX *sc, void *pinned)
{
    if (X509_verify_cert(sc) == 1)
        return 1;
    X509 *leaf = X509_STORE_CTX_get0_cert(sc);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    char fp[EVP_MAX_MD_SIZE * 3 + 1];
    if (!pinned || !leaf || X509_digest(leaf, EVP_sha256(), md, &n) != 1)
        return 0;
    tls_format_fingerprint(md, n, fp, sizeof fp);
    if (!tls_fingerprint_equal(pinned, fp))
        return 0;
    X509_STORE_CTX_set_error(sc, X509_V_OK);
    return 1;
}

int tls_http_trust(void *ssl_ctx, const char *ca_file, const char *pinned)
{
    SSL_CTX *ctx = ssl_ctx;
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    load_system_store(ctx);
    if (ca_file && SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
        ERR_clear_error();
        return -1;
    }
    SSL_CTX_set_cert_verify_callback(ctx, verify_or_pinned, (void *)pinned);
    return 0;
}

bool tls_verify(struct tls *t, const char *pinned, struct conn_cert_info *info)
{
    memset(info, 0, sizeof *info);
    X509 *cert = SSL_get1_peer_certificate(t->ssl);
    if (!cert) {
        /* X509_V_OK without a certificate does not mean success. */
        snprintf(info->reason, sizeof info->reason, "the server sent no certificate");
        snprintf(t->error, sizeof t->error, "%s", info->reason);
        return false;
    }
    fill_info(cert, info);
    X509_free(cert);
    long result = SSL_get_verify_result(t->ssl);
    bool pin_set = pinned && pinned[0];
    if (result == X509_V_OK)
        return true;
    if (pin_set && tls_fingerprint_equal(pinned, info->sha256))
        return true;
    if (pin_set)
        snprintf(info->reason, sizeof info->reason, "the certificate's fingerprint changed (%s)",
                 X509_verify_cert_error_string(result));
    else
        snprintf(info->reason, sizeof info->reason, "%s", X509_verify_cert_error_string(result));
    snprintf(t->error, sizeof t->error, "certificate refused: %s", info->reason);
    return false;
}

static size_t cb_exporter(struct tls *t, unsigned char *out, size_t cap)
{
    static const char label[] = "EXPORTER-Channel-Binding";
    /* RFC 9266 §3: on TLS 1.2 only with the extended master secret. */
    if (cap < 32 || (SSL_version(t->ssl) < TLS1_3_VERSION && SSL_get_extms_support(t->ssl) != 1))
        return 0;
    if (SSL_export_keying_material(t->ssl, out, 32, label, sizeof label - 1, NULL, 0, 0) != 1) {
        ERR_clear_error();
        return 0;
    }
    return 32;
}

/* RFC 5929 §3.1: the first Finished message of the latest handshake: ours
 * in a full handshake, the server's in a resumed one. */
static size_t cb_unique(struct tls *t, unsigned char *out, size_t cap)
{
    if (SSL_version(t->ssl) >= TLS1_3_VERSION)
        return 0; /* RFC 8446 §C.5: not defined for TLS 1.3 */
    size_t n = SSL_session_reused(t->ssl) ? SSL_get_peer_finished(t->ssl, out, cap)
                                          : SSL_get_finished(t->ssl, out, cap);
    return n <= cap ? n : 0;
}

/* RFC 5929 §4.1: the hash of the server's certificate, with the hash of
 * its signature algorithm, SHA-256 in place of MD5 or SHA-1. A signature
 * without a separate hash (Ed25519) has no defined binding. */
static size_t cb_end_point(struct tls *t, unsigned char *out, size_t cap)
{
    X509 *cert = SSL_get1_peer_certificate(t->ssl);
    if (!cert)
        return 0;
    int md_nid = NID_undef;
    const EVP_MD *md = NULL;
    if (X509_get_signature_info(cert, &md_nid, NULL, NULL, NULL) == 1) {
        if (md_nid == NID_md5 || md_nid == NID_sha1)
            md_nid = NID_sha256;
        md = md_nid == NID_undef ? NULL : EVP_get_digestbynid(md_nid);
    }
    unsigned len = 0;
    bool ok = md && (size_t)EVP_MD_get_size(md) <= cap && X509_digest(cert, md, out, &len) == 1;
    X509_free(cert);
    ERR_clear_error();
    return ok ? len : 0;
}

size_t tls_channel_binding(struct tls *t, const char *type, unsigned char *out, size_t cap)
{
    if (!t->done)
        return 0;
    if (strcmp(type, "tls-exporter") == 0)
        return cb_exporter(t, out, cap);
    if (strcmp(type, "tls-unique") == 0)
        return cb_unique(t, out, cap);
    if (strcmp(type, "tls-server-end-point") == 0)
        return cb_end_point(t, out, cap);
    return 0;
}

bool tls_is_13(struct tls *t)
{
    return t->done && SSL_version(t->ssl) >= TLS1_3_VERSION;
}

const char *tls_description(struct tls *t)
{
    if (!t->done)
        return "";
    snprintf(t->desc, sizeof t->desc, "%s %s", SSL_get_version(t->ssl),
             SSL_get_cipher_name(t->ssl));
    return t->desc;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* scram.c - the client side of SASL SCRAM (RFC 5802), with SHA-1 or
 * SHA-256 (RFC 7677) and the -PLUS variants bound to the TLS channel with
 * tls-exporter (RFC 9266).
 *
 * The exchange is three messages, and this module only builds and checks
 * their text; the session layer moves them (base64-wrapped) over XMPP:
 *
 *   client-first   gs2-header "n=" user ",r=" client-nonce
 *   server-first   "r=" client-nonce+server-nonce ",s=" salt ",i=" count
 *   client-final   "c=" base64(gs2-header + cb-data) ",r=" nonce ",p=" proof
 *   server-final   "v=" server-signature   (or "e=" error)
 *
 * The proof shows the server we know the password, and the server
 * signature shows us the server knows it too: a server that cannot produce
 * it is an impostor even if it says "success" (RFC 5802 §9).
 *
 * gs2 header (RFC 5802 §6, §7):
 *   "p=tls-exporter,,"  we bind to the channel and the server offered -PLUS;
 *   "y,,"               we could bind (the caller gave cb data) but the
 *                       server did not offer -PLUS. A server that does
 *                       support binding then fails us, which detects an
 *                       attacker stripping -PLUS from the mechanism list;
 *   "n,,"               we cannot bind (no cb data given).
 *
 * Secrets (password, SaltedPassword, keys, server signature, cb data) are
 * wiped with OPENSSL_cleanse before their memory is freed, so this module
 * depends on OpenSSL only. */
#include "xmpp/scram.h"
#include "xml/base64.h"
#include "xmpp/wipe.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "xmpp/saslprep.h"

/* RFC 7677 §4: the iteration count SHOULD be at least 4096; fewer makes
 * offline guessing cheap, so a server asking for fewer is refused. */
#define SCRAM_MIN_ITERATIONS 4096
/* A hostile server could ask for billions of rounds and freeze us. Ten
 * million is far beyond what any server uses (a few seconds of work). */
#define SCRAM_MAX_ITERATIONS 10000000u
#define SCRAM_NONCE_BYTES 24

enum scram_state { SCRAM_START, SCRAM_SENT_FIRST, SCRAM_SENT_FINAL, SCRAM_DONE, SCRAM_FAILED };

struct scram {
    enum scram_state state;
    const EVP_MD *md;
    size_t hlen;
    char mech[32];
    char *user;        /* SASLprep'd, then escaped as a saslname */
    char *password;    /* SASLprep'd; wiped once SaltedPassword is known */
    char *nonce;       /* client nonce */
    char *gs2;         /* gs2 header, e.g. "n,," */
    unsigned char *cb; /* channel binding data, only with "p=" */
    size_t cb_len;
    char *first_bare; /* client-first-message-bare, part of AuthMessage */
    unsigned char salted[EVP_MAX_MD_SIZE];
    bool have_salted;
    /* The server's salt and iteration count, kept for the vault. */
    unsigned char salt[SCRAM_SALT_MAX];
    size_t salt_len;
    unsigned iterations;
    /* A stored SaltedPassword (scram_use_salted), usable while the
     * server's salt and iteration count are the ones it was made with. */
    unsigned char preset[EVP_MAX_MD_SIZE];
    unsigned char preset_salt[SCRAM_SALT_MAX];
    size_t preset_salt_len;
    unsigned preset_iterations;
    bool have_preset;
    bool need_password;
    unsigned char server_sig[EVP_MAX_MD_SIZE];
};

/* One parsed "x=value" attribute of a SCRAM message (RFC 5802 §5.1). */
struct scram_attr {
    char name;
    const char *value;
    size_t len;
};

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (!err || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* Concatenates the NULL-terminated list of strings. Caller frees. */
static char *join(const char *first, ...)
{
    va_list ap;
    size_t total = 0, off = 0;
    const char *part;
    char *out;

    va_start(ap, first);
    for (part = first; part; part = va_arg(ap, const char *))
        total += strlen(part);
    va_end(ap);
    out = malloc(total + 1);
    if (!out)
        return NULL;
    va_start(ap, first);
    for (part = first; part; part = va_arg(ap, const char *)) {
        size_t n = strlen(part);
        memcpy(out + off, part, n);
        off += n;
    }
    va_end(ap);
    out[off] = '\0';
    return out;
}

/* Copies untrusted text for an error message: printable ASCII only. */
static void sanitize(const char *in, size_t len, char *out, size_t outlen)
{
    size_t i;

    for (i = 0; i < len && i + 1 < outlen; i++)
        out[i] = (in[i] >= 0x20 && in[i] < 0x7F) ? in[i] : '?';
    out[i] = '\0';
}

/* ---- setting up ---- */

/* RFC 5802 §5.1: in a saslname, ',' and '=' are written "=2C" and "=3D". */
static char *escape_saslname(const char *name)
{
    size_t n = strlen(name), extra = 0, o = 0;
    char *out;

    for (size_t i = 0; i < n; i++)
        if (name[i] == ',' || name[i] == '=')
            extra += 2;
    out = malloc(n + extra + 1);
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const char *rep = name[i] == ',' ? "=2C" : name[i] == '=' ? "=3D" : NULL;
        if (rep) {
            memcpy(out + o, rep, 3);
            o += 3;
        } else {
            out[o++] = name[i];
        }
    }
    out[o] = '\0';
    return out;
}

static int init_user(struct scram *s, const char *user, char *err, size_t errlen)
{
    char *prepped = user ? saslprep(user) : NULL;

    if (!prepped || !*prepped) {
        free(prepped);
        set_err(err, errlen, "SCRAM: username is empty or refused by SASLprep");
        return -1;
    }
    s->user = escape_saslname(prepped);
    free(prepped);
    if (!s->user) {
        set_err(err, errlen, "SCRAM: out of memory");
        return -1;
    }
    return 0;
}

static int init_password(struct scram *s, const char *password, char *err, size_t errlen)
{
    if (!password)
        return 0; /* scram_use_salted must follow */
    s->password = saslprep(password);
    if (!s->password) {
        set_err(err, errlen,
                "SCRAM: password refused by SASLprep (invalid UTF-8 or a prohibited "
                "character)");
        return -1;
    }
    return 0;
}

/* RFC 5056 §7: a channel binding type name is 1*(ALPHA / DIGIT / "." / "-"). */
static bool valid_cb_name(const char *name)
{
    if (!*name)
        return false;
    for (const char *p = name; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-'))
            return false;
    }
    return true;
}

static int init_binding(struct scram *s, const char *cb_name, const unsigned char *cb_data,
                        size_t cb_len, bool server_supports_plus, char *err, size_t errlen)
{
    if (!cb_name) {
        s->gs2 = join("n,,", NULL);
    } else if (!valid_cb_name(cb_name) || !cb_data || cb_len == 0) {
        set_err(err, errlen, "SCRAM: bad channel binding name or data");
        return -1;
    } else if (!server_supports_plus) {
        s->gs2 = join("y,,", NULL);
    } else {
        s->gs2 = join("p=", cb_name, ",,", NULL);
        s->cb = malloc(cb_len);
        if (s->cb) {
            memcpy(s->cb, cb_data, cb_len);
            s->cb_len = cb_len;
        }
    }
    if (!s->gs2 || (s->gs2[0] == 'p' && !s->cb)) {
        set_err(err, errlen, "SCRAM: out of memory");
        return -1;
    }
    return 0;
}

/* RFC 5802 §7: printable = %x21-2B / %x2D-7E (any visible ASCII but ','). */
static bool valid_nonce(const char *p, size_t len)
{
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++)
        if (p[i] < 0x21 || p[i] > 0x7E || p[i] == ',')
            return false;
    return true;
}

/* A given nonce is checked; otherwise 24 random bytes in base64, whose
 * alphabet is all printable and has no ','. */
static int init_nonce(struct scram *s, const char *nonce, char *err, size_t errlen)
{
    unsigned char raw[SCRAM_NONCE_BYTES];

    if (nonce) {
        if (!valid_nonce(nonce, strlen(nonce))) {
            set_err(err, errlen, "SCRAM: bad client nonce");
            return -1;
        }
        s->nonce = join(nonce, NULL);
    } else {
        if (RAND_bytes(raw, sizeof raw) != 1) {
            set_err(err, errlen, "SCRAM: no random bytes for the nonce");
            return -1;
        }
        s->nonce = base64_encode(raw, sizeof raw);
    }
    if (!s->nonce) {
        set_err(err, errlen, "SCRAM: out of memory");
        return -1;
    }
    return 0;
}

struct scram *scram_new(enum scram_hash hash, const char *user, const char *password,
                        const char *cb_name, const unsigned char *cb_data, size_t cb_len,
                        bool server_supports_plus, const char *nonce, char *err, size_t errlen)
{
    struct scram *s;

    if (hash != SCRAM_SHA1 && hash != SCRAM_SHA256) {
        set_err(err, errlen, "SCRAM: unknown hash");
        return NULL;
    }
    s = calloc(1, sizeof *s);
    if (!s) {
        set_err(err, errlen, "SCRAM: out of memory");
        return NULL;
    }
    s->md = hash == SCRAM_SHA256 ? EVP_sha256() : EVP_sha1();
    s->hlen = (size_t)EVP_MD_get_size(s->md);
    if (init_user(s, user, err, errlen) < 0 || init_password(s, password, err, errlen) < 0 ||
        init_binding(s, cb_name, cb_data, cb_len, server_supports_plus, err, errlen) < 0 ||
        init_nonce(s, nonce, err, errlen) < 0) {
        scram_free(s);
        return NULL;
    }
    snprintf(s->mech, sizeof s->mech, "SCRAM-SHA-%s%s", hash == SCRAM_SHA256 ? "256" : "1",
             s->cb ? "-PLUS" : "");
    return s;
}

void scram_free(struct scram *s)
{
    if (!s)
        return;
    free(s->user);
    wipe_free_str(s->password);
    wipe_free_str(s->nonce);
    free(s->gs2);
    wipe_free(s->cb, s->cb_len);
    free(s->first_bare);
    OPENSSL_cleanse(s, sizeof *s);
    free(s);
}

const char *scram_mechanism(const struct scram *s)
{
    return s->mech;
}

char *scram_client_first(struct scram *s)
{
    if (s->state != SCRAM_START && s->state != SCRAM_SENT_FIRST)
        return NULL;
    if (!s->first_bare) {
        s->first_bare = join("n=", s->user, ",r=", s->nonce, NULL);
        if (!s->first_bare)
            return NULL;
    }
    s->state = SCRAM_SENT_FIRST;
    return join(s->gs2, s->first_bare, NULL);
}

/* ---- parsing server messages ---- */

/* Reads the attribute at *p (up to end) and moves *p past its ','.
 * Returns -1 when the text is not "x=value". */
static int next_attr(const char **p, const char *end, struct scram_attr *a)
{
    const char *s = *p, *comma;

    if (end - s < 2 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')) ||
        s[1] != '=')
        return -1;
    comma = memchr(s, ',', (size_t)(end - s));
    a->name = s[0];
    a->value = s + 2;
    a->len = (size_t)((comma ? comma : end) - a->value);
    *p = comma ? comma + 1 : end;
    return 0;
}

/* A copy of a server message as a C string, NULL if it holds a NUL. */
static char *copy_message(const char *msg, size_t len)
{
    char *out;

    if (!msg || memchr(msg, '\0', len))
        return NULL;
    out = malloc(len + 1);
    if (!out)
        return NULL;
    memcpy(out, msg, len);
    out[len] = '\0';
    return out;
}

/* The first attribute of a server message: refuses "e=" (the server's
 * error) and "m=" (a mandatory extension we cannot know, RFC 5802 §5.1). */
static int first_attr(const char **p, const char *end, char want, struct scram_attr *a, char *err,
                      size_t errlen)
{
    char text[128];

    if (next_attr(p, end, a) < 0) {
        set_err(err, errlen, "SCRAM: malformed server message");
        return -1;
    }
    if (a->name == 'e') {
        sanitize(a->value, a->len, text, sizeof text);
        set_err(err, errlen, "SCRAM: server error: %s", text);
        return -1;
    }
    if (a->name == 'm') {
        set_err(err, errlen, "SCRAM: server requires an unsupported extension");
        return -1;
    }
    if (a->name != want) {
        set_err(err, errlen, "SCRAM: malformed server message");
        return -1;
    }
    return 0;
}

static int parse_iterations(const struct scram_attr *a, unsigned *iter)
{
    unsigned long v = 0;

    if (a->len == 0 || a->len > 10 || a->value[0] == '0')
        return -1;
    for (size_t i = 0; i < a->len; i++) {
        if (a->value[i] < '0' || a->value[i] > '9')
            return -1;
        v = v * 10 + (unsigned long)(a->value[i] - '0');
    }
    *iter = v > SCRAM_MAX_ITERATIONS ? SCRAM_MAX_ITERATIONS + 1 : (unsigned)v;
    return 0;
}

struct server_first {
    struct scram_attr nonce, salt, iter;
};

static int parse_server_first(const struct scram *s, const char *msg, size_t len,
                              struct server_first *sf, char *err, size_t errlen)
{
    const char *p = msg, *end = msg + len;
    size_t ours = strlen(s->nonce);

    if (first_attr(&p, end, 'r', &sf->nonce, err, errlen) < 0)
        return -1;
    if (next_attr(&p, end, &sf->salt) < 0 || sf->salt.name != 's' ||
        next_attr(&p, end, &sf->iter) < 0 || sf->iter.name != 'i') {
        set_err(err, errlen, "SCRAM: malformed server-first-message");
        return -1;
    }
    /* RFC 5802 §5.1: the server appends its part to our nonce. A reply
     * without our nonce is not an answer to this exchange. */
    if (sf->nonce.len <= ours || memcmp(sf->nonce.value, s->nonce, ours) != 0 ||
        !valid_nonce(sf->nonce.value, sf->nonce.len)) {
        set_err(err, errlen, "SCRAM: server nonce does not extend ours");
        return -1;
    }
    return 0;
}

/* ---- the proof ---- */

static int hmac(const struct scram *s, const unsigned char *key, const void *data, size_t len,
                unsigned char *out)
{
    unsigned int n = 0;

    return HMAC(s->md, key, (int)s->hlen, data, len, out, &n) && n == s->hlen ? 0 : -1;
}

/* RFC 5802 §3: from SaltedPassword and AuthMessage, computes ClientProof
 * into proof and keeps ServerSignature for the last step. */
static int compute_keys(struct scram *s, const char *auth, unsigned char *proof)
{
    unsigned char client_key[EVP_MAX_MD_SIZE], stored_key[EVP_MAX_MD_SIZE];
    unsigned char client_sig[EVP_MAX_MD_SIZE], server_key[EVP_MAX_MD_SIZE];
    size_t alen = strlen(auth);
    int rc = -1;

    if (hmac(s, s->salted, "Client Key", 10, client_key) == 0 &&
        EVP_Digest(client_key, s->hlen, stored_key, NULL, s->md, NULL) == 1 &&
        hmac(s, stored_key, auth, alen, client_sig) == 0 &&
        hmac(s, s->salted, "Server Key", 10, server_key) == 0 &&
        hmac(s, server_key, auth, alen, s->server_sig) == 0) {
        for (size_t i = 0; i < s->hlen; i++)
            proof[i] = client_key[i] ^ client_sig[i];
        rc = 0;
    }
    OPENSSL_cleanse(client_key, sizeof client_key);
    OPENSSL_cleanse(stored_key, sizeof stored_key);
    OPENSSL_cleanse(client_sig, sizeof client_sig);
    OPENSSL_cleanse(server_key, sizeof server_key);
    return rc;
}

/* SaltedPassword = Hi(password, salt, i), which is PBKDF2 (RFC 5802 §2.2).
 * Once we have it the password itself is no longer needed. */
static int salt_password(struct scram *s, const struct server_first *sf, char *err, size_t errlen)
{
    size_t salt_len = 0;
    unsigned char *salt = base64_decode(sf->salt.value, sf->salt.len, &salt_len);
    unsigned iter = 0;
    int ok;

    if (!salt || salt_len == 0) {
        free(salt);
        set_err(err, errlen, "SCRAM: bad salt from server");
        return -1;
    }
    if (parse_iterations(&sf->iter, &iter) < 0 || iter < SCRAM_MIN_ITERATIONS ||
        iter > SCRAM_MAX_ITERATIONS) {
        free(salt);
        set_err(err, errlen, "SCRAM: iteration count refused (must be %d to %u)",
                SCRAM_MIN_ITERATIONS, SCRAM_MAX_ITERATIONS);
        return -1;
    }
    if (salt_len > sizeof s->salt) {
        free(salt);
        set_err(err, errlen, "SCRAM: salt from server is too long");
        return -1;
    }
    memcpy(s->salt, salt, salt_len);
    s->salt_len = salt_len;
    s->iterations = iter;
    if (s->have_preset && salt_len == s->preset_salt_len && iter == s->preset_iterations &&
        CRYPTO_memcmp(salt, s->preset_salt, salt_len) == 0) {
        free(salt);
        memcpy(s->salted, s->preset, s->hlen);
        s->have_salted = true;
        return 0;
    }
    if (!s->password) {
        /* The server changed its salt or iteration count (a password
         * change, a migration): only the real password can go on. */
        free(salt);
        s->need_password = true;
        set_err(err, errlen,
                "SCRAM: the stored salted password no longer matches the server; "
                "the password is needed");
        return -1;
    }
    ok = PKCS5_PBKDF2_HMAC(s->password, (int)strlen(s->password), salt, (int)salt_len, (int)iter,
                           s->md, (int)s->hlen, s->salted);
    free(salt);
    if (!ok) {
        set_err(err, errlen, "SCRAM: PBKDF2 failed");
        return -1;
    }
    wipe_free_str(s->password);
    s->password = NULL;
    s->have_salted = true;
    return 0;
}

/* "c=" base64(gs2-header + cb-data) ",r=" nonce (RFC 5802 §7). */
static char *final_without_proof(const struct scram *s, const struct scram_attr *nonce)
{
    size_t glen = strlen(s->gs2);
    unsigned char *cbind = malloc(glen + s->cb_len);
    char *c64, *nonce_str, *out = NULL;

    if (!cbind)
        return NULL;
    memcpy(cbind, s->gs2, glen);
    if (s->cb_len)
        memcpy(cbind + glen, s->cb, s->cb_len);
    c64 = base64_encode(cbind, glen + s->cb_len);
    nonce_str = copy_message(nonce->value, nonce->len);
    if (c64 && nonce_str)
        out = join("c=", c64, ",r=", nonce_str, NULL);
    wipe_free(cbind, glen + s->cb_len);
    free(c64);
    free(nonce_str);
    return out;
}

static char *build_final(struct scram *s, const char *server_first, const struct server_first *sf)
{
    unsigned char proof[EVP_MAX_MD_SIZE];
    char *without = final_without_proof(s, &sf->nonce);
    char *auth = NULL, *p64 = NULL, *out = NULL;

    if (without)
        auth = join(s->first_bare, ",", server_first, ",", without, NULL);
    if (auth && compute_keys(s, auth, proof) == 0)
        p64 = base64_encode(proof, s->hlen);
    if (p64)
        out = join(without, ",p=", p64, NULL);
    OPENSSL_cleanse(proof, sizeof proof);
    free(without);
    free(auth);
    free(p64);
    return out;
}

/* Forgets what came from an exchange that failed, so a salted password
 * derived from a salt an impostor chose is never handed to the vault. */
static int fail(struct scram *s)
{
    s->state = SCRAM_FAILED;
    OPENSSL_cleanse(s->salted, sizeof s->salted);
    s->have_salted = false;
    return -1;
}

char *scram_client_final(struct scram *s, const char *server_first, size_t len, char *err,
                         size_t errlen)
{
    struct server_first sf;
    char *msg, *out = NULL;

    if (s->state != SCRAM_SENT_FIRST) {
        set_err(err, errlen, "SCRAM: server-first-message out of order");
        return NULL;
    }
    msg = copy_message(server_first, len);
    if (!msg) {
        set_err(err, errlen, "SCRAM: malformed server-first-message");
        fail(s);
        return NULL;
    }
    if (parse_server_first(s, msg, len, &sf, err, errlen) == 0 &&
        salt_password(s, &sf, err, errlen) == 0) {
        out = build_final(s, msg, &sf);
        if (!out)
            set_err(err, errlen, "SCRAM: out of memory");
    }
    free(msg);
    if (!out) {
        fail(s);
        return NULL;
    }
    s->state = SCRAM_SENT_FINAL;
    return out;
}

static int check_verifier(struct scram *s, const struct scram_attr *v, char *err, size_t errlen)
{
    size_t n = 0;
    unsigned char *sig = base64_decode(v->value, v->len, &n);
    bool same = sig && n == s->hlen && CRYPTO_memcmp(sig, s->server_sig, s->hlen) == 0;

    free(sig);
    if (!same) {
        set_err(err, errlen,
                "SCRAM: the server's signature is wrong: it does not know "
                "the password (impostor?)");
        return -1;
    }
    return 0;
}

int scram_verify_server_final(struct scram *s, const char *server_final, size_t len, char *err,
                              size_t errlen)
{
    struct scram_attr v;
    const char *p, *end;
    char *msg;
    int rc;

    if (s->state != SCRAM_SENT_FINAL) {
        set_err(err, errlen, "SCRAM: server-final-message out of order");
        return fail(s);
    }
    msg = copy_message(server_final, len);
    if (!msg) {
        set_err(err, errlen, "SCRAM: malformed server-final-message");
        return fail(s);
    }
    p = msg;
    end = msg + len;
    rc = first_attr(&p, end, 'v', &v, err, errlen);
    if (rc == 0)
        rc = check_verifier(s, &v, err, errlen);
    free(msg);
    if (rc < 0)
        return fail(s);
    s->state = SCRAM_DONE;
    OPENSSL_cleanse(s->server_sig, sizeof s->server_sig);
    return 0;
}

int scram_use_salted(struct scram *s, const unsigned char *salted, size_t len,
                     const unsigned char *salt, size_t salt_len, unsigned iterations)
{
    if (s->state != SCRAM_START || len != s->hlen || salt_len == 0 || salt_len > SCRAM_SALT_MAX)
        return -1;
    memcpy(s->preset, salted, len);
    memcpy(s->preset_salt, salt, salt_len);
    s->preset_salt_len = salt_len;
    s->preset_iterations = iterations;
    s->have_preset = true;
    return 0;
}

bool scram_needs_password(const struct scram *s)
{
    return s->need_password;
}

const unsigned char *scram_salt(const struct scram *s, size_t *len, unsigned *iterations)
{
    *len = s->have_salted ? s->salt_len : 0;
    *iterations = s->have_salted ? s->iterations : 0;
    return s->have_salted ? s->salt : NULL;
}

const unsigned char *scram_salted_password(const struct scram *s, size_t *len)
{
    if (!s->have_salted) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = s->hlen;
    return s->salted;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vault.c - the password vault: one small file, DATA/vault, holding one
 * record per account, each a password or a SCRAM salted password,
 * encrypted with XChaCha20-Poly1305 under a key that comes from the master
 * passphrase (Argon2id) or, without one, from DATA/vault.key.
 *
 * The whole file is read and authenticated at open, and rewritten
 * atomically on every change, so it is either the old vault or the new one,
 * never half of each. A vault we cannot read (wrong passphrase, damage, a
 * newer version) is never overwritten unless the caller asked for it with
 * VAULT_REPLACE; then the old file is kept beside as vault.broken.
 *
 * Records stay encrypted in memory; a getter decrypts one into
 * sodium_malloc'd memory for the caller. The key itself sits in a guarded
 * sodium_malloc page that is made inaccessible between uses.
 *
 * The byte layout is documented in docs/vault.md; keep the two in step. */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core/config.h"
#include "core/path.h"
#include "core/vault.h"

#define MAGIC "TUKVAULT"
#define MAGIC_LEN 8
#define FORMAT_VERSION 1
#define KEYHDR_LEN 44 /* magic .. salt: the "KDF identity" in every AD */
#define OFF_CHECK_NONCE 44
#define OFF_CHECK_CT 68
#define OFF_COUNT 100
#define OFF_TOTAL 104
#define HDR_LEN 108
#define SUM_LEN 32
#define REC_HDR_LEN 32
#define NONCE_LEN crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_LEN crypto_aead_xchacha20poly1305_ietf_ABYTES
#define KEY_LEN crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define SALT_LEN crypto_pwhash_SALTBYTES
#define CHECK_TEXT "tuktuk vault key"
#define CHECK_LEN 16
#define FILE_MAX (16u << 20)
#define KEYFILE_MAGIC "TUKVKEY1"
#define KEYFILE_LEN (8 + KEY_LEN)
/* Refuse KDF parameters that would make opening a planted vault take
 * minutes or gigabytes: far above SENSITIVE, far below harm. */
#define OPS_MAX 64
#define MEM_MAX (4ull << 30)

enum { SRC_PASSPHRASE = 1, SRC_KEYFILE = 2 };
enum { KIND_PASSWORD = 1, KIND_SCRAM = 2 };

struct rec {
    unsigned char kind;
    char *jid;
    unsigned char nonce[NONCE_LEN];
    unsigned char *ct;
    size_t ctlen;
};

struct vault {
    char *dir;
    char *path;
    char *keypath;
    unsigned char keyhdr[KEYHDR_LEN];
    unsigned char *key; /* sodium_malloc; PROT_NONE between uses */
    bool key_on_disk;   /* key-file mode: vault.key already holds key */
    bool replace;       /* VAULT_REPLACE: the file on disk may be ignored */
    struct rec *recs;
    size_t nrecs;
};

/* ---- small helpers ------------------------------------------------- */

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (24 - 8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (56 - 8 * i));
}

static unsigned get16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static void key_open(struct vault *v)
{
    sodium_mprotect_readwrite(v->key);
}

static void key_close(struct vault *v)
{
    sodium_mprotect_noaccess(v->key);
}

/* The bare JID, ASCII lowercased: the record's identity and part of its
 * AD (path_norm_jid). */
static int norm_jid(const char *jid, char *out, char *err, size_t errlen)
{
    if (!jid || !path_norm_jid(jid, strlen(jid), out)) {
        snprintf(err, errlen, "invalid JID for the vault");
        return -1;
    }
    return 0;
}

/* ---- files --------------------------------------------------------- */

static int write_all(int fd, const unsigned char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return;
    /* The rename is done; a failure here only weakens durability after a
     * power loss, which we cannot report in a useful way. */
    (void)fsync(fd);
    close(fd);
}

int vault_write_stream(const char *dir, const char *name, vault_fill_fn fill, void *ctx, char *err,
                       size_t errlen)
{
    char *final = path_join(dir, name);
    size_t tn = strlen(dir) + strlen(name) + 16;
    char *tmp = malloc(tn);
    if (!final || !tmp) {
        free(final);
        free(tmp);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(tmp, tn, "%s/%s.tmp.XXXXXX", dir, name);
    const char *step = "create";
    int fd = mkstemp(tmp); /* mode 0600 */
    if (fd < 0)
        goto fail;
    step = "write";
    if (fchmod(fd, 0600) < 0 || fill(ctx, fd) < 0 || fsync(fd) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        goto fail_unlink;
    }
    if (close(fd) < 0)
        goto fail_unlink;
    step = "rename";
    if (rename(tmp, final) < 0)
        goto fail_unlink;
    sync_dir(dir);
    free(final);
    free(tmp);
    return 0;
fail_unlink:;
    int e = errno;
    unlink(tmp);
    errno = e;
fail:
    snprintf(err, errlen, "cannot %s %s: %s; the old %s is unchanged", step, final, strerror(errno),
             name);
    free(final);
    free(tmp);
    return -1;
}

struct buffer {
    const void *data;
    size_t len;
};

static int fill_buffer(void *ctx, int fd)
{
    const struct buffer *b = ctx;
    return write_all(fd, b->data, b->len);
}

int vault_write_file(const char *dir, const char *name, const void *data, size_t len, char *err,
                     size_t errlen)
{
    struct buffer b = {data, len};
    return vault_write_stream(dir, name, fill_buffer, &b, err, errlen);
}

/* Reads a whole file. Returns 0, 1 if it does not exist, -1 on error
 * (errno set; EFBIG when it is larger than FILE_MAX). */
static int read_file(const char *path, unsigned char **out, size_t *outlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 1 : -1;
    size_t cap = 4096, len = 0;
    unsigned char *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            close(fd);
            errno = ENOMEM;
            return -1;
        }
        if (len == cap) {
            if (cap > FILE_MAX) {
                free(buf);
                close(fd);
                errno = EFBIG;
                return -1;
            }
            unsigned char *nb = realloc(buf, cap * 2);
            if (!nb)
                free(buf);
            buf = nb;
            cap *= 2;
            continue;
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = errno;
            close(fd);
            if (n < 0) {
                free(buf);
                errno = e;
                return -1;
            }
            *out = buf;
            *outlen = len;
            return 0;
        }
        len += (size_t)n;
    }
}

/* Reads DATA/vault.key into key. */
static enum vault_error read_keyfile(const char *path, unsigned char *key, char *err, size_t errlen)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    int r = read_file(path, &buf, &len);
    if (r != 0) {
        snprintf(err, errlen, "%s: %s: the vault cannot be decrypted", path,
                 r == 1 ? "missing" : strerror(errno));
        return VAULT_ERR_KEYFILE;
    }
    enum vault_error e = VAULT_OK;
    if (len != KEYFILE_LEN || memcmp(buf, KEYFILE_MAGIC, 8) != 0) {
        snprintf(err, errlen, "%s: not a tuktuk vault key file", path);
        e = VAULT_ERR_KEYFILE;
    } else {
        memcpy(key, buf + 8, KEY_LEN);
    }
    sodium_memzero(buf, len);
    free(buf);
    return e;
}

static int write_keyfile(struct vault *v, char *err, size_t errlen)
{
    unsigned char *buf = sodium_malloc(KEYFILE_LEN);
    if (!buf) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(buf, KEYFILE_MAGIC, 8);
    memcpy(buf + 8, v->key, KEY_LEN);
    int r = vault_write_file(v->dir, "vault.key", buf, KEYFILE_LEN, err, errlen);
    sodium_free(buf);
    if (r == 0)
        v->key_on_disk = true;
    return r;
}

/* Keeps an unreadable file as PATH.broken before it is replaced. */
static void keep_broken(const char *path)
{
    size_t n = strlen(path) + 8;
    char *bak = malloc(n);
    if (!bak)
        return;
    snprintf(bak, n, "%s.broken", path);
    unlink(bak);
    if (link(path, bak) < 0 && errno != ENOENT)
        rename(path, bak);
    free(bak);
}

/* ---- key material -------------------------------------------------- */

static void new_keyhdr(unsigned char *h, bool passphrase)
{
    memset(h, 0, KEYHDR_LEN);
    memcpy(h, MAGIC, MAGIC_LEN);
    h[8] = FORMAT_VERSION;
    h[9] = passphrase ? SRC_PASSPHRASE : SRC_KEYFILE;
    if (passphrase) {
        h[10] = crypto_pwhash_ALG_ARGON2ID13;
        put64(h + 12, crypto_pwhash_OPSLIMIT_INTERACTIVE);
        put64(h + 20, crypto_pwhash_MEMLIMIT_INTERACTIVE);
    }
    /* In key-file mode the "salt" is a random vault id; it costs nothing
     * and keeps every header distinct. */
    randombytes_buf(h + 28, SALT_LEN);
}

static enum vault_error derive_key(const unsigned char *h, const char *pass, unsigned char *key,
                                   char *err, size_t errlen)
{
    if (crypto_pwhash(key, KEY_LEN, pass, strlen(pass), h + 28, get64(h + 12),
                      (size_t)get64(h + 20), h[10]) != 0) {
        snprintf(err, errlen, "not enough memory to derive the vault key");
        return VAULT_ERR_NOMEM;
    }
    return VAULT_OK;
}

/* A fresh, empty vault: new header; key from the passphrase, or from an
 * existing vault.key when reuse_keyfile, or new and random. */
static enum vault_error init_fresh(struct vault *v, const char *pass, bool reuse_keyfile, char *err,
                                   size_t errlen)
{
    new_keyhdr(v->keyhdr, pass != NULL);
    v->key_on_disk = false;
    if (pass)
        return derive_key(v->keyhdr, pass, v->key, err, errlen);
    char ignored[8];
    if (reuse_keyfile && read_keyfile(v->keypath, v->key, ignored, sizeof ignored) == VAULT_OK) {
        v->key_on_disk = true;
        return VAULT_OK;
    }
    randombytes_buf(v->key, KEY_LEN);
    return VAULT_OK;
}

/* ---- records ------------------------------------------------------- */

/* AD = KDF identity (44) || kind || 0 || jid length (2) || jid. */
static unsigned char *make_ad(const unsigned char *keyhdr, unsigned kind, const char *jid,
                              size_t *adlen)
{
    size_t jl = strlen(jid);
    unsigned char *ad = malloc(KEYHDR_LEN + 4 + jl);
    if (!ad)
        return NULL;
    memcpy(ad, keyhdr, KEYHDR_LEN);
    ad[KEYHDR_LEN] = (unsigned char)kind;
    ad[KEYHDR_LEN + 1] = 0;
    put16(ad + KEYHDR_LEN + 2, (unsigned)jl);
    memcpy(ad + KEYHDR_LEN + 4, jid, jl);
    *adlen = KEYHDR_LEN + 4 + jl;
    return ad;
}

static void rec_clear(struct rec *r)
{
    free(r->jid);
    free(r->ct);
    memset(r, 0, sizeof *r);
}

static void recs_free(struct rec *recs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        rec_clear(&recs[i]);
    free(recs);
}

/* Encrypts pt into a new record with a fresh random nonce. */
static int rec_seal(const unsigned char *keyhdr, const unsigned char *key, unsigned kind,
                    const char *jid, const unsigned char *pt, size_t ptlen, struct rec *r)
{
    size_t adlen;
    unsigned char *ad = make_ad(keyhdr, kind, jid, &adlen);
    memset(r, 0, sizeof *r);
    r->kind = (unsigned char)kind;
    r->jid = strdup(jid);
    r->ct = malloc(ptlen + TAG_LEN);
    if (!ad || !r->jid || !r->ct) {
        free(ad);
        rec_clear(r);
        return -1;
    }
    randombytes_buf(r->nonce, NONCE_LEN);
    unsigned long long clen;
    crypto_aead_xchacha20poly1305_ietf_encrypt(r->ct, &clen, pt, ptlen, ad, adlen, NULL, r->nonce,
                                               key);
    r->ctlen = (size_t)clen;
    free(ad);
    return 0;
}

/* Decrypts a record into sodium_malloc'd memory (one spare byte, zeroed,
 * so a password is also a C string). Returns NULL if it does not
 * authenticate or memory runs out. */
static unsigned char *rec_open(const unsigned char *keyhdr, const unsigned char *key,
                               const struct rec *r, size_t *ptlen)
{
    size_t adlen;
    unsigned char *ad = make_ad(keyhdr, r->kind, r->jid, &adlen);
    unsigned char *pt = sodium_malloc(r->ctlen - TAG_LEN + 1);
    unsigned long long n = 0;
    if (!ad || !pt ||
        crypto_aead_xchacha20poly1305_ietf_decrypt(pt, &n, NULL, r->ct, r->ctlen, ad, adlen,
                                                   r->nonce, key) != 0) {
        free(ad);
        if (pt)
            sodium_free(pt);
        return NULL;
    }
    free(ad);
    pt[n] = 0;
    *ptlen = (size_t)n;
    return pt;
}

/* SCRAM plaintext: mechlen(1) mech iterations(4) saltlen(2) salt
 * saltedlen(1) salted. Fills s (if non-NULL) and says if it is well-formed. */
static bool scram_decode(const unsigned char *p, size_t len, struct vault_scram *s)
{
    size_t off = 0, ml, sl, dl;
    if (len < 1 || (ml = p[0]) == 0 || ml > VAULT_MECH_MAX || len < 1 + ml + 4 + 2)
        return false;
    off = 1 + ml + 4;
    sl = get16(p + off);
    off += 2;
    if (sl == 0 || sl > VAULT_SALT_MAX || len < off + sl + 1)
        return false;
    dl = p[off + sl];
    if (dl == 0 || dl > VAULT_SALTED_MAX || len != off + sl + 1 + dl)
        return false;
    if (s) {
        memcpy(s->mechanism, p + 1, ml);
        s->mechanism[ml] = '\0';
        s->iterations = get32(p + 1 + ml);
        s->saltlen = sl;
        memcpy(s->salt, p + off, sl);
        s->saltedlen = dl;
        memcpy(s->salted, p + off + sl + 1, dl);
    }
    return memchr(p + 1, 0, ml) == NULL;
}

static bool rec_verify(const unsigned char *keyhdr, const unsigned char *key, const struct rec *r)
{
    size_t n;
    unsigned char *pt = rec_open(keyhdr, key, r, &n);
    if (!pt)
        return false;
    bool ok =
        r->kind == KIND_PASSWORD ? n > 0 && memchr(pt, 0, n) == NULL : scram_decode(pt, n, NULL);
    sodium_free(pt);
    return ok;
}

static ssize_t rec_find(const struct vault *v, const char *jid)
{
    for (size_t i = 0; i < v->nrecs; i++)
        if (strcmp(v->recs[i].jid, jid) == 0)
            return (ssize_t)i;
    return -1;
}

/* ---- the file image ------------------------------------------------ */

/* Checks everything that needs no key: magic, version, length, checksum,
 * header fields. Distinguishes truncation (too short for what the header
 * promises) from other damage. */
static enum vault_error check_image(const unsigned char *b, size_t len, const char *path, char *err,
                                    size_t errlen)
{
    size_t m = len < MAGIC_LEN ? len : MAGIC_LEN;
    if (memcmp(b, MAGIC, m) != 0) {
        snprintf(err, errlen, "%s: vault is corrupted (not a tuktuk vault)", path);
        return VAULT_ERR_CORRUPTED;
    }
    if (len > MAGIC_LEN && b[8] != FORMAT_VERSION) {
        snprintf(err, errlen, "%s: unsupported vault version %u", path, b[8]);
        return VAULT_ERR_VERSION;
    }
    uint32_t total = len >= HDR_LEN ? get32(b + OFF_TOTAL) : HDR_LEN + SUM_LEN;
    if (len < total) {
        snprintf(err, errlen, "%s: vault is truncated (%zu of %u bytes)", path, len,
                 (unsigned)total);
        return VAULT_ERR_TRUNCATED;
    }
    unsigned char sum[SUM_LEN];
    if (len > total || total < HDR_LEN + SUM_LEN) {
        snprintf(err, errlen, "%s: vault is corrupted (bad length)", path);
        return VAULT_ERR_CORRUPTED;
    }
    crypto_generichash(sum, SUM_LEN, b, len - SUM_LEN, NULL, 0);
    if (sodium_memcmp(sum, b + len - SUM_LEN, SUM_LEN) != 0) {
        snprintf(err, errlen, "%s: vault is corrupted (checksum mismatch)", path);
        return VAULT_ERR_CORRUPTED;
    }
    uint64_t ops = get64(b + 12), mem = get64(b + 20);
    bool ok = b[11] == 0 &&
              ((b[9] == SRC_PASSPHRASE && b[10] == crypto_pwhash_ALG_ARGON2ID13 && ops >= 1 &&
                ops <= OPS_MAX && mem >= crypto_pwhash_MEMLIMIT_MIN && mem <= MEM_MAX) ||
               (b[9] == SRC_KEYFILE && b[10] == 0 && ops == 0 && mem == 0));
    if (!ok) {
        snprintf(err, errlen, "%s: vault is corrupted (bad key parameters)", path);
        return VAULT_ERR_CORRUPTED;
    }
    return VAULT_OK;
}

static bool check_key(const unsigned char *b, const unsigned char *key)
{
    unsigned char pt[CHECK_LEN];
    unsigned long long n;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(pt, &n, NULL, b + OFF_CHECK_CT,
                                                   CHECK_LEN + TAG_LEN, b, KEYHDR_LEN,
                                                   b + OFF_CHECK_NONCE, key) != 0)
        return false;
    return n == CHECK_LEN && memcmp(pt, CHECK_TEXT, CHECK_LEN) == 0;
}

/* Reads one record header at b[off..end); fills r without copying. */
static bool rec_parse(const unsigned char *b, size_t *off, size_t end, struct rec *r, size_t *jl)
{
    const unsigned char *p = b + *off;
    if (end - *off < REC_HDR_LEN)
        return false;
    *jl = get16(p + 2);
    size_t cl = get32(p + 4);
    if ((p[0] != KIND_PASSWORD && p[0] != KIND_SCRAM) || p[1] != 0 || *jl == 0 ||
        *jl > VAULT_JID_MAX || cl <= TAG_LEN || end - *off - REC_HDR_LEN < *jl + cl ||
        memchr(p + REC_HDR_LEN, 0, *jl))
        return false;
    r->kind = p[0];
    memcpy(r->nonce, p + 8, NONCE_LEN);
    r->ctlen = cl;
    *off += REC_HDR_LEN + *jl + cl;
    return true;
}

/* Parses and authenticates every record of a checked image. */
static enum vault_error parse_records(const unsigned char *b, size_t len, const unsigned char *key,
                                      struct rec **out, size_t *nout, const char *path, char *err,
                                      size_t errlen)
{
    uint32_t count = get32(b + OFF_COUNT);
    size_t off = HDR_LEN, end = len - SUM_LEN, n = 0;
    if (count > (end - off) / REC_HDR_LEN) {
        snprintf(err, errlen, "%s: vault is corrupted (bad record count)", path);
        return VAULT_ERR_CORRUPTED;
    }
    struct rec *recs = calloc(count ? count : 1, sizeof *recs);
    if (!recs) {
        snprintf(err, errlen, "out of memory");
        return VAULT_ERR_NOMEM;
    }
    for (; n < count; n++) {
        struct rec *r = &recs[n];
        size_t start = off, jl;
        if (!rec_parse(b, &off, end, r, &jl))
            goto corrupt;
        r->jid = malloc(jl + 1);
        r->ct = malloc(r->ctlen);
        if (!r->jid || !r->ct)
            goto corrupt;
        memcpy(r->jid, b + start + REC_HDR_LEN, jl);
        r->jid[jl] = '\0';
        memcpy(r->ct, b + start + REC_HDR_LEN + jl, r->ctlen);
        for (size_t i = 0; i < n; i++)
            if (strcmp(recs[i].jid, r->jid) == 0)
                goto corrupt;
        if (!rec_verify(b, key, r)) {
            snprintf(err, errlen,
                     "%s: vault is corrupted (the record for %s does not authenticate)", path,
                     r->jid);
            recs_free(recs, n + 1);
            return VAULT_ERR_CORRUPTED;
        }
    }
    if (off != end)
        goto corrupt;
    *out = recs;
    *nout = n;
    return VAULT_OK;
corrupt:
    recs_free(recs, n + (n < count));
    snprintf(err, errlen, "%s: vault is corrupted (bad record)", path);
    return VAULT_ERR_CORRUPTED;
}

/* Builds the file: header, a fresh key-check block, records, checksum. */
static unsigned char *serialize(const unsigned char *keyhdr, const unsigned char *key,
                                const struct rec *recs, size_t n, size_t *outlen)
{
    size_t len = HDR_LEN + SUM_LEN;
    for (size_t i = 0; i < n; i++)
        len += REC_HDR_LEN + strlen(recs[i].jid) + recs[i].ctlen;
    if (len > FILE_MAX)
        return NULL;
    unsigned char *b = calloc(1, len);
    if (!b)
        return NULL;
    memcpy(b, keyhdr, KEYHDR_LEN);
    randombytes_buf(b + OFF_CHECK_NONCE, NONCE_LEN);
    crypto_aead_xchacha20poly1305_ietf_encrypt(b + OFF_CHECK_CT, NULL,
                                               (const unsigned char *)CHECK_TEXT, CHECK_LEN, b,
                                               KEYHDR_LEN, NULL, b + OFF_CHECK_NONCE, key);
    put32(b + OFF_COUNT, (uint32_t)n);
    put32(b + OFF_TOTAL, (uint32_t)len);
    size_t off = HDR_LEN;
    for (size_t i = 0; i < n; i++) {
        const struct rec *r = &recs[i];
        size_t jl = strlen(r->jid);
        b[off] = r->kind;
        put16(b + off + 2, (unsigned)jl);
        put32(b + off + 4, (uint32_t)r->ctlen);
        memcpy(b + off + 8, r->nonce, NONCE_LEN);
        memcpy(b + off + REC_HDR_LEN, r->jid, jl);
        memcpy(b + off + REC_HDR_LEN + jl, r->ct, r->ctlen);
        off += REC_HDR_LEN + jl + r->ctlen;
    }
    crypto_generichash(b + off, SUM_LEN, b, off, NULL, 0);
    *outlen = len;
    return b;
}

/* ---- open ---------------------------------------------------------- */

/* Loads an existing vault image with the caller's passphrase or key file. */
static enum vault_error load(struct vault *v, const char *pass, const unsigned char *b, size_t len,
                             char *err, size_t errlen)
{
    enum vault_error e = check_image(b, len, v->path, err, errlen);
    if (e != VAULT_OK)
        return e;
    if (b[9] == SRC_PASSPHRASE && !pass) {
        snprintf(err, errlen, "%s: the vault is protected by a master passphrase", v->path);
        return VAULT_ERR_NEED_PASSPHRASE;
    }
    if (b[9] == SRC_KEYFILE && pass) {
        snprintf(err, errlen, "%s: the vault has no master passphrase (it uses vault.key)",
                 v->path);
        return VAULT_ERR_NO_PASSPHRASE;
    }
    memcpy(v->keyhdr, b, KEYHDR_LEN);
    e = pass ? derive_key(b, pass, v->key, err, errlen)
             : read_keyfile(v->keypath, v->key, err, errlen);
    if (e != VAULT_OK)
        return e;
    v->key_on_disk = !pass;
    if (!check_key(b, v->key)) {
        if (pass)
            snprintf(err, errlen, "%s: wrong passphrase", v->path);
        else
            snprintf(err, errlen, "%s: vault.key does not match this vault", v->path);
        return VAULT_ERR_PASSPHRASE;
    }
    return parse_records(b, len, v->key, &v->recs, &v->nrecs, v->path, err, errlen);
}

static struct vault *vault_alloc(const char *dir)
{
    struct vault *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    v->dir = strdup(dir);
    v->path = path_join(dir, "vault");
    v->keypath = path_join(dir, "vault.key");
    v->key = sodium_malloc(KEY_LEN);
    if (!v->dir || !v->path || !v->keypath || !v->key) {
        vault_close(v);
        return NULL;
    }
    return v;
}

static enum vault_error open_existing(struct vault *v, const char *pass, char *err, size_t errlen)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    int r = read_file(v->path, &buf, &len);
    if (r == 1)
        return init_fresh(v, pass, true, err, errlen);
    if (r < 0 && errno == EFBIG) {
        snprintf(err, errlen, "%s: vault is corrupted (too large)", v->path);
        return VAULT_ERR_CORRUPTED;
    }
    if (r < 0) {
        int e = errno;
        snprintf(err, errlen, "cannot read %s: %s", v->path, strerror(e));
        return e == ENOMEM ? VAULT_ERR_NOMEM : VAULT_ERR_IO;
    }
    enum vault_error e = load(v, pass, buf, len, err, errlen);
    free(buf);
    return e;
}

struct vault *vault_open(const char *data_dir, const char *passphrase, int flags,
                         enum vault_error *code, char *err, size_t errlen)
{
    enum vault_error e = VAULT_ERR_NOMEM;
    struct vault *v = NULL;
    snprintf(err, errlen, "out of memory");
    if (sodium_init() >= 0 && (v = vault_alloc(data_dir)) != NULL)
        e = open_existing(v, passphrase, err, errlen);
    if (v && e != VAULT_OK && e != VAULT_ERR_IO && e != VAULT_ERR_NOMEM &&
        (flags & VAULT_REPLACE)) {
        recs_free(v->recs, v->nrecs);
        v->recs = NULL;
        v->nrecs = 0;
        v->replace = true;
        e = init_fresh(v, passphrase, false, err, errlen);
    }
    if (code)
        *code = e;
    if (e != VAULT_OK) {
        vault_close(v);
        return NULL;
    }
    key_close(v);
    if (errlen)
        err[0] = '\0';
    return v;
}

void vault_close(struct vault *v)
{
    if (!v)
        return;
    recs_free(v->recs, v->nrecs);
    if (v->key)
        sodium_free(v->key); /* wipes, even when PROT_NONE */
    free(v->dir);
    free(v->path);
    free(v->keypath);
    free(v);
}

bool vault_has_passphrase(const char *data_dir)
{
    char *path = path_join(data_dir, "vault");
    if (!path)
        return false;
    unsigned char h[10];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    free(path);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, h, sizeof h);
    close(fd);
    return n == (ssize_t)sizeof h && memcmp(h, MAGIC, MAGIC_LEN) == 0 && h[8] == FORMAT_VERSION &&
           h[9] == SRC_PASSPHRASE;
}

/* ---- changes ------------------------------------------------------- */

/* Under the lock, re-reads the vault so that another tuktuk's changes
 * survive ours. A file we cannot read stops the change, unless we are
 * replacing it. */
static int sync_disk(struct vault *v, char *err, size_t errlen)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    int r = read_file(v->path, &buf, &len);
    if (r == 1) {
        recs_free(v->recs, v->nrecs);
        v->recs = NULL;
        v->nrecs = 0;
        return 0;
    }
    if (r < 0) {
        snprintf(err, errlen, "cannot read %s: %s", v->path, strerror(errno));
        return v->replace ? 0 : -1;
    }
    struct rec *recs = NULL;
    size_t n = 0;
    char why[512];
    enum vault_error e = check_image(buf, len, v->path, why, sizeof why);
    if (e == VAULT_OK && memcmp(buf, v->keyhdr, KEYHDR_LEN) != 0) {
        snprintf(why, sizeof why,
                 "%s: the vault was changed by another tuktuk (new passphrase?); reopen it",
                 v->path);
        e = VAULT_ERR_PASSPHRASE;
    }
    if (e == VAULT_OK && !check_key(buf, v->key)) {
        snprintf(why, sizeof why, "%s: the vault no longer opens with this key", v->path);
        e = VAULT_ERR_PASSPHRASE;
    }
    if (e == VAULT_OK)
        e = parse_records(buf, len, v->key, &recs, &n, v->path, why, sizeof why);
    free(buf);
    if (e == VAULT_OK) {
        recs_free(v->recs, v->nrecs);
        v->recs = recs;
        v->nrecs = n;
        v->replace = false;
        return 0;
    }
    if (v->replace)
        return 0;
    snprintf(err, errlen, "%s; it was not overwritten", why);
    return -1;
}

/* Writes recs under keyhdr/key; on success they become the vault's. */
static int commit(struct vault *v, const unsigned char *keyhdr, const unsigned char *key,
                  struct rec *recs, size_t n, char *err, size_t errlen)
{
    size_t len;
    unsigned char *img = serialize(keyhdr, key, recs, n, &len);
    if (!img) {
        snprintf(err, errlen, "the vault would be too large, or out of memory");
        return -1;
    }
    if (v->replace)
        keep_broken(v->path);
    int r = vault_write_file(v->dir, "vault", img, len, err, errlen);
    free(img);
    if (r == 0)
        v->replace = false;
    return r;
}

/* Replaces (rec non-NULL) or removes the record for jid, atomically.
 * Sets *found. On failure the vault is unchanged and rec is freed. */
static int change(struct vault *v, const char *jid, struct rec *rec, bool *found, char *err,
                  size_t errlen)
{
    int fd = path_lock_dir(v->dir, err, errlen);
    if (fd < 0 || sync_disk(v, err, errlen) < 0)
        goto fail;
    if (!v->key_on_disk && v->keyhdr[9] == SRC_KEYFILE) {
        if (v->replace)
            keep_broken(v->keypath);
        if (write_keyfile(v, err, errlen) < 0)
            goto fail;
    }
    ssize_t at = rec_find(v, jid);
    *found = at >= 0;
    if (!rec && !*found) {
        close(fd);
        return 0;
    }
    size_t n = v->nrecs + (at < 0 && rec);
    struct rec *recs = calloc(n ? n : 1, sizeof *recs), *old = at >= 0 ? &v->recs[at] : NULL;
    if (!recs) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    size_t k = 0;
    for (size_t i = 0; i < v->nrecs; i++)
        if (&v->recs[i] != old)
            recs[k++] = v->recs[i];
    if (rec)
        recs[k++] = *rec;
    if (commit(v, v->keyhdr, v->key, recs, k, err, errlen) < 0) {
        free(recs);
        goto fail;
    }
    if (old)
        rec_clear(old);
    free(v->recs);
    v->recs = recs;
    v->nrecs = k;
    close(fd);
    return 0;
fail:
    if (rec)
        rec_clear(rec);
    if (fd >= 0)
        close(fd);
    return -1;
}

static int store(struct vault *v, const char *jid, unsigned kind, const unsigned char *pt,
                 size_t ptlen, char *err, size_t errlen)
{
    char bare[VAULT_JID_MAX + 1];
    struct rec rec;
    bool found;
    if (norm_jid(jid, bare, err, errlen) < 0)
        return -1;
    key_open(v);
    int r = -1;
    if (rec_seal(v->keyhdr, v->key, kind, bare, pt, ptlen, &rec) < 0)
        snprintf(err, errlen, "out of memory");
    else
        r = change(v, bare, &rec, &found, err, errlen);
    key_close(v);
    return r;
}

int vault_store_password(struct vault *v, const char *jid, const char *password, char *err,
                         size_t errlen)
{
    size_t n = password ? strlen(password) : 0;
    if (n == 0 || n > VAULT_PASSWORD_MAX) {
        snprintf(err, errlen, "the password must be 1 to %d bytes", VAULT_PASSWORD_MAX);
        return -1;
    }
    return store(v, jid, KIND_PASSWORD, (const unsigned char *)password, n, err, errlen);
}

int vault_store_scram(struct vault *v, const char *jid, const char *mechanism,
                      const unsigned char *salt, size_t saltlen, unsigned iterations,
                      const unsigned char *salted, size_t saltedlen, char *err, size_t errlen)
{
    size_t ml = mechanism ? strlen(mechanism) : 0;
    if (ml == 0 || ml > VAULT_MECH_MAX || saltlen == 0 || saltlen > VAULT_SALT_MAX ||
        saltedlen == 0 || saltedlen > VAULT_SALTED_MAX || iterations == 0) {
        snprintf(err, errlen, "invalid SCRAM parameters for the vault");
        return -1;
    }
    size_t len = 1 + ml + 4 + 2 + saltlen + 1 + saltedlen;
    unsigned char *pt = sodium_malloc(len);
    if (!pt) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    pt[0] = (unsigned char)ml;
    memcpy(pt + 1, mechanism, ml);
    put32(pt + 1 + ml, iterations);
    put16(pt + 1 + ml + 4, (unsigned)saltlen);
    memcpy(pt + 1 + ml + 6, salt, saltlen);
    pt[1 + ml + 6 + saltlen] = (unsigned char)saltedlen;
    memcpy(pt + 1 + ml + 7 + saltlen, salted, saltedlen);
    int r = store(v, jid, KIND_SCRAM, pt, len, err, errlen);
    sodium_free(pt);
    return r;
}

int vault_remove(struct vault *v, const char *jid, char *err, size_t errlen)
{
    char bare[VAULT_JID_MAX + 1];
    bool found = false;
    if (norm_jid(jid, bare, err, errlen) < 0)
        return -1;
    /* Nothing to do is not a reason to write (or to need the lock). */
    if (rec_find(v, bare) < 0 && access(v->path, F_OK) < 0)
        return 0;
    key_open(v);
    int r = change(v, bare, NULL, &found, err, errlen);
    key_close(v);
    return r < 0 ? -1 : found;
}

/* ---- reading ------------------------------------------------------- */

/* Decrypts the record of jid if it is of kind. 1, 0 or -1. */
static int fetch(struct vault *v, const char *jid, unsigned kind, unsigned char **pt, size_t *n,
                 char *err, size_t errlen)
{
    char bare[VAULT_JID_MAX + 1];
    if (norm_jid(jid, bare, err, errlen) < 0)
        return -1;
    ssize_t at = rec_find(v, bare);
    if (at < 0 || v->recs[at].kind != kind)
        return 0;
    key_open(v);
    *pt = rec_open(v->keyhdr, v->key, &v->recs[at], n);
    key_close(v);
    if (!*pt) {
        snprintf(err, errlen, "%s: vault is corrupted (the record for %s does not authenticate)",
                 v->path, bare);
        return -1;
    }
    return 1;
}

int vault_get_password(struct vault *v, const char *jid, char **out, char *err, size_t errlen)
{
    unsigned char *pt = NULL;
    size_t n;
    *out = NULL;
    int r = fetch(v, jid, KIND_PASSWORD, &pt, &n, err, errlen);
    if (r == 1)
        *out = (char *)pt; /* rec_open NUL-terminated it */
    return r;
}

int vault_get_scram(struct vault *v, const char *jid, struct vault_scram **out, char *err,
                    size_t errlen)
{
    unsigned char *pt = NULL;
    size_t n;
    *out = NULL;
    int r = fetch(v, jid, KIND_SCRAM, &pt, &n, err, errlen);
    if (r != 1)
        return r;
    struct vault_scram *s = sodium_malloc(sizeof *s);
    if (!s || !scram_decode(pt, n, s)) {
        if (s)
            snprintf(err, errlen, "%s: vault is corrupted (bad SCRAM record)", v->path);
        else
            snprintf(err, errlen, "out of memory");
        if (s)
            sodium_free(s);
        sodium_free(pt);
        return -1;
    }
    sodium_free(pt);
    *out = s;
    return 1;
}

void vault_free_secret(char *secret)
{
    if (secret)
        sodium_free(secret);
}

void vault_free_scram(struct vault_scram *s)
{
    if (s)
        sodium_free(s);
}

/* ---- changing the master passphrase -------------------------------- */

/* Re-encrypts every record under newhdr/newkey into *out. */
static int reseal_all(struct vault *v, const unsigned char *newhdr, const unsigned char *newkey,
                      struct rec **out, char *err, size_t errlen)
{
    struct rec *recs = calloc(v->nrecs ? v->nrecs : 1, sizeof *recs);
    size_t i = 0;
    for (; recs && i < v->nrecs; i++) {
        size_t n;
        unsigned char *pt = rec_open(v->keyhdr, v->key, &v->recs[i], &n);
        int r =
            pt ? rec_seal(newhdr, newkey, v->recs[i].kind, v->recs[i].jid, pt, n, &recs[i]) : -1;
        if (pt)
            sodium_free(pt);
        if (r < 0)
            break;
    }
    if (!recs || i < v->nrecs) {
        recs_free(recs, i);
        snprintf(err, errlen, "cannot re-encrypt the vault (damaged record, or out of memory)");
        return -1;
    }
    *out = recs;
    return 0;
}

static int rekey(struct vault *v, const char *pass, unsigned char *newkey, char *err, size_t errlen)
{
    unsigned char newhdr[KEYHDR_LEN];
    struct rec *recs = NULL;
    new_keyhdr(newhdr, pass != NULL);
    if (pass && derive_key(newhdr, pass, newkey, err, errlen) != VAULT_OK)
        return -1;
    if (!pass)
        randombytes_buf(newkey, KEY_LEN);
    if (reseal_all(v, newhdr, newkey, &recs, err, errlen) < 0)
        return -1;
    /* Key file first: a vault must never be on disk without its key. */
    unsigned char *oldkey = v->key;
    if (!pass) {
        if (v->replace)
            keep_broken(v->keypath);
        v->key = newkey;
        int r = write_keyfile(v, err, errlen);
        v->key = oldkey;
        if (r < 0) {
            recs_free(recs, v->nrecs);
            return -1;
        }
    }
    if (commit(v, newhdr, newkey, recs, v->nrecs, err, errlen) < 0) {
        recs_free(recs, v->nrecs);
        if (!pass) {
            unlink(v->keypath); /* the old vault uses a passphrase */
            v->key_on_disk = false;
        }
        return -1;
    }
    if (pass && v->keyhdr[9] == SRC_KEYFILE)
        unlink(v->keypath);
    recs_free(v->recs, v->nrecs);
    v->recs = recs;
    memcpy(v->keyhdr, newhdr, KEYHDR_LEN);
    memcpy(v->key, newkey, KEY_LEN);
    v->key_on_disk = !pass;
    return 0;
}

int vault_set_passphrase(struct vault *v, const char *passphrase, char *err, size_t errlen)
{
    /* Already in key-file mode: the key reaches vault.key on the next store. */
    if (!passphrase && v->keyhdr[9] == SRC_KEYFILE)
        return 0;
    unsigned char *newkey = sodium_malloc(KEY_LEN);
    if (!newkey) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    key_open(v);
    int r = -1, fd = path_lock_dir(v->dir, err, errlen);
    if (fd >= 0 && sync_disk(v, err, errlen) == 0)
        r = rekey(v, passphrase, newkey, err, errlen);
    if (fd >= 0)
        close(fd);
    key_close(v);
    sodium_free(newkey);
    return r;
}

int vault_derive_key(struct vault *v, const char context[8], unsigned long long id,
                     unsigned char *out, size_t outlen, char *err, size_t errlen)
{
    if (outlen < crypto_kdf_BYTES_MIN || outlen > crypto_kdf_BYTES_MAX) {
        snprintf(err, errlen, "bad derived key length");
        return -1;
    }
    key_open(v);
    int r = 0;
    if (v->keyhdr[9] == SRC_KEYFILE && !v->key_on_disk)
        r = write_keyfile(v, err, errlen);
    if (r == 0)
        r = crypto_kdf_derive_from_key(out, outlen, id, context, v->key);
    key_close(v);
    return r == 0 ? 0 : -1;
}

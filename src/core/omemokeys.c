/* SPDX-License-Identifier: GPL-3.0-or-later */
/* omemokeys.c - the OMEMO key store of one account, DATA/omemo/JID.
 *
 * Everything that would let someone read our messages or speak as us is
 * here: the identity key pair, the signed prekey, the one-time prekeys
 * and the ratchet state of every session. The file is one
 * XChaCha20-Poly1305 box under a key the vault derives for it
 * (vault_derive_key), so it is as safe at rest as the passwords are; it is
 * written whole, atomically, mode 0600, only when something changed.
 *
 * In memory it is a flat list of records (kind, name, id, trust, bytes),
 * the bytes in guarded, locked pages (keypool.c); a few hundred at most,
 * so a linear search.
 * A prekey removed after use is gone for good, and its id is never given
 * again (next_prekey only grows): OMEMO's forward secrecy rests on it.
 *
 * Layout of the plaintext: "TUKOMEM1", device id, registration id, next
 * prekey id (u32 big-endian each), then records: kind (1), trust (1), id
 * (4), name length (2), name, data length (4), data. The file: magic
 * "TUKOMEMO", nonce (24), then the box of that plaintext, with the magic
 * as additional data. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <signal_protocol.h>
#include <sodium.h>

#include "core/keypool.h"
#include "core/omemokeys.h"
#include "core/path.h"
#include "core/vault.h"

#define FILE_MAGIC "TUKOMEMO"
#define PT_MAGIC "TUKOMEM1"
#define NONCE_LEN crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_LEN crypto_aead_xchacha20poly1305_ietf_ABYTES
#define FILE_MAX (64u << 20)
#define REC_MAX 100000 /* far above any honest store */

enum kind { K_IDPUB = 1, K_IDPRIV, K_PREKEY, K_SIGNED, K_SESSION, K_IDENTITY };

struct krec {
    uint8_t kind, trust;
    uint32_t id;
    char *name; /* "" for our own */
    uint8_t *data; /* from the pool */
    size_t len;
};

struct omemokeys {
    char *dir, *name;
    unsigned char *key; /* sodium_malloc */
    struct keypool *pool;
    uint32_t device_id, reg_id, next_prekey;
    struct krec *recs;
    size_t n, cap;
    bool dirty;
    bool blind; /* blind trust before verification */
};

static void rec_wipe(struct omemokeys *k, struct krec *r)
{
    free(r->name);
    keypool_put(k->pool, r->data, r->len);
    memset(r, 0, sizeof *r);
}

static ssize_t rec_find(const struct omemokeys *k, uint8_t kind, const char *name, uint32_t id)
{
    for (size_t i = 0; i < k->n; i++)
        if (k->recs[i].kind == kind && k->recs[i].id == id && strcmp(k->recs[i].name, name) == 0)
            return (ssize_t)i;
    return -1;
}

static uint8_t *secure_copy(struct omemokeys *k, const uint8_t *p, size_t n)
{
    uint8_t *d = keypool_get(k->pool, n);
    if (d && n)
        memcpy(d, p, n);
    return d;
}

/* Puts (or replaces) a record; the trust of a replaced record stays. */
static struct krec *rec_put(struct omemokeys *k, uint8_t kind, const char *name, uint32_t id,
                            const uint8_t *data, size_t len)
{
    uint8_t *copy = secure_copy(k, data, len);
    if (!copy)
        return NULL;
    ssize_t i = rec_find(k, kind, name, id);
    if (i >= 0) {
        keypool_put(k->pool, k->recs[i].data, k->recs[i].len);
        k->recs[i].data = copy;
        k->recs[i].len = len;
        k->dirty = true;
        return &k->recs[i];
    }
    char *nm = strdup(name);
    if (!nm || (k->n == k->cap && k->n >= REC_MAX)) {
        free(nm);
        keypool_put(k->pool, copy, len);
        return NULL;
    }
    if (k->n == k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 64;
        struct krec *g = realloc(k->recs, cap * sizeof *g);
        if (!g) {
            free(nm);
            keypool_put(k->pool, copy, len);
            return NULL;
        }
        k->recs = g;
        k->cap = cap;
    }
    k->recs[k->n] = (struct krec){.kind = kind, .id = id, .name = nm, .data = copy, .len = len};
    k->dirty = true;
    return &k->recs[k->n++];
}

static bool rec_del(struct omemokeys *k, uint8_t kind, const char *name, uint32_t id)
{
    ssize_t i = rec_find(k, kind, name, id);
    if (i < 0)
        return false;
    rec_wipe(k, &k->recs[i]);
    k->recs[i] = k->recs[--k->n];
    k->dirty = true;
    return true;
}

/* ---- file ------------------------------------------------------------ */

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8),
    p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static size_t plain_size(const struct omemokeys *k)
{
    size_t n = 8 + 12;
    for (size_t i = 0; i < k->n; i++)
        n += 12 + strlen(k->recs[i].name) + k->recs[i].len;
    return n;
}

static void serialize(const struct omemokeys *k, uint8_t *p)
{
    memcpy(p, PT_MAGIC, 8);
    put32(p + 8, k->device_id);
    put32(p + 12, k->reg_id);
    put32(p + 16, k->next_prekey);
    p += 20;
    for (size_t i = 0; i < k->n; i++) {
        const struct krec *r = &k->recs[i];
        size_t nl = strlen(r->name);
        p[0] = r->kind, p[1] = r->trust;
        put32(p + 2, r->id);
        p[6] = (uint8_t)(nl >> 8), p[7] = (uint8_t)nl;
        memcpy(p + 8, r->name, nl);
        put32(p + 8 + nl, (uint32_t)r->len);
        memcpy(p + 12 + nl, r->data, r->len);
        p += 12 + nl + r->len;
    }
}

static bool parse(struct omemokeys *k, const uint8_t *p, size_t len)
{
    if (len < 20 || memcmp(p, PT_MAGIC, 8) != 0)
        return false;
    k->device_id = get32(p + 8);
    k->reg_id = get32(p + 12);
    k->next_prekey = get32(p + 16);
    size_t off = 20;
    while (off < len) {
        if (len - off < 12)
            return false;
        size_t nl = (size_t)p[off + 6] << 8 | p[off + 7];
        if (len - off - 12 < nl)
            return false;
        size_t dl = get32(p + off + 8 + nl);
        if (len - off - 12 - nl < dl || nl > PATH_JID_MAX)
            return false;
        char name[PATH_JID_MAX + 1];
        memcpy(name, p + off + 8, nl);
        name[nl] = '\0';
        struct krec *r = rec_put(k, p[off], name, get32(p + off + 2), p + off + 12 + nl, dl);
        if (!r)
            return false;
        r->trust = p[off + 1];
        off += 12 + nl + dl;
    }
    k->dirty = false;
    return true;
}

struct omemokeys *omemokeys_open(const char *dir, const char *name,
                                 const unsigned char key[OMEMOKEYS_KEY_LEN], bool *fresh, char *err,
                                 size_t errlen)
{
    struct omemokeys *k = calloc(1, sizeof *k);
    if (!k || sodium_init() < 0) {
        free(k);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    k->dir = strdup(dir);
    k->name = strdup(name);
    k->key = sodium_malloc(OMEMOKEYS_KEY_LEN);
    k->pool = keypool_new();
    k->next_prekey = 1;
    k->blind = true;
    if (!k->dir || !k->name || !k->key || !k->pool) {
        omemokeys_free(k);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    memcpy(k->key, key, OMEMOKEYS_KEY_LEN);
    char *path = path_join(dir, name);
    int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    *fresh = fd < 0 && errno == ENOENT;
    if (*fresh) {
        free(path);
        return k;
    }
    struct stat st;
    uint8_t *buf = NULL, *pt = NULL;
    size_t len = 0;
    bool ok = false;
    if (fd >= 0 && fstat(fd, &st) == 0 && st.st_size >= (off_t)(8 + NONCE_LEN + TAG_LEN) &&
        st.st_size <= (off_t)FILE_MAX && (buf = malloc((size_t)st.st_size)) != NULL) {
        len = (size_t)st.st_size;
        ok = read(fd, buf, len) == (ssize_t)len && memcmp(buf, FILE_MAGIC, 8) == 0;
    }
    unsigned long long ptlen = 0;
    if (ok) {
        pt = sodium_malloc(len);
        ok = pt && crypto_aead_xchacha20poly1305_ietf_decrypt(
                       pt, &ptlen, NULL, buf + 8 + NONCE_LEN, len - 8 - NONCE_LEN,
                       (const uint8_t *)FILE_MAGIC, 8, buf + 8, k->key) == 0;
        if (!ok)
            snprintf(err, errlen, "%s: cannot be decrypted (another vault key, or damaged)", path);
        ok = ok && parse(k, pt, (size_t)ptlen);
        if (!ok && !err[0])
            snprintf(err, errlen, "%s: damaged", path);
    } else {
        snprintf(err, errlen, "cannot read %s: %s", path ? path : name,
                 fd < 0 ? strerror(errno) : "bad size or format");
    }
    if (pt)
        sodium_free(pt);
    free(buf);
    if (fd >= 0)
        close(fd);
    free(path);
    if (!ok) {
        omemokeys_free(k);
        return NULL;
    }
    return k;
}

void omemokeys_free(struct omemokeys *k)
{
    if (!k)
        return;
    for (size_t i = 0; i < k->n; i++)
        rec_wipe(k, &k->recs[i]);
    free(k->recs);
    keypool_free(k->pool);
    if (k->key)
        sodium_free(k->key);
    free(k->dir);
    free(k->name);
    free(k);
}

void omemokeys_set_key(struct omemokeys *k, const unsigned char key[OMEMOKEYS_KEY_LEN])
{
    memcpy(k->key, key, OMEMOKEYS_KEY_LEN);
    k->dirty = true;
}

int omemokeys_save(struct omemokeys *k, char *err, size_t errlen)
{
    if (!k->dirty)
        return 0;
    size_t ptlen = plain_size(k);
    size_t flen = 8 + NONCE_LEN + ptlen + TAG_LEN;
    uint8_t *pt = sodium_malloc(ptlen);
    uint8_t *f = malloc(flen);
    int r = -1;
    if (pt && f) {
        serialize(k, pt);
        memcpy(f, FILE_MAGIC, 8);
        randombytes_buf(f + 8, NONCE_LEN);
        crypto_aead_xchacha20poly1305_ietf_encrypt(f + 8 + NONCE_LEN, NULL, pt, ptlen,
                                                   (const uint8_t *)FILE_MAGIC, 8, NULL, f + 8,
                                                   k->key);
        if (mkdir(k->dir, 0700) == 0 || errno == EEXIST)
            r = vault_write_file(k->dir, k->name, f, flen, err, errlen);
        else
            snprintf(err, errlen, "cannot create %s: %s", k->dir, strerror(errno));
    } else {
        snprintf(err, errlen, "out of memory");
    }
    if (pt)
        sodium_free(pt);
    free(f);
    if (r == 0)
        k->dirty = false;
    return r;
}

/* ---- our own keys --------------------------------------------------- */

uint32_t omemokeys_device_id(const struct omemokeys *k)
{
    return k->device_id;
}

int omemokeys_set_identity(struct omemokeys *k, uint32_t device_id, uint32_t reg_id,
                           const uint8_t *pub, size_t publen, const uint8_t *priv, size_t privlen)
{
    if (!rec_put(k, K_IDPUB, "", 0, pub, publen) || !rec_put(k, K_IDPRIV, "", 0, priv, privlen))
        return -1;
    k->device_id = device_id;
    k->reg_id = reg_id;
    k->dirty = true;
    return 0;
}

uint32_t omemokeys_next_prekey_id(struct omemokeys *k, uint32_t count)
{
    /* Ids wrap below 2^24 as libsignal's Medium.MAX_VALUE, skipping 0. */
    uint32_t id = k->next_prekey;
    if (id == 0 || id + count >= 0xFFFFFE)
        id = 1;
    k->next_prekey = id + count;
    k->dirty = true;
    return id;
}

size_t omemokeys_prekey_count(const struct omemokeys *k)
{
    size_t n = 0;
    for (size_t i = 0; i < k->n; i++)
        n += k->recs[i].kind == K_PREKEY;
    return n;
}

void omemokeys_each_prekey(const struct omemokeys *k,
                           void (*fn)(void *ctx, uint32_t id, bool is_signed, const uint8_t *rec,
                                      size_t len),
                           void *ctx)
{
    for (size_t i = 0; i < k->n; i++)
        if (k->recs[i].kind == K_PREKEY || k->recs[i].kind == K_SIGNED)
            fn(ctx, k->recs[i].id, k->recs[i].kind == K_SIGNED, k->recs[i].data, k->recs[i].len);
}

/* ---- remote identities and trust ------------------------------------ */

void omemokeys_set_blind(struct omemokeys *k, bool blind)
{
    k->blind = blind;
}

static bool any_verified(const struct omemokeys *k, const char *name)
{
    for (size_t i = 0; i < k->n; i++)
        if (k->recs[i].kind == K_IDENTITY && k->recs[i].trust == OMEMO_TRUST_VERIFIED &&
            strcmp(k->recs[i].name, name) == 0)
            return true;
    return false;
}

int omemokeys_identity_seen(struct omemokeys *k, const char *name, uint32_t device,
                            const uint8_t *key, size_t keylen)
{
    ssize_t i = rec_find(k, K_IDENTITY, name, device);
    if (i >= 0 && k->recs[i].len == keylen && sodium_memcmp(k->recs[i].data, key, keylen) == 0)
        return 0;
    bool changed = i >= 0;
    uint8_t trust =
        k->blind && !any_verified(k, name) && !changed ? OMEMO_TRUST_BLIND : OMEMO_TRUST_UNDECIDED;
    struct krec *r = rec_put(k, K_IDENTITY, name, device, key, keylen);
    if (!r)
        return -1;
    r->trust = trust;
    return changed ? 2 : 1;
}

const uint8_t *omemokeys_identity(const struct omemokeys *k, const char *name, uint32_t device,
                                  size_t *len)
{
    ssize_t i = rec_find(k, K_IDENTITY, name, device);
    if (i < 0)
        return NULL;
    *len = k->recs[i].len;
    return k->recs[i].data;
}

enum omemo_trust omemokeys_trust(const struct omemokeys *k, const char *name, uint32_t device)
{
    ssize_t i = rec_find(k, K_IDENTITY, name, device);
    return i < 0 ? OMEMO_TRUST_UNDECIDED : (enum omemo_trust)k->recs[i].trust;
}

bool omemokeys_trusted(const struct omemokeys *k, const char *name, uint32_t device)
{
    enum omemo_trust t = omemokeys_trust(k, name, device);
    return t == OMEMO_TRUST_BLIND || t == OMEMO_TRUST_VERIFIED;
}

int omemokeys_set_trust(struct omemokeys *k, const char *name, const uint8_t *key, size_t keylen,
                        enum omemo_trust t)
{
    int n = 0;
    for (size_t i = 0; i < k->n; i++) {
        struct krec *r = &k->recs[i];
        if (r->kind == K_IDENTITY && strcmp(r->name, name) == 0 && r->len == keylen &&
            sodium_memcmp(r->data, key, keylen) == 0) {
            r->trust = (uint8_t)t;
            k->dirty = true;
            n++;
        }
    }
    return n;
}

size_t omemokeys_devices(const struct omemokeys *k, const char *name, uint32_t *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < k->n && n < max; i++)
        if (k->recs[i].kind == K_IDENTITY && strcmp(k->recs[i].name, name) == 0)
            out[n++] = k->recs[i].id;
    return n;
}

bool omemokeys_has_session(const struct omemokeys *k, const char *name, uint32_t device)
{
    return rec_find(k, K_SESSION, name, device) >= 0;
}

/* ---- libomemo-c's store callbacks ----------------------------------- */

/* libomemo-c's names are not NUL-terminated. */
static bool addr_name(const char *name, size_t len, char *out)
{
    if (len > PATH_JID_MAX || memchr(name, '\0', len))
        return false;
    memcpy(out, name, len);
    out[len] = '\0';
    return true;
}

static const struct krec *get(struct omemokeys *k, uint8_t kind, const char *name, uint32_t id)
{
    ssize_t i = rec_find(k, kind, name, id);
    return i < 0 ? NULL : &k->recs[i];
}

static int load_session(signal_buffer **record, signal_buffer **user_record,
                        const signal_protocol_address *a, void *ud)
{
    char name[PATH_JID_MAX + 1];
    *user_record = NULL;
    if (!addr_name(a->name, a->name_len, name))
        return 0;
    const struct krec *r = get(ud, K_SESSION, name, (uint32_t)a->device_id);
    if (!r)
        return 0;
    *record = signal_buffer_create(r->data, r->len);
    return *record ? 1 : SG_ERR_NOMEM;
}

static int sub_device_sessions(signal_int_list **sessions, const char *nm, size_t len, void *ud)
{
    struct omemokeys *k = ud;
    char name[PATH_JID_MAX + 1];
    signal_int_list *l = signal_int_list_alloc();
    if (!l)
        return SG_ERR_NOMEM;
    if (addr_name(nm, len, name))
        for (size_t i = 0; i < k->n; i++)
            if (k->recs[i].kind == K_SESSION && strcmp(k->recs[i].name, name) == 0)
                signal_int_list_push_back(l, (int)k->recs[i].id);
    *sessions = l;
    return (int)signal_int_list_size(l);
}

static int store_session(const signal_protocol_address *a, uint8_t *rec, size_t len, uint8_t *urec,
                         size_t ulen, void *ud)
{
    char name[PATH_JID_MAX + 1];
    (void)urec, (void)ulen;
    if (!addr_name(a->name, a->name_len, name))
        return SG_ERR_INVAL;
    return rec_put(ud, K_SESSION, name, (uint32_t)a->device_id, rec, len) ? 0 : SG_ERR_NOMEM;
}

static int contains_session(const signal_protocol_address *a, void *ud)
{
    char name[PATH_JID_MAX + 1];
    return addr_name(a->name, a->name_len, name) &&
           get(ud, K_SESSION, name, (uint32_t)a->device_id);
}

static int delete_session(const signal_protocol_address *a, void *ud)
{
    char name[PATH_JID_MAX + 1];
    return addr_name(a->name, a->name_len, name) &&
           rec_del(ud, K_SESSION, name, (uint32_t)a->device_id);
}

static int delete_all_sessions(const char *nm, size_t len, void *ud)
{
    struct omemokeys *k = ud;
    char name[PATH_JID_MAX + 1];
    int n = 0;
    if (!addr_name(nm, len, name))
        return 0;
    for (size_t i = k->n; i-- > 0;)
        if (k->recs[i].kind == K_SESSION && strcmp(k->recs[i].name, name) == 0)
            n += rec_del(k, K_SESSION, name, k->recs[i].id);
    return n;
}

static int load_key(signal_buffer **record, uint8_t kind, uint32_t id, void *ud)
{
    const struct krec *r = get(ud, kind, "", id);
    if (!r)
        return SG_ERR_INVALID_KEY_ID;
    *record = signal_buffer_create(r->data, r->len);
    return *record ? 0 : SG_ERR_NOMEM;
}

static int load_pre_key(signal_buffer **record, uint32_t id, void *ud)
{
    return load_key(record, K_PREKEY, id, ud);
}

static int store_pre_key(uint32_t id, uint8_t *rec, size_t len, void *ud)
{
    return rec_put(ud, K_PREKEY, "", id, rec, len) ? 0 : SG_ERR_NOMEM;
}

static int contains_pre_key(uint32_t id, void *ud)
{
    return get(ud, K_PREKEY, "", id) != NULL;
}

static int remove_pre_key(uint32_t id, void *ud)
{
    rec_del(ud, K_PREKEY, "", id);
    return 0;
}

static int load_signed(signal_buffer **record, uint32_t id, void *ud)
{
    return load_key(record, K_SIGNED, id, ud);
}

static int store_signed(uint32_t id, uint8_t *rec, size_t len, void *ud)
{
    return rec_put(ud, K_SIGNED, "", id, rec, len) ? 0 : SG_ERR_NOMEM;
}

static int contains_signed(uint32_t id, void *ud)
{
    return get(ud, K_SIGNED, "", id) != NULL;
}

static int remove_signed(uint32_t id, void *ud)
{
    rec_del(ud, K_SIGNED, "", id);
    return 0;
}

static int get_identity_pair(signal_buffer **pub, signal_buffer **priv, void *ud)
{
    const struct krec *p = get(ud, K_IDPUB, "", 0), *s = get(ud, K_IDPRIV, "", 0);
    if (!p || !s)
        return SG_ERR_INVALID_KEY;
    *pub = signal_buffer_create(p->data, p->len);
    *priv = signal_buffer_create(s->data, s->len);
    return *pub && *priv ? 0 : SG_ERR_NOMEM;
}

static int get_reg_id(void *ud, uint32_t *id)
{
    *id = ((struct omemokeys *)ud)->reg_id;
    return 0;
}

/* Trust is decided above libomemo-c (core/omemo.c chooses which devices
 * to encrypt to and marks what comes from the others): here every key is
 * remembered, and none is refused. */
static int save_identity(const signal_protocol_address *a, uint8_t *key, size_t len, void *ud)
{
    char name[PATH_JID_MAX + 1];
    if (!key || !addr_name(a->name, a->name_len, name))
        return 0;
    return omemokeys_identity_seen(ud, name, (uint32_t)a->device_id, key, len) < 0 ? SG_ERR_NOMEM
                                                                                   : 0;
}

static int is_trusted(const signal_protocol_address *a, uint8_t *key, size_t len, void *ud)
{
    (void)a, (void)key, (void)len, (void)ud;
    return 1;
}

int omemokeys_install(struct omemokeys *k, struct signal_protocol_store_context *store)
{
    signal_protocol_session_store ss = {.load_session_func = load_session,
                                        .get_sub_device_sessions_func = sub_device_sessions,
                                        .store_session_func = store_session,
                                        .contains_session_func = contains_session,
                                        .delete_session_func = delete_session,
                                        .delete_all_sessions_func = delete_all_sessions,
                                        .user_data = k};
    signal_protocol_pre_key_store ps = {.load_pre_key = load_pre_key,
                                        .store_pre_key = store_pre_key,
                                        .contains_pre_key = contains_pre_key,
                                        .remove_pre_key = remove_pre_key,
                                        .user_data = k};
    signal_protocol_signed_pre_key_store sps = {.load_signed_pre_key = load_signed,
                                                .store_signed_pre_key = store_signed,
                                                .contains_signed_pre_key = contains_signed,
                                                .remove_signed_pre_key = remove_signed,
                                                .user_data = k};
    signal_protocol_identity_key_store is = {.get_identity_key_pair = get_identity_pair,
                                             .get_local_registration_id = get_reg_id,
                                             .save_identity = save_identity,
                                             .is_trusted_identity = is_trusted,
                                             .user_data = k};
    if (signal_protocol_store_context_set_session_store(store, &ss) < 0 ||
        signal_protocol_store_context_set_pre_key_store(store, &ps) < 0 ||
        signal_protocol_store_context_set_signed_pre_key_store(store, &sps) < 0 ||
        signal_protocol_store_context_set_identity_key_store(store, &is) < 0)
        return -1;
    return 0;
}

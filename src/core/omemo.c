/* SPDX-License-Identifier: GPL-3.0-or-later */
/* omemo.c - OMEMO 0.3 for one account, on libomemo-c. The library does
 * X3DH and the Double Ratchet (we write neither); this file gives it its
 * crypto provider (omemocrypto.c) and key store (omemokeys.c), and does
 * what XEP-0384 0.3 adds on top:
 *
 * - a message is AES-128-GCM under a fresh 16-byte key and 12-byte IV;
 *   the key and the 16-byte tag (32 bytes) go through the ratchet, once
 *   per recipient device, as Conversations, Dino and Profanity do;
 * - the device id is also the registration id, as in Conversations;
 * - the bundle holds the signed prekey, its signature over the 33-byte
 *   serialised key, the identity key and OMEMO_PREKEYS one-time prekeys.
 *
 * Sessions and ciphers are version 3 (CIPHERTEXT_CURRENT_VERSION): the
 * legacy wire format of OMEMO 0.3, not OMEMO 2's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <key_helper.h>
#include <protocol.h>
#include <session_builder.h>
#include <session_cipher.h>
#include <session_pre_key.h>
#include <session_record.h>
#include <session_state.h>
#include <sodium.h>

#include "core/omemo.h"
#include "core/omemocrypto.h"
#include "core/path.h"

#define SIGNED_ID 1
#define WIRE_VERSION 3 /* libomemo-c's CIPHERTEXT_CURRENT_VERSION: OMEMO 0.3 */

struct omemo {
    signal_context *ctx;
    signal_protocol_store_context *store;
    struct omemokeys *keys;
    char *jid;
};

static const char *why(int rc)
{
    switch (rc) {
    case SG_ERR_DUPLICATE_MESSAGE:
        return "a message already received (replayed)";
    case SG_ERR_INVALID_KEY:
        return "a bad key";
    case SG_ERR_INVALID_KEY_ID:
        return "it uses a prekey we no longer have";
    case SG_ERR_INVALID_MAC:
        return "its authentication failed";
    case SG_ERR_INVALID_MESSAGE:
    case SG_ERR_INVALID_PROTO_BUF:
        return "a malformed message";
    case SG_ERR_INVALID_VERSION:
    case SG_ERR_LEGACY_MESSAGE:
        return "an unsupported version";
    case SG_ERR_NO_SESSION:
        return "no session with that device";
    case SG_ERR_UNTRUSTED_IDENTITY:
        return "an untrusted identity";
    case SG_ERR_NOMEM:
        return "out of memory";
    default:
        return "the library refused it";
    }
}

static signal_buffer *serialize_pub(const ec_public_key *k)
{
    signal_buffer *b = NULL;
    return ec_public_key_serialize(&b, k) == 0 ? b : NULL;
}

static int blob_set(struct omemo_blob *b, const uint8_t *p, size_t n)
{
    b->p = malloc(n ? n : 1);
    if (!b->p)
        return -1;
    memcpy(b->p, p, n);
    b->n = n;
    return 0;
}

static int blob_from(struct omemo_blob *b, signal_buffer *sb)
{
    int r = sb ? blob_set(b, signal_buffer_data(sb), signal_buffer_len(sb)) : -1;
    signal_buffer_free(sb);
    return r;
}

static int add_prekeys(struct omemo *o, unsigned count)
{
    signal_protocol_key_helper_pre_key_list_node *head = NULL;
    uint32_t start = omemokeys_next_prekey_id(o->keys, count);
    if (signal_protocol_key_helper_generate_pre_keys(&head, start, count, o->ctx) < 0)
        return -1;
    int r = 0;
    for (signal_protocol_key_helper_pre_key_list_node *n = head; n && r == 0;
         n = signal_protocol_key_helper_key_list_next(n))
        r = signal_protocol_pre_key_store_key(o->store,
                                              signal_protocol_key_helper_key_list_element(n));
    signal_protocol_key_helper_key_list_free(head);
    return r < 0 ? -1 : 0;
}

/* A fresh store: a new identity, device id, signed prekey and prekeys. */
static int generate(struct omemo *o)
{
    ratchet_identity_key_pair *id = NULL;
    session_signed_pre_key *spk = NULL;
    signal_buffer *pub = NULL, *priv = NULL;
    /* Device ids are 1 .. 2^31-1: positive in every client's int32. */
    uint32_t device = 1 + randombytes_uniform(0x7FFFFFFEu);
    int r = -1;
    if (signal_protocol_key_helper_generate_identity_key_pair(&id, o->ctx) == 0 &&
        ec_public_key_serialize(&pub, ratchet_identity_key_pair_get_public(id)) == 0 &&
        ec_private_key_serialize(&priv, ratchet_identity_key_pair_get_private(id)) == 0 &&
        omemokeys_set_identity(o->keys, device, device, signal_buffer_data(pub),
                               signal_buffer_len(pub), signal_buffer_data(priv),
                               signal_buffer_len(priv)) == 0 &&
        signal_protocol_key_helper_generate_signed_pre_key(
            &spk, id, SIGNED_ID, (uint64_t)time(NULL) * 1000, o->ctx) == 0 &&
        signal_protocol_signed_pre_key_store_key(o->store, spk) == 0)
        r = add_prekeys(o, OMEMO_PREKEYS);
    signal_buffer_bzero_free(priv);
    signal_buffer_free(pub);
    SIGNAL_UNREF(spk);
    SIGNAL_UNREF(id);
    return r;
}

struct omemo *omemo_open_key(const char *dir, const char *name, const unsigned char key[32],
                             const char *jid, bool *created, char *err, size_t errlen)
{
    struct omemo *o = calloc(1, sizeof *o);
    signal_crypto_provider provider;
    omemocrypto_provider(&provider);
    *created = false;
    if (!o || !(o->jid = strdup(jid)) || signal_context_create(&o->ctx, o) < 0 ||
        signal_context_set_crypto_provider(o->ctx, &provider) < 0 ||
        signal_protocol_store_context_create(&o->store, o->ctx) < 0) {
        snprintf(err, errlen, "OMEMO: cannot start libomemo-c");
        omemo_free(o);
        return NULL;
    }
    bool fresh = false;
    o->keys = omemokeys_open(dir, name, key, &fresh, err, errlen);
    if (!o->keys || omemokeys_install(o->keys, o->store) < 0 || (fresh && generate(o) < 0) ||
        omemo_save(o, err, errlen) < 0) {
        if (o->keys && !err[0])
            snprintf(err, errlen, "OMEMO: cannot make our keys");
        omemo_free(o);
        return NULL;
    }
    *created = fresh;
    return o;
}

/* The store's key: the vault's, through crypto_kdf, for this purpose. */
static int store_key(struct vault *v, unsigned char *key, char *err, size_t errlen)
{
    return vault_derive_key(v, "tukomemo", 1, key, 32, err, errlen);
}

int omemo_rekey(struct omemo *o, struct vault *v, char *err, size_t errlen)
{
    unsigned char *key = sodium_malloc(32);
    int r = key ? store_key(v, key, err, errlen) : -1;
    if (r == 0) {
        omemokeys_set_key(o->keys, key);
        r = omemo_save(o, err, errlen);
    }
    if (key)
        sodium_free(key);
    return r;
}

struct omemo *omemo_open(const char *data_dir, struct vault *v, const char *jid, bool *created,
                         char *err, size_t errlen)
{
    unsigned char *key = sodium_malloc(32);
    char name[PATH_JID_MAX + 1];
    char *dir = path_join(data_dir, "omemo");
    struct omemo *o = NULL;
    if (!key || !dir || !path_norm_jid(jid, strlen(jid), name))
        snprintf(err, errlen, "OMEMO: bad account or out of memory");
    else if (store_key(v, key, err, errlen) == 0)
        o = omemo_open_key(dir, name, key, name, created, err, errlen);
    if (key)
        sodium_free(key);
    free(dir);
    return o;
}

void omemo_free(struct omemo *o)
{
    if (!o)
        return;
    if (o->store)
        signal_protocol_store_context_destroy(o->store);
    if (o->ctx)
        signal_context_destroy(o->ctx);
    omemokeys_free(o->keys);
    free(o->jid);
    free(o);
}

uint32_t omemo_device_id(const struct omemo *o)
{
    return omemokeys_device_id(o->keys);
}

struct omemokeys *omemo_keys(struct omemo *o)
{
    return o->keys;
}

int omemo_save(struct omemo *o, char *err, size_t errlen)
{
    return omemokeys_save(o->keys, err, errlen);
}

struct bundle_fill {
    struct omemo *o;
    struct omemo_bundle *b;
    int rc;
};

static void fill_prekey(void *ctx, uint32_t id, bool is_signed, const uint8_t *rec, size_t len)
{
    struct bundle_fill *f = ctx;
    if (is_signed || f->rc < 0 || f->b->nprekeys >= OMEMO_MAX_PREKEYS)
        return;
    session_pre_key *pk = NULL;
    if (session_pre_key_deserialize(&pk, rec, len, f->o->ctx) < 0) {
        f->rc = -1;
        return;
    }
    struct omemo_prekey *p = &f->b->prekeys[f->b->nprekeys];
    p->id = id;
    if (blob_from(&p->pub,
                  serialize_pub(ec_key_pair_get_public(session_pre_key_get_key_pair(pk)))) == 0)
        f->b->nprekeys++;
    else
        f->rc = -1;
    SIGNAL_UNREF(pk);
}

int omemo_our_bundle(struct omemo *o, struct omemo_bundle *b)
{
    memset(b, 0, sizeof *b);
    session_signed_pre_key *spk = NULL;
    ratchet_identity_key_pair *id = NULL;
    b->device = omemo_device_id(o);
    b->spk_id = SIGNED_ID;
    b->prekeys = calloc(OMEMO_MAX_PREKEYS, sizeof *b->prekeys);
    struct bundle_fill f = {o, b, 0};
    if (b->prekeys && signal_protocol_signed_pre_key_load_key(o->store, &spk, SIGNED_ID) == 0 &&
        signal_protocol_identity_get_key_pair(o->store, &id) == 0 &&
        blob_from(&b->spk, serialize_pub(ec_key_pair_get_public(
                               session_signed_pre_key_get_key_pair(spk)))) == 0 &&
        blob_set(&b->spk_sig, session_signed_pre_key_get_signature(spk),
                 session_signed_pre_key_get_signature_len(spk)) == 0 &&
        blob_from(&b->ik, serialize_pub(ratchet_identity_key_pair_get_public(id))) == 0)
        omemokeys_each_prekey(o->keys, fill_prekey, &f);
    else
        f.rc = -1;
    SIGNAL_UNREF(spk);
    SIGNAL_UNREF(id);
    if (f.rc < 0)
        omemo_bundle_clear(b);
    return f.rc;
}

int omemo_replenish(struct omemo *o)
{
    size_t have = omemokeys_prekey_count(o->keys);
    if (have >= OMEMO_PREKEYS)
        return 0;
    return add_prekeys(o, (unsigned)(OMEMO_PREKEYS - have)) < 0 ? -1 : 1;
}

static signal_protocol_address address(const char *jid, uint32_t device)
{
    return (signal_protocol_address){
        .name = jid, .name_len = strlen(jid), .device_id = (int32_t)device};
}

static ec_public_key *decode(const struct omemo_blob *b, signal_context *ctx)
{
    ec_public_key *k = NULL;
    return b->p && curve_decode_point(&k, b->p, b->n, ctx) == 0 ? k : NULL;
}

int omemo_build_session(struct omemo *o, const char *jid, const struct omemo_bundle *b, int *seen,
                        char *err, size_t errlen)
{
    *seen = 0;
    if (b->nprekeys == 0 || b->device == 0 || b->device > 0x7FFFFFFF) {
        snprintf(err, errlen, "its bundle has no prekeys or a bad device id");
        return -1;
    }
    const struct omemo_prekey *pk = &b->prekeys[randombytes_uniform((uint32_t)b->nprekeys)];
    ec_public_key *ik = decode(&b->ik, o->ctx), *spk = decode(&b->spk, o->ctx),
                  *pre = decode(&pk->pub, o->ctx);
    session_pre_key_bundle *bundle = NULL;
    session_builder *builder = NULL;
    signal_protocol_address a = address(jid, b->device);
    int rc = SG_ERR_INVALID_KEY;
    /* Known before?  libomemo-c records the identity while it builds. */
    size_t klen = 0;
    const uint8_t *known = omemokeys_identity(o->keys, jid, b->device, &klen);
    int before = !known ? 1 : klen == b->ik.n && sodium_memcmp(known, b->ik.p, klen) == 0 ? 0 : 2;
    if (ik && spk && pre && b->spk_sig.p &&
        (rc = session_pre_key_bundle_create(&bundle, b->device, (int)b->device, pk->id, pre,
                                            b->spk_id, spk, b->spk_sig.p, b->spk_sig.n, ik)) == 0 &&
        (rc = session_builder_create(&builder, o->store, &a, o->ctx)) == 0) {
        session_builder_set_version(builder, WIRE_VERSION);
        rc = session_builder_process_pre_key_bundle(builder, bundle);
    }
    if (rc == 0 && omemokeys_identity_seen(o->keys, jid, b->device, b->ik.p, b->ik.n) >= 0)
        *seen = before;
    else if (rc == 0)
        *seen = -1;
    session_builder_free(builder);
    SIGNAL_UNREF(bundle);
    SIGNAL_UNREF(ik);
    SIGNAL_UNREF(spk);
    SIGNAL_UNREF(pre);
    if (rc < 0 || *seen < 0) {
        snprintf(err, errlen, "its bundle was refused: %s",
                 rc == SG_ERR_INVALID_KEY ? "a bad key or signature" : why(rc));
        return -1;
    }
    return 0;
}

bool omemo_has_session(const struct omemo *o, const char *jid, uint32_t device)
{
    return omemokeys_has_session(o->keys, jid, device);
}

bool omemo_session_pending(const struct omemo *o, const char *jid, uint32_t device)
{
    signal_protocol_address a = address(jid, device);
    session_record *rec = NULL;
    if (signal_protocol_session_load_session(o->store, &rec, &a, WIRE_VERSION) < 0 || !rec)
        return false;
    session_state *st = session_record_get_state(rec);
    bool pending = st && session_state_has_unacknowledged_pre_key_message(st);
    SIGNAL_UNREF(rec);
    return pending;
}

static int encrypt_key(struct omemo *o, const struct omemo_target *t, const uint8_t *kt,
                       size_t ktlen, struct omemo_key *out)
{
    signal_protocol_address a = address(t->jid, t->device);
    session_cipher *c = NULL;
    ciphertext_message *m = NULL;
    int rc = session_cipher_create(&c, o->store, &a, o->ctx);
    if (rc == 0) {
        session_cipher_set_version(c, WIRE_VERSION);
        rc = session_cipher_encrypt(c, kt, ktlen, &m);
    }
    if (rc == 0) {
        signal_buffer *ser = ciphertext_message_get_serialized(m);
        out->rid = t->device;
        out->prekey = ciphertext_message_get_type(m) == CIPHERTEXT_PREKEY_TYPE;
        rc = blob_set(&out->data, signal_buffer_data(ser), signal_buffer_len(ser));
    }
    SIGNAL_UNREF(m);
    session_cipher_free(c);
    return rc < 0 ? -1 : 0;
}

int omemo_encrypt(struct omemo *o, const char *peer_jid, const struct omemo_target *t, size_t n,
                  const char *text, struct omemo_element *e, char *err, size_t errlen)
{
    memset(e, 0, sizeof *e);
    uint8_t kt[OMEMO_KEY_LEN + OMEMO_TAG_LEN];
    size_t len = text ? strlen(text) : 0;
    e->sid = omemo_device_id(o);
    e->keys = calloc(n ? n : 1, sizeof *e->keys);
    if (!e->keys || !(e->iv.p = malloc(OMEMO_IV_LEN)) ||
        (text && !(e->payload.p = malloc(len ? len : 1)))) {
        snprintf(err, errlen, "out of memory");
        omemo_element_clear(e);
        return -1;
    }
    e->iv.n = OMEMO_IV_LEN;
    randombytes_buf(kt, OMEMO_KEY_LEN);
    randombytes_buf(e->iv.p, OMEMO_IV_LEN);
    if (text) {
        e->payload.n = len;
        if (omemocrypto_seal(kt, e->iv.p, OMEMO_IV_LEN, (const uint8_t *)text, len, e->payload.p,
                             kt + OMEMO_KEY_LEN) < 0) {
            snprintf(err, errlen, "AES-GCM failed");
            omemo_element_clear(e);
            return -1;
        }
    } else {
        randombytes_buf(kt + OMEMO_KEY_LEN, OMEMO_TAG_LEN);
    }
    size_t for_peer = 0;
    for (size_t i = 0; i < n; i++) {
        bool peer = strcmp(t[i].jid, peer_jid) == 0;
        if (!omemokeys_has_session(o->keys, t[i].jid, t[i].device) ||
            !omemokeys_trusted(o->keys, t[i].jid, t[i].device))
            continue;
        if (encrypt_key(o, &t[i], kt, sizeof kt, &e->keys[e->nkeys]) == 0) {
            e->nkeys++;
            for_peer += peer;
        }
    }
    sodium_memzero(kt, sizeof kt);
    if (for_peer == 0) {
        snprintf(err, errlen, "no trusted device of %s with a session", peer_jid);
        omemo_element_clear(e);
        return -1;
    }
    return 0;
}

int omemo_decrypt(struct omemo *o, const char *jid, const struct omemo_element *e, char **text,
                  bool *prekey_used, char *err, size_t errlen)
{
    *text = NULL;
    *prekey_used = false;
    const struct omemo_key *k = NULL;
    for (size_t i = 0; i < e->nkeys && !k; i++)
        if (e->keys[i].rid == omemo_device_id(o))
            k = &e->keys[i];
    if (!k) {
        snprintf(err, errlen, "it was not encrypted for this device");
        return -1;
    }
    signal_protocol_address a = address(jid, e->sid);
    session_cipher *c = NULL;
    signal_buffer *kt = NULL;
    size_t before = omemokeys_prekey_count(o->keys);
    int rc = session_cipher_create(&c, o->store, &a, o->ctx);
    if (rc == 0) {
        session_cipher_set_version(c, WIRE_VERSION);
        if (k->prekey) {
            pre_key_signal_message *m = NULL;
            rc = pre_key_signal_message_deserialize(&m, k->data.p, k->data.n, o->ctx);
            if (rc == 0)
                rc = session_cipher_decrypt_pre_key_signal_message(c, m, NULL, &kt);
            SIGNAL_UNREF(m);
        } else {
            signal_message *m = NULL;
            rc = signal_message_deserialize(&m, k->data.p, k->data.n, o->ctx);
            if (rc == 0)
                rc = session_cipher_decrypt_signal_message(c, m, NULL, &kt);
            SIGNAL_UNREF(m);
        }
    }
    session_cipher_free(c);
    *prekey_used = omemokeys_prekey_count(o->keys) < before;
    if (rc < 0) {
        snprintf(err, errlen, "%s", why(rc));
        return rc == SG_ERR_DUPLICATE_MESSAGE ? -2 : -1;
    }
    size_t ktlen = signal_buffer_len(kt);
    const uint8_t *kp = signal_buffer_data(kt);
    int r = -1;
    if (!e->payload.p) {
        r = 0; /* key transport: the session moved on, nothing to show */
    } else if (ktlen >= OMEMO_KEY_LEN + 12 && ktlen <= OMEMO_KEY_LEN + OMEMO_TAG_LEN) {
        char *out = malloc(e->payload.n + 1);
        if (out &&
            omemocrypto_open(kp, e->iv.p, e->iv.n, e->payload.p, e->payload.n, kp + OMEMO_KEY_LEN,
                             ktlen - OMEMO_KEY_LEN, (uint8_t *)out) == 0) {
            out[e->payload.n] = '\0';
            *text = out;
            r = 0;
        } else {
            free(out);
            snprintf(err, errlen, "its authentication tag did not match");
        }
    } else if (ktlen == OMEMO_KEY_LEN && e->payload.n >= OMEMO_TAG_LEN) {
        /* Early OMEMO 0.3 clients put the tag after the payload. */
        size_t n = e->payload.n - OMEMO_TAG_LEN;
        char *out = malloc(n + 1);
        if (out && omemocrypto_open(kp, e->iv.p, e->iv.n, e->payload.p, n, e->payload.p + n,
                                    OMEMO_TAG_LEN, (uint8_t *)out) == 0) {
            out[n] = '\0';
            *text = out;
            r = 0;
        } else {
            free(out);
            snprintf(err, errlen, "its authentication tag did not match");
        }
    } else {
        snprintf(err, errlen, "its key has a bad length");
    }
    signal_buffer_bzero_free(kt);
    return r;
}

void omemo_fingerprint(const uint8_t *key, size_t len, char out[OMEMO_FP_LEN])
{
    /* Clients show the 32 bytes after the 0x05 type byte, in groups of 8
     * hex digits. */
    size_t o = 0;
    out[0] = '\0';
    if (len == 33 && key[0] == 0x05)
        key++, len--;
    for (size_t i = 0; i < len && i < 32; i++) {
        if (i && i % 4 == 0)
            out[o++] = ' ';
        snprintf(out + o, OMEMO_FP_LEN - o, "%02x", key[i]);
        o += 2;
    }
}

void omemo_our_fingerprint(struct omemo *o, char out[OMEMO_FP_LEN])
{
    ratchet_identity_key_pair *id = NULL;
    out[0] = '\0';
    if (signal_protocol_identity_get_key_pair(o->store, &id) == 0) {
        signal_buffer *b = serialize_pub(ratchet_identity_key_pair_get_public(id));
        if (b)
            omemo_fingerprint(signal_buffer_data(b), signal_buffer_len(b), out);
        signal_buffer_free(b);
    }
    SIGNAL_UNREF(id);
}

int omemo_parse_fingerprint(const char *fp, uint8_t key[33])
{
    size_t n = 0;
    key[0] = 0x05;
    for (const char *p = fp; *p; p++) {
        if (*p == ' ' || *p == ':')
            continue;
        int v = *p >= '0' && *p <= '9'   ? *p - '0'
                : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10
                : *p >= 'A' && *p <= 'F' ? *p - 'A' + 10
                                         : -1;
        if (v < 0 || n >= 64)
            return -1;
        if (n % 2 == 0)
            key[1 + n / 2] = (uint8_t)(v << 4);
        else
            key[1 + n / 2] |= (uint8_t)v;
        n++;
    }
    return n == 64 ? 0 : -1;
}

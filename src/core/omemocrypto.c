/* SPDX-License-Identifier: GPL-3.0-or-later */
/* omemocrypto.c - libomemo-c does the Double Ratchet and X3DH but owns no
 * cryptography of its own: the host gives it random bytes, HMAC-SHA256,
 * SHA-512 and AES (CTR and CBC with PKCS#5 padding). OpenSSL's libcrypto
 * has all of them in one EVP interface; randomness comes from libsodium,
 * which the rest of tuktuk already draws from.
 *
 * OMEMO 0.3 (eu.siacs.conversations.axolotl) encrypts the message itself
 * outside the ratchet, with AES-128-GCM under a fresh key that the ratchet
 * carries together with the GCM tag: omemocrypto_seal and _open. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include "core/omemocrypto.h"

static int random_fn(uint8_t *data, size_t len, void *ud)
{
    (void)ud;
    randombytes_buf(data, len);
    return 0;
}

static int hmac_init(void **ctx, const uint8_t *key, size_t key_len, void *ud)
{
    (void)ud;
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *c = mac ? EVP_MAC_CTX_new(mac) : NULL;
    EVP_MAC_free(mac);
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0),
                           OSSL_PARAM_construct_end()};
    if (!c || EVP_MAC_init(c, key, key_len, params) != 1) {
        EVP_MAC_CTX_free(c);
        return SG_ERR_UNKNOWN;
    }
    *ctx = c;
    return 0;
}

static int hmac_update(void *ctx, const uint8_t *data, size_t len, void *ud)
{
    (void)ud;
    return EVP_MAC_update(ctx, data, len) == 1 ? 0 : SG_ERR_UNKNOWN;
}

static int hmac_final(void *ctx, signal_buffer **out, void *ud)
{
    (void)ud;
    uint8_t md[EVP_MAX_MD_SIZE];
    size_t n = 0;
    if (EVP_MAC_final(ctx, md, &n, sizeof md) != 1)
        return SG_ERR_UNKNOWN;
    *out = signal_buffer_create(md, n);
    return *out ? 0 : SG_ERR_NOMEM;
}

static void hmac_cleanup(void *ctx, void *ud)
{
    (void)ud;
    EVP_MAC_CTX_free(ctx);
}

static int sha512_init(void **ctx, void *ud)
{
    (void)ud;
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    if (!c || EVP_DigestInit_ex(c, EVP_sha512(), NULL) != 1) {
        EVP_MD_CTX_free(c);
        return SG_ERR_UNKNOWN;
    }
    *ctx = c;
    return 0;
}

static int sha512_update(void *ctx, const uint8_t *data, size_t len, void *ud)
{
    (void)ud;
    return EVP_DigestUpdate(ctx, data, len) == 1 ? 0 : SG_ERR_UNKNOWN;
}

static int sha512_final(void *ctx, signal_buffer **out, void *ud)
{
    (void)ud;
    uint8_t md[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    /* The context is used again after final (HKDF): start it afresh. */
    if (EVP_DigestFinal_ex(ctx, md, &n) != 1 || EVP_DigestInit_ex(ctx, EVP_sha512(), NULL) != 1)
        return SG_ERR_UNKNOWN;
    *out = signal_buffer_create(md, n);
    return *out ? 0 : SG_ERR_NOMEM;
}

static void sha512_cleanup(void *ctx, void *ud)
{
    (void)ud;
    EVP_MD_CTX_free(ctx);
}

static const EVP_CIPHER *aes(int cipher, size_t key_len)
{
    bool ctr = cipher == SG_CIPHER_AES_CTR_NOPADDING;
    if (cipher != SG_CIPHER_AES_CTR_NOPADDING && cipher != SG_CIPHER_AES_CBC_PKCS5)
        return NULL;
    switch (key_len) {
    case 16:
        return ctr ? EVP_aes_128_ctr() : EVP_aes_128_cbc();
    case 24:
        return ctr ? EVP_aes_192_ctr() : EVP_aes_192_cbc();
    case 32:
        return ctr ? EVP_aes_256_ctr() : EVP_aes_256_cbc();
    default:
        return NULL;
    }
}

static int aes_crypt(signal_buffer **output, int cipher, const uint8_t *key, size_t key_len,
                     const uint8_t *iv, size_t iv_len, const uint8_t *in, size_t n, int enc)
{
    const EVP_CIPHER *c = aes(cipher, key_len);
    if (!c || iv_len != 16 || n > INT32_MAX - 32)
        return SG_ERR_INVAL;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    uint8_t *buf = malloc(n + 32);
    int len1 = 0, len2 = 0, rc = SG_ERR_UNKNOWN;
    if (ctx && buf && EVP_CipherInit_ex(ctx, c, NULL, key, iv, enc) == 1 &&
        EVP_CIPHER_CTX_set_padding(ctx, cipher == SG_CIPHER_AES_CBC_PKCS5) == 1 &&
        EVP_CipherUpdate(ctx, buf, &len1, in, (int)n) == 1 &&
        EVP_CipherFinal_ex(ctx, buf + len1, &len2) == 1) {
        *output = signal_buffer_create(buf, (size_t)len1 + (size_t)len2);
        rc = *output ? 0 : SG_ERR_NOMEM;
    }
    if (buf)
        sodium_memzero(buf, n + 32);
    free(buf);
    EVP_CIPHER_CTX_free(ctx);
    return rc;
}

static int encrypt_fn(signal_buffer **output, int cipher, const uint8_t *key, size_t key_len,
                      const uint8_t *iv, size_t iv_len, const uint8_t *in, size_t n, void *ud)
{
    (void)ud;
    return aes_crypt(output, cipher, key, key_len, iv, iv_len, in, n, 1);
}

static int decrypt_fn(signal_buffer **output, int cipher, const uint8_t *key, size_t key_len,
                      const uint8_t *iv, size_t iv_len, const uint8_t *in, size_t n, void *ud)
{
    (void)ud;
    return aes_crypt(output, cipher, key, key_len, iv, iv_len, in, n, 0);
}

void omemocrypto_provider(signal_crypto_provider *p)
{
    *p = (signal_crypto_provider){
        .random_func = random_fn,
        .hmac_sha256_init_func = hmac_init,
        .hmac_sha256_update_func = hmac_update,
        .hmac_sha256_final_func = hmac_final,
        .hmac_sha256_cleanup_func = hmac_cleanup,
        .sha512_digest_init_func = sha512_init,
        .sha512_digest_update_func = sha512_update,
        .sha512_digest_final_func = sha512_final,
        .sha512_digest_cleanup_func = sha512_cleanup,
        .encrypt_func = encrypt_fn,
        .decrypt_func = decrypt_fn,
    };
}

static int gcm(const uint8_t *key, const uint8_t *iv, size_t ivlen, const uint8_t *in, size_t n,
               uint8_t *out, uint8_t *tag, size_t taglen, int enc)
{
    if (n > INT32_MAX || ivlen == 0 || ivlen > 64 || taglen < 12 || taglen > 16)
        return -1;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int len = 0, fin = 0,
        ok = ctx && EVP_CipherInit_ex(ctx, EVP_aes_128_gcm(), NULL, NULL, NULL, enc) == 1 &&
             EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, (int)ivlen, NULL) == 1 &&
             EVP_CipherInit_ex(ctx, NULL, NULL, key, iv, enc) == 1 &&
             (n == 0 || EVP_CipherUpdate(ctx, out, &len, in, (int)n) == 1);
    if (ok && !enc)
        ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, (int)taglen, tag) == 1;
    if (ok)
        ok = EVP_CipherFinal_ex(ctx, out + len, &fin) == 1;
    if (ok && enc)
        ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, (int)taglen, tag) == 1;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok && !enc && n)
        sodium_memzero(out, n);
    return ok ? 0 : -1;
}

int omemocrypto_seal(const uint8_t key[OMEMO_KEY_LEN], const uint8_t *iv, size_t ivlen,
                     const uint8_t *in, size_t n, uint8_t *out, uint8_t tag[OMEMO_TAG_LEN])
{
    return gcm(key, iv, ivlen, in, n, out, tag, OMEMO_TAG_LEN, 1);
}

int omemocrypto_open(const uint8_t key[OMEMO_KEY_LEN], const uint8_t *iv, size_t ivlen,
                     const uint8_t *in, size_t n, const uint8_t *tag, size_t taglen, uint8_t *out)
{
    uint8_t t[OMEMO_TAG_LEN];
    if (taglen > sizeof t)
        return -1;
    memcpy(t, tag, taglen);
    return gcm(key, iv, ivlen, in, n, out, t, taglen, 0);
}

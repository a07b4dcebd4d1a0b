/* SPDX-License-Identifier: GPL-3.0-or-later */
/* aesgcm.c - an aesgcm:// file (XEP-0454): decrypted as it downloads,
 * encrypted as it uploads.
 *
 * The body is ciphertext with the GCM tag appended, and nothing says where
 * the body ends until it has. So the newest 16 bytes are always held back:
 * whatever comes after them proves they were ciphertext, and what is left
 * at the end is the tag. Plaintext goes to the caller before the tag is
 * checked (a file may be larger than memory); the caller writes it to a
 * .part file and deletes that file when aesgcm_final says the tag is
 * wrong, so no unauthenticated byte ever ends up under the real name.
 *
 * The fragment is hex: 12 bytes of IV and 32 of key (88 digits), or a
 * 16-byte IV as older clients send (96 digits).
 *
 * Sending, each file gets its own key and IV from RAND_bytes (a key is
 * never used twice, so a 12-byte random IV is safe), and the file is read
 * and encrypted a buffer at a time as curl asks for the body, the tag
 * going out last: a file is never in memory, nor on disk in a second,
 * encrypted copy. The key lives in the link only, which goes into the
 * OMEMO-encrypted message; every copy of it is wiped when freed. */
#include "core/aesgcm.h"

#include <openssl/crypto.h>
#include <errno.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct aesgcm {
    EVP_CIPHER_CTX *ctx;
    unsigned char held[AESGCM_TAG_LEN];
    size_t nheld;
};

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

static bool unhex(const char *s, size_t n, unsigned char *out)
{
    for (size_t i = 0; i < n; i++) {
        int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return true;
}

int aesgcm_link_parse(const char *url, struct aesgcm_link *out)
{
    static const char scheme[] = "aesgcm://";
    memset(out, 0, sizeof *out);
    if (strncmp(url, scheme, sizeof scheme - 1) != 0)
        return -1;
    const char *hash = strchr(url, '#');
    if (!hash)
        return -1;
    const char *frag = hash + 1;
    size_t n = strlen(frag);
    if (n == 2 * (12 + AESGCM_KEY_LEN))
        out->iv_len = 12;
    else if (n == 2 * (16 + AESGCM_KEY_LEN))
        out->iv_len = 16;
    else
        return -1;
    if (!unhex(frag, out->iv_len, out->iv) ||
        !unhex(frag + 2 * out->iv_len, AESGCM_KEY_LEN, out->key)) {
        aesgcm_link_clear(out);
        return -1;
    }
    size_t rest = (size_t)(hash - url) - (sizeof scheme - 1);
    out->https_url = malloc(rest + 9);
    if (!out->https_url) {
        aesgcm_link_clear(out);
        return -1;
    }
    memcpy(out->https_url, "https://", 8);
    memcpy(out->https_url + 8, url + sizeof scheme - 1, rest);
    out->https_url[8 + rest] = '\0';
    return 0;
}

void aesgcm_link_clear(struct aesgcm_link *l)
{
    free(l->https_url);
    OPENSSL_cleanse(l, sizeof *l);
}

struct aesgcm *aesgcm_new(const struct aesgcm_link *l)
{
    struct aesgcm *g = calloc(1, sizeof *g);
    if (!g || !(g->ctx = EVP_CIPHER_CTX_new()))
        goto fail;
    if (EVP_DecryptInit_ex(g->ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
        EVP_CIPHER_CTX_ctrl(g->ctx, EVP_CTRL_GCM_SET_IVLEN, (int)l->iv_len, NULL) != 1 ||
        EVP_DecryptInit_ex(g->ctx, NULL, NULL, l->key, l->iv) != 1)
        goto fail;
    return g;
fail:
    aesgcm_free(g);
    return NULL;
}

void aesgcm_free(struct aesgcm *g)
{
    if (!g)
        return;
    EVP_CIPHER_CTX_free(g->ctx);
    free(g);
}

static bool decrypt(struct aesgcm *g, const unsigned char *in, size_t len, unsigned char *out,
                    long *wrote)
{
    while (len > 0) {
        int chunk = len > (1u << 30) ? 1 << 30 : (int)len, n = 0;
        if (EVP_DecryptUpdate(g->ctx, out + *wrote, &n, in, chunk) != 1)
            return false;
        *wrote += n;
        in += chunk;
        len -= (size_t)chunk;
    }
    return true;
}

long aesgcm_update(struct aesgcm *g, const unsigned char *in, size_t len, unsigned char *out)
{
    long wrote = 0;
    size_t total = g->nheld + len;
    if (total <= AESGCM_TAG_LEN) {
        memcpy(g->held + g->nheld, in, len);
        g->nheld = total;
        return 0;
    }
    /* What leaves: total - 16 bytes, first from the held ones, then in. */
    size_t leave = total - AESGCM_TAG_LEN;
    size_t from_held = leave < g->nheld ? leave : g->nheld;
    if (!decrypt(g, g->held, from_held, out, &wrote))
        return -1;
    memmove(g->held, g->held + from_held, g->nheld - from_held);
    g->nheld -= from_held;
    size_t from_in = leave - from_held;
    if (!decrypt(g, in, from_in, out, &wrote))
        return -1;
    memcpy(g->held + g->nheld, in + from_in, len - from_in);
    g->nheld += len - from_in;
    return wrote;
}

bool aesgcm_final(struct aesgcm *g)
{
    unsigned char rest[AESGCM_TAG_LEN];
    int n = 0;
    if (g->nheld != AESGCM_TAG_LEN ||
        EVP_CIPHER_CTX_ctrl(g->ctx, EVP_CTRL_GCM_SET_TAG, AESGCM_TAG_LEN, g->held) != 1)
        return false;
    return EVP_DecryptFinal_ex(g->ctx, rest, &n) == 1;
}

/* ---- the sending side ---- */

int aesgcm_link_new(struct aesgcm_link *out)
{
    memset(out, 0, sizeof *out);
    out->iv_len = 12;
    if (RAND_bytes(out->key, AESGCM_KEY_LEN) != 1 || RAND_bytes(out->iv, (int)out->iv_len) != 1) {
        OPENSSL_cleanse(out, sizeof *out);
        return -1;
    }
    return 0;
}

char *aesgcm_link_format(const char *https_url, const struct aesgcm_link *l)
{
    static const char hex[] = "0123456789abcdef";
    if (strncmp(https_url, "https://", 8) != 0 || strchr(https_url, '#'))
        return NULL;
    const char *rest = https_url + 8;
    size_t n = strlen(rest), len = 9 + n + 1 + 2 * (l->iv_len + AESGCM_KEY_LEN) + 1;
    char *out = malloc(len), *p = out;
    if (!out)
        return NULL;
    memcpy(p, "aesgcm://", 9);
    memcpy(p += 9, rest, n);
    *(p += n) = '#';
    p++;
    for (size_t i = 0; i < l->iv_len + AESGCM_KEY_LEN; i++) {
        unsigned char b = i < l->iv_len ? l->iv[i] : l->key[i - l->iv_len];
        *p++ = hex[b >> 4];
        *p++ = hex[b & 15];
    }
    *p = '\0';
    return out;
}

void aesgcm_link_free(char *link)
{
    if (link)
        OPENSSL_cleanse(link, strlen(link));
    free(link);
}

struct aesgcm_seal {
    EVP_CIPHER_CTX *ctx;
    int fd;
    bool eof;
    unsigned char tag[AESGCM_TAG_LEN];
    size_t tag_sent;
};

struct aesgcm_seal *aesgcm_seal_new(const struct aesgcm_link *l, int fd)
{
    struct aesgcm_seal *s = calloc(1, sizeof *s);
    if (!s || !(s->ctx = EVP_CIPHER_CTX_new()))
        goto fail;
    s->fd = fd;
    if (EVP_EncryptInit_ex(s->ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
        EVP_CIPHER_CTX_ctrl(s->ctx, EVP_CTRL_GCM_SET_IVLEN, (int)l->iv_len, NULL) != 1 ||
        EVP_EncryptInit_ex(s->ctx, NULL, NULL, l->key, l->iv) != 1)
        goto fail;
    return s;
fail:
    aesgcm_seal_free(s);
    return NULL;
}

void aesgcm_seal_free(struct aesgcm_seal *s)
{
    if (!s)
        return;
    EVP_CIPHER_CTX_free(s->ctx); /* wipes the key schedule */
    OPENSSL_cleanse(s, sizeof *s);
    free(s);
}

/* The file is at its end: the tag comes next. */
static int seal_end(struct aesgcm_seal *s)
{
    unsigned char rest[16];
    int n = 0;
    if (EVP_EncryptFinal_ex(s->ctx, rest, &n) != 1 || n != 0 ||
        EVP_CIPHER_CTX_ctrl(s->ctx, EVP_CTRL_GCM_GET_TAG, AESGCM_TAG_LEN, s->tag) != 1)
        return -1;
    s->eof = true;
    return 0;
}

long aesgcm_seal_read(struct aesgcm_seal *s, unsigned char *buf, size_t len)
{
    if (len > 1u << 30)
        len = 1u << 30;
    while (!s->eof) {
        ssize_t got = read(s->fd, buf, len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return -1;
        if (got == 0) {
            if (seal_end(s) != 0) {
                errno = EIO;
                return -1;
            }
            break;
        }
        int n = 0; /* GCM is a stream: in place, as many bytes out as in */
        if (EVP_EncryptUpdate(s->ctx, buf, &n, buf, (int)got) != 1 || n != (int)got) {
            errno = EIO;
            return -1;
        }
        return n;
    }
    size_t left = AESGCM_TAG_LEN - s->tag_sent, k = left < len ? left : len;
    memcpy(buf, s->tag + s->tag_sent, k);
    s->tag_sent += k;
    return (long)k;
}

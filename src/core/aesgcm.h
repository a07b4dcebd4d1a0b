/* SPDX-License-Identifier: GPL-3.0-or-later */
/* aesgcm.h - the files of encrypted chats (XEP-0454): an aesgcm:// link
 * carries the key and IV in its fragment, and the file is AES-256-GCM
 * ciphertext followed by its 16-byte tag. Decrypted as it streams (see
 * aesgcm.c). */
#ifndef TUKTUK_AESGCM_H
#define TUKTUK_AESGCM_H

#include <stdbool.h>
#include <stddef.h>

#define AESGCM_KEY_LEN 32
#define AESGCM_TAG_LEN 16
#define AESGCM_IV_MAX 16

struct aesgcm_link {
    char *https_url; /* the same link as https://, without the fragment */
    unsigned char key[AESGCM_KEY_LEN];
    unsigned char iv[AESGCM_IV_MAX];
    size_t iv_len; /* 12, or 16 from older clients */
};

/* Reads "aesgcm://host/path#<iv hex><key hex>". Returns 0, or -1 when it
 * is not such a link. Free with aesgcm_link_clear (wipes the key). */
int aesgcm_link_parse(const char *url, struct aesgcm_link *out);
void aesgcm_link_clear(struct aesgcm_link *l);

struct aesgcm;
struct aesgcm *aesgcm_new(const struct aesgcm_link *l);
void aesgcm_free(struct aesgcm *g);
/* Ciphertext in, plaintext out: the newest 16 bytes are held back, since
 * they may be the tag. out has room for len + AESGCM_TAG_LEN bytes.
 * Returns the bytes written to out, or -1. */
long aesgcm_update(struct aesgcm *g, const unsigned char *in, size_t len, unsigned char *out);
/* At the end: true when the held-back bytes are the right tag. */
bool aesgcm_final(struct aesgcm *g);

#endif

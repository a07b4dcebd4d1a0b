/* SPDX-License-Identifier: GPL-3.0-or-later */
/* aesgcm.h - the files of encrypted chats (XEP-0454): an aesgcm:// link
 * carries the key and IV in its fragment, and the file is AES-256-GCM
 * ciphertext followed by its 16-byte tag. Decrypted as it downloads,
 * encrypted as it uploads, both streaming (see aesgcm.c). */
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

/* ---- the sending side ---- */

/* A fresh key and 12-byte IV from the system's random source, for one
 * file (https_url stays NULL). 0, or -1 when there was no randomness.
 * Wipe with aesgcm_link_clear. */
int aesgcm_link_new(struct aesgcm_link *out);
/* "aesgcm://host/path#<iv hex><key hex>" for https_url (the GET URL of
 * the upload slot), or NULL when it is not https://. The result holds the
 * key: free it with aesgcm_link_free. */
char *aesgcm_link_format(const char *https_url, const struct aesgcm_link *l);
void aesgcm_link_free(char *link);

/* Reads the plaintext file fd from where it stands and gives its
 * ciphertext, then the tag: AESGCM_TAG_LEN bytes more than the file. */
struct aesgcm_seal;
struct aesgcm_seal *aesgcm_seal_new(const struct aesgcm_link *l, int fd);
/* Up to len bytes of the sealed file into buf: the count, 0 at the end,
 * or -1 with errno set (a read error, or a failed cipher: EIO). */
long aesgcm_seal_read(struct aesgcm_seal *s, unsigned char *buf, size_t len);
/* fd stays open. */
void aesgcm_seal_free(struct aesgcm_seal *s);

#endif

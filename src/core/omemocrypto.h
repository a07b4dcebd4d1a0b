/* SPDX-License-Identifier: GPL-3.0-or-later */
/* omemocrypto.h - the primitives libomemo-c asks its host for, given
 * through OpenSSL's libcrypto and libsodium's random bytes, and the
 * AES-128-GCM that OMEMO 0.3 wraps each message's payload in (see
 * omemocrypto.c). */
#ifndef TUKTUK_OMEMOCRYPTO_H
#define TUKTUK_OMEMOCRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include <signal_protocol.h>

/* Fills p with the provider's functions. */
void omemocrypto_provider(signal_crypto_provider *p);

#define OMEMO_KEY_LEN 16 /* AES-128 */
#define OMEMO_IV_LEN 12
#define OMEMO_TAG_LEN 16

/* AES-128-GCM of in[0..n) into out (n bytes) and tag. 0 or -1. */
int omemocrypto_seal(const uint8_t key[OMEMO_KEY_LEN], const uint8_t *iv, size_t ivlen,
                     const uint8_t *in, size_t n, uint8_t *out, uint8_t tag[OMEMO_TAG_LEN]);
/* The reverse; -1 when the tag does not match (nothing of out may be used). */
int omemocrypto_open(const uint8_t key[OMEMO_KEY_LEN], const uint8_t *iv, size_t ivlen,
                     const uint8_t *in, size_t n, const uint8_t *tag, size_t taglen, uint8_t *out);

#endif

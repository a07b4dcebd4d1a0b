/* SPDX-License-Identifier: GPL-3.0-or-later */
/* wipe.h - freeing memory that held a secret (a password, a key, a
 * proof): wiped first with OPENSSL_cleanse, which the compiler may not
 * remove. The protocol layer depends on OpenSSL already; libsodium's
 * sodium_memzero is the same for the files that use libsodium. */
#ifndef TUKTUK_WIPE_H
#define TUKTUK_WIPE_H

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

static inline void wipe_free(void *p, size_t len)
{
    if (p) {
        OPENSSL_cleanse(p, len);
        free(p);
    }
}

static inline void wipe_free_str(char *p)
{
    if (p)
        wipe_free(p, strlen(p));
}

#endif

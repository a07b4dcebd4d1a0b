/* SPDX-License-Identifier: GPL-3.0-or-later */
/* saslprep.c - SASLprep (RFC 4013) of passwords and usernames.
 *
 * SASLprep is a stringprep (RFC 3454) profile: map (B.1 "commonly mapped
 * to nothing" removed, C.1.2 non-ASCII spaces become U+0020), normalise
 * with NFKC, refuse prohibited characters (C.1.2 to C.9) and apply the
 * bidirectional rules (RFC 3454 §6). The tables and NFKC come from GNU
 * libidn (see docs/dependencies.md).
 *
 * We decode and encode UTF-8 ourselves and hand libidn only our own UCS-4
 * buffer (stringprep_4i), instead of calling stringprep_profile: that way
 * every copy of the password we make is wiped before it is freed.
 * stringprep_profile would leave freed, unwiped copies on the heap. The one
 * copy we cannot reach is the temporary buffer inside libidn's NFKC step.
 *
 * Passwords are "stored strings" (RFC 4013 §2.5 and RFC 3454 §7), so
 * unassigned code points are refused (STRINGPREP_NO_UNASSIGNED). */
#include "xmpp/saslprep.h"
#include "xml/utf8.h"
#include "xmpp/wipe.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <stringprep.h>

/* Decodes in into ucs4 (room for at least strlen(in) code points).
 * Returns the number of code points, or -1 if in is not valid UTF-8. */
static long decode_all(const char *in, uint32_t *ucs4)
{
    const unsigned char *p = (const unsigned char *)in;
    size_t left = strlen(in);
    long n = 0;

    while (left) {
        size_t len = utf8_decode(p, left, &ucs4[n]);
        if (len == 0)
            return -1;
        p += len;
        left -= len;
        n++;
    }
    return n;
}

/* Runs the profile on a copy of the n code points in src, growing the
 * buffer while libidn says it is too small (NFKC can expand a character
 * to many, e.g. U+FDFA to 18). Returns the buffer (of *cap code points)
 * with *n updated, or NULL if prohibited or out of memory. */
static uint32_t *prepare_ucs4(const uint32_t *src, size_t *n, size_t *cap)
{
    size_t size = *n + 16;

    for (int tries = 0; tries < 8; tries++, size *= 4) {
        uint32_t *buf = calloc(size, sizeof *buf);
        size_t len = *n;
        int rc;

        if (!buf)
            return NULL;
        memcpy(buf, src, len * sizeof *buf);
        rc = stringprep_4i(buf, &len, size, STRINGPREP_NO_UNASSIGNED, stringprep_saslprep);
        if (rc == STRINGPREP_OK) {
            *n = len;
            *cap = size;
            return buf;
        }
        wipe_free(buf, size * sizeof *buf);
        if (rc != STRINGPREP_TOO_SMALL_BUFFER)
            return NULL;
    }
    return NULL;
}

static char *encode_all(const uint32_t *ucs4, size_t n)
{
    char *out = malloc(n * 4 + 1);
    size_t len = 0;

    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++)
        len += utf8_encode(ucs4[i], out + len);
    out[len] = '\0';
    return out;
}

char *saslprep(const char *in)
{
    size_t inlen, n, cap = 0;
    uint32_t *decoded, *prepared;
    long count;
    char *out;

    if (!in)
        return NULL;
    inlen = strlen(in);
    decoded = calloc(inlen + 1, sizeof *decoded);
    if (!decoded)
        return NULL;
    count = decode_all(in, decoded);
    if (count < 0) {
        wipe_free(decoded, (inlen + 1) * sizeof *decoded);
        return NULL;
    }
    n = (size_t)count;
    prepared = prepare_ucs4(decoded, &n, &cap);
    wipe_free(decoded, (inlen + 1) * sizeof *decoded);
    if (!prepared)
        return NULL;
    out = encode_all(prepared, n);
    wipe_free(prepared, cap * sizeof *prepared);
    return out;
}

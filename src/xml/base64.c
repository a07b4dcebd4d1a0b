/* SPDX-License-Identifier: GPL-3.0-or-later */
/* base64.c - base64 (RFC 4648 §4, with padding), the encoding of binary
 * data in XML text (xs:base64Binary): SASL payloads (RFC 6120 §6.4.2,
 * RFC 5802 §7), caps verification strings (XEP-0115), and what comes next
 * (OMEMO keys, file hashes). Decoding is strict, so that each value has
 * exactly one encoding. */
#include "xml/base64.h"

#include <stdint.h>
#include <stdlib.h>

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

char *base64_encode(const unsigned char *data, size_t len)
{
    size_t o = 0;
    char *out;

    if ((!data && len) || len > SIZE_MAX / 2)
        return NULL;
    out = malloc(4 * ((len + 2) / 3) + 1);
    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)data[i + 1] << 8;
        if (i + 2 < len)
            v |= data[i + 2];
        out[o++] = b64_alphabet[(v >> 18) & 63];
        out[o++] = b64_alphabet[(v >> 12) & 63];
        out[o++] = i + 1 < len ? b64_alphabet[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < len ? b64_alphabet[v & 63] : '=';
    }
    out[o] = '\0';
    return out;
}

/* Decodes one group of four characters into v; pad is how many of them
 * are the final '=' padding. Returns -1 on a character out of place. */
static int b64_group(const char *g, size_t pad, uint32_t *v)
{
    *v = 0;
    for (size_t j = 0; j < 4; j++) {
        int d = (j >= 4 - pad) ? 0 : b64_value(g[j]);
        if (d < 0)
            return -1;
        *v = (*v << 6) | (uint32_t)d;
    }
    return 0;
}

/* Strict: length a multiple of four, '=' only as final padding, and the
 * unused bits before the padding zero, so each value has one encoding. */
unsigned char *base64_decode(const char *text, size_t len, size_t *out_len)
{
    size_t pad = 0, o = 0;
    unsigned char *out;

    if (!text || len % 4)
        return NULL;
    if (len > 0 && text[len - 1] == '=')
        pad = (text[len - 2] == '=') ? 2 : 1;
    out = malloc(len / 4 * 3 + 1);
    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i += 4) {
        size_t gpad = (i + 4 == len) ? pad : 0;
        uint32_t v;
        if (b64_group(text + i, gpad, &v) < 0 || (gpad == 2 && (v & 0xFFFF)) ||
            (gpad == 1 && (v & 0xFF))) {
            free(out);
            return NULL;
        }
        out[o++] = (unsigned char)(v >> 16);
        if (gpad < 2)
            out[o++] = (unsigned char)(v >> 8);
        if (gpad < 1)
            out[o++] = (unsigned char)v;
    }
    if (out_len)
        *out_len = o;
    return out;
}


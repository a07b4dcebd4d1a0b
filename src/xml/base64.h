/* SPDX-License-Identifier: GPL-3.0-or-later */
/* base64.h - base64 with padding, strict on input (see base64.c). */
#ifndef TUKTUK_BASE64_H
#define TUKTUK_BASE64_H

#include <stddef.h>

/* Caller frees; NULL when out of memory. */
char *base64_encode(const unsigned char *data, size_t len);
/* len bytes of text; the decoded length in *out_len (may be NULL). Caller
 * frees; NULL when text is not strict base64 or out of memory. */
unsigned char *base64_decode(const char *text, size_t len, size_t *out_len);

#endif

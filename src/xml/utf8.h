/* SPDX-License-Identifier: GPL-3.0-or-later */
/* utf8.h - the one UTF-8 check the XML layer uses, for the framer's
 * incoming bytes and for text we are asked to send, and the one decoder
 * and the one encoder of a code point (see utf8.c). */
#ifndef TUKTUK_UTF8_H
#define TUKTUK_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length (2..4) of the valid multi-byte sequence at p, 0 if it is
 * invalid, -1 if the avail bytes are a valid but incomplete prefix (the
 * rest may come in the next chunk). */
int utf8_char_len(const unsigned char *p, size_t avail);

/* Decodes one strict UTF-8 sequence (RFC 3629: no overlong form, no
 * surrogate, nothing above U+10FFFF) of at most avail bytes into *cp.
 * Returns its length (1..4), 0 if invalid or cut short. The one decoder
 * of the project: JIDs, SASLprep and display widths use it. */
size_t utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp);

/* Writes code point cp (at most U+10FFFF) as UTF-8 into out, which has
 * room for 4 bytes. Returns the length. */
size_t utf8_encode(unsigned long cp, char *out);

#endif

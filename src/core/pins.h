/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pins.h - certificates the user trusted on purpose (/tls trust), one
 * SHA-256 fingerprint per account in DATA/trusted-certs (see pins.c). */
#ifndef TUKTUK_PINS_H
#define TUKTUK_PINS_H

#include <stddef.h>

/* "AB:CD:..." : 32 bytes as 95 characters, plus the NUL. */
#define PINS_FINGERPRINT_LEN 96

/* The pinned fingerprint of jid's account (bare JID; a resource is
 * ignored, ASCII case too) into out, as "AB:CD:...". Returns 1 found,
 * 0 none (or no file), -1 when the file cannot be read. */
int pins_get(const char *data_dir, const char *jid, char *out, size_t outlen);

/* Pins fingerprint (64 hex digits, colons and case free) for jid,
 * replacing its previous pin; the file is rewritten atomically with mode
 * 0600. Returns 0 or -1 with err. */
int pins_set(const char *data_dir, const char *jid, const char *fingerprint, char *err,
             size_t errlen);

/* Forgets jid's pin. Returns 1 removed, 0 there was none, -1 with err. */
int pins_remove(const char *data_dir, const char *jid, char *err, size_t errlen);

#endif

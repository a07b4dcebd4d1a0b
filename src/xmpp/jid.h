/* SPDX-License-Identifier: GPL-3.0-or-later */
/* jid.h - JID parsing and comparison (RFC 7622 basics). */
#ifndef TUKTUK_JID_H
#define TUKTUK_JID_H

#include <stdbool.h>
#include <stddef.h>

struct jid {
    char *local;    /* NULL if none; lower-cased (ASCII) */
    char *domain;   /* lower-cased, trailing dot removed */
    char *resource; /* NULL if none; kept exactly */
};

/* Parse "local@domain/resource". Each part at most 1023 bytes, domain
 * non-empty, no empty local or resource after a separator, valid UTF-8.
 * Returns 0, or -1 with a reason in err. On success the caller frees with
 * jid_clear. */
int jid_parse(const char *text, struct jid *out, char *err, size_t errlen);
void jid_clear(struct jid *j);

/* "local@domain" or "domain". Caller frees. */
char *jid_bare(const struct jid *j);
/* Full form with resource if any. Caller frees. */
char *jid_full(const struct jid *j);

/* Normalised bare JID of a string, or NULL if it does not parse.
 * Caller frees. */
char *jid_bare_of(const char *text);
/* Resource part of a string (pointer into text), or NULL. */
const char *jid_resource_of(const char *text);
/* True when both strings parse and their bare JIDs are equal. */
bool jid_bare_equal(const char *a, const char *b);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* saslprep.h - SASLprep (RFC 4013) of passwords and usernames. */
#ifndef TUKTUK_SASLPREP_H
#define TUKTUK_SASLPREP_H

/* Returns a newly allocated prepared string (caller frees, ideally after
 * wiping it), or NULL if the input is not valid UTF-8 or contains a
 * prohibited character. */
char *saslprep(const char *in);

#endif

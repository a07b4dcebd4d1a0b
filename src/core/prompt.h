/* SPDX-License-Identifier: GPL-3.0-or-later */
/* prompt.h - questions asked on the terminal before the full-screen UI
 * starts: the JID when none is configured, and the vault's master
 * passphrase (without echo). See prompt.c. */
#ifndef TUKTUK_PROMPT_H
#define TUKTUK_PROMPT_H

#include <stdbool.h>

/* A line typed without echo, in sodium_malloc'd memory (free with
 * sodium_free). NULL when there is no terminal or on end of input. */
char *prompt_secret(const char *question);
/* A line typed with echo. Caller frees. NULL as above. */
char *prompt_line(const char *question);

#endif

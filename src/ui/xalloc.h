/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xalloc.h - allocation for the UI, which has nothing sensible left to do
 * when memory runs out: these abort instead of returning NULL, so that
 * drawing code does not drown in checks (see xalloc.c). */
#ifndef TUKTUK_UI_XALLOC_H
#define TUKTUK_UI_XALLOC_H

#include <stddef.h>

void *xalloc_realloc(void *p, size_t n);
char *xalloc_strdup(const char *s);
/* The first len bytes of s, NUL-terminated. */
char *xalloc_strndup(const char *s, size_t len);

#endif

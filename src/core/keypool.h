/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keypool.h - small secrets (OMEMO keys and sessions) packed into a few
 * guarded, locked pages instead of one sodium_malloc each (keypool.c). */
#ifndef TUKTUK_KEYPOOL_H
#define TUKTUK_KEYPOOL_H

#include <stddef.h>

struct keypool;

struct keypool *keypool_new(void);
/* Wipes and returns every page, whatever is still allocated. */
void keypool_free(struct keypool *p);
/* n zeroed bytes that stay where they are until keypool_put; NULL when out
 * of memory. */
void *keypool_get(struct keypool *p, size_t n);
/* Wipes and gives back what keypool_get(p, n) returned, with the same n. */
void keypool_put(struct keypool *p, void *mem, size_t n);

#endif

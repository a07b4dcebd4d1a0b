/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keypool.c - small secrets in few pages.
 *
 * The OMEMO key store holds a few hundred records of 40 to 2,000 bytes
 * (100 one-time prekeys alone). Each one in its own sodium_malloc block
 * cost a locked page and two guard pages: 0.9 MB resident and 700
 * mappings for 20 KB of keys, a fifth of the whole process's PSS at a
 * 2,000-contact login (docs/benchmarks.md, issue 9 item 16). Here the
 * records share 16 KiB slabs, themselves from sodium_malloc: still
 * locked out of swap, still between guard pages, never in the ordinary
 * heap, and wiped when given back. A slab is cut into slots of one size
 * (32 to 2,048 bytes, powers of two); a slot given back is wiped and
 * kept for the next record of its size, slabs live until keypool_free.
 * Anything larger gets its own sodium_malloc block, as before. */
#include "core/keypool.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define SLAB (16 * 1024)
#define MIN_SLOT 32
#define CLASSES 7 /* 32, 64, ... 2,048 */

struct slab {
    struct slab *next;
    unsigned char *mem; /* sodium_malloc(SLAB) */
};

struct keypool {
    void *free[CLASSES]; /* wiped slots, each holding the next one's address */
    struct slab *slabs;
};

/* The class of a size, or -1 when it is too large for a slab. */
static int class_of(size_t n)
{
    size_t slot = MIN_SLOT;
    for (int c = 0; c < CLASSES; c++, slot *= 2)
        if (n <= slot)
            return c;
    return -1;
}

struct keypool *keypool_new(void)
{
    if (sodium_init() < 0)
        return NULL;
    return calloc(1, sizeof(struct keypool));
}

void keypool_free(struct keypool *p)
{
    if (!p)
        return;
    while (p->slabs) {
        struct slab *s = p->slabs;
        p->slabs = s->next;
        sodium_free(s->mem); /* wipes it */
        free(s);
    }
    free(p);
}

/* A new slab cut into slots of class c, all on its free list. */
static int grow(struct keypool *p, int c)
{
    struct slab *s = malloc(sizeof *s);
    if (!s || !(s->mem = sodium_malloc(SLAB))) {
        free(s);
        return -1;
    }
    s->next = p->slabs;
    p->slabs = s;
    size_t slot = (size_t)MIN_SLOT << c;
    for (size_t off = SLAB; off >= slot; off -= slot) {
        void *at = s->mem + off - slot;
        memcpy(at, &p->free[c], sizeof(void *));
        p->free[c] = at;
    }
    return 0;
}

void *keypool_get(struct keypool *p, size_t n)
{
    int c = class_of(n ? n : 1);
    if (c < 0) {
        void *big = sodium_malloc(n);
        if (big)
            memset(big, 0, n);
        return big;
    }
    if (!p->free[c] && grow(p, c) < 0)
        return NULL;
    void *at = p->free[c];
    memcpy(&p->free[c], at, sizeof(void *));
    memset(at, 0, (size_t)MIN_SLOT << c);
    return at;
}

void keypool_put(struct keypool *p, void *mem, size_t n)
{
    if (!mem)
        return;
    int c = class_of(n ? n : 1);
    if (c < 0) {
        sodium_free(mem);
        return;
    }
    sodium_memzero(mem, (size_t)MIN_SLOT << c);
    memcpy(mem, &p->free[c], sizeof(void *));
    p->free[c] = mem;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_keypool.c - the pool that packs the OMEMO key store's records into
 * few locked pages (core/keypool.c): every block is zeroed, holds its
 * bytes while others come and go, never overlaps another, is wiped when
 * given back and reused for the next of its size; sizes above the slots
 * and of zero work too. */
#include <stdint.h>
#include <stdlib.h>

#include "../check.h"
#include "core/keypool.h"

#define N 300

static int all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

int main(void)
{
    struct keypool *p = keypool_new();
    CHECK(p != NULL);
    unsigned char *b[N];
    size_t len[N];
    int zeroed = 1;
    for (int i = 0; i < N; i++) {
        len[i] = (size_t)(i % 7 == 0 ? 3000 + i : 1 + (i * 37) % 2048);
        b[i] = keypool_get(p, len[i]);
        CHECK(b[i] != NULL);
        zeroed &= all_zero(b[i], len[i]);
        memset(b[i], i & 0xff, len[i]);
    }
    CHECK(zeroed);

    /* No two blocks share a byte. */
    int apart = 1;
    for (int i = 0; i < N; i++)
        for (int j = i + 1; j < N; j++)
            if ((uintptr_t)b[i] < (uintptr_t)b[j] + len[j] &&
                (uintptr_t)b[j] < (uintptr_t)b[i] + len[i])
                apart = 0;
    CHECK(apart);

    /* Every other one given back: the rest keep their bytes. */
    for (int i = 0; i < N; i += 2)
        keypool_put(p, b[i], len[i]);
    int kept = 1;
    for (int i = 1; i < N; i += 2)
        for (size_t k = 0; k < len[i]; k++)
            if (b[i][k] != (unsigned char)(i & 0xff))
                kept = 0;
    CHECK(kept);

    /* A slot given back comes again, wiped. */
    unsigned char *s = keypool_get(p, 100);
    memset(s, 0xaa, 100);
    keypool_put(p, s, 100);
    unsigned char *again = keypool_get(p, 90);
    CHECK(again == s);
    CHECK(all_zero(again, 128));
    keypool_put(p, again, 90);

    unsigned char *none = keypool_get(p, 0);
    CHECK(none != NULL);
    keypool_put(p, none, 0);
    keypool_put(p, NULL, 10);

    for (int i = 1; i < N; i += 2)
        keypool_put(p, b[i], len[i]);
    keypool_free(p);
    keypool_free(NULL);
    return check_done();
}

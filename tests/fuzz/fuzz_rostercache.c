/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_rostercache.c - libFuzzer target: the roster cache file reader
 * (src/core/rostercache.c) on any bytes. It must never crash, leak or
 * trip the sanitizers, and a file it refuses must leave the roster empty
 * and without a version: the login then fetches the whole roster. What it
 * accepts must be items the session could have stored (valid JIDs, XML
 * text). Seeds: tests/fuzz/corpus-rostercache (a real file). */
#include "core/rostercache.h"
#include "xml/stanza.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static bool text_ok(const char *s)
{
    return !s || stanza_valid_text(s, strlen(s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    struct roster *r = roster_new();
    FILE *f = fmemopen((void *)data, size, "r");
    char err[256];
    if (!r || !f)
        abort();
    int rc = rostercache_read(f, "alice@example.org", r, err, sizeof err);
    fclose(f);
    if (rc < 0 && (roster_count(r) || roster_version(r)))
        abort();
    for (size_t i = 0; rc == 1 && i < roster_count(r); i++) {
        const struct roster_item *it = roster_at(r, i);
        if (!it->in_roster || !text_ok(it->name) || it->ngroups > 64)
            abort();
        for (size_t g = 0; g < it->ngroups; g++)
            if (!*it->groups[g] || !text_ok(it->groups[g]))
                abort();
    }
    if (rc == 1 && !text_ok(roster_version(r)))
        abort();
    roster_free(r);
    return 0;
}

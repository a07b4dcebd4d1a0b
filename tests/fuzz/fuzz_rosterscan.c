/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_rosterscan.c - libFuzzer target: the roster result read without a
 * tree (src/xmpp/rosterscan.c) against the Mini-XML reading of the same
 * stanza. The input is a run of stanzas after a stream header; every one
 * the framer passes is offered to roster_scan (as id "r1"), and whenever
 * roster_scan accepts one, the tree must be a roster result with the same
 * items, names, subscriptions, asks and groups. */
#include "../roster_oracle.h"
#include "xml/framer.h"

#include <stdint.h>

static void check_stanza(const char *text, size_t len)
{
    char *scan = oracle_scan(text, len, "r1");
    if (!scan)
        return;
    char *tree = oracle_tree(text, len, "r1");
    if (!tree || strcmp(scan, tree) != 0) {
        fprintf(stderr, "fuzz_rosterscan: readings differ\nstanza: %.*s\nscan: %s\ntree: %s\n",
                (int)len, text, scan, tree ? tree : "(not a roster result)");
        abort();
    }
    free(scan);
    free(tree);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char hdr[] = "<stream:stream xmlns='jabber:client' "
                              "xmlns:stream='http://etherx.jabber.org/streams'>";
    struct framer *f = framer_new(NULL);
    const char *text;
    size_t len;
    enum framer_event ev;

    framer_feed(f, hdr, sizeof hdr - 1);
    framer_feed(f, (const char *)data, size);
    while ((ev = framer_next(f, &text, &len)) != FRAMER_NEED_MORE && ev != FRAMER_ERROR &&
           ev != FRAMER_STREAM_END) {
        if (ev == FRAMER_STANZA)
            check_stanza(text, len);
    }
    framer_free(f);
    return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_stanzas.h - the driver the stanza-level fuzz targets share: the
 * input is fed to the framer after a stream header, as a server's bytes
 * would be, and each complete stanza is parsed and handed to check. */
#ifndef TUKTUK_FUZZ_STANZAS_H
#define TUKTUK_FUZZ_STANZAS_H

#include <stddef.h>
#include <stdint.h>

#include "xml/framer.h"
#include "xml/stanza.h"

static inline void fuzz_each_stanza(const uint8_t *data, size_t size,
                                    void (*check)(mxml_node_t *el))
{
    static const char hdr[] = "<stream:stream xmlns='jabber:client' "
                              "xmlns:stream='http://etherx.jabber.org/streams'>";
    struct framer *f = framer_new(NULL);
    if (!f)
        return;
    framer_feed(f, hdr, sizeof hdr - 1);
    framer_feed(f, (const char *)data, size);
    const char *text;
    size_t len;
    enum framer_event ev;
    while ((ev = framer_next(f, &text, &len)) != FRAMER_NEED_MORE && ev != FRAMER_ERROR) {
        if (ev != FRAMER_STANZA)
            continue;
        mxml_node_t *el = stanza_parse(text, len, NULL, 0);
        if (el) {
            check(el);
            mxmlDelete(el);
        }
    }
    framer_free(f);
}

#endif

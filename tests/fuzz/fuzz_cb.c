/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_cb.c - libFuzzer target: stream features from a hostile server,
 * read for their channel-binding list (XEP-0440, negotiate_cb_listed),
 * then the choice of a type (negotiate_cb_choose) for every TLS version,
 * every set of types the connection can give, every setting and every
 * set of refused types. Nothing may crash, and every choice must pass
 * tests/cb_oracle.h. */
#include "../cb_oracle.h"
#include "fuzz_stanzas.h"

#include <stdint.h>
#include <stdlib.h>

static void check(mxml_node_t *features)
{
    bool listed = false;
    unsigned types = negotiate_cb_listed(features, &listed);
    if (types > 7)
        abort();
    for (int tls13 = 0; tls13 < 2; tls13++)
        for (unsigned avail = 0; avail < 8; avail++)
            for (int config = SESSION_CB_AUTO; config <= SESSION_CB_NONE; config++)
                for (unsigned refused = 0; refused < 8; refused++) {
                    int c = negotiate_cb_choose(listed, types, tls13, avail, config, refused);
                    const char *bad = cb_oracle(c, listed, types, tls13, avail, config, refused);
                    if (bad) {
                        fprintf(stderr, "fuzz_cb: %s (choice %d)\n", bad, c);
                        abort();
                    }
                }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_each_stanza(data, size, check);
    return 0;
}

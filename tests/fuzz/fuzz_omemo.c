/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_omemo.c - libFuzzer target: stanzas from a hostile peer or server,
 * read as OMEMO 0.3 (xmpp/omemoxml.c): an <encrypted> element (alone or in
 * a message), a device list and a bundle. Nothing may crash or exceed the
 * limits of xmpp/omemo.h, and an element that was read must come back the
 * same after being written and read again. */
#include "fuzz_stanzas.h"
#include "xmpp/ns.h"
#include "xmpp/omemo.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static bool same_blob(const struct omemo_blob *a, const struct omemo_blob *b)
{
    return a->n == b->n && (a->n == 0 || memcmp(a->p, b->p, a->n) == 0);
}

static void round_trip(const struct omemo_element *e)
{
    mxml_node_t *m = stanza_new("message");
    char err[128];
    struct omemo_element again;
    if (omemo_element_build(m, e) < 0 ||
        omemo_element_parse(stanza_child(m, NS_OMEMO, "encrypted"), &again, err, sizeof err) < 0)
        abort();
    if (again.sid != e->sid || again.nkeys != e->nkeys || !same_blob(&again.iv, &e->iv) ||
        !same_blob(&again.payload, &e->payload))
        abort();
    for (size_t i = 0; i < e->nkeys; i++)
        if (again.keys[i].rid != e->keys[i].rid || again.keys[i].prekey != e->keys[i].prekey ||
            !same_blob(&again.keys[i].data, &e->keys[i].data))
            abort();
    omemo_element_clear(&again);
    mxmlDelete(m);
}

static void check(mxml_node_t *el)
{
    char err[128];
    mxml_node_t *enc =
        stanza_is(el, NS_OMEMO, "encrypted") ? el : stanza_child(el, NS_OMEMO, "encrypted");
    struct omemo_element e;
    if (enc && omemo_element_parse(enc, &e, err, sizeof err) == 0) {
        if (e.nkeys == 0 || e.nkeys > OMEMO_MAX_KEYS || e.iv.n < 12 || e.iv.n > 16 ||
            e.payload.n > OMEMO_MAX_PAYLOAD || e.sid == 0 || e.sid > 0x7FFFFFFF)
            abort();
        round_trip(&e);
        omemo_element_clear(&e);
    }
    uint32_t *ids = NULL;
    size_t n = 0;
    if (omemo_devicelist_parse(el, &ids, &n, err, sizeof err) == 0 && n > OMEMO_MAX_DEVICES)
        abort();
    free(ids);
    struct omemo_bundle b;
    if (omemo_bundle_parse(el, 7, &b, err, sizeof err) == 0) {
        if (b.nprekeys == 0 || b.nprekeys > OMEMO_MAX_PREKEYS || !b.ik.p || !b.spk.p)
            abort();
        omemo_bundle_clear(&b);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_each_stanza(data, size, check);
    return 0;
}

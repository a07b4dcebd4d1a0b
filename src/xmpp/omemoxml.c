/* SPDX-License-Identifier: GPL-3.0-or-later */
/* omemoxml.c - the XML of OMEMO 0.3 (XEP-0384 0.3), read and written:
 * the <encrypted> element of a message, a device list's <list> and a
 * <bundle>. Pure (no session, no I/O), so that the fuzz target
 * (tests/fuzz/fuzz_omemo.c) and the UI's link seam can use it alone.
 *
 * Every reader is bounded by the limits in omemo.h: a device list of
 * thousands, a key of megabytes or a bundle with a thousand prekeys is
 * refused with one line, not followed, and an id that does not fit the
 * signed 32-bit integer every client keeps it in is refused. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xml/base64.h"
#include "xml/stanza.h"
#include "xmpp/ns.h"
#include "xmpp/omemo.h"

static void blob_clear(struct omemo_blob *b)
{
    free(b->p);
    b->p = NULL;
    b->n = 0;
}

void omemo_bundle_clear(struct omemo_bundle *b)
{
    blob_clear(&b->spk);
    blob_clear(&b->spk_sig);
    blob_clear(&b->ik);
    for (size_t i = 0; i < b->nprekeys; i++)
        blob_clear(&b->prekeys[i].pub);
    free(b->prekeys);
    memset(b, 0, sizeof *b);
}

void omemo_element_clear(struct omemo_element *e)
{
    blob_clear(&e->iv);
    blob_clear(&e->payload);
    for (size_t i = 0; i < e->nkeys; i++)
        blob_clear(&e->keys[i].data);
    free(e->keys);
    memset(e, 0, sizeof *e);
}

/* A text node's base64 into b; false when absent, too long or bad. */
static bool read_b64(mxml_node_t *el, size_t max, struct omemo_blob *b)
{
    char *t = el ? stanza_text(el) : NULL;
    size_t n = t ? strlen(t) : 0;
    bool ok = t && n > 0 && n <= max && (b->p = base64_decode(t, n, &b->n)) != NULL && b->n > 0;
    free(t);
    if (!ok)
        blob_clear(b);
    return ok;
}

/* A decimal id 1 .. 2^31-1 (every client keeps ids in a signed int). */
static bool read_id(const char *s, uint32_t *out)
{
    if (!s || !*s || strlen(s) > 10)
        return false;
    uint64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    if (v == 0 || v > 0x7FFFFFFF)
        return false;
    *out = (uint32_t)v;
    return true;
}

static int fail(char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "%s", what);
    return -1;
}

int omemo_element_parse(mxml_node_t *enc, struct omemo_element *e, char *err, size_t errlen)
{
    memset(e, 0, sizeof *e);
    mxml_node_t *h = stanza_child(enc, NS_OMEMO, "header");
    if (!h || !read_id(stanza_attr(h, "sid"), &e->sid))
        return fail(err, errlen, "its header or sender device id is missing or bad");
    size_t n = 0;
    for (mxml_node_t *k = stanza_child(h, NS_OMEMO, "key"); k; k = stanza_next(k, NS_OMEMO, "key"))
        if (++n > OMEMO_MAX_KEYS)
            return fail(err, errlen, "it has too many keys");
    e->keys = calloc(n ? n : 1, sizeof *e->keys);
    if (!e->keys)
        return fail(err, errlen, "out of memory");
    const char *bad = NULL;
    for (mxml_node_t *k = stanza_child(h, NS_OMEMO, "key"); k && !bad;
         k = stanza_next(k, NS_OMEMO, "key")) {
        struct omemo_key *key = &e->keys[e->nkeys];
        const char *pk = stanza_attr(k, "prekey");
        key->prekey = pk && (strcmp(pk, "true") == 0 || strcmp(pk, "1") == 0);
        if (!read_id(stanza_attr(k, "rid"), &key->rid) || !read_b64(k, OMEMO_MAX_B64, &key->data))
            bad = "one of its keys is malformed";
        else
            e->nkeys++;
    }
    if (!bad && !read_b64(stanza_child(h, NS_OMEMO, "iv"), OMEMO_MAX_B64, &e->iv))
        bad = "its IV is missing or malformed";
    if (!bad && (e->iv.n < 12 || e->iv.n > 16))
        bad = "its IV has a bad length";
    mxml_node_t *p = stanza_child(enc, NS_OMEMO, "payload");
    if (!bad && p && !read_b64(p, OMEMO_MAX_PAYLOAD, &e->payload))
        bad = "its payload is malformed or too large";
    if (!bad && e->nkeys == 0)
        bad = "it has no keys";
    if (bad) {
        omemo_element_clear(e);
        return fail(err, errlen, bad);
    }
    return 0;
}

bool omemo_add_b64(mxml_node_t *parent, const char *name, const struct omemo_blob *b)
{
    char *t = base64_encode(b->p, b->n);
    mxml_node_t *el = t ? stanza_add_text_child(parent, name, t) : NULL;
    free(t);
    return el != NULL;
}

mxml_node_t *omemo_add_b64_el(mxml_node_t *parent, const char *name, const struct omemo_blob *b)
{
    return omemo_add_b64(parent, name, b) ? mxmlGetLastChild(parent) : NULL;
}

int omemo_element_build(mxml_node_t *parent, const struct omemo_element *e)
{
    char num[16];
    mxml_node_t *enc = stanza_add(parent, "encrypted");
    stanza_set_attr(enc, "xmlns", NS_OMEMO);
    mxml_node_t *h = stanza_add(enc, "header");
    snprintf(num, sizeof num, "%u", e->sid);
    int rc = stanza_set_attr(h, "sid", num);
    for (size_t i = 0; i < e->nkeys; i++) {
        mxml_node_t *k = omemo_add_b64_el(h, "key", &e->keys[i].data);
        snprintf(num, sizeof num, "%u", e->keys[i].rid);
        rc |= k ? stanza_set_attr(k, "rid", num) : -1;
        if (k && e->keys[i].prekey)
            rc |= stanza_set_attr(k, "prekey", "true");
    }
    rc |= omemo_add_b64(h, "iv", &e->iv) ? 0 : -1;
    if (e->payload.p)
        rc |= omemo_add_b64(enc, "payload", &e->payload) ? 0 : -1;
    return rc ? -1 : 0;
}

int omemo_devicelist_parse(mxml_node_t *list, uint32_t **ids, size_t *n, char *err, size_t errlen)
{
    *ids = NULL;
    *n = 0;
    size_t count = 0;
    for (mxml_node_t *d = stanza_child(list, NS_OMEMO, "device"); d;
         d = stanza_next(d, NS_OMEMO, "device"))
        if (++count > OMEMO_MAX_DEVICES)
            return fail(err, errlen, "its device list is too long");
    *ids = calloc(count ? count : 1, sizeof **ids);
    if (!*ids)
        return fail(err, errlen, "out of memory");
    for (mxml_node_t *d = stanza_child(list, NS_OMEMO, "device"); d;
         d = stanza_next(d, NS_OMEMO, "device")) {
        uint32_t id;
        bool dup = false;
        if (!read_id(stanza_attr(d, "id"), &id))
            continue; /* one bad entry does not hide the good ones */
        for (size_t i = 0; i < *n && !dup; i++)
            dup = (*ids)[i] == id;
        if (!dup)
            (*ids)[(*n)++] = id;
    }
    return 0;
}

int omemo_bundle_parse(mxml_node_t *bundle, uint32_t device, struct omemo_bundle *b, char *err,
                       size_t errlen)
{
    memset(b, 0, sizeof *b);
    b->device = device;
    mxml_node_t *spk = stanza_child(bundle, NS_OMEMO, "signedPreKeyPublic");
    mxml_node_t *pks = stanza_child(bundle, NS_OMEMO, "prekeys");
    const char *bad = NULL;
    if (!spk || !read_id(stanza_attr(spk, "signedPreKeyId"), &b->spk_id) ||
        !read_b64(spk, OMEMO_MAX_B64, &b->spk) ||
        !read_b64(stanza_child(bundle, NS_OMEMO, "signedPreKeySignature"), OMEMO_MAX_B64,
                  &b->spk_sig) ||
        !read_b64(stanza_child(bundle, NS_OMEMO, "identityKey"), OMEMO_MAX_B64, &b->ik))
        bad = "its bundle lacks a key or has a malformed one";
    if (!bad && !(b->prekeys = calloc(OMEMO_MAX_PREKEYS, sizeof *b->prekeys)))
        bad = "out of memory";
    for (mxml_node_t *p = bad ? NULL : stanza_child(pks, NS_OMEMO, "preKeyPublic");
         p && b->nprekeys < OMEMO_MAX_PREKEYS; p = stanza_next(p, NS_OMEMO, "preKeyPublic")) {
        struct omemo_prekey *k = &b->prekeys[b->nprekeys];
        if (read_id(stanza_attr(p, "preKeyId"), &k->id) && read_b64(p, OMEMO_MAX_B64, &k->pub))
            b->nprekeys++;
    }
    if (!bad && b->nprekeys == 0)
        bad = "its bundle has no usable prekey";
    if (bad) {
        omemo_bundle_clear(b);
        return fail(err, errlen, bad);
    }
    return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_omemo_keys.c - OMEMO 0.3 without a server: two accounts' key stores in
 * a temporary folder, a bundle that goes through its XML form, a first
 * (prekey) message and replies both ways, our other device, the store
 * closed and opened again, a replayed message, a tampered payload and
 * tag, a message not for us, prekeys used and replenished, trust, the
 * fingerprints, and the element parser's limits on hostile input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "../check.h"
#include "core/omemo.h"
#include "xml/base64.h"
#include "xml/stanza.h"
#include "xmpp/ns.h"
#include "xmpp/omemo.h"

static char dir[256];
static char err[256];
static unsigned char key_a[32], key_b[32], key_c[32];

static struct omemo *open_store(const char *name, const unsigned char *key, const char *jid,
                                bool *created)
{
    err[0] = '\0';
    struct omemo *o = omemo_open_key(dir, name, key, jid, created, err, sizeof err);
    if (!o)
        fprintf(stderr, "open %s: %s\n", name, err);
    return o;
}

/* Through the wire form and back, as a peer would see it. */
static mxml_node_t *wire(const struct omemo_element *e)
{
    mxml_node_t *m = stanza_new("message");
    CHECK(omemo_element_build(m, e) == 0);
    size_t n = 0;
    char *xml = stanza_serialize(m, &n);
    mxmlDelete(m);
    mxml_node_t *back = xml ? stanza_parse(xml, n, NULL, 0) : NULL;
    free(xml);
    return back;
}

static int parse_wire(const struct omemo_element *in, struct omemo_element *out)
{
    mxml_node_t *m = wire(in);
    mxml_node_t *enc = m ? stanza_child(m, NS_OMEMO, "encrypted") : NULL;
    int r = enc ? omemo_element_parse(enc, out, err, sizeof err) : -1;
    mxmlDelete(m);
    return r;
}

static int bundle_wire(struct omemo *o, struct omemo_bundle *out)
{
    struct omemo_bundle b;
    if (omemo_our_bundle(o, &b) < 0)
        return -1;
    mxml_node_t *bundle = stanza_new("bundle");
    stanza_set_attr(bundle, "xmlns", NS_OMEMO);
    char num[16];
    char *t = base64_encode(b.spk.p, b.spk.n);
    mxml_node_t *spk = stanza_add_text_child(bundle, "signedPreKeyPublic", t);
    free(t);
    snprintf(num, sizeof num, "%u", b.spk_id);
    stanza_set_attr(spk, "signedPreKeyId", num);
    t = base64_encode(b.spk_sig.p, b.spk_sig.n);
    stanza_add_text_child(bundle, "signedPreKeySignature", t);
    free(t);
    t = base64_encode(b.ik.p, b.ik.n);
    stanza_add_text_child(bundle, "identityKey", t);
    free(t);
    mxml_node_t *pks = stanza_add(bundle, "prekeys");
    for (size_t i = 0; i < b.nprekeys; i++) {
        t = base64_encode(b.prekeys[i].pub.p, b.prekeys[i].pub.n);
        mxml_node_t *p = stanza_add_text_child(pks, "preKeyPublic", t);
        free(t);
        snprintf(num, sizeof num, "%u", b.prekeys[i].id);
        stanza_set_attr(p, "preKeyId", num);
    }
    size_t n = 0;
    char *xml = stanza_serialize(bundle, &n);
    mxmlDelete(bundle);
    mxml_node_t *back = stanza_parse(xml, n, NULL, 0);
    free(xml);
    int r = omemo_bundle_parse(back, b.device, out, err, sizeof err);
    CHECK(out->nprekeys == b.nprekeys);
    mxmlDelete(back);
    omemo_bundle_clear(&b);
    return r;
}

static bool sent_and_read(struct omemo *from, const char *from_jid, struct omemo *to,
                          const char *to_jid, const struct omemo_target *t, size_t n,
                          const char *text, bool *prekey_used, struct omemo_element *keep)
{
    struct omemo_element e, r;
    char *plain = NULL;
    bool ok = omemo_encrypt(from, to_jid, t, n, text, &e, err, sizeof err) == 0 &&
              parse_wire(&e, &r) == 0;
    omemo_element_clear(&e);
    if (ok) {
        ok = omemo_decrypt(to, from_jid, &r, &plain, prekey_used, err, sizeof err) == 0 && plain &&
             strcmp(plain, text) == 0;
        if (keep)
            *keep = r;
        else
            omemo_element_clear(&r);
    }
    if (!ok)
        fprintf(stderr, "exchange '%s': %s\n", text, err);
    free(plain);
    return ok;
}

static void test_conversation(void)
{
    bool created = false, used = false;
    struct omemo *a = open_store("alice", key_a, "alice@example.org", &created);
    CHECK(a && created);
    struct omemo *b = open_store("bob", key_b, "bob@example.org", &created);
    CHECK(a && b && created);
    if (!a || !b)
        return;
    uint32_t ida = omemo_device_id(a), idb = omemo_device_id(b);
    CHECK(ida != 0 && idb != 0 && ida != idb && ida <= 0x7FFFFFFF);
    CHECK(omemokeys_prekey_count(omemo_keys(a)) == OMEMO_PREKEYS);

    struct stat st;
    char path[300];
    snprintf(path, sizeof path, "%s/alice", dir);
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);

    /* Bob has no session yet: nothing can be encrypted, and he is told. */
    struct omemo_target to_a = {"alice@example.org", ida};
    struct omemo_element e;
    CHECK(omemo_encrypt(b, "alice@example.org", &to_a, 1, "hi", &e, err, sizeof err) < 0);
    CHECK(strstr(err, "no trusted device") != NULL);

    /* First contact: Bob reads Alice's bundle and writes first. */
    struct omemo_bundle ba;
    int seen = -1;
    CHECK(bundle_wire(a, &ba) == 0);
    CHECK(omemo_build_session(b, "alice@example.org", &ba, &seen, err, sizeof err) == 0);
    CHECK(seen == 1);
    omemo_bundle_clear(&ba);
    CHECK(omemo_has_session(b, "alice@example.org", ida));
    CHECK(omemokeys_trust(omemo_keys(b), "alice@example.org", ida) == OMEMO_TRUST_BLIND);

    struct omemo_element first;
    CHECK(sent_and_read(b, "bob@example.org", a, "alice@example.org", &to_a, 1,
                        "hello alice, ça va ?", &used, &first));
    CHECK(used); /* a prekey message took one of Alice's prekeys */
    CHECK(first.nkeys == 1 && first.keys[0].prekey);
    CHECK(omemokeys_prekey_count(omemo_keys(a)) == OMEMO_PREKEYS - 1);
    CHECK(omemo_replenish(a) == 1);
    CHECK(omemokeys_prekey_count(omemo_keys(a)) == OMEMO_PREKEYS);
    CHECK(omemo_replenish(a) == 0);

    /* The same message again: refused, never shown twice. */
    char *plain = NULL;
    CHECK(omemo_decrypt(a, "bob@example.org", &first, &plain, &used, err, sizeof err) < 0);
    CHECK(plain == NULL);
    omemo_element_clear(&first);

    /* Alice answers over the session Bob's message made. */
    struct omemo_target to_b = {"bob@example.org", idb};
    CHECK(omemokeys_trusted(omemo_keys(a), "bob@example.org", idb));
    CHECK(sent_and_read(a, "alice@example.org", b, "bob@example.org", &to_b, 1, "fine, and you?",
                        &used, NULL));
    CHECK(!used);
    CHECK(sent_and_read(b, "bob@example.org", a, "alice@example.org", &to_a, 1, "second", &used,
                        NULL));

    /* A tampered payload, a tampered key, a message for another device. */
    struct omemo_element t, r;
    CHECK(omemo_encrypt(b, "alice@example.org", &to_a, 1, "tamper me", &t, err, sizeof err) == 0);
    CHECK(parse_wire(&t, &r) == 0);
    r.payload.p[0] ^= 1;
    CHECK(omemo_decrypt(a, "bob@example.org", &r, &plain, &used, err, sizeof err) < 0);
    CHECK(plain == NULL && strstr(err, "tag") != NULL);
    omemo_element_clear(&r);
    CHECK(parse_wire(&t, &r) == 0);
    r.keys[0].data.p[r.keys[0].data.n - 1] ^= 1;
    CHECK(omemo_decrypt(a, "bob@example.org", &r, &plain, &used, err, sizeof err) < 0);
    CHECK(plain == NULL);
    omemo_element_clear(&r);
    CHECK(parse_wire(&t, &r) == 0);
    r.keys[0].rid = ida + 1;
    CHECK(omemo_decrypt(a, "bob@example.org", &r, &plain, &used, err, sizeof err) < 0);
    CHECK(strstr(err, "not encrypted for this device") != NULL);
    omemo_element_clear(&r);
    omemo_element_clear(&t);

    /* Bob's second device: he encrypts for it too, and it reads. */
    struct omemo *b2 = open_store("bob2", key_c, "bob@example.org", &created);
    CHECK(b2 != NULL);
    if (b2) {
        struct omemo_bundle bb2;
        CHECK(bundle_wire(b2, &bb2) == 0);
        CHECK(omemo_build_session(b, "bob@example.org", &bb2, &seen, err, sizeof err) == 0);
        omemo_bundle_clear(&bb2);
        struct omemo_target both[] = {{"alice@example.org", ida},
                                      {"bob@example.org", omemo_device_id(b2)}};
        struct omemo_element m2, r2;
        CHECK(omemo_encrypt(b, "alice@example.org", both, 2, "to all", &m2, err, sizeof err) == 0);
        CHECK(m2.nkeys == 2);
        CHECK(parse_wire(&m2, &r2) == 0);
        CHECK(omemo_decrypt(b2, "bob@example.org", &r2, &plain, &used, err, sizeof err) == 0 &&
              plain && strcmp(plain, "to all") == 0);
        free(plain);
        plain = NULL;
        CHECK(omemo_decrypt(a, "bob@example.org", &r2, &plain, &used, err, sizeof err) == 0 &&
              plain && strcmp(plain, "to all") == 0);
        free(plain);
        plain = NULL;
        omemo_element_clear(&m2);
        omemo_element_clear(&r2);
        omemo_free(b2);
    }

    /* Trust: Alice verifies Bob's device; an untrusted device gets no key. */
    size_t klen = 0;
    const uint8_t *ik = omemokeys_identity(omemo_keys(a), "bob@example.org", idb, &klen);
    CHECK(ik && klen == 33);
    char fp[OMEMO_FP_LEN];
    uint8_t parsed[33];
    omemo_fingerprint(ik, klen, fp);
    CHECK(strlen(fp) == 71 && fp[8] == ' ');
    CHECK(omemo_parse_fingerprint(fp, parsed) == 0 && memcmp(parsed, ik, 33) == 0);
    CHECK(omemo_parse_fingerprint("zz", parsed) < 0);
    CHECK(omemokeys_set_trust(omemo_keys(a), "bob@example.org", parsed, 33,
                              OMEMO_TRUST_UNTRUSTED) == 1);
    CHECK(omemo_encrypt(a, "bob@example.org", &to_b, 1, "x", &e, err, sizeof err) < 0);
    CHECK(omemokeys_set_trust(omemo_keys(a), "bob@example.org", parsed, 33, OMEMO_TRUST_VERIFIED) ==
          1);
    /* Once one device is verified, a new one is no longer trusted blindly. */
    static const uint8_t other[33] = {5, 1, 2, 3};
    CHECK(omemokeys_identity_seen(omemo_keys(a), "bob@example.org", 77, other, 33) == 1);
    CHECK(omemokeys_trust(omemo_keys(a), "bob@example.org", 77) == OMEMO_TRUST_UNDECIDED);
    CHECK(omemokeys_identity_seen(omemo_keys(a), "bob@example.org", 77, other, 33) == 0);
    /* With blind trust off (omemo_trust = manual), nothing new is trusted. */
    omemokeys_set_blind(omemo_keys(a), false);
    static const uint8_t third[33] = {5, 3};
    CHECK(omemokeys_identity_seen(omemo_keys(a), "carol@example.org", 5, third, 33) == 1);
    CHECK(omemokeys_trust(omemo_keys(a), "carol@example.org", 5) == OMEMO_TRUST_UNDECIDED);
    CHECK(!omemokeys_trusted(omemo_keys(a), "carol@example.org", 5));
    omemokeys_set_blind(omemo_keys(a), true);
    static const uint8_t changed[33] = {5, 9};
    CHECK(omemokeys_identity_seen(omemo_keys(a), "bob@example.org", 77, changed, 33) == 2);

    /* Closed and opened again: the same identity, the same sessions. */
    char our_fp[OMEMO_FP_LEN], again_fp[OMEMO_FP_LEN];
    omemo_our_fingerprint(a, our_fp);
    CHECK(omemo_save(a, err, sizeof err) == 0);
    omemo_free(a);
    a = open_store("alice", key_a, "alice@example.org", &created);
    CHECK(a && !created);
    if (a) {
        CHECK(omemo_device_id(a) == ida);
        omemo_our_fingerprint(a, again_fp);
        CHECK_STR(our_fp, again_fp);
        CHECK(omemokeys_trust(omemo_keys(a), "bob@example.org", idb) == OMEMO_TRUST_VERIFIED);
        CHECK(sent_and_read(b, "bob@example.org", a, "alice@example.org", &to_a, 1,
                            "after a restart", &used, NULL));
    }
    omemo_free(a);

    /* Another key cannot open the store, and the file is left alone. */
    CHECK(stat(path, &st) == 0);
    off_t size = st.st_size;
    CHECK(open_store("alice", key_b, "alice@example.org", &created) == NULL);
    CHECK(strstr(err, "cannot be decrypted") != NULL);
    CHECK(stat(path, &st) == 0 && st.st_size == size);
    omemo_free(b);
}

static int parse_xml(const char *xml)
{
    mxml_node_t *m = stanza_parse(xml, strlen(xml), NULL, 0);
    struct omemo_element e;
    int r = m ? omemo_element_parse(m, &e, err, sizeof err) : -2;
    if (r == 0)
        omemo_element_clear(&e);
    mxmlDelete(m);
    return r;
}

#define ENC "<encrypted xmlns='eu.siacs.conversations.axolotl'>"

static void test_hostile_elements(void)
{
    CHECK(parse_xml(ENC "<header sid='1'><key rid='2'>AAAA</key><iv>AAAAAAAAAAAAAAAA</iv>"
                        "</header><payload>AAAA</payload></encrypted>") == 0);
    CHECK(parse_xml(ENC "</encrypted>") < 0);
    CHECK(parse_xml(ENC "<header><key rid='2'>AAAA</key><iv>AAAAAAAAAAAAAAAA</iv></header>"
                        "</encrypted>") < 0);
    CHECK(parse_xml(ENC "<header sid='-1'><key rid='2'>AAAA</key><iv>AAAAAAAAAAAAAAAA</iv>"
                        "</header></encrypted>") < 0);
    CHECK(parse_xml(ENC "<header sid='99999999999'><key rid='2'>AAAA</key>"
                        "<iv>AAAAAAAAAAAAAAAA</iv></header></encrypted>") < 0);
    CHECK(parse_xml(ENC "<header sid='1'><key rid='2'>!!</key><iv>AAAAAAAAAAAAAAAA</iv>"
                        "</header></encrypted>") < 0);
    CHECK(strstr(err, "malformed") != NULL);
    CHECK(parse_xml(ENC "<header sid='1'><key rid='2'>AAAA</key><iv>AAAA</iv></header>"
                        "</encrypted>") < 0);
    CHECK(parse_xml(ENC "<header sid='1'><iv>AAAAAAAAAAAAAAAA</iv></header></encrypted>") < 0);

    /* Thousands of keys, thousands of devices: refused whole. */
    size_t cap = 64 * 1024 * 8;
    char *big = malloc(cap);
    size_t n = (size_t)snprintf(big, cap, ENC "<header sid='1'>");
    for (int i = 1; i <= OMEMO_MAX_KEYS + 1; i++)
        n += (size_t)snprintf(big + n, cap - n, "<key rid='%d'>AAAA</key>", i);
    snprintf(big + n, cap - n, "<iv>AAAAAAAAAAAAAAAA</iv></header></encrypted>");
    CHECK(parse_xml(big) < 0 && strstr(err, "too many") != NULL);

    n = (size_t)snprintf(big, cap, "<list xmlns='eu.siacs.conversations.axolotl'>");
    for (int i = 1; i <= 5000; i++)
        n += (size_t)snprintf(big + n, cap - n, "<device id='%d'/>", i);
    snprintf(big + n, cap - n, "</list>");
    mxml_node_t *l = stanza_parse(big, strlen(big), NULL, 0);
    uint32_t *ids = NULL;
    size_t nids = 0;
    CHECK(l && omemo_devicelist_parse(l, &ids, &nids, err, sizeof err) < 0 && nids == 0);
    free(ids);
    mxmlDelete(l);
    free(big);

    const char *ok = "<list xmlns='eu.siacs.conversations.axolotl'><device id='5'/>"
                     "<device id='x'/><device id='5'/><device id='7'/></list>";
    l = stanza_parse(ok, strlen(ok), NULL, 0);
    CHECK(l && omemo_devicelist_parse(l, &ids, &nids, err, sizeof err) == 0 && nids == 2);
    free(ids);
    mxmlDelete(l);

    const char *nokeys = "<bundle xmlns='eu.siacs.conversations.axolotl'>"
                         "<signedPreKeyPublic signedPreKeyId='1'>BQ==</signedPreKeyPublic>"
                         "<signedPreKeySignature>AAAA</signedPreKeySignature>"
                         "<identityKey>BQ==</identityKey><prekeys/></bundle>";
    struct omemo_bundle bb;
    l = stanza_parse(nokeys, strlen(nokeys), NULL, 0);
    CHECK(l && omemo_bundle_parse(l, 5, &bb, err, sizeof err) < 0);
    mxmlDelete(l);

    /* A bundle whose keys are not curve points: refused, one line. */
    bool created;
    struct omemo *a = open_store("hostile", key_a, "h@example.org", &created);
    CHECK(a != NULL);
    if (a) {
        struct omemo_bundle bad = {.device = 9, .spk_id = 1};
        struct omemo_prekey pk = {.id = 1, .pub = {(uint8_t *)"\x05junk", 5}};
        bad.spk = (struct omemo_blob){(uint8_t *)"\x05junk", 5};
        bad.spk_sig = (struct omemo_blob){(uint8_t *)"sig", 3};
        bad.ik = (struct omemo_blob){(uint8_t *)"\x05junk", 5};
        bad.prekeys = &pk;
        bad.nprekeys = 1;
        int seen;
        CHECK(omemo_build_session(a, "m@example.org", &bad, &seen, err, sizeof err) < 0);
        CHECK(strstr(err, "refused") != NULL);
        omemo_free(a);
    }
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    snprintf(dir, sizeof dir, "/tmp/test_omemo.XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    randombytes_buf(key_a, sizeof key_a);
    randombytes_buf(key_b, sizeof key_b);
    randombytes_buf(key_c, sizeof key_c);
    test_conversation();
    test_hostile_elements();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return check_done();
}

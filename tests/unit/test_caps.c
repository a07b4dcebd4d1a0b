/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_caps.c - XEP-0115 verification strings (the XEP's own example)
 * and the capabilities cache. */

#include <stdlib.h>

#include "../check.h"
#include "xmpp/caps.h"

static void test_xep_example(void)
{
    /* XEP-0115 §5.2: Exodus 0.9.1, expected QgayPKawpkPSDYmwT/WM94uAlu0= */
    struct caps_identity id = {"client", "pc", NULL, "Exodus 0.9.1"};
    const char *features[] = {"http://jabber.org/protocol/muc", "http://jabber.org/protocol/caps",
                              "http://jabber.org/protocol/disco#items",
                              "http://jabber.org/protocol/disco#info"};
    char *ver = caps_ver(&id, 1, features, 4);
    CHECK_STR(ver, "QgayPKawpkPSDYmwT/WM94uAlu0=");
    free(ver);
    /* Order of input does not matter; content does. */
    const char *reordered[] = {features[3], features[1], features[0], features[2]};
    ver = caps_ver(&id, 1, reordered, 4);
    CHECK_STR(ver, "QgayPKawpkPSDYmwT/WM94uAlu0=");
    free(ver);
    ver = caps_ver(&id, 1, features, 3);
    CHECK(ver && strcmp(ver, "QgayPKawpkPSDYmwT/WM94uAlu0=") != 0);
    free(ver);
}

static void test_self(void)
{
    char *ver = caps_ver(&caps_self_identity, 1, caps_self_features, caps_self_nfeatures);
    CHECK(ver != NULL && strlen(ver) == 28); /* base64 of 20 bytes */
    free(ver);
}

static void test_cache(void)
{
    struct caps_cache *c = caps_cache_new();
    CHECK(caps_cache_want(c, "v1"));
    CHECK(!caps_cache_want(c, "v1")); /* pending: ask once */
    CHECK(caps_cache_name(c, "v1") == NULL);
    caps_cache_set(c, "v1", "Gajim");
    CHECK_STR(caps_cache_name(c, "v1"), "Gajim");
    CHECK(!caps_cache_want(c, "v1"));
    CHECK(caps_cache_want(c, "v2"));
    caps_cache_forget(c, "v2"); /* failed: may ask again */
    CHECK(caps_cache_want(c, "v2"));
    caps_cache_forget(c, "v1"); /* known entries stay */
    CHECK_STR(caps_cache_name(c, "v1"), "Gajim");
    CHECK(!caps_cache_want(c, ""));
    /* A flood of new strings stays bounded and keeps working. */
    char ver[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(ver, sizeof ver, "flood%d", i);
        CHECK(caps_cache_want(c, ver));
    }
    CHECK(!caps_cache_want(c, "flood999"));
    caps_cache_free(c);
}

int main(void)
{
    test_xep_example();
    test_self();
    test_cache();
    return check_done();
}

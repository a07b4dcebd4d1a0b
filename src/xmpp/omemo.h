/* SPDX-License-Identifier: GPL-3.0-or-later */
/* omemo.h - OMEMO 0.3 (XEP-0384, eu.siacs.conversations.axolotl) on the
 * wire: device lists and bundles in PEP, and the <encrypted> element (see
 * omemo.c). No cryptography here: the keys and ciphertexts are bytes that
 * core/omemo.c makes and reads. */
#ifndef TUKTUK_XMPP_OMEMO_H
#define TUKTUK_XMPP_OMEMO_H

#include <mxml.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct session;

#define OMEMO_MAX_DEVICES 200 /* a longer device list is refused, not followed */
#define OMEMO_MAX_KEYS 400    /* <key/> elements in one <encrypted> */
#define OMEMO_MAX_PREKEYS 200 /* prekeys read from one bundle */
#define OMEMO_MAX_B64 8192    /* base64 characters of one key, iv or prekey */
#define OMEMO_MAX_PAYLOAD 262144

struct omemo_blob {
    uint8_t *p;
    size_t n;
};

struct omemo_prekey {
    uint32_t id;
    struct omemo_blob pub;
};

struct omemo_bundle {
    uint32_t device;
    uint32_t spk_id;
    struct omemo_blob spk, spk_sig, ik;
    struct omemo_prekey *prekeys;
    size_t nprekeys;
};

struct omemo_key {
    uint32_t rid;
    bool prekey;
    struct omemo_blob data;
};

/* One <encrypted> element, read or to be written. payload.p NULL: a key
 * transport element (no message). */
struct omemo_element {
    uint32_t sid;
    struct omemo_blob iv;
    struct omemo_key *keys;
    size_t nkeys;
    struct omemo_blob payload;
};

void omemo_bundle_clear(struct omemo_bundle *b);
void omemo_element_clear(struct omemo_element *e);

/* Reads <encrypted> (bounded: see the limits above). 0, or -1 with one
 * line in err, leaving e empty. */
int omemo_element_parse(mxml_node_t *encrypted, struct omemo_element *e, char *err, size_t errlen);
/* Builds <encrypted xmlns=...> under parent. 0 or -1. */
int omemo_element_build(mxml_node_t *parent, const struct omemo_element *e);
/* The same bounded readers for a device list's <list> and a <bundle>. */
int omemo_devicelist_parse(mxml_node_t *list, uint32_t **ids, size_t *n, char *err, size_t errlen);
int omemo_bundle_parse(mxml_node_t *bundle, uint32_t device, struct omemo_bundle *b, char *err,
                       size_t errlen);

/* A child NAME of parent holding b in base64 (omemoxml.c, for omemo.c):
 * true / the element, or false / NULL. */
bool omemo_add_b64(mxml_node_t *parent, const char *name, const struct omemo_blob *b);
mxml_node_t *omemo_add_b64_el(mxml_node_t *parent, const char *name, const struct omemo_blob *b);

/* Ask jid's device list (our own: our bare JID) or one device's bundle:
 * the answer comes as SESSION_EV_OMEMO "devices" or "bundle". A list the
 * server refuses or does not have is an empty one; .condition is set only
 * when none came ("timeout") or it could not be read. 0, or -1 when
 * offline or jid is bad. */
int session_omemo_fetch_devices(struct session *s, const char *jid);
int session_omemo_fetch_bundle(struct session *s, const char *jid, uint32_t device);
/* Publish our device list (all of our devices, ours included) and our
 * bundle, open to anyone: SESSION_EV_OMEMO "published" follows. */
int session_omemo_publish_devices(struct session *s, const uint32_t *ids, size_t n);
int session_omemo_publish_bundle(struct session *s, const struct omemo_bundle *b);
/* Send e to to as a chat message, with fallback as its <body> (NULL:
 * none, for a key transport), XEP-0380 and XEP-0334 hints; replace_id
 * (or NULL) makes it a correction of that message (XEP-0308). Same
 * returns as session_send_message. */
int session_send_omemo(struct session *s, const char *to, const struct omemo_element *e,
                       const char *fallback, const char *replace_id, char *id_out, size_t id_len);
/* The same under an id given before (session_make_id): a message shown
 * and kept under it while it waited to be encrypted. */
int session_send_omemo_as(struct session *s, const char *to, const struct omemo_element *e,
                          const char *fallback, const char *id);

#endif

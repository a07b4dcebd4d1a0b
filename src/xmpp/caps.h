/* SPDX-License-Identifier: GPL-3.0-or-later */
/* caps.h - entity capabilities (XEP-0115): our own verification string,
 * and a small cache of other clients' capabilities by verification
 * string, so that 2,000 contacts running the same client cost one query
 * (see caps.c). Pure: no I/O. */
#ifndef TUKTUK_CAPS_H
#define TUKTUK_CAPS_H

#include <stdbool.h>
#include <stddef.h>

#define CAPS_NODE "https://tuktuk.invalid/caps"

struct caps_identity {
    const char *category, *type, *lang, *name; /* lang and name may be NULL */
};

/* The XEP-0115 §5.1 verification string (SHA-1, base64) of identities
 * and features, without extended forms. Caller frees; NULL when out of
 * memory. The arrays are not modified. */
char *caps_ver(const struct caps_identity *ids, size_t nids, const char *const *features,
               size_t nfeatures);

/* Our own disco#info: the identity and the features we answer for. */
extern const struct caps_identity caps_self_identity;
extern const char *const caps_self_features[];
extern const size_t caps_self_nfeatures;

struct caps_cache;

struct caps_cache *caps_cache_new(void);
void caps_cache_free(struct caps_cache *c);
/* What is known of ver: the client's name, or NULL when unknown. */
const char *caps_cache_name(const struct caps_cache *c, const char *ver);
/* True the first time ver is seen (and not yet known): the caller should
 * ask one entity for it. Later calls return false until caps_cache_forget. */
bool caps_cache_want(struct caps_cache *c, const char *ver);
/* Record ver's client name once an answer verified. */
void caps_cache_set(struct caps_cache *c, const char *ver, const char *name);
/* The query for ver failed or did not verify: another entity may be asked. */
void caps_cache_forget(struct caps_cache *c, const char *ver);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* roster.c - the roster (RFC 6121 §2) and who is online (RFC 6121 §4).
 *
 * Items live in two structures:
 *  - an array in insertion order, for roster_at (the UI walks it);
 *  - a hash table keyed by the normalised bare JID, for roster_find,
 *    which every incoming presence and message needs.
 * The table is open addressing with linear probing; its slots hold an
 * index into the array plus one (0 is an empty slot). It grows to keep
 * at most half of the slots used, so a lookup touches a couple of slots
 * and rosters of tens of thousands of contacts stay fast. Removal uses
 * backward-shift deletion (no tombstones), then moves the last array item
 * into the hole: that is why an item's index can change after
 * roster_remove, while its address never does (the array holds
 * pointers).
 *
 * Presence can come from anyone who got our directed presence, not only
 * from the roster, so the hash is keyed SipHash (libsodium's
 * crypto_shorthash) with a random key per roster: nobody can pick JIDs
 * that all land in one chain.
 *
 * Keys are normalised with jid_bare_of, so "Juliet@Capulet.LIT/balcony"
 * finds "juliet@capulet.lit". A JID that does not parse is never stored.
 *
 * The roster also carries its version (RFC 6121 §2.6), the server's
 * opaque name for the state of these items. It lives here, beside the
 * items it describes, so that whatever keeps the items (the session
 * across reconnects, core/rostercache.c across runs) keeps the version
 * with them, and a roster_clear drops both. */
#include "xmpp/roster.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "xmpp/jid.h"

#define ROSTER_MIN_SLOTS 32

struct roster {
    struct roster_item **items; /* insertion order (see roster_remove) */
    uint64_t *hashes;           /* hashes[i] is the hash of items[i]->jid */
    size_t count, cap;
    size_t *slots; /* index + 1 into items, 0 when empty */
    size_t nslots; /* a power of two */
    unsigned char key[crypto_shorthash_KEYBYTES];
    char *ver; /* RFC 6121 §2.6, or NULL */
};

static uint64_t hash_jid(const struct roster *r, const char *jid)
{
    unsigned char out[crypto_shorthash_BYTES];
    uint64_t h = 0;

    crypto_shorthash(out, (const unsigned char *)jid, strlen(jid), r->key);
    for (size_t i = 0; i < sizeof out; i++)
        h = (h << 8) | out[i];
    return h;
}

static char *dup_opt(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* ---- resources ---- */

static void resource_clear(struct roster_resource *res)
{
    free(res->name);
    free(res->status);
    free(res->client);
}

static void item_drop_resources(struct roster_item *it)
{
    for (size_t i = 0; i < it->nres; i++)
        resource_clear(&it->res[i]);
    free(it->res);
    it->res = NULL;
    it->nres = 0;
}

static void free_groups(char **groups, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(groups[i]);
    free(groups);
}

static void item_free(struct roster_item *it)
{
    free(it->jid);
    free(it->name);
    free_groups(it->groups, it->ngroups);
    item_drop_resources(it);
    free(it);
}

/* ---- the hash table ---- */

/* The slot holding jid, or the empty slot where it would go. */
static size_t probe(const struct roster *r, const char *jid, uint64_t h, bool *found)
{
    size_t mask = r->nslots - 1, i = (size_t)h & mask;

    while (r->slots[i]) {
        size_t idx = r->slots[i] - 1;
        if (r->hashes[idx] == h && strcmp(r->items[idx]->jid, jid) == 0) {
            *found = true;
            return i;
        }
        i = (i + 1) & mask;
    }
    *found = false;
    return i;
}

/* The slot that refers to array index idx. */
static size_t slot_of_index(const struct roster *r, size_t idx)
{
    size_t mask = r->nslots - 1, i = (size_t)r->hashes[idx] & mask;

    while (r->slots[i] != idx + 1)
        i = (i + 1) & mask;
    return i;
}

static int resize_slots(struct roster *r, size_t nslots)
{
    size_t *slots = calloc(nslots, sizeof *slots), mask = nslots - 1;

    if (!slots)
        return -1;
    for (size_t idx = 0; idx < r->count; idx++) {
        size_t i = (size_t)r->hashes[idx] & mask;
        while (slots[i])
            i = (i + 1) & mask;
        slots[i] = idx + 1;
    }
    free(r->slots);
    r->slots = slots;
    r->nslots = nslots;
    return 0;
}

/* Makes room for one more item in the array and the table. */
static int reserve_one(struct roster *r)
{
    if (r->count == r->cap) {
        size_t cap = r->cap * 2;
        struct roster_item **items = realloc(r->items, cap * sizeof *items);
        uint64_t *hashes;
        if (!items)
            return -1;
        r->items = items;
        hashes = realloc(r->hashes, cap * sizeof *hashes);
        if (!hashes)
            return -1;
        r->hashes = hashes;
        r->cap = cap;
    }
    if ((r->count + 1) * 2 > r->nslots)
        return resize_slots(r, r->nslots * 2);
    return 0;
}

/* Empties slot i and shifts later entries of its cluster back so no
 * lookup meets a gap before its entry (Knuth's algorithm R). */
static void delete_slot(struct roster *r, size_t i)
{
    size_t mask = r->nslots - 1, j = i;

    r->slots[i] = 0;
    for (;;) {
        size_t home;
        j = (j + 1) & mask;
        if (!r->slots[j])
            return;
        home = (size_t)r->hashes[r->slots[j] - 1] & mask;
        /* The entry at j may move to i only if its home is not in (i, j]. */
        if (i <= j ? (home > i && home <= j) : (home > i || home <= j))
            continue;
        r->slots[i] = r->slots[j];
        r->slots[j] = 0;
        i = j;
    }
}

static struct roster_item *lookup(const struct roster *r, const char *key, uint64_t h)
{
    bool found;
    size_t i = probe(r, key, h, &found);

    return found ? r->items[r->slots[i] - 1] : NULL;
}

/* Adds a new item for key (taking ownership of key on success). */
static struct roster_item *insert(struct roster *r, char *key, uint64_t h)
{
    struct roster_item *it;
    bool found;
    size_t slot;

    if (reserve_one(r) < 0)
        return NULL;
    it = calloc(1, sizeof *it);
    if (!it)
        return NULL;
    it->jid = key;
    slot = probe(r, key, h, &found);
    r->items[r->count] = it;
    r->hashes[r->count] = h;
    r->slots[slot] = ++r->count;
    return it;
}

/* ---- the roster ---- */

struct roster *roster_new(void)
{
    struct roster *r;

    if (sodium_init() < 0)
        return NULL;
    r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->cap = ROSTER_MIN_SLOTS / 2;
    r->items = malloc(r->cap * sizeof *r->items);
    r->hashes = malloc(r->cap * sizeof *r->hashes);
    r->nslots = ROSTER_MIN_SLOTS;
    r->slots = calloc(r->nslots, sizeof *r->slots);
    if (!r->items || !r->hashes || !r->slots) {
        roster_free(r);
        return NULL;
    }
    randombytes_buf(r->key, sizeof r->key);
    return r;
}

void roster_clear(struct roster *r)
{
    for (size_t i = 0; i < r->count; i++)
        item_free(r->items[i]);
    r->count = 0;
    memset(r->slots, 0, r->nslots * sizeof *r->slots);
    free(r->ver);
    r->ver = NULL;
}

const char *roster_version(const struct roster *r)
{
    return r->ver;
}

int roster_set_version(struct roster *r, const char *ver)
{
    free(r->ver);
    r->ver = NULL;
    if (!ver)
        return 0;
    if (strlen(ver) > ROSTER_VER_MAX)
        return -1;
    r->ver = strdup(ver);
    return r->ver ? 0 : -1;
}

void roster_free(struct roster *r)
{
    if (!r)
        return;
    if (r->slots)
        roster_clear(r);
    free(r->items);
    free(r->hashes);
    free(r->slots);
    free(r);
}

struct roster_item *roster_find(const struct roster *r, const char *bare_jid)
{
    char *key = jid_bare_of(bare_jid);
    struct roster_item *it = key ? lookup(r, key, hash_jid(r, key)) : NULL;

    free(key);
    return it;
}

/* The item for bare_jid, created as a presence-only item if missing.
 * NULL if the JID does not parse or memory runs out. */
static struct roster_item *find_or_add(struct roster *r, const char *bare_jid)
{
    char *key = jid_bare_of(bare_jid);
    struct roster_item *it;
    uint64_t h;

    if (!key)
        return NULL;
    h = hash_jid(r, key);
    it = lookup(r, key, h);
    if (it) {
        free(key);
        return it;
    }
    it = insert(r, key, h);
    if (!it)
        free(key);
    return it;
}

static char **copy_groups(const char *const *groups, size_t n, bool *ok)
{
    char **out;

    *ok = true;
    if (n == 0)
        return NULL;
    out = calloc(n, sizeof *out);
    *ok = out != NULL;
    for (size_t i = 0; *ok && i < n; i++) {
        out[i] = groups[i] ? strdup(groups[i]) : NULL;
        *ok = out[i] != NULL;
    }
    if (!*ok) {
        free_groups(out, out ? n : 0);
        return NULL;
    }
    return out;
}

/* A roster push for an item we already have replaces its roster data
 * (RFC 6121 §2.1.6) but not what we know of its presence or unread
 * messages; a presence-only item becomes a roster item. */
struct roster_item *roster_set(struct roster *r, const char *bare_jid, const char *name,
                               const char *const *groups, size_t ngroups, enum roster_sub sub,
                               bool ask)
{
    struct roster_item *it;
    char *name_copy = dup_opt(name), **groups_copy;
    bool ok;

    if ((name && !name_copy) || (ngroups && !groups)) {
        free(name_copy);
        return NULL;
    }
    groups_copy = copy_groups(groups, ngroups, &ok);
    it = ok ? find_or_add(r, bare_jid) : NULL;
    if (!it) {
        free(name_copy);
        free_groups(groups_copy, ngroups);
        return NULL;
    }
    free(it->name);
    free_groups(it->groups, it->ngroups);
    it->name = name_copy;
    it->groups = groups_copy;
    it->ngroups = ngroups;
    it->sub = sub;
    it->ask = ask;
    it->in_roster = true;
    return it;
}

/* Frees the item in table slot i and fills its array hole with the last
 * item, so removal is O(1) but reorders roster_at. */
static void remove_at_slot(struct roster *r, size_t slot)
{
    size_t idx = r->slots[slot] - 1, last = r->count - 1;

    item_free(r->items[idx]);
    delete_slot(r, slot);
    if (idx != last) {
        r->slots[slot_of_index(r, last)] = idx + 1;
        r->items[idx] = r->items[last];
        r->hashes[idx] = r->hashes[last];
    }
    r->count--;
}

/* Walks down so that the last item moved into a hole has been seen. */
void roster_drop_presence_only(struct roster *r)
{
    for (size_t i = r->count; i-- > 0;)
        if (!r->items[i]->in_roster)
            remove_at_slot(r, slot_of_index(r, i));
}

bool roster_remove(struct roster *r, const char *bare_jid)
{
    char *key = jid_bare_of(bare_jid);
    bool found = false;
    size_t slot;

    if (!key)
        return false;
    slot = probe(r, key, hash_jid(r, key), &found);
    free(key);
    if (found)
        remove_at_slot(r, slot);
    return found;
}

size_t roster_count(const struct roster *r)
{
    return r->count;
}

struct roster_item *roster_at(const struct roster *r, size_t i)
{
    return i < r->count ? r->items[i] : NULL;
}

/* ---- presence ---- */

static struct roster_resource *find_resource(struct roster_item *it, const char *name)
{
    for (size_t i = 0; i < it->nres; i++)
        if (strcmp(it->res[i].name, name) == 0)
            return &it->res[i];
    return NULL;
}

/* Unavailable presence (RFC 6121 §4.5): the resource is gone. The others
 * keep their order, so the UI does not shuffle. */
static void remove_resource(struct roster_item *it, const char *name)
{
    struct roster_resource *res = find_resource(it, name);
    size_t i;

    if (!res)
        return;
    i = (size_t)(res - it->res);
    resource_clear(res);
    memmove(&it->res[i], &it->res[i + 1], (it->nres - i - 1) * sizeof *it->res);
    it->nres--;
    if (it->nres == 0) {
        free(it->res);
        it->res = NULL;
    }
}

static struct roster_resource *add_resource(struct roster_item *it, const char *name)
{
    struct roster_resource *res = realloc(it->res, (it->nres + 1) * sizeof *res);

    if (!res)
        return NULL;
    it->res = res;
    res = &it->res[it->nres];
    memset(res, 0, sizeof *res);
    res->name = strdup(name);
    if (!res->name)
        return NULL;
    it->nres++;
    return res;
}

/* A presence without a resource (from the bare JID) is tracked as the
 * resource "". */
struct roster_item *roster_presence(struct roster *r, const char *bare_jid, const char *resource,
                                    enum presence_show show, const char *status, int priority,
                                    const char *client)
{
    struct roster_item *it = find_or_add(r, bare_jid);
    const char *name = resource ? resource : "";
    struct roster_resource *res;
    char *status_copy, *client_copy;

    if (!it)
        return NULL;
    if (show == SHOW_OFFLINE) {
        remove_resource(it, name);
        return it;
    }
    status_copy = dup_opt(status);
    client_copy = dup_opt(client);
    res = find_resource(it, name);
    if (!res)
        res = add_resource(it, name);
    if (!res || (status && !status_copy) || (client && !client_copy)) {
        free(status_copy);
        free(client_copy);
        return NULL;
    }
    free(res->status);
    free(res->client);
    res->show = (show >= SHOW_CHAT && show < SHOW_OFFLINE) ? show : SHOW_ONLINE;
    res->status = status_copy;
    res->priority = priority;
    res->client = client_copy;
    return it;
}

void roster_all_offline(struct roster *r)
{
    for (size_t i = 0; i < r->count; i++)
        item_drop_resources(r->items[i]);
}

/* RFC 6121 §4.7.2.3: the priority decides first. Among equals we prefer
 * the most available one; among those, the first to come online. */
const struct roster_resource *roster_best(const struct roster_item *it)
{
    const struct roster_resource *best = NULL;

    for (size_t i = 0; i < it->nres; i++) {
        const struct roster_resource *res = &it->res[i];
        if (!best || res->priority > best->priority ||
            (res->priority == best->priority && res->show < best->show))
            best = res;
    }
    return best;
}

enum presence_show roster_show(const struct roster_item *it)
{
    const struct roster_resource *best = roster_best(it);

    return best ? best->show : SHOW_OFFLINE;
}

/* ---- names (RFC 6121 §2.1.2.5 subscription, RFC 6121 §4.7.2.1 show) ---- */

static const char *const sub_names[] = {"none", "to", "from", "both"};

const char *roster_sub_name(enum roster_sub sub)
{
    return (sub >= ROSTER_SUB_NONE && sub <= ROSTER_SUB_BOTH) ? sub_names[sub] : "none";
}

enum roster_sub roster_sub_parse(const char *s)
{
    for (int i = ROSTER_SUB_NONE; s && i <= ROSTER_SUB_BOTH; i++)
        if (strcmp(s, sub_names[i]) == 0)
            return (enum roster_sub)i;
    return ROSTER_SUB_NONE;
}

static const char *const show_names[] = {"chat", "online", "away", "xa", "dnd", "offline"};

const char *presence_show_name(enum presence_show show)
{
    return (show >= SHOW_CHAT && show <= SHOW_OFFLINE) ? show_names[show] : "online";
}

/* Only chat, away, xa and dnd are <show/> values; "online" and "offline"
 * are our names, not the protocol's, so they parse as the default. */
enum presence_show presence_show_parse(const char *s)
{
    static const enum presence_show shows[] = {SHOW_CHAT, SHOW_AWAY, SHOW_XA, SHOW_DND};

    for (size_t i = 0; s && i < sizeof shows / sizeof shows[0]; i++)
        if (strcmp(s, show_names[shows[i]]) == 0)
            return shows[i];
    return SHOW_ONLINE;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* omemochat.c - OMEMO for one session's chats: the glue between the
 * protocol (xmpp/omemo.c, events and calls) and the cryptography
 * (core/omemo.c), with no screen in it.
 *
 * After each login we fetch our own device list and publish it again
 * with our device added if it is missing, and publish our bundle. Device
 * lists come from PEP notifications (we announce +notify) or from a
 * fetch the first time a chat needs one. Every device of a list we have
 * no session with gets its bundle fetched once; a bundle that fails is
 * not asked again in this session, so that a broken device cannot make
 * us loop. Every change to the key store is saved before a message goes
 * out (a ratchet step lost in a crash could reuse a message key). What
 * reading moves is saved together, for all the messages of one read from
 * the network, a flood's or an archive page's (omemochat_settle, which
 * main.c calls after each batch of I/O; a message's chat state or
 * receipt is no boundary), as a save per message was more than half the
 * cost of decrypting one
 * (tests/bench/bench_omemo.c). Losing that save in a crash only sets the
 * receiving chains back: the same steps are taken again from the same
 * inputs, the archive's copies decrypt again and are known duplicates,
 * and our sending chain, saved before each message, is not touched. A
 * used prekey is saved at once, before the bundle without it is
 * published.
 *
 * Rooms, as Conversations and Dino do them: a members-only room that
 * shows real JIDs (xmpp/mucinfo.c) is encrypted to the devices of all
 * its readers, every member and occupant but us, and to our other
 * devices; a reader without a trusted device with a session stops the
 * message, as a contact would. A room message is decrypted with the
 * session of the occupant's real JID.
 *
 * Bare JIDs are kept lowercased (path_norm_jid), as the store keys
 * them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/omemochat.h"
#include "core/path.h"
#include "xmpp/jid.h"
#include "xmpp/omemo.h"

#define FALLBACK                                                                                   \
    "I sent you an OMEMO encrypted message but your client doesn't seem to support that."

enum { B_FETCHING = 1, B_FAILED };

struct devlist {
    char jid[PATH_JID_MAX + 1];
    uint32_t *ids;
    size_t n;
    bool known, asked;
    bool stored;  /* known only from the key store's sessions: read the list once online */
    bool wanted;  /* a chat needs it: its devices' bundles are fetched */
    char *failed; /* why the list could not be read: OMEMO stays on, nothing is sent */
};

struct bstate {
    char jid[PATH_JID_MAX + 1];
    uint32_t device;
    int state;
};

struct omemochat {
    struct omemo *o;
    struct session *s;
    omemochat_notice_fn notice;
    void *ud;
    char own[PATH_JID_MAX + 1];
    struct devlist *lists;
    size_t nlists;
    struct bstate *bs;
    size_t nbs;
    bool unsaved;        /* ratchet steps of received messages wait (omemochat_settle) */
    bool owns;           /* omemochat_start: o and vault are ours to free */
    struct vault *vault; /* opened by omemochat_start, or NULL */
};

static bool norm(const char *jid, char *out)
{
    char *bare = jid ? jid_bare_of(jid) : NULL;
    bool ok = bare && path_norm_jid(bare, strlen(bare), out);
    free(bare);
    return ok;
}

static void tell(struct omemochat *c, const char *jid, const char *fmt, const char *a,
                 const char *b)
{
    char line[PATH_JID_MAX + 512];
    snprintf(line, sizeof line, fmt, a ? a : "", b ? b : "");
    if (c->notice)
        c->notice(c->ud, jid, line);
}

static void save(struct omemochat *c)
{
    char err[256] = "";
    c->unsaved = false;
    if (omemo_save(c->o, err, sizeof err) < 0)
        tell(c, c->own, "OMEMO: could not save the key store: %s%s", err, NULL);
}

struct omemochat *omemochat_new(struct omemo *o, struct session *s, omemochat_notice_fn notice,
                                void *ud)
{
    struct omemochat *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    *c = (struct omemochat){.o = o, .s = s, .notice = notice, .ud = ud};
    norm(session_bare_jid(s), c->own);
    return c;
}

void omemochat_settle(struct omemochat *c)
{
    if (c && c->unsaved)
        save(c);
}

struct omemochat *omemochat_start(const char *data_dir, struct vault *v, struct session *s,
                                  omemochat_notice_fn notice, void *ud, char *said, size_t saidlen)
{
    char err[512] = "";
    struct vault *mine = NULL;
    said[0] = '\0';
    if (!v && vault_has_passphrase(data_dir)) {
        snprintf(said, saidlen, "OMEMO is off: the vault has a passphrase and was not opened");
        return NULL;
    }
    if (!v && !(v = mine = vault_open(data_dir, NULL, 0, NULL, err, sizeof err))) {
        snprintf(said, saidlen, "OMEMO is off: %s", err);
        return NULL;
    }
    bool created = false;
    struct omemo *o = omemo_open(data_dir, v, session_bare_jid(s), &created, err, sizeof err);
    struct omemochat *c = o ? omemochat_new(o, s, notice, ud) : NULL;
    if (!c) {
        snprintf(said, saidlen, "OMEMO is off: %s", o ? "out of memory" : err);
        omemo_free(o);
        vault_close(mine);
        return NULL;
    }
    c->owns = true;
    c->vault = mine;
    if (created)
        snprintf(said, saidlen,
                 "OMEMO: a new identity for this device (%u), kept encrypted under the vault's "
                 "key; losing DATA/omemo means a new identity",
                 omemo_device_id(o));
    return c;
}

void omemochat_free(struct omemochat *c)
{
    if (!c)
        return;
    if (c->unsaved)
        save(c);
    if (c->owns) {
        omemo_free(c->o);
        vault_close(c->vault);
    }
    for (size_t i = 0; i < c->nlists; i++) {
        free(c->lists[i].ids);
        free(c->lists[i].failed);
    }
    free(c->lists);
    free(c->bs);
    free(c);
}

void omemochat_set_blind(struct omemochat *c, bool blind)
{
    omemokeys_set_blind(omemo_keys(c->o), blind);
}

struct omemo *omemochat_omemo(struct omemochat *c)
{
    return c->o;
}

static struct devlist *list_of(struct omemochat *c, const char *jid, bool make)
{
    for (size_t i = 0; i < c->nlists; i++)
        if (strcmp(c->lists[i].jid, jid) == 0)
            return &c->lists[i];
    if (!make)
        return NULL;
    struct devlist *g = realloc(c->lists, (c->nlists + 1) * sizeof *g);
    if (!g)
        return NULL;
    c->lists = g;
    struct devlist *l = &c->lists[c->nlists++];
    memset(l, 0, sizeof *l);
    snprintf(l->jid, sizeof l->jid, "%s", jid);
    /* Until the server says which devices jid has, the devices we hold a
     * session with (from an earlier run) stand for them, so that a chat
     * can be encrypted while offline, even right after a start (issue
     * 16: its message waits in the outbox, encrypted). The list is still
     * read once online (omemochat_prepare), and replaces these. */
    uint32_t ids[OMEMO_MAX_DEVICES];
    size_t n = omemokeys_devices(omemo_keys(c->o), jid, ids, OMEMO_MAX_DEVICES), k = 0;
    for (size_t i = 0; i < n; i++)
        if (omemo_has_session(c->o, jid, ids[i]))
            ids[k++] = ids[i];
    if (k && (l->ids = malloc(k * sizeof *l->ids)) != NULL) {
        memcpy(l->ids, ids, k * sizeof *ids);
        l->n = k;
        l->known = l->stored = true;
    }
    return l;
}

/* Whether jid's device list may be used: the server's, or while offline
 * the one the key store's sessions stand for (list_of). Online, such a
 * list waits for the server's, which may name devices we never met (our
 * contact's new phone, or our own other devices). */
static bool usable_list(struct omemochat *c, const struct devlist *l)
{
    return l && l->known && !(l->stored && session_state(c->s) == SESSION_ONLINE);
}

static struct bstate *bstate_of(struct omemochat *c, const char *jid, uint32_t device, bool make)
{
    for (size_t i = 0; i < c->nbs; i++)
        if (c->bs[i].device == device && strcmp(c->bs[i].jid, jid) == 0)
            return &c->bs[i];
    if (!make)
        return NULL;
    struct bstate *g = realloc(c->bs, (c->nbs + 1) * sizeof *g);
    if (!g)
        return NULL;
    c->bs = g;
    struct bstate *b = &c->bs[c->nbs++];
    memset(b, 0, sizeof *b);
    snprintf(b->jid, sizeof b->jid, "%s", jid);
    b->device = device;
    return b;
}

static void publish_bundle(struct omemochat *c)
{
    struct omemo_bundle b;
    if (omemo_our_bundle(c->o, &b) == 0) {
        session_omemo_publish_bundle(c->s, &b);
        omemo_bundle_clear(&b);
    }
}

static void fetch_bundles(struct omemochat *c, const struct devlist *l)
{
    uint32_t ours = omemo_device_id(c->o);
    for (size_t i = 0; i < l->n; i++) {
        if ((strcmp(l->jid, c->own) == 0 && l->ids[i] == ours) ||
            omemo_has_session(c->o, l->jid, l->ids[i]) || bstate_of(c, l->jid, l->ids[i], false))
            continue;
        struct bstate *b = bstate_of(c, l->jid, l->ids[i], true);
        if (b && session_omemo_fetch_bundle(c->s, l->jid, l->ids[i]) == 0)
            b->state = B_FETCHING;
        else if (b)
            b->state = B_FAILED;
    }
}

static void on_devices(struct omemochat *c, const struct session_event *ev)
{
    char jid[PATH_JID_MAX + 1];
    if (!norm(ev->jid, jid))
        return;
    struct devlist *l = list_of(c, jid, true);
    if (!l)
        return;
    free(l->failed);
    l->failed = NULL;
    if (ev->condition) {
        /* Not "no OMEMO": a list we could not read may hide devices, so
         * the chat stays encrypted and nothing is sent in plaintext. */
        tell(c, jid, "OMEMO: the device list of %s was refused: %s", jid, ev->condition);
        l->failed = strdup(ev->condition);
        l->known = true;
        return;
    }
    uint32_t *ids = malloc((ev->omemo_ndevices + 1) * sizeof *ids);
    if (!ids)
        return;
    if (ev->omemo_ndevices)
        memcpy(ids, ev->omemo_devices, ev->omemo_ndevices * sizeof *ids);
    free(l->ids);
    l->ids = ids;
    l->n = ev->omemo_ndevices;
    l->known = true;
    l->stored = false;
    if (strcmp(jid, c->own) == 0) {
        uint32_t ours = omemo_device_id(c->o);
        bool listed = false;
        for (size_t i = 0; i < l->n; i++)
            listed |= l->ids[i] == ours;
        if (!listed) {
            l->ids[l->n++] = ours;
            session_omemo_publish_devices(c->s, l->ids, l->n);
        }
    }
    /* Notifications come for every contact with OMEMO at each login:
     * bundles are fetched only for the chats that need them. */
    if (l->wanted || strcmp(jid, c->own) == 0)
        fetch_bundles(c, l);
}

static void on_bundle(struct omemochat *c, const struct session_event *ev)
{
    char jid[PATH_JID_MAX + 1], dev[16], why[300], fp[OMEMO_FP_LEN];
    if (!norm(ev->jid, jid))
        return;
    struct bstate *b = bstate_of(c, jid, ev->omemo_device, true);
    snprintf(dev, sizeof dev, "%u", ev->omemo_device);
    int seen = 0;
    if (!ev->omemo_bundle ||
        omemo_build_session(c->o, jid, ev->omemo_bundle, &seen, why, sizeof why) < 0) {
        if (b)
            b->state = B_FAILED;
        snprintf(why + (ev->omemo_bundle ? strlen(why) : 0), sizeof why, "%s",
                 ev->omemo_bundle ? ""
                 : ev->condition  ? ev->condition
                                  : "no bundle");
        char line[PATH_JID_MAX + 512];
        snprintf(line, sizeof line, "OMEMO: cannot use device %s of %s: %s", dev, jid, why);
        if (c->notice)
            c->notice(c->ud, jid, line);
        return;
    }
    if (b)
        b->state = 0;
    save(c);
    if (seen == 0)
        return;
    omemo_fingerprint(ev->omemo_bundle->ik.p, ev->omemo_bundle->ik.n, fp);
    bool trusted = omemokeys_trusted(omemo_keys(c->o), jid, ev->omemo_device);
    char line[PATH_JID_MAX + 512];
    snprintf(line, sizeof line, "OMEMO: %s device %s of %s, fingerprint %s: %s",
             seen == 2 ? "a changed key for" : "new", dev, jid, fp,
             trusted ? "trusted (blind trust before verification)"
                     : "not trusted; /omemo trust JID FINGERPRINT to use it");
    if (c->notice)
        c->notice(c->ud, jid, line);
}

void omemochat_event(struct omemochat *c, const struct session_event *ev)
{
    if (ev->type == SESSION_EV_STATE && ev->state == SESSION_ONLINE) {
        norm(session_bare_jid(c->s), c->own);
        /* Bundles that failed may work on a new connection. */
        c->nbs = 0;
        session_omemo_fetch_devices(c->s, c->own);
        publish_bundle(c);
    } else if (ev->type == SESSION_EV_OMEMO && ev->sub_type) {
        if (strcmp(ev->sub_type, "devices") == 0)
            on_devices(c, ev);
        else if (strcmp(ev->sub_type, "bundle") == 0)
            on_bundle(c, ev);
        else if (strcmp(ev->sub_type, "published") == 0 && ev->condition)
            tell(c, c->own, "OMEMO: publishing %s was refused: %s", ev->text, ev->condition);
    }
}

static bool fetching(const struct omemochat *c, const char *jid)
{
    for (size_t i = 0; i < c->nbs; i++)
        if (c->bs[i].state == B_FETCHING &&
            (strcmp(c->bs[i].jid, jid) == 0 || strcmp(c->bs[i].jid, c->own) == 0))
            return true;
    return false;
}

/* --- rooms --- */

#define ROOM_READERS 128

static bool usable(struct omemochat *c, const char *jid);
static size_t add_targets(struct omemochat *c, const char *jid, struct omemo_target *t, size_t n,
                          size_t max);

struct readers {
    size_t n;
    bool overflow; /* more than ROOM_READERS: refused, never encrypted for some */
    char *jid[ROOM_READERS]; /* normalised bare JIDs, each malloc'd */
};

static void readers_clear(struct readers *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->jid[i]);
    r->n = 0;
}

static void add_reader(struct omemochat *c, struct readers *r, const char *jid)
{
    char *bare = jid ? jid_bare_of(jid) : NULL;
    char n[PATH_JID_MAX + 1];
    bool ok = bare && norm(bare, n) && strcmp(n, c->own) != 0;
    free(bare);
    for (size_t i = 0; ok && i < r->n; i++)
        ok = strcmp(r->jid[i], n) != 0;
    if (ok && r->n == ROOM_READERS)
        r->overflow = true;
    else if (ok && (r->jid[r->n] = strdup(n)) != NULL)
        r->n++;
}

/* The room of ours at bare, or NULL: a contact. */
static const struct muc_room *room_at(struct omemochat *c, const char *bare)
{
    return session_muc_room(c->s, bare);
}

/* Who a message to room must be readable by: its members, and every
 * occupant whose real JID it shows. */
static void readers_of(struct omemochat *c, const struct muc_room *room, struct readers *r)
{
    r->n = 0;
    r->overflow = room->members_cut;
    for (size_t i = 0; i < room->nmembers; i++)
        add_reader(c, r, room->members[i]);
    for (size_t i = 0; i < room->noccupants; i++)
        add_reader(c, r, room->occupants[i].jid);
}

static bool room_fit(const struct muc_room *room)
{
    return room->info_known && room->members_only && room->non_anonymous;
}

static bool room_busy(struct omemochat *c, const struct muc_room *room)
{
    if (!room->info_known)
        return true;
    if (!room_fit(room))
        return false;
    struct readers r;
    readers_of(c, room, &r);
    bool busy = false;
    for (size_t i = 0; i < r.n; i++)
        busy |= omemochat_busy(c, r.jid[i]);
    readers_clear(&r);
    return busy;
}

/* Why a message to room cannot be encrypted now (into err), or 0. */
static int room_unready(struct omemochat *c, const struct muc_room *room, struct readers *r,
                        char *err, size_t errlen)
{
    r->n = 0;
    if (!room->info_known) {
        snprintf(err, errlen, "what kind of room %s is is not known yet; try again in a moment",
                 room->jid);
        return -1;
    }
    if (!room_fit(room)) {
        snprintf(err, errlen,
                 "OMEMO needs a members-only room that shows its members' addresses, and %s "
                 "is not one (/omemo off sends in plaintext)",
                 room->jid);
        return -1;
    }
    readers_of(c, room, r);
    if (r->overflow) {
        snprintf(err, errlen, "%s has more than %d members: too many to encrypt for", room->jid,
                 ROOM_READERS);
        return -1;
    }
    if (r->n == 0) {
        snprintf(err, errlen, "nobody else is in %s to encrypt for", room->jid);
        return -1;
    }
    for (size_t i = 0; i < r->n; i++) {
        struct devlist *l = list_of(c, r->jid[i], false);
        if (!usable_list(c, l) || fetching(c, r->jid[i])) {
            omemochat_prepare(c, r->jid[i]);
            snprintf(err, errlen, "the keys of %s are still being fetched; try again in a moment",
                     r->jid[i]);
        } else if (l->failed) {
            snprintf(err, errlen, "the device list of %s could not be read (%s)", r->jid[i],
                     l->failed);
        } else if (l->n == 0) {
            snprintf(err, errlen, "%s has published no OMEMO device", r->jid[i]);
        } else if (!usable(c, r->jid[i])) {
            snprintf(err, errlen, "no trusted device of %s with a session", r->jid[i]);
        } else {
            continue;
        }
        return -1;
    }
    return 0;
}

/* The message goes under id given when not NULL (omemochat_send_as). */
static int deliver(struct omemochat *c, const char *to, const struct omemo_element *e,
                   const char *replace_id, const char *given, char *id_out, size_t id_len)
{
    return given ? session_send_omemo_as(c->s, to, e, FALLBACK, given)
                 : session_send_omemo(c->s, to, e, FALLBACK, replace_id, id_out, id_len);
}

static int room_send(struct omemochat *c, const struct muc_room *room, const char *text,
                     const char *replace_id, const char *given, char *id_out, size_t id_len,
                     char *err, size_t errlen)
{
    struct readers r;
    int rc = -1;
    if (room_unready(c, room, &r, err, errlen) < 0) {
        readers_clear(&r);
        return -1;
    }
    struct devlist *own = list_of(c, c->own, false);
    size_t max = own ? own->n : 0;
    for (size_t i = 0; i < r.n; i++)
        max += list_of(c, r.jid[i], false)->n; /* room_unready: each has a list */
    struct omemo_target *t = malloc(max * sizeof *t);
    if (!t) {
        snprintf(err, errlen, "out of memory");
    } else {
        size_t n = add_targets(c, c->own, t, 0, max);
        for (size_t i = 0; i < r.n; i++)
            n = add_targets(c, r.jid[i], t, n, max);
        struct omemo_element e;
        if (omemo_encrypt(c->o, r.jid[0], t, n, text, &e, err, errlen) == 0) {
            save(c); /* the ratchets moved: saved before anything goes out */
            rc = deliver(c, room->jid, &e, replace_id, given, id_out, id_len);
            omemo_element_clear(&e);
            if (rc < 0)
                snprintf(err, errlen, "the message could not be built");
        }
    }
    free(t);
    readers_clear(&r);
    return rc;
}

int omemochat_has_devices(struct omemochat *c, const char *jid)
{
    char bare[PATH_JID_MAX + 1];
    const struct muc_room *room = norm(jid, bare) ? room_at(c, bare) : NULL;
    if (room) /* a room that can have OMEMO has it by default */
        return room->info_known ? room_fit(room) : -1;
    struct devlist *l = norm(jid, bare) ? list_of(c, bare, true) : NULL;
    if (!l)
        return -1;
    if (usable_list(c, l))
        return l->n > 0 || l->failed;
    omemochat_prepare(c, jid);
    return -1;
}

bool omemochat_busy(struct omemochat *c, const char *jid)
{
    char bare[PATH_JID_MAX + 1];
    if (!norm(jid, bare))
        return false;
    if (room_at(c, bare))
        return room_busy(c, room_at(c, bare));
    /* A list heard of by notification has had no bundle fetched yet, nor
     * has our own: start what is missing first. */
    omemochat_prepare(c, bare);
    struct devlist *own = list_of(c, c->own, false);
    if (own && own->known)
        fetch_bundles(c, own);
    struct devlist *l = list_of(c, bare, false);
    return !usable_list(c, l) || fetching(c, bare);
}

int omemochat_rekey(struct omemochat *c, struct vault *v, char *err, size_t errlen)
{
    return omemo_rekey(c->o, v, err, errlen);
}

void omemochat_prepare(struct omemochat *c, const char *jid)
{
    char bare[PATH_JID_MAX + 1];
    struct devlist *l = norm(jid, bare) ? list_of(c, bare, true) : NULL;
    if (!l)
        return;
    l->wanted = true;
    if ((!l->known || l->stored) && !l->asked)
        l->asked = session_omemo_fetch_devices(c->s, bare) == 0;
    if (l->known)
        fetch_bundles(c, l);
}

static bool usable(struct omemochat *c, const char *jid)
{
    struct devlist *l = list_of(c, jid, false);
    if (!usable_list(c, l))
        return false;
    for (size_t i = 0; i < l->n; i++)
        if (omemo_has_session(c->o, jid, l->ids[i]) &&
            omemokeys_trusted(omemo_keys(c->o), jid, l->ids[i]))
            return true;
    return false;
}

bool omemochat_ready(struct omemochat *c, const char *jid)
{
    char bare[PATH_JID_MAX + 1];
    if (!norm(jid, bare))
        return false;
    const struct muc_room *room = room_at(c, bare);
    if (room) {
        struct readers r;
        char why[8];
        bool ok = room_unready(c, room, &r, why, sizeof why) == 0;
        readers_clear(&r);
        return ok;
    }
    return !fetching(c, bare) && usable(c, bare);
}

static size_t add_targets(struct omemochat *c, const char *jid, struct omemo_target *t, size_t n,
                          size_t max)
{
    struct devlist *l = list_of(c, jid, false);
    uint32_t ours = omemo_device_id(c->o);
    for (size_t i = 0; l && i < l->n && n < max; i++)
        if (!(strcmp(jid, c->own) == 0 && l->ids[i] == ours))
            t[n++] = (struct omemo_target){l->jid, l->ids[i]};
    return n;
}

static int send_text(struct omemochat *c, const char *jid, const char *text,
                     const char *replace_id, const char *given, char *id_out, size_t id_len,
                     char *err, size_t errlen)
{
    char bare[PATH_JID_MAX + 1];
    if (!norm(jid, bare)) {
        snprintf(err, errlen, "not a JID");
        return -1;
    }
    if (room_at(c, bare))
        return room_send(c, room_at(c, bare), text, replace_id, given, id_out, id_len, err,
                         errlen);
    struct devlist *l = list_of(c, bare, false);
    if (!usable_list(c, l) || fetching(c, bare)) {
        omemochat_prepare(c, bare);
        snprintf(err, errlen, "the keys of %s are still being fetched; try again in a moment",
                 bare);
        return -1;
    }
    if (l->failed) {
        snprintf(err, errlen, "the device list of %s could not be read (%s)", bare, l->failed);
        return -1;
    }
    if (l->n == 0) {
        snprintf(err, errlen, "%s has published no OMEMO device", bare);
        return -1;
    }
    struct omemo_target t[2 * OMEMO_MAX_DEVICES];
    size_t n = add_targets(c, bare, t, 0, 2 * OMEMO_MAX_DEVICES);
    if (strcmp(bare, c->own) != 0)
        n = add_targets(c, c->own, t, n, 2 * OMEMO_MAX_DEVICES);
    struct omemo_element e;
    if (omemo_encrypt(c->o, bare, t, n, text, &e, err, errlen) < 0)
        return -1;
    save(c); /* the ratchet moved: saved before anything goes out */
    int rc = deliver(c, jid, &e, replace_id, given, id_out, id_len);
    omemo_element_clear(&e);
    if (rc < 0)
        snprintf(err, errlen, "the message could not be built");
    return rc;
}

int omemochat_send(struct omemochat *c, const char *jid, const char *text, const char *replace_id,
                   char *id_out, size_t id_len, char *err, size_t errlen)
{
    return send_text(c, jid, text, replace_id, NULL, id_out, id_len, err, errlen);
}

int omemochat_send_as(struct omemochat *c, const char *jid, const char *text, const char *id,
                      char *err, size_t errlen)
{
    return send_text(c, jid, text, NULL, id, NULL, 0, err, errlen);
}

/* XEP-0384 asks that a prekey message be answered at once with an empty
 * message (a key transport element, no payload, no body): until the
 * sender hears from us over the session, all its messages stay prekey
 * messages, each carrying the prekey's id and its whole X3DH header, and
 * a second session built meanwhile from our bundle by a race would
 * replace it. Only to the device that wrote, and only when it is
 * trusted: an untrusted one gets nothing from us. */
static void heartbeat(struct omemochat *c, const char *jid, uint32_t device)
{
    struct omemo_target t = {jid, device};
    struct omemo_element e;
    char why[200];
    if (omemo_encrypt(c->o, jid, &t, 1, NULL, &e, why, sizeof why) < 0)
        return;
    save(c);
    session_send_omemo(c->s, jid, &e, NULL, NULL, NULL, 0);
    omemo_element_clear(&e);
}

int omemochat_decrypt(struct omemochat *c, const struct session_message *msg, char **text,
                      char *err, size_t errlen)
{
    char from[PATH_JID_MAX + 1], why[200] = "";
    *text = NULL;
    const char *sender = msg->ours || msg->carbon_sent ? session_bare_jid(c->s) : msg->from;
    bool groupchat = msg->type && strcmp(msg->type, "groupchat") == 0;
    if (groupchat) { /* the occupant's real JID, which the room shows */
        const struct muc_room *room = msg->from ? session_muc_room(c->s, msg->from) : NULL;
        const char *nick = msg->from ? jid_resource_of(msg->from) : NULL;
        const struct muc_occupant *who = room && nick ? muc_occupant(room, nick) : NULL;
        /* A copy from the archive or the room's history names its
         * writer, whom the nick may no longer stand for; live, the
         * room's occupant list does. A false name only fails: the
         * ciphertext decrypts under the writer's own session alone. */
        bool later = msg->archived || msg->delayed;
        sender = later && msg->muc_jid ? msg->muc_jid : who ? who->jid : msg->muc_jid;
        if (!sender) {
            snprintf(err, errlen, "could not decrypt a message from %s: the room does not show "
                     "who wrote it", msg->from ? msg->from : "?");
            return -1;
        }
    }
    if (!norm(sender, from))
        snprintf(from, sizeof from, "?");
    if (!msg->omemo) {
        snprintf(err, errlen, "could not decrypt a message from %s: %s", from,
                 msg->omemo_error ? msg->omemo_error : "no encrypted element");
        return -1;
    }
    size_t klen = 0;
    bool known = omemokeys_identity(omemo_keys(c->o), from, msg->omemo->sid, &klen) != NULL;
    bool used = false;
    int rc = omemo_decrypt(c->o, from, msg->omemo, text, &used, why, sizeof why);
    bool replenished = used && omemo_replenish(c->o) > 0;
    if (!used)
        c->unsaved = true; /* omemochat_settle, after this read */
    else
        save(c);
    if (replenished)
        publish_bundle(c);
    /* An empty message (a key transport, a heartbeat) carries nothing to
     * lose: one for another device, as our other devices see it by
     * carbons, or its second copy (sent to our own JID, it comes both
     * directly and as a carbon) is no news for the user. */
    if (rc < 0 && !msg->omemo->payload.p)
        return 0;
    if (rc < 0) {
        snprintf(err, errlen, "could not decrypt a message from %s (device %u): %s", from,
                 msg->omemo->sid, why);
        return rc;
    }
    /* From the archive the sender has most likely heard from us since. */
    if (used && !msg->archived)
        heartbeat(c, from, msg->omemo->sid);
    /* A device we did not know of wrote: its list changed without our
     * hearing of it (no notification: no subscription, or a list read
     * before it was published). Read the list again. */
    struct devlist *l = list_of(c, from, false);
    bool listed = false;
    for (size_t i = 0; l && i < l->n; i++)
        listed |= l->ids[i] == msg->omemo->sid;
    if (!listed && l && l->known) {
        l->known = l->asked = false;
        omemochat_prepare(c, from);
    }
    const uint8_t *ik = omemokeys_identity(omemo_keys(c->o), from, msg->omemo->sid, &klen);
    if (!known && ik) {
        char fp[OMEMO_FP_LEN], dev[16], line[PATH_JID_MAX + 512];
        omemo_fingerprint(ik, klen, fp);
        snprintf(dev, sizeof dev, "%u", msg->omemo->sid);
        snprintf(line, sizeof line, "OMEMO: new device %s of %s, fingerprint %s: %s", dev, from, fp,
                 omemokeys_trusted(omemo_keys(c->o), from, msg->omemo->sid)
                     ? "trusted (blind trust before verification)"
                     : "not trusted");
        if (c->notice)
            c->notice(c->ud, from, line);
    }
    return 0;
}

static const char *trust_word(enum omemo_trust t)
{
    switch (t) {
    case OMEMO_TRUST_BLIND:
        return "trusted (blind)";
    case OMEMO_TRUST_VERIFIED:
        return "verified";
    case OMEMO_TRUST_UNTRUSTED:
        return "untrusted";
    default:
        return "not yet trusted";
    }
}

char *omemochat_fingerprints(struct omemochat *c, const char *jid)
{
    char fp[OMEMO_FP_LEN], bare[PATH_JID_MAX + 1];
    size_t cap = 256 + (size_t)OMEMO_MAX_DEVICES * 200, n = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    omemo_our_fingerprint(c->o, fp);
    n += (size_t)snprintf(out + n, cap - n, "this device (%u): %s", omemo_device_id(c->o), fp);
    const char *who[2] = {c->own, norm(jid, bare) ? bare : NULL};
    for (int w = 0; w < 2; w++) {
        uint32_t ids[OMEMO_MAX_DEVICES];
        if (!who[w] || (w == 1 && strcmp(who[1], c->own) == 0))
            continue;
        size_t k = omemokeys_devices(omemo_keys(c->o), who[w], ids, OMEMO_MAX_DEVICES);
        for (size_t i = 0; i < k && n < cap - 200; i++) {
            size_t klen = 0;
            const uint8_t *ik = omemokeys_identity(omemo_keys(c->o), who[w], ids[i], &klen);
            omemo_fingerprint(ik, klen, fp);
            n += (size_t)snprintf(out + n, cap - n, "\n%s (%u): %s, %s", who[w], ids[i], fp,
                                  trust_word(omemokeys_trust(omemo_keys(c->o), who[w], ids[i])));
        }
    }
    return out;
}

int omemochat_trust(struct omemochat *c, const char *jid, const char *fp, bool trust, char *err,
                    size_t errlen)
{
    char bare[PATH_JID_MAX + 1];
    uint8_t key[33];
    if (!norm(jid, bare) || omemo_parse_fingerprint(fp, key) < 0) {
        snprintf(err, errlen, "give a JID and a fingerprint of 64 hexadecimal digits");
        return -1;
    }
    if (omemokeys_set_trust(omemo_keys(c->o), bare, key, sizeof key,
                            trust ? OMEMO_TRUST_VERIFIED : OMEMO_TRUST_UNTRUSTED) == 0) {
        snprintf(err, errlen, "no device of %s has that fingerprint", bare);
        return -1;
    }
    save(c);
    return 0;
}

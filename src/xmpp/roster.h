/* SPDX-License-Identifier: GPL-3.0-or-later */
/* roster.h - the roster model (RFC 6121 §2) with per-resource presence
 * (RFC 6121 §4). Pure data: no I/O, no XML (see roster.c). */
#ifndef TUKTUK_ROSTER_H
#define TUKTUK_ROSTER_H

#include <stdbool.h>
#include <stddef.h>

enum roster_sub { ROSTER_SUB_NONE, ROSTER_SUB_TO, ROSTER_SUB_FROM, ROSTER_SUB_BOTH };

/* Ordered from most to least available; OFFLINE means no resource. */
enum presence_show { SHOW_CHAT, SHOW_ONLINE, SHOW_AWAY, SHOW_XA, SHOW_DND, SHOW_OFFLINE };

struct roster_resource {
    char *name;
    enum presence_show show;
    char *status; /* may be NULL */
    int priority;
    char *client; /* caps node or version string, may be NULL */
};

struct roster_item {
    char *jid;  /* normalised bare JID: the key */
    char *name; /* may be NULL */
    char **groups;
    size_t ngroups;
    enum roster_sub sub;
    bool ask;                    /* ask="subscribe": our request is pending */
    bool in_roster;              /* false for presence-only entries (not on the roster) */
    struct roster_resource *res; /* available resources */
    size_t nres;
    unsigned unread; /* for the UI; the model only stores it */
};

struct roster;

struct roster *roster_new(void);
void roster_free(struct roster *r);

/* Insert or replace an item from a roster result or push. groups may be
 * NULL when ngroups is 0. Returns the item or NULL when out of memory. */
struct roster_item *roster_set(struct roster *r, const char *bare_jid, const char *name,
                               const char *const *groups, size_t ngroups, enum roster_sub sub,
                               bool ask);
/* Remove (subscription="remove"). Returns true if it was there. */
bool roster_remove(struct roster *r, const char *bare_jid);
/* Drop every item (a new full roster result replaces the old one), and
 * the version with them. */
void roster_clear(struct roster *r);
/* Drop the presence-only items (in_roster false), as a new full roster
 * result would: used when the server says the roster we hold is current. */
void roster_drop_presence_only(struct roster *r);

/* The roster version (RFC 6121 §2.6): the server's name for the state of
 * the items we hold, sent back at the next login so that an unchanged
 * roster is not sent again. NULL when we have none. A version longer
 * than ROSTER_VER_MAX bytes is not kept (the next login then fetches the
 * whole roster). roster_set_version returns 0, or -1 when ver was not
 * kept (too long, out of memory); either way the old one is gone. */
#define ROSTER_VER_MAX 1024
const char *roster_version(const struct roster *r);
int roster_set_version(struct roster *r, const char *ver);

struct roster_item *roster_find(const struct roster *r, const char *bare_jid);
size_t roster_count(const struct roster *r);
/* Items in insertion order, for iteration: 0 <= i < roster_count. The
 * index of an item may change after roster_remove. */
struct roster_item *roster_at(const struct roster *r, size_t i);

/* Presence for bare_jid/resource (RFC 6121 §4.4). show SHOW_OFFLINE
 * removes the resource. Creates a presence-only item (in_roster false)
 * if the JID is not on the roster. Returns the item. */
struct roster_item *roster_presence(struct roster *r, const char *bare_jid, const char *resource,
                                    enum presence_show show, const char *status, int priority,
                                    const char *client);
/* Mark everyone offline (connection lost). */
void roster_all_offline(struct roster *r);

/* The resource messages go to by default: highest priority, then most
 * available. NULL if offline. */
const struct roster_resource *roster_best(const struct roster_item *it);
/* The item's overall show (its best resource's, or SHOW_OFFLINE). */
enum presence_show roster_show(const struct roster_item *it);

const char *roster_sub_name(enum roster_sub sub);
enum roster_sub roster_sub_parse(const char *s);         /* unknown -> NONE */
const char *presence_show_name(enum presence_show show); /* "online", "away"... */
/* Parse the <show/> text; NULL or empty means online. Unknown -> ONLINE. */
enum presence_show presence_show_parse(const char *s);

#endif

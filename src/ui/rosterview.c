/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rosterview.c - the roster pane's model of what to show.
 *
 * A contact in two groups appears twice, so the view keeps one entry per
 * (group, contact) pair in an array sorted by group (the default group
 * last), presence, name and JID. The roster can hold 10,000 contacts and
 * a login brings a burst of presences, so we sort only when a whole
 * roster arrives; afterwards a change removes the contact's entries by
 * binary search on its cached (old) key and inserts them again at their
 * new place. Contacts are found by JID through a small hash table.
 *
 * The visible rows (group headers, then the contacts that pass the
 * offline toggle, collapse and filter) are rebuilt lazily, once per paint
 * at most, and the pane draws only the rows on screen. The selection
 * follows its contact or group across rebuilds.
 *
 * The view also knows what a contact looked like before a push (the
 * model has already changed when the push is told), so it is the one to
 * say what the push changed: added, removed, renamed, moved. Nothing else
 * keeps a copy of the roster for that. */
#include "ui/rosterview.h"
#include "ui/xalloc.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct group {
    char *name;
    bool is_default, collapsed;
    unsigned total, online;
};

struct contact {
    char *jid;
    char *label, *lc_label;
    enum presence_show show;
    unsigned unread;
    bool asking; /* asked to see our presence; not answered yet */
    bool blocked; /* on our block list (XEP-0191) */
    struct group **groups;
    size_t ngroups;
    struct contact *hnext;
};

struct entry {
    struct group *g;
    struct contact *c;
};

struct rosterview {
    bool show_offline;
    char *filter;          /* lower case, NULL when none */
    bool filter_domain;    /* the filter looks at whole JIDs (see matches) */
    struct group **groups; /* sorted: by name, the default group last */
    size_t ngroups;
    struct contact **buckets;
    size_t nbuckets, ncontacts;
    struct entry *entries; /* sorted, see cmp_entry */
    size_t nentries, ecap;
    struct entry *rows; /* visible rows; c == NULL for a group header */
    size_t nrows, rcap;
    bool rows_dirty;
    size_t sel, top;
    struct group *sel_g; /* what the selection is on, kept across rebuilds */
    struct contact *sel_c;
    struct group *rooms_group; /* the rooms, first; not in groups[] */
    struct contact **rooms;    /* not in the hash or the entries */
    size_t nrooms;
};

static char *lower_dup(const char *s)
{
    char *d = xalloc_strdup(s);
    for (char *p = d; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return d;
}

/* ---- groups ---- */

static int group_cmp(const struct group *a, const struct group *b)
{
    if (a == b)
        return 0;
    if (a->is_default != b->is_default)
        return a->is_default ? 1 : -1;
    return strcmp(a->name, b->name);
}

static struct group *group_get(struct rosterview *rv, const char *name, bool is_default)
{
    struct group key = {.name = (char *)name, .is_default = is_default};
    size_t lo = 0, hi = rv->ngroups;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = group_cmp(rv->groups[mid], &key);
        if (c == 0)
            return rv->groups[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    struct group *g = xalloc_realloc(NULL, sizeof *g);
    *g = (struct group){.name = xalloc_strdup(name), .is_default = is_default};
    rv->groups = xalloc_realloc(rv->groups, (rv->ngroups + 1) * sizeof *rv->groups);
    memmove(rv->groups + lo + 1, rv->groups + lo, (rv->ngroups - lo) * sizeof *rv->groups);
    rv->groups[lo] = g;
    rv->ngroups++;
    return g;
}

/* ---- contacts by JID ---- */

static size_t hash_jid(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static struct contact *contact_find(const struct rosterview *rv, const char *jid)
{
    if (rv->nbuckets == 0)
        return NULL;
    struct contact *c = rv->buckets[hash_jid(jid) & (rv->nbuckets - 1)];
    while (c && strcmp(c->jid, jid) != 0)
        c = c->hnext;
    return c;
}

static void hash_grow(struct rosterview *rv)
{
    size_t n = rv->nbuckets ? rv->nbuckets * 2 : 64;
    struct contact **b = calloc(n, sizeof *b);
    if (!b)
        abort();
    for (size_t i = 0; i < rv->nbuckets; i++) {
        struct contact *c = rv->buckets[i], *next;
        for (; c; c = next) {
            next = c->hnext;
            size_t h = hash_jid(c->jid) & (n - 1);
            c->hnext = b[h];
            b[h] = c;
        }
    }
    free(rv->buckets);
    rv->buckets = b;
    rv->nbuckets = n;
}

static void hash_add(struct rosterview *rv, struct contact *c)
{
    if (rv->ncontacts >= rv->nbuckets)
        hash_grow(rv);
    size_t h = hash_jid(c->jid) & (rv->nbuckets - 1);
    c->hnext = rv->buckets[h];
    rv->buckets[h] = c;
    rv->ncontacts++;
}

static void hash_del(struct rosterview *rv, struct contact *c)
{
    struct contact **p = &rv->buckets[hash_jid(c->jid) & (rv->nbuckets - 1)];
    while (*p != c)
        p = &(*p)->hnext;
    *p = c->hnext;
    rv->ncontacts--;
}

static void contact_free(struct contact *c)
{
    free(c->jid);
    free(c->label);
    free(c->lc_label);
    free(c->groups);
    free(c);
}

static bool has_group(const struct contact *c, const struct group *g)
{
    for (size_t i = 0; i < c->ngroups; i++)
        if (c->groups[i] == g)
            return true;
    return false;
}

/* Copy what the view needs from the model, so that it never holds a
 * pointer into the model's memory. */
static void contact_refresh(struct rosterview *rv, struct contact *c, const struct roster_item *it)
{
    free(c->label);
    free(c->lc_label);
    c->label = xalloc_strdup(it->name && it->name[0] ? it->name : it->jid);
    c->lc_label = lower_dup(c->label);
    c->show = roster_show(it);
    c->ngroups = 0;
    c->groups = xalloc_realloc(c->groups, (it->ngroups ? it->ngroups : 1) * sizeof *c->groups);
    for (size_t i = 0; i < it->ngroups; i++) {
        if (!it->groups[i] || !it->groups[i][0])
            continue;
        struct group *g = group_get(rv, it->groups[i], false);
        if (!has_group(c, g))
            c->groups[c->ngroups++] = g;
    }
    if (c->ngroups == 0)
        c->groups[c->ngroups++] = group_get(rv, ROSTERVIEW_DEFAULT_GROUP, true);
}

/* ---- sorted entries ---- */

static int cmp_entry(const struct entry *a, const struct entry *b)
{
    int d = group_cmp(a->g, b->g);
    if (d)
        return d;
    if (a->c->show != b->c->show)
        return a->c->show < b->c->show ? -1 : 1;
    d = strcmp(a->c->lc_label, b->c->lc_label);
    return d ? d : strcmp(a->c->jid, b->c->jid);
}

static int qsort_entry(const void *a, const void *b)
{
    return cmp_entry(a, b);
}

static size_t lower_bound(const struct rosterview *rv, const struct entry *key)
{
    size_t lo = 0, hi = rv->nentries;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cmp_entry(&rv->entries[mid], key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void count_member(struct group *g, const struct contact *c, int sign)
{
    g->total += sign;
    if (c->show != SHOW_OFFLINE)
        g->online += sign;
}

static void entries_append(struct rosterview *rv, struct group *g, struct contact *c)
{
    if (rv->nentries == rv->ecap) {
        rv->ecap = rv->ecap ? rv->ecap * 2 : 256;
        rv->entries = xalloc_realloc(rv->entries, rv->ecap * sizeof *rv->entries);
    }
    rv->entries[rv->nentries++] = (struct entry){g, c};
    count_member(g, c, +1);
}

static void contact_insert(struct rosterview *rv, struct contact *c)
{
    for (size_t i = 0; i < c->ngroups; i++) {
        struct entry e = {c->groups[i], c};
        entries_append(rv, e.g, c);
        size_t pos = lower_bound(rv, &e); /* the new entry is at the end: not seen */
        if (pos < rv->nentries - 1) {
            memmove(rv->entries + pos + 1, rv->entries + pos,
                    (rv->nentries - 1 - pos) * sizeof *rv->entries);
            rv->entries[pos] = e;
        }
    }
}

/* Uses c's cached key, so call it before refreshing c. */
static void contact_remove_entries(struct rosterview *rv, struct contact *c)
{
    for (size_t i = 0; i < c->ngroups; i++) {
        struct entry e = {c->groups[i], c};
        size_t pos = lower_bound(rv, &e);
        if (pos >= rv->nentries || rv->entries[pos].c != c)
            abort(); /* the cached key no longer matches the order */
        memmove(rv->entries + pos, rv->entries + pos + 1,
                (rv->nentries - pos - 1) * sizeof *rv->entries);
        rv->nentries--;
        count_member(c->groups[i], c, -1);
    }
}

/* ---- life cycle ---- */

struct rosterview *rosterview_new(bool show_offline)
{
    struct rosterview *rv = calloc(1, sizeof *rv);
    if (rv)
        rv->show_offline = show_offline;
    return rv;
}

static void drop_contacts(struct rosterview *rv)
{
    for (size_t i = 0; i < rv->nbuckets; i++) {
        struct contact *c = rv->buckets[i], *next;
        for (; c; c = next) {
            next = c->hnext;
            contact_free(c);
        }
        rv->buckets[i] = NULL;
    }
    rv->ncontacts = 0;
    rv->nentries = 0;
    for (size_t i = 0; i < rv->ngroups; i++)
        rv->groups[i]->total = rv->groups[i]->online = 0;
    rv->sel_c = NULL;
}

void rosterview_free(struct rosterview *rv)
{
    if (!rv)
        return;
    drop_contacts(rv);
    for (size_t i = 0; i < rv->nrooms; i++)
        contact_free(rv->rooms[i]);
    free(rv->rooms);
    if (rv->rooms_group) {
        free(rv->rooms_group->name);
        free(rv->rooms_group);
    }
    for (size_t i = 0; i < rv->ngroups; i++) {
        free(rv->groups[i]->name);
        free(rv->groups[i]);
    }
    free(rv->groups);
    free(rv->buckets);
    free(rv->entries);
    free(rv->rows);
    free(rv->filter);
    free(rv);
}

static struct contact *contact_new(struct rosterview *rv, const struct roster_item *it)
{
    struct contact *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    c->jid = xalloc_strdup(it->jid);
    contact_refresh(rv, c, it);
    hash_add(rv, c);
    return c;
}

void rosterview_reload(struct rosterview *rv, const struct roster *r)
{
    /* Unread counts belong to the windows, not the server's roster: keep
     * them across a reload (a reconnect sends the roster again). */
    size_t n = roster_count(r);
    unsigned *unread = calloc(n ? n : 1, sizeof *unread);
    if (!unread)
        abort();
    for (size_t i = 0; i < n; i++) {
        struct contact *old = contact_find(rv, roster_at(r, i)->jid);
        unread[i] = old ? old->unread : 0;
    }
    drop_contacts(rv);
    for (size_t i = 0; i < n; i++) {
        const struct roster_item *it = roster_at(r, i);
        if (!it->in_roster || contact_find(rv, it->jid))
            continue;
        struct contact *c = contact_new(rv, it);
        c->unread = unread[i];
        for (size_t k = 0; k < c->ngroups; k++)
            entries_append(rv, c->groups[k], c);
    }
    free(unread);
    if (rv->nentries) /* qsort wants a real pointer even for nothing */
        qsort(rv->entries, rv->nentries, sizeof *rv->entries, qsort_entry);
    rv->rows_dirty = true;
}

void rosterview_update(struct rosterview *rv, const struct roster *r, const char *bare_jid)
{
    struct contact *c = contact_find(rv, bare_jid);
    const struct roster_item *it = roster_find(r, bare_jid);
    rv->rows_dirty = true;
    if (c)
        contact_remove_entries(rv, c);
    if (!it || !it->in_roster) {
        if (c) {
            if (rv->sel_c == c)
                rv->sel_c = NULL;
            hash_del(rv, c);
            contact_free(c);
        }
        return;
    }
    if (c)
        contact_refresh(rv, c, it);
    else
        c = contact_new(rv, it);
    contact_insert(rv, c);
}

/* ---- what a push changed, in words ---- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The contact's groups, sorted (a push may list them in another order),
 * joined with ", "; "no group" for the default one. */
static void groups_text(const struct contact *c, char *buf, size_t len)
{
    const char *names[64];
    size_t n = 0, off = 0;
    for (size_t i = 0; i < c->ngroups && n < 64; i++)
        if (!c->groups[i]->is_default)
            names[n++] = c->groups[i]->name;
    buf[0] = '\0';
    if (n == 0) {
        snprintf(buf, len, "no group");
        return;
    }
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n && off < len; i++)
        off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "", names[i]);
}

/* "Bob (bob@example.org)", or the JID alone for a contact without a name. */
static void who_text(const struct contact *c, char *buf, size_t len)
{
    if (strcmp(c->label, c->jid) == 0)
        snprintf(buf, len, "%s", c->jid);
    else
        snprintf(buf, len, "%s (%s)", c->label, c->jid);
}

void rosterview_update_noted(struct rosterview *rv, const struct roster *r, const char *bare_jid,
                             char *note, size_t len)
{
    char who[600] = "", groups[600] = "", label[300] = "", now[600];
    const struct contact *c = contact_find(rv, bare_jid);
    bool had = c != NULL;
    if (had) {
        who_text(c, who, sizeof who);
        groups_text(c, groups, sizeof groups);
        snprintf(label, sizeof label, "%s", c->label);
    }
    rosterview_update(rv, r, bare_jid);
    c = contact_find(rv, bare_jid);
    note[0] = '\0';
    if (!had && c) {
        who_text(c, who, sizeof who);
        groups_text(c, groups, sizeof groups);
        bool grouped = strcmp(groups, "no group") != 0;
        snprintf(note, len, "added %s%s%s", who, grouped ? " to " : "", grouped ? groups : "");
        return;
    }
    if (had && !c) {
        snprintf(note, len, "removed %s", who);
        return;
    }
    if (!c)
        return;
    bool renamed = strcmp(label, c->label) != 0;
    groups_text(c, now, sizeof now);
    bool moved = strcmp(groups, now) != 0;
    size_t off = 0;
    if (renamed && strcmp(c->label, c->jid) == 0)
        off = (size_t)snprintf(note, len, "removed the name of %s", who);
    else if (renamed)
        off = (size_t)snprintf(note, len, "renamed %s to %s", who, c->label);
    if (moved && off < len)
        snprintf(note + off, len - off, "%s%s to %s", off ? ", moved" : "moved ", off ? "" : who,
                 now);
}

void rosterview_set_unread(struct rosterview *rv, const char *bare_jid, unsigned unread)
{
    struct contact *c = contact_find(rv, bare_jid);
    if (c && c->unread != unread) {
        c->unread = unread;
        rv->rows_dirty = true;
    }
}

void rosterview_set_blocked(struct rosterview *rv, const char *bare_jid, bool blocked)
{
    struct contact *c = contact_find(rv, bare_jid);
    if (c && c->blocked != blocked) {
        c->blocked = blocked;
        rv->rows_dirty = true;
    }
}

void rosterview_set_asking(struct rosterview *rv, const char *bare_jid, bool asking)
{
    struct contact *c = contact_find(rv, bare_jid);
    if (c && c->asking != asking) {
        c->asking = asking;
        rv->rows_dirty = true;
    }
}

/* ---- options ---- */

bool rosterview_show_offline(const struct rosterview *rv)
{
    return rv->show_offline;
}

void rosterview_set_show_offline(struct rosterview *rv, bool show)
{
    rv->show_offline = show;
    rv->rows_dirty = true;
}

void rosterview_set_filter(struct rosterview *rv, const char *filter)
{
    free(rv->filter);
    rv->filter = filter && filter[0] ? lower_dup(filter) : NULL;
    rv->rows_dirty = true;
}

const char *rosterview_filter(const struct rosterview *rv)
{
    return rv->filter ? rv->filter : "";
}

/* ---- rooms ---- */

static bool room_same(const struct contact *c, const struct rosterview_room *r)
{
    return strcmp(c->jid, r->jid) == 0 && strcmp(c->label, r->label) == 0 &&
           (c->show != SHOW_OFFLINE) == r->joined && c->unread == r->unread;
}

bool rosterview_set_rooms(struct rosterview *rv, const struct rosterview_room *rooms, size_t n)
{
    bool same = n == rv->nrooms;
    for (size_t i = 0; same && i < n; i++)
        same = room_same(rv->rooms[i], &rooms[i]);
    if (same)
        return false;
    if (!rv->rooms_group) {
        rv->rooms_group = xalloc_realloc(NULL, sizeof *rv->rooms_group);
        *rv->rooms_group = (struct group){.name = xalloc_strdup(ROSTERVIEW_ROOMS)};
    }
    /* A room that stays keeps its contact, so that the selection stays
     * on it. */
    struct contact **next = xalloc_realloc(NULL, (n ? n : 1) * sizeof *next);
    for (size_t i = 0; i < n; i++) {
        struct contact *c = NULL;
        for (size_t k = 0; !c && k < rv->nrooms; k++)
            if (rv->rooms[k] && strcmp(rv->rooms[k]->jid, rooms[i].jid) == 0) {
                c = rv->rooms[k];
                rv->rooms[k] = NULL;
            }
        if (!c) {
            c = xalloc_realloc(NULL, sizeof *c);
            *c = (struct contact){.jid = xalloc_strdup(rooms[i].jid)};
        }
        free(c->label);
        free(c->lc_label);
        c->label = xalloc_strdup(rooms[i].label);
        c->lc_label = lower_dup(c->label);
        c->show = rooms[i].joined ? SHOW_ONLINE : SHOW_OFFLINE;
        c->unread = rooms[i].unread;
        next[i] = c;
    }
    for (size_t k = 0; k < rv->nrooms; k++) {
        if (rv->rooms[k] && rv->sel_c == rv->rooms[k])
            rv->sel_c = NULL;
        if (rv->rooms[k])
            contact_free(rv->rooms[k]);
    }
    free(rv->rooms);
    rv->rooms = next;
    rv->nrooms = n;
    rv->rooms_group->total = (unsigned)n;
    rv->rooms_group->online = 0;
    for (size_t i = 0; i < n; i++)
        rv->rooms_group->online += rooms[i].joined;
    rv->rows_dirty = true;
    return true;
}

bool rosterview_selected_room(struct rosterview *rv)
{
    return rosterview_selected_jid(rv) && rv->rooms_group && rv->rows[rv->sel].g == rv->rooms_group;
}

/* ---- visible rows ---- */

/* Case-insensitive: is needle within the first n bytes of hay? */
static bool has_within(const char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++) {
        size_t j = 0;
        while (j < k && tolower((unsigned char)hay[i + j]) == (unsigned char)needle[j])
            j++;
        if (j == k)
            return true;
    }
    return false;
}

/* The filter looks at what people call a contact: its name and the local
 * part of its JID (issue 9: "l" matched every contact @localhost). The
 * domain counts only when the filter has an '@', or when no name and no
 * local part matches at all, so that "example" still finds the contacts
 * of example.org when nothing else does. */
static bool matches(const struct rosterview *rv, const struct contact *c)
{
    bool named = strcmp(c->label, c->jid) != 0; /* else the label is the JID */
    if (named && strstr(c->lc_label, rv->filter))
        return true;
    const char *at = strchr(c->jid, '@');
    size_t local = rv->filter_domain || !at ? strlen(c->jid) : (size_t)(at - c->jid);
    return has_within(c->jid, local, rv->filter);
}

/* Shown were its group expanded: the offline toggle's part of visible(). */
static bool shown_expanded(const struct rosterview *rv, const struct contact *c)
{
    return rv->show_offline || c->show != SHOW_OFFLINE || c->unread > 0 || c->asking;
}

static bool visible(const struct rosterview *rv, const struct entry *e)
{
    if (rv->filter)
        return matches(rv, e->c);
    return !e->g->collapsed && shown_expanded(rv, e->c);
}

static void row_add(struct rosterview *rv, struct group *g, struct contact *c)
{
    if (rv->nrows == rv->rcap) {
        rv->rcap = rv->rcap ? rv->rcap * 2 : 256;
        rv->rows = xalloc_realloc(rv->rows, rv->rcap * sizeof *rv->rows);
    }
    rv->rows[rv->nrows++] = (struct entry){g, c};
}

static void restore_selection(struct rosterview *rv)
{
    if (rv->sel_g) {
        for (size_t i = 0; i < rv->nrows; i++) {
            if (rv->rows[i].g == rv->sel_g && rv->rows[i].c == rv->sel_c) {
                rv->sel = i;
                return;
            }
        }
    }
    if (rv->sel >= rv->nrows)
        rv->sel = rv->nrows ? rv->nrows - 1 : 0;
    rv->sel_g = rv->nrows ? rv->rows[rv->sel].g : NULL;
    rv->sel_c = rv->nrows ? rv->rows[rv->sel].c : NULL;
}

/* Whether the filter falls back to whole JIDs (see matches). */
static void filter_scope(struct rosterview *rv)
{
    rv->filter_domain = rv->filter && strchr(rv->filter, '@');
    if (!rv->filter || rv->filter_domain)
        return;
    for (size_t i = 0; i < rv->nentries; i++)
        if (matches(rv, rv->entries[i].c))
            return;
    rv->filter_domain = true;
}

/* Does group g, whose entries start at index i, have a member that would
 * show were it expanded? While offline contacts are hidden, a group of
 * offline contacts is hidden whole (issue 9: "v Work (0/1)" stayed,
 * with nothing under it). */
static bool group_has_shown(const struct rosterview *rv, size_t i)
{
    const struct group *g = rv->entries[i].g;
    for (; i < rv->nentries && rv->entries[i].g == g; i++)
        if (shown_expanded(rv, rv->entries[i].c))
            return true;
    return false;
}

static void rows_rebuild(struct rosterview *rv)
{
    struct group *header = NULL, *seen = NULL;
    bool has_shown = false;
    rv->nrows = 0;
    filter_scope(rv);
    /* The rooms first: they are windows, shown whatever the offline
     * toggle says. */
    for (size_t i = 0; i < rv->nrooms; i++) {
        struct contact *c = rv->rooms[i];
        bool show = rv->filter ? matches(rv, c) : !rv->rooms_group->collapsed;
        if (!header && (show || !rv->filter)) {
            row_add(rv, rv->rooms_group, NULL);
            header = rv->rooms_group;
        }
        if (show)
            row_add(rv, rv->rooms_group, c);
    }
    for (size_t i = 0; i < rv->nentries; i++) {
        struct entry *e = &rv->entries[i];
        bool show = visible(rv, e);
        if (e->g != seen) { /* once per group: it can hold 10,000 */
            seen = e->g;
            has_shown = !rv->filter && group_has_shown(rv, i);
        }
        /* Every group with a member to show has a header (a collapsed one
         * too), except that a filter shows only the groups where
         * something matched. */
        if (e->g != header && (show || has_shown)) {
            row_add(rv, e->g, NULL);
            header = e->g;
        }
        if (show)
            row_add(rv, e->g, e->c);
    }
    rv->rows_dirty = false;
    restore_selection(rv);
}

size_t rosterview_count(struct rosterview *rv)
{
    if (rv->rows_dirty)
        rows_rebuild(rv);
    return rv->nrows;
}

bool rosterview_row(struct rosterview *rv, size_t i, struct rosterview_row *out)
{
    if (i >= rosterview_count(rv))
        return false;
    const struct entry *e = &rv->rows[i];
    memset(out, 0, sizeof *out);
    out->group = e->g->name;
    if (!e->c) {
        out->kind = ROSTERVIEW_GROUP;
        out->collapsed = e->g->collapsed;
        out->online = e->g->online;
        out->total = e->g->total;
        return true;
    }
    out->kind = ROSTERVIEW_CONTACT;
    out->room = e->g == rv->rooms_group;
    out->jid = e->c->jid;
    out->label = e->c->label;
    out->show = e->c->show;
    out->unread = e->c->unread;
    out->asking = e->c->asking;
    out->blocked = e->c->blocked;
    return true;
}

void rosterview_toggle_group(struct rosterview *rv)
{
    if (rosterview_count(rv) == 0)
        return;
    struct group *g = rv->rows[rv->sel].g;
    g->collapsed = !g->collapsed;
    rv->sel_g = g;
    rv->sel_c = NULL;
    rv->rows_dirty = true;
}

/* ---- selection ---- */

size_t rosterview_selected(struct rosterview *rv)
{
    rosterview_count(rv);
    return rv->sel;
}

void rosterview_select(struct rosterview *rv, size_t row)
{
    size_t n = rosterview_count(rv);
    if (n == 0)
        return;
    rv->sel = row < n ? row : n - 1;
    rv->sel_g = rv->rows[rv->sel].g;
    rv->sel_c = rv->rows[rv->sel].c;
}

void rosterview_move(struct rosterview *rv, long delta)
{
    size_t cur = rosterview_selected(rv);
    if (delta < 0 && (size_t)-delta > cur)
        rosterview_select(rv, 0);
    else
        rosterview_select(rv, cur + delta);
}

const char *rosterview_selected_jid(struct rosterview *rv)
{
    if (rosterview_count(rv) == 0 || !rv->rows[rv->sel].c)
        return NULL;
    return rv->rows[rv->sel].c->jid;
}

size_t rosterview_top(struct rosterview *rv, int height)
{
    size_t n = rosterview_count(rv);
    size_t h = height > 0 ? (size_t)height : 1;
    if (rv->sel < rv->top)
        rv->top = rv->sel;
    if (rv->sel >= rv->top + h)
        rv->top = rv->sel - h + 1;
    if (rv->top + h > n)
        rv->top = n > h ? n - h : 0;
    /* Row top of a scrolled pane shows the group instead (see
     * rosterview_top_row): one more row, so the selection is not hidden. */
    if (rv->top > 0 && rv->top == rv->sel && rv->rows[rv->top].c && h > 1)
        rv->top--;
    return rv->top;
}

bool rosterview_top_row(struct rosterview *rv, size_t top, struct rosterview_row *out)
{
    if (!rosterview_row(rv, top, out))
        return false;
    if (top == 0 || out->kind == ROSTERVIEW_GROUP)
        return true;
    const struct group *g = rv->rows[top].g;
    *out = (struct rosterview_row){.kind = ROSTERVIEW_GROUP,
                                   .group = g->name,
                                   .collapsed = g->collapsed,
                                   .above = true,
                                   .online = g->online,
                                   .total = g->total};
    return true;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* catchup.c - reading the server's archives into the message store.
 *
 * The store keeps, for each archive (our account's, each room's), a
 * cursor: the archive id up to which everything is in the store. After a
 * new login (not after a resumed stream, which lost nothing) the account's
 * archive is read forward from the cursor, page by page, in the
 * background; the first time, from window_days ago. A page's messages
 * reach the store before the page ends, so the cursor moves to a page's
 * last id only when all of it is kept: a catch-up cut by a lost
 * connection starts again from there, and what it reads twice the store
 * recognises as duplicates.
 *
 * An archive that had nothing to give has no id to remember: its cursor
 * is then "@TIME", the time that catch-up asked from, and the next one
 * asks from that time.
 *
 * Live messages carry an archive id too (XEP-0359). They move the cursor
 * only while the archive is "synced", read up to now, and only in memory
 * until the cursor is next read or the session's state changes, as it
 * does at every close (flush): a write per live message would double the
 * store's work on the hot path, and a cursor lost in a crash only makes
 * the next catch-up read again what the store recognises as duplicates. Meanwhile, during a catch-up
 * a live message is newer than the pages still to come, and moving the
 * cursor past them would leave a gap after a cut.
 *
 * Rooms: a room with a cursor is joined asking for no <history/>
 * (session_muc_set_no_history), and read from its archive after the
 * join. A room joined for the first time gets the history the room sends
 * and starts its cursor there. */
#include "core/catchup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


struct catchup_room {
    char *jid;
    char qid[40];
    bool synced;
    char live_id[128]; /* the newest live archive id, not yet in the store */
};

static const char *self(const struct catchup *c)
{
    return session_bare_jid(c->s);
}

static struct catchup_room *room_of(struct catchup *c, const char *jid, bool add)
{
    for (size_t i = 0; i < c->nrooms; i++)
        if (strcmp(c->rooms[i].jid, jid) == 0)
            return &c->rooms[i];
    if (!add)
        return NULL;
    struct catchup_room *r = realloc(c->rooms, (c->nrooms + 1) * sizeof *r);
    char *copy = strdup(jid);
    if (!r || !copy) {
        free(copy);
        if (r)
            c->rooms = r;
        return NULL;
    }
    c->rooms = r;
    r = &c->rooms[c->nrooms++];
    *r = (struct catchup_room){.jid = copy};
    return r;
}

static void cursor_room(void *ud, const char *archive)
{
    struct catchup *c = ud;
    if (strcmp(archive, self(c)) != 0)
        session_muc_set_no_history(c->s, archive, true);
}

void catchup_init(struct catchup *c, struct session *s, struct store *st, unsigned window_days)
{
    *c = (struct catchup){.s = s, .st = st, .window_s = (long)window_days * 86400};
    if (st)
        store_archives(st, self(c), cursor_room, c);
}

/* Writes the live ids kept in memory to the store's cursors. */
static void flush(struct catchup *c)
{
    if (c->live_id[0] && store_set_cursor(c->st, self(c), self(c), c->live_id) == 0)
        c->live_id[0] = '\0';
    for (size_t i = 0; i < c->nrooms; i++) {
        struct catchup_room *r = &c->rooms[i];
        if (r->live_id[0] && store_set_cursor(c->st, self(c), r->jid, r->live_id) == 0)
            r->live_id[0] = '\0';
    }
}

void catchup_free(struct catchup *c)
{
    for (size_t i = 0; i < c->nrooms; i++)
        free(c->rooms[i].jid);
    free(c->rooms);
    c->rooms = NULL;
    c->nrooms = 0;
}

void catchup_abort(struct catchup *c)
{
    c->qid[0] = '\0';
    c->synced = false;
    for (size_t i = 0; i < c->nrooms; i++) {
        c->rooms[i].qid[0] = '\0';
        c->rooms[i].synced = false;
    }
}

bool catchup_running(const struct catchup *c)
{
    for (size_t i = 0; i < c->nrooms; i++)
        if (c->rooms[i].qid[0])
            return true;
    return c->qid[0] != '\0';
}

/* Starts reading archive (NULL: the account's) after its cursor. */
static void start(struct catchup *c, const char *room, char *qid, size_t qlen)
{
    char after[256];
    flush(c);
    store_cursor(c->st, self(c), room ? room : self(c), after, sizeof after);
    struct session_mam_query q = {.archive = room, .after_id = after[0] ? after : NULL,
                                  .max = c->page};
    if (after[0] == '@') { /* read before, and it held nothing: from then on */
        q.after_id = NULL;
        q.start = (time_t)atoll(after + 1);
    } else if (!room && !after[0]) {
        q.start = time(NULL) - c->window_s;
    }
    if (!room)
        c->asked = time(NULL);
    if (session_mam_query(c->s, &q, qid, qlen) != 0)
        qid[0] = '\0';
}

static void on_online(struct catchup *c)
{
    if (!session_resumed(c->s)) {
        c->synced = false;
        c->qid[0] = '\0';
        for (size_t i = 0; i < c->nrooms; i++)
            c->rooms[i] = (struct catchup_room){.jid = c->rooms[i].jid};
    }
    /* A resumed stream after a catch-up that the cut ended goes on. */
    if (!c->synced && !c->qid[0]) {
        c->fetched = 0;
        start(c, NULL, c->qid, sizeof c->qid);
    }
}

static void on_joined(struct catchup *c, const char *room)
{
    char cursor[256];
    struct catchup_room *r = room_of(c, room, true);
    if (!r)
        return;
    flush(c);
    store_cursor(c->st, self(c), room, cursor, sizeof cursor);
    r->synced = cursor[0] == '\0'; /* first join: the room's history starts it */
    if (!r->synced)
        start(c, room, r->qid, sizeof r->qid);
}

/* A live message's archive id moves a synced archive's cursor. */
static void on_message(struct catchup *c, const struct session_message *m)
{
    if (m->archived) {
        if (m->archive_qid && strcmp(m->archive_qid, c->qid) == 0)
            c->fetched++;
        return;
    }
    if (!m->stanza_id || !m->stanza_id_by)
        return;
    if (strcmp(m->stanza_id_by, self(c)) == 0) {
        if (c->synced)
            snprintf(c->live_id, sizeof c->live_id, "%s", m->stanza_id);
        return;
    }
    struct catchup_room *r = room_of(c, m->stanza_id_by, false);
    if (r && r->synced) {
        if (!r->live_id[0])
            session_muc_set_no_history(c->s, r->jid, true);
        snprintf(r->live_id, sizeof r->live_id, "%s", m->stanza_id);
    }
}

static const char *on_mam(struct catchup *c, const struct session_event *ev)
{
    const char *how = ev->sub_type ? ev->sub_type : "";
    bool done = strcmp(how, "complete") == 0, failed = strcmp(how, "error") == 0;
    const char *archive = NULL;
    char *qid = NULL;
    bool *synced = NULL;
    if (c->qid[0] && ev->id && strcmp(ev->id, c->qid) == 0) {
        archive = self(c);
        qid = c->qid;
        synced = &c->synced;
    }
    for (size_t i = 0; !archive && ev->id && i < c->nrooms; i++)
        if (c->rooms[i].qid[0] && strcmp(c->rooms[i].qid, ev->id) == 0) {
            archive = c->rooms[i].jid;
            qid = c->rooms[i].qid;
            synced = &c->rooms[i].synced;
        }
    if (!archive)
        return NULL; /* a window's own paging query */
    if (!failed && ev->text)
        store_set_cursor(c->st, self(c), archive, ev->text);
    /* An archive with nothing new has no id to start from next time:
     * its position is the time this catch-up asked from instead. */
    char cursor[256];
    if (done && !ev->text && archive == self(c) &&
        store_cursor(c->st, self(c), archive, cursor, sizeof cursor) == 0 &&
        (!cursor[0] || cursor[0] == '@')) {
        snprintf(cursor, sizeof cursor, "@%lld", (long long)c->asked);
        store_set_cursor(c->st, self(c), archive, cursor);
    }
    if (!done && !failed)
        return NULL;
    qid[0] = '\0';
    *synced = done;
    if (failed && ev->condition && strcmp(ev->condition, "gone") != 0) {
        snprintf(c->notice, sizeof c->notice, "archive %s could not be read (%s)", archive,
                 ev->condition);
        return c->notice;
    }
    if (done && archive == self(c) && c->fetched > 0) {
        snprintf(c->notice, sizeof c->notice, "archive: %lu message%s caught up", c->fetched,
                 c->fetched == 1 ? "" : "s");
        return c->notice;
    }
    return NULL;
}

const char *catchup_event(struct catchup *c, const struct session_event *ev)
{
    if (!c->st)
        return NULL;
    switch (ev->type) {
    case SESSION_EV_STATE:
        flush(c);
        if (ev->state == SESSION_ONLINE)
            on_online(c);
        return NULL;
    case SESSION_EV_MESSAGE:
        if (ev->msg)
            on_message(c, ev->msg);
        return NULL;
    case SESSION_EV_MUC_JOINED:
        if (ev->jid)
            on_joined(c, ev->jid);
        return NULL;
    case SESSION_EV_MAM:
        return on_mam(c, ev);
    default:
        return NULL;
    }
}

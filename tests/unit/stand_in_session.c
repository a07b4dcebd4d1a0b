/* SPDX-License-Identifier: GPL-3.0-or-later */
/* stand_in_session.c - the session calls the UI makes, answered by a
 * stand-in that writes each one down (see stand_in_session.h). Requests
 * succeed while the stand-in is online, as the real session's do; what
 * the real session would answer later comes as events the test sends
 * itself (ui_session_event). */
#include "stand_in_session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmpp/muc.h"
#include "xmpp/omemo.h"
#include "xmpp/roster.h"

static void note(struct session *s, const char *name, const char *a, const char *b)
{
    struct stand_in *t = stand_in_of(s);
    size_t used = strlen(t->calls);
    snprintf(t->calls + used, sizeof t->calls - used, "%s(%s%s%s) ", name, a ? a : "",
             b ? "," : "", b ? b : "");
}

static int online(struct session *s)
{
    return stand_in_of(s)->state == SESSION_ONLINE ? 0 : -1;
}

struct session *stand_in_new(void)
{
    struct stand_in *t = calloc(1, sizeof *t);
    if (!t)
        abort();
    t->roster = roster_new();
    t->state = SESSION_ONLINE;
    return (struct session *)t;
}

struct stand_in *stand_in_of(struct session *s)
{
    return (struct stand_in *)s;
}

void stand_in_free(struct session *s)
{
    roster_free(stand_in_of(s)->roster);
    free(s);
}

int session_connect(struct session *s)
{
    note(s, "connect", NULL, NULL);
    return 0;
}

void session_disconnect(struct session *s, const char *status)
{
    note(s, "disconnect", status, NULL);
}

void session_set_password(struct session *s, const char *password)
{
    (void)password; /* a secret: not written down */
    note(s, "set_password", NULL, NULL);
}

void session_set_pinned_cert(struct session *s, const char *sha256)
{
    note(s, "set_pinned_cert", sha256, NULL);
}

enum session_state session_state(const struct session *s)
{
    return ((const struct stand_in *)s)->state;
}

const char *session_state_name(enum session_state st)
{
    return st == SESSION_ONLINE ? "online" : "offline";
}

const char *session_bare_jid(const struct session *s)
{
    (void)s;
    return "me@example.org";
}

const char *session_full_jid(const struct session *s)
{
    (void)s;
    return "me@example.org/seam";
}

struct roster *session_roster(struct session *s)
{
    return stand_in_of(s)->roster;
}

enum presence_show session_show(const struct session *s)
{
    (void)s;
    return SHOW_ONLINE;
}

const struct conn_cert_info *session_refused_cert(const struct session *s)
{
    (void)s;
    return NULL;
}

unsigned session_reconnect_in(const struct session *s)
{
    (void)s;
    return 0;
}

int session_send_message(struct session *s, const char *to, const char *type, const char *body,
                         const char *thread, char *id_out, size_t id_len)
{
    (void)type;
    (void)thread;
    note(s, "send_message", to, body);
    if (id_out)
        snprintf(id_out, id_len, "id1");
    if (online(s) == 0)
        return 0;
    stand_in_of(s)->pending++; /* held for when we are online */
    return 1;
}

/* core/outbox.c hands an earlier run's outbox back with this. */
int session_queue_message(struct session *s, const char *to, const char *type, const char *body,
                          const char *id)
{
    (void)type;
    (void)id;
    note(s, "queue_message", to, body);
    if (online(s) == 0)
        return 0;
    stand_in_of(s)->pending++;
    return 1;
}

/* ... and an encrypted one (its stanza) with this. */
int session_queue_stanza(struct session *s, const char *to, const char *id, const char *xml)
{
    (void)id;
    note(s, "queue_stanza", to, xml);
    if (online(s) == 0)
        return 0;
    stand_in_of(s)->pending++;
    return 1;
}

size_t session_pending_messages(const struct session *s)
{
    return stand_in_of((struct session *)s)->pending;
}

int session_send_correction(struct session *s, const char *to, const char *body,
                            const char *replace_id, char *id_out, size_t id_len)
{
    (void)replace_id;
    (void)id_out;
    (void)id_len;
    note(s, "send_correction", to, body);
    return online(s);
}

int session_send_chatstate(struct session *s, const char *to, const char *state)
{
    (void)s;
    (void)to;
    (void)state; /* typing notices: not what these tests look at */
    return 0;
}

int session_set_presence(struct session *s, enum presence_show show, const char *status,
                         int priority)
{
    (void)priority;
    note(s, "set_presence", presence_show_name(show), status);
    return 0;
}

int session_roster_set(struct session *s, const char *jid, const char *name, const char *group)
{
    (void)group;
    note(s, "roster_set", jid, name);
    return online(s);
}

int session_roster_remove(struct session *s, const char *jid)
{
    note(s, "roster_remove", jid, NULL);
    return online(s);
}

int session_send_subscription(struct session *s, const char *jid, const char *type)
{
    note(s, "subscription", jid, type);
    return online(s);
}

int session_send_raw(struct session *s, const char *xml, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    note(s, "send_raw", xml, NULL);
    return online(s);
}

int session_change_password(struct session *s, const char *new_password)
{
    (void)new_password;
    note(s, "change_password", NULL, NULL);
    return online(s);
}

int session_vcard_request(struct session *s, const char *jid)
{
    note(s, "vcard_request", jid, NULL);
    return online(s);
}

int session_vcard_set(struct session *s, const char *field, const char *value)
{
    note(s, "vcard_set", field, value);
    return online(s);
}

int session_muc_join(struct session *s, const char *room, const char *nick, const char *password)
{
    (void)password;
    note(s, "muc_join", room, nick);
    return online(s);
}

int session_muc_part(struct session *s, const char *room, const char *status)
{
    note(s, "muc_part", room, status);
    return online(s);
}

int session_muc_nick(struct session *s, const char *room, const char *nick)
{
    note(s, "muc_nick", room, nick);
    return online(s);
}

int session_muc_topic(struct session *s, const char *room, const char *subject)
{
    note(s, "muc_topic", room, subject);
    return online(s);
}

int session_muc_invite(struct session *s, const char *room, const char *jid, const char *reason)
{
    (void)reason;
    note(s, "muc_invite", room, jid);
    return online(s);
}

int session_muc_make_private(struct session *s, const char *room)
{
    note(s, "muc_make_private", room, NULL);
    return online(s);
}

int session_muc_set_affiliation(struct session *s, const char *room, const char *jid,
                                const char *affiliation)
{
    (void)affiliation;
    note(s, "muc_affiliation", room, jid);
    return online(s);
}

const struct muc_room *session_muc_room(const struct session *s, const char *room)
{
    (void)s;
    (void)room;
    return NULL;
}

size_t session_muc_count(const struct session *s)
{
    (void)s;
    return 0;
}

const struct muc_room *session_muc_at(const struct session *s, size_t i)
{
    (void)s;
    (void)i;
    return NULL;
}

int session_bookmark_set(struct session *s, const char *room, const char *name, const char *nick,
                         const char *password, bool autojoin)
{
    (void)nick;
    (void)password;
    (void)autojoin;
    note(s, "bookmark_set", room, name);
    return online(s);
}

int session_bookmark_remove(struct session *s, const char *room)
{
    note(s, "bookmark_remove", room, NULL);
    return online(s);
}

const struct muc_bookmarks *session_bookmarks(const struct session *s)
{
    (void)s;
    static const struct muc_bookmarks none;
    return &none;
}

int session_block(struct session *s, const char *jid)
{
    note(s, "block", jid, NULL);
    return online(s);
}

int session_unblock(struct session *s, const char *jid)
{
    note(s, "unblock", jid, NULL);
    return online(s);
}

bool session_blocking_supported(const struct session *s)
{
    (void)s;
    return true;
}

bool session_is_blocked(const struct session *s, const char *jid)
{
    (void)s;
    (void)jid;
    return false;
}

const char *const *session_blocked(const struct session *s, size_t *n)
{
    (void)s;
    *n = 0;
    return NULL;
}

int session_query_version(struct session *s, const char *jid)
{
    note(s, "query_version", jid, NULL);
    return online(s);
}

int session_query_ping(struct session *s, const char *jid)
{
    note(s, "query_ping", jid, NULL);
    return online(s);
}

int session_query_disco(struct session *s, const char *jid)
{
    note(s, "query_disco", jid, NULL);
    return online(s);
}

int session_query_time(struct session *s, const char *jid)
{
    note(s, "query_time", jid, NULL);
    return online(s);
}

int session_mam_query(struct session *s, const struct session_mam_query *q, char *qid_out,
                      size_t qid_len)
{
    note(s, "mam_query", q->with ? q->with : q->archive, q->before_id);
    if (qid_out)
        snprintf(qid_out, qid_len, "q1");
    return online(s);
}

bool session_resumed(const struct session *s)
{
    (void)s;
    return false;
}

void session_muc_set_no_history(struct session *s, const char *room, bool none)
{
    note(s, "muc_set_no_history", room, none ? "none" : "some");
}

int session_upload_slot(struct session *s, unsigned long tag, const char *filename,
                        unsigned long long size, const char *content_type)
{
    note(s, "upload_slot", filename, content_type);
    return online(s);
}

int session_send_file_link(struct session *s, const char *to, const char *type, const char *url,
                           char *id_out, size_t id_len)
{
    note(s, "send_file_link", to, url);
    if (id_out && id_len)
        snprintf(id_out, id_len, "link-1");
    return online(s);
}

/* XEP-0384 (core/omemochat.c's calls): written down, answered by events
 * the test sends. */
int session_omemo_fetch_devices(struct session *s, const char *jid)
{
    note(s, "omemo_fetch_devices", jid, NULL);
    return online(s);
}

int session_omemo_fetch_bundle(struct session *s, const char *jid, uint32_t device)
{
    char dev[16];
    snprintf(dev, sizeof dev, "%u", device);
    note(s, "omemo_fetch_bundle", jid, dev);
    return online(s);
}

int session_omemo_publish_devices(struct session *s, const uint32_t *ids, size_t n)
{
    (void)ids, (void)n;
    note(s, "omemo_publish_devices", NULL, NULL);
    return online(s);
}

int session_omemo_publish_bundle(struct session *s, const struct omemo_bundle *b)
{
    (void)b;
    note(s, "omemo_publish_bundle", NULL, NULL);
    return online(s);
}

int session_send_omemo(struct session *s, const char *to, const struct omemo_element *e,
                       const char *fallback, const char *replace_id, char *id_out, size_t id_len)
{
    (void)e, (void)fallback, (void)replace_id;
    note(s, "send_omemo", to, NULL);
    if (id_out)
        snprintf(id_out, id_len, "omemo-id");
    return online(s);
}

int session_send_omemo_as(struct session *s, const char *to, const struct omemo_element *e,
                          const char *fallback, const char *id)
{
    (void)e, (void)fallback, (void)id;
    note(s, "send_omemo", to, NULL);
    return online(s);
}

void session_make_id(struct session *s, char *out, size_t len)
{
    (void)s;
    static unsigned n;
    snprintf(out, len, "stand-in-%u", ++n);
}

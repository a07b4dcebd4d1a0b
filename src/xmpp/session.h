/* SPDX-License-Identifier: GPL-3.0-or-later */
/* session.h - one XMPP account's session: stream negotiation, SASL,
 * binding, roster, presence and messages (RFC 6120, RFC 6121). It knows
 * the protocol and nothing about the screen: everything it learns is
 * reported as a session_event, and commands come in as calls. Several
 * sessions may live in one loop; there is no global state (see session.c). */
#ifndef TUKTUK_SESSION_H
#define TUKTUK_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <uv.h>

#include "net/conn.h"
#include "xmpp/muc.h"
#include "xmpp/roster.h"

enum session_state {
    SESSION_OFFLINE,        /* not connected and not trying */
    SESSION_CONNECTING,     /* resolving, TCP, TLS */
    SESSION_AUTHENTICATING, /* SASL, bind, roster */
    SESSION_ONLINE,         /* roster received and initial presence sent */
    SESSION_RECONNECT_WAIT, /* lost; retrying after a backoff delay */
    SESSION_CLOSING         /* graceful close in progress */
};

/* A SCRAM SaltedPassword kept in place of the password (RFC 5802 §3):
 * it logs in to this server while the salt and iteration count stay the
 * same, and cannot reveal the password itself. */
struct session_scram_key {
    const char *mechanism; /* "SCRAM-SHA-1" or "SCRAM-SHA-256" */
    const unsigned char *salt;
    size_t salt_len;
    unsigned iterations;
    const unsigned char *salted;
    size_t salted_len;
};

struct session_config {
    const char *jid;      /* bare or full; the resource part wins over .resource */
    const char *password; /* copied into guarded memory; may be NULL until set */
    const struct session_scram_key *scram_key; /* used when password is NULL */
    const char *server;                        /* NULL: SRV lookup */
    int port;                                  /* 0: default */
    enum conn_tls_mode tls;
    const char *ca_file;
    const char *pinned_sha256;   /* certificate the user trusted on purpose */
    const char *resource;        /* NULL: "tuktuk." + 4 random characters */
    int priority;                /* initial presence priority */
    bool reconnect;              /* retry with backoff after a lost connection */
    bool register_account;       /* XEP-0077: create the account, then log in */
    unsigned ping_idle_ms;       /* XEP-0199 ping after this much silence; 0 = 15000 */
    unsigned ping_timeout_ms;    /* no answer in this time = dead; 0 = 10000 */
    /* Sessions of one process that ping in step (session_group_new), or
     * NULL. */
    struct session_group *group;
    unsigned ack_timeout_ms;     /* XEP-0198 <r/> without <a/> this long = dead; 0 = 10000 */
    unsigned connect_timeout_ms; /* whole login; 0 = 30000 */
    unsigned close_timeout_ms;   /* wait for the server's </stream:stream>; 0 = 2000 */
    /* SCRAM channel binding: NULL or "auto" (negotiate.c chooses), one of
     * "tls-exporter", "tls-unique", "tls-server-end-point", or "none"
     * (never bind: weaker, docs/security.md). */
    const char *channel_binding;
};

struct session_message {
    const char *from; /* full JID as received (for outgoing: our full JID) */
    const char *to;
    const char *type; /* "chat", "normal", "headline", "groupchat", "error" */
    const char *id;
    const char *thread;
    const char *subject;
    const char *body;  /* exact text, may be NULL (e.g. chat state only) */
    const char *error; /* for type error: condition and text */
    time_t stamp;      /* XEP-0203 delay stamp, else the receive time */
    bool delayed;
    const char *muc_jid; /* groupchat: the writer's real JID as the room gave it, or NULL */
    int64_t stamp_ms;  /* the delay stamp in ms as the store orders it (im_order_ms), or 0 */
    /* XEP-0280: a copy of a message that another of our resources sent
     * (from is us, to is the peer), or received (from is the peer). */
    bool carbon_sent, carbon_received;
    const char *chat_state; /* XEP-0085: "composing", "paused"..., or NULL */
    const char *replace_id; /* XEP-0308: this corrects the message with that id */
    /* XEP-0359: the id the archive at stanza_id_by (our bare JID, or the
     * room's) gave this message, and the sender's own origin-id. NULL when
     * absent; a stanza-id is only reported when stanza_id_by is trusted
     * (our account, or the room the message came from). */
    const char *stanza_id, *stanza_id_by;
    const char *origin_id;
    /* Sent by our account (from any of our resources): a sent carbon, or
     * an archived message of ours (in a room's archive: from the nick we
     * have in the room now). */
    bool ours;
    /* XEP-0313: this came from the archive query archive_qid (old: no
     * bell, no title), not live. */
    bool archived;
    const char *archive_qid;
    /* XEP-0384: the message's <encrypted> element (body is then only the
     * fallback), or why it could not be read (omemo is then NULL). */
    const struct omemo_element *omemo;
    const char *omemo_error;
    /* XEP-0066: the URL of an out-of-band element (a file), or NULL. */
    const char *oob_url;
};

enum session_event_type {
    SESSION_EV_STATE,         /* .state changed; .text says why */
    SESSION_EV_BOUND,         /* resource bound; .jid is our full JID */
    SESSION_EV_ROSTER,        /* a full roster arrived; the model is replaced */
    SESSION_EV_ROSTER_PUSH,   /* .jid's item changed or was removed */
    SESSION_EV_PRESENCE,      /* .jid (full) is now .show/.status/.priority */
    SESSION_EV_SUBSCRIPTION,  /* .jid sent .sub_type: subscribe/subscribed/unsubscribe/unsubscribed
                               */
    SESSION_EV_MESSAGE,       /* .msg received */
    SESSION_EV_ERROR,         /* .text for the user; .condition when from XMPP */
    SESSION_EV_AUTH_FAILED,   /* SASL refused: .condition (not-authorized...) */
    SESSION_EV_AUTHENTICATED, /* SASL done: .text the mechanism; .scram_key set
                                 after SCRAM, for the vault (never display it) */
    SESSION_EV_CERT_REFUSED,  /* .cert: the certificate that was refused */
    SESSION_EV_INFO,          /* progress and notices: .text (.jid: about that room or chat) */
    SESSION_EV_XML,           /* .text/.len: one stanza in or out (.outgoing),
                                 secrets already redacted */
    SESSION_EV_REGISTERED,    /* --register succeeded (or .condition: why not) */
    SESSION_EV_PASSWORD_CHANGED, /* session_change_password: .condition "result"
                                    or the error condition; .text for the user */
    SESSION_EV_VCARD,            /* .jid's vCard: .vcard, or .condition on error;
                                    .sub_type "set" for session_vcard_set's outcome */
    SESSION_EV_RECEIPT,          /* XEP-0184: .jid has received our message .id */
    SESSION_EV_CHATSTATE,        /* XEP-0085: .jid (full) is now .sub_type */
    /* XEP-0045 group chat. .jid is the room, or room/nick for occupants. */
    SESSION_EV_MUC_JOINED,   /* we are in room .jid as .nick (.text "created" if new) */
    SESSION_EV_MUC_OCCUPANT, /* .jid (room/nick) .sub_type: "present" (there when we
                                joined), "join", "change" (.show/.status), "leave",
                                "kick"/"ban" (.text the reason), "nick" (.text the
                                new nick) */
    SESSION_EV_MUC_LEFT,     /* we are out of .jid: .sub_type "part", "kick", "ban",
                                "destroy", "removed", "error" (.condition, .text),
                                "lost" (joined again after a new login) or
                                "offline"; .text a reason when given */
    SESSION_EV_MUC_INFO,     /* what room .jid is, or its member list, is known anew
                                (struct muc_room: info_known, members) */
    SESSION_EV_MUC_SUBJECT,  /* .jid's subject is .text, set by .nick (NULL: the room);
                                .sub_type "current" (at the join) or "changed" */
    SESSION_EV_MUC_INVITE,   /* .inviter invites us to .jid: .text the reason,
                                .room_password if any */
    SESSION_EV_BOOKMARKS,    /* XEP-0402: .sub_type "list" (fetched; rooms marked
                                autojoin are being joined), "saved" or "removed"
                                (.jid the room, .condition when the server refused) */
    SESSION_EV_BLOCKING,     /* XEP-0191: .sub_type "list" (fetched; .condition set
                                when the server has no blocking), "blocked" or
                                "unblocked" (.jid; NULL: everyone unblocked), or
                                "refused" (.jid, .condition) */
    SESSION_EV_UPLOAD_SLOT,  /* XEP-0363: the answer to session_upload_slot: .slot,
                                or .condition and .text saying why not */
    SESSION_EV_MAM,          /* XEP-0313 query .id on archive .jid: .sub_type
                                "page" (one page delivered; .text its last id
                                going forward, its first going backward; more
                                exist), "complete" (.text as for page, or NULL
                                for an empty answer; nothing more), or "error"
                                (.condition; "gone" when the connection was
                                lost, "remote-server-timeout" when unanswered) */
    SESSION_EV_OMEMO,        /* XEP-0384 (xmpp/omemo.h): .sub_type "devices" (.jid's
                                device list: .omemo_devices; .condition when it could
                                not be read), "bundle" (.jid's device .omemo_device:
                                .omemo_bundle, or .condition), "published" (.text the
                                node; .condition when refused) */
    SESSION_EV_QUERY,        /* the answer to a session_query_*: .jid asked, .condition
                                "result", the error condition or
                                "remote-server-timeout", .query the values */
    SESSION_EV_OUTBOX        /* a message of ours, .id to .jid: .sub_type "queued" (.msg:
                                the app keeps it until "sent"; an encrypted one has no
                                .msg->body, and .text is its whole stanza, to keep in
                                its place), "restored" (.msg, and .text as for queued,
                                from session_queue_message or session_queue_stanza) or
                                "sent" (the server has it) */
};

/* The answer to a query about another entity (session_query_*). Lists
 * and strings are NULL or empty when the answer had none. */
enum session_query_kind {
    SESSION_QUERY_VERSION, /* XEP-0092: name, version, os */
    SESSION_QUERY_PING,    /* XEP-0199: only rtt_ms */
    SESSION_QUERY_DISCO,   /* XEP-0030 disco#info: identities, features */
    SESSION_QUERY_TIME     /* XEP-0202: tzo, utc */
};

struct session_query {
    enum session_query_kind kind;
    unsigned rtt_ms; /* from asking to the answer */
    const char *name, *version, *os;
    const char *const *identities; /* "category/type \"name\"" */
    size_t nidentities;
    const char *const *features;
    size_t nfeatures;
    const char *tzo, *utc;
};

/* An HTTP upload slot (XEP-0363): PUT the file to put_url with these
 * headers (the only ones the XEP allows: Authorization, Cookie, Expires;
 * secrets: never display them), then share get_url. */
struct session_upload_slot {
    const char *put_url, *get_url;
    const char *const *headers; /* "Name: value", NULL-ended */
    unsigned long long max_size; /* the service's limit, 0 if none said */
};

/* The vCard fields tuktuk shows and edits (XEP-0054); NULL when absent. */
struct session_vcard {
    const char *fn, *nickname, *email, *url, *bday, *tel, *org, *title, *note;
};

struct session_event {
    enum session_event_type type;
    enum session_state state;
    const char *text;
    size_t len;
    const char *condition;
    const char *jid;
    enum presence_show show;
    const char *status;
    int priority;
    const char *sub_type;
    const char *id;                    /* SESSION_EV_RECEIPT: the message's id */
    const struct session_query *query; /* SESSION_EV_QUERY */
    const struct session_message *msg;
    const struct conn_cert_info *cert;
    bool outgoing;
    /* SESSION_EV_PASSWORD_CHANGED on success: the new password, so that the
     * vault can be updated. Never display or log it. */
    const char *secret;
    const struct session_scram_key *scram_key;
    const struct session_vcard *vcard;
    const struct session_upload_slot *slot; /* SESSION_EV_UPLOAD_SLOT */
    const char *nick;          /* MUC: the occupant's nick; SESSION_EV_MUC_LEFT: ours,
                                  when refused ("error") or offline */
    const char *inviter;       /* SESSION_EV_MUC_INVITE */
    const char *room_password; /* SESSION_EV_MUC_INVITE */
    /* SESSION_EV_OMEMO */
    const uint32_t *omemo_devices;
    size_t omemo_ndevices;
    uint32_t omemo_device;
    const struct omemo_bundle *omemo_bundle;
};

/* Events come from inside the session's own calls and callbacks, one at
 * a time. Every pointer in an event (strings, .msg, .query, .vcard...)
 * lives only until the handler returns: copy what you keep. A handler may
 * call back into the session (send, set presence, connect, disconnect),
 * but must not free it (session_free) from inside a handler. */
typedef void (*session_handler)(void *ud, const struct session_event *ev);

struct session;

/* Strings in cfg are copied. Returns NULL with a reason in err (bad JID). */
/* Several accounts in one process (issue 15): their idle checks keep in
 * step. When one session pings its server after a silence, each other
 * session of the group that has been silent for half as long pings too,
 * in the same turn of the loop; from then on they are due together, and
 * N idle accounts wake the process once per check, not N times. A ping is
 * only ever moved earlier, so a dead link is found as soon as before. The
 * group must outlive its sessions. */
struct session_group;
struct session_group *session_group_new(void);
void session_group_free(struct session_group *g);

struct session *session_new(uv_loop_t *loop, const struct session_config *cfg,
                            session_handler handler, void *ud, char *err, size_t errlen);
/* Closes at once (no graceful close) and frees; no event follows. */
void session_free(struct session *s);

/* Start logging in (also after a failure). Returns -1 if already busy. */
int session_connect(struct session *s);
/* Graceful close (RFC 6120 §4.4): unavailable presence with status,
 * </stream:stream>, wait for the server's close with a timeout, then
 * SESSION_OFFLINE. No reconnect follows. */
void session_disconnect(struct session *s, const char *status);

void session_set_password(struct session *s, const char *password);
void session_set_pinned_cert(struct session *s, const char *sha256);

enum session_state session_state(const struct session *s);
const char *session_state_name(enum session_state st);
/* Our bare JID, and our full JID once bound (else NULL). */
const char *session_bare_jid(const struct session *s);
const char *session_full_jid(const struct session *s);
struct roster *session_roster(struct session *s);
/* Our own presence as last set. */
enum presence_show session_show(const struct session *s);
const char *session_status(const struct session *s);
/* The certificate most recently refused, or NULL. */
const struct conn_cert_info *session_refused_cert(const struct session *s);
/* Seconds until the next reconnect attempt, while RECONNECT_WAIT. */
unsigned session_reconnect_in(const struct session *s);
/* XEP-0198: our stanzas the server has not acknowledged yet (0 when
 * stream management is off), and whether a lost connection can resume. */
size_t session_unacked(const struct session *s);
bool session_resumable(const struct session *s);

/* Send a message. type NULL means "chat". id_out (may be NULL) receives
 * the stanza id. Returns 0 when sent; 1 when held because we are not
 * online: it goes once we are (after a resumption or a new login, in
 * order, after what the server had not confirmed; to a room, once we are
 * in it again); -1 when the text or address is not valid (then nothing
 * was sent and the caller must tell the user). Either way but -1, a
 * SESSION_EV_OUTBOX "queued" comes first, and "sent" once the server has
 * it. */
int session_send_message(struct session *s, const char *to, const char *type, const char *body,
                         const char *thread, char *id_out, size_t id_len);
/* A message from the outbox file of an earlier run, under its id: as
 * session_send_message, with SESSION_EV_OUTBOX "restored" in place of
 * "queued". */
int session_queue_message(struct session *s, const char *to, const char *type, const char *body,
                          const char *id);
/* An encrypted message from the outbox of an earlier run, as it was built
 * then (the whole stanza: it is sent unchanged, under the same id, and its
 * text is never needed): SESSION_EV_OUTBOX "restored" (.msg without a
 * body, .text the stanza), then as session_send_message. -1 when xml is
 * not a message with a body to to under id. */
int session_queue_stanza(struct session *s, const char *to, const char *id, const char *xml);
/* A new stanza id, for a message the application keeps before the
 * session sends it (core/omemowait.c). */
void session_make_id(struct session *s, char *out, size_t len);
/* Messages that wait for the account to be online again (typed while
 * offline, or not confirmed by the server when the link was lost). */
size_t session_pending_messages(const struct session *s);
/* XEP-0308: send body as a correction of our message replace_id to to.
 * Same returns as session_send_message. */
int session_send_correction(struct session *s, const char *to, const char *body,
                            const char *replace_id, char *id_out, size_t id_len);
/* Tell to that we are "composing", "paused", "active", "inactive" or
 * "gone" (XEP-0085). Only to peers who sent us chat states before
 * (§5.1); returns -1 otherwise, and when offline. */
int session_send_chatstate(struct session *s, const char *to, const char *state);
/* Change own presence; sent now if online, and restored after reconnect. */
int session_set_presence(struct session *s, enum presence_show show, const char *status,
                         int priority);
/* Roster management (RFC 6121 §2.3-2.5). group may be NULL. */
int session_roster_set(struct session *s, const char *jid, const char *name, const char *group);
int session_roster_remove(struct session *s, const char *jid);
/* Subscriptions (RFC 6121 §3): "subscribe", "subscribed", "unsubscribe",
 * "unsubscribed". */
int session_send_subscription(struct session *s, const char *jid, const char *type);
/* Send raw XML after checking that it is one well-formed element.
 * Returns 0 or -1 with a reason in err. */
int session_send_raw(struct session *s, const char *xml, char *err, size_t errlen);
/* Change the account's password on the server (XEP-0077 §3.3). The
 * answer comes as SESSION_EV_PASSWORD_CHANGED; on success the session
 * uses the new password from then on. Returns 0 or -1 when offline. */
int session_change_password(struct session *s, const char *new_password);

/* XEP-0054: ask for jid's vCard (NULL: our own). The answer comes as
 * SESSION_EV_VCARD. Returns 0 or -1 when offline. */
int session_vcard_request(struct session *s, const char *jid);
/* Set one field of our own vCard ("FN", "NICKNAME", "EMAIL", "URL",
 * "BDAY", "TEL", "ORG", "TITLE", "NOTE"; value NULL or "" removes it):
 * the current vCard is fetched, changed and published. The outcome comes
 * as SESSION_EV_VCARD with .condition "result" or the error. Returns 0, or
 * -1 when offline or the field is unknown. */
int session_vcard_set(struct session *s, const char *field, const char *value);

/* Group chat (XEP-0045). room is room@service. Join (nick required; the
 * password may be NULL): the outcome comes as SESSION_EV_MUC_JOINED or
 * SESSION_EV_MUC_LEFT "error". Messages to a room are session_send_message
 * with type "groupchat"; the room sends them back to us too. All return 0,
 * or -1 when offline, not in the room, or given an invalid JID or nick. */
int session_muc_join(struct session *s, const char *room, const char *nick, const char *password);
int session_muc_part(struct session *s, const char *room, const char *status);
int session_muc_nick(struct session *s, const char *room, const char *nick);
int session_muc_topic(struct session *s, const char *room, const char *subject);
int session_muc_invite(struct session *s, const char *room, const char *jid, const char *reason);
/* As the room's owner (xmpp/mucinfo.c): make it members-only and show
 * real JIDs to all (what OMEMO needs), or set JID's affiliation (owner,
 * admin, member, outcast, none). The outcome comes as SESSION_EV_INFO or
 * SESSION_EV_ERROR. -1 when offline, not in the room, or invalid. */
int session_muc_make_private(struct session *s, const char *room);
int session_muc_set_affiliation(struct session *s, const char *room, const char *jid,
                                const char *affiliation);
/* The rooms we are in or joining, and their occupants. */
const struct muc_room *session_muc_room(const struct session *s, const char *room);
size_t session_muc_count(const struct session *s);
const struct muc_room *session_muc_at(const struct session *s, size_t i);

/* Room bookmarks (XEP-0402), kept by the server for all our clients.
 * Saving replaces the room's bookmark. The outcome comes as
 * SESSION_EV_BOOKMARKS; both return 0, or -1 when offline or the room is
 * not a JID. */
int session_bookmark_set(struct session *s, const char *room, const char *name, const char *nick,
                         const char *password, bool autojoin);
int session_bookmark_remove(struct session *s, const char *room);
const struct muc_bookmarks *session_bookmarks(const struct session *s);

/* Blocking (XEP-0191). block and unblock (jid NULL: everyone) return 0
 * when the request went out, -1 when offline, the JID is bad or the
 * server has no blocking; the list changes, and SESSION_EV_BLOCKING
 * comes, when the server confirms it. The list holds bare JIDs and lives
 * until the next change. */
int session_block(struct session *s, const char *jid);
int session_unblock(struct session *s, const char *jid);
bool session_blocking_supported(const struct session *s);
bool session_is_blocked(const struct session *s, const char *jid);
const char *const *session_blocked(const struct session *s, size_t *n);

/* HTTP File Upload (XEP-0363): find our server's upload service (disco),
 * check size against its max-file-size, and ask for a slot. The answer
 * comes as SESSION_EV_UPLOAD_SLOT with .id the caller's tag in decimal.
 * Returns 0, or -1 when offline or the name is not valid text. */
int session_upload_slot(struct session *s, unsigned long tag, const char *filename,
                        unsigned long long size, const char *content_type);
/* Send url as the body of a message, with its XEP-0066 out-of-band
 * element. Same returns as session_send_message. */
int session_send_file_link(struct session *s, const char *to, const char *type, const char *url,
                           char *id_out, size_t id_len);

/* Questions to another entity; the answer comes as SESSION_EV_QUERY.
 * version and time need a JID (a contact's bare JID means its best
 * resource); ping and disco without one ask our server. Return 0, or -1
 * when offline. */
int session_query_version(struct session *s, const char *jid);
int session_query_ping(struct session *s, const char *jid);
int session_query_disco(struct session *s, const char *jid);
int session_query_time(struct session *s, const char *jid);

/* XEP-0313 message archive management (urn:xmpp:mam:2, paged with
 * XEP-0059). A forward query (before_id NULL) starts after after_id (or
 * at start, or at the beginning) and pages on by itself until the archive
 * says complete, with a SESSION_EV_MAM "page" after each page. A backward
 * query (before_id set; "" means the newest page) asks one page and ends.
 * Results arrive as SESSION_EV_MESSAGE with .archived set, in the
 * archive's order, before the SESSION_EV_MAM of their page. Results are
 * only accepted from the archive queried, for a query id we sent. */
struct session_mam_query {
    const char *archive;   /* NULL: our account's archive; else a room's bare JID */
    const char *with;      /* NULL, or only the conversation with this bare JID */
    const char *after_id;  /* forward: after this archive id */
    time_t start;          /* 0, or nothing older than this */
    const char *before_id; /* backward: the page before this id ("" = newest) */
    unsigned max;          /* messages per page; 0 means 100 */
};
/* Returns 0 with the query id in qid_out (may be NULL), or -1 when
 * offline or the query is invalid. */
int session_mam_query(struct session *s, const struct session_mam_query *q, char *qid_out,
                      size_t qid_len);
/* Whether the current stream was resumed (XEP-0198) rather than logged
 * in anew: a resumed stream lost nothing, so it needs no catch-up. */
bool session_resumed(const struct session *s);
/* Rooms whose messages we catch up from their archive: joins and rejoins
 * of room ask for no <history/> while this is set (XEP-0313 §6.1.3). */
void session_muc_set_no_history(struct session *s, const char *room, bool none);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* session_priv.h - the session's inner state, shared by the files that
 * make up the session module and no one else: the core (session.c, the
 * stream and its life; negotiate.c, register.c; request.c and routes.c,
 * where requests and answers go; sm.c) and the features, each one file
 * (im.c, disco.c, queries.c, vcard.c, mucproto.c, bookmarks.c,
 * blocking.c, mam.c). A feature needs no field here unless it keeps state. */
#ifndef TUKTUK_SESSION_PRIV_H
#define TUKTUK_SESSION_PRIV_H

#include <mxml.h>
#include <time.h>

#include "xml/framer.h"
#include "xmpp/jid.h"
#include "xmpp/ns.h"
#include "xmpp/request.h"
#include "xmpp/scram.h"
#include "xmpp/session.h"
#include "xmpp/sm.h"


/* The account's channel_binding setting. */
enum session_cb { SESSION_CB_AUTO, SESSION_CB_EXPORTER, SESSION_CB_UNIQUE, SESSION_CB_END_POINT,
                  SESSION_CB_NONE };

/* Where the negotiation stands (RFC 6120 §4.3, §5, §6, §7). */
enum session_phase {
    PHASE_IDLE,
    PHASE_STREAM_START, /* header sent, waiting for the server's and its features */
    PHASE_STARTTLS,     /* <starttls/> sent, waiting for <proceed/> */
    PHASE_TLS_HANDSHAKE,
    PHASE_REGISTER, /* XEP-0077 form requested or submitted, before SASL */
    PHASE_SASL,     /* <auth/> sent */
    PHASE_RESUME,   /* <resume/> sent (XEP-0198), instead of binding */
    PHASE_BIND,
    PHASE_SESSION,
    PHASE_ROSTER,
    PHASE_READY
};

struct session {
    uv_loop_t *loop;
    session_handler handler;
    void *ud;

    struct jid jid;
    char *bare;
    char *full; /* once bound */
    char *resource_wanted;
    char *password; /* sodium_malloc'd, NUL-terminated */
    /* sodium_malloc'd copy of the config's scram_key, or NULL */
    struct session_scram_key *scram_key;

    char *server;
    int port;
    enum conn_tls_mode tls_mode;
    char *ca_file;
    char *pinned;
    char *redirect_server; /* see-other-host, RFC 6120 §4.9.3.19 */
    int redirect_port;
    int redirects;
    bool reconnect_now; /* see-other-host, or another channel binding: at once */
    unsigned ping_idle_ms, ping_timeout_ms, ack_timeout_ms, connect_timeout_ms, close_timeout_ms;
    bool reconnect;

    struct conn *conn;
    struct framer *framer;
    enum session_state state;
    enum session_phase phase;
    bool authenticated;
    bool session_required;
    bool bind_retried;
    bool register_first; /* --register: create the account before SASL */
    bool register_submitted;
    char *saved_features; /* post-TLS features, for SASL after registering */
    char *new_password;   /* sodium_malloc'd, while a change is pending */
    bool stop_reading; /* the current chunk must not be processed further */
    bool user_closing; /* the user asked to go offline */
    bool fatal;        /* a failure that retrying will not fix */
    struct scram *scram;
    /* Channel binding (negotiate.c). What the server refused is kept for
     * the session's life, so that a reconnect goes straight to a type
     * that works: a bit per type, whether TLS 1.3 was given up for
     * tls-unique, and the server's words for the final message. */
    enum session_cb cb_config;
    int cb_current; /* type of the <auth/> in flight, -1: not bound */
    unsigned cb_refused;
    bool cb_listed;    /* the server sent a XEP-0440 list... */
    unsigned cb_types; /* ...of these types (a bit per type) */
    bool cb_max_tls12, cb_no_tls12;
    bool cb_capped;       /* this connection was opened with max_tls12 */
    bool cb_tls12_worked; /* a connection capped at TLS 1.2 reached SASL */
    bool cb_said_binding; /* a refusal named the binding, not the password */
    char cb_tried[240];

    struct sm_state sm;             /* XEP-0198 */
    struct muc_rooms mucs;          /* XEP-0045 */
    struct muc_bookmarks bookmarks;         /* XEP-0402 and XEP-0048, as last fetched */
    struct muc_bookmarks bookmarks_part[3]; /* a fetch's answers so far */
    unsigned bookmarks_gen;                 /* of the latest fetch... */
    int bookmarks_waiting;                  /* ...and its answers still to come */
    unsigned bookmark_change_gen;           /* of the latest publish or retract */
    char *bookmark_room;                    /* ...and the room it is about */
    bool bookmark_removing;
    struct muc_bookmark bookmark_new; /* being published (jid NULL: not), for each step */
    int bookmark_step;          /* enum publish_step in bookmarks.c */
    bool bookmark_configured;
    bool bookmark_options_refused; /* the server knows not all publish-options */

    struct roster *roster;
    char *caps_ver;            /* our XEP-0115 verification string */
    char *chatstate_peers[32]; /* bare JIDs seen sending chat states (XEP-0085 §5.1) */
    size_t chatstate_next;
    struct caps_cache *caps; /* other clients', by verification string */
    int caps_asking; /* disco#info queries in flight for the cache (disco.c) */
    enum presence_show show;
    char *status;
    int priority;

    struct request_table requests; /* our IQs in flight (request.c) */
    struct mam_query *mam;         /* XEP-0313 queries in flight (mam.c) */
    char **no_history;             /* rooms joined without <history/> (mucproto.c) */
    size_t nno_history;
    struct {
        char **jids; /* bare, as the server last told (XEP-0191) */
        size_t n;
        bool supported;
    } blocked;
    uv_timer_t phase_timer; /* login and close deadlines */
    uv_timer_t ping_timer;
    uv_timer_t ack_timer; /* our <r/> waits for its <a/> (sm.c) */
    uv_timer_t reconnect_timer;
    int open_handles;
    bool freeing;
    unsigned backoff_step;
    uint64_t reconnect_at;
    bool ping_outstanding;
    struct session_group *group; /* may be NULL */

    char pending_id[32]; /* the negotiation iq we wait for (bind, session, roster) */
    bool roster_fresh;   /* the roster being received has replaced the old one */
    /* Roster versioning, RFC 6121 §2.6 (im.c). */
    bool roster_ver_offered; /* the server's features offer it */
    bool roster_ver_sent;    /* our roster get named a version we hold */
    char id_prefix[12];
    unsigned id_counter;
    bool have_refused_cert;
    struct conn_cert_info refused_cert;
};

/* session.c */
/* Logged in, with a connection: stanzas can be sent. */
bool session_online(const struct session *s);
/* The stream is encrypted: asked of the connection, never mirrored. */
bool session_tls_on(const struct session *s);
void session_emit(struct session *s, const struct session_event *ev);
void session_emit_text(struct session *s, enum session_event_type type, const char *text);
void session_set_state(struct session *s, enum session_state st, const char *why);
/* Serialise and send, and show it (without secrets, see redact.c);
 * secret: the serialised copy is wiped. Returns 0 or -1. */
int session_send_node(struct session *s, mxml_node_t *node, bool secret);
int session_send_text(struct session *s, const char *xml, size_t len);
/* The same, and shown on the XML console and log. */
int session_send_shown(struct session *s, const char *xml, size_t len);
/* Shows one element in or out on the XML console and log. */
void session_emit_xml(struct session *s, const char *text, size_t len, bool outgoing);
/* A stream-management resumption cannot happen: the unacknowledged
 * messages wait for the new session, our contacts' presences are
 * forgotten (the new session brings them again). */
void session_resume_failed(struct session *s, const char *why);
void session_next_id(struct session *s, char *out, size_t len);
void session_send_stream_header(struct session *s);
/* Send a stream error and close (RFC 6120 §4.9). */
/* One stanza from the framer (text[len] == 0): parsed and dispatched by
 * phase. */
void session_handle_stanza(struct session *s, const char *text, size_t len);
void session_stream_error(struct session *s, const char *condition, const char *text);
/* The connection is unusable: tear down and maybe schedule a reconnect. */
void session_lost(struct session *s, const char *why);
void session_ready(struct session *s);

/* negotiate.c */
void negotiate_stanza(struct session *s, mxml_node_t *el);
void negotiate_start_sasl(struct session *s, mxml_node_t *features);
void negotiate_fail(struct session *s, const char *why);
/* Bind a resource (after a resumption that did not happen). */
void negotiate_bind(struct session *s);
/* Stop: only the user can supply the password (SESSION_EV_AUTH_FAILED,
 * condition "password-required"). */
void negotiate_need_password(struct session *s, const char *why);
/* The account's channel_binding value; -1 if it names no setting. */
int negotiate_cb_setting(const char *value);
/* XEP-0440: the binding types a server lists in its features, a bit per
 * type (tls-exporter, tls-unique, tls-server-end-point); *listed: the
 * list was there at all. */
unsigned negotiate_cb_listed(mxml_node_t *features, bool *listed);
/* The binding type to try (the bit's index), or -1: from the list, the
 * TLS version, the types this connection can give (available), the
 * setting (enum session_cb) and the types refused already. */
int negotiate_cb_choose(bool listed, unsigned types, bool tls13, unsigned available,
                        int config, unsigned refused);

/* register.c */
void register_start(struct session *s, mxml_node_t *features);
void register_stanza(struct session *s, mxml_node_t *el);
void negotiate_tls_ready(struct session *s);

/* disco.c */
void disco_answer_info(struct session *s, mxml_node_t *iq, mxml_node_t *query);
void disco_answer_version(struct session *s, mxml_node_t *iq, mxml_node_t *query);
void disco_answer_time(struct session *s, mxml_node_t *iq, mxml_node_t *time_el);
/* Adds our <c/> (XEP-0115) to an outgoing presence. */
void disco_add_caps(struct session *s, mxml_node_t *presence);
/* The client behind a presence's <c/>: its name when known, else
 * "node#ver" while one query for it is sent. Caller frees; NULL if none. */
char *disco_client_of(struct session *s, mxml_node_t *presence, const char *from);


/* im.c */
/* The defined condition of a stanza's <error/> (RFC 6120 §8.3.3), or
 * "undefined-condition". */
const char *im_error_condition(mxml_node_t *stanza);
/* The human text of a stanza error (RFC 6120 §8.3.2), or NULL. Caller frees. */
char *im_error_text(mxml_node_t *stanza);
/* A reply to iq (RFC 6120 §8.2.3): same id, back to its sender. */
mxml_node_t *im_reply_new(mxml_node_t *iq, const char *type);
/* Answers iq with an empty result, or an error of this condition. */
void im_answer_iq(struct session *s, mxml_node_t *iq, const char *type, const char *condition);
/* Requests routed to im.c (routes.c): a roster push, a ping. */
void im_roster_push(struct session *s, mxml_node_t *iq, mxml_node_t *query);
void im_answer_ping(struct session *s, mxml_node_t *iq, mxml_node_t *ping);
/* XEP-0280: ask the server for copies of our other resources' chats. */
void im_enable_carbons(struct session *s);
void im_stanza(struct session *s, mxml_node_t *el);
/* The stream features after SASL: is roster versioning offered? */
void im_roster_features(struct session *s, mxml_node_t *features);
void im_request_roster(struct session *s);
/* The roster result the quick way (rosterscan.c): true if text was it and
 * its items are applied; im_roster_scanned then finishes the login. */
bool im_scan_roster(struct session *s, const char *text, size_t len);
void im_roster_scanned(struct session *s);
/* stanza_take_fn for a roster result in any other shape: applies one
 * <item/> as it arrives. */
bool im_take_roster_item(mxml_node_t *item, void *session);
void im_send_presence(struct session *s);
/* Our <show/> and <status/>, as set, into a presence. */
void im_add_show(struct session *s, mxml_node_t *presence);

/* routes.c: a get or set that came to us goes to its handler (or is
 * refused); the steps after a new login run in order. */
void routes_request(struct session *s, mxml_node_t *iq, bool get);
void routes_after_login(struct session *s);

/* blocking.c (XEP-0191): the list after login, the server's pushes, and
 * the list freed. */
void blocking_fetch(struct session *s);
void blocking_push(struct session *s, mxml_node_t *iq, mxml_node_t *child);
void blocking_clear(struct session *s);

/* An archived message as mam.c found it: which query, its archive id,
 * the archive's JID and the <delay/> stamp of the <forwarded/>. */
struct im_archived {
    const char *qid, *id, *by, *stamp;
    int64_t asked_ms; /* when the query was sent (im_now_ms) */
    bool backward;    /* its pages go back in time */
};
/* Deliver an archived message (the <message/> inside <forwarded/>) as
 * SESSION_EV_MESSAGE: no receipts, chat states or carbons for it. */
void im_deliver_archived(struct session *s, mxml_node_t *m, const struct im_archived *a);
/* XEP-0082 date-time to time_t, 0 if unreadable. */
time_t im_parse_stamp(const char *text);
int64_t im_parse_stamp_ms(const char *text, bool *whole);
/* The same as the store's order time (im.c says how a whole second is
 * placed); before: when the copy was asked for or received. */
int64_t im_order_ms(const char *text, int64_t before, bool backward);
int64_t im_now_ms(void); /* the wall clock in ms, as keep.c times live messages */

/* mam.c (XEP-0313): true if m is an archive result (then it was taken
 * or dropped here). */
bool mam_message(struct session *s, mxml_node_t *m);
/* omemo.c: a PEP notification of an OMEMO device list (taken: true), and
 * a message's <encrypted> (1 read, 0 none, -1 malformed: err). */
bool omemo_pep_event(struct session *s, mxml_node_t *m);
/* im.c: sends message m (frees it) with id as its XEP-0359 origin-id and,
 * for a chat message, a receipt request and active state. rc: an earlier
 * failure building m (then nothing is sent). outbox: the message as the
 * app's outbox keeps it (restored: from an earlier run; body NULL: kept
 * as the built stanza, for an encrypted one), or NULL for one the outbox
 * does not keep. 0 sent, 1 held until online, -1. */
int im_send_message_node(struct session *s, mxml_node_t *m, const char *id, bool chat, int rc,
                         const struct session_message *outbox, bool restored, char *id_out,
                         size_t id_len);
struct omemo_element;
int omemo_read_message(mxml_node_t *m, struct omemo_element *e, char *err, size_t errlen);

/* mucproto.c */
/* A room's presence or message; false if it is not from a room of ours
 * (or is a groupchat body, which im.c delivers). */
bool muc_presence(struct session *s, mxml_node_t *p);
bool muc_message(struct session *s, mxml_node_t *m, time_t stamp);
/* mucinfo.c: asks what kind of room this is and who its members are. */
void mucinfo_ask(struct session *s, struct muc_room *room);
/* bookmarks.c: fetch (and autojoin) after a new login. */
void bookmarks_fetch(struct session *s);
/* Our presence changed: tell the rooms. */
void muc_send_presence(struct session *s);
/* A new login: join every room again. */
void muc_rejoin(struct session *s);
/* The connection is gone: for good (rooms forgotten) or until we can
 * join again. */
void muc_connection_lost(struct session *s, bool for_good);
/* The list of session_muc_set_no_history freed. */
void muc_no_history_clear(struct session *s);

#endif

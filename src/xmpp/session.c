/* SPDX-License-Identifier: GPL-3.0-or-later */
/* session.c - the life of one XMPP session: connecting, reading the stream
 * through the framer, timers for login, dead-connection detection
 * (XEP-0199) and reconnection with capped exponential backoff, and the
 * graceful close of RFC 6120 §4.4. Stream negotiation lives in negotiate.c
 * and instant messaging in im.c; all three share session_priv.h.
 *
 * The session reports everything as events and never blocks: the
 * connection delivers bytes as fast as the socket gives them, and each
 * complete stanza is handled at once. */

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xml/stanza.h"
#include "xmpp/caps.h"
#include "xmpp/redact.h"
#include "xmpp/session_priv.h"

#define BACKOFF_BASE_MS 1000
#define BACKOFF_MAX_MS 60000
#define MAX_REDIRECTS 5

static void release_state(struct session *s);

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

void session_emit(struct session *s, const struct session_event *ev)
{
    if (s->handler && !s->freeing)
        s->handler(s->ud, ev);
}

void session_emit_text(struct session *s, enum session_event_type type, const char *text)
{
    struct session_event ev = {.type = type, .text = text, .state = s->state};
    session_emit(s, &ev);
}

const char *session_state_name(enum session_state st)
{
    switch (st) {
    case SESSION_OFFLINE:
        return "offline";
    case SESSION_CONNECTING:
        return "connecting";
    case SESSION_AUTHENTICATING:
        return "authenticating";
    case SESSION_ONLINE:
        return "online";
    case SESSION_RECONNECT_WAIT:
        return "reconnecting";
    case SESSION_CLOSING:
        return "closing";
    }
    return "?";
}

void session_set_state(struct session *s, enum session_state st, const char *why)
{
    if (s->state == st)
        return;
    s->state = st;
    struct session_event ev = {.type = SESSION_EV_STATE, .state = st, .text = why};
    session_emit(s, &ev);
}

void session_next_id(struct session *s, char *out, size_t len)
{
    snprintf(out, len, "%s%u", s->id_prefix, ++s->id_counter);
}

int session_send_text(struct session *s, const char *xml, size_t len)
{
    if (!s->conn)
        return -1;
    int rc = conn_write(s->conn, xml, len);
    /* Counted even if the write failed: unacknowledged, it goes again. */
    sm_sending(s, xml, len);
    return rc;
}

/* Every element shown on the console or written to the log passes here,
 * in and out, and loses its secrets on the way (redact.c). */
void session_emit_xml(struct session *s, const char *text, size_t len, bool outgoing)
{
    size_t rlen = 0;
    char *clean = redact_xml(text, len, &rlen);
    struct session_event ev = {.type = SESSION_EV_XML,
                               .text = clean ? clean : text,
                               .len = clean ? rlen : len,
                               .outgoing = outgoing};
    session_emit(s, &ev);
    free(clean);
}

int session_send_node(struct session *s, mxml_node_t *node, bool secret)
{
    size_t len = 0;
    char *xml = stanza_serialize(node, &len);
    if (!xml)
        return -1;
    int rc = session_send_text(s, xml, len);
    session_emit_xml(s, xml, len, true);
    if (secret)
        sodium_memzero(xml, len);
    free(xml);
    return rc;
}

int session_send_shown(struct session *s, const char *xml, size_t len)
{
    int rc = session_send_text(s, xml, len);
    session_emit_xml(s, xml, len, true);
    return rc;
}

bool session_online(const struct session *s)
{
    return s->state == SESSION_ONLINE && s->conn;
}

bool session_tls_on(const struct session *s)
{
    return s->conn && conn_tls_active(s->conn);
}

void session_send_stream_header(struct session *s)
{
    bool tls = session_tls_on(s);
    char header[600];
    /* RFC 6120 §4.7.1: 'from' is only sent once the stream is encrypted. */
    int n = snprintf(header, sizeof header,
                     "<?xml version='1.0'?><stream:stream to='%s'%s%s%s version='1.0' "
                     "xml:lang='en' xmlns='jabber:client' "
                     "xmlns:stream='http://etherx.jabber.org/streams'>",
                     s->jid.domain, tls ? " from='" : "", tls ? s->bare : "", tls ? "'" : "");
    if (n < 0 || (size_t)n >= sizeof header)
        return;
    framer_reset(s->framer);
    s->phase = PHASE_STREAM_START;
    session_send_shown(s, header, (size_t)n);
}

static void stop_timer(uv_timer_t *t)
{
    uv_timer_stop(t);
}

static void drop_connection(struct session *s)
{
    if (s->conn) {
        conn_free(s->conn);
        s->conn = NULL;
    }
    if (s->scram) {
        scram_free(s->scram);
        s->scram = NULL;
    }
    stop_timer(&s->phase_timer);
    stop_timer(&s->ping_timer);
    stop_timer(&s->ack_timer);
    s->phase = PHASE_IDLE;
    s->authenticated = false;
    s->cb_current = -1; /* its <auth/> went with it */
    s->cb_capped = false;
    s->ping_outstanding = false;
    s->stop_reading = true;
    s->sm.requested = false;
    s->sm.resuming = false;
}

/* Our contacts' presences came with this session; they go with it. */
static void forget_presence(struct session *s)
{
    bool had_presence = false;
    for (size_t i = 0; i < roster_count(s->roster) && !had_presence; i++)
        had_presence = roster_at(s->roster, i)->nres > 0;
    roster_all_offline(s->roster);
    if (had_presence) {
        struct session_event ev = {.type = SESSION_EV_ROSTER};
        session_emit(s, &ev);
    }
}

/* A new session will take this one's place: the unconfirmed messages
 * wait for it; presences and rooms come again with it. */
static void start_over(struct session *s)
{
    request_all_gone(s);
    sm_keep_messages(&s->sm);
    forget_presence(s);
    muc_connection_lost(s, false);
}

void session_resume_failed(struct session *s, const char *why)
{
    char info[300];
    snprintf(info, sizeof info, "could not resume the session (%s): logging in again", why);
    session_emit_text(s, SESSION_EV_INFO, info);
    start_over(s);
}

/* The session ended for good: what the server has not confirmed waits
 * for the next login (the outbox), and the user is told. */
static void session_over(struct session *s)
{
    size_t unsent = sm_unsent_messages(&s->sm);
    if (unsent > 0) {
        char why[200];
        snprintf(why, sizeof why,
                 "%zu message%s not confirmed by the server: sent when you are online again",
                 unsent, unsent == 1 ? "" : "s");
        session_emit_text(s, SESSION_EV_ERROR, why);
    }
    sm_keep_messages(&s->sm);
    request_all_gone(s);
    forget_presence(s);
    muc_connection_lost(s, true);
}

/* The connection is gone and another will be tried: resume if we can,
 * else keep the unacknowledged messages for the new session. */
static void session_interrupted(struct session *s)
{
    if (!sm_resumable(s))
        start_over(s);
}

static unsigned backoff_delay_ms(struct session *s)
{
    unsigned delay = BACKOFF_BASE_MS;
    for (unsigned i = 0; i < s->backoff_step && delay < BACKOFF_MAX_MS; i++)
        delay *= 2;
    if (delay > BACKOFF_MAX_MS)
        delay = BACKOFF_MAX_MS;
    /* Jitter of up to a quarter keeps many clients from returning at once
     * after a server restart. */
    delay -= randombytes_uniform(delay / 4 + 1);
    if (s->backoff_step < 16)
        s->backoff_step++;
    return delay;
}

static void connect_now(struct session *s);

static void on_reconnect_timer(uv_timer_t *t)
{
    struct session *s = t->data;
    connect_now(s);
}

/* A connection capped at TLS 1.2 for tls-unique (negotiate.c) ends before
 * SASL: whether the handshake failed, nothing came in time or the server
 * hung up, TLS 1.2 did not work out. No second try at it (retrying would
 * go on as long as the server does this), and back to TLS 1.3 at once,
 * where the login ends with the binding's reason (cb_give_up). Once a
 * connection on TLS 1.2 got as far as SASL, a loss is the network's, and
 * the types TLS 1.2 has are still to be tried; a redirect (see-other-host)
 * says nothing about TLS 1.2 either. */
static void cb_tls12_lost(struct session *s)
{
    if (!s->cb_capped || s->cb_tls12_worked || s->reconnect_now)
        return;
    s->cb_max_tls12 = false;
    s->cb_no_tls12 = true;
    s->reconnect_now = !s->fatal && !s->user_closing;
}

void session_lost(struct session *s, const char *why)
{
    cb_tls12_lost(s);
    drop_connection(s);
    bool retrying = (s->reconnect_now || s->reconnect) && !s->user_closing && !s->fatal;
    if (retrying)
        session_interrupted(s);
    else
        session_over(s);
    if (s->reconnect_now && !s->user_closing && !s->fatal) {
        /* RFC 6120 §4.9.3.19: being sent elsewhere is part of logging in,
         * and so is another try at channel binding (negotiate.c). */
        s->reconnect_now = false;
        session_set_state(s, SESSION_RECONNECT_WAIT, why);
        s->reconnect_at = uv_now(s->loop);
        uv_timer_start(&s->reconnect_timer, on_reconnect_timer, 0, 0);
        return;
    }
    if (s->user_closing || s->fatal || !s->reconnect) {
        session_set_state(s, SESSION_OFFLINE, why);
        return;
    }
    unsigned delay = backoff_delay_ms(s);
    s->reconnect_at = uv_now(s->loop) + delay;
    session_set_state(s, SESSION_RECONNECT_WAIT, why);
    uv_timer_start(&s->reconnect_timer, on_reconnect_timer, delay, 0);
}

void session_stream_error(struct session *s, const char *condition, const char *text)
{
    char xml[512];
    int n = snprintf(xml, sizeof xml,
                     "<stream:error><%s xmlns='" NS_STREAMS "'/></stream:error></stream:stream>",
                     condition);
    if (n > 0 && (size_t)n < sizeof xml) {
        session_send_shown(s, xml, (size_t)n);
    }
    char why[400];
    snprintf(why, sizeof why, "stream error sent (%s): %s", condition, text ? text : "");
    struct session_event ev = {.type = SESSION_EV_ERROR, .text = why, .condition = condition};
    session_emit(s, &ev);
    if (s->conn)
        conn_shutdown(s->conn);
    session_lost(s, why);
}

/* --- reading the stream --- */

static void handle_stream_error(struct session *s, mxml_node_t *el)
{
    const char *cond = "undefined-condition";
    char *text = NULL;
    for (mxml_node_t *c = stanza_first_element(el); c; c = stanza_next_element(c)) {
        if (strcmp(stanza_ns(c), NS_STREAMS) != 0)
            continue;
        if (strcmp(stanza_local(c), "text") == 0) {
            free(text);
            text = stanza_text(c);
        } else {
            cond = stanza_local(c);
        }
    }
    char why[600];
    snprintf(why, sizeof why, "server closed the stream: %s%s%s", cond, text ? ": " : "",
             text ? text : "");
    struct session_event ev = {.type = SESSION_EV_ERROR, .text = why, .condition = cond};
    session_emit(s, &ev);
    if (strcmp(cond, "see-other-host") == 0) {
        char *host = stanza_text(stanza_child(el, NS_STREAMS, "see-other-host"));
        if (host && *host && s->redirects < MAX_REDIRECTS) {
            s->redirects++;
            free(s->redirect_server);
            s->redirect_server = host;
            s->redirect_port = 0;
            /* "host:port", "[v6]:port" or a bare host (RFC 6120 §4.9.3.19) */
            char *colon = strrchr(host, ':');
            char *bracket = strrchr(host, ']');
            if (colon && (!bracket || colon > bracket) && strchr(host, ':') == colon) {
                *colon = '\0';
                s->redirect_port = atoi(colon + 1);
            } else if (host[0] == '[' && bracket) {
                if (bracket[1] == ':')
                    s->redirect_port = atoi(bracket + 2);
                *bracket = '\0';
                memmove(host, host + 1, strlen(host));
            }
            host = NULL;
            s->backoff_step = 0;
            s->reconnect_now = true;
        }
        free(host);
    } else if (strcmp(cond, "conflict") == 0 || strcmp(cond, "not-authorized") == 0 ||
               strcmp(cond, "host-unknown") == 0) {
        /* Another client took our resource, or the account is gone:
         * reconnecting would just fight it. */
        s->fatal = true;
    }
    free(text);
    session_lost(s, why);
}

void session_handle_stanza(struct session *s, const char *text, size_t len)
{
    char err[200];
    if (im_scan_roster(s, text, len)) {
        sm_handled(s);
        session_emit_xml(s, text, len, false);
        im_roster_scanned(s);
        return;
    }
    /* A roster result in an unusual shape can still hold thousands of
     * items: take them one by one instead of building the whole tree. */
    mxml_node_t *el = stanza_parse_items(
        text, len, s->phase == PHASE_ROSTER ? im_take_roster_item : NULL, s, err, sizeof err);
    if (!el) {
        session_stream_error(s, "not-well-formed", err);
        return;
    }
    session_emit_xml(s, text, len, false);
    if (stanza_is(el, NS_CLIENT, "message") || stanza_is(el, NS_CLIENT, "presence") ||
        stanza_is(el, NS_CLIENT, "iq"))
        sm_handled(s);
    if (stanza_is(el, NS_STREAM, "error"))
        handle_stream_error(s, el);
    else if (strcmp(stanza_ns(el), NS_SM) == 0)
        sm_element(s, el);
    else if (s->phase == PHASE_READY || s->phase == PHASE_ROSTER)
        im_stanza(s, el);
    else
        negotiate_stanza(s, el);
    mxmlDelete(el);
}

static void handle_header(struct session *s, const char *text, size_t len)
{
    char err[200];
    mxml_node_t *hdr = stanza_parse_header(text, len, err, sizeof err);
    if (!hdr) {
        session_stream_error(s, "not-well-formed", err);
        return;
    }
    const char *version = stanza_attr(hdr, "version");
    bool ok = stanza_is(hdr, NS_STREAM, "stream");
    bool v1 = version && strncmp(version, "1.", 2) == 0;
    mxmlDelete(hdr);
    if (!ok) {
        session_stream_error(s, "invalid-namespace", "unexpected stream header");
        return;
    }
    /* RFC 6120 §4.7.5: without version 1.0 there are no stream features,
     * hence no STARTTLS: refuse rather than fall back to plaintext. */
    if (!v1) {
        s->fatal = true;
        session_stream_error(s, "unsupported-version", "server does not speak XMPP 1.0");
    }
}

static void handle_stream_end(struct session *s)
{
    if (s->state == SESSION_CLOSING) {
        session_lost(s, "disconnected");
        return;
    }
    session_send_text(s, "</stream:stream>", 16);
    if (s->conn)
        conn_shutdown(s->conn);
    session_lost(s, "the server closed the stream");
}

static void process_input(struct session *s)
{
    const char *text;
    size_t len;
    while (!s->stop_reading) {
        enum framer_event ev = framer_next(s->framer, &text, &len);
        if (ev == FRAMER_NEED_MORE)
            return;
        if (ev == FRAMER_HEADER)
            session_emit_xml(s, text, len, false);
        switch (ev) {
        case FRAMER_HEADER:
            handle_header(s, text, len);
            break;
        case FRAMER_STANZA:
            session_handle_stanza(s, text, len);
            break;
        case FRAMER_STREAM_END:
            handle_stream_end(s);
            return;
        case FRAMER_ERROR:
            session_stream_error(s, framer_error_condition(s->framer),
                                 framer_error_text(s->framer));
            return;
        case FRAMER_NEED_MORE:
            return;
        }
    }
}

/* --- connection callbacks --- */

static void on_ping_timer(uv_timer_t *t);

static void arm_ping(struct session *s)
{
    if (s->phase == PHASE_READY && !s->ping_outstanding)
        uv_timer_start(&s->ping_timer, on_ping_timer, s->ping_idle_ms, 0);
}

struct session_group {
    struct session **s;
    size_t n;
};

struct session_group *session_group_new(void)
{
    return calloc(1, sizeof(struct session_group));
}

void session_group_free(struct session_group *g)
{
    if (g)
        free(g->s);
    free(g);
}

static void group_add(struct session *s)
{
    struct session_group *g = s->group;
    struct session **grown = g ? realloc(g->s, (g->n + 1) * sizeof *grown) : NULL;
    if (!grown) {
        s->group = NULL; /* it pings on its own clock */
        return;
    }
    g->s = grown;
    g->s[g->n++] = s;
}

static void group_remove(struct session *s)
{
    struct session_group *g = s->group;
    for (size_t i = 0; g && i < g->n; i++)
        if (g->s[i] == s) {
            g->s[i] = g->s[--g->n];
            return;
        }
}

static void send_ping(struct session *s);

/* The others of s's group that have been silent for half their idle time
 * ping with s (see session_group_new). */
static void ping_group(struct session *s)
{
    struct session_group *g = s->group;
    for (size_t i = 0; g && i < g->n; i++) {
        struct session *o = g->s[i];
        if (o != s && o->phase == PHASE_READY && !o->ping_outstanding &&
            uv_is_active((uv_handle_t *)&o->ping_timer) &&
            uv_timer_get_due_in(&o->ping_timer) <= o->ping_idle_ms / 2)
            send_ping(o);
    }
}

static void on_ping_timer(uv_timer_t *t)
{
    struct session *s = t->data;
    if (s->ping_outstanding) {
        session_lost(s, "no answer from the server: connection is dead");
        return;
    }
    send_ping(s);
    ping_group(s);
}

static void send_ping(struct session *s)
{
    /* XEP-0199 §4.2: a client-to-server ping finds dead connections that
     * TCP itself may not notice for a long time. */
    char id[32], xml[200];
    session_next_id(s, id, sizeof id);
    int n =
        snprintf(xml, sizeof xml, "<iq type='get' id='%s' to='%s'><ping xmlns='" NS_PING "'/></iq>",
                 id, s->jid.domain);
    session_send_shown(s, xml, (size_t)n);
    s->ping_outstanding = true;
    uv_timer_start(&s->ping_timer, on_ping_timer, s->ping_timeout_ms, 0);
}

static void on_conn_status(void *ud, const char *text)
{
    session_emit_text(ud, SESSION_EV_INFO, text);
}

static void on_conn_connected(void *ud, bool tls_active)
{
    (void)tls_active; /* the connection is asked when it matters */
    struct session *s = ud;
    session_send_stream_header(s);
}

static void on_conn_tls_ready(void *ud)
{
    struct session *s = ud;
    negotiate_tls_ready(s);
}

static void on_conn_data(void *ud, const char *buf, size_t len)
{
    struct session *s = ud;
    s->stop_reading = false;
    /* Any traffic proves the connection alive: restart the idle clock. */
    s->ping_outstanding = false;
    arm_ping(s);
    sm_traffic(s);
    if (framer_feed(s->framer, buf, len) < 0) {
        session_stream_error(s, framer_error_condition(s->framer), framer_error_text(s->framer));
        return;
    }
    process_input(s);
}

static void on_conn_failed(void *ud, const char *reason, const struct conn_cert_info *cert)
{
    struct session *s = ud;
    if (cert) {
        s->refused_cert = *cert;
        s->have_refused_cert = true;
        s->fatal = true; /* only the user can decide to trust it */
        struct session_event ev = {.type = SESSION_EV_CERT_REFUSED, .cert = cert, .text = reason};
        session_emit(s, &ev);
    }
    session_lost(s, reason);
}

static void on_conn_closed(void *ud)
{
    struct session *s = ud;
    /* The server closed the stream after ours: it had everything. */
    if (s->state == SESSION_CLOSING) {
        sm_confirm_all(s);
        sm_reset(&s->sm);
    }
    session_lost(s, s->state == SESSION_CLOSING ? "disconnected" : "connection closed by server");
}

static const struct conn_events conn_callbacks = {
    .status = on_conn_status,
    .connected = on_conn_connected,
    .tls_ready = on_conn_tls_ready,
    .data = on_conn_data,
    .failed = on_conn_failed,
    .closed = on_conn_closed,
};

static void on_phase_timer(uv_timer_t *t)
{
    struct session *s = t->data;
    if (s->state == SESSION_CLOSING)
        session_lost(s, "disconnected (the server did not close the stream in time)");
    else
        session_lost(s, "login timed out");
}

static void connect_now(struct session *s)
{
    drop_connection(s);
    s->fatal = false;
    s->bind_retried = false;
    s->conn = conn_new(s->loop, &conn_callbacks, s);
    if (!s->conn) {
        session_set_state(s, SESSION_OFFLINE, "out of memory");
        return;
    }
    struct conn_config cfg = {
        .domain = s->jid.domain,
        .server = s->redirect_server ? s->redirect_server : s->server,
        .port = s->redirect_server ? s->redirect_port : s->port,
        .tls = s->tls_mode,
        .ca_file = s->ca_file,
        .pinned_sha256 = s->pinned,
        .connect_timeout_ms = s->connect_timeout_ms,
        .max_tls12 = s->cb_max_tls12,
    };
    s->cb_capped = s->cb_max_tls12;
    session_set_state(s, SESSION_CONNECTING, NULL);
    uv_timer_start(&s->phase_timer, on_phase_timer, s->connect_timeout_ms, 0);
    if (conn_open(s->conn, &cfg) < 0)
        session_lost(s, "could not start connecting");
}

/* Called by im.c once the roster is in and initial presence went out. */
void session_ready(struct session *s)
{
    stop_timer(&s->phase_timer);
    s->backoff_step = 0;
    s->redirects = 0;
    s->phase = PHASE_READY;
    arm_ping(s);
    session_set_state(s, SESSION_ONLINE, NULL);
    sm_send_later(s);
}

/* --- public API --- */

static void random_suffix(char *out, size_t n)
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    for (size_t i = 0; i + 1 < n; i++)
        out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
    out[n - 1] = '\0';
}

/* One guarded block: the struct, then the mechanism, salt and key. */
static struct session_scram_key *copy_scram_key(const struct session_scram_key *k)
{
    if (!k || !k->mechanism || !k->salt || !k->salted)
        return NULL;
    size_t mlen = strlen(k->mechanism) + 1;
    /* sodium_malloc puts the block right before a guard page, so only a
     * size that is a multiple of the alignment gives an aligned start. */
    size_t size = (sizeof *k + mlen + k->salt_len + k->salted_len + 15) & ~(size_t)15;
    unsigned char *block = sodium_malloc(size);
    if (!block)
        return NULL;
    struct session_scram_key *copy = (struct session_scram_key *)block;
    unsigned char *p = block + sizeof *k;
    memcpy(p, k->mechanism, mlen);
    copy->mechanism = (const char *)p;
    p += mlen;
    memcpy(p, k->salt, k->salt_len);
    copy->salt = p;
    copy->salt_len = k->salt_len;
    p += k->salt_len;
    memcpy(p, k->salted, k->salted_len);
    copy->salted = p;
    copy->salted_len = k->salted_len;
    copy->iterations = k->iterations;
    return copy;
}

static int copy_config(struct session *s, const struct session_config *cfg, char *err,
                       size_t errlen)
{
    if (!cfg->jid || jid_parse(cfg->jid, &s->jid, err, errlen) < 0) {
        if (!cfg->jid)
            snprintf(err, errlen, "no JID given");
        return -1;
    }
    if (!s->jid.local) {
        snprintf(err, errlen, "JID %s has no user part", cfg->jid);
        jid_clear(&s->jid);
        return -1;
    }
    s->bare = jid_bare(&s->jid);
    if (s->jid.resource) {
        s->resource_wanted = strdup(s->jid.resource);
    } else if (cfg->resource) {
        s->resource_wanted = strdup(cfg->resource);
    } else {
        char suffix[5], res[16];
        random_suffix(suffix, sizeof suffix);
        snprintf(res, sizeof res, "tuktuk.%s", suffix);
        s->resource_wanted = strdup(res);
    }
    s->server = dup_or_null(cfg->server);
    s->port = cfg->port;
    s->tls_mode = cfg->tls;
    s->ca_file = dup_or_null(cfg->ca_file);
    s->pinned = dup_or_null(cfg->pinned_sha256);
    s->priority = cfg->priority;
    s->reconnect = cfg->reconnect;
    s->register_first = cfg->register_account;
    int cb = negotiate_cb_setting(cfg->channel_binding);
    if (cb < 0) {
        snprintf(err, errlen,
                 "channel_binding %s: use auto, tls-exporter, tls-unique, tls-server-end-point "
                 "or none",
                 cfg->channel_binding);
        return -1;
    }
    s->cb_config = (enum session_cb)cb;
    s->cb_current = -1;
    s->scram_key = copy_scram_key(cfg->scram_key);
    /* A dead link is found within 25 s of the last byte from the server
     * (docs/architecture.md, "Dead links"). */
    s->ping_idle_ms = cfg->ping_idle_ms ? cfg->ping_idle_ms : 15000;
    s->group = cfg->group;
    s->ping_timeout_ms = cfg->ping_timeout_ms ? cfg->ping_timeout_ms : 10000;
    s->ack_timeout_ms = cfg->ack_timeout_ms ? cfg->ack_timeout_ms : 10000;
    s->connect_timeout_ms = cfg->connect_timeout_ms ? cfg->connect_timeout_ms : 30000;
    s->close_timeout_ms = cfg->close_timeout_ms ? cfg->close_timeout_ms : 2000;
    return s->bare && s->resource_wanted ? 0 : -1;
}

struct session *session_new(uv_loop_t *loop, const struct session_config *cfg,
                            session_handler handler, void *ud, char *err, size_t errlen)
{
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium failed to initialise");
        return NULL;
    }
    struct session *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->loop = loop;
    s->handler = handler;
    s->ud = ud;
    s->show = SHOW_ONLINE;
    s->roster = roster_new();
    s->caps = caps_cache_new();
    s->caps_ver = caps_ver(&caps_self_identity, 1, caps_self_features, caps_self_nfeatures);
    s->framer = framer_new(NULL);
    random_suffix(s->id_prefix, 7);
    s->id_prefix[6] = '-';
    s->id_prefix[7] = '\0';
    if (!s->roster || !s->framer || !s->caps || !s->caps_ver ||
        copy_config(s, cfg, err, errlen) < 0) {
        if (!err[0])
            snprintf(err, errlen, "out of memory");
        s->freeing = true;
        release_state(s);
        free(s);
        return NULL;
    }
    uv_timer_t *timers[] = {&s->phase_timer, &s->ping_timer, &s->reconnect_timer, &s->ack_timer};
    for (size_t i = 0; i < sizeof timers / sizeof timers[0]; i++) {
        uv_timer_init(loop, timers[i]);
        timers[i]->data = s;
    }
    request_table_init(loop, &s->requests, s);
    /* Each handle's close callback counts down; the last one frees. */
    s->open_handles = (int)(sizeof timers / sizeof timers[0]) + 1;
    session_set_password(s, cfg->password);
    if (s->group)
        group_add(s);
    return s;
}

static void on_timer_closed(uv_handle_t *h)
{
    struct session *s = h->data;
    if (--s->open_handles > 0)
        return;
    free(s);
}

/* Everything the session owns but its timers and itself. Fields never
 * set are NULL, so this also undoes a half-made session_new. */
static void release_state(struct session *s)
{
    muc_bookmarks_free(&s->bookmarks);
    for (size_t i = 0; i < sizeof s->bookmarks_part / sizeof s->bookmarks_part[0]; i++)
        muc_bookmarks_free(&s->bookmarks_part[i]);
    muc_bookmark_clear(&s->bookmark_new);
    free(s->bookmark_room);
    muc_rooms_free(&s->mucs);
    muc_no_history_clear(s);
    blocking_clear(s);
    sm_free(&s->sm);
    roster_free(s->roster);
    caps_cache_free(s->caps);
    free(s->caps_ver);
    framer_free(s->framer);
    jid_clear(&s->jid);
    free(s->bare);
    free(s->full);
    free(s->resource_wanted);
    if (s->password)
        sodium_free(s->password);
    if (s->scram_key)
        sodium_free(s->scram_key);
    free(s->server);
    free(s->ca_file);
    free(s->pinned);
    free(s->redirect_server);
    free(s->status);
    free(s->saved_features);
    for (size_t i = 0; i < sizeof s->chatstate_peers / sizeof s->chatstate_peers[0]; i++)
        free(s->chatstate_peers[i]);
    if (s->new_password)
        sodium_free(s->new_password);
}

void session_free(struct session *s)
{
    if (!s)
        return;
    s->freeing = true;
    group_remove(s);
    drop_connection(s);
    request_all_gone(s); /* their contexts are freed; no event is emitted */
    release_state(s);
    uv_close((uv_handle_t *)&s->phase_timer, on_timer_closed);
    uv_close((uv_handle_t *)&s->ping_timer, on_timer_closed);
    uv_close((uv_handle_t *)&s->reconnect_timer, on_timer_closed);
    uv_close((uv_handle_t *)&s->ack_timer, on_timer_closed);
    uv_close((uv_handle_t *)&s->requests.timer, on_timer_closed);
}

int session_connect(struct session *s)
{
    if (s->state == SESSION_CONNECTING || s->state == SESSION_AUTHENTICATING ||
        s->state == SESSION_ONLINE || s->state == SESSION_CLOSING)
        return -1;
    uv_timer_stop(&s->reconnect_timer);
    s->user_closing = false;
    s->backoff_step = 0;
    s->redirects = 0;
    free(s->redirect_server);
    s->redirect_server = NULL;
    /* The user starts over: channel binding is worked out afresh too. */
    s->cb_refused = 0;
    s->cb_max_tls12 = s->cb_no_tls12 = s->cb_tls12_worked = s->cb_said_binding = false;
    s->cb_tried[0] = '\0';
    connect_now(s);
    return 0;
}

void session_disconnect(struct session *s, const char *status)
{
    s->user_closing = true;
    uv_timer_stop(&s->reconnect_timer);
    if (!s->conn || s->phase == PHASE_IDLE) {
        drop_connection(s);
        session_over(s);
        session_set_state(s, SESSION_OFFLINE, "disconnected");
        return;
    }
    if (s->phase == PHASE_READY) {
        mxml_node_t *p = stanza_new("presence");
        stanza_set_attr(p, "type", "unavailable");
        if (status && *status)
            stanza_add_text_child(p, "status", status);
        session_send_node(s, p, false);
        mxmlDelete(p);
    }
    session_send_shown(s, "</stream:stream>", 16);
    stop_timer(&s->ping_timer);
    stop_timer(&s->ack_timer);
    session_set_state(s, SESSION_CLOSING, NULL);
    uv_timer_start(&s->phase_timer, on_phase_timer, s->close_timeout_ms, 0);
}

void session_set_password(struct session *s, const char *password)
{
    if (s->password) {
        sodium_free(s->password);
        s->password = NULL;
    }
    if (!password)
        return;
    size_t len = strlen(password);
    s->password = sodium_malloc(len + 1);
    if (s->password)
        memcpy(s->password, password, len + 1);
}

void session_set_pinned_cert(struct session *s, const char *sha256)
{
    free(s->pinned);
    s->pinned = dup_or_null(sha256);
}

enum session_state session_state(const struct session *s)
{
    return s->state;
}

const char *session_bare_jid(const struct session *s)
{
    return s->bare;
}

const char *session_full_jid(const struct session *s)
{
    return s->full;
}

struct roster *session_roster(struct session *s)
{
    return s->roster;
}

enum presence_show session_show(const struct session *s)
{
    return s->show;
}

const char *session_status(const struct session *s)
{
    return s->status;
}

const struct conn_cert_info *session_refused_cert(const struct session *s)
{
    return s->have_refused_cert ? &s->refused_cert : NULL;
}

size_t session_pending_messages(const struct session *s)
{
    return sm_pending(s);
}

size_t session_unacked(const struct session *s)
{
    return s->sm.nqueue;
}

bool session_resumable(const struct session *s)
{
    return sm_resumable(s);
}

bool session_resumed(const struct session *s)
{
    return s->sm.resumed;
}

unsigned session_reconnect_in(const struct session *s)
{
    if (s->state != SESSION_RECONNECT_WAIT)
        return 0;
    uint64_t now = uv_now(s->loop);
    return s->reconnect_at > now ? (unsigned)((s->reconnect_at - now + 999) / 1000) : 0;
}

void session_make_id(struct session *s, char *out, size_t len)
{
    session_next_id(s, out, len);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* negotiate.c - stream negotiation, RFC 6120 §4-§7: STARTTLS (required:
 * plaintext is never an option), SASL (SCRAM-SHA-256/-1 and their -PLUS
 * variants, PLAIN only inside TLS), resource binding and, only where the
 * server requires it, the legacy session (RFC 3921 §3). When binding is
 * done it hands over to im.c for the roster and initial presence. */

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xml/stanza.h"
#include "xml/base64.h"
#include "xmpp/session_priv.h"

void negotiate_fail(struct session *s, const char *why)
{
    s->fatal = true;
    struct session_event ev = {.type = SESSION_EV_ERROR, .text = why};
    session_emit(s, &ev);
    session_send_text(s, "</stream:stream>", 16);
    session_lost(s, why);
}

/* --- STARTTLS, RFC 6120 §5 --- */

static void start_tls(struct session *s, mxml_node_t *features)
{
    if (!stanza_child(features, NS_TLS, "starttls")) {
        /* §5.3.1: a server that does not offer STARTTLS (or an attacker who
         * stripped it) does not get a plaintext login from us. */
        negotiate_fail(s,
                       "the server does not offer STARTTLS: refusing to log in without encryption");
        return;
    }
    mxml_node_t *st = stanza_new("starttls");
    stanza_set_attr(st, "xmlns", NS_TLS);
    session_send_node(s, st, false);
    mxmlDelete(st);
    s->phase = PHASE_STARTTLS;
}

static void on_starttls_answer(struct session *s, mxml_node_t *el)
{
    if (!stanza_is(el, NS_TLS, "proceed")) {
        negotiate_fail(s, "the server refused STARTTLS");
        return;
    }
    /* §5.4.3.3: anything after <proceed/> belongs to the TLS layer, and
     * everything learnt before TLS is forgotten. */
    s->phase = PHASE_TLS_HANDSHAKE;
    s->stop_reading = true;
    framer_reset(s->framer);
    if (conn_starttls(s->conn) < 0)
        negotiate_fail(s, "could not start TLS");
}

void negotiate_tls_ready(struct session *s)
{
    session_send_stream_header(s); /* §5.4.3.3: a new stream over TLS */
}

/* --- SASL, RFC 6120 §6 --- */

struct mech_choice {
    const char *name;
    enum scram_hash hash;
    bool plus;
    bool scram;
};

/* Strongest first (RFC 7677 §4; channel binding beats none). */
static const struct mech_choice mech_order[] = {
    {"SCRAM-SHA-256-PLUS", SCRAM_SHA256, true, true},
    {"SCRAM-SHA-1-PLUS", SCRAM_SHA1, true, true},
    {"SCRAM-SHA-256", SCRAM_SHA256, false, true},
    {"SCRAM-SHA-1", SCRAM_SHA1, false, true},
    {"PLAIN", SCRAM_SHA1, false, false},
};

static bool offered(mxml_node_t *mechs, const char *name)
{
    for (mxml_node_t *m = stanza_child(mechs, NS_SASL, "mechanism"); m;
         m = stanza_next(m, NS_SASL, "mechanism")) {
        char *text = stanza_text(m);
        bool match = text && strcmp(text, name) == 0;
        free(text);
        if (match)
            return true;
    }
    return false;
}

static bool any_plus_offered(mxml_node_t *mechs)
{
    return offered(mechs, "SCRAM-SHA-256-PLUS") || offered(mechs, "SCRAM-SHA-1-PLUS") ||
           offered(mechs, "SCRAM-SHA-512-PLUS");
}

/* --- channel binding (RFC 5802 §6, RFC 5929, RFC 9266, XEP-0440) ---
 *
 * The type is chosen from what the server lists (XEP-0440), strongest
 * first. A server that lists nothing gets the type its TLS version makes
 * the default: tls-exporter on TLS 1.3 (RFC 9266 §4), tls-unique on 1.2
 * (RFC 5929). If it refuses that binding (a refusal that names the
 * binding, or says nothing), we reconnect and try the next type, and on
 * TLS 1.3 with nothing left, TLS 1.2 for tls-unique, which servers that
 * predate RFC 9266 (ejabberd 23.01) know. Every try still binds: nothing
 * here falls back to an unbound login, which an attacker could provoke.
 * When no type is left the login stops with the reason, not a password
 * prompt. docs/security.md weighs this. */

static const char *const cb_names[] = {"tls-exporter", "tls-unique", "tls-server-end-point"};
enum { CB_EXPORTER, CB_UNIQUE, CB_END_POINT, CB_COUNT };

int negotiate_cb_setting(const char *value)
{
    if (!value || !*value || strcmp(value, "auto") == 0)
        return SESSION_CB_AUTO;
    if (strcmp(value, "none") == 0)
        return SESSION_CB_NONE;
    for (int i = 0; i < CB_COUNT; i++)
        if (strcmp(value, cb_names[i]) == 0)
            return SESSION_CB_EXPORTER + i;
    return -1;
}

/* XEP-0440 §2: the types the server lists, a bit per cb_names index; *listed
 * says whether it sent the list at all. Unknown types are ignored. */
unsigned negotiate_cb_listed(mxml_node_t *features, bool *listed)
{
    mxml_node_t *l = stanza_child(features, NS_SASL_CB, "sasl-channel-binding");
    unsigned types = 0;
    *listed = l != NULL;
    for (mxml_node_t *c = l ? stanza_child(l, NS_SASL_CB, "channel-binding") : NULL; c;
         c = stanza_next(c, NS_SASL_CB, "channel-binding")) {
        const char *type = stanza_attr(c, "type");
        for (int i = 0; type && i < CB_COUNT; i++)
            if (strcmp(type, cb_names[i]) == 0)
                types |= 1u << i;
    }
    return types;
}

int negotiate_cb_choose(bool listed, unsigned types, bool tls13, unsigned available,
                        int config, unsigned refused)
{
    /* Unlisted, TLS 1.3 has only tls-exporter (RFC 9266 §4); TLS 1.2 has
     * tls-unique first, the default before it (RFC 5929 §3). */
    static const int listed_order[] = {CB_EXPORTER, CB_UNIQUE, CB_END_POINT};
    static const int tls12_order[] = {CB_UNIQUE, CB_EXPORTER, CB_END_POINT};
    const int *order = !listed && !tls13 ? tls12_order : listed_order;
    int n = !listed && tls13 && config == SESSION_CB_AUTO ? 1 : CB_COUNT;
    if (config == SESSION_CB_NONE)
        return -1;
    for (int k = 0; k < n; k++) {
        int i = order[k];
        bool allowed = config == SESSION_CB_AUTO ? !listed || (types & (1u << i))
                                                 : config == SESSION_CB_EXPORTER + i;
        if (allowed && !(refused & (1u << i)) && (available & (1u << i)))
            return i;
    }
    return -1;
}

/* The type for this <auth/>, its data in cb[*len]; -1 when none is left
 * on this connection. s->cb_listed and s->cb_types hold the server's list
 * (XEP-0440), read from the features. */
static int cb_pick(struct session *s, unsigned char *cb, size_t cap, size_t *len)
{
    unsigned available = 0;
    for (int i = 0; i < CB_COUNT; i++)
        if (conn_channel_binding(s->conn, cb_names[i], cb, cap))
            available |= 1u << i;
    int i = negotiate_cb_choose(s->cb_listed, s->cb_types, conn_tls_13(s->conn), available,
                                (int)s->cb_config, s->cb_refused);
    *len = i >= 0 ? conn_channel_binding(s->conn, cb_names[i], cb, cap) : 0;
    if (i < 0 || !*len) {
        sodium_memzero(cb, cap);
        return -1;
    }
    return i;
}

/* Whether a type is left to try on a connection like this one. */
static int cb_next(struct session *s)
{
    unsigned char scratch[64];
    size_t len = 0;
    int next = cb_pick(s, scratch, sizeof scratch, &len);
    sodium_memzero(scratch, sizeof scratch);
    return next;
}

/* Nothing left on TLS 1.3, but tls-unique is still untried: it exists
 * only on TLS 1.2, so the next connection offers no more than that. */
static bool cb_tls12_left(struct session *s)
{
    bool unique_ok = s->cb_config == SESSION_CB_AUTO || s->cb_config == SESSION_CB_UNIQUE;
    return conn_tls_13(s->conn) && !s->cb_max_tls12 && !s->cb_no_tls12 && unique_ok &&
           !(s->cb_refused & (1u << CB_UNIQUE)) &&
           (!s->cb_listed || (s->cb_types & (1u << CB_UNIQUE)));
}

static void cb_note(struct session *s, const char *fmt, const char *a, const char *b)
{
    size_t used = strlen(s->cb_tried);
    if (used + 2 < sizeof s->cb_tried)
        snprintf(s->cb_tried + used, sizeof s->cb_tried - used, fmt, used ? "; " : "", a, b);
}

static void auth_failed(struct session *s, const char *condition, const char *why);

/* No type is left: the login stops, saying why. */
static void cb_give_up(struct session *s)
{
    char why[512];
    if (s->cb_tried[0] && !s->cb_said_binding) {
        /* Refusals without a reason: as likely the password. */
        snprintf(why, sizeof why, "login refused (%s)", s->cb_tried);
        auth_failed(s, "not-authorized", why);
        return;
    }
    if (s->cb_tried[0])
        snprintf(why, sizeof why,
                 "login refused: the server did not accept channel binding (%s). This is not "
                 "about the password. To log in without binding, set channel_binding = none "
                 "for this account (docs/security.md)",
                 s->cb_tried);
    else
        snprintf(why, sizeof why,
                 "cannot log in: the server wants channel binding (-PLUS) but tuktuk and the "
                 "server share no binding type on this connection%s. To log in without "
                 "binding, set channel_binding = none for this account (docs/security.md)",
                 s->cb_listed && !s->cb_types
                     ? " (the server listed only types tuktuk does not know)"
                     : "");
    negotiate_fail(s, why);
}

/* Starts a new connection for the next try (the caller said which). */
static void cb_retry(struct session *s, const char *note)
{
    session_emit_text(s, SESSION_EV_INFO, note);
    s->reconnect_now = true;
    session_send_text(s, "</stream:stream>", 16);
    session_lost(s, "reconnecting for channel binding");
}

/* A refusal of a bound login that names the binding, or names nothing,
 * may be the binding's fault; one that gives another reason is not. */
static bool cb_maybe_at_fault(const char *text, bool *said)
{
    *said = text && (strstr(text, "binding") || strstr(text, "Binding"));
    return !text || !*text || *said;
}

static void send_sasl(struct session *s, const char *name, const char *mech, const char *raw,
                      size_t len)
{
    char *b64 = base64_encode((const unsigned char *)raw, len);
    mxml_node_t *el = stanza_new(name);
    stanza_set_attr(el, "xmlns", NS_SASL);
    if (mech)
        stanza_set_attr(el, "mechanism", mech);
    stanza_add_text(el, b64 && *b64 ? b64 : "=");
    session_send_node(s, el, true);
    mxmlDelete(el);
    if (b64) {
        sodium_memzero(b64, strlen(b64));
        free(b64);
    }
}

/* Without the password, only the hash the stored key was made with fits. */
static bool key_fits(const struct session *s, const struct mech_choice *m)
{
    if (s->password)
        return true;
    if (!s->scram_key || !m->scram)
        return false;
    const char *want = m->hash == SCRAM_SHA256 ? "SCRAM-SHA-256" : "SCRAM-SHA-1";
    return strcmp(s->scram_key->mechanism, want) == 0;
}

/* cb_type/cb: the binding chosen (NULL: none). With a -PLUS mechanism it
 * is used ("p="); with a plain one it only tells the server we could have
 * ("y", RFC 5802 §6), which a server that offered -PLUS refuses, catching
 * an attacker who stripped them. */
static void start_scram(struct session *s, const struct mech_choice *m, bool server_plus,
                        const char *cb_type, const unsigned char *cb, size_t cb_len)
{
    char err[200] = "";
    const struct session_scram_key *key = s->password ? NULL : s->scram_key;
    s->scram = scram_new(m->hash, s->jid.local, s->password, cb_type, cb, cb_len,
                         server_plus && m->plus, NULL, err, sizeof err);
    if (!s->scram) {
        negotiate_fail(s, err[0] ? err : "SCRAM could not start");
        return;
    }
    if (key && scram_use_salted(s->scram, key->salted, key->salted_len, key->salt, key->salt_len,
                                key->iterations) < 0) {
        negotiate_fail(s, "the stored SCRAM key does not fit this mechanism");
        return;
    }
    char *first = scram_client_first(s->scram);
    if (!first) {
        negotiate_fail(s, "out of memory");
        return;
    }
    send_sasl(s, "auth", scram_mechanism(s->scram), first, strlen(first));
    free(first);
}

static void start_plain(struct session *s)
{
    /* RFC 4616: authzid (empty) NUL authcid NUL password. Only reached with
     * TLS active, because SASL is never offered to us before it. */
    size_t ulen = strlen(s->jid.local), plen = strlen(s->password);
    size_t len = ulen + plen + 2;
    char *raw = sodium_malloc(len);
    if (!raw) {
        negotiate_fail(s, "out of memory");
        return;
    }
    raw[0] = '\0';
    memcpy(raw + 1, s->jid.local, ulen);
    raw[1 + ulen] = '\0';
    memcpy(raw + 2 + ulen, s->password, plen);
    send_sasl(s, "auth", "PLAIN", raw, len);
    sodium_free(raw);
}

/* Only the user can go on from here: no automatic retry. */
static void auth_failed(struct session *s, const char *condition, const char *why)
{
    s->fatal = true;
    struct session_event ev = {.type = SESSION_EV_AUTH_FAILED, .condition = condition, .text = why};
    session_emit(s, &ev);
    session_send_text(s, "</stream:stream>", 16);
    session_lost(s, why);
}

void negotiate_need_password(struct session *s, const char *why)
{
    auth_failed(s, "password-required", why);
}

void negotiate_start_sasl(struct session *s, mxml_node_t *features)
{
    mxml_node_t *mechs = stanza_child(features, NS_SASL, "mechanisms");
    if (!mechs) {
        negotiate_fail(s, "the server offers no SASL mechanisms");
        return;
    }
    if (!s->password && !s->scram_key) {
        negotiate_need_password(s, "a password is needed to log in");
        return;
    }
    bool server_plus = any_plus_offered(mechs);
    s->cb_types = negotiate_cb_listed(features, &s->cb_listed);
    if (s->cb_max_tls12)
        s->cb_tls12_worked = true; /* a TLS 1.2 connection reached SASL */
    unsigned char cb[64];
    size_t cb_len = 0;
    int cb_type = s->cb_config == SESSION_CB_NONE ? -1 : cb_pick(s, cb, sizeof cb, &cb_len);
    if (server_plus && cb_type < 0 && s->cb_config != SESSION_CB_NONE) {
        if (cb_tls12_left(s)) {
            s->cb_max_tls12 = true;
            cb_retry(s, "channel binding: the server lists tls-unique, which needs TLS 1.2");
        } else {
            cb_give_up(s);
        }
        return;
    }
    s->phase = PHASE_SASL;
    for (size_t i = 0; i < sizeof mech_order / sizeof mech_order[0]; i++) {
        const struct mech_choice *m = &mech_order[i];
        if (!offered(mechs, m->name) || !key_fits(s, m) || (m->plus && cb_type < 0))
            continue;
        if (!m->scram) {
            if (!session_tls_on(s))
                break;
            start_plain(s);
            return;
        }
        /* "n" when a plain mechanism is taken although -PLUS was offered:
         * only when the setting is none or the stored key fits no -PLUS. */
        bool give = cb_type >= 0 && (m->plus || !server_plus);
        s->cb_current = give && m->plus ? cb_type : -1;
        start_scram(s, m, server_plus, give ? cb_names[cb_type] : NULL, give ? cb : NULL,
                    give ? cb_len : 0);
        sodium_memzero(cb, sizeof cb);
        return;
    }
    sodium_memzero(cb, sizeof cb);
    if (!s->password)
        negotiate_need_password(s, "the stored SCRAM key does not fit what the server offers; "
                                   "the password is needed");
    else
        negotiate_fail(s, "the server offers no SASL mechanism that tuktuk accepts");
}

static void sasl_failure(struct session *s, mxml_node_t *el)
{
    const char *cond = "not-authorized";
    char *text = NULL;
    for (mxml_node_t *c = stanza_first_element(el); c; c = stanza_next_element(c)) {
        if (strcmp(stanza_local(c), "text") == 0) {
            free(text);
            text = stanza_text(c);
        } else {
            cond = stanza_local(c);
        }
    }
    bool has_text = text && *text;
    bool said = false;
    if (s->cb_current >= 0 && cb_maybe_at_fault(text, &said)) {
        /* Maybe the binding's fault: the next type, on a new connection. */
        const char *type = cb_names[s->cb_current];
        s->cb_refused |= 1u << s->cb_current;
        s->cb_said_binding |= said;
        s->cb_current = -1;
        const char *reason = has_text ? text : cond;
        cb_note(s, "%s%s: %s", type, reason);
        int next = cb_next(s);
        bool tls12 = next < 0 && cb_tls12_left(s);
        char note[400];
        snprintf(note, sizeof note, "channel binding: the server refused %s (%s); trying %s%s", type,
                 reason, tls12 ? "tls-unique" : next >= 0 ? cb_names[next] : "",
                 tls12 ? " over TLS 1.2" : "");
        free(text);
        if (next < 0 && !tls12) {
            cb_give_up(s);
            return;
        }
        s->cb_max_tls12 |= tls12;
        cb_retry(s, note);
        return;
    }
    char why[400];
    snprintf(why, sizeof why, "login refused: %s%s%s%s", cond, has_text ? " (" : "",
             has_text ? text : "", has_text ? ")" : "");
    free(text);
    auth_failed(s, cond, why);
}

static unsigned char *decode_payload(mxml_node_t *el, size_t *len)
{
    char *b64 = stanza_text(el);
    if (!b64)
        return NULL;
    unsigned char *raw;
    if (strcmp(b64, "=") == 0 || !*b64) {
        raw = calloc(1, 1);
        *len = 0;
    } else {
        raw = base64_decode(b64, strlen(b64), len);
    }
    free(b64);
    return raw;
}

static void sasl_challenge(struct session *s, mxml_node_t *el)
{
    size_t len = 0;
    unsigned char *raw = decode_payload(el, &len);
    if (!raw || !s->scram) {
        free(raw);
        negotiate_fail(s, "the server sent a bad SASL challenge");
        return;
    }
    char err[200] = "";
    char *final = scram_client_final(s->scram, (const char *)raw, len, err, sizeof err);
    free(raw);
    if (!final) {
        if (scram_needs_password(s->scram)) {
            negotiate_need_password(s, err);
            return;
        }
        negotiate_fail(s, err); /* scram.c's errors start with "SCRAM: " */
        return;
    }
    send_sasl(s, "response", NULL, final, strlen(final));
    sodium_memzero(final, strlen(final));
    free(final);
}

/* Hands the SaltedPassword to whoever keeps it in the vault. */
static void emit_authenticated(struct session *s)
{
    struct session_scram_key key = {0};
    unsigned iterations = 0;
    key.salted = scram_salted_password(s->scram, &key.salted_len);
    key.salt = scram_salt(s->scram, &key.salt_len, &iterations);
    key.iterations = iterations;
    const char *mech = scram_mechanism(s->scram);
    key.mechanism = strncmp(mech, "SCRAM-SHA-256", 13) == 0 ? "SCRAM-SHA-256" : "SCRAM-SHA-1";
    struct session_event ev = {.type = SESSION_EV_AUTHENTICATED,
                               .text = mech,
                               .scram_key = key.salted && key.salt ? &key : NULL};
    session_emit(s, &ev);
}

static void sasl_success(struct session *s, mxml_node_t *el)
{
    if (s->scram) {
        size_t len = 0;
        unsigned char *raw = decode_payload(el, &len);
        char err[200] = "";
        int rc =
            raw ? scram_verify_server_final(s->scram, (const char *)raw, len, err, sizeof err) : -1;
        free(raw);
        if (rc < 0) {
            /* RFC 5802 §9: a server that cannot prove it knows our
             * credentials may be an impostor, success or not. */
            char why[300];
            snprintf(why, sizeof why, "the server's SCRAM signature did not verify: %s", err);
            negotiate_fail(s, why);
            return;
        }
        char info[160];
        snprintf(info, sizeof info, "authenticated with %s%s%s%s", scram_mechanism(s->scram),
                 s->cb_current >= 0 ? " (channel binding " : "",
                 s->cb_current >= 0 ? cb_names[s->cb_current] : "", s->cb_current >= 0 ? ")" : "");
        session_emit_text(s, SESSION_EV_INFO, info);
        emit_authenticated(s);
        scram_free(s->scram);
        s->scram = NULL;
    } else {
        session_emit_text(s, SESSION_EV_INFO, "authenticated with PLAIN (inside TLS)");
        struct session_event ev = {.type = SESSION_EV_AUTHENTICATED, .text = "PLAIN"};
        session_emit(s, &ev);
    }
    s->authenticated = true;
    s->stop_reading = true;
    session_send_stream_header(s); /* §6.4.6: restart the stream */
}

static void on_sasl(struct session *s, mxml_node_t *el)
{
    if (stanza_is(el, NS_SASL, "challenge"))
        sasl_challenge(s, el);
    else if (stanza_is(el, NS_SASL, "success"))
        sasl_success(s, el);
    else if (stanza_is(el, NS_SASL, "failure"))
        sasl_failure(s, el);
    else
        negotiate_fail(s, "unexpected element during SASL");
}

/* --- binding, RFC 6120 §7 --- */

static void send_bind(struct session *s, const char *resource)
{
    session_next_id(s, s->pending_id, sizeof s->pending_id);
    mxml_node_t *iq = stanza_new("iq");
    stanza_set_attr(iq, "type", "set");
    stanza_set_attr(iq, "id", s->pending_id);
    mxml_node_t *bind = stanza_add(iq, "bind");
    stanza_set_attr(bind, "xmlns", NS_BIND);
    if (resource && *resource)
        stanza_add_text_child(bind, "resource", resource);
    session_send_node(s, iq, false);
    mxmlDelete(iq);
    s->phase = PHASE_BIND;
}

static void start_bind(struct session *s, mxml_node_t *features)
{
    if (!stanza_child(features, NS_BIND, "bind")) {
        negotiate_fail(s, "the server does not offer resource binding");
        return;
    }
    mxml_node_t *sess = stanza_child(features, NS_SESSION, "session");
    s->session_required = sess && !stanza_child(sess, NS_SESSION, "optional");
    im_roster_features(s, features);
    /* XEP-0198 §5: a resumed session needs no new resource. */
    if (!sm_try_resume(s, features))
        send_bind(s, s->resource_wanted);
}

void negotiate_bind(struct session *s)
{
    send_bind(s, s->resource_wanted);
}

static bool is_answer(struct session *s, mxml_node_t *el)
{
    const char *id = stanza_attr(el, "id");
    return stanza_is(el, NS_CLIENT, "iq") && id && strcmp(id, s->pending_id) == 0;
}

static void after_bind(struct session *s)
{
    sm_enable(s);
    if (!s->session_required) {
        im_request_roster(s);
        return;
    }
    session_next_id(s, s->pending_id, sizeof s->pending_id);
    char xml[200];
    int n =
        snprintf(xml, sizeof xml, "<iq type='set' id='%s'><session xmlns='" NS_SESSION "'/></iq>",
                 s->pending_id);
    session_send_text(s, xml, (size_t)n);
    s->phase = PHASE_SESSION;
}

static void on_bind(struct session *s, mxml_node_t *el)
{
    if (!is_answer(s, el))
        return;
    const char *type = stanza_attr(el, "type");
    if (type && strcmp(type, "error") == 0) {
        /* §7.7.2.2: on conflict, ask the server to pick a resource. */
        if (strcmp(im_error_condition(el), "conflict") == 0 && !s->bind_retried) {
            s->bind_retried = true;
            session_emit_text(s, SESSION_EV_INFO, "resource in use; letting the server choose");
            send_bind(s, NULL);
            return;
        }
        negotiate_fail(s, "the server refused to bind a resource");
        return;
    }
    char *jid = stanza_text(stanza_child(stanza_child(el, NS_BIND, "bind"), NS_BIND, "jid"));
    if (!jid || !jid_bare_equal(jid, s->bare) || !jid_resource_of(jid)) {
        free(jid);
        negotiate_fail(s, "the server bound an unexpected JID");
        return;
    }
    free(s->full);
    s->full = jid;
    struct session_event ev = {.type = SESSION_EV_BOUND, .jid = s->full};
    session_emit(s, &ev);
    after_bind(s);
}

static void on_session(struct session *s, mxml_node_t *el)
{
    if (!is_answer(s, el))
        return;
    const char *type = stanza_attr(el, "type");
    if (type && strcmp(type, "result") != 0) {
        negotiate_fail(s, "the server refused to establish a session");
        return;
    }
    im_request_roster(s);
}

static void on_features(struct session *s, mxml_node_t *el)
{
    if (!stanza_is(el, NS_STREAM, "features")) {
        negotiate_fail(s, "expected stream features");
        return;
    }
    if (!session_tls_on(s))
        start_tls(s, el);
    else if (!s->authenticated && s->register_first)
        register_start(s, el);
    else if (!s->authenticated)
        negotiate_start_sasl(s, el);
    else
        start_bind(s, el);
}

void negotiate_stanza(struct session *s, mxml_node_t *el)
{
    if (s->state == SESSION_CONNECTING && session_tls_on(s))
        session_set_state(s, SESSION_AUTHENTICATING, NULL);
    switch (s->phase) {
    case PHASE_STREAM_START:
        on_features(s, el);
        break;
    case PHASE_STARTTLS:
        on_starttls_answer(s, el);
        break;
    case PHASE_REGISTER:
        register_stanza(s, el);
        break;
    case PHASE_SASL:
        on_sasl(s, el);
        break;
    case PHASE_BIND:
        on_bind(s, el);
        break;
    case PHASE_SESSION:
        on_session(s, el);
        break;
    default:
        break;
    }
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_hostile.c - a scripted hostile server on loopback, for what a real
 * server never does: strip STARTTLS, send malformed or forbidden XML,
 * exceed limits, fall silent, or hang up. The client must answer with the
 * right stream error, never send credentials in the clear, and neither
 * crash nor hang.
 *
 * Past TLS (tls_script.h, direct TLS with the test certificate), the
 * server refuses SCRAM channel bindings in every way negotiate.c has to
 * tell apart: the client must pick the type from the XEP-0440 list and the
 * TLS version, move on to the next type or to TLS 1.2 only when the
 * refusal may be the binding's fault, stop with a reason that is not a
 * password prompt when nothing is left, and never loop. Then forged
 * archive results, and rooms that lie about themselves. That part uses the
 * certificate in TUKTUK_TEST_RUNDIR and TUKTUK_TEST_CA (tests/run). */

#include <netinet/in.h>
#include <sys/socket.h>

#include "harness.h"
#include "tls_script.h"

#define HEADER                                                                                     \
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "                                   \
    "xmlns:stream='http://etherx.jabber.org/streams' id='x1' from='localhost' version='1.0'>"
#define STARTTLS_FEATURES                                                                          \
    "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>"    \
    "</stream:features>"

struct fake_server {
    uv_tcp_t listener;
    uv_tcp_t peer;
    bool peer_open;
    int port;
    const char *script; /* sent once the client's header arrives */
    size_t script_len;
    bool hang_up; /* close right after the script */
    char received[8192];
    size_t nreceived;
};

static uv_loop_t loop;

static void on_alloc(uv_handle_t *h, size_t size, uv_buf_t *buf)
{
    static char slab[65536];
    (void)h;
    (void)size;
    *buf = uv_buf_init(slab, sizeof slab);
}

static void on_written(uv_write_t *req, int status)
{
    (void)status;
    free(req);
}

static void on_peer_closed(uv_handle_t *h)
{
    struct fake_server *fs = h->data;
    fs->peer_open = false;
}

static void close_peer(struct fake_server *fs)
{
    if (fs->peer_open && !uv_is_closing((uv_handle_t *)&fs->peer))
        uv_close((uv_handle_t *)&fs->peer, on_peer_closed);
}

static void on_peer_read(uv_stream_t *stream, ssize_t n, const uv_buf_t *buf)
{
    struct fake_server *fs = stream->data;
    if (n < 0) {
        close_peer(fs);
        return;
    }
    bool first = fs->nreceived == 0;
    size_t room = sizeof fs->received - 1 - fs->nreceived;
    size_t take = (size_t)n < room ? (size_t)n : room;
    memcpy(fs->received + fs->nreceived, buf->base, take);
    fs->nreceived += take;
    fs->received[fs->nreceived] = '\0';
    if (first && fs->script_len) {
        uv_write_t *req = malloc(sizeof *req);
        uv_buf_t out = uv_buf_init((char *)fs->script, (unsigned)fs->script_len);
        uv_write(req, stream, &out, 1, on_written);
    }
    if (first && fs->hang_up)
        close_peer(fs);
}

static void on_connection(uv_stream_t *server, int status)
{
    struct fake_server *fs = server->data;
    if (status < 0 || fs->peer_open)
        return;
    uv_tcp_init(&loop, &fs->peer);
    fs->peer.data = fs;
    fs->peer_open = true;
    fs->nreceived = 0;
    if (uv_accept(server, (uv_stream_t *)&fs->peer) == 0)
        uv_read_start((uv_stream_t *)&fs->peer, on_alloc, on_peer_read);
}

static void server_start(struct fake_server *fs, const char *script, size_t len)
{
    memset(fs, 0, sizeof *fs);
    fs->script = script;
    fs->script_len = len;
    uv_tcp_init(&loop, &fs->listener);
    fs->listener.data = fs;
    struct sockaddr_in addr;
    uv_ip4_addr("127.0.0.1", 0, &addr);
    uv_tcp_bind(&fs->listener, (const struct sockaddr *)&addr, 0);
    uv_listen((uv_stream_t *)&fs->listener, 8, on_connection);
    struct sockaddr_in bound;
    int alen = sizeof bound;
    uv_tcp_getsockname(&fs->listener, (struct sockaddr *)&bound, &alen);
    fs->port = ntohs(bound.sin_port);
}

static void server_stop(struct fake_server *fs)
{
    close_peer(fs);
    uv_close((uv_handle_t *)&fs->listener, NULL);
    uv_run(&loop, UV_RUN_NOWAIT);
}

static struct session *client_for(struct tclient *c, struct fake_server *fs, bool reconnect,
                                  unsigned timeout_ms)
{
    char err[200];
    memset(c, 0, sizeof *c);
    struct session_config cfg = {
        .jid = "victim@localhost",
        .password = "secret-password",
        .server = "127.0.0.1",
        .port = fs->port,
        .tls = CONN_TLS_STARTTLS,
        .reconnect = reconnect,
        .connect_timeout_ms = timeout_ms,
    };
    c->s = session_new(&loop, &cfg, harness_on_event, c, err, sizeof err);
    CHECK(c->s != NULL);
    return c->s;
}

static struct fake_server *waiting_server;

static int server_got(void *arg)
{
    return strstr(waiting_server->received, (const char *)arg) != NULL;
}

/* Script a server, connect a client, and wait until the client is offline
 * with the server having received `expect`. */
static void run_case(const char *name, const char *script, const char *expect,
                     const char *forbidden)
{
    struct fake_server fs;
    struct tclient c;
    server_start(&fs, script, strlen(script));
    client_for(&c, &fs, false, 5000);
    session_connect(c.s);
    waiting_server = &fs;
    int got = harness_wait(&loop, server_got, (void *)expect, 5000);
    int offline = harness_wait(&loop, harness_is_offline, &c, 5000);
    if (!got || !offline)
        fprintf(stderr, "case %s: got=%d offline=%d received: %s\n", name, got, offline,
                fs.received);
    CHECK(got);
    CHECK(offline);
    if (forbidden)
        CHECK(strstr(fs.received, forbidden) == NULL);
    harness_free(&c, &loop);
    server_stop(&fs);
}

static void test_stripped_starttls(void)
{
    /* An attacker removed <starttls/> and offers PLAIN: nothing but the
     * header may leave the client, and certainly no <auth>. */
    run_case("stripped starttls",
             HEADER "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                    "<mechanism>PLAIN</mechanism></mechanisms></stream:features>",
             "</stream:stream>", "<auth");
}

static void test_forbidden_xml(void)
{
    run_case("comment", HEADER STARTTLS_FEATURES "<!-- hi -->", "restricted-xml", "<auth");
    run_case("entity", HEADER "<message><body>&nbsp;</body></message>", "restricted-xml", NULL);
    run_case("doctype", "<!DOCTYPE x [<!ENTITY a 'b'>]>" HEADER, "restricted-xml", NULL);
    run_case("pi", HEADER "<?evil stuff?>", "restricted-xml", NULL);
    run_case("mismatch", HEADER "<message><body>x</message>", "not-well-formed", NULL);
    run_case("bad utf-8", HEADER "<message><body>\xed\xa0\x80</body></message>", "not-well-formed",
             NULL);
    run_case("unquoted", HEADER "<message to=x/>", "not-well-formed", NULL);
    run_case("no version",
             "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
             "xmlns:stream='http://etherx.jabber.org/streams' id='x'>" STARTTLS_FEATURES,
             "unsupported-version", "<starttls");
}

static void test_limits(void)
{
    static char deep[4096];
    size_t n = (size_t)snprintf(deep, sizeof deep, "%s", HEADER);
    for (int i = 0; i < 70 && n + 4 < sizeof deep; i++)
        n += (size_t)snprintf(deep + n, sizeof deep - n, "<a>");
    run_case("depth", deep, "policy-violation", NULL);

    size_t big_len = 1024 * 1024 + 4096;
    char *big = malloc(big_len + 1);
    n = (size_t)snprintf(big, big_len, "%s<message><body>", HEADER);
    memset(big + n, 'x', big_len - n);
    big[big_len] = '\0';
    run_case("size", big, "policy-violation", NULL);
    free(big);
}

static int in_reconnect_wait(void *arg)
{
    return session_state(((struct tclient *)arg)->s) == SESSION_RECONNECT_WAIT;
}

static void test_silent_and_hangup(void)
{
    /* A server that accepts and then says nothing: the login deadline
     * turns it into a retry, not a hang. */
    struct fake_server fs;
    struct tclient c;
    server_start(&fs, "", 0);
    client_for(&c, &fs, true, 300);
    session_connect(c.s);
    CHECK(harness_wait(&loop, in_reconnect_wait, &c, 3000));
    CHECK(session_reconnect_in(c.s) >= 1);
    session_disconnect(c.s, NULL);
    CHECK(session_state(c.s) == SESSION_OFFLINE);
    harness_free(&c, &loop);
    server_stop(&fs);

    /* A server that hangs up at once. */
    server_start(&fs, HEADER, strlen(HEADER));
    fs.hang_up = true;
    client_for(&c, &fs, true, 3000);
    session_connect(c.s);
    CHECK(harness_wait(&loop, in_reconnect_wait, &c, 3000));
    session_disconnect(c.s, NULL);
    harness_free(&c, &loop);
    server_stop(&fs);
}

/* see-other-host (RFC 6120 §4.9.3.19) sends the client to another
 * server at once, and the new server gets the whole negotiation again. */
static void test_see_other_host(void)
{
    struct fake_server first, second;
    struct tclient c;
    static char redirect[512];
    server_start(&second, HEADER STARTTLS_FEATURES, strlen(HEADER STARTTLS_FEATURES));
    snprintf(redirect, sizeof redirect,
             HEADER "<stream:error><see-other-host xmlns='urn:ietf:params:xml:ns:xmpp-streams'>"
                    "127.0.0.1:%d</see-other-host></stream:error></stream:stream>",
             second.port);
    server_start(&first, redirect, strlen(redirect));
    client_for(&c, &first, false, 5000);
    session_connect(c.s);
    waiting_server = &second;
    CHECK(harness_wait(&loop, server_got, (void *)"<starttls", 5000));
    CHECK(strstr(c.last_error, "see-other-host") != NULL);
    session_disconnect(c.s, NULL);
    harness_free(&c, &loop);
    server_stop(&first);
    server_stop(&second);
}

/* --- channel binding, past TLS --- */

#define PASSWORD "secret-password"
#define GUARD_MS 8000
#define NS_SASL_ATTR "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'"
#define MECH(name) "<mechanism>" name "</mechanism>"
#define PLUS_MECHS MECH("SCRAM-SHA-256-PLUS") MECH("SCRAM-SHA-1-PLUS") MECH("SCRAM-SHA-256")
#define PLAIN_MECHS MECH("SCRAM-SHA-256") MECH("SCRAM-SHA-1")
#define CB_LIST(types)                                                                             \
    "<sasl-channel-binding xmlns='urn:xmpp:sasl-cb:0'>" types "</sasl-channel-binding>"
#define CB(type) "<channel-binding type='" type "'/>"
/* Stream header and features, as the answer to the client's header. */
#define FEATURES(mechs, list)                                                                      \
    HEADER "<stream:features><mechanisms " NS_SASL_ATTR ">" mechs "</mechanisms>" list             \
           "</stream:features>"
#define FAILURE(cond, text) "<failure " NS_SASL_ATTR "><" cond "/>" text "</failure>"
#define TEXT(t) "<text xml:lang='en'>" t "</text>"
#define REFUSE_BINDING FAILURE("not-authorized", TEXT("Invalid channel binding"))
#define REFUSE_PASSWORD FAILURE("not-authorized", TEXT("Invalid username or password"))
#define REFUSE_SILENTLY FAILURE("not-authorized", "")

/* A script: features after the client's header, `reply` to its <auth/>. */
struct sasl_script {
    struct ts_step steps[3];
};

static const struct ts_step *sasl_script(struct sasl_script *sc, const char *features,
                                         const char *reply)
{
    sc->steps[0] = (struct ts_step){"<stream:stream", features};
    sc->steps[1] = (struct ts_step){"</auth>", reply};
    sc->steps[2] = (struct ts_step){NULL, NULL};
    return sc->steps;
}

struct cb_client {
    struct tclient c; /* first: the harness's handler is given this */
    int errors;       /* SESSION_EV_ERROR */
    char auth_text[512];
    int tls12_notices;
    unsigned longest_wait; /* seconds, the longest reconnection delay */
    int failed_before;     /* check_failed_count when the case began */
};

static void on_cb_event(void *ud, const struct session_event *ev)
{
    struct cb_client *cc = ud;
    harness_on_event(&cc->c, ev);
    if (ev->type == SESSION_EV_ERROR)
        cc->errors++;
    if (ev->type == SESSION_EV_AUTH_FAILED)
        snprintf(cc->auth_text, sizeof cc->auth_text, "%s", ev->text ? ev->text : "");
    if (ev->type == SESSION_EV_INFO && ev->text &&
        strncmp(ev->text, "channel binding:", 16) == 0 && strstr(ev->text, "TLS 1.2"))
        cc->tls12_notices++;
    if (ev->type == SESSION_EV_STATE && ev->state == SESSION_RECONNECT_WAIT &&
        session_reconnect_in(cc->c.s) > cc->longest_wait)
        cc->longest_wait = session_reconnect_in(cc->c.s);
}

/* Logs in to the scripted server, reconnecting as the app does, until the
 * session gives up by itself: every case here must end offline, and one
 * still trying after GUARD_MS loops. `binding` is the account's
 * channel_binding setting; timeout_ms bounds each login. Returns whether
 * it ended. */
static bool cb_login(struct cb_client *cc, struct ts_server *ts, const char *binding,
                     unsigned timeout_ms)
{
    memset(cc, 0, sizeof *cc);
    char err[200] = "";
    struct session_config cfg = {
        .jid = "victim@localhost",
        .password = PASSWORD,
        .server = "127.0.0.1",
        .port = ts->port,
        .tls = CONN_TLS_DIRECT,
        .ca_file = harness_env("TUKTUK_TEST_CA"),
        .reconnect = true,
        .connect_timeout_ms = timeout_ms,
        .channel_binding = binding,
    };
    cc->failed_before = check_failed_count;
    cc->c.s = session_new(&loop, &cfg, on_cb_event, cc, err, sizeof err);
    cc->c.secret = PASSWORD;
    if (!cc->c.s) {
        fprintf(stderr, "session_new: %s\n", err);
        return false;
    }
    session_connect(cc->c.s);
    return harness_wait(&loop, harness_is_offline, &cc->c, GUARD_MS);
}

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* What every case checks at the end: it ended, and the password never
 * left (only PLAIN, when a case allows it, carries it, inside TLS). A
 * failed case shows what the server saw. */
static void cb_end(struct cb_client *cc, struct ts_server *ts, const char *name, bool ended,
                   bool plain_ok)
{
    CHECK(ended);
    CHECK(strstr(ts->received, PASSWORD) == NULL);
    for (int i = 0; i < ts->nauths && !plain_ok; i++)
        CHECK(strcmp(ts->auth_mech[i], "PLAIN") != 0);
    CHECK(cc->c.saw_secret_in_xml == 0);
    if (check_failed_count > cc->failed_before)
        fprintf(stderr,
                "case %s: ended=%d connections=%d auths=%d (%s | %s | %s) versions %s %s %s "
                "error \"%s\" auth failed %d \"%s\"\n",
                name, ended, ts->connections, ts->nauths, ts->auth[0], ts->auth[1], ts->auth[2],
                ts->version[0], ts->version[1], ts->version[2], cc->c.last_error, cc->c.auth_failed,
                cc->auth_text);
    harness_free(&cc->c, &loop);
    ts_stop(ts);
}

#define NO_SHARED_TYPE "cannot log in: the server wants channel binding (-PLUS) but tuktuk and the"
#define NOT_ACCEPTED "login refused: the server did not accept channel binding ("

/* -PLUS offered, but the list names nothing tuktuk knows: no login can
 * be bound, and an unbound one is what an attacker would want. One
 * connection, no <auth/> at all, a fatal error that says why. */
static void test_cb_unknown_types(void)
{
    static const char *const features[] = {
        FEATURES(PLUS_MECHS, CB_LIST(CB("tls-bogus"))),
        FEATURES(PLUS_MECHS, "<sasl-channel-binding xmlns='urn:xmpp:sasl-cb:0'/>"),
        FEATURES(PLUS_MECHS, CB_LIST("<channel-binding/>")),
        FEATURES(PLUS_MECHS, CB_LIST(CB("") CB("tls-exporter-ish") CB("tls-") CB("p=tls-unique"))),
        /* Known names in the wrong places do not count either. */
        FEATURES(PLUS_MECHS, CB_LIST("<channel-binding xmlns='urn:xmpp:sasl-cb:1' "
                                     "type='tls-exporter'/><other type='tls-exporter'/>"
                                     "<channel-binding><type>tls-exporter</type>"
                                     "</channel-binding>")),
    };
    size_t n = sizeof features / sizeof features[0];
    for (size_t i = 0; i < 2 * n; i++) {
        struct ts_server ts;
        struct cb_client cc;
        struct sasl_script sc;
        /* Each list on TLS 1.3, then on a server that speaks only 1.2. */
        bool tls12 = i >= n;
        if (ts_start(&ts, &loop, 0, tls12 ? TLS1_2_VERSION : 0) < 0) {
            CHECK(!"tls server");
            return;
        }
        ts.scripts[0] = sasl_script(&sc, features[i % n], REFUSE_BINDING);
        bool ended = cb_login(&cc, &ts, NULL, 3000);
        CHECK(ts.connections == 1);
        CHECK(ts.nauths == 0);
        CHECK(strstr(ts.received, "<auth") == NULL);
        CHECK(starts(cc.c.last_error, NO_SHARED_TYPE));
        CHECK(strstr(cc.c.last_error, "listed only types tuktuk does not know") != NULL);
        CHECK(cc.errors == 1);
        CHECK(cc.c.auth_failed == 0);
        CHECK_STR(ts.version[0], tls12 ? "TLSv1.2" : "TLSv1.3");
        cb_end(&cc, &ts, "unknown types", ended, false);
    }
}

/* The list has only tls-server-end-point, which the server then
 * refuses as a binding: nothing else may be tried (tls-unique is not
 * listed, so no TLS 1.2 either), and the login stops saying it is the
 * binding, not the password. */
static void test_cb_end_point_refused(void)
{
    struct ts_server ts;
    struct cb_client cc;
    struct sasl_script sc;
    if (ts_start(&ts, &loop, 0, 0) < 0) {
        CHECK(!"tls server");
        return;
    }
    ts.scripts[0] =
        sasl_script(&sc, FEATURES(PLUS_MECHS, CB_LIST(CB("tls-server-end-point"))), REFUSE_BINDING);
    bool ended = cb_login(&cc, &ts, NULL, 3000);
    CHECK(ts.nauths == 1);
    CHECK(starts(ts.auth[0], "p=tls-server-end-point,,n=victim,r="));
    CHECK_STR(ts.auth_mech[0], "SCRAM-SHA-256-PLUS");
    /* The refusal leaves this connection nothing: no other is opened
     * just to find that out. */
    CHECK(ts.connections == 1);
    CHECK(starts(cc.c.last_error, NOT_ACCEPTED "tls-server-end-point: Invalid channel binding)"));
    CHECK(cc.errors == 1);
    CHECK(cc.c.auth_failed == 0);
    CHECK(cc.tls12_notices == 0);
    cb_end(&cc, &ts, "end-point refused", ended, false);
}

/* No list on TLS 1.3: tls-exporter only (RFC 9266). Refused as a
 * binding, TLS 1.2 comes next with tls-unique (RFC 5929), then
 * tls-server-end-point on that same TLS 1.2; all refused, the error names
 * each. */
static void test_cb_exporter_then_tls12(void)
{
    struct ts_server ts;
    struct cb_client cc;
    struct sasl_script sc;
    if (ts_start(&ts, &loop, 0, 0) < 0) {
        CHECK(!"tls server");
        return;
    }
    ts.scripts[0] = sasl_script(&sc, FEATURES(PLUS_MECHS, ""), REFUSE_BINDING);
    bool ended = cb_login(&cc, &ts, NULL, 3000);
    CHECK(ts.nauths == 3);
    CHECK(starts(ts.auth[0], "p=tls-exporter,,"));
    CHECK_STR(ts.version[0], "TLSv1.3");
    /* The very next connection is the TLS 1.2 one. */
    CHECK(starts(ts.auth[1], "p=tls-unique,,"));
    CHECK(ts.auth_conn[1] == 1);
    CHECK_STR(ts.version[1], "TLSv1.2");
    CHECK(starts(ts.auth[2], "p=tls-server-end-point,,"));
    CHECK_STR(ts.version[2], "TLSv1.2");
    CHECK(ts.connections == 3);
    CHECK(cc.tls12_notices == 1);
    CHECK(starts(cc.c.last_error, NOT_ACCEPTED "tls-exporter: Invalid channel binding; "
                                               "tls-unique: Invalid channel binding; "
                                               "tls-server-end-point: Invalid channel binding)"));
    CHECK(cc.c.auth_failed == 0);
    cb_end(&cc, &ts, "exporter then TLS 1.2", ended, false);

    /* A list of tls-unique alone on TLS 1.3, where it does not exist,
     * goes to TLS 1.2 at once, without an <auth/> on 1.3. */
    if (ts_start(&ts, &loop, 0, 0) < 0)
        return;
    ts.scripts[0] =
        sasl_script(&sc, FEATURES(PLUS_MECHS, CB_LIST(CB("tls-unique"))), REFUSE_BINDING);
    ended = cb_login(&cc, &ts, NULL, 3000);
    CHECK(ts.nauths == 1);
    CHECK(starts(ts.auth[0], "p=tls-unique,,"));
    CHECK(ts.auth_conn[0] == 1);
    CHECK_STR(ts.version[0], "TLSv1.3");
    CHECK_STR(ts.version[1], "TLSv1.2");
    CHECK(ts.connections == 2);
    CHECK(starts(cc.c.last_error, NOT_ACCEPTED "tls-unique: Invalid channel binding)"));
    cb_end(&cc, &ts, "tls-unique listed", ended, false);
}

/* A refusal that gives another reason is about the credentials: the
 * usual AUTH_FAILED at once, no other binding, no other connection. */
static void test_cb_wrong_password(void)
{
    static const char *const features[] = {
        FEATURES(PLUS_MECHS, ""),
        FEATURES(PLUS_MECHS, CB_LIST(CB("tls-exporter") CB("tls-server-end-point"))),
    };
    for (int i = 0; i < 2; i++) {
        struct ts_server ts;
        struct cb_client cc;
        struct sasl_script sc;
        if (ts_start(&ts, &loop, 0, 0) < 0) {
            CHECK(!"tls server");
            return;
        }
        ts.scripts[0] = sasl_script(&sc, features[i], REFUSE_PASSWORD);
        bool ended = cb_login(&cc, &ts, NULL, 3000);
        CHECK(ts.connections == 1);
        CHECK(ts.nauths == 1);
        CHECK(starts(ts.auth[0], "p=tls-exporter,,"));
        CHECK(cc.c.auth_failed == 1);
        CHECK_STR(cc.c.auth_condition, "not-authorized");
        CHECK_STR(cc.auth_text, "login refused: not-authorized (Invalid username or password)");
        CHECK(cc.errors == 0);
        cb_end(&cc, &ts, "wrong password", ended, false);
    }
}

/* Refusals that name nothing may be the password as well: after the
 * listed types, an AUTH_FAILED that shows what was tried. */
static void test_cb_silent_refusals(void)
{
    struct ts_server ts;
    struct cb_client cc;
    struct sasl_script sc;
    if (ts_start(&ts, &loop, 0, 0) < 0) {
        CHECK(!"tls server");
        return;
    }
    ts.scripts[0] = sasl_script(
        &sc, FEATURES(PLUS_MECHS, CB_LIST(CB("tls-exporter") CB("tls-server-end-point"))),
        REFUSE_SILENTLY);
    bool ended = cb_login(&cc, &ts, NULL, 3000);
    CHECK(ts.nauths == 2);
    CHECK(starts(ts.auth[0], "p=tls-exporter,,"));
    CHECK(starts(ts.auth[1], "p=tls-server-end-point,,"));
    CHECK(ts.connections == 2);
    CHECK(cc.c.auth_failed == 1);
    CHECK_STR(cc.auth_text,
              "login refused (tls-exporter: not-authorized; tls-server-end-point: not-authorized)");
    CHECK(cc.errors == 0);
    cb_end(&cc, &ts, "silent refusals", ended, false);
}

/* The gs2 header for what the server offers and lists. No -PLUS
 * offered although we could bind: "y" (RFC 5802 §6), so that a server
 * that did offer -PLUS (an attacker stripped it) refuses us. The account
 * setting channel_binding = none gives "n" even when -PLUS is offered,
 * and a type it names is the one used. A list in another namespace is no
 * list; one that names a type twice is still that type. */
static void test_cb_gs2_flags(void)
{
    static const struct {
        const char *features, *binding, *gs2, *mech;
        int max_version;
    } cases[] = {
        {FEATURES(PLAIN_MECHS, CB_LIST(CB("tls-exporter") CB("tls-server-end-point"))), NULL,
         "y,,n=victim,r=", "SCRAM-SHA-256", 0},
        {FEATURES(PLAIN_MECHS, ""), NULL, "y,,n=victim,r=", "SCRAM-SHA-256", 0},
        {FEATURES(PLAIN_MECHS, CB_LIST(CB("tls-unique"))), NULL, "y,,", "SCRAM-SHA-256",
         TLS1_2_VERSION},
        {FEATURES(PLUS_MECHS, CB_LIST(CB("tls-exporter"))), "none",
         "n,,n=victim,r=", "SCRAM-SHA-256", 0},
        {FEATURES(MECH("SCRAM-SHA-1-PLUS") MECH("SCRAM-SHA-1"), ""), NULL, "p=tls-exporter,,",
         "SCRAM-SHA-1-PLUS", 0},
        {FEATURES(PLUS_MECHS, ""), "tls-server-end-point", "p=tls-server-end-point,,",
         "SCRAM-SHA-256-PLUS", 0},
        {FEATURES(PLUS_MECHS, "<sasl-channel-binding xmlns='urn:xmpp:sasl-cb:1'>" CB(
                                  "tls-server-end-point") "</sasl-channel-binding>"),
         NULL, "p=tls-exporter,,", "SCRAM-SHA-256-PLUS", 0},
        {FEATURES(PLUS_MECHS,
                  CB_LIST(CB("tls-server-end-point") CB("tls-bogus") CB("tls-server-end-point"))),
         NULL, "p=tls-server-end-point,,", "SCRAM-SHA-256-PLUS", 0},
        {FEATURES(PLUS_MECHS, CB_LIST(CB("tls-server-end-point") CB("tls-unique"))), NULL,
         "p=tls-unique,,", "SCRAM-SHA-256-PLUS", TLS1_2_VERSION},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ts_server ts;
        struct cb_client cc;
        struct sasl_script sc;
        if (ts_start(&ts, &loop, 0, cases[i].max_version) < 0) {
            CHECK(!"tls server");
            return;
        }
        ts.scripts[0] = sasl_script(&sc, cases[i].features, REFUSE_PASSWORD);
        bool ended = cb_login(&cc, &ts, cases[i].binding, 3000);
        CHECK(ts.nauths == 1);
        if (!starts(ts.auth[0], cases[i].gs2))
            fprintf(stderr, "gs2 case %zu: %s\n", i, ts.auth[0]);
        CHECK(starts(ts.auth[0], cases[i].gs2));
        CHECK_STR(ts.auth_mech[0], cases[i].mech);
        CHECK(cc.c.auth_failed == 1);
        cb_end(&cc, &ts, "gs2 flags", ended, false);
    }
}

/* A server that speaks only TLS 1.3 refuses tls-exporter: the try at
 * TLS 1.2 fails in the handshake, and the login ends with the binding's
 * reason, at once and without going round again. */
static void test_cb_no_tls12(void)
{
    struct ts_server ts;
    struct cb_client cc;
    struct sasl_script sc;
    if (ts_start(&ts, &loop, TLS1_3_VERSION, 0) < 0) {
        CHECK(!"tls server");
        return;
    }
    ts.scripts[0] = sasl_script(&sc, FEATURES(PLUS_MECHS, ""), REFUSE_BINDING);
    bool ended = cb_login(&cc, &ts, NULL, 3000);
    CHECK(ts.nauths == 1);
    CHECK(starts(ts.auth[0], "p=tls-exporter,,"));
    CHECK(ts.handshake_failures == 1);
    CHECK(ts.connections == 3);
    CHECK(starts(cc.c.last_error, NOT_ACCEPTED "tls-exporter: Invalid channel binding)"));
    CHECK(cc.c.auth_failed == 0);
    /* Straight back to TLS 1.3: no backoff delay in between. */
    CHECK(cc.longest_wait == 0);
    cb_end(&cc, &ts, "no TLS 1.2", ended, false);
}

/* A server behind something that swallows TLS 1.2 without a word: the
 * login deadline ends that try, and it is the last one; the login ends
 * with the binding's reason instead of waiting for TLS 1.2 again and
 * again. */
static void test_cb_tls12_silent(void)
{
    struct ts_server ts;
    struct cb_client cc;
    struct sasl_script sc;
    if (ts_start(&ts, &loop, TLS1_3_VERSION, 0) < 0) {
        CHECK(!"tls server");
        return;
    }
    ts.mute_on_failure = true;
    ts.scripts[0] = sasl_script(&sc, FEATURES(PLUS_MECHS, ""), REFUSE_BINDING);
    bool ended = cb_login(&cc, &ts, NULL, 1000);
    CHECK(ts.nauths == 1);
    CHECK(ts.handshake_failures == 1);
    CHECK(ts.connections == 3);
    CHECK_STR(ts.version[1], "");
    CHECK_STR(ts.version[2], "TLSv1.3");
    CHECK(starts(cc.c.last_error, NOT_ACCEPTED "tls-exporter: Invalid channel binding)"));
    CHECK(cc.longest_wait == 0);
    cb_end(&cc, &ts, "TLS 1.2 silent", ended, false);
}

/* A connection lost on the way (the server restarting) is not the server
 * refusing TLS 1.2: the binding types TLS 1.2 has are still tried. */
static void test_cb_tls12_interrupted(void)
{
    struct ts_server ts;
    struct cb_client cc;
    struct sasl_script sc;
    static const struct ts_step hang_up_at_once[] = {{"", NULL}, {NULL, NULL}};
    if (ts_start(&ts, &loop, 0, 0) < 0) {
        CHECK(!"tls server");
        return;
    }
    const struct ts_step *refuse = sasl_script(&sc, FEATURES(PLUS_MECHS, ""), REFUSE_BINDING);
    ts.scripts[0] = refuse;          /* TLS 1.3: tls-exporter refused */
    ts.scripts[1] = refuse;          /* TLS 1.2: tls-unique refused */
    ts.scripts[2] = hang_up_at_once; /* the server is away for a moment */
    ts.scripts[3] = refuse;          /* TLS 1.2 again: tls-server-end-point */
    bool ended = cb_login(&cc, &ts, NULL, 3000);
    CHECK(ts.nauths == 3);
    CHECK(starts(ts.auth[1], "p=tls-unique,,"));
    CHECK(starts(ts.auth[2], "p=tls-server-end-point,,"));
    CHECK(ts.auth_conn[2] == 3);
    CHECK_STR(ts.version[3], "TLSv1.2");
    CHECK(ts.connections == 4);
    CHECK(strstr(cc.c.last_error, "tls-server-end-point: Invalid channel binding") != NULL);
    cb_end(&cc, &ts, "TLS 1.2 interrupted", ended, false);
}

/* A -PLUS login sent elsewhere before the answer (see-other-host, which
 * reconnects at once), then a server that offers PLAIN only and refuses
 * it: that refusal is about the password, not about a binding the
 * connection before had in flight. */
static void test_cb_stale_attempt(void)
{
    struct ts_server ts;
    struct cb_client cc;
    struct sasl_script sc1, sc2;
    static char redirect[300];
    if (ts_start(&ts, &loop, 0, 0) < 0) {
        CHECK(!"tls server");
        return;
    }
    snprintf(redirect, sizeof redirect,
             "<stream:error><see-other-host xmlns='urn:ietf:params:xml:ns:xmpp-streams'>"
             "127.0.0.1:%d</see-other-host></stream:error></stream:stream>",
             ts.port);
    ts.scripts[0] = sasl_script(&sc1, FEATURES(PLUS_MECHS, ""), redirect);
    ts.scripts[1] = sasl_script(&sc2, FEATURES(MECH("PLAIN"), ""), REFUSE_SILENTLY);
    bool ended = cb_login(&cc, &ts, NULL, 3000);
    CHECK(ts.nauths == 2);
    CHECK(starts(ts.auth[0], "p=tls-exporter,,"));
    CHECK_STR(ts.auth_mech[1], "PLAIN");
    CHECK(ts.connections == 2);
    CHECK(cc.c.auth_failed == 1);
    CHECK_STR(cc.auth_text, "login refused: not-authorized");
    CHECK(cc.tls12_notices == 0);
    /* PLAIN carries the password, inside TLS: the one case it leaves. */
    cb_end(&cc, &ts, "stale attempt", ended, true);
}


/* --- the message archive (XEP-0313) and XEP-0359 ids ---
 *
 * The scripted server logs the client in with PLAIN (inside TLS) and
 * answers its archive queries with what a hostile archive or a peer could
 * send: results from the wrong entity or for a query never asked, a page
 * that overflows its max, a page repeating the last id, and stanza-ids
 * stamped by someone we do not trust. */

#define NS_MAM_ATTR "xmlns='urn:xmpp:mam:2'"
#define FWD(body)                                                                                  \
    "<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' "                         \
    "stamp='2020-01-02T03:04:05Z'/><message xmlns='jabber:client' from='boss@localhost/x' "        \
    "type='chat'><body>" body "</body></message></forwarded>"
#define RESULT(from, qid, id, body)                                                                \
    "<message" from " to='victim@localhost/r'><result " NS_MAM_ATTR " queryid='" qid "' id='" id   \
    "'>" FWD(body) "</result></message>"
#define FIN(complete, first, last)                                                                 \
    "<iq type='result' id='{id}'><fin " NS_MAM_ATTR complete ">"                                   \
    "<set xmlns='http://jabber.org/protocol/rsm'><first>" first "</first><last>" last              \
    "</last></set></fin></iq>"
#define R10(from, id)                                                                              \
    RESULT(from, "{queryid}", id, "flood") RESULT(from, "{queryid}", id, "flood")                  \
    RESULT(from, "{queryid}", id, "flood") RESULT(from, "{queryid}", id, "flood")                  \
    RESULT(from, "{queryid}", id, "flood") RESULT(from, "{queryid}", id, "flood")                  \
    RESULT(from, "{queryid}", id, "flood") RESULT(from, "{queryid}", id, "flood")                  \
    RESULT(from, "{queryid}", id, "flood") RESULT(from, "{queryid}", id, "flood")

struct mam_client {
    struct tclient c; /* first: the harness's handler is given this */
    int archived, live, ignored;
    char bodies[64][64];
    char live_sid[4][64];
    char mam_sub[8][16], mam_text[8][64], mam_cond[8][64];
    int nmam;
};

static void on_mam_event(void *ud, const struct session_event *ev)
{
    struct mam_client *mc = ud;
    harness_on_event(&mc->c, ev);
    if (ev->type == SESSION_EV_MESSAGE && ev->msg->archived && mc->archived < 64)
        snprintf(mc->bodies[mc->archived++], sizeof mc->bodies[0], "%s",
                 ev->msg->body ? ev->msg->body : "");
    if (ev->type == SESSION_EV_MESSAGE && !ev->msg->archived && mc->live < 4)
        snprintf(mc->live_sid[mc->live++], sizeof mc->live_sid[0], "%s",
                 ev->msg->stanza_id ? ev->msg->stanza_id : "(none)");
    if (ev->type == SESSION_EV_INFO && ev->text && strstr(ev->text, "ignored an archive result"))
        mc->ignored++;
    if (ev->type == SESSION_EV_MAM && mc->nmam < 8) {
        snprintf(mc->mam_sub[mc->nmam], sizeof mc->mam_sub[0], "%s", ev->sub_type);
        snprintf(mc->mam_text[mc->nmam], sizeof mc->mam_text[0], "%s", ev->text ? ev->text : "");
        snprintf(mc->mam_cond[mc->nmam], sizeof mc->mam_cond[0], "%s",
                 ev->condition ? ev->condition : "");
        mc->nmam++;
    }
}

static int mam_events(void *arg)
{
    struct mam_client *mc = arg;
    return mc->nmam > 0 && strcmp(mc->mam_sub[mc->nmam - 1], "page") != 0;
}

static void test_mam_forged(void)
{
    static const struct ts_step script[] = {
        {"<stream:stream", FEATURES(MECH("PLAIN"), "")},
        {"</auth>", "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"},
        {"<stream:stream", HEADER "<stream:features><bind "
                                  "xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>"},
        {"urn:ietf:params:xml:ns:xmpp-bind",
         "<iq type='result' id='{id}'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
         "<jid>victim@localhost/r</jid></bind></iq>"},
        {"jabber:iq:roster", "<iq type='result' id='{id}'><query xmlns='jabber:iq:roster'/></iq>"},
        /* The first query: forgeries around one genuine result, and live
         * messages with stanza-ids only some of which can be believed. */
        {"queryid=",
         RESULT(" from='eve@evil.example'", "{queryid}", "f1", "forged: wrong from")
             RESULT(" from='victim@localhost/other'", "{queryid}", "f2", "forged: a resource")
                 RESULT("", "not-a-query-of-ours", "f3", "forged: unknown queryid")
                     RESULT(" from='victim@localhost'", "{queryid}", "g1", "genuine")
                         FIN(" complete='true'", "g1", "g1")
                             "<message from='peer@localhost/x' type='chat'><body>a</body>"
                             "<stanza-id xmlns='urn:xmpp:sid:0' by='peer@localhost' id='bad1'/>"
                             "</message>"
                             "<message from='peer@localhost/x' type='chat'><body>b</body>"
                             "<stanza-id xmlns='urn:xmpp:sid:0' by='peer@localhost' id='bad2'/>"
                             "<stanza-id xmlns='urn:xmpp:sid:0' by='victim@localhost' id='ok1'/>"
                             "</message>"
                             "<message from='room@conference.localhost/x' type='groupchat'>"
                             "<body>c</body><stanza-id xmlns='urn:xmpp:sid:0' "
                             "by='room@conference.localhost' id='bad3'/></message>"},
        /* The second (max 2): 20 results, then the same last id again. */
        {"queryid=", R10(" from='victim@localhost'", "a") R10(" from='victim@localhost'", "a")
                               FIN("", "a", "a")},
        {"queryid=", RESULT(" from='victim@localhost'", "{queryid}", "a", "again")
                               FIN("", "a", "a")},
        /* The third: the connection drops while it is in flight. */
        {"queryid=", NULL},
        {NULL, NULL}};
    struct ts_server ts;
    struct mam_client mc;
    if (ts_start(&ts, &loop, 0, 0) < 0) {
        CHECK(!"tls server");
        return;
    }
    ts.scripts[0] = script;
    memset(&mc, 0, sizeof mc);
    char err[200] = "";
    struct session_config cfg = {.jid = "victim@localhost/r",
                                 .password = PASSWORD,
                                 .server = "127.0.0.1",
                                 .port = ts.port,
                                 .tls = CONN_TLS_DIRECT,
                                 .ca_file = harness_env("TUKTUK_TEST_CA"),
                                 .connect_timeout_ms = 5000};
    mc.c.s = session_new(&loop, &cfg, on_mam_event, &mc, err, sizeof err);
    CHECK(mc.c.s != NULL);
    if (!mc.c.s) {
        ts_stop(&ts);
        return;
    }
    session_connect(mc.c.s);
    CHECK(harness_wait(&loop, harness_is_online, &mc.c, GUARD_MS));
    CHECK(!session_resumed(mc.c.s));

    struct session_mam_query q = {.archive = NULL};
    CHECK(session_mam_query(mc.c.s, &q, NULL, 0) == 0);
    CHECK(harness_wait(&loop, mam_events, &mc, GUARD_MS));
    CHECK(mc.archived == 1);
    CHECK_STR(mc.bodies[0], "genuine");
    CHECK(mc.ignored == 3);
    CHECK(mc.nmam == 1);
    CHECK_STR(mc.mam_sub[0], "complete");
    CHECK_STR(mc.mam_text[0], "g1");
    /* XEP-0359: only our server's stamp on a chat message is believed, and
     * a room's only from a room we are in. */
    CHECK(mc.live == 3);
    CHECK_STR(mc.live_sid[0], "(none)");
    CHECK_STR(mc.live_sid[1], "ok1");
    CHECK_STR(mc.live_sid[2], "(none)");

    /* A page beyond its max is cut at max + slack, and a repeated last id
     * ends the query instead of paging forever. */
    mc.nmam = 0;
    mc.archived = 0;
    q.max = 2;
    CHECK(session_mam_query(mc.c.s, &q, NULL, 0) == 0);
    CHECK(harness_wait(&loop, mam_events, &mc, GUARD_MS));
    CHECK(mc.archived == 2 + 16 + 1);
    CHECK(mc.ignored == 4);
    CHECK(mc.nmam == 2);
    CHECK_STR(mc.mam_sub[0], "page");
    CHECK_STR(mc.mam_sub[1], "error");
    CHECK_STR(mc.mam_cond[1], "undefined-condition");
    const char *third = strstr(ts.received, "queryid=");
    for (int i = 0; third && i < 2; i++)
        third = strstr(third + 1, "queryid=");
    CHECK(third != NULL); /* the second page was asked... */
    CHECK(third && strstr(third + 1, "queryid=") == NULL); /* ...and no third */

    /* A query cut by a lost connection ends, as "gone". */
    mc.nmam = 0;
    CHECK(session_mam_query(mc.c.s, &q, NULL, 0) == 0);
    CHECK(harness_wait(&loop, mam_events, &mc, GUARD_MS));
    CHECK(mc.nmam == 1);
    CHECK_STR(mc.mam_sub[0], "error");
    CHECK_STR(mc.mam_cond[0], "gone");
    harness_free(&mc.c, &loop);
    ts_stop(&ts);
}

/* What rooms say of themselves (xmpp/mucinfo.c): one that answers its
 * disco#info with an error counts as neither members-only nor
 * non-anonymous, so OMEMO refuses it rather than wait for ever; one
 * whose member lists name 1,200 JIDs keeps MUC_MEMBERS_MAX of them and
 * is marked cut. */
#define SELF_IN(room)                                                                              \
    "<presence from='" room "@conference.localhost/me' to='victim@localhost/r'>"                   \
    "<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='owner' role='moderator' "   \
    "jid='victim@localhost/r'/><status code='110'/></x></presence>"

static char *member_list(int from, int n)
{
    size_t cap = 200 + (size_t)n * 64;
    char *out = malloc(cap);
    if (!out)
        abort();
    size_t used = (size_t)snprintf(out, cap,
                                   "<iq type='result' id='{id}' from='r2@conference.localhost'>"
                                   "<query xmlns='http://jabber.org/protocol/muc#admin'>");
    for (int i = from; i < from + n; i++)
        used += (size_t)snprintf(out + used, cap - used,
                                 "<item affiliation='member' jid='m%d@localhost'/>", i);
    snprintf(out + used, cap - used, "</query></iq>");
    return out;
}

static int room_known(void *arg)
{
    const struct muc_room *r1 = session_muc_room(arg, "r1@conference.localhost");
    return r1 && r1->info_known;
}

static int rooms_known(void *arg)
{
    struct session *s = arg;
    const struct muc_room *r1 = session_muc_room(s, "r1@conference.localhost");
    const struct muc_room *r2 = session_muc_room(s, "r2@conference.localhost");
    return r1 && r1->info_known && r2 && r2->info_known && r2->nmembers >= MUC_MEMBERS_MAX;
}

static void test_rooms_forged(void)
{
    char *lists[3] = {member_list(0, 400), member_list(400, 400), member_list(800, 400)};
    const struct ts_step script[] = {
        {"<stream:stream", FEATURES(MECH("PLAIN"), "")},
        {"</auth>", "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"},
        {"<stream:stream", HEADER "<stream:features><bind "
                                  "xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>"},
        {"urn:ietf:params:xml:ns:xmpp-bind",
         "<iq type='result' id='{id}'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
         "<jid>victim@localhost/r</jid></bind></iq>"},
        {"jabber:iq:roster", "<iq type='result' id='{id}'><query xmlns='jabber:iq:roster'/></iq>"},
        {"r1@conference.localhost/me", SELF_IN("r1")},
        {"disco#info", "<iq type='error' id='{id}' from='r1@conference.localhost'><error "
                       "type='cancel'><service-unavailable "
                       "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"},
        {"r2@conference.localhost/me", SELF_IN("r2")},
        {"disco#info", "<iq type='result' id='{id}' from='r2@conference.localhost'><query "
                       "xmlns='http://jabber.org/protocol/disco#info'><feature "
                       "var='muc_membersonly'/><feature var='muc_nonanonymous'/></query></iq>"},
        {"affiliation=\"owner\"", lists[0]},
        {"affiliation=\"admin\"", lists[1]},
        {"affiliation=\"member\"", lists[2]},
        {NULL, NULL}};
    struct ts_server ts;
    struct tclient c;
    memset(&c, 0, sizeof c);
    if (ts_start(&ts, &loop, 0, 0) < 0) {
        CHECK(!"tls server");
        return;
    }
    ts.scripts[0] = script;
    char err[200] = "";
    struct session_config cfg = {.jid = "victim@localhost/r",
                                 .password = PASSWORD,
                                 .server = "127.0.0.1",
                                 .port = ts.port,
                                 .tls = CONN_TLS_DIRECT,
                                 .ca_file = harness_env("TUKTUK_TEST_CA"),
                                 .connect_timeout_ms = 5000};
    c.s = session_new(&loop, &cfg, harness_on_event, &c, err, sizeof err);
    CHECK(c.s != NULL);
    if (c.s) {
        session_connect(c.s);
        CHECK(harness_wait(&loop, harness_is_online, &c, GUARD_MS));
        /* One after the other: the script answers in order. */
        CHECK(session_muc_join(c.s, "r1@conference.localhost", "me", NULL) == 0);
        CHECK(harness_wait(&loop, room_known, c.s, GUARD_MS));
        CHECK(session_muc_join(c.s, "r2@conference.localhost", "me", NULL) == 0);
        CHECK(harness_wait(&loop, rooms_known, c.s, GUARD_MS));
        const struct muc_room *r1 = session_muc_room(c.s, "r1@conference.localhost");
        const struct muc_room *r2 = session_muc_room(c.s, "r2@conference.localhost");
        CHECK(r1 && r1->info_known && !r1->members_only && !r1->non_anonymous);
        CHECK(r2 && r2->members_only && r2->non_anonymous);
        CHECK(r2 && r2->nmembers == MUC_MEMBERS_MAX && r2->members_cut);
        harness_free(&c, &loop);
    }
    ts_stop(&ts);
    for (int i = 0; i < 3; i++)
        free(lists[i]);
}

int main(void)
{
    uv_loop_init(&loop);
    test_see_other_host();
    test_stripped_starttls();
    test_forbidden_xml();
    test_limits();
    test_silent_and_hangup();
    test_cb_unknown_types();
    test_cb_end_point_refused();
    test_cb_exporter_then_tls12();
    test_cb_wrong_password();
    test_cb_silent_refusals();
    test_cb_gs2_flags();
    test_cb_no_tls12();
    test_cb_tls12_silent();
    test_cb_tls12_interrupted();
    test_cb_stale_attempt();
    test_mam_forged();
    test_rooms_forged();
    uv_run(&loop, UV_RUN_NOWAIT);
    return check_done();
}

/* test_hostile.c - a scripted hostile server on loopback, for what a real
 * server never does: strip STARTTLS, send malformed or forbidden XML,
 * exceed limits, fall silent, or hang up. The client must answer with the
 * right stream error, never send credentials in the clear, and neither
 * crash nor hang. */

#include <netinet/in.h>
#include <sys/socket.h>

#include "harness.h"

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

int main(void)
{
    uv_loop_init(&loop);
    test_see_other_host();
    test_stripped_starttls();
    test_forbidden_xml();
    test_limits();
    test_silent_and_hangup();
    uv_run(&loop, UV_RUN_NOWAIT);
    return check_done();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* harness.h - drives real sessions against the project's test server,
 * Prosody or ejabberd (started by tests/run, which exports TUKTUK_TEST_*;
 * TUKTUK_TEST_SERVER says which). Each client records what its
 * session reported so that tests can wait for a condition with a
 * deadline instead of sleeping. A test with accounts on both servers at
 * once names them with harness_target(). */
#ifndef TUKTUK_HARNESS_H
#define TUKTUK_HARNESS_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "../check.h"
#include "xmpp/session.h"

#define HARNESS_MAX_MSGS 64

struct tclient {
    struct session *s;
    int states[32];
    int nstates;
    int online_count;
    int roster_events;
    int auth_failed;
    char auth_condition[64];
    int cert_refused;
    char cert_sha256[96];
    char bound[256];
    char last_error[512];
    char bodies[HARNESS_MAX_MSGS][512];
    char from[HARNESS_MAX_MSGS][256];
    char types[HARNESS_MAX_MSGS][16];
    char threads[HARNESS_MAX_MSGS][64];
    char ids[HARNESS_MAX_MSGS][64];
    int nerrors;          /* messages of type error */
    char error_text[256]; /* the last one's condition */
    int nmsgs;
    char presence_from[256];
    int presence_show;
    char presence_status[256];
    int npresence;
    int unavailable_seen;
    char sub_from[256];
    char sub_type[32];
    int xml_events;
    char *roster_result; /* the last roster result received, as sent */
    size_t roster_result_len;
    int saw_secret_in_xml;
    int sasl_unredacted; /* SASL elements shown with their payload */
    char mechanism[32];
    char auth_info[200]; /* "authenticated with ...", as the session said it */
    unsigned char salt[256], salted[64];
    size_t salt_len, salted_len;
    unsigned iterations;
    const char *secret;
};

/* As in main.c: a write to a socket the server has closed must be an
 * error to handle, not a signal that kills the test (libuv writes with
 * write(2), which raises SIGPIPE). */
__attribute__((constructor)) static void harness_ignore_sigpipe(void)
{
    signal(SIGPIPE, SIG_IGN);
}

static inline const char *harness_env(const char *name)
{
    const char *v = getenv(name);
    if (!v || !*v) {
        fprintf(stderr, "missing %s: run this test through tests/run (make test)\n", name);
        printf("0 passed, 1 failed\n");
        exit(1);
    }
    return v;
}

static inline bool harness_contains(const char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; n && i + n <= len; i++)
        if (memcmp(hay + i, needle, n) == 0)
            return true;
    return false;
}

static inline void harness_on_event(void *ud, const struct session_event *ev)
{
    struct tclient *c = ud;
    if (ev->type == SESSION_EV_INFO && ev->text && strncmp(ev->text, "authenticated with", 18) == 0)
        snprintf(c->auth_info, sizeof c->auth_info, "%s", ev->text);
    switch (ev->type) {
    case SESSION_EV_STATE:
        if (c->nstates < 32)
            c->states[c->nstates++] = ev->state;
        if (ev->state == SESSION_ONLINE)
            c->online_count++;
        break;
    case SESSION_EV_BOUND:
        snprintf(c->bound, sizeof c->bound, "%s", ev->jid);
        break;
    case SESSION_EV_ROSTER:
        c->roster_events++;
        break;
    case SESSION_EV_AUTH_FAILED:
        c->auth_failed++;
        snprintf(c->auth_condition, sizeof c->auth_condition, "%s",
                 ev->condition ? ev->condition : "");
        break;
    case SESSION_EV_AUTHENTICATED:
        if (ev->scram_key && ev->scram_key->salt_len <= sizeof c->salt &&
            ev->scram_key->salted_len <= sizeof c->salted) {
            snprintf(c->mechanism, sizeof c->mechanism, "%s", ev->scram_key->mechanism);
            memcpy(c->salt, ev->scram_key->salt, ev->scram_key->salt_len);
            memcpy(c->salted, ev->scram_key->salted, ev->scram_key->salted_len);
            c->salt_len = ev->scram_key->salt_len;
            c->salted_len = ev->scram_key->salted_len;
            c->iterations = ev->scram_key->iterations;
        }
        break;
    case SESSION_EV_CERT_REFUSED:
        c->cert_refused++;
        snprintf(c->cert_sha256, sizeof c->cert_sha256, "%s", ev->cert->sha256);
        break;
    case SESSION_EV_ERROR:
        snprintf(c->last_error, sizeof c->last_error, "%s", ev->text ? ev->text : "");
        break;
    case SESSION_EV_MESSAGE:
        if (strcmp(ev->msg->type, "error") == 0) {
            c->nerrors++;
            snprintf(c->error_text, sizeof c->error_text, "%s",
                     ev->msg->error ? ev->msg->error : "");
        } else if (c->nmsgs < HARNESS_MAX_MSGS && ev->msg->body) {
            snprintf(c->bodies[c->nmsgs], sizeof c->bodies[0], "%s", ev->msg->body);
            snprintf(c->from[c->nmsgs], sizeof c->from[0], "%s", ev->msg->from);
            snprintf(c->types[c->nmsgs], sizeof c->types[0], "%s", ev->msg->type);
            snprintf(c->threads[c->nmsgs], sizeof c->threads[0], "%s",
                     ev->msg->thread ? ev->msg->thread : "");
            snprintf(c->ids[c->nmsgs], sizeof c->ids[0], "%s", ev->msg->id ? ev->msg->id : "");
            c->nmsgs++;
        }
        break;
    case SESSION_EV_PRESENCE:
        snprintf(c->presence_from, sizeof c->presence_from, "%s", ev->jid);
        c->presence_show = ev->show;
        snprintf(c->presence_status, sizeof c->presence_status, "%s", ev->status ? ev->status : "");
        c->npresence++;
        if (ev->show == SHOW_OFFLINE)
            c->unavailable_seen++;
        break;
    case SESSION_EV_SUBSCRIPTION:
        snprintf(c->sub_from, sizeof c->sub_from, "%s", ev->jid);
        snprintf(c->sub_type, sizeof c->sub_type, "%s", ev->sub_type);
        break;
    case SESSION_EV_XML:
        c->xml_events++;
        if (getenv("TUKTUK_TEST_XML")) /* a debugging aid: every stanza on stderr */
            fprintf(stderr, "%s %s %.*s\n", c->bound[0] ? c->bound : "?",
                    ev->outgoing ? ">>" : "<<", (int)ev->len, ev->text);
        if (!ev->outgoing && ev->len > 3 && memcmp(ev->text, "<iq", 3) == 0 &&
            harness_contains(ev->text, ev->len, "jabber:iq:roster") &&
            harness_contains(ev->text, ev->len, "result")) {
            free(c->roster_result);
            c->roster_result = malloc(ev->len + 1);
            if (c->roster_result) {
                memcpy(c->roster_result, ev->text, ev->len);
                c->roster_result[ev->len] = '\0';
                c->roster_result_len = ev->len;
            }
        }
        if (c->secret && ev->len && harness_contains(ev->text, ev->len, c->secret))
            c->saw_secret_in_xml++;
        static const char *const sasl[] = {"<auth", "<response", "<challenge", "<success"};
        for (int i = 0; i < 4; i++)
            if (ev->len > strlen(sasl[i]) && memcmp(ev->text, sasl[i], strlen(sasl[i])) == 0 &&
                !harness_contains(ev->text, ev->len, "[redacted]"))
                c->sasl_unredacted++;
        break;
    default:
        break;
    }
}

static inline int harness_port(const char *var)
{
    return atoi(harness_env(var));
}

/* The config of a session over STARTTLS with 127.0.0.1:port, trusting
 * ca; callers add what their test needs. */
static inline struct session_config harness_config_at(const char *jid, const char *password,
                                                      int port, const char *ca)
{
    struct session_config cfg = {.jid = jid,
                                 .password = password,
                                 .server = "127.0.0.1",
                                 .port = port,
                                 .tls = CONN_TLS_STARTTLS,
                                 .ca_file = ca};
    return cfg;
}

/* The same with the test server, trusting the test CA. */
static inline struct session_config harness_config(const char *jid, const char *password)
{
    return harness_config_at(jid, password, harness_port("TUKTUK_TEST_C2S_PORT"),
                             harness_env("TUKTUK_TEST_CA"));
}

/* One of the two test servers by name, for a test with accounts on both
 * at once: tests/run gives every integration program both servers'
 * TUKTUK_TEST_PROSODY_* and TUKTUK_TEST_EJABBERD_*, whichever server the
 * TUKTUK_TEST_* name. */
struct harness_target {
    const char *name; /* "prosody" or "ejabberd" */
    const char *script, *rundir, *domain, *ca, *muc;
    int c2s_port, tls_port;
};

/* TUKTUK_TEST_<server>_<what>, which must be set. */
static inline const char *harness_target_env(const char *server, const char *what)
{
    char var[96];
    snprintf(var, sizeof var, "TUKTUK_TEST_%s_%s", server, what);
    return harness_env(var);
}

static inline struct harness_target harness_target(const char *name)
{
    const char *v = strcmp(name, "ejabberd") == 0 ? "EJABBERD" : "PROSODY";
    struct harness_target t = {.name = name,
                               .script = harness_target_env(v, "SCRIPT"),
                               .rundir = harness_target_env(v, "RUNDIR"),
                               .domain = harness_target_env(v, "DOMAIN"),
                               .ca = harness_target_env(v, "CA"),
                               .muc = harness_target_env(v, "MUC"),
                               .c2s_port = atoi(harness_target_env(v, "C2S_PORT")),
                               .tls_port = atoi(harness_target_env(v, "TLS_PORT"))};
    return t;
}

/* A session for USER@domain over STARTTLS (or direct TLS) trusting the
 * test CA unless ca is NULL. */
static inline int harness_client(struct tclient *c, uv_loop_t *loop, const char *user,
                                 const char *password, bool direct, const char *ca,
                                 const char *resource)
{
    memset(c, 0, sizeof *c);
    char jid[256], err[256] = "";
    snprintf(jid, sizeof jid, "%s@%s", user, harness_env("TUKTUK_TEST_DOMAIN"));
    struct session_config cfg = {
        .jid = jid,
        .password = password,
        .server = "127.0.0.1",
        .port = harness_port(direct ? "TUKTUK_TEST_TLS_PORT" : "TUKTUK_TEST_C2S_PORT"),
        .tls = direct ? CONN_TLS_DIRECT : CONN_TLS_STARTTLS,
        .ca_file = ca,
        .resource = resource,
        .reconnect = true,
        .connect_timeout_ms = 10000,
    };
    c->s = session_new(loop, &cfg, harness_on_event, c, err, sizeof err);
    if (!c->s)
        fprintf(stderr, "session_new: %s\n", err);
    return c->s ? 0 : -1;
}

typedef int (*harness_cond)(void *arg);

/* The tick only makes uv_run return regularly so the condition is seen. */
static inline void harness_tick(uv_timer_t *t)
{
    (void)t;
}

/* Runs the loop until cond(arg) holds or timeout_ms passes. Returns 1 if
 * the condition held. */
static inline int harness_wait(uv_loop_t *loop, harness_cond cond, void *arg, unsigned timeout_ms)
{
    uv_timer_t tick;
    uv_timer_init(loop, &tick);
    uv_timer_start(&tick, harness_tick, 20, 20);
    uint64_t deadline = uv_now(loop) + timeout_ms;
    int ok = 0;
    for (;;) {
        if (cond(arg)) {
            ok = 1;
            break;
        }
        if (uv_now(loop) >= deadline)
            break;
        uv_run(loop, UV_RUN_ONCE);
    }
    uv_close((uv_handle_t *)&tick, NULL);
    uv_run(loop, UV_RUN_NOWAIT);
    return ok;
}

struct harness_count {
    const int *counter;
    int n;
};

static inline int harness_count_reached(void *arg)
{
    const struct harness_count *c = arg;
    return *c->counter >= c->n;
}

/* Runs the loop until *counter reaches n (a test's own event count). */
static inline int harness_wait_count(uv_loop_t *loop, const int *counter, int n,
                                     unsigned timeout_ms)
{
    struct harness_count c = {counter, n};
    return harness_wait(loop, harness_count_reached, &c, timeout_ms);
}

static inline int harness_is_online(void *arg)
{
    return session_state(((struct tclient *)arg)->s) == SESSION_ONLINE;
}

static inline int harness_is_offline(void *arg)
{
    return session_state(((struct tclient *)arg)->s) == SESSION_OFFLINE;
}

/* Frees the client's session and lets its handles close. */
static inline void harness_free(struct tclient *c, uv_loop_t *loop)
{
    if (c->s)
        session_free(c->s);
    c->s = NULL;
    free(c->roster_result);
    c->roster_result = NULL;
    uv_run(loop, UV_RUN_NOWAIT);
    uv_run(loop, UV_RUN_NOWAIT);
}

/* The end of a test: each client closes gracefully (checked), then is
 * freed. */
static inline void harness_close_all(uv_loop_t *loop, struct tclient *const *all, int n)
{
    for (int i = 0; i < n; i++)
        session_disconnect(all[i]->s, NULL);
    for (int i = 0; i < n; i++) {
        CHECK(harness_wait(loop, harness_is_offline, all[i], 5000));
        harness_free(all[i], loop);
    }
    uv_run(loop, UV_RUN_NOWAIT);
}

/* Which server the test runs against: "prosody" or "ejabberd"
 * (TUKTUK_TEST_SERVER, set by tests/run). */
static inline const char *harness_server_name(void)
{
    const char *v = getenv("TUKTUK_TEST_SERVER");
    return v && *v ? v : "prosody";
}

static inline bool harness_server_is(const char *name)
{
    return strcmp(harness_server_name(), name) == 0;
}

/* Runs a server's script with ARGS, its output dropped. Returns
 * system()'s status. */
static inline int harness_script(const char *script, const char *args)
{
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "'%s' %s >/dev/null", script, args);
    return system(cmd);
}

/* Runs the test server's script (TUKTUK_TEST_SERVER_SCRIPT: scripts/prosody
 * or scripts/ejabberd, same sub-commands) with ARGS, e.g. "adduser RUNDIR
 * u pw" or "restart RUNDIR". Returns system()'s status. */
static inline int harness_server(const char *args)
{
    const char *script = getenv("TUKTUK_TEST_SERVER_SCRIPT");
    if (!script || !*script)
        script = getenv("TUKTUK_TEST_PROSODY");
    if (!script || !*script)
        script = "scripts/prosody";
    return harness_script(script, args);
}

/* Runs t's script: "COMMAND RUNDIR REST", say ("adduser", "u pw") or
 * ("restart", ""). */
static inline int harness_target_script(const struct harness_target *t, const char *command,
                                        const char *rest)
{
    char args[1200];
    snprintf(args, sizeof args, "%s '%s' %s", command, t->rundir, rest);
    return harness_script(t->script, args);
}

/* The name harness_server() had when Prosody was the only test server. */
static inline int harness_prosody(const char *args)
{
    return harness_server(args);
}

/* Says, in the test's output, that something is checked differently on
 * this server, and why. */
#define HARNESS_NOTE(...)                                                                          \
    do {                                                                                           \
        printf("note (%s): ", harness_server_name());                                              \
        printf(__VA_ARGS__);                                                                       \
        printf("\n");                                                                              \
    } while (0)

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_session_config.c - session_new refuses what cannot be an account
 * (no JID, no user part, a JID that does not parse, a channel_binding
 * setting that names no type) with a reason, and leaks nothing on the way
 * (LeakSanitizer checks at exit); a good one is made and freed without
 * any network. */

#include <uv.h>

#include "../check.h"
#include "xmpp/session.h"

static void on_event(void *ud, const struct session_event *ev)
{
    (void)ud;
    (void)ev;
}

static void refused(uv_loop_t *loop, const char *jid, const char *why)
{
    char err[200] = "";
    struct session_config cfg = {.jid = jid, .password = "pw", .server = "h", .ca_file = "ca"};
    CHECK(session_new(loop, &cfg, on_event, NULL, err, sizeof err) == NULL);
    CHECK(strstr(err, why) != NULL);
}

/* channel_binding: auto (also unset or empty), a type's exact name, or
 * none. Anything else is refused with the value in the reason, so that a
 * typo is seen instead of being taken for some other setting. */
static void binding_setting(uv_loop_t *loop, const char *value, bool ok)
{
    char err[200] = "";
    struct session_config cfg = {
        .jid = "a@example.org", .password = "pw", .channel_binding = value};
    struct session *s = session_new(loop, &cfg, on_event, NULL, err, sizeof err);
    CHECK((s != NULL) == ok);
    if (!ok) {
        CHECK(strstr(err, "channel_binding") != NULL);
        CHECK(strstr(err, value) != NULL);
    }
    if (s)
        session_free(s);
}

int main(void)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    refused(&loop, NULL, "no JID");
    refused(&loop, "example.org", "no user part");
    refused(&loop, "@example.org", "");
    refused(&loop, "a@", "");

    static const char *const good[] = {
        NULL, "", "auto", "none", "tls-exporter", "tls-unique", "tls-server-end-point"};
    static const char *const bad[] = {"tls-bogus",        "TLS-EXPORTER", "tls-unique ",
                                      "p=tls-unique",     "tls-",         "Auto",
                                      "none,tls-exporter"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        binding_setting(&loop, good[i], true);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        binding_setting(&loop, bad[i], false);

    char err[200] = "";
    struct session_config cfg = {.jid = "a@example.org/home", .password = "pw", .priority = 3};
    struct session *s = session_new(&loop, &cfg, on_event, NULL, err, sizeof err);
    CHECK(s != NULL);
    CHECK(session_state(s) == SESSION_OFFLINE);
    CHECK_STR(session_bare_jid(s), "a@example.org");
    CHECK(session_full_jid(s) == NULL);
    /* Offline, a message is held for the first login (the outbox); an
     * invalid one is refused. */
    CHECK(session_send_message(s, "b@example.org", NULL, "hi", NULL, NULL, 0) == 1);
    CHECK(session_pending_messages(s) == 1);
    CHECK(session_send_message(s, "not a jid@", NULL, "hi", NULL, NULL, 0) == -1);
    CHECK(session_send_message(s, "b@example.org", NULL, "bell\a", NULL, NULL, 0) == -1);
    CHECK(session_pending_messages(s) == 1);
    session_free(s);
    uv_run(&loop, UV_RUN_DEFAULT);
    CHECK(uv_loop_close(&loop) == 0);
    return check_done();
}

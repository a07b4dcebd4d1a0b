/* test_session_config.c - session_new refuses what cannot be an account
 * (no JID, no user part, a JID that does not parse) with a reason, and
 * leaks nothing on the way (LeakSanitizer checks at exit); a good one is
 * made and freed without any network. */

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

int main(void)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    refused(&loop, NULL, "no JID");
    refused(&loop, "example.org", "no user part");
    refused(&loop, "@example.org", "");
    refused(&loop, "a@", "");

    char err[200] = "";
    struct session_config cfg = {.jid = "a@example.org/home", .password = "pw", .priority = 3};
    struct session *s = session_new(&loop, &cfg, on_event, NULL, err, sizeof err);
    CHECK(s != NULL);
    CHECK(session_state(s) == SESSION_OFFLINE);
    CHECK_STR(session_bare_jid(s), "a@example.org");
    CHECK(session_full_jid(s) == NULL);
    CHECK(session_send_message(s, "b@example.org", NULL, "hi", NULL, NULL, 0) == -1);
    session_free(s);
    uv_run(&loop, UV_RUN_DEFAULT);
    CHECK(uv_loop_close(&loop) == 0);
    return check_done();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_register.c - XEP-0077 against the project's servers: creating an
 * account before logging in (over TLS only), a name that is taken, and
 * changing the password on the server. */

#include "harness.h"

static uv_loop_t loop;

struct reg_client {
    struct tclient c;
    int registered;
    char reg_condition[64];
    int pw_changed;
    char pw_condition[64];
    int secret_in_xml;
};

static void on_event(void *ud, const struct session_event *ev)
{
    struct reg_client *r = ud;
    harness_on_event(&r->c, ev);
    if (ev->type == SESSION_EV_REGISTERED) {
        r->registered++;
        snprintf(r->reg_condition, sizeof r->reg_condition, "%s", ev->condition);
    }
    if (ev->type == SESSION_EV_PASSWORD_CHANGED) {
        r->pw_changed++;
        snprintf(r->pw_condition, sizeof r->pw_condition, "%s", ev->condition);
    }
    if (ev->type == SESSION_EV_XML && (harness_contains(ev->text, ev->len, "reg-secret-1") ||
                                       harness_contains(ev->text, ev->len, "reg-secret-2")))
        r->secret_in_xml++;
}

static void client(struct reg_client *r, const char *user, const char *pw, bool reg)
{
    char jid[128], err[200];
    memset(r, 0, sizeof *r);
    snprintf(jid, sizeof jid, "%s@localhost", user);
    struct session_config cfg = harness_config(jid, pw);
    cfg.register_account = reg;
    r->c.s = session_new(&loop, &cfg, on_event, r, err, sizeof err);
    CHECK(r->c.s != NULL);
}

static int changed(void *arg)
{
    return ((struct reg_client *)arg)->pw_changed > 0;
}

static int failed_registration(void *arg)
{
    struct reg_client *r = arg;
    return r->registered > 0 && harness_is_offline(&r->c);
}

static void logout(struct reg_client *r)
{
    session_disconnect(r->c.s, NULL);
    CHECK(harness_wait(&loop, harness_is_offline, &r->c, 5000));
    harness_free(&r->c, &loop);
}

int main(void)
{
    uv_loop_init(&loop);
    struct reg_client r;

    /* A new account, then logged in on the same stream. */
    client(&r, "r_fresh", "reg-secret-1", true);
    session_connect(r.c.s);
    CHECK(harness_wait(&loop, harness_is_online, &r.c, 10000));
    CHECK(r.registered == 1);
    CHECK_STR(r.reg_condition, "result");
    CHECK(r.secret_in_xml == 0);

    /* Change the password on the server. */
    CHECK(session_change_password(r.c.s, "reg-secret-2") == 0);
    CHECK(harness_wait(&loop, changed, &r, 5000));
    CHECK_STR(r.pw_condition, "result");
    CHECK(r.secret_in_xml == 0);
    logout(&r);

    /* The new password works, the old one no longer does. */
    client(&r, "r_fresh", "reg-secret-2", false);
    session_connect(r.c.s);
    CHECK(harness_wait(&loop, harness_is_online, &r.c, 10000));
    logout(&r);
    client(&r, "r_fresh", "reg-secret-1", false);
    session_connect(r.c.s);
    CHECK(harness_wait(&loop, harness_is_offline, &r.c, 10000) && r.c.auth_failed == 1);
    harness_free(&r.c, &loop);

    /* The name is taken now: a clear conflict, and no login attempt. */
    client(&r, "r_fresh", "other", true);
    session_connect(r.c.s);
    CHECK(harness_wait(&loop, failed_registration, &r, 10000));
    CHECK_STR(r.reg_condition, "conflict");
    CHECK(strstr(r.c.last_error, "taken") != NULL);
    CHECK(r.c.auth_failed == 0);
    harness_free(&r.c, &loop);

    uv_run(&loop, UV_RUN_NOWAIT);
    return check_done();
}

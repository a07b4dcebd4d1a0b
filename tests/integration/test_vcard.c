/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_vcard.c - vCards (XEP-0054) on the project's test servers: our own set
 * field by field without losing the others, read back by us and by
 * another account, a field removed, and an unknown field refused. */

#include <unistd.h>

#include "harness.h"

static uv_loop_t loop;

struct card {
    struct tclient c;
    int answers;
    char cond[64], jid[128];
    char fn[128], nickname[128], email[128], note[256];
    int vcard4_answers; /* XEP-0292 items that carried a vCard4 */
    bool was_set;       /* the last answer was a set's outcome */
    int temp_queries;   /* vcard-temp gets sent (the fallback) */
};

static void copy(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}

static void on_event(void *ud, const struct session_event *ev)
{
    struct card *k = ud;
    harness_on_event(&k->c, ev);
    if (ev->type == SESSION_EV_XML && !ev->outgoing &&
        harness_contains(ev->text, ev->len, "urn:ietf:params:xml:ns:vcard-4.0"))
        k->vcard4_answers++;
    if (ev->type == SESSION_EV_XML && ev->outgoing &&
        harness_contains(ev->text, ev->len, "type=\"get\"") &&
        harness_contains(ev->text, ev->len, "vcard-temp"))
        k->temp_queries++;
    if (ev->type != SESSION_EV_VCARD)
        return;
    k->answers++;
    copy(k->cond, sizeof k->cond, ev->condition);
    k->was_set = ev->sub_type && strcmp(ev->sub_type, "set") == 0;
    copy(k->jid, sizeof k->jid, ev->jid);
    const struct session_vcard *v = ev->vcard;
    copy(k->fn, sizeof k->fn, v ? v->fn : NULL);
    copy(k->nickname, sizeof k->nickname, v ? v->nickname : NULL);
    copy(k->email, sizeof k->email, v ? v->email : NULL);
    copy(k->note, sizeof k->note, v ? v->note : NULL);
}

static void start(struct card *k, const char *user)
{
    char jid[128], err[200];
    memset(k, 0, sizeof *k);
    snprintf(jid, sizeof jid, "%s@localhost", user);
    struct session_config cfg = harness_config(jid, "pw-card");
    k->c.s = session_new(&loop, &cfg, on_event, k, err, sizeof err);
    CHECK(k->c.s != NULL);
    session_connect(k->c.s);
    CHECK(harness_wait(&loop, harness_is_online, &k->c, 10000));
}

static int answered(void *arg)
{
    return ((struct card *)arg)->answers > 0;
}

static void set(struct card *k, const char *field, const char *value)
{
    k->answers = 0;
    CHECK(session_vcard_set(k->c.s, field, value) == 0);
    CHECK(harness_wait(&loop, answered, k, 5000));
    CHECK_STR(k->cond, "result");
    CHECK(k->was_set);
}

static void get(struct card *k, const char *jid)
{
    k->answers = 0;
    CHECK(session_vcard_request(k->c.s, jid) == 0);
    CHECK(harness_wait(&loop, answered, k, 5000));
    CHECK_STR(k->cond, "result");
    CHECK(!k->was_set);
}

int main(void)
{
    uv_loop_init(&loop);
    /* Names of our own: a vCard outlives its account in Prosody's store. */
    char args[600], ann_user[32], bob_user[32], ann_jid[64];
    snprintf(ann_user, sizeof ann_user, "v_ann%d", (int)getpid());
    snprintf(bob_user, sizeof bob_user, "v_bob%d", (int)getpid());
    snprintf(ann_jid, sizeof ann_jid, "%s@localhost", ann_user);
    snprintf(args, sizeof args, "adduser %s %s pw-card %s pw-card",
             harness_env("TUKTUK_TEST_RUNDIR"), ann_user, bob_user);
    CHECK(harness_server(args) == 0);
    struct card ann, bob;
    start(&ann, ann_user);
    start(&bob, bob_user);

    get(&ann, NULL); /* nothing yet: an empty card, not an error */
    CHECK_STR(ann.fn, "");
    CHECK(ann.temp_queries == 1); /* no vCard4 yet: vcard-temp was asked */
    set(&ann, "EMAIL", "ann@example.org");
    set(&ann, "FN", "Ann Example");
    set(&ann, "nickname", "annie");
    set(&ann, "NOTE", "likes <xml> & \"quotes\"\nand two lines");
    get(&ann, NULL);
    CHECK_STR(ann.fn, "Ann Example");
    CHECK_STR(ann.nickname, "annie");
    CHECK_STR(ann.email, "ann@example.org"); /* earlier fields survive */
    CHECK_STR(ann.note, "likes <xml> & \"quotes\"\nand two lines");

    get(&bob, ann_jid);
    CHECK_STR(bob.jid, ann_jid);
    CHECK_STR(bob.fn, "Ann Example");
    if (harness_server_is("ejabberd")) {
        /* ejabberd 23.01 keeps vcard-temp only: nothing mirrors it to
         * vCard4 over PEP, as Prosody's mod_vcard_legacy does. So the
         * vCard4 node is missing, and the card comes from the fallback. */
        HARNESS_NOTE("no vCard4 over PEP (XEP-0292) here: read through the vcard-temp fallback");
        CHECK(bob.vcard4_answers == 0 && bob.temp_queries == 1);
    } else {
        /* Once published, the card is read as vCard4 over PEP (XEP-0292). */
        CHECK(bob.vcard4_answers > 0 && bob.temp_queries == 0);
    }

    set(&ann, "NICKNAME", NULL);
    get(&ann, NULL);
    CHECK_STR(ann.nickname, "");
    CHECK_STR(ann.fn, "Ann Example");
    CHECK(session_vcard_set(ann.c.s, "PHOTO", "x") == -1);
    CHECK(session_vcard_set(ann.c.s, "FN", "bell\a") == -1);

    session_disconnect(ann.c.s, NULL);
    session_disconnect(bob.c.s, NULL);
    CHECK(harness_wait(&loop, harness_is_offline, &ann.c, 5000));
    CHECK(harness_wait(&loop, harness_is_offline, &bob.c, 5000));
    CHECK(session_vcard_request(ann.c.s, NULL) == -1); /* offline */
    harness_free(&ann.c, &loop);
    harness_free(&bob.c, &loop);
    uv_run(&loop, UV_RUN_NOWAIT);
    return check_done();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_im_ext.c - message extensions between real accounts on the
 * project's test servers: carbons (XEP-0280) to our other resource, both ways,
 * and a forged carbon from another account ignored (CVE-2017-5592's
 * hole); delivery receipts (XEP-0184); chat states (XEP-0085). */

#include <time.h>

#include "harness.h"

static uv_loop_t loop;

struct peer {
    struct tclient c;
    int sent_carbons, received_carbons;
    char carbon_body[256], carbon_to[256];
    int receipts;
    char receipt_id[64];
    char state[32];
    int forged_notices;
    int delayed;
    time_t stamp;
};

static void on_event(void *ud, const struct session_event *ev)
{
    struct peer *p = ud;
    harness_on_event(&p->c, ev);
    if (ev->type == SESSION_EV_MESSAGE && (ev->msg->carbon_sent || ev->msg->carbon_received)) {
        ev->msg->carbon_sent ? p->sent_carbons++ : p->received_carbons++;
        snprintf(p->carbon_body, sizeof p->carbon_body, "%s", ev->msg->body ? ev->msg->body : "");
        snprintf(p->carbon_to, sizeof p->carbon_to, "%s", ev->msg->to ? ev->msg->to : "");
    }
    if (ev->type == SESSION_EV_MESSAGE && ev->msg->delayed) {
        p->delayed++;
        p->stamp = ev->msg->stamp;
    }
    if (ev->type == SESSION_EV_RECEIPT) {
        p->receipts++;
        snprintf(p->receipt_id, sizeof p->receipt_id, "%s", ev->id);
    }
    if (ev->type == SESSION_EV_CHATSTATE)
        snprintf(p->state, sizeof p->state, "%s", ev->sub_type);
    if (ev->type == SESSION_EV_INFO && ev->text && strstr(ev->text, "forged carbon"))
        p->forged_notices++;
}

static void start(struct peer *p, const char *user, const char *resource)
{
    char jid[128], err[200];
    memset(p, 0, sizeof *p);
    snprintf(jid, sizeof jid, "%s@localhost/%s", user, resource);
    struct session_config cfg = harness_config(jid, "pw-ext");
    cfg.priority = 1;
    p->c.s = session_new(&loop, &cfg, on_event, p, err, sizeof err);
    CHECK(p->c.s != NULL);
    session_connect(p->c.s);
    CHECK(harness_wait(&loop, harness_is_online, &p->c, 10000));
}

static int has_sent_carbon(void *arg)
{
    return ((struct peer *)arg)->sent_carbons > 0;
}

static int has_received_carbon(void *arg)
{
    return ((struct peer *)arg)->received_carbons > 0;
}

static int has_receipt(void *arg)
{
    return ((struct peer *)arg)->receipts > 0;
}

static int is_composing(void *arg)
{
    return strcmp(((struct peer *)arg)->state, "composing") == 0;
}

static int saw_forgery(void *arg)
{
    return ((struct peer *)arg)->forged_notices > 0;
}

static int has_message(void *arg)
{
    return ((struct peer *)arg)->c.nmsgs > 0;
}

int main(void)
{
    uv_loop_init(&loop);
    char args[900];
    const char *rundir = harness_env("TUKTUK_TEST_RUNDIR");
    snprintf(args, sizeof args, "adduser %s x_ann pw-ext x_bob pw-ext x_eve pw-ext", rundir);
    CHECK(harness_server(args) == 0);
    snprintf(args, sizeof args, "rosteradd %s x_ann x_bob@localhost Bob Friends", rundir);
    CHECK(harness_server(args) == 0);

    struct peer desk, laptop, bob, eve;
    start(&desk, "x_ann", "desk");
    start(&laptop, "x_ann", "laptop");
    start(&bob, "x_bob", "phone");
    start(&eve, "x_eve", "evil");
    /* Let the carbons enable answers arrive before the traffic. */
    harness_wait(&loop, has_message, &eve, 300);

    /* Sent from the desk: the laptop gets a copy, addressed to Bob. */
    char id[64];
    CHECK(session_send_message(desk.c.s, "x_bob@localhost/phone", "chat", "from the desk", NULL, id,
                               sizeof id) == 0);
    CHECK(harness_wait(&loop, has_sent_carbon, &laptop, 5000));
    CHECK_STR(laptop.carbon_body, "from the desk");
    CHECK(strncmp(laptop.carbon_to, "x_bob@localhost", 15) == 0);
    /* Bob's client acknowledged it (XEP-0184). */
    CHECK(harness_wait(&loop, has_receipt, &desk, 5000));
    CHECK_STR(desk.receipt_id, id);
    CHECK(laptop.receipts == 0); /* a carbon's receipt is not ours */

    /* Received on the desk: the laptop gets that copy too. */
    CHECK(session_send_message(bob.c.s, "x_ann@localhost/desk", "chat", "to the desk", NULL, NULL,
                               0) == 0);
    CHECK(harness_wait(&loop, has_received_carbon, &laptop, 5000));
    CHECK_STR(laptop.carbon_body, "to the desk");

    /* Chat states. */
    CHECK(session_send_chatstate(bob.c.s, "x_ann@localhost/desk", "composing") == 0);
    CHECK(harness_wait(&loop, is_composing, &desk, 5000));
    CHECK(session_send_chatstate(bob.c.s, "x_ann@localhost/desk", "dancing") == -1);
    /* Eve never showed she understands chat states: none are sent to her. */
    CHECK(session_send_chatstate(desk.c.s, "x_eve@localhost", "composing") == -1);

    /* Eve forges a carbon "sent by Ann": ignored, and said so. */
    int before = desk.c.nmsgs;
    char err[200];
    CHECK(session_send_raw(
              eve.c.s,
              "<message to='x_ann@localhost/desk'><sent xmlns='urn:xmpp:carbons:2'>"
              "<forwarded xmlns='urn:xmpp:forward:0'><message from='x_ann@localhost/desk' "
              "to='x_bob@localhost' type='chat'><body>forged by eve</body></message>"
              "</forwarded></sent></message>",
              err, sizeof err) == 0);
    CHECK(harness_wait(&loop, saw_forgery, &desk, 5000));
    CHECK(desk.c.nmsgs == before);
    CHECK(strstr(desk.carbon_body, "forged") == NULL);

    /* An offline message keeps its original time (XEP-0203). */
    snprintf(args, sizeof args, "adduser %s x_away pw-ext", rundir);
    CHECK(harness_server(args) == 0);
    time_t sent_at = time(NULL);
    CHECK(session_send_message(bob.c.s, "x_away@localhost", "chat", "while you were away", NULL,
                               NULL, 0) == 0);
    harness_wait(&loop, has_sent_carbon, &eve, 1200); /* let it be stored, and time pass */
    struct peer away;
    start(&away, "x_away", "back");
    CHECK(harness_wait(&loop, has_message, &away, 5000));
    CHECK_STR(away.c.bodies[0], "while you were away");
    CHECK(away.delayed == 1);
    CHECK(away.stamp >= sent_at - 1 && away.stamp <= sent_at + 1);
    session_disconnect(away.c.s, NULL);
    CHECK(harness_wait(&loop, harness_is_offline, &away.c, 5000));
    harness_free(&away.c, &loop);

    struct tclient *all[] = {&desk.c, &laptop.c, &bob.c, &eve.c};
    harness_close_all(&loop, all, 4);
    return check_done();
}

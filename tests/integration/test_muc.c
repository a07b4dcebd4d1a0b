/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_muc.c - group chat (XEP-0045) against the test server's MUC
 * service (TUKTUK_TEST_MUC): creating a room, joining it, the occupants
 * each side sees, groupchat messages (and our own coming back), the
 * subject, nick changes and a refused one, a refused join, history for a
 * late joiner, a mediated invitation, leaving, and bookmarks (XEP-0402, and
 * an old XEP-0048 one) that the account's next login joins by itself. */
#include "harness.h"
#include "xmpp/jid.h"

struct muc_client {
    struct tclient c;
    int joined, created, left, subjects, invites, errors, groupchats, delayed;
    int bookmark_lists, bookmark_changes;
    char bookmark_change[64]; /* "saved" or "removed", ":condition" when refused */
    char left_how[32], left_condition[64], left_nick[64];
    char subject[256], subject_by[64];
    char last_nick_change[128]; /* "old>new" */
    char occupant_events[2048]; /* "sub_type:nick " each */
    char invite_room[256], inviter[256], invite_reason[128];
    char last_body[256], last_from[256];
};

static uv_loop_t loop;
static const char *service;

static void on_muc_event(void *ud, const struct session_event *ev)
{
    struct muc_client *m = ud;
    harness_on_event(&m->c, ev);
    size_t used;
    switch (ev->type) {
    case SESSION_EV_MUC_JOINED:
        m->joined++;
        m->created += ev->text && strcmp(ev->text, "created") == 0;
        break;
    case SESSION_EV_MUC_OCCUPANT:
        used = strlen(m->occupant_events);
        snprintf(m->occupant_events + used, sizeof m->occupant_events - used, "%s:%s ",
                 ev->sub_type, ev->nick);
        if (strcmp(ev->sub_type, "nick") == 0)
            snprintf(m->last_nick_change, sizeof m->last_nick_change, "%s>%s", ev->nick, ev->text);
        break;
    case SESSION_EV_MUC_LEFT:
        m->left++;
        snprintf(m->left_how, sizeof m->left_how, "%s", ev->sub_type);
        snprintf(m->left_nick, sizeof m->left_nick, "%s", ev->nick ? ev->nick : "");
        snprintf(m->left_condition, sizeof m->left_condition, "%s",
                 ev->condition ? ev->condition : "");
        break;
    case SESSION_EV_MUC_SUBJECT:
        m->subjects++;
        snprintf(m->subject, sizeof m->subject, "%s", ev->text);
        snprintf(m->subject_by, sizeof m->subject_by, "%s", ev->nick ? ev->nick : "");
        break;
    case SESSION_EV_MUC_INVITE:
        m->invites++;
        snprintf(m->invite_room, sizeof m->invite_room, "%s", ev->jid);
        snprintf(m->inviter, sizeof m->inviter, "%s", ev->inviter ? ev->inviter : "");
        snprintf(m->invite_reason, sizeof m->invite_reason, "%s", ev->text ? ev->text : "");
        break;
    case SESSION_EV_ERROR:
        m->errors += ev->condition != NULL;
        break;
    case SESSION_EV_BOOKMARKS:
        if (strcmp(ev->sub_type, "list") == 0) {
            m->bookmark_lists++;
        } else {
            m->bookmark_changes++;
            snprintf(m->bookmark_change, sizeof m->bookmark_change, "%s%s%s", ev->sub_type,
                     ev->condition ? ":" : "", ev->condition ? ev->condition : "");
        }
        break;
    case SESSION_EV_MESSAGE:
        if (ev->msg->type && strcmp(ev->msg->type, "groupchat") == 0 && ev->msg->body) {
            m->groupchats++;
            m->delayed += ev->msg->delayed;
            snprintf(m->last_body, sizeof m->last_body, "%s", ev->msg->body);
            snprintf(m->last_from, sizeof m->last_from, "%s", ev->msg->from);
        }
        break;
    default:
        break;
    }
}

static void start(struct muc_client *m, const char *user)
{
    memset(m, 0, sizeof *m);
    char args[400], pw[64], jid[256], err[256];
    snprintf(pw, sizeof pw, "%s-pw", user);
    snprintf(args, sizeof args, "adduser %s %s %s", harness_env("TUKTUK_TEST_RUNDIR"), user, pw);
    CHECK(harness_server(args) == 0);
    snprintf(jid, sizeof jid, "%s@%s", user, harness_env("TUKTUK_TEST_DOMAIN"));
    struct session_config cfg = harness_config(jid, pw);
    m->c.s = session_new(&loop, &cfg, on_muc_event, m, err, sizeof err);
    CHECK(m->c.s != NULL);
    session_connect(m->c.s);
    CHECK(harness_wait(&loop, harness_is_online, &m->c, 10000));
}

static void stop(struct muc_client *m)
{
    session_disconnect(m->c.s, NULL);
    harness_wait(&loop, harness_is_offline, &m->c, 5000);
    harness_free(&m->c, &loop);
}

struct until {
    struct muc_client *m;
    const int *counter;
    int at_least;
};

static int reached(void *arg)
{
    struct until *u = arg;
    return *u->counter >= u->at_least;
}

/* Runs the loop until m's counter reaches n (5 s at most). */
static int wait_for(struct muc_client *m, const int *counter, int n)
{
    struct until u = {m, counter, n};
    return harness_wait(&loop, reached, &u, 5000);
}

struct text_wait {
    const char *buf, *needle;
};

static int text_in(void *arg)
{
    struct text_wait *w = arg;
    return strstr(w->buf, w->needle) != NULL;
}

/* Runs the loop until needle shows in buf (5 s at most). */
static int wait_text(const char *buf, const char *needle)
{
    struct text_wait w = {buf, needle};
    return harness_wait(&loop, text_in, &w, 5000);
}

static size_t occupants(struct muc_client *m, const char *room)
{
    const struct muc_room *r = session_muc_room(m->c.s, room);
    return r ? r->noccupants : 0;
}

int main(void)
{
    uv_loop_init(&loop);
    service = harness_env("TUKTUK_TEST_MUC");
    char room[256], body_from[300];
    snprintf(room, sizeof room, "tea@%s", service);
    struct muc_client a, b, c;
    start(&a, "muc_ann");
    start(&b, "muc_ben");
    start(&c, "muc_cat");

    /* Ann creates the room (an instant room); Ben joins and sees her. */
    CHECK(session_muc_join(a.c.s, room, "ann", NULL) == 0);
    CHECK(wait_for(&a, &a.joined, 1));
    CHECK(a.created == 1);
    CHECK(session_muc_room(a.c.s, room) && session_muc_room(a.c.s, room)->joined);
    CHECK(session_muc_join(b.c.s, room, "ben", NULL) == 0);
    CHECK(wait_for(&b, &b.joined, 1));
    CHECK(b.created == 0);
    CHECK(strstr(b.occupant_events, "present:ann") != NULL);
    CHECK(occupants(&b, room) == 2);
    CHECK(wait_text(a.occupant_events, "join:ben"));
    CHECK(occupants(&a, room) == 2);

    /* A message to the room reaches both, the sender's own copy included. */
    CHECK(session_send_message(a.c.s, room, "groupchat", "hello room", NULL, NULL, 0) == 0);
    CHECK(wait_for(&b, &b.groupchats, 1));
    CHECK(wait_for(&a, &a.groupchats, 1));
    snprintf(body_from, sizeof body_from, "%s/ann", room);
    CHECK_STR(b.last_body, "hello room");
    CHECK_STR(b.last_from, body_from);
    CHECK_STR(a.last_from, body_from);

    /* The subject. */
    int before = b.subjects;
    CHECK(session_muc_topic(a.c.s, room, "Tea time") == 0);
    CHECK(wait_for(&b, &b.subjects, before + 1));
    CHECK_STR(b.subject, "Tea time");
    CHECK_STR(b.subject_by, "ann");
    CHECK(strcmp(session_muc_room(b.c.s, room)->subject, "Tea time") == 0);

    /* Ben takes another nick; then tries Ann's, which the room refuses. */
    CHECK(session_muc_nick(b.c.s, room, "benjamin") == 0);
    CHECK(wait_text(a.last_nick_change, "ben>benjamin"));
    CHECK(wait_text(b.last_nick_change, "ben>benjamin"));
    CHECK(strcmp(session_muc_room(b.c.s, room)->nick, "benjamin") == 0);
    CHECK(occupants(&a, room) == 2);
    CHECK(strstr(a.occupant_events, "join:benjamin") == NULL); /* a change, not a newcomer */
    CHECK(session_muc_nick(b.c.s, room, "ann") == 0);
    CHECK(wait_for(&b, &b.errors, 1));
    CHECK(session_muc_room(b.c.s, room)->joined);

    /* Cat cannot join as "ann"; as "cat" she gets the history. */
    CHECK(session_muc_join(c.c.s, room, "ann", NULL) == 0);
    CHECK(wait_for(&c, &c.left, 1));
    CHECK_STR(c.left_how, "error");
    CHECK_STR(c.left_condition, "conflict");
    CHECK_STR(c.left_nick, "ann"); /* the refused nick, for the UI's hint */
    CHECK(session_muc_room(c.c.s, room) == NULL);
    CHECK(session_muc_join(c.c.s, room, "cat", NULL) == 0);
    CHECK(wait_for(&c, &c.joined, 1));
    CHECK(wait_for(&c, &c.groupchats, 1));
    CHECK(c.delayed >= 1);
    CHECK(wait_for(&c, &c.subjects, 1));
    CHECK_STR(c.subject, "Tea time");

    /* An invitation, through the room. */
    char dan_jid[256];
    struct muc_client d;
    start(&d, "muc_dan");
    snprintf(dan_jid, sizeof dan_jid, "muc_dan@%s", harness_env("TUKTUK_TEST_DOMAIN"));
    CHECK(session_muc_invite(a.c.s, room, dan_jid, "join us") == 0);
    CHECK(wait_for(&d, &d.invites, 1));
    CHECK(jid_bare_equal(d.invite_room, room));
    /* §7.8.2: the room names the inviter by real or occupant JID. */
    CHECK(strncmp(d.inviter, "muc_ann@", 8) == 0 || strcmp(d.inviter, body_from) == 0);
    CHECK_STR(d.invite_reason, "join us");

    /* Ben leaves: Ann sees him go, and the room is no longer his. */
    CHECK(session_muc_part(b.c.s, room, "bye") == 0);
    CHECK(wait_for(&b, &b.left, 1));
    CHECK_STR(b.left_how, "part");
    CHECK(session_muc_room(b.c.s, room) == NULL);
    CHECK(wait_text(a.occupant_events, "leave:benjamin"));
    CHECK(occupants(&a, room) == 2); /* ann and cat */

    /* A bookmark kept by an older client (XEP-0048 in private storage):
     * Prosody converts it to XEP-0402, ejabberd mirrors it to PEP
     * storage:bookmarks; either way the next login finds and joins it. */
    char old_room[256], legacy[600], err[128];
    snprintf(old_room, sizeof old_room, "old@%s", service);
    snprintf(legacy, sizeof legacy,
             "<iq type='set' id='legacy1'><query xmlns='jabber:iq:private'>"
             "<storage xmlns='storage:bookmarks'><conference jid='%s' autojoin='true' "
             "name='Old room'><nick>oldie</nick></conference></storage></query></iq>",
             old_room);
    CHECK(session_send_raw(a.c.s, legacy, err, sizeof err) == 0);

    /* Two bookmarks with autojoin on the first: the second must not push
     * the first out (an ejabberd node keeps one item unless configured),
     * and the account's next login joins the room under the bookmark's
     * nick. */
    char room2[256];
    snprintf(room2, sizeof room2, "coffee@%s", service);
    CHECK(session_bookmark_set(a.c.s, room, "Tea room", "annex", NULL, true) == 0);
    CHECK(wait_for(&a, &a.bookmark_changes, 1));
    CHECK_STR(a.bookmark_change, "saved");
    CHECK(session_bookmark_set(a.c.s, room2, "Coffee", NULL, NULL, false) == 0);
    CHECK(wait_for(&a, &a.bookmark_changes, 2));
    CHECK_STR(a.bookmark_change, "saved");
    struct muc_client a2;
    start(&a2, "muc_ann");
    CHECK(wait_for(&a2, &a2.joined, 2));
    const struct muc_bookmarks *bm = session_bookmarks(a2.c.s);
    CHECK(bm->n == 3);
    const struct muc_bookmark *tea = NULL, *coffee = NULL, *old = NULL;
    for (size_t i = 0; i < bm->n; i++) {
        if (jid_bare_equal(bm->items[i].jid, room))
            tea = &bm->items[i];
        else if (jid_bare_equal(bm->items[i].jid, room2))
            coffee = &bm->items[i];
        else if (jid_bare_equal(bm->items[i].jid, old_room))
            old = &bm->items[i];
    }
    CHECK(tea && tea->autojoin && tea->name && strcmp(tea->name, "Tea room") == 0);
    CHECK(coffee && !coffee->autojoin);
    CHECK(old && old->autojoin && old->nick && strcmp(old->nick, "oldie") == 0);
    CHECK(session_muc_room(a2.c.s, room) &&
          strcmp(session_muc_room(a2.c.s, room)->nick, "annex") == 0);
    CHECK(session_muc_room(a2.c.s, old_room) &&
          strcmp(session_muc_room(a2.c.s, old_room)->nick, "oldie") == 0);
    CHECK(session_muc_room(a2.c.s, room2) == NULL);
    CHECK(session_bookmark_remove(a2.c.s, room) == 0);
    CHECK(wait_for(&a2, &a2.bookmark_changes, 1));
    CHECK_STR(a2.bookmark_change, "removed");
    CHECK(wait_for(&a2, &a2.bookmark_lists, 2));
    bm = session_bookmarks(a2.c.s);
    CHECK(bm->n == 2);
    for (size_t i = 0; i < bm->n; i++)
        CHECK(!jid_bare_equal(bm->items[i].jid, room));
    stop(&a2);

    /* Bad arguments are refused before anything is sent. */
    CHECK(session_muc_join(a.c.s, "not a jid", "x", NULL) == -1);
    CHECK(session_muc_join(a.c.s, room, "", NULL) == -1);
    CHECK(session_muc_topic(b.c.s, room, "not in it") == -1);

    stop(&a);
    stop(&b);
    stop(&c);
    stop(&d);
    while (uv_run(&loop, UV_RUN_NOWAIT) != 0)
        ;
    uv_loop_close(&loop);
    return check_done();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_mam.c - the server's message archive (XEP-0313, paged with
 * XEP-0059) and the XEP-0359 ids, against the project's servers, both of
 * which archive every chat message and every room's messages
 * (scripts/prosody: mod_mam, muc_mam; scripts/ejabberd: mod_mam with
 * default: always, rooms with mam: true).
 *
 * Bob writes to Ann while only her phone is online; her desk logs in
 * afterwards (a fresh login, not a resumed stream) and reads what it
 * missed from the archive: all of it in order, each once, with the
 * archive's ids; from a start time; after a given id; two at a time; the
 * newest page going backward. What the desk sends carries an origin-id,
 * which comes back from the archive with the message marked ours. A
 * room's archive is read the same way, after a join that asked for no
 * history. Forgeries are test_hostile's part. */

#include <time.h>

#include "harness.h"

static uv_loop_t loop;

struct amsg {
    char body[128], from[256], sid[96], by[256], origin[96], qid[32];
    bool ours;
};

struct mclient {
    struct tclient c; /* first: the harness's handler is given this */
    struct amsg arch[32];
    int narch;
    struct amsg live[16];
    int nlive;
    char sub[16][16], text[16][96], cond[16][64], id[16][32];
    int nmam;
    int joined;
    int no_history_joins; /* our presences to a room with maxstanzas='0' */
};

static void keep(struct amsg *a, const struct session_message *m)
{
    snprintf(a->body, sizeof a->body, "%s", m->body ? m->body : "");
    snprintf(a->from, sizeof a->from, "%s", m->from ? m->from : "");
    snprintf(a->sid, sizeof a->sid, "%s", m->stanza_id ? m->stanza_id : "");
    snprintf(a->by, sizeof a->by, "%s", m->stanza_id_by ? m->stanza_id_by : "");
    snprintf(a->origin, sizeof a->origin, "%s", m->origin_id ? m->origin_id : "");
    snprintf(a->qid, sizeof a->qid, "%s", m->archive_qid ? m->archive_qid : "");
    a->ours = m->ours;
}

static void on_event(void *ud, const struct session_event *ev)
{
    struct mclient *m = ud;
    harness_on_event(&m->c, ev);
    if (ev->type == SESSION_EV_MESSAGE && ev->msg->body) {
        if (ev->msg->archived && m->narch < 32)
            keep(&m->arch[m->narch++], ev->msg);
        else if (!ev->msg->archived && m->nlive < 16)
            keep(&m->live[m->nlive++], ev->msg);
    }
    if (ev->type == SESSION_EV_MAM && m->nmam < 16) {
        snprintf(m->sub[m->nmam], sizeof m->sub[0], "%s", ev->sub_type);
        snprintf(m->text[m->nmam], sizeof m->text[0], "%s", ev->text ? ev->text : "");
        snprintf(m->cond[m->nmam], sizeof m->cond[0], "%s", ev->condition ? ev->condition : "");
        snprintf(m->id[m->nmam], sizeof m->id[0], "%s", ev->id ? ev->id : "");
        m->nmam++;
    }
    if (ev->type == SESSION_EV_MUC_JOINED)
        m->joined++;
    if (ev->type == SESSION_EV_XML && ev->outgoing && ev->len > 9 &&
        memcmp(ev->text, "<presence", 9) == 0 &&
        (harness_contains(ev->text, ev->len, "maxstanzas=\"0\"") ||
         harness_contains(ev->text, ev->len, "maxstanzas='0'")))
        m->no_history_joins++;
}

static void start(struct mclient *m, const char *user, const char *resource)
{
    char jid[256], err[200];
    memset(m, 0, sizeof *m);
    snprintf(jid, sizeof jid, "%s@%s/%s", user, harness_env("TUKTUK_TEST_DOMAIN"), resource);
    struct session_config cfg = harness_config(jid, "pw-mam");
    m->c.s = session_new(&loop, &cfg, on_event, m, err, sizeof err);
    CHECK(m->c.s != NULL);
    if (!m->c.s) {
        printf("0 passed, 1 failed\n");
        exit(1);
    }
    session_connect(m->c.s);
    CHECK(harness_wait(&loop, harness_is_online, &m->c, 10000));
}

struct count_wait {
    int *n, want;
};

static int reached(void *arg)
{
    struct count_wait *w = arg;
    return *w->n >= w->want;
}

static bool wait_count(int *n, int want)
{
    struct count_wait w = {n, want};
    return harness_wait(&loop, reached, &w, 5000);
}

static int query_over(void *arg)
{
    struct mclient *m = arg;
    return m->nmam > 0 && strcmp(m->sub[m->nmam - 1], "page") != 0;
}

/* A backward query asks one page: its one event ends it. */
static int page_over(void *arg)
{
    return ((struct mclient *)arg)->nmam > 0;
}

/* Runs one query to its end (a forward query pages on by itself): the
 * archived messages and SESSION_EV_MAM events start from empty. */
static bool run_query(struct mclient *m, const struct session_mam_query *q, char *qid)
{
    m->narch = m->nmam = 0;
    if (session_mam_query(m->c.s, q, qid, 32) != 0)
        return false;
    bool over = harness_wait(&loop, q->before_id ? page_over : query_over, m, 10000);
    for (int i = 0; i < m->nmam; i++)
        CHECK_STR(m->id[i], qid);
    for (int i = 0; i < m->narch; i++)
        CHECK_STR(m->arch[i].qid, qid);
    return over;
}

static const char *const bodies[] = {"m1", "m2", "m3", "m4", "m5"};

/* The query's event i was sub_type with text (NULL: not checked). */
static void expect_event(const struct mclient *m, int i, const char *sub, const char *text)
{
    CHECK(i < m->nmam);
    CHECK_STR(m->sub[i], sub);
    if (text)
        CHECK_STR(m->text[i], text);
}

/* The query brought exactly bodies[first..first+n), in that order. */
static void expect_bodies(const struct mclient *m, int first, int n)
{
    CHECK(m->narch == n);
    for (int i = 0; i < n && i < m->narch; i++)
        CHECK_STR(m->arch[i].body, bodies[first + i]);
}

int main(void)
{
    uv_loop_init(&loop);
    char args[900], ann[128], bob[128], room[256], qid[32], sent_id[64];
    const char *domain = harness_env("TUKTUK_TEST_DOMAIN");
    snprintf(args, sizeof args, "adduser %s mam_ann pw-mam mam_bob pw-mam",
             harness_env("TUKTUK_TEST_RUNDIR"));
    CHECK(harness_server(args) == 0);
    snprintf(ann, sizeof ann, "mam_ann@%s", domain);
    snprintf(bob, sizeof bob, "mam_bob@%s", domain);

    /* Bob writes while only Ann's phone is online. */
    struct mclient phone, bobc, desk;
    start(&phone, "mam_ann", "phone");
    start(&bobc, "mam_bob", "pc");
    char bob_ids[5][64];
    time_t began = time(NULL);
    for (int i = 0; i < 5; i++)
        CHECK(session_send_message(bobc.c.s, ann, "chat", bodies[i], NULL, bob_ids[i],
                                   sizeof bob_ids[i]) == 0);
    CHECK(wait_count(&phone.nlive, 5));
    /* XEP-0359 live: Ann's server stamped its archive id (by her bare
     * JID), and Bob's client its origin-id, the message's own id. */
    CHECK(phone.live[0].sid[0] != '\0');
    CHECK_STR(phone.live[0].by, ann);
    CHECK_STR(phone.live[0].origin, bob_ids[0]);

    /* The desk logs in anew: nothing came to it live. */
    start(&desk, "mam_ann", "desk");
    CHECK(!session_resumed(desk.c.s));
    CHECK(desk.nlive == 0);

    /* (a) Everything with Bob, from the beginning: in order, once each,
     * with the account archive's ids, in one page. */
    struct session_mam_query q = {.with = bob};
    CHECK(run_query(&desk, &q, qid));
    CHECK(desk.narch == 5);
    char sids[5][96] = {{0}};
    for (int i = 0; i < 5 && i < desk.narch; i++) {
        CHECK_STR(desk.arch[i].body, bodies[i]);
        CHECK(desk.arch[i].sid[0] != '\0');
        CHECK_STR(desk.arch[i].by, ann);
        CHECK(!desk.arch[i].ours);
        CHECK(strncmp(desk.arch[i].from, bob, strlen(bob)) == 0);
        snprintf(sids[i], sizeof sids[i], "%s", desk.arch[i].sid);
    }
    CHECK(strcmp(sids[0], sids[4]) != 0);
    CHECK_STR(sids[0], phone.live[0].sid); /* the same id live and archived */
    CHECK(desk.nmam == 1);
    expect_event(&desk, 0, "complete", sids[4]);

    /* From a start time (XEP-0082, UTC): all five since just before
     * they were sent, none from an hour ahead. */
    struct session_mam_query since = {.with = bob, .start = began - 2};
    CHECK(run_query(&desk, &since, qid));
    expect_bodies(&desk, 0, 5);
    since.start = began + 3600;
    CHECK(run_query(&desk, &since, qid));
    CHECK(desk.narch == 0);
    expect_event(&desk, 0, "complete", "");

    /* (b) After m2: only m3, m4, m5. */
    q.after_id = sids[1];
    CHECK(run_query(&desk, &q, qid));
    expect_bodies(&desk, 2, 3);
    CHECK_STR(desk.sub[desk.nmam - 1], "complete");

    /* (c) Two at a time: pages after m2 and m4, then the end. */
    q.after_id = NULL;
    q.max = 2;
    CHECK(run_query(&desk, &q, qid));
    expect_bodies(&desk, 0, 5);
    CHECK(desk.nmam == 3);
    expect_event(&desk, 0, "page", sids[1]);
    expect_event(&desk, 1, "page", sids[3]);
    expect_event(&desk, 2, "complete", NULL);

    /* (d) Backward, the newest page: m4 and m5, and more before them. */
    q.before_id = "";
    CHECK(run_query(&desk, &q, qid));
    expect_bodies(&desk, 3, 2);
    CHECK(desk.nmam == 1);
    expect_event(&desk, 0, "page", sids[3]);
    /* ...and the page before m2 is m1 alone, the start of the archive. */
    q.before_id = sids[1];
    CHECK(run_query(&desk, &q, qid));
    expect_bodies(&desk, 0, 1);
    expect_event(&desk, 0, "complete", NULL);
    q.after_id = "x";
    CHECK(session_mam_query(desk.c.s, &q, qid, sizeof qid) == -1); /* both ways at once */

    /* (f) What the desk sends carries an origin-id equal to its id: Bob
     * sees it live, and the archive gives it back as ours. */
    CHECK(session_send_message(desk.c.s, bob, "chat", "from the desk", NULL, sent_id,
                               sizeof sent_id) == 0);
    CHECK(wait_count(&bobc.nlive, 1));
    CHECK_STR(bobc.live[0].body, "from the desk");
    CHECK_STR(bobc.live[0].origin, sent_id);
    CHECK_STR(bobc.live[0].by, bob);
    struct session_mam_query mine = {.with = bob, .after_id = sids[4]};
    CHECK(run_query(&desk, &mine, qid));
    CHECK(desk.narch == 1);
    CHECK_STR(desk.arch[0].body, "from the desk");
    CHECK(desk.arch[0].ours);
    CHECK_STR(desk.arch[0].origin, sent_id);
    CHECK(strncmp(desk.arch[0].from, ann, strlen(ann)) == 0);
    /* A correction carries its own origin-id too. */
    char fix_id[64];
    CHECK(session_send_correction(desk.c.s, bob, "from the desk!", sent_id, fix_id,
                                  sizeof fix_id) == 0);
    CHECK(wait_count(&bobc.nlive, 2));
    CHECK_STR(bobc.live[1].origin, fix_id);

    /* (e) A room's archive, after a join that asked for no history: what
     * was said there, with the room's ids. */
    snprintf(room, sizeof room, "mam%ld@%s", (long)time(NULL) % 100000,
             harness_env("TUKTUK_TEST_MUC"));
    session_muc_set_no_history(desk.c.s, room, true);
    CHECK(session_muc_join(desk.c.s, room, "ann", NULL) == 0);
    CHECK(wait_count(&desk.joined, 1));
    CHECK(desk.no_history_joins == 1);
    int before = desk.nlive;
    static const char *const said[] = {"r1", "r2", "r3"};
    for (int i = 0; i < 3; i++)
        CHECK(session_send_message(desk.c.s, room, "groupchat", said[i], NULL, NULL, 0) == 0);
    CHECK(wait_count(&desk.nlive, before + 3));
    CHECK_STR(desk.live[before].by, room); /* the room stamped its copy */
    CHECK(desk.live[before].sid[0] != '\0');
    struct session_mam_query rq = {.archive = room};
    CHECK(run_query(&desk, &rq, qid));
    CHECK(desk.narch == 3);
    for (int i = 0; i < 3 && i < desk.narch; i++) {
        CHECK_STR(desk.arch[i].body, said[i]);
        CHECK_STR(desk.arch[i].by, room);
        CHECK(strncmp(desk.arch[i].from, room, strlen(room)) == 0);
        CHECK(desk.arch[i].ours); /* from our nick in the room */
    }
    CHECK_STR(desk.arch[0].sid, desk.live[before].sid);
    CHECK_STR(desk.sub[desk.nmam - 1], "complete");
    /* An archive that is not a bare JID is refused before anything goes. */
    rq.archive = "not a jid@@";
    CHECK(session_mam_query(desk.c.s, &rq, qid, sizeof qid) == -1);

    struct tclient *all[] = {&phone.c, &bobc.c, &desk.c};
    harness_close_all(&loop, all, 3);
    return check_done();
}

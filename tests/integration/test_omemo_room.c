/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_omemo_room.c - OMEMO in a room, as Conversations and Dino do it,
 * on each test server: an open room is refused with a reason and nothing
 * goes out; its owner names two members (/affiliation set, a wrong
 * affiliation or a full JID refused, and a member's attempt refused by
 * the room, with its reason) and makes it members-only and
 * non-anonymous (/room private), each answer said; the room's kind and
 * members reach every client (xmpp/mucinfo.c); a message from each reads
 * at the others, encrypted to every reader's device and none in clear;
 * our own copy from the room is not misread as a failure; a member who
 * left still gets keys; one back reads what a departed one said, from
 * the history and the archive; one made a member by us while away gets
 * keys at once; a message with a reader who has no OMEMO is refused,
 * naming them. */
#include <sodium.h>
#include <unistd.h>

#include "core/omemochat.h"
#include "harness.h"
#include "xmpp/jid.h"
#include "xmpp/omemo.h"

static uv_loop_t loop;
static char dir[256], room[256];

struct peer {
    struct tclient c;
    struct omemo *o;
    struct omemochat *oc;
    int published, infos, joined;
    int said;       /* the room's answers to our changes (SESSION_EV_INFO about it) */
    char last_said[512];
    int decrypted, failed;
    char last_plain[512], last_fail[512], last_from[256];
    char last_sent_xml[16384];
};

static void on_notice(void *ud, const char *jid, const char *text)
{
    (void)ud, (void)jid, (void)text;
}

/* Our own message back from the room: shown already (ui/rooms.c). */
static bool own_echo(struct peer *p, const struct session_message *m)
{
    const struct muc_room *r = session_muc_room(p->c.s, room);
    const char *nick = m->from ? jid_resource_of(m->from) : NULL;
    return r && nick && strcmp(nick, r->nick) == 0;
}

static void on_event(void *ud, const struct session_event *ev)
{
    struct peer *p = ud;
    harness_on_event(&p->c, ev);
    if (p->oc)
        omemochat_event(p->oc, ev);
    p->published += ev->type == SESSION_EV_OMEMO && strcmp(ev->sub_type, "published") == 0 &&
                    !ev->condition;
    p->infos += ev->type == SESSION_EV_MUC_INFO;
    p->joined += ev->type == SESSION_EV_MUC_JOINED;
    if ((ev->type == SESSION_EV_INFO || ev->type == SESSION_EV_ERROR) && ev->jid &&
        strcmp(ev->jid, room) == 0) {
        p->said++;
        snprintf(p->last_said, sizeof p->last_said, "%s", ev->text);
    }
    if (ev->type == SESSION_EV_XML && ev->outgoing && ev->len < sizeof p->last_sent_xml &&
        harness_contains(ev->text, ev->len, "<payload>")) {
        memcpy(p->last_sent_xml, ev->text, ev->len);
        p->last_sent_xml[ev->len] = '\0';
    }
    if (ev->type == SESSION_EV_MESSAGE && ev->msg->omemo && p->oc && !own_echo(p, ev->msg)) {
        char *plain = NULL, err[512];
        int rc = omemochat_decrypt(p->oc, ev->msg, &plain, err, sizeof err);
        if (rc == 0 && plain) {
            p->decrypted++;
            snprintf(p->last_plain, sizeof p->last_plain, "%s", plain);
            snprintf(p->last_from, sizeof p->last_from, "%s", ev->msg->from);
        } else if (rc < 0) {
            p->failed++;
            snprintf(p->last_fail, sizeof p->last_fail, "%s", err);
        }
        free(plain);
    }
}

static void jid_of(const char *user, char *out, size_t n)
{
    snprintf(out, n, "%s@%s", user, harness_env("TUKTUK_TEST_DOMAIN"));
}

static void start(struct peer *p, const char *user, bool omemo)
{
    char jid[300], full[400], pw[64], args[400], err[256] = "";
    snprintf(args, sizeof args, "adduser %s %s %s-pw", harness_env("TUKTUK_TEST_RUNDIR"), user,
             user);
    CHECK(harness_server(args) == 0);
    jid_of(user, jid, sizeof jid);
    snprintf(full, sizeof full, "%s/r", jid);
    snprintf(pw, sizeof pw, "%s-pw", user);
    unsigned char key[32];
    randombytes_buf(key, sizeof key);
    bool created;
    p->o = omemo ? omemo_open_key(dir, user, key, jid, &created, err, sizeof err) : NULL;
    struct session_config cfg = harness_config(full, pw);
    p->c.s = session_new(&loop, &cfg, on_event, p, err, sizeof err);
    CHECK(p->c.s != NULL && (p->o || !omemo));
    if (!p->c.s || (omemo && !p->o))
        exit(1);
    p->oc = omemo ? omemochat_new(p->o, p->c.s, on_notice, p) : NULL;
    session_connect(p->c.s);
    CHECK(harness_wait(&loop, harness_is_online, &p->c, 10000));
    if (omemo)
        CHECK(harness_wait_count(&loop, &p->published, 2, 10000)); /* device list and bundle */
}

static void stop(struct peer *p)
{
    session_disconnect(p->c.s, NULL);
    CHECK(harness_wait(&loop, harness_is_offline, &p->c, 5000));
    harness_free(&p->c, &loop);
    omemochat_free(p->oc);
    omemo_free(p->o);
}

static bool join(struct peer *p, const char *nick)
{
    int had = p->joined;
    return session_muc_join(p->c.s, room, nick, NULL) == 0 &&
           harness_wait_count(&loop, &p->joined, had + 1, 10000);
}

static int kind_known(void *arg)
{
    const struct muc_room *r = session_muc_room(((struct peer *)arg)->c.s, room);
    return r && r->info_known;
}

struct want {
    struct peer *p;
    size_t members, occupants;
};

static int room_has(void *arg)
{
    struct want *w = arg;
    const struct muc_room *r = session_muc_room(w->p->c.s, room);
    size_t with_jid = 0;
    for (size_t i = 0; r && i < r->noccupants; i++)
        with_jid += r->occupants[i].jid != NULL;
    return r && r->info_known && r->members_only && r->non_anonymous &&
           r->nmembers >= w->members && with_jid >= w->occupants;
}

static bool room_shows(struct peer *p, size_t members, size_t occupants)
{
    struct want w = {p, members, occupants};
    if (harness_wait(&loop, room_has, &w, 10000))
        return true;
    const struct muc_room *r = session_muc_room(p->c.s, room);
    fprintf(stderr, "room: known %d members-only %d non-anonymous %d members %zu occupants %zu\n",
            r ? r->info_known : -1, r ? r->members_only : -1, r ? r->non_anonymous : -1,
            r ? r->nmembers : 0, r ? r->noccupants : 0);
    return false;
}

static int is_settled(void *arg)
{
    struct peer *p = arg;
    return !omemochat_busy(p->oc, room);
}

static int send_room(struct peer *p, const char *text, char *err, size_t errlen)
{
    if (!harness_wait(&loop, is_settled, p, 10000))
        return -2;
    char id[64];
    return omemochat_send(p->oc, room, text, NULL, id, sizeof id, err, errlen);
}

/* How many <key rid='device'> the last encrypted message carried. */
static int keys_for(const struct peer *p, const struct peer *reader)
{
    char rid[64];
    snprintf(rid, sizeof rid, "rid=\"%u\"", omemo_device_id(reader->o));
    int n = 0;
    for (const char *at = p->last_sent_xml; (at = strstr(at, rid)) != NULL; at++)
        n++;
    if (n == 0) { /* single quotes, as some serialisers write */
        snprintf(rid, sizeof rid, "rid='%u'", omemo_device_id(reader->o));
        for (const char *at = p->last_sent_xml; (at = strstr(at, rid)) != NULL; at++)
            n++;
    }
    return n;
}

/* /affiliation set member JID, and the room's yes. */
static void make_member(struct peer *owner, const char *jid)
{
    int had = owner->said;
    CHECK(session_muc_set_affiliation(owner->c.s, room, jid, "member") == 0);
    CHECK(harness_wait_count(&loop, &owner->said, had + 1, 10000));
    CHECK(strstr(owner->last_said, "is a member now") != NULL);
}

int main(void)
{
    uv_loop_init(&loop);
    snprintf(dir, sizeof dir, "/tmp/test_omemo_room.XXXXXX");
    if (sodium_init() < 0 || !mkdtemp(dir))
        return 1;
    snprintf(room, sizeof room, "omr%ld@%s", (long)getpid(), harness_env("TUKTUK_TEST_MUC"));
    char bob[256], carol[256], dave[256], erin[256], err[512] = "";
    jid_of("omr_bob", bob, sizeof bob);
    jid_of("omr_carol", carol, sizeof carol);
    jid_of("omr_dave", dave, sizeof dave);
    jid_of("omr_erin", erin, sizeof erin);
    static struct peer a, b, c, d, e;
    start(&a, "omr_alice", true);
    start(&b, "omr_bob", true);
    start(&c, "omr_carol", true);

    /* An open room: the kind is read after the join, and refused. */
    CHECK(join(&a, "alice"));
    CHECK(harness_wait(&loop, kind_known, &a, 10000));
    CHECK(omemochat_has_devices(a.oc, room) == 0);
    CHECK(send_room(&a, "not in an open room", err, sizeof err) == -1);
    CHECK(strstr(err, "members-only") != NULL);
    CHECK(a.last_sent_xml[0] == '\0'); /* nothing went out */

    /* Alice names two members, then makes the room members-only and
     * non-anonymous: the room says its configuration changed (104), and
     * her client reads its kind and members again. */
    make_member(&a, bob); /* one item per request: Prosody reads only the first */
    make_member(&a, carol);
    CHECK(session_muc_set_affiliation(a.c.s, room, bob, "wizard") == -1);
    CHECK(session_muc_set_affiliation(a.c.s, room, "bob@localhost/phone", "member") == -1);
    int had = a.said;
    CHECK(session_muc_make_private(a.c.s, room) == 0); /* /room private */
    CHECK(harness_wait_count(&loop, &a.said, had + 1, 10000));
    CHECK(strstr(a.last_said, "members-only and non-anonymous now") != NULL);
    CHECK(room_shows(&a, 3, 0)); /* alice, bob, carol: owner and members */
    CHECK(omemochat_has_devices(a.oc, room) == 1);

    CHECK(join(&b, "bob"));
    /* A member is no owner: the room's refusal is said. */
    had = b.said;
    CHECK(session_muc_set_affiliation(b.c.s, room, carol, "owner") == 0);
    CHECK(harness_wait_count(&loop, &b.said, had + 1, 10000));
    CHECK(strstr(b.last_said, "making omr_carol@") != NULL &&
          strstr(b.last_said, "affiliation owner was refused (") != NULL);
    CHECK(join(&c, "carol"));
    CHECK(room_shows(&a, 3, 3));
    CHECK(room_shows(&b, 3, 3));
    CHECK(room_shows(&c, 3, 3));

    /* Alice writes: both members read it; the room's copy to her is no failure. */
    CHECK(send_room(&a, "hello room, this is OMEMO", err, sizeof err) == 0);
    CHECK(harness_wait_count(&loop, &b.decrypted, 1, 10000));
    CHECK(harness_wait_count(&loop, &c.decrypted, 1, 10000));
    CHECK_STR(b.last_plain, "hello room, this is OMEMO");
    CHECK_STR(c.last_plain, "hello room, this is OMEMO");
    CHECK(strstr(b.last_from, "/alice") != NULL);
    CHECK(strstr(a.last_sent_xml, "groupchat") != NULL);
    CHECK(strstr(a.last_sent_xml, "hello room") == NULL);
    CHECK(keys_for(&a, &b) == 1 && keys_for(&a, &c) == 1);
    CHECK(keys_for(&a, &a) == 0); /* not for the device that wrote */

    /* Carol answers: Alice and Bob read it. */
    CHECK(send_room(&c, "carol here, also encrypted", err, sizeof err) == 0);
    CHECK(harness_wait_count(&loop, &a.decrypted, 1, 10000));
    CHECK(harness_wait_count(&loop, &b.decrypted, 2, 10000));
    CHECK_STR(a.last_plain, "carol here, also encrypted");
    CHECK_STR(b.last_plain, "carol here, also encrypted");
    CHECK(a.failed == 0 && b.failed == 0 && c.failed == 0);
    if (a.failed || b.failed || c.failed)
        fprintf(stderr, "failed: %s | %s | %s\n", a.last_fail, b.last_fail, c.last_fail);

    /* Carol leaves; as a member she still gets the keys of what is said
     * (she reads it from the archive). */
    CHECK(session_muc_part(c.c.s, room, NULL) == 0);
    CHECK(room_shows(&b, 3, 2));
    CHECK(send_room(&b, "for all members", err, sizeof err) == 0);
    CHECK(harness_wait_count(&loop, &a.decrypted, 2, 10000));
    CHECK_STR(a.last_plain, "for all members");
    CHECK(keys_for(&b, &c) == 1);

    /* Bob leaves too; Carol comes back and reads what she missed from the
     * room's history and its archive, which name its writer: Bob's nick
     * stands for nobody now. */
    CHECK(session_muc_part(b.c.s, room, NULL) == 0);
    CHECK(room_shows(&a, 3, 1));
    had = c.decrypted;
    CHECK(join(&c, "carol"));
    struct session_mam_query q = {.archive = room, .before_id = "", .max = 20};
    CHECK(session_mam_query(c.c.s, &q, NULL, 0) == 0);
    CHECK(harness_wait_count(&loop, &c.decrypted, had + 1, 10000));
    CHECK_STR(c.last_plain, "for all members");
    if (strcmp(c.last_plain, "for all members") != 0)
        fprintf(stderr, "carol: %s\n", c.last_fail);

    /* Erin is made a member while she is away: the room tells nobody
     * (XEP-0045 §9.3), but Alice made the change, so her next message has
     * keys for Erin. */
    start(&e, "omr_erin", true);
    make_member(&a, erin);
    CHECK(room_shows(&a, 4, 1));
    CHECK(send_room(&a, "erin reads this later", err, sizeof err) == 0);
    CHECK(keys_for(&a, &e) == 1);

    /* Dave, a member without OMEMO, joins: nothing is sent, and the
     * reason names him. */
    start(&d, "omr_dave", false);
    make_member(&a, dave);
    CHECK(join(&d, "dave"));
    CHECK(room_shows(&a, 3, 3));
    int sent = (int)strlen(a.last_sent_xml);
    int rc = send_room(&a, "dave cannot read this", err, sizeof err);
    CHECK(rc == -1);
    CHECK(strstr(err, dave) != NULL);
    CHECK((int)strlen(a.last_sent_xml) == sent && !strstr(a.last_sent_xml, "dave cannot"));

    stop(&e);
    stop(&d);
    stop(&c);
    stop(&b);
    stop(&a);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
    uv_loop_close(&loop);
    return check_done();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_omemo.c - OMEMO 0.3 between tuktuk sessions on the test server:
 * each publishes its device list and bundle (open access), a first
 * message builds the session from the peer's bundle and uses one of its
 * prekeys, which it replenishes and publishes again, and answers at once
 * with an empty message that completes the session; the answer; a second
 * device of the sender that reads its own sent message as a carbon; a
 * peer offline when the message is sent; a new device in the middle of
 * the conversation; trust taken away and given
 * back; a message typed while offline, kept encrypted in the message
 * store's outbox (never its text) across a restart and sent once after
 * the next login; and hostile input (a malformed element, a replay of a real
 * message, a message for another device, a device list of a thousand
 * entries), each one line and no plaintext. */
#include <sodium.h>
#include <unistd.h>

#include "core/omemochat.h"
#include "core/outbox.h"
#include "core/store.h"
#include "harness.h"
#include "xmpp/omemo.h"

static uv_loop_t loop;
static char dir[256];

struct peer {
    struct tclient c;
    struct omemo *o;
    struct omemochat *oc;
    char name[32];
    unsigned char key[32];
    int published, lists, bundles;
    int decrypted, failed;
    int transports; /* empty OMEMO messages read, or ignored (not ours, a second copy) */
    int heartbeats; /* empty OMEMO messages we sent */
    char last_plain[512], last_fail[512], last_notice[1024];
    int notices;
    char last_sent_xml[8192]; /* our last OMEMO message as sent */
    struct store *st;         /* the outbox kept as main.c keeps it, or NULL */
    char *probe_path;         /* read as each message is decrypted, into probe */
    char probe[16384];
    size_t probe_len;
    int restored, sent;       /* SESSION_EV_OUTBOX seen */
};

static size_t slurp(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(buf, 1, cap, f) : 0;
    if (f)
        fclose(f);
    return n;
}

static void on_notice(void *ud, const char *jid, const char *text)
{
    struct peer *p = ud;
    (void)jid;
    p->notices++;
    snprintf(p->last_notice, sizeof p->last_notice, "%s", text);
}

static void on_event(void *ud, const struct session_event *ev)
{
    struct peer *p = ud;
    harness_on_event(&p->c, ev);
    if (p->oc)
        omemochat_event(p->oc, ev);
    if (p->st)
        CHECK(outbox_follow(p->st, p->c.s, ev) == 0);
    if (ev->type == SESSION_EV_OUTBOX) {
        p->restored += strcmp(ev->sub_type, "restored") == 0;
        p->sent += strcmp(ev->sub_type, "sent") == 0;
    }
    if (ev->type == SESSION_EV_OMEMO) {
        p->published += strcmp(ev->sub_type, "published") == 0 && !ev->condition;
        p->lists += strcmp(ev->sub_type, "devices") == 0;
        p->bundles += strcmp(ev->sub_type, "bundle") == 0;
    }
    if (ev->type == SESSION_EV_XML && ev->outgoing && harness_contains(ev->text, ev->len, "<encrypted") &&
        !harness_contains(ev->text, ev->len, "<payload>"))
        p->heartbeats++;
    if (ev->type == SESSION_EV_XML && ev->outgoing && ev->len < sizeof p->last_sent_xml &&
        harness_contains(ev->text, ev->len, "<encrypted") &&
        harness_contains(ev->text, ev->len, "<payload>")) {
        memcpy(p->last_sent_xml, ev->text, ev->len);
        p->last_sent_xml[ev->len] = '\0';
    }
    if (ev->type == SESSION_EV_MESSAGE && (ev->msg->omemo || ev->msg->omemo_error) && p->oc) {
        char *plain = NULL, err[512];
        if (omemochat_decrypt(p->oc, ev->msg, &plain, err, sizeof err) == 0) {
            if (plain) {
                p->decrypted++;
                if (p->probe_path)
                    p->probe_len = slurp(p->probe_path, p->probe, sizeof p->probe);
                snprintf(p->last_plain, sizeof p->last_plain, "%s", plain);
            } else {
                p->transports++;
            }
        } else {
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

static bool add_user(const char *user)
{
    char args[400];
    snprintf(args, sizeof args, "adduser %s %s %s-pw", harness_env("TUKTUK_TEST_RUNDIR"), user,
             user);
    return harness_server(args) == 0;
}

/* p as user/resource with its key store "store", not connected yet. */
static void open_peer(struct peer *p, const char *user, const char *resource, const char *store,
                      bool keep_key)
{
    unsigned char key[32];
    memcpy(key, p->key, 32);
    memset(p, 0, sizeof *p);
    if (keep_key)
        memcpy(p->key, key, 32);
    else
        randombytes_buf(p->key, 32);
    snprintf(p->name, sizeof p->name, "%s", store);
    char jid[300], full[400], pw[64], err[256] = "";
    jid_of(user, jid, sizeof jid);
    snprintf(full, sizeof full, "%s/%s", jid, resource);
    snprintf(pw, sizeof pw, "%s-pw", user);
    bool created;
    p->o = omemo_open_key(dir, store, p->key, jid, &created, err, sizeof err);
    CHECK(p->o != NULL);
    CHECK(created == !keep_key);
    struct session_config cfg = harness_config(full, pw);
    p->c.s = session_new(&loop, &cfg, on_event, p, err, sizeof err);
    CHECK(p->c.s != NULL);
    if (!p->o || !p->c.s)
        exit(1);
    p->oc = omemochat_new(p->o, p->c.s, on_notice, p);
}

/* Logs p in as user/resource with its key store "store". */
static void start(struct peer *p, const char *user, const char *resource, const char *store,
                  bool keep_key)
{
    open_peer(p, user, resource, store, keep_key);
    session_connect(p->c.s);
    CHECK(harness_wait(&loop, harness_is_online, &p->c, 10000));
}

/* The process goes away without a word to the server (a crash, a kill):
 * only what was written to disk is left. */
static void killed(struct peer *p)
{
    harness_free(&p->c, &loop);
    omemochat_free(p->oc);
    omemo_free(p->o);
    store_close(p->st);
    p->oc = NULL;
    p->o = NULL;
    p->st = NULL;
}

static void stop(struct peer *p)
{
    session_disconnect(p->c.s, NULL);
    CHECK(harness_wait(&loop, harness_is_offline, &p->c, 5000));
    harness_free(&p->c, &loop);
    omemochat_free(p->oc);
    omemo_free(p->o);
    p->oc = NULL;
    p->o = NULL;
}

static int wait_for(const int *counter, int n)
{
    return harness_wait_count(&loop, counter, n, 10000);
}

struct readiness {
    struct peer *p;
    const char *jid;
};

static int is_ready(void *arg)
{
    struct readiness *r = arg;
    return omemochat_ready(r->p->oc, r->jid);
}

static bool ready(struct peer *p, const char *jid)
{
    omemochat_prepare(p->oc, jid);
    struct readiness r = {p, jid};
    return harness_wait(&loop, is_ready, &r, 10000);
}

static int is_settled(void *arg)
{
    struct readiness *r = arg;
    return !omemochat_busy(r->p->oc, r->jid);
}

/* Nothing left to fetch before a message to jid: its list and bundles. */
static bool settled(struct peer *p, const char *jid)
{
    struct readiness r = {p, jid};
    return harness_wait(&loop, is_settled, &r, 10000);
}

static bool send_ok(struct peer *p, const char *to, const char *text)
{
    char err[512] = "", id[64];
    int rc = omemochat_send(p->oc, to, text, NULL, id, sizeof id, err, sizeof err);
    if (rc < 0)
        fprintf(stderr, "%s: send failed: %s\n", p->name, err);
    return rc == 0;
}

#define NS_AXOLOTL "eu.siacs.conversations.axolotl"

/* Mallory sends Bob a chat message holding inner; Bob fails to read it
 * with one line that contains expect. */
static bool bad_message(struct peer *m, struct peer *bob, const char *bobjid, const char *inner,
                        const char *expect)
{
    char xml[2048], err[256];
    int failed = bob->failed, decrypted = bob->decrypted;
    snprintf(xml, sizeof xml, "<message to='%s' type='chat'>%s</message>", bobjid, inner);
    bool ok = session_send_raw(m->c.s, xml, err, sizeof err) == 0 &&
              wait_for(&bob->failed, failed + 1) && bob->decrypted == decrypted;
    if (ok && !strstr(bob->last_fail, expect))
        fprintf(stderr, "expected '%s' in: %s\n", expect, bob->last_fail);
    return ok && strstr(bob->last_fail, expect) != NULL;
}

/* /omemo trust or untrust for each of jid's devices, by fingerprint. */
static bool trust_all(struct peer *p, const char *jid, const uint32_t *devs, size_t n, bool trust)
{
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        size_t klen = 0;
        char fp[OMEMO_FP_LEN], err[256];
        const uint8_t *ik = omemokeys_identity(omemo_keys(p->o), jid, devs[i], &klen);
        omemo_fingerprint(ik, klen, fp);
        ok &= omemochat_trust(p->oc, jid, fp, trust, err, sizeof err) == 0;
    }
    return ok;
}

static void test_hostile(struct peer *bob, const char *bobjid)
{
    struct peer m;
    memset(&m, 0, sizeof m);
    CHECK(add_user("om_mallory"));
    start(&m, "om_mallory", "m", "mallory", false);
    char xml[16384], err[256];
    int got;

    /* A malformed element: one line, nothing shown. */
    CHECK(bad_message(&m, bob, bobjid,
                      "<body>fallback</body><encrypted xmlns='" NS_AXOLOTL "'><header sid='x'/>"
                      "</encrypted>",
                      "header"));
    CHECK(strstr(bob->last_fail, "could not decrypt a message from om_mallory@") != NULL);
    /* A well-formed element for a device that is not Bob's. */
    CHECK(bad_message(&m, bob, bobjid,
                      "<encrypted xmlns='" NS_AXOLOTL "'><header sid='4242'><key rid='1'>AAAA"
                      "</key><iv>AAAAAAAAAAAAAAAA</iv></header><payload>AAAA</payload>"
                      "</encrypted>",
                      "(device 4242): it was not encrypted for this device"));
    /* A key for Bob's device that is garbage: the library refuses it. */
    char inner[600];
    snprintf(inner, sizeof inner,
             "<encrypted xmlns='" NS_AXOLOTL "'><header sid='4242'><key rid='%u' "
             "prekey='true'>AAAAAAAAAAAA</key><iv>AAAAAAAAAAAAAAAA</iv></header>"
             "<payload>AAAA</payload></encrypted>",
             omemo_device_id(bob->o));
    CHECK(bad_message(&m, bob, bobjid, inner, "(device 4242): an unsupported version"));

    /* A device list of a thousand entries: refused, not followed. */
    size_t n = (size_t)snprintf(xml, sizeof xml,
                                "<iq type='set' id='huge'><pubsub "
                                "xmlns='http://jabber.org/protocol/pubsub'><publish node='"
                                "eu.siacs.conversations.axolotl.devicelist'><item id='current'>"
                                "<list xmlns='eu.siacs.conversations.axolotl'>");
    for (int i = 1; i <= 1000 && n < sizeof xml - 200; i++)
        n += (size_t)snprintf(xml + n, sizeof xml - n, "<device id='%d'/>", i);
    snprintf(xml + n, sizeof xml - n, "</list></item></publish></pubsub></iq>");
    CHECK(session_send_raw(m.c.s, xml, err, sizeof err) == 0);
    char mjid[300];
    jid_of("om_mallory", mjid, sizeof mjid);
    got = bob->notices;
    /* Let the publish land first: Mallory's own answer comes before Bob asks. */
    int lists = m.lists;
    session_omemo_fetch_devices(m.c.s, mjid);
    CHECK(wait_for(&m.lists, lists + 1));
    omemochat_prepare(bob->oc, mjid);
    CHECK(wait_for(&bob->notices, got + 1));
    CHECK(strstr(bob->last_notice, "device list of om_mallory@") != NULL);
    CHECK(strstr(bob->last_notice, "too long") != NULL);
    /* Not taken for "no OMEMO": nothing is sent to Mallory in plaintext. */
    CHECK(omemochat_has_devices(bob->oc, mjid) == 1);
    char id[64];
    CHECK(omemochat_send(bob->oc, mjid, "secret", NULL, id, sizeof id, err, sizeof err) < 0);
    CHECK(strstr(err, "could not be read") != NULL);
    stop(&m);
}

static char alice[300], bob[300];

struct outbox_rows {
    int n;
    bool body; /* a row had a text */
    char stanza[8192];
};

static void on_row(void *ud, const char *id, const char *to, const char *type, const char *body,
                   const char *stanza, int64_t stamp)
{
    struct outbox_rows *r = ud;
    (void)id, (void)to, (void)type, (void)stamp;
    r->n++;
    r->body |= body != NULL;
    snprintf(r->stanza, sizeof r->stanza, "%s", stanza ? stanza : "");
}

static struct store *open_store(void)
{
    char path[400], note[256], err[256];
    snprintf(path, sizeof path, "%s/messages.db", dir);
    struct store *st = store_open(path, note, sizeof note, err, sizeof err);
    CHECK(st != NULL);
    return st;
}

/* Alice types while offline: her keys and sessions are on disk, so the
 * message is encrypted at once and waits in the outbox as that stanza.
 * She is killed; the next run hands the stanza to a new session before
 * it logs in, and Bob reads it once. */
static void test_offline_encrypted(struct peer *a, struct peer *b)
{
    static const char text[] = "typed offline, kept encrypted";
    a->st = open_store();
    session_disconnect(a->c.s, NULL);
    CHECK(harness_wait(&loop, harness_is_offline, &a->c, 5000));
    CHECK(omemochat_ready(a->oc, bob));
    char id[64] = "", err[512] = "";
    CHECK(omemochat_send(a->oc, bob, text, NULL, id, sizeof id, err, sizeof err) == 1);
    CHECK(id[0] != '\0');
    CHECK(session_pending_messages(a->c.s) == 1);
    killed(a);

    /* The outbox row: the encrypted stanza under that id, no text, and
     * nowhere the plaintext (in the file either). */
    struct store *st = open_store();
    struct outbox_rows rows = {0};
    CHECK(st && store_outbox_list(st, alice, on_row, &rows) == 1);
    store_close(st);
    CHECK(!rows.body);
    CHECK(strstr(rows.stanza, "<encrypted") && strstr(rows.stanza, "<payload>"));
    CHECK(strstr(rows.stanza, id) != NULL);
    CHECK(strstr(rows.stanza, text) == NULL);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "grep -rqa '%s' '%s'/messages.db*", text, dir);
    CHECK(system(cmd) != 0);

    /* The next run: restored before the login, sent after it. */
    int decrypted = b->decrypted, failed = b->failed;
    open_peer(a, "om_alice", "one", "alice1", true);
    a->st = open_store();
    CHECK(outbox_restore(a->st, a->c.s) == 1);
    CHECK(a->restored == 1);
    CHECK(session_pending_messages(a->c.s) == 1);
    session_connect(a->c.s);
    CHECK(harness_wait(&loop, harness_is_online, &a->c, 10000));
    CHECK(wait_for(&b->decrypted, decrypted + 1));
    CHECK_STR(b->last_plain, text);
    CHECK(wait_for(&a->sent, 1));
    rows = (struct outbox_rows){0};
    CHECK(store_outbox_list(a->st, alice, on_row, &rows) == 0);
    /* Once: the next message is the next one Bob reads, and nothing was
     * refused as a replay. */
    CHECK(ready(a, bob) && settled(a, bob)); /* a new run knows no device list yet */
    CHECK(send_ok(a, bob, "after the restart"));
    CHECK(wait_for(&b->decrypted, decrypted + 2));
    CHECK_STR(b->last_plain, "after the restart");
    CHECK(b->failed == failed);
    CHECK(session_pending_messages(a->c.s) == 0);

    /* Offline with no keys of a contact: nothing to encrypt with, so
     * nothing is taken (never plaintext). */
    session_disconnect(a->c.s, NULL);
    CHECK(harness_wait(&loop, harness_is_offline, &a->c, 5000));
    char nobody[300];
    jid_of("om_nobody", nobody, sizeof nobody);
    CHECK(!omemochat_ready(a->oc, nobody));
    CHECK(omemochat_send(a->oc, nobody, "never in clear", NULL, id, sizeof id, err, sizeof err) <
          0);
    CHECK(session_pending_messages(a->c.s) == 0);
    session_connect(a->c.s);
    CHECK(harness_wait(&loop, harness_is_online, &a->c, 10000));
    store_close(a->st);
    a->st = NULL;
}

/* Alice's sessions with Bob's device and her other one are answered. */
static int completed(void *arg)
{
    struct peer *a = arg;
    uint32_t ids[8];
    size_t nb = omemokeys_devices(omemo_keys(a->o), bob, ids, 8);
    size_t n = nb + omemokeys_devices(omemo_keys(a->o), alice, ids + nb, 8 - nb);
    bool pending = nb != 1 || n != 2;
    for (size_t i = 0; i < n; i++)
        pending |= omemo_session_pending(a->o, i < nb ? bob : alice, ids[i]);
    return !pending;
}

int main(void)
{
    uv_loop_init(&loop);
    snprintf(dir, sizeof dir, "/tmp/test_omemo_int.XXXXXX");
    if (sodium_init() < 0 || !mkdtemp(dir))
        return 1;
    jid_of("om_alice", alice, sizeof alice);
    jid_of("om_bob", bob, sizeof bob);
    CHECK(add_user("om_alice"));
    CHECK(add_user("om_bob"));

    static struct peer a, a2, b;
    /* Alice's second device first, so that her first finds it listed. */
    start(&a2, "om_alice", "two", "alice2", false);
    CHECK(wait_for(&a2.published, 2)); /* device list and bundle */
    start(&a, "om_alice", "one", "alice1", false);
    CHECK(wait_for(&a.published, 2));
    start(&b, "om_bob", "b", "bob", false);
    CHECK(wait_for(&b.published, 2));

    /* First contact: Alice fetches Bob's list and bundle. */
    CHECK(omemochat_has_devices(a.oc, bob) != 0);
    CHECK(ready(&a, bob));
    CHECK(omemochat_has_devices(a.oc, bob) == 1);
    CHECK(ready(&a, alice)); /* her other device */
    int published = b.published;
    CHECK(send_ok(&a, bob, "hello bob, this is OMEMO"));
    /* Her sessions are hers alone until they answer. */
    CHECK(omemo_session_pending(a.o, bob, omemo_device_id(b.o)));
    CHECK(omemo_session_pending(a.o, alice, omemo_device_id(a2.o)));
    CHECK(wait_for(&b.decrypted, 1));
    CHECK_STR(b.last_plain, "hello bob, this is OMEMO");
    /* Bob used a prekey: he makes a new one and publishes his bundle. */
    CHECK(wait_for(&b.published, published + 1));
    CHECK(omemokeys_prekey_count(omemo_keys(b.o)) == OMEMO_PREKEYS);
    /* Alice's other device reads the copy of what she sent. */
    CHECK(wait_for(&a2.decrypted, 1));
    CHECK_STR(a2.last_plain, "hello bob, this is OMEMO");
    /* Both answer her prekey message at once with an empty message
     * (XEP-0384), so that her sessions with them are complete: her next
     * message is no prekey message for either, though neither wrote. */
    CHECK(wait_for(&a.transports, 2));
    CHECK(wait_for(&b.heartbeats, 1) && wait_for(&a2.heartbeats, 1));
    CHECK(harness_wait(&loop, completed, &a, 10000));
    CHECK(a.decrypted == 0 && a.failed == 0 && a.heartbeats == 0);
    a.last_sent_xml[0] = '\0';
    CHECK(send_ok(&a, bob, "no prekey any more"));
    CHECK(wait_for(&b.decrypted, 2));
    CHECK_STR(b.last_plain, "no prekey any more");
    CHECK(a.last_sent_xml[0] != '\0' && strstr(a.last_sent_xml, "<key") &&
          !strstr(a.last_sent_xml, "prekey"));
    /* An ordinary message gets no answer; a copy not ours gives no line. */
    CHECK(b.heartbeats == 1 && a2.heartbeats == 1 && a2.failed == 0);

    /* Bob answers over the session, to both of Alice's devices. */
    CHECK(ready(&b, alice));
    CHECK(send_ok(&b, alice, "hi alice"));
    CHECK(wait_for(&a.decrypted, 1));
    CHECK_STR(a.last_plain, "hi alice");
    CHECK(wait_for(&a2.decrypted, 3));
    CHECK_STR(a2.last_plain, "hi alice");

    /* The same stanza again (a replay): refused with one line. */
    char err[256];
    int failed = b.failed;
    CHECK(send_ok(&a, bob, "only once"));
    CHECK(wait_for(&b.decrypted, 3));
    CHECK(a.last_sent_xml[0] != '\0');
    CHECK(session_send_raw(a.c.s, a.last_sent_xml, err, sizeof err) == 0);
    CHECK(wait_for(&b.failed, failed + 1));
    CHECK(strstr(b.last_fail, "replayed") != NULL);
    CHECK(b.decrypted == 3);

    /* Trust taken away: Bob cannot send to Alice's devices, nothing goes out. */
    uint32_t devs[8];
    size_t nd = omemokeys_devices(omemo_keys(b.o), alice, devs, 8);
    CHECK(nd == 2);
    CHECK(trust_all(&b, alice, devs, nd, false));
    int sent_before = a.decrypted;
    char id[64];
    CHECK(omemochat_send(b.oc, alice, "must not go out", NULL, id, sizeof id, err, sizeof err) < 0);
    CHECK(strstr(err, "no trusted device") != NULL);
    CHECK(omemochat_trust(b.oc, alice, "0123", true, err, sizeof err) < 0);
    char *fps = omemochat_fingerprints(b.oc, alice);
    CHECK(fps && strstr(fps, "untrusted") != NULL);
    free(fps);
    CHECK(trust_all(&b, alice, devs, nd, true));
    CHECK(send_ok(&b, alice, "trusted again"));
    CHECK(wait_for(&a.decrypted, sent_before + 1));
    CHECK_STR(a.last_plain, "trusted again");

    test_offline_encrypted(&a, &b);

    /* Bob offline: the message waits on the server, and his store
     * (opened again from disk) reads it when he is back. */
    stop(&b);
    CHECK(send_ok(&a, bob, "while you were away"));
    start(&b, "om_bob", "b", "bob", true);
    CHECK(wait_for(&b.decrypted, 1));
    CHECK_STR(b.last_plain, "while you were away");

    /* A new device of Alice in the middle of the conversation writes
     * first. Bob heard of it from no notification (no subscription
     * here): its message makes him read Alice's list again, and his next
     * message is encrypted for it too. */
    static struct peer a3;
    start(&a3, "om_alice", "three", "alice3", false);
    CHECK(wait_for(&a3.published, 2));
    CHECK(ready(&a3, bob));
    CHECK(send_ok(&a3, bob, "from a new device"));
    CHECK(wait_for(&b.decrypted, 2));
    CHECK_STR(b.last_plain, "from a new device");
    CHECK(settled(&b, alice));
    CHECK(omemokeys_devices(omemo_keys(b.o), alice, devs, 8) == 3);
    /* Bob verified Alice's devices above: a new one is not trusted
     * blindly any more, he is told, and gets nothing until he trusts it. */
    uint32_t id3 = omemo_device_id(a3.o);
    CHECK(omemokeys_trust(omemo_keys(b.o), alice, id3) == OMEMO_TRUST_UNDECIDED);
    CHECK(strstr(b.last_notice, "not trusted") != NULL);
    CHECK(send_ok(&b, alice, "to the two I trust"));
    CHECK(wait_for(&a3.failed, 1)); /* it gets the message, not its key */
    CHECK(strstr(a3.last_fail, "not encrypted for this device") != NULL);
    CHECK(a3.decrypted == 0);
    CHECK(trust_all(&b, alice, &id3, 1, true));
    CHECK(send_ok(&b, alice, "to all three of you"));
    CHECK(wait_for(&a3.decrypted, 1));
    CHECK_STR(a3.last_plain, "to all three of you");
    stop(&a3);

    /* What reading a message moves in the key store is saved once per
     * read from the network (omemochat_settle, after each batch of I/O in
     * main.c), not as each message is shown. */
    char bobfile[300], before[16384], after[16384];
    snprintf(bobfile, sizeof bobfile, "%s/bob", dir);
    CHECK(send_ok(&a, bob, "one read, one save"));
    CHECK(wait_for(&b.decrypted, 3));
    omemochat_settle(b.oc);
    size_t nbefore = slurp(bobfile, before, sizeof before);
    CHECK(nbefore > 0 && nbefore < sizeof before);
    b.probe_path = bobfile;
    CHECK(send_ok(&a, bob, "read, not yet saved"));
    CHECK(wait_for(&b.decrypted, 4));
    CHECK_STR(b.last_plain, "read, not yet saved");
    CHECK(b.probe_len == nbefore && memcmp(b.probe, before, nbefore) == 0);
    omemochat_settle(b.oc);
    size_t nafter = slurp(bobfile, after, sizeof after);
    CHECK(nafter > 0 && (nafter != nbefore || memcmp(after, before, nbefore) != 0));
    b.probe_path = NULL;

    test_hostile(&b, bob);

    stop(&a);
    stop(&a2);
    stop(&b);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
    uv_loop_close(&loop);
    return check_done();
}

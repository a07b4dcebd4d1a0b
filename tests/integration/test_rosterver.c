/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_rosterver.c - roster versioning (RFC 6121 §2.6) against the
 * project's Prosody, whose mod_roster offers it (a number that grows with
 * each change; an unchanged roster gets an empty result, a changed one the
 * whole roster again). Checked here:
 *   - the feature is offered and our first get says ver='';
 *   - a new login with an unchanged roster receives no item, and the
 *     roster is the one a full fetch gives (a fresh session's);
 *   - a change made while we were offline (a contact added to the stored
 *     roster; another account approving our subscription request) and a
 *     change made while we are online (a push with its version) all reach
 *     the roster, and the login after them again receives no item;
 *   - across a restart, through the cache file (core/rostercache.c): a
 *     new session loaded from it receives no item and has the same roster;
 *     a truncated file is ignored and the roster is fetched whole.
 * Every account is made fresh here, with a name of its own, so that the
 * test can run again against the same server (Prosody keeps the rosters
 * of offline users it has loaded, and would not see the files rewritten). */

#include <sys/stat.h>
#include <unistd.h>

#include "core/rostercache.h"
#include "harness.h"
#include "xml/stanza.h"

struct vclient {
    struct tclient c; /* first: the harness's handler gets this */
    char get_id[64];  /* our last roster get */
    char get_ver[256];
    bool get_had_ver;
    bool answered;     /* its answer arrived */
    bool answer_items; /* ... with a <query/> (a full roster) */
    size_t answer_len; /* ... of this many bytes */
    bool saw_feature;  /* the stream features offered roster versioning */
    int pushes;
};

static uv_loop_t loop;
static char rundir[512], tmpdir[512];
static char ann[32], ben[32], ann_jid[64], ben_jid[64];

static void on_event(void *ud, const struct session_event *ev)
{
    struct vclient *v = ud;
    harness_on_event(&v->c, ev);
    if (ev->type == SESSION_EV_ROSTER_PUSH)
        v->pushes++;
    if (ev->type != SESSION_EV_XML)
        return;
    if (harness_contains(ev->text, ev->len, "urn:xmpp:features:rosterver"))
        v->saw_feature = true;
    mxml_node_t *el = stanza_parse(ev->text, ev->len, NULL, 0);
    mxml_node_t *query = el ? stanza_child(el, "jabber:iq:roster", "query") : NULL;
    const char *id = el ? stanza_attr(el, "id") : NULL;
    const char *type = el ? stanza_attr(el, "type") : NULL;
    if (ev->outgoing && query && type && strcmp(type, "get") == 0 && id) {
        snprintf(v->get_id, sizeof v->get_id, "%s", id);
        const char *ver = stanza_attr(query, "ver");
        v->get_had_ver = ver != NULL;
        snprintf(v->get_ver, sizeof v->get_ver, "%s", ver ? ver : "");
        v->answered = false;
    } else if (!ev->outgoing && id && strcmp(id, v->get_id) == 0 && !v->answered) {
        v->answered = true;
        v->answer_items = query != NULL;
        v->answer_len = ev->len;
    }
    mxmlDelete(el);
}

static void make_user(const char *user, const char *password)
{
    char args[700];
    snprintf(args, sizeof args, "adduser %s %s %s", rundir, user, password);
    CHECK(harness_prosody(args) == 0);
}

static int prosody(const char *fmt, const char *a, const char *b)
{
    char args[1200];
    snprintf(args, sizeof args, fmt, rundir, a, b);
    return harness_prosody(args);
}

static void client(struct vclient *v, const char *user, const char *password, const char *resource)
{
    memset(v, 0, sizeof *v);
    char jid[128], err[256] = "";
    snprintf(jid, sizeof jid, "%s@localhost", user);
    struct session_config cfg = harness_config(jid, password);
    cfg.resource = resource;
    cfg.connect_timeout_ms = 10000;
    v->c.s = session_new(&loop, &cfg, on_event, v, err, sizeof err);
    if (!v->c.s)
        fprintf(stderr, "session_new: %s\n", err);
    CHECK(v->c.s != NULL);
}

static int online_with_roster(void *arg)
{
    struct vclient *v = arg;
    return harness_is_online(&v->c) && v->answered;
}

static bool login(struct vclient *v)
{
    v->answered = false;
    if (session_connect(v->c.s) != 0)
        return false;
    return harness_wait(&loop, online_with_roster, v, 15000);
}

static void logout(struct vclient *v)
{
    session_disconnect(v->c.s, NULL);
    CHECK(harness_wait(&loop, harness_is_offline, &v->c, 5000));
}

static void drop(struct vclient *v)
{
    harness_free(&v->c, &loop);
}

/* The roster as the UI sees it, sorted: one line per item on the roster. */
static char *snapshot(struct session *s)
{
    struct roster *r = session_roster(s);
    size_t n = roster_count(r), k = 0, total = 1;
    char **lines = calloc(n + 1, sizeof *lines);
    for (size_t i = 0; i < n; i++) {
        const struct roster_item *it = roster_at(r, i);
        if (!it->in_roster)
            continue;
        char line[1024];
        int len = snprintf(line, sizeof line, "%s|%s|%s|%d", it->jid, it->name ? it->name : "-",
                           roster_sub_name(it->sub), it->ask);
        for (size_t g = 0; g < it->ngroups; g++)
            len += snprintf(line + len, sizeof line - (size_t)len, "|%s", it->groups[g]);
        lines[k++] = strdup(line);
        total += (size_t)len + 1;
    }
    for (size_t i = 1; i < k; i++) {
        char *t = lines[i];
        size_t j = i;
        for (; j > 0 && strcmp(lines[j - 1], t) > 0; j--)
            lines[j] = lines[j - 1];
        lines[j] = t;
    }
    char *out = calloc(1, total);
    for (size_t i = 0; i < k; i++) {
        strcat(out, lines[i]);
        strcat(out, "\n");
        free(lines[i]);
    }
    free(lines);
    return out;
}

/* What a full fetch gives right now: a fresh session with no roster. */
static char *full_fetch(const char *user, const char *password)
{
    struct vclient f;
    client(&f, user, password, "full"); /* beside ours, not in its place */
    CHECK(login(&f));
    CHECK(f.get_had_ver && f.get_ver[0] == '\0');
    CHECK(f.answer_items);
    char *snap = snapshot(f.c.s);
    logout(&f);
    drop(&f);
    return snap;
}

static bool same(const char *a, const char *b)
{
    bool eq = a && b && strcmp(a, b) == 0;
    if (!eq)
        fprintf(stderr, "rosters differ:\n--- have\n%s--- full fetch\n%s", a ? a : "(none)",
                b ? b : "(none)");
    return eq;
}

static int has_item(void *arg)
{
    struct vclient *v = arg;
    return roster_find(session_roster(v->c.s), "pushed@localhost") != NULL;
}

static int approved(void *arg)
{
    struct vclient *b = arg;
    const struct roster_item *it = roster_find(session_roster(b->c.s), ann_jid);
    return it && (it->sub == ROSTER_SUB_FROM || it->sub == ROSTER_SUB_BOTH);
}

static int asking(void *arg)
{
    struct vclient *v = arg;
    const struct roster_item *it = roster_find(session_roster(v->c.s), ben_jid);
    return it && it->ask;
}

/* Logs in again with the roster in memory: no item may come, and the
 * roster must be what a full fetch gives. Returns the answer's size. */
static size_t unchanged_login(struct vclient *v, const char *expect)
{
    const char *before = roster_version(session_roster(v->c.s));
    char ver[256];
    snprintf(ver, sizeof ver, "%s", before ? before : "");
    CHECK(login(v));
    CHECK(v->get_had_ver && strcmp(v->get_ver, ver) == 0 && ver[0] != '\0');
    CHECK(!v->answer_items);
    char *snap = snapshot(v->c.s);
    CHECK(same(snap, expect));
    free(snap);
    return v->answer_len;
}

static void test_versioned_logins(void)
{
    struct vclient a, b;
    make_user(ann, "ann-pw");
    make_user(ben, "ben-pw");
    CHECK(prosody("roster %s %s %s", ann, "300") == 0);
    CHECK(prosody("roster %s %s %s", ben, "0") == 0);

    /* First login: ver='' (RFC 6121 §2.6.2), the whole roster. */
    client(&a, ann, "ann-pw", "rv");
    CHECK(login(&a));
    CHECK(a.saw_feature);
    CHECK(a.get_had_ver && a.get_ver[0] == '\0');
    CHECK(a.answer_items);
    /* Items on the roster: the model also holds entities that sent us
     * presence without being on it (ejabberd may send one of ours). */
    size_t count = 0;
    for (size_t i = 0; i < roster_count(session_roster(a.c.s)); i++)
        count += roster_at(session_roster(a.c.s), i)->in_roster;
    if (count != 300)
        fprintf(stderr, "roster of %zu items, not 300 (answer %zu bytes)\n", count, a.answer_len);
    CHECK(count == 300);
    CHECK(roster_version(session_roster(a.c.s)) != NULL);
    size_t full_len = a.answer_len;
    char *first = snapshot(a.c.s);
    logout(&a);

    /* Unchanged: no item; the roster as before. */
    size_t empty_len = unchanged_login(&a, first);
    printf("roster answer: %zu bytes in full, %zu bytes unchanged\n", full_len, empty_len);
    CHECK(empty_len < 200 && full_len > 300 * 50);
    logout(&a);

    /* Changed while offline: a contact added to the stored roster. */
    CHECK(prosody("rosteradd %s %s %s", ann, "newguy@localhost 'New Guy' Pals") == 0);
    CHECK(login(&a));
    CHECK(a.get_had_ver && a.get_ver[0] != '\0');
    CHECK(a.answer_items); /* Prosody sends the whole roster when it changed */
    const struct roster_item *ng = roster_find(session_roster(a.c.s), "newguy@localhost");
    CHECK(ng && ng->name && strcmp(ng->name, "New Guy") == 0 && ng->ngroups == 1 &&
          strcmp(ng->groups[0], "Pals") == 0);
    char *second = full_fetch(ann, "ann-pw");
    char *have = snapshot(a.c.s);
    CHECK(same(have, second));
    free(have);

    /* Changed while online: a push carrying its version. */
    const char *v0 = roster_version(session_roster(a.c.s));
    char old[256];
    snprintf(old, sizeof old, "%s", v0 ? v0 : "");
    CHECK(session_roster_set(a.c.s, "pushed@localhost", "Pushed", "Pals") == 0);
    CHECK(harness_wait(&loop, has_item, &a, 5000));
    CHECK(roster_version(session_roster(a.c.s)) &&
          strcmp(roster_version(session_roster(a.c.s)), old) != 0);
    /* Another account's answer, while we are offline: we ask rv_ben to
     * see his presence, log out, and he approves. */
    CHECK(session_send_subscription(a.c.s, ben_jid, "subscribe") == 0);
    CHECK(harness_wait(&loop, asking, &a, 5000));
    logout(&a);
    client(&b, ben, "ben-pw", "rv");
    CHECK(login(&b));
    CHECK(session_send_subscription(b.c.s, ann_jid, "subscribed") == 0);
    CHECK(harness_wait(&loop, approved, &b, 5000));
    logout(&b);
    drop(&b);
    CHECK(login(&a));
    const struct roster_item *it = roster_find(session_roster(a.c.s), ben_jid);
    CHECK(it && it->sub == ROSTER_SUB_TO && !it->ask);
    CHECK(roster_find(session_roster(a.c.s), "pushed@localhost") != NULL);
    char *third = full_fetch(ann, "ann-pw");
    have = snapshot(a.c.s);
    CHECK(same(have, third));
    free(have);
    logout(&a);

    /* And once more unchanged. */
    unchanged_login(&a, third);

    /* Across a restart: the cache file, then a new session. */
    const char *jid = ann_jid;
    char err[512] = "";
    CHECK(rostercache_save(tmpdir, jid, session_roster(a.c.s), err, sizeof err) == 0);
    logout(&a);
    drop(&a);
    client(&a, ann, "ann-pw", "rv");
    CHECK(rostercache_load(tmpdir, jid, session_roster(a.c.s), err, sizeof err) == 1);
    unchanged_login(&a, third);
    logout(&a);
    drop(&a);

    /* A truncated file is ignored: the whole roster comes, the same. */
    char *path = rostercache_path(tmpdir, jid);
    struct stat st;
    CHECK(path && stat(path, &st) == 0 && truncate(path, st.st_size / 2) == 0);
    client(&a, ann, "ann-pw", "rv");
    CHECK(rostercache_load(tmpdir, jid, session_roster(a.c.s), err, sizeof err) == -1);
    CHECK(roster_count(session_roster(a.c.s)) == 0);
    CHECK(login(&a));
    CHECK(a.get_had_ver && a.get_ver[0] == '\0' && a.answer_items);
    have = snapshot(a.c.s);
    CHECK(same(have, third));
    free(have);
    logout(&a);
    drop(&a);
    free(path);
    free(first);
    free(second);
    free(third);
}

int main(void)
{
    snprintf(rundir, sizeof rundir, "%s", harness_env("TUKTUK_TEST_RUNDIR"));
    snprintf(tmpdir, sizeof tmpdir, "%s/data", harness_env("TUKTUK_TEST_TMP"));
    snprintf(ann, sizeof ann, "rvann%d", (int)getpid());
    snprintf(ben, sizeof ben, "rvben%d", (int)getpid());
    snprintf(ann_jid, sizeof ann_jid, "%s@localhost", ann);
    snprintf(ben_jid, sizeof ben_jid, "%s@localhost", ben);
    uv_loop_init(&loop);
    test_versioned_logins();
    uv_run(&loop, UV_RUN_NOWAIT);
    uv_loop_close(&loop);
    return check_done();
}

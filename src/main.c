/* SPDX-License-Identifier: GPL-3.0-or-later */
/* main.c - parses the command line, reads the config and the password,
 * builds the libuv loop, and wires the layers together: a session
 * (src/xmpp) whose events go to the terminal UI (src/ui) or, when there is
 * no terminal, to a plain log on stdout, and to the XML log when one is
 * asked for. The session's roster is filled from the roster cache
 * (src/core/rostercache.c) before the first login and written back when
 * its version changes, so that a login with an unchanged roster receives
 * no items (RFC 6121 §2.6). Each message the session takes is kept in the
 * message store's outbox (src/core/outbox.c) until the server has it, and
 * what an earlier run left there is handed back to the session at start.
 *
 * Several accounts may run at once (issue 15): each has its own struct
 * acct (session, credentials, catch-up, OMEMO, roster cache timer), and
 * they share the loop, the UI, the message store (rows carry the
 * account) and the vault. Nothing one account does waits for another. */

#include <ncurses.h>
#include <openssl/crypto.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "core/account.h"
#include "core/catchup.h"
#include "core/config.h"
#include "core/credentials.h"
#include "core/keep.h"
#include "core/options.h"
#include "core/omemowait.h"
#include "core/outbox.h"
#include "core/pins.h"
#include "core/prompt.h"
#include "core/rostercache.h"
#include "core/omemochat.h"
#include "core/store.h"
#include "core/xmllog.h"
#include "ui/ui.h"
#include "xmpp/jid.h"
#include "xmpp/session.h"

struct app;

/* One account of the run: its index is its index in the UI too. */
struct acct {
    struct app *app;
    size_t index;
    struct account account;
    struct credentials cred;
    struct session *session;
    struct catchup catchup;
    struct omemochat *omemo; /* NULL when OMEMO is off (said at start) */
    uv_timer_t roster_timer;
    char *roster_saved_ver; /* the version in the roster cache file, or NULL */
    bool roster_save_failed;
    bool outbox_failed; /* a write of the outbox failed: said once */
};

#define APP_MAX_ACCOUNTS 16

struct app {
    uv_loop_t loop;
    char *config_dir;
    char *data_dir;
    struct config *config;
    char **warnings;
    size_t nwarnings;
    const struct options *opt;
    struct acct *accts[APP_MAX_ACCOUNTS];
    size_t naccts;
    struct session_group *group; /* the accounts' idle checks, in step */
    struct vault *vault; /* shared by the accounts; NULL when it cannot be used */
    bool vault_tried;
    char vault_notice[512]; /* why not, said at start */
    struct ui *ui;
    struct store *store; /* NULL when it cannot be opened (said at start) */
    struct xmllog *xmllog;
    bool xmllog_failed;
    uv_signal_t sigint, sigterm, sighup;
    uv_check_t settle; /* after each batch of I/O: the OMEMO key stores saved */
    bool quitting;
    bool register_account;
    int exit_status;
};

static void print_version(void)
{
    printf("tuktuk %s\n", TUKTUK_VERSION);
    /* Mini-XML's own version macro is wrong in 3.3.1, so none is shown. */
    printf("  libuv %s, %s, libsodium %s, %s, Mini-XML\n", uv_version_string(),
           OpenSSL_version(OPENSSL_VERSION), sodium_version_string(), curses_version());
}

static void notice(struct app *app, const char *text)
{
    if (app->ui)
        ui_notice(app->ui, text);
    else
        printf("%s\n", text);
}

/* A line about one account: named when several run. */
static void acct_notice(struct acct *a, const char *text)
{
    if (a->app->ui) {
        ui_account_notice(a->app->ui, a->index, text);
        return;
    }
    if (a->app->naccts > 1)
        printf("[%s] ", a->account.name ? a->account.name : a->account.jid);
    printf("%s\n", text);
}

static void plain_log(struct acct *a, const struct session_event *ev)
{
    char line[1200];
    switch (ev->type) {
    case SESSION_EV_STATE:
        snprintf(line, sizeof line, "state: %s%s%s", session_state_name(ev->state),
                 ev->text ? ": " : "", ev->text ? ev->text : "");
        break;
    case SESSION_EV_BOUND:
        snprintf(line, sizeof line, "bound as %s", ev->jid);
        break;
    case SESSION_EV_ROSTER:
        snprintf(line, sizeof line, "roster received");
        break;
    case SESSION_EV_PRESENCE:
        snprintf(line, sizeof line, "presence: %s is %s%s%s", ev->jid,
                 presence_show_name(ev->show), ev->status ? " - " : "",
                 ev->status ? ev->status : "");
        break;
    case SESSION_EV_MESSAGE:
        snprintf(line, sizeof line, "message from %s: %s", ev->msg->from,
                 ev->msg->body ? ev->msg->body : "");
        break;
    case SESSION_EV_CERT_REFUSED:
        snprintf(line, sizeof line, "certificate refused: %s (SHA-256 %s)", ev->cert->reason,
                 ev->cert->sha256);
        break;
    case SESSION_EV_ERROR:
    case SESSION_EV_AUTH_FAILED:
    case SESSION_EV_INFO:
        snprintf(line, sizeof line, "%s", ev->text ? ev->text : "");
        break;
    default:
        return;
    }
    acct_notice(a, line);
    fflush(stdout);
}

static void log_xml(struct app *app, const struct session_event *ev)
{
    if (!app->xmllog || app->xmllog_failed)
        return;
    if (xmllog_write(app->xmllog, ev->outgoing, ev->text, ev->len) < 0) {
        app->xmllog_failed = true;
        notice(app, "writing the XML log failed (disk full?): XML logging stopped");
    }
}

/* A burst of roster pushes after a login (RFC 6121 §2.6.3) becomes one
 * write of the cache, this long after the first. */
#define ROSTER_SAVE_DELAY_MS 2000

static bool same_version(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Writes the roster cache when the roster's version is not the one on
 * disk: the version names the items, so the same version means the same
 * file. A failure is said once. */
static void save_roster(struct acct *a)
{
    uv_timer_stop(&a->roster_timer);
    const struct roster *r = session_roster(a->session);
    const char *ver = roster_version(r);
    if (same_version(ver, a->roster_saved_ver))
        return;
    char err[600];
    if (rostercache_save(a->app->data_dir, session_bare_jid(a->session), r, err, sizeof err) < 0) {
        if (!a->roster_save_failed)
            acct_notice(a, err);
        a->roster_save_failed = true;
        return;
    }
    free(a->roster_saved_ver);
    a->roster_saved_ver = ver ? strdup(ver) : NULL;
}

static void on_roster_timer(uv_timer_t *t)
{
    save_roster(t->data);
}

static void roster_changed(struct acct *a)
{
    if (!same_version(roster_version(session_roster(a->session)), a->roster_saved_ver) &&
        !uv_is_active((uv_handle_t *)&a->roster_timer))
        uv_timer_start(&a->roster_timer, on_roster_timer, ROSTER_SAVE_DELAY_MS, 0);
}

/* Before the first login: the roster and version of the last run. A file
 * that cannot be used is said, and the login fetches the whole roster. */
static void load_roster(struct acct *a)
{
    char err[600];
    struct roster *r = session_roster(a->session);
    if (rostercache_load(a->app->data_dir, session_bare_jid(a->session), r, err, sizeof err) < 0) {
        char line[700];
        snprintf(line, sizeof line, "%s; the whole roster will be fetched", err);
        acct_notice(a, line);
    }
    if (roster_version(r))
        a->roster_saved_ver = strdup(roster_version(r));
}

/* A write that failed is said once per streak. */
static void outbox_said(struct acct *a, int rc)
{
    if (rc < 0 && !a->outbox_failed)
        acct_notice(a, "the outbox could not be written to the message store: unsent messages "
                       "are kept until you quit only");
    a->outbox_failed = rc < 0;
}

/* The outbox follows the session (core/outbox.c). */
static void outbox_event(struct acct *a, const struct session_event *ev)
{
    if (a->app->store)
        outbox_said(a, outbox_follow(a->app->store, a->session, ev));
}

/* What an earlier run could not send goes to the session, which sends it
 * once online, in the order it was written. */
static void load_outbox(struct acct *a)
{
    int n = outbox_restore(a->app->store, a->session);
    if (n > 0) {
        char line[160];
        snprintf(line, sizeof line, "%d message%s from the last run wait%s to be sent", n,
                 n == 1 ? "" : "s", n == 1 ? "s" : "");
        acct_notice(a, line);
    }
}

/* Quitting ends when every account's session is closed. */
static bool all_offline(const struct app *app)
{
    for (size_t i = 0; i < app->naccts; i++)
        if (session_state(app->accts[i]->session) != SESSION_OFFLINE)
            return false;
    return true;
}

static void on_settle(uv_check_t *h)
{
    struct app *app = h->data;
    for (size_t i = 0; i < app->naccts; i++)
        omemochat_settle(app->accts[i]->omemo);
}

/* A message that waited to be encrypted and never can be (core/omemowait.c). */
static void on_wait_refused(void *ud, const char *to, const char *id, const char *why)
{
    struct acct *a = ud;
    if (a->app->ui)
        ui_message_refused(a->app->ui, a->index, to, id, why);
    else
        acct_notice(a, why);
}

static void on_session_event(void *ud, const struct session_event *ev)
{
    struct acct *a = ud;
    struct app *app = a->app;
    char err[600];
    /* A page of the archive is in the store before anything hears that
     * the page is over (the catch-up then moves its cursor past it). */
    if (keep_settle(app->store, ev, err, sizeof err) < 0) {
        acct_notice(a, err);
        catchup_abort(&a->catchup);
    }
    if (ev->type == SESSION_EV_XML)
        log_xml(app, ev);
    if (a->omemo)
        omemochat_event(a->omemo, ev);
    if (app->ui)
        ui_session_event(app->ui, a->index, ev);
    else
        plain_log(a, ev);
    if (ev->type == SESSION_EV_ROSTER || ev->type == SESSION_EV_ROSTER_PUSH)
        roster_changed(a);
    const char *caught = catchup_event(&a->catchup, ev);
    if (caught)
        acct_notice(a, caught);
    if (ev->type == SESSION_EV_OUTBOX)
        outbox_event(a, ev);
    /* Online, and whenever keys come in: what waited for them goes. */
    if ((ev->type == SESSION_EV_STATE && ev->state == SESSION_ONLINE) ||
        ev->type == SESSION_EV_OMEMO)
        omemowait_run(app->store, a->session, a->omemo, on_wait_refused, a);
    if (ev->type == SESSION_EV_AUTHENTICATED) {
        const char *said =
            credentials_authenticated(&a->cred, session_bare_jid(a->session), ev->scram_key);
        if (said)
            acct_notice(a, said);
    }
    if (ev->type == SESSION_EV_STATE && ev->state == SESSION_ONLINE && a->cred.store_after_login) {
        credentials_after_login(&a->cred, session_bare_jid(a->session));
        acct_notice(a, a->cred.notice);
    }
    if (ev->type == SESSION_EV_PASSWORD_CHANGED && ev->secret)
        acct_notice(a, credentials_changed(&a->cred, session_bare_jid(a->session), ev->secret));
    if (ev->type == SESSION_EV_STATE && ev->state == SESSION_OFFLINE && app->quitting &&
        all_offline(app))
        uv_stop(&app->loop);
}

static void on_ui_quit(void *ud, int status)
{
    struct app *app = ud;
    app->exit_status = status;
    app->quitting = true;
    uv_stop(&app->loop);
}

static int store_password(void *ud, size_t acct, const char *password, char *msg, size_t msglen)
{
    struct app *app = ud;
    if (acct >= app->naccts)
        return -1;
    struct acct *a = app->accts[acct];
    return credentials_store(&a->cred, app->data_dir, session_bare_jid(a->session), password, msg,
                             msglen);
}

static int set_passphrase(void *ud, const char *passphrase, char *msg, size_t msglen)
{
    struct app *app = ud;
    struct credentials *c = &app->accts[0]->cred;
    int rc = credentials_set_passphrase(c, app->data_dir, passphrase, msg, msglen);
    char err[300] = "";
    for (size_t i = 0; rc == 0 && c->vault && i < app->naccts; i++) {
        struct acct *a = app->accts[i];
        if (a->omemo && omemochat_rekey(a->omemo, c->vault, err, sizeof err) < 0)
            acct_notice(a, err); /* the store keeps its old key until the next change */
    }
    return rc;
}

static void on_signal(uv_signal_t *sig, int signum)
{
    struct app *app = sig->data;
    (void)signum;
    if (app->quitting || all_offline(app)) {
        uv_stop(&app->loop);
        return;
    }
    app->quitting = true;
    for (size_t i = 0; i < app->naccts; i++)
        session_disconnect(app->accts[i]->session, NULL);
}

/* The terminal hung up (SSH dropped, tmux kill-session): the session ends
 * as with /quit, so that the server shows us offline at once instead of
 * keeping a stream-management session for a client that is gone. */
static void on_hangup(uv_signal_t *sig, int signum)
{
    struct app *app = sig->data;
    if (app->ui)
        ui_hangup(app->ui);
    else if (!app->quitting)
        on_signal(sig, signum);
}

static int account_connect(void *ud, const char *name, char *err, size_t errlen);
static int account_add(void *ud, const char *jid, const char *password, char *err, size_t errlen);

static int start_ui(struct app *app)
{
    static char user_themes[1024];
    snprintf(user_themes, sizeof user_themes, "%s/themes", app->config_dir);
    const struct config_ui *cu = &app->config->ui;
    struct ui_options uo = {
        .theme = cu->theme,
        .theme_dirs = {user_themes, "themes", TUKTUK_DATADIR "/themes", NULL},
        .roster_width = cu->roster_width,
        .show_offline = cu->show_offline,
        .timestamp_format = cu->timestamp_format,
        .data_dir = app->data_dir,
        .store = app->store,
        .autoaway_idle_s = (unsigned)cu->autoaway_idle * 60,
        .autoaway_tmux = cu->autoaway_tmux,
        .autoaway_message = cu->autoaway_message,
        .bell = cu->bell,
        .scrollback = (unsigned)cu->scrollback,
        .line_scroll = !cu->jump_scroll,
        .paste_confirm_lines = (unsigned)cu->paste_confirm_lines,
        .download_dir = cu->download_dir,
        .open_cmd = cu->open_cmd,
        .rate_limit_kb = (unsigned)cu->rate_limit,
        .on_quit = on_ui_quit,
        .store_password = store_password,
        .set_passphrase = set_passphrase,
        .account_connect = account_connect,
        .account_add = account_add,
        .ud = app,
    };
    size_t nb = cu->nbindings, na = app->config->naccounts;
    const char **keys = calloc(nb + 1, sizeof *keys), **actions = calloc(nb + 1, sizeof *actions);
    const char **names = calloc(na + 1, sizeof *names);
    for (size_t i = 0; keys && actions && i < nb; i++) {
        keys[i] = cu->bindings[i].key;
        actions[i] = cu->bindings[i].action;
    }
    for (size_t i = 0; names && i < na; i++)
        names[i] = app->config->accounts[i].name;
    uo.bind_keys = keys;
    uo.bind_actions = actions;
    uo.nbindings = keys && actions ? nb : 0;
    uo.account_names = names;
    uo.naccount_names = names ? na : 0;
    char err[256] = "";
    app->ui = ui_new(&app->loop, &uo, err, sizeof err);
    free(keys);
    free(actions);
    free(names);
    if (!app->ui) {
        fprintf(stderr, "tuktuk: %s\n", err);
        return -1;
    }
    return 0;
}

/* The config's TLS mode as the connection names it. */
static enum conn_tls_mode tls_of(enum config_tls tls)
{
    return tls == CONFIG_TLS_DIRECT      ? CONN_TLS_DIRECT
           : tls == CONFIG_TLS_STARTTLS ? CONN_TLS_STARTTLS
                                        : CONN_TLS_AUTO;
}

static int create_session(struct acct *a, char *err, size_t errlen)
{
    struct app *app = a->app;
    char pinned[PINS_FINGERPRINT_LEN] = "";
    bool have_pin = pins_get(app->data_dir, a->account.jid, pinned, sizeof pinned) == 1;
    struct session_config cfg = {
        .jid = a->account.jid,
        .password = a->cred.password,
        .scram_key = credentials_scram_key(&a->cred),
        .server = a->account.server,
        .port = a->account.port,
        .tls = tls_of(a->account.tls),
        .ca_file = a->account.ca_file,
        .pinned_sha256 = have_pin ? pinned : NULL,
        .resource = a->account.resource,
        .priority = a->account.priority,
        .reconnect = true,
        .register_account = app->register_account && a->index == 0,
        .channel_binding = a->account.channel_binding,
        .group = app->group,
    };
    a->session = session_new(&app->loop, &cfg, on_session_event, a, err, errlen);
    return a->session ? 0 : -1;
}

/* The message store, with the old text history read in at the first
 * start. Without it tuktuk still runs: messages are shown, not kept. */
static void open_store(struct app *app, char *said, size_t len)
{
    char path[1100], note[8400] = "", err[8400] = "";
    snprintf(path, sizeof path, "%s/messages.db", app->data_dir);
    app->store = store_open(path, note, sizeof note, err, sizeof err);
    if (!app->store) {
        snprintf(said, len, "%s; messages are shown but not kept", err);
        return;
    }
    long n = store_import_chatlogs(app->store, app->data_dir, err, sizeof err);
    char imported[200] = "";
    if (n > 0)
        snprintf(imported, sizeof imported,
                 "%ld messages of the old history files are now in the message store (the files "
                 "are left in place)",
                 n);
    const char *more = n < 0 ? err : imported;
    if (note[0] && more[0])
        snprintf(said, len, "%.4000s; %.4000s", note, more);
    else
        snprintf(said, len, "%.8000s", note[0] ? note : more);
}

static void on_omemo_notice(void *ud, const char *jid, const char *text)
{
    struct acct *a = ud;
    if (a->app->ui)
        ui_omemo_notice(a->app->ui, a->index, jid, text);
    else
        acct_notice(a, text);
}

/* An account's credentials: the vault is opened once, for all accounts
 * (one passphrase), and each reads its password there; the password
 * file is the first account's. */
static int load_credentials(struct app *app, struct acct *a, bool interactive, char *err,
                            size_t errlen)
{
    bool scram_mode = a->account.password_mode == CONFIG_PASSWORD_SCRAM;
    if (!app->vault_tried) {
        app->vault = credentials_vault(app->data_dir, interactive, app->vault_notice,
                                       sizeof app->vault_notice);
        app->vault_tried = true;
    }
    if (a->index > 0 || !app->opt->password_file)
        return credentials_load_shared(&a->cred, app->vault, a->account.jid, scram_mode, err,
                                       errlen);
    int rc = credentials_load(&a->cred, app->opt->password_file, app->data_dir, a->account.jid,
                              scram_mode, false, err, errlen);
    a->cred.vault = app->vault; /* for /password: the password file's is not kept */
    a->cred.vault_borrowed = app->vault != NULL;
    return rc;
}

/* Session, OMEMO and catch-up of an account whose struct account is set;
 * then the UI hears of it, and it connects. Returns 0 or -1 (err). */
static int start_account(struct acct *a, char *err, size_t errlen)
{
    struct app *app = a->app;
    if (create_session(a, err, errlen) < 0)
        return -1;
    char omemo_said[600] = "";
    a->omemo = omemochat_start(app->data_dir, app->vault, a->session, on_omemo_notice, a,
                               omemo_said, sizeof omemo_said);
    if (a->omemo)
        omemochat_set_blind(a->omemo, a->account.omemo_blind);
    catchup_init(&a->catchup, a->session, app->store, (unsigned)a->account.archive_days);
    uv_timer_init(&app->loop, &a->roster_timer);
    a->roster_timer.data = a;
    load_roster(a); /* before the UI hears of it: the cached roster shows at once */
    if (app->ui) {
        const struct config_account *sec =
            a->account.name ? config_account(app->config, a->account.name) : NULL;
        struct ui_account ua = {
            .session = a->session,
            .name = a->account.name,
            .autojoin = sec ? (const char *const *)sec->autojoin : NULL,
            .nautojoin = sec ? sec->nautojoin : 0,
            .http_ca_file = a->account.ca_file,
            .omemo = a->omemo,
            .omemo_off = omemo_said,
        };
        ui_add_account(app->ui, &ua);
    } else if (omemo_said[0]) {
        acct_notice(a, omemo_said);
    }
    if (a->cred.notice[0])
        acct_notice(a, a->cred.notice);
    load_outbox(a);
    return 0;
}

static struct acct *new_acct(struct app *app)
{
    if (app->naccts == APP_MAX_ACCOUNTS)
        return NULL;
    struct acct *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->app = app;
    a->index = app->naccts;
    return a;
}

static void free_acct(struct acct *a)
{
    credentials_clear(&a->cred);
    account_clear(&a->account);
    free(a->roster_saved_ver);
    free(a);
}

static struct acct *find_acct(struct app *app, const char *name)
{
    for (size_t i = 0; i < app->naccts; i++) {
        struct acct *a = app->accts[i];
        if ((a->account.name && strcmp(a->account.name, name) == 0) ||
            strcmp(a->account.jid, name) == 0)
            return a;
    }
    return NULL;
}

/* The config file as it is now: a section added since the start (by
 * hand, or by /account add) can then be connected. */
static int reload_config(struct app *app)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/config", app->config_dir);
    char **warnings = NULL;
    size_t nwarnings = 0;
    struct config *cfg = config_load(path, &warnings, &nwarnings);
    config_warnings_free(warnings, nwarnings); /* said at start; a new one is a typo of now */
    if (!cfg)
        return -1;
    config_free(app->config);
    app->config = cfg;
    return 0;
}

/* /account connect NAME: an account of the run connects again; a section
 * of the config file not used yet starts. Returns its index, or -1. */
static int account_connect(void *ud, const char *name, char *err, size_t errlen)
{
    struct app *app = ud;
    struct acct *a = find_acct(app, name);
    if (a) {
        if (session_state(a->session) == SESSION_OFFLINE)
            session_connect(a->session);
        return (int)a->index;
    }
    if (!config_account(app->config, name) && reload_config(app) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (!(a = new_acct(app))) {
        snprintf(err, errlen, "at most %d accounts at once", APP_MAX_ACCOUNTS);
        return -1;
    }
    if (account_resolve_named(app->opt, app->config, name, false, &a->account, err, errlen) < 0 ||
        !a->account.jid) {
        if (!err[0] || a->account.jid == NULL)
            snprintf(err, errlen, "[account %s] has no jid", name);
        free_acct(a);
        return -1;
    }
    if (load_credentials(app, a, false, err, errlen) < 0) {
        free_acct(a);
        return -1;
    }
    app->accts[app->naccts++] = a;
    if (start_account(a, err, errlen) < 0) {
        app->naccts--;
        free_acct(a);
        return -1;
    }
    session_connect(a->session);
    return (int)a->index;
}

/* /account add: a new [account NAME] at the end of the config file, its
 * password in the vault, and a login. */
static int account_add(void *ud, const char *jid, const char *password, char *err, size_t errlen)
{
    struct app *app = ud;
    char path[1100], name[256];
    snprintf(path, sizeof path, "%s/config", app->config_dir);
    if (config_add_account(path, jid, name, sizeof name, err, errlen) < 0)
        return -1;
    if (reload_config(app) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* Kept whole whatever the first account's password_mode: a new
     * section has the default mode. */
    struct credentials keep = {.vault = app->vault, .vault_borrowed = true};
    if (!app->vault) {
        snprintf(err, errlen, "the vault is not open, so the password cannot be kept: [account "
                              "%s] is in the config file, /account connect %s asks for it", name, name);
        return -1;
    }
    if (credentials_store(&keep, app->data_dir, jid, password, err, errlen) < 0)
        return -1;
    return account_connect(app, name, err, errlen);
}

static int run(struct app *app)
{
    char store_said[8600] = "";
    app->group = session_group_new(); /* NULL: each account pings on its own */
    open_store(app, store_said, sizeof store_said);
    bool tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
    if (tty && start_ui(app) < 0)
        return 1;
    for (size_t i = 0; i < app->nwarnings; i++)
        notice(app, app->warnings[i]);
    if (app->vault_notice[0])
        notice(app, app->vault_notice);
    if (store_said[0])
        notice(app, store_said);
    for (size_t i = 0; i < app->naccts; i++) {
        char err[256] = "";
        if (start_account(app->accts[i], err, sizeof err) < 0) {
            if (app->ui)
                ui_free(app->ui);
            fprintf(stderr, "tuktuk: %s\n", err);
            app->naccts = i;
            return 2;
        }
        /* At once: the next account's OMEMO identity, made at a first
         * start, then overlaps this one's TCP and TLS handshake and the
         * server's work. */
        session_connect(app->accts[i]->session);
    }
    /* Live messages read in one go (a flood, a resumed stream's backlog)
     * have their ratchet steps saved once, after the read: a check
     * handle runs after each batch of I/O and wakes nobody. */
    uv_check_init(&app->loop, &app->settle);
    app->settle.data = app;
    uv_check_start(&app->settle, on_settle);
    uv_signal_init(&app->loop, &app->sigint);
    uv_signal_init(&app->loop, &app->sigterm);
    uv_signal_init(&app->loop, &app->sighup);
    app->sigint.data = app->sigterm.data = app->sighup.data = app;
    uv_signal_start(&app->sigint, on_signal, SIGINT);
    uv_signal_start(&app->sigterm, on_signal, SIGTERM);
    /* Under nohup(1) a hang-up is meant to be ignored, and stays so. */
    struct sigaction was;
    if (sigaction(SIGHUP, NULL, &was) == 0 && was.sa_handler != SIG_IGN)
        uv_signal_start(&app->sighup, on_hangup, SIGHUP);
    uv_run(&app->loop, UV_RUN_DEFAULT);
    for (size_t i = 0; i < app->naccts; i++)
        save_roster(app->accts[i]);
    if (app->ui) {
        ui_free(app->ui);
        app->ui = NULL;
    }
    for (size_t i = 0; i < app->naccts; i++) {
        struct acct *a = app->accts[i];
        session_free(a->session);
        omemochat_free(a->omemo);
        catchup_free(&a->catchup);
        uv_close((uv_handle_t *)&a->roster_timer, NULL);
    }
    store_close(app->store);
    session_group_free(app->group);
    uv_close((uv_handle_t *)&app->settle, NULL);
    uv_close((uv_handle_t *)&app->sigint, NULL);
    uv_close((uv_handle_t *)&app->sigterm, NULL);
    uv_close((uv_handle_t *)&app->sighup, NULL);
    uv_run(&app->loop, UV_RUN_DEFAULT);
    return app->exit_status;
}

/* One account chosen for this run, with its credentials. Returns 0, or 2
 * after printing one line. */
static int prepare_account(struct app *app, const char *name, bool interactive)
{
    char err[512] = "", path[1100];
    snprintf(path, sizeof path, "%s/config", app->config_dir);
    struct acct *a = new_acct(app);
    if (!a) {
        fprintf(stderr, "tuktuk: out of memory\n");
        return 2;
    }
    app->accts[app->naccts++] = a;
    if (account_resolve_named(app->opt, app->config, name, a->index == 0, &a->account, err,
                              sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    if (!a->account.jid && interactive && app->naccts == 1)
        a->account.jid = prompt_line("No account configured. Your JID (user@server): ");
    if (!a->account.jid || !*a->account.jid) {
        if (name)
            fprintf(stderr, "tuktuk: [account %s] in %s has no jid\n", name, path);
        else
            fprintf(stderr, "tuktuk: no JID: give --jid or an [account] in %s\n", path);
        return 2;
    }
    if (load_credentials(app, a, interactive, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    return 0;
}

/* Folders, config file and accounts. Returns 0, or 2 after printing one
 * line (a usage or configuration error). */
static int prepare(struct app *app, const struct options *opt, bool interactive)
{
    char err[512] = "";
    app->opt = opt;
    app->config_dir = config_dir_resolve(CONFIG_DIR_CONFIG, opt->config_dir, err, sizeof err);
    app->data_dir = config_dir_resolve(CONFIG_DIR_DATA, opt->data_dir, err, sizeof err);
    if (!app->config_dir || !app->data_dir || config_dir_make(app->data_dir, err, sizeof err)) {
        fprintf(stderr, "tuktuk: %s\n", err);
        return 2;
    }
    char path[1100];
    snprintf(path, sizeof path, "%s/config", app->config_dir);
    app->config = config_load(path, &app->warnings, &app->nwarnings);
    if (!app->config) {
        fprintf(stderr, "tuktuk: out of memory\n");
        return 2;
    }
    const char *names[APP_MAX_ACCOUNTS];
    size_t n = account_choose(opt, app->config, names, APP_MAX_ACCOUNTS);
    for (size_t i = 0; i < n; i++) {
        int rc = prepare_account(app, names[i], interactive);
        if (rc)
            return rc;
    }
    return 0;
}

static void cleanup(struct app *app)
{
    /* The accounts only borrowed the vault. */
    for (size_t i = app->naccts; i-- > 0;)
        free_acct(app->accts[i]);
    vault_close(app->vault);
    config_free(app->config);
    config_warnings_free(app->warnings, app->nwarnings);
    free(app->config_dir);
    free(app->data_dir);
    xmllog_close(app->xmllog);
}

/* tuktuk --export-history [DIR]: the store as text logs, then exit. */
static int export_history(const struct options *opt)
{
    char err[8400] = "", note[8400] = "", path[4200];
    char *data = config_dir_resolve(CONFIG_DIR_DATA, opt->data_dir, err, sizeof err);
    if (!data) {
        fprintf(stderr, "tuktuk: %s\n", err);
        return 2;
    }
    snprintf(path, sizeof path, "%s/messages.db", data);
    struct store *st = access(path, F_OK) == 0 ? store_open(path, note, sizeof note, err, sizeof err)
                                               : NULL;
    if (!st && !err[0])
        snprintf(err, sizeof err, "no message store at %s", path);
    long n = st ? store_import_chatlogs(st, data, err, sizeof err) : -1;
    if (n >= 0)
        n = store_export(st, opt->export_history, err, sizeof err);
    if (note[0])
        fprintf(stderr, "tuktuk: %s\n", note);
    if (n < 0)
        fprintf(stderr, "tuktuk: %s\n", err);
    else
        printf("%ld messages written under %s\n", n, opt->export_history);
    store_close(st);
    free(data);
    return n < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
    struct options opt;
    char err[512] = "";
    if (options_parse(argc, argv, &opt, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    if (opt.help) {
        fputs(options_usage(), stdout);
        return 0;
    }
    if (opt.version) {
        print_version();
        return 0;
    }
    /* Secrets must not end up in a core dump. */
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    signal(SIGPIPE, SIG_IGN);
    if (sodium_init() < 0) {
        fprintf(stderr, "tuktuk: libsodium failed to initialise\n");
        return 1;
    }
    if (opt.export_history)
        return export_history(&opt);
    struct app app = {.register_account = opt.reg};
    bool interactive = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
    int status = prepare(&app, &opt, interactive);
    if (status == 0 && opt.xml_log && !(app.xmllog = xmllog_open(opt.xml_log, err, sizeof err))) {
        fprintf(stderr, "tuktuk: %s\n", err);
        status = 2;
    }
    if (status == 0) {
        uv_loop_init(&app.loop);
        status = run(&app);
        uv_loop_close(&app.loop);
    }
    cleanup(&app);
    return status;
}

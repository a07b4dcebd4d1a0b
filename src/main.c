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
 * what an earlier run left there is handed back to the session at start. */

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

struct app {
    uv_loop_t loop;
    char *config_dir;
    char *data_dir;
    struct config *config;
    char **warnings;
    size_t nwarnings;
    struct account account;
    struct credentials cred;
    struct session *session;
    struct ui *ui;
    struct store *store; /* NULL when it cannot be opened (said at start) */
    struct catchup catchup;
    struct omemochat *omemo; /* NULL when OMEMO is off (said at start) */
    struct xmllog *xmllog;
    bool xmllog_failed;
    uv_signal_t sigint, sigterm, sighup;
    uv_timer_t roster_timer;
    char *roster_saved_ver; /* the version in the roster cache file, or NULL */
    bool roster_save_failed;
    bool outbox_failed; /* a write of the outbox failed: said once */
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

static void plain_log(const struct session_event *ev)
{
    switch (ev->type) {
    case SESSION_EV_STATE:
        printf("state: %s%s%s\n", session_state_name(ev->state), ev->text ? ": " : "",
               ev->text ? ev->text : "");
        break;
    case SESSION_EV_BOUND:
        printf("bound as %s\n", ev->jid);
        break;
    case SESSION_EV_ROSTER:
        printf("roster received\n");
        break;
    case SESSION_EV_PRESENCE:
        printf("presence: %s is %s%s%s\n", ev->jid, presence_show_name(ev->show),
               ev->status ? " - " : "", ev->status ? ev->status : "");
        break;
    case SESSION_EV_MESSAGE:
        printf("message from %s: %s\n", ev->msg->from, ev->msg->body ? ev->msg->body : "");
        break;
    case SESSION_EV_CERT_REFUSED:
        printf("certificate refused: %s (SHA-256 %s)\n", ev->cert->reason, ev->cert->sha256);
        break;
    case SESSION_EV_ERROR:
    case SESSION_EV_AUTH_FAILED:
    case SESSION_EV_INFO:
        printf("%s\n", ev->text ? ev->text : "");
        break;
    default:
        break;
    }
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
static void save_roster(struct app *app)
{
    uv_timer_stop(&app->roster_timer);
    const struct roster *r = session_roster(app->session);
    const char *ver = roster_version(r);
    if (same_version(ver, app->roster_saved_ver))
        return;
    char err[600];
    if (rostercache_save(app->data_dir, session_bare_jid(app->session), r, err, sizeof err) < 0) {
        if (!app->roster_save_failed)
            notice(app, err);
        app->roster_save_failed = true;
        return;
    }
    free(app->roster_saved_ver);
    app->roster_saved_ver = ver ? strdup(ver) : NULL;
}

static void on_roster_timer(uv_timer_t *t)
{
    save_roster(t->data);
}

static void roster_changed(struct app *app)
{
    if (!same_version(roster_version(session_roster(app->session)), app->roster_saved_ver) &&
        !uv_is_active((uv_handle_t *)&app->roster_timer))
        uv_timer_start(&app->roster_timer, on_roster_timer, ROSTER_SAVE_DELAY_MS, 0);
}

/* Before the first login: the roster and version of the last run. A file
 * that cannot be used is said, and the login fetches the whole roster. */
static void load_roster(struct app *app)
{
    char err[600];
    struct roster *r = session_roster(app->session);
    if (rostercache_load(app->data_dir, session_bare_jid(app->session), r, err, sizeof err) < 0) {
        char line[700];
        snprintf(line, sizeof line, "%s; the whole roster will be fetched", err);
        notice(app, line);
    }
    if (roster_version(r))
        app->roster_saved_ver = strdup(roster_version(r));
}

/* A write that failed is said once per streak. */
static void outbox_said(struct app *app, int rc)
{
    if (rc < 0 && !app->outbox_failed)
        notice(app, "the outbox could not be written to the message store: unsent messages are "
                    "kept until you quit only");
    app->outbox_failed = rc < 0;
}

/* The outbox follows the session (core/outbox.c). */
static void outbox_event(struct app *app, const struct session_event *ev)
{
    if (app->store)
        outbox_said(app, outbox_follow(app->store, app->session, ev));
}

/* What an earlier run could not send goes to the session, which sends it
 * once online, in the order it was written. */
static void load_outbox(struct app *app)
{
    int n = outbox_restore(app->store, app->session);
    if (n > 0) {
        char line[160];
        snprintf(line, sizeof line, "%d message%s from the last run wait%s to be sent", n,
                 n == 1 ? "" : "s", n == 1 ? "s" : "");
        notice(app, line);
    }
}

static void on_session_event(void *ud, const struct session_event *ev)
{
    struct app *app = ud;
    char err[600];
    /* A page of the archive is in the store before anything hears that
     * the page is over (the catch-up then moves its cursor past it). */
    if (keep_settle(app->store, ev, err, sizeof err) < 0) {
        notice(app, err);
        catchup_abort(&app->catchup);
    }
    if (ev->type == SESSION_EV_XML)
        log_xml(app, ev);
    if (app->omemo)
        omemochat_event(app->omemo, ev);
    if (app->ui)
        ui_session_event(app->ui, ev);
    else
        plain_log(ev);
    if (ev->type == SESSION_EV_ROSTER || ev->type == SESSION_EV_ROSTER_PUSH)
        roster_changed(app);
    const char *caught = catchup_event(&app->catchup, ev);
    if (caught)
        notice(app, caught);
    if (ev->type == SESSION_EV_OUTBOX)
        outbox_event(app, ev);
    if (ev->type == SESSION_EV_AUTHENTICATED) {
        const char *said =
            credentials_authenticated(&app->cred, session_bare_jid(app->session), ev->scram_key);
        if (said)
            notice(app, said);
    }
    if (ev->type == SESSION_EV_STATE && ev->state == SESSION_ONLINE &&
        app->cred.store_after_login) {
        credentials_after_login(&app->cred, session_bare_jid(app->session));
        notice(app, app->cred.notice);
    }
    if (ev->type == SESSION_EV_PASSWORD_CHANGED && ev->secret)
        notice(app, credentials_changed(&app->cred, session_bare_jid(app->session), ev->secret));
    if (ev->type == SESSION_EV_STATE && ev->state == SESSION_OFFLINE && app->quitting)
        uv_stop(&app->loop);
}

static void on_ui_quit(void *ud, int status)
{
    struct app *app = ud;
    app->exit_status = status;
    app->quitting = true;
    uv_stop(&app->loop);
}

static int store_password(void *ud, const char *password, char *msg, size_t msglen)
{
    struct app *app = ud;
    return credentials_store(&app->cred, app->data_dir, session_bare_jid(app->session), password,
                             msg, msglen);
}

static int set_passphrase(void *ud, const char *passphrase, char *msg, size_t msglen)
{
    struct app *app = ud;
    int rc = credentials_set_passphrase(&app->cred, app->data_dir, passphrase, msg, msglen);
    char err[300] = "";
    if (rc == 0 && app->omemo && app->cred.vault &&
        omemochat_rekey(app->omemo, app->cred.vault, err, sizeof err) < 0)
        notice(app, err); /* the store keeps its old key until the next change */
    return rc;
}

static void on_signal(uv_signal_t *sig, int signum)
{
    struct app *app = sig->data;
    if (app->quitting || session_state(app->session) == SESSION_OFFLINE) {
        uv_stop(&app->loop);
        return;
    }
    app->quitting = true;
    session_disconnect(app->session, NULL);
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
        .http_ca_file = app->account.ca_file,
        .on_quit = on_ui_quit,
        .store_password = store_password,
        .set_passphrase = set_passphrase,
        .ud = app,
    };
    size_t nb = cu->nbindings;
    const char **keys = calloc(nb + 1, sizeof *keys), **actions = calloc(nb + 1, sizeof *actions);
    for (size_t i = 0; keys && actions && i < nb; i++) {
        keys[i] = cu->bindings[i].key;
        actions[i] = cu->bindings[i].action;
    }
    const struct config_account *sec = config_account(app->config, app->account.name);
    if (sec) {
        uo.autojoin = (const char *const *)sec->autojoin;
        uo.nautojoin = sec->nautojoin;
    }
    uo.bind_keys = keys;
    uo.bind_actions = actions;
    uo.nbindings = keys && actions ? nb : 0;
    char err[256] = "";
    app->ui = ui_new(&app->loop, app->session, &uo, err, sizeof err);
    free(keys);
    free(actions);
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

static int create_session(struct app *app)
{
    char pinned[PINS_FINGERPRINT_LEN] = "";
    bool have_pin = pins_get(app->data_dir, app->account.jid, pinned, sizeof pinned) == 1;
    struct session_config cfg = {
        .jid = app->account.jid,
        .password = app->cred.password,
        .scram_key = credentials_scram_key(&app->cred),
        .server = app->account.server,
        .port = app->account.port,
        .tls = tls_of(app->account.tls),
        .ca_file = app->account.ca_file,
        .pinned_sha256 = have_pin ? pinned : NULL,
        .resource = app->account.resource,
        .priority = app->account.priority,
        .reconnect = true,
        .register_account = app->register_account,
        .channel_binding = app->account.channel_binding,
    };
    char err[256] = "";
    app->session = session_new(&app->loop, &cfg, on_session_event, app, err, sizeof err);
    if (!app->session) {
        fprintf(stderr, "tuktuk: %s\n", err);
        return -1;
    }
    return 0;
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
    struct app *app = ud;
    if (app->ui)
        ui_omemo_notice(app->ui, jid, text);
    else
        printf("%s\n", text);
}

static int run(struct app *app)
{
    char store_said[8600] = "", omemo_said[600] = "";
    if (create_session(app) < 0)
        return 2;
    open_store(app, store_said, sizeof store_said);
    app->omemo = omemochat_start(app->data_dir, app->cred.vault, app->session, on_omemo_notice, app,
                                 omemo_said, sizeof omemo_said);
    if (app->omemo)
        omemochat_set_blind(app->omemo, app->account.omemo_blind);
    catchup_init(&app->catchup, app->session, app->store, (unsigned)app->account.archive_days);
    bool tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
    if (tty && start_ui(app) < 0)
        return 1;
    if (app->ui)
        ui_set_omemo(app->ui, app->omemo, omemo_said);
    else if (omemo_said[0])
        notice(app, omemo_said);
    for (size_t i = 0; i < app->nwarnings; i++)
        notice(app, app->warnings[i]);
    if (app->cred.notice[0])
        notice(app, app->cred.notice);
    if (store_said[0])
        notice(app, store_said);
    uv_timer_init(&app->loop, &app->roster_timer);
    app->roster_timer.data = app;
    load_roster(app);
    load_outbox(app);
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
    session_connect(app->session);
    uv_run(&app->loop, UV_RUN_DEFAULT);
    save_roster(app);
    if (app->ui) {
        ui_free(app->ui);
        app->ui = NULL;
    }
    session_free(app->session);
    omemochat_free(app->omemo);
    catchup_free(&app->catchup);
    store_close(app->store);
    uv_close((uv_handle_t *)&app->roster_timer, NULL);
    uv_close((uv_handle_t *)&app->sigint, NULL);
    uv_close((uv_handle_t *)&app->sigterm, NULL);
    uv_close((uv_handle_t *)&app->sighup, NULL);
    uv_run(&app->loop, UV_RUN_DEFAULT);
    return app->exit_status;
}

/* Folders, config file and account. Returns 0, or 2 after printing one
 * line (a usage or configuration error). */
static int prepare(struct app *app, const struct options *opt, bool interactive)
{
    char err[512] = "";
    app->config_dir = config_dir_resolve(CONFIG_DIR_CONFIG, opt->config_dir, err, sizeof err);
    app->data_dir = config_dir_resolve(CONFIG_DIR_DATA, opt->data_dir, err, sizeof err);
    if (!app->config_dir || !app->data_dir || config_dir_make(app->data_dir, err, sizeof err)) {
        fprintf(stderr, "tuktuk: %s\n", err);
        return 2;
    }
    char path[1100];
    snprintf(path, sizeof path, "%s/config", app->config_dir);
    app->config = config_load(path, &app->warnings, &app->nwarnings);
    if (!app->config || account_resolve(opt, app->config, &app->account, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", app->config ? err : "tuktuk: out of memory");
        return 2;
    }
    if (!app->account.jid && interactive)
        app->account.jid = prompt_line("No account configured. Your JID (user@server): ");
    if (!app->account.jid || !*app->account.jid) {
        fprintf(stderr, "tuktuk: no JID: give --jid or an [account] in %s\n", path);
        return 2;
    }
    bool scram_mode = app->account.password_mode == CONFIG_PASSWORD_SCRAM;
    if (credentials_load(&app->cred, opt->password_file, app->data_dir, app->account.jid,
                         scram_mode, interactive, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    return 0;
}

static void cleanup(struct app *app)
{
    credentials_clear(&app->cred);
    account_clear(&app->account);
    config_free(app->config);
    config_warnings_free(app->warnings, app->nwarnings);
    free(app->config_dir);
    free(app->data_dir);
    free(app->roster_saved_ver);
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

/* main.c - parses the command line, builds the libuv loop, and wires the
 * layers together: a session (src/xmpp) whose events go to the terminal UI
 * (src/ui) or, when there is no terminal, to a plain log on stdout, and to
 * the XML log when one is asked for. */

#include <errno.h>
#include <mxml.h>
#include <ncurses.h>
#include <openssl/crypto.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <uv.h>

#include "core/options.h"
#include "core/xmllog.h"
#include "ui/ui.h"
#include "xmpp/session.h"

struct app {
    uv_loop_t loop;
    struct session *session;
    struct ui *ui;
    struct xmllog *xmllog;
    bool xmllog_failed;
    uv_signal_t sigint, sigterm;
    bool quitting;
    int exit_status;
};

static void print_version(void)
{
    printf("tuktuk %s\n", TUKTUK_VERSION);
    /* Mini-XML's own version macro is wrong in 3.3.1, so none is shown. */
    printf("  libuv %s, %s, libsodium %s, %s, Mini-XML\n", uv_version_string(),
           OpenSSL_version(OPENSSL_VERSION), sodium_version_string(), curses_version());
}

/* The first line of FILE, in guarded memory. */
static char *read_password_file(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "tuktuk: cannot read password file %s: %s", path, strerror(errno));
        return NULL;
    }
    char *pw = sodium_malloc(1024);
    if (!pw) {
        fclose(f);
        snprintf(err, errlen, "tuktuk: out of memory");
        return NULL;
    }
    if (!fgets(pw, 1024, f))
        pw[0] = '\0';
    fclose(f);
    pw[strcspn(pw, "\r\n")] = '\0';
    if (!pw[0]) {
        sodium_free(pw);
        snprintf(err, errlen, "tuktuk: password file %s is empty", path);
        return NULL;
    }
    return pw;
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

static void on_session_event(void *ud, const struct session_event *ev)
{
    struct app *app = ud;
    if (ev->type == SESSION_EV_XML && app->xmllog && !app->xmllog_failed &&
        xmllog_write(app->xmllog, ev->outgoing, ev->text, ev->len) < 0) {
        app->xmllog_failed = true;
        struct session_event warn = {.type = SESSION_EV_ERROR,
                                     .text = "writing the XML log failed (disk full?); "
                                             "XML logging stopped"};
        on_session_event(app, &warn);
    }
    if (app->ui)
        ui_session_event(app->ui, ev);
    else
        plain_log(ev);
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

static int start_ui(struct app *app, const struct options *opt)
{
    struct ui_options uo = {
        .theme_dirs = {"themes", NULL},
        .autoaway_idle_s = 600,
        .autoaway_tmux = true,
        .bell = true,
        .data_dir = opt->data_dir,
        .on_quit = on_ui_quit,
        .ud = app,
    };
    char err[256] = "";
    app->ui = ui_new(&app->loop, app->session, &uo, err, sizeof err);
    if (!app->ui) {
        fprintf(stderr, "tuktuk: %s\n", err);
        return -1;
    }
    return 0;
}

static int run(struct app *app, const struct options *opt, const char *password)
{
    struct session_config cfg = {
        .jid = opt->jid,
        .password = password,
        .server = opt->server,
        .port = opt->port,
        .tls = opt->tls,
        .ca_file = opt->ca_file,
        .resource = opt->resource,
        .reconnect = true,
    };
    char err[256] = "";
    app->session = session_new(&app->loop, &cfg, on_session_event, app, err, sizeof err);
    if (!app->session) {
        fprintf(stderr, "tuktuk: %s\n", err);
        return 2;
    }
    bool tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
    if (tty && start_ui(app, opt) < 0)
        return 1;
    uv_signal_init(&app->loop, &app->sigint);
    uv_signal_init(&app->loop, &app->sigterm);
    app->sigint.data = app->sigterm.data = app;
    uv_signal_start(&app->sigint, on_signal, SIGINT);
    uv_signal_start(&app->sigterm, on_signal, SIGTERM);
    session_connect(app->session);
    uv_run(&app->loop, UV_RUN_DEFAULT);
    if (app->ui) {
        ui_free(app->ui);
        app->ui = NULL;
    }
    session_free(app->session);
    uv_close((uv_handle_t *)&app->sigint, NULL);
    uv_close((uv_handle_t *)&app->sigterm, NULL);
    uv_run(&app->loop, UV_RUN_DEFAULT);
    return app->exit_status;
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
    if (!opt.jid) {
        fprintf(stderr, "tuktuk: no JID: give --jid (accounts in the config file come later)\n");
        return 2;
    }
    /* Secrets must not end up in a core dump. */
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    signal(SIGPIPE, SIG_IGN);
    if (sodium_init() < 0) {
        fprintf(stderr, "tuktuk: libsodium failed to initialise\n");
        return 1;
    }
    char *password = NULL;
    if (opt.password_file && !(password = read_password_file(opt.password_file, err, sizeof err))) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    struct app app = {0};
    uv_loop_init(&app.loop);
    if (opt.xml_log && !(app.xmllog = xmllog_open(opt.xml_log, err, sizeof err))) {
        fprintf(stderr, "tuktuk: %s\n", err);
        if (password)
            sodium_free(password);
        return 2;
    }
    int status = run(&app, &opt, password);
    if (password)
        sodium_free(password);
    xmllog_close(app.xmllog);
    uv_loop_close(&app.loop);
    return status;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* config.c - reads the INI-style config file and finds the folders.
 *
 * The file is forgiving on purpose: a client that refuses to start over a
 * typo is worse than one that starts and says what it ignored. Every
 * problem becomes a warning "FILE:LINE: ..." for the UI to show, and the
 * line is skipped (a bad value keeps the default).
 *
 *   # comment (also ';'); '#' or ';' after a blank ends an unquoted value
 *   [account NAME]          several allowed, in order; the first is default
 *   jid = alice@example.org
 *   server = xmpp.example.org   port = 1..65535
 *   tls = auto|starttls|direct  (plaintext is never allowed)
 *   resource = laptop           priority = -128..127
 *   autojoin = room@conference.example.org/nick, other@conference.example.org
 *   password_mode = full|scram  (what the vault keeps, see docs/security.md)
 *   ca_file = /path/to/ca.pem
 *   channel_binding = auto|tls-exporter|tls-unique|tls-server-end-point|none
 *   archive_days = 0..3650 (7)  the first login reads this much of the archive
 *   omemo_trust = blind|manual (blind)  new OMEMO devices before any is verified
 *   autoconnect = yes|no (no)   plain `tuktuk` connects every such account
 *   [ui]
 *   theme = default             roster_width = 10..200 (24)
 *   show_offline = yes|no (yes) timestamp_format = strftime ("%H:%M")
 *   bell = yes|no (yes)         autoaway_idle = minutes, 0 = off (15)
 *   autoaway_tmux = yes|no (yes) scrollback = 100..1000000 lines (10000)
 *   autoaway_message = TEXT (none: your own status message stays)
 *   jump_scroll = yes|no (no)   a full chat pane jumps half a page (docs/ui.md)
 *   paste_confirm_lines = 0..100000 (5)  more lines ask before they are sent
 *   download_dir = PATH         (none: $XDG_DOWNLOAD_DIR, else ~/Downloads)
 *   open_cmd = COMMAND          what /open runs (none: xdg-open, but not over SSH)
 *   rate_limit = kB/s (0)       each file transfer at most this fast; 0 = no limit
 *   bind.M-a = next-unread      key bindings, kept as strings for the UI
 *
 * A value in double quotes is taken as is (for leading blanks, '#', ';'). */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"
#include "core/path.h"

#define CONFIG_FILE_MAX (1u << 20)

enum value_type { V_STR, V_INT, V_BOOL, V_TLS, V_PWMODE, V_LIST };

struct key {
    const char *name;
    enum value_type type;
    size_t off;
    long min, max;
};

#define ACC(f) offsetof(struct config_account, f)
#define UI(f) offsetof(struct config_ui, f)

static const struct key account_keys[] = {
    {"jid", V_STR, ACC(jid), 0, 0},
    {"server", V_STR, ACC(server), 0, 0},
    {"port", V_INT, ACC(port), 1, 65535},
    {"tls", V_TLS, ACC(tls), 0, 0},
    {"resource", V_STR, ACC(resource), 0, 0},
    {"priority", V_INT, ACC(priority), -128, 127},
    {"autojoin", V_LIST, ACC(autojoin), 0, 0},
    {"password_mode", V_PWMODE, ACC(password_mode), 0, 0},
    {"ca_file", V_STR, ACC(ca_file), 0, 0},
    {"channel_binding", V_STR, ACC(channel_binding), 0, 0},
    {"archive_days", V_INT, ACC(archive_days), 0, 3650},
    {"omemo_trust", V_STR, ACC(omemo_trust), 0, 0},
    {"autoconnect", V_BOOL, ACC(autoconnect), 0, 0},
    {NULL, V_STR, 0, 0, 0},
};

static const struct key ui_keys[] = {
    {"theme", V_STR, UI(theme), 0, 0},
    {"roster_width", V_INT, UI(roster_width), 10, 200},
    {"show_offline", V_BOOL, UI(show_offline), 0, 0},
    {"timestamp_format", V_STR, UI(timestamp_format), 0, 0},
    {"bell", V_BOOL, UI(bell), 0, 0},
    {"autoaway_idle", V_INT, UI(autoaway_idle), 0, 1440},
    {"autoaway_tmux", V_BOOL, UI(autoaway_tmux), 0, 0},
    {"autoaway_message", V_STR, UI(autoaway_message), 0, 0},
    {"scrollback", V_INT, UI(scrollback), 100, 1000000},
    {"jump_scroll", V_BOOL, UI(jump_scroll), 0, 0},
    {"paste_confirm_lines", V_INT, UI(paste_confirm_lines), 0, 100000},
    {"download_dir", V_STR, UI(download_dir), 0, 0},
    {"open_cmd", V_STR, UI(open_cmd), 0, 0},
    {"rate_limit", V_INT, UI(rate_limit), 0, 10000000},
    {NULL, V_STR, 0, 0, 0},
};

enum section { SEC_NONE, SEC_ACCOUNT, SEC_UI, SEC_SKIP };

struct parser {
    struct config *cfg;
    const char *name;
    unsigned line;
    char ***warnings;
    size_t *nwarnings;
    enum section sec;
    unsigned sec_line;
    bool oom;
};

/* ---- warnings ------------------------------------------------------ */

static void push_warning(char ***warnings, size_t *n, const char *text, bool *oom)
{
    char *copy = strdup(text);
    char **nw = copy ? realloc(*warnings, (*n + 1) * sizeof *nw) : NULL;
    if (!nw) {
        free(copy);
        *oom = true;
        return;
    }
    nw[(*n)++] = copy;
    *warnings = nw;
}

static void warn_at(struct parser *p, unsigned line, const char *fmt, ...)
{
    char msg[512], full[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(full, sizeof full, "%s:%u: %s", p->name, line, msg);
    push_warning(p->warnings, p->nwarnings, full, &p->oom);
}

#define warn(p, ...) warn_at((p), (p)->line, __VA_ARGS__)

void config_warnings_free(char **warnings, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(warnings[i]);
    free(warnings);
}

/* ---- values -------------------------------------------------------- */

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* Strips quotes, or an inline comment from an unquoted value. */
static char *unquote(char *v)
{
    size_t n = strlen(v);
    if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
        v[n - 1] = '\0';
        return v + 1;
    }
    for (char *c = v; *c; c++)
        if ((*c == '#' || *c == ';') && c > v && (c[-1] == ' ' || c[-1] == '\t')) {
            *c = '\0';
            return trim(v);
        }
    return v;
}

static bool parse_bool(const char *v, bool *out)
{
    static const char *yes[] = {"yes", "true", "on", "1"}, *no[] = {"no", "false", "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(v, yes[i]) == 0 || strcasecmp(v, no[i]) == 0) {
            *out = strcasecmp(v, yes[i]) == 0;
            return true;
        }
    }
    return false;
}

static bool parse_int(const char *v, long min, long max, int *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (!*v || *end || errno || n < min || n > max)
        return false;
    *out = (int)n;
    return true;
}

/* Fills a comma-separated list; empty items are dropped. */
static bool parse_list(const char *v, char ***items, size_t *n)
{
    char *copy = strdup(v), *save = NULL;
    if (!copy)
        return false;
    for (size_t i = 0; i < *n; i++)
        free((*items)[i]);
    free(*items);
    *items = NULL;
    *n = 0;
    bool ok = true;
    for (char *t = strtok_r(copy, ",", &save); t && ok; t = strtok_r(NULL, ",", &save)) {
        t = trim(t);
        if (!*t)
            continue;
        char *item = strdup(t);
        char **grown = item ? realloc(*items, (*n + 1) * sizeof *grown) : NULL;
        if (!grown) {
            free(item);
            ok = false;
            break;
        }
        grown[(*n)++] = item;
        *items = grown;
    }
    free(copy);
    return ok;
}

static bool set_string(char **field, const char *v)
{
    char *copy = strdup(v);
    if (!copy)
        return false;
    free(*field);
    *field = copy;
    return true;
}

static const char *expected(const struct key *k, char *buf, size_t cap)
{
    switch (k->type) {
    case V_INT:
        snprintf(buf, cap, "an integer from %ld to %ld", k->min, k->max);
        return buf;
    case V_BOOL:
        return "yes or no";
    case V_TLS:
        return "auto, starttls or direct; plaintext is never allowed";
    case V_PWMODE:
        return "full or scram";
    default:
        return "a value";
    }
}

/* Stores v into the field k describes; false if the value is bad. */
static bool set_value(struct parser *p, const struct key *k, char *base, const char *v)
{
    void *f = base + k->off;
    bool b;
    switch (k->type) {
    case V_STR:
        if (!*v)
            return false;
        p->oom |= !set_string(f, v);
        return true;
    case V_INT:
        return parse_int(v, k->min, k->max, f);
    case V_BOOL:
        if (!parse_bool(v, &b))
            return false;
        *(bool *)f = b;
        return true;
    case V_TLS:
        if (strcmp(v, "auto") == 0)
            *(enum config_tls *)f = CONFIG_TLS_AUTO;
        else if (strcmp(v, "starttls") == 0)
            *(enum config_tls *)f = CONFIG_TLS_STARTTLS;
        else if (strcmp(v, "direct") == 0)
            *(enum config_tls *)f = CONFIG_TLS_DIRECT;
        else
            return false;
        return true;
    case V_PWMODE:
        if (strcmp(v, "full") != 0 && strcmp(v, "scram") != 0)
            return false;
        *(enum config_password_mode *)f =
            v[0] == 'f' ? CONFIG_PASSWORD_FULL : CONFIG_PASSWORD_SCRAM;
        return true;
    case V_LIST:
        p->oom |= !parse_list(v, f, (size_t *)(base + ACC(nautojoin)));
        return true;
    }
    return false;
}

/* ---- sections and keys --------------------------------------------- */

static struct config_account *current_account(struct parser *p)
{
    return &p->cfg->accounts[p->cfg->naccounts - 1];
}

/* Called when a section ends: an account with no jid is worth a word. */
static void end_section(struct parser *p)
{
    if (p->sec == SEC_ACCOUNT && !current_account(p)->jid)
        warn_at(p, p->sec_line, "[account %s] has no jid", current_account(p)->name);
}

static void add_account(struct parser *p, const char *name)
{
    for (size_t i = 0; i < p->cfg->naccounts; i++) {
        if (strcmp(p->cfg->accounts[i].name, name) == 0) {
            warn(p, "duplicate [account %s]: this one is ignored", name);
            p->sec = SEC_SKIP;
            return;
        }
    }
    struct config *c = p->cfg;
    struct config_account *grown = realloc(c->accounts, (c->naccounts + 1) * sizeof *grown);
    char *copy = strdup(name);
    if (!grown || !copy) {
        if (grown)
            c->accounts = grown;
        free(copy);
        p->oom = true;
        p->sec = SEC_SKIP;
        return;
    }
    c->accounts = grown;
    memset(&grown[c->naccounts], 0, sizeof *grown);
    grown[c->naccounts].name = copy;
    grown[c->naccounts].tls = CONFIG_TLS_AUTO;
    grown[c->naccounts].password_mode = CONFIG_PASSWORD_FULL;
    grown[c->naccounts].archive_days = -1;
    c->naccounts++;
    p->sec = SEC_ACCOUNT;
}

static void section(struct parser *p, char *s)
{
    size_t n = strlen(s);
    end_section(p);
    p->sec = SEC_SKIP;
    p->sec_line = p->line;
    if (s[n - 1] != ']') {
        warn(p, "syntax error: a section header must end with ']'");
        return;
    }
    s[n - 1] = '\0';
    s = trim(s + 1);
    if (strcmp(s, "ui") == 0) {
        p->sec = SEC_UI;
    } else if (strncmp(s, "account", 7) == 0 && (s[7] == ' ' || s[7] == '\t')) {
        char *name = trim(s + 8);
        if (!*name || strpbrk(name, " \t"))
            warn(p, "syntax error: expected [account NAME] with a one-word NAME");
        else
            add_account(p, name);
    } else if (strcmp(s, "account") == 0) {
        warn(p, "syntax error: expected [account NAME]");
    } else {
        warn(p, "unknown section [%s]: its keys are ignored", s);
    }
}

static bool add_binding(struct parser *p, const char *key, const char *action)
{
    struct config_ui *ui = &p->cfg->ui;
    for (size_t i = 0; i < ui->nbindings; i++)
        if (strcmp(ui->bindings[i].key, key) == 0)
            return set_string(&ui->bindings[i].action, action);
    struct config_binding *grown = realloc(ui->bindings, (ui->nbindings + 1) * sizeof *grown);
    if (!grown)
        return false;
    ui->bindings = grown;
    grown[ui->nbindings].key = strdup(key);
    grown[ui->nbindings].action = strdup(action);
    ui->nbindings++;
    return grown[ui->nbindings - 1].key && grown[ui->nbindings - 1].action;
}

static void assignment(struct parser *p, char *key, char *value)
{
    if (p->sec == SEC_SKIP)
        return;
    if (p->sec == SEC_NONE) {
        warn(p, "'%s' is outside of any section: ignored", key);
        return;
    }
    bool ui = p->sec == SEC_UI;
    if (ui && strncmp(key, "bind.", 5) == 0 && key[5] && *value) {
        p->oom |= !add_binding(p, key + 5, value);
        return;
    }
    const struct key *k = ui ? ui_keys : account_keys;
    while (k->name && strcmp(k->name, key) != 0)
        k++;
    char where[300], exp[64];
    if (ui)
        snprintf(where, sizeof where, "[ui]");
    else
        snprintf(where, sizeof where, "[account %s]", current_account(p)->name);
    if (!k->name) {
        warn(p, "unknown key '%s' in %s: ignored", key, where);
        return;
    }
    char *base = ui ? (char *)&p->cfg->ui : (char *)current_account(p);
    if (!set_value(p, k, base, value))
        warn(p, "bad value '%s' for %s (expected %s): keeping the default", value, key,
             expected(k, exp, sizeof exp));
}

static void parse_line(struct parser *p, char *s)
{
    s = trim(s);
    if (!*s || *s == '#' || *s == ';')
        return;
    if (*s == '[') {
        section(p, s);
        return;
    }
    char *eq = strchr(s, '=');
    if (!eq) {
        warn(p, "syntax error: expected 'key = value' or '[section]'");
        return;
    }
    *eq = '\0';
    char *key = trim(s), *value = unquote(trim(eq + 1));
    if (!*key) {
        warn(p, "syntax error: missing key before '='");
        return;
    }
    assignment(p, key, value);
}

/* ---- the config ---------------------------------------------------- */

static bool ui_defaults(struct config_ui *ui)
{
    ui->theme = strdup("default");
    ui->timestamp_format = strdup("%H:%M");
    ui->roster_width = 24;
    ui->show_offline = true;
    ui->bell = true;
    ui->autoaway_idle = 15;
    ui->autoaway_tmux = true;
    ui->scrollback = 10000; /* issue 3: 10,000 lines per window */
    /* Jumping saves bytes on slow links but leaves half the pane empty
     * (issue 9): only where asked for. */
    ui->jump_scroll = false;
    ui->paste_confirm_lines = 5; /* as irssi's paste_verify_line_count */
    return ui->theme && ui->timestamp_format;
}

struct config *config_parse(const char *text, size_t len, const char *name, char ***warnings,
                            size_t *nwarnings)
{
    struct config *cfg = calloc(1, sizeof *cfg);
    if (!cfg || !ui_defaults(&cfg->ui)) {
        config_free(cfg);
        return NULL;
    }
    struct parser p = {cfg, name, 0, warnings, nwarnings, SEC_NONE, 0, false};
    size_t off = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        off = 3; /* a UTF-8 BOM some editors add */
    while (off < len && !p.oom) {
        const char *nl = memchr(text + off, '\n', len - off);
        size_t n = nl ? (size_t)(nl - text) - off : len - off;
        p.line++;
        char *line = malloc(n + 1);
        if (!line) {
            p.oom = true;
            break;
        }
        memcpy(line, text + off, n);
        line[n] = '\0';
        if (strlen(line) != n)
            warn(&p, "syntax error: NUL byte in line: ignored");
        else
            parse_line(&p, line);
        free(line);
        off += n + 1;
    }
    end_section(&p);
    if (p.oom) {
        config_free(cfg);
        return NULL;
    }
    return cfg;
}

/* Reads at most CONFIG_FILE_MAX bytes; NULL with errno on failure. */
static char *read_text(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    char *buf = malloc(CONFIG_FILE_MAX + 1);
    size_t n = 0;
    while (buf && n <= CONFIG_FILE_MAX) {
        ssize_t r = read(fd, buf + n, CONFIG_FILE_MAX + 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            if (r < 0) {
                free(buf);
                buf = NULL;
            }
            break;
        }
        n += (size_t)r;
    }
    int e = errno;
    close(fd);
    if (buf && n > CONFIG_FILE_MAX) {
        free(buf);
        buf = NULL;
        e = EFBIG;
    }
    errno = buf ? 0 : e;
    *len = n;
    return buf;
}

struct config *config_load(const char *path, char ***warnings, size_t *nwarnings)
{
    size_t len = 0;
    char *text = read_text(path, &len);
    if (!text && errno != ENOENT) {
        char msg[1024];
        bool oom = false;
        snprintf(msg, sizeof msg, "%s: cannot read: %s", path, strerror(errno));
        push_warning(warnings, nwarnings, msg, &oom);
    }
    struct config *cfg = config_parse(text ? text : "", len, path, warnings, nwarnings);
    free(text);
    return cfg;
}

static void account_free(struct config_account *a)
{
    free(a->name);
    free(a->jid);
    free(a->server);
    free(a->resource);
    free(a->ca_file);
    free(a->channel_binding);
    free(a->omemo_trust);
    for (size_t i = 0; i < a->nautojoin; i++)
        free(a->autojoin[i]);
    free(a->autojoin);
}

void config_free(struct config *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < cfg->naccounts; i++)
        account_free(&cfg->accounts[i]);
    free(cfg->accounts);
    free(cfg->ui.theme);
    free(cfg->ui.timestamp_format);
    free(cfg->ui.autoaway_message);
    free(cfg->ui.download_dir);
    free(cfg->ui.open_cmd);
    for (size_t i = 0; i < cfg->ui.nbindings; i++) {
        free(cfg->ui.bindings[i].key);
        free(cfg->ui.bindings[i].action);
    }
    free(cfg->ui.bindings);
    free(cfg);
}

const struct config_account *config_account(const struct config *cfg, const char *name)
{
    if (!cfg || cfg->naccounts == 0)
        return NULL;
    if (!name)
        return &cfg->accounts[0];
    for (size_t i = 0; i < cfg->naccounts; i++)
        if (strcmp(cfg->accounts[i].name, name) == 0)
            return &cfg->accounts[i];
    return NULL;
}

/* ---- folders ------------------------------------------------------- */

/* $HOME, or the password database when HOME is unset or relative. */
static const char *home_dir(void)
{
    const char *home = getenv("HOME");
    if (home && home[0] == '/')
        return home;
    struct passwd *pw = getpwuid(getuid());
    return pw && pw->pw_dir && pw->pw_dir[0] == '/' ? pw->pw_dir : NULL;
}

char *config_dir_resolve(enum config_dir_kind kind, const char *arg, char *err, size_t errlen)
{
    char *out;
    if (arg && *arg) {
        out = strdup(arg);
    } else {
        bool cfg = kind == CONFIG_DIR_CONFIG;
        const char *xdg = getenv(cfg ? "XDG_CONFIG_HOME" : "XDG_DATA_HOME");
        /* The XDG spec says relative values are invalid and ignored. */
        if (xdg && xdg[0] == '/') {
            out = path_join(xdg, "tuktuk");
        } else {
            const char *home = home_dir();
            if (!home) {
                snprintf(err, errlen, "cannot find the home folder: set HOME, or use %s",
                         cfg ? "-c DIR" : "-d DIR");
                return NULL;
            }
            out = path_join(home, cfg ? ".config/tuktuk" : ".local/share/tuktuk");
        }
    }
    if (!out)
        snprintf(err, errlen, "out of memory");
    return out;
}

static int make_one(const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (mkdir(path, 0700) == 0)
        return 0;
    if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    snprintf(err, errlen, "cannot create folder %s: %s", path,
             errno == EEXIST ? "a file is in the way" : strerror(errno));
    return -1;
}

int config_dir_make(const char *path, char *err, size_t errlen)
{
    char *p = strdup(path);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int r = 0;
    for (char *s = p + 1; *s && r == 0; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        r = make_one(p, err, errlen);
        *s = '/';
    }
    if (r == 0)
        r = make_one(p, err, errlen);
    free(p);
    return r;
}

/* A section name for jid that the file has not used: its local part
 * (letters, digits, '-', '_' and '.'), else "account", then -2, -3... */
static void fresh_name(const struct config *cfg, const char *jid, char *out, size_t len)
{
    char base[64];
    size_t n = 0;
    for (const char *p = jid; *p && *p != '@' && n < sizeof base - 1; p++)
        if (isalnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '.')
            base[n++] = *p;
    base[n] = '\0';
    if (!n || !strchr(jid, '@'))
        snprintf(base, sizeof base, "account");
    snprintf(out, len, "%s", base);
    for (int i = 2; config_account(cfg, out) && strcmp(config_account(cfg, out)->name, out) == 0;
         i++)
        snprintf(out, len, "%s-%d", base, i);
}

int config_add_account(const char *path, const char *jid, char *name, size_t namelen, char *err,
                       size_t errlen)
{
    if (!jid || !strchr(jid, '@') || strpbrk(jid, " \t\r\n\"#;[]")) {
        snprintf(err, errlen, "%s is not a JID (user@server)", jid ? jid : "");
        return -1;
    }
    size_t len = 0;
    char *text = read_text(path, &len);
    if (!text && errno != ENOENT) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        return -1;
    }
    char **warnings = NULL;
    size_t nwarnings = 0;
    struct config *cfg = config_parse(text ? text : "", len, path, &warnings, &nwarnings);
    config_warnings_free(warnings, nwarnings);
    for (size_t i = 0; cfg && i < cfg->naccounts; i++)
        if (cfg->accounts[i].jid && strcmp(cfg->accounts[i].jid, jid) == 0) {
            snprintf(err, errlen, "%s is already [account %s]", jid, cfg->accounts[i].name);
            config_free(cfg);
            free(text);
            return -1;
        }
    /* Marked autoconnect when others are: then plain `tuktuk` connects
     * it with them; when none is, the first section stays the one. */
    bool autoconnect = false;
    for (size_t i = 0; cfg && i < cfg->naccounts; i++)
        autoconnect |= cfg->accounts[i].autoconnect;
    /* Another account on the same domain says how to reach its server. */
    const struct config_account *same = NULL;
    const char *domain = strchr(jid, '@') + 1;
    for (size_t i = 0; cfg && !same && i < cfg->naccounts; i++) {
        const char *j = cfg->accounts[i].jid, *at = j ? strchr(j, '@') : NULL;
        if (at && strcmp(at + 1, domain) == 0)
            same = &cfg->accounts[i];
    }
    char reach[2400] = "";
    if (same) {
        static const char *const tls[] = {"auto", "starttls", "direct"};
        int n = snprintf(reach, sizeof reach, "tls = %s\n", tls[same->tls]);
        if (same->server && n > 0 && (size_t)n < sizeof reach)
            n += snprintf(reach + n, sizeof reach - (size_t)n, "server = %s\n", same->server);
        if (same->port && n > 0 && (size_t)n < sizeof reach)
            n += snprintf(reach + n, sizeof reach - (size_t)n, "port = %d\n", same->port);
        if (same->ca_file && n > 0 && (size_t)n < sizeof reach)
            snprintf(reach + n, sizeof reach - (size_t)n, "ca_file = %s\n", same->ca_file);
    }
    if (cfg)
        fresh_name(cfg, jid, name, namelen);
    if (!cfg) {
        free(text);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* The file as it was, comments and all, and the new section after it;
     * the whole written to a temporary file and renamed over the old. */
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        snprintf(err, errlen, "%s: cannot write: %s", tmp, strerror(errno));
        if (fd >= 0)
            close(fd);
        free(text);
        config_free(cfg);
        return -1;
    }
    if (len)
        fwrite(text, 1, len, f);
    free(text);
    fprintf(f, "%s[account %s]\njid = %s\n%s%s", len ? "\n" : "", name, jid, reach,
            autoconnect ? "autoconnect = yes\n" : "");
    config_free(cfg);
    int rc = fflush(f) == 0 && fsync(fileno(f)) == 0 ? 0 : -1;
    if (fclose(f) != 0)
        rc = -1;
    if (rc == 0 && rename(tmp, path) != 0)
        rc = -1;
    if (rc < 0) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        unlink(tmp);
    }
    return rc;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_config.c - the config file parser (values, defaults, warnings with
 * file and line, never fatal) and the folder resolution (-c/-d, XDG
 * variables, HOME) and creation with mode 0700. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../check.h"
#include "core/config.h"

static char **warnings;
static size_t nwarnings;

static struct config *parse(const char *text)
{
    config_warnings_free(warnings, nwarnings);
    warnings = NULL;
    nwarnings = 0;
    return config_parse(text, strlen(text), "test.ini", &warnings, &nwarnings);
}

/* True when a warning starts with prefix and contains part. */
static bool warned(const char *prefix, const char *part)
{
    for (size_t i = 0; i < nwarnings; i++)
        if (strncmp(warnings[i], prefix, strlen(prefix)) == 0 && strstr(warnings[i], part))
            return true;
    return false;
}

static void test_full_file(void)
{
    struct config *c = parse("# my accounts\n"
                             "[account work]\n"
                             "jid = alice@work.example\n"
                             "server = xmpp.work.example\n"
                             "port = 5223\n"
                             "tls = direct\n"
                             "resource = laptop\n"
                             "priority = -5\n"
                             "autojoin = team@conference.work.example/alice, , "
                             "ops@conference.work.example ,\n"
                             "password_mode = scram\n"
                             "ca_file = /etc/work-ca.pem\n"
                             "\n"
                             "[account home]\n"
                             "jid=alice@home.example\n"
                             "[ui]\n"
                             "theme = dark   # comment after a blank\n"
                             "roster_width = 30\n"
                             "show_offline = no\n"
                             "timestamp_format = \"%H:%M:%S # literal\"\n"
                             "bell = off\n"
                             "autoaway_idle = 0\n"
                             "autoaway_tmux = false\n"
                             "scrollback = 20000\n"
                             "jump_scroll = yes\n"
                             "paste_confirm_lines = 0\n"
                             "download_dir = /srv/inbox\n"
                             "open_cmd = firefox\n"
                             "rate_limit = 250\n"
                             "bind.M-a = next-unread\n"
                             "bind.C-n = next-window\n"
                             "bind.M-a = prev-window\n");
    CHECK(c != NULL);
    CHECK(nwarnings == 0);
    CHECK(c->naccounts == 2);
    const struct config_account *a = config_account(c, NULL);
    CHECK_STR(a->name, "work");
    CHECK_STR(a->jid, "alice@work.example");
    CHECK_STR(a->server, "xmpp.work.example");
    CHECK(a->port == 5223 && a->tls == CONFIG_TLS_DIRECT && a->priority == -5);
    CHECK_STR(a->resource, "laptop");
    CHECK(a->nautojoin == 2);
    CHECK_STR(a->autojoin[0], "team@conference.work.example/alice");
    CHECK_STR(a->autojoin[1], "ops@conference.work.example");
    CHECK(a->password_mode == CONFIG_PASSWORD_SCRAM);
    CHECK_STR(a->ca_file, "/etc/work-ca.pem");
    const struct config_account *h = config_account(c, "home");
    CHECK(h && strcmp(h->jid, "alice@home.example") == 0);
    CHECK(h && h->server == NULL && h->port == 0 && h->tls == CONFIG_TLS_AUTO);
    CHECK(h && h->password_mode == CONFIG_PASSWORD_FULL && h->nautojoin == 0);
    CHECK(config_account(c, "nope") == NULL);
    CHECK_STR(c->ui.theme, "dark");
    CHECK(c->ui.roster_width == 30 && !c->ui.show_offline && !c->ui.bell);
    CHECK_STR(c->ui.timestamp_format, "%H:%M:%S # literal");
    CHECK(c->ui.autoaway_idle == 0 && !c->ui.autoaway_tmux && c->ui.scrollback == 20000);
    CHECK(c->ui.jump_scroll && c->ui.paste_confirm_lines == 0);
    CHECK_STR(c->ui.download_dir, "/srv/inbox");
    CHECK_STR(c->ui.open_cmd, "firefox");
    CHECK(c->ui.rate_limit == 250);
    CHECK(c->ui.nbindings == 2);
    CHECK_STR(c->ui.bindings[0].key, "M-a");
    CHECK_STR(c->ui.bindings[0].action, "prev-window");
    CHECK_STR(c->ui.bindings[1].key, "C-n");
    config_free(c);
}

static void test_defaults(void)
{
    struct config *c = parse("");
    CHECK(c && c->naccounts == 0 && nwarnings == 0);
    CHECK(config_account(c, NULL) == NULL);
    CHECK_STR(c->ui.theme, "default");
    CHECK_STR(c->ui.timestamp_format, "%H:%M");
    CHECK(c->ui.roster_width == 24 && c->ui.show_offline && c->ui.bell);
    CHECK(c->ui.autoaway_idle == 15 && c->ui.autoaway_tmux && c->ui.scrollback == 10000);
    /* issue 9: line-by-line scrolling, and more than 5 lines ask first */
    CHECK(!c->ui.jump_scroll && c->ui.paste_confirm_lines == 5);
    /* issue 14: downloads where the desktop says, xdg-open, no rate limit */
    CHECK(!c->ui.download_dir && !c->ui.open_cmd && c->ui.rate_limit == 0);
    config_free(c);
}

static void test_syntax_errors(void)
{
    struct config *c = parse("[account a]\n"            /* 1 */
                             "jid = a@example.org\n"    /* 2 */
                             "this line is wrong\n"     /* 3 */
                             "= value\n"                /* 4 */
                             "[account b\n"             /* 5 */
                             "jid = lost@example.org\n" /* 6: in no valid section */
                             "[account]\n"              /* 7 */
                             "[account two words]\n"    /* 8 */
                             "[ui]\n"                   /* 9 */
                             "theme = after-errors\n"); /* 10 */
    CHECK(c != NULL);
    CHECK(warned("test.ini:3: ", "syntax error"));
    CHECK(warned("test.ini:4: ", "missing key"));
    CHECK(warned("test.ini:5: ", "must end with ']'"));
    CHECK(warned("test.ini:7: ", "expected [account NAME]"));
    CHECK(warned("test.ini:8: ", "one-word NAME"));
    CHECK(nwarnings == 5);
    CHECK(c->naccounts == 1);
    CHECK_STR(c->accounts[0].jid, "a@example.org");
    CHECK_STR(c->ui.theme, "after-errors"); /* parsing went on */
    config_free(c);
}

static void test_unknown_and_bad(void)
{
    struct config *c = parse("top = level\n"               /* 1 */
                             "[account a]\n"               /* 2 */
                             "jid = a@example.org\n"       /* 3 */
                             "colour = red\n"              /* 4 */
                             "port = abc\n"                /* 5 */
                             "port = 70000\n"              /* 6 */
                             "tls = plain\n"               /* 7 */
                             "priority = 1000\n"           /* 8 */
                             "password_mode = maybe\n"     /* 9 */
                             "server =\n"                  /* 10 */
                             "[ui]\n"                      /* 11 */
                             "roster_width = 5\n"          /* 12 */
                             "show_offline = perhaps\n"    /* 13 */
                             "scrollback = 10x\n"          /* 14 */
                             "fancy = yes\n"               /* 15 */
                             "[colours]\n"                 /* 16 */
                             "red = 1\n"                   /* 17: silently skipped */
                             "[account nojid]\n"           /* 18 */
                             "[account a]\n"               /* 19 */
                             "jid = other@example.org\n"); /* 20 */
    CHECK(c != NULL);
    CHECK(warned("test.ini:1: ", "outside of any section"));
    CHECK(warned("test.ini:4: ", "unknown key 'colour' in [account a]"));
    CHECK(warned("test.ini:5: ", "bad value 'abc' for port"));
    CHECK(warned("test.ini:6: ", "from 1 to 65535"));
    CHECK(warned("test.ini:7: ", "plaintext is never allowed"));
    CHECK(warned("test.ini:8: ", "bad value '1000' for priority"));
    CHECK(warned("test.ini:9: ", "full or scram"));
    CHECK(warned("test.ini:10: ", "bad value '' for server"));
    CHECK(warned("test.ini:12: ", "keeping the default"));
    CHECK(warned("test.ini:13: ", "yes or no"));
    CHECK(warned("test.ini:14: ", "scrollback"));
    CHECK(warned("test.ini:15: ", "unknown key 'fancy' in [ui]"));
    CHECK(warned("test.ini:16: ", "unknown section [colours]"));
    CHECK(warned("test.ini:18: ", "[account nojid] has no jid"));
    CHECK(warned("test.ini:19: ", "duplicate [account a]"));
    CHECK(nwarnings == 15);
    const struct config_account *a = config_account(c, "a");
    CHECK(a && a->port == 0 && a->tls == CONFIG_TLS_AUTO && a->priority == 0);
    CHECK(a && a->password_mode == CONFIG_PASSWORD_FULL && a->server == NULL);
    CHECK_STR(a->jid, "a@example.org"); /* the duplicate did not override */
    CHECK(c->ui.roster_width == 24 && c->ui.show_offline && c->ui.scrollback == 10000);
    CHECK(c->naccounts == 2);
    config_free(c);
}

static void test_odd_bytes(void)
{
    const char text[] = "\xEF\xBB\xBF[account a]\r\njid = a@example.org\r\nresource = r\0x\n"
                        "port = 5222";
    config_warnings_free(warnings, nwarnings);
    warnings = NULL;
    nwarnings = 0;
    struct config *c = config_parse(text, sizeof text - 1, "odd", &warnings, &nwarnings);
    CHECK(c && c->naccounts == 1);
    CHECK_STR(c->accounts[0].jid, "a@example.org");
    CHECK(c->accounts[0].resource == NULL);
    CHECK(c->accounts[0].port == 5222); /* last line without a newline */
    CHECK(warned("odd:3: ", "NUL byte"));
    CHECK(nwarnings == 1);
    config_free(c);
}

static void test_load(const char *tmp)
{
    char path[600];
    char **w = NULL;
    size_t nw = 0;
    snprintf(path, sizeof path, "%s/missing/config", tmp);
    struct config *c = config_load(path, &w, &nw);
    CHECK(c && c->naccounts == 0 && nw == 0);
    config_free(c);

    snprintf(path, sizeof path, "%s/config", tmp);
    FILE *f = fopen(path, "w");
    fputs("[account me]\njid = me@example.org\nbogus = 1\n", f);
    fclose(f);
    c = config_load(path, &w, &nw);
    CHECK(c && c->naccounts == 1 && nw == 1);
    char want[700];
    snprintf(want, sizeof want, "%s:3: unknown key 'bogus'", path);
    CHECK(nw == 1 && strncmp(w[0], want, strlen(want)) == 0);
    config_free(c);

    c = config_load(tmp, &w, &nw); /* a folder: unreadable, still a config */
    CHECK(c && c->naccounts == 0 && nw == 2 && strstr(w[1], "cannot read") != NULL);
    config_free(c);
    config_warnings_free(w, nw);
}

static void test_dirs(const char *tmp)
{
    char err[256];
    char *d;
    setenv("XDG_CONFIG_HOME", "/x/cfg", 1);
    setenv("XDG_DATA_HOME", "/x/data", 1);
    setenv("HOME", "/home/t", 1);
    d = config_dir_resolve(CONFIG_DIR_CONFIG, NULL, err, sizeof err);
    CHECK_STR(d, "/x/cfg/tuktuk");
    free(d);
    d = config_dir_resolve(CONFIG_DIR_DATA, NULL, err, sizeof err);
    CHECK_STR(d, "/x/data/tuktuk");
    free(d);
    d = config_dir_resolve(CONFIG_DIR_DATA, "given", err, sizeof err);
    CHECK_STR(d, "given");
    free(d);
    setenv("XDG_CONFIG_HOME", "relative", 1); /* invalid per the XDG spec */
    unsetenv("XDG_DATA_HOME");
    d = config_dir_resolve(CONFIG_DIR_CONFIG, "", err, sizeof err);
    CHECK_STR(d, "/home/t/.config/tuktuk");
    free(d);
    d = config_dir_resolve(CONFIG_DIR_DATA, NULL, err, sizeof err);
    CHECK_STR(d, "/home/t/.local/share/tuktuk");
    free(d);

    char path[600];
    snprintf(path, sizeof path, "%s/made/deep/tuktuk", tmp);
    CHECK(config_dir_make(path, err, sizeof err) == 0);
    struct stat st;
    CHECK(stat(path, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700);
    snprintf(path, sizeof path, "%s/made/deep", tmp);
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0700);
    CHECK(config_dir_make(path, err, sizeof err) == 0); /* exists: fine */
    snprintf(path, sizeof path, "%s/config/sub", tmp);  /* "config" is a file */
    CHECK(config_dir_make(path, err, sizeof err) == -1);
    CHECK(strstr(err, "cannot create folder") != NULL);
}

int main(void)
{
    char tmp[512];
    const char *t = getenv("TUKTUK_TEST_TMP");
    if (t && *t) {
        snprintf(tmp, sizeof tmp, "%s/config", t);
        mkdir(tmp, 0700);
    } else {
        snprintf(tmp, sizeof tmp, "/tmp/tuktuk-test-config-XXXXXX");
        if (!mkdtemp(tmp))
            return 1;
    }
    test_full_file();
    test_defaults();
    test_syntax_errors();
    test_unknown_and_bad();
    test_odd_bytes();
    test_load(tmp);
    test_dirs(tmp);
    config_warnings_free(warnings, nwarnings);
    return check_done();
}

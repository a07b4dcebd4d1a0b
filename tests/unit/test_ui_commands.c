/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_ui_commands.c - parsing the input line into commands: arguments
 * that take the rest of the line, subcommands, value checks, and the
 * one-line errors with usage for everything else. */
#include <stdio.h>
#include <string.h>

#include "../check.h"
#include "ui/commands.h"

static int parse(const char *line, struct command *c, char *err)
{
    err[0] = '\0';
    return commands_parse(line, c, err, 256);
}

static void test_say(void)
{
    struct command c;
    char err[256];
    CHECK(parse("hello there", &c, err) == 0 && commands_is(&c, "say", NULL));
    CHECK_STR(c.arg[0], "hello there");
    commands_clear(&c);
    CHECK(parse("//etc/passwd is a file", &c, err) == 0 && commands_is(&c, "say", NULL));
    CHECK_STR(c.arg[0], "/etc/passwd is a file");
    commands_clear(&c);
    CHECK(parse("line one\nline two", &c, err) == 0 && commands_is(&c, "say", NULL));
    CHECK_STR(c.arg[0], "line one\nline two");
    commands_clear(&c);
}

static void test_args(void)
{
    struct command c;
    char err[256];
    CHECK(parse("/msg bob@localhost  hi   there ", &c, err) == 0 && commands_is(&c, "msg", NULL));
    CHECK_STR(c.arg[0], "bob@localhost");
    CHECK_STR(c.arg[1], "hi   there ");
    commands_clear(&c);
    CHECK(parse("/msg bob@localhost", &c, err) == 0 && c.arg[1] == NULL);
    commands_clear(&c);
    CHECK(parse("/quit", &c, err) == 0 && commands_is(&c, "quit", NULL) && c.arg[0] == NULL);
    CHECK(parse("/quit gone fishing", &c, err) == 0);
    CHECK_STR(c.arg[0], "gone fishing");
    commands_clear(&c);
    CHECK(parse("/status away  back soon", &c, err) == 0 && c.show == SHOW_AWAY);
    CHECK_STR(c.arg[1], "back soon");
    commands_clear(&c);
    CHECK(parse("/status dnd", &c, err) == 0 && c.show == SHOW_DND && !c.arg[1]);
    commands_clear(&c);
    /* A status message typed in quotes, as in a shell, loses them. */
    CHECK(parse("/status away \"out for lunch\"", &c, err) == 0 && c.show == SHOW_AWAY);
    CHECK_STR(c.arg[1], "out for lunch");
    commands_clear(&c);
    CHECK(parse("/away 'at \"the\" desk'", &c, err) == 0 && commands_is(&c, "away", NULL));
    CHECK_STR(c.arg[0], "at \"the\" desk");
    commands_clear(&c);
    CHECK(parse("/status away \"", &c, err) == 0);
    CHECK_STR(c.arg[1], "\"");
    commands_clear(&c);
    CHECK(parse("/status", &c, err) == 0 && !c.arg[0]);
    commands_clear(&c);
    CHECK(parse("/priority", &c, err) == 0 && !c.arg[0]);
    commands_clear(&c);
    CHECK(parse("/priority -5", &c, err) == 0 && c.priority == -5);
    commands_clear(&c);
    CHECK(parse("/roster add carol@localhost Carol Smith", &c, err) == 0);
    CHECK(commands_is(&c, "roster", "add"));
    CHECK_STR(c.arg[1], "Carol Smith");
    commands_clear(&c);
    CHECK(parse("/roster group carol@localhost Old Friends", &c, err) == 0);
    CHECK(commands_is(&c, "roster", "group"));
    CHECK_STR(c.arg[1], "Old Friends");
    commands_clear(&c);
    CHECK(parse("/raw <presence/>", &c, err) == 0 && commands_is(&c, "raw", NULL));
    CHECK_STR(c.arg[0], "<presence/>");
    commands_clear(&c);
    CHECK(parse("/tls trust", &c, err) == 0 && commands_is(&c, "tls", "trust"));
    CHECK(parse("/authorize bob@localhost", &c, err) == 0 && commands_is(&c, "authorize", NULL));
    commands_clear(&c);
}

static void test_errors(void)
{
    struct command c;
    char err[256];
    CHECK(parse("/frobnicate now", &c, err) == -1);
    CHECK(strstr(err, "unknown command /frobnicate") != NULL);
    /* Group chat: /join needs its room; /invite's reason is the rest. */
    CHECK(commands_parse("/join", &c, err, sizeof err) == -1);
    CHECK(strstr(err, "usage: /join ROOM@SERVICE[/NICK] [PASSWORD]") != NULL);
    CHECK(commands_parse("/invite bob@x come and see", &c, err, sizeof err) == 0);
    CHECK(commands_is(&c, "invite", NULL) && strcmp(c.arg[0], "bob@x") == 0 &&
          strcmp(c.arg[1], "come and see") == 0);
    commands_clear(&c);
    CHECK(commands_parse("/topic", &c, err, sizeof err) == 0 && commands_is(&c, "topic", NULL) && !c.arg[0]);
    commands_clear(&c);
    CHECK(parse("/", &c, err) == -1);
    CHECK(parse("/msg", &c, err) == -1);
    CHECK_STR(err, "missing argument; usage: /msg [-a ACCOUNT] JID [TEXT]");
    CHECK(parse("/close now", &c, err) == -1);
    CHECK(strstr(err, "too many arguments; usage: /close") != NULL);
    CHECK(parse("/status sleeping", &c, err) == -1);
    CHECK(strstr(err, "usage: /status [-a ACCOUNT|all] [online|chat|away|xa|dnd [MESSAGE]]") !=
          NULL);
    /* -a NAME comes before the arguments, for the commands that take it. */
    CHECK(parse("/status -a work away lunch", &c, err) == 0 && c.account &&
          strcmp(c.account, "work") == 0 && c.show == SHOW_AWAY && c.arg[1] &&
          strcmp(c.arg[1], "lunch") == 0);
    commands_clear(&c);
    CHECK(parse("/msg -a home bob hi there", &c, err) == 0 && c.account &&
          strcmp(c.account, "home") == 0 && strcmp(c.arg[0], "bob") == 0 &&
          strcmp(c.arg[1], "hi there") == 0);
    commands_clear(&c);
    CHECK(parse("/status -a", &c, err) == -1 && strstr(err, "-a wants an account") != NULL);
    /* Not an option for the others: "-a" is then their argument. */
    CHECK(parse("/close -a x", &c, err) == -1);
    CHECK(parse("/priority 500", &c, err) == -1);
    CHECK(parse("/priority ten", &c, err) == -1);
    CHECK(parse("/roster", &c, err) == -1);
    CHECK(strstr(err, "/help roster") != NULL);
    CHECK(parse("/roster rename bob@localhost", &c, err) == -1);
    CHECK(strstr(err, "usage: /roster rename JID NAME") != NULL);
    CHECK(parse("/subscribe a b", &c, err) == -1);
}

static void test_help(void)
{
    CHECK(commands_help("msg") != NULL);
    CHECK(strstr(commands_help("/roster"), "/roster rename") != NULL);
    CHECK(commands_help("nope") == NULL);
    CHECK_STR(commands_name(0), "/connect");
    int n = 0;
    bool roster_once = true;
    int roster_seen = 0;
    for (size_t i = 0; commands_name(i); i++, n++)
        roster_seen += strcmp(commands_name(i), "/roster") == 0;
    roster_once = roster_seen == 1;
    CHECK(roster_once);
    /* 15 names, /password, /passwd, /vault, /xml, the six of issue 5,
     * /correct, the six of group chat, /bookmark, and /block, /unblock,
     * /blocked, and the window and presence commands of issue 9 (/win,
     * /wins, /query, /clear, /away, /back, /leave), /search and /goto,
     * /upload, /download, /open of issue 14, /omemo (one name) and
     * /account (one name) of issue 15, /affiliation and /room for
     * encrypted rooms */
    CHECK(n == 52);
    CHECK(strstr(commands_help("status"), "Example: /status away") != NULL);
    CHECK(strstr(commands_help("status"), "/status [-a ACCOUNT|all]") != NULL);
    CHECK(strstr(commands_help("account"), "/account connect NAME") != NULL);
    /* The overview is the names, a few lines: not one line per command. */
    size_t lines = 0;
    for (; commands_overview(lines, 70); lines++)
        CHECK(strlen(commands_overview(lines, 70)) <= 70);
    CHECK(lines >= 3 && lines <= 8);
    CHECK(strstr(commands_help("bookmark"), "/bookmark remove [ROOM]") != NULL);
    CHECK(commands_help("join") && strstr(commands_help("/join"), "ROOM@SERVICE[/NICK]"));
    CHECK(commands_help("part") && commands_help("nick") && commands_help("topic"));
    CHECK(commands_help("invite") && commands_help("names"));
    CHECK(commands_help("correct") != NULL);
    CHECK(strstr(commands_help("vcard"), "/vcard set FIELD") != NULL);
    CHECK(commands_help("ping") && commands_help("version") && commands_help("disco"));
    CHECK(commands_help("info") && commands_help("me"));
    CHECK(commands_help("passwd") != NULL && commands_help("password") != NULL);
    CHECK(commands_help("xml") != NULL && strstr(commands_help("/xml"), "XML console"));
    for (size_t i = 0; commands_summary(i); i++)
        CHECK(commands_summary(i)[0] == '/');
}

static void test_xml(void)
{
    struct command c;
    char err[256];
    CHECK(parse("/xml", &c, err) == 0 && commands_is(&c, "xml", NULL) && c.arg[0] == NULL);
    commands_clear(&c);
    CHECK(parse("/xml now", &c, err) == -1 && strstr(err, "usage: /xml") != NULL);
    /* in the console, XML is plain text to say */
    CHECK(parse("<presence/>", &c, err) == 0 && commands_is(&c, "say", NULL));
    CHECK_STR(c.arg[0], "<presence/>");
    commands_clear(&c);
}

static void test_correct(void)
{
    struct command c;
    char err[200];
    CHECK(commands_parse("/correct the right  text", &c, err, sizeof err) == 0);
    CHECK(commands_is(&c, "correct", NULL));
    CHECK_STR(c.arg[0], "the right  text");
    commands_clear(&c);
    CHECK(commands_parse("/correct", &c, err, sizeof err) == -1 && strstr(err, "/correct TEXT"));
}

static void test_password_commands(void)
{
    struct command c;
    char err[200];
    CHECK(commands_parse("/password", &c, err, sizeof err) == 0 && commands_is(&c, "password", NULL));
    commands_clear(&c);
    CHECK(commands_parse("/passwd", &c, err, sizeof err) == 0 && commands_is(&c, "passwd", NULL));
    commands_clear(&c);
    /* The password is never an argument: it would stay in the history. */
    CHECK(commands_parse("/passwd secret", &c, err, sizeof err) == -1);
    CHECK(strstr(err, "/passwd") != NULL);
}

/* Issue 5: information commands, /vcard set, /me. */
static void test_queries(void)
{
    struct command c;
    char err[256];
    CHECK(parse("/ping", &c, err) == 0 && commands_is(&c, "ping", NULL) && !c.arg[0]);
    CHECK(parse("/ping bob@localhost/res", &c, err) == 0 && commands_is(&c, "ping", NULL));
    CHECK_STR(c.arg[0], "bob@localhost/res");
    commands_clear(&c);
    CHECK(parse("/ping a b", &c, err) == -1 && strstr(err, "usage: /ping [JID]"));
    CHECK(parse("/version", &c, err) == -1 && strstr(err, "missing argument; usage: /version JID"));
    CHECK(parse("/version bob@localhost", &c, err) == 0 && commands_is(&c, "version", NULL));
    commands_clear(&c);
    CHECK(parse("/disco", &c, err) == 0 && commands_is(&c, "disco", NULL) && !c.arg[0]);
    CHECK(parse("/disco conference.localhost", &c, err) == 0 && commands_is(&c, "disco", NULL));
    commands_clear(&c);
    CHECK(parse("/info", &c, err) == 0 && commands_is(&c, "info", NULL) && !c.arg[0]);
    CHECK(parse("/info bob@localhost x", &c, err) == -1 && strstr(err, "usage: /info [JID]"));
    CHECK(parse("/vcard", &c, err) == 0 && commands_is(&c, "vcard", NULL) && !c.arg[0]);
    CHECK(parse("/vcard bob@localhost", &c, err) == 0 && commands_is(&c, "vcard", NULL));
    CHECK_STR(c.arg[0], "bob@localhost");
    commands_clear(&c);
    CHECK(parse("/vcard set fn Ann  Smith", &c, err) == 0 && commands_is(&c, "vcard", "set"));
    CHECK_STR(c.arg[0], "FN"); /* any case, made upper */
    CHECK_STR(c.arg[1], "Ann  Smith");
    commands_clear(&c);
    CHECK(parse("/vcard set NOTE", &c, err) == 0 && commands_is(&c, "vcard", "set") && !c.arg[1]);
    commands_clear(&c);
    CHECK(parse("/vcard set PHOTO x", &c, err) == -1);
    CHECK(strstr(err, "unknown vCard field; usage: /vcard set FIELD") != NULL);
    CHECK(parse("/vcard set", &c, err) == -1 && strstr(err, "missing argument"));
    CHECK(parse("/me waves  hello", &c, err) == 0 && commands_is(&c, "me", NULL));
    CHECK_STR(c.arg[0], "waves  hello");
    commands_clear(&c);
    CHECK(parse("/me", &c, err) == -1 && strstr(err, "usage: /me TEXT"));
}

/* "/NAME" stands in the text, not as the start of a longer word. */
static bool names(const char *text, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = strstr(text, name); p; p = strstr(p + 1, name))
        if (p[-1] == '/' && !(p[n] >= 'a' && p[n] <= 'z'))
            return true;
    return false;
}

/* The man page lists every command of the table, and /help too. */
static void test_documented(void)
{
    FILE *f = fopen("docs/tuktuk.1", "r");
    CHECK(f != NULL);
    if (!f)
        return;
    static char man[65536];
    size_t n = fread(man, 1, sizeof man - 1, f);
    man[n] = '\0';
    fclose(f);
    for (size_t i = 0; i < commands_count; i++) {
        const struct command_entry *e = &commands_table[i];
        if (!names(man, e->name)) {
            fprintf(stderr, "docs/tuktuk.1 does not name /%s\n", e->name);
            CHECK(names(man, e->name));
        }
        CHECK(commands_help(e->name) != NULL);
        CHECK(e->run != NULL && e->usage[0] == '/' && e->help[0]);
    }
}

int main(void)
{
    test_documented();
    test_queries();
    test_password_commands();
    test_correct();
    test_say();
    test_args();
    test_errors();
    test_help();
    test_xml();
    return check_done();
}

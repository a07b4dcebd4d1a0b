/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_ui_seam.c - the UI's glue against a stand-in session, at the link
 * seam: this program links src/ui and src/core with
 * tests/unit/stand_in_session.c instead of the protocol layer (Makefile,
 * SEAM_OBJ), builds a UI with no terminal, and checks in milliseconds
 * what the tmux tests reach in seconds: which session call a typed line
 * makes, with which arguments, and what the user is told, for commands
 * and for the session's events. The tmux tests stay the proof of
 * behaviour; this is for the glue between them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../check.h"
#include "stand_in_session.h"
#include "ui/ui_int.h"
#include "xmpp/roster.h"

static uv_loop_t loop;

static struct ui *headless_ui(struct session *s)
{
    struct ui *ui = calloc(1, sizeof *ui);
    if (!ui)
        abort();
    ui->loop = &loop;
    ui->tsfmt = strdup("%H:%M");
    chatwins_init(&ui->wins, 1000);
    /* One account, as ui_add_account makes it. */
    struct ui_acct *a = calloc(1, sizeof *a);
    if (!a)
        abort();
    a->session = s;
    a->name = strdup("test");
    a->show = SHOW_ONLINE;
    a->rv = rosterview_new(true);
    ui->accts[ui->naccts++] = a;
    rosterpane_add(&ui->rp, a->rv);
    ui_use_account(ui, a);
    ui->in = input_new(1000);
    bindings_init(&ui->bindings);
    ui->scr.lay.chat_w = 80;
    uv_timer_init(&loop, &ui->typing_timer);
    return ui;
}

static void headless_free(struct ui *ui)
{
    uv_close((uv_handle_t *)&ui->typing_timer, NULL);
    ui_files_free(ui);
    uv_run(&loop, UV_RUN_NOWAIT);
    free(ui->typing_to);
    chatwins_free(&ui->wins);
    rosterview_free(ui->a->rv);
    rosterpane_free(&ui->rp);
    input_free(ui->in);
    free(ui->prompt_jid);
    free(ui->a->status);
    free(ui->a->name);
    free(ui->a);
    free(ui->tsfmt);
    free(ui);
}

static void type_line(struct ui *ui, const char *line)
{
    ui_submit_line(ui, strdup(line));
}

/* The window shows a line containing text. */
static bool shows(const struct chatwin *w, const char *text)
{
    for (size_t i = 0; i < w->count; i++) {
        const struct chatline *l = &w->ring[(w->head + i) % w->cap];
        if (l->text && strstr(l->text, text))
            return true;
    }
    return false;
}

static const char *calls(struct session *s)
{
    return stand_in_of(s)->calls;
}

static void forget_calls(struct session *s)
{
    stand_in_of(s)->calls[0] = '\0';
}

static void test_commands(struct ui *ui, struct session *s)
{
    /* A contact's name stands for its address; a word that names nobody
     * is refused and sends nothing. */
    type_line(ui, "/msg Alice hello there");
    CHECK(strstr(calls(s), "send_message(alice@example.org,hello there)") != NULL);
    CHECK(ui->wins.n == 2 && strcmp(ui->wins.w[1]->jid, "alice@example.org") == 0);
    CHECK(shows(ui->wins.w[1], "hello there"));
    forget_calls(s);
    type_line(ui, "/msg nobody hi");
    CHECK(calls(s)[0] == '\0');
    CHECK(shows(ui->wins.w[0], "no contact named"));
    /* Plain text goes to the current chat. */
    type_line(ui, "second line");
    CHECK(strstr(calls(s), "send_message(alice@example.org,second line)") != NULL);
    /* Queries ask the session with the resolved address. */
    forget_calls(s);
    type_line(ui, "/version Alice");
    type_line(ui, "/ping");
    CHECK(strstr(calls(s), "query_version(alice@example.org)") != NULL);
    CHECK(strstr(calls(s), "query_ping()") != NULL);
    forget_calls(s);
    type_line(ui, "/block Alice");
    type_line(ui, "/unblock all");
    CHECK(strstr(calls(s), "block(alice@example.org) unblock()") != NULL);
    /* A command's shape is checked before the session is asked. */
    forget_calls(s);
    type_line(ui, "/priority 1000");
    CHECK(calls(s)[0] == '\0');
    type_line(ui, "/status away \"out for lunch\"");
    CHECK(strstr(calls(s), "set_presence(away,out for lunch)") != NULL);
}

static void test_offline(struct ui *ui, struct session *s)
{
    /* A message typed while offline is taken (the outbox), and shown
     * marked pending; /quit then asks first, and "n" stays. */
    stand_in_of(s)->state = SESSION_OFFLINE;
    forget_calls(s);
    type_line(ui, "/msg Alice are you there");
    CHECK(strstr(calls(s), "send_message(alice@example.org,are you there)") != NULL);
    CHECK(!shows(ui->wins.w[1], "not sent"));
    struct chatline *l = chatwin_last_sent(ui->wins.w[1]);
    CHECK(l && l->pending && strcmp(l->text, "are you there") == 0);
    type_line(ui, "/quit");
    CHECK(ui->prompt == UI_PROMPT_QUIT && !ui->quitting);
    CHECK(shows(ui->wins.w[1], "1 message is not sent yet"));
    ui_prompt_answer(ui, "n");
    CHECK(ui->prompt == UI_PROMPT_NONE && !ui->quitting);
    /* The server has it: the mark goes. */
    struct session_event sent = {.type = SESSION_EV_OUTBOX, .sub_type = "sent", .id = "id1",
                                 .jid = "alice@example.org"};
    ui_session_event(ui, 0, &sent);
    l = chatwin_find_id(ui->wins.w[1], "id1");
    CHECK(l && !l->pending);
    stand_in_of(s)->pending = 0;
    stand_in_of(s)->state = SESSION_ONLINE;
}

static void test_events(struct ui *ui)
{
    /* What the session reports is worded for the user. */
    struct session_event blocked = {.type = SESSION_EV_BLOCKING,
                                    .sub_type = "blocked",
                                    .jid = "alice@example.org"};
    ui_session_event(ui, 0, &blocked);
    CHECK(shows(ui->wins.w[0], "blocked Alice (alice@example.org)"));
    struct session_query q = {.kind = SESSION_QUERY_VERSION, .name = "Gajim", .version = "1.8"};
    struct session_event answer = {
        .type = SESSION_EV_QUERY, .jid = "alice@example.org/pc", .condition = "result", .query = &q};
    ui_session_event(ui, 0, &answer);
    CHECK(shows(chatwins_current(&ui->wins), "alice@example.org/pc runs Gajim 1.8"));
    struct session_query ping = {.kind = SESSION_QUERY_PING, .rtt_ms = 3000};
    struct session_event late = {.type = SESSION_EV_QUERY,
                                 .jid = "example.org",
                                 .condition = "remote-server-timeout",
                                 .query = &ping};
    ui_session_event(ui, 0, &late);
    CHECK(shows(chatwins_current(&ui->wins), "ping of example.org: remote-server-timeout"));
}

static void test_files(struct ui *ui, struct session *s)
{
    /* In Alice's chat: a missing file asks the session nothing. */
    ui_select_window(ui, 1);
    forget_calls(s);
    type_line(ui, "/upload /nonexistent/x.txt");
    CHECK(calls(s)[0] == '\0');
    CHECK(shows(ui->wins.w[1], "cannot upload /nonexistent/x.txt: No such file or directory"));
    /* A file asks for a slot with its name and type; a refusal is one
     * line, and no link goes out. */
    char path[] = "/tmp/tuktuk-seam-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0 && write(fd, "hello", 5) == 5);
    close(fd);
    char line[100], name[40];
    snprintf(line, sizeof line, "/upload %s", path);
    snprintf(name, sizeof name, "%s", strrchr(path, '/') + 1);
    type_line(ui, line);
    char want[100];
    snprintf(want, sizeof want, "upload_slot(%s,application/octet-stream)", name);
    CHECK(strstr(calls(s), want) != NULL);
    struct session_event refused = {.type = SESSION_EV_UPLOAD_SLOT,
                                    .id = "1",
                                    .condition = "not-acceptable",
                                    .text = "the file is larger than the server's limit"};
    ui_session_event(ui, 0, &refused);
    CHECK(shows(ui->wins.w[1], "refused, nothing was sent: the file is larger"));
    CHECK(strstr(calls(s), "send_file_link") == NULL);
    unlink(path);
    /* Links in messages are numbered; /open over SSH shows the link. */
    struct session_message m = {.from = "alice@example.org/pc",
                                .to = "me@example.org",
                                .type = "chat",
                                .body = "look https://files.example/a.png, nice"};
    struct session_event in = {.type = SESSION_EV_MESSAGE, .msg = &m};
    ui_session_event(ui, 0, &in);
    CHECK(shows(ui->wins.w[1], "https://files.example/a.png [1], nice"));
    setenv("SSH_CONNECTION", "10.0.0.1 5555 10.0.0.2 22", 1);
    type_line(ui, "/open 1");
    CHECK(shows(ui->wins.w[1], "link: https://files.example/a.png"));
    type_line(ui, "/download 7");
    CHECK(shows(ui->wins.w[0], "no link [7]"));
    type_line(ui, "/upload cancel");
    CHECK(shows(ui->wins.w[0], "no transfer is running"));
}

int main(void)
{
    uv_loop_init(&loop);
    struct session *s = stand_in_new();
    roster_set(session_roster(s), "alice@example.org", "Alice", NULL, 0, ROSTER_SUB_BOTH, false);
    roster_set(session_roster(s), "bob@example.org", "Bob", NULL, 0, ROSTER_SUB_BOTH, false);
    struct ui *ui = headless_ui(s);
    rosterview_reload(ui->a->rv, session_roster(s));
    test_commands(ui, s);
    test_offline(ui, s);
    test_events(ui);
    test_files(ui, s);
    headless_free(ui);
    stand_in_free(s);
    uv_loop_close(&loop);
    return check_done();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* accounts.c - several accounts in one screen (issue 15): /account list,
 * connect, disconnect and add; "-a NAME" before a command's arguments;
 * and choosing the account a /msg goes from when its contact is in more
 * than one roster. Which account a key or a command acts for otherwise is
 * the current window's (ui.c: ui_home_account). */
#include "ui/ui_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/commands.h"
#include "ui/resolve.h"
#include "ui/xalloc.h"
#include "xmpp/jid.h"

void ui_cmd_account_list(struct ui *ui, const struct command *c)
{
    (void)c;
    struct chatwin *w = chatwins_current(&ui->wins);
    for (size_t i = 0; i < ui->naccts; i++) {
        struct ui_acct *a = ui->accts[i];
        const char *jid = session_bare_jid(a->session);
        bool named = strcmp(a->name, jid) != 0; /* a section's name, not the JID again */
        ui_info(ui, w, CHATLINE_INFO, "%s%s%s%s, %s%s%s%s", a == ui_home_account(ui) ? "* " : "  ",
                named ? a->name : "", named ? ": " : "", jid, ui_account_state(a),
                a->why_down[0] ? " (" : "", a->why_down, a->why_down[0] ? ")" : "");
    }
    for (size_t i = 0; i < ui->naccount_names; i++)
        if (!ui_account_named(ui, ui->account_names[i]))
            ui_info(ui, w, CHATLINE_INFO, "  %s: not connected (/account connect %s)",
                    ui->account_names[i], ui->account_names[i]);
}

/* Connects a (offline), or starts a section of the config file. */
static void connect_named(struct ui *ui, const char *name)
{
    struct ui_acct *a = ui_account_named(ui, name);
    if (a && session_state(a->session) != SESSION_OFFLINE) {
        ui_info(ui, chatwins_current(&ui->wins), CHATLINE_INFO, "%s is %s already", a->name,
                ui_account_state(a));
        return;
    }
    if (a) {
        ui_use_account(ui, a);
        session_connect(a->session);
        return;
    }
    char err[600] = "";
    if (!ui->opt.account_connect) {
        ui_status_error(ui, "no account %s here", name);
        return;
    }
    if (ui->opt.account_connect(ui->opt.ud, name, err, sizeof err) < 0)
        ui_status_error(ui, "/account connect %s: %s", name, err);
}

void ui_cmd_account_connect(struct ui *ui, const struct command *c)
{
    connect_named(ui, c->arg[0]);
}

void ui_cmd_account_disconnect(struct ui *ui, const struct command *c)
{
    struct ui_acct *a = ui_account_named(ui, c->arg[0]);
    if (!a) {
        ui_status_error(ui, "no account %s is connected (/account list)", c->arg[0]);
        return;
    }
    ui_use_account(ui, a);
    ui_account_leave(ui);
}

void ui_account_leave(struct ui *ui)
{
    ui_rooms_remember(ui);
    ui->a->leaving = true; /* its header says offline, not failed */
    session_disconnect(ui->a->session, NULL);
}

void ui_cmd_account_add(struct ui *ui, const struct command *c)
{
    (void)c;
    ui_ask(ui, UI_PROMPT_ACCOUNT_JID, NULL);
}

void ui_answer_account_jid(struct ui *ui, enum ui_prompt p, const char *jid, const char *text)
{
    (void)p;
    (void)jid;
    if (!text || !text[0])
        return;
    if (!strchr(text, '@') || strchr(text, ' ')) {
        ui_status_error(ui, "/account add: %s is not an address like alice@example.org", text);
        return;
    }
    ui_ask(ui, UI_PROMPT_ACCOUNT_PASSWORD, text);
}

void ui_answer_account_password(struct ui *ui, enum ui_prompt p, const char *jid,
                                const char *text)
{
    (void)p;
    if (!text || !text[0] || !jid)
        return;
    char err[600] = "";
    if (!ui->opt.account_add)
        ui_status_error(ui, "/account add: not possible here");
    else if (ui->opt.account_add(ui->opt.ud, jid, text, err, sizeof err) < 0)
        ui_status_error(ui, "/account add: %s", err);
    else
        ui_status_note(ui, "account %s added to the config file, its password to the vault; "
                           "connecting",
                       jid);
}

/* ---- -a NAME ---- */

void ui_run_command(struct ui *ui, const struct command *c)
{
    if (!c->account) {
        c->entry->run(ui, c);
        return;
    }
    struct ui_acct *was = ui->a;
    if (strcmp(c->account, "all") == 0 && c->entry->account_opt == ACCOUNT_ALL) {
        for (size_t i = 0; i < ui->naccts; i++) {
            ui_use_account(ui, ui->accts[i]);
            c->entry->run(ui, c);
        }
    } else {
        struct ui_acct *a = ui_account_named(ui, c->account);
        if (!a) {
            ui_status_error(ui, "no account %s (/account list names them)", c->account);
            return;
        }
        ui_use_account(ui, a);
        c->entry->run(ui, c);
    }
    ui_use_account(ui, was);
}

/* ---- which account a /msg goes from ---- */

/* Whether a's roster has the contact word names (an address or a name). */
static bool knows(struct ui_acct *a, const char *word)
{
    char msg[600];
    const char *us = session_bare_jid(a->session);
    const char *domain = strchr(us, '@') ? strchr(us, '@') + 1 : us;
    const struct roster *r = session_roster(a->session);
    char *jid = resolve_jid(r, word, RESOLVE_IN_ROSTER, domain, msg, sizeof msg);
    char *bare = jid ? jid_bare_of(jid) : NULL;
    const struct roster_item *it = bare ? roster_find(r, bare) : NULL;
    bool yes = it && it->in_roster;
    free(jid);
    free(bare);
    return yes;
}

bool ui_msg_account(struct ui *ui, const struct command *c)
{
    if (c->account || ui->naccts < 2)
        return false;
    struct ui_acct *found[UI_MAX_ACCOUNTS];
    size_t n = 0;
    for (size_t i = 0; i < ui->naccts; i++)
        if (knows(ui->accts[i], c->arg[0]))
            found[n++] = ui->accts[i];
    if (n == 1 && found[0] != ui->a) {
        /* Only one roster has the contact: its account is meant. */
        struct ui_acct *was = ui->a;
        ui_use_account(ui, found[0]);
        c->entry->run(ui, c);
        ui_use_account(ui, was);
        return true;
    }
    if (n < 2)
        return false;
    char about[600];
    size_t off = (size_t)snprintf(about, sizeof about, "%s is in the rosters of", c->arg[0]);
    for (size_t i = 0; i < n && off < sizeof about; i++)
        off += (size_t)snprintf(about + off, sizeof about - off, "%s %s", i ? "," : "",
                                found[i]->name);
    free(ui->pending_line);
    size_t len = strlen(c->arg[0]) + (c->arg[1] ? strlen(c->arg[1]) : 0) + 16;
    ui->pending_line = xalloc_realloc(NULL, len);
    snprintf(ui->pending_line, len, "%s%s%s", c->arg[0], c->arg[1] ? " " : "",
             c->arg[1] ? c->arg[1] : "");
    ui_ask(ui, UI_PROMPT_ACCOUNT_CHOICE, about);
    return true;
}

void ui_answer_account_choice(struct ui *ui, enum ui_prompt p, const char *jid, const char *text)
{
    (void)p;
    (void)jid;
    char *rest = ui->pending_line;
    ui->pending_line = NULL;
    if (!text || !text[0] || !rest) {
        ui_info(ui, chatwins_current(&ui->wins), CHATLINE_INFO, "nothing sent");
        free(rest);
        return;
    }
    if (!ui_account_named(ui, text)) {
        ui_status_error(ui, "no account %s: nothing sent (/account list names them)", text);
        free(rest);
        return;
    }
    size_t len = strlen(text) + strlen(rest) + 16;
    char *line = xalloc_realloc(NULL, len);
    snprintf(line, len, "/msg -a %s %s", text, rest);
    free(rest);
    ui_submit_line(ui, line);
}

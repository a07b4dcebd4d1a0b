/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmds.c - every command of the input line, as one table: its name
 * (and subcommand), how many words it takes, whether its last argument is
 * the rest of the line, what its first argument is (for Tab and for the
 * checks commands.c makes), its usage, help and an example line, and the
 * function that runs it. An alias (/query, /leave) is a row of its own
 * with the same function, so that /help and the man page name it.
 * Adding a command is one function and one row here; /help and the man
 * page's list come from the table (the man page is checked against it by
 * test_ui_commands).
 *
 * commands.c has already checked each command's shape; here we check
 * what depends on the session (being online, and what a JID argument
 * stands for: resolve.c reads an address or a contact's name, and
 * refuses a word that names nobody instead of sending it to a server)
 * and report every refusal as one line in the status window, never more. */
#include "core/omemowait.h"
#include "core/pins.h"
#include "ui/ui_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/commands.h"
#include "ui/resolve.h"
#include "ui/xalloc.h"
#include "xmpp/jid.h"

/* The JID that what the user typed stands for (resolve.c: an address,
 * or a contact's name), or NULL after telling the user why not. A
 * resource typed with it is kept. Caller frees. */
static char *resolve_arg(struct ui *ui, const char *arg, unsigned flags)
{
    char msg[1500];
    const char *us = session_bare_jid(ui->a->session);
    const char *domain = strchr(us, '@') ? strchr(us, '@') + 1 : us;
    char *jid = resolve_jid(session_roster(ui->a->session), arg, flags, domain, msg, sizeof msg);
    if (!jid)
        ui_status_error(ui, "%s", msg);
    return jid;
}

/* The same as a bare JID. */
static char *want_jid(struct ui *ui, const char *arg, unsigned flags)
{
    char *jid = resolve_arg(ui, arg, flags);
    char *bare = jid ? jid_bare_of(jid) : NULL;
    free(jid);
    return bare;
}

static void result(struct ui *ui, int rc, const char *what)
{
    if (rc != 0)
        ui_status_error(ui, "%s failed: you are not online", what);
}

/* /help alone is the list of names and where to go next, a few lines that
 * fit on one screen; the usage, text and an example of one command are
 * behind /help COMMAND. */
static void cmd_help(struct ui *ui, const struct command *c)
{
    const char *name = c->arg[0];
    struct chatwin *w = chatwins_current(&ui->wins);
    if (name) {
        const char *h = commands_help(name);
        if (h)
            ui_info(ui, w, CHATLINE_INFO, "%s", h);
        else
            ui_status_error(ui, "no help for %s: /help lists the commands", name);
        return;
    }
    int width = ui->scr.lay.chat_w - 10; /* after the time stamp and an indent */
    ui_info(ui, w, CHATLINE_INFO, "Commands (/help COMMAND explains one, with an example):");
    for (size_t i = 0; commands_overview(i, width > 40 ? (size_t)width : 40); i++)
        ui_info(ui, w, CHATLINE_INFO, "  %s",
                commands_overview(i, width > 40 ? (size_t)width : 40));
    ui_info(ui, w, CHATLINE_INFO,
            "Keys: Alt-1..0 or /win N windows, Alt-a next unread, Alt-r roster, PgUp/PgDn "
            "scroll, Tab completes. Text not starting with / goes to the current chat.");
}

void ui_quit(struct ui *ui, const char *message)
{
    /* Messages still in the outbox are kept for the next start, but the
     * user may rather wait for the link: asked once, unless nobody is
     * there to answer (a hang-up). */
    size_t pending = 0;
    for (size_t i = 0; i < ui->naccts; i++)
        pending += session_pending_messages(ui->accts[i]->session) +
                   omemowait_count(ui->store, ui->accts[i]->session);
    if (pending > 0 && !ui->terminal_gone && !ui->quit_confirmed) {
        free(ui->quit_message);
        ui->quit_message = message ? strdup(message) : NULL;
        ui_info(ui, chatwins_current(&ui->wins), CHATLINE_INFO,
                "%zu message%s not sent yet: kept, and sent when you are next online", pending,
                pending == 1 ? " is" : "s are");
        ui_ask(ui, UI_PROMPT_QUIT, NULL);
        return;
    }
    ui->quitting = true;
    if (ui_accounts_connected(ui) == 0) {
        if (ui->opt.on_quit)
            ui->opt.on_quit(ui->opt.ud, 0);
        return;
    }
    ui_info(ui, NULL, CHATLINE_INFO, "leaving...");
    for (size_t i = 0; i < ui->naccts; i++)
        if (session_state(ui->accts[i]->session) != SESSION_OFFLINE)
            session_disconnect(ui->accts[i]->session, message);
}

void ui_answer_quit(struct ui *ui, enum ui_prompt p, const char *jid, const char *text)
{
    (void)p;
    (void)jid;
    char *message = ui->quit_message;
    ui->quit_message = NULL;
    if (text && (strcmp(text, "y") == 0 || strcmp(text, "yes") == 0)) {
        ui->quit_confirmed = true;
        ui_quit(ui, message);
    } else {
        ui_info(ui, chatwins_current(&ui->wins), CHATLINE_INFO, "not quitting");
    }
    free(message);
}

static void cmd_msg(struct ui *ui, const struct command *c)
{
    const char *jid_arg = c->arg[0], *text = c->arg[1];
    if (ui_room_private(ui, jid_arg, text) || ui_msg_account(ui, c))
        return;
    char *jid = want_jid(ui, jid_arg, 0);
    if (!jid)
        return;
    struct chatwin *w = ui_open_chat(ui, jid, true);
    if (text)
        ui_send_text(ui, w, text);
    free(jid);
}

static void cmd_close(struct ui *ui, const struct command *c)
{
    (void)c;
    if (ui->wins.current == 0) {
        ui_status_error(ui, "the status window (1) cannot be closed");
        return;
    }
    if (chatwins_current(&ui->wins)->kind == CHATWIN_ROOM)
        ui_room_closing(ui, chatwins_current(&ui->wins));
    chatwins_close(&ui->wins, ui->wins.current);
    ui_select_window(ui, ui->wins.current);
}

/* /win N: as Alt-N, but for any window, the 11th and later too. */
static void cmd_win(struct ui *ui, const struct command *c)
{
    char *end;
    long n = strtol(c->arg[0], &end, 10);
    if (*end || end == c->arg[0] || n < 1 || (size_t)n > ui->wins.n) {
        ui_status_error(ui, "no window %s: there %s %zu (/wins lists them)", c->arg[0],
                        ui->wins.n == 1 ? "is" : "are", ui->wins.n);
        return;
    }
    ui_select_window(ui, (size_t)n - 1);
}

static void cmd_wins(struct ui *ui, const struct command *c)
{
    (void)c;
    struct chatwin *cur = chatwins_current(&ui->wins);
    for (size_t i = 0; i < ui->wins.n; i++) {
        const struct chatwin *w = ui->wins.w[i];
        bool own_jid = w->jid && strcmp(w->jid, w->name) != 0;
        char unread[40] = "";
        if (w->unread)
            snprintf(unread, sizeof unread, ", %u unread", w->unread);
        ui_info(ui, cur, CHATLINE_INFO, "%zu: %s%s%s%s%s%s%s", i + 1, w->name, own_jid ? " (" : "",
                own_jid ? w->jid : "", own_jid ? ")" : "", w->kind == CHATWIN_ROOM ? ", room" : "",
                unread, i == ui->wins.current ? " <- here" : "");
    }
}

/* /search [-a] TEXT: the store's full-text index (history.c). */
static void cmd_search(struct ui *ui, const struct command *c)
{
    const char *text = c->arg[0];
    bool all = strncmp(text, "-a ", 3) == 0;
    if (all)
        text += 3 + strspn(text + 3, " ");
    ui_search(ui, text, all);
}

static void cmd_goto(struct ui *ui, const struct command *c)
{
    char *end = NULL;
    long n = strtol(c->arg[0], &end, 10);
    ui_search_goto(ui, end && !*end ? (int)n : 0);
}

/* /clear empties the window; what was said stays in the message store. */
static void cmd_clear(struct ui *ui, const struct command *c)
{
    (void)c;
    chatwin_clear(chatwins_current(&ui->wins));
    ui_dirty(ui, UI_DIRTY_CHAT | UI_DIRTY_TITLE);
}

void ui_roster_change(struct ui *ui, enum ui_roster_change id, const char *jid_arg,
                      const char *value)
{
    /* Adding takes an address or a contact's name (to ask again for
     * their presence); the other changes only a contact on the roster. */
    char *jid = want_jid(ui, jid_arg, id == UI_ROSTER_ADD ? 0 : RESOLVE_IN_ROSTER);
    if (!jid)
        return;
    const struct roster_item *it = roster_find(session_roster(ui->a->session), jid);
    int rc;
    if (id == UI_ROSTER_ADD) {
        rc = session_roster_set(ui->a->session, jid, value, NULL);
        /* Adding someone means wanting their presence: ask for it too. */
        if (rc == 0 && !(it && (it->sub == ROSTER_SUB_TO || it->sub == ROSTER_SUB_BOTH)))
            rc = session_send_subscription(ui->a->session, jid, "subscribe");
    } else if (id == UI_ROSTER_RENAME) {
        rc = session_roster_set(ui->a->session, jid, value, NULL); /* keeps every group */
    } else if (id == UI_ROSTER_GROUP) {
        rc = session_roster_set(ui->a->session, jid, NULL, value); /* keeps the name */
    } else {
        rc = session_roster_remove(ui->a->session, jid);
    }
    result(ui, rc, "roster change");
    if (rc == 0 && id == UI_ROSTER_GROUP && it && it->ngroups > 1)
        ui_info(ui, NULL, CHATLINE_INFO, "%s had several groups; now only %s", jid, value);
    free(jid);
}

static void subscription(struct ui *ui, const char *jid_arg, const char *type)
{
    char *jid = want_jid(ui, jid_arg, 0);
    if (!jid)
        return;
    int rc = session_send_subscription(ui->a->session, jid, type);
    result(ui, rc, type);
    /* Answering a request (either way) clears its roster mark. */
    if (rc == 0 && (strcmp(type, "subscribed") == 0 || strcmp(type, "unsubscribed") == 0))
        ui_subreq_answered(ui, jid);
    free(jid);
}

static void cmd_tls_trust(struct ui *ui, const struct command *c)
{
    (void)c;
    /* With several accounts, the one whose server's certificate was
     * refused is meant, whichever window this is typed in (the refusal
     * is said in the status window); when two were, -a says which. */
    size_t refused = 0;
    struct ui_acct *only = NULL;
    for (size_t i = 0; !c->account && i < ui->naccts; i++)
        if (session_refused_cert(ui->accts[i]->session)) {
            refused++;
            only = ui->accts[i];
        }
    if (!session_refused_cert(ui->a->session) && refused == 1)
        ui_use_account(ui, only);
    else if (!session_refused_cert(ui->a->session) && refused > 1) {
        ui_status_error(ui, "certificates were refused for several accounts: /tls trust -a NAME");
        return;
    }
    const struct conn_cert_info *cert = session_refused_cert(ui->a->session);
    if (!cert) {
        ui_status_error(ui, "no certificate was refused");
        return;
    }
    char err[300] = "";
    if (!ui->data_dir ||
        pins_set(ui->data_dir, session_bare_jid(ui->a->session), cert->sha256, err, sizeof err) < 0)
        ui_status_error(ui, "the trust is NOT saved (only for this run): %s",
                        err[0] ? err : "no data folder");
    else
        ui_info(ui, NULL, CHATLINE_INFO, "saved: this account trusts the certificate %s",
                cert->sha256);
    ui_info(ui, NULL, CHATLINE_INFO, "trusting the certificate with SHA-256 %s", cert->sha256);
    session_set_pinned_cert(ui->a->session, cert->sha256);
    if (session_connect(ui->a->session) != 0)
        ui_status_error(ui, "already connecting");
}

void ui_say(struct ui *ui, const char *text)
{
    struct chatwin *w = chatwins_current(&ui->wins);
    if (w->kind == CHATWIN_XML) {
        ui_console_send(ui, text);
        return;
    }
    if (w->kind != CHATWIN_CHAT && w->kind != CHATWIN_ROOM) {
        ui_status_error(ui, "this is the status window: /msg JID TEXT, or pick a contact "
                            "in the roster (Alt-r, then Enter)");
        return;
    }
    /* "//me x" says "/me x" as text. XEP-0245 makes any body that starts
     * with "/me " an action, so the space becomes a no-break space: it
     * looks the same, and no client takes it for an action (issue 9:
     * it was sent and shown as one). */
    char *literal = NULL;
    if (strncmp(text, "/me ", 4) == 0) {
        literal = xalloc_realloc(NULL, strlen(text) + 2);
        sprintf(literal, "/me\u00a0%s", text + 4);
        text = literal;
    }
    if (w->kind == CHATWIN_ROOM)
        ui_room_say(ui, w, text);
    else if (strchr(w->jid, '/') && !ui_room_private(ui, w->jid, text))
        ui_info(ui, w, CHATLINE_ERROR, "not sent: you are no longer in that room");
    else if (!strchr(w->jid, '/'))
        ui_send_text(ui, w, text);
    free(literal);
}

/* The current chat's peer, for commands whose JID is optional there. */
static const char *current_chat_jid(struct ui *ui)
{
    struct chatwin *w = chatwins_current(&ui->wins);
    return w->kind == CHATWIN_CHAT ? w->jid : NULL;
}

static void cmd_correct(struct ui *ui, const struct command *c)
{
    const char *text = c->arg[0];
    struct chatwin *w = chatwins_current(&ui->wins);
    struct chatline *last = w->kind == CHATWIN_CHAT ? chatwin_last_sent(w) : NULL;
    if (!last) {
        ui_status_error(ui, "/correct: no message of yours to correct in this window");
        return;
    }
    int encrypted = ui_omemo_send(ui, w, text, last->id, NULL, 0);
    if (encrypted < 0)
        return; /* not sent, and said why: never plaintext by accident */
    if (!encrypted && session_send_correction(ui->a->session, w->jid, text, last->id, NULL, 0) < 0) {
        ui_info(ui, w, CHATLINE_ERROR, "correction not sent: the text is not valid");
        return;
    }
    ui_keep_message(ui, &(struct keep){.conv = w->jid, .from = session_bare_jid(ui->a->session),
                                       .text = text, .stamp = time(NULL), .out = true,
                                       .corrects = last->id, .encrypted = encrypted > 0});
    ui_correct_line(ui, last, text);
}

static void cmd_me(struct ui *ui, const struct command *c)
{
    const char *text = c->arg[0];
    struct chatwin *w = chatwins_current(&ui->wins);
    if (w->kind != CHATWIN_CHAT && w->kind != CHATWIN_ROOM) {
        ui_status_error(ui, "/me works in a chat or room window: /msg JID first");
        return;
    }
    size_t n = strlen(text) + 5;
    char *body = malloc(n);
    if (!body)
        abort();
    snprintf(body, n, "/me %s", text);
    if (w->kind == CHATWIN_ROOM)
        ui_room_say(ui, w, body);
    else
        ui_send_text(ui, w, body);
    free(body);
}

static void cmd_info(struct ui *ui, const struct command *c)
{
    const char *arg = c->arg[0];
    const char *jid = arg ? arg : current_chat_jid(ui);
    if (!jid) {
        ui_status_error(ui, "no contact here; usage: /info [JID]");
        return;
    }
    /* The current chat's JID is one already: no name to read in it. */
    char *bare = arg ? want_jid(ui, arg, 0) : strdup(jid);
    if (bare)
        ui_roster_details(ui, bare);
    /* The details name each resource's client from its caps; the exact
     * version comes from asking each one (XEP-0092). */
    const struct roster_item *it = bare ? roster_find(session_roster(ui->a->session), bare) : NULL;
    for (size_t i = 0; it && i < it->nres && i < 8; i++) {
        char full[1024];
        if (!it->res[i].name[0])
            continue;
        snprintf(full, sizeof full, "%s/%s", bare, it->res[i].name);
        ui_query_version(ui, full);
    }
    free(bare);
}

/* /version, /ping and /disco may ask a server, /vcard a person; full
 * JIDs stay full. NULL: nothing typed; else the JID, or NULL after the
 * user was told why not (*refused). Caller frees. */
static char *query_target(struct ui *ui, const struct command *c, unsigned flags, bool *refused)
{
    char *jid = c->arg[0] ? resolve_arg(ui, c->arg[0], flags) : NULL;
    *refused = c->arg[0] && !jid;
    return jid;
}

static void run_query(struct ui *ui, const struct command *c, unsigned flags,
                      void (*ask)(struct ui *, const char *))
{
    bool refused;
    char *jid = query_target(ui, c, flags, &refused);
    if (!refused)
        ask(ui, jid);
    free(jid);
}

static void cmd_version(struct ui *ui, const struct command *c)
{
    run_query(ui, c, RESOLVE_SERVER, ui_query_version);
}

static void cmd_ping(struct ui *ui, const struct command *c)
{
    run_query(ui, c, RESOLVE_SERVER, ui_query_ping);
}

static void cmd_disco(struct ui *ui, const struct command *c)
{
    run_query(ui, c, RESOLVE_SERVER, ui_query_disco);
}

static void cmd_vcard(struct ui *ui, const struct command *c)
{
    run_query(ui, c, 0, ui_query_vcard);
}

static void cmd_vcard_set(struct ui *ui, const struct command *c)
{
    ui_vcard_set(ui, c->arg[0], c->arg[1]);
}

static void cmd_invite(struct ui *ui, const struct command *c)
{
    const char *jid_arg = c->arg[0], *reason = c->arg[1];
    char *jid = resolve_arg(ui, jid_arg, 0);
    if (jid)
        ui_cmd_invite(ui, jid, reason);
    free(jid);
}

static void cmd_affiliation(struct ui *ui, const struct command *c)
{
    char *jid = resolve_arg(ui, c->arg[1], 0);
    if (jid)
        ui_cmd_affiliation(ui, c->arg[0], jid);
    free(jid);
}

static void cmd_connect(struct ui *ui, const struct command *c)
{
    if (c->arg[0] && strcmp(c->arg[0], session_bare_jid(ui->a->session)) != 0 &&
        strcmp(c->arg[0], ui->a->name) != 0)
        ui_cmd_account_connect(ui, c);
    else if (session_connect(ui->a->session) != 0)
        ui_status_error(ui, "already connected or connecting; /disconnect first");
}

static void cmd_disconnect(struct ui *ui, const struct command *c)
{
    (void)c;
    ui_account_leave(ui);
}

static void cmd_quit(struct ui *ui, const struct command *c)
{
    ui_quit(ui, c->arg[0]);
}

/* What the user chose, said back: the presence sent, or why it is not
 * (offline; auto-away holding it until the next key or attach). */
static void say_presence(struct ui *ui, const char *verb)
{
    char text[1200];
    snprintf(text, sizeof text, "%s%s%s%s, priority %d", presence_show_name(ui->a->show),
             ui->a->status ? " \"" : "", ui->a->status ? ui->a->status : "", ui->a->status ? "\"" : "",
             ui->a->priority);
    const char *note = session_state(ui->a->session) != SESSION_ONLINE
                           ? " (you are not online: sent once you are)"
                       : ui->auto_away && (ui->a->show == SHOW_ONLINE || ui->a->show == SHOW_CHAT)
                           ? " (auto-away shows away until you are back)"
                       : ui->detached_overruled
                           ? " (tmux shows no client here, but what you chose holds: auto-away "
                             "is back after a client attaches and leaves)"
                           : "";
    ui_info(ui, chatwins_current(&ui->wins), CHATLINE_INFO, "%s%s%s", verb, text, note);
}

static void set_presence(struct ui *ui, enum presence_show show, const char *text)
{
    ui->a->show = show;
    free(ui->a->status);
    ui->a->status = text && text[0] ? strdup(text) : NULL;
    /* Typed while tmux shows no client (issue 9: it was turned back to
     * away at once, without a word): the user is here, whatever tmux
     * says (a nested tmux, send-keys, another session group). */
    ui->detached_overruled = ui->detached;
    if (!ui_autoaway_update(ui)) /* else every account's presence went already */
        ui_presence_apply(ui);
    say_presence(ui, "presence set: ");
}

static void cmd_status(struct ui *ui, const struct command *c)
{
    if (!c->arg[0])
        say_presence(ui, "your presence: ");
    else
        set_presence(ui, c->show, c->arg[1]);
}

/* /away and /back, as in irssi: away keeps a message, back clears it. */
static void cmd_away(struct ui *ui, const struct command *c)
{
    set_presence(ui, SHOW_AWAY, c->arg[0]);
}

static void cmd_back(struct ui *ui, const struct command *c)
{
    (void)c;
    set_presence(ui, SHOW_ONLINE, NULL);
}

static void cmd_priority(struct ui *ui, const struct command *c)
{
    if (c->arg[0]) {
        ui->a->priority = c->priority;
        ui_presence_apply(ui);
    }
    ui_info(ui, chatwins_current(&ui->wins), CHATLINE_INFO, "priority %s%d%s",
            c->arg[0] ? "set to " : "", ui->a->priority,
            session_state(ui->a->session) != SESSION_ONLINE ? " (sent once you are online)" : "");
}

static void cmd_roster_add(struct ui *ui, const struct command *c)
{
    ui_roster_change(ui, UI_ROSTER_ADD, c->arg[0], c->arg[1]);
}

static void cmd_roster_remove(struct ui *ui, const struct command *c)
{
    ui_roster_change(ui, UI_ROSTER_REMOVE, c->arg[0], NULL);
}

static void cmd_roster_rename(struct ui *ui, const struct command *c)
{
    ui_roster_change(ui, UI_ROSTER_RENAME, c->arg[0], c->arg[1]);
}

static void cmd_roster_group(struct ui *ui, const struct command *c)
{
    ui_roster_change(ui, UI_ROSTER_GROUP, c->arg[0], c->arg[1]);
}

static void cmd_subscribe(struct ui *ui, const struct command *c)
{
    subscription(ui, c->arg[0], "subscribe");
}

static void cmd_authorize(struct ui *ui, const struct command *c)
{
    subscription(ui, c->arg[0], "subscribed");
}

static void cmd_deny(struct ui *ui, const struct command *c)
{
    subscription(ui, c->arg[0], "unsubscribed");
}

static void cmd_unsubscribe(struct ui *ui, const struct command *c)
{
    subscription(ui, c->arg[0], "unsubscribe");
}

static void cmd_raw(struct ui *ui, const struct command *c)
{
    ui_console_send(ui, c->arg[0]);
}

static void cmd_xml(struct ui *ui, const struct command *c)
{
    (void)c;
    ui_console_open(ui);
}

static void cmd_password(struct ui *ui, const struct command *c)
{
    (void)c;
    ui_ask(ui, UI_PROMPT_VAULT_PASSWORD, NULL);
}

static void cmd_vault_passphrase(struct ui *ui, const struct command *c)
{
    (void)c;
    ui_ask(ui, UI_PROMPT_PASSPHRASE, NULL);
}

static void cmd_passwd(struct ui *ui, const struct command *c)
{
    (void)c;
    if (session_state(ui->a->session) != SESSION_ONLINE)
        ui_status_error(ui, "/passwd: you must be online to change the password");
    else
        ui_ask(ui, UI_PROMPT_NEW_PASSWORD, NULL);
}

/* ---- blocking (XEP-0191): the session says when the server has done it ---- */

static void blocking_failed(struct ui *ui, const char *what)
{
    ui_status_error(ui, "%s: %s", what,
                    session_state(ui->a->session) != SESSION_ONLINE ? "you are not online"
                                                                 : "your server does not offer "
                                                                   "blocking");
}

void ui_block(struct ui *ui, const char *jid)
{
    if (session_block(ui->a->session, jid) != 0)
        blocking_failed(ui, "/block");
}

void ui_unblock(struct ui *ui, const char *jid)
{
    if (session_unblock(ui->a->session, jid) != 0)
        blocking_failed(ui, "/unblock");
}

static void cmd_omemo_on(struct ui *ui, const struct command *c)
{
    ui_omemo_set(ui, strcmp(c->entry->sub, "on") == 0);
}

static void cmd_omemo_fingerprints(struct ui *ui, const struct command *c)
{
    char *jid = c->arg[0] ? want_jid(ui, c->arg[0], 0) : NULL;
    if (jid || !c->arg[0])
        ui_omemo_fingerprints(ui, jid);
    free(jid);
}

static void cmd_omemo_trust(struct ui *ui, const struct command *c)
{
    char *jid = want_jid(ui, c->arg[0], 0);
    if (jid)
        ui_omemo_trust(ui, jid, c->arg[1], strcmp(c->entry->sub, "trust") == 0);
    free(jid);
}

static void cmd_block(struct ui *ui, const struct command *c)
{
    char *jid = want_jid(ui, c->arg[0], 0);
    if (jid)
        ui_block(ui, jid);
    free(jid);
}

static void cmd_unblock(struct ui *ui, const struct command *c)
{
    bool all = !c->arg[0] || strcmp(c->arg[0], "all") == 0;
    char *jid = all ? NULL : want_jid(ui, c->arg[0], 0);
    if (all || jid)
        ui_unblock(ui, jid);
    free(jid);
}

static void cmd_blocked(struct ui *ui, const struct command *c)
{
    (void)c;
    size_t n = 0;
    const char *const *jids = session_blocked(ui->a->session, &n);
    struct chatwin *w = chatwins_current(&ui->wins);
    if (n == 0)
        ui_info(ui, w, CHATLINE_INFO, "you block nobody");
    for (size_t i = 0; i < n; i++)
        ui_info(ui, w, CHATLINE_INFO, "blocked: %s", jids[i]);
}

const struct command_entry commands_table[] = {
    {"connect", NULL, 0, 1, false, VALUE_ANY, ARG_TEXT, "/connect [ACCOUNT]",
     "Log in (again) with the current window's account, or with ACCOUNT (/account connect).",
     "/connect",
     cmd_connect, ACCOUNT_NO},
    {"disconnect", NULL, 0, 0, false, VALUE_ANY, ARG_TEXT, "/disconnect",
     "Log out the current window's account: unavailable presence, then close the stream. No "
     "reconnect follows.",
     "/disconnect",
     cmd_disconnect, ACCOUNT_NO},
    {"account", "list", 0, 0, false, VALUE_ANY, ARG_TEXT, "/account list",
     "List the accounts: those of this run with their state (* is the current window's), "
     "then the config file's others.",
     "/account list",
     ui_cmd_account_list, ACCOUNT_NO},
    {"account", "connect", 1, 1, false, VALUE_ANY, ARG_TEXT, "/account connect NAME",
     "Connect the account NAME ([account NAME] in the config file, or its JID) alongside the "
     "others.",
     "/account connect work",
     ui_cmd_account_connect, ACCOUNT_NO},
    {"account", "disconnect", 1, 1, false, VALUE_ANY, ARG_TEXT, "/account disconnect NAME",
     "Log out the account NAME; the others stay.",
     "/account disconnect work",
     ui_cmd_account_disconnect, ACCOUNT_NO},
    {"account", "add", 0, 0, false, VALUE_ANY, ARG_TEXT, "/account add",
     "Add an account: asks for its address and password, writes an [account NAME] section to "
     "the config file, keeps the password in the vault, and connects it.",
     "/account add",
     ui_cmd_account_add, ACCOUNT_NO},
    {"quit", NULL, 0, 1, true, VALUE_ANY, ARG_TEXT, "/quit [MESSAGE]",
     "Send unavailable presence with MESSAGE, close the stream and exit.",
     "/quit see you tomorrow",
     cmd_quit, ACCOUNT_NO},
    {"win", NULL, 1, 1, false, VALUE_ANY, ARG_TEXT, "/win N",
     "Go to window N (1 is the status window), the 11th and later too; Alt-1..0 for the "
     "first ten.",
     "/win 12",
     cmd_win, ACCOUNT_NO},
    {"wins", NULL, 0, 0, false, VALUE_ANY, ARG_TEXT, "/wins",
     "List the windows: number, name, kind and unread lines.",
     "/wins",
     cmd_wins, ACCOUNT_NO},
    {"msg", NULL, 1, 2, true, VALUE_ANY, ARG_CONTACT, "/msg [-a ACCOUNT] JID [TEXT]",
     "Open a chat window with JID, and send TEXT if given. JID is an address, or a contact's "
     "name (Tab completes both); a name two contacts share, or a word that names nobody, is "
     "refused, never taken for a server. With several accounts, the one whose roster has JID "
     "is used; when several have it, tuktuk asks which (or give -a).",
     "/msg alice Are you there?",
     cmd_msg, ACCOUNT_ONE},
    {"query", NULL, 1, 2, true, VALUE_ANY, ARG_CONTACT, "/query JID [TEXT]",
     "The same as /msg: open a chat window with JID, and send TEXT if given.",
     "/query alice Lunch?",
     cmd_msg, ACCOUNT_NO},
    {"close", NULL, 0, 0, false, VALUE_ANY, ARG_TEXT, "/close",
     "Close the current window (the status window stays).",
     "/close",
     cmd_close, ACCOUNT_NO},
    {"clear", NULL, 0, 0, false, VALUE_ANY, ARG_TEXT, "/clear",
     "Empty the current window; the message store keeps what was said.",
     "/clear",
     cmd_clear, ACCOUNT_NO},
    {"status", NULL, 0, 2, true, VALUE_SHOW, ARG_SHOW,
     "/status [-a ACCOUNT|all] [online|chat|away|xa|dnd [MESSAGE]]",
     "Set your presence and its status message (quotes around MESSAGE are dropped), and say "
     "what was set. Alone: show your presence. It is the current window's account's, or "
     "ACCOUNT's, or every account's with -a all.",
     "/status away \"out for lunch\"",
     cmd_status, ACCOUNT_ALL},
    {"away", NULL, 0, 1, true, VALUE_STATUS_TEXT, ARG_TEXT, "/away [-a ACCOUNT|all] [MESSAGE]",
     "Set your presence to away, with MESSAGE if given (/status away MESSAGE).",
     "/away back at 2pm",
     cmd_away, ACCOUNT_ALL},
    {"back", NULL, 0, 0, false, VALUE_ANY, ARG_TEXT, "/back [-a ACCOUNT|all]",
     "Set your presence to online, without a status message.",
     "/back",
     cmd_back, ACCOUNT_ALL},
    {"priority", NULL, 0, 1, false, VALUE_PRIORITY, ARG_TEXT, "/priority [N]",
     "Set your presence priority (-128 to 127), or show it.",
     "/priority 10",
     cmd_priority, ACCOUNT_NO},
    {"help", NULL, 0, 1, false, VALUE_ANY, ARG_COMMAND, "/help [COMMAND]",
     "List the commands, or explain one.",
     "/help status",
     cmd_help, ACCOUNT_NO},
    {"roster", "add", 1, 2, true, VALUE_ANY, ARG_CONTACT, "/roster add JID [NAME]",
     "Add JID (an address) to your roster, named NAME, and ask to see their presence.",
     "/roster add dan@example.org Dan",
     cmd_roster_add, ACCOUNT_NO},
    {"roster", "remove", 1, 1, false, VALUE_ANY, ARG_CONTACT, "/roster remove JID",
     "Remove JID (an address or a contact's name) from your roster; this also cancels the "
     "subscriptions. The status window confirms it.",
     "/roster remove dan@example.org",
     cmd_roster_remove, ACCOUNT_NO},
    {"roster", "rename", 2, 2, true, VALUE_ANY, ARG_CONTACT, "/roster rename JID NAME",
     "Change the name shown for JID.",
     "/roster rename dan@example.org Daniel",
     cmd_roster_rename, ACCOUNT_NO},
    {"roster", "group", 2, 2, true, VALUE_ANY, ARG_CONTACT, "/roster group JID GROUP",
     "Move JID into GROUP (its only group).",
     "/roster group Daniel Work",
     cmd_roster_group, ACCOUNT_NO},
    {"subscribe", NULL, 1, 1, false, VALUE_ANY, ARG_CONTACT, "/subscribe JID",
     "Ask JID to share their presence with you.",
     "/subscribe dan@example.org",
     cmd_subscribe, ACCOUNT_NO},
    {"authorize", NULL, 1, 1, false, VALUE_ANY, ARG_CONTACT, "/authorize JID",
     "Allow JID to see your presence.",
     "/authorize dan@example.org",
     cmd_authorize, ACCOUNT_NO},
    {"deny", NULL, 1, 1, false, VALUE_ANY, ARG_CONTACT, "/deny JID",
     "Refuse JID's request, or stop sharing your presence with JID.",
     "/deny dan@example.org",
     cmd_deny, ACCOUNT_NO},
    {"unsubscribe", NULL, 1, 1, false, VALUE_ANY, ARG_CONTACT, "/unsubscribe JID",
     "Stop receiving JID's presence.",
     "/unsubscribe dan@example.org",
     cmd_unsubscribe, ACCOUNT_NO},
    {"correct", NULL, 1, 1, true, VALUE_ANY, ARG_TEXT, "/correct TEXT",
     "Replace your last message in this chat with TEXT (XEP-0308); the peer's client shows "
     "the correction in its place.",
     "/correct See you at 8, not 9",
     cmd_correct, ACCOUNT_NO},
    {"search", NULL, 1, 1, true, VALUE_ANY, ARG_TEXT, "/search [-a] TEXT",
     "Find the messages of this conversation (-a: of every conversation) that contain every "
     "word of TEXT, newest first, from the message store.",
     "/search -a train ticket",
     cmd_search, ACCOUNT_NO},
    {"goto", NULL, 1, 1, false, VALUE_ANY, ARG_TEXT, "/goto N",
     "Open the conversation of the last /search's result N at that message (PgDn at the "
     "bottom comes back to the newest).",
     "/goto 2",
     cmd_goto, ACCOUNT_NO},
    {"me", NULL, 1, 1, true, VALUE_ANY, ARG_TEXT, "/me TEXT",
     "Say TEXT as an action: the chat shows \"* yourname TEXT\" (XEP-0245).",
     "/me waves",
     cmd_me, ACCOUNT_NO},
    {"info", NULL, 0, 1, false, VALUE_ANY, ARG_CONTACT, "/info [JID]",
     "Contact details: JID, name, groups, subscription, each resource with show, status, "
     "priority and client. Without JID: the current chat's contact.",
     "/info alice",
     cmd_info, ACCOUNT_NO},
    {"vcard", "set", 1, 2, true, VALUE_VCARD_FIELD, ARG_VCARD_FIELD, "/vcard set FIELD [VALUE]",
     "Change one field of your vCard: FN, NICKNAME, EMAIL, URL, BDAY, TEL, ORG, TITLE or "
     "NOTE. Without VALUE the field is removed.",
     "/vcard set NICKNAME Al",
     cmd_vcard_set, ACCOUNT_NO},
    {"vcard", NULL, 0, 1, false, VALUE_ANY, ARG_CONTACT, "/vcard [JID]",
     "Show JID's vCard (XEP-0054): name, nickname, email, URL, birthday, phone, "
     "organisation, title, note. Without JID: your own.",
     "/vcard alice",
     cmd_vcard, ACCOUNT_NO},
    {"disco", NULL, 0, 1, false, VALUE_ANY, ARG_CONTACT, "/disco [JID]",
     "Ask JID (default: your server) what it is and which features it has (XEP-0030).",
     "/disco conference.example.org",
     cmd_disco, ACCOUNT_NO},
    {"version", NULL, 1, 1, false, VALUE_ANY, ARG_CONTACT, "/version JID",
     "Ask which software JID runs (XEP-0092). A contact's bare JID asks its best resource.",
     "/version alice",
     cmd_version, ACCOUNT_NO},
    {"ping", NULL, 0, 1, false, VALUE_ANY, ARG_CONTACT, "/ping [JID]",
     "Ping JID (default: your server) and show the round trip in milliseconds (XEP-0199).",
     "/ping",
     cmd_ping, ACCOUNT_NO},
    {"join", NULL, 1, 2, false, VALUE_ANY, ARG_ROOM, "/join ROOM@SERVICE[/NICK] [PASSWORD]",
     "Join a group chat room (XEP-0045) in a window of its own. The nick defaults to your "
     "JID's localpart; a ROOM without @SERVICE is on conference.YOURDOMAIN.",
     "/join tea@conference.example.org/al",
     ui_cmd_join, ACCOUNT_NO},
    {"part", NULL, 0, 1, true, VALUE_ANY, ARG_TEXT, "/part [MESSAGE]",
     "Leave the current room; its window stays until /close.",
     "/part off to bed",
     ui_cmd_part, ACCOUNT_NO},
    {"leave", NULL, 0, 1, true, VALUE_ANY, ARG_TEXT, "/leave [MESSAGE]",
     "The same as /part: leave the current room.",
     "/leave off to bed",
     ui_cmd_part, ACCOUNT_NO},
    {"nick", NULL, 1, 1, true, VALUE_ANY, ARG_TEXT, "/nick NICK",
     "Change your nick in the current room.",
     "/nick al_away",
     ui_cmd_nick, ACCOUNT_NO},
    {"topic", NULL, 0, 1, true, VALUE_ANY, ARG_TEXT, "/topic [TEXT]",
     "Show the current room's subject, or set it to TEXT.",
     "/topic Release on Friday",
     ui_cmd_topic, ACCOUNT_NO},
    {"invite", NULL, 1, 2, true, VALUE_ANY, ARG_CONTACT, "/invite JID [REASON]",
     "Invite JID to the current room (through the room, XEP-0045 7.8.2).",
     "/invite bob Come and join us",
     cmd_invite, ACCOUNT_NO},
    {"affiliation", "set", 2, 2, false, VALUE_ANY, ARG_TEXT, "/affiliation set AFFILIATION JID",
     "As the current room's owner or admin, make JID (a roster name works too) an owner, "
     "admin, member, outcast (banned) or none (XEP-0045 9-10). In a members-only room, "
     "members are who may join, and whom OMEMO encrypts for.",
     "/affiliation set member bob@example.org",
     cmd_affiliation, ACCOUNT_NO},
    {"room", "private", 0, 0, false, VALUE_ANY, ARG_TEXT, "/room private",
     "As the current room's owner, make it members-only and show each occupant's address to "
     "all: what OMEMO needs to encrypt a room (then /affiliation set member JID for each "
     "member).",
     "/room private",
     ui_cmd_room_private, ACCOUNT_NO},
    {"names", NULL, 0, 0, false, VALUE_ANY, ARG_TEXT, "/names",
     "List the current room's occupants with their presence and role.",
     "/names",
     ui_cmd_names, ACCOUNT_NO},
    {"bookmark", "list", 0, 0, false, VALUE_ANY, ARG_TEXT, "/bookmark list",
     "List your room bookmarks (XEP-0402), which the server keeps for all your clients.",
     "/bookmark list",
     ui_cmd_bookmark_list, ACCOUNT_NO},
    {"bookmark", "remove", 0, 1, false, VALUE_ANY, ARG_ROOM, "/bookmark remove [ROOM]",
     "Remove the bookmark of ROOM (default: the current room).",
     "/bookmark remove tea@conference.example.org",
     ui_cmd_bookmark_remove, ACCOUNT_NO},
    {"bookmark", NULL, 0, 1, true, VALUE_ANY, ARG_TEXT, "/bookmark [NAME]",
     "Bookmark the current room, with your nick, its password and autojoin: it is joined at "
     "every login, from any of your clients.",
     "/bookmark Tea room",
     ui_cmd_bookmark, ACCOUNT_NO},
    {"block", NULL, 1, 1, false, VALUE_ANY, ARG_CONTACT, "/block JID",
     "Block JID (XEP-0191): the server drops everything they send you and shows them "
     "nothing of you, for all your clients. The roster marks them with !.",
     "/block spam@example.net",
     cmd_block, ACCOUNT_NO},
    {"unblock", NULL, 0, 1, false, VALUE_ANY, ARG_CONTACT, "/unblock JID|all",
     "Unblock JID, or everyone with all.",
     "/unblock spam@example.net",
     cmd_unblock, ACCOUNT_NO},
    {"blocked", NULL, 0, 0, false, VALUE_ANY, ARG_TEXT, "/blocked",
     "List the JIDs you block.",
     "/blocked",
     cmd_blocked, ACCOUNT_NO},
    {"upload", "cancel", 0, 0, false, VALUE_ANY, ARG_TEXT, "/upload cancel",
     "Stop the newest upload or download; nothing is sent, and a partial download is removed.",
     "/upload cancel",
     ui_cmd_upload_cancel, ACCOUNT_NO},
    {"upload", NULL, 1, 1, true, VALUE_ANY, ARG_PATH, "/upload PATH",
     "Send a file to the current chat or room through the server's HTTP upload service "
     "(XEP-0363), with a progress line; its link is sent only once the whole file is up. Tab "
     "completes paths.",
     "/upload ~/screenshot.png",
     ui_cmd_upload, ACCOUNT_NO},
    {"download", NULL, 0, 1, false, VALUE_ANY, ARG_TEXT, "/download [N]",
     "Fetch link N (links are marked [N] in messages; no N: the newest) into the downloads "
     "folder, decrypting aesgcm:// links. An existing file is never replaced.",
     "/download 3",
     ui_cmd_download, ACCOUNT_NO},
    {"open", NULL, 0, 1, false, VALUE_ANY, ARG_TEXT, "/open [N]",
     "Open link N (no N: the newest) with open_cmd (default xdg-open); over SSH, or without "
     "one, show the link.",
     "/open 3",
     ui_cmd_open, ACCOUNT_NO},
    {"omemo", "on", 0, 0, false, VALUE_ANY, ARG_TEXT, "/omemo on",
     "Encrypt this chat or room with OMEMO (XEP-0384), the default when the contact has "
     "published devices, or the room is members-only and shows real JIDs. A message that "
     "cannot be encrypted is then not sent, and stays on the input line.",
     "/omemo on",
     cmd_omemo_on, ACCOUNT_NO},
    {"omemo", "off", 0, 0, false, VALUE_ANY, ARG_TEXT, "/omemo off",
     "Send this chat's or room's messages in plaintext, even where OMEMO could be used.",
     "/omemo off",
     cmd_omemo_on, ACCOUNT_NO},
    {"omemo", "fingerprints", 0, 1, false, VALUE_ANY, ARG_CONTACT, "/omemo fingerprints [JID]",
     "Show this device's OMEMO fingerprint, those of your other devices and of JID's (this "
     "chat's contact by default), with their trust.",
     "/omemo fingerprints alice@example.org",
     cmd_omemo_fingerprints, ACCOUNT_NO},
    {"omemo", "trust", 2, 2, true, VALUE_ANY, ARG_CONTACT, "/omemo trust JID FINGERPRINT",
     "Mark JID's device with this fingerprint as verified (compare it with what the contact's "
     "client shows). Once one device of a contact is verified, new ones are not trusted "
     "blindly any more.",
     "/omemo trust alice@example.org 1f2e3d4c ...",
     cmd_omemo_trust, ACCOUNT_NO},
    {"omemo", "untrust", 2, 2, true, VALUE_ANY, ARG_CONTACT, "/omemo untrust JID FINGERPRINT",
     "Stop encrypting for JID's device with this fingerprint.",
     "/omemo untrust alice@example.org 1f2e3d4c ...",
     cmd_omemo_trust, ACCOUNT_NO},
    {"xml", NULL, 0, 0, false, VALUE_ANY, ARG_TEXT, "/xml",
     "Open the XML console: every stanza sent (sent>) and received (recv>), pretty-printed, "
     "SASL payloads redacted, the last 200 from before first. XML typed there is sent as by /raw.",
     "/xml",
     cmd_xml, ACCOUNT_NO},
    {"raw", NULL, 1, 1, true, VALUE_ANY, ARG_TEXT, "/raw XML",
     "Send one XML element as is, after checking that it is well-formed.",
     "/raw <presence/>",
     cmd_raw, ACCOUNT_NO},
    {"tls", "trust", 0, 0, false, VALUE_ANY, ARG_TEXT, "/tls trust [-a ACCOUNT]",
     "Trust the certificate that was just refused, by its fingerprint, and reconnect. With "
     "several accounts: the account whose certificate was refused (-a when several were).",
     "/tls trust",
     cmd_tls_trust, ACCOUNT_ONE},
    {"password", NULL, 0, 0, false, VALUE_ANY, ARG_TEXT, "/password",
     "Store or change the password kept in the encrypted vault (asked without echo).",
     "/password",
     cmd_password, ACCOUNT_NO},
    {"passwd", NULL, 0, 0, false, VALUE_ANY, ARG_TEXT, "/passwd",
     "Change your password on the server (XEP-0077); the vault follows once the server "
     "accepts it.",
     "/passwd",
     cmd_passwd, ACCOUNT_NO},
    {"vault", "passphrase", 0, 0, false, VALUE_ANY, ARG_TEXT, "/vault passphrase",
     "Set, change or (empty answer) remove the vault's master passphrase. With one, the "
     "vault is encrypted with a key derived from it (Argon2id), asked once per start.",
     "/vault passphrase",
     cmd_vault_passphrase, ACCOUNT_NO},
};

const size_t commands_count = sizeof commands_table / sizeof commands_table[0];

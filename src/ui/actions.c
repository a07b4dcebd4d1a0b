/* actions.c - doing what the user asked: commands from the input line,
 * sending text to the current chat, the roster pane's actions (open,
 * details, add, remove, rename) and tab completion's candidates.
 *
 * commands.c has already checked each command's shape; here we check
 * what depends on the session (being online, and what a JID argument
 * stands for: resolve.c reads an address or a contact's name, and
 * refuses a word that names nobody instead of sending it to a server)
 * and report every refusal as one line in the status window, never more. */
#include "core/pins.h"
#include "ui/ui_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ui/chatlog.h"
#include "ui/commands.h"
#include "ui/resolve.h"
#include "xmpp/jid.h"

#define HISTORY_LINES 20

/* ---- names ---- */

static void local_part(const char *jid, char *buf, size_t len)
{
    const char *at = strchr(jid, '@');
    if (at && at > jid)
        snprintf(buf, len, "%.*s", (int)(at - jid), jid);
    else
        snprintf(buf, len, "%s", jid);
}

const char *ui_contact_name(struct ui *ui, const char *bare_jid, char *buf, size_t len)
{
    const struct roster_item *it = roster_find(session_roster(ui->session), bare_jid);
    if (it && it->name && it->name[0])
        snprintf(buf, len, "%s", it->name);
    else
        local_part(bare_jid, buf, len);
    return buf;
}

const char *ui_contact_who(struct ui *ui, const char *bare_jid, char *buf, size_t len)
{
    const struct roster_item *it = roster_find(session_roster(ui->session), bare_jid);
    if (it && it->name && it->name[0] && strcmp(it->name, bare_jid) != 0)
        snprintf(buf, len, "%s (%s)", it->name, bare_jid);
    else
        snprintf(buf, len, "%s", bare_jid);
    return buf;
}

const char *ui_self_nick(struct ui *ui, char *buf, size_t len)
{
    local_part(session_bare_jid(ui->session), buf, len);
    return buf;
}

/* ---- chats ---- */

struct history_load {
    struct ui *ui;
    struct chatwin *w;
    char self[256], peer[256];
};

/* XEP-0245: a body starting with "/me " is an action. */
static const char *action_text(const char *body)
{
    return strncmp(body, "/me ", 4) == 0 && body[4] ? body + 4 : NULL;
}

static void on_history(void *ud, time_t stamp, bool outgoing, const char *from, const char *text)
{
    struct history_load *h = ud;
    const char *act = action_text(text);
    chatwin_add_msg(h->w, stamp, outgoing ? CHATLINE_OUT : CHATLINE_IN,
                    outgoing ? h->self : h->peer, act ? act : text, NULL, act != NULL);
}

struct chatline *ui_show_message(struct ui *ui, struct chatwin *w, time_t stamp, bool out,
                                 const char *nick, const char *body, const char *id)
{
    const char *act = action_text(body);
    return ui_add_msg(ui, w, stamp, out ? CHATLINE_OUT : CHATLINE_IN, nick, act ? act : body, id,
                      act != NULL);
}

static void load_history(struct ui *ui, struct chatwin *w)
{
    if (!ui->data_dir)
        return;
    struct history_load h = {ui, w, "", ""};
    ui_self_nick(ui, h.self, sizeof h.self);
    ui_contact_name(ui, w->jid, h.peer, sizeof h.peer);
    chatlog_recent(ui->data_dir, session_bare_jid(ui->session), w->jid, HISTORY_LINES, on_history,
                   &h);
}

struct chatwin *ui_open_chat(struct ui *ui, const char *bare_jid, bool focus)
{
    char name[256];
    bool created;
    ui_contact_name(ui, bare_jid, name, sizeof name);
    struct chatwin *w = chatwins_open(&ui->wins, bare_jid, name, &created);
    if (created)
        load_history(ui, w);
    if (focus) {
        size_t idx;
        chatwins_find(&ui->wins, bare_jid, &idx);
        ui_select_window(ui, idx);
    }
    ui_dirty(ui, UI_DIRTY_STATUS);
    return w;
}

void ui_log_message(struct ui *ui, const char *contact, time_t stamp, bool out, const char *from,
                    const char *text)
{
    char err[512];
    if (!ui->data_dir)
        return;
    bool ok = chatlog_append(ui->data_dir, session_bare_jid(ui->session), contact, stamp, out, from,
                             text, err, sizeof err) == 0;
    /* Said where the user looks, once per streak of failures: the
     * messages themselves are still shown. */
    if (!ok && !ui->history_failing)
        ui_status_error(ui, "%s; messages are shown but not kept until this is fixed", err);
    else if (ok && ui->history_failing)
        ui_info(ui, NULL, CHATLINE_INFO, "history is written again");
    ui->history_failing = !ok;
}

static void send_text(struct ui *ui, struct chatwin *w, const char *text)
{
    char id[64], nick[256];
    if (session_send_message(ui->session, w->jid, NULL, text, NULL, id, sizeof id) != 0) {
        ui_info(ui, w, CHATLINE_ERROR, "not sent: %s",
                session_state(ui->session) == SESSION_ONLINE ? "the text is not valid XML text"
                                                             : "you are not online");
        return;
    }
    time_t now = time(NULL);
    ui_typing_sent(ui, w->jid);
    ui_log_message(ui, w->jid, now, true, session_bare_jid(ui->session), text);
    w->scroll = 0; /* what you say, you see */
    ui_show_message(ui, w, now, true, ui_self_nick(ui, nick, sizeof nick), text, id);
    ui_dirty(ui, UI_DIRTY_TITLE);
}

/* ---- commands ---- */

/* The JID that what the user typed stands for (resolve.c: an address,
 * or a contact's name), or NULL after telling the user why not. A
 * resource typed with it is kept. Caller frees. */
static char *resolve_arg(struct ui *ui, const char *arg, unsigned flags)
{
    char msg[1500];
    const char *us = session_bare_jid(ui->session);
    const char *domain = strchr(us, '@') ? strchr(us, '@') + 1 : us;
    char *jid = resolve_jid(session_roster(ui->session), arg, flags, domain, msg, sizeof msg);
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

static void cmd_help(struct ui *ui, const char *name)
{
    struct chatwin *w = chatwins_current(&ui->wins);
    if (name) {
        const char *h = commands_help(name);
        if (h)
            ui_info(ui, w, CHATLINE_INFO, "%s", h);
        else
            ui_status_error(ui, "no help for %s: /help lists the commands", name);
        return;
    }
    ui_info(ui, w, CHATLINE_INFO, "Commands (/help COMMAND for more):");
    for (size_t i = 0; commands_summary(i); i++)
        ui_info(ui, w, CHATLINE_INFO, "  %s", commands_summary(i));
    ui_info(
        ui, w, CHATLINE_INFO,
        "Keys: Alt-1..0 windows, Alt-a next unread, Alt-r roster, PgUp/PgDn scroll, "
        "Tab completes. Text not starting with / goes to the current chat; //text sends /text.");
}

static void cmd_quit(struct ui *ui, const char *message)
{
    ui->quitting = true;
    if (session_state(ui->session) == SESSION_OFFLINE) {
        if (ui->opt.on_quit)
            ui->opt.on_quit(ui->opt.ud, 0);
        return;
    }
    ui_info(ui, NULL, CHATLINE_INFO, "leaving...");
    session_disconnect(ui->session, message);
}

static void cmd_msg(struct ui *ui, const char *jid_arg, const char *text)
{
    if (ui_room_private(ui, jid_arg, text))
        return;
    char *jid = want_jid(ui, jid_arg, 0);
    if (!jid)
        return;
    struct chatwin *w = ui_open_chat(ui, jid, true);
    if (text)
        send_text(ui, w, text);
    free(jid);
}

static void cmd_close(struct ui *ui)
{
    if (ui->wins.current == 0) {
        ui_status_error(ui, "the status window (1) cannot be closed");
        return;
    }
    if (chatwins_current(&ui->wins)->kind == CHATWIN_ROOM)
        ui_room_closing(ui, chatwins_current(&ui->wins));
    chatwins_close(&ui->wins, ui->wins.current);
    ui_select_window(ui, ui->wins.current);
}

static void cmd_roster_set(struct ui *ui, enum command_id id, const char *jid_arg,
                           const char *value)
{
    /* Adding takes an address or a contact's name (to ask again for
     * their presence); the other changes only a contact on the roster. */
    char *jid = want_jid(ui, jid_arg, id == CMD_ROSTER_ADD ? 0 : RESOLVE_IN_ROSTER);
    if (!jid)
        return;
    const struct roster_item *it = roster_find(session_roster(ui->session), jid);
    int rc;
    if (id == CMD_ROSTER_ADD) {
        rc = session_roster_set(ui->session, jid, value, NULL);
        /* Adding someone means wanting their presence: ask for it too. */
        if (rc == 0 && !(it && (it->sub == ROSTER_SUB_TO || it->sub == ROSTER_SUB_BOTH)))
            rc = session_send_subscription(ui->session, jid, "subscribe");
    } else if (id == CMD_ROSTER_RENAME) {
        rc = session_roster_set(ui->session, jid, value, NULL); /* keeps every group */
    } else if (id == CMD_ROSTER_GROUP) {
        rc = session_roster_set(ui->session, jid, NULL, value); /* keeps the name */
    } else {
        rc = session_roster_remove(ui->session, jid);
    }
    result(ui, rc, "roster change");
    if (rc == 0 && id == CMD_ROSTER_GROUP && it && it->ngroups > 1)
        ui_info(ui, NULL, CHATLINE_INFO, "%s had several groups; now only %s", jid, value);
    free(jid);
}

static void cmd_subscription(struct ui *ui, const char *jid_arg, const char *type)
{
    char *jid = want_jid(ui, jid_arg, 0);
    if (!jid)
        return;
    int rc = session_send_subscription(ui->session, jid, type);
    result(ui, rc, type);
    /* Answering a request (either way) clears its roster mark. */
    if (rc == 0 && (strcmp(type, "subscribed") == 0 || strcmp(type, "unsubscribed") == 0))
        ui_subreq_answered(ui, jid);
    free(jid);
}

static void cmd_tls_trust(struct ui *ui)
{
    const struct conn_cert_info *cert = session_refused_cert(ui->session);
    if (!cert) {
        ui_status_error(ui, "no certificate was refused");
        return;
    }
    char err[300] = "";
    if (!ui->data_dir ||
        pins_set(ui->data_dir, session_bare_jid(ui->session), cert->sha256, err, sizeof err) < 0)
        ui_status_error(ui, "the trust is NOT saved (only for this run): %s",
                        err[0] ? err : "no data folder");
    else
        ui_info(ui, NULL, CHATLINE_INFO, "saved: this account trusts the certificate %s",
                cert->sha256);
    ui_info(ui, NULL, CHATLINE_INFO, "trusting the certificate with SHA-256 %s", cert->sha256);
    session_set_pinned_cert(ui->session, cert->sha256);
    if (session_connect(ui->session) != 0)
        ui_status_error(ui, "already connecting");
}

static void cmd_say(struct ui *ui, const char *text)
{
    struct chatwin *w = chatwins_current(&ui->wins);
    if (w->kind == CHATWIN_XML) {
        ui_console_send(ui, text);
        return;
    }
    if (w->kind == CHATWIN_ROOM) {
        ui_room_say(ui, w, text);
        return;
    }
    if (w->kind != CHATWIN_CHAT) {
        ui_status_error(ui, "this is the status window: /msg JID TEXT, or pick a contact "
                            "in the roster (Alt-r, then Enter)");
        return;
    }
    send_text(ui, w, text);
}

/* The current chat's peer, for commands whose JID is optional there. */
static const char *current_chat_jid(struct ui *ui)
{
    struct chatwin *w = chatwins_current(&ui->wins);
    return w->kind == CHATWIN_CHAT ? w->jid : NULL;
}

static void cmd_correct(struct ui *ui, const char *text)
{
    struct chatwin *w = chatwins_current(&ui->wins);
    struct chatline *last = w->kind == CHATWIN_CHAT ? chatwin_last_sent(w) : NULL;
    if (!last) {
        ui_status_error(ui, "/correct: no message of yours to correct in this window");
        return;
    }
    if (session_send_correction(ui->session, w->jid, text, last->id, NULL, 0) != 0) {
        ui_info(ui, w, CHATLINE_ERROR, "correction not sent: %s",
                session_state(ui->session) == SESSION_ONLINE ? "the text is not valid"
                                                             : "you are not online");
        return;
    }
    ui_log_message(ui, w->jid, time(NULL), true, session_bare_jid(ui->session), text);
    chatwin_correct(last, text);
    ui_dirty(ui, UI_DIRTY_CHAT);
}

static void cmd_me(struct ui *ui, const char *text)
{
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
        send_text(ui, w, body);
    free(body);
}

static void cmd_info(struct ui *ui, const char *arg)
{
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
    const struct roster_item *it = bare ? roster_find(session_roster(ui->session), bare) : NULL;
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
 * JIDs stay full. */
static void run_query(struct ui *ui, const struct command *c)
{
    char *resolved = NULL;
    const char *jid = c->arg[0];
    if (jid && c->id != CMD_VCARD_SET) {
        resolved = resolve_arg(ui, jid, c->id == CMD_VCARD ? 0 : RESOLVE_SERVER);
        if (!resolved)
            return;
        jid = resolved;
    }
    switch (c->id) {
    case CMD_VERSION:
        ui_query_version(ui, jid);
        break;
    case CMD_PING:
        ui_query_ping(ui, jid);
        break;
    case CMD_DISCO:
        ui_query_disco(ui, jid);
        break;
    case CMD_VCARD:
        ui_query_vcard(ui, jid);
        break;
    case CMD_VCARD_SET:
        ui_vcard_set(ui, c->arg[0], c->arg[1]);
        break;
    default:
        break;
    }
    free(resolved);
}

static void cmd_invite(struct ui *ui, const char *jid_arg, const char *reason)
{
    char *jid = resolve_arg(ui, jid_arg, 0);
    if (jid)
        ui_cmd_invite(ui, jid, reason);
    free(jid);
}

static void run(struct ui *ui, const struct command *c)
{
    static const char *const sub_types[] = {"subscribe", "subscribed", "unsubscribed",
                                            "unsubscribe"};
    switch (c->id) {
    case CMD_SAY:
        cmd_say(ui, c->arg[0]);
        break;
    case CMD_CONNECT:
        if (c->arg[0] && strcmp(c->arg[0], session_bare_jid(ui->session)) != 0)
            ui_status_error(ui, "this session is %s; start tuktuk -a %s for another account",
                            session_bare_jid(ui->session), c->arg[0]);
        else if (session_connect(ui->session) != 0)
            ui_status_error(ui, "already connected or connecting; /disconnect first");
        break;
    case CMD_DISCONNECT:
        session_disconnect(ui->session, NULL);
        break;
    case CMD_QUIT:
        cmd_quit(ui, c->arg[0]);
        break;
    case CMD_MSG:
        cmd_msg(ui, c->arg[0], c->arg[1]);
        break;
    case CMD_CLOSE:
        cmd_close(ui);
        break;
    case CMD_STATUS:
        ui->show = c->show;
        free(ui->status);
        ui->status = c->arg[1] ? strdup(c->arg[1]) : NULL;
        ui_presence_apply(ui);
        break;
    case CMD_PRIORITY:
        ui->priority = c->priority;
        ui_presence_apply(ui);
        break;
    case CMD_HELP:
        cmd_help(ui, c->arg[0]);
        break;
    case CMD_ROSTER_ADD:
    case CMD_ROSTER_REMOVE:
    case CMD_ROSTER_RENAME:
    case CMD_ROSTER_GROUP:
        cmd_roster_set(ui, c->id, c->arg[0], c->arg[1]);
        break;
    case CMD_SUBSCRIBE:
    case CMD_AUTHORIZE:
    case CMD_DENY:
    case CMD_UNSUBSCRIBE:
        cmd_subscription(ui, c->arg[0], sub_types[c->id - CMD_SUBSCRIBE]);
        break;
    case CMD_RAW:
        ui_console_send(ui, c->arg[0]);
        break;
    case CMD_XML:
        ui_console_open(ui);
        break;
    case CMD_PASSWORD:
        ui_ask(ui, UI_PROMPT_VAULT_PASSWORD, NULL);
        break;
    case CMD_VAULT_PASSPHRASE:
        ui_ask(ui, UI_PROMPT_PASSPHRASE, NULL);
        break;
    case CMD_PASSWD:
        if (session_state(ui->session) != SESSION_ONLINE)
            ui_status_error(ui, "/passwd: you must be online to change the password");
        else
            ui_ask(ui, UI_PROMPT_NEW_PASSWORD, NULL);
        break;
    case CMD_TLS_TRUST:
        cmd_tls_trust(ui);
        break;
    case CMD_CORRECT:
        cmd_correct(ui, c->arg[0]);
        break;
    case CMD_ME:
        cmd_me(ui, c->arg[0]);
        break;
    case CMD_INFO:
        cmd_info(ui, c->arg[0]);
        break;
    case CMD_JOIN:
        ui_cmd_join(ui, c->arg[0], c->arg[1]);
        break;
    case CMD_PART:
        ui_cmd_part(ui, c->arg[0]);
        break;
    case CMD_NICK:
        ui_cmd_nick(ui, c->arg[0]);
        break;
    case CMD_TOPIC:
        ui_cmd_topic(ui, c->arg[0]);
        break;
    case CMD_INVITE:
        cmd_invite(ui, c->arg[0], c->arg[1]);
        break;
    case CMD_NAMES:
        ui_cmd_names(ui);
        break;
    case CMD_BOOKMARK:
        ui_cmd_bookmark(ui, c->arg[0]);
        break;
    case CMD_BOOKMARK_REMOVE:
        ui_cmd_bookmark_remove(ui, c->arg[0]);
        break;
    case CMD_BOOKMARK_LIST:
        ui_cmd_bookmark_list(ui);
        break;
    case CMD_VCARD:
    case CMD_VCARD_SET:
    case CMD_DISCO:
    case CMD_VERSION:
    case CMD_PING:
        run_query(ui, c);
        break;
    }
    ui_dirty(ui, UI_DIRTY_STATUS | UI_DIRTY_TITLE);
}

void ui_submit_line(struct ui *ui, char *line)
{
    struct command c;
    char err[512];
    if (line[0] == '\0') {
        free(line);
        return;
    }
    if (commands_parse(line, &c, err, sizeof err) != 0)
        ui_status_error(ui, "%s", err);
    else
        run(ui, &c);
    commands_clear(&c);
    free(line);
    ui_dirty(ui, UI_DIRTY_INPUT);
}

/* ---- roster pane actions ---- */

static const char *sub_text(const struct roster_item *it)
{
    return it->ask ? "pending (asked)" : roster_sub_name(it->sub);
}

static void details_stranger(struct ui *ui, struct chatwin *w, const char *jid)
{
    ui_info(ui, w, CHATLINE_INFO, "%s is not in your roster (/roster add %s)", jid, jid);
}

void ui_roster_details(struct ui *ui, const char *jid)
{
    const struct roster_item *it = roster_find(session_roster(ui->session), jid);
    struct chatwin *w = chatwins_current(&ui->wins);
    if (!it || !it->in_roster)
        details_stranger(ui, w, jid);
    if (!it)
        return;
    char groups[1024] = "";
    size_t off = 0;
    for (size_t i = 0; i < it->ngroups && off < sizeof groups; i++)
        off += (size_t)snprintf(groups + off, sizeof groups - off, "%s%s", i ? ", " : "",
                                it->groups[i]);
    ui_info(ui, w, CHATLINE_INFO, "contact %s", it->jid);
    ui_info(ui, w, CHATLINE_INFO, "  name: %s", it->name ? it->name : "(none)");
    ui_info(ui, w, CHATLINE_INFO, "  groups: %s", it->ngroups ? groups : "(none)");
    ui_info(ui, w, CHATLINE_INFO, "  subscription: %s", sub_text(it));
    if (it->nres == 0)
        ui_info(ui, w, CHATLINE_INFO, "  offline");
    for (size_t i = 0; i < it->nres; i++) {
        const struct roster_resource *r = &it->res[i];
        ui_info(ui, w, CHATLINE_INFO, "  resource %s: %s%s%s%s, priority %d, client %s", r->name,
                presence_show_name(r->show), r->status ? " \"" : "", r->status ? r->status : "",
                r->status ? "\"" : "", r->priority, r->client ? r->client : "unknown");
    }
}

/* Only the typed word "remove" removes, and nothing else on the line
 * (not even a space before it: "d remove" is no answer): no stray
 * letter, and no sentence typed into the roster by mistake, can be it. */
static void answer_remove(struct ui *ui, const char *jid, const char *text)
{
    char who[600];
    if (text && strcasecmp(text, "remove") == 0) {
        cmd_roster_set(ui, CMD_ROSTER_REMOVE, jid, NULL);
        return;
    }
    ui_status_note(ui, "not removed: %s%s", ui_contact_who(ui, jid, who, sizeof who),
                   text && text[0] ? " (only the word remove removes)" : "");
}

/* Enter on the name as it was (or on nothing) changes nothing. */
static void answer_rename(struct ui *ui, const char *jid, const char *text)
{
    const struct roster_item *it = roster_find(session_roster(ui->session), jid);
    const char *old = it && it->name ? it->name : "";
    char who[600];
    if (text && text[0] && strcmp(text, old) != 0)
        cmd_roster_set(ui, CMD_ROSTER_RENAME, jid, text);
    else
        ui_status_note(ui, "not renamed: %s", ui_contact_who(ui, jid, who, sizeof who));
}

void ui_prompt_answer(struct ui *ui, const char *answer)
{
    enum ui_prompt p = ui->prompt;
    /* The keys go back where they were: the roster, maybe (see ui.c). */
    ui_dirty(ui, UI_DIRTY_INPUT | UI_DIRTY_ROSTER | UI_DIRTY_TITLE);
    if (ui_prompt_is_secret(p) || p == UI_PROMPT_STORE) {
        ui_secret_answer(ui, p, answer);
        return;
    }
    char *jid = ui->prompt_jid;
    char *text = answer ? strdup(answer) : NULL;
    ui->prompt = UI_PROMPT_NONE;
    ui->prompt_jid = NULL;
    input_clear(ui->in);
    ui_dirty(ui, UI_DIRTY_INPUT);
    if (p == UI_PROMPT_ADD && text && text[0]) {
        char *sp = strchr(text, ' ');
        if (sp)
            *sp++ = '\0';
        cmd_roster_set(ui, CMD_ROSTER_ADD, text, sp && *sp ? sp : NULL);
    } else if (p == UI_PROMPT_REMOVE && jid) {
        answer_remove(ui, jid, text);
    } else if (p == UI_PROMPT_RENAME && jid) {
        answer_rename(ui, jid, text);
    }
    free(text);
    free(jid);
}

/* ---- tab completion ---- */

/* Tab completes what the word under the cursor takes: a command's name,
 * its subcommand, a contact's address (listed by name) where a JID goes,
 * a room where a room goes, and names or nicks in text. */

static void complete_commands(struct input_candidates *c, bool slash)
{
    for (size_t i = 0; commands_name(i); i++)
        input_candidates_add(c, commands_name(i) + (slash ? 0 : 1));
}

/* Where a JID goes: the contacts' addresses, found and listed by name
 * too; and the people of the open chat windows, who may not be on the
 * roster. */
static void complete_addresses(struct ui *ui, struct input_candidates *c)
{
    struct roster *r = session_roster(ui->session);
    for (size_t i = 0; i < roster_count(r); i++) {
        const struct roster_item *it = roster_at(r, i);
        if (it->in_roster)
            input_candidates_add_labelled(c, it->jid, it->name);
    }
    for (size_t i = 1; i < ui->wins.n; i++)
        if (ui->wins.w[i]->kind == CHATWIN_CHAT)
            input_candidates_add(c, ui->wins.w[i]->jid);
}

/* In text: names (as you would write them) and addresses. */
static void complete_names(struct ui *ui, struct input_candidates *c)
{
    struct roster *r = session_roster(ui->session);
    for (size_t i = 0; i < roster_count(r); i++) {
        const struct roster_item *it = roster_at(r, i);
        input_candidates_add(c, it->jid);
        if (it->name && it->name[0])
            input_candidates_add(c, it->name);
    }
    for (size_t i = 1; i < ui->wins.n; i++)
        if (ui->wins.w[i]->jid)
            input_candidates_add(c, ui->wins.w[i]->jid);
}

/* Where a room goes: the rooms we are in or have a window for, and the
 * bookmarks (found and listed by their name too). */
static void complete_rooms(struct ui *ui, struct input_candidates *c)
{
    for (size_t i = 0; i < session_muc_count(ui->session); i++)
        input_candidates_add(c, session_muc_at(ui->session, i)->jid);
    for (size_t i = 1; i < ui->wins.n; i++)
        if (ui->wins.w[i]->kind == CHATWIN_ROOM)
            input_candidates_add(c, ui->wins.w[i]->jid);
    const struct muc_bookmarks *b = session_bookmarks(ui->session);
    for (size_t i = 0; b && i < b->n; i++)
        input_candidates_add_labelled(c, b->items[i].jid, b->items[i].name);
}

/* Is the command line's first word "/NAME" (and its second SUB)? */
static bool command_is(const char *line, const char *name, const char *sub)
{
    size_t n = strlen(name);
    if (strncmp(line, name, n) != 0 || (line[n] != ' ' && line[n] != '\0'))
        return false;
    if (!sub)
        return true;
    const char *p = line + n;
    while (*p == ' ')
        p++;
    size_t m = strlen(sub);
    return strncmp(p, sub, m) == 0 && (p[m] == ' ' || p[m] == '\0');
}

/* The commands whose argument 1 is a JID (resolve.c reads it). */
static bool takes_jid(const char *line)
{
    static const char *const cmds[] = {"/msg",  "/info",        "/vcard",     "/version",
                                       "/ping", "/disco",       "/subscribe", "/authorize",
                                       "/deny", "/unsubscribe", "/invite"};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (command_is(line, cmds[i], NULL))
            return !command_is(line, "/vcard", "set");
    return false;
}

/* A command line: true when it was one (even with nothing to offer). */
static bool complete_command_args(struct ui *ui, const char *line, int word_index,
                                  struct input_candidates *c)
{
    static const char *const shows[] = {"online", "chat", "away", "xa", "dnd"};
    static const char *const roster_subs[] = {"add", "remove", "rename", "group"};
    static const char *const bookmark_subs[] = {"list", "remove"};
    static const char *const vcard_fields[] = {"FN",  "NICKNAME", "EMAIL", "URL", "BDAY",
                                               "TEL", "ORG",      "TITLE", "NOTE"};
    if (word_index == 1 && command_is(line, "/status", NULL)) {
        for (size_t i = 0; i < 5; i++)
            input_candidates_add(c, shows[i]);
    } else if (word_index == 1 && command_is(line, "/roster", NULL)) {
        for (size_t i = 0; i < 4; i++)
            input_candidates_add(c, roster_subs[i]);
    } else if (word_index == 2 && command_is(line, "/roster", NULL)) {
        complete_addresses(ui, c);
    } else if (word_index == 1 && command_is(line, "/help", NULL)) {
        complete_commands(c, false);
    } else if (word_index == 1 && command_is(line, "/bookmark", NULL)) {
        for (size_t i = 0; i < 2; i++)
            input_candidates_add(c, bookmark_subs[i]);
    } else if ((word_index == 1 && command_is(line, "/join", NULL)) ||
               (word_index == 2 && command_is(line, "/bookmark", "remove"))) {
        complete_rooms(ui, c);
    } else if (word_index == 1 && takes_jid(line)) {
        complete_addresses(ui, c);
        /* In a room, /msg + Tab also offers its occupants, privately. */
        if (command_is(line, "/msg", NULL))
            ui_room_complete_private(ui, c);
    } else if (word_index == 2 && command_is(line, "/vcard", "set")) {
        for (size_t i = 0; i < sizeof vcard_fields / sizeof vcard_fields[0]; i++)
            input_candidates_add(c, vcard_fields[i]);
    } else {
        return false; /* text (a message, a reason, a topic) */
    }
    return true;
}

void ui_complete(void *ud, const char *line, size_t word_start, int word_index,
                 struct input_candidates *c)
{
    struct ui *ui = ud;
    if (word_index == 0 && line[0] == '/') {
        complete_commands(c, true);
        return;
    }
    if (line[0] == '/' && line[1] != '/' && complete_command_args(ui, line, word_index, c))
        return;
    if (!ui_room_complete(ui, word_index, c))
        complete_names(ui, c);
}

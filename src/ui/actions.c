/* SPDX-License-Identifier: GPL-3.0-or-later */
/* actions.c - what the user's chats need: names shown for contacts, a
 * chat window opened with its recent history, text sent and kept, a
 * line from the input line handed to its command (cmds.c) or said, and
 * the roster pane's actions (details, and the answers to its add, remove
 * and rename prompts). */
#include "core/files.h"
#include "core/pins.h"
#include "ui/ui_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ui/commands.h"
#include "ui/resolve.h"
#include "xmpp/jid.h"

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
    const struct roster_item *it = roster_find(session_roster(ui->a->session), bare_jid);
    if (it && it->name && it->name[0])
        snprintf(buf, len, "%s", it->name);
    else
        local_part(bare_jid, buf, len);
    return buf;
}

const char *ui_contact_who(struct ui *ui, const char *bare_jid, char *buf, size_t len)
{
    const struct roster_item *it = roster_find(session_roster(ui->a->session), bare_jid);
    if (it && it->name && it->name[0] && strcmp(it->name, bare_jid) != 0)
        snprintf(buf, len, "%s (%s)", it->name, bare_jid);
    else
        snprintf(buf, len, "%s", bare_jid);
    return buf;
}

const char *ui_self_nick(struct ui *ui, char *buf, size_t len)
{
    local_part(session_bare_jid(ui->a->session), buf, len);
    return buf;
}

/* ---- chats ---- */

/* XEP-0245: a body starting with "/me " is an action. */
const char *ui_action_text(const char *body)
{
    return strncmp(body, "/me ", 4) == 0 && body[4] ? body + 4 : NULL;
}

/* A correction replaces the whole body (XEP-0308), so it is an action
 * only if it says "/me" itself (issue 9: correcting an action showed the
 * correction as one, while the peer saw plain text). */
void ui_correct_line(struct ui *ui, struct chatline *l, const char *body)
{
    const char *act = ui_action_text(body);
    char *hidden = files_hide_keys(act ? act : body); /* aesgcm:// keys stay off the screen */
    chatwin_correct(l, hidden ? hidden : act ? act : body, act != NULL);
    free(hidden);
    ui_dirty(ui, UI_DIRTY_CHAT);
}

struct chatwin *ui_open_chat(struct ui *ui, const char *bare_jid, bool focus)
{
    char name[256];
    bool created;
    ui_contact_name(ui, bare_jid, name, sizeof name);
    struct chatwin *w = chatwins_open(&ui->wins, bare_jid, name, &created);
    if (created)
        ui_history_open(ui, w);
    if (focus) {
        size_t idx;
        chatwins_find(&ui->wins, bare_jid, &idx);
        ui_select_window(ui, idx);
    }
    ui_dirty(ui, UI_DIRTY_STATUS);
    return w;
}

void ui_send_text(struct ui *ui, struct chatwin *w, const char *text)
{
    char id[64], nick[256];
    int encrypted = ui_omemo_send(ui, w, text, NULL, id, sizeof id);
    if (encrypted < 0)
        return; /* not sent, and said why: never plaintext by accident */
    int rc = encrypted ? encrypted - 1 /* 1: held in the outbox */
                       : session_send_message(ui->a->session, w->jid, NULL, text, NULL, id, sizeof id);
    if (rc < 0) {
        ui_info(ui, w, CHATLINE_ERROR, "not sent: the text is not valid XML text");
        return;
    }
    time_t now = time(NULL);
    ui_typing_sent(ui, w->jid);
    ui_keep_message(ui, &(struct keep){.conv = w->jid, .from = session_bare_jid(ui->a->session),
                                       .text = text, .stamp = now, .out = true, .sent_id = id,
                                       .pending = rc == 1, .encrypted = encrypted > 0});
    w->scroll = 0; /* what you say, you see */
    struct chatline *l = ui_show_message(ui, w, now, true, ui_self_nick(ui, nick, sizeof nick),
                                         text, id);
    if (l) {
        l->pending = rc == 1; /* held until we are online: the outbox */
        l->encrypted = encrypted > 0;
    }
    ui_dirty(ui, UI_DIRTY_TITLE);
}

/* ---- the input line ---- */

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
    else if (c.entry)
        ui_run_command(ui, &c);
    else
        ui_say(ui, c.arg[0]);
    commands_clear(&c);
    ui_dirty(ui, UI_DIRTY_STATUS | UI_DIRTY_TITLE);
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
    const struct roster_item *it = roster_find(session_roster(ui->a->session), jid);
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
void ui_answer_remove(struct ui *ui, enum ui_prompt p, const char *jid, const char *text)
{
    (void)p;
    char who[600];
    if (text && strcasecmp(text, "remove") == 0) {
        ui_roster_change(ui, UI_ROSTER_REMOVE, jid, NULL);
        return;
    }
    ui_status_note(ui, "not removed: %s%s", ui_contact_who(ui, jid, who, sizeof who),
                   text && text[0] ? " (only the word remove removes)" : "");
}

/* Enter on the name as it was (or on nothing) changes nothing. */
void ui_answer_rename(struct ui *ui, enum ui_prompt p, const char *jid, const char *text)
{
    (void)p;
    const struct roster_item *it = roster_find(session_roster(ui->a->session), jid);
    const char *old = it && it->name ? it->name : "";
    char who[600];
    if (text && text[0] && strcmp(text, old) != 0)
        ui_roster_change(ui, UI_ROSTER_RENAME, jid, text);
    else
        ui_status_note(ui, "not renamed: %s", ui_contact_who(ui, jid, who, sizeof who));
}

/* "JID [NAME]"; nothing typed adds nobody. */
void ui_answer_add(struct ui *ui, enum ui_prompt p, const char *jid, const char *text)
{
    (void)p;
    (void)jid;
    if (!text || !text[0])
        return;
    char *line = strdup(text);
    if (!line)
        return;
    char *sp = strchr(line, ' ');
    if (sp)
        *sp++ = '\0';
    ui_roster_change(ui, UI_ROSTER_ADD, line, sp && *sp ? sp : NULL);
    free(line);
}

/* As removing: only the typed word "block" blocks. */
void ui_answer_block(struct ui *ui, enum ui_prompt p, const char *jid, const char *text)
{
    (void)p;
    char who[600];
    if (text && strcasecmp(text, "block") == 0)
        ui_block(ui, jid);
    else
        ui_status_note(ui, "not blocked: %s", ui_contact_who(ui, jid, who, sizeof who));
}

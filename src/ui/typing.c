/* SPDX-License-Identifier: GPL-3.0-or-later */
/* typing.c - telling a chat partner that we type (XEP-0085 §5).
 *
 * Keys typed into a chat window (text, not a command) say "composing",
 * repeated at most once per 10 s while the typing goes on. Each batch of
 * keys re-arms a one-shot timer: 5 s without a key say "paused". Nothing
 * ticks while the user is idle, so an idle client still makes no wakeups.
 * "active" needs no message of its own: every chat message we send
 * carries it. Only chats get states, never the status window or the XML
 * console. */
#include "ui/ui_int.h"

#include <stdlib.h>
#include <string.h>

#include "ui/xalloc.h"

#define COMPOSING_EVERY_MS 10000
#define PAUSED_AFTER_MS 5000

static void on_paused(uv_timer_t *t)
{
    struct ui *ui = t->data;
    if (ui->typing_to && ui->composing)
        session_send_chatstate(ui->typing_acct->session, ui->typing_to, "paused");
    ui->composing = false;
}

/* Text for the chat, as opposed to a command ("//" says "/..."). */
static bool typing_text(struct ui *ui)
{
    const char *t = input_text(ui->in);
    if (input_len(ui->in) == 0 || ui->prompt != UI_PROMPT_NONE || ui->focus != UI_FOCUS_INPUT)
        return false;
    return t[0] != '/' || t[1] == '/';
}

void ui_typing_keys(struct ui *ui)
{
    struct chatwin *w = chatwins_current(&ui->wins);
    if (w->kind != CHATWIN_CHAT || !w->jid || !typing_text(ui) ||
        session_state(ui->a->session) != SESSION_ONLINE)
        return;
    uint64_t now = uv_now(ui->loop);
    bool same = ui->typing_to && ui->typing_acct == ui->a && strcmp(ui->typing_to, w->jid) == 0;
    if (!same) {
        if (ui->typing_to && ui->composing)
            session_send_chatstate(ui->typing_acct->session, ui->typing_to, "paused");
        free(ui->typing_to);
        ui->typing_to = xalloc_strdup(w->jid);
        ui->typing_acct = ui->a;
        ui->composing = false;
    }
    if (!ui->composing || now - ui->composing_at >= COMPOSING_EVERY_MS) {
        if (session_send_chatstate(ui->a->session, w->jid, "composing") == 0) {
            ui->composing = true;
            ui->composing_at = now;
        }
    }
    uv_timer_start(&ui->typing_timer, on_paused, PAUSED_AFTER_MS, 0);
}

void ui_typing_sent(struct ui *ui, const char *jid)
{
    if (!ui->typing_to || ui->typing_acct != ui->a || strcmp(ui->typing_to, jid) != 0)
        return;
    uv_timer_stop(&ui->typing_timer);
    ui->composing = false;
    free(ui->typing_to);
    ui->typing_to = NULL;
}

void ui_typing_free(struct ui *ui)
{
    uv_timer_stop(&ui->typing_timer);
    free(ui->typing_to);
    ui->typing_to = NULL;
}

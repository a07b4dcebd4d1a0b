/* SPDX-License-Identifier: GPL-3.0-or-later */
/* omemo.c - end-to-end encryption as the user sees it: whether a chat is
 * encrypted (its title says [OMEMO] or [plaintext]), the "~" mark on
 * every encrypted line, /omemo on|off, fingerprints and trust, and the
 * rule that nothing goes out in plaintext by accident: in a chat where
 * OMEMO is on, a message that cannot be encrypted is not sent, the user
 * is told why, and the text goes back on the input line.
 *
 * /omemo on|off is kept per chat in the message store (core/store.c,
 * table chat_omemo, which says why there), read the first time a chat
 * window needs it, so that it holds after a restart.
 *
 * The cryptography and the protocol are core/omemochat.c's; this file
 * only calls it and shows what it says. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/omemochat.h"
#include "core/omemowait.h"
#include "core/store.h"
#include "ui/ui_int.h"
#include "ui/xalloc.h"
#include "xmpp/jid.h"

void ui_set_omemo(struct ui *ui, struct omemochat *oc, const char *why_not)
{
    ui->a->omemo = oc;
    snprintf(ui->a->omemo_off, sizeof ui->a->omemo_off, "%s",
             oc                      ? ""
             : why_not && why_not[0] ? why_not
                                     : "OMEMO is off");
    if (why_not && why_not[0])
        ui_info(ui, NULL, CHATLINE_INFO, "%s", why_not);
}

static void omemo_notice(struct ui *ui, const char *jid, const char *text);

void ui_omemo_notice(struct ui *ui, size_t acct, const char *jid, const char *text)
{
    struct ui_acct *was = ui->a;
    if (acct < ui->naccts)
        ui_use_account(ui, ui->accts[acct]);
    omemo_notice(ui, jid, text);
    ui_use_account(ui, was);
}

static void omemo_notice(struct ui *ui, const char *jid, const char *text)
{
    struct chatwin *w = jid ? chatwins_find(&ui->wins, jid, NULL) : NULL;
    /* A first message from a new device opens its chat a moment later:
     * the notice waits for it (ui_omemo_flush). */
    for (size_t i = 0; !w && jid && ui->omemo_receiving && i < 4; i++) {
        if (ui->omemo_notes[i])
            continue;
        size_t n = strlen(jid) + strlen(text) + 2;
        ui->omemo_notes[i] = xalloc_realloc(NULL, n);
        snprintf(ui->omemo_notes[i], n, "%s\t%s", jid, text);
        return;
    }
    ui_info(ui, w, CHATLINE_INFO, "%s", text);
}

void ui_omemo_flush(struct ui *ui)
{
    for (size_t i = 0; i < 4; i++) {
        char *note = ui->omemo_notes[i];
        char *tab = note ? strchr(note, '\t') : NULL;
        if (!tab)
            continue;
        *tab = '\0';
        ui_info(ui, chatwins_find(&ui->wins, note, NULL), CHATLINE_INFO, "%s", tab + 1);
        free(note);
        ui->omemo_notes[i] = NULL;
    }
}

/* The chat's /omemo on (1) or off (-1), or 0 (the default), as given in
 * this run or an earlier one. */
static int chat_mode(struct ui *ui, struct chatwin *w)
{
    if (!w->omemo_read && w->jid && ui->store) {
        w->omemo = store_chat_omemo(ui->store, session_bare_jid(ui->a->session), w->jid);
        w->omemo_read = true;
    }
    return w->omemo;
}

/* A chat, or a room (OMEMO in rooms: core/omemochat.c). */
static bool e2e_window(const struct chatwin *w)
{
    return w && (w->kind == CHATWIN_CHAT || w->kind == CHATWIN_ROOM) && w->jid;
}

bool ui_omemo_on(struct ui *ui, struct chatwin *w)
{
    if (!e2e_window(w) || chat_mode(ui, w) < 0)
        return false;
    return w->omemo > 0 || (ui->a->omemo && omemochat_has_devices(ui->a->omemo, w->jid) == 1);
}

const char *ui_omemo_tag(struct ui *ui, struct chatwin *w)
{
    if (!w || w->kind != CHATWIN_CHAT || !w->jid)
        return ""; /* a room's title says it itself (ui_room_title) */
    return ui_omemo_on(ui, w) ? " [OMEMO]" : " [plaintext]";
}

static int refuse(struct ui *ui, struct chatwin *w, const char *text, const char *why)
{
    ui_info(ui, w, CHATLINE_ERROR, "not sent (OMEMO is on in this %s): %s",
            w->kind == CHATWIN_ROOM ? "room" : "chat", why);
    if (!input_text(ui->in)[0])
        input_set_text(ui->in, text);
    ui_dirty(ui, UI_DIRTY_INPUT);
    return -1;
}

int ui_omemo_send(struct ui *ui, struct chatwin *w, const char *text, const char *replace_id,
                  char *id_out, size_t id_len)
{
    if (!e2e_window(w) || chat_mode(ui, w) < 0)
        return 0;
    /* Offline, the outbox takes plain messages, and encrypted ones once
     * encrypted: the ratchet is local, so that works whenever the
     * contact's devices and our sessions with them are known. Without
     * them nothing can be encrypted until we are online, and nothing
     * goes in clear: the text stays on the input line. */
    bool online = session_state(ui->a->session) == SESSION_ONLINE;
    /* A room's readers are known only while we are in it. */
    if (!online && w->kind == CHATWIN_ROOM && ui_omemo_on(ui, w))
        return refuse(ui, w, text, "you are not online, and who can read the room is known only "
                                   "in it: send it after the rejoin");
    if (!online) {
        int has = w->omemo > 0 || !ui->a->omemo ? 1 : omemochat_has_devices(ui->a->omemo, w->jid);
        if (w->omemo == 0 && (!ui->a->omemo || has == 0))
            return 0;
        if (ui->a->omemo && (has < 0 || omemochat_busy(ui->a->omemo, w->jid) ||
                             !omemochat_ready(ui->a->omemo, w->jid))) {
            /* Its keys come only once we are online: it waits as text
             * (core/omemowait.c) and is encrypted then, never sent in
             * clear. */
            if (replace_id || !id_out)
                return refuse(ui, w, text,
                              "you are not online, and the OMEMO keys it needs are not all "
                              "here yet: it can be encrypted once you are online");
            if (omemowait_add(ui->store, ui->a->session, w->jid, text, id_out, id_len) < 0)
                return refuse(ui, w, text,
                              "you are not online, the OMEMO keys it needs are not here yet, "
                              "and the message store could not keep it until then");
            return 2;
        }
    }
    if (!ui->a->omemo)
        return w->omemo > 0 ? refuse(ui, w, text, ui->a->omemo_off) : 0;
    int has = omemochat_has_devices(ui->a->omemo, w->jid);
    if (w->omemo == 0 && has == 0)
        return 0;
    if (online && omemochat_busy(ui->a->omemo, w->jid)) {
        /* The first message to a contact waits for its device list and
         * bundles: it goes when they are in (ui_omemo_event). */
        if (w->omemo_pending || replace_id)
            return refuse(ui, w, text, "the message before is still waiting for the keys");
        w->omemo_pending = xalloc_strdup(text);
        omemochat_prepare(ui->a->omemo, w->jid);
        ui_info(ui, w, CHATLINE_INFO, "fetching the OMEMO keys of %s%s; the message goes out then",
                w->kind == CHATWIN_ROOM ? "the members of " : "", w->jid);
        return -1;
    }
    char err[512] = "";
    int rc = omemochat_send(ui->a->omemo, w->jid, text, replace_id, id_out, id_len, err, sizeof err);
    return rc < 0 ? refuse(ui, w, text, err) : rc == 1 ? 2 : 1;
}

void ui_omemo_event(struct ui *ui, const struct session_event *ev)
{
    (void)ev;
    for (size_t i = 0; ui->a->omemo && i < ui->wins.n; i++) {
        struct chatwin *w = ui->wins.w[i];
        if (!w->omemo_pending || omemochat_busy(ui->a->omemo, w->jid))
            continue;
        char *text = w->omemo_pending;
        w->omemo_pending = NULL;
        if (w->kind == CHATWIN_ROOM)
            ui_room_say(ui, w, text);
        else
            ui_send_text(ui, w, text);
        free(text);
    }
    ui_files_omemo_ready(ui);
    ui_dirty(ui, UI_DIRTY_TITLE);
}

bool ui_omemo_receive(struct ui *ui, const struct session_message *m, char **plain)
{
    *plain = NULL;
    if (!ui->a->omemo)
        return false; /* the fallback body is shown, as any client without OMEMO */
    char err[600] = "";
    ui->omemo_receiving = true;
    int rc = omemochat_decrypt(ui->a->omemo, m, plain, err, sizeof err);
    ui->omemo_receiving = false;
    if (rc == 0) {
        if (!*plain)
            ui_omemo_flush(ui);
        return *plain == NULL;
    }
    /* From the archive: a copy of what we read live is already kept; one
     * that was not for this device (older than it, or a failure) shows
     * its fallback text, as before, with no line about it. */
    if (m->archived) {
        for (size_t i = 0; i < 4; i++) {
            free(ui->omemo_notes[i]);
            ui->omemo_notes[i] = NULL;
        }
        return rc == -2;
    }
    const char *peer_full = m->ours || m->carbon_sent ? m->to : m->from;
    char *peer = peer_full ? jid_bare_of(peer_full) : NULL;
    bool groupchat = m->type && strcmp(m->type, "groupchat") == 0;
    struct chatwin *w = !peer        ? NULL
                        : groupchat ? ui_room_window(ui, peer, false)
                                    : ui_open_chat(ui, peer, false);
    ui_omemo_flush(ui);
    ui_info(ui, w, CHATLINE_ERROR, "%s", err);
    free(peer);
    return true;
}

void ui_omemo_set(struct ui *ui, bool on)
{
    struct chatwin *w = chatwins_current(&ui->wins);
    if (!e2e_window(w)) {
        ui_status_error(ui, "/omemo on|off works in a chat or room window");
        return;
    }
    if (on && !ui->a->omemo) {
        ui_status_error(ui, "%s", ui->a->omemo_off);
        return;
    }
    w->omemo = on ? 1 : -1;
    w->omemo_read = true;
    if (on)
        omemochat_prepare(ui->a->omemo, w->jid);
    bool kept = ui->store &&
                store_set_chat_omemo(ui->store, session_bare_jid(ui->a->session), w->jid, w->omemo) == 0;
    const char *where = w->kind == CHATWIN_ROOM ? "room" : "chat";
    ui_info(ui, w, CHATLINE_INFO, "%s%s%s%s",
            on ? "OMEMO is on in this " : "OMEMO is off in this ", where,
            on ? ": messages that cannot be encrypted are not sent"
               : ": messages are sent in plaintext",
            kept ? "" : " (for this run only: the message store could not keep it)");
    /* Said now, not at the next message: on, such a room takes none. */
    if (on && w->kind == CHATWIN_ROOM && omemochat_has_devices(ui->a->omemo, w->jid) == 0)
        ui_info(ui, w, CHATLINE_ERROR,
                "this room is not members-only and non-anonymous, so nothing can be encrypted "
                "for it: messages here are not sent until it is (/omemo off sends in plaintext)");
    ui_dirty(ui, UI_DIRTY_TITLE);
}

void ui_omemo_fingerprints(struct ui *ui, const char *jid)
{
    if (!ui->a->omemo) {
        ui_status_error(ui, "%s", ui->a->omemo_off);
        return;
    }
    struct chatwin *w = chatwins_current(&ui->wins);
    if (!jid && w && w->kind == CHATWIN_CHAT)
        jid = w->jid;
    char *lines = omemochat_fingerprints(ui->a->omemo, jid);
    for (char *line = lines, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        ui_info(ui, w, CHATLINE_INFO, "OMEMO %s", line); /* where it was asked */
        if (!next)
            break;
    }
    free(lines);
}

void ui_omemo_trust(struct ui *ui, const char *jid, const char *fp, bool trust)
{
    char err[400];
    if (!ui->a->omemo) {
        ui_status_error(ui, "%s", ui->a->omemo_off);
        return;
    }
    struct chatwin *w = chatwins_current(&ui->wins);
    if (omemochat_trust(ui->a->omemo, jid, fp, trust, err, sizeof err) < 0) {
        ui_info(ui, w, CHATLINE_ERROR, "%s", err);
        return;
    }
    ui_info(ui, w, CHATLINE_INFO, "OMEMO: %s's device with fingerprint %s is now %s", jid, fp,
            trust ? "verified" : "untrusted: nothing is encrypted for it");
    ui_dirty(ui, UI_DIRTY_TITLE);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* history.c - chat windows and the message store (core/store.c).
 *
 * Every message is kept before it is shown. A failed write is said once
 * per streak of failures and the message is still shown; a message the
 * store has already (a carbon, an offline copy, a room's history replayed
 * on rejoin, an archived copy) is not shown a second time.
 *
 * A window opens with its newest HISTORY_PAGE messages from the store, so
 * opening a chat costs the same with ten messages or a million. PgUp at
 * the top reads the page before them; when the store has nothing older,
 * the window asks the server's archive (XEP-0313) for the page before the
 * oldest archive id we hold, and its title says "loading" until the
 * answer is in the store; nothing waits for it. Messages that the
 * archive's catch-up brings land in their place by time in the windows
 * already open, without the bell (they are old news). */
#include "ui/ui_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/files.h"
#include "core/keep.h"
#include "core/store.h"
#include "ui/xalloc.h"
#include "xmpp/jid.h"

#define HISTORY_PAGE 100
#define ARCHIVE_PAGE 50

struct chatline *ui_show_message(struct ui *ui, struct chatwin *w, time_t stamp, bool out,
                                 const char *nick, const char *body, const char *id)
{
    const char *act = ui_action_text(body);
    struct chatline *l = ui_add_msg(ui, w, stamp, out ? CHATLINE_OUT : CHATLINE_IN, nick,
                                    act ? act : body, id, act != NULL);
    if (l)
        l->encrypted = ui->encrypted_now;
    return l;
}

bool ui_keep_message(struct ui *ui, const struct keep *k)
{
    char err[8400] = "";
    if (!ui->store)
        return true;
    /* A window opened at a search result reads its newest page first, so
     * that the new line lands after them. */
    struct chatwin *open = chatwins_find(&ui->wins, k->conv, NULL);
    if (open && open->newer_in_store)
        ui_history_newest(ui, open);
    struct keep marked = *k;
    marked.encrypted |= ui->encrypted_now;
    int rc = keep_message(ui->store, session_bare_jid(ui->a->session), &marked, err, sizeof err);
    if (rc == STORE_DUPLICATE)
        return false;
    bool ok = rc == STORE_ADDED;
    /* Said where the user looks, once per streak of failures: the
     * messages themselves are still shown. */
    if (!ok && !ui->history_failing)
        ui_status_error(ui, "%s; messages are shown, and kept again once this is fixed", err);
    else if (ok && ui->history_failing)
        ui_info(ui, NULL, CHATLINE_INFO, "history is written again");
    ui->history_failing = !ok;
    return true;
}

/* ---- reading back ---- */

struct page {
    struct ui *ui;
    struct chatwin *w;
    size_t at; /* where the next line goes */
    int n;
    long long first;
};

static void on_stored(void *ud, const struct store_msg *m)
{
    struct page *p = ud;
    struct ui *ui = p->ui;
    char nick[256];
    bool out = m->dir == STORE_OUT;
    if (out)
        ui_self_nick(ui, nick, sizeof nick);
    else if (m->type == STORE_GROUPCHAT || p->w->kind == CHATWIN_ROOM)
        snprintf(nick, sizeof nick, "%s", m->sender);
    else
        ui_contact_name(ui, p->w->jid, nick, sizeof nick);
    if (p->w->kind == CHATWIN_ROOM && out)
        snprintf(nick, sizeof nick, "%s", m->sender);
    const char *act = ui_action_text(m->body);
    /* Links numbered for /download as live ones are (aesgcm:// keys
     * stay off the screen); a page older than the window's first is not
     * the newest. */
    char *hidden = ui_files_mark_as(ui, act ? act : m->body, p->w->first_rowid == 0);
    const char *text = hidden ? hidden : act ? act : m->body;
    time_t stamp = (time_t)(m->server_ts ? m->server_ts : m->local_ts);
    struct chatline *l = chatwin_insert_msg(p->w, p->at, stamp, out ? CHATLINE_OUT : CHATLINE_IN,
                                            nick, text, m->msg_id, act != NULL);
    if (l && m->edited)
        chatwin_correct(l, text, act != NULL);
    free(hidden);
    if (!l)
        return; /* the window is full: older lines are in /search and exports */
    l->delivered = m->state == STORE_DELIVERED;
    l->failed = m->state == STORE_FAILED; /* "(not sent)" */
    l->encrypted = m->encrypted;
    if (p->n++ == 0)
        p->first = m->rowid;
    p->at++;
}

/* Reads the page before the window's oldest line into its top. */
static int read_page(struct ui *ui, struct chatwin *w)
{
    struct page p = {ui, w, 0, 0, 0};
    int n = store_recent(ui->store, session_bare_jid(ui->a->session), w->jid, w->first_rowid,
                         HISTORY_PAGE, on_stored, &p);
    if (p.n > 0)
        w->first_rowid = p.first;
    w->older_in_store = n == HISTORY_PAGE;
    if (n > 0)
        ui_dirty(ui, UI_DIRTY_CHAT | UI_DIRTY_TITLE);
    return n;
}

void ui_history_open(struct ui *ui, struct chatwin *w)
{
    w->older_in_archive = true;
    if (ui->store)
        w->mark_new = read_page(ui, w) > 0;
}

/* Asks the archive for the page before the oldest archive id we hold. */
static void ask_archive(struct ui *ui, struct chatwin *w)
{
    char before[256];
    const char *self = session_bare_jid(ui->a->session);
    bool room = w->kind == CHATWIN_ROOM;
    const char *archive = room ? w->jid : self;
    store_oldest_archive_id(ui->store, self, w->jid, archive, before, sizeof before);
    struct session_mam_query q = {
        .archive = room ? w->jid : NULL,
        .with = room ? NULL : w->jid,
        .before_id = before,
        .max = ARCHIVE_PAGE,
    };
    if (session_mam_query(ui->a->session, &q, w->archive_qid, sizeof w->archive_qid) != 0)
        w->archive_qid[0] = '\0';
    ui_dirty(ui, UI_DIRTY_TITLE);
}

void ui_history_older(struct ui *ui, struct chatwin *w)
{
    if (!ui->store || (w->kind != CHATWIN_CHAT && w->kind != CHATWIN_ROOM) || w->archive_qid[0])
        return;
    if (w->older_in_store && read_page(ui, w) > 0)
        return;
    if (w->older_in_archive && session_state(ui->a->session) == SESSION_ONLINE)
        ask_archive(ui, w);
}

/* A window's own archive query ended: what it brought is in the store. */
static void archive_page_done(struct ui *ui, struct chatwin *w, const struct session_event *ev)
{
    const char *how = ev->sub_type ? ev->sub_type : "";
    w->archive_qid[0] = '\0';
    ui_dirty(ui, UI_DIRTY_TITLE);
    if (strcmp(how, "error") == 0) {
        w->older_in_archive = false;
        ui_info(ui, w, CHATLINE_INFO, "no older messages from the server's archive (%s)",
                ev->condition ? ev->condition : "refused");
        return;
    }
    w->older_in_archive = strcmp(how, "complete") != 0;
    if (read_page(ui, w) == 0 && !w->older_in_archive)
        ui_info(ui, w, CHATLINE_INFO, "this is the beginning of the conversation");
}

void ui_history_mam_event(struct ui *ui, const struct session_event *ev)
{
    for (size_t i = 0; ev->id && i < ui->wins.n; i++) {
        struct chatwin *w = ui->wins.w[i];
        if (w->archive_qid[0] && strcmp(w->archive_qid, ev->id) == 0) {
            archive_page_done(ui, w, ev);
            return;
        }
    }
}

bool ui_history_wanted(struct ui *ui, const struct session_message *m)
{
    for (size_t i = 0; m->archive_qid && i < ui->wins.n; i++)
        if (strcmp(ui->wins.w[i]->archive_qid, m->archive_qid) == 0)
            return true;
    return false;
}

/* ---- /search ---- */

#define SEARCH_MAX 50

struct found {
    struct ui *ui;
    struct chatwin *w;
    int n;
    bool all; /* results from every conversation: each names its own */
};

static void forget_hits(struct ui *ui)
{
    for (int i = 0; i < ui->nhits; i++)
        free(ui->hit_conv[i]);
    ui->nhits = 0;
}

static void on_found(void *ud, const struct store_msg *m)
{
    struct found *f = ud;
    char when[32];
    time_t stamp = (time_t)(m->server_ts ? m->server_ts : m->local_ts);
    struct tm tm;
    localtime_r(&stamp, &tm);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
    char name[256];
    const char *who = m->dir == STORE_OUT         ? "you"
                      : m->type == STORE_GROUPCHAT ? m->sender
                                                   : ui_contact_name(f->ui, m->conv, name, sizeof name);
    struct ui *ui = f->ui;
    if (ui->nhits < UI_SEARCH_HITS) {
        ui->hit_conv[ui->nhits] = xalloc_strdup(m->conv);
        ui->hit_acct[ui->nhits] = ui->a;
        ui->hit_row[ui->nhits++] = m->rowid;
    }
    f->n++;
    char conv[300] = "";
    if (f->all && ui->naccts > 1)
        snprintf(conv, sizeof conv, "[%s %s] ", ui->a->name, m->conv);
    else if (f->all)
        snprintf(conv, sizeof conv, "[%s] ", m->conv);
    char *hidden = files_hide_keys(m->body);
    ui_info(f->ui, f->w, CHATLINE_INFO, "  %d. %s %s%s> %s", f->n, when, conv, who,
            hidden ? hidden : m->body);
    free(hidden);
}

void ui_search(struct ui *ui, const char *text, bool all)
{
    struct chatwin *w = chatwins_current(&ui->wins);
    const char *conv = all ? NULL : w->jid;
    if (!ui->store) {
        ui_status_error(ui, "/search: there is no message store (no data folder)");
        return;
    }
    if (!all && !conv) {
        ui_status_error(ui, "/search: open a chat or room first, or search all: /search -a TEXT");
        return;
    }
    struct found f = {ui, w, 0, all};
    forget_hits(ui);
    ui_info(ui, w, CHATLINE_INFO, "search for \"%s\" in %s, newest first (/goto N opens one):",
            text, conv ? conv : ui->naccts > 1 ? "every conversation of every account" : "every conversation");
    /* -a with several accounts: each account's results, one after the
     * other (in the order of the roster's sections). */
    struct ui_acct *was = ui->a;
    int rc = 0;
    for (size_t i = 0; i < ui->naccts && rc >= 0; i++) {
        if (!all && ui->accts[i] != was)
            continue;
        ui_use_account(ui, ui->accts[i]);
        rc = store_search(ui->store, session_bare_jid(ui->a->session), conv, text, SEARCH_MAX,
                          on_found, &f);
    }
    ui_use_account(ui, was);
    if (rc < 0)
        ui_info(ui, w, CHATLINE_ERROR, "search failed: the message store could not be read");
    else if (f.n == 0)
        ui_info(ui, w, CHATLINE_INFO, "  nothing found");
}

void ui_search_free(struct ui *ui)
{
    forget_hits(ui);
}

/* The conversation's window: a room's if we are in it, else a chat. */
static struct chatwin *conv_window(struct ui *ui, const char *conv)
{
    size_t index;
    struct chatwin *w = chatwins_find(&ui->wins, conv, &index);
    if (w) {
        ui_select_window(ui, index);
        return w;
    }
    if (session_muc_room(ui->a->session, conv))
        return ui_room_window(ui, conv, true);
    return ui_open_chat(ui, conv, true);
}

/* Reads the page that ends at message rowid into an emptied window. */
static void read_until(struct ui *ui, struct chatwin *w, long long rowid)
{
    struct page p = {ui, w, 0, 0, 0};
    chatwin_clear(w);
    int n = store_until(ui->store, session_bare_jid(ui->a->session), w->jid, rowid, HISTORY_PAGE,
                        on_stored, &p);
    w->first_rowid = p.first;
    w->older_in_store = n == HISTORY_PAGE;
    w->older_in_archive = true;
    w->mark_new = false;
}

void ui_search_goto(struct ui *ui, int n)
{
    if (n < 1 || n > ui->nhits) {
        ui_status_error(ui, "/goto: no search result %d (%d listed by the last /search)", n,
                        ui->nhits);
        return;
    }
    if (ui->hit_acct[n - 1])
        ui_use_account(ui, ui->hit_acct[n - 1]); /* its account's window */
    struct chatwin *w = conv_window(ui, ui->hit_conv[n - 1]);
    read_until(ui, w, ui->hit_row[n - 1]);
    if (w->count > 0)
        chatwin_line(w, w->count - 1)->mention = true; /* drawn apart: the match */
    w->newer_in_store = true;
    ui_dirty(ui, UI_DIRTY_ALL);
}

void ui_history_newest(struct ui *ui, struct chatwin *w)
{
    if (!w->newer_in_store || !ui->store)
        return;
    w->newer_in_store = false;
    chatwin_clear(w);
    w->first_rowid = 0;
    read_page(ui, w);
    ui_dirty(ui, UI_DIRTY_CHAT | UI_DIRTY_TITLE);
}

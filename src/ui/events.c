/* SPDX-License-Identifier: GPL-3.0-or-later */
/* events.c - what the session tells us, shown; and auto-away.
 *
 * Session events only update the models (roster view, windows) and mark
 * what must be repainted; ui.c paints once per loop iteration. A message
 * is written to the history file before it is added to its window, and a
 * message for a chat that is not open opens it (without taking the
 * focus). New messages in hidden windows ring the bell and show in the
 * terminal title, for tmux's bell and activity monitors. A carbon of a
 * message another of our resources sent is our own line in the peer's
 * window, quietly; a receipt marks our line delivered; the peer's chat
 * state goes into the title; a subscription request waits, marked in the
 * roster, until it is answered (subreqs.c); every change of the roster
 * that the server pushes is said in the status window. Each failure is
 * said once, naming its condition once: the state it leads to does not
 * say it again. A presence is shown when it is news, not when the server
 * repeats it.
 *
 * Auto-away needs no polling: a one-shot timer re-armed by each key
 * notices idleness, and an inotify watch (uv_fs_event) on the tmux socket
 * notices detach and attach, because tmux clears the socket's
 * owner-execute bit while no client is attached. That bit is the whole
 * server's, so when it changes tmux is asked which sessions the clients
 * show: ours counts, the others do not. Only while another session has a
 * client (so that ours can gain or lose one without the bit changing) is
 * tmux asked again, every 5 s. The status window says why we went away;
 * the contacts see the configured message, or the user's own. */
#include "ui/ui_int.h"

#include "core/files.h"
#include "core/store.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ui/xalloc.h"
#include "xmpp/jid.h"

/* ---- auto-away ---- */

/* Auto-away holds for every account at once; each shows away only when
 * its own choice is online or chat (a "dnd" stays dnd). */
static bool want_auto_away(const struct ui *ui)
{
    return ui->idle || (ui->detached && !ui->detached_overruled);
}

static bool shows_away(const struct ui_acct *a, bool want)
{
    return want && (a->show == SHOW_ONLINE || a->show == SHOW_CHAT);
}

/* Why we are away, for the status window only: contacts see the
 * configured message, or the user's own, never "detached" (which would
 * tell them about tmux). */
static void say_auto_away(struct ui *ui, bool away)
{
    if (away && ui->detached)
        ui_info(ui, NULL, CHATLINE_INFO,
                "auto-away: no tmux client shows this session; online again when one attaches");
    else if (away)
        ui_info(ui, NULL, CHATLINE_INFO,
                "auto-away: no key for %u minutes; online again at the next key",
                ui->opt.autoaway_idle_s / 60);
    else
        ui_info(ui, NULL, CHATLINE_INFO, "back from auto-away: %s", presence_show_name(ui->a->show));
}

void ui_presence_apply(struct ui *ui)
{
    struct ui_acct *a = ui->a;
    if (shows_away(a, want_auto_away(ui)))
        session_set_presence(a->session, SHOW_AWAY,
                             ui->opt.autoaway_message ? ui->opt.autoaway_message : a->status,
                             a->priority);
    else
        session_set_presence(a->session, a->show, a->status, a->priority);
    ui_dirty(ui, UI_DIRTY_STATUS);
}

bool ui_autoaway_update(struct ui *ui)
{
    bool want = want_auto_away(ui);
    if (want == ui->auto_away || ui->naccts == 0)
        return false;
    ui->auto_away = want;
    struct ui_acct *was = ui->a;
    bool changed = false;
    for (size_t i = 0; i < ui->naccts; i++) {
        ui_use_account(ui, ui->accts[i]);
        changed |= shows_away(ui->a, true);
        ui_presence_apply(ui);
    }
    ui_use_account(ui, was);
    if (changed)
        say_auto_away(ui, want);
    return true;
}

void ui_autoaway_added(struct ui *ui)
{
    if (ui->naccts == 1)
        ui_autoaway_update(ui); /* the first: says so, as at start */
    else if (ui->auto_away)
        ui_presence_apply(ui);
}

static void on_idle(uv_timer_t *t)
{
    struct ui *ui = t->data;
    ui->idle = true;
    ui_autoaway_update(ui);
}

void ui_activity(struct ui *ui)
{
    if (ui->opt.autoaway_idle_s)
        uv_timer_start(&ui->idle_timer, on_idle, (uint64_t)ui->opt.autoaway_idle_s * 1000, 0);
    if (ui->idle) {
        ui->idle = false;
        ui_autoaway_update(ui);
    }
}

/* $TMUX is "socket-path,pid,session-id". */
static bool tmux_env(char *path, size_t len, char *session, size_t slen)
{
    const char *t = getenv("TMUX");
    if (!t || !t[0])
        return false;
    size_t n = strcspn(t, ",");
    if (n == 0 || n >= len)
        return false;
    memcpy(path, t, n);
    path[n] = '\0';
    const char *id = strrchr(t, ',');
    snprintf(session, slen, "$%s", id && id != t + n ? id + 1 : "");
    return true;
}

/* How many tmux clients show our session, and how many others: asked of
 * tmux itself (list-clients), because the socket's bit only tells
 * whether any client is attached to any session of that server. false
 * when tmux cannot say. Runs when the socket changes, and every 5 s only
 * while another session has a client. posix_spawn, not fork: libuv's
 * threads may hold locks a forked child would wait on forever. */
static bool tmux_clients(const char *socket, const char *session, unsigned *ours, unsigned *others)
{
    int fd[2];
    if (pipe(fd) != 0)
        return false;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, fd[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&fa, fd[0]);
    posix_spawn_file_actions_addclose(&fa, fd[1]);
    char *argv[] = {"tmux", "-S", (char *)socket, "list-clients", "-F", "#{session_id}", NULL};
    extern char **environ;
    pid_t pid;
    int rc = posix_spawnp(&pid, "tmux", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        close(fd[0]);
        close(fd[1]);
        return false;
    }
    close(fd[1]);
    char buf[8192];
    size_t len = 0;
    ssize_t n;
    while (len < sizeof buf - 1 &&
           ((n = read(fd[0], buf + len, sizeof buf - 1 - len)) > 0 || (n < 0 && errno == EINTR)))
        len += n > 0 ? (size_t)n : 0;
    close(fd[0]);
    buf[len] = '\0';
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return false;
    *ours = *others = 0;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
        (*(strcmp(line, session) == 0 ? ours : others))++;
    return true;
}

static void on_tmux_timer(uv_timer_t *t);

static void check_attached(struct ui *ui)
{
    char path[4096], session[64];
    struct stat st;
    unsigned ours = 0, others = 0;
    if (!tmux_env(path, sizeof path, session, sizeof session) || stat(path, &st) != 0)
        return;
    bool any = st.st_mode & S_IXUSR;
    bool asked = any && tmux_clients(path, session, &ours, &others);
    bool detached = asked ? ours == 0 : !any;
    /* The user's own choice made while detached holds until a client
     * shows up: the next detach is auto-away again. */
    if (!detached)
        ui->detached_overruled = false;
    ui->detached = detached;
    /* A client attaching to our session, or leaving it, while another
     * session keeps a client does not change the socket: ask again, but
     * only in that case. */
    if (asked && others > 0)
        uv_timer_start(&ui->tmux_timer, on_tmux_timer, 5000, 5000);
    else
        uv_timer_stop(&ui->tmux_timer);
    ui_autoaway_update(ui);
}

static void on_tmux_timer(uv_timer_t *t)
{
    check_attached(t->data);
}

static void on_tmux(uv_fs_event_t *h, const char *filename, int events, int status)
{
    if (status == 0)
        check_attached(h->data);
}

void ui_autoaway_start(struct ui *ui)
{
    char path[4096], session[64];
    if (ui->opt.autoaway_idle_s)
        uv_timer_start(&ui->idle_timer, on_idle, (uint64_t)ui->opt.autoaway_idle_s * 1000, 0);
    if (!ui->opt.autoaway_tmux || !tmux_env(path, sizeof path, session, sizeof session))
        return;
    uv_fs_event_init(ui->loop, &ui->tmux_watch);
    uv_timer_init(ui->loop, &ui->tmux_timer);
    ui->tmux_watch.data = ui->tmux_timer.data = ui;
    ui->open_handles += 2;
    ui->tmux_watching = true;
    if (uv_fs_event_start(&ui->tmux_watch, on_tmux, path, 0) != 0) {
        ui_info(ui, NULL, CHATLINE_INFO, "cannot watch the tmux socket: no away on detach");
        return;
    }
    /* Started in a detached session: nobody is there yet. */
    check_attached(ui);
}

void ui_autoaway_stop(struct ui *ui)
{
    uv_timer_stop(&ui->idle_timer);
    if (ui->tmux_watching) {
        uv_fs_event_stop(&ui->tmux_watch);
        uv_timer_stop(&ui->tmux_timer);
    }
}

/* ---- connection state ---- */

static void on_tick(uv_timer_t *t)
{
    ui_dirty(t->data, UI_DIRTY_STATUS);
}

void ui_update_reconnect_tick(struct ui *ui)
{
    if (session_state(ui->a->session) == SESSION_RECONNECT_WAIT)
        uv_timer_start(&ui->tick_timer, on_tick, 1000, 1000);
    else
        uv_timer_stop(&ui->tick_timer);
}

/* A failure comes as an error event and then as the reason of the state
 * it leads to; the error says it, and the status line shows the state. */
static void said_failure(struct ui *ui, const char *text)
{
    snprintf(ui->a->failure_said, sizeof ui->a->failure_said, "%s", text ? text : "");
}

static void on_state(struct ui *ui, const struct session_event *ev)
{
    const char *name = session_state_name(ev->state);
    bool said = ev->text && ui->a->failure_said[0] &&
                strncmp(ev->text, ui->a->failure_said, sizeof ui->a->failure_said - 1) == 0;
    ui->a->failure_said[0] = '\0';
    if (ev->state != SESSION_OFFLINE && ev->state != SESSION_CLOSING)
        ui->a->leaving = false;
    if (ev->state == SESSION_ONLINE || (ev->state == SESSION_OFFLINE && ui->a->leaving))
        ui->a->why_down[0] = '\0';
    else if (ev->text && ev->text[0])
        snprintf(ui->a->why_down, sizeof ui->a->why_down, "%s", ev->text);
    if (!said && ev->text && ev->text[0])
        ui_info(ui, NULL, CHATLINE_INFO, "%s: %s", name, ev->text);
    else if (!said)
        ui_info(ui, NULL, CHATLINE_INFO, "%s", name);
    /* The session marks everyone offline when the connection goes. */
    if (ev->state == SESSION_OFFLINE || ev->state == SESSION_RECONNECT_WAIT)
        rosterview_reload(ui->a->rv, session_roster(ui->a->session));
    ui_update_reconnect_tick(ui);
    ui_dirty(ui, UI_DIRTY_ALL);
    /* The session joins its rooms again after a reconnect; after going
     * offline it has forgotten them, and the next login autojoins. */
    if (ev->state == SESSION_ONLINE)
        ui_rooms_autojoin(ui);
    else if (ev->state == SESSION_OFFLINE)
        ui->a->autojoined = false;
    if (ev->state == SESSION_OFFLINE && ui->quitting && ui->opt.on_quit &&
        ui_accounts_connected(ui) == 0) {
        ui->quitting = false;
        ui->opt.on_quit(ui->opt.ud, 0);
    }
}

/* ---- roster and presence ---- */

static void subreq_refresh(struct ui *ui);

static void rename_window(struct ui *ui, const char *bare)
{
    struct chatwin *w = chatwins_find(&ui->wins, bare, NULL);
    char name[256];
    if (w && w->kind == CHATWIN_CHAT && !strchr(w->jid, '/')) /* not an occupant's (rooms.c) */
        chatwin_set_name(w, ui_contact_name(ui, bare, name, sizeof name));
}

/* The roster's ! marks follow the block list (XEP-0191). */
static void blocked_refresh(struct ui *ui)
{
    struct roster *r = session_roster(ui->a->session);
    for (size_t i = 0; i < roster_count(r); i++) {
        const char *jid = roster_at(r, i)->jid;
        rosterview_set_blocked(ui->a->rv, jid, session_is_blocked(ui->a->session, jid));
    }
    ui_dirty(ui, UI_DIRTY_ROSTER);
}

/* Every change of the block list is said, whichever client of ours made
 * it; the list itself at login only when it is not empty. */
static void on_blocking(struct ui *ui, const struct session_event *ev)
{
    char who[600] = "everyone";
    const char *jid = ev->jid && ev->jid[0] ? ev->jid : NULL;
    if (jid)
        ui_contact_who(ui, jid, who, sizeof who);
    if (strcmp(ev->sub_type, "blocked") == 0) {
        ui_info(ui, NULL, CHATLINE_INFO, "blocked %s", who);
    } else if (strcmp(ev->sub_type, "unblocked") == 0) {
        ui_info(ui, NULL, CHATLINE_INFO, "unblocked %s", who);
    } else if (strcmp(ev->sub_type, "refused") == 0) {
        ui_status_error(ui, "the server did not change the block list for %s: %s", who,
                        ev->condition ? ev->condition : "refused");
    } else {
        size_t n = 0;
        session_blocked(ui->a->session, &n);
        if (n)
            ui_info(ui, NULL, CHATLINE_INFO, "you block %zu address%s (/blocked lists them)", n,
                    n == 1 ? "" : "es");
    }
    blocked_refresh(ui);
}

static void on_roster(struct ui *ui)
{
    rosterview_reload(ui->a->rv, session_roster(ui->a->session));
    for (size_t i = 1; i < ui->wins.n; i++) {
        struct chatwin *w = ui->wins.w[i];
        if (!w->jid)
            continue; /* the XML console */
        rosterview_set_unread(ui->a->rv, w->jid, w->unread);
        rename_window(ui, w->jid);
    }
    subreq_refresh(ui);
    blocked_refresh(ui);
    ui_dirty(ui, UI_DIRTY_ROSTER | UI_DIRTY_TITLE | UI_DIRTY_STATUS);
}

/* The server confirms every roster change with a push, ours and those of
 * our other clients alike: each one is said, so that nothing changes the
 * roster silently. */
static void on_roster_push(struct ui *ui, const char *bare)
{
    char note[1500];
    rosterview_update_noted(ui->a->rv, session_roster(ui->a->session), bare, note, sizeof note);
    rosterview_set_blocked(ui->a->rv, bare, session_is_blocked(ui->a->session, bare));
    rename_window(ui, bare);
    if (note[0])
        ui_status_note(ui, "%s", note);
}

/* Servers send the same presence again (our own changes, a contact's
 * client re-announcing itself): a line the window already shows as its
 * latest news about that JID is not added again. */
static void presence_line(struct ui *ui, struct chatwin *w, const char *jid, const char *text)
{
    size_t jlen = strlen(jid);
    for (size_t i = w->count, k = 0; i > 0 && k < 500; i--, k++) {
        const struct chatline *l = chatwin_line(w, i - 1);
        if (l->kind != CHATLINE_INFO || strncmp(l->text, jid, jlen) != 0 ||
            (strncmp(l->text + jlen, " is ", 4) != 0 &&
             strncmp(l->text + jlen, " (not in roster) is ", 20) != 0))
            continue;
        if (strcmp(l->text, text) == 0)
            return;
        break;
    }
    ui_info(ui, w, CHATLINE_INFO, "%s", text);
}

static void on_presence(struct ui *ui, const struct session_event *ev)
{
    char *bare = jid_bare_of(ev->jid);
    if (!bare)
        return;
    rosterview_update(ui->a->rv, session_roster(ui->a->session), bare);
    const struct roster_item *it = roster_find(session_roster(ui->a->session), bare);
    bool stranger = !(it && it->in_roster) && strcmp(bare, session_bare_jid(ui->a->session)) != 0;
    char text[1500];
    if (stranger) { /* directed presence from outside the roster: say who it is */
        snprintf(text, sizeof text, "%s (not in roster) is %s%s%s", ev->jid,
                 presence_show_name(ev->show), ev->status ? ": " : "",
                 ev->status ? ev->status : "");
        presence_line(ui, ui->wins.w[0], ev->jid, text);
    }
    struct chatwin *w = chatwins_find(&ui->wins, bare, NULL);
    if (w) {
        snprintf(text, sizeof text, "%s is %s%s%s", ev->jid, presence_show_name(ev->show),
                 ev->status ? ": " : "", ev->status ? ev->status : "");
        presence_line(ui, w, ev->jid, text);
        if (w == chatwins_current(&ui->wins))
            ui_dirty(ui, UI_DIRTY_TITLE);
    }
    ui_dirty(ui, UI_DIRTY_ROSTER);
    free(bare);
}

/* ---- subscription requests (RFC 6121 §3.1.3, see subreqs.c) ---- */

static void subreq_add(struct ui *ui, const char *bare)
{
    subreqs_add(&ui->a->subreqs, bare);
    rosterview_set_asking(ui->a->rv, bare, true);
    ui_dirty(ui, UI_DIRTY_ROSTER);
}

void ui_subreq_answered(struct ui *ui, const char *bare)
{
    subreqs_remove(&ui->a->subreqs, bare);
    rosterview_set_asking(ui->a->rv, bare, false);
    ui_dirty(ui, UI_DIRTY_ROSTER);
}

void ui_subreq_free(struct ui *ui)
{
    subreqs_free(&ui->a->subreqs);
}

static void unmark(void *ud, const char *bare)
{
    struct ui *ui = ud;
    rosterview_set_asking(ui->a->rv, bare, false);
}

/* After the roster changed: a contact who now has our presence was
 * answered (elsewhere); the others keep their mark, which a reload of
 * the roster view has dropped. */
static void subreq_refresh(struct ui *ui)
{
    subreqs_prune(&ui->a->subreqs, session_roster(ui->a->session), unmark, ui);
    for (size_t i = 0; i < ui->a->subreqs.n; i++)
        rosterview_set_asking(ui->a->rv, ui->a->subreqs.jid[i], true);
}

static void on_subscription(struct ui *ui, const struct session_event *ev)
{
    const char *t = ev->sub_type ? ev->sub_type : "";
    const char *j = ev->jid ? ev->jid : "?";
    if (strcmp(t, "subscribe") == 0) {
        ui_info(ui, NULL, CHATLINE_INFO, "%s wants to see your presence: /authorize %s or /deny %s",
                j, j, j);
        if (ev->jid)
            subreq_add(ui, ev->jid);
    } else if (strcmp(t, "subscribed") == 0) {
        ui_info(ui, NULL, CHATLINE_INFO, "%s now shares their presence with you", j);
    } else if (strcmp(t, "unsubscribed") == 0) {
        ui_info(ui, NULL, CHATLINE_INFO, "%s does not share their presence with you", j);
    } else {
        ui_info(ui, NULL, CHATLINE_INFO, "%s no longer wants your presence", j);
        if (ev->jid)
            ui_subreq_answered(ui, ev->jid); /* withdrawn */
    }
    if (ui->wins.current != 0) {
        ui->wins.w[0]->unread++;
        ui_dirty(ui, UI_DIRTY_STATUS);
    }
}

/* ---- messages ---- */

static void notify_hidden(struct ui *ui, struct chatwin *w)
{
    w->unread++;
    if (w->jid)
        rosterview_set_unread(ui->a->rv, w->jid, w->unread);
    ui->bell = ui->opt.bell; /* rung once per paint, not once per message */
    ui_dirty(ui, UI_DIRTY_STATUS | UI_DIRTY_ROSTER);
}

/* An error names the message it answers, by its id. While we still have
 * that line the error goes in place (issue 16): the line is marked
 * "(not sent)" and the error takes the row right after it, wherever it is
 * in the window, and the store keeps the line's state for the next time
 * the chat is read. Else it is a new line that says where it went. */
static bool refused_in_place(struct ui *ui, const char *bare, const char *id, const char *text)
{
    struct chatwin *w = bare ? chatwins_find(&ui->wins, bare, NULL) : NULL;
    struct chatline *l = w ? chatwin_find_id(w, id) : NULL;
    /* A room's message has no line of its own until the room sends it
     * back; one that waited for the rejoin has its "(pending)" note. */
    if (l && (l->kind == CHATLINE_OUT || l->kind == CHATLINE_INFO)) {
        l->pending = false;
        l->failed = l->kind == CHATLINE_OUT;
        l->rows = 0; /* the mark is wider */
        /* Its time, not now: the window's lines stay in time order. */
        chatwin_insert_msg(w, chatwin_index_of(w, l) + 1, l->stamp, CHATLINE_ERROR, NULL, text,
                           NULL, false);
        if (ui->store)
            store_set_state_by_id(ui->store, session_bare_jid(ui->a->session), bare, id,
                                  STORE_FAILED);
        if (w == chatwins_current(&ui->wins))
            ui_dirty(ui, UI_DIRTY_CHAT);
        return true;
    }
    return false;
}

void ui_message_refused(struct ui *ui, size_t acct, const char *to, const char *id,
                        const char *why)
{
    struct ui_acct *was = ui->a;
    if (acct < ui->naccts)
        ui_use_account(ui, ui->accts[acct]);
    char *bare = jid_bare_of(to);
    if (!refused_in_place(ui, bare, id, why))
        ui_info(ui, bare ? ui_open_chat(ui, bare, false) : NULL, CHATLINE_ERROR, "%s", why);
    free(bare);
    ui_use_account(ui, was);
}

static void on_error_message(struct ui *ui, const struct session_message *m)
{
    char *bare = m->from ? jid_bare_of(m->from) : NULL;
    struct chatwin *w = bare ? chatwins_find(&ui->wins, bare, NULL) : NULL;
    const char *why = m->error ? m->error : "unknown error";
    const char *to = bare ? bare : (m->from ? m->from : "?");
    char text[600];
    snprintf(text, sizeof text, "not delivered to %s: %s", to, why);
    if (!refused_in_place(ui, bare, m->id, text) && w)
        ui_info(ui, w, CHATLINE_ERROR, "%s", text);
    else if (!w)
        ui_status_error(ui, "%s", text);
    free(bare);
}

/* XEP-0280: another of our resources sent this to m->to. It goes to that
 * peer's window as our own line, quietly: we wrote it. */
static void on_carbon_sent(struct ui *ui, const struct session_message *m)
{
    char *peer = m->to ? jid_bare_of(m->to) : NULL;
    char nick[256];
    if (peer && m->body) {
        struct chatwin *w = ui_open_chat(ui, peer, false);
        if (ui_keep_message(ui, &(struct keep){.conv = peer, .from = session_bare_jid(ui->a->session),
                                                  .text = m->body, .stamp = m->stamp, .out = true,
                                                  .m = m}))
            ui_show_message(ui, w, m->stamp, true, ui_self_nick(ui, nick, sizeof nick), m->body,
                            m->id);
    }
    free(peer);
}

/* Headline and normal messages (RFC 6121 §5.2.2) are marked as such,
 * with their subject; chat messages, and actions, are just their body. */
static char *message_text(const struct session_message *m)
{
    const char *type = m->type ? m->type : "normal";
    const char *body = m->body ? m->body : "";
    bool marked = strcmp(type, "headline") == 0 || strcmp(type, "normal") == 0;
    if (!marked || strncmp(body, "/me ", 4) == 0)
        return xalloc_strdup(body);
    size_t n = strlen(type) + strlen(body) + (m->subject ? strlen(m->subject) : 0) + 8;
    char *t = xalloc_realloc(NULL, n);
    snprintf(t, n, "[%s%s%s]%s%s", type, m->subject ? ": " : "", m->subject ? m->subject : "",
             body[0] ? " " : "", body);
    return t;
}

static void show_incoming(struct ui *ui, const struct session_message *m, const char *bare)
{
    char nick[256];
    bool fresh = !chatwins_find(&ui->wins, bare, NULL);
    struct chatwin *w = ui_open_chat(ui, bare, false);
    const struct roster_item *it = roster_find(session_roster(ui->a->session), bare);
    if (fresh && !(it && it->in_roster))
        ui_info(ui, w, CHATLINE_INFO, "%s is not in your roster (/roster add %s)", bare, bare);
    char *text = message_text(m);
    if (!ui_keep_message(ui, &(struct keep){.conv = bare, .from = bare, .text = text,
                                               .stamp = m->stamp, .m = m})) {
        free(text); /* we have it already: a carbon, an offline or archived copy */
        return;
    }
    /* XEP-0308: a correction replaces that contact's line, if still shown. */
    struct chatline *old = m->replace_id ? chatwin_find_id(w, m->replace_id) : NULL;
    if (old && old->kind == CHATLINE_IN) {
        ui_correct_line(ui, old, text);
    } else {
        ui_show_message(ui, w, m->stamp, false, ui_contact_name(ui, bare, nick, sizeof nick), text,
                        m->id);
    }
    free(text);
    if (w->state) {
        chatwin_set_state(w, NULL); /* a message ends "composing" */
        ui_dirty(ui, UI_DIRTY_TITLE);
    }
    if (w != chatwins_current(&ui->wins))
        notify_hidden(ui, w);
}

/* XEP-0313: a message from the archive. Kept, and shown only where a
 * window is open on its conversation, in its place by time; a contact
 * whose chat is closed gets it opened, marked unread, without the bell. */
static void on_archived(struct ui *ui, const struct session_message *m)
{
    bool groupchat = m->type && strcmp(m->type, "groupchat") == 0;
    const char *peer_full = m->ours && !groupchat ? m->to : m->from;
    char *conv = peer_full ? jid_bare_of(peer_full) : NULL;
    const char *self = session_bare_jid(ui->a->session);
    if (!conv || !m->body) {
        free(conv);
        return;
    }
    const struct muc_room *r = groupchat ? session_muc_room(ui->a->session, conv) : NULL;
    const char *nick = groupchat ? jid_resource_of(m->from) : NULL;
    bool out = groupchat ? (nick && r && r->nick && strcmp(nick, r->nick) == 0) : m->ours;
    const char *from = groupchat ? (nick ? nick : "*room*") : out ? self : conv;
    struct keep k = {.conv = conv, .from = from, .text = m->body, .stamp = m->stamp,
                        .out = out, .m = m};
    struct chatwin *w = chatwins_find(&ui->wins, conv, NULL);
    if (!ui_keep_message(ui, &k) || ui_history_wanted(ui, m)) {
        free(conv);
        return;
    }
    if (!w && !groupchat && !out) {
        w = ui_open_chat(ui, conv, false); /* reads it from the store */
        /* It came with its history: "new since" goes above it. */
        w->mark_new = false;
        if (w->count > 1)
            chatwin_line(w, w->count - 1)->new_row = true;
        if (w != chatwins_current(&ui->wins)) {
            w->unread++;
            w->old_unread++; /* no bell, and not in the terminal's title */
            rosterview_set_unread(ui->a->rv, conv, w->unread);
            ui_dirty(ui, UI_DIRTY_STATUS | UI_DIRTY_ROSTER);
        }
    } else if (w) {
        size_t at = chatwin_index_for(w, m->stamp);
        char name[256];
        const char *shown = groupchat ? from : out ? ui_self_nick(ui, name, sizeof name)
                                                   : ui_contact_name(ui, conv, name, sizeof name);
        const char *act = ui_action_text(m->body);
        const char *text = act ? act : m->body;
        char *hidden = files_hide_keys(text); /* aesgcm:// keys stay off the screen */
        /* Older than the window's top with more above it: PgUp reads it. */
        if ((at > 0 || !w->older_in_store) &&
            chatwin_insert_msg(w, at, m->stamp, out ? CHATLINE_OUT : CHATLINE_IN, shown,
                               hidden ? hidden : text, m->id, act != NULL))
            ui_dirty(ui, UI_DIRTY_CHAT);
        free(hidden);
    }
    free(conv);
}

/* Our own message, as the room sends it back to every occupant: it was
 * not encrypted for this device, and its line is shown already. */
static bool room_echo(struct ui *ui, const struct session_message *m)
{
    char *room = m->from ? jid_bare_of(m->from) : NULL;
    const struct muc_room *r = room ? session_muc_room(ui->a->session, room) : NULL;
    const char *nick = m->from ? jid_resource_of(m->from) : NULL;
    free(room);
    return r && r->nick && nick && strcmp(nick, r->nick) == 0;
}

static void on_message(struct ui *ui, const struct session_message *m)
{
    if (m->type && strcmp(m->type, "error") == 0) {
        on_error_message(ui, m);
        return;
    }
    /* XEP-0384: shown as the plaintext, marked; an archived message this
     * device cannot read shows its fallback body (ui/omemo.c). */
    bool groupchat = m->type && strcmp(m->type, "groupchat") == 0;
    char *plain = NULL;
    bool handled = false;
    bool to_read = (m->omemo || m->omemo_error) && !(groupchat && room_echo(ui, m));
    if (to_read && !(handled = ui_omemo_receive(ui, m, &plain)) && plain) {
        struct session_message copy = *m;
        copy.body = plain;
        copy.omemo = NULL;
        copy.omemo_error = NULL;
        ui->encrypted_now = true;
        on_message(ui, &copy);
        ui->encrypted_now = false;
        ui_omemo_flush(ui);
        free(plain);
        return;
    }
    if (handled || (to_read && !m->archived && ui->a->omemo))
        return; /* said why it cannot be read, had it already, or nothing to show */
    /* XEP-0066: a file's URL that only the out-of-band element names is
     * shown (and numbered, for /download) as part of the message. */
    char *with_url = m->oob_url ? files_body_with_url(m->body, m->oob_url) : NULL;
    if (with_url) {
        struct session_message copy = *m;
        copy.body = with_url;
        copy.oob_url = NULL;
        on_message(ui, &copy);
        free(with_url);
        return;
    }
    if (m->archived) {
        on_archived(ui, m);
        return;
    }
    if (ui_room_message(ui, m))
        return;
    if (m->carbon_sent) {
        on_carbon_sent(ui, m);
        return;
    }
    char *bare = m->from ? jid_bare_of(m->from) : NULL;
    if (bare && (m->body || m->subject))
        show_incoming(ui, m, bare);
    free(bare);
}

/* The outbox (session_send_message): a message of ours reached the server
 * (its pending mark goes), or one kept from an earlier run waits to be
 * sent (shown where it belongs, pending). */
static void on_outbox(struct ui *ui, const struct session_event *ev)
{
    char *bare = ev->jid ? jid_bare_of(ev->jid) : NULL;
    if (!bare)
        return;
    if (strcmp(ev->sub_type, "sent") == 0) {
        struct chatwin *w = chatwins_find(&ui->wins, bare, NULL);
        if (w && chatwin_mark_sent(w, ev->id) && w == chatwins_current(&ui->wins))
            ui_dirty(ui, UI_DIRTY_CHAT);
    } else if (strcmp(ev->sub_type, "restored") == 0 && strcmp(ev->msg->type, "groupchat") == 0) {
        ui_info(ui, NULL, CHATLINE_INFO, "(pending) sent when you are in %s again: %s", bare,
                ev->msg->body);
    } else if (strcmp(ev->sub_type, "restored") == 0) {
        /* The history loaded with the window holds it already (it was
         * kept when typed, with its id): that line gets the mark, else a
         * new one. */
        char nick[256];
        struct chatwin *w = ui_open_chat(ui, bare, false);
        struct chatline *l = chatwin_find_id(w, ev->id);
        /* An encrypted one comes without its text (the outbox keeps only
         * its stanza): its line is found by id, or it is only said. */
        if (!l && !ev->msg->body) {
            ui_info(ui, w, CHATLINE_INFO,
                    "(pending) an encrypted message from the last run (%s) waits to be sent",
                    ev->id);
            free(bare);
            return;
        }
        if (!l && (l = chatwin_find_unsent(w, ev->msg->body)))
            l->id = xalloc_strdup(ev->id);
        if (!l)
            l = ui_show_message(ui, w, time(NULL), true, ui_self_nick(ui, nick, sizeof nick),
                                ev->msg->body, ev->id);
        if (l) {
            l->pending = true;
            l->rows = 0;
        }
    }
    free(bare);
}

static void on_receipt(struct ui *ui, const struct session_event *ev)
{
    char *bare = ev->jid ? jid_bare_of(ev->jid) : NULL;
    struct chatwin *w = bare ? chatwins_find(&ui->wins, bare, NULL) : NULL;
    if (w && chatwin_mark_delivered(w, ev->id) && w == chatwins_current(&ui->wins))
        ui_dirty(ui, UI_DIRTY_CHAT);
    /* Kept too, so that the mark is there when the chat is read again. */
    if (bare && ev->id && ui->store)
        store_set_state_by_id(ui->store, session_bare_jid(ui->a->session), bare, ev->id,
                              STORE_DELIVERED);
    free(bare);
}

/* XEP-0085: "composing" and "paused" show in the chat's title; the other
 * states clear it. A state for a chat that is not open opens nothing. */
static void on_chatstate(struct ui *ui, const struct session_event *ev)
{
    char *bare = ev->jid ? jid_bare_of(ev->jid) : NULL;
    struct chatwin *w = bare ? chatwins_find(&ui->wins, bare, NULL) : NULL;
    const char *st = ev->sub_type ? ev->sub_type : "";
    if (w) {
        bool show = strcmp(st, "composing") == 0 || strcmp(st, "paused") == 0;
        chatwin_set_state(w, show ? st : NULL);
        if (w == chatwins_current(&ui->wins))
            ui_dirty(ui, UI_DIRTY_TITLE);
    }
    free(bare);
}

/* ---- dispatch ---- */

/* Once each: the session's text names the condition when it matters
 * ("server closed the stream: conflict: ..."), so it is not added again. */
static void on_error(struct ui *ui, const struct session_event *ev)
{
    const char *text = ev->text ? ev->text : "error";
    bool named = !ev->condition || strstr(text, ev->condition);
    ui_status_error(ui, "%s%s%s%s", text, named ? "" : " (", named ? "" : ev->condition,
                    named ? "" : ")");
    said_failure(ui, ev->text);
}

/* A password the session does not have is a question, asked next on the
 * input line (secrets.c), not an error. */
static void on_auth_failed(struct ui *ui, const struct session_event *ev)
{
    const char *cond = ev->condition ? ev->condition : "not-authorized";
    if (strcmp(cond, "password-required") == 0)
        ui_info(ui, NULL, CHATLINE_INFO, "%s: type it on the input line (Esc: do not log in)",
                ev->text ? ev->text : "a password is needed to log in");
    else if (ev->text && strstr(ev->text, cond))
        ui_status_error(ui, "%s", ev->text);
    else
        ui_status_error(ui, "login refused (%s)%s%s", cond, ev->text ? ": " : "",
                        ev->text ? ev->text : "");
    said_failure(ui, ev->text);
}

static void on_cert(struct ui *ui, const struct session_event *ev)
{
    const struct conn_cert_info *c = ev->cert;
    if (!c)
        return;
    ui_status_error(ui, "certificate refused: %s", c->reason);
    ui_info(ui, NULL, CHATLINE_INFO, "  subject %s, issuer %s, valid %s to %s", c->subject,
            c->issuer, c->not_before, c->not_after);
    ui_info(ui, NULL, CHATLINE_INFO, "  SHA-256 %s", c->sha256);
    ui_info(ui, NULL, CHATLINE_INFO, "  if you know this certificate is right: /tls trust");
    said_failure(ui, ev->text);
}

static void handle_event(struct ui *ui, const struct session_event *ev)
{
    ui_secret_event(ui, ev);
    switch (ev->type) {
    case SESSION_EV_STATE:
        on_state(ui, ev);
        break;
    case SESSION_EV_BOUND:
        ui_info(ui, NULL, CHATLINE_INFO, "logged in as %s", ev->jid ? ev->jid : "?");
        ui_dirty(ui, UI_DIRTY_STATUS);
        break;
    case SESSION_EV_ROSTER:
        on_roster(ui);
        break;
    case SESSION_EV_ROSTER_PUSH:
        if (ev->jid)
            on_roster_push(ui, ev->jid);
        subreq_refresh(ui);
        ui_dirty(ui, UI_DIRTY_ROSTER | UI_DIRTY_TITLE | UI_DIRTY_STATUS);
        break;
    case SESSION_EV_PRESENCE:
        if (ev->jid)
            on_presence(ui, ev);
        break;
    case SESSION_EV_SUBSCRIPTION:
        on_subscription(ui, ev);
        break;
    case SESSION_EV_MESSAGE:
        if (ev->msg)
            on_message(ui, ev->msg);
        break;
    case SESSION_EV_ERROR:
        on_error(ui, ev);
        break;
    case SESSION_EV_AUTH_FAILED:
        on_auth_failed(ui, ev);
        break;
    case SESSION_EV_CERT_REFUSED:
        on_cert(ui, ev);
        break;
    case SESSION_EV_INFO: /* in the window of .jid when it has one (a room's answer) */
        ui_info(ui, ev->jid ? chatwins_find(&ui->wins, ev->jid, NULL) : NULL, CHATLINE_INFO, "%s",
                ev->text ? ev->text : "");
        break;
    case SESSION_EV_QUERY:
        ui_query_event(ui, ev);
        break;
    case SESSION_EV_OMEMO:
    case SESSION_EV_MUC_INFO: /* a room's readers, whose keys a message waits for */
        ui_omemo_event(ui, ev);
        break;
    case SESSION_EV_MAM:
        ui_history_mam_event(ui, ev);
        break;
    case SESSION_EV_UPLOAD_SLOT:
        ui_files_slot(ui, ev);
        break;
    case SESSION_EV_RECEIPT:
        on_receipt(ui, ev);
        break;
    case SESSION_EV_OUTBOX:
        on_outbox(ui, ev);
        break;
    case SESSION_EV_CHATSTATE:
        on_chatstate(ui, ev);
        break;
    case SESSION_EV_VCARD:
        ui_vcard_event(ui, ev);
        break;
    case SESSION_EV_REGISTERED:
        if (ev->condition && strcmp(ev->condition, "result") != 0)
            ui_status_error(ui, "registration refused (%s)%s%s", ev->condition,
                            ev->text ? ": " : "", ev->text ? ev->text : "");
        else
            ui_info(ui, NULL, CHATLINE_INFO, "account registered");
        break;
    case SESSION_EV_PASSWORD_CHANGED:
        if (ev->condition && strcmp(ev->condition, "result") != 0)
            ui_status_error(ui, "password not changed (%s)%s%s", ev->condition,
                            ev->text ? ": " : "", ev->text ? ev->text : "");
        else
            ui_info(ui, NULL, CHATLINE_INFO, "%s", ev->text ? ev->text : "password changed");
        break;
    case SESSION_EV_AUTHENTICATED:
        break; /* the session also says so with an INFO line; never show .scram_key */
    case SESSION_EV_MUC_JOINED:
    case SESSION_EV_MUC_OCCUPANT:
    case SESSION_EV_MUC_LEFT:
    case SESSION_EV_MUC_SUBJECT:
    case SESSION_EV_MUC_INVITE:
    case SESSION_EV_BOOKMARKS:
        ui_room_event(ui, ev);
        break;
    case SESSION_EV_XML:
        ui_console_stanza(ui, ev);
        break;
    case SESSION_EV_BLOCKING:
        on_blocking(ui, ev);
        break;
    default:
        break; /* an event newer than this UI: nothing to show */
    }
}

static void event_fn(struct ui *ui, const void *ev)
{
    handle_event(ui, ev);
}

void ui_session_event(struct ui *ui, size_t acct, const struct session_event *ev)
{
    if (acct < ui->naccts)
        ui_as_account(ui, acct, event_fn, ev);
}

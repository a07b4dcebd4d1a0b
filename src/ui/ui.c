/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ui.c - the UI's life cycle and its place in the libuv loop.
 *
 * The terminal is driven by ncursesw, but the loop is libuv's: stdin is
 * in nodelay mode and watched with uv_poll; on each wakeup keys.c drains
 * get_wch until ERR (else keys would sit in ncurses' own buffer).
 * SIGWINCH comes through uv_signal. Nothing here polls: there is no
 * periodic timer, so an idle client makes no wakeups at all.
 *
 * Changes only mark parts of the screen dirty. A prepare and a check
 * handle (which run around each poll, and wake nobody) paint what is
 * dirty once per loop iteration, however many stanzas or keys arrived,
 * and one doupdate sends only the changed cells. */
#include "ui/ui_int.h"

#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ui/statusbar.h"
#include "ui/textwidth.h"
#include "ui/xalloc.h"

#ifndef TUKTUK_VERSION
#define TUKTUK_VERSION "?"
#endif

/* Raw escape sequences that ncurses has no function for. Written only
 * between doupdate calls, so they never cut into ncurses' own output. */
static void term_write(const char *seq)
{
    size_t len = strlen(seq);
    while (len > 0) {
        ssize_t n = write(STDOUT_FILENO, seq, len);
        if (n <= 0)
            return;
        seq += n;
        len -= (size_t)n;
    }
}

/* Terminals that understand the title sequence (xterm's OSC 2). */
static bool term_has_title(void)
{
    const char *t = getenv("TERM");
    static const char *const ok[] = {"xterm", "tmux", "screen", "rxvt",    "alacritty", "foot",
                                     "kitty", "st-",  "vte",    "wezterm", "konsole",   "gnome"};
    if (!t)
        return false;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strncmp(t, ok[i], strlen(ok[i])) == 0)
            return true;
    return false;
}

void ui_dirty(struct ui *ui, unsigned what)
{
    ui->dirty |= what;
}

/* ---- accounts ---- */

void ui_use_account(struct ui *ui, struct ui_acct *a)
{
    ui->a = a ? a : ui_home_account(ui);
    ui->wins.acct = ui->a ? (int)ui->a->index : -1;
}

struct ui_acct *ui_home_account(struct ui *ui)
{
    if (ui->naccts == 0)
        return NULL;
    const struct chatwin *w = chatwins_current(&ui->wins);
    if (w->acct >= 0 && (size_t)w->acct < ui->naccts)
        return ui->accts[w->acct];
    size_t sec = 0;
    rosterpane_selected_jid(&ui->rp, &sec);
    return ui->accts[sec < ui->naccts ? sec : 0];
}

struct ui_acct *ui_account_named(struct ui *ui, const char *name)
{
    for (size_t i = 0; i < ui->naccts; i++) {
        struct ui_acct *a = ui->accts[i];
        if (strcmp(a->name, name) == 0 || strcmp(session_bare_jid(a->session), name) == 0)
            return a;
    }
    return NULL;
}

size_t ui_accounts_connected(struct ui *ui)
{
    size_t n = 0;
    for (size_t i = 0; i < ui->naccts; i++)
        n += session_state(ui->accts[i]->session) != SESSION_OFFLINE;
    return n;
}

const char *ui_account_state(const struct ui_acct *a)
{
    enum session_state st = session_state(a->session);
    return st == SESSION_ONLINE ? presence_show_name(session_show(a->session))
                                : session_state_name(st);
}

/* The roster header of an account: its name, JID and state. */
static void account_title(struct ui *ui, struct ui_acct *a)
{
    char t[600], state[300];
    enum session_state st = session_state(a->session);
    const char *jid = session_bare_jid(a->session);
    const char *name =
        st == SESSION_OFFLINE && a->why_down[0] ? "failed" : ui_account_state(a);
    snprintf(state, sizeof state, "%s%s%.200s", name, st != SESSION_ONLINE && a->why_down[0] ? ": " : "",
             st != SESSION_ONLINE ? a->why_down : "");
    if (strcmp(a->name, jid) == 0)
        snprintf(t, sizeof t, "%s", jid);
    else
        snprintf(t, sizeof t, "%s: %s", a->name, jid);
    rosterpane_set_title(&ui->rp, a->index, t, state);
}

size_t ui_add_account(struct ui *ui, const struct ui_account *ua)
{
    if (ui->naccts == UI_MAX_ACCOUNTS)
        return ui->naccts - 1;
    struct ui_acct *a = calloc(1, sizeof *a);
    if (!a)
        abort();
    a->index = ui->naccts;
    a->session = ua->session;
    a->name = xalloc_strdup(ua->name ? ua->name : session_bare_jid(ua->session));
    a->http_ca_file = ua->http_ca_file ? xalloc_strdup(ua->http_ca_file) : NULL;
    a->autojoin = xalloc_realloc(NULL, (ua->nautojoin + 1) * sizeof *a->autojoin);
    for (size_t i = 0; i < ua->nautojoin; i++)
        a->autojoin[a->nautojoin++] = xalloc_strdup(ua->autojoin[i]);
    a->show = SHOW_ONLINE;
    a->rv = rosterview_new(ui->opt.show_offline);
    /* The roster of the last run (the roster cache), all offline, while
     * the login goes on: the contacts are there from the first paint. */
    rosterview_reload(a->rv, session_roster(a->session));
    /* A later account starts as the others are: away when they are. */
    if (ui->naccts > 0) {
        a->show = ui->accts[0]->show;
        a->status = ui->accts[0]->status ? xalloc_strdup(ui->accts[0]->status) : NULL;
    }
    ui->accts[ui->naccts++] = a;
    rosterpane_add(&ui->rp, a->rv);
    account_title(ui, a);
    struct ui_acct *was = ui->a;
    ui_use_account(ui, a);
    bool in_event = ui->in_event;
    ui->in_event = true; /* what is said of it is named */
    ui_set_omemo(ui, ua->omemo, ua->omemo_off);
    ui_autoaway_added(ui);
    ui->in_event = in_event;
    ui_use_account(ui, was ? was : a);
    ui_dirty(ui, UI_DIRTY_ALL);
    return a->index;
}

void ui_as_account(struct ui *ui, size_t acct, void (*fn)(struct ui *, const void *),
                   const void *arg)
{
    /* Events may come while a key is handled (a send reports at once):
     * the account in context then is put back as it was. */
    struct ui_acct *was = ui->a;
    bool in_event = ui->in_event;
    ui_use_account(ui, ui->accts[acct]);
    ui->in_event = true;
    fn(ui, arg);
    ui->in_event = in_event;
    ui_use_account(ui, was);
}

static void notice_fn(struct ui *ui, const void *text)
{
    ui_notice(ui, text);
}

void ui_account_notice(struct ui *ui, size_t acct, const char *text)
{
    if (acct < ui->naccts)
        ui_as_account(ui, acct, notice_fn, text);
    else
        ui_notice(ui, text);
}

/* ---- messages for the user ---- */

struct chatline *ui_add_msg(struct ui *ui, struct chatwin *w, time_t stamp, enum chatline_kind kind,
                            const char *nick, const char *text, const char *id, bool action)
{
    char *marked = kind == CHATLINE_IN || kind == CHATLINE_OUT ? ui_files_mark(ui, text) : NULL;
    struct chatline *l = chatwin_add_msg(w, stamp, kind, nick, marked ? marked : text, id, action);
    free(marked);
    /* Scrolled back, the reader keeps seeing the same lines: the scroll
     * position counts rows from the newest line, which just moved. */
    if (w->scroll > 0) {
        w->scroll += chatwin_rows(l, ui->scr.lay.chat_w, ui->tsfmt);
        w->below++; /* counted on the status line: they would go unseen */
        ui_dirty(ui, UI_DIRTY_STATUS);
    }
    if (w == chatwins_current(&ui->wins))
        ui_dirty(ui, UI_DIRTY_CHAT);
    return l;
}

void ui_add_line(struct ui *ui, struct chatwin *w, time_t stamp, enum chatline_kind kind,
                 const char *nick, const char *text)
{
    ui_add_msg(ui, w, stamp, kind, nick, text, NULL, false);
}

void ui_info(struct ui *ui, struct chatwin *w, enum chatline_kind kind, const char *fmt, ...)
{
    char buf[2048];
    /* With several accounts, what one of them says in the status window
     * names it. */
    int named = 0;
    if (ui->in_event && ui->a && ui->naccts > 1 && (!w || w == ui->wins.w[0]))
        named = snprintf(buf, sizeof buf, "[%s] ", ui->a->name);
    if (named < 0 || (size_t)named >= sizeof buf)
        named = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + named, sizeof buf - (size_t)named, fmt, ap);
    va_end(ap);
    ui_add_line(ui, w ? w : ui->wins.w[0], time(NULL), kind, NULL, buf);
}

void ui_status_error(struct ui *ui, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    ui_info(ui, ui->wins.w[0], CHATLINE_ERROR, "%s", buf);
    /* An error where the user is not looking would go unseen: show it in
     * the current window too. */
    if (ui->wins.current != 0)
        ui_info(ui, chatwins_current(&ui->wins), CHATLINE_ERROR, "%s", buf);
}

void ui_status_note(struct ui *ui, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    ui_info(ui, ui->wins.w[0], CHATLINE_INFO, "%s", buf);
    if (ui->wins.current != 0)
        ui_info(ui, chatwins_current(&ui->wins), CHATLINE_INFO, "%s", buf);
}

void ui_notice(struct ui *ui, const char *text)
{
    ui_info(ui, NULL, CHATLINE_INFO, "%s", text);
}

void ui_select_window(struct ui *ui, size_t index)
{
    if (index >= ui->wins.n)
        return;
    struct chatwin *w = ui->wins.w[index];
    chatwins_select(&ui->wins, index);
    if (w->jid && w->acct >= 0 && (size_t)w->acct < ui->naccts)
        rosterview_set_unread(ui->accts[w->acct]->rv, w->jid, 0);
    ui_use_account(ui, NULL);
    ui_dirty(ui, UI_DIRTY_ALL);
}

/* ---- painting ---- */

static void window_title(struct ui *ui, struct chatwin *w, char *buf, size_t len);

/* With several accounts connected, a window of one says whose it is. */
static void chat_title(struct ui *ui, struct chatwin *w, char *buf, size_t len)
{
    if (w->acct < 0 || ui_accounts_connected(ui) < 2) {
        window_title(ui, w, buf, len);
        return;
    }
    int n = snprintf(buf, len, "[%s] ", ui->accts[w->acct]->name);
    if (n < 0 || (size_t)n >= len)
        n = 0;
    window_title(ui, w, buf + n, len - (size_t)n);
}

static void window_title(struct ui *ui, struct chatwin *w, char *buf, size_t len)
{
    if (w->kind == CHATWIN_XML) {
        snprintf(buf, len, "xml console: stanzas sent> and recv>; XML typed here is sent%s",
                 w->scroll > 0 ? " -- more below: PgDn" : "");
        return;
    }
    if (w->kind == CHATWIN_ROOM) {
        ui_room_title(ui, w, buf, len);
        return;
    }
    if (!w->jid) {
        snprintf(buf, len, "status: tuktuk %s - /help lists the commands%s", TUKTUK_VERSION,
                 w->scroll > 0 ? " -- more below: PgDn" : "");
        return;
    }
    const char *slash = strchr(w->jid, '/');
    if (slash) { /* private messages with a room's occupant (rooms.c) */
        snprintf(buf, len, "private: %s in %.*s%s", slash + 1, (int)(slash - w->jid), w->jid,
                 w->scroll > 0 ? " -- more below: PgDn" : "");
        return;
    }
    const struct roster_item *it = roster_find(session_roster(ui->a->session), w->jid);
    enum presence_show show = it ? roster_show(it) : SHOW_OFFLINE;
    const struct roster_resource *best = it ? roster_best(it) : NULL;
    const char *status = best && best->status ? best->status : NULL;
    char who[512];
    if (it && it->name && it->name[0] && strcmp(it->name, w->jid) != 0)
        snprintf(who, sizeof who, "%s <%s>", it->name, w->jid);
    else
        snprintf(who, sizeof who, "%s", w->jid);
    const char *more = w->archive_qid[0] ? " -- loading older messages\u2026"
                       : w->scroll > 0  ? " -- more below: PgDn"
                                        : "";
    /* Scrolled back, where the view is matters more than the note. */
    const char *stranger = (it && it->in_roster) || more[0] ? "" : " (not in roster)";
    char state[64] = "";
    if (w->state)
        snprintf(state, sizeof state, " -- %s\u2026", w->state);
    /* Last: a narrow title keeps what it showed before OMEMO. */
    const char *e2e = ui_omemo_tag(ui, w);
    if (status)
        snprintf(buf, len, "chat: %s (%s: \"%s\")%s%s%s%s", who, presence_show_name(show), status,
                 stranger, state, more, e2e);
    else
        snprintf(buf, len, "chat: %s (%s)%s%s%s%s", who, presence_show_name(show), stranger, state,
                 more, e2e);
}

/* The roster has the keys: focused, and no question waits on the input
 * line. The focus shows in three places: "> " moves from the input line
 * to the roster's title (drawn like the selection, with the line beside
 * the roster), the input line says where the keys go, and the cursor sits
 * on the roster's selection. */
static bool roster_has_keys(const struct ui *ui)
{
    return ui->focus == UI_FOCUS_ROSTER && ui->prompt == UI_PROMPT_NONE;
}

static void draw_title(struct ui *ui)
{
    if (!ui->a)
        return;
    char left[300], right[1024];
    const char *filter = rosterpane_filter(&ui->rp);
    const char *mark = roster_has_keys(ui) ? "> " : "";
    if (ui->filtering || filter[0])
        snprintf(left, sizeof left, "%sroster /%s%s", mark, filter, ui->filtering ? "_" : "");
    else
        snprintf(left, sizeof left, "%sroster%s", mark,
                 rosterpane_show_offline(&ui->rp) ? "" : " (online)");
    chat_title(ui, chatwins_current(&ui->wins), right, sizeof right);
    screen_draw_title(&ui->scr, left, right, roster_has_keys(ui));
}

static const char *state_text(struct ui *ui, char *buf, size_t len)
{
    enum session_state st = session_state(ui->a->session);
    switch (st) {
    case SESSION_ONLINE:
    case SESSION_OFFLINE:
        return NULL;
    case SESSION_RECONNECT_WAIT:
        snprintf(buf, len, "reconnecting in %us", session_reconnect_in(ui->a->session));
        return buf;
    default:
        return session_state_name(st);
    }
}

/* Tab's candidates, while there are several, in place of the status
 * line: 16 around the one on the input line are more than a row shows. */
static void draw_choices(struct ui *ui, size_t total)
{
    char bufs[16][200];
    const char *items[16];
    long cur = input_choice_current(ui->in);
    size_t first = cur > 0 ? (size_t)cur - (size_t)cur % 16 : 0, n = 0;
    for (; n < 16 && first + n < total; n++)
        items[n] = input_choice(ui->in, first + n, bufs[n], sizeof bufs[n]);
    struct statusbar_seg segs[24];
    size_t nseg = statusbar_build_choices(items, n, first, total, cur, ui->scr.lay.cols, segs, 24);
    screen_draw_status(&ui->scr, segs, nseg);
}

static void draw_status(struct ui *ui)
{
    if (!ui->a)
        return;
    size_t choices = input_choices(ui->in);
    if (choices) {
        draw_choices(ui, choices);
        return;
    }
    size_t nwin = ui->wins.n;
    struct statusbar_window *win = xalloc_realloc(NULL, nwin * sizeof *win);
    char **named = xalloc_realloc(NULL, nwin * sizeof *named);
    for (size_t i = 0; i < nwin; i++) {
        struct chatwin *w = ui->wins.w[i];
        named[i] = NULL;
        /* The same contact in two accounts' windows: "Bob/work". */
        for (size_t j = 0; w->acct >= 0 && j < nwin && !named[i]; j++)
            if (j != i && ui->wins.w[j]->acct != w->acct && strcmp(ui->wins.w[j]->name, w->name) == 0) {
                size_t n = strlen(w->name) + strlen(ui->accts[w->acct]->name) + 2;
                named[i] = xalloc_realloc(NULL, n);
                snprintf(named[i], n, "%s/%s", w->name, ui->accts[w->acct]->name);
            }
        win[i] = (struct statusbar_window){(unsigned)(i + 1), named[i] ? named[i] : w->name,
                                           w->unread, i == ui->wins.current,
                                           w->unread && w->mention};
    }
    char state[64];
    bool online = session_state(ui->a->session) == SESSION_ONLINE;
    const char *full = session_full_jid(ui->a->session);
    char account[600];
    /* With several accounts connected, the current window's is named. */
    if (ui_accounts_connected(ui) > 1 && strcmp(ui->a->name, session_bare_jid(ui->a->session)))
        snprintf(account, sizeof account, "%s: %s", ui->a->name,
                 full ? full : session_bare_jid(ui->a->session));
    else
        snprintf(account, sizeof account, "%s", full ? full : session_bare_jid(ui->a->session));
    struct statusbar_info info = {
        .account = account,
        .presence = online ? presence_show_name(session_show(ui->a->session)) : "offline",
        .state = state_text(ui, state, sizeof state),
        .win = win,
        .nwin = nwin,
        .width = ui->scr.lay.cols,
        .more_below = chatwins_current(&ui->wins)->below,
    };
    size_t max = 2 * nwin + 8; /* a window and a [+N] each at most, and the rest */
    struct statusbar_seg *segs = xalloc_realloc(NULL, max * sizeof *segs);
    size_t n = statusbar_build(&info, segs, max);
    screen_draw_status(&ui->scr, segs, n);
    free(segs);
    free(win);
    for (size_t i = 0; i < nwin; i++)
        free(named[i]);
    free(named);
}

static void draw_input(struct ui *ui)
{
    char buf[512];
    bool roster = roster_has_keys(ui);
    /* The cursor is where the keys go: here, or on the roster's selection
     * (which is refreshed after this, see paint). */
    curs_set(!roster || ui->scr.roster ? 1 : 0);
    screen_draw_input(&ui->scr, roster ? "  " : ui_prompt_text(ui, buf, sizeof buf), ui->in,
                      ui_prompt_is_secret(ui->prompt), !roster,
                      roster ? "keys go to the roster (Esc, or typing, comes back here)" : NULL);
}

static void update_term_title(struct ui *ui)
{
    unsigned unread = chatwins_total_unread(&ui->wins);
    if ((ui->title_set && unread == ui->title_unread) || !term_has_title())
        return;
    char seq[128];
    if (unread)
        snprintf(seq, sizeof seq, "\033]2;tuktuk (%u unread)\007", unread);
    else
        snprintf(seq, sizeof seq, "\033]2;tuktuk\007");
    term_write(seq);
    ui->title_unread = unread;
    ui->title_set = true;
}

/* The roster pane lists the room windows (rosterview_set_rooms), with
 * what the status line shows of them: news marks the status line dirty,
 * and the roster follows. */
static bool sync_rooms(struct ui *ui)
{
    bool changed = false;
    for (size_t k = 0; k < ui->naccts; k++) {
        struct ui_acct *a = ui->accts[k];
        struct rosterview_room rooms[64];
        size_t n = 0;
        for (size_t i = 1; i < ui->wins.n && n < sizeof rooms / sizeof rooms[0]; i++) {
            const struct chatwin *w = ui->wins.w[i];
            if (w->kind != CHATWIN_ROOM || w->acct != (int)k)
                continue;
            const struct muc_room *r = session_muc_room(a->session, w->jid);
            rooms[n++] = (struct rosterview_room){w->jid, w->name, r && r->joined, w->unread};
        }
        changed |= rosterview_set_rooms(a->rv, rooms, n);
        account_title(ui, a);
    }
    return changed;
}

static void paint(struct ui *ui)
{
    if (!ui->dirty || !ui->curses_active || ui->terminal_gone)
        return;
    /* What is painted is the current window's account's. */
    ui_use_account(ui, NULL);
    if ((ui->dirty & (UI_DIRTY_STATUS | UI_DIRTY_ROSTER | UI_DIRTY_TITLE)) && sync_rooms(ui))
        ui->dirty |= UI_DIRTY_ROSTER;
    unsigned d = ui->dirty;
    ui->dirty = 0;
    if (d & UI_DIRTY_TITLE)
        draw_title(ui);
    if (d & UI_DIRTY_ROSTER) {
        screen_draw_roster(&ui->scr, &ui->rp, ui->focus == UI_FOCUS_ROSTER, roster_has_keys(ui));
        screen_draw_separator(&ui->scr, roster_has_keys(ui));
    }
    if (d & UI_DIRTY_CHAT)
        screen_draw_chat(&ui->scr, chatwins_current(&ui->wins), ui->tsfmt);
    if (d & UI_DIRTY_STATUS)
        draw_status(ui);
    /* The input line goes last: the last window refreshed places the
     * cursor, so it must be the input line's even when it did not change;
     * or the roster's, while it has the keys. */
    if (d & UI_DIRTY_INPUT)
        draw_input(ui);
    else
        wnoutrefresh(ui->scr.input);
    if (roster_has_keys(ui) && ui->scr.roster)
        wnoutrefresh(ui->scr.roster);
    doupdate();
    if (ui->bell) {
        beep();
        ui->bell = false;
    }
    update_term_title(ui);
}

static void on_prepare(uv_prepare_t *h)
{
    paint(h->data);
}

static void on_check(uv_check_t *h)
{
    paint(h->data);
}

void ui_redraw_all(struct ui *ui)
{
    clearok(curscr, TRUE);
    ui_dirty(ui, UI_DIRTY_ALL);
    screen_resize(&ui->scr);
}

/* ---- terminal events ---- */

/* A terminal that hung up reads as "nothing to read" to curses, like a
 * lone ESC: poll(2) tells the two apart (POLLHUP, or an error). */
static bool stdin_hung_up(void)
{
    struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
    return poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR | POLLNVAL));
}

static void on_stdin(uv_poll_t *h, int status, int events)
{
    struct ui *ui = h->data;
    if (status == 0 && !(events & UV_DISCONNECT) && ui_keys_drain(ui) > 0) {
        ui->empty_wakeups = 0;
        return;
    }
    /* Readable with nothing to read, many times in a row, is a tty that
     * hung up without saying so (a lone ESC explains one such wakeup). */
    if (status == 0 && !(events & UV_DISCONNECT) && !stdin_hung_up() &&
        ++ui->empty_wakeups < 100)
        return;
    ui_hangup(ui);
}

void ui_hangup(struct ui *ui)
{
    if (ui->terminal_gone)
        return;
    /* Nobody is left to show anything to or to answer a question: stop
     * reading and painting, and leave as /quit would, without asking. */
    ui->terminal_gone = true;
    uv_poll_stop(&ui->stdin_poll);
    bool closing = false;
    for (size_t i = 0; i < ui->naccts; i++)
        closing |= session_state(ui->accts[i]->session) == SESSION_CLOSING;
    if (closing)
        ui->quitting = true; /* a close under way (SIGTERM) ends the program */
    else if (!ui->quitting)
        ui_quit(ui, NULL);
}

static void on_winch(uv_signal_t *h, int signum)
{
    struct ui *ui = h->data;
    struct winsize ws;
    if (!ui->curses_active || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0)
        return;
    resizeterm(ws.ws_row, ws.ws_col);
    /* The terminal may have moved lines around on its own (tmux and
     * xterm bring back lines from their history when they grow), so
     * ncurses cannot know what is on it: repaint everything once. */
    clearok(curscr, TRUE);
    screen_resize(&ui->scr);
    ui_dirty(ui, UI_DIRTY_ALL);
}

void ui_suspend(struct ui *ui);

static void on_tstp(uv_signal_t *h, int signum)
{
    (void)signum;
    ui_suspend(h->data);
}

static void paste_mode(bool on)
{
    term_write(on ? "\033[?2004h" : "\033[?2004l");
}

/* The title we set is ours only while we run: the terminal's own is
 * pushed on xterm's title stack (CSI 22;0t) at start and popped back
 * (CSI 23;0t) when we leave or suspend. */
static void title_stack(bool push)
{
    if (term_has_title())
        term_write(push ? "\033[22;0t" : "\033[23;0t");
}

/* Ctrl-Z, or SIGTSTP from outside. The whole process group stops, as
 * when the terminal sends Ctrl-Z to a program in cooked mode: under `make
 * demo` that is make and scripts/demo too, so that the shell sees its job
 * stop and gives the prompt back (issue 9: only tuktuk stopped, and the
 * terminal hung until it was killed). SIGSTOP, since our SIGTSTP watcher
 * would only bring us back here; `fg` sends SIGCONT, and we go on below. */
void ui_suspend(struct ui *ui)
{
    if (!ui->curses_active)
        return;
    paste_mode(false);
    title_stack(false);
    endwin();
    fflush(stdout);
    kill(0, SIGSTOP);
    /* Back from the shell: take the terminal again. */
    reset_prog_mode();
    paste_mode(true);
    title_stack(true);
    ui->title_set = false;
    ui_redraw_all(ui);
}

/* ---- life cycle ---- */

static SCREEN *start_curses(char *err, size_t errlen)
{
    SCREEN *sp;
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        snprintf(err, errlen, "the UI needs a terminal");
        return NULL;
    }
    setlocale(LC_ALL, "");
    /* newterm, unlike initscr, returns on an unknown terminal. */
    sp = newterm(NULL, stdout, stdin);
    if (!sp) {
        snprintf(err, errlen, "cannot use terminal type %s", getenv("TERM") ? getenv("TERM") : "?");
        return NULL;
    }
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    meta(stdscr, TRUE);
    set_escdelay(25);
    ui_keys_setup();
    return sp;
}

/* The default theme is built in (theme_defaults): a themes/default file,
 * where one is installed, may change it, but without one (an uninstalled
 * build) there is nothing to say. */
static bool theme_file_exists(const struct ui *ui, const char *name)
{
    char path[4096];
    for (size_t i = 0; i < 4 && ui->opt.theme_dirs[i]; i++) {
        snprintf(path, sizeof path, "%s/%s", ui->opt.theme_dirs[i], name);
        if (access(path, F_OK) == 0)
            return true;
    }
    return false;
}

static void load_theme(struct ui *ui)
{
    const char *name = ui->opt.theme ? ui->opt.theme : "default";
    char err[512];
    if (strcmp(name, "default") == 0 && !theme_file_exists(ui, name)) {
        theme_defaults(&ui->theme);
        return;
    }
    if (theme_load(&ui->theme, name, ui->opt.theme_dirs, err, sizeof err) != 0)
        ui_info(ui, NULL, CHATLINE_ERROR, "%s", err);
}

static void start_handles(struct ui *ui)
{
    uv_poll_init(ui->loop, &ui->stdin_poll, STDIN_FILENO);
    uv_signal_init(ui->loop, &ui->sigwinch);
    uv_prepare_init(ui->loop, &ui->prepare);
    uv_check_init(ui->loop, &ui->check);
    uv_timer_init(ui->loop, &ui->idle_timer);
    uv_timer_init(ui->loop, &ui->tick_timer);
    uv_timer_init(ui->loop, &ui->typing_timer);
    uv_signal_init(ui->loop, &ui->sigtstp);
    ui->open_handles = 8;
    ui->stdin_poll.data = ui->sigwinch.data = ui->prepare.data = ui->check.data = ui;
    ui->sigtstp.data = ui;
    ui->idle_timer.data = ui->tick_timer.data = ui->typing_timer.data = ui;
    uv_poll_start(&ui->stdin_poll, UV_READABLE | UV_DISCONNECT, on_stdin);
    uv_signal_start(&ui->sigwinch, on_winch, SIGWINCH);
    uv_signal_start(&ui->sigtstp, on_tstp, SIGTSTP);
    uv_prepare_start(&ui->prepare, on_prepare);
    uv_check_start(&ui->check, on_check);
    ui_autoaway_start(ui);
}

static void load_bindings(struct ui *ui)
{
    bindings_init(&ui->bindings);
    for (size_t i = 0; i < ui->opt.nbindings; i++) {
        char err[200];
        if (bindings_set(&ui->bindings, ui->opt.bind_keys[i], ui->opt.bind_actions[i], err,
                         sizeof err) < 0)
            ui_status_error(ui, "config: %s", err);
    }
}

struct ui *ui_new(uv_loop_t *loop, const struct ui_options *opt, char *err, size_t errlen)
{
    SCREEN *sp = start_curses(err, errlen);
    if (!sp)
        return NULL;
    struct ui *ui = calloc(1, sizeof *ui);
    if (!ui) {
        endwin();
        delscreen(sp);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    ui->loop = loop;
    ui->opt = *opt;
    ui->wins.acct = -1;
    ui->curses_active = true;
    ui->term = sp;
    ui->data_dir = opt->data_dir ? xalloc_strdup(opt->data_dir) : NULL;
    ui->store = opt->store;
    ui->tsfmt = xalloc_strdup(opt->timestamp_format ? opt->timestamp_format : "%H:%M");
    ui->account_names = xalloc_realloc(NULL, (opt->naccount_names + 1) * sizeof(char *));
    for (size_t i = 0; i < opt->naccount_names; i++)
        ui->account_names[ui->naccount_names++] = xalloc_strdup(opt->account_names[i]);
    ui->opt.account_names = NULL; /* the caller's strings are not kept */
    chatwins_init(&ui->wins, opt->scrollback);
    ui->wins.acct = -1;
    ui->in = input_new(1000);
    load_bindings(ui);
    load_theme(ui);
    screen_init(&ui->scr, &ui->theme, opt->roster_width);
    ui->scr.line_scroll = opt->line_scroll;
    paste_mode(true);
    title_stack(true);
    start_handles(ui);
    ui_info(ui, NULL, CHATLINE_INFO,
            "Welcome to tuktuk. /help lists the commands; Alt-r moves to the roster.");
    ui_dirty(ui, UI_DIRTY_ALL);
    paint(ui);
    return ui;
}

static void on_closed(uv_handle_t *h)
{
    struct ui *ui = h->data;
    if (--ui->open_handles == 0)
        free(ui);
}

void ui_free(struct ui *ui)
{
    if (!ui)
        return;
    ui_search_free(ui);
    if (ui->curses_active) {
        if (!ui->terminal_gone) {
            title_stack(false);
            paste_mode(false);
        }
        screen_free(&ui->scr);
        endwin();
        delscreen(ui->term);
        ui->curses_active = false;
    }
    ui_autoaway_stop(ui);
    ui_console_free(ui);
    ui_typing_free(ui);
    ui_files_free(ui);
    for (size_t i = 0; i < ui->naccts; i++) {
        struct ui_acct *a = ui->accts[i];
        ui_use_account(ui, a);
        ui_secret_free(ui);
        ui_subreq_free(ui);
        ui_rooms_free(ui);
        rosterview_free(a->rv);
        free(a->name);
        free(a->status);
        free(a->http_ca_file);
        free(a);
    }
    ui->naccts = 0;
    ui->a = NULL;
    rosterpane_free(&ui->rp);
    chatwins_free(&ui->wins);
    input_free(ui->in);
    free(ui->data_dir);
    free(ui->quit_message);
    free(ui->tsfmt);
    for (size_t i = 0; i < ui->naccount_names; i++)
        free(ui->account_names[i]);
    free(ui->account_names);
    free(ui->prompt_jid);
    free(ui->pending_line);
    uv_handle_t *hs[] = {(uv_handle_t *)&ui->stdin_poll,  (uv_handle_t *)&ui->sigwinch,
                         (uv_handle_t *)&ui->prepare,     (uv_handle_t *)&ui->check,
                         (uv_handle_t *)&ui->idle_timer,  (uv_handle_t *)&ui->tick_timer,
                         (uv_handle_t *)&ui->typing_timer, (uv_handle_t *)&ui->sigtstp};
    for (size_t i = 0; i < sizeof hs / sizeof hs[0]; i++)
        uv_close(hs[i], on_closed);
    if (ui->tmux_watching) {
        uv_close((uv_handle_t *)&ui->tmux_watch, on_closed);
        uv_close((uv_handle_t *)&ui->tmux_timer, on_closed);
    }
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keys.c - from keystrokes to actions.
 *
 * ncurses decodes function keys; we add the sequences it may not know
 * (Alt-Left/Right as xterm sends them, and the bracketed paste markers
 * ESC[200~ / ESC[201~). An Alt key arrives as ESC followed by the key in
 * the same read (ESCDELAY is 25 ms, so over SSH the pair still comes
 * together); an ESC with nothing after it in the drain is the Esc key.
 *
 * Keys go first to a paste in progress (everything is text, newlines
 * included), then to the global bindings of the contract (windows,
 * scrolling, redraw, focus), then to whichever of the input line or the
 * roster has the focus.
 *
 * The roster takes only the keys it uses, and none of its letters
 * changes the server's roster on its own: any other printable key leaves
 * the roster and is typed on the input line, so that a word or a command
 * typed there by mistake ends up on the input line instead of running
 * one-key commands ("study" once reached d, and its y answered "remove?").
 * Removing takes d and then the typed word "remove"; renaming and adding
 * take keys that typing cannot produce (F2, Insert). Switching windows
 * gives the focus back to the input line. */
#include "ui/ui_int.h"
#include "xml/utf8.h"

#include <stdlib.h>
#include <string.h>

#define CTL(c) ((wint_t)((c)&0x1f))

enum { KEY_ESC = 27 };

static int key_paste_start, key_paste_end, key_alt_left, key_alt_right;

/* Use the terminal's code for seq if terminfo has one, else our own. */
static int bind_seq(const char *seq, int fallback)
{
    int code = key_defined(seq);
    if (code > 0)
        return code;
    define_key(seq, fallback);
    return fallback;
}

void ui_keys_setup(void)
{
    key_paste_start = bind_seq("\033[200~", KEY_MAX + 1);
    key_paste_end = bind_seq("\033[201~", KEY_MAX + 2);
    key_alt_left = bind_seq("\033[1;3D", KEY_MAX + 3);
    key_alt_right = bind_seq("\033[1;3C", KEY_MAX + 4);
}

static bool printable(wint_t c)
{
    return c >= 0x20 && c != 0x7F && c <= 0x10FFFF && !(c >= 0xD800 && c <= 0xDFFF);
}

static void insert_text(struct ui *ui, const char *text, size_t len)
{
    if (input_insert(ui->in, text, len)) {
        ui->input_full = false;
    } else if (!ui->input_full) {
        /* Once, not for every character of a huge paste. */
        ui_status_error(ui, "the input line is full (%d bytes)", INPUT_MAX_BYTES);
        ui->input_full = true;
    }
    ui_dirty(ui, UI_DIRTY_INPUT);
}

static void insert_char(struct ui *ui, wint_t c)
{
    char buf[4];
    insert_text(ui, buf, utf8_encode(c, buf));
}

/* ---- bracketed paste ---- */

/* A paste is never sent by itself, even when it ends with a newline
 * (copied whole lines): a 300-line paste once went out that way. The
 * final newline is dropped, and the text waits on the input line for
 * Enter, like any other. */
static void paste_end(struct ui *ui)
{
    ui->paste = false;
    const char *t = input_text(ui->in);
    size_t len = input_len(ui->in);
    if (len > 0 && t[len - 1] == '\n')
        input_do(ui->in, INPUT_BACKSPACE); /* the cursor is after the paste */
    ui_dirty(ui, UI_DIRTY_INPUT);
}

static unsigned line_count(const char *t)
{
    unsigned n = 1;
    for (; *t; t++)
        n += *t == '\n';
    return n;
}

/* Enter on a message of many lines (a paste) asks once: "send 300
 * lines?" on the input line; Enter again sends, any other key goes back
 * to editing (see handle). */
static bool confirm_first(struct ui *ui)
{
    unsigned max = ui->opt.paste_confirm_lines, n = line_count(input_text(ui->in));
    if (max == 0 || n <= max || ui->confirm_lines) {
        ui->confirm_lines = 0;
        return false;
    }
    ui->confirm_lines = n;
    return true;
}

static void paste_key(struct ui *ui, int r, wint_t ch)
{
    if (r == KEY_CODE_YES) {
        if ((int)ch == key_paste_end)
            paste_end(ui);
        return;
    }
    if (ch == '\r' || ch == '\n')
        insert_text(ui, "\n", 1);
    else if (ch == '\t')
        insert_text(ui, "\t", 1);
    else if (printable(ch))
        insert_char(ui, ch);
    ui_dirty(ui, UI_DIRTY_INPUT);
}

/* ---- keys that work everywhere ---- */

static void scroll_chat(struct ui *ui, int dir)
{
    struct screen_layout *l = &ui->scr.lay;
    int page = l->pane_h > 2 ? l->pane_h - 1 : 1;
    struct chatwin *w = chatwins_current(&ui->wins);
    /* At the top, the page before comes from the store or the archive. */
    if (chatwin_scroll(w, dir * page, l->chat_w, l->pane_h, ui->tsfmt) && dir > 0)
        ui_history_older(ui, w);
    else if (dir < 0 && w->scroll == 0)
        ui_history_newest(ui, w); /* back at the bottom of a window opened at a search result */
    ui_dirty(ui, UI_DIRTY_CHAT | UI_DIRTY_TITLE | UI_DIRTY_STATUS);
}

static void set_focus(struct ui *ui, enum ui_focus f)
{
    ui->focus = f;
    ui->filtering = false;
    ui_dirty(ui, UI_DIRTY_ROSTER | UI_DIRTY_INPUT | UI_DIRTY_TITLE);
}

/* A window key means reading or writing in that window: the keys go to
 * its input line, even if the roster had them (or no window changed). */
static void switch_window(struct ui *ui, size_t index)
{
    if (ui->focus != UI_FOCUS_INPUT)
        set_focus(ui, UI_FOCUS_INPUT);
    ui_select_window(ui, index);
}

static void step_window(struct ui *ui, int dir)
{
    size_t n = ui->wins.n, cur = ui->wins.current;
    switch_window(ui, dir < 0 ? (cur + n - 1) % n : (cur + 1) % n);
}

static bool run_action(struct ui *ui, enum binding_action a)
{
    if (a >= BIND_WINDOW_1 && a <= BIND_WINDOW_10) {
        switch_window(ui, (size_t)(a - BIND_WINDOW_1));
        return true;
    }
    switch (a) {
    case BIND_NEXT_UNREAD: {
        long next = chatwins_next_unread(&ui->wins);
        switch_window(ui, next >= 0 ? (size_t)next : ui->wins.current);
        return true;
    }
    case BIND_ROSTER_FOCUS:
        set_focus(ui, ui->focus == UI_FOCUS_ROSTER ? UI_FOCUS_INPUT : UI_FOCUS_ROSTER);
        return true;
    case BIND_PREV_WINDOW:
        step_window(ui, -1);
        return true;
    case BIND_NEXT_WINDOW:
        step_window(ui, +1);
        return true;
    case BIND_REDRAW:
        ui_redraw_all(ui);
        return true;
    case BIND_SUSPEND:
        ui_suspend(ui);
        return true;
    case BIND_SCROLL_UP:
        scroll_chat(ui, +1);
        return true;
    case BIND_SCROLL_DOWN:
        scroll_chat(ui, -1);
        return true;
    case BIND_CANCEL_TRANSFER:
        ui_files_cancel_key(ui);
        return true;
    default:
        return false;
    }
}

static bool global_key(struct ui *ui, int r, wint_t ch, bool alt)
{
    int k = (int)ch;
    if (r == KEY_CODE_YES) {
        if (k == key_alt_left || (alt && k == KEY_LEFT))
            step_window(ui, -1);
        else if (k == key_alt_right || (alt && k == KEY_RIGHT))
            step_window(ui, +1);
        else if (k == KEY_PPAGE)
            scroll_chat(ui, +1);
        else if (k == KEY_NPAGE)
            scroll_chat(ui, -1);
        else if (k == KEY_RESIZE)
            ui_redraw_all(ui);
        else if (k == key_paste_start) {
            ui->paste = true; /* pasted text is typing: it goes to the input line */
            if (ui->focus != UI_FOCUS_INPUT && ui->prompt == UI_PROMPT_NONE)
                set_focus(ui, UI_FOCUS_INPUT);
        } else
            return false;
        return true;
    }
    return run_action(ui, bindings_lookup(&ui->bindings, ch, alt));
}

/* ---- the input line ---- */

static bool input_keycode(struct ui *ui, int k)
{
    static const struct {
        int key;
        enum input_op op;
    } map[] = {
        {KEY_LEFT, INPUT_LEFT},     {KEY_RIGHT, INPUT_RIGHT},         {KEY_HOME, INPUT_HOME},
        {KEY_END, INPUT_END},       {KEY_BACKSPACE, INPUT_BACKSPACE}, {KEY_DC, INPUT_DELETE},
        {KEY_UP, INPUT_HISTORY_UP}, {KEY_DOWN, INPUT_HISTORY_DOWN},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (map[i].key == k) {
            input_do(ui->in, map[i].op);
            return true;
        }
    }
    if (k == KEY_ENTER) {
        if (ui->prompt != UI_PROMPT_NONE)
            ui_prompt_answer(ui, input_text(ui->in));
        else if (!confirm_first(ui))
            ui_submit_line(ui, input_submit(ui->in));
        return true;
    }
    return false;
}

static bool input_ctrl(struct ui *ui, wint_t ch)
{
    static const struct {
        wint_t key;
        enum input_op op;
    } map[] = {
        {CTL('a'), INPUT_HOME},      {CTL('e'), INPUT_END},      {CTL('b'), INPUT_LEFT},
        {CTL('f'), INPUT_RIGHT},     {CTL('k'), INPUT_KILL_END}, {CTL('u'), INPUT_KILL_START},
        {CTL('w'), INPUT_KILL_WORD}, {CTL('y'), INPUT_YANK},     {CTL('d'), INPUT_DELETE},
        {CTL('h'), INPUT_BACKSPACE}, {0x7F, INPUT_BACKSPACE},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (map[i].key == ch) {
            input_do(ui->in, map[i].op);
            return true;
        }
    }
    return false;
}

static void input_key(struct ui *ui, int r, wint_t ch, bool alt)
{
    ui_dirty(ui, UI_DIRTY_INPUT);
    if (r == KEY_CODE_YES) {
        input_keycode(ui, (int)ch);
        return;
    }
    if (alt) {
        if (ch == 'b' || ch == 'B')
            input_do(ui->in, INPUT_WORD_LEFT);
        else if (ch == 'f' || ch == 'F')
            input_do(ui->in, INPUT_WORD_RIGHT);
        return;
    }
    if (ch == '\r' || ch == '\n')
        input_keycode(ui, KEY_ENTER);
    else if (ch == '\t' && !ui_prompt_is_secret(ui->prompt))
        input_complete(ui->in, ui_complete, ui); /* a list would show what a password starts with */
    else if (ch == KEY_ESC) {
        if (ui->prompt != UI_PROMPT_NONE)
            ui_prompt_answer(ui, NULL);
        else
            input_choices_end(ui->in); /* Tab's list goes; the line stays */
    } else if (ch == CTL('c')) {
        /* What Ctrl-C cleared comes back with Ctrl-Y (issue 9: a line
         * cleared by mistake was lost); a secret is not kept. */
        if (input_len(ui->in) == 0)
            ui_info(ui, chatwins_current(&ui->wins), CHATLINE_INFO, "type /quit to leave");
        if (ui_prompt_is_secret(ui->prompt))
            input_clear(ui->in);
        else
            input_do(ui->in, INPUT_KILL_LINE);
    } else if (!input_ctrl(ui, ch) && printable(ch)) {
        insert_char(ui, ch);
    }
}

/* ---- the roster ---- */

/* While filtering, Enter should open the best match: the first contact. */
static void select_first_contact(struct rosterpane *rp)
{
    struct rosterview_row row;
    for (size_t i = 0; rosterpane_row(rp, i, &row, NULL); i++) {
        if (row.kind == ROSTERVIEW_CONTACT) {
            rosterpane_select(rp, i);
            return;
        }
    }
}

/* The roster's selection, with its account put in context: a key on a
 * contact acts for the account whose section it is in. */
static const char *roster_selection(struct ui *ui)
{
    size_t sec = 0;
    const char *jid = rosterpane_selected_jid(&ui->rp, &sec);
    if (sec < ui->naccts)
        ui_use_account(ui, ui->accts[sec]);
    return jid;
}

static void filter_key(struct ui *ui, int r, wint_t ch)
{
    bool typed = false;
    char f[256];
    snprintf(f, sizeof f, "%s", rosterpane_filter(&ui->rp));
    size_t len = strlen(f);
    if (r == KEY_CODE_YES && (ch == KEY_UP || ch == KEY_DOWN)) {
        rosterpane_move(&ui->rp, ch == KEY_UP ? -1 : 1);
    } else if (ch == KEY_ESC) {
        f[0] = '\0';
        ui->filtering = false;
    } else if ((r == KEY_CODE_YES && ch == KEY_ENTER) || ch == '\r' || ch == '\n') {
        const char *jid = roster_selection(ui);
        ui->filtering = false;
        f[0] = '\0';
        if (jid) {
            char *j = strdup(jid);
            rosterpane_set_filter(&ui->rp, "");
            ui_open_chat(ui, j, true);
            set_focus(ui, UI_FOCUS_INPUT);
            free(j);
        }
    } else if ((r == KEY_CODE_YES && ch == KEY_BACKSPACE) || ch == 0x7F || ch == CTL('h')) {
        while (len > 0 && ((unsigned char)f[len - 1] & 0xC0) == 0x80)
            len--;
        f[len > 0 ? len - 1 : 0] = '\0';
    } else if (r != KEY_CODE_YES && printable(ch) && len + 4 < sizeof f) {
        f[len + utf8_encode(ch, f + len)] = '\0';
        typed = true;
    }
    rosterpane_set_filter(&ui->rp, f);
    if (typed)
        select_first_contact(&ui->rp);
    ui_dirty(ui, UI_DIRTY_ROSTER | UI_DIRTY_TITLE);
}

/* F2: the new name starts as the old one, so that Enter alone changes
 * nothing and a typo is mended rather than retyped. */
static void ask_rename(struct ui *ui, const char *jid)
{
    const struct roster_item *it = roster_find(session_roster(ui->a->session), jid);
    ui_ask(ui, UI_PROMPT_RENAME, jid);
    if (it && it->name)
        input_set_text(ui->in, it->name);
}

static void roster_enter(struct ui *ui)
{
    const char *jid = roster_selection(ui);
    if (!jid) {
        rosterpane_toggle(&ui->rp);
        return;
    }
    if (rosterpane_selected_room(&ui->rp)) {
        size_t index = 0;
        if (chatwins_find(&ui->wins, jid, &index))
            ui_select_window(ui, index);
        set_focus(ui, UI_FOCUS_INPUT);
        return;
    }
    char *j = strdup(jid);
    ui_open_chat(ui, j, true);
    free(j);
    set_focus(ui, UI_FOCUS_INPUT);
}

/* A contact's key on a group row once did nothing and said nothing
 * (issue 9): say what it wants. */
static void on_group_row(struct ui *ui, const char *what)
{
    struct rosterview_row row;
    if (!rosterpane_row(&ui->rp, rosterpane_selected(&ui->rp), &row, NULL))
        return;
    ui_status_note(ui, "%s is a group: this key %s a contact; select one with j/k "
                       "(/roster group JID GROUP moves a contact)",
                   row.group, what);
}

/* i: the details go where they are about, the contact's chat window if
 * one is open, else the status window, and that window is shown (issue
 * 9: they went into whatever chat was open). The roster keeps the keys,
 * so that j, i, j, i reads one contact after another. */
static void roster_info(struct ui *ui, const char *jid)
{
    if (!jid) {
        on_group_row(ui, "shows the details of");
        return;
    }
    size_t index = 0;
    struct chatwin *w = chatwins_find(&ui->wins, jid, &index);
    ui_select_window(ui, w && w->kind == CHATWIN_CHAT ? index : 0);
    ui_roster_details(ui, jid);
}

static void roster_action(struct ui *ui, enum binding_action a, const char *jid)
{
    /* A room's row takes Enter (its window) and moves; a contact's keys
     * say what a room wants instead. */
    if (jid && rosterpane_selected_room(&ui->rp) &&
        (a == BIND_ROSTER_INFO || a == BIND_ROSTER_REMOVE || a == BIND_ROSTER_RENAME ||
         a == BIND_ROSTER_BLOCK)) {
        ui_status_note(ui, "%s is a room: Enter opens its window, /part leaves it, "
                           "/close closes it",
                       jid);
        return;
    }
    switch (a) {
    case BIND_ROSTER_DOWN:
        rosterpane_move(&ui->rp, 1);
        break;
    case BIND_ROSTER_UP:
        rosterpane_move(&ui->rp, -1);
        break;
    case BIND_ROSTER_TOP:
        rosterpane_select(&ui->rp, 0);
        break;
    case BIND_ROSTER_BOTTOM:
        rosterpane_select(&ui->rp, (size_t)-1);
        break;
    case BIND_ROSTER_OPEN:
        roster_enter(ui);
        break;
    case BIND_ROSTER_FILTER:
        ui->filtering = true;
        ui_dirty(ui, UI_DIRTY_TITLE);
        break;
    case BIND_ROSTER_FOLD:
        rosterpane_toggle(&ui->rp);
        break;
    case BIND_ROSTER_OFFLINE:
        rosterpane_set_show_offline(&ui->rp, !rosterpane_show_offline(&ui->rp));
        ui_dirty(ui, UI_DIRTY_TITLE);
        break;
    case BIND_ROSTER_INFO:
        roster_info(ui, jid);
        break;
    case BIND_ROSTER_REMOVE:
        if (jid)
            ui_ask(ui, UI_PROMPT_REMOVE, jid);
        else
            on_group_row(ui, "removes");
        break;
    case BIND_ROSTER_RENAME:
        if (jid)
            ask_rename(ui, jid);
        else
            on_group_row(ui, "renames");
        break;
    case BIND_ROSTER_BLOCK:
        /* Blocking asks first, as removing does; unblocking undoes it. */
        if (jid && session_is_blocked(ui->a->session, jid))
            ui_unblock(ui, jid);
        else if (jid)
            ui_ask(ui, UI_PROMPT_BLOCK, jid);
        else
            on_group_row(ui, "blocks");
        break;
    case BIND_ROSTER_ADD:
        ui_ask(ui, UI_PROMPT_ADD, NULL);
        break;
    default:
        break;
    }
}

/* The roster's keys come from the bindings (bindings.c: "bind.d =
 * roster-remove"); the arrows, Home, End and Esc are fixed. */
static void roster_key(struct ui *ui, int r, wint_t ch)
{
    const char *jid = roster_selection(ui);
    int k = r == KEY_CODE_YES ? (int)ch : -1;
    if (k < 0)
        ch = ch == '\n' ? '\r' : ch;
    ui_dirty(ui, UI_DIRTY_ROSTER);
    static const struct {
        int key;
        enum binding_action a;
    } fixed[] = {{KEY_DOWN, BIND_ROSTER_DOWN}, {KEY_UP, BIND_ROSTER_UP},
                 {KEY_HOME, BIND_ROSTER_TOP},  {KEY_END, BIND_ROSTER_BOTTOM},
                 {KEY_ENTER, BIND_ROSTER_OPEN}};
    enum binding_action a = bindings_roster(&ui->bindings, k >= 0 ? (wint_t)k : ch, k >= 0);
    for (size_t i = 0; a == BIND_NONE && k >= 0 && i < sizeof fixed / sizeof fixed[0]; i++)
        if (fixed[i].key == k)
            a = fixed[i].a;
    if (a != BIND_NONE) {
        roster_action(ui, a, jid);
    } else if (k < 0 && ch == KEY_ESC) {
        if (rosterpane_filter(&ui->rp)[0])
            filter_key(ui, OK, KEY_ESC);
        else
            set_focus(ui, UI_FOCUS_INPUT);
    } else if (k < 0 && printable(ch)) {
        /* Not a roster key: the user is typing. "/" included, so that a
         * command line typed here is a command. */
        set_focus(ui, UI_FOCUS_INPUT);
        input_key(ui, r, ch, false);
    }
}

/* ---- dispatch ---- */

static void handle(struct ui *ui, int r, wint_t ch, bool alt)
{
    ui_use_account(ui, NULL); /* a key acts for its window's account */
    /* "send N lines?" holds for the next key only: any key but Enter
     * (Esc, an edit, a window key, a paste) keeps the text unsent. */
    bool enter = r == KEY_CODE_YES ? ch == KEY_ENTER : ch == '\r' || ch == '\n';
    if (ui->confirm_lines && (!enter || ui->paste || alt)) {
        ui->confirm_lines = 0;
        ui_dirty(ui, UI_DIRTY_INPUT);
        if (r != KEY_CODE_YES && ch == KEY_ESC)
            return; /* only the question goes */
    }
    if (ui->paste) {
        paste_key(ui, r, ch);
        return;
    }
    if (global_key(ui, r, ch, alt))
        return;
    /* A question on the input line takes the keys until answered. */
    if (ui->prompt == UI_PROMPT_STORE && r != KEY_CODE_YES) {
        ui_prompt_answer(ui, ch == 'y' || ch == 'Y' ? "y" : NULL);
        return;
    }
    if (ui->focus == UI_FOCUS_ROSTER && ui->prompt == UI_PROMPT_NONE) {
        if (ui->filtering)
            filter_key(ui, r, ch);
        else if (!alt)
            roster_key(ui, r, ch);
        return;
    }
    input_key(ui, r, ch, alt);
}

/* Tab's candidates take the status line's place (ui.c) until a key ends
 * the completion: repaint that row when they come or go. */
static void handle_listed(struct ui *ui, int r, wint_t ch, bool alt)
{
    bool listed = input_choices(ui->in) > 0;
    handle(ui, r, ch, alt);
    if (listed || input_choices(ui->in) > 0)
        ui_dirty(ui, UI_DIRTY_STATUS);
}

int ui_keys_drain(struct ui *ui)
{
    int keys = 0;
    for (;;) {
        wint_t ch;
        int r = get_wch(&ch);
        if (r == ERR)
            break;
        keys++;
        if (r != KEY_CODE_YES && ch == KEY_ESC && !ui->paste) {
            if (ui->esc_pending)
                handle_listed(ui, OK, KEY_ESC, false);
            ui->esc_pending = true;
            continue;
        }
        bool alt = ui->esc_pending;
        ui->esc_pending = false;
        handle_listed(ui, r, ch, alt);
    }
    if (ui->esc_pending) {
        ui->esc_pending = false;
        handle_listed(ui, OK, KEY_ESC, false);
    }
    if (keys) {
        ui_activity(ui);
        ui_typing_keys(ui);
    }
    return keys;
}

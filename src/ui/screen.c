/* SPDX-License-Identifier: GPL-3.0-or-later */
/* screen.c - drawing the panes with ncursesw.
 *
 * Each pane is its own curses window. A pane is redrawn into its window
 * only when its content changed, then wnoutrefresh marks it and one
 * doupdate per loop iteration (in ui.c) sends the difference to the
 * terminal: ncurses compares with what the terminal shows and writes only
 * the changed cells, so a new message in the open chat costs one line of
 * output, not a screen. Nothing here calls clear() or touchwin().
 *
 * Colours come from the theme by role, one colour pair per role, with
 * -1 (the terminal's default) as background unless the theme says
 * otherwise, so transparent terminals and tmux keep their own. */
#include "ui/screen.h"

#include <langinfo.h>
#include <stdlib.h>
#include <string.h>

#include "ui/nickcolor.h"
#include "ui/textwidth.h"

/* The delivery mark: U+2713 where the terminal surely draws it, '+' on
 * a vt100-like terminal or outside a UTF-8 locale. Both take one column,
 * so wrapping does not depend on the choice. */
static const char *pick_delivered_mark(void)
{
    const char *term = getenv("TERM");
    const char *cs = nl_langinfo(CODESET);
    bool utf8 = cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
    if (!utf8 || !term || strncmp(term, "vt", 2) == 0 || strcmp(term, "dumb") == 0 ||
        strcmp(term, "linux") == 0)
        return " +";
    return " \u2713";
}

void screen_layout(int rows, int cols, int roster_width, struct screen_layout *out)
{
    if (rows < 4)
        rows = 4;
    if (cols < 10)
        cols = 10;
    out->rows = rows;
    out->cols = cols;
    out->pane_h = rows - 3;
    int rw = roster_width > 0 ? roster_width : 24;
    /* The chat needs the room more than the roster on small terminals. */
    if (rw > cols * 2 / 5)
        rw = cols * 2 / 5;
    if (cols < 30)
        rw = 0;
    out->roster_w = rw;
    /* One column of the chat pane's own after the separator. */
    out->chat_x = rw ? rw + 2 : 0;
    out->chat_w = cols - out->chat_x;
}

static attr_t theme_attrs(unsigned a)
{
    attr_t r = A_NORMAL;
    if (a & THEME_BOLD)
        r |= A_BOLD;
    if (a & THEME_DIM)
        r |= A_DIM;
    if (a & THEME_UNDERLINE)
        r |= A_UNDERLINE;
    if (a & THEME_REVERSE)
        r |= A_REVERSE;
    if (a & THEME_ITALIC)
        r |= A_ITALIC;
    if (a & THEME_BLINK)
        r |= A_BLINK;
    return r;
}

static void init_colors(struct screen *s, const struct theme *t)
{
    int ncolors = 0;
    if (has_colors() && start_color() == OK) {
        use_default_colors();
        ncolors = COLORS;
    }
    s->ncolors = ncolors;
    memset(s->nick_pair, 0, sizeof s->nick_pair);
    s->nick_bg = theme_bg(&t->style[THEME_CHAT_NICK_OTHER], ncolors);
    for (int i = 0; i < THEME_NROLES; i++) {
        const struct theme_style *st = &t->style[i];
        s->attr[i] = theme_attrs(st->attrs);
        /* Without colours, a bar drawn on a background colour would melt
         * into the text around it (vt100, TERM=dumb-like terminals):
         * reverse video draws the same bar in black and white. */
        if (ncolors == 0 && st->bg != THEME_COLOR_DEFAULT)
            s->attr[i] |= A_REVERSE;
        s->pair[i] = 0;
        short fg = theme_fg(st, ncolors), bg = theme_bg(st, ncolors);
        if (ncolors > 0 && (fg != -1 || bg != -1) && i + 1 < COLOR_PAIRS) {
            init_pair((short)(i + 1), fg, bg);
            s->pair[i] = (short)(i + 1);
        }
    }
}

static void del_windows(struct screen *s)
{
    WINDOW **all[] = {&s->title, &s->roster, &s->sep, &s->chat, &s->status, &s->input};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (*all[i])
            delwin(*all[i]);
        *all[i] = NULL;
    }
}

static WINDOW *make(int h, int w, int y, int x)
{
    WINDOW *win = newwin(h > 0 ? h : 1, w > 0 ? w : 1, y, x);
    if (win) {
        leaveok(win, TRUE);
        scrollok(win, FALSE);
    }
    return win;
}

void screen_resize(struct screen *s)
{
    struct screen_layout *l = &s->lay;
    /* get_wch reads through stdscr and refreshes it when it is touched,
     * which would paint a blank screen over the panes: mark it as shown,
     * before the panes, so that it is never refreshed on its own. */
    werase(stdscr);
    wnoutrefresh(stdscr);
    del_windows(s);
    screen_layout(LINES, COLS, s->roster_width, l);
    s->title = make(1, l->cols, 0, 0);
    if (l->roster_w) {
        s->roster = make(l->pane_h, l->roster_w, 1, 0);
        s->sep = make(l->pane_h, 1, 1, l->roster_w);
    }
    s->chat = make(l->pane_h, l->chat_w, 1, l->chat_x);
    s->status = make(1, l->cols, l->rows - 2, 0);
    s->input = make(1, l->cols, l->rows - 1, 0);
    if (s->input)
        leaveok(s->input, FALSE);
    screen_draw_separator(s, false);
}

void screen_init(struct screen *s, const struct theme *t, int roster_width)
{
    memset(s, 0, sizeof *s);
    s->roster_width = roster_width;
    s->delivered_mark = pick_delivered_mark();
    init_colors(s, t);
    screen_resize(s);
}

void screen_free(struct screen *s)
{
    del_windows(s);
}

int screen_put(WINDOW *w, const char *text, size_t len, int maxcols, attr_t attr, short pair)
{
    wchar_t buf[256];
    size_t n = 0, i = 0;
    int cols = 0;
    wattr_set(w, attr, pair, NULL);
    while (i < len) {
        wchar_t wc;
        size_t k = textwidth_decode(text + i, len - i, &wc);
        int cw = textwidth_char(wc);
        if (cols + cw > maxcols)
            break;
        /* A combining mark with nothing before it on this row would be
         * drawn alone; show it on a space instead. */
        if (cw == 0 && n == 0 && cols == 0) {
            if (maxcols < 1)
                break;
            buf[n++] = ' ';
            cols = 1;
        }
        buf[n++] = textwidth_glyph(wc);
        cols += cw;
        i += k;
        if (n >= sizeof buf / sizeof buf[0] - 2) {
            waddnwstr(w, buf, (int)n);
            n = 0;
        }
    }
    if (n)
        waddnwstr(w, buf, (int)n);
    return cols;
}

static int put_str(WINDOW *w, const char *text, int maxcols, enum theme_role role,
                   const struct screen *s)
{
    return screen_put(w, text, strlen(text), maxcols, s->attr[role], s->pair[role]);
}

/* Paint row y with the role's background before the text goes on it:
 * filling after the text would need the cursor, which ncurses does not
 * advance past a window's last column. */
static void fill_row(WINDOW *w, int y, int width, attr_t attr, short pair)
{
    wattr_set(w, attr, pair, NULL);
    for (int x = 0; x < width; x++)
        mvwaddch(w, y, x, ' ');
    wmove(w, y, 0);
}

void screen_draw_title(struct screen *s, const char *roster_title, const char *chat_title,
                       bool roster_focused)
{
    WINDOW *w = s->title;
    fill_row(w, 0, s->lay.cols, s->attr[THEME_TITLE], s->pair[THEME_TITLE]);
    if (s->lay.roster_w) {
        /* The roster's part of the title is drawn like its selection while
         * it has the keys: where the keys go shows at a glance. */
        attr_t a = s->attr[THEME_TITLE] | (roster_focused ? s->attr[THEME_ROSTER_SELECTED] : 0);
        fill_row(w, 0, s->lay.roster_w, a, s->pair[THEME_TITLE]);
        wmove(w, 0, 1);
        screen_put(w, roster_title, strlen(roster_title), s->lay.roster_w - 1, a,
                   s->pair[THEME_TITLE]);
        wattr_set(w, s->attr[THEME_TITLE], s->pair[THEME_TITLE], NULL);
        mvwaddch(w, 0, s->lay.roster_w, ACS_VLINE);
    }
    wmove(w, 0, s->lay.chat_x);
    /* Cut with "…", so that a cut title does not look whole (issue 9). */
    char cut[2048];
    textwidth_truncate(chat_title, s->lay.chat_w - 1, cut, sizeof cut);
    put_str(w, cut, s->lay.chat_w - 1, THEME_TITLE, s);
    wnoutrefresh(w);
}

static char show_marker(enum presence_show show)
{
    switch (show) {
    case SHOW_CHAT:
        return '+';
    case SHOW_ONLINE:
        return '*';
    case SHOW_AWAY:
        return '-';
    case SHOW_XA:
        return '=';
    case SHOW_DND:
        return '!';
    case SHOW_OFFLINE:
        break;
    }
    return ' ';
}

static enum theme_role show_role(enum presence_show show)
{
    switch (show) {
    case SHOW_CHAT:
    case SHOW_ONLINE:
        return THEME_ROSTER_ONLINE;
    case SHOW_AWAY:
    case SHOW_XA:
        return THEME_ROSTER_AWAY;
    case SHOW_DND:
        return THEME_ROSTER_DND;
    case SHOW_OFFLINE:
        break;
    }
    return THEME_ROSTER_OFFLINE;
}

static void draw_roster_row(struct screen *s, const struct rosterview_row *r, bool selected)
{
    WINDOW *w = s->roster;
    int width = s->lay.roster_w;
    char buf[128];
    attr_t sel = selected ? s->attr[THEME_ROSTER_SELECTED] : 0;
    if (selected) {
        int y = getcury(w);
        fill_row(w, y, width, sel, 0);
    }
    if (r->kind == ROSTERVIEW_ACCOUNT) {
        /* An account's header: the groups' colour, bold and underlined so
         * that it stands above them; folded shows "+". */
        attr_t a = s->attr[THEME_ROSTER_GROUP] | (r->detail ? 0 : A_BOLD | A_UNDERLINE) | sel;
        wattr_set(w, a, s->pair[THEME_ROSTER_GROUP], NULL);
        waddstr(w, r->detail ? "  " : r->collapsed ? "+ " : "- ");
        screen_put(w, r->label, strlen(r->label), width > 3 ? width - 2 : 1, a,
                   s->pair[THEME_ROSTER_GROUP]);
    } else if (r->kind == ROSTERVIEW_GROUP) {
        wattr_set(w, s->attr[THEME_ROSTER_GROUP] | sel, s->pair[THEME_ROSTER_GROUP], NULL);
        waddstr(w, r->above ? "^ " : r->collapsed ? "> " : "v ");
        snprintf(buf, sizeof buf, " (%u/%u)", r->online, r->total);
        int room = width - 2 - textwidth_str(buf);
        int used = screen_put(w, r->group, strlen(r->group), room > 1 ? room : 1,
                              s->attr[THEME_ROSTER_GROUP] | sel, s->pair[THEME_ROSTER_GROUP]);
        if (2 + used + textwidth_str(buf) <= width)
            waddstr(w, buf);
    } else {
        enum theme_role role = show_role(r->show);
        wattr_set(w, s->attr[role] | sel, s->pair[role], NULL);
        waddch(w, r->blocked ? '!' : r->asking ? '?' : ' ');
        waddch(w, ' ');
        waddch(w, (chtype)show_marker(r->show));
        waddch(w, ' ');
        int room = width - 4;
        if (r->unread) {
            snprintf(buf, sizeof buf, " (%u)", r->unread);
            room -= textwidth_str(buf);
        }
        char label[256];
        textwidth_truncate(r->label, room > 1 ? room : 1, label, sizeof label);
        screen_put(w, label, strlen(label), room > 1 ? room : 1, s->attr[role] | sel,
                   s->pair[role]);
        if (r->unread)
            screen_put(w, buf, strlen(buf), width, s->attr[THEME_ROSTER_UNREAD] | sel,
                       s->pair[THEME_ROSTER_UNREAD]);
    }
}

void screen_draw_roster(struct screen *s, struct rosterpane *rp, bool focused, bool cursor)
{
    WINDOW *w = s->roster;
    if (!w)
        return;
    werase(w);
    size_t top = rosterpane_top(rp, s->lay.pane_h);
    size_t sel = rosterpane_selected(rp);
    for (int y = 0; y < s->lay.pane_h; y++) {
        struct rosterview_row row;
        bool ok = y == 0 ? rosterpane_top_row(rp, top, &row)
                         : rosterpane_row(rp, top + (size_t)y, &row, NULL);
        if (!ok)
            break;
        wmove(w, y, 0);
        draw_roster_row(s, &row, focused && top + (size_t)y == sel);
    }
    wmove(w, sel >= top ? (int)(sel - top) : 0, 0);
    leaveok(w, cursor ? FALSE : TRUE);
    wnoutrefresh(w);
}

void screen_draw_separator(struct screen *s, bool roster_focused)
{
    if (!s->sep)
        return;
    attr_t a = s->attr[THEME_BORDER] | (roster_focused ? s->attr[THEME_ROSTER_SELECTED] : 0);
    wattr_set(s->sep, a, s->pair[THEME_BORDER], NULL);
    mvwvline(s->sep, 0, 0, ACS_VLINE, s->lay.pane_h);
    wnoutrefresh(s->sep);
}

/* ---- chat pane ---- */

struct chat_draw {
    struct screen *s;
    const struct chatline *line;
    const char *tsfmt;
    int y0;     /* screen row of the line's first row (may be negative) */
    int prefix; /* columns */
};

static enum theme_role text_role(const struct chatline *l)
{
    enum chatline_kind k = l->kind;
    return l->mention            ? THEME_CHAT_MENTION
           : k == CHATLINE_INFO  ? THEME_CHAT_INFO
           : k == CHATLINE_ERROR ? THEME_CHAT_ERROR
                                 : THEME_CHAT_TEXT;
}

/* The pair for others' nicks: XEP-0392's colour of the nick (see
 * nickcolor.c) on chat.nick.other's background, with its attributes;
 * chat.nick.other's own colour where the terminal has too few. Our own
 * nick keeps chat.nick.self, so that we stand apart. */
static short nick_pair(struct screen *s, const char *nick)
{
    short c = nickcolor_pick(nick, s->ncolors);
    if (c < 0 || c > 255)
        return s->pair[THEME_CHAT_NICK_OTHER];
    if (!s->nick_pair[c]) {
        short pair = (short)(THEME_NROLES + 1 + c);
        if (pair >= COLOR_PAIRS || init_pair(pair, c, s->nick_bg) != OK)
            return s->pair[THEME_CHAT_NICK_OTHER];
        s->nick_pair[c] = pair;
    }
    return s->nick_pair[c];
}

static void put_nick(struct chat_draw *d, WINDOW *w, int maxcols)
{
    struct screen *s = d->s;
    const char *nick = d->line->nick ? d->line->nick : "";
    if (d->line->kind == CHATLINE_OUT) {
        put_str(w, nick, maxcols, THEME_CHAT_NICK_SELF, s);
        return;
    }
    screen_put(w, nick, strlen(nick), maxcols, s->attr[THEME_CHAT_NICK_OTHER], nick_pair(s, nick));
}

static void draw_prefix(struct chat_draw *d, WINDOW *w)
{
    char ts[64];
    struct tm tm;
    localtime_r(&d->line->stamp, &tm);
    if (strftime(ts, sizeof ts, d->tsfmt, &tm) == 0)
        ts[0] = '\0';
    struct screen *s = d->s;
    int width = s->lay.chat_w;
    /* The space goes with the time: one attribute change less per line,
     * which is bytes on every message over SSH. */
    int used = put_str(w, ts, width, THEME_CHAT_TIME, s);
    used += put_str(w, " ", width - used, THEME_CHAT_TIME, s);
    enum chatline_kind k = d->line->kind;
    const char *mark = chatwin_mark(d->line); /* as chatwin_prefix counts it */
    if (*mark)
        used += put_str(w, mark, width - used, THEME_CHAT_TIME, s);
    if ((k == CHATLINE_IN || k == CHATLINE_OUT) && d->line->encrypted)
        used += put_str(w, "~", width - used, THEME_CHAT_TIME, s); /* OMEMO (ui/omemo.c) */
    if ((k == CHATLINE_IN || k == CHATLINE_OUT) && d->line->action) {
        used += put_str(w, "* ", width - used, THEME_CHAT_TEXT, s);
        put_nick(d, w, width - used);
        used = getcurx(w);
        put_str(w, " ", width - used, THEME_CHAT_TEXT, s);
    } else if (k == CHATLINE_IN || k == CHATLINE_OUT) {
        put_nick(d, w, width - used);
        used = getcurx(w);
        put_str(w, "> ", width - used, THEME_CHAT_TEXT, s);
    } else if (k == CHATLINE_ERROR) {
        put_str(w, "! ", width - used, THEME_CHAT_ERROR, s);
    }
}

static void chat_row(void *ud, int row, int col, const char *text, size_t len)
{
    struct chat_draw *d = ud;
    WINDOW *w = d->s->chat;
    int y = d->y0 + row;
    if (y < 0 || y >= d->s->lay.pane_h)
        return;
    if (!text) {
        wmove(w, y, col);
        put_str(w, d->s->delivered_mark, d->s->lay.chat_w - col, THEME_CHAT_TIME, d->s);
        return;
    }
    wmove(w, y, 0);
    if (row == 0)
        draw_prefix(d, w);
    wmove(w, y, col);
    enum theme_role role = text_role(d->line);
    screen_put(w, text, len, d->s->lay.chat_w - col, d->s->attr[role], d->s->pair[role]);
}

/* A row between lines: "--- Friday 2026-01-02 ---", "--- new since 14:05 ---". */
static void draw_marker(struct screen *s, int y, time_t when, const char *fmt)
{
    char text[128], label[100];
    struct tm tm;
    if (y < 0 || y >= s->lay.pane_h)
        return;
    localtime_r(&when, &tm);
    if (strftime(label, sizeof label, fmt, &tm) == 0)
        label[0] = '\0';
    snprintf(text, sizeof text, "--- %s ---", label);
    wmove(s->chat, y, 0);
    put_str(s->chat, text, s->lay.chat_w, THEME_CHAT_INFO, s);
}

void screen_draw_chat(struct screen *s, struct chatwin *win, const char *tsfmt)
{
    WINDOW *w = s->chat;
    int width = s->lay.chat_w, height = s->lay.pane_h;
    werase(w);
    int gap = chatwin_follow_gap(win, width, height, tsfmt, !s->line_scroll);
    /* Find the oldest line on screen: walk back from the newest until the
     * rows fill the pane (less the gap) plus the rows scrolled back. */
    long need = (long)(height - gap) + win->scroll, total = 0;
    size_t first = win->count;
    while (first > 0 && total < need) {
        first--;
        total += chatwin_rows(chatwin_line(win, first), width, tsfmt);
    }
    /* Fewer rows than the pane: fill from the top, as a new chat grows. */
    int y = total < need ? 0 : (int)(need - total);
    if (total < need && win->scroll > 0)
        y = 0;
    int indent = chatwin_indent(tsfmt, width);
    for (size_t i = first; i < win->count && y < height; i++) {
        struct chatline *l = chatwin_line(win, i);
        char prefix[256];
        if (l->day_row)
            draw_marker(s, y++, l->stamp, "%A %Y-%m-%d");
        if (l->new_row)
            draw_marker(s, y++, win->opened, "new since %H:%M");
        struct chat_draw d = {s, l, tsfmt, y, chatwin_prefix(l, tsfmt, prefix, sizeof prefix)};
        chatwin_layout(l, width, d.prefix, indent, chat_row, &d);
        y += chatwin_rows(l, width, tsfmt) - chatwin_rows_above(l);
    }
    wnoutrefresh(w);
}

void screen_draw_status(struct screen *s, const struct statusbar_seg *segs, size_t n)
{
    WINDOW *w = s->status;
    int width = s->lay.cols, used = 0;
    fill_row(w, 0, width, s->attr[THEME_STATUSBAR], s->pair[THEME_STATUSBAR]);
    for (size_t i = 0; i < n && used < width; i++) {
        if (i > 0)
            used += put_str(w, " ", width - used, THEME_STATUSBAR, s);
        used += put_str(w, segs[i].text, width - used, segs[i].role, s);
    }
    wnoutrefresh(w);
}

void screen_draw_input(struct screen *s, const char *prompt, struct input *in, bool mask,
                       bool show_cursor, const char *hint)
{
    WINDOW *w = s->input;
    int width = s->lay.cols;
    werase(w);
    wmove(w, 0, 0);
    /* A question may be long ("remove NAME (JID)? ..."): it gets all but
     * a few columns, and never less than half the line. */
    int pc =
        put_str(w, prompt, width - 16 > width / 2 ? width - 16 : width / 2, THEME_INPUT_PROMPT, s);
    int field = width - pc;
    size_t start = 0;
    int cursor_col = 0;
    if (hint && input_len(in) == 0) {
        put_str(w, hint, field - 1, THEME_INPUT_PROMPT, s);
    } else if (mask) {
        /* A password shows nothing, not even stars that give its length
         * away to anyone looking over a shoulder or at a recording. */
        cursor_col = 0;
    } else {
        input_view(in, field, &start, &cursor_col);
        const char *text = input_text(in);
        screen_put(w, text + start, input_len(in) - start, field - 1, s->attr[THEME_INPUT],
                   s->pair[THEME_INPUT]);
    }
    wmove(w, 0, pc + cursor_col);
    leaveok(w, show_cursor ? FALSE : TRUE);
    wnoutrefresh(w);
}

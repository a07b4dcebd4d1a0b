/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_ui_chatwin.c - windows and scrollback: numbering, unread counts,
 * Alt-a order, the ring's limit, wrapping with a prefix and wide text,
 * scroll clamping; and the status line's segments, and Tab's candidates
 * listed in its place. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "ui/chatwin.h"
#include "ui/statusbar.h"
#include "ui/textwidth.h"

#include <time.h>

/* Lines said today: a day row only shows where the day changes. */
static time_t now;

static void test_windows(void)
{
    struct chatwins ws;
    chatwins_init(&ws, 3);
    CHECK(ws.n == 1 && ws.current == 0 && chatwins_current(&ws)->kind == CHATWIN_STATUS);
    bool created;
    struct chatwin *bob = chatwins_open(&ws, "bob@localhost", "bob", &created);
    CHECK(created && ws.n == 2);
    CHECK(chatwins_open(&ws, "bob@localhost", "bob", &created) == bob && !created);
    struct chatwin *carol = chatwins_open(&ws, "carol@localhost", "carol", NULL);
    struct chatwin *dave = chatwins_open(&ws, "dave@localhost", "dave", NULL);
    size_t idx;
    CHECK(chatwins_find(&ws, "carol@localhost", &idx) == carol && idx == 2);
    CHECK(chatwins_next_unread(&ws) == -1);
    dave->unread = 2;
    bob->unread = 1;
    CHECK(chatwins_total_unread(&ws) == 3);
    CHECK(chatwins_next_unread(&ws) == 1);
    chatwins_select(&ws, 1);
    CHECK(bob->unread == 0);
    CHECK(chatwins_next_unread(&ws) == 3);
    chatwins_select(&ws, 3);
    CHECK(chatwins_next_unread(&ws) == -1);
    /* closing a window moves the later ones down */
    chatwins_select(&ws, 2);
    chatwins_close(&ws, 2);
    CHECK(ws.n == 3 && ws.current == 1 && ws.w[2] == dave);
    chatwins_close(&ws, 0); /* the status window stays */
    CHECK(ws.n == 3);
    /* the ring keeps the newest lines */
    for (int i = 0; i < 5; i++) {
        char t[16];
        snprintf(t, sizeof t, "m%d", i);
        chatwin_add(bob, now, CHATLINE_IN, "bob", t);
    }
    CHECK(bob->count == 3);
    CHECK_STR(chatwin_line(bob, 0)->text, "m2");
    CHECK_STR(chatwin_line(bob, 2)->text, "m4");
    chatwins_free(&ws);
    /* a ring that grows, then wraps */
    chatwins_init(&ws, 100);
    struct chatwin *st = ws.w[0];
    for (int i = 0; i < 250; i++) {
        char t[16];
        snprintf(t, sizeof t, "m%d", i);
        chatwin_add(st, now, CHATLINE_INFO, NULL, t);
    }
    CHECK(st->count == 100 && st->cap == 100);
    CHECK_STR(chatwin_line(st, 0)->text, "m150");
    CHECK_STR(chatwin_line(st, 99)->text, "m249");
    chatwins_free(&ws);
}

struct rows {
    char text[8][64];
    int col[8];
};

static void collect(void *ud, int row, int col, const char *text, size_t len)
{
    struct rows *r = ud;
    if (row < 8) {
        snprintf(r->text[row], sizeof r->text[row], "%.*s", (int)len, text);
        r->col[row] = col;
    }
}

/* The XML console: a window without a JID, with its own line limit,
 * found by kind and never by a JID. */
static void test_xml_window(void)
{
    struct chatwins ws;
    chatwins_init(&ws, 100);
    chatwins_open(&ws, "bob@localhost", "bob", NULL);
    CHECK(chatwins_find_kind(&ws, CHATWIN_XML, NULL) == NULL);
    struct chatwin *x = chatwins_add(&ws, CHATWIN_XML, "xml", 5);
    chatwins_open(&ws, "carol@localhost", "carol", NULL);
    size_t idx;
    CHECK(chatwins_find_kind(&ws, CHATWIN_XML, &idx) == x && idx == 2 && x->jid == NULL);
    CHECK(chatwins_find(&ws, "carol@localhost", &idx) && idx == 3);
    CHECK(chatwins_find(&ws, "nobody@localhost", NULL) == NULL);
    for (int i = 0; i < 8; i++)
        chatwin_add(x, now, CHATLINE_OUT, "sent", "<presence/>");
    CHECK(x->count == 5);
    chatwins_close(&ws, 2);
    CHECK(ws.n == 3 && chatwins_find_kind(&ws, CHATWIN_XML, NULL) == NULL);
    CHECK(chatwins_add(&ws, CHATWIN_XML, "xml", 0)->max == 100);
    chatwins_free(&ws);
}

static void test_layout(void)
{
    struct chatwins ws;
    chatwins_init(&ws, 0);
    struct chatwin *w = chatwins_open(&ws, "bob@localhost", "bob", NULL);
    char prefix[64];
    chatwin_add(w, now, CHATLINE_IN, "bob", "hello there my friend");
    struct chatline *l = chatwin_line(w, 0);
    int pc = chatwin_prefix(l, "%H:%M", prefix, sizeof prefix);
    CHECK(pc == 11 && strstr(prefix, " bob> ") != NULL);
    struct rows r;
    memset(&r, 0, sizeof r);
    CHECK(chatwin_layout(l, 30, pc, 6, collect, &r) == 2);
    CHECK_STR(r.text[0], "hello there my");
    CHECK(r.col[0] == 11 && r.col[1] == 6);
    CHECK(chatwin_indent("%H:%M", 30) == 6 && chatwin_indent("%H:%M", 11) == 0);
    CHECK(chatwin_indent("", 30) == 2);
    CHECK_STR(r.text[1], "friend");
    /* multi-line messages show as multi-line */
    chatwin_add(w, now, CHATLINE_OUT, "alice", "one\ntwo\nthree");
    CHECK(chatwin_rows(chatwin_line(w, 1), 80, "%H:%M") == 3);
    /* wide text: 中文 pairs never split */
    chatwin_add(w, now, CHATLINE_IN, "bob",
                "\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad\xe6\x96\x87");
    memset(&r, 0, sizeof r);
    CHECK(chatwin_layout(chatwin_line(w, 2), 16, pc, 6, collect, &r) == 2);
    CHECK_STR(r.text[0], "\xe4\xb8\xad\xe6\x96\x87");
    /* a long nick: later rows start under the nick all the same */
    chatwin_add(w, now, CHATLINE_IN, "averyveryverylongnickname", "text that wraps around");
    l = chatwin_line(w, 3);
    pc = chatwin_prefix(l, "%H:%M", prefix, sizeof prefix);
    memset(&r, 0, sizeof r);
    int rows = chatwin_layout(l, 20, pc, chatwin_indent("%H:%M", 20), collect, &r);
    CHECK(rows >= 2 && r.col[1] == 6);
    /* scrolling is clamped to the history */
    w->scroll = 0;
    chatwin_scroll(w, 100, 80, 3, "%H:%M");
    CHECK(w->scroll == 3); /* 1 + 3 + 1 + 1 rows at 80 columns, 3 shown */
    chatwin_scroll(w, -2, 80, 3, "%H:%M");
    CHECK(w->scroll == 1);
    chatwin_scroll(w, -10, 80, 3, "%H:%M");
    CHECK(w->scroll == 0);
    chatwins_free(&ws);
}

struct mark {
    int rows, mark_row, mark_col;
};

static void find_mark(void *ud, int row, int col, const char *text, size_t len)
{
    struct mark *m = ud;
    if (!text) {
        m->mark_row = row;
        m->mark_col = col;
    }
}

/* Issue 5: a sent line keeps its stanza id; a receipt marks it delivered
 * (the mark goes after the text, or on a row of its own when the last
 * row is full); "/me" lines have their own prefix. */
static void test_delivered_and_action(void)
{
    struct chatwins ws;
    chatwins_init(&ws, 0);
    struct chatwin *w = chatwins_open(&ws, "bob@localhost", "bob", NULL);
    chatwin_add_msg(w, now, CHATLINE_OUT, "alice", "hello", "m1", false);
    chatwin_add_msg(w, now, CHATLINE_OUT, "alice", "0123456789", "m2", false);
    chatwin_add(w, now, CHATLINE_IN, "bob", "hi");
    CHECK(chatwin_find_id(w, "m2") == chatwin_line(w, 1));
    CHECK(chatwin_find_id(w, "nope") == NULL && chatwin_find_id(w, NULL) == NULL);
    CHECK(!chatwin_mark_delivered(w, "unknown"));
    struct chatline *l = chatwin_line(w, 0);
    CHECK(chatwin_rows(l, 40, "%H:%M") == 1);
    CHECK(chatwin_mark_delivered(w, "m1") && l->delivered);
    CHECK(!chatwin_mark_delivered(w, "m1")); /* once */
    char prefix[64];
    int pc = chatwin_prefix(l, "%H:%M", prefix, sizeof prefix);
    struct mark m = {0, -1, -1};
    CHECK(chatwin_layout(l, 40, pc, 6, find_mark, &m) == 1);
    CHECK(m.mark_row == 0 && m.mark_col == pc + 5);
    /* "12:00 alice> " is 13 columns; 10 more fill 23: no room on that row */
    l = chatwin_line(w, 1);
    pc = chatwin_prefix(l, "%H:%M", prefix, sizeof prefix);
    CHECK(chatwin_rows(l, pc + 10, "%H:%M") == 1);
    CHECK(chatwin_mark_delivered(w, "m2"));
    CHECK(chatwin_rows(l, pc + 10, "%H:%M") == 2); /* the cache was dropped */
    m = (struct mark){0, -1, -1};
    CHECK(chatwin_layout(l, pc + 10, pc, 6, find_mark, &m) == 2);
    CHECK(m.mark_row == 1);
    /* an action: "12:00 * alice waves" */
    l = chatwin_add_msg(w, now, CHATLINE_IN, "alice", "waves", NULL, true);
    chatwin_prefix(l, "%H:%M", prefix, sizeof prefix);
    CHECK(strstr(prefix, " * alice ") != NULL && !strstr(prefix, ">"));
    /* the peer's chat state */
    chatwin_set_state(w, "composing");
    CHECK_STR(w->state, "composing");
    chatwin_set_state(w, NULL);
    CHECK(w->state == NULL);
    chatwin_set_state(w, "paused"); /* freed with the window */
    chatwins_free(&ws);
}

/* The outbox: a pending line says so in its prefix until the server has
 * it; a line from the history (no id) can take a restored message's id. */
static void test_pending(void)
{
    struct chatwins ws;
    chatwins_init(&ws, 0);
    struct chatwin *w = chatwins_open(&ws, "bob@localhost", "bob", NULL);
    chatwin_add_msg(w, 0, CHATLINE_OUT, "alice", "from the history", NULL, false);
    struct chatline *l = chatwin_add_msg(w, 0, CHATLINE_OUT, "alice", "later", "p1", false);
    l->pending = true;
    char prefix[64];
    int pending_cols = chatwin_prefix(l, "%H:%M", prefix, sizeof prefix);
    CHECK_STR(prefix, "00:00 (pending) alice> ");
    CHECK(chatwin_rows(l, pending_cols + 5, "%H:%M") == 1 && l->rows == 1);
    CHECK(!chatwin_mark_sent(w, "unknown") && l->pending);
    CHECK(chatwin_mark_sent(w, "p1") && !l->pending);
    CHECK(l->rows == 0); /* the wrap is worked out again */
    CHECK(!chatwin_mark_sent(w, "p1")); /* once */
    int cols = chatwin_prefix(l, "%H:%M", prefix, sizeof prefix);
    CHECK_STR(prefix, "00:00 alice> ");
    CHECK(cols == pending_cols - 10);
    CHECK(chatwin_find_unsent(w, "from the history") == chatwin_line(w, 0));
    CHECK(chatwin_find_unsent(w, "later") == NULL); /* it has an id */
    CHECK(chatwin_find_unsent(w, "never said") == NULL);
    chatwins_free(&ws);
}

/* A message refused in the end: marked, and its error inserted right
 * after it, also when the ring is full and has wrapped (issue 16). */
static void test_refused_in_place(void)
{
    struct chatwins ws;
    chatwins_init(&ws, 4);
    struct chatwin *w = chatwins_open(&ws, "nobody@localhost", "nobody", NULL);
    for (int i = 0; i < 6; i++) { /* wraps: 2 dropped */
        char id[16], text[32];
        snprintf(id, sizeof id, "r%d", i);
        snprintf(text, sizeof text, "line %d", i);
        chatwin_add_msg(w, 0, CHATLINE_OUT, "alice", text, id, false)->pending = true;
    }
    struct chatline *l = chatwin_find_id(w, "r3");
    CHECK(l && chatwin_index_of(w, l) == 1);
    l->failed = true;
    char prefix[64];
    chatwin_prefix(l, "%H:%M", prefix, sizeof prefix);
    CHECK_STR(prefix, "00:00 (not sent) alice> ");
    CHECK_STR(chatwin_mark(l), "(not sent) ");
    CHECK_STR(chatwin_mark(chatwin_find_id(w, "r4")), "(pending) ");
    chatwin_insert_msg(w, chatwin_index_of(w, l) + 1, 0, CHATLINE_ERROR, NULL, "refused", NULL,
                       false);
    CHECK(w->count == 4);
    CHECK_STR(chatwin_line(w, 0)->text, "line 3"); /* the oldest went */
    CHECK_STR(chatwin_line(w, 1)->text, "refused");
    CHECK(chatwin_line(w, 1)->kind == CHATLINE_ERROR);
    CHECK_STR(chatwin_line(w, 2)->text, "line 4");
    CHECK_STR(chatwin_line(w, 3)->text, "line 5");
    chatwins_free(&ws);
}

static void join_segs(const struct statusbar_seg *segs, size_t n, char *line, size_t len)
{
    line[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        strncat(line, segs[i].text, len - strlen(line) - 1);
        if (i + 1 < n)
            strncat(line, " ", len - strlen(line) - 1);
    }
}

static void test_statusbar(void)
{
    struct statusbar_window win[] = {
        {1, "status", 0, false, false}, {2, "bob", 0, true, false}, {3, "carol", 4, false, false}};
    struct statusbar_info info = {"alice@localhost/tuktuk", "online", NULL, win, 3, 0, 0};
    struct statusbar_seg segs[16];
    size_t n = statusbar_build(&info, segs, 16);
    char line[512];
    join_segs(segs, n, line, sizeof line);
    /* the status window is always there */
    CHECK_STR(line, "[alice@localhost/tuktuk] [online] [1:status] [2:bob] [3:carol*] [act: 3]");
    CHECK(segs[3].role == THEME_STATUSBAR_CURRENT && segs[4].role == THEME_STATUSBAR_ACTIVE);
    info.state = "reconnecting in 5s";
    info.presence = "offline";
    n = statusbar_build(&info, segs, 16);
    CHECK_STR(segs[2].text, "[reconnecting in 5s]");
    CHECK(statusbar_build(&info, segs, 2) == 2);
    /* narrow: the account gives up its resource, then columns */
    info.state = NULL;
    info.presence = "online";
    info.width = 65;
    n = statusbar_build(&info, segs, 16);
    CHECK_STR(segs[0].text, "[alice@localhost]");
    info.width = 51;
    n = statusbar_build(&info, segs, 16);
    CHECK_STR(segs[0].text, "[alice@l\xe2\x80\xa6]");
    CHECK_STR(segs[n - 1].text, "[act: 3]");
    /* a mention: '!' and a role of its own, in the act list too */
    win[2].mention = true;
    info.width = 0;
    n = statusbar_build(&info, segs, 16);
    join_segs(segs, n, line, sizeof line);
    CHECK_STR(line, "[alice@localhost/tuktuk] [online] [1:status] [2:bob] [3:carol!] [act: 3!]");
    CHECK(segs[4].role == THEME_STATUSBAR_MENTION && segs[5].role == THEME_STATUSBAR_MENTION);
    /* scrolled back: the new lines below are counted */
    info.more_below = 2;
    n = statusbar_build(&info, segs, 16);
    CHECK_STR(segs[n - 2].text, "[2 new below: PgDn]");
}

/* 16 windows at 120 columns: the current one, those with news and the
 * status window stay; the others go, farthest first, as "[+N]". */
static void test_statusbar_many(void)
{
    static const char *const names[] = {
        "status",           "alpha@example.org", "bravo@example.org",  "charlie@example.org",
        "delta@example.o",  "echo@example.org",  "foxtrot@example.or", "golf@example.org",
        "hotel@example.o",  "india@example.org", "juliet@example.org", "kilo@example.org",
        "lima@example.org", "mike@example.org",  "november@example.o", "peer@example.org"};
    struct statusbar_window win[16];
    for (unsigned i = 0; i < 16; i++)
        win[i] = (struct statusbar_window){i + 1, names[i], 0, i == 4, false};
    win[15].unread = 1;
    win[1].unread = 3;
    win[1].mention = true;
    struct statusbar_info info = {"me@localhost/tuktuk.x1", "online", NULL, win, 16, 120, 0};
    struct statusbar_seg segs[40];
    size_t n = statusbar_build(&info, segs, 40);
    char line[1024];
    join_segs(segs, n, line, sizeof line);
    int w = 0;
    for (size_t i = 0; i < n; i++)
        w += textwidth_str(segs[i].text) + (i ? 1 : 0);
    CHECK(w <= 120);
    CHECK(strstr(line, "[1:status]") != NULL);
    CHECK(strstr(line, "[2:alpha@example.o\xe2\x80\xa6!]") != NULL);
    CHECK(strstr(line, "[5:delta@example.o]") != NULL);
    CHECK(strstr(line, "[16:peer@example.org*]") != NULL);
    CHECK(strstr(line, "[+") != NULL);
    CHECK_STR(segs[n - 1].text, "[act: 2!,16]");
    CHECK(strstr(line, "[+2] [5:delta@example.o] [+10]") != NULL);
    /* with room for more, the neighbours of the current window come back
     * first */
    info.width = 160;
    n = statusbar_build(&info, segs, 40);
    join_segs(segs, n, line, sizeof line);
    CHECK(strstr(line, "[4:charlie") != NULL && strstr(line, "[6:echo") != NULL);
    CHECK(strstr(line, "[12:") == NULL);
}

/* Jump scrolling: one-row lines into a 10-row pane. */
static void test_jump_scroll(void)
{
    struct chatwins ws;
    chatwins_init(&ws, 100);
    struct chatwin *w = ws.w[0];
    int gaps[16];
    for (int i = 0; i < 16; i++) {
        chatwin_add(w, now, CHATLINE_INFO, NULL, "x");
        gaps[i] = chatwin_follow_gap(w, 40, 10, "%H:%M", true);
    }
    /* Filling from the top needs no gap; the 11th line jumps half a page,
     * and the next four fill the empty rows without moving anything. */
    CHECK(gaps[0] == 0 && gaps[9] == 0);
    CHECK(gaps[10] == 5);
    CHECK(gaps[11] == 4 && gaps[14] == 1 && gaps[15] == 0);
    chatwin_add(w, now, CHATLINE_INFO, NULL, "y");
    CHECK(chatwin_follow_gap(w, 40, 10, "%H:%M", true) == 5);
    /* Several lines at once (a hidden window shown again) count together. */
    for (int i = 0; i < 3; i++)
        chatwin_add(w, now, CHATLINE_INFO, NULL, "z");
    CHECK(chatwin_follow_gap(w, 40, 10, "%H:%M", true) == 2);
    /* A line taller than half the pane still shows whole. */
    char tall[230];
    memset(tall, 'w', sizeof tall - 1);
    tall[sizeof tall - 1] = '\0';
    chatwin_add(w, now, CHATLINE_INFO, NULL, tall);
    int rows = chatwin_rows(chatwin_line(w, w->count - 1), 40, "%H:%M");
    CHECK(rows > 5 && chatwin_follow_gap(w, 40, 10, "%H:%M", true) == 10 - rows);
    /* Off, or scrolled back: no gap. */
    chatwin_add(w, now, CHATLINE_INFO, NULL, "x");
    CHECK(chatwin_follow_gap(w, 40, 10, "%H:%M", false) == 0);
    w->scroll = 3;
    chatwin_add(w, now, CHATLINE_INFO, NULL, "x");
    CHECK(chatwin_follow_gap(w, 40, 10, "%H:%M", true) == 0);
    chatwins_free(&ws);
}

/* Tab's candidates in place of the status line. */
static const char *choices(const char *const *items, size_t nitems, size_t first, size_t total,
                           long current, int width)
{
    static char buf[512];
    struct statusbar_seg segs[16];
    size_t n = statusbar_build_choices(items, nitems, first, total, current, width, segs, 16);
    size_t off = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++)
        off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%s%s", i ? " " : "",
                                segs[i].role == THEME_STATUSBAR_CURRENT ? "*" : "", segs[i].text);
    return buf;
}

static void test_statusbar_choices(void)
{
    const char *items[] = {"Alan <cee@example.org>", "Alice <bee@example.org>", "Amy", "Ann"};
    CHECK_STR(choices(items, 4, 0, 4, -1, 0),
              "Tab: Alan <cee@example.org> Alice <bee@example.org> Amy Ann");
    CHECK_STR(choices(items, 4, 0, 4, 1, 80),
              "Tab: Alan <cee@example.org> *Alice <bee@example.org> Amy Ann");
    /* narrow: what fits, and how many more */
    CHECK_STR(choices(items, 4, 0, 4, -1, 50), "Tab: Alan <cee@example.org> (+3 more)");
    /* the one on the line is always shown */
    CHECK_STR(choices(items, 4, 0, 4, 2, 50), "Tab: (2 before) *Amy Ann");
    /* items are a window of a longer list */
    CHECK_STR(choices(items + 2, 2, 2, 10, 3, 80), "Tab: (2 before) Amy *Ann (+6 more)");
}

/* History lands in its place by time, and each day change gets a row. */
static void test_insert_and_days(void)
{
    struct chatwins ws;
    chatwins_init(&ws, 100);
    bool created;
    struct chatwin *w = chatwins_open(&ws, "bob@x", "bob", &created);
    time_t day = 86400;
    chatwin_add(w, now, CHATLINE_IN, "bob", "today");
    CHECK(chatwin_line(w, 0)->day_row == false);
    CHECK(chatwin_index_for(w, now - 2 * day) == 0);
    chatwin_insert_msg(w, 0, now - 2 * day, CHATLINE_IN, "bob", "two days ago", NULL, false);
    chatwin_insert_msg(w, chatwin_index_for(w, now - day), now - day, CHATLINE_OUT, "me",
                       "yesterday", "id1", false);
    CHECK_STR(chatwin_line(w, 0)->text, "two days ago");
    CHECK_STR(chatwin_line(w, 1)->text, "yesterday");
    CHECK_STR(chatwin_line(w, 2)->text, "today");
    CHECK(chatwin_line(w, 0)->day_row && chatwin_line(w, 1)->day_row && chatwin_line(w, 2)->day_row);
    CHECK(chatwin_rows(chatwin_line(w, 1), 40, "%H:%M") == 2); /* the day row and the line */
    CHECK(chatwin_find_id(w, "id1") == chatwin_line(w, 1));
    /* "new since": the first message after a window opened with history */
    w->mark_new = true;
    chatwin_add(w, now, CHATLINE_INFO, NULL, "an info line does not take it");
    chatwin_add(w, now, CHATLINE_IN, "bob", "new");
    CHECK(!chatwin_line(w, 3)->new_row && chatwin_line(w, 4)->new_row);
    CHECK(chatwin_rows_above(chatwin_line(w, 4)) == 1);
    /* a full window keeps its newest lines: nothing goes above the oldest */
    w->max = w->count;
    CHECK(chatwin_insert_msg(w, 0, now - 3 * day, CHATLINE_IN, "bob", "too old", NULL, false) ==
          NULL);
    CHECK(w->count == 5);
    chatwins_free(&ws);
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    now = time(NULL);
    test_insert_and_days();
    test_jump_scroll();
    setenv("TZ", "UTC", 1);
    test_windows();
    test_xml_window();
    test_layout();
    test_delivered_and_action();
    test_pending();
    test_refused_in_place();
    test_statusbar();
    test_statusbar_many();
    test_statusbar_choices();
    return check_done();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* chatwin.h - the windows: window 1 is the status window, then one per
 * chat, and the XML console once opened. Each keeps a scrollback ring of
 * lines, an unread count and a scroll position, and knows how its lines
 * wrap at a given width. No curses here (see chatwin.c; screen.c draws). */
#ifndef TUKTUK_UI_CHATWIN_H
#define TUKTUK_UI_CHATWIN_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum chatwin_kind { CHATWIN_STATUS, CHATWIN_CHAT, CHATWIN_ROOM, CHATWIN_XML };
enum chatline_kind { CHATLINE_IN, CHATLINE_OUT, CHATLINE_INFO, CHATLINE_ERROR };

struct chatline {
    time_t stamp;
    enum chatline_kind kind;
    char *nick; /* IN and OUT only */
    char *text;
    char *id;             /* OUT: the stanza id, to match a receipt; else NULL */
    bool delivered;       /* OUT: the peer's client confirmed it (XEP-0184) */
    bool pending;         /* OUT: written while not online; the server has it not yet */
    bool failed;          /* OUT: refused in the end (an error line follows it) */
    bool action;          /* IN and OUT: "/me" (XEP-0245), shown as "* nick text" */
    bool mention;         /* IN, in a room: it names our nick (drawn as chat.mention) */
    bool encrypted;       /* IN and OUT: it was OMEMO-encrypted (marked "~") */
    int rows, rows_width; /* cached wrap result for one width */
    /* Rows drawn above the line: the day it was said, when that differs
     * from the line before (or, for the oldest line, from today); and
     * "new since", on the first message after a window opened with its
     * history. */
    bool day_row, new_row;
};

struct chatwin {
    enum chatwin_kind kind;
    char *jid;  /* bare JID of the peer or room; NULL for the status window and the XML console */
    int acct;   /* the account it belongs to (issue 15); -1: none (status, console) */
    char *name; /* short name for the status line */
    struct chatline *ring;
    size_t cap, max, head, count; /* oldest line at ring[head]; cap grows to max */
    unsigned unread;
    unsigned old_unread; /* of unread: from the archive, old news: not in the
                            terminal's title */
    bool mark_new; /* the next message added gets the "new since" row */
    time_t opened; /* when the window opened (for "new since") */
    bool mention;               /* among the unread: a line that names us (a room's) */
    int scroll;                 /* screen rows scrolled back from the newest; 0 = follow */
    unsigned below;             /* lines added since scrolled back (0 while following) */
    unsigned long added, drawn; /* lines ever added, and when last drawn */
    int gap;                    /* empty rows kept below the newest line */
    char *state;                /* chats: the peer's chat state worth showing
                                   ("composing", "paused"), or NULL */
    /* History (ui/history.c): the message store's row of the oldest
     * message read in (0: none yet), whether PgUp at the top can read
     * more from the store, then from the server's archive, and the
     * archive query running for this window ("" when none). */
    long long first_rowid;
    bool older_in_store, older_in_archive;
    bool newer_in_store; /* opened at a search result: the newest are not read in */
    char archive_qid[40];
    int omemo; /* chats: /omemo on (1) or off (-1); 0: on when the contact has devices */
    bool omemo_read; /* ui/omemo.c: omemo was read from the store */
    char *omemo_pending; /* ui/omemo.c: a message waiting for the contact's keys */
};

struct chatwins {
    struct chatwin **w;
    size_t n, current; /* current is an index: window number - 1 */
    /* The account whose windows chatwins_find sees and chatwins_open
     * makes: the UI's account in context (ui_use_account). */
    int acct;
    unsigned scrollback;
};

/* The list starts with the status window, current. */
void chatwins_init(struct chatwins *ws, unsigned scrollback);
void chatwins_free(struct chatwins *ws);
/* Chat window for a bare JID, or NULL. */
struct chatwin *chatwins_find(const struct chatwins *ws, const char *jid, size_t *index);
/* Find or add the chat window for jid (added at the end). */
struct chatwin *chatwins_open(struct chatwins *ws, const char *jid, const char *name,
                              bool *created);
/* The same for a window of another kind with a JID (a room). */
struct chatwin *chatwins_open_kind(struct chatwins *ws, enum chatwin_kind kind, const char *jid,
                                   const char *name, bool *created);
/* The first window of a kind without a JID (the XML console), or NULL. */
struct chatwin *chatwins_find_kind(const struct chatwins *ws, enum chatwin_kind kind,
                                   size_t *index);
/* Add a window without a JID at the end, keeping at most max lines (0: the
 * list's scrollback). */
struct chatwin *chatwins_add(struct chatwins *ws, enum chatwin_kind kind, const char *name,
                             unsigned max);
/* Close window index (never the status window); later ones move down. */
void chatwins_close(struct chatwins *ws, size_t index);
struct chatwin *chatwins_current(const struct chatwins *ws);
/* Make index current and clear its unread count. */
void chatwins_select(struct chatwins *ws, size_t index);
/* Index of the next window after current with unread lines, or -1. */
long chatwins_next_unread(const struct chatwins *ws);
/* Unread lines that are news (the archive's old ones are not). */
unsigned chatwins_total_unread(const struct chatwins *ws);

void chatwin_set_name(struct chatwin *w, const char *name);
/* The peer's chat state to show in the title; NULL clears it. */
void chatwin_set_state(struct chatwin *w, const char *state);
/* Append a line (the oldest is dropped when the ring is full). Returns
 * it, valid until the next line is added. */
struct chatline *chatwin_add(struct chatwin *w, time_t stamp, enum chatline_kind kind,
                             const char *nick, const char *text);
/* The same for a message: id (may be NULL) is kept to match a receipt;
 * action shows it as "* nick text". */
struct chatline *chatwin_add_msg(struct chatwin *w, time_t stamp, enum chatline_kind kind,
                                 const char *nick, const char *text, const char *id, bool action);
/* The same, inserted as line index (0 = oldest; count appends), so that
 * history read later and archived messages land in their place. When
 * the ring is full a line can only go after its oldest: returns NULL
 * for index 0 then, and keeps nothing. */
struct chatline *chatwin_insert_msg(struct chatwin *w, size_t index, time_t stamp,
                                    enum chatline_kind kind, const char *nick, const char *text,
                                    const char *id, bool action);
/* The index of line l of w (0 = oldest), for an insert next to it. */
size_t chatwin_index_of(const struct chatwin *w, const struct chatline *l);
/* Where a line said at stamp goes: after every line not newer. */
size_t chatwin_index_for(struct chatwin *w, time_t stamp);
/* Mark our message with stanza id as delivered, looking back through at
 * most the newest 500 lines. Returns true if it was found (and not
 * marked already). */
bool chatwin_mark_delivered(struct chatwin *w, const char *id);
/* Our newest line with this text and no stanza id (one from the history
 * file), among the newest 500, or NULL. */
struct chatline *chatwin_find_unsent(struct chatwin *w, const char *text);
/* Our message with stanza id has reached the server: no longer pending.
 * Returns true if a pending line was found. */
bool chatwin_mark_sent(struct chatwin *w, const char *id);
/* XEP-0308: the line's text is replaced by a correction (marked as such);
 * action as for chatwin_add_msg, since the correction is a whole body. */
void chatwin_correct(struct chatline *l, const char *text, bool action);
/* Our newest line in w that has a stanza id (what /correct corrects). */
struct chatline *chatwin_last_sent(struct chatwin *w);
/* Our message with stanza id among the newest 500 lines, or NULL. */
struct chatline *chatwin_find_id(struct chatwin *w, const char *id);
/* Among the newest 500 lines, one by nick with this text, stamped within
 * slack seconds of stamp: a room's history replayed at a rejoin is not
 * shown twice. */
bool chatwin_has_line(struct chatwin *w, time_t stamp, long slack, const char *nick,
                      const char *text);
/* /clear: drop every line (the ring keeps its size). */
void chatwin_clear(struct chatwin *w);
/* Line i, 0 = oldest. */
struct chatline *chatwin_line(struct chatwin *w, size_t i);
/* Scroll by delta screen rows (positive = back in time), clamped.
 * Returns true when the oldest line is at the top of the pane. */
bool chatwin_scroll(struct chatwin *w, int delta, int width, int height, const char *tsfmt);

/* Jump scrolling: rows to leave empty below the newest line, updated
 * for the lines added since the last call. New lines fill the empty rows
 * without moving older ones; only when they run out does the view jump
 * so that the newest line ends half way down. Over SSH that turns a
 * whole-pane rewrite per message into one per half page. 0 when jump is
 * false or the window is scrolled back. */
int chatwin_follow_gap(struct chatwin *w, int width, int height, const char *tsfmt, bool jump);

/* The rows drawn above a line (day change, "new since"), 0 to 2. */
int chatwin_rows_above(const struct chatline *l);

/* Layout of one line at width columns: the prefix (time, nick) takes
 * prefix_cols on the first row; later rows start at the returned indent.
 * Calls fn for each screen row with the text bytes it shows; for a
 * delivered line, once more with text NULL where the delivery mark (two
 * columns: a space and the mark) goes: after the text when it fits on
 * the last row, else on a row of its own. Returns the rows. */
typedef void (*chatwin_row_fn)(void *ud, int row, int col, const char *text, size_t len);
int chatwin_layout(const struct chatline *l, int width, int prefix_cols, int indent,
                   chatwin_row_fn fn, void *ud);
/* Where every line's later rows start at width columns: under the nick,
 * one column past the time, the same for every line whatever its nick
 * (issue 9: rows started at 10, 6 or 0 columns, by the prefix's width);
 * 0 when that is more than half the pane, and 2 without a time. */
int chatwin_indent(const char *tsfmt, int width);
/* The mark after a line's time while it is not with the server:
 * "(pending) ", "(not sent) ", or "". */
const char *chatwin_mark(const struct chatline *l);
/* Columns of a line's prefix: "12:01 bob> " (or "12:01 " for notices). */
int chatwin_prefix(const struct chatline *l, const char *tsfmt, char *buf, size_t len);
/* Rows line l takes at width, cached. */
int chatwin_rows(struct chatline *l, int width, const char *tsfmt);

#endif

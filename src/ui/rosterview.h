/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rosterview.h - what the roster pane shows: the roster model sorted by
 * group, then presence, then name, with collapsible groups, a toggle for
 * offline contacts, a live filter and a selection. No curses here (see
 * rosterview.c); ui.c draws the rows. */
#ifndef TUKTUK_UI_ROSTERVIEW_H
#define TUKTUK_UI_ROSTERVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "xmpp/roster.h"

/* Contacts with no group are shown under this one, after all others. */
#define ROSTERVIEW_DEFAULT_GROUP "Contacts"

/* ROSTERVIEW_ACCOUNT rows are rosterpane.c's: an account's header. */
enum rosterview_kind { ROSTERVIEW_GROUP, ROSTERVIEW_CONTACT, ROSTERVIEW_ACCOUNT };

/* One visible row. The strings stay valid until the next call that
 * changes the view (reload, update, remove). */
struct rosterview_row {
    enum rosterview_kind kind;
    const char *group;      /* the group's name (both kinds) */
    bool collapsed;         /* group rows */
    bool above;             /* group rows: its first rows are above the pane (drawn "^") */
    unsigned online, total; /* group rows: members online / all members */
    const char *jid;        /* contact rows: bare JID */
    const char *label;      /* contact rows: name, or JID when it has none */
    enum presence_show show;
    unsigned unread;
    bool room;    /* contact rows: a group chat room (see rosterview_set_rooms) */
    bool asking;  /* contact rows: a subscription request waits for an answer */
    bool blocked; /* contact rows: on our block list */
    bool detail;  /* account rows: the second row, the account's state */
};

struct rosterview;

struct rosterview *rosterview_new(bool show_offline);
void rosterview_free(struct rosterview *rv);

/* Rebuild from the whole model (after a roster result): sorts once. */
void rosterview_reload(struct rosterview *rv, const struct roster *r);
/* One contact changed (push, presence, removal): re-read it from the
 * model and move it to its place without sorting everything again. */
void rosterview_update(struct rosterview *rv, const struct roster *r, const char *bare_jid);

/* rosterview_update for a roster push, and what changed there that the
 * user sees in the roster, as one sentence for the status window:
 * "added Bob (bob@example.org) to Friends", "removed Bob
 * (bob@example.org)", "renamed Bob (bob@example.org) to Robert", "moved
 * Bob (bob@example.org) to Work". note is "" when nothing of that changed
 * (a subscription state, say). */
void rosterview_update_noted(struct rosterview *rv, const struct roster *r, const char *bare_jid,
                             char *note, size_t len);

void rosterview_set_unread(struct rosterview *rv, const char *bare_jid, unsigned unread);
/* Mark a contact whose subscription request waits for an answer (shown
 * with '?', and shown even while offline contacts are hidden). Kept until
 * cleared or the contact is reloaded. */
void rosterview_set_asking(struct rosterview *rv, const char *bare_jid, bool asking);
void rosterview_set_blocked(struct rosterview *rv, const char *bare_jid, bool blocked);

/* The rooms we have windows for, listed first under ROSTERVIEW_ROOMS
 * (issue 9: rooms were nowhere in the roster pane): joined ones as
 * online, with their unread counts. The list replaces the last one; the
 * rows are rebuilt only when something changed, so it may be called at
 * every paint; true when it changed something. */
#define ROSTERVIEW_ROOMS "Rooms"
struct rosterview_room {
    const char *jid, *label;
    bool joined;
    unsigned unread;
};
bool rosterview_set_rooms(struct rosterview *rv, const struct rosterview_room *rooms, size_t n);
/* The selected row is a room's (its JID is rosterview_selected_jid). */
bool rosterview_selected_room(struct rosterview *rv);

bool rosterview_show_offline(const struct rosterview *rv);
void rosterview_set_show_offline(struct rosterview *rv, bool show);
/* Case-insensitive substring of the name or JID; "" or NULL = no filter.
 * While filtering, matching offline contacts and contacts of collapsed
 * groups are shown too, so that anyone can be found. */
void rosterview_set_filter(struct rosterview *rv, const char *filter);
const char *rosterview_filter(const struct rosterview *rv);
/* Collapse or expand the group of the selected row. */
void rosterview_toggle_group(struct rosterview *rv);

/* Visible rows; computed on demand after changes. */
size_t rosterview_count(struct rosterview *rv);
bool rosterview_row(struct rosterview *rv, size_t i, struct rosterview_row *out);

/* Selection, as a row index (0 when empty). Moving clamps at the ends. */
size_t rosterview_selected(struct rosterview *rv);
void rosterview_select(struct rosterview *rv, size_t row);
void rosterview_move(struct rosterview *rv, long delta);
/* Selected contact's bare JID, or NULL on a group row or when empty. */
const char *rosterview_selected_jid(struct rosterview *rv);
/* First row to draw in a pane of height rows so that the selection is
 * visible; the pane scrolls only when the selection leaves it. */
size_t rosterview_top(struct rosterview *rv, int height);
/* The pane's first row when the roster is scrolled: a contact row at top
 * (> 0) gives way to its group's row, with above set, so that the pane
 * always says which group it shows. rosterview_top keeps the selection
 * off that row. Else row top itself. */
bool rosterview_top_row(struct rosterview *rv, size_t top, struct rosterview_row *out);

#endif

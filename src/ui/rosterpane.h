/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rosterpane.h - the roster pane over several accounts (issue 15): one
 * rosterview per account, stacked, each under a header row that names
 * the account and its state and can be folded. With one account there is
 * no header and every call is the rosterview's own, so a single-account
 * user sees exactly what they saw before. No curses here. */
#ifndef TUKTUK_UI_ROSTERPANE_H
#define TUKTUK_UI_ROSTERPANE_H

#include "ui/rosterview.h"

#define ROSTERPANE_MAX 16

struct rosterpane {
    struct rosterview *rv[ROSTERPANE_MAX]; /* not owned */
    char *title[ROSTERPANE_MAX];           /* header: "NAME: JID" */
    char *state[ROSTERPANE_MAX];           /* header's second row: its state */
    bool folded[ROSTERPANE_MAX];
    size_t n;
    size_t sel_sec;  /* the section the selection is in */
    bool sel_header; /* ...on its header row */
    size_t top;      /* first row drawn (several sections) */
};

void rosterpane_free(struct rosterpane *p);
/* Returns the new section's index (that of its account). */
size_t rosterpane_add(struct rosterpane *p, struct rosterview *rv);
/* The header's two rows: "work: alice@example.org", "online". */
void rosterpane_set_title(struct rosterpane *p, size_t sec, const char *title, const char *state);

size_t rosterpane_count(struct rosterpane *p);
/* Row i; its section in *sec. A header's rows have kind
 * ROSTERVIEW_ACCOUNT, their text in label (the second, the state, has
 * detail set), and collapsed when folded. */
bool rosterpane_row(struct rosterpane *p, size_t i, struct rosterview_row *out, size_t *sec);
size_t rosterpane_selected(struct rosterpane *p);
void rosterpane_select(struct rosterpane *p, size_t row);
void rosterpane_move(struct rosterpane *p, long delta);
/* The selected contact's bare JID (NULL on a group or header row); the
 * selection's section in *sec either way (may be NULL). */
const char *rosterpane_selected_jid(struct rosterpane *p, size_t *sec);
bool rosterpane_selected_room(struct rosterpane *p);
size_t rosterpane_top(struct rosterpane *p, int height);
bool rosterpane_top_row(struct rosterpane *p, size_t top, struct rosterview_row *out);
/* On a header: fold or unfold the account; else the selected group. */
void rosterpane_toggle(struct rosterpane *p);
/* These apply to every section. */
void rosterpane_set_filter(struct rosterpane *p, const char *filter);
const char *rosterpane_filter(struct rosterpane *p);
bool rosterpane_show_offline(struct rosterpane *p);
void rosterpane_set_show_offline(struct rosterpane *p, bool show);

#endif

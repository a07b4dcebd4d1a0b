/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rosterpane.c - several rosterviews as one list of rows.
 *
 * Each view keeps its own selection, which follows its contact across
 * rebuilds; the pane only remembers which section the selection is in and
 * whether it is on that section's header. A row number is therefore
 * computed from the sections' counts each time: cheap next to a paint,
 * and never stale after a presence burst moved rows around. */
#include "ui/rosterpane.h"
#include "ui/xalloc.h"

#include <stdlib.h>

/* A section's header is two rows: "- NAME: JID", then its state, so that
 * the state stays readable in a narrow pane. */
#define HEAD_ROWS 2

static bool multi(const struct rosterpane *p)
{
    return p->n > 1;
}

void rosterpane_free(struct rosterpane *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->title[i]);
        free(p->state[i]);
    }
    p->n = 0;
}

size_t rosterpane_add(struct rosterpane *p, struct rosterview *rv)
{
    if (p->n == ROSTERPANE_MAX)
        return p->n - 1;
    if (p->n > 0) {
        rosterview_set_show_offline(rv, rosterview_show_offline(p->rv[0]));
        rosterview_set_filter(rv, rosterview_filter(p->rv[0]));
    }
    p->rv[p->n] = rv;
    p->title[p->n] = xalloc_strdup("");
    p->state[p->n] = xalloc_strdup("");
    return p->n++;
}

void rosterpane_set_title(struct rosterpane *p, size_t sec, const char *title, const char *state)
{
    if (sec >= p->n)
        return;
    free(p->title[sec]);
    p->title[sec] = xalloc_strdup(title);
    free(p->state[sec]);
    p->state[sec] = xalloc_strdup(state);
}

/* Rows of section sec, its header included. */
static size_t sec_rows(struct rosterpane *p, size_t sec)
{
    return HEAD_ROWS + (p->folded[sec] ? 0 : rosterview_count(p->rv[sec]));
}

size_t rosterpane_count(struct rosterpane *p)
{
    if (!multi(p))
        return p->n ? rosterview_count(p->rv[0]) : 0;
    size_t n = 0;
    for (size_t i = 0; i < p->n; i++)
        n += sec_rows(p, i);
    return n;
}

/* Row i as (section, row in it; negative for the header's rows). */
static bool locate(struct rosterpane *p, size_t i, size_t *sec, long *local)
{
    for (size_t s = 0; s < p->n; s++) {
        size_t rows = sec_rows(p, s);
        if (i < rows) {
            *sec = s;
            *local = (long)i - HEAD_ROWS;
            return true;
        }
        i -= rows;
    }
    return false;
}

bool rosterpane_row(struct rosterpane *p, size_t i, struct rosterview_row *out, size_t *sec)
{
    if (!multi(p)) {
        if (sec)
            *sec = 0;
        return p->n && rosterview_row(p->rv[0], i, out);
    }
    size_t s;
    long local;
    if (!locate(p, i, &s, &local))
        return false;
    if (sec)
        *sec = s;
    if (local >= 0)
        return rosterview_row(p->rv[s], (size_t)local, out);
    bool second = local == -1;
    *out = (struct rosterview_row){.kind = ROSTERVIEW_ACCOUNT,
                                   .label = second ? p->state[s] : p->title[s],
                                   .group = p->title[s],
                                   .collapsed = p->folded[s],
                                   .detail = second};
    return true;
}

size_t rosterpane_selected(struct rosterpane *p)
{
    if (!multi(p))
        return p->n ? rosterview_selected(p->rv[0]) : 0;
    size_t row = 0;
    for (size_t s = 0; s < p->sel_sec && s < p->n; s++)
        row += sec_rows(p, s);
    if (p->sel_header || p->folded[p->sel_sec] || rosterview_count(p->rv[p->sel_sec]) == 0)
        return row;
    return row + HEAD_ROWS + rosterview_selected(p->rv[p->sel_sec]);
}

void rosterpane_select(struct rosterpane *p, size_t row)
{
    if (!multi(p)) {
        if (p->n)
            rosterview_select(p->rv[0], row);
        return;
    }
    size_t count = rosterpane_count(p);
    if (count == 0)
        return;
    if (row >= count)
        row = count - 1;
    size_t s;
    long local;
    if (!locate(p, row, &s, &local))
        return;
    p->sel_sec = s;
    p->sel_header = local < 0;
    if (local >= 0)
        rosterview_select(p->rv[s], (size_t)local);
}

void rosterpane_move(struct rosterpane *p, long delta)
{
    if (!multi(p)) {
        if (p->n)
            rosterview_move(p->rv[0], delta);
        return;
    }
    long row = (long)rosterpane_selected(p) + delta;
    size_t sec, count = rosterpane_count(p);
    long local;
    /* The state row is part of its header: moving down steps over it. */
    if (delta > 0 && row >= 0 && locate(p, (size_t)row, &sec, &local) && local == -1 &&
        (size_t)row + 1 < count)
        row++;
    rosterpane_select(p, row < 0 ? 0 : (size_t)row);
}

static bool on_contact(struct rosterpane *p)
{
    return !multi(p) || (!p->sel_header && !p->folded[p->sel_sec]);
}

const char *rosterpane_selected_jid(struct rosterpane *p, size_t *sec)
{
    if (sec)
        *sec = multi(p) ? p->sel_sec : 0;
    return p->n && on_contact(p) ? rosterview_selected_jid(p->rv[multi(p) ? p->sel_sec : 0])
                                 : NULL;
}

bool rosterpane_selected_room(struct rosterpane *p)
{
    return p->n && on_contact(p) && rosterview_selected_room(p->rv[multi(p) ? p->sel_sec : 0]);
}

size_t rosterpane_top(struct rosterpane *p, int height)
{
    if (!multi(p))
        return p->n ? rosterview_top(p->rv[0], height) : 0;
    size_t sel = rosterpane_selected(p), count = rosterpane_count(p);
    size_t h = height > 0 ? (size_t)height : 1;
    /* A header's selection is its first row; its state row shows too. */
    size_t last = p->sel_header && sel + 1 < count ? sel + 1 : sel;
    if (sel < p->top)
        p->top = sel;
    else if (last >= p->top + h)
        p->top = last - h + 1;
    if (sel < p->top)
        p->top = sel;
    else if (sel >= p->top + h)
        p->top = sel - h + 1;
    if (p->top + h > count)
        p->top = count > h ? count - h : 0;
    return p->top;
}

bool rosterpane_top_row(struct rosterpane *p, size_t top, struct rosterview_row *out)
{
    if (!multi(p))
        return p->n && rosterview_top_row(p->rv[0], top, out);
    return rosterpane_row(p, top, out, NULL);
}

void rosterpane_toggle(struct rosterpane *p)
{
    if (!multi(p)) {
        if (p->n)
            rosterview_toggle_group(p->rv[0]);
        return;
    }
    if (p->sel_header || p->folded[p->sel_sec]) {
        p->folded[p->sel_sec] = !p->folded[p->sel_sec];
        p->sel_header = true;
        return;
    }
    rosterview_toggle_group(p->rv[p->sel_sec]);
}

void rosterpane_set_filter(struct rosterpane *p, const char *filter)
{
    for (size_t i = 0; i < p->n; i++)
        rosterview_set_filter(p->rv[i], filter);
}

const char *rosterpane_filter(struct rosterpane *p)
{
    return p->n ? rosterview_filter(p->rv[0]) : "";
}

bool rosterpane_show_offline(struct rosterpane *p)
{
    return p->n ? rosterview_show_offline(p->rv[0]) : true;
}

void rosterpane_set_show_offline(struct rosterpane *p, bool show)
{
    for (size_t i = 0; i < p->n; i++)
        rosterview_set_show_offline(p->rv[i], show);
}

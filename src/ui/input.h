/* SPDX-License-Identifier: GPL-3.0-or-later */
/* input.h - the input line: an UTF-8 line editor with readline keys, a
 * kill buffer, history, horizontal scrolling and tab completion. Pure
 * text: no curses here (see input.c). */
#ifndef TUKTUK_UI_INPUT_H
#define TUKTUK_UI_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#define INPUT_MAX_BYTES 65536 /* longer input is refused, not truncated */

enum input_op {
    INPUT_LEFT,       /* Ctrl-B, Left */
    INPUT_RIGHT,      /* Ctrl-F, Right */
    INPUT_HOME,       /* Ctrl-A, Home */
    INPUT_END,        /* Ctrl-E, End */
    INPUT_WORD_LEFT,  /* Alt-B */
    INPUT_WORD_RIGHT, /* Alt-F */
    INPUT_BACKSPACE,  /* Backspace, Ctrl-H */
    INPUT_DELETE,     /* Del, Ctrl-D */
    INPUT_KILL_END,   /* Ctrl-K */
    INPUT_KILL_START, /* Ctrl-U */
    INPUT_KILL_WORD,  /* Ctrl-W: the word before the cursor */
    INPUT_KILL_LINE,  /* Ctrl-C: the whole line, kept for Ctrl-Y too */
    INPUT_YANK,       /* Ctrl-Y: insert the last killed text */
    INPUT_HISTORY_UP,
    INPUT_HISTORY_DOWN
};

struct input;

struct input *input_new(unsigned history_max);
void input_free(struct input *in);

/* Insert text at the cursor. Returns false (nothing inserted) when the
 * line would grow past INPUT_MAX_BYTES. */
bool input_insert(struct input *in, const char *text, size_t len);
void input_do(struct input *in, enum input_op op);

const char *input_text(const struct input *in); /* NUL-terminated */
size_t input_len(const struct input *in);
size_t input_cursor(const struct input *in); /* byte offset */
void input_set_text(struct input *in, const char *text);
void input_clear(struct input *in);
/* Clear, and overwrite every byte that held text, the kill buffer
 * included: for passwords typed on the input line. */
void input_wipe(struct input *in);

/* Take the line for sending: returns it (caller frees), remembers it in
 * the history unless empty or equal to the previous entry, and clears. */
char *input_submit(struct input *in);

/* Horizontal scroll for a field of cols columns: *start is the first byte
 * to show and *cursor_col the cursor's column in the field. The field
 * keeps its scroll position between calls, like a text editor. */
void input_view(struct input *in, int cols, size_t *start, int *cursor_col);

/* Tab completion. The completer is told the line, where the word under
 * completion starts and its index (0 = first word), and adds candidates;
 * the input keeps those that start with the word (case-insensitive),
 * sorted. One is put in with a space after it; of several, what they
 * have in common is put in and they are listed (input_choices), and each
 * further call puts in the next one, until another key. */
struct input_candidates;
void input_candidates_add(struct input_candidates *c, const char *candidate);
/* A candidate the user knows by label (a contact's name): found by the
 * label or any of its words too, listed as "label <candidate>", and the
 * candidate is what goes on the line. */
void input_candidates_add_labelled(struct input_candidates *c, const char *candidate,
                                   const char *label);
typedef void (*input_completer)(void *ud, const char *line, size_t word_start, int word_index,
                                struct input_candidates *c);
/* Returns false when nothing matched. */
bool input_complete(struct input *in, input_completer fn, void *ud);
/* While a completion lists several candidates: how many (else 0), each as
 * listed, and which one is on the line (-1 before the second Tab). */
size_t input_choices(const struct input *in);
const char *input_choice(const struct input *in, size_t i, char *buf, size_t len);
long input_choice_current(const struct input *in);
/* Stop listing (Esc), leaving the line as it is. */
void input_choices_end(struct input *in);

#endif

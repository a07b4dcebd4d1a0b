/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_ui_input.c - the line editor: readline keys on UTF-8 text with
 * wide and combining characters, kill/yank, history, horizontal scroll
 * and tab completion as shells do it (one match put in, several listed
 * then cycled), with candidates found by a label such as a contact's
 * name. */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "ui/input.h"

static void type(struct input *in, const char *s)
{
    input_insert(in, s, strlen(s));
}

static void test_editing(void)
{
    struct input *in = input_new(0);
    type(in, "hello world");
    CHECK_STR(input_text(in), "hello world");
    CHECK(input_cursor(in) == 11);
    input_do(in, INPUT_HOME);
    CHECK(input_cursor(in) == 0);
    input_do(in, INPUT_RIGHT);
    type(in, "X");
    CHECK_STR(input_text(in), "hXello world");
    input_do(in, INPUT_END);
    input_do(in, INPUT_WORD_LEFT);
    CHECK(input_cursor(in) == 7);
    input_do(in, INPUT_KILL_END);
    CHECK_STR(input_text(in), "hXello ");
    input_do(in, INPUT_HOME);
    input_do(in, INPUT_YANK);
    CHECK_STR(input_text(in), "worldhXello ");
    input_do(in, INPUT_WORD_RIGHT);
    CHECK(input_cursor(in) == 11);
    input_do(in, INPUT_KILL_START);
    CHECK_STR(input_text(in), " ");
    input_clear(in);
    type(in, "one two  three");
    input_do(in, INPUT_KILL_WORD);
    CHECK_STR(input_text(in), "one two  ");
    input_do(in, INPUT_KILL_WORD);
    CHECK_STR(input_text(in), "one ");
    input_do(in, INPUT_HOME);
    input_do(in, INPUT_DELETE);
    CHECK_STR(input_text(in), "ne ");
    input_do(in, INPUT_BACKSPACE); /* at the start: nothing */
    CHECK_STR(input_text(in), "ne ");
    /* Ctrl-C's whole-line cut keeps the line for Ctrl-Y */
    input_do(in, INPUT_KILL_LINE);
    CHECK_STR(input_text(in), "");
    input_do(in, INPUT_KILL_LINE); /* an empty line keeps what was cut */
    input_do(in, INPUT_YANK);
    CHECK_STR(input_text(in), "ne ");
    input_free(in);
}

static void test_utf8(void)
{
    struct input *in = input_new(0);
    type(in, "a\xe4\xb8\xad"
             "e\xcc\x81"
             "b");            /* a 中 é(combining) b */
    input_do(in, INPUT_LEFT); /* before b */
    input_do(in, INPUT_LEFT); /* before e+accent */
    CHECK(input_cursor(in) == 4);
    input_do(in, INPUT_DELETE); /* removes e and its accent together */
    CHECK_STR(input_text(in), "a\xe4\xb8\xad"
                              "b");
    input_do(in, INPUT_BACKSPACE); /* removes the whole CJK character */
    CHECK_STR(input_text(in), "ab");
    CHECK(input_cursor(in) == 1);
    input_clear(in);
    type(in, "\xf0\x9f\x98\x80x");
    input_do(in, INPUT_HOME);
    input_do(in, INPUT_RIGHT);
    CHECK(input_cursor(in) == 4);
    input_free(in);
}

static void test_history(void)
{
    struct input *in = input_new(3);
    const char *lines[] = {"first", "second", "second", "third", "fourth"};
    for (int i = 0; i < 5; i++) {
        type(in, lines[i]);
        free(input_submit(in));
    }
    type(in, "draft");
    input_do(in, INPUT_HISTORY_UP);
    CHECK_STR(input_text(in), "fourth");
    input_do(in, INPUT_HISTORY_UP);
    CHECK_STR(input_text(in), "third");
    input_do(in, INPUT_HISTORY_UP);
    CHECK_STR(input_text(in), "second"); /* duplicates kept once; max 3 */
    input_do(in, INPUT_HISTORY_UP);
    CHECK_STR(input_text(in), "second");
    input_do(in, INPUT_HISTORY_DOWN);
    input_do(in, INPUT_HISTORY_DOWN);
    input_do(in, INPUT_HISTORY_DOWN);
    CHECK_STR(input_text(in), "draft");
    char *line = input_submit(in);
    CHECK_STR(line, "draft");
    CHECK_STR(input_text(in), "");
    free(line);
    input_free(in);
}

static void test_view(void)
{
    struct input *in = input_new(0);
    size_t start;
    int col;
    type(in, "0123456789");
    input_view(in, 8, &start, &col);
    CHECK(start == 3 && col == 7); /* cursor after the last char, on screen */
    input_do(in, INPUT_HOME);
    input_view(in, 8, &start, &col);
    CHECK(start == 0 && col == 0);
    input_do(in, INPUT_RIGHT);
    input_view(in, 8, &start, &col);
    CHECK(start == 0 && col == 1); /* no shift while the cursor is visible */
    input_clear(in);
    /* wide characters: 中文字 = 6 columns in a 5-column field */
    type(in, "\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97");
    input_view(in, 5, &start, &col);
    CHECK(start == 3 && col == 4);
    input_do(in, INPUT_BACKSPACE);
    input_view(in, 5, &start, &col);
    CHECK(start == 0 && col == 4); /* everything fits again */
    input_free(in);
}

static void completer(void *ud, const char *line, size_t word_start, int word_index,
                      struct input_candidates *c)
{
    int *calls = ud;
    (*calls)++;
    if (word_index == 0) {
        input_candidates_add(c, "/msg");
        input_candidates_add(c, "/me");
        input_candidates_add(c, "/quit");
    } else {
        input_candidates_add(c, "bob@localhost");
        input_candidates_add(c, "Bob");
        input_candidates_add(c, "carol@localhost");
        input_candidates_add(c, "bob@localhost");
    }
}

static void test_complete(void)
{
    struct input *in = input_new(0);
    int calls = 0;
    char buf[100];
    type(in, "/q");
    CHECK(input_complete(in, completer, &calls));
    CHECK_STR(input_text(in), "/quit ");
    CHECK(input_choices(in) == 0); /* one match: nothing to list */
    input_clear(in);
    /* several: listed, the line keeps the word until Tab again */
    type(in, "/m");
    CHECK(input_complete(in, completer, &calls));
    CHECK_STR(input_text(in), "/m");
    CHECK(input_choices(in) == 2 && input_choice_current(in) == -1);
    CHECK_STR(input_choice(in, 0, buf, sizeof buf), "/me");
    CHECK_STR(input_choice(in, 1, buf, sizeof buf), "/msg");
    CHECK(input_choice(in, 2, buf, sizeof buf) == NULL);
    CHECK(input_complete(in, completer, &calls));
    CHECK_STR(input_text(in), "/me");
    CHECK(input_choice_current(in) == 0);
    CHECK(input_complete(in, completer, &calls));
    CHECK_STR(input_text(in), "/msg");
    CHECK(input_complete(in, completer, &calls));
    CHECK_STR(input_text(in), "/me");
    type(in, " b");
    CHECK(input_choices(in) == 0); /* typing ends the list */
    CHECK(input_complete(in, completer, &calls));
    CHECK_STR(input_text(in), "/me b"); /* "Bob" and "bob@localhost" share only "b" */
    CHECK(input_choices(in) == 2);      /* the duplicate is gone */
    CHECK(input_complete(in, completer, &calls));
    CHECK_STR(input_text(in), "/me Bob");
    CHECK(input_complete(in, completer, &calls));
    CHECK_STR(input_text(in), "/me bob@localhost");
    input_choices_end(in);
    CHECK(input_choices(in) == 0);
    CHECK_STR(input_text(in), "/me bob@localhost");
    input_clear(in);
    type(in, "zzz");
    CHECK(!input_complete(in, completer, &calls));
    CHECK_STR(input_text(in), "zzz");
    input_free(in);
}

static void contacts(void *ud, const char *line, size_t word_start, int word_index,
                     struct input_candidates *c)
{
    input_candidates_add_labelled(c, "bee@localhost", "Alice");
    input_candidates_add_labelled(c, "cee@localhost", "Alan Smith");
    input_candidates_add(c, "alfred@example.org");
    input_candidates_add_labelled(c, "alfred@example.org", "Alfred"); /* the label is kept */
    input_candidates_add_labelled(c, "dee@localhost", "Dee");
    input_candidates_add_labelled(c, "dora@localhost", "");
    input_candidates_add_labelled(c, "doris@localhost", "doris@localhost"); /* no label */
}

/* Candidates found by their label, listed by it, put in as themselves. */
static void test_complete_labelled(void)
{
    struct input *in = input_new(0);
    char buf[100];
    type(in, "/msg al");
    CHECK(input_complete(in, contacts, NULL));
    CHECK_STR(input_text(in), "/msg al"); /* found by names: nothing in common to add */
    CHECK(input_choices(in) == 3);
    CHECK_STR(input_choice(in, 0, buf, sizeof buf), "Alan Smith <cee@localhost>");
    CHECK_STR(input_choice(in, 1, buf, sizeof buf), "Alfred <alfred@example.org>");
    CHECK_STR(input_choice(in, 2, buf, sizeof buf), "Alice <bee@localhost>");
    CHECK(input_complete(in, contacts, NULL));
    CHECK_STR(input_text(in), "/msg cee@localhost");
    input_clear(in);
    type(in, "/msg ALI");
    CHECK(input_complete(in, contacts, NULL));
    CHECK_STR(input_text(in), "/msg bee@localhost "); /* one: the address, and a space */
    input_clear(in);
    type(in, "/msg smi");
    CHECK(input_complete(in, contacts, NULL)); /* a word of the name */
    CHECK_STR(input_text(in), "/msg cee@localhost ");
    input_clear(in);
    type(in, "/msg do");
    CHECK(input_complete(in, contacts, NULL));
    CHECK_STR(input_text(in), "/msg dor"); /* the words' common part */
    CHECK(input_choices(in) == 2);
    CHECK_STR(input_choice(in, 1, buf, sizeof buf), "doris@localhost");
    input_clear(in);
    type(in, "/msg de");
    CHECK(input_complete(in, contacts, NULL));
    CHECK_STR(input_text(in), "/msg dee@localhost ");
    input_free(in);
}

static void test_limit(void)
{
    struct input *in = input_new(0);
    char *big = malloc(INPUT_MAX_BYTES + 2);
    memset(big, 'x', INPUT_MAX_BYTES + 1);
    big[INPUT_MAX_BYTES + 1] = '\0';
    CHECK(!input_insert(in, big, INPUT_MAX_BYTES + 1));
    CHECK(input_len(in) == 0);
    CHECK(input_insert(in, big, 1000));
    CHECK(input_insert(in, big, INPUT_MAX_BYTES - 1000));
    CHECK(!input_insert(in, "y", 1)); /* full, even with room in the buffer */
    CHECK(input_len(in) == INPUT_MAX_BYTES);
    free(big);
    input_free(in);
    /* A long paste arrives a character at a time, with a view after
     * each: the view must not cost the whole line each time. */
    in = input_new(0);
    size_t start;
    int col;
    for (int i = 0; i < 60000; i++) {
        input_insert(in, "x", 1);
        input_view(in, 80, &start, &col);
    }
    CHECK(start == 60000 - 79 && col == 79);
    input_do(in, INPUT_HOME);
    input_view(in, 80, &start, &col);
    CHECK(start == 0 && col == 0);
    input_free(in);
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    test_editing();
    test_utf8();
    test_history();
    test_view();
    test_complete();
    test_complete_labelled();
    test_limit();
    return check_done();
}

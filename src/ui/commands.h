/* SPDX-License-Identifier: GPL-3.0-or-later */
/* commands.h - the command line language of the input line: the table of
 * commands (cmds.c), and parsing a line into one with checked arguments
 * (commands.c). */
#ifndef TUKTUK_UI_COMMANDS_H
#define TUKTUK_UI_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>

#include "xmpp/roster.h"

struct ui;
struct command;

/* What the first argument is: what Tab offers for it. */
enum command_arg {
    ARG_TEXT,       /* a message, a reason, a name: nothing to offer */
    ARG_CONTACT,    /* a JID: an address or a contact's name (resolve.c) */
    ARG_ROOM,       /* a room: ours and the bookmarks */
    ARG_SHOW,       /* online, chat, away, xa, dnd */
    ARG_COMMAND,    /* a command's name */
    ARG_VCARD_FIELD, /* FN, NICKNAME... */
    ARG_PATH         /* a file's path */
};

/* Checks beyond the number of words, made while parsing. A status
 * message (VALUE_SHOW's second argument, VALUE_STATUS_TEXT's first) loses
 * one pair of quotes around it: /status away "out for lunch" is typed as
 * in a shell, and the quotes are not meant for the contacts. */
enum command_value { VALUE_ANY, VALUE_SHOW, VALUE_PRIORITY, VALUE_VCARD_FIELD, VALUE_STATUS_TEXT };

typedef void (*command_fn)(struct ui *ui, const struct command *c);

struct command_entry {
    const char *name, *sub; /* "roster", "add"; sub NULL for most */
    int req, max;           /* words required, and at most */
    bool rest;              /* the last argument is the rest of the line */
    enum command_value value;
    enum command_arg arg;
    const char *usage, *help;
    const char *example; /* one line as the user would type it, for /help */
    command_fn run;
    /* "-a NAME" may come first: the account it acts for (issue 15); with
     * ACCOUNT_ALL, "-a all" runs it for each account. */
    enum { ACCOUNT_NO, ACCOUNT_ONE, ACCOUNT_ALL } account_opt;
};

extern const struct command_entry commands_table[];
extern const size_t commands_count;

struct command {
    const struct command_entry *entry; /* NULL: text to say, in arg[0] */
    char *arg[2];                      /* owned; NULL when not given */
    char *account;                     /* owned: after -a, or NULL */
    enum presence_show show;           /* VALUE_SHOW */
    int priority;                      /* VALUE_PRIORITY */
};

/* Parse one input line. Returns 0, or -1 with a one-line message that
 * includes the usage in err. The caller frees with commands_clear. */
int commands_parse(const char *line, struct command *out, char *err, size_t errlen);
void commands_clear(struct command *c);
/* Is c the command "name [sub]"? ("say" for text to say.) */
bool commands_is(const struct command *c, const char *name, const char *sub);

/* The entry a command line starts with ("/roster add bob" gives roster
 * add) and the index of the word its first argument is; NULL when the
 * line names none (or a command whose subcommand is still missing). */
const struct command_entry *commands_entry_of(const char *line, int *first_arg_word);

/* Help for one command ("msg" or "/msg"; "roster" covers its
 * subcommands): usage, text and an example, several lines. NULL if
 * unknown. */
const char *commands_help(const char *name);
/* Names for /help and completion: "/connect"..., NULL past the end. */
const char *commands_name(size_t i);
/* One line per command: usage and a short description, NULL past the end. */
const char *commands_summary(size_t i);
/* The overview /help shows: every command's name, as few lines of at
 * most width columns as they fill; line i, NULL past the end. */
const char *commands_overview(size_t i, size_t width);

#endif

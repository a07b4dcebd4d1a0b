/* SPDX-License-Identifier: GPL-3.0-or-later */
/* complete.c - Tab completes what the word under the cursor takes: a
 * command's name, its subcommand, and for its first argument what the
 * command's row in the table says it is (cmds.c: a contact's address,
 * listed by name, where a JID goes; a room where a room goes; a presence,
 * a vCard field, a command); names or nicks in text. */
#include "ui/ui_int.h"

#include <string.h>

#include "ui/commands.h"

/* Tab completes what the word under the cursor takes: a command's name,
 * its subcommand, a contact's address (listed by name) where a JID goes,
 * a room where a room goes, and names or nicks in text. */

static void complete_commands(struct input_candidates *c, bool slash)
{
    for (size_t i = 0; commands_name(i); i++)
        input_candidates_add(c, commands_name(i) + (slash ? 0 : 1));
}

/* Where a JID goes: the contacts' addresses, found and listed by name
 * too; and the people of the open chat windows, who may not be on the
 * roster. */
static void complete_addresses(struct ui *ui, struct input_candidates *c)
{
    struct roster *r = session_roster(ui->a->session);
    for (size_t i = 0; i < roster_count(r); i++) {
        const struct roster_item *it = roster_at(r, i);
        if (it->in_roster)
            input_candidates_add_labelled(c, it->jid, it->name);
    }
    for (size_t i = 1; i < ui->wins.n; i++)
        if (ui->wins.w[i]->kind == CHATWIN_CHAT)
            input_candidates_add(c, ui->wins.w[i]->jid);
}

/* In text: names (as you would write them) and addresses. */
static void complete_names(struct ui *ui, struct input_candidates *c)
{
    struct roster *r = session_roster(ui->a->session);
    for (size_t i = 0; i < roster_count(r); i++) {
        const struct roster_item *it = roster_at(r, i);
        input_candidates_add(c, it->jid);
        if (it->name && it->name[0])
            input_candidates_add(c, it->name);
    }
    for (size_t i = 1; i < ui->wins.n; i++)
        if (ui->wins.w[i]->jid)
            input_candidates_add(c, ui->wins.w[i]->jid);
}

/* Where a room goes: the rooms we are in or have a window for, and the
 * bookmarks (found and listed by their name too). */
static void complete_rooms(struct ui *ui, struct input_candidates *c)
{
    for (size_t i = 0; i < session_muc_count(ui->a->session); i++)
        input_candidates_add(c, session_muc_at(ui->a->session, i)->jid);
    for (size_t i = 1; i < ui->wins.n; i++)
        if (ui->wins.w[i]->kind == CHATWIN_ROOM)
            input_candidates_add(c, ui->wins.w[i]->jid);
    const struct muc_bookmarks *b = session_bookmarks(ui->a->session);
    for (size_t i = 0; b && i < b->n; i++)
        input_candidates_add_labelled(c, b->items[i].jid, b->items[i].name);
}

/* The subcommands of the line's command ("/roster" gives add, remove...),
 * or false when it has none. */
static bool complete_subcommands(const char *line, struct input_candidates *c)
{
    size_t n = strcspn(line + 1, " ");
    bool any = false;
    for (size_t i = 0; i < commands_count; i++) {
        const struct command_entry *e = &commands_table[i];
        if (e->sub && strlen(e->name) == n && strncmp(e->name, line + 1, n) == 0) {
            input_candidates_add(c, e->sub);
            any = true;
        }
    }
    return any;
}

static void complete_arg(struct ui *ui, const struct command_entry *e, const char *word,
                         struct input_candidates *c)
{
    static const char *const shows[] = {"online", "chat", "away", "xa", "dnd"};
    static const char *const vcard_fields[] = {"FN",  "NICKNAME", "EMAIL", "URL", "BDAY",
                                               "TEL", "ORG",      "TITLE", "NOTE"};
    switch (e->arg) {
    case ARG_CONTACT:
        complete_addresses(ui, c);
        /* In a room, /msg + Tab also offers its occupants, privately. */
        if (strcmp(e->name, "msg") == 0)
            ui_room_complete_private(ui, c);
        break;
    case ARG_ROOM:
        complete_rooms(ui, c);
        break;
    case ARG_SHOW:
        for (size_t i = 0; i < sizeof shows / sizeof shows[0]; i++)
            input_candidates_add(c, shows[i]);
        break;
    case ARG_COMMAND:
        complete_commands(c, false);
        break;
    case ARG_VCARD_FIELD:
        for (size_t i = 0; i < sizeof vcard_fields / sizeof vcard_fields[0]; i++)
            input_candidates_add(c, vcard_fields[i]);
        break;
    case ARG_PATH:
        ui_files_complete_path(ui, word, c);
        break;
    case ARG_TEXT:
        break;
    }
}

/* A command line: true when it was one (even with nothing to offer). */
static bool complete_command_args(struct ui *ui, const char *line, const char *word,
                                  int word_index, struct input_candidates *c)
{
    int first = 1;
    const struct command_entry *e = commands_entry_of(line, &first);
    if (word_index == 1 && complete_subcommands(line, c)) {
        /* "/vcard " offers set, and the contacts /vcard JID takes */
        if (e && !e->sub && e->arg != ARG_TEXT)
            complete_arg(ui, e, word, c);
        return true;
    }
    if (!e || word_index != first || e->arg == ARG_TEXT)
        return false; /* text (a message, a reason, a topic) */
    complete_arg(ui, e, word, c);
    return true;
}

void ui_complete(void *ud, const char *line, size_t word_start, int word_index,
                 struct input_candidates *c)
{
    struct ui *ui = ud;
    if (word_index == 0 && line[0] == '/') {
        complete_commands(c, true);
        return;
    }
    if (line[0] == '/' && line[1] != '/' && complete_command_args(ui, line, line + word_start, word_index, c))
        return;
    if (!ui_room_complete(ui, word_index, c))
        complete_names(ui, c);
}

/* commands.h - parsing what the user typed into a command with checked
 * arguments, and the help texts (see commands.c). ui.c carries them out. */
#ifndef TUKTUK_UI_COMMANDS_H
#define TUKTUK_UI_COMMANDS_H

#include <stddef.h>

#include "xmpp/roster.h"

enum command_id {
    CMD_SAY, /* plain text for the current window: arg[0] */
    CMD_CONNECT,
    CMD_DISCONNECT,
    CMD_QUIT,
    CMD_MSG,
    CMD_CLOSE,
    CMD_STATUS,
    CMD_PRIORITY,
    CMD_HELP,
    CMD_ROSTER_ADD,
    CMD_ROSTER_REMOVE,
    CMD_ROSTER_RENAME,
    CMD_ROSTER_GROUP,
    CMD_SUBSCRIBE,
    CMD_AUTHORIZE,
    CMD_DENY,
    CMD_UNSUBSCRIBE,
    CMD_RAW,
    CMD_TLS_TRUST,
    CMD_PASSWORD,
    CMD_PASSWD,
    CMD_VAULT_PASSPHRASE,
    CMD_XML,
    CMD_ME,        /* arg[0]: the action */
    CMD_CORRECT,   /* arg[0]: the corrected text of our last message */
    CMD_INFO,      /* arg[0]: JID or NULL (the current chat) */
    CMD_VCARD,     /* arg[0]: JID or NULL (our own) */
    CMD_VCARD_SET, /* arg[0]: field, upper case; arg[1]: value or NULL */
    CMD_DISCO,     /* arg[0]: JID or NULL (the server) */
    CMD_VERSION,   /* arg[0]: JID */
    CMD_PING,      /* arg[0]: JID or NULL (the server) */
    CMD_JOIN,      /* arg[0]: ROOM[@SERVICE][/NICK]; arg[1]: password or NULL */
    CMD_PART,      /* arg[0]: message or NULL */
    CMD_NICK,      /* arg[0]: the new nick */
    CMD_TOPIC,     /* arg[0]: the new subject, or NULL to show it */
    CMD_INVITE,    /* arg[0]: JID; arg[1]: reason or NULL */
    CMD_NAMES,
    CMD_BOOKMARK,        /* arg[0]: a name for it, or NULL */
    CMD_BOOKMARK_REMOVE, /* arg[0]: the room, or NULL (the current one) */
    CMD_BOOKMARK_LIST
};

struct command {
    enum command_id id;
    char *arg[2];            /* owned; NULL when not given */
    enum presence_show show; /* CMD_STATUS */
    int priority;            /* CMD_PRIORITY */
};

/* Parse one input line. Returns 0, or -1 with a one-line message that
 * includes the usage in err. The caller frees with commands_clear. */
int commands_parse(const char *line, struct command *out, char *err, size_t errlen);
void commands_clear(struct command *c);

/* Help for one command ("msg" or "/msg"; "roster" covers its
 * subcommands): usage and text, possibly several lines. NULL if unknown. */
const char *commands_help(const char *name);
/* Names for /help and completion: "/connect"..., NULL past the end. */
const char *commands_name(size_t i);
/* One line per command: usage and a short description, NULL past the end. */
const char *commands_summary(size_t i);

#endif

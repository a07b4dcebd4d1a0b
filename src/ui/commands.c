/* commands.c - the command line language of the input line.
 *
 * One table describes every command: its name (and subcommand, for
 * /roster), how many words it needs, whether its last argument takes the
 * rest of the line verbatim (a message, a status text, raw XML), its
 * usage and its help. Parsing checks the shape of the arguments, so that
 * ui.c only ever sees well-formed commands; what they mean for the
 * session (which contact a JID argument names, are we online) is checked
 * there. Text that
 * does not start with '/' is something to say, and "//text" says
 * "/text". */
#include "ui/commands.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct command_spec {
    const char *name;
    const char *sub;
    enum command_id id;
    int req, max; /* words required, and at most */
    bool rest;    /* the last argument is the rest of the line */
    const char *usage;
    const char *help;
};

static const struct command_spec specs[] = {
    {"connect", NULL, CMD_CONNECT, 0, 1, false, "/connect [ACCOUNT]",
     "Log in (again) with the account tuktuk was started with."},
    {"disconnect", NULL, CMD_DISCONNECT, 0, 0, false, "/disconnect",
     "Log out: unavailable presence, then close the stream. No reconnect follows."},
    {"quit", NULL, CMD_QUIT, 0, 1, true, "/quit [MESSAGE]",
     "Send unavailable presence with MESSAGE, close the stream and exit."},
    {"msg", NULL, CMD_MSG, 1, 2, true, "/msg JID [TEXT]",
     "Open a chat window with JID, and send TEXT if given. JID is an address, or a contact's "
     "name (Tab completes both); a name two contacts share, or a word that names nobody, is "
     "refused, never taken for a server."},
    {"close", NULL, CMD_CLOSE, 0, 0, false, "/close",
     "Close the current window (the status window stays)."},
    {"status", NULL, CMD_STATUS, 1, 2, true, "/status online|chat|away|xa|dnd [MESSAGE]",
     "Set your presence and its status message."},
    {"priority", NULL, CMD_PRIORITY, 1, 1, false, "/priority N",
     "Set your presence priority (-128 to 127)."},
    {"help", NULL, CMD_HELP, 0, 1, false, "/help [COMMAND]", "List the commands, or explain one."},
    {"roster", "add", CMD_ROSTER_ADD, 1, 2, true, "/roster add JID [NAME]",
     "Add JID (an address) to your roster, named NAME, and ask to see their presence."},
    {"roster", "remove", CMD_ROSTER_REMOVE, 1, 1, false, "/roster remove JID",
     "Remove JID (an address or a contact's name) from your roster; this also cancels the "
     "subscriptions. The status window confirms it."},
    {"roster", "rename", CMD_ROSTER_RENAME, 2, 2, true, "/roster rename JID NAME",
     "Change the name shown for JID."},
    {"roster", "group", CMD_ROSTER_GROUP, 2, 2, true, "/roster group JID GROUP",
     "Move JID into GROUP (its only group)."},
    {"subscribe", NULL, CMD_SUBSCRIBE, 1, 1, false, "/subscribe JID",
     "Ask JID to share their presence with you."},
    {"authorize", NULL, CMD_AUTHORIZE, 1, 1, false, "/authorize JID",
     "Allow JID to see your presence."},
    {"deny", NULL, CMD_DENY, 1, 1, false, "/deny JID",
     "Refuse JID's request, or stop sharing your presence with JID."},
    {"unsubscribe", NULL, CMD_UNSUBSCRIBE, 1, 1, false, "/unsubscribe JID",
     "Stop receiving JID's presence."},
    {"correct", NULL, CMD_CORRECT, 1, 1, true, "/correct TEXT",
     "Replace your last message in this chat with TEXT (XEP-0308); the peer's client shows "
     "the correction in its place."},
    {"me", NULL, CMD_ME, 1, 1, true, "/me TEXT",
     "Say TEXT as an action: the chat shows \"* yourname TEXT\" (XEP-0245)."},
    {"info", NULL, CMD_INFO, 0, 1, false, "/info [JID]",
     "Contact details: JID, name, groups, subscription, each resource with show, status, "
     "priority and client. Without JID: the current chat's contact."},
    {"vcard", "set", CMD_VCARD_SET, 1, 2, true, "/vcard set FIELD [VALUE]",
     "Change one field of your vCard: FN, NICKNAME, EMAIL, URL, BDAY, TEL, ORG, TITLE or "
     "NOTE. Without VALUE the field is removed."},
    {"vcard", NULL, CMD_VCARD, 0, 1, false, "/vcard [JID]",
     "Show JID's vCard (XEP-0054): name, nickname, email, URL, birthday, phone, "
     "organisation, title, note. Without JID: your own."},
    {"disco", NULL, CMD_DISCO, 0, 1, false, "/disco [JID]",
     "Ask JID (default: your server) what it is and which features it has (XEP-0030)."},
    {"version", NULL, CMD_VERSION, 1, 1, false, "/version JID",
     "Ask which software JID runs (XEP-0092). A contact's bare JID asks its best resource."},
    {"ping", NULL, CMD_PING, 0, 1, false, "/ping [JID]",
     "Ping JID (default: your server) and show the round trip in milliseconds (XEP-0199)."},
    {"join", NULL, CMD_JOIN, 1, 2, false, "/join ROOM@SERVICE[/NICK] [PASSWORD]",
     "Join a group chat room (XEP-0045) in a window of its own. The nick defaults to your "
     "JID's localpart; a ROOM without @SERVICE is on conference.YOURDOMAIN."},
    {"part", NULL, CMD_PART, 0, 1, true, "/part [MESSAGE]",
     "Leave the current room; its window stays until /close."},
    {"nick", NULL, CMD_NICK, 1, 1, true, "/nick NICK", "Change your nick in the current room."},
    {"topic", NULL, CMD_TOPIC, 0, 1, true, "/topic [TEXT]",
     "Show the current room's subject, or set it to TEXT."},
    {"invite", NULL, CMD_INVITE, 1, 2, true, "/invite JID [REASON]",
     "Invite JID to the current room (through the room, XEP-0045 7.8.2)."},
    {"names", NULL, CMD_NAMES, 0, 0, false, "/names",
     "List the current room's occupants with their presence and role."},
    {"bookmark", "list", CMD_BOOKMARK_LIST, 0, 0, false, "/bookmark list",
     "List your room bookmarks (XEP-0402), which the server keeps for all your clients."},
    {"bookmark", "remove", CMD_BOOKMARK_REMOVE, 0, 1, false, "/bookmark remove [ROOM]",
     "Remove the bookmark of ROOM (default: the current room)."},
    {"bookmark", NULL, CMD_BOOKMARK, 0, 1, true, "/bookmark [NAME]",
     "Bookmark the current room, with your nick, its password and autojoin: it is joined at "
     "every login, from any of your clients."},
    {"xml", NULL, CMD_XML, 0, 0, false, "/xml",
     "Open the XML console: every stanza sent (sent>) and received (recv>), pretty-printed, "
     "SASL payloads redacted, the last 200 from before first. XML typed there is sent as by /raw."},
    {"raw", NULL, CMD_RAW, 1, 1, true, "/raw XML",
     "Send one XML element as is, after checking that it is well-formed."},
    {"tls", "trust", CMD_TLS_TRUST, 0, 0, false, "/tls trust",
     "Trust the certificate that was just refused, by its fingerprint, and reconnect."},
    {"password", NULL, CMD_PASSWORD, 0, 0, false, "/password",
     "Store or change the password kept in the encrypted vault (asked without echo)."},
    {"passwd", NULL, CMD_PASSWD, 0, 0, false, "/passwd",
     "Change your password on the server (XEP-0077); the vault follows once the server "
     "accepts it."},
    {"vault", "passphrase", CMD_VAULT_PASSPHRASE, 0, 0, false, "/vault passphrase",
     "Set, change or (empty answer) remove the vault's master passphrase. With one, the "
     "vault is encrypted with a key derived from it (Argon2id), asked once per start."},
};

#define NSPECS (sizeof specs / sizeof specs[0])

static const char *skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

static size_t word_len(const char *p)
{
    size_t n = 0;
    while (p[n] && p[n] != ' ' && p[n] != '\t')
        n++;
    return n;
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d)
        abort();
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static bool word_is(const char *p, size_t n, const char *w)
{
    return w && strlen(w) == n && memcmp(p, w, n) == 0;
}

/* Find the spec for "name [sub]"; *p moves past what was consumed. */
static const struct command_spec *find_spec(const char **p, bool *name_known)
{
    size_t n = word_len(*p);
    const char *name = *p;
    const char *after = skip_space(name + n);
    size_t sn = word_len(after);
    *name_known = false;
    for (size_t i = 0; i < NSPECS; i++) {
        if (!word_is(name, n, specs[i].name))
            continue;
        *name_known = true;
        if (!specs[i].sub) {
            *p = name + n;
            return &specs[i];
        }
        if (word_is(after, sn, specs[i].sub)) {
            *p = after + sn;
            return &specs[i];
        }
    }
    return NULL;
}

static int fail(char *err, size_t errlen, const char *why, const char *usage)
{
    snprintf(err, errlen, "%s; usage: %s", why, usage);
    return -1;
}

static int parse_args(const struct command_spec *s, const char *p, struct command *out, char *err,
                      size_t errlen)
{
    int n = 0;
    for (; n < s->max; n++) {
        p = skip_space(p);
        if (!*p)
            break;
        size_t len = (n == s->max - 1 && s->rest) ? strlen(p) : word_len(p);
        out->arg[n] = dup_n(p, len);
        p += len;
    }
    if (*skip_space(p))
        return fail(err, errlen, "too many arguments", s->usage);
    if (n < s->req)
        return fail(err, errlen, "missing argument", s->usage);
    return 0;
}

static int check_values(const struct command_spec *s, struct command *out, char *err, size_t errlen)
{
    if (s->id == CMD_STATUS) {
        static const char *const shows[] = {"chat", "online", "away", "xa", "dnd"};
        for (int i = 0; i < 5; i++) {
            if (strcmp(out->arg[0], shows[i]) == 0) {
                out->show = (enum presence_show)i;
                return 0;
            }
        }
        return fail(err, errlen, "unknown presence", s->usage);
    }
    if (s->id == CMD_VCARD_SET) {
        static const char *const fields[] = {"FN",  "NICKNAME", "EMAIL", "URL", "BDAY",
                                             "TEL", "ORG",      "TITLE", "NOTE"};
        for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
            if (strcasecmp(out->arg[0], fields[i]) == 0) {
                snprintf(out->arg[0], strlen(out->arg[0]) + 1, "%s", fields[i]);
                return 0;
            }
        }
        return fail(err, errlen, "unknown vCard field", s->usage);
    }
    if (s->id == CMD_PRIORITY) {
        char *end;
        errno = 0;
        long v = strtol(out->arg[0], &end, 10);
        if (errno || *end || end == out->arg[0] || v < -128 || v > 127)
            return fail(err, errlen, "priority must be a number from -128 to 127", s->usage);
        out->priority = (int)v;
    }
    return 0;
}

int commands_parse(const char *line, struct command *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (line[0] != '/' || line[1] == '/') {
        out->id = CMD_SAY;
        out->arg[0] = dup_n(line + (line[0] == '/'), strlen(line + (line[0] == '/')));
        return 0;
    }
    const char *p = line + 1;
    bool known;
    const struct command_spec *s = find_spec(&p, &known);
    if (!s) {
        size_t n = word_len(line);
        if (known)
            snprintf(err, errlen, "unknown subcommand for %.*s; see /help %.*s", (int)n, line,
                     (int)n - 1, line + 1);
        else
            snprintf(err, errlen, "unknown command %.*s; /help lists the commands",
                     n > 40 ? 40 : (int)n, line);
        return -1;
    }
    out->id = s->id;
    if (parse_args(s, p, out, err, errlen) != 0 || check_values(s, out, err, errlen) != 0) {
        commands_clear(out);
        return -1;
    }
    return 0;
}

void commands_clear(struct command *c)
{
    for (int i = 0; i < 2; i++) {
        free(c->arg[i]);
        c->arg[i] = NULL;
    }
}

const char *commands_help(const char *name)
{
    static char buf[2048];
    size_t off = 0;
    if (name[0] == '/')
        name++;
    buf[0] = '\0';
    for (size_t i = 0; i < NSPECS; i++) {
        if (strcmp(specs[i].name, name) != 0)
            continue;
        int n = snprintf(buf + off, sizeof buf - off, "%s%s\n    %s", off ? "\n" : "",
                         specs[i].usage, specs[i].help);
        if (n > 0 && (size_t)n < sizeof buf - off)
            off += (size_t)n;
    }
    return off ? buf : NULL;
}

const char *commands_name(size_t i)
{
    /* Distinct names in table order: /roster's subcommands share one. */
    size_t k = 0;
    for (size_t j = 0; j < NSPECS; j++) {
        if (j > 0 && strcmp(specs[j].name, specs[j - 1].name) == 0)
            continue;
        if (k++ == i) {
            static char buf[32];
            snprintf(buf, sizeof buf, "/%s", specs[j].name);
            return buf;
        }
    }
    return NULL;
}

const char *commands_summary(size_t i)
{
    static char buf[256];
    if (i >= NSPECS)
        return NULL;
    snprintf(buf, sizeof buf, "%-42s %s", specs[i].usage, specs[i].help);
    return buf;
}

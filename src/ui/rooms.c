/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rooms.c - group chat rooms (XEP-0045) on the screen: a window per room
 * (its subject and head count in the title), occupants coming and going,
 * our own messages as the room sends them back, private messages with
 * occupants in windows of their own, nick completion, and the commands
 * /join /part /nick /topic /invite /names.
 *
 * What we chose, as Profanity and mcabber users expect: a room's window
 * stays open after leaving (its reason is the last line; /close closes
 * it, and /close in a room we are in leaves it too); a message that names
 * our nick in a hidden room rings like a chat message, other room traffic
 * only counts as unread; history the room replays on joining is shown
 * with its own time but not logged again. */
#include "ui/ui_int.h"

#include "ui/commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/xalloc.h"
#include "xmpp/jid.h"

#define NAMES_SHOWN 40

struct chatwin *ui_room_window(struct ui *ui, const char *room, bool focus)
{
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)strcspn(room, "@"), room);
    bool created = false;
    struct chatwin *w = chatwins_open_kind(&ui->wins, CHATWIN_ROOM, room, name, &created);
    if (created)
        ui_history_open(ui, w);
    size_t index = 0;
    chatwins_find(&ui->wins, room, &index);
    if (focus)
        ui_select_window(ui, index);
    ui_dirty(ui, UI_DIRTY_STATUS | (created ? UI_DIRTY_ALL : 0));
    return w;
}

static struct chatwin *room_window(struct ui *ui, const char *room)
{
    char *bare = room ? jid_bare_of(room) : NULL;
    struct chatwin *w = bare ? chatwins_find(&ui->wins, bare, NULL) : NULL;
    free(bare);
    return w && w->kind == CHATWIN_ROOM ? w : NULL;
}

/* The room of the current window, or an error on the status line. */
static const struct muc_room *current_room(struct ui *ui, const char *command, bool joined)
{
    struct chatwin *w = chatwins_current(&ui->wins);
    const struct muc_room *r =
        w->kind == CHATWIN_ROOM ? session_muc_room(ui->a->session, w->jid) : NULL;
    if (!r || (joined && !r->joined)) {
        ui_status_error(ui, "%s works in a room you are in: /join ROOM@SERVICE first", command);
        return NULL;
    }
    return r;
}

/* Letters and digits, and any byte of a multi-byte character: what a nick
 * must not touch to be named as a word. */
static bool word_byte(char c)
{
    return (c & 0x80) || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static bool names_us(const char *text, const char *nick)
{
    size_t n = nick ? strlen(nick) : 0;
    for (const char *p = text; n && (p = strstr(p, nick)); p++)
        if ((p == text || !word_byte(p[-1])) && !word_byte(p[n]))
            return true;
    return false;
}

/* History the room sends at a join that the window shows already: a
 * rejoin (after /join, a reconnect, /disconnect and /connect) asks for
 * the last 20 messages when the session has no newer stamp to ask from,
 * and they were shown once (issue 9). A line seen live has our clock's
 * stamp and the replay the room's: a few seconds apart at most. */
static bool replayed(struct chatwin *w, const struct session_message *m, const char *who)
{
    const char *act = ui_action_text(m->body);
    return chatwin_has_line(w, m->stamp, 5, who, act ? act : m->body);
}

/* The window of private messages with an occupant (issue 9: they were
 * lines in the room's window, easily lost among its traffic): a chat
 * window for the occupant's full JID, named "NICK/ROOM". What is said
 * there is logged with the room's history, marked private. */
static struct chatwin *private_window(struct ui *ui, const char *occupant, bool focus)
{
    const char *nick = jid_resource_of(occupant);
    char name[300];
    snprintf(name, sizeof name, "%s/%.*s", nick ? nick : occupant,
             (int)strcspn(occupant, "@"), occupant);
    bool created = false;
    struct chatwin *w = chatwins_open(&ui->wins, occupant, name, &created);
    if (created)
        ui_history_open(ui, w);
    size_t index = 0;
    chatwins_find(&ui->wins, occupant, &index);
    if (focus)
        ui_select_window(ui, index);
    ui_dirty(ui, UI_DIRTY_STATUS);
    return w;
}

/* A groupchat message, or a private one from an occupant: true if it was
 * for a room window. */
bool ui_room_message(struct ui *ui, const struct session_message *m)
{
    char *room = m->from ? jid_bare_of(m->from) : NULL;
    const struct muc_room *r = room ? session_muc_room(ui->a->session, room) : NULL;
    bool groupchat = m->type && strcmp(m->type, "groupchat") == 0;
    if (!r || !m->body || (!groupchat && m->carbon_sent)) {
        free(room);
        return r != NULL && !m->carbon_sent;
    }
    const char *nick = jid_resource_of(m->from);
    struct chatwin *w = groupchat || !nick ? ui_room_window(ui, r->jid, false)
                                           : private_window(ui, m->from, false);
    bool ours = groupchat && nick && r->nick && strcmp(nick, r->nick) == 0;
    char who[300];
    snprintf(who, sizeof who, "%s", nick ? nick : "*room*");
    /* A line the store has (the room replays its history on every join)
     * is not shown twice. */
    if (!ui_keep_message(ui, &(struct keep){.conv = w->jid, .from = who, .text = m->body,
                                            .stamp = m->stamp, .out = ours, .m = m}) ||
        (m->delayed && replayed(w, m, who))) {
        free(room);
        return true;
    }
    struct chatline *l = ui_show_message(ui, w, m->stamp, ours, who, m->body, m->id);
    bool named = !ours && names_us(m->body, r->nick);
    l->mention = named; /* highlighted where it names us, seen or not */
    if (w != chatwins_current(&ui->wins) && !ours && !m->delayed) {
        w->unread++;
        if (!groupchat || named) {
            ui->bell = ui->opt.bell;
            w->mention = true; /* marked apart on the status line */
        }
        ui_dirty(ui, UI_DIRTY_STATUS);
    }
    free(room);
    return true;
}

static void on_joined(struct ui *ui, const struct session_event *ev)
{
    struct chatwin *w = ui_room_window(ui, ev->jid, false);
    const struct muc_room *r = session_muc_room(ui->a->session, ev->jid);
    char names[1024] = "";
    size_t used = 0;
    for (size_t i = 0; r && i < r->noccupants && i < NAMES_SHOWN && used < sizeof names; i++)
        used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
                                 r->occupants[i].nick);
    ui_info(ui, w, CHATLINE_INFO, "you %s the room as %s; here: %s%s",
            ev->text && strcmp(ev->text, "created") == 0 ? "created" : "joined", ev->nick, names,
            r && r->noccupants > NAMES_SHOWN ? ", ..." : "");
    ui_dirty(ui, UI_DIRTY_TITLE);
}

static void on_occupant(struct ui *ui, const struct session_event *ev)
{
    struct chatwin *w = room_window(ui, ev->jid);
    const char *how = ev->sub_type ? ev->sub_type : "";
    if (!w)
        return;
    if (strcmp(how, "join") == 0)
        ui_info(ui, w, CHATLINE_INFO, "%s joined", ev->nick);
    else if (strcmp(how, "leave") == 0)
        ui_info(ui, w, CHATLINE_INFO, "%s left%s%s%s", ev->nick, ev->text ? " (" : "",
                ev->text ? ev->text : "", ev->text ? ")" : "");
    else if (strcmp(how, "nick") == 0)
        ui_info(ui, w, CHATLINE_INFO, "%s is now known as %s", ev->nick, ev->text);
    else if (strcmp(how, "kick") == 0 || strcmp(how, "ban") == 0)
        ui_info(ui, w, CHATLINE_INFO, "%s was %s%s%s", ev->nick,
                how[0] == 'k' ? "kicked" : "banned", ev->text ? ": " : "",
                ev->text ? ev->text : "");
    ui_dirty(ui, UI_DIRTY_TITLE);
}

/* Why a join was refused, with what to do about it (XEP-0045 §7.2),
 * naming the real room and nick (issue 9: the hint said "/join
 * ROOM@SERVICE/OTHERNICK", placeholder and all). */
static void refusal_hint(const struct session_event *ev, const char *nick, char *buf, size_t len)
{
    const char *c = ev->condition ? ev->condition : "";
    const char *service = strchr(ev->jid, '@') ? strchr(ev->jid, '@') + 1 : ev->jid;
    if (strcmp(c, "conflict") == 0)
        snprintf(buf, len, "the nick %s is taken there: /join %s/%s_ tries another", nick, ev->jid,
                 nick);
    else if (strcmp(c, "not-authorized") == 0)
        snprintf(buf, len, "the room wants a password: /join %s PASSWORD", ev->jid);
    else if (strcmp(c, "registration-required") == 0)
        snprintf(buf, len, "the room is for members only: ask one of its owners to add you");
    else if (strcmp(c, "forbidden") == 0)
        snprintf(buf, len, "you are banned from the room: ask one of its owners");
    else if (strcmp(c, "service-unavailable") == 0)
        snprintf(buf, len, "the room is full: /join %s again later", ev->jid);
    else if (strcmp(c, "item-not-found") == 0)
        snprintf(buf, len, "%s has no such room (or it is locked): check the name", service);
    else if (strcmp(c, "not-allowed") == 0)
        snprintf(buf, len, "%s does not let you create rooms: join one that exists", service);
    else
        snprintf(buf, len, "/join %s again to retry", ev->jid);
}

/* Going offline for good makes the session forget its rooms (it joins
 * them again only after a reconnect): keep them for the next login. */
static void remember_room(struct ui *ui, const char *jid)
{
    const struct muc_room *r = session_muc_room(ui->a->session, jid);
    if (!r || !r->nick)
        return;
    for (size_t i = 0; i < ui->a->nrejoin; i++)
        if (strncmp(ui->a->rejoin[i], r->jid, strlen(r->jid)) == 0 &&
            ui->a->rejoin[i][strlen(r->jid)] == '/')
            return;
    size_t n = strlen(r->jid) + strlen(r->nick) + 2;
    char *arg = xalloc_realloc(NULL, n);
    snprintf(arg, n, "%s/%s", r->jid, r->nick);
    ui->a->rejoin = xalloc_realloc(ui->a->rejoin, (ui->a->nrejoin + 1) * sizeof *ui->a->rejoin);
    ui->a->rejoin_pw = xalloc_realloc(ui->a->rejoin_pw, (ui->a->nrejoin + 1) * sizeof *ui->a->rejoin_pw);
    ui->a->rejoin[ui->a->nrejoin] = arg;
    ui->a->rejoin_pw[ui->a->nrejoin++] = r->password ? xalloc_strdup(r->password) : NULL;
}

/* /disconnect leaves the rooms before the session goes offline: what
 * we were in is noted first, so that /connect comes back to it. */
void ui_rooms_remember(struct ui *ui)
{
    for (size_t i = 0; i < session_muc_count(ui->a->session); i++) {
        const struct muc_room *r = session_muc_at(ui->a->session, i);
        struct chatwin *w = r->joined ? room_window(ui, r->jid) : NULL;
        if (!w)
            continue;
        remember_room(ui, r->jid);
        ui_info(ui, w, CHATLINE_INFO, "/connect joins the room again");
    }
}

static void forget_rejoin(struct ui *ui)
{
    for (size_t i = 0; i < ui->a->nrejoin; i++) {
        free(ui->a->rejoin[i]);
        free(ui->a->rejoin_pw[i]);
    }
    free(ui->a->rejoin);
    free(ui->a->rejoin_pw);
    ui->a->rejoin = ui->a->rejoin_pw = NULL;
    ui->a->nrejoin = 0;
}

static void on_left(struct ui *ui, const struct session_event *ev)
{
    struct chatwin *w = room_window(ui, ev->jid);
    const char *how = ev->sub_type ? ev->sub_type : "part";
    const char *why = ev->text;
    if (!w)
        w = ui_room_window(ui, ev->jid, false);
    if (strcmp(how, "error") == 0) {
        char hint[1200];
        refusal_hint(ev, ev->nick ? ev->nick : "NICK", hint, sizeof hint);
        ui_info(ui, w, CHATLINE_ERROR, "could not join %s: %s%s%s; %s", ev->jid, ev->condition,
                why ? ": " : "", why ? why : "", hint);
    }
    else if (strcmp(how, "lost") == 0)
        ui_info(ui, w, CHATLINE_INFO, "connection lost: the room is joined again after login");
    else if (strcmp(how, "offline") == 0) {
        remember_room(ui, ev->jid);
        ui_info(ui, w, CHATLINE_INFO,
                "offline: you are no longer in the room; /connect joins it again");
    }
    else
        ui_info(ui, w, strcmp(how, "part") == 0 ? CHATLINE_INFO : CHATLINE_ERROR, "%s%s%s",
                strcmp(how, "kick") == 0      ? "you were kicked"
                : strcmp(how, "ban") == 0     ? "you were banned"
                : strcmp(how, "destroy") == 0 ? "the room was destroyed"
                : strcmp(how, "removed") == 0 ? "you were removed from the room"
                                              : "you left the room",
                why ? ": " : "", why ? why : "");
    ui_dirty(ui, UI_DIRTY_TITLE | UI_DIRTY_STATUS);
}

static void on_bookmarks(struct ui *ui, const struct session_event *ev)
{
    const struct muc_bookmarks *b = session_bookmarks(ui->a->session);
    if (strcmp(ev->sub_type, "list") == 0) {
        size_t autojoin = 0;
        for (size_t i = 0; i < b->n; i++)
            autojoin += b->items[i].autojoin;
        if (b->n > 0)
            ui_info(ui, NULL, CHATLINE_INFO,
                    "%zu room bookmark%s, %zu joined at login (/bookmark list)", b->n,
                    b->n == 1 ? "" : "s", autojoin);
    } else if (ev->condition) {
        ui_status_error(ui, "bookmark of %s not %s: %s", ev->jid, ev->sub_type, ev->condition);
    } else {
        ui_info(ui, chatwins_current(&ui->wins), CHATLINE_INFO, "bookmark of %s %s", ev->jid,
                ev->sub_type);
    }
}

void ui_room_event(struct ui *ui, const struct session_event *ev)
{
    struct chatwin *w;
    switch (ev->type) {
    case SESSION_EV_MUC_JOINED:
        on_joined(ui, ev);
        break;
    case SESSION_EV_MUC_OCCUPANT:
        on_occupant(ui, ev);
        break;
    case SESSION_EV_MUC_LEFT:
        on_left(ui, ev);
        break;
    case SESSION_EV_MUC_SUBJECT:
        /* A room with no subject says so at every join: not worth a line. */
        if (!(w = room_window(ui, ev->jid)) || !(ev->nick || ev->text[0]))
            ;
        else if (strcmp(ev->sub_type, "current") == 0)
            ui_info(ui, w, CHATLINE_INFO, "topic: %s%s%s%s", ev->text[0] ? ev->text : "(none)",
                    ev->nick ? " (set by " : "", ev->nick ? ev->nick : "", ev->nick ? ")" : "");
        else
            ui_info(ui, w, CHATLINE_INFO, "%s set the topic: %s", ev->nick ? ev->nick : "someone",
                    ev->text[0] ? ev->text : "(none)");
        ui_dirty(ui, UI_DIRTY_TITLE);
        break;
    case SESSION_EV_BOOKMARKS:
        on_bookmarks(ui, ev);
        break;
    case SESSION_EV_MUC_INVITE:
        ui_info(ui, NULL, CHATLINE_INFO, "%s invites you to %s%s%s: /join %s%s%s",
                ev->inviter ? ev->inviter : "someone", ev->jid, ev->text ? " -- " : "",
                ev->text ? ev->text : "", ev->jid, ev->room_password ? " " : "",
                ev->room_password ? ev->room_password : "");
        ui->bell = ui->opt.bell;
        break;
    default:
        break;
    }
}

/* Title: "room: tea@conference.example.org -- topic (3 here, you are
 * NICK)": the subject first, so that a narrow pane still shows it; then
 * [OMEMO] when the room is encrypted (most rooms cannot be: no
 * [plaintext] there, which would only be noise). */
void ui_room_title(struct ui *ui, struct chatwin *w, char *buf, size_t len)
{
    const struct muc_room *r = session_muc_room(ui->a->session, w->jid);
    const char *more = w->scroll > 0 ? " -- more below: PgDn" : "";
    if (!r || !r->joined)
        snprintf(buf, len, "room: %s (not in it)%s", w->jid, more);
    else
        snprintf(buf, len, "room: %s%s%s (%zu here, you are %s)%s%s", w->jid,
                 r->subject && r->subject[0] ? " -- " : "", r->subject ? r->subject : "",
                 r->noccupants, r->nick, more, ui_omemo_on(ui, w) ? " [OMEMO]" : "");
}

/* "/join tea" means tea@conference.OURDOMAIN; the nick defaults to our
 * JID's localpart. */
static void join(struct ui *ui, const char *arg, const char *password, bool focus)
{
    char room[1100], nick[1100];
    const char *bare_us = session_bare_jid(ui->a->session);
    const char *slash = strchr(arg, '/');
    size_t rlen = slash ? (size_t)(slash - arg) : strlen(arg);
    const char *domain = strchr(bare_us, '@') ? strchr(bare_us, '@') + 1 : bare_us;
    if (memchr(arg, '@', rlen))
        snprintf(room, sizeof room, "%.*s", (int)rlen, arg);
    else
        snprintf(room, sizeof room, "%.*s@conference.%s", (int)rlen, arg, domain);
    if (slash)
        snprintf(nick, sizeof nick, "%s", slash + 1);
    else
        snprintf(nick, sizeof nick, "%.*s", (int)strcspn(bare_us, "@"), bare_us);
    /* Joining again would only say "joining..." (issue 9): say where we
     * are, and go there. */
    const struct muc_room *r = session_muc_room(ui->a->session, room);
    if (r && r->joined && focus) {
        struct chatwin *w = ui_room_window(ui, r->jid, true);
        if (slash && strcmp(nick, r->nick) != 0)
            ui_info(ui, w, CHATLINE_INFO, "you are already in %s as %s: /nick %s changes your nick",
                    r->jid, r->nick, nick);
        else
            ui_info(ui, w, CHATLINE_INFO, "you are already in %s as %s", r->jid, r->nick);
        return;
    }
    if (session_muc_join(ui->a->session, room, nick, password) != 0) {
        ui_status_error(ui, "/join: %s",
                        session_state(ui->a->session) == SESSION_ONLINE
                            ? "not a valid room or nick (/join ROOM@SERVICE[/NICK] [PASSWORD])"
                            : "you are not online");
        return;
    }
    struct chatwin *w = ui_room_window(ui, room, focus);
    ui_info(ui, w, CHATLINE_INFO, "joining %s as %s...", room, nick);
}

void ui_cmd_join(struct ui *ui, const struct command *c)
{
    const char *arg = c->arg[0], *password = c->arg[1];
    join(ui, arg, password, true);
}

void ui_rooms_autojoin(struct ui *ui)
{
    if (ui->a->autojoined)
        return;
    ui->a->autojoined = true;
    for (size_t i = 0; i < ui->a->nautojoin; i++)
        join(ui, ui->a->autojoin[i], NULL, false);
    for (size_t i = 0; i < ui->a->nrejoin; i++) {
        char *bare = jid_bare_of(ui->a->rejoin[i]);
        if (bare && !session_muc_room(ui->a->session, bare)) /* not autojoined already */
            join(ui, ui->a->rejoin[i], ui->a->rejoin_pw[i], false);
        free(bare);
    }
    forget_rejoin(ui);
}

void ui_rooms_free(struct ui *ui)
{
    for (size_t i = 0; i < ui->a->nautojoin; i++)
        free(ui->a->autojoin[i]);
    free(ui->a->autojoin);
    ui->a->autojoin = NULL;
    ui->a->nautojoin = 0;
    forget_rejoin(ui);
}

void ui_cmd_part(struct ui *ui, const struct command *c)
{
    const char *message = c->arg[0];
    const struct muc_room *r = current_room(ui, "/part", false);
    if (r && session_muc_part(ui->a->session, r->jid, message) != 0)
        ui_status_error(ui, "/part: you are not online");
}

/* /close in a room we are in leaves it first. */
void ui_room_closing(struct ui *ui, struct chatwin *w)
{
    const struct muc_room *r = session_muc_room(ui->a->session, w->jid);
    if (r)
        session_muc_part(ui->a->session, r->jid, NULL);
}

void ui_cmd_nick(struct ui *ui, const struct command *c)
{
    const char *nick = c->arg[0];
    const struct muc_room *r = current_room(ui, "/nick", true);
    if (r && session_muc_nick(ui->a->session, r->jid, nick) != 0)
        ui_status_error(ui, "/nick: not a valid nick, or you are not online");
}

void ui_cmd_topic(struct ui *ui, const struct command *c)
{
    const char *topic = c->arg[0];
    const struct muc_room *r = current_room(ui, "/topic", true);
    if (!r)
        return;
    struct chatwin *w = chatwins_current(&ui->wins);
    if (!topic)
        ui_info(ui, w, CHATLINE_INFO, "topic: %s",
                r->subject && r->subject[0] ? r->subject : "(none)");
    else if (session_muc_topic(ui->a->session, r->jid, topic) != 0)
        ui_status_error(ui, "/topic: not sent (you are not online, or the text is not valid)");
}

void ui_cmd_invite(struct ui *ui, const char *jid, const char *reason)
{
    const struct muc_room *r = current_room(ui, "/invite", true);
    if (!r)
        return;
    if (session_muc_invite(ui->a->session, r->jid, jid, reason) != 0)
        ui_status_error(ui, "/invite: not a valid JID: %s", jid);
    else
        ui_info(ui, chatwins_current(&ui->wins), CHATLINE_INFO, "invited %s", jid);
}

/* /room private: what OMEMO needs of a room, asked as its owner. */
void ui_cmd_room_private(struct ui *ui, const struct command *c)
{
    (void)c;
    const struct muc_room *r = current_room(ui, "/room private", true);
    if (r && session_muc_make_private(ui->a->session, r->jid) != 0)
        ui_status_error(ui, "/room private: not sent (you are not online)");
    else if (r)
        ui_info(ui, chatwins_current(&ui->wins), CHATLINE_INFO,
                "asking %s to be members-only and to show members' addresses", r->jid);
}

void ui_cmd_affiliation(struct ui *ui, const char *affiliation, const char *jid)
{
    const struct muc_room *r = current_room(ui, "/affiliation", true);
    if (r && session_muc_set_affiliation(ui->a->session, r->jid, jid, affiliation) != 0)
        ui_status_error(ui, "/affiliation: not sent: the affiliation is owner, admin, member, "
                            "outcast or none, and JID a bare address (or you are not online)");
}

void ui_cmd_names(struct ui *ui, const struct command *c)
{
    (void)c;
    const struct muc_room *r = current_room(ui, "/names", true);
    if (!r)
        return;
    struct chatwin *w = chatwins_current(&ui->wins);
    ui_info(ui, w, CHATLINE_INFO, "%zu here:", r->noccupants);
    for (size_t i = 0; i < r->noccupants; i++) {
        const struct muc_occupant *o = &r->occupants[i];
        ui_info(ui, w, CHATLINE_INFO, "  %s (%s%s%s%s%s)", o->nick, presence_show_name(o->show),
                o->role ? ", " : "", o->role ? o->role : "", o->jid ? ", " : "",
                o->jid ? o->jid : "");
    }
}

/* /msg room@service/nick TEXT, or text in that occupant's window: a
 * private message, shown in the occupant's window. True if jid was an
 * occupant of one of our rooms. */
bool ui_room_private(struct ui *ui, const char *jid, const char *text)
{
    const char *nick = jid ? jid_resource_of(jid) : NULL;
    struct chatwin *room = nick ? room_window(ui, jid) : NULL;
    const struct muc_room *r = room ? session_muc_room(ui->a->session, room->jid) : NULL;
    if (!r)
        return false;
    struct chatwin *w = private_window(ui, jid, true);
    if (!text)
        return true;
    char who[300];
    snprintf(who, sizeof who, "%s (private to %s)", r->nick, nick);
    if (session_send_message(ui->a->session, jid, "chat", text, NULL, NULL, 0) < 0) {
        ui_info(ui, w, CHATLINE_ERROR, "not sent: the text is not valid");
        return true;
    }
    ui_keep_message(ui, &(struct keep){.conv = w->jid, .from = r->nick, .text = text,
                                       .stamp = time(NULL), .out = true});
    ui_show_message(ui, w, time(NULL), true, r->nick, text, NULL);
    return true;
}

void ui_room_say(struct ui *ui, struct chatwin *w, const char *text)
{
    const struct muc_room *r = session_muc_room(ui->a->session, w->jid);
    bool online = session_state(ui->a->session) == SESSION_ONLINE;
    /* Not in the room because the link is down: the session joins again
     * when it is back, and the message waits for that (the outbox). */
    if (!r || (!r->joined && online)) {
        ui_info(ui, w, CHATLINE_ERROR, "not sent: you are not in the room (/join %s)", w->jid);
        return;
    }
    char id[64], note[2048];
    /* Encrypted, the room's copy cannot be read by this device (it is
     * not among the readers): the line is ours to show, and the copy a
     * duplicate of what is kept here. */
    int encrypted = ui_omemo_send(ui, w, text, NULL, id, sizeof id);
    if (encrypted < 0)
        return; /* not sent, and said why: never plaintext by accident */
    if (encrypted) {
        time_t now = time(NULL);
        ui_keep_message(ui, &(struct keep){.conv = w->jid, .from = r->nick, .text = text,
                                           .stamp = now, .out = true, .sent_id = id,
                                           .encrypted = true});
        w->scroll = 0;
        struct chatline *l = ui_show_message(ui, w, now, true, r->nick, text, id);
        if (l)
            l->encrypted = true;
        return;
    }
    int rc = session_send_message(ui->a->session, r->jid, "groupchat", text, NULL, id, sizeof id);
    if (rc < 0) {
        ui_info(ui, w, CHATLINE_ERROR, "not sent: the text is not valid");
    } else if (rc == 1) {
        /* Under the message's id: should the room refuse it after the
         * rejoin, the error goes right under this line (events.c). */
        snprintf(note, sizeof note, "(pending) sent when you are in the room again: %s", text);
        ui_add_msg(ui, w, time(NULL), CHATLINE_INFO, NULL, note, id, false);
    }
    /* Shown when the room sends it back: that is its place in the room. */
}

/* In a room, Tab completes nicks ("nick: " at the start of the line). */
bool ui_room_complete(struct ui *ui, int word_index, struct input_candidates *c)
{
    struct chatwin *w = chatwins_current(&ui->wins);
    const struct muc_room *r =
        w->kind == CHATWIN_ROOM ? session_muc_room(ui->a->session, w->jid) : NULL;
    if (!r)
        return false;
    for (size_t i = 0; i < r->noccupants; i++) {
        if (word_index > 0) {
            input_candidates_add(c, r->occupants[i].nick);
        } else {
            size_t n = strlen(r->occupants[i].nick) + 2;
            char *first = xalloc_realloc(NULL, n);
            snprintf(first, n, "%s:", r->occupants[i].nick);
            input_candidates_add(c, first);
            free(first);
        }
    }
    return true;
}

/* In a room, "/msg " + Tab offers its occupants: ROOM@SERVICE/NICK,
 * found and listed by the nick. */
void ui_room_complete_private(struct ui *ui, struct input_candidates *c)
{
    struct chatwin *w = chatwins_current(&ui->wins);
    const struct muc_room *r =
        w->kind == CHATWIN_ROOM ? session_muc_room(ui->a->session, w->jid) : NULL;
    for (size_t i = 0; r && i < r->noccupants; i++) {
        /* Not ourselves, and not a nick with a space: the command line
         * would cut it there. */
        if ((r->nick && strcmp(r->occupants[i].nick, r->nick) == 0) ||
            strchr(r->occupants[i].nick, ' '))
            continue;
        size_t n = strlen(r->jid) + strlen(r->occupants[i].nick) + 2;
        char *full = xalloc_realloc(NULL, n);
        snprintf(full, n, "%s/%s", r->jid, r->occupants[i].nick);
        input_candidates_add_labelled(c, full, r->occupants[i].nick);
        free(full);
    }
}

void ui_cmd_bookmark(struct ui *ui, const struct command *c)
{
    const char *name = c->arg[0];
    const struct muc_room *r = current_room(ui, "/bookmark", false);
    if (r && session_bookmark_set(ui->a->session, r->jid, name, r->nick, r->password, true) != 0)
        ui_status_error(ui, "/bookmark: you are not online");
}

void ui_cmd_bookmark_remove(struct ui *ui, const struct command *c)
{
    const char *room = c->arg[0];
    const struct muc_room *r = room ? NULL : current_room(ui, "/bookmark remove", false);
    const char *jid = room ? room : r ? r->jid : NULL;
    if (jid && session_bookmark_remove(ui->a->session, jid) != 0)
        ui_status_error(ui, "/bookmark remove: not a valid room, or you are not online");
}

void ui_cmd_bookmark_list(struct ui *ui, const struct command *c)
{
    (void)c;
    const struct muc_bookmarks *b = session_bookmarks(ui->a->session);
    struct chatwin *w = chatwins_current(&ui->wins);
    if (b->n == 0)
        ui_info(ui, w, CHATLINE_INFO, "no room bookmarks (/bookmark in a room adds one)");
    for (size_t i = 0; i < b->n; i++) {
        const struct muc_bookmark *m = &b->items[i];
        ui_info(ui, w, CHATLINE_INFO, "  %s%s%s%s%s%s", m->jid, m->name ? " \"" : "",
                m->name ? m->name : "", m->name ? "\"" : "", m->nick ? " as " : "",
                m->nick ? m->nick : "");
        if (m->autojoin)
            ui_info(ui, w, CHATLINE_INFO, "    joined at login%s",
                    m->password ? ", with a password" : "");
    }
}

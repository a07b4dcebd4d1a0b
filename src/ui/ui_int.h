/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ui_int.h - what the UI's own files share: the ui struct and the
 * functions that cross between them: ui.c (loop and terminal), keys.c
 * (keys), cmds.c (the commands), complete.c (Tab), actions.c (chats,
 * sending, roster actions), events.c (session events and auto-away),
 * rooms.c, queries.c, console.c, secrets.c and typing.c. Not for use
 * outside src/ui. */
#ifndef TUKTUK_UI_INT_H
#define TUKTUK_UI_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "core/keep.h"
#include "ui/bindings.h"
#include "ui/chatwin.h"
#include "ui/input.h"
#include "ui/rosterpane.h"
#include "ui/rosterview.h"
#include "ui/screen.h"
#include "ui/subreqs.h"
#include "ui/theme.h"
#include "ui/ui.h"

enum {
    UI_DIRTY_TITLE = 1,
    UI_DIRTY_ROSTER = 2,
    UI_DIRTY_CHAT = 4,
    UI_DIRTY_STATUS = 8,
    UI_DIRTY_INPUT = 16,
    UI_DIRTY_ALL = 31
};

enum ui_focus { UI_FOCUS_INPUT, UI_FOCUS_ROSTER };

/* A question asked on the input line (roster Insert/d/F2, passwords...). */
enum ui_prompt {
    UI_PROMPT_NONE,
    UI_PROMPT_ADD,
    UI_PROMPT_REMOVE,
    UI_PROMPT_RENAME,
    UI_PROMPT_BLOCK,
    UI_PROMPT_LOGIN_PASSWORD, /* the server refused, or none was known */
    UI_PROMPT_STORE,          /* keep the password just accepted? (y/n) */
    UI_PROMPT_VAULT_PASSWORD, /* /password */
    UI_PROMPT_NEW_PASSWORD,   /* /passwd, then once more to confirm */
    UI_PROMPT_NEW_PASSWORD_AGAIN,
    UI_PROMPT_PASSPHRASE, /* /vault passphrase, then once more */
    UI_PROMPT_PASSPHRASE_AGAIN,
    UI_PROMPT_QUIT, /* /quit with messages in the outbox (y/n) */
    UI_PROMPT_ACCOUNT_JID,      /* /account add: the address, */
    UI_PROMPT_ACCOUNT_PASSWORD, /* then its password */
    UI_PROMPT_ACCOUNT_CHOICE    /* /msg to a contact of several accounts */
};

/* One account (issue 15): what the UI keeps for it. Code that acts for
 * an account reads ui->a, the account in context: the one whose event is
 * being handled, or the current window's while keys are (ui_use_account).
 * Windows carry their account's index (chatwin.acct). */
struct ui_acct {
    size_t index;
    struct session *session;
    char *name;            /* the config section's name, else the bare JID */
    struct rosterview *rv; /* its section of the roster pane */
    struct subreqs subreqs; /* subscription requests not yet answered */
    char failure_said[512]; /* events.c: the failure just said, not to repeat
                               as the reason of the state that follows */
    char why_down[200];     /* why it went offline or is waiting (its roster header) */
    char *http_ca_file;     /* files.c: extra trusted roots for HTTPS */
    /* Own presence as the user chose it; auto-away changes what is sent. */
    enum presence_show show;
    char *status;
    int priority;
    char **autojoin; /* rooms.c: joined once online, again after an offline */
    size_t nautojoin;
    /* rooms.c: the rooms we were in when the session went offline for
     * good ("ROOM/NICK", and its password or NULL), joined again at the
     * next login: /disconnect then /connect comes back to them. */
    char **rejoin, **rejoin_pw;
    size_t nrejoin;
    bool autojoined;
    char *secret;     /* sodium_malloc'd: a typed password not yet used up */
    bool offer_store; /* ask to keep `secret` once the login succeeds */
    bool wants_password; /* refused while another question was asked */
    bool leaving;        /* /disconnect: going offline is no failure */
    /* omemo.c: OMEMO for this account, or NULL (omemo_off says why) */
    struct omemochat *omemo;
    char omemo_off[300];
};

#define UI_MAX_ACCOUNTS ROSTERPANE_MAX

struct ui {
    uv_loop_t *loop;
    struct ui_acct *accts[UI_MAX_ACCOUNTS];
    size_t naccts;
    struct ui_acct *a;   /* the account in context; NULL before the first */
    bool in_event;       /* handling a session event: status lines are named */
    struct rosterpane rp; /* the roster pane: the accounts' rosterviews */
    char **account_names; /* the config file's sections, for /account */
    size_t naccount_names;
    struct ui_options opt;
    char *data_dir, *tsfmt;
    struct store *store; /* the message store, or NULL (no data folder) */
    /* The last /search's results, for /goto N. */
#define UI_SEARCH_HITS 50
    char *hit_conv[UI_SEARCH_HITS];
    long long hit_row[UI_SEARCH_HITS];
    struct ui_acct *hit_acct[UI_SEARCH_HITS];
    int nhits;
    struct theme theme;
    struct screen scr;
    struct chatwins wins;
    struct input *in;
    struct bindings bindings;

    uv_poll_t stdin_poll;
    uv_signal_t sigwinch;
    uv_signal_t sigtstp; /* a stop from outside (kill -TSTP): suspended as Ctrl-Z does */
    uv_prepare_t prepare;
    uv_check_t check;
    uv_timer_t idle_timer; /* auto-away: one shot, re-armed by keys */
    uv_timer_t tick_timer; /* 1 s, only while "reconnecting in Ns" */
    uv_fs_event_t tmux_watch;
    uv_timer_t tmux_timer; /* events.c: re-asks tmux while only other sessions are attached */
    bool tmux_watching;
    int open_handles;

    unsigned dirty;
    bool curses_active;
    SCREEN *term;
    enum ui_focus focus;
    bool filtering;         /* typing a roster filter */
    bool paste;             /* inside a bracketed paste */
    unsigned confirm_lines; /* Enter asked "send N lines?": N, else 0 */
    bool input_full;        /* told the user the input line is full */
    bool esc_pending;       /* ESC seen: Alt prefix or a lone Esc */
    enum ui_prompt prompt;
    char *prompt_jid;
    struct ui_acct *prompt_acct; /* the account the question is for */
    char *pending_line; /* accounts.c: a /msg's arguments, while its account is asked */
    bool quitting;
    bool history_failing;   /* the last history write failed (said once) */
    bool bell;              /* ring at the next paint */
    unsigned empty_wakeups; /* stdin readable but no key: a hung-up tty */
    bool terminal_gone;     /* hung up: nothing is read or painted any more */
    char *quit_message;     /* /quit's, while its question is asked */
    bool quit_confirmed;    /* ...and the answer was yes */
    unsigned title_unread;  /* last unread count put in the terminal title */
    bool title_set;
    struct ui_console *console; /* console.c: recent stanzas; NULL until the first */

    /* typing.c: our chat state (XEP-0085) towards typing_to */
    uv_timer_t typing_timer; /* one shot: "paused" 5 s after the last key */
    char *typing_to;         /* bare JID we said "composing" to, or NULL */
    struct ui_acct *typing_acct; /* ...from this account */
    bool composing;
    uint64_t composing_at; /* uv_now when "composing" was last sent */

    bool idle, detached, auto_away;
    /* The user chose a presence while tmux showed no client: that choice
     * holds over auto-away until a client attaches (events.c). */
    bool detached_overruled;
    struct ui_files *files; /* files.c: transfers and links; NULL until used */

    bool encrypted_now; /* the message being kept and shown was encrypted */
    bool omemo_receiving; /* decrypting: notices wait for the message's window */
    char *omemo_notes[4]; /* "JID\ttext" said once the message is shown */
};

/* ui.c */
void ui_dirty(struct ui *ui, unsigned what);
/* Put a in context (see struct ui_acct); NULL: the home account. */
void ui_use_account(struct ui *ui, struct ui_acct *a);
/* The account keys act for: the current window's; in the status window
 * or the console, that of the roster's selection. */
struct ui_acct *ui_home_account(struct ui *ui);
/* fn(ui, arg) with account acct in context, as for its session's event
 * (status window lines name it); the account before is put back. */
void ui_as_account(struct ui *ui, size_t acct, void (*fn)(struct ui *, const void *),
                   const void *arg);
/* The account called name (section name or bare JID), or NULL. */
struct ui_acct *ui_account_named(struct ui *ui, const char *name);
/* Its presence when online ("away"), else its session's state. */
const char *ui_account_state(const struct ui_acct *a);
/* Accounts not offline. */
size_t ui_accounts_connected(struct ui *ui);
/* Append a line to w, keeping a scrolled-back view where it is. */
void ui_add_line(struct ui *ui, struct chatwin *w, time_t stamp, enum chatline_kind kind,
                 const char *nick, const char *text);
/* The same for a message (see chatwin_add_msg). */
struct chatline *ui_add_msg(struct ui *ui, struct chatwin *w, time_t stamp, enum chatline_kind kind,
                            const char *nick, const char *text, const char *id, bool action);
void ui_info(struct ui *ui, struct chatwin *w, enum chatline_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void ui_status_error(struct ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A line for the status window that the user should see now (a roster
 * change): in the current window too. */
void ui_status_note(struct ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ui_select_window(struct ui *ui, size_t index);
void ui_redraw_all(struct ui *ui);
void ui_suspend(struct ui *ui);

/* keys.c */
void ui_keys_setup(void);
/* Returns the number of keys read. */
int ui_keys_drain(struct ui *ui);

/* actions.c */
void ui_submit_line(struct ui *ui, char *line);
struct chatwin *ui_open_chat(struct ui *ui, const char *bare_jid, bool focus);
/* Sends text to w's contact, logs it and shows it (or says why not). */
void ui_send_text(struct ui *ui, struct chatwin *w, const char *text);
void ui_roster_details(struct ui *ui, const char *jid);

/* complete.c: Tab's candidates for the word under the cursor. */
void ui_complete(void *ud, const char *line, size_t word_start, int word_index,
                 struct input_candidates *c);

/* cmds.c: what a line without a command does in the current window;
 * leaving; the roster changes that commands and roster keys share. */
void ui_say(struct ui *ui, const char *text);
void ui_quit(struct ui *ui, const char *message);
/* XEP-0191, for /block, /unblock and the roster's F3. */
void ui_block(struct ui *ui, const char *jid);
void ui_unblock(struct ui *ui, const char *jid);
enum ui_roster_change { UI_ROSTER_ADD, UI_ROSTER_REMOVE, UI_ROSTER_RENAME, UI_ROSTER_GROUP };
void ui_roster_change(struct ui *ui, enum ui_roster_change id, const char *jid_arg,
                      const char *value);
const char *ui_contact_name(struct ui *ui, const char *bare_jid, char *buf, size_t len);
/* "Bob (bob@example.org)", or the JID alone when the roster has no name. */
const char *ui_contact_who(struct ui *ui, const char *bare_jid, char *buf, size_t len);
const char *ui_self_nick(struct ui *ui, char *buf, size_t len);

/* history.c: the message store behind the windows */
/* Show a message in a chat window: "/me text" (XEP-0245) as an action. */
/* XEP-0245: the text of an action ("/me TEXT"), or NULL. */
const char *ui_action_text(const char *body);
void ui_correct_line(struct ui *ui, struct chatline *l, const char *body);
struct chatline *ui_show_message(struct ui *ui, struct chatwin *w, time_t stamp, bool out,
                                 const char *nick, const char *body, const char *id);
/* Writes a message (core/keep.h) to the store before it is shown. Returns false when the
 * store has it already: then it must not be shown again. A failed write
 * is said once, and returns true (the message is still shown). */
bool ui_keep_message(struct ui *ui, const struct keep *k);
/* A window just opened: its newest messages from the store. */
void ui_history_open(struct ui *ui, struct chatwin *w);
/* PgUp reached the top of w: the page before, from the store or else
 * from the server's archive. */
void ui_history_older(struct ui *ui, struct chatwin *w);
/* SESSION_EV_MAM: a window's archive page is in. */
void ui_history_mam_event(struct ui *ui, const struct session_event *ev);
/* Whether an archived message answers a window's own paging query (it
 * is then read from the store with its page, not shown on arrival). */
bool ui_history_wanted(struct ui *ui, const struct session_message *m);
/* /search TEXT in the current conversation, or in all (-a); /goto N
 * opens result N's conversation at it (its newest page comes back with
 * PgDn at the bottom, or the next message); ui_search_free at exit. */
void ui_search(struct ui *ui, const char *text, bool all);
void ui_search_goto(struct ui *ui, int n);
void ui_search_free(struct ui *ui);
void ui_history_newest(struct ui *ui, struct chatwin *w);

/* omemo.c: end-to-end encryption of chats (XEP-0384) */
/* The account in context's OMEMO glue, or NULL with why_not (said in the
 * status window; also said when a new identity was made). */
void ui_set_omemo(struct ui *ui, struct omemochat *oc, const char *why_not);
/* Whether w's messages are to be encrypted. */
bool ui_omemo_on(struct ui *ui, struct chatwin *w);
/* A message w's contact is to get (a correction of replace_id when not
 * NULL): 1 sent encrypted (id_out set), 2 encrypted and held in the
 * outbox until online (id_out set), 0 OMEMO is off for this chat (send
 * it as is), -1 not sent: the user was told why and the text is back on
 * the input line. */
int ui_omemo_send(struct ui *ui, struct chatwin *w, const char *text, const char *replace_id,
                  char *id_out, size_t id_len);
/* An encrypted message received: true when it was handled here (a line
 * saying why it cannot be read, or nothing to show); else *plain is the
 * text to show in its place (caller frees). */
bool ui_omemo_receive(struct ui *ui, const struct session_message *m, char **plain);
/* After an encrypted message was shown: what was said about its sender
 * while it was decrypted (a new device) goes in its chat. */
void ui_omemo_flush(struct ui *ui);
/* SESSION_EV_OMEMO: a message waiting for keys may go now. */
void ui_omemo_event(struct ui *ui, const struct session_event *ev);
/* " [OMEMO]" or " [plaintext]" for w's title. */
const char *ui_omemo_tag(struct ui *ui, struct chatwin *w);
void ui_omemo_set(struct ui *ui, bool on);
void ui_omemo_fingerprints(struct ui *ui, const char *jid);
void ui_omemo_trust(struct ui *ui, const char *jid, const char *fp, bool trust);

/* rooms.c: group chat (XEP-0045) */
struct chatwin *ui_room_window(struct ui *ui, const char *room, bool focus);
/* A groupchat message, or a private one from an occupant: true if it went
 * to a room window. */
bool ui_room_message(struct ui *ui, const struct session_message *m);
/* SESSION_EV_MUC_*. */
void ui_room_event(struct ui *ui, const struct session_event *ev);
void ui_room_title(struct ui *ui, struct chatwin *w, char *buf, size_t len);
void ui_room_say(struct ui *ui, struct chatwin *w, const char *text);
bool ui_room_private(struct ui *ui, const char *jid, const char *text);
void ui_room_closing(struct ui *ui, struct chatwin *w);
/* Nick completion in a room window; false elsewhere. */
bool ui_room_complete(struct ui *ui, int word_index, struct input_candidates *c);
/* In a room window: its occupants as ROOM@SERVICE/NICK, for /msg. */
void ui_room_complete_private(struct ui *ui, struct input_candidates *c);
struct command;
/* Commands of the table in cmds.c that rooms.c runs. */
void ui_cmd_join(struct ui *ui, const struct command *c);
void ui_cmd_part(struct ui *ui, const struct command *c);
void ui_cmd_nick(struct ui *ui, const struct command *c);
void ui_cmd_topic(struct ui *ui, const struct command *c);
void ui_cmd_invite(struct ui *ui, const char *jid, const char *reason);
void ui_cmd_names(struct ui *ui, const struct command *c);
void ui_cmd_room_private(struct ui *ui, const struct command *c);
/* jid resolved already (a roster name is allowed on the command line). */
void ui_cmd_affiliation(struct ui *ui, const char *affiliation, const char *jid);
void ui_cmd_bookmark(struct ui *ui, const struct command *c);
void ui_cmd_bookmark_remove(struct ui *ui, const struct command *c);
void ui_cmd_bookmark_list(struct ui *ui, const struct command *c);
/* Online: join the account's autojoin rooms, once per time online. */
void ui_rooms_autojoin(struct ui *ui);
/* /disconnect: note the rooms we are in, for the next login. */
void ui_rooms_remember(struct ui *ui);
void ui_rooms_free(struct ui *ui);
/* typing.c: our chat states (XEP-0085) */
/* After keys: "composing" when typing text in a chat, "paused" later. */
void ui_typing_keys(struct ui *ui);
/* A message went to jid: it carried "active" already. */
void ui_typing_sent(struct ui *ui, const char *jid);
void ui_typing_free(struct ui *ui);

/* queries.c: /version, /ping, /disco, /vcard and their answers */
void ui_query_version(struct ui *ui, const char *jid);
void ui_query_ping(struct ui *ui, const char *jid);
void ui_query_disco(struct ui *ui, const char *jid);
void ui_query_vcard(struct ui *ui, const char *jid);
void ui_vcard_set(struct ui *ui, const char *field, const char *value);
/* SESSION_EV_QUERY: the answer to /version, /ping, /disco. */
void ui_query_event(struct ui *ui, const struct session_event *ev);
void ui_vcard_event(struct ui *ui, const struct session_event *ev);

/* files.c: /upload, /download, /open and the numbered links */
void ui_cmd_upload(struct ui *ui, const struct command *c);
void ui_cmd_upload_cancel(struct ui *ui, const struct command *c);
void ui_cmd_download(struct ui *ui, const struct command *c);
void ui_cmd_open(struct ui *ui, const struct command *c);
/* SESSION_EV_UPLOAD_SLOT: the slot for an /upload, or why not. */
void ui_files_slot(struct ui *ui, const struct session_event *ev);
/* The cancel-transfer key: stops the newest transfer of this window. */
void ui_files_cancel_key(struct ui *ui);
/* OMEMO keys came in: encrypted uploads whose link waited for them go. */
void ui_files_omemo_ready(struct ui *ui);
/* A message's text with " [N]" after each link, now numbered for
 * /download and /open (an aesgcm:// link shown without its key); NULL
 * when it has none. Caller frees. */
char *ui_files_mark(struct ui *ui, const char *text);
/* The same for a message read from the store: newest says whether its
 * links are the newest ones (a window's first page), which /download
 * with no number takes; an older page's are numbered all the same. */
char *ui_files_mark_as(struct ui *ui, const char *text, bool newest);
void ui_files_complete_path(struct ui *ui, const char *word, struct input_candidates *c);
void ui_files_free(struct ui *ui);

/* events.c: subscription requests waiting for an answer (roster "?") */
void ui_subreq_answered(struct ui *ui, const char *bare_jid);
void ui_subreq_free(struct ui *ui);

/* prompts.c: the questions of the input line (the table), their text,
 * and where their answers go. */
bool ui_prompt_is_secret(enum ui_prompt p);
const char *ui_prompt_text(struct ui *ui, char *buf, size_t len);
/* Ask a question on the input line; jid is what it is about, or NULL. */
void ui_ask(struct ui *ui, enum ui_prompt p, const char *jid);
/* The answer typed (NULL: Esc) goes to the prompt's function. */
void ui_prompt_answer(struct ui *ui, const char *answer);

/* The answers to the prompts (NULL: Esc); jid: what it is about. In
 * actions.c: */
void ui_answer_add(struct ui *ui, enum ui_prompt p, const char *jid, const char *text);
void ui_answer_remove(struct ui *ui, enum ui_prompt p, const char *jid, const char *text);
void ui_answer_rename(struct ui *ui, enum ui_prompt p, const char *jid, const char *text);
void ui_answer_block(struct ui *ui, enum ui_prompt p, const char *jid, const char *text);
/* In secrets.c: */
void ui_answer_login(struct ui *ui, enum ui_prompt p, const char *jid, const char *text);
void ui_answer_store(struct ui *ui, enum ui_prompt p, const char *jid, const char *text);
/* /quit with messages in the outbox: "y" quits. */
void ui_answer_quit(struct ui *ui, enum ui_prompt p, const char *jid, const char *text);
void ui_answer_vault_password(struct ui *ui, enum ui_prompt p, const char *jid,
                              const char *text);
void ui_answer_new_password(struct ui *ui, enum ui_prompt p, const char *jid, const char *text);
void ui_answer_passphrase(struct ui *ui, enum ui_prompt p, const char *jid, const char *text);
void ui_secret_event(struct ui *ui, const struct session_event *ev);
void ui_secret_free(struct ui *ui);

/* accounts.c: several accounts (issue 15) */
void ui_cmd_account_list(struct ui *ui, const struct command *c);
void ui_cmd_account_connect(struct ui *ui, const struct command *c);
void ui_cmd_account_disconnect(struct ui *ui, const struct command *c);
void ui_cmd_account_add(struct ui *ui, const struct command *c);
void ui_answer_account_jid(struct ui *ui, enum ui_prompt p, const char *jid, const char *text);
void ui_answer_account_password(struct ui *ui, enum ui_prompt p, const char *jid,
                                const char *text);
void ui_answer_account_choice(struct ui *ui, enum ui_prompt p, const char *jid, const char *text);
/* /disconnect, /account disconnect: the account in context logs out,
 * its rooms noted for the next login. */
void ui_account_leave(struct ui *ui);
/* Runs a command for the account named by its -a (each, for -a all). */
void ui_run_command(struct ui *ui, const struct command *c);
/* /msg without -a when several accounts exist: true when it was taken
 * care of here (sent from the one account whose roster has the contact,
 * or the user is asked which account). */
bool ui_msg_account(struct ui *ui, const struct command *c);

/* console.c: the XML console */
/* SESSION_EV_XML: kept in a small ring, and shown if the console is open. */
void ui_console_stanza(struct ui *ui, const struct session_event *ev);
/* /xml: open the console (with the stanzas kept so far), or go to it. */
void ui_console_open(struct ui *ui);
/* /raw, and XML typed in the console: errors are one line. */
void ui_console_send(struct ui *ui, const char *xml);
void ui_console_free(struct ui *ui);

/* events.c */
void ui_activity(struct ui *ui);
void ui_presence_apply(struct ui *ui);
void ui_autoaway_start(struct ui *ui);
void ui_autoaway_stop(struct ui *ui);
/* Auto-away starts or ends as idleness and tmux say: every account's
 * presence is sent again. True when it changed. */
bool ui_autoaway_update(struct ui *ui);
/* A new account (in context) starts away while auto-away holds. */
void ui_autoaway_added(struct ui *ui);
void ui_update_reconnect_tick(struct ui *ui);

#endif

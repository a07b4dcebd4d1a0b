/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ui.h - the full-screen ncursesw interface: roster pane, chat windows,
 * status line and input line. It reads the session's state and events
 * and calls the session's commands; it never touches a socket. */
#ifndef TUKTUK_UI_H
#define TUKTUK_UI_H

#include <stdbool.h>
#include <uv.h>

#include "xmpp/session.h"

struct ui_options {
    const char *theme;         /* theme name or path; NULL = "default" */
    const char *theme_dirs[4]; /* searched in order, NULL-terminated */
    int roster_width;          /* columns; 0 = 24 */
    bool show_offline;
    const char *timestamp_format; /* strftime; NULL = "%H:%M" */
    const char *data_dir;         /* pins live under it; may be NULL */
    struct store *store;          /* the message store (may be NULL); not owned */
    unsigned autoaway_idle_s;     /* 0 = off; default 600 set by the caller */
    bool autoaway_tmux;           /* away while no tmux client shows our session */
    const char *autoaway_message; /* status text while auto-away; NULL: the
                                     user's own (contacts are not told why) */
    bool bell;                    /* ring on activity in hidden windows */
    unsigned scrollback;          /* lines per window; 0 = 10000 */
    bool line_scroll;             /* scroll a full chat pane line by line, not by
                                     half a page (which writes far fewer bytes) */
    unsigned paste_confirm_lines; /* Enter on more lines asks first; 0 = never */
    /* The config file's [account NAME] sections, for /account list and
     * connect (copied by ui_new). */
    const char *const *account_names;
    size_t naccount_names;
    /* "bind.KEY = ACTION" lines from the config: keys and actions (read
     * only during ui_new). */
    const char *const *bind_keys;
    const char *const *bind_actions;
    size_t nbindings;
    /* Called when the user quits (/quit) and the session has closed; the
     * caller then stops the loop. */
    void (*on_quit)(void *ud, int status);
    /* Keep a password the user typed for account acct (the index
     * ui_add_account gave) in the encrypted vault. Returns 0, or -1;
     * either way msg gets a line for the user. NULL: no vault. */
    int (*store_password)(void *ud, size_t acct, const char *password, char *msg, size_t msglen);
    /* Set, change or (passphrase NULL) remove the vault's master
     * passphrase. Same return and msg as store_password. */
    int (*set_passphrase)(void *ud, const char *passphrase, char *msg, size_t msglen);
    /* /account connect NAME: start the config file's section NAME (or
     * connect an account of the run again). The caller calls
     * ui_add_account for a new one. Returns the account's index, or -1
     * with a line in err. */
    int (*account_connect)(void *ud, const char *name, char *err, size_t errlen);
    /* /account add: a new section for jid in the config file, password
     * kept in the vault, then as account_connect. */
    int (*account_add)(void *ud, const char *jid, const char *password, char *err, size_t errlen);
    void *ud;
    /* Files (ui/files.c): where downloads go (NULL: $XDG_DOWNLOAD_DIR, else
     * ~/Downloads), what /open runs (NULL: xdg-open, except over SSH), the
     * longest download in bytes (0: 1 GiB) and the seconds a transfer may
     * stall (0: 30). */
    const char *download_dir, *open_cmd;
    unsigned long long download_max;
    unsigned http_stall_s;
    unsigned rate_limit_kb; /* kB/s for each transfer; 0: no limit */
};

struct ui;

/* Takes over the terminal. Returns NULL with a reason in err if the
 * terminal cannot be used. Accounts come next, with ui_add_account. */
struct ui *ui_new(uv_loop_t *loop, const struct ui_options *opt, char *err, size_t errlen);

/* An account (issue 15): its session, and what the UI needs of its
 * config section (copied). */
struct omemochat;
struct ui_account {
    struct session *session;
    const char *name; /* the section's name; NULL: the bare JID */
    const char *const *autojoin; /* "room@service[/nick]", once online */
    size_t nautojoin;
    const char *http_ca_file; /* extra trusted roots for HTTPS, or NULL */
    struct omemochat *omemo;  /* OMEMO for it, or NULL (omemo_off says why) */
    const char *omemo_off;
};
/* Returns its index: the first account added is 0, and so on. */
size_t ui_add_account(struct ui *ui, const struct ui_account *a);
/* Restores the terminal. */
void ui_free(struct ui *ui);
/* The terminal is gone (SIGHUP, or EOF or EIO on the keyboard): nothing
 * more is read or painted, and the session closes as with /quit, without
 * any question. */
void ui_hangup(struct ui *ui);

/* The caller forwards every session event here, with the index of the
 * account whose session it is (it may also log them). */
void ui_session_event(struct ui *ui, size_t acct, const struct session_event *ev);

/* A line for the status window (warnings found before the UI started). */
void ui_notice(struct ui *ui, const char *text);
/* The same about one account: named when there are several. */
void ui_account_notice(struct ui *ui, size_t acct, const char *text);
/* A line about jid's encryption (a new device...) on account acct: in
 * its chat when open. */
void ui_omemo_notice(struct ui *ui, size_t acct, const char *jid, const char *text);
/* A message of account acct's that will not be sent (id, to): why goes
 * under its line, which is marked not sent (core/omemowait.c). */
void ui_message_refused(struct ui *ui, size_t acct, const char *to, const char *id,
                        const char *why);

#endif

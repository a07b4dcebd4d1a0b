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
    /* Rooms to join once online ("room@service[/nick]", the account's
     * autojoin; copied by ui_new). */
    const char *const *autojoin;
    size_t nautojoin;
    /* "bind.KEY = ACTION" lines from the config: keys and actions (read
     * only during ui_new). */
    const char *const *bind_keys;
    const char *const *bind_actions;
    size_t nbindings;
    /* Called when the user quits (/quit) and the session has closed; the
     * caller then stops the loop. */
    void (*on_quit)(void *ud, int status);
    /* Keep a password the user typed in the encrypted vault. Returns 0,
     * or -1; either way msg gets a line for the user. NULL: no vault. */
    int (*store_password)(void *ud, const char *password, char *msg, size_t msglen);
    /* Set, change or (passphrase NULL) remove the vault's master
     * passphrase. Same return and msg as store_password. */
    int (*set_passphrase)(void *ud, const char *passphrase, char *msg, size_t msglen);
    void *ud;
    /* Files (ui/files.c): where downloads go (NULL: $XDG_DOWNLOAD_DIR, else
     * ~/Downloads), what /open runs (NULL: xdg-open, except over SSH),
     * extra trusted roots for HTTPS (the account's ca_file), the longest
     * download in bytes (0: 1 GiB) and the seconds a transfer may stall
     * (0: 30). */
    const char *download_dir, *open_cmd, *http_ca_file;
    unsigned long long download_max;
    unsigned http_stall_s;
    unsigned rate_limit_kb; /* kB/s for each transfer; 0: no limit */
};

struct ui;

/* Takes over the terminal. Returns NULL with a reason in err if the
 * terminal cannot be used. */
struct ui *ui_new(uv_loop_t *loop, struct session *session, const struct ui_options *opt, char *err,
                  size_t errlen);
/* Restores the terminal. */
void ui_free(struct ui *ui);
/* The terminal is gone (SIGHUP, or EOF or EIO on the keyboard): nothing
 * more is read or painted, and the session closes as with /quit, without
 * any question. */
void ui_hangup(struct ui *ui);

/* The caller forwards every session event here (it may also log them). */
void ui_session_event(struct ui *ui, const struct session_event *ev);

/* A line for the status window (warnings found before the UI started). */
void ui_notice(struct ui *ui, const char *text);
/* OMEMO for this run (ui/omemo.c): the glue, or NULL with why_not (said
 * in the status window; also said when a new identity was made). */
struct omemochat;
void ui_set_omemo(struct ui *ui, struct omemochat *oc, const char *why_not);
/* A line about jid's encryption (a new device...): in its chat when open. */
void ui_omemo_notice(struct ui *ui, const char *jid, const char *text);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* config.h - the INI-style config file and the config/data folders (see
 * config.c, whose top comment lists every key and its default). */
#ifndef TUKTUK_CONFIG_H
#define TUKTUK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* How to secure the connection, as the command line and the config say
 * it; main.c hands it to the session (net/conn.h has the same three). */
enum config_tls { CONFIG_TLS_AUTO, CONFIG_TLS_STARTTLS, CONFIG_TLS_DIRECT };

enum config_password_mode {
    CONFIG_PASSWORD_FULL,  /* the vault keeps the password itself */
    CONFIG_PASSWORD_SCRAM, /* only the SCRAM salted password (docs/security.md) */
};

struct config_account {
    char *name;   /* from [account NAME] */
    char *jid;    /* NULL when the section has none (warned) */
    char *server; /* NULL: SRV lookup */
    int port;     /* 0: default */
    enum config_tls tls;
    char *resource;  /* NULL: random tuktuk.XXXX */
    int priority;    /* -128..127, default 0 */
    char **autojoin; /* room@service[/nick], nautojoin of them */
    size_t nautojoin;
    enum config_password_mode password_mode;
    char *ca_file;         /* extra trusted PEM file, or NULL */
    char *channel_binding; /* NULL/auto, a type, or none (docs/security.md) */
    int archive_days;      /* first login: days of the archive to read; -1 unset (7) */
    char *omemo_trust;     /* "blind" (NULL: the default) or "manual" */
    bool autoconnect;      /* connected by a plain `tuktuk` (issue 15) */
};

struct config_binding {
    char *key;    /* as written after "bind.", e.g. "M-a" */
    char *action; /* e.g. "next-unread"; interpreted by the UI */
};

struct config_ui {
    char *theme;             /* default "default" */
    int roster_width;        /* columns, default 24 */
    bool show_offline;       /* default true */
    char *timestamp_format;  /* strftime, default "%H:%M" */
    bool bell;               /* default true */
    int autoaway_idle;       /* minutes, 0 = off; default 15 */
    bool autoaway_tmux;      /* away while tmux is detached, default true */
    char *autoaway_message;  /* status text while auto-away; NULL (default):
                                the user's own, so nothing says why */
    int scrollback;          /* lines per window, default 10000 */
    bool jump_scroll;        /* a full chat pane jumps half a page, default false */
    int paste_confirm_lines; /* a longer message asks before it goes; 0 = never */
    char *download_dir;      /* NULL: $XDG_DOWNLOAD_DIR, else ~/Downloads */
    char *open_cmd;          /* what /open runs; NULL: xdg-open, not over SSH */
    int rate_limit;          /* kB/s for each file transfer; 0 (default) = none */
    struct config_binding *bindings;
    size_t nbindings;
};

struct config {
    struct config_account *accounts; /* in file order */
    size_t naccounts;
    struct config_ui ui;
};

/* Parses the file at path. A missing file is an empty config, not an
 * error. Problems become "FILE:LINE: ..." strings appended to *warnings
 * (caller frees with config_warnings_free); parsing goes on with what it
 * could read. Returns NULL only when out of memory. */
struct config *config_load(const char *path, char ***warnings, size_t *nwarnings);
/* The same from memory; name is used in the warnings. */
struct config *config_parse(const char *text, size_t len, const char *name, char ***warnings,
                            size_t *nwarnings);
void config_free(struct config *cfg);
void config_warnings_free(char **warnings, size_t n);
/* /account add: appends "[account NAME]" with jid to the file at path,
 * written atomically, marked autoconnect when another section is, with
 * the server, port, tls and ca_file of a section on the same domain; NAME, unused so far, comes from
 * the JID's local part and is put in name. Returns 0, or -1 with err. */
int config_add_account(const char *path, const char *jid, char *name, size_t namelen, char *err,
                       size_t errlen);

/* The account called name, or the first one when name is NULL. NULL when
 * there is none. */
const struct config_account *config_account(const struct config *cfg, const char *name);

enum config_dir_kind { CONFIG_DIR_CONFIG, CONFIG_DIR_DATA };

/* The folder to use: arg (-c / -d) when given, else $XDG_CONFIG_HOME/tuktuk
 * or $XDG_DATA_HOME/tuktuk when set and absolute, else ~/.config/tuktuk or
 * ~/.local/share/tuktuk. Caller frees. NULL with err when there is no home. */
char *config_dir_resolve(enum config_dir_kind kind, const char *arg, char *err, size_t errlen);

/* Creates path and its missing parents with mode 0700 (an existing folder
 * is left as it is). Returns 0 or -1 with err. */
int config_dir_make(const char *path, char *err, size_t errlen);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* credentials.h - where the password comes from at start: the
 * --password-file, else the vault; else the UI asks the user (no echo),
 * who may keep it in the vault once the server has accepted it (see
 * credentials.c). */
#ifndef TUKTUK_CREDENTIALS_H
#define TUKTUK_CREDENTIALS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/vault.h"
#include "xmpp/session.h"

struct credentials {
    struct vault *vault;          /* NULL when it could not be opened */
    char *password;               /* sodium_malloc'd, NULL if none */
    struct vault_scram *scram;    /* the stored SCRAM key, in scram mode */
    struct session_scram_key key; /* points into scram, for the session */
    bool scram_mode;              /* keep only the salted password (docs/security.md) */
    bool store_after_login;       /* typed by the user, who wants it kept */
    bool vault_borrowed;          /* another account's vault: not closed here */
    char notice[512];             /* for the status window: what happened, if anything */
};

/* Returns 0, or -1 with one line in err for a usage error (unreadable or
 * empty password file). interactive: a terminal is there to ask on. */
int credentials_load(struct credentials *c, const char *password_file, const char *data_dir,
                     const char *jid, bool scram_mode, bool interactive, char *err, size_t errlen);
/* The vault alone (asking for its passphrase when it has one and there
 * is a terminal), for the accounts of a run to share; NULL with a line in
 * notice when it cannot be used. */
struct vault *credentials_vault(const char *data_dir, bool interactive, char *notice, size_t len);
/* The same for a second account of the run: its password comes from the
 * vault the first account opened (vault may be NULL), which is borrowed,
 * not closed by credentials_clear. Returns 0. */
int credentials_load_shared(struct credentials *c, struct vault *vault, const char *jid,
                            bool scram_mode, char *err, size_t errlen);
/* The key the session may log in with instead of a password, or NULL. */
const struct session_scram_key *credentials_scram_key(const struct credentials *c);
/* SASL succeeded: in scram mode, keep the salted password the session
 * computed (never the password). Returns a line for the user, or NULL. */
const char *credentials_authenticated(struct credentials *c, const char *jid,
                                      const struct session_scram_key *key);
/* Stores the password when the user asked for it; call once logged in.
 * Writes a line for the user to notice. */
void credentials_after_login(struct credentials *c, const char *jid);
/* Keep a password the user typed (UI prompt, /password): in scram mode,
 * its salted form after the next login. Opens the vault if needed.
 * Returns 0 or -1; msg gets a line for the user either way. */
int credentials_store(struct credentials *c, const char *data_dir, const char *jid,
                      const char *password, char *msg, size_t msglen);
/* Set, change or (NULL) remove the vault's master passphrase. Returns 0
 * or -1; msg gets a line for the user. */
int credentials_set_passphrase(struct credentials *c, const char *data_dir, const char *passphrase,
                               char *msg, size_t msglen);
/* The server accepted a new password: keep the vault in step when it
 * holds this account's password. Returns a line for the user. */
const char *credentials_changed(struct credentials *c, const char *jid, const char *password);
void credentials_clear(struct credentials *c);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* credentials.c - finds the password without ever showing it: a file
 * given on the command line (scripts and tests) or the encrypted vault;
 * failing both, the UI asks when the server wants it. A vault that cannot be read is reported and
 * left alone: the user types the password instead, and the broken vault is never overwritten behind
 * their back. */

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/credentials.h"
#include "core/prompt.h"

#define PASSWORD_MAX 1024
#define PASSPHRASE_TRIES 3

static char *read_password_file(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "tuktuk: cannot read password file %s: %s", path, strerror(errno));
        return NULL;
    }
    char *pw = sodium_malloc(PASSWORD_MAX);
    if (!pw) {
        fclose(f);
        snprintf(err, errlen, "tuktuk: out of memory");
        return NULL;
    }
    if (!fgets(pw, PASSWORD_MAX, f))
        pw[0] = '\0';
    fclose(f);
    pw[strcspn(pw, "\r\n")] = '\0';
    if (!pw[0]) {
        sodium_free(pw);
        snprintf(err, errlen, "tuktuk: password file %s is empty", path);
        return NULL;
    }
    return pw;
}

static struct vault *open_vault(struct credentials *c, const char *data_dir, bool interactive)
{
    char err[256] = "";
    enum vault_error code = VAULT_OK;
    if (!vault_has_passphrase(data_dir)) {
        struct vault *v = vault_open(data_dir, NULL, 0, &code, err, sizeof err);
        if (!v)
            snprintf(c->notice, sizeof c->notice, "vault not used: %s", err);
        return v;
    }
    for (int i = 0; i < PASSPHRASE_TRIES && interactive; i++) {
        char *pass = prompt_secret("Vault passphrase: ");
        if (!pass)
            break;
        struct vault *v = vault_open(data_dir, pass, 0, &code, err, sizeof err);
        sodium_free(pass);
        if (v)
            return v;
        if (code != VAULT_ERR_PASSPHRASE)
            break;
        fprintf(stderr, "%s\n", err);
    }
    snprintf(c->notice, sizeof c->notice, "vault not used: %s",
             err[0] ? err : "no passphrase given");
    return NULL;
}

struct vault *credentials_vault(const char *data_dir, bool interactive, char *notice, size_t len)
{
    struct credentials c = {0};
    struct vault *v = open_vault(&c, data_dir, interactive);
    snprintf(notice, len, "%s", c.notice);
    return v;
}

/* 1 when the vault gave what this mode needs, else 0. */
static int from_vault(struct credentials *c, const char *jid)
{
    char verr[256] = "";
    int found = c->scram_mode ? vault_get_scram(c->vault, jid, &c->scram, verr, sizeof verr)
                              : vault_get_password(c->vault, jid, &c->password, verr, sizeof verr);
    if (found < 0)
        snprintf(c->notice, sizeof c->notice, "vault: %s", verr);
    if (found == 1 && c->scram) {
        c->key = (struct session_scram_key){.mechanism = c->scram->mechanism,
                                            .salt = c->scram->salt,
                                            .salt_len = c->scram->saltlen,
                                            .iterations = c->scram->iterations,
                                            .salted = c->scram->salted,
                                            .salted_len = c->scram->saltedlen};
    }
    return found == 1;
}

int credentials_load(struct credentials *c, const char *password_file, const char *data_dir,
                     const char *jid, bool scram_mode, bool interactive, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    c->scram_mode = scram_mode;
    if (password_file) {
        c->password = read_password_file(password_file, err, errlen);
        return c->password ? 0 : -1;
    }
    c->vault = open_vault(c, data_dir, interactive);
    if (c->vault)
        from_vault(c, jid);
    /* Without a password the session reports that one is needed once the
     * server asks for it, and the UI asks the user then (no echo). */
    return 0;
}

int credentials_load_shared(struct credentials *c, struct vault *vault, const char *jid,
                            bool scram_mode, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    memset(c, 0, sizeof *c);
    c->scram_mode = scram_mode;
    c->vault = vault;
    c->vault_borrowed = vault != NULL;
    if (vault)
        from_vault(c, jid);
    return 0;
}

const struct session_scram_key *credentials_scram_key(const struct credentials *c)
{
    return c->scram ? &c->key : NULL;
}

const char *credentials_authenticated(struct credentials *c, const char *jid,
                                      const struct session_scram_key *key)
{
    if (!c->scram_mode || !c->store_after_login || !c->vault)
        return NULL;
    c->store_after_login = false;
    char err[256] = "";
    if (!key)
        snprintf(c->notice, sizeof c->notice,
                 "the server did not use SCRAM: nothing stored in the vault");
    else if (vault_store_scram(c->vault, jid, key->mechanism, key->salt, key->salt_len,
                               key->iterations, key->salted, key->salted_len, err, sizeof err) == 0)
        snprintf(c->notice, sizeof c->notice,
                 "the vault keeps the SCRAM salted password, not the password itself");
    else
        snprintf(c->notice, sizeof c->notice, "nothing stored: %s", err);
    return c->notice;
}

void credentials_after_login(struct credentials *c, const char *jid)
{
    if (c->scram_mode || !c->store_after_login || !c->vault || !c->password)
        return;
    c->store_after_login = false;
    char err[256] = "";
    if (vault_store_password(c->vault, jid, c->password, err, sizeof err) == 0)
        snprintf(c->notice, sizeof c->notice, "password stored in the vault");
    else
        snprintf(c->notice, sizeof c->notice, "password NOT stored: %s", err);
}

int credentials_store(struct credentials *c, const char *data_dir, const char *jid,
                      const char *password, char *msg, size_t msglen)
{
    char err[256] = "";
    if (!c->vault && vault_has_passphrase(data_dir)) {
        snprintf(msg, msglen, "the vault is locked: restart tuktuk to give its passphrase");
        return -1;
    }
    if (!c->vault && !(c->vault = vault_open(data_dir, NULL, 0, NULL, err, sizeof err))) {
        snprintf(msg, msglen, "password NOT stored: %s", err);
        return -1;
    }
    if (c->scram_mode) {
        c->store_after_login = true;
        snprintf(msg, msglen,
                 "the vault will keep the SCRAM salted password after the next "
                 "login (password_mode = scram)");
        return 0;
    }
    if (vault_store_password(c->vault, jid, password, err, sizeof err) < 0) {
        snprintf(msg, msglen, "password NOT stored: %s", err);
        return -1;
    }
    snprintf(msg, msglen, "password stored in the vault");
    return 0;
}

int credentials_set_passphrase(struct credentials *c, const char *data_dir, const char *passphrase,
                               char *msg, size_t msglen)
{
    char err[256] = "";
    if (!c->vault && vault_has_passphrase(data_dir)) {
        snprintf(msg, msglen, "the vault is locked: restart tuktuk to give its passphrase");
        return -1;
    }
    if (!c->vault && !(c->vault = vault_open(data_dir, NULL, 0, NULL, err, sizeof err))) {
        snprintf(msg, msglen, "the vault cannot be opened: %s", err);
        return -1;
    }
    if (vault_set_passphrase(c->vault, passphrase, err, sizeof err) < 0) {
        snprintf(msg, msglen, "the passphrase is unchanged: %s", err);
        return -1;
    }
    snprintf(msg, msglen,
             passphrase ? "the vault is now protected by the passphrase"
                        : "the vault has no passphrase now (key file)");
    return 0;
}

const char *credentials_changed(struct credentials *c, const char *jid, const char *password)
{
    char *old = NULL;
    char err[256] = "";
    if (!c->vault || vault_get_password(c->vault, jid, &old, err, sizeof err) != 1)
        return "the vault holds no password for this account: nothing to update there";
    vault_free_secret(old);
    if (vault_store_password(c->vault, jid, password, err, sizeof err) == 0)
        snprintf(c->notice, sizeof c->notice, "the vault now holds the new password");
    else
        snprintf(c->notice, sizeof c->notice,
                 "the vault still holds the OLD password: %s (use /password)", err);
    return c->notice;
}

void credentials_clear(struct credentials *c)
{
    if (c->password)
        sodium_free(c->password);
    vault_free_scram(c->scram);
    if (!c->vault_borrowed)
        vault_close(c->vault);
    memset(c, 0, sizeof *c);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* prompts.c - the questions asked on the input line, as data: what each
 * says (around the contact or account it is about), whether its answer is
 * a secret (never echoed, never kept in the history, wiped once used),
 * and the function that takes the answer. A new question is one row
 * here and one answer function. */
#include "ui/ui_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ABOUT_TEXT: what the question is about is said as given. */
/* ABOUT_ACCOUNTS: nothing with one account; with several, the account
 * takes the place of "this" in the question (see ui_prompt_text). */
enum prompt_about { ABOUT_NOTHING, ABOUT_CONTACT, ABOUT_ACCOUNT, ABOUT_TEXT, ABOUT_ACCOUNTS };

struct prompt_kind {
    const char *before, *after; /* the question, around what it is about */
    enum prompt_about about;
    bool secret;
    /* The answer (NULL: Esc), and the contact it is about, if any. */
    void (*answer)(struct ui *ui, enum ui_prompt p, const char *jid, const char *text);
};

static const struct prompt_kind prompts[] = {
    [UI_PROMPT_NONE] = {"> ", "", ABOUT_NOTHING, false, NULL},
    [UI_PROMPT_ADD] = {"add contact (JID [NAME], Esc: cancel): ", "", ABOUT_NOTHING, false,
                       ui_answer_add},
    [UI_PROMPT_REMOVE] = {"remove ", "? type remove and Enter (Esc: keep): ", ABOUT_CONTACT,
                          false, ui_answer_remove},
    [UI_PROMPT_RENAME] = {"rename ", " to: ", ABOUT_CONTACT, false, ui_answer_rename},
    [UI_PROMPT_BLOCK] = {"block ", "? type block and Enter (Esc: don't): ", ABOUT_CONTACT, false,
                         ui_answer_block},
    [UI_PROMPT_LOGIN_PASSWORD] = {"password for ", " (Esc: cancel): ", ABOUT_ACCOUNT, true,
                                  ui_answer_login},
    [UI_PROMPT_STORE] = {"keep this password in the encrypted vault? (y/n) ", "",
                         ABOUT_ACCOUNTS, false, ui_answer_store},
    [UI_PROMPT_VAULT_PASSWORD] = {"password to keep in the vault (Esc: cancel): ", "",
                                  ABOUT_NOTHING, true, ui_answer_vault_password},
    [UI_PROMPT_NEW_PASSWORD] = {"new password for the server (Esc: cancel): ", "", ABOUT_NOTHING,
                                true, ui_answer_new_password},
    [UI_PROMPT_NEW_PASSWORD_AGAIN] = {"the new password again: ", "", ABOUT_NOTHING, true,
                                      ui_answer_new_password},
    [UI_PROMPT_PASSPHRASE] = {"new vault passphrase (empty: none, Esc: cancel): ", "",
                              ABOUT_NOTHING, true, ui_answer_passphrase},
    [UI_PROMPT_PASSPHRASE_AGAIN] = {"the vault passphrase again: ", "", ABOUT_NOTHING, true,
                                    ui_answer_passphrase},
    [UI_PROMPT_QUIT] = {"quit anyway? (y/n) ", "", ABOUT_NOTHING, false, ui_answer_quit},
    [UI_PROMPT_ACCOUNT_JID] = {"new account's address (Esc: cancel): ", "", ABOUT_NOTHING, false,
                               ui_answer_account_jid},
    [UI_PROMPT_ACCOUNT_PASSWORD] = {"password for ", " (Esc: cancel): ", ABOUT_TEXT, true,
                                    ui_answer_account_password},
    [UI_PROMPT_ACCOUNT_CHOICE] = {"", ": which account? (Esc: cancel) ", ABOUT_TEXT, false,
                                  ui_answer_account_choice},
};

bool ui_prompt_is_secret(enum ui_prompt p)
{
    return prompts[p].secret;
}

const char *ui_prompt_text(struct ui *ui, char *buf, size_t len)
{
    const struct prompt_kind *k = &prompts[ui->prompt];
    /* A long paste waits for a second Enter (keys.c). */
    if (ui->prompt == UI_PROMPT_NONE && ui->confirm_lines) {
        snprintf(buf, len, "send %u lines? Enter: send, Esc: edit > ", ui->confirm_lines);
        return buf;
    }
    char who[600] = "";
    if (k->about == ABOUT_ACCOUNTS && ui->naccts > 1 && ui->prompt_acct) {
        snprintf(buf, len, "keep the password of %s (%s) in the encrypted vault? (y/n) ",
                 ui->prompt_acct->name, session_bare_jid(ui->prompt_acct->session));
        return buf;
    }
    if (k->about == ABOUT_TEXT && ui->prompt_jid)
        snprintf(who, sizeof who, "%s", ui->prompt_jid);
    else if (k->about == ABOUT_CONTACT && ui->prompt_jid)
        ui_contact_who(ui, ui->prompt_jid, who, sizeof who);
    else if (k->about == ABOUT_ACCOUNT && ui->prompt_acct) {
        /* With several accounts, which one is asked about matters most. */
        struct ui_acct *a = ui->prompt_acct;
        const char *jid = session_bare_jid(a->session);
        if (ui->naccts > 1 && strcmp(a->name, jid) != 0)
            snprintf(who, sizeof who, "%s (%s)", a->name, jid);
        else
            snprintf(who, sizeof who, "%s", jid);
    }
    snprintf(buf, len, "%s%s%s", k->before, who, k->after);
    return buf;
}

void ui_ask(struct ui *ui, enum ui_prompt p, const char *jid)
{
    free(ui->prompt_jid);
    ui->prompt_jid = jid ? strdup(jid) : NULL;
    ui->prompt_acct = ui->a;
    ui->prompt = p;
    input_clear(ui->in);
    ui_dirty(ui, UI_DIRTY_INPUT | UI_DIRTY_ROSTER | UI_DIRTY_TITLE);
}

void ui_prompt_answer(struct ui *ui, const char *answer)
{
    enum ui_prompt p = ui->prompt;
    const struct prompt_kind *k = &prompts[p];
    char *jid = ui->prompt_jid;
    struct ui_acct *was = ui->a;
    if (ui->prompt_acct)
        ui_use_account(ui, ui->prompt_acct);
    ui->prompt = UI_PROMPT_NONE;
    ui->prompt_jid = NULL;
    /* The keys go back where they were: the roster, maybe (see ui.c). */
    ui_dirty(ui, UI_DIRTY_INPUT | UI_DIRTY_ROSTER | UI_DIRTY_TITLE);
    if (k->secret) {
        /* Taken where it lies, and wiped there: no copy is made. */
        k->answer(ui, p, jid, answer);
        input_wipe(ui->in);
    } else if (k->answer) {
        char *text = answer ? strdup(answer) : NULL;
        input_clear(ui->in);
        k->answer(ui, p, jid, text);
        free(text);
    }
    free(jid);
    ui_use_account(ui, was);
    /* Another account's password was refused meanwhile: its turn. */
    for (size_t i = 0; ui->prompt == UI_PROMPT_NONE && i < ui->naccts; i++) {
        if (!ui->accts[i]->wants_password)
            continue;
        ui->accts[i]->wants_password = false;
        ui_use_account(ui, ui->accts[i]);
        ui_ask(ui, UI_PROMPT_LOGIN_PASSWORD, NULL);
        ui_use_account(ui, was);
    }
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* secrets.c - passwords typed on the input line: after a refused login,
 * for /password (the vault) and for /passwd (the server, XEP-0077). They
 * are never echoed (not even as stars, which would show their length),
 * never enter the input history, and are wiped from the input line, the
 * kill buffer and our copy once used. A password typed after a refused
 * login is offered for the vault only after the server has accepted it. */

#include <sodium.h>
#include <string.h>

#include "ui/ui_int.h"

static void forget_secret(struct ui *ui)
{
    if (ui->a->secret)
        sodium_free(ui->a->secret);
    ui->a->secret = NULL;
    ui->a->offer_store = false;
}

static bool keep_secret(struct ui *ui, const char *text)
{
    forget_secret(ui);
    size_t len = strlen(text);
    ui->a->secret = sodium_malloc(len + 1);
    if (ui->a->secret)
        memcpy(ui->a->secret, text, len + 1);
    return ui->a->secret != NULL;
}

void ui_secret_free(struct ui *ui)
{
    forget_secret(ui);
}

static void store(struct ui *ui, const char *password)
{
    char msg[300] = "";
    if (!ui->opt.store_password) {
        ui_status_error(ui, "there is no vault to keep the password in");
        return;
    }
    if (ui->opt.store_password(ui->opt.ud, ui->a->index, password, msg, sizeof msg) == 0)
        ui_info(ui, NULL, CHATLINE_INFO, "%s", msg);
    else
        ui_status_error(ui, "%s", msg);
}

/* After a refused login: try again with this one (nothing: stay out). */
void ui_answer_login(struct ui *ui, enum ui_prompt p, const char *jid, const char *password)
{
    (void)p;
    (void)jid;
    if (!password || !password[0]) {
        ui_info(ui, NULL, CHATLINE_INFO, "not logging in; /connect to try again");
        forget_secret(ui);
        return;
    }
    if (!keep_secret(ui, password))
        return;
    ui->a->offer_store = ui->opt.store_password != NULL;
    session_set_password(ui->a->session, password);
    if (session_connect(ui->a->session) != 0)
        ui_status_error(ui, "already connecting");
}

/* /passwd asks twice; the server is asked only when both agree. */
void ui_answer_new_password(struct ui *ui, enum ui_prompt p, const char *jid, const char *text)
{
    (void)jid;
    if (!text || !text[0]) {
        forget_secret(ui);
        return;
    }
    if (p == UI_PROMPT_NEW_PASSWORD) {
        if (keep_secret(ui, text))
            ui_ask(ui, UI_PROMPT_NEW_PASSWORD_AGAIN, NULL);
        return;
    }
    bool same = ui->a->secret && strcmp(ui->a->secret, text) == 0;
    if (!same)
        ui_status_error(ui, "/passwd: the two passwords differ; nothing changed");
    else if (session_change_password(ui->a->session, text) != 0)
        ui_status_error(ui, "/passwd: could not ask the server (are you online?)");
    else
        ui_info(ui, NULL, CHATLINE_INFO, "asking the server to change the password...");
    forget_secret(ui);
}

/* /vault passphrase asks twice too; empty means "no passphrase". */
void ui_answer_passphrase(struct ui *ui, enum ui_prompt p, const char *jid, const char *text)
{
    (void)jid;
    char msg[300] = "";
    if (!text) {
        forget_secret(ui);
        return;
    }
    if (p == UI_PROMPT_PASSPHRASE) {
        if (keep_secret(ui, text))
            ui_ask(ui, UI_PROMPT_PASSPHRASE_AGAIN, NULL);
        return;
    }
    if (!ui->a->secret || strcmp(ui->a->secret, text) != 0)
        ui_status_error(ui, "/vault passphrase: the two differ; nothing changed");
    else if (!ui->opt.set_passphrase)
        ui_status_error(ui, "there is no vault here");
    else if (ui->opt.set_passphrase(ui->opt.ud, text[0] ? text : NULL, msg, sizeof msg) == 0)
        ui_info(ui, NULL, CHATLINE_INFO, "%s", msg);
    else
        ui_status_error(ui, "%s", msg);
    forget_secret(ui);
}

/* /password: kept in the vault, and used from now on. */
void ui_answer_vault_password(struct ui *ui, enum ui_prompt p, const char *jid,
                              const char *text)
{
    (void)p;
    (void)jid;
    if (!text || !text[0]) {
        forget_secret(ui);
        return;
    }
    store(ui, text);
    session_set_password(ui->a->session, text);
}

/* The password the server just accepted, offered for the vault. */
void ui_answer_store(struct ui *ui, enum ui_prompt p, const char *jid, const char *text)
{
    (void)p;
    (void)jid;
    if (text && strcmp(text, "y") == 0 && ui->a->secret)
        store(ui, ui->a->secret);
    forget_secret(ui);
}

void ui_secret_event(struct ui *ui, const struct session_event *ev)
{
    if (ev->type == SESSION_EV_AUTH_FAILED && ui->prompt == UI_PROMPT_NONE) {
        forget_secret(ui);
        ui_ask(ui, UI_PROMPT_LOGIN_PASSWORD, NULL);
    } else if (ev->type == SESSION_EV_AUTH_FAILED) {
        /* Another question is on the input line (another account's
         * password, say): this one is asked when it is answered. */
        ui->a->wants_password = true;
    } else if (ev->type == SESSION_EV_STATE && ev->state == SESSION_ONLINE && ui->a->offer_store) {
        ui->a->offer_store = false;
        if (ui->prompt == UI_PROMPT_NONE)
            ui_ask(ui, UI_PROMPT_STORE, NULL);
        else
            forget_secret(ui);
    }
}

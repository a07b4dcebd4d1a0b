/* SPDX-License-Identifier: GPL-3.0-or-later */
/* queries.c - asking other entities about themselves, and showing the
 * answers: /version, /ping, /disco and /vcard. The session asks and reads
 * the answers (xmpp/queries.c, xmpp/vcard.c); this file only words them.
 * Answers are shown in the window that is current when they arrive. */
#include "ui/ui_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct chatwin *here(struct ui *ui)
{
    return chatwins_current(&ui->wins);
}

static void asked(struct ui *ui, int rc, const char *what)
{
    if (rc != 0)
        ui_status_error(ui, "%s: you are not online", what);
}

void ui_query_version(struct ui *ui, const char *jid)
{
    asked(ui, session_query_version(ui->a->session, jid), "/version");
}

void ui_query_ping(struct ui *ui, const char *jid)
{
    asked(ui, session_query_ping(ui->a->session, jid), "/ping");
}

void ui_query_disco(struct ui *ui, const char *jid)
{
    asked(ui, session_query_disco(ui->a->session, jid), "/disco");
}

/* ---- answers ---- */

static void show_disco(struct ui *ui, const char *jid, const struct session_query *q)
{
    ui_info(ui, here(ui), CHATLINE_INFO, "disco#info of %s:", jid);
    for (size_t i = 0; i < q->nidentities; i++)
        ui_info(ui, here(ui), CHATLINE_INFO, "  identity: %s", q->identities[i]);
    for (size_t i = 0; i < q->nfeatures; i++)
        ui_info(ui, here(ui), CHATLINE_INFO, "  feature: %s", q->features[i]);
    if (q->nfeatures == 0)
        ui_info(ui, here(ui), CHATLINE_INFO, "  no features");
}

void ui_query_event(struct ui *ui, const struct session_event *ev)
{
    static const char *const names[] = {"version", "ping", "disco#info", "time"};
    const struct session_query *q = ev->query;
    bool ok = strcmp(ev->condition, "result") == 0;
    if (!ok)
        ui_info(ui, here(ui), CHATLINE_ERROR, "%s of %s: %s (after %u ms)", names[q->kind],
                ev->jid, ev->condition, q->rtt_ms);
    else if (q->kind == SESSION_QUERY_PING)
        ui_info(ui, here(ui), CHATLINE_INFO, "pong from %s: %u ms", ev->jid, q->rtt_ms);
    else if (q->kind == SESSION_QUERY_VERSION)
        ui_info(ui, here(ui), CHATLINE_INFO, "%s runs %s%s%s%s%s%s", ev->jid,
                q->name && q->name[0] ? q->name : "(no name)", q->version ? " " : "",
                q->version ? q->version : "", q->os ? " (" : "", q->os ? q->os : "",
                q->os ? ")" : "");
    else if (q->kind == SESSION_QUERY_TIME)
        ui_info(ui, here(ui), CHATLINE_INFO, "the time of %s: %s (UTC%s)", ev->jid,
                q->utc ? q->utc : "?", q->tzo ? q->tzo : "");
    else
        show_disco(ui, ev->jid, q);
}

/* ---- vCards ---- */

void ui_query_vcard(struct ui *ui, const char *jid)
{
    if (session_vcard_request(ui->a->session, jid) != 0)
        ui_status_error(ui, "/vcard: you are not online");
}

void ui_vcard_set(struct ui *ui, const char *field, const char *value)
{
    if (session_vcard_set(ui->a->session, field, value) != 0) {
        ui_status_error(ui, "/vcard set: %s",
                        session_state(ui->a->session) == SESSION_ONLINE ? "not a valid value"
                                                                     : "you are not online");
        return;
    }
}

static void show_card(struct ui *ui, const char *jid, const struct session_vcard *v)
{
    const struct {
        const char *label, *value;
    } f[] = {{"FN", v->fn},   {"NICKNAME", v->nickname}, {"EMAIL", v->email},
             {"URL", v->url}, {"BDAY", v->bday},         {"TEL", v->tel},
             {"ORG", v->org}, {"TITLE", v->title},       {"NOTE", v->note}};
    size_t shown = 0;
    ui_info(ui, here(ui), CHATLINE_INFO, "vCard of %s:", jid);
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        if (f[i].value && f[i].value[0]) {
            ui_info(ui, here(ui), CHATLINE_INFO, "  %s: %s", f[i].label, f[i].value);
            shown++;
        }
    }
    if (!shown)
        ui_info(ui, here(ui), CHATLINE_INFO, "  (empty)");
}

/* The session reports a card (for /vcard) or, without one, the outcome
 * of /vcard set; an empty card also comes without one. */
void ui_vcard_event(struct ui *ui, const struct session_event *ev)
{
    const char *jid = ev->jid ? ev->jid : session_bare_jid(ui->a->session);
    bool ok = !ev->condition || strcmp(ev->condition, "result") == 0;
    if (ev->vcard) {
        show_card(ui, jid, ev->vcard);
        return;
    }
    bool setting = ev->sub_type && strcmp(ev->sub_type, "set") == 0;
    if (setting && ok)
        ui_info(ui, here(ui), CHATLINE_INFO, "your vCard is saved");
    else if (setting)
        ui_info(ui, here(ui), CHATLINE_ERROR, "your vCard is not saved: %s", ev->condition);
    else if (ok)
        ui_info(ui, here(ui), CHATLINE_INFO, "%s has no vCard", jid);
    else
        ui_info(ui, here(ui), CHATLINE_ERROR, "vCard of %s: %s", jid, ev->condition);
}
